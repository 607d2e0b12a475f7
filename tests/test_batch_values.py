"""The batch backend's value shortcuts give exactly the answers they replace.

Why separate from the differential test (test_batch_backend.py): that one compares whole evaluations on
fixtures and generated records, where a shortcut that is wrong only at an edition's boundary day, for a
float amount, or for an operand of an unusual type would rarely be hit.  Here each shortcut is asked
about exactly those corners, against the plain computation it stands for.
"""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.runtime import _of
from legality.law import Catalogue
from legality.model.values import Quantity, Term, as_fraction, quantity
from legality.resolve import schema as S


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


def _multi_edition_refs(cat: Catalogue) -> list[Any]:
    """Provisions with more than one edition: the only ones whose answers depend on the dates."""
    by: dict[tuple[Any, ...], list[Any]] = {}
    for s in cat.sanctions():
        by.setdefault((s.article, s.part, s.paragraph), []).append(s)
    return [v[0].ref for v in by.values() if len(v) > 1]


def _edge_days(cat: Catalogue, ref: Any) -> list[dt.date]:
    """Every day next to an edition boundary of `ref`: where a wrong stretch would show."""
    days = set()
    for s in cat.editions_between(ref, dt.date.min, dt.date.max):
        for d in (s.valid_from, s.valid_to):
            if d is not None:
                days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(days)


def _offence(ref: Any, on: dt.date) -> Any:
    return SimpleNamespace(article=ref.article, part=ref.part, paragraph=ref.paragraph, committed_on=on, ref=ref)


@pytest.mark.parametrize("name", ["milder_sanctions", "sanction_on"])
def test_by_provision_stretches_give_the_catalogues_answers(catalogue: Catalogue, name: str) -> None:
    """One memo over every pair of boundary days of many provisions, asked in a random order: a key by
    stretch that merged two days with different answers would return the first day's answer for the other."""
    spec = S.METHODS["Offence"][name]
    rt = SimpleNamespace(catalogue=catalogue)
    memo: dict[Any, Any] = {}
    f = B._by_provision(name, spec.call, rt, memo)
    refs = _multi_edition_refs(catalogue)
    assert refs, "the shipped catalogue has provisions with several editions"
    queries = []
    for ref in refs[:40]:
        days = _edge_days(catalogue, ref)
        queries += [(ref, on, until) for on in days for until in days]
    random.Random(13).shuffle(queries)
    for ref, on, until in queries:
        got = f(_offence(ref, on), until)
        want = catalogue.milder_editions(ref, on, until) if name == "milder_sanctions" else \
            spec.call(_offence(ref, on), rt, until)
        assert got == want, (ref, on, until)
    assert any(k[2] is B._STRETCH for k in memo if isinstance(k, tuple) and len(k) == 5), "keyed by stretches"
    assert len(memo) < len(queries), "a stretch serves many days"


def test_by_provision_other_catalogues_and_dates_are_keyed_exactly(catalogue: Catalogue) -> None:
    """A catalogue of another class, or a date that is not a plain `date`, is remembered by the exact dates."""
    class Other(Catalogue):
        pass

    other = Other.load()
    ref = _multi_edition_refs(other)[0]
    memo: dict[Any, Any] = {}
    spec = S.METHODS["Offence"]["milder_sanctions"]
    f = B._by_provision("milder_sanctions", spec.call, SimpleNamespace(catalogue=other), memo)
    days = _edge_days(other, ref)
    for on in days:
        assert f(_offence(ref, on), days[-1]) == other.milder_editions(ref, on, days[-1])
    assert all(k[2] is not B._STRETCH for k in memo)
    class Day(dt.date):
        pass

    memo2: dict[Any, Any] = {}
    g = B._by_provision("milder_sanctions", spec.call, SimpleNamespace(catalogue=catalogue), memo2)
    for until in days:
        when = Day(until.year, until.month, until.day)
        assert g(_offence(ref, days[0]), when) == catalogue.milder_editions(ref, days[0], until)
    assert all(k[2] is not B._STRETCH for k in memo2)


def test_of_memo_is_of() -> None:
    of = B._of_memo()
    ys = [Term(5), Term(0, 7, 3), Quantity(1500, "mrp"), Quantity(Fraction(3, 2), "hours"), Quantity(3, "days"),
          Quantity(3, "hours"), Quantity(3, "mrp")]
    ks = [Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), 1, 2, Fraction(4, 2)]
    for _ in range(2):  # the second round answers from the memo
        for k in ks:
            for y in ys:
                got, want = of(k, y), _of(k, y)
                assert type(got) is type(want) and got == want and got.unit == want.unit, (k, y)
                if isinstance(want, Term):
                    assert (got.years, got.months, got.days) == (want.years, want.months, want.days)
    # one amount in different units, and one number in different types: never one key
    assert of(Fraction(1, 2), Quantity(3, "hours")).unit == "hours"
    assert of(Fraction(1, 2), Quantity(3, "mrp")).unit == "mrp"
    with pytest.raises(TypeError):  # a truth value is no factor, before and after
        of(True, Term(1))
    assert of(0.5, Term(1)) == _of(0.5, Term(1))  # a float: computed, not remembered


def test_quantity_is_the_amount_it_replaces() -> None:
    for x in (1500, 0.1, 1500.5, -0.0, 0.0, Fraction(1, 10), Fraction(0.1), 3):
        for unit in ("mrp", "multiple", "hours", "days"):
            got = quantity(x, unit)
            assert got == Quantity(as_fraction(x), unit) and got.unit == unit, (x, unit)
            assert quantity(x, unit) is got  # remembered
    assert quantity(0.1, "mrp").value == Fraction(1, 10)
    assert quantity(Fraction(0.1), "mrp").value == Fraction(0.1) != Fraction(1, 10)  # equal to 0.1, not one key
    with pytest.raises(TypeError):  # `Quantity(True, "hours")` raised, and still does
        quantity(True, "hours", plain=True)
    assert quantity(True, "mrp") == Quantity(as_fraction(True), "mrp")


def test_code_is_remembered_by_typed_fields() -> None:
    def plain(article: str, part: Any, paragraph: Any) -> str:
        return ".".join([article] + [str(x) for x in (part, paragraph) if x is not None])

    cases = [("189", 3, 2), ("99", 2, None), ("188", None, None), ("120", "3-1", None), ("5", 1, None),
             ("5", True, None), ("5", 1.0, None), ("5", 1, 1), ("5", 1, True)]
    for _ in range(2):
        for c in cases:
            assert S._code(*c) == plain(*c), c


def test_codes_empty_is_shared_but_not_for_missing() -> None:
    assert S._codes([]) == frozenset() and S._codes(()) is S._codes([])
    assert S._codes(["54.1.3", "54.1.3"]) == frozenset({"54.1.3"})
    with pytest.raises(TypeError):  # `frozenset(None)` raised: the row evaluator reports a fault
        S._codes(None)


def test_pure_members_read_alike() -> None:
    """A member with `one` gives the same through `get` (the row evaluator's) and `one` (the batch's)."""
    pen = SimpleNamespace(term=None, mrp=1500.5, multiple=None, hours=None, days=None)
    m = S.MEMBERS["Penalty"]
    for name in ("mrp", "amount", "multiple", "hours", "days"):
        assert m[name].one is not None
        assert m[name].get(pen, None) == m[name].one(pen)
    assert m["amount"].one(pen) == Quantity(Fraction("1500.5"), "mrp")


def test_once_per_operands_spreads_and_doubts() -> None:
    calls: list[tuple[Any, Any]] = []
    a, c = object(), object()

    def f(x: Any, k: Any) -> Any:
        calls.append((x, k))
        if k == "bad":
            raise ValueError(k)
        return None if k == "none" else (id(x), k)

    xs = [a, c, a, a, c, a]
    ks = ["k", "k", "k", "bad", "none", "k"]
    unsure: list[int] = []
    b = SimpleNamespace(doubt=lambda frame, rows: unsure.extend(rows.tolist()))
    col = B._once_per_operands(f, b, None, np.arange(10, 16), [B.obj_array(xs, 6), B.obj_array(ks, 6)])
    assert len(calls) == 4  # (a,k) (c,k) (a,bad) (c,none)
    assert col.v.tolist()[:3] == [(id(a), "k"), (id(c), "k"), (id(a), "k")] and col.v[5] == (id(a), "k")
    assert col.m is not None and col.m.tolist() == [False, False, False, True, True, False]
    assert unsure == [13]
