"""`legality compare`: what a change to the rule pack does to past results — the release gate of a pack.

Two ways in:

- `legality compare --rules OLD --rules NEW CORPUS…` scans the corpus (the inputs of `legality scan`)
  once with each pack — the same `scan.run.run_scan` as `legality scan -f jsonl`, into a temporary file;
- `legality compare OLD_REPORT NEW_REPORT` reads two reports of `scan -f jsonl` (or `-f json`), so a
  nightly job compares without scanning again.

Both hand report bytes to `report.compare`, so they give the same comparison.  Why the order of steps
is `scan`'s: every usage problem (options, unreadable inputs, packs that do not compile, a report that is
not one) exits 2 before anything is written, so a release job fails loudly instead of passing on a
half comparison.  Exit codes: 0 within every threshold, 1 past one (the gate), 2 usage or input error,
3 internal error (cli.py).  The thresholds and why the default is «no high finding lost»:
`report.compare.Gate`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from fractions import Fraction
from typing import Any

import click

from ..i18n import _
from ..report.atomic import os_error_ru, output_conflict, output_problem, write_atomic
from ..report.compare import EXAMPLES, Gate, ReportError, Side, compare, read_side, render
from ..report.text import safe_text
from ._inputs import compile_or_exit, fail, no_cache_option, resolve_or_exit
from ._numbers import IntRange

EXIT_OK, EXIT_FAIL = 0, 1


def _share(ctx: click.Context, param: click.Parameter, value: str | None) -> Fraction | None:
    """`--max-changed-share 5`, `5%`, `2.5 %`, `2,5%` → Fraction(5) etc. (percent, 0–100)."""
    if value is None:
        return None
    text = value.strip().removesuffix("%").strip().replace(",", ".")
    try:
        share = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise click.BadParameter(_("ожидается доля в процентах от 0 до 100, например 5 или 2.5%")) from None
    if not 0 <= share <= 100:
        raise click.BadParameter(_("ожидается доля в процентах от 0 до 100, например 5 или 2.5%"))
    return share


def _scan_side(sources: list[Any], engine: Any, rules_dir: str, jobs: int, progress: bool) -> Side:
    """One pack over the corpus: the report `scan -f jsonl` would write, read back as a side.

    The report goes to a temporary file on disk, not to memory: a corpus of a few years' verdicts
    gives a report of hundreds of megabytes."""
    from ..scan.run import run_scan

    with tempfile.TemporaryFile(prefix="legality-compare-") as tmp:
        summary = run_scan(sources, engine, tmp, fmt="jsonl", rules_dir=rules_dir, jobs=jobs, progress=progress)
        if summary.records == summary.invalid:
            # a gate that compared nothing must not pass: reports given with --rules, or a wrong folder
            fail(_("в приговорах нет ни одной корректной записи (прочитано: {records}, некорректных: {invalid}) — "
                   "сравнивать нечего; два отчёта сравниваются без --rules").format(
                records=summary.records, invalid=summary.invalid))
        # a CI log shows where the minutes went (the bar is drawn only on a terminal)
        click.echo(_("legality: {rules}: проверено записей — {records}, некорректных — {invalid}").format(
            rules=safe_text(rules_dir), records=summary.records, invalid=summary.invalid), err=True)
        tmp.seek(0)
        return read_side(tmp, rules_dir, {r.id: r.title for r in engine.rules})


def _report_side(path: str) -> Side:
    try:
        with open(path, "rb") as fh:
            return read_side(fh, path)
    except OSError as exc:
        fail(_("не удалось прочитать отчёт {path}: {why}").format(path=path, why=os_error_ru(exc)))


@click.command("compare")
@click.argument("paths", nargs=-1, required=True, metavar="CORPUS... | OLD_REPORT NEW_REPORT")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(), metavar="DIR",
              help="A rule pack; given twice: the old (released) pack, then the new one. The corpus is scanned "
                   "with each. Without --rules the two paths are reports of scan -f jsonl (old, then new).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True,
              help="table for a terminal or a CI log, json (legality.compare/1) for a program, markdown for a "
                   "merge request.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the comparison to FILE atomically instead of the standard output.")
@click.option("--max-gained", type=IntRange(min=0), default=None, metavar="N",
              help="Exit 1 if the new pack gives more than N findings the old one did not.")
@click.option("--max-lost", type=IntRange(min=0), default=None, metavar="N",
              help="Exit 1 if more than N findings of the old pack are gone.")
@click.option("--max-lost-high", type=IntRange(min=0), default=None, metavar="N",
              help="Exit 1 if more than N high findings are gone or lowered to medium or low. With no threshold "
                   "given this one applies with N = 0.")
@click.option("--max-changed-share", callback=_share, default=None, metavar="PERCENT",
              help="Exit 1 if the findings of more than PERCENT % of the flagged cases were gained, lost or "
                   "changed (e.g. 5 or 2.5%).")
@click.option("--examples", type=IntRange(1, 100), default=EXAMPLES, show_default=True, metavar="N",
              help="Example case ids per rule and kind of change (sorted, the first N).")
@click.option("--jobs", "-j", type=IntRange(min=0), default=0, show_default="number of cores", metavar="N",
              help="Worker processes of each scan (0: number of cores). The result is the same for every value.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar of each scan on stderr (default: only when stderr is a terminal).")
@no_cache_option
def compare_cmd(paths: tuple[str, ...], rules_dirs: tuple[str, ...], fmt: str, output: str | None,
                max_gained: int | None, max_lost: int | None, max_lost_high: int | None,
                max_changed_share: Fraction | None, examples: int, jobs: int, progress: bool | None) -> None:
    """Compare two rule packs on the same verdicts (or two reports): findings gained, lost and changed per rule.

    \b
    Examples:
      legality compare --rules ../released/rules --rules rules fixtures/
      legality compare old.jsonl new.jsonl --format markdown -o compare.md
      legality compare --rules ../released/rules --rules rules export/ --max-lost 0 --max-changed-share 5%

    A finding is the same on both sides when its case, rule and episode are; changed: the same
    finding with another imposed value, severity, allowed range or citations. With no threshold
    given the gate fails on any high finding lost. Exit codes: 0 within the thresholds; 1 past one;
    2 usage error, unreadable input, a report that is not one, rules that do not compile;
    3 internal error.
    """
    if output == "-":
        output = None
    problem = output_problem(output, "--output")
    if problem:
        fail(problem)
    gate = Gate(max_gained=max_gained, max_lost=max_lost, max_lost_high=max_lost_high,
                max_changed_share=max_changed_share)
    if rules_dirs:
        if len(rules_dirs) != 2:
            fail(_("--rules указывается дважды: сначала старый (выпущенный) набор правил, затем новый; "
                   "указано: {n}").format(n=len(rules_dirs)))
        if "-" in paths:  # each pack reads the corpus once: standard input cannot be read twice
            fail(_("приговоры сравниваются двумя наборами правил и читаются дважды: стандартный ввод (-) не "
                   "подходит, сохраните его в файл"))
        sources = resolve_or_exit(paths)
        inputs = [(str(s.path), _("входной файл {name}").format(name=s.name)) for s in sources]
        engines = [compile_or_exit(d) for d in rules_dirs]  # both compile before anything is read
        conflict = output_conflict([(output, "--output")], inputs)
        if conflict:
            fail(conflict)
        show = sys.stderr.isatty() if progress is None else progress
        old, new = (_scan_side(sources, e, d, jobs, show) for e, d in zip(engines, rules_dirs))
    else:
        if len(paths) != 2:
            fail(_("укажите два отчёта (старый и новый, scan -f jsonl) или наборы правил и приговоры: "
                   "--rules СТАРЫЕ --rules НОВЫЕ ПРИГОВОРЫ…; путей указано: {n}").format(n=len(paths)))
        for p in paths:
            if not os.path.isfile(p):
                fail(_("{path}: отчёт не найден или это не файл").format(path=p))
        conflict = output_conflict([(output, "--output")], [(p, _("входной отчёт {name}").format(name=p)) for p in paths])
        if conflict:
            fail(conflict)
        try:
            old, new = (_report_side(p) for p in paths)
        except ReportError as exc:
            fail(_("{file}, строка {line}: {why}; сравниваются только отчёты legality scan -f jsonl").format(
                file=exc.file, line=exc.line, why=exc.why))
    comparison = compare(old, new)
    to_terminal = output is None and sys.stdout.isatty()
    data = render(fmt, comparison, gate, examples=examples, color=to_terminal,
                  width=shutil.get_terminal_size().columns if to_terminal else None)
    try:
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            write_atomic(output, data)
    except BrokenPipeError:  # `| head`: the reader went away; the gate's verdict still stands
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAIL if gate.breaches(comparison) else EXIT_OK)
    except OSError as exc:
        fail(_("не удаётся записать сравнение в {path}: {why}").format(
            path=safe_text(output or "-"), why=os_error_ru(exc)))
    sys.exit(EXIT_FAIL if gate.breaches(comparison) else EXIT_OK)


COMMANDS = [compare_cmd]
