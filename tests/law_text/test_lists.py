"""The ст.3 lists read from the text equal the values once typed by hand; the catalogue defines each once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from legality.law.catalogue import Catalogue
from legality.law.text.lists import ListError, parse_article_list, read_lists
from legality.law.text.reader import read_code
from legality.resources import LAW_DIR

HERE = Path(__file__).resolve().parent
CODE_TEXT = Path("/work/shared/law/code/uk-rk-2020-ru.md")
if not CODE_TEXT.exists():
    CODE_TEXT = HERE.parents[2] / "shared" / "law" / "code" / "uk-rk-2020-ru.md"

# as typed by hand in rules/law/general/liability.yaml at git HEAD 5a3b896, before they were read from the text
HAND_TYPED = {
    "corruption.list": ["189.3.2", "190.3.2", "218.3.1", "234.3.1", "249.3.2", "361", "362.4.3", "364", "365", "366",
                        "367", "368", "369", "370", "450", "451.2.2", "452"],
    "terrorist.articles": ["170", "171", "173", "177", "178", "184", "255", "256", "257", "258", "259", "260", "261",
                           "269", "270"],
    "extremist.articles": ["174", "179", "180", "181", "182", "184", "258", "259", "260", "267", "404.2", "404.3",
                           "405"],
    "sexual_minors.articles": ["120", "121", "122", "123", "124"],
}


@pytest.fixture(scope="module")
def lists():
    if not CODE_TEXT.exists():
        pytest.skip("the Code's text (../shared/law/code/uk-rk-2020-ru.md) is not available")
    return {x.name: x for x in read_lists(read_code(CODE_TEXT.read_text(encoding="utf-8")))}


def test_lists_read_from_the_text_equal_the_hand_typed(lists):
    assert {k: v.value for k, v in lists.items()} == HAND_TYPED
    assert lists["corruption.list"].item == "29" and lists["extremist.articles"].item == "39"
    assert lists["corruption.list"].verified_from == date(2019, 12, 27)


def test_parse_article_list_shapes():
    text = ("деяния, предусмотренные статьями 189 (пунктом 2) части третьей), 361, 404 (частями второй и третьей), "
            "120 (изнасилование) и 452 настоящего Кодекса;")
    assert parse_article_list(text) == ["189.3.2", "361", "404.2", "404.3", "120", "452"]
    with pytest.raises(ListError):
        parse_article_list("деяния, предусмотренные главой 5 настоящего Кодекса")
    with pytest.raises(ListError):
        parse_article_list("деяния, предусмотренные статьями 189 (абзацем вторым части третьей) настоящего Кодекса")


def test_catalogue_defines_each_list_once_from_the_generated_file():
    gen = yaml.safe_load((LAW_DIR / "general" / "from-text.yaml").read_text(encoding="utf-8"))
    liability = yaml.safe_load((LAW_DIR / "general" / "liability.yaml").read_text(encoding="utf-8"))
    for name, value in HAND_TYPED.items():
        assert name not in liability["params"]
        assert gen["params"][name]["editions"][0]["value"] == value
    cat = Catalogue.load()
    assert cat.param("corruption.list", date(2020, 1, 1)).value == frozenset(HAND_TYPED["corruption.list"])
    assert cat.param_spec("extremist.articles").citation is not None
