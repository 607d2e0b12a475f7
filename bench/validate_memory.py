"""Benchmark: `legality validate` streams a 1,000,000-line batch in bounded memory.

Generates realistic records (varied courts, articles, penalties, priors; about 1 in 200 invalid) in
a temporary directory, runs `legality validate --quiet` on them in a subprocess, and prints records/s
and the child's peak RSS, with plain orjson parsing of the same file (in this process) as the
baseline ratio.  Exits 1 if the peak RSS reaches the limit (200 MB), so it can gate a release.

    python bench/validate_memory.py                 # 1,000,000 records
    python bench/validate_memory.py --records 50000 # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

LIMIT_MB = 200
COURTS = [
    ("ALM-AUEZ-01", "Ауэзовский районный суд г. Алматы", "Алматы"),
    ("AST-ESIL-02", "Есильский районный суд г. Астаны", "Астана"),
    ("SHY-ABAI-01", "Абайский районный суд г. Шымкента", "Шымкент"),
    ("KRG-KAZB-03", "Казыбекбийский районный суд г. Караганды", "Карагандинская область"),
    ("PVL-CITY-02", "Павлодарский городской суд № 2", "Павлодарская область"),
    ("AKT-SPEC-01", "Специализированный межрайонный суд по уголовным делам Актюбинской области", "Актюбинская область"),
]
# article, part, paragraph, typical principal penalty
OFFENCES = [
    ("188", 2, 1, {"kind": "imprisonment", "term": {"years": 2, "months": 6}}),
    ("188", 1, None, {"kind": "correctional_labour", "mrp": 300}),
    ("190", 2, 4, {"kind": "fine", "mrp": 2000}),
    ("293", 1, None, {"kind": "community_service", "hours": 240}),
    ("296", 1, None, {"kind": "imprisonment", "term": {"years": 3}}),
    ("106", 1, None, {"kind": "imprisonment", "term": {"years": 5, "months": 3}}),
    ("345", 1, None, {"kind": "restriction_of_liberty", "term": {"years": 1, "months": 6}}),
    ("366", 2, None, {"kind": "fine", "multiple": 30}),
    ("218-1", 1, None, {"kind": "arrest", "days": 40}),
]


def make_record(i: int, rnd: random.Random) -> dict:
    court = COURTS[i % len(COURTS)]
    n_off = 1 if rnd.random() < 0.8 else 2
    year = 2021 + i % 4
    offences = []
    for k in range(n_off):
        art, part, par, pen = OFFENCES[rnd.randrange(len(OFFENCES))]
        offences.append({
            "id": str(k + 1), "article": art, "part": part, "paragraph": par,
            "committed_on": f"{year - 1}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "stage": rnd.choice(["completed", "completed", "completed", "attempt"]),
            "mitigating": rnd.sample(["53.1.1", "53.1.3", "53.1.9", "53.1.10", "53.2"], rnd.randint(0, 2)),
            "aggravating": ["54.1.1"] if rnd.random() < 0.2 else [],
            "damage_kzt": rnd.randrange(0, 3_000_000, 1000), "damage_compensated": rnd.random() < 0.4,
            "sentence": {"principal": pen},
        })
    principal = offences[0]["sentence"]["principal"]
    final = {"combination": "single" if n_off == 1 else "partial_addition", "principal": principal}
    if principal["kind"] == "imprisonment":
        if rnd.random() < 0.3:
            final["probation"] = {"period": {"years": rnd.randint(1, 4)}}
        else:
            final["regime"] = rnd.choice(["minimum", "medium", "maximum"])
    priors = []
    if rnd.random() < 0.25:
        priors.append({"verdict_date": f"{year - 5}-05-20", "articles": [{"article": "188", "part": 2}],
                       "category": "medium", "intent": "intentional", "sentence_kind": "imprisonment",
                       "real_imprisonment": True, "expunged": False, "release_date": f"{year - 3}-05-19"})
    r = {
        "format": "legality.verdict/1",
        "case_id": f"{year}-{i % 10000:04d}-{i // 10000 % 100:02d}",
        "court": {"code": court[0], "name": court[1], "region": court[2]},
        "judge_id": f"J-{rnd.randint(100, 9999):04d}",
        "verdict_date": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        "procedure": rnd.choice(["general", "general", "plea_agreement", "abbreviated"]),
        "defendant": {"person_id": f"P-{rnd.randint(10000, 99999)}", "sex": rnd.choice("MMMF"),
                      "birth_date": f"{rnd.randint(1960, 2003)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                      "prior_convictions": priors},
        "offences": offences,
        "final_sentence": final,
    }
    if i % 200 == 7:  # a realistic share of broken exports
        r["final_sentence"]["regime"] = "strict"
    return r


def generate(path: Path, count: int) -> int:
    rnd = random.Random(20240315)
    size = 0
    with open(path, "wb") as f:
        buf = []
        for i in range(count):
            buf.append(orjson.dumps(make_record(i, rnd)))
            if len(buf) == 10_000:
                data = b"\n".join(buf) + b"\n"
                f.write(data)
                size += len(data)
                buf.clear()
        if buf:
            data = b"\n".join(buf) + b"\n"
            f.write(data)
            size += len(data)
    return size


def baseline(path: Path) -> float:
    t = time.perf_counter()
    n = 0
    with open(path, "rb") as f:
        for raw in f:
            orjson.loads(raw)
            n += 1
    return n / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="legality-bench-") as tmp:
        path = Path(tmp) / "batch.jsonl"
        t = time.perf_counter()
        size = generate(path, args.records)
        print(f"generated {args.records:,} records, {size / 1e6:,.0f} MB in {time.perf_counter() - t:.1f} s")
        base_rate = baseline(path)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "legality.cli", "validate", "--quiet", str(path)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        elapsed = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
        rate = args.records / elapsed
        print(f"validate: exit {proc.returncode}, {proc.stdout.strip()}")
        if proc.stderr.strip():
            print(proc.stderr.strip()[:2000])
        print(f"validate: {elapsed:.1f} s, {rate:,.0f} records/s, peak RSS {peak_mb:.0f} MB (limit {LIMIT_MB} MB)")
        print(f"baseline orjson.loads per line: {base_rate:,.0f} records/s; validate/baseline = {rate / base_rate:.3f}")
        ok = peak_mb < LIMIT_MB and proc.returncode in (0, 1)
        print("OK" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
