"""Evaluation semantics of compiled rules: missing facts, exceptions, overrides, outcome
dependencies, faults, in-force dates, traces and the candidate fields."""

from __future__ import annotations

import pytest

from legality.result import trace as T
from legality.law import Catalogue
from legality.report.model import CandidateModel

from support.compiled import program, statuses, valid
from verdict_samples import record

HEAD = 'title "t"\n  severity high\n  cite "УК РК ст.56 ч.3", offence.ref'


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()




def verdict(**patch):
    r = record()
    for path, value in patch.items():
        cur = r
        keys = path.split("__")
        for k in keys[:-1]:
            cur = cur[int(k)] if k.isdigit() else cur[k]
        last = keys[-1]
        if value is None:
            cur.pop(last, None)
        else:
            cur[int(last) if last.isdigit() else last] = value
    return valid(r)


ATTEMPT = f"""
define smax "максимум санкции" for offence = offence.sanction.max(imprisonment)
define cap "предел" for offence = law.unfinished.attempt_fraction of smax
rule cap-check for offence {{
  {HEAD}
  let t = offence.sentence.principal.term
  when offence.stage = attempt
  violation t > cap
  actual t
  allowed max: cap
  message "назначено {{t}}, предел {{cap}}"
}}
"""


# a general rule and a specific one that overrides it, on top of ATTEMPT
OVERRIDES = ATTEMPT + f"""
rule general-max for offence {{
  {HEAD}
  violation offence.sentence.principal.term > smax
  message "x"
}}
rule specific-attempt for offence {{
  {HEAD}
  overrides general-max
  when offence.stage = attempt
  violation offence.sentence.principal.term > cap
  message "{{offence.sentence.principal.term}} > {{cap}}"
}}
"""


def test_fires_above_the_cap_and_fills_every_candidate_field(cat):
    p = program(cat, ATTEMPT)
    # 188 ч.3: up to 7 years → 3/4 = 5 years 3 months; one day more is unlawful
    ev = p.evaluate(verdict(offences__0__sentence__principal__term={"years": 5, "months": 3, "days": 1}))
    assert [c.rule for c in ev.candidates] == ["cap-check"]
    c = ev.candidates[0]
    CandidateModel.model_validate(c.to_json())
    assert c.offence == "1"
    assert c.actual == {"years": 5, "months": 3, "days": 1}
    assert c.allowed == {"max": {"years": 5, "months": 3, "days": 0}}
    assert c.message == "назначено 5 лет 3 месяца 1 день, предел 5 лет 3 месяца"
    assert c.citations[0] == {"act": "УК РК", "article": "56", "part": 3, "paragraph": None}
    assert c.citations[1] == {"act": "УК РК", "article": "188", "part": 3, "paragraph": 1}
    assert c.facts == {"t": {"years": 5, "months": 3, "days": 1}, "cap": {"years": 5, "months": 3, "days": 0}}
    assert len(c.fingerprint) == 24


def test_exactly_at_the_cap_is_lawful(cat):
    ev = program(cat, ATTEMPT).evaluate(verdict(offences__0__sentence__principal__term={"years": 5, "months": 3}), trace=True)
    assert ev.candidates == []
    assert statuses(ev)[("cap-check", "1")] == T.PASSED


def test_not_applicable_reason_names_the_condition(cat):
    ev = program(cat, ATTEMPT).evaluate(verdict(offences__0__stage="completed"), trace=True)
    r = ev.trace.rules[0]
    assert r.status == T.NOT_APPLICABLE and "offence.stage = attempt" in r.reason
    assert r.values == {"offence.stage": "completed"}


def test_missing_catalogue_entry_never_fires(cat):
    # an article the catalogue does not hold: the sanction is missing, the rule does not fire; it was
    # not checked either, which the record's coverage says (tests/test_coverage.py)
    ev = program(cat, ATTEMPT).evaluate(verdict(offences__0__article="999",
                                               offences__0__sentence__principal__term={"years": 30}), trace=True)
    assert ev.candidates == [] and ev.faults == []
    assert statuses(ev)[("cap-check", "1")] == T.UNDETERMINED
    assert [g.reason for g in ev.coverage.gaps] == ["unknown_article"]


def test_missing_optional_field_means_not_applied_not_flagged(cat):
    text = f"""
rule woman-check for offence {{
  {HEAD}
  when defendant.pregnant = true
  violation offence.sentence.principal.kind = imprisonment
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(), trace=True)  # `pregnant` absent in the record
    assert ev.candidates == [] and statuses(ev)[("woman-check", "1")] == T.MISSING


def test_kleene_logic_false_and_missing_is_false(cat):
    text = f"""
rule k-check for offence {{
  {HEAD}
  violation offence.stage = attempt and (defendant.pregnant = true or true)
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict(), trace=True)
    assert [c.rule for c in ev.candidates] == ["k-check"]  # missing or true = true


def test_unless_excepts(cat):
    text = ATTEMPT.replace("  violation", "  unless offence.role = perpetrator\n  violation")
    ev = program(cat, text).evaluate(verdict(offences__0__sentence__principal__term={"years": 6}), trace=True)
    assert ev.candidates == [] and statuses(ev)[("cap-check", "1")] == T.EXCEPTED


def test_override_replaces_the_general_rule_where_the_specific_applies(cat):
    text = OVERRIDES
    p = program(cat, text)
    ev = p.evaluate(verdict(offences__0__sentence__principal__term={"years": 8}), trace=True)
    st = statuses(ev)
    assert st[("general-max", "1")] == T.OVERRIDDEN and st[("specific-attempt", "1")] == T.FIRED
    ev = p.evaluate(verdict(offences__0__stage="completed", offences__0__sentence__principal__term={"years": 8}), trace=True)
    st = statuses(ev)
    assert st[("general-max", "1")] == T.FIRED and st[("specific-attempt", "1")] == T.NOT_APPLICABLE


def test_fired_dependency_is_evaluated_first(cat):
    text = ATTEMPT + f"""
rule follow-up for offence {{
  {HEAD}
  violation fired(cap-check)
  message "x"
}}"""
    p = program(cat, text)
    fired = p.evaluate(verdict(offences__0__sentence__principal__term={"years": 6}))
    assert [c.rule for c in fired.candidates] == ["cap-check", "follow-up"]
    assert p.evaluate(verdict()).candidates == []


def test_runtime_fault_is_a_diagnostic_and_other_rules_still_run(cat):
    # comparing a fine amount (МРП) with a term is only detectable at run time (amount of unknown unit)
    text = ATTEMPT + f"""
rule bad-units for offence {{
  {HEAD}
  violation offence.sentence.principal.amount > 500 mrp
  message "x"
}}"""
    p = program(cat, text)
    ev = p.evaluate(verdict(offences__0__sentence__principal__term={"years": 6}), trace=True)
    assert [c.rule for c in ev.candidates] == ["cap-check"]
    assert [f.code for f in ev.faults] == ["E501"]
    assert "bad-units" in ev.faults[0].message and "2024-0153-17" in ev.faults[0].message
    assert statuses(ev)[("bad-units", "1")] == T.FAULT


def test_in_force_by_offence_and_by_verdict_date(cat):
    text = ATTEMPT.replace("  let t", "  in force from 2024-01-01\n  let t")
    p = program(cat, text)
    ev = p.evaluate(verdict(offences__0__sentence__principal__term={"years": 6}), trace=True)
    assert ev.candidates == [] and statuses(ev)[("cap-check", "1")] == T.NOT_IN_FORCE  # offence 2023-11-02
    p = program(cat, text.replace("from 2024-01-01", "from 2024-01-01 by verdict date"))
    assert len(p.evaluate(verdict(offences__0__sentence__principal__term={"years": 6})).candidates) == 1


def test_record_level_quantifier_over_offence_facts(cat):
    text = ATTEMPT + f"""
rule any-over for offence {{
  {HEAD}
  violation any o in offences: o.smax > 1 year and o.cap < o.smax
  message "x"
}}"""
    ev = program(cat, text).evaluate(verdict())
    assert [c.rule for c in ev.candidates] == ["any-over"]


def test_evaluation_is_deterministic(cat):
    p = program(cat, ATTEMPT)
    v = verdict(offences__0__sentence__principal__term={"years": 6})
    a = [c.to_json() for c in p.evaluate(v).candidates]
    b = [c.to_json() for c in program(cat, ATTEMPT).evaluate(v).candidates]
    assert a == b and p.version == program(cat, ATTEMPT).version


def test_fast_path_agrees_with_the_explaining_path(cat):
    """The generated evaluator (no trace) and the explaining one (trace) give the same candidates."""
    text = OVERRIDES + f"""
rule follow-up for offence {{
  {HEAD}
  violation fired(specific-attempt) or fired(general-max)
  message "x"
}}"""
    p = program(cat, text)
    for stage in ("attempt", "completed"):
        for years in (3, 6, 8):
            v = verdict(offences__0__stage=stage, offences__0__sentence__principal__term={"years": years})
            fast = [c.to_json() for c in p.evaluate(v).candidates]
            slow = [c.to_json() for c in p.evaluate(v, trace=True).candidates]
            assert fast == slow, (stage, years)
    v = verdict(offences__0__sentence__principal__term={"years": 8})
    assert [c.rule for c in p.evaluate(v).candidates] == ["cap-check", "follow-up", "specific-attempt"]


def test_evaluation_keeps_no_reference_to_records(cat):
    """A missing value is signalled by an exception; nothing may keep records alive (a leak grows per record)."""
    import gc
    import weakref

    p = program(cat, ATTEMPT.replace("when offence.stage = attempt", "when defendant.pregnant = true"))
    refs = []
    for _ in range(20):
        v = verdict()
        refs.append(weakref.ref(v))
        p.evaluate(v)  # the rule's `when` reads a missing field
        p.evaluate(v, trace=True)
        del v
    gc.collect()
    assert sum(r() is not None for r in refs) == 0


def test_message_values_are_words_without_abbreviations(cat):
    """Values in a message are said in full words (`words.say`), so a full stop after one is the only one."""
    text = ATTEMPT.replace('message "назначено {t}, предел {cap}"', 'message "назначено {t}, предел {cap}."')
    c = program(cat, text).evaluate(verdict(offences__0__sentence__principal__term={"years": 6})).candidates[0]
    assert c.message == "назначено 6 лет, предел 5 лет 3 месяца."
