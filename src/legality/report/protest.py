"""A draft prosecutor's appeal (апелляционное ходатайство прокурора) for one case: Markdown and .docx.

Why one context for both: the Markdown (jinja2) and the Word document (python-docx) are two
renderings of the same `protest_context`, so they can never say different things.  Since the
Supreme Court's normative resolution of 11.12.2020 № 6 the prosecutor's appeal is a «ходатайство»
(shared/law/real-error-cases.md).  The draft names the defendant only by the export's pseudonymous
`person_id`; the prosecutor completes it from the case file.

The request: when every finding says what the law allows, the appeal court can correct the sentence
itself — «изменить»; when a finding gives no lawful value, the sentence must be set again —
«отменить и направить на новое рассмотрение».
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO

from ..model.verdict import Verdict
from ..result.candidate import Candidate
from .html import template_env
from .text import SEVERITY_RU, cites_ru, plain_text, value_ru
from .verdict_text import verdict_particulars

CHANGE, RETRIAL = "change", "retrial"


def protest_context(verdict: Verdict, candidates: list[Candidate], rules_version: str) -> dict[str, Any]:
    v = verdict_particulars(verdict)
    offences = {o["id"]: o for o in v["offences"]}
    findings = []
    for n, c in enumerate(candidates, 1):
        off = offences.get(c.offence) if c.offence else None
        findings.append({
            "n": n,
            "title": c.title,
            "severity": SEVERITY_RU.get(c.severity, c.severity),
            "where": (f"по эпизоду {off['id']} ({off['text']})" if off else "по окончательному наказанию"),
            "message": c.message,
            "facts": [(name, value_ru(val)) for name, val in c.facts.items()],
            "norms": cites_ru(c.citations),
            "actual": value_ru(c.actual),
            "allowed": value_ru(c.allowed),
            "has_allowed": c.allowed is not None,
            "rule": c.rule,
        })
    ctx: dict[str, Any] = {"v": v, "findings": findings, "rules_version": rules_version,
                           "request": CHANGE if findings and all(f["has_allowed"] for f in findings) else RETRIAL}
    ctx.update(addressee=region_court(v), subject=f"на приговор от {v['verdict_date']} по уголовному делу № {v['case_id']} "
               f"(суд: {v['court']})", intro=intro(v), request_lines=request_lines(ctx), footer=footer(ctx),
               grounds="Приговор подлежит " + ("изменению" if ctx["request"] == CHANGE else "отмене")
               + " в связи с неправильным применением уголовного закона при назначении наказания:",
               legal_basis="На основании изложенного, руководствуясь нормами Уголовно-процессуального кодекса "
                           "Республики Казахстан об апелляционном производстве [укажите статьи УПК РК],")
    return ctx


def render_markdown(ctx: dict[str, Any]) -> str:
    env = template_env()
    env.filters["md"] = md_escape
    return env.get_template("protest.md.j2").render(**ctx)


# every ASCII punctuation character that starts or ends markup somewhere in CommonMark, GFM or
# the common extensions (strike-through ~~, math $, footnotes [^, attributes {}); `-`, `+`, `=`, `.`
# only act at the start of a line and are escaped there (below)
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~$!(){}&@])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_escape(s: Any) -> str:
    """Text from a record stays plain text in the Markdown draft, wherever the template puts it.

    Why so much: the draft is rendered by whatever Markdown viewer the prosecutor uses, so record
    text must not become a link, an image, emphasis, a heading, a list, a quote, a table, a
    setext heading (`---`, `===`) or an autolink.  Newlines become spaces (a newline would leave
    the `>` addressee block or start a block of its own); leading blanks go (four of them make a
    code block); `://`, `www.` and `@` are escaped so that URLs and e-mail addresses are not
    linked.  Backslash escapes render as the character itself, so the text reads unchanged.
    """
    out = _MD_INLINE.sub(r"\\\1", plain_text(s).strip())
    out = out.replace("://", "\\:\\/\\/").replace("www.", "www\\.")
    m = _MD_LINE_START.match(out)
    if m:  # `- x`, `+ x`, `=== `, `1. x`: escaped so the value never starts a list or a heading
        out = out[:m.end()] + "\\" + out[m.end():] if m.group(1)[0].isdigit() else "\\" + out
    return out


def write_docx(ctx: dict[str, Any], out: BinaryIO) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    v, findings = ctx["v"], ctx["findings"]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    def para(text: str = "", *, bold: bool = False, align: Any = None) -> None:
        p = doc.add_paragraph()
        # one run of plain text: python-docx turns \n into a line break and rejects control bytes
        run = p.add_run(plain_text(text))
        run.bold = bold
        if align is not None:
            p.alignment = align

    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(f"В судебную коллегию по уголовным делам {ctx['addressee']}", align=right)
    para(f"через суд первой инстанции ({v['court']})", align=right)
    para("от прокурора ____________________", align=right)
    para()
    para("АПЕЛЛЯЦИОННОЕ ХОДАТАЙСТВО", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(ctx["subject"], align=WD_ALIGN_PARAGRAPH.CENTER)
    para()
    para(ctx["intro"])
    para(ctx["grounds"])
    for f in findings:
        para(f"{f['n']}. {f['title']} — {f['where']}.", bold=True)
        para(f["message"])
        if f["facts"]:
            para("Установлено по делу: " + "; ".join(f"{k}: {val}" for k, val in f["facts"]) + ".")
        para(f"Назначено: {f['actual']}; закон допускает: {f['allowed']}")
        para(f"Нарушены требования: {f['norms']}")
    para()
    para(ctx["legal_basis"])
    para("ПРОШУ:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in ctx["request_lines"]:
        para(line)
    para()
    para("Прокурор ____________________  (подпись)        «___» ____________ 20__ г.")
    para()
    para(ctx["footer"])
    # built in memory, then written: a failing write (full disk) leaves no half-closed zip behind
    # (python-docx's ZipFile would complain from its finaliser)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write(buffer.getvalue())


def region_court(v: dict[str, Any]) -> str:
    return f"суда области (города) {v['region']}" if v["region"] else "областного (приравненного к нему) суда"


def intro(v: dict[str, Any]) -> str:
    offences = "; ".join(o["text"] for o in v["offences"])
    return (f"Приговором от {v['verdict_date']} (суд: {v['court']}) осуждённый (идентификатор в выгрузке: {v['person_id']}) "
            f"признан виновным в совершении уголовных правонарушений, предусмотренных {offences}, "
            f"и ему назначено окончательное наказание: {v['final_sentence']}.")


def request_lines(ctx: dict[str, Any]) -> list[str]:
    v = ctx["v"]
    what = f"Приговор от {v['verdict_date']} по уголовному делу № {v['case_id']} (суд: {v['court']})"
    if ctx["request"] == CHANGE:
        lines = [f"1. {what} изменить:"]
        lines += [f"   — {f['where']}: привести наказание в соответствие с {f['norms']} "
                  f"(допустимо: {f['allowed']}; назначено: {f['actual']});" for f in ctx["findings"]]
        lines.append("2. В остальной части приговор оставить без изменения.")
        return lines
    return [f"1. {what} отменить и направить уголовное дело на новое судебное рассмотрение "
            f"в суд первой инстанции в ином составе суда."]


def footer(ctx: dict[str, Any]) -> str:
    return (f"Проект подготовлен программой legality (версия правил {ctx['rules_version']}) по данным выгрузки "
            f"приговоров; факты и нормы проверьте по материалам уголовного дела.")
