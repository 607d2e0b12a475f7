"""What a change to the rule pack does to past results: two reports compared finding by finding, and the gate.

Why (issue 15, point 6): in one state's prison system a single rule change released thousands of people
early over years.  A change that makes a rule stop firing is silent — nobody reads a finding that is no
longer there — so before a pack goes to production its author runs both packs over the same verdicts
(`legality compare --rules OLD --rules NEW CORPUS…`, or two `scan -f jsonl` reports) and reads, per rule,
what the change gained, lost and changed; a release job fails past a threshold.

What a finding's identity is: the case, the rule and the episode (`offence`) — its place.  Two findings
in one place are the same finding; what differs between them is a change of the rule's verdict there.
The report's fingerprint (`result.candidate.fingerprint`, which the store and `review` use) hashes the
place and the imposed value `actual`, so findings are matched by fingerprint first and only then by
place: a rule that now reads another imposed value (the episode's term instead of the final one) shows
as *changed* in `actual`, not as one finding lost and another gained in the same case.

- **changed**: the same finding with another imposed value (`actual`), severity, allowed range
  (`allowed`) or citations — what a prosecutor acts on (how urgent, what limit to ask the court for,
  which norm to cite);
- **reworded**: only the title or the message differs — listed, never gated (a clearer wording is
  not a risk, and the message quotes the allowed range, whose change is already «changed»);
- **gained** / **lost**: a finding with no counterpart in its place on the other side (findings are
  matched as a multiset: the same case exported twice counts twice).

Layers: this module reads report lines (bytes) and knows no scan; `commands/compare.py` runs the scans
(`scan.run.run_scan`, `-f jsonl` into a temporary file) and hands the same bytes here, so the two-report
mode and the rescan mode are one code path and give the same result.  Output is deterministic: sorted,
no timestamps, byte-identical for the same inputs.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, BinaryIO, Iterator, Mapping

import orjson

from .. import words
from ..i18n import _
from ..result.candidate import SEVERITY_RANK, fingerprint
from .model import REPORT_TAG
from .text import safe_text as _s

COMPARE_TAG = "legality.compare/1"
EXAMPLES = 5            # example case ids per rule and kind (sorted, the first N)
KINDS = ("gained", "lost", "changed")
LEGAL_FIELDS = ("actual", "severity", "allowed", "citations")   # a difference here is «changed»
WORDING_FIELDS = ("wording",)                         # the title and the message: only here, «reworded»


class ReportError(ValueError):
    """A line of an input report that is not a `legality.report/1` line: the comparison would be wrong."""

    def __init__(self, file: str, line: int, why: str):
        super().__init__(f"{file}:{line}: {why}")
        self.file, self.line, self.why = file, line, why


# ---------------------------------------------------------------------------------------------------
# one side: a report read into findings


@dataclass(frozen=True, slots=True)
class Finding:
    """One candidate of a report, reduced to what the comparison looks at.

    The allowed range, the citations and the wording are kept as hashes of their canonical JSON: only
    their equality matters, and a corpus of years holds a million findings whose messages alone would
    take a gigabyte.  Both sides are read in one process, so `hash` is the same for both."""

    place: str        # case, rule and episode (canonical JSON)
    actual: str       # the fingerprint: the place and the imposed value
    rule: str
    case: str         # the case id (file:line when the record has none)
    severity: str
    allowed: int
    citations: int
    wording: int      # title and message

    def differs(self, other: "Finding", fields: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in fields if getattr(self, f) != getattr(other, f))


@dataclass(slots=True)
class Side:
    """What one report holds: findings by fingerprint, and the records it could not judge."""

    name: str
    findings: dict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))  # by place
    flagged_cases: set[str] = field(default_factory=set)
    lines: int = 0            # report lines read
    invalid: int = 0          # records invalid against the export format (never evaluated)
    partial: int = 0          # records evaluated, not fully (a rule fault or a coverage gap), no finding
    faults: Counter[str] = field(default_factory=Counter)  # rule → records it faulted on
    titles: dict[str, str] = field(default_factory=dict)   # rule → title, from its findings
    # rule id → title of the pack, when the pack is known (rescan mode); None: only the report is known
    rules: dict[str, str] | None = None

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.findings.values())

    def add_line(self, d: Any, file: str, line: int) -> None:
        if not isinstance(d, dict) or d.get("format") != REPORT_TAG:
            hint = ""
            if isinstance(d, dict) and str(d.get("format", "")).startswith("legality.verdict"):
                hint = _(" (это запись приговора, а не строка отчёта: чтобы проверить приговоры, укажите "
                         "--rules СТАРЫЕ --rules НОВЫЕ)")
            raise ReportError(file, line, _("не строка отчёта {tag}").format(tag=REPORT_TAG) + hint)
        try:
            src = d.get("source") or {}
            case = d.get("case_id") or f"{src.get('file', file)}:{src.get('line', line)}"
            status = d["status"]
            self.lines += 1
            if status == "invalid":
                self.invalid += 1
            elif status == "partial":
                self.partial += 1
            for f in d.get("faults") or ():
                if isinstance(f, dict) and f.get("rule"):
                    self.faults[str(f["rule"])] += 1
            for c in d["candidates"]:
                rule = str(c["rule"])
                fp = c.get("fingerprint") or fingerprint(d.get("case_id"), rule, c.get("offence"), c.get("actual"))
                place = _canon([case, rule, c.get("offence")])
                self.findings[place].append(Finding(
                    place, str(fp), rule, str(case), str(c["severity"]), hash(_canon(c.get("allowed"))),
                    hash(_canon(c.get("citations"))), hash(_canon([c.get("title"), c.get("message")]))))
                self.titles.setdefault(rule, str(c.get("title") or ""))
                self.flagged_cases.add(str(case))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ReportError(file, line, _("строка отчёта без обязательного поля ({field})").format(field=exc)) from None


def _canon(v: Any) -> str:
    return orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()


def iter_report(fh: BinaryIO, name: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) of a report: JSON Lines (`scan -f jsonl`) or one JSON array (`-f json`).

    `fh` is seekable (a file, or the temporary file of a scan).  Raises `ReportError` on a line that
    is not JSON: a truncated or foreign file must not pass as a report with fewer findings (that
    would read as «lost»)."""
    head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    fh.seek(0)
    if head == b"[":
        try:
            data = orjson.loads(fh.read())
        except orjson.JSONDecodeError as exc:
            raise ReportError(name, 1, _("не JSON ({why})").format(why=exc)) from None
        yield from ((n, d) for n, d in enumerate(data, 1))
        return
    for n, raw in enumerate(fh, 1):
        raw = raw.strip()
        if n == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw:
            continue
        try:
            yield n, orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ReportError(name, n, _("строка не в формате JSON (отчёт обрезан или это другой файл?)")) from None


def read_side(fh: BinaryIO, name: str, rules: Mapping[str, str] | None = None) -> Side:
    side = Side(name, rules=dict(rules) if rules is not None else None)
    for n, d in iter_report(fh, name):
        side.add_line(d, name, n)
    return side


# ---------------------------------------------------------------------------------------------------
# the comparison


@dataclass(slots=True)
class RuleDiff:
    rule: str
    title: str
    status: str | None = None    # "added" / "removed" / "kept" (packs known), None (packs unknown)
    old: int = 0                 # findings of the old pack
    new: int = 0
    gained: int = 0
    lost: int = 0
    changed: int = 0
    reworded: int = 0
    lost_high: int = 0           # high findings lost, or changed to a lower severity
    changed_fields: Counter[str] = field(default_factory=Counter)
    cases: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    faults_old: int = 0
    faults_new: int = 0

    @property
    def moved(self) -> int:
        return self.gained + self.lost + self.changed

    @property
    def shown(self) -> bool:
        return bool(self.moved or self.reworded or self.status in ("added", "removed")
                    or self.faults_old != self.faults_new)

    def examples(self, kind: str, n: int = EXAMPLES) -> list[str]:
        return sorted(self.cases[kind])[:n]


@dataclass(slots=True)
class Comparison:
    old: Side
    new: Side
    rules: dict[str, RuleDiff]
    affected_cases: set[str]

    @property
    def flagged_cases(self) -> int:
        return len(self.old.flagged_cases | self.new.flagged_cases)

    def total(self, what: str) -> int:
        return sum(getattr(r, what) for r in self.rules.values())

    @property
    def share(self) -> Fraction:
        """Cases whose findings were gained, lost or changed, of the cases either pack flags."""
        flagged = self.flagged_cases
        return Fraction(len(self.affected_cases), flagged) if flagged else Fraction(0)

    @property
    def packs_known(self) -> bool:
        return self.old.rules is not None and self.new.rules is not None

    def added(self) -> list[str]:
        return sorted(r for r, d in self.rules.items() if d.status == "added")

    def removed(self) -> list[str]:
        return sorted(r for r, d in self.rules.items() if d.status == "removed")


def compare(old: Side, new: Side) -> Comparison:
    """Match the two sides' findings place by place (as multisets) and count, per rule, what moved."""
    rules: dict[str, RuleDiff] = {}

    def diff(rule: str) -> RuleDiff:
        d = rules.get(rule)
        if d is None:
            d = rules[rule] = RuleDiff(rule, _title(rule, old, new))
        return d

    affected: set[str] = set()
    for key in sorted(set(old.findings) | set(new.findings)):
        olds, news = list(old.findings.get(key, ())), list(new.findings.get(key, ()))
        for f in olds:
            diff(f.rule).old += 1
        for f in news:
            diff(f.rule).new += 1
        # identical first, then the same legal content (reworded), then the same fingerprint (changed), then
        # any other finding in the place (changed, in `actual` too)
        for same in (lambda a, b: not a.differs(b, LEGAL_FIELDS + WORDING_FIELDS),
                     lambda a, b: not a.differs(b, LEGAL_FIELDS), lambda a, b: a.actual == b.actual,
                     lambda a, b: True):
            for a in list(olds):
                b = next((b for b in news if same(a, b)), None)
                if b is None:
                    continue
                olds.remove(a)
                news.remove(b)
                d = diff(a.rule)
                legal = a.differs(b, LEGAL_FIELDS)
                if legal:
                    d.changed += 1
                    d.changed_fields.update(legal)
                    d.cases["changed"].add(a.case)
                    affected.add(a.case)
                    if a.severity == "high" and SEVERITY_RANK.get(b.severity, -1) < SEVERITY_RANK["high"]:
                        d.lost_high += 1
                elif a.differs(b, WORDING_FIELDS):
                    d.reworded += 1
        for a in olds:
            d = diff(a.rule)
            d.lost += 1
            d.lost_high += a.severity == "high"
            d.cases["lost"].add(a.case)
            affected.add(a.case)
        for b in news:
            d = diff(b.rule)
            d.gained += 1
            d.cases["gained"].add(b.case)
            affected.add(b.case)
    for rule, n in old.faults.items():
        diff(rule).faults_old = n
    for rule, n in new.faults.items():
        diff(rule).faults_new = n
    if old.rules is not None and new.rules is not None:
        for rule in set(old.rules) ^ set(new.rules):
            diff(rule)
        for rule, d in rules.items():
            d.status = "added" if rule not in old.rules else "removed" if rule not in new.rules else "kept"
    return Comparison(old, new, rules, affected)


def _title(rule: str, old: Side, new: Side) -> str:
    for src in (new.rules, old.rules, new.titles, old.titles):
        if src and src.get(rule):
            return src[rule]
    return rule


# ---------------------------------------------------------------------------------------------------
# the gate


@dataclass(frozen=True, slots=True)
class Gate:
    """Thresholds of a release; a comparison past any of them fails (exit 1).

    Why the default (no threshold given) is «no high finding lost»: a lost finding is the silent
    failure — a verdict that the released pack flags as unlawful would no longer reach a prosecutor, and
    nobody reviews a finding that is not there (the prison-release story is exactly a lost finding,
    repeated for years).  A gained finding is visible: every one is read by a person before a protest
    is filed, so it costs review time, not a wrong release; a changed allowed range is listed for the
    author to read.  Medium and low findings say "check this", so losing one is a smaller harm; a
    release that means to drop high findings (a rule corrected on purpose) says so with
    `--max-lost-high N`, in the merge request, where a reviewer sees it.  A high finding demoted to a
    lower severity counts as lost high: it leaves the list prosecutors act on first.

    Given thresholds replace the default: `--max-lost 10` alone allows ten lost findings of any severity.
    """

    max_gained: int | None = None
    max_lost: int | None = None
    max_lost_high: int | None = None
    max_changed_share: Fraction | None = None   # percent of the flagged cases

    @property
    def is_default(self) -> bool:
        return all(v is None for v in (self.max_gained, self.max_lost, self.max_lost_high, self.max_changed_share))

    def effective(self) -> "Gate":
        return Gate(max_lost_high=0) if self.is_default else self

    def breaches(self, c: Comparison) -> list[tuple[str, Any, Any]]:
        """(threshold, value, limit) for every threshold the comparison is past."""
        g = self.effective()
        out: list[tuple[str, Any, Any]] = []
        for name, value, limit in (("max_gained", c.total("gained"), g.max_gained),
                                   ("max_lost", c.total("lost"), g.max_lost),
                                   ("max_lost_high", c.total("lost_high"), g.max_lost_high)):
            if limit is not None and value > limit:
                out.append((name, value, limit))
        if g.max_changed_share is not None and c.share * 100 > g.max_changed_share:
            out.append(("max_changed_share", _pct_num(c.share), _pct_num(g.max_changed_share / 100)))
        return out


def _hundredths(x: Fraction) -> Fraction:
    """A share as a percent rounded half up to two decimals: exact, so the same on every machine."""
    return Fraction(math.floor(x * 10000 + Fraction(1, 2)), 100)


def _pct_num(x: Fraction) -> float:
    return float(_hundredths(x))  # the JSON number


def _pct(x: Fraction) -> str:
    return words.number(_hundredths(x)) + "\u00a0%"


OPTION = {"max_gained": "--max-gained", "max_lost": "--max-lost", "max_lost_high": "--max-lost-high",
          "max_changed_share": "--max-changed-share"}


# ---------------------------------------------------------------------------------------------------
# rendering: json, markdown, table


def to_json(c: Comparison, gate: Gate, *, examples: int = EXAMPLES) -> dict[str, Any]:
    """The comparison as data (`legality.compare/1`): stable keys, rules sorted by id."""
    breaches = gate.breaches(c)
    eff = gate.effective()
    return {
        "format": COMPARE_TAG,
        "old": _side_json(c.old),
        "new": _side_json(c.new),
        "packs_known": c.packs_known,
        "rules": [{
            "rule": d.rule, "title": d.title, "status": d.status,
            "findings": {"old": d.old, "new": d.new},
            "gained": d.gained, "lost": d.lost, "changed": d.changed, "reworded": d.reworded,
            "lost_high": d.lost_high, "changed_fields": dict(sorted(d.changed_fields.items())),
            "faults": {"old": d.faults_old, "new": d.faults_new},
            "examples": {k: d.examples(k, examples) for k in KINDS},
        } for d in sorted(c.rules.values(), key=lambda d: d.rule) if d.shown],
        "total": {
            "gained": c.total("gained"), "lost": c.total("lost"), "changed": c.total("changed"),
            "reworded": c.total("reworded"), "lost_high": c.total("lost_high"),
            "affected_cases": len(c.affected_cases), "flagged_cases": c.flagged_cases,
            "changed_share_percent": _pct_num(c.share),
            "rules_added": c.added(), "rules_removed": c.removed(),
        },
        "gate": {
            "default": gate.is_default,
            "limits": {"max_gained": eff.max_gained, "max_lost": eff.max_lost, "max_lost_high": eff.max_lost_high,
                       "max_changed_share_percent": None if eff.max_changed_share is None
                       else _pct_num(eff.max_changed_share / 100)},
            "passed": not breaches,
            "breaches": [{"limit": name, "value": value, "max": limit} for name, value, limit in breaches],
        },
    }


def _side_json(s: Side) -> dict[str, Any]:
    return {"source": s.name, "findings": s.count, "flagged_cases": len(s.flagged_cases), "report_lines": s.lines,
            "invalid": s.invalid, "partial": s.partial, "faults": sum(s.faults.values()),
            "rules": None if s.rules is None else len(s.rules)}


def render_json(c: Comparison, gate: Gate, *, examples: int = EXAMPLES) -> bytes:
    return orjson.dumps(to_json(c, gate, examples=examples), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _ordered(c: Comparison) -> list[RuleDiff]:
    """People read the biggest movement first; ties by id, so the order is stable."""
    return sorted((d for d in c.rules.values() if d.shown), key=lambda d: (-d.moved, -d.lost_high, d.rule))


def _status_text(d: RuleDiff) -> str:
    return {"added": _("правило добавлено"), "removed": _("правило удалено")}.get(d.status or "", "")


def _examples_lines(d: RuleDiff, n: int) -> list[str]:
    out = []
    for sign, kind in (("+", "gained"), ("−", "lost"), ("~", "changed")):
        ex = d.examples(kind, n)
        if ex:
            more = len(d.cases[kind]) - len(ex)
            out.append(f"{sign} " + ", ".join(_s(e) for e in ex) + (" " + _("и ещё {n}").format(n=more) if more else ""))
    return out


def _changed_text(d: RuleDiff) -> str:
    names = {"actual": _("назначенное"), "severity": _("важность"), "allowed": _("допустимое"),
             "citations": _("нормы")}
    return ", ".join(f"{names[k]} — {words.number(n)}" for k, n in sorted(d.changed_fields.items()))


def summary_lines(c: Comparison, gate: Gate) -> list[tuple[str, str]]:
    """The totals and the gate's verdict in words, as (kind, text): the same lines under the table and in
    the Markdown.  kind: "" a count, "warn" something to look at, "pass" / "fail" the gate's verdict."""
    out = [
        ("", _("Было ({name}): замечаний — {findings}, дел с замечаниями — {cases}").format(
            name=_s(c.old.name), findings=words.number(c.old.count), cases=words.number(len(c.old.flagged_cases)))),
        ("", _("Стало ({name}): замечаний — {findings}, дел с замечаниями — {cases}").format(
            name=_s(c.new.name), findings=words.number(c.new.count), cases=words.number(len(c.new.flagged_cases)))),
        ("", _("Итого: новых замечаний — {gained}, утраченных — {lost}, изменённых — {changed}, изменён только "
               "текст — {reworded}; замечаний высокой важности утрачено или понижено — {lost_high}").format(
            gained=words.number(c.total("gained")), lost=words.number(c.total("lost")),
            lost_high=words.number(c.total("lost_high")), changed=words.number(c.total("changed")),
            reworded=words.number(c.total("reworded")))),
        ("", _("Затронуто дел: {affected} из {flagged} дел с замечаниями ({share})").format(
            affected=words.number(len(c.affected_cases)), flagged=words.number(c.flagged_cases), share=_pct(c.share))),
        ("", _("Некорректных записей: {old} и {new}; проверены не полностью: {p_old} и {p_new} (было и стало)"
               ).format(old=words.number(c.old.invalid), new=words.number(c.new.invalid),
                        p_old=words.number(c.old.partial), p_new=words.number(c.new.partial))),
    ]
    if c.old.invalid != c.new.invalid:
        out.append(("warn", _("Внимание: число некорректных записей различается — отчёты сделаны по разным "
                              "приговорам, сравнение неточно")))
    faults_old, faults_new = sum(c.old.faults.values()), sum(c.new.faults.values())
    if faults_old or faults_new:
        out.append(("warn" if faults_new > faults_old else "", _("Ошибок правил при проверке: {old} и {new} (было и "
                                                                 "стало)").format(old=words.number(faults_old),
                                                                                   new=words.number(faults_new))))
    if c.packs_known:
        added, removed = c.added(), c.removed()
        out.append(("", _("Правил добавлено: {added}, удалено: {removed}").format(
            added=", ".join(added) if added else "0", removed=", ".join(removed) if removed else "0")))
    else:
        out.append(("", _("Наборы правил не указаны (сравниваются два отчёта): добавленные и удалённые правила "
                          "видны только по их замечаниям")))
    breaches = gate.breaches(c)
    if not breaches:
        out.append(("pass", _("Порог пройден (по умолчанию: ни одного утраченного замечания высокой важности)")
                    if gate.is_default else _("Порог пройден")))
    for name, value, limit in breaches:
        if name == "max_changed_share":
            text = _("Порог превышен: затронуто {value} дел с замечаниями, допускается {limit} ({option})").format(
                value=_pct(Fraction(str(value)) / 100), limit=_pct(Fraction(str(limit)) / 100), option=OPTION[name])
        else:
            sentence = {
                "max_gained": _("Порог превышен: новых замечаний — {value}, допускается {limit} ({option})"),
                "max_lost": _("Порог превышен: утраченных замечаний — {value}, допускается {limit} ({option})"),
                "max_lost_high": _("Порог превышен: замечаний высокой важности утрачено или понижено — {value}, "
                                   "допускается {limit} ({option})"),
            }[name]
            text = sentence.format(value=words.number(value), limit=words.number(limit), option=OPTION[name])
        out.append(("fail", text))
    return out


def render_markdown(c: Comparison, gate: Gate, *, examples: int = EXAMPLES) -> bytes:
    """For a merge request's description: the same rows and totals as the table, in Markdown."""
    def cell(text: str) -> str:  # a case id from an export is no markup of the merge request
        return _s(text).replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")

    out = ["## " + _("Сравнение наборов правил"), ""]
    rows = _ordered(c)
    if rows:
        out += ["| " + " | ".join([_("Правило"), _("Новые"), _("Утрачены"), _("Изменены"), _("Примеры дел")]) + " |",
                "|---|---:|---:|---:|---|"]
        for d in rows:
            name = f"{cell(d.title)}<br>`{d.rule}`"
            extra = [t for t in (_status_text(d), _reworded_text(d), _faults_text(d)) if t]
            if extra:
                name += "<br>" + cell("; ".join(extra))
            changed = words.number(d.changed) + (f" ({cell(_changed_text(d))})" if d.changed else "")
            out.append(f"| {name} | {words.number(d.gained)} | {words.number(d.lost)} | {changed} | "
                       + "<br>".join(cell(x) for x in _examples_lines(d, examples)) + " |")
        out += ["", _("Примеры дел: + новые замечания, − утраченные, ~ изменённые")]
    else:
        out.append(_("Замечания не изменились."))
    out.append("")
    out += [f"- **{cell(line)}**" if kind in ("pass", "fail") else f"- {cell(line)}"
            for kind, line in summary_lines(c, gate)]
    return ("\n".join(out) + "\n").encode()


def _reworded_text(d: RuleDiff) -> str:
    return _("изменён только текст: {n}").format(n=words.number(d.reworded)) if d.reworded else ""


def _faults_text(d: RuleDiff) -> str:
    if d.faults_old == d.faults_new:
        return ""
    return _("ошибок правила при проверке: {old} → {new}").format(old=words.number(d.faults_old),
                                                                   new=words.number(d.faults_new))


def render_table(c: Comparison, gate: Gate, *, examples: int = EXAMPLES, color: bool = False,
                 width: int | None = None) -> bytes:
    """The terminal table (rich), like `scan`'s: rule title for people, its id for the author to grep."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width or 140,
                      highlight=False, emoji=False, markup=False, soft_wrap=False)
    rows = _ordered(c)
    if rows:
        t = Table(title=_("Сравнение наборов правил: замечания по правилам"), header_style="bold", expand=True)
        t.add_column(_("Правило"), overflow="fold", ratio=5, min_width=24)
        t.add_column(_("Новые"), justify="right", width=8)
        t.add_column(_("Утрачены"), justify="right", width=9)
        t.add_column(_("Изменены"), overflow="fold", ratio=2, min_width=9)
        t.add_column(_("Примеры дел"), overflow="fold", ratio=4, min_width=20)
        for i, d in enumerate(rows):
            if i:
                t.add_section()
            name = Text(_s(d.title), style="bold")
            name.append("\n" + d.rule, style="dim")
            for extra in (_status_text(d), _reworded_text(d), _faults_text(d)):
                if extra:
                    name.append("\n" + extra, style="magenta")
            changed = Text(words.number(d.changed))
            if d.changed:
                changed.append("\n" + _changed_text(d), style="dim")
            t.add_row(name, Text(words.number(d.gained), style="green" if d.gained else ""),
                      Text(words.number(d.lost), style="bold red" if d.lost_high else "red" if d.lost else ""),
                      changed, "\n".join(_examples_lines(d, examples)))
        console.print(t)
        console.print(Text(_("Примеры дел: + новые замечания, − утраченные, ~ изменённые"), style="dim"))
    else:
        console.print(_("Замечания не изменились."))
    styles = {"": "", "warn": "magenta", "pass": "bold green", "fail": "bold red"}
    for kind, line in summary_lines(c, gate):
        style = styles[kind]
        console.print(Text(line, style=style), soft_wrap=True)  # a CI log greps these lines whole
    return buf.getvalue().encode()


RENDERERS = {"table": render_table, "json": render_json, "markdown": render_markdown}


def render(fmt: str, c: Comparison, gate: Gate, **kw: Any) -> bytes:
    if fmt != "table":
        kw.pop("color", None)
        kw.pop("width", None)
    return RENDERERS[fmt](c, gate, **kw)

