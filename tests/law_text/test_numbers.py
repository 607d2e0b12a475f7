"""Russian numerals as the Code writes them: a table of real words and a round trip over every case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legality.law.text.numbers import CASES, NumeralError, int_to_words, words_to_int

# words met in the sanctions and the General Part of the 2020 text
REAL_WORDS = [
    ("двух", 2), ("трех", 3), ("пяти", 5), ("семи", 7), ("десяти", 10), ("двенадцати", 12),
    ("семнадцати", 17), ("двадцати", 20), ("сорока", 40), ("восьмидесяти", 80), ("ста", 100),
    ("ста двадцати", 120), ("ста шестидесяти", 160), ("ста восьмидесяти", 180), ("двухсот", 200),
    ("четырехсот", 400), ("пятисот", 500), ("шестисот", 600), ("восьмисот", 800), ("одной тысячи", 1000),
    ("одной тысячи двухсот", 1200), ("двух тысяч", 2000), ("трех тысяч", 3000), ("пяти тысяч", 5000),
    ("шести тысяч", 6000), ("двадцати тысяч", 20000), ("одного", 1), ("двадцать", 20), ("десять", 10),
    ("пять", 5), ("двадцати пяти", 25), ("шестидесяти трех", 63), ("тридцати", 30),
    # multiplicative adjectives (fines as a multiple)
    ("двукратной", 2), ("трехкратной", 3), ("пятикратной", 5), ("десятикратного", 10),
    ("двадцатикратной", 20), ("тридцатикратной", 30), ("сорокакратной", 40), ("пятидесятикратной", 50),
    ("шестидесятикратной", 60), ("семидесятикратной", 70), ("восьмидесятикратной", 80),
    ("двадцатипятикратной", 25), ("стократного", 100),
    # ordinals
    ("первой", 1), ("второй", 2), ("третьей", 3), ("четвертой", 4), ("седьмого", 7), ("десятой", 10),
    ("двадцать пятого", 25), ("сотого", 100), ("тысячного", 1000),
    # case and spelling variants
    ("Двух", 2), ("трём", 3), ("тремя", 3), ("пятью", 5), ("двумястами", 200), ("одну тысячу", 1000),
]


@pytest.mark.parametrize(("words", "value"), REAL_WORDS)
def test_real_numerals(words: str, value: int) -> None:
    assert words_to_int(words) == value


@pytest.mark.parametrize("words", [
    "", "срок", "пять два", "двадцать двенадцать", "сто сто", "тысяча тысяча", "неоднократно", "полуторакратной",
    "двадцать двадцатого",
])
def test_not_a_numeral_is_refused(words: str) -> None:
    with pytest.raises(NumeralError):
        words_to_int(words)


@settings(max_examples=600, deadline=None)
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(CASES))
def test_round_trip_in_every_case(n: int, case: str) -> None:
    assert words_to_int(int_to_words(n, case)) == n


@pytest.mark.parametrize(("n", "case", "words"), [
    (1200, "genitive", "одной тысячи двухсот"),
    (2000, "genitive", "двух тысяч"),
    (21000, "nominative", "двадцать одна тысяча"),
    (3000, "nominative", "три тысячи"),
    (5000, "nominative", "пять тысяч"),
    (1000, "accusative", "одну тысячу"),
    (300, "instrumental", "тремястами"),
    (40, "genitive", "сорока"),
    (11000, "genitive", "одиннадцати тысяч"),
])
def test_int_to_words_agrees_as_russian_does(n: int, case: str, words: str) -> None:
    assert int_to_words(n, case) == words


def test_int_to_words_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError):
        int_to_words(0)
    with pytest.raises(ValueError):
        int_to_words(5, "vocative")
