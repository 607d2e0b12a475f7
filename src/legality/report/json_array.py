"""One JSON array of report-v1 lines (the same objects as `jsonl`), for tools that want one document.

Streaming too: the array is opened, each line written as it arrives, and closed at the end.  The
summary is not embedded (it carries timestamps; the report must be byte-identical between runs):
use `--summary FILE`.
"""

from __future__ import annotations

from typing import Any

from .context import RecordContext
from .base import Formatter, dumps
from .model import ReportLine


class JsonArrayFormatter(Formatter):
    name = "json"

    def begin(self) -> None:
        self.out.write(b"[")
        self._first = True

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.out.write(b"\n" if self._first else b",\n")
        self._first = False
        self.out.write(dumps(line.to_json()))

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.write(b"]\n" if self._first else b"\n]\n")
