"""The per-node bookkeeping of the batch backend gives the answers of the plain row semantics: `_strict` with
one operand that is not a constant (`_strict1`) evaluates, misses and raises exactly as the general loop
does, wherever the constants stand; `_Const.array` holds what `_Const` makes; an `and`/`or` chain evaluates
each operand on exactly the rows a row-by-row Kleene chain reaches, also when an operand decides no row."""

from __future__ import annotations

import operator
import random
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.columns import Col
from legality.resolve.ir import Node
from legality.resolve.types import BOOL, INT
from support.batch_doubles import FakeBatch, FakeFrame


class _Leaf:
    """An operand with fixed values per row (None: missing) that records the rows it was evaluated on."""

    def __init__(self, vals: list[Any], truth: bool = False):
        self.vals = vals
        self.truth = truth
        self.seen: list[list[int]] = []

    def __call__(self, b: Any, f: Any, rows: np.ndarray) -> Col:
        self.seen.append(rows.tolist())
        got = [self.vals[i] for i in rows.tolist()]
        m = np.array([x is None for x in got], dtype=bool)
        if self.truth:
            return Col(np.array([bool(x) for x in got], dtype=bool), m)
        return Col(B.obj_array(got, len(got)), m)


def _plain_const(k: Any) -> Any:
    """A constant operand the general loop of `_strict` evaluates in its place (not a `_Const`)."""
    c = B._Const(k)
    return lambda b, f, rows: c(b, f, rows)


def _result(c: Col) -> list[Any]:
    m = np.zeros(len(c.v), dtype=bool) if c.m is None else c.m
    vals = c.v.tolist()  # Python objects (a bool array's as Python bools)
    return [None if m[i] else vals[i] for i in range(len(vals))]


def _both(make_fns: Any, op: B.Op, rows: np.ndarray, n: int) -> None:
    """The fast `_strict` (constants as `_Const`) and the general loop (constants as plain operands) agree."""
    outs = []
    for fast in (True, False):
        leaf, fns = make_fns(fast)
        b = FakeBatch(n)
        c = B._strict(fns, op)(b, FakeFrame(n), rows)
        outs.append((_result(c), c.v.dtype, b.unsure.tolist(), leaf.seen))
    assert outs[0] == outs[1]


def _cmp(py: Any, np_op: Any) -> B.Op:
    return B._np(np_op, py, truth=True)


class _Odd:
    """A value whose comparison raises: the row's record becomes unsure (`_safe`)."""

    def __lt__(self, other: Any) -> bool:
        raise ValueError("no order")

    __gt__ = __lt__


@pytest.mark.parametrize("seed", range(6))
def test_one_operand_with_constants_is_the_general_loop(seed: int) -> None:
    rnd = random.Random(seed)
    n = 40
    pool = [None, 1, 2, 3, 5, Fraction(1, 2), "x", _Odd()]
    vals = [rnd.choice(pool) for _ in range(n)]
    rows = np.array(sorted(rnd.sample(range(n), rnd.randrange(1, n))), dtype=np.int64)
    for py, np_op in ((operator.lt, np.less), (operator.eq, np.equal), (operator.ne, np.not_equal)):
        for k in (2, "x", None):
            for j in (0, 1):  # the constant on the right, or on the left
                def make(fast: bool, j: int = j, k: Any = k) -> tuple[_Leaf, list[Any]]:
                    leaf = _Leaf(vals)
                    const = B._Const(k) if fast else _plain_const(k)
                    return leaf, ([leaf, const] if j == 0 else [const, leaf])
                _both(make, _cmp(py, np_op), rows, n)


def test_missing_everywhere_and_no_rows() -> None:
    n = 5
    for vals in ([None] * n, [1] * n):
        for rows in (np.arange(n), np.zeros(0, dtype=np.int64)):
            for j in (0, 1, 2):
                def make(fast: bool, j: int = j, vals: list[Any] = vals) -> tuple[_Leaf, list[Any]]:
                    leaf = _Leaf(vals)
                    ks: list[Any] = [B._Const(7) if fast else _plain_const(7),
                                     B._Const(True) if fast else _plain_const(True)]
                    ks.insert(j, leaf)
                    return leaf, ks
                op = B._py(lambda a, c, d: (a, c, d), 3)
                _both(make, op, rows, n)


def test_one_operand_alone() -> None:
    n = 12
    vals = [None if i % 3 == 0 else i for i in range(n)]
    for rows in (np.arange(n), np.array([0, 3, 6]), np.array([1, 2, 4]), np.zeros(0, dtype=np.int64)):
        leaf = _Leaf(vals)
        c = B._strict([leaf], B._py(lambda a: a * 10, 1))(FakeBatch(n), FakeFrame(n), rows)
        assert _result(c) == [None if vals[i] is None else vals[i] * 10 for i in rows.tolist()]
        assert leaf.seen == [rows.tolist()]


def test_const_array_is_the_column() -> None:
    for k in (True, False, 3, "x", None, frozenset({"a"})):
        c = B._Const(k)
        for n in (0, 1, 5, 3, 9):
            a, col = c.array(n), c(None, None, np.arange(n))  # type: ignore[arg-type]
            assert a.dtype == col.v.dtype and len(a) == n and col.m is None
            assert all(x is k or (x == k and type(x) is type(k)) for x in a.tolist())
            if isinstance(k, bool):
                assert a.dtype == bool
            else:
                assert a.dtype == object and not a.flags.writeable


# ---- `and` / `or` chains


class _Chain(B.Compiler):
    def __init__(self, leaves: dict[str, Any]):
        super().__init__({}, {})
        self.leaves = leaves

    def node(self, n: Node, scope: str) -> Any:
        return self.leaves[n.data] if n.op == "var" else super().node(n, scope)


def _kleene_rows(op: str, cols: list[list[Any]], rows: list[int]) -> tuple[list[Any], list[list[int]]]:
    """The chain row by row: each row's value (None: missing) and the rows each operand is evaluated on."""
    stop = op == "or"
    seen: list[list[int]] = [[] for _ in cols]
    out = []
    for r in rows:
        missing = False
        val: Any = not stop
        for i, col in enumerate(cols):
            seen[i].append(r)
            x = col[r]
            if x is None:
                missing = True
            elif bool(x) == stop:
                val = stop
                break
        else:
            val = None if missing else (not stop)
        out.append(val)
    return out, seen


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("op", ["and", "or"])
def test_kleene_chain_reaches_the_rows_of_the_row_semantics(seed: int, op: str) -> None:
    rnd = random.Random(seed)
    n = 30
    cols: list[list[Any]] = []
    for _ in range(rnd.randrange(2, 5)):
        kind = rnd.randrange(4)  # all true, all false (an operand deciding no row), mixed, mixed with missing
        if kind == 0:
            cols.append([True] * n)
        elif kind == 1:
            cols.append([False] * n)
        elif kind == 2:
            cols.append([rnd.random() < 0.7 for _ in range(n)])
        else:
            cols.append([rnd.choice([True, False, None]) for _ in range(n)])
    leaves = {f"x{i}": _Leaf(c, truth=True) for i, c in enumerate(cols)}
    args = tuple(Node("var", BOOL, None, data=f"x{i}") for i in range(len(cols)))  # type: ignore[arg-type]
    node = Node(op, BOOL, None, args=args)  # type: ignore[arg-type]
    fn = _Chain(leaves)._and(node, "record")
    rows = sorted(rnd.sample(range(n), rnd.randrange(1, n)))
    c = fn(FakeBatch(n), FakeFrame(n), np.array(rows, dtype=np.int64))
    want, seen = _kleene_rows(op, cols, rows)
    assert c.v.dtype == bool
    assert _result(c) == want
    for i, leaf in enumerate(leaves.values()):
        assert sum(leaf.seen, []) == seen[i]


# ---- `if`


def _if_rows(cond: list[Any], a: list[Any], c: list[Any], rows: list[int]) -> tuple[list[Any], list[int], list[int]]:
    out, on_a, on_c = [], [], []
    for r in rows:
        if cond[r] is None:
            out.append(None)
        elif cond[r]:
            on_a.append(r)
            out.append(a[r])
        else:
            on_c.append(r)
            out.append(c[r])
    return out, on_a, on_c


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("typ", ["bool", "int"])
def test_if_takes_each_branch_on_its_rows(seed: int, typ: str) -> None:
    rnd = random.Random(seed)
    n = 25
    cond = [[True] * n, [False] * n, [rnd.random() < 0.5 for _ in range(n)],
            [rnd.choice([True, False, None]) for _ in range(n)]][seed % 4]
    if typ == "bool":
        a = [rnd.choice([True, False, None]) for _ in range(n)]
        c = [rnd.choice([True, False]) for _ in range(n)]
        leaves = {"c": _Leaf(cond, truth=True), "a": _Leaf(a, truth=True), "b": _Leaf(c, truth=seed % 2 == 0)}
        t: Any = BOOL
    else:
        a = [rnd.choice([1, 2, None]) for _ in range(n)]
        c = [rnd.choice([True, False]) for _ in range(n)]  # a bool column in an object-typed `if`: Python bools
        leaves = {"c": _Leaf(cond, truth=True), "a": _Leaf(a), "b": _Leaf(c, truth=True)}
        t = INT
    args = tuple(Node("var", BOOL, None, data=x) for x in "cab")  # type: ignore[arg-type]
    fn = _Chain(leaves)._if(Node("if", t, None, args=args), "record")  # type: ignore[arg-type]
    rows = sorted(rnd.sample(range(n), rnd.randrange(1, n)))
    b = FakeBatch(n)
    got = fn(b, FakeFrame(n), np.array(rows, dtype=np.int64))
    want, on_a, on_c = _if_rows(cond, a, c, rows)
    assert got.v.dtype == (bool if typ == "bool" else object)
    res = _result(got)
    assert res == want and [type(x) for x in res] == [type(x) for x in want]
    assert sum(leaves["a"].seen, []) == on_a and sum(leaves["b"].seen, []) == on_c
    assert not b.unsure.any()


def test_if_of_a_branch_that_is_no_truth_value() -> None:
    """A bool-typed `if` whose branch gives something else: the row is missing and its record unsure."""
    n = 4
    leaves = {"c": _Leaf([True] * n, truth=True), "a": _Leaf([True, 1, False, None]), "b": _Leaf([False] * n)}
    args = tuple(Node("var", BOOL, None, data=x) for x in "cab")  # type: ignore[arg-type]
    fn = _Chain(leaves)._if(Node("if", BOOL, None, args=args), "record")  # type: ignore[arg-type]
    b = FakeBatch(n)
    got = fn(b, FakeFrame(n), np.arange(n))
    assert got.v.dtype == bool and _result(got) == [True, None, False, None]
    assert b.unsure.tolist() == [False, True, False, False]


# ---- quantifiers' reduction


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("kind", ["any", "all", "count"])
def test_reduce_by_row(seed: int, kind: str) -> None:
    rnd = random.Random(seed)
    k = 12
    lens = [rnd.randrange(0, 4) for _ in range(k)]
    elems = [[rnd.choice([True, False] + ([None] if seed % 2 else [])) for _ in range(x)] for x in lens]
    flat = sum(elems, [])
    owner = np.repeat(np.arange(k), lens)
    m = np.array([x is None for x in flat], dtype=bool)
    body = Col(np.array([bool(x) for x in flat], dtype=bool), m)
    got = _result(B._reduce(kind, body, owner, np.array(lens), k))
    want: list[Any] = []
    for es in elems:
        if kind == "count":
            want.append(None if None in es else sum(1 for x in es if x))
            continue
        hit = kind == "any"
        if hit in es:
            want.append(hit)
        else:
            want.append(None if None in es else not hit)
    assert got == want


# ---- facts, read lazily


class _FactBatch(FakeBatch):
    def __init__(self, n: int):
        super().__init__(n)
        self.facts: dict[Any, Any] = {}


class _BaseFrame(FakeFrame):
    kind = "R"

    def __init__(self, n: int):
        super().__init__(n)
        self.n = n


@pytest.mark.parametrize("seed", range(6))
def test_fact_is_computed_once_per_row_in_row_order(seed: int) -> None:
    rnd = random.Random(seed)
    n = 20
    vals = [rnd.choice([1, "a", None]) for _ in range(n)]
    leaf = _Leaf(vals)
    comp = B.Compiler({"f": "record"}, {"f": Node("var", INT, None, data="f")})  # type: ignore[arg-type]
    comp.fact_fns["f"] = leaf
    b, fr = _FactBatch(n), _BaseFrame(n)
    kinds = [0, 1, 3]
    rnd.shuffle(kinds)
    for kind in kinds + [2]:  # increasing rows (a rule's), repeated unordered or in order (a quantifier's), all
        if kind == 0:
            rows = sorted(rnd.sample(range(n), rnd.randrange(1, n)))
        elif kind == 3:
            rows = sorted(rnd.randrange(n) for _ in range(rnd.randrange(2, 2 * n)))
            rows[1] = rows[0]
        elif kind == 1:
            rows = [rnd.randrange(n) for _ in range(rnd.randrange(1, 2 * n))]
        else:
            rows = list(range(n))
        c = comp.fact_at(b, "f", fr, np.array(rows, dtype=np.int64))  # type: ignore[arg-type]
        assert _result(c) == [vals[r] for r in rows]
    computed = sum(leaf.seen, [])
    assert len(computed) == len(set(computed))  # no row twice
    assert all(s == sorted(set(s)) for s in leaf.seen)  # each computation on increasing rows
