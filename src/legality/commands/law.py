"""`legality law`: the law catalogue as a user sees it — one entry (`show`), what was imported (`status`), what
changed between two editions (`diff`), and bringing in a text (`import`, in law_import.py).

Why a command group: a prosecutor's office that brings in a newer text of the Code must be able to see what the
tool now trusts, and what the change touches (rules, rule tests, fixtures), before it scans verdicts with it.
Exit codes: 0 done; 2 usage errors, an unknown article or part, an unreadable catalogue or text.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import click
import orjson

from .. import words
from ..i18n import _, language
from ._inputs import read_code_text
from .law_import import import_cmd
from ._numbers import Int


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("ожидается дата ГГГГ-ММ-ДД, получено «{value}»").format(value=value)) from None


def _load(folder: Path | None) -> Any:
    from ..law import Catalogue
    from ..law.catalogue import CatalogueError

    try:
        return Catalogue.load(folder)
    except CatalogueError as e:
        head = "; ".join(d.header() for d in e.diagnostics[:3])
        click.echo(_("legality: каталог законов не читается ({value}): {head}").format(value=folder or 'rules/law', head=head), err=True)
        sys.exit(2)


def _out(doc: Any) -> None:
    sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")


# ---------------------------------------------------------------------------- show


def _amount(q: Any) -> dict[str, Any] | None:
    """The issue's amounts: {"mrp": N}, {"multiple": N}, {"hours": N}, {"days": N}, {"years": Y, "months": M}."""
    if q is None:
        return None
    if q.unit == "term":
        j = q.to_json()
        out = {"years": j["years"], "months": j["months"]}
        if j["days"]:
            out["days"] = j["days"]
        return out
    return q.to_json()


def _term(a: Any) -> Any:
    if a.lifelong:
        return "lifelong"
    if a.max is None:
        return None
    return _term_json(a.max)


def _term_json(q: Any) -> Any:
    j = q.to_json()
    return {k: v for k, v in j.items() if v or k == "years"}


def entry_json(s: Any, lk: Any, on: date) -> dict[str, Any]:
    return {
        "article": s.article, "part": s.part, "item": s.paragraph, "on": on.isoformat(),
        "edition": {"name": s.edition, "source": s.source, "valid_from": s.valid_from.isoformat(),
                    "valid_to": s.valid_to.isoformat() if s.valid_to else None, "verified": s.verified,
                    "current_edition_verified": lk.current_edition_verified, "window": s.window,
                    "note": lk.message},
        "category": s.category.value, "corruption": s.corruption,
        "principal": [{"kind": o.kind.value, "min": _amount(o.min), "max": _amount(o.max)} for o in s.principal],
        "additional": [{"kind": a.kind.value, "mandatory": a.mandatory, "term": _term(a),
                        **({"min": _term_json(a.min)} if getattr(a, "min", None) is not None else {}),
                        **({"up_to": "lifelong"} if getattr(a, "lifelong_allowed", False) else {})}
                       for a in s.additional],
    }


def _range(lo: Any, hi: Any, fixed: bool = False) -> str:
    """«не менее 2 лет; не более 5 лет», «сроком 3 года» — in words (legality.words), never «3 г.»."""
    if fixed and hi is not None:
        return _("сроком {term}").format(term=words.say(hi))
    return words.allowed_words({"min": lo, "max": hi})


def entry_text(s: Any, lk: Any, on: date) -> str:
    lines = [_("{cite} «{title}» — {summary}").format(cite=words.article(s.ref), title=s.title, summary=s.summary), _("  на {on:%d.%m.%Y}: {message}").format(on=on, message=lk.message),
             _("  редакция: {edition}; действует {span}").format(edition=s.edition, span=_span(s.valid_from, s.valid_to)),
             (_("  категория: {category}; коррупционное (ст.3 п.29)") if s.corruption else _("  категория: {category}")).format(
                 category=s.category.label(language())),
             _("  основные наказания:")]
    for o in s.principal:
        if o.min is None and o.max is None:
            lines.append(f"    {o.kind.label(language())}")
        else:
            lines.append(f"    {o.kind.label(language())}: {_range(o.min, o.max, o.fixed)}"
                         + (_(" (кратность: {base})").format(base=o.base) if o.base else ""))
    if s.additional:
        lines.append(_("  дополнительные наказания:"))
        for a in s.additional:
            lo = getattr(a, "min", None)
            if a.lifelong:
                term = _("пожизненно; ")
            elif getattr(a, "lifelong_allowed", False):
                term = (_("не менее {term}, вплоть до пожизненного; ").format(term=words.say(lo)) if lo is not None
                        else _("вплоть до пожизненного; "))
            elif a.max is not None:
                term = _range(lo, a.max, a.fixed) + "; "
            elif a.kind.value == "ban_on_office":
                term = _("срок по Общей части (ст.50); ")
            else:
                term = ""
            how = _("обязательно") if a.mandatory else _("по усмотрению суда")
            tie = _("; только с видом «{kind}»").format(kind=a.with_kind.label(language())) if a.with_kind else ""
            lines.append(f"    {a.kind.label(language())}: {term}{how}{tie}")
    else:
        lines.append(_("  дополнительные наказания: не предусмотрены"))
    return "\n".join(lines)


def _span(a: date, b: date | None) -> str:
    return _("с {a:%d.%m.%Y} по {b:%d.%m.%Y}").format(a=a, b=b) if b else _("с {a:%d.%m.%Y}").format(a=a)


@click.command("show")
@click.argument("article")
@click.option("--part", default=None, help="часть: 2, или 3-1 для части, вставленной поправкой")
@click.option("--item", type=Int(), default=None, metavar="N", help="пункт части, если у него своя санкция")
@click.option("--on", "on", callback=_date, default=None, help="дата (ГГГГ-ММ-ДД), на которую нужна редакция; "
              "по умолчанию — последний день, по который сверен текст")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--law", "law_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="папка каталога (по умолчанию rules/law этой установки)")
def show_cmd(article: str, part: str | None, item: int | None, on: date | None, fmt: str, law_dir: Path | None) -> None:
    """Санкция статьи (части, пункта) УК РК в редакции на дату.

    Без --part выводятся все части статьи (в JSON — по объекту в строке).
    """
    from ..model.values import ArticleRef, part_value

    try:
        p = part_value(part)
        ArticleRef(article)  # a well-formed article number
        if not article.replace("-", "").isdigit():
            raise ValueError(article)
    except ValueError:
        raise click.UsageError(_("не понимаю статью/часть: статья «{article}», часть «{part}» "
                               "(пример: 188 --part 2, 120 --part 3-1)").format(article=article, part=part)) from None
    cat = _load(law_dir)
    general = getattr(cat, "general_article", lambda _a: None)(article)
    if general is not None and not any(s.article == article for s in cat.sanctions()):
        from ._outline import show_outline  # the General Part: its outline, it has no sanctions

        show_outline(general, p, item, fmt)
        return
    when = on or _newest(cat) or date.today()
    if p is None and item is None:
        refs = sorted({s.ref for s in cat.sanctions() if s.article == article})
    else:
        refs = [ArticleRef(article, p, item)]
    if not refs:
        refs = [ArticleRef(article)]
    out: list[str] = []
    missing: list[str] = []
    for ref in refs:
        lk = cat.sanction(ref, when)
        if not lk.found:
            missing.append(lk.message)
            continue
        if fmt == "json":
            out.append(orjson.dumps(entry_json(lk.sanction, lk, when)).decode())
        else:
            out.append(entry_text(lk.sanction, lk, when))
    if out:
        click.echo(("\n" if fmt == "json" else "\n\n").join(out))
    for m in missing:
        click.echo(f"legality: {m}", err=True)
    if missing and not out:
        sys.exit(2)


def _newest(cat: Any) -> date | None:
    return max((s.verified_until for s in cat.sanctions() if s.verified_until), default=None)


# ---------------------------------------------------------------------------- status


def status_data(cat: Any) -> dict[str, Any]:
    sanctions = cat.sanctions()
    newest = _newest(cat)
    editions: dict[str, date | None] = {}
    for s in sanctions:
        if s.verified_until and (editions.get(s.edition) is None or s.verified_until > editions[s.edition]):
            editions[s.edition] = s.verified_until
        editions.setdefault(s.edition, None)
    current = [s for s in sanctions if s.valid_to is None]
    parts = {(s.article, s.part, s.paragraph) for s in sanctions}
    unverified = sorted({str(s.ref) for s in current if not s.verified}, key=_ref_key)
    stale = sorted({s.article for s in current if newest and s.verified_until and s.verified_until < newest},
                   key=_art_key)
    windows = [f"{s.ref}: {_span(s.valid_from, s.valid_to)}"
               for s in sorted((s for s in sanctions if s.window), key=lambda s: (s.ref.sort_key(), s.valid_from))]
    open_articles = {s.article for s in current}
    repealed = [a for a in cat.articles() if cat.article_repealed(a)]
    ended = [a for a in cat.articles() if a not in open_articles and not cat.article_repealed(a)]
    return {
        "newest_edition": newest.isoformat() if newest else None,
        "editions": [{"name": k, "verified_until": v.isoformat() if v else None}
                     for k, v in sorted(editions.items(), key=lambda kv: (kv[1] or date.min, kv[0]))],
        "articles": len(cat.articles()), "articles_in_force": len({s.article for s in current}),
        "parts": len(parts), "parts_in_force": len({(s.article, s.part, s.paragraph) for s in current}),
        "entries": len(sanctions), "repealed": repealed, "ended": ended,
        "unverified": unverified, "older_text": stale, "windows": windows,
        "parameters": len(cat.param_names()),
    }


def _ref_key(text: str) -> Any:
    from ..model.values import ArticleRef
    try:
        return ArticleRef.parse(text).sort_key()
    except ValueError:
        return (10**9,)


def _art_key(a: str) -> Any:
    from ..model.values import ArticleRef
    return ArticleRef(a).sort_key()


def status_text(d: dict[str, Any]) -> str:
    newest = date.fromisoformat(d["newest_edition"]).strftime("%d.%m.%Y") if d["newest_edition"] else _("неизвестна")
    lines = [_("Новейшая редакция текста в каталоге: по {newest}.").format(newest=newest),
             _("Статей: {articles} (действующих: {articles_in_force}); частей и пунктов со своей санкцией: "
             "{parts} (действующих: {parts_in_force}); записей по редакциям: {entries}; "
             "параметров Общей части: {parameters}.").format(articles=d['articles'], articles_in_force=d['articles_in_force'], parts=d['parts'], parts_in_force=d['parts_in_force'], entries=d['entries'], parameters=d['parameters'])]
    for e in d["editions"]:
        until = date.fromisoformat(e["verified_until"]).strftime("%d.%m.%Y") if e["verified_until"] else "—"
        lines.append(_("  редакция «{name}»: текст сверен по {until}").format(name=e['name'], until=until))
    if d["repealed"]:
        lines.append(_("Исключённые статьи: {join}.").format(join=', '.join(d['repealed'])))
    if d["ended"]:
        lines.append(_("Статьи, чья последняя известная редакция закончилась (новая не загружена — деяния после её "
                     "окончания не проверяются): {join}.").format(join=', '.join(d['ended'])))
    lines.append(_("Не сверено с текстом Кодекса: ")
                 + (", ".join(d["unverified"]) if d["unverified"] else _("нет")) + ".")
    if d["older_text"]:
        lines.append(_("Статьи, прочитанные по более старому тексту, чем новейший: {join}; "
                     "после даты их текста санкции не сверены.").format(join=', '.join(d['older_text'])))
    if d["windows"]:
        lines.append(_("Окна вступления поправок в силу (точный день неизвестен, проверяется только общее для двух "
                     "редакций): ") + "; ".join(d["windows"]) + ".")
    if d["newest_edition"]:
        lines.append(_("Деяния после {newest} проверяются по последней известной редакции без сверки: "
                     "внесите более новый текст (`legality law import`).").format(newest=newest))
    return "\n".join(lines)


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--law", "law_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="папка каталога (по умолчанию rules/law этой установки)")
def status_cmd(fmt: str, law_dir: Path | None) -> None:
    """Что в каталоге: новейшая редакция, сколько статей и частей, что не сверено."""
    d = status_data(_load(law_dir))
    if fmt == "json":
        _out(d)
    else:
        click.echo(status_text(d))


# ---------------------------------------------------------------------------- diff


def _current(cat: Any) -> dict[tuple[str, Any, Any], Any]:
    """Per provision, its newest edition (the one still in force, else the last one)."""
    out: dict[tuple[str, Any, Any], Any] = {}
    for s in cat.sanctions():
        key = (s.article, s.part, s.paragraph)
        if key not in out or s.valid_from >= out[key].valid_from:
            out[key] = s
    return out


def _describe(s: Any) -> list[str]:
    bits = [_("категория: {category}").format(category=s.category.label(language()))]
    for o in s.principal:
        kind = o.kind.label(language())
        bits.append(f"{kind} {_range(o.min, o.max, o.fixed)}" if o.max is not None else kind)
    for a in s.additional:
        term = _("пожизненно") if a.lifelong else (_range(getattr(a, "min", None), a.max, a.fixed) if a.max else "")
        bits.append((_("доп.: {kind} {term} (обязательно)") if a.mandatory else _("доп.: {kind} {term} (по усмотрению)")).format(
            kind=a.kind.label(language()), term=term).replace("  ", " "))
    if s.corruption:
        bits.append(_("коррупционное"))
    return bits


def changes(a: Any, b: Any) -> list[dict[str, Any]]:
    ca, cb = _current(a), _current(b)
    out = []
    for key in sorted(set(ca) | set(cb), key=lambda k: _ref(k).sort_key()):
        x, y = ca.get(key), cb.get(key)
        ref = str(_ref(key))
        if x is None:
            assert y is not None  # the key came from one of the two
            out.append({"ref": ref, "article": key[0], "part": key[1], "item": key[2], "change": "added",
                        "before": None, "after": _describe(y), "since": y.valid_from.isoformat()})
        elif y is None:
            out.append({"ref": ref, "article": key[0], "part": key[1], "item": key[2], "change": "removed",
                        "before": _describe(x), "after": None, "since": None})
        else:
            dx, dy = _describe(x), _describe(y)
            if dx != dy or (x.valid_to is None) != (y.valid_to is None):
                out.append({"ref": ref, "article": key[0], "part": key[1], "item": key[2],
                            "change": "ended" if y.valid_to is not None and x.valid_to is None else "changed",
                            "before": [t for t in dx if t not in dy], "after": [t for t in dy if t not in dx],
                            "since": y.valid_from.isoformat()})
    return out


def _ref(key: tuple[str, Any, Any]) -> Any:
    from ..model.values import ArticleRef
    return ArticleRef(*key)


def _offences_of(record: Any) -> Iterable[tuple[str, Any, Any]]:
    if not isinstance(record, dict):
        return
    for o in record.get("offences") or []:
        if isinstance(o, dict):
            yield str(o.get("article")), o.get("part"), o.get("paragraph")


def _hits(key: tuple[str, Any, Any], offences: Iterable[tuple[str, Any, Any]]) -> bool:
    from ..model.values import part_value

    for art, part, item in offences:
        try:
            p = part_value(part)
        except ValueError:
            continue
        if art == key[0] and (key[1] is None or p == key[1]) and (key[2] is None or item == key[2]):
            return True
    return False


def readers(changed: list[dict[str, Any]], rules_dir: Path | None) -> dict[str, Any]:
    """Which rules read a sanction (all of them apply to every article), and which rule tests and fixtures
    hold a record under a changed article/part."""
    from ..driver import display_path
    from ..engine import Engine
    from ..resources import RULES_DIR
    from ..ruletest import load_tests

    rdir = rules_dir or RULES_DIR
    engine, _diags = Engine.compile(rdir)
    rules: list[str] = []
    if engine is not None:
        prog = engine._program  # noqa: SLF001 - which compiled rules read `offence.sanction`
        rules = sorted(rid for rid, c in prog.compiled.items() if c.reads_sanction)
    tests, _problems = load_tests(Path(rdir), display_path)
    fixtures_dir = Path(rdir).parent / "fixtures"
    fixture_records: list[tuple[str, int, Any]] = []
    if fixtures_dir.is_dir():
        for f in sorted(fixtures_dir.rglob("*.jsonl")) + sorted(fixtures_dir.rglob("*.json")):
            try:
                raw = f.read_bytes()
            except OSError:
                continue
            if f.suffix == ".json":
                try:
                    doc = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                for i, r in enumerate(doc if isinstance(doc, list) else [doc]):
                    fixture_records.append((display_path(f), i + 1, r))
                continue
            for i, line in enumerate(raw.splitlines(), 1):
                try:
                    fixture_records.append((display_path(f), i, orjson.loads(line)))
                except orjson.JSONDecodeError:
                    continue
    out_tests: dict[str, list[str]] = {}
    out_fix: dict[str, list[str]] = {}
    for c in changed:
        key = (c["article"], c["part"], c["item"])
        out_tests[c["ref"]] = [f"{t.file}:{t.line} {t.name}" for t in tests if _hits(key, _offences_of(t.record))]
        out_fix[c["ref"]] = [f"{f}:{n}" + (f" {r.get('case_id')}" if isinstance(r, dict) and r.get("case_id") else "")
                             for f, n, r in fixture_records if _hits(key, _offences_of(r))]
    return {"rules": rules, "rule_tests": out_tests, "fixtures": out_fix}


def _catalogue_of(path: Path, when: date | None, tmp: Path, label: str) -> Any:
    if path.is_dir():
        return _load(path)
    if when is None:
        raise click.UsageError(_("{label}: для текста Кодекса нужна дата его редакции (--date-{lower} ГГГГ-ММ-ДД)").format(label=label, lower=label.lower()))
    try:
        from ..law.text.emit import write_catalogue
        from ..law.text.importer import import_code
        from ..law.text.reader import read_code
    except ImportError:
        raise click.UsageError(_("чтение текста Кодекса в этой установке недоступно: сравните папки каталога")) from None
    raw = read_code_text(path)
    result = import_code(read_code(raw), when, path.name, _("текст УК РК на {when:%d.%m.%Y} ({name})").format(when=when, name=path.name), {})
    if not result.files:
        click.echo(_("legality: в {path} не найдено ни одной статьи Особенной части с санкцией").format(path=path), err=True)
        sys.exit(2)
    out = tmp / label
    (out / "sanctions").mkdir(parents=True)
    write_catalogue(result.files, {}, [], out, when, path.name, _("текст УК РК на {when:%d.%m.%Y}").format(when=when))
    return _load(out)


def diff_text(changed: list[dict[str, Any]], who: dict[str, Any]) -> str:
    if not changed:
        return _("Санкции не различаются.")
    word = {"added": _("добавлена"), "removed": _("нет во второй редакции"), "changed": _("изменена"), "ended": _("утратила силу")}
    lines = [_("Различий: {len}.").format(len=len(changed))]
    for c in changed:
        since = _(" (с {fromisoformat:%d.%m.%Y})").format(fromisoformat=date.fromisoformat(c['since'])) if c["since"] else ""
        lines.append(_("{cite} — {word}{since}").format(cite=words.cite(c["ref"]), word=word[c['change']], since=since))
        if c["before"]:
            lines.append(_("  было: ") + "; ".join(c["before"]))
        if c["after"]:
            lines.append(_("  стало: ") + "; ".join(c["after"]))
        t, f = who["rule_tests"].get(c["ref"], []), who["fixtures"].get(c["ref"], [])
        if t:
            lines.append(_("  тесты правил с этой статьёй/частью ({len}): ").format(len=len(t)) + "; ".join(t[:10]) + (" …" if len(t) > 10 else ""))
        if f:
            lines.append(_("  образцы приговоров ({len}): ").format(len=len(f)) + "; ".join(f[:10]) + (" …" if len(f) > 10 else ""))
    lines.append(_("Санкцию читают правила ({len}), каждое — для любой статьи: ").format(len=len(who['rules']))
                 + ", ".join(who["rules"]) + _(". Перепроверьте их тесты: `legality test`."))
    return "\n".join(lines)


@click.command("diff")
@click.argument("a", type=click.Path(exists=True, path_type=Path))
@click.argument("b", type=click.Path(exists=True, path_type=Path))
@click.option("--date-a", callback=_date, default=None, help="дата редакции A, если A — текст Кодекса")
@click.option("--date-b", callback=_date, default=None, help="дата редакции B, если B — текст Кодекса")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="набор правил, чьи тесты и образцы проверять (по умолчанию — поставляемый)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def diff_cmd(a: Path, b: Path, date_a: date | None, date_b: date | None, rules_dir: Path | None, fmt: str) -> None:
    """Что изменилось между двумя редакциями: A и B — папки каталога или тексты Кодекса.

    По каждой статье и части: что было и что стало; какие правила читают санкцию, какие тесты правил и
    образцы приговоров содержат изменённую статью.
    """
    with tempfile.TemporaryDirectory(prefix="legality-law-diff-") as tmp:
        ca = _catalogue_of(a, date_a, Path(tmp), "A")
        cb = _catalogue_of(b, date_b, Path(tmp), "B")
        changed = changes(ca, cb)
    who = readers(changed, rules_dir) if changed else {"rules": [], "rule_tests": {}, "fixtures": {}}
    if fmt == "json":
        _out({"changes": changed, "rules": who["rules"], "rule_tests": who["rule_tests"], "fixtures": who["fixtures"]})
    else:
        click.echo(diff_text(changed, who))


@click.group("law")
def law() -> None:
    """Каталог законов: санкции статей УК РК по редакциям (show, status, diff, import)."""


law.add_command(import_cmd, "import")
law.add_command(show_cmd, "show")
law.add_command(status_cmd, "status")
law.add_command(diff_cmd, "diff")

COMMANDS = [law]
