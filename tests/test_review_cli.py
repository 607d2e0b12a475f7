"""`legality review`, `runs` and `stats` on the command line: behaviour, output and errors.

On both engines (`store_url`): `--db` is a SQLite file or a postgresql:// URL (issue 16).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.result.candidate import fingerprint
from legality.store.db import connect
from legality.store.schema import LATEST
from test_store import batch, raw_connect, run_scan


@pytest.fixture
def store(store_url):
    db = store_url
    run_scan(db, batch())
    return db


def cli(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def listed(db, *args) -> list[dict]:
    res = cli("review", "list", "--db", db, "--format", "jsonl", *args)
    assert res.exit_code == 0, res.output
    return [orjson.loads(line) for line in res.stdout.splitlines()]


FP1 = fingerprint("C-001", "rule-a", "1", 1)
FP2 = fingerprint("C-002", "rule-b", None, "x")


def test_list_filters(store):
    rows = listed(store)
    assert len(rows) == 12 and {r["status"] for r in rows} == {"new"}
    assert {r["rule"] for r in listed(store, "--rule", "rule-b")} == {"rule-b"}
    assert [r["fingerprint"] for r in listed(store, "--case", "C-001")] == [FP1]
    assert listed(store, "--status", "dismissed") == []
    assert len(listed(store, "--limit", "5")) == 5
    row = listed(store, "--case", "C-001")[0]
    assert row["candidate"]["fingerprint"] == FP1 and row["decision"] is None and row["first_run"] == 1


def test_list_table_has_russian_labels(store):
    res = cli("review", "list", "--db", store, "--format", "table", "--limit", "2")
    assert res.exit_code == 0
    assert "№ замечания" in res.stdout and "новое" in res.stdout and "показано 2 из 12" in res.stdout
    assert "Важность" in res.stdout and "Тяжесть" not in res.stdout and "Отпечаток" not in res.stdout


def test_dismiss_by_prefix_and_confirm(store):
    res = cli("review", "dismiss", FP1[:8], "--reason", "срок назначен верно", "--by", "Иванова А.", "--db", store)
    assert res.exit_code == 0, res.output
    # the confirmation repeats the case and the rule's title: the reviewer sees they hit the right row
    assert FP1[:12] in res.stdout and "дело C-001" in res.stdout and "«t rule-a»" in res.stdout
    res = cli("review", "confirm", FP2, "--by", "Петров", "--db", store)
    assert res.exit_code == 0, res.output
    by_fp = {r["fingerprint"]: r for r in listed(store)}
    assert by_fp[FP1]["status"] == "dismissed"
    assert by_fp[FP1]["decision"]["reason"] == "срок назначен верно"
    assert by_fp[FP1]["decision"]["by"] == "Иванова А."
    assert by_fp[FP2]["status"] == "confirmed" and by_fp[FP2]["decision"]["reason"] is None
    assert [r["fingerprint"] for r in listed(store, "--status", "dismissed")] == [FP1]


@pytest.mark.parametrize("args", [
    ("dismiss", FP1, "--by", "X"),               # reason is required
    ("dismiss", FP1, "--reason", "r"),            # reviewer is required
    ("confirm", FP1),
    ("dismiss", FP1, "--reason", "   ", "--by", "X"),  # blank reason
    ("confirm", FP1, "--by", " "),
])
def test_decision_needs_reviewer_and_reason(store, args):
    res = cli("review", *args, "--db", store)
    assert res.exit_code == 2
    assert listed(store, "--status", "dismissed", "--status", "confirmed") == []


@pytest.mark.parametrize("given", ["0123456789abcdef01234567", "abc", "zzzzzzzzzz", FP1[:7]])
def test_unknown_or_malformed_fingerprint_exits_2(store, given):
    res = cli("review", "confirm", given, "--by", "X", "--db", store)
    assert res.exit_code == 2
    assert "legality:" in res.stderr and "Traceback" not in res.output


def test_ambiguous_prefix_exits_2(store):
    conn = connect(store)
    twin = FP1[:10] + ("0" if FP1[10] != "0" else "1") + FP1[11:]
    conn.execute("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                 " first_seen, last_seen, status, candidate) SELECT ?, case_id, rule, offence, severity, first_run,"
                 " last_run, first_seen, last_seen, status, candidate FROM candidates WHERE fingerprint = ?",
                 (twin, FP1))
    conn.close()
    res = cli("review", "confirm", FP1[:10], "--by", "X", "--db", store)
    assert res.exit_code == 2 and FP1 in res.stderr and twin in res.stderr
    assert cli("review", "confirm", FP1[:12], "--by", "X", "--db", store).exit_code == 0


@pytest.mark.parametrize("command", [("review", "list"), ("runs",), ("stats",), ("review", "export")])
def test_missing_store_exits_2_and_is_not_created(make_store_url, backend, command):
    db = make_store_url("nothing")
    res = cli(*command, "--db", db)
    assert res.exit_code == 2 and "legality:" in res.stderr
    if backend == "sqlite":
        assert not Path(db).exists()
    else:  # an empty database: no store in it, and reading made none
        assert "нет хранилища" in res.stderr
        conn = raw_connect(db)
        assert conn.execute("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema()").fetchone()[0] == 0


def test_newer_store_exits_2(store):
    connect(store).execute("INSERT INTO schema_version VALUES (?, 'future', 'now')", (LATEST + 1,))
    res = cli("review", "list", "--db", store)
    assert res.exit_code == 2 and str(LATEST + 1) in res.stderr


def test_export_import_round_trip_is_idempotent(store, tmp_path, make_store_url):
    cli("review", "dismiss", FP1, "--reason", "верно", "--by", "A", "--db", store)
    cli("review", "confirm", FP2, "--by", "B", "--db", store)
    out = tmp_path / "decisions.jsonl"
    assert cli("review", "export", "--output", out, "--db", store).exit_code == 0
    exported = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [(d["fingerprint"], d["action"], d["by"]) for d in exported] == [(FP1, "dismiss", "A"), (FP2, "confirm", "B")]
    assert exported[0]["format"] == "legality.decision/1" and exported[0]["case_id"] == "C-001"

    other = make_store_url("other")
    run_scan(other, batch())
    res = cli("review", "import", out, "--db", other)
    assert res.exit_code == 0 and "решений добавлено: 2" in res.stderr
    res = cli("review", "import", out, "--db", other)
    assert res.exit_code == 0 and "решений добавлено: 0; уже были: 2" in res.stderr
    statuses = {r["fingerprint"]: r["status"] for r in listed(other)}
    assert statuses[FP1] == "dismissed" and statuses[FP2] == "confirmed"
    export_again = cli("review", "export", "--db", other).stdout_bytes
    assert [orjson.loads(x)["at"] for x in export_again.splitlines()] == [d["at"] for d in exported]


def test_import_conflict_is_resolved_by_time_and_reported(store, tmp_path):
    cli("review", "confirm", FP1, "--by", "local", "--db", store)  # now
    older = {"fingerprint": FP1, "action": "dismiss", "reason": "r", "by": "far", "at": "2020-01-01T00:00:00Z"}
    ahead = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    newer = {"fingerprint": FP2, "action": "dismiss", "reason": "r", "by": "far", "at": ahead}  # later, within skew
    cli("review", "confirm", FP2, "--by", "local", "--db", store)
    f = tmp_path / "in.jsonl"
    f.write_bytes(orjson.dumps(older) + b"\n" + orjson.dumps(newer) + b"\n")
    res = cli("review", "import", f, "--db", store)
    assert res.exit_code == 0
    assert res.stderr.count("конфликт ") == 2 and "конфликтов: 2" in res.stderr
    statuses = {r["fingerprint"]: r["status"] for r in listed(store)}
    assert statuses[FP1] == "confirmed" and statuses[FP2] == "dismissed"


def test_import_reports_bad_lines_and_keeps_the_good(store, tmp_path):
    good = {"fingerprint": FP1, "action": "dismiss", "reason": "r", "by": "A", "at": "2024-05-01T10:00:00Z"}
    lines = [b"{not json", orjson.dumps({**good, "action": "erase"}), orjson.dumps({**good, "reason": None}),
             orjson.dumps({**good, "at": "yesterday"}), b"\xff\xfe", orjson.dumps(good), b""]
    f = tmp_path / "in.jsonl"
    f.write_bytes(b"\n".join(lines))
    res = cli("review", "import", f, "--db", store)
    assert res.exit_code == 1
    for n in (1, 2, 3, 4, 5):
        assert f"{f}:{n}: ошибка" in res.stderr
    assert f"{f}:6" not in res.stderr
    assert {r["fingerprint"]: r["status"] for r in listed(store)}[FP1] == "dismissed"


def test_import_unreadable_file_exits_2(store, tmp_path):
    res = cli("review", "import", tmp_path / "absent.jsonl", "--db", store)
    assert res.exit_code == 2


def test_runs_and_stats(store):
    cli("review", "confirm", FP1, "--by", "A", "--db", store)
    cli("review", "dismiss", FP2, "--by", "A", "--reason", "r", "--db", store)
    runs = orjson.loads(cli("runs", "--db", store, "--format", "json").stdout)
    assert runs["format"] == "legality.runs/1"
    (run,) = runs["runs"]
    assert (run["records"], run["flagged"], run["clean"], run["candidates"], run["new"]) == (12, 8, 4, 12, 12)
    stats = orjson.loads(cli("stats", "--db", store, "--format", "json").stdout)["rules"]
    by_rule = {s["rule"]: s for s in stats}
    assert by_rule["rule-a"]["precision"] == 1.0 and by_rule["rule-b"]["precision"] == 0.0
    table = cli("stats", "--db", store).stdout
    assert "Точность" in table and "100 % (n = 1)" in table and "0 % (n = 1)" in table
    assert "завершён" in cli("runs", "--db", store).stdout
