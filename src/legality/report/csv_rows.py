"""CSV for spreadsheets: one row per candidate (an invalid or partial record: one row with its errors
and what could not be checked, in `errors`).

Why these choices: Excel opens UTF-8 correctly only with a BOM; in Russian locales it expects `;`
(`--csv-delimiter ';'`); a cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, their
fullwidth forms, also after leading blanks or line breaks) is prefixed with `'` so that text from a
record can never run as a formula, while plain numbers such as `-1` stay numbers (`spreadsheet_safe`).  Streaming: rows are written as lines arrive.
"""

from __future__ import annotations

import csv
import io

from .context import RecordContext
from .base import Formatter, dumps
from .model import ReportLine
from .text import cites_ru, coverage_text, spreadsheet_safe

COLUMNS = ("case_id", "file", "line", "status", "rule", "severity", "title", "message", "offence",
           "citations", "actual", "allowed", "fingerprint", "errors")


class CsvFormatter(Formatter):
    name = "csv"

    def begin(self) -> None:
        self._text = io.TextIOWrapper(self.out, encoding="utf-8-sig", newline="", write_through=True)
        self._writer = csv.writer(self._text, delimiter=self.options.csv_delimiter, lineterminator="\r\n")
        self._writer.writerow(COLUMNS)

    def _row(self, *cells: object) -> None:
        self._writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in cells])

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        head = (line.case_id or "", line.file, line.line, line.status)
        errors = "; ".join(f"{e['path']}: {e['message']}" for e in line.errors)
        errors += ("; " if errors and line.faults else "") + "; ".join(
            f"{f.get('code', '')}: {f.get('message', '')}" for f in line.faults)
        gaps = coverage_text(line)
        errors += ("; " if errors and gaps else "") + gaps
        if not line.candidates:
            self._row(*head, "", "", "", "", "", "", "", "", "", errors)
            return
        for c in line.candidates:
            self._row(*head, c.rule, c.severity, c.title, c.message, c.offence or "", cites_ru(c.citations),
                      dumps(c.actual).decode(), dumps(c.allowed).decode(), c.fingerprint, errors)

    def finish(self, summary: dict) -> None:
        self._text.flush()
        self._text.detach()  # the caller owns and closes the byte stream
