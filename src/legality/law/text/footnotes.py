"""The amending laws named in the Code's footnotes and repeal marks, and when they took effect.

Why the words are kept beside the dates: most laws take effect «по истечении десяти календарных
дней после дня его первого официального опубликования» and the day of publication is not in the
Code's text. `AmendmentSpec` keeps the text's own rule; `earliest_in_force` says what can be computed
from it, and law/editions.py turns it into the window of possible days.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from ..schema import AmendmentSpec

_LAW = re.compile(
    r"(?:Закон\w*\s+(?:РК\s+)?)?от\s*(\d{2})\.(\d{2})\.(\d{4})\s*(?:года\s*)?№\s*([0-9]+\s*-\s*[IVXІ]+|[\w-]+)"
    r"\s*(\((?:[^()]|\([^()]*\))*\))?")
_MODE = re.compile(r"в\s*редакции|с\s*изменени\w*|дополнен\w*|исключен\w*", re.IGNORECASE)
_FROM_DAY = re.compile(r"с\s*(\d{2})\.(\d{2})\.(\d{4})")
_AFTER = re.compile(r"по\s*истечении\s+(.+?)\s+(календарн\w+\s+)?(дн\w+|дня|месяц\w*)\s+после", re.IGNORECASE)

_WORDS = {
    "одного": 1, "один": 1, "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "пяти": 5, "шести": 6, "семи": 7,
    "восьми": 8, "девяти": 9, "десяти": 10, "пятнадцати": 15, "двадцати": 20, "тридцати": 30,
    "сорока": 40, "шестидесяти": 60, "девяноста": 90,
}


def _number(words: str) -> int | None:
    try:  # engineer H1a's reader of number words, when present
        from .numbers import words_to_int
        return int(words_to_int(words))
    except Exception:  # noqa: BLE001 - fall back to the handful of forms the footnotes use
        total = 0
        for w in words.lower().split():
            if w not in _WORDS:
                return None
            total += _WORDS[w]
        return total or None


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("І", "I")).strip()


def laws_with_modes(text: str) -> list[tuple[AmendmentSpec, str]]:
    """Every law named in `text`, with the words before it that say what it did («в редакции», …)."""
    out: list[tuple[AmendmentSpec, str]] = []
    pos = 0
    mode = ""
    for m in _LAW.finditer(text):
        modes = _MODE.findall(text[pos:m.start()])
        if modes:
            mode = modes[-1].lower().replace(" ", "")
        pos = m.end()
        d, mo, y, number, paren = m.groups()
        try:
            signed = date(int(y), int(mo), int(d))
        except ValueError:
            continue
        rule = _norm(paren[1:-1]) if paren else ""
        in_from = None
        after = None
        fm = _FROM_DAY.search(rule)
        if fm:
            in_from = date(int(fm.group(3)), int(fm.group(2)), int(fm.group(1)))
        am = _AFTER.search(rule)
        if am and am.group(3).startswith("д"):
            after = _number(am.group(1))
        elif am and am.group(3).startswith("месяц"):
            # «по истечении двух месяцев»: as days, counted from a publication on the day of signing
            n = _number(am.group(1))
            after = (_add_months(signed, n) - signed).days if n else None
        number = _norm(number).replace(" ", "")
        law = f"Закон РК от {d}.{mo}.{y} № {number}"
        out.append((AmendmentSpec(law=law, signed=signed, number=number, restated=mode == "вредакции",
                                  in_force_from=in_from, in_force_after_days=after, in_force_rule=rule), mode))
    return out


def parse_laws(text: str) -> list[AmendmentSpec]:
    return [law for law, _ in laws_with_modes(text)]


def article_footnote(footnotes: list[str]) -> tuple[list[AmendmentSpec], list[AmendmentSpec], list[AmendmentSpec]]:
    """(all laws, laws that restated the whole article, laws that added the article).

    A footnote on the heading only («Заголовок статьи N в редакции …») restates no sanction.
    """
    laws: list[AmendmentSpec] = []
    restated: list[AmendmentSpec] = []
    added: list[AmendmentSpec] = []
    for fn in footnotes:
        title_only = bool(re.match(r"Сноска\.\s*Заголовок", fn))
        for law, mode in laws_with_modes(fn):
            if title_only and law.restated:
                law = law.model_copy(update={"restated": False})
            laws.append(law)
            if title_only:
                continue
            if mode.startswith("дополнен"):
                added.append(law)
            elif law.restated:
                restated.append(law)
    return laws, restated, added


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def earliest_in_force(law: AmendmentSpec) -> date | None:
    """The first day the law can have been in force, from the text alone (publication on the day of signing)."""
    if law.in_force_from is not None:
        return law.in_force_from
    if law.in_force_after_days is not None:
        return law.signed + timedelta(days=law.in_force_after_days + 1)
    m = _AFTER.search(law.in_force_rule)
    if m and m.group(3).startswith("месяц"):
        n = _number(m.group(1))
        if n:
            return _add_months(law.signed, n) + timedelta(days=1)
    return None
