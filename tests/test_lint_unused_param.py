"""W103: a law parameter of the rule set's own catalogue that no rule reads (audit F25)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.driver import compile as compile_rules
from legality.law import Catalogue, CatalogueError
from legality.lint import lint
from legality.resources import LAW_DIR, RULES_DIR

PARAMS = """defaults:
  source: https://example.org/code
  edition: test text
params:
  demo.read_by_rule:
    type: int
    citation: УК РК ст.46 ч.4
    editions:
      - {valid_from: 2015-01-01, value: 63, verified: true}
  demo.read_by_fact:
    type: int
    citation: УК РК ст.46 ч.4
    editions:
      - {valid_from: 2015-01-01, value: 18, verified: true}
  demo.nobody:
    type: term
    citation: УК РК ст.46 ч.3
    editions:
      - {valid_from: 2015-01-01, value: {years: 25}, verified: true}
  demo.documented:
    type: hours
    citation: УК РК ст.43 ч.2
    unused_reason: "касается исполнения наказания, а не приговора"
    editions:
      - {valid_from: 2015-01-01, value: 4, verified: true}
"""

RULES = """define adult_age "возраст" = law.demo.read_by_fact

rule demo-rule {
  title "Пример"
  severity low
  cite "УК РК ст.46 ч.4"
  violation age(defendant.birth_date, verdict.verdict_date) >= law.demo.read_by_rule and adult_age > 0
  message "пример"
}
"""


def _ruleset(root: Path, rules: str = RULES, params: str = PARAMS, *, borrowed_law: Path | None = None) -> Path:
    d = root / "rules"
    d.mkdir()
    (d / "r.legal").write_text(rules, encoding="utf-8")
    if borrowed_law is not None:
        (d / "law").symlink_to(borrowed_law, target_is_directory=True)
    else:
        (d / "law" / "general").mkdir(parents=True)
        (d / "law" / "general" / "p.yaml").write_text(params, encoding="utf-8")
    return d


def _w103(u) -> list:
    return [d for d in u.diags if d.code == "W103"]


def test_a_parameter_no_rule_reads_is_reported_at_its_line(tmp_path, monkeypatch):
    d = _ruleset(tmp_path)
    monkeypatch.chdir(tmp_path)
    u = compile_rules(d)
    assert u.program is not None and not [x for x in u.diags if x.is_error]
    hits = _w103(u)
    assert [h.message for h in hits] == ["параметр закона «demo.nobody» (ч.3 ст.46 УК РК) не читает ни одно правило"]
    h = hits[0]
    assert h.span.file == "rules/law/general/p.yaml" and (h.span.line, h.span.column) == (15, 3)
    assert "используйте его в правиле или удалите, указав причину" in h.hint and "unused_reason" in h.hint
    assert h.level.value == "warning"
    rendered = h.render()
    assert "demo.nobody:" in rendered and "предупреждение[W103]" in rendered


def test_read_through_a_fact_counts_and_unused_reason_silences(tmp_path):
    d = _ruleset(tmp_path)
    u = compile_rules(d)
    flagged = {h.message.split("«")[1].split("»")[0] for h in _w103(u)}
    assert "demo.read_by_fact" not in flagged and "demo.read_by_rule" not in flagged
    assert "demo.documented" not in flagged and flagged == {"demo.nobody"}


def test_a_blank_reason_does_not_silence(tmp_path):
    d = _ruleset(tmp_path, params=PARAMS.replace('"касается исполнения наказания, а не приговора"', '"  "'))
    u = compile_rules(d)
    assert {h.message.split("«")[1].split("»")[0] for h in _w103(u)} == {"demo.nobody", "demo.documented"}


def test_once_a_rule_reads_it_the_warning_goes(tmp_path):
    reads = RULES.replace("and adult_age > 0", "and adult_age > 0 and law.demo.nobody > 20 years")
    u = compile_rules(_ruleset(tmp_path, reads))
    assert _w103(u) == []


def test_a_borrowed_catalogue_is_not_the_rule_sets_business(tmp_path):
    law = tmp_path / "shared-law" / "general"
    law.mkdir(parents=True)
    (law / "p.yaml").write_text(PARAMS, encoding="utf-8")
    u = compile_rules(_ruleset(tmp_path, borrowed_law=tmp_path / "shared-law"))
    assert u.program is not None and _w103(u) == []
    # a rule set without law/ uses the shipped catalogue: not its own either
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "r.legal").write_text(RULES.replace("law.demo.read_by_rule", "law.life.max_age_men")
                                  .replace("law.demo.read_by_fact", "law.age.adult"), encoding="utf-8")
    u = compile_rules(bare)
    assert u.program is not None and _w103(u) == []


def test_the_lint_entry_point_needs_an_own_catalogue(tmp_path):
    d = _ruleset(tmp_path)
    u = compile_rules(d)
    assert lint(u.facts, u.rules, u.catalogue, planned=True) == [x for x in lint(u.facts, u.rules, u.catalogue,
                                                                                  planned=True) if x.code != "W103"]
    assert [x.code for x in lint(u.facts, u.rules, u.catalogue, planned=True, own_catalogue=True)
            if x.code == "W103"] == ["W103"]
    # "unused" means nothing for a rule set that did not plan
    assert [x for x in lint(u.facts, u.rules, u.catalogue, planned=False, own_catalogue=True) if x.code == "W103"] == []


def test_check_reports_it_and_strict_fails(tmp_path):
    d = _ruleset(tmp_path)
    r = CliRunner().invoke(main, ["check", str(d)])
    assert r.exit_code == 0 and "предупреждение[W103]" in r.output and "demo.nobody" in r.output
    r = CliRunner().invoke(main, ["check", str(d), "--strict"])
    assert r.exit_code == 1


def test_unused_reason_is_part_of_the_file_contract(tmp_path):
    law = tmp_path / "law"
    law.mkdir()
    (law / "p.yaml").write_text(PARAMS.replace("unused_reason:", "unused_reasons:"), encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        Catalogue.load(law)
    assert any("unused_reasons" in d.message for d in e.value.diagnostics)
    (law / "p.yaml").write_text(PARAMS, encoding="utf-8")
    spec = Catalogue.load(law).param_spec("demo.documented")
    assert spec is not None and spec.unused_reason == "касается исполнения наказания, а не приговора"
    assert spec.line == 20 and spec.file.endswith("p.yaml")


def test_every_parameter_of_the_shipped_catalogue_is_read_or_explained():
    u = compile_rules(RULES_DIR)
    assert u.own_catalogue and u.catalogue.path == LAW_DIR
    assert [d.header() for d in _w103(u)] == []
    cat = u.catalogue
    for name in cat.param_names():
        reason = cat.param_spec(name).unused_reason
        # a reason is a sentence for the law maintainer, not a placeholder
        assert not reason or len(reason.split()) >= 5, (name, reason)
