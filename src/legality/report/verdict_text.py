"""The particulars of a verdict as a prosecutor writes them: «п.1 ч.3 ст.188 УК РК (покушение)».

Why here: `explain` and `protest` both describe the verdict they are about, and must agree.  Only
what a protest may carry: court, dates, case id, the pseudonymous `person_id` — never more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model.enums import PenaltyKind, Role, Stage
from ..model.jsonable import to_ru
from ..model.verdict import Offence, Penalty, Sentence, Verdict


def date_ru(d: dt.date) -> str:
    return to_ru(d)


def offence_ru(o: Offence) -> str:
    text = f"{o.ref} УК РК"
    notes = []
    if o.stage != Stage.completed:
        notes.append(o.stage.ru)
    if o.role != Role.perpetrator:
        notes.append(o.role.ru)
    return text + (f" ({', '.join(notes)})" if notes else "")


def penalty_ru(p: Penalty) -> str:
    kind = p.kind.ru
    if p.term is not None:
        return f"{kind} на срок {p.term.ru()}"
    if p.lifelong:
        return f"{kind} пожизненно"
    if p.mrp is not None:
        return f"{kind} в размере {_num(p.mrp)} МРП"
    if p.multiple is not None:
        return f"{kind} в {_num(p.multiple)}-кратном размере"
    if p.hours is not None:
        return f"{kind} на {p.hours} ч."
    if p.days is not None:
        return f"{kind} на {p.days} сут."
    return kind


def sentence_ru(s: Sentence) -> str:
    text = penalty_ru(s.principal)
    if s.additional:
        text += "; дополнительное наказание: " + ", ".join(penalty_ru(a) for a in s.additional)
    regime = getattr(s, "regime", None)
    if regime is not None and s.principal.kind in (PenaltyKind.imprisonment, PenaltyKind.life_imprisonment):
        text += f"; вид учреждения: {regime.ru}"
    probation = getattr(s, "probation", None)
    if probation is not None:
        text += f"; условно с испытательным сроком {probation.period.ru()}"
    if s.exempted is not None:
        text += f"; освобождён от наказания ({s.exempted.ru})"
    return text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def verdict_particulars(v: Verdict) -> dict[str, Any]:
    """The verdict as the protest and the explanation show it (all strings, Russian)."""
    return {
        "case_id": v.case_id,
        "court": v.court.name or v.court.code,
        "court_code": v.court.code,
        "region": v.court.region or "",
        "verdict_date": date_ru(v.verdict_date),
        "person_id": v.defendant.person_id,
        "procedure": v.procedure.ru,
        "offences": [{"id": o.id, "text": offence_ru(o), "committed_on": date_ru(o.committed_on),
                      "sentence": sentence_ru(o.sentence)} for o in v.offences],
        "final_sentence": sentence_ru(v.final_sentence),
    }
