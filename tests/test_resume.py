"""The real `legality scan --db` as a process: killed with SIGKILL and resumed, and reviewed while it runs.

The batch is the project's fixtures, copied under new case ids (so each copy is new content with
new fingerprints).  A baseline run first fills the store, so the measured run has unchanged records
(skipped), re-exported ones (changed court name: evaluated again) and new ones.

On both engines (issue 16): a SQLite file, and a PostgreSQL store (a schema of the test server; a
killed scan's open transaction is rolled back by the server, as SQLite's journal does for the file).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from legality.store.db import connect
from legality.store.history import snapshot
from support import pg

pytestmark = pytest.mark.slow


def fixture_records() -> list[dict]:
    out = []
    for f in sorted((FIXTURES_DIR / "verdicts").rglob("*.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def write_batch(path: Path, copies: range, *, reexported: range = range(0)) -> Path:
    recs = fixture_records()
    with path.open("w", encoding="utf-8") as fh:
        for k in copies:
            for r in recs:
                r = {**r, "case_id": f"{r['case_id']}-{k}"}
                if k in reexported and isinstance(r.get("court"), dict):
                    r["court"] = {**r["court"], "name": "переэкспорт"}
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


RULES: list[Path] = []  # a snapshot of the shipped rules, so edits made while the tests run change nothing


def scan_cmd(batch: Path, db: Path | str, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "legality.cli", "scan", str(batch), "--db", str(db), "--new-only",
            "--rules", str(RULES[0]),
            "--format", "jsonl", "--output", str(out), "--summary", str(out) + ".summary", "--jobs", "1", *extra]


ENV = {**os.environ, "LEGALITY_COMMIT_EVERY": "40"}  # many batches: kills land between and inside them


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=ENV)
    assert "Traceback" not in res.stderr, res.stderr
    return res


def counts(summary: Path) -> dict:
    doc = json.loads(summary.read_text())
    return {k: v for k, v in doc.items() if k not in ("started", "finished")}


class Stores:
    """New stores and copies of a store, on one engine: files, or schemas of the test server."""

    def __init__(self, tmp: Path, server: pg.PgServer | None):
        self.tmp, self.server = tmp, server

    def new(self, name: str) -> Path | str:
        return self.server.fresh() if self.server else self.tmp / f"{name}.db"

    def copy(self, source: Path | str, name: str) -> Path | str:
        if self.server:
            return pg.clone(self.server, str(source))
        shutil.copy(source, self.tmp / f"{name}.db")
        return self.tmp / f"{name}.db"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def prepared(request, tmp_path_factory):
    """A baseline store (first half of the copies) and the measured batch; the clean run's results."""
    tmp = tmp_path_factory.mktemp("resume")
    stores = Stores(tmp, request.getfixturevalue("pg_server") if request.param == "postgresql" else None)
    RULES[:] = [Path(shutil.copytree(RULES_DIR, tmp / "rules"))]
    base_db = stores.new("base")
    assert run(scan_cmd(write_batch(tmp / "base.jsonl", range(0, 7)), base_db, tmp / "base.out")).returncode == 0
    batch = write_batch(tmp / "batch.jsonl", range(0, 15), reexported=range(0, 2))
    clean_db = stores.copy(base_db, "clean")
    t0 = time.monotonic()
    res = run(scan_cmd(batch, clean_db, tmp / "clean.out"))
    duration = time.monotonic() - t0
    assert res.returncode == 0, res.stderr
    return tmp, base_db, batch, clean_db, duration, stores


def test_clean_run_skips_unchanged_and_reevaluates_reexported(prepared):
    tmp, _, _, clean_db, _, _ = prepared
    summary = counts(tmp / "clean.out.summary")
    per_copy = len(fixture_records())
    assert summary["unchanged"] == 5 * per_copy  # copies 2..6 were scanned by the baseline, unchanged
    assert summary["records"] == 10 * per_copy  # copies 0..1 re-exported, 7..14 new
    runs = connect(clean_db).execute("SELECT status, new, unchanged FROM runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["completed", "completed"]


# records committed by the newest run (the baseline run's rows do not count)
LATEST_RUN_RECORDS = "SELECT count(*) FROM run_records WHERE run_id = (SELECT max(id) FROM runs)"


def _committed(db: Path | str) -> int:
    if isinstance(db, str):  # PostgreSQL: committed rows are visible to any reader, no lock to wait for
        import psycopg

        try:
            with psycopg.connect(db, autocommit=True, connect_timeout=5) as conn:
                return conn.execute(LATEST_RUN_RECORDS).fetchone()[0]
        except psycopg.Error:
            return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as conn:
            return conn.execute(LATEST_RUN_RECORDS).fetchone()[0]
    except sqlite3.Error:
        return 0


def _query(db: Path | str, sql: str) -> int:
    conn = connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_sigkill_at_random_points_then_resume_equals_a_clean_run(prepared):
    tmp, base_db, batch, clean_db, duration, stores = prepared
    clean_out = (tmp / "clean.out").read_bytes()
    clean_counts = counts(tmp / "clean.out.summary")
    clean_store = snapshot(connect(clean_db))
    rng = random.Random(20240601)
    committed_before_resume = []
    for attempt in range(3):
        db, out = stores.copy(base_db, f"killed{attempt}"), tmp / f"killed{attempt}.out"
        out.unlink(missing_ok=True)
        Path(str(out) + ".summary").unlink(missing_ok=True)
        kills = 2 if attempt == 0 else 1  # the first attempt is killed again while resuming
        for k in range(kills):
            proc = subprocess.Popen(scan_cmd(batch, db, out, *(["--resume"] if k else [])),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
            # kill points follow the run's progress, not the clock (a faster engine must not dodge them):
            # either at a random moment early on, or once a random number of records is committed
            target = rng.randint(1, 1200) if (attempt, k) != (0, 0) else 0
            deadline = time.monotonic() + (rng.uniform(0.05, 1.0) if target == 0 else 300)
            while proc.poll() is None and time.monotonic() < deadline:
                if target and _committed(db) >= target:
                    break
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            completed = _query(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 2
            committed_before_resume.append(_query(db, LATEST_RUN_RECORDS))
            if completed:  # finished before the kill landed: its report is whole
                break
            assert not out.exists(), "a killed run must not leave a report"
        else:
            res = run(scan_cmd(batch, db, out, "--resume"))
            assert res.returncode == 0, res.stderr
        assert out.read_bytes() == clean_out
        assert counts(Path(str(out) + ".summary")) == clean_counts
        assert snapshot(connect(db)) == clean_store
    assert any(n > 0 for n in committed_before_resume), "no kill landed after a committed batch"


def test_reviewers_deciding_during_a_scan_do_not_corrupt_the_store(prepared):
    tmp, base_db, batch, _, _, stores = prepared
    db = stores.copy(base_db, "concurrent")
    conn = connect(db)
    fps = [r[0] for r in conn.execute("SELECT fingerprint FROM candidates ORDER BY fingerprint LIMIT 4")]
    for i in range(len(fps), 4):  # the rule pack may find little in the fixtures: add candidates of other cases
        fps.append(f"{i:024x}")
        conn.execute("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                     " first_seen, last_seen, status, candidate)"
                     " VALUES (?, 'OTHER', 'r', NULL, 'high', 1, 1, 't', 't', 'known', '{}')", (fps[-1],))
    conn.close()
    big = write_batch(tmp / "big.jsonl", range(0, 20))
    scan = subprocess.Popen(scan_cmd(big, db, tmp / "concurrent.out", "--rescan"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 120
    while not connect(db).execute("SELECT 1 FROM runs WHERE status = 'running'").fetchone():
        assert scan.poll() is None and time.monotonic() < deadline, "the scan never started its run"
        time.sleep(0.05)
    results: list[subprocess.CompletedProcess] = []

    def review(i: int, fp: str) -> None:
        time.sleep(0.15 * i)
        action = ["dismiss", fp, "--reason", f"причина {i}"] if i % 2 else ["confirm", fp]
        results.append(run([sys.executable, "-m", "legality.cli", "review", *action, "--by", f"R{i}",
                            "--db", str(db)]))
        if i < 2:
            results.append(run([sys.executable, "-m", "legality.cli", "review", "list", "--db", str(db),
                                "--format", "jsonl"]))

    threads = [threading.Thread(target=review, args=(i, fp)) for i, fp in enumerate(fps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _, err = scan.communicate(timeout=300)
    assert scan.returncode == 0, err
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
    conn = connect(db)
    if conn.dialect == "sqlite":
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == len(fps)
    status = dict(conn.execute("SELECT fingerprint, status FROM candidates"))
    for i, fp in enumerate(fps):
        assert status[fp] == ("dismissed" if i % 2 else "confirmed")
    run_status, started, finished = conn.execute(
        "SELECT status, started, finished FROM runs ORDER BY id DESC").fetchone()
    assert run_status == "completed"
    decided_at = [r[0] for r in conn.execute("SELECT at FROM decisions")]
    assert any(started < at < finished for at in decided_at), (started, finished, decided_at)
