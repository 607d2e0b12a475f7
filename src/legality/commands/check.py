"""`legality check` and `legality graph`: compile the rule set and report; print the dependency graph.

The diagnostics are in the language of `--lang` (ru, kk, or en for English); `--format json` keeps
its machine fields (`code`, `severity: "error"`, spans) the same in every language and carries the
message and hint in that language.
"""

from __future__ import annotations

import sys

import click
import orjson

from ..diagnostics import Severity
from ..i18n import _

RULES_HELP = "rule set directory (default: the shipped rules/)"


def _print_diags(diags, sources, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(orjson.dumps([d.to_json() for d in diags], option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for d in diags:
        click.echo(d.render(sources), err=True)
        click.echo("", err=True)


@click.command("check")
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False))
@click.option("--strict", is_flag=True, help="exit 1 when there are warnings")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="diagnostics as text or JSON")
@click.option("--dump", type=click.Choice(["ast", "ir", "plan", "code"]), help="print an intermediate form")
@click.option("--timings", is_flag=True, help="print how long each compiler stage took")
def check_cmd(rules_dir, strict, fmt, dump, timings):
    """Compile and lint a rule set. Exit 0 clean, 1 warnings with --strict, 2 errors."""
    from ..driver import run_stages
    from ..syntax.printer import rule_file

    u = run_stages(rules_dir)
    _print_diags(u.diags, u.sources, fmt)
    if dump == "ast":
        for f in u.files:
            click.echo(f"# {f.path}\n{rule_file(f)}")
    elif dump == "ir":
        for name, fd in sorted(u.facts.items()):
            click.echo(f"fact {name} [{fd.scope}] : {fd.type} = {fd.expr}")
        for rid, rd in sorted(u.rules.items()):
            click.echo(rd.dump())
    elif dump == "plan" and u.plan is not None:
        click.echo(u.plan.to_text())
    elif dump == "code" and u.program is not None:
        click.echo(u.program.source)
    if timings:
        for name, t in u.timings:
            click.echo(f"{name:10} {t * 1000:8.1f} ms", err=True)
    errors = sum(1 for d in u.diags if d.level is Severity.error)
    warnings = sum(1 for d in u.diags if d.level is Severity.warning)
    if fmt == "text":
        # the rules and facts that passed the checks (review: not «0 rules» whenever anything failed)
        click.echo(_("files: {files}, rules: {rules}, facts: {facts}; errors: {errors}, warnings: {warnings}").format(
            files=len(u.sources), rules=len(u.rules), facts=len(u.facts), errors=errors, warnings=warnings), err=True)
    if errors:
        sys.exit(2)
    if warnings and strict:
        sys.exit(1)


@click.command("graph")
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False))
@click.option("--dot", is_flag=True, help="Graphviz DOT instead of text")
def graph_cmd(rules_dir, dot):
    """Print the dependency graph of facts and rules in evaluation order."""
    from ..driver import run_stages

    u = run_stages(rules_dir)
    errs = [d for d in u.diags if d.is_error]
    if errs or u.plan is None:
        _print_diags(u.diags, u.sources, "text")
        sys.exit(2)
    click.echo(u.plan.to_dot() if dot else u.plan.to_text(), nl=not dot)


COMMANDS = [check_cmd, graph_cmd]
