"""Suite-wide setup: the per-user cache (parser tables, compiled rule packs) goes to a folder of this run.

Why: the suite must not read what an earlier run (or the user's own `legality`) left in `~/.cache`,
nor leave its own entries there; subprocesses inherit the variable, so the CLI tests share one
fresh cache (and compile the shipped pack once, not once per process).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEGALITY_CACHE_DIR", str(tmp_path_factory.mktemp("legality-cache")))
        mp.delenv("LEGALITY_NO_CACHE", raising=False)
        # the suite's expected texts are Russian: a developer's kk_KZ locale must not change them
        # (tests of the language choice set or remove it themselves, tests/test_i18n.py)
        mp.setenv("LEGALITY_LANG", "ru")
        yield
