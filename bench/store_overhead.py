"""What the nightly store costs: `scan --new-only --db` against a store of 1,000,000 candidates, beside
the same scan without a store, measured in the same run.

    python bench/store_overhead.py [--candidates 1000000] [--records 10000] [--repeat 3] [--jobs 1]

Why a large prebuilt store: the nightly store only grows (every candidate ever found is kept), so
the lookups a scan makes (content hash, fingerprint, case id) must stay index lookups; a store of a
million candidates shows it.  The store is built by bulk insert (one transaction), then copied
before each measured run so every run sees the same store.  Prints seconds, the ratio and the
overhead in seconds (the issue asks for "under a few seconds" on a 10,000-record batch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from legality.scan.synth import write_batch
from legality.store.db import migrate, now


def build_store(path: Path, n: int) -> float:
    """A completed run that found `n` candidates in `n` records (realistic row sizes).

    Fast bulk insert: no journal while building, one transaction, keys generated in index order.
    """
    t0 = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    migrate(conn)
    ts = now()
    body = orjson.dumps({"rule": "attempt-term-cap", "severity": "high", "title": "Срок за покушение выше 3/4",
                         "message": "Назначено 9 лет; допустимо не более 7 лет 6 месяцев (ч.3 ст.56 УК РК)",
                         "citations": [{"act": "УК РК", "article": "56", "part": 3, "paragraph": None}],
                         "offence": "1", "actual": {"years": 9}, "allowed": {"max": {"years": 7, "months": 6}},
                         "facts": {"stage": "attempt"}, "fingerprint": ""}).decode()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO runs (started, finished, rules_version, inputs, options, status) "
                 "VALUES (?, ?, 'bench', '[]', '{}', 'completed')", (ts, ts))
    step = (16 ** 24 - 1) // (n + 1)  # fingerprints spread over the whole key space, in order
    conn.executemany("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                     " first_seen, last_seen, status, candidate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (f"{(i + 1) * step:024x}", f"BENCH-{i:08d}", "attempt-term-cap", "1", "high", 1, 1, ts, ts,
         ("known", "dismissed", "confirmed", "new")[i % 4], body) for i in range(n)))
    hstep = (16 ** 64 - 1) // (n + 1)
    conn.executemany("INSERT INTO records (content_hash, case_id, file, line, rules_version, scanned_run, last_run,"
                     " status, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (f"{(i + 1) * hstep:064x}", f"BENCH-{i:08d}", "bench.jsonl", i + 1, "bench", 1, 1, "flagged",
         '{"candidates": []}') for i in range(n)))
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return time.perf_counter() - t0


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        sys.exit(f"scan failed ({res.returncode}): {res.stderr[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=1_000_000)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="legality-bench-") as tmp:
        work = Path(tmp)
        store = work / "store.db"
        built = build_store(store, args.candidates)
        size = store.stat().st_size / 2**20
        print(f"store: {args.candidates:,} candidates, {size:.0f} MiB, built in {built:.1f} s")
        batch = write_batch(work / "batch.jsonl", args.records)
        scan = [sys.executable, "-m", "legality.cli", "scan", str(batch), "--format", "jsonl",
                "--jobs", str(args.jobs)]
        plain, stored, first_open = [], [], []
        for _ in range(args.repeat):
            plain.append(timed(scan))
            db = work / "run.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            shutil.copy(store, db)
            os.sync()
            stored.append(timed(scan + ["--db", str(db), "--new-only"]))
            first_open.append(timed(scan + ["--db", str(db), "--new-only"]))  # all unchanged now
        base, with_store, unchanged = min(plain), min(stored), min(first_open)
        print(f"batch: {args.records:,} records, --jobs {args.jobs}, best of {args.repeat}")
        print(f"  scan without store:                 {base:7.2f} s")
        print(f"  scan --new-only --db (store above): {with_store:7.2f} s   ratio {with_store / base:5.2f}  "
              f"overhead {with_store - base:+.2f} s")
        print(f"  same batch again (all unchanged):   {unchanged:7.2f} s   ratio {unchanged / base:5.2f}")


if __name__ == "__main__":
    main()
