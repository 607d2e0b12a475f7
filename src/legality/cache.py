"""A per-user on-disk cache for derived artefacts (the parser tables; later, compiled rule packs).

Why this module instead of a library's own cache: some cached artefacts are pickles, and loading a
pickle runs code.  Lark's `cache=True` wrote them to a predictable name in the shared temp folder
and loaded whatever file was there, so another local user could run code as the nightly job's user
(red-team F01).  Here an entry is only ever read

- from a folder that belongs to the current user and that nobody else can write to (created 0700);
- from a regular file that belongs to the current user and is not group/world-writable;
- after the sha256 of its payload, stored in the entry's header, matches.

Entries are named by a hash of everything they were derived from, so a changed input is a new name
and never a stale hit.  Writes go to a temporary file in the same folder and are renamed into place,
so a reader sees a complete entry or none.  Any doubt (foreign owner, loose mode, bad hash, read or
write error) means "no cache": the caller rebuilds, which is always correct, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"legality-cache/1 "
# what this module writes: entries (`entry_name`) and, for a moment, temporary files (`put`)
_OWN_FILE = re.compile(r"(?:[A-Za-z0-9_-]+-[0-9a-f]{64}\.bin|\.tmp-[A-Za-z0-9_]+\.part)")
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def default_dir() -> Path:
    env = os.environ.get("LEGALITY_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "legality"
    return Path.home() / ".cache" / "legality"


def entry_name(kind: str, *inputs: bytes | str) -> str:
    """A file name that changes whenever any input changes (length-prefixed, so inputs cannot blur)."""
    h = hashlib.sha256()
    for part in inputs:
        b = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else bytes(part)
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    safe_kind = "".join(c for c in kind if c.isalnum() or c in "-_") or "entry"
    return f"{safe_kind}-{h.hexdigest()}.bin"


def _safe_mode(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


class Cache:
    """One cache folder; `open()` returns None when the folder cannot be trusted or created."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def open(cls, root: str | Path | None = None) -> "Cache | None":
        path = Path(root) if root is not None else default_dir()
        try:
            if not path.exists() and not path.is_symlink():
                path.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileExistsError):
                    os.mkdir(path, 0o700)
                    os.chmod(path, 0o700)
            st = os.lstat(path)
        except OSError as e:
            log.debug("cache disabled: cannot create the cache folder (%s)", type(e).__name__)
            return None
        if not stat.S_ISDIR(st.st_mode):
            log.debug("cache disabled: the cache path is not a plain folder")
            return None
        if not _safe_mode(st):
            log.debug("cache disabled: the cache folder belongs to another user or others can write to it")
            return None
        return cls(path)

    def get(self, name: str) -> bytes | None:
        """The verified payload of an entry, or None (missing, untrusted or damaged entries alike)."""
        path = self.root / name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _safe_mode(st) or st.st_size > MAX_ENTRY_BYTES:
                log.debug("cache entry ignored: not a private regular file")
                return None
            with os.fdopen(fd, "rb", closefd=False) as fh:
                header = fh.readline(200)
                payload = fh.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if not header.startswith(MAGIC) or not header.endswith(b"\n"):
            log.debug("cache entry ignored: unknown format")
            return None
        want = header[len(MAGIC):-1].decode("ascii", "replace")
        if hashlib.sha256(payload).hexdigest() != want:
            log.debug("cache entry ignored: checksum mismatch")
            return None
        return payload

    def put(self, name: str, payload: bytes) -> bool:
        """Store atomically; False (and nothing left behind) when the folder cannot be written."""
        header = MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n"
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=self.root)
            with os.fdopen(fd, "wb") as fh:
                fh.write(header)
                fh.write(payload)
            os.replace(tmp, self.root / name)
            return True
        except OSError as e:
            log.debug("cache entry not stored (%s)", type(e).__name__)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return False

    def touch(self, name: str) -> None:
        """Mark an entry as just used (`prune` keeps the most recently used ones)."""
        with contextlib.suppress(OSError):
            os.utime(self.root / name)

    def prune(self, kind: str, keep: int) -> int:
        """Remove all but the `keep` most recently used entries of a kind; how many were removed.

        Why: every edit of a rule set makes a new entry, and a rule author editing all day would
        otherwise fill the disk with packs nobody will load again."""
        found = []
        for name, _ in self.entries():
            if name.startswith(f"{kind}-") and name.endswith(".bin"):
                with contextlib.suppress(OSError):
                    found.append((os.stat(self.root / name).st_mtime_ns, name))
        removed = 0
        for _, name in sorted(found, reverse=True)[keep:]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / name)
                removed += 1
        return removed

    def entries(self) -> list[tuple[str, int]]:
        """(name, size) of every file of this cache, by name: what `clear` removes."""
        out = []
        for e in os.scandir(self.root):
            if _OWN_FILE.fullmatch(e.name) and e.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    out.append((e.name, e.stat(follow_symlinks=False).st_size))
        return sorted(out)

    def clear(self) -> tuple[int, int]:
        """Remove every entry (and stale temporary file); (files removed, bytes freed).  Files this module
        did not write are left alone, so a cache folder pointed at a wrong place loses nothing else."""
        removed, freed = 0, 0
        for name, size in self.entries():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / name)
                removed, freed = removed + 1, freed + size
        return removed, freed
