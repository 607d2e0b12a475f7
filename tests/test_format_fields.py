"""The additive fields of the export format (issue 10 §5): optional, read by the model, the schema and the rules.

A v1 record (the baseline in shared/formats/) must keep validating unchanged; a record that carries the new
fields must be read to the same values by `legality validate`, the JSON Schema and the rule language.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import jsonschema
import pytest

from legality.driver import compile as compile_rules
from legality.io.schema import export_schema
from legality.law import Catalogue
from legality.model import Verdict, validate_record
from legality.model.enums import Clemency, Procedure, VictimAgeGroup

from verdict_samples import EXAMPLE, record, two_offences

ROOT = Path(__file__).resolve().parents[1]
V1_DOC = Path("/work/shared/formats/verdict-export-v1.md")
if not V1_DOC.exists():  # layout of a checkout next to shared/
    V1_DOC = ROOT.parent / "shared" / "formats" / "verdict-export-v1.md"

def full_record() -> dict:
    """The format's example with every field this issue adds."""
    r = record(forced_payment={"mrp": 20})
    p = r["defendant"]["prior_convictions"][0]
    p.update(in_force_date="2019-06-05", suspended=True, real_imprisonment=False, probation={"years": 2},
             clemency="amnesty")
    o = r["offences"][0]
    o.update(criminal_group=True, victim_age_group="under_16", evasion={"from": "2023-12-01", "to": "2024-01-10"})
    o["sentence"]["amnesty_act"] = "Закон РК от 13.12.2016 «Об амнистии»"
    return r


def _schema_errors(obj: dict) -> list[str]:
    v = jsonschema.Draft202012Validator(export_schema(), format_checker=jsonschema.FormatChecker())
    return [e.message for e in v.iter_errors(obj)]


def test_the_v1_example_of_the_baseline_document_still_validates():
    import json
    text = V1_DOC.read_text(encoding="utf-8")
    block = re.search(r"## Example.*?```json\n(.*?)```", text, re.S)
    assert block, "the example of verdict-export-v1.md was not found"
    obj = json.loads(block.group(1))
    assert obj == EXAMPLE  # the test samples are the baseline's own example
    v = validate_record(obj)
    assert isinstance(v, Verdict), v
    assert _schema_errors(obj) == []
    # none of the new fields is required: absent, each reads as missing
    assert v.forced_payment is None
    p = v.defendant.prior_convictions[0]
    assert (p.in_force_date, p.probation, p.clemency) == (None, None, None)
    o = v.offences[0]
    assert (o.criminal_group, o.victim_age_group, o.evasion, o.sentence.amnesty_act) == (None, None, None, None)


def test_every_new_field_is_read_to_its_value():
    v = validate_record(full_record())
    assert isinstance(v, Verdict), v
    p = v.defendant.prior_convictions[0]
    assert p.in_force_date == dt.date(2019, 6, 5) and p.probation.total_months == 24
    assert p.clemency is Clemency.amnesty and p.clemency.ru == "амнистия"
    o = v.offences[0]
    assert o.criminal_group is True and o.victim_age_group is VictimAgeGroup.under_16
    assert (o.evasion.from_, o.evasion.to) == (dt.date(2023, 12, 1), dt.date(2024, 1, 10))
    assert o.sentence.amnesty_act.startswith("Закон РК")
    assert v.forced_payment.mrp == 20
    assert _schema_errors(full_record()) == []


def test_order_procedure_is_a_code_with_a_russian_label():
    v = validate_record(record(procedure="order"))
    assert isinstance(v, Verdict) and v.procedure is Procedure.order and v.procedure.ru == "приказное производство"
    assert _schema_errors(record(procedure="order")) == []


def test_evasion_may_be_open_ended():
    r = record()
    r["offences"][0]["evasion"] = {"from": "2023-12-01", "to": None}
    v = validate_record(r)
    assert isinstance(v, Verdict) and v.offences[0].evasion.to is None


@pytest.mark.parametrize("mutate, path", [
    (lambda r: r.update(forced_payment={"mrp": 0}), "forced_payment.mrp"),
    (lambda r: r.update(forced_payment={"mrp": -5}), "forced_payment.mrp"),
    (lambda r: r.update(forced_payment={}), "forced_payment.mrp"),
    (lambda r: r["offences"][0].update(victim_age_group="child"), "offences[0].victim_age_group"),
    (lambda r: r["offences"][0].update(criminal_group="да"), "offences[0].criminal_group"),
    (lambda r: r["offences"][0].update(evasion={"to": "2024-01-01"}), "offences[0].evasion.from"),
    (lambda r: r["offences"][0]["sentence"].update(amnesty_act=""), "offences[0].sentence.amnesty_act"),
    (lambda r: r["defendant"]["prior_convictions"][0].update(in_force_date="05.06.2019"),
     "defendant.prior_convictions[0].in_force_date"),
    (lambda r: r["defendant"]["prior_convictions"][0].update(clemency="parole"),
     "defendant.prior_convictions[0].clemency"),
])
def test_malformed_new_fields_make_the_record_invalid_in_validate_and_the_schema(mutate, path):
    r = record()
    mutate(r)
    res = validate_record(r)
    assert isinstance(res, list) and [e.path for e in res] == [path]
    assert _schema_errors(r), path


def test_a_zero_payment_is_named_as_a_payment_not_a_penalty():
    res = validate_record(record(forced_payment={"mrp": 0}))
    assert [(e.path, "размер платежа не может быть нулевым" in e.message) for e in res] == [("forced_payment.mrp", True)]


@pytest.mark.parametrize("mutate, path", [
    (lambda r: r["defendant"]["prior_convictions"][0].update(in_force_date="2019-05-19"),
     "defendant.prior_convictions[0].in_force_date"),
    (lambda r: r["offences"][0].update(evasion={"from": "2023-11-01"}), "offences[0].evasion.from"),
    (lambda r: r["offences"][0].update(evasion={"from": "2024-03-16"}), "offences[0].evasion.from"),
    (lambda r: r["offences"][0].update(evasion={"from": "2023-12-01", "to": "2023-11-30"}), "offences[0].evasion.to"),
    (lambda r: r["offences"][0].update(evasion={"from": "2023-12-01", "to": "2024-03-16"}), "offences[0].evasion.to"),
])
def test_dates_of_the_new_fields_that_no_verdict_can_hold(mutate, path):
    r = record()
    mutate(r)
    res = validate_record(r)
    assert isinstance(res, list) and [e.path for e in res] == [path], res


@pytest.mark.parametrize("mutate", [
    lambda r: r["defendant"]["prior_convictions"][0].update(in_force_date="2019-05-20"),  # the day of the verdict
    lambda r: r["offences"][0].update(evasion={"from": "2023-11-02", "to": "2024-03-15"}),  # deed day to verdict day
])
def test_boundaries_of_the_new_dates_are_valid(mutate):
    r = record()
    mutate(r)
    assert isinstance(validate_record(r), Verdict)


def test_schema_describes_every_new_field_in_russian():
    s = export_schema()
    defs = s["$defs"]
    props = {
        "forced_payment": s["properties"]["forced_payment"],
        "in_force_date": defs["PriorConviction"]["properties"]["in_force_date"],
        "probation": defs["PriorConviction"]["properties"]["probation"],
        "clemency": defs["PriorConviction"]["properties"]["clemency"],
        "criminal_group": defs["Offence"]["properties"]["criminal_group"],
        "victim_age_group": defs["Offence"]["properties"]["victim_age_group"],
        "evasion": defs["Offence"]["properties"]["evasion"],
        "amnesty_act": defs["Sentence"]["properties"]["amnesty_act"],
        "evasion.from": defs["Evasion"]["properties"]["from"],
    }
    for name, prop in props.items():
        assert re.search("[а-яё]", prop.get("description", ""), re.I), name
    assert "ст.79 ч.1" in props["in_force_date"]["description"]
    assert "ст.71 ч.4" in props["evasion"]["description"]
    assert "ст.98-1" in props["forced_payment"]["description"]
    assert "order — приказное производство" in defs["Procedure"]["description"]
    assert set(defs["VictimAgeGroup"]["enum"]) == {"under_14", "under_16", "under_18", "adult"}
    assert "allOf" not in s and "allOf" not in defs["FinalSentence"], "court errors are not schema errors any more"


@pytest.mark.parametrize("final", [
    {"probation": {"period": {"years": 2}}},  # regime kept: a regime for a conditional sentence
    {"principal": {"kind": "fine", "mrp": 100}, "regime": None, "probation": {"period": {"years": 1}}},
])
def test_court_errors_pass_the_schema_too(final):
    r = record()
    r["final_sentence"].update(final)
    assert _schema_errors(r) == []
    r = two_offences()
    r["final_sentence"]["combination"] = "single"
    assert _schema_errors(r) == []


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


READS_EVERY_FIELD = """
rule reads-new-fields for offence {
  title "t"
  severity low
  cite "УК РК ст.71 ч.4"
  when procedure = order
  violation verdict.forced_payment = 20 mrp and offence.criminal_group and offence.victim_age_group = under_16
    and offence.evasion.from = 2023-12-01 and offence.evasion.to = 2024-01-10
    and sentence.amnesty_act is present
    and (any p in defendant.prior_convictions: p.in_force_date = 2019-06-05 and p.probation = 2 years
         and p.clemency = amnesty)
  message "платёж {verdict.forced_payment}, уклонение с {offence.evasion.from}"
}
"""


def test_rules_read_every_new_field(cat):
    u = compile_rules(sources={"t.legal": READS_EVERY_FIELD}, catalogue=cat)
    assert u.program is not None, [d.render(u.sources) for d in u.diags if d.is_error]
    r = full_record()
    r["procedure"] = "order"
    ev = u.program.evaluate(validate_record(r))
    assert [c.rule for c in ev.candidates] == ["reads-new-fields"]
    assert "20 МРП" in ev.candidates[0].message and "01.12.2023" in ev.candidates[0].message
    # without the fields the rule cannot fire: nothing is assumed
    r = copy.deepcopy(EXAMPLE)
    r["procedure"] = "order"
    assert u.program.evaluate(validate_record(r)).candidates == []
