"""The checked intermediate form: every name resolved, every node typed.

Why a separate form: the evaluator compiles this (never the surface AST), so anything that reaches
evaluation has passed the whitelist of `schema.py` and the type rules of the resolve passes.
`str(node)` prints it as an S-expression with types (`legality check --dump ir`).

Why frozen: the passes (names → enum inference → typing) hand nodes on and build new ones instead
of patching old ones, so a node a later stage reads is the node a pass returned, and a shared
sub-tree cannot change under another owner.  The node kinds are a closed `Op` table; `Op` is a
`str` enum, so `node.op == "and"` and `{"and": …}[node.op]` read as they always did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..diagnostics import Span
from ..model.values import Citation
from .types import T


class Op(StrEnum):
    """Every kind of IR node (what `data` holds, for the kinds that use it)."""

    LIT = "lit"          # a constant value (None after an error)
    ENUM = "enum"        # a bare name whose enum type its context decides (only before inference ends)
    ROOT = "root"        # a record root: verdict, defendant, offence, …
    VAR = "var"          # a quantifier's variable
    LET = "let"          # a rule's `let`
    FACT = "fact"        # a `define`d fact
    OFACT = "ofact"      # an offence-level fact read through an offence: o.fact
    MEMBER = "member"    # a whitelisted field: (record type, field)
    METHOD = "method"    # a whitelisted method: (record type, method)
    INDEX = "index"      # a law table looked up by key
    LAW = "law"          # a law parameter (or a namespace of them): its dotted path
    FIRED = "fired"      # fired(rule): the rule id
    CALL = "call"        # a built-in function: its name
    QUANT = "quant"      # any/all/count/sum/max/min: (kind, variable)
    SET = "set"
    NOT = "not"
    NEG = "neg"
    PRESENT = "present"
    MISSING = "missing"
    AND = "and"
    OR = "or"
    IF = "if"
    EQ = "eq"
    NE = "ne"
    IN = "in"            # data "text": a code or number against a list of text codes
    NOTIN = "notin"
    CMP = "cmp"          # the comparison operator
    ARITH = "arith"      # the arithmetic operator (+ - * / of scale ratio qdiv date+ date-)


@dataclass(eq=False, frozen=True)
class Node:
    op: Op
    type: T
    span: Span
    args: tuple["Node", ...] = ()
    data: Any = None
    text: str = ""  # the surface text (for traces and messages)

    def __post_init__(self) -> None:
        if type(self.op) is not Op:  # a kind spelled as text: checked against the table once, here
            object.__setattr__(self, "op", Op(self.op))

    def __str__(self) -> str:
        head = self.op if self.data is None else f"{self.op} {self.data!r}"
        inner = " ".join(str(a) for a in self.args)
        return f"({head}{(' ' + inner) if inner else ''} : {self.type})"


@dataclass(eq=False, frozen=True)
class FactDef:
    name: str
    label: str | None
    scope: str
    expr: Node
    file: str
    span: Span
    type: T
    deps_facts: frozenset[str] = frozenset()
    deps_rules: frozenset[str] = frozenset()
    deps_law: frozenset[str] = frozenset()  # law parameters its expression reads directly
    label_kk: str | None = None  # the label in Kazakh (`"…" kk "…"`), None when not translated

    def label_in(self, lang: str) -> str | None:
        """The label people read in `lang`: the Kazakh one where there is one."""
        return self.label_kk if lang == "kk" and self.label_kk else self.label


@dataclass(eq=False, frozen=True)
class LetDef:
    name: str
    label: str | None
    expr: Node
    span: Span
    label_kk: str | None = None

    label_in = FactDef.label_in


@dataclass(eq=False, frozen=True)
class Clause:
    kind: str  # when / unless / violation
    expr: Node
    text: str
    leaves: list[tuple[str, Node]]  # sub-expressions whose values explain the clause


@dataclass(eq=False, frozen=True)
class RuleDef:
    id: str
    scope: str
    title: str
    severity: str
    static_cites: list[Citation]
    dynamic_cites: list[Node]
    cite_order: list[tuple[str, int]]  # ("s"|"d", index) in written order
    in_force: tuple[dt.date, dt.date | None, str] | None
    tags: list[str]
    lets: list[LetDef]
    whens: list[Clause]
    unlesses: list[Clause]
    overrides: list[str]
    violation: Clause
    actual: Node | None
    allowed: Node | list[tuple[str, Node]] | None
    message: list[str | Node]
    facts: list[str]
    file: str
    span: Span
    deps_facts: frozenset[str] = frozenset()
    deps_rules: frozenset[str] = frozenset()  # via fired()
    deps_law: frozenset[str] = frozenset()  # law parameters its own clauses read (not through facts)
    # `needs` clauses (kind "needs"), decided after the whens; a missing value makes the rule undetermined
    needs: list[Clause] = field(default_factory=list)
    need_labels: list[str] = field(default_factory=list)  # per need: what was missing, in Russian
    # the Kazakh texts (`"…" kk "…"`); None (or absent from the dict) where the author gave none, and the
    # engine falls back to the Russian text
    title_kk: str | None = None
    message_kk: list[str | Node] | None = None
    need_labels_kk: list[str | None] = field(default_factory=list)
    allowed_kk: dict[str, str] = field(default_factory=dict)  # `allowed` key ("" for a single value) -> Kazakh text
    # where the title and message clauses stand (W104 points there)
    text_spans: dict[str, Span] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.title_kk if lang == "kk" and self.title_kk else self.title

    def message_in(self, lang: str) -> list[str | Node]:
        return self.message_kk if lang == "kk" and self.message_kk is not None else self.message

    def dump(self) -> str:
        lines = [f"rule {self.id} [{self.scope}] {self.severity} @ {self.span}"]
        for lt in self.lets:
            lines.append(f"  let {lt.name} = {lt.expr}")
        for c in self.whens:
            lines.append(f"  when {c.expr}")
        for c in self.needs:
            lines.append(f"  needs {c.expr}")
        for c in self.unlesses:
            lines.append(f"  unless {c.expr}")
        if self.overrides:
            lines.append(f"  overrides {', '.join(self.overrides)}")
        lines.append(f"  violation {self.violation.expr}")
        return "\n".join(lines)


def chain_operands(n: Node) -> list[Node]:
    """The operands of a whole `a and b and c …` (or `or`) chain, left to right: both evaluators decide
    such a chain as one flat Kleene sequence, not as nested pairs."""
    operands: list[Node] = []
    stack = [n]
    while stack:
        x = stack.pop()
        if x.op == n.op:
            stack.extend(reversed(x.args))
        else:
            operands.append(x)
    return operands
