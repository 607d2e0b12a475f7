"""The renderer of `legality.words` (see the package docstring for the contract and the why).

Russian: the forms of nouns after numerals come from ru_forms.py (generated with pymorphy3 by
tools/gen_ru_forms.py); the plural rule and the number format are the model's (`model.values`), so the
model's own messages and the words people read agree.  Kazakh: a noun does not change after a
numeral («5 жыл»), and a case ending follows the last word by vowel harmony and its last sound
(«5 жылдан», «1 500 АЕК-тен», «4 айдан»): `_kk_case` does that for the few cases the phrases need.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from .. import i18n
from ..model.bitext import BiText
from ..model.enums import ENUMS, CodedEnum, PenaltyKind, Regime
from ..model.values import (ArticleRef, Citation, Quantity, Term, as_fraction, penalty_amount, penalty_ru, ru_number,
                            ru_plural_index)
from .ru_forms import KK_NOUNS, RU_FORMS

LANGS = ("ru", "kk")
DASH = "—"  # an absent value

# Russian lemma -> (one, few, many): the forms after a numeral («1 год», «2 года», «5 лет»)
NOUNS: dict[str, tuple[str, str, str]] = {lemma: f[:3] for lemma, f in RU_FORMS.items()}


def _lang(lang: str | None) -> str:
    chosen = lang or i18n.language()
    return chosen if chosen in LANGS else "ru"


# ---------------------------------------------------------------------------------------------
# numbers and nouns


def number(x: Any, lang: str | None = None) -> str:
    """«1 500», «0,5», «666,66» (a long fraction cut down to two decimals); the same in both languages."""
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            return DASH
        x = as_fraction(x)
    if isinstance(x, Decimal):
        x = Fraction(x)
    return ru_number(x)


def plural(n: Any, noun: str, lang: str | None = None, *, case: str = "nom") -> str:
    """The form of `noun` (a Russian lemma of vocabulary.txt) agreeing with the number n.

    `case` "gen" is the genitive a preposition asks for: «не более 1 года», «не более 5 лет».
    """
    if _lang(lang) == "kk":
        return KK_NOUNS.get(noun) or i18n._(noun)
    forms = RU_FORMS.get(noun)
    if forms is None:  # a noun added to the text but not yet to vocabulary.txt: the lemma, never a crash
        return noun
    if isinstance(n, float) and n == n and abs(n) != float("inf"):
        n = as_fraction(n)  # 5.0 agrees as 5 («5 лет»), 2.5 as a fraction («2,5 года»)
    i = ru_plural_index(n)
    if case == "gen":  # «не более 1 года», «не более 2,5 года», «не более 2 лет», «не более 5 лет»
        one = i == 0 or not _is_whole(n)  # «1 года», «21 года», «2,5 года»; otherwise «2 лет», «5 лет»
        return forms[3] if one else forms[4]
    return forms[i]


def _is_whole(n: Any) -> bool:
    return (isinstance(n, int) and not isinstance(n, bool)) or (isinstance(n, Fraction) and n.denominator == 1)


def count(n: Any, noun: str, lang: str | None = None, *, case: str = "nom") -> str:
    """«5 нарушений», «1 нарушение», «21 год», «2,5 года»; Kazakh «5 бұзушылық».

    case="gen" after a preposition that asks for it: «из 4 записей», «не более 1 года».
    """
    return f"{number(n, lang)} {plural(n, noun, lang, case=case)}"


# ---------------------------------------------------------------------------------------------
# Kazakh case endings

_KK_BACK = set("аоұыяёуюАОҰЫЯЁУЮ")
_KK_FRONT = set("әөүіеэиӘӨҮІЕЭИ")
_KK_VOICELESS = set("кқпстшфхцчщбвгд")
_KK_NASAL = set("мнң")
_KK_UNITS = ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_KK_TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
_LAST_NUMBER = re.compile(r"[0-9][0-9\u00a0]*(?:,[0-9]+)?$")


def _kk_spoken_number(text: str) -> str:
    """The last word of a number as it is spoken («1 500» → «жүз», «63» → «үш», «2,5» → «бес»):
    the case ending follows it."""
    digits = text.replace("\u00a0", "")
    if "," in digits:
        digits = digits.split(",")[1]
    if not digits.strip("0"):
        return "нөл"
    n = int(digits[-12:])
    if n == 0:
        return "миллиард"
    if n % 10:
        return _KK_UNITS[n % 10]
    if n % 100:
        return _KK_TENS[(n % 100) // 10]
    if n % 1000:
        return "жүз"
    if n % 10**6:
        return "мың"
    if n % 10**9:
        return "миллион"
    return "миллиард"


def _kk_case(text: str, case: str) -> str:
    """`text` with the Kazakh ablative («abl»: -дан/-ден/-тан/-тен/-нан/-нен) or dative («dat»:
    -ға/-ге/-қа/-ке) on its last word; a number or an abbreviation takes it after a hyphen («5-тен»,
    «АЕК-тен»).  Text that does not end in a Kazakh word or a number is returned as it is."""
    if case == "nom" or not text:
        return text
    text = text.rstrip()
    m = _LAST_NUMBER.search(text)
    last = text.rsplit(" ", 1)[-1]
    hyphen = ""
    if m:
        spoken, hyphen = _kk_spoken_number(m.group()), "-"
    elif last.isupper() and len(last) > 1:
        spoken, hyphen = last.lower(), "-"
    else:
        spoken = last.lower()
    vowels = [c for c in spoken if c in _KK_BACK or c in _KK_FRONT]
    if not vowels or not spoken[-1].isalpha():
        return text
    # у, ю, и are half consonants: the harmony follows the vowel before them («елу» → «елуден»)
    vowels = [c for c in vowels if c not in "уюи"] or vowels
    back = vowels[-1] in _KK_BACK
    end = spoken[-1]
    if case == "abl":
        head = "н" if end in _KK_NASAL else "т" if end in _KK_VOICELESS else "д"
        suffix = head + ("ан" if back else "ен")
    else:  # dative
        head = ("қ" if back else "к") if end in _KK_VOICELESS else ("ғ" if back else "г")
        suffix = head + ("а" if back else "е")
    return text + hyphen + suffix


# ---------------------------------------------------------------------------------------------
# terms and amounts


def _term_ru(years: int, months: int, days: int, case: str) -> str:
    parts = [count(v, noun, "ru", case=case) for v, noun in ((years, "год"), (months, "месяц"), (days, "день")) if v]
    return " ".join(parts) or count(0, "месяц", "ru", case=case)


def term(years: int = 0, months: int = 0, days: int = 0, lang: str | None = None) -> str:
    """«4 года 6 месяцев», «1 месяц 21 день» / «4 жыл 6 ай»; a zero term «0 месяцев» / «0 ай»."""
    if _lang(lang) == "kk":
        parts = [f"{number(v)} {KK_NOUNS[noun]}" for v, noun in ((years, "год"), (months, "месяц"), (days, "день")) if v]
        return " ".join(parts) or f"0 {KK_NOUNS['месяц']}"
    return _term_ru(years, months, days, "nom")


def _say_term(t: Term, lang: str, case: str) -> str:
    n = t.printed()
    if lang == "kk":
        return _kk_case(term(n.years, n.months, int(n.days), "kk"), case)
    return _term_ru(n.years, n.months, int(n.days), "gen" if case == "gen" else "nom")


_UNIT_NOUN = {"hours": "час", "days": "сутки"}


# (what the text of an amount reads, language, case) -> its text; cleared when full
_QUANTITY_TEXTS: dict[tuple[Any, ...], str] = {}
_QUANTITY_TEXTS_MAX = 4096


def _say_quantity(q: Quantity, lang: str, case: str = "nom") -> str:
    """An amount in words, remembered by what the text is made of: a scan says the same few terms and
    amounts (the law's bounds, the usual sentences) on every flagged record, and the words cost more
    than the rule that fired.

    Why the key gives the same text: a `Term`'s text is made of its years, months and days only
    (`Term.printed` reads them, and its `value` in months, which both constructors set from them and
    nothing can change: the type is immutable); any other `Quantity`'s text of its unit and its exact
    `value` (a Fraction: equal fractions print alike).  The key holds each part's type too, so an int
    and an equal Fraction are never taken for one another; a subclass is said without the memo.
    Nothing else is read: the nouns come from the static tables, never from the process's language."""
    tq = type(q)
    if tq is Term:
        t: Any = q
        key: tuple[Any, ...] = (tq, t.years, t.months, t.days, type(t.years), type(t.months), type(t.days), lang, case)
    elif tq is Quantity:
        key = (tq, q.unit, q.value, type(q.value), lang, case)
    else:
        return _say_quantity_text(q, lang, case)
    text = _QUANTITY_TEXTS.get(key)
    if text is None:
        if len(_QUANTITY_TEXTS) >= _QUANTITY_TEXTS_MAX:
            _QUANTITY_TEXTS.clear()
        text = _QUANTITY_TEXTS[key] = _say_quantity_text(q, lang, case)
    return text


def _say_quantity_text(q: Quantity, lang: str, case: str = "nom") -> str:
    if isinstance(q, Term):
        return _say_term(q, lang, case)
    n = q.value
    if lang == "kk":
        if q.unit == "mrp":
            text = f"{number(n)} АЕК"
        elif q.unit == "multiple":
            text = f"{number(n)} еселенген мөлшер"
        else:
            text = f"{number(n)} {KK_NOUNS[_UNIT_NOUN[q.unit]]}"
        return _kk_case(text, case)
    if q.unit == "mrp":
        return f"{number(n)} МРП"
    if q.unit == "multiple":
        return f"{number(n)}-{'кратного размера' if case == 'gen' else 'кратный размер'}"
    return count(n, _UNIT_NOUN[q.unit], "ru", case="gen" if case == "gen" else "nom")


# ---------------------------------------------------------------------------------------------
# dates, articles, citations

def date(d: dt.date | dt.datetime | str, lang: str | None = None) -> str:
    """«21.06.2022» (a datetime: its date; the time zone is `legality.clock`'s business)."""
    if isinstance(d, str):
        try:
            day = dt.date.fromisoformat(d[:10])
        except ValueError:
            return d
        return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


_ACTS_KK = {"УК РК": "ҚР ҚК", "УПК РК": "ҚР ҚПК", "УИК РК": "ҚР ҚАК", "НП ВС РК": "ҚР ЖС НҚ"}


def _ref_kk(ref: ArticleRef, act: str) -> str:
    """«ҚР ҚК 188-бабының 2-бөлігінің 3-тармағы»: the last unit in the possessive, the others in the genitive."""
    units = [(ref.article, "бабы", "бабының")]
    if ref.part is not None:
        units.append((str(ref.part), "бөлігі", "бөлігінің"))
    if ref.paragraph is not None:
        units.append((str(ref.paragraph), "тармағы", "тармағының"))
    words = [f"{n}-{last if i == len(units) - 1 else gen}" for i, (n, last, gen) in enumerate(units)]
    return f"{_ACTS_KK.get(act, act)} {' '.join(words)}"


def article(ref: ArticleRef, lang: str | None = None, act: str = "УК РК") -> str:
    """«п.3 ч.2 ст.188 УК РК» / «ҚР ҚК 188-бабының 2-бөлігінің 3-тармағы» (a sub-part «ч.3-1»)."""
    return _ref_kk(ref, act) if _lang(lang) == "kk" else f"{ref} {act}"


_CIRCUMSTANCE = re.compile(r"(5[34])\.([0-9]+)\.([0-9]+)")


def circumstance(code: str, lang: str | None = None) -> str:
    """A mitigating or aggravating circumstance of the export, «53.1.6» → «п.6 ч.1 ст.53 УК РК»."""
    m = _CIRCUMSTANCE.fullmatch(code.strip())
    if not m:
        return code
    return article(ArticleRef(m.group(1), int(m.group(2)), int(m.group(3))), lang)


def cite(c: Any, lang: str | None = None) -> str:
    """A citation (a dict of the report, a `Citation`, or its text) → «ч.1 ст.52 УК РК» / «ҚР ҚК 52-бабының 1-бөлігі»."""
    lang = _lang(lang)
    if isinstance(c, str):
        try:
            c = Citation.parse(c)
        except ValueError:
            return c
    if isinstance(c, Citation):
        return article(c.ref, lang, c.act)
    if isinstance(c, ArticleRef):
        return article(c, lang)
    if isinstance(c, Mapping):
        try:
            ref = ArticleRef(str(c.get("article", "")), c.get("part"), c.get("paragraph"))
        except ValueError:
            return DASH
        return article(ref, lang, c.get("act") or "УК РК")
    return DASH


def cites(cs: Any, lang: str | None = None) -> str:
    """Several citations, «; » between them."""
    return "; ".join(cite(c, lang) for c in cs or ())


# ---------------------------------------------------------------------------------------------
# enums, severity, status


def label(member: Enum, lang: str | None = None) -> str:
    """An enum member by its label in the language (a coded value's code is never shown)."""
    if isinstance(member, CodedEnum):
        return member.label(_lang(lang))
    return str(member.value)


_SEVERITY = {"high": ("высокая", "жоғары"), "medium": ("средняя", "орташа"), "low": ("низкая", "төмен")}
_STATUS = {
    # a record in a report
    "flagged": ("нарушения", "бұзушылықтар бар"),
    "clean": ("без нарушений", "бұзушылықсыз"),
    "invalid": ("некорректная запись", "қате жазба"),
    "partial": ("проверена не полностью", "толық тексерілмеген"),
    "error": ("ошибка правила при проверке", "тексеру кезінде ереже қатесі"),
    # a finding in the review store
    "new": ("новое", "жаңа"),
    "known": ("известное", "белгілі"),
    "confirmed": ("подтверждено", "расталды"),
    "dismissed": ("отклонено", "қабылданбады"),
    "resolved": ("исправлено", "түзетілді"),
    # a run
    "running": ("выполняется", "орындалуда"),
    "completed": ("завершён", "аяқталды"),
    "interrupted": ("прерван", "үзілді"),
}


def severity(code: str, lang: str | None = None) -> str:
    """«высокая» / «жоғары» for "high" (the word is «важность», маңыздылығы)."""
    pair = _SEVERITY.get(code)
    return pair[_lang(lang) == "kk"] if pair else code


def status(code: str, lang: str | None = None) -> str:
    """A record's status (flagged, clean, …), a finding's review status (new, confirmed, …) or a run's."""
    pair = _STATUS.get(code)
    return pair[_lang(lang) == "kk"] if pair else code


SEVERITIES = tuple(_SEVERITY)
STATUSES = tuple(_STATUS)


# ---------------------------------------------------------------------------------------------
# penalties of the verdict model and sanction options


def penalty(p: Any, lang: str | None = None) -> str:
    """«лишение свободы на срок 5 лет 6 месяцев», «штраф в размере 1 500 МРП», «штраф в 50-кратном
    размере», «арест на срок 15 суток» / «5 жыл 6 ай мерзімге бас бостандығынан айыру»."""
    lang = _lang(lang)
    if lang == "ru":
        return penalty_ru(p)  # the model's Russian (its floor cannot import words): one phrase for both
    kind = label(p.kind, lang) if isinstance(p.kind, Enum) else str(p.kind)
    if getattr(p, "lifelong", None):
        return f"{kind} (өмір бойына)"
    amount = penalty_amount(p)
    if amount is None:
        return kind
    if amount.unit == "mrp":
        return f"{number(amount.value)} АЕК мөлшерінде {kind}"
    if amount.unit == "multiple":
        return f"{number(amount.value)} еселенген мөлшерде {kind}"
    return f"{_say_quantity(amount, 'kk')} мерзімге {kind}"


def _option(o: Any, lang: str) -> str:
    """A sanction's alternative («лишение свободы от 2 до 5 лет» / «2 жылдан 5 жылға дейін бас бостандығынан айыру»)."""
    kind = label(o.kind, lang)
    lo, hi = getattr(o, "min", None), getattr(o, "max", None)
    if lang == "kk":
        span = " ".join(x for x in (_kk_case(say(lo, "kk"), "abl") if lo is not None else "",
                                    _kk_case(say(hi, "kk"), "dat") + " дейін" if hi is not None else "") if x)
        return f"{span} {kind}".strip()
    span = " ".join(x for x in (f"от {_say(lo, 'ru', 'gen')}" if lo is not None else "",
                                f"до {_say(hi, 'ru', 'gen')}" if hi is not None else "") if x)
    return f"{kind} {span}".strip()


# ---------------------------------------------------------------------------------------------
# any value


def say(v: Any, lang: str | None = None) -> str:
    """Any engine value in words (see the package docstring); never a Python repr."""
    return _say(v, _lang(lang), "nom")


def _say(v: Any, lang: str, case: str) -> str:
    if v is None:
        return DASH
    if isinstance(v, bool):
        return ("иә" if v else "жоқ") if lang == "kk" else ("да" if v else "нет")
    if isinstance(v, Quantity):
        return _say_quantity(v, lang, case)
    if isinstance(v, Enum):
        return _kk_case(label(v, lang), case) if lang == "kk" else label(v, lang)
    if isinstance(v, Fraction):  # a share «3/4»; a long fraction (a computed amount) as a decimal «2 742 857,14»
        if v.denominator == 1 or abs(v.numerator) > 100 or v.denominator > 100:
            return _with_case(number(v), lang, case)
        return _with_case(f"{v.numerator}/{v.denominator}", lang, case)
    if isinstance(v, (int, float, Decimal)):
        return _with_case(number(v), lang, case)
    if isinstance(v, (dt.date, dt.datetime)):
        return _with_case(date(v), lang, case)
    if isinstance(v, (Citation, ArticleRef)):
        return cite(v, lang)
    if isinstance(v, BiText):  # a text the rules wrote in both languages (`"…" kk "…"`)
        return v.text(lang)
    if isinstance(v, str):
        if _CIRCUMSTANCE.fullmatch(v):
            return circumstance(v, lang)
        # an export code that reached the engine as text (a law parameter «extraordinary»): its label, never
        # the code; one- and two-letter codes (M, F, KZ) could be anything and stay as they are
        member = _CODES.get(v) if len(v) > 2 and v.isascii() and v.islower() else None
        return _say(member, lang, case) if member is not None else v
    if isinstance(v, Mapping):
        return _say_mapping(v, lang)
    if isinstance(v, (set, frozenset, list, tuple)):
        items = [_say(x, lang, "nom") for x in v]
        if isinstance(v, (set, frozenset)):
            items.sort()
        return ", ".join(items) if items else DASH
    return _say_object(v, lang)


def _with_case(text: str, lang: str, case: str) -> str:
    return _kk_case(text, case) if lang == "kk" else text


def _say_object(v: Any, lang: str) -> str:
    """A record's or the law's object by what it is: a penalty, a sentence, a sanction option."""
    kind = getattr(v, "kind", None)
    if isinstance(kind, PenaltyKind) and hasattr(v, "lifelong") and hasattr(v, "term"):
        return penalty(v, lang)
    if isinstance(kind, PenaltyKind) and hasattr(v, "max"):
        return _option(v, lang)
    if hasattr(v, "principal") and hasattr(v, "additional"):
        return sentence(v, lang)
    if hasattr(v, "period") and isinstance(getattr(v, "period"), Term):
        return _say_term(v.period, lang, "nom")
    if hasattr(v, "article") and hasattr(v, "part") and hasattr(v, "paragraph"):
        try:
            return article(ArticleRef(str(v.article), v.part, v.paragraph), lang)
        except (TypeError, ValueError):
            return DASH
    if hasattr(v, "ru") and callable(v.ru) and lang == "ru":
        return str(v.ru())
    if dataclasses.is_dataclass(v) or hasattr(v, "model_dump"):
        return DASH  # an object with no reading for people: never its repr
    text = str(v)
    return DASH if re.search(r"\w+\(.*=", text) else text


def sentence(s: Any, lang: str | None = None) -> str:
    """A sentence of the verdict model: the principal penalty, additional ones, regime, probation, exemption."""
    lang = _lang(lang)
    kk = lang == "kk"
    text = penalty(s.principal, lang)
    if s.additional:
        text += ("; қосымша жаза: " if kk else "; дополнительное наказание: ") + ", ".join(penalty(a, lang) for a in s.additional)
    regime = getattr(s, "regime", None)
    if regime is not None and s.principal.kind in (PenaltyKind.imprisonment, PenaltyKind.life_imprisonment):
        text += ("; мекеме түрі: " if kk else "; вид учреждения: ") + label(regime, lang)
    probation = getattr(s, "probation", None)
    if probation is not None:
        period = _say_term(probation.period, lang, "nom")
        text += f"; шартты түрде, сынақ мерзімі {period}" if kk else f"; условно с испытательным сроком {period}"
    exempted = getattr(s, "exempted", None)
    if exempted is not None:
        text += (f"; жазадан босатылды ({label(exempted, lang)})" if kk
                 else f"; освобождён от наказания ({label(exempted, lang)})")
    return text


# ---------------------------------------------------------------------------------------------
# `allowed`: the closed vocabulary of its keys

# key -> the phrase around its value, ru and kk («{}» is the value in the case _BOUND_CASE names)
BOUND_KEYS: dict[str, dict[str, str]] = {
    "max": {"ru": "не более {}", "kk": "{} аспайды"},
    "min": {"ru": "не менее {}", "kk": "{} кем емес"},
    "min_exclusive": {"ru": "свыше {}", "kk": "{} астам"},
    # the rules' max_age is exclusive: life imprisonment and the death penalty are not imposed on men
    # «в возрасте шестидесяти трёх и свыше лет» (ст.46 ч.4), so 63 itself is past the bound
    "max_age": {"ru": "моложе {}", "kk": "{} толмаған"},
    "min_age": {"ru": "не моложе {}", "kk": "{} толған"},
    "most_severe": {"ru": "наиболее строгий вид наказания: {}", "kk": "жазаның ең қатаң түрі: {}"},
    "most_severe_milder": {"ru": "более мягкий вид наказания: {}", "kk": "жазаның неғұрлым жеңіл түрі: {}"},
    "prescribed": {"ru": "предписано: {}", "kk": "белгіленгені: {}"},
    "required": {"ru": "обязательно: {}", "kk": "міндетті түрде: {}"},
    "kinds": {"ru": "допустимые виды наказания: {}", "kk": "жазаның рұқсат етілген түрлері: {}"},
    "principal": {"ru": "основное наказание: {}", "kk": "негізгі жаза: {}"},
    "term": {"ru": "в пересчёте на срок: не более {}", "kk": "мерзімге шаққанда: {} аспайды"},
    "hours": {"ru": "в пересчёте на часы: не более {}", "kk": "сағатқа шаққанда: {} аспайды"},
    "fixed": {"ru": "твёрдый срок: {}", "kk": "тұрақты мерзім: {}"},
    "before": {"ru": "до {}", "kk": "{} дейін"},
    "lifelong": {"ru": "пожизненно: {}", "kk": "өмір бойына: {}"},
    "equals": {"ru": "ровно {}", "kk": "дәл {}"},
    "kind": {"ru": "вид наказания: {}", "kk": "жаза түрі: {}"},
    # a bound per kind of penalty: «штраф: не более 2 000 МРП»
    **{k.value: {"ru": f"{k.ru}: не более {{}}", "kk": f"{k.kk}: {{}} аспайды"} for k in PenaltyKind},
}

# the case each key's value takes: ru "gen" (after «не более», «до») or "nom"; kk "abl" (-дан), "dat" (-ға),
# "nom"; "age" is a number of years («63 лет» / «63 жасқа»)
_BOUND_CASE: dict[str, tuple[str, str]] = {
    "max": ("gen", "abl"), "min": ("gen", "abl"), "min_exclusive": ("gen", "abl"),
    "max_age": ("age", "age"), "min_age": ("age", "age"),
    "term": ("gen", "abl"), "hours": ("gen", "abl"), "before": ("gen", "dat"),
    **{k.value: ("gen", "abl") for k in PenaltyKind},
}


def bound(key: str, text: str, lang: str | None = None) -> str:
    """One entry of `allowed` with its value already in words: ("max", "5 лет") → «не более 5 лет».

    Russian takes `text` as it is (give it in the genitive where the phrase asks: `allowed_words` does);
    Kazakh puts the case ending on its last word («5 жыл» → «5 жылдан аспайды»).
    """
    lang = _lang(lang)
    phrase = BOUND_KEYS.get(key)
    if phrase is None:
        return text
    if lang == "kk":
        case = _BOUND_CASE.get(key, ("nom", "nom"))[1]
        text = f"{text} жасқа" if case == "age" else _kk_case(text, case)
    return phrase[lang].format(text)


def _bound_value(key: str, v: Any, lang: str) -> str:
    ru_case, kk_case = _BOUND_CASE.get(key, ("nom", "nom"))
    if lang == "kk":
        if kk_case == "age":
            return f"{_say(v, 'kk', 'nom')} жасқа"
        return _say(v, "kk", kk_case)
    if ru_case == "age":
        if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
            return count(v, "год", "ru", case="gen")
        return _say(v, "ru", "gen")
    return _say(v, "ru", ru_case)


def allowed_words(allowed: Any, lang: str | None = None) -> str:
    """What the law allows, in words, from the engine's typed `allowed`: a dict key → value, or one value.

    {"max": Term(5)} → «не более 5 лет»; {"min": Term(2), "max": Term(5)} → «не менее 2 лет; не более 5 лет»;
    {"max_age": 63} → «моложе 63 лет»; Regime.maximum → «учреждение максимальной безопасности».
    """
    lang = _lang(lang)
    if isinstance(allowed, Mapping):
        parts = []
        for key, v in allowed.items():
            if v is None:
                continue
            phrase = BOUND_KEYS.get(str(key))
            value = _bound_value(str(key), v, lang)
            parts.append(phrase[lang].format(value) if phrase else value)
        return "; ".join(parts) if parts else DASH
    return _say(allowed, lang, "nom")


# ---------------------------------------------------------------------------------------------
# JSON values of a report (the fallback for a line without the *_text fields)

_TERM_KEYS = {"years", "months", "days"}
_UNIT_KEYS = {"mrp", "hours", "days", "multiple"}
_CITE_KEYS = {"act", "article", "part", "paragraph"}


def _codes() -> dict[str, Enum]:
    """Export codes → the enum member they name.  A code of two enums is read as the one a report's
    actual/allowed carries: «medium» as a regime (a category reaches a report as the engine's words)."""
    out: dict[str, Enum] = {}
    for enum in ENUMS.values():
        for member in enum:
            out.setdefault(member.value, member)
    for member in Regime:
        out[member.value] = member
    return out


_CODES = _codes()


def _json_number(x: Any) -> Any:
    if isinstance(x, str) and re.fullmatch(r"-?[0-9]+(/[0-9]+)?", x):
        return Fraction(x)
    return x


def _json_value(v: Any) -> Any:
    """A JSON value of a report back to the engine's typed value where its shape says which."""
    if isinstance(v, Mapping) and v:
        keys = set(v)
        # a term is written with all three parts (Term.to_json); {"days": 15} alone is an arrest's amount
        if keys <= _TERM_KEYS and keys & {"years", "months"} and all(
                isinstance(x, int) and not isinstance(x, bool) for x in v.values()):
            return Term(v.get("years", 0), v.get("months", 0), v.get("days", 0))
        if len(keys) == 1 and keys <= _UNIT_KEYS:
            (unit, amount), = v.items()
            amount = _json_number(amount)
            if isinstance(amount, (int, float, Fraction)) and not isinstance(amount, bool):
                return Quantity(amount, unit)
        if "article" in keys and keys <= _CITE_KEYS:
            return Citation(v.get("act") or "УК РК", ArticleRef(str(v["article"]), v.get("part"), v.get("paragraph")))
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    if isinstance(v, Mapping) and any(k in BOUND_KEYS for k in v):
        return {k: _json_value(x) for k, x in v.items()}
    if isinstance(v, str):
        if v in _CODES:
            return _CODES[v]
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                return v
        if re.fullmatch(r"-?[0-9]+/[0-9]+", v):
            return Fraction(v)
    return v


def say_json(v: Any, lang: str | None = None) -> str:
    """A JSON value of a report (actual / allowed / a fact) in words, best effort: a term dict, an
    amount {"mrp": 1500}, a citation dict, an export code, an ISO date, a bound dict {"max": …}."""
    lang = _lang(lang)
    if isinstance(v, Mapping) and v and any(k in BOUND_KEYS for k in v) and not set(v) <= _TERM_KEYS | _UNIT_KEYS:
        return allowed_words(_json_value(v), lang)
    typed = _json_value(v)
    if not isinstance(typed, Mapping):
        return _say(typed, lang, "nom")
    if isinstance(v, Mapping):
        if not v:
            return DASH
        return "; ".join(f"{k}: {say_json(x, lang)}" if not isinstance(k, str) or not k.isascii() else say_json(x, lang)
                         for k, x in v.items())
    return ", ".join(say_json(x, lang) for x in v) if v else DASH


def _say_mapping(v: Mapping[str, Any], lang: str) -> str:
    """A dict reaching `say`: the report's JSON shapes, or an `allowed` dict."""
    return say_json(v, lang)
