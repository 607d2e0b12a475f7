"""The batch (columnar) backend against the row evaluator: identical evaluations and reports.

Why differential: the batch backend is a second compilation of the same IR; the row evaluator is
the reference (it also builds traces for `explain`).  Every fixture, 10,000 generated variations of
them, hypothesis-chosen batches, and small rule sets written to hit each language construct's
corner (missing values in Kleene chains and quantifiers, `default`, `if`, faults, overrides,
`fired`, `needs`, dated law) must give the same candidates, faults and coverage, record by record —
and the same report bytes through the scan.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from legality.engine import Engine
from legality.eval.batch import BatchPlan, evaluate_many
from legality.io.reader import RawRecord, decode, read_records
from legality.law import Catalogue
from legality.scan.run import run_scan

from support.compiled import program
from support.mutate import variants
from support.synth import fixture_records

ROOT = Path(__file__).resolve().parents[1]


def as_json(ev: Any) -> bytes:
    return orjson.dumps({"candidates": [c.to_json() for c in ev.candidates], "faults": [f.to_json() for f in ev.faults],
                         "coverage": ev.coverage.to_json() if ev.coverage is not None else None})


def batch_of(prog: Any, verdicts: list[Any]) -> tuple[list[Any], dict[str, int]]:
    """The batch backend's evaluations (forced, whatever the batch size) and how many records it decided."""
    calls = {"row": 0}
    row = prog.evaluate

    def counted(v: Any, **kw: Any) -> Any:
        calls["row"] += 1
        return row(v, **kw)

    prog.evaluate = counted
    try:
        evs = evaluate_many(prog, BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled), verdicts)
    finally:
        del prog.evaluate
    return evs, calls


def assert_same(prog: Any, verdicts: list[Any]) -> dict[str, int]:
    evs, calls = batch_of(prog, verdicts)
    assert len(evs) == len(verdicts)
    for v, ev in zip(verdicts, evs):
        assert as_json(ev) == as_json(prog.evaluate(v)), v.case_id
    return calls


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


def valid_verdicts(lines: list[bytes]) -> list[Any]:
    out = []
    for i, data in enumerate(lines):
        item = decode(RawRecord("gen.jsonl", i + 1, data))
        if item.verdict is not None:
            out.append(item.verdict)
    return out


def test_every_fixture_record_evaluates_the_same(engine):
    verdicts = [it.verdict for it in read_records([ROOT / "fixtures"]) if it.verdict is not None]
    assert len(verdicts) > 100
    calls = assert_same(engine._program, verdicts)
    # the batch decided the lawful and flagged records itself; only gaps and doubts went to the row evaluator
    assert calls["row"] < len(verdicts) / 4


@pytest.mark.slow
def test_ten_thousand_generated_records_give_identical_reports(engine, tmp_path):
    lines = list(variants(10_000, seed=7, p=0.04))
    raws = [RawRecord("gen.jsonl", i + 1, data) for i, data in enumerate(lines)]
    outs = {}
    for backend in ("row", "batch"):
        out = io.BytesIO()
        run_scan([], engine.with_backend(backend), out, fmt="jsonl", include_all=True, raws=raws)
        outs[backend] = out.getvalue()
    assert outs["row"] == outs["batch"]
    statuses = [orjson.loads(x)["status"] for x in outs["batch"].splitlines()]
    assert len(statuses) == 10_000
    # the generated records reach every outcome, so the comparison is not vacuous
    assert {"clean", "flagged", "partial", "invalid"} <= set(statuses)
    assert statuses.count("clean") > 1000 and statuses.count("flagged") > 1000


def test_generated_records_per_record_and_mostly_decided_by_the_batch(engine):
    verdicts = valid_verdicts(list(variants(2_000, seed=21, p=0.05)))
    calls = assert_same(engine._program, verdicts)
    assert calls["row"] < len(verdicts) / 4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), p=st.sampled_from([0.02, 0.05, 0.1]), n=st.integers(16, 60))
def test_random_batches(engine, seed, p, n):
    assert_same(engine._program, valid_verdicts(list(variants(n, seed=seed, p=p))))


def test_one_record_alone_and_inside_a_batch_agree(engine):
    """A record's evaluation cannot depend on its neighbours in the batch."""
    verdicts = valid_verdicts(list(variants(300, seed=5, p=0.05)))
    prog = engine._program
    whole, _ = batch_of(prog, verdicts)
    for k in (0, 17, 150):
        alone, _ = batch_of(prog, verdicts[k:k + 1])
        assert as_json(alone[0]) == as_json(whole[k])


# ---- corners of the language, each on every fixture record

HEAD = 'title "t"\n  severity high\n  cite "УК РК ст.56 ч.3"'
CORNERS = {
    "kleene": f"""
rule kleene-chain for offence {{
  {HEAD}
  when offence.sentence.principal.term > 2 years or offence.sentence.principal.mrp > 100 mrp
  violation offence.stage = attempt and offence.sentence.principal.term > 1 years
  message "x"
}}""",
    "quantifiers": f"""
define max_term "наибольший срок" = max o in offences: o.sentence.principal.term
define n_att "покушений" = count o in offences: o.stage = attempt
rule quantifier-check {{
  {HEAD}
  when any o in offences: o.sentence.principal.term is present
  unless all o in offences: o.stage = completed
  violation n_att >= 1 and max_term > 3 years
  message "{{max_term}} {{n_att}}"
}}""",
    "default-if": f"""
rule default-term for offence {{
  {HEAD}
  let t = default(offence.sentence.principal.term, 0 years)
  violation (if offence.stage = attempt then t > 4 years else t > 10 years)
  actual t
  message "{{t}}"
}}""",
    "fault": f"""
rule divides-part for offence {{
  {HEAD}
  when offence.sentence.principal.term is present
  violation 1 / (offence.part - 2) > 0
  message "x"
}}""",
    "overrides-fired": f"""
rule general-max for offence {{
  {HEAD}
  violation offence.sentence.principal.term > 5 years
  message "g"
}}
rule specific-attempt for offence {{
  {HEAD}
  overrides general-max
  when offence.stage = attempt
  violation offence.sentence.principal.term > 3 years
  message "s"
}}
rule after-general {{
  {HEAD}
  when fired(general-max)
  violation verdict.procedure = general
  message "a"
}}""",
    "needs-law": f"""
rule needs-it for offence {{
  {HEAD}
  when offence.sentence.principal.kind = imprisonment
  needs offence.sanction.category is present "категория"
  violation offence.sentence.principal.term > offence.sanction.max(imprisonment)
  message "{{offence.sanction.max(imprisonment)}}"
}}""",
    # quantifiers over `offences` read the O columns at each element's row (member chains, a method with a
    # constant argument, a truth-valued member, an offence fact), also from inside a nested quantifier
    "offence-quantifier-columns": f"""
define long_or_attempt "x" for offence = offence.stage = attempt or offence.sentence.principal.term > 5 years
rule offences-chains {{
  {HEAD}
  when any o in offences: o.sentence.principal.term is present
  violation (count o in offences: o.long_or_attempt) >= 1
    and (any o in offences: o.sanction.max(imprisonment) is missing or o.sentence.principal.term > o.sanction.max(imprisonment))
    or (any o in offences: any a in o.sentence.additional: a.kind = ban_on_office and o.stage = attempt)
    or (all o in offences: o.damage_compensated and o.sanction.category >= grave)
  message "{{max o in offences: o.sentence.principal.term}}"
}}""",
    # `in force` on either date, with and without an end
    "in-force": f"""
rule from-offence-date for offence {{
  {HEAD}
  in force from 2016-03-01 until 2021-01-01
  violation offence.sentence.principal.term > 2 years
  message "o"
}}
rule from-verdict-date {{
  {HEAD}
  in force from 2019-06-01 by verdict date
  violation final.principal.term > 3 years
  message "v"
}}""",
}


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_language_corners(cat, name):
    prog = program(cat, CORNERS[name])
    verdicts = [it.verdict for it in read_records([ROOT / "fixtures"]) if it.verdict is not None]
    verdicts += valid_verdicts(list(variants(400, seed=3, p=0.06)))
    assert_same(prog, verdicts)
    # each corner has records the batch decides and records with a finding
    evs, _ = batch_of(prog, verdicts)
    assert any(ev.candidates for ev in evs) or name == "fault"
    if name == "fault":
        assert any(ev.faults for ev in evs)


def test_scan_with_either_backend_writes_the_same_bytes(engine):
    """The command's own path (`--backend`), on the fixtures, every format that streams."""
    from click.testing import CliRunner

    from legality.cli import main

    runner = CliRunner()
    for fmt in ("jsonl", "csv", "json"):
        outs = [runner.invoke(main, ["scan", str(ROOT / "fixtures"), "-f", fmt, "-j", "1", "--all", "--backend", be])
                for be in ("row", "batch")]
        assert outs[0].exit_code == outs[1].exit_code == 0, outs[0].output
        assert outs[0].stdout_bytes == outs[1].stdout_bytes
        assert outs[0].stdout_bytes


def test_fixture_records_are_all_used():
    assert len(fixture_records()) > 100


# ---- the batch's own shortcuts equal what they replace


def test_remembered_add_term_equals_add_term():
    import datetime as dt

    from legality.eval.batch import _add_term_memo
    from legality.eval.runtime import add_term
    from legality.model.values import Term

    plus, minus = _add_term_memo(1), _add_term_memo(-1)
    terms = [Term(0, 0, 1), Term(0, 1, 0), Term(1, 0, 0), Term(2, 6, 15), Term.from_months(Fraction(7, 3))]
    days = [dt.date(2020, 1, 31), dt.date(2020, 2, 29), dt.date(2019, 12, 31), dt.date(2021, 3, 1)]
    for _ in range(2):  # computed, then remembered
        for d in days:
            for t in terms:
                assert plus(d, t) == add_term(d, t, 1) and minus(d, t) == add_term(d, t, -1)
    with pytest.raises(AttributeError):  # not a term: computed, and raises as add_term does
        plus(dt.date(2020, 1, 1), 3)


def test_truth_values_by_identity():
    import numpy as np

    from legality.eval.batch import Batch, _as_bool
    from legality.eval.columns import Col, obj_array

    b = Batch.__new__(Batch)
    b.unsure = np.zeros(6, dtype=bool)
    frame = type("F", (), {"rec": np.arange(6)})()
    vals = obj_array([True, False, 1, None, True, np.True_], 6)
    missing = np.array([False, False, False, True, True, False])
    c = _as_bool(Col(vals, missing), b, frame, np.arange(6))  # type: ignore[arg-type]
    assert c.v.dtype == bool
    assert c.v.tolist() == [True, False, False, False, False, False]  # a missing row is never true
    assert c.m is not None and c.m.tolist() == [False, False, True, True, True, True]
    assert b.unsure.tolist() == [False, False, True, False, False, True]  # 1 and numpy's bool: not Python bools


def test_category_ranks_and_enum_texts_by_member():
    from legality.eval.batch import _enum_key, _fast_rank
    from legality.eval.runtime import _key, _rank
    from legality.model.enums import Category, PenaltyKind

    for x in [*Category, *PenaltyKind, 3, "grave", None]:
        assert _fast_rank(x) == _rank(x) and type(_fast_rank(x)) is type(_rank(x))
        if x is not None:
            assert _enum_key(x) == _enum_key(x) == _key(x)
