"""Typing: every operator of the rule language, surface expression → typed IR node.

Why static types at `legality check` time: comparing a term with a date, or МРП with hours, is a rule
author's mistake that must be reported with a location, not met on a record at 3 a.m.  Errors do
not cascade: a failed sub-expression ends its expression (`Fail`), and a fact that failed has type
ANY, which every operator accepts silently.  Bare names go to `names.py`, and a name whose enum
its context decides is typed by `infer.py`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable

from ..i18n import _
from ..model.bitext import BiText
from ..model.values import Quantity, Term
from ..syntax import ast as A
from . import schema as S
from .errors import Fail, Reporter, suggest, unknown_hint
from .infer import all_enum_values, finish, resolve_enum
from .ir import Node, Op
from .names import FUNCTIONS, PENDING, Ctx, Names
from .types import (
    ANY, BOOL, DATE, DAYS, HOURS, INT, MRP, NUM, STR, TERM, EnumT, LawT, ListT, MapT, PendingT, QtyT, RecT, SetT, T,
    comparable, is_num, is_qty, join, qty_compatible, shown,
)

if TYPE_CHECKING:
    from ..diagnostics import Span

PARAM_TYPES: dict[str, T] = {
    "int": INT, "fraction": NUM, "number": NUM, "term": TERM, "mrp": MRP, "hours": HOURS, "days": DAYS,
    "date": DATE, "bool": BOOL, "set": SetT("set", STR), "text": STR,
}
_COMPARE = ("<", "<=", ">", ">=")


def param_type(spec_type: str) -> T:
    if spec_type.startswith("map:"):
        return MapT("map", param_type(spec_type[4:]))
    if spec_type.startswith("set"):
        return SetT("set", STR)
    return PARAM_TYPES.get(spec_type, ANY)


class Typer:
    """Types expressions of one rule set; `fact_type` types a fact on demand (facts may come in any order)."""

    def __init__(self, names: Names, catalogue: Any, rep: Reporter, fact_type: Callable[[str], T]):
        self.names = names
        self.catalogue = catalogue
        self.rep = rep
        self.fact_type = fact_type
        self._param_names: list[str] = list(catalogue.param_names()) if catalogue is not None else []
        self._param_set = set(self._param_names)

    def coerce(self, n: Node, want: T, span: Span, what: str) -> Node:
        if want == ANY or n.type == ANY:
            return n
        if isinstance(want, EnumT) and (isinstance(n.type, PendingT) or (isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT))):
            return resolve_enum(n, want, self.rep)
        if isinstance(want, SetT) and isinstance(want.elem, EnumT) and isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT):
            return resolve_enum(n, want.elem, self.rep)
        if n.type == want or (want == NUM and n.type == INT) or (isinstance(want, QtyT) and qty_compatible(n.type, want)):
            return n
        slip = unknown_hint(n.data, []) if n.op is Op.ENUM else None  # `True` for `true`
        self.rep.fail("E102", _("{what}: got {type}").format(what=what, type=shown(n.type)), span, slip)

    def closed(self, e: A.Expr, ctx: Ctx, want: T | None = None, what: str = "") -> Node:
        """A whole expression (a fact, a clause, a cite…): typed, coerced to `want`, pending names decided."""
        n = self.expr(e, ctx)
        if want is not None:
            n = self.coerce(n, want, e.span, what)
        return finish(n, self.rep, lambda: self.names.names_in(ctx))

    def expr(self, e: A.Expr, ctx: Ctx) -> Node:
        m: Callable[[Any, Ctx], Node] = getattr(self, "_x_" + type(e).__name__)
        return m(e, ctx)

    def _unknown(self, n: Node, ctx: Ctx, with_enums: bool = True) -> str | None:
        """The did-you-mean of a bare name that nothing here explains."""
        return unknown_hint(n.data, self.names.names_in(ctx) + (all_enum_values() if with_enums else []))

    def _x_Name(self, e: A.Name, ctx: Ctx) -> Node:
        return self.names.lookup(e, ctx, self.fact_type)

    def _x_Literal(self, e: A.Literal, ctx: Ctx) -> Node:
        v: Any = e.value
        if e.unit == "term":
            y, mo, d = v
            return Node(Op.LIT, TERM, e.span, data=Term(y, mo, d))
        if e.unit == "mrp":
            return Node(Op.LIT, MRP, e.span, data=Quantity(v, "mrp"))
        if e.unit == "hours":
            return Node(Op.LIT, HOURS, e.span, data=Quantity(v, "hours"))
        if isinstance(v, bool):
            return Node(Op.LIT, BOOL, e.span, data=v)
        if isinstance(v, int):
            return Node(Op.LIT, INT, e.span, data=v)
        if isinstance(v, Fraction):
            return Node(Op.LIT, NUM, e.span, data=v)
        if isinstance(v, str):  # `"…" kk "…"`: a text in both languages, equal to its Russian text
            return Node(Op.LIT, STR, e.span, data=BiText(v, e.kk) if e.kk is not None else v)
        if isinstance(v, dt.date):
            return Node(Op.LIT, DATE, e.span, data=v)
        self.rep.fail("E006", _("unsupported literal {literal}").format(literal=repr(v)), e.span)

    def _x_Member(self, e: A.Member, ctx: Ctx) -> Node:
        fail = self.rep.fail
        if e.name.startswith("_"):
            fail("E108", _("`.{name}` is not allowed: names starting with `_` are reserved").format(name=e.name), e.span,
                 _("rules can only read the fields listed in docs/dsl.md"))
        if isinstance(e.obj, A.Name) and e.obj.name in S.ENUM_TYPES and e.obj.name not in self.names.defines:
            et = S.ENUM_TYPES[e.obj.name]  # a qualified enum value: Regime.medium
            if e.name not in et.enum.__members__:
                fail("E112", _("`{name}` is not a value of {enum}").format(name=e.name, enum=et), e.span,
                     suggest(e.name, list(et.enum.__members__)))
            return Node(Op.LIT, et, e.span, data=et.enum[e.name], text=f"{e.obj.name}.{e.name}")
        obj = self.expr(e.obj, ctx)
        t = obj.type
        text = f"{obj.text}.{e.name}" if obj.text else e.name
        if t == ANY:
            return Node(Op.LIT, ANY, e.span, data=None)
        if isinstance(t, LawT):
            path = f"{t.path}.{e.name}" if t.path else e.name
            if path in self._param_set:
                spec = self.catalogue.param_spec(path)
                ctx.deps_law.add(path)
                return Node(Op.LAW, param_type(spec.type), e.span, data=path, text=f"law.{path}")
            if any(p.startswith(path + ".") for p in self._param_names):
                return Node(Op.LAW, LawT("law", path), e.span, data=path, text=f"law.{path}")
            fail("E106", _("no law parameter `law.{path}`").format(path=path), e.span,
                 suggest(path, self._param_names) or _("see rules/law/ for the parameter names"))
        if isinstance(t, RecT):
            members = S.MEMBERS.get(t.name, {})
            if e.name in members:
                return Node(Op.MEMBER, members[e.name].type, e.span, (obj,), data=(t.name, e.name), text=text)
            defines = self.names.defines
            if t == S.OFFENCE and e.name in defines and defines[e.name][0].scope == "offence":
                self.names.require_visible(e.name, e.span, ctx)
                ctx.deps_facts.add(e.name)
                return Node(Op.OFACT, self.fact_type(e.name), e.span, (obj,), data=e.name, text=text)
            extra = self.names.offence_facts() if t == S.OFFENCE else []
            if e.name in S.METHODS.get(t.name, {}):
                fail("E102", _("`{name}` of {record} is a method: call it as .{name}(…)").format(name=e.name, record=t),
                     e.span)
            fail("E107", _("{record} has no field `{name}`").format(record=t, name=e.name), e.span,
                 suggest(e.name, S.member_names(t.name) + extra)
                 or _("fields: {fields}").format(fields=", ".join(S.member_names(t.name))))
        fail("E107", _("a value of type {type} has no fields (`.{name}`)").format(type=shown(t), name=e.name), e.span)

    def _x_Method(self, e: A.Method, ctx: Ctx) -> Node:
        if e.name.startswith("_"):
            self.rep.fail("E108", _("`.{name}` is not allowed").format(name=e.name), e.span)
        obj = self.expr(e.obj, ctx)
        t = obj.type
        if t == ANY:
            return Node(Op.LIT, ANY, e.span)
        methods = S.METHODS.get(t.name, {}) if isinstance(t, RecT) else {}
        if e.name not in methods:
            self.rep.fail("E107", _("{record} has no method `{name}`").format(record=shown(t), name=e.name), e.span,
                          suggest(e.name, list(methods))
                          or (_("methods: {methods}").format(methods=", ".join(methods)) if methods else None))
        spec = methods[e.name]
        if len(e.args) != len(spec.params):
            self.rep.fail("E111", _(".{name}() takes {n} argument(s), got {got}").format(
                name=e.name, n=len(spec.params), got=len(e.args)), e.span)
        args = [self.coerce(self.expr(a, ctx), p, a.span,
                            _("argument of .{name}() must be: {type}").format(name=e.name, type=shown(p)))
                for a, p in zip(e.args, spec.params)]
        text = f"{obj.text}.{e.name}({', '.join(a.text or '…' for a in args)})"
        return Node(Op.METHOD, spec.result, e.span, (obj, *args), data=(t.name, e.name), text=text)

    def _x_Index(self, e: A.Index, ctx: Ctx) -> Node:
        obj = self.expr(e.obj, ctx)
        key = self.expr(e.key, ctx)
        if obj.type == ANY:
            return Node(Op.LIT, ANY, e.span)
        if not isinstance(obj.type, MapT):
            self.rep.fail("E102", _("only a table from the law catalogue can be indexed with […], not: {type}").format(
                type=shown(obj.type)), e.span)
        if isinstance(key.type, PendingT):
            # a bare key: a category code or a table key written as a name
            key = Node(Op.LIT, STR, key.span, data=key.data, text=key.data)
        if key.type != STR and not isinstance(key.type, EnumT) and not is_num(key.type) and key.type != ANY:
            self.rep.fail("E102", _("a table key must be a text or a code, not: {type}").format(type=shown(key.type)),
                          e.key.span)
        return Node(Op.INDEX, obj.type.value, e.span, (obj, key), text=f"{obj.text}[{key.text}]")

    def _x_Call(self, e: A.Call, ctx: Ctx) -> Node:
        fail = self.rep.fail
        f = e.func
        if f.startswith("_"):
            fail("E108", _("`{name}` is not allowed: rules cannot call Python").format(name=f), e.span,
                 _("available functions: {functions}").format(functions=", ".join(FUNCTIONS)))
        if f not in FUNCTIONS:
            fail("E110", _("unknown function `{name}`").format(name=f), e.span,
                 suggest(f, FUNCTIONS) or _("available functions: {functions}").format(functions=", ".join(FUNCTIONS)))
        args = [self.expr(a, ctx) for a in e.args]
        text = f"{f}({', '.join(a.text or '…' for a in args)})"
        if f in ("min", "max", "sum"):
            if not args:
                fail("E111", _("{name}() needs at least one argument").format(name=f), e.span)
            t = args[0].type
            for a in args[1:]:
                j = join(t, a.type)
                if j is None:
                    fail("E102", _("{name}() of different types: {a} and {b}").format(name=f, a=shown(t), b=shown(a.type)),
                         a.span)
                t = j
            if f == "sum" and not (is_num(t) or is_qty(t) or t == ANY):
                fail("E102", _("sum() adds numbers or amounts, not: {type}").format(type=shown(t)), e.span)
            if f != "sum" and not comparable(t, t):
                fail("E102", _("{name}() compares numbers, amounts, terms or dates, not: {type}").format(
                    name=f, type=shown(t)), e.span)
            return Node(Op.CALL, t, e.span, tuple(args), data=f, text=text)
        if f == "count":
            if len(args) != 1:
                fail("E111", _("count() takes one list"), e.span, _("or: count x in list: condition"))
            if not isinstance(args[0].type, (ListT, SetT)) and args[0].type != ANY:
                fail("E102", _("count() counts a list or a set, not: {type}").format(type=shown(args[0].type)), e.span)
            return Node(Op.CALL, INT, e.span, tuple(args), data=f, text=text)
        if f in ("age", "years_between"):
            if len(args) != 2:
                fail("E111", _("{name}() takes two dates").format(name=f), e.span)
            for a in args:
                self.coerce(a, DATE, a.span, _("{name}() takes dates").format(name=f))
            return Node(Op.CALL, INT, e.span, tuple(args), data=f, text=text)
        if f == "same_unit":
            if len(args) != 2:
                fail("E111", _("same_unit(a, b) takes two amounts"), e.span)
            for a in args:
                if not (is_qty(a.type) or a.type == ANY):
                    fail("E102", _("same_unit() takes amounts, not: {type}").format(type=shown(a.type)), a.span)
            return Node(Op.CALL, BOOL, e.span, tuple(args), data=f, text=text)
        if f == "default":
            if len(args) != 2:
                fail("E111", _("default(value, fallback) takes two arguments"), e.span)
            a, b = args
            if isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
                b = resolve_enum(b, a.type, self.rep)
            joined = join(a.type, b.type)
            if joined is None:
                fail("E102", _("default() of different types: {a} and {b}").format(a=shown(a.type), b=shown(b.type)),
                     e.span)
            return Node(Op.CALL, joined, e.span, (a, b), data=f, text=text)
        raise AssertionError(f)

    def _x_Fired(self, e: A.Fired, ctx: Ctx) -> Node:
        if e.rule not in self.names.rules_ast:
            self.rep.fail("E105", _("fired({rule}): no such rule").format(rule=e.rule), e.span,
                          suggest(e.rule, self.names.rules_ast))
        if e.rule == ctx.owner:
            self.rep.fail("E201", _("rule {rule} depends on its own outcome").format(rule=e.rule), e.span,
                          _("a rule cannot read `fired(…)` of itself: remove this condition"))
        ctx.deps_rules.add(e.rule)
        return Node(Op.FIRED, BOOL, e.span, data=e.rule, text=f"fired({e.rule})")

    def _x_Quant(self, e: A.Quant, ctx: Ctx) -> Node:
        it = self.expr(e.iterable, ctx)
        if it.type == ANY:
            elem: T = ANY
        elif isinstance(it.type, (ListT, SetT)):
            elem = it.type.elem
        else:
            self.rep.fail("E102", _("`{kind} {var} in …` needs a list or set, got: {type}").format(
                kind=e.kind, var=e.var, type=shown(it.type)), e.iterable.span)
        if self.names.hides(e.var, ctx):
            self.rep.fail("E104", _("`{name}` hides another name").format(name=e.var), e.span,
                          _("choose another variable name"))
        ctx.vars[e.var] = elem
        try:
            body = self.expr(e.body, ctx)
        finally:
            del ctx.vars[e.var]
        text = f"{e.kind} {e.var} in {it.text}"
        if e.kind in ("any", "all"):
            body = self.coerce(body, BOOL, e.body.span, _("`{keyword}` needs a condition").format(keyword=e.kind))
            return Node(Op.QUANT, BOOL, e.span, (it, body), data=(e.kind, e.var), text=text)
        if e.kind == "count":
            body = self.coerce(body, BOOL, e.body.span, _("`{keyword}` needs a condition").format(keyword="count"))
            return Node(Op.QUANT, INT, e.span, (it, body), data=(e.kind, e.var), text=text)
        t = body.type
        if e.kind == "sum" and not (is_num(t) or is_qty(t) or t == ANY):
            self.rep.fail("E102", _("`sum` adds numbers or amounts, not: {type}").format(type=shown(t)), e.body.span)
        if e.kind in ("max", "min") and not comparable(t, t):
            self.rep.fail("E102", _("`{keyword}` compares numbers, amounts, terms or dates, not: {type}").format(
                keyword=e.kind, type=shown(t)), e.body.span)
        return Node(Op.QUANT, t, e.span, (it, body), data=(e.kind, e.var), text=text)

    def _x_SetLit(self, e: A.SetLit, ctx: Ctx) -> Node:
        items = [self.expr(a, ctx) for a in e.items]
        if not items:
            return Node(Op.SET, SetT("set", ANY), e.span, (), text="{}")
        if all(isinstance(i.type, PendingT) for i in items):
            return Node(Op.SET, SetT("set", PENDING), e.span, tuple(items), text="{…}")
        t = items[0].type
        for k, i in enumerate(items):
            if isinstance(i.type, PendingT) and isinstance(t, EnumT):
                items[k] = resolve_enum(i, t, self.rep)
            elif isinstance(t, PendingT) and isinstance(i.type, EnumT):
                t = i.type
        for k, i in enumerate(items):
            if isinstance(i.type, PendingT) and isinstance(t, EnumT):
                i = items[k] = resolve_enum(i, t, self.rep)
            j = join(t, i.type)
            if j is None:
                self.rep.fail("E102", _("a set holds values of one type: {a} and {b}").format(
                    a=shown(t), b=shown(i.type)), i.span)
            t = j
        return Node(Op.SET, SetT("set", t), e.span, tuple(items), text="{…}")

    def _x_Unary(self, e: A.Unary, ctx: Ctx) -> Node:
        a = self.expr(e.operand, ctx)
        if e.op == "not":
            a = self.coerce(a, BOOL, e.span, _("`{keyword}` needs a condition").format(keyword="not"))
            return Node(Op.NOT, BOOL, e.span, (a,), text=f"not {a.text}")
        if not (is_num(a.type) or a.type == ANY):
            self.rep.fail("E102", _("cannot negate: {type}").format(type=shown(a.type)), e.span)
        return Node(Op.NEG, a.type, e.span, (a,))

    def _x_Presence(self, e: A.Presence, ctx: Ctx) -> Node:
        a = self.expr(e.operand, ctx)
        if isinstance(a.type, PendingT):
            self.rep.fail("E101", _("unknown name `{name}`").format(name=a.data), a.span,
                          self._unknown(a, ctx, with_enums=False))
        return Node(Op.PRESENT if e.present else Op.MISSING, BOOL, e.span, (a,),
                    text=f"{a.text} is {'present' if e.present else 'missing'}")

    def _x_If(self, e: A.If, ctx: Ctx) -> Node:
        c = self.coerce(self.expr(e.cond, ctx), BOOL, e.cond.span, _("`{keyword}` needs a condition").format(keyword="if"))
        a = self.expr(e.then, ctx)
        b = self.expr(e.other, ctx)
        if isinstance(a.type, PendingT) and isinstance(b.type, EnumT):
            a = resolve_enum(a, b.type, self.rep)
        if isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
            b = resolve_enum(b, a.type, self.rep)
        t = join(a.type, b.type)
        if t is None:
            self.rep.fail("E102", _("`if` branches differ: {a} and {b}").format(a=shown(a.type), b=shown(b.type)), e.span)
        return Node(Op.IF, t, e.span, (c, a, b))

    def _x_Binary(self, e: A.Binary, ctx: Ctx) -> Node:
        op = e.op
        try:
            a = self.expr(e.left, ctx)
        except Fail:
            if op in ("and", "or"):  # still report the other side's problems
                self.expr(e.right, ctx)
            raise
        b = self.expr(e.right, ctx)
        if op in ("and", "or"):
            a = self.coerce(a, BOOL, e.left.span, _("`{keyword}` joins conditions").format(keyword=op))
            b = self.coerce(b, BOOL, e.right.span, _("`{keyword}` joins conditions").format(keyword=op))
            return Node(Op(op), BOOL, e.span, (a, b))
        if op in ("=", "!="):
            return self._equality(e, a, b, ctx)
        for x, y in ((a, b), (b, a)):
            if isinstance(x.type, PendingT) and not isinstance(y.type, (EnumT, PendingT)) and \
                    not (op in ("in", "not in") and x is a and isinstance(y.type, SetT) and isinstance(y.type.elem, PendingT)):
                if op not in ("in", "not in") or x is a:
                    self.rep.fail("E101", _("unknown name `{name}`").format(name=x.data), x.span, self._unknown(x, ctx))
        if op in _COMPARE:
            return self._order(e, a, b)
        if op in ("in", "not in"):
            return self._membership(e, a, b, ctx)
        return self._arith(e, a, b)

    def _equality(self, e: A.Binary, a: Node, b: Node, ctx: Ctx) -> Node:
        if isinstance(a.type, PendingT) and isinstance(b.type, EnumT):
            a = resolve_enum(a, b.type, self.rep)
        elif isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
            b = resolve_enum(b, a.type, self.rep)
        if isinstance(a.type, PendingT) or isinstance(b.type, PendingT):
            p = a if isinstance(a.type, PendingT) else b
            self.rep.fail("E101", _("unknown name `{name}`").format(name=p.data), p.span, self._unknown(p, ctx))
        if join(a.type, b.type) is None:
            self.rep.fail("E102", _("cannot compare: {a} and {b}").format(a=shown(a.type), b=shown(b.type)),
                          _slip_span(a, b, e.span), _cmp_hint(a, b))
        return Node(Op.EQ if e.op == "=" else Op.NE, BOOL, e.span, (a, b))

    def _order(self, e: A.Binary, a: Node, b: Node) -> Node:
        if isinstance(a.type, PendingT) and isinstance(b.type, EnumT):
            a = resolve_enum(a, b.type, self.rep)
        if isinstance(b.type, PendingT) and isinstance(a.type, EnumT):
            b = resolve_enum(b, a.type, self.rep)
        if not comparable(a.type, b.type):
            self.rep.fail("E102", _("cannot compare: {a} and {b}").format(a=shown(a.type), b=shown(b.type)),
                          _slip_span(a, b, e.span), _cmp_hint(a, b))
        return Node(Op.CMP, BOOL, e.span, (a, b), data=e.op)

    def _membership(self, e: A.Binary, a: Node, b: Node, ctx: Ctx) -> Node:
        op = e.op
        if isinstance(b.type, SetT) and isinstance(b.type.elem, PendingT):
            if isinstance(a.type, EnumT):
                b = resolve_enum(b, a.type, self.rep)
            else:
                bad = b.args[0]
                self.rep.fail("E101", _("unknown name `{name}`").format(name=bad.data), bad.span,
                              self._unknown(bad, ctx, with_enums=False))
        if b.type != ANY and not isinstance(b.type, (SetT, ListT)):
            self.rep.fail("E102", _("`{keyword}` needs a set or list on the right, got: {type}").format(
                keyword=op, type=shown(b.type)), e.right.span)
        elem = b.type.elem if isinstance(b.type, (SetT, ListT)) else ANY
        if isinstance(a.type, PendingT) and isinstance(elem, EnumT):
            a = resolve_enum(a, elem, self.rep)
        as_text = False
        if elem == STR and (isinstance(a.type, EnumT) or is_num(a.type)):
            as_text = True  # a code or number against a catalogue list of text codes
        elif join(a.type, elem) is None:
            self.rep.fail("E102", _("a value of type {a} cannot be in a set of: {b}").format(a=shown(a.type), b=shown(elem)),
                          e.span, _cmp_hint(a, Node(Op.LIT, elem, e.span)))
        return Node(Op.IN if op == "in" else Op.NOTIN, BOOL, e.span, (a, b), data="text" if as_text else None)

    def _arith(self, e: A.Binary, a: Node, b: Node) -> Node:
        op, fail = e.op, self.rep.fail
        ta, tb = a.type, b.type
        if ANY in (ta, tb):
            return Node(Op.ARITH, ANY, e.span, (a, b), data=op)
        if op == "of":
            if not is_num(ta):
                fail("E102", _("`of` takes a fraction on the left (e.g. 3/4 of …), got: {type}").format(type=shown(ta)),
                     e.left.span)
            if not (is_num(tb) or is_qty(tb)):
                fail("E102", _("`of` takes a number or an amount on the right, got: {type}").format(type=shown(tb)),
                     e.right.span)
            return Node(Op.ARITH, tb, e.span, (a, b), data="of")
        if op in ("+", "-"):
            if is_num(ta) and is_num(tb):
                return Node(Op.ARITH, INT if ta == tb == INT else NUM, e.span, (a, b), data=op)
            if qty_compatible(ta, tb):
                return Node(Op.ARITH, join(ta, tb), e.span, (a, b), data=op)  # type: ignore[arg-type]
            if ta == DATE and tb == TERM:
                return Node(Op.ARITH, DATE, e.span, (a, b), data="date" + op)
            what = _("cannot add: {a} and {b}") if op == "+" else _("cannot subtract: {b} from {a}")
            fail("E102", what.format(a=shown(ta), b=shown(tb)), e.span, _cmp_hint(a, b))
        if op == "*":
            if is_num(ta) and is_num(tb):
                return Node(Op.ARITH, INT if ta == tb == INT else NUM, e.span, (a, b), data=op)
            if is_num(ta) and is_qty(tb):
                return Node(Op.ARITH, tb, e.span, (b, a), data="scale")
            if is_qty(ta) and is_num(tb):
                return Node(Op.ARITH, ta, e.span, (a, b), data="scale")
            fail("E102", _("cannot multiply: {a} by {b}").format(a=shown(ta), b=shown(tb)), e.span)
        if op == "/":
            if is_num(ta) and is_num(tb):
                return Node(Op.ARITH, NUM, e.span, (a, b), data="/")
            if qty_compatible(ta, tb):
                return Node(Op.ARITH, NUM, e.span, (a, b), data="ratio")
            if is_qty(ta) and is_num(tb):
                return Node(Op.ARITH, ta, e.span, (a, b), data="qdiv")
            fail("E102", _("cannot divide: {a} by {b}").format(a=shown(ta), b=shown(tb)), e.span)
        raise AssertionError(op)


# how a quantity's unit is written after a number (the first slip of `fine < 100` for `fine < 100 mrp`)
_UNIT_WORD = {"mrp": "mrp", "hours": "hours", "days": "days", "term": "years", None: "mrp"}


def _slip_span(a: Node, b: Node, whole: Span) -> Span:
    """Where to put the caret of a mismatch: on the literal the author typed when one side is one (`100`, `"1"`)."""
    lits = [n for n in (a, b) if n.op is Op.LIT and n.type in (INT, NUM, STR)]
    return lits[0].span if len(lits) == 1 else whole


def _literal(n: Node) -> Any:
    return n.data if n.op is Op.LIT else None


def _cmp_hint(a: Node, b: Node) -> str | None:
    """How to fix two values that do not go together, naming the author's own literal where there is one."""
    ta, tb = a.type, b.type
    if DATE in (ta, tb) and (ta == TERM or tb == TERM):
        return _("a date and a term are different things: compare dates with dates, or add the term to a date "
                 "(date + term)")
    if isinstance(ta, QtyT) and isinstance(tb, QtyT):
        return _("amounts of different units never compare (a term with MRP, hours with days): guard the rule "
                 "with same_unit(a, b)")
    for x, y in ((a, b), (b, a)):
        tx, ty = x.type, y.type
        if isinstance(tx, QtyT) and is_num(ty):
            n = _literal(y)
            shown_n = str(n) if isinstance(n, (int, Fraction)) and not isinstance(n, bool) else "100"
            if tx == TERM:
                return _("a term has a unit: write `{n} years` (or months, days)").format(n=shown_n)
            return _("an amount has a unit: write `{n} {unit}`").format(n=shown_n, unit=_UNIT_WORD.get(tx.unit, "mrp"))
        if tx == STR and is_num(ty):
            text, n = _literal(x), _literal(y)
            if isinstance(text, str) and text.strip().isdigit():
                return _("{what} is a number: write `{value}` without quotes").format(
                    what=f"`{y.text}`" if y.text else _("the other side"), value=text.strip())
            if isinstance(n, int) and not isinstance(n, bool):
                return _("{what} is text: write `\"{value}\"` in quotes").format(
                    what=f"`{x.text}`" if x.text else _("the other side"), value=n)
        if isinstance(tx, EnumT) and ty == STR:
            text = _literal(y)
            if isinstance(text, str) and text in tx.enum.__members__:
                return _("a value of {enum} is written without quotes: `{value}`").format(enum=tx, value=text)
            return _("the values of {enum} are written without quotes: {values}").format(
                enum=tx, values=", ".join(tx.enum.__members__))
        if isinstance(tx, EnumT) and is_num(ty):
            return _("the values of {enum} are names, not numbers: {values}").format(
                enum=tx, values=", ".join(tx.enum.__members__))
    return None
