"""Number options whose errors name the number in the reader's language.

Why: click writes a number option's error from a Russian or Kazakh template and its type's English name
(`IntRange.name`, "integer range"), so `--jobs abc` answered «'abc' — не integer range».  These types
name themselves through the catalogue when the error is written (the language of the run is set by
then).  Every command's number option uses them; tests/test_i18n.py fails on one that does not.
"""

from __future__ import annotations

import click

from ..i18n import _


class Int(click.types.IntParamType):
    """`type=int`."""

    @property
    def name(self) -> str:  # type: ignore[override]
        return _("целое число")


class IntRange(click.IntRange):
    @property
    def name(self) -> str:  # type: ignore[override]
        return _("целое число")


class FloatRange(click.FloatRange):
    @property
    def name(self) -> str:  # type: ignore[override]
        return _("число")
