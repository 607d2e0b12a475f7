"""`legality review`: prosecutors go through the candidates a nightly scan recorded, and decide.

Why decisions are names and reasons, not flags: a dismissed candidate disappears from every later
morning list, so the store keeps who dismissed it and why (an append-only log), and the log can be
moved to another office (`export` / `import`).  Exit codes: 0 done; 1 `import` rejected some lines;
2 usage error, unknown or ambiguous fingerprint, or a store that cannot be used.
"""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson
from rich.table import Table
from rich.text import Text

from .. import words
from ..clock import local_time
from ..i18n import N_, _
from ..report.atomic import atomic_binary
from ..report.columns import FINGERPRINT_SHOWN, article_text, review_status_text, verdict_date
from ..report.text import safe_text as _s
from ..store import review as decisions
from ._filters import filter_options, make_filter
from ..store.db import shown
from ._store import DbError, console, db_option, open_store, store_errors, tz_or_exit
from ._numbers import IntRange

TABLE_LIMIT = 200
REVIEWER_ENV = "LEGALITY_REVIEWER"
STATUS_STYLE = {"new": "bold yellow", "known": "", "dismissed": "dim", "confirmed": "bold green", "resolved": "dim"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
ACTION_DONE = {"dismiss": N_("отклонено"), "confirm": N_("подтверждено")}


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
@filter_options
@click.option("--case", "case_id", help="Only candidates of this case id.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "jsonl"]), default=None,
              help="Default: table on a terminal, jsonl otherwise.")
@click.option("--limit", type=IntRange(min=0), default=None, metavar="N",
              help=f"At most N candidates (0: all). Default: {TABLE_LIMIT} in a table, all in jsonl.")
def list_cmd(db: str, status: tuple[str, ...], severities: tuple[str, ...], rule_ids: tuple[str, ...],
             courts: tuple[str, ...], articles: tuple[str, ...], case_id: str | None, fmt: str | None,
             limit: int | None) -> None:
    """List candidates, most severe first, then by case."""
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    if fmt == "table":
        tz_or_exit()
    flt = make_filter(severities, rule_ids, courts, articles)
    by_context = bool(flt.courts or flt.articles)  # the store's candidates carry no court: read the records'
    conn = open_store(db, readonly=True)
    with store_errors(db):
        rows, total = decisions.list_candidates(conn, statuses=status, rule=flt.rules or None, case=case_id,
                                                severity=flt.severities or None,
                                                limit=None if by_context else (limit or None))
        contexts = decisions.case_contexts(conn, [r["case_id"] for r in rows]) if (by_context or fmt == "table") \
            else {}
    if by_context:
        rows = [r for r in rows if flt.keeps(r["severity"], r["rule"], r["offence"], contexts.get(r["case_id"]))]
        total = len(rows)
        rows = rows[:limit] if limit else rows
    if fmt == "jsonl":
        out = sys.stdout.buffer
        for row in rows:
            # UTF-8 as every other JSON output of the tool (review bug 11): reasons and titles readable
            out.write(orjson.dumps(row) + b"\n")
        out.flush()
        return
    table = Table(title=_("Кандидаты в протест ({db})").format(db=_cell(shown(db))), show_lines=True)
    for header in (_("№ замечания"), _("Статус"), _("Важность"), _("Замечание"), _("Дело"), _("Впервые"),
                   _("Решение")):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*list_row(row, contexts.get(row["case_id"])))
    out = console()
    out.print(table)
    if len(rows) < total:
        out.print(_("показано {shown} из {total}; --limit 0 — все").format(shown=words.number(len(rows)),
                                                                           total=words.number(total)), style="dim")
    else:
        out.print(_("всего: {n}").format(n=words.count(total, "замечание")), style="dim")


def list_row(row: dict[str, Any], ctx: Any) -> list[Text]:
    """One candidate of the store as `review list` shows it: № замечания, status, severity, the finding
    (title, episode with its article), the case (id, court, verdict date), first seen (local time), the
    decision (what, why, who, when)."""
    cand = row.get("candidate") or {}
    st = row["status"]
    status = Text(review_status_text(st), style=STATUS_STYLE.get(st, ""))
    sev = Text(words.severity(row["severity"]), style=SEVERITY_STYLE.get(row["severity"], ""))
    finding = Text(_s(cand.get("title") or ""), style="bold")
    if row.get("offence"):
        art = article_text(ctx, row["offence"]) if ctx is not None else ""
        finding.append("\n" + (_("эпизод {n} ({article})").format(n=_s(row["offence"]), article=_s(art))
                               if art and art != _("по совокупности") else _("эпизод {n}").format(n=_s(row["offence"]))))
    case = Text(_s(row.get("case_id") or "—"), style="bold")
    if ctx is not None:
        if ctx.court:
            case.append("\n" + _s(ctx.court))
        date = verdict_date(ctx)
        if date is not None:
            case.append("\n" + _("приговор от {date}").format(date=words.date(date)))
    decision = Text()
    d = row.get("decision")
    if d:
        decision.append(_(ACTION_DONE.get(d["action"], d["action"])), style="bold")
        if d.get("reason"):
            decision.append(": " + _s(d["reason"]))
        decision.append("\n" + _s(d.get("by") or "") + ", " + local_time(d.get("at")), style="dim")
    return [Text(row["fingerprint"][:FINGERPRINT_SHOWN]), status, sev, finding, case,
            Text(local_time(row.get("first_seen"))), decision]


def _cell(value: object) -> str:
    """Record text in a rich table cell: no terminal escape sequences, no rich markup ([bold] …)."""
    from rich.markup import escape

    return escape(_s(value))


def _decide(db: str, fingerprint: str, action: str, by: str, reason: str | None) -> None:
    tz_or_exit()
    conn = open_store(db)
    with store_errors(db):
        d = decisions.decide(conn, fingerprint, action, by=by, reason=reason)
        found = conn.execute("SELECT case_id, offence, candidate FROM candidates WHERE fingerprint = ?",
                             (d.fingerprint,)).fetchone()
    case_id, offence, body = found if found else (None, None, "{}")
    title = (orjson.loads(body) or {}).get("title") or ""
    # the case and the rule's title repeated, so the reviewer sees they hit the right row
    episode = (", " + _("эпизод {n}").format(n=_s(offence))) if offence else ""
    click.echo(_("Замечание № {number} {done}: дело {case}{episode}, «{title}» ({by}, {when})").format(
        number=d.fingerprint[:FINGERPRINT_SHOWN], done=_(ACTION_DONE[action]), case=_s(case_id or "—"),
        episode=episode, title=_s(title), by=_s(d.by), when=local_time(d.at)))


@review_group.command("dismiss")
@click.argument("fingerprint")
@click.option("--reason", required=True, help="Why the candidate is not a legality error (kept in the log).")
@click.option("--by", "by", required=True, envvar=REVIEWER_ENV, show_envvar=True,
              help="Reviewer's name (default: the LEGALITY_REVIEWER environment variable).")
@db_option
def dismiss_cmd(fingerprint: str, reason: str, by: str, db: str) -> None:
    """Dismiss a candidate: it never comes back as new. FINGERPRINT may be a unique prefix (8+ chars)."""
    _decide(db, fingerprint, "dismiss", by, reason)


@review_group.command("confirm")
@click.argument("fingerprint")
@click.option("--by", "by", required=True, envvar=REVIEWER_ENV, show_envvar=True,
              help="Reviewer's name (default: the LEGALITY_REVIEWER environment variable).")
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

    clash = output_conflict([(output, "--output")], [(db, _("хранилище решений (--db)"))])
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
        raise DbError(_("не удаётся записать {file}: {error}").format(file=_s(output), error=e.strerror)) from None
    click.echo(_("решений выгружено: {n} → {file}").format(n=words.number(len(rows)), file=_s(output)), err=True)


@review_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@db_option
def import_cmd(file: str, db: str) -> None:
    """Read decisions exported by `review export` (idempotent; on conflict the later decision wins)."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()
    except OSError as e:
        raise DbError(_("не удаётся прочитать {file}: {error}").format(file=_s(file), error=e.strerror)) from None
    lines = []
    rejected_encoding = []
    for n, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append((n, raw.decode("utf-8-sig" if n == 1 else "utf-8")))
        except UnicodeDecodeError:
            rejected_encoding.append((n, _("не UTF-8")))
    conn = open_store(db, create=True)
    with store_errors(db):
        res = decisions.import_decisions(conn, lines)
    rejected = sorted(rejected_encoding + res.rejected)
    for lineno, message in rejected:
        click.echo(_("{file}:{line}: ошибка: {message}").format(file=_s(file), line=lineno, message=message), err=True)
    for c in res.conflicts:
        # the decisions in words and local time, the № замечания as `review list` shows it
        click.echo(_("конфликт по замечанию № {number}: здесь {local} ({local_by}, {local_at}), в файле {imported} "
                     "({imported_by}, {imported_at}) → действует {kept}").format(
            number=c.fingerprint[:FINGERPRINT_SHOWN], local=_(ACTION_DONE[c.local.action]), local_by=_s(c.local.by),
            local_at=local_time(c.local.at), imported=_(ACTION_DONE[c.imported.action]),
            imported_by=_s(c.imported.by), imported_at=local_time(c.imported.at),
            kept=_("решение из файла") if c.kept == "imported" else _("местное решение")), err=True)
    click.echo(_("решений добавлено: {added}; уже были: {present}; ждут появления замечания: {pending}; "
                 "конфликтов: {conflicts}; отклонено строк: {rejected}").format(
        added=res.added, present=res.present, pending=res.pending, conflicts=len(res.conflicts),
        rejected=len(rejected)), err=True)
    sys.exit(1 if rejected else 0)


COMMANDS = [review_group]
