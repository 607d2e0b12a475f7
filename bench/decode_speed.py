"""Decoding and validation speed: the pydantic path (before issue 13) against the fast msgspec path.

    python bench/decode_speed.py            # 20,000 generated records, median of 3 runs
    python bench/decode_speed.py -n 5000 -r 5

Both run `legality.io.reader.decode` on the same `RawRecord`s (the bytes of a batch from
`tests/support/synth.py`: the fixtures with unique case ids and shifted dates), in this process,
one after the other: "pydantic" with the fast decoder switched off (exactly the old path: orjson,
duplicate keys, the pydantic model, the cross-field checks), "fast" as shipped (for a valid record
without a duplicate key: msgspec's typed decode, the key skeleton's colon count and the same
cross-field checks, one parse; for any other: orjson and the duplicate-key check, msgspec, and
pydantic only for records the fast model refuses).  It also times a fresh interpreter importing each path (start-up).
Times are CPU time of this process (`time.process_time`), which other jobs on a busy machine
disturb less than wall time.  Asserts nothing; prints records/s, the ratio, and the fast path's time by step (best of the runs).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from support.synth import write_batch  # noqa: E402

from legality.io import reader  # noqa: E402
from legality.io.reader import RawRecord, decode  # noqa: E402


def _run(raws: list[RawRecord]) -> tuple[float, int]:
    t0 = time.process_time()
    valid = sum(decode(r).valid for r in raws)
    return time.process_time() - t0, valid


def _import_time(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", f"import time; t=time.process_time(); {code}; "
                              "print(time.process_time()-t)"], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20_000, help="records (default 20000)")
    ap.add_argument("-r", type=int, default=3, help="runs of each, the median is shown (default 3)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_batch(Path(tmp) / "batch.jsonl", args.n)
        raws = [RawRecord("batch.jsonl", i, line) for i, line in enumerate(path.read_bytes().splitlines(), 1)]
    decode(raws[0])  # both paths warm: the pydantic model imported and built once
    with _pydantic_only():
        decode(raws[0])
    old, new = [], []
    for _ in range(args.r):  # interleaved, so a busy machine slows both alike
        with _pydantic_only():
            t, v_old = _run(raws)
        old.append(t)
        t, v_new = _run(raws)
        new.append(t)
    assert v_old == v_new, (v_old, v_new)
    t_old, t_new = statistics.median(old), statistics.median(new)
    n = len(raws)
    print(f"records: {n} ({v_new} valid), median of {args.r} runs")
    print(f"pydantic path: {n / t_old:>10,.0f} records/s  ({t_old / n * 1e6:.1f} µs/record)")
    print(f"fast path:     {n / t_new:>10,.0f} records/s  ({t_new / n * 1e6:.1f} µs/record)")
    print(f"ratio:         {t_old / t_new:.2f}×")
    imp_old = _import_time("import legality.model.validate as v, legality.model.verdict as m", 3)
    imp_new = _import_time("import legality.model.fast", 3)
    print(f"import, pydantic model: {imp_old * 1000:.0f} ms; fast decoder: {imp_new * 1000:.0f} ms (median of 3)")
    _parts(raws, args.r)
    return 0


def _pydantic_only() -> Any:
    """`decode` with both fast ways off (the one-parse shortcut and the fast model): the pydantic path."""
    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch.object(reader, "decode_valid", lambda data: None))
    stack.enter_context(mock.patch.object(reader, "decode_clean", lambda data: None))
    return stack


def _parts(raws: list[RawRecord], runs: int) -> None:
    """Where the fast path's time goes: each step alone over the same records, best of `runs`."""
    import hashlib

    import orjson

    from legality.model.fast import _DECODER, _ENCODE, _KEYS
    from legality.model.validate import cross_field_errors

    data = [r.data for r in raws]
    objs = [orjson.loads(d) for d in data]
    decoded = [_DECODER.decode(d) for d in data]
    n = range(len(raws))
    steps = [  # results dropped at once, as in a scan (kept, 20,000 records would be collected over and over)
        ("key skeleton (one-parse shortcut)", lambda i: _ENCODE(_KEYS(data[i])).count(b":") == data[i].count(b":")),
        ("orjson parse (full way)", lambda i: orjson.loads(data[i])),
        ("duplicate-key check (full way)", lambda i: reader.duplicate_keys(data[i], objs[i])),
        ("msgspec decode", lambda i: _DECODER.decode(data[i])),
        ("cross-field checks", lambda i: cross_field_errors(decoded[i])),
        ("content hash", lambda i: hashlib.sha256(data[i]).hexdigest()),
        ("decode (all of it)", lambda i: decode(raws[i])),
    ]
    print(f"fast path by step (best of {runs}):")
    for name, step in steps:
        best = float("inf")
        for _ in range(runs):
            t0 = time.process_time()
            for i in n:
                step(i)
            best = min(best, time.process_time() - t0)
        print(f"  {name:32s} {best / len(raws) * 1e6:6.1f} µs/record")


if __name__ == "__main__":
    raise SystemExit(main())
