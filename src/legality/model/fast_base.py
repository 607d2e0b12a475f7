"""What the generated fast model (`fast_gen.py`) is built on: the base struct and the decoding of a term.

Why a second shape of the record: pydantic validation was about a tenth of a scan, and importing the
model a tenth of a second of start-up.  `fast_gen.py` mirrors the pydantic model (`verdict.py`) as
msgspec structs, generated from it by `tools/gen_fast_model.py` (a test regenerates and compares);
`fast.py` decodes with it and falls back to pydantic for every record it does not accept.  The
objects carry the same attribute names, value types (`Term`, enums, `datetime.date`) and properties
as the pydantic ones, so the engine, the reports and the store cannot tell them apart.

Nothing here imports pydantic.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import msgspec

from .values import MAX_TERM_DAYS, MAX_TERM_MONTHS, MAX_TERM_YEARS, Quantity, Term

# orjson (the fallback's parser) reads an integer outside these bounds as a float, which the model's
# strict integers refuse; msgspec would read it as an int.  Every integer field of the fast model is
# kept inside them, so such a record goes to the fallback and gets the model's error
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

# the term as the model validates it (values.Term.__get_pydantic_core_schema__): only these keys,
# each an integer 0..bound (missing: 0), and the sum not above MAX_TERM_MONTHS
TERM_PARTS = {"years": MAX_TERM_YEARS, "months": MAX_TERM_MONTHS, "days": MAX_TERM_DAYS}
_TERM_KEYS = frozenset(TERM_PARTS)


def term_from_json(obj: Any) -> Term:
    """A `Term` from the decoded JSON object, or ValueError (the record then goes to the fallback)."""
    if type(obj) is not dict or not obj.keys() <= _TERM_KEYS:  # no other key
        raise ValueError("not a term")
    y, m, d = obj.get("years", 0), obj.get("months", 0), obj.get("days", 0)
    if type(y) is not int or type(m) is not int or type(d) is not int:  # not bool, not float
        raise ValueError("not a term the model accepts")
    key = (y, m, d)  # exact ints by now: a bool or a float never reaches the cache
    term = _TERMS.get(key)
    if term is not None:  # only terms that passed the checks below are kept: they pass them again
        return term
    if (not (0 <= y <= TERM_PARTS["years"] and 0 <= m <= TERM_PARTS["months"] and 0 <= d <= TERM_PARTS["days"])
            or (y * 12 + m) * 30 + d > MAX_TERM_MONTHS * 30):  # the sum, in days of 1/30 month, as Term counts
        raise ValueError("not a term the model accepts")
    term = Term(y, m, d)
    if len(_TERMS) < _TERMS_MAX:
        _TERMS[key] = term
    return term


# Terms decoded so far, by (years, months, days).  A Term is immutable, so records may share one;
# an export repeats a few hundred terms, and building the exact Fraction of each was a fifth of
# the fast decoder's time.  Bounded: a hostile export of distinct terms cannot grow it.
_TERMS: dict[tuple[int, int, int], Term] = {}
_TERMS_MAX = 4096


def dec_hook(tp: type, obj: Any) -> Any:
    if tp is Term:
        return term_from_json(obj)
    raise NotImplementedError(f"no decoding for {tp!r}")


class FastModel(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A record node: immutable (as the model's `frozen=True`), unknown fields of the input ignored.

    `gc=False`: a record is a tree of fresh objects without cycles, so the garbage collector need
    not track it.
    """

    def model_dump(self, *, mode: str = "python", by_alias: bool = False, exclude_none: bool = False) -> dict[str, Any]:
        """As pydantic's `model_dump` of the same record (the subset of options the code uses)."""
        as_json = mode == "json"
        names = self.__struct_encode_fields__ if by_alias else self.__struct_fields__
        out: dict[str, Any] = {}
        for name, attr in zip(names, self.__struct_fields__):
            value = getattr(self, attr)
            if value is None and exclude_none:
                continue
            out[name] = _dump(value, as_json, by_alias, exclude_none)
        return out


def _dump(value: Any, as_json: bool, by_alias: bool, exclude_none: bool) -> Any:
    if isinstance(value, FastModel):
        return value.model_dump(mode="json" if as_json else "python", by_alias=by_alias, exclude_none=exclude_none)
    if isinstance(value, list):
        return [_dump(v, as_json, by_alias, exclude_none) for v in value]
    if isinstance(value, Quantity):  # the model serialises a term by `Term.to_json` in both modes
        return value.to_json()
    if as_json:
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, dt.date):
            return value.isoformat()
    return value
