"""The store's schema as numbered migrations.

Why numbered and append-only: a store file outlives many releases; opening an older file applies
the missing steps in order inside one transaction each, and a file from a newer release is refused
rather than misread.  Never edit a released step; add the next one.

The statements are in the SQL both SQLite and PostgreSQL speak (`dialect.py` rewrites the rest); a
step is a string, a {dialect: statement} dict where there is no common form, or a Python function of
the connection (a back-fill that needs the candidates' JSON).  The same list builds both.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Union

import orjson

Step = Union[str, dict[str, str], Callable[[Any], None]]
# a candidate's severity as a number, most severe first: the queue's default order (and its index)
SEVERITY_RANK = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"


def queue_columns(context: str | None, offence: str | None) -> tuple[str | None, ...]:
    """(court, region, judge, verdict_date, article) of a candidate from its record's context JSON
    (`report.context.context_to_json`): the plain columns the review queue filters and sorts by.

    `article` is the article number («188», «188-1») of the finding's episode, or the record's first
    (main) article for a finding about the whole verdict — what `review list --article` matches."""
    if context is None:
        return (None,) * 5
    try:
        code, name, date, articles, *more = orjson.loads(context)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return (None,) * 5
    region, judge, refs = (more + [None, None, []])[:3]
    article = None
    by_ref = [r for r in refs or () if r and r[0] == offence] or list(refs or ())
    if by_ref and by_ref[0][1] is not None:
        article = str(by_ref[0][1])
    else:
        from ..report.filter import _article_of_ref

        texts = [ref for oid, ref in articles or () if oid == offence] or [ref for _oid, ref in articles or ()]
        article = _article_of_ref(texts[0]) if texts else None
    return (name or code or None, region or None, judge or None, date or None, article)


def _backfill_queue_columns(conn: Any) -> None:
    rows = conn.execute("SELECT id, context, offence FROM candidates WHERE context IS NOT NULL").fetchall()
    for i in range(0, len(rows), 1000):
        for cid, context, offence in rows[i:i + 1000]:
            conn.execute("UPDATE candidates SET court = ?, region = ?, judge = ?, verdict_date = ?, article = ?"
                         " WHERE id = ?", (*queue_columns(context, offence), cid))


def _steps(*steps: Step) -> tuple[Step, ...]:
    return steps


# (version, purpose, steps)
MIGRATIONS: list[tuple[int, str, Iterable[Step]]] = [
    (1, "runs, records, run progress, candidates, decisions", (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            finished TEXT,
            rules_version TEXT NOT NULL,
            inputs TEXT NOT NULL,
            options TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted')),
            host TEXT,
            pid INTEGER,
            resumed INTEGER NOT NULL DEFAULT 0,
            records INTEGER NOT NULL DEFAULT 0,
            clean INTEGER NOT NULL DEFAULT 0,
            flagged INTEGER NOT NULL DEFAULT 0,
            invalid INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            candidates INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            resolved INTEGER NOT NULL DEFAULT 0,
            summary TEXT
        )""",
        # one row per distinct record content: the unchanged check and the last evaluation.
        # Rowid tables with a unique key: rows carry JSON (hundreds of bytes), so new rows are
        # appended and only the small key index takes random inserts.
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            case_id TEXT,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            rules_version TEXT NOT NULL,
            scanned_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            status TEXT NOT NULL,
            report TEXT NOT NULL
        )""",
        # what a run has committed so far, by input position: what `--resume` re-emits
        """CREATE TABLE run_records (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            status TEXT NOT NULL,
            n_candidates INTEGER NOT NULL DEFAULT 0,
            n_new INTEGER NOT NULL DEFAULT 0,
            n_resolved INTEGER NOT NULL DEFAULT 0,
            output TEXT,
            context TEXT,
            UNIQUE (run_id, file, line)
        )""",
        """CREATE TABLE candidates (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE,
            case_id TEXT,
            rule TEXT NOT NULL,
            offence TEXT,
            severity TEXT NOT NULL,
            first_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('new', 'known', 'dismissed', 'confirmed', 'resolved')),
            candidate TEXT NOT NULL
        )""",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('dismiss', 'confirm')),
            reason TEXT,
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'local'
        )""",
    )),
    (2, "indexes for resolution, review queries, statistics and idempotent import", (
        "CREATE INDEX candidates_case ON candidates (case_id)",
        "CREATE INDEX candidates_status ON candidates (status, rule)",
        "CREATE INDEX candidates_rule ON candidates (rule)",
        "CREATE INDEX decisions_fingerprint ON decisions (fingerprint, at)",
        "CREATE UNIQUE INDEX decisions_identity ON decisions (fingerprint, action, by, at)",
    )),
    # person_id: co-defendants share a case id, so a record resolves only its own defendant's
    # candidates (NULL: seen before this step; such a candidate is claimed when it is seen again).
    # effective: when a decision can take effect here, at most when it arrived: an imported decision
    # dated in the future never outranks a decision made here later.  Existing rows: at most now.
    (3, "candidates by defendant, partial records, duplicate case ids, when a decision took effect", (
        "ALTER TABLE candidates ADD COLUMN person_id TEXT",
        "ALTER TABLE run_records ADD COLUMN case_id TEXT",
        "ALTER TABLE runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE decisions ADD COLUMN effective TEXT",
        {"sqlite": "UPDATE decisions SET effective = min(at, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')",
         "postgresql": "UPDATE decisions SET effective = LEAST(at, to_char(now() AT TIME ZONE 'UTC',"
                       " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"},
        "CREATE INDEX decisions_effective ON decisions (fingerprint, effective)",
    )),
    # coverage (issue 9): how fully each evaluated record was checked (full / partial / none; NULL for
    # an invalid or unchanged record, or one of an older run), counted per run like the statuses
    (4, "coverage: records checked fully, partly, not at all", (
        "ALTER TABLE run_records ADD COLUMN checked TEXT",
        "ALTER TABLE runs ADD COLUMN checked_full INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN checked_partial INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN checked_none INTEGER NOT NULL DEFAULT 0",
    )),
    # issue 14: `review list` shows and filters by court and article; a run's per-record rows (and
    # their contexts) are dropped when it completes, so a candidate keeps its record's context (the
    # public particulars of the verdict, `report.context.context_to_json`; NULL: seen before this step)
    (5, "candidates keep their record's context (court, verdict date, articles)", (
        "ALTER TABLE candidates ADD COLUMN context TEXT",
    )),
    # issue 16 (the review desk): the queue filters and sorts by court, region, judge, verdict date and
    # article in SQL, so they are plain indexed columns filled on write (`queue_columns`, back-filled
    # here from the kept context); `version` counts the decisions applied to a candidate, so a reviewer
    # deciding on what is no longer the latest state is told (`review.DecisionConflict`); `assigned_to`:
    # the reviewer a head gave it to (`queue.assign`); `users`:
    # who may sign in to `legality serve` (password: scrypt, salted; NULL for users of the office's
    # proxy) and with what role
    (6, "queue columns, decision versions, users of the review desk", _steps(
        "ALTER TABLE candidates ADD COLUMN court TEXT",
        "ALTER TABLE candidates ADD COLUMN region TEXT",
        "ALTER TABLE candidates ADD COLUMN judge TEXT",
        "ALTER TABLE candidates ADD COLUMN verdict_date TEXT",
        "ALTER TABLE candidates ADD COLUMN article TEXT",
        "ALTER TABLE candidates ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
        # the reviewer a head of department gave the finding to (NULL: anyone's), by whom and when
        "ALTER TABLE candidates ADD COLUMN assigned_to TEXT",
        "ALTER TABLE candidates ADD COLUMN assigned_by TEXT",
        "ALTER TABLE candidates ADD COLUMN assigned_at TEXT",
        _backfill_queue_columns,
        "UPDATE candidates SET version = (SELECT count(*) FROM decisions d WHERE d.fingerprint = candidates.fingerprint)",
        # one index per sort of the queue, ending in its tie-break (`queue.list_queue`): a page is read
        # in index order and stops after LIMIT rows; the leading column also serves the filter
        f"CREATE INDEX candidates_by_severity ON candidates (({SEVERITY_RANK}), case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_verdict_date ON candidates (verdict_date, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_first_seen ON candidates (first_seen, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_court ON candidates (court, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_region ON candidates (region, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_judge ON candidates (judge, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_by_article ON candidates (article, case_id, rule, fingerprint)",
        "CREATE INDEX candidates_assigned ON candidates (assigned_to, status)",
        "CREATE INDEX decisions_by ON decisions (by, at)",
        # per-rule counts by status (`history.rule_stats`, the dashboard) from the index alone
        "DROP INDEX candidates_rule",
        "CREATE INDEX candidates_rule_status ON candidates (rule, status)",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'head')),
            password TEXT,
            created TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        )""",
    )),
]

LATEST = MIGRATIONS[-1][0]
