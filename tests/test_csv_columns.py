"""The CSV an analyst opens in Excel: the columns of report/columns.py, one row per candidate, words only.

Why these tests: the review (§5) found a CSV without court, date, judge, region or article, English
headers, JSON in the cells and invalid records mixed into the rows a pivot table counts.  The same
columns are the XLSX's first sheet (tests/test_xlsx.py).
"""

from __future__ import annotations

import csv
import io
import re

import orjson
import pytest
from click.testing import CliRunner

from legality import i18n
from legality.cli import main
from legality.io.reader import RawRecord
from legality.report.base import FormatOptions
from legality.report.columns import CANDIDATE_COLUMNS, review_status_text
from legality.scan.run import run_scan
from support.fakes import FakeEngine, record
from verdict_samples import two_offences

ROOT_FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures"
PLANTED = ROOT_FIXTURES / "verdicts" / "planted"

HEADERS_RU = ["Дело", "Суд", "Регион", "Судья", "Дата приговора", "Статья", "Правило", "Важность", "Назначено",
              "Закон допускает", "Нормы", "Сообщение", "Статус", "№ замечания"]
HEADERS_KK = ["Іс", "Сот", "Өңір", "Судья", "Үкім күні", "Бап", "Ереже", "Маңыздылығы", "Тағайындалды",
              "Заң рұқсат етеді", "Нормалар", "Хабарлама", "Мәртебесі", "Ескертпе №"]


@pytest.fixture
def russian():
    """Tests that switch the language put Russian back (the language is the process's)."""
    yield
    i18n.set_language("ru")


def raws() -> list[RawRecord]:
    several = two_offences()
    several["case_id"] = "MULTI-1"
    several["offences"][0]["sentence"]["principal"]["term"] = {"years": 4}
    several["final_sentence"]["regime"] = "maximum"
    recs = [record("A-1"), b'{"case_id": "BAD-1", ', record("boom-1", years=2), record("A-2", years=2), several]
    return [RawRecord("b.jsonl", i + 1, r if isinstance(r, bytes) else orjson.dumps(r)) for i, r in enumerate(recs)]


def rows_of(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def scan_csv(options: FormatOptions | None = None, jobs: int = 1) -> tuple[list[list[str]], object]:
    out = io.BytesIO()
    summary = run_scan([], FakeEngine(), out, fmt="csv", raws=raws(), options=options, jobs=jobs)
    return rows_of(out.getvalue(), (options or FormatOptions()).csv_delimiter), summary


def test_headers_are_the_shared_columns_in_russian():
    rows, _ = scan_csv()
    assert rows[0] == HEADERS_RU == [c.title for c in CANDIDATE_COLUMNS]


def test_one_row_per_candidate_with_the_verdicts_particulars_in_words():
    rows, summary = scan_csv(FormatOptions(csv_delimiter=";"))
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(body) == summary.candidates == 3
    first = body[0]
    assert first == {
        "Дело": "A-1", "Суд": "Ауэзовский районный суд г. Алматы", "Регион": "Алматы", "Судья": "J-0412",
        "Дата приговора": "15.03.2024", "Статья": "п.1 ч.3 ст.188 УК РК",
        "Правило": "Срок за покушение выше 3/4 максимума", "Важность": "высокая", "Назначено": "4 года",
        "Закон допускает": "не более 3 лет", "Нормы": "ч.3 ст.56 УК РК", "Сообщение": first["Сообщение"],
        "Статус": "—", "№ замечания": first["№ замечания"]}
    assert re.fullmatch(r"[0-9a-f]{12}", first["№ замечания"])
    # a finding about the whole sentence of a record with two episodes; one about its first episode
    multi = {r["Правило"]: r for r in body if r["Дело"] == "MULTI-1"}
    assert multi["Учреждение максимальной безопасности без оснований"]["Статья"] == "по совокупности"
    assert multi["Срок за покушение выше 3/4 максимума"]["Статья"] == "п.1 ч.3 ст.188 УК РК"


def test_invalid_and_unfinished_records_are_counted_not_rows():
    """A pivot table counts rows: a row with an empty rule would count as one more violation."""
    rows, summary = scan_csv()
    cases = {r[0] for r in rows[1:]}
    assert summary.invalid == 1 and summary.partial == 1
    assert "BAD-1" not in cases and "boom-1" not in cases and "A-2" not in cases


def test_jobs_do_not_change_the_bytes():
    one, _ = scan_csv(jobs=1)
    two, _ = scan_csv(jobs=2)
    assert one == two


def test_kazakh_headers_and_values(russian):
    i18n.set_language("kk")
    rows, _ = scan_csv()
    assert rows[0] == HEADERS_KK
    first = dict(zip(rows[0], rows[1]))
    assert first["Маңыздылығы"] != "высокая" and first["Бап"].startswith("ҚР ҚК 188-")


@pytest.mark.parametrize("code, ru", [("new", "новое"), ("known", "известное"), ("dismissed", "отклонено"),
                                      ("confirmed", "подтверждено"), ("resolved", "устранено"), (None, "—"),
                                      ("something-else", "—")])
def test_review_status_words(code, ru):
    assert review_status_text(code) == ru


def test_review_status_from_the_store_is_rendered_in_the_main_process():
    """With `scan --db` the status column is filled by the store, which only the main process has: the
    renderer steps aside (None) and the rows come from `add`, one line at a time."""
    from legality.report.csv_rows import CsvFormatter

    statuses = {}
    opts = FormatOptions(review_status=lambda fp: statuses.setdefault(fp, "dismissed" if not statuses else "new"))
    assert CsvFormatter.renderer(opts) is None and CsvFormatter.renderer(FormatOptions()) is not None
    rows, _ = scan_csv(opts, jobs=2)
    assert [r[12] for r in rows[1:]] == ["отклонено", "новое", "новое"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_scan_db_shows_the_review_status(tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "c.csv"
    assert run("scan", str(PLANTED), "--db", str(db), "-o", str(out), "-j", "1").exit_code == 0
    first = rows_of(out.read_bytes())
    assert {r[12] for r in first[1:]} == {"новое"}
    number = first[1][13]
    r = run("review", "dismiss", number, "--db", str(db), "--by", "Аналитик", "--reason", "проверено вручную")
    assert r.exit_code == 0, r.output
    assert run("scan", str(PLANTED), "--db", str(db), "--rescan", "-o", str(out), "-j", "2").exit_code == 0
    again = rows_of(out.read_bytes())
    status = {r[13]: r[12] for r in again[1:]}
    assert status.pop(number) == "отклонено" and set(status.values()) == {"известное"}
    # the same rows as a scan without a store, but for the status
    plain = tmp_path / "p.csv"
    assert run("scan", str(PLANTED), "-o", str(plain)).exit_code == 0
    assert [r[:12] + r[13:] for r in rows_of(plain.read_bytes())[1:]] == [r[:12] + r[13:] for r in again[1:]]
    assert {r[12] for r in rows_of(plain.read_bytes())[1:]} == {"—"}


def test_no_rule_id_fact_name_raw_code_or_json_in_any_cell(tmp_path):
    """What a spreadsheet user reads is words: checked against the real rules' own ids and fact names."""
    fixtures = ROOT_FIXTURES / "verdicts"
    lines = [orjson.loads(x) for x in run("scan", str(fixtures), "-f", "jsonl").stdout_bytes.splitlines()]
    rule_ids = {c["rule"] for x in lines for c in x["candidates"]}
    facts = {k for x in lines for c in x["candidates"] for k in c["facts"]}
    out = tmp_path / "c.csv"
    assert run("scan", str(fixtures), "-o", str(out), "--csv-delimiter", ";").exit_code == 0
    rows = rows_of(out.read_bytes(), ";")
    assert len(rows) - 1 == sum(len(x["candidates"]) for x in lines) > 20
    words_only = [c for r in rows[1:] for i, c in enumerate(r) if HEADERS_RU[i] not in ("Судья", "№ замечания")]
    for cell in words_only:
        assert not any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", cell) for t in rule_ids | facts), cell
        assert cell not in ("high", "medium", "low") and "{" not in cell, cell
    values = [c for r in rows[1:] for i, c in enumerate(r) if HEADERS_RU[i] in ("Назначено", "Закон допускает")]
    for cell in values:  # terms in full words, no abbreviations, no raw unit or key
        assert not re.search(r"\b(?:г|мес|дн)\.|кратн\.|[A-Za-z_]{3,}", cell), cell


def test_context_of_the_fast_decoder_and_of_the_model_agree():
    """The workers build the context on the hot path from whichever decoder read the record."""
    from legality.model.fast import decode_valid
    from legality.model.verdict import Verdict
    from legality.report.context import context_of

    data = orjson.dumps(two_offences())
    fast, model = decode_valid(data), Verdict.model_validate_json(data)
    assert fast is not None and type(fast) is not Verdict
    ctx = context_of(fast)
    assert ctx == context_of(model)
    assert (ctx.region, ctx.judge_id) == ("Алматы", "J-0412")
    assert ctx.refs == (("1", "188", 3, 1), ("2", "190", 1, None))


def test_the_store_keeps_the_context_a_resumed_run_shows():
    """A resumed run re-emits what the store kept: region, judge and the article refs included; a
    context stored by an older release (four items) still reads."""
    from legality.report.columns import article_text
    from legality.report.context import RecordContext
    from legality.report.context import context_from_json, context_to_json

    ctx = RecordContext("ALM", "Суд", "2024-03-15", (("1", "ч.3-1 ст.188"),), person_id="P-1", region="Алматы",
                        judge_id="J-1", refs=(("1", "188", "3-1", None),))
    back = context_from_json(context_to_json(ctx))
    assert back is not None and (back.region, back.judge_id, back.refs) == ("Алматы", "J-1", ctx.refs)
    assert back.person_id is None  # never kept with the context
    old = context_from_json(orjson.dumps(["ALM", "Суд", "2024-03-15", [["1", "ч.2 ст.188"]]]).decode())
    assert old is not None and old.region is None and old.refs == ()
    assert article_text(old, "1") == article_text(old, None) == "ч.2 ст.188 УК РК"  # the Russian form it kept
