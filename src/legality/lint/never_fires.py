"""W601: a rule that fired on none of the test records (lint/tested.py says why the tests are read)."""

from __future__ import annotations

from typing import Mapping

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import RuleDef
from .outcomes import Outcomes

CODE = "W601"


def check(rules: Mapping[str, RuleDef], seen: Outcomes) -> list[Diagnostic]:
    return [Diagnostic(CODE, _("rule {rule} fires on none of its tests: given its tests it can never fire").format(
                rule=rid), r.span, hint=_("add a test of kind violation, or check the `violation` and the `when`s"))
            for rid, r in rules.items() if not seen.fired.get(rid)]
