"""Turning the paths a user typed into an ordered list of input sources.

Why a separate step: unreadable paths are a usage problem (exit 2) that must be known before a
single record is read, while everything wrong *inside* a readable file is a record problem that is
counted and reported.  The order is a pure function of the paths given and the file names found,
so the same inputs give byte-identical output on every machine; paths are displayed as the user
typed them (relative stays relative, always with ``/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal, Sequence

STDIN = "-"
STDIN_NAME = "<stdin>"
# what a directory contributes; a file named explicitly is read whatever its name
BATCH_SUFFIXES = (".jsonl", ".ndjson", ".json")

Kind = Literal["jsonl", "json", "auto"]


@dataclass(frozen=True, slots=True)
class Source:
    """One input: `name` is what messages show, `path` is None for stdin."""

    name: str
    path: Path | None
    kind: Kind


@dataclass(eq=True)
class InputError(Exception):
    """A path that cannot be read at all (missing, not permitted, not a file)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def kind_of(name: str) -> Kind:
    """`.json` holds one object or an array; anything else named explicitly is read as JSON Lines."""
    return "json" if name.lower().endswith(".json") else "jsonl"


def _display(given: str, rel: PurePath | None = None) -> str:
    p = PurePath(given) if rel is None else PurePath(given) / rel
    return p.as_posix()


def _os_message(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "файл или каталог не найден"
    if isinstance(exc, PermissionError):
        return "нет прав на чтение"
    if isinstance(exc, IsADirectoryError):
        return "это каталог, а ожидается файл"
    return f"не удаётся прочитать ({exc.strerror or type(exc).__name__})"


def _check_readable(path: Path) -> str | None:
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return _os_message(exc)


def _walk(given: str, root: Path, errors: list[InputError]) -> list[tuple[tuple[str, ...], Path]]:
    found: list[tuple[tuple[str, ...], Path]] = []

    def onerror(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        errors.append(InputError(_display(given, where.relative_to(root)) if where != root else _display(given),
                                 _os_message(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .git, .cache, editor dirs
        base = Path(dirpath)
        for f in filenames:
            if f.startswith(".") or not f.lower().endswith(BATCH_SUFFIXES):
                continue
            p = base / f
            if p.is_file():
                found.append((p.relative_to(root).parts, p))
    found.sort(key=lambda item: item[0])
    return found


def resolve_inputs(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Source], list[InputError]]:
    """Sources in a deterministic order, and the paths that cannot be read (callers exit 2 on those).

    Directories are expanded recursively to their `*.jsonl`, `*.ndjson`, `*.json` files, sorted by
    path within each directory argument; hidden files and directories are skipped.  A file reached
    twice (named twice, or named and inside a named directory) is read once, at its first place.
    """
    sources: list[Source] = []
    errors: list[InputError] = []
    seen: set[object] = set()

    def add(name: str, path: Path | None, kind: Kind) -> None:
        key: object = STDIN if path is None else _identity(path)
        if key in seen:
            return
        seen.add(key)
        sources.append(Source(name, path, kind))

    for raw in paths:
        given = os.fspath(raw)
        if given == STDIN:
            add(STDIN_NAME, None, "auto")
            continue
        path = Path(given)
        if path.is_dir():
            for rel, p in _walk(given, path, errors):
                problem = _check_readable(p)
                if problem:
                    errors.append(InputError(_display(given, PurePath(*rel)), problem))
                else:
                    add(_display(given, PurePath(*rel)), p, kind_of(p.name))
            continue
        problem = _check_readable(path)  # pipes such as <(zcat x.gz) are fine too
        if problem:
            errors.append(InputError(_display(given), problem))
        else:
            add(_display(given), path, kind_of(path.name))
    return sources, errors


def _identity(path: Path) -> object:
    try:
        st = path.stat()
        return (st.st_dev, st.st_ino)
    except OSError:
        return os.path.abspath(path)
