"""The batch reader: framing of .jsonl/.json/stdin, bad bytes, directory order, decoding."""

from __future__ import annotations

import io
import json
import sys

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legality.io import framing
from legality.io.reader import InputError, RawRecord, decode, iter_raw, read_records, resolve_inputs
from legality.io.sources import STDIN_NAME
from verdict_samples import record

GOOD = json.dumps(record(), ensure_ascii=False).encode()


def raws(tmp_path, name: str, content: bytes) -> list[RawRecord]:
    p = tmp_path / name
    p.write_bytes(content)
    sources, errors = resolve_inputs([str(p)])
    assert errors == []
    return list(iter_raw(sources))


def items(tmp_path, name: str, content: bytes):
    return [decode(r) for r in raws(tmp_path, name, content)]


def line(case_id: str) -> bytes:
    return json.dumps(record(case_id=case_id), ensure_ascii=False).encode()


# ---- JSON Lines


def test_bom_crlf_and_blank_lines_are_accepted(tmp_path):
    content = framing.BOM + line("A") + b"\r\n\r\n   \r\n" + line("B") + b"\r\n\n" + line("C")
    got = items(tmp_path, "b.jsonl", content)
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "A", True), (4, "B", True), (6, "C", True)]


def test_broken_json_invalidates_only_its_line(tmp_path):
    broken = line("B")[:-40]
    got = items(tmp_path, "b.jsonl", b"\n".join([line("A"), broken, line("C")]) + b"\n")
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "A", True), (2, "B", False), (3, "C", True)]
    (err,) = got[1].errors
    assert err.path == "$" and err.message.startswith("некорректный JSON")


def test_non_utf8_line_is_one_invalid_record(tmp_path):
    cp1251 = json.dumps(record(case_id="B"), ensure_ascii=False).encode("cp1251")
    got = items(tmp_path, "b.jsonl", line("A") + b"\n" + cp1251 + b"\n" + line("C") + b"\n")
    assert [(i.line, i.valid) for i in got] == [(1, True), (2, False), (3, True)]
    assert got[1].case_id == "B"  # still readable from the bytes
    assert "UTF-8" in got[1].errors[0].message and "Windows-1251" in got[1].errors[0].message


def test_binary_file_is_one_invalid_record(tmp_path):
    blob = bytes(range(256)) * 64
    got = items(tmp_path, "blob.jsonl", blob)
    assert len(got) == 1 and got[0].line == 1 and not got[0].valid
    assert "двоичный" in got[0].errors[0].message


def test_utf16_file_is_named(tmp_path):
    got = items(tmp_path, "u16.jsonl", line("A").decode().encode("utf-16"))
    assert len(got) == 1 and "UTF-16" in got[0].errors[0].message


def test_empty_jsonl_is_an_empty_batch_and_empty_json_is_a_problem(tmp_path):
    assert raws(tmp_path, "e.jsonl", b"") == []
    assert raws(tmp_path, "w.jsonl", b"\n \r\n\t\n") == []
    (r,) = raws(tmp_path, "e.json", b"")
    assert r.line == 1 and r.data is None and "пуст" in r.problem


def test_last_line_without_newline_is_read(tmp_path):
    got = items(tmp_path, "b.jsonl", line("A") + b"\n" + line("B"))
    assert [i.case_id for i in got] == ["A", "B"]


def test_fifty_megabyte_line_is_read_without_error(tmp_path):
    big = record(case_id="BIG")
    big["court"]["name"] = "Ж" * (25 << 20)  # 50 MB of UTF-8
    content = line("A") + b"\n" + json.dumps(big, ensure_ascii=False).encode() + b"\n" + b"x" * (50 << 20) + b"\n"
    got = items(tmp_path, "big.jsonl", content)
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "A", True), (2, "BIG", True), (3, None, False)]


def test_line_over_the_limit_is_skipped_in_constant_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(framing, "MAX_RECORD_BYTES", 1000)
    monkeypatch.setattr(framing, "CHUNK", 64)
    content = b'{"case_id": "A"}\n' + b"y" * 5000 + b"\n" + b'{"case_id": "C"}\n' + b"z" * 5000
    got = raws(tmp_path, "b.jsonl", content)
    assert [(r.line, r.problem is None) for r in got] == [(1, True), (2, False), (3, True), (4, False)]
    assert "длиннее" in got[1].problem


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.one_of(st.just(""), st.just("  "), st.text(alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=40)), max_size=12),
    chunk=st.integers(1, 17),
    crlf=st.booleans(),
)
def test_line_framing_is_independent_of_chunking(tmp_path, monkeypatch, lines, chunk, crlf):
    monkeypatch.setattr(framing, "CHUNK", chunk)
    content = ("\r\n" if crlf else "\n").join(lines).encode()
    expect = [(n, s.encode().strip(b" \t\r\n")) for n, s in enumerate(lines, 1) if s.strip(" \t\r\n")]
    expect = [(n, b) for n, b in expect if b]
    got = [(line_no, data) for line_no, data, _ in framing.lines(content[:chunk], io.BytesIO(content[chunk:]).read)]
    assert got == expect


# ---- .json


def test_json_object_file_is_line_one(tmp_path):
    got = items(tmp_path, "one.json", b"\n\n" + json.dumps(record(), indent=2, ensure_ascii=False).encode() + b"\n")
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "2024-0153-17", True)]


def test_json_array_uses_zero_based_index(tmp_path):
    arr = [record(case_id="A"), {"case_id": "B", "court": "x"}, record(case_id="C")]
    got = items(tmp_path, "arr.json", framing.BOM + json.dumps(arr, indent=1, ensure_ascii=False).encode())
    assert [(i.line, i.case_id, i.valid) for i in got] == [(0, "A", True), (1, "B", False), (2, "C", True)]


def test_empty_json_array_is_an_empty_batch(tmp_path):
    assert raws(tmp_path, "e.json", b" [ \n ] \n") == []


@pytest.mark.parametrize("content, expect", [
    (b'[{"a": 1}, {"b": "x]},\\""}, [1, [2, {"c": "]"}]] ]', [(0, None), (1, None), (2, None)]),
    (b'[{"a": 1},, {"b": 2}]', [(0, None), (1, "лишняя запятая"), (2, None)]),
    (b'[{"a": 1}, ]', [(0, None), (1, "лишняя запятая")]),
    (b'[{"a": 1}, {"b"', [(0, None), (1, "не дописан")]),
    (b'[{"a": 1},', [(0, None), (1, "массив не закрыт")]),
    (b'[', [(0, "массив не закрыт")]),
    (b'[{"a": 1}] {"b": 2}', [(0, None), (1, "лишние данные")]),
])
def test_json_array_edge_cases(tmp_path, content, expect):
    got = raws(tmp_path, "x.json", content)
    assert [r.line for r in got] == [n for n, _ in expect]
    for r, (_, p) in zip(got, expect):
        assert (r.problem is None) == (p is None)
        if p:
            assert p in r.problem


def test_json_file_holding_json_lines_says_what_to_do(tmp_path):
    (i,) = items(tmp_path, "lines.json", line("A") + b"\n" + line("B") + b"\n")
    assert not i.valid and i.case_id == "A" and ".jsonl" in i.errors[0].message


# integers within what orjson reads exactly (past 64 bits it gives a float): this test is about framing
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
    | st.sampled_from(['"', "\\", "]", "[", "{", "}", ",", '\\"]', "\\\\"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(json_values, max_size=6), chunk=st.integers(1, 23), indent=st.booleans())
def test_array_splitting_matches_a_full_parse_at_any_chunk_size(monkeypatch, values, chunk, indent):
    monkeypatch.setattr(framing, "CHUNK", chunk)
    text = json.dumps(values, indent=1 if indent else None, ensure_ascii=False).encode()
    body = text[1:]  # after "["
    frames = list(framing.array(body[:chunk], io.BytesIO(body[chunk:]).read))
    assert [p for _, _, p in frames] == [None] * len(values)
    assert [n for n, _, _ in frames] == list(range(len(values)))
    assert [orjson.loads(d) for _, d, _ in frames] == values


# ---- stdin


def _stdin(monkeypatch, content: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content), encoding="utf-8"))


def test_stdin_json_lines(monkeypatch):
    _stdin(monkeypatch, line("A") + b"\n\n" + line("B") + b"\n")
    got = list(read_records(["-"]))
    assert [(i.file, i.line, i.case_id) for i in got] == [(STDIN_NAME, 1, "A"), (STDIN_NAME, 3, "B")]


def test_stdin_array_and_pretty_object(monkeypatch):
    _stdin(monkeypatch, json.dumps([record(case_id="A"), record(case_id="B")]).encode())
    assert [(i.line, i.case_id, i.valid) for i in read_records(["-"])] == [(0, "A", True), (1, "B", True)]
    _stdin(monkeypatch, json.dumps(record(case_id="P"), indent=2, ensure_ascii=False).encode())
    assert [(i.line, i.case_id, i.valid) for i in read_records(["-"])] == [(1, "P", True)]


# ---- paths and directories


def test_directory_recursion_is_sorted_and_skips_other_files(tmp_path):
    for rel in ["b/z.jsonl", "b/a.json", "a.ndjson", "c.JSONL", "b/sub/x.jsonl", "notes.txt", ".hidden/h.jsonl",
                "b/.h.jsonl", "b-c.jsonl"]:
        p = tmp_path / "in" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(line(rel) if rel.endswith("l") else b"[]")
    sources, errors = resolve_inputs([str(tmp_path / "in") + "/"])
    names = [s.name[len(str(tmp_path)) + 1:] for s in sources]
    assert errors == []
    assert names == ["in/a.ndjson", "in/b/a.json", "in/b/sub/x.jsonl", "in/b/z.jsonl", "in/b-c.jsonl", "in/c.JSONL"]


def test_paths_are_displayed_as_given(tmp_path, monkeypatch):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.jsonl").write_bytes(line("A"))
    monkeypatch.chdir(tmp_path)
    sources, _ = resolve_inputs(["./d", "d/x.jsonl"])
    assert [s.name for s in sources] == ["d/x.jsonl"]  # the second is the same file: read once


def test_unreadable_paths_are_input_errors(tmp_path):
    (tmp_path / "ok.jsonl").write_bytes(line("A"))
    sources, errors = resolve_inputs([str(tmp_path / "missing.jsonl"), str(tmp_path / "ok.jsonl")])
    assert [s.name.rsplit("/", 1)[-1] for s in sources] == ["ok.jsonl"]
    assert len(errors) == 1 and errors[0].path.endswith("missing.jsonl") and "не найден" in errors[0].message
    with pytest.raises(InputError):
        list(read_records([str(tmp_path / "missing.jsonl")]))


def test_file_without_read_permission_is_an_input_error(tmp_path, monkeypatch):
    import builtins

    p = tmp_path / "secret.jsonl"
    p.write_bytes(line("A"))
    real_open = builtins.open

    def guarded(file, *a, **k):  # as root chmod 000 does not stop us, so refuse the way the OS would
        if str(file) == str(p):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", guarded)
    _, errors = resolve_inputs([str(p), str(tmp_path)])
    assert [e.path.rsplit("/", 1)[-1] for e in errors] == ["secret.jsonl"] * 2
    assert all(e.message == "нет прав на чтение" for e in errors)


def test_file_vanishing_after_resolution_is_a_record_problem(tmp_path):
    p = tmp_path / "gone.jsonl"
    p.write_bytes(line("A"))
    sources, _ = resolve_inputs([str(p)])
    p.unlink()
    (r,) = list(iter_raw(sources))
    assert r.data is None and "ошибка чтения" in r.problem


# ---- decoding and hashes


def test_content_hash_ignores_surrounding_whitespace_and_bom_and_survives_decode(tmp_path):
    a = raws(tmp_path, "a.jsonl", framing.BOM + b"  " + GOOD + b" \r\n")
    b = raws(tmp_path, "b.json", b"\n" + GOOD + b"\n")
    assert a[0].content_hash == b[0].content_hash == decode(a[0]).content_hash
    assert decode(a[0]).verdict is not None


def test_case_id_is_read_from_invalid_records():
    assert decode(RawRecord("f", 1, b'{"case_id": "X-1", "court": 5}')).case_id == "X-1"
    assert decode(RawRecord("f", 1, b'{"case_id": "", "court": 5}')).case_id is None
    assert decode(RawRecord("f", 1, b'{"case_id": 7}')).case_id is None
    assert decode(RawRecord("f", 1, b'{"case_id": "X\\u002d2", broken')).case_id == "X-2"


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_decode_never_raises_on_any_bytes(data):
    item = decode(RawRecord("f.jsonl", 1, data))
    assert item.verdict is None and item.errors and all(e.message for e in item.errors)


def test_decode_never_raises_on_deep_nesting():
    item = decode(RawRecord("f.jsonl", 1, b"[" * 100_000 + b"]" * 100_000))
    assert not item.valid and item.errors[0].path == "$"


def test_items_pickle_for_worker_processes(tmp_path):
    import pickle

    (i,) = items(tmp_path, "a.jsonl", GOOD)
    j = pickle.loads(pickle.dumps(i))
    assert j == i and j.verdict == i.verdict


def test_frames_pickle_through_the_fast_constructor():
    """`--jobs` sends frames to workers: every field survives, the copy stays frozen, and the pickle names
    the fast constructor (not the dataclass's per-object `fields()` state)."""
    import dataclasses
    import pickle

    from legality.io import reader

    for r in (reader.RawRecord("f.jsonl", 3, b'{"a": 1}'), reader.RawRecord("g.json", 7, None, "пустая запись")):
        q = pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(q) is reader.RawRecord and q == r and hash(q) == hash(r) and q.content_hash == r.content_hash
        assert (q.file, q.line, q.data, q.problem) == (r.file, r.line, r.data, r.problem)
        with pytest.raises(dataclasses.FrozenInstanceError):
            q.line = 4  # type: ignore[misc]
        assert r.__reduce__()[0] is reader._raw_record


def test_the_fast_constructors_make_the_dataclasses_objects():
    import dataclasses

    from legality.io import reader

    a, b = reader._raw_record("f.jsonl", 3, b"{}", None), reader.RawRecord("f.jsonl", 3, b"{}", None)
    assert type(a) is type(b) and a == b and hash(a) == hash(b) and a.content_hash == b.content_hash
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.line = 4  # type: ignore[misc]
    i = reader._record_item("f.jsonl", 3, "C-1", None, [], "h")
    assert i == reader.RecordItem("f.jsonl", 3, "C-1", None, [], "h") and not i.valid
    with pytest.raises(dataclasses.FrozenInstanceError):
        i.case_id = "x"  # type: ignore[misc]
    for cls in (reader.RawRecord, reader.RecordItem):
        with pytest.raises(ImportError):
            reader._fields_are(cls, tuple(f.name for f in dataclasses.fields(cls))[:-1])
