"""The language server's answers, computed in-process from an analysis of the shipped rule set.

Why besides tests/test_lsp.py: the wire test proves the server speaks LSP; here the cases are many and
small (each completion context, UTF-16 columns, where a rule set starts, a rule with an error that still
answers hovers), and an analysis with the editor's unsaved text is made in a fraction of a second.
Nothing is written to the tree: unsaved texts are overlays.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lsprotocol")

from legality.diagnostics import Span  # noqa: E402
from legality.lsp import features as F  # noqa: E402
from legality.lsp.ruleset import RuleSet, find_root  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
UNFINISHED = RULES / "pack" / "unfinished.legal"
NEW = RULES / "pack" / "lsp-scratch.legal"  # never written: an unsaved new file of the set
SCRATCH = '''import "common.legal"

define scratch_cap "предел для примера" kk "мысалдың шегі" for offence =
  law.unfinished.attempt_fraction of sanction_max_imposed

rule scratch-example for offence {
  title "Пример" kk "Мысал"
  severity low
  cite "УК РК ст.56 ч.3", "УК РК ст.188 ч.2"
  let imposed "назначено" kk "тағайындалды" = offence.sentence.principal.amount
  when offence.stage = attempt
  when fired(attempt-term-cap)
  when same_unit(imposed, scratch_cap)
  violation imposed > scratch_cap
  message "Пример \\"в кавычках\\": {scratch_cap}." kk "Мысал: {scratch_cap}."
}
'''


@pytest.fixture(scope="module")
def rs() -> RuleSet:
    return RuleSet(RULES)


@pytest.fixture(scope="module")
def scratch(rs: RuleSet):
    a = rs.analyse({NEW: SCRATCH})
    return a, a.name_of(NEW)


def _at(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of `needle` plus `offset` characters."""
    i = text.index(needle) + offset
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


# ---- where a rule set starts


def test_the_rule_set_of_a_pack_file_is_the_rules_folder() -> None:
    assert find_root(UNFINISHED) == RULES.resolve()


@pytest.mark.parametrize("layout,file,root", [
    (["set/EDITION", "set/pack/a.legal"], "set/pack/a.legal", "set"),
    (["set/law/x.yaml", "set/sub/deeper/a.legal"], "set/sub/deeper/a.legal", "set"),
    (["loose/a.legal"], "loose/a.legal", "loose"),
    # a project's top ends the walk: a `law/` above it does not make a rule set of the whole project
    (["law/x.yaml", "proj/.git/HEAD", "proj/rules/a.legal"], "proj/rules/a.legal", "proj/rules"),
])
def test_find_root(tmp_path: Path, layout: list[str], file: str, root: str) -> None:
    for rel in layout:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    assert find_root(tmp_path / file) == tmp_path / root


# ---- positions in the client's units


@pytest.mark.parametrize("encoding,line,character,column", [
    ("utf-16", 'a "😀" b', 6, 6),  # the emoji is two UTF-16 units: character 6 is the `b`'s column 6 (1-based: 6)
    ("utf-32", 'a "😀" b', 5, 6),
    ("utf-8", 'a "😀" b', 8, 6),
    ("utf-16", "жаза b", 5, 6),  # Cyrillic: one unit each in UTF-16
    ("utf-8", "жаза b", 9, 6),
])
def test_client_columns(encoding: str, line: str, character: int, column: int) -> None:
    coder = F.Coder(encoding)
    assert coder.column(line, character) == column
    from legality.lsp.index import Lines

    pos = coder.position(Lines(line), 1, column)
    assert (pos.line, pos.character) == (0, character)


# ---- an unsaved file of the set


def test_an_unsaved_file_joins_the_set_without_errors(scratch) -> None:
    a, name = scratch
    assert name is not None
    assert [d for d in a.diags if d.span is not None and d.span.file == name] == []
    assert "scratch-example" in a.unit.rules


def test_definitions_of_facts_rules_lets_and_law_parameters(scratch) -> None:
    a, name = scratch
    cases = {
        "sanction_max_imposed": ("common.legal", "define sanction_max_imposed"),
        "attempt-term-cap": ("unfinished.legal", "rule attempt-term-cap"),
        "scratch_cap": ("lsp-scratch.legal", "define scratch_cap"),
    }
    for needle, (file, decl) in cases.items():
        line, col = _at(SCRATCH, needle, 2) if needle != "scratch_cap" else _at(SCRATCH, "> scratch_cap", 3)
        where = F.definition(a, name, line, col)
        assert where is not None, needle
        path, span = where
        assert path.name == file
        text = SCRATCH if file == "lsp-scratch.legal" else path.read_text(encoding="utf-8")
        assert span is not None and (span.line, span.column) == _at(text, decl, len(decl.split()[0]) + 1)
    path, span = F.definition(a, name, *_at(SCRATCH, "imposed >", 1))
    assert span is not None and (span.line, span.column) == _at(SCRATCH, "let imposed", 4)
    path, span = F.definition(a, name, *_at(SCRATCH, "attempt_fraction", 1))
    assert path.suffix == ".yaml" and span is not None
    assert "unfinished.attempt_fraction:" in path.read_text(encoding="utf-8").splitlines()[span.line - 1]


def test_a_name_inside_a_message_is_found_by_its_place(scratch) -> None:
    """Holes are found where they are written, after an escaped quote too (the parser gives them the
    message's span): hover and definition of the fact in `{scratch_cap}`."""
    a, name = scratch
    at = _at(SCRATCH, ": {scratch_cap}", 4)
    text, span = F.hover(a, name, *at)
    assert "scratch_cap" in text.split("\n")[0]
    assert (span.line, span.column, span.end_column) == (at[0], at[1] - 1, at[1] - 1 + len("scratch_cap"))
    path, decl = F.definition(a, name, *at)
    assert path.name == "lsp-scratch.legal" and decl is not None and decl.line == _at(SCRATCH, "define scratch_cap")[0]


def test_hover_on_a_citation_names_the_article(scratch) -> None:
    a, name = scratch
    text, _ = F.hover(a, name, *_at(SCRATCH, '"УК РК ст.188', 3))
    assert "ч.2 ст.188 УК РК" in text and "Кража" in text
    # the General Part has no sanctions: its title comes from the outline of the General Part (rules/law/outline/)
    text, _ = F.hover(a, name, *_at(SCRATCH, '"УК РК ст.56', 3))
    assert "ч.3 ст.56 УК РК" in text and "Назначение наказания за неоконченное преступление" in text


def test_hover_on_an_enum_value_and_a_let(scratch) -> None:
    a, name = scratch
    text, span = F.hover(a, name, *_at(SCRATCH, "= attempt", 3))
    assert "Stage.attempt" in text and "покушение" in text
    assert (span.line, span.column) == _at(SCRATCH, "attempt\n")
    text, _ = F.hover(a, name, *_at(SCRATCH, "imposed >", 1))
    assert "let imposed" in text and "offence.sentence.principal.amount" in text


def test_a_rule_with_an_error_still_answers_about_its_facts(rs: RuleSet) -> None:
    broken = SCRATCH.replace("severity low", "severity lowest")  # the rule yields no IR now
    a = rs.analyse({NEW: broken})
    name = a.name_of(NEW)
    assert "scratch-example" not in a.unit.rules
    assert any(d.span is not None and d.span.file == name for d in a.diags)
    text, _ = F.hover(a, name, *_at(broken, "> scratch_cap", 3))
    assert "fact `scratch_cap`" in text or "scratch_cap" in text.split("\n")[0]
    text, _ = F.hover(a, name, *_at(broken, "attempt_fraction", 1))
    assert "law.unfinished.attempt_fraction" in text


def test_diagnostics_carry_related_places(rs: RuleSet) -> None:
    dup = SCRATCH + '\ndefine imposed_amount "дубль" kk "қайталау" = 1\n'
    a = rs.analyse({NEW: dup})
    by_file, _ = a.diagnostics_by_file()
    e104 = [d for ds in by_file.values() for d in ds if d.code == "E104"]
    assert e104 and e104[0].related
    lsp = F.diagnostic(a, e104[0], F.Coder())
    assert lsp.code == "E104" and lsp.related_information
    assert lsp.related_information[0].location.uri.endswith(("common.legal", "lsp-scratch.legal"))


def test_symbols_are_the_rules_and_facts_in_order(scratch) -> None:
    a, name = scratch
    syms = F.symbols(a, name, F.Coder())
    assert [(s.name, s.kind) for s in syms] == [("scratch_cap", F.L.SymbolKind.Constant),
                                                ("scratch-example", F.L.SymbolKind.Function)]
    assert [c.name for c in syms[1].children or []] == ["imposed"]


# ---- completion by context


def _complete(a, name: str, line_text: str, replace: str = "  when offence.stage = attempt") -> list[str]:
    text = SCRATCH.replace(replace, line_text)
    line, _ = _at(SCRATCH, replace)
    return [i.label for i in F.complete(a, name, text, line, len(line_text) + 1)]


@pytest.mark.parametrize("typed,expected,absent", [
    ("  when offence.", {"stage", "sanction", "sanction_on", "scratch_cap"}, {"sex"}),
    ("  when defendant.", {"sex", "prior_convictions"}, {"stage"}),
    ("  when offence.sanction.", {"category", "max", "additional_max"}, {"stage"}),
    ("  when any p in defendant.prior_convictions: p.", {"category", "expunged"}, {"sex"}),
    ("  when imposed.", set(), {"stage"}),  # an amount has no members
    ("  when law.", {"unfinished", "age"}, {"stage"}),
    ("  when law.unfinished.", {"attempt_fraction", "preparation_fraction"}, {"age"}),
    ("  when Regime.", {"minimum", "medium", "maximum"}, {"attempt"}),
    ("  when offence.stage = ", {"completed", "attempt", "preparation"}, {"medium", "imposed"}),
    ("  when offence.sanction.category >= ", {"grave", "minor"}, {"attempt"}),
    ("  when offence.stage in {attempt, ", {"preparation"}, {"grave"}),
    ("  when sc", {"scratch_cap", "imposed", "offence", "sanction_max_imposed", "same_unit", "law"}, set()),
    ("  severity ", {"high", "medium", "low"}, {"offence"}),
    ("  overrides ", {"attempt-term-cap"}, {"scratch-example", "offence"}),
    ("  when fired(", {"attempt-term-cap"}, {"offence"}),
    ("  facts ", {"scratch_cap", "imposed", "sanction_max_imposed"}, {"offence"}),
    ("  ", {"when", "violation", "message", "facts"}, set()),
    ("  when offence.stage = attempt # offence.", set(), {"stage"}),  # a comment
    ('  message "offence.', set(), {"stage"}),  # a string
])
def test_completion(scratch, typed: str, expected: set[str], absent: set[str]) -> None:
    a, name = scratch
    got = set(_complete(a, name, typed))
    assert expected <= got, expected - got
    assert not (absent & got), absent & got


def test_completion_between_items_offers_the_top_keywords(scratch) -> None:
    a, name = scratch
    text = SCRATCH + "\n"
    line = text.count("\n") + 1
    assert {i.label for i in F.complete(a, name, text, line, 1)} == {"rule", "define", "import"}


def test_completion_after_a_fact_offers_the_top_keywords(scratch) -> None:
    a, name = scratch
    text = SCRATCH.replace("\nrule scratch-example", "\n\nrule scratch-example")
    line, _ = _at(text, "\n\nrule scratch-example", 1)
    assert {i.label for i in F.complete(a, name, text, line + 1, 1)} == {"rule", "define", "import"}


def test_completion_of_an_import_path(scratch) -> None:
    a, name = scratch
    text = 'import "' + SCRATCH.split("\n", 1)[1]
    labels = {i.label for i in F.complete(a, name, text, 1, len('import "') + 1)}
    assert "common.legal" in labels and "lsp-scratch.legal" not in labels


def test_a_span_without_an_end_covers_one_character() -> None:
    rng = F.Coder().range(None, Span("x", 3, 5))
    assert (rng.start.line, rng.start.character, rng.end.line, rng.end.character) == (2, 4, 2, 5)


def test_a_rule_file_in_the_home_folder_is_compiled_with_its_neighbours_only(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk up finds no rule set: the file's folder is the set — but not every file below a home folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "projects" / "other").mkdir(parents=True)
    (tmp_path / "projects" / "other" / "broken.legal").write_text("rule {", encoding="utf-8")
    (tmp_path / "beside.legal").write_text('define beside_fact "рядом" kk "қасында" = 1\n', encoding="utf-8")
    mine = tmp_path / "mine.legal"
    root = find_root(mine)
    assert root == tmp_path
    rs = RuleSet(root)
    assert rs.shallow
    a = rs.analyse({mine: "define mine_fact = beside_fact + 1\n"})
    assert sorted(Path(n).name for n in a.unit.sources) == ["beside.legal", "mine.legal"]
    assert [d.code for d in a.diags if d.is_error] == ["E101"]  # beside.legal is not imported: not visible
