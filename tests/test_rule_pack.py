"""The shipped rule pack: its rule tests (rules/tests/*.yaml) run under pytest, one test each, plus
whole-pack properties over the shipped fixtures."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from legality.engine import Engine
from legality.driver import display_path
from legality.model import validate_record
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from legality.ruletest import KINDS, coverage, load_tests, run_test

ENGINE, DIAGS = Engine.compile(RULES_DIR)
TESTS, TEST_DIAGS = load_tests(RULES_DIR, display_path)


def test_shipped_rules_compile_without_errors_or_warnings():
    assert ENGINE is not None, "\n".join(d.render() for d in DIAGS)
    assert [d.header() for d in DIAGS] == []


def test_rule_test_files_are_valid():
    assert [d.header() for d in TEST_DIAGS] == []


@pytest.mark.parametrize("t", TESTS, ids=[f"{Path(t.file).stem}:{t.line}" for t in TESTS])
def test_rule(t):
    r = run_test(ENGINE, t)
    assert r.ok, f"{t.file}:{t.line} {t.name}\n  {r.detail}"


def test_every_rule_has_a_violation_a_boundary_and_a_not_applicable_test():
    cov = coverage(TESTS, [r.id for r in ENGINE.rules])
    missing = {rid: [k for k in KINDS if k not in kinds] for rid, kinds in cov.items() if set(KINDS) - kinds}
    assert missing == {}


def _fixture_verdicts():
    out = []
    for f in sorted((FIXTURES_DIR / "verdicts").rglob("*.jsonl")):
        for line in f.read_bytes().splitlines():
            if line.strip():
                v = validate_record(orjson.loads(line))
                assert not isinstance(v, list)
                out.append(v)
    return out


def test_generated_and_explaining_evaluators_agree_on_every_fixture():
    for v in _fixture_verdicts():
        fast = [c.to_json() for c in ENGINE.evaluate(v).candidates]
        slow = ENGINE.evaluate(v, trace=True)
        assert fast == [c.to_json() for c in slow.candidates], v.case_id
        assert not slow.faults, [f.message for f in slow.faults]


def test_every_rule_cites_and_has_a_severity():
    for r in ENGINE.rules:
        assert r.severity in ("high", "medium", "low")
        assert r.title
