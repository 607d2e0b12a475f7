"""The house keeps its shape: every package imports only packages below it, and no module imports itself back.

Why a test: the layers (text → syntax → resolve → plan → eval → result → report, and a record
io → eval → result → report) are the architecture; an import that runs up a floor is how the old
`engine ⇄ eval ⇄ report ⇄ scan` circle grew.  Function-local imports count too — hiding an edge
inside a function does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "legality"

# lowest first; a unit may import its own floor and every floor below it
LAYERS: list[set[str]] = [
    {"__init__", "diagnostics", "paths", "resources", "cache", "i18n", "locale", "clock", "edition"},
    {"model"},
    {"words"},
    {"io", "law", "syntax", "result"},
    {"resolve"},
    {"plan"},
    {"lint"},
    {"eval"},
    {"driver"},
    {"engine", "report", "ruletest"},
    {"scan"},
    {"store"},
    {"lsp", "serve"},  # the language server; the review desk's web application (issue 16)
    {"commands"},
    {"cli"},
]
FLOOR = {unit: i for i, units in enumerate(LAYERS) for unit in units}
# units of one floor that must not know each other either
SIBLINGS_APART = [{"io", "law", "syntax", "result"}, {"engine", "report", "ruletest"}, {"lsp", "serve"}]


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        parts = ["legality", *p.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file (top level or inside functions)."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                mod = base[: len(base) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            else:
                mod = (node.module or "").split(".")
            if mod[0] != "legality":
                continue
            target = ".".join(mod)
            for alias in node.names:  # `from . import trace` imports a module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("legality"))
    return {m for m in found if m in modules}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in _imports(name, path, modules):
            if target != name:
                g.add_edge(name, target)
    return g


def test_every_unit_has_a_floor():
    units = {_unit(m) for m in _modules()}
    assert units - set(FLOOR) == set(), "a new package needs its place in LAYERS"


def test_no_import_runs_up_a_floor(graph):
    up = [(a, b) for a, b in graph.edges if FLOOR[_unit(b)] > FLOOR[_unit(a)]]
    assert up == [], "imports that run up a floor: " + ", ".join(f"{a} → {b}" for a, b in sorted(up))


def test_siblings_on_one_floor_do_not_import_each_other(graph):
    bad = [(a, b) for a, b in graph.edges
           for group in SIBLINGS_APART if _unit(a) in group and _unit(b) in group and _unit(a) != _unit(b)]
    assert bad == [], bad


def test_no_import_cycle(graph):
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c + [c[0]]) for c in cycles[:5])


def test_the_layer_test_sees_a_violation(tmp_path):
    """The checker itself: an import up a floor in a module is found (guards against a test that cannot fail)."""
    src = tmp_path / "legality" / "model"
    src.mkdir(parents=True)
    (src / "bad.py").write_text("from ..report.table import TableFormatter\n\ndef f():\n    from ..engine import Engine\n")
    found = _imports("legality.model.bad", src / "bad.py", {"legality.report.table": Path(), "legality.engine": Path()})
    assert found == {"legality.report.table", "legality.engine"}
    assert all(FLOOR[_unit(t)] > FLOOR["model"] for t in found)


def test_cli_glue_only_under_commands():
    """click (options, exit codes, echo) belongs to the command line; the library below it returns values or raises."""
    users = set()
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(m == "click" or m.startswith("click.") for m in mods):
                users.add(_unit(name))
    assert users <= {"commands", "cli"}, sorted(users)
