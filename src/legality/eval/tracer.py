"""The listener the traced variant of the generated code reports to: it builds `result.trace`.

Why a listener: the traced functions are the fast ones generated again from the same IR, with one
call at each point where a rule is decided (`not_in_force`, `clause`, `overridden`) and one per
fact and per rule instance; the evaluation itself is the same code.  Everything said in words
(the reasons) and every value shown (a clause's leaves, themselves generated functions) is made
here, after the decision, and never changes it.
"""

from __future__ import annotations

from typing import Any

from ..model.bitext import BiText
from ..model.jsonable import to_jsonable
from ..resolve.ir import Clause, FactDef
from ..result import trace as T
from .env import CompiledRule, Env, RuleFault
from .runtime import FAULT, MISSING, STATUS, Fault, Miss, fault_reason


class Tracer:
    __slots__ = ("env", "facts", "trace", "_clause", "_by")

    def __init__(self, env: Env, facts: dict[str, FactDef]):
        self.env = env
        self.facts = facts
        self.trace = T.Trace()
        self._clause: int | None = None  # the deciding clause of the rule instance being traced
        self._by: str | None = None      # the overriding rule that applied

    # ---- calls of the traced generated code
    def fact(self, name: str, o: Any, v: Any) -> None:
        fd = self.facts[name]
        missing = v is MISSING
        shown: Any
        if type(v) is Fault:
            shown = f"<ошибка: {v.message}>"
        else:
            try:
                # a text in both languages stays one (a str in JSON), so `explain` says it in the run's language
                shown = None if missing else v if isinstance(v, BiText) else to_jsonable(v)
            except Exception as e:  # noqa: BLE001 - explanation only
                shown = f"<ошибка: {fault_reason(e)}>"
        self.trace.facts.append(T.FactTrace(name, None if o is None else o.id, shown, missing, fd.file, fd.span.line))

    def not_in_force(self, rule: CompiledRule, code: int) -> int:
        return code

    def clause(self, rule: CompiledRule, at: int, code: int) -> int:
        self._clause = at
        return code

    def overridden(self, rule: CompiledRule, by: int, code: int) -> int:
        self._by = rule.overridden_by[by]
        return code

    def rule(self, rule: CompiledRule, code: int) -> None:
        """One rule instance is decided (and its candidate built or its fault recorded)."""
        env, r = self.env, rule.d
        status = STATUS[code]
        at, by = self._clause, self._by
        self._clause = self._by = None
        clause = rule.clauses[at] if at is not None else None
        values: dict[str, Any] = {}
        condition, span = "", None
        if code == FAULT:
            last = env.faults[-1]
            reason = last.reason if isinstance(last, RuleFault) else last.message
            span = last.clause if isinstance(last, RuleFault) else None
        else:
            reason = self._reason(rule, status, clause, by)
            if clause is not None and at is not None:
                values = self._values(rule, at)
                condition, span = f"{clause.kind} {clause.text}", clause.expr.span
        self.trace.rules.append(T.RuleTrace(r.id, env.scope_key, status, reason, condition, values,
                                            [str(x) for x in r.static_cites], r.file, r.span.line, span))

    # ---- words and values, after the decision
    def _reason(self, rule: CompiledRule, status: str, c: Clause | None, by: str | None) -> str:
        env, r = self.env, rule.d
        if status == T.NOT_IN_FORCE:
            assert r.in_force is not None
            start, until, basis = r.in_force
            date = env.verdict.verdict_date if basis == "verdict" else env.ref_date
            what = "приговора" if basis == "verdict" else "деяния"
            span = f"с {start:%d.%m.%Y}" + (f" по {until:%d.%m.%Y}" if until else "")
            return f"норма действует {span}; дата {what} {date:%d.%m.%Y}"
        if status == T.OVERRIDDEN:
            return f"применяется специальная норма {by}"
        if status == T.FIRED:
            return str(env.candidates[-1][1].message)
        if status == T.UNDETERMINED:
            return f"не удалось проверить: {env.last_gap}"
        assert c is not None
        return _REASONS[(str(c.kind), status)].format(text=c.text)

    def _values(self, rule: CompiledRule, at: int) -> dict[str, Any]:
        env = self.env
        try:
            out: dict[str, Any] = {}
            for label, fn in rule.leaves[at]:
                try:
                    v = fn(env, env.verdict, env.offence, env.rt)
                except Miss:
                    v = MISSING
                except Exception as e:  # noqa: BLE001 - explanation only
                    v = f"<ошибка: {fault_reason(e)}>"
                out[label] = None if v is MISSING else v if isinstance(v, BiText) else to_jsonable(v)
            return out
        except Exception as e:  # noqa: BLE001 - explanation only
            return {"": f"<ошибка: {fault_reason(e)}>"}


_REASONS = {
    ("when", T.MISSING): "нет данных для условия «{text}»",
    ("needs", T.MISSING): "нет данных «{text}»",
    ("when", T.NOT_APPLICABLE): "условие не выполнено: «{text}»",
    ("unless", T.MISSING): "нет данных для исключения «{text}»",
    ("unless", T.EXCEPTED): "исключение: «{text}»",
    ("violation", T.MISSING): "нет данных для проверки «{text}»",
    ("violation", T.PASSED): "нарушения нет: «{text}» не выполнено",
}
