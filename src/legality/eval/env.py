"""What generated rule code reads and calls while it evaluates one record.

Why a separate object: the generated functions are plain Python over the model; everything that
is not the model — computed facts, `let` values, law parameters, other rules' outcomes, and where
candidates and faults go — is reached through `Env`.  Its attributes and methods below are the
whole interface the generated code uses (`codegen` writes nothing else), so the evaluator's
internals can change without touching the code generator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..diagnostics import Diagnostic, Span
from ..i18n import _, language
from ..result import trace as T
from ..result import coverage as C
from ..result.candidate import Candidate
from .runtime import FAULT, FIRED, MISSING, MISSING_CODE, UNDETERMINED, Fault, FaultError, Miss, fault_reason

if TYPE_CHECKING:  # only annotations: a stored pack is evaluated without loading the IR's module
    from ..resolve.ir import Clause, RuleDef

Fn = Callable[..., Any]  # a generated function: (env, v, o, rt) -> value, raising Miss when missing
# outcomes of an overriding rule that silence the general one: an undetermined specific rule applies
# too (its `when`s held) — the record carries its gap instead of a finding the specific norm may exclude
APPLICABLE = (T.PASSED, T.FIRED, T.UNDETERMINED)


@dataclass(frozen=True, slots=True)
class RuleFault(Diagnostic):
    """An E501 that names its rule in the report (`faults[].rule`): the store keeps that rule's
    earlier findings open instead of resolving them, since the rule could not check again.

    `reason` and `clause` (the span of the clause that failed, when one did) are carried for tools
    and the trace; the report shows only the message."""

    rule: str = ""
    reason: str = ""
    clause: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {**Diagnostic.to_json(self), "rule": self.rule}


def fault_diagnostic(r: RuleDef, scope_key: str | None, case_id: str, reason: str,
                     clause: Span | None = None) -> RuleFault:
    if scope_key is not None:
        message = _("rule {rule} (offence {offence}) could not check case {case}: {reason}").format(
            rule=r.id, offence=scope_key, case=case_id, reason=reason)
    else:
        message = _("rule {rule} could not check case {case}: {reason}").format(rule=r.id, case=case_id, reason=reason)
    return RuleFault("E501", message, clause or r.span, hint=fault_hint(reason), rule=r.id, reason=reason,
                     clause=clause)


def fault_hint(reason: str) -> str:
    """What the rule's author can do about a fault: the cure depends on what went wrong.

    Why by the reason's text: the faults a rule can raise are few and their messages are the value
    types' own (`model/values.py`: «cannot compare term with mrp»); a unit mismatch is cured by a
    `same_unit` guard, a missing value by `is present`, a division by zero by a guard on the divisor."""
    if "cannot compare" in reason or "cannot combine" in reason:
        return _("amounts of different units never compare: guard the comparison with "
                 "`when same_unit(a, b)`, or compare only one kind of penalty (`when imposed_kind = fine`)")
    if "ZeroDivision" in reason or "division by zero" in reason:
        return _("guard the divisor: `when x != 0`, or give a default with `default(x, …)`")
    return _("guard the value with `is present`, or report this rule to its author")


@dataclass(eq=False)
class CompiledRule:
    """A rule with its generated functions: what the hooks of `Env` and the tracer are handed."""

    d: RuleDef
    lets: dict[str, Fn]
    clauses: Sequence[Clause]                  # in decision order: whens, unlesses, the violation
    leaves: list[list[tuple[str, Fn]]]         # per clause: the values a trace shows
    actual: Fn | None
    allowed: list[tuple[str, Fn]] | Fn | None
    message: list[str | Fn]
    dyn_cites: list[Fn]
    overridden_by: list[str] = field(default_factory=list)
    reads_sanction: bool = False                      # reads `offence.sanction`, itself or through facts
    law_params: tuple[str, ...] = ()                  # law parameters it reads, itself or through facts
    # the language the candidate is written in, and the texts in it (Russian where no Kazakh one was given):
    # the title, the labels of the listed facts (in `facts` order) and the `allowed` texts by key ("": one value)
    lang: str = "ru"
    title: str = ""
    fact_labels: list[str | None] = field(default_factory=list)
    allowed_texts: dict[str, str] = field(default_factory=dict)


class Runtime:
    """Per-record access to the law catalogue, memoised (lookups are per offence, not per rule).

    `shared` (optional): a (parameters, sanction lookups) pair of dicts kept by the caller across the
    records it evaluates against one catalogue (`Program.evaluate`), so a record asks the catalogue only
    what no record before it asked.  Why that gives the same answers: the catalogue does not change
    while it is evaluated against, a law parameter's value is a function of its name and date, and a
    lookup of the offence's provision (its article, part and paragraph: all its `ref` is made of) and
    its date, with its message in the language of the texts at the time (so the language is in the key).
    """

    __slots__ = ("catalogue", "_sanctions", "_params", "lookups", "_shared")

    def __init__(self, catalogue: Any, shared: tuple[dict[Any, Any], dict[Any, Any]] | None = None):
        self.catalogue = catalogue
        self._sanctions: dict[int, Any] = {}
        self._params: dict[tuple[str, dt.date], Any] = {}
        self.lookups: dict[int, Any] = {}
        self._shared = shared

    def sanction(self, offence: Any) -> Any:
        key = id(offence)
        if key not in self._sanctions:
            shared = self._shared
            if shared is None:
                lk = self.catalogue.sanction(offence.ref, offence.committed_on)
            else:
                sk = (language(), offence.article, offence.part, offence.paragraph, offence.committed_on)
                lk = shared[1].get(sk)
                if lk is None:
                    lk = shared[1][sk] = self.catalogue.sanction(offence.ref, offence.committed_on)
            self.lookups[key] = lk
            self._sanctions[key] = lk.sanction if lk.status == "found" else None
        return self._sanctions[key]

    def param(self, name: str, on: dt.date) -> Any:
        key = (name, on)
        got = self._params.get(key, self)
        if got is self:
            shared = self._shared
            got = shared[0].get(key, self) if shared is not None else self
            if got is self:
                pv = self.catalogue.param(name, on)
                got = MISSING if pv is None else pv.value
                if shared is not None:
                    shared[0][key] = got
            self._params[key] = got
        return got


class Env:
    """The state of one record's evaluation.

    The generated driver sets the scope (`offence`, `scope_key`, `ref_date`, `cur`) when it enters
    a scope instance, and `let_fns` / `lets` when it starts a rule; it hands fired rules to `fire`
    and failures to `fault`.  `build` makes a rule's candidate (the evaluator's, injected).
    """

    __slots__ = ("verdict", "offence", "rt", "ref_date", "facts", "ofacts", "lets", "let_fns", "outcomes",
                 "scope_key", "latest", "cur", "candidates", "faults", "positions", "build", "gaps", "last_gap")

    def __init__(self, verdict: Any, rt: Runtime, build: Callable[[CompiledRule, "Env"], Candidate]):
        self.verdict = verdict
        self.offence: Any = None
        self.rt = rt
        self.latest: dt.date = max(o.committed_on for o in verdict.offences)
        self.ref_date: dt.date = self.latest
        self.facts: dict[str, Any] = {}
        self.ofacts: dict[int, dict[str, Any]] = {id(o): {} for o in verdict.offences}
        self.lets: dict[str, Any] = {}
        self.let_fns: dict[str, Fn] = {}
        self.outcomes: dict[str, dict[str | None, str]] = {}
        self.scope_key: str | None = None
        self.cur: dict[str, Any] | None = None
        self.candidates: list[tuple[tuple[int, str], Candidate]] = []
        self.faults: list[Diagnostic] = []
        self.positions: dict[str, int] = {o.id: i for i, o in enumerate(verdict.offences)}
        self.build = build
        # (offence, reason, detail) -> rule ids, in the order first met
        self.gaps: dict[tuple[str | None, str, str], list[str]] = {}
        self.last_gap = ""  # the detail of the latest gap (the trace's reason for an undetermined rule)

    # ---- values
    def fact(self, name: str) -> Any:
        if self.offence is not None and name in self.ofacts[id(self.offence)]:
            v = self.ofacts[id(self.offence)][name]
        else:
            v = self.facts[name]
        if type(v) is Fault:
            raise FaultError(f"fact `{name}`: {v.message}")
        return v

    def offence_fact(self, offence: Any, name: str) -> Any:
        v = self.ofacts[id(offence)][name]
        if type(v) is Fault:
            raise FaultError(f"fact `{name}` of offence {offence.id}: {v.message}")
        return v

    def let(self, name: str) -> Any:
        if name not in self.lets:
            try:
                self.lets[name] = self.let_fns[name](self, self.verdict, self.offence, self.rt)
            except Miss:
                self.lets[name] = MISSING
        return self.lets[name]

    def param(self, name: str) -> Any:
        return self.rt.param(name, self.ref_date)

    def fired(self, rid: str) -> bool:
        out = self.outcomes.get(rid, {})
        if self.scope_key is not None and self.scope_key in out:
            return out[self.scope_key] == T.FIRED
        if not out:
            return False
        return any(s == T.FIRED for s in out.values())

    def overridden(self, by: tuple[str, ...]) -> bool:
        for s in by:
            st = self.outcomes.get(s, {})
            hit = st.get(self.scope_key) if self.scope_key in st else st.get(None)
            if hit in APPLICABLE:
                return True
        return False

    # ---- hooks of the generated code
    def fire(self, rule: CompiledRule) -> int:
        """The rule's violation holds: its candidate, or a fault when no report could hold it."""
        try:
            cand = self.build(rule, self)
        except Exception as e:  # noqa: BLE001 - the rule faults, the record goes on
            rid = rule.d.id
            self.fault(rule, e)
            if rid in self.outcomes:  # rules reading fired(rid) see what `explain` shows: a fault
                self.outcomes[rid][self.scope_key] = T.FAULT
            return FAULT
        pos = -1 if self.offence is None else self.positions[self.offence.id]
        self.candidates.append(((pos, rule.d.id), cand))
        return FIRED

    def fault(self, rule: CompiledRule, e: BaseException, at: int | None = None) -> int:
        """The rule failed on this scope instance (in clause `at` of `rule.clauses`, when known)."""
        clause = rule.clauses[at].expr.span if at is not None else None
        self.faults.append(fault_diagnostic(rule.d, self.scope_key, self.verdict.case_id, fault_reason(e), clause))
        return FAULT

    def missing(self, rule: CompiledRule) -> int:
        """A value the rule read is missing.  When the catalogue could not give what it read (the
        offence's sanction, a law parameter on the date), the rule is undetermined — a coverage gap
        with the catalogue's own reason; otherwise the record simply lacks an optional fact and the
        rule does not apply (`missing`), as before."""
        found = False
        if rule.reads_sanction:
            offs = [self.offence] if self.offence is not None else list(self.verdict.offences)
            for o in offs:
                self.rt.sanction(o)
                lk = self.rt.lookups[id(o)]
                if lk.status != "found":
                    self._gap(o.id, lk.status if lk.status in C.REASON_RU else C.UNKNOWN_ARTICLE, lk.message, rule)
                    found = True
        for name in rule.law_params:
            if self.rt.param(name, self.ref_date) is MISSING:
                spec = self.rt.catalogue.param_spec(name)
                what = f"«{spec.description}»" if spec is not None and spec.description else _("нормы Общей части")
                cite = f" ({spec.citation})" if spec is not None else ""
                self._gap(self.scope_key, C.NO_LAW_PARAMETER,
                          _("в каталоге нет редакции {what}{cite} на {date}").format(
                              what=what, cite=cite, date=f"{self.ref_date:%d.%m.%Y}"), rule)
                found = True
        return UNDETERMINED if found else MISSING_CODE

    def undetermined(self, rule: CompiledRule, need: int) -> int:
        """The rule's `needs` clause number `need` has no value in the record."""
        d = rule.d
        kk = d.need_labels_kk[need] if rule.lang == "kk" and need < len(d.need_labels_kk) else None
        self._gap(self.scope_key, C.MISSING_DATA, _("нет данных: {what}").format(what=kk or d.need_labels[need]), rule)
        return UNDETERMINED

    def _gap(self, offence: str | None, reason: str, detail: str, rule: CompiledRule) -> None:
        rules = self.gaps.setdefault((offence, reason, detail), [])
        if rule.d.id not in rules:
            rules.append(rule.d.id)
        self.last_gap = detail

    @staticmethod
    def fault_value(e: BaseException) -> Fault:
        return Fault(fault_reason(e))
