"""`legality protest PATH --case ID`: a draft prosecutor's appeal for the candidates of one case.

Exit codes: 0 draft written (or no candidates: said so); 2 case not found, record invalid,
unreadable input, rules that do not compile, or an output the draft cannot be written to.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..paths import RULES_DIR
from ..report.atomic import atomic_binary
from ..report.protest import protest_context, render_markdown, write_docx
from ..scan.inputs import fail, writable_or_exit
from .explain import evaluable_case


@click.command("protest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--case", "case_id", required=True, help="case_id of the record.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="FILE.md (Markdown) or FILE.docx (Word); default: Markdown on stdout.")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
def protest_cmd(paths: tuple[str, ...], case_id: str, output: str | None, rules_dir: str) -> None:
    """Draft, in Russian, a prosecutor's appeal (апелляционное ходатайство) for one case.

    \b
    Example:
      legality protest fixtures/ --case 2024-0153-17 -o hodataistvo.docx
    """
    writable_or_exit(output, "--output")
    engine, item = evaluable_case(paths, case_id, rules_dir)
    ev = engine.evaluate(item.verdict)
    if not ev.candidates:
        click.echo(f"По делу {case_id} кандидатов в протест нет: ходатайство не составлено.", err=True)
        return
    ctx = protest_context(item.verdict, ev.candidates, engine.version)
    docx = output is not None and Path(output).suffix.lower() == ".docx"
    if output is None:
        sys.stdout.write(render_markdown(ctx))
        return
    try:
        with atomic_binary(output) as fh:
            if docx:
                write_docx(ctx, fh)
            else:
                fh.write(render_markdown(ctx).encode("utf-8"))
    except OSError as exc:
        fail(f"не удаётся записать {output}: {exc.strerror or exc}")
    click.echo(f"Проект ходатайства по делу {case_id} ({len(ev.candidates)} нарушений): {output}", err=True)


COMMANDS = [protest_cmd]
