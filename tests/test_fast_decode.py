"""The fast decoder (msgspec, model/fast.py) against the pydantic model it stands in for.

What must hold (issue 13 item 2):
- a record the fast path accepts, the pydantic path accepts, and the two objects are equal field by
  field, in value *and* type (a float stays a float, a term a `Term`, a date a `date`);
- for every record, `decode` gives exactly what the pydantic-only path gives today: the same errors
  (paths and Russian messages, in order), case id and hash;
- the engine evaluates a fast-decoded record exactly as the pydantic-decoded one (candidates, faults,
  coverage, trace), and the human formats describe it the same;
- the generated module is what the generator writes from the model today.

"Today's path" is `io.reader.decode` with the fast decoder switched off (`_reference`), so the
comparison also covers the JSON, duplicate-key and shape errors the fallback reports.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import pickle
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from legality.io import reader
from legality.io.reader import RawRecord, decode
from legality.model import fast_gen
from legality.model import verdict as V
from legality.model.enums import ENUMS
from legality.model.fast import decode_valid
from legality.model.fast_base import FastModel, term_from_json
from legality.model.jsonable import safe_dumps, to_jsonable, to_ru
from legality.model.validate import validate_record
from legality.model.values import Term, penalty_amount

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def _lines(root: Path) -> list[tuple[str, int, bytes]]:
    out = []
    for path in sorted(root.rglob("*.jsonl")):
        for i, line in enumerate(path.read_bytes().split(b"\n"), 1):
            if line.strip():
                out.append((path.relative_to(ROOT).as_posix(), i, line.strip()))
    return out


ALL_LINES = _lines(FIXTURES)
VALID_LINES = _lines(FIXTURES / "verdicts")
INVALID_LINES = _lines(FIXTURES / "invalid")
VALID_RECORDS = [orjson.loads(line) for _, _, line in VALID_LINES]


def _reference(raw: RawRecord) -> reader.RecordItem:
    """`decode` as it was before the fast decoder: orjson, duplicate keys, the pydantic model."""
    with mock.patch.object(reader, "decode_valid", lambda data: None), \
            mock.patch.object(reader, "decode_clean", lambda data: None):
        return decode(raw)


def _full_way(raw: RawRecord) -> reader.RecordItem:
    """`decode` without the one-parse shortcut (`decode_clean`): orjson, duplicate keys, `decode_valid`."""
    with mock.patch.object(reader, "decode_clean", lambda data: None):
        return decode(raw)


def shape(x: Any) -> Any:
    """A record as nested plain data that keeps every value's type: equal shapes, interchangeable objects."""
    if isinstance(x, V._Model):
        return ("record", type(x).__name__, {n: shape(getattr(x, n)) for n in type(x).model_fields})
    if isinstance(x, FastModel):
        return ("record", type(x).__name__, {n: shape(getattr(x, n)) for n in x.__struct_fields__})
    if isinstance(x, list):
        return ("list", [shape(v) for v in x])
    if isinstance(x, Term):
        return ("Term", x.years, x.months, type(x.days).__name__, x.days, x.value)
    if isinstance(x, Enum):
        return (type(x).__name__, x.value)
    assert x is None or type(x) in (str, int, float, bool, dt.date), type(x)
    return (type(x).__name__, x)


def _same_item(new: reader.RecordItem, ref: reader.RecordItem) -> None:
    assert new.errors == ref.errors
    assert (new.case_id, new.file, new.line, new.content_hash, new.valid) == (
        ref.case_id, ref.file, ref.line, ref.content_hash, ref.valid)
    if ref.valid:
        assert shape(new.verdict) == shape(ref.verdict)


# ---------------------------------------------------------------------------------------------
# the generated module


def _generator():
    spec = importlib.util.spec_from_file_location("gen_fast_model", ROOT / "tools" / "gen_fast_model.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_module_is_what_the_generator_writes_from_the_model():
    shipped = (ROOT / "src" / "legality" / "model" / "fast_gen.py").read_text(encoding="utf-8")
    assert _generator().render() == shipped, "model/fast_gen.py is stale: run python tools/gen_fast_model.py"


def test_every_model_class_has_its_mirror_with_the_same_fields_and_names():
    models = [c for c in vars(V).values() if isinstance(c, type) and issubclass(c, V._Model) and c is not V._Model]
    assert sorted(c.__name__ for c in models) == sorted(fast_gen.__all__)
    for cls in models:
        mirror = getattr(fast_gen, cls.__name__)
        assert mirror.__struct_fields__ == tuple(cls.model_fields), cls.__name__
        assert mirror.__struct_encode_fields__ == tuple(f.alias or n for n, f in cls.model_fields.items())
        props = {n for n, v in vars(cls).items() if isinstance(v, property)}
        assert props <= {n for n, v in vars(mirror).items() if isinstance(v, property)}, cls.__name__
    assert issubclass(fast_gen.FinalSentence, fast_gen.Sentence)


def test_the_generator_refuses_what_it_cannot_mirror():
    from pydantic import AfterValidator, PlainValidator

    gen = _generator()
    g = gen._Gen()
    assert g.type_of(int, [], "x") == "Annotated[int, Meta(ge=INT_MIN, le=INT_MAX)]"
    assert g.type_of(dt.date, [PlainValidator(V._iso_date)], "x") == "dt.date"
    for tp, meta in [
        (dict[str, int], []),                      # a type it has no mirror for
        (int, [PlainValidator(lambda v: v)]),      # a validator function it has no equivalent for
        (int, [AfterValidator(lambda v: v)]),      # a constraint it does not know
        (dt.date, []),                             # a date without the model's ISO rule accepts another set
        (int | None, [PlainValidator(V._part)]),   # a validator that would see null too
    ]:
        with pytest.raises(gen.Unsupported):
            g.type_of(tp, meta, "x")


# ---------------------------------------------------------------------------------------------
# fixtures


def test_every_valid_fixture_takes_the_fast_path_and_equals_the_model():
    assert len(VALID_LINES) > 100
    for name, i, line in VALID_LINES:
        fast = decode_valid(line)
        assert fast is not None, f"{name}:{i} fell back to the model"
        model = validate_record(orjson.loads(line))
        assert not isinstance(model, list), (name, i, model)
        assert shape(fast) == shape(model), (name, i)


@pytest.mark.parametrize("name,i,line", ALL_LINES, ids=[f"{n}:{i}" for n, i, _ in ALL_LINES])
def test_decode_equals_todays_decode_on_every_fixture_line(name, i, line):
    raw = RawRecord(name, i, line)
    _same_item(decode(raw), _reference(raw))


def test_invalid_fixtures_are_refused_by_the_fast_path():
    """Every invalid fixture that reaches the fast path (JSON that orjson reads, no duplicate key) falls back."""
    reached = 0
    for name, i, line in INVALID_LINES:
        assert not _reference(RawRecord(name, i, line)).valid
        if not _reaches_fast_path(line):
            continue
        reached += 1
        assert decode_valid(line) is None, f"{name}:{i}"
    assert reached > 50


def test_model_interface_of_a_fast_record():
    """What the code calls on a record besides its fields: properties, model_dump, penalty_amount, to_ru, pickling."""
    for _, _, line in VALID_LINES:
        fast = decode_valid(line)
        model = validate_record(orjson.loads(line))
        assert fast is not None and not isinstance(model, list)
        for kw in ({}, {"mode": "json"}, {"mode": "json", "exclude_none": True}, {"by_alias": True}):
            assert fast.model_dump(**kw) == model.model_dump(**kw), kw
        assert safe_dumps(to_jsonable(fast)) == safe_dumps(to_jsonable(model))
        for fo, mo in zip(fast.offences, model.offences):
            assert fo.ref == mo.ref
            for fp, mp in zip([fo.sentence.principal, *fo.sentence.additional],
                              [mo.sentence.principal, *mo.sentence.additional]):
                assert penalty_amount(fp) == penalty_amount(mp)
                assert to_ru(fp) == to_ru(mp)
        for fpc, mpc in zip(fast.defendant.prior_convictions, model.defendant.prior_convictions):
            assert [a.ref for a in fpc.articles] == [a.ref for a in mpc.articles]
        assert pickle.loads(pickle.dumps(fast)) == fast
        with pytest.raises(AttributeError):
            fast.case_id = "x"  # type: ignore[misc]  # frozen, as the model


# ---------------------------------------------------------------------------------------------
# the engine and the human formats


@pytest.fixture(scope="module")
def engine():
    from legality.engine import Engine

    return Engine.load()


def _evaluation_json(ev: Any) -> bytes:
    return safe_dumps({
        "candidates": [c.to_json() for c in ev.candidates],
        "faults": [d.to_json() for d in ev.faults],
        "coverage": ev.coverage.to_json(),
        "trace": ev.trace.to_json() if ev.trace is not None else None,
    })


def test_engine_evaluates_a_fast_record_as_the_model_record(engine):
    from legality.report.context import context_of
    from legality.report.verdict_text import verdict_particulars

    fast_all, model_all = [], []
    for name, i, line in VALID_LINES:
        fast = decode_valid(line)
        model = validate_record(orjson.loads(line))
        assert fast is not None and not isinstance(model, list)
        fast_all.append(fast)
        model_all.append(model)
        assert _evaluation_json(engine.evaluate(fast)) == _evaluation_json(engine.evaluate(model)), (name, i)
        assert context_of(fast) == context_of(model)
        assert verdict_particulars(fast) == verdict_particulars(model)
    for name, i, line in VALID_LINES[::7]:  # traces (explain) on a share of them: they are slower
        fast, model = decode_valid(line), validate_record(orjson.loads(line))
        assert _evaluation_json(engine.evaluate(fast, trace=True)) == _evaluation_json(engine.evaluate(model, trace=True))
    many_fast = [_evaluation_json(e) for e in engine.evaluate_many(fast_all)]
    many_model = [_evaluation_json(e) for e in engine.evaluate_many(model_all)]
    assert many_fast == many_model


# ---------------------------------------------------------------------------------------------
# generated mutations of valid records


_ENUM_CODES = sorted({m.value for e in ENUMS.values() for m in e}) + ["", "m", "KZ ", "Imprisonment"]
_STRINGS = [
    "2020-01-01", "2024-02-29", "2023-02-29", "2020-02-30", "0000-01-01", "9999-12-31", "2020-1-01", "20200101",
    "2020-01-01\n", " 2020-01-01", "2020-01-01T00:00:00", "２０２０-01-01", "+2020-01-01", "3-1", "03-1", "3-0",
    "3-1\n", "3", "53.1.1", "53.2", "54.1.3", "54.1.0", "legality.verdict/1", "legality.verdict/2", " ", "ё", "😀",
    "a:b", "\u003a", "\ud7ff",
]
_INTS = [0, 1, 2, 3, 4, 12, 150, 151, 1000, 1001, 1200, 1201, 10_000, 10_001, 36_000, 36_001, 100_000, 100_001,
         1_000_000, 1_000_001, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -1, -(2**63), -(2**63) - 1, 10**20]
_FLOATS = [0.0, -0.0, 0.001, 0.005, 0.009999, 0.01, 0.1, 1.5, 100.0, 999.99, 1000.0, 1000.5, 999_999.99, 1e6,
           1_000_000.5, 1e15, 1e15 + 0.5, 1.0000000000000002e15, 1e16, 1e300, 5e-324]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(-3, 200), st.sampled_from(_INTS),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(_FLOATS),
    st.text(max_size=8), st.sampled_from(_STRINGS), st.sampled_from(_ENUM_CODES),
)
terms = st.dictionaries(st.sampled_from(["years", "months", "days", "weeks"]),
                        st.one_of(st.integers(-1, 40), st.sampled_from(_INTS), st.booleans(), st.sampled_from([1.0, 0.5])),
                        max_size=4)
values = st.one_of(
    scalars, terms,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, here + (i,))
    return out


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def _dumps(node: Any, ascii_: bool, dup_at: tuple[Any, ...] | None, dup: tuple[str, Any] | None,
           here: tuple[Any, ...] = ()) -> str:
    """JSON text (Python's json: big integers as digits), with one duplicated key written where asked."""
    if isinstance(node, dict):
        items = [json.dumps(k, ensure_ascii=ascii_) + ":" + _dumps(v, ascii_, dup_at, dup, here + (k,))
                 for k, v in node.items()]
        if here == dup_at and dup is not None:
            items.insert(0, json.dumps(dup[0], ensure_ascii=ascii_) + ":" + json.dumps(dup[1], ensure_ascii=ascii_))
        return "{" + ",".join(items) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_dumps(v, ascii_, dup_at, dup, here + (i,)) for i, v in enumerate(node)) + "]"
    return json.dumps(node, ensure_ascii=ascii_)


@st.composite
def mutated_records(draw: Any) -> bytes:
    rec = copy.deepcopy(draw(st.sampled_from(VALID_RECORDS)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(rec)))
        op = draw(st.sampled_from(["drop", "set", "set", "set", "extra", "shift_date"]))
        if not path:
            if op == "set" and draw(st.booleans()):
                rec = draw(values)
                break
            op = "extra"
        node = _at(rec, path)
        if op == "extra" and isinstance(node, dict):
            node[draw(st.one_of(st.text(max_size=6), st.sampled_from(["from_", "weeks", "format", "extra"])))] = draw(values)
        elif op == "shift_date" and isinstance(node, str) and len(node) == 10 and node[4:5] == "-":
            try:
                day = dt.date.fromisoformat(node) + dt.timedelta(days=draw(st.integers(-20000, 20000)))
            except (ValueError, OverflowError):
                continue
            _at(rec, path[:-1])[path[-1]] = day.isoformat()
        elif path and op == "drop":
            parent = _at(rec, path[:-1])
            del parent[path[-1]]
        elif path:
            _at(rec, path[:-1])[path[-1]] = draw(values)
    dup_at, dup = None, None
    if draw(st.integers(0, 9)) == 0:  # a duplicated key somewhere (orjson keeps the last one silently)
        objects = [p for p in _paths(rec) if isinstance(_at(rec, p), dict) and _at(rec, p)]
        if objects:
            dup_at = draw(st.sampled_from(objects))
            dup = (draw(st.sampled_from(sorted(_at(rec, dup_at)))), draw(values))
    return _dumps(rec, draw(st.booleans()), dup_at, dup).encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_mutated_records_decode_as_today(data):
    note(data.decode("utf-8", "replace"))
    raw = RawRecord("m.jsonl", 1, data)
    ref = _reference(raw)
    _same_item(decode(raw), ref)
    if _reaches_fast_path(data):
        fast = decode_valid(data)
        if fast is not None:  # the fast path never accepts what the model refuses
            assert ref.valid, ref.errors
            assert shape(fast) == shape(ref.verdict)


def _reaches_fast_path(data: bytes) -> bool:
    """JSON that orjson reads and without a duplicate key: what `decode` hands to the fast decoder."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return not reader.duplicate_keys(data, obj)


@pytest.mark.parametrize("data", [
    # the model also takes `from_` (populate_by_name): the fast path must not read a different value
    b'{"from": "2020-01-01", "from_": "2019-01-01"}',
    b'{"from_": "2020-01-01"}',
])
def test_evasion_alias_and_name(data):
    rec = copy.deepcopy(next(r for r in VALID_RECORDS if r["offences"][0].get("committed_on") < "2020-01-01"))
    rec["offences"][0]["evasion"] = json.loads(data)
    line = orjson.dumps(rec)
    raw = RawRecord("e.jsonl", 1, line)
    ref = _reference(raw)
    _same_item(decode(raw), ref)
    fast = decode_valid(line)
    assert fast is None or (ref.valid and shape(fast) == shape(ref.verdict))


@pytest.mark.parametrize("obj,ok", [
    ({}, True), ({"years": 3, "months": 9}, True), ({"days": 36_000}, True), ({"years": 100}, True),
    ({"years": 100, "days": 1}, False), ({"years": 99, "months": 12, "days": 1}, False), ({"years": True}, False),
    ({"years": 1.0}, False), ({"weeks": 1}, False), ({"years": -1}, False), ({"months": 1201}, False), ([], False),
])
def test_term_of_the_fast_path_is_the_models_term(obj, ok):
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(Term)
    try:
        want = adapter.validate_python(obj)
    except ValidationError:
        want = None
    assert (want is not None) == ok
    try:
        got = term_from_json(obj)
    except ValueError:
        got = None
    assert shape(got) == shape(want)


def test_decoding_a_valid_record_does_not_import_pydantic():
    line = VALID_LINES[0][2]
    code = ("import sys\n"
            "from legality.model.fast import decode_valid\n"
            f"assert decode_valid({line!r}) is not None\n"
            "print('pydantic' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("field,value,valid", [
    ("part", 2**63 - 1, True), ("part", 2**63, True), ("part", 2**64 - 1, True),  # orjson: ints; the fast path stops at 2**63 - 1
    ("part", 2**64, False),  # orjson reads it as a float: the model refuses it, the fast path must not take it as an int
    ("paragraph", 2**63, True), ("paragraph", 2**64, False), ("part", "3-1", True), ("part", "3-1\n", False),
])
def test_where_the_fast_model_is_narrower_the_model_decides(field, value, valid):
    rec = copy.deepcopy(VALID_RECORDS[0])
    rec["offences"][0][field] = value
    line = json.dumps(rec, ensure_ascii=False).encode()
    raw = RawRecord("n.jsonl", 1, line)
    new, ref = decode(raw), _reference(raw)
    _same_item(new, ref)
    assert new.valid is valid, new.errors
    if valid and isinstance(value, int) and value > 2**63 - 1:
        assert isinstance(new.verdict, V.Verdict)  # the fallback's object, with the model's value
        assert getattr(new.verdict.offences[0], field) == value


# ---------------------------------------------------------------------------------------------
# the one-parse shortcut (`decode_clean`): a duplicate key anywhere sends the record the full way


def _objects_of(node: Any) -> list[tuple[Any, ...]]:
    """The paths of every non-empty object in the record, in `_paths`' order."""
    return [p for p in _paths(node) if isinstance(sub := _at(node, p), dict) and sub]


def test_every_valid_fixture_takes_the_one_parse_shortcut():
    from legality.model.fast import decode_clean

    for name, i, line in VALID_LINES:
        fast = decode_clean(line)
        assert fast is not None, f"{name}:{i}"
        assert shape(fast) == shape(_full_way(RawRecord(name, i, line)).verdict)


@pytest.mark.parametrize("same_value", [True, False])
def test_a_duplicate_key_in_any_object_is_never_taken_by_the_shortcut(same_value):
    """Every key of every object of every valid fixture written twice (with its own value, which the
    typed decode cannot tell from one key, or with null): the shortcut must refuse, and `decode` must
    answer as the full way — the duplicate key's error with its path."""
    from legality.model.fast import decode_clean

    n = 0
    for rec in VALID_RECORDS[:12]:
        for at in _objects_of(rec):
            for key in sorted(_at(rec, at)):
                dup = (key, _at(rec, at)[key] if same_value else None)
                data = _dumps(rec, False, at, dup).encode()
                assert decode_clean(data) is None, (at, key)
                raw = RawRecord("d.jsonl", 1, data)
                item = decode(raw)
                _same_item(item, _reference(raw))
                assert not item.valid and json_path_of(at + (key,)) in [e.path for e in item.errors]
                n += 1
    assert n > 300


def json_path_of(loc: tuple[Any, ...]) -> str:
    from legality.model.validate import json_path

    return json_path(loc)


@pytest.mark.parametrize("extra", [
    b'"note":"a:b"', b'"x":{"k":1,"k":1}', b'"x":[{"a":1,"a":1}]', b'"judge_id\\u0000":"J"', b'"case_id ":"X"',
])
def test_an_unknown_field_sends_the_record_the_full_way(extra):
    from legality.model.fast import decode_clean

    line = VALID_LINES[0][2]
    data = line[:-1] + b"," + extra + b"}"
    assert decode_clean(data) is None
    raw = RawRecord("u.jsonl", 1, data)
    _same_item(decode(raw), _reference(raw))


@pytest.mark.parametrize("text", ["Суд: №1", "a\\u003ab", "x\\\"y:z", "\\u00e9:"])
def test_colons_and_escapes_inside_strings_keep_the_shortcut(text):
    from legality.model.fast import decode_clean

    rec = copy.deepcopy(VALID_RECORDS[0])
    rec["court"]["name"] = "@@"
    data = orjson.dumps(rec).replace(b'"@@"', b'"' + text.encode() + b'"')
    assert decode_clean(data) is not None
    raw = RawRecord("s.jsonl", 1, data)
    _same_item(decode(raw), _reference(raw))
    assert decode(raw).verdict.court.name == orjson.loads(data)["court"]["name"]


def test_the_key_skeleton_refuses_a_type_that_could_hide_an_object():
    from legality.model import fast

    for tp in (dict[str, int], Any, object, int | fast.Verdict):
        with pytest.raises(TypeError):
            fast._skeleton_of(tp)
