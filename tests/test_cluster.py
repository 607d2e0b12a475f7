"""`legality scan --cluster`: a real Dask LocalCluster gives the bytes, counts and store of `--jobs 1`.

The cluster runs its workers as threads of this process (`processes=False`: quick), but everything a
remote worker gets still goes through Dask (the rule pack broadcast by hash, partitions, results).
Under `CI=true` a missing Dask is a failure, not a skip: the `test` extra installs it.
"""

from __future__ import annotations

import builtins
import io
import os
import pickle
import sqlite3
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

if os.environ.get("CI", "").lower() == "true":
    import distributed  # noqa: F401 - CI installs the test extra: these tests must run there
else:
    pytest.importorskip("distributed")

from legality.cli import main
from legality.engine import Engine
from legality.io.reader import iter_raw, resolve_inputs
from legality.report.model import ReportLine
from legality.scan import cluster as cluster_mod
from legality.scan.cluster import (Cluster, Pack, _files, _fixer, _materialize, _pack_raws, _relocate,
                                   evaluate_partition, pack_rules)
from legality.scan.pipeline import Spec
from legality.scan.run import run_scan
from legality.store.db import connect
from legality.store.history import snapshot
from legality.store.scanstate import StoreState
from support.synth import FIXTURES_DIR, generate

SMALL = 24_000  # partition bytes: a few dozen records, so every batch is split into many partitions


@pytest.fixture(scope="module")
def engine():
    return Engine.load(None)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The fixtures (many small files) and a generated batch (one file of several partitions) with
    invalid records among the valid ones."""
    tmp = tmp_path_factory.mktemp("cluster-in")
    lines = list(generate(400))
    lines[17] = b'{"case_id": "broken-1", '
    lines[250] = b'{"case_id": "X-2", "court": {"code": "1"}}'
    (tmp / "gen.jsonl").write_bytes(b"\n".join(lines) + b"\n\n")
    return [str(FIXTURES_DIR / "verdicts"), str(tmp / "gen.jsonl")]


@pytest.fixture(scope="module")
def dask_cluster():
    with Cluster("local:2", processes=False, partition_bytes=SMALL) as cl:
        submitted = []
        real = cl.client.submit

        def submit(*a, **kw):
            submitted.append(len(pickle.loads(a[2])))
            return real(*a, **kw)
        cl.client.submit = submit
        cl.submitted = submitted  # type: ignore[attr-defined]
        yield cl


def scan(engine, paths, *, fmt="jsonl", cluster=None, state=None, include_all=False):
    sources, errors = resolve_inputs(paths)
    assert not errors
    out = io.BytesIO()
    s = run_scan(sources, engine, out, fmt=fmt, jobs=1, cluster=cluster, state=state, include_all=include_all)
    return out.getvalue(), s.to_json() | {"started": "", "finished": ""}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_cluster_report_is_byte_identical_to_jobs_1(engine, inputs, dask_cluster, fmt):
    one, s1 = scan(engine, inputs, fmt=fmt)
    del dask_cluster.submitted[:]
    many, s2 = scan(engine, inputs, fmt=fmt, cluster=dask_cluster)
    assert many == one and s2 == s1
    assert s1["invalid"] >= 2 and s1["flagged"] and s1["partial"]
    # split into many partitions: a file per partition at least, the generated batch into several
    assert len(dask_cluster.submitted) > 40 and sum(dask_cluster.submitted) == s1["records"]


def test_all_and_the_row_backend_on_the_cluster(engine, inputs, dask_cluster):
    row = engine.with_backend("row")
    one, s1 = scan(row, inputs, include_all=True)
    many, s2 = scan(row, inputs, include_all=True, cluster=dask_cluster)
    assert many == one and s2 == s1 and len(one.splitlines()) == s1["records"]


def test_partitions_keep_file_and_line_numbers(engine, inputs, dask_cluster):
    data, _ = scan(engine, inputs, include_all=True, cluster=dask_cluster)
    sources, _ = resolve_inputs(inputs)
    expected = [(r.file, r.line) for r in iter_raw(sources)]
    got = [(x["source"]["file"], x["source"]["line"]) for x in map(orjson.loads, data.splitlines())]
    assert got == expected


@pytest.mark.parametrize("most", [1 << 30, 7])
def test_partitions_are_cut_at_file_boundaries_by_bytes_and_by_records(inputs, most):
    from types import SimpleNamespace

    from legality.scan.cluster import ClusterPipeline
    from legality.scan.pipeline import plan
    from legality.scan.state import NoState

    pipe = ClusterPipeline(SimpleNamespace(partition_bytes=SMALL, partition_records=most), None,  # type: ignore[arg-type]
                           rules_dir=None, state=NoState(),
                           spec=Spec())
    sources, _ = resolve_inputs(inputs)
    raws = list(iter_raw(sources))
    parts = [todo for _, todo in plan(raws, NoState(), size=1 << 30, cut=pipe._cut())]
    assert [r for p in parts for r in p] == raws
    size = lambda part: sum(len(r.data or b"") for r in part)  # noqa: E731
    for part in parts:
        assert len({r.file for r in part}) == 1 and (size(part) <= SMALL or len(part) == 1) and len(part) <= most
    for a, b in zip(parts, parts[1:]):  # a partition ends at its file's end, when the next record would not fit, or full
        assert a[0].file != b[0].file or size(a) + len(b[0].data or b"") > SMALL or len(a) == most
    if most == 7:
        assert sum(len(p) == 7 for p in parts) > 20
    assert len(parts) > len(sources) + 5


def _interrupted(engine, paths, db, *, stop_after: int, cluster=None) -> None:
    """A run killed after `stop_after` records: the command's finally closes the store as interrupted."""
    sources, _ = resolve_inputs(paths)

    def raws():
        for i, raw in enumerate(iter_raw(sources)):
            if i == stop_after:
                raise KeyboardInterrupt
            yield raw

    state = StoreState(db, new_only=True, batch_records=7)
    state.open(rules_version=engine.version, inputs=[s.name for s in sources], options={"format": "jsonl", "all": False})
    with pytest.raises(KeyboardInterrupt):
        run_scan(sources, engine, io.BytesIO(), fmt="jsonl", raws=raws(), state=state, cluster=cluster)
    state.close({}, completed=False)


def _stored(engine, paths, db, *, cluster=None, resume=False):
    sources, _ = resolve_inputs(paths)
    state = StoreState(db, new_only=True, resume=resume, batch_records=7)
    state.open(rules_version=engine.version, inputs=[s.name for s in sources], options={"format": "jsonl", "all": False})
    try:
        out = io.BytesIO()
        s = run_scan(sources, engine, out, fmt="jsonl", state=state, cluster=cluster)
    finally:
        state.close({}, completed=True)
    return out.getvalue(), s.to_json() | {"started": "", "finished": ""}


def test_store_new_only_and_resume_on_the_cluster(engine, inputs, dask_cluster, tmp_path):
    first, second = inputs[:1], inputs
    local_db, cluster_db, resumed_db = tmp_path / "local.db", tmp_path / "cluster.db", tmp_path / "resumed.db"
    # the nightly store: a first night, then a second night with new records (the generated batch)
    for db, cl in ((local_db, None), (cluster_db, dask_cluster), (resumed_db, dask_cluster)):
        _stored(engine, first, db, cluster=cl)
    local, s_local = _stored(engine, second, local_db)
    on_cluster, s_cluster = _stored(engine, second, cluster_db, cluster=dask_cluster)
    assert on_cluster == local and s_cluster == s_local
    assert s_local["unchanged"] > 100 and local  # the first night's records were skipped, the new ones reported
    # the second night killed midway, then resumed, on the cluster
    _interrupted(engine, second, resumed_db, stop_after=300, cluster=dask_cluster)
    resumed, s_resumed = _stored(engine, second, resumed_db, cluster=dask_cluster, resume=True)
    assert resumed == local and s_resumed == s_local
    assert snapshot(connect(resumed_db)) == snapshot(connect(local_db)) == snapshot(connect(cluster_db))
    runs = sqlite3.connect(resumed_db).execute("SELECT resumed FROM runs ORDER BY id").fetchall()
    assert runs[-1][0] == 1


# ---- the worker's side: the rule pack


def test_a_worker_compiles_the_shipped_pack_and_checks_its_version(engine, tmp_path):
    import shutil

    from legality.io.reader import RawRecord

    rules = Path(shutil.copytree(_rules_dir(), tmp_path / "r"))
    pack = pack_rules(rules, Engine.load(rules))
    assert pack.version == engine.version and len(pack.files) > 10
    raws = [RawRecord("x.jsonl", i + 1, line) for i, line in enumerate(generate(30))]
    done = pickle.loads(evaluate_partition(pack, _pack_raws(raws), Spec("jsonl"), "row"))
    assert done.payloads is not None and len(done.payloads) == 30
    forged = Pack(pack.digest + "0", pack.files, "another-version", pack.catalogue, pack.shown)
    with pytest.raises(RuntimeError, match="другие правила"):
        evaluate_partition(forged, _pack_raws(raws), Spec("jsonl"), "row")


def test_a_workers_pack_folder_is_reused_only_while_its_files_match(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALITY_CACHE_DIR", str(tmp_path / "cache"))
    pack = pack_rules(None, engine)
    root, scratch = _materialize(pack)
    assert scratch is None and _files(root)[0] == pack.digest and root.is_relative_to(tmp_path / "cache")
    assert _materialize(pack) == (root, None)  # the next worker process: same folder, same compiled-pack cache
    (root / "extra.legal").write_text("rule x", encoding="utf-8")  # changed behind the cache's back
    other, scratch = _materialize(pack)
    assert other != root and scratch is not None and _files(other)[0] == pack.digest


def _rules_dir() -> Path:
    from legality.resources import RULES_DIR

    return Path(RULES_DIR)


def test_rule_fault_locations_name_the_clients_folder():
    assert _relocate("/tmp/w/rules/pack/a.legal", "/tmp/w/rules", "rules") == "rules/pack/a.legal"
    assert _relocate("pack/a.legal", ".", "/srv/rules") == "/srv/rules/pack/a.legal"
    assert _relocate("/tmp/w/rulesX/a.legal", "/tmp/w/rules", "rules") == "/tmp/w/rulesX/a.legal"
    fix = _fixer("/tmp/w/rules", "rules")
    assert fix is not None and _fixer("rules", "rules") is None
    line = ReportLine("C", "f.jsonl", 1, "partial", faults=[
        {"code": "E401", "span": {"file": "/tmp/w/rules/pack/a.legal", "line": 3},
         "related": [{"label": "x", "span": {"file": "/tmp/w/rules/law/b.yaml", "line": 1}}]},
        {"code": "E501", "message": "без места"}])
    fix(line)
    assert line.faults[0]["span"]["file"] == "rules/pack/a.legal"
    assert line.faults[0]["related"][0]["span"]["file"] == "rules/law/b.yaml"


# ---- the command


@pytest.fixture
def threads(monkeypatch):
    monkeypatch.setattr(cluster_mod, "LOCAL_PROCESSES", False)
    monkeypatch.setenv("LEGALITY_PARTITION_BYTES", str(SMALL))


def cli(*args):
    return CliRunner().invoke(main, ["scan", *map(str, args)], catch_exceptions=False)


def test_cli_cluster_with_the_store_equals_jobs_1(inputs, tmp_path, threads):
    outs = []
    for mode in (["--jobs", "1"], ["--cluster", "local:2"]):
        db = tmp_path / f"{mode[1]}.db"
        for night, paths in enumerate((inputs[:1], inputs)):
            out = tmp_path / f"{mode[1]}-{night}.jsonl"
            res = cli(*paths, "--db", db, "--new-only", "-f", "jsonl", "-o", out,
                      "--summary", f"{out}.summary", *mode)
            assert res.exit_code == 0, res.output
            counts = orjson.loads(Path(f"{out}.summary").read_bytes())
            outs.append((out.read_bytes(), {k: v for k, v in counts.items() if k not in ("started", "finished")}))
    assert outs[:2] == outs[2:]
    assert outs[1][1]["unchanged"] > 100


def test_cli_cluster_without_dask_exits_2_and_says_what_to_install(inputs, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *a, **kw):
        if name.split(".")[0] in ("distributed", "dask"):
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    out = tmp_path / "r.jsonl"
    res = cli(inputs[0], "--cluster", "local:2", "-o", out)
    assert res.exit_code == 2
    assert "pip install 'legality[dask]'" in res.output and "не установлена" in res.output
    assert not out.exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "nonsense", "local:zero"])
def test_cli_bad_cluster_address_exits_2_quickly(inputs, tmp_path, monkeypatch, address):
    monkeypatch.setenv("LEGALITY_CLUSTER_TIMEOUT", "2")
    out = tmp_path / "r.jsonl"
    start = time.monotonic()
    res = cli(inputs[0], "--cluster", address, "-o", out)
    assert res.exit_code == 2, res.output
    assert time.monotonic() - start < 60  # a hang would be the bug; this is no speed measurement
    assert res.output.startswith("legality: ") and "--cluster" not in res.output.split(":", 1)[0]
    assert any(w in res.output for w in ("не удалось подключиться", "ожидается local:N", "нужно число"))
    assert "Traceback" not in res.output and not out.exists()
    assert "Error" not in res.output  # no exception class («(OSError)») in the clerk's message
    if address.startswith("tcp://"):
        assert "(нет ответа)" in res.output


@pytest.mark.parametrize("exc,words", [
    (OSError("Timed out trying to connect to tcp://127.0.0.1:9 after 2 s"), "нет ответа"),
    (TimeoutError(), "нет ответа"),
    (ConnectionRefusedError(111, "Connection refused"), "соединение отклонено"),
    (MemoryError(), "не хватило памяти"),
    (RuntimeError("scheduler closed"), "ошибка Dask"),
])
def test_why_a_cluster_failed_is_said_in_words(exc, words):
    why = cluster_mod._failure(exc)
    assert words in why and "Error" not in why and "Timed out" not in why


def test_cli_a_partition_that_fails_for_good_writes_no_report(inputs, tmp_path, threads, monkeypatch):
    def broken(*a, **kw):
        raise MemoryError("worker ran out of memory")

    monkeypatch.setattr(cluster_mod, "evaluate_partition", broken)
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"yesterday\n")
    res = cli(*inputs, "--cluster", "local:1", "-o", out)
    assert res.exit_code == 2, res.output
    assert "кластер Dask не смог проверить часть записей" in res.output and "отчёт не записан" in res.output
    assert out.read_bytes() == b"yesterday\n"  # the previous report stays


def test_cli_a_scheduler_without_workers_exits_2(inputs, tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("LEGALITY_CLUSTER_TIMEOUT", "2")
    with LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0", "dashboard": False}) as empty:
        out = tmp_path / "r.jsonl"
        res = cli(inputs[0], "--cluster", empty.scheduler_address, "-o", out)
    assert res.exit_code == 2, res.output
    assert "нет рабочих узлов" in res.output and not out.exists()


@pytest.mark.slow
def test_a_worker_that_dies_midway_is_replaced_and_the_report_is_the_same(engine, inputs, tmp_path, monkeypatch):
    from support import dying

    marker = tmp_path / "died"
    monkeypatch.setenv("LEGALITY_TEST_DIE_ONCE", str(marker))  # inherited by the worker processes
    monkeypatch.setattr(cluster_mod, "evaluate_partition", dying.evaluate_partition_dying_once)
    one, s1 = scan(engine, inputs)
    with Cluster("local:2", processes=True, partition_bytes=4 * SMALL) as cl:
        many, s2 = scan(engine, inputs, cluster=cl)
    assert marker.exists()  # a worker process really died
    assert many == one and s2 == s1



def _worker_facts():
    import dask

    return (os.getppid(), dask.config.get("distributed.worker.profile.enabled"),
            dask.config.get("distributed.admin.tick.interval"))


@pytest.mark.slow
def test_local_worker_processes_run_without_the_dashboard_diagnostics(engine, inputs):
    """`local:N` switches off Dask's dashboard-only diagnostics in the processes it starts
    (`_local_cluster`), which changes nothing in the report, and leaves the caller's Dask
    configuration as it was."""
    import dask

    profiling = dask.config.get("distributed.worker.profile.enabled")
    one, s1 = scan(engine, inputs)
    with Cluster("local:2", processes=True, partition_bytes=4 * SMALL) as cl:
        many, s2 = scan(engine, inputs, cluster=cl)
        facts = list(cl.client.run(_worker_facts).values())
    assert many == one and s2 == s1
    assert len(facts) == 2 and all(ppid == os.getpid() for ppid, *_ in facts)  # our own processes
    assert all(prof is False and tick == "1s" for _, prof, tick in facts)
    assert dask.config.get("distributed.worker.profile.enabled") == profiling
