"""The particulars of a verdict as a prosecutor writes them: «п.1 ч.3 ст.188 УК РК (покушение)».

Why here: `explain` and `protest` both describe the verdict they are about, and must agree.  Only
what a protest may carry: court, dates, case id, the pseudonymous `person_id`, prior convictions
(dates, articles, kinds — never a name) — never more.  Every value goes through `legality.words`, in
the current language (ru or kk); the old `*_ru` names are kept for the callers that use them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import words
from ..i18n import _
from ..model.enums import Role, Stage
from ..model.verdict import Offence, Penalty, Sentence, Verdict


def date_ru(d: dt.date) -> str:
    return words.date(d)


def offence_ru(o: Offence) -> str:
    """«п.1 ч.3 ст.188 УК РК (покушение, пособник)» / «ҚР ҚК 188-бабының 3-бөлігінің 1-тармағы (…)»."""
    text = words.article(o.ref)
    notes = []
    if o.stage != Stage.completed:
        notes.append(words.label(o.stage))
    if o.role != Role.perpetrator:
        notes.append(words.label(o.role))
    return text + (f" ({', '.join(notes)})" if notes else "")


def penalty_ru(p: Penalty) -> str:
    """«лишение свободы на срок 5 лет 6 месяцев», «штраф в размере 1 500 МРП» (`words.penalty`)."""
    return words.penalty(p)


def sentence_ru(s: Sentence) -> str:
    """The principal penalty, then additional ones, the regime, probation, an exemption (`words.sentence`)."""
    return words.sentence(s)


def prior_ru(p: Any) -> str:
    """A prior conviction: «приговор от 12.03.2018: ч.1 ст.188 УК РК (небольшой тяжести, умышленное);
    лишение свободы, отбывал реально; судимость погашена»."""
    refs = []
    for a in p.articles:
        try:
            refs.append(words.cite({"article": a.article, "part": a.part, "paragraph": a.paragraph}))
        except ValueError:
            continue
    head = _("приговор от {date}").format(date=words.date(p.verdict_date))
    text = f"{head}: {', '.join(refs)} ({words.label(p.category)}, {words.label(p.intent)}); {words.label(p.sentence_kind)}"
    if p.real_imprisonment:
        text += ", " + _("отбывал реально")
    elif p.suspended:
        text += ", " + _("условно")
    if p.clemency is not None:
        text += ", " + words.label(p.clemency)
    text += "; " + (_("судимость погашена") if p.expunged else _("судимость не погашена"))
    return text


def verdict_particulars(v: Verdict) -> dict[str, Any]:
    """The verdict as the protest and the explanation show it (all strings, in the current language).

    `offences[*].mitigating` / `aggravating`: the circumstances the court found, as norms
    («п.6 ч.1 ст.53 УК РК»); `priors`: one line per prior conviction (`prior_ru`).
    """
    return {
        "case_id": v.case_id,
        "court": v.court.name or v.court.code,
        "court_code": v.court.code,
        "region": v.court.region or "",
        "verdict_date": words.date(v.verdict_date),
        "person_id": v.defendant.person_id,
        "procedure": words.label(v.procedure),
        "offences": [{"id": o.id, "text": offence_ru(o), "committed_on": words.date(o.committed_on),
                      "sentence": sentence_ru(o.sentence),
                      "mitigating": [words.circumstance(c) for c in o.mitigating],
                      "aggravating": [words.circumstance(c) for c in o.aggravating]} for o in v.offences],
        "final_sentence": sentence_ru(v.final_sentence),
        "priors": [prior_ru(p) for p in v.defendant.prior_convictions],
    }
