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

from .. import clock, words
from ..clock import local_date, local_time
from ..i18n import N_, _
from ..report.text import safe_text as _s
from ..store.db import shown
from ..store.history import list_runs, rule_stats, rule_titles
from ._store import console, db_option, open_store, store_errors, tz_or_exit
from ._numbers import IntRange

RUN_STATUS = {"running": N_("выполняется"), "completed": N_("завершён"), "interrupted": N_("прерван")}
COUNT_HEADERS = {"records": N_("Провер."), "flagged": N_("Наруш."), "invalid": N_("Некорр."),
                 "partial": N_("Неполн."), "unchanged": N_("Без изм."), "candidates": N_("Замеч."),
                 "new": N_("Новых"), "resolved": N_("Устр.")}
TABLE_COUNTS = tuple(COUNT_HEADERS)


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
            return _("Внимание: в запуске № {run} записей с деянием позже редакции Кодекса от {date}, загруженной в "
                     "каталог: {n} (проверены по ней)").format(run=r["id"], date=local_date(ed) or "?",
                                                             n=words.number(after.get("records", 0)))
    return ""


def _rules_cell(r: dict) -> str:
    """The rules' edition a run used («от 02.12.2026»); «без даты» for undated rules or a run of an older release."""
    ed = r.get("rules_edition")
    return _("от {date}").format(date=local_date(ed)) if ed else _("без даты")


def _inputs(paths: list[str]) -> str:
    return _s(paths[0]) + (f" (+{len(paths) - 1})" if len(paths) > 1 else "") if paths else "—"


def _json_out(doc: dict) -> None:
    sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.buffer.flush()


@click.command("runs")
@db_option
@click.option("--limit", type=IntRange(min=0), default=20, show_default=True, metavar="N", help="Latest N runs (0: all).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def runs_cmd(db: str, limit: int, fmt: str) -> None:
    """List scan runs recorded in the store, newest first, with their counts.

    `Проверено` (records) counts evaluated records (clean + flagged + invalid + partial); records skipped as
    unchanged since their last completed scan are counted apart. A run still running or interrupted
    shows what it has committed so far.
    """
    if fmt == "table":
        tz_or_exit()
    conn = open_store(db, readonly=True)
    with store_errors(db):
        runs = list_runs(conn, limit=limit or None)
    if fmt == "json":  # machine output: times stay UTC ISO 8601
        _json_out({"format": "legality.runs/1", "runs": runs})
        return
    note = _edition_note(runs)
    table = Table(title=_("Запуски ({db})").format(db=_s(shown(db))),
                  caption=_("Провер. = без нарушений + с нарушениями + некорр. + неполн. (правило не смогло проверить "
                            "запись или не хватило данных); Полнота — доля проверенных полностью; Без изм. — пропущены "
                            "как не изменившиеся; время — {zone}; подробнее (причины, статьи): --format json")
                  .format(zone=clock.zone_name()) + (f"\n{note}" if note else ""))
    table.add_column("№", justify="right")
    table.add_column(_("Начат"), no_wrap=True)
    table.add_column(_("Статус"))
    for key in TABLE_COUNTS:
        table.add_column(_(COUNT_HEADERS[key]), justify="right", no_wrap=True)
    table.add_column(_("Полнота"), justify="right", no_wrap=True)
    table.add_column(_("Редакция правил"), no_wrap=True)
    table.add_column(_("Входные данные"), overflow="fold")
    for r in runs:
        status = _(RUN_STATUS[r["status"]]) + (" " + _("(продолжен ×{n})").format(n=r["resumed"]) if r["resumed"] else "")
        table.add_row(str(r["id"]), local_time(r["started"]), status,
                      *(words.number(r[k]) for k in TABLE_COUNTS), _coverage_cell(r), _rules_cell(r),
                      _inputs(r["inputs"]))
    console().print(table)


def precision_cell(s: dict) -> str:
    """«100 % (n = 1)»: the share and the number of reviewed candidates it rests on; «—» before any review."""
    reviewed = s["confirmed"] + s["dismissed"]
    if s["precision"] is None or not reviewed:
        return "—"
    return f"{words.number(round(s['precision'] * 100, 1))} % (n = {words.number(reviewed)})"


def _pack_titles(missing: set[str]) -> dict[str, str]:
    """The titles of rules that raised no candidate, from the shipped pack (in the current language).

    Why: the store keeps a rule's title only inside its candidates, so a rule that only could not check
    records would otherwise be shown by its id, the author's name for it (review, bug 3); a rule of
    another pack keeps its id.
    """
    if not missing:
        return {}
    try:
        from ..engine import Engine
        from ..resources import RULES_DIR

        engine, _diags = Engine.compile(RULES_DIR)
    except Exception:  # noqa: BLE001 - titles are a courtesy: the counts are shown whatever happens
        return {}
    return {r.id: r.title for r in (engine.rules if engine is not None else []) if r.id in missing and r.title}


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
        titles = rule_titles(conn) if fmt == "table" else {}
    if fmt == "table":
        titles.update(_pack_titles({s["rule"] for s in stats} - set(titles)))
    if fmt == "json":
        _json_out({"format": "legality.stats/1", "rules": stats})
        return
    table = Table(title=_("Правила: замечания и решения проверяющих ({db})").format(db=_s(shown(db))),
                  caption=_("Точность = подтверждено / (подтверждено + отклонено); n — сколько замечаний проверено"))
    headers = (N_("Правило"), N_("Замечаний"), N_("Новых"), N_("Известных"), N_("Подтверждено"), N_("Отклонено"),
               N_("Устранено"), N_("Точность"), N_("Не проверено"))
    for header in headers:
        table.add_column(_(header), justify="left" if header == "Правило" else "right",
                         overflow="fold" if header == "Правило" else "ellipsis")
    for s in sorted(stats, key=lambda s: (titles.get(s["rule"]) or s["rule"]).casefold()):
        table.add_row(_s(titles.get(s["rule"]) or s["rule"]),
                      *(words.number(s[k]) for k in ("fired", "new", "known", "confirmed", "dismissed", "resolved")),
                      precision_cell(s), words.number(s.get("undetermined", 0)))
    console().print(table)


COMMANDS = [runs_cmd, stats_cmd]
