"""Long fuzzing run for the nightly machine: mutated verdict records through the real `legality scan`,
and mutated rule files through the compiler and the reports.

Why outside the test suite: the suite runs the same mutators at a size that fits CI
(tests/test_fuzz_records.py, tests/test_fuzz_rules.py); this script runs them at the size the
hardening issue asks for — 100,000 mutated records and 20,000 mutated rule files by default — and
prints what it found.  The goal is 0 crashes and 0 conservation violations
(records == clean + flagged + invalid + partial, one report line per record); the exit code is 1 when
that goal is missed, so a cron job can mail the figures.

    python bench/fuzz.py                                  # 100,000 records + 20,000 rule files (~10 min)
    python bench/fuzz.py --records 20000 --rules 2000     # quick run
    python bench/fuzz.py --seed 7 --jobs 2

The mutators themselves live in tests/mutators/ (records.py, rules.py), so that the suite and this
script exercise exactly the same code.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mutators.records import run_record_fuzz  # noqa: E402
from tests.mutators.rules import run_rule_fuzz  # noqa: E402

RECORD_BATCH = 20_000  # records per scan run: each run is one real `legality scan` of a fresh batch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000, help="mutated records in all (default 100000)")
    ap.add_argument("--rules", type=int, default=20_000, help="mutated rule files (default 20000)")
    ap.add_argument("--seed", type=int, default=1, help="first seed; each batch uses the next one")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes of each scan (default 2)")
    args = ap.parse_args()

    failed = False
    totals: dict[str, int] = {}
    t0 = time.perf_counter()
    done, seed = 0, args.seed
    while done < args.records:
        n = min(RECORD_BATCH, args.records - done)
        stats = run_record_fuzz(n, seed, jobs=args.jobs)
        for key, value in stats.items():
            if isinstance(value, int) and not isinstance(value, bool) and key != "exit_code":
                totals[key] = totals.get(key, 0) + value
        if stats.get("crashes") or stats.get("conservation_violations") or stats.get("malformed_lines"):
            failed = True
            print(f"seed {seed}: {stats}", file=sys.stderr)
        done += n
        seed += 1
    t_records = time.perf_counter() - t0

    t0 = time.perf_counter()
    rules = run_rule_fuzz(args.rules, args.seed) if args.rules else {"files": 0, "crashes": 0}
    t_rules = time.perf_counter() - t0
    if rules.get("crashes"):
        failed = True
        for example in rules.get("examples", [])[:10]:
            print(f"rule crash: {example}", file=sys.stderr)

    print("| what | tried | crashes | other |")
    print("|---|---|---|---|")
    other = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()) if k not in ("records", "crashes"))
    print(f"| mutated records (seeds {args.seed}…{seed - 1}, --jobs {args.jobs}) | {totals.get('records', 0):,} "
          f"| {totals.get('crashes', 0)} | {other} | ")
    other = ", ".join(f"{k} {v}" for k, v in sorted(rules.items())
                      if k not in ("files", "crashes", "examples") and not isinstance(v, (list, dict)))
    print(f"| mutated rule files (seed {args.seed}) | {rules.get('files', 0):,} | {rules.get('crashes', 0)} | {other} |")
    rate_r = totals.get("records", 0) / t_records if t_records else 0.0
    rate_f = rules.get("files", 0) / t_rules if t_rules else 0.0
    print(f"\nrecords: {t_records:.0f} s ({rate_r:,.0f} records/s); rule files: {t_rules:.0f} s ({rate_f:,.1f} files/s)")
    print("goal met: 0 crashes, 0 conservation violations" if not failed else "GOAL MISSED: see stderr")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
