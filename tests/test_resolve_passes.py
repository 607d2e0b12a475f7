"""The resolve passes one by one: enum inference returns new nodes, IR kinds are a closed table,
lints are a stage of their own over the IR, and rule text in memory takes the same stages as files.
"""

from __future__ import annotations

import dataclasses

import pytest

from legality.diagnostics import Span
from legality.driver import STAGES
from legality.driver import compile as compile_rules
from legality.law import Catalogue
from legality.lint import lint, unused_fact, unverified_law
from legality.model.enums import ENUMS
from legality.resolve import schema as S
from legality.resolve.errors import Fail, Reporter
from legality.resolve.infer import finish, resolve_enum
from legality.resolve.ir import Node, Op
from legality.resolve.names import PENDING
from legality.resolve.types import ANY, BOOL, SetT

AT = Span("t.legal", 3, 7)
HEAD = 'title "t"\n  cite "УК РК ст.46"\n  message "m"'


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


def rule(violation: str, *, rid: str = "a-b", severity: str = "low") -> str:
    return f"rule {rid} {{\n  {HEAD}\n  severity {severity}\n  violation {violation}\n}}\n"


def pending(name: str) -> Node:
    return Node(Op.ENUM, PENDING, AT, data=name, text=name)


def an_enum():
    """Some enum type of the schema and one of its values."""
    et = next(iter(S.ENUM_TYPES.values()))
    return et, next(iter(et.enum))


# ---- enum inference: new nodes, the old ones untouched

def test_resolve_enum_returns_a_new_typed_constant_and_leaves_the_bare_name_as_it_was():
    et, member = an_enum()
    bare = pending(member.name)
    typed = resolve_enum(bare, et, Reporter())
    assert typed is not bare
    assert (typed.op, typed.type, typed.data, typed.text) == (Op.LIT, et, member, member.name)
    assert (bare.op, bare.type, bare.data) == (Op.ENUM, PENDING, member.name)


def test_resolve_enum_of_a_set_rebuilds_the_set_and_its_items():
    et, member = an_enum()
    items = (pending(member.name),)
    s = Node(Op.SET, SetT("set", PENDING), AT, items)
    typed = resolve_enum(s, et, Reporter())
    assert typed.type == SetT("set", et) and typed.args[0].op is Op.LIT and typed.args[0].data is member
    assert s.type == SetT("set", PENDING) and s.args is items and items[0].op is Op.ENUM


def test_resolve_enum_reports_a_name_that_is_not_a_value_and_stops_the_expression():
    et, _ = an_enum()
    rep = Reporter()
    with pytest.raises(Fail):
        resolve_enum(pending("no_such_value_anywhere"), et, rep)
    assert [(d.code, d.span) for d in rep.diags] == [("E112", AT)]


def test_finish_decides_a_name_only_one_enum_has_and_rebuilds_only_the_path_to_it():
    counts: dict[str, int] = {}
    for e in ENUMS.values():
        for m in e:
            counts[m.name] = counts.get(m.name, 0) + 1
    name = next(n for n, k in sorted(counts.items()) if k == 1)
    lit = Node(Op.LIT, BOOL, AT, data=True)
    tree = Node(Op.AND, BOOL, AT, (lit, pending(name)))
    rep = Reporter()
    out = finish(tree, rep, lambda: [])
    assert rep.diags == []
    assert out is not tree and out.args[0] is lit and out.args[1].op is Op.LIT
    assert tree.args[1].op is Op.ENUM  # the input tree is unchanged
    assert finish(lit, rep, lambda: []) is lit  # nothing to decide: the same node back


def test_finish_reports_unknown_names_right_operand_first_and_types_them_any(english):
    tree = Node(Op.AND, BOOL, AT, (pending("zzz_left"), Node(Op.NOT, BOOL, AT, (pending("zzz_right"),))))
    rep = Reporter()
    out = finish(tree, rep, lambda: [])
    assert [d.message for d in rep.diags] == ["unknown name `zzz_right`", "unknown name `zzz_left`"]
    assert out.args[0].type == ANY and out.args[1].args[0].type == ANY


# ---- the IR node kinds

def test_node_kinds_are_a_closed_table_that_still_compares_as_text():
    n = Node("and", BOOL, AT)  # type: ignore[arg-type]
    assert n.op is Op.AND and n.op == "and" and {"and": 1}[n.op] == 1
    with pytest.raises(ValueError):
        Node("and_also", BOOL, AT)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        n.op = Op.OR  # type: ignore[misc]
    assert str(Node(Op.CMP, BOOL, AT, data="<")) == "(cmp '<' : bool)"


def test_every_kind_the_checker_produces_is_in_the_table(cat):
    u = compile_rules(catalogue=cat)
    seen: set[Op] = set()
    stack = [f.expr for f in u.facts.values()]
    for r in u.rules.values():
        stack += [c.expr for c in [*r.whens, *r.unlesses, r.violation]]
    while stack:
        n = stack.pop()
        assert type(n.op) is Op
        seen.add(n.op)
        stack.extend(n.args)
    assert {Op.FACT, Op.MEMBER, Op.QUANT, Op.LAW, Op.AND, Op.CMP, Op.LIT} <= seen


# ---- lints: their own stage, reading the IR

def test_lint_is_a_stage_after_the_plan_and_before_code():
    names = [n for n, _ in STAGES]
    assert names.index("check") < names.index("plan") < names.index("lint") < names.index("compile")


def test_w102_comes_from_the_lint_stage_through_facts_of_facts(cat):
    text = ("define reform = law.regime.reform_date\ndefine later = reform < verdict.verdict_date\n"
            + rule("later", severity="high"))
    u = compile_rules(sources={"t.legal": text}, catalogue=cat, until="plan")
    assert "W102" not in {d.code for d in u.diags}  # the checker no longer lints
    r = u.rules["a-b"]
    assert r.deps_law == frozenset() and u.facts["reform"].deps_law == {"regime.reform_date"}
    assert unverified_law.law_read(r, u.facts) == {"regime.reform_date"}
    diags = lint(u.facts, u.rules, cat, planned=True)
    assert [(d.code, d.span.line) for d in diags] == [("W102", 3)]
    low = compile_rules(sources={"t.legal": text.replace("severity high", "severity low")}, catalogue=cat)
    assert "W102" not in {d.code for d in low.diags}


def test_w201_only_on_a_rule_set_that_plans(cat, english):
    unused = "define unused_fact = 1\n" + rule("true")
    u = compile_rules(sources={"t.legal": unused}, catalogue=cat)
    assert [d.code for d in u.diags] == ["W201"] and u.program is not None
    assert [d.message for d in unused_fact.check(u.facts, u.rules)] == ["fact `unused_fact` is not used by any rule or fact"]
    cycle = "define unused_fact = 1\ndefine a = b + 1\ndefine b = a + 1\n" + rule("a > 1")
    u = compile_rules(sources={"t.legal": cycle}, catalogue=cat)
    assert [d.code for d in u.diags] == ["E201"]  # no "unused" talk about a rule set that does not compile


# ---- one driver: text in memory goes through the same stages as files

def test_sources_in_memory_see_only_what_they_import(cat):
    common = "define big = 3\n"
    uses = rule("big > 1")
    u = compile_rules(sources={"common.legal": common, "x.legal": 'import "common.legal"\n' + uses}, catalogue=cat)
    assert not [d for d in u.diags if d.is_error] and u.program is not None
    u = compile_rules(sources={"common.legal": common, "x.legal": uses}, catalogue=cat)
    assert [(d.code, d.span.file) for d in u.diags if d.is_error] == [("E101", "x.legal")]
    assert [name for name, _ in u.timings] == [name for name, _ in STAGES]


def test_sources_in_memory_resolve_imports_relative_to_the_importer(cat, english):
    uses = rule("big > 1")
    u = compile_rules(sources={"common.legal": "define big = 3\n", "sub/x.legal": 'import "../common.legal"\n' + uses},
                      catalogue=cat)
    assert not [d for d in u.diags if d.is_error]
    u = compile_rules(sources={"sub/x.legal": 'import "missing.legal"\n' + rule("true"),
                               "y.legal": 'import "../up.legal"\n' + rule("true", rid="c-d")}, catalogue=cat)
    assert [(d.span.file, d.message) for d in u.diags if d.code == "E004"] == [
        ("sub/x.legal", "import 'missing.legal': sub/missing.legal does not exist"),
        ("y.legal", "import '../up.legal': ../up.legal does not exist"),
    ]


def test_the_same_files_compile_alike_from_a_directory_and_from_memory(cat, tmp_path, monkeypatch):
    files = {"common.legal": "define big = 3\ndefine spare = 1\n",
             "x.legal": 'import "common.legal"\n' + rule("big > 1")}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    on_disk = compile_rules(".", catalogue=cat)
    in_memory = compile_rules(sources=files, catalogue=cat)
    assert [d.to_json() for d in on_disk.diags] == [d.to_json() for d in in_memory.diags]
    assert [d.code for d in in_memory.diags] == ["W201"]
    assert on_disk.program.version == in_memory.program.version
