"""One JSON array of report-v1 lines (the same objects as `jsonl`), for tools that want one document.

Streaming too: the array is opened, each line written as it arrives, and closed at the end.  The
summary is not embedded (it carries timestamps; the report must be byte-identical between runs):
use `--summary FILE`.
"""

from __future__ import annotations

from typing import Any, Callable

from .context import RecordContext
from .base import FormatOptions, Formatter, dumps
from .model import ReportLine


class JsonArrayFormatter(Formatter):
    name = "json"

    def begin(self) -> None:
        self.out.write(b"[")
        self._first = True

    @classmethod
    def renderer(cls, options: FormatOptions) -> Callable[[ReportLine, RecordContext | None], bytes]:
        return _render

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        self.add_rendered(_render(line, context))

    def add_rendered(self, data: bytes) -> None:
        self.out.write(b"\n" if self._first else b",\n")
        self._first = False
        self.out.write(data)

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.write(b"]\n" if self._first else b"\n]\n")


def _render(line: ReportLine, context: RecordContext | None) -> bytes:
    return dumps(line.to_json())
