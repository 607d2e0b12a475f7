"""W201: a fact that no rule and no other fact reads.

Why: an unused fact is usually a rule that was meant to read it and reads something else, or a
leftover; listing it in a rule's `facts` (to show it in findings) counts as a use.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import FactDef, RuleDef

CODE = "W201"


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any = None) -> list[Diagnostic]:
    used: set[str] = set()
    for f in facts.values():
        used |= f.deps_facts
    for r in rules.values():
        used |= r.deps_facts
    return [Diagnostic(CODE, _("fact `{name}` is not used by any rule or fact").format(name=f.name), f.span,
                       hint=_("remove it, or use it in a rule's `facts` to show it in findings"))
            for f in facts.values() if f.name not in used]
