"""Counts of a scan run: the `legality.summary/1` document and its human (Russian) rendering.

Why one counter: the exit code, the stderr summary, `--summary FILE` and the progress bar all read
the same numbers, so they can never disagree.  `records == clean + flagged + invalid + partial` by
construction: a record on which a rule faulted and nothing fired is `partial` (not fully checked),
never `clean`; records the state store reports unchanged are counted apart (`unchanged`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..i18n import _
from ..result.candidate import SEVERITIES, SEVERITY_RANK
from ..report.context import RecordContext
from ..report.model import SUMMARY_TAG, ReportLine
from ..report.text import SEVERITY_RU, coverage_summary_ru

_ARTICLE = re.compile(r"ст\.(\S+)")


def article_number(ref: str) -> str:
    """«ч.1 ст.188-1» → «188-1»: coverage is counted by article."""
    m = _ARTICLE.search(ref)
    return m.group(1) if m else ref


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class Summary:
    rules_version: str = ""
    started: str = field(default_factory=now_iso)
    finished: str = ""
    clean: int = 0
    flagged: int = 0
    invalid: int = 0
    partial: int = 0
    unchanged: int = 0
    candidates: int = 0
    faults: int = 0
    by_rule: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    # coverage of the evaluated records (invalid ones are not evaluated): checked full / partial / none
    checked: Counter = field(default_factory=Counter)
    gap_reasons: Counter = field(default_factory=Counter)   # reason -> records with such a gap
    gap_articles: Counter = field(default_factory=Counter)  # article -> records with a gap on it
    gap_rules: Counter = field(default_factory=Counter)     # rule -> records it could not check
    after_edition: int = 0                                   # records with an offence after the edition
    edition: str | None = None                               # the newest edition of the Code (ISO)

    @property
    def records(self) -> int:
        return self.clean + self.flagged + self.invalid + self.partial

    def _coverage(self, line: ReportLine, context: RecordContext | None) -> None:
        if line.status == "invalid":
            return
        cov = line.coverage
        if cov is None:  # an engine without coverage (or a line from an older run): nothing known missing
            self.checked["full"] += 1
            return
        self.checked[cov.checked] += 1
        if not cov.gaps and not cov.warnings:  # nearly every record: nothing more to count
            return
        gaps = cov.gaps
        if gaps:  # most records that get this far have only the edition's warning
            for reason in sorted({g.reason for g in gaps}):
                self.gap_reasons[reason] += 1
            for rule in sorted({r for g in gaps for r in g.rules}):
                self.gap_rules[rule] += 1
            if context is not None:
                for art in sorted({article_number(context.article_of(g.offence)) for g in gaps if g.offence}):
                    self.gap_articles[art] += 1
        if cov.warnings:
            self.after_edition += 1
            if cov.edition:
                self.edition = cov.edition

    @property
    def fully_checked_percent(self) -> float:
        """Share of the evaluated records checked fully (100 when none was evaluated)."""
        n = sum(self.checked.values())
        return 100.0 if n == 0 else round(100.0 * self.checked["full"] / n, 2)

    def coverage_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "full": self.checked["full"], "partial": self.checked["partial"], "none": self.checked["none"],
            "percent_full": self.fully_checked_percent,
            "by_reason": dict(sorted(self.gap_reasons.items())),
            "by_article": dict(sorted(self.gap_articles.items(), key=lambda kv: (-kv[1], kv[0]))),
            "by_rule": dict(sorted(self.gap_rules.items())),
        }
        if self.after_edition:
            out["after_edition"] = {"records": self.after_edition, "edition": self.edition}
        return out

    def add(self, line: ReportLine | None, context: RecordContext | None = None) -> None:
        if line is None:
            self.unchanged += 1
            return
        if line.status == "flagged":
            self.flagged += 1
        elif line.status == "invalid":
            self.invalid += 1
        elif line.status == "partial":
            self.partial += 1
        else:
            self.clean += 1
        if line.faults:
            self.faults += len(line.faults)
        self._coverage(line, context)
        if line.candidates:
            by_rule, by_severity = self.by_rule, self.by_severity
            for c in line.candidates:
                by_rule[c.rule] += 1
                by_severity[c.severity] += 1
            self.candidates += len(line.candidates)

    def add_clean(self, coverage: Any) -> None:
        """`add` of a clean line (no candidate, no fault, no coverage gap) with this `coverage`.

        For a worker that counts clean records without building their lines (pipeline._work_streaming);
        it counts what `add` and `_coverage` count of such a line, in the same order.
        """
        self.clean += 1
        if coverage is None:
            self.checked["full"] += 1
            return
        self.checked[coverage.checked] += 1
        if coverage.warnings:
            self.after_edition += 1
            if coverage.edition:
                self.edition = coverage.edition

    def add_cleans(self, n: int, warned: int, edition: str | None) -> None:
        """`add_clean` of `n` clean records, `warned` of them with edition warnings naming `edition` (None:
        none named one): what `n` calls of `add_clean` count, in one step.

        For a worker that counts the clean records of a chunk handed back as `CleanMark`s
        (pipeline._work_streaming); exact because `add_clean` only adds (`clean`, `checked["full"]`,
        `after_edition`) and keeps the last named edition, which is one program's for a whole chunk."""
        if n:
            self.clean += n
            self.checked["full"] += n
        if warned:
            self.after_edition += warned
        if edition:
            self.edition = edition

    def merge(self, other: "Summary") -> None:
        """Add the counts of `other` (a worker's tally of one chunk, in input order) to these."""
        for name in ("clean", "flagged", "invalid", "partial", "unchanged", "candidates", "faults", "after_edition"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_rule", "by_severity", "checked", "gap_reasons", "gap_articles", "gap_rules"):
            getattr(self, name).update(getattr(other, name))
        if other.edition:  # as `add` would have left it: the latest record's
            self.edition = other.edition

    def worst_at_least(self, severity: str) -> bool:
        """True if a candidate at or above `severity` was found (`--fail-on`)."""
        floor = SEVERITY_RANK[severity]
        return any(n and SEVERITY_RANK[s] >= floor for s, n in self.by_severity.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SUMMARY_TAG,
            "records": self.records,
            "clean": self.clean,
            "flagged": self.flagged,
            "invalid": self.invalid,
            "partial": self.partial,
            "candidates": self.candidates,
            "by_rule": dict(sorted(self.by_rule.items())),
            "rules_version": self.rules_version,
            "started": self.started,
            "finished": self.finished,
            # additive fields
            "by_severity": {s: self.by_severity.get(s, 0) for s in SEVERITIES},
            "faults": self.faults,
            "unchanged": self.unchanged,
            "coverage": self.coverage_json(),
        }

    def counts(self) -> dict[str, Any]:
        """The summary without timestamps: what reports embed (they must not differ between runs)."""
        out = self.to_json()
        del out["started"], out["finished"]
        return out

    def coverage_ru(self) -> list[str]:
        """Coverage in a prosecutor's words: how many records were checked fully, and why not the rest."""
        return coverage_summary_ru(self.coverage_json())

    def render_ru(self, titles: dict[str, str] | None = None) -> str:
        """The few lines a prosecutor reads on stderr at the end of a run (in the current language).

        `titles` (rule id → title): the rules that fired most are named by title; without it that
        line is left out, since a rule id is not a word a prosecutor reads."""
        partial = _(", проверены не полностью: {partial}").format(partial=self.partial) if self.partial else ""
        sev = ", ".join(f"{SEVERITY_RU[s]}: {self.by_severity.get(s, 0)}" for s in SEVERITIES)
        lines = [
            _("Проверено записей: {records} (без нарушений: {clean}, с нарушениями: {flagged}, "
            "некорректных: {invalid}{partial})").format(records=self.records, clean=self.clean, flagged=self.flagged, invalid=self.invalid, partial=partial),
            _("Кандидатов в протест: {candidates} ({sev})").format(candidates=self.candidates, sev=sev),
        ]
        if self.unchanged:
            lines.append(_("Не изменились с прошлого запуска: {unchanged}").format(unchanged=self.unchanged))
        if self.faults:
            lines.append(_("Ошибок правил при проверке: {faults} (см. поле faults в отчёте)").format(faults=self.faults))
        if self.partial:
            lines.append(_("Проверены не полностью: {partial} (правило не смогло проверить запись или в записи "
                         "либо в каталоге нет нужных данных; нарушений не найдено; эти записи есть в отчёте)").format(partial=self.partial))
        lines += self.coverage_ru()
        if self.by_rule and titles:
            ranked = sorted(self.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
            top = "; ".join(f"«{titles.get(r, r)}» — {n}" for r, n in ranked[:5])
            more = len(ranked) - 5
            lines.append(_("Чаще всего: {top}").format(top=top)
                         + (_("; других правил: {n}").format(n=more) if more > 0 else ""))
        return "\n".join(lines)


