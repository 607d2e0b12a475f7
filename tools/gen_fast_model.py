"""Generate `src/legality/model/fast_gen.py`, the msgspec mirror of the pydantic verdict model.

Why generated and not written: the pydantic model (`model/verdict.py`) stays the one definition of
the export format; this script reads its classes (`model_fields`: types, constraints, defaults,
aliases; `model_config`; properties) and writes msgspec structs with the same names, attributes and
constraints.  Why a file and not classes built at import time: building them needs the pydantic
model imported, and the fast decoder exists so that a scan of valid records never imports pydantic.
`tests/test_fast_decode.py` regenerates and requires the identical file.

    python tools/gen_fast_model.py           # write the file
    python tools/gen_fast_model.py --check   # exit 1 if the file is out of date

What cannot be derived mechanically is a short table below (`_VALIDATORS`): a validator function of
the model is a Python function, so its msgspec equivalent is named here.  A validator, a constraint
or a config the script does not know stops it with an error instead of being left out; whatever the
fast model cannot express exactly it expresses *narrower* (strict types, integers kept to the range
orjson reads as integers), and `model/fast.py` sends every record it refuses to the pydantic model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import sys
import textwrap
import types
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "legality" / "model" / "fast_gen.py"
sys.path.insert(0, str(ROOT / "src"))

import annotated_types as at  # noqa: E402
from pydantic import BeforeValidator, PlainValidator, WithJsonSchema  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402
from pydantic.types import AllowInfNan, Strict  # noqa: E402
from pydantic_core import PydanticUndefined  # noqa: E402

from legality.model import verdict as V  # noqa: E402
from legality.model.values import Term  # noqa: E402

# the model's validator functions -> the msgspec type that accepts exactly (or narrower than) what they do
_VALIDATORS: dict[Any, str] = {
    # ISO dates of ASCII digits that exist in the calendar: msgspec's `date` reads exactly RFC 3339 "YYYY-MM-DD"
    V._iso_date: "dt.date",
    # a part: an int >= 1 or a sub-part "3-1" (matched whole: `\Z`, as `fullmatch`, not `$`)
    V._part: ("Annotated[int, Meta(ge=1, le=INT_MAX)] | "
              f"Annotated[str, Meta(pattern={('^' + V._SUBPART.pattern + chr(92) + 'Z')!r})]"),
}
_CONSTRAINTS = {at.Ge: "ge", at.Gt: "gt", at.Le: "le", at.Lt: "lt", at.MinLen: "min_length", at.MaxLen: "max_length"}


class Unsupported(Exception):
    pass


class _Gen:
    def __init__(self) -> None:
        self.enums: set[str] = set()
        self.models = [c for c in vars(V).values()
                       if isinstance(c, type) and issubclass(c, V._Model) and c is not V._Model and c.__module__ == V.__name__]

    # -- types -------------------------------------------------------------------------------

    def type_of(self, tp: Any, meta: list[Any], where: str) -> str:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *inner = get_args(tp)
            return self.type_of(base, inner + meta, where)
        validators = [m for m in meta if isinstance(m, (BeforeValidator, PlainValidator))]
        if origin in (Union, types.UnionType) and not validators:
            args = get_args(tp)
            parts = [self.type_of(a, [] if a is type(None) else meta, where) for a in args]
            return " | ".join(parts)
        constraints = self.constraints(meta, where)
        if validators:
            if origin in (Union, types.UnionType) and type(None) in get_args(tp):
                raise Unsupported(f"{where}: a validator over an optional value (it would see null too)")
            if len(validators) > 1 or validators[0].func not in _VALIDATORS:
                raise Unsupported(f"{where}: a validator the generator does not know: {validators}")
            if constraints:
                raise Unsupported(f"{where}: constraints beside a validator")
            if isinstance(validators[0], BeforeValidator) and tp is not dt.date:
                raise Unsupported(f"{where}: a before-validator on {tp!r}")
            return _VALIDATORS[validators[0].func]
        if tp is type(None):
            return "None"
        if origin is list:
            (item,) = get_args(tp)
            inner = self.type_of(item, [], where + "[]")
            return self.annotate(f"list[{inner}]", constraints)
        if origin is Literal:
            if constraints:
                raise Unsupported(f"{where}: constraints on a literal")
            return f"Literal[{', '.join(repr(a) for a in get_args(tp))}]"
        if origin is not None:
            raise Unsupported(f"{where}: type {tp!r}")
        if tp is int:
            if "ge" not in constraints and "gt" not in constraints:
                constraints["ge"] = "INT_MIN"
            if "le" not in constraints and "lt" not in constraints:
                constraints["le"] = "INT_MAX"
            return self.annotate("int", constraints)
        if tp in (str, float, bool):
            return self.annotate(tp.__name__, constraints)
        if tp is dt.date:
            raise Unsupported(f"{where}: a date without the model's ISO validator")
        if constraints:
            raise Unsupported(f"{where}: constraints on {tp!r}")
        if tp is Term:
            return "Term"
        if isinstance(tp, type) and issubclass(tp, Enum) and tp.__module__ == "legality.model.enums":
            self.enums.add(tp.__name__)
            return tp.__name__
        if tp in self.models:
            return tp.__name__
        raise Unsupported(f"{where}: type {tp!r}")

    def constraints(self, meta: list[Any], where: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in meta:
            if isinstance(m, FieldInfo):  # Annotated[float, Field(...)] nests its constraints
                out.update(self.constraints(list(m.metadata), where))
            elif type(m) in _CONSTRAINTS:
                key = _CONSTRAINTS[type(m)]
                out[key] = repr(getattr(m, key))
            elif isinstance(m, Strict):
                pass  # msgspec is strict; a lax field of the model accepts a superset (the fallback serves it)
            elif isinstance(m, AllowInfNan):
                if m.allow_inf_nan:
                    raise Unsupported(f"{where}: inf/nan allowed")  # JSON cannot carry them; msgspec refuses them
            elif isinstance(m, (WithJsonSchema, BeforeValidator, PlainValidator)):
                pass  # schema text only / handled by the caller
            else:
                raise Unsupported(f"{where}: a constraint the generator does not know: {m!r}")
        return out

    @staticmethod
    def annotate(tp: str, constraints: dict[str, str]) -> str:
        if not constraints:
            return tp
        return f"Annotated[{tp}, Meta({', '.join(f'{k}={v}' for k, v in constraints.items())})]"

    # -- fields and classes --------------------------------------------------------------------

    def default_of(self, f: FieldInfo, where: str) -> str | None:
        name = f"name={f.alias!r}" if f.alias else ""
        if f.default_factory is not None:
            if f.default_factory is not list:
                raise Unsupported(f"{where}: default factory {f.default_factory!r}")
            return f"msgspec.field({', '.join(x for x in ('default_factory=list', name) if x)})"
        if f.default is PydanticUndefined:
            value = None
        elif f.default is None:
            value = "None"
        elif isinstance(f.default, Enum):
            self.enums.add(type(f.default).__name__)
            value = f"{type(f.default).__name__}.{f.default.name}"
        elif type(f.default) in (int, str, bool, float):
            value = repr(f.default)
        else:
            raise Unsupported(f"{where}: default {f.default!r}")
        if name:
            return f"msgspec.field({', '.join(x for x in ((f'default={value}' if value else ''), name) if x)})"
        return value

    def class_source(self, cls: type) -> str:
        base = cls.__bases__[0]
        if len(cls.__bases__) != 1 or not issubclass(base, V._Model):
            raise Unsupported(f"{cls.__name__}: bases {cls.__bases__}")
        cfg = cls.model_config
        if not cfg.get("frozen"):
            raise Unsupported(f"{cls.__name__}: not frozen")
        kwargs = ", frozen=True, kw_only=True"  # kw_only keeps the model's field order; both spelled out per class (mypy)
        extra = cfg.get("extra", "ignore")
        if extra == "forbid":
            kwargs += ", forbid_unknown_fields=True"
        elif extra != "ignore":
            raise Unsupported(f"{cls.__name__}: extra={extra!r}")
        lines = [f"class {cls.__name__}({'FastModel' if base is V._Model else base.__name__}{kwargs}):",
                 f'    """Mirror of `verdict.{cls.__name__}`."""', ""]
        inherited = base.model_fields if base is not V._Model else {}
        for name, f in cls.model_fields.items():
            if name in inherited:
                if repr(inherited[name]) != repr(f):
                    raise Unsupported(f"{cls.__name__}.{name}: redefined in a subclass")
                continue
            where = f"{cls.__name__}.{name}"
            tp = self.type_of(f.annotation, list(f.metadata), where)
            default = self.default_of(f, where)
            lines.append(f"    {name}: {tp}" + (f" = {default}" if default is not None else ""))
        for name, value in cls.__dict__.items():
            if name.startswith("_") or name in ("model_config", "model_fields", "model_computed_fields"):
                continue
            if isinstance(value, property) and value.fset is None:
                src = textwrap.dedent(inspect.getsource(value.fget))
                lines.append("")
                lines.extend(("    " + ln if ln else "") for ln in src.rstrip("\n").split("\n"))
            elif callable(value) or isinstance(value, (property, classmethod, staticmethod)):
                raise Unsupported(f"{cls.__name__}.{name}: a method the generator does not copy")
        return "\n".join(lines)

    def module_source(self) -> str:
        classes = "\n\n\n".join(self.class_source(c) for c in self.models)
        enums = ", ".join(sorted(self.enums))
        return f'''"""The fast (msgspec) mirror of the verdict model.  GENERATED by tools/gen_fast_model.py from
model/verdict.py: do not edit; run the script after changing the model (a test compares).

See fast_base.py for why, fast.py for how it is used.
"""

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from .enums import (
{textwrap.fill(enums, 100, initial_indent="    ", subsequent_indent="    ")},
)
from .fast_base import INT_MAX, INT_MIN, FastModel
from .values import ArticleRef, Term

__all__ = [
{textwrap.fill(", ".join(repr(c.__name__) for c in self.models), 100, initial_indent="    ", subsequent_indent="    ")},
]


{classes}
'''


def render() -> str:
    return _Gen().module_source()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be generated")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.relative_to(ROOT)}: {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"written {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
