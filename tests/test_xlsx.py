"""`scan -f xlsx`: read back with openpyxl — sheets, headers, frozen header, AutoFilter, dates, safe text,
deterministic bytes, flat memory.

Why read back rather than compare bytes with a stored file: what the analyst gets is what Excel shows
(a date cell with its format, a filter over the header), and openpyxl reads exactly that.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
from pathlib import Path

import openpyxl
import orjson
import pytest
from click.testing import CliRunner

from legality import i18n
from legality.cli import main
from legality.io.reader import RawRecord
from legality.report.base import FormatOptions, RunMeta, formatter_class
from legality.report.model import ReportLine
from legality.result.candidate import Candidate
from legality.scan.run import run_scan
from support.fakes import FakeEngine, record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VERDICTS = FIXTURES / "verdicts"

HEADERS = {
    "ru": (("Кандидаты в протест", "Проверены не полностью", "Некорректные записи"),
           ["Дело", "Суд", "Регион", "Судья", "Дата приговора", "Статья", "Правило", "Важность", "Назначено",
            "Закон допускает", "Нормы", "Сообщение", "Статус", "№ замечания"]),
    "kk": (("Наразылыққа үміткерлер", "Толық тексерілмегендер", "Қате жазбалар"),
           ["Іс", "Сот", "Өңір", "Судья", "Үкім күні", "Бап", "Ереже", "Маңыздылығы", "Тағайындалды",
            "Заң рұқсат етеді", "Нормалар", "Хабарлама", "Мәртебесі", "Ескертпе №"]),
}


@pytest.fixture
def russian():
    yield
    i18n.set_language("ru")


def raws() -> list[RawRecord]:
    recs = [
        record("A-1"),                                             # flagged (high)
        record("A-2", years=2),                                    # clean
        b'{"case_id": "BAD-1", "court": ',                        # invalid JSON
        record("=HYPERLINK(1)", regime="maximum", court="суд\x1b[2J «Север»"),  # flagged twice; hostile text
        record("boom-1", years=2),                                 # the engine fails: not fully checked
        {"case_id": "BAD-2", "court": {"code": "X"}},              # invalid shape
    ]
    return [RawRecord("batch.jsonl", i + 1, r if isinstance(r, bytes) else orjson.dumps(r)) for i, r in enumerate(recs)]


def scan(jobs: int = 1, **kw) -> bytes:
    out = io.BytesIO()
    run_scan([], FakeEngine(), out, fmt="xlsx", raws=raws(), jobs=jobs, **kw)
    return out.getvalue()


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_sheets_headers_frozen_header_and_autofilter(lang, russian):
    i18n.set_language(lang)
    wb = book(scan())
    titles, headers = HEADERS[lang]
    assert tuple(wb.sheetnames) == titles
    cands, partial, invalid = wb.worksheets
    assert [c.value for c in cands[1]] == headers
    assert cands.freeze_panes == "A2" and partial.freeze_panes == "A2" and invalid.freeze_panes == "A2"
    assert cands.auto_filter.ref == "A1:N4"      # header + 3 candidates
    assert partial.auto_filter.ref == "A1:H2"    # boom-1
    assert invalid.auto_filter.ref == "A1:D3"    # BAD-1, BAD-2
    assert all(cell.font.bold for cell in cands[1])
    assert cands.column_dimensions["L"].width >= 40  # the message: wide, and wrapped
    assert cands["L2"].alignment.wrap_text


def test_candidate_rows_in_words_and_dates_as_dates():
    cands = book(scan()).worksheets[0]
    rows = [dict(zip([c.value for c in cands[1]], [c.value for c in r])) for r in cands.iter_rows(min_row=2)]
    assert [r["Дело"] for r in rows] == ["A-1", "=HYPERLINK(1)", "=HYPERLINK(1)"]
    first = rows[0]
    assert first["Суд"] == "Ауэзовский районный суд г. Алматы" and first["Регион"] == "Алматы"
    assert first["Судья"] == "J-0412" and first["Статья"] == "п.1 ч.3 ст.188 УК РК"
    assert first["Правило"] == "Срок за покушение выше 3/4 максимума" and first["Важность"] == "высокая"
    assert first["Назначено"] == "4 года" and first["Закон допускает"] == "не более 3 лет"
    assert first["Статус"] == "—" and re.fullmatch(r"[0-9a-f]{12}", first["№ замечания"])
    date = cands["E2"]
    assert date.is_date and date.value.date() == dt.date(2024, 3, 15) and date.number_format == "DD.MM.YYYY"


def test_text_that_looks_like_a_formula_stays_text():
    cands = book(scan()).worksheets[0]
    cell = cands["A3"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s" and cell.quotePrefix
    assert cands["A2"].data_type == "s" and not cands["A2"].quotePrefix
    assert cands["B3"].value == "суд\\x1b[2J «Север»"  # a control character is shown, never kept


def test_unfinished_and_invalid_records_have_their_sheets():
    _, partial, invalid = book(scan()).worksheets
    (case, court, region, date, unchecked, reason, file, line), = partial.iter_rows(min_row=2, values_only=True)
    assert (case, file, line) == ("boom-1", "batch.jsonl", 5) and court and date.date() == dt.date(2024, 3, 15)
    assert "внутренняя ошибка" in unchecked and reason == "проверка правилом завершилась ошибкой"
    bad = list(invalid.iter_rows(min_row=2, values_only=True))
    assert [(c, f, n) for c, f, n, _ in bad] == [("BAD-1", "batch.jsonl", 3), ("BAD-2", "batch.jsonl", 6)]
    assert all(errors for *_, errors in bad)


def test_review_status_column_from_the_store():
    statuses = iter(["new", "dismissed", "confirmed"])
    data = scan(options=FormatOptions(review_status=lambda fp: next(statuses)))
    assert [r[12] for r in book(data).worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        "новое", "отклонено", "подтверждено"]


def test_same_input_same_bytes_for_any_jobs():
    first = scan()
    assert first[:2] == b"PK"
    assert scan() == first
    assert scan(jobs=2) == first
    wb = book(first)
    assert wb.properties.created == wb.properties.modified == dt.datetime(2000, 1, 1)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_by_extension_and_jobs_give_identical_files(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.xlsx"
        r = run("scan", str(VERDICTS), "-o", str(out), "-j", jobs)
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0][:2] == b"PK"
    stdout = run("scan", str(VERDICTS), "-f", "xlsx", "-o", "-", "-j", "1").stdout_bytes
    assert stdout == outs[0]


def test_no_rule_id_fact_name_or_raw_code_in_any_cell(tmp_path):
    lines = [orjson.loads(x) for x in run("scan", str(VERDICTS), str(FIXTURES / "invalid"), "-f", "jsonl")
             .stdout_bytes.splitlines()]
    rule_ids = {c["rule"] for x in lines for c in x["candidates"]}
    facts = {k for x in lines for c in x["candidates"] for k in c["facts"]}
    out = tmp_path / "r.xlsx"
    assert run("scan", str(VERDICTS), str(FIXTURES / "invalid"), "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    cands = wb.worksheets[0]
    assert cands.max_row - 1 == sum(len(x["candidates"]) for x in lines)
    assert wb.worksheets[1].max_row > 1 and wb.worksheets[2].max_row > 1
    for ws in wb.worksheets[:2]:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            for name, value in zip(header, row):
                if not isinstance(value, str) or name in ("Судья", "№ замечания", "Файл"):
                    continue
                assert not any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", value) for t in rule_ids | facts), value
                assert value not in ("high", "medium", "low", "partial", "invalid") and "{" not in value, value
                if name in ("Назначено", "Закон допускает"):
                    assert not re.search(r"\b(?:г|мес|дн)\.|[A-Za-z_]{3,}", value), value


def _candidate(i: int) -> Candidate:
    return Candidate(rule="r", severity="high", title="Наказание выше максимума санкции статьи",
                     message="За преступление назначено больше, чем допускает санкция " * 3,
                     citations=[{"act": "УК РК", "article": "188", "part": 2}], offence="1",
                     actual={"years": 5, "months": i % 12, "days": 0}, allowed={"max": {"years": 5}},
                     facts={}, fingerprint=f"{i:024x}")


def _peak(n: int) -> int:
    from legality.report.context import RecordContext

    ctx = RecordContext("ALM-1", "Ауэзовский районный суд г. Алматы", "2024-03-15", (("1", "ч.2 ст.188"),),
                        region="Алматы", judge_id="J-1", refs=(("1", "188", 2, None),))
    f = formatter_class("xlsx")(io.BytesIO(), RunMeta("t", "v"), FormatOptions())
    tracemalloc.start()
    try:
        f.begin()
        for i in range(n):
            f.add(ReportLine(f"2024-{i:06d}", "big.jsonl", i + 1, "flagged", candidates=[_candidate(i)]), ctx)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        f.finish({})


def test_memory_stays_flat_while_rows_are_added():
    """Write-only sheets: rows go to temporary files, so 4× the records must not need 4× the memory."""
    small, large = _peak(300), _peak(1_200)
    assert large < small * 1.5, (small, large)


def test_a_rule_that_failed_is_named_by_its_title_not_its_message():
    """A fault's message is for the rule's author (it may quote the rule language); the sheet names the rule."""
    from support.fakes import RULES

    out = io.BytesIO()
    f = formatter_class("xlsx")(out, RunMeta("t", "v", rules=list(RULES)), FormatOptions())
    f.begin()
    f.add(ReportLine("C-1", "b.jsonl", 7, "partial", faults=[
        {"code": "E401", "rule": "attempt-term-cap", "message": "деление на ноль: `offence.term / cap_years`"},
        {"code": "E401", "rule": "unknown-rule", "message": "`x` не определён"}]), None)
    f.finish({})
    (row,) = book(out.getvalue()).worksheets[1].iter_rows(min_row=2, values_only=True)
    assert row[4] == ("правило «Срок за покушение выше 3/4 максимума» не завершило проверку\n"
                      "одно из правил не завершило проверку")
    assert row[5] == "проверка правилом завершилась ошибкой" and (row[6], row[7]) == ("b.jsonl", 7)
