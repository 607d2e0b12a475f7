"""CSV for spreadsheets: one row per candidate, the columns of `report/columns.py`, nothing else.

Why only candidates: the first things an analyst does with the file are AutoFilter and a pivot table
(by court, judge, region, month, article); a row that is not a finding (an unreadable record, a record
not fully checked) would be counted in every pivot as one more «violation» with an empty rule.  Those
records are counted in the run's summary (stderr, `--summary`) and listed with their reasons in
`-f xlsx` (sheets «Проверены не полностью», «Некорректные записи») and in the JSON formats.

Why these choices: the headers and values are words in the run's language (`--lang`), dates
dd.mm.yyyy; Excel opens UTF-8 correctly only with a BOM; in Russian locales it expects `;`
(`--csv-delimiter ';'`); a cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, their
fullwidth forms, also after leading blanks or line breaks) is prefixed with `'` so that text from a
record can never run as a formula, while plain numbers such as `-1` stay numbers (`spreadsheet_safe`).

Streaming: rows are written as lines arrive; the worker processes render them (`renderer`).  With a
store (`scan --db`) the «Статус» column needs the store, which lives in the main process: the rows
are then rendered there (`renderer` gives None, and the scan hands `add` the lines) — still one line
at a time, memory stays flat.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from typing import Any, Callable

from .. import words
from .base import FormatOptions, Formatter
from .columns import CANDIDATE_COLUMNS, candidate_rows
from .context import RecordContext
from .model import ReportLine
from .text import spreadsheet_safe


class CsvFormatter(Formatter):
    name = "csv"

    def begin(self) -> None:
        # the BOM, then UTF-8 (what an `utf-8-sig` text stream writes); rows are bytes from `render_line`
        self.out.write(codecs.BOM_UTF8 + _encode(self.options.csv_delimiter,
                                                 [[spreadsheet_safe(c.title) for c in CANDIDATE_COLUMNS]]))

    @classmethod
    def renderer(cls, options: FormatOptions) -> Callable[[ReportLine, RecordContext | None], bytes] | None:
        if options.review_status is not None:
            return None  # the review status is known in the main process only (see the module docstring)
        delimiter = options.csv_delimiter
        return lambda line, context: _encode(delimiter, _rows(line, context, None))

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.out.write(_encode(self.options.csv_delimiter, _rows(line, context, self.options.review_status)))


def _encode(delimiter: str, rows: list[list[object]]) -> bytes:
    if not rows:
        return b""
    buf = io.StringIO(newline="")  # a fresh buffer per call: workers may render from several threads
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _cell(value: Any) -> object:
    if isinstance(value, dt.date):
        return words.date(value)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return "" if value is None else value


def _rows(line: ReportLine, context: RecordContext | None,
          review_status: Callable[[str], str | None] | None) -> list[list[object]]:
    return [[_cell(v) for v in row] for row in candidate_rows(line, context, review_status)]
