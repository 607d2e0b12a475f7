"""One scan run as a library call: sources + engine → a report on a byte stream, and the counts.

Why apart from the command: the command owns the process concerns (options, files, signals, exit
codes); this owns the run, so tests and the benchmark drive exactly what `legality scan` does.
"""

from __future__ import annotations

import os
from itertools import chain, islice
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from .. import __version__
from ..io.reader import RawRecord
from ..io.sources import Source
from ..report.base import FormatOptions, Formatter, RunMeta, formatter_class
from ..result.evaluator import Evaluator
from .pipeline import (CHUNK, Done, EngineFactory, Pipeline, RulesDir, Slot, Spec, collector_paused,
                       heap_frozen, load_engine, opened, written)
from .progress import progress_for
from .state import AS_IS, Evaluated, NoState, ScanState
from .summary import Summary, now_iso


def run_scan(sources: Iterable[Source], engine: Evaluator, out: BinaryIO, *, fmt: str = "jsonl", rules_dir: RulesDir = None,
             jobs: int = 1, include_all: bool = False, state: ScanState | None = None,
             options: FormatOptions | None = None, progress: bool = False,
             factory: EngineFactory = load_engine, raws: Iterable[RawRecord] | None = None,
             summary: Summary | None = None, start_method: str | None = None, cluster: Any = None,
             chunk: int | None = None, progress_console: Any = None) -> Summary:
    """Scan and write the report in `fmt` to `out`; returns the summary (timestamps set).

    `raws` replaces reading `sources` (the benchmark feeds pre-framed records).  The caller opens
    and closes `state`; passing `summary` lets it see the counts of an interrupted run.  `cluster`
    (a `scan.cluster.Cluster`) evaluates on Dask workers instead of `jobs` local processes (`jobs=0`:
    as many as the machine has cores, or this process alone when the input is one chunk at most —
    `auto_jobs`); `chunk`: records per worker task (tests); `progress_console`: the rich console of
    the progress bar (tests).
    """
    from ..io.reader import iter_raw

    sources = list(sources)
    records: Iterable[RawRecord] = iter_raw(sources) if raws is None else raws
    if jobs <= 0:
        jobs, records = auto_jobs(records, CHUNK if chunk is None else chunk) if cluster is None else (1, records)
    state = state or NoState()
    options = options or FormatOptions()
    summary = summary or Summary(rules_version=engine.version, started=now_iso())
    meta = RunMeta(__version__, engine.version, list(engine.rules), [s.name for s in sources],
                   rules_dir=None if rules_dir is None else str(rules_dir))
    formatter = formatter_class(fmt)(out, meta, options)
    flt = options.candidate_filter
    if flt is not None and flt.active:  # what the report shows; the store and the counts see everything
        from ..report.filter import Filtered

        formatter = Filtered(formatter, flt)
    spec = Spec.of(fmt, options, include_all=include_all, state=not isinstance(state, NoState),
                   store=callable(getattr(state, "record_evaluated", None)))
    if cluster is not None:
        pipe: Any = cluster.pipeline(engine, rules_dir=rules_dir, state=state, spec=spec, sources=sources)
    else:
        pipe = Pipeline(engine, rules_dir=rules_dir, jobs=jobs, state=state, factory=factory,
                        start_method=start_method, spec=spec, **({} if chunk is None else {"chunk": chunk}))
    with heap_frozen(), pipe:
        with progress_for(progress, summary, console=progress_console) as tick:
            formatter.begin()
            for slots, got in pipe.run(records):
                # a chunk is taken in with the cyclic collector paused, as a worker makes one: its lines and
                # their contexts (with a store, every record's) are freed by reference counting at the end
                with collector_paused():
                    done = None if got is None else opened(got)
                    del got
                    emit(slots, done, formatter=formatter, summary=summary, state=state, include_all=include_all,
                         tick=tick)
                    del done
        # the bar is gone before the report's end is written: no stale frame above the table (bug 1)
        summary.finished = now_iso()
        formatter.finish(summary.counts())
    return summary


def auto_jobs(records: Iterable[RawRecord], chunk: int) -> tuple[int, Iterable[RawRecord]]:
    """How many processes a scan without `--jobs` uses, and its records (the ones looked at put back).

    Why look: the work goes to workers a chunk at a time, so an input of one chunk at most is evaluated by
    one process whatever their number, and starting workers for it — forking them, and before that
    importing numpy and compiling the batch plan for them to inherit — only adds time: a scan of one record
    took 0.40–0.43 s with two workers and 0.26–0.27 s in one process.  The records are framed now, before the
    pipeline forks (no thread exists yet), as the pipeline would have framed them; a bigger input gets a
    process per core, as before.  The report is the same either way."""
    it = iter(records)
    head = list(islice(it, chunk + 1))
    if len(head) <= chunk:
        return 1, head
    return os.cpu_count() or 1, chain(head, it)


def emit(slots: list[Slot] | None, done: Done | None, *, formatter: Formatter, summary: Summary, state: ScanState,
         include_all: bool, tick: Callable[[], None]) -> None:
    """The main process's share of one chunk, in input order: counts, the state store, writing.

    Without a state store (`slots` None) every record was evaluated and the worker's bytes are
    written as they are.  With one, each evaluated line goes through `state.record` (which may filter
    it, e.g. `--new-only`), resumed lines through `state.replay`, unchanged ones are only counted.
    """
    if slots is None:
        assert done is not None
        summary.merge(done.tally)
        if done.payloads is not None:
            add = formatter.add_rendered
            for data in done.payloads:
                if data is not None:
                    add(data)
                tick()
            return
        assert done.lines is not None and done.contexts is not None
        for line, ctx in zip(done.lines, done.contexts):
            if line is not None and written(line, include_all):
                formatter.add(line, ctx)
            tick()
        return
    if done is not None:
        summary.merge(done.tally)
        before = getattr(state, "before_records", None)  # a store reads what it needs for the chunk at once
        if before is not None and done.lines:
            before(done.evaluated if done.evaluated is not None else done.lines)
    evaluated = _evaluated(done)
    collecting = done is not None and done.payloads is None
    record_evaluated = getattr(state, "record_evaluated", None)
    for slot in slots:
        if slot.skip:
            summary.add(None)
        elif slot.line is not None:  # committed before an interruption: output what was output then
            output, ctx = state.replay(slot.line, slot.content_hash)
            summary.add(slot.line, ctx)
            if output is not None and written(output, include_all):
                formatter.add(output, ctx)
        else:
            ev, line, ctx, data = next(evaluated)
            shown: Any
            if ev is not None and record_evaluated is not None:
                shown = record_evaluated(ev, slot.content_hash, line)
            else:  # a state without `record_evaluated`, or a worker that sent line objects only
                recorded = state.record(line, slot.content_hash, ctx)
                shown = AS_IS if recorded is line else recorded
            if shown is AS_IS:
                if data is not None:
                    formatter.add_rendered(data)  # what the worker serialised is what the store lets through
                elif collecting and line is not None and written(line, include_all):
                    formatter.add(line, ctx)
            elif shown is not None and written(shown, include_all):
                formatter.add(shown, ctx)
        tick()


def _evaluated(done: Done | None) -> Iterator[tuple[Evaluated | None, Any, Any, bytes | None]]:
    """Each evaluated record of a chunk: what the store keeps of it (None: the worker sent line objects
    only), its line and context (objects: every record's for a collecting format or a state without
    `record_evaluated`, else those of the records with candidates) and its report bytes (None: not written)."""
    if done is None:
        return iter(())
    assert done.lines is not None and done.contexts is not None
    payloads = done.payloads if done.payloads is not None else [None] * len(done.lines)
    evaluated = done.evaluated if done.evaluated is not None else [None] * len(done.lines)
    return zip(evaluated, done.lines, done.contexts, payloads)
