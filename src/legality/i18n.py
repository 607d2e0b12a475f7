"""The language people read: Russian or Kazakh, for the tool's own text and for `--help`; English on request.

Why gettext catalogues (`locale/<lang>/LC_MESSAGES/legality.mo`, built from the `.po` files beside
them by `tools/i18n.py compile`): translators edit plain `.po` text, and the standard library reads
the compiled form with no extra dependency at run time.

Message ids: the tool's output text is written in Russian in the code (`_("Кандидаты в протест")`),
so the Russian catalogue is the identity for it and the Kazakh one translates it; `--help` texts and
click's own messages are English ids, translated by both catalogues.

English (`en`, only when asked for: `--lang en` or `LEGALITY_LANG=en`, never from the locale) is for
rule authors: their diagnostics and `--help` are English message ids, so `en` needs no catalogue; the
tool's other output (Russian ids) stays Russian, and the texts of findings are Russian
(`text_language()`).  Why not from an English locale: a Russian office's machine with an English
locale must still give Russian.

Why a module-level current language and not a parameter everywhere: the language is chosen once per
process (`--lang`, `LEGALITY_LANG`, else the locale) before any command module is imported, and a
worker process is started with the same language (`set_language` in its initialiser).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

LANGS = ("ru", "kk", "en")  # what `--lang` / LEGALITY_LANG accept
TEXT_LANGS = ("ru", "kk")  # languages of the tool's output texts (findings, reports); also from the locale
DEFAULT = "ru"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "legality"

_lang = DEFAULT
_tr: gettext.NullTranslations | None = None


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """`LEGALITY_LANG` (ru, kk, en), else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, `LANGUAGE`): kk_KZ → kk;
    anything else → ru (an English locale too: `en` only when asked for)."""
    env = os.environ if environ is None else environ
    explicit = (env.get("LEGALITY_LANG") or "").strip().lower()
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = (env.get(var) or "").strip()
        if value:
            first = value.split(":")[0].split("_")[0].split(".")[0].lower()
            return first if first in TEXT_LANGS else DEFAULT
    return DEFAULT


def set_language(lang: str) -> None:
    global _lang, _tr
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGS)}")
    if lang != _lang:
        _lang, _tr = lang, None


def language_in_argv(argv: Sequence[str]) -> str | None:
    """The value of the last `--lang X` / `--lang=X` in a command line (None: not given or not a language).

    Why read argv by hand: the language must be set before click builds any help text or error, and
    before a command module is imported; an invalid value is left for click to reject in words.
    """
    found: str | None = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None and value.strip().lower() in LANGS:
            found = value.strip().lower()
    return found


def language() -> str:
    return _lang


def text_language() -> str:
    """The language of the tool's output texts (findings, reports): the current one, Russian under `en`."""
    return _lang if _lang in TEXT_LANGS else DEFAULT


def _translations() -> gettext.NullTranslations:
    global _tr
    if _tr is None:
        _tr = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_lang], fallback=True)
    return _tr


def _(msgid: str) -> str:
    """The tool's text in the current language (the id itself when the catalogue lacks it)."""
    return _translations().gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)


def N_(msgid: str) -> str:
    """Marks a text for the catalogue where it is defined; translate it with `_` where it is shown."""
    return msgid
