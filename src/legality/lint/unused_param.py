"""W103: a law parameter of the rule set's own catalogue that no rule reads.

Why: a number typed in from the Code that no rule reads is either a check nobody wrote (audit F25: each
such parameter was a missing check) or a stale copy of a number defined elsewhere; both go unnoticed,
since nothing fails.  A parameter kept on purpose (it documents the Code, or only a catalogue data check
reads it) says so in its YAML with `unused_reason`, and is then not reported.  "Reads" counts every rule
and every fact, since a fact nobody uses is W201's business, not this one's.

Only for a catalogue that belongs to the rule set (its `law/` folder inside the rules directory): a small
rule set that borrows the shipped catalogue does not answer for the parameters of the whole pack.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from ..diagnostics import Diagnostic, Span
from ..i18n import N_, _
from ..resolve.ir import FactDef, RuleDef

CODE = "W103"
HINT = N_("use it in a rule, or remove it and say why; mark a parameter kept on purpose (for reference or to "
          "check the catalogue) with the YAML field unused_reason and the reason")


def law_read_anywhere(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef]) -> set[str]:
    """Every law parameter some rule or fact reads directly."""
    used: set[str] = set()
    for f in facts.values():
        used |= f.deps_law
    for r in rules.values():
        used |= r.deps_law
    return used


def check(facts: Mapping[str, FactDef], rules: Mapping[str, RuleDef], catalogue: Any) -> list[Diagnostic]:
    names = getattr(catalogue, "param_names", None)
    if names is None:
        return []
    used = law_read_anywhere(facts, rules)
    out: list[Diagnostic] = []
    for name in names():
        spec = catalogue.param_spec(name)
        if name in used or spec is None or spec.unused_reason.strip():
            continue
        span = Span(_shown(spec.file), spec.line or 1, _indent(spec.file, spec.line)) if spec.file else None
        out.append(Diagnostic(
            CODE, _("no rule reads the law parameter `{name}` ({citation})").format(name=name, citation=spec.citation),
            span, hint=_(HINT)))
    return out


def _shown(file: str) -> str:
    """The file relative to the working folder when it lies inside it (as rule files are shown)."""
    try:
        rel = os.path.relpath(file, Path.cwd())
    except ValueError:
        return file
    return Path(rel).as_posix() if not rel.startswith("..") else file


def _indent(file: str, line: int) -> int:
    """The column of the parameter's key, so the caret points at its name."""
    try:
        rows = Path(file).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    row = rows[line - 1] if 1 <= line <= len(rows) else ""
    return len(row) - len(row.lstrip(" ")) + 1
