"""The category of an offence by ст.10–11, computed from its sanction and its form of guilt.

Why computed and not copied: the category decides the regime, probation, limitation and cumulation;
the Code defines it by the sanction alone («максимальное наказание … не превышает двух лет лишения
свободы»), so a changed sanction changes the category with it.

ст.10 ч.2–3: a crime is punishable by restriction of liberty, imprisonment or death; a petty offence
(уголовный проступок) by fine, correctional labour, community service, arrest or expulsion.
ст.11: intentional — minor ≤ 2 years, medium ≤ 5, grave ≤ 12, especially grave > 12, life or death;
negligent — minor ≤ 5 years, medium > 5 (the Code names no grave negligent crime).
"""

from __future__ import annotations

import re
from typing import Any

CRIME_ONLY = {"restriction_of_liberty", "imprisonment", "life_imprisonment", "death_penalty"}
PETTY_ONLY = {"arrest", "expulsion"}

_NEGLIGENT = re.compile(r"по\s*неосторожности|неосторожн", re.IGNORECASE)
_INTENT_WORD = re.compile(r"^\s*умышленн", re.IGNORECASE)


# ст.41 ч.2, ст.42 ч.3: «За уголовные проступки штраф [исправительные работы] устанавливается в пределах от двадцати
# до двухсот месячных расчетных показателей, за преступления – в пределах от двухсот до десяти тысяч …»;
# ст.43 ч.2: «Общественные работы устанавливаются за уголовные проступки на срок от двадцати до двухсот часов,
# за преступления небольшой и средней тяжести – на срок от двухсот до одной тысячи двухсот часов».
# Where a sanction holds only these kinds, its amounts tell a petty offence from a crime.
PETTY_BOUNDS = {"fine": 200, "correctional_labour": 200, "community_service": 200}


def _within_petty(p: dict[str, Any]) -> bool:
    top = p.get("max")
    if p.get("unit") == "multiple" or not isinstance(top, (int, float)):
        return False
    return top <= PETTY_BOUNDS[p["kind"]]


class CategoryUnknown(ValueError):
    """The sanction does not settle the category (no kind that only a crime or only a petty offence has)."""


def _months(v: Any) -> float:
    if v is None:
        return 0
    if isinstance(v, dict):
        return float(v.get("years", 0) * 12 + v.get("months", 0) + v.get("days", 0) / 30)
    return float(getattr(v, "years", 0) * 12 + getattr(v, "months", 0) + getattr(v, "days", 0) / 30)


def max_imprisonment_months(principal: list[dict[str, Any]]) -> float:
    """The longest imprisonment the sanction allows; life and death count as unbounded (ст.11 ч.5 names both)."""
    out = 0.0
    for p in principal:
        if p["kind"] in ("life_imprisonment", "death_penalty"):
            return float("inf")
        if p["kind"] == "imprisonment":
            out = max(out, _months(p.get("max")))
    return out


def category_of(principal: list[dict[str, Any]], negligent: bool) -> str:
    kinds = {p["kind"] for p in principal}
    if kinds & CRIME_ONLY:
        m = max_imprisonment_months(principal)
        if negligent:
            return "minor" if m <= 60 else "medium"
        if m <= 24:
            return "minor"
        if m <= 60:
            return "medium"
        if m <= 144:
            return "grave"
        return "especially_grave"
    if kinds & PETTY_ONLY:
        return "petty_offense"
    if kinds and kinds <= set(PETTY_BOUNDS) and all(_within_petty(p) for p in principal):
        return "petty_offense"
    if kinds and kinds <= set(PETTY_BOUNDS):
        return "minor"  # a crime (amounts above the petty-offence bounds) with no imprisonment: ст.11 ч.2
    raise CategoryUnknown("в санкции нет ни лишения или ограничения свободы, ни ареста или выдворения: "
                          "по ст.10 нельзя сказать, преступление это или уголовный проступок")


def negligence_in_text(title: str, disposition: str) -> bool:
    """The text names negligence: in the heading, or in the disposition of the part."""
    return bool(_NEGLIGENT.search(title) or _NEGLIGENT.search(disposition))


def intentional_heading(title: str) -> bool:
    return bool(_INTENT_WORD.match(title))
