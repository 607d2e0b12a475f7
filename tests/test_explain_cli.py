"""`legality explain`: the trace of one record, as text for a lawyer and as JSON."""

from __future__ import annotations

import os

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.result.trace import FIRED, STATUS_RU
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from support.fakes import first_flagged

RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
PLANTED = str(FIXTURES_DIR / "verdicts" / "planted")


@pytest.fixture(scope="module")
def flagged():
    return first_flagged(RULES, [PLANTED])


def explain(*args: str):
    return CliRunner().invoke(main, ["explain", *args, "--rules", RULES], catch_exceptions=False)


def test_full_text_shows_the_fired_rule_with_values_and_citations(flagged):
    """`--full` is the rule author's view: rule ids, the deciding clause's values, every fact."""
    engine, item, cands = flagged
    r = explain(PLANTED, "--case", item.case_id, "--full")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert f"Дело {item.case_id}" in out and item.verdict.court.code not in ("",)
    assert f"[{STATUS_RU[FIRED]}] {cands[0].rule}" in out
    assert cands[0].message in out
    assert "Нормы:" in out and "=" in out  # citations and the values the rule read
    assert item.verdict.defendant.birth_date.isoformat() not in out
    assert "Sanction(" not in out and "file='" not in out  # a catalogue entry is named, never a Python repr


def test_json_lists_every_rule_with_a_status(flagged):
    engine, item, cands = flagged
    r = explain(PLANTED, "--case", item.case_id, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = orjson.loads(r.stdout_bytes)
    assert doc["format"] == "legality.explain/1" and doc["case_id"] == item.case_id
    statuses = {(x["rule"], x["offence"]): x["status"] for x in doc["trace"]["rules"]}
    assert {x["rule"] for x in doc["trace"]["rules"]} == {ri.id for ri in engine.rules}
    for c in cands:
        assert statuses[(c.rule, c.offence)] == FIRED
    assert all(s in STATUS_RU for s in statuses.values())
    assert [c["fingerprint"] for c in doc["candidates"]] == [c.fingerprint for c in cands]


def test_one_rule_only(flagged):
    engine, item, cands = flagged
    r = explain(PLANTED, "--case", item.case_id, "--rule", cands[0].rule, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert {x["rule"] for x in orjson.loads(r.stdout_bytes)["trace"]["rules"]} == {cands[0].rule}


def test_unknown_case_rule_and_invalid_record_exit_2(flagged):
    r = explain(PLANTED, "--case", "NO-SUCH-CASE")
    assert r.exit_code == 2 and "NO-SUCH-CASE" in r.stderr and "не найдено" in r.stderr
    engine, item, cands = flagged
    r = explain(PLANTED, "--case", item.case_id, "--rule", cands[0].rule + "x")
    assert r.exit_code == 2 and cands[0].rule in r.stderr  # suggests the close match
    invalid = FIXTURES_DIR / "invalid" / "cross_field.jsonl"
    case = orjson.loads(invalid.read_bytes().splitlines()[0])["case_id"]
    r = explain(str(invalid), "--case", case)
    assert r.exit_code == 2 and "не соответствует формату" in r.stderr


# the trace's Russian words that `--full` printed as they were in a Kazakh run
RUSSIAN_TRACE_WORDS = ("НАРУШЕНИЕ", "нарушения нет", "условие не выполнено", "не действует на дату", "норма действует",
                       "не удалось проверить", "вытеснено", "не применимо", "Почему", " ст.")


@pytest.mark.parametrize("case", ["2022-0520-57", "2018-0416-43", "2015-0962-88"])
def test_the_rule_authors_view_is_in_kazakh_in_a_kazakh_run(case):
    """Statuses, reasons and norms of `--full` went out in Russian (the trace holds them in Russian)."""
    kk = CliRunner().invoke(main, ["--lang", "kk", "explain", str(FIXTURES_DIR / "verdicts"), "--case", case,
                                   "--full", "--rules", RULES], catch_exceptions=False)
    ru = CliRunner().invoke(main, ["explain", str(FIXTURES_DIR / "verdicts"), "--case", case, "--full",
                                   "--rules", RULES], catch_exceptions=False)
    assert kk.exit_code == ru.exit_code == 0, kk.output
    assert "Себебі: " in kk.stdout and "Почему: " in ru.stdout
    assert "Нормалар: ҚР ҚК " in kk.stdout
    found = [w for w in RUSSIAN_TRACE_WORDS if w in kk.stdout]
    assert found == [], found
    assert any(w in ru.stdout for w in RUSSIAN_TRACE_WORDS[:5])


@pytest.mark.parametrize("case", ["2022-0520-57", "2018-0416-43", "2015-0962-88", "2020-0542-12"])
def test_a_kazakh_explanation_names_facts_by_their_kazakh_labels(case):
    """The prosecutor's view computed its chain («Есептеу: …») with the facts' Russian labels."""
    from legality.engine import Engine

    program = Engine.load(RULES)._program
    russian = {f.label for f in program.facts.values() if f.label and f.label_kk and f.label != f.label_kk}
    for full in ([], ["--full"]):
        kk = CliRunner().invoke(main, ["--lang", "kk", "explain", str(FIXTURES_DIR / "verdicts"), "--case", case,
                                       *full, "--rules", RULES], catch_exceptions=False)
        assert kk.exit_code == 0, kk.output
        assert [label for label in russian if label in kk.stdout] == []
        assert " ст." not in kk.stdout  # a citation in the Russian form inside Kazakh text
