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


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch):
    """Rule-author diagnostics and `--help` in English (their message ids), here and in subprocesses:
    for the tests that assert English diagnostic prose (the suite runs in Russian otherwise)."""
    from legality import i18n

    before = i18n.language()
    monkeypatch.setenv("LEGALITY_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language(before)
