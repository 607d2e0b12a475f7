"""The package's jinja2 templates (`src/legality/templates`): one environment maker for every format.

Why its own module: the HTML report embeds the protest drafts (report/protest.py) and the protest's
Markdown is a template too; with the maker here neither imports the other for it (no import cycle).
"""

from __future__ import annotations

from typing import Any, Callable

import jinja2


def template_env(finalize: Callable[[Any], Any] | None = None) -> jinja2.Environment:
    """The package's templates, autoescaped for .html (and .j2 files rendering HTML)."""
    return jinja2.Environment(
        finalize=finalize,
        loader=jinja2.PackageLoader("legality", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
