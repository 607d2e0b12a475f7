"""`legality law show N` for an article of the General Part: what the outline holds (rules/law/outline/).

Why a separate module: the General Part has no sanctions, so `law show` has nothing of its usual output to give;
it shows the article's title, parts and items and the text they were read in, which is what a rule author
checks a citation against (lint W106).  Exit 2, as for a sanction, when the part or item is not there.
"""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson

from ..i18n import _


def outline_json(a: Any) -> dict[str, Any]:
    ed = a.edition
    parts = [{"part": p, "items": a.points(p), **({"repealed": a.repealed_parts[p]} if p in a.repealed_parts else {})}
             for p in a.parts]
    return {"article": a.article, "title": a.title, "general_part": True,
            "edition": {"name": ed.name, "source": ed.source, "edition_date": ed.edition_date.isoformat()},
            "parts": parts, "items": a.points(None) if not a.parts else [],
            **({"repealed": a.repealed} if a.repealed else {})}


def outline_text(a: Any) -> str:
    from ..law.outline import ranges

    lines = [_("ст.{article} УК РК (Общая часть) «{title}»").format(article=a.article, title=a.title)]
    if a.repealed:
        lines.append(f"  {a.repealed}")
    if not a.parts:
        items = a.points(None)
        lines.append("  " + (_("частей нет; пункты: {items}").format(items=ranges("п.", items)) if items
                             else _("частей и пунктов нет")))
    for p in a.parts:
        items = a.points(p)
        line = f"  ч.{p}" + (": " + ranges("п.", items) if items else "")
        if p in a.repealed_parts:
            line += f" — {a.repealed_parts[p]}"
        lines.append(line)
    ed = a.edition
    lines.append(_("  текст: {edition} на {date:%d.%m.%Y} ({source})").format(edition=ed.name, date=ed.edition_date,
                                                                          source=ed.source))
    return "\n".join(lines)


def show_outline(a: Any, part: Any, item: int | None, fmt: str) -> None:
    """Print the outline's article; with --part/--item only say whether that provision is there (exit 2 if not)."""
    missing = None
    if part is not None and part not in a.parts:
        missing = _("в тексте Кодекса нет ч.{part} ст.{article} УК РК").format(part=part, article=a.article)
    elif item is not None and item not in a.points(part):
        missing = _("в тексте Кодекса нет п.{item} {where}ст.{article} УК РК").format(
            item=item, where="" if part is None else f"ч.{part} ", article=a.article)
    if missing:
        click.echo(f"legality: {missing}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(orjson.dumps(outline_json(a)).decode())
    else:
        click.echo(outline_text(a))
