"""A text for people written in the rules in both languages: `"лишение гражданства" kk "азаматтықтан айыру"`.

Why a `str`: a rule compares such a text with a record's string, puts it in a set, uses it as a key —
all of that must go on exactly as with the plain Russian text (the Russian text is the value; JSON and
fingerprints keep it).  Only where the text is *shown* to people (`words.say`: a message's `{…}`,
`actual_text`, `facts_text`) does the Kazakh translation take its place in a Kazakh run.
"""

from __future__ import annotations

from typing import Any


class BiText(str):
    """The Russian text (the `str` itself) with its Kazakh translation (`kk`)."""

    kk: str

    def __new__(cls, ru: str, kk: str) -> "BiText":
        obj = super().__new__(cls, ru)
        obj.kk = kk
        return obj

    def text(self, lang: str) -> str:
        """The text in `lang` ("ru" or "kk"), as a plain `str`."""
        return self.kk if lang == "kk" else str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:  # a stored pack's constants table is pickled
        return (BiText, (str.__str__(self), self.kk))

    def __repr__(self) -> str:  # distinct constants in generated code: «K[i]» keyed by repr
        return f"BiText({str.__repr__(self)}, kk={self.kk!r})"
