"""Where the grammar, the default rule pack and the law catalogue are read from.

Why not a path relative to the source tree: an installed wheel has no source tree.  The top-level
`grammar/` and `rules/` folders stay the single copy in the repository; building the wheel (setup.py)
copies them into the package as `legality/_data/`, found here beside this module (what
`importlib.resources.files("legality")` gives for a package installed as files, without importing
`importlib.resources` and the archive modules it pulls in on every start).  A checkout or an editable
install has no `_data/` and reads the top-level folders themselves.

Only packages installed as files are supported (pip always installs them so): the compiler walks
these folders with `pathlib`, so a zip import would need them extracted first.
"""

from __future__ import annotations

from pathlib import Path


def _data_root() -> Path:
    """`legality/_data` of an installed wheel, else the repository root of a checkout."""
    data = Path(__file__).parent / "_data"
    if data.is_dir():
        return data
    return Path(__file__).resolve().parents[2]


DATA_ROOT = _data_root()
GRAMMAR_FILE = DATA_ROOT / "grammar" / "legality.lark"
SANCTION_GRAMMAR_FILE = DATA_ROOT / "grammar" / "sanction.lark"  # the Code's sanction sentences
RULES_DIR = DATA_ROOT / "rules"
LAW_DIR = RULES_DIR / "law"
