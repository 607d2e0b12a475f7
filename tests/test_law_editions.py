"""Two texts of the Code read one after the other: which edition answers on which day (issue 9 §2).

The articles here are made up (article 500) so that the mechanism is tested on dates the shipped
catalogue does not hold; the law's words in the footnote are the Code's own formula."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from legality.law import Catalogue
from legality.law.editions import PUBLICATION_BOUND, in_force_span, merge_article
from legality.law.schema import AmendmentSpec, ArticleFile
from legality.model.values import ArticleRef, Quantity, Term
from legality.resources import LAW_DIR

TEN_DAYS = "вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования"


def art(entries, *, until, since, footnotes=()):
    return ArticleFile.model_validate({
        "article": "500", "title": "Проба", "source": "https://example.org/code", "edition": f"text of {until}",
        "verified_from": since, "verified_until": until, "footnotes": list(footnotes), "entries": entries})


def entry(part, principal, additional=(), category="medium", **kw):
    return {"part": part, "summary": f"ч.{part}", "category": category, "principal": list(principal),
            "additional": list(additional), "valid_from": "2015-01-01", "verified": True, **kw}


def prison(lo, hi):
    return {"kind": "imprisonment", "min": None if lo is None else {"years": lo}, "max": {"years": hi}}


def fine(hi):
    return {"kind": "fine", "max": hi}


LAW = {"law": "Закон РК от 01.03.2023 № 200-VII", "signed": "2023-03-01", "number": "200-VII",
       "in_force_after_days": 10, "in_force_rule": TEN_DAYS}
OLD = art([
    entry(1, [fine(1000), prison(None, 3)]),
    entry(2, [prison(2, 5)], [{"kind": "ban_on_office", "mandatory": True, "max": {"years": 3}}], category="medium"),
    entry(3, [prison(5, 10)], category="grave"),
], since="2019-12-27", until="2020-01-15")
NEW = art([
    entry(1, [fine(1000), prison(None, 3)]),
    entry(2, [prison(3, 6), {"kind": "restriction_of_liberty", "max": {"years": 4}}],
          [{"kind": "ban_on_office", "mandatory": False, "max": {"years": 5}}], category="grave"),
    entry("2-1", [prison(6, 8)], category="grave"),
], since="2023-03-01", until="2024-06-01", footnotes=[LAW])

FIRST = date(2023, 3, 12)          # signed + 10 days + 1: publication on the day of signing
LAST = FIRST + PUBLICATION_BOUND   # publication at the latest we allow


def write(root: Path, a: ArticleFile) -> Catalogue:
    shutil.copytree(LAW_DIR / "general", root / "general", dirs_exist_ok=True)
    (root / "sanctions").mkdir(exist_ok=True)
    data = a.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    (root / "sanctions" / f"{a.article}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                           encoding="utf-8")
    return Catalogue.load(root)


@pytest.fixture
def merged() -> ArticleFile:
    return merge_article(OLD, NEW, date(2024, 6, 1))


def spans(a: ArticleFile, part):
    return [(e.valid_from, e.valid_to, e.window) for e in a.entries if e.part == part]


def test_ten_days_after_publication_is_a_window():
    span = in_force_span(AmendmentSpec.model_validate(LAW), date(2024, 6, 1))
    assert (span.first, span.last, span.exact) == (FIRST, LAST, False)
    exact = AmendmentSpec(law="x", signed=date(2018, 6, 1), in_force_from=date(2018, 7, 1))
    assert in_force_span(exact, date(2024, 6, 1)).exact


def test_unchanged_part_keeps_one_entry_verified_up_to_the_new_text(merged, tmp_path):
    assert spans(merged, 1) == [(date(2015, 1, 1), None, False)]
    cat = write(tmp_path, merged)
    lk = cat.sanction(ArticleRef("500", 1), date(2023, 3, 20))
    assert lk.found and lk.current_edition_verified  # both texts read agree: verified across the amendment
    assert not cat.sanction(ArticleRef("500", 1), date(2024, 6, 2)).current_edition_verified


def test_changed_part_old_then_window_then_new(merged):
    assert spans(merged, 2) == [(date(2015, 1, 1), FIRST.replace(day=11), False), (FIRST, LAST, True),
                                (LAST.fromordinal(LAST.toordinal() + 1), None, False)]


def test_window_holds_only_what_both_editions_agree_on(merged):
    w = next(e for e in merged.entries if e.part == 2 and e.window)
    p = {x.kind.value: x for x in w.principal}
    assert set(p) == {"imprisonment", "restriction_of_liberty"}  # kinds of either
    assert p["imprisonment"].min.years == 2 and p["imprisonment"].max.years == 6  # smaller min, larger max
    (ban,) = w.additional
    assert ban.mandatory is False and ban.max.years == 5  # mandatory only if both; the longer term
    assert w.category.value == "grave" and w.verified


@pytest.mark.parametrize("on, max_years, verified, window", [
    (date(2023, 3, 11), 5, True, False),   # the last day the old edition certainly applied
    (FIRST, 6, False, True),               # the first day the new one may apply
    (LAST, 6, False, True),                # the last day it may not yet apply
    (date.fromordinal(LAST.toordinal() + 1), 6, True, False),
])
def test_lookups_at_the_boundaries(merged, tmp_path, on, max_years, verified, window):
    cat = write(tmp_path, merged)
    lk = cat.sanction(ArticleRef("500", 2), on)
    assert lk.found
    assert lk.sanction.max_of("imprisonment") == Term(max_years)
    assert lk.current_edition_verified is verified and lk.sanction.window is window
    if window:
        assert "обе редакции" in lk.message and "точный день в тексте не указан" in lk.message
        assert lk.sanction.min_of("imprisonment") == Term(2)
        assert lk.sanction.mandatory_additional() == ()


def test_repealed_part_ends_after_its_window(merged, tmp_path):
    assert spans(merged, 3) == [(date(2015, 1, 1), date(2023, 3, 11), False), (FIRST, LAST, True)]
    cat = write(tmp_path, merged)
    assert cat.sanction(ArticleRef("500", 3), LAST).found
    after = cat.sanction(ArticleRef("500", 3), date(2024, 1, 1))
    assert after.status == "unknown_edition"


def test_added_subpart_starts_with_its_window(merged, tmp_path):
    assert spans(merged, "2-1") == [(FIRST, LAST, True), (date.fromordinal(LAST.toordinal() + 1), None, False)]
    cat = write(tmp_path, merged)
    assert cat.sanction(ArticleRef("500", "2-1"), date(2023, 3, 1)).status == "unknown_edition"
    assert cat.sanction(ArticleRef("500", "2-1"), date(2024, 1, 1)).current_edition_verified


def test_exact_day_in_the_text_needs_no_window(tmp_path):
    law = {**LAW, "in_force_after_days": None, "in_force_from": "2023-07-01", "in_force_rule": "вводится в действие с 01.07.2023"}
    m = merge_article(OLD, NEW.model_copy(update={"footnotes": [AmendmentSpec.model_validate(law)]}), date(2024, 6, 1))
    assert spans(m, 2) == [(date(2015, 1, 1), date(2023, 6, 30), False), (date(2023, 7, 1), None, False)]
    cat = write(tmp_path, m)
    assert cat.sanction(ArticleRef("500", 2), date(2023, 6, 30)).sanction.max_of("imprisonment") == Term(5)
    assert cat.sanction(ArticleRef("500", 2), date(2023, 7, 1)).sanction.max_of("imprisonment") == Term(6)


def test_footnote_naming_another_part_does_not_date_this_one():
    other = {**LAW, "law": "Закон РК от 01.02.2022 № 100-VII", "signed": "2022-02-01", "number": "100-VII",
             "in_force_after_days": None, "in_force_from": "2022-02-15", "parts": ["ч.1"]}
    named = {**LAW, "parts": ["ч.2"]}
    m = merge_article(OLD, NEW.model_copy(update={"footnotes": [AmendmentSpec.model_validate(other),
                                                                AmendmentSpec.model_validate(named)]}),
                      date(2024, 6, 1))
    assert spans(m, 2)[1] == (FIRST, LAST, True)


def test_no_footnote_dates_the_change_between_the_two_texts():
    m = merge_article(OLD, NEW.model_copy(update={"footnotes": []}), date(2024, 6, 1))
    assert spans(m, 2) == [(date(2015, 1, 1), date(2020, 1, 15), False), (date(2020, 1, 16), date(2024, 6, 1), True),
                           (date(2024, 6, 2), None, False)]


def test_a_part_missing_from_an_unamended_later_text_is_not_repealed():
    # no new footnote: nothing amended the article, so a part the later text lacks (unread) keeps its entry
    partial = NEW.model_copy(update={"footnotes": [], "entries": [e for e in OLD.entries if e.part != 3]})
    m = merge_article(OLD, partial, date(2024, 6, 1))
    assert spans(m, 3) == [(date(2015, 1, 1), None, False)]


def test_repealed_article_ends_every_part(tmp_path):
    gone = NEW.model_copy(update={"entries": [], "repealed": "исключена Законом РК от 01.03.2023 № 200-VII"})
    m = merge_article(OLD, gone, date(2024, 6, 1))
    assert m.repealed and {e.part for e in m.entries} == {1, 2, 3}
    assert all(e.valid_to is not None for e in m.entries)
    cat = write(tmp_path, m)
    assert cat.sanction(ArticleRef("500", 1), date(2023, 3, 11)).found
    lk = cat.sanction(ArticleRef("500", 1), date(2024, 1, 1))
    assert lk.status == "unknown_edition" and "исключена" in lk.message


def test_an_end_reported_after_the_earlier_text_is_decided_by_the_later_one(tmp_path):
    # the earlier file ended ч.1 and ч.2 on 15.04.2024 from a news report of a later law (not read in a text)
    ended = OLD.model_copy(update={"entries": [e.model_copy(update={"valid_to": date(2024, 4, 15)}) if e.part in (1, 2)
                                               else e for e in OLD.entries]})
    m = merge_article(ended, NEW, date(2024, 6, 1))
    assert spans(m, 1) == [(date(2015, 1, 1), None, False)]  # the later text shows it unchanged: still in force
    assert spans(m, 2)[0] == (date(2015, 1, 1), date(2023, 3, 11), False)  # ends where the footnote's law begins
    write(tmp_path, m)  # no overlapping editions


def test_merging_the_same_text_again_changes_nothing(merged):
    again = merge_article(merged, NEW, date(2024, 6, 1))
    assert again == merged


def test_a_harsher_and_a_milder_edition_both_load(merged, tmp_path):
    milder = art([entry(1, [fine(500), prison(None, 2)]), entry(2, [prison(1, 4)]), entry("2-1", [prison(4, 6)])],
                 since="2025-01-10", until="2025-06-01",
                 footnotes=[LAW, {**LAW, "law": "Закон РК от 01.01.2025 № 300-VIII", "signed": "2025-01-01",
                                  "number": "300-VIII"}])
    m2 = merge_article(merged, milder, date(2025, 6, 1))
    cat = write(tmp_path, m2)
    assert cat.sanction(ArticleRef("500", 1), date(2024, 12, 1)).sanction.max_of("fine") == Quantity(1000, "mrp")
    assert cat.sanction(ArticleRef("500", 1), date(2025, 5, 1)).sanction.max_of("fine") == Quantity(500, "mrp")
    assert cat.sanction(ArticleRef("500", 2), date(2024, 12, 1)).sanction.max_of("imprisonment") == Term(6)
    assert cat.sanction(ArticleRef("500", 2), date(2025, 5, 1)).sanction.max_of("imprisonment") == Term(4)


# ---------------------------------------------------------------------------- lex mitior (ст.6) in the pack

from legality.engine import Engine  # noqa: E402
from legality.model import validate_record  # noqa: E402
from legality.resources import RULES_DIR  # noqa: E402

from verdict_samples import record  # noqa: E402

EDITIONS = """\
article: '500'
title: Проба (три редакции)
source: https://example.org/code
edition: test
verified_from: 2015-01-01
verified_until: 2025-01-01
entries:
  # ч.1: 2–8 years; a milder law (≤ 5) from 01.07.2020; a harsher one again (≤ 6, still milder than 8) from 01.07.2021
  - {part: 1, summary: a, category: grave, valid_from: 2015-01-01, valid_to: 2020-06-30, verified: true,
     principal: [{kind: restriction_of_liberty, max: {years: 5}}, {kind: imprisonment, min: {years: 2}, max: {years: 8}}]}
  - {part: 1, summary: a, category: medium, valid_from: 2020-07-01, valid_to: 2021-06-30, verified: true,
     principal: [{kind: restriction_of_liberty, max: {years: 5}}, {kind: imprisonment, min: {years: 2}, max: {years: 5}}]}
  - {part: 1, summary: a, category: grave, valid_from: 2021-07-01, verified: true,
     principal: [{kind: restriction_of_liberty, max: {years: 5}}, {kind: imprisonment, min: {years: 2}, max: {years: 6}}]}
  # ч.2: imprisonment dropped from 01.07.2020
  - {part: 2, summary: b, category: minor, valid_from: 2015-01-01, valid_to: 2020-06-30, verified: true,
     principal: [{kind: fine, max: 1000}, {kind: restriction_of_liberty, max: {years: 2}}, {kind: imprisonment, max: {years: 2}}]}
  - {part: 2, summary: b, category: minor, valid_from: 2020-07-01, verified: true,
     principal: [{kind: fine, max: 1000}, {kind: restriction_of_liberty, max: {years: 2}}]}
  # ч.3: a milder law whose day of entry into force lies in [12.03.2022, 10.04.2022]
  - {part: 3, summary: c, category: grave, valid_from: 2015-01-01, valid_to: 2022-03-11, verified: true,
     principal: [{kind: imprisonment, min: {years: 3}, max: {years: 10}}]}
  - {part: 3, summary: c, category: grave, valid_from: 2022-03-12, valid_to: 2022-04-10, verified: true, window: true,
     principal: [{kind: imprisonment, min: {years: 3}, max: {years: 10}}]}
  - {part: 3, summary: c, category: medium, valid_from: 2022-04-11, verified: true,
     principal: [{kind: imprisonment, min: {years: 3}, max: {years: 5}}]}
"""
RETRO = {"retroactive-milder-max-exceeded", "retroactive-intermediate-max-exceeded",
         "retroactive-milder-kind-removed", "retroactive-intermediate-kind-removed"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    extra = tmp_path_factory.mktemp("editions")
    (extra / "500.yaml").write_text(EDITIONS, encoding="utf-8")
    engine, diags = Engine.compile(RULES_DIR, catalogue=Catalogue.load(extra=[extra]))
    assert engine is not None, [d.header() for d in diags]
    return engine


def retro(pack, part, committed, verdict_date, principal):
    r = record()
    r["verdict_date"] = verdict_date
    o = r["offences"][0]
    o.update(article="500", part=part, committed_on=committed, stage="completed", mitigating=[], aggravating=[])
    o.pop("paragraph")
    o["sentence"]["principal"] = principal
    r["final_sentence"]["principal"] = principal
    if principal["kind"] != "imprisonment":
        r["final_sentence"]["regime"] = None
    v = validate_record(r)
    assert not isinstance(v, list), v
    ev = pack.evaluate(v, trace=True)
    assert not ev.faults, [f.message for f in ev.faults]
    return {c.rule: c for c in ev.candidates if c.rule in RETRO}, {t.rule: t.status for t in ev.trace.rules if t.rule in RETRO}


def prison_years(y, m=0):
    return {"kind": "imprisonment", "term": {"years": y, "months": m}}


def test_above_the_maximum_of_the_milder_law_in_force_at_the_verdict_is_high(pack):
    found, _ = retro(pack, 1, "2019-05-01", "2021-09-01", prison_years(7))
    assert set(found) == {"retroactive-milder-max-exceeded"}
    c = found["retroactive-milder-max-exceeded"]
    assert c.severity == "high" and c.allowed == {"max": {"years": 6, "months": 0, "days": 0}}
    assert "ст.6 ч.1" in c.message and "01.07.2021" in c.message
    assert c.citations[0]["article"] == "6"


def test_at_that_maximum_only_the_intermediate_law_speaks_at_medium(pack):
    found, status = retro(pack, 1, "2019-05-01", "2021-09-01", prison_years(6))
    assert status["retroactive-milder-max-exceeded"] == "passed"
    (c,) = found.values()
    assert c.rule == "retroactive-intermediate-max-exceeded" and c.severity == "medium"
    assert "промежуточный закон" in c.message  # says which reading was taken
    assert c.allowed == {"max": {"years": 5, "months": 0, "days": 0}}


def test_within_every_milder_maximum_is_lawful(pack):
    found, status = retro(pack, 1, "2019-05-01", "2021-09-01", prison_years(5))
    assert found == {} and status["retroactive-intermediate-max-exceeded"] == "passed"


@pytest.mark.parametrize("committed, verdict_date, applies", [
    ("2019-05-01", "2020-06-30", False),  # the verdict the day before the milder law: nothing to apply
    ("2019-05-01", "2020-07-01", True),   # the verdict on its first day: it applies
    ("2020-06-30", "2020-09-01", True),   # the offence on the old law's last day
    ("2020-07-01", "2020-09-01", False),  # the offence on the milder law's first day: it is the ordinary sanction
])
def test_lex_mitior_at_the_boundary_dates(pack, committed, verdict_date, applies):
    found, status = retro(pack, 1, committed, verdict_date, prison_years(5, 6))
    assert ("retroactive-milder-max-exceeded" in found) is applies
    if not applies:
        assert status["retroactive-milder-max-exceeded"] in ("not_applicable", "missing")


def test_a_kind_the_milder_law_removed(pack):
    found, _ = retro(pack, 2, "2019-05-01", "2021-01-10", prison_years(1))
    assert set(found) == {"retroactive-milder-kind-removed"} and found["retroactive-milder-kind-removed"].severity == "high"
    found, status = retro(pack, 2, "2019-05-01", "2021-01-10", {"kind": "restriction_of_liberty", "term": {"years": 1}})
    assert found == {} and status["retroactive-milder-kind-removed"] == "passed"


def test_a_harsher_later_law_is_never_applied(pack):
    # ч.1 offence under the 5-year law, verdict under the 6-year one (ст.6 ч.3): nothing is milder than the 5-year law
    found, status = retro(pack, 1, "2020-09-01", "2021-09-01", prison_years(5))
    assert found == {} and status["retroactive-milder-max-exceeded"] == "not_applicable"


def test_inside_an_entry_into_force_window_nothing_is_decided(pack):
    # verdict inside the window: the new milder law may not yet apply; the window entry is no milder than the old
    found, _ = retro(pack, 3, "2021-05-01", "2022-03-20", prison_years(8))
    assert found == {}
    found, _ = retro(pack, 3, "2021-05-01", "2022-04-11", prison_years(8))  # the first day after the window
    assert set(found) == {"retroactive-milder-max-exceeded"}
