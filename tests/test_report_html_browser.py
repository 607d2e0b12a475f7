"""The HTML report in a real browser: headless Debian Chromium driven by selenium.

Skipped with a reason when Chromium is not installed, except under CI=true (where .ci/browser-setup.sh
installs it, so a skip would hide a broken report).
"""

from __future__ import annotations

import io
import os
import shutil

import orjson
import pytest

from legality.io.reader import RawRecord
from legality.scan.run import run_scan

from support.fakes import FakeEngine, record

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium/chromedriver missing under CI: .ci/browser-setup.sh should have installed them")
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver, or .ci/browser-setup.sh)")
    selenium = pytest.importorskip("selenium", reason="selenium not installed (pip install -e '.[test]')")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    assert selenium
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    recs = []
    for i in range(30):
        court = ["Суд А", "Суд Б", "Суд <В>"][i % 3]
        recs.append(record(f"K-{i:03d}", years=2 + i % 3, regime="maximum" if i % 4 == 0 else "medium", court=court))
    recs.insert(5, b'{"case_id": "BROKEN", ')
    raws = [RawRecord("batch.jsonl", n + 1, r if isinstance(r, bytes) else orjson.dumps(r)) for n, r in enumerate(recs)]
    out = io.BytesIO()
    summary = run_scan([], FakeEngine(), out, fmt="html", raws=raws)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_bytes(out.getvalue())
    return path, summary


def visible_rows(driver):
    return [r for r in driver.find_elements("css selector", "tr.cand") if r.is_displayed()]


def test_table_filter_sort_and_charts(browser, report):
    path, summary = report
    browser.get(path.as_uri())
    assert summary.candidates > 10
    rows = visible_rows(browser)
    assert len(rows) == summary.candidates
    assert browser.find_element("id", "shown").text == str(summary.candidates)

    # filter: typing hides the rows that do not match
    box = browser.find_element("id", "filter")
    box.send_keys("K-008")
    rows = visible_rows(browser)
    assert rows and all("K-008" in r.text for r in rows)
    assert len(rows) == 2  # attempt-term-cap (4 years) and regime-maximum on K-008
    box.clear()
    box.send_keys("no such text anywhere")
    assert visible_rows(browser) == []
    assert browser.find_element("id", "shown").text == "0"
    box.clear()
    box.send_keys(" ")  # clear() fires no input event; typing does
    assert len(visible_rows(browser)) == summary.candidates

    # severity filter
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element("id", "severity")).select_by_value("medium")
    rows = visible_rows(browser)
    assert rows and all(r.get_attribute("data-severity") == "medium" for r in rows)
    Select(browser.find_element("id", "severity")).select_by_value("")

    # sorting by court: groups reorder by court name
    browser.find_element("css selector", "th[data-key=court]").click()
    courts = [r.get_attribute("data-court") for r in visible_rows(browser)]
    assert courts == sorted(courts, key=str.casefold) or courts == sorted(courts)
    browser.find_element("css selector", "th[data-key=court]").click()
    courts_desc = [r.get_attribute("data-court") for r in visible_rows(browser)]
    assert courts_desc[0] != courts[0]

    # the escaped court name shows as text, never as markup
    assert "Суд <В>" in browser.find_element("id", "candidates").text

    # charts: three SVG charts with drawn bars
    for key in ("rule", "court", "article"):
        bars = browser.find_elements("css selector", f"#chart-{key} rect.bar")
        assert bars, key
        assert all(b.rect["width"] > 0 and b.rect["height"] > 0 for b in bars)
    court_labels = [t.text for t in browser.find_elements("css selector", "#chart-court text")]
    assert "Суд <В>" in court_labels

    # no script errors
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []
