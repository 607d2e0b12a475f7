"""The pygls server: documents in, diagnostics out; hover, definition, completion and symbols on request.

Why a debounce and a worker thread: compiling the shipped pack takes a few hundred milliseconds even
with the parse cache, far more than the time between two keystrokes.  A change waits `debounce`
seconds for the next one (each change restarts the wait); then the rule set compiles in a worker
thread, one compile per rule set at a time, while the event loop keeps answering requests from the
latest analysis.  A request about a document whose text changed since that analysis waits for the
compile under way (so a hover right after typing speaks about what is on the screen).

Diagnostics are published per file of the rule set: every file with diagnostics, every open file of
the set (an empty list clears what the editor showed), and every file that had some last time.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Awaitable, Callable

from lsprotocol import types as L
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__, i18n
from . import features as F
from .index import Lines
from .ruleset import Analysis, RuleSet, RuleSets, norm

log = logging.getLogger("legality.lsp")
DEBOUNCE = 0.3  # seconds after the last change before compiling


class LegalityServer(LanguageServer):
    """The server's state: the rule sets, a compile task per set, what was published where."""

    def __init__(self, debounce: float = DEBOUNCE) -> None:
        super().__init__("legality", __version__, text_document_sync_kind=L.TextDocumentSyncKind.Incremental)
        self.sets = RuleSets()
        self.debounce = debounce
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="legality-compile")
        self.tasks: dict[Path, asyncio.Task[None]] = {}
        self.full: dict[Path, bool] = {}  # a pending compile includes code generation
        self.compiling: set[Path] = set()
        self.locks: dict[Path, asyncio.Lock] = {}
        self.published: dict[Path, set[str]] = {}

    # ---- documents

    def coder(self) -> F.Coder:
        enc = self.workspace.position_encoding
        return F.Coder(str(getattr(enc, "value", enc) or "utf-16"))

    def path_of(self, uri: str) -> Path | None:
        p = to_fs_path(uri)
        return norm(p) if p else None

    def open_documents(self, rs: RuleSet) -> dict[Path, tuple[str, str, int | None]]:
        """Open documents of a rule set: path -> (uri, current text, version)."""
        out: dict[Path, tuple[str, str, int | None]] = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            p = self.path_of(uri)
            if p is not None and rs.contains(p) and p.suffix == ".legal":
                out[p] = (uri, doc.source, doc.version)
        return out

    # ---- compiling

    def schedule(self, rs: RuleSet, delay: float, full: bool = False) -> None:
        root = rs.root
        old = self.tasks.get(root)
        if old is not None and not old.done() and root not in self.compiling:
            old.cancel()  # still waiting: this change supersedes it
            full = full or self.full.get(root, False)
        self.full[root] = full
        self.tasks[root] = asyncio.ensure_future(self._compile(rs, delay, full))

    async def _compile(self, rs: RuleSet, delay: float, full: bool) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        lock = self.locks.setdefault(rs.root, asyncio.Lock())
        async with lock:
            self.compiling.add(rs.root)
            try:
                docs = self.open_documents(rs)
                overlays = {p: text for p, (_uri, text, _v) in docs.items()}
                loop = asyncio.get_running_loop()
                a = await loop.run_in_executor(self.pool, functools.partial(rs.analyse, overlays, full=full))
                self.publish(rs, a, {uri: v for uri, _t, v in docs.values()})
            except Exception:  # noqa: BLE001 - a crash of one compile must not end the session
                log.exception("compiling %s failed", rs.root)
            finally:
                self.compiling.discard(rs.root)

    async def analysis(self, uri: str, *, fresh: bool = True) -> tuple[Analysis, str, Path] | None:
        """The analysis to answer a request about `uri` from, and the file's name in it.

        `fresh`: of the text on the screen (waiting for the compile under way); else any analysis that
        has the file — completion reads the screen's text itself and needs only the name tables."""
        path = self.path_of(uri)
        if path is None:
            return None
        rs = self.sets.for_file(path)
        doc = self.workspace.get_text_document(uri)
        for _attempt in range(3):
            a = rs.latest
            if a is not None and a.name_of(path) is not None and (not fresh or a.overlays.get(path) == doc.source):
                break  # analysed the text on the screen (or, for completion, any text of the file)
            task = self.tasks.get(rs.root)
            if task is None or task.done():
                self.schedule(rs, 0)
                task = self.tasks[rs.root]
            await asyncio.wait({task}, timeout=10)
        a = rs.latest
        if a is None:
            return None
        name = a.name_of(path)
        return (a, name, path) if name is not None else None

    def publish(self, rs: RuleSet, a: Analysis, versions: dict[str, int | None] | None = None) -> None:
        """Send the analysis's diagnostics; `versions`: of the open documents' texts it analysed (a client
        drops diagnostics of a version it has already left behind)."""
        coder = self.coder()
        opened = {p: uri for p, (uri, _text, _v) in self.open_documents(rs).items()}
        by_file, loose = a.diagnostics_by_file()
        out: dict[str, list[L.Diagnostic]] = {}
        for p, diags in by_file.items():
            uri = opened.get(p) or F.uri_of(p)
            out.setdefault(uri, []).extend(F.diagnostic(a, d, coder, opened) for d in diags)
        for uri in opened.values():
            out.setdefault(uri, [])
            out[uri].extend(F.diagnostic(a, d, coder, opened) for d in loose)
        for uri in self.published.get(rs.root, set()) - set(out):
            out[uri] = []
        self.published[rs.root] = {uri for uri, ds in out.items() if ds}
        for uri, ds in out.items():
            self.text_document_publish_diagnostics(L.PublishDiagnosticsParams(
                uri=uri, diagnostics=ds, version=(versions or {}).get(uri)))


def _position(ls: LegalityServer, uri: str, a: Analysis, name: str, pos: L.Position) -> tuple[int, int]:
    """A client position as the compiler's (1-based line, character column) in the analysed text."""
    lines = Lines(a.unit.sources.get(name, ""))
    return pos.line + 1, ls.coder().column(lines.line(pos.line + 1), pos.character)


def _location(ls: LegalityServer, a: Analysis, target: tuple[Path, Any]) -> L.Location:
    path, span = target
    uri = next((u for p, (u, _t, _v) in ls.open_documents(ls.sets.for_file(path)).items() if p == path), None) \
        or F.uri_of(path)
    if span is None:
        zero = L.Position(line=0, character=0)
        return L.Location(uri=uri, range=L.Range(start=zero, end=zero))
    text = a.text_of(span.file)
    return L.Location(uri=uri, range=ls.coder().range(Lines(text) if text is not None else None, span))


def _quiet(default: Any) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A request that fails answers `default` and logs why: an editor shows no error box for a hover."""

    def wrap(f: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(f)
        async def guarded(ls: LegalityServer, params: Any) -> Any:
            try:
                return await f(ls, params)
            except Exception:  # noqa: BLE001 - one bad answer must not end the session
                log.exception("%s failed", f.__name__)
                return default

        return guarded

    return wrap


def build(debounce: float = DEBOUNCE) -> LegalityServer:
    """A server with every feature registered."""
    server = LegalityServer(debounce)

    @server.feature(L.INITIALIZE)
    def initialize(ls: LegalityServer, params: L.InitializeParams) -> None:
        opts = params.initialization_options
        lang = opts.get("lang") if isinstance(opts, dict) else None
        if isinstance(lang, str) and lang.strip().lower() in i18n.LANGS:
            i18n.set_language(lang.strip().lower())
            ls.sets.forget()
        folders = params.workspace_folders or []
        root = folders[0].uri if folders else params.root_uri
        if root:
            ls.sets.stop = ls.path_of(root)

    @server.feature(L.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: LegalityServer, params: L.DidOpenTextDocumentParams) -> None:
        p = ls.path_of(params.text_document.uri)
        if p is not None:
            ls.schedule(ls.sets.for_file(p), 0)

    @server.feature(L.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: LegalityServer, params: L.DidChangeTextDocumentParams) -> None:
        p = ls.path_of(params.text_document.uri)
        if p is not None:
            ls.schedule(ls.sets.for_file(p), ls.debounce)

    @server.feature(L.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: LegalityServer, params: L.DidSaveTextDocumentParams) -> None:
        p = ls.path_of(params.text_document.uri)
        if p is not None:
            ls.schedule(ls.sets.for_file(p), 0, full=True)

    @server.feature(L.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: LegalityServer, params: L.DidCloseTextDocumentParams) -> None:
        p = ls.path_of(params.text_document.uri)
        if p is not None:  # the file's text on disk counts again
            ls.schedule(ls.sets.for_file(p), 0)

    @server.feature(L.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: LegalityServer, params: L.DidChangeWatchedFilesParams) -> None:
        """A rule file or a catalogue file changed on disk (git, another editor): compile its set again."""
        for change in params.changes:
            p = ls.path_of(change.uri)
            if p is None:
                continue
            for rs in list(ls.sets.by_root.values()):
                if rs.contains(p):
                    ls.schedule(rs, ls.debounce)

    @server.feature(L.TEXT_DOCUMENT_HOVER)
    @_quiet(None)
    async def hover(ls: LegalityServer, params: L.HoverParams) -> L.Hover | None:
        got = await ls.analysis(params.text_document.uri)
        if got is None:
            return None
        a, name, _path = got
        line, col = _position(ls, params.text_document.uri, a, name, params.position)
        found = F.hover(a, name, line, col)
        if found is None:
            return None
        text, span = found
        return L.Hover(contents=L.MarkupContent(kind=L.MarkupKind.Markdown, value=text),
                       range=ls.coder().range(Lines(a.unit.sources[name]), span))

    @server.feature(L.TEXT_DOCUMENT_DEFINITION)
    @_quiet(None)
    async def definition(ls: LegalityServer, params: L.DefinitionParams) -> L.Location | None:
        got = await ls.analysis(params.text_document.uri)
        if got is None:
            return None
        a, name, _path = got
        line, col = _position(ls, params.text_document.uri, a, name, params.position)
        target = F.definition(a, name, line, col)
        return _location(ls, a, target) if target is not None else None

    @server.feature(L.TEXT_DOCUMENT_COMPLETION, L.CompletionOptions(trigger_characters=["."]))
    @_quiet(L.CompletionList(is_incomplete=False, items=[]))
    async def completion(ls: LegalityServer, params: L.CompletionParams) -> L.CompletionList:
        got = await ls.analysis(params.text_document.uri, fresh=False)
        empty = L.CompletionList(is_incomplete=False, items=[])
        if got is None:
            return empty
        a, name, _path = got
        doc = ls.workspace.get_text_document(params.text_document.uri)
        lines = Lines(doc.source)  # the text on the screen: it need not parse
        line = params.position.line + 1
        col = ls.coder().column(lines.line(line), params.position.character)
        return L.CompletionList(is_incomplete=False, items=F.complete(a, name, doc.source, line, col))

    @server.feature(L.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_quiet([])
    async def document_symbol(ls: LegalityServer, params: L.DocumentSymbolParams) -> list[L.DocumentSymbol]:
        got = await ls.analysis(params.text_document.uri)
        if got is None:
            return []
        a, name, _path = got
        return F.symbols(a, name, ls.coder())

    return server


def serve(tcp: tuple[str, int] | None = None, debounce: float = DEBOUNCE) -> None:
    """Run until the client says exit: over stdin/stdout, or on a TCP port."""
    server = build(debounce)
    if tcp is not None:
        server.start_tcp(*tcp)
        return
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the JSON-RPC stream
    server.start_io(sys.stdin.buffer, out)
