"""What the human formats show beside a finding: court, verdict date, the articles of conviction.

Why separate from `ReportLine`: the machine format (report-v1) is stable and carries only the
finding; the HTML charts (by court, by article) and the table need a little more of the record.
Only public particulars of the verdict are kept here — never the defendant's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
        return "по совокупности"


def context_of(verdict: Verdict) -> RecordContext:
    return RecordContext(
        court_code=verdict.court.code,
        court_name=verdict.court.name or "",
        verdict_date=verdict.verdict_date.isoformat(),
        articles=tuple((o.id, str(o.ref)) for o in verdict.offences),
        person_id=verdict.defendant.person_id,
    )
