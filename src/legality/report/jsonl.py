"""JSON Lines, exactly report-v1 (shared/formats/report-v1.md): one object per line, input order.

Streaming: each line is written as it arrives, so memory does not grow with the input.
"""

from __future__ import annotations

from typing import Callable

from .context import RecordContext
from .base import FormatOptions, Formatter, dumps
from .model import ReportLine


def render(line: ReportLine, context: RecordContext | None) -> bytes:
    return dumps(line.to_json()) + b"\n"


class JsonlFormatter(Formatter):
    name = "jsonl"

    @classmethod
    def renderer(cls, options: FormatOptions) -> Callable[[ReportLine, RecordContext | None], bytes]:
        return render

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.out.write(render(line, context))
