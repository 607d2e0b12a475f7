"""A chunk of frames sent to a `--jobs` worker as columns (`io/reader.to_columns` / `from_columns`):
the worker must get back exactly the frames the main process framed, whatever they hold."""

from __future__ import annotations

import pickle

from legality.io.reader import RawRecord, from_columns, to_columns


def _round_trip(raws: list[RawRecord]) -> list[RawRecord]:
    return from_columns(pickle.loads(pickle.dumps(to_columns(raws), protocol=pickle.HIGHEST_PROTOCOL)))


def _fields(raws: list[RawRecord]) -> list[tuple[object, ...]]:
    return [(r.file, r.line, r.data, r.problem) for r in raws]


def test_one_file_without_problems_is_sent_as_one_name_and_no_problem_column():
    raws = [RawRecord("a.jsonl", i + 1, b'{"case_id": "%d"}' % i) for i in range(5)]
    cols = to_columns(raws)
    assert cols[0] == "a.jsonl" and cols[3] is None
    back = _round_trip(raws)
    assert back == raws and _fields(back) == _fields(raws)
    assert all(type(r) is RawRecord for r in back)


def test_several_files_missing_data_and_problems_come_back_field_by_field():
    raws = [
        RawRecord("a.jsonl", 1, b"{}"),
        RawRecord("a.jsonl", 3, None, "файл пуст"),
        RawRecord("b.json", 0, b"[1]", None),
        RawRecord("b.json", 1, b"\xff\xfe", "текст не в кодировке UTF-8"),
        RawRecord("-", 7, b"", ""),            # an empty problem is kept as "", not turned into None
        RawRecord("c.parquet", 2, None, None),
    ]
    back = _round_trip(raws)
    assert _fields(back) == _fields(raws)
    assert [r.content_hash for r in back] == [r.content_hash for r in raws]
    assert isinstance(to_columns(raws)[0], list)


def test_an_empty_problem_alone_is_still_sent():
    raws = [RawRecord("a.jsonl", 1, b"x", ""), RawRecord("a.jsonl", 2, b"y")]
    assert to_columns(raws)[3] == ["", None]
    assert _fields(_round_trip(raws)) == _fields(raws)


def test_an_empty_chunk():
    assert _round_trip([]) == []


def test_rebuilt_frames_stay_frozen_and_hashable():
    back = _round_trip([RawRecord("a.jsonl", 1, b"{}")])[0]
    assert hash(back) == hash(RawRecord("a.jsonl", 1, b"{}"))
    try:
        back.line = 2  # type: ignore[misc]
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a rebuilt frame must stay frozen")
