"""The law catalogue: dated Special-Part sanctions and General-Part parameters (rules/law/).

    cat = Catalogue.load()                       # raises CatalogueError(diagnostics) on bad data
    cat.sanction(ArticleRef("188", 2), on=date)  # Lookup: found | unknown_article | unknown_edition
    cat.param("imprisonment.max", on=date)       # ParamValue | None (None = unknown edition)

What was verified in which text of the Code is in docs/law.md.
"""

from .catalogue import CODE_IN_FORCE, Catalogue, CatalogueError, Lookup
from .params import ParamSpec, ParamValue
from .sanction import SEVERITY_ORDER, AdditionalOption, PenaltyOption, Sanction

__all__ = [
    "AdditionalOption", "CODE_IN_FORCE", "Catalogue", "CatalogueError", "Lookup", "ParamSpec", "ParamValue",
    "PenaltyOption", "SEVERITY_ORDER", "Sanction",
]
