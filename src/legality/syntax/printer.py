"""AST → canonical rule text: the formatter (`legality fmt`) and the printable surface form.

Why: parse(print(ast)) == ast is a property test that keeps grammar and AST honest; and rule
authors get one layout for every file.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import cast

from . import ast as A

# binding strength (higher binds tighter), mirroring grammar/legality.lark
_PREC = {"if": 0, "or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "of": 6, "*": 7, "/": 7, "neg": 8, "post": 9}
_CMP = {"=", "!=", "<", "<=", ">", ">=", "in", "not in"}


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _prec(e: A.Expr) -> int:
    if isinstance(e, A.If):
        return _PREC["if"]
    if isinstance(e, A.Binary):
        return _PREC["cmp"] if e.op in _CMP else _PREC[e.op]
    if isinstance(e, A.Presence):
        return _PREC["cmp"]
    if isinstance(e, A.Unary):
        return _PREC["not"] if e.op == "not" else _PREC["neg"]
    if isinstance(e, A.Quant):
        return _PREC["if"]  # its body extends to the right: parenthesise unless loosest
    return _PREC["post"]


def expr(e: A.Expr, ctx: int = 0) -> str:
    s = _expr(e)
    return f"({s})" if _prec(e) < ctx else s


def _lit(e: A.Literal) -> str:
    v = e.value
    if e.unit == "term":
        y, m, d = cast("tuple[int, int, int]", v)  # a term literal's value is (years, months, days)
        parts = [f"{n} {u}" for n, u in ((y, "years"), (m, "months"), (d, "days")) if n]
        return " ".join(parts) or "0 months"
    if e.unit in ("mrp", "hours"):
        return f"{v} {e.unit}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Fraction):
        # decimals only (the grammar has no fraction literal; 3/4 is a division)
        return _decimal(v)
    if isinstance(v, str):
        return _q(v) + (f" kk {_q(e.kk)}" if e.kk is not None else "")
    if isinstance(v, dt.date):
        return v.isoformat()
    raise TypeError(v)


def _decimal(v: Fraction) -> str:
    from decimal import Decimal

    d = Decimal(v.numerator) / Decimal(v.denominator)
    s = format(d.normalize(), "f")
    return s if "." in s else s + ".0"


def _expr(e: A.Expr) -> str:
    if isinstance(e, A.Name):
        return e.name
    if isinstance(e, A.Literal):
        return _lit(e)
    if isinstance(e, A.Member):
        return f"{expr(e.obj, _PREC['post'])}.{e.name}"
    if isinstance(e, A.Method):
        return f"{expr(e.obj, _PREC['post'])}.{e.name}({', '.join(expr(a) for a in e.args)})"
    if isinstance(e, A.Index):
        return f"{expr(e.obj, _PREC['post'])}[{expr(e.key)}]"
    if isinstance(e, A.Call):
        return f"{e.func}({', '.join(expr(a) for a in e.args)})"
    if isinstance(e, A.Fired):
        return f"fired({e.rule})"
    if isinstance(e, A.SetLit):
        return "{" + ", ".join(expr(a) for a in e.items) + "}"
    if isinstance(e, A.Quant):
        return f"{e.kind} {e.var} in {expr(e.iterable, _PREC['cmp'] + 1)}: {expr(e.body)}"
    if isinstance(e, A.Unary):
        if e.op == "not":
            return f"not {expr(e.operand, _PREC['not'])}"
        return f"-{expr(e.operand, _PREC['neg'])}"
    if isinstance(e, A.Presence):
        return f"{expr(e.operand, _PREC['+'])} is {'present' if e.present else 'missing'}"
    if isinstance(e, A.If):
        return f"if {expr(e.cond)} then {expr(e.then)} else {expr(e.other)}"
    if isinstance(e, A.Binary):
        p = _prec(e)
        if e.op in _CMP:
            return f"{expr(e.left, p + 1)} {e.op} {expr(e.right, p + 1)}"
        if e.op == "of":  # right-associative
            return f"{expr(e.left, p + 1)} of {expr(e.right, p)}"
        return f"{expr(e.left, p)} {e.op} {expr(e.right, p + 1)}"
    raise TypeError(f"cannot print {e!r}")


def template(t: A.Template) -> str:
    return _q(t.raw)


def _kk(ind: str, kk: str | None) -> str:
    """A Kazakh text on its own line under the Russian one it translates (nothing when there is none)."""
    return "" if kk is None else f"\n{ind}   kk {_q(kk)}"


def rule(r: A.Rule) -> str:
    head = f"rule {r.id}" + (f" for {r.scope}" if r.scope != "record" else "") + " {"
    out = [head]
    ind = "  "
    if r.title is not None:
        out.append(f"{ind}title {_q(r.title)}" + _kk(ind, r.title_kk))
    if r.severity is not None:
        out.append(f"{ind}severity {r.severity}")
    if r.cites:
        out.append(f"{ind}cite " + ", ".join(expr(c) for c in r.cites))
    if r.in_force is not None:
        f = r.in_force
        s = f"{ind}in force from {f.start.isoformat()}"
        if f.until:
            s += f" until {f.until.isoformat()}"
        if f.basis != "offence":
            s += f" by {f.basis} date"
        out.append(s)
    if r.tags:
        out.append(f"{ind}tags " + ", ".join(t.value for t in r.tags))
    for lt in r.lets:
        lbl = f" {_q(lt.label)}" + (f" kk {_q(lt.label_kk)}" if lt.label_kk is not None else "") if lt.label else ""
        out.append(f"{ind}let {lt.name}{lbl} = {expr(lt.expr)}")
    for w in r.whens:
        out.append(f"{ind}when {expr(w)}")
    for nd in r.needs:
        out.append(f"{ind}needs {expr(nd.expr)}" + (f" {_q(nd.label)}" if nd.label else "")
                   + (f" kk {_q(nd.label_kk)}" if nd.label and nd.label_kk is not None else ""))
    for u in r.unlesses:
        out.append(f"{ind}unless {expr(u)}")
    if r.overrides:
        out.append(f"{ind}overrides " + ", ".join(o.value for o in r.overrides))
    if r.violation is not None:
        out.append(f"{ind}violation {expr(r.violation)}")
    if r.actual is not None:
        out.append(f"{ind}actual {expr(r.actual)}")
    if r.allowed is not None:
        if isinstance(r.allowed, tuple):
            out.append(f"{ind}allowed " + ", ".join(f"{k}: {expr(v)}" for k, v in r.allowed))
        else:
            out.append(f"{ind}allowed {expr(r.allowed)}")
    if r.message is not None:
        out.append(f"{ind}message {template(r.message)}"
                   + _kk(ind, r.message_kk.raw if r.message_kk is not None else None))
    if r.facts:
        out.append(f"{ind}facts " + ", ".join(f.value for f in r.facts))
    out.append("}")
    return "\n".join(out)


def define(d: A.Define) -> str:
    lbl = f" {_q(d.label)}" + (f" kk {_q(d.label_kk)}" if d.label_kk is not None else "") if d.label else ""
    sc = f" for {d.scope}" if d.scope != "record" else ""
    return f"define {d.name}{lbl}{sc} = {expr(d.expr)}"


def rule_file(f: A.RuleFile) -> str:
    chunks = []
    for it in f.items:
        if isinstance(it, A.Import):
            chunks.append(f"import {_q(it.path)}")
        elif isinstance(it, A.Define):
            chunks.append(define(it))
        else:
            chunks.append(rule(it))
    return "\n\n".join(chunks) + "\n"
