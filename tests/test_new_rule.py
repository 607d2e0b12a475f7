"""`legality new rule NAME --family F`: the scaffold compiles, keeps the layout, and its tests fail until written.

Why these tests: a scaffold is what a lawyer starts from, so it must leave the rule set as it found it —
`legality check` with no new diagnostic, `legality fmt --check` clean — and its three tests must not
pass before anyone wrote them (a test that cannot fail), yet pass once the placeholders are filled in
the way the scaffold's own comments suggest. Every refusal leaves both files byte for byte as they were.
All on a copy of the shipped rules/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.diagnostics import Severity
from legality.resources import RULES_DIR
from legality.ruletest import KINDS, load_tests, run_test
from legality.syntax.layout import format_text

ID = "fraud-term-cap"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    return dst


def _snapshot(rules: Path) -> dict[str, bytes]:
    return {p.relative_to(rules).as_posix(): p.read_bytes()
            for p in sorted(rules.rglob("*")) if p.is_file() and p.suffix in (".legal", ".yaml")}


def _problems(rules: Path, diags) -> set[tuple[str, str, int, str]]:
    """Errors and warnings, each by code, file (relative to its rule set), line and message."""
    def rel(f: str) -> str:
        try:
            return Path(f).resolve().relative_to(rules.resolve()).as_posix()
        except ValueError:
            return f
    return {(d.code, rel(d.span.file) if d.span else "", d.span.line if d.span else 0, d.message)
            for d in diags if d.level in (Severity.error, Severity.warning)}


@pytest.fixture(scope="module")
def shipped_problems() -> set[tuple[str, str, int, str]]:
    from legality.engine import Engine

    return _problems(RULES_DIR, Engine.compile(RULES_DIR)[1])


def _my_tests(rules: Path, rule_id: str = ID):
    tests, diags = load_tests(rules)
    assert not diags, [d.render() for d in diags]
    return [t for t in tests if t.rule == rule_id]


def _engine(rules: Path):
    from legality.engine import Engine

    engine, diags = Engine.compile(rules)
    assert engine is not None, [d.render() for d in diags if d.is_error]
    return engine


@pytest.mark.parametrize("family,new", [("sanction", False), ("fraud", True)])
def test_scaffold_compiles_is_tidy_and_its_tests_fail_until_written(rules, shipped_problems, family, new):
    from legality.engine import Engine

    old_rule = (rules / "pack" / f"{family}.legal")
    old_text = old_rule.read_text(encoding="utf-8") if old_rule.exists() else ""
    r = run("new", "rule", ID, "--family", family, "--rules", rules, *(["--new-family"] if new else []))
    assert r.exit_code == 0, r.output
    rule_file = rules / "pack" / f"{family}.legal"
    text = rule_file.read_text(encoding="utf-8")
    assert text.startswith(old_text)  # appended: what was there stays as it was
    engine, diags = Engine.compile(rules)
    assert engine is not None, [d.render() for d in diags if d.is_error]
    assert _problems(rules, diags) == shipped_problems  # `legality check`: no new error or warning
    assert format_text(text, str(rule_file))[0] == text  # `legality fmt --check` passes on the file
    assert run("fmt", "--check", rule_file).exit_code == 0

    assert ID in {x.id for x in engine.rules}
    mine = _my_tests(rules)
    assert sorted(t.kind for t in mine) == sorted(KINDS)
    for t in mine:
        res = run_test(engine, t)
        assert not res.ok and t.todo, t.name  # a scaffold's test fails, saying it is one, until written
    if new:  # and through the command: three failures, exit 1
        t = run("test", rules, "-k", ID)
        assert t.exit_code == 1 and t.output.count("НЕ ПРОЙДЕН") == 3


def test_the_unfilled_rule_fires_on_nothing(rules):
    """Until its article is written in, the rule applies to no record: a pack with a scaffold reports nothing false."""
    assert run("new", "rule", ID, "--family", "sanction", "--rules", rules).exit_code == 0
    engine = _engine(rules)
    tests, _ = load_tests(rules)
    from legality.model import validate_record

    checked = 0
    for t in tests[:200]:
        v = validate_record(t.record)
        if isinstance(v, list):
            continue
        ev = engine.evaluate(v, trace=True)
        assert ID not in {c.rule for c in ev.candidates}
        assert {r.status for r in ev.trace.rules if r.rule == ID} <= {"not_applicable"}, t.name
        checked += 1
    assert checked > 100


def test_filled_in_as_its_comments_suggest_the_tests_pass(rules):
    """The scaffold is a working example: the article written in, the example patches used and the `todo`
    lines deleted, its three tests pass — and with the article still a placeholder, the violation test fails."""
    assert run("new", "rule", ID, "--family", "fraud", "--new-family", "--rules", rules).exit_code == 0
    tests_file = rules / "tests" / "fraud.yaml"
    yml = tests_file.read_text(encoding="utf-8")
    yml = re.sub(r"^ +todo: .*\n", "", yml, flags=re.M)
    yml = re.sub(r"^( +)# (offences\[0\]\.)", r"\1\2", yml, flags=re.M)
    tests_file.write_text(yml, encoding="utf-8")

    placeholder = {t.kind: run_test(_engine(rules), t).ok for t in _my_tests(rules)}
    assert placeholder == {"violation": False, "boundary": False, "not_applicable": True}

    rule_file = rules / "pack" / "fraud.legal"
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace('"ЗАПОЛНИТЕ"', '"188"', 1), encoding="utf-8")
    engine = _engine(rules)
    results = [run_test(engine, t) for t in _my_tests(rules)]
    assert len(results) == 3 and all(r.ok for r in results), [r.detail for r in results]


def test_title_is_written_as_a_string_literal(rules):
    title = 'Мошенничество: "штраф" ниже \\ 100 МРП.'
    assert run("new", "rule", ID, "--family", "sanction", "--rules", rules, "--title", title).exit_code == 0
    engine = _engine(rules)
    rule = next(r for r in engine.rules if r.id == ID)
    assert rule.title == 'Мошенничество: "штраф" ниже \\ 100 МРП'  # a title ends without a full stop


def test_dry_run_prints_and_writes_nothing(rules):
    before = _snapshot(rules)
    r = run("new", "rule", ID, "--family", "fraud", "--new-family", "--rules", rules, "--dry-run")
    assert r.exit_code == 0, r.output
    assert f"rule {ID} for offence {{" in r.stdout and f"rule: {ID}" in r.stdout
    assert _snapshot(rules) == before and not (rules / "pack" / "fraud.legal").exists()


def test_second_scaffold_in_one_family(rules):
    """Two scaffolds in a row: both compile, six tests, the file stays tidy (the blank line between rules)."""
    for rid in (ID, "fraud-fine-cap"):
        assert run("new", "rule", rid, "--family", "fraud", "--new-family", "--rules", rules).exit_code == 0
    text = (rules / "pack" / "fraud.legal").read_text(encoding="utf-8")
    assert format_text(text)[0] == text
    ids = {x.id for x in _engine(rules).rules}
    assert {ID, "fraud-fine-cap"} <= ids
    assert len(_my_tests(rules)) == 3 and len(_my_tests(rules, "fraud-fine-cap")) == 3


@pytest.mark.parametrize("args,needle", [
    (["sanction-max-exceeded", "--family", "sanction"], "sanction-max-exceeded"),  # the id is taken
    (["sanction-max-exceeded", "--family", "fraud", "--new-family"], "sanction-max-exceeded"),
    (["Fraud-Cap", "--family", "sanction"], "attempt-term-cap"),  # not the grammar's rule id
    (["fraudcap", "--family", "sanction"], "attempt-term-cap"),
    (["fraud_cap", "--family", "sanction"], "attempt-term-cap"),
    (["fraud-cap", "--family", "sanctoin"], "sanction?"),  # a typo: the closest family is named
    (["fraud-cap", "--family", "fraud"], "--new-family"),  # unknown: the families and the flag are named
    (["fraud-cap", "--family", "Fraud-X", "--new-family"], "Fraud-X"),  # not a family name
    (["fraud-cap", "--family", "../x", "--new-family"], "../x"),
    (["fraud-cap", "--family", "sanction", "--title", "две\nстроки"], ""),
])
def test_refusals_exit_2_and_write_nothing(rules, args, needle):
    before = _snapshot(rules)
    r = run("new", "rule", *args, "--rules", rules)
    assert r.exit_code == 2, r.output
    assert needle in r.stderr
    assert _snapshot(rules) == before


def test_unknown_family_lists_the_families(rules):
    r = run("new", "rule", "fraud-cap", "--family", "fraud", "--rules", rules)
    assert r.exit_code == 2
    assert all(f in r.stderr for f in ("sanction", "unfinished", "regime"))


def test_rules_dir_must_exist(tmp_path):
    r = run("new", "rule", ID, "--family", "x", "--new-family", "--rules", tmp_path / "nowhere")
    assert r.exit_code == 2 and not (tmp_path / "nowhere").exists()


def test_a_test_file_without_a_file_level_base(rules):
    """Each test of the family names its own `base`: the scaffold's tests name the last one's."""
    tests_file = rules / "tests" / "sanction.yaml"
    text = tests_file.read_text(encoding="utf-8")
    base = re.search(r"^base: (\S+)", text, flags=re.M).group(1)
    text = re.sub(r"^base: .*\n", "", text, flags=re.M)
    text = re.sub(r"^(  - name: .*\n)", rf"\1    base: {base}\n", text, flags=re.M)
    tests_file.write_text(text, encoding="utf-8")
    assert run("new", "rule", ID, "--family", "sanction", "--rules", rules).exit_code == 0
    assert tests_file.read_text(encoding="utf-8").startswith(text)
    mine = _my_tests(rules)  # no E601: each found its base record
    assert len(mine) == 3 and all(t.todo for t in mine)


def test_a_test_file_whose_tests_list_is_not_last_is_left_alone(rules):
    tests_file = rules / "tests" / "sanction.yaml"
    tests_file.write_text(tests_file.read_text(encoding="utf-8") + "law: law/none\n", encoding="utf-8")
    before = _snapshot(rules)
    r = run("new", "rule", ID, "--family", "sanction", "--rules", rules)
    assert r.exit_code == 2 and "sanction.yaml" in r.stderr
    assert _snapshot(rules) == before


def test_a_fact_the_skeleton_would_hide_is_refused(rules):
    """The skeleton's `let limit` would hide a fact `limit` (E104): refused instead of writing a rule that fails to compile."""
    common = rules / "pack" / "common.legal"
    common.write_text(common.read_text(encoding="utf-8") + '\ndefine limit "предел" = 1\n', encoding="utf-8")
    before = _snapshot(rules)
    r = run("new", "rule", ID, "--family", "sanction", "--rules", rules)
    assert r.exit_code == 2 and "limit" in r.stderr
    assert _snapshot(rules) == before


def test_a_test_file_that_is_not_yaml_is_named_with_its_place_and_why(rules):
    tests_file = rules / "tests" / "sanction.yaml"
    tests_file.write_text(tests_file.read_text(encoding="utf-8") + "\t- name: x\n", encoding="utf-8")
    before = _snapshot(rules)
    r = run("new", "rule", ID, "--family", "sanction", "--rules", rules)
    assert r.exit_code == 2 and _snapshot(rules) == before
    line = len(tests_file.read_text(encoding="utf-8").splitlines())
    assert f"sanction.yaml:{line}:1 не читается как YAML, тесты не дописаны: символ табуляции" in r.stderr, r.stderr
    assert "while scanning" not in r.stderr
