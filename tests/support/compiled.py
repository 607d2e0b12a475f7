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
