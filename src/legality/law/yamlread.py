"""YAML with line numbers, so a wrong number in the law data is reported as file:line.

Why not plain `yaml.safe_load`: pydantic reports errors by path (`entries.3.principal.0.max`); a
clerk editing the catalogue needs the line.  We compose the node tree once, construct the data
from it, and keep a map from path to the line where that path's node starts.
"""

from __future__ import annotations

from typing import Any, NoReturn

import yaml

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
        mark = e.problem_mark or e.context_mark
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        return _raise(msg or str(e), mark)
    except yaml.YAMLError as e:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem(str(e), None, None) from e
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


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
