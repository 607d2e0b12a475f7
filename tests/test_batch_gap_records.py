"""Records with a coverage gap decided by the batch: the same Evaluation as the row evaluator's, field by field.

Why: the batch used to hand every record with a gap (an article, part or edition the catalogue lacks, a
law parameter with no edition on the date, a `needs` without a value) to the row evaluator, whole.  It now
keeps deciding such a record and lists its gaps itself, in the order the row evaluator meets them — step
by step, offence by offence within a run of offence-level steps (`program.rule_places`) — so the gaps,
their order, the rules of each and their order, the messages, the level and the warnings must be the
row evaluator's, and the record must not have gone to the row evaluator.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from legality.eval.batch import Batch, BatchPlan
from legality.eval.env import Runtime
from legality.eval.program import rule_places
from legality.io.reader import RawRecord, decode, read_records

from support.compiled import program, valid
from support.mutate import variants
from test_batch_backend import as_json, batch_of, cat, engine  # noqa: F401  (module fixtures, shared)
from verdict_samples import record

ROOT = Path(__file__).resolve().parents[1]
HEAD = 'title "t"\n  severity high\n  cite "УК РК ст.56 ч.3"'


def _late_param(cat: Any) -> tuple[str, dt.date]:
    """A General-Part parameter whose first edition starts after 2015, and a date before it."""
    for name in cat.param_names():
        first = min(e.valid_from for e in cat.param_editions(name))
        if first > dt.date(2015, 6, 1) and cat.param_spec(name).type in ("mrp", "int", "term"):
            return name, dt.date(2015, 6, 1)
    pytest.skip("every parameter has an edition from 2015")


def _pack(param: str) -> str:
    """Four ways to be undetermined: a sanction (through a fact), a law parameter, a `needs`, and a
    record-level rule reading every offence's sanction; plus a rule that fires on most records."""
    return f"""
define smax "максимум санкции" for offence = offence.sanction.max(imprisonment)
rule a-sanction for offence {{
  {HEAD}
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > smax
  message "a"
}}
rule b-param for offence {{
  {HEAD}
  when law.{param} is present or true
  violation law.{param} = law.{param}
  message "b"
}}
rule c-needs for offence {{
  {HEAD}
  needs offence.damage_kzt "ущерб"
  violation offence.damage_kzt > 10000000000
  message "c"
}}
rule d-record {{
  {HEAD}
  violation any o in offences: o.sentence.principal.term > o.sanction.max(imprisonment)
  message "d"
}}
rule e-fires for offence {{
  {HEAD}
  violation offence.sentence.principal.term is present
  message "e {{offence.sentence.principal.term}}"
}}
"""


def _offence(base: dict[str, Any], oid: str, what: set[str], early: dt.date) -> dict[str, Any]:
    o = copy.deepcopy(base)
    o["id"] = oid
    if "unknown" in what:
        o["article"] = "999"
    if "early" in what:
        o["committed_on"] = early.isoformat()
    if "nodamage" in what:
        o.pop("damage_kzt", None)
    else:
        o["damage_kzt"] = 1000
    return o


def _records(early: dt.date) -> list[Any]:
    """Records of one to three offences, each offence lacking some of: its article in the catalogue, a
    law parameter on its date, its damage — in every order, so that the order gaps are met in matters."""
    kinds = [set(), {"unknown"}, {"early"}, {"nodamage"}, {"early", "nodamage"}, {"unknown", "nodamage"},
             {"unknown", "early"}]
    out = []
    base = record()["offences"][0]
    k = 0
    for a in kinds:
        for b in [None, *kinds]:
            for c in [None, *kinds[::3]]:
                r = record(case_id=f"g-{k}")
                k += 1
                offs = [_offence(base, "1", a, early)]
                if b is not None:
                    offs.append(_offence(base, "2", b, early))
                if b is not None and c is not None:
                    offs.append(_offence(base, "3", c, early))
                r["offences"] = offs
                if len(offs) > 1:
                    r["final_sentence"]["combination"] = "partial_addition"
                    r["final_sentence"]["principal"]["term"] = {"years": 5}
                r["defendant"]["prior_convictions"] = []
                out.append(valid(r))
    return out


def _same_field_by_field(a: Any, b: Any) -> None:
    """The two evaluations, field by field (then as the report's JSON, which is what ships)."""
    assert [c.to_json() for c in a.candidates] == [c.to_json() for c in b.candidates]
    assert [f.to_json() for f in a.faults] == [f.to_json() for f in b.faults]
    ca, cb = a.coverage, b.coverage
    assert ca.level == cb.level if hasattr(ca, "level") else True
    assert [(g.offence, g.reason, g.detail, g.rules) for g in ca.gaps] == \
        [(g.offence, g.reason, g.detail, g.rules) for g in cb.gaps]
    assert [w.to_json() if hasattr(w, "to_json") else w for w in ca.warnings] == \
        [w.to_json() if hasattr(w, "to_json") else w for w in cb.warnings]
    assert ca.to_json() == cb.to_json()
    assert as_json(a) == as_json(b)


def test_gap_records_in_every_order_are_decided_by_the_batch(cat):
    param, early = _late_param(cat)
    prog = program(cat, _pack(param))
    verdicts = _records(early)
    evs, calls = batch_of(prog, verdicts)
    assert calls["row"] == 0  # no record left the batch: a gap is decided there
    for v, ev in zip(verdicts, evs):
        _same_field_by_field(ev, prog.evaluate(v))
    gapped = [ev for ev in evs if ev.coverage.gaps]
    assert len(gapped) > len(verdicts) / 2 and any(ev.candidates for ev in gapped)
    assert {g.reason for ev in gapped for g in ev.coverage.gaps} >= \
        {"unknown_article", "no_law_parameter", "missing_data"}
    # not vacuous: records whose gaps, listed rule by rule, would come in another order than the row
    # evaluator's offence by offence (an earlier offence's later rule before a later offence's earlier rule)
    places = rule_places(prog.facts, prog.rules, prog.order)
    crossed = 0
    for ev in gapped:
        firsts = [(places[g.rules[0]][1], int(g.offence or 0)) for g in ev.coverage.gaps if g.rules]
        crossed += firsts != sorted(firsts)
    assert crossed >= 5


def test_gap_records_of_generated_batches(engine):
    """The shipped rule pack on generated records: gap records and flagged ones, one batch."""
    prog = engine._program
    pool = []
    for i, data in enumerate(variants(3_000, seed=41, p=0.05)):
        item = decode(RawRecord("gen.jsonl", i + 1, data))
        if item.verdict is not None:
            pool.append(item.verdict)
    evs, calls = batch_of(prog, pool)
    b = Batch([v for v in pool if v.offences], prog.catalogue)
    BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled).run(b)
    assert int(b.gap.sum()) >= 20
    assert calls["row"] <= int(b.unsure.sum()) + sum(1 for v in pool if not v.offences)
    n_partial = 0
    for v, ev in zip(pool, evs):
        row = prog.evaluate(v)
        _same_field_by_field(ev, row)
        n_partial += bool(row.coverage.gaps)
    assert n_partial >= 20


def test_fixture_gap_records(engine):
    verdicts = [it.verdict for it in read_records([ROOT / "fixtures"]) if it.verdict is not None]
    prog = engine._program
    evs, _ = batch_of(prog, verdicts)
    assert sum(bool(ev.coverage.gaps) for ev in evs) >= 3
    for v, ev in zip(verdicts, evs):
        _same_field_by_field(ev, prog.evaluate(v))


def _driver_runs(source: str, rule_ids: list[str]) -> list[list[str]]:
    """The runs of steps of the generated fast driver (`run`), as lists of the rules each decides."""
    body = source.split("\ndef run(env, v, rt):\n", 1)[1].split("\ndef ", 1)[0]
    runs: list[list[str]] = []
    for line in body.splitlines():
        if line.startswith("    for o in offs:") or line.startswith("    o = None;"):
            runs.append([])
        m = re.search(r"st = r(\d+)_decide\(", line)
        if m:
            runs[-1].append(rule_ids[int(m.group(1))])
    return [r for r in runs if r]


@pytest.mark.parametrize("which", ["engine", "pack"])
def test_rule_places_are_the_drivers_runs(engine, cat, which):
    if which == "engine":
        prog = engine._program
    else:
        prog = program(cat, _pack(_late_param(cat)[0]))
    places = rule_places(prog.facts, prog.rules, prog.order)
    assert set(places) == set(prog.rules)
    ours: dict[int, list[str]] = {}
    for rid, (start, step) in sorted(places.items(), key=lambda kv: kv[1][1]):
        ours.setdefault(start, []).append(rid)
    got = [rs for _, rs in sorted(ours.items())]
    assert got == _driver_runs(prog.source, list(prog.rules))
    assert any(len(rs) > 1 for rs in got)  # some runs share a loop: the order inside them matters


def test_undetermined_outcomes_are_kept_for_readers(cat):
    """A rule read by `fired` / `overrides` that is undetermined on a gap record: the readers see
    «undetermined» (an overriding rule that is undetermined still silences the general one)."""
    text = f"""
rule general-cap for offence {{
  {HEAD}
  violation offence.sentence.principal.term is present
  message "g"
}}
rule specific-cap for offence {{
  {HEAD}
  overrides general-cap
  violation offence.sentence.principal.term > offence.sanction.max(imprisonment)
  message "s"
}}
rule after-both {{
  {HEAD}
  when fired(specific-cap) or fired(general-cap)
  violation true
  message "a"
}}"""
    prog = program(cat, text)
    base = record()["offences"][0]
    verdicts = []
    for what in ([set()], [{"unknown"}], [set(), {"unknown"}], [{"unknown"}, set()]):
        r = record()
        r["offences"] = [_offence(base, str(i + 1), w, dt.date(2020, 1, 1)) for i, w in enumerate(what)]
        if len(what) > 1:
            r["final_sentence"]["combination"] = "partial_addition"
            r["final_sentence"]["principal"]["term"] = {"years": 5}
        verdicts.append(valid(r))
    evs, calls = batch_of(prog, verdicts)
    assert calls["row"] == 0
    for v, ev in zip(verdicts, evs):
        _same_field_by_field(ev, prog.evaluate(v))
    # the record whose only offence lacks its article: `general` overridden, so nothing fired
    assert evs[1].candidates == [] and evs[1].coverage.gaps


@pytest.mark.parametrize("after_lookups", [True, False])
def test_missing_by_columns_equals_env_missing(cat, after_lookups):
    """`BatchPlan._missing` (columns: the offences' lookups, the law parameters' columns) tells undetermined
    from missing as `Env.missing` does row by row — also when the batch's lookups were not made first."""
    from legality.eval.env import Env
    from legality.eval.runtime import UNDETERMINED
    from legality.result import trace as T

    param, early = _late_param(cat)
    prog = program(cat, _pack(param))
    verdicts = _records(early)
    plan = BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    b = Batch(verdicts, prog.catalogue)
    if after_lookups:
        plan._catalogue_gaps(b)
    kinds = set()
    for r, cr, *_ in plan.rules:
        frame = b.base_frame(r.scope)
        got: dict[int, str] = {}

        def settle(idx: np.ndarray, code: str) -> None:
            for i in idx.tolist():
                assert i not in got
                got[i] = code

        BatchPlan._missing(b, cr, frame, np.arange(frame.n), settle)
        for i in range(frame.n):
            env = Env(b.verdicts[frame.rec[i]], Runtime(prog.catalogue), prog.candidate_builder)
            if frame is b.O:
                o = b.O.objs[i]
                env.offence, env.scope_key, env.ref_date = o, o.id, o.committed_on
            want = T.UNDETERMINED if env.missing(cr) == UNDETERMINED else T.MISSING
            assert got[i] == want, (r.id, i)
            kinds.add((r.id, want))
    assert {("a-sanction", T.UNDETERMINED), ("b-param", T.UNDETERMINED), ("d-record", T.UNDETERMINED),
            ("a-sanction", T.MISSING), ("b-param", T.MISSING), ("c-needs", T.MISSING)} <= kinds
