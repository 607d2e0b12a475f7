"""`StoreState`: the `ScanState` hook backed by the store — skip, resume, new/known/resolved.

Why the decisions are made here and not in the scan: the scan only asks "evaluate this record?"
and "what do I output for this result?"; everything about history lives in one place.

Life of a candidate (by fingerprint): first seen → `new` (its `first_run` is this run); seen again in
a later run → `known`; a reviewer's `dismissed` / `confirmed` stays; a record of the same case and the
same defendant (`person_id`: co-defendants share the case id) that is evaluated again, with the rule
running to the end, and no longer shows it → `resolved` (seen again later → `known`).  What a record of
this run showed is never resolved by another record of the same run: the batch may hold an old and a
corrected export of one verdict, and the report has just delivered the finding.  A candidate first
seen by a run that never completed was never delivered, so the next run to see it reports it as new.

The same on PostgreSQL (issue 16): the statements are the store's common SQL; a batch is sent in
one round trip (`dialect.pipeline`), and a session advisory lock keeps a second scan out.

Resume: every committed record leaves a row in `run_records` (position, content hash, what was
output).  `--resume` reattaches to the interrupted run; those rows are re-emitted instead of being
evaluated, so the final output and store equal an uninterrupted run's.  Rows are dropped when the
run completes (the run keeps its counts).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import orjson

from .. import __version__
from ..i18n import _
from ..result.candidate import Candidate
from ..result.coverage import coverage_from_json
from ..report.model import ReportLine, line_to_json
from ..report.context import RecordContext, context_from_json
from ..scan.state import AS_IS, SKIP, Evaluated, Found, evaluated_of, found_of
from .db import StoreBusy, StoreError, connect, dialect_of, now, shown
from .dialect import POSTGRESQL, is_postgres_url, pipeline, sqlite_path
from .history import COUNTS, duplicate_cases, run_counts
from .review import latest_decisions
from .schema import queue_columns

log = logging.getLogger(__name__)

BATCH_RECORDS = 500
BATCH_SECONDS = 2.0
SCAN_LOCK = 0x7363616E  # PostgreSQL advisory lock key ("scan"), held by the one scan writing the store
SCAN_LOCK_WAIT = 10.0  # seconds a scan waits for the lock of a scan that was just killed
OPEN_STATUSES = ("new", "known")  # what a re-scan may resolve; reviewer decisions stay
REVIEWED = ("dismissed", "confirmed")
# `run_records.output` of a record whose output is its own report: that report is `records.report` (same
# content hash), so it is not written a second time.  Why: with the report twice, a record's two rows
# were about 1 KB of JSON, and writing the second copy was a third of the store's work per record in a
# scan's main process (12 of 37 µs; docs/scale.md «Sixth round»).  No JSON text is empty, so "" can mean
# nothing else; a resumed run reads the report back from `records` (`replay`).  Only this release
# resumes its own runs (`open`: another legality version starts a new run), so no older reader meets it.
AS_RECORDED = ""
_PREFETCH_PARAMS = 500  # hashes per query: within the parameter limit of every SQLite build
_LATEST_DECISION = ("SELECT CASE action WHEN 'dismiss' THEN 'dismissed' ELSE 'confirmed' END FROM decisions"
                    " WHERE fingerprint = ? ORDER BY effective DESC, id DESC LIMIT 1")
# findings (`_prefetch_candidates`) and reports (`_prefetch_reports`) read ahead and kept at most: a bound on memory only
_READ_AHEAD_KEPT = 100_000
_UNREAD = object()  # `_current`: a candidate not read ahead


def line_from_json(text: str | bytes) -> ReportLine:
    d = orjson.loads(text)
    return ReportLine(
        case_id=d["case_id"], file=d["source"]["file"], line=d["source"]["line"], status=d["status"],
        candidates=[Candidate.from_json(c) for c in d["candidates"]], errors=d["errors"],
        faults=d.get("faults") or [], coverage=coverage_from_json(d.get("coverage")),
    )


@dataclass(slots=True)
class _Cand:
    """A candidate as the uncommitted batch leaves it."""
    status: str
    first_run: int
    case_id: str | None
    person_id: str | None = None


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
    """One scan run against the store at `path` (a file, or a URL: `db.connect`) — a single writer;
    reviewers may write concurrently."""

    def __init__(self, path: str | os.PathLike[str], *, new_only: bool = False, rescan: bool = False,
                 resume: bool = False, batch_records: int = BATCH_RECORDS,
                 batch_seconds: float = BATCH_SECONDS):
        text = os.fspath(path)
        self.path: str | Path = text if is_postgres_url(text) else Path(sqlite_path(text))
        self.where = shown(text)  # what messages and logs name: never a URL's password
        self.new_only = new_only
        self.rescan = rescan
        self.resume = resume
        self.batch_records = batch_records
        self.batch_seconds = batch_seconds
        self.conn: Any = None
        self.run_id = 0
        self.resumed = False
        self.rules_version = ""
        self._evaluator = ""  # records.rules_version: the rules and the legality release that evaluated
        self._started = ""
        self._completed: set[int] = set()
        self._done: dict[tuple[str, int], _Done] = {}
        # the batch not yet committed: statements in order, and what they will have changed
        self._ops: list[tuple[str, tuple]] = []
        self._cands: dict[str, _Cand] = {}
        self._pending = 0
        self._batch_start = 0.0
        self._record_mark = -1  # index in _ops where the record being written began (-1: none)
        self._known: dict[str, tuple | None] = {}  # `prefetch`: the stored row of each hash (None: none)
        # `before_records`: the open candidates of each case id of the lines about to be recorded
        self._open: dict[str, list[tuple[str | None, str, str, int, int]]] = {}
        self._touched: set[str] = set()  # every fingerprint this run has queued a write for
        # `_prefetch_candidates`: each candidate's stored row as read ahead (None: the store has none) and, for
        # one the store has none of, its latest imported decision (None: none)
        self._stored: dict[str, _Cand | None] = {}
        self._decisions: dict[str, str | None] = {}
        # `--resume`: the content hashes the interrupted run committed (not as unchanged), and the stored
        # reports of some of them read ahead (`_prefetch_reports`)
        self._resumed_hashes: set[str] = set()
        self._reports: dict[str, str] = {}

    # ---- the hook

    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        self.conn = connect(self.path, create=True)
        # what makes an earlier evaluation reusable: the same rules and the same reader/validator
        self.rules_version = rules_version
        self._evaluator = f"{rules_version} legality/{__version__}"
        options = {**options, "new_only": self.new_only, "rescan": self.rescan, "legality": __version__}
        conn = self.conn
        if dialect_of(conn) == POSTGRESQL:
            self._lock_scan()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._settle_stale_runs()
            last = conn.execute(
                "SELECT id, status, rules_version, inputs, started, options FROM runs "
                "ORDER BY id DESC LIMIT 1").fetchone()
            if self.resume:
                if last is None or last[1] != "interrupted":
                    log.warning(_("хранилище {path}: прерванного запуска нет; начинается новый запуск").format(
                        path=self.where))
                elif last[2] != rules_version or orjson.loads(last[5]).get("legality") != __version__:
                    log.warning(_("хранилище {path}: запуск {run} прерван с другими правилами (версия {version}); "
                                  "начинается новый запуск").format(path=self.where, run=last[0], version=last[2]))
                elif "lang" in options and orjson.loads(last[5]).get("lang", "ru") != options["lang"]:
                    # its stored lines are written in the other language: replayed, they would mix two
                    # languages in one report
                    log.warning(_("хранилище {path}: запуск {run} прерван с отчётом на другом языке; "
                                  "начинается новый запуск").format(path=self.where, run=last[0]))
                elif not same_inputs(orjson.loads(last[3]), inputs):
                    log.warning(_("хранилище {path}: запуск {run} прерван на других входных данных ({inputs}); "
                                  "начинается новый запуск").format(path=self.where, run=last[0],
                                                                    inputs=", ".join(orjson.loads(last[3]))))
                else:
                    self._reattach(last[0], last[4], orjson.loads(last[5]), options)
            if not self.resumed:
                self._started = now()
                cur = conn.execute(
                    "INSERT INTO runs (started, rules_version, inputs, options, status, host, pid) "
                    "VALUES (?, ?, ?, ?, 'running', ?, ?) RETURNING id",
                    (self._started, rules_version, orjson.dumps(list(inputs)).decode(),
                     orjson.dumps(options, option=orjson.OPT_SORT_KEYS, default=str).decode(),
                     socket.gethostname(), os.getpid()))
                self.run_id = int(cur.fetchone()[0])
                self._retire_interrupted()
            self._completed = {r[0] for r in conn.execute("SELECT id FROM runs WHERE status = 'completed'")}
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            conn.close()
            self.conn = None
            raise
        log.info((_("хранилище {path}: запуск {run} продолжен") if self.resumed
                  else _("хранилище {path}: запуск {run} начат")).format(path=self.where, run=self.run_id))

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        self._maybe_flush()
        done = self._done.get((file, line))
        if done is not None and done.content_hash == content_hash:
            if done.status == "unchanged":
                return SKIP
            return self._stored_result(file, line, content_hash)
        if self.rescan:
            return None
        if content_hash in self._known:
            row = self._known[content_hash]
        else:
            row = self._db.execute(
                "SELECT rules_version, scanned_run, status, report, case_id FROM records WHERE content_hash = ?",
                (content_hash,)).fetchone()
        if row is None or row[0] != self._evaluator or row[1] not in self._completed:
            return None
        self._mark_unchanged(file, line, content_hash, row[2], row[3], row[4])
        return SKIP

    def prefetch(self, hashes: list[str]) -> None:
        """The stored rows of the next records to be looked up, read in one query (`scan.pipeline.plan`
        tells each group of hashes before their lookups; a lookup outside the group asks alone).

        Why: one query per record was 6–7 µs of the main process per record.  Why the answers stay the
        same although a row may be written between this read and the lookup: the only writer is this
        run, and a row it writes names this run (`scanned_run`), which is not completed, so `lookup`
        answers "evaluate" for it — as it does for a row absent here or evaluated by other rules; a row
        this run only marks unchanged keeps its answer (`last_run` is not read)."""
        self._known = {}
        if self._resumed_hashes:
            self._prefetch_reports(hashes)
        if self.rescan:
            return
        wanted = sorted(set(hashes))
        # the report only of a flagged record: nothing else of it is read (`_mark_unchanged`)
        shown: list[str] = []  # the candidates of the flagged records that are unchanged: seen again (`_mark_unchanged`)
        for h, *row in self._rows_in(
                "SELECT content_hash, rules_version, scanned_run, status, CASE WHEN status = 'flagged' THEN report END,"
                " case_id FROM records WHERE content_hash IN ({marks})", wanted):
            if row[3] is not None and row[0] == self._evaluator and row[1] in self._completed:
                row[3] = line_from_json(row[3])  # read once, here: `_mark_unchanged` takes it as it is
                shown.extend(c.fingerprint for c in row[3].candidates)
            self._known[h] = tuple(row)
        for h in wanted:
            self._known.setdefault(h, None)
        self._prefetch_candidates(shown)

    def _prefetch_reports(self, hashes: list[str]) -> None:
        """The stored reports of the records of `hashes` that the interrupted run committed (`--resume`), read
        in one query per 500: what `_stored_result` reads for each of them, twice (`lookup` answers with the
        report, `replay` outputs it).

        Why: one query each was two round trips per resumed record on PostgreSQL — a resume of 24,000
        committed records of 50,000 took 48,000 queries and longer than a whole new scan.  Why the text read
        ahead is the text `_stored_result` would read: this run writes a record's report only when it
        evaluates that content again (`record`), which drops the text read ahead.  Texts are dropped once
        replayed, and all of them beyond `_READ_AHEAD_KEPT` (a bound on memory only)."""
        if len(self._reports) > _READ_AHEAD_KEPT:
            self._reports.clear()
        wanted = sorted({h for h in hashes if h in self._resumed_hashes and h not in self._reports})
        for h, report in self._rows_in("SELECT content_hash, report FROM records WHERE content_hash IN ({marks})",
                                       wanted):
            self._reports[h] = report

    def before_records(self, lines: Sequence[ReportLine | Evaluated]) -> None:
        """The open candidates of every case the next `record` calls will name, read in one query per 500
        cases (`scan.run.emit` tells a chunk's evaluated lines first), for `_resolve`.

        Why: `_resolve` asked the store once per evaluated record — 9 % of a `--db` scan's main process on
        SQLite, and a round trip per record on PostgreSQL.  Why the answer is the same although this run
        writes between this read and a record's turn: what it writes about a candidate (seen → `last_run`
        is this run; resolved → no longer open) makes `_resolve` skip that candidate either way, and every
        candidate it has written is in `_touched`, which the rows read here are checked against.  A row
        also written by this run before an interruption names this run (`last_run`), as before.  A reviewer
        deciding in between is as before too: the statement re-checks the status when it runs."""
        cases = sorted({ln.case_id for ln in lines if ln.case_id is not None and ln.status != "invalid"})
        found: dict[str, list[tuple[str | None, str, str, int, int]]] = {c: [] for c in cases}
        for case_id, pid, fp, rule, first_run, last_run in self._rows_in(
                "SELECT case_id, person_id, fingerprint, rule, first_run, last_run FROM candidates"
                f" WHERE case_id IN ({{marks}}) AND status IN {OPEN_STATUSES}", cases):
            found[case_id].append((pid, fp, rule, first_run, last_run))
        self._open = found
        self._prefetch_candidates(c.fingerprint for ln in lines for c in ln.candidates)

    def _prefetch_candidates(self, fps: Iterable[str]) -> None:
        """The stored rows of the candidates the next records will show, read in one query per 500, and for
        those the store has never seen, their latest imported decision (one more query per 500): what
        `_current` and `_decided` would ask the store one candidate at a time.

        Why: those were one query per candidate the scan sees, and two for one it has never seen — on
        PostgreSQL a round trip each: on 10,000 records of the generated mix, 1,160 of a first scan's 1,349
        round trips outside its batches of writes, and 580 of a re-scan's 657.  Why an answer read ahead is
        the answer `_current` would read later: a candidate's row and its imported decisions change during the
        run only by this run — whose every candidate written is in `_touched` and is never answered from here
        (`_current` reads it from the batch not yet committed or from the store, as before) — or by a reviewer,
        who changes a status or adds a decision at any moment, so that a decision made while the scan runs
        could always fall just after the read; the statements re-check the status when they run, and never
        overwrite a decision (`_see`).  Entries are dropped only to bound memory (`_READ_AHEAD_KEPT`)."""
        if len(self._stored) > _READ_AHEAD_KEPT:
            self._stored.clear()
            self._decisions.clear()
        wanted = sorted({fp for fp in fps if fp not in self._touched and fp not in self._stored})
        if not wanted:
            return
        for fp, *row in self._rows_in("SELECT fingerprint, status, first_run, case_id, person_id FROM candidates"
                                      " WHERE fingerprint IN ({marks})", wanted):
            self._stored[fp] = _Cand(*row)
        unseen = [fp for fp in wanted if fp not in self._stored]
        for fp in unseen:
            self._stored[fp] = None
        latest = latest_decisions(self._db, unseen)  # the decision `_LATEST_DECISION` takes, as its status
        for fp in unseen:
            d = latest.get(fp)
            self._decisions[fp] = None if d is None else "dismissed" if d.action == "dismiss" else "confirmed"

    def _rows_in(self, sql: str, values: list[str]) -> Iterator[tuple]:
        """The rows of `sql`, whose `IN ({marks})` is filled with `values`, `_PREFETCH_PARAMS` at a time."""
        for start in range(0, len(values), _PREFETCH_PARAMS):
            part = values[start:start + _PREFETCH_PARAMS]
            yield from self._db.execute(sql.format(marks=", ".join("?" * len(part))), part)

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        return self._replayed(result.file, result.line, content_hash)

    def _replayed(self, file: str, line: int, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        done = self._done.get((file, line))
        if done is None or done.content_hash != content_hash or done.status == "unchanged":
            raise StoreError(_("хранилище {path}: запись {file}:{line} не сохранена этим запуском").format(
                path=self.where, file=file, line=line))
        if done.output is None:
            output = None
        elif done.output == AS_RECORDED:  # what was output is the record's own report, kept once in `records`
            output = self._stored_result(file, line, content_hash)
            self._reports.pop(content_hash, None)  # its last reader
        else:
            output = line_from_json(done.output)
        return output, context_from_json(done.context)

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        output = self._recorded(evaluated_of(result, context), content_hash, result)
        if output is AS_IS:
            return result
        assert not isinstance(output, str)
        return output

    def record_evaluated(self, evaluated: Evaluated, content_hash: str, line: ReportLine | None = None
                         ) -> ReportLine | str | None:
        """`record` of what a worker made of the record (`scan.state.Evaluated`); `line`: its line object, if
        sent.  Returns `AS_IS`, None or the line to output instead (`ScanState.record`)."""
        return self._recorded(evaluated, content_hash, line)

    def _recorded(self, ev: Evaluated, content_hash: str, line: ReportLine | None) -> ReportLine | str | None:
        done = self._done.get((ev.file, ev.line))
        if done is not None and done.content_hash == content_hash and done.status != "unchanged":
            return self._replayed(ev.file, ev.line, content_hash)[0]  # committed before the interruption
        self._record_mark = len(self._ops)
        self._reports.pop(content_hash, None)  # its stored report is written again below
        person, ctx_json = ev.person_id, ev.context
        fresh: list[int] = []  # the candidates first shown by this run (positions in the line)
        for i, found in enumerate(ev.candidates):
            is_fresh, status = self._see(found, ev.case_id, person, ctx_json)
            if is_fresh and status != "dismissed":
                fresh.append(i)
        n_resolved = self._resolve(ev)
        output = self._output(ev, fresh, line)
        self._ops.append((
            "INSERT INTO records (content_hash, case_id, file, line, rules_version, scanned_run, last_run,"
            " status, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO UPDATE SET"
            " case_id = excluded.case_id, file = excluded.file, line = excluded.line,"
            " rules_version = excluded.rules_version, scanned_run = excluded.scanned_run,"
            " last_run = excluded.last_run, status = excluded.status, report = excluded.report",
            (content_hash, ev.case_id, ev.file, ev.line, self._evaluator, self.run_id,
             self.run_id, ev.status, ev.report)))
        if output is None or output is AS_IS:
            out_json = None if output is None else AS_RECORDED
        else:
            assert not isinstance(output, str)
            out_json = line_to_json(output)
        self._progress(ev.file, ev.line, content_hash, ev.status, len(ev.candidates), len(fresh), n_resolved,
                       out_json, ctx_json, case_id=ev.case_id, checked=ev.checked)
        return output

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        conn = self.conn
        if conn is None:
            return
        if self._record_mark >= 0:  # interrupted while queueing a record: drop it, resume redoes it
            del self._ops[self._record_mark:]
        try:
            conn.execute("BEGIN IMMEDIATE")
            with pipeline(conn):
                for sql, args in self._ops:
                    conn.execute(sql, args)
            counts = run_counts(conn, self.run_id)
            duplicates = duplicate_cases(conn, self.run_id)
            conn.execute(
                "UPDATE runs SET status = ?, finished = ?, summary = ?, records = ?, clean = ?, flagged = ?,"
                " invalid = ?, partial = ?, unchanged = ?, candidates = ?, new = ?, resolved = ?, checked_full = ?,"
                " checked_partial = ?, checked_none = ? WHERE id = ?",
                ("completed" if completed else "interrupted", now(),
                 orjson.dumps(summary, option=orjson.OPT_SORT_KEYS, default=str).decode(),
                 *(counts[k] for k in COUNTS), self.run_id))
            if completed:
                conn.execute("DELETE FROM run_records WHERE run_id = ?", (self.run_id,))
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            self.conn = None
            self._ops.clear()
        if duplicates:
            shown = ", ".join(c for c, _n in duplicates[:10]) + (", …" if len(duplicates) > 10 else "")
            log.warning(_("номера дел, которые встречаются в нескольких записях партии: {cases} (записей: {records}): "
                          "{shown}. Находки каждой записи учитываются по её подсудимому; если это повторная выгрузка "
                          "одного приговора, проверьте, какая запись верна").format(
                cases=len(duplicates), records=sum(n for _c, n in duplicates), shown=shown))
        done = (_("хранилище {path}: запуск {run} завершён: проверено {records}, без изменений {unchanged}, "
                  "кандидатов {candidates}, новых {new}, устранено {resolved}") if completed else
                _("хранилище {path}: запуск {run} прерван: проверено {records}, без изменений {unchanged}, "
                  "кандидатов {candidates}, новых {new}, устранено {resolved}"))
        log.info(done.format(path=self.where, run=self.run_id, records=counts["records"], unchanged=counts["unchanged"],
                             candidates=counts["candidates"], new=counts["new"], resolved=counts["resolved"]))

    def status_of(self, fingerprint: str) -> str | None:
        """A candidate's status as this run leaves it (new / known / dismissed / confirmed / resolved),
        None if the store has never seen it: the «Статус» column of the human formats (`scan --db`).
        Valid while the run is open (the formats write before `close`)."""
        cand = self._current(fingerprint)
        return None if cand is None else cand.status

    # ---- internals

    @property
    def _db(self) -> Any:
        if self.conn is None:
            raise StoreError(_("хранилище не открыто (ScanState.open не вызван)"))
        return self.conn

    def _lock_scan(self) -> None:
        """PostgreSQL: the run holds a session advisory lock until its connection closes, so a scan on
        another computer is refused as surely as one on this computer (SQLite's check below looks at
        process ids, which only this computer can).  A killed scan's server session ends with its
        socket, releasing the lock; the server may take a moment to notice, hence the short wait."""
        deadline = time.monotonic() + SCAN_LOCK_WAIT
        while not self._db.execute("SELECT pg_try_advisory_lock(?)", (SCAN_LOCK,)).fetchone()[0]:
            if time.monotonic() >= deadline:
                row = self._db.execute("SELECT id, host FROM runs WHERE status = 'running' ORDER BY id DESC"
                                       " LIMIT 1").fetchone()
                self._db.close()
                self.conn = None
                raise StoreBusy(
                    _("хранилище {path}: в него уже пишет другое сканирование (запуск {run}, компьютер {host}); "
                      "в хранилище пишет только одно сканирование одновременно").format(
                        path=self.where, run=row[0] if row else "?", host=row[1] if row else "?"))
            time.sleep(0.2)

    def _settle_stale_runs(self) -> None:
        """A `running` run whose process is gone was killed: mark it interrupted (resumable).  On
        PostgreSQL this scan holds the scan lock (`_lock_scan`), so every `running` run is such a one."""
        host = socket.gethostname()
        for run_id, run_host, pid in self._db.execute(
                "SELECT id, host, pid FROM runs WHERE status = 'running'").fetchall():
            live_here = run_host == host and pid and _alive(pid) and pid != os.getpid()
            if live_here and dialect_of(self._db) != POSTGRESQL:
                raise StoreBusy(
                    _("хранилище {path}: запуск {run} ещё выполняется (процесс {pid}); "
                      "в хранилище пишет только одно сканирование одновременно").format(path=self.where, run=run_id,
                                                                                        pid=pid))
            self._db.execute("UPDATE runs SET status = 'interrupted' WHERE id = ?", (run_id,))

    def _retire_interrupted(self) -> None:
        """Only the latest run can be resumed: older interrupted runs keep their counts, not their progress."""
        for (run_id,) in self._db.execute("SELECT DISTINCT run_id FROM run_records WHERE run_id != ?",
                                          (self.run_id,)).fetchall():
            counts = run_counts(self._db, run_id)
            self._db.execute(f"UPDATE runs SET {', '.join(f'{k} = ?' for k in COUNTS)} WHERE id = ?",
                             (*(counts[k] for k in COUNTS), run_id))
            self._db.execute("DELETE FROM run_records WHERE run_id = ?", (run_id,))

    def _reattach(self, run_id: int, started: str, old_options: dict, options: dict) -> None:
        self.run_id, self._started, self.resumed = run_id, started, True
        if orjson.dumps(old_options, option=orjson.OPT_SORT_KEYS, default=str) != orjson.dumps(
                options, option=orjson.OPT_SORT_KEYS, default=str):
            log.warning(_("хранилище {path}: запуск {run} продолжается с другими параметрами, чем был начат").format(
                path=self.where, run=run_id))
        self._db.execute("UPDATE runs SET status = 'running', host = ?, pid = ?, resumed = resumed + 1,"
                         " finished = NULL WHERE id = ?", (socket.gethostname(), os.getpid(), run_id))
        self._done = {
            (f, ln): _Done(h, st, out, ctx) for f, ln, h, st, out, ctx in self._db.execute(
                "SELECT file, line, content_hash, status, output, context FROM run_records WHERE run_id = ?",
                (run_id,))
        }
        self._resumed_hashes = {d.content_hash for d in self._done.values() if d.status != "unchanged"}
        log.warning(_("хранилище {path}: продолжается запуск {run} (уже сохранено записей: {saved})").format(
            path=self.where, run=run_id, saved=len(self._done)))

    def flush(self) -> None:
        """Commit the batch in one short transaction: reviewers wait for the lock milliseconds, not seconds.
        On PostgreSQL the transaction, its BEGIN and COMMIT included, is one round trip (`pipeline`); a
        statement that fails there skips the rest, COMMIT too, and the error is raised as the block ends."""
        if not self._ops:
            return
        db = self._db
        try:
            with pipeline(db):
                db.execute("BEGIN IMMEDIATE")
                for sql, args in self._ops:
                    db.execute(sql, args)
                db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # not when BEGIN itself failed (a store busy for too long)
                db.execute("ROLLBACK")
            raise
        self._ops.clear()
        self._cands.clear()
        self._pending = 0

    def _maybe_flush(self) -> None:
        if self._ops and (self._pending >= self.batch_records
                          or time.monotonic() - self._batch_start >= self.batch_seconds):
            self.flush()

    def _progress(self, file: str, line: int, content_hash: str, status: str, n_candidates: int,
                  n_new: int, n_resolved: int, output: str | None, context: str | None = None, *,
                  case_id: str | None = None, checked: str | None = None) -> None:
        self._ops.append((
            "INSERT INTO run_records (run_id, file, line, content_hash, status, n_candidates,"
            " n_new, n_resolved, output, context, case_id, checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (run_id, file, line) DO UPDATE SET content_hash = excluded.content_hash,"
            " status = excluded.status, n_candidates = excluded.n_candidates, n_new = excluded.n_new,"
            " n_resolved = excluded.n_resolved, output = excluded.output, context = excluded.context,"
            " case_id = excluded.case_id, checked = excluded.checked",
            (self.run_id, file, line, content_hash, status, n_candidates, n_new, n_resolved, output, context,
             case_id, checked)))
        if self._pending == 0:
            self._batch_start = time.monotonic()
        self._pending += 1
        self._record_mark = -1
        self._maybe_flush()

    def _stored_result(self, file: str, line: int, content_hash: str) -> ReportLine:
        """The evaluation this run committed for the record (its source is where it was read now)."""
        text = self._reports.get(content_hash)  # read ahead (`_prefetch_reports`)
        row = (text,) if text is not None else \
            self._db.execute("SELECT report FROM records WHERE content_hash = ?", (content_hash,)).fetchone()
        if row is None:  # cannot happen in a store written by this module; evaluate again rather than fail
            raise StoreError(_("хранилище {path}: для сохранённой записи {file}:{line} нет отчёта").format(
                path=self.where, file=file, line=line))
        result = line_from_json(row[0])
        result.file, result.line = file, line
        return result

    def _current(self, fp: str) -> _Cand | None:
        """The candidate as the committed store plus the uncommitted batch have it."""
        cand = self._cands.get(fp)
        if cand is not None:
            return cand
        if fp not in self._touched:
            ahead = self._stored.get(fp, _UNREAD)  # read ahead (`_prefetch_candidates`)
            if ahead is not _UNREAD:
                return ahead  # type: ignore[return-value]
        row = self._db.execute("SELECT status, first_run, case_id, person_id FROM candidates WHERE fingerprint = ?",
                               (fp,)).fetchone()
        return None if row is None else _Cand(*row)

    def _remember(self, fp: str, cand: _Cand) -> None:
        self._cands[fp] = cand
        self._touched.add(fp)

    def _see(self, cand: Found, case_id: str | None, person_id: str | None = None,
             context: str | None = None) -> tuple[bool, str]:
        """Insert or update one candidate; (first seen by this run?, its status now).  `context`: its
        record's context as JSON (`review list` shows the court and article); None keeps the stored one.

        The statements re-check reviewer statuses when they run: a reviewer may decide between this
        read and the batch's commit, and a decision is never overwritten by a scan.
        """
        run, fp, body = self.run_id, cand.fingerprint, cand.body
        current = self._current(fp)
        columns = queue_columns(context, cand.offence)  # court, region, judge, verdict date, article
        if current is None:
            status = self._decided(fp) or "new"
            self._ops.append((
                "INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                " first_seen, last_seen, status, candidate, person_id, context, court, region, judge, verdict_date,"
                " article, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                f" coalesce(({_LATEST_DECISION}), 'new'), ?, ?, ?, ?, ?, ?, ?, ?,"
                " (SELECT count(*) FROM decisions WHERE fingerprint = ?))",
                (fp, case_id, cand.rule, cand.offence, cand.severity, run, run, self._started, self._started,
                 fp, body, person_id, context, *columns, fp)))
            self._remember(fp, _Cand(status, run, case_id, person_id))
            return True, status
        status, first = current.status, current.first_run
        if first != run and first not in self._completed:
            first = run  # first seen by a run that never completed: never delivered
        if status not in REVIEWED:
            status = "new" if first == run else "known"
        self._ops.append((
            "UPDATE candidates SET status = CASE WHEN status IN ('dismissed', 'confirmed') THEN status ELSE ? END,"
            " first_seen = CASE WHEN first_run = ? THEN first_seen ELSE ? END, first_run = ?, last_run = ?,"
            " last_seen = ?, severity = ?, candidate = ?, person_id = coalesce(?, person_id),"
            " context = coalesce(?, context), court = CASE WHEN ? THEN ? ELSE court END,"
            " region = CASE WHEN ? THEN ? ELSE region END, judge = CASE WHEN ? THEN ? ELSE judge END,"
            " verdict_date = CASE WHEN ? THEN ? ELSE verdict_date END,"
            " article = CASE WHEN ? THEN ? ELSE article END WHERE fingerprint = ?",
            (status, first, self._started, first, run, self._started, cand.severity, body, person_id, context,
             *(x for col in columns for x in (context is not None, col)), fp)))
        self._remember(fp, _Cand(status, first, case_id, person_id or current.person_id))
        return first == run, status

    def _decided(self, fp: str) -> str | None:
        """A decision imported before the candidate was ever seen here (moved from another office)."""
        if fp not in self._touched and fp in self._decisions:  # read ahead (`_prefetch_candidates`)
            return self._decisions[fp]
        row = self._db.execute(_LATEST_DECISION, (fp,)).fetchone()
        return None if row is None else row[0]

    def _resolve(self, ev: Evaluated) -> int:
        """Open candidates of this defendant that the new evaluation no longer shows become `resolved`.

        Only what the evaluation could check again: nothing from an invalid record, nothing of a rule
        that faulted on it or that a coverage gap left undetermined (a fault naming no rule: nothing at
        all: `Evaluated.unresolvable`), and nothing this run has seen (another record of the batch shows
        it).  A candidate recorded before defendants were told apart (no `person_id`) waits until its
        record shows it again.
        """
        if ev.case_id is None or ev.status == "invalid":
            return 0  # an unreadable re-export proves nothing about a fix
        unresolvable = ev.unresolvable
        if unresolvable is None:
            return 0  # a check a rule could not finish, and we do not know which rule: proves nothing
        person_id = ev.person_id
        current = {c.fingerprint for c in ev.candidates}
        told = self._open.get(ev.case_id)
        if told is not None:  # read with the chunk's other cases (`before_records`)
            rows = [(fp, rule, first_run, last_run) for pid, fp, rule, first_run, last_run in told if pid == person_id]
        else:
            rows = self._db.execute(
                "SELECT fingerprint, rule, first_run, last_run FROM candidates WHERE case_id = ? AND person_id IS ?"
                f" AND status IN {OPEN_STATUSES}", (ev.case_id, person_id)).fetchall()
        # a candidate this run wrote (`_touched`: seen, or resolved already) is never resolved here
        gone = sorted((fp, first_run) for fp, rule, first_run, last_run in rows
                      if fp not in current and fp not in self._touched and last_run != self.run_id
                      and rule not in unresolvable)
        for fp, first_run in gone:
            self._ops.append((f"UPDATE candidates SET status = 'resolved' WHERE fingerprint = ?"
                              f" AND status IN {OPEN_STATUSES}", (fp,)))
            self._remember(fp, _Cand("resolved", first_run, ev.case_id, person_id))
        return len(gone)

    def _output(self, ev: Evaluated, fresh: list[int], line: ReportLine | None) -> ReportLine | str | None:
        """What the report shows of an evaluated record: `AS_IS`, nothing, or (`--new-only`) the line with
        only the candidates first shown by this run."""
        if not self.new_only or ev.status != "flagged" or len(fresh) == len(ev.candidates):
            return AS_IS
        if not fresh:
            return None
        if line is None:  # a worker sends the line of every record with candidates; a caller may not
            line = line_from_json(ev.report)
            line.file, line.line = ev.file, ev.line
        return dataclasses.replace(line, candidates=[line.candidates[i] for i in fresh])

    def _mark_unchanged(self, file: str, line: int, content_hash: str, status: str, report: str | ReportLine,
                        case_id: str | None = None) -> None:
        """An unchanged record still shows its candidates: they are seen again (→ known).  `report`: as stored,
        or already read (`prefetch`)."""
        self._record_mark = len(self._ops)
        self._ops.append(("UPDATE records SET last_run = ?, file = ?, line = ? WHERE content_hash = ?",
                          (self.run_id, file, line, content_hash)))
        if status == "flagged":
            stored = report if isinstance(report, ReportLine) else line_from_json(report)
            for cand in stored.candidates:
                self._see(found_of(cand), stored.case_id)
        self._progress(file, line, content_hash, "unchanged", 0, 0, 0, None, case_id=case_id)


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
