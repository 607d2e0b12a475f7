"""One scan run as a library call: sources + engine → a report on a byte stream, and the counts.

Why apart from the command: the command owns the process concerns (options, files, signals, exit
codes); this owns the run, so tests and the benchmark drive exactly what `legality scan` does.
"""

from __future__ import annotations

from typing import BinaryIO, Iterable

from .. import __version__
from ..io.reader import RawRecord
from ..io.sources import Source
from ..report.base import FormatOptions, RunMeta, formatter_class
from ..result.evaluator import Evaluator
from .pipeline import EngineFactory, Pipeline, RulesDir, load_engine
from .progress import progress_for
from .state import NoState, ScanState
from .summary import Summary, now_iso


def run_scan(sources: Iterable[Source], engine: Evaluator, out: BinaryIO, *, fmt: str = "jsonl", rules_dir: RulesDir = None,
             jobs: int = 1, include_all: bool = False, state: ScanState | None = None,
             options: FormatOptions | None = None, progress: bool = False,
             factory: EngineFactory = load_engine, raws: Iterable[RawRecord] | None = None,
             summary: Summary | None = None, start_method: str | None = None) -> Summary:
    """Scan and write the report in `fmt` to `out`; returns the summary (timestamps set).

    `raws` replaces reading `sources` (the benchmark feeds pre-framed records).  The caller opens
    and closes `state`; passing `summary` lets it see the counts of an interrupted run.
    """
    from ..io.reader import iter_raw

    sources = list(sources)
    summary = summary or Summary(rules_version=engine.version, started=now_iso())
    meta = RunMeta(__version__, engine.version, list(engine.rules), [s.name for s in sources])
    formatter = formatter_class(fmt)(out, meta, options or FormatOptions())
    with Pipeline(engine, rules_dir=rules_dir, jobs=jobs, state=state or NoState(), factory=factory,
                  start_method=start_method) as pipe, \
            progress_for(progress, summary) as tick:
        formatter.begin()
        for item in pipe.run(iter_raw(sources) if raws is None else raws):
            summary.add(item.result, item.context)
            line = item.output
            if line is not None and (include_all or line.status != "clean" or line.faults):
                formatter.add(line, item.context)
            tick()
        summary.finished = now_iso()
        formatter.finish(summary.counts())
    return summary
