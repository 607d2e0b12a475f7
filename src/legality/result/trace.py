"""The evaluation trace: data, rendered elsewhere (`legality explain`, `--format json`).

Why data: the prosecutor's "why did this rule (not) fire" and the rule author's debugging read the
same structure; rendering it is the report layer's job, and its cost is measured in the benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Span
from ..i18n import N_, _

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

# a rule's status as `explain --full` tags it (through `status_text`, in the run's language)
STATUS_RU = {
    NOT_IN_FORCE: N_("не действует на дату деяния"),
    NOT_APPLICABLE: N_("не применимо"),
    MISSING: N_("нет данных"),
    EXCEPTED: N_("исключение"),
    OVERRIDDEN: N_("вытеснено специальной нормой"),
    PASSED: N_("нарушения нет"),
    FIRED: N_("НАРУШЕНИЕ"),
    FAULT: N_("ошибка правила"),
    UNDETERMINED: N_("не удалось проверить"),
}


def status_text(status: str) -> str:
    return _(STATUS_RU[status]) if status in STATUS_RU else status


# why a clause decided, by (clause, status): the same words as the trace's (`eval.tracer._REASONS`, Russian,
# written at evaluation), here through `_()` so a Kazakh run reads Kazakh; a test keeps them equal
CLAUSE_REASONS = {
    ("when", MISSING): N_("нет данных для условия «{text}»"),
    ("needs", MISSING): N_("нет данных «{text}»"),
    ("when", NOT_APPLICABLE): N_("условие не выполнено: «{text}»"),
    ("unless", MISSING): N_("нет данных для исключения «{text}»"),
    ("unless", EXCEPTED): N_("исключение: «{text}»"),
    ("violation", MISSING): N_("нет данных для проверки «{text}»"),
    ("violation", PASSED): N_("нарушения нет: «{text}» не выполнено"),
}
_OVERRIDDEN = re.compile(r"применяется специальная норма (\S+)")
_NOT_IN_FORCE = re.compile(r"норма действует с (\S+)(?: по (\S+))?; дата (приговора|деяния) (\S+)")


def reason_text(r: "RuleTrace") -> str:
    """The trace's reason of one rule instance in the run's language (`legality test`, `explain --full`).

    The trace holds it in Russian (eval writes it once, as data); it is rebuilt here from the trace's
    data — the status and the deciding clause as written — and the few reasons without a clause are read
    back from their fixed Russian shapes.  A candidate's message (status fired) is already in the run's
    language; a fault's reason and a gap's detail are the runtime's and the catalogue's.  An undetermined
    rule's reason is its gap alone (the caller says «не удалось проверить»)."""
    if r.status in (FIRED, FAULT):
        return r.reason
    if r.status == UNDETERMINED:
        return r.reason.removeprefix("не удалось проверить: ")  # eval.tracer writes it so
    kind, _sp, text = r.condition.partition(" ")
    if (kind, r.status) in CLAUSE_REASONS:
        return _(CLAUSE_REASONS[(kind, r.status)]).format(text=text)
    if r.status == OVERRIDDEN and (m := _OVERRIDDEN.fullmatch(r.reason)):
        return _("применяется специальная норма {rule}").format(rule=m[1])
    if r.status == NOT_IN_FORCE and (m := _NOT_IN_FORCE.fullmatch(r.reason)):
        start, until, basis, date = m.groups()
        if basis == "приговора":
            msg = (_("норма действует с {start} по {until}; дата приговора {date}") if until
                   else _("норма действует с {start}; дата приговора {date}"))
        else:
            msg = (_("норма действует с {start} по {until}; дата деяния {date}") if until
                   else _("норма действует с {start}; дата деяния {date}"))
        return msg.format(start=start, until=until, date=date)
    return r.reason


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
