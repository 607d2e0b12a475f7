"""First cut of the renderer (the contract of `legality.words`); see the package docstring."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from fractions import Fraction
from typing import Any

from .. import i18n
from ..model.values import ArticleRef, Citation, Quantity, Term

# Russian lemma -> (one, few, many); to be generated from pymorphy3 (tools/gen_ru_forms.py)
NOUNS: dict[str, tuple[str, str, str]] = {
    "год": ("год", "года", "лет"),
    "месяц": ("месяц", "месяца", "месяцев"),
    "день": ("день", "дня", "дней"),
    "час": ("час", "часа", "часов"),
    "сутки": ("сутки", "суток", "суток"),
    "нарушение": ("нарушение", "нарушения", "нарушений"),
    "запись": ("запись", "записи", "записей"),
    "файл": ("файл", "файла", "файлов"),
    "кандидат": ("кандидат", "кандидата", "кандидатов"),
}

BOUND_KEYS: dict[str, dict[str, str]] = {
    "max": {"ru": "не более {}", "kk": "{} аспайды"},
    "min": {"ru": "не менее {}", "kk": "{} кем емес"},
}


def _lang(lang: str | None) -> str:
    return lang or i18n.language()


def _ru_form(n: int, forms: tuple[str, str, str]) -> str:
    n = abs(n) % 100
    if 11 <= n <= 14:
        return forms[2]
    return forms[0] if n % 10 == 1 else forms[1] if 2 <= n % 10 <= 4 else forms[2]


def plural(n: int, noun: str, lang: str | None = None) -> str:
    if _lang(lang) == "kk":
        return i18n._(noun)
    return _ru_form(n, NOUNS[noun])


def number(x: Any, lang: str | None = None) -> str:
    if isinstance(x, Fraction) and x.denominator != 1:
        return f"{float(x):.2f}".rstrip("0").replace(".", ",")
    if isinstance(x, float) and not x.is_integer():
        return f"{x}".replace(".", ",")
    return f"{int(x):,}".replace(",", "\u00a0")


def count(n: int, noun: str, lang: str | None = None) -> str:
    return f"{number(n)} {plural(n, noun, lang)}"


def term(years: int = 0, months: int = 0, days: int = 0, lang: str | None = None) -> str:
    parts = [count(v, noun, lang) for v, noun in ((years, "год"), (months, "месяц"), (days, "день")) if v]
    return " ".join(parts) or count(0, "месяц", lang)


def date(d: dt.date | str, lang: str | None = None) -> str:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return d.strftime("%d.%m.%Y")


def cite(c: Any, lang: str | None = None) -> str:
    if isinstance(c, str):
        return c
    if isinstance(c, Citation):
        return str(c)
    ref = ArticleRef(str(c.get("article", "")), c.get("part"), c.get("paragraph"))
    return f"{ref} {c.get('act') or 'УК РК'}"


def bound(key: str, text: str, lang: str | None = None) -> str:
    return BOUND_KEYS[key][_lang(lang)].format(text)


def severity(code: str, lang: str | None = None) -> str:
    return {"high": "высокая", "medium": "средняя", "low": "низкая"}.get(code, code)


def status(code: str, lang: str | None = None) -> str:
    return {"flagged": "нарушения", "clean": "без нарушений", "invalid": "некорректная запись",
            "partial": "проверена не полностью"}.get(code, code)


def say(v: Any, lang: str | None = None) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, Term):
        n = v.whole_days_floor() if not isinstance(v.days, int) else v
        if n.months >= 12 or n.days >= 30:
            n = n.normalized()
        return term(n.years, n.months, int(n.days), lang)
    if isinstance(v, Quantity):
        return v.ru()
    if isinstance(v, Enum):
        return str(getattr(v, "ru", v.value))
    if isinstance(v, (int, Fraction, float)):
        return number(v, lang)
    if isinstance(v, dt.date):
        return date(v, lang)
    if isinstance(v, (set, frozenset, list, tuple)):
        items = [say(x, lang) for x in v]
        if isinstance(v, (set, frozenset)):
            items.sort()
        return ", ".join(items) if items else "—"
    return str(v)


def say_json(v: Any, lang: str | None = None) -> str:
    if isinstance(v, dict) and v and set(v) <= {"years", "months", "days"}:
        return term(v.get("years", 0), v.get("months", 0), v.get("days", 0), lang)
    if isinstance(v, dict):
        return "; ".join(bound(k, say_json(x, lang), lang) if k in BOUND_KEYS else say_json(x, lang)
                         for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(say_json(x, lang) for x in v) if v else "—"
    return say(v, lang)
