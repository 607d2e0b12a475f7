"""Names: the declarations of a rule set, what a bare name means at a place, and who may see it.

Why its own pass: a name is resolved against a fixed ladder (quantifier variable → `let` → scope
root → record root → `law` → fact of a visible file → built-in function → enum value decided by its
context), and the import visibility and scope rules (an offence-level fact has no value in a
record-level rule) are about names, not types.  Keeping the ladder in one place keeps the
did-you-mean lists and the reserved names consistent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

from ..diagnostics import Diagnostic, Span
from ..i18n import _
from ..syntax import ast as A
from . import schema as S
from .errors import Reporter
from .ir import LetDef, Node, Op
from .types import LawT, PendingT, T

SCOPES = ("record", "offence", "final_sentence")
PENDING = PendingT("pending")
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


@dataclass
class Ctx:
    """Where an expression is checked: its scope and file, the names bound there, what it reads."""

    scope: str
    file: str
    lets: dict[str, LetDef] = field(default_factory=dict)
    vars: dict[str, T] = field(default_factory=dict)
    deps_facts: set[str] = field(default_factory=set)
    deps_rules: set[str] = field(default_factory=set)
    deps_law: set[str] = field(default_factory=set)
    owner: str = ""  # fact name or rule id being checked


class Names:
    """The facts and rules a rule set declares, and the files each file can see."""

    def __init__(self, files: list[A.RuleFile], visible: dict[str, set[str]], rep: Reporter,
                 later: Callable[[str, str], bool] | None = None):
        self.visible = visible  # file -> files whose names it can see (itself + transitive imports)
        self.rep = rep
        # later(a, b): file a was written after file b — a duplicate is blamed on the newer of the two
        order = {f.path: i for i, f in enumerate(files)}
        self.later = later or (lambda a, b: order.get(a, 0) > order.get(b, 0))
        self.defines: dict[str, tuple[A.Define, str]] = {}
        self.rules_ast: dict[str, tuple[A.Rule, str]] = {}
        for f in files:
            for d in f.defines:
                self._declare_fact(d, f.path)
            for r in f.rules:
                self._declare_rule(r, f.path)

    def _declare_fact(self, d: A.Define, path: str) -> None:
        if d.name.startswith("_"):
            self.rep.err("E108", _("fact names may not start with `_`: {name}").format(name=d.name), d.span)
            return
        if d.name in self.defines:
            prev, prev_path = self.defines[d.name]
            new, old = (prev, d) if self.later(prev_path, path) else (d, prev)
            self.rep.diags.append(_related("E104", _("fact `{name}` is defined twice").format(name=d.name), new,
                                           _("first defined here"), old))
            return
        if d.name in S.ROOTS or d.name in ("law", "offence", "sentence") or d.name in FUNCTIONS:
            self.rep.err("E104", _("fact `{name}` would hide a built-in name").format(name=d.name), d.span,
                         _("choose another name"))
            return
        self.defines[d.name] = (d, path)

    def _declare_rule(self, r: A.Rule, path: str) -> None:
        if r.id in self.rules_ast:
            prev, prev_path = self.rules_ast[r.id]
            # review bug 12: the new rule (in the file written later) is the one to rename, not the shipped one
            new, old = (prev, r) if self.later(prev_path, path) else (r, prev)
            self.rep.diags.append(_related("E104", _("rule id `{rule}` is used twice").format(rule=r.id), new,
                                           _("first defined here"), old,
                                           hint=_("rule ids are stable identifiers: give the new rule its own")))
            return
        self.rules_ast[r.id] = (r, path)

    def is_visible(self, name: str, ctx: Ctx) -> bool:
        _, path = self.defines[name]
        return path in self.visible.get(ctx.file, {ctx.file})

    def require_visible(self, name: str, span: Span, ctx: Ctx) -> None:
        """E101 (and the end of the expression) for a fact of a file this one does not import."""
        if not self.is_visible(name, ctx):
            path = self.defines[name][1]
            self.rep.fail("E101", _("fact `{name}` is defined in {file}, which this file does not import").format(
                name=name, file=path), span, _('add: import "{file}"').format(file=path))

    def hides(self, name: str, ctx: Ctx) -> bool:
        """A new local name (`let`, quantifier variable) may not shadow one already in reach."""
        return name in ctx.vars or name in ctx.lets or name in self.defines or name in S.ROOTS

    def names_in(self, ctx: Ctx) -> list[str]:
        names = list(S.ROOTS) + ["law"] + list(S.SCOPE_ROOTS[ctx.scope]) + list(ctx.lets) + list(ctx.vars)
        names += [n for n, (d, _) in self.defines.items() if d.scope != "offence" or ctx.scope == "offence"]
        return names

    def offence_facts(self) -> list[str]:
        return [n for n, (d, _) in self.defines.items() if d.scope == "offence"]

    def lookup(self, e: A.Name, ctx: Ctx, fact_type: Callable[[str], T]) -> Node:
        """The node a bare name stands for here (an enum value left PENDING for its context to type)."""
        name = e.name
        if name.startswith("_"):
            self.rep.fail("E108", _("`{name}` is not allowed: names starting with `_` are reserved").format(name=name),
                          e.span, _("rules can only read the verdict record, the law catalogue and their own facts"))
        if name in ctx.vars:
            return Node(Op.VAR, ctx.vars[name], e.span, data=name, text=name)
        if name in ctx.lets:
            return Node(Op.LET, ctx.lets[name].expr.type, e.span, data=name, text=name)
        sr = S.SCOPE_ROOTS[ctx.scope]
        if name in sr:
            return Node(Op.ROOT, sr[name][0], e.span, data=name, text=name)
        if name in S.ROOTS:
            return Node(Op.ROOT, S.ROOTS[name][0], e.span, data=name, text=name)
        if name in ("offence", "sentence"):
            self.rep.fail("E109", _("`{name}` is only available in a rule or fact `for offence`").format(name=name),
                          e.span, _("write `for offence` after the name, or iterate: any o in offences: …"))
        if name == "law":
            return Node(Op.LAW, LawT("law", ""), e.span, data="", text="law")
        if name in self.defines:
            d = self.defines[name][0]
            self.require_visible(name, e.span, ctx)
            if d.scope == "offence" and ctx.scope != "offence":
                self.rep.fail("E109", _("`{name}` is a fact for each offence; here there is no single offence").format(
                    name=name), e.span, _("read it per offence: any o in offences: o.{name} …").format(name=name))
            ctx.deps_facts.add(name)
            return Node(Op.FACT, fact_type(name), e.span, data=name, text=name)
        if name in FUNCTIONS:
            self.rep.fail("E102", _("`{name}` is a function: call it as {name}(…)").format(name=name), e.span)
        # maybe an enum value: decided by its context
        return Node(Op.ENUM, PENDING, e.span, data=name, text=name)


def _related(code: str, msg: str, at: A.Define | A.Rule, label: str, prev: A.Define | A.Rule,
             hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, msg, at.span, hint=hint, related=((label, prev.span),))


def names_used(e: A.Expr, defines: dict[str, tuple[A.Define, str]]) -> list[str]:
    """Names of facts an expression mentions (before any resolution; walked without recursion)."""
    out: list[str] = []
    stack: list[object] = [e]
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

