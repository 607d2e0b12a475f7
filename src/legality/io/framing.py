"""Cutting a byte stream into records without parsing them: JSON Lines, a JSON array, one document.

Why here and not in the JSON parser: framing must survive anything a file can hold (a broken line,
a binary blob, a 50 MB line, a truncated array) and must run in the main process of a scan in
constant memory, while parsing and validation happen per record, possibly in a worker.  Every frame
is `(line, data, problem)`: `data` is the record's bytes with surrounding whitespace and BOM
stripped; `problem` (Russian, for the clerk) is set when the bytes cannot be a record at all.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from ..i18n import _

CHUNK = 1 << 20
SNIFF = 8192
# one record larger than this is refused (and skipped in constant memory), not parsed
MAX_RECORD_BYTES = 64 << 20
# of a refused record, this much of its start is kept, so that its case id can still be shown
HEAD_KEPT = 16 << 10
BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n"

Frame = tuple[int, "bytes | None", "str | None"]
Read = Callable[[int], bytes]


def _mb(n: int) -> str:
    return _("{n} МБ").format(n=f"{n / (1 << 20):.0f}")


def too_big() -> str:
    return _("запись длиннее {size}: такая запись не может быть приговором, она пропущена").format(
        size=_mb(MAX_RECORD_BYTES))


def strip(data: bytes) -> bytes:
    data = data.strip(_WS)
    if data.startswith(BOM):
        data = data[len(BOM):].strip(_WS)
    return data


def binary_problem(head: bytes) -> str | None:
    """Why the start of a file shows it is not UTF-8 text, or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _("файл в кодировке UTF-16; сохраните выгрузку в UTF-8")
    if b"\x00" in head:
        return _("файл двоичный, а не текстовый JSON (например, архив или документ): ожидается выгрузка .jsonl или .json "
                 "в UTF-8")
    return None


def utf8_problem(data: bytes) -> str | None:
    if data.isascii():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _looks_cp1251(data):
            text = _("текст не в кодировке UTF-8 (похоже на кодировку Windows-1251): недопустимый байт {byte} в позиции "
                     "{position}; сохраните выгрузку в UTF-8")
        else:
            text = _("текст не в кодировке UTF-8: недопустимый байт {byte} в позиции {position}; сохраните выгрузку в UTF-8")
        return text.format(byte=f"0x{data[exc.start]:02X}", position=exc.start + 1)
    return None


def _looks_cp1251(data: bytes) -> bool:
    """Whether a non-UTF-8 line is Windows-1251 text rather than UTF-8 with a few damaged bytes.

    Cyrillic in Windows-1251 is single bytes that are almost never valid UTF-8 sequences, so such a
    line has many invalid bytes and hardly any valid non-ASCII characters; a UTF-8 line with one bad
    byte is the other way round.
    """
    try:
        if not re.search("[а-яА-ЯёЁ]", data.decode("cp1251")):
            return False
    except UnicodeDecodeError:
        return False
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return bad > good


def _check(line: int, data: bytes) -> Frame:
    return line, data, utf8_problem(data)


def _head(pieces: list[bytes]) -> bytes:
    """The first `HEAD_KEPT` bytes of a record being refused, stripped (b"" when it is blank)."""
    out, size = [], 0
    for p in pieces:
        out.append(p[:HEAD_KEPT - size])
        size += len(out[-1])
        if size >= HEAD_KEPT:
            break
    return strip(b"".join(out))


def _refused(line: int, head: bytes) -> Frame:
    """An oversized record: its start (for its case id) and the problem; `decode` never parses it."""
    return line, head or None, too_big()


def _universal_newlines(head: bytes, read: Read) -> Iterator[bytes]:
    """Chunks with every line end as ``\n``: CRLF, LF and a lone CR (a CR at a chunk's end waits for
    the next chunk, which may start with its LF)."""
    carry = b""
    chunk = head
    while True:
        if not chunk:
            chunk = read(CHUNK)
            if not chunk:
                break
        if carry:
            chunk, carry = carry + chunk, b""
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):
                chunk, carry = chunk[:-1], b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if chunk:
            yield chunk
        chunk = b""
    if carry:
        yield b"\n"


def lines(head: bytes, read: Read) -> Iterator[Frame]:
    """JSON Lines: 1-based line numbers, blank lines skipped, BOM accepted; a line ends with LF,
    CRLF or a lone CR.

    Why a lone CR too: a file saved with CR-only line ends would otherwise be one long line, and
    every record but one would vanish into a single "extra data" error.  Inside a record a raw CR
    could only be whitespace between tokens, which no export writes.
    """
    pending: list[bytes] = []
    size = 0
    refused: bytes | None = None  # the start of the record being skipped as too large
    lineno = 0
    for chunk in _universal_newlines(head, read):
        parts = chunk.split(b"\n")
        for part in parts[:-1]:
            lineno += 1
            if refused is None and size + len(part) > MAX_RECORD_BYTES:
                refused = _head(pending + [part])
            if refused is not None:
                yield _refused(lineno, refused)
                refused, pending, size = None, [], 0
                continue
            if pending:
                pending.append(part)
                part, pending, size = b"".join(pending), [], 0
            data = strip(part)
            if data:
                yield _check(lineno, data)
        last = parts[-1]
        if last and refused is None:
            size += len(last)
            if size > MAX_RECORD_BYTES:
                refused, pending = _head(pending + [last]), []
            else:
                pending.append(last)
    if refused is not None:
        yield _refused(lineno + 1, refused)
    elif pending:
        data = strip(b"".join(pending))
        if data:
            yield _check(lineno + 1, data)


def document(head: bytes, read: Read) -> Iterator[Frame]:
    """A whole file that is one record (a `.json` object): line 1."""
    pieces = [head]
    size = len(head)
    while size <= MAX_RECORD_BYTES:
        chunk = read(CHUNK)
        if not chunk:
            break
        pieces.append(chunk)
        size += len(chunk)
    if size > MAX_RECORD_BYTES:
        yield _refused(1, _head(pieces))
        return
    data = strip(b"".join(pieces))
    if not data:
        yield 1, None, _("файл пуст: ожидается JSON-объект приговора или массив объектов")
    else:
        yield _check(1, data)


_OUTSIDE = re.compile(rb'[\[\]{},"]')
_INSIDE = re.compile(rb'["\\]')


def array(body: bytes, read: Read) -> Iterator[Frame]:
    """Elements of a top-level JSON array, streamed; `body` starts right after the opening ``[``.

    A small scanner that only tracks strings and nesting depth finds the commas between elements,
    so memory holds one element at a time.  Whether an element is valid JSON is left to the
    parser: a malformed element invalidates that element only, a truncated file the last one.
    """
    index = 0
    depth = 1
    in_string = escape = False
    pieces: list[bytes] = []
    size = 0
    refused: bytes | None = None  # the start of the element being skipped as too large
    chunk = body
    while True:
        if not chunk:
            chunk = read(CHUNK)
            if not chunk:
                break
        pos = start = 0
        n = len(chunk)
        closed_at = -1
        if escape:
            pos, escape = 1, False
        while pos < n:
            if in_string:
                m = _INSIDE.search(chunk, pos)
                if m is None:
                    pos = n
                    break
                if m.group() == b"\\":
                    if m.end() >= n:
                        escape = True
                    pos = m.end() + 1
                else:
                    in_string = False
                    pos = m.end()
                continue
            m = _OUTSIDE.search(chunk, pos)
            if m is None:
                pos = n
                break
            c = m.group()
            pos = m.end()
            if c == b'"':
                in_string = True
            elif c in b"[{":
                depth += 1
            elif depth > 1 and c in b"]}":
                depth -= 1
            elif depth == 1 and c in b",]":
                piece = chunk[start:m.start()]
                start = pos
                frame = _element(index, pieces, piece, refused, closing=c == b"]")
                pieces, size, refused = [], 0, None
                if frame is not None:
                    yield frame
                    index += 1
                if c == b"]":
                    closed_at = pos
                    break
        if closed_at >= 0:
            rest = chunk[closed_at:]
            yield from _trailing(index, rest, read)
            return
        if refused is None:
            piece = chunk[start:]
            size += len(piece)
            if size > MAX_RECORD_BYTES:
                refused, pieces = _head(pieces + [piece]), []
            else:
                pieces.append(piece)
        chunk = b""
    # end of data inside the array
    if refused is not None:
        yield _refused(index, refused)
        return
    data = strip(b"".join(pieces))
    yield index, data or None, (_("файл оборван: массив не закрыт «]» (этот элемент не дописан)") if data
                                else _("файл оборван: массив не закрыт «]»"))


def _element(index: int, pieces: list[bytes], piece: bytes, refused: bytes | None, *, closing: bool) -> Frame | None:
    if refused is not None:
        return _refused(index, refused)
    data = strip(b"".join(pieces) + piece if pieces else piece)
    if data:
        return _check(index, data)
    if closing and index == 0:
        return None  # `[]`: an empty batch
    return index, None, _("пустой элемент массива: лишняя запятая")


def _trailing(index: int, rest: bytes, read: Read) -> Iterator[Frame]:
    while True:
        if rest.strip(_WS):
            yield index, None, _("после закрывающей «]» массива есть лишние данные")
            return
        rest = read(CHUNK)
        if not rest:
            return


def sniff(head: bytes) -> bytes:
    """The first meaningful byte of a stream (after BOM and whitespace), or b""."""
    h = head[len(BOM):] if head.startswith(BOM) else head
    h = h.lstrip(_WS)
    return h[:1]
