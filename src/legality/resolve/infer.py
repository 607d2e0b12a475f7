"""Enum inference: a bare name such as `medium` is typed by the context it stands in.

Why a pass of its own: `regime = medium`, `regime in {minimum, medium}` and `if … then general else
strict` only know which enum a bare name belongs to once the other side is typed.  Until then the
name is an `enum` node of the PENDING type; these functions return a new, typed node for it (a
constant of the enum), never patch the one they were given.  `finish` closes an expression: a name
still pending belongs to the one enum that has it, or it is an unknown name.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..i18n import _
from ..model.enums import ENUMS
from . import schema as S
from .errors import Reporter, suggest, unknown_hint
from .ir import Node, Op
from .types import ANY, EnumT, PendingT, SetT


def is_pending(n: Node) -> bool:
    """A bare name, or a set of bare names, whose enum type is not known yet."""
    return (n.op is Op.ENUM and isinstance(n.type, PendingT)) or \
        (n.op is Op.SET and isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT))


def resolve_enum(n: Node, t: EnumT, rep: Reporter) -> Node:
    """`n` typed as a value (or a set of values) of `t`; E112 when a name is not one of its values."""
    if n.op is Op.ENUM and isinstance(n.type, PendingT):
        try:
            value = t.enum[n.data]
        except KeyError:
            rep.fail("E112", _("`{name}` is not a value of {enum}").format(name=n.data, enum=t), n.span,
                     suggest(n.data, [m.name for m in t.enum])
                     or _("values: {values}").format(values=", ".join(m.name for m in t.enum)))
        return replace(n, op=Op.LIT, type=t, data=value)
    if n.op is Op.SET and isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT):
        return replace(n, args=tuple(resolve_enum(a, t, rep) for a in n.args), type=SetT("set", t))
    return n


def finish(n: Node, rep: Reporter, names_here: Callable[[], list[str]]) -> Node:
    """The expression with every name its context left pending decided, or reported (E101) as unknown.

    Nodes are visited in pre-order, right child first (the order of the diagnostics); a sub-tree
    with nothing to decide is returned as it was.
    """
    unique = None
    if is_pending(n):
        unique = unique_enum([a.data for a in n.args] if n.op is Op.SET else [n.data])
    if unique is not None:
        return resolve_enum(n, unique, rep)
    if isinstance(n.type, PendingT) and n.op is Op.ENUM:
        rep.err("E101", _("unknown name `{name}`").format(name=n.data), n.span,
                unknown_hint(n.data, names_here() + all_enum_values()))
        n = replace(n, type=ANY)
    elif isinstance(n.type, SetT) and isinstance(n.type.elem, PendingT):
        n = replace(n, type=SetT("set", ANY))
    if not n.args:
        return n
    args = list(n.args)
    for i in reversed(range(len(args))):
        args[i] = finish(args[i], rep, names_here)
    if all(a is b for a, b in zip(args, n.args)):
        return n
    return replace(n, args=tuple(args))


def unique_enum(names: list[str]) -> EnumT | None:
    """The one enum that has all these values, if exactly one does (`{minimum, medium}` → Regime)."""
    hits = [t for t in S.ENUM_TYPES.values() if all(n in t.enum.__members__ for n in names)]
    return hits[0] if len(hits) == 1 else None


def all_enum_values() -> list[str]:
    return sorted({m.name for e in ENUMS.values() for m in e})
