"""The hook through which a scan talks to the nightly state store (issue 6).

Why a hook: the scan pipeline (reading, workers, ordered output) must not know SQLite; the store must
not know about worker processes.  A scan without `--db` uses `NoState`.  All calls happen in the main
process, in input order, so the store has a single writer.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..report.model import ReportLine
from ..report.context import RecordContext

SKIP = "skip"  # sentinel returned by `lookup` for an unchanged record (counted as `unchanged`)


class ScanState(Protocol):
    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        """Start a run (or, with resume, reattach to the interrupted run with the same inputs and rules)."""

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        """Before evaluation: a stored ReportLine to re-emit as is (resume), SKIP (unchanged), or None (evaluate).

        A returned ReportLine is the result the interrupted run committed: count it like an evaluated
        one and ask `replay` what to output for it.
        """

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        """After evaluation: persist; return what to output (None or a filtered line, e.g. for --new-only).

        `context` (court, date, articles for the human formats) is kept until the run completes, so a
        resumed run writes the same report in every format.
        """

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        """For a line `lookup` returned: what the interrupted run output for it, and its context."""

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        """Finish the run (commit the last batch, store counts)."""


class NoState:
    """No store: every record is evaluated and output as is."""

    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        return None

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        return None

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        return result

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        return result, None

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        return None
