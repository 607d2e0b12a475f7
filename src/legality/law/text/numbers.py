"""Russian numerals as the Code writes them: «двух», «пятисот», «одной тысячи двухсот», «десятикратной».

Why parsed and not looked up: the sanctions state every amount in words, in whatever case the sentence
needs (genitive after «до», instrumental after «сроком на» …).  A table typed by hand would hold only the
amounts someone thought of; reading the numeral's parts (units, teens, tens, hundreds, «тысяча») covers
every amount up to 999 999 in every case, and `int_to_words` lets a property test prove the round trip.
"""

from __future__ import annotations

import re

__all__ = ["NumeralError", "words_to_int", "int_to_words", "numeral_forms", "CASES"]


class NumeralError(ValueError):
    """A word that is not a Russian numeral (or numerals that do not add up to one number)."""


CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")

# value -> forms by case: nominative, genitive, dative, accusative, instrumental, prepositional
_UNITS: dict[int, tuple[str, ...]] = {
    1: ("один", "одного", "одному", "один", "одним", "одном"),
    2: ("два", "двух", "двум", "два", "двумя", "двух"),
    3: ("три", "трех", "трем", "три", "тремя", "трех"),
    4: ("четыре", "четырех", "четырем", "четыре", "четырьмя", "четырех"),
}


def _decl_5(stem: str, instr: str | None = None) -> tuple[str, ...]:
    """Numerals of the «пять» type: пять, пяти, пяти, пять, пятью, пяти."""
    nom = stem + "ь"
    gen = stem + "и"
    return (nom, gen, gen, nom, instr or stem + "ью", gen)


for _v, _stem in ((5, "пят"), (6, "шест"), (7, "сем"), (9, "девят"), (10, "десят"),
                  (11, "одиннадцат"), (12, "двенадцат"), (13, "тринадцат"), (14, "четырнадцат"),
                  (15, "пятнадцат"), (16, "шестнадцат"), (17, "семнадцат"), (18, "восемнадцат"),
                  (19, "девятнадцат"), (20, "двадцат"), (30, "тридцат")):
    _UNITS[_v] = _decl_5(_stem)
_UNITS[8] = ("восемь", "восьми", "восьми", "восемь", "восемью", "восьми")
_UNITS[40] = ("сорок", "сорока", "сорока", "сорок", "сорока", "сорока")
_UNITS[50] = ("пятьдесят", "пятидесяти", "пятидесяти", "пятьдесят", "пятьюдесятью", "пятидесяти")
_UNITS[60] = ("шестьдесят", "шестидесяти", "шестидесяти", "шестьдесят", "шестьюдесятью", "шестидесяти")
_UNITS[70] = ("семьдесят", "семидесяти", "семидесяти", "семьдесят", "семьюдесятью", "семидесяти")
_UNITS[80] = ("восемьдесят", "восьмидесяти", "восьмидесяти", "восемьдесят", "восемьюдесятью", "восьмидесяти")
_UNITS[90] = ("девяносто", "девяноста", "девяноста", "девяносто", "девяноста", "девяноста")
_UNITS[100] = ("сто", "ста", "ста", "сто", "ста", "ста")
_UNITS[200] = ("двести", "двухсот", "двумстам", "двести", "двумястами", "двухстах")
_UNITS[300] = ("триста", "трехсот", "тремстам", "триста", "тремястами", "трехстах")
_UNITS[400] = ("четыреста", "четырехсот", "четыремстам", "четыреста", "четырьмястами", "четырехстах")
for _v, _g, _i in ((500, "пят", "пятью"), (600, "шест", "шестью"), (700, "сем", "семью"),
                   (800, "восьм", "восемью"), (900, "девят", "девятью")):
    _nom = {500: "пятьсот", 600: "шестьсот", 700: "семьсот", 800: "восемьсот", 900: "девятьсот"}[_v]
    _UNITS[_v] = (_nom, _g + "исот", _g + "истам", _nom, _i + "стами", _g + "истах")

# feminine forms of 1 and 2 (with «тысяча»)
_FEM = {
    1: ("одна", "одной", "одной", "одну", "одной", "одной"),
    2: ("две", "двух", "двум", "две", "двумя", "двух"),
}
_THOUSAND_SG = ("тысяча", "тысячи", "тысяче", "тысячу", "тысячей", "тысяче")
_THOUSAND_PL = ("тысяч", "тысяч", "тысячам", "тысяч", "тысячами", "тысячах")
_THOUSAND_FEW = "тысячи"  # nominative/accusative after 2–4

# every form -> value; variants the text may use besides the paradigm above
_WORDS: dict[str, int] = {}
for _v, _forms in list(_UNITS.items()) + list(_FEM.items()):
    for _f in _forms:
        _WORDS.setdefault(_f, _v)
_WORDS.update({"одною": 1, "одно": 1, "одни": 1, "одних": 1, "трём": 3, "четырём": 4, "восьмью": 8,
               "тремстам": 300})
# «полтора / полутора» (1½) is not an integer and is not met in the Code's sanctions: refused, not rounded
_THOUSAND_WORDS = set(_THOUSAND_SG) | set(_THOUSAND_PL) | {"тысячею"}

# ordinals: stem -> value (adjective endings follow)
_ORDINAL_STEMS: dict[str, int] = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8,
    "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14,
    "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19,
    "двадцат": 20, "тридцат": 30, "сороков": 40, "пятидесят": 50, "шестидесят": 60, "семидесят": 70,
    "восьмидесят": 80, "девяност": 90, "сот": 100, "двухсот": 200, "трехсот": 300, "четырехсот": 400,
    "пятисот": 500, "шестисот": 600, "семисот": 700, "восьмисот": 800, "девятисот": 900, "тысячн": 1000,
}
_ADJ_ENDINGS = ("ый", "ий", "ой", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем", "ая", "яя", "ей",
                "ую", "юю", "ое", "ее", "ые", "ие", "ых", "их", "ыми", "ими", "ья", "ье", "ьего", "ьей",
                "ьему", "ьим", "ьем", "ью", "ьи", "ьих", "ьими")
# the genitive-like first part of a multiplicative adjective («двукратный», «стократный»)
_MULT_PREFIX = {"дву": 2, "двух": 2, "сто": 100, "полу": None, "полутора": None}


def _norm(text: str) -> str:
    return text.strip().lower().replace("ё", "е")


def _ordinal(word: str) -> int | None:
    for ending in sorted(_ADJ_ENDINGS, key=len, reverse=True):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            if stem in _ORDINAL_STEMS:
                return _ORDINAL_STEMS[stem]
    return None


def _split_glued(word: str) -> list[str] | None:
    """«двадцатипяти» → [«двадцати», «пяти»]: compound prefixes of multiplicatives are written as one word."""
    if word in _WORDS:
        return [word]
    for i in range(len(word) - 1, 1, -1):
        head, tail = word[:i], word[i:]
        if head in _WORDS:
            rest = _split_glued(tail)
            if rest is not None:
                return [head, *rest]
    return None


def _multiplicative(word: str) -> int | None:
    """«десятикратной» → 10, «двукратного» → 2, «стократного» → 100."""
    m = re.fullmatch(r"([а-я]+?)кратн[а-я]*", word)
    if not m:
        return None
    prefix = m.group(1)
    if prefix in _MULT_PREFIX:
        value = _MULT_PREFIX[prefix]
        if value is None:
            raise NumeralError(f"«{word}»: дробная кратность не поддерживается")
        return value
    parts = _split_glued(prefix)
    if parts is None:
        raise NumeralError(f"«{word}»: не удалось разобрать числительное перед «-кратн-»")
    return _combine(parts, word)


def _combine(words: list[str], text: str) -> int:
    """Add up cardinal parts in the order the language writes them, refusing impossible orders."""
    total = 0
    group = 0
    last = 10**9  # each part must be smaller than the previous one within a group
    seen_thousand = False
    for w in words:
        if w in _THOUSAND_WORDS:
            if seen_thousand:
                raise NumeralError(f"«{text}»: «тысяча» дважды")
            total = (group or 1) * 1000
            group = 0
            last = 1000
            seen_thousand = True
            continue
        if w not in _WORDS:
            raise NumeralError(f"«{w}» — не числительное")
        v = _WORDS[w]
        if v >= last or (v < 10 and last < 10) or (v < 20 and 10 <= last < 20):
            raise NumeralError(f"«{text}»: числительные в недопустимом порядке")
        if 10 <= v < 20 and last < 100 and group % 100:
            raise NumeralError(f"«{text}»: числительные в недопустимом порядке")
        group += v
        last = v
    return total + group


def words_to_int(text: str) -> int:
    """The value of a Russian numeral in any case: cardinal («одной тысячи двухсот»), ordinal
    («двадцать пятого»), or multiplicative adjective («двадцатикратной»).  Raises NumeralError."""
    words = [w for w in re.split(r"[\s\-]+", _norm(text)) if w]
    if not words:
        raise NumeralError("пустое числительное")
    last = words[-1]
    if len(words) == 1 and last not in _WORDS and last not in _THOUSAND_WORDS:
        mult = _multiplicative(last)
        if mult is not None:
            return mult
    if last not in _WORDS and last not in _THOUSAND_WORDS:
        ordinal = _ordinal(last)
        if ordinal is None:
            raise NumeralError(f"«{last}» — не числительное")
        if ordinal == 1000:
            head = _combine(words[:-1], text) if len(words) > 1 else 1
            return head * 1000
        head = _combine(words[:-1], text) if len(words) > 1 else 0
        if head and (head % (10 ** len(str(ordinal)))) and ordinal < 1000:
            raise NumeralError(f"«{text}»: числительные в недопустимом порядке")
        return head + ordinal
    return _combine(words, text)


def _case_index(case: str) -> int:
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; one of {CASES}")
    return CASES.index(case)


def _below_thousand(n: int, c: int, feminine: bool = False) -> list[str]:
    out: list[str] = []
    h, rest = divmod(n, 100)
    if h:
        out.append(_UNITS[h * 100][c])
    if 10 <= rest < 20:
        out.append(_UNITS[rest][c])
        return out
    t, u = divmod(rest, 10)
    if t:
        out.append(_UNITS[t * 10][c])
    if u:
        out.append((_FEM if feminine and u in _FEM else _UNITS)[u][c])
    return out


def int_to_words(n: int, case: str = "genitive") -> str:
    """A cardinal numeral 1…999 999 in the given case («одной тысячи двухсот» for 1200, genitive)."""
    if not 1 <= n <= 999_999:
        raise ValueError("only 1…999 999 can be written")
    c = _case_index(case)
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += _below_thousand(thousands, c, feminine=True)
        last2, last1 = thousands % 100, thousands % 10
        if last1 == 1 and last2 != 11:
            words.append(_THOUSAND_SG[c])
        elif case in ("nominative", "accusative"):
            words.append(_THOUSAND_FEW if 2 <= last1 <= 4 and not 12 <= last2 <= 14 else _THOUSAND_PL[c])
        else:
            words.append(_THOUSAND_PL[c])
    if rest:
        words += _below_thousand(rest, c)
    return " ".join(words)


def numeral_forms() -> frozenset[str]:
    """Every single word this module reads as (part of) a cardinal numeral — for splitting glued words."""
    return frozenset(_WORDS) | frozenset(_THOUSAND_WORDS)

