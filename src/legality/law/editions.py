"""Dating the entries of an article when a later text of the Code is read beside an earlier one.

Why a window and not a day: most amending laws take effect «по истечении десяти календарных дней после дня
его первого официального опубликования», and the day of publication is not in the Code's text.  Between
the earliest and the latest day the law can have taken effect, a verdict may rightly have applied either
edition; a rule that checked the old limits there would flag sentences lawful under the new ones, and the
other way round.  So that span gets an entry of its own (`window: true`) holding only what both editions
agree on: the kinds of either, the larger maximum, the smaller minimum, an additional penalty mandatory
only if both make it mandatory.  Lookups inside it are never «current edition verified» (rules stay
`medium`), and its message says which reading was taken (docs/law.md, «Редакции и окна»).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from ..model.values import ArticleRef, Part, part_key
from .schema import AdditionalSpec, AmendmentSpec, ArticleFile, EntrySpec, PrincipalSpec, _months

# The latest day of publication we allow after signing.  Not a statute: a bound argued in docs/law.md
# (publication has been seen two weeks after signing); it only widens the span where checks are looser.
PUBLICATION_BOUND = timedelta(days=30)
DAY = timedelta(days=1)

EntryKey = tuple[Part | None, int | None]


@dataclass(frozen=True)
class InForce:
    """When an amending law took effect: exactly (`first == last`) or somewhere in [first, last]."""

    first: date
    last: date
    laws: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return self.first == self.last


def in_force_span(law: AmendmentSpec, fallback_last: date) -> InForce:
    """[first, last] day the law can have taken effect, from the text's own words.

    An exact day («вводится в действие с 01.07.2018») is exact; «по истечении N дней после опубликования»
    runs from publication on the day of signing (first) to publication `PUBLICATION_BOUND` later (last); with
    no rule in the text, from the signing to `fallback_last` (the date of the text that already holds it).
    """
    if law.in_force_from is not None:
        return InForce(law.in_force_from, law.in_force_from, (law.law,))
    if law.in_force_after_days is not None:
        first = law.signed + timedelta(days=law.in_force_after_days + 1)
        return InForce(first, first + PUBLICATION_BOUND, (law.law,))
    return InForce(law.signed, max(law.signed, fallback_last), (law.law,))


def _span(laws: list[AmendmentSpec], fallback_last: date) -> InForce:
    spans = [in_force_span(a, fallback_last) for a in laws]
    return InForce(min(s.first for s in spans), max(s.last for s in spans), tuple(x for s in spans for x in s.laws))


def _law_key(a: AmendmentSpec) -> tuple[date, str]:
    return (a.signed, a.number or a.law)


def _names(a: AmendmentSpec, article: str, key: EntryKey) -> bool:
    """Does the footnote name this part (or its item, or the whole part the item belongs to)?"""
    if not a.parts:
        return False
    for p in a.parts:
        try:
            ref = ArticleRef.parse(f"{p} ст.{article}")
        except ValueError:
            return True  # a reference we cannot read: assume it may be this part
        if ref.part == key[0] and (ref.paragraph is None or ref.paragraph == key[1]):
            return True
    return False


# ---------------------------------------------------------------------------- comparing and joining


def _substance(e: EntrySpec) -> Any:
    """What a rule can read of an entry: two editions with the same substance are one sanction."""
    return (e.category, e.intent, e.corruption, tuple(e.corruption_items),
            tuple(p.model_dump(exclude={"note"}) for p in e.principal),
            tuple(sorted((a.model_dump(exclude={"note"}, by_alias=True) for a in e.additional),
                         key=lambda d: (d["kind"].value, str(d.get("with"))))))


def _lower(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a if _months(a) <= _months(b) else b


def _higher(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return a if b is None else b
    return a if _months(a) >= _months(b) else b


def _join_principal(a: PrincipalSpec, b: PrincipalSpec) -> PrincipalSpec:
    if a.resolved_unit() != b.resolved_unit() or a.base != b.base:
        # a fine in МРП in one edition and as a multiple in the other: no common bound; the later one is kept
        return b.model_copy(update={"note": f"{b.note} (в другой редакции — иная единица; окно)".strip()})
    lo, hi = _lower(a.min, b.min), _higher(a.max, b.max)
    fixed = a.fixed and b.fixed and lo == hi
    return PrincipalSpec(kind=a.kind, unit=a.unit or b.unit, min=lo, max=hi, fixed=fixed, base=a.base,
                         note=_note(a.note, b.note))


def _join_additional(a: AdditionalSpec | None, b: AdditionalSpec | None) -> AdditionalSpec:
    if a is None or b is None:
        one = a or b
        assert one is not None
        return one.model_copy(update={"mandatory": False})
    up_to_life = a.lifelong_allowed or b.lifelong_allowed  # «от N лет до … пожизненно»: no upper term
    lifelong = (a.lifelong or b.lifelong) and not up_to_life
    hi = None if lifelong or up_to_life or a.max is None or b.max is None else _higher(a.max, b.max)
    lo = _lower(a.min, b.min) if (hi is not None or up_to_life) and a.min is not None and b.min is not None else None
    return AdditionalSpec.model_validate({
        "kind": a.kind, "mandatory": a.mandatory and b.mandatory, "lifelong": lifelong,
        "lifelong_allowed": up_to_life and lo is not None,
        "max": hi, "min": lo,
        "fixed": a.fixed and b.fixed and a.max == b.max and not lifelong,
        "with": a.with_ if a.with_ == b.with_ else None, "note": _note(a.note, b.note)})


def _note(a: str, b: str) -> str:
    return a if a == b or not b else (b if not a else f"{a} / {b}")


def join(a: EntrySpec, b: EntrySpec, first: date, last: date, laws: Iterable[str]) -> EntrySpec:
    """The window entry: what a sentence must respect whichever of the two editions applied."""
    pa = {p.kind: p for p in a.principal}
    pb = {p.kind: p for p in b.principal}
    principal = [_join_principal(pa[k], pb[k]) if k in pa and k in pb else (pa.get(k) or pb[k])
                 for k in list(pa) + [k for k in pb if k not in pa]]
    ka = {(x.kind, x.with_): x for x in a.additional}
    kb = {(x.kind, x.with_): x for x in b.additional}
    additional = [_join_additional(ka.get(k), kb.get(k)) for k in list(ka) + [k for k in kb if k not in ka]]
    category = a.category if a.category.rank >= b.category.rank else b.category
    return EntrySpec(
        part=b.part, paragraph=b.paragraph, summary=b.summary, category=category,
        intent=a.intent if a.intent == b.intent else None, corruption=a.corruption and b.corruption,
        corruption_items=sorted(set(a.corruption_items) & set(b.corruption_items)),
        principal=principal, additional=additional, valid_from=first, valid_to=last,
        verified=a.verified and b.verified, window=True,
        notes=_window_note(first, last, laws, "обе редакции"),
    )


def _window_note(first: date, last: date, laws: Iterable[str], what: str) -> str:
    return (f"окно вступления в силу ({', '.join(laws) or 'поправка между двумя текстами'}): "
            f"{first:%d.%m.%Y}–{last:%d.%m.%Y}, точный день в тексте не указан; {what}")


# ---------------------------------------------------------------------------- merging


def _text_date(a: ArticleFile) -> date | None:
    if a.verified_until is not None:
        return a.verified_until
    return max((f.signed for f in a.footnotes), default=None)


def merge_article(old: ArticleFile, new: ArticleFile, new_edition_date: date) -> ArticleFile:
    """`old` (as read from an earlier text, possibly already dated) continued by `new` (a later text).

    Per part/item: the same sanction keeps its one entry, its verified span reaching the new text's date; a
    changed one ends where the amending law can first have taken effect, a window entry covers the days it
    may or may not have, and the new sanction starts after (or on the exact day the text states).  Parts
    added start the same way; parts repealed end so.  The amending law is the one of `new.footnotes` not in
    `old` that names the part, else any of them; with none, the change is dated between the two texts.
    """
    old_date = _text_date(old)
    new_until = new.verified_until or new_edition_date
    known = {_law_key(a) for a in old.footnotes}
    fresh = [a for a in new.footnotes
             if _law_key(a) not in known and (old_date is None or a.signed > old_date)]

    def when(key: EntryKey) -> InForce:
        named = [a for a in fresh if _names(a, new.article, key) or (a.restated and not a.parts)]
        laws = named or fresh
        if laws:
            return _span(laws, new_edition_date)
        first = (old_date + DAY) if old_date is not None else new_edition_date
        return InForce(min(first, new_edition_date), new_edition_date, ())

    def dated(e: EntrySpec, **upd: Any) -> EntrySpec:
        return e.model_copy(update=upd)

    out: list[EntrySpec] = []
    # per part, the entry the later text continues: the last one, if it is still open or was ended after the
    # earlier text's date (an end taken from a report of a later law, not read in a text: the later text decides)
    last: dict[EntryKey, EntrySpec] = {}
    for e in old.entries:
        k = (e.part, e.paragraph)
        if k not in last or e.valid_from > last[k].valid_from:
            last[k] = e
    current_old: dict[EntryKey, EntrySpec] = {}
    for e in old.entries:
        if not e.window:  # a window entry is never verified: it keeps no verified span
            e = dated(e, verified_from=e.verified_from or old.verified_from,
                      verified_until=e.verified_until or old.verified_until)
        k = (e.part, e.paragraph)
        if last[k].valid_from == e.valid_from and not e.window and (
                e.valid_to is None or old_date is None or e.valid_to > old_date):
            current_old[k] = e
        else:
            out.append(e)
    current_new = {} if new.repealed and not new.entries else {(e.part, e.paragraph): e for e in new.entries}

    for key in sorted(set(current_old) | set(current_new), key=lambda k: (part_key(k[0]), k[1] or 0)):
        o, n = current_old.get(key), current_new.get(key)
        if o is not None and n is not None and _substance(o) == _substance(n):
            until = new_until if (n.verified and o.verified_until is not None) else o.verified_until
            out.append(dated(o, summary=n.summary, verified_until=until, valid_to=None))
            continue
        if n is None and o is not None and not fresh and not new.repealed:
            # no law amended the article between the two texts, so the part was not repealed: the later text
            # merely lacks an entry for it (a part it could not read gets none) — the old entry stands
            out.append(o)
            continue
        w = when(key)
        start = o.valid_from if o is not None else None
        first = w.first if start is None or w.first > start else start + DAY
        if o is not None:
            # nothing amended this part between the old text and `first`: the old text holds up to there
            ou = o.verified_until
            out.append(dated(o, valid_to=first - DAY,
                             verified_until=max(ou, first - DAY) if ou is not None and o.verified else ou))
        if not w.exact and w.last >= first:
            if o is not None and n is not None:
                out.append(join(o, n, first, w.last, w.laws))
            elif o is not None:
                out.append(dated(o, valid_from=first, valid_to=w.last, window=True, verified_from=None,
                                 verified_until=None, notes=_window_note(first, w.last, w.laws, "часть могла ещё действовать")))
            elif n is not None:
                out.append(dated(n, valid_from=first, valid_to=w.last, window=True, verified_from=None,
                                 verified_until=None,
                                 notes=_window_note(first, w.last, w.laws, "часть могла ещё не действовать")))
            begin = w.last + DAY
        else:
            begin = first
        if n is not None:
            out.append(dated(n, valid_from=begin, valid_to=None, verified_from=begin, verified_until=new_until))

    out.sort(key=lambda e: (part_key(e.part), e.paragraph or 0, e.valid_from))
    footnotes = list(old.footnotes) + [a for a in new.footnotes if _law_key(a) not in known]
    amendments = list(dict.fromkeys([*old.amendments, *new.amendments]))
    return new.model_copy(update={
        "entries": [EntrySpec.model_validate(e.model_dump(by_alias=True)) for e in out],
        "footnotes": footnotes, "amendments": amendments,
        "verified_from": new.verified_from, "verified_until": new_until,
    })


__all__ = ["InForce", "PUBLICATION_BOUND", "in_force_span", "join", "merge_article"]
