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

from .diagnostics import CompileError, Diagnostic, has_errors
from .result.candidate import Evaluation, RuleInfo


_CACHE: dict[str, tuple] = {}


def _content_key(rules_dir: str | Path | None) -> str | None:
    """A digest of every rule and law file: an engine compiled from the same bytes is reused in-process."""
    import hashlib
    import os

    from .paths import RULES_DIR

    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    if not root.is_dir():
        return None
    h = hashlib.sha256(str(root.resolve()).encode() + os.getcwd().encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in (".legal", ".yaml", ".yml") and p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


class Engine:
    def __init__(self, program, diagnostics: list[Diagnostic]):
        self._program = program
        self.diagnostics = diagnostics  # warnings of a successful compile
        self.version: str = program.version
        self.rules: list[RuleInfo] = program.rule_infos()
        self.catalogue = program.catalogue

    @classmethod
    def compile(cls, rules_dir: str | Path | None = None, *, catalogue=None) -> tuple["Engine | None", list[Diagnostic]]:
        from .driver import compile_program

        key = _content_key(rules_dir) if catalogue is None else None
        if key is not None and key in _CACHE:
            return _CACHE[key]
        program, diags = compile_program(rules_dir, catalogue=catalogue)
        result = (None, diags) if program is None or has_errors(diags) else (cls(program, diags), diags)
        if key is not None:
            _CACHE[key] = result
        return result

    @classmethod
    def load(cls, rules_dir: str | Path | None = None, *, catalogue=None) -> "Engine":
        engine, diags = cls.compile(rules_dir, catalogue=catalogue)
        if engine is None:
            raise CompileError([d for d in diags if d.is_error])
        return engine

    def evaluate(self, verdict, *, trace: bool = False, only_rule: str | None = None) -> Evaluation:
        """Candidates in a deterministic order (record-level rules, then per offence in record order)."""
        return self._program.evaluate(verdict, trace=trace, only_rule=only_rule)
