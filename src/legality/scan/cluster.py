"""`legality scan --cluster`: the same scan, evaluated on a Dask cluster (docs/scale.md).

Why this shape: the client (the `legality scan` process) keeps everything that must happen once and
in order — framing the input, the nightly store's lookups and records, counting and writing — exactly
as the main process of `--jobs` does (scan/run.py `emit`).  What is shipped to a Dask worker is a
*partition*: the raw records of one file's contiguous byte range (at most `CHUNK` records to evaluate,
as `--jobs` sends, and at most about `PARTITION_BYTES`; a partition never spans two files), only
those the store says to evaluate.  The worker evaluates it
with the same worker function as `--jobs` (`pipeline.work`) and sends back the report bytes and the
partition's counts.  Partitions are submitted with a bounded window in flight and consumed in
submission order, so the report is byte-identical to `--jobs 1` and the client's memory is flat.

The rules travel with the job: the client reads the rule pack's files once and broadcasts them
(a few MB) to every worker, keyed by their content hash; a worker compiles the pack once per hash
(cached for the life of the worker process, shared by its threads) and checks that it got the same
rules version and law catalogue as the client — so workers on other machines need the same
legality release and the `[dask]` extra, not the rules folder.  Rule-fault locations name the rule
files as the client shows them, so the bytes do not depend on where a worker compiled.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..i18n import _, language, set_language
from ..io.reader import RawRecord
from ..io.sources import Source
from ..report.model import ReportLine
from ..resources import RULES_DIR
from ..result.evaluator import Evaluator
from .pipeline import CHUNK, RulesDir, Slot, Spec, plan, with_backend, work
from .state import NoState, ScanState

# A partition's size.  The batch evaluator's cost per batch wants as many records per task as `--jobs`
# sends (pipeline.CHUNK, measured there); 1 MiB alone gave ≈1,300 records of the generated mix and,
# in-process on its 50,000 records (CPU of `work`, two interleaved runs), 4.8–5.1 s against 4.5–4.6 s
# in chunks of 2,048.  The bytes only cap a partition of unusually large records (what one task moves).
PARTITION_RECORDS = CHUNK   # records to evaluate per partition
PARTITION_BYTES = 4 << 20   # record bytes per partition at most (env LEGALITY_PARTITION_BYTES overrides)
PER_THREAD = 2              # partitions in flight per worker thread
CONNECT_SECONDS = 10.0      # env LEGALITY_CLUSTER_TIMEOUT overrides
RETRIES = 2                 # a partition whose worker died is retried this many times
LOCAL_PROCESSES = True      # local:N runs N worker processes (tests use threads: False)
INSTALL_HINT = "pip install 'legality[dask]'"
RULE_SUFFIXES = (".legal", ".yaml", ".yml")


class ClusterError(Exception):
    """A cluster that cannot be used or failed for good (Russian message; the command exits 2)."""


def dask_missing() -> str | None:
    """Why `--cluster` cannot work in this installation (Russian, with the fix), or None."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return _("для --cluster нужна библиотека Dask (distributed), она не установлена; установите: {install_hint}").format(install_hint=INSTALL_HINT)
    return None


def parse_address(spec: str) -> tuple[str, Any]:
    """`local:N` → ("local", N); `tcp://host:port` (or tls://, ws://, wss://, inproc://) → ("remote", spec)."""
    spec = spec.strip()
    if spec.startswith("local:") or spec == "local":
        n = spec.partition(":")[2] or str(os.cpu_count() or 1)
        if not n.isdigit() or not 1 <= int(n) <= 1024:
            raise ClusterError(_("--cluster {spec}: после local: нужно число рабочих процессов, например local:4").format(spec=spec))
        return "local", int(n)
    scheme, sep, rest = spec.partition("://")
    if sep and scheme in ("tcp", "tls", "ws", "wss", "inproc") and rest:
        return "remote", spec
    raise ClusterError(_("--cluster {spec}: ожидается local:N (кластер на этой машине) или адрес планировщика Dask, "
                       "например tcp://host:8786").format(spec=spec))


# Dask's diagnostics that only feed its dashboard (which `local:N` does not start): the statistical
# profiler samples every worker thread's stack each 10 ms, the event-loop health check wakes each loop
# every 20 ms, the system monitor reads /proc (disks too) every 500 ms.  Each wake-up takes the GIL
# from the thread that evaluates.  Off or slowed for the servers a `local:N` run starts itself (a
# remote cluster keeps its operator's settings).  Measured on 50,000 records, 3 interleaved runs under
# load (with the memory monitor also slowed to 1 s, which is kept at Dask's 100 ms here: it enforces the
# memory limit): the client's CPU 0.85–1.00 s → 0.63–0.70 s, each worker's CPU outside its tasks
# 0.42–0.48 s → 0.13–0.16 s.  None of these changes what a task computes.
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.disk": False,
}


def _failure(exc: BaseException) -> str:
    """Why a cluster could not be reached or started, in words: the exception's class name is code, and
    distributed's own message is English ("Timed out trying to connect to …")."""
    from ..report.atomic import os_error_ru

    if isinstance(exc, TimeoutError) or (isinstance(exc, OSError) and exc.errno is None):
        return _("нет ответа")  # distributed retries a refused connection until its timeout
    if isinstance(exc, OSError):
        return os_error_ru(exc)
    if isinstance(exc, MemoryError):
        return _("не хватило памяти")
    return _("ошибка Dask")


def _local_cluster(n: int, processes: bool) -> Any:
    """A `LocalCluster` of `n` one-thread workers for this run, with Dask's dashboard-only diagnostics off.

    The worker processes are spawned, Dask's default.  Forking them from this process (it has the
    imports already) made a one-record `local:2` scan start 3.5–4.5 s → 1.3–1.4 s and close 1.1–1.3 s
    → 0.1 s, but a forked worker that died mid-scan left the scan waiting for ever (both workers idle,
    the client waiting for a partition; tests/test_cluster.py `…dies_midway…` hung twice, with spawn
    it passes): not worth a cluster that cannot lose a worker.  Why is not known (docs/scale.md).
    The settings are read when a server starts (a worker gets the configuration of the moment it is
    spawned), so setting them while the cluster starts is enough; a worker the nanny restarts after a
    crash runs with Dask's defaults, which changes its speed, not its answers.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set(QUIET):
        # no dashboard; the scheduler's own HTTP endpoint on a free local port, not on 8787
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                            dashboard_address=None, silence_logs=logging.ERROR,
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0", "dashboard": False})


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


# ---- the rule pack as it travels


@dataclass(frozen=True, slots=True)
class Pack:
    """The rule pack's files (path inside the folder → bytes) and what a worker must arrive at."""

    digest: str                         # sha256 of the names and bytes: the workers' cache key
    files: tuple[tuple[str, bytes], ...]
    version: str                        # the client's engine version (the rules' content)
    catalogue: str                      # the client's law catalogue version
    shown: str                          # how the client shows the folder (rule-fault locations)


def _files(root: Path) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    """The rule and law files below `root` (inside path, bytes), sorted, and their digest."""
    files = []
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in RULE_SUFFIXES and p.is_file():
            rel = p.relative_to(root).as_posix()
            data = p.read_bytes()
            files.append((rel, data))
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest(), tuple(files)


def pack_rules(rules_dir: RulesDir, engine: Evaluator) -> Pack:
    from ..diagnostics import display_path

    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    digest, files = _files(root)
    catalogue = getattr(getattr(engine, "catalogue", None), "version", "")
    return Pack(digest, files, engine.version, catalogue, display_path(root))


def _relocate(name: str, src: str, dst: str) -> str:
    """A rule file's display name under the folder shown as `src`, as the folder shown as `dst` shows it."""
    rel = name if src == "." else name[len(src) + 1:] if name.startswith(src + "/") else None
    if rel is None:
        return name
    return rel if dst == "." else f"{dst}/{rel}"


def _fixer(src: str, dst: str) -> Callable[[ReportLine], None] | None:
    if src == dst:
        return None

    def move(span: Any) -> None:
        if isinstance(span, dict) and isinstance(span.get("file"), str):
            span["file"] = _relocate(span["file"], src, dst)

    def fix(line: ReportLine) -> None:
        for fault in line.faults:
            if isinstance(fault, dict):
                move(fault.get("span"))
                for rel in fault.get("related") or ():
                    if isinstance(rel, dict):
                        move(rel.get("span"))
    return fix


# ---- worker side

_ENGINES: dict[tuple[str, str | None, str], tuple[Evaluator, Callable[[ReportLine], None] | None]] = {}
_LOCK = threading.Lock()


def _engine_for(pack: Pack, backend: str | None) -> tuple[Evaluator, Callable[[ReportLine], None] | None]:
    key = (pack.digest, backend, language())
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _compile(pack, backend)
        return _ENGINES[key]


def _compile(pack: Pack, backend: str | None) -> tuple[Evaluator, Callable[[ReportLine], None] | None]:
    from ..diagnostics import display_path
    from ..engine import Engine

    root, scratch = _materialize(pack)
    try:
        engine = Engine.load(root)
        shown = display_path(root)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if engine.version != pack.version or engine.catalogue.version != pack.catalogue:
        raise RuntimeError(_("рабочий узел Dask скомпилировал другие правила или другой каталог закона, чем клиент; "
                           "установите на узлах ту же версию legality"))
    return with_backend(engine, backend), _fixer(shown, pack.shown)


def _write(root: Path, pack: Pack) -> None:
    for rel, data in pack.files:
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise RuntimeError(_("недопустимое имя файла в наборе правил"))
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    root.mkdir(parents=True, exist_ok=True)


def _materialize(pack: Pack) -> tuple[Path, Path | None]:
    """The pack's files as a folder to compile: (its rules folder, a scratch folder to remove after).

    In the per-user cache (private, see `legality.cache`) under a name of the pack's digest, so the
    next worker process on the machine reuses the folder — and, its path being the same, the compiled
    pack cached for it; a folder found there is used only if its files hash to the digest.  No usable
    cache (or `LEGALITY_NO_CACHE`): a temporary folder for this compile."""
    from ..cache import Cache
    from ..engine import disk_cache_enabled

    cache = Cache.open() if disk_cache_enabled() else None
    if cache is None:
        tmp = Path(tempfile.mkdtemp(prefix="legality-rules-"))
        _write(tmp / "rules", pack)
        return tmp / "rules", tmp
    final = cache.root / f"rules-{pack.digest[:40]}"
    if final.is_dir() and _files(final / "rules")[0] == pack.digest:
        return final / "rules", None
    tmp = Path(tempfile.mkdtemp(prefix=".rules-", dir=cache.root))
    _write(tmp / "rules", pack)
    try:
        os.rename(tmp, final)  # atomic; fails when another worker process got there first
    except OSError:
        if final.is_dir() and _files(final / "rules")[0] == pack.digest:
            shutil.rmtree(tmp, ignore_errors=True)
            return final / "rules", None
        return tmp / "rules", tmp
    return final / "rules", None


def evaluate_partition(pack: Pack, blob: bytes, spec: Spec, backend: str | None) -> bytes:
    """The Dask task: one partition through the same worker function as `--jobs`.

    The records come, and the answer goes back, as one pickled blob (`_pack_raws`, `Done`): Dask then
    moves a single opaque frame instead of walking thousands of small objects in its event loop."""
    if spec.lang:
        set_language(spec.lang)  # before the engine: it is compiled with the rule texts of the run's language
    engine, fix = _engine_for(pack, backend)
    raws = [RawRecord(*t) for t in pickle.loads(blob)]
    return pickle.dumps(work(engine, raws, spec, fix), protocol=pickle.HIGHEST_PROTOCOL)


def _pack_raws(raws: list[RawRecord]) -> bytes:
    return pickle.dumps([(r.file, r.line, r.data, r.problem) for r in raws], protocol=pickle.HIGHEST_PROTOCOL)


# ---- client side


class Cluster:
    """A connection to a Dask cluster for one scan: `local:N` starts a LocalCluster of N worker
    processes for the run; an address connects to a running scheduler.  Use as a context manager."""

    def __init__(self, address: str, *, processes: bool | None = None, partition_bytes: int | None = None,
                 timeout: float | None = None, partition_records: int = PARTITION_RECORDS):
        self.kind, self.target = parse_address(address)
        self.address = address
        self.processes = LOCAL_PROCESSES if processes is None else processes
        self.partition_bytes = int(partition_bytes or _env_number("LEGALITY_PARTITION_BYTES", PARTITION_BYTES))
        self.partition_records = max(1, partition_records)
        self.timeout = timeout if timeout is not None else _env_number("LEGALITY_CLUSTER_TIMEOUT", CONNECT_SECONDS)
        self.client: Any = None
        self._local: Any = None

    def __enter__(self) -> "Cluster":
        missing = dask_missing()
        if missing:
            raise ClusterError(missing)
        from distributed import Client

        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)  # dask's English chatter is not the clerk's
        try:
            if self.kind == "local":
                self._local = _local_cluster(self.target, self.processes)
                self.client = Client(self._local, timeout=self.timeout)
            else:
                self.client = Client(self.target, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, dask's own: all mean "cannot connect"
            self.close()
            if self.kind == "local":
                raise ClusterError(_("не удалось запустить локальный кластер Dask {address} "
                                   "({why})").format(address=self.address, why=_failure(exc))) from None
            raise ClusterError(_("не удалось подключиться к кластеру Dask {address} за {timeout:g} с "
                               "({why}); проверьте адрес и что планировщик запущен").format(
                address=self.address, timeout=self.timeout, why=_failure(exc))) from None
        try:  # a scheduler without workers would leave the scan waiting for ever
            self.client.wait_for_workers(1, timeout=self.timeout)
        except Exception:  # noqa: BLE001 - TimeoutError, or the scheduler went away
            self.close()
            raise ClusterError(_("у планировщика Dask {address} нет рабочих узлов (ждали {timeout:g} с); "
                               "запустите dask worker на машинах кластера").format(address=self.address, timeout=self.timeout)) from None
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        for thing in (self.client, self._local):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - closing a broken connection must not hide the real error
                    pass
        self.client = self._local = None

    def threads(self) -> int:
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001
            return 1

    def pipeline(self, engine: Evaluator, *, rules_dir: RulesDir, state: ScanState, spec: Spec,
                 sources: list[Source] | None = None) -> "ClusterPipeline":
        return ClusterPipeline(self, engine, rules_dir=rules_dir, state=state, spec=spec)


class ClusterPipeline:
    """`Pipeline`'s counterpart: `run(raws)` yields `(slots, answer)` per partition, in input order (the answer as
    the worker pickled it: `pipeline.opened` unpickles it)."""

    def __init__(self, cluster: Cluster, engine: Evaluator, *, rules_dir: RulesDir, state: ScanState, spec: Spec):
        self.cluster = cluster
        self.engine = engine
        self.rules_dir = rules_dir
        self.state = state or NoState()
        self.spec = spec
        self._pack: Any = None
        self._futures: list[Any] = []

    def __enter__(self) -> "ClusterPipeline":
        if self.cluster.client is None:
            raise ClusterError(_("кластер Dask не подключён"))
        pack = pack_rules(self.rules_dir, self.engine)
        try:
            self._pack = self.cluster.client.scatter(pack, broadcast=True, hash=False)
        except Exception as exc:  # noqa: BLE001
            raise _failed(exc) from None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.cluster.client is not None:
            try:
                self.cluster.client.cancel(self._futures + ([self._pack] if self._pack is not None else []))
            except Exception:  # noqa: BLE001
                pass
        self._futures = []

    def _cut(self) -> Callable[[RawRecord, int], bool]:
        limit, most = self.cluster.partition_bytes, self.cluster.partition_records
        size, file = 0, None

        def cut(raw: RawRecord, pending: int) -> bool:
            nonlocal size, file
            n = len(raw.data) if raw.data is not None else 0
            new = raw.file != file or size + n > limit or pending >= most
            size, file = (n if new else size + n), raw.file
            return new
        return cut

    def run(self, raws: Iterable[RawRecord]) -> Iterator[tuple[list[Slot] | None, bytes | None]]:
        client = self.cluster.client
        backend = getattr(self.engine, "backend", None)
        window: deque[tuple[list[Slot] | None, Any]] = deque()
        limit = max(2, PER_THREAD * self.cluster.threads())
        for slots, todo in plan(raws, self.state, size=1 << 30, cut=self._cut()):
            future = None
            if todo:
                try:
                    future = client.submit(evaluate_partition, self._pack, _pack_raws(todo), self.spec, backend,
                                           pure=False, retries=RETRIES)
                except Exception as exc:  # noqa: BLE001
                    raise _failed(exc) from None
                self._futures.append(future)
            window.append((slots, future))
            while len(window) >= limit:
                yield self._result(window.popleft())
        while window:
            yield self._result(window.popleft())

    def _result(self, entry: tuple[list[Slot] | None, Any]) -> tuple[list[Slot] | None, bytes | None]:
        """The partition's answer as the worker pickled it: the caller unpickles it (`pipeline.opened`)
        with the collector paused, as it does a `--jobs` worker's."""
        slots, future = entry
        if future is None:
            return slots, None
        try:
            done = future.result()
            if not isinstance(done, bytes):
                raise TypeError(type(done).__name__)
        except Exception as exc:  # noqa: BLE001 - a worker died more often than retried, or the cluster went away
            raise _failed(exc) from None
        finally:
            self._futures.remove(future)
            future.release()
        return slots, done


def _failed(exc: BaseException) -> ClusterError:
    own = str(exc) if isinstance(exc, RuntimeError) and any("а" <= ch <= "я" or "ә" <= ch <= "ү" for ch in str(exc).lower()) else ""
    why = own or f"{type(exc).__name__}"
    return ClusterError(_("кластер Dask не смог проверить часть записей ({why}); отчёт не записан").format(why=why))
