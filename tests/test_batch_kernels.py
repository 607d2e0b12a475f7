"""The value kernels of the batch backend (comparisons of quantities, `date ± term`, membership, index)
give exactly the answers of the plain per-row operations they replace, and fall back to those (a row that
raises makes its record unsure, `_safe`) on anything they do not cover: other types, differing units,
Fraction subclasses, dates out of range."""

from __future__ import annotations

import datetime as dt
import operator
import random
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.columns import Col
from legality.eval.runtime import add_term
from legality.model.values import Quantity, Term
from support.batch_doubles import FakeBatch, FakeFrame


def _run(op: B.Op, *cols: list[Any]) -> tuple[list[Any], np.ndarray]:
    """op over the columns; (each row's value, or "raised" where the row's record became unsure; unsure)."""
    n = len(cols[0])
    b = FakeBatch(n)
    res = op(b, FakeFrame(n), np.arange(n), [B.obj_array(c, n) for c in cols])
    m = np.zeros(n, dtype=bool) if res.m is None else res.m
    assert not (b.unsure & ~m).any()  # an unsure row is a missing one
    return [("raised" if m[i] else res.v[i]) for i in range(n)], b.unsure


def _plain(f: Callable[..., Any], *cols: list[Any]) -> list[Any]:
    out = []
    for xs in zip(*cols):
        try:
            out.append(f(*xs))
        except Exception:  # noqa: BLE001
            out.append("raised")
    return out


class _Frac(Fraction):
    """A Fraction subclass: its comparison is not Fraction's, so no kernel may take its integers."""

    def __lt__(self, other: Any) -> bool:
        return True

    def __gt__(self, other: Any) -> bool:
        return True


def _quantities(rng: random.Random, n: int, unit: str) -> list[Any]:
    out: list[Any] = []
    for _ in range(n):
        v = Fraction(rng.randint(-40, 40), rng.choice([1, 2, 3, 30, 7]))
        if unit == "term":
            out.append(Term.from_months(abs(v)) if rng.random() < 0.5 else Term(rng.randint(0, 3), rng.randint(0, 13),
                                                                             rng.randint(0, 40)))
        else:
            out.append(Quantity(v, unit))
    return out


CMPS = {"<": (operator.lt, np.less), "<=": (operator.le, np.less_equal), ">": (operator.gt, np.greater),
        ">=": (operator.ge, np.greater_equal), "==": (operator.eq, np.equal), "!=": (operator.ne, np.not_equal)}


@pytest.mark.parametrize("sym", sorted(CMPS))
def test_quantity_comparison_matches_python(sym: str) -> None:
    py, ncmp = CMPS[sym]
    rng = random.Random(sym)
    a, c = _quantities(rng, 400, "term"), _quantities(rng, 400, "term")
    c[:50] = a[:50]  # equal objects
    c[50:100] = [Term.from_months(x.value) for x in a[50:100]]  # equal values, other objects
    op = B._np(B._quantity_cmp(py, ncmp), py, truth=True)
    got, unsure = _run(op, a, c)
    assert got == _plain(py, a, c) and not unsure.any()
    # a term against a quantity of unit "term" (another class, the same unit) compares by value too
    q = [Quantity(x.value, "term") for x in c]
    assert _run(op, a, q)[0] == _plain(py, a, q)


def test_quantity_comparison_takes_the_integer_kernel() -> None:
    """The kernel answers without the column comparison for plain quantities of one unit (so the tests above
    exercise it), and leaves other columns to it."""
    called: list[int] = []

    def ncmp(a: np.ndarray, c: np.ndarray) -> np.ndarray:
        called.append(len(a))
        return np.less(a, c)
    f = B._quantity_cmp(operator.lt, ncmp)
    rng = random.Random(3)
    a, c = B.obj_array(_quantities(rng, 50, "mrp"), 50), B.obj_array(_quantities(rng, 50, "mrp"), 50)
    assert f(a, c).tolist() == [x < y for x, y in zip(a, c)] and not called
    mixed = c.copy()
    mixed[7] = Quantity(1, "hours")  # one row of another unit: raises in Python, so the column falls back
    with pytest.raises(TypeError):
        f(a, mixed)
    assert called == [50]


@pytest.mark.parametrize("sym", sorted(CMPS))
def test_quantity_comparison_falls_back_on_what_it_does_not_cover(sym: str) -> None:
    py, ncmp = CMPS[sym]
    rng = random.Random(7)
    a, c = _quantities(rng, 60, "mrp"), _quantities(rng, 60, "mrp")
    op = B._np(B._quantity_cmp(py, ncmp), py, truth=True)
    for i, odd in enumerate([Quantity(3, "hours"), Term(1), 5, Fraction(1, 2), None, "x"]):
        c2 = list(c)
        c2[10 + i] = odd
        got, unsure = _run(op, a, c2)
        want = _plain(py, a, c2)
        assert got == want
        assert [bool(u) for u in unsure] == [w == "raised" for w in want]
    # a value that is a Fraction subclass: its own comparison, not the integers'
    weird = Quantity(0, "mrp")
    object.__setattr__(weird, "value", _Frac(1, 2))
    c3 = list(c)
    c3[0] = weird
    assert _run(op, c3, a)[0] == _plain(py, c3, a)


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    edges = [dt.date(2020, 2, 29), dt.date(2019, 1, 31), dt.date(2000, 12, 31), dt.date(1900, 2, 28),
             dt.date(2024, 3, 31), dt.date(2023, 8, 30)]
    return [rng.choice(edges) if rng.random() < 0.3 else dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
            for _ in range(n)]


def _terms(rng: random.Random, n: int) -> list[Any]:
    pool = [Term(0), Term(1), Term(0, 1), Term(0, 0, 29), Term(0, 0, 30), Term(3, 11, 29), Term(0, 13, 45),
            Term.from_months(Fraction(7, 3)), Term.from_months(Fraction(1, 7)), Quantity(Fraction(-5, 2), "mrp"),
            Quantity(Fraction(-1, 90), "days")]
    return [rng.choice(pool) for _ in range(n)]


@pytest.mark.parametrize("sign", [1, -1])
def test_add_terms_matches_add_term(sign: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row as add_term computes it, cold (nothing remembered) and warm (all remembered), and without
    the row-by-row path: had the column fallen back, the patched row function would raise on every row."""
    rng = random.Random(sign)
    ds, ts = _dates(rng, 500), _terms(rng, 500)
    want = [add_term(d, t, sign) for d, t in zip(ds, ts)]
    monkeypatch.setitem(B._ADD_TERM_MEMOS, sign, {})
    monkeypatch.setitem(B._ARITH, "date+" if sign > 0 else "date-", lambda a, c: 1 / 0)
    op = B._add_terms(sign)
    for _ in range(2):
        got, unsure = _run(op, ds, ts)
        assert got == want and all(type(x) is dt.date for x in got) and not unsure.any()


@pytest.mark.parametrize("sign", [1, -1])
def test_add_terms_falls_back_on_what_it_does_not_cover(sign: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(B._ADD_TERM_MEMOS, sign, {})
    op = B._add_terms(sign)
    rng = random.Random(11)
    ds, ts = _dates(rng, 40), _terms(rng, 40)
    f = (lambda d, t: add_term(d, t, sign))
    odd_dates = [dt.datetime(2020, 1, 31, 12), dt.date.max if sign > 0 else dt.date.min, None, "2020-01-01"]
    for i, odd in enumerate(odd_dates):
        d2 = list(ds)
        d2[5 + i] = odd
        got, unsure = _run(op, d2, ts)
        want = _plain(f, d2, ts)
        assert got == want and [bool(u) for u in unsure] == [w == "raised" for w in want]
    weird = Quantity(0, "mrp")
    object.__setattr__(weird, "value", _Frac(3, 2))
    for odd in [weird, Term(10**6), 5, None]:
        t2 = list(ts)
        t2[3] = odd
        got, unsure = _run(op, ds, t2)
        want = _plain(f, ds, t2)
        assert got == want and [bool(u) for u in unsure] == [w == "raised" for w in want]


class _Keyed:
    """An object with a `value`: `_key` reads it."""

    def __init__(self, value: Any):
        self.value = value


def _key_pool() -> list[Any]:
    from legality.model.bitext import BiText
    from legality.model.enums import Category
    members = list(Category)
    return ["a", "b", "1", "2", "", 1, 2, 3, True, False, None, 2.0, Fraction(1, 2), BiText("a", "а"), members[0],
            members[-1], _Keyed("b"), _Keyed(2), ("a",), ["unhashable"]]


def test_enum_keys_are_enum_key() -> None:
    from legality.model.enums import Category
    pool = _key_pool()
    rng = random.Random(5)
    for kinds in (["a", "b", "zz"], [1, 2, 30], list(Category), pool):
        vals = [rng.choice(kinds) for _ in range(200)]
        assert B._enum_keys(vals) == [B._enum_key(v) for v in vals]


@pytest.mark.parametrize("text", [False, True])
@pytest.mark.parametrize("pos", [False, True])
def test_member_of_a_column_of_collections(text: bool, pos: bool) -> None:
    """`a in c` with c a column: the same truth values as the row code, and the same rows unsure where
    one raises (an unhashable element, a collection that is no collection)."""
    from legality.model.enums import Category
    rng = random.Random(int(text) * 2 + pos)
    pool = _key_pool()
    sets = [frozenset({"a", "1", "b"}), frozenset({list(Category)[0], 2}),
            frozenset(), frozenset({"2", "3", "None"}), frozenset({list(Category)[-1].value if text else list(Category)[-1]})]
    g = (lambda a, c: (B._enum_key(a) if text else a) in c) if pos else \
        (lambda a, c: (B._enum_key(a) if text else a) not in c)
    op = B._member_of(text, pos, B._py(g, 2))
    for kinds in (["a", "b", "zz", "1"], [1, 2, 3], list(Category), pool[:-1], pool):
        a = [rng.choice(kinds) for _ in range(150)]
        c = [rng.choice(sets) for _ in range(150)]
        got, unsure = _run(op, a, c)
        want = _plain(g, a, c)
        assert got == want and [bool(u) for u in unsure] == [w == "raised" for w in want]
    c = [rng.choice(sets) for _ in range(20)]
    c[4] = 5  # not a collection: `in` raises on that row only
    a = ["a"] * 20
    got, unsure = _run(op, a, c)
    assert got == _plain(g, a, c) and [bool(u) for u in unsure] == [i == 4 for i in range(20)]


def test_lookup_is_get_of_enum_key() -> None:
    """`t[k]` with plain dict tables: `t.get(_enum_key(k))`, None missing; other tables row by row."""
    from collections import OrderedDict

    from legality.model.enums import Category
    rng = random.Random(9)
    pool = _key_pool()
    tables = [{"a": Term(1), "1": 5, "2": None, str(list(Category)[0].value): frozenset({"x"})},
              {"b": "B", "True": 1, "1/2": 2}, {}]
    f = (lambda t, k: t.get(B._enum_key(k)))
    op = B._lookup(B._py(f, 2, missing_none=True))
    for kinds in (["a", "b", "1", "2"], [1, 2], list(Category), pool):
        ks = [rng.choice(kinds) for _ in range(150)]
        ts = [rng.choice(tables) for _ in range(150)]
        got, unsure = _run(op, ts, ks)
        want = [("raised" if w is None else w) for w in _plain(f, ts, ks)]  # None: missing
        assert got == want and not unsure.any()
    ts = [rng.choice(tables) for _ in range(30)]
    ts[3] = OrderedDict(a=7)  # a dict subclass: row by row (its `get` could differ)
    ts[5] = ["not a table"]  # raises on its row only
    ks = ["a"] * 30
    got, unsure = _run(op, ts, ks)
    assert got[3] == 7 and got[5] == "raised" and [bool(u) for u in unsure] == [i == 5 for i in range(30)]


@pytest.mark.parametrize("text", [False, True])
@pytest.mark.parametrize("pos", [False, True])
def test_member_of_a_constant_set(text: bool, pos: bool) -> None:
    """`x in {…}` with a constant set (the compiled `in` node): each kind of column (str, int, enum members,
    a mixture, one with an unhashable value) answers as `_key(x) in s` / `x in s` does, twice (the second
    time from the answers remembered by id)."""
    from legality.diagnostics import Span
    from legality.model.enums import Category
    from legality.resolve.ir import Node, Op
    from legality.resolve.types import BOOL, STR, SetT
    from legality.eval.runtime import _key
    at = Span("t.legal", 1, 1)
    members = list(Category)
    items = ["a", "2", str(members[0].value)] if text else ["a", 2, members[0]]
    consts = tuple(Node(Op.ENUM if not isinstance(x, (str, int)) else Op.LIT, STR, at, data=x) for x in items)
    right = Node(Op.SET, SetT("set", STR), at, consts)
    left = Node(Op.LIT, STR, at, data=None)
    node = Node(Op.IN if pos else Op.NOTIN, BOOL, at, (left, right), data="text" if text else None)
    column: list[Any] = []

    def operand(b: Any, f: Any, rows: np.ndarray) -> Col:
        return Col(B.obj_array([column[i] for i in rows.tolist()], len(rows)))
    comp = B.Compiler({}, {})
    comp.node = lambda n, scope: operand if n is left else B._const_fn(frozenset(items))  # type: ignore[method-assign]
    fn = comp._binary(node, "record")
    keyed = frozenset(items)
    rng = random.Random(int(text) * 2 + pos)
    pool = _key_pool()
    for kinds in (["a", "b", "2"], [1, 2, 3], members, pool[:-1], pool):
        column[:] = [rng.choice(kinds) for _ in range(120)]
        want = _plain(lambda x: ((_key(x) if text else x) in keyed) is pos, column)
        for _ in range(2):
            n = len(column)
            b = FakeBatch(n)
            res = fn(b, FakeFrame(n), np.arange(n))
            m = np.zeros(n, dtype=bool) if res.m is None else res.m
            got = ["raised" if m[i] else bool(res.v[i]) for i in range(n)]
            assert got == want and [bool(u) for u in b.unsure] == [w == "raised" for w in want]
