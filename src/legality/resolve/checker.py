"""Names and types: surface AST → checked IR, with every problem as a diagnostic.

The passes, in the order they run over a rule set:

    names.py      declarations (E104, E108), the meaning of a bare name here, import visibility
    typecheck.py  every operator typed; bare names whose enum the context decides go to
    infer.py      enum inference, returning new typed nodes
    rules.py      a rule's shape: required clauses (E008), citations, lets, `facts`, overrides
    leaves.py     the values that explain each clause

Why all at once: a rule author fixing a file wants every error of the rule set in one run, each at
its place with a hint (did-you-mean for names), not the first one only.  Lints are not here: they
read the finished IR in their own stage (`legality.lint`).
"""

from __future__ import annotations

from typing import Any, Callable

from ..diagnostics import Diagnostic
from ..i18n import _
from ..syntax import ast as A
from .errors import Fail, Reporter
from .ir import FactDef, Node, Op, RuleDef
from .names import SCOPES, Ctx, Names, names_used
from .rules import RuleCheck
from .typecheck import Typer
from .types import ANY, T


class Checker:
    """Resolves a rule set: facts first (each on demand, as rules and facts name them), then rules."""

    def __init__(self, files: list[A.RuleFile], catalogue: Any, visible: dict[str, set[str]],
                 later: Callable[[str, str], bool] | None = None):
        self.files = files
        self.later = later
        self.catalogue = catalogue
        self.visible = visible
        self.rep = Reporter()
        self.facts: dict[str, FactDef] = {}
        self._in_progress: set[str] = set()

    @property
    def diags(self) -> list[Diagnostic]:
        return self.rep.diags

    def run(self) -> tuple[dict[str, FactDef], dict[str, RuleDef]]:
        self.names = Names(self.files, self.visible, self.rep, self.later)
        self.typer = Typer(self.names, self.catalogue, self.rep, self._fact_type)
        deep = False
        for name in self.names.defines:
            try:
                self._fact(name)
            except RecursionError:
                deep = True
                self._fact_deep(name)
        if deep:  # facts abandoned half-way were checked again: report each problem once
            self.rep.diags = list(dict.fromkeys(self.rep.diags))
        rules: dict[str, RuleDef] = {}
        for rid, (r, path) in self.names.rules_ast.items():
            rd = RuleCheck(r, path, self.typer, self.facts).run()
            if rd is not None:
                rules[rid] = rd
        # overrides: scope compatibility
        for rd in rules.values():
            for target in rd.overrides:
                g = rules.get(target)
                if g is not None and rd.scope == "offence" and g.scope != "offence":
                    self.rep.err("E109", _("offence-level rule {rule} cannot override {scope}-level rule {other}").format(
                                 rule=rd.id, scope=g.scope, other=g.id), rd.span,
                                 _("an exception must be at least as general in scope as the rule it overrides"))
        return self.facts, rules

    def _fact(self, name: str) -> FactDef | None:
        if name in self.facts:
            return self.facts[name]
        if name in self._in_progress:
            return None  # a cycle: reported by the dependency graph
        d, path = self.names.defines[name]
        if d.scope not in SCOPES:
            self.rep.err("E109", _("unknown scope `{scope}`").format(scope=d.scope), d.span,
                         _("scopes: record, offence, final_sentence"))
            return None
        self._in_progress.add(name)
        ctx = Ctx(d.scope, path, owner=name)
        try:
            node = self.typer.closed(d.expr, ctx)
            typ = node.type
        except Fail:
            node, typ = Node(Op.LIT, ANY, d.span, data=None), ANY
        finally:
            self._in_progress.discard(name)
        fd = FactDef(name, d.label, d.scope, node, path, d.span, typ,
                     frozenset(ctx.deps_facts), frozenset(ctx.deps_rules), frozenset(ctx.deps_law), d.label_kk)
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
        defines = self.names.defines
        order: list[str] = []
        seen = {name}
        stack: list[tuple[str, list[str]]] = [(name, names_used(defines[name][0].expr, defines))]
        while stack:
            cur, todo = stack[-1]
            while todo and (todo[-1] in seen or todo[-1] in self.facts):
                todo.pop()
            if todo:
                nxt = todo.pop()
                seen.add(nxt)
                stack.append((nxt, names_used(defines[nxt][0].expr, defines)))
            else:
                stack.pop()
                order.append(cur)
        for n in order:
            self._fact(n)

    def _fact_type(self, name: str) -> T:
        fd = self._fact(name)
        if fd is None:
            return ANY
        return fd.type
