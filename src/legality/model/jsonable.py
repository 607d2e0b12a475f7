"""Conversion of engine values to JSON-ready data, one place for every output format.

Why exact: a fraction like 3/4 is written as the string "3/4", a term as {"years","months","days"},
so that what a report says equals what the engine compared, byte for byte in every run.

Why big integers become strings: amounts are exact, so a product of a huge (or hostile) input can be
any size, and orjson writes only 64-bit integers.  An integer in [-2**63, 2**64 - 1] (what orjson
writes) stays a JSON number, exactly as before; any other is written as the string of its exact
decimal digits ("-9223372036854775809", "100000000000000000000"), and a fraction as
"numerator/denominator" in the same digits.  The form depends on the value only, and every value
that could be written before keeps its bytes and its fingerprint; nothing is rounded.  One bad
record must cost at most that record, never the report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

import orjson

from .bitext import BiText
from .values import ArticleRef, Citation, Quantity, penalty_ru, ru_number

JSON_INT_MIN = -(2**63)  # the integers orjson writes as numbers
JSON_INT_MAX = 2**64 - 1


def digits(n: int) -> str:
    """Exact decimal digits of any int (str() refuses beyond Python's 4300-digit safety limit)."""
    try:
        return str(n)
    except ValueError:
        return format(Decimal(n), "f")


def json_int(n: int) -> int | str:
    return n if JSON_INT_MIN <= n <= JSON_INT_MAX else digits(n)


def json_safe(x: Any) -> Any:
    """The same data with every integer JSON cannot carry as its decimal string (see module docstring)."""
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return json_int(x)
    if isinstance(x, dict):
        return {(json_int(k) if isinstance(k, int) and not isinstance(k, bool) else k): json_safe(v)
                for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x


def safe_dumps(obj: Any, option: int = 0) -> bytes:
    """orjson.dumps that never fails on a big integer: the fast path, then the converted copy."""
    try:
        return orjson.dumps(obj, default=to_jsonable, option=option)
    except TypeError:  # "Integer exceeds 64-bit range" (or any other type orjson refuses)
        return orjson.dumps(json_safe(obj), default=to_jsonable, option=option)


def _fraction(v: Fraction) -> int | str:
    return json_int(v.numerator) if v.denominator == 1 else f"{digits(v.numerator)}/{digits(v.denominator)}"


def to_jsonable(v: Any) -> Any:
    if isinstance(v, BiText):  # a text of the rules in both languages: its Russian text is the value
        return str.__str__(v)
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int) and not isinstance(v, Enum):
        return json_int(v)
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, Quantity):
        try:
            return json_safe(v.to_json())
        except OverflowError:  # a non-integer amount too large for a float: exact instead
            return {v.unit: _fraction(v.value)}
    if isinstance(v, Fraction):
        return _fraction(v)
    if isinstance(v, float):
        return json_int(int(v)) if v.is_integer() else v
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
        return json_safe(v.to_json())
    if hasattr(v, "model_dump"):
        return json_safe(v.model_dump(mode="json", exclude_none=True))
    return str(v)


def to_ru(v: Any) -> str:
    """How a value reads in a Russian message below `legality.words`: «3 года 9 месяцев», «тяжкое», «3/4».

    People read values through `legality.words.say` (ru and kk); this is its Russian for the model's
    floor, which may not import `words`: the same words (tests/test_words.py compares them).
    """
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, Enum):
        label: str = getattr(v, "ru", v.value)  # every enum here is a str enum; coded ones carry .ru
        return label
    if isinstance(v, Quantity):
        return v.ru()
    if isinstance(v, Fraction):
        # a share «3/4»; a long fraction (a computed amount) as a decimal, as `words.say` reads it
        short = v.denominator != 1 and abs(v.numerator) <= 100 and v.denominator <= 100
        return f"{v.numerator}/{v.denominator}" if short else ru_number(v)
    if isinstance(v, int) and not isinstance(v, Enum):
        return ru_number(v)
    if isinstance(v, dt.date):
        return f"{v.day:02d}.{v.month:02d}.{v.year:04d}"
    if hasattr(v, "kind") and hasattr(v, "lifelong") and hasattr(v, "term"):  # a penalty of the verdict model
        return penalty_ru(v)
    if isinstance(v, (ArticleRef, Citation)):
        return f"{v} УК РК" if isinstance(v, ArticleRef) else str(v)
    if isinstance(v, (set, frozenset, list, tuple)):
        items = [to_ru(x) for x in v]
        if isinstance(v, (set, frozenset)):
            items.sort()
        return ", ".join(items) if items else "—"
    return str(v)
