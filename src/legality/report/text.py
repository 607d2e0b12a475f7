"""How report values read in the human formats (table, csv, html, explain, protest), in Russian.

Why here and not in each format: a citation or a term must read the same in the table a prosecutor
scans, the HTML report and the draft protest built from it.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.enums import ENUMS
from ..model.values import ArticleRef

SEVERITY_RU = {"high": "высокая", "medium": "средняя", "low": "низкая"}
STATUS_RU = {"flagged": "нарушения", "clean": "без нарушений", "invalid": "некорректная запись",
             "partial": "проверена не полностью"}


def cite_ru(c: dict[str, Any] | str) -> str:
    """{"act": "УК РК", "article": "56", "part": 3} → «ч.3 ст.56 УК РК»."""
    if isinstance(c, str):
        return c
    ref = ArticleRef(str(c.get("article", "")), c.get("part"), c.get("paragraph"))
    return f"{ref} {c.get('act') or 'УК РК'}"


def cites_ru(cs: list[Any]) -> str:
    return "; ".join(cite_ru(c) for c in cs)


def _is_term(v: dict[str, Any]) -> bool:
    return bool(v) and set(v) <= {"years", "months", "days"} and all(isinstance(x, int) for x in v.values())


def term_ru(v: dict[str, int]) -> str:
    parts = []
    if v.get("years"):
        parts.append(f"{v['years']} г.")
    if v.get("months"):
        parts.append(f"{v['months']} мес.")
    if v.get("days"):
        parts.append(f"{v['days']} дн.")
    return " ".join(parts) or "0 мес."


_BOUND_RU = {"max": "не более", "min": "не менее", "equals": "ровно", "kind": "вид"}


def value_ru(v: Any) -> str:
    """A JSON value of the report (actual / allowed / a fact) as a prosecutor reads it."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, dict):
        if _is_term(v):
            return term_ru(v)
        if "article" in v and set(v) <= {"act", "article", "part", "paragraph"}:
            return cite_ru(v)
        return "; ".join(f"{_BOUND_RU.get(k, k)} {value_ru(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(value_ru(x) for x in v) if v else "—"
    if isinstance(v, str):
        return CODE_RU.get(v, v)
    return str(v)


def _unique_codes() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for enum in ENUMS.values():
        for member in enum:
            seen.setdefault(member.value, set()).add(member.ru)
    return {code: next(iter(labels)) for code, labels in seen.items() if len(labels) == 1}


CODE_RU = _unique_codes()  # export codes with one meaning («maximum»); an ambiguous one («medium») stays a code


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
    return "; ".join(f"не проверено: {'эпизод ' + g.offence + ': ' if g.offence else ''}{g.detail}" for g in cov.gaps)


_REASON_RU = {
    "missing_data": "нет данных в записи",
    "unknown_article": "статьи/части нет в каталоге",
    "unknown_edition": "нет редакции статьи на дату деяния",
    "no_law_parameter": "нет редакции нормы Общей части на дату",
}


def _pct(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"


def coverage_summary_ru(cov: dict[str, Any] | None) -> list[str]:
    """A run's coverage (`summary.coverage`) in a prosecutor's words: how many records were checked
    fully, why not the rest, on which articles; and the warning that names the Code's edition."""
    if not cov:
        return []
    n = cov.get("full", 0) + cov.get("partial", 0) + cov.get("none", 0)
    out: list[str] = []
    if n and (cov.get("partial") or cov.get("none")):
        out.append(f"Полнота проверки: полностью {cov.get('full', 0)} из {n} ({_pct(cov.get('percent_full', 0.0))}), "
                   f"частично {cov.get('partial', 0)}, не сверено ни с одной санкцией {cov.get('none', 0)}")
        reasons = ", ".join(f"{_REASON_RU.get(r, r)}: {k}" for r, k in sorted((cov.get("by_reason") or {}).items()))
        if reasons:
            out.append(f"Причины: {reasons}")
        arts = list((cov.get("by_article") or {}).items())[:10]
        if arts:
            out.append("Не проверено по статьям: " + ", ".join(f"ст.{a}: {k}" for a, k in arts))
    after = cov.get("after_edition")
    if after:
        ed = after.get("edition") or ""
        ed_ru = f"{ed[8:10]}.{ed[5:7]}.{ed[0:4]}" if len(ed) == 10 else "?"
        out.append(f"Внимание: в {after.get('records', 0)} записях деяние совершено позже редакции Кодекса от {ed_ru}, "
                   "загруженной в каталог; они проверены по этой редакции — загрузите действующий текст Кодекса")
    return out
