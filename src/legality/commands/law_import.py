"""`legality law import`: placeholder until the text reader lands (registered by commands/law.py)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []  # a subcommand of `legality law`, not a top-level command


@click.command("import")
def import_cmd() -> None:
    """Прочитать текст УК РК и записать каталог санкций."""
    raise click.UsageError("ещё не реализовано")
