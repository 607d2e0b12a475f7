"""Explanation leaves: the values that explain a clause when `explain` shows why a rule fired.

Why chosen at check time: the leaves are a property of the clause as written (each fact, let, law
parameter and field path it reads, in first-use order), so the evaluator compiles them once with
the rule instead of searching the expression on every traced record.
"""

from __future__ import annotations

from .ir import Node, Op
from .types import LawT, ListT, RecT

_READS = (Op.FACT, Op.LET, Op.LAW, Op.MEMBER, Op.OFACT, Op.METHOD, Op.ROOT)
_WHOLE = (Op.MEMBER, Op.METHOD, Op.OFACT)  # shown as one value, not by their parts
MAX_LEAVES = 10


def leaves(n: Node) -> list[tuple[str, Node]]:
    """(label, node) of each value the clause reads, at most MAX_LEAVES, quantifier variables left out."""
    out: list[tuple[str, Node]] = []
    seen: set[str] = set()

    def walk(x: Node, in_quant: frozenset[str]) -> None:
        if x.op in _READS and x.text and not isinstance(x.type, LawT):
            if x.op is Op.ROOT and isinstance(x.type, RecT):
                return
            base = x.text.split(".")[0].split("(")[0]
            if base in in_quant:
                return
            if x.text not in seen and not isinstance(x.type, (RecT, ListT)):
                seen.add(x.text)
                out.append((x.text, x))
            if x.op in _WHOLE:
                return
        if x.op is Op.QUANT:
            walk(x.args[0], in_quant)
            walk(x.args[1], in_quant | {x.data[1]})
            return
        for a in x.args:
            walk(a, in_quant)

    walk(n, frozenset())
    return out[:MAX_LEAVES]
