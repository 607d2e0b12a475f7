"""The checked intermediate form: every name resolved, every node typed.

Why a separate form: the evaluator compiles this (never the surface AST), so anything that reaches
evaluation has passed the whitelist of `schema.py` and the type rules of `checker.py`.  `str(node)`
prints it as an S-expression with types (`legality check --dump ir`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Span
from ..model.values import Citation
from .types import T


@dataclass(eq=False)
class Node:
    op: str
    type: T
    span: Span
    args: tuple["Node", ...] = ()
    data: Any = None
    text: str = ""  # the surface text (for traces and messages)

    def __str__(self) -> str:
        head = self.op if self.data is None else f"{self.op} {self.data!r}"
        inner = " ".join(str(a) for a in self.args)
        return f"({head}{(' ' + inner) if inner else ''} : {self.type})"


@dataclass(eq=False)
class FactDef:
    name: str
    label: str | None
    scope: str
    expr: Node
    file: str
    span: Span
    type: T
    deps_facts: set[str] = field(default_factory=set)
    deps_rules: set[str] = field(default_factory=set)


@dataclass(eq=False)
class LetDef:
    name: str
    label: str | None
    expr: Node
    span: Span


@dataclass(eq=False)
class Clause:
    kind: str  # when / unless
    expr: Node
    text: str
    leaves: list[tuple[str, Node]]  # sub-expressions whose values explain the clause


@dataclass(eq=False)
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
    deps_facts: set[str] = field(default_factory=set)
    deps_rules: set[str] = field(default_factory=set)  # via fired()

    def dump(self) -> str:
        lines = [f"rule {self.id} [{self.scope}] {self.severity} @ {self.span}"]
        for lt in self.lets:
            lines.append(f"  let {lt.name} = {lt.expr}")
        for c in self.whens:
            lines.append(f"  when {c.expr}")
        for c in self.unlesses:
            lines.append(f"  unless {c.expr}")
        if self.overrides:
            lines.append(f"  overrides {', '.join(self.overrides)}")
        lines.append(f"  violation {self.violation.expr}")
        return "\n".join(lines)
