"""Invalid records in the human outputs name the export's field in words, never by its JSON path.

Why: «offences[0].sentence.principal.mrp» is an identifier of the export format; a prosecutor reading
the table (`--show-invalid`), the HTML report, the XLSX sheet «Некорректные записи», `validate` or
`explain` reads «эпизод 1 → наказание → основное наказание → размер в МРП».  The machine outputs
(JSONL, `validate -f json`) keep the path exactly: whoever fixes the export looks it up there.

The records are the shipped invalid fixtures (`fixtures/invalid`); the expected words are computed with
`words.field`, whose own table is tested in test_words_fields.py.  Only paths with a "." or "[" are
checked for absence: a bare key such as «court» is also an ordinary word of a message.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import openpyxl
import orjson
import pytest
from click.testing import CliRunner

from legality import i18n, words
from legality.cli import main
from legality.io.reader import RawRecord, decode
from legality.report.base import FormatOptions
from legality.scan.run import run_scan
from support.fakes import FakeEngine

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "invalid"
FILES = ("bounds.jsonl", "cross_field.jsonl", "shape.jsonl")


def raws() -> list[RawRecord]:
    out = []
    for name in FILES:
        for n, data in enumerate((INVALID / name).read_bytes().splitlines(), 1):
            out.append(RawRecord(str(INVALID / name), n, data))
    return out


def field_errors(lang: str = "ru") -> list[tuple[str, str]]:
    """(JSON path, the field in words) of every error of the fixtures with a nested path."""
    before = i18n.language()
    i18n.set_language(lang)
    try:
        found = []
        for raw in raws():
            for e in decode(raw).errors:
                if ("." in e.path or "[" in e.path) and (e.path, words.field(e.path)) not in found:
                    found.append((e.path, words.field(e.path)))
        return found
    finally:
        i18n.set_language(before)


@pytest.fixture
def russian():
    yield
    i18n.set_language("ru")


def scan(fmt: str, **options) -> bytes:
    out = io.BytesIO()
    run_scan([], FakeEngine(), out, fmt=fmt, raws=raws(), options=FormatOptions(**options))
    return out.getvalue()


def assert_in_words(text: str, lang: str = "ru") -> None:
    errors = field_errors(lang)
    assert len(errors) > 40  # the fixtures cover most fields: a vacuous check would pass on anything
    # the deepest paths of the fixtures, as a reader sees them
    assert "эпизод 1 → наказание → дополнительное наказание 1 → размер в МРП" in words.field(
        "offences[0].sentence.additional[0].mrp", "ru")
    for path, said in errors:
        assert path not in text, path
        assert said in text, said


def test_table_show_invalid():
    text = scan("table", width=1000, show_invalid=True).decode()
    assert_in_words(text)


def test_html_invalid_records():
    page = html.unescape(scan("html").decode())
    invalid = page[page.find("Некорректные записи"):]
    assert_in_words(invalid)
    assert "<code>offences" not in page


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_xlsx_invalid_sheet(lang, russian):
    i18n.set_language(lang)
    wb = openpyxl.load_workbook(io.BytesIO(scan("xlsx")))
    sheet = wb.worksheets[2]
    header = [c.value for c in sheet[1]]
    assert "legality validate -f json" in header[-1]  # where the exact field is
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert_in_words(text, lang)


def test_jsonl_keeps_the_exact_paths():
    """The machine output is unchanged: the path, not the words."""
    lines = [orjson.loads(x) for x in scan("jsonl").splitlines()]
    paths = {e["path"] for line in lines for e in line.get("errors", [])}
    assert {p for p, _w in field_errors()} <= paths
    assert not any("→" in p for p in paths)


def test_validate_text_in_words_and_json_exact():
    runner = CliRunner()
    text = runner.invoke(main, ["validate", str(INVALID / "bounds.jsonl"), str(INVALID / "cross_field.jsonl"),
                                str(INVALID / "shape.jsonl")], catch_exceptions=False).stdout
    assert_in_words(text)
    assert "дело 2024-1001-01: эпизод 1 → наказание → основное наказание → размер в МРП: " in text
    js = runner.invoke(main, ["validate", "-f", "json", str(INVALID / "bounds.jsonl")], catch_exceptions=False).stdout
    assert '"path":"offences[0].sentence.principal.mrp"' in js.replace(" ", "")


def test_explain_of_an_invalid_record_says_the_field_in_words():
    r = CliRunner().invoke(main, ["explain", str(INVALID / "bounds.jsonl"), "--case", "2024-1001-01"],
                           catch_exceptions=False)
    assert r.exit_code == 2
    assert "offences[0]" not in r.stderr and "final_sentence." not in r.stderr
    assert "bounds.jsonl:1: эпизод 1 → наказание → основное наказание → размер в МРП: значение меньше" in r.stderr
    assert "окончательное наказание → основное наказание → размер в МРП" in r.stderr
