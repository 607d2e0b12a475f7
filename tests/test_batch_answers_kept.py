"""Value operations of the batch backend computed once per distinct operands: the answers of the catalogue's
objects kept across batches (`_once_per_object`, `_once_per_operands` with `kept`), ages in numpy's integers
(`_ages`), `count` by `map` (`_mapped_or`) — each against the plain computation row by row, on the cases the
shortcut must not get wrong: a receiver that raises, an answer of None, a later batch, dates at the ends of
months and years, leap days, a datetime, a value that is not a date or not a collection."""
from __future__ import annotations

import datetime as dt
import gc
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
    b.lookups = {}
    return b, Frame("R", n, np.arange(n))


class _Obj:
    def __init__(self, k: int):
        self.k = k


def _plain(f: Any, rows: list[tuple[Any, ...]]) -> tuple[list[Any], list[bool], list[int]]:
    """f row by row: values (None where it raises), missing, the rows that raised."""
    vals, miss, bad = [], [], []
    for i, args in enumerate(rows):
        try:
            v = f(*args)
        except Exception:  # noqa: BLE001
            v = None
            bad.append(i)
        vals.append(v)
        miss.append(v is None)
    return vals, miss, bad


def _f(calls: list[Any]) -> Any:
    def f(x: _Obj, add: Any) -> Any:
        calls.append((x.k, add))
        if x.k == 3:
            raise KeyError(x.k)
        return None if x.k == 5 else (x.k, add)
    return f


def _check(c: Any, b: Any, want: tuple[list[Any], list[bool], list[int]], shift: int) -> None:
    vals, miss, bad = want
    assert c.v.dtype == object and c.v.tolist() == vals
    assert (c.m is None) == (not any(miss)) and (c.m is None or c.m.tolist() == miss)
    assert np.where(b.unsure)[0].tolist() == [i + shift for i in bad]


@pytest.mark.parametrize("n", [0, 1, 7, 40, 300])
def test_once_per_object_keeps_answers_across_batches(n: int) -> None:
    """With `kept`, f runs once per receiver over two batches (in the order of first rows), and each batch
    gets the plain loop's values, missing rows and unsure records — also from answers kept (None, raising)."""
    pool = [_Obj(k) for k in range(9)]
    rng = np.random.default_rng(n)
    kept: dict[Any, Any] = {}
    calls: list[Any] = []
    f = _f(calls)
    seen: list[int] = []
    for batch in range(2):
        objs = [pool[int(j)] for j in rng.integers(0, len(pool), n)]
        want = _plain(lambda x: _f([])(x, 10), [(x,) for x in objs])
        b, frame = _fake(n + 3)
        c = B._once_per_object(f, b, frame, np.arange(n) + 3, [obj_array(objs, n), obj_array([10] * n, n)], kept)
        _check(c, b, want, 3)
        new = [k for k in dict.fromkeys(x.k for x in objs) if k not in seen]
        assert [k for k, _ in calls] == seen + new  # only receivers not met in an earlier batch
        seen += new


def test_once_per_object_without_kept_calls_once_per_call() -> None:
    """Without `kept` (a getter that reads more than its receiver), every call asks again, once per receiver."""
    pool = [_Obj(k) for k in (1, 3, 5)]
    objs = [pool[i % 3] for i in range(10)]
    calls: list[Any] = []
    for _ in range(2):
        b, frame = _fake(10)
        c = B._once_per_object(_f(calls), b, frame, np.arange(10), [obj_array(objs, 10), obj_array([1] * 10, 10)])
        _check(c, b, _plain(lambda x: _f([])(x, 1), [(x,) for x in objs]), 0)
    assert [k for k, _ in calls] == [1, 3, 5, 1, 3, 5]


def test_kept_answers_hold_their_receivers() -> None:
    """A kept answer's receiver stays alive with it, so its id cannot be taken by a new object that would then
    read another object's answer; the plan's lookups hold one table per compiled getter (`_kept_answers`)."""
    b, frame = _fake(4)
    t1, t2 = object(), object()
    kept = B._kept_answers(b, t1)
    assert B._kept_answers(b, t1) is kept and B._kept_answers(b, t2) is not kept
    objs = [_Obj(k) for k in (1, 2)]
    B._once_per_object(lambda x: x.k, b, frame, np.arange(2), [obj_array(objs, 2)], kept)
    ids = [id(x) for x in objs]
    del objs
    gc.collect()
    fresh = [_Obj(k) for k in range(50, 250)]
    assert not {id(x) for x in fresh} & set(ids)
    c = B._once_per_object(lambda x: x.k, b, frame, np.arange(4), [obj_array(fresh[:4], 4)], kept)
    assert c.v.tolist() == [50, 51, 52, 53]


def test_once_per_operands_pairs_across_batches() -> None:
    """Per distinct pair of objects (a sanction and a kind): the plain loop's values, missing rows and unsure
    records in every batch; f once per pair over the batches, in the order of first rows; the same object as
    the key's second operand with another first one is another pair."""
    a, c = _Obj(1), _Obj(3)
    calls: list[Any] = []

    def f(x: _Obj, k: Any) -> Any:
        calls.append((x.k, k))
        if k == "bad":
            raise ValueError(k)
        return None if k == "none" else (x.k, k)

    kept: dict[Any, Any] = {}
    for xs, ks in (([a, c, a, a, c, a], ["k", "k", "k", "bad", "none", "k"]),
                   ([c, a, a, c], ["k", "bad", "j", "none"])):
        n = len(xs)
        want = _plain(lambda x, k: (None if k == "none" else (x.k, k)) if k != "bad" else {}[0], list(zip(xs, ks)))
        b, frame = _fake(n + 10)
        col = B._once_per_operands(f, b, frame, np.arange(10, 10 + n), [obj_array(xs, n), obj_array(ks, n)], kept)
        _check(col, b, want, 10)
    assert calls == [(1, "k"), (3, "k"), (1, "bad"), (3, "none"), (1, "j")]


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
    """One plan over several batches (its kept answers met again, from another batch's records): every record
    evaluates as the row evaluator evaluates it."""
    prog = Engine.load()._program
    plan = BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    verdicts = valid_verdicts(list(variants(600, seed=11, p=0.05)))
    for part in (verdicts[:200], verdicts[200:400], verdicts[400:]):
        for v, ev in zip(part, evaluate_many(prog, plan, part)):
            assert as_json(ev) == as_json(prog.evaluate(v)), v.case_id
