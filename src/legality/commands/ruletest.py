"""`legality test`: run the rule authors' tests of a rule set and report coverage per rule.

Two kinds of coverage: by default every rule needs a violation, a boundary and a not_applicable test
(`--no-coverage` turns that off); `--coverage` reports, per rule and in total, which outcomes of each
rule's clauses, `and`/`or` operands, `if`s and `default`s its tests exercised (`eval.branches` defines
them), with every outcome never seen located in the rule file, and `--min-coverage N` fails below N %.
"""

from __future__ import annotations

import sys

import click

from ._numbers import FloatRange


@click.command("test")
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False))
@click.option("-k", "match", help="only tests whose name or rule contains this text")
@click.option("--no-coverage", is_flag=True, help="do not require a violation, boundary and not_applicable test per rule")
@click.option("--coverage", "branches", is_flag=True,
              help="report which branches of each rule (clauses, `and`/`or` operands, `if`, `default`) the tests exercise")
@click.option("--coverage-format", type=click.Choice(["text", "json"]), default="text",
              help="the coverage report as a table or as JSON on stdout (the test results then go to stderr)")
@click.option("--min-coverage", type=FloatRange(0, 100), metavar="N",
              help="exit 1 when the rules' total branch coverage is below N per cent (implies --coverage)")
@click.option("-v", "--verbose", is_flag=True, help="list passing tests too")
def test_cmd(rules_dir, match, no_coverage, branches, coverage_format, min_coverage, verbose):
    """Run rule tests (RULES_DIR/tests/*.yaml). Exit 0 all pass, 1 failures, missing coverage or coverage below --min-coverage, 2 rule set errors."""
    from pathlib import Path

    from ..driver import display_path
    from ..engine import Engine
    from ..i18n import _
    from ..resources import RULES_DIR
    from ..ruletest import KINDS, BranchCollector, coverage, load_tests, run_test

    branches = branches or min_coverage is not None or coverage_format == "json"
    as_json = branches and coverage_format == "json"
    out = sys.stderr if as_json else None  # JSON owns stdout; the test results go to stderr

    def say(text: str, **style) -> None:
        click.secho(text, file=out, **style)

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
    collector = None
    if branches:  # the same rules, generated again with a call at each branch point
        engine, cover = engine.with_branch_coverage()
        collector = BranchCollector(cover)
    failed = 0
    results = []  # for the lints of the tests (W601-W603)
    for t in tests:
        r = run_test(engine, t)
        results.append(r)
        if collector is not None:
            collector.add(t, collector.cover.hits.take())
        if r.ok:
            if verbose:
                say(_("ПРОЙДЕН {place} {name}").format(place=f"{t.file}:{t.line}", name=t.name))
        else:
            failed += 1
            say(_("НЕ ПРОЙДЕН {place} {name}").format(place=f"{t.file}:{t.line}", name=t.name), fg="red")
            say(f"  {r.detail}")
    if not match:  # what the tests say about the rules (lint/tested.py), like `check`'s warnings
        from ..lint.tested import check_tests

        for d in check_tests(engine.rule_defs, results):
            click.echo(d.render(), err=True)
    uncovered = []
    if not no_coverage and not match:
        for rid, kinds in sorted(coverage(tests, [r.id for r in engine.rules]).items()):
            lack = [k for k in KINDS if k not in kinds]
            if lack:
                uncovered.append(rid)
                say(_("НЕТ ТЕСТОВ {rule}: не хватает тестов вида {kinds}").format(
                    rule=rid, kinds=", ".join(lack)), fg="yellow")
    say(_summary(len(tests) - failed, failed, len(uncovered)))
    low = False
    if collector is not None:
        report = collector.report({t.rule for t in tests if t.rule} if match else None)
        low = min_coverage is not None and report.below(min_coverage)
        if as_json:
            doc = report.to_json()
            doc["tests"] = {"passed": len(tests) - failed, "failed": failed}
            doc["min_coverage"] = min_coverage
            doc["below_min_coverage"] = low
            import orjson

            click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())
        else:
            _print_report(report)
        if low:
            covered, total = report.total("rule")
            click.secho(_low(covered, total, min_coverage), fg="red", err=True)
    if failed or uncovered or tdiags or low:
        sys.exit(1)


def _summary(passed: int, failed: int, uncovered: int) -> str:
    """The last line: «Тестов пройдено: 632, не пройдено: 0» (and the rules lacking a kind of test)."""
    from ..i18n import _
    from ..words import count

    if uncovered:
        return _("Тестов пройдено: {passed}, не пройдено: {failed}; без полного набора тестов: {rules}").format(
            passed=passed, failed=failed, rules=count(uncovered, "правило"))
    return _("Тестов пройдено: {passed}, не пройдено: {failed}").format(passed=passed, failed=failed)


def _low(covered: int, total: int, minimum: float) -> str:
    from ..i18n import _
    from ..ruletest import percent

    return _("Покрытие ветвей правил {percent}% ниже порога --min-coverage {minimum}%").format(
        percent=_num(percent(covered, total)), minimum=_num(minimum))


def _num(x: float) -> str:
    """A per cent figure as people write it: 80, 82.5 (no trailing .0)."""
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


_SHOWN = 120  # a point's text longer than this is cut in the table (JSON keeps it whole)


def _print_report(report) -> None:
    """The table: per rule its place, outcomes covered / total and %, and under it each outcome never seen."""
    from ..i18n import _

    click.echo("")
    click.secho(_("Покрытие ветвей правил тестами (условия when, unless, needs, violation; операнды and/or; "
                  "if; default)"), bold=True)
    for title, rows in ((_("правило"), report.rules), (_("факт (define)"), report.facts)):
        if not rows:
            continue
        places = [f"{r.file}:{r.line}" for r in rows]
        shares = [f"{r.covered}/{r.total}" for r in rows]
        w_id = max(len(title), *(len(r.id) for r in rows))
        w_place = max(len(_("место")), *(len(p) for p in places))
        w_share = max(len(_("покрыто")), *(len(s) for s in shares))
        click.echo("")
        click.secho(f"{title:<{w_id}}  {_('место'):<{w_place}}  {_('покрыто'):>{w_share}}  {'%':>5}", bold=True)
        for r, place, share in zip(rows, places, shares):
            click.secho(f"{r.id:<{w_id}}  {place:<{w_place}}  {share:>{w_share}}  {_num(r.percent):>5}",
                        fg=None if not r.unseen else "yellow")
            for u in r.unseen:
                p = u.point
                where = p.clause if p.kind == "clause" else f"{p.clause} › {p.kind}"
                text = u.text if len(u.text) <= _SHOWN else u.text[:_SHOWN - 1] + "…"
                click.echo(f"    {p.span.file}:{p.span.line}:{p.span.column}  {where}: {_unseen(p, u.missing)}: {text}")
    click.echo("")
    for label, kind in ((_("Итого по правилам: покрыто {covered} из {total} ({percent}%)"), "rule"),
                        (_("Итого по фактам: покрыто {covered} из {total} ({percent}%)"), "fact")):
        covered, total = report.total(kind)
        if total:
            from ..ruletest import percent

            click.secho(label.format(covered=covered, total=total, percent=_num(percent(covered, total))), bold=True)


def _unseen(p, missing: tuple[str, ...]) -> str:
    """What the tests never saw at a point, in words (the outcomes are `eval.branches`'s)."""
    from ..i18n import _

    if len(missing) == len(p.outcomes):
        return _("ни разу не вычислялось")
    (m,) = missing
    if p.kind == "if":
        return _("ветвь then ни разу не выполнялась") if m == "true" else _("ветвь else ни разу не выполнялась")
    if p.kind == "default":
        return _("значение ни разу не было задано") if m == "present" else _("запасное значение ни разу не бралось")
    if p.clause == "needs" and p.kind == "clause":
        return _("значение ни разу не было задано") if m == "present" else _("ни разу не было без значения")
    return _("ни разу не было истинным") if m == "true" else _("ни разу не было ложным")


COMMANDS = [test_cmd]
