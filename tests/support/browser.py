"""Headless Debian Chromium for the browser tests (the HTML report, the review desk).

Why one place: both suites need the same flags (no sandbox in a container, no network chatter, a fresh
profile per suite), the same skip-or-fail rule (skipped without Chromium, failed under CI=true where
.ci/browser-setup.sh installs it, so a skip would hide a broken page), downloads allowed into a
folder the test reads, and the console log kept so a test can assert the page logged no error.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1400,1000")


def require_chromium() -> None:
    """Skip (or, under CI=true, fail) a test that needs Chromium, chromedriver and selenium."""
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium/chromedriver missing under CI: .ci/browser-setup.sh should have installed them")
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver, or .ci/browser-setup.sh)")
    pytest.importorskip("selenium", reason="selenium not installed (pip install -e '.[test]')")


def start_chromium(profile: Path, downloads: Path) -> Any:
    """A headless Chromium with its own profile folder; files it downloads land in `downloads`."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    download_into(driver, downloads)
    return driver


def download_into(driver: Any, folder: Path) -> None:
    """Where the next downloads go (headless Chromium ignores the profile's preference without this)."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})


def severe_console_errors(driver: Any) -> list[dict[str, Any]]:
    """The console's errors since the last call (a blocked resource, a CSP violation, a 404)."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_for_file(path: Path, *, timeout: float = 15.0) -> Path:
    """The downloaded file once Chromium has finished writing it (no .crdownload left beside it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and not list(path.parent.glob("*.crdownload")):
            return path
        time.sleep(0.05)
    raise AssertionError(f"no download {path.name} after {timeout:.0f} s; the folder has "
                         f"{sorted(p.name for p in path.parent.iterdir())}")


def wait_until(what: Callable[[], Any], *, timeout: float = 10.0, message: str = "") -> Any:
    """`what()` once it is truthy, polled; an AssertionError naming `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s: {message}")
        time.sleep(0.05)
