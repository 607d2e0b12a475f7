"""Rule text → surface AST, or diagnostics.  Never raises on any input.

One cached LALR parser (the grammar ships in `grammar/legality.lark`); every Lark error becomes a
`Diagnostic` with file:line:column and a hint written for a lawyer, not a parser author.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from functools import lru_cache

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ..diagnostics import Diagnostic, Span
from ..paths import GRAMMAR_FILE
from . import ast as A


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        start=["start", "expr"],
        propagate_positions=True,
        maybe_placeholders=True,
        cache=True,  # grammar tables cached on disk between runs (keyed by grammar hash)
    )


class _Bad(Exception):
    def __init__(self, diag: Diagnostic):
        self.diag = diag


def _span(file: str, meta_or_tok) -> Span:
    m = meta_or_tok
    if isinstance(m, Token):
        return Span(file, m.line or 0, m.column or 0, m.end_line, m.end_column)
    if getattr(m, "empty", False):
        return Span(file, 0, 0)
    return Span(file, m.line, m.column, m.end_line, m.end_column)


def _unquote(tok: Token, file: str) -> str:
    try:
        return json.loads(str(tok))
    except ValueError:
        raise _Bad(Diagnostic("E006", f"invalid string literal {tok}", _span(file, tok),
                              hint='strings use double quotes; escape a quote as \\" and a backslash as \\\\'))


def _date(tok: Token, file: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(tok))
    except ValueError:
        raise _Bad(Diagnostic("E006", f"no such date: {tok}", _span(file, tok), hint="dates are written YYYY-MM-DD"))


CLAUSES = ("title", "severity", "cite", "in_force", "tags", "let", "when", "unless", "overrides",
           "violation", "actual", "allowed", "message", "facts")
_SINGLE = {"title", "severity", "in_force", "violation", "actual", "allowed", "message"}


@v_args(meta=True, inline=True)
class _ToAst(Transformer):
    def __init__(self, file: str, source: str):
        super().__init__()
        self.file = file
        self.source = source

    def sp(self, meta) -> Span:
        return _span(self.file, meta)

    # ---- file
    @v_args(meta=True, inline=False)
    def start(self, meta, items):
        return A.RuleFile(self.file, tuple(items))

    def import_stmt(self, meta, s):
        return A.Import(_unquote(s, self.file), self.sp(meta))

    def define_stmt(self, meta, name, label, scope, expr):
        return A.Define(str(name), _unquote(label, self.file) if label else None, scope or "record", expr, self.sp(meta))

    def scope(self, meta, tok):
        return str(tok)

    @v_args(meta=True, inline=False)
    def rule_stmt(self, meta, children):
        rid, scope, *clauses = children
        fields: dict = {"lets": [], "whens": [], "unlesses": [], "cites": [], "tags": [], "overrides": [], "facts": []}
        spans = []
        for kind, value, span in clauses:
            spans.append((kind, span))
            if kind in _SINGLE:
                if kind in fields:
                    raise _Bad(Diagnostic("E007", f"clause `{kind.replace('_', ' ')}` appears twice in rule {rid}", span,
                                          hint="a rule has one title, severity, in force, violation, actual, allowed and message"))
                fields[kind] = value
            elif kind == "let":
                fields["lets"].append(value)
            elif kind == "when":
                fields["whens"].append(value)
            elif kind == "unless":
                fields["unlesses"].append(value)
            else:  # cite, tags, overrides, facts: lists
                fields[{"cite": "cites"}.get(kind, kind)].extend(value)
        for k in ("lets", "whens", "unlesses", "cites", "tags", "overrides", "facts"):
            fields[k] = tuple(fields[k])
        return A.Rule(str(rid), scope or "record", span=self.sp(meta), clause_spans=tuple(spans), **fields)

    # ---- clauses: (kind, value, span)
    def title(self, meta, s):
        return ("title", _unquote(s, self.file), self.sp(meta))

    def severity(self, meta, tok):
        return ("severity", str(tok), self.sp(meta))

    @v_args(meta=True, inline=False)
    def cite(self, meta, items):
        return ("cite", [i for i in items], self.sp(meta))

    def cite_item(self, meta, expr):
        return expr

    def in_force(self, meta, _kw, start, until, basis):
        s = _date(start, self.file)
        u = _date(until, self.file) if until else None
        return ("in_force", A.InForce(s, u, basis or "offence", self.sp(meta)), self.sp(meta))

    def by_date(self, meta, tok):
        return str(tok)

    @v_args(meta=True, inline=False)
    def tags(self, meta, toks):
        return ("tags", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def let(self, meta, name, label, expr):
        return ("let", A.Let(str(name), _unquote(label, self.file) if label else None, expr, self.sp(meta)), self.sp(meta))

    def when(self, meta, e):
        return ("when", e, self.sp(meta))

    def unless(self, meta, e):
        return ("unless", e, self.sp(meta))

    @v_args(meta=True, inline=False)
    def overrides(self, meta, toks):
        return ("overrides", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def violation(self, meta, e):
        return ("violation", e, self.sp(meta))

    def actual(self, meta, e):
        return ("actual", e, self.sp(meta))

    def allowed(self, meta, body):
        return ("allowed", body, self.sp(meta))

    @v_args(meta=True, inline=False)
    def allowed_map(self, meta, entries):
        return tuple(entries)

    def allowed_entry(self, meta, key, e):
        return (str(key), e)

    def message(self, meta, s):
        return ("message", self._template(s), self.sp(meta))

    @v_args(meta=True, inline=False)
    def facts(self, meta, toks):
        return ("facts", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def _template(self, tok: Token) -> A.Template:
        raw = _unquote(tok, self.file)
        parts: list = []
        i = 0
        buf = ""
        while i < len(raw):
            c = raw[i]
            if c == "{":
                if raw.startswith("{{", i):
                    buf += "{"
                    i += 2
                    continue
                j = raw.find("}", i)
                if j < 0:
                    raise _Bad(Diagnostic("E113", "unclosed `{` in message", _span(self.file, tok),
                                          hint="write {name} to insert a value, {{ for a literal brace"))
                if buf:
                    parts.append(buf)
                    buf = ""
                hole = raw[i + 1:j].strip()
                try:
                    tree = _parser().parse(hole, start="expr")
                    expr = _ToAst(self.file, hole).transform(tree)
                except (UnexpectedInput, VisitError, _Bad):
                    raise _Bad(Diagnostic("E113", f"cannot read `{{{hole}}}` in message", _span(self.file, tok),
                                          hint="a hole holds an expression such as {cap} or {offence.sentence.principal.term}"))
                expr = _respan(expr, _span(self.file, tok))
                parts.append(expr)
                i = j + 1
            elif c == "}" and raw.startswith("}}", i):
                buf += "}"
                i += 2
            else:
                buf += c
                i += 1
        if buf:
            parts.append(buf)
        return A.Template(raw, tuple(parts), _span(self.file, tok))

    # ---- expressions
    def if_expr(self, meta, c, a, b):
        return A.If(c, a, b, self.sp(meta))

    def or_op(self, meta, a, b):
        return A.Binary("or", a, b, self.sp(meta))

    def and_op(self, meta, a, b):
        return A.Binary("and", a, b, self.sp(meta))

    def not_op(self, meta, a):
        return A.Unary("not", a, self.sp(meta))

    def compare(self, meta, a, op, b):
        return A.Binary(str(op), a, b, self.sp(meta))

    def eq(self, meta, a, b):
        return A.Binary("=", a, b, self.sp(meta))

    def in_op(self, meta, a, b):
        return A.Binary("in", a, b, self.sp(meta))

    def not_in_op(self, meta, a, b):
        return A.Binary("not in", a, b, self.sp(meta))

    def is_missing(self, meta, a):
        return A.Presence(a, False, self.sp(meta))

    def is_present(self, meta, a):
        return A.Presence(a, True, self.sp(meta))

    def add(self, meta, a, b):
        return A.Binary("+", a, b, self.sp(meta))

    def sub(self, meta, a, b):
        return A.Binary("-", a, b, self.sp(meta))

    def of_op(self, meta, a, b):
        return A.Binary("of", a, b, self.sp(meta))

    def mul(self, meta, a, b):
        return A.Binary("*", a, b, self.sp(meta))

    def div(self, meta, a, b):
        return A.Binary("/", a, b, self.sp(meta))

    def neg(self, meta, a):
        return A.Unary("-", a, self.sp(meta))

    def member(self, meta, obj, name):
        return A.Member(obj, str(name), self.sp(meta))

    def method(self, meta, obj, name, args):
        return A.Method(obj, str(name), tuple(args or ()), self.sp(meta))

    def index(self, meta, obj, key):
        return A.Index(obj, key, self.sp(meta))

    def name(self, meta, tok):
        return A.Name(str(tok), self.sp(meta))

    def call(self, meta, tok, args):
        return A.Call(str(tok), tuple(args or ()), self.sp(meta))

    def qcall(self, meta, tok, args):
        return A.Call(str(tok), tuple(args or ()), self.sp(meta))

    def fired(self, meta, tok):
        return A.Fired(str(tok), self.sp(meta))

    def quant(self, meta, kind, var, iterable, body):
        return A.Quant(str(kind), str(var), iterable, body, self.sp(meta))

    def int_lit(self, meta, tok):
        return A.Literal(int(tok), None, self.sp(meta))

    def dec_lit(self, meta, tok):
        return A.Literal(Fraction(str(tok)), None, self.sp(meta))

    @v_args(meta=True, inline=False)
    def term_lit(self, meta, toks):
        y = m = d = 0
        for n, unit in zip(toks[::2], toks[1::2]):
            u = str(unit)
            if u.startswith("year"):
                y += int(n)
            elif u.startswith("month"):
                m += int(n)
            else:
                d += int(n)
        return A.Literal((y, m, d), "term", self.sp(meta))

    def qty_lit(self, meta, n, unit):
        u = str(unit)
        return A.Literal(int(n), "hours" if u.startswith("hour") else u, self.sp(meta))

    def str_lit(self, meta, tok):
        return A.Literal(_unquote(tok, self.file), None, self.sp(meta))

    def date_lit(self, meta, tok):
        return A.Literal(_date(tok, self.file), None, self.sp(meta))

    def true_lit(self, meta):
        return A.Literal(True, None, self.sp(meta))

    def false_lit(self, meta):
        return A.Literal(False, None, self.sp(meta))

    def set_lit(self, meta, args):
        return A.SetLit(tuple(args or ()), self.sp(meta))

    @v_args(meta=True, inline=False)
    def args(self, meta, items):
        return list(items)


def _respan(expr, span: Span):
    """Holes of a message template point at the message string (their own offsets are relative)."""
    import dataclasses

    if not dataclasses.is_dataclass(expr):
        return expr
    changes = {}
    for f in dataclasses.fields(expr):
        v = getattr(expr, f.name)
        if f.name == "span":
            changes["span"] = span
        elif isinstance(v, A.Expr):
            changes[f.name] = _respan(v, span)
        elif isinstance(v, tuple):
            changes[f.name] = tuple(_respan(x, span) if isinstance(x, A.Expr) else x for x in v)
    return dataclasses.replace(expr, **changes)


# ---- errors

_TOKEN_RU = {
    "RBRACE": "`}`", "LBRACE": "`{`", "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`", "COLON": "`:`",
    "STRING": "a quoted string", "NAME": "a name", "RULE_ID": "a rule id (words joined by hyphens)",
    "DATE": "a date YYYY-MM-DD", "INT": "a number", "SEVERITY": "high, medium or low",
    "SCOPE": "offence, record or final_sentence", "EQUAL": "`=`", "$END": "end of file",
}


def _expected(exp: set[str]) -> str:
    names = sorted(_TOKEN_RU.get(e, f"`{e.lower()}`") for e in exp if not e.startswith("__"))
    if len(names) > 8:
        return ", ".join(names[:8]) + ", …"
    return ", ".join(names)


def _syntax_diag(file: str, err: UnexpectedInput, source: str) -> Diagnostic:
    line = getattr(err, "line", 0) or 0
    col = getattr(err, "column", 0) or 0
    span = Span(file, line, col, line, col + 1)
    if isinstance(err, UnexpectedEOF):
        rows = source.splitlines() or [""]
        span = Span(file, len(rows), len(rows[-1]) + 1)
        return Diagnostic("E002", "the file ends in the middle of a statement", span,
                          hint="a rule's clauses are enclosed in { … }: is a closing `}` or a quote missing?")
    if isinstance(err, UnexpectedCharacters):
        ch = source[err.pos_in_stream] if 0 <= err.pos_in_stream < len(source) else "?"
        hint = "names use latin letters, digits and `_`; Russian text goes in double quotes"
        if ch == "'":
            hint = "strings use double quotes \"…\""
        return Diagnostic("E003", f"unexpected character {ch!r}", span, hint=hint)
    if isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            rows = source.splitlines() or [""]
            return Diagnostic("E002", "the file ends in the middle of a statement",
                              Span(file, len(rows), len(rows[-1]) + 1),
                              hint="a rule's clauses are enclosed in { … }: is a closing `}` missing?")
        width = max(1, len(str(tok)))
        span = Span(file, tok.line, tok.column, tok.line, tok.column + width)
        exp = set(err.expected or ())
        hint = f"expected {_expected(exp)}" if exp else None
        if "RULE_ID" in exp and tok.type == "NAME":
            hint = "a rule id is lowercase words joined by hyphens, e.g. attempt-term-cap"
        elif exp & {"TITLE", "WHEN", "VIOLATION"} and tok.type in ("NAME", "RULE_ID"):
            hint = f"`{tok}` is not a clause; clauses are: " + ", ".join(c.replace("_", " ") for c in CLAUSES)
        return Diagnostic("E001", f"unexpected `{tok}`", span, hint=hint)
    return Diagnostic("E001", str(err).splitlines()[0], span)


def parse_text(source: str, file: str = "<text>") -> tuple[A.RuleFile | None, list[Diagnostic]]:
    try:
        tree = _parser().parse(source, start="start")
    except UnexpectedInput as err:
        return None, [_syntax_diag(file, err, source)]
    except RecursionError:
        return None, [Diagnostic("E001", "expression nested too deeply", Span(file, 1, 1))]
    try:
        return _ToAst(file, source).transform(tree), []
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, _Bad):
            return None, [inner.diag]
        return None, [Diagnostic("E001", f"cannot read this rule file: {inner}", Span(file, 1, 1))]
    except _Bad as bad:
        return None, [bad.diag]
    except RecursionError:
        return None, [Diagnostic("E001", "expression nested too deeply", Span(file, 1, 1))]


def parse_expr(source: str, file: str = "<expr>") -> tuple[A.Expr | None, list[Diagnostic]]:
    try:
        tree = _parser().parse(source, start="expr")
        return _ToAst(file, source).transform(tree), []
    except UnexpectedInput as err:
        return None, [_syntax_diag(file, err, source)]
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, _Bad):
            return None, [inner.diag]
        return None, [Diagnostic("E001", str(inner), Span(file, 1, 1))]
    except RecursionError:
        return None, [Diagnostic("E001", "expression nested too deeply", Span(file, 1, 1))]


def is_tree(x) -> bool:  # pragma: no cover - debugging helper
    return isinstance(x, Tree)
