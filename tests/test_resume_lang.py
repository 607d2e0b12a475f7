"""`scan --db --resume` does not carry an interrupted run's lines into a report in another language.

Why: a resumed run re-emits the lines the interrupted run had already stored, as they were written — in
the language of that run.  The rules' version does not depend on the language (the same rules speak
both), so without the language among the run's recorded parameters a run interrupted in Russian and
resumed with `--lang kk` would write a report half in Russian.  The language is now recorded with the
run, and a resume in another language starts a new run (as a resume with other rules does), with a
warning; a resume in the same language reattaches as before.
"""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from legality import i18n
from legality.cli import main
from legality.resources import RULES_DIR
from legality.store.db import connect
from support.synth import FIXTURES_DIR

BATCH = FIXTURES_DIR / "verdicts" / "planted" / "f01.jsonl"


@pytest.fixture(autouse=True)
def _keep_language():
    before = i18n.language()
    yield
    i18n.set_language(before)


def scan(db, out, lang: str):
    res = CliRunner().invoke(main, ["--lang", lang, "scan", str(BATCH), "--rules", str(RULES_DIR), "--db", str(db),
                                    "--resume", "-f", "jsonl", "-o", str(out), "-j", "1", "--no-progress"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


def interrupted_run(tmp_path, db, lang: str):
    """A completed run in `lang`, marked interrupted (its stored lines are what a resume re-emits)."""
    scan(db, tmp_path / "first.jsonl", lang)
    conn = connect(db)
    conn.execute("UPDATE runs SET status = 'interrupted', finished = NULL")
    conn.close()
    return db


def runs(db) -> list[tuple[int, int, str]]:
    conn = connect(db)
    try:
        return [(i, r, orjson.loads(o).get("lang")) for i, r, o in
                conn.execute("SELECT id, resumed, options FROM runs ORDER BY id").fetchall()]
    finally:
        conn.close()


def titles(out) -> list[str]:
    return [c["title"] for line in out.read_text(encoding="utf-8").splitlines() if line.strip()
            for c in orjson.loads(line).get("candidates", [])]


def test_resume_in_the_same_language_reattaches(tmp_path, store_url):
    db = interrupted_run(tmp_path, store_url, "ru")
    scan(db, tmp_path / "again.jsonl", "ru")
    assert runs(db) == [(1, 1, "ru")]


def test_resume_in_another_language_starts_a_new_run_in_that_language(tmp_path, store_url):
    db = interrupted_run(tmp_path, store_url, "ru")
    ru_titles = titles(tmp_path / "first.jsonl")
    res = scan(db, tmp_path / "kk.jsonl", "kk")
    assert [(i, r, lang) for i, r, lang in runs(db)] == [(1, 0, "ru"), (2, 0, "kk")]
    kk_titles = titles(tmp_path / "kk.jsonl")
    assert ru_titles and kk_titles and len(kk_titles) == len(ru_titles)
    assert not set(kk_titles) & set(ru_titles), "Russian lines replayed into the Kazakh report"
    # the warning says why, in the run's language
    assert "басқа тілде" in res.output and "другом языке" not in res.output
