"""One self-contained HTML file for reading a run in a browser, offline.

Why this way: prosecutors open it from a mail or a share with no network, so there is no CDN and
no external file; the charts are inline SVG drawn here, the sorting and filtering a few lines of
inline script, and each case's draft appeal is embedded as a `data:` link.  Every text from a record
goes through jinja2 autoescaping (and loses its control characters), and a Content Security Policy
forbids loading anything and running any script or style but the page's own, named by hash.
Collects the whole run.

Why every word goes through `_()` and `legality.words`: the page is read by prosecutors, in Russian
or Kazakh (`--lang`); no rule id, fact name or code of the rule language may reach its visible text
(they stay in `data-*` attributes, for sorting and filtering only).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import re
import textwrap
import zipfile
from collections import Counter
from typing import Any, Callable

from .. import i18n, words
from ..i18n import N_, _
from ..words.fields import WHOLE_RECORD
from .base import Collecting
from .columns import FINGERPRINT_SHOWN, REVIEW_STATUS, article_text, fault_text, review_status_text
from .templating import template_env
from .text import coverage_summary_ru, safe_text

log = logging.getLogger(__name__)

CHART_WIDTH = 640
LABEL_LINE = 15      # px per line of a label (12px text)
LABEL_CHARS = 64     # a label wraps at this many characters: 64 of the widest Cyrillic letters fit 640px
BAR_HEIGHT = 14
ROW_GAP = 8
COUNT_ROOM = 56      # room right of the longest bar for its count
CHART_TOP = 10       # named items per chart; the rest is one line of text under it, not a bar
MONTH_LABEL = 160    # px left of a month's bar: «сентябрь 2024», «2024 жылғы желтоқсан» (20 letters) fit
MONTHS_MAX = 36      # a longer span of verdict dates is charted by year
# Drafts embedded as `data:` links: about 50 KB of base64 per case (measured on the fixtures: 48 cases,
# a 2.6 MB page).  Above this many cases the page would pass 10 MB, too large to e-mail: it then says how
# to draft them with `legality protest` instead.
DRAFT_LIMIT = 200
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MONTHS = (N_("январь"), N_("февраль"), N_("март"), N_("апрель"), N_("май"), N_("июнь"), N_("июль"),
          N_("август"), N_("сентябрь"), N_("октябрь"), N_("ноябрь"), N_("декабрь"))
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """A label in lines of at most `width` characters (a word longer than that is cut, never clipped)."""
    return textwrap.wrap(label, width, break_long_words=True, break_on_hyphens=False) or [""]


def chart(title: str, key: str, items: list[tuple[str, int]], rest: tuple[int, int] | None = None,
          rest_text: str = "", label_width: int = 0) -> dict[str, Any]:
    """A horizontal bar chart laid out so that every label fits.

    By default the label stands on its own line(s) above its bar, starting at x=0 and wrapped, so even
    the longest court name is shown in full.  `label_width` > 0 (short labels: months) puts the
    label left of its bar, on one row.  `rest` (items, total) left out of the bars is told in one line
    of text (`rest_text`), never as a bar: a «прочие» bar ten times longer than any named one says nothing.
    """
    top = max((n for _, n in items), default=1) or 1
    span = CHART_WIDTH - COUNT_ROOM - label_width
    bars, y = [], 0
    for label, n in items:
        if label_width:
            lines = [{"text": label, "y": y + BAR_HEIGHT - 3}]
            bar_y, step = y + 1, BAR_HEIGHT + 6
        else:
            wrapped = wrap_label(label)
            lines = [{"text": t, "y": y + (i + 1) * LABEL_LINE - 3} for i, t in enumerate(wrapped)]
            bar_y = y + len(wrapped) * LABEL_LINE + 2
            step = bar_y - y + BAR_HEIGHT + ROW_GAP
        bars.append({"label": label, "lines": lines, "count": n, "bar_x": label_width, "bar_y": bar_y,
                     "width": max(2, round(span * n / top)) if n else 0})
        y += step
    return {"title": title, "key": key, "bars": bars, "height": max(1, y), "width": CHART_WIDTH,
            "bar_height": BAR_HEIGHT, "rest": rest_text if rest else ""}


def top_chart(title: str, key: str, counts: Counter, rest_text: str) -> dict[str, Any]:
    """The CHART_TOP largest of `counts` as bars, the others as one line: «ещё 34 — 38 нарушений»."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, others = items[:CHART_TOP], items[CHART_TOP:]
    rest = (len(others), sum(n for _, n in others)) if others else None
    text = rest_text.format(n=len(others), total=words.count(rest[1], "нарушение")) if rest else ""
    return chart(title, key, shown, rest, text)


def month_label(year: int, month: int) -> str:
    return _("{month} {year}").format(month=_(MONTHS[month - 1]), year=year)


def time_chart(title: str, dates: list[str]) -> dict[str, Any]:
    """Findings by month of the verdict date, every month of the span (a month with none shows 0);
    by year when the span is longer than MONTHS_MAX months."""
    parsed = []
    for d in dates:
        try:
            parsed.append(dt.date.fromisoformat(d))
        except (TypeError, ValueError):
            continue
    if not parsed:
        return chart(title, "month", [])
    first, last = min(parsed), max(parsed)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > MONTHS_MAX:
        by_year = Counter(d.year for d in parsed)
        return chart(title, "month", [(str(y), by_year.get(y, 0)) for y in range(first.year, last.year + 1)],
                     label_width=MONTH_LABEL)
    by_month = Counter((d.year, d.month) for d in parsed)
    items = []
    y, m = first.year, first.month
    for _i in range(span):
        items.append((month_label(y, m), by_month.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return chart(title, "month", items, label_width=MONTH_LABEL)


CSP_PLACEHOLDER = "legality-content-security-policy"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _printable(value: Any) -> Any:
    """Every `{{ … }}` of the report: text without control characters (autoescaping follows)."""
    return safe_text(value, multiline=True) if isinstance(value, str) else value


def _error_field(error: dict[str, Any]) -> str:
    """The field of a record error in words («эпизод 1 → дата совершения»); "" for the record as a whole."""
    path = str(error.get("path") or "")
    return words.field(path) if path and path != WHOLE_RECORD else ""


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(html: str) -> str:
    """A CSP that allows exactly the page's own one script and one style block, by their hashes.

    Why hashes and not 'unsafe-inline': should a record's text ever slip past escaping into the
    page, a script it brings has another hash and the browser refuses to run it.  The hashes are of
    the exact rendered text, so editing the template can never leave a stale hash behind.
    """
    scripts, styles = _SCRIPT.findall(html), _STYLE.findall(html)
    if len(scripts) != 1 or len(styles) != 1:
        raise ValueError(f"report template: expected one <script> and one <style>, found {len(scripts)}, {len(styles)}")
    return (f"default-src 'none'; script-src {_sha256_source(scripts[0])}; style-src {_sha256_source(styles[0])}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


_FILE_UNSAFE = re.compile(r"[^\w.-]+")


def draft_name(case_id: str, taken: set[str]) -> str:
    """The draft's file name: «ходатайство-<case>.docx», unique within the page (co-defendants)."""
    stem = _("ходатайство") + "-" + (_FILE_UNSAFE.sub("_", case_id).strip("._") or "_")
    name, n = stem + ".docx", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.docx"
    taken.add(name)
    return name


def period(sentence: str) -> str:
    """One full stop at the end of a sentence, never two (a value may end in one already)."""
    s = sentence.rstrip()
    return s if s.endswith((".", "!", "?", "…")) else s + "."


_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def stable_zip(data: bytes) -> bytes:
    """The same .docx without a clock in it: every member dated 1980-01-01 and no created/modified
    time in its properties (both optional in the format).  A report's bytes must not depend on the
    second it was written; python-docx stamps the zip entries, and the draft its properties."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(b"", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), body,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def _text(value: Any, fallback: Any) -> str:
    """The engine's words for a value (`*_text`), else the value rendered by `legality.words`."""
    return value if isinstance(value, str) and value else words.say_json(fallback)


def _facts(c: Any) -> list[tuple[str, str]]:
    """The finding's facts in words ((label, value) from the engine); none from a line without them:
    a bare fact name is an identifier of the rule language, not something to show a prosecutor."""
    out = []
    for item in getattr(c, "facts_text", None) or ():
        if isinstance(item, dict):
            out.append((str(item.get("label", "")), str(item.get("value", ""))))
        else:
            label, value = item
            out.append((str(label), str(value)))
    return out


def _cites(citations: list[Any]) -> str:
    return "; ".join(words.cite(c) for c in citations)


def _draft_maker() -> Callable[..., bytes] | None:
    try:
        from .protest import draft_docx_bytes
    except ImportError:  # pragma: no cover - protest drafting is part of the package
        return None
    return draft_docx_bytes


def _edition(meta: Any) -> str:
    """«редакция правил от 02.12.2026»: a date a prosecutor can quote, not the rules' hash."""
    from ..edition import edition_label

    return edition_label(meta.rules_dir)


class HtmlFormatter(Collecting):
    name = "html"
    wants_particulars = True  # the scan's contexts carry the verdict in words: the drill-down and the drafts

    def finish(self, summary: dict[str, Any]) -> None:
        lang = i18n.text_language()
        review = self.options.review_status
        groups: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        by_rule: Counter = Counter()
        by_court: Counter = Counter()
        by_article: Counter = Counter()
        dates: list[str] = []
        courts: dict[str, set[str]] = {}
        titles = {r.id: r.title for r in self.meta.rules}
        flagged = [(line, ctx) for line, ctx in self.lines if line.status != "invalid" and line.candidates]
        make_draft = _draft_maker() if len(flagged) <= DRAFT_LIMIT else None
        taken: set[str] = set()
        for line, ctx in self.lines:
            if line.status == "invalid":
                # the field in words (`words.field`); the exact JSON path stays in the machine outputs
                invalid.append({"case_id": line.case_id or "—", "source": f"{line.file}:{line.line}",
                                "errors": [{"field": _error_field(e), "message": e.get("message", "")}
                                           for e in line.errors]})
                continue
            court = ctx.court if ctx else "—"
            region = (ctx.region or "") if ctx else ""
            judge = (ctx.judge_id or "") if ctx else ""
            date_iso = ctx.verdict_date if ctx else ""
            courts.setdefault(region, set()).add(court)
            rows: list[dict[str, Any]] = []
            for c in line.candidates:
                article = article_text(ctx, c.offence) or "—"
                by_rule[c.title] += 1
                by_court[court] += 1
                by_article[article] += 1
                if date_iso:
                    dates.append(date_iso)
                status = review(c.fingerprint) if review is not None and c.fingerprint else None
                rows.append({
                    "severity": c.severity, "severity_text": words.severity(c.severity),
                    "rank": SEVERITY_RANK.get(c.severity, 3), "rule": c.rule, "title": c.title,
                    "message": c.message, "offence": c.offence or "", "article": article,
                    "citations": _cites(c.citations), "cites": [words.cite(x) for x in c.citations],
                    "actual": _text(getattr(c, "actual_text", None), c.actual),
                    "allowed": _text(getattr(c, "allowed_text", None), c.allowed),
                    "has_allowed": c.allowed is not None or bool(getattr(c, "allowed_text", None)),
                    "facts": _facts(c), "fingerprint": c.fingerprint, "number": c.fingerprint[:FINGERPRINT_SHOWN],
                    "review": status or "none", "review_text": review_status_text(status),
                })
            particulars = ctx.particulars if ctx else None
            draft = name = None
            if make_draft is not None and line.candidates and particulars:
                try:
                    data = stable_zip(make_draft(particulars, line.candidates, lang))
                except Exception as exc:  # noqa: BLE001 - one failing draft costs that draft, not the report
                    # (the case id and the error's kind only: an error's text may quote the record)
                    log.warning("проект ходатайства по делу %s не составлен (%s)", line.case_id, type(exc).__name__)
                else:
                    draft = f"data:{DOCX_MIME};base64," + base64.b64encode(data).decode("ascii")
                    name = draft_name(line.case_id or "", taken)
            groups.append({
                "case_id": line.case_id or "—", "source": f"{line.file}:{line.line}", "court": court,
                "region": region, "judge": judge, "date_iso": date_iso,
                "date": words.date(date_iso) if date_iso else "", "status": line.status,
                "status_text": words.status(line.status), "rows": rows,
                "rank": min((r["rank"] for r in rows), default=3),
                "faults": [fault_text(f, titles) for f in line.faults],  # a failed rule by title, not its id
                "gaps": [{"offence": g.offence or "", "detail": g.detail, "rules": len(g.rules)}
                         for g in (line.coverage.gaps if line.coverage is not None else ())],
                "particulars": particulars, "draft": draft, "draft_name": name,
            })
        charts = [top_chart(_("Нарушения по правилам"), "rule", by_rule, _("ещё правил: {n} — {total}")),
                  top_chart(_("Нарушения по судам"), "court", by_court, _("ещё судов: {n} — {total}")),
                  top_chart(_("Нарушения по статьям УК РК"), "article", by_article, _("ещё статей: {n} — {total}")),
                  time_chart(_("Нарушения по месяцам приговора"), dates)]
        court_options = [{"region": r, "courts": sorted(cs)} for r, cs in sorted(courts.items(), key=lambda kv: (not kv[0], kv[0]))]
        env = template_env(_printable)
        env.globals.update(_=_, words=words)
        env.filters["period"] = period
        html = env.get_template("report.html.j2").render(
            lang=lang, meta=self.meta, edition=_edition(self.meta), summary=summary, groups=groups, invalid=invalid,
            charts=charts, court_options=court_options, reviewed=review is not None,
            review_labels=[(k, _(v)) for k, v in REVIEW_STATUS.items()],
            in_page=sum(len(g["rows"]) for g in groups),  # `scan --severity …` leaves some out of the page
            drafts=make_draft is not None, flagged=len(flagged), draft_limit=DRAFT_LIMIT,
            coverage=coverage_summary_ru(summary.get("coverage")), attention=_("Внимание"),
            csp=CSP_PLACEHOLDER)
        # the policy comes first in the page, before any text from a record
        html = html.replace(CSP_PLACEHOLDER, content_security_policy(html), 1)
        self.out.write(html.encode("utf-8"))
