"""Sub-parts an amendment inserted between two parts («ч.3-1 ст.120», audit F21): read, printed, ordered,
accepted by the export, keyed in the catalogue and cited by rules — and never confused with their main part."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from legality.driver import compile as compile_rules
from legality.law import Catalogue
from legality.law.catalogue import CatalogueError
from legality.model import validate_record
from legality.model.values import ArticleRef, Citation, part_key, part_value
from legality.report.model import CandidateModel
from legality.resources import LAW_DIR

from verdict_samples import record


# ------------------------------------------------------------------ ArticleRef


def test_subpart_is_parsed_and_printed_as_the_code_writes_it():
    r = ArticleRef.parse("ч.3-1 ст.120")
    assert r == ArticleRef("120", "3-1") and r.part == "3-1"
    assert str(r) == "ч.3-1 ст.120"
    assert str(ArticleRef.parse("УК РК п.2 ч.3-1 ст.120")) == "п.2 ч.3-1 ст.120"
    assert str(Citation.parse("УК РК ст.120 ч.3-2")) == "ч.3-2 ст.120 УК РК"
    assert ArticleRef.parse("ч.3 ст.120").part == 3  # a plain part stays a number


def test_parts_order_as_the_code_prints_them():
    refs = [ArticleRef("120", 4), ArticleRef("120", "3-2"), ArticleRef("120", 3), ArticleRef("120", "3-1"),
            ArticleRef("120", "3-10"), ArticleRef("120", 1), ArticleRef("120")]
    assert sorted(refs) == [ArticleRef("120"), ArticleRef("120", 1), ArticleRef("120", 3), ArticleRef("120", "3-1"),
                            ArticleRef("120", "3-2"), ArticleRef("120", "3-10"), ArticleRef("120", 4)]
    assert sorted(refs, key=ArticleRef.sort_key) == sorted(refs)
    assert ArticleRef("120", "3-1") != ArticleRef("120", 3)
    assert part_key("3-1") < part_key(4) and part_key(3) < part_key("3-1")


@pytest.mark.parametrize("bad", ["3-", "-1", "3-1-2", "03-1", "٣-١", "3.1", 0, True, "", "0-1"])
def test_what_is_not_a_part(bad):
    with pytest.raises(ValueError):
        part_value(bad)


def test_a_part_written_as_digits_is_the_same_part():
    assert part_value("3") == 3 and ArticleRef("120", "3") == ArticleRef("120", 3)


# ------------------------------------------------------------------ export


def _with_part(part, prior_part=2):
    r = record()
    r["offences"][0].update(article="120", part=part, stage="completed")
    r["offences"][0].pop("paragraph")
    r["defendant"]["prior_convictions"][0]["articles"][0]["part"] = prior_part
    return validate_record(r)


def test_export_accepts_a_subpart_in_an_offence_and_a_prior():
    v = _with_part("3-1", prior_part="3-2")
    assert not isinstance(v, list), v
    assert v.offences[0].ref == ArticleRef("120", "3-1")
    assert v.defendant.prior_convictions[0].articles[0].ref == ArticleRef("188", "3-2")


def test_every_v1_record_keeps_validating():
    v = _with_part(3)
    assert not isinstance(v, list) and v.offences[0].part == 3


@pytest.mark.parametrize("bad", ["3", "3-", "3.1", "03-1", 0, 2.0, True])
def test_export_rejects_a_malformed_part_in_russian(bad):
    errs = _with_part(bad)
    assert isinstance(errs, list)
    assert [e.path for e in errs] == ["offences[0].part"]
    assert "част" in errs[0].message and "constrained" not in errs[0].message


# ------------------------------------------------------------------ catalogue

ENTRY = """\
  - part: {part}
    summary: x
    category: especially_grave
    principal:
      - {{kind: imprisonment, min: {{years: {lo}}}, max: {{years: {hi}}}}}
    valid_from: 2015-01-01
    verified: true
"""


@pytest.fixture(scope="module")
def subcat(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("law")
    shutil.copytree(LAW_DIR / "general", root / "general")
    (root / "sanctions").mkdir()
    (root / "sanctions" / "500.yaml").write_text(dedent("""\
        article: '500'
        title: Проба
        source: https://example.org/code
        edition: test
        entries:
        """) + ENTRY.format(part=3, lo=12, hi=15) + ENTRY.format(part="'3-1'", lo=12, hi=17)
        + ENTRY.format(part="3-2", lo=17, hi=20) + ENTRY.format(part=4, lo=20, hi=20), encoding="utf-8")
    return root


def test_catalogue_keys_subparts_apart_from_their_main_part(subcat):
    cat = Catalogue.load(subcat)
    on = date(2019, 6, 1)
    assert str(cat.sanction(ArticleRef("500", "3-1"), on).sanction.max_of("imprisonment")) == "17 лет"
    assert str(cat.sanction(ArticleRef("500", 3), on).sanction.max_of("imprisonment")) == "15 лет"
    assert cat.sanction(ArticleRef.parse("ч.3-2 ст.500"), on).sanction.ref == ArticleRef("500", "3-2")
    assert cat.sanction(ArticleRef("500", "3-3"), on).status == "unknown_article"
    assert [str(s.ref) for s in cat.sanctions()] == ["ч.3 ст.500", "ч.3-1 ст.500", "ч.3-2 ст.500", "ч.4 ст.500"]


def test_catalogue_refuses_a_malformed_subpart(tmp_path):
    (tmp_path / "500.yaml").write_text("article: '500'\ntitle: x\nsource: s\nedition: e\nentries:\n"
                                       + ENTRY.format(part="'3.1'", lo=1, hi=2), encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        Catalogue.load(tmp_path)
    assert "entries.0.part" in str(e.value)


# ------------------------------------------------------------------ rules

RULE = """
rule probe-x for offence {{
  title "t"
  severity low
  cite "УК РК ст.500 ч.3-1", offence.ref
  violation {expr}
  actual offence.code
  message "{{offence.ref}}: {{offence.sanction.max(imprisonment)}}"
}}"""


def _run(subcat, expr: str, part):
    cat = Catalogue.load(subcat)
    u = compile_rules(sources={"t.legal": RULE.format(expr=expr)}, catalogue=cat)
    assert u.program is not None, [d.render(u.sources) for d in u.diags if d.is_error]
    r = record()
    r["offences"][0].update(article="500", part=part, stage="completed", committed_on="2019-06-01")
    r["offences"][0].pop("paragraph")
    v = validate_record(r)
    assert not isinstance(v, list), v
    return u.program.evaluate(v, trace=True)


def test_rule_cites_a_subpart_and_reads_its_sanction(subcat):
    ev = _run(subcat, "offence.sentence.principal.term < offence.sanction.max(imprisonment)", "3-1")
    (c,) = ev.candidates
    assert c.citations[0] == {"act": "УК РК", "article": "500", "part": "3-1", "paragraph": None}
    assert c.citations[1]["part"] == "3-1"
    assert c.actual == "500.3-1"
    assert c.message == "ч.3-1 ст.500 УК РК: 17 лет"
    CandidateModel.model_validate(c.to_json())


def test_a_subpart_is_not_its_main_part_in_rules(subcat):
    # `offence.part` is a number: for ч.3-1 it is missing, so `offence.part = 3` can never hold for it
    ev = _run(subcat, "offence.part = 3", "3-1")
    assert ev.candidates == []
    assert len(_run(subcat, "offence.part = 3", 3).candidates) == 1
    assert len(_run(subcat, 'offence.code = "500.3-1"', "3-1").candidates) == 1
