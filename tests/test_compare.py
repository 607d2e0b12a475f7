"""`legality compare`: the release gate of a rule pack (issue 15, point 6), on the shipped fixtures.

Why these cases: the gate exists for the change nobody sees — a rule that stops firing.  So the tests
change one thing per rule in a copy of the shipped pack and assert that exactly that rule moves, by
exactly that much, with those cases as examples; that a pack compared with itself moves nothing;
that the two ways in (two packs over a corpus, two reports) agree; and that the thresholds decide
the exit code as documented.  The expectations are data (`MIXED`), one row per edited rule.
"""

from __future__ import annotations

import io
import re
import shutil
from fractions import Fraction
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.report.compare import Gate, ReportError, Side, compare, read_side
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR

CORPUS = str(FIXTURES_DIR)

# (file, old text, new text): each edit touches one rule of a copy of the shipped pack
EDITS = [
    # a bound: `>` becomes `>=` — a sentence at the sanction's maximum, lawful, is now flagged
    ("sanction.legal", "violation imposed_amount > sanction_max_imposed\n",
     "violation imposed_amount >= sanction_max_imposed\n"),
    # a bound lowered: imprisonment of 4 months is no longer «below the general minimum»
    ("limits.legal", "violation t < law.imprisonment.min\n", "violation t < 3 months\n"),
    # a severity lowered: the same finding, changed, and it leaves the high list
    ("limits.legal", 'title "Арест менее десяти суток"\n     kk "Қамаққа алу он тәуліктен кем"\n  severity high',
     'title "Арест менее десяти суток"\n     kk "Қамаққа алу он тәуліктен кем"\n  severity medium'),
]
REMOVED = "correctional-labour-below-min"   # deleted from the new pack
ADDED = "restriction-below-min-copy"        # a copy of restriction-below-min under a new id

# rule → (status, gained, lost, changed, lost_high, changed_fields, examples by kind)
MIXED = {
    "sanction-max-exceeded": ("kept", 2, 0, 0, 0, {}, {"gained": ["2022-0810-98", "2023-0722-32"]}),
    "imprisonment-below-general-min": ("kept", 0, 1, 0, 1, {}, {"lost": ["2021-0540-27"]}),
    "arrest-below-min": ("kept", 0, 0, 1, 1, {"severity": 1}, {"changed": ["2020-0542-12"]}),
    REMOVED: ("removed", 0, 1, 0, 1, {}, None),
    ADDED: ("added", 1, 0, 0, 0, {}, None),
}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the shipped pack changed: {old!r} is no longer in {path.name}; update EDITS"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rule_block(text: str, rule: str) -> str:
    m = re.search(rf"^rule {re.escape(rule)} for \w+ \{{.*?^\}}\n", text, re.S | re.M)
    assert m, rule
    return m.group(0)


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("packs")
    old, same, mixed = root / "old", root / "same", root / "mixed"
    for p in (old, same, mixed):
        shutil.copytree(RULES_DIR, p)
    for file, a, b in EDITS:
        _edit(mixed / "pack" / file, a, b)
    limits = mixed / "pack" / "limits.legal"
    text = limits.read_text(encoding="utf-8")
    copy = _rule_block(text, "restriction-below-min").replace("rule restriction-below-min ", f"rule {ADDED} ", 1)
    limits.write_text(text.replace(_rule_block(text, REMOVED), "") + "\n" + copy, encoding="utf-8")
    return {"old": str(old), "same": str(same), "mixed": str(mixed)}


def run(*args: str):
    return CliRunner().invoke(main, ["compare", *args], catch_exceptions=False)


def _scan(rules: str, out: Path) -> Path:
    r = CliRunner().invoke(main, ["scan", CORPUS, "--rules", rules, "-f", "jsonl", "-o", str(out), "-j", "1"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def mixed_json(packs) -> dict:
    r = run("--rules", packs["old"], "--rules", packs["mixed"], CORPUS, "-j", "1", "-f", "json")
    assert r.exit_code == 1, r.stderr  # the default gate: high findings were lost
    return orjson.loads(r.stdout_bytes)


@pytest.fixture(scope="module")
def reports(packs, tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("reports")
    return {name: str(_scan(packs[name], d / f"{name}.jsonl")) for name in ("old", "mixed")}


def test_each_edited_rule_moves_by_exactly_its_change_and_no_other_rule_moves(mixed_json):
    rows = {r["rule"]: r for r in mixed_json["rules"]}
    assert sorted(rows) == sorted(MIXED)
    for rule, (status, gained, lost, changed, lost_high, fields, examples) in MIXED.items():
        row = rows[rule]
        assert (row["status"], row["gained"], row["lost"], row["changed"], row["lost_high"], row["changed_fields"]) \
            == (status, gained, lost, changed, lost_high, fields), rule
        for kind, ids in (examples or {}).items():
            assert row["examples"][kind] == ids, (rule, kind)
    t = mixed_json["total"]
    assert (t["gained"], t["lost"], t["changed"], t["lost_high"]) == (3, 2, 1, 3)
    assert t["rules_added"] == [ADDED] and t["rules_removed"] == [REMOVED]


def test_an_added_and_a_removed_rule_are_reported_as_such(mixed_json):
    rows = {r["rule"]: r for r in mixed_json["rules"]}
    assert rows[ADDED]["status"] == "added" and rows[ADDED]["findings"]["old"] == 0
    assert rows[REMOVED]["status"] == "removed" and rows[REMOVED]["findings"]["new"] == 0
    assert mixed_json["new"]["rules"] == mixed_json["old"]["rules"]  # one removed, one added
    assert mixed_json["packs_known"] is True


def test_the_json_shape_is_stable_and_sorted(mixed_json):
    assert mixed_json["format"] == "legality.compare/1"
    assert list(mixed_json) == sorted(mixed_json)
    assert [r["rule"] for r in mixed_json["rules"]] == sorted(r["rule"] for r in mixed_json["rules"])
    for r in mixed_json["rules"]:
        assert {"rule", "title", "gained", "lost", "changed", "examples"} <= set(r)
        assert set(r["examples"]) == {"gained", "lost", "changed"}
        for ids in r["examples"].values():
            assert ids == sorted(ids) and len(ids) <= 5
    gate = mixed_json["gate"]
    assert gate["default"] is True and gate["passed"] is False
    assert gate["breaches"] == [{"limit": "max_lost_high", "value": 3, "max": 0}]


def test_identical_packs_change_nothing_and_pass(packs):
    r = run("--rules", packs["old"], "--rules", packs["same"], CORPUS, "-j", "1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    data = orjson.loads(r.stdout_bytes)
    assert data["rules"] == []
    assert {k: data["total"][k] for k in ("gained", "lost", "changed", "reworded", "affected_cases")} \
        == dict.fromkeys(("gained", "lost", "changed", "reworded", "affected_cases"), 0)
    # invalid and partial records are counted on both sides, never dropped
    assert data["old"]["invalid"] == data["new"]["invalid"] > 0
    assert data["old"]["partial"] == data["new"]["partial"] > 0


def test_two_reports_give_what_the_rescan_gives(reports, mixed_json):
    r = run(reports["old"], reports["mixed"], "-f", "json")
    assert r.exit_code == 1, r.stderr
    data = orjson.loads(r.stdout_bytes)
    # the packs are unknown in this mode: a rule's status, and the count of rules, cannot be told
    assert data["packs_known"] is False
    strip_rule = lambda r: {k: v for k, v in r.items() if k != "status"}  # noqa: E731
    assert [strip_rule(x) for x in data["rules"]] == [strip_rule(x) for x in mixed_json["rules"]]
    same_total = {k: v for k, v in mixed_json["total"].items() if not k.startswith("rules_")}
    assert {k: v for k, v in data["total"].items() if not k.startswith("rules_")} == same_total
    for side in ("old", "new"):
        assert {k: v for k, v in data[side].items() if k not in ("source", "rules")} \
            == {k: v for k, v in mixed_json[side].items() if k not in ("source", "rules")}
    assert data["gate"] == mixed_json["gate"]


@pytest.mark.parametrize("args, code", [
    ([], 1),                                         # default: no high finding may be lost (3 are)
    (["--max-lost-high", "3"], 0),
    (["--max-lost-high", "2"], 1),
    (["--max-gained", "3"], 0),                      # given thresholds replace the default
    (["--max-gained", "2"], 1),
    (["--max-lost", "2"], 0),
    (["--max-lost", "1"], 1),
    (["--max-changed-share", "100"], 0),
    (["--max-changed-share", "5%"], 1),              # 6 cases of the ≈50 flagged moved
    (["--max-changed-share", "12,5 %"], 0),
    (["--max-gained", "3", "--max-lost", "2", "--max-changed-share", "1"], 1),
])
def test_thresholds_decide_the_exit_code(reports, args, code):
    r = run(reports["old"], reports["mixed"], "-f", "json", *args)
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    assert orjson.loads(r.stdout_bytes)["gate"]["passed"] is (code == 0)


@pytest.mark.parametrize("args", [
    ["--rules", "rules", CORPUS],                    # --rules once: which is old, which new?
    ["one.jsonl"],                                   # one report
    ["a.jsonl", "b.jsonl", "c.jsonl"],               # three reports
    ["--rules", "rules", "--rules", "rules", "-"],   # stdin cannot be read by both packs
    ["--max-changed-share", "150"],
    ["--max-lost", "-1"],
])
def test_usage_errors_exit_2(reports, args):
    if args and args[0].startswith("--max"):
        args = [reports["old"], reports["mixed"], *args]
    r = run(*args)
    assert r.exit_code == 2, r.stdout


def test_a_corpus_without_one_valid_record_is_an_input_error(packs, reports):
    # two reports given with --rules are read as verdicts, every one invalid: a gate that compared
    # nothing must not pass
    r = run("--rules", packs["old"], "--rules", packs["same"], reports["old"], "-j", "1")
    assert r.exit_code == 2 and "--rules" in r.stderr


def test_a_file_that_is_not_a_report_is_an_input_error(reports, tmp_path):
    # a verdict export given as a report: exit 2 naming the line, not a comparison of nothing
    verdicts = next((FIXTURES_DIR / "verdicts").rglob("*.jsonl"))
    r = run(str(verdicts), reports["mixed"])
    assert r.exit_code == 2
    assert ":" in r.stderr and "--rules" in r.stderr
    truncated = tmp_path / "cut.jsonl"
    data = Path(reports["old"]).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])  # cut mid-line: not a shorter report
    r = run(str(truncated), reports["mixed"])
    assert r.exit_code == 2 and "строка" in r.stderr


def test_outputs_are_byte_identical_for_the_same_inputs(reports, tmp_path):
    for fmt in ("table", "json", "markdown"):
        a, b = (run(reports["old"], reports["mixed"], "-f", fmt).stdout_bytes for _ in range(2))
        assert a == b and a, fmt
    out = tmp_path / "cmp.md"
    r = run(reports["old"], reports["mixed"], "-f", "markdown", "-o", str(out))
    assert r.exit_code == 1 and r.stdout_bytes == b""
    assert out.read_bytes() == run(reports["old"], reports["mixed"], "-f", "markdown").stdout_bytes


def test_table_and_markdown_show_titles_ids_examples_and_the_gate(reports):
    table = run(reports["old"], reports["mixed"]).stdout
    md = run(reports["old"], reports["mixed"], "-f", "markdown").stdout
    for text in (table, md):
        assert "Наказание выше максимума санкции статьи" in text and "sanction-max-exceeded" in text
        assert "2022-0810-98" in text and "2021-0540-27" in text
        assert "--max-lost-high" in text  # the breached threshold is named
    assert md.startswith("## ") and "|---|---:|---:|---:|---|" in md


def test_a_json_array_report_reads_like_json_lines(reports, tmp_path):
    lines = Path(reports["old"]).read_bytes().splitlines()
    array = tmp_path / "old.json"
    array.write_bytes(b"[" + b",\n".join(lines) + b"]\n")
    a = run(str(array), reports["mixed"], "-f", "json")
    b = run(reports["old"], reports["mixed"], "-f", "json")
    drop = lambda d: {**d, "old": {**d["old"], "source": ""}}  # noqa: E731
    assert drop(orjson.loads(a.stdout_bytes)) == drop(orjson.loads(b.stdout_bytes))


def test_the_worked_example_of_the_docs_is_the_real_output(tmp_path):
    """docs/rules.md (from docs/rules-notes/_release-gate.md) shows a real run; it must stay one."""
    note = (Path(__file__).parents[1] / "docs" / "rules-notes" / "_release-gate.md").read_text(encoding="utf-8")
    command = "$ legality compare --rules rules --rules /tmp/rules-new fixtures/\n"
    shown = note[note.index(command) + len(command):note.index("$ echo $?")]
    new = tmp_path / "rules-new"
    shutil.copytree(RULES_DIR, new)
    _edit(new / "pack" / "sanction.legal", "  when same_unit(imposed_amount, sanction_max_imposed)\n"
          "  violation imposed_amount > sanction_max_imposed\n",
          "  when imposed_kind = imprisonment\n  violation imposed_amount > sanction_max_imposed\n")
    r = run("--rules", str(RULES_DIR), "--rules", str(new), CORPUS, "-j", "1")
    assert r.exit_code == 1, r.stderr
    out = r.stdout.replace(f"({RULES_DIR})", "(rules)").replace(f"({new})", "(/tmp/rules-new)")
    assert "\n".join(x.rstrip() for x in out.splitlines()) + "\n" == shown


# ---- the comparison as data, without a scan

def _line(case: str, *cands: dict, status: str = "flagged") -> bytes:
    return orjson.dumps({"format": "legality.report/1", "case_id": case, "source": {"file": "x.jsonl", "line": 1},
                         "status": status, "candidates": list(cands), "errors": []})


def _cand(rule: str, fp: str, severity: str = "high", allowed=None, message: str = "m") -> dict:
    return {"rule": rule, "severity": severity, "title": rule, "message": message, "citations": [],
            "offence": "1", "actual": 1, "allowed": allowed, "facts": {}, "fingerprint": fp}


def _side(*lines: bytes, name: str = "s") -> Side:
    return read_side(io.BytesIO(b"\n".join(lines) + b"\n"), name)


@pytest.mark.parametrize("old, new, expect", [
    # (old candidate kwargs, new candidate kwargs, (gained, lost, changed, reworded, lost_high))
    ({}, {}, (0, 0, 0, 0, 0)),
    ({}, {"message": "other words"}, (0, 0, 0, 1, 0)),                 # wording only: listed, not gated
    ({}, {"allowed": {"max": 5}}, (0, 0, 1, 0, 0)),                    # the allowed range: changed
    ({}, {"severity": "medium"}, (0, 0, 1, 0, 1)),                     # demoted from high: lost high
    ({"severity": "low"}, {"severity": "high"}, (0, 0, 1, 0, 0)),      # promoted: changed, not lost
    ({}, None, (0, 1, 0, 0, 1)),
    (None, {}, (1, 0, 0, 0, 0)),
    ({"severity": "medium"}, None, (0, 1, 0, 0, 0)),
])
def test_what_gained_lost_changed_and_reworded_mean(old, new, expect):
    a = _side(_line("c1", _cand("r", "f1", **old)) if old is not None else _line("c1", status="partial"))
    b = _side(_line("c1", _cand("r", "f1", **new)) if new is not None else _line("c1", status="partial"))
    d = compare(a, b).rules.get("r")
    got = (d.gained, d.lost, d.changed, d.reworded, d.lost_high) if d else (0, 0, 0, 0, 0)
    assert got == expect


def test_another_imposed_value_in_the_same_place_is_a_change_not_a_loss_and_a_gain():
    # the rule now reads another value (fingerprint differs, case, rule and episode the same)
    old = _side(_line("c1", _cand("r", "f-old")))
    new = _side(_line("c1", {**_cand("r", "f-new"), "actual": 2}))
    d = compare(old, new).rules["r"]
    assert (d.gained, d.lost, d.changed, dict(d.changed_fields)) == (0, 0, 1, {"actual": 1})
    # another episode is another place: lost and gained
    new = _side(_line("c1", {**_cand("r", "f-new"), "offence": "2"}))
    d = compare(old, new).rules["r"]
    assert (d.gained, d.lost, d.changed) == (1, 1, 0)


def test_the_same_finding_twice_is_matched_as_a_multiset():
    # the same case exported twice: both findings have one fingerprint; one of them gone is one lost
    old = _side(_line("c1", _cand("r", "f1")), _line("c1", _cand("r", "f1")))
    new = _side(_line("c1", _cand("r", "f1")))
    d = compare(old, new).rules["r"]
    assert (d.gained, d.lost, d.changed) == (0, 1, 0)


def test_faults_of_a_rule_are_shown_per_rule():
    old = _side(_line("c1", status="partial"))
    new = _side(orjson.dumps({"format": "legality.report/1", "case_id": "c1", "source": {"file": "x", "line": 1},
                              "status": "partial", "candidates": [], "errors": [],
                              "faults": [{"code": "E501", "rule": "r", "message": "boom"}]}))
    c = compare(old, new)
    assert (c.rules["r"].faults_old, c.rules["r"].faults_new) == (0, 1) and c.rules["r"].shown


def test_the_share_counts_cases_of_either_side():
    old = _side(*(_line(f"c{i}", _cand("r", f"f{i}")) for i in range(10)))
    new = _side(*(_line(f"c{i}", _cand("r", f"f{i}")) for i in range(9)))  # c9 lost
    c = compare(old, new)
    assert len(c.affected_cases) == 1 and c.flagged_cases == 10
    assert Gate(max_changed_share=Fraction(10)).breaches(c) == []
    assert Gate(max_changed_share=Fraction(9)).breaches(c) == [("max_changed_share", 10.0, 9.0)]


@pytest.mark.parametrize("data", [b'{"format": "legality.summary/1"}', b"not json", b'{"format": "legality.report/1"}'])
def test_a_line_that_is_not_a_report_line_raises(data):
    with pytest.raises(ReportError) as e:
        _side(_line("c1"), data)
    assert e.value.line == 2
