"""The protest draft as a court receives it: the .docx read back (page, fonts, footer field, words), ru and kk,
one case and the batch from the store.

Why read back: the review found US Letter paper, fact names and «4 г..» only by opening the file; these
tests open it the same way (python-docx) and check what a prosecutor would see.
"""

from __future__ import annotations

import os
import re
import shutil

import docx
import orjson
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH

from legality.cli import main
from legality.engine import Engine
from legality.report.protest import BLANK, draft_docx_bytes, protest_context
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR

RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
PLANTED = FIXTURES_DIR / "verdicts" / "planted"
F01, F03, F05 = (str(PLANTED / f) for f in ("f01.jsonl", "f03.jsonl", "f05.jsonl"))


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--rules", RULES], catch_exceptions=False)


@pytest.fixture(scope="module")
def banned():
    """Rule ids and fact names: never in a document for the court."""
    prog = Engine.load(RULES)._program
    return set(prog.rules) | {n for n in prog.facts if "_" in n}


def text_of(d) -> str:
    return "\n".join(p.text for p in d.paragraphs)


def check_page(d, lang: str) -> None:
    sec = d.sections[0]
    assert (sec.page_width.twips, sec.page_height.twips) == (11906, 16838)  # A4
    for side, mm in (("left", 30), ("right", 15), ("top", 20), ("bottom", 20)):
        assert abs(getattr(sec, f"{side}_margin").mm - mm) < 0.1, side
    normal = d.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    pf = normal.paragraph_format
    assert pf.line_spacing == 1.5 and abs(pf.first_line_indent.cm - 1.25) < 0.01
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    footer_xml = sec.footer._element.xml
    assert "w:fldChar" in footer_xml and re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer_xml)
    assert (f'w:val="{"kk-KZ" if lang == "kk" else "ru-RU"}"') in normal.element.xml
    props = d.core_properties
    assert "python-docx" not in f"{props.author} {props.comments}" and props.created.year >= 2026


def check_words(text: str, banned: set[str]) -> None:
    assert ".." not in text.replace("...", "")
    found = set(re.findall(r"[a-z][a-z0-9_-]+", text))
    assert not (found & banned), found & banned
    assert not re.search(r"\d г\.|мес\.|-кратн|\bmrp\b|\bmedium\b|\bhigh\b", text)


def test_one_case_docx_ru(tmp_path, banned):
    out = tmp_path / "draft.docx"
    r = run("protest", F03, "--case", "2022-0560-34", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert "(1 нарушение)" in r.stderr
    d = docx.Document(str(out))
    check_page(d, "ru")
    text = text_of(d)
    check_words(text, banned)
    assert "В судебную коллегию по уголовным делам Алматинского городского суда" in text
    assert "предусмотренного ч.3 ст.188 УК РК (покушение)" in text
    assert "лишение свободы на срок 5 (пять) лет 6 (шесть) месяцев" in text
    assert "снизить назначенное по ч.3 ст.188 УК РК наказание до 5 (пяти) лет 3 (трёх) месяцев в пределах санкции" in text
    assert "редакция правил от " in text and "Дата составления проекта: " in text
    # the findings' facts by their labels, never by name
    assert "максимум санкции для назначенного вида: 7 лет" in text


def test_one_case_docx_kk(tmp_path, banned):
    out = tmp_path / "draft.docx"
    r = run("protest", F03, "--case", "2022-0560-34", "-o", str(out), "--lang", "kk")
    assert r.exit_code == 0, r.stderr
    d = docx.Document(str(out))
    check_page(d, "kk")
    text = text_of(d)
    check_words(text, banned)
    assert "Алматы қалалық" in text  # the addressee in Kazakh


def test_markdown_has_the_same_findings_in_order_of_gravity(tmp_path):
    r = run("protest", F05, "--case", "2022-0600-26")
    assert r.exit_code == 0, r.stderr
    assert "Прежние судимости" in r.stdout and "15.03.2016" in r.stdout
    assert "Шымкентского городского суда" in r.stdout


def test_pdf_without_libreoffice_and_other_extensions_exit_2(tmp_path):
    r = run("protest", F01, "--case", "2022-0520-57", "-o", str(tmp_path / "x.txt"))
    assert r.exit_code == 2 and ".md" in r.stderr and ".docx" in r.stderr and ".pdf" in r.stderr
    assert not (tmp_path / "x.txt").exists()
    r = run("protest", F01, "--case", "2022-0520-57", "-o", str(tmp_path / "x.pdf"))
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert r.exit_code == 0 and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    else:
        assert r.exit_code == 2 and "LibreOffice" in r.stderr and not (tmp_path / "x.pdf").exists()


def test_unknown_region_leaves_a_marked_blank():
    ctx = protest_context({"case_id": "X-1", "court": "Суд", "region": "Марс", "verdict_date": "01.02.2023",
                           "person_id": "P-1", "offences": [], "final_sentence": "штраф"}, [],
                          edition="редакция правил от 02.12.2026", drafted="02.12.2026")
    assert BLANK in ctx["addressee"] and "укажите" in ctx["addressee"] and not ctx["addressee_complete"]


def test_several_articles_are_plural_and_one_is_singular():
    v = {"case_id": "X-1", "court": "Суд", "region": "Алматы", "verdict_date": "01.02.2023", "person_id": "P-1",
         "final_sentence": "лишение свободы на срок 2 года",
         "offences": [{"id": "1", "text": "ч.2 ст.188 УК РК", "committed_on": "01.01.2023", "sentence": "—"},
                      {"id": "2", "text": "ч.1 ст.190 УК РК", "committed_on": "02.01.2023", "sentence": "—"}]}
    ctx = protest_context(v, [], edition="e", drafted="d", lang="ru")
    assert "уголовных правонарушений, предусмотренных ч.2 ст.188, ч.1 ст.190 УК РК" in ctx["intro"]
    v["offences"] = v["offences"][:1]
    assert "уголовного правонарушения, предусмотренного ч.2 ст.188 УК РК" in protest_context(
        v, [], edition="e", drafted="d", lang="ru")["intro"]


def test_draft_docx_bytes_from_a_report_line(tmp_path, banned):
    """What the HTML report has: the verdict particulars and the report line's candidates as JSON."""
    from legality.io.reader import read_records
    from legality.report.verdict_text import verdict_particulars

    engine = Engine.load(RULES)
    item = next(i for i in read_records([F01]) if i.case_id == "2022-0520-57")
    line = [orjson.loads(orjson.dumps(c.to_json())) for c in engine.evaluate(item.verdict).candidates]
    data = draft_docx_bytes(verdict_particulars(item.verdict), line, lang="ru")
    path = tmp_path / "d.docx"
    path.write_bytes(data)
    d = docx.Document(str(path))
    check_page(d, "ru")
    check_words(text_of(d), banned)
    assert "снизить назначенное по ч.2 ст.188 УК РК наказание до 5 (пяти) лет" in text_of(d)


def test_batch_drafts_every_confirmed_case_and_lists_the_missing(tmp_path, banned, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEGALITY_REVIEWER", "тест")
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["scan", F01, F03, F05, "--db", db, "-f", "jsonl", "-o", str(tmp_path / "r.jsonl"),
                                  "--rules", RULES], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.stderr
    lines = [orjson.loads(x) for x in (tmp_path / "r.jsonl").read_bytes().splitlines()]
    fps = {x["case_id"]: x["candidates"][0]["fingerprint"] for x in lines if x.get("candidates")}
    chosen = ["2022-0520-57", "2022-0560-34", "2022-0600-26"]
    for case in chosen:
        r = CliRunner().invoke(main, ["review", "confirm", fps[case], "--db", db], catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
    out = tmp_path / "drafts"
    r = run("protest", "--db", db, "--status", "confirmed", "-o", str(out) + "/", F01, F03, F05)
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{c}.docx" for c in chosen)
    assert "3 дела" in r.stderr and "не составлено: 0 дел" in r.stderr
    for p in out.iterdir():
        d = docx.Document(str(p))
        check_page(d, "ru")
        check_words(text_of(d), banned)
    # a case whose record is not among the inputs is listed, and the exit code says so
    out2 = tmp_path / "drafts2"
    r = run("protest", "--db", db, "-o", str(out2), F01)
    assert r.exit_code == 1
    assert "2022-0560-34" in r.stderr and "запись не найдена" in r.stderr
    assert "1 дело" in r.stderr and "не составлено: 2 дела" in r.stderr
    assert [p.name for p in out2.iterdir()] == ["2022-0520-57.docx"]


@pytest.mark.parametrize("region,ru,kk", [
    ("Алматы", "Алматинского городского суда", "Алматы қалалық"),
    ("г. Алматы", "Алматинского городского суда", "Алматы қалалық"),
    ("Астана", "Астанинского городского суда", "Астана қалалық"),
    ("Карагандинская обл.", "Карагандинского областного суда", "Қарағанды облыстық"),
    ("Восточно-Казахстанская область", "Восточно-Казахстанского областного суда", "Шығыс Қазақстан облыстық"),
])
def test_appellate_court_of_a_region(region, ru, kk):
    from legality.report.protest import appellate_court

    assert appellate_court(region, "ru") == ru and appellate_court(region, "kk") == kk


def test_a_finding_without_a_lawful_value_asks_for_retrial_and_hides_unlabelled_facts():
    v = {"case_id": "X-1", "court": "Суд", "region": "Астана", "verdict_date": "01.02.2023", "person_id": "P-1",
         "final_sentence": "лишение свободы на срок 2 года",
         "offences": [{"id": "1", "text": "ч.2 ст.188 УК РК", "committed_on": "01.01.2023", "sentence": "—"}]}
    cands = [
        {"rule": "a", "severity": "low", "title": "Лёгкое", "message": "Первое", "citations": [], "offence": "1",
         "actual": None, "allowed": {"max": {"years": 1}}, "facts": {"hidden_name": True}},
        {"rule": "b", "severity": "high", "title": "Тяжёлое", "message": "Второе.", "citations": [], "offence": None,
         "actual": None, "allowed": None, "facts": {"other_name": 3}},
    ]
    ctx = protest_context(v, cands, edition="e", drafted="d", lang="ru", labels={"other_name": "число эпизодов"})
    assert ctx["request"] == "retrial" and "отменить" in ctx["request_lines"][0]
    assert [f["title"] for f in ctx["findings"]] == ["Тяжёлое", "Лёгкое"]       # by gravity
    assert ctx["findings"][0]["facts"] == [("число эпизодов", "3")]
    assert ctx["findings"][1]["facts"] == []                                  # no label: never the name
    assert ctx["findings"][1]["message"] == "Первое." and ctx["findings"][0]["message"] == "Второе."
