"""The terminal table (rich): what a prosecutor reads first after `legality scan`.

Why this order: the findings are what the table is for, so they come first, grouped by case and the
most severe cases first; invalid and not fully checked records are the analyst's business and get one
line under the table («Некорректных записей: 78, проверены не полностью: 5 — список: --show-invalid»)
— listed, with the file and line needed to find them, only with `--show-invalid`.  In input order they
used to push the first real finding to line 272 of 553 (review, User 1 §1).

Why the case cell names the court, judge, date and articles and not the file: that is how a
prosecutor identifies a verdict; the file:line is a developer's detail kept for the bad-record list.
The rule's title is the label; no rule id, fact name or raw code reaches the table: values are the
engine's words (`actual_text` / `allowed_text`), else `legality.words`.

Collects the run (the column widths depend on every row).  Without a terminal (`--output FILE`,
a pipe) it is written without colour codes.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import words
from ..edition import edition_label
from ..i18n import _
from ..result.candidate import SEVERITIES, SEVERITY_RANK
from .base import Collecting
from .columns import article_text, fault_text, invalid_row, partial_row, review_status_text, verdict_date
from .context import RecordContext
from .filter import hidden_line
from .model import ReportLine
from .text import coverage_summary_ru, safe_text as _s

STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def _rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, -1)


def _value(text: Any, raw: Any) -> str:
    """The engine's words for a value, or the report's JSON value in words (a line of an older run)."""
    if isinstance(text, str) and text:
        return text
    return words.say_json(raw) if raw is not None else ""


def case_cell(line: ReportLine, ctx: RecordContext | None) -> Text:
    """Case id, court, judge, verdict date and the verdict's articles: how a prosecutor finds a verdict."""
    cell = Text()  # a Text's own style would cover everything appended; style each piece
    # every piece from a record goes through safe_text: rich keeps ESC and OSC sequences, which would
    # clear the screen, retitle the window or forge a link
    cell.append(_s(line.case_id or "—"), style="bold")
    if ctx is None:
        return cell
    if ctx.court:
        cell.append("\n" + _s(ctx.court))
    judge = getattr(ctx, "judge_id", None)
    if judge:
        cell.append("\n" + _("судья {judge}").format(judge=_s(judge)))
    date = verdict_date(ctx)
    if date is not None:
        cell.append("\n" + _("приговор от {date}").format(date=words.date(date)))
    arts: list[str] = []
    refs = getattr(ctx, "refs", ()) or ()
    for ref in refs or [(oid, None) for oid, _ref in ctx.articles]:
        text = article_text(ctx, ref[0])
        if text and text not in arts:
            arts.append(text)
    if arts:
        cell.append("\n" + _s(", ".join(arts)), style="dim")
    return cell


class TableFormatter(Collecting):
    name = "table"

    def finish(self, summary: dict[str, Any]) -> None:
        text = io.TextIOWrapper(self.out, encoding="utf-8", newline="", write_through=True)
        console = Console(file=text, force_terminal=self.options.color, no_color=not self.options.color,
                          width=self.options.width or (None if self.options.color else 140),
                          highlight=False, emoji=False, markup=False, soft_wrap=False)
        flagged = [(n, line, ctx) for n, (line, ctx) in enumerate(self.lines) if line.candidates]
        if flagged:
            console.print(self._table(flagged))
        troubled = [(line, ctx) for line, ctx in self.lines if not line.candidates
                    and (line.status in ("invalid", "partial") or line.faults
                         or (line.coverage is not None and line.coverage.gaps))]
        if self.options.show_invalid and troubled:
            console.print(self._troubled(troubled))
        console.print(self._summary(summary, troubled))
        text.flush()
        text.detach()

    # ---- the findings

    def _table(self, flagged: list[tuple[int, ReportLine, RecordContext | None]]) -> Table:
        t = Table(title=_("Кандидаты в протест"), header_style="bold", expand=True)
        t.add_column(_("Дело"), overflow="fold", ratio=3, min_width=20)
        t.add_column(_("Важность"), overflow="fold", width=12)
        t.add_column(_("Нарушение"), overflow="fold", ratio=7, min_width=30)
        t.add_column(_("Нормы"), overflow="fold", ratio=2, min_width=10)
        # most severe case first, then input order (stable: the same input gives the same table)
        order = sorted(flagged, key=lambda x: (-max(_rank(c.severity) for c in x[1].candidates), x[0]))
        for n, (_i, line, ctx) in enumerate(order):
            if n:
                t.add_section()
            episodes = [oid for oid, _ref in ctx.articles] if ctx is not None else []
            cands = sorted(enumerate(line.candidates), key=lambda ic: (
                -_rank(ic[1].severity),
                episodes.index(ic[1].offence) if ic[1].offence in episodes else len(episodes), ic[0]))
            rows: list[tuple[Text, Text, str]] = [self._finding(c, ctx) for _j, c in cands]
            gaps = self._gaps(line)
            if gaps is not None:
                rows.append(gaps)
            case = case_cell(line, ctx)
            for i, (sev, text, cites) in enumerate(rows):
                t.add_row(case if i == 0 else "", sev, text, cites)
        return t

    def _finding(self, c: Any, ctx: RecordContext | None) -> tuple[Text, Text, str]:
        sev = Text(words.severity(c.severity), style=STYLE.get(c.severity, ""))
        if self.options.review_status is not None:  # scan --db: the candidate's status in the store
            sev.append("\n" + review_status_text(self.options.review_status(c.fingerprint)), style="dim")
        text = Text()
        text.append(_s(c.title), style="bold")
        if c.offence:
            where = article_text(ctx, c.offence)
            text.append(" — " + (_("эпизод {n} ({article})").format(n=_s(c.offence), article=_s(where)) if where
                                 and where != _("по совокупности") else _("эпизод {n}").format(n=_s(c.offence))))
        if c.message:
            text.append("\n" + _s(c.message))
        actual = _value(getattr(c, "actual_text", None), c.actual)
        allowed = _value(getattr(c, "allowed_text", None), c.allowed)
        said = []
        if actual and actual != "—":
            said.append(_("назначено: {value}").format(value=_s(actual)))
        if allowed and allowed != "—":
            said.append(_("закон допускает: {value}").format(value=_s(allowed)))
        if said:
            text.append("\n" + "; ".join(said), style="dim")
        cites = "; ".join(_s(words.cite(x)) for x in c.citations)
        return sev, text, cites

    def _gaps(self, line: ReportLine) -> tuple[Text, Text, str] | None:
        """A flagged record that could not be checked fully says so in its own group: never silent."""
        parts = []
        for g in line.coverage.gaps if line.coverage is not None else ():
            where = _("эпизод {n}: ").format(n=_s(g.offence)) if g.offence else ""
            parts.append(where + _s(g.detail))
        titles = {r.id: r.title for r in self.meta.rules}
        for f in line.faults:  # a rule by its title: a fault's message names the rule's id and quotes Python
            parts.append(_s(fault_text(f, titles)) or _("проверка правилом завершилась ошибкой"))
        if not parts:
            return None
        return Text(_("не проверено"), style="magenta"), Text("\n".join(parts)), ""

    # ---- the records the analyst must look at

    def _troubled(self, troubled: list[tuple[ReportLine, RecordContext | None]]) -> Table:
        t = Table(title=_("Некорректные и не полностью проверенные записи"), header_style="bold", expand=True)
        t.add_column(_("Дело"), overflow="fold", ratio=2, min_width=14)
        t.add_column(_("Где"), overflow="fold", ratio=2, min_width=12)
        t.add_column(_("Что не так"), overflow="fold", ratio=6, min_width=30)
        # invalid first (they were not checked at all), then input order
        for line, ctx in sorted(troubled, key=lambda lc: lc[0].status != "invalid"):
            where = f"{_s(line.file)}:{line.line}"
            if line.status == "invalid":
                _case, _file, _line, errors = invalid_row(line)
                label = Text(_("некорректная запись"), style="magenta")
                t.add_row(Text(_s(line.case_id or "—"), style="bold"), where,
                          label + Text("\n" + _s(errors, multiline=True)))
            else:
                row = partial_row(line, ctx, {r.id: r.title for r in self.meta.rules})  # a failed rule by title
                label = Text(_("проверена не полностью"), style="magenta")
                body = _s(row[4], multiline=True) + (f"\n({_s(row[5])})" if row[5] else "")
                t.add_row(case_cell(line, ctx), where, label + Text("\n" + body))
        return t

    # ---- the footer

    def _summary(self, s: dict[str, Any], troubled: list[tuple[ReportLine, RecordContext | None]]) -> Text:
        sev = s.get("by_severity", {})
        out = Text()
        files = len(self.meta.inputs)
        records = words.count(s["records"], "запись")
        # nominative forms only: «из 34 файлов» would need the genitive, which `words.count` does not give
        out.append((_("Прочитано: {files}, {records}").format(records=records, files=words.count(files, "файл"))
                    if files else _("Прочитано: {records}").format(records=records)) + "\n")
        out.append(_("без нарушений: {clean}, с нарушениями: {flagged}, некорректных: {invalid}, "
                     "проверены не полностью: {partial}").format(
            clean=words.number(s["clean"]), flagged=words.number(s["flagged"]),
            invalid=words.number(s["invalid"]), partial=words.number(s.get("partial", 0))) + "\n")
        out.append(_("Найдено: {n}").format(n=words.count(s["candidates"], "замечание")) + " (" + _("важность") + ": ")
        for i, k in enumerate(SEVERITIES):
            out.append(("" if i == 0 else ", ") + f"{words.severity(k)} — {words.number(sev.get(k, 0))}",
                       style=STYLE[k])
        out.append(")")
        if "hidden_by_filter" in s:
            out.append("\n" + hidden_line(s["hidden_by_filter"]), style="bold")
        if s.get("faults"):
            out.append("\n" + _("Ошибок правил при проверке: {n}").format(n=words.number(s["faults"])), style="magenta")
        for row in coverage_summary_ru(s.get("coverage")):
            out.append(f"\n{row}", style="magenta" if row.startswith(_("Внимание")) else "")
        n_invalid = sum(1 for line, _ctx in troubled if line.status == "invalid")
        n_partial = len(troubled) - n_invalid
        if troubled and not self.options.show_invalid:
            out.append("\n" + _("Некорректных записей: {invalid}, проверены не полностью: {partial} — список: "
                                "--show-invalid").format(invalid=words.number(n_invalid),
                                                         partial=words.number(n_partial)), style="dim")
        label = edition_label(self.meta.rules_dir)
        out.append("\n" + label[:1].upper() + label[1:], style="dim")
        return out
