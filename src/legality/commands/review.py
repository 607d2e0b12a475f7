"""`legality review`: prosecutors go through the candidates a nightly scan recorded, and decide.

Why decisions are names and reasons, not flags: a dismissed candidate disappears from every later
morning list, so the store keeps who dismissed it and why (an append-only log), and the log can be
moved to another office (`export` / `import`).  Exit codes: 0 done; 1 `import` rejected some lines;
2 usage error, unknown or ambiguous fingerprint, or a store that cannot be used.
"""

from __future__ import annotations

import sys

import click
import orjson
from rich.table import Table

from ..report.atomic import atomic_binary
from ..report.text import SEVERITY_RU
from ..store import review as decisions
from ._store import DbError, console, db_option, open_store, store_errors

STATUS_RU = {"new": "новый", "known": "известный", "dismissed": "отклонён", "confirmed": "подтверждён",
             "resolved": "устранён"}
STATUS_STYLE = {"new": "bold yellow", "known": "", "dismissed": "dim", "confirmed": "bold green", "resolved": "dim"}
TABLE_LIMIT = 200


@click.group("review")
def review_group() -> None:
    """Review protest candidates recorded by `scan --db`: list, dismiss, confirm, export, import.

    \b
    Examples:
      legality review list --status new
      legality review dismiss 3f9a1c2e --reason "срок назначен верно, ст. 55" --by "Иванова А."
      legality review confirm 3f9a1c2e7b10 --by "Иванова А."
      legality review export --output decisions.jsonl
      legality review import decisions.jsonl --db other-office.db
    """


@review_group.command("list")
@db_option
@click.option("--status", type=click.Choice(decisions.STATUSES), multiple=True,
              help="Only candidates with this status (repeatable).")
@click.option("--rule", help="Only candidates of this rule id.")
@click.option("--case", "case_id", help="Only candidates of this case id.")
@click.option("--severity", type=click.Choice(["high", "medium", "low"]), help="Only this severity.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "jsonl"]), default=None,
              help="Default: table on a terminal, jsonl otherwise.")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help=f"At most N candidates (0: all). Default: {TABLE_LIMIT} in a table, all in jsonl.")
def list_cmd(db: str, status: tuple[str, ...], rule: str | None, case_id: str | None, severity: str | None,
             fmt: str | None, limit: int | None) -> None:
    """List candidates, most severe first, then by case."""
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    conn = open_store(db, readonly=True)
    with store_errors(db):
        rows, total = decisions.list_candidates(conn, statuses=status, rule=rule, case=case_id,
                                                severity=severity, limit=limit or None)
    if fmt == "jsonl":
        out = sys.stdout.buffer
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")
        out.flush()
        return
    table = Table(title=f"Кандидаты в протест ({db})", show_lines=False)
    for header in ("Отпечаток", "Статус", "Тяжесть", "Правило", "Дело", "Эпизод", "Впервые", "Суть"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(row["fingerprint"][:12], f"[{STATUS_STYLE[row['status']]}]{STATUS_RU[row['status']]}"
                      if STATUS_STYLE[row["status"]] else STATUS_RU[row["status"]],
                      SEVERITY_RU.get(row["severity"], row["severity"]), _cell(row["rule"]), _cell(row["case_id"] or "—"),
                      _cell(row["offence"] or "—"), row["first_seen"][:10], _cell(row["candidate"].get("title", "")))
    out = console()
    out.print(table)
    shown = f"показано {len(rows)} из {total}" if len(rows) < total else f"всего {total}"
    out.print(f"{shown}" + ("; --limit 0 — все" if len(rows) < total else ""), style="dim")


def _cell(value: object) -> str:
    """Record text in a rich table cell: no terminal escape sequences, no rich markup ([bold] …)."""
    from rich.markup import escape

    from ..report.text import safe_text

    return escape(safe_text(value))


def _decide(db: str, fingerprint: str, action: str, by: str, reason: str | None) -> None:
    conn = open_store(db)
    with store_errors(db):
        d = decisions.decide(conn, fingerprint, action, by=by, reason=reason)
    verb = "отклонён" if action == "dismiss" else "подтверждён"
    click.echo(f"кандидат {d.fingerprint} {verb} ({d.by}, {d.at})")


@review_group.command("dismiss")
@click.argument("fingerprint")
@click.option("--reason", required=True, help="Why the candidate is not a legality error (kept in the log).")
@click.option("--by", "by", required=True, help="Reviewer's name.")
@db_option
def dismiss_cmd(fingerprint: str, reason: str, by: str, db: str) -> None:
    """Dismiss a candidate: it never comes back as new. FINGERPRINT may be a unique prefix (8+ chars)."""
    _decide(db, fingerprint, "dismiss", by, reason)


@review_group.command("confirm")
@click.argument("fingerprint")
@click.option("--by", "by", required=True, help="Reviewer's name.")
@click.option("--reason", default=None, help="Optional note (kept in the log).")
@db_option
def confirm_cmd(fingerprint: str, by: str, reason: str | None, db: str) -> None:
    """Confirm a candidate as a legality error (a protest is due). FINGERPRINT may be a unique prefix."""
    _decide(db, fingerprint, "confirm", by, reason)


@review_group.command("export")
@db_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE atomically (default: stdout).")
def export_cmd(db: str, output: str | None) -> None:
    """Write every decision as JSONL (legality.decision/1), oldest first."""
    from ..report.atomic import output_conflict

    clash = output_conflict([(output, "--output")], [(db, "хранилище решений (--db)")])
    if clash:  # `-o legality.db` would replace the store by its own export
        raise DbError(clash)
    conn = open_store(db, readonly=True)
    with store_errors(db):
        rows = [orjson.dumps(d) + b"\n" for d in decisions.export_decisions(conn)]
    data = b"".join(rows)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with atomic_binary(output) as fh:
            fh.write(data)
    except OSError as e:
        raise DbError(f"не удаётся записать {output}: {e.strerror}") from None
    click.echo(f"решений выгружено: {len(rows)} → {output}", err=True)


@review_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@db_option
def import_cmd(file: str, db: str) -> None:
    """Read decisions exported by `review export` (idempotent; on conflict the later decision wins)."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()
    except OSError as e:
        raise DbError(f"не удаётся прочитать {file}: {e.strerror}") from None
    lines = []
    rejected_encoding = []
    for n, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append((n, raw.decode("utf-8-sig" if n == 1 else "utf-8")))
        except UnicodeDecodeError:
            rejected_encoding.append((n, "не UTF-8"))
    conn = open_store(db, create=True)
    with store_errors(db):
        res = decisions.import_decisions(conn, lines)
    rejected = sorted(rejected_encoding + res.rejected)
    for lineno, message in rejected:
        click.echo(f"{file}:{lineno}: ошибка: {message}", err=True)
    for c in res.conflicts:
        click.echo(f"конфликт {c.fingerprint}: здесь {c.local.action} ({c.local.by}, {c.local.at}), "
                   f"в файле {c.imported.action} ({c.imported.by}, {c.imported.at}) → действует "
                   f"{'решение из файла' if c.kept == 'imported' else 'местное решение'}", err=True)
    click.echo(f"решений добавлено: {res.added}; уже были: {res.present}; ждут появления кандидата: "
               f"{res.pending}; конфликтов: {len(res.conflicts)}; отклонено строк: {len(rejected)}", err=True)
    sys.exit(1 if rejected else 0)


COMMANDS = [review_group]
