"""Checked IR → Python source → functions, compiled once per rule set.

Why generate source: a closure per IR node costs a Python call per node, and the engine must keep up
with hand-written checks.  The generated code is straight-line Python over the model objects.

Why it is safe: no text of a rule file ever reaches the generated source.  Identifiers are made by
this module (`t12`, `q3`), member names come from the schema whitelist (`legality.resolve.schema`),
and every value written in a rule (numbers, texts, dates, rule ids, parameter names) is passed through
the constants table `K` — the source only says `K[7]`.  `compile()` runs on this source, never `eval`
on rule text.

Two variants of the same code: `run` and the `rN_decide` functions are the fast path; `run_traced`
and `rN_decide_traced` are generated from the same IR with one call to a tracer (`tr`) wherever a
rule is decided, and each clause's explanation leaves are generated functions too — so `explain`
shows what the scan computed, not a second implementation's idea of it.  `legality test --coverage`
runs a copy generated with `Gen.set_cover`: the same source plus a call to a sink at each branch point
(`eval.branches`); without it not a character of the source changes.

Missing values: a member that is None, a missing law parameter or catalogue entry raises a fresh
`Miss()` (zero-cost when nothing is missing; never a shared instance, whose traceback would keep every
record alive); `and`/`or`, `is missing`, quantifiers and `default()` catch it
where the language's Kleene logic says so.
"""

from __future__ import annotations

from types import CodeType
from typing import TYPE_CHECKING, Any, Callable

from ..resolve import schema as S
from ..resolve.types import EnumT
from .runtime import FIRED, RUNTIME, STATUS_CODE

if TYPE_CHECKING:  # the IR's module loads when code is generated, not when a stored pack is linked
    from ..resolve.ir import Node, RuleDef


class CodegenError(Exception):
    """The generated source would not compile; `function` names the generated function (or None)."""

    def __init__(self, function: str | None, reason: str):
        super().__init__(f"{function or '?'}: {reason}")
        self.function = function
        self.reason = reason


# CPython's static limits on one function: 20 nested blocks, 100 indentation levels, 200 nested
# brackets.  Rules never get near them by themselves; what does is nesting of expressions.  Past
# HOIST_INDENT a sub-expression gets a function of its own (indentation starts again), and an
# expression text with more than MAX_PARENS brackets is stored in a temporary first.
HOIST_INDENT = 4 * 10
MAX_PARENS = 40
_INLINE_OPS = frozenset({"lit", "enum", "root", "var", "fired"})


# arithmetic IR operators → Python (a, b: the operands' expressions)
_ARITH = {
    "+": "({a} + {b})", "-": "({a} - {b})", "*": "({a} * {b})", "/": "_div({a}, {b})", "of": "_of({a}, {b})",
    "scale": "{a}.scale({b})", "ratio": "{a}.ratio({b})", "qdiv": "{a}.scale(Fraction(1) / Fraction({b}))",
    "date+": "add_term({a}, {b}, 1)", "date-": "add_term({a}, {b}, -1)",
}



Step = tuple[str, str, str, Any]  # a driver step: (kind "fact" or "rule", name, scope, what the driver calls)


def runs(steps: list[Step], reads_other: dict[str, set[str]]) -> list[list[Step]]:
    """The fast driver's runs of steps, in order: consecutive offence-level steps share one loop over the
    offences, unless a step reads (through another offence) a fact computed in the same run; a record-level
    step is a run of its own.  The batch evaluator lists a record's gaps by these runs (`program.rule_places`)."""
    out: list[list[Step]] = []
    for st in steps:
        cur = out[-1] if out else None
        if cur and st[2] == "offence" and cur[0][2] == "offence" and \
                not (reads_other.get(st[1], set()) & {n for k, n, _, _ in cur if k == "fact"}):
            cur.append(st)
        else:
            out.append([st])
    return out


class Gen:
    def __init__(self) -> None:
        self.consts: list[Any] = []
        self._const_ids: dict[tuple[str, str], int] = {}
        self.getters: list[Any] = []
        self.n = 0
        self.lines: list[str] = []
        self.helper_lines: list[str] = []
        self.helper_owner: dict[str, str] = {}  # hoisted helper -> the top-level function it serves
        self.owner: str | None = None
        self.fact_scopes: dict[str, str] = {}
        # `legality test --coverage` only (`branches.instrument`): the points to report to the sink `K[-1]`
        # (`cover_fn`) while `cover_on` (a decision, a `let`, a fact); None: the code is the scan's, unchanged
        self.cover: Any = None
        self.cover_fn = ""
        self.cover_on = False
        self.cover_rule = ""

    def set_cover(self, cover: Any) -> None:
        """Generate the instrumented copy: a call `K[-1](point, value)` at each point of `cover` (a
        `branches.Cover`); the caller appends the sink `cover.hits` to `consts` last, so that every other
        constant keeps its number and the copy is the scan's source plus those lines (a test checks it)."""
        self.cover = cover
        self.cover_fn = "K[-1]"

    def _cover(self, table: str, key: Any, value: str, out: list[str], ind: str) -> None:
        """Tell the coverage sink a point's outcome (nothing at all unless generating the instrumented copy)."""
        if self.cover is None or not self.cover_on:
            return
        j = getattr(self.cover, table).get(key)
        if j is not None:
            out.append(f"{ind}{self.cover_fn}({j}, {value})")

    def const(self, v: Any) -> str:
        key = (type(v).__name__, repr(v))
        if key not in self._const_ids:
            self._const_ids[key] = len(self.consts)
            self.consts.append(v)
        return f"K[{self._const_ids[key]}]"

    def getter(self, key: tuple[str, str, str]) -> str:
        """`G[i]`: a schema getter named by its key (`("member" | "method", record, name)`), not held as
        a function, so the compiled pack can be stored (`engine`) and its getters found again (`getters`)."""
        self.getters.append(key)
        return f"G[{len(self.getters) - 1}]"

    def tmp(self) -> str:
        self.n += 1
        return f"t{self.n}"

    # ---- expressions: emit statements into `out` (with indent), return a Python expression
    def expr(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        if len(ind) > HOIST_INDENT and n.op not in _INLINE_OPS:
            return self._hoist(n, out, ind, scope, qvars)
        e = self._expr(n, out, ind, scope, qvars)
        if e.count("(") > MAX_PARENS:
            t = self.tmp()
            out.append(f"{ind}{t} = {e}")
            return t
        return e

    def _hoist(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        """Evaluate n in a function of its own: same names in scope, same value, same Miss."""
        self.n += 1
        name = f"h{self.n}"
        params = "".join(f", {q}" for q in sorted(set(qvars.values())))
        body: list[str] = []
        e = self.expr(n, body, "    ", scope, qvars)
        self.helper_lines.append(f"def {name}(env, v, o, rt{params}):")
        self.helper_lines.extend(body)
        self.helper_lines.append(f"    return {e}")
        self.helper_lines.append("")
        self.helper_owner[name] = self.owner or name
        t = self.tmp()
        out.append(f"{ind}{t} = {name}(env, v, o, rt{params})")
        return t

    def _expr(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        op = n.op
        if op in ("lit", "enum"):
            return "None" if n.data is None else self.const(n.data)
        if op == "root":
            name = n.data
            if name == "offence":
                return "o"
            if name == "sentence":
                return "o.sentence" if scope == "offence" else "v.final_sentence"
            return {"verdict": "v", "defendant": "v.defendant", "offences": "v.offences", "final": "v.final_sentence",
                    "final_sentence": "v.final_sentence", "procedure": "v.procedure"}[name]
        if op == "var":
            return qvars[n.data] if n.data in qvars else f"_unbound({self.const(n.data)})"
        if op == "let":
            return self._checked(f"env.let({self.const(n.data)})", out, ind, missing_is="M")
        if op == "fact":
            scope_of = self.fact_scopes.get(n.data, "record")
            src = "env.cur" if (scope_of == "offence" and scope == "offence") else "env.facts"
            t = self.tmp()
            out.append(f"{ind}{t} = {src}[{self.const(n.data)}]")
            out.append(f"{ind}if {t} is M:")
            out.append(f"{ind}    raise Miss()")
            out.append(f"{ind}if type({t}) is Fault:")
            out.append(f"{ind}    env.fact({self.const(n.data)})")  # raises FaultError naming the fact
            return t
        if op == "ofact":
            obj = self.expr(n.args[0], out, ind, scope, qvars)
            return self._checked(f"env.offence_fact({obj}, {self.const(n.data)})", out, ind, missing_is="M")
        if op == "member":
            rec, name = n.data
            m = S.MEMBERS[rec][name]
            obj = self.expr(n.args[0], out, ind, scope, qvars)
            if m.attr is not None:
                return self._checked(f"{obj}.{m.attr}", out, ind)
            return self._checked(f"{self.getter(('member', rec, name))}({obj}, rt)", out, ind)
        if op == "method":
            rec, name = n.data
            spec = S.METHODS[rec][name]
            obj = self.expr(n.args[0], out, ind, scope, qvars)
            args = [self.expr(a, out, ind, scope, qvars) for a in n.args[1:]]
            return self._checked(f"{self.getter(('method', rec, name))}({obj}, rt, {', '.join(args)})", out, ind)
        if op == "index":
            obj = self.expr(n.args[0], out, ind, scope, qvars)
            key = self.expr(n.args[1], out, ind, scope, qvars)
            return self._checked(f"{obj}.get(_key({key}))", out, ind)
        if op == "law":
            return self._checked(f"env.param({self.const(n.data)})", out, ind, missing_is="M")
        if op == "fired":
            return f"env.fired({self.const(n.data)})"
        if op == "call":
            return self._call(n, out, ind, scope, qvars)
        if op == "quant":
            return self._quant(n, out, ind, scope, qvars)
        if op == "set":
            items = [self.expr(a, out, ind, scope, qvars) for a in n.args]
            return f"frozenset(({', '.join(items)}{',' if len(items) == 1 else ''}))"
        if op == "not":
            return f"(not {self.expr(n.args[0], out, ind, scope, qvars)})"
        if op == "neg":
            return f"(-{self.expr(n.args[0], out, ind, scope, qvars)})"
        if op in ("present", "missing"):
            t = self.tmp()
            self._guarded(n.args[0], out, ind, scope, qvars, t)
            return f"({t} is {'not ' if op == 'present' else ''}M)"
        if op in ("and", "or"):
            return self._kleene(n, out, ind, scope, qvars)
        if op == "if":
            t = self.tmp()
            c = self.expr(n.args[0], out, ind, scope, qvars)
            out.append(f"{ind}if {c}:")
            a_out: list[str] = []
            self._cover("nodes", id(n), "True", a_out, ind + "    ")
            a = self.expr(n.args[1], a_out, ind + "    ", scope, qvars)
            out.extend(a_out)
            out.append(f"{ind}    {t} = {a}")
            out.append(f"{ind}else:")
            b_out: list[str] = []
            self._cover("nodes", id(n), "False", b_out, ind + "    ")
            b = self.expr(n.args[2], b_out, ind + "    ", scope, qvars)
            out.extend(b_out)
            out.append(f"{ind}    {t} = {b}")
            return t
        a = self.expr(n.args[0], out, ind, scope, qvars)
        b = self.expr(n.args[1], out, ind, scope, qvars)
        if op == "eq":
            return f"({a} == {b})"
        if op == "ne":
            return f"({a} != {b})"
        if op in ("in", "notin"):
            left = f"_key({a})" if n.data == "text" else a
            return f"({left} {'in' if op == 'in' else 'not in'} {b})"
        if op == "cmp":
            if any(isinstance(x.type, EnumT) for x in n.args):
                return f"(_rank({a}) {n.data} _rank({b}))"
            return f"({a} {n.data} {b})"
        if op == "arith":
            return _ARITH[n.data].format(a=a, b=b)
        raise AssertionError(f"no code for {op}")

    def _checked(self, e: str, out: list[str], ind: str, missing_is: str = "None") -> str:
        t = self.tmp()
        out.append(f"{ind}{t} = {e}")
        out.append(f"{ind}if {t} is {missing_is}:")
        out.append(f"{ind}    raise Miss()")
        return t

    def _guarded(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str], t: str) -> None:
        """t = value of n, or M when it is missing."""
        out.append(f"{ind}try:")
        inner: list[str] = []
        e = self.expr(n, inner, ind + "    ", scope, qvars)
        out.extend(inner)
        out.append(f"{ind}    {t} = {e}")
        out.append(f"{ind}except Miss:")
        out.append(f"{ind}    {t} = M")

    def _kleene(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        """A whole chain `a and b and c …` (or `or`) as one flat run of statements.

        Kleene logic: false and x = false; true or x = true; otherwise a missing operand makes the
        result missing.  Operands are evaluated left to right and the first deciding one stops the
        chain.  Flat because a nested block per operand hits CPython's limits at ~20 operands (F04).
        The result holds `go` (undecided, nothing missing), M (undecided, something missing) or `stop`.
        """
        from ..resolve.ir import chain_operands

        stop, go = ("False", "True") if n.op == "and" else ("True", "False")
        operands = chain_operands(n)
        r = self.tmp()
        out.append(f"{ind}{r} = {go}")
        for i, x in enumerate(operands):
            sub = ind
            if i:
                out.append(f"{ind}if {r} is not {stop}:")
                sub = ind + "    "
            t = self.tmp()
            self._guarded(x, out, sub, scope, qvars, t)
            self._cover("operands", id(x), t, out, sub)
            out.append(f"{sub}if {t} is {stop}:")
            out.append(f"{sub}    {r} = {stop}")
            out.append(f"{sub}elif {t} is M:")
            out.append(f"{sub}    {r} = M")
        out.append(f"{ind}if {r} is M:")
        out.append(f"{ind}    raise Miss()")
        return r

    def _call(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        f = n.data
        if f == "default":
            t = self.tmp()
            self._guarded(n.args[0], out, ind, scope, qvars, t)
            self._cover("nodes", id(n), t, out, ind)
            out.append(f"{ind}if {t} is M:")
            inner: list[str] = []
            b = self.expr(n.args[1], inner, ind + "    ", scope, qvars)
            out.extend(inner)
            out.append(f"{ind}    {t} = {b}")
            return t
        args = [self.expr(a, out, ind, scope, qvars) for a in n.args]
        if f in ("min", "max"):
            return f"{f}({', '.join(args)})" if len(args) > 1 else args[0]
        if f == "sum":
            return "(" + " + ".join(args) + ")"
        if f == "count":
            return f"len({args[0]})"
        if f in ("age", "years_between"):
            return f"age_on({args[0]}, {args[1]})"
        if f == "same_unit":
            return f"({args[0]}.unit == {args[1]}.unit)"
        raise AssertionError(f)

    def _quant(self, n: Node, out: list[str], ind: str, scope: str, qvars: dict[str, str]) -> str:
        kind, var = n.data
        it = self.expr(n.args[0], out, ind, scope, qvars)
        if self.cover is not None and self.cover_on:
            # the instrumented copy walks a set in one fixed order: which elements an `any` that stops at
            # the first hit visits (and so which outcomes its body shows) must not follow the hash seed
            it = f"_in_order({it})"
        q = self.tmp()
        res, miss, b = self.tmp(), self.tmp(), self.tmp()
        inner_vars = {**qvars, var: q}
        body: list[str] = []
        self._guarded(n.args[1], body, ind + "    ", scope, inner_vars, b)
        if kind in ("any", "all"):
            hit = "True" if kind == "any" else "False"
            out.append(f"{ind}{res} = {'False' if kind == 'any' else 'True'}")
            out.append(f"{ind}{miss} = False")
            out.append(f"{ind}for {q} in {it}:")
            out.extend(body)
            out.append(f"{ind}    if {b} is M:")
            out.append(f"{ind}        {miss} = True")
            out.append(f"{ind}    elif {b} is {hit}:")
            out.append(f"{ind}        {res} = {hit}")
            out.append(f"{ind}        break")
            out.append(f"{ind}if {res} is not {hit} and {miss}:")
            out.append(f"{ind}    raise Miss()")
            return res
        vals = self.tmp()
        out.append(f"{ind}{vals} = []")
        out.append(f"{ind}for {q} in {it}:")
        out.extend(body)
        out.append(f"{ind}    if {b} is M:")
        out.append(f"{ind}        raise Miss()")
        out.append(f"{ind}    {vals}.append({b})")
        if kind == "count":
            return f"sum(1 for _x in {vals} if _x)"
        out.append(f"{ind}if not {vals}:")
        out.append(f"{ind}    raise Miss()")
        if kind in ("max", "min"):
            return f"{kind}({vals})"
        out.append(f"{ind}{res} = {vals}[0]")
        out.append(f"{ind}for _x in {vals}[1:]:")
        out.append(f"{ind}    {res} = {res} + _x")
        return res

    # ---- functions
    def function(self, name: str, n: Node, scope: str, *, cover: bool = False) -> str:
        """`cover`: a fact or a `let`, whose points the instrumented copy reports (see `set_cover`)."""
        body: list[str] = []
        self.owner = name
        self.cover_on = cover
        try:
            e = self.expr(n, body, "    ", scope, {})
        except RecursionError:
            raise CodegenError(name, "RecursionError") from None
        finally:
            self.cover_on = False
        self.lines.append(f"def {name}(env, v, o, rt):")
        self.lines.extend(body)
        self.lines.append(f"    return {e}")
        self.lines.append("")
        return name

    def decide(self, name: str, r: RuleDef, idx: int, overridden_by: list[str], *, traced: bool = False) -> str:
        """The whole decision of one rule on one scope instance, returning a status code (see STATUS).

        `R[idx]` is the rule's `CompiledRule`; its `clauses` are numbered in decision order (whens, needs,
        unlesses, the violation), and a failing clause hands its number to `env.fault`.  The traced
        variant is the same code with a parameter `tr` told, at every return, what decided.
        """
        self.owner = name
        self.cover_on, self.cover_rule = True, r.id
        try:
            return self._decide(name, r, idx, overridden_by, traced)
        except RecursionError:
            raise CodegenError(name, "RecursionError") from None
        finally:
            self.cover_on = False

    def _decide(self, name: str, r: RuleDef, idx: int, overridden_by: list[str], traced: bool) -> str:
        sc = r.scope
        rule = f"R[{idx}]"

        def ret(code: str, at: int | None = None) -> str:
            c = STATUS_CODE[code]
            if not traced:
                return f"return {c}"
            return f"return tr.clause({rule}, {at}, {c})" if at is not None else f"return tr.not_in_force({rule}, {c})"

        L: list[str] = []
        L.append(f"def {name}(env, v, o, rt{', tr' if traced else ''}):")
        if r.in_force is not None:
            start, until, basis = r.in_force
            date = "v.verdict_date" if basis == "verdict" else "env.ref_date"
            cond = f"{date} < {self.const(start)}" + (f" or {date} >= {self.const(until)}" if until else "")
            L.append(f"    if {cond}:")
            L.append(f"        {ret('not_in_force')}")
        rule_missing = f"env.missing({rule})"

        def ret_missing(at: str) -> str:
            """A missing value: `env.missing` decides between `missing` and an automatic gap."""
            return f"return tr.clause({rule}, {at}, {rule_missing})" if traced else f"return {rule_missing}"

        # whens and unlesses in Kleene order: a false `when` or a true `unless` decides even after a
        # clause that lacked a value; the first such clause is noted in `mw` and decides only at the end
        mw = self.tmp()
        L.append(f"    {mw} = None")
        note = f"{mw} = {{at}} if {mw} is None else {mw}"  # remember the first clause that lacked a value
        for at, c in enumerate(r.whens):
            t = self._clause(c.expr, sc, at, rule, L, ret, on_miss=[note.format(at=at)], miss_value="True",
                             traced=traced)
            L.append(f"    if not {t}:")
            L.append(f"        {ret('not_applicable', at)}")
        base = len(r.whens) + len(r.needs)
        for i, c in enumerate(r.unlesses):  # a true `unless`: an exception holds
            at = base + i
            t = self._clause(c.expr, sc, at, rule, L, ret, on_miss=[note.format(at=at)], miss_value="False",
                             traced=traced)
            L.append(f"    if {t}:")
            L.append(f"        {ret('excepted', at)}")
        if overridden_by:
            if traced:  # one by one: the trace names the overriding rule that applied
                for j, s in enumerate(overridden_by):
                    L.append(f"    if env.overridden({self.const((s,))}):")
                    L.append(f"        return tr.overridden({rule}, {j}, {STATUS_CODE['overridden']})")
            else:
                L.append(f"    if env.overridden({self.const(tuple(overridden_by))}):")
                L.append(f"        return {STATUS_CODE['overridden']}")
        for k, c in enumerate(r.needs):  # the rule applies: without this value it cannot decide
            at = len(r.whens) + k
            und = f"env.undetermined({rule}, {k})"
            self._clause(c.expr, sc, at, rule, L, ret,
                         on_miss_return=f"tr.clause({rule}, {at}, {und})" if traced else und, traced=traced)
        L.append(f"    if {mw} is not None:")
        L.append(f"        {ret_missing(mw)}")
        at = base + len(r.unlesses)
        t = self._clause(r.violation.expr, sc, at, rule, L, ret, traced=traced)
        L.append(f"    if {t}:")
        L.append(f"        {ret('fired', at)}")
        L.append(f"    {ret('passed', at)}")
        L.append("")
        self.lines.extend(L)
        return name

    def _clause(self, n: Node, scope: str, at: int, rule: str, L: list[str],
                ret: Callable[[str, int | None], str], *, on_miss: list[str] | None = None,
                miss_value: str | None = None, on_miss_return: str | None = None, traced: bool = False) -> str:
        """Evaluate clause number `at` into a temporary: a missing value decides (see `env.missing`),
        an error faults.  A `when` instead notes the missing value (`on_miss`, `miss_value`) and goes on;
        a `needs` returns `on_miss_return` (undetermined)."""
        body: list[str] = []
        e = self.expr(n, body, "        ", scope, {})
        t = self.tmp()
        L.append("    try:")
        L.extend(body)
        L.append(f"        {t} = {e}")
        self._cover("clauses", (self.cover_rule, at), t, L, "        ")
        L.append("    except Miss:")
        self._cover("clauses", (self.cover_rule, at), "M", L, "        ")
        if on_miss is not None:
            for line in on_miss:
                L.append(f"        {line}")
            L.append(f"        {t} = {miss_value}")
        elif on_miss_return is not None:
            L.append(f"        return {on_miss_return}")
        else:
            miss = f"env.missing({rule})"
            L.append(f"        return tr.clause({rule}, {at}, {miss})" if traced else f"        return {miss}")
        L.append("    except Exception as e:")
        L.append(f"        return env.fault({rule}, e, {at})")
        return t

    def driver(self, steps: list[Step], reads_other: dict[str, set[str]], *,
               traced: bool = False) -> str:
        """One function evaluating a record in plan order: (kind, name, scope, info) per step.

        For a fact, info is its function name; for a rule, (decide function, rule index, has lets,
        needs outcome).  Consecutive offence-level steps share one loop over the offences, unless a
        step reads (through another offence) a fact computed in the same run of steps.  Fired
        rules and faults are handed to `env`, which builds candidates and diagnostics.

        The traced variant (`run_traced(env, v, rt, tr)`) gives every step its own loop, so the
        trace lists each fact and rule for all offences in turn, and tells `tr` each fact's value
        and each rule instance's final status.
        """
        name = "run_traced" if traced else "run"
        L = self.lines
        L.append(f"def {name}(env, v, rt{', tr' if traced else ''}):")
        L.append("    offs = v.offences")
        L.append("    M_ = M")
        segments = [[st] for st in steps] if traced else runs(steps, reads_other)
        for seg in segments:
            loop = seg[0][2] == "offence"
            ind = "        " if loop else "    "
            if loop:
                L.append("    for o in offs:")
                L.append(f"{ind}env.offence = o; env.scope_key = o.id; env.ref_date = o.committed_on; env.cur = env.ofacts[id(o)]")
            else:
                L.append("    o = None; env.offence = None; env.scope_key = None; env.ref_date = env.latest; env.cur = None")
            for kind, name_, scope, info in seg:
                k = self.const(name_)
                if kind == "fact":
                    L.append(f"{ind}try:")
                    L.append(f"{ind}    x = {info}(env, v, o, rt)")
                    L.append(f"{ind}except Miss:")
                    L.append(f"{ind}    x = M_")
                    L.append(f"{ind}except Exception as e:")
                    L.append(f"{ind}    x = env.fault_value(e)")
                    target = f"env.cur[{k}]" if loop else f"env.facts[{k}]"
                    L.append(f"{ind}{target} = x")
                    if traced:
                        L.append(f"{ind}tr.fact({k}, o, x)")
                else:
                    decide, idx, has_lets, needs_outcome = info
                    L.append(f"{ind}env.let_fns = LETS[{idx}]")
                    if has_lets:
                        L.append(f"{ind}env.lets = {{}}")
                    L.append(f"{ind}try:")
                    L.append(f"{ind}    st = {decide}(env, v, o, rt{', tr' if traced else ''})")
                    L.append(f"{ind}except Exception as e:")
                    L.append(f"{ind}    st = env.fault(R[{idx}], e)")
                    if needs_outcome:
                        L.append(f"{ind}env.outcomes.setdefault({k}, {{}})[env.scope_key] = STATUS[st]")
                    L.append(f"{ind}if st == {FIRED}:")
                    L.append(f"{ind}    {'st = ' if traced else ''}env.fire(R[{idx}])")
                    if traced:
                        L.append(f"{ind}tr.rule(R[{idx}], st)")
        L.append("")
        return name

    def build(self) -> dict[str, Any]:
        """Compile the generated source and run it into a fresh namespace (`compile_source` + `link`)."""
        src, code = self.compile_source()
        ns = link(code, self.consts, self.getters)
        ns["__source__"] = src
        return ns

    def compile_source(self) -> tuple[str, CodeType]:
        """The generated source and its code object (what a stored pack keeps, with `consts` and `getters`)."""
        src = "\n".join(self.lines + self.helper_lines)
        try:
            code = compile(src, "<legality generated rules>", "exec")
        except (SyntaxError, RecursionError, MemoryError, ValueError) as e:
            # last guard: the limits above should make this unreachable; never a traceback for a rule
            raise CodegenError(self._function_at(src, getattr(e, "lineno", None)), type(e).__name__) from None
        return src, code

    def _function_at(self, src: str, lineno: int | None) -> str | None:
        """The top-level generated function (fact_N, rN_…) that holds line `lineno` of `src`."""
        if not lineno:
            return None
        for line in reversed(src.splitlines()[:lineno]):
            if line.startswith("def "):
                name = line[4:].split("(", 1)[0]
                return self.helper_owner.get(name, name)
        return None


def getters(keys: list[tuple[str, str, str]]) -> list[Callable[..., Any]]:
    """The schema functions the keys of `Gen.getter` name (a key the schema lacks raises KeyError)."""
    out: list[Callable[..., Any]] = []
    for kind, rec, name in keys:
        if kind == "member":
            fn = S.MEMBERS[rec][name].get
        elif kind == "method":
            fn = S.METHODS[rec][name].call
        else:
            raise KeyError(kind)
        if fn is None:
            raise KeyError((kind, rec, name))
        out.append(fn)
    return out


def link(code: CodeType, consts: list[Any], getter_keys: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Run compiled rule code into a fresh namespace: the runtime's names, `K`, `G`, and the tables
    `R` and `LETS` the evaluator fills.  A pack from the on-disk cache goes through here too."""
    ns: dict[str, Any] = dict(RUNTIME)
    ns["K"] = consts
    ns["G"] = getters(getter_keys)
    ns["LETS"] = []  # filled by the evaluator: per rule index, its `let` functions
    ns["R"] = []     # filled by the evaluator: per rule index, its CompiledRule
    exec(code, ns)  # noqa: S102 - our own generated source (or its stored code object); see module docstring
    return ns
