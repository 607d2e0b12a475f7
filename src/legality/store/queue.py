"""The review desk's queries (issue 16): the queue, a case, the filter values, the dashboard.

Why plain SQL over indexed columns: the queue of a regional office holds up to ~100,000 candidates;
filtering and sorting by court, region, judge, article and verdict date happen in the database (schema
step 6 keeps them as columns, filled by the scan), and a page is LIMIT/OFFSET of an indexed order with
a stable tie-break, so page 2 never repeats page 1.  The same SQL runs on SQLite and PostgreSQL.

Values come back as stored (codes, ISO dates, rule ids): the web pages turn them into words
(`legality.words`, `legality.clock`), never show them raw.
"""

from __future__ import annotations

from typing import Any, Iterable

import orjson

from ..i18n import _
from .db import now, transaction
from .history import rule_stats, rule_titles
from .review import STATUSES, history, latest_decisions
from .schema import SEVERITY_RANK

OPEN_STATUSES = ("new", "known")  # the queue's default: what still waits for a reviewer
SEVERITIES = ("high", "medium", "low")
# sort key → SQL expression; every order ends with case, rule, fingerprint (stable pages), as the
# indexes of schema step 6 do (the expression must be spelled as in its index)
SORTS = {
    "severity": f"({SEVERITY_RANK})",
    "verdict_date": "verdict_date",
    "first_seen": "first_seen",
    "court": "court",
    "region": "region",
    "judge": "judge",
    "article": "article",
    "rule": "rule",
    "case": "case_id",
    "status": "status",
}
_COLUMNS = ("fingerprint", "status", "case_id", "rule", "offence", "severity", "first_seen", "last_seen",
            "first_run", "last_run", "court", "region", "judge", "verdict_date", "article", "version",
            "assigned_to", "assigned_by", "assigned_at", "candidate")
MAX_LIMIT = 500


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v is not None and v != ""]


def _where(*, statuses: Iterable[str] | None, court: Any, region: Any, judge: Any, article: Any, rule: Any,
           severity: Any, case: Any, date_from: str | None, date_to: str | None, assigned_to: Any = None,
           unassigned: bool = False) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if unassigned:
        where.append("assigned_to IS NULL")
    for column, value in (("status", statuses), ("court", court), ("region", region), ("judge", judge),
                          ("article", article), ("rule", rule), ("severity", severity), ("case_id", case),
                          ("assigned_to", assigned_to)):
        values = _values(value)
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            args += values
    if date_from:
        where.append("verdict_date >= ?")
        args.append(date_from)
    if date_to:
        where.append("verdict_date <= ?")
        args.append(date_to)
    return (f" WHERE {' AND '.join(where)}" if where else ""), args


def _row(values: tuple) -> dict[str, Any]:
    row = dict(zip(_COLUMNS, values))
    row["candidate"] = orjson.loads(row["candidate"])
    row["title"] = row["candidate"].get("title") if isinstance(row["candidate"], dict) else None
    row["version"] = int(row["version"])
    return row


def list_queue(conn: Any, *, statuses: Iterable[str] | None = OPEN_STATUSES, court: str | Iterable[str] | None = None,
               region: str | Iterable[str] | None = None, judge: str | Iterable[str] | None = None,
               article: str | Iterable[str] | None = None, rule: str | Iterable[str] | None = None,
               severity: str | Iterable[str] | None = None, case: str | Iterable[str] | None = None,
               date_from: str | None = None, date_to: str | None = None,
               assigned_to: str | Iterable[str] | None = None, unassigned: bool = False, sort: str = "severity",
               descending: bool = False, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of the queue and how many candidates match in all.

    Filters take one value or several (any of them); `statuses=None` or empty: every status; dates
    are ISO (`YYYY-MM-DD`, inclusive) on the verdict date; `assigned_to`: given to these reviewers,
    `unassigned`: given to nobody.  `sort` is a key of `SORTS` (unknown: by severity); missing values
    sort last either way.  Each row: the candidate's columns (`assigned_to/_by/_at` too), its parsed
    JSON (`candidate`), `title`, `version` (for `review.decide(expected_version=…)`) and the latest
    `decision` (a `review.Decision` or None)."""
    clause, args = _where(statuses=statuses, court=court, region=region, judge=judge, article=article, rule=rule,
                          severity=severity, case=case, date_from=date_from, date_to=date_to,
                          assigned_to=assigned_to, unassigned=unassigned)
    total = int(conn.execute(f"SELECT count(*) FROM candidates{clause}", args).fetchone()[0])
    key = SORTS.get(sort, SORTS["severity"])
    direction = " DESC" if descending else ""
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    # the page's ids first, in the order of the sort's index (a deep page skips index entries, not
    # whole rows with their JSON), then those rows
    ids = [r[0] for r in conn.execute(
        f"SELECT id FROM candidates{clause}"
        f" ORDER BY {key}{direction} NULLS LAST, case_id{direction}, rule{direction}, fingerprint{direction}"
        f" LIMIT {limit} OFFSET {offset}", args).fetchall()]
    by_id: dict[int, dict[str, Any]] = {}
    if ids:
        for values in conn.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM candidates"
                                   f" WHERE id IN ({', '.join('?' * len(ids))})", ids).fetchall():
            by_id[values[0]] = _row(values[1:])
    rows = [by_id[i] for i in ids if i in by_id]
    latest = latest_decisions(conn, [r["fingerprint"] for r in rows])
    for row in rows:
        row["decision"] = latest.get(row["fingerprint"])
    return rows, total


def case_view(conn: Any, case_id: str) -> list[dict[str, Any]]:
    """Every candidate of a case (any status), most severe first: its columns, parsed JSON, `context`
    (the record's `RecordContext`, None if recorded before contexts were kept) and `history` (every
    decision, latest in effect first).  An unknown case: []."""
    from ..report.context import context_from_json

    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)}, context FROM candidates WHERE case_id = ?"
        f" ORDER BY {SEVERITY_RANK}, rule, fingerprint", (case_id,)).fetchall()
    out = []
    for values in rows:
        row = _row(values[:-1])
        row["context"] = context_from_json(values[-1])
        row["history"] = history(conn, row["fingerprint"])
        row["decision"] = row["history"][0] if row["history"] else None
        out.append(row)
    return out


def facet_values(conn: Any) -> dict[str, list[str]]:
    """The distinct values the queue's filters offer, sorted: courts, regions, judges, articles (numbers,
    in article order), rules (ids; `rule_titles` names them), severities, statuses and assignees present."""
    out: dict[str, list[str]] = {}
    for key, column in (("courts", "court"), ("regions", "region"), ("judges", "judge"), ("articles", "article"),
                        ("rules", "rule"), ("severities", "severity"), ("statuses", "status"),
                        ("assignees", "assigned_to")):
        out[key] = [r[0] for r in conn.execute(
            f"SELECT DISTINCT {column} FROM candidates WHERE {column} IS NOT NULL ORDER BY {column}").fetchall()]
    out["articles"].sort(key=_article_order)
    out["severities"].sort(key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES))
    out["statuses"].sort(key=lambda s: STATUSES.index(s) if s in STATUSES else len(STATUSES))
    return out


def _article_order(article: str) -> tuple:
    head, _sep, tail = article.partition("-")
    return (int(head) if head.isdigit() else 10**9, int(tail) if tail.isdigit() else 0, article)


def _counts(conn: Any, expr: str, *, where: str = "", order_by_value: bool = False) -> list[tuple[str, int]]:
    order = "1" if order_by_value else "2 DESC, 1"
    return [(v, int(n)) for v, n in conn.execute(
        f"SELECT {expr}, count(*) FROM candidates WHERE {expr} IS NOT NULL{where} GROUP BY {expr} ORDER BY {order}"
    ).fetchall()]


def dashboard(conn: Any, *, top_reasons: int = 5) -> dict[str, Any]:
    """What the head of department sees, as numbers (the page draws the charts).

    - `by_month`: candidates by the month they were first found (`YYYY-MM`, oldest first), and
      `by_verdict_month` by the verdict's month;
    - `by_court`, `by_region`, `by_article`: (value, candidates), most first;
    - `by_status`: status → candidates;
    - `rules`: per rule, `history.rule_stats` (fired, confirmed, dismissed, precision, …) with its
      `title` and `reasons`: the most frequent reasons of its dismissals in effect, (reason, n);
    - `coverage`: the latest completed run's records checked fully / partly / not at all (None
      without a completed run)."""
    by_status = dict(_counts(conn, "status"))
    reasons: dict[str, list[tuple[str, int]]] = {}
    for rule, reason, n in conn.execute(
            "SELECT c.rule, d.reason, count(*) FROM candidates c JOIN decisions d ON d.id ="
            " (SELECT x.id FROM decisions x WHERE x.fingerprint = c.fingerprint"
            " ORDER BY x.effective DESC, x.id DESC LIMIT 1)"
            " WHERE c.status = 'dismissed' AND d.action = 'dismiss' AND d.reason IS NOT NULL"
            " GROUP BY c.rule, d.reason ORDER BY c.rule, 3 DESC, d.reason").fetchall():
        got = reasons.setdefault(rule, [])
        if len(got) < top_reasons:
            got.append((reason, int(n)))
    titles = rule_titles(conn)
    rules = [{**s, "title": titles.get(s["rule"]), "reasons": reasons.get(s["rule"], [])} for s in rule_stats(conn)]
    run = conn.execute("SELECT id, finished, records, checked_full, checked_partial, checked_none FROM runs"
                       " WHERE status = 'completed' ORDER BY id DESC LIMIT 1").fetchone()
    coverage = None if run is None else {
        "run": int(run[0]), "finished": run[1], "records": int(run[2]), "full": int(run[3]),
        "partial": int(run[4]), "none": int(run[5])}
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_month": _counts(conn, "substr(first_seen, 1, 7)", order_by_value=True),
        "by_verdict_month": _counts(conn, "substr(verdict_date, 1, 7)", order_by_value=True),
        "by_court": _counts(conn, "court"),
        "by_region": _counts(conn, "region"),
        "by_article": _counts(conn, "article"),
        "rules": rules,
        "coverage": coverage,
    }


def assign(conn: Any, fingerprints: str | Iterable[str], assignee: str | None, *, by: str) -> int:
    """Give findings to a reviewer (`assignee` None: back to anyone's); how many were changed.

    The assignee must be an active user (`store.users`); who may assign (a head of department) is the
    caller's to check.  An assignment is not a decision: it changes neither the status nor the
    version, so a reviewer's open page stays valid."""
    from .review import UnknownFingerprint
    from .users import UserError, get_user

    fps = [fingerprints] if isinstance(fingerprints, str) else list(fingerprints)
    if assignee is not None:
        user = get_user(conn, assignee)
        if user is None or not user.active:
            raise UserError(_("пользователя «{name}» нет (`legality users list`)").format(name=assignee))
        assignee = user.name
    changed = 0
    with transaction(conn):
        for fp in fps:
            cur = conn.execute("UPDATE candidates SET assigned_to = ?, assigned_by = ?, assigned_at = ?"
                               " WHERE fingerprint = ?", (assignee, by if assignee else None,
                                                          now() if assignee else None, fp))
            if cur.rowcount == 0:
                raise UnknownFingerprint(_("замечания № {prefix} в хранилище нет "
                                           "(см. `legality review list`)").format(prefix=fp[:12]))
            changed += cur.rowcount
    return changed


def assign_case(conn: Any, case_id: str, assignee: str | None, *, by: str) -> int:
    """Give every open finding (new, known) of a case to a reviewer; how many were changed."""
    fps = [r[0] for r in conn.execute("SELECT fingerprint FROM candidates WHERE case_id = ? AND status IN (?, ?)",
                                      (case_id, *OPEN_STATUSES)).fetchall()]
    return assign(conn, fps, assignee, by=by) if fps else 0
