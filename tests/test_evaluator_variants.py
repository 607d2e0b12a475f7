"""One evaluator, two variants: the fast `run` and the traced `run_traced` are generated from the same IR
and must agree — on every fixture record, on a generated batch and on the rule tests' records — with
the traced run giving a complete trace; the interpreter and the closure compiler stay deleted.

Why a differential test: the traced variant is what `explain` and the rule tests read, the fast one
is what `scan` reports; a difference between them would make an explanation lie about a report.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import orjson
import pytest

from legality.engine import Engine
from legality.eval.env import RuleFault
from legality.model import validate_record
from legality.resources import RULES_DIR
from legality.result import trace as T
from legality.ruletest import load_tests
from support.synth import fixture_records, generate
from verdict_samples import record

SRC = Path(__file__).resolve().parents[1] / "src" / "legality"
ENGINE = Engine.load(RULES_DIR)
PROGRAM = ENGINE._program
STATUSES = {T.NOT_IN_FORCE, T.NOT_APPLICABLE, T.MISSING, T.EXCEPTED, T.OVERRIDDEN, T.PASSED, T.FIRED, T.FAULT,
            T.UNDETERMINED}


def _verdicts(raw: list[dict]) -> list:
    out = []
    for r in raw:
        v = validate_record(r)
        if not isinstance(v, list):
            out.append(v)
    return out


def _check_both(v) -> None:
    fast = ENGINE.evaluate(v)
    traced = ENGINE.evaluate(v, trace=True)
    assert fast.trace is None
    assert [c.to_json() for c in fast.candidates] == [c.to_json() for c in traced.candidates], v.case_id
    assert [f.to_json() for f in fast.faults] == [f.to_json() for f in traced.faults], v.case_id
    _check_complete(v, traced)


def _check_complete(v, ev) -> None:
    """Every fact and every rule once per scope instance, in plan order; statuses agree with the results."""
    offences = [o.id for o in v.offences]
    instances = {"offence": offences}
    want_facts, want_rules = [], []
    for node in PROGRAM.order:
        kind, name = node.split(":", 1)
        defn = PROGRAM.facts[name] if kind == "fact" else PROGRAM.rules[name]
        keys = instances.get(defn.scope, [None])
        (want_facts if kind == "fact" else want_rules).extend((name, k) for k in keys)
    tr = ev.trace
    assert [(f.name, f.scope) for f in tr.facts] == want_facts, v.case_id
    assert [(r.rule, r.scope) for r in tr.rules] == want_rules, v.case_id
    assert {r.status for r in tr.rules} <= STATUSES
    fired = Counter((r.rule, r.scope) for r in tr.rules if r.status == T.FIRED)
    assert fired == Counter((c.rule, c.offence) for c in ev.candidates), v.case_id
    assert sum(r.status == T.FAULT for r in tr.rules) == len(ev.faults), v.case_id
    for r in tr.rules:
        assert r.reason, (v.case_id, r.rule)
        decided_by_clause = r.status not in (T.NOT_IN_FORCE, T.OVERRIDDEN, T.FAULT)
        assert bool(r.condition) == decided_by_clause, (v.case_id, r.rule, r.status)
        assert (r.span is not None) == decided_by_clause or r.status == T.FAULT, (v.case_id, r.rule)


def test_both_variants_agree_on_every_fixture_record():
    vs = _verdicts(fixture_records())
    assert len(vs) > 100
    for v in vs:
        _check_both(v)


def test_both_variants_agree_on_a_generated_batch():
    vs = _verdicts([orjson.loads(line) for line in generate(2000)])
    assert len(vs) == 2000
    for v in vs:
        _check_both(v)


def test_both_variants_agree_on_the_rule_tests_records():
    tests, diags = load_tests(RULES_DIR)
    assert not diags and len(tests) > 100
    for v in _verdicts([t.record for t in tests]):
        _check_both(v)


def test_the_traced_variant_is_the_fast_one_generated_again():
    src = PROGRAM.source
    assert "def run(env, v, rt):" in src and "def run_traced(env, v, rt, tr):" in src
    n = len(PROGRAM.rules)
    assert src.count("_decide(env, v, o, rt):") == n and src.count("_decide_traced(env, v, o, rt, tr):") == n
    # the generated code reaches the evaluator only through Env's public interface
    assert "env._" not in src and "Program" not in src


# ---- a fault names its clause (carried as data; the report's JSON is unchanged)
FAULTY_WHEN = """
rule when-fault for offence {
  title "Ошибка в условии"
  severity low
  cite "УК РК ст.46"
  when offence.sentence.principal.amount > 500 mrp
  violation true
  message "x"
}
"""


def test_a_fault_carries_the_span_of_its_clause_in_both_variants(tmp_path):
    d = tmp_path / "rules" / "pack"
    d.mkdir(parents=True)
    (d / "r.legal").write_text(FAULTY_WHEN, encoding="utf-8")
    prog = Engine.load(str(tmp_path / "rules"))._program
    v = validate_record(record())
    rule = prog.rules["when-fault"]
    when_span = rule.whens[0].expr.span
    for trace in (False, True):
        ev = prog.evaluate(v, trace=trace)
        assert [f.code for f in ev.faults] == ["E501"] * len(v.offences)
        f = ev.faults[0]
        assert isinstance(f, RuleFault) and f.clause == when_span and f.span == when_span  # located at the clause
        assert f.reason and f.message.endswith(f.reason)
        assert "clause" not in f.to_json() and "reason" not in f.to_json()
        if trace:
            (rt,) = [r for r in ev.trace.rules if r.rule == "when-fault"][:1]
            assert rt.status == T.FAULT and rt.reason == f.reason and rt.span == when_span
            assert rt.condition == "" and rt.values == {} and "span" not in rt.to_json()


def test_a_failing_fast_driver_falls_back_to_the_traced_one(monkeypatch):
    v = validate_record(fixture_records()[0])
    want = [c.to_json() for c in ENGINE.evaluate(v).candidates]

    def crash(env, v, rt):
        raise RuntimeError("driver bug")

    monkeypatch.setattr(PROGRAM, "_run", crash)
    ev = ENGINE.evaluate(v)
    assert [c.to_json() for c in ev.candidates] == want and ev.trace is None


# ---- the interpreter and the closure compiler are gone
def test_no_module_imports_the_closure_compiler_or_the_interpreter():
    assert not (SRC / "eval" / "closures.py").exists()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
                assert not any("closures" in n for n in names), path
            if isinstance(node, ast.Name | ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                assert name not in {"compile_node", "_eval_fact", "_eval_rule", "_clause_values"}, path
    from legality.eval.program import Program

    assert not [m for m in ("_eval_fact", "_eval_rule", "_decide", "_candidate") if hasattr(Program, m)]


@pytest.mark.parametrize("module", ["codegen", "env", "program", "tracer"])
def test_the_runtime_names_have_one_home(module):
    """MISSING, Miss, Fault, add_term, age_on and the status codes are defined in eval/runtime.py only."""
    tree = ast.parse((SRC / "eval" / f"{module}.py").read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    assert not defined & {"MISSING", "Miss", "Fault", "FaultError", "add_term", "age_on", "STATUS", "RUNTIME"}
