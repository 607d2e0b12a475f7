"""fixtures/invalid/: every record fails with exactly the expected field paths (expected.yaml); the
valid fixtures pass validation and the schema; the real cases (fixtures/verdicts/real/) are flagged
by exactly the rule their real error breaks.

Tests as data: adding a case is a line in a `.jsonl` and an entry in `expected.yaml`; a record
without an expectation (or the reverse) fails the suite.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jsonschema
import orjson
import pytest
import yaml
from click.testing import CliRunner

from legality.cli import main
from legality.io.reader import read_records, resolve_inputs
from legality.io.schema import export_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "verdicts"
EXPECTED = yaml.safe_load((INVALID / "expected.yaml").read_text(encoding="utf-8"))
CASES = [(f"{file}:{line}", file, line, spec) for file, rows in EXPECTED.items() for line, spec in rows.items()]

# cross-field facts JSON Schema cannot state; only `legality validate` catches these records
SCHEMA_CANNOT = {
    "offence ids not unique", "committed_on after verdict_date", "defendant born after the offence",
    "defendant born after the verdict", "zero term",
    "prior conviction after this verdict", "release before the prior verdict",
    "prior_unserved verdict after this verdict", "prior in force before its own verdict",
    "evasion starts before the offence", "evasion ends before it starts", "zero probation period of a prior",
}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@lru_cache(maxsize=1)
def decoded() -> dict[str, object]:
    sources, errors = resolve_inputs([str(INVALID)])
    assert errors == []
    return {f"{Path(i.file).name}:{i.line}": i for i in read_records(sources)}


def test_every_invalid_record_has_an_expectation_and_back():
    assert sorted(decoded()) == sorted(key for key, *_ in CASES)


@pytest.mark.parametrize("key, file, line, spec", CASES, ids=[f"{c[0]} {c[3]['check']}" for c in CASES])
def test_invalid_fixture_fails_with_the_expected_paths(key, file, line, spec):
    item = decoded()[key]
    assert item.verdict is None
    assert sorted({e.path for e in item.errors}) == sorted(spec["paths"])
    assert item.case_id == spec["case_id"]
    for e in item.errors:  # a clerk reads it: Russian, no pydantic English leaking through
        assert CYRILLIC.search(e.message) and "Input should" not in e.message, e.message


def _raw_objects(file: str):
    for n, raw in enumerate((INVALID / file).read_bytes().splitlines(), 1):
        try:
            yield n, orjson.loads(raw)
        except orjson.JSONDecodeError:
            yield n, None


SCHEMA_CASES = [(f, n, obj) for f in ("shape.jsonl", "cross_field.jsonl") for n, obj in _raw_objects(f)
                if EXPECTED[f][n]["check"] not in SCHEMA_CANNOT]


@pytest.mark.parametrize("file, line, obj", SCHEMA_CASES, ids=[f"{f}:{n}" for f, n, _ in SCHEMA_CASES])
def test_schema_rejects_typical_invalid_records(file, line, obj):
    v = jsonschema.Draft202012Validator(export_schema(), format_checker=jsonschema.FormatChecker())
    assert list(v.iter_errors(obj)), EXPECTED[file][line]["check"]


def test_validate_command_reports_every_invalid_fixture():
    r = CliRunner().invoke(main, ["validate", "--format", "json", str(INVALID)])
    assert r.exit_code == 1
    rows = [orjson.loads(x) for x in r.stdout.splitlines()]
    got = {f"{Path(x['source']['file']).name}:{x['source']['line']}": sorted({e["path"] for e in x["errors"]}) for x in rows}
    assert got == {key: sorted(spec["paths"]) for key, _, _, spec in CASES}
    assert r.stderr == f"записей: {len(CASES)}, корректных: 0, некорректных: {len(CASES)}\n"


VALID_FILES = sorted(p for p in VALID.rglob("*") if p.suffix in (".jsonl", ".json")) if VALID.is_dir() else []


@pytest.mark.parametrize("path", VALID_FILES, ids=[p.name for p in VALID_FILES])
def test_valid_fixtures_pass_validation_and_the_schema(path):
    v = jsonschema.Draft202012Validator(export_schema(), format_checker=jsonschema.FormatChecker())
    for item in read_records([str(path)]):
        assert item.valid, (item.line, item.errors)
    for n, raw in enumerate(path.read_bytes().splitlines(), 1):
        if raw.strip() and path.suffix == ".jsonl":
            assert list(v.iter_errors(orjson.loads(raw))) == [], f"{path.name}:{n}"


# ---- real cases (issue 10 §6): fixtures/verdicts/real/, each flagged for its real reason

ALL_EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))["cases"]
REAL = [e for e in ALL_EXPECTED if e["file"].startswith("verdicts/real/")]
REAL_RECORDS = {item.case_id: item for item in read_records([str(VALID / "real")])} if (VALID / "real").is_dir() else {}


def test_every_real_case_has_a_record_and_back():
    assert len(REAL) == 3
    assert sorted(REAL_RECORDS) == sorted(e["case_id"] for e in REAL)
    assert {e["rule"] for e in REAL} == {"forced-payment-before-law", "amnesty-after-prior-clemency",
                                         "recidivism-on-expunged-priors"}


@pytest.mark.parametrize("entry", REAL, ids=[e["case_id"] for e in REAL])
def test_real_case_why_cites_the_norms_a_prosecutor_would(entry):
    assert entry["expect"] == "flag" and entry["family"] == "real"
    assert re.search(r"ст\.\s?\d+", entry["why"]) and "реальное дело" in entry["why"]
    assert REAL_RECORDS[entry["case_id"]].valid


@pytest.fixture(scope="module")
def engine():
    from legality.engine import Engine
    return Engine.load()


@pytest.mark.parametrize("entry", REAL, ids=[e["case_id"] for e in REAL])
def test_real_case_is_flagged_by_its_rule_and_nothing_else(entry, engine):
    ev = engine.evaluate(REAL_RECORDS[entry["case_id"]].verdict)
    got = sorted({(c.rule, c.offence) for c in ev.candidates})
    assert [r for r, _ in got] == [entry["rule"]], (entry["case_id"], got)
    assert all(o in (entry["offence"], None) for _, o in got), got
