"""Numbers in words, as a procedural document writes them: «5 (пять) лет 6 (шесть) месяцев», «5 (бес) жыл».

Why our own generator and not a dependency (num2words has `ru` and `kz`): a draft protest needs whole
numbers in two languages, the Russian genitive after «до» / «не более» («до 5 (пяти) лет») and the
feminine «одна тысяча»; eighty lines of tables, each form checked in `tests/test_protest_spelled.py`, are
easier to review against the grammar than another package's conventions (whether its Kazakh writes
«жүз» or «бір жүз», for instance).

API:
  spelled(n, lang=None, *, gender="m", case="nom")   «пять», «одна тысяча пятьсот», «пяти» (gen), «бес»
  with_words(n, lang=None, *, gender="m", case="nom") «5 (пять)»
  spell_terms(text, lang=None)    every «<number> <unit of time>» of a rendered text gets its number in words:
                                  «на срок 5 лет 6 месяцев» → «на срок 5 (пять) лет 6 (шесть) месяцев»
  term_genitive(years, months, days)   «5 (пяти) лет 6 (шести) месяцев» (Russian: after «до», «не более»)
"""

from __future__ import annotations

import re

from .. import i18n
from . import number

_RU_UNITS = {
    "nom": ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
            "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
            "семнадцать", "восемнадцать", "девятнадцать"],
    "gen": ["", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти", "десяти",
            "одиннадцати", "двенадцати", "тринадцати", "четырнадцати", "пятнадцати", "шестнадцати",
            "семнадцати", "восемнадцати", "девятнадцати"],
}
_RU_FEM = {"nom": {1: "одна", 2: "две"}, "gen": {1: "одной", 2: "двух"}}
_RU_TENS = {
    "nom": ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
            "девяносто"],
    "gen": ["", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти", "восьмидесяти",
            "девяноста"],
}
_RU_HUNDREDS = {
    "nom": ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"],
    "gen": ["", "ста", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот",
            "девятисот"],
}
# (feminine?, nominative forms one/few/many, genitive forms one/many)
_RU_SCALES = [
    (1_000_000_000, False, ("миллиард", "миллиарда", "миллиардов"), ("миллиарда", "миллиардов")),
    (1_000_000, False, ("миллион", "миллиона", "миллионов"), ("миллиона", "миллионов")),
    (1_000, True, ("тысяча", "тысячи", "тысяч"), ("тысячи", "тысяч")),
]

_KK_UNITS = ["", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
_KK_TENS = ["", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]
_KK_SCALES = [(1_000_000_000, "миллиард"), (1_000_000, "миллион"), (1_000, "мың")]


def _few_many(n: int) -> int:
    """0: one («1 год», «21 год»), 1: few («2 года»), 2: many («5 лет», «11 лет»)."""
    n = abs(n) % 100
    if 11 <= n <= 14:
        return 2
    return 0 if n % 10 == 1 else 1 if 2 <= n % 10 <= 4 else 2


def _ru_below_1000(n: int, gender: str, case: str) -> list[str]:
    out = []
    if n >= 100:
        out.append(_RU_HUNDREDS[case][n // 100])
        n %= 100
    if n >= 20:
        out.append(_RU_TENS[case][n // 10])
        n %= 10
    if n:
        if gender == "f" and n in (1, 2):
            out.append(_RU_FEM[case][n])
        elif gender == "n" and n == 1:
            out.append("одно" if case == "nom" else "одного")
        else:
            out.append(_RU_UNITS[case][n])
    return out


def _ru(n: int, gender: str, case: str) -> str:
    if n == 0:
        return "ноль" if case == "nom" else "ноля"
    words: list[str] = []
    for scale, fem, nom, gen in _RU_SCALES:
        if n >= scale:
            k = n // scale
            words += _ru_below_1000(k, "f" if fem else "m", case)
            form = _few_many(k)
            words.append(nom[form] if case == "nom" else gen[0 if form == 0 else 1])
            n %= scale
    words += _ru_below_1000(n, gender, case)
    return " ".join(words)


def _kk_below_1000(n: int) -> list[str]:
    out = []
    if n >= 100:
        out += ["жүз"] if n // 100 == 1 else [_KK_UNITS[n // 100], "жүз"]  # «жүз бір», «екі жүз»
        n %= 100
    if n >= 10:
        out.append(_KK_TENS[n // 10])
        n %= 10
    if n:
        out.append(_KK_UNITS[n])
    return out


def _kk(n: int) -> str:
    if n == 0:
        return "нөл"
    words: list[str] = []
    for scale, name in _KK_SCALES:
        if n >= scale:
            words += _kk_below_1000(n // scale) + [name]
            n %= scale
    words += _kk_below_1000(n)
    return " ".join(words)


def spelled(n: int, lang: str | None = None, *, gender: str = "m", case: str = "nom") -> str:
    """A whole number ≥ 0 in words.  `gender` (m, f, n) and `case` (nom, gen) matter in Russian only."""
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"not a whole number ≥ 0: {n!r}")
    n = int(n)
    if (lang or i18n.language()) == "kk":
        return _kk(n)
    return _ru(n, gender, case)


def with_words(n: int, lang: str | None = None, *, gender: str = "m", case: str = "nom") -> str:
    """«5 (пять)», «1 500 (одна тысяча пятьсот)»: the figure, then the words in brackets."""
    return f"{number(n)} ({spelled(n, lang, gender=gender, case=case)})"


# unit words a rendered term or amount carries after its number; the value is the numeral's gender
_RU_UNIT_GENDER = {
    "год": "m", "года": "m", "лет": "m", "месяц": "m", "месяца": "m", "месяцев": "m",
    "день": "m", "дня": "m", "дней": "m", "час": "m", "часа": "m", "часов": "m",
    "сутки": "pl", "суток": "pl", "недели": "f", "неделя": "f", "недель": "f",
}
_KK_UNIT = {"жыл", "ай", "күн", "сағат", "тәулік", "апта"}
_NUM = r"(?<![\d(,.\w])(\d{1,3}(?:[\u00a0\u202f ]\d{3})*|\d+)"
_RU_TERM = re.compile(_NUM + r"[\u00a0 ](" + "|".join(sorted(_RU_UNIT_GENDER, key=len, reverse=True)) + r")\b")
_KK_TERM = re.compile(_NUM + r"[\u00a0 ](" + "|".join(sorted(_KK_UNIT, key=len, reverse=True)) + r")")


def spell_terms(text: str, lang: str | None = None) -> str:
    """Every number followed by a unit of time gets its words: «5 лет 6 месяцев» → «5 (пять) лет 6 (шесть) месяцев».

    Why on rendered text: the particulars of a verdict reach the draft as strings (a scan report line,
    `verdict_particulars`), and their terms are «<число> <единица>» in either language.  The words are
    in the nominative (accusative) case, as in «на срок …», «назначено …».  Plural-only «сутки» keeps its
    figure alone (Russian has no cardinal for it that reads well above four).
    """
    lang = lang or i18n.language()
    if lang == "kk":
        return _KK_TERM.sub(lambda m: f"{m.group(1)} ({_kk(_int(m.group(1)))}) {m.group(2)}", text)

    def one(m: re.Match[str]) -> str:
        gender = _RU_UNIT_GENDER[m.group(2)]
        if gender == "pl":
            return m.group(0)
        return f"{m.group(1)} ({_ru(_int(m.group(1)), gender, 'nom')}) {m.group(2)}"

    return _RU_TERM.sub(one, text)


def _int(figure: str) -> int:
    return int(re.sub(r"\D", "", figure))


_GEN_NOUNS = {"год": ("года", "лет"), "месяц": ("месяца", "месяцев"), "день": ("дня", "дней")}


def term_genitive(years: int = 0, months: int = 0, days: int = 0) -> str:
    """A Russian term in the genitive, with words: «5 (пяти) лет 6 (шести) месяцев», «1 (одного) года».

    For «до …» and «не более …» in a request; Kazakh needs no case change of the numeral.
    """
    parts = []
    for value, noun in ((years, "год"), (months, "месяц"), (days, "день")):
        if value:
            form = _GEN_NOUNS[noun][0 if _few_many(value) == 0 else 1]
            parts.append(f"{number(value)} ({_ru(value, 'm', 'gen')}) {form}")
    return " ".join(parts)
