"""What a report shows: `scan --severity/--rule/--court/--article` (and `review list --court/--article`).

Why filter the report and not the run: the state store (`--db`) must see every candidate of a record,
or a candidate the filter hid would look gone and be marked resolved; and `--fail-on` / `--strict`
judge the whole run, so a nightly job's exit code does not depend on what a person chose to look
at.  So the filter sits between the run and the format (`Filtered`), in the main process, and counts
what it hid for the summary («скрыто фильтром: 12 кандидатов»).

Semantics (documented in the README): a candidate is shown when it matches every given criterion;
within one criterion any of its values (`--severity high --severity medium`).  A record whose
candidates are all hidden is left out.  Records without candidates — invalid, not fully checked,
clean with `--all` — are not candidates: they pass as they are (the table counts them; `--show-invalid`
lists them), except that `--court` also hides a record of another court when its court is known.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .. import words
from ..i18n import _
from .base import FormatOptions, Formatter, RunMeta
from .context import RecordContext
from .model import ReportLine

_ARTICLE = re.compile(r"^\s*(?:ст(?:атья|\.)?\s*)?(\d+(?:-\d+)?)\s*(?:-?бап)?\s*$", re.IGNORECASE)


def article_key(text: str) -> str | None:
    """«188», «188-1», «ст. 188-1», «188-бап» → «188» / «188-1»; None when it is no article number."""
    m = _ARTICLE.match(text or "")
    return m.group(1) if m else None


def _article_of_ref(ref: str) -> str | None:
    """The article number in a rendered reference «п.1 ч.3 ст.188-1» (a context from an older store)."""
    m = re.search(r"ст\.?\s*(\d+(?:-\d+)?)", ref or "")
    return m.group(1) if m else None


def court_matches(ctx: RecordContext | None, wanted: Iterable[str]) -> bool:
    """The court code exactly (case-insensitive), or a case-insensitive part of the court's name."""
    if ctx is None:
        return False
    code = (ctx.court_code or "").casefold()
    name = (ctx.court_name or "").casefold()
    return any(w.casefold() == code or (w.casefold() in name if w else False) for w in wanted)


def finding_articles(ctx: RecordContext | None, offence: str | None) -> set[str]:
    """The article numbers a finding is about: its episode's; a finding on the whole verdict (no
    episode, several offences): every article of the verdict."""
    if ctx is None:
        return set()
    refs = getattr(ctx, "refs", ()) or ()
    if refs:
        own = [str(r[1]) for r in refs if r[0] == offence]
        if own:
            return set(own)
        return {str(r[1]) for r in refs}
    mine = [_article_of_ref(ref) for oid, ref in ctx.articles if oid == offence]
    found = mine if mine else [_article_of_ref(ref) for _oid, ref in ctx.articles]
    return {a for a in found if a}


def hidden_line(n: int) -> str:
    """«Скрыто фильтром: 12 замечаний (--severity, --rule, --court, --article)» — never silent, even for 0."""
    return _("Скрыто фильтром: {n} (--severity, --rule, --court, --article)").format(n=words.count(n, "замечание"))


@dataclass(slots=True)
class CandidateFilter:
    severities: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    courts: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()   # normalised article numbers («188», «188-1»)
    hidden: int = field(default=0)   # candidates hidden so far (the summary tells)

    @property
    def active(self) -> bool:
        return bool(self.severities or self.rules or self.courts or self.articles)

    def keeps(self, severity: str, rule: str, offence: str | None, ctx: RecordContext | None) -> bool:
        """Whether a candidate (its severity, rule id and episode, its record's context) is shown."""
        if self.severities and severity not in self.severities:
            return False
        if self.rules and rule not in self.rules:
            return False
        if self.courts and not court_matches(ctx, self.courts):
            return False
        if self.articles and not (finding_articles(ctx, offence) & set(self.articles)):
            return False
        return True

    def apply(self, line: ReportLine, ctx: RecordContext | None) -> ReportLine | None:
        """The line as the report shows it, or None when nothing of it is shown."""
        if not self.active:
            return line
        if not line.candidates:
            if self.courts and ctx is not None and not court_matches(ctx, self.courts):
                return None
            return line
        kept = [c for c in line.candidates if self.keeps(c.severity, c.rule, c.offence, ctx)]
        self.hidden += len(line.candidates) - len(kept)
        if not kept:
            return None
        if len(kept) == len(line.candidates):
            return line
        return dataclasses.replace(line, candidates=kept)


class Filtered(Formatter):
    """A format behind a filter: lines go through `CandidateFilter.apply`; the summary handed to the
    format gains `hidden_by_filter` (additive; only when a filter is active)."""

    def __init__(self, inner: Formatter, flt: CandidateFilter):
        self.inner = inner
        self.filter = flt
        self.streaming = inner.streaming  # type: ignore[misc]

    @property
    def meta(self) -> RunMeta:  # type: ignore[override]
        return self.inner.meta

    @property
    def options(self) -> FormatOptions:  # type: ignore[override]
        return self.inner.options

    def begin(self) -> None:
        self.inner.begin()

    def add(self, line: ReportLine, context: RecordContext | None) -> None:
        shown = self.filter.apply(line, context)
        if shown is not None:
            self.inner.add(shown, context)

    def add_rendered(self, data: bytes) -> None:  # never called: a filtered run renders in the main process
        raise RuntimeError("a filtered report cannot take pre-rendered lines")

    def finish(self, summary: dict[str, Any]) -> None:
        self.inner.finish({**summary, "hidden_by_filter": self.filter.hidden})
