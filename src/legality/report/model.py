"""The report format v1 (shared/formats/report-v1.md): the engine's candidates and report lines.

`Candidate` and `ReportLine` are light dataclasses (built per record on the hot path); the pydantic
models below them describe the same shapes for the JSON Schema and for tests that validate output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..result.candidate import Candidate
from ..result.coverage import Coverage

REPORT_TAG = "legality.report/1"
SUMMARY_TAG = "legality.summary/1"
@dataclass(slots=True)
class ReportLine:
    case_id: str | None
    file: str
    line: int
    status: str  # flagged / clean / invalid / partial (a rule faulted or a coverage gap, no candidate)
    candidates: list[Candidate] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    coverage: Coverage | None = None  # None: not evaluated (invalid) or a line of an older run

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
        if self.coverage is not None and self.coverage.gaps:  # additive: what could not be checked
            out["coverage"] = self.coverage.to_json()
        return out


# ---- schema models (documentation and validation of the output; not used on the hot path)


class CitationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    act: str
    article: str
    part: int | str | None  # a sub-part: "3-1"
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


class GapModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offence: str | None
    reason: Literal["missing_data", "unknown_article", "unknown_edition", "no_law_parameter"]
    detail: str
    rules: list[str]


class CoverageWarningModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offence: str | None
    reason: Literal["after_edition"]
    detail: str


class CoverageModel(BaseModel):
    """Present when something could not be checked (`gaps` non-empty); absent means fully checked."""

    model_config = ConfigDict(extra="forbid")
    checked: Literal["full", "partial", "none"]
    gaps: list[GapModel]
    warnings: list[CoverageWarningModel] | None = None
    edition: str | None = None  # the newest edition of the Code in the catalogue, when a warning names it


class ReportLineModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["legality.report/1"]
    case_id: str | None
    source: SourceModel
    status: Literal["flagged", "clean", "invalid", "partial"]
    candidates: list[CandidateModel]
    errors: list[ErrorModel]
    faults: list[dict[str, Any]] | None = None
    coverage: CoverageModel | None = None


class SummaryModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    format: Literal["legality.summary/1"]
    records: int
    clean: int
    flagged: int
    invalid: int
    partial: int = 0  # records not fully checked (a rule faulted or a gap, no candidate); older summaries lack it
    candidates: int
    by_rule: dict[str, int]
    rules_version: str
    started: str
    finished: str
