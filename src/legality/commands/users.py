"""`legality users`: who may sign in to the review desk (`legality serve`) and with what role.

Why a command and not a page: the first head of department has to exist before anyone can sign in,
and an administrator adds people from the server's shell (or a deployment script) anyway.  A user
without a password is one the office's reverse proxy names (docs/serve.md).  A password is read from
standard input (`--password-stdin`), never from the command line, where `ps` and the shell history
would keep it.  Exit codes: 0 done; 2 a bad name or role, an unknown user, or a store problem.
"""

from __future__ import annotations

import sys

import click
import orjson

from ..clock import local_time
from ..i18n import N_, _
from ..report.text import safe_text as _s
from ..store.db import shown
from ..store.users import ROLES, User, add_user, deactivate, list_users, set_password, set_role
from ._store import DbError, console, db_option, open_store, store_errors, tz_or_exit

ROLE_WORDS = {"reviewer": N_("проверяющий"), "head": N_("руководитель")}


def _role(role: str) -> str:
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def _read_password() -> str:
    text = sys.stdin.readline()
    password = text[:-1] if text.endswith("\n") else text
    password = password[:-1] if password.endswith("\r") else password
    if not password:
        raise DbError(_("--password-stdin: на стандартном вводе нет пароля (первая строка пуста)"))
    return password


def _said(user: User) -> str:
    how = _("вход по паролю") if user.has_password else _("вход через прокси ведомства")
    return _("{name}: {role}, {how}").format(name=_s(user.name), role=_role(user.role), how=how)


@click.group("users")
def users_group() -> None:
    """Users of the review desk (`legality serve`): add, list, change role, remove.

    \b
    Examples:
      legality users add NAME --role head --password-stdin < password.txt
      legality users add NAME --role reviewer
      legality users list --db postgresql://legality@db.local/legality
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="reviewer: confirms and dismisses candidates; head: also sees the dashboard and reassigns.")
@click.option("--password-stdin", is_flag=True,
              help="Read the user's password from the first line of standard input (without it the user "
                   "signs in through the office's reverse proxy only).")
@db_option
def add_cmd(name: str, role: str, password_stdin: bool, db: str) -> None:
    """Add a user (or bring a removed one back with this role)."""
    password = _read_password() if password_stdin else None
    conn = open_store(db, create=True)
    with store_errors(db):
        user = add_user(conn, name, role, password)
    conn.close()
    click.echo(_("Добавлен пользователь {user}").format(user=_said(user)))


@users_group.command("list")
@db_option
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_cmd(db: str, fmt: str) -> None:
    """List the users, removed ones too."""
    if fmt == "table":
        tz_or_exit()
    conn = open_store(db, readonly=True)
    with store_errors(db):
        users = list_users(conn)
    conn.close()
    if fmt == "json":
        doc = [{"name": u.name, "role": u.role, "active": u.active, "password": u.has_password, "created": u.created}
               for u in users]
        sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from rich.table import Table

    table = Table(title=_("Пользователи ({db})").format(db=_s(shown(db))))
    for header in (_("Имя"), _("Роль"), _("Вход"), _("Состояние"), _("Добавлен")):
        table.add_column(header)
    for u in users:
        table.add_row(_s(u.name), _role(u.role), _("по паролю") if u.has_password else _("через прокси"),
                      _("активен") if u.active else _("удалён"), local_time(u.created))
    out = console()
    out.print(table)
    if not users:
        out.print(_("пользователей нет: добавьте первого руководителя — "
                    "`legality users add ИМЯ --role head --password-stdin`"))


@users_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@db_option
def role_cmd(name: str, role: str, db: str) -> None:
    """Change a user's role (reviewer or head)."""
    conn = open_store(db)
    with store_errors(db):
        user = set_role(conn, name, role)
    conn.close()
    click.echo(_("Роль изменена: {user}").format(user=_said(user)))


@users_group.command("password")
@click.argument("name")
@click.option("--proxy", is_flag=True, help="Remove the password: the user signs in through the proxy only.")
@db_option
def password_cmd(name: str, proxy: bool, db: str) -> None:
    """Set a user's password from the first line of standard input (or remove it with --proxy)."""
    password = None if proxy else _read_password()
    conn = open_store(db)
    with store_errors(db):
        user = set_password(conn, name, password)
    conn.close()
    click.echo(_("Пароль изменён: {user}").format(user=_said(user)))


@users_group.command("remove")
@click.argument("name")
@db_option
def remove_cmd(name: str, db: str) -> None:
    """Remove a user: they can no longer sign in; their decisions keep their name."""
    conn = open_store(db)
    with store_errors(db):
        user = deactivate(conn, name)
    conn.close()
    click.echo(_("Пользователь {name} удалён: войти он больше не сможет, его решения сохранены").format(
        name=_s(user.name)))


COMMANDS = [users_group]
