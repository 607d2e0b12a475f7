"""The office's clock (`legality.clock`) and the rules' edition label (`legality.edition`).

Why these cases: a nightly run at 02:30 Almaty is 21:30 UTC of the previous day, so a UTC date in
a human output is a day off (review, User 1 §8); a wrong zone name must stop a command, not silently
fall back to UTC.  The edition label is what a prosecutor quotes instead of a hash.
"""

from __future__ import annotations

import datetime as dt

import pytest

from legality import clock, edition, i18n
from legality.resources import RULES_DIR

# (stored UTC moment, zone, local time shown)
MOMENTS = [
    ("2026-12-01T21:30:00Z", None, "02.12.2026 02:30"),                 # Almaty (default): next day
    ("2026-12-01T21:30:00.820145Z", "Asia/Almaty", "02.12.2026 02:30"),  # microseconds as the store keeps them
    ("2026-12-01T21:30:00+00:00", "Europe/Moscow", "02.12.2026 00:30"),
    ("2026-12-01T18:37:29", "Europe/Moscow", "01.12.2026 21:37"),       # no offset: UTC, as the store writes it
    ("2026-06-30T23:59:00Z", "UTC", "30.06.2026 23:59"),
]


@pytest.mark.parametrize("moment, zone, shown", MOMENTS)
def test_local_time_of_a_stored_utc_moment(moment, zone, shown, monkeypatch):
    monkeypatch.delenv("LEGALITY_TZ", raising=False)
    assert clock.local_time(moment, zone) == shown


def test_the_zone_comes_from_legality_tz(monkeypatch):
    monkeypatch.setenv("LEGALITY_TZ", "Europe/Moscow")
    assert clock.zone_name() == "Europe/Moscow"
    assert clock.local_time("2026-12-01T21:30:00Z") == "02.12.2026 00:30"
    monkeypatch.setenv("LEGALITY_TZ", "  ")  # blank: the default
    assert clock.zone_name() == "Asia/Almaty"


@pytest.mark.parametrize("name", ["Mars/Olympus", "Asia/Almatyy", "../etc/passwd", "UTC+5"])
def test_a_bad_zone_name_is_an_error_not_utc(name, monkeypatch):
    monkeypatch.setenv("LEGALITY_TZ", name)
    with pytest.raises(clock.BadTimeZone) as e:
        clock.local_time("2026-12-01T21:30:00Z")
    assert e.value.name == name
    with pytest.raises(clock.BadTimeZone):
        clock.check()


@pytest.mark.parametrize("value, shown", [
    ("2024-03-15", "15.03.2024"),                 # a calendar date has no zone
    (dt.date(2024, 3, 15), "15.03.2024"),
    ("2026-12-01T21:30:00Z", "02.12.2026"),       # a moment: its local date
    (None, ""),
    ("", ""),
    ("не дата", "не дата"),                       # shown as is rather than failing a listing
])
def test_local_date(value, shown, monkeypatch):
    monkeypatch.delenv("LEGALITY_TZ", raising=False)
    assert clock.local_date(value) == shown


def test_today_is_the_office_date():
    assert clock.today("Asia/Almaty") == dt.datetime.now(dt.timezone.utc).astimezone(clock.zone("Asia/Almaty")).date()


# ---- the rules' edition


def test_the_shipped_rules_carry_an_iso_edition():
    """rules/EDITION exists and holds one ISO date (authors update it when they release rules)."""
    d = edition.read_edition(RULES_DIR / "EDITION")
    assert isinstance(d, dt.date)
    assert edition.edition_label() == f"редакция правил от {d.strftime('%d.%m.%Y')}"
    assert edition.edition_label(RULES_DIR / "pack") == edition.edition_label()  # a subfolder of the shipped pack
    assert edition.edition_iso() == d.isoformat()


@pytest.mark.parametrize("content, label", [
    (None, "редакция правил: собственная, без даты"),
    ("2027-01-15\n", "редакция правил от 15.01.2027"),
    ("# released with the March circular\n\n2027-03-01\n", "редакция правил от 01.03.2027"),
    ("\ufeff2027-01-15", "редакция правил от 15.01.2027"),        # a BOM from a Windows editor
    ("15.01.2027\n", "редакция правил: собственная, без даты"),   # not ISO: undated, never a wrong date
    ("", "редакция правил: собственная, без даты"),
])
def test_a_custom_rules_directory(tmp_path, content, label):
    if content is not None:
        (tmp_path / "EDITION").write_text(content, encoding="utf-8")
    assert edition.edition_label(tmp_path) == label
    assert edition.edition_label(str(tmp_path)) == label


def test_label_for_a_stored_date():
    assert edition.label_for("2026-12-02") == "редакция правил от 02.12.2026"
    assert edition.label_for(None) == "редакция правил: собственная, без даты"
    assert edition.label_for(None, shipped=True) == "редакция правил: без даты"


def test_the_label_in_kazakh():
    i18n.set_language("kk")
    try:
        label = edition.label_for(dt.date(2026, 12, 2))
    finally:
        i18n.set_language("ru")
    assert label == "02.12.2026 жылғы ережелер редакциясы"
