"""Throughput of every way to run `legality scan`, in one run on the same generated records (issue 13).

    python bench/throughput.py                    # 50,000 records, median of 3 (several minutes on 2 cores)
    python bench/throughput.py --quick            # 5,000 records, one run of each: does it all work
    python bench/throughput.py --n 200000 --repeat 5 --flagged-share 0.02

What it measures, each command in its own process (so its time and memory are its own):

* hand-written checks — the five families of `bench/engine_vs_handwritten.py` written directly in
  Python, on the records decoded and validated by the model (the check alone, as in the issue's
  figure, and with the decoding);
* `legality scan --jobs 1` of the code as it was when issue 13 was filed (`--then`, default commit
  5a3b896: the last commit whose pack has the 116 generated fact functions the issue describes, and the
  fastest of the commits that fit its description on these records), with its own rule pack, extracted
  from this repository's history with `git archive` into the run's folder — the issue's goal is "≥ 8×
  today's figure on the same machine in the same run", and this is that figure;
* `legality scan --jobs 1 --backend row` — the baseline of the other ratios: one record at a time with
  today's code and pack (faster than the code of `--then`: it shares the cached pack, the fast decoder
  and the catalogue answers kept across records);
* `legality scan --jobs 1` (the batch backend), `--jobs 2`, `--cluster local:2` (Dask);
* `legality scan --jobs 1` and `--jobs 2` with a store (`--db`, a new store for every run): the
  nightly job's mode, whose main process also writes every record to the store;
* `legality scan --jobs 1` of the same records as Parquet (`tools/jsonl_to_parquet.py`, nested layout);
* the fixture mix of `tests/support/synth.py` (the fixtures cycled, a third of them with an error:
  the batch of the earlier figures) with the row and the batch backend;
* the machine's own ceiling for two processes: a pure-Python loop in one process and in two at once,
  timed in the same rounds as the scans (`--jobs 2` against `--jobs 1` cannot beat it);
* the start-up: a scan of one record with the compiled pack cached (with `-j 1`, and without `-j` as a
  user types it: `--jobs` left to its default), and with `--no-cache`;
* peak memory at two input sizes (all the records, and a fifth of them): flat means streaming.

The records (`bench/synth_mix.py`) are the fixtures with dates, terms and amounts varied, lawful
ones mixed with planted errors at `--flagged-share`; the share the scan found is printed.  Times
are wall-clock seconds of the whole command (start-up, reading, validation, every rule of the
shipped pack, writing a JSON Lines report), the median of `--repeat` runs; records/s is records
over that.  Beside them, the CPU seconds of the command and its worker processes (from `wait4`):
on a shared virtual machine the wall clock drifts with the neighbours, CPU time much less, so the
ratio of CPU times against the filing's code is printed too, and `--jobs 2`'s CPU against `--jobs 1`'s
says what the second process costs (handing chunks over, warming up twice).  The scans are timed in rounds — each round runs every mode once, in the same order — so
that a slow spell of the machine falls on every mode alike instead of on the one whose runs it hits.  Memory is the peak RSS of the largest process (its VmHWM) and the peak of the sum of
RSS over the process tree (workers included), both sampled from /proc every 50 ms.  The reports of every mode are compared
byte for byte with the baseline's (a Parquet report with its file name swapped back).  An option
that this version of `legality` lacks, or Dask not installed, is printed as n/a with the reason.

The compiled-pack cache is a fresh folder of this run (`LEGALITY_CACHE_DIR`), filled by one warm-up
scan, so every measured scan starts warm.  Run outside the test suite; it asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))
from synth_mix import write_mix  # noqa: E402
from support.synth import write_batch  # noqa: E402  (the fixture mix, a test helper)

from legality.resources import RULES_DIR  # noqa: E402

# the hand-written checks, in their own process: decode + validate each line, time the check alone
# The machine's own ceiling for `--jobs 2` against `--jobs 1`: the same pure-Python loop in one process, and in
# two processes at once (forked), timed in the same rounds as the scans.  On a shared virtual machine two
# busy processes do not run twice as fast as one (the host's other tenants, two vCPUs sharing a core's
# caches), and no scan can beat what two plain loops get.
BUSY_N = 12_000_000
BUSY = r"""
import os, sys

n, k = int(sys.argv[1]), int(sys.argv[2])


def spin(n):
    x, d = 0, {}
    for i in range(n):
        x += i * i % 7
        d[i & 255] = x
    return x


pids = []
for _ in range(k - 1):
    pid = os.fork()
    if pid == 0:
        spin(n)
        os._exit(0)
    pids.append(pid)
spin(n)
for pid in pids:
    os.waitpid(pid, 0)
"""

HAND = r"""
import sys, time
import orjson
sys.path.insert(0, sys.argv[2])
from engine_vs_handwritten import handwritten
from legality.engine import Engine
from legality.model import validate_record

check = handwritten(Engine.load(sys.argv[3]).catalogue)
clock = time.perf_counter
valid = flagged = 0
t_decode = t_check = 0.0
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        t0 = clock()
        v = validate_record(orjson.loads(line))
        t1 = clock()
        if isinstance(v, list):
            t_decode += t1 - t0
            continue
        flagged += bool(check(v))
        t2 = clock()
        t_decode += t1 - t0
        t_check += t2 - t1
        valid += 1
print(valid, t_decode, t_check, flagged)
"""


# ---------------------------------------------------------------------------------------------
# running one command


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process: its resident memory now and its peak since it started its program."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


def _tree_kib(root: int) -> tuple[int, int]:
    """(sum of RSS over the process tree, the largest peak RSS of one process in it)."""
    total = largest = 0
    stack, seen = [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss, hwm = _memory_kib(pid)
        total += rss
        largest = max(largest, hwm)
        stack += _children(pid)
    return total, largest


@dataclass
class Run:
    wall: float
    cpu: float        # s, user + system CPU of the process and every child it waited for (workers)
    rss: float        # MiB, peak RSS of the largest process (VmHWM, sampled)
    tree: float       # MiB, peak of the sum of RSS over the process tree (sampled)
    stdout: bytes
    code: int
    err: str


def run_once(cmd: list[str], env: dict[str, str]) -> Run:
    """Wall seconds, peak memory and output of one command (its own process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, largest = _tree_kib(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True),
               threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)]
    for t in readers:
        t.start()
    # the peaks are sampled from /proc, not taken from wait4: a child's ru_maxrss starts from the
    # size of this (forking) process, which holds the generator's engine
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    for t in readers:
        t.join()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # wait4's usage counts the process and the children it waited for: `--jobs` workers (joined by the
    # pool) and a local cluster's worker processes, so it is the CPU of the whole scan
    return Run(wall, usage.ru_utime + usage.ru_stime, peak[1] / 1024, peak[0] / 1024, b"".join(out), proc.returncode,
               b"".join(err).decode(errors="replace"))


@dataclass
class Result:
    name: str
    records: int = 0
    runs: list[Run] = field(default_factory=list)
    note: str = ""            # why there is no number (n/a, failed)
    same: str = ""            # report identical to the baseline's: yes / NO / -
    rate_override: float | None = None  # records/s measured inside the process (hand-written)
    base: "Result | None" = None        # what "vs baseline" divides by (default: the main baseline)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rate(self) -> float:
        return self.rate_override if self.rate_override is not None else self.records / self.wall


@dataclass
class Timed:
    """One command to time: its row, and how to run it."""

    res: Result
    cmd: list[str]
    env: dict[str, str]
    fresh: Path | None = None  # a store removed before every run (`--db`: each run starts a new store)


def measure_rounds(timed: list[Timed], repeat: int) -> None:
    """Run every command once per round, `repeat` rounds, in the same order each round.

    Why rounds and not each command's runs back to back: the machine's speed drifts (another tenant, a
    warm or cold cache); back to back, a slow spell lands on one mode and bends its ratio, while in
    rounds it lands on every mode alike.  A command that fails is dropped with the reason."""
    for _ in range(repeat):
        for t in timed:
            if t.res.note:
                continue
            if t.fresh is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{t.fresh}{suffix}").unlink(missing_ok=True)
            r = run_once(t.cmd, t.env)
            if r.code != 0:  # no --fail-on: a scan exits 0
                last = (r.err.strip().splitlines() or ["?"])[-1]
                t.res.note = f"failed (exit {r.code}): {last[:120]}"
                t.res.runs = []
                continue
            t.res.runs.append(r)


def measure(name: str, cmd: list[str], records: int, repeat: int, env: dict[str, str]) -> Result:
    res = Result(name, records)
    measure_rounds([Timed(res, cmd, env)], repeat)
    return res


# The code as it was when issue 13 was filed.  The issue names a pack of 116 generated fact functions:
# commits 14c8b5a … 5a3b896 have it (b4f25ca, just before the first commit, has 181 after the
# whole Special Part was read from the Code's text).  5a3b896 is the last of them and was the fastest of
# them on these records, so the ratio against it is the cautious one.
THEN = "5a3b896"


def then_tree(rev: str, dest: Path) -> str:
    """Extract commit `rev` of this repository into `dest` ("" when done, else why not)."""
    try:
        p = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"n/a (git archive: {exc})"
    if p.returncode != 0:
        why = (p.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        return f"n/a (commit {rev} not in this checkout: {why[:80]})"
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(p.stdout)) as tar:
        tar.extractall(dest, filter="data")
    # compiled once, as an installed package would be, so that no run pays for compiling the sources
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest / "src")], capture_output=True,
                   env=dict(os.environ, PYTHONDONTWRITEBYTECODE=""))
    return ""


# ---------------------------------------------------------------------------------------------


def scan_help(env: dict[str, str]) -> str:
    p = subprocess.run([sys.executable, "-m", "legality.cli", "scan", "--help"], capture_output=True, env=env,
                       text=True)
    return p.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="records in the generated batch (default 50000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command; the median is printed (default 3)")
    ap.add_argument("--quick", action="store_true", help="5,000 records, one run each (overrides --n and --repeat)")
    ap.add_argument("--flagged-share", type=float, default=0.05,
                    help="share of records drawn from the planted errors (default 0.05)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rules", default=str(RULES_DIR), help="rule pack (default: the shipped rules/)")
    ap.add_argument("--then", default=THEN,
                    help=f"commit of the code at issue 13's filing, run with its own pack (default {THEN}; 'none': skip)")
    args = ap.parse_args()
    n, repeat = (5_000, 1) if args.quick else (args.n, args.repeat)
    small_n = max(1, n // 5)

    with tempfile.TemporaryDirectory(prefix="legality-throughput-") as tmp:
        d = Path(tmp)
        env = dict(os.environ, LEGALITY_CACHE_DIR=str(d / "cache"))
        help_text = scan_help(env)
        has = {flag: flag in help_text for flag in ("--backend", "--cluster", "--no-cache")}
        dask = importlib.util.find_spec("distributed") is not None
        arrow = importlib.util.find_spec("pyarrow") is not None

        t = time.perf_counter()
        mix = write_mix(d / "mix.jsonl", n, flagged_share=args.flagged_share, seed=args.seed,
                        rules_dir=Path(args.rules))
        small = write_mix(d / "small.jsonl", small_n, flagged_share=args.flagged_share, seed=args.seed + 1,
                          rules_dir=Path(args.rules))
        fixture_mix = write_batch(d / "fixtures.jsonl", n)
        one = d / "one.jsonl"
        one.write_bytes(mix.read_bytes().split(b"\n", 1)[0] + b"\n")
        pq_note = ""
        if arrow:
            spec = importlib.util.spec_from_file_location("jsonl_to_parquet", ROOT / "tools" / "jsonl_to_parquet.py")
            conv = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(conv)
            conv.convert(mix, d / "mix.parquet", layout="nested")
            conv.convert(small, d / "small.parquet", layout="nested")
        else:
            pq_note = "n/a (pyarrow not installed: pip install 'legality[parquet]')"
        print(f"generated {n:,} records ({mix.stat().st_size / 2**20:.1f} MiB JSONL"
              + (f", {(d / 'mix.parquet').stat().st_size / 2**20:.1f} MiB Parquet" if arrow else "")
              + f") in {time.perf_counter() - t:.1f} s; cores: {os.cpu_count()}; median of {repeat}; "
              f"rules: {args.rules}")

        then_why = "n/a (--then none)" if args.then == "none" else then_tree(args.then, d / "then")
        then_env = dict(env, PYTHONPATH=str(d / "then" / "src"))
        then_env.pop("PYTHONDONTWRITEBYTECODE", None)
        # that code has no `python -m legality.cli` entry and no pack cache: run as its console script was
        then_cmd = [sys.executable, "-c", "import sys; sys.argv[0] = 'legality'; from legality.cli import main; main()",
                    "scan", str(mix), "-f", "jsonl", "-o", str(d / "then.jsonl"), "--no-progress", "-j", "1"]

        def scan(src: Path, out: Path, *extra: str) -> list[str]:
            return [sys.executable, "-m", "legality.cli", "scan", str(src), "--rules", args.rules, "-f", "jsonl",
                    "-o", str(out), "--no-progress", *extra]

        # warm-up: compiles the pack into this run's cache
        run_once(scan(one, d / "warm.jsonl", "-j", "1"), env)

        rows: list[Result] = []
        outputs: dict[str, Path] = {}

        # hand-written checks
        hand = measure("hand-written checks (5 families)", [sys.executable, "-c", HAND, str(mix), str(BENCH),
                                                            str(BENCH / "rules")], n, repeat, env)
        if hand.runs:
            parts = [r.stdout.split() for r in hand.runs]
            valid = int(parts[0][0])
            t_check = statistics.median(float(p[2]) for p in parts)
            t_all = statistics.median(float(p[1]) + float(p[2]) for p in parts)
            hand.rate_override = valid / t_check
            hand.same = "-"
            decoded = Result("  + decode and validate (pydantic)", n, hand.runs, same="-", rate_override=n / t_all)
            rows += [hand, decoded]
        else:
            rows.append(hand)

        row_flag = ["--backend", "row"] if has["--backend"] else []
        batch_flag = ["--backend", "batch"] if has["--backend"] else []
        summary = d / "summary.json"
        modes: list[tuple[str, str, list[str], Path, int, str]] = [
            # key, name, command, output, records, why not
            ("then", f"scan --jobs 1 at issue 13's filing ({args.then})", then_cmd, d / "then.jsonl", n, then_why),
            ("row", "scan --jobs 1 --backend row (baseline)",
             scan(mix, d / "row.jsonl", "-j", "1", *row_flag), d / "row.jsonl", n,
             "" if has["--backend"] else "n/a (no --backend option)"),
            ("batch", "scan --jobs 1 (batch backend)",
             scan(mix, d / "batch.jsonl", "-j", "1", *batch_flag, "--summary", str(summary)),
             d / "batch.jsonl", n, ""),
            ("jobs2", "scan --jobs 2", scan(mix, d / "jobs2.jsonl", "-j", "2", *batch_flag), d / "jobs2.jsonl", n, ""),
            ("cluster", "scan --cluster local:2", scan(mix, d / "cluster.jsonl", "--cluster", "local:2", *batch_flag),
             d / "cluster.jsonl", n,
             "n/a (no --cluster option)" if not has["--cluster"] else "" if dask else
             "n/a (dask not installed: pip install 'legality[dask]')"),
            # the nightly job's mode: a store (`--db`), here a new one for every run (every record evaluated)
            ("db1", "scan --jobs 1 --db (new store)",
             scan(mix, d / "db1.jsonl", "-j", "1", *batch_flag, "--db", str(d / "db1.sqlite")), d / "db1.jsonl", n, ""),
            ("db2", "scan --jobs 2 --db (new store)",
             scan(mix, d / "db2.jsonl", "-j", "2", *batch_flag, "--db", str(d / "db2.sqlite")), d / "db2.jsonl", n, ""),
            ("parquet", "scan --jobs 1, Parquet input", scan(d / "mix.parquet", d / "parquet.jsonl", "-j", "1",
                                                             *batch_flag), d / "parquet.jsonl", n, pq_note),
        ]
        # the fixture mix of the earlier figures
        modes += [
            ("fx-row", "fixture mix: scan --jobs 1 --backend row", scan(fixture_mix, d / "fx-row.jsonl", "-j", "1",
                                                                        *row_flag), d / "fx-row.jsonl", n,
             "" if has["--backend"] else "n/a (no --backend option)"),
            ("fx-batch", "fixture mix: scan --jobs 1 (batch)", scan(fixture_mix, d / "fx-batch.jsonl", "-j", "1",
                                                                    *batch_flag), d / "fx-batch.jsonl", n, ""),
        ]
        by_key: dict[str, Result] = {}
        timed: list[Timed] = []
        for key, name, cmd, out, records, why in modes:
            res = by_key[key] = Result(name, records, note=why)
            rows.append(res)
            if not why:
                timed.append(Timed(res, cmd, then_env if key == "then" else env,
                                   fresh=d / f"{key}.sqlite" if key in ("db1", "db2") else None))
        # the machine's ceiling for two processes, in the same rounds (not a row of the table)
        busy = {k: Result(f"busy loop, {k} process{'es' if k > 1 else ''}", k) for k in (1, 2)}
        if hasattr(os, "fork"):
            timed += [Timed(busy[k], [sys.executable, "-c", BUSY, str(BUSY_N), str(k)], env) for k in (1, 2)]
        measure_rounds(timed, repeat)
        for key, _name, _cmd, out, _records, _why in modes:
            if by_key[key].runs:
                outputs[key] = out
        base_key = "row" if "row" in outputs else "batch"
        base = outputs.get(base_key)
        if base is not None:
            want = base.read_bytes()
            for key, out in outputs.items():
                if key in ("then", "fx-row", "fx-batch"):
                    continue
                got = out.read_bytes()
                if key == "parquet":
                    got = got.replace(str(d / "mix.parquet").encode(), str(mix).encode())
                by_key[key].same = "yes" if got == want else "NO"
            by_key[base_key].same = "(this)"
        if "then" in by_key:
            by_key["then"].same = "(its pack)"
        if "fx-row" in outputs and "fx-batch" in outputs:
            by_key["fx-batch"].same = "yes" if outputs["fx-row"].read_bytes() == outputs["fx-batch"].read_bytes() else "NO"
            by_key["fx-row"].same = "(this)"
            by_key["fx-batch"].base = by_key["fx-row"]  # the fixture mix against its own baseline

        # start-up and memory
        warm = measure("start-up: scan of 1 record, cached pack", scan(one, d / "one.out", "-j", "1"), 1, repeat, env)
        plain = measure("start-up: scan of 1 record, cached pack, no -j", scan(one, d / "one3.out"), 1, repeat, env)
        cold = (measure("start-up: scan of 1 record, --no-cache", scan(one, d / "one2.out", "-j", "1", "--no-cache"),
                        1, repeat, env) if has["--no-cache"] else
                Result("start-up: scan of 1 record, --no-cache", 1, note="n/a (no --no-cache option)"))
        mem_small = measure(f"scan --jobs 1 of {small_n:,} records", scan(small, d / "small.out", "-j", "1", *batch_flag),
                            small_n, 1, env)
        mem_small_pq = (measure(f"scan --jobs 1 of {small_n:,} records, Parquet",
                                scan(d / "small.parquet", d / "small_pq.out", "-j", "1", *batch_flag), small_n, 1, env)
                        if arrow else Result("Parquet, small", small_n, note=pq_note))
        found = summary.read_bytes() if summary.exists() else b""

    # ---- print
    base_rate = by_key[base_key].rate if by_key[base_key].runs else None
    then_rate = by_key["then"].rate if by_key["then"].runs else None
    on_mix = ("then", "row", "batch", "jobs2", "cluster", "db1", "db2", "parquet")  # the scans of the generated records
    print()
    print(f"{'run':<44} {'seconds':>8} {'CPU s':>6} {'records/s':>10} {'vs baseline':>11} {'vs filing':>9} {'peak RSS MiB':>12} "
          f"{'tree MiB':>9}  report = baseline")
    for r in rows:
        if not r.runs:
            print(f"{r.name:<44} {r.note}")
            continue
        own = r.base.rate if r.base is not None else base_rate
        ratio = f"{r.rate / own:.2f}x" if own else "-"
        # the goal is against the code of its filing, on the same generated records (not the fixture mix)
        vs_then = f"{r.rate / then_rate:.2f}x" if then_rate and any(r is by_key.get(k) for k in on_mix) else "-"
        rss = max(x.rss for x in r.runs)
        tree = max(x.tree for x in r.runs)
        wall = "-" if r.rate_override is not None else f"{r.wall:.2f}"
        cpu = "-" if r.rate_override is not None else f"{r.cpu:.2f}"
        print(f"{r.name:<44} {wall:>8} {cpu:>6} {r.rate:>10,.0f} {ratio:>11} {vs_then:>9} {rss:>12.1f} {tree:>9.1f}  "
              f"{r.same or '-'}")
    print()
    print("hand-written rows: records/s inside the process (the check alone; check + decode), not the command's wall time;")
    print("CPU s: user + system CPU of the whole command, its worker processes included (median of the runs);")
    print("the fixture mix's batch row is compared with the fixture mix's row backend;")
    print(f"vs filing: against the code of issue 13's filing ({args.then}) with its own pack, on the same records; "
          "its report differs (another pack)")
    jobs1, jobs2 = by_key["batch"], by_key["jobs2"]
    if jobs1.runs and jobs2.runs:
        print(f"--jobs 2 against --jobs 1: {jobs2.rate / jobs1.rate:.2f}x "
              f"(CPU {jobs2.cpu:.2f} s against {jobs1.cpu:.2f} s: {jobs2.cpu / jobs1.cpu - 1:+.1%} for the second process)")
    if busy[1].runs and busy[2].runs:
        ceiling = busy[2].rate / busy[1].rate
        print(f"two processes on this machine: a pure-Python loop runs {ceiling:.2f}x as fast in 2 processes as in 1 "
              f"({busy[1].wall:.2f} s for one loop alone, {busy[2].wall:.2f} s for two at once, same rounds)"
              + (f"; --jobs 2 against --jobs 1 is {jobs2.rate / jobs1.rate / ceiling:.0%} of that"
                 if jobs1.runs and jobs2.runs else ""))
    db1, db2 = by_key["db1"], by_key["db2"]
    if db1.runs and db2.runs and jobs1.runs:
        print(f"with a store (--db, a new one each run): --jobs 1 at {db1.rate / jobs1.rate:.2f}x the plain scan, "
              f"--jobs 2 at {db2.rate / db1.rate:.2f}x --jobs 1")
    then = by_key["then"]
    if then.runs and jobs1.runs:
        print(f"--jobs 1 against the filing's code in CPU time: {then.cpu / jobs1.cpu:.2f}x "
              "(less bent by a busy machine than the wall-clock ratio)")
    try:
        import orjson

        s = orjson.loads(found) if found else None
    except orjson.JSONDecodeError:
        s = None
    if s:
        print(f"found in the generated batch: {s['flagged']:,} flagged ({s['flagged'] / max(1, s['records']):.1%}), "
              f"{s.get('partial', 0):,} partial, {s['invalid']:,} invalid of {s['records']:,} "
              f"(--flagged-share {args.flagged_share})")
    for r in (warm, plain, cold):
        print(f"{r.name}: " + (f"{r.wall:.2f} s" if r.runs else r.note))
    big = by_key["batch"]
    for label, small_res, big_res in (("JSONL", mem_small, big), ("Parquet", mem_small_pq, by_key["parquet"])):
        if small_res.runs and big_res.runs:
            a, b = max(x.rss for x in small_res.runs), max(x.rss for x in big_res.runs)
            print(f"memory, scan --jobs 1, {label}: {a:.1f} MiB on {small_n:,} records, {b:.1f} MiB on {n:,} "
                  f"({'flat' if b < a * 1.25 else 'GROWS'})")
        else:
            print(f"memory, {label}: " + (small_res.note or big_res.note))
    same = [r for r in rows if r.same in ("yes", "NO")]
    if same:
        print("reports byte-identical to the baseline's: "
              + ("yes, every mode" if all(r.same == "yes" for r in same) else
                 "NO: " + ", ".join(r.name for r in same if r.same == "NO")))


if __name__ == "__main__":
    main()
