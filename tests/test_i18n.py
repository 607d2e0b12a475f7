"""The tool's own text in Russian and Kazakh: catalogues, `--lang`, `--help`, click's words, workers (issue 14, item 2).

Why these tests: a translation that silently falls back to its id is invisible until a Kazakh
prosecutor reads English or Russian in the middle of a Kazakh screen.  So the catalogue is checked
against the code (every id extracted by Babel has a Kazakh translation, every English id a Russian
one too), the compiled `.mo` against the `.po` files, and the command line end to end: the help of
every command in both languages must carry no English word, click's own errors must follow `--lang`,
and worker processes must write the same bytes as the main process in the run's language.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from legality import cli, i18n
from support.fakes import FakeEngine

ROOT = Path(__file__).resolve().parents[1]
LEG = str(Path(sys.executable).with_name("legality"))
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = mod
    spec.loader.exec_module(mod)
    return mod


T = _tool()


@pytest.fixture(scope="module")
def used():
    return T.used_messages()


@pytest.fixture(scope="module")
def report(used):
    return T.check(used)


@pytest.fixture(autouse=True)
def _ru_after(monkeypatch):
    monkeypatch.setenv("LEGALITY_LANG", "ru")
    yield
    i18n.set_language("ru")


# ---- the catalogues


@pytest.mark.parametrize("lang", T.LANGS)
def test_the_committed_mo_is_a_fresh_compile_of_the_po_files(lang):
    built, problems = T.compile_all(write=False)
    assert not problems
    assert T.mo_path(lang).read_bytes() == built[lang], "stale catalogue: run python tools/i18n.py compile"


def test_compiling_twice_gives_the_same_bytes():
    assert T.compile_all(write=False)[0] == T.compile_all(write=False)[0]


def test_every_message_of_the_code_and_help_has_its_translations(report):
    assert report["missing"] == [], "\n".join(report["missing"])


def test_a_translation_keeps_the_placeholders_of_its_id(report):
    assert report["placeholders"] == [], "\n".join(report["placeholders"])


def test_no_kazakh_text_is_left_in_russian_unless_marked(report):
    assert report["untranslated"] == [] and report["conflicts"] == [], \
        "\n".join(report["untranslated"] + report["conflicts"])


def test_extraction_sees_code_help_and_click(used):
    origins = {u.origin for u in used.values()}
    assert origins == {"code", "help", "click"}
    assert "Show this message and exit." in used and "Missing option" in used
    assert cli.LANG_HELP in used
    assert any(w.startswith("src/legality/templates/") for u in used.values() for w in u.where)  # Jinja too


@pytest.mark.parametrize("msgid, text, ok", [
    ("Записей: {n}", "Жазбалар: {n}", True),
    ("Записей: {n}", "Жазбалар: {count}", False),
    ("{name!r} is not {choice}.", "{name!r} — {choice} емес.", True),
    ("%(prog)s, version %(version)s", "%(prog)s %(version)s", True),
    ("%(prog)s, version %(version)s", "%(prog)s", False),
    ("{{literal}} {n}", "{{буквально}} {n}", True),
])
def test_placeholders_are_compared_by_name(msgid, text, ok):
    assert (T.placeholders(msgid) == T.placeholders(text)) is ok


def test_an_entry_flagged_same_may_equal_its_russian_id(tmp_path, monkeypatch):
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "x.po").write_text('#, same\nmsgid "УК РК"\nmsgstr "УК РК"\n\n'
                                          'msgid "приговор"\nmsgstr "приговор"\n', encoding="utf-8")
    (tmp_path / "ru").mkdir()
    monkeypatch.setattr(T, "LOCALE", tmp_path)
    found = {m: T.Used(m, ["x.py:1"]) for m in ("УК РК", "приговор")}
    rep = T.check(found)
    assert rep["untranslated"] == ["kk x.po: 'приговор' (mark `#, same` if intended)"]


def test_two_fragments_translating_one_id_differently_is_a_conflict(tmp_path, monkeypatch):
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "a.po").write_text('msgid "Суд"\nmsgstr "Сот"\n', encoding="utf-8")
    (tmp_path / "kk" / "b.po").write_text('msgid "Суд"\nmsgstr "Сот органы"\n', encoding="utf-8")
    monkeypatch.setattr(T, "LOCALE", tmp_path)
    _, problems = T.read_fragments("kk")
    assert problems and "a.po" in problems[0] and "b.po" in problems[0]


def test_plural_forms_follow_each_language(tmp_path):
    """click's plural messages: Russian needs three forms (1 аргумент, 2 аргумента, 5 аргументов)."""
    import gettext

    entry = T.Entry(("One {n}", "Many {n}"), ("{n} один", "{n} два", "{n} пять"), frozenset(), "x.po")
    path = tmp_path / "ru.mo"
    path.write_bytes(T.mo_bytes("ru", {entry.msgid: entry}))
    with path.open("rb") as fh:
        tr = gettext.GNUTranslations(fh)
    assert [tr.ngettext("One {n}", "Many {n}", n) for n in (1, 2, 5, 21, 22, 11)] == \
        ["{n} один", "{n} два", "{n} пять", "{n} один", "{n} два", "{n} пять"]


# ---- choosing the language


@pytest.mark.parametrize("argv, lang", [
    (["--lang", "kk", "scan", "x"], "kk"),
    (["scan", "x", "--lang=kk"], "kk"),
    (["scan", "--lang", "KK"], "kk"),
    (["--lang", "kk", "scan", "--lang", "ru"], "ru"),   # the last one wins, as click does
    (["--lang", "de"], None),                          # not a language: click rejects it in words
    (["scan", "--", "--lang", "kk"], None),            # after `--` it is an argument
    (["--lang"], None),
    (["scan", "--language", "kk"], None),
])
def test_lang_is_read_from_argv_before_click_parses(argv, lang):
    assert i18n.language_in_argv(argv) == lang


@pytest.mark.parametrize("env, lang", [
    ({"LEGALITY_LANG": "kk", "LANG": "ru_RU.UTF-8"}, "kk"),
    ({"LEGALITY_LANG": "xx", "LANG": "kk_KZ.UTF-8"}, "kk"),
    ({"LANG": "kk_KZ.UTF-8"}, "kk"),
    ({"LC_ALL": "ru_RU.UTF-8", "LANG": "kk_KZ.UTF-8"}, "ru"),
    ({"LANG": "en_US.UTF-8"}, "ru"),
    ({"LANG": "C.UTF-8"}, "ru"),
    ({}, "ru"),
])
def test_the_default_comes_from_legality_lang_then_the_locale(env, lang):
    assert i18n.default_language(env) == lang


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli.main, list(args), env=env, prog_name="legality")


def test_lang_before_or_after_the_command_and_from_the_environment_agree():
    glob = run("--lang", "kk", "scan", "--help").output
    after = run("scan", "--help", "--lang", "kk").output
    env = run("scan", "--help", env={"LEGALITY_LANG": "kk"}).output
    assert glob == after == env
    assert KAZAKH_LETTERS.search(glob) and "Қолданылуы: legality scan" in glob
    ru = run("scan", "--help", "--lang", "ru", env={"LEGALITY_LANG": "kk"}).output
    assert "Использование: legality scan" in ru and not KAZAKH_LETTERS.search(ru.split("Параметры:")[0])


def test_a_bad_language_is_refused_in_the_current_language():
    res = run("--lang", "de", "rules")
    assert res.exit_code == 2
    assert "Недопустимое значение '--lang'" in res.output and "'de'" in res.output


def test_clicks_own_errors_follow_the_language():
    """The review's «Error: Missing option '--reason'» among Russian text."""
    ru = run("review", "dismiss", "abcdef12")
    kk = run("--lang", "kk", "review", "dismiss", "abcdef12")
    assert ru.exit_code == kk.exit_code == 2
    assert "Ошибка: Не указан параметр '--reason'." in ru.output
    assert "Қате: Көрсетілмеген параметр '--reason'." in kk.output
    assert "Error" not in ru.output + kk.output and "Usage" not in ru.output + kk.output
    assert "Нет такого параметра: '--nope'." in run("rules", "--nope").output
    assert "Мұндай команда жоқ: 'nope'." in run("--lang", "kk", "nope").output


def test_every_click_module_translates_through_our_catalogue():
    """If a click release renames its gettext hooks, this fails instead of English creeping back."""
    import gettext

    for name in cli._CLICK_MODULES:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        assert getattr(mod, "_", i18n._) is not gettext.gettext, name
        assert getattr(mod, "ngettext", i18n.ngettext) is not gettext.ngettext, name


def test_the_language_is_restored_after_a_run():
    i18n.set_language("ru")
    run("--lang", "kk", "rules", "--help")
    assert i18n.language() == "ru"


# ---- --help without English

# Latin words a help text may carry: names of formats, files, programs, environment variables and
# values typed on the command line (option names, metavars and code are stripped before).
ALLOWED = {
    "legality", "jsonl", "json", "csv", "html", "sarif", "table", "xlsx", "text", "md", "docx", "markdown",
    "Markdown", "Word", "Excel", "SQLite", "JSON", "JSONL", "CSV", "HTML", "SARIF", "DOT", "Graphviz", "Schema",
    "draft", "Dask", "FIFO", "CI", "UUID", "stdin", "stdout", "stderr", "tab", "local", "tcp", "host", "dev",
    "fd", "gzip", "gz", "kk", "ru", "en", "high", "medium", "low", "batch", "row", "clean", "new", "known",
    "dismissed", "confirmed", "resolved", "violation", "boundary", "not_applicable", "case_id", "legal",
    "ndjson", "yaml", "adilet", "zan", "kz", "show", "status", "diff", "import", "export", "list", "dismiss",
    "confirm", "path", "clear", "scan", "explain", "review", "rules", "test", "tests", "law", "docs",
    "protest", "report", "summary", "decisions", "candidates", "fixtures", "hodataistvo", "other", "office",
    "db", "case", "xml", "pdf", "cache", "check", "fmt", "graph", "runs", "stats", "schema", "validate",
    "verdict", "decision", "scale", "XDG_CACHE_HOME", "LEGALITY_CACHE_DIR", "LEGALITY_LANG",
    "LEGALITY_NO_CACHE", "RULES_DIR", "attempt", "term", "cap", "x", "r", "e", "g", "N", "A", "B", "home",
    "cases", "protests", "pack", "LibreOffice", "unified",  # "unified diff": a format name
    "rule",  # `legality new rule`: a command name
    "compare",  # `legality compare`: a command name
    "lsp",  # `legality lsp`: a command name (and the `lsp` extra)
    # `legality serve` (issue 16): the --auth values, the header's name, the store's URL schemes
    "serve", "header", "none", "Remote", "User", "sqlite", "postgresql", "PostgreSQL", "users", "add", "reviewer",
    "head",
    # `legality users` (issue 16): its subcommands
    "password", "role", "remove",
}
CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|(?<!\w)--?[\w-]+|(?<!\w)~?[\w-]*(?:[./][\w-]+)+/?|(?<!\w)[\w-]+/|\$\w+|<[^>]*>"
                  r"|\b\w*\d\w*\b")  # quoted, option names, paths and files, variables, numbers and hex prefixes
METAVAR = re.compile(r"^[A-Z][A-Z0-9_]*$")


def english_words(text: str) -> set[str]:
    out = set()
    text = re.sub(r"-\n\s+", "-", text)           # an option name wrapped at its hyphen (--new-\n only)
    text = re.sub(r"\[[\w|,.-]*\]", " ", text)   # choices and extras: [ast|ir|plan], [dask]
    for line in text.splitlines():
        line = CODE.sub(" ", line)
        for word in re.findall(r"[A-Za-z][A-Za-z_]*", line):
            if word not in ALLOWED and not METAVAR.match(word):
                out.add(word)
    return out


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = [[]]
    for name, cmd in sorted(cli.discover().items()):
        paths.append([name])
        if isinstance(cmd, click.Group):
            paths += [[name, sub] for sub in sorted(cmd.commands)]
    return paths


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "legality")
def test_help_has_no_english_words(lang, path):
    res = run("--lang", lang, *path, "--help")
    assert res.exit_code == 0, res.output
    assert english_words(res.output) == set(), res.output
    if lang == "kk":
        assert KAZAKH_LETTERS.search(res.output), res.output


def number_options() -> list[tuple[list[str], str]]:
    """Every option of the command tree that takes a number: (command path, its first option name)."""
    out = []
    commands = cli.discover()
    for path in command_paths():
        if not path:
            continue
        cmd = commands[path[0]]
        if len(path) > 1:
            assert isinstance(cmd, click.Group)
            cmd = cmd.commands[path[1]]
        for p in cmd.params:
            if isinstance(p, click.Option) and isinstance(p.type, (click.types.IntParamType, click.types.FloatParamType)):
                out.append((path, p.opts[0]))
    return out


def test_the_number_options_are_found():
    found = {(" ".join(path), opt) for path, opt in number_options()}
    assert {("scan", "--jobs"), ("scan", "--min-coverage"), ("law show", "--item"), ("serve", "--port")} <= found


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("path,opt", number_options(), ids=lambda x: " ".join(x) if isinstance(x, list) else x)
def test_a_number_option_refuses_a_word_in_the_language_of_the_run(lang, path, opt):
    """«'abc' — не integer range»: click named the number type in English inside a Russian error."""
    res = run("--lang", lang, *path, opt, "abc")
    assert res.exit_code == 2, res.output
    assert "'abc'" in res.output, res.output
    assert english_words(res.output) == set(), res.output
    assert ("целое число" in res.output or "не число" in res.output) if lang == "ru" else "сан емес" in res.output


def test_an_integer_option_says_it_wants_a_whole_number():
    assert "'1.5' — не целое число." in run("scan", "--jobs", "1.5", "fixtures").output
    assert "'1.5' — бүтін сан емес." in run("--lang", "kk", "scan", "--jobs", "1.5", "fixtures").output


def test_the_english_detector_sees_english():
    assert english_words("Show this message and exit.  [default: 1]") == {"Show", "this", "message", "and", "exit",
                                                                          "default"}
    assert english_words("  -o, --output FILE  Записать в FILE; `legality rules`") == set()


# ---- workers run in the run's language


def test_the_spec_carries_the_language_of_the_run():
    from legality.report.base import FormatOptions
    from legality.scan.pipeline import Spec

    i18n.set_language("kk")
    assert Spec.of("jsonl", FormatOptions(), include_all=False, state=False).lang == "kk"


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_workers_render_in_the_language_of_the_run(start_method):
    """A spawned worker starts in the default language; the run's language must travel with the work."""
    from test_worker_bytes import batch, scan

    i18n.set_language("kk")
    raws = batch(300)
    one, _ = scan(raws, "jsonl", jobs=1, engine=LangEngine(), factory=lang_factory)
    two, _ = scan(raws, "jsonl", jobs=2, engine=LangEngine(), factory=lang_factory, start_method=start_method,
                  chunk=50)
    assert b'"title":"kk ' in one
    assert one == two


def lang_factory(rules_dir):
    return LangEngine()


class LangEngine(FakeEngine):
    """Titles its candidates with the language it runs in."""

    def evaluate(self, verdict, **kw):
        ev = super().evaluate(verdict, **kw)
        ev.candidates[:] = [dataclasses.replace(c, title=f"{i18n.language()} {c.title}") for c in ev.candidates]
        return ev


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_jobs_2_in_kazakh_gives_the_bytes_of_jobs_1(tmp_path, fmt):
    env = {**os.environ, "LEGALITY_LANG": "ru"}
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"{jobs}.{fmt}"
        p = subprocess.run([LEG, "--lang", "kk", "scan", str(ROOT / "fixtures" / "verdicts"), "-f", fmt, "-j", jobs,
                            "--no-progress", "-o", str(out)], capture_output=True, env=env, cwd=tmp_path)
        assert p.returncode in (0, 1), p.stderr.decode()
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0]


@pytest.mark.slow
def test_the_wheel_ships_the_catalogues(tmp_path):
    """The CI builds a wheel and runs it from another folder: the `.mo` files must be inside."""
    import shutil
    import zipfile

    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "_data",
                                                              "build", "dist", "*.db", "bench", "tests"))
    dist = tmp_path / "dist"
    p = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(tree)],
                       capture_output=True)
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    (wheel,) = dist.glob("legality-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    assert {f"legality/locale/{lang}/LC_MESSAGES/legality.mo" for lang in T.LANGS} <= names
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    code = "import sys; from legality.cli import main; sys.argv[0] = 'legality'; main()"
    res = subprocess.run([sys.executable, "-c", code, "--lang", "kk", "rules", "--help"], cwd=tmp_path, env=env,
                         capture_output=True)
    assert res.returncode == 0 and "Қолданылуы:" in res.stdout.decode(), res.stderr.decode()


# ---- the tool's own text


def test_every_record_error_of_the_invalid_fixtures_is_in_kazakh():
    """validate's lines keep their place (file:line: case: field) and change their message with --lang."""
    ru = run("--lang", "ru", "validate", str(ROOT / "fixtures" / "invalid"))
    kk = run("--lang", "kk", "validate", str(ROOT / "fixtures" / "invalid"))
    assert ru.exit_code == kk.exit_code == 1
    ru_lines, kk_lines = ru.output.splitlines(), kk.output.splitlines()
    assert len(ru_lines) == len(kk_lines) > 20
    for r, k in zip(ru_lines[:-1], kk_lines[:-1]):
        place = re.match(r"\S+:\d+: (case \S+: )?([\w.\[\]$]+: )?", r).group(0)
        assert k.startswith(place) and k[len(place):] != r[len(place):], (r, k)
    assert kk_lines[-1].startswith("жазбалар: ") and ru_lines[-1].startswith("записей: ")


def test_a_store_message_follows_the_language(tmp_path):
    missing = tmp_path / "none.db"
    kk = run("--lang", "kk", "runs", "--db", str(missing))
    ru = run("runs", "--db", str(missing))
    assert kk.exit_code == ru.exit_code == 2
    assert "қоймасы табылмады" in kk.output and "не найдено" in ru.output


@pytest.mark.parametrize("args,ru,kk", [
    (["--min-coverage", "99.9"], "проверено полностью", "толық тексерілді"),
    (["-o", "fixtures/verdicts/lawful/almaty.jsonl"], "это входной файл", "кіріс файлы"),
    (["--csv-delimiter", "ab"], "ожидается один символ", "бір таңба күтіледі"),
    (["-o", "/dev/full", "-f", "jsonl"], "отчёт не записан", "есеп жазылмады"),
])
def test_the_scans_own_errors_follow_the_language(args, ru, kk):
    """The scan's refusals were written as Russian literals, so a Kazakh run printed them in Russian."""
    if args[1] == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    src = "fixtures/verdicts/lawful/almaty.jsonl" if "-o" in args and "almaty" in args[1] else "fixtures/verdicts"
    got = {lang: run("--lang", lang, "scan", src, *args) for lang in ("ru", "kk")}
    assert got["ru"].exit_code == got["kk"].exit_code != 0
    assert ru in got["ru"].output and ru not in got["kk"].output, got["kk"].output
    assert kk in got["kk"].output, got["kk"].output
    if args[0] == "--min-coverage":
        assert "99,9 %" in got["ru"].output and "99,9 %" in got["kk"].output  # a decimal comma in both


def test_the_sarif_notes_follow_the_language(tmp_path):
    """SARIF's notifications (invalid records, coverage gaps) are human text: Kazakh in a Kazakh run."""
    import json

    notes = {}
    for lang in ("ru", "kk"):
        out = tmp_path / f"{lang}.sarif"
        assert run("--lang", lang, "scan", "fixtures", "-f", "sarif", "-o", str(out)).exit_code in (0, 1)
        notes[lang] = [n["message"]["text"] for n in
                       json.loads(out.read_text(encoding="utf-8"))["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert len(notes["ru"]) == len(notes["kk"]) > 0
    assert any(t.startswith("некорректная запись: ") for t in notes["ru"])
    assert any(t.startswith("не проверено: эпизод ") for t in notes["ru"])
    assert not any(t.startswith(("некорректная запись", "ошибка правила", "не проверено")) for t in notes["kk"])
    assert any(t.startswith("қате жазба: ") for t in notes["kk"]) and any(t.startswith("тексерілмеді: ") for t in notes["kk"])


def test_the_end_of_run_summary_names_rules_by_title_never_by_id():
    from legality.scan.summary import Summary

    s = Summary(started="")
    s.by_rule.update({"sanction-max-exceeded": 4, "arrest-below-min": 1})
    titles = {"sanction-max-exceeded": "Наказание выше максимума санкции", "arrest-below-min": "Арест менее десяти суток"}
    assert "sanction-max-exceeded" not in s.render_ru()
    with_titles = s.render_ru(titles)
    assert "«Наказание выше максимума санкции» — 4; «Арест менее десяти суток» — 1" in with_titles
    assert "sanction" not in with_titles
    i18n.set_language("kk")
    assert "Ең жиі: «Наказание" in s.render_ru(titles)
