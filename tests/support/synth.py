"""Deterministic large batches made from the fixture records, for the benchmark and the scale tests.

Why from the fixtures: they are realistic records (lawful, near-miss and planted errors), so a big
batch exercises the same rules in the same proportions.  Record `i` is fixture `i mod n` with a
unique case id and every date shifted by the same few days (the record stays self-consistent);
the output depends only on `n` and the fixture files.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterator

import orjson

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"  # test data, not package data

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fixture_records(root: Path = FIXTURES_DIR / "verdicts") -> list[dict[str, Any]]:
    out = []
    for path in sorted(root.rglob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            if line.strip():
                out.append(orjson.loads(line))
    if not out:
        raise FileNotFoundError(f"no fixture records under {root}")
    return out


def _shift(obj: Any, days: int) -> Any:
    if isinstance(obj, dict):
        return {k: _shift(v, days) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shift(v, days) for v in obj]
    if isinstance(obj, str) and _DATE.match(obj):
        try:
            return (dt.date.fromisoformat(obj) + dt.timedelta(days=days)).isoformat()
        except ValueError:
            return obj
    return obj


def generate(n: int, base: list[dict[str, Any]] | None = None) -> Iterator[bytes]:
    """`n` JSON lines (bytes, without newline)."""
    base = base if base is not None else fixture_records()
    for i in range(n):
        rec = _shift(base[i % len(base)], i % 5)
        rec["case_id"] = f"{rec.get('case_id', 'X')}-G{i:07d}"
        yield orjson.dumps(rec)


def write_batch(path: Path, n: int) -> Path:
    with open(path, "wb") as fh:
        for line in generate(n):
            fh.write(line + b"\n")
    return path
