"""The shape of an outline file (`outline: general`, see outline.py), validated by pydantic when it is loaded."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from ..model.values import Part, part_value


def _num(v: Any) -> Part:
    p = part_value(v)
    if p is None:
        raise ValueError("a number is required")
    return p


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutlineArticleSpec(_Strict):
    article: str
    title: str = ""
    parts: list[Part] = []
    items: list[Part] | dict[Part, list[Part]] = []
    repealed: str | None = None
    repealed_parts: dict[Part, str] = {}
    repealed_items: dict[str, str] = {}
    notes: str = ""

    @field_validator("article", mode="before")
    @classmethod
    def _article(cls, v: Any) -> str:
        return str(v)

    @field_validator("parts", mode="before")
    @classmethod
    def _parts(cls, v: Any) -> Any:
        return [_num(x) for x in v] if isinstance(v, list) else v

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [_num(x) for x in v]
        if isinstance(v, dict):
            return {_num(k): [_num(x) for x in (xs or [])] for k, xs in v.items()}
        return v

    @field_validator("repealed_parts", mode="before")
    @classmethod
    def _repealed_parts(cls, v: Any) -> Any:
        return {_num(k): x for k, x in v.items()} if isinstance(v, dict) else v


class OutlineFile(_Strict):
    outline: Literal["general"]
    edition: str
    source: str
    edition_date: date
    articles: list[OutlineArticleSpec]


