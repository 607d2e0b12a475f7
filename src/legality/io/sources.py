"""Turning the paths a user typed into an ordered list of input sources.

Why a separate step: unreadable paths are a usage problem (exit 2) that must be known before a
single record is read, while everything wrong *inside* a readable file is a record problem that is
counted and reported.  The order is a pure function of the paths given and the file names found,
so the same inputs give byte-identical output on every machine; paths are displayed as the user
typed them (relative stays relative, always with ``/``).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal, Sequence

from ..i18n import _
from . import parquet

STDIN = "-"
STDIN_NAME = "<stdin>"
# what a directory contributes; a file named explicitly is read whatever its name
BATCH_SUFFIXES = (".jsonl", ".ndjson", ".json", ".parquet")

Kind = Literal["jsonl", "json", "auto", "parquet"]


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
    """`.json` holds one object or an array, `.parquet` one record a row; anything else named
    explicitly is read as JSON Lines."""
    if parquet.is_parquet(name):
        return "parquet"
    return "json" if name.lower().endswith(".json") else "jsonl"


def _display(given: str, rel: PurePath | None = None) -> str:
    p = PurePath(given) if rel is None else PurePath(given) / rel
    return p.as_posix()


def _os_message(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("файл или каталог не найден")
    if isinstance(exc, PermissionError):
        return _("нет прав на чтение")
    if isinstance(exc, IsADirectoryError):
        return _("это каталог, а ожидается файл")
    if exc.errno == errno.ELOOP:
        return _("символическая ссылка зациклена")
    return _("не удаётся прочитать ({why})").format(why=exc.strerror or type(exc).__name__)


def _check_readable(path: Path) -> str | None:
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return _os_message(exc)


def _link_message(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError) and os.path.islink(path):
        return _("символическая ссылка ведёт на несуществующий файл")
    return _os_message(exc)


def _walk(given: str, root: Path, errors: list[InputError]) -> list[tuple[tuple[str, ...], Path]]:
    """The batch files below `root`, as (path parts relative to root, path), in sorted order.

    Why not `os.walk`: it does not follow symlinked folders and drops dangling links, so records in a
    linked folder of an export tree were skipped without a word.  Here folder links are followed, a
    folder is read once (by device and inode, which also stops link loops), and a batch file that
    cannot be opened (a dangling link, no permission) is an error like an unreadable path.
    """
    found: list[tuple[tuple[str, ...], Path]] = []
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[tuple[str, ...], Path]] = [((), root)]

    def error(rel: tuple[str, ...], message: str) -> None:
        errors.append(InputError(_display(given, PurePath(*rel)) if rel else _display(given), message))

    while stack:
        rel, folder = stack.pop()
        try:
            st = folder.stat()
            key = (st.st_dev, st.st_ino)
            if key in visited:
                continue  # reached again through a link (or a link loop): its files are already in
            visited.add(key)
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            error(rel, _os_message(exc))
            continue
        subfolders = []
        for e in entries:
            sub = rel + (e.name,)
            p = folder / e.name
            try:
                is_dir = e.is_dir()  # follows links; False for a dangling one
            except OSError as exc:
                error(sub, _os_message(exc))
                continue
            if is_dir:
                subfolders.append((sub, p))
                continue
            if not e.name.lower().endswith(BATCH_SUFFIXES):
                continue
            try:
                if stat.S_ISREG(os.stat(p).st_mode):
                    found.append((sub, p))
                # a FIFO, socket or device named *.jsonl in a tree is not an export file: skipped
            except OSError as exc:
                error(sub, _link_message(p, exc))
        stack.extend(reversed(subfolders))
    found.sort(key=lambda item: item[0])
    return found


def _stdin_problem() -> str | None:
    """Why standard input cannot be read at all (closed, a folder), or None."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # `legality scan - <&-`: Python starts with sys.stdin = None
        return _("стандартный ввод закрыт: передайте данные через конвейер или перенаправление (< файл)")
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None  # not an OS stream (tests, embedding): whatever it holds is read
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        return _("стандартный ввод недоступен ({why})").format(why=exc.strerror or type(exc).__name__)
    if stat.S_ISDIR(mode):
        return _("на стандартный ввод подан каталог, а ожидается файл или поток")
    return None


def resolve_inputs(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Source], list[InputError]]:
    """Sources in a deterministic order, and the paths that cannot be read (callers exit 2 on those).

    Directories are expanded recursively to their `*.jsonl`, `*.ndjson`, `*.json`, `*.parquet` files,
    sorted by path within each directory argument; hidden files and directories are skipped, folder
    links are followed.  A file reached twice (named twice, or named and inside a named directory) is read
    once, at its first place.
    """
    sources: list[Source] = []
    errors: list[InputError] = []
    seen: set[object] = set()

    def add(name: str, path: Path | None, kind: Kind) -> None:
        key: object = STDIN if path is None else _identity(path)
        if key in seen:
            return
        seen.add(key)
        if kind == "parquet":
            # without pyarrow no .parquet file can be read, whatever it holds: like an unreadable
            # path, an input error known before any record is read (not an invalid record)
            problem = parquet.missing()
            if problem:
                errors.append(InputError(name, problem))
                return
        sources.append(Source(name, path, kind))

    for raw in paths:
        given = os.fspath(raw)
        if given == STDIN:
            problem = _stdin_problem()
            if problem:
                errors.append(InputError(STDIN_NAME, problem))
            else:
                add(STDIN_NAME, None, "auto")
            continue
        path = Path(given)
        try:
            is_dir = path.is_dir()  # EACCES on a folder above (readable, not searchable) raises
        except OSError as exc:
            errors.append(InputError(_display(given), _os_message(exc)))
            continue
        if is_dir:
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
