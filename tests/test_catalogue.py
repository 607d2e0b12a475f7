"""The shipped law catalogue: it loads, cites its sources, and answers lookups by date."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from legality.law import Catalogue, Lookup, ParamValue, Sanction
from legality.model import ArticleRef, Category, Intent, PenaltyKind, Quantity, Term


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


ON = date(2019, 6, 1)  # inside the window of the text read (≈ early 2020) for articles not amended in 2019


def ref(text: str) -> ArticleRef:
    return ArticleRef.parse(text)


# ------------------------------------------------------------------ every entry


def test_every_sanction_cites_its_source_and_has_valid_limits(cat: Catalogue) -> None:
    sanctions = cat.sanctions()
    assert len(sanctions) >= 120  # 38 articles of the reference, ~125 parts
    for s in sanctions:
        where = f"{s.ref} ({s.file}:{s.line})"
        assert s.source.startswith("http"), where
        assert s.edition, where
        assert s.principal, where
        for o in s.principal:
            assert isinstance(o.kind, PenaltyKind), where
            if o.min is not None and o.max is not None:
                assert o.min <= o.max, where
        for a in s.additional:
            assert isinstance(a.kind, PenaltyKind), where
            assert not (a.lifelong and a.max is not None), where


def test_category_follows_art_11_from_the_sanction_maximum(cat: Catalogue) -> None:
    """Cross-check the data: the stated category = Art. 11 applied to the sanction's maximum."""
    th = cat.param("category.thresholds", ON).value
    for s in cat.sanctions():
        kinds = s.kinds()
        if not kinds & {PenaltyKind.imprisonment, PenaltyKind.life_imprisonment, PenaltyKind.restriction_of_liberty}:
            expected = Category.petty_offense
        elif PenaltyKind.life_imprisonment in kinds:
            expected = Category.especially_grave
        else:
            top = s.max_of(PenaltyKind.imprisonment) or s.max_of(PenaltyKind.restriction_of_liberty)
            if s.intent is Intent.negligent:
                expected = Category.minor if top <= th["negligent_minor_max"] else Category.medium
            elif top <= th["intentional_minor_max"]:
                expected = Category.minor
            elif top <= th["intentional_medium_max"]:
                expected = Category.medium
            elif top <= th["intentional_grave_max"]:
                expected = Category.grave
            else:
                expected = Category.especially_grave
        assert s.category is expected, f"{s.ref}: {s.category.value} != {expected.value} ({s.file}:{s.line})"


def test_version_is_a_stable_sha256(cat: Catalogue) -> None:
    assert len(cat.version) == 64
    assert Catalogue.load().version == cat.version


# ------------------------------------------------------------------ sanctions by date


def test_lookup_found_with_exact_limits(cat: Catalogue) -> None:
    lk = cat.sanction(ref("ч.2 ст.188"), ON)
    assert lk.status == "found" and lk.found
    s = lk.sanction
    assert isinstance(s, Sanction)
    assert s.category is Category.medium and s.chapter == 6 and not s.economic
    assert s.max_of("imprisonment") == Term(5)
    assert s.min_of(PenaltyKind.imprisonment) is None  # no minimum in the sanction
    assert s.max_of(PenaltyKind.fine) == Quantity(3000, "mrp")
    assert s.max_of(PenaltyKind.community_service) == Quantity(1200, "hours")
    assert s.most_severe() is PenaltyKind.imprisonment
    assert [a.kind for a in s.mandatory_additional()] == [PenaltyKind.confiscation]
    assert str(s.citation()) == "ч.2 ст.188 УК РК"


def test_item_with_its_own_sanction_and_fallback_to_the_part(cat: Catalogue) -> None:
    item = cat.sanction(ref("п.2 ч.3 ст.189"), ON).sanction
    part = cat.sanction(ref("п.1 ч.3 ст.189"), ON).sanction
    assert item.paragraph == 2 and item.corruption
    assert part.paragraph is None and not part.corruption  # п.1 falls back to the part
    assert item.option(PenaltyKind.fine).min == Quantity(10, "multiple")
    assert PenaltyKind.restriction_of_liberty not in item.kinds()
    assert PenaltyKind.restriction_of_liberty in part.kinds()
    ban = [a for a in item.mandatory_additional() if a.kind is PenaltyKind.ban_on_office]
    assert ban and ban[0].lifelong


def test_corruption_item_sharing_the_part_sanction(cat: Catalogue) -> None:
    on = date(2019, 1, 1)
    p3 = cat.sanction(ref("п.3 ч.4 ст.362"), on).sanction
    p1 = cat.sanction(ref("п.1 ч.4 ст.362"), on).sanction
    assert p3.corruption and not p1.corruption
    assert p3.max_of("imprisonment") == p1.max_of("imprisonment") == Term(10)
    assert cat.sanction(ref("ч.1 ст.366"), on).sanction.corruption


def test_flags_life_health_economic_negligent(cat: Catalogue) -> None:
    assert cat.sanction(ref("ч.1 ст.99"), ON).sanction.against_life_or_health
    assert not cat.sanction(ref("ч.1 ст.188"), ON).sanction.against_life_or_health
    assert cat.sanction(ref("ч.1 ст.218"), ON).sanction.economic
    assert cat.sanction(ref("ч.1 ст.104"), ON).sanction.intent is Intent.negligent
    s = cat.sanction(ref("ч.2 ст.99"), ON).sanction
    assert s.most_severe() is PenaltyKind.life_imprisonment
    assert s.max_of(PenaltyKind.life_imprisonment) is None


def test_additional_tied_to_one_alternative(cat: Catalogue) -> None:
    s = cat.sanction(ref("ч.3 ст.99"), ON).sanction
    ban = next(a for a in s.additional if a.kind is PenaltyKind.ban_on_office)
    assert ban.mandatory and ban.lifelong and ban.with_kind is PenaltyKind.imprisonment
    assert s.option(PenaltyKind.imprisonment).fixed


def test_before_the_code_took_effect_is_unknown_edition(cat: Catalogue) -> None:
    lk = cat.sanction(ref("ч.2 ст.188"), date(2014, 12, 31))
    assert lk.status == "unknown_edition" and lk.sanction is None
    assert "01.01.2015" in lk.message
    assert cat.sanction(ref("ч.2 ст.188"), date(2015, 1, 1)).status == "found"


def test_article_added_later_is_unknown_before_it_existed(cat: Catalogue) -> None:
    assert cat.sanction(ref("ч.1 ст.345-1"), date(2019, 6, 1)).status == "unknown_edition"
    assert cat.sanction(ref("ч.1 ст.345-1"), date(2020, 6, 1)).status == "found"


def test_unknown_article_and_part(cat: Catalogue) -> None:
    assert cat.sanction(ref("ч.1 ст.9999"), ON).status == "unknown_article"
    lk = cat.sanction(ref("ч.9 ст.188"), ON)
    assert lk.status == "unknown_article" and "188" in lk.message


def test_repealed_article_is_not_guessed(cat: Catalogue) -> None:
    lk = cat.sanction(ref("ч.1 ст.108"), ON)
    assert lk.status == "unknown_edition" and "исключена" in lk.message


def test_current_edition_flag_after_the_text_read(cat: Catalogue) -> None:
    before = cat.sanction(ref("ч.2 ст.188"), date(2020, 1, 14))
    after = cat.sanction(ref("ч.2 ст.188"), date(2024, 5, 1))
    assert before.found and after.found
    assert before.current_edition_verified
    assert not after.current_edition_verified and "не сверен" in after.message


# ------------------------------------------------------------------ General-Part parameters

REQUIRED = {
    "age.criminal_liability": int, "age.adult": int, "category.thresholds": dict,
    "imprisonment.min": Term, "imprisonment.max": Term, "imprisonment.max_especially_grave": Term,
    "imprisonment.max_negligent": Term, "imprisonment.max_set_of_offences": Term,
    "imprisonment.max_set_of_sentences": Term, "life.max_age_men": int,
    "fine.min_petty": Quantity, "fine.max_petty": Quantity, "fine.min_crime": Quantity, "fine.max_crime": Quantity,
    "correctional_labour.min_petty": Quantity, "correctional_labour.max_petty": Quantity,
    "correctional_labour.min_crime": Quantity, "correctional_labour.max_crime": Quantity,
    "community_service.min_petty": Quantity, "community_service.max_petty": Quantity,
    "community_service.min_crime": Quantity, "community_service.max_crime": Quantity,
    "arrest.min": Quantity, "arrest.max": Quantity, "restriction.min": Term, "restriction.max": Term,
    "ban_on_office.min": Term, "ban_on_office.max": Term,
    "unfinished.preparation_fraction": Fraction, "unfinished.attempt_fraction": Fraction,
    "leniency.mitigating_fraction": dict, "leniency.agreement_fraction": dict,
    "limitation.period": dict, "limitation.period_corruption_minor_medium": Term,
    "probation.juvenile_min": Term, "probation.juvenile_max": Term, "juvenile.max_imprisonment": Term,
    "set_of_petty.max_fine": Quantity, "set_of_petty.max_community_service": Quantity,
    "set_of_petty.max_arrest": Quantity, "death_penalty.abolished_on": date, "regime.reform_date": date,
    "community_service.excluded_persons": frozenset, "arrest.excluded_persons": frozenset,
    "terrorist.articles": frozenset, "extremist.articles": frozenset,
}
TIERS = {"petty_offense", "minor", "medium", "grave", "grave_life_health", "especially_grave",
         "especially_grave_life_health"}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_parameter_exists_with_its_type(cat: Catalogue, name: str) -> None:
    assert name in cat.param_names()
    spec = cat.param_spec(name)
    assert spec is not None and spec.citation.act == "УК РК" and spec.citation.ref.article
    pv = cat.param(name, date(2020, 1, 1))
    assert isinstance(pv, ParamValue), name
    assert isinstance(pv.value, REQUIRED[name]), (name, pv.value)
    assert pv.source and pv.edition


def test_parameter_values_read_in_the_code(cat: Catalogue) -> None:
    on = date(2019, 6, 1)
    assert cat.param("imprisonment.max", on).value == Term(15)
    assert cat.param("imprisonment.min", on).value == Term(0, 6)
    assert cat.param("life.max_age_men", on).value == 63
    assert cat.param("unfinished.attempt_fraction", on).value == Fraction(3, 4)
    assert cat.param("arrest.max", on).value == Quantity(50, "days")
    th = cat.param("category.thresholds", on).value
    assert th["intentional_grave_max"] == Term(12) and th["negligent_minor_max"] == Term(5)
    lf = cat.param("leniency.mitigating_fraction", on).value
    assert set(lf) == TIERS and lf["grave"] == Fraction(2, 3) and lf["especially_grave"] == Fraction(3, 4)
    assert set(cat.param("leniency.agreement_fraction", on).value) == TIERS
    assert cat.param("limitation.period", on).value["especially_grave"] == Term(15)
    assert "military" in cat.param("community_service.excluded_persons", on).value
    assert "366" in cat.param("corruption.list", on).value and "255" in cat.param("terrorist.articles", on).value


def test_parameter_editions_by_date(cat: Catalogue) -> None:
    # Art. 41 restated in 2018: petty-offence fine band 25 → 20 MRP; the weeks around the change are not guessed
    old, new = cat.param("fine.min_petty", date(2016, 1, 1)), cat.param("fine.min_petty", date(2019, 1, 1))
    assert old.value == Quantity(25, "mrp") and not old.verified
    assert new.value == Quantity(20, "mrp") and new.verified and new.current_edition_verified
    assert cat.param("fine.min_petty", date(2018, 7, 25)) is None
    assert cat.param("imprisonment.max", date(2014, 12, 31)) is None
    # regime rules exist only from the 2017 restatement of Art. 46
    assert cat.param("regime.assignment", date(2016, 1, 1)) is None
    pre = cat.param("regime.assignment", date(2020, 1, 1))
    post = cat.param("regime.assignment", date(2024, 1, 1))
    assert pre.value["dangerous_recidivism"] == "extraordinary" and pre.verified
    assert not post.verified and "first_intentional_up_to_threshold" not in post.value


def test_parameter_after_the_text_read_is_flagged(cat: Catalogue) -> None:
    pv = cat.param("imprisonment.max", date(2024, 1, 1))
    assert pv.verified and not pv.current_edition_verified
    assert cat.param("imprisonment.max", date(2019, 1, 1)).current_edition_verified


def test_unknown_parameter(cat: Catalogue) -> None:
    assert cat.param("no.such.param", ON) is None
    assert cat.param_spec("no.such.param") is None


def test_lookup_type() -> None:
    assert Lookup.__dataclass_fields__.keys() >= {"status", "sanction", "message"}
