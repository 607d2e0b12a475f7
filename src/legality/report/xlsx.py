"""Excel workbook (`-f xlsx`): the candidates an analyst filters and pivots, and what was not checked.

Three sheets: «Кандидаты в протест» (one row per candidate, the columns of `report/columns.py`, as in
the CSV), «Проверены не полностью» (records whose check did not finish: what and why) and
«Некорректные записи» (records the tool could not read: where, and the errors).  Each has an
AutoFilter over its header, a frozen header row, fixed column widths, wrapped long text and verdict
dates as real Excel dates (dd.mm.yyyy), so sorting by date and grouping by month work.

Why openpyxl's write-only mode: rows go to the sheets' temporary files as lines arrive, strings are
written inline (no shared-string table in memory), so a run of 50 000 records stays flat.

Why text cells are typed by hand: openpyxl turns a string starting with `=` into a formula.  Every
string here is written as a string, and one that a spreadsheet would read as a formula (see
`text.spreadsheet_safe`) also gets Excel's «quote prefix», so even editing the cell keeps it text.
Control characters (which the XML of a workbook cannot hold) are shown escaped (`text.safe_text`).

Why the bytes are fixed: reports must be deterministic (report/base.py): the document's
created/modified times and every zip entry's date are fixed, the entries are written in one order;
the same input and rules give the same file for any `--jobs`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import tempfile
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from ..i18n import N_, _
from .base import Formatter
from .columns import (CANDIDATE_COLUMNS, INVALID_COLUMNS, PARTIAL_COLUMNS, Column, candidate_rows, incomplete,
                      invalid_row, partial_row)
from .context import RecordContext
from .model import ReportLine
from .text import safe_text, spreadsheet_safe

SHEET_CANDIDATES = N_("Кандидаты в протест")
SHEET_PARTIAL = N_("Проверены не полностью")
SHEET_INVALID = N_("Некорректные записи")

DATE_FORMAT = "DD.MM.YYYY"
FIXED_TIME = dt.datetime(2000, 1, 1)      # the document properties' created / modified
ZIP_TIME = (1980, 1, 1, 0, 0, 0)          # every zip entry's date (the earliest a zip can hold)
MAX_ROWS = 1_048_576                      # Excel's rows per sheet; more continue on a sheet «… (2)»
_SURROGATES = re.compile("[\ud800-\udfff]")
_TYPED_STARTS = frozenset("=#")  # what openpyxl would write as a formula or an error value
MAX_CELL = 32_767                # characters Excel keeps in a cell


class _DeterministicZip(ZipFile):
    """A zip whose entries carry a fixed date and mode, whatever the clock and the temp files say."""

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        # a write-only sheet: copied from its temporary file in pieces, not read into memory
        with open(filename, "rb") as src, self.open(self._info(arcname or str(filename)), "w",
                                                    force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


class _Sheet:
    """One write-only sheet: header, widths, frozen header, rows, and the AutoFilter at the end."""

    def __init__(self, book: Any, styles: "_Styles", title: str, columns: tuple[Column, ...]):
        self.book, self.styles, self.title, self.columns = book, styles, title, columns
        self.part = 0
        self._open()

    def _open(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        self.part += 1
        name = self.title if self.part == 1 else f"{self.title} ({self.part})"
        self.ws = self.book.create_sheet(_sheet_name(name))
        for i, col in enumerate(self.columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.freeze_panes = "A2"
        header = []
        for col in self.columns:
            cell = WriteOnlyCell(self.ws, value=_clean(col.title))
            cell.data_type = "s"
            cell.font, cell.alignment = self.styles.bold, self.styles.header
            header.append(cell)
        self.ws.append(header)
        self.rows = 1

    def close(self) -> None:
        """The AutoFilter over the header and the rows (set before the sheet is saved)."""
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows}"

    def append(self, values: list[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        if self.rows >= MAX_ROWS:
            self.close()
            self._open()
        styles = self.styles
        cells: list[Any] = []
        for col, value in zip(self.columns, values):
            if value is None or value == "":
                cells.append(None)
            elif isinstance(value, str):
                text = _clean(value)
                if col.wrap or text[:1] in _TYPED_STARTS or spreadsheet_safe(text) != text:
                    # typed by hand: never a formula (`=`) or an error value (`#N/A`); styles are copied
                    # from a template cell (assigning a style object hashes it: slow on 50 000 rows)
                    cell = WriteOnlyCell(self.ws)
                    cell._value, cell.data_type = text, "s"
                    guarded = spreadsheet_safe(text) != text
                    cell._style = copy.copy(styles.array(wrap=col.wrap, quote=guarded))
                    cells.append(cell)
                else:
                    cells.append(text)
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(self.ws)
                cell._value, cell.data_type = value, "d"
                cell._style = copy.copy(styles.date_array)
                cells.append(cell)
            else:
                cells.append(value)
        self.ws.append(cells)
        self.rows += 1


class _Styles:
    """The few cell styles of the workbook, registered once; a cell gets a copy of a template's style ids."""

    def __init__(self, book: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self.bold = Font(bold=True)
        self.header = Alignment(wrap_text=True, vertical="top")
        wrap = Alignment(wrap_text=True, vertical="top")
        sheet = book.create_sheet("templates")  # a scratch sheet to make the template cells on, removed below
        self._arrays = {}
        for wrapped in (False, True):
            for quote in (False, True):
                cell = WriteOnlyCell(sheet)
                if wrapped:
                    cell.alignment = wrap
                if quote:
                    cell.quotePrefix = True
                self._arrays[wrapped, quote] = cell._style
        cell = WriteOnlyCell(sheet)
        cell.number_format = DATE_FORMAT
        self.date_array = cell._style
        book.remove(sheet)

    def array(self, *, wrap: bool, quote: bool) -> Any:
        return self._arrays[wrap, quote]


def _clean(text: str) -> str:
    """Record text as a workbook can hold it: control characters escaped (line breaks and tabs kept),
    lone surrogates dropped (no XML can carry them)."""
    return _SURROGATES.sub("", safe_text(text, multiline=True).replace("\r", ""))[:MAX_CELL]


def _sheet_name(title: str) -> str:
    """Excel's limits on a sheet name: 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


class XlsxFormatter(Formatter):
    """Writes rows as lines arrive (no line is kept); the workbook is assembled in `finish`."""

    name = "xlsx"
    streaming = False  # the bytes of a line do not exist on their own: the main process writes the workbook

    def begin(self) -> None:
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.titles = {r.id: r.title for r in self.meta.rules}
        styles = _Styles(self.book)
        self.candidates = _Sheet(self.book, styles, _(SHEET_CANDIDATES), CANDIDATE_COLUMNS)
        self.partial = _Sheet(self.book, styles, _(SHEET_PARTIAL), PARTIAL_COLUMNS)
        self.invalid = _Sheet(self.book, styles, _(SHEET_INVALID), INVALID_COLUMNS)

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        for row in candidate_rows(line, context, self.options.review_status):
            self.candidates.append(row)
        if line.status == "invalid":
            self.invalid.append(invalid_row(line))
        elif incomplete(line):
            self.partial.append(partial_row(line, context, self.titles))

    def finish(self, summary: dict[str, Any]) -> None:
        from openpyxl.writer.excel import ExcelWriter

        for sheet in (self.candidates, self.partial, self.invalid):
            sheet.close()
        props = self.book.properties
        props.creator = "legality"
        props.lastModifiedBy = None
        props.created = props.modified = FIXED_TIME
        props.title = _(SHEET_CANDIDATES)
        # assembled in a temporary file (a zip needs to seek; `out` may be a pipe), then copied
        with tempfile.SpooledTemporaryFile(max_size=32 << 20) as tmp:
            archive = _DeterministicZip(tmp, "w", ZIP_DEFLATED, allowZip64=True)
            ExcelWriter(self.book, archive).save()  # closes the archive
            tmp.seek(0)
            shutil.copyfileobj(tmp, self.out, 1 << 20)
