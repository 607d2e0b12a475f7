"""Coverage: what a check could not decide is said, never passed off as «clean» (issues 9 §3, 10 §4).

The rule language's `needs`, the automatic gaps of the law catalogue (an article, part or edition it
lacks, a General-Part parameter with no edition on the date), the edition warning, and how all of it
reaches the report line, the summary, the human formats, the store and the exit code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
import yaml
from click.testing import CliRunner

from legality.cli import main
from legality.store.db import connect
from legality.law import Catalogue
from legality.report.model import ReportLineModel, SummaryModel
from legality.result import trace as T
from legality.ruletest import RuleTest, run_test
from legality.syntax.parser import parse_text
from legality.syntax.printer import rule_file

from support.compiled import compile_text, program, statuses, valid
from verdict_samples import record

ROOT = Path(__file__).resolve().parents[1]
COVERAGE_FIXTURES = ROOT / "fixtures" / "verdicts" / "coverage" / "not_checked.jsonl"
NEW_ARTICLES = ROOT / "fixtures" / "verdicts" / "coverage" / "new_articles.jsonl"
HEAD = 'title "t"\n  severity high\n  cite "УК РК ст.56 ч.3"'


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def verdict(mutate=None):
    r = record()
    if mutate:
        mutate(r)
    return valid(r)


NEEDS = f"""
rule need-damage for offence {{
  {HEAD}
  when offence.sentence.principal.kind = imprisonment
  needs offence.damage_kzt
  violation offence.damage_kzt > 10000000
  message "x"
}}
"""


# ---- the language: `needs`


def test_needs_round_trips_through_the_formatter():
    text = NEEDS.replace("needs offence.damage_kzt", 'needs offence.damage_kzt "ущерб"')
    f, diags = parse_text(text, "t.legal")
    assert not diags
    (rule,) = f.rules
    assert [(n.label, type(n.expr).__name__) for n in rule.needs] == [("ущерб", "Member")]
    printed = rule_file(f)
    assert 'needs offence.damage_kzt "ущерб"' in printed
    again, _ = parse_text(printed, "t.legal")
    assert again == f


def test_needs_without_a_nameable_value_asks_for_a_label(cat):
    u = compile_text(cat, NEEDS.replace("needs offence.damage_kzt", "needs count(offences) + 1"))
    assert [d.code for d in u.diags if d.is_error] == ["E008"]
    assert "добавьте подпись" in u.diags[0].message


def test_needs_label_comes_from_the_field_or_the_fact(cat):
    p = program(cat, NEEDS)
    assert p.rules["need-damage"].need_labels == ["размер ущерба"]
    text = NEEDS.replace("needs offence.damage_kzt", "needs dmg") + \
        'define dmg "ущерб, установленный приговором" for offence = offence.damage_kzt\n'
    assert program(cat, text).rules["need-damage"].need_labels == ["ущерб, установленный приговором"]


# ---- evaluation: undetermined, with a gap


def test_missing_needed_value_is_undetermined_with_a_gap_naming_it(cat):
    v = verdict(lambda r: r["offences"][0].pop("damage_kzt"))
    ev = program(cat, NEEDS).evaluate(v, trace=True)
    assert ev.candidates == [] and ev.faults == []
    assert statuses(ev)[("need-damage", "1")] == T.UNDETERMINED
    (gap,) = ev.coverage.gaps
    assert gap.to_json() == {"offence": "1", "reason": "missing_data", "detail": "нет данных: размер ущерба",
                             "rules": ["need-damage"]}
    assert ev.coverage.checked == "partial"
    (rt,) = [r for r in ev.trace.rules if r.rule == "need-damage"]
    assert "нет данных: размер ущерба" in rt.reason and rt.condition.startswith("needs ")


def test_needed_value_present_decides_as_usual(cat):
    ev = program(cat, NEEDS).evaluate(verdict(lambda r: r["offences"][0].update(damage_kzt=20000000)), trace=True)
    assert statuses(ev)[("need-damage", "1")] == T.FIRED and ev.coverage.gaps == []
    ev = program(cat, NEEDS).evaluate(verdict(), trace=True)
    assert statuses(ev)[("need-damage", "1")] == T.PASSED and ev.coverage.checked == "full"


def test_a_rule_that_does_not_apply_needs_nothing(cat):
    def fine_no_damage(r):
        r["offences"][0].pop("damage_kzt")
        r["offences"][0]["sentence"]["principal"] = {"kind": "fine", "mrp": 500}
    ev = program(cat, NEEDS).evaluate(verdict(fine_no_damage), trace=True)
    assert statuses(ev)[("need-damage", "1")] == T.NOT_APPLICABLE and ev.coverage.gaps == []


def test_a_false_when_after_a_missing_one_still_means_not_applicable(cat):
    text = f"""
rule two-whens for offence {{
  {HEAD}
  when defendant.pregnant = true
  when offence.stage = preparation
  needs offence.damage_kzt
  violation true
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(lambda r: r["offences"][0].pop("damage_kzt")), trace=True)
    assert statuses(ev)[("two-whens", "1")] == T.NOT_APPLICABLE  # stage is attempt: Kleene `and` is false
    assert ev.coverage.gaps == []


def test_an_excepted_rule_needs_nothing(cat):
    text = NEEDS.replace("  violation", "  unless offence.stage = attempt\n  violation")
    ev = program(cat, text).evaluate(verdict(lambda r: r["offences"][0].pop("damage_kzt")), trace=True)
    assert statuses(ev)[("need-damage", "1")] == T.EXCEPTED and ev.coverage.gaps == []


def test_an_undetermined_specific_rule_still_overrides_the_general_one(cat):
    text = f"""
rule general-one for offence {{
  {HEAD}
  violation offence.sentence.principal.kind = imprisonment
  message "x"
}}
rule specific-one for offence {{
  {HEAD}
  overrides general-one
  when offence.stage = attempt
  needs offence.damage_kzt
  violation offence.damage_kzt > 1
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(lambda r: r["offences"][0].pop("damage_kzt")), trace=True)
    st = statuses(ev)
    assert st[("specific-one", "1")] == T.UNDETERMINED and st[("general-one", "1")] == T.OVERRIDDEN
    assert ev.candidates == []


def test_fast_and_traced_evaluation_give_the_same_coverage(cat):
    v = verdict(lambda r: r["offences"][0].pop("damage_kzt"))
    p = program(cat, NEEDS)
    assert p.evaluate(v).coverage.to_json() == p.evaluate(v, trace=True).coverage.to_json()


# ---- automatic gaps: the law catalogue


ATTEMPT = f"""
define smax "максимум санкции" for offence = offence.sanction.max(imprisonment)
rule cap-check for offence {{
  {HEAD}
  when offence.stage = attempt
  violation offence.sentence.principal.term > smax
  message "x"
}}
"""


def test_unknown_article_is_a_gap_with_the_catalogue_reason(cat):
    ev = program(cat, ATTEMPT).evaluate(verdict(lambda r: r["offences"][0].update(article="999")), trace=True)
    assert statuses(ev)[("cap-check", "1")] == T.UNDETERMINED
    (gap,) = ev.coverage.gaps
    assert (gap.offence, gap.reason, gap.rules) == ("1", "unknown_article", ["cap-check"])
    assert "999" in gap.detail and ev.coverage.checked == "none"


def test_an_offence_without_a_sanction_is_a_gap_even_when_no_rule_read_it(cat):
    text = f"""
rule unrelated-check for offence {{
  {HEAD}
  violation offence.sentence.principal.term > 100 years
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(lambda r: r["offences"][0].update(part=9)), trace=True)
    assert [(g.reason, g.rules) for g in ev.coverage.gaps] == [("unknown_article", [])]


def test_a_deed_before_the_2014_code_is_an_unknown_edition(cat):
    def old(r):
        r["offences"][0]["committed_on"] = "2014-06-01"
        r["defendant"]["prior_convictions"] = []
    ev = program(cat, ATTEMPT).evaluate(verdict(old), trace=True)
    assert [g.reason for g in ev.coverage.gaps] == ["unknown_edition"]
    assert "01.01.2015" in ev.coverage.gaps[0].detail


def test_one_offence_unknown_of_two_is_a_partial_check(cat):
    def two(r):
        r["offences"].append({"id": "2", "article": "999", "committed_on": "2023-12-20",
                              "sentence": {"principal": {"kind": "imprisonment", "term": {"years": 1}}}})
        r["final_sentence"]["combination"] = "partial_addition"
        r["final_sentence"]["principal"]["term"] = {"years": 5}
    ev = program(cat, ATTEMPT).evaluate(verdict(two), trace=True)
    assert ev.coverage.checked == "partial" and [g.offence for g in ev.coverage.gaps] == ["2"]


def _late_param(cat) -> tuple[str, dt.date]:
    """A General-Part parameter whose first edition starts after 2015, and a date before it."""
    for name in cat.param_names():
        eds = cat.param_editions(name)
        first = min(e.valid_from for e in eds)
        if first > dt.date(2015, 6, 1) and cat.param_spec(name).type in ("mrp", "int", "term"):
            return name, dt.date(2015, 6, 1)
    pytest.skip("every parameter has an edition from 2015")


def test_a_law_parameter_without_an_edition_on_the_date_is_a_gap(cat):
    name, on = _late_param(cat)
    text = f"""
rule param-check for offence {{
  {HEAD}
  when law.{name} is present or true
  violation law.{name} = law.{name}
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(lambda r: r["offences"][0].update(committed_on=on.isoformat())),
                                     trace=True)
    gaps = [g for g in ev.coverage.gaps if g.reason == "no_law_parameter"]
    assert gaps and gaps[0].rules == ["param-check"] and on.strftime("%d.%m.%Y") in gaps[0].detail
    assert statuses(ev)[("param-check", "1")] == T.UNDETERMINED


def test_a_missing_optional_fact_is_still_not_a_gap(cat):
    text = f"""
rule woman-check for offence {{
  {HEAD}
  when defendant.pregnant = true
  violation offence.sentence.principal.kind = imprisonment
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(), trace=True)
    assert statuses(ev)[("woman-check", "1")] == T.MISSING and ev.coverage.gaps == []


def test_offence_after_the_newest_edition_is_a_warning_not_a_gap(cat):
    p = program(cat, ATTEMPT)
    ed = p.edition
    assert ed is not None
    late = (ed + dt.timedelta(days=30)).isoformat()
    ev = p.evaluate(verdict(lambda r: r["offences"][0].update(committed_on=late)))
    assert ev.coverage.gaps == [] and ev.coverage.checked == "full"
    (w,) = ev.coverage.warnings
    assert w.reason == "after_edition" and ed.strftime("%d.%m.%Y") in w.detail
    early = (ed - dt.timedelta(days=30)).isoformat()
    assert p.evaluate(verdict(lambda r: r["offences"][0].update(committed_on=early))).coverage.warnings == []


# ---- rule tests: kind `undetermined`


def test_rule_test_kind_undetermined(cat):
    p = program(cat, NEEDS)
    rec = record()
    rec["offences"][0].pop("damage_kzt")
    ok = run_test(p, RuleTest("t.yaml", 1, "нет ущерба", "need-damage", "undetermined", rec, None))
    assert ok.ok, ok.detail
    wrong = run_test(p, RuleTest("t.yaml", 2, "ущерб есть", "need-damage", "undetermined", record(), None))
    assert not wrong.ok and wrong.statuses == {"need-damage@1": "passed"}, wrong.statuses  # it applied: not undetermined
    na = run_test(p, RuleTest("t.yaml", 3, "нет ущерба", "need-damage", "not_applicable", rec, None))
    assert not na.ok  # undetermined is not «does not apply»


# ---- CLI: report lines, summary, human formats, exit code


def scan(*args: str):
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def lines_of(out: bytes) -> list[dict]:
    return [orjson.loads(x) for x in out.splitlines()]


def test_coverage_fixtures_are_partial_with_their_gap(tmp_path):
    summary = tmp_path / "s.json"
    r = scan(str(COVERAGE_FIXTURES), "-f", "jsonl", "--summary", str(summary))
    assert r.exit_code == 0, r.stderr
    lines = lines_of(r.stdout_bytes)
    expected = {e["case_id"]: e for e in yaml.safe_load((ROOT / "fixtures" / "expected.yaml").read_text())["cases"]
                if e.get("family") == "coverage"}
    assert expected and {x["case_id"] for x in lines} >= {c for c, e in expected.items() if e["expect"] == "partial"}
    for x in lines:
        ReportLineModel.model_validate(x)
        e = expected[x["case_id"]]
        assert x["status"] == "partial" and x["candidates"] == []
        assert x["coverage"]["checked"] == e["checked"]
        assert (e["offence"], e["gap"]) in {(g["offence"], g["reason"]) for g in x["coverage"]["gaps"]}
    s = SummaryModel.model_validate(orjson.loads(summary.read_bytes()))
    cov = s.model_dump()["coverage"]
    assert s.partial == len(lines) and s.clean == 0
    assert cov["full"] == 0 and cov["none"] + cov["partial"] == len(lines)
    assert cov["by_article"]["999"] == 2 and cov["by_reason"]["unknown_article"] == 3
    assert "Полнота проверки: полностью 0 из 4" in r.stderr


def test_articles_outside_the_first_38_are_checked_by_the_whole_pack():
    """Issue 9 «Done when»: misdemeanours, grave crimes and fines as multiples, read from the Code's text."""
    r = scan(str(NEW_ARTICLES), "-f", "jsonl", "--all")
    assert r.exit_code == 0, r.stderr
    expected = {e["case_id"]: e for e in yaml.safe_load((ROOT / "fixtures" / "expected.yaml").read_text())["cases"]
                if e["file"].endswith("new_articles.jsonl")}
    lines = lines_of(r.stdout_bytes)
    assert expected and {x["case_id"] for x in lines} == set(expected)
    for x in lines:
        e = expected[x["case_id"]]
        assert "coverage" not in x, x["case_id"]
        if e["expect"] == "flag":
            assert [c["rule"] for c in x["candidates"]] == [e["rule"]], (x["case_id"], x["candidates"])
        else:
            assert x["status"] == "clean", (x["case_id"], x["candidates"])


def test_a_fully_checked_record_carries_no_coverage_field():
    r = scan(str(ROOT / "fixtures" / "verdicts" / "lawful" / "almaty.jsonl"), "-f", "jsonl", "--all")
    assert r.exit_code == 0
    lines = lines_of(r.stdout_bytes)
    assert any("coverage" not in x for x in lines)
    for x in lines:  # written only with gaps: absent means checked fully
        assert ("coverage" in x) == (x.get("coverage", {}).get("gaps", []) != []), x["case_id"]
        assert x["status"] != "clean" or "coverage" not in x


def test_min_coverage_fails_the_run_below_the_threshold(tmp_path):
    summary = tmp_path / "s.json"
    low = scan(str(COVERAGE_FIXTURES), "-f", "jsonl", "--min-coverage", "50")
    assert low.exit_code == 1 and "--min-coverage" in low.stderr
    planted = str(ROOT / "fixtures" / "verdicts" / "planted")
    assert scan(planted, "-f", "jsonl", "--summary", str(summary)).exit_code == 0
    pct = orjson.loads(summary.read_bytes())["coverage"]["percent_full"]
    assert scan(planted, "-f", "jsonl", "--min-coverage", str(pct)).exit_code == 0  # at the threshold: passes
    if pct < 100:
        assert scan(planted, "-f", "jsonl", "--min-coverage", str(min(100, pct + 0.5))).exit_code == 1
    assert scan(str(COVERAGE_FIXTURES), "--min-coverage", "101").exit_code == 2


def test_human_formats_say_what_was_not_checked(tmp_path):
    # the table counts the records it could not check fully; `--show-invalid` lists each with its gap
    table = scan(str(COVERAGE_FIXTURES), "-f", "table")
    assert "проверены не полностью: 4 — список: --show-invalid" in table.output
    assert "Полнота проверки: полностью 0 из 4 записей" in table.output
    listed = scan(str(COVERAGE_FIXTURES), "-f", "table", "--show-invalid").output
    assert listed.count("проверена не полностью") == 4
    assert "не проверено: эпизод 2: статья 999 УК РК отсутствует" in listed
    # the CSV holds candidates only (pivot tables); the workbook lists what was not checked
    xlsx = tmp_path / "r.xlsx"
    assert scan(str(COVERAGE_FIXTURES), "-o", str(xlsx)).exit_code == 0
    import openpyxl
    sheet = openpyxl.load_workbook(xlsx).worksheets[1]
    assert any("не проверено: эпизод 2: статья 999" in (row[4] or "") for row in sheet.iter_rows(values_only=True))
    sarif = orjson.loads(scan(str(COVERAGE_FIXTURES), "-f", "sarif").stdout_bytes)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} >= {"coverage/unknown_article", "coverage/unknown_edition"}
    html = tmp_path / "r.html"
    assert scan(str(COVERAGE_FIXTURES), "-o", str(html)).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert 'id="coverage"' in page and "не проверено (эпизод 2)" in page


def test_explain_shows_undetermined_rules_and_the_gap():
    case = json.loads(COVERAGE_FIXTURES.read_text().splitlines()[0])["case_id"]
    r = CliRunner().invoke(main, ["explain", str(COVERAGE_FIXTURES), "--case", case], catch_exceptions=False)
    assert "Проверка неполная" in r.output
    assert r.exit_code == 0, r.output
    assert "Не удалось проверить" in r.output and "статья 999 УК РК отсутствует в каталоге санкций" in r.output
    js = CliRunner().invoke(main, ["explain", str(COVERAGE_FIXTURES), "--case", case, "--format", "json"])
    doc = orjson.loads(js.stdout_bytes)
    assert doc["coverage"]["checked"] == "none"
    assert any(t["status"] == "undetermined" for t in doc["trace"]["rules"])


# ---- the store


def test_store_counts_coverage_per_run_and_rule(store_url):
    db = store_url
    assert scan(str(COVERAGE_FIXTURES), "-f", "jsonl", "--db", str(db)).exit_code == 0
    runs = orjson.loads(CliRunner().invoke(main, ["runs", "--db", str(db), "-f", "json"]).stdout_bytes)["runs"]
    (run,) = runs
    assert (run["checked_full"], run["checked_partial"], run["checked_none"]) == (0, 1, 3)
    assert {"unknown_article": 3, "unknown_edition": 1}.items() <= run["coverage"]["by_reason"].items()
    table = CliRunner().invoke(main, ["runs", "--db", str(db)])
    assert "Полнота" in table.output and "0,0 %" in table.output
    stats = orjson.loads(CliRunner().invoke(main, ["stats", "--db", str(db), "-f", "json"]).stdout_bytes)["rules"]
    assert any(s["undetermined"] > 0 for s in stats)
    conn = connect(db)
    assert conn.execute("SELECT checked FROM run_records WHERE run_id = 0").fetchall() == []  # the column (step 4)
    conn.close()


def test_a_resumed_line_keeps_its_coverage(tmp_path):
    from legality.report.model import ReportLine
    from legality.result.coverage import Coverage, Gap
    from legality.store.scanstate import line_from_json, line_to_json

    line = ReportLine("c", "f.jsonl", 1, "partial",
                      coverage=Coverage("none", [Gap("1", "unknown_article", "нет статьи", ["r-a"])]))
    back = line_from_json(line_to_json(line))
    assert back.coverage is not None and back.coverage.to_json() == line.coverage.to_json()
    assert back.to_json() == line.to_json()
