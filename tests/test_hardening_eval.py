"""Issue 11, evaluation side (red-team F02, F03): exact numbers of any size in every output, a fault
that costs one rule (not the record, not the batch), and the `partial` status of a record that a
rule could not finish checking."""

from __future__ import annotations

import hashlib
import io
from fractions import Fraction
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.engine import Engine
from legality.io.reader import RawRecord
from legality.model import validate_record
from legality.model.values import Quantity, Term
from legality.report.base import dumps
from legality.model.jsonable import to_jsonable, to_ru
from legality.result.candidate import Candidate, Evaluation, fingerprint
from legality.report.model import ReportLine, ReportLineModel, SummaryModel
from legality.scan.pipeline import evaluate_raw
from legality.scan.run import run_scan
from legality.store.scanstate import line_from_json, line_to_json

from verdict_samples import record

HEAD = 'severity low\n  cite "УК РК ст.46"'
BIG = "100000000000000"  # the longest number a rule may write (15 digits); three of them make 10**28 > 2**64

# a rule whose actual, allowed, message and shown facts are exact amounts far beyond 64 bits
HUGE_RULES = f"""
rule huge-amount for offence {{
  title "Огромная сумма"
  {HEAD}
  let big "сумма" = offence.damage_kzt * {BIG} * {BIG}
  when offence.damage_kzt is present
  violation big > 0
  actual big
  allowed max: 3/7 * big
  message "Сумма {{big}}"
  facts big
}}
"""
ALWAYS = f"""
rule always-fires for offence {{
  title "Всегда"
  {HEAD}
  violation true
  message "срабатывает всегда"
}}
"""
# comparing a term with an amount in МРП: a run-time fault (units never mix)
FAULTY = f"""
rule units-fault for offence {{
  title "Ошибка единиц"
  {HEAD}
  violation offence.sentence.principal.amount > 500 mrp
  message "x"
}}
"""


def rules_dir(tmp_path: Path, *texts: str) -> str:
    d = tmp_path / "rules"
    (d / "pack").mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (d / "pack" / f"r{i}.legal").write_text(text, encoding="utf-8")
    return str(d)


def batch(tmp_path: Path, *recs: dict) -> str:
    p = tmp_path / "batch.jsonl"
    p.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    return str(p)


def damaged(case_id: str = "2024-0153-17", damage: int = 640000) -> dict:
    r = record()
    r["case_id"] = case_id
    r["offences"][0]["damage_kzt"] = damage
    return r


def scan(*args: str):
    return CliRunner().invoke(main, ["scan", *args])


def report_lines(out: bytes) -> list[dict]:
    lines = [orjson.loads(x) for x in out.splitlines()]
    for x in lines:
        ReportLineModel.model_validate(x)
    return lines


# ---- F02 / F03: exact numbers beyond 64 bits, called directly


@pytest.mark.parametrize("value, expected", [
    (2**63 - 1, 2**63 - 1),
    (-(2**63), -(2**63)),
    (2**63, 2**63),           # what orjson writes: a number, as before (same bytes, same fingerprint)
    (2**64 - 1, 2**64 - 1),
    (2**64, "18446744073709551616"),
    (-(2**63) - 1, "-9223372036854775809"),
    (10**20, "100000000000000000000"),
    (Fraction(10**20), "100000000000000000000"),
    (Fraction(10**30, 7), "1000000000000000000000000000000/7"),
    (Fraction(3, 4), "3/4"),
    (1e20, "100000000000000000000"),
    (Quantity(Fraction(10**20), "mrp"), {"mrp": "100000000000000000000"}),
    (Quantity(Fraction(10**400, 3), "mrp"), {"mrp": f"{10**400}/3"}),
    ({"a": [2**70, 5]}, {"a": ["1180591620717411303424", 5]}),
])
def test_to_jsonable_writes_integers_beyond_64_bits_as_exact_decimal_strings(value, expected):
    out = to_jsonable(value)
    assert out == expected
    assert to_jsonable(out) == out  # its own output is left as it is (fingerprints hash this form)
    if not isinstance(value, float):  # a float is a float to orjson: 1e+20
        assert orjson.loads(dumps(value)) == expected


def test_integers_beyond_the_interpreter_digit_limit_are_still_exact():
    n = 10**5000 + 7
    assert to_jsonable(n) == "1" + "0" * 4999 + "7"
    assert to_ru(Fraction(n)).replace("\u00a0", "") == to_jsonable(n)  # grouped in threes for reading
    assert orjson.loads(dumps({"x": n})) == {"x": to_jsonable(n)}


def test_a_term_of_huge_years_is_written_exactly():
    assert to_jsonable(Term(10**20)) == {"years": "100000000000000000000", "months": 0, "days": 0}


def test_dumps_never_raises_on_a_big_integer_anywhere():
    doc = {"n": 2**64, "nested": [{"k": -(2**80)}], "ok": 1, 5: Fraction(2**90, 3)}
    assert orjson.loads(dumps(doc)) == {"n": "18446744073709551616", "nested": [{"k": str(-(2**80))}], "ok": 1,
                                        "5": f"{2**90}/3"}
    assert orjson.loads(dumps(doc, indent=True)) == orjson.loads(dumps(doc))


def test_fingerprint_of_a_huge_amount_is_the_fingerprint_of_its_decimal_string():
    fp = fingerprint("C-1", "r", "1", 10**20)
    assert fp == fingerprint("C-1", "r", "1", "100000000000000000000") == fingerprint("C-1", "r", "1", Fraction(10**20))
    assert fp == fingerprint("C-1", "r", "1", 10**20)  # stable
    assert fingerprint("C-1", "r", "1", {"mrp": 10**20}) == fingerprint("C-1", "r", "1", {"mrp": "100000000000000000000"})


def test_fingerprints_of_ordinary_values_are_unchanged():
    # the formula of report-v1: sha256 of the sorted-key JSON of [case_id, rule, offence, actual], 24 hex digits
    actual = {"years": 4, "months": 6, "days": 0}
    old = hashlib.sha256(orjson.dumps(["C-1", "r", "1", actual], option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]
    assert fingerprint("C-1", "r", "1", actual) == old
    assert fingerprint("C-1", "r", None, "3/4") == hashlib.sha256(
        orjson.dumps(["C-1", "r", None, "3/4"], option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]


def test_the_store_line_of_a_huge_amount_round_trips():
    cand = Candidate("r", "low", "t", "m", [], "1", 2**70, {"max": Fraction(2**70, 3)}, {"big": {"kzt": 2**65}}, "fp")
    line = ReportLine("C-1", "f.jsonl", 1, "flagged", [cand])
    back = line_from_json(line_to_json(line))
    assert back.candidates[0].actual == "1180591620717411303424"
    assert back.candidates[0].allowed == {"max": f"{2**70}/3"}
    assert back.candidates[0].facts == {"big": {"kzt": str(2**65)}}


# ---- F02 / F03: through a real scan (a rule computing the amount: the export's own limits do not cover it)


def test_huge_amount_is_reported_exactly_and_the_other_rules_keep_their_candidates(tmp_path):
    rules = rules_dir(tmp_path, HUGE_RULES, ALWAYS)
    inp = batch(tmp_path, damaged("A-1"), damaged("A-2", damage=10))
    r = scan(inp, "--rules", rules, "-f", "jsonl", "--all")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.stderr
    lines = report_lines(r.stdout_bytes)
    assert [(x["case_id"], x["status"]) for x in lines] == [("A-1", "flagged"), ("A-2", "flagged")]
    assert sorted(c["rule"] for c in lines[0]["candidates"]) == ["always-fires", "huge-amount"]
    [big] = [c for c in lines[0]["candidates"] if c["rule"] == "huge-amount"]
    assert "faults" not in lines[0]
    value = 640000 * 10**28
    assert big["actual"] == str(value) and big["facts"] == {"big": str(value)}
    assert str(value) in big["message"].replace("\xa0", "")  # said in words: digits grouped by spaces
    assert orjson.dumps(big["allowed"]).decode().count(f"{3 * value}/7") == 1


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "sarif", "html", "table"])
def test_every_format_writes_a_huge_amount(tmp_path, fmt):
    rules = rules_dir(tmp_path, HUGE_RULES)
    out = tmp_path / f"report.{fmt}"
    r = scan(batch(tmp_path, damaged()), "--rules", rules, "-f", fmt, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.stderr
    # exact in every format: the JSON value, or in words with the digits grouped by (no-break) spaces
    assert str(640000 * 10**28) in out.read_text(encoding="utf-8-sig").replace("\xa0", "").replace("&nbsp;", "")


def test_huge_amount_with_the_store_and_resume(tmp_path):
    rules = rules_dir(tmp_path, HUGE_RULES)
    inp = batch(tmp_path, damaged("A-1"), damaged("A-2"))
    db = str(tmp_path / "s.db")
    first = scan(inp, "--rules", rules, "-f", "jsonl", "--db", db, "--resume")
    assert first.exit_code == 0, first.output
    assert [x["status"] for x in report_lines(first.stdout_bytes)] == ["flagged", "flagged"]
    again = scan(inp, "--rules", rules, "-f", "jsonl", "--db", db, "--resume", "--rescan")
    assert again.exit_code == 0, again.output


# ---- per-rule faults and the `partial` status


def test_a_fault_costs_only_its_rule_and_the_record_stays_flagged(tmp_path):
    rules = rules_dir(tmp_path, FAULTY, ALWAYS)
    summary = tmp_path / "summary.json"
    r = scan(batch(tmp_path, damaged()), "--rules", rules, "-f", "jsonl", "--summary", str(summary))
    assert r.exit_code == 0, r.output
    [line] = report_lines(r.stdout_bytes)
    assert line["status"] == "flagged"
    assert [c["rule"] for c in line["candidates"]] == ["always-fires"]
    assert [f["code"] for f in line["faults"]] == ["E501"] and "units-fault" in line["faults"][0]["message"]
    assert line["faults"][0]["rule"] == "units-fault"  # the store keeps this rule's earlier findings open
    s = SummaryModel.model_validate(orjson.loads(summary.read_bytes()))
    assert (s.records, s.flagged, s.partial, s.clean) == (1, 1, 0, 0)


def test_a_faulted_record_without_candidates_is_partial_and_reported_without_all(tmp_path):
    rules = rules_dir(tmp_path, FAULTY)
    summary = tmp_path / "summary.json"
    inp = batch(tmp_path, damaged("P-1"), {"case_id": "BAD"})
    r = scan(inp, "--rules", rules, "-f", "jsonl", "--summary", str(summary))
    assert r.exit_code == 0, r.output
    lines = report_lines(r.stdout_bytes)
    assert [(x["case_id"], x["status"]) for x in lines] == [("P-1", "partial"), ("BAD", "invalid")]
    assert lines[0]["candidates"] == [] and lines[0]["faults"]
    doc = orjson.loads(summary.read_bytes())
    s = SummaryModel.model_validate(doc)
    assert (s.records, s.clean, s.flagged, s.invalid, s.partial) == (2, 0, 0, 1, 1)
    assert s.records == s.clean + s.flagged + s.invalid + s.partial
    assert "проверены не полностью: 1" in r.stderr
    assert scan(inp, "--rules", rules, "-f", "jsonl", "--strict").exit_code == 1


def test_the_table_says_a_record_was_not_fully_checked(tmp_path):
    """A rule fault never passes silently: the footer counts the record and the fault, `--show-invalid`
    lists it with the failed rule named by its title (its id and the Python error are for the author)."""
    rules = rules_dir(tmp_path, FAULTY)
    r = scan(batch(tmp_path, damaged("P-1")), "--rules", rules, "-f", "table")
    assert r.exit_code == 0, r.output
    assert "проверены не полностью: 1 — список: --show-invalid" in r.stdout
    assert "Ошибок правил при проверке: 1" in r.stdout
    assert "Traceback" not in r.output
    listed = scan(batch(tmp_path, damaged("P-1")), "--rules", rules, "-f", "table", "--show-invalid")
    assert listed.exit_code == 0, listed.output
    assert "P-1" in listed.stdout and "проверена не полностью" in listed.stdout
    assert "правило «Ошибка единиц» не завершило проверку" in listed.stdout
    for leak in ("units-fault", "TypeError", "Traceback"):
        assert leak not in listed.output


def test_the_human_formats_name_the_failed_rule_beside_the_findings_of_its_record(tmp_path):
    """A flagged record whose other rule failed says so in its own group, by the rule's title: the
    fault's message (rule id, Python error) is for the rule's author and stays in jsonl."""
    rules = rules_dir(tmp_path, FAULTY, ALWAYS)
    src = batch(tmp_path, damaged("P-1"))
    r = scan(src, "--rules", rules, "-f", "table")
    assert r.exit_code == 0, r.output
    assert "Всегда" in r.stdout and "не проверено" in r.stdout
    page = tmp_path / "r.html"
    assert scan(src, "--rules", rules, "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8").replace('data-rule="always-fires"', "")  # the filter's key
    for text in (r.stdout, html):
        assert "правило «Ошибка единиц» не завершило проверку" in text
        for leak in ("units-fault", "always-fires", "TypeError", "mrp"):
            assert leak not in text
    (line,) = report_lines(scan(src, "--rules", rules, "-f", "jsonl").stdout_bytes)
    assert line["faults"][0]["rule"] == "units-fault" and "TypeError" in line["faults"][0]["message"]


def _program(tmp_path, *texts):
    return Engine.load(rules_dir(tmp_path, *texts))._program


def test_a_fault_while_building_a_candidate_costs_only_that_rule(tmp_path, monkeypatch):
    """F03's shape: the violation holds but the candidate cannot be built (fast and traced paths agree)."""
    import legality.eval.program as P

    prog = _program(tmp_path, HUGE_RULES, ALWAYS)
    real = P.fingerprint

    def broken(case_id, rule, offence, actual):
        if rule == "huge-amount":
            raise TypeError("Integer exceeds 64-bit range")
        return real(case_id, rule, offence, actual)

    monkeypatch.setattr(P, "fingerprint", broken)
    v = validate_record(damaged())
    for trace in (False, True):
        ev = prog.evaluate(v, trace=trace)
        assert [c.rule for c in ev.candidates] == ["always-fires"], trace
        assert [f.code for f in ev.faults] == ["E501"] and "huge-amount" in ev.faults[0].message


def test_a_failing_driver_falls_back_to_rule_by_rule(tmp_path, monkeypatch):
    prog = _program(tmp_path, FAULTY, ALWAYS)

    def crash(env, v, rt):
        raise RuntimeError("driver bug")

    monkeypatch.setattr(prog, "_run", crash)
    ev = prog.evaluate(validate_record(damaged()))
    assert [c.rule for c in ev.candidates] == ["always-fires"]
    assert [f.code for f in ev.faults] == ["E501"]


class _Engine:
    version = "t"
    rules: list = []

    def __init__(self, result):
        self.result = result

    def evaluate(self, verdict, **kw):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def _raw(rec: dict) -> RawRecord:
    return RawRecord("b.jsonl", 1, orjson.dumps(rec))


def test_evaluate_raw_status_follows_candidates_and_faults():
    from legality.diagnostics import Diagnostic

    fault = Diagnostic("E501", "правило r не смогло проверить дело")
    cand = Candidate("r2", "low", "t", "m", [], None, None, None, {}, "fp")
    rec = damaged()
    assert evaluate_raw(_Engine(Evaluation([], [fault])), _raw(rec))[0].status == "partial"
    assert evaluate_raw(_Engine(Evaluation([cand], [fault])), _raw(rec))[0].status == "flagged"
    assert evaluate_raw(_Engine(Evaluation([], [])), _raw(rec))[0].status == "clean"
    line = evaluate_raw(_Engine(RuntimeError("engine bug")), _raw(rec))[0]
    assert line.status == "partial" and line.faults[0]["code"] == "E501"
    assert "RuntimeError" in line.faults[0]["message"]


def test_run_scan_counts_partial_records_apart():
    raws = [_raw(damaged("A")), _raw(damaged("B"))]
    out = io.BytesIO()
    summary = run_scan([], _Engine(RuntimeError("x")), out, raws=raws)
    assert (summary.records, summary.partial, summary.clean) == (2, 2, 0)
    assert summary.to_json()["partial"] == 2
    assert [orjson.loads(x)["status"] for x in out.getvalue().splitlines()] == ["partial", "partial"]
