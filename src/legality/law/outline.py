"""The outline of the General Part in the catalogue: which articles, parts and items (пункты) exist.

Why: the catalogue's sanctions cover only the Special Part, yet most citations of the rule pack are of the
General Part (ст.52, 55, 58 …); lint W106 checks them against this outline.  It is dated data like the rest of
the catalogue: every file names the edition it was read in, and a provision is accepted when any file has it.

Files: `outline: general` at the top (`rules/law/outline/*.yaml`).  `outline/general.yaml` is generated from the
Code's text by `legality law import`; a provision a later law added, read in that law's text and not yet in an
imported Code text, goes into a file of its own with that law's `edition`, `source` and `edition_date` — its
articles, parts and items are added to the outline and remember which edition they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..i18n import _
from ..model.values import Part, part_key

if TYPE_CHECKING:  # pydantic loads only when a catalogue is read from files (catalogue.py)
    from .outline_schema import OutlineFile


@dataclass(frozen=True)
class OutlineEdition:
    """The text an outline file was read in."""

    name: str
    source: str
    edition_date: date
    file: str

    def __str__(self) -> str:
        return f"{self.name} ({self.edition_date:%d.%m.%Y})"


@dataclass
class OutlineArticle:
    """One article of the General Part: its parts (empty: none numbered) and the items of each part (key None:
    the items of an article without parts).  `origin` says which edition each provision was read in: key
    (None, None) the article, (part, None) a part, (part, item) an item."""

    article: str
    title: str
    parts: list[Part] = field(default_factory=list)
    items: dict[Part | None, list[Part]] = field(default_factory=dict)
    repealed: str | None = None
    repealed_parts: dict[Part, str] = field(default_factory=dict)
    repealed_items: dict[str, str] = field(default_factory=dict)
    origin: dict[tuple[Part | None, Part | None], OutlineEdition] = field(default_factory=dict)
    file: str = ""
    line: int = 1

    @property
    def edition(self) -> OutlineEdition:
        return self.origin[(None, None)]

    def has_part(self, part: Part) -> bool:
        return part in self.parts

    def points(self, part: Part | None) -> list[Part]:
        """The items of `part` (None: of the article without parts); [] when it has none."""
        return list(self.items.get(part, ()))


def merge(files: list[tuple[OutlineFile, str, dict[Any, int]]]
          ) -> tuple[dict[str, OutlineArticle], list[tuple[str, int, str]]]:
    """The outline of every file, the oldest edition first (a provision keeps the edition it was first read in);
    the problems found (an article without a title, items of a part the article lacks) as (file, line, text)."""
    out: dict[str, OutlineArticle] = {}
    problems: list[tuple[str, int, str]] = []
    for f, name, lines in sorted(files, key=lambda x: (x[0].edition_date, x[1])):
        ed = OutlineEdition(f.edition, f.source, f.edition_date, name)
        for i, spec in enumerate(f.articles):
            line = lines.get(("articles", i), 1)
            a = out.get(spec.article)
            if a is None:
                if not spec.title:
                    problems.append((name, line, _("articles.{i}: article {article} is not in the outline yet, so it needs "
                                                   "a title").format(i=i, article=spec.article)))
                    continue
                a = out[spec.article] = OutlineArticle(spec.article, spec.title, file=name, line=line)
                a.origin[(None, None)] = ed
            if spec.repealed and a.repealed is None:
                a.repealed = spec.repealed
            for p in spec.parts:
                if p not in a.parts:
                    a.parts.append(p)
                    a.origin[(p, None)] = ed
            a.parts.sort(key=part_key)
            groups: dict[Part | None, list[Part]] = (
                {None: spec.items} if isinstance(spec.items, list) else {k: v for k, v in spec.items.items()})
            for q, xs in groups.items():
                if q is not None and q not in a.parts:
                    problems.append((name, line, _("articles.{i}.items: part {part} is not among the parts of article "
                                                   "{article}").format(i=i, part=q, article=spec.article)))
                    continue
                have = a.items.setdefault(q, [])
                for x in xs:
                    if x not in have:
                        have.append(x)
                        a.origin[(q, x)] = ed
                have.sort(key=part_key)
            a.repealed_parts.update({p: t for p, t in spec.repealed_parts.items() if p not in a.repealed_parts})
            a.repealed_items.update({k: t for k, t in spec.repealed_items.items() if k not in a.repealed_items})
    return out, problems


def ranges(prefix: str, numbers: list[Part]) -> str:
    """«ч.1–7», «п.1–20, п.20-1, п.21–26»: runs of three or more whole numbers are shown as a range."""
    out: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(f"{prefix}{run[0]}–{run[-1]}")
        else:
            out.extend(f"{prefix}{n}" for n in run)
        run.clear()

    for n in sorted(numbers, key=part_key):
        if isinstance(n, int) and (not run or n == run[-1] + 1):
            run.append(n)
            continue
        flush()
        if isinstance(n, int):
            run.append(n)
        else:
            out.append(f"{prefix}{n}")
    flush()
    return ", ".join(out)
