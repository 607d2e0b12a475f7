"""`legality explain`: the evaluation trace of one record, for a prosecutor (default), a rule author (`--full`)
or a tool (JSON).

Why two text views: a prosecutor asks «what is wrong, what does the law allow and why, what was checked,
what could not be checked» and reads a page; a rule author debugging a rule needs every rule with its
deciding clause and every fact by name.  Both read the same trace (`legality.result.trace`); this module
only renders it.

The prosecutor's view (`explain_brief`): the record's particulars (episodes, final sentence, prior
convictions), then each finding — title, важность, message, its facts in words, the computed limit step
by step, the norms (the offence's own article included) — then one line per rule that found no
violation, one count of rules that did not apply, and every gap of the check (never silent).  No rule
id, fact name, rule-language expression or Python value reaches it.

The step-by-step limit: the facts the finding's `allowed` value is computed from, found in the rule
program's dependency graph (`FactDef.deps_facts`) and shown with their labels and traced values in
dependency order, ending with what was imposed: «максимум санкции …: 5 лет → предел по ст.56 …: 3 года
9 месяцев → назначено: 4 года».
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .. import words
from ..i18n import N_, _, language
from ..result.candidate import Candidate, Evaluation, RuleInfo
from ..result.trace import (
    EXCEPTED,
    FAULT,
    FIRED,
    MISSING,
    NOT_APPLICABLE,
    NOT_IN_FORCE,
    OVERRIDDEN,
    PASSED,
    UNDETERMINED,
    FactTrace,
    Trace,
    reason_text,
    status_text,
)
from .protest import finding_of, prior_convictions, sentence
from .text import safe_text
from .verdict_text import verdict_particulars

EXPLAIN_TAG = "legality.explain/1"
ORDER = (FIRED, FAULT, UNDETERMINED, PASSED, EXCEPTED, OVERRIDDEN, MISSING, NOT_APPLICABLE, NOT_IN_FORCE)
HEADINGS = {
    FIRED: N_("Нарушения (кандидаты в протест)"),
    FAULT: N_("Ошибки правил"),
    UNDETERMINED: N_("Не удалось проверить: нет данных в записи или в каталоге"),
    PASSED: N_("Проверено — нарушения нет"),
    EXCEPTED: N_("Не применено: действует исключение"),
    OVERRIDDEN: N_("Не применено: вытеснено специальной нормой"),
    MISSING: N_("Не проверено: в записи нет нужных данных"),
    NOT_APPLICABLE: N_("Не применимо к делу"),
    NOT_IN_FORCE: N_("Не действовало на дату деяния"),
}
MAX_STEPS = 6  # a longer chain is cut to the steps nearest the limit


def explain_json(item: Any, evaluation: Evaluation, rules: list[RuleInfo], rules_version: str) -> dict[str, Any]:
    trace: Trace = evaluation.trace or Trace()
    return {
        "format": EXPLAIN_TAG,
        "case_id": item.case_id,
        "source": {"file": item.file, "line": item.line},
        "rules_version": rules_version,
        "verdict": verdict_particulars(item.verdict),
        "candidates": [c.to_json() for c in evaluation.candidates],
        "faults": [f.to_json() for f in evaluation.faults],
        "coverage": evaluation.coverage.to_json(),
        "trace": trace.to_json(),
    }


def coverage_lines(evaluation: Evaluation) -> list[str]:
    """What could not be checked, for the prosecutor: each gap with its offence and the rules it cost."""
    cov = evaluation.coverage
    out: list[str] = []
    if cov.gaps:
        level = (_("ни один эпизод не удалось сверить с санкцией статьи") if cov.checked == "none"
                 else _("запись проверена не полностью"))
        out.append(_("Проверка неполная — {level}:").format(level=level))
        for g in cov.gaps:
            where = _("эпизод {n}: ").format(n=g.offence) if g.offence else ""
            out.append("  " + _("{where}{detail} (не проверено: {rules})").format(
                where=where, detail=g.detail, rules=words.count(len(g.rules), "правило")))
    for w in cov.warnings:
        where = _("эпизод {n}: ").format(n=w.offence) if w.offence else ""
        out.append(_("Внимание: {where}{detail}").format(where=where, detail=w.detail))
    return out


# ---- the program: labels of facts and the facts an allowed value is computed from

def _program(engine: Any) -> Any:
    return getattr(engine, "_program", None) if engine is not None else None


def fact_labels(engine: Any) -> dict[str, str]:
    """fact name → its label from the rule files («максимум санкции для назначенного вида»)."""
    prog = _program(engine)
    if prog is None:
        return {}
    return {name: f.label for name, f in prog.facts.items() if getattr(f, "label", None)}


def _fact_refs(node: Any, out: list[str]) -> None:
    if node is None:
        return
    op = str(getattr(node, "op", ""))
    if op in ("fact", "ofact") and isinstance(getattr(node, "data", None), str):
        out.append(node.data)
    for a in getattr(node, "args", ()) or ():
        _fact_refs(a, out)


def limit_steps(engine: Any, rule_id: str, scope: str | None, facts: list[FactTrace],
                lang: str | None = None) -> list[str]:
    """The labelled facts the rule's `allowed` value is computed from, in dependency order, with values."""
    prog = _program(engine)
    if prog is None or rule_id not in prog.rules:
        return []
    allowed = prog.rules[rule_id].allowed
    roots: list[str] = []
    for node in ([n for _k, n in allowed] if isinstance(allowed, list) else [allowed]):
        _fact_refs(node, roots)
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in prog.facts:
            continue
        seen.add(name)
        stack.extend(prog.facts[name].deps_facts)
    order = [n.split(":", 1)[1] for n in getattr(prog, "order", []) if n.startswith("fact:")]
    rank = {n: i for i, n in enumerate(order)}
    values: dict[str, Any] = {}
    for f in facts:
        if f.name in seen and not f.missing and (f.scope == scope or f.scope is None) and f.name not in values:
            values[f.name] = f.value
    steps = []
    for name in sorted(values, key=lambda n: rank.get(n, len(rank))):
        label, value = prog.facts[name].label_in(lang or language()), values[name]
        if not label or isinstance(value, bool) or value is None or _is_repr(value):
            continue
        steps.append(f"{label}: {words.say_json(value, lang)}")
    return steps[-MAX_STEPS:]


_REPR = re.compile(r"^[A-Za-z_]\w*\(.*\)$", re.S)


def _is_repr(value: Any) -> bool:
    """A Python object's repr (a catalogue entry the tracer could not turn into data): never shown."""
    return isinstance(value, str) and (bool(_REPR.match(value)) or value.startswith("<"))


def _shown(value: Any) -> str:
    """A traced value for the author's view: words, and a catalogue entry by name, not as a Python repr."""
    if isinstance(value, str) and value.startswith("Sanction("):
        m = re.match(r"Sanction\(article='([^']*)', part=([^,]*),", value)
        if m:
            part = m.group(2).strip("'")
            ref = {"article": m.group(1), "part": None if part == "None" else part}
            return _("санкция {ref} (каталог законов)").format(ref=words.cite(ref))
    if _is_repr(value):
        return _("(составное значение каталога)")
    return words.say_json(value)


# ---- the prosecutor's view

def _finding_lines(n: int, c: Candidate, engine: Any, trace: Trace, labels: Mapping[str, str],
                   offence_text: Mapping[str, str], lang: str | None) -> list[str]:
    f = finding_of(c, labels, lang)
    where = (" · " + _("эпизод {n}: {text}").format(n=c.offence, text=offence_text.get(c.offence, ""))
             if c.offence else " · " + _("окончательное наказание"))
    out = [f"{n}. {f.title}{where}",
           "   " + _("Важность: {severity}").format(severity=words.severity(c.severity, lang)),
           "   " + sentence(f.message)]
    steps = limit_steps(engine, c.rule, c.offence, trace.facts, lang)
    facts = [(k, v) for k, v in f.facts if f"{k}: {v}" not in steps]  # a fact of the chain is shown once
    if facts:
        out.append("   " + _("Факты: {facts}").format(facts="; ".join(f"{k}: {v}" for k, v in facts)))
    if steps:
        chain = steps + ([_("назначено: {value}").format(value=f.actual_text)] if f.actual_text else [])
        out.append("   " + _("Расчёт: {chain}").format(chain=" → ".join(chain)))
    elif f.actual_text or f.allowed_text:
        parts = ([_("Назначено: {value}").format(value=f.actual_text)] if f.actual_text else []) + \
                ([_("закон допускает: {value}").format(value=f.allowed_text)] if f.allowed_text else [])
        out.append("   " + "; ".join(parts))
    if f.citations:
        out.append("   " + _("Нормы: {norms}").format(norms="; ".join(words.cite(x, lang) for x in f.citations)))
    return out


def explain_brief(item: Any, evaluation: Evaluation, rules: list[RuleInfo], engine: Any = None, *,
                  edition: str | None = None, lang: str | None = None) -> str:
    """The prosecutor's view (see the module docstring); `engine` gives fact labels and the limit's steps."""
    verdict = item.verdict
    v = verdict_particulars(verdict)
    titles = {r.id: r.title for r in rules}
    trace: Trace = evaluation.trace or Trace()
    labels = fact_labels(engine)
    offence_text = {str(o["id"]): o["text"] for o in v["offences"]}
    if edition is None:
        from ..edition import edition_label

        edition = edition_label()
    out = [
        _("Дело {case} — {court}, приговор от {date}").format(case=v["case_id"], court=v["court"], date=v["verdict_date"]),
        _("Подсудимый (псевдоним): {person} · {procedure} · {edition}").format(
            person=v["person_id"], procedure=v["procedure"], edition=edition),
        _("Эпизоды:"),
    ]
    for o in v["offences"]:
        out.append("  " + _("{n}. {text}, совершено {date}; назначено: {sentence}").format(
            n=o["id"], text=o["text"], date=o["committed_on"], sentence=o["sentence"]))
    out.append(_("Окончательное наказание: {sentence}").format(sentence=v["final_sentence"]))
    priors = prior_convictions(verdict, lang)
    out.append(_("Прежние судимости:") + ("" if priors else " " + _("нет")))
    out += ["  " + p for p in priors]

    status_of: dict[str, int] = {}
    for r in trace.rules:
        status_of[r.status] = status_of.get(r.status, 0) + 1
    fired = len(evaluation.candidates)
    passed_rules: dict[str, list[str]] = {}
    for r in trace.rules:
        if r.status == PASSED:
            passed_rules.setdefault(r.rule, [])
            if r.scope:
                passed_rules[r.rule].append(str(r.scope))
    not_applied = sum(n for s, n in status_of.items() if s in (NOT_APPLICABLE, NOT_IN_FORCE, EXCEPTED, OVERRIDDEN, MISSING))
    undetermined = [r for r in trace.rules if r.status == UNDETERMINED]
    out += ["", _("Итог: {fired}; нарушения нет: {passed}; не применимо к делу: {na}{und}.").format(
        fired=words.count(fired, "нарушение"), passed=words.count(len(passed_rules), "правило"),
        na=words.count(not_applied, "случай"),
        und=("; " + _("не удалось проверить: {n}").format(n=words.count(len(undetermined), "случай"))
             if undetermined else ""))]
    out += coverage_lines(evaluation)

    if evaluation.candidates:
        out += ["", _("Нарушения")]
        for n, c in enumerate(evaluation.candidates, 1):
            out += _finding_lines(n, c, engine, trace, labels, offence_text, lang)
    if undetermined or evaluation.faults:
        out += ["", _("Не удалось проверить")]
        groups: dict[tuple[str, str], list[str]] = {}  # (episode, why) → the titles of the rules it cost
        for r in undetermined:
            gap = reason_text(r)
            groups.setdefault((str(r.scope or ""), gap), []).append(titles.get(r.rule, ""))
        for (scope, gap), names in groups.items():
            where = _("эпизод {n}: ").format(n=scope) if scope else ""
            out.append("  " + _("{where}{why} — не проверено:").format(where=where, why=gap))
            out += ["    – " + name for name in names]
        for fault in evaluation.faults:
            out.append("  " + _("{title}: правило не удалось вычислить (ошибка в правиле; подробно: --full)").format(
                title=titles.get(getattr(fault, "rule", "") or "", "") or _("правило")))
    if passed_rules:
        out += ["", _("Проверено, нарушения нет:")]
        several = len(v["offences"]) > 1
        for rid, scopes in passed_rules.items():
            eps = (" (" + _("эпизоды {list}").format(list=", ".join(scopes)) + ")") if several and scopes else ""
            out.append("  " + titles.get(rid, "") + eps)
    out += ["", _("Не применимо к делу: {n} (условия правил не выполнены или нормы не действовали на дату деяния; "
                  "подробно: --full)").format(n=words.count(not_applied, "случай"))]
    return "\n".join(safe_text(line) for line in out) + "\n"


# ---- the rule author's view (`--full`)

def explain_text(item: Any, evaluation: Evaluation, rules: list[RuleInfo], rules_version: str) -> str:
    """The rule author's view (`--full`): every rule by outcome, with its id, clause, values and place."""
    v = verdict_particulars(item.verdict)
    titles = {r.id: r.title for r in rules}
    trace: Trace = evaluation.trace or Trace()
    by_key = {(c.rule, c.offence): c for c in evaluation.candidates}
    offence_text = {o["id"]: o["text"] for o in v["offences"]}
    out = [
        _("Дело {case} — {court}, приговор от {date}").format(case=v["case_id"], court=v["court"], date=v["verdict_date"]),
        _("Запись: {file}:{line} · подсудимый (псевдоним): {person} · версия правил: {version}").format(
            file=item.file, line=item.line, person=v["person_id"], version=rules_version),
        _("Эпизоды:"),
    ]
    for o in v["offences"]:
        out.append("  " + _("{n}. {text}, совершено {date}; назначено: {sentence}").format(
            n=o["id"], text=o["text"], date=o["committed_on"], sentence=o["sentence"]))
    out.append(_("Окончательное наказание: {sentence}").format(sentence=v["final_sentence"]))
    priors = prior_convictions(item.verdict)
    if priors:
        out.append(_("Прежние судимости:"))
        out += ["  " + p for p in priors]
    counts = {s: sum(1 for r in trace.rules if r.status == s) for s in ORDER}
    out.append("")
    undetermined = (_("не удалось проверить — {n}, ").format(n=counts[UNDETERMINED]) if counts[UNDETERMINED] else "")
    out.append(_("Итог: нарушений — {fired}, нарушения нет — {passed}, {und}не применялось — {rest}.").format(
        fired=counts[FIRED], passed=counts[PASSED], und=undetermined,
        rest=len(trace.rules) - counts[FIRED] - counts[PASSED] - counts[UNDETERMINED]))
    out += coverage_lines(evaluation)
    for status in ORDER:
        group = [r for r in trace.rules if r.status == status]
        if not group:
            continue
        heading = _(HEADINGS[status])
        out += ["", heading, "─" * len(heading)]
        for r in group:
            where = (" · " + _("эпизод {n} ({text})").format(n=r.scope, text=offence_text.get(r.scope, ""))
                     if r.scope else "")
            title = titles.get(r.rule, "")
            out.append(f"[{status_text(r.status)}] {r.rule}{' — ' + title if title else ''}{where}")
            cand = by_key.get((r.rule, r.scope))
            if cand is not None:
                out.append("    " + _("Важность: {severity}").format(severity=words.severity(cand.severity)))
                out.append(f"    {cand.message}")
            if r.reason and (cand is None or r.reason != cand.message):
                reason = reason_text(r)
                if r.status == UNDETERMINED:
                    reason = _("не удалось проверить: {what}").format(what=reason)
                out.append("    " + _("Почему: {reason}").format(reason=reason))
            if r.condition:
                out.append("    " + _("Условие правила: {condition}").format(condition=r.condition))
            for name, val in r.values.items():
                out.append(f"    {name} = {_shown(val)}")
            if r.citations:
                out.append("    " + _("Нормы: {norms}").format(norms="; ".join(words.cite(x) for x in r.citations)))
            if r.file:
                out.append("    " + _("Правило: {file}:{line}").format(file=r.file, line=r.line))
    for fault in evaluation.faults:
        out.append(_("Ошибка правила: {fault}").format(fault=fault.header()))
    if trace.facts:
        heading = _("Факты, которые использовали правила")
        out += ["", heading, "─" * len(heading)]
        for f in trace.facts:
            where = _("эпизод {n}: ").format(n=f.scope) if f.scope else ""
            val = _("нет данных") if f.missing else _shown(f.value)
            out.append(f"  {where}{f.name} = {val}")
    # each entry is one line: a newline or an escape sequence from the record is shown, not obeyed
    return "\n".join(safe_text(line) for line in out) + "\n"
