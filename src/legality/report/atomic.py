"""Report files: atomic replacement of regular files, direct writes to devices and pipes.

Why: a nightly job that is killed mid-run must never leave a half-written report that a downstream
system would read as complete.  A regular file (or a path that does not exist yet) is written to a
temporary file beside it and renamed over it at the end, so it either keeps its previous complete
version or does not exist; a crash leaves at most a hidden `.NAME.<pid>.<random>.tmp`, removed on
any Python-level exit, and by the next write of the same output once its process is gone (a
`kill -9` skips every cleanup, so leftovers would otherwise pile up night after night).

Why not always rename: a character device (`/dev/null`), a FIFO or a pipe such as `-o >(gzip >
r.gz)` (`/dev/fd/N`) is not a file to replace; renaming over it would swap the node itself for a
regular file (as root, `-o /dev/null` would destroy the system's /dev/null).  Those are opened and
written through.  A symbolic link is followed: the file it points to is replaced atomically and the
link itself stays a link.

Also here: the checks every command makes on its output paths before reading anything (an output
that is one of the inputs, or two outputs that are one file), and Russian wording of OS errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..i18n import N_, _
from .text import safe_text

STALE_SECONDS = 3600  # a temp file of the old naming (no pid) older than this is a leftover

_PID_TEMP = re.compile(r"(\d+)\.[A-Za-z0-9_]+\.tmp")
_LEGACY_TEMP = re.compile(r"[A-Za-z0-9_]{8}\.tmp")
_DESCRIPTOR_PATHS = ("/dev/fd/", "/dev/stdout", "/dev/stderr", "/proc/")


def writes_through(path: str | Path) -> bool:
    """True for an existing node that is not a regular file, or a `/dev/fd/N`-style descriptor path."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return True
    # `/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1` on a regular file: the shell's redirection owns
    # the file (it may be appending), so write to the descriptor, do not replace the file
    return os.path.abspath(path).startswith(_DESCRIPTOR_PATHS) or os.path.realpath(path).startswith("/proc/")


@contextlib.contextmanager
def atomic_binary(path: str | Path) -> Iterator[BinaryIO]:
    if writes_through(path):
        with open(path, "wb") as fh:
            yield fh
        return
    target = Path(os.path.realpath(path))  # a symlink: replace what it points to, keep the link
    directory = target.parent
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | Path, data: bytes) -> None:
    with atomic_binary(path) as fh:
        fh.write(data)


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temp files of `target` left by runs that were killed; never those of a live run.

    A temp name carries the pid of its writer: the file is stale when that process is gone.  Names
    of the older scheme (no pid) are stale after `STALE_SECONDS`.  Only our own regular files.
    """
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    removed = []
    now = time.time()
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        rest = name[len(prefix):]
        m = _PID_TEMP.fullmatch(rest)
        if m is None and not _LEGACY_TEMP.fullmatch(rest):
            continue
        path = target.parent / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            continue
        if m is not None:
            pid = int(m.group(1))
            if pid == os.getpid() or _alive(pid):
                continue
        elif now - st.st_mtime < STALE_SECONDS:
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stat(path: str | None) -> os.stat_result | None:
    if path is None:
        return None
    try:
        return os.stat(path)
    except OSError:
        return None


def output_problem(path: str | None, what: str) -> str | None:
    """Why `path` cannot take an output (in Russian), checked before any work is done, or None."""
    if path is None:
        return None
    shown = safe_text(path)
    try:
        if writes_through(path):
            return None if os.access(path, os.W_OK) else _("{what} {shown}: нет прав на запись").format(what=what, shown=shown)
        if os.path.isdir(path):
            return _("{what} {shown}: это каталог, а нужен путь к файлу").format(what=what, shown=shown)
        parent = os.path.dirname(os.path.realpath(path))
        if not os.path.isdir(parent):
            return _("{what} {shown}: каталог {folder} не существует; создайте его или укажите другой путь").format(what=what, shown=shown, folder=safe_text(parent))
        if not os.access(parent, os.W_OK):
            return _("{what} {shown}: нет прав на запись в каталог {folder}").format(what=what, shown=shown, folder=safe_text(parent))
    except OSError as exc:
        return f"{what} {shown}: {os_error_ru(exc)}"
    return None


def output_conflict(outputs: Iterable[tuple[str | None, str]], inputs: Iterable[tuple[str | None, str]]) -> str | None:
    """Why these outputs cannot be written (in Russian), or None.

    `outputs` are (path, option) pairs, `inputs` (path, what it is: «входной файл x.jsonl»); an input
    path None is stdin.
    An output that is one of the inputs would destroy the data being checked; two outputs that are
    one file would leave only the last.  Compared by device and inode (hard links, symlinks,
    `./x` vs `x`), and by resolved path for files that do not exist yet.  Character devices such
    as /dev/null may be named twice.
    """
    outs = [(p, what, _stat(p)) for p, what in outputs if p is not None]
    ins = []
    for p, name in inputs:
        if p is None:
            try:
                ins.append((name, os.fstat(0)))
            except OSError:
                pass
        else:
            st = _stat(p)
            if st is not None:
                ins.append((name, st))
    for p, what, st in outs:
        if st is None or stat.S_ISCHR(st.st_mode):
            continue
        for name, ist in ins:
            if os.path.samestat(st, ist):
                return (_("{what} {file}: это {kind}; запись в него уничтожила бы эти данные — "
                        "укажите для {what} другой файл").format(what=what, file=safe_text(p), kind=safe_text(name)))
    for i, (p, what, st) in enumerate(outs):
        for q, other, qst in outs[i + 1:]:
            if st is not None and qst is not None:
                same = os.path.samestat(st, qst) and not stat.S_ISCHR(st.st_mode)
            else:
                same = os.path.realpath(p) == os.path.realpath(q)
            if same:
                return _("{what} и {other} указывают на один и тот же файл {file}; укажите для них разные файлы").format(what=what, other=other, file=safe_text(p))
    return None


_ERRNO_RU = {
    errno.ENOSPC: N_("на диске нет места"),
    errno.EDQUOT: N_("превышена дисковая квота"),
    errno.EFBIG: N_("файл слишком велик для этой файловой системы"),
    errno.EACCES: N_("нет прав доступа"),
    errno.EPERM: N_("операция не разрешена"),
    errno.EROFS: N_("файловая система доступна только для чтения"),
    errno.ENOENT: N_("файл или каталог не найден"),
    errno.ENOTDIR: N_("часть пути не является каталогом"),
    errno.EISDIR: N_("это каталог, а нужен файл"),
    errno.EIO: N_("ошибка ввода-вывода (неисправен диск или сетевой ресурс)"),
    errno.EMFILE: N_("открыто слишком много файлов"),
    errno.ENFILE: N_("в системе открыто слишком много файлов"),
    errno.ENOMEM: N_("не хватает памяти"),
    errno.ENXIO: N_("устройство недоступно (у канала нет читателя?)"),
    errno.ETXTBSY: N_("файл занят"),
    errno.ENAMETOOLONG: N_("слишком длинное имя файла"),
    errno.ELOOP: N_("слишком много символических ссылок (ссылка на саму себя?)"),
    errno.EPIPE: N_("читатель канала завершился"),
    # a network address (a Dask scheduler, a PostgreSQL server)
    errno.ECONNREFUSED: N_("соединение отклонено"),
    errno.ECONNRESET: N_("соединение сброшено"),
    errno.ETIMEDOUT: N_("время ожидания истекло"),
    errno.EHOSTUNREACH: N_("узел недоступен"),
    errno.ENETUNREACH: N_("сеть недоступна"),
}


def os_error_ru(exc: OSError) -> str:
    """The reason of an OS error in plain Russian (the C library's text is English under cron)."""
    if exc.errno is None:
        return _("ошибка операционной системы")
    known = _ERRNO_RU.get(exc.errno)
    if known:
        return _(known)
    return _("системная ошибка {code}").format(code=errno.errorcode.get(exc.errno, exc.errno))
