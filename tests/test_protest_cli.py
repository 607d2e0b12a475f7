"""`legality protest`: the draft appeal, Markdown and .docx."""

from __future__ import annotations

import os

import docx
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from legality.report.text import cite_ru
from support.fakes import first_flagged

RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
PLANTED = str(FIXTURES_DIR / "verdicts" / "planted")
LAWFUL = FIXTURES_DIR / "verdicts" / "lawful"


@pytest.fixture(scope="module")
def flagged():
    return first_flagged(RULES, [PLANTED])


def protest(*args: str):
    return CliRunner().invoke(main, ["protest", *args, "--rules", RULES], catch_exceptions=False)


def check_text(text: str, item, cands) -> None:
    v = item.verdict
    assert "АПЕЛЛЯЦИОННОЕ ХОДАТАЙСТВО" in text and "ПРОШУ" in text
    assert v.case_id in text and v.verdict_date.strftime("%d.%m.%Y") in text
    assert (v.court.name or v.court.code) in text
    assert v.defendant.person_id in text                         # the pseudonymous id only
    assert v.defendant.birth_date.isoformat() not in text
    assert v.defendant.birth_date.strftime("%d.%m.%Y") not in text
    for c in cands:
        assert c.title in text
        assert cite_ru(c.citations[0]) in text
    assert "изменить" in text or "новое судебное рассмотрение" in text


def test_markdown_draft_has_the_particulars_findings_and_request(flagged, tmp_path):
    engine, item, cands = flagged
    r = protest(PLANTED, "--case", item.case_id)
    assert r.exit_code == 0, r.stderr
    check_text(r.stdout, item, cands)
    out = tmp_path / "draft.md"
    assert protest(PLANTED, "--case", item.case_id, "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == r.stdout


def test_docx_draft_opens_and_says_the_same(flagged, tmp_path):
    engine, item, cands = flagged
    out = tmp_path / "draft.docx"
    r = protest(PLANTED, "--case", item.case_id, "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    check_text(text, item, cands)


def test_no_candidates_is_said_and_nothing_written(tmp_path):
    first = next(p for p in sorted(LAWFUL.glob("*.jsonl")))
    import orjson
    case = orjson.loads(first.read_bytes().splitlines()[0])["case_id"]
    out = tmp_path / "draft.docx"
    r = protest(str(first), "--case", case, "-o", str(out))
    assert r.exit_code == 0
    assert "нарушений не найдено" in r.stderr and not out.exists()


def test_unknown_case_exits_2():
    r = protest(PLANTED, "--case", "NO-SUCH-CASE")
    assert r.exit_code == 2 and "не найдено" in r.stderr
