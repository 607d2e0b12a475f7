"""The review desk in a real browser: `legality serve` in its own process, driven by headless Chromium.

Why a second suite beside tests/test_serve.py: that one posts the pages' forms through Starlette's
TestClient; this one lets Chromium do what a reviewer does — type a name and password into the login
form, pick a court from the drop-down and press «Показать», follow a link, press «Отклонить» with the
reason box empty, download the draft into a folder — so the HTML's forms, buttons, `required`
fields, redirects, cookies, the Content-Disposition of the draft and the Content-Security-Policy are
tested as a browser reads them, not as a test client imagines them.

The store is what an office has the morning after: a real `legality scan --db` of `fixtures/`, users
added with `legality users add … --password-stdin`, then `legality serve` started as a command on a free
port of 127.0.0.1 (its own session key file, as in production).  Each engine (SQLite, and PostgreSQL
when tests/support/pg.py can start a server; always under CI=true) gets one store and one server for
the module; each test works on cases of its own (`Desk.plan`), so the tests do not depend on their order.

Skipped without Chromium, except under CI=true (tests/support/browser.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from legality import words
from legality.cli import main
from legality.serve.settings import Settings
from legality.store import queue
from legality.store.db import connect

from support.browser import download_into, require_chromium, severe_console_errors, start_chromium, wait_for_file

pytestmark = pytest.mark.browser
pytest.importorskip("uvicorn", reason="the serve extra is not installed (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PASSWORD = "лето в Туркестане 2026"
REVIEWER, HEAD = "Иванова", "Ахметова"
WAIT = 15.0  # seconds any page may take on a busy CI machine; every wait is bounded by it
START = 60.0  # seconds `legality serve` may take to answer its first request


# ---- the office: a scanned store, its users, a running desk


@dataclass
class Desk:
    backend: str
    db: str
    base: str
    downloads: Path
    plan: dict[str, dict[str, Any]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def store(self) -> Any:
        return connect(self.db)


def _cli(*args: str, stdin: str | None = None) -> str:
    res = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    return res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as res:
            return res.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _plan(db: str) -> dict[str, dict[str, Any]]:
    """Which open candidates each test decides on: cases of their own, so no test sees another's decision.
    `dashboard-*`: two candidates of the rule with the most candidates (its numbers on the dashboard)."""
    conn = connect(db)
    try:
        rows, total = queue.list_queue(conn, limit=500, sort="case")
    finally:
        conn.close()
    # the tests find their rows on the queue's first page
    assert total <= Settings.page_size, "more fixture candidates than one page of the queue holds"
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_rule.setdefault(r["rule"], []).append(r)
    busiest = max(by_rule.values(), key=len)
    assert len(busiest) >= 2, "the fixtures should give some rule two candidates"
    plan = {"dashboard-confirm": busiest[0], "dashboard-dismiss": busiest[1]}
    taken = {r["case_id"] for r in plan.values()}
    single = [r for r in rows if r["rule"] != busiest[0]["rule"] and r.get("article") and r["case_id"] not in taken
              and sum(1 for x in rows if x["case_id"] == r["case_id"]) == 1]
    for purpose, row in zip(("open", "dismiss", "confirm", "redirect", "assign"), single):
        plan[purpose] = row
    assert len(plan) == 7
    return plan


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def desk(request, tmp_path_factory) -> Desk:
    """`legality serve` over a freshly scanned store with a reviewer and a head (local sign-in)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp(f"desk-{request.param}")
    args: list[str] = []
    if request.param == "postgresql":
        db = request.getfixturevalue("pg_server").fresh("desk")
        key = tmp / "session.key"
        key.write_text("k" * 48)
        key.chmod(0o600)
        args = ["--secret-file", str(key)]
    else:
        db = str(tmp / "legality.db")  # the key file is made beside it on the first start
    _cli("scan", str(FIXTURES), "--db", db, "-o", str(tmp / "report.jsonl"))
    for name, role in ((REVIEWER, "reviewer"), (HEAD, "head")):
        _cli("users", "add", name, "--role", role, "--password-stdin", "--db", db, stdin=PASSWORD + "\n")
    port = _free_port()
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from legality.cli import main; main()", "serve", "--db", db,
                                 "--host", "127.0.0.1", "--port", str(port), *args],
                                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "LEGALITY_LANG": "ru"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START
        while not _answers(base + "/login"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"legality serve did not start (exit {proc.poll()}):\n"
                                     + log.read_text(errors="replace")[-3000:])
            time.sleep(0.1)
        if request.param == "sqlite":  # made on the first start, readable by the service's user only
            assert (tmp / "legality-serve.secret").stat().st_mode & 0o777 == 0o600
        desk = Desk(request.param, db, base, tmp / "downloads", _plan(db))
        yield desk
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    # what the desk wrote to its log names no person and no case (docs/serve.md: no personal data in logs)
    text = log.read_text(errors="replace")
    named = [w for w in (REVIEWER, HEAD, *(r["case_id"] for r in desk.plan.values())) if w in text]
    assert named == [], text[-2000:]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), tmp_path_factory.mktemp("downloads"))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def chromium(browser, desk):
    """The browser, signed out, with nothing of a previous test in its cookies; after the test, the
    pages it saw logged no error the test did not expect (a CSP violation, a missing stylesheet)."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    severe_console_errors(browser)  # forget what earlier tests logged
    browser.expected_errors = []
    yield browser
    errors = [e["message"] for e in severe_console_errors(browser)
              if not any(expected in e["message"] for expected in browser.expected_errors)]
    assert errors == []


# sign-in, roles, assignment and language are the desk's forms and session: those tests run on SQLite
# only (their store queries run on both engines in tests/test_serve.py), which keeps the module short
ONE_ENGINE = pytest.mark.parametrize("desk", ["sqlite"], indirect=True)


# ---- what a reviewer does with the page


def find(driver, css: str, within: Any = None) -> Any:
    return (within or driver).find_element("css selector", css)


def find_all(driver, css: str, within: Any = None) -> list[Any]:
    return (within or driver).find_elements("css selector", css)


def click_and_wait(driver, element: Any) -> None:
    """Click a link or a submit button and wait for the next page to replace this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # a mark on this page's window: the next page has none.  (Waiting for the old <html> to go stale
    # is not enough: mid-navigation Chromium answers with an inspector error instead of "stale".)
    driver.execute_script("window.__deskPageBefore = true")
    element.click()
    WebDriverWait(driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.__deskPageBefore && document.readyState === 'complete'"))


def sign_in(driver, desk: Desk, name: str, *, start: str = "/") -> None:
    """Open `start` signed out: the desk sends the browser to its login form, which is filled in and
    sent; the desk then returns to `start`."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(desk.url(start))
    assert urlsplit(driver.current_url).path == "/login"
    find(driver, "input[name=name]").send_keys(name)
    find(driver, "input[name=password]").send_keys(PASSWORD)
    click_and_wait(driver, find(driver, "form.login button[type=submit]"))
    assert urlsplit(driver.current_url).path != "/login", find(driver, "main").text
    assert name in find(driver, "header.top").text


def sign_out(driver) -> None:
    click_and_wait(driver, find(driver, "header.top form button[type=submit]"))
    assert urlsplit(driver.current_url).path == "/login"


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def queue_rows(driver) -> list[Any]:
    return find_all(driver, "#queue tr.candidate")


def queue_fingerprints(driver) -> set[str]:
    return {r.get_attribute("data-fingerprint") for r in queue_rows(driver)}


def cells(driver, row: Any) -> dict[str, str]:
    """A queue row's cells by their column heading (columns may be added; their names stay)."""
    names = [th.text for th in find_all(driver, "#queue thead th")]
    return dict(zip(names, (td.text for td in find_all(driver, "td", row))))


def heading(driver) -> str:
    return find(driver, "main h1").text


def finding(driver, fingerprint: str) -> Any:
    return find(driver, f"section.finding[data-fingerprint='{fingerprint}']")


def open_case_from_queue(driver, desk: Desk, row: dict[str, Any]) -> None:
    """From the queue, the link of this candidate's case (the queue lists every open one on its page)."""
    driver.get(desk.url("/"))
    click_and_wait(driver, find(driver, f"#queue tr.candidate[data-fingerprint='{row['fingerprint']}'] a.case"))
    assert urlsplit(driver.current_url).path.startswith("/case/")
    assert heading(driver) == f"Дело {row['case_id']}"


def fits_the_window(driver) -> bool:
    """The page needs no sideways scrolling at the desk's usual width (1400 px)."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def store_queue(desk: Desk, **filters) -> tuple[set[str], int]:
    conn = desk.store()
    try:
        rows, total = queue.list_queue(conn, limit=500, **filters)
    finally:
        conn.close()
    return {r["fingerprint"] for r in rows}, total


def decisions_of(desk: Desk, fingerprint: str) -> list[tuple]:
    conn = desk.store()
    try:
        return [tuple(r) for r in conn.execute("SELECT action, reason, by FROM decisions WHERE fingerprint = ?"
                                               " ORDER BY id", (fingerprint,)).fetchall()]
    finally:
        conn.close()


def history_rows(driver, fingerprint: str) -> list[list[str]]:
    return [[td.text for td in find_all(driver, "td", tr)]
            for tr in find_all(driver, "table.history tr", finding(driver, fingerprint))]


# ---- 1. the queue and its filters


def test_the_queue_filters_by_court_and_article_through_the_form(chromium, desk):
    """Signed in as a reviewer, the queue lists the open candidates; choosing a court in its drop-down
    and pressing «Показать» narrows the rows and the count to that court's, and the address carries
    the filter (a link a colleague can open); then an article narrows them again."""
    from selenium.webdriver.support.ui import Select

    sign_in(chromium, desk, REVIEWER)
    everything, total = store_queue(desk)
    assert queue_fingerprints(chromium) == everything and total > 10
    assert fits_the_window(chromium)
    assert words.count(total, "замечание") in heading(chromium)

    # a court with candidates under more than one article, so each filter changes the rows
    conn = desk.store()
    rows, _n = queue.list_queue(conn, limit=500)
    conn.close()
    courts: dict[str, set[str]] = {}
    for r in rows:
        courts.setdefault(r["court"], set()).add(r["article"])
    court = next(c for c, articles in sorted(courts.items()) if len(articles) > 1)
    in_court, n_court = store_queue(desk, court=court)

    Select(find(chromium, "select[name=court]")).select_by_visible_text(court)
    click_and_wait(chromium, find(chromium, "form.filters button[type=submit]"))
    assert query_of(chromium)["court"] == [court]
    assert queue_fingerprints(chromium) == in_court and 1 < n_court < total
    assert words.count(n_court, "замечание") in heading(chromium)
    assert all(court in cells(chromium, r)["Суд"] for r in queue_rows(chromium))
    # the form shows the filter it applied
    assert Select(find(chromium, "select[name=court]")).first_selected_option.text == court

    article = sorted(courts[court])[0]
    in_both, n_both = store_queue(desk, court=court, article=article)
    Select(find(chromium, "select[name=article]")).select_by_value(article)
    click_and_wait(chromium, find(chromium, "form.filters button[type=submit]"))
    assert query_of(chromium)["court"] == [court] and query_of(chromium)["article"] == [article]
    assert queue_fingerprints(chromium) == in_both and 0 < n_both < n_court
    assert all(f"ст. {article} УК РК" in cells(chromium, r)["Замечание"] for r in queue_rows(chromium))

    # the address is the filter: opened afresh (as a colleague would), it shows the same rows
    chromium.get(chromium.current_url)
    assert queue_fingerprints(chromium) == in_both
    click_and_wait(chromium, find(chromium, "form.filters a.button"))  # «Сбросить»
    assert queue_fingerprints(chromium) == store_queue(desk)[0]


# ---- 2. a case


def test_a_case_opened_from_the_queue_shows_its_particulars_and_findings_in_russian(chromium, desk):
    row = desk.plan["open"]
    sign_in(chromium, desk, REVIEWER)
    open_case_from_queue(chromium, desk, row)
    assert find(chromium, "html").get_attribute("lang") == "ru"
    facts = dict(zip((dt.text for dt in find_all(chromium, "section.particulars dt")),
                     (dd.text for dd in find_all(chromium, "section.particulars dd"))))
    assert row["court"] in facts["Суд"]
    assert facts["Приговор от"] == words.date(row["verdict_date"])
    assert "Окончательное наказание" in facts and any(k.startswith("Эпизод") for k in facts)

    section = finding(chromium, row["fingerprint"])
    text = section.text
    assert find(chromium, "h3", section).text == row["title"]
    assert f"Важность: {words.severity(row['severity'])}" in text
    assert "Закон допускает" in text and "Нормы" in text
    assert row["rule"] not in find(chromium, "body").text  # a title, never the rule's id
    # the prosecutor's explanation, folded until asked for
    pre = find(chromium, "pre.explain")
    assert not pre.is_displayed()
    find(chromium, "details summary").click()
    assert pre.is_displayed() and "Итог:" in pre.text
    assert fits_the_window(chromium)
    # no draft before a finding is confirmed
    assert find_all(chromium, "a#protest") == []
    # what Chromium shows, explanation open, passes the scanner of every human output
    from test_human_outputs import leaks

    assert leaks("serve", "ru", chromium.current_url, find(chromium, "body").text) == []


# ---- 3. dismissing


def test_dismissal_needs_a_reason_and_is_kept_with_the_reviewers_name(chromium, desk):
    row = desk.plan["dismiss"]
    fp = row["fingerprint"]
    sign_in(chromium, desk, REVIEWER)
    open_case_from_queue(chromium, desk, row)
    url = chromium.current_url

    # the reason box empty: the browser itself refuses to send the form and says why
    box = find(chromium, "textarea[name=reason]", finding(chromium, fp))
    find(chromium, "button[name=dismiss]", finding(chromium, fp)).click()
    assert chromium.current_url == url
    assert chromium.execute_script("return arguments[0].validity.valueMissing", box)
    assert chromium.execute_script("return arguments[0].validationMessage", box)
    # only spaces: sent, and refused by the desk with a visible message in Russian, the text kept
    box.send_keys("   ")
    chromium.expected_errors.append("status of 400")
    click_and_wait(chromium, find(chromium, "button[name=dismiss]", finding(chromium, fp)))
    alert = find(chromium, "[role=alert]", finding(chromium, fp))
    assert alert.is_displayed() and "укажите причину" in alert.text
    assert decisions_of(desk, fp) == []

    reason = "ч. 5 ст. 55 УК применена верно"
    box = find(chromium, "textarea[name=reason]", finding(chromium, fp))
    box.clear()
    box.send_keys(reason)
    click_and_wait(chromium, find(chromium, "button[name=dismiss]", finding(chromium, fp)))
    assert urlsplit(chromium.current_url).fragment == f"f-{fp[:12]}"
    [(_when, by, what, why)] = history_rows(chromium, fp)
    assert (by, what, why) == (REVIEWER, "отклонено", reason)
    assert decisions_of(desk, fp) == [("dismiss", reason, REVIEWER)]
    assert find_all(chromium, "[role=alert]") == []

    # the open queue no longer lists it; the «отклонено» checkbox alone finds it
    chromium.get(desk.url("/"))
    assert fp not in queue_fingerprints(chromium)
    for box in find_all(chromium, "form.filters input[name=status]"):
        if box.is_selected() != (box.get_attribute("value") == "dismissed"):
            box.click()
    click_and_wait(chromium, find(chromium, "form.filters button[type=submit]"))
    assert query_of(chromium)["status"] == ["dismissed"]
    assert fp in queue_fingerprints(chromium)
    assert cells(chromium, find(chromium, f"tr.candidate[data-fingerprint='{fp}']"))["Статус"] == "отклонено"


# ---- 4. confirming and the draft


def test_confirming_a_finding_offers_its_draft_which_downloads_as_a_docx(chromium, desk):
    from docx import Document

    row = desk.plan["confirm"]
    fp = row["fingerprint"]
    sign_in(chromium, desk, REVIEWER)
    open_case_from_queue(chromium, desk, row)
    click_and_wait(chromium, find(chromium, "button[name=confirm]", finding(chromium, fp)))
    [(_when, by, what, _why)] = history_rows(chromium, fp)
    assert (by, what) == (REVIEWER, "подтверждено")

    link = find(chromium, "a#protest")
    assert link.is_displayed() and link.text == "Скачать проект ходатайства (.docx)"
    folder = desk.downloads / fp[:12]
    folder.mkdir(parents=True)
    download_into(chromium, folder)
    link.click()
    draft = wait_for_file(folder / f"ходатайство-{row['case_id']}.docx", timeout=WAIT)
    text = "\n".join(p.text for p in Document(str(draft)).paragraphs)
    assert "АПЕЛЛЯЦИОННОЕ ХОДАТАЙСТВО" in text
    assert f"ст.{row['article']}" in text and row["case_id"] in text
    assert row["title"].rstrip(".") in text
    assert row["rule"] not in text


# ---- 5. the head's dashboard follows the decisions


def dashboard_numbers(driver, title: str) -> dict[str, str]:
    """The precision table's row of the rule with this title: its cells by column heading."""
    heads = [th.text for th in find_all(driver, "#precision thead th")]
    for tr in find_all(driver, "#precision tbody tr"):
        cells = [td.text for td in find_all(driver, "td", tr)]
        if cells[0] == title:
            return dict(zip(heads, cells))
    raise AssertionError(f"no row «{title}» on the dashboard")


def decide_as_reviewer(driver, desk: Desk, row: dict[str, Any], action: str, reason: str = "") -> None:
    sign_in(driver, desk, REVIEWER)
    open_case_from_queue(driver, desk, row)
    section = finding(driver, row["fingerprint"])
    if reason:
        find(driver, "textarea[name=reason]", section).send_keys(reason)
    click_and_wait(driver, find(driver, f"button[name={action}]", section))
    sign_out(driver)


def rule_numbers(desk: Desk, rule: str) -> dict[str, int]:
    conn = desk.store()
    try:
        return {s: int(n) for s, n in conn.execute(
            "SELECT status, count(*) FROM candidates WHERE rule = ? GROUP BY status", (rule,)).fetchall()}
    finally:
        conn.close()


def test_the_dashboard_shows_a_rules_decisions_and_follows_a_new_dismissal(chromium, desk):
    confirm, dismiss = desk.plan["dashboard-confirm"], desk.plan["dashboard-dismiss"]
    rule, title = confirm["rule"], confirm["title"]
    # a colleague confirmed one at the terminal: the desk shows decisions from wherever they were made
    _cli("review", "confirm", confirm["fingerprint"], "--by", "Петров", "--db", desk.db)

    sign_in(chromium, desk, HEAD, start="/dashboard")
    assert urlsplit(chromium.current_url).path == "/dashboard" and heading(chromium).startswith("Сводка")
    before = dashboard_numbers(chromium, title)
    numbers = rule_numbers(desk, rule)
    assert before["Замечаний"] == str(sum(numbers.values()))
    assert before["Подтверждено"] == str(numbers.get("confirmed", 0)) != "0"
    assert before["Отклонено"] == str(numbers.get("dismissed", 0))
    assert find_all(chromium, "svg.chart rect.bar")  # the charts are drawn
    assert fits_the_window(chromium)

    # the reviewer dismisses another candidate of the rule; the head reloads the page
    reason = "наказание в пределах санкции с учётом ст. 58"
    sign_out(chromium)
    decide_as_reviewer(chromium, desk, dismiss, "dismiss", reason)
    sign_in(chromium, desk, HEAD, start="/dashboard")
    after = dashboard_numbers(chromium, title)
    assert int(after["Отклонено"]) == int(before["Отклонено"]) + 1
    assert after["Подтверждено"] == before["Подтверждено"] and after["Замечаний"] == before["Замечаний"]
    assert after["Точность"] != before["Точность"]
    assert f"«{reason}» — 1" in after["Частые причины отклонения"]
    assert after["Отклонено"] == str(rule_numbers(desk, rule)["dismissed"])


# ---- 6. who may open what


@ONE_ENGINE
def test_a_reviewer_cannot_open_the_dashboard(chromium, desk):
    sign_in(chromium, desk, REVIEWER)
    assert "Сводка" not in find(chromium, "header.top").text  # no link to it
    chromium.expected_errors.append("status of 403")
    chromium.get(desk.url("/dashboard"))
    assert heading(chromium) == "Только для руководителя"
    assert find_all(chromium, "#precision") == []


@ONE_ENGINE
def test_a_page_without_sign_in_goes_to_the_login_and_back(chromium, desk):
    row = desk.plan["redirect"]
    path = "/case/" + row["case_id"]
    chromium.get(desk.url(path))
    assert urlsplit(chromium.current_url).path == "/login"
    assert query_of(chromium)["next"] == [path]
    assert find_all(chromium, "#queue, section.finding") == []
    # a wrong password: the form again, with the reason
    find(chromium, "input[name=name]").send_keys(REVIEWER)
    find(chromium, "input[name=password]").send_keys("не тот пароль")
    chromium.expected_errors.append("status of 401")
    click_and_wait(chromium, find(chromium, "form.login button[type=submit]"))
    assert "Неверное имя или пароль" in find(chromium, "form.login").text
    find(chromium, "input[name=password]").send_keys(PASSWORD)
    click_and_wait(chromium, find(chromium, "form.login button[type=submit]"))
    assert urlsplit(chromium.current_url).path == path
    assert row["title"] in find(chromium, "main").text


# ---- the head gives a case to a reviewer


@ONE_ENGINE
def test_the_head_assigns_a_case_and_the_reviewer_finds_it_under_assigned_to_me(chromium, desk):
    from selenium.webdriver.support.ui import Select

    row = desk.plan["assign"]
    sign_in(chromium, desk, HEAD)
    open_case_from_queue(chromium, desk, row)
    Select(find(chromium, "form.assign select[name=assignee]")).select_by_visible_text(REVIEWER)
    click_and_wait(chromium, find(chromium, "form.assign button[type=submit]"))
    assert f"назначено проверяющему {REVIEWER} ({HEAD}," in finding(chromium, row["fingerprint"]).text
    sign_out(chromium)

    sign_in(chromium, desk, REVIEWER)
    Select(find(chromium, "select[name=assigned]")).select_by_visible_text("мне")
    click_and_wait(chromium, find(chromium, "form.filters button[type=submit]"))
    assert query_of(chromium)["assigned"] == ["me"]
    assert queue_fingerprints(chromium) == {row["fingerprint"]}
    assert cells(chromium, queue_rows(chromium)[0])["Проверяющий"] == REVIEWER
    click_and_wait(chromium, find(chromium, "#queue a.case"))
    assert find_all(chromium, "form.assign") == []  # only the head assigns


# ---- 7. Kazakh


@ONE_ENGINE
def test_the_language_link_shows_the_queue_in_kazakh_and_back(chromium, desk):
    sign_in(chromium, desk, REVIEWER, start="/?severity=high")
    rows = queue_fingerprints(chromium)
    click_and_wait(chromium, find(chromium, "header.top a[hreflang=kk]"))
    assert find(chromium, "html").get_attribute("lang") == "kk"
    assert query_of(chromium)["severity"] == ["high"]  # the filter is kept
    assert queue_fingerprints(chromium) == rows
    page = find(chromium, "body").text
    assert heading(chromium).startswith("Ескертулер кезегі")
    assert find(chromium, "form.filters button[type=submit]").text == "Көрсету"
    for russian in ("Очередь замечаний", "Показать", "Сбросить", "Важность", "Дата приговора", "проверяющий"):
        assert russian not in page, russian
    from test_human_outputs import leaks

    assert leaks("serve", "kk", chromium.current_url, page) == []
    # the choice is remembered for the next page
    chromium.get(desk.url("/"))
    assert find(chromium, "html").get_attribute("lang") == "kk"
    click_and_wait(chromium, find(chromium, "header.top a[hreflang=ru]"))
    assert find(chromium, "html").get_attribute("lang") == "ru" and heading(chromium).startswith("Очередь замечаний")
