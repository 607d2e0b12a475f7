"""The batch evaluator's control flow: its shortcuts give the answers of the plain paths they replace.

Why here and not only in the differential test (`test_batch_backend.py`): each shortcut below skips work
the plain path did (flattening a quantifier's domain per call, gathering a fact's missing mask, building
the Kleene chain's bookkeeping, comparing truth values by id, recomputing a rule's starting rows), so
each gets a test aimed at the case where skipping would go wrong, on top of the row evaluator's verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from legality.eval import batch as B
from legality.eval.columns import Col, obj_array
from legality.io.reader import read_records
from legality.law import Catalogue

from support.compiled import program
from test_batch_backend import HEAD, assert_same, batch_of, valid_verdicts
from support.mutate import variants

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="module")
def verdicts() -> list[Any]:
    out = [it.verdict for it in read_records([ROOT / "fixtures"]) if it.verdict is not None]
    return out + valid_verdicts(list(variants(400, seed=11, p=0.06)))


# quantifiers over plain chains from a root (flattened once per batch), over `offences`, nested in each other
# and inside a quantifier over offences; a domain that can be missing (`offence.sentence.additional`); every
# reduction; and a fact read first on a few rows, then on all
QUANT = f"""
define priors_real "x" = count p in defendant.prior_convictions: p.real_imprisonment = true and p.expunged = false
define has_attempt "x" for offence = offence.stage = attempt
rule priors-check {{
  {HEAD}
  when any p in defendant.prior_convictions: p.verdict_date is present
  unless all p in defendant.prior_convictions: p.expunged = true
  violation priors_real >= 1
    and ((any o in offences: o.has_attempt or (any p in defendant.prior_convictions: p.suspended = true))
         or (all p in defendant.prior_convictions: any o in offences: o.committed_on > p.verdict_date))
  message "{{priors_real}}"
}}
rule additional-check for offence {{
  {HEAD}
  when has_attempt or offence.sentence.principal.term > 1 years
  violation (any a in offence.sentence.additional: a.kind = ban_on_office)
    or (count a in offence.sentence.additional: a.term is present) >= 1
    or (max a in offence.sentence.additional: (if a.term is present then a.term else 0 days)) > 1 years
  message "a"
}}
rule final-additional {{
  {HEAD}
  violation (any a in final.additional: a.kind = fine or a.kind = ban_on_office)
    and (sum o in offences: (if o.has_attempt then 1 else 0)) >= 0
  message "f"
}}
"""


def test_quantifiers_over_flattened_domains_agree_with_the_row_evaluator(cat, verdicts):
    prog = program(cat, QUANT)
    assert_same(prog, verdicts)
    evs, _ = batch_of(prog, verdicts)
    assert sum(1 for ev in evs if ev.candidates) >= 10  # not vacuous: the rules fire


def test_the_flattened_path_is_taken_and_gathers_the_same_elements(cat, verdicts):
    """The domains above are flattened once per batch (so the comparison above tested that path), and the
    elements a call gathers are the elements of each row's own list, in order."""
    prog = program(cat, QUANT)
    plan = B.BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    b = B.Batch([v for v in verdicts if v.offences], prog.catalogue)
    plan.run(b)
    flat = {k: v for k, v in b.flats.items() if v is not None}
    assert ("R", "root", "offences") in flat
    assert any(k[-1] == ("m", "Defendant", "prior_convictions") for k in flat)
    assert any(k[-1] == ("m", "Sentence", "additional") for k in flat)
    key = next(k for k in flat if k[-1] == ("m", "Defendant", "prior_convictions"))
    fm, lens, starts, elems, _ = flat[key]
    for j, v in enumerate(b.verdicts):
        got = elems[starts[j]:starts[j] + lens[j]].tolist()
        if fm is not None and fm[j]:
            assert lens[j] == 0
        else:
            assert got == list(v.defendant.prior_convictions) and all(x is y for x, y in
                                                                     zip(got, v.defendant.prior_convictions))


# members of the elements of flattened domains other than `offences`: plain attributes, getters (`mrp`, `amount`,
# computed on the rows read so far), a truth member read as a condition, the same member read by two
# quantifiers over the same domain, a domain variable read inside quantifiers over offences and over another
# domain, and one variable name for two domains in sibling quantifiers
QUANT_D = f"""
rule d-domains {{
  {HEAD}
  when any p in defendant.prior_convictions: p.expunged or p.real_imprisonment
  violation (count p in defendant.prior_convictions: p.real_imprisonment and not p.expunged) >= 2
    or (any a in final.additional: a.mrp is present and a.mrp > 50 mrp)
    or (any a in final.additional: a.amount is present and a.kind = fine)
    or (any p in defendant.prior_convictions: any a in final.additional: a.kind = fine and p.suspended = true)
    or (any p in defendant.prior_convictions: any o in offences: o.committed_on < p.verdict_date and p.expunged)
    or ((any p in defendant.prior_convictions: p.suspended = true) and (any p in final.additional: p.kind = fine))
  message "d"
}}
rule d-offence for offence {{
  {HEAD}
  when any a in offence.sentence.additional: a.kind = ban_on_office or a.lifelong = true
  violation (any a in offence.sentence.additional: a.term is present and a.term > 2 years)
    or (all a in offence.sentence.additional: a.kind = ban_on_office)
  message "a"
}}
"""


def test_members_of_a_flattened_domain_are_read_once_per_batch_on_its_own_frame(cat, verdicts):
    """The members of a flattened domain's elements are one column per batch over all its elements (frame D,
    like an offence's on O), gathered at each quantifier's elements; the answers are the row evaluator's."""
    prog = program(cat, QUANT_D)
    assert_same(prog, verdicts)
    evs, _ = batch_of(prog, verdicts)
    fired = {c.rule for ev in evs for c in ev.candidates}
    assert {"d-domains", "d-offence"} <= fired  # not vacuous
    plan = B.BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    b = B.Batch([v for v in verdicts if v.offences], prog.catalogue)
    plan.run(b)
    priors = next(k for k, v in b.flats.items() if v is not None and k[-1] == ("m", "Defendant", "prior_convictions"))
    frame = b.paths[("frame", priors)]
    elems = b.flats[priors][3]
    assert frame.kind == "D" and frame.n == len(elems) and frame.objs is elems
    owners = [j for j, v in enumerate(b.verdicts) for _ in v.defendant.prior_convictions]
    assert frame.rec.tolist() == owners  # each element belongs to its own record
    col = b.paths[("D", priors, "root", ("m", "PriorConviction", "suspended"))]
    assert len(col) == len(elems)
    assert col.v.tolist() == [p.suspended for p in elems]
    # a getter over the additional punishments: computed on the rows read, and right where computed
    extra = next(k for k, v in b.flats.items() if v is not None and k[-1] == ("m", "FinalSentence", "additional"))
    vals, miss, done = b.paths[(("D", extra, "root", ("m", "Penalty", "mrp")), "rows")]
    items = b.flats[extra][3].tolist()
    assert done.any()
    for a, v, m, d in zip(items, vals.tolist(), miss.tolist(), done.tolist()):
        if d:
            assert (v is None and m) if a.mrp is None else (v == a.mrp and not m)


def test_a_domain_that_cannot_be_flattened_leaves_its_records_to_the_row_evaluator(cat, verdicts, monkeypatch):
    """When a domain is not flattened in a batch (`_flatten` gives None: a value that is not a list), each
    quantifier flattens its own rows, its elements have no position in a domain frame, and a member read of
    them leaves the record to the row evaluator — answers as the row evaluator's, nothing raised."""
    prog = program(cat, QUANT_D)
    monkeypatch.setattr(B, "_flatten", lambda dom: None)
    assert_same(prog, verdicts)
    plan = B.BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    b = B.Batch([v for v in verdicts if v.offences], prog.catalogue)
    plan.run(b)
    assert not any(k[0] == "frame" for k in b.paths if isinstance(k, tuple))
    assert b.unsure.any()


def test_flatten_leaves_a_domain_that_is_not_a_list_to_each_call():
    lists = obj_array([[1, 2], None, (), [3]], 4)
    got = B._flatten(Col(lists, np.array([False, True, False, False])))
    assert got is not None
    fm, lens, starts, elems, is_o = got
    assert lens.tolist() == [2, 0, 0, 1] and starts.tolist() == [0, 2, 2, 2] and elems.tolist() == [1, 2, 3]
    assert fm is not None and fm.tolist() == [False, True, False, False] and not is_o
    # a present value that is not a collection: no flattening; each call meets it on its own rows
    assert B._flatten(Col(obj_array([[1], 5], 2))) is None


def _fake_batch(n: int) -> tuple[Any, Any]:
    b = B.Batch.__new__(B.Batch)
    b.unsure = np.zeros(n, dtype=bool)
    return b, type("F", (), {"rec": np.arange(n)})()


def test_truth_values_without_missing_rows_take_the_type_check():
    """All values of type bool: their truth is themselves.  One value that is not a Python bool (an int 1, a
    numpy bool) must still leave its record to the row evaluator, as comparing ids did."""
    b, frame = _fake_batch(4)
    c = B._as_bool(Col(obj_array([True, False, False, True], 4)), b, frame, np.arange(4))
    assert c.v.dtype == bool and c.v.tolist() == [True, False, False, True] and c.m is None
    assert not b.unsure.any()
    for odd in (1, np.True_, 0, None):
        b, frame = _fake_batch(4)
        c = B._as_bool(Col(obj_array([True, odd, False, True], 4)), b, frame, np.arange(4))
        assert c.v.tolist() == [True, False, False, True]
        assert c.m is not None and c.m.tolist() == [False, True, False, False]
        assert b.unsure.tolist() == [False, True, False, False]


def test_live_rows_follow_gaps_and_doubts(cat, verdicts):
    prog = program(cat, QUANT)
    b = B.Batch([v for v in verdicts if v.offences][:50], prog.catalogue)
    for frame in (b.R, b.O):
        first = b.live_rows(frame)
        assert b.live_rows(frame) is first  # kept while nothing changes
        assert not first.flags.writeable  # shared by the rules: nobody may write into it
        assert first.tolist() == list(range(frame.n))
    b.gap[3] = True  # a record with a gap stays: the batch decides it and lists its gaps
    b.doubt(b.R, np.array([7]))
    for frame in (b.R, b.O):
        want = np.flatnonzero(~b.unsure[frame.rec]).tolist()
        assert b.live_rows(frame).tolist() == want
        assert all(frame.rec[r] != 7 for r in b.live_rows(frame).tolist())
        assert any(frame.rec[r] == 3 for r in b.live_rows(frame).tolist())


class _Op:
    """A chain operand with fixed values per row of the frame, recording the rows it was asked for."""

    def __init__(self, values: list[Any]):
        self.values = values
        self.asked: list[list[int]] = []

    def __call__(self, b: Any, f: Any, rows: np.ndarray) -> Col:
        self.asked.append(rows.tolist())
        vals = [self.values[r] for r in rows.tolist()]
        m = np.array([x is None for x in vals], dtype=bool)
        if all(x is None or type(x) is bool for x in vals):
            return Col(np.array([bool(x) for x in vals], dtype=bool), m)
        return Col(obj_array(vals, len(vals)), m)


def _kleene(op: str, operands: list[_Op]) -> Any:
    comp = B.Compiler({}, {})
    it = iter(operands)
    comp.node = lambda n, scope: next(it)  # type: ignore[method-assign]
    leaf = type("N", (), {"op": "x", "args": []})
    node = type("N", (), {"op": op, "args": [leaf() for _ in operands]})()
    return comp._and(node, "record")


@pytest.mark.parametrize("op", ["and", "or"])
def test_kleene_chains_evaluate_each_operand_only_on_open_rows(op):
    """Kleene's three values on every combination of two operands, with the rows each operand saw."""
    vals = [True, False, None]
    combos = [(x, y) for x in vals for y in vals]
    first, second = _Op([x for x, _ in combos]), _Op([y for _, y in combos])
    rows = np.arange(len(combos))
    c = _kleene(op, [first, second])(None, None, rows)
    stop = op == "or"
    want: list[Any] = []
    for x, y in combos:
        if x is stop or y is stop:
            want.append(stop)
        elif x is None or y is None:
            want.append(None)
        else:
            want.append(not stop)
    got = [None if (c.m is not None and c.m[i]) else bool(c.v[i]) for i in range(len(combos))]
    assert got == want
    assert second.asked == [[i for i, (x, _) in enumerate(combos) if x is not stop]]


def test_kleene_chain_without_any_decision_or_missing_value():
    for op, value in (("and", True), ("or", False)):
        ops = [_Op([value] * 5), _Op([value] * 5), _Op([value] * 5)]
        c = _kleene(op, ops)(None, None, np.arange(5))
        assert c.v.dtype == bool and c.v.tolist() == [value] * 5 and c.m is None
        assert [o.asked for o in ops] == [[[0, 1, 2, 3, 4]]] * 3
    # an operand of Python objects (not a bool array): compared with the stopping value, as before
    ops = [_Op([True, 1, 0, None]), _Op([True, True, True, True])]
    c = _kleene("and", ops)(None, None, np.arange(4))
    assert c.v.tolist()[:3] == [True, True, False] and c.m is not None and c.m.tolist() == [False, False, False, True]
