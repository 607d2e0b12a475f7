"""`StoreState`: the `ScanState` hook backed by the store — skip, resume, new/known/resolved.

Why the decisions are made here and not in the scan: the scan only asks "evaluate this record?"
and "what do I output for this result?"; everything about history lives in one place.

Life of a candidate (by fingerprint): first seen → `new` (its `first_run` is this run); seen again in
a later run → `known`; a reviewer's `dismissed` / `confirmed` stays; a record of the same case that is
evaluated again and no longer shows it → `resolved` (seen again later → `known`).  A candidate first
seen by a run that never completed was never delivered, so the next run to see it reports it as new.

Resume: every committed record leaves a row in `run_records` (position, content hash, what was
output).  `--resume` reattaches to the interrupted run; those rows are re-emitted instead of being
evaluated, so the final output and store equal an uninterrupted run's.  Rows are dropped when the
run completes (the run keeps its counts).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .. import __version__
from ..report.model import Candidate, ReportLine
from ..scan.context import RecordContext
from ..scan.state import SKIP
from .db import StoreBusy, StoreError, connect, now
from .history import COUNTS, run_counts

log = logging.getLogger(__name__)

BATCH_RECORDS = 500
BATCH_SECONDS = 2.0
OPEN_STATUSES = ("new", "known")  # what a re-scan may resolve; reviewer decisions stay


def line_to_json(line: ReportLine) -> str:
    return orjson.dumps(line.to_json()).decode()


def line_from_json(text: str | bytes) -> ReportLine:
    d = orjson.loads(text)
    return ReportLine(
        case_id=d["case_id"], file=d["source"]["file"], line=d["source"]["line"], status=d["status"],
        candidates=[Candidate(**c) for c in d["candidates"]], errors=d["errors"],
        faults=d.get("faults") or [],
    )


def context_to_json(ctx: RecordContext | None) -> str | None:
    if ctx is None:
        return None
    return orjson.dumps([ctx.court_code, ctx.court_name, ctx.verdict_date, ctx.articles]).decode()


def context_from_json(text: str | None) -> RecordContext | None:
    if text is None:
        return None
    code, name, date, articles = orjson.loads(text)
    return RecordContext(code, name, date, tuple((oid, ref) for oid, ref in articles))


@dataclass(slots=True)
class _Done:
    """A record this run already committed (loaded when resuming)."""
    content_hash: str
    status: str  # flagged / clean / invalid / unchanged
    output: str | None
    context: str | None


def same_inputs(a: list[str], b: list[str]) -> bool:
    return [os.path.abspath(x) if x != "-" else x for x in a] == [os.path.abspath(x) if x != "-" else x for x in b]


class StoreState:
    """One scan run against the store at `path` (single writer; reviewers may write concurrently)."""

    def __init__(self, path: str | Path, *, new_only: bool = False, rescan: bool = False,
                 resume: bool = False, batch_records: int = BATCH_RECORDS,
                 batch_seconds: float = BATCH_SECONDS):
        self.path = Path(path)
        self.new_only = new_only
        self.rescan = rescan
        self.resume = resume
        self.batch_records = batch_records
        self.batch_seconds = batch_seconds
        self.conn: sqlite3.Connection | None = None
        self.run_id = 0
        self.resumed = False
        self.rules_version = ""
        self._evaluator = ""  # records.rules_version: the rules and the legality release that evaluated
        self._started = ""
        self._completed: set[int] = set()
        self._done: dict[tuple[str, int], _Done] = {}
        self._pending = 0
        self._batch_start = 0.0
        self._mid_record = False  # a record's writes are under way (not yet a whole unit)

    # ---- the hook

    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        self.conn = connect(self.path, create=True)
        # what makes an earlier evaluation reusable: the same rules and the same reader/validator
        self.rules_version = rules_version
        self._evaluator = f"{rules_version} legality/{__version__}"
        options = {**options, "new_only": self.new_only, "rescan": self.rescan, "legality": __version__}
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._settle_stale_runs()
            last = conn.execute(
                "SELECT id, status, rules_version, inputs, started, options FROM runs "
                "ORDER BY id DESC LIMIT 1").fetchone()
            if self.resume:
                if last is None or last[1] != "interrupted":
                    log.warning("хранилище %s: прерванного запуска нет; начинается новый запуск", self.path)
                elif last[2] != rules_version or orjson.loads(last[5]).get("legality") != __version__:
                    log.warning("хранилище %s: запуск %d прерван с другими правилами (версия %s); "
                                "начинается новый запуск", self.path, last[0], last[2])
                elif not same_inputs(orjson.loads(last[3]), inputs):
                    log.warning("хранилище %s: запуск %d прерван на других входных данных (%s); "
                                "начинается новый запуск", self.path, last[0], ", ".join(orjson.loads(last[3])))
                else:
                    self._reattach(last[0], last[4], orjson.loads(last[5]), options)
            if not self.resumed:
                self._started = now()
                cur = conn.execute(
                    "INSERT INTO runs (started, rules_version, inputs, options, status, host, pid) "
                    "VALUES (?, ?, ?, ?, 'running', ?, ?)",
                    (self._started, rules_version, orjson.dumps(list(inputs)).decode(),
                     orjson.dumps(options, option=orjson.OPT_SORT_KEYS, default=str).decode(),
                     socket.gethostname(), os.getpid()))
                self.run_id = int(cur.lastrowid)
            self._completed = {r[0] for r in conn.execute("SELECT id FROM runs WHERE status = 'completed'")}
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            conn.close()
            self.conn = None
            raise
        log.info("хранилище %s: запуск %d %s", self.path, self.run_id, "продолжен" if self.resumed else "начат")

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        self._maybe_commit()
        done = self._done.get((file, line))
        if done is not None and done.content_hash == content_hash:
            if done.status == "unchanged":
                return SKIP
            return self._stored_result(file, line, content_hash)
        if self.rescan:
            return None
        row = self._db.execute(
            "SELECT rules_version, scanned_run, status, report FROM records WHERE content_hash = ?",
            (content_hash,)).fetchone()
        if row is None or row[0] != self._evaluator or row[1] not in self._completed:
            return None
        self._mark_unchanged(file, line, content_hash, row[2], row[3])
        return SKIP

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        done = self._done.get((result.file, result.line))
        if done is None or done.content_hash != content_hash or done.status == "unchanged":
            raise StoreError(f"хранилище {self.path}: запись {result.file}:{result.line} не сохранена этим запуском")
        return (None if done.output is None else line_from_json(done.output)), context_from_json(done.context)

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        done = self._done.get((result.file, result.line))
        if done is not None and done.content_hash == content_hash and done.status != "unchanged":
            return self.replay(result, content_hash)[0]  # committed before the interruption
        self._begin()
        self._mid_record = True
        fresh: list[Candidate] = []
        for cand in result.candidates:
            is_fresh, status = self._see(cand, result.case_id)
            if is_fresh and status != "dismissed":
                fresh.append(cand)
        n_resolved = self._resolve(result)
        output = self._output(result, fresh)
        report = line_to_json(result)
        self._db.execute(
            "INSERT INTO records (content_hash, case_id, file, line, rules_version, scanned_run, last_run,"
            " status, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO UPDATE SET"
            " case_id = excluded.case_id, file = excluded.file, line = excluded.line,"
            " rules_version = excluded.rules_version, scanned_run = excluded.scanned_run,"
            " last_run = excluded.last_run, status = excluded.status, report = excluded.report",
            (content_hash, result.case_id, result.file, result.line, self._evaluator, self.run_id,
             self.run_id, result.status, report))
        out_json = None if output is None else (report if output is result else line_to_json(output))
        self._progress(result.file, result.line, content_hash, result.status,
                       len(result.candidates), len(fresh), n_resolved, out_json, context_to_json(context))
        return output

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        conn = self.conn
        if conn is None:
            return
        try:
            if conn.in_transaction and self._mid_record:
                conn.execute("ROLLBACK")  # interrupted inside a record: drop the whole batch, resume redoes it
            self._begin()
            counts = run_counts(conn, self.run_id)
            conn.execute(
                "UPDATE runs SET status = ?, finished = ?, summary = ?, records = ?, clean = ?, flagged = ?,"
                " invalid = ?, unchanged = ?, candidates = ?, new = ?, resolved = ? WHERE id = ?",
                ("completed" if completed else "interrupted", now(),
                 orjson.dumps(summary, option=orjson.OPT_SORT_KEYS, default=str).decode(),
                 *(counts[k] for k in COUNTS), self.run_id))
            if completed:
                conn.execute("DELETE FROM run_records WHERE run_id = ?", (self.run_id,))
            conn.execute("COMMIT")
        finally:
            conn.close()
            self.conn = None
        log.info("хранилище %s: запуск %d %s: проверено %d, без изменений %d, кандидатов %d, новых %d, "
                 "устранено %d", self.path, self.run_id, "завершён" if completed else "прерван", counts["records"],
                 counts["unchanged"], counts["candidates"], counts["new"], counts["resolved"])

    # ---- internals

    @property
    def _db(self) -> sqlite3.Connection:
        if self.conn is None:
            raise StoreError("хранилище не открыто (ScanState.open не вызван)")
        return self.conn

    def _settle_stale_runs(self) -> None:
        """A `running` run whose process is gone was killed: mark it interrupted (resumable)."""
        host = socket.gethostname()
        for run_id, run_host, pid in self._db.execute(
                "SELECT id, host, pid FROM runs WHERE status = 'running'").fetchall():
            if run_host == host and pid and _alive(pid) and pid != os.getpid():
                raise StoreBusy(
                    f"хранилище {self.path}: запуск {run_id} ещё выполняется (процесс {pid}); "
                    "в хранилище пишет только одно сканирование одновременно")
            self._db.execute("UPDATE runs SET status = 'interrupted' WHERE id = ?", (run_id,))

    def _reattach(self, run_id: int, started: str, old_options: dict, options: dict) -> None:
        self.run_id, self._started, self.resumed = run_id, started, True
        if orjson.dumps(old_options, option=orjson.OPT_SORT_KEYS, default=str) != orjson.dumps(
                options, option=orjson.OPT_SORT_KEYS, default=str):
            log.warning("хранилище %s: запуск %d продолжается с другими параметрами, чем был начат", self.path, run_id)
        self._db.execute("UPDATE runs SET status = 'running', host = ?, pid = ?, resumed = resumed + 1,"
                         " finished = NULL WHERE id = ?", (socket.gethostname(), os.getpid(), run_id))
        self._done = {
            (f, ln): _Done(h, st, out, ctx) for f, ln, h, st, out, ctx in self._db.execute(
                "SELECT file, line, content_hash, status, output, context FROM run_records WHERE run_id = ?",
                (run_id,))
        }
        log.warning("хранилище %s: продолжается запуск %d (уже сохранено записей: %d)", self.path, run_id, len(self._done))

    def _begin(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self._batch_start = time.monotonic()
            self._pending = 0

    def _maybe_commit(self) -> None:
        if self.conn is not None and self.conn.in_transaction and (
                self._pending >= self.batch_records or time.monotonic() - self._batch_start >= self.batch_seconds):
            self.conn.execute("COMMIT")

    def _progress(self, file: str, line: int, content_hash: str, status: str, n_candidates: int,
                  n_new: int, n_resolved: int, output: str | None, context: str | None = None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO run_records (run_id, file, line, content_hash, status, n_candidates,"
            " n_new, n_resolved, output, context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.run_id, file, line, content_hash, status, n_candidates, n_new, n_resolved, output, context))
        self._mid_record = False
        self._pending += 1
        self._maybe_commit()

    def _stored_result(self, file: str, line: int, content_hash: str) -> ReportLine:
        """The evaluation this run committed for the record (its source is where it was read now)."""
        row = self._db.execute("SELECT report FROM records WHERE content_hash = ?", (content_hash,)).fetchone()
        if row is None:  # cannot happen in a store written by this module; evaluate again rather than fail
            raise StoreError(f"хранилище {self.path}: для сохранённой записи {file}:{line} нет отчёта")
        result = line_from_json(row[0])
        result.file, result.line = file, line
        return result

    def _see(self, cand: Candidate, case_id: str | None) -> tuple[bool, str]:
        """Insert or update one candidate; (first seen by this run?, its status now)."""
        db, run = self._db, self.run_id
        body = orjson.dumps(cand.to_json()).decode()
        row = db.execute("SELECT status, first_run FROM candidates WHERE fingerprint = ?",
                         (cand.fingerprint,)).fetchone()
        if row is None:
            status = self._decided(cand.fingerprint) or "new"
            db.execute(
                "INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                " first_seen, last_seen, status, candidate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cand.fingerprint, case_id, cand.rule, cand.offence, cand.severity, run, run,
                 self._started, self._started, status, body))
            return True, status
        status, first = row
        if first != run and first not in self._completed:
            first = run  # first seen by a run that never completed: never delivered
        if status not in ("dismissed", "confirmed"):
            status = "new" if first == run else "known"
        db.execute(
            "UPDATE candidates SET status = ?, first_run = ?, first_seen = CASE WHEN first_run = ? THEN"
            " first_seen ELSE ? END, last_run = ?, last_seen = ?, severity = ?, candidate = ?"
            " WHERE fingerprint = ?",
            (status, first, first, self._started, run, self._started, cand.severity, body, cand.fingerprint))
        return first == run, status

    def _decided(self, fp: str) -> str | None:
        """A decision imported before the candidate was ever seen here (moved from another office)."""
        row = self._db.execute("SELECT action FROM decisions WHERE fingerprint = ? ORDER BY at DESC, id DESC"
                               " LIMIT 1", (fp,)).fetchone()
        return None if row is None else {"dismiss": "dismissed", "confirm": "confirmed"}[row[0]]

    def _resolve(self, result: ReportLine) -> int:
        """Open candidates of this case that the new evaluation no longer shows become `resolved`."""
        if result.case_id is None or result.status == "invalid":
            return 0  # an unreadable re-export proves nothing about a fix
        current = {c.fingerprint for c in result.candidates}
        gone = [fp for (fp,) in self._db.execute(
            f"SELECT fingerprint FROM candidates WHERE case_id = ? AND status IN {OPEN_STATUSES}",
            (result.case_id,)) if fp not in current]
        for fp in gone:
            self._db.execute("UPDATE candidates SET status = 'resolved' WHERE fingerprint = ?", (fp,))
        return len(gone)

    def _output(self, result: ReportLine, fresh: list[Candidate]) -> ReportLine | None:
        if not self.new_only or result.status != "flagged":
            return result
        if not fresh:
            return None
        if len(fresh) == len(result.candidates):
            return result
        return ReportLine(case_id=result.case_id, file=result.file, line=result.line, status=result.status,
                          candidates=fresh, errors=result.errors, faults=result.faults)

    def _mark_unchanged(self, file: str, line: int, content_hash: str, status: str, report: str) -> None:
        """An unchanged record still shows its candidates: they are seen again (→ known)."""
        self._begin()
        self._mid_record = True
        self._db.execute("UPDATE records SET last_run = ?, file = ?, line = ? WHERE content_hash = ?",
                         (self.run_id, file, line, content_hash))
        if status == "flagged":
            stored = line_from_json(report)
            for cand in stored.candidates:
                self._see(cand, stored.case_id)
        self._progress(file, line, content_hash, "unchanged", 0, 0, 0, None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
