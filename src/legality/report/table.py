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
from .text import SEVERITY_RU, cites_ru

STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


class TableFormatter(Collecting):
    name = "table"

    def finish(self, summary: dict[str, Any]) -> None:
        text = io.TextIOWrapper(self.out, encoding="utf-8", newline="", write_through=True)
        console = Console(file=text, force_terminal=self.options.color, no_color=not self.options.color,
                          width=self.options.width or (None if self.options.color else 160),
                          highlight=False, emoji=False, markup=False, soft_wrap=False)
        if self.lines:
            console.print(self._table())
        console.print(self._summary(summary))
        text.flush()
        text.detach()

    def _table(self) -> Table:
        t = Table(title="Кандидаты в протест", show_lines=False, header_style="bold", expand=False)
        t.add_column("Дело / запись", overflow="fold", max_width=28)
        t.add_column("Суд, дата", overflow="fold", max_width=30)
        t.add_column("Важность")
        t.add_column("Правило", overflow="fold", max_width=24)
        t.add_column("Нарушение", overflow="fold", ratio=3)
        t.add_column("Нормы", overflow="fold", max_width=26)
        for n, (line, ctx) in enumerate(self.lines):
            if n:
                t.add_section()
            case = Text(f"{line.case_id or '—'}\n{line.file}:{line.line}")
            court = Text(f"{ctx.court}\n{ctx.verdict_date}" if ctx else "")
            if line.status == "invalid":
                errs = "\n".join(f"{e['path']}: {e['message']}" for e in line.errors)
                t.add_row(case, court, Text("некорректна", style="magenta"), "", Text(errs), "")
            for i, c in enumerate(line.candidates):
                first = i == 0
                where = f" [эпизод {c.offence}]" if c.offence else ""
                t.add_row(case if first else "", court if first else "",
                          Text(SEVERITY_RU.get(c.severity, c.severity), style=STYLE.get(c.severity, "")),
                          c.rule, Text(f"{c.title}{where}\n{c.message}"), cites_ru(c.citations))
            for f in line.faults:
                t.add_row(case if not line.candidates else "", court if not line.candidates else "",
                          Text("ошибка правила", style="magenta"), str(f.get("code", "")),
                          Text(str(f.get("message", ""))), "")
        return t

    def _summary(self, s: dict[str, Any]) -> Text:
        sev = s.get("by_severity", {})
        out = Text()
        out.append(f"Записей: {s['records']}  без нарушений: {s['clean']}  с нарушениями: {s['flagged']}  "
                   f"некорректных: {s['invalid']}\n")
        out.append(f"Кандидатов: {s['candidates']}  (")
        for i, k in enumerate(("high", "medium", "low")):
            out.append(("" if i == 0 else ", ") + f"{SEVERITY_RU[k]}: {sev.get(k, 0)}", style=STYLE[k])
        out.append(")")
        if s.get("faults"):
            out.append(f"\nОшибок правил: {s['faults']}", style="magenta")
        return out
