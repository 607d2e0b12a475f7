"""The terminal table (rich): candidates grouped by case, severity in colour, the summary below.

Collects the run (the column widths depend on every row).  Without a terminal (`--output FILE`,
a pipe) it is written without colour codes.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .base import Collecting
from .text import SEVERITY_RU, cites_ru, coverage_summary_ru, safe_text as _s

STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


class TableFormatter(Collecting):
    name = "table"

    def finish(self, summary: dict[str, Any]) -> None:
        text = io.TextIOWrapper(self.out, encoding="utf-8", newline="", write_through=True)
        console = Console(file=text, force_terminal=self.options.color, no_color=not self.options.color,
                          width=self.options.width or (None if self.options.color else 140),
                          highlight=False, emoji=False, markup=False, soft_wrap=False)
        if self.lines:
            console.print(self._table())
        console.print(self._summary(summary))
        text.flush()
        text.detach()

    def _table(self) -> Table:
        t = Table(title="Кандидаты в протест", header_style="bold", expand=True)
        t.add_column("Дело", overflow="fold", ratio=2, min_width=14)
        t.add_column("Правило", overflow="fold", ratio=2, min_width=12)
        t.add_column("Нарушение", overflow="fold", ratio=5, min_width=30)
        t.add_column("Нормы", overflow="fold", ratio=2, min_width=10)
        for n, (line, ctx) in enumerate(self.lines):
            if n:
                t.add_section()
            case = Text()  # a Text's own style would cover everything appended; style each piece
            # every piece from a record or a file name goes through safe_text: rich keeps ESC and
            # OSC sequences, which would clear the screen, retitle the window or forge a link
            case.append(_s(line.case_id or "—"), style="bold")
            case.append(f"\n{_s(ctx.court)}\n{_s(ctx.verdict_date)}" if ctx else "")
            case.append(f"\n{_s(line.file)}:{line.line}", style="dim")
            rows: list[tuple[Text, Text, str]] = []
            if line.status == "invalid":
                errs = "\n".join(f"{_s(e['path'])}: {_s(e['message'])}" for e in line.errors)
                rows.append((Text("некорректная запись", style="magenta"), Text(errs), ""))
            for c in line.candidates:
                rule = Text()
                rule.append(SEVERITY_RU.get(c.severity, c.severity), style=STYLE.get(c.severity, ""))
                rule.append(f"\n{_s(c.rule)}")
                where = f" [эпизод {_s(c.offence)}]" if c.offence else ""
                text = Text()
                text.append(f"{_s(c.title)}{where}", style="bold")
                text.append(f"\n{_s(c.message)}")
                rows.append((rule, text, _s(cites_ru(c.citations))))
            for f in line.faults:
                label = "проверена не полностью: ошибка правила" if line.status == "partial" else "ошибка правила"
                rows.append((Text(f"{label}\n{_s(f.get('code', ''))}", style="magenta"),
                             Text(_s(f.get("message", ""))), ""))
            for g in line.coverage.gaps if line.coverage is not None else ():
                where = f"эпизод {_s(g.offence)}: " if g.offence else ""
                rows.append((Text("не проверено", style="magenta"),
                             Text(f"{where}{_s(g.detail)} (правил: {len(g.rules)})"), ""))
            for i, (rule, text, cites) in enumerate(rows):
                t.add_row(case if i == 0 else "", rule, text, cites)
        return t

    def _summary(self, s: dict[str, Any]) -> Text:
        sev = s.get("by_severity", {})
        out = Text()
        out.append(f"Записей: {s['records']}  без нарушений: {s['clean']}  с нарушениями: {s['flagged']}  "
                   f"некорректных: {s['invalid']}"
                   + (f"  проверены не полностью: {s['partial']}" if s.get("partial") else "") + "\n")
        out.append(f"Кандидатов: {s['candidates']}  (")
        for i, k in enumerate(("high", "medium", "low")):
            out.append(("" if i == 0 else ", ") + f"{SEVERITY_RU[k]}: {sev.get(k, 0)}", style=STYLE[k])
        out.append(")")
        if s.get("faults"):
            out.append(f"\nОшибок правил: {s['faults']}", style="magenta")
        for row in coverage_summary_ru(s.get("coverage")):
            out.append(f"\n{row}", style="magenta" if row.startswith("Внимание") else "")
        return out
