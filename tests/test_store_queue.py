"""The review desk's queries (`store.queue`), users (`store.users`, `legality users`) and the dialect layer,
on SQLite and on PostgreSQL (issue 16).

Why through the scan hook: the queue's columns (court, region, judge, verdict date, article) are
filled when the scan records a candidate; a test that inserted them by hand would not show that they
are.  The expected rows are data: each record's context and findings, and what a filter must return.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.report.context import RecordContext
from legality.result.candidate import fingerprint
from legality.store import queue, review, users
from legality.store.db import connect, describe_pg, migrate, schema_version
from legality.store.dialect import mask_url, to_postgres
from legality.report.context import context_to_json
from legality.store.scanstate import StoreState
from legality.store.schema import LATEST, queue_columns

from test_store import make_line, raw_connect

MEDEU = RecordContext("1951", "Медеуский районный суд г. Алматы", "2024-05-14", (("1", "п.3 ч.2 ст.188"),),
                      region="Алматы", judge_id="J-7", refs=(("1", "188", 2, 3),))
ASTANA = RecordContext("0410", "Сарыаркинский районный суд г. Астаны", "2024-06-03",
                       (("1", "ч.1 ст.190"), ("2", "ч.2 ст.188-1")), region="Астана", judge_id="J-9",
                       refs=(("1", "190", 1, None), ("2", "188-1", 2, None)))
OLD = RecordContext("0410", "Сарыаркинский районный суд г. Астаны", "2023-12-29", (("1", "ч.1 ст.99"),),
                    region="Астана", judge_id="J-9", refs=(("1", "99", 1, None),))
# case, context, findings (rule, episode, actual, severity)
RECORDS = [
    ("C-1", MEDEU, [("rule-a", "1", 1, "high"), ("rule-b", "1", 2, "medium")]),
    ("C-2", ASTANA, [("rule-a", "2", 3, "high")]),
    ("C-3", ASTANA, [("rule-c", None, 4, "low")]),  # about the whole verdict: the record's first article
    ("C-4", OLD, [("rule-a", "1", 5, "medium")]),
    ("C-5", None, [("rule-b", None, 6, "high")]),  # no context (an older release): no columns
]


def fp(case: str, rule: str, offence, actual) -> str:
    return fingerprint(case, rule, offence, actual)


def scan_records(db, records=RECORDS) -> None:
    st = StoreState(db, batch_records=2)
    st.open(rules_version="v1", inputs=["night.jsonl"], options={})
    for i, (case_id, ctx, findings) in enumerate(records, start=1):
        line = make_line("night.jsonl", i, case_id, [(r, off, act) for r, off, act, _sev in findings])
        line.candidates = [dataclasses.replace(c, severity=sev) for c, (_r, _o, _a, sev) in zip(line.candidates, findings)]
        st.record(line, hashlib.sha256(case_id.encode()).hexdigest(), ctx)
    st.close({}, completed=True)


@pytest.fixture
def desk(store_url):
    scan_records(store_url)
    conn = connect(store_url)
    yield conn
    conn.close()


def cases(rows) -> list[tuple[str, str]]:
    return [(r["case_id"], r["rule"]) for r in rows]


# ---- the queue


def test_columns_are_filled_from_the_record_context(desk):
    rows, total = queue.list_queue(desk, sort="case", limit=10)
    assert total == 6
    got = {(r["case_id"], r["rule"]): (r["court"], r["region"], r["judge"], r["verdict_date"], r["article"])
           for r in rows}
    assert got == {
        ("C-1", "rule-a"): ("Медеуский районный суд г. Алматы", "Алматы", "J-7", "2024-05-14", "188"),
        ("C-1", "rule-b"): ("Медеуский районный суд г. Алматы", "Алматы", "J-7", "2024-05-14", "188"),
        ("C-2", "rule-a"): ("Сарыаркинский районный суд г. Астаны", "Астана", "J-9", "2024-06-03", "188-1"),
        ("C-3", "rule-c"): ("Сарыаркинский районный суд г. Астаны", "Астана", "J-9", "2024-06-03", "190"),
        ("C-4", "rule-a"): ("Сарыаркинский районный суд г. Астаны", "Астана", "J-9", "2023-12-29", "99"),
        ("C-5", "rule-b"): (None, None, None, None, None),
    }
    row = next(r for r in rows if r["case_id"] == "C-1" and r["rule"] == "rule-a")
    assert row["title"] == "t rule-a" and row["version"] == 0 and row["decision"] is None
    assert row["candidate"]["fingerprint"] == row["fingerprint"] == fp("C-1", "rule-a", "1", 1)


@pytest.mark.parametrize("filters,expected", [
    ({"court": "Медеуский районный суд г. Алматы"}, [("C-1", "rule-a"), ("C-1", "rule-b")]),
    ({"region": ["Астана"], "article": "99"}, [("C-4", "rule-a")]),
    ({"judge": "J-9", "severity": ["high", "low"]}, [("C-2", "rule-a"), ("C-3", "rule-c")]),
    ({"rule": "rule-b"}, [("C-1", "rule-b"), ("C-5", "rule-b")]),
    ({"date_from": "2024-01-01", "date_to": "2024-05-31"}, [("C-1", "rule-a"), ("C-1", "rule-b")]),
    ({"date_to": "2023-12-29"}, [("C-4", "rule-a")]),
    ({"article": ["188", "188-1"]}, [("C-1", "rule-a"), ("C-1", "rule-b"), ("C-2", "rule-a")]),
    ({"case": "C-3"}, [("C-3", "rule-c")]),
    ({"statuses": ["dismissed"]}, []),
])
def test_filters(desk, filters, expected):
    rows, total = queue.list_queue(desk, sort="case", **filters)
    assert cases(rows) == expected and total == len(expected)


@pytest.mark.parametrize("sort,descending,expected", [
    ("severity", False, ["C-1", "C-2", "C-5", "C-1", "C-4", "C-3"]),
    ("verdict_date", False, ["C-4", "C-1", "C-1", "C-2", "C-3", "C-5"]),  # no date: last
    ("verdict_date", True, ["C-3", "C-2", "C-1", "C-1", "C-4", "C-5"]),  # no date: last either way
    ("court", False, ["C-1", "C-1", "C-2", "C-3", "C-4", "C-5"]),
    # the stored text in code-point order, the same on both engines (PostgreSQL's columns are COLLATE "C")
    ("article", False, ["C-1", "C-1", "C-2", "C-3", "C-4", "C-5"]),
])
def test_sorting_is_stable_and_puts_missing_values_last(desk, sort, descending, expected):
    rows, _ = queue.list_queue(desk, sort=sort, descending=descending)
    assert [r["case_id"] for r in rows] == expected


def test_pages_cover_the_queue_once(desk):
    seen = []
    for offset in range(0, 6, 4):
        rows, total = queue.list_queue(desk, sort="verdict_date", limit=4, offset=offset)
        assert total == 6
        seen += [r["fingerprint"] for r in rows]
    assert len(seen) == len(set(seen)) == 6


def test_a_decision_leaves_the_default_queue_and_shows_in_the_case(desk):
    target = fp("C-1", "rule-a", "1", 1)
    review.decide(desk, target, "dismiss", by="Иванова", reason="норма применена верно", expected_version=0)
    rows, total = queue.list_queue(desk)
    assert total == 5 and target not in [r["fingerprint"] for r in rows]
    rows, total = queue.list_queue(desk, statuses=None)
    assert total == 6
    decided = next(r for r in rows if r["fingerprint"] == target)
    assert decided["status"] == "dismissed" and decided["version"] == 1
    assert (decided["decision"].by, decided["decision"].reason) == ("Иванова", "норма применена верно")

    view = queue.case_view(desk, "C-1")
    assert [r["rule"] for r in view] == ["rule-a", "rule-b"]  # most severe first
    assert view[0]["context"].court == "Медеуский районный суд г. Алматы" and view[0]["context"].judge_id == "J-7"
    assert [(d.by, d.action) for d in view[0]["history"]] == [("Иванова", "dismiss")]
    assert view[1]["history"] == [] and view[1]["decision"] is None
    assert queue.case_view(desk, "C-404") == []


def test_facet_values(desk):
    f = queue.facet_values(desk)
    assert f["courts"] == ["Медеуский районный суд г. Алматы", "Сарыаркинский районный суд г. Астаны"]
    assert f["regions"] == ["Алматы", "Астана"] and f["judges"] == ["J-7", "J-9"]
    assert f["articles"] == ["99", "188", "188-1", "190"]  # in article order, not text order
    assert f["rules"] == ["rule-a", "rule-b", "rule-c"]
    assert f["severities"] == ["high", "medium", "low"] and f["statuses"] == ["new"]


def test_dashboard_counts(desk):
    review.decide(desk, fp("C-1", "rule-a", "1", 1), "dismiss", by="A", reason="верно")
    review.decide(desk, fp("C-2", "rule-a", "2", 3), "dismiss", by="B", reason="верно")
    review.decide(desk, fp("C-4", "rule-a", "1", 5), "dismiss", by="B", reason="иная редакция")
    review.decide(desk, fp("C-1", "rule-b", "1", 2), "confirm", by="A", reason=None)
    d = queue.dashboard(desk)
    assert d["total"] == 6
    assert d["by_status"] == {"dismissed": 3, "new": 2, "confirmed": 1}
    assert d["by_verdict_month"] == [("2023-12", 1), ("2024-05", 2), ("2024-06", 2)]
    assert sum(n for _m, n in d["by_month"]) == 6
    assert d["by_court"] == [("Сарыаркинский районный суд г. Астаны", 3), ("Медеуский районный суд г. Алматы", 2)]
    assert d["by_region"] == [("Астана", 3), ("Алматы", 2)]
    assert dict(d["by_article"]) == {"188": 2, "188-1": 1, "190": 1, "99": 1}
    rules = {r["rule"]: r for r in d["rules"]}
    assert (rules["rule-a"]["dismissed"], rules["rule-a"]["confirmed"], rules["rule-a"]["precision"]) == (3, 0, 0.0)
    assert rules["rule-a"]["reasons"] == [("верно", 2), ("иная редакция", 1)]
    assert rules["rule-b"]["precision"] == 1.0 and rules["rule-b"]["reasons"] == []
    assert rules["rule-a"]["title"] == "t rule-a"
    assert d["coverage"]["run"] == 1 and d["coverage"]["records"] == 5


def test_a_store_of_the_previous_release_gets_the_columns_back_filled(store_url):
    """Schema step 6 on a store with candidates and decisions: columns from the kept context, and each
    candidate's version = the decisions it had."""
    conn = raw_connect(store_url)
    assert migrate(conn, target=5) == 5
    for i, (case, ctx, off) in enumerate([("C-1", MEDEU, "1"), ("C-3", ASTANA, None), ("C-5", None, None)]):
        conn.execute("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                     " first_seen, last_seen, status, candidate, context) VALUES (?, ?, 'r', ?, 'high', 1, 1,"
                     " 't', 't', 'dismissed', '{}', ?)", (f"{i:024x}", case, off, context_to_json(ctx)))
    for at in ("2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.000000Z"):
        conn.execute("INSERT INTO decisions (fingerprint, action, reason, by, at, effective) VALUES"
                     " (?, 'dismiss', 'r', 'I', ?, ?)", (f"{0:024x}", at, at))
    conn.close()
    conn = connect(store_url)
    assert schema_version(conn) == LATEST
    got = conn.execute("SELECT case_id, court, region, judge, verdict_date, article, version FROM candidates"
                       " ORDER BY case_id").fetchall()
    assert [tuple(r) for r in got] == [
        ("C-1", "Медеуский районный суд г. Алматы", "Алматы", "J-7", "2024-05-14", "188", 2),
        ("C-3", "Сарыаркинский районный суд г. Астаны", "Астана", "J-9", "2024-06-03", "190", 0),
        ("C-5", None, None, None, None, None, 0),
    ]


@pytest.mark.parametrize("context,offence,expected", [
    (None, "1", (None,) * 5),
    # a context of an older release: four items, the article read from its text
    ('["1951", "", "2024-01-01", [["1", "ч.2 ст.188-1"]]]', "1", ("1951", None, None, "2024-01-01", "188-1")),
    ("not json", None, (None,) * 5),
])
def test_queue_columns_of_odd_contexts(context, offence, expected):
    assert queue_columns(context, offence) == expected


# ---- users


def test_users_add_verify_role_remove(store_url):
    conn = connect(store_url, create=True)
    head = users.add_user(conn, "Иванова", "head", "секрет 1")
    assert (head.name, head.role, head.active, head.has_password, head.is_head) == ("Иванова", "head", True, True, True)
    proxy = users.add_user(conn, " Петров ", "reviewer")
    assert proxy.name == "Петров" and not proxy.has_password
    assert users.verify_password(conn, "Иванова", "секрет 1") == head
    assert users.verify_password(conn, "Иванова", "секрет 2") is None
    assert users.verify_password(conn, "Петров", "") is None  # no password: the proxy names them
    assert users.verify_password(conn, "Никто", "секрет 1") is None
    stored = conn.execute("SELECT password FROM users WHERE name = 'Иванова'").fetchone()[0]
    assert "секрет" not in stored and stored.startswith("scrypt$")
    with pytest.raises(users.UserError):
        users.add_user(conn, "Иванова", "reviewer")
    with pytest.raises(users.UserError):
        users.add_user(conn, "X", "admin")
    with pytest.raises(users.UserError):
        users.set_role(conn, "Никто", "head")
    assert users.set_role(conn, "Петров", "head").role == "head"
    users.deactivate(conn, "Иванова")
    assert users.verify_password(conn, "Иванова", "секрет 1") is None
    assert [(u.name, u.active) for u in users.list_users(conn)] == [("Иванова", False), ("Петров", True)]
    assert [u.name for u in users.list_users(conn, include_inactive=False)] == ["Петров"]
    back = users.add_user(conn, "Иванова", "reviewer", "новый")  # a removed user comes back
    assert back.active and back.role == "reviewer" and users.verify_password(conn, "Иванова", "новый") == back


def test_two_salted_hashes_of_one_password_differ():
    a, b = users.hash_password("пароль"), users.hash_password("пароль")
    assert a != b and users.check_password("пароль", a) and users.check_password("пароль", b)
    assert not users.check_password("пароль", "garbage") and not users.check_password("пароль", "md5$x$y$z$w$v")


def cli(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def test_users_cli(store_url):
    res = cli("users", "add", "Иванова", "--role", "head", "--password-stdin", "--db", store_url, input="пароль 1\n")
    assert res.exit_code == 0, res.output
    assert "Иванова" in res.stdout and "руководитель" in res.stdout and "пароль 1" not in res.output
    assert cli("users", "add", "Петров", "--role", "reviewer", "--db", store_url).exit_code == 0
    listed = orjson.loads(cli("users", "list", "--db", store_url, "-f", "json").stdout)
    assert [(u["name"], u["role"], u["password"], u["active"]) for u in listed] == [
        ("Иванова", "head", True, True), ("Петров", "reviewer", False, True)]
    table = cli("users", "list", "--db", store_url).stdout
    assert "проверяющий" in table and "через прокси" in table and "reviewer" not in table
    assert cli("users", "role", "Петров", "head", "--db", store_url).exit_code == 0
    assert cli("users", "password", "Петров", "--db", store_url, input="новый\n").exit_code == 0
    assert cli("users", "remove", "Иванова", "--db", store_url).exit_code == 0
    conn = connect(store_url)
    assert users.verify_password(conn, "Петров", "новый").role == "head"
    assert users.get_user(conn, "Иванова").active is False
    again = cli("users", "add", "Петров", "--role", "reviewer", "--db", store_url)
    assert again.exit_code == 2 and "уже есть" in again.stderr
    missing = cli("users", "role", "Никто", "head", "--db", store_url)
    assert missing.exit_code == 2 and "Никто" in missing.stderr
    empty = cli("users", "add", "X", "--role", "head", "--password-stdin", "--db", store_url, input="\n")
    assert empty.exit_code == 2


# ---- the dialect layer


@pytest.mark.parametrize("sql,expected", [
    ("SELECT a FROM t WHERE b = ? AND c LIKE 'x%?'", "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%?'"),
    ("BEGIN IMMEDIATE", "BEGIN"),
    ("SELECT 1 FROM c WHERE person_id IS ? AND x = ?", "SELECT 1 FROM c WHERE person_id IS NOT DISTINCT FROM %s AND x = %s"),
    ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT 'TEXT')",
     "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL"
     " DEFAULT 'TEXT')"),
    ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
])
def test_sql_for_postgres(sql, expected):
    assert to_postgres(sql) == expected


@pytest.mark.parametrize("url,shown", [
    ("postgresql://legality:s3cr%40t@db.local:5432/legality", "postgresql://legality:***@db.local:5432/legality"),
    ("postgresql://legality@db.local/legality?password=x&sslmode=require",
     "postgresql://legality@db.local/legality?password=***&sslmode=require"),
    ("postgres://u@h/d", "postgres://u@h/d"),
    ("/var/lib/legality/legality.db", "/var/lib/legality/legality.db"),
    ("postgresql://", "postgresql://"),  # the local socket: shown as typed, not «postgresql:»
])
def test_a_password_is_never_shown(url, shown):
    assert mask_url(url) == shown


def test_connection_errors_name_the_server_not_the_password(pg_server):
    url = pg_server.url("no_such_db").replace("postgres@", "postgres:топсекрет@")
    res = cli("runs", "--db", url)
    assert res.exit_code == 2 and "базы данных нет" in res.stderr
    assert "топсекрет" not in res.output and "***" in res.stderr and "Traceback" not in res.output
    res = cli("review", "list", "--db", "postgresql://u:pw@127.0.0.1:1/x")
    assert res.exit_code == 2 and "сервер не отвечает" in res.stderr and ":pw@" not in res.output


def test_describe_pg_wording():
    class Fake(Exception):
        sqlstate = "28P01"

    assert "неверное имя пользователя или пароль" in describe_pg(Fake("password authentication failed"),
                                                               "postgresql://u:p@h/d")


@pytest.mark.parametrize("libpq,words", [
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused',
     "соединение отклонено"),
    ('connection is bad: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
     "No such file or directory", "на этой машине нет сокета сервера"),
    ("failed to resolve host 'db.invalid': [Errno -2] Name or service not known", "имя сервера не найдено"),
    ('could not translate host name "db.invalid" to address', "имя сервера не найдено"),
    ("connection failed: timeout expired", "время ожидания истекло"),
])
def test_a_server_that_cannot_be_reached_is_said_in_words(libpq, words):
    """libpq's own text is English; the clerk reads why in Russian, and where to look."""
    text = describe_pg(OSError(libpq), "postgresql://u:pw@db.invalid/x")
    assert "сервер не отвечает" in text and f"({words})" in text
    assert not re.search(r"[A-Za-z]{4,}", text.replace("PostgreSQL", "").replace("postgresql", "")
                         .replace("db.invalid", "")), text
    assert ":pw@" not in text


@pytest.mark.parametrize("url", ["mysql://u@h/d", "http://host/x.db", "MSSQL://x"])
def test_a_store_url_of_another_kind_is_refused_before_anything_is_opened(tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    res = cli("runs", "--db", url)
    assert res.exit_code == 2 and "такого хранилища нет" in res.output and "postgresql://" in res.output
    assert list(tmp_path.iterdir()) == []  # no folder «mysql:» with a store in it


def test_a_head_assigns_findings_and_the_queue_filters_by_them(desk):
    users.add_user(desk, "Петров", "reviewer")
    users.add_user(desk, "Сидорова", "reviewer")
    target = fp("C-2", "rule-a", "2", 3)
    assert queue.assign(desk, target, "Петров", by="Иванова") == 1
    assert queue.assign_case(desk, "C-1", "Сидорова", by="Иванова") == 2
    rows, total = queue.list_queue(desk, assigned_to="Петров")
    assert cases(rows) == [("C-2", "rule-a")] and total == 1
    assert (rows[0]["assigned_by"], rows[0]["version"]) == ("Иванова", 0)  # not a decision: version unchanged
    assert rows[0]["assigned_at"] is not None
    assert [r[0] for r in cases(queue.list_queue(desk, unassigned=True, sort="case")[0])] == ["C-3", "C-4", "C-5"]
    assert queue.facet_values(desk)["assignees"] == ["Петров", "Сидорова"]
    queue.assign(desk, target, None, by="Иванова")  # back to anyone's
    assert queue.list_queue(desk, assigned_to="Петров")[1] == 0
    with pytest.raises(users.UserError):
        queue.assign(desk, target, "Никто", by="Иванова")
    users.deactivate(desk, "Сидорова")
    with pytest.raises(users.UserError):
        queue.assign(desk, target, "Сидорова", by="Иванова")
    with pytest.raises(review.UnknownFingerprint):
        queue.assign(desk, "f" * 24, "Петров", by="Иванова")


@pytest.mark.parametrize("sort,descending", [("severity", False), ("verdict_date", True), ("court", False),
                                             ("first_seen", False), ("article", True)])
def test_a_page_of_a_large_queue_is_read_in_index_order(sqlite_store_of_20000, sort, descending):
    """100,000 candidates must page fast: the page's query walks the sort's index and stops after LIMIT
    rows, it never sorts the whole queue (SQLite's plan says so; measured: ~15 ms a page at 100,000)."""
    conn = sqlite_store_of_20000
    key = queue.SORTS[sort]
    direction = " DESC" if descending else ""
    sql = (f"SELECT id FROM candidates WHERE status IN ('new', 'known') ORDER BY {key}{direction} NULLS LAST,"
           f" case_id{direction}, rule{direction}, fingerprint{direction} LIMIT 50 OFFSET 0")
    plan = " ".join(str(r[-1]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "TEMP B-TREE" not in plan, plan
    rows, total = queue.list_queue(conn, sort=sort, descending=descending)
    assert len(rows) == 50 and total == 13_333  # two of every three are open


@pytest.fixture(scope="module")
def sqlite_store_of_20000(tmp_path_factory):
    conn = connect(tmp_path_factory.mktemp("large") / "large.db", create=True)
    status = ("dismissed", "new", "known")
    rows = [(f"{i:024x}", f"C-{i // 2}", f"rule-{i % 60}", ("high", "medium", "low")[i % 3], status[i % 3],
             f"Суд {i % 200}", f"20{18 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}", str(90 + i % 300))
            for i in range(20_000)]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run,"
                     " first_seen, last_seen, status, candidate, court, verdict_date, article) VALUES"
                     " (?, ?, ?, '1', ?, 1, 1, 't', 't', ?, '{}', ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    yield conn
    conn.close()


def test_a_scan_never_logs_the_password_of_its_url(pg_server, tmp_path):
    """The nightly job's log and stderr name the store without its password (the server trusts us
    here, so any password works)."""
    from support.synth import write_batch

    url = pg_server.fresh().replace("postgres@", "postgres:pass-w0rd-42@")
    batch = write_batch(tmp_path / "batch.jsonl", 20)
    res = CliRunner().invoke(main, ["scan", str(batch), "--db", url, "-f", "jsonl", "-j", "1", "--no-progress"])
    assert res.exit_code in (0, 1), res.output
    assert "postgres:***@" in res.stderr and "pass-w0rd-42" not in res.stderr + res.stdout
    table = cli("runs", "--db", url)
    assert table.exit_code == 0 and "pass-w0rd-42" not in table.output


def test_without_psycopg_a_url_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    res = cli("runs", "--db", "postgresql://u:secret@db.local/legality")
    assert res.exit_code == 2 and "legality[postgres]" in res.stderr and "secret" not in res.stderr


def test_a_sqlite_url_is_the_file_it_names(tmp_path, monkeypatch):
    """`--db sqlite:///path` (relative) and `sqlite:////abs/path`, as SQLAlchemy spells them, name the file."""
    from support.synth import write_batch

    monkeypatch.chdir(tmp_path)
    batch = write_batch(tmp_path / "batch.jsonl", 10)
    res = CliRunner().invoke(main, ["scan", str(batch), "--db", "sqlite:///rel.db", "-f", "jsonl", "-j", "1",
                                    "--no-progress"])
    assert res.exit_code in (0, 1), res.output
    assert (tmp_path / "rel.db").is_file()
    absolute = f"sqlite:///{tmp_path / 'abs.db'}"  # sqlite:////tmp/…
    assert cli("users", "add", "A", "--role", "head", "--db", absolute).exit_code == 0
    assert (tmp_path / "abs.db").is_file()
    assert cli("runs", "--db", "sqlite:///rel.db").exit_code == 0
