"""The reader cuts the Code's text where the Code cuts it, in the markdown copy and in plain text alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from legality.law.text.footnotes import article_footnote, earliest_in_force, parse_laws
from legality.law.text.reader import normalize_line, read_code

HERE = Path(__file__).resolve().parent
PLAIN = HERE / "plain" / "uk-rk-excerpt.txt"
CODE_TEXT = Path("/work/shared/law/code/uk-rk-2020-ru.md")
if not CODE_TEXT.exists():
    CODE_TEXT = HERE.parents[2] / "shared" / "law" / "code" / "uk-rk-2020-ru.md"


@pytest.fixture(scope="module")
def code():
    if not CODE_TEXT.exists():
        pytest.skip("the Code's text (../shared/law/code/uk-rk-2020-ru.md) is not available")
    return read_code(CODE_TEXT.read_text(encoding="utf-8"))


def _shape(art):
    return (art.number, art.title, art.chapter, art.special, art.repealed,
            [(p.number, p.text, [(i.number, i.text, i.repealed) for i in p.items], p.sanctions, p.repealed)
             for p in art.parts], art.notes, sorted(art.footnotes))


def test_special_part_articles_and_chapters(code):
    special = code.special_part()
    assert len(special) == 373
    assert special[0].number == "99" and special[-1].number == "466"
    assert code.articles["188"].chapter == 6 and code.articles["99"].chapter == 1
    assert code.articles["367"].chapter == 15
    assert not code.articles["11"].special and code.articles["11"].chapter is None


def test_parts_items_and_subparts(code):
    art = code.articles["120"]
    assert [p.number for p in art.parts] == ["1", "2", "3", "3-1", "3-2", "4"]
    p3 = art.parts[2]
    assert [i.number for i in p3.items] == ["1", "2", "3", "4", "5", "6"]
    assert [i.number for i in p3.items if i.repealed] == ["1", "3", "5"]
    assert p3.sanctions == ["наказываются лишением свободы на срок от двенадцати до пятнадцати лет с лишением права "
                            "занимать определенные должности или заниматься определенной деятельностью сроком на "
                            "десять лет или без такового."]
    assert art.parts[0].disposition.startswith("Изнасилование, то есть половое сношение")


def test_article_without_parts_and_with_two_sanctions(code):
    art = code.articles["427"]
    assert len(art.parts) == 1 and art.parts[0].number is None
    assert len(art.parts[0].sanctions) == 2  # reported by the import as a failure, never split by guess


def test_repealed_article_and_part(code):
    art = code.articles["108"]
    assert art.title == "Умышленное причинение легкого вреда здоровью"  # the body's heading, not the contents'
    assert art.repealed.startswith("исключена Законом РК от 03.07.2017 № 84-VI")
    assert art.parts == []
    repealed_parts = [(a.number, p.number) for a in code.special_part() for p in a.parts if p.repealed]
    assert len(repealed_parts) == 9


def test_numbered_notes_are_not_parts(code):
    with_notes = [a for a in code.special_part() if any(n.startswith("Примечания") for n in a.notes)]
    assert with_notes
    for art in with_notes:
        numbers = [p.number for p in art.parts]
        assert len(numbers) == len(set(numbers)), art.number  # «1.» of the notes did not start a second part 1
        assert any(n[:2] == "1." for n in art.notes)


def test_plain_text_reads_like_markdown(code):
    plain = read_code(PLAIN.read_text(encoding="utf-8"))
    assert sorted(plain.articles) == ["108", "120", "188", "188-1"]
    for number in plain.articles:
        assert _shape(plain.articles[number]) == _shape(code.articles[number])


def test_normalize_line():
    assert normalize_line("#### Статья\u00a0188. Кража") == "Статья 188. Кража"
    assert normalize_line("Пре\u00adзи\u00adдент  ") == "Президент"


def test_footnote_modes_and_dates(code):
    laws, restated, added = article_footnote(code.articles["339"].footnotes)
    assert [(x.number, x.restated) for x in laws] == [("180-VI", False), ("268-VI", True), ("292-VI", False)]
    assert [x.number for x in restated] == ["268-VI"] and added == []
    assert laws[0].in_force_after_days == 10
    assert earliest_in_force(laws[0]) == date(2018, 7, 23)

    laws, restated, added = article_footnote(code.articles["188-1"].footnotes)
    assert [x.number for x in added] == ["292-VI"] and restated == []

    # «Заголовок статьи N в редакции …» restates the heading only
    laws, restated, _ = article_footnote(code.articles["203"].footnotes)
    assert laws and restated == []


def test_exact_day_and_months_rules():
    law = parse_laws("Сноска. Статья 1 в редакции Закона РК от 25.12.2017 № 122-VI (вводится в действие с 01.01.2019).")[0]
    assert law.restated and law.in_force_from == date(2019, 1, 1) and earliest_in_force(law) == date(2019, 1, 1)
    law = parse_laws("исключен Законом РК от 28.12.2016 № 36-VI (вводится в действие по истечении двух месяцев после "
                     "дня его первого официального опубликования)")[0]
    assert law.in_force_after_days == 62 and earliest_in_force(law) == date(2017, 3, 1)  # 28.02 + 1 day
    glued = parse_laws("исключен Законом РК от 28.10.2019 №268-VІ (вводитсяв действие по истечении десяти "
                       "календарных дней после дня его первогоофициального опубликования)")[0]
    assert glued.number == "268-VI" and glued.in_force_after_days == 10
