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

# Art. 40: the order of severity of principal penalties (most severe first; ст.40 ч.2 п.5 lists the death
# penalty last, after imprisonment, which includes life imprisonment: ст.46 ч.1).
SEVERITY_ORDER: tuple[PenaltyKind, ...] = (
    PenaltyKind.death_penalty,
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
    min: Quantity | None = None      # a lower limit the sanction states («на срок от семи до десяти лет»)
    lifelong_allowed: bool = False   # «на срок от пяти лет до установления запрета … пожизненно» (ст.50 ч.2 абз.2)


@dataclass(frozen=True, slots=True)
class Sanction:
    article: str
    part: int | str | None  # "3-1": a sub-part
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
    window: bool = False  # an amendment's entry-into-force window: only what both editions agree on
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

    def additional_of(self, kind: PenaltyKind | str) -> tuple[AdditionalOption, ...]:
        k = PenaltyKind(kind)
        return tuple(a for a in self.additional if a.kind == k)

    def additional_max(self, kind: PenaltyKind | str) -> Quantity | None:
        """The longest term the sanction states for that additional penalty.

        None (missing for a rule) when the sanction does not provide it, when one of its options is lifelong
        or states no term: then the General Part's limits apply, and a rule comparing against a stated term
        would flag a lawful sentence.
        """
        opts = self.additional_of(kind)
        if not opts or any(a.lifelong or a.max is None for a in opts):
            return None
        return max((a.max for a in opts if a.max is not None), key=lambda q: q.value)

    def additional_min(self, kind: PenaltyKind | str) -> Quantity | None:
        """The shortest term the sanction states for that additional penalty as its lower limit.

        None (missing for a rule) when the sanction does not provide the kind, or when one of its options states
        no lower limit or is lifelong: then the General Part's minimum (ст.50 ч.2) is the only floor, and a rule
        comparing against a stated minimum would flag a lawful sentence.
        """
        opts = self.additional_of(kind)
        if not opts or any(a.min is None or a.lifelong for a in opts):
            return None
        return min((a.min for a in opts if a.min is not None), key=lambda q: q.value)

    def additional_fixed(self, kind: PenaltyKind | str) -> bool | None:
        """True when every option of that kind is a fixed term («сроком на десять лет»); None if not provided."""
        opts = self.additional_of(kind)
        return all(a.fixed for a in opts) if opts else None

    def additional_lifelong(self, kind: PenaltyKind | str) -> bool | None:
        """True when every option of that kind is lifelong («пожизненно»); None if not provided."""
        opts = self.additional_of(kind)
        return all(a.lifelong for a in opts) if opts else None

    def additional_with(self, kind: PenaltyKind | str) -> PenaltyKind | None:
        """The principal kind the additional penalty goes with; None when it goes with any (or options differ)."""
        withs = {a.with_kind for a in self.additional_of(kind)}
        return withs.pop() if len(withs) == 1 else None

    def milder_than(self, other: "Sanction") -> bool:
        """Does this edition improve the position of the person against `other` (ст.6 ч.1), on every point?

        Milder: no kind more severe than `other`'s most severe one, no higher maximum or minimum for a kind
        both provide, no new mandatory additional penalty, no milder alternative taken away — and at least one
        of: a lower maximum or minimum, a less severe most-severe kind, a milder alternative added, a mandatory
        additional penalty dropped.  Anything mixed (a lower maximum and a higher minimum, amounts in other
        units) is not settled by the text alone: not milder here, so no rule relies on it.
        """
        if _RANK[self.most_severe()] < _RANK[other.most_severe()]:
            return False
        softer = _RANK[self.most_severe()] > _RANK[other.most_severe()]
        for k, mine in self._by_kind.items():
            theirs = other.option(k)
            if theirs is None:
                softer = True  # a milder alternative added (more severe ones were excluded above)
                continue
            for a, b in ((mine.max, theirs.max), (mine.min, theirs.min)):
                if a is None and b is None:
                    continue
                if a is None:      # no minimum stated here, one there: the General Part's lower minimum
                    softer = True
                    continue
                if b is None:          # a minimum added
                    return False
                if a.unit != b.unit:
                    return False
                if a.value > b.value:
                    return False
                if a.value < b.value:
                    softer = True
        for k in other.kinds() - self.kinds():
            if _RANK[k] > _RANK[self.most_severe()]:
                return False  # a milder alternative taken away
        mine_m = {(a.kind, a.with_kind) for a in self.mandatory_additional()}
        theirs_m = {(a.kind, a.with_kind) for a in other.mandatory_additional()}
        if mine_m - theirs_m:
            return False
        return softer or bool(theirs_m - mine_m)

    def covers(self, on: date) -> bool:
        return in_force(self, on)

    def text_verified_on(self, on: date) -> bool:
        return not self.window and text_verified(self, on)
