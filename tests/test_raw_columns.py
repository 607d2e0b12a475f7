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


def test_workers_get_frames_of_several_files_with_problems_as_they_were_framed():
    """`--jobs 2` (fork, small chunks that straddle files) writes what `--jobs 1` writes: every file
    name, line, problem and missing record reaches the worker unchanged."""
    import io

    import orjson

    from legality.scan.run import run_scan
    from support.fakes import FakeEngine, fake_factory, record

    raws = []
    for f, name in enumerate(("a.jsonl", "b.json", "c.jsonl")):
        for i in range(150):
            line = i + 1
            if i % 41 == 7:
                raws.append(RawRecord(name, line, b"\xcf\xf0\xe8", "текст не в кодировке UTF-8: недопустимый байт 0xCF"))
            elif i % 53 == 11:
                raws.append(RawRecord(name, line, None, "файл пуст"))
            else:
                data = orjson.dumps(record(f"{name}-{i:04d}", years=2 + i % 4, regime="maximum" if i % 5 == 0 else "medium"))
                raws.append(RawRecord(name, line, data))

    def scan(jobs: int) -> tuple[bytes, dict]:
        out = io.BytesIO()
        s = run_scan([], FakeEngine(), out, fmt="jsonl", raws=raws, jobs=jobs, factory=fake_factory, chunk=64)
        return out.getvalue(), s.to_json() | {"started": "", "finished": ""}

    one, two = scan(1), scan(2)
    assert one == two
    written = [orjson.loads(x)["source"] for x in one[0].splitlines()]
    assert {s["file"] for s in written} == {"a.jsonl", "b.json", "c.jsonl"}
    assert one[1]["invalid"] == sum(1 for r in raws if r.problem is not None)
