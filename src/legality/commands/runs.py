"""`legality runs` and `legality stats`: the history of nightly runs and how precise each rule is.

Why stats live beside runs: both read only the store, and rule authors look at them together —
a rule that fired a lot in last night's run and is mostly dismissed is the one to fix first.
Exit codes: 0 shown; 2 the store is missing or cannot be used.
"""

from __future__ import annotations

import sys

import click
import orjson
from rich.table import Table

from ..store.history import list_runs, rule_stats
from ._store import console, db_option, open_store, store_errors

RUN_STATUS_RU = {"running": "выполняется", "completed": "завершён", "interrupted": "прерван"}
COUNT_RU = {"records": "Провер.", "flagged": "Наруш.", "invalid": "Некорр.", "partial": "Неполн.", "unchanged": "Без изм.",
            "candidates": "Канд.", "new": "Новых", "resolved": "Устр."}
TABLE_COUNTS = tuple(COUNT_RU)


def _coverage_cell(r: dict) -> str:
    """Share of the evaluated records checked fully; a run before coverage was recorded: «—»."""
    n = r.get("checked_full", 0) + r.get("checked_partial", 0) + r.get("checked_none", 0)
    if not n:
        return "—"
    return f"{100 * r['checked_full'] / n:.1f} %".replace(".", ",")


def _edition_note(runs: list[dict]) -> str:
    """The warning of the newest run whose offences were dated after the Code's edition in the catalogue."""
    for r in runs:
        after = (r.get("coverage") or {}).get("after_edition")
        if after:
            ed = after.get("edition") or ""
            ed_ru = f"{ed[8:10]}.{ed[5:7]}.{ed[0:4]}" if len(ed) == 10 else "?"
            return (f"Внимание: в запуске №{r['id']} {after.get('records', 0)} записей с деянием позже редакции Кодекса "
                    f"от {ed_ru}, загруженной в каталог (проверены по ней)")
    return ""


def _inputs(paths: list[str]) -> str:
    return paths[0] + (f" (+{len(paths) - 1})" if len(paths) > 1 else "") if paths else "—"


def _json_out(doc: dict) -> None:
    sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.buffer.flush()


@click.command("runs")
@db_option
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Latest N runs (0: all).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def runs_cmd(db: str, limit: int, fmt: str) -> None:
    """List scan runs recorded in the store, newest first, with their counts.

    `Проверено` (records) counts evaluated records (clean + flagged + invalid + partial); records skipped as
    unchanged since their last completed scan are counted apart. A run still running or interrupted
    shows what it has committed so far.
    """
    conn = open_store(db, readonly=True)
    with store_errors(db):
        runs = list_runs(conn, limit=limit or None)
    if fmt == "json":
        _json_out({"format": "legality.runs/1", "runs": runs})
        return
    note = _edition_note(runs)
    table = Table(title=f"Запуски ({db})", caption="Провер. = без нарушений + с нарушениями + некорр. + неполн. "
                  "(правило не смогло проверить запись или не хватило данных); Полнота — доля проверенных полностью; "
                  "Без изм. — пропущены как не изменившиеся; подробнее (причины, статьи): --format json"
                  + (f"\n{note}" if note else ""))
    table.add_column("№", justify="right")
    table.add_column("Начат (UTC)", no_wrap=True)
    table.add_column("Статус")
    for key in TABLE_COUNTS:
        table.add_column(COUNT_RU[key], justify="right", no_wrap=True)
    table.add_column("Полнота", justify="right", no_wrap=True)
    table.add_column("Входные данные", overflow="fold")
    for r in runs:
        status = RUN_STATUS_RU[r["status"]] + (f" (продолжен ×{r['resumed']})" if r["resumed"] else "")
        table.add_row(str(r["id"]), r["started"][:16].replace("T", " "), status,
                      *(str(r[k]) for k in TABLE_COUNTS), _coverage_cell(r), _inputs(r["inputs"]))
    console().print(table)


@click.command("stats")
@db_option
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_cmd(db: str, fmt: str) -> None:
    """Per rule: candidates raised, reviewer decisions and observed precision.

    Precision = confirmed / (confirmed + dismissed): of the candidates reviewers decided on, the
    share that were real legality errors. "—" until a candidate of the rule has been reviewed.
    «Не проверено»: records of the latest completed run the rule could not check (a value it needs was
    missing in the record, or the catalogue lacked the article).
    """
    conn = open_store(db, readonly=True)
    with store_errors(db):
        stats = rule_stats(conn)
    if fmt == "json":
        _json_out({"format": "legality.stats/1", "rules": stats})
        return
    table = Table(title=f"Правила: срабатывания и решения проверяющих ({db})")
    for header in ("Правило", "Кандидатов", "Новых", "Известных", "Подтверждено", "Отклонено", "Устранено",
                   "Точность", "Не проверено"):
        table.add_column(header, justify="left" if header == "Правило" else "right")
    for s in stats:
        precision = "—" if s["precision"] is None else f"{s['precision'] * 100:.1f} %"
        table.add_row(s["rule"], *(str(s[k]) for k in ("fired", "new", "known", "confirmed", "dismissed",
                                                       "resolved")), precision, str(s.get("undetermined", 0)))
    console().print(table)


COMMANDS = [runs_cmd, stats_cmd]
