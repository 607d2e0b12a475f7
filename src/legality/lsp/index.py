"""What stands at a position of a rule file: the compiler's nodes and names, found by their spans.

Why both the IR and the AST: the typed IR (`resolve.ir`) knows what a name *is* — a fact, a field of
which record, a law parameter, an enum value and its enum — but a rule with any error yields no IR at
all (the checker drops half-checked rules).  The surface AST of the same file still has every name
with its span; resolved against the rule set's name tables (facts, rules, law parameters) it keeps
hover and go-to-definition working in the rule being edited.  Where both have a target at a place,
the IR's wins.  The `{…}` holes of a message are the one place where the compiler keeps no position
of its own (each carries the message's span): they are parsed and typed again here, at their place.

Positions here are the compiler's: 1-based lines and columns counted in characters (code points),
end exclusive — `Span` as diagnostics carry it.  `features.py` converts to the editor's units.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Iterator

from ..diagnostics import Span
from ..resolve.ir import Node, Op
from ..resolve.types import ANY, EnumT, LawT
from ..syntax import ast as A
from .ruleset import Analysis


@dataclass(frozen=True)
class Target:
    """One thing at a place: what kind, its name, and the IR node when the checker produced one."""

    span: Span
    kind: str  # fact rule law lawns member method root let var call enum import cite
    name: str
    node: Node | None = None
    owner: str | None = None  # the rule id or fact name whose text holds it
    decl: bool = False        # the name where it is declared (`define NAME`, `rule ID`, `let NAME`)


_DECL = {"define": re.compile(r"define\s+([A-Za-z_][A-Za-z0-9_]*)"),
         "rule": re.compile(r"rule\s+([a-z][a-z0-9_]*(?:-[a-z0-9_]+)+)"),
         "let": re.compile(r"let\s+([A-Za-z_][A-Za-z0-9_]*)")}


class Lines:
    """Offsets of a text's lines: a (line, column) pair to an offset and back."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]

    def offset(self, line: int, column: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + max(column, 1) - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def line(self, line: int) -> str:
        if not 1 <= line <= len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


class FileIndex:
    """The targets of one file of an analysis."""

    def __init__(self, analysis: Analysis, name: str):
        self.analysis = analysis
        self.name = name
        self.lines = Lines(analysis.unit.sources.get(name, ""))
        self.file: A.RuleFile | None = analysis.parsed.get(name)
        self.ir: list[Target] = []
        self.ast: list[Target] = []
        self._typer: Any = None  # types message holes (made when a file has some)
        u = analysis.unit
        for fd in u.facts.values():
            if fd.file == name:
                self._walk(fd.expr, fd.name)
        for rd in u.rules.values():
            if rd.file != name:
                continue
            exprs: list[Node] = [lt.expr for lt in rd.lets] + list(rd.dynamic_cites)
            exprs += [c.expr for c in (*rd.whens, *rd.needs, *rd.unlesses, rd.violation)]
            if rd.actual is not None:
                exprs.append(rd.actual)
            if isinstance(rd.allowed, Node):
                exprs.append(rd.allowed)
            elif rd.allowed:
                exprs.extend(n for _, n in rd.allowed)
            for n in exprs:  # message holes are left out: they carry the span of the whole message text
                self._walk(n, rd.id)
        if self.file is not None and self.file.path == name and name in u.sources:
            self._surface(self.file)

    # ---- from the IR

    def _walk(self, root: Node, owner: str) -> None:
        stack = [root]
        while stack:
            n = stack.pop()
            t = _ir_target(n, owner)
            if t is not None and n.span.file == self.name and n.span.line > 0:
                self.ir.append(t)
            stack.extend(n.args)

    # ---- from the AST

    def _surface(self, f: A.RuleFile) -> None:
        facts = self.analysis.unit.facts
        for item in f.items:
            if isinstance(item, A.Import):
                self.ast.append(Target(item.span, "import", item.path))
            elif isinstance(item, A.Define):
                self._decl(item.span, "define", "fact", item.name, item.name)
                self._exprs([item.expr], item.name, set())
            elif isinstance(item, A.Rule):
                lets = {lt.name for lt in item.lets}
                self._decl(item.span, "rule", "rule", item.id, item.id)
                for lt in item.lets:
                    self._decl(lt.span, "let", "let", lt.name, item.id)
                for o in item.overrides:
                    self.ast.append(Target(o.span, "rule", o.value, owner=item.id))
                for c in item.cites:
                    if isinstance(c, A.Literal) and isinstance(c.value, str) and c.unit is None:
                        self.ast.append(Target(c.span, "cite", c.value, owner=item.id))
                for fi in item.facts:
                    kind = "let" if fi.value in lets else "fact" if fi.value in facts or fi.value in self._defines() else ""
                    if kind:
                        self.ast.append(Target(fi.span, kind, fi.value, owner=item.id))
                exprs: list[A.Expr] = [lt.expr for lt in item.lets] + list(item.cites) + list(item.whens)
                exprs += list(item.unlesses) + [nd.expr for nd in item.needs]
                exprs += [e for e in (item.violation, item.actual) if e is not None]
                if isinstance(item.allowed, tuple):
                    exprs += [e for _, e in item.allowed]
                elif item.allowed is not None:
                    exprs.append(item.allowed)
                self._exprs(exprs, item.id, lets)
                for template in (item.message, item.message_kk):
                    if template is not None:
                        holes = self._holes(template)
                        self._exprs(holes, item.id, lets)
                        self._typed_holes(holes, item)

    def _holes(self, t: A.Template) -> list[A.Expr]:
        """The `{…}` of a message, parsed again with spans where they stand in the file.

        Why again: the parser gives every hole the span of the whole message string (its positions are
        in the unescaped text), so a name inside a message could not be found by its place."""
        from ..syntax.parser import parse_expr

        sp = t.span
        if sp.end_line != sp.line or sp.end_column is None:
            return []
        start = self.lines.offset(sp.line, sp.column)
        source = self.lines.text[start: self.lines.offset(sp.line, sp.end_column)]
        raw, where = _unescape(source)
        out: list[A.Expr] = []
        for m in re.finditer(r"(?<!\{)\{(?!\{)([^{}]*)\}", raw):
            e, diags = parse_expr(m.group(1))
            if e is None or diags:
                continue
            base = m.start(1)

            def place(s: Span) -> Span:
                a = start + where[min(base + s.column - 1, len(where) - 1)]
                b = start + where[min(base + (s.end_column or s.column + 1) - 1, len(where) - 1)]
                (la, ca), (lb, cb) = self.lines.position(a), self.lines.position(b)
                return Span(self.name, la, ca, lb, cb)

            out.append(_respan(e, place))
        return out

    def _typed_holes(self, holes: list[A.Expr], r: A.Rule) -> None:
        """The IR of a message's holes, typed as the checker types them, for the rule's own clauses' hovers."""
        from ..resolve.errors import Fail, Reporter
        from ..resolve.names import Ctx, Names
        from ..resolve.typecheck import Typer

        u = self.analysis.unit
        rd = u.rules.get(r.id)
        if rd is None or not holes or u.catalogue is None:
            return
        typer = self._typer
        if typer is None:
            names = Names(u.files, u.visible, Reporter())
            typer = self._typer = Typer(names, u.catalogue, names.rep,
                                        lambda n: u.facts[n].type if n in u.facts else ANY)
        ctx = Ctx(rd.scope, self.name, lets={lt.name: lt for lt in rd.lets}, owner=rd.id)
        for e in holes:
            try:
                self._walk(typer.closed(e, ctx), rd.id)
            except (Fail, RecursionError):
                continue

    def _defines(self) -> set[str]:
        return {d.name for f in self.analysis.parsed.values() for d in f.defines}

    def _decl(self, span: Span, keyword: str, kind: str, name: str, owner: str) -> None:
        start = self.lines.offset(span.line, span.column)
        m = _DECL[keyword].match(self.lines.text, start)
        if m is None or m.group(1) != name:
            return
        line, col = self.lines.position(m.start(1))
        self.ast.append(Target(Span(self.name, line, col, line, col + len(name)), kind, name, owner=owner, decl=True))

    def _exprs(self, exprs: list[A.Expr], owner: str, lets: set[str]) -> None:
        defines = self._defines()
        params = set(self.analysis.unit.catalogue.param_names()) if self.analysis.unit.catalogue is not None else set()
        stack: list[Any] = list(exprs)
        while stack:
            e = stack.pop()
            if isinstance(e, A.Name):
                if e.name in lets:
                    self.ast.append(Target(e.span, "let", e.name, owner=owner))
                elif e.name in defines:
                    self.ast.append(Target(e.span, "fact", e.name, owner=owner))
            elif isinstance(e, A.Member):
                path = _law_path(e)
                if path is not None and path in params:
                    self.ast.append(Target(e.span, "law", path, owner=owner))
                    continue
                if e.name in defines and path is None:
                    self.ast.append(Target(e.span, "fact", e.name, owner=owner))
            elif isinstance(e, A.Fired):
                self.ast.append(Target(e.span, "rule", e.rule, owner=owner))
            if isinstance(e, A.Expr) and e.span.file == self.name:
                for fl in dataclasses.fields(e):
                    v = getattr(e, fl.name)
                    if isinstance(v, A.Expr):
                        stack.append(v)
                    elif isinstance(v, tuple):
                        stack.extend(x for x in v if isinstance(x, A.Expr))

    # ---- lookups

    def at(self, line: int, column: int) -> Target | None:
        """The innermost target at a position (the IR's first); a position just after a name counts too."""
        pos = self.lines.offset(line, column)
        for inclusive in (False, True):
            best: tuple[int, int, Target] | None = None
            for rank, targets in ((0, self.ir), (1, self.ast)):
                for t in targets:
                    s = self.lines.offset(t.span.line, t.span.column)
                    e = self.lines.offset(t.span.end_line or t.span.line, t.span.end_column or t.span.column + 1)
                    if s <= pos < e or (inclusive and pos == e):
                        key = (e - s, rank, t)
                        if best is None or key[:2] < best[:2]:
                            best = key
            if best is not None:
                return best[2]
        return None

    def enclosing(self, line: int) -> A.Rule | A.Define | None:
        """The rule or fact whose text holds this line, by the last tree of the file that parsed."""
        if self.file is None:
            return None
        for item in self.file.items:
            if isinstance(item, (A.Rule, A.Define)) and item.span.line <= line <= (item.span.end_line or item.span.line):
                return item
        return None

    def targets(self) -> Iterator[Target]:
        yield from self.ir
        yield from self.ast


def _ir_target(n: Node, owner: str) -> Target | None:
    op, d = n.op, n.data
    if op in (Op.FACT, Op.OFACT):
        return Target(n.span, "fact", d, n, owner)
    if op is Op.LAW:
        return Target(n.span, "lawns" if isinstance(n.type, LawT) else "law", d, n, owner)
    if op in (Op.MEMBER, Op.METHOD):
        return Target(n.span, "member" if op is Op.MEMBER else "method", f"{d[0]}.{d[1]}", n, owner)
    if op in (Op.ROOT, Op.LET, Op.VAR, Op.CALL):
        return Target(n.span, {Op.ROOT: "root", Op.LET: "let", Op.VAR: "var", Op.CALL: "call"}[op], d, n, owner)
    if op is Op.FIRED:
        return Target(n.span, "rule", d, n, owner)
    if op is Op.LIT and isinstance(n.type, EnumT) and isinstance(d, Enum):
        return Target(n.span, "enum", f"{n.type.enum.__name__}.{d.name}", n, owner)
    return None


def _law_path(e: A.Expr) -> str | None:
    """`law.a.b` → "a.b"; None for a member chain that does not start at `law`."""
    parts: list[str] = []
    while isinstance(e, A.Member):
        parts.append(e.name)
        e = e.obj
    if isinstance(e, A.Name) and e.name == "law":
        return ".".join(reversed(parts))
    return None


def _unescape(token: str) -> tuple[str, list[int]]:
    """A string token's text (`"…"` with JSON escapes) and, for each of its characters (and one past the
    end), the offset in the token where it was written."""
    raw: list[str] = []
    where: list[int] = []
    i, n = 1, len(token) - 1  # inside the quotes
    while i < n:
        where.append(i)
        if token[i] == "\\" and i + 1 < n:
            if token[i + 1] == "u" and i + 5 < n:
                try:
                    raw.append(chr(int(token[i + 2:i + 6], 16)))
                except ValueError:
                    raw.append("?")
                i += 6
                continue
            raw.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(token[i + 1], token[i + 1]))
            i += 2
            continue
        raw.append(token[i])
        i += 1
    where.append(n)
    return "".join(raw), where


def _respan(e: A.Expr, place: Callable[[Span], Span]) -> A.Expr:
    """The expression with every span moved by `place`."""
    changes: dict[str, Any] = {}
    for fl in dataclasses.fields(e):
        v = getattr(e, fl.name)
        if fl.name == "span":
            changes["span"] = place(v)
        elif isinstance(v, A.Expr):
            changes[fl.name] = _respan(v, place)
        elif isinstance(v, tuple):
            changes[fl.name] = tuple(_respan(x, place) if isinstance(x, A.Expr) else x for x in v)
    return dataclasses.replace(e, **changes)


def index_of(analysis: Analysis, name: str) -> FileIndex:
    """The (cached) index of one file of an analysis."""
    idx = analysis._indexes.get(name)
    if not isinstance(idx, FileIndex):
        idx = analysis._indexes[name] = FileIndex(analysis, name)
    return idx
