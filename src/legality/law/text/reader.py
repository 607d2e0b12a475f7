"""Cut the Code's text into chapters, articles, parts, items, notes and footnotes.

Why one reader for two layouts: an office brings either the markdown copy of the ЭБНПА text
(`#### Статья 188. Кража`) or plain text copied from adilet.zan.kz (the same lines without `#`).
Heading marks are stripped first, so both are read by the same rules; the table of contents, which
repeats every heading without a body, is overridden by the body that follows it.
"""

from __future__ import annotations

import re

from .structure import Article, CodeText, Item, Part

_ARTICLE = re.compile(r"^Статья\s+(\d+(?:-\d+)?)\s*\.\s*(.*)$")
_CHAPTER = re.compile(r"^Глава\s+(\d+)\s*\.?\s*(.*)$", re.IGNORECASE)
_PART = re.compile(r"^(\d+(?:-\d+)?)\.\s+(.*)$")
_ITEM = re.compile(r"^(\d+(?:-\d+)?)\)\s*(.*)$")
_SANCTION = re.compile(r"^наказыва", re.IGNORECASE)
_NOTE = re.compile(r"^Примечани[ея]\b")
_FOOTNOTE = re.compile(r"^Сноска\b")
_REPEALED = re.compile(r"^[Ии]сключен[аоы]?\b")
_ARTICLE_REPEALED = re.compile(r"Статья\s+\d+(?:-\d+)?\s+исключена\s+(.*)$")


def normalize_line(line: str) -> str:
    """One line without heading marks, soft hyphens or non-breaking spaces."""
    line = line.replace("\u00ad", "").replace("\u00a0", " ").replace("\ufeff", "")
    line = re.sub(r"^\s*#+\s*", "", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def read_code(text: str) -> CodeText:
    code = CodeText()
    special = general = False
    chapter: int | None = None
    art: Article | None = None
    part: Part | None = None
    in_notes = False

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = normalize_line(raw)
        if not line:
            continue
        upper = line.upper()
        if upper.startswith("ОСОБЕННАЯ ЧАСТЬ"):
            special, general, chapter, art, part = True, False, None, None, None
            continue
        if upper.startswith("ОБЩАЯ ЧАСТЬ") or upper.startswith("ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ"):
            special, chapter, art, part = False, None, None, None
            general = upper.startswith("ОБЩАЯ ЧАСТЬ")
            continue
        if upper.startswith("РАЗДЕЛ ") or upper == "ОГЛАВЛЕНИЕ":
            chapter, art, part = None, None, None
            continue
        m = _CHAPTER.match(line)
        if m:
            chapter = int(m.group(1))
            code.chapters[chapter] = m.group(2).strip()
            art, part = None, None
            continue
        m = _ARTICLE.match(line)
        if m:
            number, title = m.group(1), m.group(2).strip().rstrip(".")
            art = Article(number, title, chapter, special, lineno, general=general)
            if _REPEALED.match(title):
                art.repealed = title
            code.articles[number] = art  # a later occurrence (the body) replaces the table of contents
            part, in_notes = None, False
            continue
        if art is None:
            continue
        if _FOOTNOTE.match(line):
            art.footnotes.append(line)
            rm = _ARTICLE_REPEALED.search(line)
            if rm:
                art.repealed = "исключена " + rm.group(1).rstrip(".")
            continue
        if _NOTE.match(line) or in_notes:
            in_notes = True
            art.notes.append(line)
            continue
        m = _PART.match(line)
        if m:
            part = Part(m.group(1))
            body = m.group(2).strip()
            if _REPEALED.match(body):
                part.repealed = body
            else:
                part.text.append(body)
            art.parts.append(part)
            continue
        if part is None:
            part = Part(None)
            art.parts.append(part)
        m = _ITEM.match(line)
        if m:
            body = m.group(2).strip()
            part.items.append(Item(m.group(1), body, body if _REPEALED.match(body) else None))
            continue
        if _SANCTION.match(line):
            part.sanctions.append(line)
            continue
        part.text.append(line)
    return code
