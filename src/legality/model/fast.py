"""Fast decoding of a record: msgspec from bytes, the model's cross-field checks, or "ask the model".

How it is used (`io/reader.py`): the record's bytes go first to `decode_clean`, which answers for a
record that is valid and has no duplicate key without any other parse of it; anything else goes the
full way (orjson, the duplicate-key check, `decode_valid`, the pydantic model).  `decode_valid`
returns a `Verdict` of the fast model (fast_gen.py) only when msgspec accepted the shape *and* the
cross-field checks of `validate.py` (the same functions the pydantic path runs) found nothing.
Anything else — a shape msgspec refuses, a cross-field error, any exception — returns None, and the
caller validates the record with the pydantic model exactly as before, so every error of a bad
record keeps its path and its Russian message.  The fast model is narrower than the pydantic one,
never wider (see tools/gen_fast_model.py): a record it accepts, the model accepts, with equal values
(tests/test_fast_decode.py checks both on fixtures and generated mutations).

Importing this module does not import pydantic.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Callable

import msgspec
from msgspec import UNSET, Raw, UnsetType

from .fast_base import FastModel, dec_hook
from .fast_gen import Verdict
from .validate import cross_field_errors
from .values import Term

__all__ = ["Verdict", "decode_clean", "decode_valid"]

_DECODER = msgspec.json.Decoder(Verdict, dec_hook=dec_hook)


def decode_valid(data: bytes) -> Verdict | None:
    """The record, when it is valid by the fast path; None when the pydantic model must decide."""
    try:
        v = _DECODER.decode(data)
        if cross_field_errors(v):  # type: ignore[arg-type]  # the same attributes as the model's Verdict
            return None
    except Exception:  # noqa: BLE001 - whatever goes wrong here, the model's path decides and reports
        return None
    return v


# ---------------------------------------------------------------------------------------------
# A valid record without a duplicate key, from one typed decode and a key count
#
# Why: the full way parses a record twice — orjson (for the case id and the duplicate-key check, a
# third of decoding) and msgspec's typed decode — because msgspec keeps the last of two equal keys
# silently and drops unknown fields.  The typed decode alone cannot tell whether a key was given
# twice.  The "key skeleton" below can: a mirror of the fast model whose every field is absent
# unless the record has the key (UNSET, which the encoder leaves out), every object the typed
# decode accepts is again a skeleton struct, and every other value is kept as its raw bytes
# (`msgspec.Raw`, written back verbatim).  Encoding the skeleton writes, for every key it kept, the
# key (a field name: no colon), one `:` and the value's bytes.
#
# Why equal colon counts prove there is no duplicate key.  In the record's bytes, every key is
# followed by one `:` outside strings and every other colon is inside a value, so for an object
# colons = Σ over its keys (1 + colons of the value).  The skeleton's encoding has the same sum over
# the keys it kept, with a value's colons counted the same way (recursively) or verbatim (Raw); it
# keeps at most one occurrence per key (the last) and drops unknown keys.  So, by induction over the
# nesting, the encoding never has more colons than the record, and has as many only if no key of any
# object was dropped: no duplicate, no unknown field.  A record the typed decode accepts has no JSON
# object anywhere else than where the skeleton has a struct (the fast model's structs and terms; it
# has no dict fields), so no object with a duplicate key can hide in a Raw value.
#
# A shorter proof first: equal lengths.  The encoding is never longer than the record, object by
# object: it writes `{`, `}`, one `,` between kept keys, each kept key by its plain name (which the
# record's key decodes to: the record spells it the same or longer, with escapes), one `:`, and the
# value — raw bytes verbatim, or a skeleton struct or list of them, again never longer — and it drops
# the record's whitespace outside Raw values.  A dropped key takes at least `"":0` with it (a comma
# too, or the object had only that key), so an encoding as long as the record dropped none: no
# duplicate, no unknown field, as above.  A compact record (what exports write) is so proven without
# counting the colons of both (a tenth of the shortcut's instructions); any other goes on to the count.
#
# When both parsers accept the bytes: with no unknown field, msgspec's typed decode has parsed every
# value of the record (it reads strings, numbers and literals by RFC 8259 as orjson does: lone
# surrogates, invalid UTF-8, control characters, leading zeros, NaN, trailing content are refused
# by both), so a record taken here is one orjson reads too, and the full way would have found no
# duplicate key and returned the same `decode_valid` answer.  tests/test_fast_decode.py compares
# `decode` with the full way on fixtures and on hypothesis-generated mutations (duplicate keys at
# every level, unknown fields, broken bytes).


def _skeleton_of(tp: Any) -> Any:
    """The skeleton's type for a field of the fast model typed `tp`."""
    if typing.get_origin(tp) is Annotated:
        return _skeleton_of(typing.get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, FastModel):
        return _skeleton_struct(tp)
    if tp is Term:  # decoded from a JSON object (fast_base.term_from_json): its keys are counted too
        return _TermKeys
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [_skeleton_of(a) for a in typing.get_args(tp)]
        objects = [a for a in args if a is not Raw and a is not type(None)]
        if not objects:
            return Raw
        if len(objects) > 1 or len(args) - len(objects) > (type(None) in typing.get_args(tp)):
            # an object beside a non-null scalar: the skeleton would refuse the scalar (only slower, never
            # wrong); the fast model has none, so make it an error to add one unnoticed
            raise TypeError(f"no key skeleton for {tp!r}")
        return objects[0] | None if type(None) in typing.get_args(tp) else objects[0]
    if origin is list:
        inner = _skeleton_of(typing.get_args(tp)[0])
        return Raw if inner is Raw else list[inner]  # type: ignore[valid-type]
    if origin is dict or tp is Any or tp is object:
        raise TypeError(f"no key skeleton for {tp!r}")  # an object would hide in a Raw value
    return Raw  # str, int, float, bool, date, enums, Literal: no object inside


_TermKeys = msgspec.defstruct("_TermKeys", [(k, Raw | UnsetType, UNSET) for k in ("years", "months", "days")],
                              gc=False, kw_only=True)
_SKELETONS: dict[type, type] = {}


def _skeleton_struct(cls: type[msgspec.Struct]) -> type:
    s = _SKELETONS.get(cls)
    if s is None:
        hints: dict[str, Any] = {}
        for base in reversed(cls.__mro__):  # fast_gen's annotations are objects (no string annotations):
            hints.update(getattr(base, "__annotations__", {}))  # a third of the cost of get_type_hints
        if any(isinstance(hints[n], str) for n in cls.__struct_fields__):
            hints = typing.get_type_hints(cls, include_extras=True)
        fields = [(name, _skeleton_of(hints[name]) | UnsetType, msgspec.field(default=UNSET, name=key))
                  for name, key in zip(cls.__struct_fields__, cls.__struct_encode_fields__)]
        s = _SKELETONS[cls] = msgspec.defstruct(f"_{cls.__name__}Keys", fields, gc=False, kw_only=True)
    return s


_KEYS: Callable[[bytes], Any] = msgspec.json.Decoder(_skeleton_struct(Verdict)).decode
_ENCODE = msgspec.json.Encoder().encode


def decode_clean(data: bytes) -> Verdict | None:
    """The record, when it is valid by the fast path and no object of it has a duplicate or unknown key.

    None: the full way decides (reader._decode), which answers exactly as before for such records.
    """
    try:
        v = _DECODER.decode(data)
        keys = _ENCODE(_KEYS(data))
        if len(keys) != len(data) and keys.count(b":") != data.count(b":"):  # either proves it (above)
            return None
        if cross_field_errors(v):  # type: ignore[arg-type]
            return None
    except Exception:  # noqa: BLE001 - whatever goes wrong here, the full way decides and reports
        return None
    return v
