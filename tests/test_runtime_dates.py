"""`add_term` (a date moved by a term: limitation periods, probation ends, recidivism windows) gives the
dates of its plain formula — Fraction arithmetic for the whole months and days, `calendar.monthrange` for
the month's length — which it computes on integers instead.  Both evaluators call it, so a difference here
would move a limitation period's end by a day in both at once, unseen by the differential test."""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from legality.eval.runtime import add_term
from legality.model.values import Term


def _plain(d: dt.date, t: Term, sign: int = 1) -> dt.date:
    total = t.value
    whole = int(total)
    days = int((total - whole) * 30)
    months = d.month - 1 + sign * whole
    y = d.year + months // 12
    m = months % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return dt.date(y, m, day) + dt.timedelta(days=sign * days)


def _outcome(f, *args):  # type: ignore[no-untyped-def]
    try:
        return f(*args)
    except Exception as exc:  # noqa: BLE001 - the same error is the same answer
        return type(exc)


@settings(max_examples=600, deadline=None)
@given(d=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       years=st.integers(0, 30), months=st.integers(0, 40), days=st.integers(0, 400),
       scale=st.sampled_from([None, Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1, 3), Fraction(7, 9)]),
       sign=st.sampled_from([1, -1]))
@example(d=dt.date(2020, 1, 31), years=0, months=1, days=0, scale=None, sign=1)    # into a leap February
@example(d=dt.date(2019, 1, 31), years=0, months=1, days=0, scale=None, sign=1)    # into a common February
@example(d=dt.date(2024, 2, 29), years=1, months=0, days=0, scale=None, sign=1)    # from a leap day
@example(d=dt.date(2000, 3, 31), years=100, months=11, days=0, scale=None, sign=-1)  # 1900: no leap year
@example(d=dt.date(2023, 12, 31), years=0, months=0, days=29, scale=Fraction(2, 3), sign=1)
def test_add_term_gives_the_plain_formulas_date(d, years, months, days, scale, sign):
    t = Term(years, months, days)
    if scale is not None:
        t = t.scale(scale)  # a computed term: its days may be a fraction of a day
    assert _outcome(add_term, d, t, sign) == _outcome(_plain, d, t, sign)


def test_a_value_that_is_not_a_plain_fraction_goes_the_plain_way():
    class Odd(Fraction):
        pass

    t = Term(1, 2, 3)
    object.__setattr__(t, "value", Odd(t.value))
    assert add_term(dt.date(2021, 5, 31), t) == _plain(dt.date(2021, 5, 31), t)
    neg = Term(0, 0, 0)
    object.__setattr__(neg, "value", Fraction(-7, 2))  # never a record's term; truncation toward zero as before
    assert add_term(dt.date(2021, 5, 31), neg) == _plain(dt.date(2021, 5, 31), neg)
