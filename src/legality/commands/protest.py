"""`legality protest`: a draft prosecutor's appeal — one case (`--case ID`), or every reviewed case of a store.

One case: `legality protest PATH... --case ID [-o FILE.md|FILE.docx|FILE.pdf]` (Markdown on stdout without -o).

Batch: `legality protest --db legality.db [--status confirmed] -o DIR/ [PATH...]` drafts one `.docx` per case
whose candidates have that reviewer status, into DIR (created if missing), file names made from the case id.
Why the records are read again: the store keeps the findings and where each record was
(`records.file`, `.line`), not the verdict itself (the particulars a draft needs: court, episodes,
sentences, prior convictions).  So the verdicts are read from PATH... when given (the same export the
scan read, perhaps moved), else from the files the store names.  Each record is evaluated again with
the current rules and the draft carries the candidates with the reviewed status (matched by
fingerprint); a reviewed candidate the current rules no longer produce is drafted from the stored copy.

Exit codes: 0 every draft written (or, for one case, no candidates: said so); 1 batch: some cases could not
be drafted (their record was not found or is invalid: each is listed); 2 case not found, record invalid,
unreadable input, rules that do not compile, a store that cannot be read, an output the draft cannot be
written to, an output extension other than .md, .docx, .pdf, or .pdf without LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from .. import words
from ..i18n import _
from ..resources import RULES_DIR
from ..report.atomic import atomic_binary, os_error_ru, output_conflict, output_problem, writes_through
from ..report.protest import protest_context, render_markdown, write_docx
from ..report.text import safe_text
from ._inputs import fail, input_labels
from .explain import evaluable_case

SUFFIXES = (".md", ".docx", ".pdf")
EXIT_SOME_MISSING = 1


@click.command("protest")
@click.argument("paths", nargs=-1, required=False, metavar="[PATH...]")
@click.option("--case", "case_id", default=None, help="case_id of the record (one draft).")
@click.option("--db", "db", type=str, default=None,
              help="Batch: draft every case of this state store (written by `legality scan --db`) "
                   "whose candidates have the --status; -o names a directory.")
@click.option("--status", "statuses", multiple=True, default=("confirmed",), show_default=True,
              type=click.Choice(["new", "known", "confirmed"]),
              help="Batch: the reviewer status of the candidates to draft (repeatable).")
@click.option("--output", "-o", type=click.Path(), default=None,
              help="FILE.md (Markdown), FILE.docx (Word) or FILE.pdf (Word converted by LibreOffice, if installed); "
                   "default: Markdown on stdout. Batch: a directory for one .docx per case. Written atomically; "
                   "an input file is refused.")
@click.option("--rules", "rules_dir", type=click.Path(), default=str(RULES_DIR), show_default="the shipped rules/",
              help="Rule pack directory.")
def protest_cmd(paths: tuple[str, ...], case_id: str | None, db: str | None, statuses: tuple[str, ...],
                output: str | None, rules_dir: str) -> None:
    """Draft a prosecutor's appeal (апелляционное ходатайство): one case, or every confirmed case of a store.

    \b
    Example:
      legality protest fixtures/ --case 2024-0153-17 -o hodataistvo.docx
      legality protest --db legality.db --status confirmed -o drafts/ export.jsonl
    """
    if db is not None:
        if case_id is not None:
            fail(_("укажите либо --case (одно дело), либо --db (все дела хранилища), но не оба"))
        _batch(paths, db, statuses, output, rules_dir)
        return
    if case_id is None:
        fail(_("укажите --case ID (одно дело) или --db ФАЙЛ -o КАТАЛОГ/ (все подтверждённые дела)"))
    if not paths:
        fail(_("укажите файлы выгрузки (PATH...), в которых искать дело {case}").format(case=case_id))
    _check_output(paths, output)
    engine, item = evaluable_case(paths, case_id, rules_dir)
    ev = engine.evaluate(item.verdict)
    if not ev.candidates:
        click.echo(_("По делу {case} нарушений не найдено: ходатайство не составлено.").format(
            case=safe_text(case_id)), err=True)
        return
    ctx = _context(item.verdict, ev.candidates, engine, rules_dir)
    if output is None:
        sys.stdout.write(render_markdown(ctx))
        return
    _write(ctx, output)
    click.echo(_("Проект ходатайства по делу {case} ({n}): {path}").format(
        case=safe_text(case_id), n=words.count(len(ev.candidates), "нарушение"), path=safe_text(output)), err=True)


def _context(verdict: Any, candidates: list[Any], engine: Any, rules_dir: str) -> dict[str, Any]:
    from ..edition import edition_label
    from ..report.explain import fact_labels

    return protest_context(verdict, candidates, engine.version, edition=edition_label(rules_dir),
                           labels=fact_labels(engine))


def _write(ctx: dict[str, Any], output: str) -> None:
    suffix = Path(output).suffix.lower()
    try:
        if suffix == ".pdf":
            pdf = _to_pdf(ctx)
            with atomic_binary(output) as fh:
                fh.write(pdf)
            return
        with atomic_binary(output) as fh:
            if suffix == ".docx":
                write_docx(ctx, fh)
            else:
                fh.write(render_markdown(ctx).encode("utf-8"))
    except OSError as exc:
        kept = "" if writes_through(output) else _("; прежняя версия файла (если была) сохранена")
        fail(_("не удаётся записать {path}: {why}{kept}").format(path=safe_text(output), why=os_error_ru(exc), kept=kept))


def soffice() -> str | None:
    """LibreOffice's command, when installed (`soffice` or `libreoffice` on PATH)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _to_pdf(ctx: dict[str, Any]) -> bytes:
    """The .docx converted by LibreOffice headless, in a private temporary directory."""
    exe = soffice()
    if exe is None:
        fail(_("для -o .pdf нужен LibreOffice (команда soffice), а он не установлен; "
               "сохраните проект как .docx (-o ФАЙЛ.docx) и преобразуйте его в PDF в Word или LibreOffice"))
    with tempfile.TemporaryDirectory(prefix="legality-pdf-") as tmp:
        src = Path(tmp) / "draft.docx"
        with open(src, "wb") as fh:
            write_docx(ctx, fh)
        try:
            done = subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                                   "--convert-to", "pdf", "--outdir", tmp, str(src)],
                                  capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            fail(_("LibreOffice не смог преобразовать проект в PDF ({why}); сохраните его как .docx").format(
                why=type(e).__name__))
        pdf = Path(tmp) / "draft.pdf"
        if done.returncode != 0 or not pdf.is_file():
            fail(_("LibreOffice не смог преобразовать проект в PDF (код {code}); сохраните его как .docx").format(
                code=done.returncode))
        return pdf.read_bytes()


def _check_output(paths: tuple[str, ...], output: str | None) -> None:
    """Exit 2 before reading anything when the draft cannot go to `output` or would overwrite an input."""
    from ..io.reader import resolve_inputs

    if output is None:
        return
    problem = output_problem(output, "--output")
    if problem is None:
        sources, _errors = resolve_inputs(list(paths))  # unreadable inputs are reported by the lookup
        problem = output_conflict([(output, "--output")], input_labels(sources))
    if problem:
        fail(problem)
    # a device, a FIFO or /dev/fd/N is written through with Markdown, whatever its name
    if Path(output).suffix.lower() not in SUFFIXES and not writes_through(output):
        fail(_("{path}: проект ходатайства сохраняется как .md (Markdown), .docx (Word) или .pdf; "
               "укажите одно из этих расширений").format(path=safe_text(output)))
    if Path(output).suffix.lower() == ".pdf" and soffice() is None:
        fail(_("для -o .pdf нужен LibreOffice (команда soffice), а он не установлен; "
               "сохраните проект как .docx (-o ФАЙЛ.docx) и преобразуйте его в PDF в Word или LibreOffice"))


# ---- batch

def safe_name(case_id: str, taken: set[str]) -> str:
    """A file name from a case id: letters, digits, «-», «_», «.» kept (Cyrillic too), the rest «_»; unique."""
    base = re.sub(r"[^\w.-]+", "_", case_id, flags=re.UNICODE).strip("._") or "case"
    base = base[:100]
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name.lower())
    return name


def _reviewed(db: str, statuses: tuple[str, ...]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[tuple[str, int]]]]:
    """case id → its reviewed candidates (stored JSON, with the fingerprint); case id → where its records were."""
    from ..store.review import list_candidates
    from ._store import open_store, store_errors

    from ..store.dialect import is_postgres_url, sqlite_path

    if not is_postgres_url(db) and not Path(sqlite_path(db)).is_file():
        fail(_("хранилище {db} не найдено; сначала выполните `legality scan … --db {db}`").format(db=safe_text(db)))
    conn = open_store(db, readonly=True)
    with store_errors(db):
        rows, _total = list_candidates(conn, statuses=statuses)
        by_case: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            cand = dict(r["candidate"])
            cand.setdefault("fingerprint", r["fingerprint"])
            by_case.setdefault(r["case_id"] or "", []).append(cand)
        where: dict[str, list[tuple[str, int]]] = {}
        for case in by_case:
            where[case] = [(f, int(ln)) for f, ln in conn.execute(
                "SELECT file, line FROM records WHERE case_id = ? ORDER BY last_run DESC", (case,))]
    conn.close()
    return by_case, where


def _batch(paths: tuple[str, ...], db: str, statuses: tuple[str, ...], output: str | None, rules_dir: str) -> None:
    from ..io.reader import decode, iter_raw, resolve_inputs
    from ._inputs import compile_or_exit

    if output is None:
        fail(_("для --db укажите каталог для проектов: -o КАТАЛОГ/"))
    out_dir = Path(output)
    if out_dir.exists() and not out_dir.is_dir():
        fail(_("{path}: для --db нужен каталог, а это файл").format(path=safe_text(output)))
    by_case, where = _reviewed(db, statuses)
    if not by_case:
        from ..store.db import shown

        click.echo(_("В хранилище {db} нет замечаний с таким статусом: проекты не составлены.").format(
            db=safe_text(shown(db))), err=True)
        return
    engine = compile_or_exit(rules_dir)
    # the records: from PATH... when given, else from the files the store names
    files = list(paths) or sorted({f for locs in where.values() for f, _ln in locs})
    sources, errors = resolve_inputs([f for f in files if paths or Path(f).exists()])
    if paths and errors:
        for e in errors:
            click.echo(f"legality: {safe_text(e.path)}: {safe_text(e.message)}", err=True)
        fail(_("входные данные недоступны: проверьте путь и права на чтение"))
    wanted = set(by_case)
    found: dict[str, Any] = {}  # case id → its RecordItem
    invalid: dict[str, str] = {}
    for raw in iter_raw(sources):
        if raw.data is None:
            continue
        if not any(c.encode("utf-8") in raw.data for c in wanted - set(found)) and b"\\" not in raw.data:
            continue
        item = decode(raw)
        if item.case_id in wanted and item.case_id not in found:
            if item.verdict is None:
                invalid[item.case_id] = f"{item.file}:{item.line}"
            else:
                found[item.case_id] = item
                invalid.pop(item.case_id, None)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(_("не удаётся создать каталог {path}: {why}").format(path=safe_text(output), why=os_error_ru(exc)))
    from ..edition import edition_label
    from ..report.explain import fact_labels

    edition, labels = edition_label(rules_dir), fact_labels(engine)
    taken: set[str] = set()
    written, missing = 0, []  # type: tuple[int, list[tuple[str, str]]]
    for case in sorted(by_case):
        rec = found.get(case)
        if rec is None or rec.verdict is None:
            why = (_("запись не соответствует формату выгрузки ({where})").format(where=invalid[case])
                   if case in invalid else _("запись не найдена во входных файлах"))
            missing.append((case, why))
            continue
        reviewed = by_case[case]
        fresh = {c.fingerprint: c for c in engine.evaluate(rec.verdict).candidates}
        candidates = [fresh.get(c.get("fingerprint", ""), c) for c in reviewed]
        ctx = protest_context(rec.verdict, candidates, engine.version, edition=edition, labels=labels)
        path = out_dir / (safe_name(case, taken) + ".docx")
        try:
            with atomic_binary(path) as fh:
                write_docx(ctx, fh)
        except OSError as exc:
            fail(_("не удаётся записать {path}: {why}").format(path=safe_text(str(path)), why=os_error_ru(exc)))
        written += 1
    for case, why in missing:
        click.echo(_("legality: дело {case}: проект не составлен — {why}").format(case=safe_text(case), why=why), err=True)
    click.echo(_("Проекты ходатайств: {written} в {dir}; не составлено: {missing}.").format(
        written=words.count(written, "дело"), dir=safe_text(str(out_dir)), missing=words.count(len(missing), "дело")),
        err=True)
    if missing:
        sys.exit(EXIT_SOME_MISSING)


COMMANDS = [protest_cmd]
