"""A field of the export in words (`legality.words.field`): what a prosecutor reads instead of a JSON path.

Why a table: each row is a path the validator reports and the words a reader sees, in both languages,
so a reviewer checks them row by row.  Why the model walk: the labels are one table beside the pydantic
models of `model/verdict.py`; a field added to the format without a label would reach a reader as
«поле "new_field"», and the walk fails first.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from legality import i18n, words
from legality.model.values import Term
from legality.model.verdict import Verdict
from legality.words.fields import FIELDS, ROOT


@pytest.mark.parametrize("path, ru, kk", [
    ("offences[0].sentence.principal.mrp",
     "эпизод 1 → наказание → основное наказание → размер в МРП",
     "1-эпизод → жаза → негізгі жаза → АЕК-пен мөлшері"),
    ("final_sentence.additional[1].term.years",
     "окончательное наказание → дополнительное наказание 2 → срок → годы",
     "түпкілікті жаза → 2-қосымша жаза → мерзімі → жылдар"),
    ("defendant.prior_convictions[0].articles[2].part",
     "подсудимый → судимость 1 → статья 3 по списку → часть",
     "сотталушы → 1-соттылық → тізім бойынша 3-бап → бөлік"),
    ("defendant.prior_convictions[1].probation",
     "подсудимый → судимость 2 → испытательный срок",
     "сотталушы → 2-соттылық → сынақ мерзімі"),
    ("final_sentence.probation.period",
     "окончательное наказание → условное осуждение → испытательный срок",
     "түпкілікті жаза → шартты түрде соттау → сынақ мерзімі"),
    ("final_sentence.prior_unserved.principal.term",
     "окончательное наказание → неотбытая часть прежнего наказания → основное наказание → срок",
     "түпкілікті жаза → бұрынғы жазаның өтелмеген бөлігі → негізгі жаза → мерзімі"),
    ("offences[11].evasion.from",
     "эпизод 12 → уклонение от следствия или суда → начало",
     "12-эпизод → тергеуден немесе соттан жалтару → басталуы"),
    ("offences[0].mitigating[1]",
     "эпизод 1 → смягчающее обстоятельство 2",
     "1-эпизод → 2-жеңілдететін мән-жай"),
    ("offences", "эпизоды", "эпизодтар"),  # the list itself (an empty or missing list)
    ("forced_payment.mrp", "принудительный платёж → размер в МРП", "мәжбүрлі төлем → АЕК-пен мөлшері"),
    ("verdict_date", "дата приговора", "үкім күні"),
    ("defendant.birth_date", "подсудимый → дата рождения", "сотталушы → туған күні"),
    ("format", "метка формата", "формат белгісі"),
    # the record as a whole (broken JSON, not an object)
    ("$", "запись целиком", "жазба толығымен"),
    ("", "запись целиком", "жазба толығымен"),
    # keys the format does not have: as written, quoted, with what follows them
    ("offences[2].artcle", "эпизод 3 → поле \"artcle\"", "3-эпизод → \"artcle\" өрісі"),
    ("final_sentence.principal.term.weeks",
     "окончательное наказание → основное наказание → срок → поле \"weeks\"",
     "түпкілікті жаза → негізгі жаза → мерзімі → \"weeks\" өрісі"),
    ("comment.lines[0]", "поле \"comment.lines[0]\"", "\"comment.lines[0]\" өрісі"),
    ("offences[0].mitigating[0].code", "эпизод 1 → смягчающее обстоятельство 1 → поле \"code\"",
     "1-эпизод → 1-жеңілдететін мән-жай → \"code\" өрісі"),
    # an index where the format has no list: counted, not dropped
    ("court[0]", "суд → элемент 1", "сот → 1-элемент"),
    # not a path at all: shown as it is
    ("..", "поле \"..\"", "\"..\" өрісі"),
])
def test_paths_in_words(path, ru, kk):
    assert words.field(path, "ru") == ru
    assert words.field(path, "kk") == kk


def test_the_current_language_is_the_default():
    before = i18n.language()
    try:
        i18n.set_language("kk")
        assert words.field("offences[0].stage") == "1-эпизод → сатысы"
        i18n.set_language("ru")
        assert words.field("offences[0].stage") == "эпизод 1 → стадия"
    finally:
        i18n.set_language(before)


def test_a_long_unknown_key_is_cut():
    """A hostile export's megabyte key must not become a megabyte cell: the reader needs to recognise it."""
    text = words.field("x" * 10_000, "ru")
    assert len(text) < 80 and text.endswith("…\"")


# --- every field of the model has its words ------------------------------------------------------

def _kinds(tp: Any) -> tuple[bool, set[type]]:
    """(is a list, the models or Terms inside) of an annotation, through Optional, Annotated and unions."""
    origin = get_origin(tp)
    if origin in (list, typing.List):
        return True, _kinds(get_args(tp)[0])[1]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        found: set[type] = set()
        is_list = False
        for arg in get_args(tp)[:1] if origin is typing.Annotated else get_args(tp):
            lst, inner = _kinds(arg)
            is_list |= lst
            found |= inner
        return is_list, found
    if isinstance(tp, type) and (issubclass(tp, BaseModel) or issubclass(tp, Term)):
        return False, {tp}
    return False, set()


def _walk() -> list[tuple[str, str, bool, str | None]]:
    """(model, JSON key, is a list, model of the value) for every field reachable from the record."""
    out, todo, seen = [], [Verdict], set()
    while todo:
        model = todo.pop()
        if model.__name__ in seen:
            continue
        seen.add(model.__name__)
        if issubclass(model, Term):
            schema = Verdict.model_json_schema()  # Term's keys as the format's JSON Schema gives them
            term_keys = _term_keys(schema)
            out += [("Term", key, False, None) for key in term_keys]
            continue
        for name, info in model.model_fields.items():
            is_list, inner = _kinds(info.annotation)
            assert len(inner) <= 1, (model.__name__, name)
            child = next(iter(inner), None)
            out.append((model.__name__, info.alias or name, is_list, child.__name__ if child else None))
            if child is not None:
                todo.append(child)
    return out


def _term_keys(schema: dict[str, Any]) -> list[str]:
    principal = schema["$defs"]["Penalty"]["properties"]["term"]
    branches = principal.get("anyOf", [principal])
    term = next(b for b in branches if b.get("type") == "object")
    return sorted(term["properties"])


WALK = _walk()


def test_the_walk_sees_the_format():
    """The walk itself: it reaches the nested models and the keys as the export writes them."""
    keys = {(m, k) for m, k, _l, _c in WALK}
    assert {("Verdict", "offences"), ("Sentence", "principal"), ("Penalty", "mrp"), ("Evasion", "from"),
            ("Term", "years"), ("ArticleRefModel", "paragraph"), ("FinalSentence", "prior_unserved")} <= keys
    assert len(keys) > 80


@pytest.mark.parametrize("model, key, is_list, child", WALK, ids=[f"{m}.{k}" for m, k, _l, _c in WALK])
def test_every_field_has_words(model, key, is_list, child):
    spec = FIELDS.get(model, {}).get(key)
    assert spec is not None, f"{model}.{key}: add its Russian and Kazakh labels to words/fields.py"
    assert spec.ru.strip() and spec.kk.strip()
    assert spec.model == child, f"{model}.{key}: its value is a {child}"
    if is_list:  # «эпизод 1»: the element's noun with its number
        assert spec.item_ru and spec.item_kk and "{n}" in spec.item_ru and "{n}" in spec.item_kk
    else:
        assert spec.item_ru is None and spec.item_kk is None


def test_the_table_has_no_field_the_format_lacks():
    """A field renamed or removed in the models leaves no stale label behind."""
    walked = {(m, k) for m, k, _l, _c in WALK}
    listed = {(m, k) for m, fields in FIELDS.items() for k in fields}
    assert listed == walked
    assert ROOT == Verdict.__name__


def test_labels_are_words_not_identifiers():
    """No label is a key of the export in disguise («mrp», «birth_date»): a reader sees only words."""
    for fields in FIELDS.values():
        for key, spec in fields.items():
            for text in (spec.ru, spec.kk, spec.item_ru or "", spec.item_kk or ""):
                assert "_" not in text and key not in text.split(), (key, text)
