"""`legality validate` and `legality schema` on the command line: outputs, exit codes, the schema."""

from __future__ import annotations

import json

import jsonschema
import orjson
import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.report.model import ReportLineModel
from verdict_samples import record, two_offences


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def jl(*records) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


@pytest.fixture
def batch(tmp_path):
    bad = record(case_id="2024-0200-05")
    bad["offences"][0]["committed_on"] = "2024-04-01"
    bad["final_sentence"]["regime"] = "strict"
    p = tmp_path / "batch.jsonl"
    p.write_bytes(jl(record(), bad, two_offences()) + b'{"case_id": "2024-0201-06", oops\n')
    return p


def test_all_valid_exits_0_with_the_count(tmp_path):
    p = tmp_path / "ok.jsonl"
    p.write_bytes(jl(record(), two_offences()))
    r = run("validate", str(p))
    assert r.exit_code == 0
    assert r.stdout == "записей: 2, корректных: 2, некорректных: 0\n"


def test_invalid_records_are_listed_one_line_per_error_and_exit_1(batch):
    r = run("validate", str(batch))
    assert r.exit_code == 1
    f = str(batch)
    # the field in words for the reader; the exact path «final_sentence.regime» is in `--format json` (below)
    assert r.stdout.splitlines() == [
        f'{f}:2: дело 2024-0200-05: окончательное наказание → вид учреждения: недопустимое значение; '
        'допустимые: "minimum", "medium", "maximum", "extraordinary" или "mixed"',
        f"{f}:4: дело 2024-0201-06: некорректный JSON: имя поля должно быть строкой в двойных кавычках (символ 29)",
        "записей: 4, корректных: 2, некорректных: 2",
    ]
    assert "\x1b[" not in r.stdout  # no colours when not on a terminal


def test_cross_field_errors_show_after_shape_is_sound(tmp_path):
    bad = record(case_id="C-1")
    bad["offences"][0]["committed_on"] = "2024-04-01"
    p = tmp_path / "x.jsonl"
    p.write_bytes(jl(bad))
    r = run("validate", str(p))
    assert r.stdout.splitlines()[0].startswith(f"{p}:1: дело C-1: эпизод 1 → дата совершения: дата совершения 2024-04-01 позже")


def test_json_format_is_one_report_line_per_invalid_record(batch):
    r = run("validate", "--format", "json", str(batch))
    assert r.exit_code == 1
    rows = [orjson.loads(x) for x in r.stdout.splitlines()]
    assert [(x["source"]["line"], x["case_id"], [e["path"] for e in x["errors"]]) for x in rows] == [
        (2, "2024-0200-05", ["final_sentence.regime"]),
        (4, "2024-0201-06", ["$"]),
    ]
    for x in rows:
        ReportLineModel.model_validate(x)  # the scan report's `invalid` line, same shape
        assert x["status"] == "invalid" and x["source"]["file"] == str(batch)
    assert r.stderr == "записей: 4, корректных: 2, некорректных: 2\n"


def test_quiet_prints_only_the_count(batch):
    r = run("validate", "--quiet", str(batch))
    assert (r.exit_code, r.stdout) == (1, "записей: 4, корректных: 2, некорректных: 2\n")


def test_unreadable_path_exits_2_but_reads_the_rest(tmp_path, batch):
    missing = tmp_path / "nope.jsonl"
    r = run("validate", "-q", str(missing), str(batch))
    assert r.exit_code == 2
    assert r.stderr == f"{missing}: ошибка: файл или каталог не найден\n"
    assert r.stdout == "записей: 4, корректных: 2, некорректных: 2\n"


def test_usage_errors_exit_2():
    assert run("validate").exit_code == 2
    assert run("validate", "--format", "xml", "x").exit_code == 2


def test_stdin(batch):
    r = run("validate", "-", input=batch.read_bytes())
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0].startswith("<stdin>:2: дело 2024-0200-05: ")


def test_directory_binary_empty_and_non_utf8_files_never_crash(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.jsonl").write_bytes(jl(record()))
    (d / "b.json").write_bytes(b"")
    (d / "c.jsonl").write_bytes(b"")
    (d / "sub" / "d.jsonl").write_bytes(bytes(range(256)) * 10)
    (d / "sub" / "e.jsonl").write_bytes(json.dumps(record(), ensure_ascii=False).encode("cp1251"))
    (d / "sub" / "f.json").write_bytes(b"[" + json.dumps(record()).encode())
    r = run("validate", str(d))
    assert r.exit_code == 1
    where = [x.split(": ")[0].removeprefix(f"{d}/") for x in r.stdout.splitlines()[:-1]]
    assert where == ["b.json:1", "sub/d.jsonl:1", "sub/e.jsonl:1", "sub/f.json:0"]
    assert r.stdout.splitlines()[-1] == "записей: 5, корректных: 1, некорректных: 4"


def test_output_is_identical_across_runs(batch):
    assert run("validate", str(batch)).stdout == run("validate", str(batch)).stdout


# ---- legality schema


@pytest.fixture(scope="module")
def schema():
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0
    s = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(s)
    return s


def validator(schema):
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_schema_accepts_valid_records(schema):
    v = validator(schema)
    samples = [record(), two_offences()]
    fine = record()
    fine["final_sentence"] = {"combination": "single", "principal": {"kind": "fine", "multiple": 20},
                              "additional": [{"kind": "ban_on_office", "lifelong": True}, {"kind": "confiscation"}]}
    fine["offences"][0]["sentence"] = {"principal": {"kind": "fine", "multiple": 20}}
    cond = record()
    cond["final_sentence"].update({"regime": None, "probation": {"period": {"years": 3}}})
    samples += [fine, cond]
    for s in samples:
        assert list(v.iter_errors(s)) == []


def test_schema_has_russian_titles_and_descriptions_for_every_field(schema):
    nodes = [schema] + list(schema["$defs"].values())
    for node in nodes:
        assert node.get("description"), node.get("title")
        for name, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), name
    assert "штраф" in schema["$defs"]["PenaltyKind"]["description"]


def test_schema_output_file(tmp_path):
    out = tmp_path / "schema.json"
    r = run("schema", "--output", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(out.read_text()) == json.loads(run("schema").stdout)


def test_schema_output_to_unwritable_place_exits_2(tmp_path):
    r = run("schema", "--output", str(tmp_path / "no" / "such" / "dir.json"))
    assert r.exit_code == 2 and "не удаётся записать" in r.stderr
