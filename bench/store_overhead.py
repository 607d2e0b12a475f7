"""What the nightly store costs: `scan --new-only --db` against a store of 1,000,000 candidates, beside
the same scan without a store, measured in the same run.

    python bench/store_overhead.py [--candidates 1000000] [--records 10000] [--repeat 3]

Why a large prebuilt store: the nightly store only grows (every candidate ever found is kept), so
the lookups a scan makes (content hash, fingerprint, case id) must stay index lookups; a store of a
million candidates shows it.  The store is built by bulk insert (one transaction), then copied
before each measured run so every run sees the same store.  The scans run in this process (as
`legality scan --jobs 1` runs them), so the time inside the store hook is measured exactly; the
wall-clock difference is printed beside it (noisy on a busy machine).  The issue asks for "under a
few seconds" of overhead on a 10,000-record batch.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import sqlite3
import tempfile
import time
from pathlib import Path

import orjson

from legality.engine import Engine
from legality.io.sources import resolve_inputs
from legality.resources import RULES_DIR
from legality.scan.run import run_scan
from legality.scan.state import NoState
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.synth import write_batch  # noqa: E402  (the fixtures' batch generator, a test helper)
from legality.store.db import migrate, now
from legality.store.scanstate import StoreState


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


class TimedState(StoreState):
    """The store as the scan uses it, with the time spent inside the hook added up: the pure overhead."""

    spent = 0.0

    def _timed(name):  # noqa: N805 - a decorator factory used in the class body
        def call(self, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return getattr(StoreState, name)(self, *args, **kwargs)
            finally:
                self.spent += time.perf_counter() - t0
        return call

    open = _timed("open")
    lookup = _timed("lookup")
    record = _timed("record")
    replay = _timed("replay")
    close = _timed("close")


def scan_once(batch: Path, engine, db: Path | None) -> tuple[float, float, dict]:
    """One in-process scan (what `legality scan --jobs 1 --format jsonl` runs); (wall s, hook s, summary)."""
    sources, errors = resolve_inputs([batch])
    assert not errors
    state = TimedState(db, new_only=True) if db is not None else NoState()
    t0 = time.perf_counter()
    state.open(rules_version=engine.version, inputs=[s.name for s in sources], options={})
    summary = run_scan(sources, engine, io.BytesIO(), fmt="jsonl", jobs=1, state=state)
    state.close(summary.to_json(), completed=True)
    return time.perf_counter() - t0, getattr(state, "spent", 0.0), summary.to_json()


def fresh_copy(store: Path, work: Path) -> Path:
    db = work / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(store, db)
    os.sync()  # the copy's write-back must not run during the measured scan
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=1_000_000)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="legality-bench-") as tmp:
        work = Path(tmp)
        store = work / "store.db"
        built = build_store(store, args.candidates)
        size = store.stat().st_size / 2**20
        print(f"store: {args.candidates:,} candidates, {size:.0f} MiB, built in {built:.1f} s")
        batch = write_batch(work / "batch.jsonl", args.records)
        engine = Engine.load(RULES_DIR)
        plain, stored, again = [], [], []
        for _ in range(args.repeat):
            plain.append(scan_once(batch, engine, None))
            db = fresh_copy(store, work)
            stored.append(scan_once(batch, engine, db))
            again.append(scan_once(batch, engine, db))  # the same batch again: every record unchanged
        base = min(w for w, _, _ in plain)
        with_store, hook = min((w, h) for w, h, _ in stored)
        unchanged, hook_again = min((w, h) for w, h, _ in again)
        s = stored[0][2]
        print(f"batch: {args.records:,} records ({s['candidates']} candidates), in process, --jobs 1, "
              f"best of {args.repeat}")
        print(f"  scan without store:                 {base:7.2f} s")
        print(f"  scan --new-only with the store:     {with_store:7.2f} s   ratio {with_store / base:5.2f}  "
              f"overhead {with_store - base:+.2f} s (time inside the store: {hook:.2f} s)")
        print(f"  same batch again (all unchanged):   {unchanged:7.2f} s   ratio {unchanged / base:5.2f}  "
              f"(time inside the store: {hook_again:.2f} s)")


if __name__ == "__main__":
    main()
