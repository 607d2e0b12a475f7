"""The dependency graph of facts and rules (networkx) and the evaluation order it gives.

Why a graph: facts build on facts, rules read facts, a rule may depend on whether another fired,
and an overriding (specific) rule must be decided before the general one it overrides.  The
topological order of this graph is the evaluation order; a cycle is a rule-set error that names
every edge with its location.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..diagnostics import Diagnostic
from ..i18n import _
from ..resolve.ir import FactDef, RuleDef


def fact_node(name: str) -> str:
    return f"fact:{name}"


def rule_node(rid: str) -> str:
    return f"rule:{rid}"


@dataclass
class Plan:
    graph: nx.DiGraph[str]
    order: list[str]  # node ids in evaluation order

    def to_text(self) -> str:
        g = self.graph
        lines = []
        for n in self.order:
            d = g.nodes[n]
            kind, name = n.split(":", 1)
            deps = sorted(g.predecessors(n))
            rel = ", ".join(f"{p.split(':', 1)[1]}" + (f" ({g.edges[p, n]['why']})" if g.edges[p, n]["why"] != "uses" else "")
                            for p in deps)
            lines.append(f"{kind:4} {name:40} [{d['scope']}] {d['where']}" + (f"\n       ← {rel}" if rel else ""))
        return "\n".join(lines)

    def to_dot(self) -> str:
        g = self.graph
        out = ["digraph legality {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
        for n in self.order:
            d = g.nodes[n]
            shape = "ellipse" if d["kind"] == "fact" else "box"
            out.append(f'  "{n}" [label="{n.split(":", 1)[1]}", shape={shape}];')
        for a, b, d in sorted(g.edges(data=True)):
            style = ' [style=dashed, label="overrides"]' if d["why"] == "overrides" else (
                ' [style=dotted, label="fired"]' if d["why"] == "fired" else "")
            out.append(f'  "{a}" -> "{b}"{style};')
        out.append("}")
        return "\n".join(out) + "\n"


def build(facts: dict[str, FactDef], rules: dict[str, RuleDef]) -> tuple[Plan | None, list[Diagnostic]]:
    g: nx.DiGraph[str] = nx.DiGraph()
    for f in facts.values():
        g.add_node(fact_node(f.name), kind="fact", scope=f.scope, span=f.span, where=str(f.span))
    for r in rules.values():
        g.add_node(rule_node(r.id), kind="rule", scope=r.scope, span=r.span, where=str(r.span))

    def edge(a: str, b: str, why: str) -> None:
        if a in g and b in g:
            g.add_edge(a, b, why=why)

    for f in facts.values():
        for d in f.deps_facts:
            edge(fact_node(d), fact_node(f.name), "uses")
        for d in f.deps_rules:
            edge(rule_node(d), fact_node(f.name), "fired")
    for r in rules.values():
        for d in r.deps_facts:
            edge(fact_node(d), rule_node(r.id), "uses")
        for d in r.deps_rules:
            edge(rule_node(d), rule_node(r.id), "fired")
        for target in r.overrides:  # the specific rule is decided before the general one
            edge(rule_node(r.id), rule_node(target), "overrides")

    diags: list[Diagnostic] = []
    for comp in sorted(nx.strongly_connected_components(g), key=lambda c: sorted(c)):
        if len(comp) == 1:
            (n,) = comp
            if not g.has_edge(n, n):
                continue
        sub = g.subgraph(comp)
        cycle = nx.find_cycle(sub, source=min(comp))
        names = [a for a, _ in cycle] + [cycle[0][0]]
        text = " → ".join(n.split(":", 1)[1] for n in names)
        first = g.nodes[names[0]]
        related = tuple((f"{a.split(':', 1)[1]} {g.edges[a, b]['why']} → {b.split(':', 1)[1]}", g.nodes[b]["span"])
                        for a, b in cycle)
        diags.append(Diagnostic("E201", _("dependency cycle: {cycle}").format(cycle=text), first["span"], related=related,
                                hint=_("a fact or rule cannot depend on itself, directly or through others: "
                                       "remove one of the links listed")))
    if diags:
        return None, diags

    def key(n: str) -> tuple[str, int, int, str]:
        sp = g.nodes[n]["span"]
        return (sp.file, sp.line, sp.column, n)

    order = list(nx.lexicographical_topological_sort(g, key=key))
    return Plan(g, order), diags
