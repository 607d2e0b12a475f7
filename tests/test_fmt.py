"""`legality fmt` is lossless: comments, blank lines, line breaks and Kazakh texts survive, and it is idempotent.

Why these tests: the review (bug 9) found `fmt --check` failing on every shipped file, because the old
formatter printed the AST and so dropped every comment — the quoted text of the Code that justifies a
rule.  The shipped files are the layout's reference: each must be a fixed point, and any whitespace
shuffle of one (spaces between tokens, indentation of a statement or clause together with its continued
lines, trailing spaces, a clause pulled up onto the line before) must format back to the original.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality.cli import main
from legality.resources import RULES_DIR
from legality.syntax.layout import _tokens, format_text
from legality.syntax.parser import parse_text

SHIPPED = sorted(RULES_DIR.rglob("*.legal"))
# tokens that can touch their neighbours without changing how the file reads
PUNCT = {"COMMA", "LPAR", "RPAR", "LSQB", "RSQB", "DOT", "COLON", "LBRACE", "RBRACE"}


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def shuffle(text: str, seed: int) -> str:
    """The same tokens and comments with the whitespace between them changed at random (see the module doc)."""
    rnd = random.Random(seed)
    f, _ = parse_text(text)
    assert f is not None
    starts = {(it.span.line, it.span.column) for it in f.items}
    starts |= {(sp.line, sp.column) for r in f.rules for _, sp in r.clause_spans}
    # one-line clauses: pulled up onto the line before, they have no continued lines to carry along
    clauses = {(sp.line, sp.column) for r in f.rules for _, sp in r.clause_spans if sp.end_line == sp.line}
    toks = _tokens(text)
    out, pos, shift, prev = [], 0, 0, None
    for t in toks:
        gap = text[pos:t.start_pos]
        rows = gap.split("\n")
        if len(rows) == 1:
            if prev is not None and (prev.type in PUNCT or t.type in PUNCT) and rnd.random() < 0.5:
                gap = ""
            else:
                gap = " " * rnd.randint(1, 3)
        else:
            first = rows[0] + ("" if "#" in rows[0] else " " * rnd.randint(0, 2))
            middle = [(" " * rnd.randint(0, 5) + r.strip() + " " * rnd.randint(0, 2)) for r in rows[1:-1]]
            indent = len(rows[-1])
            simple = not rows[0].strip() and len(rows) == 2
            if (t.line, t.column) in clauses and simple and prev is not None and prev.type != "LBRACE" \
                    and rnd.random() < 0.2:
                gap = " "  # a one-line clause pulled up onto the previous line: fmt breaks it again
            else:
                if (t.line, t.column) in starts:
                    shift = rnd.randint(0, 4)
                gap = "\n".join([first, *middle, " " * (indent + shift)])
        out.append(gap + str(t))
        pos, prev = t.end_pos, t
    return "".join(out) + text[pos:].rstrip("\n") + "  \n\n\n"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_is_a_fixed_point(path: Path):
    text = path.read_text(encoding="utf-8")
    out, diags = format_text(text, str(path))
    assert not diags
    assert out == text, f"legality fmt would change {path.name}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_whitespace_shuffle_formats_back_to_the_shipped_file(path: Path):
    text = path.read_text(encoding="utf-8")
    for seed in range(3):
        noisy = shuffle(text, seed)
        assert noisy != text
        out, _ = format_text(noisy, str(path))
        assert out == text, f"seed {seed}"


KK = """# header comment: stays

import "common.legal"
# a fact with its Kazakh label
define doc_cap "предел" kk "шек" for offence = 5 years  # trailing comment


rule doc-kk-texts for offence {
  title "Наказание выше предела"
     kk "Жаза шектен жоғары"
  severity high
  # why: the quoted law
  cite "УК РК ст.52 ч.1"
  violation offence.sentence.principal.term > doc_cap
     or offence.sentence.principal.term > 6 years
  allowed "не более 5 лет" kk "5 жылдан аспайды"
  message "Назначено {offence.sentence.principal.term}"
     kk "{offence.sentence.principal.term} тағайындалды"
  facts doc_cap
  # a comment before the closing brace
}
# the end
"""


def test_comments_kazakh_texts_and_line_breaks_survive():
    out, diags = format_text(KK)
    assert not diags and out == KK
    squashed = KK.replace("\n     kk", " kk").replace("  title", "title").replace("  # why", "      # why")
    out2, _ = format_text(squashed)
    assert "# trailing comment" in out2 and "# the end" in out2
    assert '  title "Наказание выше предела" kk "Жаза шектен жоғары"\n' in out2
    assert "  severity high\n  # why: the quoted law\n  cite" in out2
    assert format_text(out2)[0] == out2  # idempotent


@pytest.mark.parametrize("messy, tidy", [
    ("define a=f( 1 ,- 2 )-x . y[ 3 ]\n", "define a = f(1, -2) - x.y[3]\n"),
    ("define s = {a,b}\n", "define s = {a, b}\n"),
    ('rule a-b{title "t" severity low cite "УК РК ст.46" violation true message "m"}\n',
     'rule a-b {\n  title "t"\n  severity low\n  cite "УК РК ст.46"\n  violation true\n  message "m"\n}\n'),
    ("define q = any x in offences : ( x.part = 1 )\n", "define q = any x in offences: (x.part = 1)\n"),
    ("\n\n\n\n# c\ndefine a = 1", "\n\n# c\ndefine a = 1\n"),
])
def test_layout_of_a_line(messy, tidy):
    assert format_text(messy)[0] == tidy


def test_fmt_check_passes_on_the_shipped_rules_and_defaults_to_them():
    r = run("fmt", "--check")
    assert r.exit_code == 0, r.output
    assert run("fmt", "--check", RULES_DIR).exit_code == 0


def test_fmt_check_diff_and_write(tmp_path):
    f = tmp_path / "x.legal"
    f.write_text("# keep me\ndefine  a =   1\n", encoding="utf-8")
    r = run("fmt", "--check", f)
    assert r.exit_code == 1 and "x.legal: оформление отличается" in r.output
    r = run("fmt", "--diff", f)
    assert r.exit_code == 0 and "-define  a =   1" in r.output and "+define a = 1" in r.output
    assert run("fmt", "--write", f).exit_code == 0
    assert f.read_text(encoding="utf-8") == "# keep me\ndefine a = 1\n"
    assert run("fmt", "--check", f).exit_code == 0


def test_fmt_write_that_cannot_rewrite_exits_non_zero(tmp_path):
    f = tmp_path / "bad.legal"
    f.write_text("define a = \n", encoding="utf-8")
    r = run("fmt", "--write", f)
    assert r.exit_code == 2
    assert f.read_text(encoding="utf-8") == "define a = \n"
