"""Issue 11, the nightly store, review and worker processes (red-team findings F19–F22, F24).

Each test reproduces a finding of shared/reviews/redteam-2026-12.md through the real CLI (or the
store's scan hook where the engine cannot produce the case, e.g. a fault naming its rule).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from support.synth import FIXTURES_DIR
from legality.result.candidate import Candidate, fingerprint
from legality.report.model import ReportLine
from legality.report.context import RecordContext
from support.synth import generate
from legality.store import review
from legality.store.db import connect, describe, migrate

from test_store import raw_connect
from legality.store.scanstate import StoreState

LEG = str(Path(sys.executable).with_name("legality"))
VERDICTS = FIXTURES_DIR / "verdicts"


def cli(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def first_record(path: Path) -> dict:
    return orjson.loads(path.read_bytes().splitlines()[0])


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def listed(db: Path, *args: str) -> list[dict]:
    res = cli("review", "list", "--db", db, "--format", "jsonl", *args)
    assert res.exit_code == 0, res.output
    return [orjson.loads(x) for x in res.stdout.splitlines()]


def scan_db(db: Path, *paths: Path, extra: tuple[str, ...] = ()):
    return cli("scan", *paths, "--db", db, "--new-only", "-f", "jsonl", "-j", "1", "--no-progress", *extra)


# ---- F19: two records with one case id


@pytest.fixture(scope="module")
def pair():
    """A flagged record and a clean one (lawful fixture) made into its co-defendant under the same case id."""
    flagged = first_record(VERDICTS / "planted" / "f01.jsonl")
    clean = first_record(VERDICTS / "lawful" / "almaty.jsonl")
    clean["case_id"] = flagged["case_id"]
    clean["defendant"]["person_id"] = "P-CO-DEFENDANT"
    assert flagged["defendant"]["person_id"] != clean["defendant"]["person_id"]
    return flagged, clean


def test_co_defendant_does_not_resolve_the_candidate_just_reported(pair, tmp_path, store_url):
    flagged, clean = pair
    db = store_url
    res = scan_db(db, write_jsonl(tmp_path / "a.jsonl", [flagged, clean]))
    assert res.exit_code == 0, res.output
    reported = [c["fingerprint"] for line in res.stdout.splitlines() for c in orjson.loads(line)["candidates"]]
    assert reported
    assert sorted(r["fingerprint"] for r in listed(db, "--status", "new")) == sorted(reported)
    assert listed(db, "--status", "resolved") == []
    # the duplicate case id is named on stderr, with counts, and nothing of the defendants
    assert "встречаются в нескольких записях партии: 1 (записей: 2)" in res.stderr and flagged["case_id"] in res.stderr
    assert flagged["defendant"]["person_id"] not in res.stderr and "P-CO-DEFENDANT" not in res.stderr

    # next night only the co-defendant's record is re-exported (changed): still not resolved
    changed = {**clean, "judge_id": "J-0001"}
    res = scan_db(db, write_jsonl(tmp_path / "b.jsonl", [changed]))
    assert res.exit_code == 0, res.output
    assert listed(db, "--status", "resolved") == []
    # the defendant's own corrected record resolves it
    corrected = {**clean, "defendant": {**clean["defendant"], "person_id": flagged["defendant"]["person_id"]}}
    res = scan_db(db, write_jsonl(tmp_path / "c.jsonl", [corrected]))
    assert res.exit_code == 0, res.output
    assert sorted(r["fingerprint"] for r in listed(db, "--status", "resolved")) == sorted(reported)


def test_old_and_corrected_export_in_one_batch_keep_the_candidate_open(pair, tmp_path, store_url):
    flagged, clean = pair
    corrected = {**clean, "defendant": {**clean["defendant"], "person_id": flagged["defendant"]["person_id"]}}
    db = store_url
    res = scan_db(db, write_jsonl(tmp_path / "a.jsonl", [flagged, corrected]))
    assert res.exit_code == 0, res.output
    assert listed(db, "--status", "resolved") == [] and listed(db, "--status", "new")
    stats = orjson.loads(cli("stats", "--db", db, "--format", "json").stdout)["rules"]
    assert all(s["resolved"] == 0 for s in stats)


# ---- a rule that faulted cannot resolve its own earlier candidates


def _line(case_id: str, findings: list[tuple[str, int]], *, faults=(), status=None) -> ReportLine:
    cands = [Candidate(rule=rule, severity="high", title="t", message="m", citations=[], offence="1",
                       actual=actual, allowed=None, facts={}, fingerprint=fingerprint(case_id, rule, "1", actual))
             for rule, actual in findings]
    return ReportLine(case_id, "f.jsonl", 1, status or ("flagged" if cands else "clean"), candidates=cands,
                      faults=list(faults))


def _run(db: Path, line: ReportLine, content: str) -> None:
    state = StoreState(db)
    state.open(rules_version="v", inputs=["f.jsonl"], options={})
    ctx = RecordContext("C", "court", "2024-01-01", (), person_id="P-1")
    assert state.lookup("f.jsonl", 1, content) is None
    state.record(line, content, ctx)
    state.close({}, completed=True)


def _statuses(db: Path) -> dict[str, str]:
    return {r["rule"]: r["status"] for r in review.list_candidates(connect(db))[0]}


@pytest.mark.parametrize("status,findings", [("partial", []), ("flagged", [("rule-c", 7)])])
def test_faulted_rule_does_not_resolve_its_candidates(store_url, status, findings):
    db = store_url
    _run(db, _line("K-1", [("rule-a", 1), ("rule-b", 2)]), "h1")
    fault = {"code": "E501", "severity": "error", "message": "правило не смогло проверить запись", "rule": "rule-a"}
    _run(db, _line("K-1", findings, faults=[fault], status=status), "h2")
    got = _statuses(db)
    assert got["rule-a"] == "known" or got["rule-a"] == "new"  # not checked again: stays open
    assert got["rule-b"] == "resolved"  # its rule ran to the end and no longer fires


def test_fault_without_a_rule_resolves_nothing(store_url):
    db = store_url
    _run(db, _line("K-1", [("rule-a", 1), ("rule-b", 2)]), "h1")
    fault = {"code": "E501", "severity": "error", "message": "внутренняя ошибка при проверке записи"}
    _run(db, _line("K-1", [], faults=[fault], status="partial"), "h2")
    assert "resolved" not in _statuses(db).values()
    runs = orjson.loads(cli("runs", "--db", db, "--format", "json").stdout)["runs"]
    assert runs[0]["partial"] == 1 and runs[0]["records"] == 1


# ---- F20 / F21: review import


@pytest.fixture
def store(store_url):
    """A store with two open candidates of case K-1 (rule-a, rule-b), on each engine."""
    db = store_url
    _run(db, _line("K-1", [("rule-a", 1), ("rule-b", 2)]), "h1")
    return db


FP_A = fingerprint("K-1", "rule-a", "1", 1)
FP_B = fingerprint("K-1", "rule-b", "1", 2)


def decision(fp=FP_A, action="confirm", at="2024-05-01T10:00:00Z", **kw) -> dict:
    return {"format": "legality.decision/1", "fingerprint": fp, "action": action, "reason": "причина",
            "by": "другое ведомство", "at": at, **kw}


def test_far_future_decision_is_rejected_and_local_decisions_take_effect(store, tmp_path):
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    f = write_jsonl(tmp_path / "in.jsonl", [decision(at="9999-12-31T23:59:59Z"), decision(FP_B, at=soon)])
    res = cli("review", "import", f, "--db", store)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{f}:1: ошибка:" in res.stderr and "в будущем" in res.stderr and f"{f}:2" not in res.stderr
    assert {r["fingerprint"]: r["status"] for r in listed(store)}[FP_B] == "confirmed"
    # a reviewer here decides after the import: that decision is in effect, though dated before `soon`
    res = cli("review", "dismiss", FP_B[:10], "--reason", "срок верный", "--by", "Иванова", "--db", store)
    assert res.exit_code == 0, res.output
    assert {r["fingerprint"]: r["status"] for r in listed(store)}[FP_B] == "dismissed"


def test_a_decision_pinned_before_the_fix_no_longer_wins(store_url):
    """Also the back-fill of schema step 3 on each engine (`effective` at most the time of migration)."""
    db = store_url
    conn = raw_connect(db)
    migrate(conn, target=2)  # a store as the previous release left it, with a far-future import
    conn.execute("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                 " first_seen, last_seen, status, candidate) VALUES (?, 'K-1', 'rule-a', '1', 'high', 1, 1, 'x',"
                 " 'x', 'confirmed', '{}')", (FP_A,))
    conn.execute("INSERT INTO decisions (fingerprint, action, reason, by, at, origin) VALUES"
                 " (?, 'confirm', NULL, 'x', '9999-12-31T23:59:59.000000Z', 'import')", (FP_A,))
    conn.close()
    res = cli("review", "dismiss", FP_A, "--reason", "r", "--by", "Иванова", "--db", db)
    assert res.exit_code == 0, res.output
    assert listed(db)[0]["status"] == "dismissed"


def test_overflowing_time_is_one_bad_line(store, tmp_path):
    f = write_jsonl(tmp_path / "in.jsonl", [decision(at="0001-01-01T00:00:00+14:00"), decision(FP_B)])
    res = cli("review", "import", f, "--db", store)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{f}:1: ошибка: at:" in res.stderr and "решений добавлено: 1" in res.stderr
    assert {r["fingerprint"]: r["status"] for r in listed(store)}[FP_B] == "confirmed"


def test_import_parser_fuzz_never_crashes(store, tmp_path):
    rng = random.Random(11)
    weird = [None, True, 0, -1, 2**63, 2**64 - 1, 10**30, 1e308, -1e308, 1.5, "", "x", [], {}, [1], {"a": 1},
             "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30T00:00:00Z", "٢٠٢٤-٠٣-١٥",
             "2024-05-01T10:00:00\x00", "\u202e", "a" * 5000, "FFFFFFFFFFFFFFFFFFFF"]
    lines: list[bytes] = [b"\xff\xfe\x00garbage", b"\xc3\x28", b"{", b"[]", b"null", b"1e999999",
                          b"123456789012345678901234567890", b'{"at": 1}', b"\x00", "{\"by\": \"\ud800\"}".encode(
                              "utf-8", "surrogatepass")]
    for _ in range(300):
        d = decision(rng.choice([FP_A, FP_B]), rng.choice(["confirm", "dismiss"]))
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(["fingerprint", "action", "reason", "by", "at", "format", "extra"])
            if rng.random() < 0.3:
                d.pop(key, None)
            else:
                d[key] = rng.choice(weird)
        line = json.dumps(d, ensure_ascii=False).encode()  # stdlib: it writes integers of any size
        lines.append(line if rng.random() < 0.95 else line[: rng.randint(1, 40)])
    f = tmp_path / "fuzz.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    res = CliRunner().invoke(main, ["review", "import", str(f), "--db", str(store)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code in (0, 1) and "Traceback" not in res.output
    for n in range(1, 11):
        assert f"{f}:{n}: ошибка:" in res.stderr
    assert "отклонено строк:" in res.stderr
    for row in listed(store):  # what was accepted is well formed
        assert row["status"] in review.STATUSES


# ---- F22: workers die with a killed scan


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait(cond, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_scan(tmp_path):
    proc = subprocess.Popen(
        [LEG, "scan", "-", "--db", str(tmp_path / "s.db"), "-j", "2", "-f", "jsonl", "-o", str(tmp_path / "r.jsonl"),
         "--no-progress"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[int] = []
    try:
        def feed() -> None:  # stdin stays open: the scan is alive and waiting when it is killed
            try:
                for line in generate(3000):
                    proc.stdin.write(line + b"\n")
                proc.stdin.flush()
            except OSError:
                pass

        threading.Thread(target=feed, daemon=True).start()
        assert _wait(lambda: len(_children(proc.pid)) >= 2, 60), "the scan started no workers"
        workers = _children(proc.pid)
        proc.kill()
        proc.wait(timeout=10)
        assert _wait(lambda: not any(_alive(w) for w in workers), 5), "workers outlived the killed scan"
        # and nobody holds the stderr pipe any more: whoever reads the job's output sees the end
        done = threading.Event()
        threading.Thread(target=lambda: (proc.stderr.read(), done.set()), daemon=True).start()
        assert done.wait(5)
    finally:
        proc.kill()
        for w in workers:
            try:
                os.kill(w, signal.SIGKILL)
            except OSError:
                pass


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_portable_fallback_notices_the_parent_is_gone(tmp_path):
    """Where prctl is unavailable, the polling thread ends the worker (here forced on Linux)."""
    pidfile = tmp_path / "worker.pid"
    code = f"""
import os, time
from legality.scan import lifeline
lifeline._pdeathsig = lambda: False
if os.fork() == 0:
    lifeline.die_with_parent(os.getppid())
    open({str(pidfile)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        assert _wait(lambda: pidfile.exists() and pidfile.read_text().strip() != "", 20)
        worker = int(pidfile.read_text())
        assert _alive(worker)
        parent.kill()
        parent.wait(timeout=10)
        assert _wait(lambda: not _alive(worker), 5)
    finally:
        parent.kill()


# ---- F24: a store the user cannot write, and what a broken store is called


def _as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", LEG, *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def shared_dir():
    """A folder uid 65534 can reach (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="legality-ro-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


needs_root = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                                reason="runs a command as uid 65534 (needs root and setpriv)")


@needs_root
def test_read_only_commands_work_on_a_store_in_a_folder_we_cannot_write(shared_dir, pair):
    flagged, _ = pair
    rodir = shared_dir / "rodir"
    rodir.mkdir()
    db = rodir / "s.db"
    # written by separate processes, as the nightly job does: every connection closed, no journal left
    subprocess.run([LEG, "scan", str(write_jsonl(shared_dir / "a.jsonl", [flagged])), "--db", str(db), "-o",
                    str(shared_dir / "r.jsonl"), "--no-progress"], check=True, capture_output=True, timeout=120)
    fp = orjson.loads(subprocess.run([LEG, "review", "list", "--format", "jsonl", "--db", str(db)], check=True,
                                     capture_output=True, timeout=60).stdout.splitlines()[0])["fingerprint"]
    subprocess.run([LEG, "review", "confirm", fp, "--by", "Иванова", "--db", str(db)], check=True,
                   capture_output=True, timeout=60)
    rodir.chmod(0o755)
    db.chmod(0o644)
    before = sorted(p.name for p in rodir.iterdir())
    assert before == ["s.db"]

    for args in (["review", "list", "--format", "jsonl"], ["runs", "--format", "json"], ["stats", "--format", "json"],
                 ["review", "export"]):
        res = _as_nobody(*args, "--db", str(db), cwd=shared_dir)
        assert res.returncode == 0, (args, res.stderr)
        assert "Traceback" not in res.stderr
    assert fp in _as_nobody("review", "list", "--format", "jsonl", "--db", str(db), cwd=shared_dir).stdout
    assert '"confirm"' in _as_nobody("review", "export", "--db", str(db), cwd=shared_dir).stdout

    res = _as_nobody("review", "dismiss", fp, "--reason", "r", "--by", "x", "--db", str(db), cwd=shared_dir)
    assert res.returncode == 2 and "нет прав на запись" in res.stderr and "не является хранилищем" not in res.stderr
    assert sorted(p.name for p in rodir.iterdir()) == before  # nothing created beside the store

    # a writer still has it open (journal and its index present): read through them, see its latest commit
    holder = connect(db)
    holder.execute("UPDATE runs SET rules_version = 'still-open'")
    try:
        res = _as_nobody("runs", "--format", "json", "--db", str(db), cwd=shared_dir)
        assert res.returncode == 0, res.stderr
        assert "still-open" in res.stdout
    finally:
        holder.close()


@needs_root
def test_writable_folder_with_a_read_only_store_creates_no_foreign_files(shared_dir, pair):
    flagged, _ = pair
    db = shared_dir / "s.db"
    subprocess.run([LEG, "scan", str(write_jsonl(shared_dir / "a.jsonl", [flagged])), "--db", str(db), "-o",
                    str(shared_dir / "r.jsonl"), "--no-progress"], check=True, capture_output=True, timeout=120)
    shared_dir.chmod(0o777)
    db.chmod(0o444)
    res = _as_nobody("review", "list", "--format", "jsonl", "--db", str(db), cwd=shared_dir)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in shared_dir.iterdir() if p.stat().st_uid == 65534] == []


def test_damaged_and_foreign_stores_are_named_for_what_they_are(pair, tmp_path):
    flagged, _ = pair
    db = tmp_path / "s.db"
    assert scan_db(db, write_jsonl(tmp_path / "a.jsonl", [flagged])).exit_code == 0
    data = db.read_bytes()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(data[:100] + b"\x00" * 200 + data[300:1500])  # a truncated, overwritten store
    text = tmp_path / "notes.db"
    text.write_text("не база данных\n" * 200, encoding="utf-8")
    for path, words in ((damaged, "повреждено"), (text, "не является хранилищем legality")):
        for args in (["review", "list"], ["runs"], ["stats"], ["review", "export"]):
            res = cli(*args, "--db", path)
            assert res.exit_code == 2, (path, args, res.output)
            assert words in res.stderr and "Traceback" not in res.output, (path, args, res.stderr)


def test_full_disk_is_called_a_full_disk(tmp_path):
    db = tmp_path / "s.db"
    conn = connect(db, create=True)
    conn.execute("CREATE TABLE filler (x BLOB)")
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0] + 1}")
    with pytest.raises(sqlite3.Error) as err:
        conn.execute("INSERT INTO filler VALUES (zeroblob(1000000))")
    assert "нет места на диске" in describe(err.value, db)


@needs_root
def test_no_write_permission_is_named_when_a_scan_needs_the_store(shared_dir, pair):
    flagged, _ = pair
    export = write_jsonl(shared_dir / "a.jsonl", [flagged])
    res = _as_nobody("scan", str(export), "--db", str(shared_dir / "s.db"), "-f", "jsonl", cwd=shared_dir)
    assert res.returncode == 2 and f"нет прав на запись в каталог {shared_dir}" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr and not (shared_dir / "s.db").exists()
