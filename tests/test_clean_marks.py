"""A clean record handed back as a shared `CleanMark` (`Engine.evaluate_many_marked`) instead of its evaluation.

A plain scan writes nothing of a clean record and only counts it, so the batch backend may hand it back as
one of its program's two marks (plain, warned: an offence dated after the catalogue's edition).  These tests
hold the marks to the evaluations they stand for: a mark only where the evaluation is clean, `warned`
exactly where that evaluation has edition warnings, the counts of `Summary.add_cleans` equal to `add_clean`
of each record, and the streaming worker's bytes and counts equal to the line-by-line way's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from legality.engine import Engine
from legality.eval.batch import Batch, _after_edition
from legality.io.reader import RawRecord, decode, read_records
from legality.result.candidate import CleanMark, Evaluation
from legality.result.coverage import FULL, Coverage, EditionWarning
from legality.scan.pipeline import Spec, work
from legality.scan.summary import Summary

from support.mutate import variants

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _verdicts(lines: list[bytes]) -> list[Any]:
    items = [decode(RawRecord("gen.jsonl", i + 1, data)) for i, data in enumerate(lines)]
    return [it.verdict for it in items if it.verdict is not None]


def _as_json(ev: Evaluation) -> bytes:
    return orjson.dumps({"candidates": [c.to_json() for c in ev.candidates], "faults": [f.to_json() for f in ev.faults],
                         "coverage": ev.coverage.to_json()})


def _fields(s: Summary) -> dict[str, Any]:
    return {f.name: getattr(s, f.name) for f in dataclasses.fields(Summary)}


def _check_marks(engine: Engine, verdicts: list[Any]) -> tuple[int, int]:
    """Every mark stands for a clean evaluation with (warned) or without edition warnings; every other
    record's evaluation is the plain one.  Returns (plain marks, warned marks)."""
    marked = engine.evaluate_many_marked(verdicts)
    plain = [engine._program.evaluate(v) for v in verdicts]
    assert len(marked) == len(plain) == len(verdicts)
    counts = [0, 0]
    for m, ev in zip(marked, plain):
        if isinstance(m, CleanMark):
            assert not ev.candidates and not ev.faults and not ev.coverage.gaps
            assert ev.coverage.checked == FULL
            assert m.warned == bool(ev.coverage.warnings)
            assert m.edition == ev.coverage.edition
            counts[m.warned] += 1
        else:
            assert type(m) is Evaluation
            assert _as_json(m) == _as_json(ev)
    return counts[0], counts[1]


def test_marks_stand_for_the_fixture_records_evaluations(engine):
    verdicts = [it.verdict for it in read_records([ROOT / "fixtures"]) if it.verdict is not None]
    plain, warned = _check_marks(engine, verdicts)
    assert plain and warned  # both kinds occur, so the comparison is not vacuous


def test_marks_stand_for_generated_records_evaluations(engine):
    plain, warned = _check_marks(engine, _verdicts(list(variants(600, seed=31, p=0.06))))
    assert plain + warned > 100


def test_two_marks_per_program_shared_by_every_clean_record(engine):
    verdicts = _verdicts(list(variants(200, seed=3, p=0.03)))
    marks = {id(m) for m in engine.evaluate_many_marked(verdicts) if isinstance(m, CleanMark)}
    assert marks <= {id(m) for m in engine._program.clean_marks()}
    assert engine._program.clean_marks()[1].edition == engine._program.edition.isoformat()


def test_the_row_backend_and_small_batches_hand_back_evaluations(engine):
    verdicts = _verdicts(list(variants(40, seed=9, p=0.03)))
    assert all(type(e) is Evaluation for e in engine.with_backend("row").evaluate_many_marked(verdicts))
    assert all(type(e) is Evaluation for e in engine.evaluate_many_marked(verdicts[:5]))  # below BATCH_MIN


class _OddDate(dt.date):
    """A date that is not a plain `date`: `_after_edition` compares each one as `_edition_warnings` does."""


@pytest.mark.parametrize("odd", [False, True])
def test_after_edition_is_the_edition_warnings_test_on_every_boundary(engine, odd):
    verdicts = _verdicts(list(variants(300, seed=11, p=0.1)))
    verdicts = [v for v in verdicts if v.offences]
    b = Batch(verdicts, engine._program.catalogue)
    dates = sorted({o.committed_on for v in verdicts for o in v.offences})
    day = dt.timedelta(days=1)
    probes = [dates[0] - day, dates[0], dates[len(dates) // 2], dates[len(dates) // 2] - day, dates[-1], dates[-1] + day]
    for ed in probes:
        edition = _OddDate(ed.year, ed.month, ed.day) if odd else ed
        got = _after_edition(b, edition).tolist()
        assert got == [any(o.committed_on > edition for o in v.offences) for v in verdicts]
        assert any(got) or ed >= dates[-1]
    assert not _after_edition(b, None).any()


def test_a_program_without_edition_has_no_warned_record(engine, monkeypatch):
    prog = engine._program
    monkeypatch.setattr(prog, "edition", None)
    verdicts = _verdicts(list(variants(200, seed=17, p=0.03)))
    marks = [m for m in prog.evaluate_many(verdicts, marked=True) if isinstance(m, CleanMark)]
    assert marks and not any(m.warned or m.edition for m in marks)
    assert all(not prog.clean_coverage(v).warnings for v in verdicts)


@pytest.mark.parametrize("seq", [
    [], [None], [(False, None)] * 3, [(True, "2020-01-15")] * 2 + [(False, None)],
    [(True, "2020-01-15"), (True, None), (False, None)], [(True, None)], [(True, "A"), (True, "B"), (False, None)],
])
def test_add_cleans_counts_what_add_clean_counts_of_each(seq):
    one, bulk = Summary(started=""), Summary(started="")
    bulk.edition = one.edition = "before"
    n = warned = 0
    edition = None
    for x in seq:
        if x is None:
            one.add_clean(Coverage())
            bulk.add_clean(Coverage())
            continue
        w, ed = x
        one.add_clean(Coverage(FULL, [], [EditionWarning("1", "after_edition", "x")] if w else [], ed))
        n += 1
        warned += w
        edition = (ed or edition) if w else edition
    bulk.add_cleans(n, warned, edition)
    assert _fields(one) == _fields(bulk)


def test_the_streaming_worker_with_marks_writes_and_counts_as_without(engine, monkeypatch):
    """Marks interleaved with invalid, flagged and partial records (generated variations, chunks of
    several sizes): the same payloads and tally as a worker whose engine has no marked evaluation."""
    lines = list(variants(700, seed=23, p=0.08))
    lines[5] = b'{"case_id": "broken", '
    lines[300] = b"\xff\xfe not json\r"
    raws = [RawRecord("gen.jsonl", i + 1, data) for i, data in enumerate(lines)]
    chunks = [raws[:17], raws[17:400], raws[400:]]
    spec = Spec("jsonl")
    with_marks = [work(engine, c, spec) for c in chunks]
    monkeypatch.setattr(Engine, "evaluate_many_marked", None)
    without = [work(engine, c, spec) for c in chunks]
    for a, b in zip(with_marks, without):
        assert a.payloads == b.payloads
        assert _fields(a.tally) == _fields(b.tally)
    t = with_marks[1].tally
    assert t.clean and t.flagged and t.invalid and t.after_edition
