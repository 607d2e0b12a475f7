"""The evaluation trace: data, rendered elsewhere (`legality explain`, `--format json`).

Why data: the prosecutor's "why did this rule (not) fire" and the rule author's debugging read the
same structure; rendering it is the report layer's job, and its cost is measured in the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Span

# rule statuses, in the order a rule is decided
NOT_IN_FORCE = "not_in_force"      # offence date outside the rule's `in force` dates
NOT_APPLICABLE = "not_applicable"  # a `when` condition is false
MISSING = "missing"                # a fact the rule needs is missing in the record: the rule does not apply
EXCEPTED = "excepted"              # an `unless` exception holds
OVERRIDDEN = "overridden"          # a more specific rule that overrides this one applies
PASSED = "passed"                  # applicable, no violation
FIRED = "fired"                    # violation: a candidate
FAULT = "fault"                    # runtime error in the rule (reported as a diagnostic)
UNDETERMINED = "undetermined"      # the rule may apply but a value it needs is missing: a coverage gap

STATUS_RU = {
    NOT_IN_FORCE: "не действует на дату деяния",
    NOT_APPLICABLE: "не применимо",
    MISSING: "нет данных",
    EXCEPTED: "исключение",
    OVERRIDDEN: "вытеснено специальной нормой",
    PASSED: "нарушения нет",
    FIRED: "НАРУШЕНИЕ",
    FAULT: "ошибка правила",
    UNDETERMINED: "не удалось проверить",
}


@dataclass(slots=True)
class FactTrace:
    name: str
    scope: str | None          # offence id, or None for record / final-sentence scope
    value: Any                 # JSON-ready value (None when missing)
    missing: bool = False
    file: str = ""
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        value = str.__str__(self.value) if isinstance(self.value, str) else self.value  # a BiText: its Russian text
        return {"fact": self.name, "offence": self.scope, "value": value, "missing": self.missing,
                "source": f"{self.file}:{self.line}"}


@dataclass(slots=True)
class RuleTrace:
    rule: str
    scope: str | None
    status: str
    reason: str = ""                     # plain Russian: which condition decided, with values
    condition: str = ""                  # the deciding clause, as written in the rule file
    values: dict[str, Any] = field(default_factory=dict)  # name -> JSON value of what the rule read
    citations: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0
    span: Span | None = None             # the deciding (or failing) clause, when one decided; not in JSON

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "offence": self.scope, "status": self.status, "reason": self.reason,
                "condition": self.condition, "values": self.values, "citations": self.citations,
                "source": f"{self.file}:{self.line}"}


@dataclass(slots=True)
class Trace:
    facts: list[FactTrace] = field(default_factory=list)
    rules: list[RuleTrace] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"facts": [f.to_json() for f in self.facts], "rules": [r.to_json() for r in self.rules]}
