"""`legality law import`: the Code's text → one catalogue file per Special-Part article, and the ст.3 lists.

What is derived from the text and rewritten on every import: title, chapter, parts, items, sanctions,
category, corruption, footnotes, amendments, `valid_from`, `verified_from`/`verified_until`, `source`,
`edition`. What an office adds by hand and a re-import keeps (the text does not say it): the article's
`notes`, `later_changes`, `against_life_or_health`, `economic`, `intent` (the form of guilt where the text
leaves it open), and per entry `summary`, `notes`, a `valid_to` set by hand, and an in-force day that lies
inside the window the footnote allows (a known publication date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..schema import AmendmentSpec, ArticleFile
from .entries import ArticleContext, Failure, ParseFn, build_entries
from .footnotes import article_footnote
from .lists import ListError, ReadList, read_lists
from .structure import Article, CodeText, article_key

ECONOMIC_CHAPTER = 8


@dataclass
class Coverage:
    articles: int = 0            # Special-Part articles in the text
    articles_repealed: int = 0
    articles_written: int = 0    # with at least one entry
    parts: int = 0               # parts (and articles without parts) in force
    parts_repealed: int = 0
    items_own: int = 0           # items with their own sanction
    entries: int = 0
    parts_parsed: int = 0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # articles kept because --out holds a newer edition

    @property
    def parsed_share(self) -> float:
        return self.parts_parsed / self.parts if self.parts else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles, "articles_repealed": self.articles_repealed,
            "articles_written": self.articles_written, "parts": self.parts, "parts_repealed": self.parts_repealed,
            "parts_parsed": self.parts_parsed, "items_own": self.items_own, "entries": self.entries,
            "parsed_share": round(self.parsed_share, 4),
            "failures": [{"article": f.article, "part": f.part, "item": f.item, "where": f.where(),
                          "phrase": f.phrase, "reason": f.reason} for f in self.failures],
            "skipped": self.skipped,
        }


@dataclass
class ImportResult:
    files: dict[str, dict[str, Any]]
    lists: list[ReadList]
    coverage: Coverage
    list_error: str | None = None


def default_parser() -> ParseFn:
    from .sanction_parser import parse_sanction  # engineer H1a's grammar of sanctions
    return parse_sanction


def load_existing(folder: Path) -> dict[str, dict[str, Any]]:
    """The article files already in `folder/sanctions`, as plain data (hand annotations to keep)."""
    out: dict[str, dict[str, Any]] = {}
    d = folder / "sanctions"
    if not d.is_dir():
        return out
    for f in sorted(d.glob("*.yaml")):
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and "article" in data:
            out[str(data["article"])] = data
    return out


def _amendment_strings(art: Article, ctx_laws: list[AmendmentSpec], added: list[AmendmentSpec]) -> list[str]:
    out: list[str] = []
    for law in ctx_laws:
        s = f"{law.signed:%d.%m.%Y} № {law.number}"
        if law in added:
            s = "дополнена " + s
        elif law.restated:
            s = "в редакции " + s
        if s not in out:
            out.append(s)
    if art.repealed:
        out.append(art.repealed)
    return out


def build_article(art: Article, edition_date: date, source: str, edition: str, corruption: set[str],
                  old: dict[str, Any] | None, parse: ParseFn) -> tuple[dict[str, Any], list[Failure], int]:
    """The YAML data of one article, its failures, and how many of its parts got an entry."""
    laws, restated, added = article_footnote(art.footnotes)
    old = old or {}
    old_entries = {(None if e.get("part") is None else str(e.get("part")),
                    None if e.get("paragraph") is None else str(e.get("paragraph"))): e
                   for e in old.get("entries") or [] if not e.get("window")}
    ctx = ArticleContext(art, laws, restated, added, corruption, old_entries, old.get("intent"),
                         list(old.get("later_changes") or []), edition_date,
                         old.get("verified_until") is not None and _as_date(old["verified_until"]) == edition_date)
    built = build_entries(ctx, parse) if not art.repealed else None
    entries = built.entries if built else []
    if "intent" in old:
        intent = old["intent"]
    elif built and built.intents and built.intents.count("negligent") > len(built.intents) / 2:
        intent = "negligent"
    else:
        intent = "intentional"
    for e in entries:
        if e.get("intent") == intent:
            del e["intent"]
    latest = max((x.signed for x in laws), default=None)
    data: dict[str, Any] = {
        "article": art.number,
        "title": art.title + (" (ИСКЛЮЧЕНА)" if art.repealed else ""),
        "chapter": art.chapter,
        "intent": intent,
        "against_life_or_health": bool(old.get("against_life_or_health", False)),
        "economic": bool(old.get("economic", art.chapter == ECONOMIC_CHAPTER)),
        "source": source,
        "edition": edition,
        "verified_from": latest or date(2015, 1, 1),
        "verified_until": edition_date,
    }
    if art.repealed:
        data["repealed"] = "статья " + art.repealed.split(" (")[0]
    data["amendments"] = _amendment_strings(art, laws, added)
    data["footnotes"] = [law.model_dump(mode="python", exclude_defaults=True) for law in laws]
    data["later_changes"] = list(old.get("later_changes") or [])
    data["notes"] = old.get("notes") or ""
    if old.get("verified_until") is not None and _as_date(old["verified_until"]) == edition_date:
        entries = _keep_older_editions(old.get("entries") or [], entries)
    entries = sorted(entries, key=lambda e: (_part_sort(e.get("part")), e.get("paragraph") or 0,
                                             _as_date(e["valid_from"])))
    data["entries"] = entries
    parsed = len({str(e["part"]) for e in entries if "paragraph" not in e})
    return data, (built.failures if built else []), parsed


def import_code(code: CodeText, edition_date: date, source: str, edition: str,
                existing: dict[str, dict[str, Any]] | None = None, parse: ParseFn | None = None) -> ImportResult:
    parse = parse or default_parser()
    existing = existing or {}
    cov = Coverage()
    lists: list[ReadList] = []
    list_error = None
    try:
        lists = read_lists(code)
    except ListError as e:
        list_error = str(e)
    corruption = set(next((x.value for x in lists if x.name == "corruption.list"), []))
    files: dict[str, dict[str, Any]] = {}
    for art in code.special_part():
        if art.number in ("467",) or (not art.parts and not art.repealed):
            continue
        cov.articles += 1
        old = existing.get(art.number)
        if old and old.get("verified_until") and _as_date(old["verified_until"]) > edition_date:
            cov.skipped.append(art.number)
            continue
        if art.repealed:
            cov.articles_repealed += 1
        else:
            live = [p for p in art.parts if not p.repealed]
            cov.parts += len(live)
            cov.parts_repealed += len(art.parts) - len(live)
        data, failures, parsed = build_article(art, edition_date, source, edition, corruption, old, parse)
        try:
            ArticleFile.model_validate(data)
        except ValidationError as e:
            bad = _bad_entries(e)
            for i in sorted(bad, reverse=True):
                ent = data["entries"].pop(i)
                failures.append(Failure(art.number, _s(ent.get("part")), _s(ent.get("paragraph")), "",
                                        "запись не принята каталогом: " + _first_error(e, i)))
            parsed = len({str(e2["part"]) for e2 in data["entries"] if "paragraph" not in e2})
            try:
                ArticleFile.model_validate(data)
            except ValidationError as e2:
                failures.append(Failure(art.number, None, None, "", "файл статьи не принят каталогом: " +
                                        str(e2).splitlines()[0]))
                cov.failures.extend(failures)
                continue
        cov.failures.extend(failures)
        cov.parts_parsed += parsed
        cov.items_own += sum(1 for e in data["entries"] if "paragraph" in e)
        cov.entries += len(data["entries"])
        if data["entries"]:
            cov.articles_written += 1
        elif not art.repealed:
            continue  # nothing could be read: listed among the failures, no file claims the article
        files[art.number] = data
    return ImportResult(files, lists, cov, list_error)


def _keep_older_editions(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries of earlier texts (merged in by an earlier import) survive a re-import of the same text."""
    def key(e: dict[str, Any]) -> tuple[str | None, str | None]:
        return _s(e.get("part")), _s(e.get("paragraph"))

    starts: dict[tuple[str | None, str | None], list[date]] = {}
    for e in new:
        starts.setdefault(key(e), []).append(_as_date(e["valid_from"]))
    kept = [e for e in old if e.get("valid_to") is not None and key(e) in starts
            and _as_date(e["valid_to"]) < min(starts[key(e)]) and _as_date(e["valid_from"]) not in starts[key(e)]]
    return kept + new


def _part_sort(v: Any) -> tuple[int, int]:
    return (0, 0) if v is None else article_key(str(v))


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


def _as_date(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def _bad_entries(e: ValidationError) -> set[int]:
    return {int(err["loc"][1]) for err in e.errors() if len(err["loc"]) > 1 and err["loc"][0] == "entries"}


def _first_error(e: ValidationError, i: int) -> str:
    for err in e.errors():
        if len(err["loc"]) > 1 and err["loc"][0] == "entries" and err["loc"][1] == i:
            return f"{'.'.join(str(x) for x in err['loc'][2:])}: {err['msg']}"
    return ""


def sort_articles(numbers: list[str]) -> list[str]:
    return sorted(numbers, key=article_key)
