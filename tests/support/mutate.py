"""Random variations of the fixture records, for differential tests (batch vs row evaluator) and benchmarks.

Why perturb real records instead of generating from scratch: a record built from nothing is almost
always rejected by validation or ignored by every rule; a fixture record nudged here and there
(a term a few months longer, another article or part, a date a year later, a flag flipped, an
optional field dropped) lands on the boundaries the rules test — and sometimes breaks validation,
which both evaluators must then report the same way.  Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any, Iterator

import orjson

from legality.model import enums as E

from .synth import fixture_records

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENUM_FIELDS: dict[str, list[str]] = {
    "stage": [e.value for e in E.Stage], "kind": [e.value for e in E.PenaltyKind],
    "sentence_kind": [e.value for e in E.PenaltyKind], "regime": [e.value for e in E.Regime],
    "sex": [e.value for e in E.Sex], "procedure": [e.value for e in E.Procedure],
    "combination": [e.value for e in E.Combination], "role": [e.value for e in E.Role],
    "exempted": [e.value for e in E.Exemption], "category": [e.value for e in E.Category],
    "intent": [e.value for e in E.Intent], "citizenship": [e.value for e in E.Citizenship],
    "clemency": [e.value for e in E.Clemency], "victim_age_group": [e.value for e in E.VictimAgeGroup],
}
ARTICLES = ["99", "104", "106", "107", "120", "122", "136", "175", "176", "188", "189", "190", "191", "192",
            "194", "195", "200", "202", "218", "234", "247", "255", "286", "287", "293", "296", "297", "299",
            "361", "366", "367", "380", "429", "433"]
KEEP = {"format", "case_id", "id", "offences", "defendant", "final_sentence", "court", "sentence", "principal"}


def _perturb(x: Any, key: str, rng: random.Random, p: float) -> Any:
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if k not in KEEP and rng.random() < p / 4:
                continue  # an optional field dropped
            out[k] = _perturb(v, k, rng, p)
        return out
    if isinstance(x, list):
        return [_perturb(v, key, rng, p) for v in x]
    if rng.random() >= p:
        return x
    if isinstance(x, bool):
        return not x
    if isinstance(x, int):
        return max(0, x + rng.choice([-12, -6, -3, -1, 1, 2, 3, 6, 12]))
    if isinstance(x, float):
        return max(0.0, round(x * rng.choice([0.5, 0.9, 1.1, 2.0]), 2))
    if isinstance(x, str):
        if _DATE.match(x):
            try:
                return (dt.date.fromisoformat(x) + dt.timedelta(days=rng.randint(-900, 900))).isoformat()
            except ValueError:
                return x
        if key in ENUM_FIELDS:
            return rng.choice(ENUM_FIELDS[key])
        if key == "article":
            return rng.choice(ARTICLES)
        if key in ("mitigating", "aggravating"):
            return x
    return x


def variants(n: int, seed: int = 13, p: float = 0.08, base: list[dict[str, Any]] | None = None) -> Iterator[bytes]:
    """`n` JSON lines (bytes): fixture records, each leaf changed with probability `p`."""
    rng = random.Random(seed)
    base = base if base is not None else fixture_records()
    for i in range(n):
        rec = _perturb(base[rng.randrange(len(base))], "", rng, p)
        if isinstance(rec, dict):
            rec["case_id"] = f"{rec.get('case_id', 'X')}-V{i:07d}"
            offs = rec.get("offences")
            if isinstance(offs, list) and offs and rng.random() < p:
                o = offs[rng.randrange(len(offs))]
                if isinstance(o, dict):
                    o["part"] = rng.randint(1, 4)
        yield orjson.dumps(rec)
