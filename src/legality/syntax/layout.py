"""The layout of a rule file as its author wrote it, tidied: the formatter behind `legality fmt`.

Why not print the AST (`printer.py`): rule files are full of comments — the quoted text of the Code is
a rule's justification — and of line breaks that follow the law's structure (one condition of a long
`or` per line).  The AST holds neither, so a formatter that prints it loses both.  This one works on
the tokens of the file (as the parser's own lexer reads them) and changes only whitespace:

- every statement (`import`, `define`, `rule`) starts a line at column 0, every clause of a rule a line
  indented by two spaces, a rule's closing `}` a line of its own;
- inside a line, one space between tokens, none inside brackets, before `,` `:` `.` or after a unary
  minus, none between a function and its `(`;
- a line the author continued keeps its indentation relative to the line of its statement or clause
  (so a statement or clause moved to its canonical column carries its continuation lines along), and
  at least one column more than it;
- comments stay where they stand: a comment after code stays on that line (two spaces before `#`), a
  comment line takes the indentation of the code line below it; blank lines stay, at most two in a row;
  no blank lines at the end of the file, which ends with one newline.

The result is checked to be the same program (equal AST) with the same comments, else the file is
not rewritten (`LayoutError`).  Formatting a formatted file gives it back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedInput

from ..diagnostics import Diagnostic
from .parser import _parser, parse_text

INDENT = "  "  # a clause inside a rule
MAX_BLANK = 2  # blank lines kept in a row

_NO_SPACE_BEFORE = {"COMMA", "RPAR", "RSQB", "DOT", "COLON", "LSQB"}
_NO_SPACE_AFTER = {"LPAR", "LSQB", "DOT"}
_CALLABLE = {"NAME", "QUANT", "FIRED"}  # followed by `(`: a call, written f(x)
# a token after which `-` is a binary minus (a value ends there); after anything else it is unary
_VALUE_END = {"NAME", "INT", "DECIMAL", "STRING", "DATE", "RPAR", "RSQB", "RBRACE", "TERM_UNIT", "UNIT", "TRUE",
              "FALSE", "MISSING", "PRESENT", "QUANT"}


class LayoutError(Exception):
    """The file cannot be laid out without changing what it says (a formatter bug): it is left as it is."""


@dataclass
class _Gap:
    """What stands between two tokens: a comment ending the previous token's line, then whole lines
    (blank, or a comment), then the new token's line (if the gap crosses a line break)."""

    trailing: str | None
    lines: list[str | None]  # None: a blank line; str: a comment line
    newline: bool


def _gap(text: str, first: bool = False, last: bool = False) -> _Gap:
    """Read the whitespace and comments between two tokens (`first`: before the first token, `last`:
    after the last one)."""
    rows = text.replace("\r", "").split("\n")
    trailing = None
    if not first:
        trailing = rows[0].strip() or None
        rows = rows[1:]
    newline = first or bool(rows)
    middle, tail = (rows, "") if last else (rows[:-1], rows[-1] if rows else "")
    lines: list[str | None] = []
    for row in middle:
        s = row.strip()
        if s and not s.startswith("#"):
            raise LayoutError(f"unexpected text between tokens: {s[:20]!r}")
        lines.append(s or None)
    if tail.strip() or (trailing is not None and not trailing.startswith("#")):
        raise LayoutError("unexpected text between tokens")
    return _Gap(trailing, lines, newline)


def _at(n: int | None) -> int:
    """A token position; lark types them optional, but tokens of a parse always carry them."""
    assert n is not None
    return n


def _tokens(text: str) -> list[Token]:
    ip = _parser().parse_interactive(text, start="start")
    toks = list(ip.iter_parse())
    ip.feed_eof()  # type: ignore[no-untyped-call]  # lark's InteractiveParser is unannotated
    return toks


def _comments(text: str, toks: list[Token]) -> list[str]:
    out: list[str] = []
    pos = 0
    for t in [*toks, None]:
        end = len(text) if t is None else _at(t.start_pos)
        for row in text[pos:end].split("\n"):
            s = row.strip()
            if s.startswith("#"):
                out.append(s.rstrip())
        if t is not None:
            pos = _at(t.end_pos)
    return out


def format_text(text: str, file: str = "<text>") -> tuple[str | None, list[Diagnostic]]:
    """The file in its tidy layout, or None and the diagnostics when it does not parse.

    Raises `LayoutError` when the tidy text would not be the same program with the same comments."""
    tree, diags = parse_text(text, file)
    if tree is None:
        return None, diags
    try:
        toks = _tokens(text)
    except UnexpectedInput as e:  # parse_text read it: cannot happen
        raise LayoutError(str(e)) from None
    out = _layout(text, toks, tree)
    again, diags2 = parse_text(out, file)
    if again is None or again.items != tree.items:
        raise LayoutError("the tidy layout does not parse to the same rules")
    if _comments(out, _tokens(out)) != _comments(text, toks):
        raise LayoutError("the tidy layout would lose or move a comment")
    return out, []


def _layout(text: str, toks: list[Token], tree: object) -> str:
    from . import ast as A

    assert isinstance(tree, A.RuleFile)
    items = {(it.span.line, it.span.column) for it in tree.items}
    clauses = {(sp.line, sp.column) for r in tree.rules for _, sp in r.clause_spans}

    lines: list[str] = []
    cur = ""  # the line being written
    braces: list[str] = []  # "body" (a rule's) or "set"
    expect_body = False
    anchor_ref = 0  # original indentation of the line of the current statement/clause
    anchor_out = 0  # its canonical indentation
    line_indent: dict[int, int] = {}  # original line -> column of its first token (0-based)
    for t in toks:
        line_indent.setdefault(_at(t.line), _at(t.column) - 1)
    prev: Token | None = None
    prev_unary = False

    def blank_or_comments(gap: _Gap, indent: int) -> None:
        run = 0
        for row in gap.lines:
            if row is None:
                run += 1
                continue
            lines.extend([""] * min(run, MAX_BLANK))
            run = 0
            lines.append(" " * indent + row)
        lines.extend([""] * min(run, MAX_BLANK))

    for t in toks:
        start = prev.end_pos if prev is not None else 0
        gap = _gap(text[start:t.start_pos], first=prev is None)
        key = (t.line, t.column)
        kind = t.type
        closes_body = kind == "RBRACE" and braces and braces[-1] == "body"
        if key in items:
            indent, breaks = 0, True
        elif key in clauses:
            indent, breaks = len(INDENT), True
        elif closes_body:
            indent, breaks = 0, True
        else:
            offset = (_at(t.column) - 1) - anchor_ref
            indent, breaks = anchor_out + (offset if offset >= 1 else len(INDENT)), False
        if gap.trailing is not None:
            cur += "  " + gap.trailing
        if breaks or gap.newline:
            if prev is not None or cur:
                lines.append(cur.rstrip())
            blank_or_comments(gap, len(INDENT) if closes_body else indent)
            cur = " " * indent
        elif prev is not None:
            cur += "" if _tight(prev, t, prev_unary, braces) else " "
        if key in items or key in clauses or closes_body:
            anchor_ref, anchor_out = line_indent.get(_at(t.line), _at(t.column) - 1), indent
        value = "in force" if kind == "IN_FORCE" else str(t)
        cur += value
        # brackets and the unary minus
        prev_unary = kind == "MINUS" and (prev is None or prev.type not in _VALUE_END)
        if kind == "RULE":
            expect_body = True
        elif kind == "LBRACE":
            braces.append("body" if expect_body else "set")
            expect_body = False
        elif kind == "RBRACE" and braces:
            braces.pop()
        prev = t
    # after the last token: a trailing comment, comment lines (blank lines at the end are dropped)
    end = _gap(text[prev.end_pos:] if prev is not None else text, first=prev is None, last=True)
    if end.trailing is not None:
        cur += "  " + end.trailing
    if cur.strip():
        lines.append(cur.rstrip())
    rows = list(end.lines)
    while rows and rows[-1] is None:
        rows.pop()
    blank_or_comments(_Gap(None, rows, True), 0)
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def _tight(a: Token, b: Token, a_unary: bool, braces: list[str]) -> bool:
    """No space between `a` and `b` on one line."""
    if b.type in _NO_SPACE_BEFORE or a.type in _NO_SPACE_AFTER or a_unary:
        return True
    if b.type == "LPAR" and a.type in _CALLABLE:
        return True
    if a.type == "LBRACE" and braces and braces[-1] == "set":  # `{a, b}`: after the `{` was pushed
        return True
    if b.type == "RBRACE" and braces and braces[-1] == "set":
        return True
    return False
