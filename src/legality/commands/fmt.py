"""`legality fmt`: print rule files in the canonical layout (or rewrite them with --write, or --check)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--write", is_flag=True, help="rewrite the files in place")
@click.option("--check", "check_only", is_flag=True, help="exit 1 if a file is not in canonical layout")
def fmt_cmd(files, write, check_only):
    """Canonical layout of .legal files. Comments are not kept: use --check in CI, review before --write."""
    from ..syntax.parser import parse_text
    from ..syntax.printer import rule_file

    differs = 0
    for name in files:
        text = _read(name)
        f, diags = parse_text(text, name)
        if f is None:
            for d in diags:
                click.echo(d.render({name: text}), err=True)
            sys.exit(2)
        out = rule_file(f)
        if out != text:
            differs += 1
        if write:
            n = _comments(text)
            if n:
                click.echo(f"{name}: not rewritten: the canonical layout would drop {n} comment line(s)", err=True)
                continue
            _write(name, out)
        elif check_only:
            if out != text:
                click.echo(f"{name}: not in canonical layout", err=True)
        else:
            click.echo(out, nl=False)
    if check_only and differs:
        sys.exit(1)


def _read(name: str) -> str:
    try:
        data = Path(name).read_bytes()
    except OSError as e:
        _fail(f"{name}: не удаётся прочитать файл ({e.strerror or type(e).__name__})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        _fail(f"{name}: файл не в кодировке UTF-8 (неверный байт на позиции {e.start}); "
              "сохраните файл правил в UTF-8 и повторите")


def _write(name: str, text: str) -> None:
    """Atomic: on any failure the file keeps its previous content (F05: it used to be left empty)."""
    from ..report.atomic import write_atomic

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        _fail(f"{name}: не переписан: в тексте есть символ, который нельзя записать в UTF-8")
    try:
        write_atomic(name, data)
    except OSError as e:
        _fail(f"{name}: не удаётся записать файл ({e.strerror or type(e).__name__}); файл не изменён")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


def _comments(text: str) -> int:
    import re

    no_strings = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return sum(1 for line in no_strings.splitlines() if "#" in line)


COMMANDS = [fmt_cmd]
