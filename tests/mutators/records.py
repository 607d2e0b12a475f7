"""Mutated verdict records through the real `legality scan`: the record fuzzer of issue 11.

Why a module, not a test: the suite runs it at a size that fits CI (tests/test_fuzz_records.py) and
the nightly machine at 100,000 records (bench/fuzz.py); both must exercise the same code.  It imports
neither pytest nor anything outside the standard library, orjson and `legality` itself.

Why these mutations: they are the red team's (report redteam-2026-12, appendix), which found a record
that killed a whole batch (F02) and records whose rule faults were counted as clean (F03).
Structural ones break the shape (drop a field, a wrong type or a weird value, swapped dates, extreme
numbers, empty arrays, a subtree grafted from another record, damaged bytes, truncation); semantic ones
keep the shape and change the meaning (codes, terms, penalties, articles from the catalogue and unknown
ones, duplicated offences, prior convictions).

Why streaming: `mutated_records` is a generator and the checks read the report line by line, so
memory does not grow with `n`; only counts are kept.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

import orjson

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "verdicts"
LAW = ROOT / "rules" / "law" / "sanctions"

WEIRD: list[Any] = [
    None, True, False, 0, -1, 2**63, 2**64 - 1, -(2**63) - 1, 1e-320, 1e19, 1e300, 1.7976931348623157e308,
    "", "x", "2024-02-30", "0000-01-01", "9999-12-31", "\u0662\u0660\u0662\u0664-\u0660\u0663-\u0661\u0665",
    "2024-03-15\n", "\u0000", "\x1b[31m", "\ud800", "a" * 300, "‮RTL", [], {}, [None], [[]],
    {"years": -1}, {"years": 10**6}, {"days": 1e308}, {"months": 1.5}, {"years": 2**64},
]
NUMBERS: list[Any] = [0, -1, 1, 2**31, 2**53 + 1, 2**63, 2**64 - 1, 2**64, 10**30, 1e300, 1e-320, 0.5, -0.0]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT_KEYS = ("mrp", "multiple", "hours", "days", "term")

Path_ = tuple  # a JSON path: keys and indices


# ---- paths in a JSON tree


def paths(obj: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, prefix + (i,))


def get(obj: Any, p: Path_) -> Any:
    for k in p:
        obj = obj[k]
    return obj


def setp(obj: Any, p: Path_, value: Any) -> None:
    get(obj, p[:-1])[p[-1]] = value


def delete(obj: Any, p: Path_) -> None:
    parent = get(obj, p[:-1])
    del parent[p[-1]]


# ---- the material: fixture records and what they are made of


class Pool:
    """What mutations draw from: the fixture records, their values by key, catalogue articles."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        for path in sorted(FIXTURES.rglob("*.jsonl")):
            for line in path.read_bytes().splitlines():
                if line.strip():
                    try:
                        rec = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue
                    if isinstance(rec, dict):
                        self.records.append(rec)
        if not self.records:
            raise FileNotFoundError(f"no fixture records under {FIXTURES}")
        self.by_key: dict[str, list[Any]] = {}
        self.subtrees: dict[str, list[Any]] = {}
        for rec in self.records:
            for p in paths(rec):
                if p and isinstance(p[-1], str):
                    v = get(rec, p)
                    if isinstance(v, (dict, list)):
                        self.subtrees.setdefault(p[-1], []).append(v)
                    else:
                        bucket = self.by_key.setdefault(p[-1], [])
                        if v not in bucket and len(bucket) < 64:
                            bucket.append(v)
        try:
            from legality.model.enums import ENUMS

            self.enum_values = sorted({m.value for e in ENUMS.values() for m in e})
        except Exception:  # noqa: BLE001 - the fixtures' own codes are enough
            self.enum_values = sorted({v for vs in self.by_key.values() for v in vs if isinstance(v, str)})[:200]
        self.articles = sorted(p.stem for p in LAW.glob("*.yaml")) or ["188"]


# ---- mutations


def _scalar_paths(rec: Any) -> list[Path_]:
    return [p for p in paths(rec) if p and not isinstance(get(rec, p), (dict, list))]


def _numeric_paths(rec: Any) -> list[Path_]:
    return [p for p in paths(rec) if p and isinstance(get(rec, p), (int, float)) and not isinstance(get(rec, p), bool)]


def _date_paths(rec: Any) -> list[Path_]:
    return [p for p in paths(rec) if p and isinstance(get(rec, p), str) and DATE.match(get(rec, p))]


def _offences(rec: Any) -> list[dict]:
    offs = rec.get("offences") if isinstance(rec, dict) else None
    return [o for o in offs if isinstance(o, dict)] if isinstance(offs, list) else []


def _penalties(rec: Any) -> list[dict]:
    out = []
    for p in paths(rec):
        if p and p[-1] in ("principal", "additional"):
            v = get(rec, p)
            out.extend([v] if isinstance(v, dict) else [x for x in v if isinstance(x, dict)] if isinstance(v, list) else [])
    return out


def _term(rng: random.Random) -> Any:
    return rng.choice([
        {"years": rng.randint(0, 30), "months": rng.randint(0, 11)},
        {"months": rng.randint(0, 400)}, {"days": rng.randint(0, 900)}, {"years": 0, "months": 0},
        {"years": rng.choice([-1, 10**4, 10**5, 2**63])}, {"years": 1, "months": 12, "days": 30}, {},
    ])


def mutate_once(rec: dict[str, Any], rng: random.Random, pool: Pool, op: str) -> None:
    ps = [p for p in paths(rec) if p]
    if not ps:
        return
    if op == "drop":
        delete(rec, rng.choice(ps))
    elif op == "type":
        setp(rec, rng.choice(ps), copy.deepcopy(rng.choice(WEIRD)))
    elif op == "num":
        nps = _numeric_paths(rec)
        if nps:
            p = rng.choice(nps)
            v = get(rec, p)
            setp(rec, p, rng.choice([*NUMBERS, -v, v + 1, v * 1000, v / 3, v * 10**20]))
    elif op == "swapdates":
        dps = _date_paths(rec)
        if len(dps) >= 2:
            a, b = rng.sample(dps, 2)
            va, vb = get(rec, a), get(rec, b)
            setp(rec, a, vb)
            setp(rec, b, va)
    elif op == "date":
        dps = _date_paths(rec)
        if dps:
            p = rng.choice(dps)
            try:
                d = dt.date.fromisoformat(get(rec, p))
                shifted = d + dt.timedelta(days=rng.choice([-36500, -3650, -1, 1, 30, 3650, 36500]))
                value = shifted.isoformat()
            except (ValueError, OverflowError):
                value = "2024-02-30"
            setp(rec, p, rng.choice([value, "2024-02-30", "1900-01-01", "2999-01-01", "2024-13-01"]))
    elif op == "emptyarr":
        lps = [p for p in ps if isinstance(get(rec, p), list)]
        if lps:
            setp(rec, rng.choice(lps), [])
    elif op == "graft":
        kps = [p for p in ps if isinstance(p[-1], str) and p[-1] in pool.subtrees]
        if kps:
            p = rng.choice(kps)
            setp(rec, p, copy.deepcopy(rng.choice(pool.subtrees[p[-1]])))
    elif op == "extra":
        dps = [p for p in [(), *ps] if isinstance(get(rec, p), dict)]
        target = get(rec, rng.choice(dps))
        target[rng.choice(["x", "_extra", "case_id_", "\u0000", "a" * 300])] = copy.deepcopy(rng.choice(WEIRD))
    elif op == "enum":
        sps = [p for p in _scalar_paths(rec) if isinstance(p[-1], str) and isinstance(get(rec, p), str)]
        if sps:
            p = rng.choice(sps)
            same = [v for v in pool.by_key.get(p[-1], []) if isinstance(v, str)]
            setp(rec, p, rng.choice(same + pool.enum_values + ["", "unknown", "MAXIMUM"]))
    elif op == "term":
        terms = [p for p in ps if p[-1] in ("term", "period")]
        if terms:
            setp(rec, rng.choice(terms), _term(rng))
    elif op == "penalty":
        pens = _penalties(rec)
        if pens:
            pen = rng.choice(pens)
            kinds = [v for v in pool.by_key.get("kind", []) if isinstance(v, str)] or ["fine"]
            pen["kind"] = rng.choice(kinds)
            for k in AMOUNT_KEYS:
                pen.pop(k, None)
            k = rng.choice(AMOUNT_KEYS)
            pen[k] = _term(rng) if k == "term" else rng.choice([0, 1, 10, 500, 20000, 10**6, 10**7, -5, 1e20])
    elif op == "article":
        offs = _offences(rec)
        if offs:
            o = rng.choice(offs)
            o["article"] = rng.choice(pool.articles + ["999", "0", "", "188-9", "٣", "188 "])
            o["part"] = rng.choice([None, 0, 1, 2, 3, 4, 5, 9, -1])
            if rng.random() < 0.3:
                o["paragraph"] = rng.choice([None, 1, 2, 3, 12])
    elif op == "dupoffence":
        offs = rec.get("offences")
        if isinstance(offs, list) and offs:
            dup = copy.deepcopy(rng.choice(offs))
            if isinstance(dup, dict) and rng.random() < 0.7:
                dup["id"] = str(len(offs) + 1)
            offs.append(dup)
    elif op == "priors":
        d = rec.get("defendant")
        if isinstance(d, dict):
            priors = pool.subtrees.get("prior_convictions", [[]])
            d["prior_convictions"] = copy.deepcopy(rng.choice(priors)) * rng.choice([1, 2, 5])
    elif op == "kindswap":
        fs = rec.get("final_sentence")
        offs = _offences(rec)
        if isinstance(fs, dict) and offs and isinstance(offs[0].get("sentence"), dict):
            fs["principal"], offs[0]["sentence"]["principal"] = (
                copy.deepcopy(offs[0]["sentence"].get("principal")), copy.deepcopy(fs.get("principal")))


STRUCTURAL = ("drop", "type", "num", "swapdates", "emptyarr", "graft", "extra", "date")
SEMANTIC = ("enum", "term", "penalty", "article", "dupoffence", "priors", "kindswap", "num", "date")


def _damage(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            break
        i = rng.randrange(len(b))
        b[i] = rng.choice([0x00, 0x1B, 0x22, 0x5C, 0x7B, 0x7D, 0xC3, 0xD0, 0xFF, rng.randrange(256)])
    return bytes(b)


def _one_line(data: bytes) -> bytes:
    """One input record is one non-blank line, whatever the mutation did (the counts compare lines)."""
    data = data.replace(b"\n", b" ").replace(b"\r", b" ")
    return data if data.strip() else b"{"


def mutated_records(n: int, seed: int, pool: Pool | None = None) -> Iterator[bytes]:
    """`n` mutated records (bytes, one line each, no newline); deterministic for (n, seed, fixtures)."""
    rng = random.Random(seed)
    pool = pool or Pool()
    for i in range(n):
        rec = copy.deepcopy(pool.records[rng.randrange(len(pool.records))])
        if isinstance(rec, dict):
            rec["case_id"] = f"FZ-{seed}-{i:07d}"
        ops = SEMANTIC if i % 2 else STRUCTURAL
        for _ in range(rng.randint(1, 2) if i % 2 else rng.randint(1, 5)):
            try:
                mutate_once(rec, rng, pool, rng.choice(ops))
            except (KeyError, IndexError, TypeError, ValueError):
                pass  # the mutation did not fit this record (a path a previous one removed): try the next
        if not isinstance(rec, dict):
            rec = {"value": rec}
        try:
            data = orjson.dumps(rec)
        except TypeError:  # integers beyond 64 bits, lone surrogates: written as Python's json would
            data = _lossy(rec)
        roll = rng.random()
        if roll < 0.02:
            data = _damage(data, rng)
        elif roll < 0.03:
            data = data[: rng.randrange(1, max(2, len(data)))]
        yield _one_line(data)


def _lossy(rec: Any) -> bytes:
    import json

    return json.dumps(rec, ensure_ascii=True, allow_nan=True).encode()


# ---- the run


def legality_command() -> list[str]:
    exe = Path(sys.executable).with_name("legality")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "legality.cli"]


def run_record_fuzz(n: int, seed: int, jobs: int = 1) -> dict[str, Any]:
    """Scan `n` mutated records with the real CLI and check the run; returns the counts.

    Checked: no traceback and exit code 0 or 1 (else a crash); the summary's conservation
    (records == clean + flagged + invalid + partial == n); one report line per input record, in
    order (`--all`); every line valid against ReportLineModel and consistent (flagged ⇒ candidates,
    invalid ⇒ errors, partial ⇒ faults, clean ⇒ neither); line statuses equal to the summary counts.
    """
    from legality.report.model import ReportLineModel

    stats: dict[str, Any] = {"records": n, "lines": 0, "crashes": 0, "conservation_violations": 0,
                             "malformed_lines": 0, "faults": 0, "partial": 0, "clean": 0, "flagged": 0,
                             "invalid": 0, "candidates": 0, "examples": []}

    def problem(key: str, text: str) -> None:
        stats[key] += 1
        if len(stats["examples"]) < 10:
            stats["examples"].append(f"seed {seed}: {text}")

    with tempfile.TemporaryDirectory(prefix="legality-fuzz-") as tmp:
        inp, rep, summ = Path(tmp, f"mut-{seed}.jsonl"), Path(tmp, "report.jsonl"), Path(tmp, "summary.json")
        with open(inp, "wb") as fh:
            for data in mutated_records(n, seed):
                fh.write(data + b"\n")
        env = {**os.environ, "NO_COLOR": "1"}
        proc = subprocess.run([*legality_command(), "scan", str(inp), "--all", "-f", "jsonl", "-o", str(rep),
                               "--summary", str(summ), "-j", str(jobs), "--no-progress"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp)
        stats["exit_code"] = proc.returncode
        if proc.returncode not in (0, 1) or b"Traceback" in proc.stderr or not summ.exists() or not rep.exists():
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            problem("crashes", f"exit {proc.returncode}: {tail[0][:300]}")
            return stats
        summary = orjson.loads(summ.read_bytes())
        parts = [summary.get(k, 0) for k in ("clean", "flagged", "invalid", "partial")]
        if not (summary.get("records") == sum(parts) == n):
            problem("conservation_violations", f"summary records {summary.get('records')}, parts {parts}, input {n}")
        seen = {"clean": 0, "flagged": 0, "invalid": 0, "partial": 0}
        expected_line = 1
        with open(rep, "rb") as fh:
            for raw in fh:
                stats["lines"] += 1
                try:
                    d = orjson.loads(raw)
                    line = ReportLineModel.model_validate(d)
                except Exception as exc:  # noqa: BLE001 - a malformed line is a finding of the fuzzer
                    problem("malformed_lines", f"line {stats['lines']}: {type(exc).__name__}")
                    expected_line += 1
                    continue
                if line.source.line != expected_line:
                    problem("conservation_violations", f"report line {stats['lines']} is input line {line.source.line}")
                    expected_line = line.source.line
                expected_line += 1
                faults = line.faults or []
                gaps = line.coverage.gaps if line.coverage is not None else []  # what could not be checked
                ok = {"flagged": bool(line.candidates), "invalid": bool(line.errors) and not line.candidates,
                      "partial": bool(faults or gaps) and not line.candidates,
                      "clean": not line.candidates and not line.errors and not faults and not gaps}[line.status]
                if not ok:
                    problem("malformed_lines", f"input line {line.source.line}: status {line.status} does not match")
                seen[line.status] += 1
                stats["faults"] += len(faults)
                stats["candidates"] += len(line.candidates)
        stats.update(seen)
        if stats["lines"] != n:
            problem("conservation_violations", f"{stats['lines']} report lines for {n} records")
        if any(seen[k] != summary.get(k, 0) for k in seen):
            problem("conservation_violations", f"line statuses {seen} differ from the summary")
    return stats


if __name__ == "__main__":  # python tests/mutators/records.py N SEED [JOBS]
    args = [int(a) for a in sys.argv[1:4]]
    print(run_record_fuzz(*args))
