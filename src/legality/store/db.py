"""Opening a store: connection settings, migrations, and the errors a user can act on.

Why these settings: WAL lets reviewers read (and briefly write) while a scan writes; `busy_timeout`
makes a second writer wait for the lock instead of failing; `synchronous=NORMAL` in WAL survives a
killed process (kill -9) without losing committed batches, which is what `--resume` relies on.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

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
    """An ISO 8601 time from elsewhere (an imported decision) in the store's own form."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """An open, migrated store.  Without `create`, a missing file is an error (reading never creates)."""
    p = Path(path)
    if not create and not p.exists():
        raise NoStore(f"хранилище {p} не найдено; его создаёт `legality scan ... --db {p}`")
    if p.exists() and p.is_dir():
        raise NotAStore(f"{p} — каталог; --db ожидает путь к файлу")
    if create and not p.parent.exists():
        raise NoStore(f"не удаётся создать хранилище {p}: каталога {p.parent} нет")
    try:
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as e:
        raise NotAStore(f"не удаётся открыть хранилище {p}: {e}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: a large store's index pages stay in memory
        conn.execute("PRAGMA wal_autocheckpoint = 16384")  # checkpoint every 64 MiB, not every 4 MiB
        migrate(conn, where=str(p))
    except sqlite3.DatabaseError as e:
        conn.close()
        raise NotAStore(f"{p} не является хранилищем legality ({e}); укажите другой --db") from None
    except StoreError:
        conn.close()
        raise
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
            f"{where}: версия схемы хранилища {current} новее поддерживаемой ({LATEST}); "
            "обновите legality или укажите другой --db")
    if current >= target:
        return current
    if current == 0:
        foreign = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if foreign:
            raise NotAStore(f"{where} — файл SQLite, но не хранилище legality; укажите другой --db")
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
