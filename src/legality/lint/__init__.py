"""Lints: warnings about a rule set that compiles, read from the checked IR alone.

Why a stage of their own (Drools' verifier, Zen's linter): a lint is an opinion about correct rules
("rests on unverified law", "computes a fact nobody reads"), not a rule of the language, so it
must not be tangled with name resolution or typing, and a new one is a new file here.  Each check
module holds one code and a `check(facts, rules, catalogue)`; a check marked `whole` speaks only
about a rule set whose dependency graph was planned (no errors, no cycle), since "unused" means
nothing in a rule set that does not compile.  A check marked `own_catalogue` speaks about the law catalogue
itself, so only when the catalogue belongs to the rule set (its `law/` folder lies inside the rules directory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..diagnostics import Diagnostic
from ..resolve.ir import FactDef, RuleDef
from . import citation, kazakh_text, unit_guard, unused_fact, unused_param, unverified_law

Check = Callable[[Mapping[str, FactDef], Mapping[str, RuleDef], Any], list[Diagnostic]]


@dataclass(frozen=True)
class Lint:
    code: str
    check: Check
    whole: bool  # only on a rule set that planned without errors
    own_catalogue: bool = False  # only when the catalogue is the rule set's own


LINTS: tuple[Lint, ...] = (
    Lint(unverified_law.CODE, unverified_law.check, whole=False),
    Lint(unused_fact.CODE, unused_fact.check, whole=True),
    Lint(unused_param.CODE, unused_param.check, whole=True, own_catalogue=True),
    Lint(kazakh_text.CODE, kazakh_text.check, whole=False),
    Lint(unit_guard.CODE, unit_guard.check, whole=True),  # reads facts through: needs a graph without cycles
    Lint(citation.CODE, citation.check, whole=False),
)


def lint(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any, *, planned: bool,
         own_catalogue: bool = False) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for x in LINTS:
        if x.own_catalogue and not own_catalogue:
            continue
        if planned or not x.whole:
            out.extend(x.check(facts, rules, catalogue))
    return out
