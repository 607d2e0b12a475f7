"""Opening a store: connection settings, migrations, and the errors a user can act on.

Why these settings: WAL lets reviewers read (and briefly write) while a scan writes; `busy_timeout`
makes a second writer wait for the lock instead of failing; `synchronous=NORMAL` in WAL survives a
killed process (kill -9) without losing committed batches, which is what `--resume` relies on.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import urllib.parse
from pathlib import Path

from ..i18n import _
from .schema import LATEST, MIGRATIONS

DEFAULT_DB = "legality.db"
BUSY_TIMEOUT_MS = 60_000


class StoreError(Exception):
    """A store problem the user can fix; the message says what and how (exit code 2 on the CLI)."""


class NoStore(StoreError):
    """The --db file does not exist (and this command only reads)."""


class NotAStore(StoreError):
    """The --db file is not a legality store (another SQLite file, or not SQLite at all)."""


class SchemaTooNew(StoreError):
    """The store was written by a newer legality."""


class StoreBusy(StoreError):
    """Another scan is writing this store."""


def now() -> str:
    """UTC, microseconds, fixed width: string order is time order (decisions are merged by it)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_time(value: str) -> str:
    """An ISO 8601 time from elsewhere (an imported decision) in the store's own form.

    Raises ValueError for anything that is not a time the store can hold, including times that
    only overflow once shifted to UTC (year 1 at +14:00): one bad line must not stop an import.
    """
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        t = dt.datetime.fromisoformat(text)
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.timezone.utc)
        t = t.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError) as e:
        raise ValueError(str(e)) from None
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- what went wrong, in words the user can act on

_SQLITE_HEADER = b"SQLite format 3\x00"
_FULL, _READONLY, _CANTOPEN, _CORRUPT, _NOTADB, _IOERR, _BUSY, _LOCKED, _PERM = 13, 8, 14, 11, 26, 10, 5, 6, 3


def _is_sqlite(p: Path) -> bool:
    try:
        with open(p, "rb") as fh:
            return fh.read(16) == _SQLITE_HEADER
    except OSError:
        return False


def describe(e: sqlite3.Error, p: Path) -> str:
    """One line naming the real problem (damaged, disk full, no write permission, …), not SQLite's code."""
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(e)
    if code == _FULL or "disk is full" in text:
        return _("нет места на диске для хранилища {p}; освободите место и повторите").format(p=p)
    if code in (_READONLY, _PERM) or "readonly" in text:
        return _no_write(p)
    if code == _CORRUPT or "malformed" in text:
        return (_("хранилище {p} повреждено ({text}); восстановите его из резервной копии "
                "или укажите другой --db").format(p=p, text=text))
    if code == _NOTADB or "not a database" in text:
        if _is_sqlite(p):
            return (_("хранилище {p} повреждено (файл SQLite не читается: {text}); восстановите его "
                    "из резервной копии или укажите другой --db").format(p=p, text=text))
        return _("{p} не является хранилищем legality (это не файл SQLite); укажите другой --db").format(p=p)
    if code in (_BUSY, _LOCKED):
        return _("хранилище {p} занято другим процессом слишком долго ({text}); повторите позже").format(p=p, text=text)
    if code == _CANTOPEN:
        if not os.access(p.parent if str(p.parent) else ".", os.W_OK):
            return _no_write(p)
        return _("не удаётся открыть хранилище {p} ({text})").format(p=p, text=text)
    if code == _IOERR:
        return _("ошибка чтения или записи хранилища {p} ({text}); проверьте диск").format(p=p, text=text)
    return _("ошибка хранилища {p}: {text}").format(p=p, text=text)


def _no_write(p: Path) -> str:
    folder = p.parent if str(p.parent) else Path(".")
    if os.access(folder, os.W_OK) and p.exists() and not os.access(p, os.W_OK):
        return _("нет прав на запись в файл хранилища {p}; запустите от имени его владельца или укажите другой --db").format(p=p)
    return (_("нет прав на запись в каталог {folder} (рядом с хранилищем создаются служебные файлы журнала); "
            "запустите от имени владельца каталога или укажите другой --db").format(folder=folder))


def writable(p: Path) -> bool:
    """Can this process write the store and create its journal files beside it?"""
    folder = p.parent if str(p.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not p.exists() or os.access(p, os.W_OK))


def connect(path: str | Path, *, create: bool = False, readonly: bool = False) -> sqlite3.Connection:
    """An open, migrated store.  Without `create`, a missing file is an error (reading never creates).

    `readonly` (the listing commands): a store this process cannot write — a folder of another user,
    a read-only mount — is opened read-only instead of failing; see `_open_readonly`.
    """
    p = Path(path)
    try:
        exists = p.exists()
    except OSError as e:
        raise StoreError(_("не удаётся открыть хранилище {p}: {strerror}").format(p=p, strerror=e.strerror)) from None
    if not create and not exists:
        raise NoStore(_("хранилище {p} не найдено; его создаёт `legality scan ... --db {p}`").format(p=p))
    if exists and p.is_dir():
        raise NotAStore(_("{p} — каталог; --db ожидает путь к файлу").format(p=p))
    if create and not p.parent.exists():
        raise NoStore(_("не удаётся создать хранилище {p}: каталога {parent} нет").format(p=p, parent=p.parent))
    if readonly and exists and not writable(p):
        return _open_readonly(p)
    if not writable(p):
        raise StoreError(_no_write(p))
    try:
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as e:
        raise StoreError(describe(e, p)) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: a large store's index pages stay in memory
        conn.execute("PRAGMA wal_autocheckpoint = 16384")  # checkpoint every 64 MiB, not every 4 MiB
        migrate(conn, where=str(p))
    except sqlite3.DatabaseError as e:
        conn.close()
        raise NotAStore(describe(e, p)) from None
    except StoreError:
        conn.close()
        raise
    return conn


def _open_readonly(p: Path) -> sqlite3.Connection:
    """Read a store without writing anything beside it.

    A WAL store is read through its `-shm` index.  When a writer is active (or its `-shm` is left)
    SQLite's `mode=ro` uses it.  When the `-wal` journal is absent or empty, every committed page
    is in the main file, so it is opened `immutable` (no locks, no `-shm`: nothing is created in a
    folder that is not ours).  The one case that cannot be read safely — a non-empty journal without
    its index — is explained instead of guessed at.
    """
    wal, shm = Path(f"{p}-wal"), Path(f"{p}-shm")
    try:
        wal_size = wal.stat().st_size if wal.exists() else 0
    except OSError:
        wal_size = 0
    if wal_size and not shm.exists():
        raise StoreError(
            _("хранилище {p} нельзя прочитать без прав на запись: последние изменения ещё в журнале {wal}; "
            "откройте хранилище один раз от имени его владельца (например, `legality runs`)").format(p=p, wal=wal))
    quoted = urllib.parse.quote(str(p.absolute()))
    uri = f"file:{quoted}?mode=ro" if wal_size else f"file:{quoted}?immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as e:
        raise StoreError(describe(e, p)) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = schema_version(conn)
        foreign = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchone()[0]
    except sqlite3.Error as e:
        conn.close()
        raise NotAStore(describe(e, p)) from None
    if version == 0:
        conn.close()
        raise NotAStore(_("{p} — файл SQLite, но не хранилище legality; укажите другой --db").format(p=p) if foreign
                        else _("{p} — пустой файл, а не хранилище legality; укажите другой --db").format(p=p))
    if version > LATEST:
        conn.close()
        raise SchemaTooNew(_("{p}: версия схемы хранилища {version} новее поддерживаемой ({latest}); "
                           "обновите legality или укажите другой --db").format(p=p, version=version, latest=LATEST))
    if version < LATEST:
        conn.close()
        raise StoreError(_("хранилище {p} записано прежней версией legality и должно быть обновлено, а прав на "
                         "запись нет; откройте его один раз от имени владельца (например, `legality runs`)").format(p=p))
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, *, target: int = LATEST, where: str = "store") -> int:
    """Apply the missing migrations up to `target`, each in its own transaction; return the version.

    Two processes opening a fresh file at once are serialised by BEGIN IMMEDIATE and the version is
    read again inside the transaction, so each step runs exactly once.
    """
    current = schema_version(conn)
    if current > LATEST:
        raise SchemaTooNew(
            _("{where}: версия схемы хранилища {current} новее поддерживаемой ({latest}); "
            "обновите legality или укажите другой --db").format(where=where, current=current, latest=LATEST))
    if current >= target:
        return current
    if current == 0:
        foreign = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if foreign:
            raise NotAStore(_("{where} — файл SQLite, но не хранилище legality; укажите другой --db").format(where=where))
    for version, purpose, statements in MIGRATIONS:
        if version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         "version INTEGER PRIMARY KEY, purpose TEXT NOT NULL, applied TEXT NOT NULL)")
            if schema_version(conn) >= version:
                conn.execute("COMMIT")
                continue
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO schema_version (version, purpose, applied) VALUES (?, ?, ?)",
                         (version, purpose, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return schema_version(conn)


class transaction:
    """`with transaction(conn):` — a short BEGIN IMMEDIATE … COMMIT (rolled back on any error)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
