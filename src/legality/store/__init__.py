"""The nightly state store: what was scanned, what was found, what reviewers decided (issue 6).

Why SQLite: one file next to the exports, safe for one scan writing while reviewers read and decide
(WAL mode, short write transactions), and readable with any SQLite tool in an audit.  An office with
several reviewers at the review desk (`legality serve`, issue 16) may keep it in PostgreSQL instead
(`--db postgresql://…`): the same schema, migrations and SQL (`db.py` says why no ORM).

    db.py         connect (a path or a URL; WAL, busy_timeout / lock_timeout), migrate, the store's errors
    dialect.py    the SQLite / PostgreSQL differences, in one place
    schema.py     numbered migrations; `schema_version` says which ones a store has
    scanstate.py  the `ScanState` hook a `scan --db` runs through: skip, resume, new/known/resolved
    review.py     reviewer decisions (append-only log) and candidate queries
    history.py    runs and per-rule statistics
    queue.py      the review desk's queue, case, filter values and dashboard
    users.py      the review desk's users and roles
    options.py    the click options shared by `scan`, `review`, `runs` and `stats`
"""

DEFAULT_DB = "legality.db"  # the store a command opens without --db (`store.db` re-exports it)
