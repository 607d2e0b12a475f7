"""What "in force on a date" and "read in the text for a date" mean, for every dated law entry.

Why one place: a sanction and a General Part parameter are both editions with the same dates
(`valid_from`/`valid_to` of the law, `verified_from`/`verified_until` of the text we read); the two
questions must be answered the same way for both, or a rule could be `high` on one and not the other.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class Dated(Protocol):
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_to(self) -> date | None: ...
    @property
    def verified(self) -> bool: ...
    @property
    def verified_from(self) -> date | None: ...
    @property
    def verified_until(self) -> date | None: ...


def in_force(entry: Dated, on: date) -> bool:
    return entry.valid_from <= on and (entry.valid_to is None or on <= entry.valid_to)


def text_verified(entry: Dated, on: date) -> bool:
    """Verified, and `on` inside [verified_from, verified_until] of the text read."""
    if not entry.verified:
        return False
    if entry.verified_from is not None and on < entry.verified_from:
        return False
    return entry.verified_until is None or on <= entry.verified_until
