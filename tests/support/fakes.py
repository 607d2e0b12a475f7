"""A small engine with the real interface, and record builders: for testing report formats and the
scan pipeline apart from the rule compiler (like `click.testing`, shipped so worker processes and
any test layout can import it).

`fake_factory` is module-level so spawned workers can build the engine.  End-to-end tests use the
real engine and the shipped rules.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson

from legality.result.candidate import Candidate, Evaluation, RuleInfo, fingerprint
from verdict_samples import record as sample_record
from legality.result.trace import FIRED, NOT_APPLICABLE, PASSED, RuleTrace, Trace

def _base() -> dict[str, Any]:
    """The format's example record (tests/verdict_samples.py) without priors, circumstances or damage:
    the fake rules read only the term, the stage and the regime."""
    r = sample_record()
    del r["defendant"]["prior_convictions"]
    for key in ("mitigating", "aggravating", "damage_kzt", "damage_compensated"):
        del r["offences"][0][key]
    return r


BASE: dict[str, Any] = _base()


def record(case_id: str, *, years: int = 4, stage: str = "attempt", regime: str = "medium",
           court: str | None = None) -> dict[str, Any]:
    r = copy.deepcopy(BASE)
    r["case_id"] = case_id
    o = r["offences"][0]
    o["stage"] = stage
    o["sentence"]["principal"]["term"] = {"years": years}
    r["final_sentence"]["principal"]["term"] = {"years": years}
    r["final_sentence"]["regime"] = regime
    if court is not None:
        r["court"]["name"] = court
    return r


def jsonl(records: list[Any]) -> bytes:
    return b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in records)


CAP_YEARS = 3

RULES = [
    RuleInfo("attempt-term-cap", "Срок за покушение выше 3/4 максимума", "high", ("УК РК ст.56 ч.3",), ("term",),
             "offence", "rules/fake.legal", 1),
    RuleInfo("regime-maximum", "Учреждение максимальной безопасности без оснований", "medium", ("УК РК ст.46 ч.5",),
             (), "record", "rules/fake.legal", 20),
]


class FakeEngine:
    """Fires `attempt-term-cap` on an attempt above 3 years and `regime-maximum` on regime maximum;
    raises on a case id containing «boom» (to test that an engine failure costs one record)."""

    version = "fake-1"
    rules = RULES

    def evaluate(self, verdict: Any, *, trace: bool = False, only_rule: str | None = None) -> Evaluation:
        if "boom" in verdict.case_id:
            raise RuntimeError("engine bug")
        cands: list[Candidate] = []
        tr = Trace()
        if only_rule in (None, "regime-maximum"):
            regime = verdict.final_sentence.regime
            fired = regime is not None and regime.value == "maximum"
            tr.rules.append(RuleTrace("regime-maximum", None, FIRED if fired else NOT_APPLICABLE,
                                      reason=f"вид учреждения: {regime.value if regime else '—'}",
                                      condition="final.regime == maximum", values={"regime": regime and regime.value},
                                      citations=["УК РК ст.46 ч.5"], file="rules/fake.legal", line=20))
            if fired:
                cands.append(self._cand("regime-maximum", "medium", None, verdict.case_id, "maximum", ["medium"],
                                        {"act": "УК РК", "article": "46", "part": 5, "paragraph": None}))
        for o in verdict.offences:
            if only_rule not in (None, "attempt-term-cap"):
                continue
            term = o.sentence.principal.term
            if o.stage.value != "attempt" or term is None:
                tr.rules.append(RuleTrace("attempt-term-cap", o.id, NOT_APPLICABLE, reason=f"стадия: {o.stage.ru}",
                                          condition="offence.stage == attempt", values={"stage": o.stage.value},
                                          citations=["УК РК ст.56 ч.3"], file="rules/fake.legal", line=1))
                continue
            actual = term.to_json()
            over = term.total_months > CAP_YEARS * 12
            tr.rules.append(RuleTrace("attempt-term-cap", o.id, FIRED if over else PASSED,
                                      reason=f"срок {term.ru()} {'больше' if over else 'не больше'} {CAP_YEARS} лет",
                                      condition="term <= 3/4 * max", values={"term": actual},
                                      citations=["УК РК ст.56 ч.3"], file="rules/fake.legal", line=1))
            if over:
                cands.append(self._cand("attempt-term-cap", "high", o.id, verdict.case_id, actual,
                                        {"max": {"years": CAP_YEARS, "months": 0, "days": 0}},
                                        {"act": "УК РК", "article": "56", "part": 3, "paragraph": None}))
        return Evaluation(cands, [], tr if trace else None)

    def evaluate_many(self, verdicts: list[Any]) -> list[Evaluation]:
        return [self.evaluate(v) for v in verdicts]

    @staticmethod
    def _cand(rule: str, sev: str, offence: str | None, case_id: str, actual: Any, allowed: Any,
              cite: dict[str, Any]) -> Candidate:
        return Candidate(rule=rule, severity=sev, title=next(r.title for r in RULES if r.id == rule),
                         message=f"Назначено {actual}; допустимо {allowed}", citations=[cite], offence=offence,
                         actual=actual, allowed=allowed, facts={"stage": "attempt"},
                         fingerprint=fingerprint(case_id, rule, offence, actual))


def fake_factory(rules_dir: Any) -> FakeEngine:
    return FakeEngine()


def first_flagged(rules_dir: Any, paths: list[str]) -> tuple[Any, Any, list[Candidate]]:
    """(engine, decoded record, candidates) of the first record the real engine flags in `paths`."""
    from legality.engine import Engine
    from legality.io.reader import read_records

    engine = Engine.load(rules_dir)
    for item in read_records(paths):
        if item.verdict is not None:
            cands = engine.evaluate(item.verdict).candidates
            if cands:
                return engine, item, cands
    raise LookupError(f"no record in {paths} is flagged by {rules_dir}")


class ResumingState:
    """A scan state store double: resumes record 2 (as flagged), says record 3 is unchanged; subclasses
    decide what `record` keeps."""

    def __init__(self) -> None:
        self.recorded: list[Any] = []

    def open(self, **kw: Any) -> None:
        pass

    def lookup(self, file: str, line: int, content_hash: str) -> Any:
        from legality.report.model import ReportLine
        from legality.scan.state import SKIP

        if line == 2:
            return ReportLine("resumed", file, line, "flagged")
        if line == 3:
            return SKIP
        return None

    def replay(self, result: Any, content_hash: str) -> Any:
        return result, None

    def close(self, summary: Any, *, completed: bool) -> None:
        pass
