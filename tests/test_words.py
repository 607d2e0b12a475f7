"""Values in words (`legality.words`), Russian and Kazakh: what a prosecutor reads in every human output.

Why tables: each row is one thing a reader sees, in both languages, so a reviewer checks the grammar
row by row («21 год», «не более 1 года», «5 жылдан аспайды»).  The properties below guard what no table
can enumerate: no Python repr and no code of the export reaches a reader, whatever the value.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legality import i18n, words
from legality.model import values
from legality.model.enums import ENUMS, Category, PenaltyKind, Regime, Stage
from legality.model.jsonable import to_ru
from legality.model.values import ArticleRef, Citation, Quantity, Term
from legality.model.verdict import Penalty
from legality.words.render import _kk_case
from legality.words.ru_forms import KK_NOUNS, RU_FORMS

NB = "\u00a0"


def _n(text: str) -> str:
    """Tables are written with plain spaces; the renderer puts a no-break space inside numbers."""
    return text.replace(NB, " ")


# --- plurals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, ru, kk", [
    (0, "0 нарушений", "0 бұзушылық"),
    (1, "1 нарушение", "1 бұзушылық"),
    (2, "2 нарушения", "2 бұзушылық"),
    (5, "5 нарушений", "5 бұзушылық"),
    (11, "11 нарушений", "11 бұзушылық"),
    (12, "12 нарушений", "12 бұзушылық"),
    (21, "21 нарушение", "21 бұзушылық"),
    (22, "22 нарушения", "22 бұзушылық"),
    (111, "111 нарушений", "111 бұзушылық"),
    (1500, "1 500 нарушений", "1 500 бұзушылық"),
    (1001, "1 001 нарушение", "1 001 бұзушылық"),
])
def test_count_agrees_with_the_number(n, ru, kk):
    assert _n(words.count(n, "нарушение", "ru")) == ru
    assert _n(words.count(n, "нарушение", "kk")) == kk


@pytest.mark.parametrize("n, noun, expected", [
    (1, "запись", "1 запись"), (3, "запись", "3 записи"), (34, "файл", "34 файла"), (35, "файл", "35 файлов"),
    (1, "сутки", "1 сутки"), (2, "сутки", "2 суток"), (15, "сутки", "15 суток"),
    (21, "год", "21 год"), (22, "год", "22 года"), (25, "год", "25 лет"), (111, "год", "111 лет"),
    (1, "кандидат", "1 кандидат"), (4, "ходатайство", "4 ходатайства"), (7, "судимость", "7 судимостей"),
])
def test_count_russian_nouns(n, noun, expected):
    assert words.count(n, noun, "ru") == expected


@pytest.mark.parametrize("n, expected", [
    (1, "из 1 записи"), (2, "из 2 записей"), (4, "из 4 записей"), (5, "из 5 записей"), (21, "из 21 записи"),
    (11, "из 11 записей"),
])
def test_count_in_the_genitive(n, expected):
    assert "из " + words.count(n, "запись", "ru", case="gen") == expected


def test_every_vocabulary_noun_has_its_kazakh_word():
    assert set(KK_NOUNS) == set(RU_FORMS)
    assert all(KK_NOUNS.values()) and not any(re.search("[A-Za-z]", w) for w in KK_NOUNS.values())


# --- terms --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, ru, kk", [
    (Term(4, 6), "4 года 6 месяцев", "4 жыл 6 ай"),
    (Term(1, 1, 1), "1 год 1 месяц 1 день", "1 жыл 1 ай 1 күн"),
    (Term(5), "5 лет", "5 жыл"),
    (Term(21, 2, 22), "21 год 2 месяца 22 дня", "21 жыл 2 ай 22 күн"),
    (Term(0, 11, 25), "11 месяцев 25 дней", "11 ай 25 күн"),
    (Term(0), "0 месяцев", "0 ай"),
    (Term(0, 14), "1 год 2 месяца", "1 жыл 2 ай"),  # an overflowing part is normalised
    (Term(0, 0, 45), "1 месяц 15 дней", "1 ай 15 күн"),
    # 12/7 months = 1 month 21.43 days: whole days rounded down (the lawful maximum in whole days)
    (Term(1).scale(Fraction(1, 7)), "1 месяц 21 день", "1 ай 21 күн"),
    (Term(5).scale(Fraction(2, 3)), "3 года 4 месяца", "3 жыл 4 ай"),
    (Term(3).scale(Fraction(3, 4)), "2 года 3 месяца", "2 жыл 3 ай"),
    (Term(0, 0, 1).scale(Fraction(1, 2)), "0 месяцев", "0 ай"),  # half a day: no whole day
    (Term(100), "100 лет", "100 жыл"),
])
def test_terms(value, ru, kk):
    assert words.say(value, "ru") == ru
    assert words.say(value, "kk") == kk
    assert value.ru() == ru  # the model's own Russian reads the same (validation messages, `law`)


# --- amounts, numbers, booleans, dates, enums ------------------------------------------------

@pytest.mark.parametrize("value, ru, kk", [
    (Quantity(1500, "mrp"), "1 500 МРП", "1 500 АЕК"),
    (Quantity(Fraction(3001, 2), "mrp"), "1 500,5 МРП", "1 500,5 АЕК"),
    (Quantity(Fraction(2000, 3), "mrp"), "666,66 МРП", "666,66 АЕК"),  # cut, not rounded up
    (Quantity(120, "hours"), "120 часов", "120 сағат"),
    (Quantity(1, "hours"), "1 час", "1 сағат"),
    (Quantity(Fraction(5, 2), "hours"), "2,5 часа", "2,5 сағат"),
    (Quantity(15, "days"), "15 суток", "15 тәулік"),
    (Quantity(1, "days"), "1 сутки", "1 тәулік"),
    (Quantity(50, "multiple"), "50-кратный размер", "50 еселенген мөлшер"),
    (Fraction(3, 4), "3/4", "3/4"),
    (Fraction(2, 3), "2/3", "2/3"),
    (Fraction(10), "10", "10"),
    (Fraction(19_200_000, 7), "2 742 857,14", "2 742 857,14"),
    (True, "да", "иә"),
    (False, "нет", "жоқ"),
    (None, "—", "—"),
    (dt.date(2022, 6, 21), "21.06.2022", "21.06.2022"),
    (1_000_000, "1 000 000", "1 000 000"),
    (-1234, "-1 234", "-1 234"),
    (0.5, "0,5", "0,5"),
    (Category.grave, "тяжкое", "ауыр"),
    (Regime.maximum, "учреждение максимальной безопасности", "қауіпсіздігі барынша жоғары мекеме"),
    (PenaltyKind.imprisonment, "лишение свободы", "бас бостандығынан айыру"),
    ([PenaltyKind.fine, PenaltyKind.arrest], "штраф, арест", "айыппұл, қамаққа алу"),
    ([], "—", "—"),
])
def test_values(value, ru, kk):
    assert _n(words.say(value, "ru")) == ru
    assert _n(words.say(value, "kk")) == kk


def test_huge_numbers_are_exact_and_grouped():
    n = 10**5000 + 7
    text = words.say(n, "ru")  # beyond the interpreter's 4300-digit str() limit
    plain = text.replace(NB, "")
    assert plain.startswith("10") and plain.endswith("0007") and len(plain) == 5001 and set(plain) <= set("0127")
    assert text.split(NB)[:2] == ["100", "000"]  # 5 001 digits, grouped in threes from the right
    assert words.say(Quantity(10**30, "mrp"), "kk").endswith(" АЕК")


# --- articles and citations -------------------------------------------------------------------

@pytest.mark.parametrize("value, ru, kk", [
    (ArticleRef("188", 2, 3), "п.3 ч.2 ст.188 УК РК", "ҚР ҚК 188-бабының 2-бөлігінің 3-тармағы"),
    (ArticleRef("188", 2), "ч.2 ст.188 УК РК", "ҚР ҚК 188-бабының 2-бөлігі"),
    (ArticleRef("188"), "ст.188 УК РК", "ҚР ҚК 188-бабы"),
    (ArticleRef("120", "3-1"), "ч.3-1 ст.120 УК РК", "ҚР ҚК 120-бабының 3-1-бөлігі"),
    (ArticleRef("218-1", 1), "ч.1 ст.218-1 УК РК", "ҚР ҚК 218-1-бабының 1-бөлігі"),
    (Citation("УК РК", ArticleRef("52", 1)), "ч.1 ст.52 УК РК", "ҚР ҚК 52-бабының 1-бөлігі"),
    (Citation("УПК РК", ArticleRef("382")), "ст.382 УПК РК", "ҚР ҚПК 382-бабы"),
    ("53.1.6", "п.6 ч.1 ст.53 УК РК", "ҚР ҚК 53-бабының 1-бөлігінің 6-тармағы"),
    ("54.1.1", "п.1 ч.1 ст.54 УК РК", "ҚР ҚК 54-бабының 1-бөлігінің 1-тармағы"),
])
def test_articles_citations_and_circumstances(value, ru, kk):
    assert words.say(value, "ru") == ru
    assert words.say(value, "kk") == kk


@pytest.mark.parametrize("c, ru", [
    ({"act": "УК РК", "article": "56", "part": 3}, "ч.3 ст.56 УК РК"),
    ({"article": "52"}, "ст.52 УК РК"),
    ("УК РК ст.56 ч.3", "ч.3 ст.56 УК РК"),
    ("не ссылка", "не ссылка"),
])
def test_cite_reads_the_report_forms(c, ru):
    assert words.cite(c, "ru") == ru


# --- penalties of the verdict model -----------------------------------------------------------

@pytest.mark.parametrize("penalty, ru, kk", [
    ({"kind": "imprisonment", "term": {"years": 5, "months": 6}},
     "лишение свободы на срок 5 лет 6 месяцев", "5 жыл 6 ай мерзімге бас бостандығынан айыру"),
    ({"kind": "fine", "mrp": 1500}, "штраф в размере 1 500 МРП", "1 500 АЕК мөлшерінде айыппұл"),
    ({"kind": "fine", "multiple": 50}, "штраф в 50-кратном размере", "50 еселенген мөлшерде айыппұл"),
    ({"kind": "community_service", "hours": 120}, "привлечение к общественным работам на срок 120 часов",
     "120 сағат мерзімге қоғамдық жұмыстарға тарту"),
    ({"kind": "arrest", "days": 15}, "арест на срок 15 суток", "15 тәулік мерзімге қамаққа алу"),
    ({"kind": "ban_on_office", "lifelong": True},
     "лишение права занимать определённую должность или заниматься определённой деятельностью пожизненно",
     "белгілі бір лауазымды атқару немесе белгілі бір қызметпен айналысу құқығынан айыру (өмір бойына)"),
    ({"kind": "confiscation"}, "конфискация имущества", "мүлікті тәркілеу"),
])
def test_penalties(penalty, ru, kk):
    p = Penalty.model_validate(penalty)
    assert _n(words.say(p, "ru")) == ru
    assert _n(words.say(p, "kk")) == kk
    assert words.say(p, "ru") == to_ru(p)  # the model's Russian (below words) reads the same


# --- allowed ----------------------------------------------------------------------------------

@pytest.mark.parametrize("allowed, ru, kk", [
    ({"max": Term(5)}, "не более 5 лет", "5 жылдан аспайды"),
    ({"max": Term(1)}, "не более 1 года", "1 жылдан аспайды"),
    ({"max": Term(21)}, "не более 21 года", "21 жылдан аспайды"),
    ({"max": Term(2, 6)}, "не более 2 лет 6 месяцев", "2 жыл 6 айдан аспайды"),
    ({"min": Term(0, 6), "max": Term(3)}, "не менее 6 месяцев; не более 3 лет", "6 айдан кем емес; 3 жылдан аспайды"),
    ({"min_exclusive": Term(3)}, "свыше 3 лет", "3 жылдан астам"),
    ({"max_age": 63}, "моложе 63 лет", "63 жасқа толмаған"),
    ({"min_age": 16}, "не моложе 16 лет", "16 жасқа толған"),
    ({"min_age": 21}, "не моложе 21 года", "21 жасқа толған"),
    ({"max": Quantity(2000, "mrp")}, "не более 2 000 МРП", "2 000 АЕК-тен аспайды"),
    ({"max": Quantity(1, "hours")}, "не более 1 часа", "1 сағаттан аспайды"),
    ({"max": Quantity(240, "hours")}, "не более 240 часов", "240 сағаттан аспайды"),
    ({"max": Quantity(50, "days")}, "не более 50 суток", "50 тәуліктен аспайды"),
    ({"max": Quantity(80, "multiple")}, "не более 80-кратного размера", "80 еселенген мөлшерден аспайды"),
    ({"most_severe": PenaltyKind.imprisonment}, "наиболее строгий вид наказания: лишение свободы",
     "жазаның ең қатаң түрі: бас бостандығынан айыру"),
    ({"required": "конфискация имущества"}, "обязательно: конфискация имущества",
     "міндетті түрде: конфискация имущества"),
    ({"kinds": [PenaltyKind.fine]}, "допустимые виды наказания: штраф", "жазаның рұқсат етілген түрлері: айыппұл"),
    ({"before": dt.date(2021, 12, 29)}, "до 29.12.2021", "29.12.2021-ге дейін"),
    ({"fixed": Term(3)}, "твёрдый срок: 3 года", "тұрақты мерзім: 3 жыл"),
    ({"fine": Quantity(2000, "mrp")}, "штраф: не более 2 000 МРП", "айыппұл: 2 000 АЕК-тен аспайды"),
    ({"arrest": Quantity(50, "days")}, "арест: не более 50 суток", "қамаққа алу: 50 тәуліктен аспайды"),
    ({"term": Term(2), "hours": Quantity(480, "hours")},
     "в пересчёте на срок: не более 2 лет; в пересчёте на часы: не более 480 часов",
     "мерзімге шаққанда: 2 жылдан аспайды; сағатқа шаққанда: 480 сағаттан аспайды"),
    ({"lifelong": True}, "пожизненно: да", "өмір бойына: иә"),
    (Regime.maximum, "учреждение максимальной безопасности", "қауіпсіздігі барынша жоғары мекеме"),
    (Term(4), "4 года", "4 жыл"),
    ("реальное отбывание наказания", "реальное отбывание наказания", "реальное отбывание наказания"),
])
def test_allowed_words(allowed, ru, kk):
    assert _n(words.allowed_words(allowed, "ru")) == ru
    assert _n(words.allowed_words(allowed, "kk")) == kk


KEYS_IN_THE_PACK = ["max", "min", "min_exclusive", "max_age", "min_age", "most_severe", "most_severe_milder",
                    "required", "kinds", "principal", "term", "hours", "fixed", "before", "lifelong", "fine",
                    "correctional_labour", "community_service", "restriction_of_liberty", "arrest"]


def test_bound_keys_cover_the_shipped_pack_and_read_in_both_languages():
    from pathlib import Path

    pack = Path(__file__).resolve().parents[1] / "rules" / "pack"
    used = set()
    for f in pack.glob("*.legal"):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"^\s*allowed\s+(.*(?:\n\s{6,}\w+:.*)*)", text, re.M):
            used |= set(re.findall(r"(?:^|,\s*|\n\s*)([a-z_]+):", m.group(1)))
    assert used, "no keyed allowed in the pack: the pattern is stale"
    assert used <= set(words.BOUND_KEYS), used - set(words.BOUND_KEYS)
    assert set(KEYS_IN_THE_PACK) <= set(words.BOUND_KEYS)
    for key, phrase in words.BOUND_KEYS.items():
        assert set(phrase) == {"ru", "kk"}, key
        for lang in ("ru", "kk"):
            assert phrase[lang].count("{}") == 1, (key, lang)
            assert not re.search("[A-Za-z]", phrase[lang]), (key, lang)


def test_bound_with_a_rendered_text():
    assert words.bound("max", "5 лет", "ru") == "не более 5 лет"
    assert words.bound("max", "5 жыл", "kk") == "5 жылдан аспайды"
    assert words.bound("max_age", "63", "kk") == "63 жасқа толмаған"


# --- JSON values of a report (a line without the *_text fields) --------------------------------

@pytest.mark.parametrize("value, ru", [
    ({"mrp": 1500}, "1 500 МРП"),
    ({"hours": 120}, "120 часов"),
    ({"multiple": 50}, "50-кратный размер"),
    ({"years": 4, "months": 6, "days": 0}, "4 года 6 месяцев"),
    ({"max": {"years": 5}}, "не более 5 лет"),
    ({"max_age": 63}, "моложе 63 лет"),
    ({"min_exclusive": {"years": 3}}, "свыше 3 лет"),
    ({"most_severe": "imprisonment"}, "наиболее строгий вид наказания: лишение свободы"),
    ({"required": "конфискация имущества"}, "обязательно: конфискация имущества"),
    ({"principal": {"mrp": 100}}, "основное наказание: 100 МРП"),
    ({"kinds": ["fine", "arrest"]}, "допустимые виды наказания: штраф, арест"),
    ("medium", "учреждение средней безопасности"),
    ("maximum", "учреждение максимальной безопасности"),
    ("imprisonment", "лишение свободы"),
    ("2021-12-29", "29.12.2021"),
    ("3/4", "3/4"),
    ({"act": "УК РК", "article": "188", "part": 2}, "ч.2 ст.188 УК РК"),
    (["53.1.6"], "п.6 ч.1 ст.53 УК РК"),
    (True, "да"),
    (None, "—"),
])
def test_say_json(value, ru):
    assert _n(words.say_json(value, "ru")) == ru


RAW = re.compile(r"\b(mrp|hours|days|multiple|max_age|min_age|min_exclusive|most_severe\w*|required|principal|kinds|"
                 r"medium|maximum|imprisonment|years|months)\b")


@pytest.mark.parametrize("value", [
    {"mrp": 1500}, {"max": {"mrp": 10000}}, {"min_exclusive": {"years": 3}}, {"most_severe_milder": "штраф"},
    {"required": "x"}, {"principal": {"hours": 120}}, {"kinds": ["fine"]}, {"max_age": 63}, "medium",
])
def test_say_json_never_shows_a_key_or_a_code(value):
    for lang in ("ru", "kk"):
        assert not RAW.search(words.say_json(value, lang)), (value, lang)


# --- severity and status ----------------------------------------------------------------------

@pytest.mark.parametrize("code, ru, kk", [
    ("high", "высокая", "жоғары"), ("medium", "средняя", "орташа"), ("low", "низкая", "төмен"),
])
def test_severity(code, ru, kk):
    assert (words.severity(code, "ru"), words.severity(code, "kk")) == (ru, kk)


def test_every_status_has_words_in_both_languages():
    for code in words.STATUSES:
        ru, kk = words.status(code, "ru"), words.status(code, "kk")
        assert ru and kk and ru != code and kk != code and not re.search("[A-Za-z]", ru + kk)


def test_the_current_language_is_the_default():
    try:
        i18n.set_language("kk")
        assert words.say(Term(5)) == "5 жыл" and words.severity("high") == "жоғары"
        i18n.set_language("ru")
        assert words.say(Term(5)) == "5 лет"
    finally:
        i18n.set_language("ru")


# --- enums ------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", [m for e in ENUMS.values() for m in e], ids=lambda m: f"{type(m).__name__}.{m.value}")
def test_every_enum_member_has_russian_and_kazakh_labels_without_latin_letters(member):
    assert member.ru and member.kk
    assert member.ru != member.value and member.kk != member.value
    assert not re.search("[A-Za-z]", member.ru + member.kk)
    assert words.label(member, "ru") == member.ru and words.label(member, "kk") == member.kk


def test_kazakh_labels_are_not_russian():
    """A label left untranslated would fall back to Russian: every Kazakh one differs from it."""
    same = [f"{type(m).__name__}.{m.value}" for e in ENUMS.values() for m in e if m.kk == m.ru]
    assert same == []


# --- Kazakh case endings ----------------------------------------------------------------------

@pytest.mark.parametrize("text, abl, dat", [
    ("5 жыл", "5 жылдан", "5 жылға"),
    ("6 ай", "6 айдан", "6 айға"),
    ("1 күн", "1 күннен", "1 күнге"),
    ("120 сағат", "120 сағаттан", "120 сағатқа"),
    ("15 тәулік", "15 тәуліктен", "15 тәулікке"),
    ("1 500 АЕК", "1 500 АЕК-тен", "1 500 АЕК-ке"),
    ("63", "63-тен", "63-ке"),
    ("10", "10-нан", "10-ға"),
    ("20", "20-дан", "20-ға"),
    ("2", "2-ден", "2-ге"),
    ("1000", "1000-нан", "1000-ға"),
    ("100", "100-ден", "100-ге"),
    ("40", "40-тан", "40-қа"),
    ("50", "50-ден", "50-ге"),  # «елу»: the harmony follows «е», not the half-consonant «у»
    ("8", "8-ден", "8-ге"),
    (f"1{NB}000{NB}000", f"1{NB}000{NB}000-нан", f"1{NB}000{NB}000-ға"),  # «миллион»
])
def test_kazakh_case_endings_follow_the_last_sound(text, abl, dat):
    assert _kk_case(text, "abl") == abl
    assert _kk_case(text, "dat") == dat


# --- never a repr -----------------------------------------------------------------------------

REPR = re.compile(r"Term\(|Quantity\(|Sanction\(|Penalty\(|file=|\w+=\w|<\w+ object")

small = st.integers(min_value=0, max_value=120)
fractions = st.fractions(min_value=0, max_value=10**6, max_denominator=10**4)
terms = st.builds(Term, small, st.integers(0, 40), st.integers(0, 400))
quantities = st.builds(Quantity, fractions, st.sampled_from(["mrp", "hours", "days", "multiple"]))
enums = st.sampled_from([m for e in ENUMS.values() for m in e])
refs = st.builds(ArticleRef, st.from_regex(r"[1-9][0-9]{0,2}(-[1-9])?", fullmatch=True),
                 st.none() | st.integers(1, 9) | st.just("3-1"), st.none() | st.integers(1, 20))
scalars = (terms | quantities | enums | refs | st.booleans() | st.none() | st.integers(-10**30, 10**30) | fractions
           | st.dates() | st.sampled_from(["53.1.6", "54.1.10", "текст"]))
values_ = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.frozensets(scalars, max_size=3)
                       | st.dictionaries(st.sampled_from(sorted(words.BOUND_KEYS)), inner, max_size=3), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(values_, st.sampled_from(["ru", "kk"]))
def test_say_never_returns_a_python_repr(v, lang):
    for text in (words.say(v, lang), words.allowed_words(v, lang)):
        assert isinstance(text, str) and text
        assert not REPR.search(text), text
        assert "г." not in text and "мес." not in text and "-кратн." not in text
        assert not text.endswith(".")  # a value never ends a sentence for it: no «5 г..»


@settings(max_examples=200, deadline=None)
@given(terms | quantities | enums | st.booleans() | st.integers(0, 10**9) | st.dates())
def test_the_models_russian_reads_as_words_says(v):
    """`to_ru`/`Term.ru()` sit below `words` (the model cannot import it) and must read the same."""
    assert to_ru(v) == words.say(v, "ru")


def test_the_models_nouns_are_the_generated_ones():
    for lemma, forms in values._RU_NOUNS.items():
        assert RU_FORMS[lemma][:3] == forms, lemma


@settings(max_examples=200, deadline=None)
@given(terms)
def test_a_term_in_words_parses_back(t):
    assert Term.parse(words.say(t, "ru")) == t.printed()


# --- the verdict's particulars (explain, protest) ---------------------------------------------

def _particulars(lang: str) -> dict:
    from legality.model.verdict import Verdict
    from legality.report.verdict_text import verdict_particulars
    from verdict_samples import record

    try:
        i18n.set_language(lang)
        return verdict_particulars(Verdict.model_validate(record()))
    finally:
        i18n.set_language("ru")


def test_verdict_particulars_in_russian():
    v = _particulars("ru")
    assert v["verdict_date"] == "15.03.2024" and v["procedure"] == "общий порядок"
    o = v["offences"][0]
    assert o["text"] == "п.1 ч.3 ст.188 УК РК (покушение)" and o["committed_on"] == "02.11.2023"
    assert o["sentence"] == "лишение свободы на срок 4 года 6 месяцев"
    assert o["mitigating"] == ["п.9 ч.1 ст.53 УК РК"] and o["aggravating"] == ["п.1 ч.1 ст.54 УК РК"]
    assert v["final_sentence"] == ("лишение свободы на срок 4 года 6 месяцев; "
                                   "вид учреждения: учреждение средней безопасности")
    assert v["priors"] == ["приговор от 20.05.2019: ч.2 ст.188 УК РК (средней тяжести, умышленное); "
                           "лишение свободы, отбывал реально; судимость не погашена"]


def test_verdict_particulars_in_kazakh():
    v = _particulars("kk")
    o = v["offences"][0]
    assert o["text"] == "ҚР ҚК 188-бабының 3-бөлігінің 1-тармағы (қылмыс жасауға оқталу)"
    assert o["sentence"] == "4 жыл 6 ай мерзімге бас бостандығынан айыру"
    assert v["final_sentence"] == "4 жыл 6 ай мерзімге бас бостандығынан айыру; мекеме түрі: қауіпсіздігі орташа мекеме"
    assert v["procedure"] == "жалпы тәртіп"
    text = repr(v)
    assert not re.search(r"[А-ЯЁа-яё]*(?:лишение|свобод|учреждение|покушение)", text)


def test_the_report_text_names_read_as_words():
    """report/text.py keeps its old names for the formats; they are words, in the current language."""
    from legality.report import text

    assert text.value_ru({"mrp": 1500}).replace(NB, " ") == "1 500 МРП"
    assert text.term_ru({"years": 5, "months": 6}) == "5 лет 6 месяцев"
    assert text.cites_ru([{"act": "УК РК", "article": "56", "part": 3}, "УК РК ст.52"]) == "ч.3 ст.56 УК РК; ст.52 УК РК"
    assert text.SEVERITY_RU["medium"] == "средняя" and text.STATUS_RU.get("clean") == "без нарушений"
    try:
        i18n.set_language("kk")
        assert text.SEVERITY_RU["high"] == "жоғары" and text.value_ru({"years": 5}) == "5 жыл"
    finally:
        i18n.set_language("ru")


def test_every_noun_the_code_counts_is_in_the_vocabulary():
    """A noun missing from vocabulary.txt would print as its lemma («5 нарушение»): every literal lemma
    passed to `count`/`plural` anywhere in the package must have its generated forms."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "legality"
    call = re.compile(r'\b(?:count|plural)\((?:[^()]|\([^()]*\))*?,\s*"([а-яё]+)"')
    used = {m.group(1): p.name for p in src.rglob("*.py") for m in call.finditer(p.read_text(encoding="utf-8"))}
    assert used, "the pattern found no call: it is stale"
    assert {lemma: where for lemma, where in used.items() if lemma not in RU_FORMS} == {}
