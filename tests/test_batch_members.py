"""Reading record fields in the batch backend: the list-mapped members and None masks give exactly the
columns of the plain operations they replace (`_py`, a comprehension over `is None`), and a batch's frames
are laid out as the loop over the records laid them out.

Why separate from the differential test: records of the fixtures never hold an object whose `__eq__`
claims to equal None, a getter that raises on one row only, or offence dates that tie; here each of those
corners is asked for directly, against the plain computation.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.columns import Col, Frame, none_mask, none_missing, none_missing_list, obj_array


class _EqualsEverything:
    """An object whose `==` says True to anything, None included: it must not be taken for a missing value."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class _EqRaises:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no comparison")

    __hash__ = object.__hash__


def _plain_mask(vals: list[Any]) -> list[bool]:
    return [x is None for x in vals]


@pytest.mark.parametrize("vals", [
    [],
    [None],
    [1, 2, 3],
    [1, None, 3],
    [None, None],
    [_EqualsEverything(), None, _EqualsEverything()],
    [_EqualsEverything(), _EqualsEverything()],
    [_EqRaises(), 0, "", False, [], None],
])
def test_none_masks_are_by_identity(vals: list[Any]) -> None:
    m = none_mask(vals)
    want = _plain_mask(vals)
    if not any(want):
        assert m is None
    else:
        assert m is not None and m.dtype == bool and m.tolist() == want
    c = none_missing_list(vals)
    assert c.v.dtype == object and len(c.v) == len(vals) and all(x is y for x, y in zip(c.v.tolist(), vals))
    assert (c.m is None) == (not any(want)) and (c.m is None or c.m.tolist() == want)
    d = none_missing(obj_array(vals, len(vals)))
    assert (d.m is None) == (c.m is None) and (d.m is None or d.m.tolist() == want)


def test_none_missing_leaves_other_arrays_alone() -> None:
    v = np.array([True, False])
    assert none_missing(v).v is v and none_missing(v).m is None


def _fake(n: int) -> tuple[Any, Any]:
    b = B.Batch.__new__(B.Batch)
    b.unsure = np.zeros(n, dtype=bool)
    return b, Frame("R", n, np.arange(n))


def _same(c1: Col, c2: Col) -> None:
    assert c1.v.dtype == c2.v.dtype and len(c1.v) == len(c2.v)
    assert all(x is y or x == y for x, y in zip(c1.v.tolist(), c2.v.tolist()))
    assert (c1.m is None) == (c2.m is None)
    if c1.m is not None:
        assert c1.m.tolist() == c2.m.tolist()


def _getter(x: Any) -> Any:
    if x == "boom":
        raise ValueError(x)
    return None if x == "none" else (x, len(x))


@pytest.mark.parametrize("vals", [
    [],
    ["a", "bb"],
    ["a", "none", "ccc"],
    ["a", "boom", "none", "dd"],
    ["boom", "boom"],
])
def test_mapped_getter_matches_numpys_loop(vals: list[str]) -> None:
    """`_mapped` against `_py(g, 1, missing_none=True)`: the values, the missing rows (None, a row that
    raised) and the records made unsure (exactly those whose row raised)."""
    n = len(vals)
    cols = [obj_array(vals, n)]
    rows = np.arange(n)
    b1, f1 = _fake(n)
    b2, f2 = _fake(n)
    got = B._mapped(_getter)(b1, f1, rows, cols)
    want = B._py(_getter, 1, missing_none=True)(b2, f2, rows, cols)
    _same(got, want)
    assert b1.unsure.tolist() == b2.unsure.tolist() == [x == "boom" for x in vals]


def test_mapped_method_with_constant_arguments_matches_numpys_loop() -> None:
    """Two operands (an object and a constant column), as a method with a literal argument is called."""
    def meth(x: Any, k: Any) -> Any:
        if x is None:
            raise AttributeError("None has no members")
        return None if x == k else x * k

    vals = [1, 2, None, 3]
    cols = [obj_array(vals, 4), obj_array([2] * 4, 4)]
    rows = np.array([3, 5, 7, 9])
    b1, _ = _fake(10)
    b2, _ = _fake(10)
    f = Frame("R", 10, np.arange(10))
    _same(B._mapped(meth)(b1, f, rows, cols), B._py(meth, 2, missing_none=True)(b2, f, rows, cols))
    assert b1.unsure.tolist() == b2.unsure.tolist() and b1.unsure[7] and b1.unsure.sum() == 1


def test_attribute_member_reads_objects_and_keeps_equal_to_none_values() -> None:
    """A plain attribute read through `_member_op`: None (by identity) is missing, an object claiming to equal
    None is a value, an object without the attribute makes its record unsure."""
    node = SimpleNamespace(data=("Offence", "article"))
    op = B.Compiler({}, {})._member_op(node)  # type: ignore[arg-type]
    odd = _EqualsEverything()
    objs = [SimpleNamespace(article="1"), SimpleNamespace(article=None), SimpleNamespace(article=odd), object()]
    b, f = _fake(4)
    c = op(b, f, np.arange(4), [obj_array(objs, 4)])
    assert c.v.tolist()[0] == "1" and c.v.tolist()[2] is odd
    assert c.m is not None and c.m.tolist() == [False, True, False, True]
    assert b.unsure.tolist() == [False, False, False, True]


def _plain_layout(verdicts: list[Any]) -> dict[str, Any]:
    """The frames as the loop over records built them before (the reference for `Batch.__init__`)."""
    offs, orec = [], []
    for i, v in enumerate(verdicts):
        for o in v.offences:
            offs.append(o)
            orec.append(i)
    return {
        "offs": offs, "orec": orec,
        "latest": [max(o.committed_on for o in v.offences) for v in verdicts],
        "dates": [o.committed_on for o in offs],
        "ocount": [len(v.offences) for v in verdicts],
        "offrow": {id(o): i for i, o in enumerate(offs)},
    }


def _verdict(*days: dt.date) -> Any:
    return SimpleNamespace(offences=[SimpleNamespace(committed_on=d) for d in days])


@pytest.mark.parametrize("layout", [
    [(1,)],
    [(1,), (2,), (3,)],
    [(5, 1, 5), (2,), (1, 1), (9, 3)],
    [(3,), (7, 7, 2)],
])
def test_batch_frames_are_laid_out_as_the_loop_did(layout: list[tuple[int, ...]]) -> None:
    """Offences in record order, their records, counts, first rows and each record's latest date — the very
    date object `max` returned (the first of equal latest dates: equal but distinct objects tell them apart)."""
    verdicts = [_verdict(*(dt.date(2020, 1, d) for d in days)) for days in layout]
    b = B.Batch(verdicts, None)
    want = _plain_layout(verdicts)
    assert b.O.n == len(want["offs"]) and all(x is y for x, y in zip(b.O.objs.tolist(), want["offs"]))
    assert b.O.rec.tolist() == want["orec"] and b.O.rec.dtype == np.int64
    assert all(x is y for x, y in zip(b.O.ref_date.tolist(), want["dates"]))
    assert all(x is y for x, y in zip(b.R.ref_date.tolist(), want["latest"]))
    assert b.ocount.tolist() == want["ocount"] and b.ostart.tolist() == (np.cumsum(want["ocount"]) - want["ocount"]).tolist()
    assert b.offrow == want["offrow"]
    assert b.R.rec.tolist() == list(range(len(verdicts))) and b.O.base.tolist() == list(range(b.O.n))


def test_a_record_without_offences_still_fails_as_before() -> None:
    """`max` of no dates raises, as the loop's `max` over an empty generator did (evaluate_many never
    passes such a record; a caller that does must not get a silently wrong reference date)."""
    with pytest.raises(ValueError):
        B.Batch([_verdict(dt.date(2020, 1, 1), dt.date(2020, 1, 2)), SimpleNamespace(offences=[])], None)


def test_base_rows_are_the_gather_they_replace() -> None:
    """`_base_rows` skips the gather on base frames only: on a quantifier's frame it is the gather."""
    verdicts = [_verdict(dt.date(2020, 1, 1)), _verdict(dt.date(2020, 1, 2), dt.date(2020, 1, 3))]
    b = B.Batch(verdicts, None)
    rows = np.array([2, 0])
    assert B._base_rows(b.O, rows, "O").tolist() == b.O.base[rows].tolist()
    assert B._base_rows(b.O, rows, "R").tolist() == b.O.rec[rows].tolist() == [1, 0]
    assert B._base_rows(b.R, np.array([1]), "R").tolist() == [1]
    q = b.O.child("x", np.array([2, 2, 1]), obj_array(["a", "b", "c"], 3))
    assert B._base_rows(q, np.array([0, 2]), "O").tolist() == [2, 1]
    assert B._base_rows(q, np.array([0, 2]), "R").tolist() == [1, 1]


def _plain_once_per_object(f: Any, objs: list[Any], consts: list[Any]) -> tuple[list[Any], list[bool], list[int]]:
    """The reference: a loop over the rows, f once per receiver (by id) in first-row order."""
    seen: dict[int, Any] = {}
    out, miss, bad_rows = [], [], []
    for i, x in enumerate(objs):
        if id(x) not in seen:
            try:
                seen[id(x)] = (f(x, *consts), False)
            except Exception:  # noqa: BLE001
                seen[id(x)] = (None, True)
        v, raised = seen[id(x)]
        out.append(v)
        miss.append(v is None)
        if raised:
            bad_rows.append(i)
    return out, miss, bad_rows


class _Shared:
    def __init__(self, k: int):
        self.k = k


@pytest.mark.parametrize("n", [0, 5, 31, 32, 200])
def test_once_per_object_calls_each_receiver_once_in_first_row_order(n: int) -> None:
    """Both ways of grouping (a dict below `_GROUP_FROM` rows, numpy's `unique` from it): the values, missing
    rows, unsure records, and the calls — one per receiver, in the order of first rows (ids are in no order,
    so a numbering by id would show here)."""
    pool = [_Shared(k) for k in range(9)]
    rng = np.random.default_rng(n)
    objs = [pool[int(j)] for j in rng.integers(0, len(pool), n)]
    calls: list[int] = []

    def f(x: _Shared, add: int) -> Any:
        calls.append(x.k)
        if x.k == 3:
            raise KeyError(x.k)
        return None if x.k == 5 else x.k + add

    want, wmiss, wbad = _plain_once_per_object(lambda x, a: (x.k == 3 and {}[0]) or (None if x.k == 5 else x.k + a),
                                               objs, [10])
    order = list(dict.fromkeys(x.k for x in objs))
    b, frame = _fake(n + 3)
    rows = np.arange(n) + 3
    c = B._once_per_object(f, b, frame, rows, [obj_array(objs, n), obj_array([10] * n, n)])
    assert calls == order
    assert c.v.tolist() == want and len(c.v) == n
    assert (c.m is None) == (not any(wmiss)) and (c.m is None or c.m.tolist() == wmiss)
    assert np.where(b.unsure)[0].tolist() == [i + 3 for i in wbad]


def _plain_dates(ds: list[Any]) -> tuple[list[Any], list[int], list[int]]:
    index: dict[Any, int] = {}
    inv = [index.setdefault(d, len(index)) for d in ds]
    return list(index), [d.toordinal() for d in index], inv


@pytest.mark.parametrize("days", [
    [(2020, 5, 1)],
    [(2021, 1, 3), (2020, 5, 1), (2021, 1, 3), (2019, 12, 31), (2020, 5, 1)],
    [(2020, 1, d % 7 + 1) for d in range(40)][::-1],
])
@pytest.mark.parametrize("kind", ["date", "with_datetime"])
def test_batch_dates_are_numbered_by_first_row(days: list[tuple[int, int, int]], kind: str) -> None:
    """`Batch.dates`: the distinct dates in first-row order — the objects of their first rows (equal dates are
    fresh objects here, so `is` tells which one was kept) — their day numbers and each row's number; a frame
    with a `datetime` among its dates takes the dict (a datetime is never equal to a date)."""
    ds: list[Any] = [dt.date(*d) for d in days]
    if kind == "with_datetime":
        ds.append(dt.datetime(2020, 5, 1, 12))
    verdicts = [_verdict(d) for d in ds]
    b = B.Batch(verdicts, None)
    uniq, ords, inv = b.dates(b.O)
    wu, wo, wi = _plain_dates(ds)
    assert len(uniq) == len(wu) and all(x is y for x, y in zip(uniq, wu))
    assert ords.tolist() == wo and ords.dtype == np.int64
    assert inv.tolist() == wi and inv.dtype == np.int64
    o = b.ordinals("O")
    assert (o is None) == (kind == "with_datetime")
    if o is not None:
        assert o.tolist() == [d.toordinal() for d in ds]


def test_verdict_ordinals_need_plain_dates() -> None:
    vs = [SimpleNamespace(offences=[SimpleNamespace(committed_on=dt.date(2020, 1, 1))], verdict_date=d)
          for d in (dt.date(2021, 2, 3), dt.date(2022, 1, 1))]
    b = B.Batch(vs, None)
    got = b.ordinals("verdict")
    assert got is not None and got.tolist() == [dt.date(2021, 2, 3).toordinal(), dt.date(2022, 1, 1).toordinal()]
    vs[1].verdict_date = dt.datetime(2022, 1, 1)
    assert B.Batch(vs, None).ordinals("verdict") is None
