"""One catalogue entry for a part whose text gives two sanctions the export cannot tell apart.

Why a union and not a refusal: ст.437 ч.3 («…от пяти до пятнадцати лет, а при отягчающих обстоятельствах – от
десяти до двадцати лет либо пожизненным лишением свободы») and ст.427 (two unnumbered paragraphs, each with its
own sanction) are one provision for the export, which names no paragraph and no such circumstance.  A sentence
that breaks *both* sanctions is unlawful whichever applies; one that breaks only one of them may be lawful.  So
the entry holds what both readings agree on — every kind either provides, the lower minimum, the higher maximum,
an additional penalty mandatory only if mandatory in both — the same rule as an edition window
(law/editions.py).  Where the readings differ in category or in units, no common entry is honest: refused.
"""

from __future__ import annotations

from typing import Any

from .category import category_of

__all__ = ["ReadingsDisagree", "agreed_sanction"]


class ReadingsDisagree(ValueError):
    """The readings cannot be joined into one entry without deciding between them."""


def _months(v: Any) -> float:
    if isinstance(v, dict):
        return float(v.get("years", 0) * 12 + v.get("months", 0) + v.get("days", 0) / 30)
    return float(v)


def _lower(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a if _months(a) <= _months(b) else b


def _higher(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a if _months(a) >= _months(b) else b


def _join_principal(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if a.get("unit") != b.get("unit") or a.get("base") != b.get("base"):
        raise ReadingsDisagree(f"вид «{a['kind']}» в двух санкциях измерен по-разному")
    out = dict(a)
    for key, pick in (("min", _lower), ("max", _higher)):
        if key in a or key in b:
            out[key] = pick(a.get(key), b.get(key))  # no stated minimum in one reading: none in the entry
    out.pop("fixed", None)
    if a.get("fixed") and b.get("fixed") and a.get("max") == b.get("max"):
        out["fixed"] = True
    return out


def _join_additional(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any]:
    if a is None or b is None:
        one = dict(a or b or {})
        one["mandatory"] = False
        return one
    if a != b:
        raise ReadingsDisagree(f"дополнительное наказание «{a['kind']}» в двух санкциях разное")
    return dict(a)


def agreed_sanction(readings: list[dict[str, Any]]) -> dict[str, Any]:
    """The principal and additional lists that hold whichever of `readings` applies.

    Each reading is a parse_sanction result without items.  Raises ReadingsDisagree when the readings differ
    in category (ст.11 would then depend on the reading; checked for either form of guilt) or measure one kind
    differently.
    """
    if any(r.get("items") or r.get("aggravated") for r in readings):
        raise ReadingsDisagree("в санкции есть пункты со своей санкцией")
    for negligent in (False, True):
        if len({category_of(r["principal"], negligent) for r in readings}) != 1:
            raise ReadingsDisagree("по двум санкциям получаются разные категории (ст.11)")
    principal: dict[str, dict[str, Any]] = {}
    for r in readings:
        for p in r["principal"]:
            principal[p["kind"]] = _join_principal(principal[p["kind"]], p) if p["kind"] in principal else dict(p)
    keys: list[tuple[str, Any]] = []
    for r in readings:
        keys += [k for k in ((a["kind"], a.get("with")) for a in r["additional"]) if k not in keys]
    additional = []
    for key in keys:
        found = [next((a for a in r["additional"] if (a["kind"], a.get("with")) == key), None) for r in readings]
        joined = found[0]
        for other in found[1:]:
            joined = _join_additional(joined, other)
        additional.append(joined)
    return {"principal": list(principal.values()), "additional": additional}
