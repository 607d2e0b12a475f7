"""The `legality` command line: one click group; each command lives in `legality/commands/<name>.py`.

Why discovery: every command module exports `COMMANDS` (a list of click commands), so adding a
command never touches this file.  Exit codes (see README): 0 ok, 1 findings/failures, 2 usage
error, unreadable input or rule files that do not compile.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from . import __version__, commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="legality")
def main() -> None:
    """legality — finds legality errors in criminal verdicts (УК РК) for prosecutors' protests."""


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for cmd in getattr(module, "COMMANDS", []):
            main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
