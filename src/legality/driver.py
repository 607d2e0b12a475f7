"""The compiler pipeline as a table of stages: load → parse → imports → catalogue → check → plan → lint → compile.

Why a table (OPA's habit): each stage is named and timed (`legality check --timings`), and every
stage collects all its diagnostics before the pipeline stops, so a rule author sees every problem
of the rule set in one run.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .diagnostics import Diagnostic, Span, has_errors, sort_diagnostics
from .i18n import _
from .diagnostics import display_path as display_path  # also `driver.display_path`, as before it moved
from .resources import LAW_DIR, RULES_DIR
from .resolve.ir import FactDef, RuleDef
from .syntax import ast as A

if TYPE_CHECKING:
    from .eval.codegen import CodegenError


@dataclass
class Unit:
    rules_dir: Path
    catalogue: Any = None
    sources: dict[str, str] = field(default_factory=dict)  # display path -> text
    inside: dict[str, str] = field(default_factory=dict)  # display path -> path inside rules_dir
    files: list[A.RuleFile] = field(default_factory=list)
    visible: dict[str, set[str]] = field(default_factory=dict)
    facts: dict[str, FactDef] = field(default_factory=dict)
    rules: dict[str, RuleDef] = field(default_factory=dict)
    plan: Any = None
    program: Any = None
    diags: list[Diagnostic] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    in_memory: bool = False  # sources given as text (tests, the fuzzer, editors): no directory to read
    own_catalogue: bool = False  # the catalogue was loaded from the rule set's own law/ folder (lint W103)
    lang: str | None = None  # the language of the compiled program's texts (None: `i18n.language()`)


def _load(u: Unit) -> None:
    if u.in_memory:
        return
    if not u.rules_dir.is_dir():
        u.diags.append(Diagnostic("E005", _("rules directory not found: {path}").format(path=u.rules_dir), None,
                                  hint=_("pass --rules DIR with the folder that holds the .legal files")))
        return
    for p in sorted(u.rules_dir.rglob("*.legal")):
        name = display_path(p)
        try:
            u.sources[name] = p.read_bytes().decode("utf-8-sig")
            u.inside[name] = p.relative_to(u.rules_dir).as_posix()
        except (OSError, UnicodeDecodeError) as e:
            u.diags.append(Diagnostic("E005", _("cannot read rule file {file}: {error}").format(
                file=name, error=getattr(e, "strerror", None) or e), Span(name, 1, 1),
                hint=_("rule files are UTF-8 text")))
    if not u.sources and not u.diags:
        u.diags.append(Diagnostic("E005", _("no .legal rule files in {path}").format(path=display_path(u.rules_dir)), None))


def _parse(u: Unit) -> None:
    from .syntax.parser import parse_text  # Lark: only when rules are really parsed (not from the pack cache)

    for name, text in u.sources.items():
        f, diags = parse_text(text, name)
        u.diags.extend(diags)
        if f is not None:
            u.files.append(f)


def _imports(u: Unit) -> None:
    by_path = {f.path: f for f in u.files}
    root = u.rules_dir.resolve()
    direct: dict[str, set[str]] = {}
    for f in u.files:
        direct[f.path] = set()
        base = Path(f.path).parent
        for imp in f.imports:
            if u.in_memory:
                name, exists, inside = _in_memory_target(u, f.path, imp.path)
            else:
                target = (base / imp.path)
                name = display_path(target.resolve()) if target.exists() else target.as_posix()
                exists = target.exists()
                try:
                    inside = target.resolve().is_relative_to(root)
                except OSError:
                    inside = False
            ok = imp.path.endswith(".legal") and exists
            if not ok or not inside:
                why = (_("import {import_!r}: {file} is outside the rules directory") if ok and not inside
                       else _("import {import_!r}: {file} does not exist"))
                u.diags.append(Diagnostic("E004", why.format(import_=imp.path, file=name), imp.span,
                                          hint=_("import other .legal files of this rule set, relative to this file")))
                continue
            if name in by_path:
                direct[f.path].add(name)
    for f in u.files:
        seen = {f.path}
        stack = [f.path]
        while stack:
            for nxt in direct.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        u.visible[f.path] = seen


def _in_memory_target(u: Unit, importer: str, path: str) -> tuple[str, bool, bool]:
    """(name, exists, inside the rule set) of an import between sources held as text."""
    name = posixpath.normpath(posixpath.join(posixpath.dirname(importer), path))
    inside = not (name == ".." or name.startswith("../") or posixpath.isabs(name))
    return name, name in u.sources, inside


def _catalogue(u: Unit) -> None:
    if u.catalogue is not None:
        return
    from .law import Catalogue, CatalogueError

    law_dir = u.rules_dir / "law"
    try:
        u.catalogue = Catalogue.load(law_dir if law_dir.is_dir() else LAW_DIR)
    except CatalogueError as e:
        u.diags.extend(e.diagnostics)
        return
    # a law/ that links to a catalogue elsewhere (a test borrowing the shipped one) is not this rule set's own
    u.own_catalogue = law_dir.is_dir() and law_dir.resolve().is_relative_to(u.rules_dir.resolve())


def _check(u: Unit) -> None:
    from .resolve.checker import Checker

    if u.catalogue is None:
        return
    c = Checker(u.files, u.catalogue, u.visible, _later(u))
    u.facts, u.rules = c.run()
    u.diags.extend(c.diags)


def _later(u: Unit) -> Callable[[str, str], bool]:
    """later(a, b): rule file a was written after file b — to blame a duplicate id on the new definition.

    A file that imports the other (directly or not) comes after it; otherwise the one changed last (its
    modification time; sources held as text have none) and then the one loaded last."""
    order = {f.path: i for i, f in enumerate(u.files)}
    mtime: dict[str, float] = {}
    if not u.in_memory:
        for name in u.sources:
            try:
                mtime[name] = os.stat(name).st_mtime
            except OSError:
                pass

    def later(a: str, b: str) -> bool:
        if b in u.visible.get(a, ()) and a not in u.visible.get(b, ()):
            return True
        if a in u.visible.get(b, ()) and b not in u.visible.get(a, ()):
            return False
        ka, kb = (mtime.get(a, 0.0), order.get(a, 0)), (mtime.get(b, 0.0), order.get(b, 0))
        return ka > kb

    return later


def _plan(u: Unit) -> None:
    from .plan.graph import build

    if has_errors(u.diags):
        return
    u.plan, diags = build(u.facts, u.rules)
    u.diags.extend(diags)


def _lint(u: Unit) -> None:
    from .lint import lint

    if u.catalogue is None:
        return
    u.diags.extend(lint(u.facts, u.rules, u.catalogue, planned=u.plan is not None, own_catalogue=u.own_catalogue))


def _compile(u: Unit) -> None:
    from .eval.codegen import CodegenError
    from .eval.program import Program

    if has_errors(u.diags) or u.plan is None:
        return
    # the rules version hashes content and names inside the rules directory only: the display
    # names depend on the cwd, and the same rules must get the same version from any folder
    digest = hashlib.sha256()
    for inside, name in sorted((u.inside.get(n, n), n) for n in u.sources):
        digest.update(inside.encode())
        digest.update(b"\0")
        digest.update(u.sources[name].encode())
    try:
        u.program = Program(u.facts, u.rules, u.plan.order, u.catalogue, digest.hexdigest(), lang=u.lang)
    except CodegenError as e:
        u.diags.append(_too_complex(u, e))


def _too_complex(u: Unit, e: CodegenError) -> Diagnostic:
    """Name the rule (or fact) whose generated code Python refused, from the generated function's name."""
    import re

    message, span = _("the rule set is too complex to compile ({reason})").format(reason=e.reason), None
    m = re.match(r"(?:r(\d+)_|fact_(\d+)$)", e.function or "")
    if m and m.group(1) is not None and int(m.group(1)) < len(u.rules):
        r = list(u.rules.values())[int(m.group(1))]
        message = _("rule {rule} is too complex to compile ({reason})").format(rule=r.id, reason=e.reason)
        span = r.span
    elif m and m.group(2) is not None and int(m.group(2)) < len(u.facts):
        f = list(u.facts.values())[int(m.group(2))]
        message = _("fact {fact} is too complex to compile ({reason})").format(fact=f.name, reason=e.reason)
        span = f.span
    return Diagnostic("E009", message, span,
                      hint=_("split it: give inner parts their own names with `define` or `let`"))


STAGES: list[tuple[str, Callable[[Unit], None]]] = [
    ("load", _load), ("parse", _parse), ("imports", _imports), ("catalogue", _catalogue),
    ("check", _check), ("plan", _plan), ("lint", _lint), ("compile", _compile),
]


def compile(rules_dir: str | Path | None = None, *, sources: Mapping[str, str] | None = None,
            catalogue: Any = None, until: str | None = None, lang: str | None = None) -> Unit:
    """Run the stages on a rules directory, or on `sources` (display name -> rule text) held in memory.

    Sources in memory go through the same stages as files, `imports` included: an import names
    another source relative to the importing one, and a file sees only what it imports.
    """
    if sources is not None:
        u = Unit(Path(rules_dir) if rules_dir is not None else Path("."), catalogue, dict(sources), in_memory=True)
    else:
        u = Unit(Path(rules_dir) if rules_dir is not None else RULES_DIR, catalogue)
    u.lang = lang
    for name, stage in STAGES:
        t0 = time.perf_counter()
        stage(u)
        u.timings.append((name, time.perf_counter() - t0))
        if name == until:
            break
        if name == "load" and has_errors(u.diags):
            break
    u.diags = sort_diagnostics(u.diags)
    return u


run_stages = compile  # the name `legality check` and `graph` call it by


def compile_program(rules_dir: str | Path | None = None, *, catalogue: Any = None,
                    lang: str | None = None) -> tuple[Any, list[Diagnostic]]:
    u = compile(rules_dir, catalogue=catalogue, lang=lang)
    return u.program, u.diags
