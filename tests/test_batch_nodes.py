"""The batch backend's node shortcuts of issue 13's fourth round give exactly the answers they replace.

Law parameters by stretches shared between parameters and gathered at the rows read; constants as
read-only views, made at the end of a strict chain; `any`/`all` reduced by assignment; and whole rule
sets over records whose dates sit at the parameters' edition boundaries, against the row evaluator.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.columns import Col, M, obj_array
from legality.eval.env import Runtime
from legality.law import Catalogue

from support.compiled import program
from support.mutate import variants
from test_batch_backend import HEAD, assert_same, batch_of, valid_verdicts


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


def _boundary_days(cat: Catalogue, names: list[str]) -> list[dt.date]:
    """Days next to every edition boundary of the parameters: where a wrong stretch would show."""
    days: set[dt.date] = {dt.date(2000, 1, 1), dt.date(2030, 6, 1)}
    for name in names:
        for e in cat.param_editions(name):
            for d in (e.valid_from, e.valid_to, getattr(e, "verified_from", None), getattr(e, "verified_until", None)):
                if d is not None:
                    days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(days)


def _batch(cat: Any, days: list[dt.date], seed: int) -> B.Batch:
    """A batch whose offences are committed on `days` (shuffled, repeated, one to three per record)."""
    rnd = random.Random(seed)
    pool = days * 3
    rnd.shuffle(pool)
    verdicts = []
    while pool:
        k = min(len(pool), rnd.randint(1, 3))
        offs, pool = pool[:k], pool[k:]
        verdicts.append(SimpleNamespace(offences=[SimpleNamespace(committed_on=d) for d in offs]))
    b = B.Batch(verdicts, cat)
    b.memo, b.cuts = {}, {}
    return b


class _NoEditions:
    """A catalogue that does not list its parameters' editions: one lookup per date."""

    def __init__(self, cat: Catalogue):
        self._cat = cat

    def param(self, name: str, on: dt.date) -> Any:
        return self._cat.param(name, on)


@pytest.mark.parametrize("listed", [True, False])
def test_law_parameters_by_stretch_equal_the_catalogues_answers(cat, listed):
    """Every parameter on every row of O, R and a quantifier's frame over O, read on random subsets of rows,
    against a fresh lookup on the row's own date: a stretch shared by two parameters whose cuts differ, or
    a row gathered from the wrong stretch, would give another edition's value (or miss where it is not)."""
    names = sorted(cat._params)
    multi = [n for n in names if len(cat.param_editions(n)) > 1]
    assert multi  # not vacuous: parameters whose value changes with the date
    catalogue = cat if listed else _NoEditions(cat)
    b = _batch(catalogue, _boundary_days(cat, multi), seed=3)
    fresh = Runtime(cat)
    comp = B.Compiler({}, {})
    rnd = random.Random(5)
    for frame in (b.O, b.R):
        # a quantifier's frame over the base frame: every row twice, in reverse order
        pidx = np.concatenate([np.arange(frame.n)[::-1], np.arange(frame.n)])
        q = frame.child("x", pidx, obj_array([None] * len(pidx), len(pidx)))
        for name in names:
            fn = comp._law(SimpleNamespace(data=name), "offence")
            for f in (frame, q):
                rows = np.array(sorted(rnd.sample(range(f.n), rnd.randint(1, f.n))), dtype=np.int64)
                got = fn(b, f, rows)
                assert frame.ref_date is not None
                want = [fresh.param(name, frame.ref_date[f.base[r]]) for r in rows.tolist()]
                miss = [w is M for w in want]
                assert (got.m.tolist() if got.m is not None else [False] * len(rows)) == miss, name
                assert [g for g, w in zip(got.v.tolist(), miss) if not w] == [w for w in want if w is not M], name
    if listed:  # parameters that change on the same days share one computation of the stretches
        stretches = [k for k in b.params if k[0] == "stretches"]
        assert 0 < len(stretches) < len([k for k in b.params if k[0] != "stretches"])


def test_a_missing_stretch_is_missing_and_the_others_are_not(cat):
    """`fine.min_petty` has no edition between two of its editions: exactly the rows dated there are missing."""
    eds = cat.param_editions("fine.min_petty")
    gaps = [e.valid_to + dt.timedelta(days=1) for e, nxt in zip(eds, eds[1:])
            if e.valid_to is not None and e.valid_to + dt.timedelta(days=1) < nxt.valid_from]
    if not gaps:
        pytest.skip("the catalogue's editions of fine.min_petty have no gap")
    days = [gaps[0], eds[0].valid_from, eds[-1].valid_from]
    b = _batch(cat, days, seed=1)
    per, pm, at = B._param_column(b, b.O, "fine.min_petty")
    assert pm is not None
    assert b.O.ref_date is not None
    assert [bool(pm[at[i]]) for i in range(b.O.n)] == [d == gaps[0] for d in b.O.ref_date]


def test_constants_are_read_only_views_of_the_very_object():
    v = frozenset({"a", "b"})
    fn = B._const_fn(v)
    c5 = fn(None, None, np.arange(5))
    c3 = fn(None, None, np.arange(3))
    c9 = fn(None, None, np.arange(9))  # longer than any before: a new array, still the very object
    for c, n in ((c5, 5), (c3, 3), (c9, 9)):
        assert c.m is None and len(c.v) == n and c.v.dtype == object and all(x is v for x in c.v.tolist())
        assert not c.v.flags.writeable
        with pytest.raises(ValueError):
            c.v[0] = None  # a consumer that wrote into its operand would be caught, not served a changed constant
    assert len(fn(None, None, np.arange(0)).v) == 0
    big = fn(None, None, np.arange(B._CONST_KEEP + 1))  # beyond the kept length: a fresh array, not kept
    assert len(big.v) == B._CONST_KEEP + 1 and all(x is v for x in big.v[:3].tolist())
    assert len(fn.arr) == 9  # the longest kept, no more
    assert fn(None, None, np.arange(9)).v.base is fn.arr  # a view of the kept array: nothing filled again
    # truth values stay fresh, writable bool arrays
    for t in (True, False):
        c = B._const_fn(t)(None, None, np.arange(4))
        assert c.v.dtype == bool and c.v.tolist() == [t] * 4 and c.v.flags.writeable


def _plain_strict(fns: list[Any], op: Any, b: Any, f: Any, rows: np.ndarray) -> Col:
    """The strict chain as it was: every operand called in turn on the rows still present."""
    n = len(rows)
    present = np.arange(n)
    vals: list[np.ndarray] = []
    for fn in fns:
        c = fn(b, f, rows[present])
        keep = np.ones(len(present), dtype=bool) if c.m is None else ~c.m
        vals = [v[keep] for v in vals] + [c.v[keep]]
        present = present[keep]
        if not len(present):
            return Col.missing(n)
    res = op(b, f, rows[present], vals)
    return Col.scatter(n, present, res)


def test_strict_chains_with_constants_give_the_plain_chains_answers():
    """Constants first, between and last, with operands missing on random rows; the op sees each operand's
    values on exactly the rows left, in order, and the result is missing where any operand was."""
    rnd = random.Random(7)

    def operand(tag: str, p_miss: float) -> Any:
        def fn(b: Any, f: Any, rows: np.ndarray) -> Col:
            m = np.array([(r * 31 + len(tag)) % 100 < p_miss * 100 for r in rows.tolist()], dtype=bool)
            return Col(obj_array([f"{tag}{r}" for r in rows.tolist()], len(rows)), m)
        return fn

    def op(b: Any, f: Any, rows: np.ndarray, cols: list[np.ndarray]) -> Col:
        assert all(len(c) == len(rows) for c in cols)
        return Col(obj_array([tuple(x if isinstance(x, str) else repr(x) for x in t) for t in zip(*cols)], len(rows)))

    for _ in range(60):
        k = rnd.randint(1, 4)
        fns = [B._const_fn(rnd.choice([3, "k", frozenset({1})])) if rnd.random() < 0.4
               else operand(rnd.choice("abc"), rnd.choice([0.0, 0.3, 0.9])) for _ in range(k)]
        rows = np.array(sorted(rnd.sample(range(200), rnd.randint(0, 60))), dtype=np.int64)
        got = B._strict(fns, op)(None, None, rows)
        want = _plain_strict(fns, op, None, None, rows)
        gm = got.m if got.m is not None else np.zeros(len(rows), dtype=bool)
        wm = want.m if want.m is not None else np.zeros(len(rows), dtype=bool)
        assert gm.tolist() == wm.tolist()
        assert [x for x, m in zip(got.v.tolist(), gm) if not m] == [x for x, m in zip(want.v.tolist(), wm) if not m]


def _plain_reduce(kind: str, body: list[Any], owner: list[int], k: int) -> list[Any]:
    """codegen's `any`/`all` on each row's elements in order: a hit decides, else a missing one misses."""
    out: list[Any] = []
    hit = kind == "any"
    for j in range(k):
        vals = [x for x, o in zip(body, owner) if o == j]
        if any(x is not M and x is hit for x in vals):
            out.append(hit)
        elif any(x is M for x in vals):
            out.append(M)
        else:
            out.append(not hit)
    return out


@pytest.mark.parametrize("kind", ["any", "all"])
def test_any_all_reduce_as_the_row_code(kind):
    """Bool and object bodies (with values that are not bools: 1, None), missing elements, empty rows."""
    rnd = random.Random(11)
    for _ in range(200):
        k = rnd.randint(0, 6)
        lens = [rnd.choice([0, 0, 1, 2, 3]) for _ in range(k)]
        owner = [j for j, n in enumerate(lens) for _ in range(n)]
        as_obj = rnd.random() < 0.3
        vals = [rnd.choice([True, False, 1, None] if as_obj else [True, False]) for _ in owner]
        miss = [rnd.random() < 0.2 for _ in owner]
        v = obj_array(vals, len(vals)) if as_obj else np.array(vals, dtype=bool)
        body = Col(v, np.array(miss, dtype=bool))
        got = B._reduce(kind, body, np.array(owner, dtype=np.int64), np.array(lens, dtype=np.int64), k)
        want = _plain_reduce(kind, [M if m else x for x, m in zip(vals, miss)], owner, k)
        gm = got.m.tolist() if got.m is not None else [False] * k
        assert [M if m else bool(x) for x, m in zip(got.v.tolist(), gm)] == want


# rules reading law parameters on offences and records, inside quantifiers, beside constants that a missing
# operand leaves on fewer rows, in and/or chains and `if`s whose condition can be missing
RULES = f"""
define cap "x" for offence = if offence.sentence.principal.mrp is present then law.fine.max_crime else 0 mrp
rule law-in-quantifier {{
  {HEAD}
  when any o in offences: o.sentence.principal.mrp is present and o.sentence.principal.mrp > law.fine.max_petty
  violation all o in offences: o.sentence.principal.mrp is missing or o.sentence.principal.mrp < law.fine.min_crime
  message "q"
}}
rule law-per-offence for offence {{
  {HEAD}
  when offence.sentence.principal.mrp > 0 mrp or offence.sentence.principal.term > 2 years
  violation (if offence.sentence.principal.mrp > law.fine.max_crime then true else offence.stage = attempt)
    and offence.sentence.principal.mrp < cap
  message "{{cap}}"
}}
rule constants-after-missing for offence {{
  {HEAD}
  violation offence.sentence.principal.term > 3 years and offence.sentence.principal.kind in {{fine, imprisonment}}
    or (any a in offence.sentence.additional: a.kind = ban_on_office and a.term > 1 years)
  message "c"
}}
"""


def test_rules_over_boundary_dates_agree_with_the_row_evaluator(cat):
    """Generated records, many with their dates moved onto the boundaries of the fine parameters' editions."""
    days = _boundary_days(cat, [n for n in cat._params if n.startswith("fine.")])
    verdicts = valid_verdicts(list(variants(300, seed=23, p=0.06)))
    rnd = random.Random(2)
    for v in verdicts:
        for o in v.offences:
            if rnd.random() < 0.7:
                try:
                    object.__setattr__(o, "committed_on", rnd.choice(days))
                except (AttributeError, TypeError):
                    pass
    prog = program(cat, RULES)
    assert_same(prog, verdicts)
    evs, calls = batch_of(prog, verdicts)
    assert sum(1 for ev in evs if ev.candidates) >= 5  # not vacuous: the rules fire
