"""The shortcuts on the scan's path outside evaluation (issue 13): they must answer exactly as the
full code they stand in for.

- `validate._penalty_fine` / `_code_fine` say "no error" from caches; the full checks word the errors;
- `fast_base.term_from_json` shares one `Term` per (years, months, days);
- a worker builds a record's context only when something reads it (`evaluate_raws(contexts=False)`).
"""

from __future__ import annotations

import itertools

import orjson
import pytest

from legality.io.reader import RawRecord, decode
from legality.model import fast_base, validate
from legality.model.enums import ALL_AMOUNT_FIELDS, PenaltyKind
from legality.model.fast import decode_valid
from legality.model.fast_gen import Penalty
from legality.model.validate import AGGRAVATING_CODE, MITIGATING_CODE, cross_field_errors
from legality.model.values import Term
from legality.scan.pipeline import Spec, evaluate_raws, work
from support.fakes import FakeEngine, record

_VALUES = {"mrp": 10.0, "multiple": 2.0, "hours": 120, "days": 10, "term": Term(1, 0, 0), "lifelong": True}


def _penalties():
    """Every kind with every subset of amounts, lifelong True/False, a zero and a non-zero term."""
    for kind in PenaltyKind:
        for n in range(len(ALL_AMOUNT_FIELDS) + 1):
            for fields in itertools.combinations(ALL_AMOUNT_FIELDS, n):
                kw = {f: _VALUES[f] for f in fields}
                yield Penalty(kind=kind, **kw)
                if "lifelong" in fields:
                    yield Penalty(kind=kind, **(kw | {"lifelong": False}))
                if "term" in fields:
                    yield Penalty(kind=kind, **(kw | {"term": Term(0, 0, 0)}))


def test_penalty_fine_is_exactly_no_penalty_error():
    seen = 0
    for _ in range(2):  # the second round answers from the cache of shapes
        for p in _penalties():
            assert validate._penalty_fine(p) is (not validate._penalty_errors(p, "x")), p
            seen += 1
    assert seen > 1000


@pytest.mark.parametrize("pattern, good, bad", [
    (MITIGATING_CODE, ["53.1.1", "53.1.12", "53.2"], ["53.1.0", "53.3", "53.1.1 ", "53.1.1\n", "٥٣.٢", ""]),
    (AGGRAVATING_CODE, ["54.1.1", "54.1.12"], ["54.1", "54.1.01", "54.2.1", "54.1.1\n", "53.2"]),
])
def test_code_fine_caches_only_what_matches(pattern, good, bad):
    for _ in range(2):
        for code in good:
            assert validate._code_fine(pattern, code)
        for code in bad:
            assert not validate._code_fine(pattern, code)
            assert code not in validate._CODES_OK[pattern]


def test_the_code_cache_is_bounded(monkeypatch):
    monkeypatch.setitem(validate._CODES_OK, AGGRAVATING_CODE, set())
    for i in range(1, validate._CODES_MAX + 50):
        assert validate._code_fine(AGGRAVATING_CODE, f"54.1.{i}")
    assert len(validate._CODES_OK[AGGRAVATING_CODE]) == validate._CODES_MAX
    assert validate._code_fine(AGGRAVATING_CODE, f"54.1.{validate._CODES_MAX + 10}")  # not cached, still right


def _verdict(**kw):
    v = decode_valid(orjson.dumps(record("A-1", **kw)))
    assert v is not None
    return v


def test_cross_field_errors_still_words_every_error_with_its_path():
    data = record("A-1", years=2)
    data["offences"][0]["aggravating"] = ["54.1.3", "54.9"]
    data["offences"][0]["mitigating"] = ["53.2", "53.0"]
    data["offences"][0]["sentence"]["principal"] = {"kind": "fine", "mrp": 100, "hours": 10}
    data["offences"][0]["sentence"]["additional"] = [{"kind": "confiscation"}, {"kind": "ban_on_office"}]
    data["final_sentence"]["principal"] = {"kind": "imprisonment", "term": {"years": 0}}
    obj = orjson.loads(orjson.dumps(data))
    errors = validate.validate_record(obj)
    assert isinstance(errors, list)
    paths = [e.path for e in errors]
    assert paths == [
        "offences[0].mitigating[1]",
        "offences[0].aggravating[1]",
        "offences[0].sentence.principal.hours",
        "offences[0].sentence.additional[1].term",
        "final_sentence.principal.term",
    ], errors
    # the fast path refuses it, so the model's path decides
    assert decode_valid(orjson.dumps(data)) is None


def test_a_sound_record_has_no_cross_field_error():
    assert cross_field_errors(_verdict(years=2)) == []


def test_terms_are_shared_and_exact():
    a = fast_base.term_from_json({"years": 3, "months": 2})
    b = fast_base.term_from_json({"months": 2, "years": 3, "days": 0})
    assert a is b
    assert (a.years, a.months, a.days, a.value) == (3, 2, 0, Term(3, 2, 0).value)
    # a bool or a float equal to a cached key is still refused (the record goes to the model)
    for bad in ({"years": True}, {"years": 1.0}, {"years": 3, "months": 2, "weeks": 0}):
        fast_base.term_from_json({"years": 1})
        with pytest.raises(ValueError):
            fast_base.term_from_json(bad)


def test_the_term_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(fast_base, "_TERMS", {})
    monkeypatch.setattr(fast_base, "_TERMS_MAX", 10)
    terms = [fast_base.term_from_json({"days": d}) for d in range(1, 30)]
    assert len(fast_base._TERMS) == 10
    assert [t.days for t in terms] == list(range(1, 30))


def _raws():
    out = [RawRecord("x.jsonl", 1, orjson.dumps(record("A-1", years=2))),                    # clean
           RawRecord("x.jsonl", 2, orjson.dumps(record("A-2", years=2, regime="maximum"))),  # flagged
           RawRecord("x.jsonl", 3, orjson.dumps(record("boom-3", years=2))),                 # partial (engine bug)
           RawRecord("x.jsonl", 4, b'{"case_id": "A-4", ')]                                  # invalid
    assert [decode(r).valid for r in out] == [True, True, True, False]
    return out


def test_contexts_only_where_read():
    full = evaluate_raws(FakeEngine(), _raws())
    lean = evaluate_raws(FakeEngine(), _raws(), contexts=False)
    assert [line.status for line, _, _ in full] == ["clean", "flagged", "partial", "invalid"]
    assert [line for line, _, _ in lean] == [line for line, _, _ in full]
    assert [ctx is not None for _, ctx, _ in full] == [True, True, True, False]
    assert [ctx is not None for _, ctx, _ in lean] == [False, True, True, False]
    assert [ctx for _, ctx, _ in lean][1:] == [ctx for _, ctx, _ in full][1:]


@pytest.mark.parametrize("include_all", [False, True])
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_a_worker_without_objects_writes_and_counts_the_same(fmt, include_all):
    lean = work(FakeEngine(), _raws(), Spec(fmt, include_all=include_all))
    full = work(FakeEngine(), _raws(), Spec(fmt, include_all=include_all, objects=True))
    assert lean.payloads == full.payloads
    assert lean.tally.to_json() | {"started": ""} == full.tally.to_json() | {"started": ""}
    assert lean.contexts is None
    assert full.contexts is not None and full.contexts[0] is not None  # the store and collecting formats get them all


def test_the_collector_waits_for_a_chunk_and_comes_back():
    import gc
    import threading

    from legality.scan import pipeline

    seen = []

    class Probe(FakeEngine):
        def evaluate(self, verdict, **kw):
            seen.append(gc.isenabled())
            return super().evaluate(verdict, **kw)

    assert gc.isenabled()
    work(Probe(), _raws(), Spec("jsonl"))
    assert seen and not any(seen)  # paused while the chunk was worked on
    assert gc.isenabled()          # and back after it
    gc.disable()
    try:
        work(Probe(), _raws(), Spec("jsonl"))
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
    # threads working on chunks at once (a Dask worker's threads) leave it enabled at the end
    barrier = threading.Barrier(4)

    def one():
        barrier.wait()
        for _ in range(20):
            with pipeline.collector_paused():
                assert not gc.isenabled()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled() and pipeline._pauses == 0
