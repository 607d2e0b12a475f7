"""The shape of the catalogue's YAML files, validated by pydantic when loaded.

Why a separate file model: the YAML is written for the people who check it against the Code
(amounts in the unit the sanction uses, one entry per part as the Code prints it); the runtime
objects in `sanction.py` / `params.py` are shaped for the rules (exact quantities, enums, indexes).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..model.enums import Category, Intent, PenaltyKind
from ..model.values import part_value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermSpec(_Strict):
    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    days: int = Field(0, ge=0, le=36500)


Amount = float | int | TermSpec

TERM_KINDS = {PenaltyKind.imprisonment, PenaltyKind.restriction_of_liberty, PenaltyKind.ban_on_office}
UNIT_OF_KIND = {
    PenaltyKind.fine: "mrp",
    PenaltyKind.correctional_labour: "mrp",
    PenaltyKind.community_service: "hours",
    PenaltyKind.arrest: "days",
}
PRINCIPAL_KINDS = {
    PenaltyKind.fine, PenaltyKind.correctional_labour, PenaltyKind.community_service, PenaltyKind.arrest,
    PenaltyKind.restriction_of_liberty, PenaltyKind.imprisonment, PenaltyKind.life_imprisonment,
    PenaltyKind.death_penalty, PenaltyKind.expulsion,
}
AMOUNTLESS_KINDS = {PenaltyKind.life_imprisonment, PenaltyKind.death_penalty}  # the sanction names no amount


def _months(v: "Amount") -> float:
    return v.years * 12 + v.months + v.days / 30 if isinstance(v, TermSpec) else v


class PrincipalSpec(_Strict):
    kind: PenaltyKind
    unit: Literal["mrp", "multiple", "hours", "days", "term"] | None = None
    min: Amount | None = None
    max: Amount | None = None
    fixed: bool = False
    base: str | None = None  # for a fine as a multiple: what it multiplies (bribe, stolen_property ...)
    note: str = ""

    @model_validator(mode="after")
    def _amounts(self) -> "PrincipalSpec":
        if self.kind not in PRINCIPAL_KINDS:
            raise ValueError(f"{self.kind.value} is not a principal penalty")
        unit = self.resolved_unit()
        for name in ("min", "max"):
            v = getattr(self, name)
            if v is None:
                continue
            if unit == "term" and not isinstance(v, TermSpec):
                raise ValueError(f"{name}: a term is written as {{years: N, months: N, days: N}}")
            if unit != "term" and isinstance(v, TermSpec):
                raise ValueError(f"{name}: {self.kind.value} is measured in {unit}, not as a term")
            if unit != "term" and v < 0:
                raise ValueError(f"{name}: must not be negative")
        if self.kind in AMOUNTLESS_KINDS and (self.min is not None or self.max is not None):
            raise ValueError(f"{self.kind.value} has no amount")
        if self.kind not in AMOUNTLESS_KINDS | {PenaltyKind.expulsion} and self.max is None:
            raise ValueError("max is required (the sanction always states an upper limit)")
        if self.unit == "multiple" and not self.base:
            raise ValueError("a fine as a multiple needs `base` (bribe, stolen_property, ...)")
        if self.min is not None and self.max is not None and _months(self.min) > _months(self.max):
            raise ValueError("min is above max")
        if self.fixed and self.min != self.max:
            raise ValueError("a fixed term has min == max")
        return self

    def resolved_unit(self) -> str | None:
        if self.kind in TERM_KINDS:
            return "term"
        if self.kind == PenaltyKind.fine and self.unit == "multiple":
            return "multiple"
        if self.unit not in (None, UNIT_OF_KIND.get(self.kind)):
            raise ValueError(f"unit {self.unit} does not fit {self.kind.value}")
        return UNIT_OF_KIND.get(self.kind)


class AdditionalSpec(_Strict):
    kind: PenaltyKind
    mandatory: bool
    lifelong: bool = False
    min: TermSpec | None = None  # a lower limit stated in the sanction («на срок от семи до десяти лет», ст.124 ч.1)
    max: TermSpec | None = None  # a term stated in the sanction (e.g. «на срок до трёх лет»)
    fixed: bool = False          # «сроком на десять лет»
    # the term may reach a lifelong ban: ст.50 ч.2 абз.2 and ч.2 ст.238, 239, 250 «на срок от пяти лет до
    # установления запрета … пожизненно» — `min` is the lower limit, there is no upper term
    lifelong_allowed: bool = False
    with_: PenaltyKind | None = Field(None, alias="with")
    note: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _check(self) -> "AdditionalSpec":
        if self.kind in PRINCIPAL_KINDS - {PenaltyKind.expulsion}:
            raise ValueError(f"{self.kind.value} is not an additional penalty")
        if self.lifelong and self.max is not None:
            raise ValueError("lifelong and a term exclude each other")
        if self.lifelong_allowed and (self.lifelong or self.max is not None or self.fixed):
            raise ValueError("lifelong_allowed (up to a lifelong ban) has no upper term and is not lifelong itself")
        if self.min is not None and not self.lifelong_allowed and (
                self.max is None or _months(self.min) > _months(self.max)):
            raise ValueError("min needs a max at or above it (or lifelong_allowed)")
        return self


class EntrySpec(_Strict):
    """One part (or item with its own sanction) of an article, in one edition."""

    part: int | str | None = None  # a sub-part an amendment inserted is written "3-1" (ст.120 ч.3-1)
    paragraph: int | None = None
    summary: str
    category: Category
    intent: Intent | None = None
    corruption: bool = False
    corruption_items: list[int] = []  # items of this part in Art. 3 p.29 that share the part's sanction
    principal: list[PrincipalSpec] = Field(min_length=1)
    additional: list[AdditionalSpec] = []
    valid_from: date
    valid_to: date | None = None
    verified: bool
    # the text read covers this entry from/until these dates; None: the article's `verified_from`/`verified_until`
    verified_from: date | None = None
    verified_until: date | None = None
    # an amending law's entry into force lies somewhere in [valid_from, valid_to] (the day is not in the text):
    # either edition may apply, so this entry holds only what both agree on, and is never `current` (editions.py)
    window: bool = False
    notes: str = ""

    @field_validator("part", mode="before")
    @classmethod
    def _part(cls, v: Any) -> Any:
        return part_value(v)

    @model_validator(mode="after")
    def _check(self) -> "EntrySpec":
        if self.paragraph is not None and self.part is None:
            raise ValueError("an item (paragraph) needs its part")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if self.window and self.valid_to is None:
            raise ValueError("a window entry needs valid_to (the latest day the amendment can have taken effect)")
        kinds = [p.kind for p in self.principal]
        if len(kinds) != len(set(kinds)):
            raise ValueError("a principal penalty kind is listed twice")
        return self


class AmendmentSpec(_Strict):
    """One amending law named in an article's footnote («Сноска. Статья N с изменениями, внесенными …»).

    Why structured: editions are dated by these laws; the exact day a law took effect is often not in the
    Code's text («по истечении десяти календарных дней после дня его первого официального опубликования»),
    so the text's own words are kept beside what could be computed from them.
    """

    law: str                                # «Закон РК от 21.01.2019 № 217-VI», as printed
    signed: date                            # the law's date
    number: str = ""                        # «217-VI»
    restated: bool = False                  # «в редакции Закона …»: the article (or `parts`) restated
    parts: list[str] = []                   # the parts/items the footnote names, when it names them («ч.3», «п.2 ч.2»)
    in_force_from: date | None = None       # an exact day stated in the text («вводится в действие с 01.07.2018»)
    in_force_after_days: int | None = None  # «по истечении десяти календарных дней после … опубликования» → 10
    in_force_rule: str = ""                 # the footnote's own words on entry into force


class ArticleFile(_Strict):
    article: str = Field(pattern=r"^\d+(-\d+)?$")
    title: str
    chapter: int | None = Field(None, ge=1, le=20)
    intent: Intent = Intent.intentional
    against_life_or_health: bool = False
    economic: bool = False
    source: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    verified_from: date | None = None
    verified_until: date | None = None
    repealed: str | None = None  # «исключена Законом ...»: why no entry covers later dates
    amendments: list[str] = []
    footnotes: list[AmendmentSpec] = []     # the amending laws of the «Сноска», read from the text (law import)
    later_changes: list[dict[str, Any]] = []
    notes: str = ""
    entries: list[EntrySpec] = []

    @field_validator("article", mode="before")
    @classmethod
    def _article_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class ParamEdition(_Strict):
    valid_from: date
    valid_to: date | None = None
    value: Any
    source: str | None = None
    edition: str | None = None
    verified: bool
    verified_from: date | None = None   # the text read is the one as amended on this date (latest amendment)
    verified_until: date | None = None  # the date of the text read
    notes: str = ""

    @model_validator(mode="after")
    def _dates(self) -> "ParamEdition":
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class ParamSpecFile(_Strict):
    type: str
    citation: str
    description: str = ""
    # why no rule reads this parameter (kept to document the Code, or read only by catalogue checks): the
    # lint W103 stays silent about it.  Russian, for the law maintainer
    unused_reason: str = ""
    editions: list[ParamEdition] = Field(min_length=1)


class ParamDefaults(_Strict):
    source: str | None = None
    edition: str | None = None
    verified_until: date | None = None


class ParamsFile(_Strict):
    defaults: ParamDefaults = ParamDefaults()
    params: dict[str, ParamSpecFile]
