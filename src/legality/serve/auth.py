"""Who is at the desk: a reviewer or a head of department, and the proof that a form came from our page.

Three ways to know the user (`--auth`):
- `local` (the default): a login page checks the name and password against the store's `users` table
  (`legality users add NAME --role reviewer --password-stdin`); the name then lives in a signed
  session cookie (Starlette's SessionMiddleware, itsdangerous).
- `header`: the office's reverse proxy (nginx with auth_basic or the office's SSO) authenticates and
  passes the name in a header (`X-Remote-User` by default).  The header is read only in this mode,
  and the proxy must strip it from what clients send (docs/serve.md).  The name must still be a user
  of the store: the role comes from there, and an unknown or deactivated name gets a clear 403 page.
- `none`: one person on this computer (`--host 127.0.0.1` only): no login, every decision is
  recorded under `--user` (default: the account's login name), with the head's rights.

CSRF: every session carries a random token; every form posts it back, and a POST without it (or with
another) is refused with 403 before anything is read or written.  The comparison is constant-time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

ROLES = ("reviewer", "head")
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Visitor:
    name: str
    role: str

    @property
    def head(self) -> bool:
        return self.role == "head"


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def visitor_of(user: Any) -> Visitor | None:
    """A row of `users` as the desk needs it; None for no user or a deactivated one."""
    if user is None or not _get(user, "active", True):
        return None
    role = _get(user, "role", "reviewer")
    return Visitor(str(_get(user, "name")), role if role in ROLES else "reviewer")


def lookup(conn: Any, name: str) -> Visitor | None:
    from ..store import users

    name = (name or "").strip()
    if not name:
        return None
    return visitor_of(users.get_user(conn, name))


def check_password(conn: Any, name: str, password: str) -> Visitor | None:
    from ..store import users

    if not name.strip() or not password:
        return None
    return visitor_of(users.verify_password(conn, name.strip(), password))


def csrf_token(session: dict[str, Any]) -> str:
    """This session's token (made on its first page)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: dict[str, Any], sent: Any) -> bool:
    token = session.get(CSRF_FIELD)
    return isinstance(token, str) and isinstance(sent, str) and bool(sent) and hmac.compare_digest(token, sent)
