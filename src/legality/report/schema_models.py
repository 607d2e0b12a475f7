"""The pydantic models of the report format v1 (`report.model`): documentation and validation of the
output, for the JSON Schema and for tests.  Not on the scan's path: `report.model` loads this module
(and pydantic) only when one of these names is first asked for."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

class CitationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    act: str
    article: str
    part: int | str | None  # a sub-part: "3-1"
    paragraph: int | None


class FactTextModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str  # the fact's label, in the run's language
    value: str  # its value in words


class CandidateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    severity: Literal["high", "medium", "low"]
    title: str  # in the run's language (ru or kk)
    message: str  # in the run's language
    citations: list[CitationModel]
    offence: str | None
    actual: Any
    allowed: Any
    facts: dict[str, Any]
    fingerprint: str
    # the same values in words, in the run's language; absent in reports written before they were added
    actual_text: str | None = None
    allowed_text: str | None = None
    facts_text: list[FactTextModel] | None = None


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
