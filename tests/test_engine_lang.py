"""The engine writes a finding in the run's language: title, message, and the values in words.

Why: a prosecutor in a Kazakh office reads the report in Kazakh; the rule files carry both texts
(`"…" kk "…"`) and the engine, which still holds the typed values, says them in either language.  A rule
without its Kazakh text falls back to Russian (and `legality check` warns, W104).
"""

from __future__ import annotations

import pytest

from legality.driver import compile as compile_rules
from legality.engine import Engine, _content_key, _pack_key
from legality.law import Catalogue
from legality.report.model import CandidateModel
from legality.resources import LAW_DIR

from support.compiled import valid
from verdict_samples import record

RULES = """
define smax "максимум санкции" kk "санкцияның ең жоғарғы шегі" for offence = offence.sanction.max(imprisonment)
define cap "предел" kk "шек" for offence = law.unfinished.attempt_fraction of smax
rule cap-check for offence {
  title "Срок выше предела" kk "Мерзім шектен жоғары"
  severity high
  cite "УК РК ст.56 ч.3", offence.ref
  let t "назначенный срок" kk "тағайындалған мерзім" = offence.sentence.principal.term
  when offence.stage = attempt
  violation t > cap
  actual t
  allowed max: cap
  message "назначено {t}, предел {cap}." kk "{t} тағайындалды, шегі {cap}."
  facts t, cap
}
rule text-only for offence {
  title "Только по-русски"
  severity low
  cite "УК РК ст.56 ч.3"
  when offence.stage = attempt
  violation true
  allowed "без срока" kk "мерзімсіз"
  message "сообщение {offence.stage}"
}
"""

# (field, ru, kk): what the candidates of a 5 years 3 months 1 day attempt (cap 5 years 3 months) say
EXPECTED = [
    ("cap-check", "title", "Срок выше предела", "Мерзім шектен жоғары"),
    ("cap-check", "facts_labels", ["назначенный срок", "предел"], ["тағайындалған мерзім", "шек"]),
    ("text-only", "title", "Только по-русски", "Только по-русски"),  # no Kazakh text: Russian
    ("text-only", "allowed_text", "без срока", "мерзімсіз"),
]


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def evaluate(cat, lang: str):
    u = compile_rules(sources={"t.legal": RULES}, catalogue=cat, lang=lang)
    assert u.program is not None, [d.render(u.sources) for d in u.diags if d.is_error]
    r = record()
    r["offences"][0]["stage"] = "attempt"
    r["offences"][0]["sentence"]["principal"]["term"] = {"years": 5, "months": 3, "days": 1}
    ev = u.program.evaluate(valid(r))
    return {c.rule: c for c in ev.candidates}


@pytest.mark.parametrize("rule, field, ru, kk", EXPECTED)
def test_texts_follow_the_language(cat, rule, field, ru, kk):
    for lang, want in (("ru", ru), ("kk", kk)):
        c = evaluate(cat, lang)[rule]
        got = [label for label, _ in c.facts_text] if field == "facts_labels" else getattr(c, field)
        assert got == want, lang


def test_values_are_words_in_each_language_and_json_stays_the_same(cat):
    ru, kk = evaluate(cat, "ru")["cap-check"], evaluate(cat, "kk")["cap-check"]
    assert ru.message.startswith("назначено 5 лет 3 месяца 1 день, предел ")
    assert kk.message.startswith("5 жыл 3 ай 1 күн тағайындалды")
    assert ru.actual_text == "5 лет 3 месяца 1 день" and "жыл" in kk.actual_text
    assert ru.allowed_text.startswith("не более ") and "аспайды" in kk.allowed_text
    for c in (ru, kk):
        assert ".." not in c.message
        CandidateModel.model_validate(c.to_json())
    # the machine fields and the fingerprint do not depend on the language
    assert (ru.actual, ru.allowed, ru.facts, ru.fingerprint) == (kk.actual, kk.allowed, kk.facts, kk.fingerprint)
    assert ru.to_json()["facts_text"][0] == {"label": "назначенный срок", "value": "5 лет 3 месяца 1 день"}


def test_a_rule_without_kazakh_message_falls_back_to_russian(cat):
    assert evaluate(cat, "kk")["text-only"].message.startswith("сообщение ")


def test_the_language_is_part_of_the_engine_and_pack_cache_keys(tmp_path):
    (tmp_path / "t.legal").write_text(RULES, encoding="utf-8")
    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    assert _pack_key(tmp_path, lang="ru") != _pack_key(tmp_path, lang="kk")
    assert _content_key(tmp_path, lang="ru") != _content_key(tmp_path, lang="kk")
    ru = Engine.load(tmp_path, lang="ru", disk_cache=False)
    kk = Engine.load(tmp_path, lang="kk", disk_cache=False)
    assert (ru.lang, kk.lang) == ("ru", "kk")
    assert {r.title for r in kk.rules} == {"Мерзім шектен жоғары", "Только по-русски"}


def test_candidate_json_round_trips_with_and_without_the_text_fields(cat):
    from legality.result.candidate import Candidate

    c = evaluate(cat, "ru")["cap-check"]
    assert Candidate.from_json(c.to_json()) == c
    old = {k: v for k, v in c.to_json().items() if not k.endswith("_text")}
    back = Candidate.from_json(old)
    assert (back.actual_text, back.allowed_text, back.facts_text) == (None, None, [])


def test_the_store_keeps_the_text_fields(cat):
    from legality.report.model import ReportLine
    from legality.store.scanstate import line_from_json, line_to_json

    c = evaluate(cat, "kk")["cap-check"]
    line = ReportLine("C-1", "f.jsonl", 1, "flagged", [c])
    (back,) = line_from_json(line_to_json(line)).candidates
    assert (back.actual_text, back.allowed_text, back.facts_text) == (c.actual_text, c.allowed_text, c.facts_text)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_finding_of_the_fixtures_has_an_abbreviation_or_a_double_full_stop(lang):
    """Every message of the shipped pack on every fixture record: values in full words, one full stop.

    The batch backend builds the same candidates (its own test compares them); here the row evaluator."""
    import re
    from pathlib import Path

    from legality.io.reader import read_records

    engine = Engine.load(lang=lang)
    verdicts = [it.verdict for it in read_records([Path(__file__).parents[1] / "fixtures"]) if it.verdict is not None]
    messages = [c.message for v in verdicts for c in engine.evaluate(v).candidates]
    assert len(messages) >= 40
    bad = [m for m in messages if ".." in m.replace("...", "") or re.search(r"\d (г|мес|дн)\.|-кратн\.|\bmrp\b", m)]
    assert not bad, bad[:3]
