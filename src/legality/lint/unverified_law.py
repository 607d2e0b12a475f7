"""W102: a `severity high` rule rests on a law parameter whose text no edition has verified.

Why: a high-severity finding asks a judge to act; a number of the law that nobody checked against
the Code's text (docs/law.md) must not carry that weight silently.  "Rests on" is transitive: the
parameters the rule's clauses read, and those every fact it uses reads, through facts of facts.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import FactDef, RuleDef

CODE = "W102"


def law_read(rule: RuleDef, facts: Mapping[str, FactDef]) -> set[str]:
    """Law parameters a rule reads, directly or through its facts."""
    seen: set[str] = set()
    stack, law = list(rule.deps_facts), set(rule.deps_law)
    while stack:
        f = stack.pop()
        if f in seen or f not in facts:
            continue
        seen.add(f)
        law |= facts[f].deps_law
        stack.extend(facts[f].deps_facts)
    return law


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any) -> list[Diagnostic]:
    editions = getattr(catalogue, "param_editions", None)
    if editions is None:
        return []
    out: list[Diagnostic] = []
    for r in rules.values():
        if r.severity != "high":
            continue
        unverified = sorted(p for p in law_read(r, facts) if editions(p) and not any(e.verified for e in editions(p)))
        if unverified:
            out.append(Diagnostic(
                CODE, _("rule {rule} is `severity high` but rests on law not verified in the Code's text: {params}").format(
                    rule=r.id, params=", ".join(f"law.{p}" for p in unverified)), r.span,
                hint=_("verify the parameter (docs/law.md), or lower the severity to medium and say {mark} in the "
                       "title").format(mark="«(не проверено)»")))
    return out
