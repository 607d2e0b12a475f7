"""The columns an analyst reads, defined once: the CSV, the XLSX (and, if it likes, the HTML) use them.

Why one definition: a pivot table built from the CSV and one built from the Excel file must have the
same columns with the same headers and the same values; a header or a value changed in one format
only is how two reports of one run start to disagree.

What a row shows (one row per candidate): the verdict's public particulars (case, court, region,
judge, date, the article of the finding's episode, from `RecordContext`), the finding in words (the
rule's title, never its id; severity, what was imposed and what the law allows — the engine's
`actual_text` / `allowed_text`, or `words.say_json` for a line of an older run; the norms), the
review status when the scan keeps a store (`scan --db`), and the first 12 hex digits of the
fingerprint (what `legality review dismiss` accepts).  Headers and values are in the current
language (`i18n`); values through `legality.words`.

Cells are plain Python values: strings, and a `datetime.date` for the verdict date (the XLSX writes a
real date, the CSV «dd.mm.yyyy»).  Nothing here escapes for a spreadsheet: each format does
(`text.spreadsheet_safe` in the CSV, typed string cells in the XLSX).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .. import words
from ..i18n import N_, _
from ..words.fields import WHOLE_RECORD
from .context import RecordContext
from .model import ReportLine
from .text import coverage_text

FINGERPRINT_SHOWN = 12  # hex digits: enough to tell candidates apart, and `review` accepts a prefix of ≥ 8


@dataclass(frozen=True, slots=True)
class Column:
    key: str       # a stable name for code and tests (never shown)
    header: str    # the Russian header: a message id, shown through `_()`
    width: int     # XLSX column width (characters)
    wrap: bool = False  # long text: the XLSX wraps it
    date: bool = False  # a `datetime.date` cell

    @property
    def title(self) -> str:
        return _(self.header)


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column("case", N_("Дело"), 16),
    Column("court", N_("Суд"), 36, wrap=True),
    Column("region", N_("Регион"), 18),
    Column("judge", N_("Судья"), 12),
    Column("verdict_date", N_("Дата приговора"), 12, date=True),
    Column("article", N_("Статья"), 18),
    Column("rule", N_("Правило"), 40, wrap=True),
    Column("severity", N_("Важность"), 11),
    Column("actual", N_("Назначено"), 26, wrap=True),
    Column("allowed", N_("Закон допускает"), 26, wrap=True),
    Column("norms", N_("Нормы"), 22, wrap=True),
    Column("message", N_("Сообщение"), 60, wrap=True),
    Column("status", N_("Статус"), 13),
    Column("number", N_("№ замечания"), 15),
)

# Records whose check did not finish (a coverage gap, or a rule that failed on the record): the XLSX
# sheet «Проверены не полностью».  The CSV leaves them out (see csv_rows.py).
PARTIAL_COLUMNS: tuple[Column, ...] = (
    Column("case", N_("Дело"), 16),
    Column("court", N_("Суд"), 36, wrap=True),
    Column("region", N_("Регион"), 18),
    Column("verdict_date", N_("Дата приговора"), 12, date=True),
    Column("unchecked", N_("Что не проверено"), 70, wrap=True),
    Column("reason", N_("Причина"), 40, wrap=True),
    Column("file", N_("Файл"), 24),
    Column("line", N_("Строка"), 8),
)

# Records the tool could not read: the XLSX sheet «Некорректные записи».
INVALID_COLUMNS: tuple[Column, ...] = (
    Column("case", N_("Дело"), 16),
    Column("file", N_("Файл"), 24),
    Column("line", N_("Строка"), 8),
    # the fields in words; the header says where the exact field of the export is (a machine output)
    Column("errors", N_("Ошибки (точное поле — в legality validate -f json)"), 100, wrap=True),
)

# a candidate's review status in the store (`store/review.py` STATUSES), as the reader says it
REVIEW_STATUS: dict[str, str] = {
    "new": N_("новое"),
    "known": N_("известное"),
    "dismissed": N_("отклонено"),
    "confirmed": N_("подтверждено"),
    "resolved": N_("устранено"),
}
NO_STATUS = "—"  # a scan without a store: the status is not known

# gap reasons (`result.coverage`), as the reader says them
_REASONS: dict[str, str] = {
    "missing_data": N_("нет данных в записи"),
    "unknown_article": N_("статьи или части нет в каталоге"),
    "unknown_edition": N_("нет редакции статьи на дату деяния"),
    "no_law_parameter": N_("нет редакции нормы Общей части на дату"),
}


def review_status_text(code: str | None) -> str:
    """«новое» / «известное» / «отклонено» / «подтверждено» / «устранено»; «—» when not known."""
    if code is None:
        return NO_STATUS
    label = REVIEW_STATUS.get(code)
    return _(label) if label is not None else NO_STATUS


def article_text(context: RecordContext | None, offence: str | None) -> str:
    """The article of the finding's episode in words («ч.2 ст.188 УК РК»); «по совокупности» for a
    finding about the whole sentence of a record with several episodes; "" without a context."""
    if context is None:
        return ""
    if not context.refs:  # a context stored by an older release: the Russian form it kept
        refs = dict(context.articles)
        if (offence is not None and offence in refs) or len(refs) == 1:
            return f"{refs.get(offence or '') or next(iter(refs.values()))} УК РК"
        return _("по совокупности") if refs else ""
    ref = context.ref_of(offence)
    if ref is None:
        return _("по совокупности")
    article, part, item = ref
    return words.cite({"act": "УК РК", "article": article, "part": part, "paragraph": item})


def verdict_date(context: RecordContext | None) -> dt.date | None:
    if context is None or not context.verdict_date:
        return None
    try:
        return dt.date.fromisoformat(context.verdict_date)
    except ValueError:
        return None


def _text(value: Any, fallback: Any) -> str:
    """The engine's words for a value (`*_text`), or the report's JSON value in words (an older line)."""
    if isinstance(value, str) and value:
        return value
    return words.say_json(fallback)


def candidate_rows(line: ReportLine, context: RecordContext | None,
                   review_status: Callable[[str], str | None] | None = None) -> list[list[Any]]:
    """One row per candidate of `line`, in `CANDIDATE_COLUMNS` order (none for a line without any)."""
    if not line.candidates:
        return []
    court = context.court if context is not None else ""
    region = (context.region or "") if context is not None else ""
    judge = (context.judge_id or "") if context is not None else ""
    date = verdict_date(context)
    rows = []
    for c in line.candidates:
        status = review_status(c.fingerprint) if review_status is not None else None
        rows.append([
            line.case_id or "",
            court,
            region,
            judge,
            date,
            article_text(context, c.offence),
            c.title,
            words.severity(c.severity),
            _text(c.actual_text, c.actual),
            _text(c.allowed_text, c.allowed),
            "; ".join(words.cite(x) for x in c.citations),
            c.message,
            review_status_text(status),
            c.fingerprint[:FINGERPRINT_SHOWN],
        ])
    return rows


def incomplete(line: ReportLine) -> bool:
    """Whether a record's check did not finish: a coverage gap or a rule that failed on it."""
    if line.status == "invalid":
        return False
    return bool(line.faults) or (line.coverage is not None and bool(line.coverage.gaps))


def fault_text(fault: Any, titles: Mapping[str, str] | None = None) -> str:
    """A fault of the report (`faults[]`) in words for people, in every human format alike.

    A rule that failed is named by its title (`titles`: rule id → title, from the run's rules): the
    fault's own message names the rule's id and quotes the Python error, for the rule's author (jsonl).
    A fault without a rule is the scan's own message, written for people («внутренняя ошибка …»)."""
    if not isinstance(fault, dict):
        return ""
    rule = fault.get("rule")
    if rule:
        title = (titles or {}).get(rule)
        return (_("правило «{title}» не завершило проверку").format(title=title) if title
                else _("одно из правил не завершило проверку"))
    return str(fault.get("message") or "")


def partial_row(line: ReportLine, context: RecordContext | None, titles: Mapping[str, str] | None = None) -> list[Any]:
    """The record in `PARTIAL_COLUMNS` order: what could not be checked, and why.

    A rule that failed on the record is named by its title (`titles`: rule id → title, from the run's
    rules): a fault's own message is written for the rule's author and may quote the rule language."""
    reasons: list[str] = []
    if line.coverage is not None:
        for gap in line.coverage.gaps:
            label = _REASONS.get(gap.reason)
            text = _(label) if label is not None else _("не хватает сведений для проверки")
            if text not in reasons:
                reasons.append(text)
    unchecked = [coverage_text(line)] if coverage_text(line) else []
    for fault in line.faults:
        message = fault_text(fault, titles)
        if message and message not in unchecked:
            unchecked.append(message)
        failed = _("проверка правилом завершилась ошибкой")
        if failed not in reasons:
            reasons.append(failed)
    return [
        line.case_id or "",
        context.court if context is not None else "",
        (context.region or "") if context is not None else "",
        verdict_date(context),
        "\n".join(unchecked),
        "; ".join(reasons),
        line.file,
        line.line,
    ]


def invalid_row(line: ReportLine) -> list[Any]:
    """An unreadable record in `INVALID_COLUMNS` order: where it is and what is wrong, one error a line
    (the export's field in words, `words.field`, then the message).  The exact JSON path is an identifier
    a reader cannot use: it stays in the machine outputs (`legality validate -f json`)."""
    errors = "\n".join(error_text(e) for e in line.errors)
    return [line.case_id or "", line.file, line.line, errors]


def error_text(error: Mapping[str, Any]) -> str:
    """One record error for a reader: «эпизод 1 → дата совершения: …»; an error about the whole record
    (path «$») is its message alone."""
    path, message = str(error.get("path") or ""), str(error.get("message", ""))
    return f"{words.field(path)}: {message}" if path and path != WHOLE_RECORD else message
