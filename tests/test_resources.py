"""The grammar, rules and law as package data; the rules version and the engine cache keyed on content.

Why these tests: a wheel used to fail on the first rule file (the grammar was read from the source
tree), and the same rules got another `rules_version` from every folder, so a store scanned from
another folder re-checked every record.  The wheel test builds the sdist and the wheel from it, the
way CI and a user's `pip install` do, and runs the unpacked wheel from a folder with no source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from legality import engine as engine_mod
from legality.engine import Engine
from legality.resources import DATA_ROOT, GRAMMAR_FILE, LAW_DIR, RULES_DIR
from support.synth import FIXTURES_DIR

REPO = Path(__file__).resolve().parents[1]
LEG = str(Path(sys.executable).with_name("legality"))
PLANTED = FIXTURES_DIR / "verdicts" / "planted"


def scan_summary(cwd: Path, summary: Path, *args: str | Path) -> dict:
    """The summary of a real `legality scan` process started in `cwd` (its own engine, its own cwd)."""
    p = subprocess.run([LEG, "scan", str(PLANTED), "-f", "jsonl", "-j", "1", "--no-progress",
                        "--summary", str(summary), *map(str, args)], cwd=cwd, capture_output=True)
    assert p.returncode in (0, 1), p.stderr.decode()
    return json.loads(summary.read_text(encoding="utf-8"))


def test_a_checkout_reads_the_top_level_folders():
    assert DATA_ROOT == REPO  # no legality/_data in a checkout: the single copy is the top-level one
    assert GRAMMAR_FILE == REPO / "grammar" / "legality.lark" and GRAMMAR_FILE.is_file()
    assert RULES_DIR == REPO / "rules" and any(RULES_DIR.rglob("*.legal"))
    assert LAW_DIR == REPO / "rules" / "law" and any(LAW_DIR.rglob("*.yaml"))


def test_rules_version_is_the_content_only(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    here = Engine.load(RULES_DIR).version
    monkeypatch.chdir(tmp_path)  # spans are shown relative to the cwd, the version must not follow
    assert Engine.load(RULES_DIR).version == here
    copy = shutil.copytree(RULES_DIR, tmp_path / "elsewhere" / "my-rules")
    assert Engine.load(copy).version == here
    assert Engine.load(Path("elsewhere") / "my-rules").version == here
    first = sorted((copy / "pack").glob("*.legal"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert Engine.load(copy).version != here  # and the content is in it


def test_the_engine_cache_follows_content_and_display_not_location(tmp_path, monkeypatch):
    a = shutil.copytree(RULES_DIR, tmp_path / "a" / "rules")
    b = shutil.copytree(RULES_DIR, tmp_path / "b" / "rules")
    monkeypatch.chdir(a.parent)
    key_a = engine_mod._content_key("rules")
    monkeypatch.chdir(b.parent)
    assert engine_mod._content_key("rules") == key_a  # same bytes, shown the same: one engine
    assert engine_mod._content_key(b) != key_a  # shown as an absolute path: spans would print differently
    (b / "pack" / "extra.legal").write_text("# a comment only\n", encoding="utf-8")
    assert engine_mod._content_key("rules") != key_a


def test_scan_from_other_folders_gives_one_version_and_the_store_sees_records_unchanged(tmp_path):
    db = tmp_path / "store.db"
    (tmp_path / "x").mkdir()
    first = scan_summary(REPO, tmp_path / "first.json", "--db", db)
    second = scan_summary(tmp_path / "x", tmp_path / "second.json", "--db", db)
    assert first["records"] > 0 and first["unchanged"] == 0
    assert second["rules_version"] == first["rules_version"]
    assert second["unchanged"] == first["records"]  # nothing re-checked from another folder


DATA_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
DATA_DIRS = ("src", "grammar", "rules")


def shipped(root: Path) -> dict[str, bytes]:
    """Every file of grammar/ and rules/ by its path under the repository, as the wheel must hold them."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for d in ("grammar", "rules") for p in sorted((root / d).rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_wheel_ships_grammar_rules_and_law_and_runs_from_any_folder(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in DATA_FILES:
        shutil.copy2(REPO / name, tree / name)
    for name in DATA_DIRS:
        shutil.copytree(REPO / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "_data"))
    dist = tmp_path / "dist"
    p = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(tree)], capture_output=True)
    assert p.returncode == 0, p.stdout.decode()[-3000:] + p.stderr.decode()[-3000:]
    (sdist,), (wheel,) = dist.glob("legality-*.tar.gz"), dist.glob("legality-*.whl")
    want = shipped(REPO)
    assert "grammar/legality.lark" in want and any(k.startswith("rules/pack/") for k in want)
    assert any(k.startswith("rules/law/") for k in want) and any(k.startswith("rules/tests/") for k in want)

    with tarfile.open(sdist) as tf:  # the wheel above was built from this sdist: it must carry both folders
        in_sdist = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert set(want) <= in_sdist

    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        got = {n.removeprefix("legality/_data/"): zf.read(n) for n in names if n.startswith("legality/_data/")}
        zf.extractall(tmp_path / "site")
    assert got == want  # byte for byte, nothing missing and nothing extra
    assert "legality/paths.py" not in names and "legality/resources.py" in names

    # the unpacked wheel, from a folder with no source tree: its own grammar, rules and law
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    code = ("import sys; from legality.cli import main; import legality.resources as r; "
            "print(r.DATA_ROOT, file=sys.stderr); sys.argv[0] = 'legality'; main()")

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-c", code, *args], cwd=elsewhere, env=env, capture_output=True)

    check = run("check")
    assert check.returncode == 0, check.stderr.decode()
    assert check.stderr.decode().splitlines()[0] == str(tmp_path / "site" / "legality" / "_data")
    scan = run("scan", str(PLANTED), "-f", "jsonl", "-j", "1", "--no-progress", "--summary", "s.json")
    assert scan.returncode in (0, 1), scan.stderr.decode()
    in_repo = subprocess.run([LEG, "scan", str(PLANTED), "-f", "jsonl", "-j", "1", "--no-progress"],
                             cwd=REPO, capture_output=True)
    assert scan.stdout == in_repo.stdout and scan.stdout.count(b"\n") > 0
    assert json.loads((elsewhere / "s.json").read_text(encoding="utf-8"))["rules_version"] == \
        scan_summary(REPO, tmp_path / "repo.json")["rules_version"]
