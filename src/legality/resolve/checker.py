"""Names and types: surface AST → checked IR, with every problem as a diagnostic.

Why all at once: a rule author fixing a file wants every error of the rule set in one run, each at
its place with a hint (did-you-mean for names), not the first one only.  Errors inside one
expression do not cascade: a failed sub-expression gets type ANY and is not reported again.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable

from ..diagnostics import Diagnostic, Span
from ..model.enums import ENUMS, Category
from ..model.values import Citation, Quantity, Term
from ..syntax import ast as A
from ..syntax.printer import expr as print_expr
from . import schema as S
from .ir import Clause, FactDef, LetDef, Node, RuleDef
from .types import (
    ANY, BOOL, DATE, DAYS, HOURS, INT, MRP, NUM, STR, TERM, EnumT, LawT, ListT, MapT, PendingT, QtyT, RecT, SetT, T,
    comparable, is_num, is_qty, join, qty_compatible,
)

PENDING = PendingT("pending")
SCOPES = ("record", "offence", "final_sentence")
SEVERITIES = ("high", "medium", "low")
FUNCTIONS = {
    "min": "smallest of its arguments",
    "max": "largest of its arguments",
    "sum": "sum of its arguments",
    "count": "number of elements of a list or set",
    "age": "age(birth_date, on_date): whole years of age on a date",
    "years_between": "years_between(from, to): whole years between two dates",
    "default": "default(value, fallback): the value, or the fallback when it is missing",
    "same_unit": "same_unit(a, b): both amounts have the same unit (a fine in МРП vs. a multiple of the bribe)",
}
PARAM_TYPES: dict[str, T] = {
    "int": INT, "fraction": NUM, "number": NUM, "term": TERM, "mrp": MRP, "hours": HOURS, "days": DAYS,
    "date": DATE, "bool": BOOL, "set": SetT("set", STR), "text": STR,
}


def param_type(spec_type: str) -> T:
    if spec_type.startswith("map:"):
        return MapT("map", param_type(spec_type[4:]))
    if spec_type.startswith("set"):
        return SetT("set", STR)
    return PARAM_TYPES.get(spec_type, ANY)


class _Fail(Exception):
    """Aborts checking of one expression after its diagnostic was recorded."""


@dataclass
class _Ctx:
    scope: str
    file: str
    lets: dict[str, LetDef] = field(default_factory=dict)
    vars: dict[str, T] = field(default_factory=dict)
    deps_facts: set[str] = field(default_factory=set)
    deps_rules: set[str] = field(default_factory=set)
    deps_law: set[str] = field(default_factory=set)
    owner: str = ""  # fact name or rule id being checked


def _suggest(name: str, options: Iterable[str]) -> str | None:
    m = difflib.get_close_matches(name, sorted(set(options)), n=3, cutoff=0.6)
    if not m:
        return None
    return "did you mean " + " or ".join(f"`{x}`" for x in m) + "?"


class Checker:
    def __init__(self, files: list[A.RuleFile], catalogue: Any, visible: dict[str, set[str]]):
        self.files = files
        self.catalogue = catalogue
        self.visible = visible  # file -> files whose names it can see (itself + transitive imports)
        self.diags: list[Diagnostic] = []
        self.defines: dict[str, tuple[A.Define, str]] = {}
        self.rules_ast: dict[str, tuple[A.Rule, str]] = {}
        self.facts: dict[str, FactDef] = {}
        self._in_progress: set[str] = set()
        self._fact_law: dict[str, set[str]] = {}
        self._param_names: list[str] = list(catalogue.param_names()) if catalogue is not None else []
        self._param_set = set(self._param_names)

    # ---- diagnostics
    def err(self, code: str, msg: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(code, msg, span, hint))

    def fail(self, code: str, msg: str, span: Span, hint: str | None = None):
        self.err(code, msg, span, hint)
        raise _Fail()

    # ---- driver
    def run(self) -> tuple[dict[str, FactDef], dict[str, RuleDef]]:
        for f in self.files:
            for d in f.defines:
                if d.name.startswith("_"):
                    self.err("E108", f"fact names may not start with `_`: {d.name}", d.span)
                    continue
                if d.name in self.defines:
                    prev = self.defines[d.name][0]
                    self.diags.append(Diagnostic("E104", f"fact `{d.name}` is defined twice", d.span,
                                                 related=(("first defined here", prev.span),)))
                    continue
                if d.name in S.ROOTS or d.name in ("law", "offence", "sentence") or d.name in FUNCTIONS:
                    self.err("E104", f"fact `{d.name}` would hide a built-in name", d.span, "choose another name")
                    continue
                self.defines[d.name] = (d, f.path)
            for r in f.rules:
                if r.id in self.rules_ast:
                    prev = self.rules_ast[r.id][0]
                    self.diags.append(Diagnostic("E104", f"rule id `{r.id}` is used twice", r.span,
                                                 related=(("first used here", prev.span),),
                                                 hint="rule ids are stable identifiers: give each rule its own"))
                    continue
                self.rules_ast[r.id] = (r, f.path)
        deep = False
        for name in self.defines:
            try:
                self._fact(name, None)
            except RecursionError:
                deep = True
                self._fact_deep(name)
        if deep:  # facts abandoned half-way were checked again: report each problem once
            self.diags = list(dict.fromkeys(self.diags))
        rules: dict[str, RuleDef] = {}
        for rid, (r, path) in self.rules_ast.items():
            rd = self._rule(r, path)
            if rd is not None:
                rules[rid] = rd
        # overrides: scope compatibility
        for rd in rules.values():
            for target in rd.overrides:
                g = rules.get(target)
                if g is not None and rd.scope == "offence" and g.scope != "offence":
                    self.err("E109", f"offence-level rule {rd.id} cannot override {g.scope}-level rule {g.id}", rd.span,
                             "an exception must be at least as general in scope as the rule it overrides")
        return self.facts, rules

    # ---- facts
    def _fact(self, name: str, requester: _Ctx | None) -> FactDef | None:
        if name in self.facts:
            return self.facts[name]
        if name in self._in_progress:
            return None  # a cycle: reported by the dependency graph
        d, path = self.defines[name]
        if d.scope not in SCOPES:
            self.err("E109", f"unknown scope `{d.scope}`", d.span, "scopes: record, offence, final_sentence")
            return None
        self._in_progress.add(name)
        ctx = _Ctx(d.scope, path, owner=name)
        try:
            node = self.expr(d.expr, ctx)
            self.finish(node, ctx)
            typ = node.type
        except _Fail:
            node, typ = Node("lit", ANY, d.span, data=None), ANY
        finally:
            self._in_progress.discard(name)
        fd = FactDef(name, d.label, d.scope, node, path, d.span, typ, ctx.deps_facts, ctx.deps_rules)
        self._fact_law[name] = set(ctx.deps_law)
        self.facts[name] = fd
        return fd

    def _fact_deep(self, name: str) -> None:
        """Resolve a fact that sits on a very long chain of facts defined before the facts they use.

        Why: resolving a fact resolves the facts it names first, recursively; a chain of a few hundred
        facts written "backwards" exhausts Python's stack (a crash, not a diagnostic).  Here the chain
        is walked without recursion and resolved from its far end, so each step finds its
        dependencies done.  Only taken after a RecursionError: ordinary rule sets resolve (and so
        are numbered and planned) exactly as before.
        """
        order: list[str] = []
        seen = {name}
        stack: list[tuple[str, list[str]]] = [(name, _names_used(self.defines[name][0].expr, self.defines))]
        while stack:
            cur, todo = stack[-1]
            while todo and (todo[-1] in seen or todo[-1] in self.facts):
                todo.pop()
            if todo:
                nxt = todo.pop()
                seen.add(nxt)
                stack.append((nxt, _names_used(self.defines[nxt][0].expr, self.defines)))
            else:
                stack.pop()
                order.append(cur)
        for n in order:
            self._fact(n, None)

    def _fact_type(self, name: str, ctx: _Ctx) -> T:
        fd = self._fact(name, ctx)
        if fd is None:
            return ANY
        return fd.type

    def _visible(self, name: str, ctx: _Ctx) -> bool:
        _, path = self.defines[name]
        return path in self.visible.get(ctx.file, {ctx.file})

    # ---- rules
    def _rule(self, r: A.Rule, path: str) -> RuleDef | None:
        ctx = _Ctx(r.scope, path, owner=r.id)
        ok = True
        if r.scope not in SCOPES:
            self.err("E109", f"unknown scope `{r.scope}`", r.span, "scopes: record, offence, final_sentence")
            return None
        for clause in ("title", "severity", "violation", "message"):
            if getattr(r, clause) is None:
                self.err("E008", f"rule {r.id} has no `{clause}`", r.span,
                         {"title": 'add: title "…" (one line, in Russian)',
                          "severity": "add: severity high | medium | low",
                          "violation": "add: violation <condition under which the sentence is unlawful>",
                          "message": 'add: message "… {value} …" (what is wrong and what the law allows)'}[clause])
                ok = False
        if not r.cites:
            self.err("E008", f"rule {r.id} cites no provision", r.span, 'add: cite "УК РК ст.N ч.N" (the general norm first)')
            ok = False
        if r.in_force and r.in_force.until and r.in_force.until <= r.in_force.start:
            self.err("E114", f"`until` {r.in_force.until} is not after `from` {r.in_force.start}", r.in_force.span)
        static_cites: list[Citation] = []
        dyn: list[Node] = []
        order: list[tuple[str, int]] = []
        for c in r.cites:
            if isinstance(c, A.Literal) and isinstance(c.value, str) and c.unit is None:
                try:
                    static_cites.append(Citation.parse(c.value))
                    order.append(("s", len(static_cites) - 1))
                except ValueError as e:
                    self.err("E103", f"cannot read citation {c.value!r}: {e}", c.span,
                             'write it as "УК РК ст.56 ч.3" (act, then ст., ч., п.)')
                    ok = False
            else:
                try:
                    n = self.expr(c, ctx)
                    self.finish(n, ctx)
                    if n.type not in (S.REF, ANY):
                        self.fail("E102", f"a citation must be a text or an article reference, not {n.type}", c.span,
                                  "e.g. cite \"УК РК ст.56 ч.3\", offence.ref")
                    dyn.append(n)
                    order.append(("d", len(dyn) - 1))
                except _Fail:
                    ok = False
        lets: list[LetDef] = []
        for lt in r.lets:
            if lt.name in ctx.lets or lt.name in self.defines or lt.name in S.ROOTS:
                self.err("E104", f"`let {lt.name}` hides another name", lt.span, "choose another name")
                ok = False
                continue
            try:
                n = self.expr(lt.expr, ctx)
                self.finish(n, ctx)
            except _Fail:
                n = Node("lit", ANY, lt.span)
                ok = False
            ld = LetDef(lt.name, lt.label, n, lt.span)
            ctx.lets[lt.name] = ld
            lets.append(ld)
        whens = [self._clause("when", e, ctx) for e in r.whens]
        unlesses = [self._clause("unless", e, ctx) for e in r.unlesses]
        viol = self._clause("violation", r.violation, ctx) if r.violation is not None else None
        if any(c is None for c in whens + unlesses) or (r.violation is not None and viol is None):
            ok = False
        actual = self._opt(r.actual, ctx)
        allowed: Any = None
        if isinstance(r.allowed, tuple):
            allowed = []
            for k, e in r.allowed:
                n = self._opt(e, ctx)
                if n is None:
                    ok = False
                else:
                    allowed.append((k, n))
        elif r.allowed is not None:
            allowed = self._opt(r.allowed, ctx)
        message: list[str | Node] = []
        if r.message is not None:
            for part in r.message.parts:
                if isinstance(part, str):
                    message.append(part)
                else:
                    n = self._opt(part, ctx)
                    if n is None:
                        ok = False
                    else:
                        message.append(n)
        for o in r.overrides:
            if o.value not in self.rules_ast:
                self.err("E105", f"`overrides {o.value}`: no such rule", o.span, _suggest(o.value, self.rules_ast))
                ok = False
            elif o.value == r.id:
                self.err("E105", "a rule cannot override itself", o.span)
                ok = False
        facts = []
        for f in r.facts:
            if f.value in ctx.lets:
                facts.append(f.value)
            elif f.value in self.defines:
                if not self._visible(f.value, ctx):
                    self.err("E101", f"fact `{f.value}` is defined in {self.defines[f.value][1]}, which this file does not import",
                             f.span, f'add: import "{self.defines[f.value][1]}"')
                    ok = False
                    continue
                fd = self.facts.get(f.value)
                if fd and fd.scope == "offence" and r.scope != "offence":
                    self.err("E109", f"offence-level fact `{f.value}` in a {r.scope}-level rule", f.span)
                    ok = False
                    continue
                ctx.deps_facts.add(f.value)
                facts.append(f.value)
            else:
                self.err("E101", f"`facts {f.value}`: unknown fact", f.span,
                         _suggest(f.value, list(self.defines) + list(ctx.lets)))
                ok = False
        if r.severity is not None and r.severity not in SEVERITIES:
            self.err("E001", f"unknown severity {r.severity}", r.span, "high, medium or low")
        if not ok or viol is None:
            return None
        if not facts:  # default: the facts and lets the rule reads, in first-use order
            facts = [n for n in ctx.lets] + sorted(ctx.deps_facts - set(ctx.lets))
            facts = [f for f in facts if f in ctx.lets or self.facts[f].scope == r.scope or self.facts[f].scope != "offence"]
        in_force = (r.in_force.start, r.in_force.until, r.in_force.basis) if r.in_force else None
        if r.severity == "high":
            self._lint_unverified(r, ctx)
        return RuleDef(
            id=r.id, scope=r.scope, title=r.title or "", severity=r.severity or "medium",
            static_cites=static_cites, dynamic_cites=dyn, cite_order=order, in_force=in_force,
            tags=[t.value for t in r.tags], lets=lets, whens=whens, unlesses=unlesses,  # type: ignore[arg-type]
            overrides=[o.value for o in r.overrides], violation=viol, actual=actual, allowed=allowed,
            message=message, facts=facts, file=path, span=r.span,
            deps_facts=set(ctx.deps_facts), deps_rules=set(ctx.deps_rules),
        )

    def _law_params(self, ctx: _Ctx) -> set[str]:
        """Law parameters a rule reads, directly or through its facts."""
        seen, stack, law = set(), list(ctx.deps_facts), set(ctx.deps_law)
        while stack:
            f = stack.pop()
            if f in seen or f not in self.facts:
                continue
            seen.add(f)
            law |= self._fact_law.get(f, set())
            stack.extend(self.facts[f].deps_facts)
        return law

    def _lint_unverified(self, r: A.Rule, ctx: _Ctx) -> None:
        editions = getattr(self.catalogue, "param_editions", None)
        if editions is None:
            return
        unverified = sorted(p for p in self._law_params(ctx) if editions(p) and not any(e.verified for e in editions(p)))
        if unverified:
            self.diags.append(Diagnostic(
                "W102", f"rule {r.id} is `severity high` but rests on law not verified in the Code's text: "
                        + ", ".join(f"law.{p}" for p in unverified), r.span,
                hint="verify the parameter (docs/law.md), or lower the severity to medium and say «(не проверено)» in the title"))

    def _opt(self, e: A.Expr | None, ctx: _Ctx) -> Node | None:
        if e is None:
            return None
        try:
            n = self.expr(e, ctx)
            self.finish(n, ctx)
            return n
        except _Fail:
            return None

    def _clause(self, kind: str, e: A.Expr, ctx: _Ctx) -> Clause | None:
        try:
            n = self.expr(e, ctx)
            n = self.coerce(n, BOOL, e.span, f"`{kind}` needs a condition (true/false)")
            self.finish(n, ctx)
        except _Fail:
            return None
        return Clause(kind, n, print_expr(e), _leaves(n))

    # ---- pending enum values
    def finish(self, n: Node, ctx: _Ctx) -> None:
        """Every bare name left unresolved after its context is an unknown name."""
        stack = [n]
        while stack:
            x = stack.pop()
            unique = _unique_enum([a.data for a in x.args] if x.op == "set" else [x.data]) \
                if (x.op == "enum" and isinstance(x.type, PendingT)) or \
                   (x.op == "set" and isinstance(x.type, SetT) and isinstance(x.type.elem, PendingT)) else None
            if unique is not None:
                self.resolve_enum(x, unique)
                continue
            if isinstance(x.type, PendingT) and x.op == "enum":
                self.err("E101", f"unknown name `{x.data}`", x.span, _suggest(x.data, self._names_in(ctx) + _all_enum_values()))
                x.type = ANY
            elif isinstance(x.type, SetT) and isinstance(x.type.elem, PendingT):
                x.type = SetT("set", ANY)
            stack.extend(x.args)

    def _names_in(self, ctx: _Ctx) -> list[str]:
        names = list(S.ROOTS) + ["law"] + list(S.SCOPE_ROOTS[ctx.scope]) + list(ctx.lets) + list(ctx.vars)
        names += [n for n, (d, _) in self.defines.items() if d.scope != "offence" or ctx.scope == "offence"]
        return names

    def resolve_enum(self, n: Node, t: EnumT) -> Node:
        if n.op == "enum" and isinstance(n.type, PendingT):
            try:
                n.data = t.enum[n.data]
                n.type = t
                n.op = "lit"
            except KeyError:
                self.fail("E112", f"`{n.data}` is not a value of {t}", n.span,
                          _suggest(n.data, [m.name for m in t.enum]) or "values: " + ", ".join(m.name for m in t.enum))
        elif n.op == "set" and isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT):
            for a in n.args:
                self.resolve_enum(a, t)
            n.type = SetT("set", t)
        return n

    def coerce(self, n: Node, want: T, span: Span, what: str) -> Node:
        if want == ANY or n.type == ANY:
            return n
        if isinstance(want, EnumT) and (isinstance(n.type, PendingT) or (isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT))):
            return self.resolve_enum(n, want)
        if isinstance(want, SetT) and isinstance(want.elem, EnumT) and isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT):
            return self.resolve_enum(n, want.elem)
        if n.type == want or (want == NUM and n.type == INT) or (isinstance(want, QtyT) and qty_compatible(n.type, want)):
            return n
        self.fail("E102", f"{what}: got {n.type}", span)

    # ---- expressions
    def expr(self, e: A.Expr, ctx: _Ctx) -> Node:
        m = getattr(self, "_x_" + type(e).__name__)
        return m(e, ctx)

    def _x_Literal(self, e: A.Literal, ctx: _Ctx) -> Node:
        v = e.value
        if e.unit == "term":
            y, mo, d = v  # type: ignore[misc]
            return Node("lit", TERM, e.span, data=Term(y, mo, d))
        if e.unit == "mrp":
            return Node("lit", MRP, e.span, data=Quantity(v, "mrp"))
        if e.unit == "hours":
            return Node("lit", HOURS, e.span, data=Quantity(v, "hours"))
        if isinstance(v, bool):
            return Node("lit", BOOL, e.span, data=v)
        if isinstance(v, int):
            return Node("lit", INT, e.span, data=v)
        if isinstance(v, Fraction):
            return Node("lit", NUM, e.span, data=v)
        if isinstance(v, str):
            return Node("lit", STR, e.span, data=v)
        if isinstance(v, dt.date):
            return Node("lit", DATE, e.span, data=v)
        self.fail("E006", f"unsupported literal {v!r}", e.span)

    def _x_Name(self, e: A.Name, ctx: _Ctx) -> Node:
        name = e.name
        if name.startswith("_"):
            self.fail("E108", f"`{name}` is not allowed: names starting with `_` are reserved", e.span,
                      "rules can only read the verdict record, the law catalogue and their own facts")
        if name in ctx.vars:
            return Node("var", ctx.vars[name], e.span, data=name, text=name)
        if name in ctx.lets:
            return Node("let", ctx.lets[name].expr.type, e.span, data=name, text=name)
        sr = S.SCOPE_ROOTS[ctx.scope]
        if name in sr:
            return Node("root", sr[name][0], e.span, data=name, text=name)
        if name in S.ROOTS:
            return Node("root", S.ROOTS[name][0], e.span, data=name, text=name)
        if name in ("offence", "sentence"):
            self.fail("E109", f"`{name}` is only available in a rule or fact `for offence`", e.span,
                      f"write `for offence` after the name, or iterate: any o in offences: …")
        if name == "law":
            return Node("law", LawT("law", ""), e.span, data="", text="law")
        if name in self.defines:
            d, path = self.defines[name]
            if not self._visible(name, ctx):
                self.fail("E101", f"fact `{name}` is defined in {path}, which this file does not import", e.span,
                          f'add: import "{path}"')
            if d.scope == "offence" and ctx.scope != "offence":
                self.fail("E109", f"`{name}` is a fact for each offence; here there is no single offence", e.span,
                          f"read it per offence: any o in offences: o.{name} …")
            ctx.deps_facts.add(name)
            return Node("fact", self._fact_type(name, ctx), e.span, data=name, text=name)
        if name in FUNCTIONS:
            self.fail("E102", f"`{name}` is a function: call it as {name}(…)", e.span)
        # maybe an enum value: decided by its context
        return Node("enum", PENDING, e.span, data=name, text=name)

    def _x_Member(self, e: A.Member, ctx: _Ctx) -> Node:
        if e.name.startswith("_"):
            self.fail("E108", f"`.{e.name}` is not allowed: names starting with `_` are reserved", e.span,
                      "rules can only read the fields listed in docs/dsl.md")
        if isinstance(e.obj, A.Name) and e.obj.name in S.ENUM_TYPES and e.obj.name not in self.defines:
            et = S.ENUM_TYPES[e.obj.name]  # a qualified enum value: Regime.medium
            if e.name not in et.enum.__members__:
                self.fail("E112", f"`{e.name}` is not a value of {et}", e.span, _suggest(e.name, list(et.enum.__members__)))
            return Node("lit", et, e.span, data=et.enum[e.name], text=f"{e.obj.name}.{e.name}")
        obj = self.expr(e.obj, ctx)
        t = obj.type
        text = f"{obj.text}.{e.name}" if obj.text else e.name
        if t == ANY:
            return Node("lit", ANY, e.span, data=None)
        if isinstance(t, LawT):
            path = f"{t.path}.{e.name}" if t.path else e.name
            if path in self._param_set:
                spec = self.catalogue.param_spec(path)
                ctx.deps_law.add(path)
                return Node("law", param_type(spec.type), e.span, data=path, text=f"law.{path}")
            if any(p.startswith(path + ".") for p in self._param_names):
                return Node("law", LawT("law", path), e.span, data=path, text=f"law.{path}")
            self.fail("E106", f"no law parameter `law.{path}`", e.span,
                      _suggest(path, self._param_names) or "see rules/law/ for the parameter names")
        if isinstance(t, RecT):
            members = S.MEMBERS.get(t.name, {})
            if e.name in members:
                return Node("member", members[e.name].type, e.span, (obj,), data=(t.name, e.name), text=text)
            if t == S.OFFENCE and e.name in self.defines and self.defines[e.name][0].scope == "offence":
                if not self._visible(e.name, ctx):
                    self.fail("E101", f"fact `{e.name}` is defined in {self.defines[e.name][1]}, which this file does not import",
                              e.span, f'add: import "{self.defines[e.name][1]}"')
                ctx.deps_facts.add(e.name)
                return Node("ofact", self._fact_type(e.name, ctx), e.span, (obj,), data=e.name, text=text)
            extra = [n for n, (d, _) in self.defines.items() if d.scope == "offence"] if t == S.OFFENCE else []
            if e.name in S.METHODS.get(t.name, {}):
                self.fail("E102", f"`{e.name}` of {t} is a method: call it as .{e.name}(…)", e.span)
            self.fail("E107", f"{t} has no field `{e.name}`", e.span,
                      _suggest(e.name, S.member_names(t.name) + extra) or f"fields: {', '.join(S.member_names(t.name))}")
        self.fail("E107", f"a {t} has no fields (`.{e.name}`)", e.span)

    def _x_Method(self, e: A.Method, ctx: _Ctx) -> Node:
        if e.name.startswith("_"):
            self.fail("E108", f"`.{e.name}` is not allowed", e.span)
        obj = self.expr(e.obj, ctx)
        t = obj.type
        if t == ANY:
            return Node("lit", ANY, e.span)
        methods = S.METHODS.get(t.name, {}) if isinstance(t, RecT) else {}
        if e.name not in methods:
            self.fail("E107", f"{t} has no method `{e.name}`", e.span,
                      _suggest(e.name, list(methods)) or (f"methods: {', '.join(methods)}" if methods else None))
        spec = methods[e.name]
        if len(e.args) != len(spec.params):
            self.fail("E111", f".{e.name}() takes {len(spec.params)} argument(s), got {len(e.args)}", e.span)
        args = [self.coerce(self.expr(a, ctx), p, a.span, f"argument of .{e.name}() must be {p}") for a, p in zip(e.args, spec.params)]
        text = f"{obj.text}.{e.name}({', '.join(a.text or '…' for a in args)})"
        return Node("method", spec.result, e.span, (obj, *args), data=(t.name, e.name), text=text)

    def _x_Index(self, e: A.Index, ctx: _Ctx) -> Node:
        obj = self.expr(e.obj, ctx)
        key = self.expr(e.key, ctx)
        if obj.type == ANY:
            return Node("lit", ANY, e.span)
        if not isinstance(obj.type, MapT):
            self.fail("E102", f"only a table from the law catalogue can be indexed with […], not {obj.type}", e.span)
        if isinstance(key.type, PendingT):
            # a bare key: a category code or a table key written as a name
            key = Node("lit", STR, key.span, data=key.data, text=key.data)
        if key.type != STR and not isinstance(key.type, EnumT) and not is_num(key.type) and key.type != ANY:
            self.fail("E102", f"a table key must be a text or a code, not {key.type}", e.key.span)
        return Node("index", obj.type.value, e.span, (obj, key), text=f"{obj.text}[{key.text}]")

    def _x_Call(self, e: A.Call, ctx: _Ctx) -> Node:
        f = e.func
        if f.startswith("_"):
            self.fail("E108", f"`{f}` is not allowed: rules cannot call Python", e.span,
                      "available functions: " + ", ".join(FUNCTIONS))
        if f not in FUNCTIONS:
            self.fail("E110", f"unknown function `{f}`", e.span,
                      _suggest(f, FUNCTIONS) or "available functions: " + ", ".join(FUNCTIONS))
        args = [self.expr(a, ctx) for a in e.args]
        text = f"{f}({', '.join(a.text or '…' for a in args)})"
        if f in ("min", "max", "sum"):
            if not args:
                self.fail("E111", f"{f}() needs at least one argument", e.span)
            t = args[0].type
            for a in args[1:]:
                j = join(t, a.type)
                if j is None:
                    self.fail("E102", f"{f}() of {t} and {a.type}", a.span)
                t = j
            if f == "sum" and not (is_num(t) or is_qty(t) or t == ANY):
                self.fail("E102", f"sum() adds numbers or amounts, not {t}", e.span)
            if f != "sum" and not comparable(t, t):
                self.fail("E102", f"{f}() compares numbers, amounts, terms or dates, not {t}", e.span)
            return Node("call", t, e.span, tuple(args), data=f, text=text)
        if f == "count":
            if len(args) != 1:
                self.fail("E111", "count() takes one list", e.span, "or: count x in list: condition")
            if not isinstance(args[0].type, (ListT, SetT)) and args[0].type != ANY:
                self.fail("E102", f"count() of {args[0].type}", e.span)
            return Node("call", INT, e.span, tuple(args), data=f, text=text)
        if f in ("age", "years_between"):
            if len(args) != 2:
                self.fail("E111", f"{f}() takes two dates", e.span)
            for a in args:
                self.coerce(a, DATE, a.span, f"{f}() takes dates")
            return Node("call", INT, e.span, tuple(args), data=f, text=text)
        if f == "same_unit":
            if len(args) != 2:
                self.fail("E111", "same_unit(a, b) takes two amounts", e.span)
            for a in args:
                if not (is_qty(a.type) or a.type == ANY):
                    self.fail("E102", f"same_unit() takes amounts, not {a.type}", a.span)
            return Node("call", BOOL, e.span, tuple(args), data=f, text=text)
        if f == "default":
            if len(args) != 2:
                self.fail("E111", "default(value, fallback) takes two arguments", e.span)
            a, b = args
            if isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
                self.resolve_enum(b, a.type)
            t = join(a.type, b.type)
            if t is None:
                self.fail("E102", f"default() of {a.type} and {b.type}", e.span)
            return Node("call", t, e.span, (a, b), data=f, text=text)
        raise AssertionError(f)

    def _x_Fired(self, e: A.Fired, ctx: _Ctx) -> Node:
        if e.rule not in self.rules_ast:
            self.fail("E105", f"fired({e.rule}): no such rule", e.span, _suggest(e.rule, self.rules_ast))
        if e.rule == ctx.owner:
            self.fail("E201", f"rule {e.rule} depends on its own outcome", e.span)
        ctx.deps_rules.add(e.rule)
        return Node("fired", BOOL, e.span, data=e.rule, text=f"fired({e.rule})")

    def _x_Quant(self, e: A.Quant, ctx: _Ctx) -> Node:
        it = self.expr(e.iterable, ctx)
        if it.type == ANY:
            elem: T = ANY
        elif isinstance(it.type, (ListT, SetT)):
            elem = it.type.elem
        else:
            self.fail("E102", f"`{e.kind} {e.var} in …` needs a list or set, got {it.type}", e.iterable.span)
        if e.var in ctx.vars or e.var in ctx.lets or e.var in self.defines or e.var in S.ROOTS:
            self.fail("E104", f"`{e.var}` hides another name", e.span, "choose another variable name")
        ctx.vars[e.var] = elem
        try:
            body = self.expr(e.body, ctx)
        finally:
            del ctx.vars[e.var]
        text = f"{e.kind} {e.var} in {it.text}"
        if e.kind in ("any", "all"):
            body = self.coerce(body, BOOL, e.body.span, f"`{e.kind}` needs a condition")
            return Node("quant", BOOL, e.span, (it, body), data=(e.kind, e.var), text=text)
        if e.kind == "count":
            body = self.coerce(body, BOOL, e.body.span, "`count` needs a condition")
            return Node("quant", INT, e.span, (it, body), data=(e.kind, e.var), text=text)
        t = body.type
        if e.kind == "sum" and not (is_num(t) or is_qty(t) or t == ANY):
            self.fail("E102", f"`sum` adds numbers or amounts, not {t}", e.body.span)
        if e.kind in ("max", "min") and not comparable(t, t):
            self.fail("E102", f"`{e.kind}` compares numbers, amounts, terms or dates, not {t}", e.body.span)
        return Node("quant", t, e.span, (it, body), data=(e.kind, e.var), text=text)

    def _x_SetLit(self, e: A.SetLit, ctx: _Ctx) -> Node:
        items = [self.expr(a, ctx) for a in e.items]
        if not items:
            return Node("set", SetT("set", ANY), e.span, (), text="{}")
        if all(isinstance(i.type, PendingT) for i in items):
            return Node("set", SetT("set", PENDING), e.span, tuple(items), text="{…}")
        t = items[0].type
        for i in items:
            if isinstance(i.type, PendingT) and isinstance(t, EnumT):
                self.resolve_enum(i, t)
            elif isinstance(t, PendingT) and isinstance(i.type, EnumT):
                t = i.type
        for i in items:
            if isinstance(i.type, PendingT) and isinstance(t, EnumT):
                self.resolve_enum(i, t)
            j = join(t, i.type)
            if j is None:
                self.fail("E102", f"a set holds values of one type: {t} and {i.type}", i.span)
            t = j
        return Node("set", SetT("set", t), e.span, tuple(items), text="{…}")

    def _x_Unary(self, e: A.Unary, ctx: _Ctx) -> Node:
        a = self.expr(e.operand, ctx)
        if e.op == "not":
            a = self.coerce(a, BOOL, e.span, "`not` needs a condition")
            return Node("not", BOOL, e.span, (a,), text=f"not {a.text}")
        if not (is_num(a.type) or a.type == ANY):
            self.fail("E102", f"cannot negate {a.type}", e.span)
        return Node("neg", a.type, e.span, (a,))

    def _x_Presence(self, e: A.Presence, ctx: _Ctx) -> Node:
        a = self.expr(e.operand, ctx)
        if isinstance(a.type, PendingT):
            self.fail("E101", f"unknown name `{a.data}`", a.span, _suggest(a.data, self._names_in(ctx)))
        return Node("present" if e.present else "missing", BOOL, e.span, (a,), text=f"{a.text} is {'present' if e.present else 'missing'}")

    def _x_If(self, e: A.If, ctx: _Ctx) -> Node:
        c = self.coerce(self.expr(e.cond, ctx), BOOL, e.cond.span, "`if` needs a condition")
        a = self.expr(e.then, ctx)
        b = self.expr(e.other, ctx)
        if isinstance(a.type, PendingT) and isinstance(b.type, EnumT):
            self.resolve_enum(a, b.type)
        if isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
            self.resolve_enum(b, a.type)
        t = join(a.type, b.type)
        if t is None:
            self.fail("E102", f"`if` branches differ: {a.type} and {b.type}", e.span)
        return Node("if", t, e.span, (c, a, b))

    def _x_Binary(self, e: A.Binary, ctx: _Ctx) -> Node:
        op = e.op
        try:
            a = self.expr(e.left, ctx)
        except _Fail:
            if op in ("and", "or"):  # still report the other side's problems
                self.expr(e.right, ctx)
            raise
        b = self.expr(e.right, ctx)
        if op in ("and", "or"):
            a = self.coerce(a, BOOL, e.left.span, f"`{op}` joins conditions")
            b = self.coerce(b, BOOL, e.right.span, f"`{op}` joins conditions")
            return Node(op, BOOL, e.span, (a, b))
        if op in ("=", "!="):
            if isinstance(a.type, PendingT) and isinstance(b.type, EnumT):
                self.resolve_enum(a, b.type)
            elif isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
                self.resolve_enum(b, a.type)
            if isinstance(a.type, PendingT) or isinstance(b.type, PendingT):
                p = a if isinstance(a.type, PendingT) else b
                self.fail("E101", f"unknown name `{p.data}`", p.span, _suggest(p.data, self._names_in(ctx) + _all_enum_values()))
            if join(a.type, b.type) is None:
                self.fail("E102", f"cannot compare {a.type} with {b.type}", e.span, _cmp_hint(a.type, b.type))
            return Node("eq" if op == "=" else "ne", BOOL, e.span, (a, b))
        for x, y in ((a, b), (b, a)):
            if isinstance(x.type, PendingT) and not isinstance(y.type, (EnumT, PendingT)) and \
                    not (op in ("in", "not in") and x is a and isinstance(y.type, SetT) and isinstance(y.type.elem, PendingT)):
                if op not in ("in", "not in") or x is a:
                    self.fail("E101", f"unknown name `{x.data}`", x.span,
                              _suggest(x.data, self._names_in(ctx) + _all_enum_values()))
        if op in ("<", "<=", ">", ">="):
            for x, y in ((a, b), (b, a)):
                if isinstance(x.type, PendingT) and isinstance(y.type, EnumT):
                    self.resolve_enum(x, y.type)
            if not comparable(a.type, b.type):
                self.fail("E102", f"cannot compare {a.type} with {b.type}", e.span, _cmp_hint(a.type, b.type))
            return Node("cmp", BOOL, e.span, (a, b), data=op)
        if op in ("in", "not in"):
            if isinstance(b.type, SetT) and isinstance(b.type.elem, PendingT):
                if isinstance(a.type, EnumT):
                    self.resolve_enum(b, a.type)
                else:
                    bad = b.args[0]
                    self.fail("E101", f"unknown name `{bad.data}`", bad.span, _suggest(bad.data, self._names_in(ctx)))
            if b.type != ANY and not isinstance(b.type, (SetT, ListT)):
                self.fail("E102", f"`{op}` needs a set or list on the right, got {b.type}", e.right.span)
            elem = b.type.elem if isinstance(b.type, (SetT, ListT)) else ANY
            if isinstance(a.type, PendingT) and isinstance(elem, EnumT):
                self.resolve_enum(a, elem)
            as_text = False
            if elem == STR and (isinstance(a.type, EnumT) or is_num(a.type)):
                as_text = True  # a code or number against a catalogue list of text codes
            elif join(a.type, elem) is None:
                self.fail("E102", f"a {a.type} cannot be in a set of {elem}", e.span)
            return Node("in" if op == "in" else "notin", BOOL, e.span, (a, b), data="text" if as_text else None)
        # arithmetic
        ta, tb = a.type, b.type
        if ANY in (ta, tb):
            return Node("arith", ANY, e.span, (a, b), data=op)
        if op == "of":
            if not is_num(ta):
                self.fail("E102", f"`of` takes a fraction on the left (e.g. 3/4 of …), got {ta}", e.left.span)
            if not (is_num(tb) or is_qty(tb)):
                self.fail("E102", f"`of` takes a number or an amount on the right, got {tb}", e.right.span)
            return Node("arith", tb, e.span, (a, b), data="of")
        if op in ("+", "-"):
            if is_num(ta) and is_num(tb):
                return Node("arith", INT if ta == tb == INT else NUM, e.span, (a, b), data=op)
            if qty_compatible(ta, tb):
                return Node("arith", join(ta, tb), e.span, (a, b), data=op)  # type: ignore[arg-type]
            if ta == DATE and tb == TERM:
                return Node("arith", DATE, e.span, (a, b), data="date" + op)
            self.fail("E102", f"cannot {'add' if op == '+' else 'subtract'} {tb} {'to' if op == '+' else 'from'} {ta}", e.span,
                      _cmp_hint(ta, tb))
        if op == "*":
            if is_num(ta) and is_num(tb):
                return Node("arith", INT if ta == tb == INT else NUM, e.span, (a, b), data=op)
            if is_num(ta) and is_qty(tb):
                return Node("arith", tb, e.span, (b, a), data="scale")
            if is_qty(ta) and is_num(tb):
                return Node("arith", ta, e.span, (a, b), data="scale")
            self.fail("E102", f"cannot multiply {ta} by {tb}", e.span)
        if op == "/":
            if is_num(ta) and is_num(tb):
                return Node("arith", NUM, e.span, (a, b), data="/")
            if qty_compatible(ta, tb):
                return Node("arith", NUM, e.span, (a, b), data="ratio")
            if is_qty(ta) and is_num(tb):
                return Node("arith", ta, e.span, (a, b), data="qdiv")
            self.fail("E102", f"cannot divide {ta} by {tb}", e.span)
        raise AssertionError(op)


def _cmp_hint(a: T, b: T) -> str | None:
    if DATE in (a, b) and (a == TERM or b == TERM):
        return "a date and a term are different things: compare dates with dates, or add the term to a date (date + term)"
    if isinstance(a, QtyT) and isinstance(b, QtyT):
        return "amounts of different units never compare (a term with МРП, hours with days)"
    return None


def _unique_enum(names: list[str]) -> EnumT | None:
    """The one enum that has all these values, if exactly one does (`{minimum, medium}` → Regime)."""
    hits = [t for t in S.ENUM_TYPES.values() if all(n in t.enum.__members__ for n in names)]
    return hits[0] if len(hits) == 1 else None


def _all_enum_values() -> list[str]:
    return sorted({m.name for e in ENUMS.values() for m in e})


def _names_used(e: A.Expr, defines: dict) -> list[str]:
    """Names of facts an expression mentions (before any resolution; walked without recursion)."""
    import dataclasses

    out: list[str] = []
    stack: list = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, (A.Name, A.Member)) and x.name in defines:
            out.append(x.name)
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                v = getattr(x, f.name)
                if isinstance(v, A.Expr):
                    stack.append(v)
                elif isinstance(v, tuple):
                    stack.extend(y for y in v if isinstance(y, A.Expr))
    return list(dict.fromkeys(out))


def _leaves(n: Node) -> list[tuple[str, Node]]:
    """The values that explain a clause: each fact, let, law parameter and field path it reads."""
    out: list[tuple[str, Node]] = []
    seen: set[str] = set()

    def walk(x: Node, in_quant: frozenset[str]) -> None:
        if x.op in ("fact", "let", "law", "member", "ofact", "method", "root") and x.text and not isinstance(x.type, LawT):
            if x.op == "root" and isinstance(x.type, RecT):
                return
            base = x.text.split(".")[0].split("(")[0]
            if base in in_quant:
                return
            if x.text not in seen and not isinstance(x.type, (RecT, ListT)):
                seen.add(x.text)
                out.append((x.text, x))
            if x.op in ("member", "method", "ofact"):
                return
        if x.op == "quant":
            walk(x.args[0], in_quant)
            walk(x.args[1], in_quant | {x.data[1]})
            return
        for a in x.args:
            walk(a, in_quant)

    walk(n, frozenset())
    return out[:10]


__all__ = ["Checker", "param_type", "FUNCTIONS", "Category"]
