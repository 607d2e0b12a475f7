"""Catalogue entries of one article, built from its parts, items, sanctions and footnotes.

Why entries start later than 2015 in some places (audit F9): the text shows only the current edition.
Where the footnotes show that an article was added or restated («дополнен статьей», «в редакции»), that
a part was inserted («3-1.»), or that items of a part were repealed, the part's wording before that law
is not in the text: the entry starts when that law took effect, and the lookup answers «редакция
неизвестна» before it — never the later sanction applied backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from pydantic import ValidationError

from ..schema import AdditionalSpec, AmendmentSpec, PrincipalSpec, TermSpec
from ..editions import in_force_span
from .category import CategoryUnknown, category_of, intentional_heading, negligence_in_text
from .footnotes import parse_laws
from .readings import ReadingsDisagree, agreed_sanction
from .structure import Article, Part

CODE_IN_FORCE = date(2015, 1, 1)

@dataclass
class Failure:
    """A place of the text that gets no entry, with the words that could not be read."""

    article: str
    part: str | None
    item: str | None
    phrase: str
    reason: str

    def where(self) -> str:
        out = f"ст.{self.article}"
        if self.part:
            out = f"ч.{self.part} {out}"
        if self.item:
            out = f"п.{self.item} {out}"
        return out


@dataclass
class Built:
    entries: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)


ParseFn = Callable[[str], dict[str, list[dict[str, Any]]]]


# ---------------------------------------------------------------------- shapes written to YAML


def _num(v: float | int) -> float | int:
    return int(v) if float(v).is_integer() else v


def _amount(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, TermSpec):
        d = {k: getattr(v, k) for k in ("years", "months", "days") if getattr(v, k)}
        return d or {"years": 0}
    return _num(v)


def principal_dict(p: PrincipalSpec) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": p.kind.value}
    if p.unit == "multiple":
        d["unit"] = "multiple"
    if p.kind.value in ("life_imprisonment", "death_penalty", "expulsion") and p.min is None and p.max is None:
        pass
    else:
        d["min"] = _amount(p.min)
        d["max"] = _amount(p.max)
    if p.fixed:
        d["fixed"] = True
    if p.base:
        d["base"] = p.base
    if p.note:
        d["note"] = p.note
    return d


def additional_dict(a: AdditionalSpec) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": a.kind.value, "mandatory": a.mandatory}
    if a.lifelong:
        d["lifelong"] = True
    if a.min is not None:
        d["min"] = _amount(a.min)
    if a.max is not None:
        d["max"] = _amount(a.max)
    if a.lifelong_allowed:
        d["lifelong_allowed"] = True
    if a.fixed:
        d["fixed"] = True
    if a.with_ is not None:
        d["with"] = a.with_.value
    if a.note:
        d["note"] = a.note
    return d


# ---------------------------------------------------------------------- helpers


def summary_of(text: str, limit: int = 160) -> str:
    s = re.sub(r"\s+", " ", text).strip().rstrip(":–-—, ").strip()
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def law_start(law: AmendmentSpec, kept: date | None, text_date: date) -> tuple[date, date | None]:
    """(first day the wording surely applies, start of the uncertain window or None).

    The window is engineer H2's (law/editions.py): from the earliest day the law can have taken effect to
    the latest; inside it the entry is a `window` entry, checked only loosely. A day an office recorded by
    hand inside that window (a known publication date) is taken as exact.
    """
    span = in_force_span(law, text_date)
    if span.exact:
        return span.first, None
    if kept is not None and span.first <= kept <= span.last:
        return kept, None
    return span.last + timedelta(days=1), span.first


def _later_change_end(later_changes: list[dict[str, Any]]) -> tuple[date | None, str]:
    """The last day the text read surely applies, given the later changes an office recorded (audit F11).

    «в силу с 03.03.2025» → the day before; a law known only by its date («от 15.04.2024», «подписан …») →
    that date (a law is not in force before it is signed; from the next day the edition is not known).
    """
    best: tuple[date | None, str] = (None, "")
    for ch in later_changes or []:
        law = str(ch.get("law", ""))
        m = re.search(r"в\s*силу\s*с\s*(\d{2})\.(\d{2})\.(\d{4})", law)
        if m:
            d = date(int(m.group(3)), int(m.group(2)), int(m.group(1))) - timedelta(days=1)
        else:
            m = re.search(r"(?:от|подписан)\s*(\d{2})\.(\d{2})\.(\d{4})", law)
            if not m:
                continue
            d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if best[0] is None or d < best[0]:
            best = (d, law)
    return best


# ---------------------------------------------------------------------- building


@dataclass
class ArticleContext:
    article: Article
    laws: list[AmendmentSpec]
    restated: list[AmendmentSpec]
    added: list[AmendmentSpec]
    corruption: set[str]
    old_entries: dict[tuple[Any, Any], dict[str, Any]]
    old_intent: str | None
    later_changes: list[dict[str, Any]]
    text_date: date
    same_edition: bool = False  # --out already holds this very text (a re-import)


def _key(v: Any) -> str | None:
    return None if v is None else str(v)


def _specs(got: dict[str, Any]) -> tuple[list[PrincipalSpec], list[AdditionalSpec]]:
    principal = [p if isinstance(p, PrincipalSpec) else PrincipalSpec.model_validate(p) for p in got["principal"]]
    additional = [a if isinstance(a, AdditionalSpec) else AdditionalSpec.model_validate(a)
                  for a in got.get("additional", [])]
    return principal, additional


def _start_of_part(ctx: ArticleContext, part: Part, kept: date | None) -> tuple[date, date | None, list[str]]:
    """The first day the part's present wording surely applies, the start of the window before it, and why."""
    start: date = CODE_IN_FORCE
    window: date | None = None
    why: list[str] = []
    art = ctx.article

    def later(law: AmendmentSpec, reason: str) -> None:
        nonlocal start, window
        d, w = law_start(law, kept, ctx.text_date)
        if d > start:
            start, window = d, w
            why.append(f"{reason} ({law.law}, {law.in_force_rule or 'срок не указан'}); прежняя редакция в тексте не "
                       f"приведена — до {d:%d.%m.%Y} запись не действует")

    for law in ctx.added:
        later(law, f"статья {art.number} введена в Кодекс")
    for law in ctx.restated:
        later(law, f"статья {art.number} изложена в новой редакции")
    latest = max(ctx.laws, key=lambda x: x.signed) if ctx.laws else None
    if part.number and "-" in part.number and latest is not None:
        later(latest, f"часть {part.number} добавлена позднее; закон, который её ввёл, в сноске не назван, "
                      "принят последний из названных")
    restructured = any(p.number and "-" in p.number for p in art.parts)
    for item in part.items:
        if item.repealed and restructured:
            # items moved to inserted parts (ст.120 ч.3 → ч.3-1): the part's reach and sanction were redrawn
            for law in parse_laws(item.repealed):
                later(law, f"пункт {item.number}) части исключён, в статью вставлены новые части — часть изменена")
        elif item.repealed:
            for law in parse_laws(item.repealed):
                line = (f"пункт {item.number}) исключён ({law.law}); санкция части в тексте не изменена — до этого закона "
                        "часть применяется как не сверенная редакция (проверки не выше medium)")
                if line not in why:
                    why.append(line)
        elif "-" in item.number and latest is not None:
            later(latest, f"пункт {item.number}) добавлен позднее — часть изменена; принят последний закон сноски")
    return start, window, why


def _intent(ctx: ArticleContext, part: Part, principal: list[dict[str, Any]],
            old: dict[str, Any] | None) -> tuple[str, str, str]:
    """(category, intent, note on the reading taken)."""
    art = ctx.article
    cat_i = category_of(principal, negligent=False)
    cat_n = category_of(principal, negligent=True)
    title_neg = "неосторожн" in art.title.lower()
    text_neg = negligence_in_text("", part.disposition)
    if cat_i == cat_n:
        return cat_i, "negligent" if title_neg else "intentional", ""
    hand = (old or {}).get("intent") or ctx.old_intent
    if hand in ("intentional", "negligent"):
        return (cat_n if hand == "negligent" else cat_i), hand, ""
    if title_neg:
        return cat_n, "negligent", ""
    if text_neg and not intentional_heading(art.title):
        return cat_n, "negligent", ("форма вины из текста однозначно не следует: в диспозиции «по неосторожности»; "
                                    "принято неосторожное деяние (ст.11 ч.2–3)")
    note = ""
    if text_neg:
        note = ("в диспозиции «по неосторожности» относится к последствию умышленного деяния (ст.22): "
                "принято умышленное")
    return cat_i, "intentional", note


def build_entries(ctx: ArticleContext, parse: ParseFn) -> Built:
    out = Built()
    art = ctx.article
    end, end_law = _later_change_end(ctx.later_changes)
    for part in art.parts:
        if part.repealed:
            continue
        if not part.sanctions:
            out.failures.append(Failure(art.number, part.number, None, summary_of(part.disposition, 80),
                                        "у части нет санкции («наказывается …»)"))
            continue
        sentence = " / ".join(part.sanctions)
        readings_note = ""
        try:
            if len(part.sanctions) > 1:
                # ст.427: unnumbered paragraphs, each with its own sanction; the export cannot name the paragraph
                got: dict[str, Any] = agreed_sanction([dict(parse(s)) for s in part.sanctions])
                readings_note = (f"в {'части' if part.number else 'статье'} несколько абзацев со своими санкциями "
                                 f"(«{sentence}»); выгрузка не указывает абзац, поэтому запись содержит то, в чём "
                                 "санкции совпадают (все виды, наименьший минимум, наибольший максимум): выявляется "
                                 "только наказание, незаконное по любой из них")
            else:
                got = dict(parse(sentence))
            if got.get("aggravated"):
                # ст.437 ч.3: «…, а при отягчающих обстоятельствах – …» — two sanctions for one part
                aggravated = got.pop("aggravated")
                if got.get("items"):
                    raise ReadingsDisagree("в санкции и пункты со своей санкцией, и санкция при отягчающих "
                                           "обстоятельствах")
                got = agreed_sanction([got, aggravated])
                readings_note = (f"санкция различает наказание без отягчающих обстоятельств и при них («{sentence}»); "
                                 "выгрузка не говорит, какая из них применена, поэтому запись содержит то, в чём обе "
                                 "совпадают (все виды, наименьший минимум, наибольший максимум): выявляется только "
                                 "наказание, незаконное по любой из них")
            items: dict[Any, dict[str, Any]] = dict(got.get("items") or {})
            units: list[tuple[str | None, tuple[list[PrincipalSpec], list[AdditionalSpec]]]] = [(None, _specs(got))]
            units += [(str(k), _specs(v)) for k, v in sorted(items.items())]
        except Exception as e:  # noqa: BLE001 - every parse problem is a reported failure, never a guess
            out.failures.append(Failure(art.number, part.number, None, getattr(e, "phrase", "") or
                                        summary_of(sentence, 160), _reason(e)))
            continue
        own = {k for k, _ in units if k is not None}
        for item, (principal, additional) in units:
            old = ctx.old_entries.get((_key(part.number), item))
            pd = [principal_dict(p) for p in principal]
            try:
                category, intent, intent_note = _intent(ctx, part, pd, old)
                start, window, why = _start_of_part(ctx, part, (old or {}).get("valid_from"))
            except (CategoryUnknown, ValueError) as e:
                out.failures.append(Failure(art.number, part.number, item, summary_of(sentence, 160), str(e)))
                continue
            pd_add = [additional_dict(a) for a in additional]
            if (old and ctx.same_edition and old.get("valid_from") and old["valid_from"] > start
                    and old.get("principal") == pd and (old.get("additional") or []) == pd_add):
                start, window = old["valid_from"], None  # dated by an earlier merge of two texts: kept
            elem_part = f"{art.number}.{part.number}"
            corruption = art.number in ctx.corruption or (item is not None and f"{elem_part}.{item}" in ctx.corruption)
            entry: dict[str, Any] = {"part": _part_value(part.number)}
            if item is not None:
                entry["paragraph"] = int(item) if item.isdigit() else item
            entry["summary"] = (old or {}).get("summary") or summary_of(
                part.disposition + (f" — п.{item})" if item else ""))
            entry["category"] = category
            out.intents.append(intent)
            entry["intent"] = intent
            entry["corruption"] = corruption
            if item is None and part.number is not None and not corruption:
                shared = sorted(int(i.number) for i in part.items if i.number.isdigit() and i.number not in own
                                and f"{elem_part}.{i.number}" in ctx.corruption)
                if shared:
                    entry["corruption_items"] = shared
            entry["principal"] = pd
            entry["additional"] = pd_add
            entry["valid_from"] = start
            entry["valid_to"] = (old or {}).get("valid_to") if (old or {}).get("valid_to") else None
            if end is not None and entry["valid_to"] is None and end >= start:
                entry["valid_to"] = end
                why.append(f"после {end:%d.%m.%Y} действует иная редакция ({end_law}; см. later_changes) — "
                           "её текст не загружен")
            entry["verified"] = True
            if ctx.same_edition and old and old.get("valid_from") == start:
                for k in ("verified_from", "verified_until"):
                    if old.get(k) is not None:
                        entry[k] = old[k]
            notes = [x for x in str((old or {}).get("notes") or "").split("\n") if x]
            for line in [*why, intent_note, readings_note]:
                if line and line not in notes:
                    notes.append(line)
            entry["notes"] = "\n".join(notes)
            if window is not None and window < start:
                early = {k: v for k, v in entry.items() if k not in ("notes", "verified_from", "verified_until")}
                early.update(valid_from=window, valid_to=start - timedelta(days=1), window=True,
                             notes=(f"с {window:%d.%m.%Y} по {start - timedelta(days=1):%d.%m.%Y} закон мог ещё не "
                                    "действовать (день опубликования в тексте не указан): проверка только мягкая"))
                out.entries.append(early)
            out.entries.append(entry)
    return out


def _part_value(number: str | None) -> int | str | None:
    if number is None:
        return None
    return int(number) if number.isdigit() else number


def _reason(e: Exception) -> str:
    msg = getattr(e, "message", None) or str(e) or e.__class__.__name__
    if isinstance(e, ValidationError):
        return "санкция прочитана, но не сходится с форматом каталога: " + msg.splitlines()[0]
    if isinstance(e, KeyError):
        return "санкция не прочитана"
    return msg
