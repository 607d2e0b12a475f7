"""Record validation: pydantic for shape, then the cross-field facts of the export format.

The line drawn here: a record is invalid only when no verdict can contain it — a malformed date, an
unknown code, a zero term, a defendant born after the deed, dates of one event in the wrong order.
Whatever a court can get wrong (probation on a fine, a regime for a conditional sentence, a
conviction below the age of liability, several offences sentenced as one) is a finding: it passes
here so that the rules (rules/pack/record.legal) can flag it with the norm it breaks.

Errors are values (`RecordError(path, message)`), never exceptions, so that one bad record is
reported and the batch goes on.  Paths are JSON paths as the report format writes them
(`offences[0].sentence.principal.term.years`); messages are for the court clerk who fixes the
export, in Russian.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fractions import Fraction
from itertools import compress
from operator import attrgetter, is_not

from .enums import ALL_AMOUNT_FIELDS, AMOUNT_FIELDS
from .values import _num_ru

if TYPE_CHECKING:
    # the pydantic model is imported where it validates (`validate_record`): the cross-field checks
    # below also serve the fast decoder's records (fast.py), which carry the same attributes
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

    from .verdict import FinalSentence, Offence, Penalty, Sentence, Verdict

# matched whole (fullmatch); the JSON Schema uses the same patterns (ASCII digits only, no newline)
MITIGATING_CODE = re.compile(r"53\.(1\.[1-9][0-9]*|2)")
AGGRAVATING_CODE = re.compile(r"54\.1\.[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class RecordError:
    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def json_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for p in loc:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "$"


# pydantic error type -> clerk-readable Russian message ({input}, {ctx...} filled in)
_MESSAGES = {
    "missing": "обязательное поле отсутствует",
    "string_type": "ожидается строка",
    "string_too_short": "значение не может быть пустым",
    "int_type": "ожидается целое число",
    "int_parsing": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "float_type": "ожидается число",
    "float_parsing": "ожидается число",
    "string_too_long": "значение слишком длинное",
    "too_long": "массив слишком длинный",
    "bool_type": "ожидается true или false",
    "list_type": "ожидается массив",
    "dict_type": "ожидается объект",
    "model_type": "ожидается объект",
    "model_attributes_type": "ожидается объект",
    "too_short": "массив не может быть пустым",
    "greater_than": "значение должно быть больше {gt}",
    "greater_than_equal": "значение должно быть не меньше {ge}",
    "less_than_equal": "значение должно быть не больше {le}",
    "finite_number": "ожидается конечное число",
    "extra_forbidden": "лишнее поле: в сроке допустимы только years, months, days",
    "typed_dict_type": "ожидается объект вида {{\"years\": Г, \"months\": М, \"days\": Д}}",
}


# Messages never repeat what the record holds about a person (a birth date, an age, whatever was
# typed into `sex` or `citizenship`): they reach stderr, logs, the report and the nightly store.
# They give the field path and the reason; `_shown` is kept for identifiers of the record itself.
#
# fields whose upper bound is "what no verdict can contain" (values.py), not a rule of the format
_BOUNDED = frozenset({"mrp", "multiple", "hours", "days", "years", "months", "damage_kzt"})
_FALLBACK = "недопустимое значение (ожидается другой тип или формат; см. `legality schema`)"


def _shown(value: Any, limit: int = 60) -> str:
    """A value as JSON, cut short: the clerk needs to recognise it, not to read a megabyte of it."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _enum_message(err: ErrorDetails) -> str:
    expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " или ").replace("'", '"')
    return f"недопустимое значение; допустимые: {expected}"


def _number(v: Any) -> str:
    return _num_ru(Fraction(str(v))) if isinstance(v, (int, float)) else str(v)


def _translate(err: ErrorDetails) -> str:
    t = err["type"]
    if t in ("enum", "literal_error"):
        return _enum_message(err)
    if t == "value_error":
        return str(err.get("ctx", {}).get("error", _FALLBACK))
    field = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "")
    if field in _BOUNDED and t == "less_than_equal":
        return f"значение больше, чем может содержать приговор (не более {_number(err['ctx']['le'])})"
    if field in _BOUNDED and t == "greater_than_equal" and err["ctx"]["ge"] > 0:
        what = "размер платежа" if err["loc"][:1] == ("forced_payment",) else "размер наказания"
        return f"значение меньше, чем может содержать приговор (не менее {_number(err['ctx']['ge'])}): {what} не может быть нулевым"
    tmpl = _MESSAGES.get(t)
    if tmpl is None:
        return _FALLBACK
    ctx = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in err.get("ctx", {}).items()}
    try:
        return tmpl.format(**ctx)
    except (KeyError, IndexError):
        return tmpl


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic puts union/function branch tags into loc; the clerk needs the field path only
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "json-or-python", "is-instance", "union["))))


def pydantic_errors(exc: ValidationError) -> list[RecordError]:
    out = []
    seen = set()
    for err in exc.errors(include_url=False):
        path = json_path(_clean_loc(tuple(err["loc"])))
        msg = _translate(err)
        if (path, msg) not in seen:
            seen.add((path, msg))
            out.append(RecordError(path, msg))
    return out


def validate_record(obj: Any) -> Verdict | list[RecordError]:
    """The model, or every error of the record (shape errors first; cross-field only on a sound shape)."""
    if not isinstance(obj, dict):
        return [RecordError("$", f"запись должна быть JSON-объектом, а не {_json_type(obj)}")]
    fmt = obj.get("format")
    if fmt is not None and fmt != "legality.verdict/1":
        return [RecordError("format", "неизвестная метка формата; ожидается \"legality.verdict/1\"")]
    from pydantic import ValidationError

    from .verdict import Verdict

    try:
        v = Verdict.model_validate(obj)
    except ValidationError as exc:
        return pydantic_errors(exc)
    errs = cross_field_errors(v)
    return errs or v


def _json_type(obj: Any) -> str:
    return {list: "массив", str: "строка", int: "число", float: "число", bool: "логическое значение"}.get(
        type(obj), "null" if obj is None else type(obj).__name__
    )


_AMOUNTS = attrgetter(*ALL_AMOUNT_FIELDS)  # run for every penalty of every record: kept to C calls
_NONES = (None,) * len(ALL_AMOUNT_FIELDS)


def _penalty_errors(p: Penalty, path: str) -> list[RecordError]:
    allowed = AMOUNT_FIELDS[p.kind]
    present = tuple(compress(ALL_AMOUNT_FIELDS, map(is_not, _AMOUNTS(p), _NONES)))  # those not None, in order
    errs = []
    if p.lifelong is False:
        present = tuple(f for f in present if f != "lifelong")
    if present not in allowed:
        want = " или ".join("+".join(g) if g else "без размера" for g in allowed)
        extra = [f for f in present if not any(f in g for g in allowed)]
        if extra:
            for f in extra:
                errs.append(RecordError(f"{path}.{f}", f"у наказания «{p.kind.ru}» не бывает поля {f} (ожидается: {want})"))
        elif not present:
            errs.append(RecordError(f"{path}.{allowed[0][0]}", f"не указан размер наказания «{p.kind.ru}» (ожидается: {want})"))
        else:
            errs.append(RecordError(path, f"у наказания «{p.kind.ru}» должен быть ровно один размер: {want}; указано: {', '.join(present)}"))
    if p.term is not None and p.term.value == 0:
        errs.append(RecordError(f"{path}.term", "срок не может быть нулевым"))
    return errs


def _sentence_errors(s: Sentence, path: str) -> list[RecordError]:
    errs = _penalty_errors(s.principal, f"{path}.principal")
    for i, a in enumerate(s.additional):
        errs += _penalty_errors(a, f"{path}.additional[{i}]")
    return errs


def _evasion_errors(o: Offence, verdict_date: dt.date, p: str) -> list[RecordError]:
    """Evasion (ст.71 ч.4) is of an investigation or trial of this deed: it lies between the deed and the verdict."""
    e = o.evasion
    if e is None:
        return []
    errs = []
    if e.from_ < o.committed_on:
        errs.append(RecordError(f"{p}.evasion.from", "уклонение от следствия или суда не может начаться раньше деяния"))
    elif e.from_ > verdict_date:
        errs.append(RecordError(f"{p}.evasion.from", "уклонение от следствия или суда не может начаться позже приговора"))
    if e.to is not None and e.to < e.from_:
        errs.append(RecordError(f"{p}.evasion.to", "окончание уклонения раньше его начала"))
    elif e.to is not None and e.to > verdict_date:
        errs.append(RecordError(f"{p}.evasion.to", "окончание уклонения позже приговора"))
    return errs


def cross_field_errors(v: Verdict) -> list[RecordError]:
    errs: list[RecordError] = []
    seen_ids: dict[str, int] = {}
    born = v.defendant.birth_date
    if born >= v.verdict_date:
        errs.append(RecordError("defendant.birth_date", "дата рождения не может быть позже даты приговора"))
    for i, o in enumerate(v.offences):
        p = f"offences[{i}]"
        if o.id in seen_ids:
            errs.append(RecordError(f"{p}.id", f"идентификатор эпизода {_shown(o.id)} уже использован в offences[{seen_ids[o.id]}]"))
        else:
            seen_ids[o.id] = i
        if o.committed_on > v.verdict_date:
            errs.append(RecordError(f"{p}.committed_on", f"дата совершения {o.committed_on} позже даты приговора {v.verdict_date}"))
        if born >= o.committed_on:
            errs.append(RecordError("defendant.birth_date", f"подсудимый родился не раньше совершения деяния {p} ({o.committed_on})"))
        errs += _evasion_errors(o, v.verdict_date, p)
        for j, c in enumerate(o.mitigating):
            if not MITIGATING_CODE.fullmatch(c):
                errs.append(RecordError(f"{p}.mitigating[{j}]", "код смягчающего обстоятельства не по форме «53.1.N» или «53.2»"))
        for j, c in enumerate(o.aggravating):
            if not AGGRAVATING_CODE.fullmatch(c):
                errs.append(RecordError(f"{p}.aggravating[{j}]", "код отягчающего обстоятельства не по форме «54.1.N»"))
        errs += _sentence_errors(o.sentence, f"{p}.sentence")
    for i, pc in enumerate(v.defendant.prior_convictions):
        if pc.verdict_date > v.verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].verdict_date", "прежний приговор позже настоящего"))
        if pc.release_date is not None and pc.release_date < pc.verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].release_date", "дата освобождения раньше даты прежнего приговора"))
        if pc.in_force_date is not None and pc.in_force_date < pc.verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].in_force_date",
                                    "дата вступления в законную силу раньше даты самого прежнего приговора"))
        if pc.probation is not None and pc.probation.value == 0:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].probation", "испытательный срок не может быть нулевым"))
    fs: FinalSentence = v.final_sentence
    errs += _sentence_errors(fs, "final_sentence")
    # a regime or probation with the wrong penalty and `single` with several offences are a court's
    # errors, flagged by rules (record.legal, consistency.legal), not a malformed record
    if fs.probation is not None and fs.probation.period.value == 0:
        errs.append(RecordError("final_sentence.probation.period", "испытательный срок не может быть нулевым"))
    if fs.prior_unserved is not None:
        errs += _penalty_errors(fs.prior_unserved.principal, "final_sentence.prior_unserved.principal")
        if fs.prior_unserved.verdict_date > v.verdict_date:
            errs.append(RecordError("final_sentence.prior_unserved.verdict_date", "прежний приговор позже настоящего"))
    return errs
