"""`legality scan PATH...`: protest candidates for a batch of verdicts.

Why the order of steps: every usage problem (bad option, unreadable path, rules that do not
compile) is reported with exit 2 before a single record is read, so a nightly job fails fast and
loudly; after that nothing about a record can stop the batch.  Exit codes (report-v1): 0 scanned,
1 candidates at or above `--fail-on` (or, with `--strict`, invalid records or rule faults),
2 usage error / unreadable input / rules that do not compile / an output that cannot be written
(full disk, an output that is an input); 3 internal error (cli.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any, BinaryIO, Callable, Iterator

import click

from ..i18n import _
from ..edition import edition_iso
from ..resources import RULES_DIR
from ..report.atomic import atomic_binary, os_error_ru, output_conflict, output_problem, write_atomic, writes_through
from ..report.base import FORMATS, FormatOptions, dumps, formatter_class
from ..result.candidate import SEVERITIES
from ..scan.run import run_scan
from ..scan.state import NoState, ScanState
from ._store import SCAN_OPTIONS as STORE_SCAN_OPTIONS, make_store_state
from ..scan.summary import Summary, now_iso
from ._inputs import compile_or_exit, fail, input_labels, no_cache_option, resolve_or_exit
from ._filters import filter_options, make_filter
from ._numbers import FloatRange, IntRange
from ..report.filter import hidden_line
from ..report.text import safe_text

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# an output file's extension → its format; any other extension is a usage error (`choose_format`): a
# report named .xlsx, .pdf or .docx in another format is a file its reader's program calls corrupt
BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".sarif": "sarif",
             ".html": "html", ".htm": "html", ".xlsx": "xlsx"}

# The nightly store (issue 6) adds its options here (--db, --new-only, --rescan, --resume) and reads
# them in `make_state`; nothing else in this module needs to change.
STATE_OPTIONS: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = STORE_SCAN_OPTIONS


def make_state(options: dict[str, Any]) -> ScanState:
    """The state store for this run, from the command's options (no `--db`: no state)."""
    return make_store_state(options) or NoState()


def _state_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(STATE_OPTIONS):
        f = opt(f)
    return f


def choose_format(fmt: str | None, output: str | None) -> str:
    """Explicit `--format`; else by the output file's extension; else table on a terminal, jsonl otherwise.

    An output whose extension is none of the formats' own (`-o report.docx`, `-o x.txt`, `-o report`)
    is a usage error (exit 2) unless `-f` says the format: writing JSON Lines under a name that
    promises something else used to exit 0 and leave a file Excel calls corrupt.  A name without an
    extension that is a pipe or a device (`-o /dev/stdout`, `-o >(gzip > r.gz)`) is read by a
    program: jsonl, as before.
    """
    if fmt:
        return fmt
    if output:
        ext = os.path.splitext(output)[1].lower()
        if ext in BY_SUFFIX:
            return BY_SUFFIX[ext]
        if not ext and writes_through(output):
            return "jsonl"
        known = "; ".join(f"{' '.join(e for e, f in BY_SUFFIX.items() if f == name)} — {name}"
                          for name in dict.fromkeys(BY_SUFFIX.values()))
        formats = ", ".join(sorted(FORMATS))
        if ext:
            fail(_("-o {name}: расширение «{ext}» не соответствует ни одному формату отчёта. Формат выбирается "
                   "по расширению: {known}; для файла с другим именем укажите формат явно: -f ФОРМАТ ({formats})"
                   ).format(name=output, ext=ext, known=known, formats=formats))
        fail(_("-o {name}: у имени файла нет расширения, по которому выбирается формат отчёта ({known}); "
               "укажите формат явно: -f ФОРМАТ ({formats})").format(name=output, known=known, formats=formats))
    return "table" if sys.stdout.isatty() else "jsonl"


def _delimiter(value: str) -> str:
    d = {"tab": "\t", "\\t": "\t"}.get(value.lower(), value)
    if len(d) != 1 or d in "\"\r\n":
        raise click.BadParameter(_("ожидается один символ, например ';' или ',' (или 'tab')"))
    return d


@contextlib.contextmanager
def _sink(output: str | None) -> Iterator[BinaryIO]:
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_binary(output) as fh:
        yield fh


def _shown(output: str | None) -> str:
    return _("стандартный вывод") if output is None else safe_text(output)


def _about_report(exc: OSError, output: str | None) -> bool:
    """Whether an OS error of the run is about writing the report (stdout, the file or its temp file)."""
    if not exc.filename:
        return True  # writes to an open file carry no name; reading errors are record errors
    if output is None:
        return False
    name = os.path.basename(os.path.realpath(output))
    return os.path.basename(str(exc.filename)) in (name, os.path.basename(output)) \
        or os.path.basename(str(exc.filename)).startswith(f".{name}.")


def _silence_stdout() -> None:
    """fd 1 → /dev/null, so the interpreter's final flush of a dead or full stdout stays quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _broken_pool() -> type[BaseException]:
    """The exception of a worker process that died — only a run that started workers can raise it, so
    the process-pool module is looked up, not imported (start-up of a one-process scan)."""
    mod = sys.modules.get("concurrent.futures.process")
    return mod.BrokenProcessPool if mod is not None else _NeverRaised


class _NeverRaised(Exception):
    pass


def _cluster_error() -> type[BaseException]:
    """A cluster's failure: only a `--cluster` run, which imported the module, can raise it."""
    mod = sys.modules.get("legality.scan.cluster")
    return mod.ClusterError if mod is not None else _NeverRaised


def _cluster_or_exit(address: str | None) -> Any:
    """The Dask cluster of `--cluster`, connected before anything is read or written (exit 2 if it cannot be)."""
    if address is None:
        return None
    from ..scan.cluster import Cluster, ClusterError

    try:
        return Cluster(address).__enter__()
    except ClusterError as exc:
        fail(str(exc))


def _terminate(signum: int, frame: Any) -> None:
    # SIGTERM → SystemExit, so the atomic writer removes its temporary file
    raise SystemExit(128 + signum)


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
@click.option("--format", "-f", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="Output format. Default: by the --output extension, else table on a terminal, jsonl otherwise. "
                   "jsonl, json and csv stream (memory stays flat on any input); table, sarif and html "
                   "collect the whole run before writing.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE atomically (a killed run never leaves a partial file). "
                   "A symlink is followed: its target is replaced, the link stays. A device, a FIFO or "
                   "/dev/fd/N (e.g. -o >(gzip > r.gz)) is written through, never replaced. An input file "
                   "is refused.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False), default=None,
              help="Write the run summary (legality.summary/1 JSON) to FILE, atomically like --output; "
                   "it must be another file than --output and the inputs.")
@click.option("--all", "include_all", is_flag=True, help="Report clean records too (status clean).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 if a candidate at or above this severity is found.")
@click.option("--min-coverage", type=FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 if fewer than PERCENT % of the evaluated (valid) records were checked fully "
                   "(the rest lacked data a rule needs, or their article/edition is not in the catalogue).")
@click.option("--jobs", "-j", type=IntRange(min=0), default=0, show_default="number of cores", metavar="N",
              help="Worker processes (0: one per core, or this process alone for an input of at most "
                   "2,048 records). Output is identical for every value.")
@click.option("--cluster", "cluster_addr", default=None, metavar="ADDRESS",
              help="Evaluate on a Dask cluster instead of local worker processes: local:N (a cluster of N "
                   "processes on this machine for this run) or a running scheduler's address, e.g. "
                   "tcp://host:8786. Needs the [dask] extra; see docs/scale.md. The report is byte-identical "
                   "to --jobs 1.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only when stderr is a terminal and the report is not "
                   "streamed onto the same terminal).")
@click.option("--strict", is_flag=True, help="Exit 1 also on invalid records and rule faults.")
@click.option("--backend", type=click.Choice(["batch", "row"]), default="batch", show_default=True,
              help="Evaluator: batch (columnar, a batch of records at once) or row (one record at a time, "
                   "as explain does). The report is byte-identical with either.")
@no_cache_option
@click.option("--csv-delimiter", default=",", show_default=True, callback=lambda c, p, v: _delimiter(v),
              help="CSV field separator (';' for Excel in Russian locales, 'tab').")
@filter_options
@click.option("--show-invalid", is_flag=True,
              help="Table: list the invalid and not fully checked records (file:line, what is wrong) after the "
                   "candidates; without it the table only counts them.")
@_state_options
def scan_cmd(paths: tuple[str, ...], rules_dir: str, fmt: str | None, output: str | None, summary_path: str | None,
             include_all: bool, fail_on: str | None, min_coverage: float | None, jobs: int, progress: bool | None, strict: bool,
             csv_delimiter: str, backend: str, cluster_addr: str | None = None, severities: tuple[str, ...] = (),
             rule_ids: tuple[str, ...] = (), courts: tuple[str, ...] = (), articles: tuple[str, ...] = (),
             show_invalid: bool = False, **state_opts: Any) -> None:
    """Scan verdict batches (.jsonl, .json, directories, - for stdin) for protest candidates.

    \b
    Examples:
      legality scan fixtures/
      legality scan export.jsonl -f html -o report.html --summary summary.json
      legality scan export.jsonl -f csv --csv-delimiter ';' -o candidates.csv --fail-on high

    Exit codes: 0 scanned (no candidate at or above --fail-on); 1 candidates at or above --fail-on,
    fewer records checked fully than --min-coverage, or with --strict invalid records / rule faults; 2 usage error, unreadable input path, rule
    files that do not compile, or a report / summary that cannot be written (e.g. a full disk);
    3 internal error.
    """
    if output == "-":
        output = None  # `-o -`: the standard output
    for path, what in ((output, "--output"), (summary_path, "--summary")):
        problem = output_problem(path, what)
        if problem:
            fail(problem)
    fmt = choose_format(fmt, output)  # an unknown extension: exit 2 before anything is read
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        fail(_("-f xlsx пишет файл Excel, а не текст для терминала: укажите -o ФАЙЛ.xlsx"))
    sources = resolve_or_exit(paths)
    conflict = output_conflict([(output, "--output"), (summary_path, "--summary"), (state_opts.get("db"), "--db")],
                               input_labels(sources))
    if conflict:
        fail(conflict)
    engine = compile_or_exit(rules_dir).with_backend(backend)
    # the filters choose what the report shows (every format, -o too); the store (--db) and the exit
    # code (--fail-on, --strict, --min-coverage) still see every candidate of the run
    candidate_filter = make_filter(severities, rule_ids, courts, articles, known_rules=[r.id for r in engine.rules])
    cluster = _cluster_or_exit(cluster_addr)
    state = make_state({"paths": paths, "rules_dir": rules_dir, "format": fmt, "all": include_all, **state_opts})
    to_terminal = output is None and sys.stdout.isatty()
    options = FormatOptions(csv_delimiter=csv_delimiter, color=to_terminal and fmt == "table",
                            review_status=getattr(state, "status_of", None),  # --db: the «Статус» column
                            candidate_filter=candidate_filter, show_invalid=show_invalid)
    # a report streamed onto the terminal (jsonl on a tty) would be torn by the live bar: no bar then
    show_progress = (sys.stderr.isatty() and not (to_terminal and formatter_class(fmt).streaming)) \
        if progress is None else progress
    summary = Summary(rules_version=engine.version, started=now_iso())
    completed = False

    previous = signal.signal(signal.SIGTERM, _terminate)
    state.open(rules_version=engine.version, inputs=[s.name for s in sources],
               options={"format": fmt, "all": include_all, "rules_edition": edition_iso(rules_dir), "lang": engine.lang})
    try:
        with _sink(output) as out:
            run_scan(sources, engine, out, fmt=fmt, rules_dir=rules_dir, jobs=jobs, include_all=include_all,
                     state=state, options=options, progress=show_progress, summary=summary, cluster=cluster)
        completed = True
    except BrokenPipeError:
        if output is not None:  # `-o >(gzip …)` whose reader died: the report is lost
            fail(_("не удаётся записать отчёт в {file}: читатель канала завершился; отчёт не записан").format(
                file=safe_text(output)))
        # the reader of stdout went away (`| head`): not an error of the scan
        _silence_stdout()
        sys.exit(EXIT_OK)
    except OSError as exc:
        if not _about_report(exc, output):
            raise  # not the report's file: the top-level handler names it
        if output is None:
            _silence_stdout()
        fail((_("не удаётся записать отчёт в {file}: {why}; отчёт не записан") if output is None or writes_through(output)
              else _("не удаётся записать отчёт в {file}: {why}; отчёт не записан, прежняя версия файла (если была) "
                     "сохранена")).format(file=_shown(output), why=os_error_ru(exc)))
    except _broken_pool():
        click.echo("legality: " + _("рабочий процесс проверки аварийно завершился (возможно, не хватило памяти); "
                                    "отчёт не записан — повторите с меньшим --jobs"), err=True)
        sys.exit(EXIT_USAGE)
    except _cluster_error() as exc:
        click.echo(f"legality: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("legality: " + _("прервано пользователем; отчёт не записан"), err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if cluster is not None:
            cluster.close()
        summary.finished = summary.finished or now_iso()
        state.close(summary.to_json(), completed=completed)

    if not (fmt == "table" and to_terminal):
        click.echo(summary.render_ru(titles={r.id: r.title for r in engine.rules}), err=True)
        if candidate_filter.active:
            click.echo(hidden_line(candidate_filter.hidden), err=True)
    if summary_path:
        try:
            write_atomic(summary_path, dumps(summary.to_json(), indent=True) + b"\n")
        except OSError as exc:
            fail((_("отчёт записан в {file}, но сводку {summary} записать не удалось: {why}")
                  if writes_through(summary_path) else
                  _("отчёт записан в {file}, но сводку {summary} записать не удалось: {why}; прежняя версия сводки "
                    "(если была) сохранена")).format(file=_shown(output), summary=safe_text(summary_path),
                                                     why=os_error_ru(exc)))
    failed = (fail_on is not None and summary.worst_at_least(fail_on)) or (strict and (summary.invalid or summary.faults))
    if min_coverage is not None and summary.fully_checked_percent < min_coverage:
        click.echo("legality: " + _("проверено полностью {share} % записей — меньше порога --min-coverage {limit} % "
                                    "(причины — в сводке и в поле coverage отчёта)").format(
            share=f"{summary.fully_checked_percent:g}".replace(".", ","), limit=f"{min_coverage:g}".replace(".", ",")),
                   err=True)
        failed = True
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


COMMANDS = [scan_cmd]
