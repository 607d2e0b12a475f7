"""Rule authors' tests: YAML files under `<rules>/tests/`, run by `legality test` and by pytest.

Why this format: a lawyer writes a test as "this record (or this small change to a base record)
must make rule R fire / pass exactly at the boundary / not apply", and the runner checks the rule's
*status* in the trace, not just whether something fired — so a test at the boundary fails if the
rule silently stopped applying.

    base: base/theft-188-2.json          # a verdict record, relative to this file
    tests:
      - name: покушение ровно на 3/4 — законно
        rule: attempt-term-cap
        kind: boundary                     # violation | boundary | not_applicable | undetermined
        patch:                             # JSON paths into the base record
          offences[0].stage: attempt
          offences[0].sentence.principal.term: {years: 3, months: 9}
        unset: [offences[0].mitigating]    # optional: remove fields
        expect: [attempt-term-cap]         # optional: exactly these rules fire (or `none`)

A file may add `law: law/<folder>` (relative to it): article files loaded into the catalogue beside the
shipped one for its tests, for editions the shipped text does not hold (two editions of one article).
Files under `tests/law/` are catalogue files, not tests.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml

from .diagnostics import Diagnostic, Span
from .result import trace as T
from .result.evaluator import Evaluator
from .model import validate_record

# the kinds every rule needs a test of (`legality test` coverage)
KINDS = ("violation", "boundary", "not_applicable")
# undetermined: the rule applies but the record lacks a value it `needs` (or the catalogue lacks the
# article): it must neither fire nor pass, and the record must carry a coverage gap naming it
ALL_KINDS = KINDS + ("undetermined",)
_PATH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


@dataclass
class RuleTest:
    file: str
    line: int
    name: str
    rule: str | None
    kind: str | None
    record: dict[str, Any]
    expect: list[str] | None
    law: str | None = None  # file-level `law: DIR`: article files added to the catalogue for these tests


@dataclass
class Result:
    test: RuleTest
    ok: bool
    detail: str = ""
    statuses: dict[str, str] = field(default_factory=dict)


def _split(path: str) -> list[str | int]:
    out: list[str | int] = []
    pos = 0
    for m in _PATH.finditer(path):
        if path[pos:m.start()] not in ("", "."):
            raise ValueError(f"cannot read path {path!r}")
        out.append(m.group(1) if m.group(1) else int(m.group(2)))
        pos = m.end()
    if pos != len(path) or not out:
        raise ValueError(f"cannot read path {path!r}")
    return out


def apply_patch(record: dict, patch: dict[str, Any], unset: list[str]) -> dict:
    rec = copy.deepcopy(record)
    for path, value in (patch or {}).items():
        keys = _split(path)
        cur: Any = rec
        for k in keys[:-1]:
            if isinstance(k, int):
                cur = cur[k]
            else:
                cur = cur.setdefault(k, {})
        last = keys[-1]
        if isinstance(last, int) and isinstance(cur, list) and last == len(cur):
            cur.append(value)
        else:
            cur[last] = value
    for path in unset or []:
        keys = _split(path)
        cur = rec
        for k in keys[:-1]:
            cur = cur[k]
        if isinstance(keys[-1], int):
            del cur[keys[-1]]
        else:
            cur.pop(keys[-1], None)
    return rec


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    m = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    m["__line__"] = node.start_mark.line + 1
    return m


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _strip_lines(v) for k, v in x.items() if k != "__line__"}
    if isinstance(x, list):
        return [_strip_lines(v) for v in x]
    return x


def _jsonish(x: Any) -> Any:
    """YAML gives dates as date objects; the export format has ISO strings."""
    import datetime as dt

    if isinstance(x, dict):
        return {k: _jsonish(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonish(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def load_tests(rules_dir: Path, display: Callable[[Path], str] = str) -> tuple[list[RuleTest], list[Diagnostic]]:
    tests: list[RuleTest] = []
    diags: list[Diagnostic] = []
    tdir = rules_dir / "tests"
    for f in sorted(tdir.rglob("*.yaml")) if tdir.is_dir() else []:
        if "law" in f.relative_to(tdir).parts[:-1]:
            continue  # tests/law/…: catalogue files named by a test file's `law:`, not tests
        name = display(f)
        try:
            doc = yaml.load(f.read_text(encoding="utf-8"), Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            mark = getattr(e, "problem_mark", None)
            diags.append(Diagnostic("E601", f"cannot read rule test file: {e}",
                                    Span(name, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1)))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("tests"), list):
            diags.append(Diagnostic("E601", "a rule test file needs a `tests:` list", Span(name, 1, 1)))
            continue
        base_cache: dict[str, Any] = {}
        law = doc.get("law")
        if law is not None:
            law_dir = f.parent / str(law)
            if not law_dir.is_dir():
                diags.append(Diagnostic("E601", f"`law`: no catalogue folder {law}", Span(name, 1, 1)))
                continue
            law = str(law_dir)

        def base_of(ref: str | None, line: int) -> dict | None:
            if ref is None:
                diags.append(Diagnostic("E601", "no `base` record (file-level or per test) and no `record`", Span(name, line, 1)))
                return None
            if ref not in base_cache:
                p = (f.parent / ref)
                try:
                    base_cache[ref] = orjson.loads(p.read_bytes())
                except (OSError, orjson.JSONDecodeError) as e:
                    diags.append(Diagnostic("E601", f"cannot read base record {ref}: {e}", Span(name, line, 1)))
                    base_cache[ref] = None
            return base_cache[ref]

        for t in doc["tests"]:
            line = t.get("__line__", 1) if isinstance(t, dict) else 1
            if not isinstance(t, dict) or "name" not in t:
                diags.append(Diagnostic("E601", "each test needs a `name`", Span(name, line, 1)))
                continue
            kind = t.get("kind")
            if kind is not None and kind not in ALL_KINDS:
                diags.append(Diagnostic("E601", f"unknown kind {kind!r}", Span(name, line, 1), hint="violation, boundary, not_applicable or undetermined"))
                continue
            if kind is not None and not t.get("rule"):
                diags.append(Diagnostic("E601", "a test with a `kind` names its `rule`", Span(name, line, 1)))
                continue
            expect = t.get("expect")
            if expect == "none":
                expect = []
            if expect is not None and not isinstance(expect, list):
                diags.append(Diagnostic("E601", "`expect` is a list of rule ids or `none`", Span(name, line, 1)))
                continue
            if kind is None and expect is None:
                diags.append(Diagnostic("E601", "a test needs `rule` + `kind`, or `expect`", Span(name, line, 1)))
                continue
            if "record" in t:
                record = _jsonish(_strip_lines(t["record"]))
            else:
                base = base_of(t.get("base", doc.get("base")), line)
                if base is None:
                    continue
                try:
                    record = apply_patch(base, _jsonish(_strip_lines(t.get("patch") or {})), t.get("unset") or [])
                except (ValueError, KeyError, IndexError, TypeError) as e:
                    diags.append(Diagnostic("E601", f"cannot apply patch: {e}", Span(name, line, 1)))
                    continue
            tests.append(RuleTest(name, line, str(t["name"]), t.get("rule"), kind, record, expect, law))
    return tests, diags


_WITH_LAW: dict[tuple[int, str], Any] = {}


def _with_law(engine: Any, law: str) -> Any:
    """The engine over its catalogue plus the test file's `law:` folder (loaded once per engine and folder)."""
    from .law import Catalogue

    key = (id(engine), law)
    if key not in _WITH_LAW:
        _WITH_LAW[key] = engine.with_catalogue(Catalogue.load(getattr(engine.catalogue, "path", None), extra=[law]))
    return _WITH_LAW[key]


def run_test(engine: Evaluator, t: RuleTest) -> Result:
    v = validate_record(t.record)
    if isinstance(v, list):
        errs = "; ".join(f"{e.path}: {e.message}" for e in v)
        return Result(t, False, f"the test record is not a valid verdict: {errs}")
    if t.law is not None:
        engine = _with_law(engine, t.law)
    ev = engine.evaluate(v, trace=True)
    trace = ev.trace
    assert trace is not None, "asked for with trace=True"
    statuses: dict[str, str] = {}
    for r in trace.rules:
        key = r.rule if r.scope is None else f"{r.rule}@{r.scope}"
        statuses[key] = r.status
    fired = sorted({c.rule for c in ev.candidates})
    problems = []
    if ev.faults:
        problems.append("rule faults: " + "; ".join(f.message for f in ev.faults))
    if t.rule is not None and t.kind is not None:
        mine = [r for r in trace.rules if r.rule == t.rule]
        if not mine:
            problems.append(f"rule {t.rule} does not exist in this rule set")
        else:
            st = {r.status for r in mine}
            if t.kind == "violation" and T.FIRED not in st:
                problems.append(f"expected {t.rule} to fire; " + _why(mine))
            elif t.kind == "boundary" and (T.PASSED not in st or T.FIRED in st):
                problems.append(f"expected {t.rule} to apply and pass (lawful at the boundary); " + _why(mine))
            elif t.kind == "not_applicable" and (st & {T.PASSED, T.FIRED, T.UNDETERMINED}):
                problems.append(f"expected {t.rule} not to apply; " + _why(mine))
            elif t.kind == "undetermined" and (T.UNDETERMINED not in st or st & {T.PASSED, T.FIRED}):
                problems.append(f"expected {t.rule} to be undetermined (a value it needs is missing); " + _why(mine))
            elif t.kind == "undetermined" and not any(t.rule in g.rules for g in ev.coverage.gaps):
                problems.append(f"expected the record's coverage to name {t.rule} among the rules not checked")
    if t.expect is not None and sorted(set(t.expect)) != fired:
        exp = set(t.expect)
        missing = sorted(exp - set(fired))
        extra = sorted(set(fired) - exp)
        diff = []
        if missing:
            diff.append("- expected, did not fire: " + ", ".join(missing))
        if extra:
            diff.append("+ fired, not expected: " + ", ".join(extra))
        problems.append("fired rules differ:\n    " + "\n    ".join(diff))
    return Result(t, not problems, "\n  ".join(problems), statuses)


def _why(traces) -> str:
    return "; ".join(f"{r.rule}{'@' + r.scope if r.scope else ''}: {r.status} ({r.reason})" for r in traces)


def coverage(tests: list[RuleTest], rule_ids: list[str]) -> dict[str, set[str]]:
    cov: dict[str, set[str]] = {rid: set() for rid in rule_ids}
    for t in tests:
        if t.rule in cov and t.kind:
            cov[t.rule].add(t.kind)
    return cov
