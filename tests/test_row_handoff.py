"""What the batch hands to the row evaluator's code, and the row evaluator's remembered catalogue answers.

Why: `BatchPlan.build` gives a flagged record's row `Env` only the facts and outcomes its own fired
rules read, the row evaluator keeps the catalogue's answers across records (`Runtime`'s `shared`), and
`words` remembers the text of an amount; each must give exactly what the unshortened code gives.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from legality import i18n
from legality.engine import Engine
from legality.eval.batch import Batch, BatchPlan, _build_fired
from legality.eval.env import Runtime
from legality.io.reader import RawRecord, decode
from legality.model.values import Quantity, Term
from legality.words import render

from support.mutate import variants
from test_batch_backend import as_json, batch_of


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _verdicts(n: int, seed: int) -> list[Any]:
    out = []
    for i, data in enumerate(variants(n, seed=seed, p=0.05)):
        item = decode(RawRecord("gen.jsonl", i + 1, data))
        if item.verdict is not None and item.verdict.offences:
            out.append(item.verdict)
    return out


def _fresh(prog: Any, v: Any) -> Any:
    """The row evaluator's evaluation with nothing remembered from an earlier record."""
    prog.__dict__.pop("_rt_memo", None)
    return prog.evaluate(v)


def test_flagged_and_gap_records_batched_together(engine):
    """A batch of only flagged records (each firing its own rules, reading its own facts) and records with
    a coverage gap: every evaluation equals the row evaluator's, and every flagged record's candidates
    were built by the batch (none fell back to the row evaluator for want of a fact or an outcome)."""
    prog = engine._program
    plan = BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled)
    pool = _verdicts(2_000, seed=22)
    b = Batch(pool, prog.catalogue)
    plan.run(b)
    fired = np.zeros(b.R.n, dtype=bool)
    for _, frame, rows in b.fired:
        fired[frame.rec[rows]] = True
    chosen = [v for j, v in enumerate(pool) if fired[j] or b.gap[j]]
    n_gap = int(b.gap.sum())
    assert n_gap >= 20 and int((fired & ~b.gap).sum()) >= 200
    assert len({cr.d.id for cr, _, _ in b.fired}) >= 20  # many rules, so the records' facts differ

    evs, calls = batch_of(prog, chosen)
    b2 = Batch(chosen, prog.catalogue)
    BatchPlan(prog.facts, prog.rules, prog.order, prog.compiled).run(b2)
    assert calls["row"] == int(b2.unsure.sum())  # only the doubts (a gap is decided by the batch), no failed build
    for v, ev in zip(chosen, evs):
        assert as_json(ev) == as_json(_fresh(prog, v)), v.case_id


def test_build_reads_only_the_outcomes_its_fired_names(engine):
    prog = engine._program
    reads = {rid: _build_fired(r) for rid, r in prog.rules.items()}
    for rid, got in reads.items():
        assert got <= prog.rules[rid].deps_rules  # a subset of what the rule reads at all


def test_remembered_catalogue_answers_equal_fresh_ones(engine):
    """Records evaluated one after another (the catalogue's answers remembered) equal each evaluated
    afresh; the records with gaps carry the catalogue's messages, so the lookups are compared too."""
    prog = engine._program
    verdicts = _verdicts(600, seed=23)
    prog.__dict__.pop("_rt_memo", None)
    in_turn = [as_json(prog.evaluate(v)) for v in verdicts]
    assert len(prog._rt_memo[1]) > 0 and len(prog._rt_memo[2]) > 0
    assert any(b'"gaps":[{' in x for x in in_turn)
    assert in_turn == [as_json(_fresh(prog, v)) for v in verdicts]


def test_shared_runtime_answers_as_a_fresh_one_and_follows_the_language(engine):
    cat = engine._program.catalogue
    verdicts = _verdicts(200, seed=24)
    shared: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})
    days = [dt.date(2015, 1, 1), dt.date(2019, 6, 30), dt.date(2024, 3, 1)]
    names = cat.param_names()
    for v in verdicts:
        a, s = Runtime(cat), Runtime(cat, shared)
        for o in v.offences:
            assert a.sanction(o) == s.sanction(o)
            la, ls = a.lookups[id(o)], s.lookups[id(o)]
            assert (la.status, la.message, la.ref, la.on) == (ls.status, ls.message, ls.ref, ls.on)
        for name in names:
            for d in days:
                assert a.param(name, d) == s.param(name, d)
    # a lookup's message is in the language of the texts: a remembered Russian one is not given in Kazakh
    o = verdicts[0].offences[0]
    before = i18n.language()
    try:
        msgs: dict[str, str] = {}
        for lang in ("ru", "kk"):
            i18n.set_language(lang)
            s = Runtime(cat, shared)
            s.sanction(o)
            msgs[lang] = s.lookups[id(o)].message
            assert msgs[lang] == cat.sanction(o.ref, o.committed_on).message
    finally:
        i18n.set_language(before)
    assert msgs["ru"] != msgs["kk"]  # the test is not vacuous: the texts differ by language


AMOUNTS = [Term(0, 0, 0), Term(1, 0, 0), Term(0, 12, 0), Term(2, 6, 15), Term(0, 14, 0), Term(0, 0, 45),
           Term(21, 0, 0), Term(11, 11, 29), Term.from_months(Fraction(7, 3)), Term.from_months(Fraction(121, 90)),
           Term(0, 0, Fraction(1, 2)), Term(1, 0, 1), Term(1, 0, Fraction(1))]
AMOUNTS += [Quantity(x, u) for u in ("mrp", "multiple", "hours", "days")
            for x in (0, 1, 2, 5, 11, 21, 1500, Fraction(1, 2), Fraction(2000, 3), Fraction(5), 2.5)]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_remembered_amount_texts_equal_the_said_ones(lang):
    render._QUANTITY_TEXTS.clear()
    for _ in range(2):  # said, then remembered
        for q in AMOUNTS:
            for case in ("nom", "gen", "abl", "dat"):
                assert render._say_quantity(q, lang, case) == render._say_quantity_text(q, lang, case), (q, case)
    # the same value in months, told apart by its parts: «1 год» and what 12 months print as
    assert render._say_quantity(Term(0, 12, 0), "ru") == render._say_quantity_text(Term(0, 12, 0), "ru")
    # a cache that fills up starts again, and keeps answering right
    render._QUANTITY_TEXTS.update({("x", i): "" for i in range(render._QUANTITY_TEXTS_MAX)})
    assert render._say_quantity(Term(3, 0, 0), lang) == render._say_quantity_text(Term(3, 0, 0), lang)
    assert len(render._QUANTITY_TEXTS) == 1


def test_subclass_of_a_term_is_said_without_the_memo():
    class Odd(Term):
        __slots__ = ()

        def printed(self) -> Term:
            return Term(9, 0, 0)

    render._QUANTITY_TEXTS.clear()
    render._say_quantity(Term(1, 0, 0), "ru")
    assert render._say_quantity(Odd(1, 0, 0), "ru") == "9 лет"
