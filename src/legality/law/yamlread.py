"""YAML with line numbers, so a wrong number in the law data is reported as file:line.

Why not plain `yaml.safe_load`: pydantic reports errors by path (`entries.3.principal.0.max`); a
clerk editing the catalogue needs the line.  We compose the node tree once, construct the data
from it, and keep a map from path to the line where that path's node starts.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import yaml

from ..i18n import N_, _

Path_ = tuple[str | int, ...]


class YamlProblem(Exception):
    """A file that is not well-formed YAML; `line` is 1-based or None."""

    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.line = line
        self.column = column


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when available: ~10x faster
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        return _raise(yaml_reason(e, text), e.problem_mark or e.context_mark)
    except yaml.YAMLError as e:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem(yaml_reason(e, text), None, None) from e
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


# PyYAML's problems (its pure-Python and its libyaml loader word them differently) → what to fix, for a
# lawyer editing the file; the English ids are translated by the diagnostics catalogue (`--lang en` keeps them)
_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"expected <block end>|did not find expected key|did not find expected '-' indicator"),
     N_("the indentation of this line does not match the lines above it")),
    (re.compile(r"expected ',' or '\}'|did not find expected ',' or '\}'"),
     N_("a «{…}» is not closed, or a comma is missing inside it")),
    (re.compile(r"expected ',' or '\]'|did not find expected ',' or '\]'"),
     N_("a «[…]» is not closed, or a comma is missing inside it")),
    (re.compile(r"mapping values are not allowed"),
     N_("a colon inside a value: put the value in quotes")),
    (re.compile(r"found unexpected end of stream"),
     N_("a quotation mark is not closed")),
    (re.compile(r"found undefined alias"),
     N_("«*» starts a reference to an anchor that does not exist: put the value in quotes")),
    (re.compile(r"unknown escape character"),
     N_("an unknown escape after «\\» in double quotes: write «\\\\» or use single quotes")),
    (re.compile(r"could not find expected ':'"),
     N_("a key without a colon after it")),
]


def yaml_reason(e: yaml.YAMLError, text: str | None = None) -> str:
    """Why the text is not well-formed YAML, in words of the run's language (PyYAML's own are English and
    name its parser's states: «while parsing a block mapping … expected <block end>»)."""
    problem = str(getattr(e, "problem", None) or e)
    if "cannot start any token" in problem:
        mark = getattr(e, "problem_mark", None)
        lines = text.splitlines() if text is not None and mark is not None else []
        line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        if "\t" in problem or (mark is not None and line[mark.column:mark.column + 1] == "\t"):
            return _("a tab character: YAML indents with spaces only")
        return _("a character that cannot start a value here: put the value in quotes")
    for pattern, words in _PROBLEMS:
        if pattern.search(problem):
            return _(words)
    return _("the text is not well-formed YAML")


def not_utf8(e: UnicodeDecodeError) -> str:
    """Why a file is not read as text, and what to do (the decoder's own reason is English)."""
    return _("not UTF-8 text (at byte {byte}): save the file as UTF-8").format(byte=e.start)


def _raise(msg: str, mark: yaml.Mark | None) -> NoReturn:
    if mark is None:
        raise YamlProblem(msg, None, None)
    raise YamlProblem(msg, mark.line + 1, mark.column + 1)


def _walk(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            out[path + (k,)] = key.start_mark.line + 1
            _walk(value, path + (k,), out)
            out[path + (k,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), out)


def line_of(lines: dict[Path_, int], loc: tuple[Any, ...]) -> int | None:
    """The line of the longest known prefix of `loc` (pydantic adds union/tag segments we skip)."""
    path = tuple(p for p in loc if isinstance(p, (str, int)))
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
