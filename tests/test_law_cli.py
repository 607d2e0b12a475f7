"""`legality law show / status / diff`: what a user sees of the catalogue, and the exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.resources import LAW_DIR


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["law", *args])
    return r.exit_code, r.stdout, r.stderr


def test_law_group_lists_its_commands():
    code, out, _ = run("--help")
    assert code == 0
    for sub in ("show", "status", "diff", "import"):
        assert sub in out


def test_show_json_has_the_issue_shape():
    code, out, _ = run("show", "188", "--part", "2", "--on", "2019-06-01", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert {k: d[k] for k in ("article", "part", "item", "on", "category", "corruption")} == {
        "article": "188", "part": 2, "item": None, "on": "2019-06-01", "category": "medium", "corruption": False}
    assert {"kind": "fine", "min": None, "max": {"mrp": 3000}} in d["principal"]
    assert {"kind": "imprisonment", "min": None, "max": {"years": 5, "months": 0}} in d["principal"]
    assert d["additional"] == [{"kind": "confiscation", "mandatory": True, "term": None}]
    assert d["edition"]["valid_from"] == "2015-01-01" and d["edition"]["verified"] is True
    assert set(d["edition"]) >= {"name", "source", "current_edition_verified"}


def test_show_json_terms_of_additional_penalties():
    _, out, _ = run("show", "120", "--part", "3", "--on", "2021-06-01", "--format", "json")
    assert json.loads(out)["additional"] == [{"kind": "ban_on_office", "mandatory": False, "term": {"years": 10}}]
    _, out, _ = run("show", "120", "--part", "4", "--on", "2021-06-01", "--format", "json")
    assert json.loads(out)["additional"][0]["term"] == "lifelong"
    principal = json.loads(out)["principal"]
    assert {"kind": "life_imprisonment", "min": None, "max": None} in principal


def test_show_text_is_russian_and_names_the_edition():
    code, out, _ = run("show", "188", "--part", "1", "--on", "2019-06-01")
    assert code == 0
    assert out.startswith("ч.1 ст.188 УК РК «Кража»")
    assert "основные наказания" in out and "лишение свободы: не более 3 лет" in out
    assert "_" not in out  # no code identifiers in human text


def test_show_text_in_kazakh_cites_the_article_in_kazakh():
    """The heading was «ч.1 ст.188 ҚР ҚК»: the Russian form of the citation with the Kazakh name of the Code."""
    r = CliRunner().invoke(main, ["--lang", "kk", "law", "show", "188", "--part", "1", "--on", "2019-06-01"])
    assert r.exit_code == 0
    assert r.stdout.startswith("ҚР ҚК 188-бабының 1-бөлігі «Кража»"), r.stdout
    assert " ст." not in r.stdout and "ч.1" not in r.stdout


def test_show_without_part_prints_every_part_in_the_codes_order_one_json_object_a_line():
    code, out, _ = run("show", "120", "--on", "2021-06-01", "--format", "json")
    assert code == 0
    parts = [json.loads(line)["part"] for line in out.splitlines()]
    assert parts == [1, 2, 3, "3-1", "3-2", 4]


def test_show_a_subpart():
    code, out, _ = run("show", "120", "--part", "3-1", "--on", "2021-06-01", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["part"] == "3-1" and d["principal"][0]["max"] == {"years": 17, "months": 0}
    assert d["additional"] == [{"kind": "ban_on_office", "mandatory": True, "term": "lifelong"}]
    code, out, _ = run("show", "120", "--part", "3-1", "--on", "2021-06-01")
    assert code == 0 and out.startswith("ч.3-1 ст.120 УК РК")


def test_show_inside_an_entry_into_force_window_says_which_reading_was_taken():
    code, out, _ = run("show", "120", "--part", "3-1", "--on", "2020-01-20", "--format", "json")
    assert code == 0
    e = json.loads(out)["edition"]
    assert e["window"] is True and e["current_edition_verified"] is False
    assert "обе редакции совпадают" in e["note"]


@pytest.mark.parametrize("args", [["999"], ["188", "--part", "9"], ["188", "--part", "x"], ["ст.188"],
                                  ["188", "--on", "2019-13-01"]])
def test_show_unknown_or_malformed_is_exit_2(args):
    code, _, err = run("show", *args)
    assert code == 2 and err


def test_show_before_the_code_took_effect_says_so():
    code, _, err = run("show", "188", "--part", "1", "--on", "2014-12-31")
    assert code == 2 and "до введения в действие УК РК 2014 года" in err


def test_status_counts_and_what_is_not_checked():
    code, out, _ = run("status", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["newest_edition"] == "2020-01-15"
    assert d["articles"] >= 38 and d["parts"] >= d["parts_in_force"] > 120
    assert {"108", "109"} <= set(d["repealed"])
    assert isinstance(d["unverified"], list) and isinstance(d["ended"], list)
    assert any(w.startswith("ч.3-1 ст.120:") for w in d["windows"])
    code, out, _ = run("status")
    assert code == 0 and "Новейшая редакция текста в каталоге: по 15.01.2020" in out
    assert "Исключённые статьи: " in out and "108" in out


def test_status_names_unverified_entries(tmp_path):
    law = tmp_path / "law"
    (law / "sanctions").mkdir(parents=True)
    (law / "sanctions" / "500.yaml").write_text(
        "article: '500'\ntitle: Проба\nsource: s\nedition: e\nverified_until: 2020-01-15\nentries:\n"
        "  - {part: 1, summary: x, category: minor, valid_from: 2015-01-01, verified: false,\n"
        "     principal: [{kind: fine, max: 100}]}\n", encoding="utf-8")
    code, out, _ = run("status", "--law", str(law))
    assert code == 0 and "Не сверено с текстом Кодекса: ч.1 ст.500." in out


def test_status_of_an_unreadable_catalogue_is_exit_2(tmp_path):
    (tmp_path / "x.yaml").write_text("article: [", encoding="utf-8")
    code, _, err = run("status", "--law", str(tmp_path))
    assert code == 2 and "каталог законов не читается" in err


@pytest.fixture
def two_catalogues(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(LAW_DIR, a)
    shutil.copytree(LAW_DIR, b)
    f = b / "sanctions" / "188.yaml"
    text = f.read_text(encoding="utf-8")
    # ч.1: imprisonment up to 3 years → up to 2 years
    i = text.index("- part: 1")
    j = text.index("- part: 2", i)
    part1 = text[i:j]
    k = part1.index("kind: imprisonment")
    changed = part1[:k] + part1[k:].replace("years: 3", "years: 2", 1)
    assert changed != part1
    f.write_text(text[:i] + changed + text[j:], encoding="utf-8")
    return a, b


def test_diff_of_two_folders_names_the_change_and_who_reads_it(two_catalogues):
    a, b = two_catalogues
    code, out, _ = run("diff", str(a), str(b), "--format", "json")
    assert code == 0
    d = json.loads(out)
    (c,) = d["changes"]
    assert c["ref"] == "ч.1 ст.188" and c["change"] == "changed"
    assert any("не более 3 лет" in x for x in c["before"]) and any("не более 2 лет" in x for x in c["after"])
    assert "sanction-max-exceeded" in d["rules"]
    assert any("sanction.yaml" in t for t in d["rule_tests"]["ч.1 ст.188"])
    code, out, _ = run("diff", str(a), str(b))
    assert code == 0 and "ч.1 ст.188 УК РК — изменена" in out and "было:" in out and "стало:" in out


def test_diff_of_equal_folders(two_catalogues):
    a, _ = two_catalogues
    code, out, _ = run("diff", str(a), str(a))
    assert code == 0 and out.strip() == "Санкции не различаются."


def test_diff_of_a_text_needs_its_date(two_catalogues, tmp_path):
    a, _ = two_catalogues
    t = tmp_path / "code.md"
    t.write_text("#### Статья 188. Кража\n", encoding="utf-8")
    code, _, err = run("diff", str(t), str(a))
    assert code == 2 and "дата" in err


def test_diff_of_a_missing_path_is_exit_2(tmp_path):
    code, _, _ = run("diff", str(tmp_path / "nope"), str(tmp_path))
    assert code == 2


def _excerpt(tmp_path: Path, name: str, edit=None) -> Path:
    """Art. 187–188 of the 2020 text under their Part and chapter headings (what the reader needs)."""
    src = Path("/work/shared/law/code/uk-rk-2020-ru.md")
    if not src.is_file():
        pytest.skip("the Code's text is not in this checkout's shared folder")
    text = src.read_text(encoding="utf-8")
    body = text[text.index("#### Статья 187."):text.index("#### Статья 189.")]
    if edit:
        body = edit(body)
    p = tmp_path / name
    p.write_text("## ОСОБЕННАЯ ЧАСТЬ\n\n### Глава 6. УГОЛОВНЫЕ ПРАВОНАРУШЕНИЯ ПРОТИВ СОБСТВЕННОСТИ\n\n" + body,
                 encoding="utf-8")
    return p


def test_diff_of_two_texts(tmp_path):
    pytest.importorskip("legality.law.text.importer")
    a = _excerpt(tmp_path, "a.md")
    b = _excerpt(tmp_path, "b.md", lambda s: s.replace(
        "либоограничением свободы на срок до трех лет, либо лишением свободы на тот же срок",
        "либоограничением свободы на срок до двух лет, либо лишением свободы на тот же срок", 1))
    code, out, err = run("diff", str(a), str(b), "--date-a", "2020-01-15", "--date-b", "2024-01-01", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert [c["ref"] for c in d["changes"]] == ["ч.1 ст.188"]
    assert any("fixtures/" in f for f in d["fixtures"]["ч.1 ст.188"])


def test_a_text_not_in_utf8_is_one_russian_line_exit_2(tmp_path):
    """import and diff read a text of the Code: a wrong encoding names the byte, in Russian, not Python's codec text."""
    bad = tmp_path / "uk.txt"
    bad.write_bytes("Статья 188. Кража".encode("cp1251"))
    code, _, err = run("import", str(bad), "--edition-date", "2020-01-15", "--out", str(tmp_path / "law"))
    assert code == 2
    assert "не в кодировке UTF-8" in err and "codec" not in err
    assert not (tmp_path / "law").exists()
    code, _, err = run("diff", str(bad), str(LAW_DIR), "--date-a", "2020-01-15")
    assert code == 2
    assert "не в кодировке UTF-8" in err and "codec" not in err
