"""A text value in both languages (`"…" kk "…"` as an expression): compared by its Russian text, shown in the run's.

Why: a rule computes texts a finding shows — the ground of an exclusion, the `actual` of a rule whose
violation is a missing step — and before, only titles, messages and labels had a Kazakh text, so such
values showed Russian inside Kazakh findings.  The value must still behave as the Russian string it
always was (compared with the record's strings, kept in JSON and fingerprints), so reports, the store
and reviews made before keep matching.
"""

from __future__ import annotations

import pickle

import orjson
import pytest

from legality import words
from legality.driver import compile as compile_rules
from legality.eval.batch import BatchPlan, evaluate_many
from legality.law import Catalogue
from legality.model.bitext import BiText
from legality.model.jsonable import to_jsonable
from legality.syntax.parser import parse_text
from legality.syntax.layout import format_text
from legality.syntax.printer import rule_file

from support.compiled import valid
from verdict_samples import record

RULES = """
define stage_words "стадия" kk "сатысы" for offence =
  if offence.stage = attempt then "покушение" kk "оқталу" else "оконченное" kk "аяқталған"

rule bitext-check for offence {
  title "Стадия" kk "Сатысы"
  severity low
  cite "УК РК ст.56 ч.3"
  violation stage_words = "покушение" and stage_words in {"покушение", "приготовление"}
  actual stage_words
  allowed "без покушения" kk "оқталусыз"
  message "Стадия: {stage_words}." kk "Сатысы: {stage_words}."
  facts stage_words
}
"""


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def program(cat, lang: str):
    u = compile_rules(sources={"t.legal": RULES}, catalogue=cat, lang=lang)
    assert u.program is not None, [d.render(u.sources) for d in u.diags if d.is_error]
    return u.program


def verdict(stage: str):
    r = record()
    r["offences"][0]["stage"] = stage
    return valid(r)


@pytest.mark.parametrize("lang, shown", [("ru", "покушение"), ("kk", "оқталу")])
def test_compared_by_russian_shown_in_the_run_language(cat, lang, shown):
    ev = program(cat, lang).evaluate(verdict("attempt"))
    (c,) = ev.candidates  # the comparisons with plain Russian strings held
    assert c.message.endswith(f": {shown}.")
    assert c.actual_text == shown and c.facts_text[0][1] == shown
    # the machine fields keep the Russian text, a plain string in JSON
    assert c.actual == "покушение" and type(c.actual) is str and c.facts == {"stage_words": "покушение"}
    assert orjson.loads(orjson.dumps(c.to_json()))["actual"] == "покушение"


def test_the_fingerprint_does_not_depend_on_the_language(cat):
    ru, kk = (program(cat, lang).evaluate(verdict("attempt")).candidates[0] for lang in ("ru", "kk"))
    assert ru.fingerprint == kk.fingerprint and ru.actual == kk.actual


def test_not_fired_when_the_russian_text_differs(cat):
    assert program(cat, "kk").evaluate(verdict("completed")).candidates == []


def test_the_batch_backend_says_the_same(cat):
    prog = program(cat, "kk")
    vs = [verdict("attempt"), verdict("completed"), verdict("attempt")]
    evs = evaluate_many(prog, BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled), vs)
    assert [[c.to_json() for c in e.candidates] for e in evs] == [[c.to_json() for c in prog.evaluate(v).candidates]
                                                                    for v in vs]


def test_the_value_is_its_russian_string():
    t = BiText("покушение", "оқталу")
    assert t == "покушение" and hash(t) == hash("покушение") and t in {"покушение"} and t != "оқталу"
    assert words.say(t, "kk") == "оқталу" and words.say(t, "ru") == "покушение"
    assert to_jsonable(t) == "покушение" and type(to_jsonable(t)) is str
    back = pickle.loads(pickle.dumps(t))  # a stored pack's constants are pickled
    assert type(back) is BiText and back.kk == "оқталу" and back == t
    assert repr(t) != repr(BiText("покушение", "другое"))  # two constants, not one


def test_the_formatter_and_the_printer_keep_the_kazakh_text():
    tidy, diags = format_text(RULES, "t.legal")
    assert tidy is not None and not diags
    assert '"покушение" kk "оқталу"' in tidy and '"без покушения" kk "оқталусыз"' in tidy
    rf, _ = parse_text(RULES, "t.legal")
    printed = rule_file(rf)
    assert '"покушение" kk "оқталу"' in printed
    again, _ = parse_text(printed, "t.legal")
    assert rule_file(again) == printed


def test_the_trace_keeps_both_texts_for_explain(cat):
    """`explain` says a traced fact through `words.say_json`: a text in both languages is said in the run's
    language there too, while the trace's JSON keeps the Russian text like the report's."""
    ev = program(cat, "kk").evaluate(verdict("attempt"), trace=True)
    (f,) = [f for f in ev.trace.facts if f.name == "stage_words"]
    assert words.say_json(f.value, "kk") == "оқталу" and words.say_json(f.value, "ru") == "покушение"
    assert orjson.loads(orjson.dumps(f.to_json()))["value"] == "покушение"


def test_a_pack_from_the_disk_cache_keeps_both_texts(tmp_path):
    """The compiled pack's constants are pickled into the cache: loaded back, a text keeps its Kazakh one."""
    from legality.engine import Engine
    from legality.resources import LAW_DIR

    (tmp_path / "t.legal").write_text(RULES, encoding="utf-8")
    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    got = []
    for _ in range(2):  # the first load compiles and stores, the second loads the stored pack
        engine = Engine.load(tmp_path, lang="kk", disk_cache=True)
        (c,) = engine.evaluate(verdict("attempt")).candidates
        got.append((c.actual, c.actual_text))
    assert got == [("покушение", "оқталу")] * 2
