"""A field of the export in words: «offences[0].sentence.principal.mrp» → «эпизод 1 → наказание →
основное наказание → размер в МРП».

Why: an invalid record is listed to people (the table's `--show-invalid`, the HTML report, the XLSX sheet
«Некорректные записи», `validate`, `explain`) with the field the validator complains about.  The JSON path
of the export format is an identifier a prosecutor cannot read; the machine outputs (JSON, JSONL, SARIF,
`legality validate -f json`) keep it exactly, and whoever fixes the export finds it there.

Why one table keyed by the models of `model/verdict.py`: a sentence (`Sentence`) is both an episode's and
the final one, a penalty (`Penalty`) is principal, additional or unserved; a field's label is given once
for its model, and the path is walked through the models as the validator walked the record.
`tests/test_words_fields.py` walks the pydantic models and fails if a field has no Russian or Kazakh label,
so a field added to the format cannot be forgotten here.

List elements are numbered from 1 with the list's noun («эпизод 1», «дополнительное наказание 2»,
«судимость 1»).  A key the models do not know (a typo in the export, a repeated unknown key) is shown
as written, quoted («поле "artcle"»), with whatever follows it: that is what the engineer must find.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .render import _lang

ROOT = "Verdict"          # the model a path starts from
WHOLE_RECORD = "$"        # the path of an error about the record as a whole (io.reader.WHOLE_RECORD)
SEPARATOR = " → "
_SHOWN = 60               # characters of an unknown key shown: enough to recognise it


class Field(NamedTuple):
    """One field of a model: its label, the model of its value (None: a plain value) and, for a list,
    its element's label with a `{n}` placeholder (the 1-based index)."""

    ru: str
    kk: str
    model: str | None = None
    item_ru: str | None = None
    item_kk: str | None = None

    def label(self, lang: str) -> str:
        return self.kk if lang == "kk" else self.ru

    def item(self, lang: str, n: int) -> str:
        template = self.item_kk if lang == "kk" else self.item_ru
        return (template or "").format(n=n)


# model name (as in model/verdict.py; `Term` is values.Term's {"years", "months", "days"}) → JSON key → field
FIELDS: dict[str, dict[str, Field]] = {
    "Verdict": {
        "format": Field("метка формата", "формат белгісі"),
        "case_id": Field("идентификатор дела", "іс идентификаторы"),
        "court": Field("суд", "сот", "Court"),
        "judge_id": Field("идентификатор судьи", "судья идентификаторы"),
        "verdict_date": Field("дата приговора", "үкім күні"),
        "procedure": Field("порядок производства", "іс жүргізу тәртібі"),
        "defendant": Field("подсудимый", "сотталушы", "Defendant"),
        "offences": Field("эпизоды", "эпизодтар", "Offence", "эпизод {n}", "{n}-эпизод"),
        "final_sentence": Field("окончательное наказание", "түпкілікті жаза", "FinalSentence"),
        "forced_payment": Field("принудительный платёж", "мәжбүрлі төлем", "ForcedPayment"),
    },
    "Court": {
        "code": Field("код суда", "сот коды"),
        "name": Field("наименование суда", "соттың атауы"),
        "region": Field("регион", "өңір"),
    },
    "Defendant": {
        "person_id": Field("идентификатор подсудимого", "сотталушының идентификаторы"),
        "sex": Field("пол", "жынысы"),
        "birth_date": Field("дата рождения", "туған күні"),
        "citizenship": Field("гражданство", "азаматтығы"),
        "pregnant": Field("беременность", "жүктілігі"),
        "child_under_3": Field("ребёнок в возрасте до трёх лет", "үш жасқа толмаған баласы"),
        "disability_group": Field("группа инвалидности", "мүгедектік тобы"),
        "military": Field("военнослужащий", "әскери қызметші"),
        "prior_convictions": Field("судимости", "соттылықтар", "PriorConviction", "судимость {n}", "{n}-соттылық"),
    },
    "PriorConviction": {
        "verdict_date": Field("дата приговора", "үкім күні"),
        "articles": Field("статьи приговора", "үкімнің баптары", "ArticleRefModel",
                          "статья {n} по списку", "тізім бойынша {n}-бап"),
        "category": Field("категория преступления", "қылмыстың санаты"),
        "intent": Field("форма вины", "кінә нысаны"),
        "age_at_offence": Field("возраст на момент преступления", "қылмыс жасалған кездегі жасы"),
        "sentence_kind": Field("вид наказания", "жаза түрі"),
        "real_imprisonment": Field("реальное лишение свободы", "нақты бас бостандығынан айыру"),
        "suspended": Field("условное осуждение", "шартты түрде соттау"),
        "expunged": Field("судимость погашена или снята", "соттылық өтелген немесе алынған"),
        "release_date": Field("дата освобождения", "босатылған күні"),
        "in_force_date": Field("дата вступления приговора в законную силу", "үкімнің заңды күшіне енген күні"),
        "probation": Field("испытательный срок", "сынақ мерзімі", "Term"),
        "clemency": Field("амнистия или помилование", "рақымшылық немесе кешірім"),
    },
    "ArticleRefModel": {
        "article": Field("номер статьи", "бап нөмірі"),
        "part": Field("часть", "бөлік"),
        "paragraph": Field("пункт", "тармақ"),
    },
    "Offence": {
        "id": Field("идентификатор эпизода", "эпизодтың идентификаторы"),
        "article": Field("статья", "бап"),
        "part": Field("часть", "бөлік"),
        "paragraph": Field("пункт", "тармақ"),
        "committed_on": Field("дата совершения", "жасалған күні"),
        "stage": Field("стадия", "сатысы"),
        "role": Field("роль в преступлении", "қылмыстағы рөлі"),
        "mitigating": Field("смягчающие обстоятельства", "жеңілдететін мән-жайлар", None,
                            "смягчающее обстоятельство {n}", "{n}-жеңілдететін мән-жай"),
        "aggravating": Field("отягчающие обстоятельства", "ауырлататын мән-жайлар", None,
                             "отягчающее обстоятельство {n}", "{n}-ауырлататын мән-жай"),
        "damage_kzt": Field("ущерб в тенге", "теңгемен есептелген залал"),
        "damage_compensated": Field("возмещение ущерба", "залалдың өтелуі"),
        "criminal_group": Field("совершение в составе преступной группы", "қылмыстық топ құрамында жасалуы"),
        "victim_age_group": Field("возраст потерпевшего", "жәбірленушінің жасы"),
        "evasion": Field("уклонение от следствия или суда", "тергеуден немесе соттан жалтару", "Evasion"),
        "sentence": Field("наказание", "жаза", "Sentence"),
    },
    "Evasion": {
        "from": Field("начало", "басталуы"),
        "to": Field("окончание", "аяқталуы"),
    },
    "Sentence": {
        "principal": Field("основное наказание", "негізгі жаза", "Penalty"),
        "additional": Field("дополнительные наказания", "қосымша жазалар", "Penalty",
                            "дополнительное наказание {n}", "{n}-қосымша жаза"),
        "exempted": Field("освобождение от наказания", "жазадан босату"),
        "amnesty_act": Field("акт об амнистии", "рақымшылық актісі"),
    },
    "FinalSentence": {},  # a Sentence and the fields below (filled in after the table)
    "PriorUnserved": {
        "verdict_date": Field("дата прежнего приговора", "бұрынғы үкім күні"),
        "principal": Field("основное наказание", "негізгі жаза", "Penalty"),
    },
    "Probation": {
        "period": Field("испытательный срок", "сынақ мерзімі", "Term"),
    },
    "ForcedPayment": {
        "mrp": Field("размер в МРП", "АЕК-пен мөлшері"),
    },
    "Penalty": {
        "kind": Field("вид наказания", "жаза түрі"),
        "mrp": Field("размер в МРП", "АЕК-пен мөлшері"),
        "multiple": Field("кратность", "еселігі"),
        "hours": Field("количество часов", "сағат саны"),
        "days": Field("количество дней", "күн саны"),
        "term": Field("срок", "мерзімі", "Term"),
        "lifelong": Field("пожизненно", "өмір бойы"),
    },
    "Term": {
        "years": Field("годы", "жылдар"),
        "months": Field("месяцы", "айлар"),
        "days": Field("дни", "күндер"),
    },
}
FIELDS["FinalSentence"] = {
    **FIELDS["Sentence"],
    "combination": Field("назначение наказания по совокупности", "жиынтығы бойынша жаза тағайындау"),
    "prior_unserved": Field("неотбытая часть прежнего наказания", "бұрынғы жазаның өтелмеген бөлігі", "PriorUnserved"),
    "regime": Field("вид учреждения", "мекеме түрі"),
    "probation": Field("условное осуждение", "шартты түрде соттау", "Probation"),
}

_WHOLE = {"ru": "запись целиком", "kk": "жазба толығымен"}
_UNKNOWN = {"ru": "поле \"{name}\"", "kk": "\"{name}\" өрісі"}
_ELEMENT = {"ru": "элемент {n}", "kk": "{n}-элемент"}
# a JSON path as `model.validate.json_path` writes it: keys joined by ".", list indices as "[n]"
_TOKEN = re.compile(r"\.?([^.\[\]]+)|\[([0-9]+)\]")


def _tokens(path: str) -> list[tuple[str | int, int]]:
    """(key or index, where it starts) for each step of the path; [] if the text is not such a path."""
    out: list[tuple[str | int, int]] = []
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if m is None or (m.group(0).startswith(".") and not out):
            return []
        out.append((m.group(1), m.start(1)) if m.group(1) is not None else (int(m.group(2)), m.start()))
        pos = m.end()
    return out


def _unknown(text: str, lang: str) -> str:
    text = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
    return _UNKNOWN[lang].format(name=text)


def field(path: str, lang: str | None = None) -> str:
    """The export's field at `path` (a JSON path of a record error) in words, in `lang`.

    «offences[0].sentence.principal.mrp» → «эпизод 1 → наказание → основное наказание → размер в МРП»;
    «$» (the record as a whole) → «запись целиком»; an unknown key → «поле "artcle"» (the rest as written).
    """
    lang = _lang(lang)
    if not path or path == WHOLE_RECORD:
        return _WHOLE[lang]
    tokens = _tokens(path)
    if not tokens:
        return _unknown(path, lang)
    out: list[str] = []
    model: str | None = ROOT
    i = 0
    while i < len(tokens):
        step, start = tokens[i]
        if isinstance(step, int):  # an index where the format has no list
            out.append(_ELEMENT[lang].format(n=step + 1))
            model = None
            i += 1
            continue
        spec = FIELDS.get(model or "", {}).get(step)
        if spec is None:
            out.append(_unknown(path[start:], lang))
            break
        following = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if spec.item_ru is not None and isinstance(following, int):
            out.append(spec.item(lang, following + 1))
            i += 2
        else:
            out.append(spec.label(lang))
            i += 1
        model = spec.model
    return SEPARATOR.join(out)
