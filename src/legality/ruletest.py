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
        todo: заполните patch              # optional: not written yet, so it fails (saying this) until deleted

A file may add `law: law/<folder>` (relative to it): article files loaded into the catalogue beside the
shipped one for its tests, for editions the shipped text does not hold (two editions of one article).
Files under `tests/law/` are catalogue files, not tests.

`legality test --coverage` also says which branches of each rule the tests exercised (`BranchCollector`
at the end of this module; what a branch is: `eval.branches`).
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
from .i18n import N_, _
from .law.yamlread import not_utf8, yaml_reason
from .result import trace as T
from .result.trace import CLAUSE_REASONS  # noqa: F401 - where tests/test_ruletest_output.py reads it
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
    # `todo: …`: a test not written yet (`legality new rule` scaffolds its tests so): it fails, saying so,
    # until the author fills it in and deletes the line — a scaffold must not pass vacuously
    todo: str | None = None


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
        text = None
        try:
            text = f.read_text(encoding="utf-8")
            doc = yaml.load(text, Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            mark = getattr(e, "problem_mark", None)
            if isinstance(e, yaml.YAMLError):
                why = yaml_reason(e, text)
            else:
                why = not_utf8(e) if isinstance(e, UnicodeDecodeError) else str(e)
            diags.append(Diagnostic("E601", _("cannot read rule test file: {error}").format(error=why),
                                    Span(name, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1)))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("tests"), list):
            diags.append(Diagnostic("E601", _("a rule test file needs a `tests:` list"), Span(name, 1, 1)))
            continue
        base_cache: dict[str, Any] = {}
        law = doc.get("law")
        if law is not None:
            law_dir = f.parent / str(law)
            if not law_dir.is_dir():
                diags.append(Diagnostic("E601", _("`law`: no catalogue folder {folder}").format(folder=law), Span(name, 1, 1)))
                continue
            law = str(law_dir)

        def base_of(ref: str | None, line: int) -> dict | None:
            if ref is None:
                diags.append(Diagnostic("E601", _("no `base` record (file-level or per test) and no `record`"),
                                        Span(name, line, 1)))
                return None
            if ref not in base_cache:
                p = (f.parent / ref)
                try:
                    base_cache[ref] = orjson.loads(p.read_bytes())
                except (OSError, orjson.JSONDecodeError) as e:
                    diags.append(Diagnostic("E601", _("cannot read base record {file}: {error}").format(
                        file=ref, error=getattr(e, "strerror", None) or e), Span(name, line, 1)))
                    base_cache[ref] = None
            return base_cache[ref]

        for t in doc["tests"]:
            line = t.get("__line__", 1) if isinstance(t, dict) else 1
            if not isinstance(t, dict) or "name" not in t:
                diags.append(Diagnostic("E601", _("each test needs a `name`"), Span(name, line, 1)))
                continue
            kind = t.get("kind")
            if kind is not None and kind not in ALL_KINDS:
                diags.append(Diagnostic("E601", _("unknown kind {kind}").format(kind=repr(kind)), Span(name, line, 1),
                                        hint=_("kinds: violation, boundary, not_applicable or undetermined")))
                continue
            if kind is not None and not t.get("rule"):
                diags.append(Diagnostic("E601", _("a test with a `kind` names its `rule`"), Span(name, line, 1)))
                continue
            expect = t.get("expect")
            if expect == "none":
                expect = []
            if expect is not None and not isinstance(expect, list):
                diags.append(Diagnostic("E601", _("`expect` is a list of rule ids or `none`"), Span(name, line, 1)))
                continue
            if kind is None and expect is None:
                diags.append(Diagnostic("E601", _("a test needs `rule` + `kind`, or `expect`"), Span(name, line, 1)))
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
                    diags.append(Diagnostic("E601", _("cannot apply patch: {error}").format(error=e), Span(name, line, 1)))
                    continue
            tests.append(RuleTest(name, line, str(t["name"]), t.get("rule"), kind, record, expect, law,
                                  str(t["todo"] or "") if "todo" in t else None))
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
    """Run one test; `detail` says in the run's language (ru/kk, Russian ids) why it failed.

    The detail is read by the lawyer who wrote the test: the words are translated, the code is not
    (rule ids, the clause's source text in «», the record's paths and the catalogue's texts)."""
    if t.todo is not None:
        return Result(t, False, _("scaffold test, not filled in yet: {todo}").format(
            todo=t.todo or _("fill it in, then delete its `todo` line")))
    v = validate_record(t.record)
    if isinstance(v, list):
        errs = "; ".join(f"{e.path}: {e.message}" for e in v)
        return Result(t, False, _("запись теста — не корректный приговор: {errors}").format(errors=errs))
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
        problems.append(_("ошибки правил: {faults}").format(faults="; ".join(f.message for f in ev.faults)))
    if t.rule is not None and t.kind is not None:
        mine = [r for r in trace.rules if r.rule == t.rule]
        if not mine:
            problems.append(_("правила {rule} нет в этом наборе правил").format(rule=t.rule))
        else:
            st = {r.status for r in mine}
            expected = None
            if t.kind == "violation" and T.FIRED not in st:
                expected = _("ожидалось, что правило {rule} сработает (нарушение); {why}")
            elif t.kind == "boundary" and (T.PASSED not in st or T.FIRED in st):
                expected = _("ожидалось, что правило {rule} применится и нарушения не будет (на границе законно); {why}")
            elif t.kind == "not_applicable" and (st & {T.PASSED, T.FIRED, T.UNDETERMINED}):
                expected = _("ожидалось, что правило {rule} не применится; {why}")
            elif t.kind == "undetermined" and (T.UNDETERMINED not in st or st & {T.PASSED, T.FIRED}):
                expected = _("ожидалось, что правило {rule} не удастся проверить (в записи нет нужного ему "
                             "значения); {why}")
            elif t.kind == "undetermined" and not any(t.rule in g.rules for g in ev.coverage.gaps):
                problems.append(_("ожидалось, что в полноте проверки записи правило {rule} будет названо среди "
                                  "непроверенных").format(rule=t.rule))
            if expected is not None:
                problems.append(expected.format(rule=t.rule, why=_why(mine)))
    if t.expect is not None and sorted(set(t.expect)) != fired:
        exp = set(t.expect)
        missing = sorted(exp - set(fired))
        extra = sorted(set(fired) - exp)
        diff = []
        if missing:
            diff.append(_("- ожидалось, но не сработало: {rules}").format(rules=", ".join(missing)))
        if extra:
            diff.append(_("+ сработало, но не ожидалось: {rules}").format(rules=", ".join(extra)))
        problems.append(_("сработавшие правила не совпадают с `expect`:") + "\n    " + "\n    ".join(diff))
    return Result(t, not problems, "\n  ".join(problems), statuses)


# a rule's status in a failed test's detail (the code stays in `Result.statuses` and the trace's JSON)
STATUS_WORDS = {
    T.NOT_IN_FORCE: N_("норма не действует"),
    T.NOT_APPLICABLE: N_("не применимо"),
    T.MISSING: N_("нет данных"),
    T.EXCEPTED: N_("исключение"),
    T.OVERRIDDEN: N_("вытеснено специальной нормой"),
    T.PASSED: N_("нарушения нет"),
    T.FIRED: N_("нарушение"),
    T.FAULT: N_("ошибка правила"),
    T.UNDETERMINED: N_("не удалось проверить"),
}
def _why(traces) -> str:
    """Each instance of the tested rule: «id@offence: status (reason)»."""
    out = []
    for r in traces:
        word = _(STATUS_WORDS[r.status]) if r.status in STATUS_WORDS else r.status
        reason = T.reason_text(r)
        out.append(f"{r.rule}{'@' + r.scope if r.scope else ''}: {word}" + (f" ({reason})" if reason else ""))
    return "; ".join(out)


def coverage(tests: list[RuleTest], rule_ids: list[str]) -> dict[str, set[str]]:
    cov: dict[str, set[str]] = {rid: set() for rid in rule_ids}
    for t in tests:
        if t.rule in cov and t.kind:
            cov[t.rule].add(t.kind)
    return cov


# ---- branch coverage (`legality test --coverage`): which outcomes of each rule's points its tests saw
#
# What a point is, and how the evaluator records it, is `eval.branches` (its docstring is the definition).
# A rule's points count the tests that check that rule: those naming it (`rule:`) and those with `expect:`
# (which check every rule's firing); a test of another rule that happens to run through it does not —
# nothing would notice if the clause were wrong.  A fact's points count every test.  Failing tests count
# too (as coverage tools do: the run exercised the code); `legality test` fails on them anyway.


@dataclass(frozen=True)
class Unseen:
    """A point whose tests never saw some of its outcomes."""

    point: Any              # an `eval.branches.Point`
    missing: tuple[str, ...]  # outcomes not seen, in the point's order ("true", "false", "present", "missing")
    text: str               # the point's text as written in the rule file


@dataclass
class OwnerCoverage:
    kind: str               # "rule" | "fact"
    id: str
    file: str
    line: int
    covered: int            # outcomes seen
    total: int              # outcomes of all its points
    tests: int              # tests counted for it
    unseen: list[Unseen] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return percent(self.covered, self.total)

    def to_json(self) -> dict[str, Any]:
        return {self.kind: self.id, "file": self.file, "line": self.line, "covered": self.covered,
                "total": self.total, "percent": self.percent, "tests": self.tests,
                "uncovered": [{"file": u.point.span.file, "line": u.point.span.line, "column": u.point.span.column,
                               "end_line": u.point.span.end_line, "end_column": u.point.span.end_column,
                               "clause": u.point.clause, "kind": u.point.kind, "missing": list(u.missing),
                               "text": u.text} for u in self.unseen]}


def percent(covered: int, total: int) -> float:
    """Covered outcomes in per cent, rounded down to a tenth: 99.95 % is never shown as 100."""
    return 100.0 if total == 0 else covered * 1000 // total / 10


@dataclass
class BranchReport:
    rules: list[OwnerCoverage]
    facts: list[OwnerCoverage]

    def total(self, kind: str = "rule") -> tuple[int, int]:
        rows = self.rules if kind == "rule" else self.facts
        return sum(r.covered for r in rows), sum(r.total for r in rows)

    def below(self, minimum: float) -> bool:
        """The rules' total coverage is below `minimum` per cent (exact: no rounding decides the gate)."""
        covered, total = self.total("rule")
        return total > 0 and covered * 100 < minimum * total

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"granularity": "branch"}
        out["rules"] = [r.to_json() for r in self.rules]
        out["facts"] = [f.to_json() for f in self.facts]
        out["total"] = {}
        for key, kind in (("rules", "rule"), ("facts", "fact")):
            covered, total = self.total(kind)
            out["total"][key] = {"covered": covered, "total": total, "percent": percent(covered, total)}
        return out


class BranchCollector:
    """Gathers, test by test, the outcomes the instrumented engine's sink saw (`add`), into a `BranchReport`."""

    def __init__(self, cover: Any):
        self.cover = cover
        self.seen: dict[int, set[str]] = {}
        self.tests: dict[tuple[str, str], int] = {}
        self.named: set[str] = set()  # rules a test names (`rule:`)

    def add(self, test: RuleTest, seen: dict[int, set[str]]) -> None:
        """One test's outcomes (`Hits.take()` right after running it)."""
        points = self.cover.points
        if test.rule:
            self.named.add(test.rule)
            self.tests[("rule", test.rule)] = self.tests.get(("rule", test.rule), 0) + 1
        if test.expect is not None:
            self.tests[("rule", "*")] = self.tests.get(("rule", "*"), 0) + 1
        self.tests[("fact", "*")] = self.tests.get(("fact", "*"), 0) + 1
        for j, outs in seen.items():
            p = points[j]
            if p.owner_kind == "fact" or test.expect is not None or test.rule == p.owner:
                self.seen.setdefault(j, set()).update(outs)

    def report(self, only_rules: set[str] | None = None) -> BranchReport:
        """Per rule and per fact (one with no points has nothing to cover and is left out), sorted by place.

        `only_rules`: report just these rules and no facts (`legality test -k …`: the tests of some rules)."""
        by_owner: dict[tuple[str, str], list[Any]] = {}
        for p in self.cover.points:
            by_owner.setdefault((p.owner_kind, p.owner), []).append(p)
        for key in self.cover.where:
            if key[0] == "rule":
                by_owner.setdefault(key, [])
        texts = _SourceTexts()
        rows: dict[str, list[OwnerCoverage]] = {"rule": [], "fact": []}
        for (kind, owner), pts in by_owner.items():
            if kind == "rule" and only_rules is not None and owner not in only_rules:
                continue
            if kind == "fact" and (only_rules is not None or not pts):
                continue
            covered = total = 0
            unseen: list[Unseen] = []
            for p in pts:
                saw = self.seen.get(p.index, set())
                missing = tuple(o for o in p.outcomes if o not in saw)
                total += len(p.outcomes)
                covered += len(p.outcomes) - len(missing)
                if missing:
                    unseen.append(Unseen(p, missing, texts.of(p.span, p.text)))
            unseen.sort(key=lambda u: (u.point.span.line, u.point.span.column, u.point.index))
            span = self.cover.where.get((kind, owner))
            ntests = self.tests.get((kind, owner), 0) + self.tests.get((kind, "*"), 0)
            rows[kind].append(OwnerCoverage(kind, owner, span.file if span else "", span.line if span else 0,
                                            covered, total, ntests, unseen))
        for kind in rows:
            rows[kind].sort(key=lambda r: (r.file, r.line, r.id))
        return BranchReport(rows["rule"], rows["fact"])


class _SourceTexts:
    """A point's text as written: the span's characters of its rule file, whitespace collapsed.

    Why the file and not the IR: the IR keeps no text for an `and` or an `if`, and the rule author looks
    for what they wrote.  The spans are display paths, which open from the current folder."""

    def __init__(self) -> None:
        self.files: dict[str, list[str] | None] = {}

    def of(self, span: Span, fallback: str) -> str:
        if span.end_line is None or span.end_column is None:
            return fallback
        if span.file not in self.files:
            try:
                self.files[span.file] = Path(span.file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.files[span.file] = None
        lines = self.files[span.file]
        if lines is None or not 0 < span.line <= span.end_line <= len(lines):
            return fallback
        chunk = lines[span.line - 1:span.end_line]
        chunk[-1] = chunk[-1][:span.end_column - 1]
        chunk[0] = chunk[0][span.column - 1:]
        text = " ".join(" ".join(chunk).split())
        return text or fallback
