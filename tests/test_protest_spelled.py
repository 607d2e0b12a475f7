"""Numbers in words for the procedural style of a draft («5 (пять) лет 6 (шесть) месяцев»), ru and kk."""

from __future__ import annotations

import pytest

from legality.words.spelled import spell_terms, spelled, term_genitive, with_words

CASES = [  # n, ru nominative, ru genitive, ru feminine, kk
    (0, "ноль", "ноля", "ноль", "нөл"),
    (1, "один", "одного", "одна", "бір"),
    (2, "два", "двух", "две", "екі"),
    (4, "четыре", "четырёх", "четыре", "төрт"),
    (11, "одиннадцать", "одиннадцати", "одиннадцать", "он бір"),
    (21, "двадцать один", "двадцати одного", "двадцать одна", "жиырма бір"),
    (40, "сорок", "сорока", "сорок", "қырық"),
    (100, "сто", "ста", "сто", "жүз"),
    (215, "двести пятнадцать", "двухсот пятнадцати", "двести пятнадцать", "екі жүз он бес"),
    (1000, "одна тысяча", "одной тысячи", "одна тысяча", "бір мың"),
    (1500, "одна тысяча пятьсот", "одной тысячи пятисот", "одна тысяча пятьсот", "бір мың бес жүз"),
    (22000, "двадцать две тысячи", "двадцати двух тысяч", "двадцать две тысячи", "жиырма екі мың"),
    (5000000, "пять миллионов", "пяти миллионов", "пять миллионов", "бес миллион"),
]


@pytest.mark.parametrize("n,nom,gen,fem,kk", CASES)
def test_spelled(n, nom, gen, fem, kk):
    assert spelled(n, "ru") == nom
    assert spelled(n, "ru", case="gen") == gen
    assert spelled(n, "ru", gender="f") == fem
    assert spelled(n, "kk") == kk


@pytest.mark.parametrize("text,ru", [
    ("лишение свободы на срок 5 лет 6 месяцев", "лишение свободы на срок 5 (пять) лет 6 (шесть) месяцев"),
    ("1 год 1 месяц", "1 (один) год 1 (один) месяц"),
    ("общественные работы 120 часов", "общественные работы 120 (сто двадцать) часов"),
    ("штраф 1\u00a0500 МРП", "штраф 1\u00a0500 МРП"),          # an amount, not a term: unchanged
    ("приговор от 15.03.2016; 3 года", "приговор от 15.03.2016; 3 (три) года"),  # a date is not a term
])
def test_spell_terms_ru(text, ru):
    assert spell_terms(text, "ru") == ru


def test_spell_terms_kk_and_genitive():
    assert spell_terms("бас бостандығынан айыру 5 жыл 6 ай", "kk") == "бас бостандығынан айыру 5 (бес) жыл 6 (алты) ай"
    assert term_genitive(5, 3) == "5 (пяти) лет 3 (трёх) месяцев"
    assert term_genitive(1) == "1 (одного) года"
    assert term_genitive(2, 1) == "2 (двух) лет 1 (одного) месяца"
    assert with_words(1500, "ru") == "1\u00a0500 (одна тысяча пятьсот)"
    with pytest.raises(ValueError):
        spelled(-1)
