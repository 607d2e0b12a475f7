"""`legality scan` end to end: the real engine, the shipped rules, the project's fixtures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from legality.report.model import ReportLineModel, SummaryModel
from support.synth import fixture_records, write_batch

VERDICTS = FIXTURES_DIR / "verdicts"
LEGALITY = str(Path(sys.executable).with_name("legality"))
# the shipped pack; LEGALITY_TEST_RULES points at another (a snapshot while the pack is being edited)
RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))


def run(*args: str, input: bytes | None = None):
    if "--rules" not in args:
        args = (*args, "--rules", RULES)
    return CliRunner().invoke(main, ["scan", *args], input=input, catch_exceptions=False)


def lines_of(out: bytes) -> list[dict]:
    return [orjson.loads(x) for x in out.splitlines()]


def test_lawful_and_near_miss_records_give_no_candidates():
    r = run(str(VERDICTS / "lawful"), str(VERDICTS / "nearmiss"), "-f", "jsonl", "--fail-on", "low")
    assert r.exit_code == 0, r.stderr
    # no candidate; a record the catalogue cannot check (no edition of its article on that date) is
    # reported `partial` with its coverage gap, never `clean`
    for x in lines_of(r.stdout_bytes):
        assert x["status"] == "partial" and x["candidates"] == [] and x["coverage"]["gaps"], x
    assert "с нарушениями: 0" in r.stderr


def test_planted_errors_are_found_and_reported_per_report_v1(tmp_path):
    summary_file = tmp_path / "summary.json"
    r = run(str(VERDICTS / "planted"), "-f", "jsonl", "--summary", str(summary_file))
    assert r.exit_code == 0, r.stderr
    lines = lines_of(r.stdout_bytes)
    assert lines and all(x["status"] == "flagged" for x in lines)
    for x in lines:
        ReportLineModel.model_validate(x)
    s = SummaryModel.model_validate(orjson.loads(summary_file.read_bytes()))
    assert s.records == s.clean + s.flagged + s.invalid
    assert s.flagged == len(lines) and s.candidates == sum(len(x["candidates"]) for x in lines)
    assert s.by_rule and sum(s.by_rule.values()) == s.candidates


def test_fail_on_and_strict_set_the_exit_code():
    planted = str(VERDICTS / "planted")
    assert run(planted, "-f", "jsonl").exit_code == 0
    assert run(planted, "-f", "jsonl", "--fail-on", "low").exit_code == 1
    invalid = str(FIXTURES_DIR / "invalid")
    assert run(invalid, "-f", "jsonl").exit_code == 0          # invalid records alone: still 0
    assert run(invalid, "-f", "jsonl", "--strict").exit_code == 1


def test_unreadable_input_exits_2_before_any_output(tmp_path):
    r = run(str(tmp_path / "missing.jsonl"), "-f", "jsonl")
    assert r.exit_code == 2
    assert r.stdout_bytes == b""
    assert "missing.jsonl" in r.stderr and "не найден" in r.stderr


def test_rules_that_do_not_compile_exit_2_with_located_diagnostics(tmp_path):
    rules = tmp_path / "rules"
    (rules / "pack").mkdir(parents=True)
    (rules / "pack" / "broken.legal").write_text("rule broken-rule {{{\n", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    r = run(str(VERDICTS / "planted"), "--rules", str(rules), "-o", str(out))
    assert r.exit_code == 2
    assert "broken.legal:1" in r.stderr and "ошибка[E" in r.stderr
    assert not out.exists()


def test_invalid_record_mid_batch_is_reported_and_the_rest_scanned(tmp_path):
    recs = fixture_records()[:5]
    batch = tmp_path / "mixed.jsonl"
    body = [orjson.dumps(r) for r in recs[:2]] + [b'{"case_id": "BROKEN-1", "court": {'] + \
           [orjson.dumps(r) for r in recs[2:]]
    batch.write_bytes(b"\n".join(body) + b"\n")
    r = run(str(batch), "-f", "jsonl", "--all")
    assert r.exit_code == 0
    lines = lines_of(r.stdout_bytes)
    assert [x["source"]["line"] for x in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[2]["status"] == "invalid" and lines[2]["case_id"] == "BROKEN-1" and lines[2]["errors"]
    assert all(x["status"] in ("clean", "flagged") for i, x in enumerate(lines) if i != 2)
    assert "некорректных: 1" in r.stderr


def test_stdin_and_output_format_by_extension(tmp_path):
    recs = fixture_records()[:3]
    out = tmp_path / "r.csv"
    r = run("-", "-o", str(out), "--all", input=b"".join(orjson.dumps(x) + b"\n" for x in recs))
    assert r.exit_code == 0
    assert out.read_bytes().startswith("\ufeffДело".encode())
    assert r.stdout_bytes == b""


def test_stderr_never_shows_defendant_data(tmp_path):
    records = fixture_records()
    r = run(str(VERDICTS), str(FIXTURES_DIR / "invalid"), "-o", str(tmp_path / "r.jsonl"), "--progress")
    assert r.exit_code == 0
    for rec in records:
        d = rec.get("defendant", {})
        for value in (d.get("person_id"), d.get("birth_date")):
            assert value is None or value not in r.stderr


@pytest.mark.slow
def test_jobs_1_and_2_give_byte_identical_jsonl_on_10000_records(tmp_path):
    batch = write_batch(tmp_path / "big.jsonl", 10_000)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.jsonl"
        r = run(str(batch), "-o", str(out), "-j", jobs, "--all")
        assert r.exit_code == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0].count(b"\n") == 10_000


@pytest.mark.slow
@pytest.mark.parametrize("previous", [None, b"previous complete report\n"])
def test_a_killed_run_leaves_no_partial_output(tmp_path, previous):
    batch = write_batch(tmp_path / "big.jsonl", 40_000)
    target = tmp_path / "report.jsonl"
    if previous is not None:
        target.write_bytes(previous)
    proc = subprocess.Popen([LEGALITY, "scan", str(batch), "-o", str(target), "-j", "1", "--all", "--rules", RULES],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the report is being written
            temps = [p for p in tmp_path.iterdir() if p.name.startswith(".report.jsonl.")]
            if temps and temps[0].stat().st_size > 10_000:
                break
            assert proc.poll() is None, "scan ended before it was killed: make the batch bigger"
            time.sleep(0.05)
        else:
            pytest.fail("the report was never written")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    if previous is None:
        assert not target.exists()
    else:
        assert target.read_bytes() == previous


def test_sigterm_removes_the_temporary_file(tmp_path):
    batch = write_batch(tmp_path / "big.jsonl", 40_000)
    target = tmp_path / "report.jsonl"
    proc = subprocess.Popen([LEGALITY, "scan", str(batch), "-o", str(target), "-j", "1", "--all", "--rules", RULES],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith(".report") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert not target.exists()
    assert not any(p.name.startswith(".report") for p in tmp_path.iterdir())
    assert b"Traceback" not in err




def test_output_in_a_missing_directory_exits_2_before_scanning(tmp_path):
    r = run(str(VERDICTS / "planted"), "-o", str(tmp_path / "no" / "such" / "r.jsonl"))
    assert r.exit_code == 2 and "не существует" in r.stderr
    assert "Проверено записей" not in r.stderr


def test_scan_of_the_fixtures_finds_every_planted_error_and_flags_no_near_miss():
    import yaml

    expected = yaml.safe_load((FIXTURES_DIR / "expected.yaml").read_text(encoding="utf-8"))["cases"]
    r = run(str(VERDICTS), "-f", "jsonl")
    assert r.exit_code == 0, r.stderr
    found = {x["case_id"]: x["candidates"] for x in lines_of(r.stdout_bytes)}
    missed, wrong_offence, false_alarms = [], [], []
    for case in expected:
        cands = found.get(case["case_id"])
        if case["expect"] != "flag":
            if cands:
                false_alarms.append((case["case_id"], [c["rule"] for c in cands]))
            continue
        if not cands:
            missed.append((case["case_id"], case["why"]))
            continue
        rules = case.get("rule")
        rules = [rules] if isinstance(rules, str) else (rules or [])
        if rules and not set(rules) & {c["rule"] for c in cands}:
            missed.append((case["case_id"], f"expected rule {rules}"))
        # a finding on the final sentence (offence null) concerns every offence of the verdict
        if case.get("offence") is not None and not {case["offence"], None} & {c["offence"] for c in cands}:
            wrong_offence.append((case["case_id"], case["offence"]))
    assert missed == [] and false_alarms == [] and wrong_offence == []
    lawful = {rec["case_id"] for rec in fixture_records(VERDICTS / "lawful")}
    flagged = {case for case, cands in found.items() if cands}  # partial lines (coverage gaps) have none
    assert lawful and not lawful & flagged


def test_without_jobs_a_small_input_starts_no_workers_and_an_explicit_jobs_does(monkeypatch):
    """`legality scan` of a few records without `--jobs` runs in its own process (a one-record scan started
    in 0.40–0.43 s with a worker per core, 0.20–0.28 s without); `--jobs 2` still gets its workers.  The
    report is the same."""
    from legality.scan.pipeline import Pipeline

    started = []
    real_start = Pipeline._start_pool
    monkeypatch.setattr(Pipeline, "_start_pool", lambda self: (started.append(self.jobs), real_start(self)))
    default = run(str(VERDICTS / "lawful"), "-f", "jsonl", "--all", "--no-progress")
    assert default.exit_code == 0, default.stderr
    assert started == []
    two = run(str(VERDICTS / "lawful"), "-f", "jsonl", "--all", "--no-progress", "--jobs", "2")
    assert two.exit_code == 0, two.stderr
    assert started == [2] and two.stdout_bytes == default.stdout_bytes and default.stdout_bytes
