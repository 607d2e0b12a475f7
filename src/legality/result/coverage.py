"""What a record's check could not decide: the coverage of one record.

Why data of its own: a record whose article the catalogue lacks used to come out `clean`, which a
prosecutor reads as «checked and lawful».  A gap says which offence, which rules and why (in Russian),
and turns such a record into `partial`; a warning (an offence dated after the newest edition of the
Code in the catalogue) is shown and counted but leaves the check complete — the rules ran against
that edition, and their findings keep their severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# gap reasons (report `coverage.gaps[].reason`)
MISSING_DATA = "missing_data"          # a `needs` value is missing in the record
UNKNOWN_ARTICLE = "unknown_article"    # the catalogue has no such article / part / item
UNKNOWN_EDITION = "unknown_edition"    # no edition of the article in force on the offence date
NO_LAW_PARAMETER = "no_law_parameter"  # a General-Part parameter has no edition on that date
# warning reason (report `coverage.warnings[].reason`)
AFTER_EDITION = "after_edition"        # offence dated after the newest imported edition

REASON_RU = {
    MISSING_DATA: "нет данных в записи",
    UNKNOWN_ARTICLE: "статьи/части нет в каталоге",
    UNKNOWN_EDITION: "нет редакции статьи на дату деяния",
    NO_LAW_PARAMETER: "нет редакции нормы Общей части на дату",
    AFTER_EDITION: "дата деяния позже загруженной редакции Кодекса",
}

FULL, PARTIAL, NONE = "full", "partial", "none"


@dataclass(slots=True)
class Gap:
    offence: str | None
    reason: str
    detail: str
    rules: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"offence": self.offence, "reason": self.reason, "detail": self.detail, "rules": list(self.rules)}


@dataclass(slots=True)
class EditionWarning:
    offence: str | None
    reason: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"offence": self.offence, "reason": self.reason, "detail": self.detail}


@dataclass(slots=True)
class Coverage:
    checked: str = FULL
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[EditionWarning] = field(default_factory=list)
    edition: str | None = None  # ISO date of the newest edition, when a warning names it

    @property
    def complete(self) -> bool:
        return not self.gaps

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"checked": self.checked, "gaps": [g.to_json() for g in self.gaps]}
        if self.warnings:
            out["warnings"] = [w.to_json() for w in self.warnings]
            if self.edition:
                out["edition"] = self.edition
        return out


def checked_level(gaps: list[Gap], offence_ids: list[str]) -> str:
    """`none` when every offence has a gap of the catalogue (no sanction to check against), or a
    record-wide gap covers all; `partial` for any other gap; `full` without gaps."""
    if not gaps:
        return FULL
    catalogue = {UNKNOWN_ARTICLE, UNKNOWN_EDITION}
    blind = {g.offence for g in gaps if g.reason in catalogue}
    if offence_ids and all(o in blind for o in offence_ids):
        return NONE
    return PARTIAL


def coverage_from_json(d: Any) -> Coverage | None:
    """A report line's `coverage` read back (the store's saved lines); None when absent."""
    if not isinstance(d, dict):
        return None
    gaps = [Gap(g.get("offence"), g["reason"], g["detail"], list(g.get("rules") or [])) for g in d.get("gaps") or []]
    warnings = [EditionWarning(w.get("offence"), w["reason"], w["detail"]) for w in d.get("warnings") or []]
    return Coverage(d.get("checked", FULL), gaps, warnings, d.get("edition"))
