"""The engine facade: compile a rule set once, evaluate many records.

    engine, diags = Engine.compile(rules_dir)      # never raises on bad rules: diagnostics
    engine = Engine.load(rules_dir)                # raises CompileError with all diagnostics
    ev = engine.evaluate(verdict, trace=True)      # Evaluation(candidates, faults, trace)

An Engine holds closures and is not picklable: worker processes build their own from the same
rules directory (compilation is deterministic, so every worker has the same `version`).

Why a compiled pack is kept on disk: compiling the shipped pack takes seconds (Lark parsing the rule
files, reading the law catalogue's YAML, Python compiling the generated source), and every `scan`,
`explain`, `protest` and every worker process needs it.  A successful compile is stored in the
per-user cache (`legality.cache`: a private folder, checksummed entries, atomic writes) as the IR,
the catalogue, the generated code object (`marshal`), its constants and getter keys, and the compile
warnings; the next run links that (`eval.program.Program` with `generated=`) without Lark, YAML or
networkx.  The IR is a section of its own that stays pickled until something reads it (the batch
plan, a trace, a rule fault, rule tests): a scan of a few records, which the row evaluator checks,
needs only the code, the catalogue and a few fields of each rule (`eval.program.Stored`).
The entry's name is a hash of everything the compiled form is a function of (`_pack_key`):
the bytes and inside-paths of every rule and law file, how paths are shown (the folder as given,
its real location and the cwd — diagnostics and spans carry display paths relative to the cwd, and
storing those is simpler and safer than rewriting every span on load, at the price of one entry per
place the pack is scanned from), the legality version, the names, sizes and times of the compiler's
own source files and of the grammar (an edited checkout never loads a pack the old code compiled),
the Python version (marshal and pickle formats) and `PACK_FORMAT`.  A failed compile is
never stored: rules with errors are compiled (and fail, exit 2) on every run.  Anything unexpected
on load (an entry from another build, a class that changed) means: compile, and store again.
`LEGALITY_NO_CACHE=1` (or `scan --no-cache`) compiles without reading or writing the cache.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from . import __version__
from .diagnostics import CompileError, Diagnostic, has_errors
from .resources import GRAMMAR_FILE, LAW_DIR, RULES_DIR
from .result.candidate import Evaluation, RuleInfo

if TYPE_CHECKING:
    from .eval.program import Program
    from .law import Catalogue
    from .model.verdict import Verdict


log = logging.getLogger(__name__)

_CACHE: dict[str, tuple["Engine | None", list[Diagnostic]]] = {}

# Bump when the stored form of a compiled pack changes in a way the compiler's own code does not show
# (the code is part of the key anyway, see `_compiler_fingerprint`).
PACK_FORMAT = "legality-pack/3"
KEEP_PACKS = 8  # compiled packs kept in the cache (the most recently used; one is ~6 MB for the shipped pack)
PACKAGE_DIR = Path(__file__).resolve().parent
# the parts of legality whose code shapes a compiled pack or the classes stored in it
_COMPILER_UNITS = ("__init__.py", "cache.py", "diagnostics.py", "driver.py", "engine.py", "resources.py",
                   "eval", "law", "lint", "model", "plan", "resolve", "result", "syntax")


_PACK_SUFFIXES = (".legal", ".yaml", ".yml")


def _tree_files(root: Path) -> list[tuple[str, str]]:
    """(inside path, path) of every rule and law file below `root`, sorted: the files the driver
    (`rglob("*.legal")`) and the catalogue (`rglob("*")`, .yaml/.yml) read — like `rglob`, never
    through a symlinked folder.  `os.scandir`, not pathlib: this runs on every start."""
    out: list[tuple[str, str]] = []
    stack = [("", str(root))]
    while stack:
        rel, folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.is_dir() and not e.is_symlink():
                        stack.append((f"{rel}{e.name}/", e.path))
                    elif e.name.endswith(_PACK_SUFFIXES) and e.is_file():
                        out.append((f"{rel}{e.name}", e.path))
        except PermissionError:
            continue  # `rglob` skips a folder it may not list, and so does the compile
    out.sort()
    return out


def _tree_digest(root: Path) -> str:
    """sha256 of the inside path and bytes of every rule and law file below `root` (`_tree_files`)."""
    import hashlib

    h = hashlib.sha256()
    for rel, path in _tree_files(root):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:  # the compile reports it (E005) and fails: such a pack is never stored
            data = b"\0unreadable\0"
        h.update(f"{rel}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        h.update(data)
    return h.hexdigest()


def _content_key(rules_dir: str | Path | None, tree: str | None = None, lang: str = "ru") -> str | None:
    """The in-process cache key of an engine: the bytes of its rule and law files, and how it shows paths.

    Why not the bytes alone: a compiled engine carries the display paths of its spans (relative to
    the cwd, as diagnostics and reports print them) and the folder as given (in law diagnostics), so
    two folders with the same bytes share an engine only when they would print the same.  Where the
    folder lives is no part of it, and the engine's `version` is the content alone (driver `_compile`).
    """
    import hashlib

    from .diagnostics import display_path

    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    if not root.is_dir():
        return None
    h = hashlib.sha256((tree or _tree_digest(root)).encode())
    h.update(b"\0shown as\0" + str(root).encode() + b"\0" + display_path(root).encode())
    h.update(b"\0language\0" + lang.encode())
    return h.hexdigest()


def disk_cache_enabled() -> bool:
    """False when `LEGALITY_NO_CACHE` is set (to anything but empty or 0): compile, never read or store."""
    return os.environ.get("LEGALITY_NO_CACHE", "").strip() in ("", "0")


_compiler_digest: str | None = None


def _compiler_fingerprint() -> str:
    """Name, size and modification time of legality's own compiler code and of the grammar: an edited
    checkout (or another build of the same version) never gets a pack compiled by other code."""
    global _compiler_digest
    if _compiler_digest is None:
        import hashlib

        h = hashlib.sha256()
        paths: list[str] = []
        for unit in _COMPILER_UNITS:
            p = PACKAGE_DIR / unit
            if p.is_dir():
                for folder, dirs, files in os.walk(p):
                    dirs.sort()
                    paths.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".py"))
            else:
                paths.append(str(p))
        for path in [*paths, str(GRAMMAR_FILE)]:
            st = os.stat(path)
            h.update(f"{os.path.relpath(path, PACKAGE_DIR)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode(
                "utf-8", "surrogateescape"))
        _compiler_digest = h.hexdigest()
    return _compiler_digest


def _pack_key(rules_dir: str | Path | None, tree: str | None = None, lang: str = "ru") -> str | None:
    """The cache entry name of a rule set's compiled pack, or None (no such folder, a file unreadable).

    Everything a compile reads or shows is in it: the rule and law files below the folder (inside-paths
    and bytes, `_tree_digest`) and, when the catalogue comes from elsewhere (no own `law/`: the shipped
    one; or a symlinked `law/`), that folder's files too; whether the law folder lies inside the rule set
    (lint W103); the folder as given, its real path and the cwd (display paths: the driver shows imports
    by their real path); the legality version and compiler code, the Python build, `PACK_FORMAT`; and the
    language the candidates are written in (`lang`)."""
    import marshal
    import pickle

    from .cache import entry_name

    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    try:
        if not root.is_dir():
            return None
        tree = tree or _tree_digest(root)
        real = root.resolve()
        law = root / "law"
        own_tree = law.is_dir() and not law.is_symlink()
        law = law if law.is_dir() else LAW_DIR
        law_tree = "" if own_tree else _tree_digest(law)
        own_law = law.resolve().is_relative_to(real)
        cwd = os.getcwd()
        compiler = _compiler_fingerprint()
    except (OSError, ValueError):
        return None
    return entry_name("pack", PACK_FORMAT, __version__, sys.version, sys.implementation.cache_tag,
                      str(marshal.version), str(pickle.HIGHEST_PROTOCOL), compiler, tree, law_tree,
                      str(root), str(real), cwd, str(law), str(own_law), f"lang={lang}")


def _restore_slots(cls: type, names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    """Unpickle a frozen slots dataclass (a `Span`, a `Sanction`, …) without dataclasses' slow `__setstate__`."""
    obj: Any = object.__new__(cls)
    for n, v in zip(names, values):
        object.__setattr__(obj, n, v)
    return obj


def _same(obj: Any) -> Any:
    """Unpickle a repeated value as the object already loaded (see `_pack_dumps`)."""
    return obj


def _pack_dumps(data: Any) -> bytes:
    """Pickle a pack so that it loads fast: slots dataclasses without `__setstate__`, and immutable values
    the catalogue repeats thousands of times (a penalty option, a term, a citation) stored once.

    Why "the same" is decided by the pickled bytes and not by `==`: equal is not identical — a term of
    12 months equals a term of 1 year, yet each keeps how it was written (`years`, `months`)."""
    import dataclasses
    import io
    import pickle
    from fractions import Fraction

    from .law.sanction import AdditionalOption, PenaltyOption
    from .model.values import ArticleRef, Citation, Quantity, Term

    shared = (AdditionalOption, PenaltyOption, ArticleRef, Citation, Quantity, Term, Fraction)
    names: dict[type, tuple[str, ...] | None] = {}
    first: dict[tuple[type, bytes], Any] = {}

    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj: Any) -> Any:
            cls = type(obj)
            if cls in shared:
                key = (cls, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
                seen = first.setdefault(key, obj)
                if seen is not obj:
                    return _same, (seen,)
            if cls not in names:
                ok = (dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__
                      and getattr(getattr(cls, "__setstate__", None), "__name__", "") == "_dataclass_setstate")
                names[cls] = tuple(f.name for f in dataclasses.fields(cls)) if ok else None
            fields = names[cls]
            if fields is None:
                return NotImplemented
            return _restore_slots, (cls, fields, tuple(getattr(obj, n) for n in fields))

    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
    return buf.getvalue()


def _pack_payload(program: Program, diags: list[Diagnostic]) -> bytes:
    """A pack as sections, each pickled on its own: `head` (what linking and a scan of a few records need:
    the code, its tables, the rule heads and infos), `catalogue`, and `ir` (the checked facts and rules),
    which `_pack_load` unpickles only when something reads the program's IR (`eval.program.Stored`)."""
    import marshal

    gen = program.generated
    heads, links = program.stored_parts()
    head = {
        "order": program.order, "digest": program.sources_digest, "diagnostics": diags, "source": gen.source,
        "code": marshal.dumps(gen.code), "consts": gen.consts, "getters": gen.getters, "plan": gen.plan,
        "reads": gen.reads, "lang": program.lang, "heads": heads, "links": links, "infos": program.rule_infos(),
        "edition": program.edition,
    }
    return _pack_dumps({"format": PACK_FORMAT, "head": _pack_dumps(head), "catalogue": _pack_dumps(program.catalogue),
                        "ir": _pack_dumps((program.facts, program.rules))})


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """Build the objects of a pack (tens of thousands, none of them cyclic garbage) with the cyclic
    collector off, and hand them to its oldest generation.

    Why: with the collector on, it ran over them again and again while they were made (it made loading
    5× slower); switched back on as it was, its next young collection walked all of them once more
    (50 ms, a quarter of a one-record scan).  `freeze` + `unfreeze` moves every object straight to the
    oldest generation without a pass over them, so only a full collection ever sees them, and nothing
    is kept from the collector for good.  Unless a command froze the heap already (`gc.freeze`: a scan
    keeps its pack out of the collector's sight for the whole run): then the new objects join the frozen
    ones, and the earlier freeze stays — thawing it here, when a scan's first batch unpickles the IR,
    gave every later full pass of the main process the whole pack to walk again."""
    import gc

    collecting = gc.isenabled()
    frozen = gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not frozen:
            gc.unfreeze()
        if collecting:
            gc.enable()


def _unpickle(section: bytes) -> Any:
    """One section of a verified pack."""
    import pickle

    with _uncollected():
        return pickle.loads(section)  # noqa: S301 - a verified entry of the user's private cache (legality.cache)


def _pack_load(payload: bytes) -> "Engine | None":
    """The engine of a stored pack; None when the entry is not one this build can use.  Its IR stays
    pickled until something reads it (`eval.program.Stored`)."""
    import marshal
    import pickle

    from .eval.program import Generated, Program, Stored

    with _uncollected():
        data = pickle.loads(payload)  # noqa: S301 - a verified entry of the user's private cache (legality.cache)
        if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
            return None
        head, catalogue, ir = pickle.loads(data["head"]), pickle.loads(data["catalogue"]), data["ir"]  # noqa: S301
        gen = Generated(head["source"], marshal.loads(head["code"]), head["consts"], head["getters"], head["plan"],
                        head["reads"])
        stored = Stored(lambda: _unpickle(ir), head["heads"], head["links"], head["infos"], head["edition"])
        program = Program(None, None, head["order"], catalogue, head["digest"], generated=gen, lang=head["lang"],
                          stored=stored)
        engine = Engine(program, head["diagnostics"])
        engine.from_cache = True
        return engine


class PackStats:
    """What the disk cache did in this process (the tests read it): packs loaded, stored, compiled."""

    loaded = 0
    stored = 0
    compiled = 0


class Engine:
    backend: str = "batch"  # evaluate_many: "batch" (columnar) or "row"; set per engine by the scan
    from_cache: bool = False  # loaded from the on-disk cache of compiled packs (not compiled in this process)

    def __init__(self, program: Program, diagnostics: list[Diagnostic]) -> None:
        self._program = program
        self.diagnostics = diagnostics  # warnings of a successful compile
        self.version: str = program.version
        self.rules: list[RuleInfo] = program.rule_infos()
        self.catalogue: Catalogue = program.catalogue
        self.lang: str = program.lang  # the language of its candidates' texts

    @property
    def rule_defs(self) -> dict[str, Any]:
        """The checked rules by id (`resolve.ir.RuleDef`): what `legality test`'s lints (lint/tested.py) read."""
        return self._program.rules

    @classmethod
    def compile(cls, rules_dir: str | Path | None = None, *, catalogue: Catalogue | None = None,
                disk_cache: bool | None = None, lang: str | None = None) -> tuple["Engine | None", list[Diagnostic]]:
        """Compile a rule set, or take it from this process's cache or the on-disk cache (see the module
        docstring).  `disk_cache`: None follows `LEGALITY_NO_CACHE`; an explicit catalogue never uses it.
        `lang`: the language of the candidates' texts (ru or kk; default `i18n.text_language()` now: Russian
        under `--lang en`, whose English is only for the diagnostics)."""
        from . import i18n

        result: tuple[Engine | None, list[Diagnostic]]
        lang = lang or i18n.text_language()
        # the warnings kept with a compiled pack are in the language of the diagnostics (en: English)
        key_lang = lang if i18n.language() == lang else f"{lang}+diagnostics={i18n.language()}"
        root = Path(rules_dir) if rules_dir is not None else RULES_DIR
        tree = _tree_digest(root) if catalogue is None and root.is_dir() else None
        key = _content_key(rules_dir, tree, key_lang) if catalogue is None else None
        if key is not None and key in _CACHE:
            return _CACHE[key]
        use_disk = catalogue is None and (disk_cache_enabled() if disk_cache is None else disk_cache)
        store, name = None, None
        if use_disk:
            from .cache import Cache

            name = _pack_key(rules_dir, tree, key_lang)
            store = Cache.open() if name is not None else None
            payload = store.get(name) if store is not None and name is not None else None
            if payload is not None and store is not None and name is not None:
                try:
                    engine = _pack_load(payload)
                except Exception as e:  # noqa: BLE001 - an entry this build cannot read: compile again
                    log.debug("stored rule pack ignored (%s)", type(e).__name__)
                    engine = None
                if engine is not None:
                    store.touch(name)
                    PackStats.loaded += 1
                    result = (engine, list(engine.diagnostics))
                    if key is not None:
                        _CACHE[key] = result
                    return result
        from .driver import compile_program

        PackStats.compiled += 1
        program, diags = compile_program(rules_dir, catalogue=catalogue, lang=lang)
        result = (None, diags) if program is None or has_errors(diags) else (cls(program, diags), diags)
        if key is not None:
            _CACHE[key] = result
        if result[0] is not None and store is not None and name is not None:
            try:
                stored = store.put(name, _pack_payload(program, diags))
                if stored:
                    store.prune("pack", KEEP_PACKS)
            except Exception as e:  # noqa: BLE001 - storing is an optimisation: never fail the compile
                log.debug("rule pack not stored (%s)", type(e).__name__)
                stored = False
            PackStats.stored += stored
        return result

    @classmethod
    def load(cls, rules_dir: str | Path | None = None, *, catalogue: Catalogue | None = None,
             disk_cache: bool | None = None, lang: str | None = None) -> "Engine":
        engine, diags = cls.compile(rules_dir, catalogue=catalogue, disk_cache=disk_cache, lang=lang)
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

    def with_branch_coverage(self) -> tuple["Engine", Any]:
        """This rule set's code generated again with a call at each branch point (`legality test
        --coverage`), and the `eval.branches.Cover` those calls fill; never stored, never scanned with."""
        from .eval.branches import instrument

        program, cover = instrument(self._program)
        return Engine(program, self.diagnostics), cover

    def prepare(self) -> None:
        """Build now what evaluating a batch builds on first use (the batch backend's plan).

        Why: a forked `--jobs` worker inherits what exists when it is forked.  Built once here, before
        the fork, the plan is shared by the workers (copy-on-write) instead of built by each while the
        other does the same and the main process reads the input: on 50,000 records the workers' first
        chunk took 0.44–0.57 s without it against 0.19–0.32 s with it (docs/scale.md, sixth round)."""
        if self.backend == "batch":
            self._program.batch_plan()

    def evaluate(self, verdict: Verdict, *, trace: bool = False, only_rule: str | None = None) -> Evaluation:
        """Candidates in a deterministic order (record-level rules, then per offence in record order)."""
        return self._program.evaluate(verdict, trace=trace, only_rule=only_rule)

    def evaluate_many(self, verdicts: list[Verdict]) -> list[Evaluation]:
        """Each record's evaluation, equal to `evaluate` of it alone, computed a batch at a time by the
        backend chosen (`backend`: "batch", the columnar evaluator, or "row", one record at a time)."""
        if self.backend == "row":
            return [self._program.evaluate(v) for v in verdicts]
        return self._program.evaluate_many(verdicts)

    def evaluate_many_marked(self, verdicts: list[Verdict]) -> list[Any]:
        """`evaluate_many`, with a record the batch backend decides clean handed back as a shared
        `result.candidate.CleanMark` (all a plain scan reads of it: pipeline._work_streaming)."""
        if self.backend == "row":
            return [self._program.evaluate(v) for v in verdicts]
        return self._program.evaluate_many(verdicts, marked=True)
