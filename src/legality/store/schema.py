"""The store's schema as numbered migrations.

Why numbered and append-only: a store file outlives many releases; opening an older file applies
the missing steps in order inside one transaction each, and a file from a newer release is refused
rather than misread.  Never edit a released step; add the next one.
"""

from __future__ import annotations

# (version, purpose, statements)
MIGRATIONS: list[tuple[int, str, tuple[str, ...]]] = [
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
        "UPDATE decisions SET effective = min(at, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')",
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
    # public particulars of the verdict, `scanstate.context_to_json`; NULL: seen before this step)
    (5, "candidates keep their record's context (court, verdict date, articles)", (
        "ALTER TABLE candidates ADD COLUMN context TEXT",
    )),
]

LATEST = MIGRATIONS[-1][0]
