"""Which rule set a file belongs to, and compiling that set with the editor's unsaved texts.

Why the driver's own stages and not a copy: the server must publish the same diagnostics as `legality
check` (the same codes, the same spans), so it runs `driver.STAGES` on a `driver.Unit` keyed exactly as
`check` keys it (file names as `display_path` shows them, read from the rules folder).  Only two
stages are replaced, by cached equivalents, because an editor compiles on every pause in typing:

- `load` reads the folder as `check` does, then puts the text of every open document over its file
  (an open document that is not saved yet joins the set too);
- `parse` reuses the tree of a file whose text did not change (parsing is most of a compile);
- `catalogue` reuses the law catalogue while none of its YAML files changed.

The code generation stage (`compile`, which only reports a rule too complex for Python) runs when a
document is saved, not on each change.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from ..diagnostics import Diagnostic, Span, display_path, has_errors, sort_diagnostics
from ..driver import STAGES, Unit
from ..resources import LAW_DIR, RULES_DIR
from ..syntax import ast as A

# a folder holding one of these is the root of a rule set (what `legality check DIR` is given)
ROOT_DIRS = ("pack", "law")
ROOT_FILES = ("EDITION",)
# a folder holding one of these is a project's top: the walk up stops there
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", ".hg")


def norm(p: str | Path) -> Path:
    """An absolute path without `..`, symlinks kept (the editor's name for a file is the one it opened)."""
    return Path(os.path.abspath(p))


def find_root(file: Path, stop: Path | None = None) -> Path:
    """The rule set a `.legal` file belongs to: the nearest folder up from it that holds `pack/`, `law/`
    or an `EDITION` file; the shipped `rules/` for its own files; else the file's own folder.

    The walk stops at `stop` (the editor's workspace folder) and at a project's top (a folder with
    `.git` or `pyproject.toml`), so a stray `law/` higher up never makes a home folder a rule set."""
    file = norm(file)
    shipped = norm(RULES_DIR)
    if file.is_relative_to(shipped):
        return shipped
    start = file.parent
    for d in (start, *start.parents):
        if any((d / n).is_dir() for n in ROOT_DIRS) or any((d / n).is_file() for n in ROOT_FILES):
            return d
        if (stop is not None and d == norm(stop)) or any((d / m).exists() for m in PROJECT_MARKERS):
            break
    return start


def absolute(name: str) -> Path:
    """The file a span names (`display_path` form: relative to the working folder, or absolute)."""
    return norm(name)


@dataclass
class Analysis:
    """One compile of a rule set: the driver's unit and what the server needs around it."""

    root: Path
    unit: Unit
    overlays: dict[Path, str]          # the unsaved texts it was compiled with (absolute path -> text)
    parsed: dict[str, A.RuleFile]      # display name -> the file's tree, this compile or the last that parsed it
    generation: int = 0
    _indexes: dict[str, object] = field(default_factory=dict)

    @property
    def diags(self) -> list[Diagnostic]:
        return self.unit.diags

    def name_of(self, path: Path) -> str | None:
        """The display name the compile gave this file, None when it is not part of the set."""
        p = norm(path)
        for name in self.unit.sources:
            if absolute(name) == p:
                return name
        return None

    def text_of(self, name: str) -> str | None:
        """The text analysed for a file of the set; for other files (a catalogue YAML) the text on disk."""
        if name in self.unit.sources:
            return self.unit.sources[name]
        try:
            return absolute(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def diagnostics_by_file(self) -> tuple[dict[Path, list[Diagnostic]], list[Diagnostic]]:
        """Each file's diagnostics (by absolute path), and those without a place (a missing folder)."""
        by_file: dict[Path, list[Diagnostic]] = {}
        loose: list[Diagnostic] = []
        for d in self.unit.diags:
            if d.span is None or d.span.line <= 0:
                loose.append(d)
            else:
                by_file.setdefault(absolute(d.span.file), []).append(d)
        return by_file, loose


class RuleSet:
    """A rule set being edited: its root, its caches and its latest analysis.  Thread-safe: compiles run
    one at a time in a worker thread while the server answers requests from the latest analysis."""

    def __init__(self, root: Path):
        self.root = norm(root)
        # a stray rule file in a home folder (or a drive's top) is a set of the files beside it, not of
        # every file below: reading the whole home folder on each keystroke would stall the editor
        self.shallow = self.root in (norm(Path.home()), norm(self.root.anchor))
        self._lock = threading.Lock()
        self._parsed: dict[str, tuple[str, A.RuleFile | None, list[Diagnostic]]] = {}
        self._good: dict[str, A.RuleFile] = {}  # the last tree of each file that parsed
        self._catalogue: tuple[tuple[object, ...], object, bool, list[Diagnostic]] | None = None
        self.latest: Analysis | None = None
        self.generation = 0

    def contains(self, path: Path) -> bool:
        return norm(path).is_relative_to(self.root)

    def forget(self) -> None:
        """Drop the caches (the language changed: cached diagnostics were worded in the old one)."""
        with self._lock:
            self._parsed.clear()
            self._catalogue = None

    def analyse(self, overlays: Mapping[Path, str], *, full: bool = False) -> Analysis:
        """Compile the set with `overlays` (absolute path -> unsaved text) over the files on disk."""
        with self._lock:
            self.generation += 1
            u = Unit(self.root)
            ov = {norm(p): t for p, t in overlays.items() if self.contains(p)}
            steps: dict[str, Callable[[Unit], None]] = {
                "load": lambda u: self._load(u, ov), "parse": self._parse, "catalogue": self._load_catalogue}
            for name, stage in STAGES:
                if name == "compile" and not full:
                    break
                steps.get(name, stage)(u)
                if name == "load" and has_errors(u.diags):
                    break
            u.diags = sort_diagnostics(u.diags)
            parsed = {f.path: f for f in u.files}
            for n in u.sources:
                if n not in parsed and n in self._good:
                    parsed[n] = self._good[n]
            a = Analysis(self.root, u, ov, parsed, self.generation)
            self.latest = a
            return a

    # ---- the replaced stages

    def _load(self, u: Unit, overlays: dict[Path, str]) -> None:
        """As `driver._load`, then each open document's text over its file's."""
        if self.shallow:
            for p in sorted(self.root.glob("*.legal")):
                try:
                    u.sources[display_path(p)] = p.read_bytes().decode("utf-8-sig")
                    u.inside[display_path(p)] = p.name
                except (OSError, UnicodeDecodeError):
                    continue
        else:
            dict(STAGES)["load"](u)
        u.diags = [d for d in u.diags if not (d.code == "E005" and d.span is None and overlays)]
        by_path = {absolute(n): n for n in u.sources}
        for p, text in sorted(overlays.items()):
            if p.suffix != ".legal":
                continue
            name = by_path.get(p) or display_path(p)
            u.sources[name] = text
            u.inside[name] = p.relative_to(self.root).as_posix()
            u.diags = [d for d in u.diags if not (d.code == "E005" and d.span is not None and d.span.file == name)]

    def _parse(self, u: Unit) -> None:
        from ..syntax.parser import parse_text

        for name, text in u.sources.items():
            hit = self._parsed.get(name)
            if hit is None or hit[0] != text:
                f, diags = parse_text(text, name)
                hit = (text, f, diags)
                self._parsed[name] = hit
            u.diags.extend(hit[2])
            if hit[1] is not None:
                u.files.append(hit[1])
                self._good[name] = hit[1]
        for name in list(self._parsed):
            if name not in u.sources:
                del self._parsed[name]

    def _load_catalogue(self, u: Unit) -> None:
        """As `driver._catalogue`, loading again only when a YAML file of the catalogue changed."""
        from ..law import Catalogue, CatalogueError

        law_dir = u.rules_dir / "law"
        where = law_dir if law_dir.is_dir() else LAW_DIR
        key = _stamp(where)
        if self._catalogue is None or self._catalogue[0] != key:
            try:
                cat: object = Catalogue.load(where)
                diags: list[Diagnostic] = []
            except CatalogueError as e:
                cat, diags = None, list(e.diagnostics)
            own = law_dir.is_dir() and law_dir.resolve().is_relative_to(u.rules_dir.resolve())
            self._catalogue = (key, cat, own, diags)
        _, u.catalogue, u.own_catalogue, diags = self._catalogue
        u.diags.extend(diags)


def _stamp(folder: Path) -> tuple[object, ...]:
    """What changes when a catalogue file is edited, added or removed."""
    out: list[object] = [str(folder)]
    try:
        for p in sorted(folder.rglob("*")):
            if p.suffix in (".yaml", ".yml") and p.is_file():
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
    except OSError:
        out.append("unreadable")
    return tuple(out)


class RuleSets:
    """The rule sets the editor has files of, by root."""

    def __init__(self) -> None:
        self.by_root: dict[Path, RuleSet] = {}
        self.stop: Path | None = None  # the workspace folder: roots are not looked for above it

    def for_file(self, path: Path) -> RuleSet:
        root = find_root(norm(path), self.stop)
        rs = self.by_root.get(root)
        if rs is None:
            rs = self.by_root[root] = RuleSet(root)
        return rs

    def forget(self) -> None:
        for rs in self.by_root.values():
            rs.forget()


__all__ = ["Analysis", "RuleSet", "RuleSets", "Span", "absolute", "find_root", "norm"]
