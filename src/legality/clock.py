"""The office's clock: timestamps and dates as a prosecutor reads them («02.12.2026 08:30», «02.12.2026»).

Why one module: the store, the JSON reports and the summaries keep time in UTC ISO 8601 (machines
compare and sort it, and it does not depend on where the scan ran); people read it in the office's
time zone.  A review made at 21:30 UTC is «next day 02:30» in Almaty; written raw, the date of a
decision or a draft protest is a day off.  So every human output turns a stored timestamp into local
time here, and no other module formats a time for people.

The zone: `LEGALITY_TZ` (an IANA name such as `Asia/Almaty`, `Asia/Aqtobe`, `Europe/Moscow`), else
`Asia/Almaty`.  zoneinfo reads the system's zone data, else the `tzdata` package (a dependency, so a
machine without /usr/share/zoneinfo, e.g. Windows, works).  An unknown name is an error
(`BadTimeZone`), not a silent fallback to UTC: a wrong clock on a legal document is worse than none.

On the lowest floor (like `i18n`): it imports nothing of the project.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # zoneinfo loads when a time is shown, not on every start (a scan shows none)
    from zoneinfo import ZoneInfo

ENV = "LEGALITY_TZ"
DEFAULT_TZ = "Asia/Almaty"


class BadTimeZone(ValueError):
    """`LEGALITY_TZ` (or a zone passed in) names no time zone this machine knows."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(name)


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:  # ValueError: a path-like or empty key
        raise BadTimeZone(name) from e


def zone_name(environ: Mapping[str, str] | None = None) -> str:
    """The office's zone name: `LEGALITY_TZ` when set (and not blank), else Asia/Almaty."""
    env = os.environ if environ is None else environ
    return (env.get(ENV) or "").strip() or DEFAULT_TZ


def zone(name: str | None = None) -> ZoneInfo:
    """The office's time zone (`name`, else `zone_name()`); raises `BadTimeZone` for an unknown name."""
    return _zone(name or zone_name())


def check(name: str | None = None) -> str:
    """The zone name in use, after making sure it exists (commands call this early to fail with exit 2)."""
    n = name or zone_name()
    _zone(n)
    return n


def now_utc() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def to_local(moment: str | _dt.datetime, tz: str | None = None) -> _dt.datetime:
    """A stored moment (ISO 8601 string or datetime) in the office's zone.

    A value without an offset is taken as UTC: that is how the store and the summaries write it
    (`…Z` or a naive `datetime.utcnow()`), never as local time.
    """
    d = parse(moment) if isinstance(moment, str) else moment
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.timezone.utc)
    return d.astimezone(zone(tz))


def parse(text: str) -> _dt.datetime:
    """An ISO 8601 timestamp as the store writes it; `Z` accepted (fromisoformat of 3.11 takes it too)."""
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(t)


def local_time(moment: str | _dt.datetime | None, tz: str | None = None, *, seconds: bool = False) -> str:
    """«02.12.2026 08:30» (the office's zone) for a stored UTC moment; "" for None or "".

    A string that is not a timestamp is returned unchanged rather than raising: a human listing of
    old store rows must still print.
    """
    if moment is None or moment == "":
        return ""
    try:
        d = to_local(moment, tz)
    except ValueError as e:
        if isinstance(e, BadTimeZone):
            raise
        return str(moment)
    return d.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def local_date(moment: str | _dt.date | _dt.datetime | None, tz: str | None = None) -> str:
    """«02.12.2026»: a date as is (a calendar date has no zone), a timestamp as its local date."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, _dt.datetime):
        return to_local(moment, tz).strftime("%d.%m.%Y")
    if isinstance(moment, _dt.date):
        return moment.strftime("%d.%m.%Y")
    text = str(moment).strip()
    if len(text) == 10:  # YYYY-MM-DD: a calendar date, not a moment
        try:
            return _dt.date.fromisoformat(text).strftime("%d.%m.%Y")
        except ValueError:
            return text
    return local_time(text, tz)[:10] if _is_moment(text) else text


def _is_moment(text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def today(tz: str | None = None) -> _dt.date:
    """Today in the office (the date a draft protest carries), not the UTC date."""
    return now_utc().astimezone(zone(tz)).date()
