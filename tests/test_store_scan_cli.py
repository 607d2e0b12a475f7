"""`legality scan` with the store options, in process: when a store is created, and store errors.

The store's behaviour through the scan runs on both engines (`store_url`); what a file is (created or not,
not a database) is SQLite's.
"""

from __future__ import annotations

import json

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from support.synth import write_batch
from legality.store.db import connect
from legality.store.schema import LATEST


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return write_batch(tmp_path_factory.mktemp("batch") / "batch.jsonl", 150)


def scan(*args):
    return CliRunner().invoke(main, ["scan", *map(str, args), "--format", "jsonl", "--jobs", "1"],
                              catch_exceptions=False)


def test_plain_scan_creates_no_store(batch, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert scan(batch).exit_code in (0, 1)
    assert not (tmp_path / "legality.db").exists()


def test_store_option_alone_uses_the_default_path(batch, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = scan(batch, "--new-only")
    assert res.exit_code in (0, 1), res.output
    runs = connect(tmp_path / "legality.db").execute("SELECT status, records FROM runs").fetchall()
    assert runs == [("completed", 150)]


def test_second_run_reports_nothing_new_and_counts_unchanged(batch, tmp_path, store_url):
    db, summary = store_url, tmp_path / "summary.json"
    first = scan(batch, "--db", db, "--new-only", "--summary", summary)
    first_summary = json.loads(summary.read_text())
    assert first_summary["records"] == 150 and first_summary["unchanged"] == 0
    first_candidates = sum(len(orjson.loads(x)["candidates"]) for x in first.stdout.splitlines())
    assert first_candidates == first_summary["candidates"]

    second = scan(batch, "--db", db, "--new-only", "--summary", summary)
    again = json.loads(summary.read_text())
    assert (again["records"], again["unchanged"], again["candidates"]) == (0, 150, 0)
    assert second.stdout == ""
    rescanned = scan(batch, "--db", db, "--new-only", "--rescan", "--summary", summary)
    assert json.loads(summary.read_text())["records"] == 150
    assert all(orjson.loads(x)["candidates"] == [] for x in rescanned.stdout.splitlines())


def test_newer_store_stops_the_scan_with_exit_2(batch, store_url):
    db = store_url
    connect(db, create=True).execute("INSERT INTO schema_version VALUES (?, 'future', 'now')", (LATEST + 1,))
    res = scan(batch, "--db", db)
    assert res.exit_code == 2 and "legality:" in res.stderr and "Traceback" not in res.output


def test_not_a_store_stops_the_scan_with_exit_2(batch, tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("не база данных\n" * 200, encoding="utf-8")
    res = scan(batch, "--db", db)
    assert res.exit_code == 2 and "legality:" in res.stderr


def test_bad_commit_every_is_a_usage_error(batch, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALITY_COMMIT_EVERY", "many")
    res = scan(batch, "--db", tmp_path / "s.db")
    assert res.exit_code == 2 and "LEGALITY_COMMIT_EVERY" in res.stderr
