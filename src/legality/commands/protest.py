"""`legality protest PATH --case ID`: a draft prosecutor's appeal for the candidates of one case.

Exit codes: 0 draft written (or no candidates: said so); 2 case not found, record invalid,
unreadable input, rules that do not compile, or an output the draft cannot be written to.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..resources import RULES_DIR
from ..report.atomic import atomic_binary, os_error_ru, output_conflict, output_problem, writes_through
from ..report.protest import protest_context, render_markdown, write_docx
from ..report.text import safe_text
from ._inputs import fail
from .explain import evaluable_case


@click.command("protest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--case", "case_id", required=True, help="case_id of the record.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="FILE.md (Markdown) or FILE.docx (Word); default: Markdown on stdout. Written atomically; "
                   "a symlink's target is replaced (the link stays), a device or FIFO is written through; "
                   "an input file is refused.")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
def protest_cmd(paths: tuple[str, ...], case_id: str, output: str | None, rules_dir: str) -> None:
    """Draft, in Russian, a prosecutor's appeal (апелляционное ходатайство) for one case.

    \b
    Example:
      legality protest fixtures/ --case 2024-0153-17 -o hodataistvo.docx
    """
    _check_output(paths, output)
    engine, item = evaluable_case(paths, case_id, rules_dir)
    ev = engine.evaluate(item.verdict)
    if not ev.candidates:
        click.echo(f"По делу {safe_text(case_id)} кандидатов в протест нет: ходатайство не составлено.", err=True)
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
        kept = "" if writes_through(output) else "; прежняя версия файла (если была) сохранена"
        fail(f"не удаётся записать {safe_text(output)}: {os_error_ru(exc)}{kept}")
    click.echo(f"Проект ходатайства по делу {safe_text(case_id)} ({len(ev.candidates)} нарушений): "
               f"{safe_text(output)}", err=True)


def _check_output(paths: tuple[str, ...], output: str | None) -> None:
    """Exit 2 before reading anything when the draft cannot go to `output` or would overwrite an input."""
    from ..io.reader import resolve_inputs

    if output is None:
        return
    problem = output_problem(output, "--output")
    if problem is None:
        sources, _errors = resolve_inputs(list(paths))  # unreadable inputs are reported by the lookup
        problem = output_conflict([(output, "--output")],
                                  [(None, "файл, поданный на стандартный ввод") if s.path is None
                                   else (str(s.path), f"входной файл {s.name}")
                                   for s in sources])
    if problem:
        fail(problem)


COMMANDS = [protest_cmd]
