"""The JSON Schema of the verdict export format, for courts to check their exports before sending.

Why generated and then annotated here: the pydantic models are the single definition of the
shape, so the schema cannot drift from what `legality validate` accepts; this module only adds what
a court's IT department needs to read it (Russian titles and descriptions of every field, the
meaning of every code) and the cross-field facts JSON Schema can express (a penalty's amount fields,
regime and probation only with the right penalty, `single` with one offence, circumstance codes,
ISO dates).  What it cannot express (dates in order, ages, unique offence ids) only `legality
validate` checks; the top-level description says so.
"""

from __future__ import annotations

from typing import Any

from ..model.enums import ALL_AMOUNT_FIELDS, AMOUNT_FIELDS, ENUMS, PenaltyKind
from ..model.validate import AGGRAVATING_CODE, MITIGATING_CODE
from ..model.verdict import FORMAT_TAG, Verdict

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

TITLE = "Выгрузка приговора по уголовному делу (legality.verdict/1)"
DESCRIPTION = (
    "Одна запись — приговор в отношении одного подсудимого по одному уголовному делу. Пакет — файл .jsonl "
    "(по одному объекту на строку, UTF-8), файл .json (объект или массив объектов) или каталог таких файлов. "
    "Неизвестные дополнительные поля допускаются и не учитываются. Схема проверяет форму записи; порядок дат "
    "(деяние не позже приговора, рождение до деяния), возраст подсудимого (не менее 14 лет на дату деяния) и "
    "уникальность идентификаторов эпизодов проверяет только команда `legality validate`."
)

# model (as named in $defs, "Verdict" for the top level) -> field -> (title, description)
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "Verdict": {
        "format": ("Формат", f"Метка формата; если указана, только \"{FORMAT_TAG}\"."),
        "case_id": ("Идентификатор записи", "Уникальный номер записи приговора в выгрузке, например \"2024-0153-17\"."),
        "court": ("Суд", "Суд, вынесший приговор."),
        "judge_id": ("Судья", "Псевдонимный идентификатор председательствующего судьи (не ФИО)."),
        "verdict_date": ("Дата приговора", "Дата провозглашения приговора, ГГГГ-ММ-ДД."),
        "procedure": ("Порядок судопроизводства", "Код порядка рассмотрения дела; по умолчанию general."),
        "defendant": ("Подсудимый", "Сведения о подсудимом (без ФИО и ИИН)."),
        "offences": ("Эпизоды", "Каждое уголовное правонарушение, за которое осуждён подсудимый; не менее одного."),
        "final_sentence": ("Окончательное наказание", "Наказание, назначенное окончательно (по совокупности — после сложения)."),
    },
    "Court": {
        "code": ("Код суда", "Код суда в системе учёта, например \"ALM-AUEZ-01\"."),
        "name": ("Наименование суда", "Полное наименование суда."),
        "region": ("Регион", "Область или город республиканского значения."),
    },
    "Defendant": {
        "person_id": ("Идентификатор лица", "Псевдонимный идентификатор подсудимого, например \"P-88213\"; никогда не ФИО и не ИИН."),
        "sex": ("Пол", "M — мужской, F — женский."),
        "birth_date": ("Дата рождения", "ГГГГ-ММ-ДД."),
        "citizenship": ("Гражданство", "Код гражданства; по умолчанию KZ."),
        "pregnant": ("Беременность", "Беременна на момент вынесения приговора."),
        "child_under_3": ("Ребёнок до трёх лет", "Имеет малолетнего ребёнка в возрасте до трёх лет."),
        "disability_group": ("Группа инвалидности", "1, 2 или 3; null — нет инвалидности."),
        "military": ("Военнослужащий", "Военнослужащий на момент вынесения приговора."),
        "prior_convictions": ("Прежние судимости", "Непогашенные и погашенные судимости; по умолчанию пусто."),
    },
    "PriorConviction": {
        "verdict_date": ("Дата прежнего приговора", "ГГГГ-ММ-ДД."),
        "articles": ("Статьи", "Статьи УК РК, по которым осуждён прежним приговором; не менее одной."),
        "category": ("Категория", "Категория наиболее тяжкого из преступлений прежнего приговора."),
        "intent": ("Форма вины", "intentional — умышленное, negligent — неосторожное."),
        "age_at_offence": ("Возраст на момент деяния", "Полных лет на дату прежнего деяния (судимости за деяния до 18 лет не образуют рецидива)."),
        "sentence_kind": ("Вид наказания", "Основное наказание по прежнему приговору."),
        "real_imprisonment": ("Реальное лишение свободы", "true — лишение свободы подлежало реальному отбыванию (не условно)."),
        "suspended": ("Условное осуждение", "true — наказание назначалось условно."),
        "expunged": ("Судимость погашена", "true — судимость погашена или снята к дате нового деяния."),
        "release_date": ("Дата освобождения", "Дата полного отбытия наказания, ГГГГ-ММ-ДД."),
    },
    "ArticleRefModel": {
        "article": ("Статья", "Статья Особенной части УК РК, строкой: \"188\", \"218-1\"."),
        "part": ("Часть", "Номер части статьи; null — статья без частей."),
        "paragraph": ("Пункт", "Номер пункта части, например 3 для п.3 ч.2 ст.188."),
    },
    "Offence": {
        "id": ("Идентификатор эпизода", "Уникален в пределах записи, например \"1\"."),
        "article": ("Статья", "Статья Особенной части УК РК, строкой: \"188\", \"218-1\"."),
        "part": ("Часть", "Номер части статьи; null — статья без частей."),
        "paragraph": ("Пункт", "Номер пункта части, например 3 для п.3 ч.2 ст.188."),
        "committed_on": ("Дата совершения", "ГГГГ-ММ-ДД; для длящегося деяния — день окончания."),
        "stage": ("Стадия", "Стадия преступления; по умолчанию completed."),
        "role": ("Роль", "Вид соучастия; по умолчанию perpetrator."),
        "mitigating": ("Смягчающие обстоятельства", "Коды \"53.1.N\" (пункт N части 1 ст.53 УК РК) и \"53.2\" (иные, признанные судом по ч.2 ст.53)."),
        "aggravating": ("Отягчающие обстоятельства", "Коды \"54.1.N\" (пункт N части 1 ст.54 УК РК)."),
        "damage_kzt": ("Ущерб, тенге", "Размер причинённого ущерба в тенге."),
        "damage_compensated": ("Ущерб возмещён", "true — ущерб добровольно возмещён полностью."),
        "sentence": ("Наказание за эпизод", "Наказание, назначенное за это правонарушение."),
    },
    "Sentence": {
        "principal": ("Основное наказание", "Основное наказание."),
        "additional": ("Дополнительные наказания", "Дополнительные наказания; по умолчанию нет."),
        "exempted": ("Освобождение от наказания", "Основание, если суд, признав виновным, освободил от наказания."),
    },
    "FinalSentence": {
        "combination": ("Порядок сложения", "Как сложены наказания по совокупности (ст.58 УК РК); single — одно преступление."),
        "prior_unserved": ("Неотбытое наказание", "Неотбытая часть наказания по прежнему приговору при назначении по совокупности приговоров (ст.60 УК РК)."),
        "regime": ("Вид учреждения", "Вид учреждения уголовно-исполнительной системы; только при реальном лишении свободы."),
        "probation": ("Условное осуждение", "Испытательный срок при условном осуждении; только к лишению или ограничению свободы."),
    },
    "PriorUnserved": {
        "verdict_date": ("Дата прежнего приговора", "ГГГГ-ММ-ДД."),
        "principal": ("Неотбытое основное наказание", "Неотбытая часть основного наказания."),
    },
    "Probation": {
        "period": ("Испытательный срок", "Срок: годы, месяцы, дни."),
    },
    "Penalty": {
        "kind": ("Вид наказания", "Код вида наказания; от него зависит, какое поле размера обязательно."),
        "mrp": ("Размер, МРП", "В месячных расчётных показателях: для штрафа (или multiple) и исправительных работ."),
        "multiple": ("Кратность", "Штраф, кратный сумме взятки или ущерба (вместо mrp)."),
        "hours": ("Часы", "Для общественных работ, целое число часов."),
        "days": ("Сутки", "Для ареста, целое число суток."),
        "term": ("Срок", "Для ограничения свободы, лишения свободы и лишения права занимать должность."),
        "lifelong": ("Пожизненно", "true — пожизненное лишение права занимать должность (вместо term)."),
    },
}
FIELDS["FinalSentence"] = {**FIELDS["Sentence"], **FIELDS["FinalSentence"]}

MODELS: dict[str, tuple[str, str]] = {
    "Court": ("Суд", "Суд, вынесший приговор."),
    "Defendant": ("Подсудимый", "Сведения о подсудимом; персональные данные заменены псевдонимами."),
    "PriorConviction": ("Прежняя судимость", "Одна прежняя судимость подсудимого."),
    "ArticleRefModel": ("Ссылка на статью", "Статья, часть и пункт УК РК."),
    "Offence": ("Эпизод", "Одно уголовное правонарушение, за которое осуждён подсудимый."),
    "Sentence": ("Наказание", "Основное и дополнительные наказания."),
    "FinalSentence": ("Окончательное наказание", "Окончательное наказание с порядком сложения, видом учреждения и условным осуждением."),
    "PriorUnserved": ("Неотбытое наказание по прежнему приговору", "Для совокупности приговоров (ст.60 УК РК)."),
    "Probation": ("Условное осуждение", "Испытательный срок."),
    "Penalty": ("Наказание", "Вид наказания и его размер: для каждого вида — ровно одно поле размера, см. поле kind."),
}

ENUM_TITLES: dict[str, str] = {
    "Procedure": "Порядок судопроизводства",
    "Sex": "Пол",
    "Citizenship": "Гражданство",
    "Category": "Категория преступления",
    "Intent": "Форма вины",
    "PenaltyKind": "Вид наказания",
    "Stage": "Стадия преступления",
    "Role": "Вид соучастия",
    "Exemption": "Основание освобождения от наказания",
    "Combination": "Порядок сложения наказаний (ст.58 УК РК)",
    "Regime": "Вид учреждения уголовно-исполнительной системы",
}

_AMOUNT_RU = {"mrp": "mrp", "multiple": "multiple", "hours": "hours", "days": "days", "term": "term", "lifelong": "lifelong: true"}
_REAL_PRISON = [PenaltyKind.imprisonment.value, PenaltyKind.life_imprisonment.value]
_PROBATION_KINDS = [PenaltyKind.imprisonment.value, PenaltyKind.restriction_of_liberty.value]


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one verdict record; deterministic (same bytes every run)."""
    schema = Verdict.model_json_schema()
    defs = schema.setdefault("$defs", {})
    for name, fields in FIELDS.items():
        node = schema if name == "Verdict" else defs.get(name)
        if node is None:
            continue
        for field, (title, description) in fields.items():
            prop = node.get("properties", {}).get(field)
            if prop is not None:
                prop["title"], prop["description"] = title, description
    for name, (title, description) in MODELS.items():
        if name in defs:
            defs[name]["title"], defs[name]["description"] = title, description
    for name, enum in ENUMS.items():
        if name in defs:
            defs[name]["title"] = ENUM_TITLES.get(name, name)
            defs[name]["description"] = "; ".join(f"{m.value} — {m.ru}" for m in enum) + "."
    _patterns(schema, defs)
    defs["Penalty"]["allOf"] = _penalty_amounts()
    defs["FinalSentence"]["allOf"] = _final_sentence_rules()
    schema["allOf"] = [_single_combination()]
    out = {"$schema": DIALECT, "title": TITLE, "description": DESCRIPTION}
    out.update({k: v for k, v in schema.items() if k not in ("title", "description")})
    return out


def _patterns(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    for node in _walk(schema):
        if node.get("format") == "date" and node.get("type") == "string":
            node["pattern"] = ISO_DATE
    offence = defs["Offence"]["properties"]
    offence["mitigating"]["items"]["pattern"] = f"^{MITIGATING_CODE.pattern}$"
    offence["aggravating"]["items"]["pattern"] = f"^{AGGRAVATING_CODE.pattern}$"


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _absent(field: str) -> dict[str, Any]:
    return {"enum": [None, False]} if field == "lifelong" else {"type": "null"}


def _present(field: str) -> dict[str, Any]:
    return {"const": True} if field == "lifelong" else {"not": {"type": "null"}}


def _penalty_amounts() -> list[dict[str, Any]]:
    """Per kind: exactly one group of amount fields present (non-null), every other amount field absent."""
    rules = []
    for kind, groups in AMOUNT_FIELDS.items():
        options = [
            {"required": list(group),
             "properties": {f: (_present(f) if f in group else _absent(f)) for f in ALL_AMOUNT_FIELDS}}
            for group in groups
        ]
        wanted = " или ".join(", ".join(_AMOUNT_RU[f] for f in g) if g else "без полей размера" for g in groups)
        rules.append({
            "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
            "then": {"anyOf": options} if len(options) > 1 else options[0],
            "description": f"{kind.value} ({kind.ru}): {wanted}",
        })
    return rules


def _non_null(field: str) -> dict[str, Any]:
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


def _final_sentence_rules() -> list[dict[str, Any]]:
    return [
        {
            "description": "вид учреждения указывается только при реальном лишении свободы",
            "if": _non_null("regime"),
            "then": {"properties": {"principal": {"properties": {"kind": {"enum": _REAL_PRISON}}},
                                    "probation": {"type": "null"}}},
        },
        {
            "description": "условное осуждение — только к лишению или ограничению свободы",
            "if": _non_null("probation"),
            "then": {"properties": {"principal": {"properties": {"kind": {"enum": _PROBATION_KINDS}}}}},
        },
    ]


def _single_combination() -> dict[str, Any]:
    return {
        "description": "combination \"single\" означает одно преступление",
        "if": {"required": ["final_sentence"],
               "properties": {"final_sentence": {"required": ["combination"],
                                                 "properties": {"combination": {"const": "single"}}}}},
        "then": {"properties": {"offences": {"maxItems": 1}}},
    }
