"""The types hold: mypy, with the configuration checked into pyproject.toml, finds no error in src/.

Why a test and not only a CI step: the README's test command is the one every change runs, so a
seam that slides back to `Any`, or a core module that loses an annotation, fails there first.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"

# the core packages (issue 12): compiler passes, evaluator, results, domain model, law
CORE = {"legality.syntax.*", "legality.resolve.*", "legality.plan.*", "legality.eval.*", "legality.result.*",
        "legality.model.*", "legality.law.*", "legality.lint.*", "legality.diagnostics", "legality.driver"}
# what `--strict` switches on per module; `strict = true` itself may not be used in an override
# (mypy applies it to every module: python/mypy#11401)
STRICT_FLAGS = {"disallow_any_generics", "disallow_subclassing_any", "disallow_untyped_calls", "disallow_untyped_defs",
                "disallow_incomplete_defs", "check_untyped_defs", "disallow_untyped_decorators", "warn_return_any",
                "no_implicit_reexport", "strict_equality", "extra_checks"}


def _config() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]


def test_core_packages_are_strict() -> None:
    cfg = _config()
    assert cfg["files"] == ["src/legality"]
    assert "strict" not in cfg, "global strict mode would also check the non-core packages strictly"
    strict = [o for o in cfg["overrides"] if STRICT_FLAGS <= {k for k, v in o.items() if v is True}]
    covered = {m for o in strict for m in ([o["module"]] if isinstance(o["module"], str) else o["module"])}
    assert CORE <= covered, f"not strict: {sorted(CORE - covered)}"
    assert not any("strict" in o for o in cfg["overrides"])


@pytest.mark.slow
def test_mypy_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)  # `files` in the configuration is relative to the checkout
    out, err, status = api.run(["--config-file", str(PYPROJECT), "--no-incremental", "--no-error-summary"])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 0 and not errors, "\n".join(errors or [out, err])
