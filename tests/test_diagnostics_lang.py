"""Diagnostics for rule authors in Russian, Kazakh and English, with hints for the slips a lawyer makes.

Why: rule authors are lawyers who read Russian (review ux-2026-12, user 2); every message and hint is
an English message id translated where it is made, the rendered frame (error/warning/hint) follows
the language, and the slips the review met (`100` for `100 mrp`, `"1"` for `1`, `==`, «МРП», «года»,
Russian keywords) are each located and told how to fix.  The slips are a table: source → code,
line:column and a part of the hint in each language.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from legality import i18n
from legality.cli import main
from legality.diagnostics import CODES, Diagnostic, Span
from legality.driver import compile as compile_rules
from legality.law import Catalogue

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "legality"
LEGALITY = str(Path(sys.executable).with_name("legality"))
HEAD = 'title "t"\n  severity low\n  cite "УК РК ст.46"\n  message "m"'


@pytest.fixture(scope="module")
def cat():
    return Catalogue.load()


@pytest.fixture
def lang_of_test():
    """Each test sets the language it needs; the suite's language comes back afterwards."""
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


def rule(violation: str, scope: str = "offence") -> str:
    """A rule whose `violation` is on line 6 (column 13 is the first character of the expression)."""
    return f"rule a-b for {scope} {{\n  {HEAD}\n  violation {violation}\n}}\n"


# id, rule file, code, (line, column) of the caret, a part of the hint in ru / kk / en
SLIPS = [
    ("number-for-amount", rule("offence.sentence.principal.amount < 100"), "E102", (6, 49),
     ("пишите `100 mrp`", "`100 mrp` деп жазыңыз", "write `100 mrp`")),
    ("number-for-term", rule("offence.sentence.principal.term > 5"), "E102", (6, 47),
     ("пишите `5 years`", "`5 years` деп жазыңыз", "write `5 years`")),
    ("quoted-number", rule('offence.part = "1"'), "E102", (6, 28),
     ("`offence.part` — число: пишите `1` без кавычек", "`offence.part` — сан: `1` деп тырнақшасыз",
      "`offence.part` is a number: write `1` without quotes")),
    ("unquoted-text", rule("offence.article = 190"), "E102", (6, 31),
     ('`offence.article` — текст: пишите `"190"` в кавычках', '`offence.article` — мәтін: `"190"` деп тырнақшамен',
      '`offence.article` is text: write `"190"` in quotes')),
    ("quoted-enum", rule('offence.sentence.principal.kind = "fine"'), "E102", (6, 47),
     ("пишется без кавычек: `fine`", "тырнақшасыз жазылады: `fine`", "written without quotes: `fine`")),
    ("number-for-enum", rule("offence.sentence.principal.kind = 1"), "E102", (6, 47),
     ("— имена, а не числа: ", "— сандар емес, атаулар: ", "are names, not numbers: ")),
    ("double-equals", rule("offence.part == 1"), "E001", (6, 26),
     ("равенство — одиночный `=`", "теңдік — жалғыз `=`", "equality is a single `=`")),
    ("c-and", rule("offence.part = 1 && offence.part = 2"), "E003", (6, 30),
     ("вместо `&&` пишется `and`", "`&&` орнына `and` деп", "writes `and` for `&&`")),
    ("c-or", rule("offence.part = 1 || offence.part = 2"), "E003", (6, 30),
     ("вместо `||` пишется `or`", "`||` орнына `or` деп", "writes `or` for `||`")),
    ("c-not", rule("!(offence.part = 1)"), "E003", (6, 13),
     ("вместо `!` пишется `not`", "`!` орнына `not` деп", "writes `not` for `!`")),
    ("not-equal-basic", rule("offence.part <> 1"), "E001", (6, 26),
     ("«не равно» пишется `!=`", "«тең емес» `!=` деп", "“not equal” is written `!=`")),
    ("capital-and", rule("offence.part = 1 AND offence.part = 2"), "E001", (6, 30),
     ("строчными: `and`", "кіші әріптермен жазылады: `and`", "keywords are lowercase: write `and`")),
    ("python-true", rule("True"), "E102", (6, 13),
     ("пишется `true`", "`true` деп жазылады", "writes `true` (lowercase)")),
    ("unit-МРП", rule("offence.sentence.principal.amount < 100 МРП"), "E003", (6, 53),
     ("`100 mrp`", "`100 mrp`", "`100 mrp`")),
    ("unit-мрп", rule("offence.sentence.principal.amount < 100 мрп"), "E003", (6, 53),
     ("`100 mrp`", "`100 mrp`", "`100 mrp`")),
    ("unit-года", rule("offence.sentence.principal.term > 3 года"), "E003", (6, 49),
     ("`3 years`", "`3 years`", "`3 years`")),
    ("unit-лет", rule("offence.sentence.principal.term > 5 лет"), "E003", (6, 49),
     ("`5 years`", "`5 years`", "`5 years`")),
    ("unit-месяцев", rule("offence.sentence.principal.term > 6 месяцев"), "E003", (6, 49),
     ("`6 months`", "`6 months`", "`6 months`")),
    ("unit-суток", rule("offence.sentence.principal.term > 10 суток"), "E003", (6, 50),
     ("`10 days`", "`10 days`", "`10 days`")),
    ("unit-часов", rule("offence.sentence.principal.amount > 200 часов"), "E003", (6, 53),
     ("`200 hours`", "`200 hours`", "`200 hours`")),
    ("keyword-если", "rule a-b for offence {\n  " + HEAD + "\n  если offence.part = 1\n  violation true\n}\n", "E003",
     (6, 3), ("пишите `when` вместо «если»", "«если» орнына `when`", "write `when` instead of «если»")),
    ("keyword-и", rule("offence.part = 1 и offence.part = 2"), "E003", (6, 30),
     ("пишите `and` вместо «и»", "«и» орнына `and`", "write `and` instead of «и»")),
    ("keyword-или", rule("offence.part = 1 или offence.part = 2"), "E003", (6, 30),
     ("пишите `or` вместо «или»", "«или» орнына `or`", "write `or` instead of «или»")),
    ("keyword-не", rule("не offence.part = 1"), "E003", (6, 13),
     ("пишите `not` вместо «не»", "«не» орнына `not`", "write `not` instead of «не»")),
    ("severity-средняя", "rule a-b for offence {\n  severity средняя\n}\n", "E003", (2, 12),
     ("здесь `medium`", "мұнда `medium`", "here `medium`")),
]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
@pytest.mark.parametrize("name,source,code,where,hints", SLIPS, ids=[s[0] for s in SLIPS])
def test_a_slip_is_located_and_hinted_in_each_language(cat, lang_of_test, lang, name, source, code, where, hints):
    lang_of_test(lang)
    u = compile_rules(sources={"x.legal": source}, catalogue=cat)
    found = [d for d in u.diags if d.is_error]
    assert found, name
    d = found[0]
    assert (d.code, (d.span.line, d.span.column)) == (code, where), d.render(u.sources)
    assert d.hint and hints[("ru", "kk", "en").index(lang)] in d.hint, d.render(u.sources)


def test_the_russian_unit_is_underlined_whole(cat, lang_of_test):
    lang_of_test("ru")
    u = compile_rules(sources={"x.legal": rule("offence.sentence.principal.term > 3 года")}, catalogue=cat)
    d = u.diags[0]
    assert (d.span.column, d.span.end_column) == (49, 53)
    assert "единица «года» написана по-русски" in d.message


def test_english_and_the_other_words_of_an_unknown_name(cat, lang_of_test):
    """`None`/`null` read as «the value is absent»; a typo still gets its did-you-mean."""
    lang_of_test("en")
    u = compile_rules(sources={"x.legal": rule("offence.part = None")}, catalogue=cat)
    assert u.diags[0].code == "E101" and "`x is missing`" in u.diags[0].hint
    u = compile_rules(sources={"x.legal": "define big = 1\n" + rule("bgi > 0")}, catalogue=cat)
    assert [(d.code, d.hint) for d in u.diags if d.is_error] == [("E101", "did you mean `big`?")]
    lang_of_test("ru")
    u = compile_rules(sources={"x.legal": "define big = 1\n" + rule("bgi > 0")}, catalogue=cat)
    assert [(d.code, d.message, d.hint) for d in u.diags if d.is_error] == [
        ("E101", "неизвестное имя `bgi`", "возможно, имелось в виду `big`?")]


# ---- the rendered frame

FRAME = {
    "ru": ("ошибка[E101]", "предупреждение[W201]", "  = подсказка: "),
    "kk": ("қате[E101]", "ескерту[W201]", "  = кеңес: "),
    "en": ("error[E101]", "warning[W201]", "  = hint: "),
}


@pytest.mark.parametrize("lang", sorted(FRAME))
def test_the_frame_is_in_the_language_and_the_json_keeps_its_machine_fields(lang_of_test, lang):
    lang_of_test(lang)
    err = Diagnostic("E101", "m", Span("x.legal", 1, 1), hint="h")
    warn = Diagnostic("W201", "m", Span("x.legal", 1, 1))
    error_word, warning_word, hint_word = FRAME[lang]
    assert err.header() == f"x.legal:1:1: {error_word}: m"
    assert hint_word + "h" in err.render({"x.legal": "x"})
    assert warn.header() == f"x.legal:1:1: {warning_word}: m"
    assert (err.to_json()["severity"], warn.to_json()["severity"]) == ("error", "warning")


def test_every_produced_code_is_in_the_table():
    """A code a diagnostic is made with is a code of `CODES` (the table the docs and the tests read)."""
    used = set()
    for f in SRC.rglob("*.py"):
        used |= set(re.findall(r'"([EW]\d{3})"', f.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()


# ---- every message and hint goes through the catalogue

_MADE_WITH = {"Diagnostic", "RuleFault", "err", "fail", "_related"}


def _words(node: ast.AST) -> bool:
    """True for text of our own words: a literal or f-string with letters (not `"{}: {}".format(path, why)`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[^\W\d_]", re.sub(r"\{[^{}]*\}", "", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    return False


def untranslated_diagnostics() -> list[str]:
    """`Diagnostic(…)`, `rep.err/fail(…)` calls whose message, hint or related label is text not passed through `_()`."""
    bad = []
    for f in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            code = node.args[0]
            if name not in _MADE_WITH or not (isinstance(code, ast.Constant) and str(code.value)[:1] in ("E", "W")):
                continue
            texts = [node.args[1], *node.args[3:4], *(k.value for k in node.keywords if k.arg == "hint")]
            for k in node.keywords:
                if k.arg == "related" and isinstance(k.value, ast.Tuple):
                    texts += [e.elts[0] for e in k.value.elts if isinstance(e, ast.Tuple) and e.elts]
            for t in texts:
                if _words(t):
                    bad.append(f"{f.relative_to(ROOT)}:{node.lineno}: {code.value}")
    return bad


def test_no_diagnostic_text_bypasses_the_catalogue():
    # the record errors E4xx are for prosecutors, written in Russian through `_()` as well
    assert untranslated_diagnostics() == []


def test_the_scanner_would_see_an_untranslated_message(tmp_path, monkeypatch):
    """The check above can fail: a plain f-string message is found."""
    pkg = tmp_path / "src" / "legality"
    pkg.mkdir(parents=True)
    (pkg / "x.py").write_text('d = Diagnostic("E101", f"unknown {n}", None)\nok = Diagnostic("E101", _("a"), None)\n',
                              encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SRC", pkg)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert untranslated_diagnostics() == ["src/legality/x.py:1: E101"]


MINE = ("src/legality/syntax/", "src/legality/resolve/", "src/legality/plan/", "src/legality/law/catalogue.py",
        "src/legality/driver.py", "src/legality/diagnostics.py", "src/legality/eval/env.py",
        "src/legality/lint/kazakh_text.py", "src/legality/lint/unused_fact.py", "src/legality/lint/unused_param.py",
        "src/legality/lint/unverified_law.py", "src/legality/commands/check.py")


def test_every_english_diagnostic_text_has_russian_and_kazakh():
    """The English ids of the compiler's messages and hints are in both compiled catalogues, placeholders kept."""
    pytest.importorskip("babel")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as T  # tools/i18n.py
    finally:
        sys.path.remove(str(ROOT / "tools"))
    found = {m: u for m, u in T.used_messages().items()
             if isinstance(m, str) and T.is_english(m) and T.has_words(m) and any(w.startswith(MINE) for w in u.where)}
    assert len(found) > 150
    report = T.check(found)
    assert report["missing"] == [] and report["placeholders"] == [] and report["conflicts"] == []


# ---- the language: --lang en, LEGALITY_LANG, the locale

def test_english_only_when_asked_for():
    assert i18n.default_language({"LANG": "en_US.UTF-8"}) == "ru"  # a Russian office's machine in English
    assert i18n.default_language({"LANG": "kk_KZ.UTF-8"}) == "kk"
    assert i18n.default_language({"LEGALITY_LANG": "en", "LANG": "kk_KZ.UTF-8"}) == "en"
    assert i18n.language_in_argv(["check", "--lang", "en"]) == "en"


def test_under_english_the_findings_stay_russian(lang_of_test):
    lang_of_test("en")
    assert i18n.text_language() == "ru"
    lang_of_test("kk")
    assert i18n.text_language() == "kk"


BAD = 'rule a-b for offence {\n  ' + HEAD + '\n  violation offence.sentence.principal.amount < 100\n}\n'


def _ruleset(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "rules"
    (d / "pack").mkdir(parents=True)
    (d / "pack" / "x.legal").write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize("args,env,expect", [
    (["--lang", "en"], {}, ("error[E102]: cannot compare: amount and whole number", "hint: an amount has a unit")),
    ([], {"LEGALITY_LANG": "en"}, ("error[E102]: cannot compare", "errors: 1, warnings: 0")),
    (["--lang", "ru"], {}, ("ошибка[E102]: нельзя сравнить: величина и целое число",
                            "подсказка: у величины есть единица: пишите `100 mrp`")),
    (["--lang", "kk"], {}, ("қате[E102]: салыстыруға болмайды", "кеңес: шаманың бірлігі бар: `100 mrp` деп жазыңыз")),
])
def test_check_speaks_the_language_asked_for(tmp_path, monkeypatch, args, env, expect):
    d = _ruleset(tmp_path, BAD)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = CliRunner().invoke(main, ["check", str(d), *args])
    assert r.exit_code == 2
    for part in expect:
        assert part in r.output, r.output
    assert ":6:49:" in r.output  # on the number, not on the whole comparison


def test_check_json_keeps_machine_fields_and_carries_the_language(tmp_path):
    d = _ruleset(tmp_path, BAD)
    r = CliRunner().invoke(main, ["check", str(d), "--format", "json", "--lang", "kk"])
    (diag,) = json.loads(r.stdout)
    assert (diag["code"], diag["severity"], diag["span"]["line"], diag["span"]["column"]) == ("E102", "error", 6, 49)
    assert diag["message"] == "салыстыруға болмайды: шама және бүтін сан"


def test_help_in_english_and_russian():
    env_run = [LEGALITY, "check", "--help"]
    en = subprocess.run([*env_run, "--lang", "en"], capture_output=True, text=True, check=True).stdout
    ru = subprocess.run([*env_run, "--lang", "ru"], capture_output=True, text=True, check=True).stdout
    assert "Compile and lint a rule set" in en and "Usage:" in en
    assert "Compile and lint a rule set" not in ru
    top = subprocess.run([LEGALITY, "--lang", "en", "--help"], capture_output=True, text=True, check=True).stdout
    assert "en (English)" in top


def test_the_warnings_of_a_compiled_pack_follow_the_language(tmp_path, lang_of_test):
    """The pack cache keeps a compile's warnings: a pack compiled in Russian must not answer in English."""
    from legality.engine import Engine

    d = _ruleset(tmp_path, "define unused_x = 1\n" + rule("offence.part = 1"))
    got = {}
    for lang in ("ru", "en", "ru"):
        lang_of_test(lang)
        engine, diags = Engine.compile(d / "pack", disk_cache=True)
        assert engine is not None and engine.lang == "ru"  # findings in Russian under `en` as well
        got.setdefault(lang, set()).add(tuple(x.message for x in diags))
    assert got == {"ru": {("факт `unused_x` не используется ни одним правилом или фактом",)},
                   "en": {("fact `unused_x` is not used by any rule or fact",)}}
