"""`legality serve --db URL`: the review desk in a browser (docs/serve.md).

Why the checks here: a desk on the office network must not start open to everyone by mistake, so
`--auth none` is refused unless it listens on the loopback address only, and `--auth header` warns
that the proxy must be the only way in.  Exit codes: 0 stopped normally; 2 a usage error, the `serve`
extra not installed, a store or session key that cannot be used.
"""

from __future__ import annotations

import getpass
import ipaddress

import click

from ..i18n import _, language
from ..resources import RULES_DIR
from ..store.db import DEFAULT_DB
from ._store import DbError, store_errors, tz_or_exit
from ._numbers import IntRange

LOOPBACK_NAMES = ("localhost",)


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True,
              help="The store: a SQLite file (or sqlite:///PATH) or postgresql://USER@HOST:PORT/DB.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=IntRange(1, 65535), default=8080, show_default=True, metavar="PORT", help="Port to listen on.")
@click.option("--auth", "auth_mode", type=click.Choice(["local", "header", "none"]), default="local",
              show_default=True,
              help="local: login page against the store's users; header: the user name from a header set by "
                   "the reverse proxy; none: one user on this computer (only with a loopback --host).")
@click.option("--auth-header", default="X-Remote-User", show_default=True,
              help="With --auth header: the header carrying the user name (the proxy must strip it from clients).")
@click.option("--secret-file", type=click.Path(dir_okay=False), default=None,
              help="File with the key that signs session cookies (default: legality-serve.secret beside a "
                   "SQLite store, created with mode 0600; required for PostgreSQL).")
@click.option("--user", "single_user", default=None,
              help="With --auth none: the name decisions are recorded under (default: your login name).")
@click.option("--https-only", is_flag=True, default=False,
              help="Send the session cookie only over HTTPS (set it behind a TLS proxy).")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack for the explanation and the drafts.")
def serve_cmd(db: str, host: str, port: int, auth_mode: str, auth_header: str, secret_file: str | None,
              single_user: str | None, https_only: bool, rules_dir: str) -> None:
    """Serve the review desk: the queue, cases with confirm/dismiss, drafts, the dashboard.

    \b
    Examples:
      legality users add Иванова --role reviewer --password-stdin --db legality.db
      legality serve --db legality.db
      legality serve --db postgresql://legality@db.local/legality --auth header --secret-file /etc/legality/key
    """
    try:
        import uvicorn

        from ..serve.app import create_app
        from ..serve.settings import Settings, load_secret
    except ImportError:
        raise DbError(_("для веб-приложения нужны дополнительные пакеты: pip install 'legality[serve]'")) from None
    tz_or_exit()
    if auth_mode == "none" and not _loopback(host):
        raise DbError(_("--auth none (без входа) допускается только для одного пользователя на этом компьютере: "
                        "укажите --host 127.0.0.1 или выберите --auth local / --auth header"))
    try:
        secret = load_secret(db, secret_file)
    except ValueError as e:
        what = str(e)
        if what == "no-secret-file":
            raise DbError(_("для хранилища PostgreSQL укажите --secret-file ФАЙЛ (ключ подписи сессий)")) from None
        raise DbError(_("файл ключа сессий слишком короткий (нужно не меньше 32 символов)")) from None
    except OSError as e:
        raise DbError(_("не удаётся прочитать или создать файл ключа сессий: {why}").format(why=e.strerror)) from None
    settings = Settings(db=db, secret=secret, auth=auth_mode, auth_header=auth_header, lang=language(),
                        rules_dir=rules_dir, https_only=https_only,
                        single_user=(single_user or getpass.getuser()) if auth_mode == "none" else "")
    with store_errors(db):
        app = create_app(settings)
    from ..serve.verdicts import engine_for

    try:
        for lang in (settings.lang, "kk" if settings.lang == "ru" else "ru"):  # the first page would wait for it
            engine_for(rules_dir, lang)
    except RuntimeError:
        raise DbError(_("правила в {dir} не компилируются; подробности: legality check --rules {dir}").format(
            dir=rules_dir)) from None
    if auth_mode == "header":
        click.echo(_("Имя пользователя берётся из заголовка {header}: прокси-сервер должен удалять его из запросов "
                     "клиентов, а сервер должен быть доступен только через прокси").format(header=auth_header), err=True)
    click.echo(_("Рабочее место проверяющих: http://{host}:{port}/ (остановить: Ctrl+C)").format(
        host=host, port=port), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=auth_mode == "header",
                server_header=False)


COMMANDS = [serve_cmd]
