"""Conversion of engine values to JSON-ready data, one place for every output format.

Why exact: a fraction like 3/4 is written as the string "3/4", a term as {"years","months","days"},
so that what a report says equals what the engine compared, byte for byte in every run.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from fractions import Fraction
from typing import Any

from ..model.values import ArticleRef, Citation, Quantity


def to_jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (bool, str, int)):
        return v
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, Quantity):
        return v.to_json()
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (ArticleRef, Citation)):
        return str(v)
    if isinstance(v, dict):
        return {str(k): to_jsonable(x) for k, x in v.items()}
    if isinstance(v, (set, frozenset)):
        items = [to_jsonable(x) for x in v]
        return sorted(items, key=lambda x: (str(type(x)), str(x)))
    if isinstance(v, (list, tuple)):
        return [to_jsonable(x) for x in v]
    if hasattr(v, "to_json"):
        return v.to_json()
    if hasattr(v, "model_dump"):
        return v.model_dump(mode="json", exclude_none=True)
    return str(v)


def to_ru(v: Any) -> str:
    """How a value reads in a Russian message: «3 г. 9 мес.», «тяжкое», «3/4», «15.03.2024»."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, Enum):
        return getattr(v, "ru", v.value)
    if isinstance(v, Quantity):
        return v.ru()
    if isinstance(v, Fraction):
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(v, dt.date):
        return v.strftime("%d.%m.%Y")
    if hasattr(v, "kind") and hasattr(v, "lifelong") and hasattr(v, "term"):  # a penalty of the verdict model
        from ..resolve.schema import penalty_amount

        amount = penalty_amount(v)
        text = getattr(v.kind, "ru", str(v.kind))
        if v.lifelong:
            return f"{text} пожизненно"
        return f"{text} {amount.ru()}" if amount is not None else text
    if isinstance(v, (set, frozenset, list, tuple)):
        items = [to_ru(x) for x in v]
        if isinstance(v, (set, frozenset)):
            items.sort()
        return ", ".join(items) if items else "—"
    return str(v)
