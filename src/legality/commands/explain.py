"""`legality explain PATH --case ID`: why each rule did or did not flag one record.

Default: the prosecutor's view (the verdict, each finding with its facts, the computed limit and the
norms, one line per rule that found no violation, what could not be checked).  `--full`: the rule
author's view (rule ids, deciding clauses, every fact by name).  `--format json`: the trace as data.

Exit codes: 0 explained; 2 case not found, record invalid, unknown rule, unreadable input or rules
that do not compile.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from ..i18n import _
from ..resources import RULES_DIR
from ..report.base import dumps
from ..report.columns import error_text
from ..report.explain import explain_brief, explain_json, explain_text
from ..report.text import safe_text
from ._inputs import compile_or_exit, fail, find_case


def evaluable_case(paths: tuple[str, ...], case_id: str, rules_dir: str, rule: str | None = None):
    """The engine and the valid record of `case_id` (exit 2 with a clear message otherwise)."""
    engine = compile_or_exit(rules_dir)
    if rule is not None and rule not in {r.id for r in engine.rules}:
        close = difflib.get_close_matches(rule, [r.id for r in engine.rules], n=3)
        # the shipped pack is not named by its absolute path (review §6): the user did not type it
        where = (_("в поставляемых правилах") if Path(rules_dir).resolve() == RULES_DIR.resolve()
                 else _("в {dir}").format(dir=rules_dir))
        fail(_("правило «{rule}» не найдено {where}").format(rule=rule, where=where)
             + (_("; возможно: {names}").format(names=", ".join(close)) if close else ""))
    item = find_case(paths, case_id)
    if item.verdict is None:
        for e in item.errors:
            # the field in words, as in the report's list of invalid records (the exact path: `validate -f json`)
            click.echo(f"{safe_text(item.file)}:{item.line}: {safe_text(error_text(e.to_json()))}", err=True)
        fail(_("запись дела {case} ({file}:{line}) не соответствует формату выгрузки; исправьте её "
               "(`legality validate {path}`)").format(case=safe_text(case_id), file=safe_text(item.file),
                                                    line=item.line, path=item.file))
    return engine, item


@click.command("explain")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--case", "case_id", required=True, help="case_id of the record to explain.")
@click.option("--rule", default=None, help="Explain only this rule.")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--full", is_flag=True, default=False,
              help="The rule author's view: every rule with its id, deciding clause and values, and every fact by name.")
def explain_cmd(paths: tuple[str, ...], case_id: str, rule: str | None, rules_dir: str, fmt: str, full: bool) -> None:
    """Explain, for one record, every rule: fired, passed, or why it did not apply.

    \b
    Example:
      legality explain fixtures/ --case 2024-0153-17
      legality explain fixtures/ --case 2024-0153-17 --full
      legality explain export.jsonl --case 2024-0153-17 --rule attempt-term-cap --format json
    """
    engine, item = evaluable_case(paths, case_id, rules_dir, rule)
    ev = engine.evaluate(item.verdict, trace=True, only_rule=rule)
    if fmt == "json":
        sys.stdout.buffer.write(dumps(explain_json(item, ev, engine.rules, engine.version), indent=True) + b"\n")
    elif full:
        click.echo(explain_text(item, ev, engine.rules, engine.version), nl=False)
    else:
        from ..edition import edition_label

        click.echo(explain_brief(item, ev, engine.rules, engine, edition=edition_label(rules_dir)), nl=False)


COMMANDS = [explain_cmd]
