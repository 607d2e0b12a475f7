"""How report values read in the human formats (table, csv, html, explain, protest), in Russian.

Why here and not in each format: a citation or a term must read the same in the table a prosecutor
scans, the HTML report and the draft protest built from it.
"""

from __future__ import annotations

from typing import Any

from ..model.enums import ENUMS
from ..model.values import ArticleRef

SEVERITY_RU = {"high": "высокая", "medium": "средняя", "low": "низкая"}
STATUS_RU = {"flagged": "нарушения", "clean": "без нарушений", "invalid": "некорректная запись"}


def cite_ru(c: dict[str, Any] | str) -> str:
    """{"act": "УК РК", "article": "56", "part": 3} → «ч.3 ст.56 УК РК»."""
    if isinstance(c, str):
        return c
    ref = ArticleRef(str(c.get("article", "")), c.get("part"), c.get("paragraph"))
    return f"{ref} {c.get('act') or 'УК РК'}"


def cites_ru(cs: list[Any]) -> str:
    return "; ".join(cite_ru(c) for c in cs)


def _is_term(v: dict[str, Any]) -> bool:
    return bool(v) and set(v) <= {"years", "months", "days"} and all(isinstance(x, int) for x in v.values())


def term_ru(v: dict[str, int]) -> str:
    parts = []
    if v.get("years"):
        parts.append(f"{v['years']} г.")
    if v.get("months"):
        parts.append(f"{v['months']} мес.")
    if v.get("days"):
        parts.append(f"{v['days']} дн.")
    return " ".join(parts) or "0 мес."


_BOUND_RU = {"max": "не более", "min": "не менее", "equals": "ровно", "kind": "вид"}


def value_ru(v: Any) -> str:
    """A JSON value of the report (actual / allowed / a fact) as a prosecutor reads it."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, dict):
        if _is_term(v):
            return term_ru(v)
        if "article" in v and set(v) <= {"act", "article", "part", "paragraph"}:
            return cite_ru(v)
        return "; ".join(f"{_BOUND_RU.get(k, k)} {value_ru(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(value_ru(x) for x in v) if v else "—"
    if isinstance(v, str):
        return CODE_RU.get(v, v)
    return str(v)


def _unique_codes() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for enum in ENUMS.values():
        for member in enum:
            seen.setdefault(member.value, set()).add(member.ru)
    return {code: next(iter(labels)) for code, labels in seen.items() if len(labels) == 1}


CODE_RU = _unique_codes()  # export codes with one meaning («maximum»); an ambiguous one («medium») stays a code


def spreadsheet_safe(s: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (text from records is untrusted)."""
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
