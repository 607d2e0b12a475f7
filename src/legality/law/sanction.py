"""The sanction of one part (or item) of a Special-Part article, in one edition.

Why frozen dataclasses with precomputed lookups: rules ask the same sanction many times per
record (`max_of`, `kinds`, `most_severe`), so everything is indexed once when the catalogue loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..model.enums import Category, Intent, PenaltyKind
from ..model.values import ArticleRef, Citation, Quantity
from .dated import in_force, text_verified

# Art. 40: the order of severity of principal penalties (most severe first).
SEVERITY_ORDER: tuple[PenaltyKind, ...] = (
    PenaltyKind.life_imprisonment,
    PenaltyKind.imprisonment,
    PenaltyKind.restriction_of_liberty,
    PenaltyKind.arrest,
    PenaltyKind.community_service,
    PenaltyKind.correctional_labour,
    PenaltyKind.fine,
    PenaltyKind.expulsion,
)
_RANK = {k: i for i, k in enumerate(SEVERITY_ORDER)}


@dataclass(frozen=True, slots=True)
class PenaltyOption:
    """One alternative principal penalty; `min` None = the sanction states no minimum."""

    kind: PenaltyKind
    min: Quantity | None
    max: Quantity | None
    fixed: bool = False
    note: str = ""
    base: str | None = None  # a fine as a multiple: of what (bribe, stolen_property, ...)


@dataclass(frozen=True, slots=True)
class AdditionalOption:
    """An additional penalty the sanction provides; `with_kind` ties it to one alternative."""

    kind: PenaltyKind
    mandatory: bool
    lifelong: bool = False
    with_kind: PenaltyKind | None = None
    max: Quantity | None = None
    fixed: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sanction:
    article: str
    part: int | None
    paragraph: int | None
    title: str
    summary: str
    category: Category
    intent: Intent
    corruption: bool
    against_life_or_health: bool
    economic: bool
    chapter: int | None
    principal: tuple[PenaltyOption, ...]
    additional: tuple[AdditionalOption, ...]
    valid_from: date
    valid_to: date | None
    verified_from: date | None
    verified_until: date | None
    source: str
    edition: str
    verified: bool
    notes: str = ""
    file: str = ""
    line: int = 0
    _by_kind: dict[PenaltyKind, PenaltyOption] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_kind.update({o.kind: o for o in self.principal})

    @property
    def ref(self) -> ArticleRef:
        return ArticleRef(self.article, self.part, self.paragraph)

    def citation(self) -> Citation:
        return Citation("УК РК", self.ref)

    def kinds(self) -> frozenset[PenaltyKind]:
        return frozenset(self._by_kind)

    def option(self, kind: PenaltyKind | str) -> PenaltyOption | None:
        return self._by_kind.get(PenaltyKind(kind))

    def max_of(self, kind: PenaltyKind | str) -> Quantity | None:
        o = self.option(kind)
        return o.max if o else None

    def min_of(self, kind: PenaltyKind | str) -> Quantity | None:
        o = self.option(kind)
        return o.min if o else None

    def most_severe(self) -> PenaltyKind:
        return min(self._by_kind, key=_RANK.__getitem__)

    def mandatory_additional(self) -> tuple[AdditionalOption, ...]:
        return tuple(a for a in self.additional if a.mandatory)

    def covers(self, on: date) -> bool:
        return in_force(self, on)

    def text_verified_on(self, on: date) -> bool:
        return text_verified(self, on)
