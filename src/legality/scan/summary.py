"""Counts of a scan run: the `legality.summary/1` document and its human (Russian) rendering.

Why one counter: the exit code, the stderr summary, `--summary FILE` and the progress bar all read
the same numbers, so they can never disagree.  `records == clean + flagged + invalid + partial` by
construction: a record on which a rule faulted and nothing fired is `partial` (not fully checked),
never `clean`; records the state store reports unchanged are counted apart (`unchanged`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..result.candidate import SEVERITIES, SEVERITY_RANK
from ..report.model import SUMMARY_TAG, ReportLine
from ..report.text import SEVERITY_RU


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

    @property
    def records(self) -> int:
        return self.clean + self.flagged + self.invalid + self.partial

    def add(self, line: ReportLine | None) -> None:
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
        self.faults += len(line.faults)
        for c in line.candidates:
            self.candidates += 1
            self.by_rule[c.rule] += 1
            self.by_severity[c.severity] += 1

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
        }

    def counts(self) -> dict[str, Any]:
        """The summary without timestamps: what reports embed (they must not differ between runs)."""
        out = self.to_json()
        del out["started"], out["finished"]
        return out

    def render_ru(self) -> str:
        """The few lines a prosecutor reads on stderr at the end of a run."""
        partial = f", проверены не полностью: {self.partial}" if self.partial else ""
        sev = ", ".join(f"{SEVERITY_RU[s]}: {self.by_severity.get(s, 0)}" for s in SEVERITIES)
        lines = [
            f"Проверено записей: {self.records} (без нарушений: {self.clean}, с нарушениями: {self.flagged}, "
            f"некорректных: {self.invalid}{partial})",
            f"Кандидатов в протест: {self.candidates} ({sev})",
        ]
        if self.unchanged:
            lines.append(f"Не изменились с прошлого запуска: {self.unchanged}")
        if self.faults:
            lines.append(f"Ошибок правил при проверке: {self.faults} (см. поле faults в отчёте)")
        if self.partial:
            lines.append(f"Проверены не полностью: {self.partial} (правило не смогло проверить запись, "
                         "нарушений не найдено; эти записи есть в отчёте)")
        if self.by_rule:
            top = ", ".join(f"{r}: {n}" for r, n in sorted(self.by_rule.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"По правилам: {top}")
        return "\n".join(lines)

