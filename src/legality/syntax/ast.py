"""The surface AST of rule files: what the author wrote, with a span on every node.

Why a separate surface form: diagnostics, the formatter (`printer.py`) and the golden parser tests
speak about the text as written; name resolution and types come later (`legality.resolve`).
Nodes compare equal regardless of spans (`span` is excluded from equality), so a parse∘print
round trip can be checked structurally.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from ..diagnostics import Span

NOSPAN = Span("<none>", 0, 0)


def _span() -> Span:
    return field(default=NOSPAN, compare=False, repr=False)


# ---- expressions


@dataclass(frozen=True)
class Expr:
    if TYPE_CHECKING:
        # every node kind declares its own `span` field (last, with a default); declared here for
        # the type checker only, since a dataclass field on the base would come before theirs
        @property
        def span(self) -> Span: ...


@dataclass(frozen=True)
class Name(Expr):
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Member(Expr):
    obj: Expr
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Method(Expr):
    obj: Expr
    name: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Index(Expr):
    obj: Expr
    key: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Fired(Expr):
    rule: str
    span: Span = _span()


@dataclass(frozen=True)
class Quant(Expr):
    kind: str  # any all count sum max min
    var: str
    iterable: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Literal(Expr):
    """int, Fraction (decimal), str, date, bool, or a quantity literal (see `unit`)."""

    value: object
    unit: str | None = None  # None (plain), "term" (value = (y, m, d)), "mrp", "hours"
    span: Span = _span()
    kk: str | None = None  # a text's Kazakh translation (`"…" kk "…"`, a value in both languages); None elsewhere


@dataclass(frozen=True)
class SetLit(Expr):
    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # "-" or "not"
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Binary(Expr):
    op: str  # + - * / of and or = != < <= > >= in "not in"
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Presence(Expr):
    operand: Expr
    present: bool  # `is present` (True) / `is missing` (False)
    span: Span = _span()


@dataclass(frozen=True)
class If(Expr):
    cond: Expr
    then: Expr
    other: Expr
    span: Span = _span()


# ---- statements


@dataclass(frozen=True)
class Import:
    path: str
    span: Span = _span()


@dataclass(frozen=True)
class Define:
    name: str
    label: str | None
    scope: str  # record | offence | final_sentence
    expr: Expr
    span: Span = _span()
    label_kk: str | None = None  # the label in Kazakh (`"…" kk "…"`)


@dataclass(frozen=True)
class Let:
    name: str
    label: str | None
    expr: Expr
    span: Span = _span()
    label_kk: str | None = None


@dataclass(frozen=True)
class Ident:
    """A bare identifier in a clause (rule id, fact name, tag) with its own span."""

    value: str
    span: Span = _span()


@dataclass(frozen=True)
class Need:
    """`needs EXPR ["label"]`: a value without which the rule cannot decide (undetermined, a coverage gap)."""

    expr: Expr
    label: str | None
    span: Span = _span()
    label_kk: str | None = None


@dataclass(frozen=True)
class Template:
    """A message: text with `{expr}` holes, each hole parsed as an expression."""

    raw: str
    parts: tuple[str | Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class InForce:
    start: dt.date
    until: dt.date | None
    basis: str  # "offence" | "verdict"
    span: Span = _span()


@dataclass(frozen=True)
class Rule:
    id: str
    scope: str
    title: str | None = None
    severity: str | None = None
    cites: tuple[Expr, ...] = ()
    in_force: InForce | None = None
    tags: tuple[Ident, ...] = ()
    lets: tuple[Let, ...] = ()
    whens: tuple[Expr, ...] = ()
    unlesses: tuple[Expr, ...] = ()
    overrides: tuple[Ident, ...] = ()
    violation: Expr | None = None
    actual: Expr | None = None
    allowed: Expr | tuple[tuple[str, Expr], ...] | None = None
    message: Template | None = None
    facts: tuple[Ident, ...] = ()
    needs: tuple[Need, ...] = ()
    span: Span = _span()
    # the Kazakh texts (`title "…" kk "…"`, `message "…" kk "…"`): None when not translated
    title_kk: str | None = None
    message_kk: Template | None = None
    # where each key of an `allowed key: …` map stands (E116 points there)
    allowed_key_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    # where each clause keyword stood (for "duplicate clause" / trace output)
    clause_spans: tuple[tuple[str, Span], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class RuleFile:
    path: str
    items: tuple[Import | Define | Rule, ...]

    @property
    def imports(self) -> list[Import]:
        return [i for i in self.items if isinstance(i, Import)]

    @property
    def defines(self) -> list[Define]:
        return [i for i in self.items if isinstance(i, Define)]

    @property
    def rules(self) -> list[Rule]:
        return [i for i in self.items if isinstance(i, Rule)]


def term_literal_months(value: tuple[int, int, int]) -> Fraction:
    y, m, d = value
    return Fraction(y * 12 + m) + Fraction(d, 30)
