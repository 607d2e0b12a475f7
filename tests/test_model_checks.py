"""Cross-field checks of the verdict model: each error at its exact path, and the lawful boundaries."""

from __future__ import annotations

import pytest

from legality.model import Verdict, validate_record
from verdict_samples import record, two_offences


def errors(r) -> list[tuple[str, str]]:
    res = validate_record(r)
    assert not isinstance(res, Verdict), "expected the record to be invalid"
    return [(e.path, e.message) for e in res]


def paths(r) -> list[str]:
    return [p for p, _ in errors(r)]


def ok(r) -> Verdict:
    res = validate_record(r)
    assert isinstance(res, Verdict), res
    return res


def test_example_of_the_format_is_valid():
    v = ok(record())
    assert v.offences[0].sentence.principal.term.total_months == 54
    assert str(v.offences[0].ref) == "п.1 ч.3 ст.188"


def test_duplicate_offence_id_points_at_the_second():
    r = two_offences()
    r["offences"][1]["id"] = "1"
    assert errors(r) == [("offences[1].id", 'идентификатор эпизода "1" уже использован в эпизоде 1')]


@pytest.mark.parametrize("committed, valid", [("2024-03-15", True), ("2024-03-16", False)])
def test_offence_on_the_verdict_day_is_fine_the_day_after_is_not(committed, valid):
    r = record()
    r["offences"][0]["committed_on"] = committed
    if valid:
        ok(r)
    else:
        assert paths(r) == ["offences[0].committed_on"]


def test_under_fourteen_is_a_finding_not_an_invalid_record():
    """ст.15: convicting a 13-year-old is a court's error; the rules flag it (liability-under-age)."""
    r = record()
    r["defendant"].update(birth_date="2009-11-03", prior_convictions=[])
    assert ok(r).defendant.birth_date.isoformat() == "2009-11-03"


def test_born_after_offence():
    r = record()
    r["defendant"].update(birth_date="2023-11-02", prior_convictions=[])
    assert paths(r) == ["defendant.birth_date"]


@pytest.mark.parametrize("penalty, bad_path", [
    ({"kind": "imprisonment"}, "term"),
    ({"kind": "imprisonment", "term": {"years": 2}, "mrp": 10}, "mrp"),
    ({"kind": "fine", "mrp": 100, "multiple": 3}, ""),
    ({"kind": "fine", "days": 10}, "days"),
    ({"kind": "community_service"}, "hours"),
    ({"kind": "arrest", "hours": 10}, "hours"),
    ({"kind": "life_imprisonment", "term": {"years": 20}}, "term"),
    ({"kind": "imprisonment", "term": {}}, "term"),
])
def test_penalty_carries_exactly_the_amount_fields_of_its_kind(penalty, bad_path):
    r = record()
    r["offences"][0]["sentence"]["principal"] = penalty
    want = "offences[0].sentence.principal" + (f".{bad_path}" if bad_path else "")
    assert paths(r) == [want]


@pytest.mark.parametrize("penalty", [
    {"kind": "fine", "multiple": 20},
    {"kind": "ban_on_office", "lifelong": True},
    {"kind": "ban_on_office", "term": {"years": 3}, "lifelong": False},
    {"kind": "confiscation"},
    {"kind": "deprivation_of_rank", "term": None},
])
def test_lawful_amount_shapes(penalty):
    r = record()
    r["offences"][0]["sentence"]["additional"] = [penalty]
    ok(r)


@pytest.mark.parametrize("final", [
    {"principal": {"kind": "restriction_of_liberty", "term": {"years": 2}}, "regime": "medium"},
    {"probation": {"period": {"years": 2}}, "regime": "medium"},
    {"principal": {"kind": "fine", "mrp": 500}, "regime": None, "probation": {"period": {"years": 2}}},
    {"principal": {"kind": "correctional_labour", "mrp": 300}, "regime": None, "probation": {"period": {"years": 2}}},
    {"principal": {"kind": "restriction_of_liberty", "term": {"years": 2}}, "regime": None,
     "probation": {"period": {"years": 2}}},
])
def test_regime_or_probation_with_the_wrong_penalty_reaches_the_rules(final):
    """A court can order a regime for a conditional sentence or probation on a fine: findings, not bad records."""
    r = record()
    r["final_sentence"].update(final)
    v = ok(r)
    assert (v.final_sentence.regime is None) == (final["regime"] is None)


def test_zero_probation_period_is_invalid():
    r = record()
    r["final_sentence"].update(regime=None, probation={"period": {"months": 0}})
    assert paths(r) == ["final_sentence.probation.period"]


def test_combination_single_with_two_offences_reaches_the_rules():
    r = two_offences()
    r["final_sentence"]["combination"] = "single"
    assert len(ok(r).offences) == 2


@pytest.mark.parametrize("field, code, valid", [
    ("mitigating", "53.1.9", True), ("mitigating", "53.2", True), ("mitigating", "53.1.10", True),
    ("mitigating", "53.1", False), ("mitigating", "53.1.0", False), ("mitigating", "53.1.9\n", False),
    ("mitigating", "54.1.1", False), ("mitigating", "53.1.٣", False),
    ("aggravating", "54.1.1", True), ("aggravating", "54.1.12", True),
    ("aggravating", "54.2", False), ("aggravating", "54.1.", False), ("aggravating", " 54.1.1", False),
])
def test_circumstance_codes_are_well_formed(field, code, valid):
    r = record()
    r["offences"][0][field] = [code]
    if valid:
        ok(r)
    else:
        assert paths(r) == [f"offences[0].{field}[0]"]


def test_shape_errors_come_alone_without_a_cascade():
    r = record()
    r["verdict_date"] = "15.03.2024"
    r["offences"][0]["committed_on"] = "2030-01-01"  # would be a cross-field error on a sound record
    assert errors(r) == [("verdict_date", "дата должна быть строкой в формате ГГГГ-ММ-ДД (цифры 0–9)")]


def test_record_that_is_not_an_object():
    assert validate_record([record()])[0].message == "запись должна быть JSON-объектом, а не массив"


def test_enum_message_lists_the_codes_not_the_value_given():
    r = record()
    r["defendant"]["sex"] = "x" * 500
    ((path, msg),) = errors(r)
    assert path == "defendant.sex" and '"M" или "F"' in msg and "x" not in msg  # F18: no echo
    r["defendant"]["sex"] = None
    assert errors(r)[0][1] == 'недопустимое значение; допустимые: "M" или "F"'


def test_unknown_extra_fields_are_ignored():
    r = record(export_batch="2024-03-16T02:00", court={"code": "X", "building": 3})
    ok(r)


def test_boolean_is_not_a_disability_group():
    r = record()
    r["defendant"]["disability_group"] = True
    assert paths(r) == ["defendant.disability_group"]
    r["defendant"]["disability_group"] = 2
    assert ok(r).defendant.disability_group == 2
