"""The verdict record of the export format, as pydantic v2 models.

This module (with `enums`, `values` and `validate`) is the only code that knows the export format:
the engine, rules and reports see these objects, never raw JSON.  Shape and types are checked by
pydantic; cross-field facts no verdict can contain are checked in `validate.py`, which knows the JSON
path of every field it complains about.  A court's own errors pass both: the rules flag them.
The optional fields after the v1 baseline (docs/format.md) are what rules need and exports may lack:
missing, a rule reports the check as not done rather than assume a value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, StrictBool, StrictInt, WithJsonSchema

from ..i18n import _
from .enums import (
    Category,
    Citizenship,
    Clemency,
    Combination,
    Exemption,
    Intent,
    PenaltyKind,
    Procedure,
    Regime,
    Role,
    Sex,
    Stage,
    VictimAgeGroup,
)
from .values import (
    MAX_ARREST_DAYS, MAX_DAMAGE_KZT, MAX_HOURS, MAX_MRP, MAX_MULTIPLE, MIN_AMOUNT, ArticleRef, Quantity, Term,
    as_fraction,
    penalty_amount as penalty_amount,  # defined beside Quantity (no pydantic there): serves the fast records too
)

FORMAT_TAG = "legality.verdict/1"
# ASCII digits only and matched whole: `\d` takes Arabic-Indic digits and `$` a trailing newline
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(v: Any) -> Any:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if not isinstance(v, str) or not _ISO.fullmatch(v):
        raise ValueError(_("дата должна быть строкой в формате ГГГГ-ММ-ДД (цифры 0–9)"))
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        # the value is not repeated: a birth date is personal data (messages reach logs and the store)
        raise ValueError(_("такой даты нет в календаре: проверьте месяц и число")) from None


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
# bounds: see "what no verdict can contain" in values.py
Amount = Annotated[float, Field(ge=MIN_AMOUNT, allow_inf_nan=False, strict=True)]
NonEmpty = Annotated[str, Field(min_length=1, strict=True)]
_SUBPART = re.compile(r"[1-9][0-9]*-[1-9][0-9]*")


def _part(v: Any) -> Any:
    """A part: a number ≥ 1, or a sub-part an amendment inserted, written as text «3-1» (ст.120 ч.3-1)."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v < 1:
            raise ValueError(_("номер части должен быть не меньше 1"))
        return v
    if isinstance(v, str) and _SUBPART.fullmatch(v):
        return v
    raise ValueError(_("часть статьи — целое число (3) или строка вида \"3-1\" для части 3-1"))


PartNo = Annotated[int | str, PlainValidator(_part), WithJsonSchema({"oneOf": [
    {"type": "integer", "minimum": 1},
    {"type": "string", "pattern": "^[1-9][0-9]*-[1-9][0-9]*$", "description": "часть, вставленная поправкой: «3-1»"},
]})]


class _Model(BaseModel):
    # exports grow: unknown fields are ignored, never an error
    model_config = ConfigDict(extra="ignore", frozen=True, revalidate_instances="never")


class Court(_Model):
    code: NonEmpty
    name: str | None = None
    region: str | None = None


class ArticleRefModel(_Model):
    article: NonEmpty
    part: PartNo | None = None
    paragraph: StrictInt | None = Field(default=None, ge=1)

    @property
    def ref(self) -> ArticleRef:
        return ArticleRef(self.article, self.part, self.paragraph)


class PriorConviction(_Model):
    verdict_date: Date
    articles: list[ArticleRefModel] = Field(min_length=1)
    category: Category
    intent: Intent
    age_at_offence: StrictInt | None = Field(default=None, ge=0, le=150)
    sentence_kind: PenaltyKind
    real_imprisonment: StrictBool
    suspended: StrictBool | None = None
    expunged: StrictBool
    release_date: Date | None = None
    # ст.79 ч.1: a person is «судимым со дня вступления обвинительного приговора суда в законную силу»
    in_force_date: Date | None = None
    # ст.63 ч.3, ст.64: the probation period of a conditional prior sentence (its end decides revocation)
    probation: Term | None = None
    # ст.78: amnesty or pardon applied under that prior verdict (amnesty acts exclude such persons if they reoffend)
    clemency: Clemency | None = None


class Defendant(_Model):
    person_id: NonEmpty
    sex: Sex
    birth_date: Date
    citizenship: Citizenship = Citizenship.KZ
    pregnant: StrictBool | None = None
    child_under_3: StrictBool | None = None
    disability_group: StrictInt | None = Field(default=None, ge=1, le=3)  # strict: true is not group 1
    military: StrictBool | None = None
    prior_convictions: list[PriorConviction] = Field(default_factory=list)


class Penalty(_Model):
    kind: PenaltyKind
    mrp: Annotated[Amount, Field(le=MAX_MRP)] | None = None
    multiple: Annotated[Amount, Field(le=MAX_MULTIPLE)] | None = None
    hours: StrictInt | None = Field(default=None, gt=0, le=MAX_HOURS)
    days: StrictInt | None = Field(default=None, gt=0, le=MAX_ARREST_DAYS)
    term: Term | None = None
    lifelong: StrictBool | None = None


class Sentence(_Model):
    principal: Penalty
    additional: list[Penalty] = Field(default_factory=list)
    exempted: Exemption | None = None
    # ст.78: the act of amnesty applied — a full release (`exempted: amnesty`) or a cut of the term
    amnesty_act: NonEmpty | None = None


class Probation(_Model):
    period: Term


class Evasion(_Model):
    """ст.71 ч.4: the limitation period stops while the person evades investigation or trial."""

    from_: Date = Field(alias="from")
    to: Date | None = None  # still evading / not stated
    model_config = ConfigDict(extra="ignore", frozen=True, revalidate_instances="never", populate_by_name=True)


class ForcedPayment(_Model):
    """ст.98-1, 98-2: a fixed sum collected by the verdict for the Victims' Compensation Fund."""

    mrp: Annotated[Amount, Field(le=MAX_MRP)]


class PriorUnserved(_Model):
    verdict_date: Date
    principal: Penalty


class FinalSentence(Sentence):
    combination: Combination | None = None
    prior_unserved: PriorUnserved | None = None
    regime: Regime | None = None
    probation: Probation | None = None


class Offence(_Model):
    id: NonEmpty
    article: NonEmpty
    part: PartNo | None = None
    paragraph: StrictInt | None = Field(default=None, ge=1)
    committed_on: Date
    stage: Stage = Stage.completed
    role: Role = Role.perpetrator
    mitigating: list[str] = Field(default_factory=list)
    aggravating: list[str] = Field(default_factory=list)
    damage_kzt: Annotated[float, Field(ge=0, le=MAX_DAMAGE_KZT, allow_inf_nan=False, strict=True)] | None = None
    damage_compensated: StrictBool | None = None
    criminal_group: StrictBool | None = None  # ст.3 п.24, ст.31 ч.3: committed by a criminal group
    victim_age_group: VictimAgeGroup | None = None
    evasion: Evasion | None = None
    sentence: Sentence

    @property
    def ref(self) -> ArticleRef:
        return ArticleRef(self.article, self.part, self.paragraph)


class Verdict(_Model):
    format: Literal["legality.verdict/1"] | None = None
    case_id: NonEmpty
    court: Court
    judge_id: str | None = None
    verdict_date: Date
    procedure: Procedure = Procedure.general
    defendant: Defendant
    offences: list[Offence] = Field(min_length=1)
    final_sentence: FinalSentence
    forced_payment: ForcedPayment | None = None
