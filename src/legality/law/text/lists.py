"""The General-Part lists of offences read from ст.3 (corruption, terrorist, extremist, sexual offences against minors).

Why read from the text: these lists decide probation, limitation, confiscation and the lifelong ban;
typed by hand they drift from the Code each time ст.3 is amended. Elements are written as the rules
read them: «361» (the whole article), «404.2» (part two), «189.3.2» (item 2 of part three).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .footnotes import parse_laws
from .structure import CodeText, article_key

_ORDINALS = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8,
    "девят": 9, "десят": 10,
}

# name of the param → (item of ст.3, the words that open the definition)
LISTS: dict[str, tuple[str, str]] = {
    "corruption.list": ("29", "коррупционные преступления"),
    "terrorist.articles": ("30", "террористические преступления"),
    "extremist.articles": ("39", "экстремистские преступления"),
    "sexual_minors.articles": ("42", "преступления против половой неприкосновенности несовершеннолетних"),
}


class ListError(ValueError):
    """A list of ст.3 that is missing or whose words could not be read."""


@dataclass(frozen=True)
class ReadList:
    name: str
    item: str           # the item of ст.3
    value: list[str]
    quote: str          # the words read
    verified_from: date | None = None  # the newest law in ст.3's footnote: the text read is as amended by it


def _ordinal(word: str) -> int:
    w = word.lower()
    for stem, n in _ORDINALS.items():
        if w.startswith(stem):
            return n
    if re.fullmatch(r"\d+(-\d+)?", w):
        return int(w.split("-")[0]) if "-" not in w else int(w.split("-")[0])
    raise ListError(f"не понято порядковое слово «{word}»")


def _qualifier(article: str, words: str) -> list[str]:
    """«пунктом 2) части третьей» → ["A.3.2"]; «частями второй и третьей» → ["A.2", "A.3"]; a title → ["A"]."""
    w = words.strip()
    m = re.fullmatch(r"пункт\w*\s+(\d+(?:-\d+)?)\)\s+част\w*\s+(\w+)", w)
    if m:
        return [f"{article}.{_ordinal(m.group(2))}.{m.group(1)}"]
    m = re.fullmatch(r"част\w*\s+(.+)", w)
    if m:
        words_ = re.split(r"\s*(?:,|\bи\b)\s*", m.group(1))
        return [f"{article}.{_ordinal(x)}" for x in words_ if x]
    if re.search(r"\b(част|пункт)", w):
        raise ListError(f"ст.{article}: не понято «{w}»")
    return [article]  # a name in brackets («120 (изнасилование)»)


def parse_article_list(text: str) -> list[str]:
    """The articles of «деяния, предусмотренные статьями A (…), B, … и C настоящего Кодекса»."""
    m = re.search(r"стать(?:ями|ей)\s+(.*?)\s+настоящего\s+Кодекса", text)
    if not m:
        raise ListError("не найдено «статьями … настоящего Кодекса»")
    body = m.group(1)
    out: list[str] = []
    pos = 0
    token = re.compile(r"\s*(?:,|\bи\b)?\s*(\d+(?:-\d+)?)\s*(\((?:пункт\w*\s+\d+(?:-\d+)?\)\s+част\w*\s+\w+|[^()]*)\))?")
    while pos < len(body):
        t = token.match(body, pos)
        if not t or t.end() == pos:
            raise ListError(f"не понято: «{body[pos:pos + 60]}»")
        article, qual = t.group(1), t.group(2)
        out.extend(_qualifier(article, qual[1:-1]) if qual else [article])
        pos = t.end()
        rest = body[pos:].strip()
        if rest in ("", ",") or rest.startswith(("и ", ",")) or re.match(r"\d", rest):
            continue
        raise ListError(f"не понято: «{rest[:60]}»")
    return out


def _sort_key(element: str) -> tuple[int, ...]:
    head, *rest = element.split(".")
    return (*article_key(head), *[int(x.split("-")[0]) for x in rest])


def read_lists(code: CodeText) -> list[ReadList]:
    art = code.articles.get("3")
    if art is None:
        raise ListError("в тексте нет статьи 3")
    paragraphs = [i for p in art.parts for i in p.items]
    latest = max((law.signed for fn in art.footnotes for law in parse_laws(fn)), default=None)
    out = []
    for name, (number, opening) in LISTS.items():
        found = [i for i in paragraphs if i.number == number and i.text.startswith(opening)]
        if not found:
            raise ListError(f"ст.3 п.{number} («{opening}») не найден")
        value = sorted(set(parse_article_list(found[0].text)), key=_sort_key)
        out.append(ReadList(name, number, value, found[0].text, latest))
    return out
