"""The names generated rule code runs against, and nothing else.

Why one module: the generated source may only reach what `RUNTIME` hands it (with the constants
table `K` and the schema getters `G`), so this is the whole vocabulary of a compiled rule set —
the missing-value sentinel and exception, the fault value, the date and number helpers, and the
status codes the decision functions return.  The evaluator (`program`), the environment (`env`)
and the code generator all take these names from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import operator
from fractions import Fraction
from typing import Any, NoReturn

from ..model.enums import Category
from ..model.values import Quantity, Term
from ..result import trace as T


class _Missing:
    """The value of a fact or `let` that the record does not give (never a truth value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        raise TypeError("a missing value has no truth value")


MISSING: Any = _Missing()
M = MISSING


class Miss(Exception):
    """A value the expression needs is missing in the record."""


class FaultError(Exception):
    """A value needed by a rule could not be computed (reported as a fault, E501)."""


class Fault:
    """A fact whose computation failed: kept as a value so only the rules that read it fault."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def fault_reason(e: BaseException) -> str:
    """The reason of a rule fault; never raises itself (an exception's text can be unprintable)."""
    try:
        return str(e) if isinstance(e, FaultError) else f"{type(e).__name__}: {e}"
    except Exception:  # noqa: BLE001 - e.g. an int too long for str()
        return type(e).__name__


# decision codes: the index of the status in STATUS (the generated code compares small ints)
STATUS: tuple[str, ...] = (T.NOT_IN_FORCE, T.NOT_APPLICABLE, T.MISSING, T.EXCEPTED, T.OVERRIDDEN, T.PASSED,
                           T.FIRED, T.FAULT, T.UNDETERMINED)
STATUS_CODE: dict[str, int] = {s: i for i, s in enumerate(STATUS)}
FIRED = STATUS_CODE[T.FIRED]
FAULT = STATUS_CODE[T.FAULT]
MISSING_CODE = STATUS_CODE[T.MISSING]
UNDETERMINED = STATUS_CODE[T.UNDETERMINED]


def add_term(d: dt.date, t: Term, sign: int = 1) -> dt.date:
    """`d` moved by the term's whole months (the day kept, or the month's last day), then by its days.

    The whole months and the days are those of `int(total)` and `int((total - whole) * 30)`; for a term of
    a non-negative exact value they are computed on its numerator and denominator (both truncations are
    then floor divisions), without the Fraction arithmetic, and the month's length without `monthrange`,
    which works out the weekday too.  tests/test_runtime_dates.py holds both ways equal."""
    total = t.value
    num, den = _NUM_DEN(total) if type(total) is Fraction else (-1, 1)
    if num >= 0:
        whole = num // den
        days = (num - whole * den) * 30 // den
    else:
        whole = int(total)
        days = int((total - whole) * 30)
    months = d.month - 1 + sign * whole
    y = d.year + months // 12
    m = months % 12 + 1
    last = _MONTH_DAYS[m] if m != 2 else 29 if calendar.isleap(y) else 28
    day = d.day if d.day <= last else last
    return dt.date(y, m, day) + dt.timedelta(days=sign * days)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# a Fraction's numerator and denominator as stored (its `numerator` property is Python code)
_NUM_DEN = operator.attrgetter("_numerator", "_denominator")


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _rank(x: Any) -> Any:
    """Categories compare by gravity."""
    return x.rank if isinstance(x, Category) else x


def _of(k: Any, y: Any) -> Any:
    return y.scale(k) if isinstance(y, Quantity) else Fraction(k) * y


def _div(x: Any, y: Any) -> Any:
    return Fraction(x) / Fraction(y)


def _key(k: Any) -> str:
    return str(getattr(k, "value", k))


def _unbound(name: str) -> NoReturn:
    """A quantifier's variable read outside its quantifier (a trace leaf shown after the loop): no value."""
    raise KeyError(name)


def _in_order(xs: Any) -> Any:
    """A set's elements in one fixed order, any other iterable as it is: only the copy of the rules that
    `legality test --coverage` runs calls this (`codegen.Gen.cover`), so that the elements a
    short-circuiting quantifier visits do not depend on the process's hash seed; the result is the same."""
    return sorted(xs, key=repr) if isinstance(xs, (set, frozenset)) else xs


RUNTIME: dict[str, Any] = {
    "Miss": Miss, "M": MISSING, "Fault": Fault, "_rank": _rank, "_of": _of, "_div": _div, "_key": _key,
    "_unbound": _unbound, "add_term": add_term, "age_on": age_on, "Fraction": Fraction, "frozenset": frozenset,
    "len": len, "min": min, "max": max, "STATUS": STATUS, "_in_order": _in_order,
}
