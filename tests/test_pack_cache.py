"""The compiled rule pack kept in the per-user cache (issue 13, start-up): what is stored, when it is
used, and that a stored pack behaves exactly like a fresh compile.

Every test has its own cache folder (`LEGALITY_CACHE_DIR`) and an empty in-process engine cache, so
"the second load" really is a load from disk.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import legality.engine as engine_mod
from legality.cache import MAGIC, Cache
from legality.cli import COMMAND_MODULES, discover, main
from legality.engine import Engine, PackStats
from legality.resources import LAW_DIR

sys.path.insert(0, str(Path(__file__).parent))
from verdict_samples import record  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
LEGALITY = str(Path(sys.executable).with_name("legality"))

RULE = """define smax "максимум" for offence = offence.sanction.max(imprisonment)
rule over-max for offence {
  title "Выше максимума"
  severity high
  cite "УК РК ст.52 ч.1", offence.ref
  when offence.sentence.principal.kind = imprisonment
  violation offence.sentence.principal.term > smax
  message "{offence.sentence.principal.term} > {smax}"
}
"""


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("LEGALITY_CACHE_DIR", str(d))
    monkeypatch.setenv("LEGALITY_NO_CACHE", "")  # restored after the test, also when a command sets it
    monkeypatch.setattr(engine_mod, "_CACHE", {})
    for name in ("loaded", "stored", "compiled"):
        monkeypatch.setattr(PackStats, name, 0)
    return d


def small_rules(tmp_path: Path, text: str = RULE) -> Path:
    """A rule set with a law folder of its own (two articles and the General Part): compiles in a moment."""
    d = tmp_path / "rules"
    (d / "law" / "sanctions").mkdir(parents=True)
    (d / "r.legal").write_text(text, encoding="utf-8")
    for name in ("188.yaml", "190.yaml"):
        shutil.copy(LAW_DIR / "sanctions" / name, d / "law" / "sanctions" / name)
    shutil.copytree(LAW_DIR / "general", d / "law" / "general")
    return d


def pack_entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("pack-*.bin")) if cache.is_dir() else []


def fresh(monkeypatch) -> None:
    """Forget the engines of this process: the next compile goes to the disk cache."""
    monkeypatch.setattr(engine_mod, "_CACHE", {})


def verdict():
    from legality.model import validate_record

    raw = record()
    raw["offences"][0]["article"], raw["offences"][0]["part"] = "188", 1
    raw["offences"][0].pop("paragraph", None)
    raw["offences"][0]["sentence"]["principal"]["term"] = {"years": 9}
    v = validate_record(raw)
    assert not isinstance(v, list), v
    return v


def as_json(ev) -> str:
    return json.dumps({"candidates": [c.to_json() for c in ev.candidates],
                       "faults": [f.to_json() for f in ev.faults],
                       "coverage": ev.coverage.to_json() if ev.coverage is not None else None},
                      ensure_ascii=False, sort_keys=True, default=str)


# ---- the second load comes from the cache


def test_second_load_comes_from_the_cache_without_parsing_or_yaml(tmp_path, cache_dir, monkeypatch):
    rules = small_rules(tmp_path)
    first = Engine.load(rules)
    assert (PackStats.compiled, PackStats.stored, PackStats.loaded) == (1, 1, 0)
    assert len(pack_entries(cache_dir)) == 1

    def boom(*a, **k):
        raise AssertionError("compiled again instead of loading the stored pack")

    fresh(monkeypatch)
    monkeypatch.setattr("legality.syntax.parser.parse_text", boom)
    monkeypatch.setattr("legality.law.yamlread.load_with_lines", boom)
    second = Engine.load(rules)
    assert PackStats.loaded == 1 and PackStats.compiled == 1
    assert second is not first and second.version == first.version
    assert second.from_cache and not first.from_cache
    assert as_json(second.evaluate(verdict())) == as_json(first.evaluate(verdict()))
    assert first.evaluate(verdict()).candidates, "the record must fire, or the comparison shows nothing"
    # traces (explain) run the traced variant of the stored code
    assert first.evaluate(verdict(), trace=True).trace.to_json() == second.evaluate(verdict(), trace=True).trace.to_json()


def test_a_loaded_program_has_the_attributes_of_a_compiled_one(tmp_path, cache_dir, monkeypatch):
    rules = small_rules(tmp_path)
    a = Engine.load(rules)
    fresh(monkeypatch)
    b = Engine.load(rules)
    assert PackStats.loaded == 1
    pa, pb = a._program, b._program
    assert list(pa.facts) == list(pb.facts) and list(pa.rules) == list(pb.rules) and pa.order == pb.order
    assert [str(f.expr) for f in pa.facts.values()] == [str(f.expr) for f in pb.facts.values()]
    assert [r.dump() for r in pa.rules.values()] == [r.dump() for r in pb.rules.values()]
    assert list(pa.compiled) == list(pb.compiled)
    assert pa.catalogue.version == pb.catalogue.version and pa.edition == pb.edition
    assert pa.source == pb.source and pa.version == pb.version
    assert a.rules == b.rules
    assert [d.to_json() for d in a.diagnostics] == [d.to_json() for d in b.diagnostics]
    assert a.diagnostics, "the small pack has warnings (unused law parameters): they must survive the cache"


# a rule whose comparison faults at run time on the sample record (units never mix): its fault names a clause
FAULTY = """
rule units-fault for offence {
  title "Ошибка единиц"
  severity low
  cite "УК РК ст.46"
  violation offence.sentence.principal.amount > 500 mrp
  message "x"
}
"""


def test_a_loaded_pack_leaves_its_ir_pickled_until_something_reads_it(tmp_path, cache_dir, monkeypatch):
    """A scan of a few records (the row evaluator) needs the code, the catalogue and the rule heads only."""
    rules = small_rules(tmp_path)
    a = Engine.load(rules)
    fresh(monkeypatch)
    b = Engine.load(rules)
    assert PackStats.loaded == 1 and b._program._ir is None
    assert as_json(b.evaluate(verdict())) == as_json(a.evaluate(verdict()))
    assert a.evaluate(verdict()).candidates
    assert b.rules == a.rules and b._program.edition == a._program.edition
    assert b._program._ir is None, "evaluating a record that fires, without a fault, read the IR"
    copy = b.with_catalogue(b.catalogue)  # made before the IR was read: the two read it once, together
    assert [r.dump() for r in b.rule_defs.values()] == [r.dump() for r in a.rule_defs.values()]
    assert b._program._ir is not None and copy.rule_defs is b.rule_defs


def test_a_loaded_pack_reads_its_ir_for_faults_and_batches(tmp_path, cache_dir, monkeypatch):
    """What the rule heads do not hold (the clause a fault is in, the batch plan) is read from the IR on use."""
    rules = small_rules(tmp_path, RULE + FAULTY)
    a = Engine.load(rules)
    fresh(monkeypatch)
    b = Engine.load(rules)
    assert PackStats.loaded == 1
    faulty = record()
    ev = b.evaluate(validate(faulty))
    assert [f.code for f in ev.faults] == ["E501"] and ev.faults[0].span is not None
    assert b._program._ir is not None, "the span of the clause that faulted comes from the IR"
    assert as_json(ev) == as_json(a.evaluate(validate(faulty)))
    many = [verdict() if i % 2 else validate(faulty) for i in range(20)]
    fresh_b = engine_mod._pack_load(Cache.open(cache_dir).get(pack_entries(cache_dir)[0].name))
    assert fresh_b is not None and fresh_b._program._ir is None
    assert [as_json(e) for e in fresh_b.evaluate_many(many)] == [as_json(e) for e in a.evaluate_many(many)]
    for rid, cr in a._program.compiled.items():
        loaded = b._program.compiled[rid]
        assert (loaded.d.id, loaded.title, loaded.fact_labels, loaded.allowed_texts, loaded.lang) == \
            (cr.d.id, cr.title, cr.fact_labels, cr.allowed_texts, cr.lang)
        assert [c.expr.span for c in loaded.clauses] == [c.expr.span for c in cr.clauses]
        assert [p if isinstance(p, str) else p.__name__ for p in loaded.message] == \
            [p if isinstance(p, str) else p.__name__ for p in cr.message]


def test_a_loaded_pack_goes_to_the_oldest_generation_of_the_collector(tmp_path, cache_dir, monkeypatch):
    """Left in the young generations, the pack's objects were walked by the next young collection (50 ms
    of a one-record scan of the shipped pack); the collector stays on as it was."""
    import gc

    rules = small_rules(tmp_path)
    Engine.load(rules)
    fresh(monkeypatch)
    assert gc.isenabled()
    b = Engine.load(rules)
    assert PackStats.loaded == 1 and gc.isenabled()
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    for obj in (b.catalogue, b._program.compiled, b._program.generated.plan):
        assert gc.is_tracked(obj) and id(obj) not in young
    gc.disable()
    try:
        fresh(monkeypatch)
        Engine.load(rules)
        assert not gc.isenabled(), "a load must not switch on a collector the caller switched off"
    finally:
        gc.enable()


def validate(raw):
    from legality.model import validate_record

    v = validate_record(raw)
    assert not isinstance(v, list), v
    return v


# ---- what the key is made of


def test_key_follows_rule_bytes_law_bytes_and_how_paths_are_shown(tmp_path, monkeypatch):
    rules = small_rules(tmp_path)
    monkeypatch.chdir(tmp_path)
    key = engine_mod._pack_key("rules")
    assert key == engine_mod._pack_key("rules")
    rule = rules / "r.legal"
    rule.write_bytes(rule.read_bytes().replace(b"high", b"hIgh", 1))
    assert engine_mod._pack_key("rules") != key  # one byte of a rule file
    rule.write_text(RULE, encoding="utf-8")
    assert engine_mod._pack_key("rules") == key
    law = rules / "law" / "sanctions" / "190.yaml"
    law.write_bytes(law.read_bytes() + b"\n")
    assert engine_mod._pack_key("rules") != key  # one byte of a law file
    shutil.copy(LAW_DIR / "sanctions" / "190.yaml", law)
    assert engine_mod._pack_key("rules") == key
    assert engine_mod._pack_key(rules) != key  # the same folder shown by its absolute path
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert engine_mod._pack_key("../rules") != key  # shown from another folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine_mod, "__version__", "0.0.0-other")
    assert engine_mod._pack_key("rules") != key  # another legality version


def test_key_follows_the_shipped_catalogue_when_the_rules_have_no_law_folder(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.legal").write_text(RULE, encoding="utf-8")
    law = shutil.copytree(LAW_DIR, tmp_path / "shipped-law")
    monkeypatch.setattr(engine_mod, "LAW_DIR", law)
    key = engine_mod._pack_key(rules)
    f = law / "sanctions" / "188.yaml"
    f.write_bytes(f.read_bytes().replace(b"\n", b"\n\n", 1))
    assert engine_mod._pack_key(rules) != key


def test_key_follows_the_compilers_own_code(tmp_path, monkeypatch):
    rules = small_rules(tmp_path)
    key = engine_mod._pack_key(rules)
    monkeypatch.setattr(engine_mod, "_compiler_digest", "another build of the compiler")
    assert engine_mod._pack_key(rules) != key


# ---- damaged, loose, foreign and stale entries are ignored and rewritten


def _entry_after_first_compile(tmp_path: Path, cache_dir: Path) -> tuple[Path, Path, str]:
    rules = small_rules(tmp_path)
    engine = Engine.load(rules)
    [entry] = pack_entries(cache_dir)
    return rules, entry, engine.version


def _reload_compiles_and_rewrites(rules: Path, entry: Path, version: str, monkeypatch) -> None:
    fresh(monkeypatch)
    before = PackStats.compiled
    assert Engine.load(rules).version == version
    assert PackStats.compiled == before + 1, "the entry should have been ignored"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # rewritten, private again
    fresh(monkeypatch)
    assert Engine.load(rules).version == version
    assert PackStats.compiled == before + 1, "the rewritten entry should load"
    assert [p.name for p in entry.parent.iterdir() if p.name.startswith(".tmp-")] == []


def test_a_tampered_byte_is_ignored_and_the_entry_rewritten(tmp_path, cache_dir, monkeypatch):
    rules, entry, version = _entry_after_first_compile(tmp_path, cache_dir)
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0x01
    entry.write_bytes(bytes(data))
    _reload_compiles_and_rewrites(rules, entry, version, monkeypatch)


def test_a_world_writable_entry_is_ignored_and_rewritten(tmp_path, cache_dir, monkeypatch):
    rules, entry, version = _entry_after_first_compile(tmp_path, cache_dir)
    os.chmod(entry, 0o666)
    _reload_compiles_and_rewrites(rules, entry, version, monkeypatch)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another uid needs root")
def test_an_entry_owned_by_another_user_is_ignored_and_replaced(tmp_path, cache_dir, monkeypatch):
    rules, entry, version = _entry_after_first_compile(tmp_path, cache_dir)
    os.chown(entry, 65534, 65534)
    _reload_compiles_and_rewrites(rules, entry, version, monkeypatch)
    assert entry.stat().st_uid == os.geteuid()


@pytest.mark.parametrize("payload", [
    b"not a pickle at all",
    # a well-formed pickle of a pack in another format (an older legality that kept the same key)
    pickle.dumps({"format": "legality-pack/0"}),
])
def test_a_checksummed_entry_this_build_cannot_use_is_rewritten(tmp_path, cache_dir, monkeypatch, payload):
    rules, entry, version = _entry_after_first_compile(tmp_path, cache_dir)
    assert Cache.open(cache_dir).put(entry.name, payload)  # a valid checksum: only the content is wrong
    assert entry.read_bytes().startswith(MAGIC)
    _reload_compiles_and_rewrites(rules, entry, version, monkeypatch)


def test_another_legality_version_does_not_read_the_entry(tmp_path, cache_dir, monkeypatch):
    rules, entry, version = _entry_after_first_compile(tmp_path, cache_dir)
    monkeypatch.setattr(engine_mod, "__version__", "9.9.9")
    fresh(monkeypatch)
    assert Engine.load(rules).version == version
    assert PackStats.compiled == 2 and len(pack_entries(cache_dir)) == 2


# ---- the cache never decides whether a scan succeeds


def test_a_cache_that_cannot_be_written_never_fails_the_compile(tmp_path, cache_dir, monkeypatch):
    import tempfile

    def read_only(*a, **k):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    rules = small_rules(tmp_path)
    assert Engine.load(rules).version
    assert PackStats.stored == 0 and pack_entries(cache_dir) == []


def test_a_pack_that_cannot_be_stored_never_fails_the_compile(tmp_path, cache_dir, monkeypatch):
    def unpicklable(*a, **k):
        raise TypeError("cannot pickle")

    monkeypatch.setattr(engine_mod, "_pack_payload", unpicklable)
    assert Engine.load(small_rules(tmp_path)).version
    assert pack_entries(cache_dir) == []


def test_a_cache_folder_that_is_a_file_means_no_cache(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("LEGALITY_CACHE_DIR", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr(engine_mod, "_CACHE", {})
    r = CliRunner().invoke(main, ["scan", str(FIXTURES / "verdicts" / "lawful"), "--rules", str(small_rules(tmp_path)),
                                  "-f", "jsonl", "-j", "1", "--no-progress"])
    assert r.exit_code == 0, r.output


def test_rules_that_do_not_compile_exit_2_every_time_and_are_never_stored(tmp_path, cache_dir):
    rules = small_rules(tmp_path, RULE + "rule broken-rule {{{\n")
    for _ in range(2):
        engine_mod._CACHE.clear()
        r = CliRunner().invoke(main, ["scan", str(FIXTURES / "verdicts" / "lawful"), "--rules", str(rules),
                                      "-f", "jsonl", "-j", "1", "--no-progress"])
        assert r.exit_code == 2
        assert "r.legal:10" in r.stderr and "ошибка[E" in r.stderr
        assert pack_entries(cache_dir) == []
    assert PackStats.compiled == 2 and PackStats.loaded == 0


def test_no_cache_compiles_and_stores_nothing(tmp_path, cache_dir, monkeypatch):
    rules = small_rules(tmp_path)
    args = ["scan", str(FIXTURES / "verdicts" / "lawful"), "--rules", str(rules), "-f", "jsonl", "-j", "1",
            "--no-progress"]
    r = CliRunner().invoke(main, [*args, "--no-cache"])
    assert r.exit_code == 0, r.output
    assert PackStats.compiled == 1 and pack_entries(cache_dir) == []
    assert os.environ["LEGALITY_NO_CACHE"] == "1"  # handed on to the worker processes
    monkeypatch.setenv("LEGALITY_NO_CACHE", "")
    fresh(monkeypatch)
    assert CliRunner().invoke(main, args).exit_code == 0
    assert PackStats.stored == 1
    fresh(monkeypatch)
    monkeypatch.setenv("LEGALITY_NO_CACHE", "1")
    assert CliRunner().invoke(main, args).exit_code == 0
    assert PackStats.compiled == 3 and PackStats.loaded == 0  # an entry was there, and not read


# ---- concurrent writers


def test_two_processes_storing_the_same_pack_at_once_leave_one_good_entry(tmp_path, cache_dir, monkeypatch):
    rules = small_rules(tmp_path)
    code = textwrap.dedent(f"""
        from legality.engine import Engine, PackStats
        e = Engine.load({str(rules)!r})
        print(e.version, PackStats.compiled, PackStats.loaded)
    """)
    env = {**os.environ, "LEGALITY_CACHE_DIR": str(cache_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1].decode() for o in outs]
    versions = {o[0].decode().split()[0] for o in outs}
    assert len(versions) == 1
    [entry] = pack_entries(cache_dir)
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".tmp-")] == []
    assert Cache.open(cache_dir).get(entry.name) is not None
    fresh(monkeypatch)
    assert Engine.load(rules).version == versions.pop()
    assert PackStats.loaded == 1 and PackStats.compiled == 0


# ---- the shipped pack: byte-identical reports, and a warm start that skips the compiler


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([LEGALITY, *args], env=env, capture_output=True, cwd=REPO)


def test_scan_from_the_cache_is_byte_identical_to_a_fresh_compile(tmp_path):
    env = {**os.environ, "LEGALITY_CACHE_DIR": str(tmp_path / "cache"), "LEGALITY_NO_CACHE": ""}
    outs: dict[str, bytes] = {}
    for run, extra in (("cold", []), ("warm", []), ("uncached", ["--no-cache"])):
        for fmt in ("jsonl", "table"):
            out = tmp_path / f"{run}.{fmt}"
            p = _cli(["scan", "fixtures", "-f", fmt, "-o", str(out), "--all", "-j", "1", "--no-progress", *extra], env)
            assert p.returncode == 0, p.stderr.decode()
            outs[f"{run}.{fmt}"] = out.read_bytes() + b"\n--stderr--\n" + p.stderr
        if run == "cold":
            assert len(pack_entries(tmp_path / "cache")) == 1
    for fmt in ("jsonl", "table"):
        assert outs[f"cold.{fmt}"] == outs[f"warm.{fmt}"] == outs[f"uncached.{fmt}"]
    assert b'"status":"flagged"' in outs["cold.jsonl"]
    explain = [_cli(["explain", "fixtures", "--case", "2022-0520-57", "--format", "json"], env) for _ in range(2)]
    assert explain[0].returncode == 0 and explain[0].stdout == explain[1].stdout


def test_a_warm_scan_imports_no_compiler_and_no_unused_report_library(tmp_path):
    env = {**os.environ, "LEGALITY_CACHE_DIR": str(tmp_path / "cache"), "LEGALITY_NO_CACHE": ""}
    one = tmp_path / "one.jsonl"
    one.write_bytes((FIXTURES / "verdicts" / "lawful" / "almaty.jsonl").read_bytes().split(b"\n", 1)[0] + b"\n")
    args = ["scan", str(one), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"), "-j", "1", "--no-progress"]
    assert _cli(args, env).returncode == 0  # stores the pack
    code = textwrap.dedent(f"""
        import sys
        from legality.cli import main
        from legality.engine import PackStats
        try:
            main({args!r})
        except SystemExit as e:
            assert e.code == 0, e.code
        heavy = ("lark", "yaml", "networkx", "jinja2", "docx", "rich", "legality.syntax.parser", "legality.driver")
        print(PackStats.loaded, sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy))
    """)
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, cwd=REPO)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode().split(maxsplit=1) == ["1", "[]\n"], p.stdout.decode()


# ---- the command line imports a command's module only when it runs


def test_the_command_table_names_every_command_and_its_module():
    found = discover()
    assert sorted(COMMAND_MODULES) == sorted(found)
    for name, module in COMMAND_MODULES.items():
        assert found[name].callback.__module__ == f"legality.commands.{module}"


def test_help_lists_every_command_with_its_one_line_help():
    r = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert r.exit_code == 0
    listed = r.output.split("Команды:", 1)[1]  # the suite runs in Russian (conftest: LEGALITY_LANG=ru)
    for name, cmd in discover().items():
        assert f"  {name}  " in listed or f"  {name} " in listed, name
        assert cmd.get_short_help_str(limit=1000)[:24] in listed, name  # the start of its help (any truncation)



# ---- legality cache path | clear


def test_cache_path_and_clear(tmp_path, cache_dir):
    r = CliRunner().invoke(main, ["cache", "path"])
    assert r.exit_code == 0 and r.stdout.strip() == str(cache_dir)
    r = CliRunner().invoke(main, ["cache", "clear"])
    assert r.exit_code == 0 and "кэш пуст" in r.stderr
    Engine.load(small_rules(tmp_path))
    assert len(pack_entries(cache_dir)) == 1
    ours = len(list(cache_dir.glob("*.bin")))  # the pack, and the parser tables if this process built them
    (cache_dir / "notes.txt").write_text("not ours")
    r = CliRunner().invoke(main, ["cache", "clear"])
    assert r.exit_code == 0, r.output
    assert f"удалено записей кэша: {ours} " in r.stderr
    assert sorted(p.name for p in cache_dir.iterdir()) == ["notes.txt"]  # only what the cache wrote


def test_cache_clear_refuses_a_folder_others_can_write(tmp_path, cache_dir):
    Engine.load(small_rules(tmp_path))
    os.chmod(cache_dir, 0o777)
    r = CliRunner().invoke(main, ["cache", "clear"])
    assert r.exit_code == 2 and "ничего не удалено" in r.stderr
    assert len(pack_entries(cache_dir)) == 1


def test_only_the_most_recently_used_packs_are_kept(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(engine_mod, "KEEP_PACKS", 2)
    sets = []
    for i in range(3):
        rules = small_rules(tmp_path / f"set{i}", RULE.replace("Выше максимума", f"Выше максимума {i}"))
        Engine.load(rules)
        sets.append(rules)
        assert len(pack_entries(cache_dir)) == min(i + 1, 2)
    fresh(monkeypatch)
    Engine.load(sets[2])  # the newest is still there
    assert PackStats.loaded == 1
    fresh(monkeypatch)
    Engine.load(sets[0])  # the oldest was removed: compiled again
    assert PackStats.compiled == 4 and len(pack_entries(cache_dir)) == 2
