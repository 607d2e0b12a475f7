"""The scan pipeline: raw records → (state) → decode + evaluate in workers → (state) → ordered results.

Why this shape: reading and the state store stay in the main process (one reader, one SQLite
writer); decoding and evaluation — the costly part — run in worker processes, each with its own
compiled engine (engines hold closures and cannot be pickled).  Chunks are submitted with a bounded
number in flight and consumed strictly in submission order, so memory does not grow with the input
and the output is the same, byte for byte, for any number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..io.reader import RawRecord
from ..report.model import ReportLine
from ..report.context import RecordContext, context_of
from ..result.evaluator import Evaluator
from .lifeline import die_with_parent
from .state import SKIP, NoState, ScanState

CHUNK = 256          # records per task sent to a worker
IN_FLIGHT = 4        # chunks in flight per worker: enough to keep workers busy, bounded memory

RulesDir = str | Path | None
EngineFactory = Callable[[RulesDir], Evaluator]


def load_engine(rules_dir: RulesDir) -> Evaluator:
    """Default engine factory (module level so worker processes can be told to call it)."""
    from ..engine import Engine

    return Engine.load(rules_dir)


@dataclass(slots=True)
class Scanned:
    """One input record after the pipeline, in input order."""

    result: ReportLine | None      # None: unchanged since the last run (state said SKIP)
    output: ReportLine | None      # what to write (the state may filter or replace it)
    context: RecordContext | None  # court, date and offence articles, for the human formats


def evaluate_raw(engine: Evaluator, raw: RawRecord) -> tuple[ReportLine, RecordContext | None, str]:
    """Decode and evaluate one raw record; never raises (a bad record is a result, not an error)."""
    return evaluate_raws(engine, [raw])[0]


def evaluate_raws(engine: Evaluator, raws: list[RawRecord]) -> list[tuple[ReportLine, RecordContext | None, str]]:
    """Decode and evaluate a batch of raw records, in order; never raises (a bad record is a result).

    The valid records are evaluated together (`evaluate_many`: the batch backend); should that fail,
    each record is evaluated alone, so an engine bug costs the records it hits, not the batch.
    A record on which a rule faulted, or which has a coverage gap (an article the catalogue lacks,
    a value a rule `needs`), is never `clean`: with candidates it stays `flagged` (and carries
    `faults` / `coverage`), without them it is `partial` — nobody may read "no violation" into a
    check that did not finish.
    """
    from ..io.reader import decode

    items = [decode(raw) for raw in raws]
    verdicts = [it.verdict for it in items if it.verdict is not None]
    evs: list[Any]
    try:
        evs = list(engine.evaluate_many(verdicts)) if verdicts else []
        if len(evs) != len(verdicts):
            raise RuntimeError("evaluate_many returned another number of evaluations")
    except Exception:  # noqa: BLE001 - one record at a time: each failure costs its own record only
        evs = []
        for v in verdicts:
            try:
                evs.append(engine.evaluate(v))
            except Exception as exc:  # noqa: BLE001
                evs.append(exc)
    out: list[tuple[ReportLine, RecordContext | None, str]] = []
    it_ev = iter(evs)
    for item in items:
        if item.verdict is None:
            errors = [e.to_json() for e in item.errors]
            out.append((ReportLine(item.case_id, item.file, item.line, "invalid", errors=errors), None,
                        item.content_hash))
            continue
        out.append(_line_of(item, next(it_ev)))
    return out


def _line_of(item: Any, ev: Any) -> tuple[ReportLine, RecordContext | None, str]:
    verdict = item.verdict
    if isinstance(ev, BaseException):  # an engine bug must cost one record, not the batch
        candidates, coverage = [], None
        faults = [{"code": "E501", "severity": "error",
                   "message": f"внутренняя ошибка при проверке записи ({type(ev).__name__}); сообщите разработчикам"}]
    else:
        candidates, faults = list(ev.candidates), [f.to_json() for f in ev.faults]
        coverage = getattr(ev, "coverage", None)
    try:
        context = context_of(verdict)
    except Exception:  # noqa: BLE001 - the context only decorates the human formats
        context = None
    gaps = coverage is not None and bool(coverage.gaps)
    status = "flagged" if candidates else "partial" if faults or gaps else "clean"
    line = ReportLine(verdict.case_id, item.file, item.line, status, candidates=candidates, faults=faults,
                      coverage=coverage)
    return line, context, item.content_hash


# ---- worker side: one engine per process (inherited by fork, or built by the pool initializer)

_ENGINE: Evaluator | None = None


def _init_worker(factory: EngineFactory | None, rules_dir: RulesDir, parent_pid: int | None = None) -> None:
    global _ENGINE
    die_with_parent(parent_pid)  # a worker outliving a killed scan would hold its stderr pipe and store
    if factory is not None:
        _ENGINE = factory(rules_dir)


def _work(raws: list[RawRecord]) -> list[tuple[ReportLine, RecordContext | None, str]]:
    assert _ENGINE is not None, "set by fork or by _init_worker"
    return evaluate_raws(_ENGINE, raws)


# ---- main side


@dataclass(slots=True)
class _Slot:
    """One input record's place in a chunk: decided in the main process, or waiting for a worker."""

    raw: RawRecord
    line: ReportLine | None = None   # resumed from the state store
    skip: bool = False               # unchanged


class Pipeline:
    """Runs the scan; iterate `run(raws)` to get `Scanned` results in input order.

    `jobs == 1` evaluates in this process.  Otherwise, where the OS can fork, the pool is forked on
    entering (before any other thread, e.g. the progress bar, exists) and every worker inherits the
    compiled engine — compiling the rule pack costs far more than a fork.  Elsewhere (`spawn`) the
    pool starts at the first full chunk, so a small batch never pays for it, and its initializer
    builds an engine with `factory(rules_dir)` in every worker.
    """

    def __init__(self, engine: Evaluator, *, rules_dir: RulesDir, jobs: int = 1, state: ScanState | None = None,
                 factory: EngineFactory = load_engine, chunk: int = CHUNK, start_method: str | None = None):
        self.engine = engine
        self.rules_dir = rules_dir
        self.jobs = max(1, jobs)
        self.state = state or NoState()
        self.factory = factory
        self.chunk = max(1, chunk)
        self._pool: Any = None
        methods = mp.get_all_start_methods()
        self.start_method = start_method or ("fork" if "fork" in methods else "spawn")

    def __enter__(self) -> "Pipeline":
        if self.jobs > 1 and self.start_method == "fork":
            self._start_pool()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
            self._pool = None

    def _start_pool(self) -> None:
        """A process pool that fails loudly (BrokenProcessPool) if a worker dies, instead of hanging."""
        global _ENGINE
        ctx = mp.get_context(self.start_method)
        if self.start_method == "fork":
            _ENGINE = self.engine  # inherited by the forked workers
            args: tuple[EngineFactory | None, RulesDir, int] = (None, None, os.getpid())
        else:
            args = (self.factory, self.rules_dir, os.getpid())
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker, initargs=args)
        if self.start_method == "fork":
            gc.freeze()  # workers never collect the inherited objects, so their pages stay shared
            self._pool.submit(int)  # the first submit forks every worker (3.11+), while this process has one thread
            gc.unfreeze()

    def _chunks(self, raws: Iterable[RawRecord]) -> Iterator[list[_Slot]]:
        lookup = None if isinstance(self.state, NoState) else self.state.lookup
        buf: list[_Slot] = []
        pending = 0
        for raw in raws:
            slot = _Slot(raw)
            if lookup is not None:
                found = lookup(raw.file, raw.line, raw.content_hash)
                if found == SKIP:
                    slot.skip = True
                elif isinstance(found, ReportLine):
                    slot.line = found
            buf.append(slot)
            if slot.line is None and not slot.skip:
                pending += 1
            if pending >= self.chunk or len(buf) >= 4 * self.chunk:
                yield buf
                buf, pending = [], 0
        if buf:
            yield buf

    def _finish(self, slots: list[_Slot], results: list[tuple[ReportLine, RecordContext | None, str]]) -> Iterator[Scanned]:
        it = iter(results)
        for slot in slots:
            if slot.skip:
                yield Scanned(None, None, None)
            elif slot.line is not None:  # committed before an interruption: output what was output then
                output, ctx = self.state.replay(slot.line, slot.raw.content_hash)
                yield Scanned(slot.line, output, ctx)
            else:
                line, ctx, content_hash = next(it)
                yield Scanned(line, self.state.record(line, content_hash, ctx), ctx)

    def run(self, raws: Iterable[RawRecord]) -> Iterator[Scanned]:
        window: deque[tuple[list[_Slot], Any]] = deque()
        limit = self.jobs * IN_FLIGHT
        for slots in self._chunks(raws):
            todo = [s.raw for s in slots if s.line is None and not s.skip]
            if self._pool is None and self.jobs > 1 and len(todo) >= self.chunk:
                self._start_pool()
            if self._pool is None:
                yield from self._finish(slots, evaluate_raws(self.engine, todo))
                continue
            window.append((slots, self._pool.submit(_work, todo) if todo else None))
            while len(window) >= limit:
                yield from self._drain(window.popleft())
        while window:
            yield from self._drain(window.popleft())

    def _drain(self, entry: tuple[list[_Slot], Any]) -> Iterator[Scanned]:
        slots, pending = entry
        yield from self._finish(slots, pending.result() if pending is not None else [])
