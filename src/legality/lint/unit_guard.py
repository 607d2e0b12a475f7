"""W105: amounts compared or combined although their units may differ, with no guard that they agree.

Why: an amount whose unit the record decides — the imposed penalty's `amount` (a term, МРП, a multiple,
hours or days, by its kind), a sanction's `max(kind)` / `min(kind)` (a fine is in МРП or in a multiple of
the bribe) — type-checks against any other amount, since the checker cannot know the unit.  On a record
where the units differ the comparison raises, and the rule faults (E501) for that record: a rule that
compiles and passes its tests (which used only fines, say) breaks on real data (ux-2026-12, user 2).
This lint finds such a comparison at `legality check` time.

How, from the checked IR: every amount gets the set of units it can have at run time and a *source* —
the value its unit comes from (`offence.sentence.principal`, `offence.sanction#<kind>`), so that
`3/4 of x` and `x`, or a sanction's `min(k)` and `max(k)`, are known to agree.  Facts and `let`s are
read through (a fact's value is computed on every record, but a fault in it surfaces only where a rule
reads it, under that rule's conditions).  Then each `<`, `<=`, `>`, `>=`, `+`, `-`, ratio, `min`/`max`/
`sum` and quantifier `max`/`min`/`sum` over amounts is checked under the conditions that hold where it is
evaluated, in the evaluator's order: earlier `when`s (true), every `unless` (false) before `needs` and
`violation`, the violation (true) before `actual`/`allowed`/`message`/`facts`; the earlier operands of an
`and` (true) or `or` (false) chain; an `if`'s condition.  A condition guards when it is
`same_unit(a, b)` of the two sources, or fixes the penalty kind the unit comes from
(`imposed_kind = imprisonment`, `kind in {arrest}`): then both sides can have only one and the same unit.
`=` and `!=` never fault (amounts of other units are simply unequal) and are not checked.

Silencing: the fix is the guard itself (`when same_unit(a, b)`); there is no pragma.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostic, Span
from ..i18n import _
from ..model.enums import PenaltyKind
from ..model.values import Quantity, Term
from ..resolve.ir import FactDef, Node, Op, RuleDef, chain_operands
from ..resolve.types import ANY, EnumT, QtyT

CODE = "W105"

UNITS = frozenset({"term", "mrp", "multiple", "hours", "days"})
# the units a penalty of each kind carries (model/enums.py AMOUNT_FIELDS; a sanction's option likewise,
# law/schema.py UNIT_OF_KIND): a fine is in МРП or in a multiple; kinds without an amount have none
KIND_UNITS: dict[PenaltyKind, frozenset[str]] = {
    PenaltyKind.fine: frozenset({"mrp", "multiple"}),
    PenaltyKind.correctional_labour: frozenset({"mrp"}),
    PenaltyKind.community_service: frozenset({"hours"}),
    PenaltyKind.arrest: frozenset({"days"}),
    PenaltyKind.restriction_of_liberty: frozenset({"term"}),
    PenaltyKind.imprisonment: frozenset({"term"}),
    PenaltyKind.ban_on_office: frozenset({"term"}),
}
ALL_KINDS = frozenset(PenaltyKind)
# members of a penalty whose unit is fixed although they are typed `amount`
_FIXED_MEMBER = {("Penalty", "mrp"): "mrp", ("Penalty", "multiple"): "multiple", ("Penalty", "hours"): "hours",
                 ("Penalty", "days"): "days", ("Verdict", "forced_payment"): "mrp"}
_ORDER = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Unit:
    """What is known of an amount's unit: the units it may have (given the conditions) and where it comes from."""

    units: frozenset[str]
    source: str           # equal sources: equal units on every record
    kind_key: str | None  # the penalty-kind expression its units depend on, if any


@dataclass(frozen=True)
class Guards:
    """The conditions known to hold: pairs of sources with one unit, and narrowed penalty kinds."""

    same: frozenset[tuple[str, str]] = frozenset()
    kinds: tuple[tuple[str, frozenset[PenaltyKind]], ...] = ()
    single: frozenset[str] = frozenset()  # lists known to hold one item (`count(offences) = 1`)

    def kinds_of(self, key: str) -> frozenset[PenaltyKind]:
        out = ALL_KINDS
        for k, ks in self.kinds:
            if k == key:
                out = out & ks
        return out

    def plus(self, other: "Guards") -> "Guards":
        if not other.same and not other.kinds and not other.single:
            return self
        return Guards(self.same | other.same, self.kinds + other.kinds, self.single | other.single)


NO_GUARDS = Guards()


class _Linter:
    def __init__(self, facts: Mapping[str, FactDef]):
        self.facts = facts
        self.found: dict[tuple[str, int, int], Diagnostic] = {}
        self._walked: set[tuple[str, str, Guards]] = set()
        self.vars: dict[str, Node] = {}  # a quantifier's variable -> the list it runs over (names never hide: E104)

    # ------------------------------------------------------------------ canonical text of a value

    def canon(self, n: Node, off: str, lets: Mapping[str, Node]) -> str:
        """The value as text, facts and lets read through: equal texts are equal values on a record."""
        op = n.op
        if op == Op.ROOT:
            if n.data == "offence":
                return off
            if n.data == "sentence":
                return f"{off}.sentence" if str(n.type) == "Sentence" else "final"
            return "final" if n.data == "final_sentence" else str(n.data)
        if op == Op.MEMBER:
            return f"{self.canon(n.args[0], off, lets)}.{n.data[1]}"
        if op == Op.FACT and n.data in self.facts:
            return self.canon(self.facts[n.data].expr, off, {})
        if op == Op.OFACT and n.data in self.facts:
            return self.canon(self.facts[n.data].expr, self.canon(n.args[0], off, lets), {})
        if op == Op.LET and n.data in lets:
            return self.canon(lets[n.data], off, lets)
        if op == Op.VAR:
            return f"${n.data}"
        if op == Op.LIT:
            return f"#{getattr(n.data, 'value', n.data)!s}:{n.type}"
        inner = " ".join(self.canon(a, off, lets) for a in n.args)
        return f"({op}{'' if n.data is None else ' ' + str(n.data)} {inner})"

    # ------------------------------------------------------------------ units

    def unit(self, n: Node, off: str, lets: Mapping[str, Node], g: Guards) -> Unit | None:
        """The unit of an amount-valued node, or None when it is not an amount (or after an error)."""
        t = n.type
        if not isinstance(t, QtyT):
            return None
        op = n.op
        if op in (Op.FACT, Op.OFACT, Op.LET):
            inner, off2, lets2 = self._definition(n, off, lets)
            if inner is not None:
                return self.unit(inner, off2, lets2, g)
        if t.unit is not None:
            return Unit(frozenset({t.unit}), "=" + t.unit, None)
        if op == Op.MEMBER and n.data in _FIXED_MEMBER:
            u = _FIXED_MEMBER[n.data]
            return Unit(frozenset({u}), "=" + u, None)
        if op == Op.MEMBER and n.data == ("Penalty", "amount"):
            p = self.canon(n.args[0], off, lets)
            return self._by_kind(p + ".kind", "unit:" + p, g)
        if op == Op.METHOD and n.data[1] in ("max", "min") and n.data[0] == "Sanction":
            s, k = self._sanction(n.args[0], off, lets), n.args[1]
            if k.op == Op.LIT and isinstance(k.data, PenaltyKind):
                units = KIND_UNITS.get(k.data, frozenset())
                return Unit(units, f"unit:{s}#{k.data.value}" if len(units) > 1 else _fixed(units), None)
            kk = self.canon(k, off, lets)
            return self._by_kind(kk, f"unit:{s}#{kk}", g)
        if op == Op.ARITH and n.data in ("of", "scale", "qdiv"):
            q = n.args[1] if n.data == "of" else n.args[0]
            return self.unit(q, off, lets, g)
        if op == Op.ARITH and n.data in ("+", "-"):
            a, b = self.unit(n.args[0], off, lets, g), self.unit(n.args[1], off, lets, g)
            if a is None or b is None:
                return a or b
            return Unit(a.units & b.units or a.units, a.source, a.kind_key)
        if op == Op.CALL and n.data in ("min", "max", "sum", "default") or op == Op.IF:
            branches = n.args[1:] if op == Op.IF else n.args
            us = [self.unit(a, off, lets, g) for a in branches]
            us2 = [u for u in us if u is not None]
            if not us2:
                return None
            if all(u.source == us2[0].source for u in us2):
                return us2[0]
            units = frozenset().union(*(u.units for u in us2)) if n.data == "default" or op == Op.IF \
                else frozenset.intersection(*(u.units for u in us2)) or us2[0].units
            return Unit(units, _fixed(units) or "expr:" + self.canon(n, off, lets), None)
        if op == Op.QUANT:
            self.vars[n.data[1]] = n.args[0]
            b = self.unit(n.args[1], off, lets, g)
            if b is not None and f"${n.data[1]}" not in b.source:
                return b  # every item's amount has one source: so has their max, min or sum
            units = b.units if b is not None else UNITS
            return Unit(units, _fixed(units) or "expr:" + self.canon(n, off, lets), None)
        return Unit(UNITS, "expr:" + self.canon(n, off, lets), None)

    def _sanction(self, n: Node, off: str, lets: Mapping[str, Node]) -> str:
        """Where a sanction's units come from.  An edition of `offence.milder_sanctions(d)` has, for every kind
        the offence-date edition provides too, the same unit (a change of unit is never «milder»: law/sanction.py
        `milder_than`), so its amounts agree with `offence.sanction`'s."""
        if n.op == Op.VAR and n.data in self.vars:
            it = self.deref(self.vars[n.data], lets)
            if it.op == Op.METHOD and it.data == ("Offence", "milder_sanctions"):
                return self.canon(it.args[0], off, lets) + ".sanction"
        return self.canon(n, off, lets)

    def deref(self, n: Node, lets: Mapping[str, Node]) -> Node:
        """The expression behind a fact or let (the first one that is neither)."""
        for _i in range(100):
            if n.op == Op.FACT and n.data in self.facts:
                n = self.facts[n.data].expr
            elif n.op == Op.LET and n.data in lets:
                n = lets[n.data]
            else:
                break
        return n

    def _by_kind(self, kind_key: str, source: str, g: Guards) -> Unit:
        units = frozenset().union(*(KIND_UNITS.get(k, frozenset()) for k in g.kinds_of(kind_key)))
        return Unit(units, _fixed(units) or source, kind_key)

    def _definition(self, n: Node, off: str, lets: Mapping[str, Node]) -> tuple[Node | None, str, Mapping[str, Node]]:
        if n.op == Op.FACT and n.data in self.facts:
            return self.facts[n.data].expr, off, {}
        if n.op == Op.OFACT and n.data in self.facts:
            return self.facts[n.data].expr, self.canon(n.args[0], off, lets), {}
        if n.op == Op.LET and n.data in lets:
            return lets[n.data], off, lets
        return None, off, lets

    # ------------------------------------------------------------------ conditions

    def assume(self, c: Node, holds: bool, off: str, lets: Mapping[str, Node], g: Guards) -> Guards:
        """What is known when condition `c` is true (`holds`) or false."""
        op = c.op
        if op in (Op.FACT, Op.OFACT, Op.LET):
            inner, off2, lets2 = self._definition(c, off, lets)
            return self.assume(inner, holds, off2, lets2, g) if inner is not None else NO_GUARDS
        if op == Op.NOT:
            return self.assume(c.args[0], not holds, off, lets, g)
        if (op == Op.AND and holds) or (op == Op.OR and not holds):
            out = NO_GUARDS
            for x in chain_operands(c):
                out = out.plus(self.assume(x, holds, off, lets, g.plus(out)))
            return out
        if op == Op.CALL and c.data == "same_unit" and holds:
            ua, ub = (self.unit(x, off, lets, g) for x in c.args)
            if ua is None or ub is None:
                return NO_GUARDS
            # one side's unit fixed: the other's kind is narrowed to the kinds of that unit
            out = Guards(frozenset({(ua.source, ub.source)}))
            for u, v in ((ua, ub), (ub, ua)):
                if len(u.units) == 1 and v.kind_key is not None:
                    out = out.plus(Guards(kinds=((v.kind_key, _kinds_with(u.units)),)))
            return out
        if op in (Op.EQ, Op.NE, Op.IN, Op.NOTIN):
            positive = holds == (op in (Op.EQ, Op.IN))
            a, b = c.args
            if op == Op.EQ and positive:
                for x, y in ((a, b), (b, a)):
                    xd = self.deref(x, lets)
                    if xd.op == Op.CALL and xd.data == "count" and y.op == Op.LIT and y.data == 1:
                        return Guards(single=frozenset({self.canon(xd.args[0], off, lets)}))
            kinds = _kind_values(b) if op in (Op.IN, Op.NOTIN) else (_kind_values(b) or _kind_values(a))
            if kinds is None:
                return NO_GUARDS
            side = a if op in (Op.IN, Op.NOTIN) or _kind_values(b) is not None else b
            if not (isinstance(side.type, EnumT) and side.type.enum is PenaltyKind):
                return NO_GUARDS
            if op in (Op.EQ, Op.NE) and len(kinds) != 1:
                return NO_GUARDS
            ks = kinds if positive else ALL_KINDS - kinds
            return Guards(kinds=((self.canon(side, off, lets), ks),))
        return NO_GUARDS

    # ------------------------------------------------------------------ the walk

    def walk(self, n: Node, off: str, lets: Mapping[str, Node], g: Guards, rule: RuleDef) -> None:
        op = n.op
        if op in (Op.FACT, Op.OFACT, Op.LET):
            if op == Op.OFACT:
                self.walk(n.args[0], off, lets, g, rule)
            inner, off2, lets2 = self._definition(n, off, lets)
            if inner is not None:
                key = (f"{op}:{n.data}", off2, g)
                if key not in self._walked:
                    self._walked.add(key)
                    self.walk(inner, off2, lets2, g, rule)
            return
        if op in (Op.AND, Op.OR):
            seen = NO_GUARDS
            for x in chain_operands(n):
                self.walk(x, off, lets, g.plus(seen), rule)
                seen = seen.plus(self.assume(x, op == Op.AND, off, lets, g.plus(seen)))
            return
        if op == Op.IF:
            c, a, b = n.args
            self.walk(c, off, lets, g, rule)
            self.walk(a, off, lets, g.plus(self.assume(c, True, off, lets, g)), rule)
            self.walk(b, off, lets, g.plus(self.assume(c, False, off, lets, g)), rule)
            return
        if op == Op.QUANT:
            self.vars[n.data[1]] = n.args[0]
        for a in n.args:
            self.walk(a, off, lets, g, rule)
        if op == Op.CMP and n.data in _ORDER:
            self.pair(n, n.args[0], n.args[1], off, lets, g, rule, "compare")
        elif op == Op.ARITH and n.data in ("+", "-", "ratio"):
            self.pair(n, n.args[0], n.args[1], off, lets, g, rule, "combine")
        elif op == Op.CALL and n.data in ("min", "max", "sum") and len(n.args) > 1:
            for b in n.args[1:]:
                self.pair(n, n.args[0], b, off, lets, g, rule, "compare" if n.data != "sum" else "combine")
        elif op == Op.QUANT and n.data[0] in ("max", "min", "sum"):
            # the items' amounts are compared (added) with each other: they must agree from item to item — their
            # unit comes from something outside the item, or the list holds a single item
            self.vars[n.data[1]] = n.args[0]
            u = self.unit(n.args[1], off, lets, g)
            if (u is not None and len(u.units) > 1 and f"${n.data[1]}" in u.source
                    and self.canon(n.args[0], off, lets) not in g.single):
                self.report(n, n.args[1], n.args[1], u, u, rule, "each")

    def pair(self, site: Node, a: Node, b: Node, off: str, lets: Mapping[str, Node], g: Guards, rule: RuleDef,
             verb: str) -> None:
        ua, ub = self.unit(a, off, lets, g), self.unit(b, off, lets, g)
        if ua is None or ub is None or ANY in (a.type, b.type):
            return
        if not ua.units or not ub.units:  # never a value: the comparison never runs
            return
        if ua.source == ub.source or _joined(ua.source, ub.source, g.same):
            return
        if len(ua.units) == 1 and ua.units == ub.units:
            return
        self.report(site, a, b, ua, ub, rule, verb)

    def report(self, site: Node, a: Node, b: Node, ua: Unit, ub: Unit, rule: RuleDef, verb: str) -> None:
        key = (site.span.file, site.span.line, site.span.column)
        if key in self.found:
            return
        ta, tb = _show(a), _show(b)
        if verb == "each":
            msg = _("the amounts `{a}` may have different units from one item to the next: "
                    "`{op}` over them faults (E501) on such a record").format(a=ta, op=site.data[0])
            hint = _("take only one kind of penalty inside, e.g. `{q} x in …: if x.kind = imprisonment then x.term "
                     "else 0 months`").format(q=site.data[0])
        elif not (ua.units & ub.units):
            msg = _("`{a}` ({ua}) and `{b}` ({ub}) never have the same unit here: the rule faults (E501) "
                    "whenever it gets this far").format(a=ta, b=tb, ua=_units(ua.units), ub=_units(ub.units))
            hint = _("compare with an amount of the same unit, or fix the kind condition before it")
        else:
            msg = _("`{a}` ({ua}) and `{b}` ({ub}) may have different units on a record, and nothing guards "
                    "this {what}: the rule faults (E501) on such a record").format(
                a=ta, b=tb, ua=_units(ua.units), ub=_units(ub.units),
                what=_("comparison") if verb == "compare" else _("arithmetic"))
            hint = _("guard it: `when same_unit({a}, {b})`, or narrow the penalty kind first "
                     "(`when imposed_kind = imprisonment`)").format(a=ta, b=tb)
        related: tuple[tuple[str, Span], ...] = ()
        if site.span.file != rule.span.file or not (rule.span.line <= site.span.line):
            related = ((_("read by rule {rule}").format(rule=rule.id), rule.span),)
        self.found[key] = Diagnostic(CODE, msg, site.span, hint=hint, related=related)

    # ------------------------------------------------------------------ a rule

    def rule(self, r: RuleDef) -> None:
        off = "offence"
        lets = {lt.name: lt.expr for lt in r.lets}
        g = NO_GUARDS
        for c in r.whens:
            self.walk(c.expr, off, lets, g, r)
            g = g.plus(self.assume(c.expr, True, off, lets, g))
        for c in r.unlesses:
            self.walk(c.expr, off, lets, g, r)
            g = g.plus(self.assume(c.expr, False, off, lets, g))
        for c in r.needs:
            self.walk(c.expr, off, lets, g, r)
        self.walk(r.violation.expr, off, lets, g, r)
        g = g.plus(self.assume(r.violation.expr, True, off, lets, g))
        shown: list[Node] = list(r.dynamic_cites)
        if r.actual is not None:
            shown.append(r.actual)
        if isinstance(r.allowed, Node):
            shown.append(r.allowed)
        elif r.allowed:
            shown += [x for _k, x in r.allowed]
        shown += [p for p in (r.message or []) + (r.message_kk or []) if isinstance(p, Node)]
        for name in r.facts:
            if name in lets:
                shown.append(lets[name])
            elif name in self.facts:
                shown.append(self.facts[name].expr)
        for x in shown:
            self.walk(x, off, lets, g, r)


def _fixed(units: frozenset[str]) -> str:
    return "=" + next(iter(units)) if len(units) == 1 else ""


def _kinds_with(units: frozenset[str]) -> frozenset[PenaltyKind]:
    return frozenset(k for k, us in KIND_UNITS.items() if us & units)


def _kind_values(n: Node) -> frozenset[PenaltyKind] | None:
    if n.op == Op.LIT and isinstance(n.data, PenaltyKind):
        return frozenset({n.data})
    if n.op == Op.SET and n.args and all(a.op == Op.LIT and isinstance(a.data, PenaltyKind) for a in n.args):
        return frozenset(a.data for a in n.args)
    return None


def _joined(a: str, b: str, same: Iterable[tuple[str, str]]) -> bool:
    """Whether `same_unit` guards connect the two sources (through other sources too)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for x, y in same:
        parent[find(x)] = find(y)
    return find(a) == find(b)


def _units(units: frozenset[str]) -> str:
    names = {"term": _("a term"), "mrp": _("an amount in MRP"), "multiple": _("a multiple"),
             "hours": _("hours of work"), "days": _("days of arrest")}
    if units == UNITS:
        return _("any unit")
    return " / ".join(names[u] for u in ("term", "mrp", "multiple", "hours", "days") if u in units)


def _show(n: Node) -> str:
    """The operand as the author wrote it (near enough): a fact or let by its name, a field path, a literal."""
    if n.op in (Op.FACT, Op.LET):
        return str(n.data)
    if n.text:
        return n.text
    if n.op == Op.LIT:
        return _literal(n.data)
    if n.op == Op.ARITH and n.data == "of":
        return f"{_show(n.args[0])} of {_show(n.args[1])}"
    if n.op == Op.ARITH and len(n.args) == 2:
        sym = {"scale": "*", "qdiv": "/", "ratio": "/"}.get(n.data, n.data)
        return f"{_show(n.args[0])} {sym} {_show(n.args[1])}"
    return "…"


def _literal(v: Any) -> str:
    """A constant as the rule language writes it: `100 mrp`, `3 years 9 months`."""
    if isinstance(v, Term):
        parts = [(v.years, "years"), (v.months, "months"), (v.days, "days")]
        return " ".join(f"{x} {u}" for x, u in parts if x) or "0 months"
    if isinstance(v, Quantity):
        value = v.value if v.value.denominator != 1 else v.value.numerator
        return f"{value} {v.unit}"
    return str(v)


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any = None) -> list[Diagnostic]:
    linter = _Linter(facts)
    for r in rules.values():
        linter.rule(r)
    return list(linter.found.values())
