"""The outline of the General Part (rules/law/outline/general.yaml) and lint W106 on General-Part citations.

Why: most of the pack's citations are of the General Part, which has no sanctions in the catalogue; the outline,
generated from the Code's text by `legality law import`, lets W106 check them.  The committed outline must be
what the generator makes of the Code's text (regenerated here when the text is at hand; otherwise it must at
least be in the generator's canonical form); a provision a later law added is recorded in a file of its own with
that law's edition, and is then accepted; `legality law show` shows an outlined article.
The messages of the lint are checked in tests/lint/{bad,good}/W106-general-part.legal (codes and places); here
the did-you-mean choices and the edition the hint names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from legality.cli import main
from legality.driver import run_stages
from legality.law import Catalogue
from legality.law.catalogue import CatalogueError
from legality.resources import LAW_DIR, RULES_DIR

OUTLINE = LAW_DIR / "outline" / "general.yaml"
CODE_TEXT = Path("/work/shared/law/code/uk-rk-2020-ru.md")
if not CODE_TEXT.exists():
    CODE_TEXT = Path(__file__).resolve().parents[2] / "shared" / "law" / "code" / "uk-rk-2020-ru.md"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


def _head() -> dict:
    return yaml.safe_load(OUTLINE.read_text(encoding="utf-8"))


def test_the_committed_outline_is_a_fresh_generation_from_the_code_text():
    """Regenerated from the Code's text with the edition the file names, it is byte for byte the same file."""
    from legality.law.text.outline import general_part, outline_yaml
    from legality.law.text.reader import read_code

    if not CODE_TEXT.exists():
        pytest.skip("the Code's text (../shared/law/code/uk-rk-2020-ru.md) is not available")
    head = _head()
    code = read_code(CODE_TEXT.read_text(encoding="utf-8"))
    fresh = outline_yaml(general_part(code), head["edition_date"], head["source"], head["edition"])
    assert fresh == OUTLINE.read_text(encoding="utf-8")


def test_the_committed_outline_is_in_the_generators_form():
    """Without the Code's text: the file is what the generator writes for the data it holds (no hand edit)."""
    from legality.law.text.outline import _Flow, outline_yaml

    head = _head()
    articles = []
    for a in head["articles"]:
        a = dict(a)
        for k in ("parts",):
            if k in a:
                a[k] = _Flow(a[k])
        if isinstance(a.get("items"), list):
            a["items"] = _Flow(a["items"])
        elif isinstance(a.get("items"), dict):
            a["items"] = {p: _Flow(xs) for p, xs in a["items"].items()}
        articles.append(a)
    assert outline_yaml(articles, head["edition_date"], head["source"], head["edition"]) == \
        OUTLINE.read_text(encoding="utf-8")


@pytest.mark.parametrize("article, parts", [
    ("1", [1, 2, 3]), ("3", []), ("46", [1, 2, 3, 4, 5, 6, 7]), ("50-1", [1, 2]), ("59", []),
    ("62", [1, 2, 3, "3-1", 4, 5, 6, 7]), ("81", list(range(1, 11))), ("98-2", []),
    ("188", None), ("98-3", None), ("0", None),
])
def test_the_catalogue_answers_the_parts_of_a_general_article(cat, article, parts):
    assert cat.general_parts(article) == parts


@pytest.mark.parametrize("article, part, points", [
    ("53", 1, list(range(1, 12))), ("53", 2, []), ("46", 5, [1, 2, 3, 4]), ("40", 2, [1, 2, "2-1", 3, 4, 5]),
    ("98-2", None, [1, 2, 3, 4, 5]), ("46", 9, None), ("188", 1, None),
])
def test_the_catalogue_answers_the_items_of_a_part(cat, article, part, points):
    assert cat.general_points(article, part) == points


def test_the_outline_spans_the_general_part_and_names_its_text(cat):
    arts = cat.general_articles()
    assert (arts[0], arts[-1], len(arts)) == ("1", "98-2", 101)
    a = cat.general_article("81")
    assert a.title == "Виды наказаний, назначаемых несовершеннолетним"
    assert "58-VI" in a.repealed_parts[9]
    assert (str(a.edition.edition_date), a.edition.source) == ("2020-01-15", _head()["source"])


def test_every_general_part_citation_of_the_pack_and_of_its_parameters_is_in_the_outline(cat):
    """The pack ends with 0 warnings because its citations exist, not because they go unchecked: each static
    citation of the General Part, and each citation of a General-Part parameter, is found in the outline."""
    u = run_stages(RULES_DIR, until="lint")
    assert not [d for d in u.diags if d.code == "W106"], [d.header() for d in u.diags if d.code == "W106"]
    cites = [c.ref for r in u.rules.values() for c in r.static_cites if c.act == "УК РК"]
    cites += [cat.param_spec(n).citation.ref for n in cat.param_names() if cat.param_spec(n).citation.act == "УК РК"]
    general = [ref for ref in cites if cat.general_article(ref.article) is not None]
    assert len(general) > 150
    for ref in general:
        if ref.part is not None:
            assert ref.part in cat.general_parts(ref.article), ref
        if ref.paragraph is not None:
            assert ref.paragraph in cat.general_points(ref.article, ref.part), ref


def _lint(tmp_path: Path, cites: str, catalogue: Catalogue | None = None) -> list:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "x.legal").write_text(f"""rule cites-x for offence {{
  title "Пример"
  severity low
  cite {cites}
  violation offence.part = 1
  message "Пример."
}}
""", encoding="utf-8")
    u = run_stages(d, catalogue=catalogue, until="lint")
    return [x for x in u.diags if x.code == "W106"]


@pytest.mark.parametrize("cite, choices", [
    ("УК РК ст.98-3", ['"УК РК ст.98"', '"УК РК ст.98-1"', '"УК РК ст.98-2"']),
    ("УК РК ст.53 ч.6", ['"УК РК ст.53 ч.1 п.6"']),
    ("УК РК ст.53 п.6", ['"УК РК ст.53 ч.1 п.6"']),
    ("УК РК ст.46 ч.4 п.3", ['"УК РК ст.46 ч.5 п.3"']),
    ("УК РК ст.3 ч.29", ['"УК РК ст.3 п.29"']),
    ("УК РК ст.46 ч.8", ["ч.1–7"]),
    ("УК РК ст.53 ч.1 п.12", ["п.1–11"]),
])
def test_a_wrong_general_citation_gets_its_did_you_mean(tmp_path, cite, choices):
    hits = _lint(tmp_path, f'"{cite}"')
    assert len(hits) == 1 and not hits[0].is_error
    for c in choices:
        assert c in hits[0].hint, hits[0].hint


@pytest.mark.parametrize("cite", ["УК РК ст.98-3", "УК РК ст.46 ч.8", "УК РК ст.53 ч.1 п.12"])
def test_a_provision_not_in_the_text_is_dated(tmp_path, cite):
    """Not in the outline: perhaps added by a later law — the message gives the text's date, the hint its edition."""
    (hit,) = _lint(tmp_path, f'"{cite}"')
    assert "15.01.2020" in hit.message
    assert _head()["edition"] in hit.hint and "rules/law/outline/" in hit.hint


LATER = """outline: general
edition: Закон РК от 01.02.2024 № 999-VII (пример)
source: https://adilet.zan.kz/rus/docs/Z2400000999
edition_date: 2024-02-01
articles:
  - article: '46'
    parts: [8]
  - article: '53'
    items:
      1: [12]
  - article: '98-3'
    title: Пример статьи, добавленной позже
"""


def test_a_provision_a_later_law_added_is_recorded_with_its_edition(tmp_path):
    """A file of its own, with the later law's edition and source, adds the provisions: they are then accepted,
    and each remembers the edition it comes from; the rest keeps the text's."""
    extra = tmp_path / "law"
    (extra / "outline").mkdir(parents=True)
    (extra / "outline" / "later.yaml").write_text(LATER, encoding="utf-8")
    cat = Catalogue.load(extra=[extra])
    cites = '"УК РК ст.46 ч.8", "УК РК ст.53 ч.1 п.12", "УК РК ст.98-3", "УК РК ст.46 ч.9"'
    hits = _lint(tmp_path, cites, cat)
    assert [h.span.column for h in hits] == [len('  cite "УК РК ст.46 ч.8", "УК РК ст.53 ч.1 п.12", "УК РК ст.98-3", ') + 1]
    assert "ч.1–8" in hits[0].hint
    a46 = cat.general_article("46")
    assert a46.origin[(8, None)].edition_date.year == 2024 and a46.origin[(7, None)].edition_date.year == 2020
    assert cat.general_article("98-3").edition.source.endswith("Z2400000999")
    assert cat.general_points("53", 1)[-1] == 12


@pytest.mark.parametrize("body, words", [
    ("  - article: '46'\n    items:\n      9: [1]\n", "items"),
    ("  - article: '98-4'\n    parts: [1]\n", "98-4"),
    ("  - article: '46'\n    parts: [0]\n", "parts"),
])
def test_a_broken_outline_file_is_e301_at_its_line(tmp_path, body, words):
    extra = tmp_path / "law"
    (extra / "outline").mkdir(parents=True)
    head = LATER.split("articles:")[0]
    (extra / "outline" / "later.yaml").write_text(head + "articles:\n" + body, encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        Catalogue.load(extra=[extra])
    (d,) = e.value.diagnostics
    assert d.code == "E301" and d.span.file.endswith("later.yaml") and d.span.line >= 6
    assert words in d.message


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["--lang", "ru", "law", *args])
    return r.exit_code, r.stdout, r.stderr


def test_law_show_shows_an_article_of_the_general_part():
    code, out, _ = run("show", "53", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["general_part"] and d["parts"][0] == {"part": 1, "items": list(range(1, 12))}
    assert d["edition"]["edition_date"] == "2020-01-15"
    code, out, _ = run("show", "53")
    assert code == 0 and "ч.1: п.1–11" in out and "15.01.2020" in out
    assert run("show", "53", "--part", "1", "--item", "6")[0] == 0
    assert run("show", "53", "--part", "1", "--item", "12")[0] == 2
    assert run("show", "46", "--part", "9")[0] == 2


def _excerpt(tmp_path: Path) -> Path:
    """Art. 52–53 of the General Part and Art. 187–188 of the Special Part of the 2020 text."""
    if not CODE_TEXT.exists():
        pytest.skip("the Code's text is not available")
    text = CODE_TEXT.read_text(encoding="utf-8")
    general = text[text.index("### Статья 52."):text.index("### Статья 54.")]
    special = text[text.index("#### Статья 187."):text.index("#### Статья 189.")]
    p = tmp_path / "code.md"
    p.write_text("# ОБЩАЯ ЧАСТЬ\n\n## РАЗДЕЛ 4. НАКАЗАНИЕ\n\n" + general + "## ОСОБЕННАЯ ЧАСТЬ\n\n"
                 "### Глава 6. УГОЛОВНЫЕ ПРАВОНАРУШЕНИЯ ПРОТИВ СОБСТВЕННОСТИ\n\n" + special, encoding="utf-8")
    return p


def test_law_import_writes_the_outline_and_keeps_one_from_a_later_text(tmp_path):
    text = _excerpt(tmp_path)
    out = tmp_path / "law"
    code, stdout, err = run("import", str(text), "--edition-date", "2020-01-15", "--out", str(out), "--format", "json")
    assert code == 0, err
    assert json.loads(stdout)["outline"] == {"articles": 2, "state": "written"}
    data = yaml.safe_load((out / "outline" / "general.yaml").read_text(encoding="utf-8"))
    assert [a["article"] for a in data["articles"]] == ["52", "53"]
    assert data["articles"][1]["items"] == {1: list(range(1, 12))}
    code, stdout, _ = run("import", str(text), "--edition-date", "2020-01-15", "--out", str(out), "--format", "json")
    assert json.loads(stdout)["outline"]["state"] == "unchanged"
    # an outline read in a later text (as if imported from a 2024 text) is not replaced by the 2020 one
    f = out / "outline" / "general.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("edition_date: 2020-01-15", "edition_date: 2024-01-01"),
                 encoding="utf-8")
    kept = f.read_bytes()
    code, stdout, _ = run("import", str(text), "--edition-date", "2020-01-15", "--out", str(out), "--format", "json")
    assert code == 0 and json.loads(stdout)["outline"]["state"] == "newer"
    assert f.read_bytes() == kept
