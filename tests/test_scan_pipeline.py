"""The scan pipeline: input order, workers, the state hook (fake engine; the real one in test_scan_cli)."""

from __future__ import annotations

import io

import orjson

from legality.io.reader import RawRecord
from legality.report.model import ReportLine
from legality.scan.pipeline import Pipeline
from legality.scan.run import run_scan
from legality.scan.state import SKIP
from support.fakes import FakeEngine, ResumingState, fake_factory, record


def batch(n: int) -> list[RawRecord]:
    out = []
    for i in range(n):
        if i % 97 == 50:
            data = b'{"case_id": "broken-%d", ' % i
        else:
            data = orjson.dumps(record(f"C-{i:05d}", years=2 + i % 4, regime="maximum" if i % 7 == 0 else "medium"))
        out.append(RawRecord("gen.jsonl", i + 1, data))
    return out


def scan(raws, *, jobs: int, state=None, include_all: bool = False, start_method=None) -> tuple[bytes, object]:
    out = io.BytesIO()
    s = run_scan([], FakeEngine(), out, fmt="jsonl", raws=raws, jobs=jobs, factory=fake_factory, state=state,
                 include_all=include_all, start_method=start_method)
    return out.getvalue(), s


def test_workers_give_the_same_bytes_in_input_order(monkeypatch):
    started = []
    real_start = Pipeline._start_pool
    monkeypatch.setattr(Pipeline, "_start_pool", lambda self: (started.append(self.jobs), real_start(self)))
    raws = batch(3000)
    one, s1 = scan(raws, jobs=1)
    three, s3 = scan(raws, jobs=3)                          # fork: workers inherit the engine
    two, _ = scan(raws, jobs=2, start_method="spawn")        # spawn: workers build it with the factory
    assert started == [3, 2]  # both runs really used worker processes
    assert one == three == two
    assert s1.to_json() | {"started": "", "finished": ""} == s3.to_json() | {"started": "", "finished": ""}
    lines = [orjson.loads(x)["source"]["line"] for x in one.splitlines()]
    assert lines == sorted(lines) and len(lines) == s1.flagged + s1.invalid
    assert s1.invalid == len([r for r in raws if r.data.startswith(b'{"case_id": "broken')])


class RecordingState(ResumingState):
    """Resumes record 2, says record 3 is unchanged, drops clean lines on output (like --new-only)."""

    def record(self, result, content_hash, context=None):
        self.recorded.append((result.line, content_hash))
        return None if result.status == "clean" else result


def test_state_hook_resume_skip_and_filter_keep_input_order():
    raws = batch(600)
    for jobs in (1, 2):
        state = RecordingState()
        data, s = scan(raws, jobs=jobs, state=state, include_all=True)
        lines = [orjson.loads(x) for x in data.splitlines()]
        assert lines[0]["source"]["line"] == 1 and lines[1]["case_id"] == "resumed"
        assert 3 not in [x["source"]["line"] for x in lines]
        assert all(x["status"] != "clean" for x in lines)
        assert [n for n, _ in state.recorded] == [n for n in range(1, 601) if n not in (2, 3)]
        assert all(h == raws[n - 1].content_hash for n, h in state.recorded)
        assert s.unchanged == 1 and s.records == 599


def test_without_jobs_an_input_of_one_chunk_is_scanned_in_this_process(monkeypatch):
    """`jobs=0` (no `--jobs`): an input of at most one chunk is evaluated here, without forking workers (and
    without preparing the batch plan for them); a bigger one gets a worker per core.  Same bytes every way."""
    import legality.scan.run as run_mod

    started = []
    real_start = Pipeline._start_pool
    monkeypatch.setattr(Pipeline, "_start_pool", lambda self: (started.append(self.jobs), real_start(self)))
    monkeypatch.setattr(run_mod.os, "cpu_count", lambda: 2)

    def auto(raws, chunk):
        out = io.BytesIO()
        run_scan([], FakeEngine(), out, fmt="jsonl", raws=raws, jobs=0, factory=fake_factory, chunk=chunk)
        return out.getvalue()

    raws = batch(300)
    one, _ = scan(raws, jobs=1)
    assert auto(raws, 300) == one and started == []      # one chunk: this process
    assert auto(raws[:1], 300) == scan(raws[:1], jobs=1)[0] and started == []
    assert auto(raws, 299) == one and started == [2]     # one record more than a chunk: a worker per core
    assert auto([], 300) == scan([], jobs=1)[0] and started == [2]


def test_auto_jobs_reads_one_record_past_a_chunk_and_gives_every_record_back_in_order(monkeypatch):
    import legality.scan.run as run_mod

    monkeypatch.setattr(run_mod.os, "cpu_count", lambda: 3)
    raws = batch(10)
    taken = []

    def source():
        for r in raws:
            taken.append(r.line)
            yield r

    jobs, records = run_mod.auto_jobs(source(), 4)
    assert jobs == 3 and taken == [1, 2, 3, 4, 5]        # the rest stays unread until the pipeline reads it
    assert [r.line for r in records] == list(range(1, 11))
    jobs, records = run_mod.auto_jobs(iter(raws[:4]), 4)
    assert jobs == 1 and list(records) == raws[:4]
    monkeypatch.setattr(run_mod.os, "cpu_count", lambda: None)  # unknown: one process
    assert run_mod.auto_jobs(iter(raws), 4)[0] == 1
