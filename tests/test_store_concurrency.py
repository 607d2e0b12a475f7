"""Several people and a nightly scan on one store at once (issue 16, point 4), on SQLite and PostgreSQL.

Why these cases: the review desk lets two reviewers open the same candidate; the later decision must
be told about the earlier one (`DecisionConflict`), never overwrite it unseen.  And the scan runs at
night while reviewers may still work: its batch read a candidate's status before a reviewer decided,
and commits after — the decision must survive, and so must the scan's own update.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest

from legality.result.candidate import fingerprint
from legality.store import review
from legality.store.db import StoreBusy, _enter_wal, connect
from legality.store.scanstate import StoreState
from legality.store.schema import LATEST

from test_store import batch, content_hash, make_line, run_scan, statuses


def _fps(db) -> list[str]:
    conn = connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT fingerprint FROM candidates ORDER BY fingerprint")]
    finally:
        conn.close()


def test_the_later_of_two_reviewers_sees_the_conflict(store_url):
    run_scan(store_url, batch())
    fp = _fps(store_url)[0]
    first, second = connect(store_url), connect(store_url)
    seen_by_first = review.version_of(first, fp)
    seen_by_second = review.version_of(second, fp)
    assert seen_by_first == seen_by_second == 0
    review.decide(first, fp, "dismiss", by="Иванова", reason="норма применена верно", expected_version=seen_by_first)
    with pytest.raises(review.DecisionConflict) as caught:
        review.decide(second, fp, "confirm", by="Петров", reason=None, expected_version=seen_by_second)
    conflict = caught.value
    assert (conflict.latest.by, conflict.latest.action, conflict.latest.reason) == \
        ("Иванова", "dismiss", "норма применена верно")
    assert conflict.version == 1 and conflict.expected == 0
    assert "Иванова" in str(conflict) and fp[:12] in str(conflict)
    # nothing of the refused decision was written; the second reviewer may decide again knowingly
    assert [d.by for d in review.history(second, fp)] == ["Иванова"]
    assert statuses(store_url)[fp] == "dismissed"
    review.decide(second, fp, "confirm", by="Петров", reason=None, expected_version=conflict.version)
    assert statuses(store_url)[fp] == "confirmed" and review.version_of(first, fp) == 2
    first.close()
    second.close()


def test_a_decision_without_a_version_is_never_refused(store_url):
    """The CLI (`review dismiss`) and an import decide on the latest state: no version to compare."""
    run_scan(store_url, batch())
    fp = _fps(store_url)[0]
    conn = connect(store_url)
    review.decide(conn, fp, "confirm", by="A", reason=None)
    review.decide(conn, fp, "dismiss", by="B", reason="r")
    assert review.version_of(conn, fp) == 2 and statuses(store_url)[fp] == "dismissed"


def test_reviewers_racing_in_threads_exactly_one_wins(store_url):
    """Eight reviewers submit at the same moment, each from the page it saw (version 0)."""
    run_scan(store_url, batch())
    fp = _fps(store_url)[0]
    start = threading.Barrier(8)
    won, lost, errors = [], [], []

    def reviewer(n: int) -> None:
        conn = connect(store_url)
        try:
            start.wait()
            review.decide(conn, fp, "confirm" if n % 2 else "dismiss", by=f"R{n}", reason=f"причина {n}",
                          expected_version=0)
            won.append(n)
        except review.DecisionConflict as e:
            lost.append(e.latest.by)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            conn.close()

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(won) == 1 and len(lost) == 7
    assert set(lost) == {f"R{won[0]}"}  # every loser is told who won
    conn = connect(store_url)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1
    assert review.version_of(conn, fp) == 1


def test_a_decision_made_while_the_scan_holds_its_batch_is_kept(store_url):
    """The scan read the candidate as `new` (and queued «now known»); a reviewer dismisses it before
    the batch commits.  The committed batch keeps the dismissal and still records the sighting."""
    records = batch()
    run_scan(store_url, records)
    target = fingerprint("C-001", "rule-a", "1", 1)
    state = StoreState(store_url, rescan=True, batch_records=1000)
    state.open(rules_version="v1", inputs=["batch.jsonl"], options={})
    for i, (case_id, content, findings) in enumerate(records, start=1):
        assert state.lookup("batch.jsonl", i, content_hash(content)) is None
        state.record(make_line("batch.jsonl", i, case_id, findings), content_hash(content))
    assert state.status_of(target) == "known"  # queued, not committed
    reviewer = connect(store_url)
    review.decide(reviewer, target, "dismiss", by="Иванова", reason="верно", expected_version=0)
    state.close({}, completed=True)
    conn = connect(store_url)
    status, last_run, version = conn.execute(
        "SELECT status, last_run, version FROM candidates WHERE fingerprint = ?", (target,)).fetchone()
    assert (status, last_run, version) == ("dismissed", 2, 1)
    assert set(statuses(store_url).values()) == {"known", "dismissed"}


def test_reviewers_deciding_during_a_scan_lose_nothing(store_url):
    """A scan commits small batches in one thread while reviewers decide in others: at the end every
    decision is in the log and in effect, and every candidate was seen by the scan."""
    records = batch(60)
    run_scan(store_url, records)
    fps = _fps(store_url)
    chosen = fps[::3]
    done = threading.Event()
    errors: list[str] = []

    def scan() -> None:
        try:
            run_scan(store_url, records, rescan=True, batch_records=2)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            done.set()

    def reviewer(part: list[str], name: str) -> None:
        conn = connect(store_url)
        try:
            for fp in part:
                review.decide(conn, fp, "dismiss", by=name, reason="верно", expected_version=review.version_of(conn, fp))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            conn.close()

    threads = [threading.Thread(target=scan)] + [
        threading.Thread(target=reviewer, args=(chosen[k::2], f"R{k}")) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and done.is_set()
    final = statuses(store_url)
    assert {fp for fp, s in final.items() if s == "dismissed"} == set(chosen)
    assert {s for fp, s in final.items() if fp not in chosen} == {"known"}
    conn = connect(store_url)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == len(chosen)
    assert {r[0] for r in conn.execute("SELECT DISTINCT last_run FROM candidates")} == {2}


def _open_at_once(url: str, openers: int = 4) -> list[str]:
    """Open (creating it if need be) the store from `openers` threads released together; their errors."""
    start = threading.Barrier(openers)
    errors: list[str] = []

    def opener() -> None:
        try:
            start.wait()
            connect(url, create=True).close()
        except Exception as e:  # noqa: BLE001 - returned to the test
            errors.append(repr(e))

    threads = [threading.Thread(target=opener) for _ in range(openers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_two_processes_migrating_at_once_apply_each_step_once(make_store_url):
    """Two servers started together on an empty database (or file): one migrates, the other waits."""
    url = make_store_url()
    assert _open_at_once(url) == []
    conn = connect(url)
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == sorted(set(versions)) and versions[-1] == LATEST


def test_a_scan_on_another_computer_is_refused_on_postgresql(pg_server, monkeypatch):
    """A PostgreSQL store is shared by computers: the running scan's lock (not its process id, which
    only its own computer can check) keeps a second scan out; when the first ends, the next may run.
    (A SQLite file is written from one computer: its scans are told apart by process id.)"""
    monkeypatch.setattr("legality.store.scanstate.SCAN_LOCK_WAIT", 0.3)
    url = pg_server.fresh()
    first = StoreState(url)
    first.open(rules_version="v1", inputs=["a"], options={})
    conn = connect(url)
    conn.execute("UPDATE runs SET host = 'another-computer', pid = 999999")
    with pytest.raises(StoreBusy) as refused:
        StoreState(url).open(rules_version="v1", inputs=["a"], options={})
    assert "another-computer" in str(refused.value)
    first.close({}, completed=True)
    second = StoreState(url)
    second.open(rules_version="v1", inputs=["a"], options={})
    second.close({}, completed=True)
    assert [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")] == ["completed", "completed"]


def test_fresh_sqlite_stores_opened_by_four_at_once_never_report_busy(tmp_path):
    """SQLite does not call its busy handler for the switch to WAL: before `_enter_wal` waited, about
    one fresh store in twelve opened by four processes at once failed with "database is locked"."""
    failures: list[str] = []
    for round_ in range(40):
        failures += _open_at_once(str(tmp_path / f"s{round_}.db"))
    assert failures == []


class _LockedTwice:
    """A connection whose journal-mode pragma is busy twice, then answers."""

    def __init__(self, error: str = "database is locked") -> None:
        self.calls: list[str] = []
        self.error = error

    def execute(self, sql: str):
        self.calls.append(sql)
        if len(self.calls) <= 2:
            raise sqlite3.OperationalError(self.error)
        return self

    def fetchone(self):
        return ("delete",)


def test_the_switch_to_wal_waits_out_a_busy_file_and_fails_at_once_on_other_errors():
    busy = _LockedTwice()
    _enter_wal(busy)
    assert busy.calls == ["PRAGMA journal_mode"] * 3 + ["PRAGMA journal_mode = WAL"]
    broken = _LockedTwice("disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _enter_wal(broken)
    assert broken.calls == ["PRAGMA journal_mode"]
