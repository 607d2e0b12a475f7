"""The committed Russian forms (words/ru_forms.py) are what pymorphy3 gives for vocabulary.txt today.

Why: the runtime never loads pymorphy3 (start-up matters), so the forms are generated once and
committed; a noun added to vocabulary.txt without running `python tools/gen_ru_forms.py`, or an edit of
the generated file by hand, must fail here, as tests/test_fast_decode.py does for model/fast_gen.py.
pymorphy3 is in the `test` extra; without it the test is skipped on a developer's machine only — on CI
(`CI` set) a missing pymorphy3 is a failure, so the check cannot silently stop running.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_ru_forms", ROOT / "tools" / "gen_ru_forms.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def generator():
    if importlib.util.find_spec("pymorphy3") is None:
        if os.environ.get("CI"):
            pytest.fail("pymorphy3 is missing on CI: install the test extra (pip install -e '.[test]')")
        pytest.skip("pymorphy3 is not installed (pip install -e '.[test]')")
    return _generator()


def test_committed_forms_are_what_the_generator_writes(generator):
    shipped = (ROOT / "src" / "legality" / "words" / "ru_forms.py").read_text(encoding="utf-8")
    assert generator.render() == shipped, "words/ru_forms.py is stale: run python tools/gen_ru_forms.py"


@pytest.mark.parametrize("lemma, expected", [
    # the override: pymorphy3's genitive plural is «годов»; a count says «лет»
    ("год", ("год", "года", "лет", "года", "лет")),
    # plural only: «1 сутки», «2 суток», «5 суток»
    ("сутки", ("сутки", "суток", "суток", "суток", "суток")),
    ("запись", ("запись", "записи", "записей", "записи", "записей")),
    ("нарушение", ("нарушение", "нарушения", "нарушений", "нарушения", "нарушений")),
])
def test_generated_forms_of_hard_nouns(generator, lemma, expected):
    import pymorphy3

    forms = generator.forms(pymorphy3.MorphAnalyzer(), lemma)
    assert tuple(forms[s] for s in generator.SLOTS) == expected


def test_the_override_table_is_needed(generator):
    """Each override corrects what pymorphy3 really gives: an override that no longer differs is dead."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    for lemma, fixed in generator.OVERRIDES.items():
        p = next(p for p in morph.parse(lemma) if p.tag.POS == "NOUN" and p.normal_form == lemma)
        raw = {"many": p.inflect({"gent", "plur"}).word, "gen_many": p.inflect({"gent", "plur"}).word}
        assert any(raw.get(slot) != form for slot, form in fixed.items()), lemma


def test_a_malformed_vocabulary_line_is_refused(generator, tmp_path):
    bad = tmp_path / "vocabulary.txt"
    bad.write_text("год = жыл\nнарушение\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="vocabulary.txt:2"):
        generator.read_vocabulary(bad)


def test_the_runtime_does_not_import_pymorphy3():
    """A scan must not pay for loading the dictionary: `words` reads only the generated table."""
    code = ("import sys, legality.words as w; w.count(5, 'нарушение', 'ru'); "
            "print('pymorphy3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
