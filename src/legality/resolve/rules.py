"""A rule, surface → checked `RuleDef`: its required clauses, citations, lets, conditions and `facts`.

Why apart from expression typing: these are the rules about a rule's shape (E008 a clause is
missing, E103 a citation cannot be read, E105 `overrides` names no rule, E114 an empty period) and
the order in which its names come into scope (lets before the clauses that read them).  A rule
with any error yields no `RuleDef`, so later stages never see half a rule.
"""

from __future__ import annotations

from typing import Mapping

from ..i18n import N_, _
from ..model.values import Citation
from ..result.candidate import SEVERITIES
from ..syntax import ast as A
from ..syntax.printer import expr as print_expr
from ..words import BOUND_KEYS
from . import schema as S
from .errors import Fail, Reporter, suggest
from .field_labels import FIELD_RU
from .ir import Clause, FactDef, LetDef, Node, Op, RuleDef
from .leaves import leaves
from .names import SCOPES, Ctx, Names
from .typecheck import Typer
from .types import ANY, BOOL, shown

REQUIRED = {  # the hint for each missing clause (English message ids, translated where shown)
    "title": N_('add: title "…" (one line, in Russian)'),
    "severity": N_("add: severity high | medium | low"),
    "violation": N_("add: violation <condition under which the sentence is unlawful>"),
    "message": N_('add: message "… {{value}} …" (what is wrong and what the law allows)'),
}


class RuleCheck:
    """Checks one rule; `ok` turns False at its first error (and every error is still reported)."""

    def __init__(self, r: A.Rule, path: str, typer: Typer, facts: Mapping[str, FactDef]):
        self.r, self.path, self.typer, self.facts = r, path, typer, facts
        self.names: Names = typer.names
        self.rep: Reporter = typer.rep
        self.ctx = Ctx(r.scope, path, owner=r.id)
        self.ok = True

    def run(self) -> RuleDef | None:
        r, err = self.r, self.rep.err
        if r.scope not in SCOPES:
            err("E109", _("unknown scope `{scope}`").format(scope=r.scope), r.span, _("scopes: record, offence, final_sentence"))
            return None
        self._required()
        if r.in_force and r.in_force.until and r.in_force.until <= r.in_force.start:
            err("E114", _("`until` {until} is not after `from` {start}").format(until=r.in_force.until, start=r.in_force.start),
                r.in_force.span)
        static_cites, dyn, order = self._cites()
        lets = self._lets()
        whens = [self._clause("when", e) for e in r.whens]
        needs = [self._need(nd) for nd in r.needs]
        unlesses = [self._clause("unless", e) for e in r.unlesses]
        viol = self._clause("violation", r.violation) if r.violation is not None else None
        actual = self._opt(r.actual)
        allowed = self._allowed()
        message = self._message(r.message)
        message_kk = self._message(r.message_kk) if r.message_kk is not None else None
        self._overrides()
        facts = self._listed_facts()
        if r.severity is not None and r.severity not in SEVERITIES:
            err("E001", _("unknown severity {severity}").format(severity=r.severity), r.span, _("high, medium or low"))
        if not self.ok or viol is None:
            return None
        ctx = self.ctx
        if not facts:  # default: the facts and lets the rule reads, in first-use order (the unlabelled ones
            # are kept in the report's `facts` but not said to people: `facts_text` has only labelled ones)
            facts = [n for n in ctx.lets] + sorted(ctx.deps_facts - set(ctx.lets))
            facts = [f for f in facts if f in ctx.lets or self.facts[f].scope == r.scope or self.facts[f].scope != "offence"]
        in_force = (r.in_force.start, r.in_force.until, r.in_force.basis) if r.in_force else None
        return RuleDef(
            id=r.id, scope=r.scope, title=r.title or "", severity=r.severity or "medium",
            static_cites=static_cites, dynamic_cites=dyn, cite_order=order, in_force=in_force,
            tags=[t.value for t in r.tags], lets=lets,
            whens=[c for c in whens if c is not None],
            needs=[c for c, _ in (n for n in needs if n is not None)],
            need_labels=[lbl for _, lbl in (n for n in needs if n is not None)],
            need_labels_kk=[nd.label_kk for nd, n in zip(r.needs, needs) if n is not None],
            title_kk=r.title_kk, message_kk=message_kk, allowed_kk=self._allowed_kk(),
            text_spans={**{k: sp for k, sp in r.clause_spans if k in ("title", "message")},
                        # where each static citation stands, "cite0", "cite1", … (lint W106 points there)
                        **{f"cite{i}": c.span for i, c in enumerate(
                            x for x in r.cites if isinstance(x, A.Literal) and isinstance(x.value, str) and x.unit is None)}},
            unlesses=[c for c in unlesses if c is not None],
            overrides=[o.value for o in r.overrides], violation=viol, actual=actual, allowed=allowed,
            message=message, facts=facts, file=self.path, span=r.span,
            deps_facts=frozenset(ctx.deps_facts), deps_rules=frozenset(ctx.deps_rules), deps_law=frozenset(ctx.deps_law),
        )

    def _required(self) -> None:
        r = self.r
        for clause, hint in REQUIRED.items():
            if getattr(r, clause) is None:
                self.rep.err("E008", _("rule {rule} has no `{clause}`").format(rule=r.id, clause=clause), r.span,
                             _(hint).format())
                self.ok = False
        if not r.cites:
            self.rep.err("E008", _("rule {rule} cites no provision").format(rule=r.id), r.span,
                         _('add: cite "{example}" (the general norm first)').format(example="УК РК ст.N ч.N"))
            self.ok = False

    def _cites(self) -> tuple[list[Citation], list[Node], list[tuple[str, int]]]:
        static_cites: list[Citation] = []
        dyn: list[Node] = []
        order: list[tuple[str, int]] = []
        for c in self.r.cites:
            if isinstance(c, A.Literal) and isinstance(c.value, str) and c.unit is None:
                try:
                    static_cites.append(Citation.parse(c.value))
                    order.append(("s", len(static_cites) - 1))
                except ValueError as e:
                    self.rep.err("E103", _("cannot read citation {citation}: {reason}").format(
                                 citation=repr(c.value), reason=e), c.span,
                                 _('write it as "{example}" (the act, then {marks})').format(
                                     example="УК РК ст.56 ч.3", marks="ст., ч., п."))
                    self.ok = False
            else:
                try:
                    n = self.typer.closed(c, self.ctx)
                    if n.type not in (S.REF, ANY):
                        self.rep.fail("E102", _("a citation must be a text or an article reference, not {type}").format(
                                          type=shown(n.type)), c.span,
                                      _('e.g. cite "{example}", offence.ref').format(example="УК РК ст.56 ч.3"))
                    dyn.append(n)
                    order.append(("d", len(dyn) - 1))
                except Fail:
                    self.ok = False
        return static_cites, dyn, order

    def _lets(self) -> list[LetDef]:
        ctx, out = self.ctx, []
        for lt in self.r.lets:
            if lt.name in ctx.lets or lt.name in self.names.defines or lt.name in S.ROOTS:
                self.rep.err("E104", _("`let {name}` hides another name").format(name=lt.name), lt.span,
                             _("choose another name"))
                self.ok = False
                continue
            try:
                n = self.typer.closed(lt.expr, ctx)
            except Fail:
                n = Node(Op.LIT, ANY, lt.span)
                self.ok = False
            ld = LetDef(lt.name, lt.label, n, lt.span, lt.label_kk)
            ctx.lets[lt.name] = ld
            out.append(ld)
        return out

    def _clause(self, kind: str, e: A.Expr) -> Clause | None:
        try:
            n = self.typer.closed(e, self.ctx, BOOL, _("`{clause}` needs a condition (true/false)").format(clause=kind))
        except Fail:
            self.ok = False
            return None
        return Clause(kind, n, print_expr(e), leaves(n))

    def _need(self, nd: A.Need) -> tuple[Clause, str] | None:
        """A `needs` clause: any value; its label says in Russian what the record lacked."""
        try:
            n = self.typer.closed(nd.expr, self.ctx)
        except Fail:
            self.ok = False
            return None
        label = nd.label or need_label(n, self.facts, self.ctx)
        if not label:
            self.rep.err("E008", _("`needs`: cannot name this value for the report; add a label"), nd.span,
                         _('write it as: needs EXPR "what exactly the record lacks (in Russian)"'))
            self.ok = False
            return None
        return Clause("needs", n, print_expr(nd.expr), leaves(n)), label

    def _opt(self, e: A.Expr | None) -> Node | None:
        if e is None:
            return None
        try:
            return self.typer.closed(e, self.ctx)
        except Fail:
            return None

    def _allowed(self) -> Node | list[tuple[str, Node]] | None:
        allowed = self.r.allowed
        if not isinstance(allowed, tuple):
            return self._opt(allowed)
        out: list[tuple[str, Node]] = []
        key_spans = self.r.allowed_key_spans
        for i, (k, e) in enumerate(allowed):
            if k not in BOUND_KEYS:
                at = key_spans[i] if i < len(key_spans) else e.span
                self.rep.err("E116", _("`allowed {key}:` is not a key the reports can put in words").format(key=k), at,
                             _("keys: {keys}; or write the bound as text: allowed \"…\"").format(
                                 keys=", ".join(sorted(BOUND_KEYS))))
                self.ok = False
                continue
            n = self._opt(e)
            if n is None:
                self.ok = False
            else:
                out.append((k, n))
        return out

    def _allowed_kk(self) -> dict[str, str]:
        """The Kazakh texts of `allowed "…" kk "…"` (key "") and of `allowed key: "…" kk "…"`."""
        allowed = self.r.allowed
        entries = allowed if isinstance(allowed, tuple) else (("", allowed),) if allowed is not None else ()
        return {k: e.kk for k, e in entries if isinstance(e, A.Literal) and e.kk is not None}

    def _message(self, template: A.Template | None) -> list[str | Node]:
        """A message's parts: text, and each `{hole}` checked like any expression of the rule."""
        message: list[str | Node] = []
        if template is not None:
            for part in template.parts:
                if isinstance(part, str):
                    message.append(part)
                else:
                    n = self._opt(part)
                    if n is None:
                        self.ok = False
                    else:
                        message.append(n)
        return message

    def _overrides(self) -> None:
        r = self.r
        for o in r.overrides:
            if o.value not in self.names.rules_ast:
                self.rep.err("E105", _("`overrides {rule}`: no such rule").format(rule=o.value), o.span,
                             suggest(o.value, self.names.rules_ast))
                self.ok = False
            elif o.value == r.id:
                self.rep.err("E105", _("a rule cannot override itself"), o.span)
                self.ok = False

    def _listed_facts(self) -> list[str]:
        r, ctx, names, out = self.r, self.ctx, self.names, []
        for f in r.facts:
            if f.value in ctx.lets:
                if not ctx.lets[f.value].label:
                    self._unlabelled(f)
                    continue
                out.append(f.value)
            elif f.value in names.defines:
                if not names.is_visible(f.value, ctx):
                    path = names.defines[f.value][1]
                    self.rep.err("E101", _("fact `{name}` is defined in {file}, which this file does not import").format(
                                 name=f.value, file=path), f.span, _('add: import "{file}"').format(file=path))
                    self.ok = False
                    continue
                fd = self.facts.get(f.value)
                if fd and fd.scope == "offence" and r.scope != "offence":
                    self.rep.err("E109", _("offence-level fact `{name}` in a {scope}-level rule").format(
                        name=f.value, scope=r.scope), f.span)
                    self.ok = False
                    continue
                ctx.deps_facts.add(f.value)
                if fd is not None and not fd.label:
                    self._unlabelled(f)
                    continue
                out.append(f.value)
            else:
                self.rep.err("E101", _("`facts {name}`: unknown fact").format(name=f.value), f.span,
                             suggest(f.value, list(names.defines) + list(ctx.lets)))
                self.ok = False
        return out

    def _unlabelled(self, f: A.Ident) -> None:
        """E115: a finding shows each listed fact by its label; without one a prosecutor would read an identifier."""
        self.rep.err("E115", _("`facts {name}`: `{name}` has no label to show in findings").format(name=f.value),
                     f.span, _('give it one: define {name} "what it means (in Russian)" kk "…" = …  '
                               '(or `let {name} "…" = …`)').format(name=f.value))
        self.ok = False


def need_label(n: Node, facts: Mapping[str, FactDef], ctx: Ctx) -> str:
    """What a `needs` expression reads, in Russian: the labels of its fields, facts and lets, in order."""
    out: list[str] = []

    def add(label: str | None) -> None:
        if label and label not in out:
            out.append(label)

    stack = [n]
    while stack:
        x = stack.pop()
        if x.op is Op.MEMBER:
            add(FIELD_RU.get(tuple(x.data)))
            continue
        if x.op in (Op.FACT, Op.OFACT):
            fd = facts.get(x.data)
            add(fd.label if fd is not None else None)
            continue
        if x.op is Op.LET:
            ld = ctx.lets.get(x.data)
            add(ld.label if ld is not None else None)
            continue
        if x.op is Op.QUANT:  # a list is never missing: what can be is what the body reads of each item
            stack.append(x.args[1])
            continue
        stack.extend(reversed(x.args))
    return ", ".join(out)
