"""Each page in its reader's language, while `legality.i18n` keeps one language per process.

Why a lock and not a translation object per request: the words of a page come from many places —
`_()` in the templates, `legality.words`, the explain view, the protest draft, a store error's message —
and all of them read the process's language.  Rendering a request while holding the lock, with the
language set to the reader's, makes every one of them right without threading a parameter through
the whole code.  The cost: requests are rendered one at a time.  A page takes milliseconds (the queue of
100,000 candidates is one indexed query), and a review desk has a handful of readers, so the wait is
never felt; the store work of a decision is inside the lock too, so no request sees another's language.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

from .. import i18n

_LOCK = threading.RLock()


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Everything inside speaks `lang`; the process's language is restored after."""
    with _LOCK:
        before = i18n.language()
        i18n.set_language(lang)
        try:
            yield
        finally:
            i18n.set_language(before)


def choose(asked: str | None, remembered: str | None, default: str) -> str:
    """`?lang=kk` (then remembered in the session), else the session's, else the server's default."""
    for value in (asked, remembered):
        if value and value.strip().lower() in i18n.LANGS:
            return value.strip().lower()
    return default if default in i18n.LANGS else i18n.DEFAULT
