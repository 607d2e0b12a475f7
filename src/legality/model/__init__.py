"""The verdict export format (v1) as domain models; the only code that knows the export format."""

from .enums import (
    Category, Citizenship, Combination, Exemption, Intent, PenaltyKind, Procedure, Regime, Role, Sex, Stage,
)
from .validate import RecordError, validate_record
from .values import ArticleRef, Citation, Quantity, Term
from .verdict import (
    Court, Defendant, FinalSentence, Offence, Penalty, PriorConviction, Sentence, Verdict,
)

__all__ = [
    "ArticleRef", "Category", "Citation", "Citizenship", "Combination", "Court", "Defendant", "Exemption",
    "FinalSentence", "Intent", "Offence", "Penalty", "PenaltyKind", "PriorConviction", "Procedure", "Quantity",
    "RecordError", "Regime", "Role", "Sentence", "Sex", "Stage", "Term", "Verdict", "validate_record",
]
