"""The state store through the scan hook, driven with ReportLine objects (no engine, no reader).

A "batch" here is a list of fake records: (case_id, content, [(rule, offence, actual), ...]).  The
content hash is taken from the content, as the reader does from the raw bytes.

Every test takes `db` (conftest `store_url`) and so runs on SQLite and on PostgreSQL (issue 16): the
same behaviour is the point.  A test about the SQLite file itself (WAL, a foreign file) takes
`sqlite_db`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import orjson
import pytest

from legality.result.candidate import Candidate, fingerprint
from legality.report.model import ReportLine
from legality.scan.state import AS_IS, SKIP, NoState, evaluated_of
from legality.store import review
from legality.store.db import NoStore, NotAStore, SchemaTooNew, StoreBusy, connect, migrate, schema_version
from legality.store.history import list_runs, rule_stats, snapshot
from legality.store.scanstate import StoreState, line_to_json
from legality.store.schema import LATEST, MIGRATIONS


def make_line(file: str, line: int, case_id: str, findings) -> ReportLine:
    cands = [
        Candidate(rule=rule, severity="high", title=f"t {rule}", message=f"m {rule} {actual}",
                  citations=[{"act": "УК РК", "article": "56", "part": 3, "paragraph": None}],
                  offence=off, actual=actual, allowed={"max": {"years": 3}}, facts={"x": actual},
                  fingerprint=fingerprint(case_id, rule, off, actual))
        for rule, off, actual in findings
    ]
    return ReportLine(case_id=case_id, file=file, line=line, status="flagged" if cands else "clean",
                      candidates=cands)


def batch(n: int = 12, *, changed: dict[int, list] | None = None) -> list[tuple]:
    """Every third record is clean; the others carry one or two findings."""
    out = []
    for i in range(n):
        findings = [] if i % 3 == 0 else [("rule-a", "1", i)] + ([("rule-b", None, "x")] if i % 3 == 2 else [])
        if changed and i in changed:
            findings = changed[i]
        out.append((f"C-{i:03d}", orjson.dumps([f"C-{i:03d}", findings]).decode(), findings))
    return out


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def run_scan(db, records, *, rules="v1", file="batch.jsonl", stop_after: int | None = None, group: int | None = None,
             **opts):
    """Drive the hook as the scan does; `stop_after` abandons the run after that many records, the
    way a killed process does (uncommitted work is lost, close is never called).  `group`: the records
    are looked up `group` at a time, their hashes told to `prefetch` first, before any of them is recorded
    or replayed (as `scan.pipeline.plan` runs ahead of `scan.run.emit`); None: one record at a time."""
    state = StoreState(db, batch_records=opts.pop("batch_records", 4), **opts)
    state.open(rules_version=rules, inputs=[file], options={"new_only": state.new_only})
    out, evaluated, skipped = [], 0, 0
    answers: dict[int, object] = {}
    for i, (case_id, content, findings) in enumerate(records, start=1):
        if stop_after is not None and i > stop_after:
            state.conn.close()  # a kill: the open transaction is rolled back
            state.conn = None
            return out, state
        h = content_hash(content)
        if group is not None and (i - 1) % group == 0:
            ahead = [(j, content_hash(c)) for j, (_case, c, _f) in enumerate(records[i - 1:i - 1 + group], start=i)]
            state.prefetch([hh for _j, hh in ahead])
            answers = {j: state.lookup(file, j, hh) for j, hh in ahead}
        got = answers.pop(i) if group is not None else state.lookup(file, i, h)
        if got == SKIP:
            skipped += 1
            continue
        if got is None:
            evaluated += 1
            emitted = state.record(make_line(file, i, case_id, findings), h)
        else:  # committed before the interruption: re-emitted, not evaluated
            assert got.case_id == case_id and (got.file, got.line) == (file, i)
            emitted, _ = state.replay(got, h)
        if emitted is not None:
            out.append(line_to_json(emitted))
    state.close({"records": evaluated}, completed=True)
    state.evaluated, state.skipped = evaluated, skipped
    return out, state


def fps_out(lines: list[str]) -> list[str]:
    return [c["fingerprint"] for line in lines for c in orjson.loads(line)["candidates"]]


def statuses(db) -> dict[str, str]:
    conn = connect(db)
    try:
        return dict(conn.execute("SELECT fingerprint, status FROM candidates"))
    finally:
        conn.close()


@pytest.fixture
def db(store_url):
    return store_url


@pytest.fixture
def sqlite_db(tmp_path):
    return tmp_path / "legality.db"


def raw_connect(url: str):
    """A connection that has not been migrated (to build an older store by hand)."""
    if url.startswith("postgresql://"):
        import psycopg

        from legality.store.dialect import PgConnection

        return PgConnection(psycopg.connect(url, autocommit=True), url)
    return sqlite3.connect(url, isolation_level=None)


def tables_and_indexes(conn) -> tuple[set[str], set[str]]:
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables"
                                             " WHERE table_schema = current_schema()")}
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
        return tables, indexes
    return ({r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")},
            {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")})


# ---- migrations and opening


def test_fresh_store_is_migrated_to_latest(db, backend):
    conn = connect(db, create=True)
    assert conn.dialect == backend
    assert schema_version(conn) == LATEST
    if backend == "sqlite":
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    else:
        assert conn.execute("SHOW lock_timeout").fetchone()[0] == "1min"
    tables, _indexes = tables_and_indexes(conn)
    assert {"runs", "records", "run_records", "candidates", "decisions", "schema_version", "users"} <= tables
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")] == \
        [m[0] for m in MIGRATIONS]


def test_empty_file_is_migrated(sqlite_db):
    sqlite_db.write_bytes(b"")
    assert schema_version(connect(sqlite_db)) == LATEST


def test_older_store_is_migrated_and_keeps_its_data(db):
    conn = raw_connect(db)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO decisions (fingerprint, action, reason, by, at) VALUES ('ab', 'confirm', NULL, 'I', 't')")
    conn.close()
    conn = connect(db)
    assert schema_version(conn) == LATEST
    assert conn.execute("SELECT by FROM decisions").fetchall() == [("I",)]
    assert "decisions_identity" in tables_and_indexes(conn)[1]


def test_newer_store_is_refused(db):
    connect(db, create=True).execute("INSERT INTO schema_version VALUES (?, 'future', 'now')", (LATEST + 1,))
    with pytest.raises(SchemaTooNew):
        connect(db)


def test_missing_store_is_not_created_by_readers(db, backend):
    """A reader never creates a store: no file; on PostgreSQL, no table in the empty database."""
    with pytest.raises(NoStore):
        connect(db)
    if backend == "sqlite":
        assert not Path(db).exists()
    else:
        conn = raw_connect(db)
        assert conn.execute("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema()").fetchone()[0] == 0


@pytest.mark.parametrize("content", [b"this is not sqlite at all" * 100, "sqlite-other"])
def test_foreign_file_is_refused(sqlite_db, content):
    if content == "sqlite-other":
        sqlite3.connect(sqlite_db).execute("CREATE TABLE t (x)").connection.commit()
    else:
        sqlite_db.write_bytes(content)
    with pytest.raises(NotAStore):
        connect(sqlite_db)


def test_foreign_database_is_refused(db, backend):
    """Another application's tables (SQLite file or PostgreSQL schema): never migrated into a store."""
    conn = raw_connect(db)
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    with pytest.raises(NotAStore):
        connect(db, create=True)


def test_nostate_passes_everything_through():
    s = NoState()
    line = make_line("f", 1, "C", [("r", None, 1)])
    s.open(rules_version="v", inputs=[], options={})
    assert s.lookup("f", 1, "h") is None and s.record(line, "h") is line


# ---- new / known / unchanged / resolved


def test_second_run_reports_nothing_new(db):
    records = batch()
    first, s1 = run_scan(db, records, new_only=True)
    assert len(fps_out(first)) == 12 and s1.evaluated == 12
    assert set(statuses(db).values()) == {"new"}

    again, s2 = run_scan(db, records, new_only=True, rescan=True)
    assert fps_out(again) == [] and s2.evaluated == 12
    assert set(statuses(db).values()) == {"known"}

    skipped, s3 = run_scan(db, records, new_only=True)
    assert skipped == [] and s3.skipped == 12 and s3.evaluated == 0
    runs = {r["id"]: r for r in list_runs(connect(db))}
    assert (runs[1]["new"], runs[2]["new"], runs[3]["new"]) == (12, 0, 0)
    assert runs[3]["unchanged"] == 12 and runs[3]["records"] == 0
    assert runs[1]["records"] == runs[1]["clean"] + runs[1]["flagged"] + runs[1]["invalid"] == 12
    assert all(r["status"] == "completed" for r in runs.values())


def test_without_new_only_every_evaluated_line_is_output(db):
    records = batch()
    run_scan(db, records)
    out, _ = run_scan(db, records, rescan=True)
    assert len(out) == 12  # clean lines are passed on too; the scan decides whether to print them


def test_dismissed_candidate_never_returns_as_new(db):
    records = batch()
    first, _ = run_scan(db, records, new_only=True)
    target = fps_out(first)[0]
    conn = connect(db)
    review.decide(conn, target[:10], "dismiss", by="Иванова", reason="норма применена верно")
    conn.close()
    # the record is re-exported with another change, so it is evaluated again and still shows the finding
    case_of_target = next(i for i, r in enumerate(records) if any(
        fingerprint(r[0], rule, off, act) == target for rule, off, act in r[2]))
    changed = list(records)
    cid, content, findings = changed[case_of_target]
    changed[case_of_target] = (cid, content + " ", findings)
    out, s = run_scan(db, changed, new_only=True)
    assert s.evaluated == 1 and target not in fps_out(out)
    out, _ = run_scan(db, changed, new_only=True, rescan=True)
    assert target not in fps_out(out)
    assert statuses(db)[target] == "dismissed"


def test_changed_record_is_reevaluated_and_old_findings_resolve(db):
    records = batch()
    run_scan(db, records)
    fixed = batch(changed={1: []})  # record 1 re-exported with the sentence fixed
    old_fp = fingerprint("C-001", "rule-a", "1", 1)
    out, s = run_scan(db, fixed, new_only=True)
    assert s.evaluated == 1 and s.skipped == 11 and fps_out(out) == []
    assert statuses(db)[old_fp] == "resolved"
    run = list_runs(connect(db))[0]
    assert (run["records"], run["unchanged"], run["resolved"], run["clean"]) == (1, 11, 1, 1)

    worse = batch(changed={1: [("rule-c", "1", 99)]})
    out, s = run_scan(db, worse, new_only=True)
    assert fps_out(out) == [fingerprint("C-001", "rule-c", "1", 99)]


def test_changed_rules_version_reevaluates_everything(db):
    records = batch()
    run_scan(db, records, rules="v1")
    _, s = run_scan(db, records, rules="v1")
    assert s.skipped == 12
    _, s = run_scan(db, records, rules="v2")
    assert s.evaluated == 12 and s.skipped == 0
    _, s = run_scan(db, records, rules="v2")
    assert s.skipped == 12


def test_unchanged_records_count_their_candidates_as_seen_again(db):
    records = batch()
    run_scan(db, records)
    run_scan(db, records)  # all skipped
    assert set(statuses(db).values()) == {"known"}
    assert {r["last_run"] for r in review.list_candidates(connect(db))[0]} == {2}


def test_findings_of_a_run_that_never_completed_are_still_new_later(db):
    records = batch()
    run_scan(db, records, stop_after=9, batch_records=2)  # killed; not resumed
    out, _ = run_scan(db, records, new_only=True)  # a fresh run
    assert len(fps_out(out)) == 12


def test_imported_dismissal_applies_when_the_candidate_first_appears(db, tmp_path):
    records = batch()
    target = fingerprint("C-001", "rule-a", "1", 1)
    connect(db, create=True).close()
    res = review.import_decisions(connect(db), [(1, orjson.dumps(
        {"fingerprint": target, "action": "dismiss", "reason": "r", "by": "other office",
         "at": "2024-01-01T00:00:00Z"}).decode())])
    assert res.added == 1 and res.pending == 1
    out, _ = run_scan(db, records, new_only=True)
    assert target not in fps_out(out) and len(fps_out(out)) == 11
    assert statuses(db)[target] == "dismissed"


def test_new_only_keeps_only_the_new_candidates_of_a_record(db):
    run_scan(db, batch())
    grown = batch(changed={2: [("rule-a", "1", 2), ("rule-b", None, "x"), ("rule-d", "2", 5)]})
    out, _ = run_scan(db, grown, new_only=True)
    assert len(out) == 1
    line = orjson.loads(out[0])
    assert [c["rule"] for c in line["candidates"]] == ["rule-d"] and line["status"] == "flagged"


def test_invalid_lines_pass_new_only_and_resolve_nothing(db):
    run_scan(db, batch())
    state = StoreState(db, new_only=True)
    state.open(rules_version="v1", inputs=["other.jsonl"], options={})
    bad = ReportLine(case_id="C-001", file="other.jsonl", line=1, status="invalid",
                     errors=[{"path": "offences", "message": "required"}])
    assert state.lookup("other.jsonl", 1, "h-bad") is None
    assert state.record(bad, "h-bad") is bad
    state.close({}, completed=True)
    assert statuses(db)[fingerprint("C-001", "rule-a", "1", 1)] == "new"


# ---- resume


@pytest.mark.parametrize("stop_after", [0, 1, 5, 8, 11, 12])
@pytest.mark.parametrize("group", [None, 5])
def test_resume_equals_an_uninterrupted_run(make_store_url, stop_after, group):
    base, changed = batch(), batch(changed={4: [], 5: [("rule-e", "2", 1)]})
    changed += [(f"N-{i}", f"new {i}", [("rule-a", "1", i)]) for i in range(5)]

    clean_db = make_store_url("clean")
    run_scan(clean_db, base)
    clean_out, _ = run_scan(clean_db, changed, new_only=True)

    db = make_store_url("resumed")
    run_scan(db, base)
    run_scan(db, changed, new_only=True, stop_after=stop_after, batch_records=3)
    resumed_out, state = run_scan(db, changed, new_only=True, resume=True, batch_records=3, group=group)
    assert state.resumed and state.run_id == 2  # the run row is committed when it starts
    assert resumed_out == clean_out
    assert snapshot(connect(db)) == snapshot(connect(clean_db))


@pytest.mark.parametrize("stop_after", [4, 8])
def test_resume_without_new_only_re_emits_each_report_kept_once(make_store_url, stop_after):
    """Without --new-only every output is the record's own report: `run_records` does not hold it a
    second time (`AS_RECORDED`), and a resumed run reads it back from `records`, byte for byte."""
    from legality.store.scanstate import AS_RECORDED

    records = batch(12)
    clean_db = make_store_url("clean")
    clean_out, _ = run_scan(clean_db, records)
    db = make_store_url("resumed")
    run_scan(db, records, stop_after=stop_after, batch_records=3)
    conn = connect(db)
    try:
        kept = conn.execute("SELECT output FROM run_records WHERE run_id = 1").fetchall()
    finally:
        conn.close()
    assert kept and all(output == AS_RECORDED for (output,) in kept)  # committed before the kill, kept once
    for group in (None, 5):  # resumed twice: looked up one at a time, and 5 at a time after `prefetch`
        resumed_db = make_store_url(f"resumed{group}")
        run_scan(resumed_db, records, stop_after=stop_after, batch_records=3)
        out, state = run_scan(resumed_db, records, resume=True, batch_records=3, group=group)
        assert state.resumed
        assert out == clean_out
        assert snapshot(connect(resumed_db)) == snapshot(connect(clean_db))


def test_a_resumed_run_reads_the_committed_reports_a_group_at_a_time(sqlite_db):
    """`--resume`: the reports the interrupted run committed are read with the group's `prefetch`, not one
    query each at the lookup and again at the replay."""
    records = batch(12)
    run_scan(sqlite_db, records, stop_after=9, batch_records=3)
    state = StoreState(sqlite_db, resume=True)
    state.open(rules_version="v1", inputs=["batch.jsonl"], options={"new_only": False})
    assert state.resumed
    asked: list[str] = []
    state.conn.set_trace_callback(asked.append)
    hashes = [content_hash(c) for _, c, _ in records]
    state.prefetch(hashes)
    got = [state.lookup("batch.jsonl", i, h) for i, h in enumerate(hashes, start=1)]
    resumed = [(line, hashes[line.line - 1]) for line in got if isinstance(line, ReportLine)]
    assert len(resumed) == 9
    assert [state.replay(line, h)[0] for line, h in resumed] == [line for line, _h in resumed]
    state.close({}, completed=True)
    assert sum("SELECT report FROM records" in q for q in asked) == 0
    assert sum("SELECT content_hash, report FROM records" in q for q in asked) == 1


def _lookups(db, records, *, group: int | None, file: str = "batch.jsonl") -> tuple[list, list]:
    """Each record's `lookup` answer in a run that records what it evaluates (flushing every 3), with the
    hashes told to `prefetch` in groups of `group` first (as `scan.pipeline.plan` does), or never."""
    state = StoreState(db, batch_records=3)
    state.open(rules_version="v1", inputs=[file], options={"new_only": False})
    hashes = [content_hash(content) for _, content, _ in records]
    answers, out = [], []
    for i, (case_id, _content, findings) in enumerate(records, start=1):
        if group is not None and (i - 1) % group == 0:
            state.prefetch(hashes[i - 1:i - 1 + group])
        got = state.lookup(file, i, hashes[i - 1])
        answers.append(got if got in (None, SKIP) else "stored")
        if got is None:
            out.append(line_to_json(state.record(make_line(file, i, case_id, findings), hashes[i - 1])))
    state.close({}, completed=True)
    return answers, out


def test_prefetched_lookups_answer_as_lookups_one_by_one(make_store_url):
    """Unchanged, changed, new and repeated records (the same content twice, the second after the first was
    recorded and flushed): the same answers, output and store with or without `prefetch`."""
    base = batch(9)
    later = base[:4] + batch(9, changed={5: [], 6: [("rule-e", "2", 1)]})[4:] + base[1:3] + [("N-1", "new 1", [])] * 2
    results = []
    for group in (None, 4, 500):
        db = make_store_url(f"g{group}")
        _lookups(db, base, group=group)
        answers, out = _lookups(db, later, group=group)
        results.append((answers, out, snapshot(connect(db))))
    assert results[0][0].count(SKIP) >= 4 and results[0][0].count(None) >= 4  # both answers occur
    assert results[0] == results[1] == results[2]


def _recorded(db, records, *, group: int | None, file: str = "batch.jsonl") -> tuple[list, dict]:
    """`record` of every record (none looked up: each is evaluated), with the lines told to `before_records` in
    groups of `group` first (as `scan.run.emit` tells a chunk's), or never: the output and the store."""
    state = StoreState(db, batch_records=3)
    state.open(rules_version="v1", inputs=[file], options={"new_only": False})
    lines = [make_line(file, i, case_id, findings) for i, (case_id, _c, findings) in enumerate(records, start=1)]
    out = []
    for i, (line, (_case, content, _f)) in enumerate(zip(lines, records)):
        if group is not None and i % group == 0:
            state.before_records(lines[i:i + group])
        emitted = state.record(line, content_hash(content))
        out.append(None if emitted is None else line_to_json(emitted))
    state.close({}, completed=True)
    return out, snapshot(connect(db))  # the run's counts (resolved included) and every candidate's status


def test_open_candidates_read_per_chunk_resolve_as_read_per_record(make_store_url):
    """Findings gone from a re-export are resolved the same whether `_resolve` reads each record's case alone
    or the chunk's cases at once: the same case twice in a chunk (the second must not resolve again), a case
    whose finding stays, one that gains a finding, and a chunk cut across a flush."""
    base = batch(12)
    again = batch(12, changed={1: [], 2: [("rule-b", None, "x")], 4: [], 7: [("rule-c", "1", 7)]})
    again += [(base[4][0], "re-export of 4", [("rule-a", "1", 4)]), (base[5][0], "re-export of 5", [])]
    results = []
    for group in (None, 2, 5, 64):
        db = make_store_url(f"r{group}")
        _recorded(db, base, group=group)
        results.append(_recorded(db, again, group=group))
    resolved = [row for row in results[0][1]["candidates"] if row[7] == "resolved"]
    assert len(resolved) >= 3  # resolutions happen, so the comparison means something
    assert all(r == results[0] for r in results[1:])


def test_a_prefetched_lookup_asks_the_store_nothing_more(sqlite_db):
    records = batch(8)
    _lookups(sqlite_db, records, group=None)
    state = StoreState(sqlite_db)
    state.open(rules_version="v1", inputs=["batch.jsonl"], options={"new_only": False})
    asked: list[str] = []
    state.conn.set_trace_callback(asked.append)
    hashes = [content_hash(c) for _, c, _ in records]
    state.prefetch(hashes)
    assert [state.lookup("batch.jsonl", i, h) for i, h in enumerate(hashes, start=1)] == [SKIP] * len(records)
    assert sum("FROM records" in q for q in asked) == 1  # the one query of `prefetch`
    state.close({}, completed=True)


def _scanned(db, records, *, group: int, ahead: bool, new_only: bool = True, file: str = "batch.jsonl",
             via: str = "line") -> list:
    """A run driven as `scan --db` drives the store, `group` records at a time: the group's lookups,
    then the records it evaluates — with the group's hashes told to `prefetch` and its lines to `before_records`
    first (`ahead`), or not.  Each output line with the status each of its candidates is shown with (the
    «Статус» column, `status_of`).  `via`: each evaluated record is recorded as its line (`record`), as a
    worker sends it (`record_evaluated` of `evaluated_of`, with the line object only for a record with
    candidates), or as that without any line object ("evaluated-alone")."""
    state = StoreState(db, batch_records=3, new_only=new_only)
    state.open(rules_version="v1", inputs=[file], options={"new_only": new_only})
    out = []
    for start in range(0, len(records), group):
        part = list(enumerate(records[start:start + group], start=start + 1))
        hashes = [content_hash(content) for _, (_c, content, _f) in part]
        if ahead:
            state.prefetch(hashes)
        todo = [(make_line(file, i, case_id, findings), h) for (i, (case_id, _c, findings)), h in zip(part, hashes)
                if state.lookup(file, i, h) is None]
        if ahead:
            state.before_records([line if via == "line" else evaluated_of(line, None) for line, _h in todo])
        for line, h in todo:
            if via == "line":
                emitted = state.record(line, h)
            else:
                sent = line if via == "evaluated" and line.candidates else None
                emitted = state.record_evaluated(evaluated_of(line, None), h, sent)
                emitted = line if emitted is AS_IS else emitted
            out.append(None if emitted is None else
                       (line_to_json(emitted), [state.status_of(c.fingerprint) for c in emitted.candidates]))
    state.close({}, completed=True)
    return out


def test_candidates_read_ahead_are_seen_as_read_one_by_one(make_store_url):
    """What a run writes and outputs about each candidate is the same whether the store reads candidates and
    imported decisions one at a time or a group of records' at once (`_prefetch_candidates`): decisions
    imported before a candidate first appears (a later one overriding an earlier), a reviewer's dismissal
    between two runs (the dismissed finding shown again, not as new), unchanged flagged records seen again, findings that appear, stay and go, the same
    finding in two records of a group, and groups cut across the store's commits (every 3 records)."""
    base = batch(12)
    again = base[:3] + batch(12, changed={4: [("rule-a", "1", 4), ("rule-c", "2", 4)], 5: [], 7: [("rule-d", "1", 7)]})[3:9]
    again += [("N-1", "new 1", [("rule-a", "1", 1)]), ("C-004", "re-export of 4", [("rule-a", "1", 4)]),
              ("C-010", "re-export of 10", [("rule-a", "1", 10)])] + base[9:]
    imported = [(fingerprint("C-001", "rule-a", "1", 1), "dismiss", "2024-01-01T00:00:00Z"),
                (fingerprint("C-002", "rule-b", None, "x"), "dismiss", "2024-01-01T00:00:00Z"),
                (fingerprint("C-002", "rule-b", None, "x"), "confirm", "2024-02-01T00:00:00Z"),
                (fingerprint("N-1", "rule-a", "1", 1), "confirm", "2024-01-01T00:00:00Z")]
    later = batch(12, changed={4: [("rule-a", "1", 4), ("rule-e", "1", 4)], 8: [("rule-e", "2", 8)]})
    reviewed = fingerprint("C-004", "rule-a", "1", 4)
    results = []
    for group in (4, 64):
        for ahead in (False, True):
            db = make_store_url(f"a{group}{ahead}")
            connect(db, create=True).close()
            review.import_decisions(connect(db), [(i, orjson.dumps(
                {"fingerprint": fp, "action": action, "reason": "r", "by": "other office", "at": at}).decode())
                for i, (fp, action, at) in enumerate(imported, start=1)])
            first = _scanned(db, base, group=group, ahead=ahead)
            review.decide(connect(db), reviewed, "dismiss", by="reviewer", reason="checked", at="2025-06-01T00:00:00Z")
            second = _scanned(db, again, group=group, ahead=ahead, new_only=False)
            third = _scanned(db, later, group=group, ahead=ahead)
            results.append((first, second, third, snapshot(connect(db))))
    shown = {s for run in results[0][:3] for line in run if line for s in line[1]}
    assert {"new", "known", "confirmed", "dismissed"} <= shown  # the cases above occur, so the comparison means something
    assert statuses(db)[reviewed] == "dismissed"
    assert statuses(db)[imported[0][0]] == "dismissed" and statuses(db)[imported[2][0]] == "confirmed"
    assert all(r == results[0] for r in results[1:])


def test_candidates_of_a_group_are_read_in_one_query(sqlite_db):
    """With the group told first, neither seeing the candidates of unchanged flagged records again (`prefetch`)
    nor recording evaluated ones (`before_records`) asks the store about one candidate at a time."""
    records = batch(12)
    _scanned(sqlite_db, records, group=64, ahead=True)
    asked: list[str] = []
    for grown in (records, batch(12, changed={i: [("rule-z", "3", i)] for i in range(12)})):
        state = StoreState(sqlite_db, new_only=True)
        state.open(rules_version="v1", inputs=["batch.jsonl"], options={"new_only": True})
        state.conn.set_trace_callback(asked.append)
        hashes = [content_hash(c) for _, c, _ in grown]
        state.prefetch(hashes)
        lines = [make_line("batch.jsonl", i, case_id, f) for i, (case_id, _c, f) in enumerate(grown, start=1)
                 if state.lookup("batch.jsonl", i, hashes[i - 1]) is None]
        state.before_records(lines)
        for line in lines:
            state.record(line, content_hash(grown[line.line - 1][1]))
        state.close({}, completed=True)
    selects = [q for q in asked if q.lstrip().upper().startswith("SELECT")]
    assert sum("FROM candidates" in q and "fingerprint IN" in q for q in selects) == 2  # one per run
    assert not [q for q in selects if "WHERE fingerprint = " in q]  # none about one candidate


def test_a_batch_that_fails_commits_nothing_and_leaves_no_transaction_open(db):
    """A flush is one transaction, sent at once on PostgreSQL (BEGIN and COMMIT inside the pipeline): when a
    statement of it fails, the error reaches the caller, nothing of the batch is committed — not even the
    statements before the failing one — and the connection is left outside any transaction."""
    state = StoreState(db, batch_records=1000)
    state.open(rules_version="v1", inputs=["batch.jsonl"], options={"new_only": False})
    for i, (case_id, content, findings) in enumerate(batch(4), start=1):
        state.record(make_line("batch.jsonl", i, case_id, findings), content_hash(content))
    state._ops.append(("INSERT INTO no_such_table (x) VALUES (?)", (1,)))
    with pytest.raises(Exception):
        state.flush()
    assert not state.conn.in_transaction
    assert state.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    state._ops.pop()
    state.flush()  # the same batch, without the bad statement: committed
    assert state.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 4


def test_resume_of_a_run_killed_twice(make_store_url):
    records = batch(30)
    clean_db = make_store_url("clean")
    clean_out, _ = run_scan(clean_db, records, new_only=True)
    db = make_store_url("resumed")
    run_scan(db, records, new_only=True, stop_after=10, batch_records=3)
    run_scan(db, records, new_only=True, resume=True, stop_after=22, batch_records=3)
    out, _ = run_scan(db, records, new_only=True, resume=True, batch_records=3)
    assert out == clean_out
    assert snapshot(connect(db)) == snapshot(connect(clean_db))
    assert list_runs(connect(db))[0]["resumed"] == 2


def test_resume_with_other_rules_starts_a_new_run(db, caplog):
    records = batch()
    run_scan(db, records, stop_after=6, batch_records=2)
    _, state = run_scan(db, records, rules="v2", resume=True)
    assert not state.resumed and state.run_id == 2
    assert "другими правилами" in caplog.text
    runs = list_runs(connect(db))
    assert [r["status"] for r in runs] == ["completed", "interrupted"]
    assert runs[1]["records"] == 6  # the abandoned run keeps its counts, not its resume data
    assert connect(db).execute("SELECT count(*) FROM run_records").fetchone()[0] == 0


def test_a_live_scan_blocks_a_second_one(db, monkeypatch):
    monkeypatch.setattr("legality.store.scanstate.SCAN_LOCK_WAIT", 0.3)
    first = StoreState(db)
    first.open(rules_version="v1", inputs=["a"], options={})
    conn = connect(db)
    conn.execute("UPDATE runs SET pid = 1")  # pid 1 is alive: another process holds the run
    conn.close()
    with pytest.raises(StoreBusy):
        StoreState(db).open(rules_version="v1", inputs=["a"], options={})
    first.close({}, completed=True)


# ---- statistics


def test_rule_stats_precision(db):
    out, _ = run_scan(db, batch(), new_only=True)
    conn = connect(db)
    a = [fp for fp in fps_out(out) if fp in {fingerprint(f"C-{i:03d}", "rule-a", "1", i) for i in range(12)}]
    review.decide(conn, a[0], "confirm", by="A", reason=None)
    review.decide(conn, a[1], "confirm", by="A", reason=None)
    review.decide(conn, a[2], "dismiss", by="B", reason="верно")
    stats = {s["rule"]: s for s in rule_stats(conn)}
    assert stats["rule-a"]["fired"] == 8 and stats["rule-b"]["fired"] == 4
    assert (stats["rule-a"]["confirmed"], stats["rule-a"]["dismissed"]) == (2, 1)
    assert stats["rule-a"]["precision"] == round(2 / 3, 4)
    assert stats["rule-b"]["precision"] is None


@pytest.mark.parametrize("ahead", [False, True])
def test_what_a_worker_sends_is_recorded_as_the_line_is(make_store_url, ahead):
    """`record_evaluated` of what a `--jobs` worker makes of a record (`evaluated_of`: strings and small
    tuples, with the line object only for a record with candidates, or none at all) writes the same store and
    outputs the same lines, statuses shown included, as `record` of the line object: findings that appear,
    stay and go, a reviewer's dismissal, and `--new-only` showing a re-export with only its new finding."""
    base = batch(12)
    again = batch(12, changed={4: [("rule-a", "1", 4), ("rule-c", "2", 4)], 5: [], 7: [("rule-d", "1", 7)]})
    results = []
    for via in ("line", "evaluated", "evaluated-alone"):
        db = make_store_url(f"{via}{ahead}")
        _scanned(db, base, group=5, ahead=ahead, via=via)
        review.decide(connect(db), fingerprint("C-002", "rule-b", None, "x"), "dismiss", by="reviewer", reason="checked",
                      at="2025-06-01T00:00:00Z")
        out = _scanned(db, again, group=5, ahead=ahead, via=via)
        results.append((out, snapshot(connect(db))))
    shown = [orjson.loads(o[0]) for o in results[0][0] if o is not None]
    fours = [line for line in shown if line["case_id"] == "C-004"]
    assert [[c["rule"] for c in line["candidates"]] for line in fours] == [["rule-c"]]  # the old finding left out
    assert any(row[7] == "resolved" for row in results[0][1]["candidates"])
    assert results[1] == results[0] and results[2] == results[0]
