"""Branch points of a rule set and what evaluation saw at each: the data of `legality test --coverage`.

A *point* is a place where a rule's evaluation can go one of two ways; its two *outcomes* are what a
test exercises.  Like branch coverage of a program, a rule is fully covered when its tests have seen
every outcome of every point.  The points, in written order:

| point | outcomes |
|---|---|
| a `when`, `unless` or `violation` clause | true, false |
| a `needs` clause | its value present, missing (the rule undetermined) |
| an operand of an `and` / `or` chain (in a clause or a `let`) | true, false |
| the condition of an `if` (in a clause or a `let`) | true (then), false (else) |
| `default(x, …)` (in a clause or a `let`) | `x` present, missing (the fallback taken) |

An operand the chain never reached (an earlier one decided it) is not seen: `a and b` with `a` false
says nothing of `b`.  A value missing in Kleene logic (a `when` without data) is neither true nor false.
A `let` counts only when something read it.  A `define` is shared by the rules that read it, so its
own points (the same kinds, inside its expression) count to the fact, not to a rule.

Why the evaluator itself records them: `instrument` generates the rule set's code again from the same
IR (`codegen.Gen.cover`), with one call to the sink `Hits` at each point — the same code `legality test`
runs, not a second interpreter of the language.  Only this copy has the calls: the scan's code, the
batch backend and the on-disk pack never change (`cover` is None there and the source is the same).
One more difference, which never changes a result: the copy walks a set (`offence.sanction.kinds`) in a
fixed order (`runtime._in_order`), so an `any` that stops at its first hit shows the same outcomes in
every process, whatever the hash seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import Span
from ..resolve.ir import FactDef, Node, Op, RuleDef, chain_operands
from .runtime import MISSING

if TYPE_CHECKING:
    from .program import Program

BOOL_OUTCOMES = ("true", "false")
VALUE_OUTCOMES = ("present", "missing")


@dataclass(frozen=True, slots=True)
class Point:
    index: int
    owner: str                  # the rule id, or the fact's name
    owner_kind: str             # "rule" | "fact"
    clause: str                 # where it stands: when, needs, unless, violation, let NAME, define
    kind: str                   # "clause", "and", "or", "if", "default"
    span: Span
    text: str                   # the IR's text of the node (the report prefers the source's own)
    outcomes: tuple[str, str]


@dataclass(eq=False)
class Hits:
    """The sink the instrumented code calls: `hits(j, value)` notes the outcome of point `j`."""

    points: list[Point]
    seen: dict[int, set[str]] = field(default_factory=dict)

    def __call__(self, j: int, value: Any) -> None:
        outcomes = self.points[j].outcomes
        if outcomes is VALUE_OUTCOMES:
            out = "missing" if value is MISSING else "present"
        elif value is MISSING:
            out = "missing"  # Kleene unknown: neither of a condition's outcomes
        else:
            out = "true" if value else "false"
        s = self.seen.get(j)
        if s is None:
            self.seen[j] = {out}
        else:
            s.add(out)

    def take(self) -> dict[int, set[str]]:
        """What was seen since the last `take` (one rule test's evaluation), and start again."""
        seen, self.seen = self.seen, {}
        return seen


@dataclass(eq=False)
class Cover:
    """The points of a rule set, and where the code generator finds each (by IR node, or clause)."""

    points: list[Point]
    operands: dict[int, int]             # id(node) of an `and`/`or` operand -> point
    nodes: dict[int, int]                # id(node) of an `if` / `default(…)` -> point
    clauses: dict[tuple[str, int], int]  # (rule id, clause number in decision order) -> point
    hits: Hits
    where: dict[tuple[str, str], Span] = field(default_factory=dict)  # (owner kind, owner) -> its definition


def branch_points(facts: dict[str, FactDef], rules: dict[str, RuleDef]) -> Cover:
    """Every point of the rules (lets, whens, needs, unlesses, the violation) and of the facts."""
    points: list[Point] = []
    operands: dict[int, int] = {}
    nodes: dict[int, int] = {}
    clauses: dict[tuple[str, int], int] = {}

    def add(owner: str, owner_kind: str, clause: str, kind: str, n: Node, outcomes: tuple[str, str],
            text: str = "") -> int:
        points.append(Point(len(points), owner, owner_kind, clause, kind, n.span, text or n.text, outcomes))
        return len(points) - 1

    def inside(owner: str, owner_kind: str, clause: str, root: Node) -> None:
        stack = [root]
        while stack:
            n = stack.pop()
            kids: list[Node] = list(n.args)
            if n.op in (Op.AND, Op.OR):
                kids = chain_operands(n)
                for x in kids:
                    if id(x) not in operands:
                        operands[id(x)] = add(owner, owner_kind, clause, str(n.op), x, BOOL_OUTCOMES)
            elif n.op == Op.IF or (n.op == Op.CALL and n.data == "default"):
                if id(n) not in nodes:
                    kind = "if" if n.op == Op.IF else "default"
                    nodes[id(n)] = add(owner, owner_kind, clause, kind, n.args[0] if kind == "if" else n,
                                       BOOL_OUTCOMES if kind == "if" else VALUE_OUTCOMES)
            stack.extend(reversed(kids))

    where: dict[tuple[str, str], Span] = {}
    for rid, r in rules.items():
        where[("rule", rid)] = r.span
        for lt in r.lets:
            inside(rid, "rule", f"let {lt.name}", lt.expr)
        ordered = r.whens + r.needs + r.unlesses + [r.violation]
        for at, c in enumerate(ordered):
            kind = str(c.kind)
            clauses[(rid, at)] = add(rid, "rule", kind, "clause", c.expr,
                                     VALUE_OUTCOMES if kind == "needs" else BOOL_OUTCOMES, c.text)
            inside(rid, "rule", kind, c.expr)
    for name, f in facts.items():
        where[("fact", name)] = f.span
        inside(name, "fact", "define", f.expr)
    return Cover(points, operands, nodes, clauses, Hits(points), where)


def instrument(program: Program) -> tuple[Program, Cover]:
    """The program generated again with a call to `Cover.hits` at each point (see the module docstring)."""
    from .program import Program, generate

    cover = branch_points(program.facts, program.rules)
    gen = generate(program.facts, program.rules, program.order, cover=cover)
    copy = Program(program.facts, program.rules, program.order, program.catalogue, program.sources_digest,
                   generated=gen, lang=program.lang)
    return copy, cover
