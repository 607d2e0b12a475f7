"""Additional penalties of a sanction as the rule language reads them (audit F14 / C4 build on these)."""

from __future__ import annotations

from datetime import date

import pytest

from legality.driver import compile as compile_rules
from legality.law import Catalogue
from legality.model import validate_record
from legality.model.values import ArticleRef, Term
from legality.result import trace as T

from support.compiled import program
from verdict_samples import record


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def verdict(article: str, part: int, paragraph: int | None = None):
    r = record()
    o = r["offences"][0]
    o.update(article=article, part=part, stage="completed", committed_on="2021-06-01")
    if paragraph is None:
        o.pop("paragraph", None)
    else:
        o["paragraph"] = paragraph
    v = validate_record(r)
    assert not isinstance(v, list), v
    return v


def rule(expr: str) -> str:
    return f"""
rule probe-x for offence {{
  title "t"
  severity low
  cite offence.ref
  violation {expr} is present
  actual {expr}
  message "x"
}}"""


def actual(cat, expr: str, article: str, part: int):
    ev = program(cat, rule(expr)).evaluate(verdict(article, part), trace=True)
    assert ev.faults == []
    return [c.actual for c in ev.candidates]


def test_sanction_methods_on_the_shipped_catalogue(cat):
    s3 = cat.sanction(ArticleRef("120", 3), date(2021, 6, 1)).sanction
    assert s3.additional_max("ban_on_office") == Term(10)
    assert s3.additional_fixed("ban_on_office") is True
    assert s3.additional_lifelong("ban_on_office") is False
    assert s3.additional_with("ban_on_office") is None
    s4 = cat.sanction(ArticleRef("120", 4), date(2021, 6, 1)).sanction
    assert s4.additional_max("ban_on_office") is None  # lifelong: no stated term to compare with
    assert s4.additional_lifelong("ban_on_office") is True
    assert s4.additional_with("ban_on_office").value == "imprisonment"
    s1 = cat.sanction(ArticleRef("120", 1), date(2021, 6, 1)).sanction
    for m in (s1.additional_max, s1.additional_fixed, s1.additional_lifelong, s1.additional_with):
        assert m("ban_on_office") is None  # the sanction provides no ban at all


def test_additional_max_in_a_rule(cat):
    assert actual(cat, "offence.sanction.additional_max(ban_on_office)", "120", 3) == [{"years": 10, "months": 0, "days": 0}]


def test_additional_fixed_and_lifelong_in_a_rule(cat):
    assert actual(cat, "offence.sanction.additional_fixed(ban_on_office)", "120", 3) == [True]
    assert actual(cat, "offence.sanction.additional_lifelong(ban_on_office)", "120", 4) == [True]
    assert actual(cat, "offence.sanction.additional_with(ban_on_office)", "120", 4) == ["imprisonment"]


def test_not_provided_is_missing_not_false(cat):
    ev = program(cat, rule("offence.sanction.additional_fixed(ban_on_office)")).evaluate(verdict("120", 1), trace=True)
    assert ev.candidates == []
    text = """
rule probe-x for offence {
  title "t"
  severity low
  cite offence.ref
  violation offence.sanction.additional_fixed(ban_on_office) = false
  message "x"
}"""
    ev = program(cat, text).evaluate(verdict("120", 1), trace=True)
    assert ev.candidates == [] and {r.status for r in ev.trace.rules} == {T.MISSING}


def test_additional_options_list_members(cat):
    text = """
rule probe-x for offence {
  title "t"
  severity low
  cite offence.ref
  violation any a in offence.sanction.additional: (a.fixed = true and a.max = 10 years)
  message "x"
}"""
    assert len(program(cat, text).evaluate(verdict("120", 3)).candidates) == 1
    assert program(cat, text).evaluate(verdict("120", 2)).candidates == []


def test_additional_max_type_is_a_term(cat):
    text = """
rule probe-x for offence {
  title "t"
  severity low
  cite offence.ref
  violation offence.sanction.additional_max(ban_on_office) > 500 mrp
  message "x"
}"""
    u = compile_rules(sources={"t.legal": text}, catalogue=cat)
    assert any(d.code == "E102" for d in u.diags)
