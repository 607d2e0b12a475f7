"""The editor's TextMate grammar (editors/vscode/syntaxes/legality.tmLanguage.json) follows grammar/legality.lark.

Why a test: the TextMate grammar is a second description of the language's words, written by hand for
editors; a keyword added to the Lark grammar and forgotten there would be shown as a plain name.  So:
the file is valid JSON whose every regex compiles (Python's `re` reads the Oniguruma subset it uses);
every keyword of the Lark grammar is named in it; and, colouring the shipped rule pack and the examples
of docs/dsl.md line by line as an editor does (earliest match first, then the pattern written first),
every keyword token the Lark lexer finds there gets a keyword's colour, every comment a comment's and
every string a string's.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from lark import Lark, Token

ROOT = Path(__file__).resolve().parents[1]
TM = ROOT / "editors" / "vscode" / "syntaxes" / "legality.tmLanguage.json"
LARK = ROOT / "grammar" / "legality.lark"
PACKAGE = ROOT / "editors" / "vscode" / "package.json"
# Oniguruma constructs Python's `re` does not read (none is used today; a pattern with one is skipped)
ONIGURUMA_ONLY = re.compile(r"\\[GhHzK]|\(\?<[A-Za-z]|\\p\{|\(\?~|\\x\{")
KEYWORD_SCOPES = ("keyword.", "storage.", "constant.language.", "support.function.", "variable.language.")


def _grammar() -> dict[str, Any]:
    return json.loads(TM.read_text(encoding="utf-8"))


def _patterns(g: dict[str, Any], items: list[dict[str, Any]] | None = None, seen: frozenset[str] = frozenset()
              ) -> Iterator[dict[str, Any]]:
    """Every pattern in the order an editor tries them, includes expanded."""
    for p in g["patterns"] if items is None else items:
        inc = p.get("include")
        if inc is not None:
            key = inc.lstrip("#")
            assert inc.startswith("#") and key in g["repository"], f"include of nothing: {inc}"
            if key not in seen:
                yield from _patterns(g, g["repository"][key]["patterns"], seen | {key})
        elif "patterns" in p and "match" not in p and "begin" not in p:
            yield from _patterns(g, p["patterns"], seen)
        else:
            yield p


def _regexes(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("match", "begin", "end") and isinstance(v, str):
                yield v
            else:
                yield from _regexes(v)
    elif isinstance(node, list):
        for v in node:
            yield from _regexes(v)


@functools.cache
def _keywords() -> dict[str, set[str]]:
    """terminal name -> its words, for every keyword of the Lark grammar: the quoted words ("rule") and the
    terminals that are a choice of words (SCOPE, SEVERITY, QUANT, UNIT, IN_FORCE …)."""
    parser = Lark(LARK.read_text(encoding="utf-8"), parser="lalr", start=["start"])
    out: dict[str, set[str]] = {}
    for t in parser.terminals:
        if t.pattern.type == "str":
            if re.fullmatch(r"[a-z_]+", t.pattern.value):
                out[t.name] = {t.pattern.value}
            continue
        p = re.sub(r"\[ (?:\t|\\t)\]\+", " ", t.pattern.value).replace(r"\b", "")
        alts = p[1:-1].split("|") if p.startswith("(") and p.endswith(")") else [p]
        if all(re.fullmatch(r"[a-z_]+(?: [a-z_]+)?", a) for a in alts):
            out[t.name] = set(alts)
    return out


def test_the_grammar_is_valid_json_with_valid_regexes() -> None:
    g = _grammar()
    assert g["scopeName"] == "source.legality"
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    assert package["contributes"]["grammars"][0]["scopeName"] == g["scopeName"]
    assert package["contributes"]["languages"][0]["extensions"] == [".legal"]
    checked = 0
    for rx in _regexes(g):
        if ONIGURUMA_ONLY.search(rx):
            continue
        re.compile(rx)
        checked += 1
    assert checked > 20
    list(_patterns(g))  # every include names a repository entry


def test_every_keyword_of_the_lark_grammar_is_named() -> None:
    words = {w for ws in _keywords().values() for w in ws}
    assert {"rule", "define", "violation", "kk", "fired", "in force", "final_sentence", "mrp", "months"} <= words
    text = "\n".join(_regexes(_grammar()))
    missing = sorted(w for w in words
                     if not re.search(r"(?<![A-Za-z_])" + r"\\s\+".join(w.split()) + r"(?![A-Za-z_])", text))
    assert missing == []


_COMMENTS: list[Token] = []


@functools.cache
def _token_parser() -> Lark:
    """The Lark grammar keeping every token (keywords included), comments handed to `_COMMENTS`."""
    return Lark(LARK.read_text(encoding="utf-8"), parser="lalr", start=["start"], keep_all_tokens=True,
                propagate_positions=True, lexer_callbacks={"COMMENT": _COMMENTS.append})


def _colour(line: str, patterns: list[dict[str, Any]]) -> list[str | None]:
    """The scope of each character of one line, as an editor assigns them (strings are one line here)."""
    out: list[str | None] = [None] * len(line)
    compiled = [(p, re.compile(p.get("match") or p["begin"])) for p in patterns]
    i = 0
    while i < len(line):
        best = None
        for p, rx in compiled:
            m = rx.search(line, i)
            if m and m.end() > m.start() and (best is None or m.start() < best[1].start()):
                best = (p, m)
        if best is None:
            break
        p, m = best
        end = m.end()
        if "begin" in p:
            close = re.compile(p["end"]).search(line, m.end())
            end = close.end() if close else len(line)
        for k in range(m.start(), end):
            out[k] = p.get("name")
        for group, cap in (p.get("captures") or {}).items():
            g = int(group)
            if m.start(g) >= 0:
                for k in range(m.start(g), m.end(g)):
                    out[k] = cap.get("name") or out[k]
        i = end
    return out


def _samples() -> list[Any]:
    out = [pytest.param(p.read_text(encoding="utf-8"), id=p.relative_to(ROOT).as_posix())
           for p in sorted((ROOT / "rules").rglob("*.legal"))]
    doc = (ROOT / "docs" / "dsl.md").read_text(encoding="utf-8")
    out += [pytest.param(m.group(1), id=f"docs/dsl.md#{i}")
            for i, m in enumerate(re.finditer(r"```legal\n(.*?)```", doc, re.S))]
    return out


@pytest.mark.parametrize("text", _samples())
def test_keywords_comments_and_strings_are_coloured(text: str) -> None:
    kw_types = set(_keywords())
    _COMMENTS.clear()
    tree = _token_parser().parse(text)
    comments = list(_COMMENTS)
    patterns = list(_patterns(_grammar()))
    lines = text.split("\n")
    coloured = [_colour(line, patterns) for line in lines]

    def scope(tok: Token) -> str | None:
        assert tok.line is not None and tok.column is not None
        return coloured[tok.line - 1][tok.column - 1]

    wrong = []
    for tok in tree.scan_values(lambda v: isinstance(v, Token)):
        s = scope(tok)
        if tok.type in kw_types:
            if not (s and s.startswith(KEYWORD_SCOPES)):
                wrong.append((tok.line, tok.column, str(tok), s))
        elif tok.type == "STRING" and not (s and s.startswith("string.")):
            wrong.append((tok.line, tok.column, str(tok)[:20], s))
    for tok in comments:
        if not (scope(tok) or "").startswith("comment."):
            wrong.append((tok.line, tok.column, str(tok)[:20], scope(tok)))
    assert wrong == []
