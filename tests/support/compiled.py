"""Compiling a rule text written inside a test against the shipped catalogue.

Why one helper: engine, coverage and sanction-member tests all write small rules inline; a compile
error must fail the test with every rendered diagnostic, not with a bare `None` program.
"""

from __future__ import annotations

from typing import Any

from legality.driver import compile as compile_rules


def compile_text(cat: Any, text: str) -> Any:
    return compile_rules(sources={"t.legal": text}, catalogue=cat)


def program(cat: Any, text: str) -> Any:
    u = compile_text(cat, text)
    errors = [d.render(u.sources) for d in u.diags if d.is_error]
    assert u.program is not None, "\n".join(errors)
    return u.program


def valid(raw: dict) -> Any:
    """The validated verdict of a record a test built (the test's own record must be valid)."""
    from legality.model import validate_record

    v = validate_record(raw)
    assert not isinstance(v, list), v
    return v


def statuses(ev: Any) -> dict[tuple[str, Any], str]:
    """Each rule's status per scope in a traced evaluation."""
    return {(r.rule, r.scope): r.status for r in ev.trace.rules}


_VIOLATIONS: dict[str, list[tuple[Any, Any]]] = {}


def violation_candidates(lang: str) -> list[tuple[Any, Any]]:
    """(rule test, candidate) for every candidate of every `violation` test of the shipped pack, in `lang`.

    Why the rule tests: every rule has a violation test, while the fixtures make only about a quarter
    of the rules fire; the checks of what findings say (identifiers, languages, grammar) read them all.
    Computed once per language and session (the pack's tests are fixed data)."""
    if lang not in _VIOLATIONS:
        from pathlib import Path

        from legality.engine import Engine
        from legality.model import validate_record
        from legality.resources import RULES_DIR
        from legality.ruletest import _with_law, load_tests

        engine = Engine.load(RULES_DIR, lang=lang)
        tests, _diags = load_tests(Path(RULES_DIR))
        out: list[tuple[Any, Any]] = []
        for t in tests:
            if t.kind != "violation":
                continue
            v = validate_record(t.record)
            if isinstance(v, list):
                continue  # test_rule_pack reports an invalid test record
            out += [(t, c) for c in (_with_law(engine, t.law) if t.law else engine).evaluate(v).candidates]
        _VIOLATIONS[lang] = out
    return _VIOLATIONS[lang]
