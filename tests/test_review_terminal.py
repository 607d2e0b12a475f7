"""`review`, `runs` and `stats` for a prosecutor (issue 14; review User 1 §8, bug 11).

Why a store built here: the candidates carry their record's context (court, verdict date, articles:
schema step 5), which `review list` shows and filters by; the times are fixed UTC moments so the
local rendering can be checked (21:30 UTC is 02:30 of the next day in Almaty).
"""

from __future__ import annotations

import hashlib

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.report.context import RecordContext
from legality.store import review as decisions
from legality.store.db import connect
from legality.store.scanstate import StoreState
from test_store import make_line

MEDEU = RecordContext("1951", "Медеуский районный суд г. Алматы", "2024-05-01", (("1", "ч.2 ст.188"),),
                      region="Алматы", judge_id="J-7", refs=(("1", "188", 2, None),))
ASTANA = RecordContext("0410", "Сарыаркинский районный суд г. Астаны", "2024-06-03",
                       (("1", "ч.1 ст.190"), ("2", "ч.2 ст.188-1")), refs=(("1", "190", 1, None), ("2", "188-1", 2, None)))
# (case, episode, context)
RECORDS = [("C-1", "1", MEDEU), ("C-2", "2", ASTANA), ("C-3", None, ASTANA)]
AT = "2026-12-01T21:30:00.000000Z"  # 02:30 on 02.12.2026 in Almaty, 00:30 in Moscow


@pytest.fixture
def store(store_url):
    """The three records with their contexts, on each engine (`store_url`)."""
    db = store_url
    st = StoreState(db, batch_records=2)
    st.open(rules_version="v1", inputs=["night.jsonl"], options={"rules_edition": "2026-12-02"})
    for i, (case_id, offence, ctx) in enumerate(RECORDS, start=1):
        line = make_line("night.jsonl", i, case_id, [("rule-a", offence, i)])
        st.record(line, hashlib.sha256(case_id.encode()).hexdigest(), ctx)
    st.close({"records": len(RECORDS)}, completed=True)
    conn = connect(db)
    conn.execute("UPDATE runs SET started = ?, finished = ?", (AT, AT))
    conn.execute("UPDATE candidates SET first_seen = ?, last_seen = ?", (AT, AT))
    conn.close()
    return db


def fp(store, case_id: str) -> str:
    conn = connect(store)
    try:
        return conn.execute("SELECT fingerprint FROM candidates WHERE case_id = ?", (case_id,)).fetchone()[0]
    finally:
        conn.close()


def cli(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})},
                              catch_exceptions=False)


def listed(store, *args) -> list[dict]:
    res = cli("review", "list", "--db", store, "--format", "jsonl", *args)
    assert res.exit_code == 0, res.output
    return [orjson.loads(line) for line in res.stdout.splitlines()]


def test_jsonl_is_readable_utf8(store):
    """Bug 11: the reason and the title as written, not \\u0432…"""
    conn = connect(store)
    decisions.decide(conn, fp(store, "C-1"), "dismiss", by="Иванова А.", reason="вред возмещён — см. л.д. 145")
    conn.close()
    res = cli("review", "list", "--db", store, "--format", "jsonl", "--status", "dismissed")
    assert "вред возмещён — см. л.д. 145" in res.stdout and "Иванова А." in res.stdout
    assert "\\u" not in res.stdout
    row = orjson.loads(res.stdout)
    assert row["first_seen"] == AT and row["decision"]["at"].endswith("Z")  # machine output: UTC ISO


@pytest.mark.parametrize("args, cases", [
    ((), ["C-1", "C-2", "C-3"]),
    (("--court", "1951"), ["C-1"]),                      # a court code
    (("--court", "сарыаркинский"), ["C-2", "C-3"]),      # a part of the name, any case
    (("--court", "1951", "--court", "0410"), ["C-1", "C-2", "C-3"]),
    (("--article", "188"), ["C-1"]),
    (("--article", "188-1"), ["C-2", "C-3"]),            # C-3: a finding on the whole verdict, any of its articles
    (("--article", "190"), ["C-3"]),
    (("--court", "0410", "--article", "190"), ["C-3"]),
    (("--severity", "medium"), []),
    (("--rule", "rule-a", "--rule", "rule-b"), ["C-1", "C-2", "C-3"]),
])
def test_list_filters_by_court_and_article(store, args, cases):
    assert sorted(r["case_id"] for r in listed(store, *args)) == cases


def test_list_limit_applies_after_the_court_filter(store):
    assert [r["case_id"] for r in listed(store, "--court", "0410", "--limit", "1")] == ["C-2"]


def test_a_bad_article_is_a_usage_error(store):
    res = cli("review", "list", "--db", store, "--article", "ч.2 ст.188")
    assert res.exit_code == 2 and "не номер статьи" in res.output


def test_the_table_shows_court_article_decision_and_local_times(store):
    conn = connect(store)
    decisions.decide(conn, fp(store, "C-2"), "dismiss", by="Иванова А.", reason="вред возмещён", at=AT)
    conn.close()
    text = cli("review", "list", "--db", store, "--format", "table").stdout
    for needle in ("№ замечания", "Важность", "Медеуский районный суд г. Алматы", "приговор от 01.05.2024",
                   "эпизод 2 (ч.2 ст.188-1 УК РК)", "отклонено: вред возмещён", "Иванова А., 02.12.2026 02:30",
                   "t rule-a"):
        assert needle in text
    for needle in ("Тяжесть", "Отпечаток", "2026-12-01", "rule-a │"):
        assert needle not in text
    moscow = cli("review", "list", "--db", store, "--format", "table", env={"LEGALITY_TZ": "Europe/Moscow"}).stdout
    assert "Иванова А., 02.12.2026 00:30" in moscow


def test_a_decision_repeats_the_case_and_rule_title(store):
    res = cli("review", "confirm", fp(store, "C-2")[:10], "--by", "Петров", "--db", store)
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"Замечание № {fp(store, 'C-2')[:12]} подтверждено: дело C-2, эпизод 2, «t rule-a» "
                                 "(Петров, ")


def test_the_reviewer_may_come_from_legality_reviewer(store):
    res = cli("review", "dismiss", fp(store, "C-1"), "--reason", "верно", "--db", store,
              env={"LEGALITY_REVIEWER": "Иванова А."})
    assert res.exit_code == 0, res.output
    assert listed(store, "--status", "dismissed")[0]["decision"]["by"] == "Иванова А."
    res = cli("review", "dismiss", fp(store, "C-2"), "--reason", "верно", "--by", "Петров", "--db", store,
              env={"LEGALITY_REVIEWER": "Иванова А."})
    assert [r["decision"]["by"] for r in listed(store, "--case", "C-2")] == ["Петров"]  # --by wins


@pytest.mark.parametrize("command", [("review", "list", "--format", "table"), ("runs",),
                                     ("review", "confirm", "0" * 12, "--by", "X")])
def test_a_bad_time_zone_exits_2_before_anything(store, command):
    res = cli(*command, "--db", store, env={"LEGALITY_TZ": "Asia/Nowhere"})
    assert res.exit_code == 2
    assert "неизвестный часовой пояс «Asia/Nowhere» (LEGALITY_TZ)" in res.output
    assert listed(store, "--status", "confirmed") == []


def test_runs_in_local_time_with_the_rules_edition(store):
    text = cli("runs", "--db", store).stdout
    assert "02.12.2026 02:30" in text and "от 02.12.2026" in text and "Начат (UTC)" not in text
    runs = orjson.loads(cli("runs", "--db", store, "--format", "json").stdout)["runs"]
    assert runs[0]["started"] == AT and runs[0]["rules_edition"] == "2026-12-02"


def test_stats_shows_the_title_and_the_sample_size(store):
    conn = connect(store)
    decisions.decide(conn, fp(store, "C-1"), "confirm", by="A", reason=None)
    conn.close()
    text = cli("stats", "--db", store).stdout
    assert "t rule-a" in text and "100 % (n = 1)" in text
    assert "rule-a │" not in text.replace("t rule-a", "")


def test_a_candidate_recorded_before_contexts_were_kept_is_listed_without_them(store):
    conn = connect(store)
    conn.execute("UPDATE candidates SET context = NULL WHERE case_id = 'C-1'")
    conn.close()
    assert [r["case_id"] for r in listed(store, "--court", "1951")] == []
    text = cli("review", "list", "--db", store, "--format", "table").stdout
    assert "C-1" in text and "Медеуский" not in text
