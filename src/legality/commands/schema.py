"""`legality schema`: print the JSON Schema of the verdict export format.

Why: courts validate their exports with their own tools before sending them; the schema is
generated from the same models `legality validate` uses, so the two never disagree on shape.
"""

from __future__ import annotations

import sys

import click
import orjson

from ..io.schema import export_schema


@click.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the schema to FILE instead of stdout.")
def schema(output: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of one verdict record of the export format."""
    data = orjson.dumps(export_schema(), option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.write(data.decode())
        return
    try:
        with open(output, "wb") as f:
            f.write(data)
    except OSError as exc:
        click.echo(f"{output}: ошибка: не удаётся записать файл ({exc.strerror or type(exc).__name__})", err=True)
        sys.exit(2)
    click.echo(f"схема записана в {output}", err=True)


COMMANDS = [schema]
