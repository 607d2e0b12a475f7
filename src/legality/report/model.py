"""The report format v1 (shared/formats/report-v1.md): the engine's candidates and report lines.

`Candidate` and `ReportLine` are light dataclasses (built per record on the hot path); the pydantic
models below them describe the same shapes for the JSON Schema and for tests that validate output.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict

from .jsonable import safe_dumps, to_jsonable

REPORT_TAG = "legality.report/1"
SUMMARY_TAG = "legality.summary/1"
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
        }


@dataclass(slots=True)
class ReportLine:
    case_id: str | None
    file: str
    line: int
    status: str  # flagged / clean / invalid / partial (a rule faulted, no candidate: not fully checked)
    candidates: list[Candidate] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": REPORT_TAG,
            "case_id": self.case_id,
            "source": {"file": self.file, "line": self.line},
            "status": self.status,
            "candidates": [c.to_json() for c in self.candidates],
            "errors": self.errors,
        }
        if self.faults:  # additive field: rule faults on this record (see README, report format)
            out["faults"] = self.faults
        return out


# ---- schema models (documentation and validation of the output; not used on the hot path)


class CitationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    act: str
    article: str
    part: int | None
    paragraph: int | None


class CandidateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    severity: Literal["high", "medium", "low"]
    title: str
    message: str
    citations: list[CitationModel]
    offence: str | None
    actual: Any
    allowed: Any
    facts: dict[str, Any]
    fingerprint: str


class SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    line: int


class ErrorModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    message: str


class ReportLineModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["legality.report/1"]
    case_id: str | None
    source: SourceModel
    status: Literal["flagged", "clean", "invalid", "partial"]
    candidates: list[CandidateModel]
    errors: list[ErrorModel]
    faults: list[dict[str, Any]] | None = None


class SummaryModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    format: Literal["legality.summary/1"]
    records: int
    clean: int
    flagged: int
    invalid: int
    partial: int = 0  # records not fully checked (a rule faulted, no candidate); older summaries lack it
    candidates: int
    by_rule: dict[str, int]
    rules_version: str
    started: str
    finished: str
