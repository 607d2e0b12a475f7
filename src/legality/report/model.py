"""The report format v1 (shared/formats/report-v1.md): the engine's candidates and report lines.

`Candidate` and `ReportLine` are light dataclasses (built per record on the hot path); the pydantic
models of `schema_models` (reachable here by name, loaded on first use: pydantic is no import of a
scan) describe the same shapes for the JSON Schema and for tests that validate output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.jsonable import safe_dumps
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


def line_to_json(line: ReportLine) -> str:
    """A line as the state store keeps it (`records.report`): its report, with its coverage's warnings kept
    for the counts of a resumed run even when the report does not show them.

    Never fails on a huge exact amount (its decimal string, as in the report): a record the store
    cannot save would stop every `--resume` at the same place."""
    d = line.to_json()
    if line.coverage is not None and "coverage" not in d and line.coverage.warnings:
        d["coverage"] = line.coverage.to_json()
    return safe_dumps(d).decode()


# ---- schema models (documentation and validation of the output; not used on the hot path)
_SCHEMA_MODELS = frozenset({"CitationModel", "CandidateModel", "SourceModel", "ErrorModel", "GapModel",
                            "CoverageWarningModel", "CoverageModel", "ReportLineModel", "SummaryModel"})


def __getattr__(name: str) -> Any:
    if name in _SCHEMA_MODELS:
        from . import schema_models

        return getattr(schema_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
