"""Build hook: ship the top-level grammar/ and rules/ inside the package as `legality/_data/`.

Why a hook and not `package-data`: the design keeps grammar/ and rules/ at the top of the
repository, outside src/, and they must stay the single copy (no second one committed).  So they are
copied at build time into the build folder only; `legality.resources` finds them there in an
installed wheel and falls back to the top-level folders in a checkout or an editable install.
The sdist carries the two folders through MANIFEST.in, so a wheel built from the sdist gets them too.
Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA = ("grammar", "rules")  # top-level folders -> legality/_data/<name>


class build_py_with_data(build_py):  # noqa: N801 - setuptools command naming
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the top-level folders in place
        target = Path(self.build_lib) / "legality" / "_data"
        for name in DATA:
            src = HERE / name
            if not src.is_dir():
                raise SystemExit(f"setup.py: {src} is missing; build from the repository or its sdist")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_data})
