"""Parquet as an input format: one row is one verdict record, framed as the JSON bytes of that record.

Why frames of JSON bytes rather than a second decoder: everything after framing — validation, the
content hash the nightly store compares, the report — works on a record's bytes, so a Parquet row
turned into the bytes of its JSON object goes through exactly the same checks and messages as a
line of a `.jsonl` file.  Two layouts (docs/format.md, «Parquet»):

* **record** — a column named ``record`` (string or binary) holding the record's JSON text; the
  bytes are taken as they are, like a JSON Lines line;
* **nested** — columns named like the record's top-level fields (structs, lists, scalars); a row
  becomes the JSON object of its non-null values, keys in column order (``orjson.dumps``), dates
  (``date32``/``date64``) written as ``YYYY-MM-DD``.  Parquet cannot tell an absent field from a
  null one (a struct column has every field in every row), so a null value inside an object is an
  absent field; null elements of a list stay null.

Reading streams: one row group at a time, in batches of `BATCH_ROWS` rows, so memory holds one
row group's column data and one batch of Python objects, whatever the size of the file.  Line
numbers are 1-based row numbers within the file.  Nothing here raises on what a file holds: a
corrupt file, a file with neither layout, a damaged row group or a row that cannot be written as
JSON are frames with a problem (Russian, for the clerk), counted as invalid records.

pyarrow is optional (``pip install 'legality[parquet]'``): `missing` says why it cannot be used,
and `resolve_inputs` turns that into an input error (exit 2) before any record is read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from pathlib import Path
from typing import Any, Iterator

import orjson

from ..i18n import N_, _
from . import framing

SUFFIX = ".parquet"
RECORD_COLUMN = "record"
MAGIC = b"PAR1"  # the first bytes of every Parquet file
MISNAMED = N_("это файл Parquet, а он читается как JSON: дайте файлу расширение .parquet "
              "(со стандартного ввода Parquet не читается)")
BATCH_ROWS = 1024  # Python objects of this many rows at a time

INSTALL_HINT = N_("установите поддержку Parquet: pip install 'legality[parquet]'")

Frame = framing.Frame


@functools.lru_cache(maxsize=1)
def record_fields() -> frozenset[str]:
    """The top-level fields of a record: a file with none of them (and no `record` column) is not an export.
    From the pydantic model, when a Parquet file is first read (importing the model costs every start)."""
    from ..model.verdict import Verdict

    return frozenset(f.alias or name for name, f in Verdict.model_fields.items())


def missing() -> str | None:
    """Why Parquet files cannot be read in this installation (Russian, with the fix), or None."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return _("файл Parquet нельзя прочитать: не установлена библиотека pyarrow; {hint}").format(hint=_(INSTALL_HINT))
    return None


def is_parquet(name: str) -> bool:
    return name.lower().endswith(SUFFIX)


def _open(path: Path) -> Any:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path, memory_map=False)


def _corrupt(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not type(exc).__module__.startswith("pyarrow") and exc.strerror:
        return _("ошибка чтения файла: {why}").format(why=exc.strerror)
    return _("файл .parquet повреждён или не является файлом Parquet: прочитать его нельзя; выгрузите его заново")


def layout(schema: Any) -> str | None:
    """`"record"`, `"nested"`, or None when the file has neither layout (an Arrow schema)."""
    import pyarrow as pa

    names = schema.names
    if RECORD_COLUMN in names:
        t = schema.field(RECORD_COLUMN).type
        if pa.types.is_dictionary(t):  # a categorical column: its values are what counts
            t = t.value_type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t) \
                or pa.types.is_large_binary(t) or getattr(pa.types, "is_string_view", lambda _t: False)(t) \
                or getattr(pa.types, "is_binary_view", lambda _t: False)(t):
            return "record"
    if any(n in record_fields() for n in names):
        return "nested"
    return None


NEITHER = N_("в файле .parquet нет ни столбца record (текст записи в JSON), ни столбцов с полями записи "
             "(format, case_id, court, offences, …); см. описание формата, раздел «Parquet»")


def row_groups(path: Path) -> list[tuple[int, int]]:
    """(first row number, rows) of each row group: how a file can be split between workers.

    Raises what pyarrow raises on a file that cannot be read (callers fall back to the whole file,
    whose `frames` then reports the problem)."""
    meta = _open(path).metadata
    out, first = [], 1
    for i in range(meta.num_row_groups):
        n = meta.row_group(i).num_rows
        out.append((first, n))
        first += n
    return out


def frames(path: Path, groups: range | None = None) -> Iterator[Frame]:
    """`(row, data, problem)` of every row of the file (or of the row groups `groups`), in order."""
    try:
        pf = _open(path)
        schema = pf.schema_arrow
        meta = pf.metadata
    except Exception as exc:  # noqa: BLE001 - whatever the file holds, it is one reported record
        yield 1, None, _corrupt(exc)
        return
    kind = layout(schema)
    if kind is None:
        yield 1, None, _(NEITHER)
        return
    starts = [1]
    for i in range(meta.num_row_groups):
        starts.append(starts[-1] + meta.row_group(i).num_rows)
    columns = [RECORD_COLUMN] if kind == "record" else None
    for g in groups if groups is not None else range(meta.num_row_groups):
        row = starts[g]
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[g], columns=columns,
                                         use_threads=False):
                if kind == "record":
                    yield from _record_frames(row, batch.column(0).to_pylist())
                else:
                    yield from _nested_frames(row, batch)
                row += batch.num_rows
        except Exception:  # noqa: BLE001 - a damaged row group costs its own rows only
            last = starts[g + 1] - 1
            where = (_("строки {first}–{last}").format(first=row, last=last) if last > row
                     else _("строка {line}").format(line=row))
            yield row, None, _("группа строк файла .parquet повреждена ({where}): эти записи не прочитаны; "
                               "выгрузите файл заново").format(where=where)


def _record_frames(first: int, values: list[Any]) -> Iterator[Frame]:
    for i, value in enumerate(values):
        row = first + i
        if value is None:
            yield row, None, _("пустая запись: значение столбца record равно null")
            continue
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
        if len(data) > framing.MAX_RECORD_BYTES:
            yield row, framing.strip(data[:framing.HEAD_KEPT]) or None, framing.too_big()
            continue
        data = framing.strip(data)
        if not data:
            yield row, None, _("пустая запись: значение столбца record пусто")
            continue
        yield row, data, framing.utf8_problem(data)


def _nested_frames(first: int, batch: Any) -> Iterator[Frame]:
    try:
        rows = _rows(batch)
    except Exception:  # noqa: BLE001 - find the row that cannot be converted, keep the others
        rows = None
    for i in range(batch.num_rows):
        row = first + i
        if rows is not None:
            obj = rows[i]
        else:
            try:
                obj = _rows(batch.slice(i, 1))[0]
            except Exception:  # noqa: BLE001
                yield row, None, _("строку файла .parquet нельзя прочитать: значение вне допустимого диапазона")
                continue
        try:
            data = orjson.dumps(obj, default=_plain)
        except (TypeError, orjson.JSONEncodeError):
            yield row, None, _("строку файла .parquet нельзя записать как JSON: значение неподдерживаемого типа")
            continue
        if len(data) > framing.MAX_RECORD_BYTES:
            yield row, framing.strip(data[:framing.HEAD_KEPT]) or None, framing.too_big()
            continue
        yield row, data, None


# Rows are assembled column by column rather than with `RecordBatch.to_pylist()`, which keeps every
# null field of the file's schema (most of them, in an export: each optional field of any record is a
# column) and so needs a second pass to drop them.  Converting each leaf column in one call, building
# only the objects of the rows that have one, and zipping them into dicts gives the same objects about
# three times faster (23 against 69 µs of CPU a row on the generated benchmark records); the keys keep
# the column order, whatever the batch, so a row's bytes do not depend on how the file is split.


def _rows(batch: Any) -> list[Any]:
    """The rows of a record batch as dicts without null fields (see `_values`)."""
    return _objects([(batch.schema.names[i], batch.column(i)) for i in range(batch.num_columns)], batch.num_rows)


def _objects(fields: list[tuple[str, Any]], n: int | None = None) -> list[Any]:
    """Dicts of the rows of `fields` (name, Arrow array of n rows), in field order, without their nulls."""
    n = len(fields[0][1]) if n is None and fields else n or 0
    fields = [(k, c) for k, c in fields if c.null_count < len(c)]  # null throughout: absent throughout
    names = [k for k, _ in fields]
    nullable = [k for k, c in fields if c.null_count]
    columns = [_values(c) for _, c in fields]
    if not columns:
        rows: list[Any] = [{} for _ in range(n)]
    elif not nullable:
        rows = [dict(zip(names, vals)) for vals in zip(*columns)]
    else:
        rows = []
        for vals in zip(*columns):
            d = dict(zip(names, vals))
            for k in nullable:
                if d[k] is None:
                    del d[k]
            rows.append(d)
    return rows


def _values(arr: Any) -> list[Any]:
    """The Python values of an Arrow array: null fields of structs absent, null list elements kept."""
    import pyarrow as pa

    t = arr.type
    if pa.types.is_struct(t):
        if arr.null_count:  # build the objects of the rows that have one, then put the nulls back
            valid = arr.is_valid()
            dense = iter(_values(arr.filter(valid)))
            return [next(dense) if ok else None for ok in valid.to_pylist()]
        # flatten: the children with the struct's offset applied
        return _objects([(t.field(i).name, c) for i, c in enumerate(arr.flatten())])
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        values = _values(arr.values)
        offsets = arr.offsets.to_pylist()
        if not arr.null_count:
            return [values[a:b] for a, b in zip(offsets, offsets[1:])]
        valid = arr.is_valid().to_pylist()
        return [values[offsets[i]:offsets[i + 1]] if ok else None for i, ok in enumerate(valid)]
    if pa.types.is_dictionary(t):
        return _values(arr.dictionary_decode())
    if pa.types.is_nested(t):  # maps, fixed-size lists, unions: the generic conversion
        return [_absent_nulls(v) for v in arr.to_pylist()]
    return arr.to_pylist()


def _absent_nulls(obj: Any) -> Any:
    """Null fields of objects dropped (absent), recursively; null list elements kept."""
    if isinstance(obj, dict):
        return {k: _absent_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_absent_nulls(v) for v in obj]
    return obj


def _plain(value: Any) -> Any:
    """What orjson cannot write itself: decimals as numbers, bytes as text, times as ISO text."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    raise TypeError(type(value).__name__)
