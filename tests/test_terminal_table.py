"""The terminal table, the progress bar and the report filters of `scan` (issue 14, review User 1 §1–§2).

Why a fake engine: the table, the bar and the filters are under test, not the rules; the batch
(`test_report_formats.raws`) has two flagged cases (one high, one high + medium), a clean one, two
invalid records and one on which the engine fails (not fully checked).
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import orjson
import pytest
from rich.console import Console

from legality.report.base import FormatOptions
from legality.report.filter import CandidateFilter, article_key
from legality.scan.run import run_scan
from legality.store.scanstate import StoreState
from support.fakes import FakeEngine, fake_factory
from test_report_formats import raws


def table(width: int = 160, sources=(), **options) -> str:
    out = io.BytesIO()
    run_scan(list(sources), FakeEngine(), out, fmt="table", raws=raws(),
             options=FormatOptions(width=width, **options))
    return out.getvalue().decode()


# ---- bug 1: the progress bar leaves nothing behind


def screen(data: str, width: int) -> list[str]:
    """What a terminal shows after `data`: enough of VT100 for rich's output (text, CR, LF, cursor
    up, erase line, colours ignored)."""
    rows: list[list[str]] = [[]]
    r = c = 0
    for tok in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]", data):
        if tok == "\r":
            c = 0
        elif tok == "\n":
            r += 1
            c = 0
        elif tok.startswith("\x1b["):
            arg, op = tok[2:-1], tok[-1]
            if op == "A":
                r = max(0, r - int(arg or 1))
            elif op == "K":
                while len(rows) <= r:
                    rows.append([])
                rows[r] = [] if arg == "2" else rows[r][:c]
            continue  # colours, cursor show/hide
        else:
            while len(rows) <= r:
                rows.append([])
            line = rows[r]
            line.extend(" " * (c - len(line)))
            if c < len(line):
                line[c] = tok
            else:
                line.append(tok)
            c += 1
        while len(rows) <= r:
            rows.append([])
    return ["".join(x).rstrip() for x in rows]


@pytest.mark.parametrize("width", [100, 200])
def test_the_progress_bar_is_gone_when_the_table_is_printed(width):
    """The bar (stderr) and the table (stdout) share one terminal; after the run the first line on the
    screen is the table's title, not a stale «0 записей …» frame (review bug 1)."""
    shared = io.BytesIO()
    term = Console(file=io.TextIOWrapper(shared, encoding="utf-8", write_through=True), force_terminal=True,
                   width=width)
    run_scan([], FakeEngine(), shared, fmt="table", raws=raws(), progress=True, progress_console=term,
             options=FormatOptions(width=width, color=True))
    data = shared.getvalue().decode()
    assert "в секунду" in data  # the bar was drawn …
    lines = [ln for ln in screen(data, width) if ln.strip()]
    assert lines[0].strip() == "Кандидаты в протест"  # … and erased before the table
    assert not any("в секунду" in ln or "с нарушениями:" in ln and "некорректных:" in ln and "⠋" in ln
                   for ln in lines)


def test_the_screen_emulator_sees_a_stale_frame():
    """The checker itself: a frame that is not erased stays on the screen (guards the test above)."""
    stale = "\x1b[?25l\r\x1b[2K⠋ 0 записей 0 в секунду\x1b[?25h" + "Кандидаты в протест\n"
    assert screen(stale, 100)[0].startswith("⠋ 0 записей")
    erased = "\r\x1b[2K⠋ 0 записей\n\r\x1b[1A\x1b[2K" + "Кандидаты в протест\n"
    assert screen(erased, 100)[0] == "Кандидаты в протест"


# ---- the table


def test_candidates_first_most_severe_case_first_invalid_only_counted():
    text = table()
    first_case = text.index("A-1")
    assert text.index("=HYPERLINK(1)") > first_case  # both high: input order
    assert "BAD-1" not in text and "batch.jsonl" not in text  # invalid records are counted, not listed
    assert "Некорректных записей: 2, проверены не полностью: 1 — список: --show-invalid" in text


def test_show_invalid_lists_them_with_file_and_line_after_the_candidates():
    text = table(show_invalid=True)
    assert text.index("Некорректные и не полностью проверенные записи") > text.index("A-1")
    for needle in ("BAD-1", "batch.jsonl:3", "BAD-2", "batch.jsonl:6", "boom-1", "batch.jsonl:5"):
        assert needle in text
    assert "— список: --show-invalid" not in text


def test_the_case_cell_names_court_judge_date_and_article_not_the_file():
    text = table()
    block = text[text.index("A-1"):text.index("=HYPERLINK(1)")]
    for needle in ("Ауэзовский районный суд г. Алматы", "судья J-0412", "приговор от 15.03.2024",
                   "п.1 ч.3 ст.188 УК РК"):
        assert needle in block


def test_no_rule_id_raw_code_or_field_path_in_the_table(monkeypatch):
    made = FakeEngine._cand

    def clean_message(*args):  # the fake rules' messages print raw values; the table's own text must not
        c = made(*args)
        c.message = "Сообщение правила."
        return c

    monkeypatch.setattr(FakeEngine, "_cand", staticmethod(clean_message))
    text = table(show_invalid=False)
    for needle in ("attempt-term-cap", "regime-maximum", "medium", "high", "fake-1"):
        assert needle not in text
    assert "Срок за покушение выше 3/4 максимума" in text
    assert "назначено: 4 года; закон допускает: не более 3 лет" in text
    assert "ч.3 ст.56 УК РК" in text


def test_the_footer_in_words_with_the_rules_edition():
    text = table(sources=[SimpleNamespace(name=f"f{i}.jsonl") for i in range(34)])
    assert "Прочитано: 34 файла, 7 записей" in text
    assert "Найдено: 3 замечания (важность: высокая — 2, средняя — 1, низкая — 0)" in text
    assert re.search(r"Редакция правил от \d\d\.\d\d\.\d{4}", text)
    one = table(sources=[SimpleNamespace(name="one.jsonl")])
    assert "Прочитано: 1 файл, 7 записей" in one


@pytest.mark.parametrize("width", [100, 200])
def test_no_line_is_wider_than_the_terminal(width):
    assert max(len(ln) for ln in table(width=width).splitlines()) <= width


# ---- filters


def lines(fmt: str = "jsonl", jobs: int = 1, **flt) -> tuple[list[dict], object]:
    out = io.BytesIO()
    summary = run_scan([], FakeEngine(), out, fmt=fmt, raws=raws(), jobs=jobs, factory=fake_factory,
                       options=FormatOptions(candidate_filter=CandidateFilter(**flt)))
    return [orjson.loads(ln) for ln in out.getvalue().splitlines()], summary


def shown(rows: list[dict]) -> list[tuple[str, str]]:
    return [(r["case_id"], c["rule"]) for r in rows for c in r["candidates"]]


# (filter, the candidates shown)
FILTERS = [
    ({}, [("A-1", "attempt-term-cap"), ("=HYPERLINK(1)", "regime-maximum"), ("=HYPERLINK(1)", "attempt-term-cap")]),
    ({"severities": ("medium",)}, [("=HYPERLINK(1)", "regime-maximum")]),
    ({"severities": ("high", "medium")},
     [("A-1", "attempt-term-cap"), ("=HYPERLINK(1)", "regime-maximum"), ("=HYPERLINK(1)", "attempt-term-cap")]),
    ({"rules": ("attempt-term-cap",)}, [("A-1", "attempt-term-cap"), ("=HYPERLINK(1)", "attempt-term-cap")]),
    ({"courts": ("АУЭЗОВСКИЙ",)}, [("A-1", "attempt-term-cap")]),          # part of the name, any case
    ({"courts": ("1951",)}, []),                                            # a code no record has
    ({"courts": ("«суд»",)}, [("=HYPERLINK(1)", "regime-maximum"), ("=HYPERLINK(1)", "attempt-term-cap")]),
    ({"articles": ("188",)},
     [("A-1", "attempt-term-cap"), ("=HYPERLINK(1)", "regime-maximum"), ("=HYPERLINK(1)", "attempt-term-cap")]),
    ({"articles": ("188-1",)}, []),                                         # 188-1 is not 188
    ({"articles": ("188",), "severities": ("medium",)}, [("=HYPERLINK(1)", "regime-maximum")]),  # every criterion
]


@pytest.mark.parametrize("flt, expected", FILTERS)
def test_filters_choose_the_candidates_shown(flt, expected):
    rows, summary = lines(**flt)
    assert shown(rows) == expected
    assert summary.candidates == 3  # the counts (and so --fail-on) see every candidate


@pytest.mark.parametrize("flt", [f for f, _ in FILTERS])
def test_a_filtered_report_is_the_same_with_workers(flt):
    """A filtered streaming format is rendered in the main process: --jobs 2 gives the same bytes."""
    assert lines(jobs=1, **flt)[0] == lines(jobs=2, **flt)[0]


def test_records_without_candidates_pass_a_filter_and_the_table_counts_what_it_hid():
    rows, _ = lines(severities=("medium",))
    assert {r["status"] for r in rows} == {"flagged", "invalid", "partial"}
    text = table(candidate_filter=CandidateFilter(severities=("medium",)))
    assert "Скрыто фильтром: 2 замечания" in text
    assert "A-1" not in text


def test_the_store_records_every_candidate_of_a_filtered_scan(store_url):
    """Hidden is not gone: `--db` must see the hidden candidates, or it would mark them resolved (both engines)."""
    db = store_url
    state = StoreState(db)
    state.open(rules_version="fake-1", inputs=["batch.jsonl"], options={})
    out = io.BytesIO()
    run_scan([], FakeEngine(), out, fmt="jsonl", raws=raws(), state=state,
             options=FormatOptions(candidate_filter=CandidateFilter(severities=("medium",))))
    state.close({}, completed=True)
    from legality.store.db import connect

    stored = connect(db).execute("SELECT rule FROM candidates ORDER BY rule").fetchall()
    assert [r for (r,) in stored] == ["attempt-term-cap", "attempt-term-cap", "regime-maximum"]
    assert shown([orjson.loads(ln) for ln in out.getvalue().splitlines()]) == [("=HYPERLINK(1)", "regime-maximum")]


@pytest.mark.parametrize("given, key", [("188", "188"), ("188-1", "188-1"), (" ст. 188-1 ", "188-1"),
                                         ("188-бап", "188"), ("ч.2 ст.188", None), ("abc", None), ("", None)])
def test_article_numbers(given, key):
    assert article_key(given) == key


def test_the_article_filter_reads_the_findings_episode():
    from legality.report.context import RecordContext

    flt = CandidateFilter(articles=("188",))
    from legality.report.context import RecordContext

    ctx = RecordContext("1", "Суд", "2024-01-01", (("1", "ч.1 ст.190"),), refs=(("1", "190", 1, None),))
    assert not flt.keeps("high", "r", "1", ctx)
    assert flt.keeps("high", "r", "1", RecordContext("1", "Суд", "2024-01-01", (("1", "ч.1 ст.188"),)))
    several = RecordContext("1", "Суд", "2024-01-01", (("1", "ч.1 ст.190"), ("2", "ч.2 ст.188")),
                            refs=(("1", "190", 1, None), ("2", "188", 2, None)))
    assert flt.keeps("high", "r", None, several)      # a finding on the whole verdict: any of its articles
    assert not flt.keeps("high", "r", "1", several)   # a finding on episode 1: its own article only


# ---- the command line (the shipped rules on the fixtures)


def scan_cli(*args):
    from click.testing import CliRunner

    from legality.cli import main

    return CliRunner().invoke(main, ["scan", "fixtures/verdicts", "-f", "jsonl", "--no-progress", "-j", "1", *args],
                              catch_exceptions=False)


def test_a_hidden_high_candidate_still_fails_the_run():
    """`--fail-on` judges the run, not what the filter shows (documented in the README)."""
    res = scan_cli("--severity", "low", "--fail-on", "high")
    assert res.exit_code == 1
    rows = [orjson.loads(ln) for ln in res.stdout.splitlines()]
    assert all(c["severity"] == "low" for r in rows for c in r["candidates"])
    assert "Скрыто фильтром: " in res.stderr


@pytest.mark.parametrize("args, message", [
    (("--rule", "no-such-rule"), "нет такого правила: no-such-rule"),
    (("--article", "ч.2 ст.188"), "не номер статьи"),
    (("--severity", "critical"), "critical"),
])
def test_a_bad_filter_is_a_usage_error(args, message):
    res = scan_cli(*args)
    assert res.exit_code == 2 and message in res.output
    assert res.stdout == "" or not res.stdout.startswith("{")


def test_with_a_store_the_table_shows_each_findings_status(tmp_path):
    state = StoreState(tmp_path / "l.db")
    state.open(rules_version="fake-1", inputs=["batch.jsonl"], options={})
    out = io.BytesIO()
    run_scan([], FakeEngine(), out, fmt="table", raws=raws(), state=state,
             options=FormatOptions(width=160, review_status=state.status_of))
    state.close({}, completed=True)
    assert out.getvalue().decode().count("новое") == 3


def test_the_table_in_kazakh():
    from legality import i18n

    i18n.set_language("kk")
    try:
        text = table()
    finally:
        i18n.set_language("ru")
    for needle in ("Наразылыққа үміткерлер", "Маңыздылығы", "жылғы үкім", "ережелер редакциясы", "--show-invalid"):
        assert needle in text
    for needle in ("Найдено", "Прочитано", "Редакция правил", "приговор от", "судья J-0412\n"):
        assert needle not in text
