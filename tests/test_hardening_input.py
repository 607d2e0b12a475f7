"""Issue 11, the input side: reading, framing, validation messages and the bounds of a record.

One test (or a few) per red-team finding (shared/reviews/redteam-2026-12.md): F11, F12, F18 (the
validation messages), F26, F27, F28, F29, F31, F32, and item 3 of the issue: every amount and term
is bounded by what a verdict can contain, and a value past that is an invalid record with its path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality import words
from legality.cli import main
from legality.io import framing
from legality.io.reader import RawRecord, decode, iter_raw, resolve_inputs
from legality.io.schema import export_schema
from legality.model.validate import validate_record
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from verdict_samples import record

LEGALITY = str(Path(sys.executable).with_name("legality"))
RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
PLANTED = FIXTURES_DIR / "verdicts" / "planted"


def invoke(*args: str, input: bytes | None = None):
    if args[0] in ("scan", "explain", "protest") and "--rules" not in args:
        args = (*args, "--rules", RULES)
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def jl(*records: dict) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def errors_of(rec: dict) -> list[tuple[str, str]]:
    res = validate_record(rec)
    assert isinstance(res, list), "expected an invalid record"
    return [(e.path, e.message) for e in res]


def with_fine(amount: object, field: str = "mrp") -> dict:
    r = record()
    r["final_sentence"].update(principal={"kind": "fine", field: amount}, regime=None)
    return r


def with_term(**term: int) -> dict:
    r = record()
    r["final_sentence"]["principal"]["term"] = term
    return r


# ---- item 3: bounds of amounts and terms


@pytest.mark.parametrize("rec, path", [
    (with_fine(1e20), "final_sentence.principal.mrp"),
    (with_fine(2_000_000), "final_sentence.principal.mrp"),
    (with_fine(5_000, "multiple"), "final_sentence.principal.multiple"),
    (with_term(years=101), "final_sentence.principal.term.years"),
    (with_term(months=1_201), "final_sentence.principal.term.months"),
    (with_term(days=36_001), "final_sentence.principal.term.days"),
], ids=["mrp-1e20", "mrp-2e6", "multiple-5000", "101-years", "1201-months", "36001-days"])
def test_amount_or_term_past_what_a_verdict_can_hold_is_invalid_with_its_path(rec, path):
    ((got_path, msg),) = errors_of(rec)
    assert got_path == path
    assert msg.startswith("значение больше, чем может содержать приговор (не более ")


def test_a_term_whose_parts_add_up_past_100_years_is_invalid():
    ((path, msg),) = errors_of(with_term(years=90, months=200))
    assert path == "final_sentence.principal.term" and "не более 100 лет" in msg


def test_other_bounded_fields():
    r = record()
    r["offences"][0]["damage_kzt"] = 1e16
    r["offences"][0]["sentence"]["principal"] = {"kind": "community_service", "hours": 1_000_000}
    r["final_sentence"].update(regime=None, probation={"period": {"years": 200}})
    assert sorted(p for p, _ in errors_of(r)) == [
        "final_sentence.probation.period.years", "offences[0].damage_kzt", "offences[0].sentence.principal.hours"]
    r = record()
    r["offences"][0]["sentence"]["principal"] = {"kind": "arrest", "days": 100_000}
    assert [p for p, _ in errors_of(r)] == ["offences[0].sentence.principal.days"]


@pytest.mark.parametrize("amount", [0, 0.0, 1e-320, 5e-324, 0.001])
def test_a_zero_or_vanishing_fine_is_invalid(amount):
    ((path, msg),) = errors_of(with_fine(amount))
    assert path == "final_sentence.principal.mrp"
    assert "меньше, чем может содержать приговор" in msg and "не менее 0,01" in msg


def test_a_court_error_above_the_article_maximum_still_reaches_the_rules():
    # the Code's maximum for a fine is 10,000 МРП and for a term 30 years: above that is a finding
    assert not isinstance(validate_record(with_fine(20_000)), list)
    assert not isinstance(validate_record(with_fine(1500.5)), list)
    assert not isinstance(validate_record(with_fine(80, "multiple")), list)
    assert not isinstance(validate_record(with_term(years=60)), list)
    assert not isinstance(validate_record(with_term(years=100)), list)


def test_the_schema_shows_the_bounds():
    defs = export_schema()["$defs"]
    props = defs["Penalty"]["properties"]

    def number(prop: dict) -> dict:
        return next(x for x in prop["anyOf"] if x.get("type") in ("number", "integer"))

    assert number(props["mrp"])["maximum"] == 1_000_000 and number(props["mrp"])["minimum"] == 0.01
    assert number(props["multiple"])["maximum"] == 1_000
    assert number(props["hours"])["maximum"] == 100_000 and number(props["days"])["maximum"] == 10_000
    term = next(x for x in props["term"]["anyOf"] if x.get("type") == "object")
    assert term["properties"]["years"]["maximum"] == 100
    assert number(defs["Offence"]["properties"]["damage_kzt"])["maximum"] == 10**15


def test_scan_of_a_poison_amount_is_one_invalid_record_not_a_crash(tmp_path):
    # the red team's F02/F03 repro: "mrp": 1e20 killed the whole run
    poison = with_fine(1e20)
    poison["case_id"] = "POISON-1"
    p = tmp_path / "poison.jsonl"
    p.write_bytes(jl(record(case_id="OK-1"), poison))
    r = invoke("scan", str(p), "-f", "jsonl", "--all")
    assert r.exit_code == 0, r.stderr
    lines = [orjson.loads(x) for x in r.stdout_bytes.splitlines()]
    bad = next(x for x in lines if x["case_id"] == "POISON-1")
    assert bad["status"] == "invalid"
    assert [e["path"] for e in bad["errors"]] == ["final_sentence.principal.mrp"]


# ---- F18: validation messages do not repeat what the record says about a person


def test_validation_messages_do_not_echo_defendant_values(tmp_path):
    recs = []
    r = record(case_id="PRIV-1")
    r["defendant"].update(birth_date="1991-02-30")
    recs.append(r)
    r = record(case_id="PRIV-2")
    r["defendant"].update(birth_date="2013-05-01", prior_convictions=[])  # 10 at the offence
    recs.append(r)
    r = record(case_id="PRIV-3")
    r["defendant"].update(sex="female (Иванова Анна Петровна)", citizenship="Иванова Анна, ИИН 910303400123")
    recs.append(r)
    r = record(case_id="PRIV-4")
    r["offences"][0]["mitigating"] = ["раскаялась Иванова"]
    recs.append(r)
    p = tmp_path / "priv.jsonl"
    p.write_bytes(jl(*recs))
    for fmt in ("text", "json"):
        res = invoke("validate", "--format", fmt, str(p))
        assert res.exit_code == 1
        out = res.stdout
        for secret in ("1991-02-30", "2013-05-01", "10 лет", "Иванова", "910303400123", "female"):
            assert secret not in out, (fmt, secret)
        # the field as the format names it in JSON, in words for the reader of the text
        for path in ("defendant.birth_date", "defendant.sex", "defendant.citizenship", "offences[0].mitigating[0]"):
            assert (path if fmt == "json" else words.field(path)) in out
    text = invoke("validate", str(p)).stdout
    assert 'допустимые: "M" или "F"' in text  # the allowed codes instead of the value
    assert 'допустимые: "KZ", "foreign" или "stateless"' in text


# ---- F29: messages in Russian; dates in ASCII digits only; the Windows-1251 hint only when it is


_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_ALLOWED_LATIN = {"JSON", "jsonl", "json", "true", "false", "null", "NaN", "Infinity", "UTF", "uXXXX"}


@pytest.mark.parametrize("text", [
    b'{"case_id": "A", "x": -Infinity}', b'{"case_id": "A", "x": +1}', b'{"case_id": "A", "x": 1.}',
    b'{"case_id": "A", "x": 1.e5}', b'{"case_id": "A", "x": 1e}', b'{"case_id": "A", "x": 01}',
    b'{"case_id": "A", "x": "\\q"}', b'{"case_id": "A", "x": "\\ud800"}', b'{"case_id": "A", "x": "\\udc00"}',
    b'{"case_id": "A", "x": tru}', b'{"case_id": "A", "x": 1e400}', b'{"case_id": "A" "x": 1}',
    b'{"case_id": "A", 1: 2}', b'{"case_id": "A", "x": [1 2]}', b'{"case_id": "A", "x": NaN}',
    b"[" * 2000 + b"]" * 2000, b'{"case_id": "A"} {}', b'{"case_id": "A", "x": "\t"}',
])
def test_every_json_error_is_told_in_russian(text):
    item = decode(RawRecord("f.jsonl", 1, text))
    ((err,),) = [item.errors]
    assert err.message.startswith("некорректный JSON: ")
    words = set(_LATIN_WORD.findall(err.message)) - _ALLOWED_LATIN
    assert not words, err.message


def test_minus_infinity_is_explained():
    item = decode(RawRecord("f.jsonl", 1, b'{"case_id": "A", "mrp": -Infinity}'))
    assert "no digit" not in item.errors[0].message and "Infinity в JSON недопустимы" in item.errors[0].message
    assert item.case_id == "A"


@pytest.mark.parametrize("date", ["٢٠٢٤-٠٣-١٥", "2024-03-15\n", "２０２４-03-15", "2024-03-15 ", "2024-3-15"])
def test_dates_need_ascii_digits_and_nothing_after(date):
    r = record(verdict_date=date)
    ((path, msg),) = errors_of(r)
    assert path == "verdict_date" and "ГГГГ-ММ-ДД" in msg


def test_windows_1251_hint_only_for_a_line_that_is_windows_1251(tmp_path):
    utf8 = json.dumps(record(case_id="U-1"), ensure_ascii=False).encode()
    i = utf8.index("Ауэзовский".encode())
    damaged = utf8[:i] + b"\xff" + utf8[i:]  # one stray byte in an otherwise UTF-8 Cyrillic line
    cp1251 = json.dumps(record(case_id="W-1"), ensure_ascii=False).encode("cp1251")
    p = tmp_path / "enc.jsonl"
    p.write_bytes(damaged + b"\n" + cp1251 + b"\n")
    got = [decode(r) for r in iter_raw(resolve_inputs([str(p)])[0])]
    assert [(i.case_id, i.valid) for i in got] == [("U-1", False), ("W-1", False)]
    assert "UTF-8" in got[0].errors[0].message and "Windows-1251" not in got[0].errors[0].message
    assert "Windows-1251" in got[1].errors[0].message


# ---- F11: a folder that is readable but not searchable


def test_a_path_that_cannot_be_examined_is_an_unreadable_input(tmp_path, monkeypatch):
    p = tmp_path / "d" / "f.jsonl"
    p.parent.mkdir()
    p.write_bytes(jl(record()))
    real_is_dir = Path.is_dir

    def is_dir(self):
        if self.name in ("d", "f.jsonl"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    for cmd in ("scan", "validate"):
        r = invoke(cmd, str(p))
        assert r.exit_code == 2, (cmd, r.output)
        assert "нет прав на чтение" in r.stderr and "Traceback" not in r.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to switch to another user")
def test_folder_without_search_permission_as_another_user():
    """The real thing: a forked child as uid 65534 (the venv need not be reachable for that user)."""
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="legality-f11-", dir="/tmp"))
    try:
        os.chmod(top, 0o755)
        d = top / "d"
        d.mkdir()
        (d / "f.jsonl").write_bytes(jl(record()))
        os.chmod(d / "f.jsonl", 0o644)
        os.chmod(d, 0o644)  # readable, not searchable
        rd, wr = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                os.close(rd)
                os.setgid(65534)
                os.setuid(65534)
                rows = []
                for args in (["validate", str(d)], ["validate", str(d / "f.jsonl")]):
                    r = CliRunner().invoke(main, args)
                    rows.append([r.exit_code, r.stderr, repr(r.exception) if r.exit_code not in (0, 1, 2) else ""])
                os.write(wr, json.dumps(rows).encode())
            finally:
                os._exit(0)
        os.close(wr)
        with os.fdopen(rd, "rb") as f:
            rows = json.loads(f.read() or b"[]")
        os.waitpid(pid, 0)
    finally:
        os.chmod(top / "d", 0o755)
        shutil.rmtree(top)
    assert len(rows) == 2
    for code, stderr, exc in rows:
        assert code == 2, (stderr, exc)
        assert "нет прав на чтение" in stderr


# ---- F12: symlinked folders and dangling links inside an input tree


def test_symlinked_folders_are_followed_once_and_loops_end(tmp_path):
    real = tmp_path / "real" / "2024"
    real.mkdir(parents=True)
    (real / "a.jsonl").write_bytes(jl(record(case_id="LINKED-1")))
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "local.jsonl").write_bytes(jl(record(case_id="LOCAL-1")))
    (exports / "2024").symlink_to(real, target_is_directory=True)
    (exports / "again").symlink_to(real, target_is_directory=True)  # the same folder twice
    (real / "loop").symlink_to(exports, target_is_directory=True)    # and a loop back up
    sources, errors = resolve_inputs([str(exports)])
    assert errors == []
    assert [s.name for s in sources] == [f"{exports}/2024/a.jsonl", f"{exports}/local.jsonl"]
    r = invoke("validate", str(exports))
    assert r.exit_code == 0 and r.stdout == "записей: 2, корректных: 2, некорректных: 0\n"


def test_a_dangling_link_in_the_tree_is_an_unreadable_input(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "ok.jsonl").write_bytes(jl(record()))
    (exports / "dangling.jsonl").symlink_to(tmp_path / "nope.jsonl")
    (exports / "notes.txt").symlink_to(tmp_path / "nope.txt")  # not a batch file: not our business
    sources, errors = resolve_inputs([str(exports)])
    assert [(e.path, e.message) for e in errors] == [
        (f"{exports}/dangling.jsonl", "символическая ссылка ведёт на несуществующий файл")]
    for cmd in ("validate", "scan"):
        r = invoke(cmd, str(exports))
        assert r.exit_code == 2, r.output
        assert "dangling.jsonl" in r.stderr and "несуществующий" in r.stderr


# ---- F26: stdin closed


@pytest.mark.parametrize("cmd", ["scan", "validate"])
def test_closed_stdin_is_an_unreadable_input(cmd):
    args = f'"{LEGALITY}" {cmd} -' + (f' -f jsonl --rules "{RULES}"' if cmd == "scan" else "")
    p = subprocess.run(["sh", "-c", args + " <&-"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    assert "стандартный ввод закрыт" in p.stderr and "Traceback" not in p.stderr
    if cmd == "scan":
        assert p.stdout == ""  # no report at all


# ---- F27: a case id written with JSON escapes is found


@pytest.mark.parametrize("case_id, written", [
    ("1-123/2024", b'"1-123\\/2024"'),
    ('A"B-1', b'"A\\"B-1"'),
    ("C\\D-1", b'"C\\\\D-1"'),
])
def test_explain_finds_a_case_id_written_with_escapes(tmp_path, case_id, written):
    line = orjson.dumps(record(case_id="PLACEHOLDER")).replace(b'"PLACEHOLDER"', written)
    p = tmp_path / "esc.jsonl"
    p.write_bytes(jl(record(case_id="OTHER-1")) + line + b"\n")
    r = invoke("explain", str(p), "--case", case_id)
    assert r.exit_code == 0, r.stderr
    assert "не найдено" not in r.stderr


# ---- F28: an oversized record still shows its case id


def test_an_oversized_record_shows_its_case_id(tmp_path, monkeypatch):
    monkeypatch.setattr(framing, "MAX_RECORD_BYTES", 4000)
    monkeypatch.setattr(framing, "CHUNK", 512)
    big = record(case_id="BIG-1")
    big["court"]["name"] = "x" * 10_000
    p = tmp_path / "big.jsonl"
    p.write_bytes(jl(record(case_id="A-1"), big, record(case_id="C-1")))
    got = [decode(r) for r in iter_raw(resolve_inputs([str(p)])[0])]
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "A-1", True), (2, "BIG-1", False), (3, "C-1", True)]
    assert "длиннее" in got[1].errors[0].message
    q = tmp_path / "big.json"
    q.write_bytes(json.dumps([record(case_id="A-1"), big], ensure_ascii=False).encode())
    got = [decode(r) for r in iter_raw(resolve_inputs([str(q)])[0])]
    assert [(i.line, i.case_id, i.valid) for i in got] == [(0, "A-1", True), (1, "BIG-1", False)]
    r = invoke("validate", str(p))
    assert f"{p}:2: дело BIG-1: " in r.stdout


# ---- F31: duplicate keys


def test_duplicate_keys_are_an_invalid_record_with_the_path():
    base = orjson.dumps(record(case_id="A"))
    two_ids = b'{"case_id": "A", "case_id": "B",' + base[1:]
    item = decode(RawRecord("f.jsonl", 1, two_ids))
    assert not item.valid and [e.path for e in item.errors] == ["case_id"]
    assert "ключ повторяется" in item.errors[0].message and item.case_id is None
    fs = orjson.dumps(record()["final_sentence"])
    two_final = base[:-1] + b', "final_sentence" : ' + fs + b"}"  # whitespace before the colon too
    item = decode(RawRecord("f.jsonl", 1, two_final))
    assert not item.valid and item.case_id == "A"
    assert [e.path for e in item.errors] == ["final_sentence"]


def test_colons_and_escapes_inside_strings_are_not_duplicates():
    r = record(case_id="A")
    r["court"]["name"] = 'Суд ": №1 "x": 2 \\":'
    r["judge_id"] = "J:1"
    data = json.dumps(r, ensure_ascii=True).replace(":1", "\\u003a1").encode()  # an escaped colon
    assert b"\\u003a1" in data
    item = decode(RawRecord("f.jsonl", 1, data))
    assert item.valid, item.errors
    assert item.verdict.judge_id == "J:1"


def test_duplicate_pre_check_is_exact_where_the_encoder_can_write_and_safe_where_it_cannot():
    from legality.io.reader import _maybe_duplicates, duplicate_keys

    base = record(case_id="A")
    plain = orjson.dumps(base)
    assert not _maybe_duplicates(plain, orjson.loads(plain))  # the clean record is not parsed twice
    # a duplicate in a field the model does not know, deep down, with colons in its strings
    extra = plain[:-1] + b',"x":{"y":[{"k":"a:b","k":"c:d"}]}}'
    assert _maybe_duplicates(extra, orjson.loads(extra))
    assert [e.path for e in duplicate_keys(extra, orjson.loads(extra))] == ["x.y[0].k"]
    # an integer beyond 64 bits (orjson reads a float) and a nesting deeper than orjson.dumps writes:
    # whatever the encoder makes of them, a duplicate is still found and a clean record is still clean
    for value in (b"123456789012345678901234567890", b"[" * 300 + b"1" + b"]" * 300):
        clean = plain[:-1] + b',"x":' + value + b"}"
        assert not duplicate_keys(clean, orjson.loads(clean))
        dup = plain[:-1] + b',"x":' + value + b',"x":1}'
        assert [e.path for e in duplicate_keys(dup, orjson.loads(dup))] == ["x"]
        assert decode(RawRecord("f.jsonl", 1, dup)).errors[0].path == "x"


# ---- F32: CR-only line ends


def test_cr_only_line_ends_keep_every_record(tmp_path):
    p = tmp_path / "mac.jsonl"
    p.write_bytes(b"\r".join(orjson.dumps(record(case_id=c)) for c in ("A", "B", "C")) + b"\r")
    got = [decode(r) for r in iter_raw(resolve_inputs([str(p)])[0])]
    assert [(i.line, i.case_id, i.valid) for i in got] == [(1, "A", True), (2, "B", True), (3, "C", True)]


@pytest.mark.parametrize("chunk", [1, 2, 7, 64])
def test_line_ends_split_across_chunks(chunk, monkeypatch):
    import io

    monkeypatch.setattr(framing, "CHUNK", chunk)
    content = b'{"a": 1}\r\n{"b": 2}\r{"c": 3}\n\r\n{"d": 4}\r'
    frames = [(n, d) for n, d, _ in framing.lines(content[:chunk], io.BytesIO(content[chunk:]).read)]
    assert frames == [(1, b'{"a": 1}'), (2, b'{"b": 2}'), (3, b'{"c": 3}'), (5, b'{"d": 4}')]
