"""The progress bar of a scan (rich, on stderr): records, records/s, flagged, invalid.

Why counts only: stderr ends up in job logs; it never shows anything from a record, not even a
case id.  Refreshed a few times a second by rich, updated by the scan loop every few hundred
records, so it costs nothing measurable.
"""

from __future__ import annotations

import contextlib
import time
from typing import Callable, Iterator

from .summary import Summary

EVERY = 200  # records between updates


@contextlib.contextmanager
def progress_for(enabled: bool, summary: Summary) -> Iterator[Callable[[], None]]:
    """A `tick()` to call once per record; a no-op when disabled."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console  # only when a bar is shown: rich costs start-up time
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.fields[records]} записей"), TextColumn("{task.fields[rate]} зап./с"),
               TextColumn("с нарушениями: {task.fields[flagged]}"), TextColumn("некорректных: {task.fields[invalid]}"),
               TimeElapsedColumn())
    start = time.monotonic()
    count = 0
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("scan", total=None, records=0, rate="—", flagged=0, invalid=0)

        def update() -> None:
            elapsed = max(time.monotonic() - start, 1e-6)
            bar.update(task, records=count, rate=f"{count / elapsed:,.0f}".replace(",", " "),
                       flagged=summary.flagged, invalid=summary.invalid)

        def tick() -> None:
            nonlocal count
            count += 1
            if count % EVERY == 0:
                update()

        yield tick
        update()
