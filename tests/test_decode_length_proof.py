"""The one-parse shortcut's length proof (model/fast.py, `decode_clean`), and a chunk's objects freed
before the cyclic collector resumes (scan/pipeline.py, eval/batch.py).

The shortcut takes a record when its key skeleton's encoding is as long as the record, or else has as
many colons.  What must hold for the length proof: the encoding is never longer than the record, and
it is as long only when no key of any object was dropped (no duplicate, no unknown field); a compact
record takes it; whitespace or an escaped key name leave the decision to the colon count; and
`decode` still answers as the full way on every record, generated mutations included.
"""

from __future__ import annotations

import copy
import gc

import orjson
import pytest
from hypothesis import HealthCheck, given, note, settings

from legality.io.reader import RawRecord, decode
from legality.model import fast
from test_fast_decode import (
    VALID_LINES, VALID_RECORDS, _at, _dumps, _full_way, _objects_of, _reference, _same_item, mutated_records, shape,
)


def _skeleton_bytes(data: bytes) -> bytes:
    return fast._ENCODE(fast._KEYS(data))


def test_a_compact_record_is_proven_by_its_length_alone():
    """Every valid fixture, written compactly: the encoding is the record's length (the colon count is
    not needed), and the shortcut's record is the full way's."""
    for name, i, line in VALID_LINES:
        data = orjson.dumps(orjson.loads(line))
        assert len(_skeleton_bytes(data)) == len(data), f"{name}:{i}"
        fast_v = fast.decode_clean(data)
        assert fast_v is not None, f"{name}:{i}"
        assert shape(fast_v) == shape(_full_way(RawRecord(name, i, data)).verdict)


def test_the_length_proof_alone_decides_a_compact_record(monkeypatch):
    """With the colon counts made to differ always, only equal lengths can take a record: a compact
    valid record is still taken, and one with a duplicate key anywhere never is."""
    class Colons(bytes):
        def count(self, *a):  # noqa: ANN002 - as bytes.count: a different answer for every object
            return id(self)

    monkeypatch.setattr(fast, "_ENCODE", lambda obj, enc=fast._ENCODE: Colons(enc(obj)))
    for name, i, line in VALID_LINES:
        assert fast.decode_clean(Colons(orjson.dumps(orjson.loads(line)))) is not None, f"{name}:{i}"
    n = 0
    for rec in VALID_RECORDS[:8]:
        for at in _objects_of(rec):
            for key in sorted(_at(rec, at)):
                data = Colons(_dumps(rec, False, at, (key, _at(rec, at)[key])).encode())
                assert fast.decode_clean(data) is None, (at, key)
                n += 1
    assert n > 100


@pytest.mark.parametrize("same_value", [True, False])
def test_a_dropped_key_always_shortens_the_encoding(same_value):
    """A duplicate key anywhere (its own value or null): the encoding is strictly shorter than the record."""
    n = 0
    for rec in VALID_RECORDS[:8]:
        for at in _objects_of(rec):
            for key in sorted(_at(rec, at)):
                data = _dumps(rec, False, at, (key, _at(rec, at)[key] if same_value else None)).encode()
                try:
                    assert len(_skeleton_bytes(data)) < len(data), (at, key)
                except ValueError:  # msgspec checks every occurrence: a null where an object is due
                    assert not same_value
                assert fast.decode_clean(data) is None
                n += 1
    assert n > 100


@pytest.mark.parametrize("extra", [b'"a":0', b'"":0', b'"x":{}', b'"note":"a:b"', b'"judge_id\\u0000":"J"'])
def test_an_unknown_field_shortens_the_encoding(extra):
    line = orjson.dumps(orjson.loads(VALID_LINES[0][2]))
    data = line[:-1] + b"," + extra + b"}"
    assert len(_skeleton_bytes(data)) < len(data)
    assert fast.decode_clean(data) is None
    raw = RawRecord("u.jsonl", 1, data)
    _same_item(decode(raw), _reference(raw))


def test_an_object_of_one_unknown_key_shortens_the_encoding():
    """An object whose only key is dropped: `{"":0}` against `{}` (no comma goes with it)."""
    rec = copy.deepcopy(VALID_RECORDS[0])
    data = orjson.dumps(rec)[:-1] + b',"court":{"":0}}'  # court twice: the second one kept, empty
    assert len(_skeleton_bytes(data)) < len(data)
    assert fast.decode_clean(data) is None


@pytest.mark.parametrize("how", ["spaces", "escaped key", "pretty"])
def test_whitespace_and_escaped_keys_go_on_to_the_colon_count(how):
    """Longer than its encoding without a dropped key: the length proof fails, the colon count takes the
    record, and `decode` answers as the full way."""
    rec = VALID_RECORDS[0]
    compact = orjson.dumps(rec)
    if how == "spaces":
        data = compact.replace(b'":', b'" : ', 3)
    elif how == "escaped key":
        data = compact.replace(b'"case_id"', b'"c\\u0061se_id"', 1)
    else:
        data = orjson.dumps(rec, option=orjson.OPT_INDENT_2)
    assert len(_skeleton_bytes(data)) < len(data)
    v = fast.decode_clean(data)
    assert v is not None
    assert shape(v) == shape(_full_way(RawRecord("w.jsonl", 1, data)).verdict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_mutated_records_never_encode_longer_and_decode_as_the_full_way(data):
    note(data.decode("utf-8", "replace"))
    try:
        keys = _skeleton_bytes(data)
    except Exception:  # noqa: BLE001 - the skeleton refuses it: so does the shortcut
        keys = None
    if keys is not None:
        assert len(keys) <= len(data)
        if len(keys) == len(data):  # the length proof implies the colon proof
            assert keys.count(b":") == data.count(b":")
    raw = RawRecord("m.jsonl", 1, data)
    _same_item(decode(raw), _reference(raw))


# ---------------------------------------------------------------------------------------------
# a chunk leaves nothing for the cyclic collector


def test_a_batch_leaves_no_cycle_holding_its_records():
    """After `evaluate_many`, nothing of the batch waits for the cyclic collector: the collector finds no
    garbage, so it never has to walk the chunk's records (which a cycle through a base frame kept)."""
    from legality.engine import Engine
    from legality.model.fast import decode_clean

    engine = Engine.load(None)
    verdicts = [decode_clean(orjson.dumps(orjson.loads(line))) for _, _, line in VALID_LINES]
    verdicts = [v for v in verdicts if v is not None]
    batch = (verdicts * (64 // len(verdicts) + 1))[:64]  # above BATCH_MIN: the batch backend
    from legality.eval.columns import Frame

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        evs = engine.evaluate_many(batch)
        assert len(evs) == len(batch)
        del evs
        # what the collector would free is kept in gc.garbage: no frame of the batch may be among it (a
        # caught exception elsewhere may leave a cycle of its own, which is not what this test is about)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        frames = [o for o in gc.garbage if isinstance(o, Frame)]
        assert frames == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


def test_the_streaming_worker_frees_its_evaluations_before_the_collector_resumes(monkeypatch):
    """`_work_streaming` holds no evaluation when the collector resumes (a list iterator kept them)."""
    from legality.engine import Engine
    from legality.report.base import FormatOptions
    from legality.result.candidate import Evaluation
    from legality.scan import pipeline as PL

    engine = Engine.load(None)
    raws = [RawRecord("f.jsonl", i + 1, orjson.dumps(orjson.loads(line))) for i, (_, _, line) in enumerate(VALID_LINES)]
    raws = (raws * (64 // len(raws) + 1))[:64]
    spec = PL.Spec.of("jsonl", FormatOptions(), include_all=False, state=False)
    alive: list[int] = []
    real = PL.collector_paused

    class Watch:
        def __enter__(self):
            self.cm = real()
            return self.cm.__enter__()

        def __exit__(self, *exc):
            alive.append(sum(1 for o in gc.get_objects() if type(o) is Evaluation))
            return self.cm.__exit__(*exc)

    monkeypatch.setattr(PL, "collector_paused", Watch)
    gc.collect()
    done = PL.work(engine, raws, spec)
    assert len(done.payloads) == len(raws)
    assert alive and alive[0] <= 1  # the last loop variable at most


# ---------------------------------------------------------------------------------------------
# the cross-field checks' fast answer (model/validate.py `_verdict_fine`)


def _checked_both_ways(v) -> None:
    from legality.model import validate

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate, "_verdict_fine", lambda v: False)  # the full check, every time
        full = validate.cross_field_errors(v)
    if validate._verdict_fine(v):
        assert full == []
    assert validate.cross_field_errors(v) == full


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_the_fast_answer_of_the_cross_field_checks_is_never_wrong(data):
    """Any record the typed decoder reads (shifted dates, zero terms, duplicate episode ids, codes,
    penalties of the wrong shape…): `_verdict_fine` says True only when the full check finds nothing,
    and `cross_field_errors` gives the full check's errors, in order."""
    note(data.decode("utf-8", "replace"))
    try:
        v = fast._DECODER.decode(data)
    except Exception:  # noqa: BLE001 - not a record of the fast model
        return
    _checked_both_ways(v)


_PRIOR = {"verdict_date": "2005-01-01", "articles": [{"article": "188"}], "category": "medium", "intent": "intentional",
          "sentence_kind": "fine", "real_imprisonment": False, "expunged": False}


def test_every_cross_field_error_is_still_found():
    """One error of each kind the cross-field checks know, written into a sound record: the fast answer
    is False, and the errors are the full check's."""
    from legality.model import validate

    base = copy.deepcopy(VALID_RECORDS[0])
    edits = {
        "born after verdict": lambda r: r["defendant"].__setitem__("birth_date", "2100-01-01"),
        "deed after verdict": lambda r: r["offences"][0].__setitem__("committed_on", "2100-01-01"),
        "born after deed": lambda r: r["defendant"].__setitem__("birth_date", r["offences"][0]["committed_on"]),
        "bad mitigating": lambda r: r["offences"][0].__setitem__("mitigating", ["53.9"]),
        "bad aggravating": lambda r: r["offences"][0].__setitem__("aggravating", ["54.2.1"]),
        "twice the id": lambda r: r["offences"].append(copy.deepcopy(r["offences"][0])),
        "zero final term": lambda r: r["final_sentence"].__setitem__(
            "principal", {"kind": "imprisonment", "term": {"years": 0}}),
        "amount of another kind": lambda r: r["final_sentence"].__setitem__(
            "principal", {"kind": "fine", "term": {"years": 1}}),
        "zero additional": lambda r: r["offences"][0]["sentence"].__setitem__(
            "additional", [{"kind": "imprisonment", "term": {"days": 0}}]),
        "zero episode term": lambda r: r["offences"][0]["sentence"].__setitem__(
            "principal", {"kind": "imprisonment", "term": {"months": 0}}),
        "release before prior": lambda r: r["defendant"].__setitem__("prior_convictions", [dict(_PRIOR, release_date="2000-01-01")]),
        "in force before prior": lambda r: r["defendant"].__setitem__("prior_convictions", [dict(_PRIOR, in_force_date="2000-01-01")]),
        "zero prior probation": lambda r: r["defendant"].__setitem__("prior_convictions", [dict(_PRIOR, probation={"days": 0})]),
        "zero probation": lambda r: r["final_sentence"].__setitem__("probation", {"period": {"months": 0}}),
        "prior after verdict": lambda r: r["defendant"].__setitem__("prior_convictions", [{
            "verdict_date": "2100-01-01", "articles": [{"article": "188"}], "category": "medium", "intent": "intentional",
            "sentence_kind": "fine", "real_imprisonment": False, "expunged": False}]),
        "unserved after verdict": lambda r: r["final_sentence"].__setitem__("prior_unserved", {
            "verdict_date": "2100-01-01", "principal": {"kind": "imprisonment", "term": {"years": 1}}}),
        "evasion before deed": lambda r: r["offences"][0].__setitem__("evasion", {"from": "1900-01-01"}),
    }
    found = 0
    for name, edit in edits.items():
        rec = copy.deepcopy(base)
        edit(rec)
        try:
            v = fast._DECODER.decode(orjson.dumps(rec))
        except Exception:  # noqa: BLE001 - a shape the fast model refuses: the model's, not ours
            continue
        _checked_both_ways(v)
        if validate.cross_field_errors(v):
            assert not validate._verdict_fine(v), name
            found += 1
    assert found >= 14
