"""The cyclic garbage collector in a scan's main process: the heap frozen for the run, chunks taken in paused.

Why it matters: with a store (`--db`) the main process takes in every record's report line and context
from the workers; with the collector walking them — and, after the pack's IR was loaded, the whole
pack on every full pass — 2.75 s of a 50,000-record `--jobs 2 --db` scan went to the collector
(docs/scale.md, «Sixth round»).
"""

from __future__ import annotations

import gc
import io
import pickle

import pytest

from legality.scan import pipeline as PL
from legality.scan import run as RUN
from legality.scan.run import run_scan
from support.fakes import FakeEngine, fake_factory
from test_scan_pipeline import batch


@pytest.fixture
def thawed():
    """Each test starts with nothing frozen and leaves nothing frozen (the suite's own heap)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _from_disk(monkeypatch, tmp_path):
    """The shipped pack as a scan loads it: from the disk cache, its IR still pickled."""
    from legality import engine as E

    monkeypatch.setenv("LEGALITY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(E, "_CACHE", {})  # not this process's memo
    E.Engine.load(None)  # compiled, and stored in this test's cache
    monkeypatch.setattr(E, "_CACHE", {})
    engine = E.Engine.load(None)  # from the disk
    assert engine.from_cache and engine._program._ir is None
    return engine


def test_loading_a_packs_ir_keeps_a_freeze_made_before(thawed, monkeypatch, tmp_path):
    engine = _from_disk(monkeypatch, tmp_path)
    sentinel = [object()]  # a tracked container, frozen below with everything else
    gc.freeze()
    assert not _tracked(sentinel)
    engine._program.batch_plan()  # unpickles the IR (`_uncollected`)
    assert not _tracked(sentinel)  # the freeze is kept …
    assert not _tracked(engine._program.rules)  # … and the IR joined it


def _tracked(obj) -> bool:
    """Whether the collector's generations hold `obj` (a frozen object is in none of them)."""
    return any(o is obj for o in gc.get_objects())


def test_loading_a_packs_ir_without_a_freeze_leaves_nothing_frozen(thawed, monkeypatch, tmp_path):
    engine = _from_disk(monkeypatch, tmp_path)
    engine._program.batch_plan()
    assert gc.get_freeze_count() == 0 and _tracked(engine._program.rules)  # handed to the collector's oldest generation


def test_a_scan_freezes_the_heap_for_the_run_and_thaws_it_after(thawed, monkeypatch):
    seen = []
    real_emit = RUN.emit

    def emit(*a, **kw):
        seen.append((gc.get_freeze_count() > 0, gc.isenabled()))
        return real_emit(*a, **kw)

    monkeypatch.setattr(RUN, "emit", emit)
    assert gc.isenabled()
    run_scan([], FakeEngine(), io.BytesIO(), fmt="jsonl", raws=batch(300), jobs=2, factory=fake_factory, chunk=64)
    assert seen and all(frozen and not collecting for frozen, collecting in seen)  # every chunk: frozen heap, paused
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # as the scan found them


def test_a_freeze_made_before_the_scan_outlives_it(thawed):
    gc.freeze()
    run_scan([], FakeEngine(), io.BytesIO(), fmt="jsonl", raws=batch(300), jobs=2, factory=fake_factory, chunk=64)
    assert gc.get_freeze_count() > 0  # the command's freeze (commands/_inputs) is not the scan's to thaw


def test_a_worker_answers_with_its_chunk_pickled_and_opened_gives_it_back():
    raws = batch(50)
    spec = PL.Spec(fmt="jsonl")
    PL._ENGINE = FakeEngine()
    try:
        got = PL._work(PL.to_columns(raws), spec)
    finally:
        PL._ENGINE = None
    assert isinstance(got, bytes)
    done, direct = PL.opened(got), PL.work(FakeEngine(), raws, spec)
    assert done.payloads == direct.payloads and done.tally.to_json() == direct.tally.to_json()
    assert PL.opened(direct) is direct  # `--jobs 1` hands its Done over as it is
    assert pickle.loads(got).payloads == direct.payloads
