"""What the human formats show beside a finding: court, verdict date, the articles of conviction.

Why separate from `ReportLine`: the machine format (report-v1) is stable and carries only the
finding; the HTML charts (by court, by article), the table and the spreadsheets (`report/columns.py`:
court, region, judge, verdict date, article) need a little more of the record.  Only public
particulars of the verdict are kept here — never the defendant's data.

Why cheap: the scan workers build one per record that needs it (`context_of`, on the hot path, for a
record of the fast decoder or of the pydantic model alike: every record when the store or a collecting
format gets the line objects, else only flagged and partial ones — `scan/pipeline.evaluate_raws`) and
pickle it back to the main process; so it holds plain strings and tuples, and the words are made where
a format shows them.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:  # annotations only: a record decoded by the fast decoder never needs the pydantic model
    from ..model.verdict import Verdict


@dataclass(frozen=True, slots=True)
class RecordContext:
    court_code: str
    court_name: str
    verdict_date: str
    articles: tuple[tuple[str, str], ...]   # (offence id, «п.1 ч.3 ст.188»), in record order
    # the export's pseudonymous defendant id: the store tells co-defendants of one case apart by it
    # (not shown in the human formats, not kept with the context in the store)
    person_id: str | None = None
    region: str | None = None     # the court's region as the export names it («Алматы»)
    judge_id: str | None = None   # the export's judge id (a public particular of the verdict)
    # (offence id, article, part, item) in record order: the article in the reader's language
    # (`columns.article_text`; `articles` above is the Russian form kept for the charts)
    refs: tuple[tuple[str, str, int | str | None, int | None], ...] = ()
    # the verdict in words (`verdict_text.verdict_particulars`), only for a format that asks for it
    # (`wants_particulars`: the HTML report's drill-down and its protest drafts); None otherwise
    particulars: dict[str, Any] | None = None

    @property
    def court(self) -> str:
        return self.court_name or self.court_code

    def article_of(self, offence: str | None) -> str:
        """The article a finding is about: its offence's, or the only offence's, or «по совокупности»."""
        for oid, ref in self.articles:
            if oid == offence:
                return ref
        if len(self.articles) == 1:
            return self.articles[0][1]
        return "по совокупности"  # also a key of the summary's coverage (machine JSON): not translated

    def ref_of(self, offence: str | None) -> tuple[str, int | str | None, int | None] | None:
        """(article, part, item) of the finding's offence, or of the only offence; None: several."""
        for oid, article, part, item in self.refs:
            if oid == offence:
                return article, part, item
        if len(self.refs) == 1:
            return self.refs[0][1:]
        return None


def context_of(verdict: Verdict, *, particulars: bool = False) -> RecordContext:
    """The context of a decoded record (the pydantic model's `Verdict` or the fast decoder's: the
    same attribute names).  `particulars`: also the verdict in words (costly: only the HTML asks)."""
    offences = verdict.offences
    words = None
    if particulars:
        from .verdict_text import verdict_particulars

        try:
            words = verdict_particulars(verdict)
        except Exception:  # noqa: BLE001 - the particulars only decorate the HTML drill-down
            words = None
    return RecordContext(
        court_code=verdict.court.code,
        court_name=verdict.court.name or "",
        verdict_date=verdict.verdict_date.isoformat(),
        articles=tuple((o.id, str(o.ref)) for o in offences),
        person_id=verdict.defendant.person_id,
        region=verdict.court.region,
        judge_id=verdict.judge_id,
        refs=tuple((o.id, o.article, o.part, o.paragraph) for o in offences),
        particulars=words,
    )



# Why a reducer: a frozen slotted dataclass pickles through `dataclasses._dataclass_getstate` (a `fields()`
# call per object) and unpickles through `_dataclass_setstate` (an `object.__setattr__` per field), and with a
# store (`--db`) every record's context travels from its worker to the main process.  As a call of
# `_context` with the field values (its slots set through their descriptors, as `io.reader` builds frames),
# the same object comes back, equal field by field (tests/test_worker_bytes.py): 2.24 → 1.18 µs a context
# to pickle in the worker, 2.44 → 1.88 µs to unpickle in the main process (2,048 contexts, best of 30).
_FIELDS = tuple(f.name for f in dataclasses.fields(RecordContext))
_SETTERS = tuple(RecordContext.__dict__[name].__set__ for name in _FIELDS)
_VALUES = operator.attrgetter(*_FIELDS)


def _context(*values: Any) -> RecordContext:
    ctx = object.__new__(RecordContext)
    for put, value in zip(_SETTERS, values):
        put(ctx, value)
    return ctx


def _context_reduce(self: RecordContext) -> tuple[Any, tuple[Any, ...]]:
    return (_context, _VALUES(self))


RecordContext.__reduce__ = _context_reduce  # type: ignore[method-assign,assignment]

# how the store keeps a context (`candidates.context`, `run_records.context`): a JSON array

def context_to_json(ctx: RecordContext | None) -> str | None:
    if ctx is None:
        return None
    return orjson.dumps([ctx.court_code, ctx.court_name, ctx.verdict_date, ctx.articles,
                         ctx.region, ctx.judge_id, ctx.refs]).decode()


def context_from_json(text: str | None) -> RecordContext | None:
    """Also a context stored by an older release (four items: no region, judge, article refs)."""
    if text is None:
        return None
    code, name, date, articles, *more = orjson.loads(text)
    region, judge_id, refs = (more + [None, None, []])[:3]
    return RecordContext(code, name, date, tuple((oid, ref) for oid, ref in articles), region=region,
                         judge_id=judge_id, refs=tuple(tuple(r) for r in refs or ()))
