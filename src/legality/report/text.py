"""How report values read in the human formats (table, csv, html, explain, protest): thin names over `words`.

Why here and not in each format: a citation or a term must read the same in the table a prosecutor
scans, the HTML report and the draft protest built from it.  The renderer is `legality.words` (ru and
kk, the current language); the names below are kept for the formats that still import them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .. import words
from ..i18n import _


class _Words(Mapping[str, str]):
    """A code → its words in the current language, read at lookup (the language may change after import)."""

    def __init__(self, codes: tuple[str, ...], say: Callable[[str], str]):
        self._codes, self._say = codes, say

    def __getitem__(self, code: str) -> str:
        if code not in self._codes:
            raise KeyError(code)
        return self._say(code)

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


SEVERITY_RU: Mapping[str, str] = _Words(words.SEVERITIES, words.severity)  # use words.severity(code)
STATUS_RU: Mapping[str, str] = _Words(words.STATUSES, words.status)  # use words.status(code)


def cite_ru(c: dict[str, Any] | str) -> str:
    """{"act": "УК РК", "article": "56", "part": 3} → «ч.3 ст.56 УК РК» (Kazakh: «ҚР ҚК 56-бабының 3-бөлігі»)."""
    return words.cite(c)


def cites_ru(cs: list[Any]) -> str:
    return words.cites(cs)


def term_ru(v: dict[str, int]) -> str:
    """{"years": 4, "months": 6} → «4 года 6 месяцев»."""
    return words.term(v.get("years", 0), v.get("months", 0), v.get("days", 0))


def value_ru(v: Any) -> str:
    """A JSON value of the report (actual / allowed / a fact) as a prosecutor reads it (`words.say_json`)."""
    return words.say_json(v)


# Characters a terminal, a viewer or a word processor acts on instead of showing: C0 controls, DEL,
# C1 controls (ESC-less CSI/OSC on some terminals) and the bidi embeddings, overrides and isolates
# that reorder what a reader sees.
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))


def _escape_table(keep: str) -> dict[int, str]:
    table = {c: f"\\x{c:02x}" for c in _CONTROLS if chr(c) not in keep}
    table.update({c: f"\\u{c:04x}" for c in _BIDI})
    return table


_SAFE_LINE = _escape_table("")
_SAFE_BLOCK = _escape_table("\n\t")


def safe_text(s: Any, *, multiline: bool = False) -> str:
    """Text from a record or a file name as every human output shows it: no control character.

    Why escapes rather than dropping: an ESC in a case id is a sign of a damaged or hostile export
    that the reader should see (`\\x1b`), but it must never reach a terminal as a command (clear
    the screen, retitle the window, forge a link).  `multiline` keeps newlines and tabs, for
    outputs whose layout is made of them.
    """
    return str(s).translate(_SAFE_BLOCK if multiline else _SAFE_LINE)


_NEWLINES = {c: " " for c in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029)}
_PLAIN = {**{c: None for c in (*_CONTROLS, *_BIDI, 0xFFFE, 0xFFFF)}, **_NEWLINES}
_SURROGATES = re.compile("[\ud800-\udfff]")


def plain_text(s: Any) -> str:
    """Record text for a document (Markdown, .docx): one line, nothing a word processor rejects.

    Why dropped here and escaped in `safe_text`: a draft protest is edited and filed by a
    prosecutor, so stray control bytes are removed; a newline from a record would otherwise open a
    new paragraph (or break out of a quote block) in the prosecutor's text.
    """
    return _SURROGATES.sub("", str(s).translate(_PLAIN))


_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")  # and the fullwidth ＝＋－＠ Excel also accepts
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_safe(s: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (text from records is untrusted).

    A cell is prefixed with `'` when its first visible character would start a formula, looking
    past leading blanks, line breaks and NULs (spreadsheets skip them), and when it starts with a
    tab or CR (OWASP); NULs are dropped (no spreadsheet keeps them).  A plain number such as `-1`
    or `+7,5` is left alone: it is read as a number, not run.
    """
    s = s.replace("\x00", "")
    if _PLAIN_NUMBER.fullmatch(s):
        return s
    if s[:1] in ("\t", "\r") or s.lstrip(" \t\r\n\x0b\x0c\xa0\u3000")[:1] in _FORMULA_START:
        return "'" + s
    return s


def coverage_text(line: Any) -> str:
    """What a report line could not check, one clause per gap: «не проверено: эпизод 1: …»."""
    cov = getattr(line, "coverage", None)
    if cov is None or not cov.gaps:
        return ""
    return "; ".join(_("не проверено: {what}").format(
        what=(_("эпизод {id}: ").format(id=g.offence) if g.offence else "") + g.detail) for g in cov.gaps)


_REASON_RU = {
    "missing_data": "нет данных в записи",
    "unknown_article": "статьи или части нет в каталоге",
    "unknown_edition": "нет редакции статьи на дату деяния",
    "no_law_parameter": "нет редакции нормы Общей части на дату",
}


def _pct(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "\u00a0%"


def coverage_summary_ru(cov: dict[str, Any] | None) -> list[str]:
    """A run's coverage (`summary.coverage`) in a prosecutor's words: how many records were checked
    fully, why not the rest, on which articles; and the warning that names the Code's edition."""
    if not cov:
        return []
    n = cov.get("full", 0) + cov.get("partial", 0) + cov.get("none", 0)
    out: list[str] = []
    if n and (cov.get("partial") or cov.get("none")):
        out.append(_("Полнота проверки: полностью {full} из {n} ({pct}), частично {partial}, "
                     "не сверено ни с одной санкцией {none}").format(
            full=words.number(cov.get("full", 0)), n=words.count(n, "запись", case="gen"), pct=_pct(cov.get("percent_full", 0.0)),
            partial=words.number(cov.get("partial", 0)), none=words.number(cov.get("none", 0))))
        reasons = ", ".join(f"{_(_REASON_RU[r]) if r in _REASON_RU else r}: {words.number(k)}"
                            for r, k in sorted((cov.get("by_reason") or {}).items()))
        if reasons:
            out.append(_("Причины: {reasons}").format(reasons=reasons))
        arts = list((cov.get("by_article") or {}).items())[:10]
        if arts:
            out.append(_("Не проверено по статьям: {articles}").format(
                articles=", ".join(f"{words.cite({'article': a})}: {words.number(k)}" for a, k in arts)))
    after = cov.get("after_edition")
    if after:
        ed = after.get("edition") or ""
        out.append(_("Внимание: {records} — деяние совершено позже редакции Кодекса от {edition}, загруженной в "
                     "каталог; они проверены по этой редакции — загрузите действующий текст Кодекса").format(
            records=words.count(after.get("records", 0), "запись"), edition=words.date(ed) if len(ed) == 10 else "?"))
    return out
