"""Lints: warnings about a rule set that compiles, read from the checked IR alone.

Why a stage of their own (Drools' verifier, Zen's linter): a lint is an opinion about correct rules
("rests on unverified law", "computes a fact nobody reads"), not a rule of the language, so it
must not be tangled with name resolution or typing, and a new one is a new file here.  Each check
module holds one code and a `check(facts, rules, catalogue)`; a check marked `whole` speaks only
about a rule set whose dependency graph was planned (no errors, no cycle), since "unused" means
nothing in a rule set that does not compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..diagnostics import Diagnostic
from ..resolve.ir import FactDef, RuleDef
from . import unused_fact, unverified_law

Check = Callable[[Mapping[str, FactDef], Mapping[str, RuleDef], Any], list[Diagnostic]]


@dataclass(frozen=True)
class Lint:
    code: str
    check: Check
    whole: bool  # only on a rule set that planned without errors


LINTS: tuple[Lint, ...] = (
    Lint(unverified_law.CODE, unverified_law.check, whole=False),
    Lint(unused_fact.CODE, unused_fact.check, whole=True),
)


def lint(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any, *, planned: bool) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for x in LINTS:
        if planned or not x.whole:
            out.extend(x.check(facts, rules, catalogue))
    return out
