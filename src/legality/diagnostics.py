"""One diagnostic type for every stage: parse, check, graph, catalogue, record and runtime errors.

Why one type: the rule author, the batch job and the tests all read diagnostics the same way
(`code` is stable and asserted by tests; prose may improve).  Codes are never reused: a retired
code stays in `CODES` marked retired.

Printed as ``rules/x.legal:12:7: error[E012]: message`` followed by the source line, a caret under
the span and ``hint: ...`` (rustc/Catala style).  The words of that frame (error, warning, note, hint)
are in the current language («ошибка[E012]», «қате[E012]»); the code, the location and the JSON
fields (`severity: "error"`) are the same in every language, so tools match on them, not on words.
Messages and hints for rule authors are English message ids translated where they are made
(`_("unknown name `{name}`").format(name=…)`, docs/i18n.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Iterable

from .i18n import N_, _


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"

    def shown(self) -> str:
        """The word in the current language («ошибка», «қате», error)."""
        return _(_LEVEL_WORDS[self.value])


_LEVEL_WORDS = {"error": N_("error"), "warning": N_("warning"), "note": N_("note")}
HINT_WORD = N_("hint")


# code -> (default severity, short title).  Ranges: E0xx parse, E1xx names/types, E2xx graph,
# E3xx catalogue (law data), E4xx records, E5xx runtime faults, E6xx rule tests, W = warnings.
CODES: dict[str, tuple[Severity, str]] = {
    # parse
    "E001": (Severity.error, "syntax error"),
    "E002": (Severity.error, "unexpected end of file"),
    "E003": (Severity.error, "unexpected character"),
    "E004": (Severity.error, "imported file not found"),
    "E005": (Severity.error, "cannot read rule file"),
    "E006": (Severity.error, "invalid literal"),
    "E007": (Severity.error, "duplicate clause"),
    "E008": (Severity.error, "missing required clause"),
    "E009": (Severity.error, "expression too deeply nested"),
    # names and types
    "E101": (Severity.error, "unknown name"),
    "E102": (Severity.error, "type mismatch"),
    "E103": (Severity.error, "invalid citation"),
    "E104": (Severity.error, "duplicate id"),
    "E105": (Severity.error, "unknown rule"),
    "E106": (Severity.error, "unknown law parameter"),
    "E107": (Severity.error, "unknown field"),
    "E108": (Severity.error, "forbidden identifier"),
    "E109": (Severity.error, "wrong scope"),
    "E110": (Severity.error, "unknown function"),
    "E111": (Severity.error, "wrong number of arguments"),
    "E112": (Severity.error, "unknown enum value"),
    "E113": (Severity.error, "invalid message template"),
    "E114": (Severity.error, "invalid date range"),
    "E115": (Severity.error, "fact shown in findings without a label"),
    "E116": (Severity.error, "unknown `allowed` key"),
    # graph
    "E201": (Severity.error, "dependency cycle"),
    "W201": (Severity.warning, "unused fact"),
    "W202": (Severity.warning, "rule overrides itself transitively"),
    # catalogue
    "E301": (Severity.error, "invalid law catalogue file"),
    "E302": (Severity.error, "overlapping editions"),
    "W301": (Severity.warning, "unverified law data"),
    # records
    "E401": (Severity.error, "invalid record"),
    "E402": (Severity.error, "unreadable record"),
    "E403": (Severity.error, "unreadable input"),
    # runtime
    "E501": (Severity.error, "runtime fault in rule"),
    # rule tests
    "E601": (Severity.error, "invalid rule test"),
    "E602": (Severity.error, "rule test failed"),
    "W601": (Severity.warning, "rule never fires in its tests"),
    "W602": (Severity.warning, "rule never found not applicable in its tests"),
    "W603": (Severity.warning, "two rules fire on the same tests with the same citation"),
    # lints
    "W101": (Severity.warning, "rule without violation message values"),
    "W102": (Severity.warning, "unverified law used above medium severity"),
    "W103": (Severity.warning, "law parameter read by no rule"),
    "W104": (Severity.warning, "text without its Kazakh translation"),
    "W105": (Severity.warning, "amounts of possibly different units compared without a guard"),
    "W106": (Severity.warning, "citation of an article or part the law catalogue does not hold"),
}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: Severity | None = None  # None: the code's default
    related: tuple[tuple[str, Span], ...] = field(default_factory=tuple)

    @property
    def level(self) -> Severity:
        return self.severity or CODES.get(self.code, (Severity.error, ""))[0]

    @property
    def is_error(self) -> bool:
        return self.level is Severity.error

    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span
        return (s.file if s else "", s.line if s else 0, s.column if s else 0, self.code, self.message)

    def header(self) -> str:
        where = f"{self.span}: " if self.span else ""
        return f"{where}{self.level.shown()}[{self.code}]: {self.message}"

    def render(self, sources: dict[str, str] | None = None) -> str:
        """Header, source line with a caret, related locations and the hint."""
        lines = [self.header()]
        if self.span is not None:
            text = _source_line(self.span.file, self.span.line, sources)
            if text is not None:
                num = str(self.span.line)
                pad = " " * len(num)
                width = 1
                if self.span.end_line == self.span.line and self.span.end_column:
                    width = max(1, self.span.end_column - self.span.column)
                lines.append(f"{pad} |")
                lines.append(f"{num} | {text}")
                lines.append(f"{pad} | {' ' * (self.span.column - 1)}{'^' * width}")
        for label, sp in self.related:
            lines.append(f"  = {label}: {sp}")
        if self.hint:
            lines.append(f"  = {_(HINT_WORD)}: {self.hint}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.level.value,
            "message": self.message,
            "span": self.span.to_json() if self.span else None,
            "hint": self.hint,
            "related": [{"label": lbl, "span": sp.to_json()} for lbl, sp in self.related],
        }


def _source_line(file: str, line: int, sources: dict[str, str] | None) -> str | None:
    text = None
    if sources and file in sources:
        text = sources[file]
    else:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    rows = text.splitlines()
    if 1 <= line <= len(rows):
        return rows[line - 1].expandtabs(1)
    return None


def display_path(p: Path) -> str:
    """How a file is shown in diagnostics and spans: relative to the cwd when it lies below it, else as
    given.  Here, not in the driver, so the engine can key its caches by it without the compiler."""
    try:
        rel = os.path.relpath(p, Path.cwd())
    except ValueError:
        return p.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else p.as_posix()


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=Diagnostic.sort_key)


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


class CompileError(Exception):
    """Raised only at API boundaries that cannot return diagnostics (carries them all)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.header() for d in diagnostics[:5]))
