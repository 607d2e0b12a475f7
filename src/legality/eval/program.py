"""A compiled rule set and its evaluation of one verdict record.

Why this shape: facts and rules are evaluated in the plan's topological order, once per scope
instance (the record, or each offence); a rule is decided in the fixed sequence in force → when →
unless → overridden → violation, and each step can be traced.  A fault in one rule on one record
becomes a diagnostic for that record and rule; the other rules still run — also when the fault is
in building the rule's candidate (a value no report can hold), and, should the generated driver
itself fail, the record is evaluated again rule by rule so only the faulting rules are lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic
from ..result.candidate import Evaluation
from ..model.values import Citation
from ..model.jsonable import to_jsonable, to_ru
from ..result.candidate import Candidate, fingerprint
from ..resolve.ir import Clause, FactDef, RuleDef
from ..result import trace as T
from .closures import MISSING, Fault, FaultError, compile_node
from .codegen import STATUS, Gen, Miss

M = MISSING
APPLICABLE = (T.PASSED, T.FIRED)


def fault_reason(e: BaseException) -> str:
    """The reason of a rule fault; never raises itself (an exception's text can be unprintable)."""
    try:
        return str(e) if isinstance(e, FaultError) else f"{type(e).__name__}: {e}"
    except Exception:  # noqa: BLE001 - e.g. an int too long for str()
        return type(e).__name__


@dataclass(frozen=True, slots=True)
class RuleFault(Diagnostic):
    """An E501 that names its rule in the report (`faults[].rule`): the store keeps that rule's
    earlier findings open instead of resolving them, since the rule could not check again."""

    rule: str = ""

    def to_json(self) -> dict:
        return {**Diagnostic.to_json(self), "rule": self.rule}


def fault_diagnostic(r: RuleDef, scope_key: str | None, case_id: str, reason: str) -> Diagnostic:
    where = f" (эпизод {scope_key})" if scope_key is not None else ""
    return RuleFault("E501", f"правило {r.id}{where} не смогло проверить дело {case_id}: {reason}", r.span,
                     hint="guard the value with `is present`, or report this rule to its author", rule=r.id)


class Runtime:
    """Per-record access to the law catalogue, memoised (lookups are per offence, not per rule)."""

    __slots__ = ("catalogue", "_sanctions", "_params", "lookups")

    def __init__(self, catalogue: Any):
        self.catalogue = catalogue
        self._sanctions: dict[int, Any] = {}
        self._params: dict[tuple[str, dt.date], Any] = {}
        self.lookups: dict[int, Any] = {}

    def sanction(self, offence: Any) -> Any:
        key = id(offence)
        if key not in self._sanctions:
            lk = self.catalogue.sanction(offence.ref, offence.committed_on)
            self.lookups[key] = lk
            self._sanctions[key] = lk.sanction if lk.status == "found" else None
        return self._sanctions[key]

    def param(self, name: str, on: dt.date) -> Any:
        key = (name, on)
        if key not in self._params:
            pv = self.catalogue.param(name, on)
            self._params[key] = M if pv is None else pv.value
        return self._params[key]


class Env:
    __slots__ = ("verdict", "offence", "rt", "vars", "ref_date", "facts", "ofacts", "_lets", "_let_fns",
                 "outcomes", "scope_key", "latest", "program", "sink", "cur")

    def __init__(self, verdict: Any, rt: Runtime):
        self.verdict = verdict
        self.offence = None
        self.rt = rt
        self.vars: dict[str, Any] = {}
        self.latest: dt.date = max(o.committed_on for o in verdict.offences)
        self.ref_date: dt.date = self.latest
        self.facts: dict[str, Any] = {}
        self.ofacts: dict[int, dict[str, Any]] = {id(o): {} for o in verdict.offences}
        self._lets: dict[str, Any] = {}
        self._let_fns: dict[str, Any] = {}
        self.outcomes: dict[str, dict[str | None, str]] = {}
        self.scope_key: str | None = None
        self.program = None
        self.sink = None
        self.cur: dict[str, Any] | None = None

    # values
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
        if name not in self._lets:
            try:
                self._lets[name] = self._let_fns[name](self, self.verdict, self.offence, self.rt)
            except Miss:
                self._lets[name] = M
        return self._lets[name]

    def param(self, name: str) -> Any:
        return self.rt.param(name, self.ref_date)

    def fired(self, rid: str) -> Any:
        out = self.outcomes.get(rid, {})
        if self.scope_key is not None and self.scope_key in out:
            return out[self.scope_key] == T.FIRED
        if not out:
            return False
        return any(s == T.FIRED for s in out.values())

    # hooks of the generated driver (codegen.Gen.driver)
    def fire(self, idx: int) -> None:
        prog = self.program
        rid = prog._rule_list[idx]
        cr = prog.compiled[rid]
        cands, _, positions = self.sink
        pos = -1 if self.offence is None else positions[self.offence.id]
        try:
            cand = prog._candidate(cr, self)
        except Exception as e:  # noqa: BLE001 - as in the traced path: the rule faults, the record goes on
            self.fault(idx, e)
            if rid in self.outcomes:  # rules reading fired(rid) see what `explain` shows: a fault
                self.outcomes[rid][self.scope_key] = T.FAULT
            return
        cands.append(((pos, cr.d.id), cand))

    def fault(self, idx: int, e: Exception) -> int:
        prog = self.program
        r = prog.compiled[prog._rule_list[idx]].d
        self.sink[1].append(fault_diagnostic(r, self.scope_key, self.verdict.case_id, fault_reason(e)))
        return len(STATUS)  # "fault"

    @staticmethod
    def fault_value(e: Exception) -> Fault:
        return Fault(fault_reason(e))

    def overridden(self, by: tuple[str, ...]) -> bool:
        for s in by:
            st = self.outcomes.get(s, {})
            hit = st.get(self.scope_key) if self.scope_key in st else st.get(None)
            if hit in APPLICABLE:
                return True
        return False

    def enter(self, offence: Any) -> None:
        self.offence = offence
        if offence is None:
            self.scope_key = None
            self.ref_date = self.latest
            self.cur = None
        else:
            self.scope_key = offence.id
            self.ref_date = offence.committed_on
            self.cur = self.ofacts[id(offence)]
        if self._lets:
            self._lets = {}


@dataclass
class CompiledClause:
    kind: str
    fn: Any
    text: str
    leaves: list[tuple[str, Any]]


@dataclass
class CompiledRule:
    d: RuleDef
    lets: dict[str, Any]
    whens: list[CompiledClause]
    unlesses: list[CompiledClause]
    violation: CompiledClause
    actual: Any
    allowed: Any
    message: list[Any]
    dyn_cites: list[Any]
    overridden_by: list[str]
    decide: Any = None  # generated fast path: status code of STATUS


def _ofacts_read(n: Any) -> set[str]:
    """Facts read through an offence value (`o.fact`): possibly another offence's."""
    out, stack = set(), [n]
    while stack:
        x = stack.pop()
        if x is None:
            continue
        if x.op == "ofact":
            out.add(x.data)
        stack.extend(x.args)
    return out


def _rule_ofacts_read(r: RuleDef) -> set[str]:
    nodes = [lt.expr for lt in r.lets] + [c.expr for c in r.whens + r.unlesses] + [r.violation.expr]
    out: set[str] = set()
    for n in nodes:
        out |= _ofacts_read(n)
    return out


def _cclause(c: Clause, fn: Any) -> CompiledClause:
    # the generated function decides; closures for the clause's leaves explain (traces only)
    return CompiledClause(c.kind, fn, c.text, [(lbl, compile_node(n)) for lbl, n in c.leaves])


def _call(fn: Any, env: "Env") -> Any:
    try:
        return fn(env, env.verdict, env.offence, env.rt)
    except Miss:
        return M


def _clause_values(c: CompiledClause, env: Env) -> dict[str, Any]:
    out = {}
    for label, fn in c.leaves:
        try:
            v = fn(env)
        except Exception as e:  # noqa: BLE001 - explanation only
            v = f"<ошибка: {fault_reason(e)}>"
        out[label] = None if v is M else to_jsonable(v)
    return out


class Program:
    def __init__(self, facts: dict[str, FactDef], rules: dict[str, RuleDef], order: list[str], catalogue: Any,
                 sources_digest: str):
        self.catalogue = catalogue
        self.facts = facts
        self.rules = rules
        self.order = order
        g = Gen()
        g.fact_scopes = {name: f.scope for name, f in facts.items()}
        fact_names = {name: g.function(f"fact_{i}", f.expr, f.scope) for i, (name, f) in enumerate(facts.items())}
        overridden_by: dict[str, list[str]] = {}
        for r in rules.values():
            for t in r.overrides:
                overridden_by.setdefault(t, []).append(r.id)
        plan: dict[str, dict[str, Any]] = {}
        for i, (rid, r) in enumerate(rules.items()):
            sc = r.scope
            plan[rid] = {
                "lets": {lt.name: g.function(f"r{i}_let_{j}", lt.expr, sc) for j, lt in enumerate(r.lets)},
                "whens": [g.function(f"r{i}_when_{j}", c.expr, sc) for j, c in enumerate(r.whens)],
                "unlesses": [g.function(f"r{i}_unless_{j}", c.expr, sc) for j, c in enumerate(r.unlesses)],
                "violation": g.function(f"r{i}_violation", r.violation.expr, sc),
                "actual": g.function(f"r{i}_actual", r.actual, sc) if r.actual is not None else None,
                "allowed": ([(k, g.function(f"r{i}_allowed_{j}", n, sc)) for j, (k, n) in enumerate(r.allowed)]
                            if isinstance(r.allowed, list)
                            else g.function(f"r{i}_allowed", r.allowed, sc) if r.allowed is not None else None),
                "message": [p if isinstance(p, str) else g.function(f"r{i}_msg_{j}", p, sc) for j, p in enumerate(r.message)],
                "cites": [g.function(f"r{i}_cite_{j}", n, sc) for j, n in enumerate(r.dynamic_cites)],
                "decide": g.decide(f"r{i}_decide", r, sorted(overridden_by.get(rid, []))),
            }
        self._rule_list = list(rules)
        self._rule_index = {rid: i for i, rid in enumerate(self._rule_list)}
        # outcomes other rules read: fired(R) targets, and every overriding rule (its applicability decides)
        self._needs_outcome = {d for r in rules.values() for d in r.deps_rules} | \
            {r.id for r in rules.values() if r.overrides} | {d for f in facts.values() for d in f.deps_rules}
        used = {d for f in facts.values() for d in f.deps_facts} | {d for r in rules.values() for d in r.deps_facts}
        steps = []
        for node in order:
            kind, name = node.split(":", 1)
            if kind == "fact":
                if name in used:
                    steps.append(("fact", name, facts[name].scope, fact_names[name]))
            else:
                r = rules[name]
                steps.append(("rule", name, r.scope, (plan[name]["decide"], self._rule_index[name], bool(r.lets),
                                                      name in self._needs_outcome)))
        g.driver(steps, {**{n: _ofacts_read(f.expr) for n, f in facts.items()},
                         **{rid: _rule_ofacts_read(r) for rid, r in rules.items()}})
        ns = g.build()
        self._run = ns["run"]
        self.source = ns["__source__"]  # printable: `legality check --dump code`
        self.fact_fns = {name: ns[fn] for name, fn in fact_names.items()}

        self.compiled: dict[str, CompiledRule] = {}
        for rid, r in rules.items():
            pl = plan[rid]
            self.compiled[rid] = CompiledRule(
                d=r,
                lets={k: ns[v] for k, v in pl["lets"].items()},
                whens=[_cclause(c, ns[f]) for c, f in zip(r.whens, pl["whens"])],
                unlesses=[_cclause(c, ns[f]) for c, f in zip(r.unlesses, pl["unlesses"])],
                violation=_cclause(r.violation, ns[pl["violation"]]),
                actual=ns[pl["actual"]] if pl["actual"] else None,
                allowed=([(k, ns[f]) for k, f in pl["allowed"]] if isinstance(pl["allowed"], list)
                         else ns[pl["allowed"]] if pl["allowed"] else None),
                message=[],
                dyn_cites=[ns[f] for f in pl["cites"]],
                overridden_by=sorted(overridden_by.get(rid, [])),
                decide=ns[pl["decide"]],
            )
            # message parts: literal text stays text, holes are generated functions
            self.compiled[rid].message = [
                part if isinstance(orig, str) else ns[part] for part, orig in zip(pl["message"], r.message)
            ]
        ns["LETS"][:] = [self.compiled[rid].lets for rid in self._rule_list]
        cat_version = getattr(catalogue, "version", "")
        self.version = hashlib.sha256(f"{sources_digest}|{cat_version}|legality-engine-1".encode()).hexdigest()[:16]
        self._steps = [(n.split(":", 1)[0], n.split(":", 1)[1]) for n in order]  # the explaining path

    def rule_infos(self) -> list:
        from ..result.candidate import RuleInfo

        out = []
        for r in sorted(self.rules.values(), key=lambda r: r.id):
            cites = [str(c) for c in r.static_cites]
            out.append(RuleInfo(r.id, r.title, r.severity, tuple(cites), tuple(r.tags), r.scope, r.file, r.span.line))
        return out

    # ---- evaluation
    def evaluate(self, verdict: Any, *, trace: bool = False, only_rule: str | None = None):
        rt = Runtime(self.catalogue)
        env = Env(verdict, rt)
        tr = T.Trace() if trace else None
        candidates: list[tuple[tuple, Candidate]] = []
        faults: list[Diagnostic] = []
        positions = {o.id: i for i, o in enumerate(verdict.offences)}
        if tr is None:  # fast path: one generated function for the whole record
            env.program = self
            env.sink = (candidates, faults, positions)
            try:
                self._run(env, verdict, rt)
            except Exception:  # noqa: BLE001 - not a rule's fault: redo the record rule by rule
                env, candidates, faults = Env(verdict, Runtime(self.catalogue)), [], []
                for kind, name in self._steps:
                    if kind == "fact":
                        self._eval_fact(name, env, None)
                    else:
                        self._eval_rule(name, env, None, candidates, faults, positions)
            candidates.sort(key=lambda kc: kc[0])
            cands = [c for _, c in candidates]
            if only_rule is not None:
                cands = [c for c in cands if c.rule == only_rule]
            return Evaluation(cands, faults, None)
        for kind, name in self._steps:
            if kind == "fact":
                self._eval_fact(name, env, tr)
            else:
                self._eval_rule(name, env, tr, candidates, faults, positions)
        candidates.sort(key=lambda kc: kc[0])
        cands = [c for _, c in candidates]
        if only_rule is not None:
            cands = [c for c in cands if c.rule == only_rule]
            if tr is not None:
                tr.rules = [r for r in tr.rules if r.rule == only_rule]
        return Evaluation(cands, faults, tr)

    def _eval_fact(self, name: str, env: Env, tr: T.Trace | None) -> None:
        fd = self.facts[name]
        fn = self.fact_fns[name]
        instances = env.verdict.offences if fd.scope == "offence" else [None]
        for o in instances:
            env.enter(o)
            try:
                v = fn(env, env.verdict, o, env.rt)
            except Miss:
                v = M
            except FaultError as e:
                v = Fault(str(e))
            except Exception as e:  # noqa: BLE001 - a fault, reported by the rules that read it
                v = Fault(f"{type(e).__name__}: {e}")
            if o is None:
                env.facts[name] = v
            else:
                env.ofacts[id(o)][name] = v
            if tr is not None:
                missing = v is M
                try:
                    shown = None if (missing or type(v) is Fault) else to_jsonable(v)
                except Exception as e:  # noqa: BLE001 - explanation only
                    shown = f"<ошибка: {fault_reason(e)}>"
                if type(v) is Fault:
                    shown = f"<ошибка: {v.message}>"
                tr.facts.append(T.FactTrace(name, None if o is None else o.id, shown, missing, fd.file, fd.span.line))

    def _eval_rule(self, rid: str, env: Env, tr: T.Trace | None, out: list, faults: list, positions: dict) -> None:
        cr = self.compiled[rid]
        r = cr.d
        instances = env.verdict.offences if r.scope == "offence" else [None]
        outcomes = env.outcomes.setdefault(rid, {}) if (tr is not None or rid in self._needs_outcome) else None
        for o in instances:
            env.enter(o)
            env._let_fns = cr.lets
            key = env.scope_key
            cand = None
            clause = None
            reason = ""
            try:
                if tr is None:  # fast path: the generated decision; explanations only when asked
                    status = STATUS[cr.decide(env, env.verdict, o, env.rt)]
                    if status == T.FIRED:
                        cand = self._candidate(cr, env)
                else:
                    status, reason, clause, cand = self._decide(cr, env)
            except Exception as e:  # noqa: BLE001 - any error of one rule on one record is a fault
                status, reason = T.FAULT, fault_reason(e)
            if outcomes is not None:
                outcomes[key] = status
            if status == T.FAULT:
                faults.append(fault_diagnostic(r, key, env.verdict.case_id, reason))
            if cand is not None:
                pos = -1 if o is None else positions[o.id]
                out.append(((pos, rid), cand))
            if tr is not None:
                values: dict[str, Any] = {}
                clause_text = ""
                if isinstance(clause, CompiledClause):
                    try:
                        values = _clause_values(clause, env)
                    except Exception as e:  # noqa: BLE001 - explanation only
                        values = {"": f"<ошибка: {fault_reason(e)}>"}
                    clause_text = f"{clause.kind} {clause.text}"
                tr.rules.append(T.RuleTrace(rid, key, status, reason, clause_text, values,
                                            [str(x) for x in r.static_cites], r.file, r.span.line))

    def _decide(self, cr: CompiledRule, env: Env) -> tuple[str, str, Any, Candidate | None]:
        r = cr.d
        if r.in_force is not None:
            start, until, basis = r.in_force
            date = env.verdict.verdict_date if basis == "verdict" else env.ref_date
            if date < start or (until is not None and date >= until):
                what = "приговора" if basis == "verdict" else "деяния"
                span = f"с {start:%d.%m.%Y}" + (f" по {until:%d.%m.%Y}" if until else "")
                return T.NOT_IN_FORCE, f"норма действует {span}; дата {what} {date:%d.%m.%Y}", None, None
        for c in cr.whens:
            v = _call(c.fn, env)
            if v is M:
                return T.MISSING, f"нет данных для условия «{c.text}»", c, None
            if not v:
                return T.NOT_APPLICABLE, f"условие не выполнено: «{c.text}»", c, None
        for c in cr.unlesses:
            v = _call(c.fn, env)
            if v is M:
                return T.MISSING, f"нет данных для исключения «{c.text}»", c, None
            if v:
                return T.EXCEPTED, f"исключение: «{c.text}»", c, None
        for s in cr.overridden_by:
            if env.overridden((s,)):
                return T.OVERRIDDEN, f"применяется специальная норма {s}", None, None
        c = cr.violation
        v = _call(c.fn, env)
        if v is M:
            return T.MISSING, f"нет данных для проверки «{c.text}»", c, None
        if not v:
            return T.PASSED, f"нарушения нет: «{c.text}» не выполнено", c, None
        cand = self._candidate(cr, env)
        return T.FIRED, cand.message, c, cand

    def _candidate(self, cr: CompiledRule, env: Env) -> Candidate:
        r = cr.d
        cites: list[dict[str, Any]] = []
        for kind, i in r.cite_order:
            if kind == "s":
                cites.append(r.static_cites[i].to_json())
            else:
                ref = _call(cr.dyn_cites[i], env)
                if ref is not M:
                    cites.append(Citation("УК РК", ref).to_json())
        actual = None
        if cr.actual is not None:
            a = _call(cr.actual, env)
            actual = None if a is M else to_jsonable(a)
        allowed: Any = None
        if isinstance(cr.allowed, list):
            allowed = {}
            for k, fn in cr.allowed:
                v = _call(fn, env)
                allowed[k] = None if v is M else to_jsonable(v)
        elif cr.allowed is not None:
            v = _call(cr.allowed, env)
            allowed = None if v is M else to_jsonable(v)
        parts: list[str] = []
        for p in cr.message:
            if isinstance(p, str):
                # «20 г.» at the end of a sentence: the abbreviation's point is the full stop
                if p.startswith(".") and parts and parts[-1].endswith("."):
                    p = p[1:]
                parts.append(p)
            else:
                v = _call(p, env)
                parts.append("—" if v is M else to_ru(v))
        facts: dict[str, Any] = {}
        for name in r.facts:
            if name in cr.lets:
                v = env.let(name)
            else:
                v = env.fact(name)
            facts[name] = None if v is M else to_jsonable(v)
        offence_id = env.scope_key
        fp = fingerprint(env.verdict.case_id, r.id, offence_id, actual)
        return Candidate(r.id, r.severity, r.title, "".join(parts), cites, offence_id, actual, allowed, facts, fp)
