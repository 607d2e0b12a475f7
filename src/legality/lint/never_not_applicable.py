"""W602: a rule with `when`s that was not applicable on none of the test records: its `when`s were never false.

A rule without `when`s is applicable by design and is not asked (lint/tested.py says why every test record
counts, not only the tests that name the rule).
"""

from __future__ import annotations

from typing import Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import RuleDef
from .outcomes import Outcomes

CODE = "W602"


def check(rules: Mapping[str, RuleDef], seen: Outcomes) -> list[Diagnostic]:
    return [Diagnostic(CODE, _("rule {rule} is not applicable on none of the test records: its `when`s are never "
                               "false in its tests").format(rule=rid), r.span,
                       hint=_("add a test of kind not_applicable whose record makes a `when` false"))
            for rid, r in rules.items() if r.whens and rid not in seen.not_applicable]
