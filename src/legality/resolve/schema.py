"""What a rule can read: the whitelist of record types, their members and methods.

Why a table: this is the only bridge between rule text and Python objects.  A member that is not
listed here does not exist for a rule — there is no `getattr` with a name taken from rule text — so
a rule cannot reach `__class__`, open files or import modules.  Each entry names the member's type
(for the checker) and a getter (for the evaluator); a getter returns None for a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from ..model import enums as E
from ..model.values import ArticleRef, Quantity, as_fraction, penalty_amount, quantity
from .types import (
    AMOUNT, BOOL, DATE, INT, NUM, STR, TERM, EnumT, ListT, RecT, SetT, T,
)

Getter = Callable[[Any, Any], Any]  # (object, runtime) -> value | None


@dataclass(frozen=True)
class Member:
    type: T
    get: Getter
    doc: str = ""
    attr: str | None = None  # a plain attribute of the model: chains of these are fused by the evaluator
    one: Callable[[Any], Any] | None = None  # `get` when it reads the object alone: the batch maps it directly


@dataclass(frozen=True)
class MethodSpec:
    params: tuple[T, ...]
    result: T
    call: Callable[..., Any]  # (object, runtime, *args) -> value | None
    doc: str = ""


VERDICT, COURT, DEFENDANT, PRIOR = RecT("Verdict"), RecT("Court"), RecT("Defendant"), RecT("PriorConviction")
OFFENCE, SENTENCE, FINAL, PENALTY = RecT("Offence"), RecT("Sentence"), RecT("FinalSentence"), RecT("Penalty")
PROBATION, UNSERVED, REF = RecT("Probation"), RecT("PriorUnserved"), RecT("ArticleRef")
SANCTION, ADDITIONAL = RecT("Sanction"), RecT("AdditionalOption")
EVASION = RecT("Evasion")


def _e(enum: type) -> EnumT:
    return EnumT(enum.__name__, enum)


def _code(article: str, part: int | str | None, paragraph: int | None) -> str:
    """The catalogue code, remembered by the exact fields (of the types a record holds: equal values of one
    type print alike, so an equal key gives the same text); every offence of a batch reads it."""
    if type(article) is str and type(part) in _PART_TYPES and type(paragraph) in _PARAGRAPH_TYPES:
        key = (article, part, paragraph)
        got = _CODES.get(key)
        if got is None:
            if len(_CODES) > 100_000:
                _CODES.clear()
            got = _CODES[key] = ".".join([article] + [str(x) for x in (part, paragraph) if x is not None])
        return got
    return ".".join([article] + [str(x) for x in (part, paragraph) if x is not None])


_CODES: dict[tuple[Any, ...], str] = {}
_PART_TYPES = frozenset({int, str, type(None)})
_PARAGRAPH_TYPES = frozenset({int, type(None)})


def _pure(t: T, one: Callable[[Any], Any], doc: str = "") -> Member:
    """A member computed from the object alone (no catalogue): `one(o)` is its getter."""
    return Member(t, lambda o, rt: one(o), doc, one=one)


_NO_CODES: frozenset[str] = frozenset()


def _codes(xs: Any) -> frozenset[Any]:
    """The set of a list of codes; most offences list none, and the empty set is one immutable value."""
    if not xs and (type(xs) is list or type(xs) is tuple):
        return _NO_CODES
    return frozenset(xs)


def _mrp(o: Any) -> Quantity | None:
    return None if o.mrp is None else quantity(o.mrp, "mrp")


def _multiple(o: Any) -> Quantity | None:
    return None if o.multiple is None else quantity(o.multiple, "multiple")


def _hours(o: Any) -> Quantity | None:
    return None if o.hours is None else quantity(o.hours, "hours", plain=True)


def _days(o: Any) -> Quantity | None:
    return None if o.days is None else quantity(o.days, "days", plain=True)


def _int_part(part: Any) -> int | None:
    """A sub-part («3-1») is not part 3 nor any other number: a rule comparing part numbers gets missing for it."""
    return part if isinstance(part, int) else None


def _sanction_on(o: Any, rt: Any, on: Any) -> Any:
    lk = rt.catalogue.sanction(o.ref, on)
    return lk.sanction if lk.status == "found" else None


def _milder(o: Any, rt: Any, until: Any) -> Any:
    return rt.catalogue.milder_editions(o.ref, o.committed_on, until)


def _attr(name: str) -> Getter:
    return lambda o, rt: getattr(o, name)


def _fields(spec: dict[str, tuple[T, str]]) -> dict[str, Member]:
    return {k: Member(t, _attr(k), doc, attr=k) for k, (t, doc) in spec.items()}


KIND = _e(E.PenaltyKind)

MEMBERS: dict[str, dict[str, Member]] = {
    "Verdict": {
        **_fields({
            "case_id": (STR, "id of the verdict record"),
            "court": (COURT, "the court"),
            "judge_id": (STR, "pseudonymous judge id"),
            "verdict_date": (DATE, "date the verdict was pronounced"),
            "procedure": (_e(E.Procedure), "procedure (general, plea_agreement, ...)"),
            "defendant": (DEFENDANT, "the defendant"),
            "offences": (ListT("list", OFFENCE), "offences of the verdict"),
            "final_sentence": (FINAL, "the final sentence"),
        }),
        "forced_payment": _pure(AMOUNT, lambda o: None if o.forced_payment is None
                                else quantity(o.forced_payment.mrp, "mrp"),
                                "принудительный платёж (ст.98-1), взысканный приговором, в МРП"),
    },
    "Court": _fields({"code": (STR, ""), "name": (STR, ""), "region": (STR, "")}),
    "Defendant": _fields({
        "person_id": (STR, "pseudonymous id"),
        "sex": (_e(E.Sex), "M / F"),
        "birth_date": (DATE, ""),
        "citizenship": (_e(E.Citizenship), "KZ / foreign / stateless"),
        "pregnant": (BOOL, "pregnant at the verdict"),
        "child_under_3": (BOOL, "has a child under three"),
        "disability_group": (INT, "1, 2, 3 or missing"),
        "military": (BOOL, "serviceman at the verdict"),
        "prior_convictions": (ListT("list", PRIOR), "prior convictions"),
    }),
    "PriorConviction": {
        **_fields({
            "verdict_date": (DATE, ""),
            "category": (_e(E.Category), "category of the gravest offence"),
            "intent": (_e(E.Intent), ""),
            "age_at_offence": (INT, "age when that offence was committed"),
            "sentence_kind": (KIND, "principal penalty imposed then"),
            "real_imprisonment": (BOOL, "imprisonment actually served"),
            "suspended": (BOOL, "conditional sentence"),
            "expunged": (BOOL, "expunged or lifted by the new offence"),
            "release_date": (DATE, ""),
            "in_force_date": (DATE, "дата вступления прежнего приговора в законную силу (ст.79 ч.1)"),
            "probation": (TERM, "испытательный срок по прежнему приговору при условном осуждении (ст.63, 64)"),
            "clemency": (_e(E.Clemency), "амнистия (amnesty) или помилование (pardon) по прежнему приговору (ст.78)"),
        }),
        "articles": Member(ListT("list", REF), lambda o, rt: [a.ref for a in o.articles], "articles of that verdict"),
    },
    "Offence": {
        **_fields({
            "id": (STR, "offence id within the record"),
            "article": (STR, "article of the Special Part"),
            "paragraph": (INT, "item (пункт)"),
            "committed_on": (DATE, ""),
            "stage": (_e(E.Stage), "completed / attempt / preparation"),
            "role": (_e(E.Role), "perpetrator / organiser / instigator / accessory"),
            "damage_compensated": (BOOL, "damage voluntarily compensated in full"),
            "criminal_group": (BOOL, "совершено преступной группой (ст.3 п.24, ст.31 ч.3)"),
            "victim_age_group": (_e(E.VictimAgeGroup), "возраст младшего потерпевшего: under_14 / under_16 / under_18 / adult"),
            "evasion": (EVASION, "уклонение от следствия или суда (ст.71 ч.4)"),
            "sentence": (SENTENCE, "sentence for this offence"),
        }),
        "part": _pure(INT, lambda o: _int_part(o.part), "part number; missing for a sub-part «3-1» (read `code` or `ref`)"),
        "mitigating": _pure(SetT("set", STR), lambda o: _codes(o.mitigating), "codes 53.1.N / 53.2"),
        "aggravating": _pure(SetT("set", STR), lambda o: _codes(o.aggravating), "codes 54.1.N"),
        "damage_kzt": _pure(NUM, lambda o: as_fraction(o.damage_kzt), "damage in tenge"),
        "ref": _pure(REF, lambda o: o.ref, "article reference п.N ч.N ст.N"),
        "code": _pure(STR, lambda o: _code(o.article, o.part, o.paragraph),
                      "the provision as a catalogue code: \"189.3.2\" (article.part.item), \"99.2\", \"188\""),
        "sanction": Member(SANCTION, lambda o, rt: rt.sanction(o), "sanction of the article/part on the offence date (law catalogue)"),
    },
    "Sentence": {
        **_fields({
            "principal": (PENALTY, "principal penalty"),
            "additional": (ListT("list", PENALTY), "additional penalties"),
            "exempted": (_e(E.Exemption), "released from punishment (limitation, amnesty, ...)"),
            "amnesty_act": (STR, "применённый акт амнистии (ст.78)"),
        }),
    },
    "Penalty": {
        **_fields({
            "kind": (KIND, "penalty kind"),
            "term": (TERM, "term (imprisonment, restriction of liberty, ban on office)"),
            "lifelong": (BOOL, "lifelong (ban on office)"),
        }),
        "mrp": _pure(AMOUNT, _mrp, "amount in МРП"),
        "multiple": _pure(AMOUNT, _multiple, "multiple of the bribe/damage"),
        "hours": _pure(AMOUNT, _hours, "hours of community service"),
        "days": _pure(AMOUNT, _days, "days of arrest"),
        "amount": _pure(AMOUNT, penalty_amount, "the amount in the penalty's own unit"),
    },
    "Probation": _fields({"period": (TERM, "probation period")}),
    "Evasion": {
        "from": Member(DATE, _attr("from_"), "начало уклонения", attr="from_"),
        "to": Member(DATE, _attr("to"), "задержание или явка с повинной; нет — не указано", attr="to"),
    },
    "PriorUnserved": _fields({"verdict_date": (DATE, ""), "principal": (PENALTY, "unserved part of the earlier sentence")}),
    "ArticleRef": {
        **_fields({"article": (STR, ""), "paragraph": (INT, "")}),
        "part": _pure(INT, lambda o: _int_part(o.part), "part number; missing for a sub-part «3-1»"),
        "code": _pure(STR, lambda o: _code(o.article, o.part, o.paragraph), "catalogue code \"189.3.2\""),
    },
    "Sanction": {
        **_fields({
            "category": (_e(E.Category), "crime category by the sanction's maximum (Art. 11)"),
            "intent": (_e(E.Intent), "form of guilt"),
            "corruption": (BOOL, "corruption crime (Art. 3 p.29)"),
            "against_life_or_health": (BOOL, "crime against human life or health"),
            "economic": (BOOL, "crime in the sphere of economic activity"),
            "chapter": (INT, "chapter of the Special Part"),
            "verified": (BOOL, "the sanction was read in a statutory text"),
            "title": (STR, "article title"),
            "window": (BOOL, "an amendment's entry-into-force window: only what both editions agree on"),
            "valid_from": (DATE, "first day this edition is in force"),
            "valid_to": (DATE, "last day this edition is in force (missing: still in force)"),
        }),
        "kinds": _pure(SetT("set", KIND), lambda o: o.kinds(), "principal penalty kinds the sanction provides"),
        "most_severe": _pure(KIND, lambda o: o.most_severe(), "the most severe principal kind of the sanction"),
        "ref": _pure(REF, lambda o: o.ref, "the article reference of the sanction"),
        "mandatory_additional": _pure(ListT("list", ADDITIONAL), lambda o: list(o.mandatory_additional()),
                                      "additional penalties the sanction makes mandatory"),
        "additional": _pure(ListT("list", ADDITIONAL), lambda o: list(o.additional),
                            "every additional penalty the sanction provides"),
    },
    "AdditionalOption": {
        **_fields({"kind": (KIND, ""), "mandatory": (BOOL, ""), "lifelong": (BOOL, ""),
                   "fixed": (BOOL, "a fixed term («сроком на десять лет»)")}),
        "with_kind": _pure(KIND, lambda o: o.with_kind, "the principal kind it is tied to, if any"),
        "max": _pure(TERM, lambda o: o.max, "the term the sanction states (missing if none)"),
        "min": _pure(TERM, lambda o: o.min, "the lower limit of the term the sanction states (missing if none)"),
        "lifelong_allowed": _pure(BOOL, lambda o: o.lifelong_allowed,
                                  "the term may reach a lifelong ban («от пяти лет до … пожизненно»)"),
    },
}
MEMBERS["FinalSentence"] = {
    **MEMBERS["Sentence"],
    **_fields({
        "combination": (_e(E.Combination), "single / absorption / partial_addition / full_addition"),
        "prior_unserved": (UNSERVED, "unserved part of an earlier verdict (Art. 60)"),
        "regime": (_e(E.Regime), "penitentiary institution"),
        "probation": (PROBATION, "conditional sentence"),
    }),
}

METHODS: dict[str, dict[str, MethodSpec]] = {
    "Offence": {
        "sanction_on": MethodSpec((DATE,), SANCTION, lambda o, rt, d: _sanction_on(o, rt, d),
                                  "sanction of the offence's article/part in the edition in force on that date"),
        "milder_sanctions": MethodSpec((DATE,), ListT("list", SANCTION), lambda o, rt, d: _milder(o, rt, d),
                                       "editions in force after the offence date up to that date that are milder "
                                       "than the one on the offence date (ст.6 ч.1)"),
    },
    "Sanction": {
        "max": MethodSpec((KIND,), AMOUNT, lambda o, rt, k: o.max_of(k), "maximum of that kind in the sanction"),
        "min": MethodSpec((KIND,), AMOUNT, lambda o, rt, k: o.min_of(k), "minimum of that kind in the sanction (missing if none)"),
        "additional_max": MethodSpec((KIND,), TERM, lambda o, rt, k: o.additional_max(k),
                                     "longest term the sanction states for that additional penalty (missing if not "
                                     "provided, lifelong, or no term stated)"),
        "additional_min": MethodSpec((KIND,), TERM, lambda o, rt, k: o.additional_min(k),
                                     "lower limit of the term the sanction states for that additional penalty "
                                     "(missing if not provided, lifelong, or no lower limit stated)"),
        "additional_fixed": MethodSpec((KIND,), BOOL, lambda o, rt, k: o.additional_fixed(k),
                                       "the additional penalty is a fixed term (missing if not provided)"),
        "additional_lifelong": MethodSpec((KIND,), BOOL, lambda o, rt, k: o.additional_lifelong(k),
                                          "the additional penalty is lifelong (missing if not provided)"),
        "additional_with": MethodSpec((KIND,), KIND, lambda o, rt, k: o.additional_with(k),
                                      "the principal kind the additional penalty goes with (missing if any)"),
    },
}

# names every rule can use, whatever its scope
ROOTS: dict[str, tuple[T, Callable[[Any], Any]]] = {
    "verdict": (VERDICT, lambda env: env.verdict),
    "defendant": (DEFENDANT, lambda env: env.verdict.defendant),
    "offences": (ListT("list", OFFENCE), lambda env: env.verdict.offences),
    "final": (FINAL, lambda env: env.verdict.final_sentence),
    "final_sentence": (FINAL, lambda env: env.verdict.final_sentence),
    "procedure": (_e(E.Procedure), lambda env: env.verdict.procedure),
}
# names bound by scope
SCOPE_ROOTS: dict[str, dict[str, tuple[T, Callable[[Any], Any]]]] = {
    "offence": {
        "offence": (OFFENCE, lambda env: env.offence),
        "sentence": (SENTENCE, lambda env: env.offence.sentence),
    },
    "final_sentence": {"sentence": (FINAL, lambda env: env.verdict.final_sentence)},
    "record": {},
}

ENUM_TYPES: dict[str, EnumT] = {name: _e(cls) for name, cls in E.ENUMS.items()}


def member_names(rec: str) -> list[str]:
    return sorted(set(MEMBERS.get(rec, {})) | set(METHODS.get(rec, {})))


__all__ = ["MEMBERS", "METHODS", "ROOTS", "SCOPE_ROOTS", "ENUM_TYPES", "Member", "MethodSpec", "ArticleRef"]
