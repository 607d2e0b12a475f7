"""Fast decoding of a record: msgspec from bytes, the model's cross-field checks, or "ask the model".

How it is used (`io/reader.py`): the record's bytes go to `decode_valid`; a `Verdict` of the fast
model (fast_gen.py) comes back only when msgspec accepted the shape *and* the cross-field checks of
`validate.py` (the same functions the pydantic path runs) found nothing.  Anything else — a shape
msgspec refuses, a cross-field error, any exception — returns None, and the caller validates the
record with the pydantic model exactly as before, so every error of a bad record keeps its path
and its Russian message.  The fast model is narrower than the pydantic one, never wider (see
tools/gen_fast_model.py): a record it accepts, the model accepts, with equal values
(tests/test_fast_decode.py checks both on fixtures and generated mutations).

Importing this module does not import pydantic.
"""

from __future__ import annotations

import msgspec

from .fast_base import dec_hook
from .fast_gen import Verdict
from .validate import cross_field_errors

__all__ = ["Verdict", "decode_valid"]

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
