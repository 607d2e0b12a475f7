"""One rule file per diagnostic code (tests/dsl/bad/): the code, its position, and a readable message.

Each file's first line says what it must produce: `# expect: CODE LINE:COLUMN`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legality.diagnostics import CODES
from legality.driver import run_stages
from legality.resources import LAW_DIR

BAD = Path(__file__).parent / "dsl" / "bad"
EXPECT = re.compile(r"#\s*expect:\s*(\w+)\s+(\d+):(\d+)")


def compile_single(tmp_path: Path, text: str, name: str = "x.legal"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    return run_stages(tmp_path)


@pytest.mark.parametrize("path", sorted(BAD.glob("*.legal")), ids=lambda p: p.stem)
def test_bad_file_reports_its_code_at_its_place(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    code, line, col = EXPECT.match(text).groups()
    u = compile_single(tmp_path, text)
    hits = [d for d in u.diags if d.code == code]
    assert hits, f"expected {code}, got: " + "; ".join(d.header() for d in u.diags)
    d = hits[0]
    assert (d.span.line, d.span.column) == (int(line), int(col)), d.render(u.sources)
    assert d.span.file.endswith("x.legal")
    rendered = d.render(u.sources)
    assert f"x.legal:{line}:{col}: " in rendered and f"[{code}]" in rendered
    # the caret points at the reported column of the quoted source line
    lines = rendered.splitlines()
    caret = next(l for l in lines if l.strip().startswith("|") and "^" in l)
    assert caret.index("^") - caret.index("|") - 2 == int(col) - 1
    if code.startswith("E"):
        assert u.program is None, "a rule set with errors must not compile"
    else:
        assert u.program is not None, "warnings alone do not stop compilation"


def test_every_rule_language_code_has_a_bad_file():
    have = {EXPECT.match(p.read_text(encoding="utf-8")).group(1) for p in BAD.glob("*.legal")}
    language = {c for c in CODES if c[1] in "012" and c not in ("E005",) and not c.startswith("W1")} - {"W202"}
    assert language <= have, f"codes without a bad example: {sorted(language - have)}"


def test_all_errors_are_reported_at_once(tmp_path):
    text = (BAD / "E102-type.legal").read_text(encoding="utf-8") + "\n" + \
        (BAD / "E107-field.legal").read_text(encoding="utf-8").replace("rule a-b", "rule a-c")
    u = compile_single(tmp_path, text)
    assert {"E102", "E107"} <= {d.code for d in u.diags}


def test_unreadable_rules_dir_is_e005(tmp_path):
    u = run_stages(tmp_path / "nope")
    assert [d.code for d in u.diags] == ["E005"]


DUP = 'rule dup-rule {{\n  title "t"\n  severity low\n  cite "УК РК ст.46"\n  violation {v}\n  message "m"\n}}\n'


@pytest.mark.parametrize("new_name, old_name, imports", [
    ("a_new.legal", "z_shipped.legal", False),  # review bug 12: the new file sorts first, the shipped one is older
    ("z_new.legal", "a_shipped.legal", False),
    ("a_new.legal", "z_shipped.legal", True),  # a file that imports the other comes after it, whatever its time
])
def test_a_duplicate_rule_id_is_blamed_on_the_new_rule(tmp_path, new_name, old_name, imports, english):
    import os

    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    old, new = tmp_path / old_name, tmp_path / new_name
    old.write_text(DUP.format(v="true"), encoding="utf-8")
    new.write_text((f'import "{old_name}"\n' if imports else "") + DUP.format(v="false"), encoding="utf-8")
    if imports:  # make the importing file the older one on disk: the import decides
        os.utime(new, (1_000_000, 1_000_000))
    else:
        os.utime(old, (1_000_000, 1_000_000))
    u = run_stages(tmp_path)
    (d,) = [d for d in u.diags if d.code == "E104"]
    assert d.span.file.endswith(new_name), d.render(u.sources)
    ((label, first),) = d.related
    assert label == "first defined here" and first.file.endswith(old_name)
