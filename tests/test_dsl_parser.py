"""Parser golden tests, the parse∘print round trip, a fuzzer, and the sandbox guarantees.

Golden files: tests/dsl/good/NAME.legal → NAME.expected (the canonical printed form and the IR).
Refresh them with `LEGALITY_UPDATE_GOLDEN=1 pytest tests/test_dsl_parser.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legality.diagnostics import Diagnostic
from legality.driver import compile as compile_rules
from legality.law import Catalogue
from legality.syntax import ast as A
from legality.syntax.parser import parse_expr, parse_text
from legality.syntax.printer import expr as print_expr
from legality.syntax.printer import rule_file

GOOD = Path(__file__).parent / "dsl" / "good"
UPDATE = os.environ.get("LEGALITY_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


def _golden_text(path: Path, cat) -> str:
    text = path.read_text(encoding="utf-8")
    f, diags = parse_text(text, path.name)
    assert not diags, [d.header() for d in diags]
    u = compile_rules(sources={path.name: text}, catalogue=cat)
    errors = [d.header() for d in u.diags if d.is_error]
    assert not errors, errors
    out = ["# canonical form", rule_file(f), "# checked IR"]
    for name, fd in sorted(u.facts.items()):
        out.append(f"fact {name} [{fd.scope}] : {fd.type} = {fd.expr}")
    for rid in sorted(u.rules):
        out.append(u.rules[rid].dump())
    out.append("# evaluation order")
    out.append(" ".join(u.plan.order))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.legal")), ids=lambda p: p.stem)
def test_golden(path, catalogue):
    got = _golden_text(path, catalogue)
    expected = path.with_suffix(".expected")
    if UPDATE or not expected.exists():
        expected.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {expected.name} was missing and has been written; review and commit it")
    assert got == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.legal")), ids=lambda p: p.stem)
def test_print_parse_round_trip_of_files(path):
    f, _ = parse_text(path.read_text(encoding="utf-8"), "a.legal")
    g, diags = parse_text(rule_file(f), "a.legal")
    assert not diags and g.items == f.items


def test_spans_point_into_the_source():
    src = 'define x "метка" for offence =\n  offence.sentence.principal.term\n'
    f, _ = parse_text(src, "s.legal")
    d = f.defines[0]
    assert (d.span.line, d.span.column) == (1, 1)
    m = d.expr
    assert isinstance(m, A.Member) and (m.span.line, m.span.column) == (2, 3)
    assert m.span.end_column == 2 + len("offence.sentence.principal.term") + 1


# ---- property: printing any expression and parsing it back gives the same tree

names = st.sampled_from(["a", "b", "cap", "offence", "term_max"])
leaf = st.one_of(
    names.map(A.Name),
    st.integers(0, 999).map(A.Literal),
    st.tuples(st.integers(0, 30), st.integers(0, 11), st.integers(0, 29))
      .filter(lambda t: any(t)).map(lambda t: A.Literal(t, "term")),
    st.text(alphabet="абв xyz.0123", max_size=6).map(A.Literal),
    st.booleans().map(A.Literal),
    st.integers(1, 900).map(lambda n: A.Literal(n, "mrp")),
)


def _extend(children):
    bin_ops = st.sampled_from(["+", "-", "*", "/", "of", "and", "or", "=", "!=", "<", "<=", ">", ">=", "in", "not in"])
    return st.one_of(
        st.tuples(bin_ops, children, children).map(lambda t: A.Binary(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["not", "-"]), children).map(lambda t: A.Unary(t[0], t[1])),
        st.tuples(children, names).map(lambda t: A.Member(t[0], t[1])),
        st.tuples(children, st.booleans()).map(lambda t: A.Presence(t[0], t[1])),
        st.tuples(children, children, children).map(lambda t: A.If(*t)),
        st.tuples(st.sampled_from(["min", "max", "age"]), st.lists(children, min_size=1, max_size=3))
          .map(lambda t: A.Call(t[0], tuple(t[1]))),
        st.lists(children, max_size=3).map(lambda xs: A.SetLit(tuple(xs))),
        st.tuples(st.sampled_from(["any", "all", "count", "max"]), names, children, children)
          .map(lambda t: A.Quant(t[0], t[1], t[2], t[3])),
    )


exprs = st.recursive(leaf, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(exprs)
def test_print_parse_round_trip(e):
    text = print_expr(e)
    back, diags = parse_expr(text)
    assert not diags, (text, [d.header() for d in diags])
    assert back == e, text


# ---- fuzz: random and mutated rule text only ever yields diagnostics

SEED_TEXT = (GOOD / "quantifiers.legal").read_text(encoding="utf-8")
TOKENS = ["rule", "define", "for", "offence", "{", "}", "(", ")", "when", "violation", "message", '"x"', "a-b",
          "=", "<", "of", "3/4", "1 year", "law.", "law.unfinished.attempt_fraction", ".", ",", ":", "any p in",
          "fired(", "import", '"../../etc/passwd"', "__class__", "\n", " ", "#", "2023-13-45", "is missing",
          "offence.sanction.max(imprisonment)", "cite", '"УК РК ст.56 ч.3"', "severity high", "title"]


def _mutate(text: str, ops: list[tuple[int, int, str]]) -> str:
    for kind, pos, tok in ops:
        if not text:
            return tok
        i = pos % len(text)
        if kind == 0:
            text = text[:i] + tok + text[i:]
        elif kind == 1:
            text = text[:i] + text[i + 1 + len(tok) % 7:]
        else:
            j = (pos * 7) % len(text)
            text = text[:min(i, j)] + text[max(i, j):]
    return text


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.sampled_from(TOKENS)), min_size=1, max_size=6)
      .map(lambda ops: _mutate(SEED_TEXT, ops)),
    st.text(max_size=200),
))
def test_compiler_only_returns_diagnostics(catalogue, text):
    u = compile_rules(sources={"fuzz.legal": text}, catalogue=catalogue)
    assert all(isinstance(d, Diagnostic) for d in u.diags)
    # a rule set either compiles, or says why not with at least one error carrying a location
    if u.program is None:
        errors = [d for d in u.diags if d.is_error]
        assert errors and all(d.span is not None and d.span.line >= 1 for d in errors)


# ---- the sandbox: rule text cannot reach Python

SANDBOX = {
    '__import__("os")': "E108",
    'open("/etc/passwd")': "E110",
    "eval(1)": "E110",
    "exec(1)": "E110",
    "defendant.__class__": "E108",
    "defendant.__dict__": "E108",
    "verdict.model_dump": "E107",
    "offence.sanction.__init__": "E108",
    "getattr(defendant, 1)": "E110",
    "defendant._private": "E108",
}


@pytest.mark.parametrize("snippet,code", SANDBOX.items())
def test_rules_cannot_reach_python(catalogue, snippet, code):
    text = (f'rule s-x for offence {{\n title "x"\n severity low\n cite "УК РК ст.46"\n'
            f' violation {snippet} = 1\n message "x"\n}}\n')
    u = compile_rules(sources={"s.legal": text}, catalogue=catalogue)
    assert u.program is None
    assert code in {d.code for d in u.diags}, [d.header() for d in u.diags]


def test_import_cannot_leave_the_rules_directory(tmp_path, english):
    from legality.driver import run_stages
    from legality.resources import LAW_DIR

    rules = tmp_path / "rules"
    rules.mkdir()
    (tmp_path / "outside.legal").write_text("define stolen = 1\n", encoding="utf-8")
    (rules / "a.legal").write_text('import "../outside.legal"\n', encoding="utf-8")
    (rules / "law").symlink_to(LAW_DIR, target_is_directory=True)
    u = run_stages(rules)
    assert [d.code for d in u.diags if d.is_error] == ["E004"]
    assert "outside the rules directory" in u.diags[0].message
