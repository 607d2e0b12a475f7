"""One self-contained HTML file for reading a run in a browser, offline.

Why this way: prosecutors open it from a mail or a share with no network, so there is no CDN and
no external file; the charts are inline SVG drawn here, the sorting and filtering a few lines of
inline script.  Every text from a record goes through jinja2 autoescaping (and loses its control
characters), and a Content Security Policy forbids loading anything and running any script or
style but the page's own, named by hash.  Collects the whole run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from typing import Any, Callable

import jinja2

from .base import Collecting
from .text import coverage_summary_ru, SEVERITY_RU, STATUS_RU, cites_ru, safe_text, value_ru

CHART_WIDTH = 640
LABEL_WIDTH = 260
BAR_HEIGHT = 22
CHART_TOP = 12  # bars per chart; the rest is summed into «прочие»


def template_env(finalize: Callable[[Any], Any] | None = None) -> jinja2.Environment:
    """The package's templates, autoescaped for .html (and .j2 files rendering HTML)."""
    return jinja2.Environment(
        finalize=finalize,
        loader=jinja2.PackageLoader("legality", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def chart(title: str, key: str, counts: Counter) -> dict[str, Any]:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(items) > CHART_TOP:
        rest = sum(n for _, n in items[CHART_TOP - 1:])
        items = items[: CHART_TOP - 1] + [("прочие", rest)]
    top = max((n for _, n in items), default=1)
    span = CHART_WIDTH - LABEL_WIDTH - 50
    bars = [{"label": label, "short": label if len(label) <= 38 else label[:37] + "…", "count": n,
             "y": i * (BAR_HEIGHT + 6), "width": max(2, round(span * n / top))} for i, (label, n) in enumerate(items)]
    return {"title": title, "key": key, "bars": bars, "height": max(1, len(bars)) * (BAR_HEIGHT + 6),
            "width": CHART_WIDTH, "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT}


CSP_PLACEHOLDER = "legality-content-security-policy"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _printable(value: Any) -> Any:
    """Every `{{ … }}` of the report: text without control characters (autoescaping follows)."""
    return safe_text(value, multiline=True) if isinstance(value, str) else value


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


class HtmlFormatter(Collecting):
    name = "html"

    def finish(self, summary: dict[str, Any]) -> None:
        groups, invalid = [], []
        by_rule: Counter = Counter()
        by_court: Counter = Counter()
        by_article: Counter = Counter()
        for line, ctx in self.lines:
            court = ctx.court if ctx else "—"
            date = ctx.verdict_date if ctx else ""
            if line.status == "invalid":
                invalid.append({"case_id": line.case_id or "—", "file": line.file, "line": line.line,
                                "errors": line.errors})
                continue
            rows = []
            for c in line.candidates:
                article = ctx.article_of(c.offence) if ctx else "—"
                by_rule[c.rule] += 1
                by_court[court] += 1
                by_article[article] += 1
                rows.append({"severity": c.severity, "severity_ru": SEVERITY_RU.get(c.severity, c.severity),
                             "rank": {"high": 0, "medium": 1, "low": 2}.get(c.severity, 3),
                             "rule": c.rule, "title": c.title, "message": c.message,
                             "offence": c.offence or "", "article": article, "citations": cites_ru(c.citations),
                             "actual": value_ru(c.actual), "allowed": value_ru(c.allowed),
                             "fingerprint": c.fingerprint})
            groups.append({"case_id": line.case_id or "—", "file": line.file, "line": line.line, "court": court,
                           "date": date, "status": line.status, "status_ru": STATUS_RU.get(line.status, line.status),
                           "rows": rows, "faults": line.faults,
                           "gaps": [{"offence": g.offence or "", "detail": g.detail, "rules": len(g.rules)}
                                    for g in (line.coverage.gaps if line.coverage is not None else ())]})
        charts = [chart("Кандидаты по правилам", "rule", by_rule),
                  chart("Кандидаты по судам", "court", by_court),
                  chart("Кандидаты по статьям УК РК", "article", by_article)]
        html = template_env(_printable).get_template("report.html.j2").render(
            meta=self.meta, summary=summary, groups=groups, invalid=invalid, charts=charts,
            severity_ru=SEVERITY_RU, coverage=coverage_summary_ru(summary.get("coverage")), csp=CSP_PLACEHOLDER)
        # the policy comes first in the page, before any text from a record
        html = html.replace(CSP_PLACEHOLDER, content_security_policy(html), 1)
        self.out.write(html.encode("utf-8"))
