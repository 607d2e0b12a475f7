"""Built-ins and lookups of the batch backend over whole columns: ages in numpy's integers (`_ages`), `count`
by `map` (`_mapped_or`), `t[k]` in one law table (`_lookup`) — each against the plain computation row by row,
on the cases the shortcut must not get wrong: dates at the ends of months and years, leap days, the other
date before the birth, a datetime, a value that is not a date or not a collection, keys that are enum members
or absent, a table that is no plain dict, and later batches of one plan (the dates' keys remembered)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from legality.engine import Engine
from legality.eval import batch as B
from legality.eval.batch import BatchPlan, evaluate_many
from legality.eval.columns import Frame, obj_array
from legality.eval.runtime import age_on

from support.mutate import variants
from test_batch_backend import as_json, valid_verdicts


def _fake(n: int) -> tuple[Any, Frame]:
    b = B.Batch.__new__(B.Batch)
    b.unsure = np.zeros(n, dtype=bool)
    return b, Frame("R", n, np.arange(n))


_EDGE_DAYS = [(2000, 2, 29), (2001, 2, 28), (2001, 3, 1), (2004, 2, 29), (1999, 12, 31), (2000, 1, 1), (2020, 6, 15),
              (2020, 6, 14), (2020, 6, 16), (1, 1, 1), (9999, 12, 31), (2002, 2, 28), (2003, 3, 1), (1990, 10, 9)]


def test_ages_match_age_on_on_every_pair_of_edge_dates() -> None:
    """Birthdays on the day, the day before and after, leap days in leap and common years, year ends, the
    calendar's ends, and the other date before the birth (a negative age): `age_on`'s ints, row by row."""
    days = [dt.date(*d) for d in _EDGE_DAYS]
    pairs = [(x, y) for x in days for y in days]
    n = len(pairs)
    born, on = obj_array([p[0] for p in pairs], n), obj_array([p[1] for p in pairs], n)
    b, frame = _fake(n)
    c = B._ages(B._py(age_on, 2))(b, frame, np.arange(n), [born, on])
    assert c.m is None and c.v.dtype == object
    got = c.v.tolist()
    assert got == [age_on(x, y) for x, y in pairs]
    assert {type(x) for x in got} == {int}


def test_ages_of_other_values_are_computed_as_before() -> None:
    """A datetime (a date's subclass) or a value that is no date: the column is `age_on`'s, row by row (a row
    that raises makes its record unsure, the others keep their ages)."""
    born = [dt.date(2000, 5, 1), dt.datetime(2000, 5, 1, 12), dt.date(2001, 1, 1)]
    on = [dt.date(2020, 5, 1), dt.date(2020, 4, 30), "2020-01-01"]
    b, frame = _fake(3)
    c = B._ages(B._py(age_on, 2))(b, frame, np.arange(3), [obj_array(born, 3), obj_array(on, 3)])
    assert c.v.tolist()[:2] == [20, 19] and c.m is not None and c.m.tolist() == [False, False, True]
    assert b.unsure.tolist() == [False, False, True]
    b, frame = _fake(2)
    c = B._ages(B._py(age_on, 2))(b, frame, np.arange(2), [obj_array(born[:2], 2), obj_array(on[:2], 2)])
    assert c.m is None and c.v.tolist() == [20, 19] and not b.unsure.any()


def test_count_by_map_matches_len_and_doubts_what_has_none() -> None:
    vals = [[1, 2], frozenset({1}), (), "abc", [None]]
    b, frame = _fake(5)
    c = B._mapped_or(len, B._py(len, 1))(b, frame, np.arange(5), [obj_array(vals, 5)])
    assert c.m is None and c.v.dtype == object and c.v.tolist() == [2, 1, 0, 3, 1]
    b, frame = _fake(3)
    c = B._mapped_or(len, B._py(len, 1))(b, frame, np.arange(3), [obj_array([[1], 7, ()], 3)])
    assert c.v.tolist() == [1, None, 0] and c.m is not None and c.m.tolist() == [False, True, False]
    assert b.unsure.tolist() == [False, True, False]


def test_later_batches_of_one_plan_evaluate_as_the_row_evaluator() -> None:
    """One plan over several batches (what it remembers met again, from another batch's records): every record
    evaluates as the row evaluator evaluates it."""
    prog = Engine.load()._program
    plan = BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    verdicts = valid_verdicts(list(variants(600, seed=11, p=0.05)))
    for part in (verdicts[:200], verdicts[200:400], verdicts[400:]):
        for v, ev in zip(part, evaluate_many(prog, plan, part)):
            assert as_json(ev) == as_json(prog.evaluate(v)), v.case_id


def test_lookup_in_one_table_or_several_matches_get_of_each_row() -> None:
    """`t[k]`: one law table on every row (its own `get`), several tables, keys that are enum members or
    absent (missing), and a table that is no plain dict (row by row, as before)."""
    from legality.eval.runtime import _key
    from legality.model.enums import Category

    rowwise = B._py(lambda t, k: t.get(B._enum_key(k)), 2, missing_none=True)
    member = list(Category)[0]
    one: dict[str, Any] = {_key(member): 1, "minor": None, "5": 7}
    other: dict[str, Any] = {_key(member): 2}
    cats = [member, "minor", "none", "5", 5]
    for tables in ([one] * 5, [one, other, one, other, one], [one, one, one, one, other]):
        keys = obj_array(cats, 5)
        b, frame = _fake(5)
        got = B._lookup(rowwise)(b, frame, np.arange(5), [obj_array(tables, 5), keys])
        want = rowwise(b, frame, np.arange(5), [obj_array(tables, 5), keys])
        assert got.v.tolist() == want.v.tolist()
        assert (got.m is None) == (want.m is None)
        assert got.m is None or want.m is None or got.m.tolist() == want.m.tolist()
        assert got.v.tolist() == [t.get(B._enum_key(k)) for t, k in zip(tables, cats)]

    class Table(dict[Any, Any]):  # not a plain dict: its own `get` is what the row code calls
        def get(self, k: Any, d: Any = None) -> Any:
            return "sub"
    b, frame = _fake(2)
    got = B._lookup(rowwise)(b, frame, np.arange(2), [obj_array([Table(), Table()], 2), obj_array(["a", "b"], 2)])
    assert got.v.tolist() == ["sub", "sub"]


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("kinds", [1, 3, 40])
def test_add_terms_by_term_tables_match_add_term(sign: int, kinds: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`date ± term` with one term on every row, a few (grouped by term: a table by date per term), and many
    (one key per row): add_term's dates, cold and warm; ends of months (Jan 31 + 1 month), leap days, a
    fractional month (days from the fraction), equal terms that are distinct objects (one table by value)."""
    import random
    from fractions import Fraction

    from legality.eval.runtime import add_term
    from legality.model.values import Term

    monkeypatch.setitem(B._ADD_TERM_MEMOS, sign, {})
    rng = random.Random(kinds * sign)
    pool = [Term.from_months(Fraction(rng.randint(0, 400), rng.choice([1, 2, 3, 7]))) for _ in range(kinds)]
    pool[0] = Term.from_months(Fraction(1))
    edges = [dt.date(2020, 1, 31), dt.date(2020, 2, 29), dt.date(2019, 2, 28), dt.date(2021, 12, 31), dt.date(2000, 3, 31)]
    n = 300
    ds = [rng.choice(edges) if rng.random() < 0.4 else dt.date(2001, 1, 1) + dt.timedelta(days=rng.randint(0, 8000))
          for _ in range(n)]
    ts = [Term.from_months(Fraction(rng.choice(pool).value)) for _ in range(n)]  # equal values, fresh objects
    if kinds == 1:
        ts = [pool[0]] * n
    elif kinds == 3:
        ts = [rng.choice(pool) for _ in range(n)]
    want = [add_term(d, t, sign) for d, t in zip(ds, ts)]
    monkeypatch.setitem(B._ARITH, "date+" if sign > 0 else "date-", lambda a, c: 1 / 0)  # no row-by-row path
    op = B._add_terms(sign)
    for _ in range(2):
        b, frame = _fake(n)
        c = op(b, frame, np.arange(n), [obj_array(ds, n), obj_array(ts, n)])
        assert c.m is None and c.v.tolist() == want and {type(x) for x in c.v.tolist()} == {dt.date}
        assert not b.unsure.any()


def test_add_terms_by_term_falls_back_where_add_term_raises_or_the_value_is_no_fraction() -> None:
    """A date at the calendar's end (add_term raises: that record unsure, the others computed) and a term whose
    value is an int (row by row, as add_term computes it)."""
    from fractions import Fraction

    from legality.eval.runtime import add_term
    from legality.model.values import Quantity, Term

    one = Term.from_months(Fraction(2))
    ds = [dt.date(2020, 1, 1)] * 39 + [dt.date.max]
    b, frame = _fake(40)
    c = B._add_terms(1)(b, frame, np.arange(40), [obj_array(ds, 40), obj_array([one] * 40, 40)])
    assert c.v.tolist()[:39] == [add_term(ds[0], one, 1)] * 39
    assert c.m is not None and c.m.tolist() == [False] * 39 + [True] and b.unsure.tolist() == [False] * 39 + [True]
    q = Quantity(0, "mrp")
    object.__setattr__(q, "value", 3)
    b, frame = _fake(40)
    c = B._add_terms(1)(b, frame, np.arange(40), [obj_array(ds[:39] + [ds[0]], 40), obj_array([q] * 40, 40)])
    assert c.v.tolist() == [add_term(ds[0], q, 1)] * 40  # type: ignore[arg-type]
    assert not b.unsure.any()
