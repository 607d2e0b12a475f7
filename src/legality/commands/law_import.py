"""`legality law import`: read the Code's text and write the sanction catalogue (registered by commands/law.py).

Exit codes: 0 the catalogue was written (even with parts that could not be read: they are listed and get
no entry); 1 the text was read but not one article could be written (not the Code, or a layout we do not
know); 2 usage errors and an unreadable file.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
import orjson

from ._inputs import read_code_text

COMMANDS: list[click.Command] = []  # a subcommand of `legality law`, not a top-level command


def _date(ctx: click.Context, param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"ожидается дата ГГГГ-ММ-ДД, получено «{value}»") from None


def _text_report(cov, written: int, unchanged: int, merged: list[str], out: Path, list_error: str | None) -> str:
    share = f"{cov.parsed_share * 100:.1f}".replace(".", ",")  # Russian decimal comma
    lines = [
        f"Статей Особенной части в тексте: {cov.articles} (исключённых: {cov.articles_repealed}); "
        f"записано статей с санкциями: {cov.articles_written}.",
        f"Частей в силе: {cov.parts} (исключённых частей: {cov.parts_repealed}); прочитано: {cov.parts_parsed} "
        f"({share} %); пунктов со своей санкцией: {cov.items_own}; записей каталога: {cov.entries}.",
        f"Файлов изменено: {written}, без изменений: {unchanged}; папка: {out}.",
    ]
    if merged:
        lines.append(f"Соединено с прежней редакцией каталога: {len(merged)} стат. ({', '.join(merged[:20])}"
                     f"{' …' if len(merged) > 20 else ''}).")
    if cov.skipped:
        lines.append(f"Не перезаписаны (в папке более новая редакция): {', '.join(cov.skipped)}.")
    if list_error:
        lines.append(f"Перечни ст.3 не прочитаны: {list_error}. Файл перечней не изменён.")
    if cov.failures:
        lines.append(f"Не прочитано ({len(cov.failures)}) — для этих мест записей нет, проверки по ним не выполняются:")
        for f in cov.failures:
            phrase = f" — «{f.phrase}»" if f.phrase else ""
            lines.append(f"  {f.where()}: {f.reason}{phrase}")
    return "\n".join(lines)


@click.command("import")
@click.argument("text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition-date", required=True, callback=_date,
              help="дата текста (ГГГГ-ММ-ДД): по состоянию на какой день скопирован текст Кодекса")
@click.option("--source", default=None, help="откуда взят текст (адрес); по умолчанию — имя файла")
@click.option("--edition", "edition_name", default=None, help="название редакции в каталоге")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="папка каталога (по умолчанию rules/law этой установки)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="отчёт о покрытии")
def import_cmd(text: Path, edition_date: date, source: str | None, edition_name: str | None, out: Path | None,
               fmt: str) -> None:
    """Прочитать текст УК РК и записать каталог санкций.

    TEXT — текст Кодекса: markdown-копия ЭБНПА или обычный текст, скопированный с adilet.zan.kz.
    Что не удалось прочитать, перечисляется по статьям и частям и в каталог не попадает.
    """
    from ..law.text.emit import write_catalogue
    from ..law.text.importer import import_code, load_existing
    from ..law.text.reader import read_code
    from ..resources import LAW_DIR

    raw = read_code_text(text)
    out = out or LAW_DIR
    source = source or text.name
    edition_name = edition_name or f"текст УК РК на {edition_date:%d.%m.%Y} ({text.name})"
    code = read_code(raw)
    existing = load_existing(out)
    result = import_code(code, edition_date, source, edition_name, existing)
    cov = result.coverage
    if not result.files:
        msg = "в тексте не найдено ни одной статьи Особенной части с санкцией — каталог не изменён"
        if fmt == "json":
            sys.stdout.write(orjson.dumps({"written": 0, "coverage": cov.as_json(), "error": msg}).decode() + "\n")
        else:
            click.echo(msg, err=True)
        sys.exit(1)
    written, unchanged, merged = write_catalogue(result.files, existing, result.lists, out, edition_date, source,
                                                 edition_name)
    if fmt == "json":
        doc = {"written": written, "unchanged": unchanged, "merged": merged, "out": str(out),
               "lists": {rl.name: rl.value for rl in result.lists}, "list_error": result.list_error,
               "coverage": cov.as_json()}
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        click.echo(_text_report(cov, written, unchanged, merged, out, result.list_error))
