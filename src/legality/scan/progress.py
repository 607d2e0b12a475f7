"""The progress bar of a scan (rich, on stderr): records, records/s, with violations, invalid.

Why counts only: stderr ends up in job logs; it never shows anything from a record, not even a
case id.  Refreshed a few times a second by rich, updated by the scan loop every few hundred
records, so it costs nothing measurable.

Why the bar is closed before the report is written (review bug 1): a table printed on stdout while
the live bar still owned the last line of the same terminal left the bar's last frame — out of date
(«200 записей … 35» against the real 207 / 42, or «0 записей» above a table of findings) — on the
table title's line.  `progress_for` erases its line when the block ends (a transient bar), and
`run_scan` leaves the block before `formatter.finish`.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .. import words
from ..i18n import _
from .summary import Summary

if TYPE_CHECKING:
    from rich.console import Console

EVERY = 200  # records between updates


@contextlib.contextmanager
def progress_for(enabled: bool, summary: Summary, *, console: "Console | None" = None) -> Iterator[Callable[[], None]]:
    """A `tick()` to call once per record; a no-op when disabled.  `console`: tests pass their own."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console  # only when a bar is shown: rich costs start-up time
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.fields[records]}"), TextColumn("{task.fields[rate]}"),
               TextColumn("{task.fields[flagged]}"), TextColumn("{task.fields[invalid]}"), TimeElapsedColumn())
    start = time.monotonic()
    count = 0

    def fields() -> dict[str, Any]:
        elapsed = max(time.monotonic() - start, 1e-6)
        return {
            "records": words.count(count, "запись"),
            "rate": _("{rate} в секунду").format(rate=words.count(round(count / elapsed), "запись")) if count else "",
            "flagged": _("с нарушениями: {n}").format(n=words.number(summary.flagged)),
            "invalid": _("некорректных: {n}").format(n=words.number(summary.invalid)),
        }

    # transient: the bar's line is erased when the block ends, so nothing of it stays above the report
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("scan", total=None, **fields())

        def update() -> None:
            bar.update(task, **fields())

        def tick() -> None:
            nonlocal count
            count += 1
            if count % EVERY == 0:
                update()

        yield tick
        update()
