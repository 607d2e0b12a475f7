"""Which rules a report was made with, in words a prosecutor can quote: «редакция правил от 02.12.2026».

Why a date and not the hash: the content hash (`rules_version`) tells a machine whether two runs used
the same rules, but a prosecutor cannot cite «a3f9…» in a protest or compare it with a circular.  The
rule pack carries its edition in `rules/EDITION` (one ISO date, `2026-12-02`); the authors change it
when they release rules.  Human outputs (table, HTML, explain, protest, runs) show this label; machine
outputs (summary, JSON, SARIF, the store) keep the hash.

A custom rules directory (`--rules DIR`) may have its own EDITION; without one it reads «редакция
правил: собственная, без даты» — honest, and visibly different from the shipped pack.

On the lowest floor (`i18n`, `clock`, `resources` only), so the report formats, explain and protest
can all use it.

API: `edition_date(rules_dir=None) -> date | None`, `edition_label(rules_dir=None) -> str`,
`label_for(date | None, shipped=False) -> str`; `rules_dir` None means the shipped rules.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .clock import local_date
from .i18n import _
from .resources import RULES_DIR

FILE_NAME = "EDITION"


def _is_shipped(root: Path) -> bool:
    try:
        real, shipped = root.resolve(), RULES_DIR.resolve()
    except OSError:
        return False
    return real == shipped or shipped in real.parents


def _edition_file(rules_dir: str | Path | None) -> tuple[Path, bool]:
    """(the EDITION file that applies, whether the rules are the shipped ones).

    A subfolder of the shipped rules (`--rules rules/pack`) is the shipped pack: its edition is
    rules/EDITION.  Any other directory has its own EDITION or none.
    """
    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    if root.is_file():
        root = root.parent
    if _is_shipped(root):
        return RULES_DIR / FILE_NAME, True
    return root / FILE_NAME, False


def read_edition(path: Path) -> _dt.date | None:
    """The date in an EDITION file: the first non-blank line that is not a comment (`#`), YYYY-MM-DD.

    None when the file is missing; ValueError when it holds something else (`legality check` reports
    that; a human label then treats the pack as undated rather than failing the scan).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return _dt.date.fromisoformat(line)
    raise ValueError(f"{path}: no date (expected one line YYYY-MM-DD)")


def edition_date(rules_dir: str | Path | None = None) -> _dt.date | None:
    """The edition of the rules in `rules_dir` (None: the shipped rules), or None when undated or unreadable."""
    path, _shipped = _edition_file(rules_dir)
    try:
        return read_edition(path)
    except (ValueError, OSError):
        return None


def label_for(edition: _dt.date | str | None, *, shipped: bool = False) -> str:
    """«редакция правил от 02.12.2026» / «редакция правил: собственная, без даты» (current language).

    `edition` may be a date or an ISO date string (as a stored run keeps it).  `shipped` only matters
    for a missing date: the shipped pack without EDITION is «без даты», not «собственная».
    """
    if isinstance(edition, str):
        try:
            edition = _dt.date.fromisoformat(edition.strip())
        except ValueError:
            edition = None
    if edition is None:
        return _("редакция правил: без даты") if shipped else _("редакция правил: собственная, без даты")
    return _("редакция правил от {date}").format(date=local_date(edition))


def edition_label(rules_dir: str | Path | None = None) -> str:
    """The label for the rules in `rules_dir` (None: the shipped rules), in the current language."""
    path, shipped = _edition_file(rules_dir)
    try:
        d = read_edition(path)
    except (ValueError, OSError):
        d = None
    return label_for(d, shipped=shipped)


def edition_iso(rules_dir: str | Path | None = None) -> str | None:
    """The edition as an ISO date string for machine outputs and the store, or None."""
    d = edition_date(rules_dir)
    return d.isoformat() if d else None
