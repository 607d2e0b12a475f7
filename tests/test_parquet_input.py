"""Parquet input: one row = one record, in both layouts, with the same report as the same records in JSON Lines.

The Parquet files are made in tmp_path from the fixture JSON Lines by `tools/jsonl_to_parquet.py`
(so the converter is tested too).  A fixture file concatenated without blank lines has line N =
row N, so the Parquet report must equal the JSON Lines report byte for byte once the file name is
swapped: every status, candidate, error path and message, and the summary.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.io import parquet
from legality.io.reader import iter_raw, read_records, resolve_inputs
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR, write_batch

RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
TOOL = Path(__file__).resolve().parents[1] / "tools" / "jsonl_to_parquet.py"


def _have_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


@pytest.fixture
def pa():
    """pyarrow, which these tests need; skipped without it, except under CI=true where that is a failure."""
    if not _have_pyarrow():
        if os.environ.get("CI") == "true":
            pytest.fail("pyarrow is not installed (pip install -e '.[test]' or '.[parquet]')")
        pytest.skip("pyarrow is not installed")
    import pyarrow

    return pyarrow


def _tool():
    spec = importlib.util.spec_from_file_location("jsonl_to_parquet", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def concat(paths: list[Path], out: Path) -> Path:
    """The records of several .jsonl files as one file without blank lines (line N = record N)."""
    lines = []
    for p in paths:
        lines += [x.strip() for x in p.read_bytes().splitlines() if x.strip()]
    out.write_bytes(b"\n".join(lines) + b"\n")
    return out


def scan(*args: str):
    return CliRunner().invoke(main, ["scan", *args, "--rules", RULES, "--no-progress"], catch_exceptions=False)


def report(path: Path, tmp: Path, fmt: str = "jsonl", *extra: str) -> tuple[bytes, bytes]:
    """(report bytes with the file name replaced by FILE, the summary without its times) of `scan path --all`."""
    summary = tmp / f"{path.name}.{fmt}.summary.json"
    r = scan(str(path), "-f", fmt, "--all", "-j", "1", "--summary", str(summary), *extra)
    assert r.exit_code == 0, r.stderr
    body = r.stdout_bytes.replace(str(path).encode(), b"FILE")
    counts = {k: v for k, v in orjson.loads(summary.read_bytes()).items() if k not in ("started", "finished")}
    return body, orjson.dumps(counts)


def same_report(jsonl: Path, pq_file: Path, tmp: Path, fmt: str = "jsonl") -> None:
    a, sa = report(jsonl, tmp, fmt)
    b, sb = report(pq_file, tmp, fmt)
    assert a and a == b
    assert sa == sb


VERDICT_FILES = sorted((FIXTURES_DIR / "verdicts").rglob("*.jsonl"))
INVALID_FILES = sorted((FIXTURES_DIR / "invalid").glob("*.jsonl"))


# ---- both layouts give the JSON Lines report


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_record_layout_reports_every_fixture_like_jsonl(pa, tmp_path, fmt):
    # the valid fixtures and every invalid one (broken JSON, wrong types, duplicate keys, non-UTF-8)
    src = concat(VERDICT_FILES + INVALID_FILES, tmp_path / "all.jsonl")
    dst = tmp_path / "all.parquet"
    _tool().convert(src, dst, layout="record", row_group_rows=40)
    same_report(src, dst, tmp_path, fmt)


@pytest.mark.parametrize("dates", [False, True], ids=["dates-as-text", "dates-as-date32"])
def test_nested_layout_reports_the_fixtures_like_jsonl(pa, tmp_path, dates):
    src = concat(VERDICT_FILES + [FIXTURES_DIR / "invalid" / "cross_field.jsonl"], tmp_path / "v.jsonl")
    dst = tmp_path / "v.parquet"
    _tool().convert(src, dst, layout="nested", row_group_rows=1000, dates=dates)
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(dst).schema_arrow
    assert isinstance(schema.field("offences").type, pa.ListType)  # really nested, not text
    assert (schema.field("verdict_date").type == pa.date32()) is dates
    same_report(src, dst, tmp_path)


def test_several_row_groups_and_workers_give_the_same_report(pa, tmp_path):
    src = write_batch(tmp_path / "g.jsonl", 300)
    dst = tmp_path / "g.parquet"
    _tool().convert(src, dst, layout="nested", row_group_rows=37)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(dst).metadata.num_row_groups == 9
    a, _ = report(src, tmp_path)
    b, _ = report(dst, tmp_path)
    c = scan(str(dst), "-f", "jsonl", "--all", "-j", "2")
    assert c.exit_code == 0, c.stderr
    assert a == b == c.stdout_bytes.replace(str(dst).encode(), b"FILE")
    assert [orjson.loads(x)["source"]["line"] for x in b.splitlines()] == list(range(1, 301))


# ---- streaming


def test_rows_are_read_one_row_group_at_a_time(pa, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    src = write_batch(tmp_path / "s.jsonl", 200)
    dst = tmp_path / "s.parquet"
    _tool().convert(src, dst, layout="nested", row_group_rows=50)
    whole = list(parquet.frames(dst))  # batches of the default size
    calls: list[list[int]] = []
    sizes: list[int] = []
    real = pq.ParquetFile.iter_batches

    def spy(self, *a, **k):
        calls.append(list(k["row_groups"]))
        for batch in real(self, *a, **k):
            sizes.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 16)
    frames = parquet.frames(dst)
    first = next(frames)
    assert first[0] == 1 and first[2] is None
    assert calls == [[0]]  # the first record comes before the later row groups are touched
    rest = list(frames)
    assert calls == [[0], [1], [2], [3]]
    assert max(sizes) == 16 and sum(sizes) == 200  # Python objects of 16 rows at a time
    assert [f[0] for f in [first, *rest]] == list(range(1, 201))
    assert [first, *rest] == whole  # a row's bytes do not depend on how the file is cut into batches
    # the framed bytes are the record as in the JSON Lines, a null field being an absent one
    lines = src.read_bytes().splitlines()
    assert orjson.loads(rest[41][1]) == without_nulls(orjson.loads(lines[42]))
    assert b"null" in lines[42]


def test_a_file_can_be_read_in_parts_of_row_groups(pa, tmp_path):
    # what a scan split between workers reads: the parts together are the whole file, numbered alike
    src = write_batch(tmp_path / "p.jsonl", 100)
    dst = tmp_path / "p.parquet"
    _tool().convert(src, dst, layout="record", row_group_rows=30)
    assert parquet.row_groups(dst) == [(1, 30), (31, 30), (61, 30), (91, 10)]
    whole = list(parquet.frames(dst))
    parts = [list(parquet.frames(dst, range(0, 1))), list(parquet.frames(dst, range(1, 4)))]
    assert parts[0] + parts[1] == whole and parts[1][0][0] == 31


def without_nulls(obj):
    if isinstance(obj, dict):
        return {k: without_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [without_nulls(v) for v in obj]
    return obj


# ---- files and rows that are wrong


def _only_line(r) -> dict:
    lines = [orjson.loads(x) for x in r.stdout_bytes.splitlines()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("content", [b"PAR1 this is not parquet at all PAR1", b"", b"\x00" * 100],
                         ids=["garbage", "empty", "zeros"])
def test_a_file_that_is_not_parquet_is_one_invalid_record(pa, tmp_path, content):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(content)
    r = scan(str(bad), "-f", "jsonl")
    assert r.exit_code == 0, r.stderr
    x = _only_line(r)
    assert x["status"] == "invalid" and x["source"]["line"] == 1
    assert "повреждён или не является файлом Parquet" in x["errors"][0]["message"]
    assert "некорректных: 1" in r.stderr


def test_a_truncated_file_is_one_invalid_record_and_the_next_file_is_read(pa, tmp_path):
    src = concat(VERDICT_FILES[:1], tmp_path / "a.jsonl")
    good = tmp_path / "b.parquet"
    _tool().convert(src, good, layout="record")
    cut = tmp_path / "a.parquet"
    cut.write_bytes(good.read_bytes()[:-20])
    items = list(read_records([cut, good]))
    assert [(i.file.rsplit("/", 1)[-1], i.line, i.valid) for i in items[:2]] == [("a.parquet", 1, False), ("b.parquet", 1, True)]
    assert len(items) == 1 + len(src.read_bytes().splitlines())


def test_a_file_with_neither_layout_is_one_invalid_record(pa, tmp_path):
    import pyarrow.parquet as pq

    f = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3], "record": [1, 2, 3]}), f)  # `record` that is not text
    r = scan(str(f), "-f", "jsonl")
    x = _only_line(r)
    assert x["status"] == "invalid" and x["source"]["line"] == 1
    assert "нет ни столбца record" in x["errors"][0]["message"]


def test_bad_rows_are_invalid_records_with_their_row_number(pa, tmp_path):
    import pyarrow.parquet as pq

    good = orjson.loads(VERDICT_FILES[0].read_bytes().splitlines()[0])
    wrong_date = dict(good, verdict_date="2024-02-30")
    # layout record: a good row, JSON that is broken, a null, blank text, a record with a bad date
    f = tmp_path / "rec.parquet"
    texts = [orjson.dumps(good), b'{"case_id": "X-1", ', None, b"  ", orjson.dumps(wrong_date)]
    pq.write_table(pa.table({"record": pa.array(texts, pa.binary())}), f)
    rows = [(i.line, i.valid, i.case_id, [e.path for e in i.errors]) for i in read_records([f])]
    assert rows[0] == (1, True, good["case_id"], [])
    assert rows[1][:3] == (2, False, "X-1")  # the case id is salvaged from broken JSON, as in .jsonl
    assert rows[2] == (3, False, None, ["$"]) and rows[3] == (4, False, None, ["$"])  # null, blank: empty records
    assert rows[4] == (5, False, good["case_id"], ["verdict_date"])
    # the same bad date in the nested layout: the same error as the JSON Lines record gives
    n = tmp_path / "nested.parquet"
    pq.write_table(pa.Table.from_pylist([good, wrong_date]), n)
    jl = tmp_path / "nested.jsonl"
    jl.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(wrong_date) + b"\n")
    same_report(jl, n, tmp_path)
    r = scan(str(n), "-f", "jsonl")
    x = [orjson.loads(x) for x in r.stdout_bytes.splitlines()][-1]
    assert x["source"]["line"] == 2 and x["status"] == "invalid" and x["errors"][0]["path"] == "verdict_date"


@pytest.mark.parametrize("kind", ["string", "large_string", "binary", "categorical"])
def test_the_record_column_may_be_any_text_type(pa, tmp_path, kind):
    import pyarrow.parquet as pq

    lines = [x for x in VERDICT_FILES[0].read_bytes().splitlines() if x.strip()]
    texts = [x.decode() for x in lines]
    arrays = {"string": lambda: pa.array(texts, pa.string()), "large_string": lambda: pa.array(texts, pa.large_string()),
              "binary": lambda: pa.array(lines, pa.binary()),
              "categorical": lambda: pa.array(texts, pa.string()).dictionary_encode()}
    f = tmp_path / "r.parquet"
    pq.write_table(pa.table({"id": list(range(len(lines))), "record": arrays[kind]()}), f)
    items = list(read_records([f]))
    assert [i.line for i in items] == list(range(1, len(lines) + 1))
    assert all(i.valid for i in items)
    assert [i.case_id for i in items] == [orjson.loads(x)["case_id"] for x in lines]


def test_a_damaged_row_group_costs_its_rows_only(pa, tmp_path):
    import pyarrow.parquet as pq

    src = write_batch(tmp_path / "d.jsonl", 90)
    f = tmp_path / "d.parquet"
    _tool().convert(src, f, layout="nested", row_group_rows=30)
    meta = pq.ParquetFile(f).metadata

    def start(g: int) -> int:
        rg = meta.row_group(g)
        return min(min(c.dictionary_page_offset or c.data_page_offset, c.data_page_offset)
                   for c in (rg.column(j) for j in range(rg.num_columns)))

    data = bytearray(f.read_bytes())
    data[start(1):start(2)] = b"\xab" * (start(2) - start(1))
    f.write_bytes(bytes(data))
    r = scan(str(f), "-f", "jsonl", "--all")
    assert r.exit_code == 0, r.stderr
    lines = [orjson.loads(x) for x in r.stdout_bytes.splitlines()]
    assert [x["source"]["line"] for x in lines] == list(range(1, 31)) + [31] + list(range(61, 91))
    broken = lines[30]
    assert broken["status"] == "invalid" and "строки 31–60" in broken["errors"][0]["message"]
    assert all(x["status"] != "invalid" for x in lines[:30] + lines[31:])


def test_a_parquet_file_named_jsonl_says_to_rename_it(pa, tmp_path):
    src = concat(VERDICT_FILES[:1], tmp_path / "a.jsonl")
    _tool().convert(src, tmp_path / "a.parquet", layout="record")
    misnamed = tmp_path / "export.jsonl"
    misnamed.write_bytes((tmp_path / "a.parquet").read_bytes())
    (item,) = list(read_records([misnamed]))
    assert item.line == 1 and "расширение .parquet" in item.errors[0].message


def test_directories_take_parquet_files_in_sorted_order(pa, tmp_path):
    src = concat(VERDICT_FILES[:1], tmp_path / "src.jsonl")
    d = tmp_path / "in"
    (d / "b").mkdir(parents=True)
    _tool().convert(src, d / "b" / "x.parquet", layout="record")
    _tool().convert(src, d / "a.PARQUET", layout="record")
    (d / "c.jsonl").write_bytes(src.read_bytes())
    sources, errors = resolve_inputs([str(d)])
    assert errors == []
    assert [(s.name.rsplit("in/", 1)[-1], s.kind) for s in sources] == [
        ("a.PARQUET", "parquet"), ("b/x.parquet", "parquet"), ("c.jsonl", "jsonl")]
    n = len(src.read_bytes().splitlines())
    assert len(list(iter_raw(sources))) == 3 * n


def test_validate_reads_parquet_with_row_numbers(pa, tmp_path):
    src = concat([FIXTURES_DIR / "invalid" / "shape.jsonl"], tmp_path / "shape.jsonl")
    dst = tmp_path / "shape.parquet"
    _tool().convert(src, dst, layout="record")
    a = CliRunner().invoke(main, ["validate", str(src)], catch_exceptions=False)
    b = CliRunner().invoke(main, ["validate", str(dst)], catch_exceptions=False)
    assert a.exit_code == b.exit_code == 1
    assert a.stdout.replace(str(src), "FILE") == b.stdout.replace(str(dst), "FILE")


def test_the_converter_refuses_a_file_that_cannot_be_nested(pa, tmp_path):
    # `part` is a number in one record and text in the other: no single column type
    src = tmp_path / "mixed.jsonl"
    good = orjson.loads(VERDICT_FILES[0].read_bytes().splitlines()[0])
    other = orjson.loads(orjson.dumps(good))
    other["offences"][0]["part"] = "3"
    src.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(other) + b"\n")
    tool = _tool()
    assert tool.main([str(src), str(tmp_path / "m.parquet"), "--layout", "nested"]) == 2
    assert not (tmp_path / "m.parquet").exists()
    assert tool.main([str(src), str(tmp_path / "m.parquet")]) == 0  # the record layout takes anything


# ---- without pyarrow


def test_without_pyarrow_a_parquet_input_is_an_input_error(tmp_path, monkeypatch):
    f = tmp_path / "export.parquet"
    f.write_bytes(b"PAR1")
    ok = concat(VERDICT_FILES[:1], tmp_path / "ok.jsonl")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    sources, errors = resolve_inputs([str(ok), str(f)])
    assert [s.kind for s in sources] == ["jsonl"]
    assert len(errors) == 1 and errors[0].path == str(f)
    assert "pip install 'legality[parquet]'" in errors[0].message and "pyarrow" in errors[0].message
    r = scan(str(ok), str(f), "-f", "jsonl")
    assert r.exit_code == 2 and r.stdout_bytes == b""
    assert "legality[parquet]" in r.stderr
