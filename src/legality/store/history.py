"""Runs and per-rule statistics: what `legality runs` and `legality stats` show.

Why observed precision: a rule whose candidates reviewers mostly dismiss is noisy; confirmed /
(confirmed + dismissed) over the reviewed candidates tells its author where to look first.
"""

from __future__ import annotations

from typing import Any

import orjson

COUNTS = ("records", "clean", "flagged", "invalid", "partial", "unchanged", "candidates", "new", "resolved",
          "checked_full", "checked_partial", "checked_none")


def list_runs(conn: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Newest first.  A run still running (or interrupted) is counted from what it has committed."""
    sql = (f"SELECT id, started, finished, status, rules_version, inputs, resumed, summary, options,"
           f" {', '.join(COUNTS)} FROM runs ORDER BY id DESC")
    if limit:
        sql += f" LIMIT {int(limit)}"
    out = []
    for row in conn.execute(sql).fetchall():
        run = dict(zip(("id", "started", "finished", "status", "rules_version", "inputs", "resumed", "summary",
                        "options", *COUNTS), row))
        run["inputs"] = orjson.loads(run["inputs"])
        # the rules' edition date (ISO; `rules/EDITION`) a scan records in its options since issue 14;
        # None: undated rules, or a run of an older release
        options = orjson.loads(run.pop("options") or "{}")
        run["rules_edition"] = options.get("rules_edition") if isinstance(options, dict) else None
        summary = orjson.loads(run.pop("summary")) if run["summary"] else {}
        run["coverage"] = summary.get("coverage") if isinstance(summary, dict) else None
        if run["status"] != "completed":
            live = run_counts(conn, run["id"])
            if live["records"] or live["unchanged"]:  # progress kept for resume; else the frozen counts
                run.update(live)
        out.append(run)
    return out


def run_counts(conn: Any, run_id: int) -> dict[str, int]:
    """Counts of a run from its committed records (`records` is what was evaluated, not `unchanged`).

    `records == clean + flagged + invalid + partial` (partial: a rule faulted or a coverage gap, and
    nothing fired); `checked_full + checked_partial + checked_none == records - invalid` for records
    scanned by a release that records coverage."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE status != 'unchanged'), count(*) FILTER (WHERE status = 'clean'),"
        " count(*) FILTER (WHERE status = 'flagged'), count(*) FILTER (WHERE status = 'invalid'),"
        " count(*) FILTER (WHERE status = 'partial'), count(*) FILTER (WHERE status = 'unchanged'), coalesce(sum(n_candidates), 0),"
        " coalesce(sum(n_new), 0), coalesce(sum(n_resolved), 0),"
        " count(*) FILTER (WHERE checked = 'full'), count(*) FILTER (WHERE checked = 'partial'),"
        " count(*) FILTER (WHERE checked = 'none') FROM run_records WHERE run_id = ?",
        (run_id,)).fetchone()
    return dict(zip(COUNTS, (int(x) for x in row)))


def duplicate_cases(conn: Any, run_id: int) -> list[tuple[str, int]]:
    """Case ids that more than one record of the run carries (co-defendants, or a re-export), with counts."""
    return [(c, int(n)) for c, n in conn.execute(
        "SELECT case_id, count(*) FROM run_records WHERE run_id = ? AND case_id IS NOT NULL"
        " GROUP BY case_id HAVING count(*) > 1 ORDER BY case_id", (run_id,))]


def rule_stats(conn: Any) -> list[dict[str, Any]]:
    """Per rule: candidates raised (distinct findings), by status, and the observed precision; and the
    records of the latest completed run it could not check (`undetermined`, from that run's coverage)."""
    row = conn.execute("SELECT summary FROM runs WHERE status = 'completed' AND summary IS NOT NULL"
                       " ORDER BY id DESC LIMIT 1").fetchone()
    summary = orjson.loads(row[0]) if row and row[0] else {}
    undetermined: dict[str, int] = ((summary.get("coverage") or {}).get("by_rule") or {}) if isinstance(summary, dict) else {}
    out = []
    for rule, fired, new, known, confirmed, dismissed, resolved in conn.execute(
            "SELECT rule, count(*), count(*) FILTER (WHERE status = 'new'),"
            " count(*) FILTER (WHERE status = 'known'), count(*) FILTER (WHERE status = 'confirmed'),"
            " count(*) FILTER (WHERE status = 'dismissed'), count(*) FILTER (WHERE status = 'resolved')"
            " FROM candidates GROUP BY rule ORDER BY rule"):
        reviewed = confirmed + dismissed
        out.append({"rule": rule, "fired": fired, "new": new, "known": known, "confirmed": confirmed,
                    "dismissed": dismissed, "resolved": resolved,
                    "precision": round(confirmed / reviewed, 4) if reviewed else None,
                    "undetermined": int(undetermined.get(rule, 0))})
    seen = {s["rule"] for s in out}
    for rule in sorted(set(undetermined) - seen):  # never fired, yet could not check some records
        out.append({"rule": rule, "fired": 0, "new": 0, "known": 0, "confirmed": 0, "dismissed": 0, "resolved": 0,
                    "precision": None, "undetermined": int(undetermined[rule])})
    out.sort(key=lambda s: s["rule"])
    return out


def rule_titles(conn: Any) -> dict[str, str]:
    """Rule id → its title as the latest candidate of the rule carries it: what `stats` shows people
    (a rule id is the author's name for it, not a prosecutor's)."""
    out: dict[str, str] = {}
    for rule, body in conn.execute("SELECT rule, candidate FROM candidates WHERE id IN"
                                   " (SELECT max(id) FROM candidates GROUP BY rule)"):
        try:
            title = orjson.loads(body).get("title")
        except (orjson.JSONDecodeError, AttributeError):
            continue
        if isinstance(title, str) and title:
            out[rule] = title
    return out


def snapshot(conn: Any) -> dict[str, list[tuple]]:
    """The store's content without wall-clock times, in a fixed order.

    Why: two stores that went through the same inputs must hold the same content (a resumed run
    equals an uninterrupted one); times and process ids differ, everything else must not.
    """
    queries = {
        "runs": f"SELECT id, status, rules_version, inputs, options, {', '.join(COUNTS)} FROM runs ORDER BY id",
        "records": "SELECT content_hash, case_id, file, line, rules_version, scanned_run, last_run, status, report"
                   " FROM records ORDER BY content_hash",
        "run_records": "SELECT run_id, file, line, content_hash, status, n_candidates, n_new, n_resolved, output,"
                       " context"
                       " FROM run_records ORDER BY run_id, file, line",
        "candidates": "SELECT fingerprint, case_id, rule, offence, severity, first_run, last_run, status, candidate"
                      " FROM candidates ORDER BY fingerprint",
        "decisions": "SELECT fingerprint, action, reason, by, at FROM decisions ORDER BY id",
    }
    return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
