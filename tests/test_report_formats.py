"""Every output format, on the same small batch (fake engine: the formats, not the rules, are under test)."""

from __future__ import annotations

import csv
import io
import re

import orjson
import pytest

from legality.io.reader import RawRecord
from legality.report.base import FORMATS, FormatOptions
from legality.report.model import ReportLineModel
from legality.scan.run import run_scan
from support.fakes import FakeEngine, record

HOSTILE_COURT = '<script>alert("x")</script> & «суд»'


def raws() -> list[RawRecord]:
    recs = [
        record("A-1"),                                          # flagged: attempt-term-cap (high)
        record("A-2", years=2),                                 # clean
        b'{"case_id": "BAD-1", "court": ',                     # invalid JSON, mid-batch
        record("=HYPERLINK(1)", regime="maximum", court=HOSTILE_COURT),  # flagged twice; hostile text
        record("boom-1", years=2),                              # engine raises: a fault, not a crash
        {"case_id": "BAD-2", "court": {"code": "X"}},           # invalid shape
        record("A-5", stage="completed"),                       # clean
    ]
    return [RawRecord("batch.jsonl", i + 1, r if isinstance(r, bytes) else orjson.dumps(r)) for i, r in enumerate(recs)]


def scan(fmt: str, **kw) -> tuple[bytes, object]:
    out = io.BytesIO()
    summary = run_scan([], FakeEngine(), out, fmt=fmt, raws=raws(), **kw)
    return out.getvalue(), summary


def test_jsonl_lines_follow_report_v1_in_input_order():
    data, summary = scan("jsonl")
    lines = [orjson.loads(x) for x in data.splitlines()]
    for obj in lines:
        ReportLineModel.model_validate(obj)
    assert [(x["case_id"], x["status"]) for x in lines] == [
        ("A-1", "flagged"), ("BAD-1", "invalid"), ("=HYPERLINK(1)", "flagged"), ("boom-1", "partial"), ("BAD-2", "invalid")]
    assert [x["source"]["line"] for x in lines] == [1, 3, 4, 5, 6]
    assert lines[1]["errors"][0]["path"] == "$"
    assert any(e["path"].startswith("court") or e["path"] in ("verdict_date", "defendant") for e in lines[4]["errors"])
    assert lines[3]["faults"][0]["code"] == "E501"
    assert [c["rule"] for c in lines[2]["candidates"]] == ["regime-maximum", "attempt-term-cap"]
    assert summary.records == 7 and summary.clean == 2 and summary.flagged == 2 and summary.invalid == 2
    assert summary.partial == 1  # the engine failed on boom-1: not fully checked, never clean
    assert summary.records == summary.clean + summary.flagged + summary.invalid + summary.partial
    assert summary.candidates == 3 and summary.faults == 1
    assert dict(summary.by_rule) == {"attempt-term-cap": 2, "regime-maximum": 1}


def test_all_includes_clean_records():
    data, _ = scan("jsonl", include_all=True)
    assert [orjson.loads(x)["case_id"] for x in data.splitlines()] == [
        "A-1", "A-2", "BAD-1", "=HYPERLINK(1)", "boom-1", "BAD-2", "A-5"]


def test_json_is_the_jsonl_lines_as_one_array():
    jsonl, _ = scan("jsonl")
    doc, _ = scan("json")
    assert orjson.loads(doc) == [orjson.loads(x) for x in jsonl.splitlines()]


def test_json_of_an_empty_run_is_an_empty_array():
    out = io.BytesIO()
    run_scan([], FakeEngine(), out, fmt="json", raws=[])
    assert orjson.loads(out.getvalue()) == []


@pytest.mark.parametrize("delim", [",", ";"])
def test_csv_reads_back_one_row_per_candidate(delim):
    """Only candidates are rows (a pivot table counts rows); invalid and unfinished records are counted
    in the summary and listed by -f xlsx (tests/test_csv_columns.py, tests/test_xlsx.py)."""
    data, summary = scan("csv", options=FormatOptions(csv_delimiter=delim))
    assert data.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delim))
    assert [(r["Дело"], r["Правило"]) for r in rows] == [
        ("A-1", "Срок за покушение выше 3/4 максимума"),
        ("'=HYPERLINK(1)", "Учреждение максимальной безопасности без оснований"),
        ("'=HYPERLINK(1)", "Срок за покушение выше 3/4 максимума")]
    assert rows[0]["Нормы"] == "ч.3 ст.56 УК РК" and rows[0]["Важность"] == "высокая"
    assert rows[0]["Назначено"] == "4 года" and rows[0]["Закон допускает"] == "не более 3 лет"
    assert summary.invalid == 2 and summary.partial == 1  # BAD-1, BAD-2, boom-1: counted, not rows


def test_sarif_has_the_2_1_0_structure():
    data, _ = scan("sarif")
    log = orjson.loads(data)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "legality"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and {"attempt-term-cap", "regime-maximum"} <= set(ids)
    assert len(run["results"]) == 3
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == "batch.jsonl" and phys["region"]["startLine"] >= 1
        assert len(res["partialFingerprints"]["legality/v1"]) == 24
    assert [r["level"] for r in run["results"]] == ["error", "warning", "error"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"E401", "E501"}


def test_html_escapes_record_text_and_loads_nothing_from_outside():
    data, _ = scan("html")
    html = data.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; «суд»" in html
    assert "http-equiv=\"Content-Security-Policy\"" in html
    for needle in ("src=", "@import", "url("):
        assert needle not in html
    # the only links are the drafts embedded in the page (data: URIs): nothing is fetched
    assert all(h.startswith("data:") for h in re.findall(r'href="([^"]*)"', html))
    assert html.count('<tr class="cand"') == 3
    assert html.count('<rect class="bar"') >= 3  # three charts, at least one bar each


def test_table_lists_cases_and_summary():
    data, _ = scan("table")
    text = data.decode()
    assert "\x1b[" not in text  # no colour codes off a terminal
    for needle in ("A-1", "=HYPERLINK(1)", "Срок за покушение выше 3/4 максимума", "Найдено: 3 замечания",
                   "некорректных: 2", "Некорректных записей: 2"):
        assert needle in text
    assert "attempt-term-cap" not in text  # the rule's title is the label, never its id (tests/test_terminal_table.py)
    assert "BAD-1" not in text  # invalid records are counted under the table, listed only on request
    listed = scan("table", options=FormatOptions(show_invalid=True))[0].decode()
    for needle in ("BAD-1", "batch.jsonl:3", "BAD-2", "batch.jsonl:6", "boom-1", "batch.jsonl:5",
                   "некорректный JSON", "внутренняя ошибка при проверке записи (RuntimeError)"):
        assert needle in listed
    assert "A-2" not in listed and "A-5" not in listed  # clean records are not the analyst's business


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_is_deterministic(fmt):
    assert scan(fmt)[0] == scan(fmt)[0]
