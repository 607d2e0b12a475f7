"""W104: a text people read that has no Kazakh translation (`"…" kk "…"`).

Why: a run in Kazakh shows a rule's title and message, and the labels of the facts it lists, to the
prosecutor; where the Kazakh text is missing the engine falls back to Russian, which a Kazakh report
must not silently do.  The same holds for a Russian text a rule computes and shows as a value — the
`actual`, a `{…}` of a message, a fact in `facts` (`if … then "беременная женщина" else …`): such a
text needs its `kk "…"` too.  A text only compared (`x = "покушение"`) is not shown and is not asked.  Reported only in a rule set that carries Kazakh texts at all (the shipped pack):
a rule set written in one language — a private one, a test's — is not asked to be bilingual.
"""

from __future__ import annotations

from typing import Any, Mapping

import re

from ..diagnostics import Diagnostic, Span
from ..i18n import N_, _
from ..model.bitext import BiText
from ..resolve.ir import FactDef, Node, Op, RuleDef
from ..resolve.types import STR

CODE = "W104"
HINT = N_('add the Kazakh text after the Russian one: "…" kk "…"')


def _translated(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef]) -> bool:
    return (any(f.label_kk for f in facts.values())
            or any(r.title_kk or r.message_kk is not None or r.allowed_kk or any(r.need_labels_kk)
                   or any(lt.label_kk for lt in r.lets) for r in rules.values()))


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any = None) -> list[Diagnostic]:
    if not _translated(facts, rules):
        return []
    out: list[Diagnostic] = []
    shown: set[str] = set()  # each fact once, however many rules list it
    for r in rules.values():
        if not r.title_kk:
            out.append(Diagnostic(CODE, _("rule {rule}: the title has no Kazakh text").format(rule=r.id),
                                  r.text_spans.get("title", r.span), hint=_(HINT)))
        if r.message_kk is None:
            out.append(Diagnostic(CODE, _("rule {rule}: the message has no Kazakh text").format(rule=r.id),
                                  r.text_spans.get("message", r.span), hint=_(HINT)))
        lets = {lt.name: lt for lt in r.lets}
        for name in r.facts:
            if name in lets:
                lt = lets[name]
                if lt.label and not lt.label_kk:
                    out.append(Diagnostic(CODE, _("rule {rule}: the label of `let {name}` has no Kazakh text").format(
                        rule=r.id, name=name), lt.span, hint=_(HINT)))
            elif name not in shown:
                shown.add(name)
                f = facts.get(name)
                if f is not None and f.label and not f.label_kk:
                    out.append(Diagnostic(CODE, _("the label of fact `{name}` (shown in findings) has no Kazakh text").format(
                        name=name), f.span, hint=_(HINT)))
    out += _shown_texts(facts, rules)
    return out


_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _shown_texts(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef]) -> list[Diagnostic]:
    """A Russian text literal without `kk` that a finding shows: reached from `actual`, a message's `{…}`
    or a listed fact through the places a text value comes out of (`if` branches, `default`, facts, lets)."""
    found: dict[tuple[str, int, int], tuple[Span, str]] = {}
    done: set[int] = set()

    def walk(n: Node, lets: Mapping[str, Node], in_message: bool = False) -> None:
        if n.type != STR or (not in_message and id(n) in done):
            return
        if not in_message:
            done.add(id(n))
        if n.op == Op.LIT:
            # a text written inside a message (`{if c then "…" else "…"}`) is in that message's language
            if not in_message and isinstance(n.data, str) and not isinstance(n.data, BiText) and _CYRILLIC.search(n.data):
                found.setdefault((n.span.file, n.span.line, n.span.column), (n.span, n.data))
        elif n.op == Op.IF:
            walk(n.args[1], lets, in_message)
            walk(n.args[2], lets, in_message)
        elif n.op == Op.CALL:
            for a in n.args:
                walk(a, lets, in_message)
        elif n.op in (Op.FACT, Op.OFACT) and n.data in facts:
            walk(facts[n.data].expr, {})
        elif n.op == Op.LET and n.data in lets:
            walk(lets[n.data], lets)

    for r in rules.values():
        lets = {lt.name: lt.expr for lt in r.lets}
        shown: list[Node] = [] if r.actual is None else [r.actual]
        for p in (r.message or []) + (r.message_kk or []):
            if isinstance(p, Node):
                walk(p, lets, in_message=True)
        for name in r.facts:
            if name in lets:
                shown.append(lets[name])
            elif name in facts:
                shown.append(facts[name].expr)
        for n in shown:
            walk(n, lets)
    return [Diagnostic(CODE, _("the text «{text}» is shown in findings and has no Kazakh text").format(text=text), span,
                       hint=_(HINT))
            for span, text in found.values()]
