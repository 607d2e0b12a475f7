"""Workers send ready report bytes and a chunk's counts, not line objects (issue 13, item 4).

The fake engine keeps these about the pipeline, not the rules; the real engine's byte-identity across
`--jobs` is in test_scan_cli / test_store_scan_cli, and across `--cluster` in test_cluster.
"""

from __future__ import annotations

import csv
import io
import pickle

import orjson
import pytest

from legality.io.reader import RawRecord
from legality.report.base import FormatOptions, RunMeta, formatter_class
from legality.report.model import ReportLine
from legality.scan.pipeline import Spec, evaluate_raws, work
from legality.scan.run import run_scan
from legality.scan.state import SKIP
from legality.scan.summary import Summary
from support.fakes import FakeEngine, ResumingState, record


def batch(n: int) -> list[RawRecord]:
    out = []
    for i in range(n):
        if i % 97 == 50:
            data = b'{"case_id": "broken-%d", ' % i
        elif i % 101 == 7:
            data = orjson.dumps(record(f"boom-{i}", years=2))  # the fake engine raises: a fault, partial
        else:
            data = orjson.dumps(record(f"=C-{i:05d};\"x\"", years=2 + i % 4,
                                       regime="maximum" if i % 7 == 0 else "medium",
                                       court="суд «Север»; \"1\"" if i % 3 else None))
        out.append(RawRecord("gen.jsonl", i + 1, data))
    return out


class RowEngine(FakeEngine):
    """A fake engine with backends whose "row" backend also fires on regime «medium» (so a worker
    that evaluated with another backend than the main process's engine would change the report)."""

    backend = "batch"

    def with_backend(self, backend: str) -> "RowEngine":
        e = RowEngine()
        e.backend = backend
        return e

    def evaluate(self, verdict, **kw):
        ev = super().evaluate(verdict, **kw)
        regime = verdict.final_sentence.regime
        if self.backend == "row" and not ev.candidates and regime is not None and regime.value == "medium":
            ev.candidates.append(self._cand("regime-maximum", "medium", None, verdict.case_id, "medium", ["low"],
                                            {"act": "УК РК", "article": "46", "part": 5, "paragraph": None}))
        return ev


def row_factory(rules_dir):
    return RowEngine()  # the default backend ("batch"): the pipeline must switch it to the scan's


def scan(raws, fmt: str, *, jobs: int = 1, engine=None, start_method=None, state=None, include_all=False,
         delimiter=",", chunk=None, factory=None):
    out = io.BytesIO()
    kw = {} if factory is None else {"factory": factory}
    s = run_scan([], engine or FakeEngine(), out, fmt=fmt, raws=raws, jobs=jobs, state=state, chunk=chunk,
                 include_all=include_all, start_method=start_method,
                 options=FormatOptions(csv_delimiter=delimiter), **kw)
    return out.getvalue(), s


def counts(s: Summary) -> dict:
    return s.to_json() | {"started": "", "finished": ""}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_rendered_bytes_are_what_add_writes(fmt):
    """The worker's serialiser is the formatter's own: `add` and `add_rendered(renderer(...))` agree."""
    opts = FormatOptions(csv_delimiter=";")
    render = formatter_class(fmt).renderer(opts)
    assert render is not None
    results = evaluate_raws(FakeEngine(), batch(300))
    direct, rendered = io.BytesIO(), io.BytesIO()
    for out, by_bytes in ((direct, False), (rendered, True)):
        f = formatter_class(fmt)(out, RunMeta("t", "v"), opts)
        f.begin()
        for line, ctx, _ in results:
            if by_bytes:
                f.add_rendered(render(line, ctx))
            else:
                f.add(line, ctx)
        f.finish({})
    assert direct.getvalue() == rendered.getvalue()
    assert len(direct.getvalue()) > 10_000


def test_csv_keeps_its_bom_delimiter_and_formula_guard():
    data, s = scan(batch(120), "csv", delimiter=";")
    assert data.startswith("\ufeffДело;Суд;Регион;Судья;".encode())
    assert data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1][0] == '\'=C-00000;"x"'  # a cell a spreadsheet would read as a formula is guarded
    assert len(rows) - 1 == s.candidates and data.endswith(b"\r\n")  # one row per candidate


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table", "sarif"])
def test_every_jobs_value_gives_the_same_bytes_and_counts(fmt):
    raws = batch(1500)
    one, s1 = scan(raws, fmt, jobs=1)
    two, s2 = scan(raws, fmt, jobs=2, chunk=64)
    assert one == two and counts(s1) == counts(s2)
    assert s1.invalid and s1.partial and s1.flagged and s1.clean


def test_chunk_size_changes_nothing():
    raws = batch(700)
    ref, s_ref = scan(raws, "jsonl", include_all=True)
    for chunk in (1, 7, 256):
        data, s = scan(raws, "jsonl", include_all=True, chunk=chunk)
        assert data == ref and counts(s) == counts(s_ref)
    assert len(ref.splitlines()) == 700


def test_a_chunk_without_state_sends_bytes_and_counts_only():
    raws = batch(400)
    done = work(FakeEngine(), raws, Spec("jsonl"))
    assert done.lines is None and done.contexts is None
    assert done.payloads is not None and len(done.payloads) == 400
    # the counts are the counts of the lines; a clean line is not written
    expected = Summary(started="")
    results = evaluate_raws(FakeEngine(), raws)
    for line, ctx, _ in results:
        expected.add(line, ctx)
    assert counts(done.tally) == counts(expected)
    for (line, _, _), data in zip(results, done.payloads):
        assert (data is None) == (line.status == "clean" and not line.faults)
        if data is not None:
            assert orjson.loads(data)["source"]["line"] == line.line
    # and it is much smaller on the wire than the objects
    with_objects = work(FakeEngine(), raws, Spec("jsonl", objects=True))
    assert with_objects.lines is not None and len(with_objects.lines) == 400
    assert len(pickle.dumps(done)) < len(pickle.dumps(with_objects)) / 2


def test_include_all_renders_clean_lines_too():
    done = work(FakeEngine(), batch(50), Spec("jsonl", include_all=True))
    assert done.payloads is not None and all(p is not None for p in done.payloads)


def test_a_collecting_format_gets_objects_not_bytes():
    spec = Spec.of("table", FormatOptions(), include_all=False, state=False)
    assert spec.fmt is None and spec.objects
    done = work(FakeEngine(), batch(20), spec)
    assert done.payloads is None and done.lines is not None and len(done.lines) == 20


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_workers_evaluate_with_the_scans_backend(start_method):
    raws = batch(600)
    engine = RowEngine().with_backend("row")
    one, s1 = scan(raws, "jsonl", jobs=1, engine=engine, factory=row_factory)
    two, s2 = scan(raws, "jsonl", jobs=2, engine=engine, factory=row_factory, start_method=start_method, chunk=100)
    batch_backend, _ = scan(raws, "jsonl", jobs=1, engine=RowEngine(), factory=row_factory)
    assert one != batch_backend  # the backend shows in the report, so the comparison below means something
    assert one == two and counts(s1) == counts(s2)


class NewOnlyState(ResumingState):
    """Resumes record 2, says record 3 is unchanged, keeps only the first candidate of a flagged line
    (a new line object, as --new-only does) and drops every fifth evaluated line."""

    def record(self, result, content_hash, context=None):
        self.recorded.append((result.line, content_hash, context.court if context else ""))
        if result.line % 5 == 0:
            return None
        if len(result.candidates) > 1:
            return ReportLine(result.case_id, result.file, result.line, result.status,
                              candidates=result.candidates[:1], errors=result.errors, faults=result.faults)
        return result


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_state_store_filters_and_resumes_the_same_with_workers(fmt):
    raws = batch(900)
    results = []
    for jobs in (1, 2):
        state = NewOnlyState()
        data, s = scan(raws, fmt, jobs=jobs, state=state, chunk=50)
        results.append((data, counts(s), state.recorded))
    assert results[0] == results[1]
    data, c, recorded = results[0]
    assert [n for n, _, _ in recorded] == [n for n in range(1, 901) if n not in (2, 3)]
    assert all(h == raws[n - 1].content_hash for n, h, _ in recorded)
    assert c["unchanged"] == 1 and c["records"] == 899
    if fmt == "jsonl":
        lines = [orjson.loads(x) for x in data.splitlines()]
        assert lines[1]["case_id"] == "resumed"
        assert all(x["source"]["line"] % 5 for x in lines)
        assert all(len(x["candidates"]) <= 1 for x in lines)
        assert any(x["case_id"].startswith("=C-") and x["status"] == "flagged" for x in lines)


def test_an_engine_that_fails_a_batch_costs_only_its_records():
    class Flaky(FakeEngine):
        def evaluate_many(self, verdicts):
            raise RuntimeError("batch backend bug")

    raws = batch(200)
    flaky, sound = work(Flaky(), raws, Spec("jsonl")), work(FakeEngine(), raws, Spec("jsonl"))
    assert flaky.payloads == sound.payloads and counts(flaky.tally) == counts(sound.tally)


def test_merging_chunk_tallies_equals_counting_every_line():
    import dataclasses

    raws = batch(500)
    whole = Summary(started="")
    for line, ctx, _ in evaluate_raws(FakeEngine(), raws):
        whole.add(line, ctx)
    merged = Summary(started="")
    for i in range(0, len(raws), 64):
        merged.merge(work(FakeEngine(), raws[i:i + 64], Spec("jsonl")).tally)
    for f in dataclasses.fields(Summary):
        assert getattr(merged, f.name) == getattr(whole, f.name), f.name
    assert whole.flagged and whole.invalid and whole.partial and whole.faults


def _fields(s: Summary) -> dict:
    import dataclasses

    return {f.name: getattr(s, f.name) for f in dataclasses.fields(Summary)}


def test_the_streaming_shortcut_counts_and_writes_as_the_line_by_line_way():
    """A plain scan's chunk (`_work_streaming`: clean records counted without their lines) gives the
    payloads and every count that the line-by-line way gives (forced here by a `fix` that changes
    nothing), with the real rule pack on every fixture line — clean, flagged, partial (coverage gaps),
    invalid, records after the catalogue's edition — and with the fake engine's faults."""
    from pathlib import Path

    from legality.engine import Engine

    root = Path(__file__).resolve().parents[1] / "fixtures"
    raws = [RawRecord(p.name, i, line.strip())
            for p in sorted(root.rglob("*.jsonl"))
            for i, line in enumerate(p.read_bytes().split(b"\n"), 1) if line.strip()]
    engine = Engine.load()
    for eng, chunk in ((engine, raws), (FakeEngine(), batch(300))):
        short = work(eng, chunk, Spec("jsonl"))
        full = work(eng, chunk, Spec("jsonl"), fix=lambda line: None)
        assert short.payloads == full.payloads
        assert _fields(short.tally) == _fields(full.tally)
        t = short.tally
        assert t.clean and t.flagged and t.invalid and t.partial
    assert _fields(work(engine, raws, Spec("jsonl")).tally)["after_edition"] > 0
    assert sum(_fields(work(engine, raws, Spec("jsonl")).tally)["gap_reasons"].values()) > 0


def test_add_clean_counts_what_add_counts_of_a_clean_line():
    from legality.result.coverage import Coverage, EditionWarning

    covs = [None, Coverage(), Coverage("full", [], [EditionWarning("1", "edition-older", "x")], "2020-01-15"),
            Coverage("full", [], [EditionWarning(None, "edition-older", "x")], None)]
    for cov in covs:
        a, b = Summary(started=""), Summary(started="")
        a.add(ReportLine("c", "f", 1, "clean", coverage=cov))
        b.add_clean(cov)
        assert _fields(a) == _fields(b)


def test_content_hashes_are_computed_once_and_only_with_a_state_store(monkeypatch):
    """A worker computes no content hash, with or without a state store; a scan with a store computes each
    record's once, in the main process when it plans the chunk, and records, resumes and skips with it."""
    calls = []
    real = RawRecord.content_hash

    def counted(self):
        calls.append(self.line)
        return real.fget(self)

    monkeypatch.setattr(RawRecord, "content_hash", property(counted))
    raws = batch(120)
    work(FakeEngine(), raws, Spec("jsonl"))
    done = work(FakeEngine(), raws, Spec("jsonl", objects=True))
    assert calls == [] and done.lines is not None
    state = NewOnlyState()
    scan(raws, "jsonl", state=state, chunk=50)
    assert sorted(calls) == list(range(1, 121))  # the resumed (2), unchanged (3) and evaluated ones: once each
    assert [h for _n, h, _c in state.recorded] == [real.fget(raws[n - 1]) for n, _h, _c in state.recorded]


class PreparingEngine(FakeEngine):
    """A fake engine that builds something lazily (as the real one builds its batch plan): `prepare`
    builds it now; a record evaluated before it is built says so in its report (a finding on every line)."""

    def __init__(self):
        self.prepared_in: list[int] = []

    def prepare(self):
        import os

        self.prepared_in.append(os.getpid())

    def evaluate(self, verdict, **kw):
        ev = super().evaluate(verdict, **kw)
        if not self.prepared_in:
            ev.candidates.append(self._cand("regime-maximum", "medium", None, verdict.case_id, "unprepared", ["low"],
                                            {"act": "УК РК", "article": "46", "part": 5, "paragraph": None}))
        return ev


def test_forked_workers_inherit_what_the_engine_prepared_once_in_the_main_process():
    import os

    raws = batch(600)
    engine = PreparingEngine()
    engine.prepare()
    one, s1 = scan(raws, "jsonl", jobs=1, engine=engine)
    fresh = PreparingEngine()
    two, s2 = scan(raws, "jsonl", jobs=2, engine=fresh, start_method="fork", chunk=100)
    unprepared, _ = scan(raws, "jsonl", jobs=1, engine=PreparingEngine())
    assert unprepared != one  # an unprepared engine shows in the report, so the comparison below means something
    assert fresh.prepared_in == [os.getpid()]  # once, before the fork, in this process
    assert one == two and counts(s1) == counts(s2)


def test_a_real_engine_prepared_before_the_fork_evaluates_with_the_plan_it_built(monkeypatch):
    from legality.engine import Engine
    from legality.eval import batch as batch_module
    from legality.model.verdict import Verdict

    engine = Engine.load(None)
    engine.prepare()
    plan = engine._program.batch_plan()
    built = []
    monkeypatch.setattr(batch_module.BatchPlan, "__init__", lambda self, *a: built.append(a))
    verdicts = [Verdict.model_validate_json(r.data) for r in batch(40) if not r.data.startswith(b'{"case_id": "broken')]
    assert [e.candidates for e in engine.evaluate_many(verdicts)] == [engine.evaluate(v).candidates for v in verdicts]
    assert built == [] and engine._program.batch_plan() is plan  # the plan prepared is the one used, built once
    row = engine.with_backend("row")
    row.prepare()  # the row backend has no plan to build: nothing happens, nothing fails


def test_record_contexts_travel_by_their_values(monkeypatch):
    """A record's context goes back from a worker pickled (with a store, every record's): it comes back equal
    field by field, still frozen, and without the dataclass's per-object state (`dataclasses.fields` per
    object to pickle it, a `setattr` per field to unpickle it)."""
    import dataclasses

    from legality.report.context import RecordContext

    contexts = [RecordContext("ALM", "Суд", "2024-03-15", (("1", "ч.2 ст.188"),)),
                RecordContext("AST", "", "2024-01-01", (("1", "ст.99"), ("2", "ч.1 ст.188")), person_id="P-1",
                              region="Астана", judge_id="J-7", refs=(("1", "99", None, None), ("2", "188", 1, 2)),
                              particulars={"words": ["a"]})]
    calls = []
    real = dataclasses.fields
    monkeypatch.setattr(dataclasses, "fields", lambda obj: calls.append(obj) or real(obj))
    back = pickle.loads(pickle.dumps(contexts, protocol=pickle.HIGHEST_PROTOCOL))
    assert calls == []
    assert back == contexts and all(type(c) is RecordContext for c in back)
    assert [getattr(b, f.name) for b in back for f in real(RecordContext)] == \
        [getattr(c, f.name) for c in contexts for f in real(RecordContext)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back[0].court_code = "X"


def test_with_a_store_a_worker_sends_strings_and_the_lines_of_findings_only():
    """With a state store (`Spec.store`), a worker sends what the store keeps of every record (`Evaluated`:
    its report and context as JSON, its candidates' keys and JSON) and the line objects and contexts of the
    records with candidates only (`--new-only` may output those with fewer candidates); what it sends equals
    `evaluated_of` of the lines a worker sends every object of, and the answer pickles smaller."""
    from legality.scan.state import evaluated_of

    raws = batch(300)
    lean = work(FakeEngine(), raws, Spec("jsonl", store=True))
    full = work(FakeEngine(), raws, Spec("jsonl", objects=True))
    assert lean.evaluated is not None and full.lines is not None and full.contexts is not None
    assert lean.evaluated == [evaluated_of(line, ctx) for line, ctx in zip(full.lines, full.contexts)]
    with_findings = [i for i, line in enumerate(full.lines) if line.candidates]
    assert 0 < len(with_findings) < len(raws)  # both kinds occur, so the checks below mean something
    assert [i for i, line in enumerate(lean.lines) if line is not None] == with_findings
    assert [i for i, ctx in enumerate(lean.contexts) if ctx is not None] == \
        [i for i in with_findings if full.contexts[i] is not None]
    assert [lean.lines[i].to_json() for i in with_findings] == [full.lines[i].to_json() for i in with_findings]
    assert lean.payloads == full.payloads and lean.tally.to_json() == full.tally.to_json()
    assert all(e.context is not None for e, line in zip(lean.evaluated, full.lines) if line.status != "invalid")
    assert len(pickle.dumps(lean)) < len(pickle.dumps(full._replace(evaluated=lean.evaluated)))


def test_a_scan_with_a_store_reads_what_workers_send_as_it_reads_line_objects(tmp_path):
    """The same scans with a store (a first one, and a `--new-only` one of changed and new records) leave the
    same store and output the same bytes whether the store records what workers send (`record_evaluated`) or
    every line object (`record`, as a state without `record_evaluated` gets them), with 1 and 2 workers."""
    from legality.store.history import snapshot
    from legality.store.db import connect
    from legality.store.scanstate import StoreState

    class LinesOnly(StoreState):
        record_evaluated = None  # type: ignore[assignment]

    first, later = batch(400), batch(400)[100:] + [
        RawRecord("gen.jsonl", 400 + i, orjson.dumps(record(f"=N-{i}", years=9, regime="maximum")))
        for i in range(1, 60)]
    results = []
    for kind in (StoreState, LinesOnly):
        for jobs in (1, 2):
            db = tmp_path / f"{kind.__name__}{jobs}.db"
            outs = []
            for raws, new_only in ((first, False), (later, True)):
                state = kind(db, new_only=new_only, batch_records=64)
                state.open(rules_version="fake", inputs=["gen.jsonl"], options={})
                outs.append(scan(raws, "jsonl", jobs=jobs, state=state, chunk=50)[0])
                state.close({}, completed=True)
            results.append((outs, snapshot(connect(db))))
    assert results[0][1]["candidates"] and any(b"=N-" in out for out in results[0][0])
    assert all(r == results[0] for r in results[1:])
