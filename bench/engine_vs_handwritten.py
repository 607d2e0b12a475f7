"""Benchmark: the compiled rule engine against a hand-written Python function doing the same checks.

Both read the same validated records and the same law catalogue with the same exact value types;
the ratio engine/hand-written is printed (target: ≥ 0.5).  Also the engine with tracing on.

    python bench/engine_vs_handwritten.py [--records 20000]
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction
from pathlib import Path

import orjson

from legality.engine import Engine
from legality.model import validate_record
from legality.model.enums import Category, PenaltyKind, Sex, Stage
from legality.model.verdict import penalty_amount

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures" / "verdicts"


def load_records(n: int):
    raw = []
    for f in sorted(FIXTURES.rglob("*.jsonl")):
        raw += [orjson.loads(line) for line in f.read_bytes().splitlines() if line.strip()]
    out = []
    while len(out) < n:
        for r in raw:
            v = validate_record(r)
            if not isinstance(v, list):
                out.append(v)
            if len(out) >= n:
                break
    return out


def handwritten(cat):
    """The six rules of bench/rules/bench.legal, written directly in Python."""

    def check(v):
        found = []
        for o in v.offences:
            lk = cat.sanction(o.ref, o.committed_on)
            s = lk.sanction if lk.status == "found" else None
            p = o.sentence.principal
            if s is None:
                continue
            smax = s.max_of(p.kind)
            amount = penalty_amount(p)
            if amount is not None and smax is not None and amount.unit == smax.unit and amount > smax:
                found.append(("b-above-max", o.id))
            if p.kind not in s.kinds():
                found.append(("b-kind-not-in-sanction", o.id))
            if p.kind == PenaltyKind.imprisonment and smax is not None:
                if o.stage == Stage.attempt:
                    frac = cat.param("unfinished.attempt_fraction", o.committed_on)
                    if frac is not None and p.term > smax.scale(frac.value):
                        found.append(("b-attempt-cap", o.id))
                elif o.stage == Stage.preparation:
                    frac = cat.param("unfinished.preparation_fraction", o.committed_on)
                    if frac is not None and p.term > smax.scale(frac.value):
                        found.append(("b-preparation-cap", o.id))
                elif o.stage == Stage.completed and o.mitigating and not o.aggravating:
                    table = cat.param("leniency.mitigating_fraction", o.committed_on)
                    if table is not None:
                        frac = table.value.get(s.category.value)
                        if frac is not None and p.term > smax.scale(frac):
                            found.append(("b-mitigating-cap", o.id))
        if v.defendant.sex == Sex.F and v.final_sentence.principal.kind == PenaltyKind.life_imprisonment:
            found.append(("b-life-woman", None))
        return found

    return check


def timed(fn, records) -> float:
    t0 = time.perf_counter()
    for v in records:
        fn(v)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    records = load_records(args.records)
    engine = Engine.load(HERE / "rules")
    hand = handwritten(engine.catalogue)
    # the two must agree before their speed means anything
    for v in records[:2000]:
        a = sorted((c.rule, c.offence) for c in engine.evaluate(v).candidates)
        b = sorted(hand(v))
        assert a == b, (v.case_id, a, b)
    best = {"hand-written": 1e9, "engine": 1e9, "engine + trace": 1e9}
    for _ in range(args.repeat):
        best["hand-written"] = min(best["hand-written"], timed(hand, records))
        best["engine"] = min(best["engine"], timed(engine.evaluate, records))
        best["engine + trace"] = min(best["engine + trace"], timed(lambda v: engine.evaluate(v, trace=True), records))
    base = len(records) / best["hand-written"]
    print(f"{len(records):,} records, best of {args.repeat}")
    print(f"{'variant':16} {'records/s':>12} {'vs hand-written':>16}")
    for name, t in best.items():
        rate = len(records) / t
        print(f"{name:16} {rate:12,.0f} {rate / base:16.2f}")
    ratio = best["hand-written"] / best["engine"]
    print(f"engine reaches {ratio:.0%} of the hand-written speed (target ≥ 50%)")


if __name__ == "__main__":
    main()
