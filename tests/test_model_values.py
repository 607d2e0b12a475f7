"""Term, Quantity and ArticleRef: exact arithmetic and parse/print round trips."""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legality.model import ArticleRef, Citation, Quantity, Term

terms = st.builds(Term, st.integers(0, 30), st.integers(0, 40), st.integers(0, 400))


def test_three_quarters_of_five_years_is_exact():
    assert Term(5).scale(Fraction(3, 4)) == Term(3, 9)
    assert Term(3, 9) <= Term(5).scale(Fraction(3, 4)) < Term(3, 9, 1)


def test_days_are_thirtieths_of_a_month():
    assert Term(0, 0, 30) == Term(0, 1) and Term(0, 0, 45).total_months == Fraction(3, 2)
    assert Term(1) == Term(0, 12)


def test_fraction_of_a_term_prints_whole_days_rounded_down():
    t = Term(1).scale(Fraction(1, 7))  # 12/7 months = 1 month 21.43 days
    assert (t.ru(), t.to_json()) == ("1 месяц 21 день", {"years": 0, "months": 1, "days": 21})
    assert t.whole_days_floor() <= t < t.whole_days_floor() + Term(0, 0, 1)


def test_arithmetic_and_units():
    assert Term(2) + Term(0, 6) == Term(2, 6)
    assert Term(1) - Term(3) == Term(0)  # never negative
    assert Term(3).ratio(Term(2)) == Fraction(3, 2)
    assert Quantity(100, "mrp") + Quantity("50.5", "mrp") == Quantity(Fraction(301, 2), "mrp")
    assert Quantity(0.1, "mrp").value == Fraction(1, 10)
    with pytest.raises(TypeError):
        _ = Term(1) < Quantity(12, "mrp")
    with pytest.raises(TypeError):
        Quantity(True, "mrp")
    with pytest.raises(AttributeError):
        Term(1).value = 3  # type: ignore[misc]
    assert Quantity(1, "days").ru() == "1 сутки"


def test_values_pickle_for_worker_processes():
    for v in (Term(4, 6, 10), Term(1).scale(Fraction(1, 7)), Quantity(Fraction(3, 2), "mrp")):
        w = pickle.loads(pickle.dumps(v))
        assert w == v and type(w) is type(v) and repr(w) == repr(v)


@given(terms)
def test_normalised_term_keeps_its_value_and_is_canonical(t):
    n = t.normalized()
    assert n == t and n.months < 12 and n.days < 30
    assert n.normalized().to_json() == n.to_json()


@given(terms)
def test_term_print_parse_round_trip(t):
    assert Term.parse(t.ru()) == t
    assert Term.parse(f"{t.years} years {t.months} months {t.days} days") == t


@given(terms, terms)
def test_term_order_is_the_order_of_months(a, b):
    assert (a < b) == (a.total_months < b.total_months)
    assert (a + b) - b == a


@pytest.mark.parametrize("text", ["", "три года", "3 г. и 2 мес.", "5 weeks"])
def test_unreadable_terms_are_refused(text):
    with pytest.raises(ValueError):
        Term.parse(text)


articles = st.builds(
    lambda main, sub: f"{main}-{sub}" if sub else str(main), st.integers(1, 500), st.integers(0, 9)
)
refs = st.builds(ArticleRef, articles, st.none() | st.integers(1, 12), st.none() | st.integers(1, 20))


@given(refs)
def test_article_ref_parse_print_round_trip(ref):
    assert ArticleRef.parse(str(ref)) == ref
    assert ArticleRef.from_json(ref.to_json()) == ref


@given(refs, st.permutations([0, 1, 2]))
def test_article_ref_pieces_in_any_order(ref, order):
    pieces = [f"ст.{ref.article}", f"ч.{ref.part}" if ref.part else "", f"п.{ref.paragraph}" if ref.paragraph else ""]
    assert ArticleRef.parse(" ".join(pieces[i] for i in order if pieces[i])) == ref


def test_article_ref_examples():
    assert str(ArticleRef.parse("ч.2 ст.188 п.3")) == "п.3 ч.2 ст.188"
    assert ArticleRef.parse("УК РК ст.218-1 ч.1") == ArticleRef("218-1", 1)
    assert sorted([ArticleRef("218-1"), ArticleRef("99", 2), ArticleRef("218")], key=ArticleRef.sort_key) == [
        ArticleRef("99", 2), ArticleRef("218"), ArticleRef("218-1")]
    assert str(Citation.parse("УК РК ст.56 ч.3")) == "ч.3 ст.56 УК РК"
    for bad in ("", "ч.2", "ст.188 ст.189", "статья сто", "п.2-1 ст.188", "ч.0-1 ст.188"):  # ч.2-1 is a sub-part (test_subparts)
        with pytest.raises(ValueError):
            ArticleRef.parse(bad)
