"""Checked IR → Python closures, compiled once per rule set (never `eval` of rule text).

Why closures: each IR node becomes a small function of the evaluation environment; the only
Python objects a rule reaches are those the schema's getters return.  Missing values are the
`MISSING` sentinel and propagate (Kleene logic for and/or), so a rule whose facts are missing
does not fire.  Anything else that goes wrong raises, and the program turns it into a fault.
"""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction
from typing import Any, Callable

from ..model.values import Quantity, Term
from ..resolve import schema as S
from ..resolve.ir import Node
from ..resolve.types import LawT


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        raise TypeError("a missing value has no truth value")


MISSING: Any = _Missing()
M = MISSING


class FaultError(Exception):
    """A value needed by a rule could not be computed (reported as a fault, E501)."""


class Fault:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


Fn = Callable[[Any], Any]


def _nz(x: Any) -> Any:
    return M if x is None else x


def _text(x: Any) -> str:
    return str(getattr(x, "value", x))


def add_term(d: dt.date, t: Term, sign: int = 1) -> dt.date:
    total = t.value
    whole = int(total)
    days = int((total - whole) * 30)
    months = d.month - 1 + sign * whole
    y = d.year + months // 12
    m = months % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return dt.date(y, m, day) + dt.timedelta(days=sign * days)


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def compile_node(n: Node) -> Fn:
    op = n.op
    f = _OPS.get(op)
    if f is None:
        raise AssertionError(f"no compiler for {op}")
    return f(n)


def _lit(n: Node) -> Fn:
    v = n.data if n.data is not None else M
    return lambda env: v


def _root(n: Node) -> Fn:
    name = n.data
    getter = S.ROOTS[name][1] if name in S.ROOTS else None
    if getter is None:
        for roots in S.SCOPE_ROOTS.values():
            if name in roots:
                getter = roots[name][1]
    assert getter is not None
    return lambda env: _nz(getter(env))


def _var(n: Node) -> Fn:
    name = n.data
    return lambda env: env.vars[name]


def _let(n: Node) -> Fn:
    name = n.data
    return lambda env: env.let(name)


def _fact(n: Node) -> Fn:
    name = n.data
    return lambda env: env.fact(name)


def _ofact(n: Node) -> Fn:
    name = n.data
    obj = compile_node(n.args[0])

    def f(env: Any) -> Any:
        o = obj(env)
        if o is M:
            return M
        return env.offence_fact(o, name)

    return f


def _attr_chain(n: Node) -> tuple[Node, list[str]]:
    """The longest tail of plain-attribute members: `offence.sentence.principal.kind` → (offence, [...])."""
    chain: list[str] = []
    while n.op == "member" and S.MEMBERS[n.data[0]][n.data[1]].attr is not None:
        chain.append(S.MEMBERS[n.data[0]][n.data[1]].attr)
        n = n.args[0]
    chain.reverse()
    return n, chain


def _member(n: Node) -> Fn:
    rec, name = n.data
    base, chain = _attr_chain(n)
    if len(chain) >= 2:  # fused: one closure for the whole chain; a None on the way is a missing value
        from operator import attrgetter

        get_chain = attrgetter(".".join(chain))
        obj0 = compile_node(base)

        def fused(env: Any) -> Any:
            o = obj0(env)
            if o is M:
                return M
            try:
                v = get_chain(o)
            except AttributeError:
                return M
            return M if v is None else v

        return fused
    getter = S.MEMBERS[rec][name].get
    obj = compile_node(n.args[0])

    def f(env: Any) -> Any:
        o = obj(env)
        if o is M:
            return M
        v = getter(o, env.rt)
        return M if v is None else v

    return f


def _method(n: Node) -> Fn:
    rec, name = n.data
    call = S.METHODS[rec][name].call
    obj = compile_node(n.args[0])
    args = [compile_node(a) for a in n.args[1:]]

    def f(env: Any) -> Any:
        o = obj(env)
        if o is M:
            return M
        vals = [a(env) for a in args]
        if any(v is M for v in vals):
            return M
        return _nz(call(o, env.rt, *vals))

    return f


def _index(n: Node) -> Fn:
    obj = compile_node(n.args[0])
    key = compile_node(n.args[1])

    def f(env: Any) -> Any:
        d = obj(env)
        k = key(env)
        if d is M or k is M:
            return M
        k = getattr(k, "value", k)
        return _nz(d.get(str(k)))

    return f


def _law(n: Node) -> Fn:
    name = n.data
    if isinstance(n.type, LawT):
        raise AssertionError("incomplete law path reached the evaluator")
    return lambda env: env.param(name)


def _call(n: Node) -> Fn:
    func = n.data
    args = [compile_node(a) for a in n.args]
    if func == "default":
        a, b = args

        def dflt(env: Any) -> Any:
            v = a(env)
            return b(env) if v is M else v

        return dflt

    def values(env: Any) -> list | None:
        vals = [x(env) for x in args]
        return None if any(v is M for v in vals) else vals

    if func == "min":
        return lambda env: M if (v := values(env)) is None else min(v)
    if func == "max":
        return lambda env: M if (v := values(env)) is None else max(v)
    if func == "sum":
        def total(env: Any) -> Any:
            v = values(env)
            if v is None:
                return M
            acc = v[0]
            for x in v[1:]:
                acc = acc + x
            return acc

        return total
    if func == "count":
        return lambda env: M if (v := values(env)) is None else len(v[0])
    if func == "same_unit":
        return lambda env: M if (v := values(env)) is None else v[0].unit == v[1].unit
    if func in ("age", "years_between"):
        return lambda env: M if (v := values(env)) is None else age_on(v[0], v[1])
    raise AssertionError(func)


def _fired(n: Node) -> Fn:
    rid = n.data
    return lambda env: env.fired(rid)


def _quant(n: Node) -> Fn:
    kind, var = n.data
    it = compile_node(n.args[0])
    body = compile_node(n.args[1])

    def run(env: Any) -> Any:
        coll = it(env)
        if coll is M:
            return M
        vals = []
        saved = env.vars.get(var, M)
        try:
            for x in coll:
                env.vars[var] = x
                vals.append(body(env))
        finally:
            if saved is M:
                env.vars.pop(var, None)
            else:
                env.vars[var] = saved
        if kind == "any":
            if any(v is True for v in vals):
                return True
            return M if any(v is M for v in vals) else False
        if kind == "all":
            if any(v is False for v in vals):
                return False
            return M if any(v is M for v in vals) else True
        if any(v is M for v in vals):
            return M
        if kind == "count":
            return sum(1 for v in vals if v)
        if not vals:
            return M
        if kind == "max":
            return max(vals)
        if kind == "min":
            return min(vals)
        acc = vals[0]
        for v in vals[1:]:
            acc = acc + v
        return acc

    return run


def _set(n: Node) -> Fn:
    items = [compile_node(a) for a in n.args]

    def f(env: Any) -> Any:
        vals = [i(env) for i in items]
        return M if any(v is M for v in vals) else frozenset(vals)

    return f


def _not(n: Node) -> Fn:
    a = compile_node(n.args[0])
    return lambda env: M if (v := a(env)) is M else (not v)


def _kleene(stop: bool) -> Callable[[Node], Fn]:
    """`and` (stop at False) / `or` (stop at True); a missing side otherwise makes the result missing."""

    def make(n: Node) -> Fn:
        a, b = (compile_node(x) for x in n.args)

        def f(env: Any) -> Any:
            x = a(env)
            if x is stop:
                return stop
            y = b(env)
            if y is stop:
                return stop
            return M if (x is M or y is M) else not stop

        return f

    return make


_and = _kleene(False)
_or = _kleene(True)


def _neg(n: Node) -> Fn:
    a = compile_node(n.args[0])
    return lambda env: M if (v := a(env)) is M else -v


def _present(n: Node) -> Fn:
    a = compile_node(n.args[0])
    return lambda env: a(env) is not M


def _missing(n: Node) -> Fn:
    a = compile_node(n.args[0])
    return lambda env: a(env) is M


def _if(n: Node) -> Fn:
    c, a, b = (compile_node(x) for x in n.args)

    def f(env: Any) -> Any:
        v = c(env)
        if v is M:
            return M
        return a(env) if v else b(env)

    return f


def _binary(fn: Callable[[Any, Any], Any]) -> Callable[[Node], Fn]:
    def make(n: Node) -> Fn:
        a, b = (compile_node(x) for x in n.args)

        def f(env: Any) -> Any:
            x = a(env)
            if x is M:
                return M
            y = b(env)
            if y is M:
                return M
            return fn(x, y)

        return f

    return make


_CMP = {"<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}


def _category_rank(x: Any) -> Any:
    from ..model.enums import Category

    return x.rank if isinstance(x, Category) else x


def _cmp(n: Node) -> Fn:
    from ..resolve.types import EnumT

    test = _CMP[n.data]
    if any(isinstance(a.type, EnumT) for a in n.args):  # categories compare by gravity
        return _binary(lambda x, y: test(_category_rank(x), _category_rank(y)))(n)
    return _binary(test)(n)


def _frac(x: Any) -> Any:
    return Fraction(x) if isinstance(x, int) and not isinstance(x, bool) else x


def _arith_fn(op: str) -> Callable[[Any, Any], Any]:
    if op == "+":
        return lambda x, y: x + y
    if op == "-":
        return lambda x, y: x - y
    if op == "*":
        return lambda x, y: x * y
    if op == "/":
        return lambda x, y: Fraction(x) / Fraction(y)
    if op == "of":
        return lambda x, y: y.scale(x) if isinstance(y, Quantity) else _frac(x) * y
    if op == "scale":
        return lambda q, k: q.scale(k)
    if op == "ratio":
        return lambda x, y: x.ratio(y)
    if op == "qdiv":
        return lambda q, k: q.scale(Fraction(1) / Fraction(k))
    if op == "date+":
        return lambda d, t: add_term(d, t, 1)
    if op == "date-":
        return lambda d, t: add_term(d, t, -1)
    raise AssertionError(op)


def _arith(n: Node) -> Fn:
    return _binary(_arith_fn(n.data))(n)


_OPS: dict[str, Callable[[Node], Fn]] = {
    "lit": _lit, "root": _root, "var": _var, "let": _let, "fact": _fact, "ofact": _ofact, "member": _member,
    "method": _method, "index": _index, "law": _law, "call": _call, "fired": _fired, "quant": _quant,
    "set": _set, "not": _not, "and": _and, "or": _or, "neg": _neg, "present": _present, "missing": _missing,
    "if": _if, "eq": _binary(lambda x, y: x == y), "ne": _binary(lambda x, y: x != y), "cmp": _cmp,
    "in": lambda n: _binary((lambda x, y: _text(x) in y) if n.data == "text" else (lambda x, y: x in y))(n),
    "notin": lambda n: _binary((lambda x, y: _text(x) not in y) if n.data == "text" else (lambda x, y: x not in y))(n),
    "arith": _arith,
    "enum": _lit,
}

__all__ = ["MISSING", "Fault", "FaultError", "compile_node", "add_term", "age_on"]
