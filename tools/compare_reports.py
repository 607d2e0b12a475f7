"""Same reports before and after a change: run two versions of legality on the same inputs and compare bytes.

Why a script and not a test: the "before" is another commit, checked out into a temporary git
worktree, and the comparison is meant for refactorings of the engine (issue 12: one evaluator,
one-way layers) whose whole point is that nothing a user sees changes.  It compares:

- `scan fixtures/ --all` in every format (jsonl, json, csv, sarif, html, table);
- `scan` of a generated 10,000-record batch (`--all -f jsonl`);
- `explain --format json` and the text `explain` of every planted fixture case (the traced path).

Each version runs from its own source tree (its own grammar, rules and law catalogue) with
`PYTHONPATH=<tree>/src`, so the current venv's dependencies serve both.  The rules version printed in
reports is a hash of the rule files; when the two versions compute it differently (that is itself a
change worth seeing) it is shown once and masked, and the rest must still be identical.

    python tools/compare_reports.py            # HEAD against the working tree
    python tools/compare_reports.py c9c761a    # a given commit against the working tree

Exit 0 when every output is identical, 1 otherwise (the first differing line of each is printed).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("jsonl", "json", "csv", "sarif", "html", "table")
VERSION = re.compile(rb'"rules_version": ?"([0-9a-f]{8,64})"|rules_version=([0-9a-f]{8,64})')


def run(tree: Path, args: list[str], cache: Path) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), COLUMNS="160", LEGALITY_CACHE_DIR=str(cache))
    code = "import sys; from legality.cli import main; sys.argv[0] = 'legality'; main()"
    p = subprocess.run([sys.executable, "-c", code, *args], cwd=tree, env=env, capture_output=True)
    return p.stdout + f"\n[exit {p.returncode}]\n".encode()


def outputs(tree: Path, batch: Path, cases: list[str], cache: Path) -> dict[str, bytes]:
    """Every output of one version, run from its own tree with relative paths (as a user would)."""
    out = {f"scan fixtures -f {f}": run(tree, ["scan", "fixtures", "--all", "-f", f, "-j", "1"], cache) for f in FORMATS}
    out["scan batch10k -f jsonl"] = run(tree, ["scan", str(batch), "--all", "-f", "jsonl", "-j", "2"], cache)
    for case in cases:
        out[f"explain {case} json"] = run(tree, ["explain", "fixtures", "--case", case, "--format", "json"], cache)
        out[f"explain {case} text"] = run(tree, ["explain", "fixtures", "--case", case], cache)
    return out


def planted_cases() -> list[str]:
    cases = []
    for path in sorted((ROOT / "fixtures" / "verdicts" / "planted").glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            m = re.search(rb'"case_id": ?"([^"]+)"', line)
            if m:
                cases.append(m.group(1).decode())
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", nargs="?", default="HEAD", help="the 'before' commit (default HEAD)")
    ap.add_argument("--n", type=int, default=10_000, help="records in the generated batch")
    args = ap.parse_args()

    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
    from support.synth import write_batch

    with tempfile.TemporaryDirectory(prefix="legality-compare-") as tmp:
        tmpd = Path(tmp)
        before = tmpd / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before), args.rev], check=True)
        try:
            batch = write_batch(tmpd / "batch.jsonl", args.n)
            cases = planted_cases()
            old = outputs(before, batch, cases, tmpd / "cache-before")
            new = outputs(ROOT, batch, cases, tmpd / "cache-after")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)

    versions = set()
    for blob in list(old.values()) + list(new.values()):
        versions.update(g for m in VERSION.finditer(blob) for g in m.groups() if g)
    def mask(b: bytes) -> bytes:
        for v in versions:
            b = b.replace(v.encode() if isinstance(v, str) else v, b"<rules_version>")
        return b
    if len(versions) > 1:
        print(f"rules_version differs between the two versions: {sorted(v.decode() for v in versions)} (masked)")

    differ = 0
    for key in old:
        a, b = mask(old[key]), mask(new[key])
        if a == b:
            continue
        differ += 1
        la, lb = a.splitlines(), b.splitlines()
        i = next((k for k, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
        print(f"DIFFERS: {key} (line {i + 1})\n  before: {la[i][:200] if i < len(la) else b'<end>'!r}\n"
              f"  after:  {lb[i][:200] if i < len(lb) else b'<end>'!r}")
    print(f"{len(old) - differ} of {len(old)} outputs identical ({len(FORMATS)} scan formats of the fixtures, "
          f"a {args.n:,}-record batch, explain of {len(cases)} planted cases)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
