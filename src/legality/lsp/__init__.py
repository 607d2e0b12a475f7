"""The language server for rule authors (`legality lsp`): the rule language in an editor.

Why a server and not an editor plug-in per editor: the compiler already knows everything an editor
should show — every diagnostic with its span, the name tables, the typed IR of each rule and fact, the
law catalogue — so one process that speaks the Language Server Protocol gives VS Code, Neovim, Helix
and Emacs the same diagnostics as `legality check`, hovers, go to definition, completion and an
outline, without a second parser that could drift from the grammar.

The modules, lowest first (only `server` needs pygls; the rest is plain Python over the compiler and
`lsprotocol`'s types, so tests can call it directly):

    ruleset.py   which rule set a file belongs to; compiling it with the editor's unsaved texts (the
                 driver's own stages, with a per-file parse cache and a cached law catalogue)
    index.py     what stands at a position: the IR nodes and AST names of a file, by span
    features.py  hover, definition, completion, document symbols, diagnostics → LSP types
    server.py    the pygls server: document sync, debounced compiles off the event loop, publishing

On the floor between `store` and `commands` (tests/test_layers.py): it reads the compiler, the law
catalogue and `words`; only `commands/lsp.py` imports it.
"""
