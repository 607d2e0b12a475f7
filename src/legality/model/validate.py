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

from ..i18n import N_, _, language
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
    "missing": N_("обязательное поле отсутствует"),
    "string_type": N_("ожидается строка"),
    "string_too_short": N_("значение не может быть пустым"),
    "int_type": N_("ожидается целое число"),
    "int_parsing": N_("ожидается целое число"),
    "int_from_float": N_("ожидается целое число"),
    "float_type": N_("ожидается число"),
    "float_parsing": N_("ожидается число"),
    "string_too_long": N_("значение слишком длинное"),
    "too_long": N_("массив слишком длинный"),
    "bool_type": N_("ожидается true или false"),
    "list_type": N_("ожидается массив"),
    "dict_type": N_("ожидается объект"),
    "model_type": N_("ожидается объект"),
    "model_attributes_type": N_("ожидается объект"),
    "too_short": N_("массив не может быть пустым"),
    "greater_than": N_("значение должно быть больше {gt}"),
    "greater_than_equal": N_("значение должно быть не меньше {ge}"),
    "less_than_equal": N_("значение должно быть не больше {le}"),
    "finite_number": N_("ожидается конечное число"),
    "extra_forbidden": N_("лишнее поле: в сроке допустимы только years, months, days"),
    "typed_dict_type": N_("ожидается объект вида {{\"years\": Г, \"months\": М, \"days\": Д}}"),
}


# Messages never repeat what the record holds about a person (a birth date, an age, whatever was
# typed into `sex` or `citizenship`): they reach stderr, logs, the report and the nightly store.
# They give the field path and the reason; `_shown` is kept for identifiers of the record itself.
#
# fields whose upper bound is "what no verdict can contain" (values.py), not a rule of the format
_BOUNDED = frozenset({"mrp", "multiple", "hours", "days", "years", "months", "damage_kzt"})
_FALLBACK = N_("недопустимое значение (ожидается другой тип или формат; см. `legality schema`)")


def _shown(value: Any, limit: int = 60) -> str:
    """A value as JSON, cut short: the clerk needs to recognise it, not to read a megabyte of it."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _enum_message(err: ErrorDetails) -> str:
    expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " " + _("или") + " ").replace("'", '"')
    return _("недопустимое значение; допустимые: {expected}").format(expected=expected)


def _number(v: Any) -> str:
    return _num_ru(Fraction(str(v))) if isinstance(v, (int, float)) else str(v)


def _translate(err: ErrorDetails) -> str:
    t = err["type"]
    if t in ("enum", "literal_error"):
        return _enum_message(err)
    if t == "value_error":
        return str(err.get("ctx", {}).get("error", _(_FALLBACK)))
    field = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "")
    if field in _BOUNDED and t == "less_than_equal":
        return _("значение больше, чем может содержать приговор (не более {limit})").format(
            limit=_number(err["ctx"]["le"]))
    if field in _BOUNDED and t == "greater_than_equal" and err["ctx"]["ge"] > 0:
        if err["loc"][:1] == ("forced_payment",):
            text = _("значение меньше, чем может содержать приговор (не менее {limit}): размер платежа не может быть нулевым")
        else:
            text = _("значение меньше, чем может содержать приговор (не менее {limit}): размер наказания не может быть нулевым")
        return text.format(limit=_number(err["ctx"]["ge"]))
    tmpl = _MESSAGES.get(t)
    if tmpl is None:
        return _(_FALLBACK)
    tmpl = _(tmpl)
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
        return [RecordError("$", _("запись должна быть JSON-объектом, а не {kind}").format(kind=_json_type(obj)))]
    fmt = obj.get("format")
    if fmt is not None and fmt != "legality.verdict/1":
        return [RecordError("format", _("неизвестная метка формата; ожидается \"legality.verdict/1\""))]
    from pydantic import ValidationError

    from .verdict import Verdict

    try:
        v = Verdict.model_validate(obj)
    except ValidationError as exc:
        return pydantic_errors(exc)
    errs = cross_field_errors(v)
    return errs or v


def _json_type(obj: Any) -> str:
    kinds = {list: N_("массив"), str: N_("строка"), int: N_("число"), float: N_("число"), bool: N_("логическое значение")}
    kind = kinds.get(type(obj))
    return _(kind) if kind is not None else "null" if obj is None else type(obj).__name__


_AMOUNTS = attrgetter(*ALL_AMOUNT_FIELDS)  # run for every penalty of every record: kept to C calls
_NONES = (None,) * len(ALL_AMOUNT_FIELDS)


def _penalty_errors(p: Penalty, path: str) -> list[RecordError]:
    allowed = AMOUNT_FIELDS[p.kind]
    present = tuple(compress(ALL_AMOUNT_FIELDS, map(is_not, _AMOUNTS(p), _NONES)))  # those not None, in order
    errs = []
    if p.lifelong is False:
        present = tuple(f for f in present if f != "lifelong")
    if present not in allowed:
        want = (" " + _("или") + " ").join("+".join(g) if g else _("без размера") for g in allowed)
        kind = p.kind.label(language())
        extra = [f for f in present if not any(f in g for g in allowed)]
        if extra:
            for f in extra:
                errs.append(RecordError(f"{path}.{f}", _("у наказания «{kind}» не бывает поля {field} (ожидается: {want})").format(
                    kind=kind, field=f, want=want)))
        elif not present:
            errs.append(RecordError(f"{path}.{allowed[0][0]}", _("не указан размер наказания «{kind}» (ожидается: {want})").format(
                kind=kind, want=want)))
        else:
            errs.append(RecordError(path, _("у наказания «{kind}» должен быть ровно один размер: {want}; указано: {given}").format(
                kind=kind, want=want, given=", ".join(present))))
    if p.term is not None and p.term.value == 0:
        errs.append(RecordError(f"{path}.term", _("срок не может быть нулевым")))
    return errs


# Why the `_fine` checks below: a record is checked on every scan, and nearly every one is sound.
# They answer "no error here" from a cache of the penalty shapes seen (kind, which amounts are
# given; a few dozen) without building the paths of errors that do not occur; only when they say
# no does the full check run and word every error, so the errors and their order stay the same.
_SHAPE_OK: dict[tuple[Any, ...], bool] = {}
if ALL_AMOUNT_FIELDS != ("mrp", "multiple", "hours", "days", "term", "lifelong"):  # the key of `_penalty_fine`
    raise ImportError("model/validate.py: _penalty_fine's key must name every amount field")
_CODES_OK: dict[re.Pattern[str], set[str]] = {MITIGATING_CODE: set(), AGGRAVATING_CODE: set()}
_CODES_MAX = 1024  # codes seen to match, per pattern; bounded, whatever an export holds


def _penalty_fine(p: Penalty) -> bool:
    """True when `_penalty_errors(p, …)` is empty."""
    # everything the shape depends on: the kind, which of ALL_AMOUNT_FIELDS are given, lifelong False
    # (spelled out: a tuple display is a third of the cost of building it with map)
    key = (p.kind, p.mrp is None, p.multiple is None, p.hours is None, p.days is None, p.term is None, p.lifelong)
    ok = _SHAPE_OK.get(key)
    if ok is None:
        present = tuple(compress(ALL_AMOUNT_FIELDS, map(is_not, _AMOUNTS(p), _NONES)))
        if p.lifelong is False:
            present = tuple(f for f in present if f != "lifelong")
        ok = _SHAPE_OK[key] = present in AMOUNT_FIELDS[p.kind]
    if not ok:
        return False
    t = p.term
    return t is None or t.value != 0


def _sentence_fine(s: Sentence) -> bool:
    """True when `_sentence_errors(s, …)` is empty."""
    return _penalty_fine(s.principal) and all(map(_penalty_fine, s.additional))


def _code_fine(pattern: re.Pattern[str], code: str) -> bool:
    known = _CODES_OK[pattern]
    if code in known:
        return True
    if pattern.fullmatch(code) is None:
        return False
    if len(known) < _CODES_MAX:
        known.add(code)
    return True


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
        errs.append(RecordError(f"{p}.evasion.from", _("уклонение от следствия или суда не может начаться раньше деяния")))
    elif e.from_ > verdict_date:
        errs.append(RecordError(f"{p}.evasion.from", _("уклонение от следствия или суда не может начаться позже приговора")))
    if e.to is not None and e.to < e.from_:
        errs.append(RecordError(f"{p}.evasion.to", _("окончание уклонения раньше его начала")))
    elif e.to is not None and e.to > verdict_date:
        errs.append(RecordError(f"{p}.evasion.to", _("окончание уклонения позже приговора")))
    return errs


def _verdict_fine(v: Verdict) -> bool:
    """True only when `cross_field_errors(v)` is empty; False when it may not be (it then decides).

    Why: nearly every record is sound, and the checks below cost a tenth of decoding it.  This makes
    the same comparisons with the penalty checks of `_penalty_fine` written in line (two to four
    penalties a record: the calls were a third of the time), and answers False at the first that
    fails — and wherever a check is rare (an evasion) or not yet known good (a code or a penalty's
    shape not seen before): False only costs the full check, so it never changes an answer.
    """
    verdict_date = v.verdict_date
    born = v.defendant.birth_date
    if born >= verdict_date:
        return False
    shape_ok = _SHAPE_OK
    mitigating_ok = _CODES_OK[MITIGATING_CODE]
    aggravating_ok = _CODES_OK[AGGRAVATING_CODE]
    offences = v.offences
    for o in offences:
        committed = o.committed_on
        s = o.sentence
        p = s.principal
        t = p.term
        if (committed > verdict_date or born >= committed or o.evasion is not None
                or (s.additional and not all(map(_penalty_fine, s.additional)))
                or not mitigating_ok.issuperset(o.mitigating) or not aggravating_ok.issuperset(o.aggravating)
                or shape_ok.get((p.kind, p.mrp is None, p.multiple is None, p.hours is None, p.days is None,
                                 t is None, p.lifelong)) is not True
                or (t is not None and t.value == 0)):
            return False
    if len(offences) > 1 and len({o.id for o in offences}) != len(offences):  # an episode id used twice
        return False
    for pc in v.defendant.prior_convictions:
        d = pc.verdict_date
        if (d > verdict_date or (pc.release_date is not None and pc.release_date < d)
                or (pc.in_force_date is not None and pc.in_force_date < d)
                or (pc.probation is not None and pc.probation.value == 0)):
            return False
    fs = v.final_sentence
    p = fs.principal
    t = p.term
    pu = fs.prior_unserved
    return not ((fs.additional and not all(map(_penalty_fine, fs.additional)))
                or (pu is not None and (not _penalty_fine(pu.principal) or pu.verdict_date > verdict_date))
                or shape_ok.get((p.kind, p.mrp is None, p.multiple is None, p.hours is None, p.days is None,
                                 t is None, p.lifelong)) is not True
                or (t is not None and t.value == 0)
                or (fs.probation is not None and fs.probation.period.value == 0))


def cross_field_errors(v: Verdict) -> list[RecordError]:
    if _verdict_fine(v):
        return []
    errs: list[RecordError] = []
    seen_ids: dict[str, int] = {}
    born = v.defendant.birth_date
    verdict_date = v.verdict_date
    if born >= verdict_date:
        errs.append(RecordError("defendant.birth_date", _("дата рождения не может быть позже даты приговора")))
    for i, o in enumerate(v.offences):
        if o.id in seen_ids:
            # the episode by its number from 1, as people count (the path of the error is the machine's)
            errs.append(RecordError(f"offences[{i}].id", _("идентификатор эпизода {id} уже использован в эпизоде {n}").format(
                id=_shown(o.id), n=seen_ids[o.id] + 1)))
        else:
            seen_ids[o.id] = i
        committed = o.committed_on
        if committed > verdict_date:
            errs.append(RecordError(f"offences[{i}].committed_on", _("дата совершения {committed} позже даты приговора {verdict}").format(
                committed=committed, verdict=verdict_date)))
        if born >= committed:
            errs.append(RecordError("defendant.birth_date", _("подсудимый родился не раньше совершения деяния по эпизоду {n} ({committed})").format(
                n=i + 1, committed=committed)))
        if o.evasion is not None:
            errs += _evasion_errors(o, verdict_date, f"offences[{i}]")
        for j, c in enumerate(o.mitigating):
            if not _code_fine(MITIGATING_CODE, c):
                errs.append(RecordError(f"offences[{i}].mitigating[{j}]", _("код смягчающего обстоятельства не по форме «53.1.N» или «53.2»")))
        for j, c in enumerate(o.aggravating):
            if not _code_fine(AGGRAVATING_CODE, c):
                errs.append(RecordError(f"offences[{i}].aggravating[{j}]", _("код отягчающего обстоятельства не по форме «54.1.N»")))
        if not _sentence_fine(o.sentence):
            errs += _sentence_errors(o.sentence, f"offences[{i}].sentence")
    for i, pc in enumerate(v.defendant.prior_convictions):
        if pc.verdict_date > verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].verdict_date", _("прежний приговор позже настоящего")))
        if pc.release_date is not None and pc.release_date < pc.verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].release_date", _("дата освобождения раньше даты прежнего приговора")))
        if pc.in_force_date is not None and pc.in_force_date < pc.verdict_date:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].in_force_date",
                                    _("дата вступления в законную силу раньше даты самого прежнего приговора")))
        if pc.probation is not None and pc.probation.value == 0:
            errs.append(RecordError(f"defendant.prior_convictions[{i}].probation",
                                    _("испытательный срок не может быть нулевым")))
    fs: FinalSentence = v.final_sentence
    if not _sentence_fine(fs):
        errs += _sentence_errors(fs, "final_sentence")
    # a regime or probation with the wrong penalty and `single` with several offences are a court's
    # errors, flagged by rules (record.legal, consistency.legal), not a malformed record
    if fs.probation is not None and fs.probation.period.value == 0:
        errs.append(RecordError("final_sentence.probation.period", _("испытательный срок не может быть нулевым")))
    if fs.prior_unserved is not None:
        if not _penalty_fine(fs.prior_unserved.principal):
            errs += _penalty_errors(fs.prior_unserved.principal, "final_sentence.prior_unserved.principal")
        if fs.prior_unserved.verdict_date > verdict_date:
            errs.append(RecordError("final_sentence.prior_unserved.verdict_date", _("прежний приговор позже настоящего")))
    return errs
