"""Every coded value of the verdict export format (shared/formats/verdict-export-v1.md).

The Russian and Kazakh labels are what prosecutors read in messages and protests (`legality.words`
picks one by the language); the codes are what the export and the rule language use, never shown.
"""

from __future__ import annotations

from enum import Enum
from typing import Self


class CodedEnum(str, Enum):
    """A code with a Russian label (`.ru`) and a Kazakh one (`.kk`); `label(lang)` picks one."""

    _value_: str
    ru: str
    kk: str

    def __new__(cls, code: str, ru: str = "", kk: str = "") -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.ru = ru or code
        obj.kk = kk or obj.ru
        return obj

    def label(self, lang: str = "ru") -> str:
        return self.kk if lang == "kk" else self.ru

    def __str__(self) -> str:
        return self._value_


class Procedure(CodedEnum):
    general = ("general", "общий порядок", "жалпы тәртіп")
    plea_agreement = ("plea_agreement", "процессуальное соглашение о признании вины", "кінәні мойындау туралы процестік келісім")
    cooperation_agreement = ("cooperation_agreement", "соглашение о сотрудничестве", "ынтымақтастық туралы процестік келісім")
    abbreviated = ("abbreviated", "сокращённый порядок", "қысқартылған тәртіп")
    jury = ("jury", "с участием присяжных заседателей", "алқабилердің қатысуымен")
    order = ("order", "приказное производство", "бұйрықтық іс жүргізу")


class Sex(CodedEnum):
    M = ("M", "мужской", "ер")
    F = ("F", "женский", "әйел")


class Citizenship(CodedEnum):
    KZ = ("KZ", "гражданин РК", "ҚР азаматы")
    foreign = ("foreign", "иностранец", "шетел азаматы")
    stateless = ("stateless", "лицо без гражданства", "азаматтығы жоқ адам")


class Category(CodedEnum):
    petty_offense = ("petty_offense", "уголовный проступок", "қылмыстық теріс қылық")
    minor = ("minor", "небольшой тяжести", "онша ауыр емес")
    medium = ("medium", "средней тяжести", "ауырлығы орташа")
    grave = ("grave", "тяжкое", "ауыр")
    especially_grave = ("especially_grave", "особо тяжкое", "аса ауыр")

    @property
    def rank(self) -> int:
        return list(Category).index(self)


class Intent(CodedEnum):
    intentional = ("intentional", "умышленное", "қасақана")
    negligent = ("negligent", "неосторожное", "абайсызда")


class PenaltyKind(CodedEnum):
    fine = ("fine", "штраф", "айыппұл")
    correctional_labour = ("correctional_labour", "исправительные работы", "түзеу жұмыстары")
    community_service = ("community_service", "привлечение к общественным работам", "қоғамдық жұмыстарға тарту")
    arrest = ("arrest", "арест", "қамаққа алу")
    restriction_of_liberty = ("restriction_of_liberty", "ограничение свободы", "бас бостандығын шектеу")
    imprisonment = ("imprisonment", "лишение свободы", "бас бостандығынан айыру")
    life_imprisonment = ("life_imprisonment", "пожизненное лишение свободы", "өмір бойы бас бостандығынан айыру")
    death_penalty = ("death_penalty", "смертная казнь", "өлім жазасы")  # ст.40 ч.2 п.5, ст.47 (≈2020 text); additive to v1
    expulsion = ("expulsion", "выдворение за пределы РК", "ҚР шегінен тыс жерге шығарып жіберу")
    confiscation = ("confiscation", "конфискация имущества", "мүлікті тәркілеу")
    ban_on_office = ("ban_on_office", "лишение права занимать определённую должность или заниматься определённой деятельностью", "белгілі бір лауазымды атқару немесе белгілі бір қызметпен айналысу құқығынан айыру")
    deprivation_of_rank = ("deprivation_of_rank", "лишение специального, воинского или почётного звания, классного чина, наград", "арнаулы, әскери немесе құрметті атағынан, сыныптық шенінен, мемлекеттік наградаларынан айыру")
    deprivation_of_citizenship = ("deprivation_of_citizenship", "лишение гражданства", "азаматтықтан айыру")


class Stage(CodedEnum):
    completed = ("completed", "оконченное", "аяқталған")
    attempt = ("attempt", "покушение", "қылмыс жасауға оқталу")
    preparation = ("preparation", "приготовление", "қылмысқа дайындалу")


class Role(CodedEnum):
    perpetrator = ("perpetrator", "исполнитель", "орындаушы")
    organiser = ("organiser", "организатор", "ұйымдастырушы")
    instigator = ("instigator", "подстрекатель", "айдап салушы")
    accessory = ("accessory", "пособник", "көмектесуші")


class Exemption(CodedEnum):
    limitation = ("limitation", "истечение сроков давности", "ескіру мерзімдерінің өтуі")
    amnesty = ("amnesty", "амнистия", "рақымшылық")
    illness = ("illness", "болезнь", "ауру")
    other = ("other", "иное основание", "өзге негіз")


class Combination(CodedEnum):
    single = ("single", "одно преступление", "бір қылмыс")
    absorption = ("absorption", "поглощение", "сіңіру")
    partial_addition = ("partial_addition", "частичное сложение", "ішінара қосу")
    full_addition = ("full_addition", "полное сложение", "толық қосу")


class Regime(CodedEnum):
    minimum = ("minimum", "учреждение минимальной безопасности", "қауіпсіздігі барынша төмен мекеме")
    medium = ("medium", "учреждение средней безопасности", "қауіпсіздігі орташа мекеме")
    maximum = ("maximum", "учреждение максимальной безопасности", "қауіпсіздігі барынша жоғары мекеме")
    extraordinary = ("extraordinary", "учреждение чрезвычайной безопасности", "қауіпсіздігі төтенше мекеме")
    mixed = ("mixed", "учреждение смешанной безопасности", "қауіпсіздігі аралас мекеме")


class Clemency(CodedEnum):
    """Act of clemency applied to a prior conviction (ст.78): amnesty laws exclude persons shown it before."""

    amnesty = ("amnesty", "амнистия", "рақымшылық")
    pardon = ("pardon", "помилование", "кешірім жасау")


class VictimAgeGroup(CodedEnum):
    """Age of the youngest victim at the offence, in the bands the Special Part distinguishes."""

    under_14 = ("under_14", "малолетний (до 14 лет)", "жас бала (14 жасқа дейін)")
    under_16 = ("under_16", "не достигший 16 лет (14–15 лет)", "16 жасқа толмаған (14–15 жас)")
    under_18 = ("under_18", "несовершеннолетний (16–17 лет)", "кәмелетке толмаған (16–17 жас)")
    adult = ("adult", "совершеннолетний (18 лет и старше)", "кәмелетке толған (18 жас және одан асқан)")


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
