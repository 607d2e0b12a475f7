"""Convert a JSON Lines verdict export to Parquet in either layout `legality` reads (docs/format.md, «Parquet»).

    python tools/jsonl_to_parquet.py batch.jsonl batch.parquet                   # column `record`
    python tools/jsonl_to_parquet.py batch.jsonl batch.parquet --layout nested   # one column per field
    python tools/jsonl_to_parquet.py batch.jsonl batch.parquet --layout nested --dates --row-group-rows 5000

`record` keeps each line's bytes as they are (a binary column; any line, valid or not, converts).  `nested` turns the
records into Arrow structs and lists (the schema is inferred over the whole file in a first pass,
then the file is written in a second, one row group at a time, so memory holds one row group);
values of one field must have one type across the file (a record with `"part": "3"` beside
`"part": 3` cannot be nested: convert such a file with `--layout record`).  `--dates` stores the
fields named `*_date`, `*_on`, `*_from`, `*_until` that hold valid ISO dates as Parquet `date32`.

Needs pyarrow (`pip install 'legality[parquet]'`).  Exit 0 on success, 2 on a problem (one line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import orjson

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_KEY = re.compile(r"(_date|_on|_from|_until)$")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if line:
                yield n, line


def _chunks(path: Path, size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in _lines(path):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _as_dates(obj: Any, key: str = "") -> Any:
    if isinstance(obj, dict):
        return {k: _as_dates(v, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_as_dates(v, key) for v in obj]
    if isinstance(obj, str) and _DATE_KEY.search(key) and _DATE.match(obj):
        try:
            return dt.date.fromisoformat(obj)
        except ValueError:
            return obj
    return obj


def _objects(chunk: list[tuple[int, bytes]], dates: bool) -> list[dict[str, Any]]:
    out = []
    for n, line in chunk:
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise SystemExit(f"строка {n}: некорректный JSON; такой файл преобразуется только с --layout record") from None
        if not isinstance(obj, dict):
            raise SystemExit(f"строка {n}: запись не JSON-объект; такой файл преобразуется только с --layout record")
        out.append(_as_dates(obj) if dates else obj)
    return out


def convert(src: Path, dst: Path, *, layout: str = "record", row_group_rows: int = 10_000, dates: bool = False) -> int:
    """Write `dst`; the number of rows written.  Raises SystemExit (Russian text) on a problem."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise SystemExit("не установлена библиотека pyarrow: pip install 'legality[parquet]'") from None

    rows = 0
    try:
        if layout == "record":
            # binary, not string: each line's bytes exactly, so a line that is not UTF-8 is reported as in the .jsonl
            schema = pa.schema([("record", pa.binary())])
            with pq.ParquetWriter(dst, schema) as writer:
                for chunk in _chunks(src, row_group_rows):
                    writer.write_table(pa.table({"record": pa.array([line for _, line in chunk], pa.binary())}),
                                       row_group_size=row_group_rows)
                    rows += len(chunk)
            return rows
        # nested: one schema for the whole file (pass 1), then the row groups (pass 2)
        # pa.array infers one struct over every row's keys (Table.from_pylist would take the first row's)
        schemas = [pa.schema(pa.array(_objects(c, dates)).type) for c in _chunks(src, row_group_rows)]
        if not schemas:
            raise SystemExit(f"{src}: в файле нет записей")
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        with pq.ParquetWriter(dst, schema) as writer:
            for chunk in _chunks(src, row_group_rows):
                arr = pa.array(_objects(chunk, dates), type=pa.struct(list(schema)))
                writer.write_table(pa.Table.from_batches([pa.RecordBatch.from_struct_array(arr)]),
                                   row_group_size=row_group_rows)
                rows += len(chunk)
    except pa.ArrowException:
        dst.unlink(missing_ok=True)
        raise SystemExit("значения одного поля разных типов (или пустой объект {}): такой файл нельзя разложить "
                         "по столбцам; преобразуйте его с --layout record") from None
    except OSError as exc:
        raise SystemExit(f"ошибка ввода-вывода: {exc.strerror or type(exc).__name__}") from None
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="input .jsonl")
    ap.add_argument("dst", type=Path, help="output .parquet")
    ap.add_argument("--layout", choices=("record", "nested"), default="record",
                    help="record: a column `record` with each line's JSON (default); nested: one column per field")
    ap.add_argument("--row-group-rows", type=int, default=10_000, help="rows per row group (default 10000)")
    ap.add_argument("--dates", action="store_true", help="nested layout: store ISO dates as Parquet date32")
    args = ap.parse_args(argv)
    try:
        n = convert(args.src, args.dst, layout=args.layout, row_group_rows=args.row_group_rows, dates=args.dates)
    except SystemExit as exc:
        print(f"jsonl_to_parquet: {exc.code}", file=sys.stderr)
        return 2
    print(f"{n} строк записано в {args.dst}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
