"""The nightly state store: what was scanned, what was found, what reviewers decided (issue 6).

Why SQLite: one file next to the exports, safe for one scan writing while reviewers read and decide
(WAL mode, short write transactions), and readable with any SQLite tool in an audit.

    db.py         connect (WAL, busy_timeout), migrate, the store's errors
    schema.py     numbered migrations; `schema_version` says which ones a file has
    scanstate.py  the `ScanState` hook a `scan --db` runs through: skip, resume, new/known/resolved
    review.py     reviewer decisions (append-only log) and candidate queries
    history.py    runs and per-rule statistics
    options.py    the click options shared by `scan`, `review`, `runs` and `stats`
"""
