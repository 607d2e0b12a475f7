"""`legality test` speaks the rule author's language (issue 15): every line a person reads is Russian, or
Kazakh with `--lang kk`; only code stays as written.

Why: the rule authors are lawyers; the run lines used to be English («3 passed, 1 failed», «FAIL», «COVERAGE
… no boundary test», «expected … to fire»).  These tests run a small rule set whose tests pass, fail (a
boundary record above the limit, with an `expect` that differs), hold a `todo` scaffold, and leave a rule
without a kind of test, with and without `--coverage`, and read every line in ru and kk: no English word may
be left once the code is blanked — rule ids and fact names, test names, file:line places, the clause's source
text (in «», in backticks, at the end of a coverage row, in a diagnostic's source excerpt), the DSL's keywords
and the `kind:` values an author types.  In Kazakh every line with words must carry a Kazakh letter.
The words of a failed rule's status and reason are checked against the trace's own (eval.tracer), so the
translated copy cannot drift from what `explain` says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.eval import tracer
from legality.resources import LAW_DIR
from legality.result import trace as T
from legality.ruletest import CLAUSE_REASONS, STATUS_WORDS, _why

RULE = """define smax "максимум" for offence = offence.sanction.max(imprisonment)
rule over-max for offence {
  title "Выше максимума"
  severity high
  cite "УК РК ст.52 ч.1", offence.ref
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > smax
  message "{offence.sentence.principal.term} > {smax}"
}
"""

PASSING = """  - name: восемь лет при максимуме семь — нарушение
    rule: over-max
    kind: violation
    patch:
      offences[0].sentence.principal.term: {years: 8}
"""
FAILING = """  - name: ровно максимум, но срок больше
    rule: over-max
    kind: boundary
    patch:
      offences[0].sentence.principal.term: {years: 7, days: 2}
    expect: none
"""
SCAFFOLD = """  - name: штраф — правило не применяется
    rule: over-max
    kind: not_applicable
    todo: заполните patch
"""
NAMES = ("восемь лет при максимуме семь — нарушение", "ровно максимум, но срок больше",
         "штраф — правило не применяется")
CODE = ("over-max", "smax")  # the rule set's ids

# Latin words that are code a rule author writes: the DSL's keywords and the test kinds
ALLOWED = {"when", "unless", "needs", "violation", "and", "or", "if", "default", "define", "rule", "for",
           "offence", "boundary", "not_applicable", "undetermined", "expect", "todo", "patch"}
KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def ruleset(tmp_path: Path, tests: str) -> Path:
    d = tmp_path / "rules"
    (d / "tests").mkdir(parents=True)
    (d / "r.legal").write_text(RULE, encoding="utf-8")
    (d / "law").symlink_to(LAW_DIR, target_is_directory=True)
    (d / "tests" / "t.yaml").write_text("base: base.json\ntests:\n" + tests, encoding="utf-8")
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from verdict_samples import record

    (d / "tests" / "base.json").write_text(json.dumps(record()), encoding="utf-8")
    return d


def run(lang: str, *args):
    return CliRunner().invoke(main, ["--lang", lang, "test", *[str(a) for a in args]])


def prose(output: str) -> list[str]:
    """The lines of a run with the code blanked: what is left is words written for people."""
    out = []
    for line in output.splitlines():
        if re.match(r"\s*\d*\s*\|", line):
            continue  # a diagnostic's source excerpt
        m = re.match(r"\s+\S+:\d+:\d+  \S+(?: › \S+)?: (.*?): .*$", line)
        if m:  # a coverage row: place, clause › operand, what was never seen, the source text
            line = m[1]
        line = re.sub(r"«[^»]*»|`[^`]*`", " ", line)           # source text and code in quotes
        line = re.sub(r"\S+\.(?:yaml|legal)(?::\d+)*:?", " ", line)  # places
        line = re.sub(r"\b[EW]\d{3}\b", " ", line)              # diagnostic codes
        line = re.sub(r"[\w-]+@\d+", " ", line)                # a rule instance: id@offence
        for c in (*NAMES, *CODE):
            line = line.replace(c, " ")
        out.append(line)
    return out


def english_words(output: str) -> set[str]:
    return {w for line in prose(output) for w in re.findall(r"[A-Za-z][A-Za-z_]*", line)} - ALLOWED


def non_kazakh_lines(output: str) -> list[str]:
    return [line for line in prose(output) if re.search("[А-Яа-яЁё]", line) and not KAZAKH.search(line)]


def test_the_guards_see_english_and_russian():
    """The checks below can fail: the old English run lines and a Russian line in a Kazakh run are caught."""
    assert english_words("FAIL r/tests/t.yaml:8 ровно\n  expected over-max to fire\n3 passed, 1 failed") == {
        "FAIL", "expected", "to", "fire", "passed", "failed"}
    assert english_words("    r.legal:6:8  when › or: ни разу: offence.stage = attempt") == set()
    assert non_kazakh_lines("ӨТТІ t.yaml:3 x\nТестов пройдено: 1") == ["Тестов пройдено: 1"]


CASES = {
    # what is run: the tests and the options; what must be in the Russian output
    "failing": (PASSING + FAILING, ["--no-coverage"], 1,
                ["НЕ ПРОЙДЕН", "ожидалось, что правило over-max применится и нарушения не будет",
                 "over-max@1: нарушение (7 лет 2 дня > 7 лет)", "+ сработало, но не ожидалось: over-max",
                 "Тестов пройдено: 1, не пройдено: 1"]),
    "passing": (PASSING, ["--no-coverage", "-v"], 0,
                ["ПРОЙДЕН /", "t.yaml:3 восемь лет при максимуме семь — нарушение", "Тестов пройдено: 1, не пройдено: 0"]),
    "todo": (SCAFFOLD, ["--no-coverage"], 1, ["НЕ ПРОЙДЕН", "тест-заготовка, ещё не заполнен: заполните patch"]),
    "lacking kinds": (PASSING, [], 1,
                      ["НЕТ ТЕСТОВ over-max: не хватает тестов вида boundary, not_applicable",
                       "без полного набора тестов: 1 правило"]),
    "coverage": (PASSING + FAILING + SCAFFOLD, ["--coverage", "-v"], 1,
                 ["Итого по правилам: покрыто 2 из 4 (50%)", "ни разу не было ложным", "ПРОЙДЕН", "НЕ ПРОЙДЕН"]),
}


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("case", list(CASES))
def test_every_line_of_a_run_is_in_the_run_language(tmp_path, case, lang):
    tests, options, code, russian = CASES[case]
    d = ruleset(tmp_path, tests)
    r = run(lang, d, *options)
    assert r.exit_code == code, r.output
    assert english_words(r.output) == set(), r.output
    if lang == "ru":
        for text in russian:
            assert text in r.output, (text, r.output)
    else:
        assert non_kazakh_lines(r.output) == [], r.output
        # the same run in Russian has as many lines: nothing was dropped in translation
        ru = run("ru", d, *options)
        assert len(r.output.splitlines()) == len(ru.output.splitlines()), (r.output, ru.output)


def test_json_coverage_keeps_its_machine_fields_and_the_run_lines_go_to_stderr(tmp_path):
    d = ruleset(tmp_path, PASSING + FAILING)
    for lang in ("ru", "kk"):
        r = run(lang, d, "--coverage-format", "json", "--no-coverage")
        doc = json.loads(r.stdout)
        assert doc["tests"] == {"passed": 1, "failed": 1}
        assert english_words(r.stderr) == set(), r.stderr


def test_the_clause_reasons_are_the_traces_own():
    """A failed test's reason is rebuilt from the trace in the run's language; in Russian it must say
    exactly what the trace (and so `explain`) says, for every clause and status eval knows."""
    assert set(CLAUSE_REASONS) == set(tracer._REASONS)
    assert {k: str(v) for k, v in CLAUSE_REASONS.items()} == tracer._REASONS
    assert set(STATUS_WORDS) == {v for k, v in vars(T).items() if k.isupper() and isinstance(v, str)
                                 and not k.startswith("STATUS")}


@pytest.mark.parametrize("status, reason, condition, russian", [
    (T.OVERRIDDEN, "применяется специальная норма narrow", "", "вытеснено специальной нормой (применяется "
                                                                "специальная норма narrow)"),
    (T.NOT_IN_FORCE, "норма действует с 01.01.2020 по 31.12.2021; дата деяния 05.05.2019", "",
     "норма не действует (норма действует с 01.01.2020 по 31.12.2021; дата деяния 05.05.2019)"),
    (T.NOT_IN_FORCE, "норма действует с 01.01.2020; дата приговора 05.05.2019", "",
     "норма не действует (норма действует с 01.01.2020; дата приговора 05.05.2019)"),
    (T.UNDETERMINED, "не удалось проверить: нет статьи 999", "", "не удалось проверить (нет статьи 999)"),
    (T.EXCEPTED, "исключение: «offence.stage = attempt»", "unless offence.stage = attempt",
     "исключение (исключение: «offence.stage = attempt»)"),
])
def test_reasons_without_a_clause_read_back_in_both_languages(status, reason, condition, russian):
    """The reasons eval writes in fixed Russian shapes come out the same in Russian and translated in Kazakh."""
    from legality import i18n

    rt = T.RuleTrace("r", "1", status, reason, condition)
    was = i18n.language()
    try:
        i18n.set_language("ru")
        assert _why([rt]) == f"r@1: {russian}"
        i18n.set_language("kk")
        kk = _why([rt])
    finally:
        i18n.set_language(was)
    assert KAZAKH.search(kk) and kk != f"r@1: {russian}", kk
    for number in re.findall(r"\d\d\.\d\d\.\d{4}|\b999\b", reason):
        assert number in kk

