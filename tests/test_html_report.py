"""The HTML report's structure without a browser: charts, the case drill-down and its draft, the
review status, the Kazakh page and its catalogue.  (The browser test, test_report_html_browser.py,
checks what a reader sees: layout, filters, print.)

Why the fake engine here: the format, not the rules, is under test; the shipped rules' words are
checked on the fixtures in `test_html_fixture_page_has_no_identifiers`.
"""

from __future__ import annotations

import base64
import html as htmlmod
import io
import re
from collections import Counter
from pathlib import Path

import orjson
import pytest

from legality import i18n
from legality.io.reader import RawRecord
from legality.report import html as H
from legality.report.base import FormatOptions
from legality.scan.run import run_scan
from support.fakes import RULES, FakeEngine, record

ROOT = Path(__file__).resolve().parents[1]
LONG_COURT = ("Специализированный межрайонный суд по делам несовершеннолетних города Шымкента "
              "Туркестанской области Республики Казахстан (постоянная сессия в городе Кентау)")
COURTS = [(LONG_COURT, "Шымкент"), ("Казыбекбийский районный суд города Караганды", "Карагандинская область"),
          ("Суд <В>", "Алматы")]
DATA_URI = re.compile(r'<a class="draft" download="([^"]+)" href="data:([^;]+);base64,([^"]+)"')


def batch(n: int = 30) -> list[RawRecord]:
    """n records over three courts and regions, five judges and 14 months; one broken record."""
    recs: list[object] = []
    for i in range(n):
        name, region = COURTS[i % 3]
        r = record(f"K-{i:03d}", years=2 + i % 3, regime="maximum" if i % 4 == 0 else "medium", court=name)
        r["court"]["region"] = region
        r["judge_id"] = f"J-{i % 5:04d}"
        r["verdict_date"] = f"{2024 + (i % 14) // 12}-{1 + (i % 14) % 12:02d}-15"
        recs.append(r)
    recs.insert(5, b'{"case_id": "BROKEN", ')
    return [RawRecord("batch.jsonl", k + 1, r if isinstance(r, bytes) else orjson.dumps(r)) for k, r in enumerate(recs)]


REVIEW_CYCLE = ("new", "known", "dismissed", "confirmed", None)


def review_status(fingerprint: str) -> str | None:
    return REVIEW_CYCLE[int(fingerprint[:4], 16) % len(REVIEW_CYCLE)]


def render(raws: list[RawRecord] | None = None, **options) -> tuple[str, object]:
    out = io.BytesIO()
    summary = run_scan([], FakeEngine(), out, fmt="html", raws=raws if raws is not None else batch(),
                       options=FormatOptions(**options))
    return out.getvalue().decode("utf-8"), summary


@pytest.fixture(scope="module")
def page() -> tuple[str, object]:
    return render()


def test_court_labels_are_whole_and_wrapped_never_cut(page):
    """Bug 7: labels were cut at 38 characters and ran off the left edge.  Now the whole name is
    drawn, in lines no longer than LABEL_CHARS, starting at x=0 (the browser test measures them)."""
    text, _ = page
    chart = text[text.index('id="chart-court"'):text.index("</figure>", text.index('id="chart-court"'))]
    spans = re.findall(r'<tspan x="0" y="\d+">([^<]*)</tspan>', chart)
    assert all(len(htmlmod.unescape(s)) <= H.LABEL_CHARS for s in spans)
    labels = [" ".join(htmlmod.unescape(s) for s in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t))
              for t in re.findall(r'<text class="label"[^>]*>(.*?)</text>', chart)]
    assert sorted(labels) == sorted(name for name, _ in COURTS)
    assert "…" not in chart and 'text-anchor="end"' not in chart


def test_rule_chart_shows_titles_and_the_rest_as_a_number():
    """Rule titles, not ids; beyond CHART_TOP the rest is one sentence with the count, not a bar."""
    counts = Counter({f"Правило номер {i}": 1 for i in range(15)})
    counts["Правило номер 0"] = 4
    c = H.top_chart("Нарушения по правилам", "rule", counts, "ещё правил: {n} — {total}")
    assert len(c["bars"]) == H.CHART_TOP and c["bars"][0]["label"] == "Правило номер 0"
    assert c["rest"] == "ещё правил: 5 — 5 нарушений"
    assert max(b["width"] for b in c["bars"]) == c["bars"][0]["width"]  # the largest named item is the longest bar
    assert H.top_chart("t", "rule", Counter({"a": 2}), "ещё {n} — {total}")["rest"] == ""


def test_rule_chart_names_rules_by_title(page):
    text, _ = page
    chart = text[text.index('id="chart-rule"'):text.index("</figure>", text.index('id="chart-rule"'))]
    for rule in RULES:
        assert rule.title in htmlmod.unescape(chart)
        assert rule.id not in chart


def test_month_chart_covers_every_month_of_the_span():
    """Trend by month of the verdict date: a month without findings is a 0, not a gap; years beyond 36 months."""
    c = H.time_chart("t", ["2024-01-15", "2024-03-02", "2024-03-30", "bad"])
    assert [(b["label"], b["count"]) for b in c["bars"]] == [("январь 2024", 1), ("февраль 2024", 0), ("март 2024", 2)]
    c = H.time_chart("t", ["2019-05-01", "2024-01-01"])
    assert [b["label"] for b in c["bars"]] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert H.time_chart("t", [])["bars"] == []


def test_month_chart_in_the_page(page):
    text, summary = page
    chart = text[text.index('id="chart-month"'):text.index("</figure>", text.index('id="chart-month"'))]
    counts = [int(x) for x in re.findall(r'<text class="count"[^>]*>(\d+)</text>', chart)]
    assert sum(counts) == summary.candidates
    assert "январь 2024" in chart and "январь 2025" in chart


def test_each_flagged_case_has_a_drill_down_with_a_valid_docx_draft(page):
    from docx import Document

    text, summary = page
    cases = re.findall(r'<tbody class="case" data-case="([^"]+)"', text)
    assert len(cases) == summary.flagged
    assert text.count('<details class="case">') == summary.flagged
    drafts = DATA_URI.findall(text)
    assert len(drafts) == summary.flagged
    names = [name for name, _, _ in drafts]
    assert len(set(names)) == len(names) and all(n.startswith("ходатайство-K-") and n.endswith(".docx") for n in names)
    name, mime, b64 = drafts[0]
    assert mime == H.DOCX_MIME
    doc = Document(io.BytesIO(base64.b64decode(b64)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert name[len("ходатайство-"):-len(".docx")] in body  # the draft of this case, not another one


def test_drafts_are_left_out_above_the_limit_with_a_hint(monkeypatch):
    """A page for thousands of cases would be too large to mail: no data: links, and the command to use."""
    monkeypatch.setattr(H, "DRAFT_LIMIT", 3)
    text, summary = render()
    assert summary.flagged > 3
    assert DATA_URI.findall(text) == []
    assert 'id="no-drafts-hint"' in text and "legality protest" in text
    assert text.count('<details class="case">') == summary.flagged  # the drill-down stays


def test_drill_down_shows_the_verdict_particulars(page):
    text, _ = page
    drill = text[text.index('<details class="case">'):text.index("</details>", text.index('<details class="case">'))]
    assert "Приговор" in drill and "Окончательное наказание" in drill
    assert "№ замечания" in drill
    assert "..</div>" not in drill  # one full stop at the end of a sentence


def test_review_status_per_finding_and_as_a_filter():
    text, summary = render(review_status=review_status)
    assert '<select id="review">' in text and '<th data-key="review">' in text
    found = re.findall(r'data-review="([a-z]+)" data-fingerprint="([0-9a-f]+)"', text)
    assert len(found) == summary.candidates
    assert all(code == (review_status(fp) or "none") for code, fp in found)
    assert {"новое", "известное", "отклонено", "подтверждено"} <= set(
        re.findall(r'<td class="review rv-[a-z]+">([^<]+)</td>', text))


def test_without_a_store_there_is_no_status_column(page):
    text, _ = page
    assert 'id="review"' not in text and 'data-key="review"' not in text


def test_group_header_carries_court_date_and_judge_once(page):
    text, _ = page
    body = text[text.index('<tbody class="case" data-case="K-008"'):]
    body = body[:body.index("</tbody>")]
    head, rows = body.split("</tr>", 1)
    assert "судья J-0003" in head and "приговор от 15.09.2024" in head and "Суд &lt;В&gt; (Алматы)" in head
    visible_rows = re.sub(r'<tr class="cand"[^>]*>', "", rows[:rows.index('<tr class="drill">')])
    assert "15.09.2024" not in visible_rows and "Суд &lt;В&gt;" not in visible_rows
    assert re.search(r'<td class="case">K-008</td>', rows)  # case id kept, in a column that does not wrap
    assert re.search(r"td\.case[^{]*\{[^}]*white-space: nowrap", text) or ".nowrap, td.case" in text


def test_court_dropdown_lists_regions_and_their_courts(page):
    text, _ = page
    select = text[text.index('<select id="court">'):text.index("</select>", text.index('<select id="court">'))]
    values = [htmlmod.unescape(v) for v in re.findall(r'<option value="([^"]*)"', select)]
    assert values[0] == ""
    assert {"r:Шымкент", "r:Алматы", "r:Карагандинская область", f"c:{LONG_COURT}", "c:Суд <В>"} <= set(values)


def test_print_stylesheet_hides_the_controls_and_prints_a4(page):
    text, _ = page
    css = text[text.index("@media print"):]
    assert "size: A4" in css
    assert re.search(r"\.controls[^{]*\{\s*display: none", css)
    assert "::details-content" in css  # closed drill-downs print expanded


def test_kazakh_page():
    """`--lang kk`: the page declares Kazakh and its own words are Kazakh (catalogue compiled from kk/html.po)."""
    i18n.set_language("kk")
    try:
        text, _ = render()
    finally:
        i18n.set_language("ru")
    assert '<html lang="kk">' in text
    page_text = htmlmod.unescape(text)
    po = parse_po(ROOT / "src/legality/locale/kk/html.po")
    for ru in ("Нарушения по судам", "Подробно: приговор, обоснование, проект ходатайства",
               "Скачать проект ходатайства (.docx)", "Порядок дел:"):
        assert po[ru] in page_text, ru
        assert ru not in page_text, ru


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a plain PO fragment (single-line and continued strings)."""
    out: dict[str, str] = {}
    cur = None
    buf: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        m = re.match(r'(msgid|msgstr) "(.*)"$', line)
        if m:
            if m.group(1) == "msgid" and "msgid" in buf and "msgstr" in buf:
                out[_unq(buf["msgid"])] = _unq(buf["msgstr"])
                buf = {}
            cur = m.group(1)
            buf[cur] = m.group(2)
        elif line.startswith('"') and cur:
            buf[cur] += line[1:-1]
        elif not line:
            cur = None
    if "msgid" in buf and "msgstr" in buf:
        out[_unq(buf["msgid"])] = _unq(buf["msgstr"])
    out.pop("", None)
    return out


def _unq(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def template_msgids() -> set[str]:
    """Every `_("…")` / `N_("…")` of the HTML formatter and its template."""
    ids: set[str] = set()
    for rel in ("src/legality/report/html.py", "src/legality/templates/report.html.j2"):
        src = (ROOT / rel).read_text(encoding="utf-8")
        ids |= {a or b for a, b in re.findall(r"""\bN?_\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\)""", src)}
    return ids


def test_every_text_of_the_page_has_a_kazakh_translation():
    po = parse_po(ROOT / "src/legality/locale/kk/html.po")
    missing = sorted(m for m in template_msgids() if not po.get(m))
    assert missing == []
    ph = re.compile(r"\{(\w+)\}")
    wrong = [m for m in template_msgids() if set(ph.findall(m)) != set(ph.findall(po[m]))]
    assert wrong == []


def test_no_identifier_in_the_visible_text_of_the_fake_page(page):
    """Rule ids live only in data-* attributes (sorting, filtering); the text a prosecutor reads has none."""
    text, _ = page
    body = text[text.index("<body>"):text.index("<script>")]
    visible = htmlmod.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'href="[^"]*"', "", body)))
    for rule in RULES:
        assert rule.id not in visible
    assert "E501" not in visible and "fingerprint" not in visible


def test_the_page_is_the_same_bytes_at_another_time(page, monkeypatch):
    """No format holds a timestamp: the embedded drafts' zip entries are dated 1980-01-01, so a
    report written a second (or a year) later is byte-identical."""
    import time
    import zipfile

    monkeypatch.setattr(zipfile.time, "localtime", lambda *a: time.struct_time((2031, 5, 6, 7, 8, 9, 0, 126, 0)))
    assert render()[0] == page[0]


def test_a_record_the_engine_failed_on_is_shown_without_its_code():
    """A fault reads as words («проверка записи не завершена: …»), never as its code (E501)."""
    raws = [RawRecord("b.jsonl", 1, orjson.dumps(record("boom-1", years=2)))]
    text, summary = render(raws)
    assert summary.partial == 1
    body = text[text.index('<tbody class="case" data-case="boom-1"'):]
    body = body[:body.index("</tbody>")]
    assert "проверка записи не завершена: внутренняя ошибка при проверке записи" in body
    assert "E501" not in body and '<details class="case">' not in body  # nothing to drill into
