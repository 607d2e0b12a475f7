"""The JSON Schema of the verdict export format, for courts to check their exports before sending.

Why generated and then annotated here: the pydantic models are the single definition of the
shape, so the schema cannot drift from what `legality validate` accepts; this module only adds what
a court's IT department needs to read it (Russian titles and descriptions of every field, the
meaning of every code) and the cross-field facts JSON Schema can express (a penalty's amount fields,
circumstance codes, ISO dates).  What it cannot express (dates in order, unique offence ids) only
`legality validate` checks; the top-level description says so.  A court's errors (probation on a
fine, a regime for a conditional sentence, a defendant under 14) are valid records: the rules flag them.
"""

from __future__ import annotations

from typing import Any

from ..model.enums import ALL_AMOUNT_FIELDS, AMOUNT_FIELDS, ENUMS
from ..model.validate import AGGRAVATING_CODE, MITIGATING_CODE
from ..model.verdict import FORMAT_TAG, Verdict

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

TITLE = "Выгрузка приговора по уголовному делу (legality.verdict/1)"
DESCRIPTION = (
    "Одна запись — приговор в отношении одного подсудимого по одному уголовному делу. Пакет — файл .jsonl "
    "(по одному объекту на строку, UTF-8), файл .json (объект или массив объектов) или каталог таких файлов. "
    "Неизвестные дополнительные поля допускаются и не учитываются. Схема проверяет форму записи; порядок дат "
    "(деяние не позже приговора, рождение до деяния, уклонение между деянием и приговором) и уникальность "
    "идентификаторов эпизодов проверяет только команда `legality validate`. Ошибки суда (например, условное "
    "осуждение к штрафу) запись не портят: их находят правила проверки."
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
        "forced_payment": ("Принудительный платёж", "Принудительный платёж в Фонд компенсации потерпевшим (ст.98-1, 98-2 УК РК), "
                           "взысканный приговором, — одна сумма на приговор: {\"mrp\": N}. Нет поля — платёж не взыскан или не выгружен."),
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
        "in_force_date": ("Дата вступления в законную силу", "Дата вступления прежнего приговора в законную силу, ГГГГ-ММ-ДД: "
                          "с этого дня лицо считается судимым (ст.79 ч.1 УК РК)."),
        "probation": ("Испытательный срок", "Испытательный срок (пробационный контроль) по прежнему приговору, если наказание "
                      "назначалось условно (ст.63 ч.3, ст.64 УК РК): годы, месяцы, дни."),
        "clemency": ("Амнистия или помилование", "Применялись ли по прежнему приговору амнистия (amnesty) или помилование "
                     "(pardon), ст.78 УК РК: акты об амнистии исключают лиц, вновь совершивших умышленное преступление."),
    },
    "ArticleRefModel": {
        "article": ("Статья", "Статья Особенной части УК РК, строкой: \"188\", \"218-1\"."),
        "part": ("Часть", "Номер части статьи; часть, вставленная поправкой, — строкой: \"3-1\" для ч.3-1; null — статья без частей."),
        "paragraph": ("Пункт", "Номер пункта части, например 3 для п.3 ч.2 ст.188."),
    },
    "Offence": {
        "id": ("Идентификатор эпизода", "Уникален в пределах записи, например \"1\"."),
        "article": ("Статья", "Статья Особенной части УК РК, строкой: \"188\", \"218-1\"."),
        "part": ("Часть", "Номер части статьи; часть, вставленная поправкой, — строкой: \"3-1\" для ч.3-1; null — статья без частей."),
        "paragraph": ("Пункт", "Номер пункта части, например 3 для п.3 ч.2 ст.188."),
        "committed_on": ("Дата совершения", "ГГГГ-ММ-ДД; для длящегося деяния — день окончания."),
        "stage": ("Стадия", "Стадия преступления; по умолчанию completed."),
        "role": ("Роль", "Вид соучастия; по умолчанию perpetrator."),
        "mitigating": ("Смягчающие обстоятельства", "Коды \"53.1.N\" (пункт N части 1 ст.53 УК РК) и \"53.2\" (иные, признанные судом по ч.2 ст.53)."),
        "aggravating": ("Отягчающие обстоятельства", "Коды \"54.1.N\" (пункт N части 1 ст.54 УК РК)."),
        "damage_kzt": ("Ущерб, тенге", "Размер причинённого ущерба в тенге."),
        "damage_compensated": ("Ущерб возмещён", "true — ущерб добровольно возмещён полностью."),
        "criminal_group": ("Преступной группой", "true — преступление совершено в составе преступной группы (организованная "
                           "группа, преступная организация, преступное сообщество и др.; ст.3 п.24, ст.31 ч.3 УК РК)."),
        "victim_age_group": ("Возраст потерпевшего", "Возрастная группа младшего потерпевшего на дату деяния: under_14 — малолетний, "
                             "under_16 — 14–15 лет, under_18 — 16–17 лет (несовершеннолетний), adult — 18 лет и старше."),
        "evasion": ("Уклонение от следствия или суда", "Период, когда лицо уклонялось от следствия или суда и течение давности "
                    "приостанавливалось (ст.71 ч.4 УК РК): {\"from\": дата, \"to\": дата или null}."),
        "sentence": ("Наказание за эпизод", "Наказание, назначенное за это правонарушение."),
    },
    "Sentence": {
        "principal": ("Основное наказание", "Основное наказание."),
        "additional": ("Дополнительные наказания", "Дополнительные наказания; по умолчанию нет."),
        "exempted": ("Освобождение от наказания", "Основание, если суд, признав виновным, освободил от наказания."),
        "amnesty_act": ("Акт амнистии", "Применённый акт амнистии (ст.78 УК РК), например \"Закон РК от 13.12.2016 «Об амнистии "
                        "в связи с двадцатипятилетием Независимости Республики Казахстан»\": при освобождении (exempted = amnesty) "
                        "или сокращении срока."),
    },
    "FinalSentence": {
        "combination": ("Порядок сложения", "Как сложены наказания по совокупности (ст.58 УК РК); single — одно преступление."),
        "prior_unserved": ("Неотбытое наказание", "Неотбытая часть наказания по прежнему приговору при назначении по совокупности приговоров (ст.60 УК РК)."),
        "regime": ("Вид учреждения", "Вид учреждения уголовно-исполнительной системы (при реальном лишении свободы)."),
        "probation": ("Условное осуждение", "Испытательный срок при условном осуждении (ст.63 УК РК)."),
    },
    "PriorUnserved": {
        "verdict_date": ("Дата прежнего приговора", "ГГГГ-ММ-ДД."),
        "principal": ("Неотбытое основное наказание", "Неотбытая часть основного наказания."),
    },
    "Probation": {
        "period": ("Испытательный срок", "Срок: годы, месяцы, дни."),
    },
    "Evasion": {
        "from": ("Начало уклонения", "Дата, с которой лицо уклонялось от следствия или суда, ГГГГ-ММ-ДД."),
        "to": ("Конец уклонения", "Дата задержания или явки с повинной (ст.71 ч.4 УК РК); null — не указана."),
    },
    "ForcedPayment": {
        "mrp": ("Размер, МРП", "Сумма принудительного платежа в месячных расчётных показателях (ст.98-2 УК РК)."),
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
    "Evasion": ("Уклонение от следствия или суда", "Период приостановления давности (ст.71 ч.4 УК РК)."),
    "ForcedPayment": ("Принудительный платёж", "Взысканный приговором платёж в Фонд компенсации потерпевшим (ст.98-1 УК РК)."),
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
    "VictimAgeGroup": "Возрастная группа потерпевшего",
    "Clemency": "Акт милосердия по прежнему приговору",
}

_AMOUNT_RU = {"mrp": "mrp", "multiple": "multiple", "hours": "hours", "days": "days", "term": "term", "lifelong": "lifelong: true"}


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
