"""`legality test`: run the rule authors' tests of a rule set and report coverage per rule."""

from __future__ import annotations

import sys

import click


@click.command("test")
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False))
@click.option("-k", "match", help="only tests whose name or rule contains this text")
@click.option("--no-coverage", is_flag=True, help="do not require a violation, boundary and not_applicable test per rule")
@click.option("-v", "--verbose", is_flag=True, help="list passing tests too")
def test_cmd(rules_dir, match, no_coverage, verbose):
    """Run rule tests (RULES_DIR/tests/*.yaml). Exit 0 all pass, 1 failures or missing coverage, 2 rule set errors."""
    from pathlib import Path

    from ..engine import Engine
    from ..driver import display_path
    from ..resources import RULES_DIR
    from ..ruletest import KINDS, coverage, load_tests, run_test

    rdir = Path(rules_dir) if rules_dir else RULES_DIR
    engine, diags = Engine.compile(rdir)
    if engine is None:
        for d in diags:
            click.echo(d.render(), err=True)
        sys.exit(2)
    tests, tdiags = load_tests(rdir, display_path)
    for d in tdiags:
        click.echo(d.render(), err=True)
    if match:
        tests = [t for t in tests if match in t.name or match in (t.rule or "")]
    failed = 0
    for t in tests:
        r = run_test(engine, t)
        if r.ok:
            if verbose:
                click.echo(f"PASS {t.file}:{t.line} {t.name}")
        else:
            failed += 1
            click.secho(f"FAIL {t.file}:{t.line} {t.name}", fg="red")
            click.echo(f"  {r.detail}")
    uncovered = []
    if not no_coverage and not match:
        for rid, kinds in sorted(coverage(tests, [r.id for r in engine.rules]).items()):
            lack = [k for k in KINDS if k not in kinds]
            if lack:
                uncovered.append(rid)
                click.secho(f"COVERAGE {rid}: no {', '.join(lack)} test", fg="yellow")
    click.echo(f"{len(tests) - failed} passed, {failed} failed" + (f", {len(uncovered)} rules lack tests" if uncovered else ""))
    if failed or uncovered or tdiags:
        sys.exit(1)


COMMANDS = [test_cmd]
