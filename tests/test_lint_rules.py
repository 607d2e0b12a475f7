"""Lints W105 (amounts of possibly different units without a guard) and W106 (a citation the catalogue lacks),
and the lints `legality test` runs on the tests' outcomes (W601-W603).

The compile-time lints are tested as data: every file of tests/lint/bad/ states on its first line the
diagnostics it must produce (`# expect: W105 13:13, …`: code, line, column) and produces exactly those of the
codes under test; every file of tests/lint/good/ produces none (`# expect: none`) and no error.  The case that
made W105 (ux-2026-12, user 2) is also run: the rule the old compiler accepted faults with E501 on a record,
and the lint points at that comparison.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.diagnostics import CODES
from legality.driver import run_stages
from legality.engine import Engine
from legality.model import validate_record
from legality.resources import RULES_DIR

HERE = Path(__file__).parent / "lint"
EXPECT = re.compile(r"#\s*expect:\s*(.+)")
UNDER_TEST = {"W105", "W106"}
BASE = RULES_DIR / "tests" / "base" / "f-theft-188-1.json"


def _expected(path: Path) -> set[tuple[str, int, int]]:
    spec = EXPECT.match(path.read_text(encoding="utf-8")).group(1).strip()
    if spec == "none":
        return set()
    out = set()
    for item in spec.split(","):
        code, place = item.split()
        line, col = place.split(":")
        out.add((code, int(line), int(col)))
    return out


def _compile(tmp_path: Path, text: str):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "x.legal").write_text(text, encoding="utf-8")
    return run_stages(d)


@pytest.mark.parametrize("path", sorted(HERE.glob("*/*.legal")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lint_files(tmp_path, path):
    u = _compile(tmp_path, path.read_text(encoding="utf-8"))
    assert not [d for d in u.diags if d.is_error], [d.header() for d in u.diags]
    got = {(d.code, d.span.line, d.span.column) for d in u.diags if d.code in UNDER_TEST}
    want = _expected(path)
    assert got == want, "\n".join(d.render(u.sources) for d in u.diags)
    if path.parent.name == "bad":
        assert want, "a bad file states what it must produce"
        assert u.program is not None, "a lint is a warning: the rule set still compiles"


def test_the_codes_are_registered():
    for code in ("W105", "W106", "W601", "W602", "W603"):
        assert CODES[code][0].value == "warning"


UX_RULE = """define fraud_fine_floor "нижний предел штрафа (учебный)" = 100 mrp
define imposed_amount "размер наказания" for offence = offence.sentence.principal.amount
define imposed_kind "вид наказания" for offence = offence.sentence.principal.kind

rule fraud-fine-below-floor for offence {
  title "Мошенничество: штраф ниже 100 МРП"
  severity medium
  cite "УК РК ст.190 ч.1", offence.ref
  in force from 2015-01-01
  when offence.article = "190" and offence.part = 1
GUARDS  violation imposed_amount < fraud_fine_floor
  message "Штраф {imposed_amount} ниже {fraud_fine_floor}."
}
"""


def _fraud_record(principal: dict) -> object:
    rec = json.loads(BASE.read_text(encoding="utf-8"))
    rec["offences"][0].update(article="190", part=1)
    rec["offences"][0]["sentence"]["principal"] = principal
    rec["final_sentence"]["principal"] = principal
    v = validate_record(rec)
    assert not isinstance(v, list), v
    return v


@pytest.mark.parametrize("guards, faults", [
    ("", True),
    ("  when imposed_kind = fine\n  when same_unit(imposed_amount, fraud_fine_floor)\n", False),
    ("  when same_unit(imposed_amount, fraud_fine_floor)\n", False),
])
def test_the_e501_case_is_found_at_compile_time(tmp_path, guards, faults):
    """The unguarded rule compiles, fires on a fine below the floor (its tests pass), and faults with E501 on an
    imprisonment; W105 points at the comparison and names `same_unit`.  With a guard: no warning, no fault."""
    d = tmp_path / "rules"
    d.mkdir()
    text = UX_RULE.replace("GUARDS", guards)
    (d / "x.legal").write_text(text, encoding="utf-8")
    engine, diags = Engine.compile(d, disk_cache=False)
    assert engine is not None
    warned = [x for x in diags if x.code == "W105"]
    fine = engine.evaluate(_fraud_record({"kind": "fine", "mrp": 99}))
    assert [c.rule for c in fine.candidates] == ["fraud-fine-below-floor"] and not fine.faults
    prison = engine.evaluate(_fraud_record({"kind": "imprisonment", "term": {"years": 2}}))
    assert bool(prison.faults) is faults
    if faults:
        assert prison.faults[0].code == "E501"
        line = text.splitlines().index("  violation imposed_amount < fraud_fine_floor") + 1
        assert [(w.span.line, w.span.column) for w in warned] == [(line, 13)]
        assert "same_unit(imposed_amount, fraud_fine_floor)" in warned[0].hint
    else:
        assert not warned, [w.render() for w in warned]


def test_the_shipped_pack_has_no_lint_warning():
    u = run_stages(RULES_DIR)
    assert not [d.header() for d in u.diags if d.code in UNDER_TEST]


# ---------------------------------------------------------------------- lints of `legality test` (W601-W603)

TESTED_RULES = """rule prison-too-long for offence {
  title "Слишком долго"
  severity low
  cite "УК РК ст.46 ч.1"
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > 10 years
  message "Пример."
}

rule prison-too-long-copy for offence {
  title "Слишком долго (копия)"
  severity low
  cite "УК РК ст.46 ч.1"
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > 10 years
  message "Пример."
}

rule never-fires for offence {
  title "Никогда"
  severity low
  cite "УК РК ст.46 ч.2"
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > 20 years
  message "Пример."
}

rule always-applies for offence {
  title "Всегда применимо"
  severity low
  cite "УК РК ст.46 ч.3"
  when offence.part >= 1
  violation offence.sentence.principal.term > 5 years
  message "Пример."
}

rule not-tested for offence {
  title "Без тестов"
  severity low
  cite "УК РК ст.46 ч.4"
  when offence.sentence.principal.kind = fine
  violation offence.sentence.principal.mrp > 5000 mrp
  message "Пример."
}
"""

TESTS = f"""base: {BASE.as_posix()}
tests:
  - name: 12 лет — нарушение
    rule: prison-too-long
    kind: violation
    patch:
      offences[0].sentence.principal.term: {{years: 12}}
      final_sentence.principal.term: {{years: 12}}
  - name: 2 года — законно
    rule: prison-too-long
    kind: boundary
  - name: штраф — не применяется
    rule: prison-too-long
    kind: not_applicable
    patch:
      offences[0].sentence.principal: {{kind: fine, mrp: 100}}
      final_sentence.principal: {{kind: fine, mrp: 100}}
  - name: 12 лет — копия
    rule: prison-too-long-copy
    kind: violation
    patch:
      offences[0].sentence.principal.term: {{years: 12}}
      final_sentence.principal.term: {{years: 12}}
  - name: 2 года — никогда
    rule: never-fires
    kind: boundary
  - name: 6 лет
    rule: always-applies
    kind: violation
    patch:
      offences[0].sentence.principal.term: {{years: 6}}
      final_sentence.principal.term: {{years: 6}}
"""


def _tested(tmp_path: Path, tests: str = TESTS) -> Path:
    d = tmp_path / "rules"
    (d / "tests").mkdir(parents=True)
    (d / "x.legal").write_text(TESTED_RULES, encoding="utf-8")
    (d / "tests" / "x.yaml").write_text(tests, encoding="utf-8")
    return d


def _warnings(output: str) -> set[tuple[str, str]]:
    """(code, line) of each W60x warning printed about x.legal."""
    out = set()
    for m in re.finditer(r"x\.legal:(\d+):\d+: \S+\[(W60\d)\]: (.*)", output):
        out.add((m.group(2), int(m.group(1))))
    return out


def _line(rule: str) -> int:
    return TESTED_RULES.splitlines().index(f"rule {rule} for offence {{") + 1


def test_legality_test_reports_what_its_tests_say_about_the_rules(tmp_path):
    d = _tested(tmp_path)
    r = CliRunner().invoke(main, ["test", str(d), "--no-coverage"])
    assert r.exit_code == 0, r.output  # warnings: the exit code is the tests'
    got = _warnings(r.output)
    assert got == {
        ("W601", _line("never-fires")),             # fired on no test record
        ("W602", _line("always-applies")),          # `offence.part >= 1` holds on every valid record
        ("W603", _line("prison-too-long-copy")),    # the same tests, the same citation: reported at the later rule
    }, r.output
    # a rule no test names is the coverage report's business, not a lint's
    assert "not-tested" not in "".join(line for line in r.output.splitlines() if "[W60" in line)


def test_a_test_silences_the_lint_it_answers(tmp_path):
    """W601 goes when a test makes the rule fire (the others stay: they are about other rules)."""
    more = """  - name: 30 лет
    rule: never-fires
    kind: violation
    patch:
      offences[0].sentence.principal.term: {years: 30}
      final_sentence.principal.term: {years: 30}
"""
    d = _tested(tmp_path, TESTS + more)
    r = CliRunner().invoke(main, ["test", str(d), "--no-coverage"])
    assert r.exit_code == 0, r.output
    assert _warnings(r.output) == {("W602", _line("always-applies")), ("W603", _line("prison-too-long-copy"))}, \
        r.output


def test_no_lint_of_tests_when_k_chose_some(tmp_path):
    d = _tested(tmp_path)
    r = CliRunner().invoke(main, ["test", str(d), "-k", "never"])
    assert "[W60" not in r.output, r.output


def test_the_shipped_pack_passes_its_tests_without_a_lint_warning():
    r = CliRunner().invoke(main, ["test"])
    assert r.exit_code == 0, r.output[-3000:]
    assert "[W60" not in r.output, [line for line in r.output.splitlines() if "[W60" in line]


GUARDED = [(f.name, i) for f in sorted((RULES_DIR / "pack").glob("*.legal"))
           for i, line in enumerate(f.read_text(encoding="utf-8").splitlines())
           if re.match(r"\s*when same_unit\(", line)]


@pytest.fixture(scope="module")
def shipped_catalogue():
    from legality.law import Catalogue

    return Catalogue.load()


@pytest.mark.parametrize("name, index", [g for k, g in enumerate(GUARDED) if k % 4 == 0],
                         ids=lambda x: str(x))
def test_removing_a_guard_of_the_pack_is_found(tmp_path, shipped_catalogue, name, index):
    """The pack's own `when same_unit(…)` guards are what keeps W105 quiet on it: take one away and the
    comparison it guarded is reported (every fourth guard, to keep the suite quick)."""
    import shutil

    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR / "pack", d / "pack")
    lines = (d / "pack" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    (d / "pack" / name).write_text("".join(lines[:index] + lines[index + 1:]), encoding="utf-8")
    u = run_stages(d, catalogue=shipped_catalogue, until="lint")
    assert not [x for x in u.diags if x.is_error]
    hits = [x for x in u.diags if x.code == "W105"]
    assert hits and all(x.span.file.endswith(name) for x in hits), [x.header() for x in u.diags]


REPEALED_PART = """\
article: '500'
title: Проба (часть 3 исключена)
source: https://example.org/code
edition: test
verified_from: 2015-01-01
verified_until: 2025-01-01
entries:
  - {part: 1, summary: a, category: minor, valid_from: 2015-01-01, verified: true,
     principal: [{kind: fine, max: 1000}]}
  - {part: 2, summary: b, category: medium, valid_from: 2015-01-01, verified: true,
     principal: [{kind: imprisonment, max: {years: 5}}]}
  # ч.3 was repealed on 01.07.2020: still a real provision for what was done before
  - {part: 3, summary: c, category: grave, valid_from: 2015-01-01, valid_to: 2020-06-30, verified: true,
     principal: [{kind: imprisonment, max: {years: 8}}]}
"""


def test_a_part_of_some_edition_is_a_real_provision(tmp_path, shipped_catalogue):
    """Editions: a part repealed since (ч.3) is cited without a warning; a part no edition has (ч.4) is reported,
    with the parts the article had in any edition."""
    from legality.law import Catalogue

    extra = tmp_path / "law"
    extra.mkdir()
    (extra / "500.yaml").write_text(REPEALED_PART, encoding="utf-8")
    text = """rule cites-500 for offence {
  title "Пример"
  severity low
  cite "УК РК ст.500 ч.3", "УК РК ст.500 ч.4"
  violation offence.part = 1
  message "Пример."
}
"""
    d = tmp_path / "rules"
    d.mkdir()
    (d / "x.legal").write_text(text, encoding="utf-8")
    u = run_stages(d, catalogue=Catalogue.load(extra=[extra]), until="lint")
    hits = [x for x in u.diags if x.code == "W106"]
    assert [(x.span.line, x.span.column) for x in hits] == [(4, 28)], [x.header() for x in u.diags]
    assert "ч.1, ч.2, ч.3" in hits[0].hint
