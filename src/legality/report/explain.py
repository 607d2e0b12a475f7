"""`legality explain`: the evaluation trace of one record, for a lawyer (text) or a tool (JSON).

Why grouped by outcome: the reader asks first «what is wrong», then «what was checked and found
lawful», then «what did not apply and why»; within a group the rules keep the engine's order.
The trace is data (`legality.result.trace`); this module only renders it.
"""

from __future__ import annotations

from typing import Any

from ..result.candidate import Evaluation, RuleInfo
from ..result.trace import (
    EXCEPTED,
    FAULT,
    FIRED,
    MISSING,
    NOT_APPLICABLE,
    NOT_IN_FORCE,
    OVERRIDDEN,
    PASSED,
    STATUS_RU,
    UNDETERMINED,
    Trace,
)
from .text import SEVERITY_RU, safe_text, value_ru
from .verdict_text import verdict_particulars

EXPLAIN_TAG = "legality.explain/1"
ORDER = (FIRED, FAULT, UNDETERMINED, PASSED, EXCEPTED, OVERRIDDEN, MISSING, NOT_APPLICABLE, NOT_IN_FORCE)
HEADINGS = {
    FIRED: "Нарушения (кандидаты в протест)",
    FAULT: "Ошибки правил",
    UNDETERMINED: "Не удалось проверить: нет данных в записи или в каталоге",
    PASSED: "Проверено — нарушения нет",
    EXCEPTED: "Не применено: действует исключение",
    OVERRIDDEN: "Не применено: вытеснено специальной нормой",
    MISSING: "Не проверено: в записи нет нужных данных",
    NOT_APPLICABLE: "Не применимо к делу",
    NOT_IN_FORCE: "Не действовало на дату деяния",
}


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
        level = ("ни один эпизод не удалось сверить с санкцией статьи" if cov.checked == "none"
                 else "запись проверена не полностью")
        out.append(f"Проверка неполная — {level}:")
        for g in cov.gaps:
            where = f"эпизод {g.offence}: " if g.offence else ""
            out.append(f"  {where}{g.detail} (правил не проверено: {len(g.rules)})")
    for w in cov.warnings:
        where = f"эпизод {w.offence}: " if w.offence else ""
        out.append(f"Внимание: {where}{w.detail}")
    return out


def explain_text(item: Any, evaluation: Evaluation, rules: list[RuleInfo], rules_version: str) -> str:
    v = verdict_particulars(item.verdict)
    titles = {r.id: r.title for r in rules}
    trace: Trace = evaluation.trace or Trace()
    by_key = {(c.rule, c.offence): c for c in evaluation.candidates}
    offence_text = {o["id"]: o["text"] for o in v["offences"]}
    out = [
        f"Дело {v['case_id']} — {v['court']}, приговор от {v['verdict_date']}",
        f"Запись: {item.file}:{item.line} · подсудимый (псевдоним): {v['person_id']} · версия правил: {rules_version}",
        "Эпизоды:",
    ]
    for o in v["offences"]:
        out.append(f"  {o['id']}. {o['text']}, совершено {o['committed_on']}; назначено: {o['sentence']}")
    out.append(f"Окончательное наказание: {v['final_sentence']}")
    counts = {s: sum(1 for r in trace.rules if r.status == s) for s in ORDER}
    out.append("")
    undetermined = f"не удалось проверить — {counts[UNDETERMINED]}, " if counts[UNDETERMINED] else ""
    out.append(f"Итог: нарушений — {counts[FIRED]}, нарушения нет — {counts[PASSED]}, {undetermined}"
               f"не применялось — {len(trace.rules) - counts[FIRED] - counts[PASSED] - counts[UNDETERMINED]}.")
    out += coverage_lines(evaluation)
    for status in ORDER:
        group = [r for r in trace.rules if r.status == status]
        if not group:
            continue
        heading = HEADINGS[status]
        out += ["", heading, "─" * len(heading)]
        for r in group:
            where = f" · эпизод {r.scope} ({offence_text.get(r.scope, '')})" if r.scope else ""
            title = titles.get(r.rule, "")
            out.append(f"[{STATUS_RU.get(r.status, r.status)}] {r.rule}{' — ' + title if title else ''}{where}")
            cand = by_key.get((r.rule, r.scope))
            if cand is not None:
                out.append(f"    Важность: {SEVERITY_RU.get(cand.severity, cand.severity)}")
                out.append(f"    {cand.message}")
            if r.reason and (cand is None or r.reason != cand.message):
                out.append(f"    Почему: {r.reason}")
            if r.condition:
                out.append(f"    Условие правила: {r.condition}")
            for name, val in r.values.items():
                out.append(f"    {name} = {value_ru(val)}")
            if r.citations:
                out.append(f"    Нормы: {'; '.join(r.citations)}")
            if r.file:
                out.append(f"    Правило: {r.file}:{r.line}")
    for fault in evaluation.faults:
        out.append(f"Ошибка правила: {fault.header()}")
    if trace.facts:
        out += ["", "Факты, которые использовали правила", "──────────────────────────────────"]
        for f in trace.facts:
            where = f"эпизод {f.scope}: " if f.scope else ""
            val = "нет данных" if f.missing else value_ru(f.value)
            out.append(f"  {where}{f.name} = {val}")
    # each entry is one line: a newline or an escape sequence from the record is shown, not obeyed
    return "\n".join(safe_text(line) for line in out) + "\n"
