"""`legality fmt`: tidy the layout of rule files, keeping every comment, blank line and line break.

Exit codes: 0 done (or, with --check, every file already tidy); 1 with --check when a file would change;
2 when a file cannot be read, parsed, laid out without loss or written — it is then left as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from ..i18n import _


def _files(paths: tuple[str, ...]) -> list[str]:
    """The rule files named, and the `*.legal` files below each folder named (default: the shipped rules/)."""
    if not paths:
        from ..diagnostics import display_path
        from ..resources import RULES_DIR

        paths = (display_path(RULES_DIR),)
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*.legal")))
        else:
            out.append(p)
    return out


@click.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(exists=True))
@click.option("--write", is_flag=True, help="rewrite the files in place")
@click.option("--check", "check_only", is_flag=True, help="exit 1 if a file is not in canonical layout")
@click.option("--diff", "show_diff", is_flag=True, help="print what would change, as a unified diff")
def fmt_cmd(files, write, check_only, show_diff):
    """Tidy the layout of .legal files (default: rules/), keeping comments and line breaks."""
    import difflib

    from ..syntax.layout import LayoutError, format_text

    differs = failed = 0
    for name in _files(files):
        text = _read(name)
        try:
            out, diags = format_text(text, name)
        except LayoutError as e:
            click.echo(_("{name}: не переписан: форматирование изменило бы содержание файла ({why})").format(
                name=name, why=e), err=True)
            failed += 1
            continue
        if out is None:
            for d in diags:
                click.echo(d.render({name: text}), err=True)
            failed += 1
            continue
        changed = out != text
        differs += changed
        if show_diff and changed:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), out.splitlines(True),
                                                    f"{name}", f"{name} (fmt)")), nl=False)
        if write:
            if changed:
                _write(name, out)
        elif check_only:
            if changed:
                click.echo(_("{name}: оформление отличается от принятого (исправит legality fmt --write)").format(
                    name=name), err=True)
        elif not show_diff:
            click.echo(out, nl=False)
    if failed:
        sys.exit(2)
    if check_only and differs:
        sys.exit(1)


def _read(name: str) -> str:
    try:
        data = Path(name).read_bytes()
    except OSError as e:
        _fail(_("{name}: не удаётся прочитать файл ({why})").format(name=name, why=e.strerror or type(e).__name__))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        _fail(_("{name}: файл не в кодировке UTF-8 (неверный байт на позиции {pos}); "
                "сохраните файл правил в UTF-8 и повторите").format(name=name, pos=e.start))


def _write(name: str, text: str) -> None:
    """Atomic: on any failure the file keeps its previous content (F05: it used to be left empty)."""
    from ..report.atomic import write_atomic

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        _fail(_("{name}: не переписан: в тексте есть символ, который нельзя записать в UTF-8").format(name=name))
    try:
        write_atomic(name, data)
    except OSError as e:
        _fail(_("{name}: не удаётся записать файл ({why}); файл не изменён").format(
            name=name, why=e.strerror or type(e).__name__))


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


COMMANDS = [fmt_cmd]
