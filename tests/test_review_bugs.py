"""The usability review's bugs (`shared/reviews/ux-2026-12.md`, "Bugs" 1–14) that no other test pinned down.

Why a file of its own: each bug the review found is closed by a test named after it, so a regression
names the bug it brings back.  The bugs with a test elsewhere are listed here, so the whole list is
in one place:

  1  progress bar left on screen          test_terminal_table.py::test_the_progress_bar_is_gone_when_the_table_is_printed
  2  rules_version follows the cwd        test_resources.py::test_rules_version_is_the_content_only,
                                          ::test_scan_from_other_folders_gives_one_version_and_the_store_sees_records_unchanged
  3  raw keys and units, JSON in CSV      test_human_outputs.py (every output, every fixture),
                                          test_csv_columns.py::test_no_rule_id_fact_name_raw_code_or_json_in_any_cell
  4  fact identifiers in the draft        test_protest_docx.py (`banned`), test_human_outputs.py (protest-md/-docx)
  5  .docx on US Letter                   test_protest_docx.py::test_one_case_docx_ru (A4 in twips)
  6  «4 г..» in the draft                 test_protest_docx.py, test_human_outputs.py («..», «г.» after a number)
  7  court labels clipped in the HTML     test_html_report.py::test_court_labels_are_whole_and_wrapped_never_cut,
                                          test_report_html_browser.py::test_every_chart_label_lies_inside_its_svg
  8  -o x.xlsx / x.pdf under a wrong name test_xlsx_output_names.py, test_protest_docx.py::test_pdf_without_libreoffice_and_other_extensions_exit_2
  9  fmt --check / --write refusal        test_fmt.py::test_fmt_check_passes_on_the_shipped_rules_and_defaults_to_them,
                                          ::test_fmt_write_that_cannot_rewrite_exits_non_zero
  10 a crashed record counted clean       test_hardening_eval.py::test_a_faulted_record_without_candidates_is_partial_and_reported_without_all;
                                          its hint: test_bug10_a_unit_mismatch_is_hinted_with_same_unit below
  11 review list jsonl escapes non-ASCII  test_review_terminal.py::test_jsonl_is_readable_utf8
  12 duplicate rule id blames the old one test_dsl_diagnostics.py::test_a_duplicate_rule_id_is_blamed_on_the_new_rule
  13 plural agreement, «за небольшой тяжести»  below; one offence in the draft: test_protest_docx.py::test_several_articles_are_plural_and_one_is_singular
  14 imprisonment among the milder kinds  below
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from legality import words
from legality.cli import main
from support.compiled import violation_candidates

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def cli(*args: str):
    return CliRunner().invoke(main, ["--lang", "ru", *map(str, args)], catch_exceptions=False)


@cache
def violation_messages() -> list[tuple[str, str, str]]:
    """(test name, rule, message) of every candidate of every `violation` test of the shipped pack, in Russian.

    Why the rule tests and not the fixtures: every rule has a violation test, while the fixtures do not
    make every rule fire (the review's «за небольшой тяжести» came from `fine-below-min`, which none does).
    """
    return [(t.name, c.rule, c.message) for t, c in violation_candidates("ru")]


# ---- bug 13: plural agreement and the category's noun


# the stem a counted noun's forms start with → its lemma in `words/vocabulary.txt`
COUNTED = {"файл": "файл", "нарушени": "нарушение", "запис": "запись", "дел": "дело", "правил": "правило",
           "ошибк": "ошибка", "ошибок": "ошибка"}
COUNTED_RE = re.compile(r"(?<![\d,.])(?<!№ )(\d+) ((?:" + "|".join(COUNTED) + r")\w*)")  # «№ 1» is a name
# the genitive only where the words before ask for it («из 34 файлов»); «(34 файлов)» is wrong
GENITIVE_BEFORE = re.compile(r"\b(?:из|от|до|около|более|менее|без|для|свыше)\s*$")


def agreement_errors(text: str) -> list[str]:
    """Every «N noun» of the counted nouns whose form is not the one `words.count` gives for N."""
    bad = []
    for m in COUNTED_RE.finditer(text):
        n, noun = int(m.group(1)), m.group(2)
        lemma = next(COUNTED[stem] for stem in sorted(COUNTED, key=len, reverse=True) if noun.startswith(stem))
        case = "gen" if GENITIVE_BEFORE.search(text[:m.start()]) else "nom"
        expected = words.count(n, lemma, lang="ru", case=case)
        if m.group(0) != expected:
            bad.append(f"«{m.group(0)}» (ожидалось «{expected}»)")
    return bad


def test_bug13_agreement_checker_sees_the_reviews_examples():
    assert agreement_errors("не найдено в fixtures/ (34 файлов)") and agreement_errors("(1 нарушений)")
    assert not agreement_errors("(34 файла), 1 нарушение, 5 нарушений, из 21 записи, из 34 файлов")


def test_bug13_an_unknown_case_and_a_draft_count_in_words(tmp_path):
    r = cli("explain", FIXTURES, "--case", "2022-0520-5")
    assert r.exit_code == 2 and "2022-0520-5" in r.stderr
    assert agreement_errors(r.stderr) == []
    r = cli("protest", FIXTURES, "--case", "2022-0520-57", "-o", tmp_path / "d.md")
    assert r.exit_code == 0, r.output
    assert re.search(r"\(\d+ нарушени", r.stderr), r.stderr
    assert agreement_errors(r.stderr) == []


CATEGORY_WITHOUT_NOUN = re.compile(r"\b(?:за|к|по|для|при|в) (?:небольшой|средней) тяжести")


def test_bug13_a_category_is_never_left_without_its_noun():
    """«за небольшой тяжести» lacked «преступление»: a category adjective must follow its noun or a label."""
    bad = [f"{rule} ({name}): {msg}" for name, rule, msg in violation_messages() if CATEGORY_WITHOUT_NOUN.search(msg)]
    assert violation_messages() and bad == []


@pytest.mark.parametrize("text, wrong", [
    ("по ст.41 ч.2 за небольшой тяжести — от 200 МРП", True),
    ("по ст.41 ч.2 за преступление небольшой тяжести — от 200 МРП", False),
    ("для категории «небольшой тяжести» — от 200 МРП", False),
])
def test_bug13_the_category_checker_sees_the_reviews_phrase(text, wrong):
    assert bool(CATEGORY_WITHOUT_NOUN.search(text)) is wrong


# ---- bug 14: the list of milder kinds

MILDER_LIST = re.compile(r"более мягк\w+ вид\w*(?: наказания)? \(([^)]*)\)")


def test_bug14_milder_kinds_never_include_imprisonment():
    """A list presented as the milder kinds must not name imprisonment; a list labelled as the sanction's may."""
    msgs = [(rule, msg) for _n, rule, msg in violation_messages() if rule.startswith("no-prison")]
    assert {rule for rule, _m in msgs} >= {"no-prison-compensated"}
    for rule, msg in msgs:
        for listed in MILDER_LIST.findall(msg):
            if listed.startswith("виды наказания по санкции"):
                continue
            assert "лишение свободы" not in listed, f"{rule}: {msg}"


def test_bug14_the_checker_sees_the_reviews_sentence():
    msg = ("при наличии в санкции более мягкого вида (исправительные работы, лишение свободы, ограничение свободы) "
           "лишение свободы не назначается")
    assert ["исправительные работы, лишение свободы, ограничение свободы"] == MILDER_LIST.findall(msg)


# ---- bug 10: the hint of a unit mismatch


def test_bug10_a_unit_mismatch_is_hinted_with_same_unit(tmp_path):
    from test_hardening_eval import FAULTY, batch, damaged, rules_dir, scan

    r = scan(batch(tmp_path, damaged()), "--rules", rules_dir(tmp_path, FAULTY), "-f", "jsonl")
    [fault] = orjson.loads(r.stdout_bytes.splitlines()[0])["faults"]
    assert fault["code"] == "E501"
    assert "same_unit" in fault["hint"] and "is present" not in fault["hint"]
    # located at the clause that failed, not at the whole rule (the review: «the span covers lines 6–19»)
    violation_line = 1 + next(i for i, line in enumerate(FAULTY.splitlines()) if "violation" in line)
    assert (fault["span"]["line"], fault["span"]["end_line"]) == (violation_line, violation_line)
