"""Legal value types: terms, quantities and article references.

Why a value type and not plain numbers: a sentence of "3 years 9 months" must compare exactly with
"3/4 of 5 years" (= 45 months).  Floats round at exactly the boundaries that matter (a sentence at
the limit is lawful), so every quantity here is an exact `Fraction`.

Terms follow the export format: 1 year = 12 months, a day is 1/30 of a month for comparison.
A fraction of a term is exact internally; it is printed in whole days rounded *down* (the lawful
maximum in whole days: for an integer-day sentence, ``s <= cap`` iff ``s <= floor_days(cap)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import total_ordering
from math import floor
from typing import TYPE_CHECKING, Any

from ..i18n import _

if TYPE_CHECKING:  # imported where the pydantic model builds its schema: the fast decoder (fast.py) never needs pydantic
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic_core import core_schema

Number = int | Fraction

# ---------------------------------------------------------------------------------------------
# Quantities


# ---------------------------------------------------------------------------------------------
# Bounds: what no verdict can contain
#
# A sentence above the article's maximum is a court's error and must reach the rules as a finding,
# so these are not the Code's limits but the limits of the *possible*: the largest lawful value
# (УК РК, ed. 2020) times a wide margin.  A value past them is a broken export (a unit error, a
# typo, a fuzzed or hostile record), reported as an invalid record with its path, and it keeps every
# exact number small enough for JSON and the store (< 2**63 even as a multiple of damage).
# `verdict.py` puts them into the pydantic fields (`le=`), so `legality schema` shows them too.

# terms (imprisonment, restriction of liberty, ban on office, probation, an unserved part): the
# longest lawful one is 30 years of imprisonment by a combination of verdicts (ст.46 ч.3, ст.60 ч.3);
# life imprisonment is a kind of its own, without a term.  Bound: 100 years = 1,200 months = 36,000 days
MAX_TERM_YEARS = 100
MAX_TERM_MONTHS = MAX_TERM_YEARS * 12
MAX_TERM_DAYS = MAX_TERM_MONTHS * 30
# fine and correctional labour in МРП: at most 10,000 МРП for a crime (ст.41 ч.2, ст.42 ч.3), also
# after adding up (ст.58 ч.5, ст.60 ч.2).  Bound: 100 times that
MAX_MRP = 1_000_000
# a fine as a multiple of a bribe or damage: the largest in the Special Part is eightyfold
# («восьмидесятикратной суммы», ст.366 ч.4, ст.367 ч.6).  Bound: 1,000
MAX_MULTIPLE = 1_000
# the smallest amount of МРП or a multiple: a fine may go below the article's minimum (ст.41 ч.7,
# ст.42 ч.6), but not to nothing: 0.01 МРП is a few tenge.  Below it (0, 1e-320) the record says
# «штраф 0 МРП», which is no sentence
MIN_AMOUNT = 0.01
# community service: at most 1,200 hours (ст.43 ч.2); bound 100,000 hours
MAX_HOURS = 100_000
# arrest: at most 50 days (ст.45 ч.2, ст.58 ч.2); bound 10,000 days
MAX_ARREST_DAYS = 10_000
# damage in tenge: no single offence comes near the country's yearly GDP (~1.2·10^14 tenge);
# bound 10^15 tenge.  0 is allowed (no damage)
MAX_DAMAGE_KZT = 10**15

UNITS = ("term", "mrp", "hours", "days", "multiple")

# ---------------------------------------------------------------------------------------------
# Russian words for values
#
# `legality.words` renders every value for people (ru and kk) and takes its number format and its
# plural rule from here, so there is one of each; `Term.ru()` and `Quantity.ru()` serve the model's own
# Russian messages (record validation, `law`), which sit below `words`.  _RU_NOUNS is the part of
# words/ru_forms.py (generated with pymorphy3) these need; tests/test_words.py requires both to agree
# and `Term.ru()` to read exactly as `words.say(term, "ru")`.

_RU_NOUNS: dict[str, tuple[str, str, str]] = {  # lemma -> forms after 1, 2, 5
    "год": ("год", "года", "лет"),
    "месяц": ("месяц", "месяца", "месяцев"),
    "день": ("день", "дня", "дней"),
    "час": ("час", "часа", "часов"),
    "сутки": ("сутки", "суток", "суток"),
}
# an amount's unit -> its Russian lemma (a term is years, months and days; a multiple is «50-кратный размер»)
UNIT_NOUN = {"hours": "час", "days": "сутки"}


def ru_plural_index(x: Any) -> int:
    """Which form a Russian noun takes after the number x: 0 «1 год», 1 «2 года», 2 «5 лет».

    A fraction takes the genitive singular, the «few» form: «2,5 года», «0,5 МРП».
    """
    if isinstance(x, Fraction) and x.denominator == 1:
        x = x.numerator
    if not isinstance(x, int):
        return 1
    n = abs(x) % 100
    if 11 <= n <= 14:
        return 2
    return 0 if n % 10 == 1 else 1 if 2 <= n % 10 <= 4 else 2


def _group(int_digits: str) -> str:
    """«1500» → «1 500» (a no-break space between groups of three)."""
    head = len(int_digits) % 3 or 3
    groups = [int_digits[:head]] + [int_digits[i:i + 3] for i in range(head, len(int_digits), 3)]
    return "\u00a0".join(groups)


def ru_number(x: Any) -> str:
    """A number as Russian (and Kazakh) text prints it: «1 500», «0,5», «-3»; exact for any size.

    A fraction with a short decimal form is printed exactly («1 500,25»); any other is cut to two
    decimals, rounded *down* like a fraction of a day (a cap of 2/3 of 1 000 МРП reads «666,66»).
    """
    if isinstance(x, bool):
        raise TypeError("boolean is not a number")
    v = _frac(x)
    sign = "-" if v < 0 else ""
    v = abs(v)
    for places in range(0, 7):
        scaled = v * 10**places
        if scaled.denominator == 1:
            break
    else:
        places, scaled = 2, Fraction(floor(v * 100))
    n = int(scaled)
    whole, rest = divmod(n, 10**places)
    text = _group(_digits(whole))
    if places:
        text += "," + str(rest).rjust(places, "0").rstrip("0")
    return sign + text


def _digits(n: int) -> str:
    try:
        return str(n)
    except ValueError:  # beyond the interpreter's digit limit
        from decimal import Decimal

        return format(Decimal(n), "f")


def ru_count(x: Any, lemma: str) -> str:
    """«5 лет», «1 сутки», «2,5 часа» (the nouns of _RU_NOUNS)."""
    return f"{ru_number(x)} {_RU_NOUNS[lemma][ru_plural_index(x)]}"


def _frac(x: Any) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("boolean is not a number")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        # export amounts like 1500.5 МРП: go through str so 0.1 stays 1/10
        return Fraction(str(x))
    if isinstance(x, str):
        return Fraction(x)
    raise TypeError(f"not a number: {x!r}")


@total_ordering
class Quantity:
    """An amount with a unit: МРП, hours, days (of arrest), a multiple of a bribe, or a term.

    Quantities of different units never compare: that is a rule-author error, raised as TypeError
    so the engine reports it as a fault instead of silently answering False.
    """

    __slots__ = ("value", "unit")
    value: Fraction  # exact amount in `unit`; set once in __init__ (the type is immutable)
    unit: str

    def __init__(self, value: Any, unit: str):
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        object.__setattr__(self, "value", _frac(value))
        object.__setattr__(self, "unit", unit)

    def __setattr__(self, name: str, value: Any) -> None:  # immutability
        raise AttributeError("Quantity is immutable")

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (worker processes): rebuild through __init__, not setattr
        return (Quantity, (self.value, self.unit))

    @classmethod
    def _make(cls, value: Fraction, unit: str) -> "Quantity":
        if unit == "term":
            return Term.from_months(value)
        return Quantity(value, unit)

    def _same(self, other: Any) -> "Quantity":
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot combine {self.unit} with {type(other).__name__}")
        if other.unit != self.unit:
            raise TypeError(f"cannot compare {self.unit} with {other.unit}")
        return other

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.unit == other.unit and self.value == other.value

    def __hash__(self) -> int:
        return hash((self.unit, self.value))

    def __lt__(self, other: Any) -> bool:
        return self.value < self._same(other).value

    def __add__(self, other: Any) -> "Quantity":
        return self._make(self.value + self._same(other).value, self.unit)

    def __sub__(self, other: Any) -> "Quantity":
        v = self.value - self._same(other).value
        return self._make(max(v, Fraction(0)), self.unit)

    def scale(self, factor: Number) -> "Quantity":
        """`factor of self`, exact (3/4 of 5 years = 3 years 9 months)."""
        return self._make(self.value * _frac(factor), self.unit)

    def ratio(self, other: "Quantity") -> Fraction:
        return self.value / self._same(other).value

    def to_json(self) -> Any:
        return {self.unit: _num_json(self.value)}

    def ru(self) -> str:
        """«1 500 МРП», «120 часов», «15 суток», «50-кратный размер» (see `legality.words` for people)."""
        if self.unit == "mrp":
            return f"{ru_number(self.value)} МРП"
        if self.unit == "multiple":
            return f"{ru_number(self.value)}-кратный размер"
        return ru_count(self.value, UNIT_NOUN[self.unit])

    def __repr__(self) -> str:
        return f"Quantity({self.value}, {self.unit!r})"

    __str__ = ru


def _num_json(v: Fraction) -> int | float:
    return int(v) if v.denominator == 1 else float(v)


def _num_ru(v: Fraction) -> str:
    return ru_number(v)


class Term(Quantity):
    """A term of years, months and days; exact, compared in months (a day = 1/30 month).

    Constructed from the export's ``{"years", "months", "days"}``; the original split is kept for
    printing what the court wrote, the exact month count is used for every comparison.
    """

    __slots__ = ("years", "months", "days")
    years: int
    months: int
    days: Number  # a Fraction only when computed (3/4 of a term), never in a record

    def __init__(self, years: int = 0, months: int = 0, days: Number = 0):
        if type(days) is int:  # the common case: one Fraction, no intermediate ones
            total = Fraction((years * 12 + months) * 30 + days, 30)
        else:
            total = Fraction(years) * 12 + Fraction(months) + _frac(days) / 30
        object.__setattr__(self, "value", total)
        object.__setattr__(self, "unit", "term")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "days", days)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.years, self.months, self.days))

    @classmethod
    def from_months(cls, total: Number) -> "Term":
        total = _frac(total)
        if total < 0:
            raise ValueError("a term cannot be negative")
        whole = floor(total)
        days = (total - whole) * 30
        t = cls(whole // 12, whole % 12, 0)
        object.__setattr__(t, "value", total)
        object.__setattr__(t, "days", int(days) if days.denominator == 1 else days)
        return t

    @classmethod
    def parse(cls, text: str) -> "Term":
        """Parse «3 года 9 месяцев», «3 г. 9 мес.», «3 years 9 months», «45 мес.», «10 дней»."""
        s = text.strip().lower()
        if not s:
            raise ValueError("empty term")
        y = m = d = 0
        pat = re.compile(
            r"(\d+)\s*(years?|y|года|год|г\.?|лет|months?|месяцев|месяца|месяц|мес\.?|days?|d|дней|день|дня|дн\.?)(?![а-яё])"
        )
        pos = 0
        found = False
        for mt in pat.finditer(s):
            if s[pos:mt.start()].strip(" ,"):
                raise ValueError(f"cannot read term {text!r}")
            n, u = int(mt.group(1)), mt.group(2)
            if u.startswith(("y", "г", "л")):
                y += n
            elif u.startswith(("m", "мес")):
                m += n
            else:
                d += n
            pos = mt.end()
            found = True
        if not found or s[pos:].strip(" ,."):
            raise ValueError(f"cannot read term {text!r}")
        return cls(y, m, d)

    @property
    def total_months(self) -> Fraction:
        return self.value

    def normalized(self) -> "Term":
        return Term.from_months(self.value)

    def whole_days_floor(self) -> "Term":
        """The largest whole-day term not above self (the lawful maximum in whole days)."""
        whole = floor(self.value)
        d = floor((self.value - whole) * 30)
        return Term(whole // 12, whole % 12, d)

    def to_json(self) -> dict[str, Any]:
        n = self if isinstance(self.days, int) else self.whole_days_floor()
        n = n if (n.months < 12 and (not isinstance(n.days, int) or n.days < 30)) else n.normalized()
        out: dict[str, Any] = {}
        out["years"] = n.years
        out["months"] = n.months
        out["days"] = int(n.days)
        return out

    def printed(self) -> "Term":
        """The term as it is printed: whole days (a fraction rounded down, see the module docstring),
        and normalised when a part overflows («14 months» → 1 year 2 months)."""
        n = self.whole_days_floor() if not isinstance(self.days, int) else self
        if n.months >= 12 or n.days >= 30:
            n = n.normalized()
        return n

    def ru(self) -> str:
        """«3 года 9 месяцев 10 дней»; a fractional day is rounded down (see module docstring)."""
        n = self.printed()
        parts = [ru_count(v, lemma) for v, lemma in ((n.years, "год"), (n.months, "месяц"), (int(n.days), "день")) if v]
        return " ".join(parts) if parts else ru_count(0, "месяц")

    __str__ = ru

    def __repr__(self) -> str:
        return f"Term({self.years}, {self.months}, {self.days})"

    # pydantic integration: validated as a typed dict so error paths reach `.years` etc.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        from pydantic_core import core_schema

        def part(le: int) -> core_schema.CoreSchema:
            return core_schema.int_schema(ge=0, le=le, strict=True)

        td = core_schema.typed_dict_schema(
            {
                "years": core_schema.typed_dict_field(part(MAX_TERM_YEARS), required=False),
                "months": core_schema.typed_dict_field(part(MAX_TERM_MONTHS), required=False),
                "days": core_schema.typed_dict_field(part(MAX_TERM_DAYS), required=False),
            },
            extra_behavior="forbid",
        )

        def build(d: dict[str, int]) -> "Term":
            t = cls(d.get("years", 0), d.get("months", 0), d.get("days", 0))
            if t.value > MAX_TERM_MONTHS:  # each part within bounds, the sum not
                raise ValueError(_("срок больше, чем может содержать приговор (не более {years} лет)").format(
                    years=MAX_TERM_YEARS))
            return t

        def validate(v: Any, handler: Any) -> "Term":
            return v if isinstance(v, cls) else build(handler(v))

        return core_schema.no_info_wrap_validator_function(
            validate,
            td,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda t: t.to_json()),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, cs: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        def n(le: int) -> dict[str, Any]:
            return {"type": "integer", "minimum": 0, "maximum": le}

        return {
            "type": "object",
            "title": "Term",
            "description": f"A term: years, months, days (missing ones are 0; 1 year = 12 months; "
                           f"in all at most {MAX_TERM_YEARS} years)",
            "properties": {"years": n(MAX_TERM_YEARS), "months": n(MAX_TERM_MONTHS), "days": n(MAX_TERM_DAYS)},
            "additionalProperties": False,
        }


# ---------------------------------------------------------------------------------------------
# Article references

_REF_TOKEN = re.compile(
    r"(?P<kind>ст\.?|статья|статьи|ч\.?|часть|части|п\.?|пункт|пункта)\s*(?P<val>[0-9]+(?:-[0-9]+)?)", re.IGNORECASE
)
# a sub-part inserted by an amendment between two parts: «ч.3-1 ст.120» (after ч.3, before ч.4)
SUBPART = re.compile(r"[1-9][0-9]*-[1-9][0-9]*")

Part = int | str  # 3, or "3-1" for a sub-part


def part_value(v: Any) -> Part | None:
    """A part as the export and the catalogue write it: an int, or a string "N-M" for a sub-part.

    A string of digits alone ("3") is the int 3, so `ч.3` is one key however it was written.
    """
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"not a part: {v!r}")
    if isinstance(v, int):
        if v < 1:
            raise ValueError(f"a part is a positive number, got {v}")
        return v
    if isinstance(v, str):
        t = v.strip()
        if t.isascii() and t.isdigit() and int(t) >= 1:
            return int(t)
        if SUBPART.fullmatch(t):
            return t
    raise ValueError(f"a part is a number (3) or a sub-part written «3-1», got {v!r}")


def part_key(v: Part | None) -> tuple[int, int]:
    """Order of parts as the Code prints them: 3 < 3-1 < 3-2 < 4 (no part: first)."""
    if v is None:
        return (0, 0)
    if isinstance(v, int):
        return (v, 0)
    main, _, sub = v.partition("-")
    return (int(main), int(sub))


@total_ordering
@dataclass(frozen=True, slots=True)
class ArticleRef:
    """`п.3 ч.2 ст.188`: article (a string: "218-1"), optional part and item (пункт).

    Parsed in any order of its pieces (`ч.2 ст.188 п.3`, `ст.188 ч.2 п.3`); printed in the usual
    Russian order, item first: `п.3 ч.2 ст.188`.  A part is an int or, for a sub-part an amendment
    inserted («ч.3-1»), the string "3-1"; refs order as the Code prints them (ч.3 < ч.3-1 < ч.4).
    """

    article: str
    part: Part | None = None
    paragraph: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.part, str):
            object.__setattr__(self, "part", part_value(self.part))

    @classmethod
    def parse(cls, text: str) -> "ArticleRef":
        s = text.strip()
        for prefix in ("УК РК", "УК"):
            if s.upper().startswith(prefix):
                s = s[len(prefix):]
            if s.upper().endswith(prefix):
                s = s[: -len(prefix)]
        art: str | None = None
        part: Part | None = None
        par: int | None = None
        pos = 0
        s = s.strip()
        for m in _REF_TOKEN.finditer(s):
            if s[pos:m.start()].strip(" ,"):
                raise ValueError(f"cannot read article reference {text!r}")
            k = m.group("kind").lower()
            v = m.group("val")
            if k.startswith("ст"):
                if art is not None:
                    raise ValueError(f"two articles in {text!r}")
                art = v
            elif k.startswith("ч"):
                if part is not None:
                    raise ValueError(f"bad part in {text!r}")
                try:
                    part = part_value(v)
                except ValueError:
                    raise ValueError(f"bad part in {text!r}") from None
            else:
                if par is not None or "-" in v:
                    raise ValueError(f"bad item in {text!r}")
                par = int(v)
            pos = m.end()
        if art is None or s[pos:].strip(" ,."):
            raise ValueError(f"cannot read article reference {text!r} (expected e.g. «п.3 ч.2 ст.188»)")
        return cls(art, part, par)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ArticleRef":
        return cls(str(d["article"]), part_value(d.get("part")), d.get("paragraph"))

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article, "part": self.part, "paragraph": self.paragraph}

    def __str__(self) -> str:
        bits = []
        if self.paragraph is not None:
            bits.append(f"п.{self.paragraph}")
        if self.part is not None:
            bits.append(f"ч.{self.part}")
        bits.append(f"ст.{self.article}")
        return " ".join(bits)

    def sort_key(self) -> tuple[int, int, int, int, int]:
        main, _, sub = self.article.partition("-")
        return (int(main), int(sub or 0), *part_key(self.part), self.paragraph or 0)

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, ArticleRef):
            return NotImplemented
        return self.sort_key() < other.sort_key()


@dataclass(frozen=True, slots=True)
class Citation:
    """A provision a finding rests on: `УК РК ст.56 ч.3` (act + article reference)."""

    act: str
    ref: ArticleRef

    @classmethod
    def parse(cls, text: str) -> "Citation":
        s = text.strip()
        act = "УК РК"
        for known in ("УК РК", "УПК РК", "УИК РК", "НП ВС РК"):
            if s.startswith(known):
                act, s = known, s[len(known):]
                break
        return cls(act, ArticleRef.parse(s))

    def to_json(self) -> dict[str, Any]:
        return {"act": self.act, **self.ref.to_json()}

    def __str__(self) -> str:
        """The usual Russian form: «ч.3 ст.56 УК РК»."""
        return f"{self.ref} {self.act}"


def as_fraction(x: Any) -> Fraction | None:
    """An amount of the export (int, float or Fraction) as an exact Fraction; floats by their decimal text."""
    if x is None:
        return None
    return Fraction(str(x)) if isinstance(x, float) else Fraction(x)


def penalty_amount(p: Any) -> Quantity | None:
    """The amount of a penalty in its own unit: a term, МРП, a multiple, hours or days.

    `p` is a `Penalty` of the model (verdict.py) or of the fast decoder (fast_gen.py): the same attributes.
    """
    term: Quantity | None = p.term
    if term is not None:
        return term
    if p.mrp is not None:
        return quantity(p.mrp, "mrp")
    if p.multiple is not None:
        return quantity(p.multiple, "multiple")
    if p.hours is not None:
        return quantity(p.hours, "hours", plain=True)
    if p.days is not None:
        return quantity(p.days, "days", plain=True)
    return None


def quantity(x: Any, unit: str, *, plain: bool = False) -> Quantity:
    """`Quantity(as_fraction(x), unit)` (`plain`: `Quantity(x, unit)`) of an amount of the export, remembered.

    Why exact: for an int, a float or a Fraction both forms are the same value (an int as is, a float by its
    decimal text, a Fraction as is), and equal amounts of one type have one value (two equal floats print
    alike but for 0.0 and -0.0, both 0), so the key (unit, type, amount) fixes the answer; a Quantity is
    immutable, so one object serves every penalty with that amount.  Any other type is computed each time."""
    t = type(x)
    if t is int or t is float or t is Fraction:
        key = (unit, t, x)
        got = _QUANTITIES.get(key)
        if got is None:
            if len(_QUANTITIES) > 100_000:
                _QUANTITIES.clear()
            got = _QUANTITIES[key] = Quantity(as_fraction(x), unit)
        return got
    return Quantity(x, unit) if plain else Quantity(as_fraction(x), unit)


_QUANTITIES: dict[tuple[Any, ...], Quantity] = {}


def penalty_ru(p: Any) -> str:
    """A penalty of the verdict model in Russian: «лишение свободы на срок 5 лет 6 месяцев», «штраф в размере
    1 500 МРП», «штраф в 50-кратном размере», «арест на срок 15 суток», «… пожизненно».

    `legality.words.penalty` reads the same in Russian (and adds Kazakh); this one serves the model's own
    text below `words` (`jsonable.to_ru`).
    """
    kind = getattr(p.kind, "ru", str(p.kind))
    if getattr(p, "lifelong", None):
        return f"{kind} пожизненно"
    amount = penalty_amount(p)
    if amount is None:
        return kind
    if amount.unit == "mrp":
        return f"{kind} в размере {ru_number(amount.value)} МРП"
    if amount.unit == "multiple":
        return f"{kind} в {ru_number(amount.value)}-кратном размере"
    return f"{kind} на срок {amount.ru()}"
