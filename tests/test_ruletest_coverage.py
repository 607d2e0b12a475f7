"""`legality test --coverage`: which outcomes of each rule's branch points its tests exercised.

Why these tests: the report is only worth reading if an outcome no test reaches is named, at its place
in the rule file, and disappears once a test reaches it; if the gate (`--min-coverage`) and the JSON are
what CI can rely on; and if the instrumented copy the coverage runs is the scan's own code (no second
evaluator that could disagree with it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.engine import Engine
from legality.resources import LAW_DIR, RULES_DIR
from legality.ruletest import BranchCollector, load_tests, run_test

# a rule whose `when` is an `or`: its second operand is true only for a non-prison sentence of a preparation
RULE = """define smax "максимум" for offence = offence.sanction.max(imprisonment)
rule over-max for offence {
  title "Выше максимума"
  severity high
  cite "УК РК ст.52 ч.1", offence.ref
  when offence.sentence.principal.kind = imprisonment or offence.stage = preparation
  violation offence.sentence.principal.term > smax
  message "{offence.sentence.principal.term} > {smax}"
}
"""
SECOND_OPERAND = (6, RULE.splitlines()[5].index("offence.stage = preparation") + 1)  # its line:col

TESTS = """base: base.json
tests:
  - name: above the maximum
    rule: over-max
    kind: violation
    patch:
      offences[0].sentence.principal.term: {years: 7, days: 1}
  - name: at the maximum
    rule: over-max
    kind: boundary
    patch:
      offences[0].sentence.principal.term: {years: 7}
  - name: a fine for an attempt
    rule: over-max
    kind: not_applicable
    patch:
      offences[0].sentence.principal: {kind: fine, mrp: 100}
"""
# the test that makes the second operand true: a fine for a preparation (the rule applies, no term to compare)
PREPARATION = """  - name: a fine for a preparation
    rule: over-max
    kind: not_applicable
    patch:
      offences[0].stage: preparation
      offences[0].sentence.principal: {kind: fine, mrp: 100}
"""


def ruleset(tmp_path: Path, text: str, tests: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "r.legal").write_text(text, encoding="utf-8")
    (d / "law").symlink_to(LAW_DIR, target_is_directory=True)
    (d / "tests").mkdir()
    (d / "tests" / "t.yaml").write_text(tests, encoding="utf-8")
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from verdict_samples import record

    (d / "tests" / "base.json").write_text(json.dumps(record()), encoding="utf-8")
    return d


def run(*args):
    return CliRunner().invoke(main, ["--lang", "ru", *[str(a) for a in args]])


def as_json(*args) -> dict:
    r = run(*args, "--coverage-format", "json")
    return json.loads(r.stdout)


def test_an_operand_no_test_makes_true_is_named_at_its_place_until_a_test_does(tmp_path):
    d = ruleset(tmp_path, RULE, TESTS)
    r = run("test", d, "--coverage")
    assert r.exit_code == 0, r.output  # coverage alone never fails a run
    line, col = SECOND_OPERAND
    assert f"r.legal:{line}:{col}  when › or: ни разу не было истинным: offence.stage = preparation" in r.output
    assert "Итого по правилам: покрыто 7 из 8 (87.5%)" in r.output
    doc = as_json("test", d)
    (row,) = doc["rules"]
    assert (row["rule"], row["line"], row["covered"], row["total"]) == ("over-max", 2, 7, 8)
    assert [(u["line"], u["column"], u["clause"], u["kind"], u["missing"], u["text"]) for u in row["uncovered"]] == [
        (line, col, "when", "or", ["true"], "offence.stage = preparation")]
    (d / "tests" / "t.yaml").write_text(TESTS + PREPARATION, encoding="utf-8")
    doc = as_json("test", d)
    assert (doc["rules"][0]["covered"], doc["rules"][0]["total"], doc["rules"][0]["uncovered"]) == (8, 8, [])
    assert doc["total"]["rules"] == {"covered": 8, "total": 8, "percent": 100.0}
    r = run("test", d, "--coverage")
    assert "Итого по правилам: покрыто 8 из 8 (100%)" in r.output and "ни разу" not in r.output


def test_an_operand_the_chain_never_reached_was_never_evaluated(tmp_path):
    """`a or b` with `a` always true: `b` was not evaluated at all, and says so (not «never true»)."""
    d = ruleset(tmp_path, RULE, TESTS[:TESTS.index("  - name: a fine")])
    r = run("test", d, "--coverage", "--no-coverage")
    line, col = SECOND_OPERAND
    assert f"r.legal:{line}:{col}  when › or: ни разу не вычислялось: offence.stage = preparation" in r.output
    (row,) = as_json("test", d, "--no-coverage")["rules"]
    assert {(u["kind"], tuple(u["missing"])) for u in row["uncovered"]} == {
        ("clause", ("false",)), ("or", ("false",)), ("or", ("true", "false"))}


@pytest.mark.parametrize("minimum, code", [(87.5, 0), (87.6, 1), (0, 0), (100, 1)])
def test_min_coverage_is_a_gate_on_the_rules_total(tmp_path, minimum, code):
    d = ruleset(tmp_path, RULE, TESTS)  # 7 of 8 outcomes: 87.5 %
    r = run("test", d, "--min-coverage", minimum)
    assert r.exit_code == code, r.output
    assert ("ниже порога --min-coverage" in r.stderr) == bool(code)
    assert as_json("test", d, "--min-coverage", minimum)["below_min_coverage"] == bool(code)


def test_a_failing_test_still_fails_the_run_and_json_stays_on_stdout(tmp_path):
    d = ruleset(tmp_path, RULE, TESTS.replace("kind: boundary", "kind: violation"))
    r = run("test", d, "--coverage-format", "json", "--min-coverage", 10)
    assert r.exit_code == 1
    assert "НЕ ПРОЙДЕН" in r.stderr and "НЕ ПРОЙДЕН" not in r.stdout
    doc = json.loads(r.stdout)
    assert doc["tests"] == {"passed": 2, "failed": 1} and doc["below_min_coverage"] is False


def test_json_shape(tmp_path):
    d = ruleset(tmp_path, RULE, TESTS)
    doc = as_json("test", d)
    assert set(doc) == {"granularity", "rules", "facts", "total", "tests", "min_coverage", "below_min_coverage"}
    assert doc["granularity"] == "branch" and doc["min_coverage"] is None
    (row,) = doc["rules"]
    assert set(row) == {"rule", "file", "line", "covered", "total", "percent", "tests", "uncovered"}
    assert row["file"].endswith("r.legal") and row["tests"] == 3
    (u,) = row["uncovered"]
    assert set(u) == {"file", "line", "column", "end_line", "end_column", "clause", "kind", "missing", "text"}
    # `smax` has no branch point: there is no row for it
    assert doc["facts"] == [] and doc["total"]["facts"] == {"covered": 0, "total": 0, "percent": 100.0}


RICH = """rule rich-rule for offence {
  title "x"
  severity low
  cite "УК РК ст.52 ч.1"
  let t "срок" = if offence.stage = attempt then offence.sentence.principal.term else default(offence.sentence.principal.term, 6 months)
  when offence.sentence.principal.kind = imprisonment and (offence.stage = attempt or offence.stage = preparation)
  needs offence.damage_kzt
  unless offence.sentence.exempted is present
  violation t > 10 years
  message "x"
}
define doc_flag for offence = offence.stage = attempt and default(offence.damage_compensated, false)
"""
# every point of RICH, as the report lists one no test has reached: (clause, kind, line, outcomes, text)
RICH_POINTS = [
    ("let t", "if", 5, ("true", "false"), "offence.stage = attempt"),
    ("let t", "default", 5, ("present", "missing"), "default(offence.sentence.principal.term, 6 months)"),
    ("when", "clause", 6, ("true", "false"),
     "offence.sentence.principal.kind = imprisonment and (offence.stage = attempt or offence.stage = preparation)"),
    ("when", "and", 6, ("true", "false"), "offence.sentence.principal.kind = imprisonment"),
    ("when", "and", 6, ("true", "false"), "offence.stage = attempt or offence.stage = preparation"),
    ("when", "or", 6, ("true", "false"), "offence.stage = attempt"),
    ("when", "or", 6, ("true", "false"), "offence.stage = preparation"),
    ("needs", "clause", 7, ("present", "missing"), "offence.damage_kzt"),
    ("unless", "clause", 8, ("true", "false"), "offence.sentence.exempted is present"),
    ("violation", "clause", 9, ("true", "false"), "t > 10 years"),
]
RICH_FACT_POINTS = [
    ("define", "and", 12, ("true", "false"), "offence.stage = attempt"),
    ("define", "and", 12, ("true", "false"), "default(offence.damage_compensated, false)"),
    ("define", "default", 12, ("present", "missing"), "default(offence.damage_compensated, false)"),
]


def test_the_points_of_each_kind_of_clause(tmp_path):
    d = ruleset(tmp_path, RICH, "tests: []\n")
    engine, diags = Engine.compile(d)
    assert engine is not None, diags
    _, cover = engine.with_branch_coverage()
    report = BranchCollector(cover).report()
    (rule,) = report.rules
    assert (rule.id, rule.line, rule.covered, rule.total) == ("rich-rule", 1, 0, 20)
    assert [(u.point.clause, u.point.kind, u.point.span.line, u.missing, u.text) for u in rule.unseen] == RICH_POINTS
    (fact,) = report.facts
    assert fact.id == "doc_flag" and fact.line == 12
    assert [(u.point.clause, u.point.kind, u.point.span.line, u.missing, u.text) for u in fact.unseen] == RICH_FACT_POINTS


def test_a_rule_counts_only_the_tests_that_check_it(tmp_path):
    """A test of another rule runs through this rule's clauses too, but asserts nothing about it;
    a test with `expect` checks every rule's firing, so it counts for all."""
    two = RULE + RULE.split("\n", 1)[1].replace("over-max", "over-max-too")
    only_first = TESTS + PREPARATION
    d = ruleset(tmp_path, two, only_first)
    rows = {r["rule"]: r for r in as_json("test", d, "--no-coverage")["rules"]}
    assert rows["over-max"]["covered"] == 8 and rows["over-max-too"]["covered"] == 0
    assert rows["over-max-too"]["tests"] == 0
    expect = only_first.replace("    rule: over-max\n    kind: violation\n", "    expect: [over-max, over-max-too]\n")
    (d / "tests" / "t.yaml").write_text(expect, encoding="utf-8")
    rows = {r["rule"]: r for r in as_json("test", d, "--no-coverage")["rules"]}
    # the `expect` test fires both: the other rule's `when` (true), first operand (true) and violation (true)
    assert rows["over-max-too"]["covered"] == 3 and rows["over-max-too"]["tests"] == 1


def test_k_reports_only_the_rules_of_the_selected_tests(tmp_path):
    two = RULE + RULE.split("\n", 1)[1].replace("over-max", "other-rule")
    d = ruleset(tmp_path, two, TESTS)
    doc = as_json("test", d, "-k", "over-max")
    assert [r["rule"] for r in doc["rules"]] == ["over-max"] and doc["facts"] == []


def test_the_report_is_the_same_on_every_run(tmp_path):
    d = ruleset(tmp_path, RICH + RULE, TESTS + PREPARATION)
    first = run("test", d, "--coverage", "--no-coverage")
    again = run("test", d, "--coverage", "--no-coverage")
    assert first.output == again.output and "rich-rule" in first.output


def test_the_instrumented_copy_is_the_scans_code_plus_the_calls():
    """The coverage runs the code the scan runs: remove the calls to the sink and the sources are equal,
    and it decides every shipped rule test the same way as the engine itself."""
    from legality.eval.program import generate

    engine, _ = Engine.compile(RULES_DIR)
    assert engine is not None
    covered, cover = engine.with_branch_coverage()
    program = engine._program
    plain = generate(program.facts, program.rules, program.order).source
    instrumented = covered._program.generated.source
    calls = [line for line in instrumented.split("\n") if line.lstrip().startswith("K[-1](")]
    assert calls and "K[-1](" not in plain and "_in_order(" not in plain
    # besides the calls, a quantifier walks a set in a fixed order (`_in_order`)
    same = [re.sub(r"^(\s*for \w+ in )_in_order\((.*)\):$", r"\1\2:", line)
            for line in instrumented.split("\n") if not line.lstrip().startswith("K[-1](")]
    assert "\n".join(same) == plain
    tests, _ = load_tests(RULES_DIR)
    for t in tests[::11]:
        a, b = run_test(engine, t), run_test(covered, t)
        assert (a.ok, a.statuses) == (b.ok, b.statuses), t.name
    assert cover.hits.take()


def test_the_shipped_pack_coverage_is_computed():
    doc = as_json("test", RULES_DIR)
    engine, _ = Engine.compile(RULES_DIR)
    assert engine is not None
    assert sorted(r["rule"] for r in doc["rules"]) == sorted(r.id for r in engine.rules)
    assert doc["tests"]["failed"] == 0
    for key in ("rules", "facts"):
        t = doc["total"][key]
        assert 0 < t["covered"] <= t["total"] and 0 <= t["percent"] <= 100
        assert t["covered"] == sum(r["covered"] for r in doc[key]) and t["total"] == sum(r["total"] for r in doc[key])
    places = [(r["file"], r["line"], r["rule"]) for r in doc["rules"]]
    assert places == sorted(places)
    for r in doc["rules"]:
        assert r["total"] >= 2 and r["total"] - r["covered"] == sum(len(u["missing"]) for u in r["uncovered"])
        for u in r["uncovered"]:
            assert Path(u["file"]).is_file() and u["text"]


SET_RULE = """rule non-prison-alternative for offence {
  title "x"
  severity low
  cite "УК РК ст.52 ч.1"
  when any k in offence.sanction.kinds: (k != imprisonment and k != life_imprisonment)
  violation offence.sentence.principal.kind = imprisonment
  message "x"
}
"""


def test_a_quantifier_over_a_set_shows_the_same_outcomes_whatever_the_hash_seed(tmp_path):
    """`any k in offence.sanction.kinds` stops at the first hit, and a set's order follows the process's
    hash seed: the instrumented copy walks it in a fixed order, so the report is the same in every process."""
    d = ruleset(tmp_path, SET_RULE, TESTS.replace("over-max", "non-prison-alternative"))
    outs = set()
    for seed in ("1", "2", "3", "4"):
        r = subprocess.run([sys.executable, "-m", "legality.cli", "test", str(d), "--coverage-format", "json"],
                           capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        outs.add(json.dumps(json.loads(r.stdout)["rules"]))  # (a test fails here: W602, no `when` false)
    assert len(outs) == 1
