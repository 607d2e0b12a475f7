"""What `scan`, `explain` and `protest` share before the first record: inputs, rules, one case.

Why exit here: these are the usage problems of exit code 2, each printed as a clear message on
stderr (what, where, how to fix) instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Sequence

import click

from ..diagnostics import sort_diagnostics
from .. import words
from ..i18n import _

if TYPE_CHECKING:  # annotations only: the engine and the reader load lazily, when a command needs them
    from ..engine import Engine
    from ..io.reader import RecordItem
    from ..io.sources import Source

EXIT_USAGE = 2


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # through the environment, so the scan's worker processes compile for themselves as well
    if value:
        os.environ["LEGALITY_NO_CACHE"] = "1"


no_cache_option = click.option(
    "--no-cache", is_flag=True, expose_value=False, callback=_no_cache,
    help="Compile the rule pack instead of loading it from the per-user cache of compiled packs, and do not "
         "store it there (also LEGALITY_NO_CACHE=1). The cache is keyed by the content of every rule and law file.")


def fail(message: str) -> NoReturn:
    from ..report.text import safe_text

    click.echo(f"legality: {safe_text(message)}", err=True)
    sys.exit(EXIT_USAGE)


def writable_or_exit(path: str | None, what: str) -> None:
    """An output file's directory must exist and be writable: say so before any work is done."""
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        fail(_("{what} {path}: каталог {parent} не существует; создайте его или укажите другой путь").format(what=what, path=path, parent=parent))
    if not os.access(parent, os.W_OK):
        fail(_("{what} {path}: нет прав на запись в каталог {parent}").format(what=what, path=path, parent=parent))
    if Path(path).is_dir():
        fail(_("{what} {path}: это каталог, а нужен путь к файлу").format(what=what, path=path))


def resolve_or_exit(paths: Sequence[str]) -> list[Source]:
    from ..io.reader import resolve_inputs
    from ..report.text import safe_text

    sources, errors = resolve_inputs(list(paths))
    for e in errors:
        click.echo(f"legality: {safe_text(e.path)}: {safe_text(e.message)}", err=True)
    if errors:
        fail(_("входные данные недоступны: проверьте путь и права на чтение"))
    if not sources:
        fail(_("во входных путях нет файлов .jsonl, .ndjson или .json: {join}").format(join=', '.join(paths)))
    return sources


def input_labels(sources: Sequence[Source]) -> list[tuple[str | None, str]]:
    """(path, what it is) of each input, as `report.atomic.output_conflict` names one an output would destroy."""
    return [(None, _("файл, поданный на стандартный ввод")) if s.path is None
            else (str(s.path), _("входной файл {name}").format(name=s.name)) for s in sources]


def compile_or_exit(rules_dir: str | Path) -> Engine:
    """The compiled engine; on compile errors print every diagnostic with its source line and exit 2."""
    from ..engine import Engine

    if not Path(rules_dir).is_dir():
        fail(_("каталог правил не найден: {rules_dir} (укажите --rules DIR)").format(rules_dir=rules_dir))
    engine, diags = Engine.compile(rules_dir)
    if engine is None:
        errors = [d for d in sort_diagnostics(diags) if d.is_error]
        for d in errors:
            click.echo(d.render(), err=True)
        fail(_("правила в {rules_dir} не компилируются ({errors}); исправьте их (`legality check {rules_dir}`)").format(
            rules_dir=rules_dir, errors=words.count(len(errors), "ошибка")))
    warnings = [d for d in diags if not d.is_error]
    if warnings:
        click.echo(_("legality: предупреждений при компиляции правил: {n} (подробно: `legality check {rules_dir}`)"
                     ).format(n=len(warnings), rules_dir=rules_dir), err=True)
    if engine.from_cache:
        import gc

        # one pack for the whole command: its hundred thousand objects, just loaded, leave the cyclic
        # collector's sight, or its first full pass over them costs about as much as loading them did
        gc.freeze()
    return engine


def find_case(paths: Sequence[str], case_id: str) -> RecordItem:
    """The decoded record (`RecordItem`) of `case_id`, or exit 2 saying where it was looked for.

    Only records whose bytes mention the id are decoded, so looking up one case in a large batch
    costs little more than reading it.  A record with any JSON escape is decoded too: the id may
    be written escaped (`"1-123\\/2024"` by PHP, `\\"`, `\\\\`, `\\uXXXX`), and then its bytes do not
    show it.
    """
    from ..io.reader import decode, iter_raw

    sources = resolve_or_exit(paths)
    needle = case_id.encode("utf-8")
    found = []
    for raw in iter_raw(sources):
        if raw.data is None or (needle not in raw.data and b"\\" not in raw.data):
            continue
        item = decode(raw)
        if item.case_id == case_id:
            found.append(item)
    if not found:
        fail(_("дело {case_id!r} не найдено в {paths} (файлов: {n}); проверьте --case (идентификатор записи case_id)"
               ).format(case_id=case_id, paths=", ".join(paths), n=len(sources)))
    if len(found) > 1:
        where = ", ".join(f"{i.file}:{i.line}" for i in found)
        from ..report.text import safe_text

        click.echo(safe_text(_("legality: записей с делом {case_id}: {n} ({where}); используется первая").format(
            case_id=case_id, n=len(found), where=where)), err=True)
    return found[0]


def read_code_text(path: Path) -> str:
    """A text of the Code (`law import`, `law diff`), or exit 2 saying in Russian why it cannot be read.

    Why not the exception's own text: Python's decoding and OS messages are English.
    """
    from ..report.atomic import os_error_ru

    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        fail(_("{path}: текст не в кодировке UTF-8 (байт 0x{value:02X} в позиции {start}); "
             "сохраните текст Кодекса в UTF-8 и повторите").format(path=path, value=e.object[e.start], start=e.start))
    except OSError as e:
        fail(_("не удалось прочитать {path}: {os_error_ru}").format(path=path, os_error_ru=os_error_ru(e)))
