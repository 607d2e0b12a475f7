"""`scan -o NAME`: the extension chooses the format, and an extension of no format is an error (review bug 8).

Why: `-o report.xlsx` used to exit 0 with JSON Lines inside, a file Excel calls corrupt; `-o x.pdf`
the same.  Now only the formats' own extensions choose a format; anything else needs `-f`.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main

PLANTED = Path(__file__).resolve().parents[1] / "fixtures" / "verdicts" / "planted"


def run(*args: str):
    jobs = () if "-j" in args else ("-j", "1")
    return CliRunner().invoke(main, ["scan", *args, *jobs], catch_exceptions=False)


@pytest.mark.parametrize("name", ["x.docx", "x.pdf", "x.txt", "report.XLS", "report", "отчёт.odt"])
def test_an_extension_of_no_format_is_a_usage_error(tmp_path, name):
    out = tmp_path / name
    r = run(str(PLANTED), "-o", str(out))
    assert r.exit_code == 2
    message = r.stderr
    assert message.startswith("legality: -o ") and ".xlsx — xlsx" in message and ".csv — csv" in message
    assert "-f ФОРМАТ (csv, html, json, jsonl, sarif, table, xlsx)" in message
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_name_is_checked_before_anything_is_read(tmp_path):
    r = run(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2 and "«.pdf»" in r.stderr and "missing.jsonl" not in r.stderr


@pytest.mark.parametrize("name, fmt", [("r.jsonl", "jsonl"), ("r.NDJSON", "jsonl"), ("r.json", "json"),
                                       ("r.csv", "csv"), ("r.sarif", "sarif"), ("r.htm", "html"),
                                       ("r.html", "html"), ("r.xlsx", "xlsx")])
def test_the_formats_own_extensions_choose_the_format(tmp_path, name, fmt):
    out = tmp_path / name
    assert run(str(PLANTED), "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    head = {"jsonl": b'{"format":"legality.report/1"', "json": b"[", "csv": "\ufeffДело".encode(),
            "sarif": b"{", "html": b"<!", "xlsx": b"PK\x03\x04"}[fmt]
    assert data.lstrip()[:len(head)].lower() == head.lower()


def test_an_explicit_format_takes_any_name(tmp_path):
    out = tmp_path / "report.out"
    assert run(str(PLANTED), "-o", str(out), "-f", "jsonl").exit_code == 0
    assert orjson.loads(out.read_bytes().splitlines()[0])["format"] == "legality.report/1"
    txt = tmp_path / "table.txt"
    assert run(str(PLANTED), "-o", str(txt), "-f", "table").exit_code == 0 and txt.read_text(encoding="utf-8")


def test_dash_is_the_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(str(PLANTED), "-o", "-", "-f", "csv")
    assert r.exit_code == 0 and r.stdout_bytes.startswith("\ufeffДело".encode())
    r = run(str(PLANTED), "-o", "-")  # not a terminal: JSON Lines, as without -o
    assert r.exit_code == 0 and orjson.loads(r.stdout_bytes.splitlines()[0])["candidates"]
    assert list(tmp_path.iterdir()) == []  # no file named «-»


def test_summary_paths_are_unaffected(tmp_path):
    out, summary = tmp_path / "r.xlsx", tmp_path / "summary.txt"
    r = run(str(PLANTED), "-o", str(out), "--summary", str(summary))
    assert r.exit_code == 0
    assert json.loads(summary.read_text())["format"] == "legality.summary/1" and out.read_bytes()[:2] == b"PK"


def test_xlsx_is_not_written_onto_a_terminal(tmp_path):
    """A workbook is binary: on a terminal it would be noise, so `-f xlsx` there asks for `-o FILE.xlsx`."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "legality.cli", "scan", str(PLANTED), "-f", "xlsx"],
                              stdout=slave, stderr=subprocess.PIPE, timeout=120, cwd=tmp_path)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 2
    assert "-o ФАЙЛ.xlsx" in proc.stderr.decode()


def test_a_pipe_without_an_extension_still_gets_json_lines(tmp_path):
    """`-o >(gzip > r.gz)` names /dev/fd/N: a program reads it, so no extension means jsonl, as before."""
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = run(str(PLANTED), "-o", str(fifo))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.stderr
    assert got and orjson.loads(got[0].splitlines()[0])["format"] == "legality.report/1"
