"""The verdict export format (v1) as domain models; the only code that knows the export format.

The names below are loaded on first use: importing a submodule (`model.values`, `model.fast`) must
not import pydantic, which only the model of `verdict.py` and the fallback of the fast decoder need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .enums import (
        Category, Citizenship, Combination, Exemption, Intent, PenaltyKind, Procedure, Regime, Role, Sex, Stage,
    )
    from .validate import RecordError, validate_record
    from .values import ArticleRef, Citation, Quantity, Term
    from .verdict import (
        Court, Defendant, FinalSentence, Offence, Penalty, PriorConviction, Sentence, Verdict,
    )

_WHERE = {
    **dict.fromkeys(("Category", "Citizenship", "Combination", "Exemption", "Intent", "PenaltyKind", "Procedure",
                     "Regime", "Role", "Sex", "Stage"), "enums"),
    **dict.fromkeys(("RecordError", "validate_record"), "validate"),
    **dict.fromkeys(("ArticleRef", "Citation", "Quantity", "Term"), "values"),
    **dict.fromkeys(("Court", "Defendant", "FinalSentence", "Offence", "Penalty", "PriorConviction", "Sentence",
                     "Verdict"), "verdict"),
}

__all__ = [
    "ArticleRef", "Category", "Citation", "Citizenship", "Combination", "Court", "Defendant", "Exemption",
    "FinalSentence", "Intent", "Offence", "Penalty", "PenaltyKind", "PriorConviction", "Procedure", "Quantity",
    "RecordError", "Regime", "Role", "Sentence", "Sex", "Stage", "Term", "Verdict", "validate_record",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value
