"""`legality lsp`: the language server for rule files (editors/vscode/README.md: editor setup)."""

from __future__ import annotations

import sys

import click

from ..i18n import _
from ._numbers import IntRange


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(_("ожидается HOST:PORT, например 127.0.0.1:2087"), ctx, param)
    return host, int(port)


@click.command("lsp")
@click.option("--tcp", metavar="HOST:PORT", callback=_address,
              help="listen on a TCP address instead of speaking over stdin/stdout")
@click.option("--debounce", type=IntRange(0, 10_000), default=300, show_default=True, metavar="MS",
              help="milliseconds to wait after the last change before compiling the rule set")
def lsp_cmd(tcp: tuple[str, int] | None, debounce: int) -> None:
    """Run the language server for rule files (Language Server Protocol, for VS Code, Neovim, Helix, Emacs).

    Diagnostics as you type (the same as `legality check`), hover, go to definition, completion and the
    outline of a rule file. Needs the `lsp` extra: pip install 'legality[lsp]'.
    """
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        click.echo(_("legality lsp: не установлен pygls (языковой сервер); установите: pip install 'legality[lsp]'"),
                   err=True)
        sys.exit(2)
    from ..lsp.server import serve

    serve(tcp, debounce / 1000)


COMMANDS = [lsp_cmd]
