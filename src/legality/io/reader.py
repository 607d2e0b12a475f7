"""Reading verdict batches: paths → raw records (main process) → decoded records (anywhere).

Why two steps: `iter_raw` only frames bytes (cheap, streaming, constant memory, never parses), so a
scan can hash records for the nightly store and hand them to worker processes; `decode` is a pure
function of one raw record that never raises, so one bad record is one reported record and the batch
goes on.  A valid record without a duplicate key is decoded by msgspec alone, in one parse
(`model/fast.decode_clean`); any other goes the full way: parse with orjson, find duplicate keys,
validate with the fast msgspec model and, for a record it does not accept, with the pydantic model.

    sources, errors = resolve_inputs(["fixtures/", "-"])   # errors: exit 2
    for item in read_records(sources):                     # iter_raw + decode, one process
        item.verdict or item.errors

Line numbers follow the report format: the 1-based line of a `.jsonl`, the 0-based index of a
`.json` array, 1 for a `.json` file holding one object, the 1-based row of a `.parquet` file
(`io/parquet.py`).  Problems that concern a whole file (binary, empty, unreadable) are reported as
one record at line 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Iterable, Iterator, Sequence

import msgspec
import orjson

from ..i18n import N_, _
from ..model.fast import decode_clean, decode_valid
from ..model.validate import RecordError, json_path, validate_record
from . import framing, parquet
from .sources import InputError, Source, resolve_inputs

if TYPE_CHECKING:  # the pydantic model is imported only when a record needs it (`validate_record`)
    from ..model.verdict import Verdict

__all__ = [
    "InputError", "RawRecord", "RecordItem", "Source", "decode", "iter_raw", "read_records", "resolve_inputs",
]

WHOLE_RECORD = "$"  # the JSON path of an error about the record as a whole


@dataclass(frozen=True, slots=True)
class RawRecord:
    """The bytes of one record as framed from its file, or why there are none usable."""

    file: str
    line: int
    data: bytes | None
    problem: str | None = None

    @property
    def content_hash(self) -> str:
        """sha256 of the record's stripped bytes: what the nightly store compares to skip unchanged records."""
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        return hashlib.sha256(b"\x00problem\x00" + (self.problem or "").encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RecordItem:
    file: str
    line: int
    case_id: str | None
    verdict: Verdict | None
    errors: list[RecordError] = field(default_factory=list)
    content_hash: str = ""

    @property
    def valid(self) -> bool:
        return self.verdict is not None


# Why these two constructors: a frozen dataclass's generated `__init__` stores each field through
# `object.__setattr__`, looked up by name per field; for the two objects made per record (its frame,
# its decoded item) that was 0.37 + 0.52 µs a record.  Setting the slots through their descriptors
# gives the same object (equal, same hash, still frozen against later assignment) in 0.21 + 0.28 µs
# (in-process, best of 9 × 200,000).  Every field is passed; the check below fails at import if a
# field is added to either class and not here (tests/test_reader.py compares both constructors).
_new = object.__new__
_rr_file, _rr_line, _rr_data, _rr_problem = (RawRecord.__dict__[n].__set__ for n in ("file", "line", "data", "problem"))
_it_file, _it_line, _it_case, _it_verdict, _it_errors, _it_hash = (
    RecordItem.__dict__[n].__set__ for n in ("file", "line", "case_id", "verdict", "errors", "content_hash"))


def _fields_are(cls: type, names: tuple[str, ...]) -> None:
    from dataclasses import fields

    if tuple(f.name for f in fields(cls)) != names or hasattr(cls, "__post_init__"):
        raise ImportError(f"io/reader.py: the fast constructor of {cls.__name__} must set every field")


_fields_are(RawRecord, ("file", "line", "data", "problem"))
_fields_are(RecordItem, ("file", "line", "case_id", "verdict", "errors", "content_hash"))


def _raw_record(file: str, line: int, data: bytes | None, problem: str | None) -> RawRecord:
    r = _new(RawRecord)
    _rr_file(r, file)
    _rr_line(r, line)
    _rr_data(r, data)
    _rr_problem(r, problem)
    return r


def _raw_record_reduce(self: RawRecord) -> tuple[object, tuple[object, ...]]:
    """How a frame is pickled (`--jobs` sends each chunk's frames to a worker): as the fast constructor
    and the four fields.  A frozen slotted dataclass otherwise pickles through `_dataclass_getstate`,
    which calls `dataclasses.fields` for every object — a sixth of the main process's CPU under
    `--jobs 2` — and unpickles by a `setattr` per field."""
    return (_raw_record, (self.file, self.line, self.data, self.problem))


RawRecord.__reduce__ = _raw_record_reduce  # type: ignore[method-assign,assignment]

# A chunk of frames as sent to a `--jobs` worker: `(file, lines, datas, problems)`, where `file` is the
# one file name of every frame or a list of them, and `problems` None when no frame has one.
RawColumns = tuple["str | list[str]", list[int], "list[bytes | None]", "list[str | None] | None"]


def to_columns(raws: list[RawRecord]) -> RawColumns:
    """`raws` as columns, for pickling a chunk at once (`from_columns` rebuilds it).

    Why: pickled one by one, each frame is a call to rebuild with its own tuple of fields, which
    the worker runs while the collector walks the chunk; as columns the chunk is three lists and a
    name, and the worker builds the frames in one loop with the collector paused (`pipeline._work`).
    On the 50,000-record mix, chunks of 2,048 (in-process, old and new interleaved, median of 7):
    the main process's share (`to_columns` + pickling) 1.31 → 0.54 µs a record, the worker's
    (unpickling + rebuilding) 1.07 → 0.87 µs.
    """
    file = raws[0].file if raws else ""
    files: str | list[str] = file
    for r in raws:
        if r.file != file:
            files = [r.file for r in raws]
            break
    problems = [r.problem for r in raws]
    # None only when every problem is None (an empty-string problem is sent as it is)
    return (files, [r.line for r in raws], [r.data for r in raws],
            None if problems.count(None) == len(problems) else problems)


def from_columns(columns: RawColumns) -> list[RawRecord]:
    """The frames `to_columns` was given, equal field by field."""
    files, lines, datas, problems = columns
    if problems is None:
        problems = [None] * len(lines)
    if isinstance(files, str):
        file, make = files, _raw_record
        return [make(file, line, data, problem) for line, data, problem in zip(lines, datas, problems)]
    return list(map(_raw_record, files, lines, datas, problems))


def _record_item(file: str, line: int, case_id: str | None, verdict: object, errors: list[RecordError],
                 content_hash: str) -> RecordItem:
    it = _new(RecordItem)
    _it_file(it, file)
    _it_line(it, line)
    _it_case(it, case_id)
    _it_verdict(it, verdict)
    _it_errors(it, errors)
    _it_hash(it, content_hash)
    return it


# ---------------------------------------------------------------------------------------------
# framing


def iter_raw(sources: Iterable[Source]) -> Iterator[RawRecord]:
    """Every record of every source, in order; never raises on what a file contains or on read errors."""
    for src in sources:
        yield from _iter_source(src)


def _iter_source(src: Source) -> Iterator[RawRecord]:
    if src.kind == "parquet" and src.path is not None:
        for line, data, problem in parquet.frames(src.path):  # one row = one record, never raises
            yield _raw_record(src.name, line, data, problem)
        return
    line = 1
    try:
        with _open(src) as stream:
            read = stream.read
            head = read(framing.SNIFF)
            problem = framing.binary_problem(head)
            if problem and head.startswith(parquet.MAGIC):
                problem = _(parquet.MISNAMED)
            if problem:
                yield RawRecord(src.name, 1, None, problem)
                return
            name = src.name
            for line, data, problem in _frames(src, head, read):
                yield _raw_record(name, line, data, problem)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        yield RawRecord(src.name, line, None, _("ошибка чтения файла: {why}").format(why=why))


class _Stdin:
    """stdin as a binary stream that the reader must not close."""

    def __enter__(self) -> IO[bytes]:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise OSError(0, _("стандартный ввод недоступен"))
        return stream

    def __exit__(self, *exc: object) -> None:
        return None


def _open(src: Source):
    if src.path is None:
        return _Stdin()
    return open(src.path, "rb", buffering=0)


def _frames(src: Source, head: bytes, read) -> Iterator[framing.Frame]:
    if src.kind == "jsonl":
        return framing.lines(head, read)
    head = _skip_blank(head, read, keep=src.kind == "auto")
    first = framing.sniff(head)
    if src.kind == "auto" and not (first == b"[" or (first == b"{" and _multiline_object(head))):
        return framing.lines(head, read)
    if first == b"[":
        return framing.array(head[head.index(b"[") + 1:], read)
    return framing.document(head, read)


def _skip_blank(head: bytes, read, *, keep: bool) -> bytes:
    """Read on to the first non-blank byte; blank bytes are dropped unless they may count lines."""
    while head and not framing.sniff(head):
        more = read(framing.CHUNK)
        if not more:
            break
        head = head + more if keep else more
    return head


def _multiline_object(head: bytes) -> bool:
    """Whether stdin starting with ``{`` is a pretty-printed document rather than JSON Lines."""
    text = framing.strip(head)
    end = text.find(b"\n")
    if end < 0:
        return False
    return not text[:end].rstrip().endswith(b"}")


# ---------------------------------------------------------------------------------------------
# decoding


def decode(raw: RawRecord, *, hashed: bool = True) -> RecordItem:
    """Parse and validate one raw record; never raises (an unexpected failure is a reported error).

    `hashed=False`: the item's `content_hash` is left empty — for a caller that never reads it (a scan
    without a state store: the hash is the store's key), as hashing was a twentieth of decoding.
    """
    try:
        return _decode(raw, hashed)
    except Exception as exc:  # noqa: BLE001 - a batch must never die on one record
        return RecordItem(raw.file, raw.line, salvage_case_id(raw.data), None,
                          [RecordError(WHOLE_RECORD, _("внутренняя ошибка при проверке записи ({name}); сообщите разработчикам"
                                                      ).format(name=type(exc).__name__))],
                          raw.content_hash if hashed else "")


def _decode(raw: RawRecord, hashed: bool = True) -> RecordItem:
    h = raw.content_hash if hashed else ""
    if raw.problem is not None or raw.data is None:
        return RecordItem(raw.file, raw.line, salvage_case_id(raw.data), None,
                          [RecordError(WHOLE_RECORD, raw.problem or _("пустая запись"))], h)
    # nearly every record: valid, without a duplicate key, from one parse (model/fast.py); the rest goes
    # the full way below, which finds and words every problem
    fast = decode_clean(raw.data)
    if fast is not None:
        c = fast.case_id
        return _record_item(raw.file, raw.line, c if c.strip() else None, fast, [], h)
    try:
        obj = orjson.loads(raw.data)
    except orjson.JSONDecodeError as exc:
        return RecordItem(raw.file, raw.line, salvage_case_id(raw.data), None,
                          [RecordError(WHOLE_RECORD, json_error_message(exc))], h)
    case_id = _case_id(obj)
    dups = duplicate_keys(raw.data, obj)
    if dups:
        if any(e.path == "case_id" for e in dups):
            case_id = None  # which of them is meant cannot be known
        return RecordItem(raw.file, raw.line, case_id, None, dups, h)
    # the fast decoder (msgspec, from the bytes orjson has just accepted) answers for a valid record;
    # for anything else it answers None and the pydantic model decides and words every error (model/fast.py)
    fast = decode_valid(raw.data)
    if fast is not None:
        return RecordItem(raw.file, raw.line, case_id, fast, [], h)  # type: ignore[arg-type]  # same attributes
    result = validate_record(obj)
    if isinstance(result, list):
        return RecordItem(raw.file, raw.line, case_id, None, result, h)
    return RecordItem(raw.file, raw.line, case_id, result, [], h)


def _case_id(obj: object) -> str | None:
    if isinstance(obj, dict):
        c = obj.get("case_id")
        if isinstance(c, str) and c.strip():
            return c
    return None


_CASE_ID = re.compile(rb'"case_id"\s*:\s*"((?:[^"\\\r\n]|\\.){1,200})"')


def salvage_case_id(data: bytes | None) -> str | None:
    """The case id of a record that is not valid JSON, if its text still shows one."""
    if not data:
        return None
    m = _CASE_ID.search(data)
    if m is None:
        return None
    try:
        value = orjson.loads(b'"' + m.group(1) + b'"')
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, str) and value.strip() else None


# orjson's messages (yyjson since orjson 3.10; a few of the older serde-based ones too) → what the
# clerk reads.  Matched by substring, first match wins, so more specific keys come first; anything
# not listed gets the generic Russian text, never the decoder's English
_JSON_MESSAGES = (
    ("unexpected content after document", N_("после записи есть лишние данные (в строке .jsonl должна быть ровно одна запись; несколько записей в файле .json оформляются массивом [...])")),
    ("trailing characters", N_("после записи есть лишние данные (в строке .jsonl должна быть ровно одна запись; несколько записей в файле .json оформляются массивом [...])")),
    ("unexpected end of data", N_("запись оборвана: JSON не закончен")),
    ("EOF while parsing", N_("запись оборвана: JSON не закончен")),
    ("zero-length", N_("пустая запись")),
    ("trailing comma", N_("лишняя запятая")),
    ("expected ':'", N_("после имени поля ожидается «:»")),
    ("expected a string key", N_("имя поля должно быть строкой в двойных кавычках")),
    ("key must be a string", N_("имя поля должно быть строкой в двойных кавычках")),
    ("expected a JSON value", N_("ожидается значение JSON (строка, число, true/false/null, объект или массив); NaN и Infinity в JSON недопустимы")),
    ("expected value", N_("ожидается значение JSON (строка, число, true/false/null, объект или массив); NaN и Infinity в JSON недопустимы")),
    ("invalid literal", N_("неверное слово: допустимы только true, false и null")),
    ("expected ident", N_("неверное слово: допустимы только true, false и null")),
    ("control character", N_("управляющий символ внутри строки (перевод строки или табуляция должны быть записаны как \\n, \\t)")),
    ("surrogate", N_("недопустимый символ в строке (ошибка кодировки)")),
    ("invalid escape", N_("после обратной косой черты «\\» в строке допустимы только \" \\ / b f n r t и uXXXX")),
    ("invalid escaped sequence", N_("после обратной косой черты «\\» в строке допустимы только \" \\ / b f n r t и uXXXX")),
    ("invalid unicode code point", N_("после обратной косой черты «\\» в строке допустимы только \" \\ / b f n r t и uXXXX")),
    ("not valid UTF-8", N_("текст не в кодировке UTF-8")),
    ("utf-8", N_("текст не в кодировке UTF-8")),
    ("UTF-8", N_("текст не в кодировке UTF-8")),
    ("infinity", N_("число слишком велико")),
    ("out of range", N_("число слишком велико")),
    ("no digit after sign", N_("число записано неверно: после знака нет цифр (NaN и Infinity в JSON недопустимы, плюс перед числом не пишется)")),
    ("no digit after decimal point", N_("число записано неверно: после десятичной точки нет цифр")),
    ("no digit after exponent", N_("число записано неверно: в показателе степени нет цифр")),
    ("leading zero", N_("число записано неверно: лишний ноль в начале")),
    ("invalid number", N_("число записано неверно")),
    ("depth limit", N_("слишком глубокая вложенность объектов")),
    ("recursion limit", N_("слишком глубокая вложенность объектов")),
    ("expected ',' or '}'", N_("ожидается «,» или «}»")),
    ("expected ',' or ']'", N_("ожидается «,» или «]»")),
)
_JSON_GENERIC = N_("ошибка синтаксиса JSON")


def json_error_message(exc: orjson.JSONDecodeError) -> str:
    text = _(next((ru for key, ru in _JSON_MESSAGES if key in exc.msg), _JSON_GENERIC))
    if exc.lineno > 1:
        where = _("строка {line}, символ {column}").format(line=exc.lineno, column=exc.colno)
    else:
        where = _("символ {column}").format(column=exc.colno)
    return _("некорректный JSON: {text} ({where})").format(text=text, where=where)


# ---------------------------------------------------------------------------------------------
# duplicate keys
#
# orjson keeps the last of two equal keys silently, so `{"case_id": "A", "case_id": "B"}` would
# be checked as "B".  Finding them costs a few microseconds on a clean record: every key is
# followed by one `:` outside strings, and the encoder writes back every colon of the strings kept,
# so the record's bytes hold exactly as many colons as the compact JSON of what orjson read unless
# a key was dropped (or a colon was written as a \u escape, counted here on the safe side).  Only
# when the counts differ is the record parsed again, with the standard library, which shows every
# key with its path.


def _maybe_duplicates(data: bytes, obj: object) -> bool:
    written = data.count(b":")
    # an escaped colon in a kept string is a colon in the output; a one-byte search first, as an
    # export seldom escapes anything and the two-byte search was a twentieth of decoding
    if b"\\" in data and b"\\u" in data:
        written += data.count(b"\\u003a") + data.count(b"\\u003A")
    try:
        # msgspec writes the same compact JSON as orjson (one `:` per key, a string's colons kept,
        # none escaped) in about half of orjson's time; whatever it cannot write: the full check
        kept = _ENCODE(obj).count(b":")
    except Exception:  # noqa: BLE001 - e.g. an integer beyond 64 bits, a nesting too deep
        return True
    return written != kept


_ENCODE = msgspec.json.Encoder().encode


class _Pairs(list):
    """An object as its key/value pairs in order, duplicates kept."""


def duplicate_keys(data: bytes, obj: object) -> list[RecordError]:
    """An error for every key that occurs twice in one object of the record (`obj` as orjson read it)."""
    if not _maybe_duplicates(data, obj):
        return []
    try:
        tree = json.loads(data, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):  # orjson read it; the standard parser's stack is smaller
        return []
    errors: list[RecordError] = []
    stack: list[tuple[tuple[object, ...], object]] = [((), tree)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            for key, value in node:
                if key in seen:
                    errors.append(RecordError(json_path(loc + (key,)), _("ключ повторяется: в объекте должно быть одно поле с таким именем (удалите лишнее)")))
                seen.add(key)
                stack.append((loc + (key,), value))
        elif isinstance(node, list):
            stack.extend((loc + (i,), v) for i, v in enumerate(node))
    # one error per path, in document order
    out, paths = [], set()
    for e in sorted(errors, key=lambda e: e.path):
        if e.path not in paths:
            paths.add(e.path)
            out.append(e)
    return out


# ---------------------------------------------------------------------------------------------


def read_records(inputs: Sequence[str | os.PathLike[str]] | Iterable[Source]) -> Iterator[RecordItem]:
    """Decoded records of paths or resolved sources, in order (for single-process callers).

    Given paths, an unreadable one raises `InputError` before any record is read; callers that
    want to report all of them and go on use `resolve_inputs` first.
    """
    items = list(inputs) if not isinstance(inputs, (str, bytes)) else [inputs]
    if items and not all(isinstance(i, Source) for i in items):
        sources, errors = resolve_inputs([os.fspath(i) for i in items])  # type: ignore[arg-type]
        if errors:
            raise errors[0]
    else:
        sources = items  # type: ignore[assignment]
    for raw in iter_raw(sources):
        yield decode(raw)
