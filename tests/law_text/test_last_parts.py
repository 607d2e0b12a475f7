"""The parts of the 2020 text the first import refused, read without guessing (engineer H7).

Why each test quotes the Code: these are the places where the catalogue had to decide how to hold a sanction
(the death penalty as a kind, a ban «от пяти лет до … пожизненно», two sanctions in one provision); the test pins
the decision to the text read from ../shared/law/code/uk-rk-2020-ru.md, copied below as the fixture.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from legality.commands.law_import import import_cmd
from legality.law.catalogue import Catalogue
from legality.law.schema import AdditionalSpec, PrincipalSpec
from legality.law.text.readings import ReadingsDisagree, agreed_sanction
from legality.law.text.sanction_parser import parse_sanction
from legality.model.enums import PenaltyKind
from legality.model.values import ArticleRef, Term

HERE = Path(__file__).resolve().parent
CODE_TEXT = Path("/work/shared/law/code/uk-rk-2020-ru.md")
if not CODE_TEXT.exists():
    CODE_TEXT = HERE.parents[2] / "shared" / "law" / "code" / "uk-rk-2020-ru.md"
ARTICLES = ("160", "238", "266", "427", "437")


def _excerpt() -> str:
    """The Special Part heading and the articles above, as the Code prints them (markdown layout)."""
    if not CODE_TEXT.exists():
        pytest.skip("the Code's text (../shared/law/code/uk-rk-2020-ru.md) is not available")
    text = CODE_TEXT.read_text(encoding="utf-8")
    special = text[text.index("## ОСОБЕННАЯ ЧАСТЬ"):]
    out = ["## ОСОБЕННАЯ ЧАСТЬ", ""]
    for art in ARTICLES:
        m = re.search(rf"^#### Статья {art}\.", special, re.M)
        assert m, art
        end = re.search(r"^#### Статья ", special[m.end():], re.M)
        assert end
        out.append(special[m.start(): m.end() + end.start()])
    return "\n".join(out)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    src = tmp_path_factory.mktemp("text") / "excerpt.md"
    src.write_text(_excerpt(), encoding="utf-8")
    out = tmp_path_factory.mktemp("law")
    r = CliRunner().invoke(import_cmd, [str(src), "--edition-date", "2020-01-15", "--out", str(out),
                                        "--format", "json"])
    assert r.exit_code == 0, r.output
    return out, Catalogue.load(out), json.loads(r.output)


ON = date(2019, 6, 1)


def test_every_part_of_the_refused_articles_now_has_an_entry(catalogue):
    _, _, report = catalogue
    cov = report["coverage"]
    assert cov["failures"] == []
    assert cov["parts"] == cov["parts_parsed"] == 14  # 160: 2, 238: 2, 266: 3, 427: 1, 437: 6


def test_death_penalty_is_a_principal_kind_most_severe_and_especially_grave(catalogue):
    _, cat, _ = catalogue
    # ст.160 ч.2: «…либо пожизненным лишением свободы с лишением гражданства … или без такового, либо смертной казнью.»
    lk = cat.sanction(ArticleRef("160", 2), ON)
    assert lk.found and lk.sanction is not None
    s = lk.sanction
    assert PenaltyKind.death_penalty in s.kinds() and s.most_severe() == PenaltyKind.death_penalty
    assert s.category.value == "especially_grave"  # ст.11 ч.5 «…пожизненного лишения свободы или смертной казни»
    with pytest.raises(ValueError, match="death_penalty"):
        PrincipalSpec(kind="death_penalty", max={"years": 1})


def test_ban_from_five_years_up_to_lifelong_prohibition(catalogue):
    _, cat, _ = catalogue
    # ст.238 ч.2: «…с лишением права … на срок от пяти лет до установления запрета … пожизненно.»
    s = cat.sanction(ArticleRef("238", 2), ON).sanction
    assert s is not None
    assert s.additional_min("ban_on_office") == Term(5, 0, 0)
    assert s.additional_max("ban_on_office") is None      # no upper term: ban-term-above-sanction stays silent
    assert s.additional_lifelong("ban_on_office") is False  # not a lifelong-only ban: mandatory-ban rules ask no more
    (ban,) = s.additional_of("ban_on_office")
    assert ban.lifelong_allowed and ban.mandatory


def test_ban_with_a_lower_limit_reaches_the_rules(catalogue):
    _, cat, _ = catalogue
    # ст.266 ч.3: «…с лишением права … на срок от семи до десяти лет»
    s = cat.sanction(ArticleRef("266", 3), ON).sanction
    assert s is not None
    assert (s.additional_min("ban_on_office"), s.additional_max("ban_on_office")) == (Term(7, 0, 0), Term(10, 0, 0))
    assert cat.sanction(ArticleRef("266", 1), ON).sanction.additional_min("ban_on_office") is None


def test_aggravated_sanction_of_437_3_holds_what_both_readings_agree_on(catalogue):
    out, cat, _ = catalogue
    # «наказываются лишением свободы на срок от пяти до пятнадцати лет, а при отягчающих обстоятельствах – от десяти
    # до двадцати лет либо пожизненным лишением свободы.»
    s = cat.sanction(ArticleRef("437", 3), ON).sanction
    assert s is not None
    assert (s.min_of("imprisonment"), s.max_of("imprisonment")) == (Term(5, 0, 0), Term(20, 0, 0))
    assert PenaltyKind.life_imprisonment in s.kinds()
    assert s.category.value == "especially_grave"
    entry = next(e for e in yaml.safe_load((out / "sanctions" / "437.yaml").read_text(encoding="utf-8"))["entries"]
                 if e["part"] == 3)
    assert "при отягчающих" in entry["notes"] and "незаконное по любой из них" in entry["notes"]


def test_two_paragraphs_of_427_give_one_entry_with_the_looser_bound(catalogue):
    out, cat, _ = catalogue
    # «…наказывается лишением свободы на срок до двух лет.» / «…наказывается лишением свободы на срок до одного года.»
    s = cat.sanction(ArticleRef("427", None), ON).sanction
    assert s is not None and s.max_of("imprisonment") == Term(2, 0, 0) and s.category.value == "minor"
    art = yaml.safe_load((out / "sanctions" / "427.yaml").read_text(encoding="utf-8"))
    assert len(art["entries"]) == 1 and "абзац" in art["entries"][0]["notes"]


def test_readings_that_differ_in_category_are_refused():
    two = parse_sanction("наказывается лишением свободы на срок до двух лет.")
    six = parse_sanction("наказывается лишением свободы на срок до шести лет.")
    with pytest.raises(ReadingsDisagree, match="категории"):
        agreed_sanction([two, six])


def test_an_additional_penalty_in_one_reading_only_is_optional_in_the_agreed_entry():
    a = parse_sanction("наказывается лишением свободы на срок до двух лет с конфискацией имущества.")
    b = parse_sanction("наказывается лишением свободы на срок от одного года до двух лет.")
    got = agreed_sanction([a, b])
    assert got["principal"] == [{"kind": "imprisonment", "min": None, "max": {"years": 2, "months": 0}}]
    assert got["additional"] == [{"kind": "confiscation", "mandatory": False}]


def test_lifelong_allowed_excludes_an_upper_term_and_needs_nothing_above_min():
    AdditionalSpec(kind="ban_on_office", mandatory=True, min={"years": 5}, lifelong_allowed=True)
    with pytest.raises(ValueError):
        AdditionalSpec(kind="ban_on_office", mandatory=True, min={"years": 5}, max={"years": 10},
                       lifelong_allowed=True)
    with pytest.raises(ValueError):
        AdditionalSpec(kind="ban_on_office", mandatory=True, min={"years": 5})  # a min alone: no upper limit read


def test_a_death_sentence_is_a_valid_export_record_and_in_the_schema():
    from legality.cli import main

    base = HERE.parents[1] / "rules" / "tests" / "base" / "h-death-255-4.json"
    r = CliRunner().invoke(main, ["validate", str(base)])
    assert r.exit_code == 0, r.output
    schema = CliRunner().invoke(main, ["schema"])
    assert schema.exit_code == 0 and '"death_penalty"' in schema.output
