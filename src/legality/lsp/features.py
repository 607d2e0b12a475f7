"""What the editor asks for, answered from an analysis: diagnostics, hover, definition, completion, outline.

Why here and apart from the server: each answer is a function of a compiled rule set and a position,
so it is tested without a client; the server only converts positions and sends the results.

Positions: the compiler counts 1-based lines and columns in characters; LSP counts 0-based lines and
columns in the units the client negotiated (UTF-16 by default: a character outside the Basic
Multilingual Plane is two).  `Coder` converts between them with the text of the line.

Texts for people go through `legality.i18n._`: English message ids (this is the rule author's view,
like the compiler's diagnostics), translated in `locale/{ru,kk}/lsp.po`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types as L

from ..diagnostics import Diagnostic, Severity, Span, display_path
from ..i18n import N_, _, language
from ..resolve import schema as S
from ..resolve.ir import LetDef, Node, Op
from ..resolve.names import FUNCTIONS, SCOPES
from ..resolve.types import ANY, EnumT, LawT, ListT, RecT, SetT, T
from ..syntax import ast as A
from .index import Lines, Target, index_of
from .ruleset import Analysis, absolute, norm

SOURCE = "legality"
SEVERITY = {Severity.error: L.DiagnosticSeverity.Error, Severity.warning: L.DiagnosticSeverity.Warning,
            Severity.note: L.DiagnosticSeverity.Information}

# the rule language's keywords (grammar/legality.lark), by where they may stand
TOP_KEYWORDS = ("rule", "define", "import")
CLAUSE_KEYWORDS = ("title", "severity", "cite", "in force from", "tags", "let", "when", "needs", "unless",
                   "overrides", "violation", "actual", "allowed", "message", "facts")
EXPR_KEYWORDS = ("and", "or", "not", "if", "then", "else", "in", "is missing", "is present", "of", "true", "false",
                 "fired", "any", "all", "count", "sum", "max", "min")
SEVERITIES = ("high", "medium", "low")
# the records a path can reach, and the words of their fields (`words.fields` names ArticleRef differently)
_FIELDS_MODEL = {"ArticleRef": "ArticleRefModel"}
_ROOT_DOC = {  # English message ids, translated where shown
    "verdict": N_("the verdict record"), "defendant": N_("the defendant"),
    "offences": N_("the offences of the verdict"), "final": N_("the final sentence (as `final_sentence`)"),
    "final_sentence": N_("the final sentence"), "procedure": N_("the procedure of the case"),
    "offence": N_("the offence the rule or fact is evaluated for"),
    "sentence": N_("the sentence of this offence (`for offence`) or the final sentence (`for final_sentence`)"),
    "law": N_("the General Part parameters of the law catalogue, dated by the offence date"),
}


# ---------------------------------------------------------------------------------------------
# positions


@dataclass(frozen=True)
class Coder:
    """Columns in the client's units (`utf-8`, `utf-16`, `utf-32`) ⇄ the compiler's characters."""

    encoding: str = "utf-16"

    def units(self, s: str) -> int:
        if self.encoding == "utf-8":
            return len(s.encode("utf-8", "surrogatepass"))
        if self.encoding == "utf-32":
            return len(s)
        return len(s.encode("utf-16-le", "surrogatepass")) // 2

    def column(self, line: str, character: int) -> int:
        """The 1-based character column of a client position on `line`."""
        n = 0
        for i, ch in enumerate(line):
            if n >= character:
                return i + 1
            n += self.units(ch)
        return len(line) + 1

    def position(self, lines: Lines | None, line: int, column: int) -> L.Position:
        if lines is None:
            return L.Position(line=max(line - 1, 0), character=max(column - 1, 0))
        text = lines.line(line)
        return L.Position(line=max(line - 1, 0), character=self.units(text[: max(column - 1, 0)]))

    def range(self, lines: Lines | None, span: Span) -> L.Range:
        start = self.position(lines, span.line, span.column)
        if span.end_line is None or span.end_column is None:
            end = self.position(lines, span.line, span.column + 1)
        else:
            end = self.position(lines, span.end_line, span.end_column)
        return L.Range(start=start, end=end)


def uri_of(path: Path) -> str:
    return norm(path).as_uri()


def _lines_of(a: Analysis, file: str) -> Lines | None:
    text = a.text_of(file)
    return Lines(text) if text is not None else None


# ---------------------------------------------------------------------------------------------
# diagnostics


def diagnostic(a: Analysis, d: Diagnostic, coder: Coder, uris: dict[Path, str] | None = None) -> L.Diagnostic:
    """A compiler diagnostic as LSP's: its span, code, severity, message with the hint, related places."""
    lines = _lines_of(a, d.span.file) if d.span is not None else None
    rng = coder.range(lines, d.span) if d.span is not None and d.span.line > 0 else L.Range(
        start=L.Position(line=0, character=0), end=L.Position(line=0, character=0))
    message = d.message
    if d.hint:
        message += "\n" + _("hint") + ": " + d.hint  # as `legality check` prints it
    related = []
    for label, sp in d.related:
        where = absolute(sp.file)
        uri = (uris or {}).get(where) or uri_of(where)
        related.append(L.DiagnosticRelatedInformation(
            location=L.Location(uri=uri, range=coder.range(_lines_of(a, sp.file), sp)), message=label))
    return L.Diagnostic(range=rng, message=message, severity=SEVERITY[d.level], code=d.code, source=SOURCE,
                        related_information=related or None)


# ---------------------------------------------------------------------------------------------
# hover


def hover(a: Analysis, file: str, line: int, column: int, today: dt.date | None = None) -> tuple[str, Span] | None:
    """Markdown about what stands at (line, column) of a file of the set, and the span it covers."""
    idx = index_of(a, file)
    t = idx.at(line, column)
    if t is None:
        return None
    text = describe(a, t, today or _today())
    return (text, t.span) if text else None


def describe(a: Analysis, t: Target, today: dt.date) -> str | None:
    if t.kind == "fact":
        return _fact_text(a, t.name)
    if t.kind == "rule":
        return _rule_text(a, t.name)
    if t.kind == "law":
        return _law_text(a, t.name, today)
    if t.kind == "lawns":
        return _law_namespace_text(a, t.name)
    if t.kind == "member":
        rec, name = t.name.split(".", 1)
        return _member_text(rec, name)
    if t.kind == "method":
        rec, name = t.name.split(".", 1)
        spec = S.METHODS.get(rec, {}).get(name)
        if spec is None:
            return None
        params = ", ".join(_type(p) for p in spec.params)
        return f"```legality\n{rec}.{name}({params}) : {spec.result}\n```\n\n{spec.doc}"
    if t.kind == "root":
        return _root_text(t)
    if t.kind == "let":
        return _let_text(a, t)
    if t.kind == "var":
        typ = t.node.type if t.node is not None else ANY
        return _("quantifier variable `{name}`: {type}").format(name=t.name, type=f"`{_type(typ)}`")
    if t.kind == "call":
        doc = FUNCTIONS.get(t.name)
        result = f" : `{_type(t.node.type)}`" if t.node is not None else ""
        return f"**{t.name}**(…){result}\n\n{doc}" if doc else None
    if t.kind == "enum":
        return _enum_text(t)
    if t.kind == "import":
        return _("imports the facts of `{file}`").format(file=t.name)
    if t.kind == "cite":
        return _cite_text(a, t.name)
    return None


def _cite_text(a: Analysis, text: str) -> str | None:
    """A citation in words, with the article's title (and repeal) from the law catalogue."""
    from ..model.values import Citation
    from ..words import cite

    try:
        c = Citation.parse(text)
    except ValueError:
        return None
    out = [f"**{cite(c)}**"]
    cat = a.unit.catalogue
    if cat is not None and c.act == "УК РК":
        title = cat.article_title(c.ref.article)
        general = getattr(cat, "general_article", lambda _a: None)(c.ref.article)
        if not title and general is not None:  # the General Part: its title from the outline (rules/law/outline/)
            title = general.title
        if title:
            out.append(f"«{title}»")
        repealed = cat.article_repealed(c.ref.article)
        if repealed:
            out.append(repealed)
    return "\n\n".join(out)


def _today() -> dt.date:
    """The office's date (`LEGALITY_TZ`); the machine's when that zone is unknown."""
    from ..clock import BadTimeZone, today

    try:
        return today()
    except BadTimeZone:
        return dt.date.today()


def _type(t: T) -> str:
    from ..resolve import types as TT

    shown = getattr(TT, "shown", None)
    return str(shown(t)) if callable(shown) else str(t)


def _place(span: Span) -> str:
    return f"{span.file}:{span.line}"


def _source_block(a: Analysis, span: Span, max_lines: int = 12) -> str:
    lines = _lines_of(a, span.file)
    if lines is None:
        return ""
    end = span.end_line or span.line
    rows = [lines.line(i) for i in range(span.line, min(end, span.line + max_lines - 1) + 1)]
    if end > span.line + max_lines - 1:
        rows.append("  …")
    return "```legality\n" + "\n".join(rows) + "\n```"


def _texts(ru: str | None, kk: str | None) -> str:
    """A text and its Kazakh translation as the author wrote them, the reader's language first."""
    if not ru:
        return ""
    if kk and language() == "kk":
        return f"«{kk}» / «{ru}»"
    return f"«{ru}»" + (f" / «{kk}»" if kk else "")


def _define_of(a: Analysis, name: str) -> tuple[A.Define, str] | None:
    for path, f in a.parsed.items():
        for d in f.defines:
            if d.name == name:
                return d, path
    return None


def _fact_text(a: Analysis, name: str) -> str | None:
    fd = a.unit.facts.get(name)
    found = _define_of(a, name)
    if fd is None and found is None:
        return None
    span = fd.span if fd is not None else found[0].span  # type: ignore[index]
    label = fd.label if fd is not None else found[0].label  # type: ignore[index]
    label_kk = fd.label_kk if fd is not None else found[0].label_kk  # type: ignore[index]
    scope = fd.scope if fd is not None else found[0].scope  # type: ignore[index]
    out = [_("fact `{name}`").format(name=name) + (" — " + _texts(label, label_kk) if label else "")]
    out.append(_source_block(a, span))
    facts = [_("type: {type}").format(type=f"`{_type(fd.type)}`")] if fd is not None and fd.type != ANY else []
    facts.append(_("computed for: {scope}").format(scope=f"`{scope}`"))
    facts.append(_("defined in {place}").format(place=_place(span)))
    out.append(" · ".join(facts))
    return "\n\n".join(x for x in out if x)


def _rule_ast(a: Analysis, rid: str) -> tuple[A.Rule, str] | None:
    for path, f in a.parsed.items():
        for r in f.rules:
            if r.id == rid:
                return r, path
    return None


def _rule_text(a: Analysis, rid: str) -> str | None:
    from ..words import cite, severity

    rd = a.unit.rules.get(rid)
    found = _rule_ast(a, rid)
    if rd is None and found is None:
        return None
    r = found[0] if found is not None else None
    title = rd.title if rd is not None else (r.title if r is not None else None)
    title_kk = rd.title_kk if rd is not None else (r.title_kk if r is not None else None)
    sev = rd.severity if rd is not None else (r.severity if r is not None else None)
    scope = rd.scope if rd is not None else (r.scope if r is not None else "record")
    span = rd.span if rd is not None else r.span  # type: ignore[union-attr]
    out = [_("rule `{id}`").format(id=rid) + (" — " + _texts(title, title_kk) if title else "")]
    facts = []
    if sev in SEVERITIES:
        facts.append(_("severity: {severity}").format(severity=severity(sev)))
    facts.append(_("checked for: {scope}").format(scope=f"`{scope}`"))
    out.append(" · ".join(facts))
    if rd is not None:
        cites = [cite(c) for c in rd.static_cites] + [f"`{n.text}`" for n in rd.dynamic_cites]
    elif r is not None:
        cites = [cite(c.value) if isinstance(c, A.Literal) and isinstance(c.value, str) else "`…`" for c in r.cites]
    else:
        cites = []
    if cites:
        out.append(_("cites: {citations}").format(citations="; ".join(cites)))
    if rd is not None and rd.overrides:
        out.append(_("overrides: {rules}").format(rules=", ".join(f"`{o}`" for o in rd.overrides)))
    if rd is None:
        out.append(_("not compiled: the rule has errors"))
    out.append(_("defined in {place}").format(place=_place(span)))
    return "\n\n".join(out)


def _say(v: Any) -> str:
    from ..words import say

    try:
        if isinstance(v, dict):
            return "; ".join(f"{k}: {say(x)}" for k, x in v.items())
        if isinstance(v, (set, frozenset)):
            return ", ".join(sorted(str(x) for x in v))
        return say(v)
    except Exception:  # noqa: BLE001 - a value `words` cannot say is shown as written
        return str(v)


def _law_text(a: Analysis, path: str, today: dt.date) -> str | None:
    from ..words import cite, date

    cat = a.unit.catalogue
    spec = cat.param_spec(path) if cat is not None else None
    if spec is None:
        return None
    out = [_("law parameter `law.{name}`").format(name=path) + f" — `{spec.type}`"]
    if spec.description:
        out.append(spec.description.strip())
    out.append(_("cites: {citations}").format(citations=cite(spec.citation)))
    now = cat.param(path, today)
    if now is None:
        out.append(_("no edition in force on {date}").format(date=date(today)))
    else:
        state = _("verified against the text") if now.verified else _("not verified against the text")
        out.append(_("in force on {date}: **{value}** ({edition}; {state})").format(
            date=date(today), value=_say(now.value), edition=now.edition, state=state))
    rows = []
    for ed in cat.param_editions(path):
        until = date(ed.valid_to) if ed.valid_to else "…"
        mark = "✓" if ed.verified else "?"
        rows.append(f"- {date(ed.valid_from)} – {until}: {_say(ed.value)} {mark}")
    if rows:
        out.append(_("editions:") + "\n" + "\n".join(rows))
    if spec.file:
        out.append(_("defined in {place}").format(place=f"{display_path(Path(spec.file))}:{spec.line}"))
    return "\n\n".join(out)


def _law_namespace_text(a: Analysis, path: str) -> str | None:
    cat = a.unit.catalogue
    if cat is None:
        return None
    prefix = f"{path}." if path else ""
    names = [n for n in cat.param_names() if n.startswith(prefix)]
    if not names:
        return None
    head = _("law parameters under `law.{name}`").format(name=path) if path else _(_ROOT_DOC["law"])
    return head + "\n\n" + "\n".join(f"- `law.{n}`" for n in names[:40]) + ("\n- …" if len(names) > 40 else "")


def _field_words(rec: str, name: str) -> str:
    from ..words.fields import FIELDS

    f = FIELDS.get(_FIELDS_MODEL.get(rec, rec), {}).get(name)
    if f is None:
        return ""
    return _texts(f.ru, f.kk)


def _member_text(rec: str, name: str) -> str | None:
    m = S.MEMBERS.get(rec, {}).get(name)
    if m is None:
        return None
    out = [f"```legality\n{rec}.{name} : {m.type}\n```"]
    words = _field_words(rec, name)
    if words:
        out.append(_("in the export: {words}").format(words=words))
    from ..resolve.field_labels import FIELD_RU

    said = FIELD_RU.get((rec, name))
    if said:
        out.append(_("when it is missing, a prosecutor reads: {words}").format(words=f"«нет данных: {said}»"))
    if m.doc:
        out.append(m.doc)
    out.append(_("type: {type}").format(type=f"`{_type(m.type)}`"))
    return "\n\n".join(out)


def _root_text(t: Target) -> str:
    typ = t.node.type if t.node is not None else ANY
    doc = _ROOT_DOC.get(t.name)
    return f"```legality\n{t.name} : {typ}\n```" + (f"\n\n{_(doc)}" if doc else "")


def _let_text(a: Analysis, t: Target) -> str | None:
    from ..syntax.printer import expr as print_expr

    found = _rule_ast(a, t.owner or "")
    lt = next((x for x in found[0].lets if x.name == t.name), None) if found is not None else None
    if lt is None:
        return None
    rd = a.unit.rules.get(t.owner or "")
    ld = next((x for x in rd.lets if x.name == t.name), None) if rd is not None else None
    out = [_("let `{name}` of rule `{rule}`").format(name=t.name, rule=t.owner) +
           (" — " + _texts(lt.label, lt.label_kk) if lt.label else "")]
    out.append(f"```legality\nlet {t.name} = {print_expr(lt.expr)}\n```")
    if ld is not None and ld.expr.type != ANY:
        out.append(_("type: {type}").format(type=f"`{_type(ld.expr.type)}`"))
    return "\n\n".join(out)


def _enum_text(t: Target) -> str | None:
    from ..words import label

    enum_name, value = t.name.split(".", 1)
    et = S.ENUM_TYPES.get(enum_name)
    if et is None:
        return None
    member = et.enum[value]
    words = label(member)
    out = [f"```legality\n{enum_name}.{value}\n```"]
    if words and words != value:
        out.append(f"«{words}»")
    out.append(_("values of {enum}: {values}").format(enum=enum_name, values=", ".join(m.name for m in et.enum)))
    return "\n\n".join(out)


# ---------------------------------------------------------------------------------------------
# definition


def definition(a: Analysis, file: str, line: int, column: int) -> tuple[Path, Span | None] | None:
    """Where what stands at (line, column) is declared: a file and the span of the name (None: the file's start)."""
    t = index_of(a, file).at(line, column)
    if t is None:
        return None
    return declaration(a, file, t)


def declaration(a: Analysis, file: str, t: Target) -> tuple[Path, Span | None] | None:
    if t.kind == "fact":
        fd = a.unit.facts.get(t.name)
        found = _define_of(a, t.name)
        where = fd.file if fd is not None else found[1] if found is not None else None
        return None if where is None else (absolute(where), _decl_span(a, where, "fact", t.name))
    if t.kind == "rule":
        rd = a.unit.rules.get(t.name)
        found_r = _rule_ast(a, t.name)
        where = rd.file if rd is not None else found_r[1] if found_r is not None else None
        return None if where is None else (absolute(where), _decl_span(a, where, "rule", t.name))
    if t.kind == "let":
        idx = index_of(a, file)
        for d in idx.ast:
            if d.decl and d.kind == "let" and d.name == t.name and d.owner == t.owner:
                return absolute(file), d.span
        return None
    if t.kind == "import":
        return norm(absolute(file).parent / t.name), None
    if t.kind == "law":
        spec = a.unit.catalogue.param_spec(t.name) if a.unit.catalogue is not None else None
        if spec is None or not spec.file:
            return None
        return absolute(spec.file), Span(spec.file, spec.line, 1, spec.line, 1)
    return None


def _decl_span(a: Analysis, file: str, kind: str, name: str) -> Span | None:
    for d in index_of(a, file).ast:
        if d.decl and d.kind == kind and d.name == name:
            return d.span
    return None


# ---------------------------------------------------------------------------------------------
# document symbols


def symbols(a: Analysis, file: str, coder: Coder) -> list[L.DocumentSymbol]:
    """The file's rules (with their lets) and facts, in the order written."""
    f = a.parsed.get(file)
    if f is None:
        return []
    idx = index_of(a, file)
    lines = idx.lines
    decls = {(d.kind, d.name, d.owner): d.span for d in idx.ast if d.decl}
    out: list[L.DocumentSymbol] = []
    for item in f.items:
        if isinstance(item, A.Rule):
            children = [L.DocumentSymbol(name=lt.name, kind=L.SymbolKind.Variable, detail=lt.label or None,
                                         range=coder.range(lines, lt.span),
                                         selection_range=coder.range(lines, decls.get(("let", lt.name, item.id), lt.span)))
                        for lt in item.lets]
            out.append(L.DocumentSymbol(
                name=item.id, kind=L.SymbolKind.Function, detail=item.title or None,
                range=coder.range(lines, item.span),
                selection_range=coder.range(lines, decls.get(("rule", item.id, item.id), item.span)),
                children=children or None))
        elif isinstance(item, A.Define):
            out.append(L.DocumentSymbol(
                name=item.name, kind=L.SymbolKind.Constant, detail=item.label or None,
                range=coder.range(lines, item.span),
                selection_range=coder.range(lines, decls.get(("fact", item.name, item.name), item.span))))
    return out


# ---------------------------------------------------------------------------------------------
# completion

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_CHAIN_DOT = re.compile(rf"((?:{_IDENT}\s*\.\s*)*{_IDENT})\s*\.\s*({_IDENT})?$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*$")
_ENUM_CONTEXT = re.compile(rf"((?:{_IDENT}\s*\.\s*)*{_IDENT})\s*(?:<=|>=|!=|=|<|>|\bnot\s+in|\bin)\s*\{{?"
                           rf"(?:\s*{_IDENT}\s*,)*\s*({_IDENT})?$")
_RULE_HEAD = re.compile(r"^\s*rule\s+([a-z][a-z0-9_]*(?:-[a-z0-9_]+)+)(?:\s+for\s+(\w+))?")
_DEFINE_HEAD = re.compile(rf"^\s*define\s+({_IDENT})")
_QUANT = re.compile(rf"\b(?:any|all|count|sum|max|min)\s+({_IDENT})\s+in\s+((?:{_IDENT}\s*\.\s*)*{_IDENT})\s*:")
_LET = re.compile(rf"^\s*let\s+({_IDENT})")


@dataclass
class Place:
    """Where the cursor stands, read from the document's current text (which need not parse)."""

    item: str | None       # "rule" | "define" | None (between items)
    name: str | None       # the rule id or fact name
    scope: str             # record | offence | final_sentence
    body: str              # the item's text from its first line up to the cursor


def place_at(text: str, line: int, column: int) -> Place:
    lines = text.splitlines()
    before = lines[: line - 1] + [lines[line - 1][: column - 1] if line - 1 < len(lines) else ""]
    for i in range(len(before) - 1, -1, -1):
        row = before[i]
        m = _RULE_HEAD.match(row)
        if m:
            body = "\n".join(before[i:])
            closed = body.count("{") and _closed(body)
            if closed:
                return Place(None, None, "record", "")
            return Place("rule", m.group(1), m.group(2) or "record", body)
        m = _DEFINE_HEAD.match(row)
        if m:
            if any(not r.strip() for r in before[i + 1:-1]):
                return Place(None, None, "record", "")  # a blank line ended the fact before the cursor
            body = "\n".join(before[i:])
            head = body.split("=", 1)[0]
            sm = re.search(r"\bfor\s+(offence|record|final_sentence)\b", head)
            return Place("define", m.group(1), sm.group(1) if sm else "record", body)
        if i < len(before) - 1 and (row.startswith("}") or row.startswith("import")):
            return Place(None, None, "record", "")
    return Place(None, None, "record", "")


def _closed(body: str) -> bool:
    """The rule's braces are balanced before the cursor (strings and comments left out)."""
    depth = 0
    for m in re.finditer(r'"(?:\\.|[^"\\\n])*"|#[^\n]*|[{}]', body):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                return True
    return False


class _Typing:
    """Types the expressions before the cursor with the checker's own passes (names, types, the catalogue)."""

    def __init__(self, a: Analysis, file: str, where: Place):
        from ..resolve.errors import Reporter
        from ..resolve.names import Ctx, Names
        from ..resolve.typecheck import Typer

        self.a = a
        files = list(a.parsed.values())
        every = {f.path for f in files} | {file}
        self.rep = Reporter()
        self.names = Names(files, {p: every for p in every}, self.rep)
        facts = a.unit.facts
        self.typer = Typer(self.names, a.unit.catalogue, self.rep,
                           lambda n: facts[n].type if n in facts else ANY)
        scope = where.scope if where.scope in SCOPES else "record"
        self.ctx = Ctx(scope, file, owner=where.name or "")
        if where.item == "rule":
            self._lets(where)
        self._vars(where.body)

    def type_of(self, source: str) -> T | None:
        from ..resolve.errors import Fail
        from ..syntax.parser import parse_expr

        e, diags = parse_expr(source)
        if e is None or diags:
            return None
        try:
            return self.typer.expr(e, self.ctx).type
        except (Fail, RecursionError):
            return None

    def _lets(self, where: Place) -> None:
        from ..resolve.errors import Fail

        found = _rule_ast(self.a, where.name or "")
        known = {lt.name: lt for lt in found[0].lets} if found is not None else {}
        for row in where.body.splitlines():
            m = _LET.match(row)
            if m is None:
                continue
            name = m.group(1)
            lt = known.get(name)
            node: Node | None = None
            if lt is not None:
                try:
                    node = self.typer.closed(lt.expr, self.ctx)
                except (Fail, RecursionError):
                    node = None
            if node is None:
                node = Node(Op.LIT, ANY, Span("<let>", 0, 0))
            self.ctx.lets[name] = LetDef(name, lt.label if lt else None, node, node.span)

    def _vars(self, body: str) -> None:
        for m in _QUANT.finditer(body):
            t = self.type_of(re.sub(r"\s+", "", m.group(2)))
            elem = t.elem if isinstance(t, (ListT, SetT)) else ANY
            self.ctx.vars[m.group(1)] = elem


def _item(label: str, kind: L.CompletionItemKind, detail: str | None = None, doc: str | None = None,
          sort: str = "5", insert: str | None = None) -> L.CompletionItem:
    return L.CompletionItem(
        label=label, kind=kind, detail=detail or None, sort_text=f"{sort}{label}", insert_text=insert,
        documentation=L.MarkupContent(kind=L.MarkupKind.Markdown, value=doc) if doc else None)


def complete(a: Analysis, file: str, text: str, line: int, column: int) -> list[L.CompletionItem]:
    """Completions at (line, column) of a document's current text (which may not parse)."""
    rows = text.splitlines()
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    prefix = row[: column - 1]
    code, in_string = _code_part(prefix)
    if code is None:
        return []
    if in_string:
        m = re.match(r'\s*import\s+"([^"]*)$', prefix)
        return _import_items(a, file) if m else []
    where = place_at(text, line, column)
    if re.search(r"\bseverity\s+\w*$", code):
        return [_item(s, L.CompletionItemKind.EnumMember) for s in SEVERITIES]
    if re.search(r"^\s*(?:rule\s+[\w-]+|define\s+\w+(?:\s+\"(?:\\.|[^\"\\])*\"(?:\s+kk\s+\"(?:\\.|[^\"\\])*\")?)?)\s+for\s+\w*$", code):
        return [_item(s, L.CompletionItemKind.EnumMember) for s in SCOPES]
    if re.search(r"(?:\boverrides\s+(?:[\w-]+\s*,\s*)*|\bfired\s*\(\s*)[\w-]*$", code):
        return _rule_items(a, exclude=where.name)
    if re.search(r"^\s*facts\s+(?:\w+\s*,\s*)*\w*$", code):
        return _fact_items(a, file, where, listed=True)
    if re.search(r"^\s*(?:tags)\s+", code):
        tags = sorted({tg for rd in a.unit.rules.values() for tg in rd.tags})
        return [_item(tg, L.CompletionItemKind.Keyword) for tg in tags]
    typing = _Typing(a, file, where)
    m = _CHAIN_DOT.search(code)
    if m and not re.search(r"\d\s*\.\s*\w*$", code):
        return _member_items(a, typing, re.sub(r"\s+", "", m.group(1)))
    m = _ENUM_CONTEXT.search(code)
    enum_items: list[L.CompletionItem] = []
    if m:
        t = typing.type_of(re.sub(r"\s+", "", m.group(1)))
        if isinstance(t, SetT):
            t = t.elem
        if isinstance(t, EnumT):
            enum_items = [_enum_item(t, v, sort="0") for v in t.enum]
    word = _WORD.search(code)
    bare = code[: word.start()] if word else code
    items: list[L.CompletionItem] = list(enum_items)
    if not bare.strip():
        if where.item == "rule":
            items += [_item(k, L.CompletionItemKind.Keyword, sort="1") for k in CLAUSE_KEYWORDS]
        elif where.item is None:
            return [_item(k, L.CompletionItemKind.Keyword, sort="1") for k in TOP_KEYWORDS]
    if enum_items:
        return items
    items += _name_items(a, typing, where)
    return items


def _code_part(prefix: str) -> tuple[str | None, bool]:
    """The prefix with strings blanked; None inside a comment; whether the cursor stands in a string."""
    out, i, in_string = [], 0, False
    while i < len(prefix):
        ch = prefix[i]
        if in_string:
            if ch == "\\":
                out.append("  ")
                i += 2
                continue
            if ch == '"':
                in_string = False
            out.append(" " if ch != '"' else '"')
        elif ch == '"':
            in_string = True
            out.append('"')
        elif ch == "#":
            return None, False
        else:
            out.append(ch)
        i += 1
    return "".join(out), in_string


def _import_items(a: Analysis, file: str) -> list[L.CompletionItem]:
    import os

    here = absolute(file).parent
    out = []
    for name in sorted(a.unit.sources):
        p = absolute(name)
        if p != absolute(file):
            rel = Path(os.path.relpath(p, here)).as_posix()
            out.append(_item(rel, L.CompletionItemKind.File))
    return out


def _rule_items(a: Analysis, exclude: str | None) -> list[L.CompletionItem]:
    ids = {r.id: r.title for f in a.parsed.values() for r in f.rules}
    return [_item(rid, L.CompletionItemKind.Class, title) for rid, title in sorted(ids.items()) if rid != exclude]


def _fact_items(a: Analysis, file: str, where: Place, listed: bool = False) -> list[L.CompletionItem]:
    """Facts this file sees (its own and its imports'; all when the file was never compiled), then lets."""
    out = []
    visible = a.unit.visible.get(file)
    for path, f in a.parsed.items():
        if visible is not None and path not in visible:
            continue
        for d in f.defines:
            if d.scope == "offence" and where.scope != "offence":
                continue
            if listed and not d.label:
                continue
            fd = a.unit.facts.get(d.name)
            typ = _type(fd.type) if fd is not None and fd.type != ANY else None
            out.append(_item(d.name, L.CompletionItemKind.Variable, d.label, typ and _("type: {type}").format(type=f"`{typ}`"),
                             sort="2"))
    if where.item == "rule":
        found = _rule_ast(a, where.name or "")
        for lt in found[0].lets if found is not None else ():
            if not listed or lt.label:
                out.append(_item(lt.name, L.CompletionItemKind.Variable, lt.label, sort="1"))
    return sorted(out, key=lambda i: i.sort_text or i.label)


def _enum_item(t: EnumT, member: Any, sort: str = "6") -> L.CompletionItem:
    from ..words import label

    words = label(member)
    return _item(member.name, L.CompletionItemKind.EnumMember, f"{t.enum.__name__}" + (f" — {words}" if words != member.name else ""),
                 sort=sort)


def _member_items(a: Analysis, typing: _Typing, chain: str) -> list[L.CompletionItem]:
    if chain in S.ENUM_TYPES and chain not in {d for f in a.parsed.values() for d in (x.name for x in f.defines)}:
        et = S.ENUM_TYPES[chain]
        return [_enum_item(et, v, sort="1") for v in et.enum]
    t = typing.type_of(chain)
    if isinstance(t, LawT):
        return _law_items(a, t.path)
    if not isinstance(t, RecT):
        return []
    out = []
    for name, m in sorted(S.MEMBERS.get(t.name, {}).items()):
        words = _field_words(t.name, name)
        out.append(_item(name, L.CompletionItemKind.Field, f"{_type(m.type)}" + (f" — {words}" if words else ""),
                         m.doc or None, sort="1"))
    for name, spec in sorted(S.METHODS.get(t.name, {}).items()):
        params = ", ".join(_type(p) for p in spec.params)
        out.append(_item(name, L.CompletionItemKind.Method, f"({params}) : {_type(spec.result)}", spec.doc,
                         sort="2", insert=f"{name}("))
    if t == S.OFFENCE:
        for f in a.parsed.values():
            for d in f.defines:
                if d.scope == "offence":
                    out.append(_item(d.name, L.CompletionItemKind.Variable, d.label, sort="3"))
    return out


def _law_items(a: Analysis, path: str) -> list[L.CompletionItem]:
    cat = a.unit.catalogue
    if cat is None:
        return []
    prefix = f"{path}." if path else ""
    seen: dict[str, L.CompletionItem] = {}
    for n in cat.param_names():
        if not n.startswith(prefix):
            continue
        rest = n[len(prefix):]
        head = rest.split(".", 1)[0]
        if head in seen:
            continue
        if "." in rest:
            seen[head] = _item(head, L.CompletionItemKind.Module, f"law.{prefix}{head}.…", sort="2")
        else:
            spec = cat.param_spec(n)
            seen[head] = _item(head, L.CompletionItemKind.Constant, spec.type if spec else None,
                               (spec.description.strip() if spec and spec.description else None), sort="1")
    return list(seen.values())


def _name_items(a: Analysis, typing: _Typing, where: Place) -> list[L.CompletionItem]:
    ctx = typing.ctx
    items: list[L.CompletionItem] = []
    for name, (t, _get) in S.ROOTS.items():
        items.append(_item(name, L.CompletionItemKind.Variable, str(t), _(_ROOT_DOC[name]) if name in _ROOT_DOC else None,
                           sort="3"))
    for name, (t, _get) in S.SCOPE_ROOTS.get(ctx.scope, {}).items():
        items.append(_item(name, L.CompletionItemKind.Variable, str(t), _(_ROOT_DOC[name]), sort="1"))
    items.append(_item("law", L.CompletionItemKind.Module, "law.…", _(_ROOT_DOC["law"]), sort="3"))
    for name, ld in ctx.lets.items():
        items.append(_item(name, L.CompletionItemKind.Variable, ld.label, sort="0"))
    for name, t in ctx.vars.items():
        items.append(_item(name, L.CompletionItemKind.Variable, _type(t), sort="0"))
    items += _fact_items(a, typing.ctx.file, where)
    for name, doc in FUNCTIONS.items():
        items.append(_item(name, L.CompletionItemKind.Function, doc, sort="4"))
    items += [_item(k, L.CompletionItemKind.Keyword, sort="5") for k in EXPR_KEYWORDS if k not in FUNCTIONS]
    seen = {i.label for i in items}
    for et in S.ENUM_TYPES.values():
        for v in et.enum:
            if v.name not in seen:
                items.append(_enum_item(et, v))
    return items


__all__ = ["Coder", "complete", "declaration", "definition", "describe", "diagnostic", "hover", "place_at",
           "symbols", "uri_of"]
