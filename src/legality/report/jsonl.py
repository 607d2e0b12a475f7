"""JSON Lines, exactly report-v1 (shared/formats/report-v1.md): one object per line, input order.

Streaming: each line is written as it arrives, so memory does not grow with the input.
"""

from __future__ import annotations

from .context import RecordContext
from .base import Formatter, dumps
from .model import ReportLine


class JsonlFormatter(Formatter):
    name = "jsonl"

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.out.write(dumps(line.to_json()) + b"\n")
