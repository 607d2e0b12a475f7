"""Scan throughput of `legality scan` with the full shipped rule pack, against reading+validating alone.

Why measured this way: the number that matters to a nightly job is records per second of the whole
command (framing, decoding, validation, every rule, report writing), and how much of it the rules
cost — so the baseline, reading and validating the same batch without rules, is measured in the
same run on the same machine and printed as a ratio.  Each measurement runs in its own process so
its peak memory (max RSS of the largest process: the main one, or a worker) is its own.  Peak
memory is also measured on a tenth of the batch: flat memory means the scan streams.

    python bench/scan_throughput.py                 # 200,000 records (a few minutes)
    python bench/scan_throughput.py --n 20000       # quick run

Run outside the test suite; it prints a table and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from legality.resources import RULES_DIR
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.synth import write_batch  # noqa: E402  (the fixtures' batch generator, a test helper)

READ_ONLY = """
import sys
from legality.io.reader import read_records
n = sum(1 for item in read_records([sys.argv[1]]) if item.verdict is not None or item.errors)
print(n)
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the largest process in the tree) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:  # no --fail-on: a scan exits 0; 1 would be a crash
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def scan_cmd(batch: Path, out: Path, jobs: int, rules: str) -> list[str]:
    return [sys.executable, "-m", "legality.cli", "scan", str(batch), "--rules", rules, "-f", "jsonl",
            "-o", str(out), "-j", str(jobs), "--no-progress"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="records in the generated batch (default 200000)")
    ap.add_argument("--rules", default=str(RULES_DIR), help="rule pack (default: the shipped rules/)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to measure (default 1,2)")
    args = ap.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]

    with tempfile.TemporaryDirectory(prefix="legality-bench-") as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        batch = write_batch(d / "batch.jsonl", args.n)
        small = write_batch(d / "small.jsonl", max(1, args.n // 10))
        print(f"generated {args.n:,} records ({batch.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - t:.1f} s; "
              f"cores: {os.cpu_count()}; rules: {args.rules}")

        rows = []
        base_wall, base_mem = measure([sys.executable, "-c", READ_ONLY, str(batch)])
        base_rate = args.n / base_wall
        rows.append(("read + validate (baseline)", base_wall, base_rate, 1.0, base_mem))
        for j in jobs:
            wall, mem = measure(scan_cmd(batch, d / f"out{j}.jsonl", j, args.rules))
            rows.append((f"scan --jobs {j}", wall, args.n / wall, (args.n / wall) / base_rate, mem))
        _, small_mem = measure(scan_cmd(small, d / "small.jsonl.out", 1, args.rules))
        same = len({(d / f"out{j}.jsonl").read_bytes() for j in jobs}) == 1

    print()
    print(f"{'run':<28} {'seconds':>9} {'records/s':>11} {'vs baseline':>12} {'peak RSS MiB':>13}")
    for name, wall, rate, ratio, mem in rows:
        print(f"{name:<28} {wall:>9.2f} {rate:>11,.0f} {ratio:>11.2f}x {mem:>13.1f}")
    print()
    print(f"peak RSS of scan --jobs 1 on {max(1, args.n // 10):,} records: {small_mem:.1f} MiB "
          f"(vs {rows[1][4]:.1f} MiB on {args.n:,}: {'flat' if rows[1][4] < small_mem * 1.5 else 'GROWS'})")
    print(f"reports identical for --jobs {args.jobs}: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
