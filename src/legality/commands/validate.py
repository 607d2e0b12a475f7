"""`legality validate PATH...`: does a batch satisfy the export format, before any rule runs.

Why a command of its own: courts check their exports before sending them, and a clerk fixing an
export needs every bad field of every bad record (file, line, case id, field path, message) rather
than a scan report.  Exit codes: 0 all valid, 1 some record invalid, 2 a path cannot be read or the
command line is wrong.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import click
import orjson
from rich.console import Console
from rich.text import Text

from .. import words
from ..i18n import _
from ..io.reader import WHOLE_RECORD, RecordItem, decode, iter_raw, resolve_inputs
from ..report.model import ReportLine
from ..report.text import safe_text

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


@dataclass(slots=True)
class Counts:
    records: int = 0
    valid: int = 0
    invalid: int = 0

    def line(self) -> str:
        return _("записей: {records}, корректных: {valid}, некорректных: {invalid}").format(
            records=self.records, valid=self.valid, invalid=self.invalid)


def error_lines(item: RecordItem) -> list[tuple[str, str | None, str | None, str]]:
    """(where, case, field, message) per error; a whole-record error has no field.

    The field is said in words (`words.field`: «эпизод 1 → дата совершения»), not as the export's JSON
    path, which is an identifier; `--format json` keeps the exact path for whoever fixes the export.
    Everything passes through `safe_text`: a case id or a file name from a hostile export must not
    reach the clerk's terminal as escape sequences.
    """
    where = f"{safe_text(item.file)}:{item.line}"
    case = _("дело {case}").format(case=safe_text(item.case_id)) if item.case_id else None
    return [(where, case, None if e.path == WHOLE_RECORD else safe_text(words.field(e.path)), safe_text(e.message))
            for e in item.errors]


def as_text(item: RecordItem) -> list[str]:
    return [": ".join(p for p in parts if p is not None) for parts in error_lines(item)]


def as_rich(item: RecordItem) -> list[Text]:
    out = []
    for where, case, path, message in error_lines(item):
        t = Text()
        t.append(where, "bold")
        for piece, style in ((case, "cyan"), (path, "yellow"), (message, "")):
            if piece is not None:
                t.append(": ")
                t.append(piece, style)
        out.append(t)
    return out


def as_json(item: RecordItem) -> bytes:
    """The same shape as an `invalid` line of the scan report, so one parser reads both."""
    line = ReportLine(item.case_id, item.file, item.line, "invalid", errors=[e.to_json() for e in item.errors])
    return orjson.dumps(line.to_json())


class _Out:
    """stdout for results: rich colours on a terminal, plain fast writes otherwise."""

    def __init__(self) -> None:
        self.console = Console(highlight=False, soft_wrap=True)
        self.rich = self.console.is_terminal

    def item(self, item: RecordItem, fmt: str) -> None:
        if fmt == "json":
            sys.stdout.write(as_json(item).decode() + "\n")
        elif self.rich:
            for t in as_rich(item):
                self.console.print(t)
        else:
            sys.stdout.write("".join(s + "\n" for s in as_text(item)))

    def flush(self) -> None:
        sys.stdout.flush()


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per error; json: one JSON object per invalid record (as in the scan report).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the count line.")
def validate(paths: tuple[str, ...], fmt: str, quiet: bool) -> None:
    """Check verdict records against the export format (legality.verdict/1).

    PATH is a .jsonl/.ndjson/.json file, a directory (read recursively, in sorted order) or - for
    stdin. Prints each error of each invalid record as FILE:LINE: case CASE_ID: FIELD: MESSAGE,
    then the count. Exit code: 0 all records valid, 1 some invalid, 2 a path cannot be read.
    """
    sources, input_errors = resolve_inputs(paths)
    for err in input_errors:
        click.echo(_("{path}: ошибка: {message}").format(path=safe_text(err.path), message=safe_text(err.message)), err=True)
    counts = Counts()
    out = _Out()
    try:
        for raw in iter_raw(sources):
            item = decode(raw)
            counts.records += 1
            if item.valid:
                counts.valid += 1
                continue
            counts.invalid += 1
            if not quiet:
                out.item(item, fmt)
        out.flush()
        click.echo(counts.line(), err=fmt == "json" and not quiet)
    except BrokenPipeError:  # `legality validate ... | head`: the reader has gone, so has our output
        _silence_stdout()
    if input_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if counts.invalid else EXIT_OK)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


COMMANDS = [validate]
