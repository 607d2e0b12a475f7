"""A broken YAML file (a rule test, the law catalogue) is explained in words of the run's language.

PyYAML words its errors in English and in its parser's terms («while parsing a block mapping … expected
<block end>, but found '?'»), differently in its pure-Python and its libyaml loader; a lawyer editing a
rule test read that inside a Russian diagnostic.  Each case below is a file as people break it, with the
words both loaders must give.
"""

from __future__ import annotations

import re

import pytest
import yaml
from click.testing import CliRunner

from legality import i18n
from legality.cli import main
from legality.law.yamlread import YamlProblem, load_with_lines, yaml_reason

CASES = [  # (name, text, the Russian words, the line of the mark)
    ("a tab", "tests:\n\t- name: y\n", "символ табуляции", 2),
    ("an indented key", "tests:\n  - name: z\n    rule: a\n  rule: b\n   x: 1\n", "отступ этой строки", 4),
    ("a block end", "a:\n  - b\n c: d\n", "отступ этой строки", 3),
    ("an open «{»", "tests:\n  - name: x\n    record: {a: 1\n   bad: [\n", "«{…}» не закрыта", 4),
    ("an open «[»", "a: [1, 2\n", "«[…]» не закрыта", 2),
    ("a colon in a value", "tests:\n  - name: a: b\n", "двоеточие внутри значения", 2),
    ("an open quote", "tests:\n  - name: \"abc\n", "не закрыта кавычка", 3),
    ("an unknown alias", "a: *nope\n", "несуществующую метку", 1),
    ("an unknown escape", 'a: "\\q"\n', "неизвестная последовательность", 1),
    ("an at sign", "a: @x\n", "с этого символа значение начинаться не может", 1),
]
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
PYYAML_WORDS = re.compile(r"while|expected|found|scanning|parsing|<block|token")


@pytest.fixture(autouse=True)
def russian():
    i18n.set_language("ru")
    yield
    i18n.set_language("ru")


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name,text,words,line", CASES, ids=[c[0] for c in CASES])
def test_each_loader_gives_the_same_words(loader, name, text, words, line):
    with pytest.raises(yaml.YAMLError) as got:
        yaml.load(text, Loader=loader)
    reason = yaml_reason(got.value, text)
    assert words in reason, reason
    assert not PYYAML_WORDS.search(reason), reason


@pytest.mark.parametrize("name,text,words,line", CASES, ids=[c[0] for c in CASES])
def test_the_catalogue_reader_says_it_at_the_line(name, text, words, line):
    with pytest.raises(YamlProblem) as got:
        load_with_lines(text)
    assert words in str(got.value) and got.value.line == line


def test_an_unknown_problem_is_still_said_in_words():
    assert yaml_reason(yaml.YAMLError("something new in a later PyYAML")) == "текст не является правильным YAML"


@pytest.mark.parametrize("lang,words", [("ru", "не удалось прочитать файл тестов правил: символ табуляции"),
                                        ("kk", "ереже тестілері файлын оқу мүмкін болмады: табуляция таңбасы"),
                                        ("en", "cannot read rule test file: a tab character")])
def test_a_broken_rule_test_file_is_named_with_its_place_and_why(tmp_path, lang, words):
    rules = tmp_path / "rules"
    (rules / "tests").mkdir(parents=True)
    (rules / "pack").mkdir()
    (rules / "pack" / "x.legal").write_text("", encoding="utf-8")
    (rules / "tests" / "broken.yaml").write_text("tests:\n\t- name: y\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--lang", lang, "test", str(rules)])
    assert res.exit_code == 1, res.output  # a test file that cannot be read fails the run
    assert "broken.yaml:2:1" in res.output and words in res.output, res.output
    assert "while scanning" not in res.output and "cannot start any token" not in res.output


def test_a_rule_test_file_that_is_not_utf8_says_where_and_what_to_do(tmp_path):
    rules = tmp_path / "rules"
    (rules / "tests").mkdir(parents=True)
    (rules / "pack").mkdir()
    (rules / "pack" / "x.legal").write_text("", encoding="utf-8")
    (rules / "tests" / "cp1251.yaml").write_bytes("tests:\n  - name: кража\n".encode("cp1251"))
    res = CliRunner().invoke(main, ["test", str(rules)])
    assert "cp1251.yaml:1:1" in res.output and "не в кодировке UTF-8" in res.output and "сохраните файл в UTF-8" in res.output
    assert "codec" not in res.output and "invalid" not in res.output
