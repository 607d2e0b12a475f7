"""What evaluating one record yields: candidates, faults and (on request) the trace; and what a rule is.

Why its own package: the evaluator produces these and the reports, the scan pipeline and the store
consume them, so they sit below all of them — nothing here imports an evaluator or a format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..diagnostics import Diagnostic
from ..model.jsonable import safe_dumps, to_jsonable
from .coverage import Coverage
from .trace import Trace

SEVERITIES = ("high", "medium", "low")
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


def fingerprint(case_id: str | None, rule: str, offence: str | None, actual: Any) -> str:
    """Stable hash of (case_id, rule, offence, actual): the same finding, the same fingerprint.

    `actual` goes through the same exact JSON conversion as the report (`to_jsonable`, which leaves
    its own output unchanged), so a huge amount hashes like the decimal string the report shows.
    """
    payload = safe_dumps([case_id, rule, offence, to_jsonable(actual)], orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()[:24]


@dataclass(slots=True)
class Candidate:
    rule: str
    severity: str
    title: str
    message: str
    citations: list[dict[str, Any]]
    offence: str | None
    actual: Any
    allowed: Any
    facts: dict[str, Any]
    fingerprint: str = ""
    # the same values in words, in the run's language (rendered by the engine when the rule fired, where the
    # typed value still tells a term from an amount and a regime from a category); None / empty in a
    # candidate read back from a report written before they existed — readers fall back to `words.say_json`
    actual_text: str | None = None
    allowed_text: str | None = None
    facts_text: list[tuple[str, str]] = field(default_factory=list)  # (label, value in words), in `facts` order

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "citations": self.citations,
            "offence": self.offence,
            "actual": self.actual,
            "allowed": self.allowed,
            "facts": self.facts,
            "fingerprint": self.fingerprint,
            "actual_text": self.actual_text,
            "allowed_text": self.allowed_text,
            "facts_text": [{"label": label, "value": value} for label, value in self.facts_text],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Candidate":
        """A candidate of a report line (`to_json`'s form), also one written before the `*_text` fields."""
        facts_text = [(f["label"], f["value"]) if isinstance(f, dict) else (f[0], f[1]) for f in d.get("facts_text") or ()]
        return cls(d["rule"], d["severity"], d["title"], d["message"], d["citations"], d["offence"], d["actual"],
                   d["allowed"], d["facts"], d.get("fingerprint", ""), d.get("actual_text"), d.get("allowed_text"),
                   facts_text)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    title: str
    severity: str
    citations: tuple[str, ...]
    tags: tuple[str, ...]
    scope: str
    file: str
    line: int


@dataclass(slots=True)
class Evaluation:
    candidates: list[Candidate]
    faults: list[Diagnostic] = field(default_factory=list)
    trace: Trace | None = None
    coverage: Coverage = field(default_factory=Coverage)  # what could not be checked


class CleanMark:
    """A clean record's evaluation as far as a plain scan reads it (`Engine.evaluate_many_marked`).

    A clean record (no candidate, no fault, no coverage gap) of a plain scan is written nowhere; the scan
    only counts it (`Summary.add_cleans`): its coverage is `full`, and whether an offence is dated after
    the catalogue's edition (then the coverage has edition warnings, naming `edition`).  So instead of an
    `Evaluation` with its `Coverage` and warnings, such a record is handed back as one of a program's two
    shared marks.  Read-only: shared by every clean record of a run.  Not a sequence, so that numpy places
    it in an object array as one value."""

    __slots__ = ("warned", "edition")

    def __init__(self, warned: bool, edition: str | None):
        self.warned = warned    # the record's coverage has edition warnings (an offence after the edition)
        self.edition = edition  # the coverage's `edition` (ISO), as `Program.clean_coverage` sets it

    def __repr__(self) -> str:
        return f"CleanMark(warned={self.warned!r}, edition={self.edition!r})"
