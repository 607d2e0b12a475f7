"""Opening a store (SQLite file or PostgreSQL database): settings, migrations, errors a user can act on.

Why a thin dialect layer and not SQLAlchemy Core + Alembic (the issue's example): the store is ~40
statements in five modules, already written against DB-API with `?` placeholders and explicit
BEGIN … COMMIT, and its migrations are a numbered list of SQL strings that must keep running on the
SQLite files offices already have.  Nearly all of that SQL is in the subset both engines speak; what
is not (`?` vs `%s`, identity columns, `IS ?`, BEGIN IMMEDIATE, collation) is rewritten in one small
module, `dialect.py`, and the two statements that have no common form are given per dialect in
`schema.py`.  SQLAlchemy would add a dependency the README's two commands must not need, a second
way of writing every query, and an Alembic history beside the existing one; the hand layer stays
about 200 lines and is tested by running every store test on both engines.

`connect(url_or_path)` takes a path or `sqlite:///path` (SQLite) or `postgresql://user@host:port/db`
(psycopg 3, the `postgres` extra, loaded only then).  Both connections answer `.execute(sql, params)`
with the store's SQL and carry `.dialect` ("sqlite" / "postgresql").  A connection is used by one
thread at a time (its BEGIN … COMMIT are its own): a server opens one per request.

Why these SQLite settings: WAL lets reviewers read (and briefly write) while a scan writes; `busy_timeout`
makes a second writer wait for the lock instead of failing; `synchronous=NORMAL` in WAL survives a
killed process (kill -9) without losing committed batches, which is what `--resume` relies on.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
import urllib.parse
from pathlib import Path
from typing import Any, Union

from ..i18n import _
from . import DEFAULT_DB as DEFAULT_DB  # re-exported; defined in the package so that options name it without sqlite3
from .dialect import POSTGRESQL, SQLITE, PgConnection, is_postgres_url, mask_url, sqlite_path
from .schema import LATEST, MIGRATIONS

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


class SqliteConnection(sqlite3.Connection):
    """sqlite3's connection, labelled with its dialect (what the store's code asks when SQL differs)."""

    dialect = SQLITE
    where = ""


Connection = Union[SqliteConnection, PgConnection]


def dialect_of(conn: Any) -> str:
    return getattr(conn, "dialect", SQLITE)


def shown(url_or_path: str | os.PathLike[str]) -> str:
    """How a store is named in messages and logs: a path, or the URL without its password."""
    return mask_url(str(url_or_path))


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


def connect(path: str | os.PathLike[str], *, create: bool = False, readonly: bool = False) -> Any:
    """An open, migrated store.  Without `create`, a missing file is an error (reading never creates).

    `path`: a file path, `sqlite:///path`, or `postgresql://user[:password]@host[:port]/database`.
    `readonly` (the listing commands): a store this process cannot write — a folder of another user,
    a read-only mount — is opened read-only instead of failing; see `_open_readonly`.
    """
    text = os.fspath(path)
    if is_postgres_url(text):
        return connect_postgres(text, create=create)
    p = Path(sqlite_path(text))
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
                               check_same_thread=False, factory=SqliteConnection)
    except sqlite3.Error as e:
        raise StoreError(describe(e, p)) from None
    conn.where = str(p)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enter_wal(conn)
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


def _enter_wal(conn: Any) -> None:
    """Switch the file to WAL, waiting as long as `busy_timeout` would.

    Why a loop of our own: SQLite does not call the busy handler for a journal-mode change, so when
    several processes open a fresh store at once (two servers started together, a scan and a server)
    the loser got "database is locked" at once instead of waiting its turn.  The mode is kept in the
    file, so once one of them has switched it the others read "wal" and write nothing.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if not _is_busy(e) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _is_busy(e: sqlite3.OperationalError) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


# ---- PostgreSQL

PG_LOCK_TIMEOUT = "60s"  # what busy_timeout is on SQLite: a second writer waits for a row, then fails
PG_MIGRATION_LOCK = 0x6C6567616C  # pg_advisory_xact_lock key: "legal"; two processes migrating wait in turn


def connect_postgres(url: str, *, create: bool = False) -> PgConnection:
    """An open, migrated store in a PostgreSQL database (which must exist: creating databases and roles
    is the administrator's, docs/nightly.md).  An empty database becomes a store when `create`."""
    where = mask_url(url)
    try:
        import psycopg
    except ImportError:
        raise StoreError(_("для хранилища PostgreSQL ({where}) нужен пакет psycopg: "
                           "pip install 'legality[postgres]'").format(where=where)) from None
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="legality")
    except psycopg.Error as e:
        raise StoreError(describe_pg(e, url)) from None
    conn = PgConnection(raw, where)
    try:
        conn.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
        if not create and schema_version(conn) == 0 and not _foreign_tables(conn):
            raise NoStore(_("в базе {where} нет хранилища legality; его создаёт "
                            "`legality scan ... --db {where}`").format(where=where))
        migrate(conn, where=where)
    except psycopg.Error as e:
        conn.close()
        raise StoreError(describe_pg(e, url)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _unreachable(low: str) -> str:
    """Why libpq reached no server, in words (its own text is English: «Connection refused»)."""
    if "could not translate host name" in low or "failed to resolve host" in low:
        return _("имя сервера не найдено")
    if "timeout expired" in low:
        return _("время ожидания истекло")
    if "no such file or directory" in low:
        return _("на этой машине нет сокета сервера")
    if "connection refused" in low:
        return _("соединение отклонено")
    return _("нет соединения")


def describe_pg(e: Exception, url: str) -> str:
    """One line in words for a PostgreSQL problem: what, where (the URL without its password), how to fix."""
    where = mask_url(url)
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    text = text.replace(url, where)
    sqlstate = getattr(e, "sqlstate", None) or ""
    low = text.lower()
    if "password authentication failed" in low or sqlstate == "28P01" or "no password supplied" in low:
        return _("PostgreSQL {where}: неверное имя пользователя или пароль; проверьте URL в --db "
                 "(или файл ~/.pgpass)").format(where=where)
    if sqlstate.startswith("28") or "no pg_hba.conf entry" in low or ("role" in low and "does not exist" in low):
        return _("PostgreSQL {where}: сервер не пускает этого пользователя ({text}); попросите "
                 "администратора создать роль и разрешить вход (docs/nightly.md)").format(where=where, text=text)
    if sqlstate == "3D000" or ("database" in low and "does not exist" in low):
        return _("PostgreSQL {where}: базы данных нет; создайте её (createdb, docs/nightly.md) "
                 "или исправьте имя в --db").format(where=where)
    if "connection refused" in low or "could not connect" in low or "no such file or directory" in low \
            or "timeout expired" in low or "could not translate host name" in low or "connection failed" in low \
            or "failed to resolve host" in low:
        return _("PostgreSQL {where}: сервер не отвечает ({why}); проверьте, что он запущен, и адрес "
                 "и порт в --db").format(where=where, why=_unreachable(low))
    if sqlstate == "55P03" or "lock timeout" in low:
        return _("хранилище {where} занято другим процессом слишком долго ({text}); повторите позже").format(
            where=where, text=text)
    if sqlstate.startswith("42501") or "permission denied" in low:
        return _("PostgreSQL {where}: у пользователя нет прав ({text}); попросите администратора выдать права "
                 "на базу (docs/nightly.md)").format(where=where, text=text)
    if sqlstate == "53100" or "no space left" in low or "could not extend file" in low:
        return _("PostgreSQL {where}: на сервере нет места на диске ({text})").format(where=where, text=text)
    return _("ошибка хранилища {where}: {text}").format(where=where, text=text)


def _foreign_tables(conn: Any) -> int:
    if dialect_of(conn) == POSTGRESQL:
        return int(conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE'").fetchone()[0])
    return int(conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchone()[0])


def _open_readonly(p: Path) -> SqliteConnection:
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
                               check_same_thread=False, factory=SqliteConnection)
    except sqlite3.Error as e:
        raise StoreError(describe(e, p)) from None
    conn.where = str(p)
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


def schema_version(conn: Any) -> int:
    """The store's version: the highest step in its `schema_version` table (a table on both engines)."""
    if dialect_of(conn) == POSTGRESQL:
        has_table = conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_name = 'schema_version'").fetchone()
    else:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: Any, *, target: int = LATEST, where: str = "store") -> int:
    """Apply the missing migrations up to `target`, each in its own transaction; return the version.

    Two processes opening a fresh store at once are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    a transaction-scoped advisory lock, taken before anything else) and the version is read again
    inside the transaction, so each step runs exactly once.  PostgreSQL's DDL is transactional too:
    a step that fails leaves nothing behind.
    """
    dialect = dialect_of(conn)
    current = schema_version(conn)
    if current > LATEST:
        raise SchemaTooNew(
            _("{where}: версия схемы хранилища {current} новее поддерживаемой ({latest}); "
            "обновите legality или укажите другой --db").format(where=where, current=current, latest=LATEST))
    if current >= target:
        return current
    # tables and their version row commit together: tables seen with no version are another application's
    if current == 0 and _foreign_tables(conn) and schema_version(conn) == 0:
        if dialect == POSTGRESQL:
            raise NotAStore(_("в базе {where} есть чужие таблицы, а хранилища legality нет; укажите "
                              "отдельную базу или схему (?options=-csearch_path=…) в --db").format(where=where))
        raise NotAStore(_("{where} — файл SQLite, но не хранилище legality; укажите другой --db").format(where=where))
    for version, purpose, statements in MIGRATIONS:
        if version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            if dialect == POSTGRESQL:
                conn.execute("SELECT pg_advisory_xact_lock(?)", (PG_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         "version INTEGER PRIMARY KEY, purpose TEXT NOT NULL, applied TEXT NOT NULL)")
            if schema_version(conn) >= version:
                conn.execute("COMMIT")
                continue
            for step in statements:
                if callable(step):  # a back-fill computed in Python (the same on both engines)
                    step(conn)
                elif isinstance(step, dict):  # no common form: one statement per dialect
                    conn.execute(step[dialect])
                else:
                    conn.execute(step)
            conn.execute("INSERT INTO schema_version (version, purpose, applied) VALUES (?, ?, ?)",
                         (version, purpose, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return schema_version(conn)


class transaction:
    """`with transaction(conn):` — a short BEGIN IMMEDIATE … COMMIT (rolled back on any error).

    SQLite: the write lock is taken at BEGIN, so what the transaction reads stays true until COMMIT.
    PostgreSQL: a READ COMMITTED transaction; a statement that must see the row it changes as it is
    locks it (`SELECT … FOR UPDATE`, `review.decide`) or re-checks it in its own WHERE / CASE."""

    def __init__(self, conn: Any):
        self.conn = conn

    def __enter__(self) -> Any:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
