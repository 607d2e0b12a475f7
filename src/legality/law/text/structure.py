"""The Code's text as a tree: chapters, articles, parts, items, notes, footnotes.

Why plain dataclasses and raw strings: the reader only cuts the text where the Code itself cuts it
(«Статья N.», «1.», «1)», «Примечание», «Сноска»); what the words mean (the sanction, the dates of the
amending laws) is read later, so a phrase that cannot be understood is reported with its own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Item:
    number: str                 # «1», «2-1»
    text: str
    repealed: str | None = None  # the words «исключен Законом РК от …» when the item is repealed


@dataclass
class Part:
    number: str | None           # None: an article without numbered parts
    text: list[str] = field(default_factory=list)   # the disposition's paragraphs (items not included)
    items: list[Item] = field(default_factory=list)
    sanctions: list[str] = field(default_factory=list)  # «наказывается …» paragraphs (normally one)
    repealed: str | None = None

    @property
    def disposition(self) -> str:
        return " ".join(self.text)


@dataclass
class Article:
    number: str                  # «188», «188-1»
    title: str
    chapter: int | None
    special: bool                # in the Special Part (after «ОСОБЕННАЯ ЧАСТЬ»)
    line: int                    # where the heading stands in the text (1-based)
    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)  # «Сноска. …» paragraphs, as printed
    repealed: str | None = None  # «Статья N исключена Законом РК от …»
    general: bool = False        # in the General Part (after «ОБЩАЯ ЧАСТЬ», before the Special Part and the final provisions)

    @property
    def has_sanction(self) -> bool:
        return any(p.sanctions for p in self.parts)


@dataclass
class CodeText:
    articles: dict[str, Article] = field(default_factory=dict)
    chapters: dict[int, str] = field(default_factory=dict)

    def special_part(self) -> list[Article]:
        return sorted((a for a in self.articles.values() if a.special), key=lambda a: article_key(a.number))


def article_key(number: str) -> tuple[int, int]:
    head, _, tail = number.partition("-")
    return int(head), int(tail or 0)
