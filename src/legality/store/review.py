"""Reviewer decisions and the candidate queries behind `legality review`.

Why an append-only log: a dismissal is a legal judgement by a named person; the log keeps who decided
what, when and why, and every later decision (or an imported one) is added, never overwritten.  A
candidate's reviewer status is the action of its latest decision (by time), so importing another
office's log resolves conflicts by timestamp and is idempotent.

"Latest" is by `effective`: a decision's time, but never later than the moment it reached this store.
An imported decision dated in the future (a clock ahead, or a forged file) therefore cannot outrank a
decision a reviewer makes here afterwards; ties go to the later insertion.  Times more than a day
ahead are refused at import: no honest clock is that wrong.

Two reviewers at once (issue 16): each candidate has a `version`, the number of decisions applied to
it.  A reviewer's page carries the version it showed; `decide(..., expected_version=v)` refuses with
`DecisionConflict` (who decided what, when) if another decision came first — the later one sees the
conflict instead of silently overwriting.  The check and the write are one transaction holding the
candidate's row (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE), and a scan's updates of
`candidates.status` keep a reviewer's status in their own SQL (`scanstate._see`), so neither loses
the other's work.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import orjson

from .. import clock
from ..i18n import _
from .db import StoreError, dialect_of, normalize_time, now, transaction
from .dialect import POSTGRESQL

DECISION_TAG = "legality.decision/1"
ACTIONS = {"dismiss": "dismissed", "confirm": "confirmed"}
STATUSES = ("new", "known", "dismissed", "confirmed", "resolved")
MIN_PREFIX = 8
CLOCK_SKEW = dt.timedelta(days=1)  # how far ahead of this clock an imported decision may be dated
_ORDER = "ORDER BY effective DESC, id DESC"
_HEX = re.compile(r"^[0-9a-f]+$")
_SEVERITY_ORDER = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"


class UnknownFingerprint(StoreError):
    """No candidate (or more than one) matches what the reviewer typed."""


class InvalidDecision(StoreError):
    """A decision without its reviewer, or a dismissal without its reason."""


class DecisionConflict(StoreError):
    """Another decision reached the candidate after the reviewer's page was shown (`expected_version`).

    `latest`: that decision (who, what, when, why); `version`: the candidate's version now (a page
    showing `latest` may decide again with it)."""

    def __init__(self, fingerprint: str, expected: int, version: int, latest: Decision | None):
        self.fingerprint, self.expected, self.version, self.latest = fingerprint, expected, version, latest
        if latest is None:
            text = _("замечание {fp} изменилось после того, как вы его открыли; обновите страницу и решите снова")
            super().__init__(text.format(fp=fingerprint[:12]))
            return
        what = _("подтвердил(а)") if latest.action == "confirm" else _("отклонил(а)")
        text = _("пока вы смотрели замечание {fp}, {by} {what} его ({when}); обновите страницу, "
                 "проверьте это решение и при необходимости примите своё снова")
        super().__init__(text.format(fp=fingerprint[:12], by=latest.by, what=what,
                                     when=clock.local_time(latest.at)))


def resolve_fingerprint(conn: Any, text: str) -> str:
    """The full fingerprint for a full one or a unique prefix of at least 8 characters."""
    prefix = text.strip().lower()
    if len(prefix) < MIN_PREFIX or not _HEX.match(prefix):
        raise UnknownFingerprint(
            _("«{text}» — не № замечания: нужно не меньше {min_prefix} шестнадцатеричных символов "
            "(столбец «№ замечания» в `legality review list`)").format(text=text, min_prefix=MIN_PREFIX))
    rows = [r[0] for r in conn.execute(
        "SELECT fingerprint FROM candidates WHERE fingerprint >= ? AND fingerprint < ? ORDER BY fingerprint"
        " LIMIT 6", (prefix, prefix + "~"))]
    if not rows:
        raise UnknownFingerprint(_("замечания № {prefix} в хранилище нет "
                                 "(см. `legality review list`)").format(prefix=prefix))
    if len(rows) > 1:
        raise UnknownFingerprint(_("начало № замечания {prefix} неоднозначно: {join}"
                                 "{value}; укажите больше символов").format(prefix=prefix, join=', '.join(rows[:5]), value=', …' if len(rows) > 5 else ''))
    return rows[0]


@dataclass(frozen=True, slots=True)
class Decision:
    fingerprint: str
    action: str
    reason: str | None
    by: str
    at: str

    def to_json(self, **context: Any) -> dict[str, Any]:
        return {"format": DECISION_TAG, "fingerprint": self.fingerprint, "action": self.action,
                "reason": self.reason, "by": self.by, "at": self.at, **context}


def check_decision(action: str, by: str | None, reason: str | None) -> tuple[str, str | None]:
    """Who and why are part of the decision: a dismissal without both is refused."""
    if action not in ACTIONS:
        raise InvalidDecision(_("неизвестное действие {action!r}: dismiss или confirm").format(action=action))
    by = (by or "").strip()
    reason = (reason or "").strip() or None
    if not by:
        raise InvalidDecision(_("решение должно содержать имя проверяющего (--by)"))
    if "\x00" in by or (reason is not None and "\x00" in reason):  # no store (PostgreSQL) keeps a NUL character
        raise InvalidDecision(_("имя проверяющего и причина не могут содержать нулевой символ"))
    if action == "dismiss" and reason is None:
        raise InvalidDecision(_("отклонение должно содержать причину (--reason)"))
    return by, reason


def decide(conn: Any, fingerprint: str, action: str, *, by: str, reason: str | None,
           at: str | None = None, expected_version: int | None = None) -> Decision:
    """Record a decision.  `expected_version`: the candidate's version the reviewer saw (`version_of`);
    if another decision came in since, `DecisionConflict` and nothing is written."""
    by, reason = check_decision(action, by, reason)
    with transaction(conn):
        fp = resolve_fingerprint(conn, fingerprint)
        lock = " FOR UPDATE" if dialect_of(conn) == POSTGRESQL else ""  # SQLite: BEGIN IMMEDIATE locks
        version = int(conn.execute(f"SELECT version FROM candidates WHERE fingerprint = ?{lock}", (fp,)).fetchone()[0])
        if expected_version is not None and int(expected_version) != version:
            raise DecisionConflict(fp, int(expected_version), version, _latest(conn, fp))
        decision = Decision(fp, action, reason, by, at or now())
        conn.execute("INSERT INTO decisions (fingerprint, action, reason, by, at, effective) VALUES (?, ?, ?, ?, ?, ?)",
                     (fp, action, reason, by, decision.at, min(decision.at, now())))
        _apply_latest(conn, fp)
    return decision


def version_of(conn: Any, fingerprint: str) -> int | None:
    """The candidate's version (decisions applied to it so far); None: no such candidate."""
    row = conn.execute("SELECT version FROM candidates WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return None if row is None else int(row[0])


def history(conn: Any, fingerprint: str) -> list[Decision]:
    """Every decision on a candidate, latest in effect first."""
    return [Decision(*r) for r in conn.execute(
        f"SELECT fingerprint, action, reason, by, at FROM decisions WHERE fingerprint = ? {_ORDER}", (fingerprint,))]


def latest_decisions(conn: Any, fingerprints: list[str]) -> dict[str, Decision]:
    """The decision in effect for each of these candidates (absent: none), a query per 500."""
    out: dict[str, Decision] = {}
    for i in range(0, len(fingerprints), 500):
        chunk = fingerprints[i:i + 500]
        for values in conn.execute(
                f"SELECT fingerprint, action, reason, by, at FROM decisions WHERE fingerprint IN"
                f" ({', '.join('?' * len(chunk))}) ORDER BY fingerprint, effective DESC, id DESC", chunk).fetchall():
            out.setdefault(values[0], Decision(*values))
    return out


def _latest(conn: Any, fp: str) -> Decision | None:
    row = conn.execute("SELECT fingerprint, action, reason, by, at FROM decisions WHERE fingerprint = ?"
                       f" {_ORDER} LIMIT 1", (fp,)).fetchone()
    return None if row is None else Decision(*row)


def _apply_latest(conn: Any, fp: str) -> None:
    """The candidate's status from its latest decision, inside the caller's transaction.  PostgreSQL:
    the row is locked before the latest decision is read, so an import and a reviewer deciding the
    same finding at once apply in turn (SQLite's BEGIN IMMEDIATE already serialises them)."""
    if dialect_of(conn) == POSTGRESQL:
        conn.execute("SELECT 1 FROM candidates WHERE fingerprint = ? FOR UPDATE", (fp,))
    latest = _latest(conn, fp)
    if latest is not None:
        conn.execute("UPDATE candidates SET status = ?, version = version + 1 WHERE fingerprint = ?",
                     (ACTIONS[latest.action], fp))


# ---- listing


def list_candidates(conn: Any, *, statuses: Iterable[str] = (), rule: str | Iterable[str] | None = None,
                    case: str | None = None, severity: str | Iterable[str] | None = None,
                    limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Matching candidates, most severe first then by case; and how many match in all.
    `rule` and `severity` may be one value or several (any of them)."""
    where, args = [], []
    statuses = list(statuses)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        args += statuses
    for column, value in (("rule", rule), ("case_id", case), ("severity", severity)):
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            args += values
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    total = conn.execute(f"SELECT count(*) FROM candidates{clause}", args).fetchone()[0]
    sql = (f"SELECT fingerprint, status, case_id, rule, offence, severity, first_run, last_run, first_seen,"
           f" last_seen, candidate FROM candidates{clause} ORDER BY {_SEVERITY_ORDER}, case_id, rule,"
           f" fingerprint")
    if limit:
        sql += f" LIMIT {int(limit)}"
    out = []
    rows = conn.execute(sql, args).fetchall()
    decided = latest_decisions(conn, [r[0] for r in rows])
    for fp, status, case_id, rule_id, offence, sev, first_run, last_run, first_seen, last_seen, body in rows:
        latest = decided.get(fp)
        out.append({
            "fingerprint": fp, "status": status, "case_id": case_id, "rule": rule_id, "offence": offence,
            "severity": sev, "first_run": first_run, "last_run": last_run, "first_seen": first_seen,
            "last_seen": last_seen,
            "decision": None if latest is None else {
                "action": latest.action, "reason": latest.reason, "by": latest.by, "at": latest.at},
            "candidate": orjson.loads(body),
        })
    return out, total


def case_contexts(conn: Any, case_ids: Iterable[str | None]) -> dict[str, Any]:
    """The latest recorded context (court, verdict date, articles: `RecordContext`) of each case id,
    as its candidates keep it (`candidates.context`, schema step 5); a case whose candidates were
    recorded before that step is absent.  For `review list`: the court and article a prosecutor
    filters and reads by (added for issue 14)."""
    from ..report.context import context_from_json

    ids = sorted({c for c in case_ids if c is not None})
    out: dict[str, Any] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for case_id, text in conn.execute(
                f"SELECT case_id, context FROM candidates WHERE context IS NOT NULL AND case_id IN"
                f" ({', '.join('?' * len(chunk))}) ORDER BY last_run, id", chunk):
            out[case_id] = context_from_json(text)  # the latest run's context wins
    return out


# ---- moving decisions between stores


def export_decisions(conn: Any) -> Iterator[dict[str, Any]]:
    """Every decision, oldest first, with the case and rule it concerns (for a human reading the file)."""
    for fp, action, reason, by, at, case_id, rule in conn.execute(
            "SELECT d.fingerprint, d.action, d.reason, d.by, d.at, c.case_id, c.rule FROM decisions d"
            " LEFT JOIN candidates c ON c.fingerprint = d.fingerprint ORDER BY d.at, d.id"):
        yield Decision(fp, action, reason, by, at).to_json(case_id=case_id, rule=rule)


@dataclass(slots=True)
class Conflict:
    fingerprint: str
    local: Decision
    imported: Decision
    kept: str = "local"  # which one is in effect after the import: "imported" or "local"


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    present: int = 0
    pending: int = 0  # decisions on candidates this store has not seen yet
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def parse_decision(text: str) -> Decision:
    """One JSONL line of `review export`; raises ValueError saying what is wrong."""
    try:
        d = orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise ValueError(_("строка не является корректным JSON (ошибка около символа {value})").format(value=e.pos + 1)) from None
    if not isinstance(d, dict):
        raise ValueError(_("ожидается JSON-объект"))
    if d.get("format", DECISION_TAG) != DECISION_TAG:
        raise ValueError(_("format: {get!r}, ожидается {decision_tag!r}").format(get=d.get('format'), decision_tag=DECISION_TAG))
    fp = d.get("fingerprint")
    if not isinstance(fp, str) or len(fp) < 16 or not _HEX.match(fp):
        raise ValueError(_("fingerprint: ожидается полный отпечаток (шестнадцатеричная строка)"))
    raw_action = d.get("action")
    action = raw_action if isinstance(raw_action, str) else repr(raw_action)  # refused below unless an action
    for key in ("by", "at"):
        if not isinstance(d.get(key), str):
            raise ValueError(_("{key}: ожидается строка").format(key=key))
    if d.get("reason") is not None and not isinstance(d["reason"], str):
        raise ValueError(_("reason: ожидается строка или null"))
    try:
        by, reason = check_decision(action, d["by"], d.get("reason"))
    except StoreError as e:
        raise ValueError(str(e)) from None
    try:
        at = normalize_time(d["at"])
    except ValueError:
        raise ValueError(_("at: {value!r} — не время ISO 8601 (например, 2024-05-01T10:00:00Z)").format(value=d['at'][:40])) from None
    return Decision(fp, action, reason, by, at)


def import_decisions(conn: Any, lines: Iterable[tuple[int, str]]) -> ImportResult:
    """Add the decisions not yet here; a decision already present is counted, never duplicated."""
    result = ImportResult()
    arrived = now()
    latest_allowed = (dt.datetime.now(dt.timezone.utc) + CLOCK_SKEW).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with transaction(conn):
        for lineno, text in lines:
            if not text.strip():
                continue
            try:
                dec = parse_decision(text)
            except ValueError as e:
                result.rejected.append((lineno, str(e)))
                continue
            if dec.at > latest_allowed:
                result.rejected.append((lineno, _("at: {at} — время решения в будущем (позже текущего больше "
                                                "чем на сутки); проверьте часы в том ведомстве, откуда файл").format(at=dec.at)))
                continue
            before = _latest(conn, dec.fingerprint)
            cur = conn.execute("INSERT INTO decisions (fingerprint, action, reason, by, at, origin,"
                               " effective) VALUES (?, ?, ?, ?, ?, 'import', ?) ON CONFLICT DO NOTHING",
                               (dec.fingerprint, dec.action, dec.reason, dec.by, dec.at, min(dec.at, arrived)))
            if cur.rowcount == 0:
                result.present += 1
                continue
            result.added += 1
            if before is not None and before.action != dec.action:
                after = _latest(conn, dec.fingerprint)
                kept = "imported" if after is not None and after == dec else "local"
                result.conflicts.append(Conflict(dec.fingerprint, before, dec, kept))
            known = conn.execute("SELECT 1 FROM candidates WHERE fingerprint = ?", (dec.fingerprint,)).fetchone()
            if known:
                _apply_latest(conn, dec.fingerprint)
            else:
                result.pending += 1
    return result
