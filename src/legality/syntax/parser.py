"""Rule text → surface AST, or diagnostics.  Never raises on any input.

One cached LALR parser (the grammar ships in `grammar/legality.lark`); every Lark error becomes a
`Diagnostic` with file:line:column and a hint written for a lawyer, not a parser author.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta

from ..diagnostics import Diagnostic, Span
from ..i18n import N_, _
from ..resources import GRAMMAR_FILE
from . import ast as A


_LARK_OPTIONS: dict[str, Any] = dict(parser="lalr", start=["start", "expr"], propagate_positions=True, maybe_placeholders=True)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The LALR parser, its tables reused from the per-user cache (`legality.cache`) when present.

    Why a cache at all: building the tables takes ~0.15 s, loading them ~0.015 s, and every command
    and every scan worker builds a parser.  Why not Lark's own `cache=True`: it loads a pickle from a
    predictable name in the shared temp folder, written by anyone (red-team F01).
    """
    import io
    import sys

    import lark

    from .. import cache

    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    store = cache.Cache.open()
    name = cache.entry_name("grammar", text, lark.__version__, sys.version, repr(sorted(_LARK_OPTIONS.items())))
    blob = store.get(name) if store is not None else None
    if blob is not None:
        try:
            return Lark.load(io.BytesIO(blob))
        except Exception:  # noqa: BLE001 - a verified entry from another lark build: rebuild it
            pass
    parser = Lark(text, cache=False, **_LARK_OPTIONS)
    if store is not None:
        buf = io.BytesIO()
        parser.save(buf)
        store.put(name, buf.getvalue())
    return parser


class _Bad(Exception):
    def __init__(self, diag: Diagnostic):
        self.diag = diag


def _span(file: str, meta_or_tok: Meta | Token) -> Span:
    m = meta_or_tok
    if isinstance(m, Token):
        return Span(file, m.line or 0, m.column or 0, m.end_line, m.end_column)
    if getattr(m, "empty", False):
        return Span(file, 0, 0)
    return Span(file, m.line, m.column, m.end_line, m.end_column)


def _unquote(tok: Token, file: str) -> str:
    try:
        text: str = json.loads(str(tok))
    except ValueError:
        raise _Bad(Diagnostic("E006", _("invalid string literal {literal}").format(literal=tok), _span(file, tok),
                              hint=_('strings use double quotes; escape a quote as \\" and a backslash as \\\\')))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # json.loads accepts "\ud800"; no report, file or terminal can write such a string (F06)
        raise _Bad(Diagnostic("E006", _("the string holds half of a character (a lone \\uD800–\\uDFFF escape)"),
                              _span(file, tok),
                              hint=_("write the character itself; \\uD800–\\uDFFF escapes are valid only as a pair")))
    return text


MAX_DIGITS = 15  # far above any term, amount or count in the Code; keeps every value exact in JSON and floats


def _digits(tok: Token, file: str, text: str | None = None) -> str:
    s = str(tok) if text is None else text
    if any(len(part) > MAX_DIGITS for part in s.split(".")):
        raise _Bad(Diagnostic("E006", _("number too long: {n} digits").format(n=len(s.replace('.', ''))), _span(file, tok),
                              hint=_("numbers in rules have at most {n} digits before and after the point").format(
                                  n=MAX_DIGITS)))
    return s


def _int(tok: Token, file: str) -> int:
    return int(_digits(tok, file))


def _date(tok: Token, file: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(tok))
    except ValueError:
        raise _Bad(Diagnostic("E006", _("no such date: {date}").format(date=tok), _span(file, tok),
                              hint=_("dates are written YYYY-MM-DD")))


# ---- nesting limit

MAX_NESTING = 100
# quantifiers inside quantifiers: the work per record grows as (items per list) ** depth, so a deep
# nest over a record's offences never finishes; 4 covers every real pairing/triple of offences
MAX_QUANT_NESTING = 4
# tree nodes that are not a level of an expression (statements, clauses, argument lists)
_NOT_LEVELS = frozenset({
    "start", "import_stmt", "define_stmt", "scope", "rule_stmt", "title", "severity", "cite", "cite_item",
    "in_force", "by_date", "tags", "let", "when", "needs", "unless", "overrides", "violation", "actual", "allowed",
    "allowed_map", "allowed_entry", "message", "facts", "args", "term_lit", "expr", "text",
})


def _too_deep(tree: Tree[Token], file: str, base: Span | None = None) -> Diagnostic | None:
    """The first place (in reading order) where an expression is nested more than MAX_NESTING levels.

    Why a limit: every later pass (tree transform, checker, code generation, formatter) walks an
    expression recursively; without a limit a deep enough rule ends in a Python RecursionError with no
    position.  Measured here, on the parse tree, before any of them runs.
    """
    stack: list[tuple[Tree[Token], int, int]] = [(tree, 0, 0)]
    while stack:
        t, depth, quants = stack.pop()
        if str(t.data) not in _NOT_LEVELS:
            depth += 1
            if depth > MAX_NESTING:
                span = base or _span(file, t.meta)
                return Diagnostic("E009", _("expression nested too deeply (more than {n} levels)").format(n=MAX_NESTING), span,
                                  hint=_("split it: give inner parts their own names with `define` or `let`"))
        if t.data == "quant":  # `any x in list: …`; `max(a, b)` is a call, not a loop
            quants += 1
            if quants > MAX_QUANT_NESTING:
                span = base or _span(file, t.meta)
                return Diagnostic("E009", _("quantifiers nested too deeply (more than {n} inside each other): the work grows "
                                    "as the number of items to that power").format(n=MAX_QUANT_NESTING), span,
                                  hint=_("compute the inner quantifier once with `define … for offence` and use its "
                                         "name"))
        stack.extend((c, depth, quants) for c in reversed(t.children) if isinstance(c, Tree))
    return None


CLAUSES = ("title", "severity", "cite", "in_force", "tags", "let", "when", "needs", "unless", "overrides",
           "violation", "actual", "allowed", "message", "facts")
_SINGLE = {"title", "severity", "in_force", "violation", "actual", "allowed", "message"}
# a clause's Kazakh text travels with it (kind, value, span, kk) and lands in this field of `A.Rule`
_KK_FIELD = {"title": "title_kk", "message": "message_kk"}
# what a clause method hands to `rule_stmt`: (kind, value, where the clause stood[, its Kazakh text])
_Clause = tuple[Any, ...]
# a text and its Kazakh translation as written (`"…" kk "…"`): the string tokens
_RawText = tuple[Token, Token | None]


@v_args(meta=True, inline=True)
class _ToAst(Transformer[Token, Any]):
    def __init__(self, file: str, source: str) -> None:
        super().__init__()
        self.file = file
        self.source = source

    def sp(self, meta: Meta) -> Span:
        return _span(self.file, meta)

    # ---- file
    @v_args(meta=True, inline=False)
    def start(self, meta: Meta, items: list[A.Import | A.Define | A.Rule]) -> A.RuleFile:
        return A.RuleFile(self.file, tuple(items))

    def import_stmt(self, meta: Meta, s: Token) -> A.Import:
        return A.Import(_unquote(s, self.file), self.sp(meta))

    def define_stmt(self, meta: Meta, name: Token, label: _RawText | None, scope: str | None, expr: A.Expr) -> A.Define:
        ru, kk = self._texts(label)
        return A.Define(str(name), ru, scope or "record", expr, self.sp(meta), label_kk=kk)

    def text(self, meta: Meta, ru: Token, kk: Token | None) -> _RawText:
        return (ru, kk)

    def _texts(self, t: _RawText | None) -> tuple[str | None, str | None]:
        if t is None:
            return None, None
        return _unquote(t[0], self.file), (_unquote(t[1], self.file) if t[1] is not None else None)

    def bilingual(self, meta: Meta, ru: Token, kk: Token) -> A.Literal:
        return A.Literal(_unquote(ru, self.file), None, self.sp(meta), kk=_unquote(kk, self.file))

    def scope(self, meta: Meta, tok: Token) -> str:
        return str(tok)

    @v_args(meta=True, inline=False)
    def rule_stmt(self, meta: Meta, children: list[Any]) -> A.Rule:
        rid, scope, *clauses = children
        fields: dict[str, Any] = {"lets": [], "whens": [], "needs": [], "unlesses": [], "cites": [], "tags": [], "overrides": [], "facts": []}
        spans: list[tuple[str, Span]] = []
        for kind, value, span, *extra in clauses:
            spans.append((kind, span))
            if kind in _KK_FIELD and kind not in fields and extra and extra[0] is not None:
                fields[_KK_FIELD[kind]] = extra[0]
            if kind == "allowed" and kind not in fields:
                fields["allowed_key_spans"] = extra[1] if len(extra) > 1 else ()
            if kind in _SINGLE:
                if kind in fields:
                    raise _Bad(Diagnostic("E007", _("clause `{clause}` appears twice in rule {rule}").format(
                        clause=kind.replace('_', ' '), rule=rid), span,
                        hint=_("a rule has one title, severity, in force, violation, actual, allowed and message")))
                fields[kind] = value
            elif kind == "let":
                fields["lets"].append(value)
            elif kind == "when":
                fields["whens"].append(value)
            elif kind == "needs":
                fields["needs"].append(value)
            elif kind == "unless":
                fields["unlesses"].append(value)
            else:  # cite, tags, overrides, facts: lists
                fields[{"cite": "cites"}.get(kind, kind)].extend(value)
        for k in ("lets", "whens", "needs", "unlesses", "cites", "tags", "overrides", "facts"):
            fields[k] = tuple(fields[k])
        return A.Rule(str(rid), scope or "record", span=self.sp(meta), clause_spans=tuple(spans), **fields)

    # ---- clauses: (kind, value, span)
    def title(self, meta: Meta, t: _RawText) -> _Clause:
        ru, kk = self._texts(t)
        return ("title", ru, self.sp(meta), kk)

    def severity(self, meta: Meta, tok: Token) -> _Clause:
        return ("severity", str(tok), self.sp(meta))

    @v_args(meta=True, inline=False)
    def cite(self, meta: Meta, items: list[A.Expr]) -> _Clause:
        return ("cite", [i for i in items], self.sp(meta))

    def cite_item(self, meta: Meta, expr: A.Expr) -> A.Expr:
        return expr

    def in_force(self, meta: Meta, _kw: Token, start: Token, until: Token | None, basis: str | None) -> _Clause:
        s = _date(start, self.file)
        u = _date(until, self.file) if until else None
        return ("in_force", A.InForce(s, u, basis or "offence", self.sp(meta)), self.sp(meta))

    def by_date(self, meta: Meta, tok: Token) -> str:
        return str(tok)

    @v_args(meta=True, inline=False)
    def tags(self, meta: Meta, toks: list[Token]) -> _Clause:
        return ("tags", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def let(self, meta: Meta, name: Token, label: _RawText | None, expr: A.Expr) -> _Clause:
        ru, kk = self._texts(label)
        return ("let", A.Let(str(name), ru, expr, self.sp(meta), label_kk=kk), self.sp(meta))

    def when(self, meta: Meta, e: A.Expr) -> _Clause:
        return ("when", e, self.sp(meta))

    def needs(self, meta: Meta, e: A.Expr, label: _RawText | None) -> _Clause:
        ru, kk = self._texts(label)
        need = A.Need(e, ru, self.sp(meta), label_kk=kk)
        return ("needs", need, self.sp(meta))

    def unless(self, meta: Meta, e: A.Expr) -> _Clause:
        return ("unless", e, self.sp(meta))

    @v_args(meta=True, inline=False)
    def overrides(self, meta: Meta, toks: list[Token]) -> _Clause:
        return ("overrides", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def violation(self, meta: Meta, e: A.Expr) -> _Clause:
        return ("violation", e, self.sp(meta))

    def actual(self, meta: Meta, e: A.Expr) -> _Clause:
        return ("actual", e, self.sp(meta))

    def allowed(self, meta: Meta, body: A.Expr | list[tuple[str, A.Expr, Span]]) -> _Clause:
        if isinstance(body, list):  # a map: its entries, and where each key stands
            return ("allowed", tuple((k, e) for k, e, _ in body), self.sp(meta), None, tuple(sp for _, _, sp in body))
        return ("allowed", body, self.sp(meta))

    @v_args(meta=True, inline=False)
    def allowed_map(self, meta: Meta, entries: list[tuple[str, A.Expr, Span]]) -> list[tuple[str, A.Expr, Span]]:
        return list(entries)

    def allowed_entry(self, meta: Meta, key: Token, e: A.Expr) -> tuple[str, A.Expr, Span]:
        return (str(key), e, _span(self.file, key))

    def message(self, meta: Meta, t: _RawText) -> _Clause:
        ru, kk = t
        return ("message", self._template(ru), self.sp(meta), self._template(kk) if kk is not None else None)

    @v_args(meta=True, inline=False)
    def facts(self, meta: Meta, toks: list[Token]) -> _Clause:
        return ("facts", [A.Ident(str(t), _span(self.file, t)) for t in toks], self.sp(meta))

    def _template(self, tok: Token) -> A.Template:
        raw = _unquote(tok, self.file)
        parts: list[str | A.Expr] = []
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
                    raise _Bad(Diagnostic("E113", _("unclosed `{{` in message").format(), _span(self.file, tok),
                                          hint=_("write {{name}} to insert a value, {{{{ for a literal brace").format()))
                if buf:
                    parts.append(buf)
                    buf = ""
                hole = raw[i + 1:j].strip()
                deep = None
                try:
                    tree = _parser().parse(hole, start="expr")
                    deep = _too_deep(tree, self.file, _span(self.file, tok))
                    if deep is None:
                        expr: A.Expr = _ToAst(self.file, hole).transform(tree)
                except (UnexpectedInput, VisitError, _Bad):
                    raise _Bad(Diagnostic("E113", _("cannot read `{{{hole}}}` in message").format(hole=hole), _span(self.file, tok),
                                          hint=_("a hole holds an expression such as {{cap}} or "
                                                 "{{offence.sentence.principal.term}}").format()))
                if deep is not None:
                    raise _Bad(deep)
                parts.append(_respan(expr, _span(self.file, tok)))
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
    def if_expr(self, meta: Meta, c: A.Expr, a: A.Expr, b: A.Expr) -> A.If:
        return A.If(c, a, b, self.sp(meta))

    def or_op(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("or", a, b, self.sp(meta))

    def and_op(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("and", a, b, self.sp(meta))

    def not_op(self, meta: Meta, a: A.Expr) -> A.Unary:
        return A.Unary("not", a, self.sp(meta))

    def compare(self, meta: Meta, a: A.Expr, op: Token, b: A.Expr) -> A.Binary:
        return A.Binary(str(op), a, b, self.sp(meta))

    def eq(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("=", a, b, self.sp(meta))

    def in_op(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("in", a, b, self.sp(meta))

    def not_in_op(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("not in", a, b, self.sp(meta))

    def is_missing(self, meta: Meta, a: A.Expr) -> A.Presence:
        return A.Presence(a, False, self.sp(meta))

    def is_present(self, meta: Meta, a: A.Expr) -> A.Presence:
        return A.Presence(a, True, self.sp(meta))

    def add(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("+", a, b, self.sp(meta))

    def sub(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("-", a, b, self.sp(meta))

    def of_op(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("of", a, b, self.sp(meta))

    def mul(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("*", a, b, self.sp(meta))

    def div(self, meta: Meta, a: A.Expr, b: A.Expr) -> A.Binary:
        return A.Binary("/", a, b, self.sp(meta))

    def neg(self, meta: Meta, a: A.Expr) -> A.Unary:
        return A.Unary("-", a, self.sp(meta))

    def member(self, meta: Meta, obj: A.Expr, name: Token) -> A.Member:
        return A.Member(obj, str(name), self.sp(meta))

    def method(self, meta: Meta, obj: A.Expr, name: Token, args: list[A.Expr] | None) -> A.Method:
        return A.Method(obj, str(name), tuple(args or ()), self.sp(meta))

    def index(self, meta: Meta, obj: A.Expr, key: A.Expr) -> A.Index:
        return A.Index(obj, key, self.sp(meta))

    def name(self, meta: Meta, tok: Token) -> A.Name:
        return A.Name(str(tok), self.sp(meta))

    def call(self, meta: Meta, tok: Token, args: list[A.Expr] | None) -> A.Call:
        return A.Call(str(tok), tuple(args or ()), self.sp(meta))

    def qcall(self, meta: Meta, tok: Token, args: list[A.Expr] | None) -> A.Call:
        return A.Call(str(tok), tuple(args or ()), self.sp(meta))

    def fired(self, meta: Meta, tok: Token) -> A.Fired:
        return A.Fired(str(tok), self.sp(meta))

    def quant(self, meta: Meta, kind: Token, var: Token, iterable: A.Expr, body: A.Expr) -> A.Quant:
        return A.Quant(str(kind), str(var), iterable, body, self.sp(meta))

    def int_lit(self, meta: Meta, tok: Token) -> A.Literal:
        return A.Literal(_int(tok, self.file), None, self.sp(meta))

    def dec_lit(self, meta: Meta, tok: Token) -> A.Literal:
        return A.Literal(Fraction(_digits(tok, self.file)), None, self.sp(meta))

    @v_args(meta=True, inline=False)
    def term_lit(self, meta: Meta, toks: list[Token]) -> A.Literal:
        y = m = d = 0
        for tok, unit in zip(toks[::2], toks[1::2]):
            n = _int(tok, self.file)
            u = str(unit)
            if u.startswith("year"):
                y += n
            elif u.startswith("month"):
                m += n
            else:
                d += n
        return A.Literal((y, m, d), "term", self.sp(meta))

    def qty_lit(self, meta: Meta, n: Token, unit: Token) -> A.Literal:
        u = str(unit)
        return A.Literal(_int(n, self.file), "hours" if u.startswith("hour") else u, self.sp(meta))

    def str_lit(self, meta: Meta, tok: Token) -> A.Literal:
        return A.Literal(_unquote(tok, self.file), None, self.sp(meta))

    def date_lit(self, meta: Meta, tok: Token) -> A.Literal:
        return A.Literal(_date(tok, self.file), None, self.sp(meta))

    def true_lit(self, meta: Meta) -> A.Literal:
        return A.Literal(True, None, self.sp(meta))

    def false_lit(self, meta: Meta) -> A.Literal:
        return A.Literal(False, None, self.sp(meta))

    def set_lit(self, meta: Meta, args: list[A.Expr] | None) -> A.SetLit:
        return A.SetLit(tuple(args or ()), self.sp(meta))

    @v_args(meta=True, inline=False)
    def args(self, meta: Meta, items: list[A.Expr]) -> list[A.Expr]:
        return list(items)


def _respan(expr: A.Expr, span: Span) -> A.Expr:
    """Holes of a message template point at the message string (their own offsets are relative)."""
    import dataclasses

    changes: dict[str, object] = {}
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

# Lark's terminal names → what a rule author reads (English message ids, translated where shown)
_TOKEN_NAMES = {
    "RBRACE": "`}`", "LBRACE": "`{`", "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`", "COLON": "`:`",
    "LSQB": "`[`", "RSQB": "`]`", "DOT": "`.`", "PLUS": "`+`", "MINUS": "`-`", "STAR": "`*`", "SLASH": "`/`",
    "EQUAL": "`=`", "CMP_OP": "`<`, `<=`, `>`, `>=`, `!=`",
    "STRING": N_("a quoted string"), "NAME": N_("a name"), "RULE_ID": N_("a rule id (words joined by hyphens)"),
    "DATE": N_("a date YYYY-MM-DD"), "INT": N_("a number"), "DECIMAL": N_("a number"),
    "SEVERITY": N_("high, medium or low"), "SCOPE": N_("offence, record or final_sentence"),
    "QUANT": "`any`, `all`, `count`, `sum`, `max`, `min`", "UNIT": "`mrp`, `hours`",
    "TERM_UNIT": "`years`, `months`, `days`", "IN_FORCE": "`in force`", "DATE_BASIS": "`offence`, `verdict`",
    "$END": N_("end of file"),
}

# the slips of a Russian-speaking author: a unit, a keyword or a severity written in Russian
_RU_UNITS = {
    "мрп": "mrp", "мрп.": "mrp", "часов": "hours", "часа": "hours", "час": "hour", "ч": "hours",
    "год": "year", "года": "years", "лет": "years", "г": "years",
    "месяц": "month", "месяца": "months", "месяцев": "months", "мес": "months",
    "день": "day", "дня": "days", "дней": "days", "сутки": "days", "суток": "days", "сут": "days",
}
_RU_KEYWORDS = {
    "если": "when", "и": "and", "или": "or", "не": "not", "то": "then", "тогда": "then", "иначе": "else",
    "в": "in", "да": "true", "нет": "false", "истина": "true", "ложь": "false", "кроме": "unless",
    "правило": "rule", "нарушение": "violation", "определить": "define", "импорт": "import",
}
_RU_SEVERITY = {"высокая": "high", "высокий": "high", "средняя": "medium", "средний": "medium",
                "низкая": "low", "низкий": "low"}
# operators of other languages → the rule language's own
_OTHER_OPS = {"&&": "and", "&": "and", "||": "or", "|": "or", "!": "not"}
_OTHER_WORDS = {"AND": "and", "OR": "or", "NOT": "not", "True": "true", "False": "false", "TRUE": "true",
                "FALSE": "false", "IF": "if", "WHEN": "when"}
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER_BEFORE = re.compile(r"(\d+)\s*$")


def _expected(exp: set[str]) -> str:
    names = sorted({_(_TOKEN_NAMES[e]) if e in _TOKEN_NAMES else f"`{e.lower()}`"
                    for e in exp if not e.startswith("__")})
    if len(names) > 8:
        return ", ".join(names[:8]) + ", …"
    return ", ".join(names)


def _russian_word(file: str, source: str, pos: int, span: Span, allowed: set[str]) -> Diagnostic | None:
    """A unit, keyword or severity written in Russian where the rule language wants its own word."""
    m = _WORD.match(source, pos)
    if m is None:
        return None
    word = m.group(0)
    key = word.lower()
    span = Span(span.file, span.line, span.column, span.line, span.column + len(word))
    if key in _RU_UNITS:
        unit = _RU_UNITS[key]
        n = _NUMBER_BEFORE.search(source, 0, pos)
        fix = f"{n.group(1)} {unit}" if n else unit
        return Diagnostic("E003", _("unit «{word}» written in Russian").format(word=word), span,
                          hint=_("write the unit as the rule language spells it: `{fix}`").format(fix=fix))
    if key in _RU_SEVERITY:
        return Diagnostic("E003", _("severity «{word}» written in Russian").format(word=word), span,
                          hint=_("severity is `high`, `medium` or `low`: here `{fix}`").format(fix=_RU_SEVERITY[key]))
    if key in _RU_KEYWORDS:
        kw = _RU_KEYWORDS[key]
        if kw == "when" and "WHEN" not in allowed and "IF" in allowed:
            kw = "if"
        return Diagnostic("E003", _("keyword «{word}» written in Russian").format(word=word), span,
                          hint=_("keywords are English words: write `{keyword}` instead of «{word}»").format(
                              keyword=kw, word=word))
    return None


def _syntax_diag(file: str, err: UnexpectedInput, source: str) -> Diagnostic:
    line = getattr(err, "line", 0) or 0
    col = getattr(err, "column", 0) or 0
    span = Span(file, line, col, line, col + 1)
    hint: str | None
    if isinstance(err, UnexpectedEOF):
        rows = source.splitlines() or [""]
        span = Span(file, len(rows), len(rows[-1]) + 1)
        return Diagnostic("E002", _("the file ends in the middle of a statement"), span,
                          hint=_("a rule's clauses are enclosed in {{ … }}: is a closing `}}` or a quote "
                                 "missing?").format())
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream  # lark declares it None at class level; the lexer always sets it
        ch = source[pos] if pos is not None and 0 <= pos < len(source) else "?"
        if pos is not None and ch.isalpha() and not ch.isascii():
            slip = _russian_word(file, source, pos, span, set(err.allowed or ()))
            if slip is not None:
                return slip
        if pos is not None and ch in "&|!":
            typed = source[pos:pos + 2] if source[pos:pos + 2] in _OTHER_OPS else ch
            span = Span(file, line, col, line, col + len(typed))
            return Diagnostic("E003", _("unexpected character {char}").format(char=repr(ch)), span,
                              hint=_("the rule language writes `{op}` for `{typed}`").format(
                                  op=_OTHER_OPS[typed], typed=typed))
        hint = _("names use latin letters, digits and `_`; Russian text goes in double quotes")
        if ch == "'":
            hint = _("strings use double quotes \"…\"")
        return Diagnostic("E003", _("unexpected character {char}").format(char=repr(ch)), span, hint=hint)
    if isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            rows = source.splitlines() or [""]
            return Diagnostic("E002", _("the file ends in the middle of a statement"),
                              Span(file, len(rows), len(rows[-1]) + 1),
                              hint=_("a rule's clauses are enclosed in {{ … }}: is a closing `}}` missing?").format())
        width = max(1, len(str(tok)))
        span = Span(file, tok.line, tok.column, tok.line, tok.column + width)
        exp = set(err.expected or ())
        hint = _("expected {tokens}").format(tokens=_expected(exp)) if exp else None
        before = source[tok.start_pos - 1] if tok.start_pos else ""
        if str(tok) == "=" and before == "=":
            span = Span(file, tok.line, tok.column - 1, tok.line, tok.column + 1)
            hint = _("equality is a single `=`: write `a = b`, not `a == b`")
        elif str(tok) == ">" and before == "<":
            span = Span(file, tok.line, tok.column - 1, tok.line, tok.column + 1)
            hint = _("“not equal” is written `!=`")
        elif tok.type == "NAME" and str(tok) in _OTHER_WORDS:
            hint = _("keywords are lowercase: write `{keyword}`").format(keyword=_OTHER_WORDS[str(tok)])
        elif "RULE_ID" in exp and tok.type == "NAME":
            hint = _("a rule id is lowercase words joined by hyphens, e.g. attempt-term-cap")
        elif exp & {"TITLE", "WHEN", "VIOLATION"} and tok.type in ("NAME", "RULE_ID"):
            hint = _("`{word}` is not a clause; clauses are: {clauses}").format(
                word=tok, clauses=", ".join(c.replace("_", " ") for c in CLAUSES))
        return Diagnostic("E001", _("unexpected `{token}`").format(token=tok), span, hint=hint)
    return Diagnostic("E001", str(err).splitlines()[0], span)


def parse_text(source: str, file: str = "<text>") -> tuple[A.RuleFile | None, list[Diagnostic]]:
    try:
        tree = _parser().parse(source, start="start")
    except UnexpectedInput as err:
        return None, [_syntax_diag(file, err, source)]
    except RecursionError:
        return None, [_deep_anyway(file)]
    deep = _too_deep(tree, file)
    if deep is not None:
        return None, [deep]
    try:
        return _ToAst(file, source).transform(tree), []
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, _Bad):
            return None, [inner.diag]
        return None, [Diagnostic("E001", _("cannot read this rule file: {error}").format(error=inner), Span(file, 1, 1))]
    except _Bad as bad:
        return None, [bad.diag]
    except RecursionError:
        return None, [_deep_anyway(file)]


def _deep_anyway(file: str) -> Diagnostic:
    """Last guard: the nesting limit should stop this first; there is no position to give."""
    return Diagnostic("E009", _("expression nested too deeply"), Span(file, 1, 1),
                      hint=_("split it: give inner parts their own names with `define` or `let`"))


def parse_expr(source: str, file: str = "<expr>") -> tuple[A.Expr | None, list[Diagnostic]]:
    try:
        tree = _parser().parse(source, start="expr")
        deep = _too_deep(tree, file)
        if deep is not None:
            return None, [deep]
        return _ToAst(file, source).transform(tree), []
    except UnexpectedInput as err:
        return None, [_syntax_diag(file, err, source)]
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, _Bad):
            return None, [inner.diag]
        return None, [Diagnostic("E001", str(inner), Span(file, 1, 1))]
    except RecursionError:
        return None, [_deep_anyway(file)]


def is_tree(x: object) -> bool:  # pragma: no cover - debugging helper
    return isinstance(x, Tree)
