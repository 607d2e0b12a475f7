"""docs/dsl.ru.md stays a translation of docs/dsl.md, and its examples compile.

Why: the Russian guide is what a lawyer writing rules reads (issue 15, point 4); a guide that drifts from
the language — an example that no longer compiles, a section the English one gained — misleads exactly
the reader who cannot check it against the code. So the two must have the same headings (by level, in
order), the same code blocks (byte for byte once `#` comments, the only text translated inside them, are
removed; a `text` block is the tool's output, shown in the reader's language), the same diagnostic codes,
and links to each other; and every `legal` example compiles, every `legal-error` one fails with its code,
as tests/test_dsl_doc.py checks for the English guide.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legality.engine import Engine
from legality.resources import LAW_DIR

DOCS = Path(__file__).resolve().parents[1] / "docs"
EN, RU = DOCS / "dsl.md", DOCS / "dsl.ru.md"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.S | re.M)
CODE = re.compile(r"\b[EW]\d{3}\b|\bE3xx\b")


def _text(p: Path) -> str:
    return p.read_text(encoding="utf-8")


def blocks(p: Path) -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(_text(p))]


def headings(p: Path) -> list[int]:
    prose = FENCE.sub("", _text(p))
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) \S", prose, flags=re.M)]


def strip_comments(code: str) -> str:
    """The code without `#` comments (a `#` inside a string is text) and without the lines they leave empty."""
    out = []
    for line in code.splitlines():
        in_str, cut = False, len(line)
        i = 0
        while i < len(line):
            c = line[i]
            if in_str and c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = not in_str
            elif c == "#" and not in_str:
                cut = i
                break
            i += 1
        kept = line[:cut].rstrip()
        if kept or cut == len(line):
            out.append(kept)
    return "\n".join(out)


def test_strip_comments_keeps_strings_and_drops_comment_lines():
    code = '# a comment\nrule x-y {  # trailing\n  title "№ #1"\n\n}\n'
    assert strip_comments(code) == 'rule x-y {\n  title "№ #1"\n\n}'


def test_the_two_guides_link_to_each_other():
    assert "(dsl.ru.md)" in _text(EN).split("\n## ")[0]
    assert "(dsl.md)" in _text(RU).split("\n## ")[0]


def test_same_headings():
    assert len(headings(EN)) >= 10
    assert headings(RU) == headings(EN)


def test_same_code_blocks():
    en, ru = blocks(EN), blocks(RU)
    assert len(en) >= 10
    assert [k for k, _ in ru] == [k for k, _ in en]
    for (kind, a), (_, b) in zip(en, ru):
        if kind == "text":  # the tool's output: in the reader's language
            continue
        assert strip_comments(b) == strip_comments(a), f"a `{kind}` block differs:\n{b}"


def test_same_diagnostic_codes():
    assert set(CODE.findall(_text(RU))) == set(CODE.findall(_text(EN)))


def _ruleset(tmp_path: Path, text: str) -> Path:
    (tmp_path / "doc.legal").write_text(text, encoding="utf-8")
    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    return tmp_path


def test_russian_examples_compile_together(tmp_path):
    text = "\n".join(body for kind, body in blocks(RU) if kind == "legal")
    engine, diags = Engine.compile(_ruleset(tmp_path, text))
    assert engine is not None, "\n".join(d.render() for d in diags if d.is_error)
    assert {"doc-attempt-term-cap", "doc-general-cap", "doc-specific-cap"} <= {r.id for r in engine.rules}


@pytest.mark.parametrize("code,body", [(k.split()[1], b) for k, b in blocks(RU) if k.startswith("legal-error")])
def test_russian_error_examples_fail_with_their_code(tmp_path, code, body):
    engine, diags = Engine.compile(_ruleset(tmp_path, body))
    assert engine is None
    assert code in {d.code for d in diags if d.is_error}


def test_the_shown_output_is_what_check_prints_in_russian(tmp_path, monkeypatch):
    """The `text` block after a `legal-error` example is `legality check --lang ru`'s output for it, verbatim."""
    from click.testing import CliRunner

    from legality.cli import main

    pairs = [(b, o) for (k, b), (k2, o) in zip(blocks(RU), blocks(RU)[1:]) if k.startswith("legal-error") and k2 == "text"]
    assert pairs
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "law").symlink_to(LAW_DIR, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for body, shown in pairs:
        (tmp_path / "rules" / "x.legal").write_text(body, encoding="utf-8")
        r = CliRunner().invoke(main, ["check", "rules", "--lang", "ru"])
        assert r.exit_code == 2
        assert shown.rstrip("\n") in r.stderr, r.stderr
