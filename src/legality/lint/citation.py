"""W106: a rule cites an article or a part of the Code that the law catalogue does not hold.

Why: `cite "УК РК ст.190 ч.10"` reads as a citation (E103 only checks its form), compiles, and then goes into
every finding and every protest draft the rule makes, where a judge reads a provision that does not exist
(ux-2026-12, user 2).  The catalogue (`rules/law/sanctions/`) holds every article of the Special Part with its
parts, in every edition it knows, so a Special-Part citation is checked against it:
- an article inside the Special Part's range the catalogue does not hold, or one beyond its last article
  («ст.999»): no such article;
- a part no edition of that article has (a part that existed in some edition, even a repealed one, is a real
  provision and is accepted: a rule may judge old verdicts): no such part, with the parts it has;
- a part cited for an article that has no parts.
An item (п.) of the Special Part is not checked: the catalogue lists an item only where it has a sanction of its
own.  Articles of the General Part (below the catalogue's first article) are checked against the outline of the
General Part (`rules/law/outline/`, read from the Code's text by `legality law import`): the article, its part,
and its item (пункт) must be in it; the messages name the edition of the text the outline was read in, so an
author citing a provision added later knows why it is not there and where to record it.  A catalogue without
an outline leaves the General Part unchecked.  Citations of other acts (УПК РК, …) are not checked.

Why a warning, not an error: the catalogue may lag behind the Code (a new article before `legality law
import`); the author decides, and `check --strict` makes it fail in CI.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..model.values import ArticleRef, part_key
from ..resolve.ir import FactDef, RuleDef

CODE = "W106"


def _outline(catalogue: Any) -> tuple[dict[str, set[Any]], list[str]] | None:
    """Article -> the parts any edition of it has (None: an article without parts), and the articles in order."""
    sanctions = getattr(catalogue, "sanctions", None)
    articles = getattr(catalogue, "articles", None)
    if sanctions is None or articles is None:
        return None
    parts: dict[str, set[Any]] = {a: set() for a in articles()}
    for s in sanctions():
        parts.setdefault(s.article, set()).add(s.part)
    order = sorted(parts, key=lambda a: ArticleRef(a).sort_key())
    return (parts, order) if order else None


def _ru_parts(parts: set[Any]) -> str:
    return ", ".join(f"ч.{p}" for p in sorted((p for p in parts if p is not None), key=part_key))


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any) -> list[Diagnostic]:
    outline = _outline(catalogue)
    if outline is None:
        return []
    parts, order = outline
    first, last = ArticleRef(order[0]).sort_key()[:2], ArticleRef(order[-1]).sort_key()[:2]
    out: list[Diagnostic] = []
    for r in rules.values():
        for i, c in enumerate(r.static_cites):
            if c.act != "УК РК":
                continue
            ref = c.ref
            span = r.text_spans.get(f"cite{i}", r.span)
            try:
                key = ArticleRef(ref.article).sort_key()[:2]
            except ValueError:
                continue
            if key < first:
                d = _general(catalogue, r.id, c.act, ref, span)
                if d is not None:
                    out.append(d)
                continue
            shown = f"{c.act} ст.{ref.article}"
            if ref.article not in parts:
                near = [a for a in order if a.partition("-")[0] == ref.article.partition("-")[0]]
                hint = (_("did you mean {choices}? (the articles the catalogue holds)").format(
                            choices=", ".join(f"ст.{a}" for a in near)) if near else
                        _("the catalogue's Special Part runs from {first} to {last}").format(
                            first=f"ст.{order[0]}", last=f"ст.{order[-1]}"))
                what = (_("beyond the last article of the catalogue") if key > last
                        else _("not in the law catalogue"))
                out.append(Diagnostic(CODE, _("rule {rule} cites {cite}: no such article ({what})").format(
                    rule=r.id, cite=shown, what=what), span, hint=hint))
                continue
            have = parts[ref.article]
            if ref.part is None or not have:
                continue  # the whole article; or a repealed one whose sanctions the catalogue no longer holds
            if have == {None}:
                out.append(Diagnostic(CODE, _("rule {rule} cites {cite}, but that article has no parts").format(
                    rule=r.id, cite=f"{shown} ч.{ref.part}"), span,
                    hint=_("cite the article without a part: \"{cite}\"").format(cite=shown)))
            elif ref.part not in have:
                msg = _("rule {rule} cites {cite}: no edition of the article in the catalogue has that part")
                out.append(Diagnostic(CODE, msg.format(rule=r.id, cite=f"{shown} ч.{ref.part}"), span,
                                      hint=_("the parts of {cite}: {parts}").format(cite=shown, parts=_ru_parts(have))))
    return out


# ---------------------------------------------------------------------- the General Part


def _cite(act: str, article: str, part: Any = None, item: Any = None) -> str:
    return f"{act} ст.{article}" + (f" ч.{part}" if part is not None else "") + (f" п.{item}" if item is not None else "")


def _did_you_mean(cites: list[str]) -> list[str]:
    return [_("Did you mean {choices}?").format(choices=", ".join(f"\"{c}\"" for c in cites))] if cites else []


def _general(catalogue: Any, rule: str, act: str, ref: ArticleRef, span: Any) -> Diagnostic | None:
    """The citation of a General-Part provision checked against the outline; None when it is there (or there is
    no outline).  Did-you-mean: the articles of the same number, the part that holds a cited item, the item a
    mistaken «ч.» names.  A provision missing from the outline may be newer than its text: the message gives the
    text's date and the hint its edition, and where to record a provision a later law added."""
    from ..law.outline import ranges

    articles = getattr(catalogue, "general_articles", None)
    order = articles() if articles is not None else []
    if not order:
        return None
    if ArticleRef(ref.article).sort_key()[0] > ArticleRef(order[-1]).sort_key()[0]:
        return None  # past the General Part (a catalogue that lacks the first articles of the Special Part)
    text = catalogue.general_article(order[0]).edition  # the text the outline was read in (the oldest file)
    dated = f"{text.edition_date:%d.%m.%Y}"
    later = _("The outline of the General Part was read in {edition} ({date}): a provision added by a later law is "
              "not in it — record it in rules/law/outline/ with that law's edition and source (docs/law.md).").format(
        edition=text.name, date=dated)
    a = catalogue.general_article(ref.article)
    part, item = ref.part, ref.paragraph
    cited = _cite(act, ref.article, part, item)

    def warn(message: str, *hints: str) -> Diagnostic:
        return Diagnostic(CODE, message, span, hint=" ".join(hints))

    if a is None:
        near = [x for x in order if x.partition("-")[0] == ref.article.partition("-")[0]]
        return warn(_("rule {rule} cites {cite}: the General Part of the Code's text of {date} has no such "
                      "article").format(rule=rule, cite=_cite(act, ref.article), date=dated),
                    *_did_you_mean([_cite(act, x) for x in near]),
                    _("The General Part runs from {first} to {last}.").format(first=f"ст.{order[0]}",
                                                                               last=f"ст.{order[-1]}"), later)
    shown = _cite(act, a.article)
    if part is not None and not a.parts:
        alone = a.points(None)
        return warn(_("rule {rule} cites {cite}, but that article has no parts").format(rule=rule, cite=cited),
                    *(_did_you_mean([_cite(act, a.article, None, part)]) if item is None and part in alone else
                      [_("Cite the article without a part: \"{cite}\".").format(cite=shown)]))
    if part is not None and part not in a.parts:
        holders = [p for p in a.parts if item is None and part in a.points(p)]
        return warn(_("rule {rule} cites {cite}: the article has no such part in the Code's text of {date}").format(
                        rule=rule, cite=cited, date=dated),
                    *_did_you_mean([_cite(act, a.article, p, part) for p in holders]),
                    _("The parts of {cite}: {parts}.").format(cite=shown, parts=ranges("ч.", a.parts)), later)
    if item is None:
        return None
    if part is None and a.parts:
        holders = [p for p in a.parts if item in a.points(p)]
        with_items = [f"ч.{p}" for p in a.parts if a.points(p)]
        return warn(_("rule {rule} cites {cite}: the article has parts, and an item is cited with its part").format(
                        rule=rule, cite=cited),
                    *(_did_you_mean([_cite(act, a.article, p, item) for p in holders]) if holders else
                      [_("The parts of {cite} that have items: {parts}.").format(cite=shown, parts=", ".join(with_items))
                       if with_items else _("The article has no items: cite its part.")]))
    have = a.points(part)
    whole = _cite(act, a.article, part)
    holders = [p for p in a.parts if p != part and item in a.points(p)]
    if not have:
        return warn(_("rule {rule} cites {cite}, but {where} has no items").format(
                        rule=rule, cite=cited, where=whole),
                    *(_did_you_mean([_cite(act, a.article, p, item) for p in holders]) if holders else
                      [_("Cite {cite} without an item.").format(cite=whole)]))
    if item in have:
        return None
    return warn(_("rule {rule} cites {cite}: {where} has no such item in the Code's text of {date}").format(
                    rule=rule, cite=cited, where=whole, date=dated),
                *_did_you_mean([_cite(act, a.article, p, item) for p in holders]),
                _("The items of {cite}: {items}.").format(cite=whole, items=ranges("п.", have)), later)
