"""`legality schema`: print the JSON Schema of the verdict export format.

Why: courts validate their exports with their own tools before sending them; the schema is
generated from the same models `legality validate` uses, so the two never disagree on shape.
"""

from __future__ import annotations

import sys

import click
import orjson

from ..i18n import _
from ..io.schema import export_schema
from ..report.atomic import atomic_binary, os_error_ru, output_problem, writes_through
from ..report.text import safe_text


@click.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to FILE instead of stdout, atomically (on a full disk the previous "
                   "file stays whole); a symlink's target is replaced, a device or FIFO written through.")
def schema(output: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of one verdict record of the export format.

    Exit codes: 0 written; 2 the output cannot be written (no such folder, no permission, full disk).
    """
    problem = output_problem(output, "--output")
    if problem:
        click.echo(_("legality: не удаётся записать схему: {problem}").format(problem=problem), err=True)
        sys.exit(2)
    data = orjson.dumps(export_schema(), option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with atomic_binary(output) as f:
            f.write(data)
    except OSError as exc:
        kept = "" if writes_through(output) else _("; прежняя версия файла (если была) сохранена")
        click.echo(_("legality: не удаётся записать схему в {file}: {error}{kept}").format(
            file=safe_text(output), error=os_error_ru(exc), kept=kept), err=True)
        sys.exit(2)
    click.echo(_("схема записана в {file}").format(file=safe_text(output)), err=True)


COMMANDS = [schema]
