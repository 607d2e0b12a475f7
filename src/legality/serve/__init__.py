"""`legality serve`: the review desk — a web application over the nightly store (issue 16).

    browser ──HTTP──▶ [nginx: TLS, auth_basic/SSO → X-Remote-User] ──▶ uvicorn ──▶ Starlette app (app.py)
                                                                                   │
        settings.py  how it is set up (store URL, auth mode, session key, default language)
        auth.py      who the user is (login page / the proxy's header / one local user), CSRF tokens
        speech.py    each request rendered in its reader's language (one language per process: a lock)
        pages.py     what the queue, a case and the dashboard show, in words (store.queue → dicts)
        verdicts.py  the verdict behind a case: read again from the export, explained, drafted (.docx)
        templates/serve/*.html.j2   the pages (server-rendered, no script), desk.css

Floors (tests/test_layers.py): `serve` sits above `store` and below `commands`; only
`commands/serve.py` knows click and uvicorn.  Starlette, uvicorn, python-multipart and itsdangerous are
the `serve` extra: nothing here is imported by the other commands.
"""

from __future__ import annotations

from typing import Any

from .settings import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings) -> Any:
    """The Starlette application (imported here lazily: Starlette is an optional dependency)."""
    from .app import create_app as make

    return make(settings)
