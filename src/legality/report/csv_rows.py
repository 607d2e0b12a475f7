"""CSV for spreadsheets: one row per candidate (an invalid or partial record: one row with its errors
and what could not be checked, in `errors`).

Why these choices: Excel opens UTF-8 correctly only with a BOM; in Russian locales it expects `;`
(`--csv-delimiter ';'`); a cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, their
fullwidth forms, also after leading blanks or line breaks) is prefixed with `'` so that text from a
record can never run as a formula, while plain numbers such as `-1` stay numbers (`spreadsheet_safe`).  Streaming: rows are written as lines arrive.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Callable

from .context import RecordContext
from .base import FormatOptions, Formatter, dumps
from .model import ReportLine
from .text import cites_ru, coverage_text, spreadsheet_safe

COLUMNS = ("case_id", "file", "line", "status", "rule", "severity", "title", "message", "offence",
           "citations", "actual", "allowed", "fingerprint", "errors")


class CsvFormatter(Formatter):
    name = "csv"

    def begin(self) -> None:
        # the BOM, then UTF-8 (what an `utf-8-sig` text stream writes); rows are bytes from `renderer`
        self._render = self.renderer(self.options)
        self.out.write(codecs.BOM_UTF8 + _encode(self.options.csv_delimiter, [list(COLUMNS)]))

    @classmethod
    def renderer(cls, options: FormatOptions) -> Callable[[ReportLine, RecordContext | None], bytes]:
        delimiter = options.csv_delimiter
        return lambda line, context: _encode(delimiter, _rows(line))

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.out.write(self._render(line, context))


def _encode(delimiter: str, rows: list[list[object]]) -> bytes:
    buf = io.StringIO(newline="")  # a fresh buffer per call: workers may render from several threads
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _row(*cells: object) -> list[object]:
    return [spreadsheet_safe(c) if isinstance(c, str) else c for c in cells]


def _rows(line: ReportLine) -> list[list[object]]:
    head = (line.case_id or "", line.file, line.line, line.status)
    errors = "; ".join(f"{e['path']}: {e['message']}" for e in line.errors)
    errors += ("; " if errors and line.faults else "") + "; ".join(
        f"{f.get('code', '')}: {f.get('message', '')}" for f in line.faults)
    gaps = coverage_text(line)
    errors += ("; " if errors and gaps else "") + gaps
    if not line.candidates:
        return [_row(*head, "", "", "", "", "", "", "", "", "", errors)]
    return [_row(*head, c.rule, c.severity, c.title, c.message, c.offence or "", cites_ru(c.citations),
                 dumps(c.actual).decode(), dumps(c.allowed).decode(), c.fingerprint, errors)
            for c in line.candidates]
