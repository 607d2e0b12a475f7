"""The output-format interface: one module per format, each a `Formatter` subclass.

Why a small base class: the scan pipeline hands every format the same ordered, fingerprinted report
lines; a format only decides how they look.  Streaming formats (jsonl, json, csv) write each line as
it arrives, so memory stays flat on any input; xlsx also writes each line's rows as it arrives, but
in the main process (its bytes exist only as the whole workbook); the others (table, sarif, html)
need the whole run and collect (`Collecting`).  Formats write bytes, and must be deterministic: no timestamps, no
host names, nothing that differs between two runs on the same input and rules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, ClassVar

import orjson

from ..report.model import ReportLine
from .context import RecordContext
from ..model.jsonable import safe_dumps
from ..result.candidate import RuleInfo


@dataclass(slots=True)
class RunMeta:
    """What a report says about the run itself."""

    tool_version: str
    rules_version: str
    rules: list[RuleInfo] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    # the rules directory in use (None: the shipped rules): human formats show its edition,
    # `legality.edition.edition_label(meta.rules_dir)` «редакция правил от 02.12.2026», not the hash
    rules_dir: str | None = None


@dataclass(slots=True)
class FormatOptions:
    csv_delimiter: str = ","
    color: bool = False       # table: ANSI colours (a terminal)
    width: int | None = None  # table: console width
    # `scan --db`: a candidate's review status in the store by its fingerprint ("new", "known",
    # "dismissed", "confirmed", "resolved"; None: not in the store).  Filled by the command from the
    # store; None without `--db`, and the formats show «—».  Called in the main process only: a
    # streaming format whose rows show it renders in the main process when it is set (see csv_rows).
    review_status: Callable[[str], str | None] | None = None
    # `scan --severity/--rule/--court/--article`: a `report.filter.CandidateFilter` (what the report
    # shows, not what the store records); when active the lines are filtered and rendered in the main process
    candidate_filter: Any = None
    show_invalid: bool = False  # table: list invalid and not fully checked records after the candidates


class Formatter:
    name: ClassVar[str] = ""
    streaming: ClassVar[bool] = True

    def __init__(self, out: BinaryIO, meta: RunMeta, options: FormatOptions | None = None):
        self.out = out
        self.meta = meta
        self.options = options or FormatOptions()

    def begin(self) -> None:
        """Called once before the first line."""

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        raise NotImplementedError

    @classmethod
    def renderer(cls, options: FormatOptions) -> "Callable[[ReportLine, RecordContext | None], bytes] | None":
        """A streaming format: a pure function giving one line's bytes exactly as `add` writes them, so
        a worker process serialises and the scan's main process only writes them (`add_rendered`).
        None for a format that collects (it needs the objects).  Safe to call from several threads."""
        return None

    def add_rendered(self, data: bytes) -> None:
        """Write one line's bytes as `renderer(options)` made them (in this process or a worker)."""
        self.out.write(data)

    def finish(self, summary: dict[str, Any]) -> None:
        """Called once after the last line, with the run's counts (`legality.summary/1`, no timestamps)."""


class Collecting(Formatter):
    """A format that needs every line before writing anything."""

    streaming = False

    def __init__(self, out: BinaryIO, meta: RunMeta, options: FormatOptions | None = None):
        super().__init__(out, meta, options)
        self.lines: list[tuple[ReportLine, RecordContext | None]] = []

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.lines.append((line, context))


def dumps(obj: Any, *, indent: bool = False) -> bytes:
    """JSON bytes as every format writes them: UTF-8, exact engine values via `to_jsonable`.

    Never fails on an integer beyond 64 bits (written as its decimal string, see `model.jsonable`):
    one record with an absurd amount must not cost the whole report.
    """
    opt = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return safe_dumps(obj, opt)


# name -> (module, class); imported on use so `legality scan -f jsonl` never loads jinja2 or rich tables
FORMATS: dict[str, tuple[str, str]] = {
    "table": ("legality.report.table", "TableFormatter"),
    "jsonl": ("legality.report.jsonl", "JsonlFormatter"),
    "json": ("legality.report.json_array", "JsonArrayFormatter"),
    "csv": ("legality.report.csv_rows", "CsvFormatter"),
    "sarif": ("legality.report.sarif", "SarifFormatter"),
    "html": ("legality.report.html", "HtmlFormatter"),
    "xlsx": ("legality.report.xlsx", "XlsxFormatter"),
}


def formatter_class(name: str) -> type[Formatter]:
    module, cls = FORMATS[name]
    return getattr(importlib.import_module(module), cls)
