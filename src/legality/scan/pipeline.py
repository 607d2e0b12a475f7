"""The scan pipeline: raw records → (state) → decode + evaluate + serialise in workers → (state) → writing.

Why this shape: reading and the state store stay in the main process (one reader, one SQLite
writer); decoding, evaluation and serialising the report — the costly part — run in worker
processes, each with its own compiled engine (engines hold closures and cannot be pickled).  A
worker returns, for a chunk of records, what the main process needs and nothing more (`Done`): the
report bytes of each record in the streaming formats, the chunk's counts, and the line objects only
when a state store or a collecting format (table, sarif, html) needs them.  So the main process
only frames, looks up the store and writes.  Chunks are submitted with a bounded number in flight
and consumed strictly in submission order, so memory does not grow with the input and the output is
the same, byte for byte, for any number of workers.  `--jobs 1` calls the same worker function
(`work`) in-process, and `--cluster` (scan/cluster.py) calls it on Dask workers.
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from ..i18n import _, language, set_language
from ..io.reader import RawColumns, RawRecord, from_columns, to_columns
from ..report.base import FormatOptions, formatter_class
from ..report.model import ReportLine
from ..report.context import RecordContext, context_of
from ..result.candidate import CleanMark
from ..result.evaluator import Evaluator
from .lifeline import die_with_parent
from .state import SKIP, Evaluated, NoState, ScanState, evaluated_of
from .summary import Summary

# Records per task sent to a worker.  The batch evaluator has a cost per batch that a bigger chunk
# spreads over more records.  Measured on 50,000 varied records (CPU of the scan's process tree, median
# of 5, interleaved; docs/scale.md): --jobs 1: 512 → 12.6 s, 1024 → 10.5 s, 2048 → 9.7 s, 4096 → 9.5 s;
# --jobs 2: 13.6 / 12.4 / 11.4 / 10.2 s.  Peak RSS (--jobs 1): 75 / 81 / 89 / 105 MB.  Wall clock
# later on a quiet machine (median of 3): --jobs 1: 9.4 / 7.6 / 7.4 / 7.1 s, --jobs 2: 5.6 / 4.6 /
# 4.2 / 4.3 s.  2048 takes most of the gain for 14 MB; beyond it, memory grows faster than the gain,
# and the end of a --jobs run, where one worker may wait for the other's last chunk, grows with it.
CHUNK = 2048
IN_FLIGHT = 3        # chunks in flight per worker: enough to keep workers busy, bounded memory

RulesDir = str | Path | None
EngineFactory = Callable[[RulesDir], Evaluator]


def load_engine(rules_dir: RulesDir) -> Evaluator:
    """Default engine factory (module level so worker processes can be told to call it)."""
    from ..engine import Engine

    return Engine.load(rules_dir)


def with_backend(engine: Evaluator, backend: str | None) -> Evaluator:
    """`engine` evaluating with `backend` ("batch"/"row"), if it has backends and uses another one."""
    if backend is None or getattr(engine, "backend", backend) == backend:
        return engine
    return engine.with_backend(backend)  # type: ignore[attr-defined]


class Spec(NamedTuple):
    """What a worker makes of a chunk; fixed for the run, sent with every chunk (a few bytes)."""

    fmt: str | None = None      # the streaming format whose bytes the worker renders; None: a collecting one
    csv_delimiter: str = ","
    include_all: bool = False   # --all: clean lines are written too
    objects: bool = False       # also send each line with its context (a collecting format, a filtered report)
    particulars: bool = False   # contexts carry the verdict in words (a format with `wants_particulars`: html)
    lang: str = ""              # the run's language (i18n): a worker renders in it, whatever its own default
    store: bool = False         # a state store: send what it keeps of each record (`Evaluated`), and the line
                                # objects of the records with candidates (`--new-only` may output fewer of them)

    @classmethod
    def of(cls, fmt: str, options: FormatOptions, *, include_all: bool, state: bool, store: bool = False) -> "Spec":
        """`state`: a state other than `NoState`; `store`: one that records what a worker made of a record
        (`record_evaluated`); another state gets every line object."""
        klass = formatter_class(fmt)
        # a filtered report (`scan --severity …`) is filtered in the main process: the workers send objects
        flt = options.candidate_filter
        streaming = not (flt is not None and flt.active) and klass.renderer(options) is not None
        return cls(fmt if streaming else None, options.csv_delimiter, include_all, not streaming or (state and not store),
                   bool(getattr(klass, "wants_particulars", False)), lang=language(), store=state and store)


class Done(NamedTuple):
    """A worker's answer for one chunk (cheap to pickle: bytes, small tuples, one tally)."""

    tally: Summary                                  # the chunk's counts (merged in input order)
    payloads: list[bytes | None] | None             # per record: its report bytes (None: not written); None without fmt
    lines: list[ReportLine | None] | None           # with `objects`: per record; with `store`: those with candidates
    contexts: list[RecordContext | None] | None     # the same records' contexts
    evaluated: list[Evaluated] | None = None        # with `store`: per record, what the store keeps of it


def written(line: ReportLine, include_all: bool) -> bool:
    """Whether a report line is written: --all, or anything but a clean line without faults."""
    return include_all or line.status != "clean" or bool(line.faults)


def evaluate_raw(engine: Evaluator, raw: RawRecord) -> tuple[ReportLine, RecordContext | None, str]:
    """Decode and evaluate one raw record; never raises (a bad record is a result, not an error)."""
    return evaluate_raws(engine, [raw])[0]


def evaluate_raws(engine: Evaluator, raws: list[RawRecord], *, particulars: bool = False, contexts: bool = True,
                  hashes: bool = True) -> list[tuple[ReportLine, RecordContext | None, str]]:
    """Decode and evaluate a batch of raw records, in order; never raises (a bad record is a result).

    The valid records are evaluated together (`evaluate_many`: the batch backend); should that fail,
    each record is evaluated alone, so an engine bug costs the records it hits, not the batch.
    A record on which a rule faulted, or which has a coverage gap (an article the catalogue lacks,
    a value a rule `needs`), is never `clean`: with candidates it stays `flagged` (and carries
    `faults` / `coverage`), without them it is `partial` — nobody may read "no violation" into a
    check that did not finish.

    `contexts=False`: a clean line gets no context (None).  Nothing but the line objects sent back to
    the main process reads a clean line's context — the summary reads it for coverage gaps, the
    streaming formats for candidates, and a clean line has neither — and building one cost ≈5 µs a
    record, a tenth of a worker's CPU outside evaluation.

    `hashes=False`: the content hashes are "" (the state store's key, which a scan's main process computes
    when it plans a chunk: `Slot.content_hash`).
    """
    from ..io.reader import decode

    items = [decode(raw, hashed=hashes) for raw in raws]
    out: list[tuple[ReportLine, RecordContext | None, str]] = []
    it_ev = iter(_evaluations(engine, items))
    for item in items:
        if item.verdict is None:
            out.append((_invalid_line(item), None, item.content_hash))
            continue
        out.append(_line_of(item, next(it_ev), particulars, contexts))
    return out


def _invalid_line(item: Any) -> ReportLine:
    return ReportLine(item.case_id, item.file, item.line, "invalid", errors=[e.to_json() for e in item.errors])


def _evaluations(engine: Evaluator, items: list[Any], marked: bool = False) -> list[Any]:
    """The evaluation of every valid item, in order (an exception in place of one that failed).

    `marked`: a clean record may come back as a `CleanMark` (`evaluate_many_marked`, where the engine
    has it: a test double or another evaluator may not, and then every record comes as its evaluation)."""
    verdicts = [it.verdict for it in items if it.verdict is not None]
    evs: list[Any]
    try:
        many = getattr(engine, "evaluate_many_marked", None) if marked else None
        if many is None:
            many = engine.evaluate_many
        evs = list(many(verdicts)) if verdicts else []
        if len(evs) != len(verdicts):
            raise RuntimeError("evaluate_many returned another number of evaluations")
    except Exception:  # noqa: BLE001 - one record at a time: each failure costs its own record only
        evs = []
        for v in verdicts:
            try:
                evs.append(engine.evaluate(v))
            except Exception as exc:  # noqa: BLE001
                evs.append(exc)
    return evs


def _clean(ev: Any) -> bool:
    """Whether `_line_of` makes a `clean` line of `ev`: no candidate, no fault, no coverage gap."""
    if isinstance(ev, BaseException) or ev.candidates or ev.faults:  # `_line_of`: list(…) / `if ev.faults`
        return False
    coverage = getattr(ev, "coverage", None)
    return coverage is None or not coverage.gaps


def _line_of(item: Any, ev: Any, particulars: bool = False, contexts: bool = True
             ) -> tuple[ReportLine, RecordContext | None, str]:
    verdict = item.verdict
    if isinstance(ev, BaseException):  # an engine bug must cost one record, not the batch
        candidates, coverage = [], None
        faults = [{"code": "E501", "severity": "error",
                   "message": _("внутренняя ошибка при проверке записи ({kind}); сообщите разработчикам").format(kind=type(ev).__name__)}]
    else:
        candidates = list(ev.candidates)
        faults = [f.to_json() for f in ev.faults] if ev.faults else []
        coverage = getattr(ev, "coverage", None)
    gaps = coverage is not None and bool(coverage.gaps)
    status = "flagged" if candidates else "partial" if faults or gaps else "clean"
    context = None
    if contexts or status != "clean":
        try:
            # the verdict in words costs ~0.5 ms: only for a record with findings (the drill-down and its draft)
            context = context_of(verdict, particulars=particulars and bool(candidates))
        except Exception:  # noqa: BLE001 - the context only decorates the human formats
            context = None
    line = ReportLine(verdict.case_id, item.file, item.line, status, candidates=candidates, faults=faults,
                      coverage=coverage)
    return line, context, item.content_hash


_PAUSE_LOCK = threading.Lock()
_pauses = 0            # chunks being worked on in this process (a Dask worker may run several threads)
_resume = False        # whether the collector was enabled when the first of them paused it


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector waits while a chunk is worked on.

    Why: a chunk allocates a few hundred thousand short-lived containers (decoded records, report
    lines, their contexts), which reference counting frees when the chunk is done; the evaluator
    already pauses the collector while it evaluates.  With the collector on for the rest, it walked
    the chunk's live objects again and again and promoted them to older generations: timed with
    `gc.callbacks` on a `--jobs 1` scan of 50,000 records, 1,020 young, 93 middle and 8 full
    collections took 26–30 % of the run; paused, 119 young and 11 middle ones took 14 %, and the
    scan's CPU fell by 3 %.
    Cycles made meanwhile are collected after the chunk, so memory stays bounded by a chunk (peak RSS
    unchanged).  A counter under a lock, so that threads working on chunks at once (a Dask worker's)
    leave the collector as they found it.
    """
    global _pauses, _resume
    with _PAUSE_LOCK:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """The objects alive when a scan starts (the compiled engine, the catalogue, the imported modules)
    are left out of the cyclic collector's passes until it ends (`gc.freeze`; thawed after).

    Why: they live through the scan anyway, yet every full pass of the collector walked all of them —
    and the main process of a scan with a store (`--db`) or of `--jobs N` makes enough objects (report
    lines arriving from the workers, the store's statements) to run full passes: on 50,000 records with
    `--jobs 2 --db`, 15 full passes and 2,200 others took 2.75 s of the main process, the process that
    limits such a scan.  A frozen object is still freed by reference counting; only a cycle among them
    that became garbage during the scan waits until the end.  Nested uses leave the heap as the outer one
    found it; `Pipeline._start_pool` freezes again before forking and, inside a frozen run, does not thaw.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_RENDERERS: dict[tuple[str, str], Callable[[ReportLine, RecordContext | None], bytes]] = {}


def _renderer(spec: Spec) -> Callable[[ReportLine, RecordContext | None], bytes] | None:
    if spec.fmt is None:
        return None
    key = (spec.fmt, spec.csv_delimiter)
    render = _RENDERERS.get(key)
    if render is None:
        render = formatter_class(spec.fmt).renderer(FormatOptions(csv_delimiter=spec.csv_delimiter))
        assert render is not None, "Spec.of sends only streaming formats"
        _RENDERERS[key] = render
    return render


def work(engine: Evaluator, raws: list[RawRecord], spec: Spec, fix: Callable[[ReportLine], None] | None = None) -> Done:
    """The worker function (a process of `--jobs`, this process with `--jobs 1`, a Dask worker):
    decode, evaluate, count and serialise a chunk.  `fix` adjusts each line first (cluster.py).
    The language travels with the work (`spec.lang`), so a spawned or Dask worker writes the same bytes."""
    if spec.lang:
        set_language(spec.lang)
    store = spec.store
    if fix is None and not spec.objects and not store and not spec.include_all and spec.fmt is not None:
        return _work_streaming(engine, raws, spec)
    with collector_paused():
        # no content hashes: the state store's key, which the main process computed when it planned the chunk
        # (`Slot.content_hash`)
        results = evaluate_raws(engine, raws, particulars=spec.particulars, contexts=spec.objects or store,
                                hashes=False)
        tally = Summary(started="")
        render = _renderer(spec)
        payloads: list[bytes | None] | None = [] if render is not None else None
        include_all = spec.include_all
        for line, ctx, _hash in results:
            if fix is not None:
                fix(line)
            tally.add(line, ctx)
            if payloads is not None:
                payloads.append(render(line, ctx) if written(line, include_all) else None)  # type: ignore[misc]
        evaluated = [evaluated_of(line, ctx) for line, ctx, _hash in results] if store else None
        if spec.objects or store:
            # with a store alone, only a record with candidates travels as objects (`Spec.store`)
            sent = [(line, ctx) if spec.objects or line.candidates else (None, None) for line, ctx, _h in results]
            done = Done(tally, payloads, [x[0] for x in sent], [x[1] for x in sent], evaluated)
        else:
            done = Done(tally, payloads, None, None)
        del results  # freed before the collector resumes, which would otherwise walk every line of the chunk
    return done


def _work_streaming(engine: Evaluator, raws: list[RawRecord], spec: Spec) -> Done:
    """`work` for a streaming report without line objects and without `--all` (a plain `scan`).

    Why apart: nine records in ten are clean, and of a clean record such a run writes nothing and
    sends nothing back; it only counts it.  Building its report line, its context-less tuple and
    counting it through `Summary.add` was most of the worker's per-record work outside decoding and
    evaluation.  Here a clean record is counted by `Summary.add_clean` with its coverage — what
    `Summary.add` counts of a clean line (tests/test_worker_bytes.py compares both ways) — and every
    other record goes through `_line_of`, `Summary.add` and the renderer exactly as in `work`.  The
    content hashes are not computed: nothing of this run reads them.  A record the batch backend decides
    clean does not even get an `Evaluation`, a `Coverage` and its edition warnings: it comes back as a
    shared `CleanMark` (`evaluate_many_marked`) holding what `add_clean` would read of its coverage.
    """
    from ..io.reader import decode

    with collector_paused():
        items = [decode(raw, hashed=False) for raw in raws]
        evs = _evaluations(engine, items, marked=True)
        tally = Summary(started="")
        render = _renderer(spec)
        assert render is not None
        payloads: list[bytes | None] = []
        append = payloads.append
        add_clean = tally.add_clean
        particulars = spec.particulars
        # the clean records handed back as marks are counted in one step at the end (`Summary.add_cleans`):
        # counting only adds, and the one thing kept as "the last" — the edition a coverage names — is the
        # same for every record of the chunk (one program's `_edition_iso`), so the order does not matter
        marked = warned = 0
        edition: str | None = None
        it_ev = iter(evs)
        for item in items:
            if item.verdict is None:
                line = _invalid_line(item)
                tally.add(line, None)
                append(render(line, None))  # an invalid line is always written
                continue
            ev = next(it_ev)
            if ev.__class__ is CleanMark:
                marked += 1
                if ev.warned:
                    warned += 1
                    edition = ev.edition or edition
                append(None)  # a clean line without faults: not written without --all
                continue
            if _clean(ev):
                add_clean(getattr(ev, "coverage", None))
                append(None)
                continue
            line, ctx, _hash = _line_of(item, ev, particulars, False)
            tally.add(line, ctx)
            append(render(line, ctx) if written(line, False) else None)
        if marked:
            tally.add_cleans(marked, warned, edition)
        # freed before the collector resumes, which would otherwise walk every evaluation of the chunk
        # (≈28,000 containers: 5 ms a chunk).  `it_ev` too: a list iterator never advanced past the end
        # keeps its list alive
        del items, evs, it_ev
    return Done(tally, payloads, None, None)


# ---- worker side: one engine per process (inherited by fork, or built by the pool initializer)

_ENGINE: Evaluator | None = None


def _init_worker(factory: EngineFactory | None, rules_dir: RulesDir, parent_pid: int | None = None,
                 backend: str | None = None, lang: str | None = None) -> None:
    global _ENGINE
    if lang:
        set_language(lang)  # before the engine is built: its rule texts are in the run's language
    die_with_parent(parent_pid)  # a worker outliving a killed scan would hold its stderr pipe and store
    if factory is not None:
        _ENGINE = with_backend(factory(rules_dir), backend)


def _work(columns: RawColumns, spec: Spec) -> bytes:
    """A chunk sent as columns (`to_columns`: half the pickling of frame objects in the main process);
    its frames are rebuilt with the collector paused, as the chunk's other objects are made.

    The answer goes back pickled by the worker itself (`opened` unpickles it): the pool's own thread
    in the main process then moves one bytes object, and the main process unpickles the chunk's report
    lines when it takes the chunk in, with the collector paused (`scan.run`), instead of in that thread
    while the collector walks them — with a store (`--db`) a chunk is some 16,000 objects."""
    assert _ENGINE is not None, "set by fork or by _init_worker"
    with collector_paused():
        return pickle.dumps(work(_ENGINE, from_columns(columns), spec), protocol=pickle.HIGHEST_PROTOCOL)


Received = Done | bytes  # what `Pipeline.run` yields for a chunk: the answer, or the answer as a worker pickled it


def opened(got: Received) -> Done:
    """The chunk's `Done`, unpickled if a worker sent it pickled (`_work`)."""
    return pickle.loads(got) if isinstance(got, bytes) else got


# ---- main side


@dataclass(slots=True)
class Slot:
    """One input record's place in a chunk: decided in the main process, or waiting for a worker."""

    raw: RawRecord
    line: ReportLine | None = None   # resumed from the state store
    skip: bool = False               # unchanged
    content_hash: str = ""           # the record's, as the state store was asked with it: computed once, here


# A chunk as planned in the main process: its slots (None: no state store, every record is evaluated)
# and the raw records to evaluate.
Planned = tuple[list[Slot] | None, list[RawRecord]]


def plan(raws: Iterable[RawRecord], state: ScanState, *, size: int, cut: Callable[[RawRecord, int], bool] | None = None
         ) -> Iterator[Planned]:
    """Group records into chunks of `size` records to evaluate, asking the state store about each first.

    `cut(raw, pending)`, called for every record, may end a chunk before `raw` (cluster.py cuts at file
    boundaries and by bytes).
    """
    if isinstance(state, NoState):
        todo: list[RawRecord] = []
        for raw in raws:
            if cut is not None and cut(raw, len(todo)) and todo:
                yield None, todo
                todo = []
            todo.append(raw)
            if len(todo) >= size:
                yield None, todo
                todo = []
        if todo:
            yield None, todo
        return
    lookup = state.lookup
    slots: list[Slot] = []
    todo = []
    for raw, content_hash in _with_hashes(raws, state):
        if cut is not None and cut(raw, len(todo)) and (todo or slots):
            yield slots, todo
            slots, todo = [], []
        slot = Slot(raw, content_hash=content_hash)
        found = lookup(raw.file, raw.line, content_hash)
        if found == SKIP:
            slot.skip = True
        elif isinstance(found, ReportLine):
            slot.line = found
        else:
            todo.append(raw)
        slots.append(slot)
        if len(todo) >= size or len(slots) >= 4 * size:
            yield slots, todo
            slots, todo = [], []
    if todo or slots:
        yield slots, todo


PREFETCH = 500  # records whose content hashes a state store is told at once (`prefetch`)


def _with_hashes(raws: Iterable[RawRecord], state: ScanState) -> Iterator[tuple[RawRecord, str]]:
    """Each record with its content hash, computed once; the state store is told each group of `PREFETCH`
    hashes before their records are looked up (`prefetch(hashes)`, where the store has it: one query for
    the group instead of one per record)."""
    prefetch = getattr(state, "prefetch", None)
    source = iter(raws)
    while True:
        group = [(raw, raw.content_hash) for raw in islice(source, PREFETCH)]
        if not group:
            return
        if prefetch is not None:
            prefetch([h for _, h in group])
        yield from group


class Pipeline:
    """Runs the scan; iterate `run(raws)` to get `(slots, answer)` per chunk, in input order (`opened(answer)`
    is the chunk's `Done`).

    `jobs == 1` evaluates in this process.  Otherwise, where the OS can fork, the pool is forked on
    entering (before any other thread, e.g. the progress bar, exists) and every worker inherits the
    compiled engine — compiling the rule pack costs far more than a fork.  Elsewhere (`spawn`) the
    pool starts at the first full chunk, so a small batch never pays for it, and its initializer
    builds an engine with `factory(rules_dir)` (and the engine's backend) in every worker.
    """

    def __init__(self, engine: Evaluator, *, rules_dir: RulesDir, jobs: int = 1, state: ScanState | None = None,
                 factory: EngineFactory = load_engine, chunk: int = CHUNK, start_method: str | None = None,
                 spec: Spec | None = None):
        self.engine = engine
        self.rules_dir = rules_dir
        self.jobs = max(1, jobs)
        self.state = state or NoState()
        self.factory = factory
        self.chunk = max(1, chunk)
        self.spec = spec or Spec(objects=True)
        self._pool: Any = None
        if start_method is None and self.jobs > 1:  # multiprocessing is imported only when workers are wanted
            import multiprocessing as mp

            start_method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.start_method = start_method or "fork"

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
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        ctx = mp.get_context(self.start_method)
        if self.start_method == "fork":
            prepare = getattr(self.engine, "prepare", None)  # an engine may build lazily what it evaluates with
            if prepare is not None:
                prepare()  # once here, inherited by every worker, rather than once in each
            _ENGINE = self.engine  # inherited by the forked workers
            args: tuple[EngineFactory | None, RulesDir, int, str | None, str] = (None, None, os.getpid(), None,
                                                                                 language())
        else:
            args = (self.factory, self.rules_dir, os.getpid(), getattr(self.engine, "backend", None), language())
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker, initargs=args)
        if self.start_method == "fork":
            frozen = gc.get_freeze_count() > 0  # the scan froze the heap for the run (`heap_frozen`): it stays so
            gc.freeze()  # workers never collect the inherited objects, so their pages stay shared
            self._pool.submit(int)  # the first submit forks every worker (3.11+), while this process has one thread
            if not frozen:
                gc.unfreeze()

    def run(self, raws: Iterable[RawRecord]) -> Iterator[tuple[list[Slot] | None, Received | None]]:
        """`(slots, answer)` per chunk in input order; an answer from a worker process is still pickled
        (`opened` unpickles it), so that the caller takes it in with the collector paused."""
        window: deque[tuple[list[Slot] | None, Any]] = deque()
        limit = self.jobs * IN_FLIGHT
        for slots, todo in plan(raws, self.state, size=self.chunk):
            if self._pool is None and self.jobs > 1 and len(todo) >= self.chunk:
                self._start_pool()
            if self._pool is None:
                yield slots, work(self.engine, todo, self.spec) if todo else None
                continue
            window.append((slots, self._pool.submit(_work, to_columns(todo), self.spec) if todo else None))
            while len(window) >= limit:
                slots, pending = window.popleft()
                yield slots, pending.result() if pending is not None else None
        while window:
            slots, pending = window.popleft()
            yield slots, pending.result() if pending is not None else None
