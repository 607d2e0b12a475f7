"""How one `legality serve` is set up: the store, who may enter and how, the default language.

Why a frozen value made once by the command: every request reads it and none may change it; tests
build it directly (`Settings(db=…, auth="header")`) without the command line.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

AUTH_MODES = ("local", "header", "none")
DEFAULT_AUTH = "local"
DEFAULT_HEADER = "X-Remote-User"
SECRET_NAME = "legality-serve.secret"  # beside a SQLite store when no --secret-file is given
PAGE_SIZE = 50


@dataclass(frozen=True)
class Settings:
    db: str                            # a path, sqlite:///path or postgresql://… (store.db.connect)
    secret: str                        # signs the session cookie
    auth: str = DEFAULT_AUTH           # local: login page against `users`; header: the proxy's header; none
    auth_header: str = DEFAULT_HEADER  # read only when auth == "header"
    lang: str = "ru"                   # the language of a visitor who has not chosen one
    rules_dir: str | None = None       # the rule pack for the explain view and the drafts (None: shipped)
    page_size: int = PAGE_SIZE
    https_only: bool = False           # the session cookie only over HTTPS (behind a TLS proxy)
    single_user: str = ""              # auth == "none": the name decisions are recorded under

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {AUTH_MODES}, not {self.auth!r}")


def is_sqlite(db: str) -> bool:
    return not db.startswith(("postgresql://", "postgres://"))


def sqlite_path(db: str) -> Path:
    return Path(db[len("sqlite:///"):] if db.startswith("sqlite:///") else db)


def load_secret(db: str, secret_file: str | None) -> str:
    """The session key: `--secret-file`, else a file beside a SQLite store, created once with mode 0600.

    Why a file and not a fresh key at every start: a restart (a deployment, the nightly reboot) must not
    log every reviewer out.  PostgreSQL has no folder of its own, so it needs `--secret-file`.
    Raises ValueError (the command says it in words) when there is no place for the key.
    """
    if secret_file is not None:
        path = Path(secret_file)
    elif is_sqlite(db):
        path = sqlite_path(db).resolve().parent / SECRET_NAME
    else:
        raise ValueError("no-secret-file")
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if len(text) < 32:
            raise ValueError("short-secret")
        return text
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key
