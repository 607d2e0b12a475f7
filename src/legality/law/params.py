"""General-Part parameters: typed, dated values with their citation.

Why typed at load time: a rule compares `Term`s and multiplies by `Fraction`s exactly; parsing
"3/4" or `{years: 12}` per call would cost time on the hot path and defer data errors to a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from ..model.values import Citation, Quantity, Term
from .dated import in_force, text_verified

SCALAR_TYPES = ("int", "fraction", "term", "mrp", "hours", "days", "date", "bool", "set", "str")


def check_type(type_: str) -> str | None:
    """None when `type_` is a known type name, else the problem."""
    inner = type_[4:] if type_.startswith("map:") else type_
    if inner not in SCALAR_TYPES:
        return f"unknown parameter type {type_!r} (known: {', '.join(SCALAR_TYPES)}, map:<type>)"
    return None


def parse_value(type_: str, raw: Any) -> Any:
    """Convert a YAML value to the runtime value of `type_`; ValueError with a readable reason."""
    if type_.startswith("map:"):
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"expected a non-empty mapping for {type_}")
        return {str(k): parse_value(type_[4:], v) for k, v in raw.items()}
    if type_ == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"expected an integer, got {raw!r}")
        return raw
    if type_ == "fraction":
        if not isinstance(raw, str) or not re.fullmatch(r"\d+/\d+", raw.strip()):
            raise ValueError(f"expected a fraction written as \"3/4\", got {raw!r}")
        f = Fraction(raw.strip())
        if not 0 < f <= 1:
            raise ValueError(f"a fraction of a limit must be in (0, 1], got {raw}")
        return f
    if type_ == "term":
        if not isinstance(raw, dict) or not raw or set(raw) - {"years", "months", "days"}:
            raise ValueError(f"expected a term {{years: N, months: N, days: N}}, got {raw!r}")
        vals = [raw.get(k, 0) for k in ("years", "months", "days")]
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in vals):
            raise ValueError(f"term parts must be non-negative integers, got {raw!r}")
        return Term(*vals)
    if type_ in ("mrp", "hours", "days"):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
            raise ValueError(f"expected a non-negative number of {type_}, got {raw!r}")
        return Quantity(raw, type_)
    if type_ == "date":
        if not isinstance(raw, date):
            raise ValueError(f"expected a date YYYY-MM-DD, got {raw!r}")
        return raw
    if type_ == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"expected true/false, got {raw!r}")
        return raw
    if type_ == "set":
        if not isinstance(raw, list) or not all(isinstance(x, (str, int)) for x in raw):
            raise ValueError(f"expected a list of codes, got {raw!r}")
        return frozenset(str(x) for x in raw)
    if type_ == "str":
        if not isinstance(raw, str):
            raise ValueError(f"expected text, got {raw!r}")
        return raw
    raise ValueError(f"unknown type {type_!r}")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    type: str
    citation: Citation
    description: str
    unused_reason: str = ""  # why no rule reads it (YAML `unused_reason`); lint W103 is silent then
    file: str = ""           # where it is defined, for diagnostics about the parameter itself
    line: int = 0


@dataclass(frozen=True, slots=True)
class ParamValue:
    name: str
    value: Any
    citation: Citation
    source: str
    edition: str
    verified: bool
    valid_from: date
    valid_to: date | None
    verified_until: date | None = None
    notes: str = ""
    current_edition_verified: bool = False  # verified, and the date asked is within the text read
    verified_from: date | None = None

    def text_verified_on(self, on: date) -> bool:
        return text_verified(self, on)

    def covers(self, on: date) -> bool:
        return in_force(self, on)
