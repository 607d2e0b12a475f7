"""How the resolve passes report: every problem becomes a diagnostic, and one expression stops at its first.

Why a shared reporter: names, enum inference and typing run interleaved over one expression and
must add to one list in the order the problems are met; `fail` ends the expression (its sub-tree
gets type ANY upstream) so that one mistake is not reported again by every operator above it.
"""

from __future__ import annotations

import difflib
from typing import Iterable, NoReturn

from ..diagnostics import Diagnostic, Span


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
    return "did you mean " + " or ".join(f"`{x}`" for x in m) + "?"
