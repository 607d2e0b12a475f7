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
