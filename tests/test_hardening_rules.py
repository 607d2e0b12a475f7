"""Issue 11, rule side: the red team's findings on the grammar cache, the rule compiler and `fmt`.

F01 a grammar cache that loads other users' pickles; F04 ordinary rules that crash code generation;
F05 `fmt --write` that empties a file; F06 lone-surrogate strings that pass `check` and break every
report; F29 a 5,000-digit number reported at 1:1 in Python's words.
"""

from __future__ import annotations

import itertools
import os
import pickle
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cache import Cache, entry_name
from legality.cli import main
from legality.eval import codegen
from legality.driver import compile as compile_rules
from legality.law import Catalogue
from legality.model import validate_record
from legality.resources import GRAMMAR_FILE
from legality.syntax import parser as parser_module

from verdict_samples import record

LEGALITY = str(Path(sys.executable).with_name("legality"))
PYTHON = sys.executable
HEAD = 'title "t"\n  severity low\n  cite "УК РК ст.46"'


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def rule(violation: str, rid: str = "long-and", scope: str = "offence", message: str = '"x"') -> str:
    return f"rule {rid} for {scope} {{\n  {HEAD}\n  violation {violation}\n  message {message}\n}}\n"


def check_dir(tmp_path: Path, text: str, name: str = "x.legal"):
    d = tmp_path / "r"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["check", str(d)])


def compiled(cat, text: str):
    return compile_rules(sources={"x.legal": text}, catalogue=cat)


# ---------------------------------------------------------------- F01: no untrusted pickles


def _lark_temp_cache(tmp: Path) -> Path:
    """Where `Lark(..., cache=True)` with the parser's options reads its tables when TMPDIR=tmp."""
    code = ("import sys; from lark import Lark; "
            "Lark(open(sys.argv[1], encoding='utf-8').read(), parser='lalr', start=['start', 'expr'], "
            "propagate_positions=True, maybe_placeholders=True, cache=True)")
    subprocess.run([PYTHON, "-c", code, str(GRAMMAR_FILE)], env={**os.environ, "TMPDIR": str(tmp)}, check=True)
    found = sorted(tmp.glob(".lark_cache_*.tmp"))
    assert len(found) == 1, found
    return found[0]


class _Plant:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_planted_at_the_old_temp_path_is_never_loaded(tmp_path):
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    planted = _lark_temp_cache(shared)
    marker = tmp_path / "PWNED"
    first_line = planted.read_bytes().split(b"\n", 1)[0]
    planted.write_bytes(first_line + b"\n" + pickle.dumps(_Plant(marker)))
    env = {**os.environ, "TMPDIR": str(shared), "LEGALITY_CACHE_DIR": str(tmp_path / "cache")}
    p = subprocess.run([LEGALITY, "check"], env=env, capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    assert not marker.exists(), "a pickle from the shared temp folder was loaded"
    # and nothing new is written to the shared temp folder either
    assert sorted(x.name for x in shared.iterdir()) == [planted.name]


def test_cache_folder_is_created_private(tmp_path):
    c = Cache.open(tmp_path / "a" / "legality")
    assert c is not None
    assert stat.S_IMODE(os.stat(c.root).st_mode) == 0o700


def test_cache_round_trip_and_damaged_entries_are_ignored(tmp_path):
    c = Cache.open(tmp_path / "c")
    name = entry_name("test", "input text", b"\x00bytes")
    assert name != entry_name("test", "input tex", b"t\x00bytes")  # inputs cannot blur into each other
    assert c.get(name) is None
    assert c.put(name, b"payload")
    assert c.get(name) == b"payload"
    assert stat.S_IMODE(os.stat(c.root / name).st_mode) == 0o600
    path = c.root / name
    data = path.read_bytes()
    path.write_bytes(data[:-1] + b"X")  # same length, wrong checksum
    assert c.get(name) is None
    path.write_bytes(b"not a cache entry")
    assert c.get(name) is None
    assert [p.name for p in c.root.iterdir()] == [name]  # no temporary files left behind


def test_group_writable_entry_or_folder_is_not_trusted(tmp_path):
    c = Cache.open(tmp_path / "c")
    name = entry_name("test", "x")
    c.put(name, b"payload")
    os.chmod(c.root / name, 0o620)
    assert c.get(name) is None
    os.chmod(c.root / name, 0o600)
    assert c.get(name) == b"payload"
    os.chmod(c.root, 0o770)
    assert Cache.open(c.root) is None
    os.chmod(c.root, 0o700)
    link = tmp_path / "link"
    link.symlink_to(c.root, target_is_directory=True)
    assert Cache.open(link) is None


def test_symlinked_entry_is_not_followed(tmp_path):
    c = Cache.open(tmp_path / "c")
    real = entry_name("test", "real")
    c.put(real, b"payload")
    (c.root / entry_name("test", "other")).symlink_to(c.root / real)
    assert c.get(entry_name("test", "other")) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another uid needs root")
def test_entry_or_folder_owned_by_another_user_is_not_trusted(tmp_path):
    c = Cache.open(tmp_path / "c")
    name = entry_name("test", "x")
    c.put(name, b"payload")
    os.chown(c.root / name, 65534, 65534)
    assert c.get(name) is None
    os.chown(c.root / name, 0, 0)
    assert c.get(name) == b"payload"
    os.chown(c.root, 65534, 65534)
    assert Cache.open(c.root) is None


def test_unusable_cache_folder_means_no_cache_not_an_error(tmp_path):
    (tmp_path / "file").write_text("x")
    assert Cache.open(tmp_path / "file") is None
    assert Cache.open(tmp_path / "file" / "sub") is None
    env = {**os.environ, "LEGALITY_CACHE_DIR": str(tmp_path / "file" / "sub")}
    p = subprocess.run([LEGALITY, "check"], env=env, capture_output=True)
    assert p.returncode == 0, p.stderr.decode()


def test_corrupted_grammar_entry_is_rebuilt(tmp_path):
    env = {**os.environ, "LEGALITY_CACHE_DIR": str(tmp_path / "cache")}
    assert subprocess.run([LEGALITY, "check"], env=env, capture_output=True).returncode == 0
    entries = list((tmp_path / "cache").glob("grammar-*.bin"))
    assert len(entries) == 1
    good = entries[0].read_bytes()
    entries[0].write_bytes(good[: len(good) // 2])
    assert Cache(tmp_path / "cache").get(entries[0].name) is None
    p = subprocess.run([LEGALITY, "check"], env=env, capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    assert Cache(tmp_path / "cache").get(entries[0].name) is not None  # written again, whole
    assert stat.S_IMODE(os.stat(tmp_path / "cache").st_mode) == 0o700


# ---------------------------------------------------------------- F04: long and deep rules


REPORT_CASES = {
    "and-20": " and ".join(["offence.stage = attempt"] * 20),
    "or-20": " or ".join(["offence.stage = attempt"] * 20),
    "and-60": " and ".join(["offence.stage = completed"] * 60),
    "any-4": "".join(f"any x{i} in offences: " for i in range(4)) + "true",
    "all-4": "".join(f"all x{i} in offences: " for i in range(4)) + "x0.id = x3.id",
    "plus-95": "offence.sentence.principal.term" + " + 1 month" * 95 + " > 1 year",
    "not-98": "not " * 98 + "true",
    "neg-98": "-" * 98 + "1 < 0",
    "if-98": "if true then " * 98 + "true" + " else false" * 98,
    "max-45": "max(" * 45 + "1" + ", 2)" * 45 + " > 1",
    "alternate-45": "(offence.stage = completed and (false or " * 45 + "true" + "))" * 45,
    "default-45": "default(" * 45 + "defendant.pregnant = true" + ", true)" * 45,
}


@pytest.mark.parametrize("name", sorted(REPORT_CASES))
def test_long_and_deep_rules_compile_and_run(cat, name):
    u = compiled(cat, rule(REPORT_CASES[name]))
    assert u.program is not None, [d.render(u.sources) for d in u.diags]
    v = validate_record(record())
    fast = u.program.evaluate(v)
    traced = u.program.evaluate(v, trace=True)
    assert [c.rule for c in fast.candidates] == [c.rule for c in traced.candidates]
    assert not fast.faults and not traced.faults


def test_long_rules_fire_as_written(cat):
    v = validate_record(record())  # one offence, an attempt
    fires = {
        "and-20": True, "or-20": True, "and-60": False, "any-4": True, "all-4": True, "plus-95": True,
        "not-98": True, "neg-98": False, "if-98": True, "max-45": True, "alternate-45": False, "default-45": True,
    }
    for name, want in fires.items():
        ev = compiled(cat, rule(REPORT_CASES[name])).program.evaluate(v)
        assert bool(ev.candidates) is want, name


@pytest.mark.parametrize("text, line, col", [
    (rule("not " * 150 + "true"), 5, 13 + 100 * 4),
    (rule("-" * 300 + "1 < 0"), 5, 13 + 99),  # the comparison is the first level
    (rule("(" * 120 + "not " * 120 + "true" + ")" * 120), 5, 13 + 120 + 100 * 4),
    (rule("offence.sentence.principal.term" + " + 1 month" * 200 + " > 1 year"), 5, 13),
    (rule("true", message='"{' + "not " * 120 + 'true}"'), 6, 11),
])
def test_too_deep_is_a_located_diagnostic(tmp_path, text, line, col, english):
    r = check_dir(tmp_path, text)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert f"x.legal:{line}:{col}: error[E009]: expression nested too deeply" in r.stderr
    assert "hint:" in r.stderr


@pytest.mark.parametrize("quant, depth", [("any", 10), ("all", 12), ("count", 5)])
def test_deep_quantifier_nest_is_a_located_diagnostic(tmp_path, quant, depth, english):
    """The report's ≥ 10 nested quantifiers: not a crash, and not an endless run (work ∝ offences ** depth)."""
    body = "".join(f"{quant} x{i} in offences: " for i in range(depth - 1)) + "x0.id = x0.id"
    if quant == "count":
        body = "count x in offences: " + "".join(f"any x{i} in offences: " for i in range(depth - 1)) + "true"
        body = f"({body}) > 0"
    r = check_dir(tmp_path, rule(body))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "error[E009]: quantifiers nested too deeply (more than 4" in r.stderr


def test_check_cli_compiles_the_report_repro(tmp_path, english):
    r = check_dir(tmp_path, rule(" and ".join(["offence.stage = attempt"] * 20)))
    assert r.exit_code == 0, r.output
    assert "errors: 0," in r.stderr


def test_generated_code_stays_within_python_limits(cat, monkeypatch):
    monkeypatch.setattr(parser_module, "MAX_QUANT_NESTING", 100)  # the code generator alone, past the parser's limit
    u = compiled(cat, rule(REPORT_CASES["alternate-45"]) + rule("".join(f"any x{i} in offences: " for i in range(10)) + "true", rid="deep-any"))
    src = u.program.source
    assert max(len(x) - len(x.lstrip(" ")) for x in src.splitlines()) <= 4 * 16
    assert max(x.count("(") for x in src.splitlines()) <= 60


def test_compile_failure_is_a_diagnostic_naming_the_rule(cat, monkeypatch, english):
    # the last guard: with hoisting disabled, 12 nested quantifiers exceed CPython's 20 blocks
    monkeypatch.setattr(codegen, "HOIST_INDENT", 10**6)
    monkeypatch.setattr(parser_module, "MAX_QUANT_NESTING", 100)
    text = rule("true", rid="harmless-rule") + rule("".join(f"all x{i} in offences: " for i in range(12)) + "x0.id = x11.id", rid="deep-quantifiers")
    u = compiled(cat, text)
    assert u.program is None
    d = [d for d in u.diags if d.code == "E009"]
    assert d and d[0].message.startswith("rule deep-quantifiers is too complex to compile")
    assert (d[0].span.file, d[0].span.line) == ("x.legal", 8)


def _kleene(tree):
    if isinstance(tree, str):
        return {"T": True, "F": False, "M": None}[tree]
    op, args = tree
    vals = [_kleene(a) for a in args]
    stop = op == "or"
    if any(v is stop for v in vals):
        return stop
    return None if any(v is None for v in vals) else not stop


def _text(tree) -> str:
    if isinstance(tree, str):
        return {"T": "true", "F": "false", "M": "defendant.pregnant = true"}[tree]
    op, args = tree
    return "(" + f" {op} ".join(_text(a) for a in args) + ")"


def _trees():
    for a, b, c in itertools.product("TFM", repeat=3):
        for o1, o2 in itertools.product(("and", "or"), repeat=2):
            yield (o2, [(o1, [a, b]), c])
            yield (o1, [a, (o2, [b, c])])
    for ops in itertools.product("TFM", repeat=4):
        for op in ("and", "or"):
            yield (op, list(ops))
    rng = random.Random(11)
    for _ in range(40):
        op = rng.choice(["and", "or"])
        yield (op, [rng.choice("TFM") if rng.random() < 0.8 else (rng.choice(["and", "or"]),
                                                                 [rng.choice("TFM") for _ in range(3)])
                    for _ in range(rng.randint(5, 30))])


def test_and_or_chains_keep_kleene_logic(cat):
    """true / false / missing operands in every shape: the rule fires on true, `not` of it on false."""
    trees = list(_trees())
    text = "".join(rule(_text(t), rid=f"k-{i}-t") + rule(f"not {_text(t)}", rid=f"k-{i}-f")
                   for i, t in enumerate(trees))
    u = compiled(cat, text)
    assert u.program is not None, [d.render(u.sources) for d in u.diags if d.is_error][:3]
    v = validate_record(record())  # `pregnant` absent: the third operand is missing
    for trace in (False, True):
        fired = {c.rule for c in u.program.evaluate(v, trace=trace).candidates}
        for i, t in enumerate(trees):
            got = True if f"k-{i}-t" in fired else False if f"k-{i}-f" in fired else None
            assert got is _kleene(t), (_text(t), trace)


# ---------------------------------------------------------------- F05: fmt --write


SURROGATE_RULE = ('rule lone-surrogate for offence {\n  title "x"\n  severity low\n  cite "УК РК ст.46"\n'
                  '  violation true\n  message "bad \\ud800 text"\n}\n')


def test_fmt_write_of_a_lone_surrogate_leaves_the_file_alone(tmp_path):
    f = tmp_path / "s.legal"
    f.write_text(SURROGATE_RULE, encoding="utf-8")
    r = CliRunner().invoke(main, ["fmt", "--write", str(f)])
    assert r.exit_code == 2, r.output
    assert "[E006]" in r.stderr and "Traceback" not in r.output
    assert f.read_text(encoding="utf-8") == SURROGATE_RULE


def test_fmt_write_is_atomic_when_the_text_cannot_be_written(tmp_path, monkeypatch):
    from legality.syntax import layout

    f = tmp_path / "a.legal"
    original = rule("true").replace("  ", "    ")
    f.write_text(original, encoding="utf-8")
    monkeypatch.setattr(layout, "format_text", lambda text, name: ("rule x \udc80\n", []))
    r = CliRunner().invoke(main, ["fmt", "--write", str(f)])
    assert r.exit_code == 2
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert f.read_text(encoding="utf-8") == original
    assert "не переписан" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a.legal"]


def test_fmt_write_rewrites_in_place(tmp_path):
    f = tmp_path / "a.legal"
    f.write_text(rule("true").replace("  ", "      "), encoding="utf-8")
    r = CliRunner().invoke(main, ["fmt", "--write", str(f)])
    assert r.exit_code == 0, r.output
    assert f.read_text(encoding="utf-8").startswith("rule long-and for offence {\n  title")


def test_fmt_of_a_non_utf8_file_is_a_message_and_exit_2(tmp_path):
    f = tmp_path / "cp1251.legal"
    f.write_bytes(rule("true").replace('"x"', '"нарушение"').encode("cp1251"))
    r = CliRunner().invoke(main, ["fmt", str(f)])
    assert r.exit_code == 2
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "cp1251.legal" in r.stderr and "UTF-8" in r.stderr
    assert "Traceback" not in r.output and "codec" not in r.stderr


# ---------------------------------------------------------------- F06: lone surrogates in strings


@pytest.mark.parametrize("where, text, line, col", [
    ("message", SURROGATE_RULE, 6, 11),
    ("title", SURROGATE_RULE.replace('title "x"', 'title "\\udfff"').replace("bad \\ud800 text", "x"), 2, 9),
    ("cite", rule("true").replace('cite "УК РК ст.46"', 'cite "УК РК ст.46\\ud83d"'), 4, 8),
    ("label", 'define a "метка \\ud800" = 1\n', 1, 10),
    ("value", rule('offence.article = "\\ud800"'), 5, 31),
    ("import", 'import "\\ud800.legal"\n', 1, 8),
])
def test_lone_surrogate_in_any_string_is_e006(tmp_path, where, text, line, col, english):
    r = check_dir(tmp_path, text)
    assert r.exit_code == 2, r.output
    assert f"x.legal:{line}:{col}: error[E006]:" in r.stderr, r.stderr
    assert "Traceback" not in r.output


def test_surrogate_pairs_are_still_one_character(cat):
    u = compiled(cat, rule("true", message='"знак \\ud83d\\ude00"'))
    assert u.program is not None
    ev = u.program.evaluate(validate_record(record()))
    assert ev.candidates[0].message.startswith("знак \U0001f600")


# ---------------------------------------------------------------- F29: huge numbers in rules


def test_5000_digit_number_is_located_e006(tmp_path, english):
    r = check_dir(tmp_path, rule("offence.part < " + "9" * 5000))
    assert r.exit_code == 2
    assert "x.legal:5:28: error[E006]: number too long: 5000 digits" in r.stderr
    assert "Exceeds the limit" not in r.stderr and "4300" not in r.stderr


@pytest.mark.parametrize("literal, ok", [
    ("9" * 15, True), ("9" * 16, False), ("1." + "5" * 15, True), ("1." + "5" * 16, False),
    ("9" * 15 + " years", True), ("9" * 20 + " months", False), ("9" * 16 + " mrp", False),
])
def test_number_length_limit(cat, literal, ok):
    u = compiled(cat, f"define n = {literal}\n")
    codes = [d.code for d in u.diags if d.is_error]
    assert (codes == []) is ok, codes
    if not ok:
        assert codes == ["E006"] and u.diags[0].span.column == 12


def _backwards_chain(n: int, end: str) -> str:
    """n facts, each defined before the fact it uses (the shape that exhausted the checker's stack)."""
    return "".join(f"define f{i} = f{i + 1} + 1\n" for i in range(n)) + f"define f{n} = {end}\n"


def test_long_chain_of_facts_defined_backwards_compiles(cat):
    u = compiled(cat, _backwards_chain(400, "1") + rule("f0 = 401", scope="record"))
    assert u.program is not None, [d.header() for d in u.diags][:3]
    assert [c.rule for c in u.program.evaluate(validate_record(record())).candidates] == ["long-and"]


def test_error_at_the_end_of_a_long_backwards_chain_is_reported_once(cat):
    u = compiled(cat, _backwards_chain(400, "no_such_fact + 1") + rule("f0 > 1", scope="record"))
    assert u.program is None
    assert [d.code for d in u.diags if d.is_error] == ["E101"]
    assert u.diags[0].span.line == 401
