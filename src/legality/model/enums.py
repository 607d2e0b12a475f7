"""Every coded value of the verdict export format (shared/formats/verdict-export-v1.md).

The Russian labels are what prosecutors read in messages and protests; the codes are what the
export and the rule language use.
"""

from __future__ import annotations

from enum import Enum
from typing import Self


class CodedEnum(str, Enum):
    """A code with a Russian label (`.ru`)."""

    _value_: str
    ru: str

    def __new__(cls, code: str, ru: str = "") -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.ru = ru or code
        return obj

    def __str__(self) -> str:
        return self._value_


class Procedure(CodedEnum):
    general = ("general", "общий порядок")
    plea_agreement = ("plea_agreement", "процессуальное соглашение о признании вины")
    cooperation_agreement = ("cooperation_agreement", "соглашение о сотрудничестве")
    abbreviated = ("abbreviated", "сокращённый порядок")
    jury = ("jury", "с участием присяжных заседателей")
    order = ("order", "приказное производство")


class Sex(CodedEnum):
    M = ("M", "мужской")
    F = ("F", "женский")


class Citizenship(CodedEnum):
    KZ = ("KZ", "гражданин РК")
    foreign = ("foreign", "иностранец")
    stateless = ("stateless", "лицо без гражданства")


class Category(CodedEnum):
    petty_offense = ("petty_offense", "уголовный проступок")
    minor = ("minor", "небольшой тяжести")
    medium = ("medium", "средней тяжести")
    grave = ("grave", "тяжкое")
    especially_grave = ("especially_grave", "особо тяжкое")

    @property
    def rank(self) -> int:
        return list(Category).index(self)


class Intent(CodedEnum):
    intentional = ("intentional", "умышленное")
    negligent = ("negligent", "неосторожное")


class PenaltyKind(CodedEnum):
    fine = ("fine", "штраф")
    correctional_labour = ("correctional_labour", "исправительные работы")
    community_service = ("community_service", "привлечение к общественным работам")
    arrest = ("arrest", "арест")
    restriction_of_liberty = ("restriction_of_liberty", "ограничение свободы")
    imprisonment = ("imprisonment", "лишение свободы")
    life_imprisonment = ("life_imprisonment", "пожизненное лишение свободы")
    death_penalty = ("death_penalty", "смертная казнь")  # ст.40 ч.2 п.5, ст.47 (≈2020 text); additive to v1
    expulsion = ("expulsion", "выдворение за пределы РК")
    confiscation = ("confiscation", "конфискация имущества")
    ban_on_office = ("ban_on_office", "лишение права занимать определённую должность или заниматься определённой деятельностью")
    deprivation_of_rank = ("deprivation_of_rank", "лишение специального, воинского или почётного звания, классного чина, наград")
    deprivation_of_citizenship = ("deprivation_of_citizenship", "лишение гражданства")


class Stage(CodedEnum):
    completed = ("completed", "оконченное")
    attempt = ("attempt", "покушение")
    preparation = ("preparation", "приготовление")


class Role(CodedEnum):
    perpetrator = ("perpetrator", "исполнитель")
    organiser = ("organiser", "организатор")
    instigator = ("instigator", "подстрекатель")
    accessory = ("accessory", "пособник")


class Exemption(CodedEnum):
    limitation = ("limitation", "истечение сроков давности")
    amnesty = ("amnesty", "амнистия")
    illness = ("illness", "болезнь")
    other = ("other", "иное основание")


class Combination(CodedEnum):
    single = ("single", "одно преступление")
    absorption = ("absorption", "поглощение")
    partial_addition = ("partial_addition", "частичное сложение")
    full_addition = ("full_addition", "полное сложение")


class Regime(CodedEnum):
    minimum = ("minimum", "учреждение минимальной безопасности")
    medium = ("medium", "учреждение средней безопасности")
    maximum = ("maximum", "учреждение максимальной безопасности")
    extraordinary = ("extraordinary", "учреждение чрезвычайной безопасности")
    mixed = ("mixed", "учреждение смешанной безопасности")


class Clemency(CodedEnum):
    """Act of clemency applied to a prior conviction (ст.78): amnesty laws exclude persons shown it before."""

    amnesty = ("amnesty", "амнистия")
    pardon = ("pardon", "помилование")


class VictimAgeGroup(CodedEnum):
    """Age of the youngest victim at the offence, in the bands the Special Part distinguishes."""

    under_14 = ("under_14", "малолетний (до 14 лет)")
    under_16 = ("under_16", "не достигший 16 лет (14–15 лет)")
    under_18 = ("under_18", "несовершеннолетний (16–17 лет)")
    adult = ("adult", "совершеннолетний (18 лет и старше)")


# penalty kind -> which amount fields it carries (exactly one group must be present)
AMOUNT_FIELDS: dict[PenaltyKind, tuple[tuple[str, ...], ...]] = {
    PenaltyKind.fine: (("mrp",), ("multiple",)),
    PenaltyKind.correctional_labour: (("mrp",),),
    PenaltyKind.community_service: (("hours",),),
    PenaltyKind.arrest: (("days",),),
    PenaltyKind.restriction_of_liberty: (("term",),),
    PenaltyKind.imprisonment: (("term",),),
    PenaltyKind.life_imprisonment: ((),),
    PenaltyKind.death_penalty: ((),),
    PenaltyKind.expulsion: ((),),
    PenaltyKind.confiscation: ((),),
    PenaltyKind.ban_on_office: (("term",), ("lifelong",)),
    PenaltyKind.deprivation_of_rank: ((),),
    PenaltyKind.deprivation_of_citizenship: ((),),
}
ALL_AMOUNT_FIELDS = ("mrp", "multiple", "hours", "days", "term", "lifelong")

ENUMS: dict[str, type[CodedEnum]] = {
    e.__name__: e
    for e in (Procedure, Sex, Citizenship, Category, Intent, PenaltyKind, Stage, Role, Exemption, Combination, Regime,
              VictimAgeGroup, Clemency)
}
