"""The rule authors' commands: check, graph, test, fmt, rules — outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from legality.cli import main
from legality.resources import LAW_DIR

GOOD = """define smax "максимум" for offence = offence.sanction.max(imprisonment)
rule over-max for offence {
  title "Выше максимума"
  severity high
  cite "УК РК ст.52 ч.1", offence.ref
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > smax
  message "{offence.sentence.principal.term} > {smax}"
}
"""


def ruleset(tmp_path: Path, text: str, tests: str | None = None) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "r.legal").write_text(text, encoding="utf-8")
    (d / "law").symlink_to(LAW_DIR, target_is_directory=True)
    if tests is not None:
        (d / "tests").mkdir()
        (d / "tests" / "t.yaml").write_text(tests, encoding="utf-8")
        (d / "tests" / "base.json").write_text(json.dumps(_record()), encoding="utf-8")
    return d


def _record():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from verdict_samples import record

    return record()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_check_clean_warning_and_error_exit_codes(tmp_path, english):
    d = ruleset(tmp_path, GOOD)
    r = run("check", d)
    assert r.exit_code == 0 and "rules: 1, facts: 1; errors: 0, warnings: 0" in r.output
    (d / "r.legal").write_text(GOOD + "define unused = 1\n", encoding="utf-8")
    assert run("check", d).exit_code == 0
    r = run("check", d, "--strict")
    assert r.exit_code == 1 and "warning[W201]" in r.output
    (d / "r.legal").write_text(GOOD.replace("smax\n  message", "offence.committed_on\n  message"), encoding="utf-8")
    r = run("check", d)
    assert r.exit_code == 2 and "error[E102]: cannot compare: term and date" in r.output and "^" in r.output


def test_check_json_and_dumps(tmp_path):
    d = ruleset(tmp_path, GOOD.replace("smax\n  message", "smaxx\n  message"))
    r = run("check", d, "--format", "json")
    assert r.exit_code == 2
    diags = json.loads(r.stdout)
    assert diags[0]["code"] == "E101" and diags[0]["span"]["line"] == 7 and "smax" in diags[0]["hint"]
    d2 = ruleset(tmp_path / "b", GOOD) if (tmp_path / "b").mkdir() is None else None
    for dump, needle in (("ast", "rule over-max for offence {"), ("ir", "(member"), ("plan", "rule over-max"),
                         ("code", "def run(env, v, rt):")):
        r = run("check", d2, "--dump", dump)
        assert r.exit_code == 0 and needle in r.output, dump


def test_graph_text_dot_and_cycle(tmp_path, english):
    d = ruleset(tmp_path, GOOD)
    r = run("graph", d)
    assert r.exit_code == 0 and "fact smax" in r.output and "← smax" in r.output
    r = run("graph", d, "--dot")
    assert r.output.startswith("digraph legality {") and '"fact:smax" -> "rule:over-max";' in r.output
    (d / "r.legal").write_text(GOOD.replace('offence.sanction.max(imprisonment)', 'smax2\ndefine smax2 for offence = smax'),
                               encoding="utf-8")
    r = run("graph", d)
    assert r.exit_code == 2 and "dependency cycle: smax → smax2 → smax" in r.output


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
  - name: a fine
    rule: over-max
    kind: not_applicable
    patch:
      offences[0].sentence.principal: {kind: fine, mrp: 100}
"""


def test_rule_tests_pass_fail_and_coverage(tmp_path):
    d = ruleset(tmp_path, GOOD, TESTS)
    r = run("test", d, "-v")
    assert r.exit_code == 0, r.output
    assert "Тестов пройдено: 3, не пройдено: 0" in r.output and r.output.count("ПРОЙДЕН ") == 3
    # the boundary record moved above the limit: the boundary test must fail
    (d / "tests" / "t.yaml").write_text(TESTS.replace("{years: 7}\n", "{years: 7, days: 2}\n"), encoding="utf-8")
    r = run("test", d)
    assert r.exit_code == 1 and "НЕ ПРОЙДЕН" in r.output
    assert "ожидалось, что правило over-max применится и нарушения не будет" in r.output
    # without its not_applicable test the rule lacks coverage
    (d / "tests" / "t.yaml").write_text(TESTS[:TESTS.index("  - name: a fine")], encoding="utf-8")
    r = run("test", d)
    assert r.exit_code == 1 and "НЕТ ТЕСТОВ over-max: не хватает тестов вида not_applicable" in r.output


def test_rule_test_failure_shows_the_rule_status_and_reason(tmp_path):
    bad = TESTS.replace("kind: boundary", "kind: violation")
    d = ruleset(tmp_path, GOOD, bad)
    r = run("test", d)
    assert r.exit_code == 1
    assert "ожидалось, что правило over-max сработает (нарушение); over-max@1: нарушения нет" in r.output


def test_fmt_check_and_write(tmp_path):
    f = tmp_path / "x.legal"
    f.write_text(GOOD.replace("  severity high", "     severity    high"), encoding="utf-8")
    assert run("fmt", f, "--check").exit_code == 1
    assert run("fmt", f, "--write").exit_code == 0
    assert run("fmt", f, "--check").exit_code == 0
    f.write_text("# a comment\n" + GOOD, encoding="utf-8")
    r = run("fmt", f, "--write")
    assert r.exit_code == 0 and f.read_text(encoding="utf-8") == "# a comment\n" + GOOD  # comments are kept


def test_rules_listing(tmp_path):
    d = ruleset(tmp_path, GOOD)
    data = json.loads(run("rules", d, "--format", "json").output)
    assert data[0]["id"] == "over-max" and data[0]["citations"] == ["ч.1 ст.52 УК РК"]
    md = run("rules", d, "--format", "markdown").output
    assert "| `over-max` | Выше максимума | high | ч.1 ст.52 УК РК | offence |" in md


def test_docs_rules_md_lists_every_shipped_rule():
    from legality.engine import Engine

    text = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in Engine.load().rules:
        assert f"`{r.id}`" in text, f"docs/rules.md is stale: regenerate with `legality rules --format markdown --notes docs/rules-notes`"
