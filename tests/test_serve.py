"""The review desk (`legality serve`, issue 16): its pages, its users and its forms, over a real store.

Why this way: each test starts from a store filled by a real `legality scan --db` of `fixtures/` (48
candidates of 48 cases) and drives the application through Starlette's TestClient as a browser would —
signing in, following links, posting the page's own forms with the page's own CSRF token and version —
and then reads the store to see what was recorded.  Every test runs on SQLite and, when a PostgreSQL
server can be started (tests/support/pg.py; always under CI=true), on PostgreSQL.  The pages' visible
text is checked by the same leak scanner as every other human output (tests/test_human_outputs.py).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from legality.cli import main  # noqa: E402
from legality.serve.app import create_app  # noqa: E402
from legality.serve.settings import Settings, load_secret  # noqa: E402
from legality.store import queue, users  # noqa: E402
from legality.store.db import connect  # noqa: E402
from support import pg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PASSWORD = "correct horse battery"
PEOPLE = {"ivanova": "reviewer", "petrov": "reviewer", "akhmetova": "head"}

# ---- the store and the application


def _scan(db: str, tmp: Path) -> None:
    res = CliRunner().invoke(main, ["scan", str(FIXTURES), "--db", db, "-o", str(tmp / "report.jsonl")],
                             catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output


@pytest.fixture(scope="session")
def scanned_sqlite(tmp_path_factory) -> Path:
    """One scan of the fixtures into SQLite, copied for each test (a scan per test would cost seconds)."""
    tmp = tmp_path_factory.mktemp("scanned")
    db = tmp / "template.db"
    _scan(str(db), tmp)
    conn = connect(str(db))
    for name, role in PEOPLE.items():
        users.add_user(conn, name, role, password=PASSWORD)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


@pytest.fixture(scope="session")
def scanned_pg(request, tmp_path_factory) -> str:
    """The same scan into a PostgreSQL schema, copied for each test (tests/support/pg.py's server)."""
    server = request.getfixturevalue("pg_server")
    url = server.fresh("template")
    _scan(url, tmp_path_factory.mktemp("scanned-pg"))
    conn = connect(url)
    for name, role in PEOPLE.items():
        users.add_user(conn, name, role, password=PASSWORD)
    conn.close()
    return url


@pytest.fixture
def db(request, backend, store_url, scanned_sqlite) -> str:
    """A store as the morning after a nightly scan of the fixtures, with three users."""
    if backend == "sqlite":
        shutil.copy(scanned_sqlite, store_url)
    else:
        pg.copy_into(request.getfixturevalue("pg_server"), request.getfixturevalue("scanned_pg"), store_url)
    return store_url


def settings(db: str, **kw) -> Settings:
    return Settings(db=db, secret="s" * 48, **kw)


@pytest.fixture
def app(db):
    return create_app(settings(db))


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "the page has no CSRF token"
    return m.group(1)


def signed_in(app, name: str = "ivanova") -> TestClient:
    client = TestClient(app)
    page = client.get("/login")
    res = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf(page.text), "next": "/"},
                      follow_redirects=False)
    assert res.status_code == 303, res.text
    return client


def store(db: str):
    return connect(db)


def queue_fingerprints(html: str) -> list[str]:
    return re.findall(r'<tr class="candidate" data-fingerprint="([0-9a-f]+)"', html)


def a_case(db: str, **filters) -> dict:
    conn = store(db)
    try:
        rows, _total = queue.list_queue(conn, limit=1, **filters)
        return rows[0]
    finally:
        conn.close()


def case_url(case_id: str) -> str:
    from urllib.parse import quote

    return "/case/" + quote(case_id, safe="")


def form_of(html: str, fingerprint: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form for this finding and action, as the browser would post them."""
    for form in re.findall(r"<form method=\"post\" action=\"[^\"]*/decide\">(.*?)</form>", html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        if fields.get("fingerprint") == fingerprint and fields.get("action") == action:
            return fields
    raise AssertionError(f"no {action} form for {fingerprint}")


def decisions_of(db: str, fp: str) -> list[tuple]:
    conn = store(db)
    try:
        return [tuple(r) for r in conn.execute("SELECT action, reason, by FROM decisions WHERE fingerprint = ?"
                                               " ORDER BY id", (fp,)).fetchall()]
    finally:
        conn.close()


# ---- no page without a user


@pytest.mark.parametrize("path", ["/", "/dashboard", "/case/2018-R001-01", "/case/2018-R001-01/protest.docx",
                                  "/?court=x&page=2"])
def test_every_page_needs_a_user(app, path):
    """Auth local: a visitor without a session is sent to the login page (and back after it)."""
    res = TestClient(app).get(path, follow_redirects=False)
    assert res.status_code == 303
    target = urlsplit(res.headers["location"])
    assert target.path == "/login" and dict(parse_qsl(target.query))["next"] == path


def test_login_refuses_a_wrong_password_and_returns_to_the_page_asked_for(app):
    client = TestClient(app)
    page = client.get("/login?next=/dashboard")
    bad = client.post("/login", data={"name": "ivanova", "password": "nope", "csrf": csrf(page.text),
                                      "next": "/dashboard"}, follow_redirects=False)
    assert bad.status_code == 401 and "Неверное имя или пароль" in bad.text
    assert client.get("/", follow_redirects=False).status_code == 303
    ok = client.post("/login", data={"name": "akhmetova", "password": PASSWORD, "csrf": csrf(bad.text),
                                     "next": "/dashboard"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/dashboard"
    # an address off this site is never a redirect target
    evil = signed_in(app).get("/login?next=//evil.example/x", follow_redirects=False)
    assert evil.headers["location"] == "/"


def test_a_deactivated_user_is_signed_out(app, db):
    client = signed_in(app, "petrov")
    assert client.get("/").status_code == 200
    conn = store(db)
    users.deactivate(conn, "petrov")
    conn.close()
    assert client.get("/", follow_redirects=False).status_code == 303


# ---- the queue


def test_queue_shows_the_open_candidates_with_their_count(app, db):
    page = signed_in(app).get("/")
    assert page.status_code == 200
    conn = store(db)
    _rows, total = queue.list_queue(conn, statuses=("new", "known"))
    conn.close()
    assert total == 48
    assert "48 замечаний" in page.text
    assert len(queue_fingerprints(page.text)) == min(total, Settings.page_size)


def test_queue_filters_come_from_the_query_string(app, db):
    """Each filter narrows the queue exactly as the store's query does; the link can be shared."""
    conn = store(db)
    facets = queue.facet_values(conn)
    court = facets["courts"][0]
    expected, total = queue.list_queue(conn, court=court, limit=500)
    by_article, n_article = queue.list_queue(conn, article=facets["articles"][0], limit=500)
    by_rule, n_rule = queue.list_queue(conn, rule=facets["rules"][0], limit=500)
    by_date, n_date = queue.list_queue(conn, date_from="2020-01-01", date_to="2022-12-31", limit=500)
    high, n_high = queue.list_queue(conn, severity="high", limit=500)
    conn.close()
    client = signed_in(app)
    for params, rows in ((("court", court),), expected), ((("article", facets["articles"][0]),), by_article), \
            ((("rule", facets["rules"][0]),), by_rule), \
            ((("date_from", "2020-01-01"), ("date_to", "2022-12-31")), by_date), ((("severity", "high"),), high):
        page = client.get("/", params=dict(params))
        assert sorted(queue_fingerprints(page.text)) == sorted(r["fingerprint"] for r in rows), params
        # shared with a colleague: the same address shows the same rows
        other = signed_in(app, "petrov").get(str(page.url).split("testserver", 1)[1])
        assert queue_fingerprints(other.text) == queue_fingerprints(page.text)
    assert 0 < total < 48 and 0 < n_date < 48 and 0 < n_high <= 48
    bad = client.get("/?date_from=31.12.2020")
    assert bad.status_code == 200 and "не дата" in bad.text


def test_queue_status_filter_and_sorting(app, db):
    client = signed_in(app)
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    client.post(case_url(row["case_id"]) + "/decide",
                data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "верно по ст.55"})
    assert row["fingerprint"] not in queue_fingerprints(client.get("/").text)
    assert queue_fingerprints(client.get("/?status=dismissed").text) == [row["fingerprint"]]
    conn = store(db)
    dates = dict((r["fingerprint"], r["verdict_date"]) for r in queue.list_queue(conn, limit=500)[0])
    conn.close()
    asc = [dates[f] for f in queue_fingerprints(client.get("/?sort=verdict_date").text)]
    desc = [dates[f] for f in queue_fingerprints(client.get("/?sort=verdict_date&desc=1").text)]
    assert asc == sorted(asc) and desc == sorted(desc, reverse=True) and asc[0] < desc[0]


def test_queue_pages(db):
    app = create_app(settings(db, page_size=20))
    client = signed_in(app)
    first = client.get("/")
    assert "страница 1 из 3" in first.text and "1–20 из 48 замечаний" in first.text
    pages = [queue_fingerprints(first.text)]
    for n in (2, 3):
        pages.append(queue_fingerprints(client.get(f"/?page={n}").text))
    assert [len(p) for p in pages] == [20, 20, 8]
    assert len(set(sum(pages, []))) == 48  # no row twice, none left out
    assert 'rel="next"' in first.text and 'rel="next"' not in client.get("/?page=3").text


# ---- a case


def test_case_page_shows_the_verdict_findings_explanation_and_forms(app, db):
    row = a_case(db)
    page = signed_in(app).get(case_url(row["case_id"]))
    assert page.status_code == 200
    assert row["court"] in page.text
    assert row["title"] in page.text
    assert "Разбор проверки" in page.text and "Итог:" in page.text  # the prosecutor's explain view
    fields = form_of(page.text, row["fingerprint"], "dismiss")
    assert fields["version"] == str(row["version"]) and fields["csrf"]
    assert signed_in(app).get("/case/no-such-case").status_code == 404


def test_case_page_without_the_export_file_shows_what_the_store_has(app, db):
    """The export moved away: the page says so and still shows the findings and the stored particulars."""
    conn = store(db)
    conn.execute("UPDATE records SET file = ?", ("/nonexistent/export.jsonl",))
    conn.close()
    row = a_case(db)
    page = signed_in(app).get(case_url(row["case_id"]))
    assert page.status_code == 200
    assert "файл перемещён или изменён" in page.text
    assert row["title"] in page.text and row["court"] in page.text
    assert "Разбор проверки" not in page.text


def test_dismiss_without_a_reason_is_refused(app, db):
    client = signed_in(app)
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    res = client.post(case_url(row["case_id"]) + "/decide",
                      data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "   "})
    assert res.status_code == 400 and "укажите причину" in res.text
    assert decisions_of(db, row["fingerprint"]) == []


def test_dismiss_with_a_reason_is_recorded_with_the_user(app, db):
    client = signed_in(app, "petrov")
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    res = client.post(case_url(row["case_id"]) + "/decide",
                      data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "ч.5 ст.55 применена верно"},
                      follow_redirects=False)
    assert res.status_code == 303
    assert decisions_of(db, row["fingerprint"]) == [("dismiss", "ч.5 ст.55 применена верно", "petrov")]
    after = client.get(res.headers["location"])
    assert "ч.5 ст.55 применена верно" in after.text and "petrov" in after.text and "отклонено" in after.text


def test_what_people_typed_is_shown_as_text_not_markup(app, db):
    """A reason is data: «<script>» in it reaches the page escaped, as every text of a record does."""
    client = signed_in(app)
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    res = client.post(case_url(row["case_id"]) + "/decide",
                      data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "<script>alert(1)</script>"})
    assert res.status_code == 200
    assert "<script>" not in res.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in res.text


def test_the_name_is_the_users_not_the_forms(app, db):
    """A `by` field slipped into the form changes nothing: the decision is the signed-in user's."""
    client = signed_in(app)
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    client.post(case_url(row["case_id"]) + "/decide",
                data={**form_of(page.text, row["fingerprint"], "confirm"), "by": "akhmetova"})
    assert decisions_of(db, row["fingerprint"]) == [("confirm", None, "ivanova")]


def test_confirm_then_download_the_draft(app, db):
    from docx import Document

    client = signed_in(app)
    row = a_case(db, severity="high")
    url = case_url(row["case_id"])
    assert client.get(url + "/protest.docx").status_code == 409  # nothing confirmed yet
    page = client.get(url)
    assert 'id="protest"' not in page.text
    client.post(url + "/decide", data=form_of(page.text, row["fingerprint"], "confirm"))
    page = client.get(url)
    assert 'id="protest"' in page.text
    res = client.get(url + "/protest.docx")
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in res.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(res.content)).paragraphs)
    assert "АПЕЛЛЯЦИОННОЕ ХОДАТАЙСТВО" in text
    assert f"ст.{row['article']}" in text and row["case_id"] in text
    assert row["title"].rstrip(".") in text


# ---- forms only from our pages


def test_a_post_without_the_csrf_token_is_refused(app, db):
    client = signed_in(app)
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    fields = form_of(page.text, row["fingerprint"], "confirm")
    for token in (None, "", "x" * 43, csrf(signed_in(app, "petrov").get("/").text)):
        data = {k: v for k, v in fields.items() if k != "csrf"}
        if token is not None:
            data["csrf"] = token
        res = client.post(case_url(row["case_id"]) + "/decide", data=data, follow_redirects=False)
        assert res.status_code == 403, token
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/login", data={"name": "ivanova", "password": PASSWORD}).status_code == 403
    assert decisions_of(db, row["fingerprint"]) == []


# ---- the proxy's header


def test_header_auth(db):
    app = create_app(settings(db, auth="header"))
    client = TestClient(app)
    none = client.get("/")
    assert none.status_code == 401 and "прокси" in none.text
    stranger = client.get("/", headers={"X-Remote-User": "stranger"})
    assert stranger.status_code == 403 and "stranger" in stranger.text and "legality users add" in stranger.text
    ok = client.get("/", headers={"X-Remote-User": "petrov"})
    assert ok.status_code == 200 and "petrov" in ok.text
    row = a_case(db)
    page = client.get(case_url(row["case_id"]), headers={"X-Remote-User": "petrov"})
    client.post(case_url(row["case_id"]) + "/decide", headers={"X-Remote-User": "petrov"},
                data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "дубль"})
    assert decisions_of(db, row["fingerprint"]) == [("dismiss", "дубль", "petrov")]
    assert client.get("/dashboard", headers={"X-Remote-User": "petrov"}).status_code == 403
    assert client.get("/dashboard", headers={"X-Remote-User": "akhmetova"}).status_code == 200


def test_a_cyrillic_name_from_the_proxy(db):
    """nginx passes `$remote_user` as the UTF-8 bytes of the login: «Иванова» is found as a user."""
    conn = store(db)
    users.add_user(conn, "Иванова", "reviewer")
    conn.close()
    client = TestClient(create_app(settings(db, auth="header")))
    page = client.get("/", headers={"X-Remote-User": "Иванова".encode("utf-8")})
    assert page.status_code == 200 and "Иванова" in page.text


def test_the_header_is_ignored_without_header_auth(app):
    """With --auth local, a client sending X-Remote-User is still a visitor without a session."""
    res = TestClient(app).get("/", headers={"X-Remote-User": "akhmetova"}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/login")


def test_signing_out_ends_the_session(app):
    client = signed_in(app)
    page = client.get("/")
    res = client.post("/logout", data={"csrf": csrf(page.text)}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_no_auth_is_one_local_user_with_the_heads_rights(db):
    client = TestClient(create_app(settings(db, auth="none", single_user="prosecutor")))
    assert client.get("/dashboard").status_code == 200
    row = a_case(db)
    page = client.get(case_url(row["case_id"]))
    client.post(case_url(row["case_id"]) + "/decide", data={**form_of(page.text, row["fingerprint"], "dismiss"),
                                                            "reason": "верно"})
    assert decisions_of(db, row["fingerprint"]) == [("dismiss", "верно", "prosecutor")]


# ---- the head's dashboard


def test_dashboard_only_for_the_head_and_it_follows_the_decisions(app, db):
    assert signed_in(app, "ivanova").get("/dashboard").status_code == 403
    head = signed_in(app, "akhmetova")
    before = head.get("/dashboard")
    assert before.status_code == 200
    assert "<svg" in before.text and "Замечания по судам" in before.text and "проверены полностью" in before.text
    row = a_case(db)
    page = head.get(case_url(row["case_id"]))
    head.post(case_url(row["case_id"]) + "/decide",
              data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "причина для сводки"})
    after = head.get("/dashboard")
    assert "причина для сводки" not in before.text and "«причина для сводки» — 1" in after.text
    assert "0 % (из 1 решения)" in after.text


# ---- the head gives cases to reviewers


def test_the_head_assigns_a_case_and_the_reviewer_finds_it_in_their_queue(app, db):
    head, ivanova = signed_in(app, "akhmetova"), signed_in(app, "ivanova")
    row = a_case(db)
    url = case_url(row["case_id"])
    assert 'action="' + url + '/assign"' not in ivanova.get(url).text  # a reviewer has no such form
    refused = ivanova.post(url + "/assign", data={"csrf": csrf(ivanova.get(url).text), "assignee": "ivanova"})
    assert refused.status_code == 403
    page = head.get(url)
    res = head.post(url + "/assign", data={"csrf": csrf(page.text), "assignee": "ivanova"}, follow_redirects=False)
    assert res.status_code == 303
    mine = ivanova.get("/?assigned=me")
    assert queue_fingerprints(mine.text) == [row["fingerprint"]]
    assert row["fingerprint"] not in queue_fingerprints(ivanova.get("/?assigned=nobody").text)
    assert "назначено проверяющему ivanova (akhmetova" in ivanova.get(url).text
    # an assignment is not a decision: the reviewer's open page stays valid
    assert decisions_of(db, row["fingerprint"]) == []
    bad = head.post(url + "/assign", data={"csrf": csrf(page.text), "assignee": "stranger"})
    assert bad.status_code == 400 and "stranger" in bad.text


# ---- two reviewers at once


def test_a_decision_on_a_stale_page_shows_the_conflict(app, db):
    row = a_case(db)
    url = case_url(row["case_id"])
    a, b = signed_in(app, "ivanova"), signed_in(app, "petrov")
    page_a, page_b = a.get(url), b.get(url)
    a.post(url + "/decide", data={**form_of(page_a.text, row["fingerprint"], "dismiss"), "reason": "верно"})
    res = b.post(url + "/decide", data=form_of(page_b.text, row["fingerprint"], "confirm"))
    assert res.status_code == 409
    assert "ivanova" in res.text and "верно" in res.text
    assert decisions_of(db, row["fingerprint"]) == [("dismiss", "верно", "ivanova")]
    # the conflict page carries the new version: deciding again from it is taken
    again = b.post(url + "/decide", data=form_of(res.text, row["fingerprint"], "confirm"), follow_redirects=False)
    assert again.status_code == 303
    assert decisions_of(db, row["fingerprint"])[-1] == ("confirm", None, "petrov")


# ---- languages


def test_kazakh_pages_and_the_choice_is_remembered(app, db):
    client = signed_in(app)
    kk = client.get("/?lang=kk")
    assert '<html lang="kk">' in kk.text and "Ескертулер кезегі" in kk.text
    assert '<html lang="kk">' in client.get("/").text  # remembered in the session
    row = a_case(db)
    case = client.get(case_url(row["case_id"]))
    assert '<html lang="kk">' in case.text and "Растау" in case.text
    # the findings are read again in Kazakh, not shown in the nightly scan's Russian
    from legality.serve.verdicts import engine_for

    kk_title = {r.id: r.title for r in engine_for(None, "kk").rules}[row["rule"]]
    assert kk_title in case.text and row["candidate"]["message"] not in case.text
    assert '<html lang="ru">' in client.get("/?lang=ru").text


def test_concurrent_requests_each_in_their_own_language(app):
    """Readers in Russian and Kazakh at the same time: no page comes out in the other's language."""
    ru, kk = signed_in(app, "ivanova"), signed_in(app, "petrov")
    kk.get("/?lang=kk")
    lock = threading.Lock()
    seen: list[tuple[str, str]] = []

    def visit(i: int) -> None:
        want, client = ("kk", kk) if i % 2 else ("ru", ru)
        page = client.get("/").text
        got = re.search(r'<html lang="(\w+)">', page).group(1)
        word = "Ескертулер кезегі" if want == "kk" else "Очередь замечаний"
        with lock:
            seen.append((want, got if word in page else "mixed"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(visit, range(24)))
    assert all(want == got for want, got in seen), seen


# ---- no identifiers in what a prosecutor reads


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_identifier_in_the_pages(app, db, lang):
    from test_human_outputs import html_text, leaks

    head = signed_in(app, "akhmetova")
    head.get(f"/?lang={lang}")
    conn = store(db)
    rows, _n = queue.list_queue(conn, statuses=None, limit=500)
    conn.close()
    # decisions, so the history, the conflict text and the dashboard's reasons are on the pages too
    for row, action in zip(rows[:3], ("confirm", "dismiss", "confirm")):
        page = head.get(case_url(row["case_id"]))
        head.post(case_url(row["case_id"]) + "/decide",
                  data={**form_of(page.text, row["fingerprint"], action), "reason": "проверено"})
    found: list[str] = []
    pages = {"/": head.get("/"), "/dashboard": head.get("/dashboard"), "/?status=confirmed": head.get("/?status=confirmed")}
    for row in rows:
        pages[row["case_id"]] = head.get(case_url(row["case_id"]))
    pages["/login"] = TestClient(app).get(f"/login?lang={lang}")
    # the pages that refuse: an unknown case, a dismissal without its reason, a stale decision, a reviewer's dashboard
    refusals = {"404": head.get("/case/no-such-case")}
    row = rows[5]
    page = head.get(case_url(row["case_id"]))
    refusals["400"] = head.post(case_url(row["case_id"]) + "/decide",
                                data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": ""})
    head.post(case_url(row["case_id"]) + "/decide", data=form_of(page.text, row["fingerprint"], "confirm"))
    refusals["409"] = head.post(case_url(row["case_id"]) + "/decide",
                                data={**form_of(page.text, row["fingerprint"], "dismiss"), "reason": "позже"})
    reviewer = signed_in(app, "ivanova")
    reviewer.get(f"/?lang={lang}")
    refusals["403"] = reviewer.get("/dashboard")
    for status, res in refusals.items():
        assert str(res.status_code) == status
        found += leaks("serve", lang, status, html_text(res.text))
    for where, res in pages.items():
        assert res.status_code == 200, where
        assert f'<html lang="{lang}">' in res.text, where
        found += leaks("serve", lang, where, html_text(res.text))
    assert not found, "\n".join(found[:40])


# ---- the command


def test_serve_refuses_no_auth_on_the_network(tmp_path, db):
    res = CliRunner().invoke(main, ["serve", "--db", db, "--auth", "none", "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "--host 127.0.0.1" in res.output


def test_serve_needs_a_secret_file_for_postgresql():
    res = CliRunner().invoke(main, ["serve", "--db", "postgresql://nobody@/none"])
    assert res.exit_code == 2 and "--secret-file" in res.output


def test_serve_refuses_rules_that_do_not_compile(tmp_path, db):
    res = CliRunner().invoke(main, ["serve", "--db", db, "--secret-file", str(tmp_path / "key"),
                                    "--rules", str(tmp_path / "no-rules")])
    assert res.exit_code == 2 and "не компилируются" in res.output


def test_the_session_key_is_made_once_private(tmp_path):
    db = str(tmp_path / "legality.db")
    key = load_secret(db, None)
    path = tmp_path / "legality-serve.secret"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(db, None) == key and len(key) >= 32
    assert load_secret(db, str(path)) == key


# ---- a regional office's queue: 100,000 candidates


def _fill(db: str, n: int) -> dict:
    """`n` candidates written straight into the store (as many nights of scans would leave them), by one
    INSERT … SELECT over a counter, so the store makes them itself (seconds, not minutes, on PostgreSQL).
    Rule, severity, finding and context cycle through the 40 real candidates; court (40), region (5),
    judge (300), verdict date (2019–2024), article (5) and status (new, known, dismissed) vary with the
    counter."""
    conn = connect(db)
    pg = getattr(conn, "dialect", "sqlite") == "postgresql"
    fp = "lpad(to_hex(n.i), 64, '0')" if pg else "printf('%064x', n.i)"
    day = ("(2019 + n.i % 6) || '-' || lpad(CAST(n.i % 12 + 1 AS TEXT), 2, '0') || '-' || "
           "lpad(CAST(n.i % 28 + 1 AS TEXT), 2, '0')") if pg else \
        "printf('%04d-%02d-%02d', 2019 + n.i % 6, n.i % 12 + 1, n.i % 28 + 1)"
    judge = "'J-' || lpad(CAST(n.i % 300 AS TEXT), 4, '0')" if pg else "printf('J-%04d', n.i % 300)"
    try:
        from legality.store.db import transaction

        with transaction(conn):
            conn.execute("CREATE TEMPORARY TABLE tmpl AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, rule, severity,"
                         " candidate, context FROM candidates")
            k = int(conn.execute("SELECT count(*) FROM tmpl").fetchone()[0])
            conn.execute(
                "INSERT INTO candidates (fingerprint, case_id, rule, offence, severity, first_run, last_run, first_seen,"
                " last_seen, status, candidate, context, court, region, judge, verdict_date, article)"
                " WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                f" SELECT {fp}, 'S-' || n.i, t.rule, '1', t.severity, 1, 1, '2026-12-01T21:30:00.000000Z',"
                " '2026-12-01T21:30:00.000000Z',"
                " CASE (n.i / 7) % 4 WHEN 3 THEN 'dismissed' WHEN 2 THEN 'known' ELSE 'new' END, t.candidate, t.context,"
                " 'Районный суд № ' || (n.i % 40 + 1) || ' г. Алматы',"
                " CASE n.i % 5 WHEN 0 THEN 'Алматы' WHEN 1 THEN 'Астана' WHEN 2 THEN 'Шымкент'"
                " WHEN 3 THEN 'Карагандинская область' ELSE 'Атырауская область' END,"
                f" {judge}, {day},"
                " CASE n.i % 5 WHEN 0 THEN '188' WHEN 1 THEN '190' WHEN 2 THEN '293' WHEN 3 THEN '296' ELSE '99' END"
                f" FROM n JOIN tmpl t ON t.k = n.i % {k}", (n - 1,))
            conn.execute("DROP TABLE tmpl")
        conn.execute("ANALYZE")  # as the nightly job's maintenance would: the planner knows the table
        court = "Районный суд № 8 г. Алматы"
        n_court = int(conn.execute("SELECT count(*) FROM candidates WHERE court = ? AND status IN ('new', 'known')",
                                   (court,)).fetchone()[0])
        return {"court": court, "n_court": n_court}
    finally:
        conn.close()


@pytest.mark.slow
def test_the_queue_of_100000_candidates_stays_fast(db):
    import time

    facts = _fill(db, 100_000)
    client = signed_in(create_app(settings(db)))
    client.get("/")  # the rule titles are compiled once per language, not per page
    slowest = 0.0
    for url in ("/", f"/?court={facts['court']}", "/?sort=verdict_date&desc=1", "/?page=1500",
                "/?date_from=2023-01-01&date_to=2023-03-31&sort=court", "/?status=dismissed&article=293&page=40"):
        t = time.perf_counter()
        page = client.get(url)
        slowest = max(slowest, time.perf_counter() - t)
        assert page.status_code == 200 and queue_fingerprints(page.text), url
    # measured 0.7–1.9 s on the development machine (the store's count and sort); 5 s leaves room for a busy CI
    assert slowest < 5.0, f"a queue page took {slowest:.2f} s"
    court = client.get("/", params={"court": facts["court"]})
    assert words_count(facts["n_court"]) in court.text


def words_count(n: int) -> str:
    from legality import words

    return words.count(n, "замечание")
