"""Varied benchmark records: the fixture verdicts with dates, terms and amounts changed, lawful and erroneous mixed.

Why not `tests/support/synth.py` alone: it cycles the 142 fixtures with dates shifted by 0–4 days, so a
batch is the same few records again and again, and about a third of them carry a planted error — a
benchmark on it measures caches and an error rate no court has.  Here record `i` is drawn from a
seeded generator:

* with probability `flagged_share` a record of `fixtures/verdicts/planted/` (one planted error each)
  or of `real/` (real cases with their errors), otherwise a lawful or near-miss fixture record;
* every date of the record shifted forward by the same 0–728 days (in steps of 4 weeks) (the record stays self-consistent:
  ages, terms served and the order of events do not change), a unique case id, person and judge ids;
* every term of a sentence moved by −2…+2 months (the same move for an offence's sentence, the
  final one and its probation period, so a single-offence verdict stays consistent), amounts in
  МРП, hours and the damage in tenge scaled by 0.9–1.1;
* of these moves only those that leave the record's outcome unchanged (`Variations`), so the share
  of flagged records stays near `flagged_share`; the benchmark prints the share the scan found.

Deterministic for a given `n`, `flagged_share`, `seed` and rule pack.

    from synth_mix import write_mix
    write_mix(Path("b.jsonl"), 50_000, flagged_share=0.05)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any, Iterator

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.synth import FIXTURES_DIR, _shift, fixture_records  # noqa: E402  (the fixtures' reader, a test helper)

VERDICTS = FIXTURES_DIR / "verdicts"


def pools() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(records with an error: planted ones and the real cases, lawful and near-miss records)."""
    flagged = fixture_records(VERDICTS / "planted") + fixture_records(VERDICTS / "real")
    lawful = fixture_records(VERDICTS / "lawful") + fixture_records(VERDICTS / "nearmiss")
    return flagged, lawful


def _term(t: dict[str, Any], months: int) -> dict[str, Any]:
    total = int(t.get("years", 0)) * 12 + int(t.get("months", 0)) + months
    if total < 1 or t.get("days"):
        return t  # a term of days, or one that would vanish: left as it is
    out = dict(t)
    out["years"], out["months"] = divmod(total, 12)
    return out


def _penalty(p: Any, months: int, factor: float) -> Any:
    if not isinstance(p, dict):
        return p
    p = dict(p)
    if isinstance(p.get("term"), dict):
        p["term"] = _term(p["term"], months)
    if isinstance(p.get("mrp"), int) and p["mrp"] > 0:
        p["mrp"] = max(1, round(p["mrp"] * factor))
    if isinstance(p.get("hours"), int) and p["hours"] > 0:
        p["hours"] = max(10, round(p["hours"] * factor / 10) * 10)
    return p


def _sentence(s: Any, months: int, factor: float) -> Any:
    if not isinstance(s, dict):
        return s
    s = dict(s)
    s["principal"] = _penalty(s.get("principal"), months, factor)
    prob = s.get("probation")
    if isinstance(prob, dict) and isinstance(prob.get("period"), dict):  # an adult's period is the term itself
        s["probation"] = dict(prob, period=_term(prob["period"], months))
    return s


SHIFTS = tuple(range(28, 731, 28))  # days every date moves forward
MONTHS = (-2, -1, 1, 2)            # months every sentence term moves
FACTORS = (0.9, 0.95, 1.05, 1.1)   # scale of amounts in МРП, hours and damage


def _jitter(rec: dict[str, Any], shift: int, months: int, factor: float) -> dict[str, Any]:
    rec = _shift(rec, shift) if shift else dict(rec)
    offences = rec.get("offences")
    if isinstance(offences, list):
        rec["offences"] = [dict(o, sentence=_sentence(o.get("sentence"), months, factor))
                           if isinstance(o, dict) and "sentence" in o else o for o in offences]
        for o in rec["offences"]:
            if isinstance(o, dict) and isinstance(o.get("damage_kzt"), int):
                o["damage_kzt"] = round(o["damage_kzt"] * factor)
    if "final_sentence" in rec:
        rec["final_sentence"] = _sentence(rec["final_sentence"], months, factor)
    return rec


def _outcome(ev: Any) -> object:
    return tuple(sorted((c.rule, c.offence or "") for c in ev.candidates)), len(ev.faults)


class Variations:
    """For each base record, the shifts, month moves and scales that leave its outcome as it is.

    Why: near-miss fixtures sit right at a limit and planted ones just past it, so an arbitrary
    move of a term would turn a lawful record into a flagged one (or repair a planted error) and
    the share of flagged records would be the jitter's, not `flagged_share`.  Each dimension is
    checked alone with the engine (35 evaluations per base record, one batch, a few seconds);
    their combinations are not, which is why the benchmark prints the share the scan found.
    """

    def __init__(self, bases: list[dict[str, Any]], rules_dir: Path | None = None) -> None:
        from legality.engine import Engine
        from legality.model import validate_record

        engine = Engine.load(rules_dir)
        moves = [(0, 0, 1.0)] + [(d, 0, 1.0) for d in SHIFTS] + [(0, m, 1.0) for m in MONTHS] \
            + [(0, 0, f) for f in FACTORS]
        keys, verdicts = [], []
        for k, rec in enumerate(bases):
            for move in moves:
                v = validate_record(_jitter(rec, *move))
                if not isinstance(v, list):
                    keys.append((k, move))
                    verdicts.append(v)
        outcome = {key: _outcome(ev) for key, ev in zip(keys, engine.evaluate_many(verdicts))}
        self.allowed: list[tuple[list[int], list[int], list[float]]] = []
        for k in range(len(bases)):
            ref = outcome.get((k, (0, 0, 1.0)), "invalid")
            same = [move for move in moves if outcome.get((k, move), "invalid") == ref]
            self.allowed.append(([0] + [d for d, m, f in same if d],
                                 [0] + [m for d, m, f in same if m],
                                 [1.0] + [f for d, m, f in same if f != 1.0]))

    def vary(self, k: int, rec: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
        shifts, months, factors = self.allowed[k]
        rec = _jitter(rec, rng.choice(shifts), rng.choice(months), rng.choice(factors))
        rec["case_id"] = f"{rec.get('case_id', 'X')}-M{i:07d}"
        if isinstance(rec.get("defendant"), dict):
            rec["defendant"] = dict(rec["defendant"], person_id=f"P-M{i:07d}")
        if "judge_id" in rec:
            rec["judge_id"] = f"J-{rng.randrange(1000, 10000)}"
        return rec


_VARIATIONS: dict[str, Variations] = {}  # per rule pack: one computation for several batches


def generate(n: int, *, flagged_share: float = 0.05, seed: int = 13, rules_dir: Path | None = None) -> Iterator[bytes]:
    """`n` JSON lines (bytes, without newline)."""
    flagged, lawful = pools()
    bases = flagged + lawful
    key = str(rules_dir)
    var = _VARIATIONS.get(key) or _VARIATIONS.setdefault(key, Variations(bases, rules_dir))
    rng = random.Random(seed)
    for i in range(n):
        k = rng.randrange(len(flagged)) if rng.random() < flagged_share else len(flagged) + rng.randrange(len(lawful))
        yield orjson.dumps(var.vary(k, bases[k], i, rng))


def write_mix(path: Path, n: int, *, flagged_share: float = 0.05, seed: int = 13,
              rules_dir: Path | None = None) -> Path:
    with open(path, "wb") as fh:
        for line in generate(n, flagged_share=flagged_share, seed=seed, rules_dir=rules_dir):
            fh.write(line + b"\n")
    return path
