"""The engine facade: compile a rule set once, evaluate many records.

    engine, diags = Engine.compile(rules_dir)      # never raises on bad rules: diagnostics
    engine = Engine.load(rules_dir)                # raises CompileError with all diagnostics
    ev = engine.evaluate(verdict, trace=True)      # Evaluation(candidates, faults, trace)

An Engine holds closures and is not picklable: worker processes build their own from the same
rules directory (compilation is deterministic, so every worker has the same `version`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import CompileError, Diagnostic, has_errors
from .resources import RULES_DIR
from .result.candidate import Evaluation, RuleInfo

if TYPE_CHECKING:
    from .eval.program import Program
    from .law import Catalogue
    from .model.verdict import Verdict


_CACHE: dict[str, tuple["Engine | None", list[Diagnostic]]] = {}


def _content_key(rules_dir: str | Path | None) -> str | None:
    """The in-process cache key of an engine: the bytes of its rule and law files, and how it shows paths.

    Why not the bytes alone: a compiled engine carries the display paths of its spans (relative to
    the cwd, as diagnostics and reports print them) and the folder as given (in law diagnostics), so
    two folders with the same bytes share an engine only when they would print the same.  Where the
    folder lives is no part of it, and the engine's `version` is the content alone (driver `_compile`).
    """
    import hashlib

    from .driver import display_path

    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    if not root.is_dir():
        return None
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".legal", ".yaml", ".yml") and p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(b"\0shown as\0" + str(root).encode() + b"\0" + display_path(root).encode())
    return h.hexdigest()


class Engine:
    backend: str = "batch"  # evaluate_many: "batch" (columnar) or "row"; set per engine by the scan

    def __init__(self, program: Program, diagnostics: list[Diagnostic]) -> None:
        self._program = program
        self.diagnostics = diagnostics  # warnings of a successful compile
        self.version: str = program.version
        self.rules: list[RuleInfo] = program.rule_infos()
        self.catalogue: Catalogue = program.catalogue

    @classmethod
    def compile(cls, rules_dir: str | Path | None = None, *,
                catalogue: Catalogue | None = None) -> tuple["Engine | None", list[Diagnostic]]:
        from .driver import compile_program

        key = _content_key(rules_dir) if catalogue is None else None
        if key is not None and key in _CACHE:
            return _CACHE[key]
        program, diags = compile_program(rules_dir, catalogue=catalogue)
        result: tuple[Engine | None, list[Diagnostic]]
        result = (None, diags) if program is None or has_errors(diags) else (cls(program, diags), diags)
        if key is not None:
            _CACHE[key] = result
        return result

    @classmethod
    def load(cls, rules_dir: str | Path | None = None, *, catalogue: Catalogue | None = None) -> "Engine":
        engine, diags = cls.compile(rules_dir, catalogue=catalogue)
        if engine is None:
            raise CompileError([d for d in diags if d.is_error])
        return engine

    def with_catalogue(self, catalogue: Catalogue) -> "Engine":
        """The same compiled rules over another catalogue: rule tests of editions the shipped text lacks
        (`law:` in a rule test file).  The rules read the catalogue only when they evaluate."""
        import copy

        program = copy.copy(self._program)
        program.catalogue = catalogue
        return Engine(program, self.diagnostics)

    def with_backend(self, backend: str) -> "Engine":
        """This engine with another `evaluate_many` backend (a copy: compiled engines are shared)."""
        import copy

        if backend not in ("batch", "row"):
            raise ValueError(f"unknown backend {backend!r}")
        e = copy.copy(self)
        e.backend = backend
        return e

    def evaluate(self, verdict: Verdict, *, trace: bool = False, only_rule: str | None = None) -> Evaluation:
        """Candidates in a deterministic order (record-level rules, then per offence in record order)."""
        return self._program.evaluate(verdict, trace=trace, only_rule=only_rule)

    def evaluate_many(self, verdicts: list[Verdict]) -> list[Evaluation]:
        """Each record's evaluation, equal to `evaluate` of it alone, computed a batch at a time by the
        backend chosen (`backend`: "batch", the columnar evaluator, or "row", one record at a time)."""
        if self.backend == "row":
            return [self._program.evaluate(v) for v in verdicts]
        return self._program.evaluate_many(verdicts)
