"""`legality explain PATH --case ID`: why each rule did or did not flag one record.

Exit codes: 0 explained; 2 case not found, record invalid, unknown rule, unreadable input or rules
that do not compile.
"""

from __future__ import annotations

import difflib
import sys

import click

from ..resources import RULES_DIR
from ..report.base import dumps
from ..report.explain import explain_json, explain_text
from ..report.text import safe_text
from ._inputs import compile_or_exit, fail, find_case


def evaluable_case(paths: tuple[str, ...], case_id: str, rules_dir: str, rule: str | None = None):
    """The engine and the valid record of `case_id` (exit 2 with a clear message otherwise)."""
    engine = compile_or_exit(rules_dir)
    if rule is not None and rule not in {r.id for r in engine.rules}:
        close = difflib.get_close_matches(rule, [r.id for r in engine.rules], n=3)
        fail(f"правило {rule!r} не найдено в {rules_dir}" + (f"; возможно: {', '.join(close)}" if close else ""))
    item = find_case(paths, case_id)
    if item.verdict is None:
        for e in item.errors:
            click.echo(f"{safe_text(item.file)}:{item.line}: {safe_text(e.path)}: {safe_text(e.message)}", err=True)
        fail(f"запись дела {safe_text(case_id)} ({safe_text(item.file)}:{item.line}) не соответствует формату выгрузки; "
             f"исправьте её (`legality validate {item.file}`)")
    return engine, item


@click.command("explain")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--case", "case_id", required=True, help="case_id of the record to explain.")
@click.option("--rule", default=None, help="Explain only this rule.")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain_cmd(paths: tuple[str, ...], case_id: str, rule: str | None, rules_dir: str, fmt: str) -> None:
    """Explain, for one record, every rule: fired, passed, or why it did not apply.

    \b
    Example:
      legality explain fixtures/ --case 2024-0153-17
      legality explain export.jsonl --case 2024-0153-17 --rule attempt-term-cap --format json
    """
    engine, item = evaluable_case(paths, case_id, rules_dir, rule)
    ev = engine.evaluate(item.verdict, trace=True, only_rule=rule)
    if fmt == "json":
        sys.stdout.buffer.write(dumps(explain_json(item, ev, engine.rules, engine.version), indent=True) + b"\n")
    else:
        click.echo(explain_text(item, ev, engine.rules, engine.version), nl=False)


COMMANDS = [explain_cmd]
