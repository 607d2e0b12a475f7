"""W603 (a pair check): two rules that fired on exactly the same test records and share a citation.

Why: one norm checked twice reports each finding twice (ux-2026-12, user 2: a new rule that repeated
`fine-below-min`, found only by chance).  "Share a citation": a provision both cite, or the same cited value
(`offence.ref`).  Reported at the later rule (by id), with the other as related.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import RuleDef
from .outcomes import Outcomes

CODE = "W603"


def _citations(r: RuleDef) -> set[str]:
    return {str(c) for c in r.static_cites} | {n.text for n in r.dynamic_cites if n.text}


def check(rules: Mapping[str, RuleDef], seen: Outcomes) -> list[Diagnostic]:
    by_tests: dict[frozenset[int], list[str]] = defaultdict(list)
    for rid in sorted(rules):
        if seen.fired.get(rid):
            by_tests[frozenset(seen.fired[rid])].append(rid)
    out: list[Diagnostic] = []
    for same in by_tests.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                shared = _citations(rules[a]) & _citations(rules[b])
                if shared:
                    out.append(Diagnostic(
                        CODE, _("rules {a} and {b} fire on exactly the same tests ({n}) and both cite {cite}: "
                                "likely one norm checked twice").format(
                            a=a, b=b, n=len(seen.fired[a]), cite=", ".join(sorted(shared))),
                        rules[b].span, hint=_("delete one, or add a test on which only one of them fires"),
                        related=((_("the other rule"), rules[a].span),)))
    return out
