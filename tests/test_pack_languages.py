"""Every finding of the shipped pack reads in one language: no Russian in a Kazakh run, no Kazakh in a Russian one.

Why: a text value the rules compute — a ground of exclusion («беременная женщина»), an `actual`
(«лишение гражданства»), the kind of recidivism — is shown inside the finding; written as a plain
Russian string it showed Russian inside a Kazakh message, and a code («dangerous») in both.  The rules
now write such values `"…" kk "…"`.  Every rule has a `violation` test (`legality test` requires it),
so running those records in both languages reads every rule's title, message, `actual_text`,
`allowed_text` and facts.  Text that comes from the record itself (the name of an amnesty act as the
court wrote it) is the record's, not the rules', and is left out of the check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legality.resources import RULES_DIR
from legality.syntax import ast as A
from legality.syntax.parser import parse_text
from support.compiled import violation_candidates

# frequent Russian words that Kazakh never uses (a detector, not a dictionary): a Kazakh text holding one
# of them has Russian left in it
RUSSIAN_ONLY = re.compile(
    r"(?<![\w-])(лишени\w*|наказани\w*|назначен\w*|свобод\w*|не более|не менее|преступлени\w*|приговор\w*|стать[яи]"
    r"|осуждени\w*|простой|опасный|особо|несовершеннолет\w*|беременн\w*|женщин\w*|мужчин\w*|инвалид\w*"
    r"|военнослужащ\w*|террористическ\w*|экстремистск\w*|коррупционн\w*|гражданств\w*|окончательн\w*|пытки"
    r"|срока|года|лет|суток|часов|амнисти\w*|который|которое|или|на|по|от|до|не|без)(?![\w-])", re.I)
# letters of Kazakh that Russian does not have
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
# codes of the rules or the export that must be said in words
CODES = re.compile(r"\b(simple|dangerous|especially_dangerous|none)\b")


def _record_strings(x) -> set[str]:
    if isinstance(x, str):
        return {x}
    if isinstance(x, dict):
        return set().union(*(_record_strings(v) for v in x.values())) if x else set()
    if isinstance(x, list):
        return set().union(*(_record_strings(v) for v in x)) if x else set()
    return set()


def _texts(lang: str) -> list[tuple[str, str, str]]:
    """(where, field, text) of every candidate of every violation test of the shipped pack, in `lang`,
    with the record's own strings cut out."""
    out = []
    for t, c in violation_candidates(lang):
        own = sorted((s for s in _record_strings(t.record) if len(s) > 3), key=len, reverse=True)
        fields = [("title", c.title), ("message", c.message), ("actual_text", c.actual_text or ""),
                  ("allowed_text", c.allowed_text or "")]
        fields += [(f"fact «{label}»", f"{label}: {value}") for label, value in c.facts_text]
        for field, text in fields:
            for s in own:
                text = text.replace(s, " ")
            out.append((f"{Path(t.file).name}:{t.line} {c.rule}", field, text))
    return out


@pytest.fixture(scope="module")
def texts() -> dict[str, list[tuple[str, str, str]]]:
    return {lang: _texts(lang) for lang in ("ru", "kk")}


def test_kazakh_findings_have_no_russian_words(texts):
    found = sorted({f"{where} {field}: {sorted(set(m.lower() for m in RUSSIAN_ONLY.findall(text)))} in «{text[:160]}»"
                    for where, field, text in texts["kk"] if RUSSIAN_ONLY.search(text)})
    assert texts["kk"] and not found, "\n".join(found[:30])


def test_russian_findings_have_no_kazakh_letters(texts):
    found = sorted({f"{where} {field}: «{text[:160]}»" for where, field, text in texts["ru"] if KAZAKH_LETTERS.search(text)})
    assert texts["ru"] and not found, "\n".join(found[:30])


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_code_in_findings(texts, lang):
    found = sorted({f"{where} {field}: «{text[:160]}»" for where, field, text in texts[lang] if CODES.search(text)})
    assert not found, "\n".join(found[:30])


def test_the_detectors_see_what_they_look_for():
    """The detectors catch the leaks this test was written for (a detector that finds nothing proves nothing)."""
    assert RUSSIAN_ONLY.search("негіз: беременная женщина")
    assert RUSSIAN_ONLY.search("актісі: лишение гражданства")
    assert not RUSSIAN_ONLY.search("ҚР ҚК 188-бабының 3-бөлігі бойынша 5 жылдан аспайды; рецидив")
    assert KAZAKH_LETTERS.search("вид рецидива: қауіпті рецидив")
    assert CODES.search("вид рецидива по эпизоду (ст.14): dangerous")


def _pack_rules() -> list[tuple[str, A.Rule]]:
    out = []
    for f in sorted((Path(RULES_DIR) / "pack").glob("*.legal")):
        rf, _diags = parse_text(f.read_text(encoding="utf-8"), str(f))
        assert rf is not None, f
        out += [(f.name, it) for it in rf.items if isinstance(it, A.Rule)]
    return out


# abbreviations a person should not have to decode (the list); citations («ст.56 ч.3») are not among them
ABBREVIATIONS = re.compile(r"\d\s*(г|гг)\.|(?<![\w-])(мес|дн|сут|тыс)\.|-кратн\.")


def test_every_message_ends_a_sentence():
    """A message ends with «.» or «?» (after a closing parenthesis too: «…(ст.52 ч.1).»), and a value placeholder
    is never run on into the next sentence («… {cap} Деяние совершено …»): the formats print the message as
    a paragraph, and `explain` and the protest put text after it."""
    bad = []
    for file, r in _pack_rules():
        for lang, t in (("ru", r.message), ("kk", r.message_kk)):
            if t is None:
                continue
            raw = t.raw.rstrip()
            if not raw.endswith((".", "?")):
                bad.append(f"{file} {r.id} ({lang}) ends «…{raw[-50:]}»")
            if re.search(r"\}\s+(Деяние|Әрекет)\b", raw):
                bad.append(f"{file} {r.id} ({lang}) runs on: «…{raw[raw.index('}') - 30:][:80]}»")
    assert not bad, "\n".join(bad)


def test_no_abbreviations_in_titles_and_messages():
    bad = [f"{file} {r.id} ({lang}): «{text}»"
           for file, r in _pack_rules()
           for lang, text in (("title", r.title), ("title kk", r.title_kk),
                              ("message", r.message.raw if r.message else None),
                              ("message kk", r.message_kk.raw if r.message_kk else None))
           if text and ABBREVIATIONS.search(text)]
    assert not bad, "\n".join(bad)
    assert ABBREVIATIONS.search("редакция ≈2020 г.") and ABBREVIATIONS.search("6 мес.")
    assert not ABBREVIATIONS.search("ст.56 ч.3; бұл жаза емес.")
