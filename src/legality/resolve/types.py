"""The types of the rule language.

Why static types: comparing a term with a date, or МРП with hours, is a rule author's mistake that
must be reported at `legality check` time with a location, not discovered on a record at 3 a.m.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..i18n import N_, _


@dataclass(frozen=True)
class T:
    name: str

    def __str__(self) -> str:
        return self.name


BOOL = T("bool")
INT = T("int")
NUM = T("number")  # exact rational; INT is a NUM
STR = T("text")
DATE = T("date")
ANY = T("any")  # after an error: suppresses cascades


@dataclass(frozen=True)
class QtyT(T):
    unit: str | None  # None: a quantity whose unit is known only at run time

    def __str__(self) -> str:
        return {"term": "term", "mrp": "МРП amount", "hours": "hours", "days": "days", "multiple": "multiple",
                None: "amount"}[self.unit]


TERM = QtyT("term", "term")
MRP = QtyT("mrp", "mrp")
HOURS = QtyT("hours", "hours")
DAYS = QtyT("days", "days")
MULTIPLE = QtyT("multiple", "multiple")
AMOUNT = QtyT("amount", None)


@dataclass(frozen=True)
class EnumT(T):
    enum: type[Enum]

    def __str__(self) -> str:
        return self.enum.__name__


@dataclass(frozen=True)
class SetT(T):
    elem: T

    def __str__(self) -> str:
        return f"set of {self.elem}"


@dataclass(frozen=True)
class ListT(T):
    elem: T

    def __str__(self) -> str:
        return f"list of {self.elem}"


@dataclass(frozen=True)
class MapT(T):
    value: T

    def __str__(self) -> str:
        return f"table of {self.value}"


@dataclass(frozen=True)
class RecT(T):
    """A record type of the schema (Verdict, Offence, Sanction, ...)."""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class PendingT(T):
    """A bare name that may be an enum value; fixed once its context gives the enum type."""

    def __str__(self) -> str:
        return "enum value"


@dataclass(frozen=True)
class LawT(T):
    """A partial path into the law catalogue (`law.unfinished`), completed by further members."""

    path: str

    def __str__(self) -> str:
        return f"law.{self.path}"


def is_num(t: T) -> bool:
    return t in (INT, NUM)


def is_qty(t: T) -> bool:
    return isinstance(t, QtyT)


def qty_compatible(a: T, b: T) -> bool:
    return isinstance(a, QtyT) and isinstance(b, QtyT) and (a.unit is None or b.unit is None or a.unit == b.unit)


def join(a: T, b: T) -> T | None:
    """The common type of two branches (if/else, min/max, set items), or None."""
    if a == b:
        return a
    if ANY in (a, b):
        return b if a == ANY else a
    if is_num(a) and is_num(b):
        return NUM
    if qty_compatible(a, b):
        return a if isinstance(a, QtyT) and a.unit is not None else b
    return None


def comparable(a: T, b: T) -> bool:
    from ..model.enums import Category

    if ANY in (a, b):
        return True
    if is_num(a) and is_num(b):
        return True
    if qty_compatible(a, b):
        return True
    if a == b == DATE:
        return True
    if isinstance(a, EnumT) and a == b and a.enum is Category:
        return True
    return False


# what a type is called in a diagnostic (English message ids: `shown` translates them)
_SHOWN = {"bool": N_("condition (true/false)"), "int": N_("whole number"), "number": N_("number"),
          "text": N_("text"), "date": N_("date"), "any": N_("any value"), "term": N_("term"),
          "mrp": N_("MRP amount"), "hours": N_("amount in hours"), "days": N_("amount in days"), "multiple": N_("multiple"),
          "amount": N_("amount"), "enum value": N_("enum value")}


def shown(t: T) -> str:
    """A type as a rule author reads it, in the current language («целое число», «сумма в МРП», PenaltyKind)."""
    if isinstance(t, SetT):
        return _("set of: {type}").format(type=shown(t.elem))
    if isinstance(t, ListT):
        return _("list of: {type}").format(type=shown(t.elem))
    if isinstance(t, MapT):
        return _("table of: {type}").format(type=shown(t.value))
    if isinstance(t, (EnumT, RecT, LawT)):
        return str(t)
    key = str(t) if isinstance(t, PendingT) else (t.unit or "amount") if isinstance(t, QtyT) else t.name
    return _(_SHOWN[key]) if key in _SHOWN else str(t)
