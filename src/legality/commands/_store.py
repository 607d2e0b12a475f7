"""The click side of the store: `--db` and the scan options, and store errors as exit code 2.

Why here: `scan`, `review`, `runs` and `stats` must agree on the option names, the default path and
how a store problem is reported (one line on stderr, no traceback), so they take them from one place.

`--db` is a file path (SQLite) or a `postgresql://user@host:port/database` URL (issue 16); a URL's
password is never echoed: messages name the store by `store.db.shown`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from .. import clock
from ..i18n import _
from ..store import DEFAULT_DB

if TYPE_CHECKING:  # rich loads when a table is printed, not on every command's start; the store (sqlite3,
    # the scan state) when a command opens one, not on every scan's start
    from rich.console import Console

    from ..store.scanstate import StoreState

EXIT_USAGE = 2


class DbError(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"legality: {self.message}", err=True)


@contextlib.contextmanager
def store_errors(path: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """A store problem (missing, newer schema, locked for too long, disk full) → one line, exit 2."""
    try:
        yield
    except Exception as e:
        err = db_error(e, path)
        if err is None:
            raise
        raise err from None


def db_error(e: Exception, path: str | os.PathLike[str] | None) -> DbError | None:
    """The one-line message of a store problem, None for an error that is not the store's.

    The store's modules are imported when something went wrong, not on every call."""
    import sqlite3

    from ..store.db import StoreError, describe, describe_pg
    from ..store.dialect import sqlite_path

    text = None if path is None else os.fspath(path)
    if isinstance(e, StoreError):
        return DbError(str(e))
    if isinstance(e, sqlite3.Error):
        return DbError(describe(e, Path(sqlite_path(text))) if text is not None
                       else _("ошибка хранилища: {text}").format(text=e))
    if type(e).__module__.split(".")[0] != "psycopg":
        return None
    return DbError(describe_pg(e, text or "postgresql://"))


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` of a scan's store with `store_errors`' translation, as a plain call: a scan with `--db`
    calls the store about twice per record, and a generator-based context manager cost each call
    1.2–1.4 µs of the main process (this wrapper 0.12–0.16 µs; docs/scale.md, «Eighth round»)."""
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as e:
            err = db_error(e, self.path)
            if err is None:
                raise
            raise err from None
    return call


def tz_or_exit() -> str:
    """The office's time zone (`LEGALITY_TZ`, default Asia/Almaty) or exit 2 naming the bad value: a
    command that shows times checks it before it reads or writes anything."""
    try:
        return clock.check()
    except clock.BadTimeZone as e:
        raise DbError(_("неизвестный часовой пояс «{name}» (LEGALITY_TZ): укажите имя из базы часовых поясов, "
                        "например Asia/Almaty или Asia/Aqtobe").format(name=e.name)) from None


def open_store(path: str, *, create: bool = False, readonly: bool = False) -> Any:
    """`readonly`: the command only reads, so a store this user cannot write is still shown."""
    from ..store.db import connect

    with store_errors(path):
        return connect(path, create=create, readonly=readonly)


class StoreParam(click.ParamType):
    """`--db`: a file path (not a folder) or a postgresql:// URL; a bad value is named without its password."""

    name = "path|url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..store.db import shown
        from ..store.dialect import is_postgres_url, sqlite_path

        text = os.fspath(value)
        if is_postgres_url(text):
            return text
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", text)
        if scheme and scheme.group(1).lower() != "sqlite":  # mysql://…, http://…: no file of that name is meant
            self.fail(_("{scheme}:// — такого хранилища нет; --db ожидает путь к файлу SQLite или адрес "
                        "postgresql://пользователь@сервер/база").format(scheme=scheme.group(1)), param, ctx)
        path = sqlite_path(text)
        if os.path.isdir(path):
            self.fail(_("{path} — каталог; --db ожидает путь к файлу хранилища или адрес postgresql://").format(
                path=shown(path)), param, ctx)
        return text


STORE = StoreParam()

db_option = click.option(
    "--db", "db", type=STORE, default=DEFAULT_DB, show_default=True,
    help="State store written by `legality scan --db`: a SQLite file, or postgresql://user@host/database.")

SCAN_OPTIONS: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.option("--db", "db", type=STORE, default=None,
                 help=f"Record the run in this state store (a SQLite file, created if missing, or "
                      f"postgresql://user@host/database). Default ./{DEFAULT_DB} "
                      "when --new-only, --rescan or --resume is given; a plain scan uses no store."),
    click.option("--new-only", is_flag=True,
                 help="Report only candidates never seen before in the store and not dismissed."),
    click.option("--rescan", is_flag=True,
                 help="Evaluate every record, even those unchanged since their last completed scan."),
    click.option("--resume", is_flag=True,
                 help="Continue the interrupted run (same inputs and rules): committed records are "
                      "re-emitted, the rest evaluated. Without an interrupted run, starts a new one."),
]


def console() -> Console:
    """Rich console for the review tables; piped into a file, lines are not cut at 80 columns."""
    from rich.console import Console

    out = Console()
    if not out.is_terminal:
        out = Console(width=160)
    return out


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is now, not the one of the first command in this process
    (the handler is installed once; later commands, e.g. under click's test runner, swap stderr)."""

    @property  # type: ignore[override, unused-ignore]  # older mypy: a property over an attribute
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _log_to_stderr() -> None:
    logger = logging.getLogger("legality.store")
    if not logger.handlers:
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("legality: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _cli_store_state() -> type[StoreState]:
    """`CliStoreState`: made when a scan opens a store, so a scan without one never imports the store."""
    from ..store.scanstate import StoreState

    class CliStoreState(StoreState):
        """`StoreState` whose store problems end the command with a message and exit 2."""

        open = _guarded(StoreState.open)
        prefetch = _guarded(StoreState.prefetch)
        before_records = _guarded(StoreState.before_records)
        lookup = _guarded(StoreState.lookup)
        record = _guarded(StoreState.record)
        record_evaluated = _guarded(StoreState.record_evaluated)
        close = _guarded(StoreState.close)

    return CliStoreState


def commit_every() -> int:
    """Records per committed batch: `LEGALITY_COMMIT_EVERY` (default 500; smaller = less redone on resume)."""
    from ..store.scanstate import BATCH_RECORDS

    text = os.environ.get("LEGALITY_COMMIT_EVERY", "").strip()
    if not text:
        return BATCH_RECORDS
    if not text.isdigit() or int(text) < 1:
        raise DbError(f"LEGALITY_COMMIT_EVERY={text!r}: ожидается целое число записей больше 0")
    return int(text)


def make_store_state(options: dict[str, Any]) -> StoreState | None:
    """The store for a scan, or None when no store option was given (a plain scan creates no file)."""
    flags = {k: bool(options.get(k)) for k in ("new_only", "rescan", "resume")}
    if options.get("db") is None and not any(flags.values()):
        return None
    _log_to_stderr()
    return _cli_store_state()(options.get("db") or DEFAULT_DB, batch_records=commit_every(), **flags)
