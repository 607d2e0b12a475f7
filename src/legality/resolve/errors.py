"""How the resolve passes report: every problem becomes a diagnostic, and one expression stops at its first.

Why a shared reporter: names, enum inference and typing run interleaved over one expression and
must add to one list in the order the problems are met; `fail` ends the expression (its sub-tree
gets type ANY upstream) so that one mistake is not reported again by every operator above it.
"""

from __future__ import annotations

import difflib
from typing import Iterable, NoReturn

from ..diagnostics import Diagnostic, Span
from ..i18n import _


class Fail(Exception):
    """Aborts checking of one expression after its diagnostic was recorded."""


class Reporter:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []

    def err(self, code: str, msg: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(code, msg, span, hint))

    def fail(self, code: str, msg: str, span: Span, hint: str | None = None) -> NoReturn:
        self.err(code, msg, span, hint)
        raise Fail()


def suggest(name: str, options: Iterable[str]) -> str | None:
    m = difflib.get_close_matches(name, sorted(set(options)), n=3, cutoff=0.6)
    if not m:
        return None
    if len(m) == 1:
        return _("did you mean `{name}`?").format(name=m[0])
    return _("did you mean one of: {names}?").format(names=", ".join(f"`{x}`" for x in m))


# names of other languages for the rule language's literals
_OTHER_LITERALS = {"True": "true", "False": "false", "TRUE": "true", "FALSE": "false", "yes": "true", "no": "false"}
_MISSING_WORDS = ("None", "null", "NULL", "nil")


def unknown_hint(name: str, options: Iterable[str]) -> str | None:
    """The hint for an unknown bare name: a literal spelled as in another language, else the did-you-mean."""
    if name in _OTHER_LITERALS:
        return _("the rule language writes `{literal}` (lowercase)").format(literal=_OTHER_LITERALS[name])
    if name in _MISSING_WORDS:
        return _("to test that a value is absent, write `x is missing`")
    return suggest(name, options)
