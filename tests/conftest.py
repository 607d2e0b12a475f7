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


# ---- the store on both engines (issue 16): `store_url` is a fresh store's --db, once per engine

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the session (tests/support/pg.py); skipped without binaries,
    except under CI=true, where the PostgreSQL half must run."""
    import os

    from support import pg

    got = pg.start()
    if isinstance(got, str):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs PostgreSQL for the store tests: {got}")
        pytest.skip(got)
    yield got
    got.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The store's engine of this test: "sqlite" or "postgresql" (every store test runs on both)."""
    return request.param


@pytest.fixture
def make_store_url(request, backend, tmp_path):
    """`make_store_url(name)`: the --db of a new, empty store on this test's engine (a file under
    tmp_path, or a fresh schema of the test server); several per test when it compares stores."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        return lambda name="legality": server.fresh()
    return lambda name="legality": str(tmp_path / f"{name}.db")


@pytest.fixture
def store_url(backend, make_store_url) -> str:
    """A fresh store's --db on each engine: a file path (SQLite) or a postgresql:// URL."""
    return make_store_url()
