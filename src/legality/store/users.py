"""Users of the review desk (`legality serve`, issue 16): who may sign in, and as what.

Why in the store: a decision names its reviewer (`decisions.by`); the users who may make them live in
the same database, so a second server or a backup carries both.  Roles: `reviewer` (decides) and
`head` (also sees the dashboard and may reassign).  A user signs in with a password kept as a salted
scrypt hash (hashlib, no dependency), or — no password — is named by the office's reverse proxy.
Removing a user deactivates them: their decisions keep their name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from .db import StoreError, now, transaction

ROLES = ("reviewer", "head")
_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms and 16 MiB per check
_MAX_NAME = 100


class UserError(StoreError):
    """A user that cannot be added or changed as asked (bad name or role, unknown, already there)."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    active: bool
    created: str
    has_password: bool

    @property
    def is_head(self) -> bool:
        return self.role == "head"


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > _MAX_NAME or any(ch in name for ch in "\r\n\t") or not name.isprintable():
        raise UserError(_("имя пользователя должно быть непустой строкой до {n} символов без переводов строк").format(
            n=_MAX_NAME))
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(_("неизвестная роль «{role}»: reviewer (проверяющий) или head (руководитель)").format(role=role))
    return role


def _user(row: tuple | None) -> User | None:
    if row is None:
        return None
    name, role, active, created, password = row
    return User(name, role, bool(active), created, password is not None)


_SELECT = "SELECT name, role, active, created, password FROM users"


def add_user(conn: Any, name: str, role: str, password: str | None = None) -> User:
    """A new user (or a removed one back, with the new role and password); a present one: `UserError`."""
    name, role = _check_name(name), _check_role(role)
    if password is not None and not password:
        raise UserError(_("пустой пароль не допускается"))
    hashed = None if password is None else hash_password(password)
    with transaction(conn):
        row = conn.execute(f"{_SELECT} WHERE name = ?", (name,)).fetchone()
        if row is not None and row[2]:
            raise UserError(_("пользователь «{name}» уже есть (`legality users list`)").format(name=name))
        if row is None:
            conn.execute("INSERT INTO users (name, role, password, created, active) VALUES (?, ?, ?, ?, 1)",
                         (name, role, hashed, now()))
        else:
            conn.execute("UPDATE users SET role = ?, password = ?, active = 1 WHERE name = ?", (role, hashed, name))
    user = get_user(conn, name)
    assert user is not None
    return user


def get_user(conn: Any, name: str) -> User | None:
    """The user of that name, active or not; None: never added."""
    return _user(conn.execute(f"{_SELECT} WHERE name = ?", ((name or "").strip(),)).fetchone())


def verify_password(conn: Any, name: str, password: str) -> User | None:
    """The active user whose password this is; None otherwise (unknown, removed, no password, wrong).
    An unknown name costs a hash too, so the time taken does not tell which names exist."""
    row = conn.execute(f"{_SELECT} WHERE name = ?", ((name or "").strip(),)).fetchone()
    user = _user(row)
    if row is None or row[4] is None:
        check_password(password or "", hash_password("x", salt=b"\0" * 16))
        return None
    if not check_password(password or "", row[4]) or user is None or not user.active:
        return None
    return user


def list_users(conn: Any, *, include_inactive: bool = True) -> list[User]:
    where = "" if include_inactive else " WHERE active = 1"
    return [u for u in (_user(r) for r in conn.execute(f"{_SELECT}{where} ORDER BY name").fetchall()) if u]


def _change(conn: Any, name: str, sql: str, args: tuple) -> User:
    name = _check_name(name)
    with transaction(conn):
        cur = conn.execute(sql, (*args, name))
        if cur.rowcount == 0:
            raise UserError(_("пользователя «{name}» нет (`legality users list`)").format(name=name))
    user = get_user(conn, name)
    assert user is not None
    return user


def set_role(conn: Any, name: str, role: str) -> User:
    return _change(conn, name, "UPDATE users SET role = ? WHERE name = ?", (_check_role(role),))


def set_password(conn: Any, name: str, password: str | None) -> User:
    """A new password (None: the user signs in through the proxy only)."""
    if password is not None and not password:
        raise UserError(_("пустой пароль не допускается"))
    return _change(conn, name, "UPDATE users SET password = ? WHERE name = ?",
                   (None if password is None else hash_password(password),))


def deactivate(conn: Any, name: str) -> User:
    """The user can no longer sign in; their decisions keep their name."""
    return _change(conn, name, "UPDATE users SET active = 0 WHERE name = ?", ())
