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

from ..i18n import N_, _
from ._inputs import read_code_text

COMMANDS: list[click.Command] = []  # a subcommand of `legality law`, not a top-level command

# what happened to the General Part's outline (rules/law/outline/general.yaml, read by lint W106)
_OUTLINE_REPORT = {
    "written": N_("Оглавление Общей части записано: статей {n}."),
    "unchanged": N_("Оглавление Общей части без изменений: статей {n}."),
    "newer": N_("Оглавление Общей части не перезаписано: в папке оглавление из более нового текста."),
}


def _date(ctx: click.Context, param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("ожидается дата ГГГГ-ММ-ДД, получено «{value}»").format(value=value)) from None


def _text_report(cov, written: int, unchanged: int, merged: list[str], out: Path, list_error: str | None) -> str:
    share = f"{cov.parsed_share * 100:.1f}".replace(".", ",")  # Russian decimal comma
    lines = [
        _("Статей Особенной части в тексте: {articles} (исключённых: {articles_repealed}); "
        "записано статей с санкциями: {articles_written}.").format(articles=cov.articles, articles_repealed=cov.articles_repealed, articles_written=cov.articles_written),
        _("Частей в силе: {parts} (исключённых частей: {parts_repealed}); прочитано: {parts_parsed} "
        "({share} %); пунктов со своей санкцией: {items_own}; записей каталога: {entries}.").format(parts=cov.parts, parts_repealed=cov.parts_repealed, parts_parsed=cov.parts_parsed, share=share, items_own=cov.items_own, entries=cov.entries),
        _("Файлов изменено: {written}, без изменений: {unchanged}; папка: {out}.").format(written=written, unchanged=unchanged, out=out),
    ]
    if merged:
        lines.append(_("Соединено с прежней редакцией каталога: {len} стат. ({join}"
                     "{value}).").format(len=len(merged), join=', '.join(merged[:20]), value=' …' if len(merged) > 20 else ''))
    if cov.skipped:
        lines.append(_("Не перезаписаны (в папке более новая редакция): {join}.").format(join=', '.join(cov.skipped)))
    if list_error:
        lines.append(_("Перечни ст.3 не прочитаны: {list_error}. Файл перечней не изменён.").format(list_error=list_error))
    if cov.failures:
        lines.append(_("Не прочитано ({len}) — для этих мест записей нет, проверки по ним не выполняются:").format(len=len(cov.failures)))
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
    from ..law.text.outline import write_outline
    from ..law.text.reader import read_code
    from ..resources import LAW_DIR

    raw = read_code_text(text)
    out = out or LAW_DIR
    source = source or text.name
    edition_name = edition_name or _("текст УК РК на {edition_date:%d.%m.%Y} ({name})").format(edition_date=edition_date, name=text.name)
    code = read_code(raw)
    existing = load_existing(out)
    result = import_code(code, edition_date, source, edition_name, existing)
    cov = result.coverage
    if not result.files:
        msg = _("в тексте не найдено ни одной статьи Особенной части с санкцией — каталог не изменён")
        if fmt == "json":
            sys.stdout.write(orjson.dumps({"written": 0, "coverage": cov.as_json(), "error": msg}).decode() + "\n")
        else:
            click.echo(msg, err=True)
        sys.exit(1)
    written, unchanged, merged = write_catalogue(result.files, existing, result.lists, out, edition_date, source,
                                                 edition_name)
    outline_articles, outline_state = write_outline(code, out, edition_date, source, edition_name)
    if fmt == "json":
        doc = {"written": written, "unchanged": unchanged, "merged": merged, "out": str(out),
               "lists": {rl.name: rl.value for rl in result.lists}, "list_error": result.list_error,
               "coverage": cov.as_json(), "outline": {"articles": outline_articles, "state": outline_state}}
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        click.echo(_text_report(cov, written, unchanged, merged, out, result.list_error))
        if outline_state != "none":
            click.echo(_(_OUTLINE_REPORT[outline_state]).format(n=outline_articles))
