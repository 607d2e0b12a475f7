"""What each page shows, as plain data for its template: the queue, a case, the dashboard.

Why apart from the web framework: these functions take a store connection and the request's
parameters and return dicts of strings already in words (`legality.words`, `_()`), so a test can
call them without HTTP, and the templates only lay them out.  Every value a prosecutor reads is a
word here — a status, a severity, a rule's title, a date in the office's time zone — never a code;
codes stay in links and form values, which a reader does not read.
"""

from __future__ import annotations

import datetime as dt
import math
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import orjson

from .. import words
from ..clock import local_time
from ..i18n import N_, _
from ..report.columns import FINGERPRINT_SHOWN, article_text, review_status_text
from ..report.html import CHART_TOP, MONTH_LABEL, MONTHS_MAX, chart, month_label
from ..store.review import STATUSES

OPEN = ("new", "known")  # the queue's default: what still waits for a reviewer
SEVERITIES = ("high", "medium", "low")
SORTS: dict[str, str] = {  # the queue's sort keys (store.queue.list_queue) and how a reader names them
    "severity": N_("важность"),
    "verdict_date": N_("дата приговора"),
    "first_seen": N_("впервые найдено"),
    "court": N_("суд"),
    "case": N_("дело"),
}
TEXT_FILTERS = ("court", "region", "judge", "article", "rule")
ME, NOBODY = "me", "nobody"  # the queue's «assigned» filter besides a reviewer's name


@dataclass
class QueueQuery:
    """The queue's filters, sorting and page, as the query string carries them (a link can be shared)."""
    statuses: tuple[str, ...] = OPEN
    court: str = ""
    region: str = ""
    judge: str = ""
    article: str = ""
    rule: str = ""
    severity: str = ""
    date_from: str = ""
    date_to: str = ""
    assigned: str = ""  # "": anyone's; ME: the reader's; NOBODY: not given to anyone; else a reviewer's name
    sort: str = "severity"
    descending: bool = False
    page: int = 1
    problems: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]]) -> "QueueQuery":
        q = cls()
        seen_status: list[str] = []
        for key, value in items:
            value = value.strip()
            if key == "status" and value in STATUSES and value not in seen_status:
                seen_status.append(value)
            elif key in TEXT_FILTERS or key == "assigned":
                setattr(q, key, value[:200])
            elif key == "severity" and value in SEVERITIES:
                q.severity = value
            elif key in ("date_from", "date_to") and value:
                try:
                    setattr(q, key, dt.date.fromisoformat(value).isoformat())
                except ValueError:
                    q.problems.append(_("«{value}» — не дата; укажите её как ГГГГ-ММ-ДД").format(value=value[:40]))
            elif key == "sort" and value in SORTS:
                q.sort = value
            elif key == "desc":
                q.descending = value in ("1", "on", "true")
            elif key == "page" and value.isdigit():
                q.page = max(1, min(int(value), 10**6))
        if seen_status:
            q.statuses = tuple(seen_status)
        return q

    def params(self, **change: Any) -> list[tuple[str, str]]:
        """The query string's pairs (defaults left out), with `change` applied."""
        d = {**self.__dict__, **change}
        out: list[tuple[str, str]] = []
        if tuple(d["statuses"]) != OPEN:
            out += [("status", s) for s in d["statuses"]]
        for key in (*TEXT_FILTERS, "severity", "date_from", "date_to", "assigned"):
            if d[key]:
                out.append((key, d[key]))
        if d["sort"] != "severity":
            out.append(("sort", d["sort"]))
        if d["descending"]:
            out.append(("desc", "1"))
        if d["page"] != 1:
            out.append(("page", str(d["page"])))
        return out

    def link(self, **change: Any) -> str:
        qs = urllib.parse.urlencode(self.params(**change))
        return "/" + ("?" + qs if qs else "")


def candidate_json(row: Mapping[str, Any]) -> dict[str, Any]:
    body = row.get("candidate")
    if isinstance(body, (str, bytes)):
        return orjson.loads(body)
    return dict(body or {})


def title_of(row: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """The rule's title in the reader's language (the stored one is in the language of the scan)."""
    return titles.get(row.get("rule") or "") or candidate_json(row).get("title") or ""


def _date_words(iso: str | None) -> str:
    return words.date(iso) if iso else ""


def queue_page(conn: Any, q: QueueQuery, titles: Mapping[str, str], page_size: int,
               facets: Mapping[str, list[str]] | None = None, me: str = "") -> dict[str, Any]:
    """One page of the queue; `facets`: the filters' values (`store.queue.facet_values`), if known;
    `me`: the reader (the «мне» of the assignment filter)."""
    from ..store import queue, users

    assignee = me if q.assigned == ME else (None if q.assigned in ("", NOBODY) else q.assigned)
    rows, total = queue.list_queue(
        conn, statuses=q.statuses, court=q.court or None, region=q.region or None, judge=q.judge or None,
        article=q.article or None, rule=q.rule or None, severity=q.severity or None,
        date_from=q.date_from or None, date_to=q.date_to or None, assigned_to=assignee,
        unassigned=q.assigned == NOBODY, sort=q.sort, descending=q.descending,
        limit=page_size, offset=(q.page - 1) * page_size)
    pages = max(1, math.ceil(total / page_size))
    shown = []
    for r in rows:
        cand = candidate_json(r)
        offence = r.get("offence")
        shown.append({
            "number": str(r["fingerprint"])[:FINGERPRINT_SHOWN],
            "fingerprint": r["fingerprint"],
            "case_id": r.get("case_id") or "",
            "case_link": "/case/" + urllib.parse.quote(r.get("case_id") or "", safe="") + "#f-" + r["fingerprint"][:FINGERPRINT_SHOWN],
            "status": review_status_text(r.get("status")),
            "status_code": r.get("status") or "",
            "severity": words.severity(r.get("severity") or "low"),
            "severity_code": r.get("severity") or "low",
            "title": title_of(r, titles),
            "episode": _("эпизод {n}").format(n=offence) if offence else _("окончательное наказание"),
            "article": (_("ст. {article} УК РК").format(article=r["article"]) if r.get("article") else ""),
            "court": r.get("court") or "",
            "region": r.get("region") or "",
            "judge": r.get("judge") or "",
            "verdict_date": _date_words(r.get("verdict_date")),
            "first_seen": local_time(r.get("first_seen")) if r.get("first_seen") else "",
            "message": cand.get("message") or "",
            "assigned_to": r.get("assigned_to") or "",
        })
    if facets is None:
        facets = queue.facet_values(conn)
    rule_options = sorted(((rid, titles.get(rid) or rid) for rid in facets.get("rules", ())), key=lambda x: x[1])
    first = (q.page - 1) * page_size + 1 if total else 0
    return {
        "q": q, "rows": shown, "total": total,
        "total_text": words.count(total, "замечание"),
        "range_text": (_("{first}–{last} из {total}").format(first=words.number(first),
                                                           last=words.number(first + len(shown) - 1),
                                                           total=words.count(total, "замечание"))
                       if shown else _("ничего не найдено")),
        "page": q.page, "pages": pages,
        "prev_link": q.link(page=q.page - 1) if q.page > 1 else "",
        "next_link": q.link(page=q.page + 1) if q.page < pages else "",
        "first_link": q.link(page=1) if q.page > 1 else "",
        "last_link": q.link(page=pages) if q.page < pages else "",
        "statuses": [(s, review_status_text(s), s in q.statuses) for s in STATUSES],
        "severities": [(s, words.severity(s)) for s in SEVERITIES],
        "sorts": [(k, _(v)) for k, v in SORTS.items()],
        "facets": {"court": list(facets.get("courts", ())), "region": list(facets.get("regions", ())),
                   "judge": list(facets.get("judges", ())), "article": list(facets.get("articles", ())),
                   "rule": rule_options},
        "sort_links": {k: q.link(sort=k, descending=(not q.descending) if q.sort == k else False, page=1)
                       for k in SORTS},
        "assignees": [(ME, _("мне")), (NOBODY, _("никому"))]
                     + [(u.name, u.name) for u in users.list_users(conn, include_inactive=False)],
    }


# ---- a case

ACTION_WORDS = {"dismiss": N_("отклонено"), "confirm": N_("подтверждено")}


def decision_words(d: Any) -> dict[str, str]:
    get = d.get if isinstance(d, Mapping) else (lambda k, default=None: getattr(d, k, default))
    action = str(get("action") or "")
    return {"what": _(ACTION_WORDS[action]) if action in ACTION_WORDS else "",
            "reason": get("reason") or "", "by": get("by") or "", "when": local_time(get("at")) if get("at") else ""}


def finding_view(row: Mapping[str, Any], titles: Mapping[str, str], ctx: Any, lang: str,
                 fresh: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A finding of the case page: `fresh` (the current rules' finding, in the reader's language) when the
    record was read again, else the stored copy (in the nightly scan's language)."""
    from ..report.protest import finding_of

    cand = dict(fresh) if fresh else candidate_json(row)
    f = finding_of(cand, None, lang)
    offence = row.get("offence")
    art = article_text(ctx, offence) if ctx is not None else ""
    history = [decision_words(d) for d in row.get("decisions") or row.get("history") or ()]
    return {
        "number": str(row["fingerprint"])[:FINGERPRINT_SHOWN],
        "fingerprint": row["fingerprint"],
        "version": row.get("version") or 0,
        "status": review_status_text(row.get("status")),
        "status_code": row.get("status") or "",
        "confirmed": row.get("status") == "confirmed",
        "severity": words.severity(row.get("severity") or f.severity),
        "severity_code": row.get("severity") or f.severity,
        "title": titles.get(row.get("rule") or "") or f.title,
        "where": ((_("эпизод {n}").format(n=offence) + (f" ({art})" if art and art != _("по совокупности") else ""))
                  if offence else _("окончательное наказание")),
        "message": f.message,
        "facts": f.facts,
        "actual": f.actual_text,
        "allowed": f.allowed_text,
        "norms": "; ".join(words.cite(c) for c in f.citations),
        "first_seen": local_time(row.get("first_seen")) if row.get("first_seen") else "",
        "history": history,
        "assigned": (_("назначено проверяющему {name} ({by}, {when})").format(
            name=row["assigned_to"], by=row.get("assigned_by") or "",
            when=local_time(row["assigned_at"]) if row.get("assigned_at") else "")
            if row.get("assigned_to") else ""),
    }


# ---- the dashboard


def _items(pairs: Iterable[Any]) -> list[tuple[str, int]]:
    out = []
    for p in pairs:
        label, n = (p.get("label") or p.get("value") or p.get("key"), p.get("count") or p.get("n")) \
            if isinstance(p, Mapping) else p
        out.append((str(label) if label not in (None, "") else _("не указано"), int(n or 0)))
    return out


def top(title: str, key: str, pairs: Iterable[Any]) -> dict[str, Any]:
    """The CHART_TOP largest as bars with their numbers; the others in one line under the chart."""
    items = sorted(_items(pairs), key=lambda kv: (-kv[1], kv[0]))
    shown, others = items[:CHART_TOP], items[CHART_TOP:]
    rest = (len(others), sum(n for _l, n in others)) if others else None
    text = (_("ещё {n}: {total}").format(n=words.number(rest[0]), total=words.count(rest[1], "замечание"))
            if rest else "")
    return chart(title, key, shown, rest, text)


def months_chart(title: str, key: str, pairs: Iterable[Any]) -> dict[str, Any]:
    """Candidates by month («2024-03» → «март 2024»), oldest first, every month of the span (a month with
    none shows 0); by year when the span is longer than MONTHS_MAX months."""
    counts: dict[tuple[int, int], int] = {}
    for label, n in _items(pairs):
        try:
            ym = (int(label[:4]), int(label[5:7]))
        except (ValueError, IndexError):
            continue
        counts[ym] = counts.get(ym, 0) + n
    if not counts:
        return chart(title, key, [])
    (y0, m0), (y1, m1) = min(counts), max(counts)
    span = (y1 - y0) * 12 + m1 - m0 + 1
    if span > MONTHS_MAX:
        years: dict[int, int] = {}
        for (y, _m), n in counts.items():
            years[y] = years.get(y, 0) + n
        return chart(title, key, [(str(y), years.get(y, 0)) for y in range(y0, y1 + 1)], label_width=MONTH_LABEL)
    items = []
    y, m = y0, m0
    for _i in range(span):
        items.append((month_label(y, m), counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return chart(title, key, items, label_width=MONTH_LABEL)


def precision_rows(per_rule: Iterable[Any], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per rule: confirmed, dismissed, the measured precision (confirmed share of the reviewed), the top
    dismissal reasons; with a two-part bar (its width: the reviewed count relative to the largest)."""
    rows: list[dict[str, Any]] = []
    for r in per_rule:
        get = r.get if isinstance(r, Mapping) else (lambda k, default=None: getattr(r, k, default))
        confirmed, dismissed = int(get("confirmed") or 0), int(get("dismissed") or 0)
        reviewed = confirmed + dismissed
        if not reviewed and not get("fired"):
            continue  # a rule that found nothing (only could not check some records): not a row here
        rows.append({
            "title": titles.get(get("rule") or "") or get("title") or "",
            "confirmed": confirmed, "dismissed": dismissed, "reviewed": reviewed,
            "total": int(get("fired") or get("total") or reviewed),
            "precision": (_("{p} % (из {n})").format(p=round(100 * confirmed / reviewed),
                                                    n=words.count(reviewed, "решение", case="gen"))
                          if reviewed else _("решений ещё нет")),
            "reasons": [(str(text), int(n)) for text, n in get("reasons") or ()],
        })
    rows.sort(key=lambda x: (-x["reviewed"], -x["total"], x["title"]))
    widest = max((x["reviewed"] for x in rows), default=0) or 1
    for x in rows:
        x["bar_confirmed"] = round(240 * x["confirmed"] / widest)
        x["bar_dismissed"] = round(240 * x["dismissed"] / widest)
    return rows


COVERAGE = (("full", N_("проверены полностью")), ("partial", N_("проверены частично")), ("none", N_("не проверены")))


def coverage_chart(coverage: Mapping[str, Any] | None) -> dict[str, Any]:
    cov = coverage or {}
    return chart(_("Проверка записей последнего запуска"), "coverage",
                 [(_(label), int(cov.get(key) or 0)) for key, label in COVERAGE])


def dashboard_page(conn: Any, titles: Mapping[str, str]) -> dict[str, Any]:
    """`store.queue.dashboard` as charts (inline SVG, each with its numbers in a table beside it)."""
    from ..store import queue

    d = queue.dashboard(conn)
    return {
        "charts": [
            months_chart(_("Замечания по месяцам приговоров"), "verdict-month", d.get("by_verdict_month") or ()),
            months_chart(_("Замечания по месяцам, когда найдены"), "found-month", d.get("by_month") or ()),
            top(_("Замечания по судам"), "court", d.get("by_court") or ()),
            top(_("Замечания по регионам"), "region", d.get("by_region") or ()),
            top(_("Замечания по статьям УК РК"), "article",
                [(_("ст. {article}").format(article=a), n) for a, n in d.get("by_article") or ()]),
        ],
        "coverage": coverage_chart(d.get("coverage")),
        "rules": precision_rows(d.get("rules") or (), titles),
        "total": words.count(int(d.get("total") or 0), "замечание"),
    }
