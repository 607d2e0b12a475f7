"""W601–W603: what a rule set's own tests say about its rules, run by `legality test` after the tests.

Why lints from tests: a rule that compiles can still be one that nothing in its tests ever makes fire, whose
`when`s no test ever makes false, or a copy of another rule; the rule tests are the only evidence of what a rule
does, and they are already run, so reading their traces costs nothing.  What is read is the status of **every**
rule on **every** test record (not only the rule a test names): a rule fired by another rule's test has fired.

- W601 — the rule fired on no test record: given its tests it can never fire (a `violation` that cannot hold,
  a `when` that excludes every violation, or simply no violation test).
- W602 — the rule has `when`s, and on no test record was it not applicable: its `when`s were never false, so a
  rule that applies too widely passes its tests (the `not_applicable` tests are decided by an `unless`, the
  dates of `in force` or a missing value instead).
- W603 — two rules fired on exactly the same test records and share a citation: likely one norm checked twice
  (each finding would be reported twice); make them differ, or delete one.

Shown by default, not behind a flag, and without changing the exit code (warnings, like `legality check`'s):
on the shipped pack (169 rules, 632 tests) every rule fires on some test record, every one of the 167 rules
with `when`s is not applicable on some, and no two rules fire on the same records — so each warning is news,
never noise.  Why every record and not only the tests that name the rule: counted on its own tests, 34 of the
167 are never not applicable (their not_applicable tests are decided by an `unless`, `in force` or a missing
value, which is a fine test of those), and 34 warnings a rule author must answer with 34 new tests would be
noise; which outcome of each `when` the tests exercise, clause by clause, is `legality test --coverage`'s
report.  A rule no test names is not judged here: `legality test` already reports it as lacking tests
(COVERAGE), and a third line about it would say nothing new.  Nor is anything judged when `-k` chose only
some tests.

The checks: `never_fires.py` (W601), `never_not_applicable.py` (W602), `same_outcomes.py` (W603, a pair
check); `outcomes.py` reads what they share.

Silencing: the cure is a test (W601: a violation test; W602: a not_applicable test whose `when` is false) or a
change of the rules (W603); there is no pragma.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostic
from ..resolve.ir import RuleDef
from . import never_fires, never_not_applicable, same_outcomes
from .outcomes import Outcomes


def check_tests(rules: Mapping[str, RuleDef], results: Iterable[Any]) -> list[Diagnostic]:
    """Every lint of the tests' outcomes, in code order (each check is a module of its own)."""
    seen = Outcomes.of(results)
    judged = {rid: rules[rid] for rid in sorted(rules) if rid in seen.named}
    out: list[Diagnostic] = []
    for check in (never_fires.check, never_not_applicable.check, same_outcomes.check):
        out += check(judged, seen)
    return out
