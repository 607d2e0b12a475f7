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
from ..model.values import ArticleRef, Quantity, as_fraction, penalty_amount
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
    return ".".join([article] + [str(x) for x in (part, paragraph) if x is not None])


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
        "forced_payment": Member(AMOUNT, lambda o, rt: None if o.forced_payment is None
                                 else Quantity(as_fraction(o.forced_payment.mrp), "mrp"),
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
        "part": Member(INT, lambda o, rt: _int_part(o.part), "part number; missing for a sub-part «3-1» (read `code` or `ref`)"),
        "mitigating": Member(SetT("set", STR), lambda o, rt: frozenset(o.mitigating), "codes 53.1.N / 53.2"),
        "aggravating": Member(SetT("set", STR), lambda o, rt: frozenset(o.aggravating), "codes 54.1.N"),
        "damage_kzt": Member(NUM, lambda o, rt: as_fraction(o.damage_kzt), "damage in tenge"),
        "ref": Member(REF, lambda o, rt: o.ref, "article reference п.N ч.N ст.N"),
        "code": Member(STR, lambda o, rt: _code(o.article, o.part, o.paragraph),
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
        "mrp": Member(AMOUNT, lambda o, rt: None if o.mrp is None else Quantity(as_fraction(o.mrp), "mrp"), "amount in МРП"),
        "multiple": Member(AMOUNT, lambda o, rt: None if o.multiple is None else Quantity(as_fraction(o.multiple), "multiple"), "multiple of the bribe/damage"),
        "hours": Member(AMOUNT, lambda o, rt: None if o.hours is None else Quantity(o.hours, "hours"), "hours of community service"),
        "days": Member(AMOUNT, lambda o, rt: None if o.days is None else Quantity(o.days, "days"), "days of arrest"),
        "amount": Member(AMOUNT, lambda o, rt: penalty_amount(o), "the amount in the penalty's own unit"),
    },
    "Probation": _fields({"period": (TERM, "probation period")}),
    "Evasion": {
        "from": Member(DATE, _attr("from_"), "начало уклонения", attr="from_"),
        "to": Member(DATE, _attr("to"), "задержание или явка с повинной; нет — не указано", attr="to"),
    },
    "PriorUnserved": _fields({"verdict_date": (DATE, ""), "principal": (PENALTY, "unserved part of the earlier sentence")}),
    "ArticleRef": {
        **_fields({"article": (STR, ""), "paragraph": (INT, "")}),
        "part": Member(INT, lambda o, rt: _int_part(o.part), "part number; missing for a sub-part «3-1»"),
        "code": Member(STR, lambda o, rt: _code(o.article, o.part, o.paragraph), "catalogue code \"189.3.2\""),
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
        "kinds": Member(SetT("set", KIND), lambda o, rt: o.kinds(), "principal penalty kinds the sanction provides"),
        "most_severe": Member(KIND, lambda o, rt: o.most_severe(), "the most severe principal kind of the sanction"),
        "ref": Member(REF, lambda o, rt: o.ref, "the article reference of the sanction"),
        "mandatory_additional": Member(ListT("list", ADDITIONAL), lambda o, rt: list(o.mandatory_additional()),
                                       "additional penalties the sanction makes mandatory"),
        "additional": Member(ListT("list", ADDITIONAL), lambda o, rt: list(o.additional),
                             "every additional penalty the sanction provides"),
    },
    "AdditionalOption": {
        **_fields({"kind": (KIND, ""), "mandatory": (BOOL, ""), "lifelong": (BOOL, ""),
                   "fixed": (BOOL, "a fixed term («сроком на десять лет»)")}),
        "with_kind": Member(KIND, lambda o, rt: o.with_kind, "the principal kind it is tied to, if any"),
        "max": Member(TERM, lambda o, rt: o.max, "the term the sanction states (missing if none)"),
        "min": Member(TERM, lambda o, rt: o.min, "the lower limit of the term the sanction states (missing if none)"),
        "lifelong_allowed": Member(BOOL, lambda o, rt: o.lifelong_allowed,
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
