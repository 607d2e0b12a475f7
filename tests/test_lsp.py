"""`legality lsp` driven as an editor drives it: a subprocess speaking JSON-RPC over stdin/stdout.

Why over the wire and not by calling the handlers: what an editor sees is the framing, the
capabilities announced at `initialize`, the notifications the server chooses to send and the positions
in LSP's 0-based UTF-16 units; only a real client catches a mistake in any of them.  One server for the
module (starting Python and compiling the pack once); a temporary copy of `rules/`, so nothing in the
tree changes; every wait bounded (tests/support/lspclient.py), so a hang fails instead of blocking CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from support.lspclient import Client  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LEGALITY = str(Path(sys.executable).with_name("legality"))
FILE = "rules/pack/unfinished.legal"
COMMON = "rules/pack/common.legal"
# two slips in one rule: an enum value misspelt (E112) and an unknown fact (E101)
BREAK = [("when offence.stage = preparation", "when offence.stage = preparaton"),
         ("violation imposed_amount > unfinished_cap", "violation imposed_amount > unfinished_capp")]


def _broken(text: str) -> str:
    for old, new in BREAK:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _pos(text: str, needle: str, offset: int = 0, nth: int = 0) -> dict[str, int]:
    """The LSP position of `needle` (its nth occurrence) plus `offset` characters (the pack is BMP text)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp")
    shutil.copytree(ROOT / "rules", root / "rules")
    return root


@pytest.fixture(scope="module")
def server(work: Path):
    env = {**os.environ, "LEGALITY_LANG": "ru"}
    c = Client([LEGALITY, "lsp", "--debounce", "50"], cwd=str(work), env=env, timeout=120)
    result = c.request("initialize", {"processId": os.getpid(), "rootUri": work.as_uri(), "capabilities": {},
                                      "initializationOptions": {"lang": "ru"}})
    c.capabilities = result["capabilities"]  # type: ignore[attr-defined]
    c.notify("initialized", {})
    yield c
    c.close()


def _open(c: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    c.clear()  # what earlier tests left unread must not answer this one's waits
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "legality", "version": 1,
                                                       "text": text}})
    return uri


def _published(c: Client, uri: str, where=lambda ds: True) -> dict[str, Any]:
    return c.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and where(p["diagnostics"]))


def _diagnostics(c: Client, uri: str, where=lambda ds: True) -> list[dict[str, Any]]:
    return _published(c, uri, where)["diagnostics"]


def test_initialize_announces_the_features(server: Client) -> None:
    caps = server.capabilities  # type: ignore[attr-defined]
    assert caps["hoverProvider"] and caps["definitionProvider"] and caps["documentSymbolProvider"]
    assert "." in caps["completionProvider"]["triggerCharacters"]
    assert caps["textDocumentSync"]["change"] == 2  # incremental


def test_diagnostics_are_those_of_check_then_cleared(server: Client, work: Path, tmp_path: Path) -> None:
    text = (work / FILE).read_text(encoding="utf-8")
    bad = _broken(text)
    # `legality check` on the same text, saved in a copy of the rule set, from the same working folder layout
    shutil.copytree(work / "rules", tmp_path / "rules")
    (tmp_path / FILE).write_text(bad, encoding="utf-8")
    run = subprocess.run([LEGALITY, "check", "rules", "--format", "json"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    expected = sorted((d["code"], d["span"]["line"] - 1, d["span"]["column"] - 1, d["span"]["end_line"] - 1,
                       d["span"]["end_column"] - 1) for d in json.loads(run.stdout) if d["span"]["file"] == FILE)
    assert {e[0] for e in expected} == {"E112", "E101"}

    uri = _open(server, work / FILE, bad)
    published = _published(server, uri, lambda ds: bool(ds))
    assert published["version"] == 1  # the version of the text analysed
    got = published["diagnostics"]
    assert sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
                   d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in got) == expected
    assert all(d["source"] == "legality" and d["severity"] == 1 for d in got)
    assert any("preparation" in d["message"] for d in got if d["code"] == "E112")  # the hint travels with it

    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": text}]})
    assert _published(server, uri, lambda ds: not ds)["version"] == 2
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_an_incremental_change_is_applied_and_checked(server: Client, work: Path) -> None:
    text = (work / FILE).read_text(encoding="utf-8")
    uri = _open(server, work / FILE, text)
    _diagnostics(server, uri, lambda ds: not ds)
    at = _pos(text, "when imposed_is_top_kind", len("when imposed_is_top_kind"))
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
        {"range": {"start": at, "end": at}, "text": "_x"}]})
    got = _diagnostics(server, uri, lambda ds: bool(ds))
    assert [d["range"]["start"] for d in got] == [_pos(text, "imposed_is_top_kind", nth=0)]
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [
        {"range": {"start": at, "end": {"line": at["line"], "character": at["character"] + 2}}, "text": ""}]})
    assert _diagnostics(server, uri, lambda ds: not ds) == []
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_a_change_in_one_file_shows_its_effect_in_the_others(server: Client, work: Path) -> None:
    """Renaming a fact in common.legal: the files that use it (not open) get their diagnostics, cleared again
    when the name comes back."""
    text = (work / COMMON).read_text(encoding="utf-8")
    assert "define imposed_amount " in text
    uri = _open(server, work / COMMON, text.replace("define imposed_amount ", "define imposed_amount_renamed ", 1))
    other = (work / FILE).as_uri()
    got = _diagnostics(server, other, lambda ds: bool(ds))
    assert "E101" in {d["code"] for d in got}  # unknown name (and the type errors it causes)
    unfinished = (work / FILE).read_text(encoding="utf-8")
    assert _pos(unfinished, "imposed_amount") in [d["range"]["start"] for d in got]
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": text}]})
    assert _diagnostics(server, other, lambda ds: not ds) == []
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@pytest.fixture(scope="module")
def opened(server: Client, work: Path) -> dict[str, tuple[str, str]]:
    """The rule file and common.legal open, clean."""
    out = {}
    for rel in (FILE, COMMON):
        text = (work / rel).read_text(encoding="utf-8")
        out[rel] = (_open(server, work / rel, text), text)
    return out


def _hover(c: Client, uri: str, pos: dict[str, int]) -> str:
    res = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
    assert res is not None, pos
    return res["contents"]["value"]


def test_hover_on_a_fact_shows_its_definition(server: Client, opened) -> None:
    uri, text = opened[FILE]
    value = _hover(server, uri, _pos(text, "when imposed_is_top_kind", len("when imp")))
    assert "imposed_is_top_kind" in value
    assert "define imposed_is_top_kind" in value  # its source text
    assert "common.legal:" in value  # and where it is


def test_hover_on_a_law_parameter_shows_value_edition_and_citation(server: Client, opened) -> None:
    uri, text = opened[COMMON]
    value = _hover(server, uri, _pos(text, "law.age.adult", len("law.age.a")))
    assert "law.age.adult" in value
    assert "**18**" in value  # the value in force today
    assert "ст.80" in value  # its citation
    assert "01.01.2015" in value  # its editions


def test_hover_on_a_record_field_shows_its_type_and_words(server: Client, opened) -> None:
    uri, text = opened[FILE]
    value = _hover(server, uri, _pos(text, "offence.stage", len("offence.st")))
    assert "Offence.stage" in value and "Stage" in value and "стадия" in value


def test_definition_of_a_fact_is_its_define_line(server: Client, opened, work: Path) -> None:
    uri, text = opened[FILE]
    res = server.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _pos(text, "when imposed_is_top_kind", 8)})
    loc = res[0] if isinstance(res, list) else res
    common = (work / COMMON).read_text(encoding="utf-8")
    assert loc["uri"] == (work / COMMON).as_uri()
    assert loc["range"]["start"] == _pos(common, "define imposed_is_top_kind", len("define "))


def test_definition_of_an_import_is_the_imported_file(server: Client, opened, work: Path) -> None:
    uri, text = opened[FILE]
    res = server.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _pos(text, 'import "common.legal"', 10)})
    loc = res[0] if isinstance(res, list) else res
    assert loc["uri"] == (work / COMMON).as_uri()


def _labels(c: Client, uri: str, text: str, line_text: str) -> list[str]:
    """Completion labels at the end of `line_text`, typed over the line that holds `when imposed_is_top_kind`."""
    at = _pos(text, "  when imposed_is_top_kind")
    old_end = {"line": at["line"], "character": len(text.splitlines()[at["line"]])}
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 10}, "contentChanges": [
        {"range": {"start": at, "end": old_end}, "text": line_text}]})
    try:
        res = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                    "position": {"line": at["line"], "character": len(line_text)}})
    finally:
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 11},
                                            "contentChanges": [{"text": text}]})
    items = res["items"] if isinstance(res, dict) else res
    return [i["label"] for i in items]


def test_completion_of_fields_facts_and_enum_values(server: Client, opened) -> None:
    uri, text = opened[FILE]
    fields = _labels(server, uri, text, "  when offence.")
    assert {"stage", "committed_on", "sentence", "sanction"} <= set(fields)
    assert "imposed_is_top_kind" in fields  # an offence-level fact read through the offence
    assert "sentence_kind" not in fields  # a field of another record
    names = _labels(server, uri, text, "  when imp")
    assert "imposed_is_top_kind" in names and "offence" in names
    values = _labels(server, uri, text, "  when offence.stage = ")
    assert set(values) == {"completed", "attempt", "preparation"}
    law = _labels(server, uri, text, "  when law.unfinished.")
    assert "attempt_fraction" in law


def test_document_symbols_list_the_rules_of_the_file(server: Client, opened) -> None:
    from legality.syntax.parser import parse_text

    uri, text = opened[FILE]
    tree, _ = parse_text(text, FILE)
    assert tree is not None
    res = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in res] == [r.id for r in tree.rules]
    first = res[0]
    assert first["selectionRange"]["start"] == _pos(text, "rule " + first["name"], len("rule "))


def test_without_pygls_the_command_says_what_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['pygls'] = None\n"
            "from legality.cli import main\n"
            "sys.argv = ['legality', 'lsp']\n"
            "main()\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "LEGALITY_LANG": "ru"})
    assert run.returncode == 2
    assert "pip install 'legality[lsp]'" in run.stderr and "установите" in run.stderr


def test_a_bad_tcp_address_is_a_usage_error() -> None:
    run = subprocess.run([LEGALITY, "lsp", "--tcp", "nowhere"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "HOST:PORT" in run.stderr


def test_the_client_chooses_the_language(tmp_path: Path) -> None:
    """`initializationOptions.lang` wins over LEGALITY_LANG: diagnostics and hovers in Kazakh."""
    (tmp_path / "EDITION").write_text("2026-01-01\n", encoding="utf-8")  # a rule set of its own
    text = ('define adult_age "возраст совершеннолетия" kk "кәмелетке толу жасы" = law.age.adult\n'
            "define next_age = adult_age + unknown_thing\n")
    c = Client([LEGALITY, "lsp", "--debounce", "50"], cwd=str(tmp_path), env={**os.environ, "LEGALITY_LANG": "ru"},
               timeout=120)
    try:
        c.request("initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {},
                                 "initializationOptions": {"lang": "kk"}})
        c.notify("initialized", {})
        uri = _open(c, tmp_path / "x.legal", text)
        got = _diagnostics(c, uri, lambda ds: bool(ds))
        assert [d["code"] for d in got] == ["E101"]
        assert "белгісіз" in got[0]["message"]  # the compiler's words, in Kazakh
        value = _hover(c, uri, _pos(text, "= adult_age", 3))
        assert "`adult_age` фактісі" in value and "кәмелетке толу жасы" in value
    finally:
        c.close()
