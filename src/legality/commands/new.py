"""`legality new rule NAME --family F`: scaffold a rule and its three tests (issue 15, point 5).

What it writes. A rule family is one file `RULES/pack/F.legal`; its tests are `RULES/tests/F.yaml`. The
command appends to the first a rule skeleton and to the second its three tests — `violation`, `boundary`,
`not_applicable`, the kinds `legality test` requires of every rule — creating both files for a new family
(`--new-family`). Nothing is written unless both texts are ready: the id is the grammar's rule id
(`RULE_ID` of grammar/legality.lark) and no rule of the set has it; the family exists or `--new-family`
is given (an unknown family is refused with the list of families and the closest name: a typo must not
start a new file); the appended rule parses, stays in `legality fmt`'s canonical layout when the file
was, and the appended tests read back as the last three tests of the file.

The skeleton compiles with no warning (`legality check` is clean right after): every clause a finding
needs, each with a Russian comment for the lawyer who fills it in, titles and labels in both languages.
It cannot fire before it is filled in: its `when` compares the article with the placeholder
«ЗАПОЛНИТЕ», which no record holds, so a pack with an unfinished rule reports nothing false.

Why its tests fail until written. A scaffold whose tests pass would be a test that cannot fail: the
`not_applicable` one would pass at once (the placeholder rule applies to nothing), and `legality test`
would count the rule as covered before anyone wrote a test. A test that fails by accident (the rule
«did not fire») would send the author to debug a rule that is not wrong. So each scaffolded test carries
a line `todo: …`: the runner (`legality.ruletest`) fails such a test with «тест-заготовка, ещё не
заполнена: …» without evaluating it, until the author writes its `patch` and `name` and deletes the line.

Exit codes: 0 written (or printed, `--dry-run`); 2 a refusal — a bad or taken id, an unknown family, a
file that cannot be read or written (then nothing is written).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import click

from ..i18n import _
from ..law.yamlread import yaml_reason
from ._inputs import fail

RULES_HELP = "rule set directory (default: the shipped rules/)"
FAMILY_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")  # a family's file name is also its rules' tag (a NAME)
DEFAULT_BASE = "base/f-theft-188-1.json"  # ч.1 ст.188: the simplest record of the shipped tests
PLACEHOLDER = "ЗАПОЛНИТЕ"
LET_NAMES = {"imposed", "limit"}  # the skeleton's `let`s: a fact of that name would be hidden (E104)

# The rule. Written in `legality fmt`'s canonical layout (tests/test_new_rule.py checks it): statements
# at column 0, clauses at 2, a `kk` line under its text. $-placeholders, so the `{…}` of a message stay.
RULE = Template('''\
# $rule_id — заготовка правила (legality new rule). Заполните каждое место «ЗАПОЛНИТЕ» и замените пример
# на свою проверку; тесты правила — в tests/$family.yaml. Язык правил: docs/dsl.ru.md.
rule $rule_id for offence {
  # Название: одна строка по-русски, затем по-казахски (kk), без точки в конце.
  title "$title"
     kk "ТОЛТЫРЫҢЫЗ: ереженің атауы"
  # Важность: high — незаконно по самому тексту приговора; medium — вероятная ошибка; low — стоит проверить.
  severity medium
  # Нормы: сначала общая норма («УК РК ст.N ч.N п.N»), затем offence.ref — статья самого преступления.
  cite "УК РК ст.52 ч.1", offence.ref
  # С какой даты действует норма (по дате совершения преступления).
  in force from 2015-01-01
$tags\
  # Значения, которые показывает замечание: имя, подпись по-русски и по-казахски, выражение.
  let imposed "назначенный срок" kk "тағайындалған мерзім" = offence.sentence.principal.term
  let limit "предел срока по закону" kk "заң бойынша мерзім шегі" = offence.sanction.max(imprisonment)
  # Когда правило применяется: каждое условие when должно выполняться. Пока здесь «ЗАПОЛНИТЕ», правило
  # не применяется ни к одной записи: укажите номер статьи, например "188".
  when offence.article = "ЗАПОЛНИТЕ"
  when offence.sentence.principal.kind = imprisonment
  # Исключение (если есть): при каком условии правило не применяется, например
  # unless offence.sentence.exempted is present
  # Нарушение: условие, при котором приговор незаконен.
  violation imposed > limit
  # Что назначено и что допускает закон (ключи max, min, … — docs/dsl.ru.md).
  actual imposed
  allowed max: limit
  # Сообщение прокурору: что нарушено и что допускает закон, целыми предложениями; {…} — вычисленные значения.
  message "ЗАПОЛНИТЕ: за преступление по {offence.ref} назначено {imposed}, а закон допускает не более {limit}."
       kk "ТОЛТЫРЫҢЫЗ: {offence.ref} бойынша қылмыс үшін {imposed} тағайындалды, ал заң бойынша ең көбі {limit}."
  # Установленные обстоятельства, на которых основано замечание (у каждого должна быть подпись).
  facts imposed, limit
}
''')

FAMILY_HEAD = Template('''\
# Семейство правил «$family»: ЗАПОЛНИТЕ — какие нормы УК РК проверяют правила этого файла.
# Тесты правил — в tests/$family.yaml; язык правил — docs/dsl.ru.md.
$imports''')

TESTS_HEAD = Template('''\
# Семейство «$family» — тесты правил pack/$family.legal (legality test).
# base — запись приговора, которую изменяет patch каждого теста (путь от этого файла; папка base/).
base: $base
tests:
''')

# name, kind, what to fill in, an example of a patch line
_TESTS = (
    ("violation", "нарушение — запись, на которой правило срабатывает",
     "offences[0].sentence.principal.term: {years: 3, days: 1}"),
    ("boundary", "граница — наибольшее законное значение: правило применяется и не срабатывает",
     "offences[0].sentence.principal.term: {years: 3}"),
    ("not_applicable", "не применяется — запись, к которой правило не относится",
     'offences[0].article: "190"'),
)
TODO = "заполните patch и name этого теста, затем удалите строку todo"


@dataclass
class Plan:
    """What the command writes: for each file its path, its current text (None: a new file) and the new one."""

    rule_file: Path
    rule_old: str | None
    rule_new: str
    tests_file: Path
    tests_old: str | None
    tests_new: str
    rule_line: int  # where the appended rule / tests start (1-based), for the message
    tests_line: int


def rule_id_pattern() -> re.Pattern[str]:
    """The grammar's `RULE_ID` terminal, read from the parser (so the scaffold never drifts from the grammar)."""
    from ..syntax.parser import _parser

    term = _parser().get_terminal("RULE_ID")
    return re.compile(term.pattern.to_regexp() + r"\Z")


def families(pack: Path) -> list[str]:
    return sorted(p.stem for p in pack.glob("*.legal")) if pack.is_dir() else []


def defined_names(rules_dir: Path) -> tuple[set[str], set[str]]:
    """Every rule id and fact name of the rule set's files (a file that does not parse: read by line)."""
    from ..syntax import ast as A
    from ..syntax.parser import parse_text

    rules: set[str] = set()
    facts: set[str] = set()
    for f in sorted(rules_dir.rglob("*.legal")):
        text = _read(f)
        tree, _diags = parse_text(text, str(f))
        if tree is None:
            rules.update(re.findall(r"^\s*rule\s+([a-z][a-z0-9_-]*)", text, flags=re.M))
            facts.update(re.findall(r"^\s*define\s+([A-Za-z_][A-Za-z0-9_]*)", text, flags=re.M))
            continue
        for item in tree.items:
            if isinstance(item, A.Define):
                facts.add(item.name)
            elif isinstance(item, A.Rule):
                rules.add(item.id)
    return rules, facts


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        fail(_("{path}: не удаётся прочитать файл ({why})").format(path=_shown(path),
                                                                    why=e.strerror or type(e).__name__))
    except UnicodeDecodeError as e:
        fail(_("{path}: файл не в кодировке UTF-8 (неверный байт на позиции {pos})").format(path=_shown(path),
                                                                                              pos=e.start))


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the current folder when below it."""
    from ..diagnostics import display_path

    return display_path(path)


def _quote(text: str) -> str:
    """A rule-language string literal (the parser reads it as JSON)."""
    return json.dumps(text, ensure_ascii=False)


def _joined(old: str | None, block: str) -> tuple[str, int]:
    """`block` appended to `old` after one blank line; and the line the block starts on."""
    if not old or not old.strip():
        return block, 1
    head = old if old.endswith("\n") else old + "\n"
    if not head.endswith("\n\n"):
        head += "\n"
    return head + block, head.count("\n") + 1


def rule_text(rule_id: str, family: str, title: str | None) -> str:
    tags = f"  # Метки: произвольные слова для отбора правил; здесь — семейство.\n  tags {family}\n" \
        if FAMILY_NAME.match(family) else ""
    return RULE.substitute(rule_id=rule_id, family=family, tags=tags,
                           title=_quote(title or f"{PLACEHOLDER}: название правила")[1:-1])


def tests_text(rule_id: str, indent: str = "  ") -> str:
    inner = indent + "  "
    lines = [f"{indent}# {rule_id} — тесты-заготовки (legality new rule): каждый не пройдёт, пока в нём есть todo."]
    for kind, what, example in _TESTS:
        lines += [f"{indent}- name: {_quote(PLACEHOLDER + ': ' + what)}",
                  f"{inner}rule: {rule_id}",
                  f"{inner}kind: {kind}",
                  f"{inner}todo: {TODO}",
                  f"{inner}patch:",
                  f"{inner}  # путь в записи: новое значение, например",
                  f"{inner}  # {example}"]
    return "\n".join(lines) + "\n"


def _base_for(tests_dir: Path, doc: object) -> str | None:
    """The base record the new tests use: the file's own `base`, else the default record, else any."""
    if isinstance(doc, dict) and isinstance(doc.get("base"), str):
        return None  # inherited from the file
    if isinstance(doc, dict):
        for t in reversed(doc.get("tests") or []):
            if isinstance(t, dict) and isinstance(t.get("base"), str):
                return str(t["base"])
    if (tests_dir / DEFAULT_BASE).is_file():
        return DEFAULT_BASE
    found = sorted(p.relative_to(tests_dir).as_posix() for p in (tests_dir / "base").glob("*.json"))
    if not found:
        fail(_("нет базовой записи для тестов: положите запись приговора (.json) в {folder}").format(
            folder=_shown(tests_dir / "base")))
    return found[0]


def plan(rules_dir: Path, rule_id: str, family: str, new_family: bool, title: str | None) -> Plan:
    """Everything checked, nothing written: the texts of both files after the scaffold, or exit 2."""
    import yaml

    from ..syntax.layout import LayoutError, format_text
    from ..syntax.parser import parse_text

    if not rules_dir.is_dir():
        fail(_("каталог правил не найден: {rules_dir} (укажите --rules DIR)").format(rules_dir=rules_dir))
    if not rule_id_pattern().match(rule_id):
        fail(_("«{id}» не годится как id правила: это строчные латинские слова через дефис, например "
               "attempt-term-cap").format(id=rule_id))
    pack, tests_dir = rules_dir / "pack", rules_dir / "tests"
    known = families(pack)
    if family not in known:
        if not new_family:
            close = difflib.get_close_matches(family, known, n=1)
            hint = _(" Может быть, {name}?").format(name=close[0]) if close else ""
            shown = [f for f in known if f != "common"]  # the shared facts, not a family of rules
            fail(_("нет семейства правил «{family}» (файла {file}).{hint} Семейства: {families}. Новое семейство: "
                   "добавьте --new-family.").format(family=family, file=_shown(pack / f"{family}.legal"),
                                                     hint=hint, families=", ".join(shown) or "—"))
        if not FAMILY_NAME.match(family):
            fail(_("«{family}» не годится как имя семейства: строчные латинские буквы, цифры и _, "
                   "например fraud").format(family=family))
    rules, facts = defined_names(rules_dir)
    if rule_id in rules:
        fail(_("правило {id} уже есть в {rules_dir}: выберите другой id").format(
            id=rule_id, rules_dir=_shown(rules_dir)))
    taken = sorted(facts & LET_NAMES)
    if taken:
        fail(_("в наборе правил есть факт {names}: заготовка назвала бы так свои значения (let); "
               "переименуйте факт или напишите правило сами").format(names=", ".join(taken)))
    if title is not None and (not title.strip() or "\n" in title or "\r" in title):
        fail(_("название правила — одна непустая строка"))
    title = title.strip().rstrip(".").strip() if title else None

    rule_file = pack / f"{family}.legal"
    rule_old = _read(rule_file) if rule_file.exists() else None
    block = rule_text(rule_id, family, title)
    if rule_old is None:
        imports = 'import "common.legal"\n\n' if (pack / "common.legal").is_file() else "\n"
        head = FAMILY_HEAD.substitute(family=family, imports=imports)
        rule_new, rule_line = head + block, head.count("\n") + 1
    else:
        rule_new, rule_line = _joined(rule_old, block)
    tree, diags = parse_text(rule_new, str(rule_file))
    if tree is None:
        fail(_("{file} не читается как файл правил, правило не дописано: {why}").format(
            file=_shown(rule_file), why=diags[0].render() if diags else ""))
    try:
        was_tidy = rule_old is None or format_text(rule_old, str(rule_file))[0] == rule_old
        if was_tidy and format_text(rule_new, str(rule_file))[0] != rule_new:  # pragma: no cover - a bug of RULE
            fail(_("заготовка правила не в принятом оформлении (legality fmt): сообщите разработчикам"))
    except LayoutError:  # pragma: no cover - the file is left as it is by `fmt` too
        pass

    tests_file = tests_dir / f"{family}.yaml"
    tests_old = _read(tests_file) if tests_file.exists() else None
    try:
        doc = yaml.safe_load(tests_old) if tests_old else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{_shown(tests_file)}:{mark.line + 1}:{mark.column + 1}" if mark is not None else _shown(tests_file)
        fail(_("{file} не читается как YAML, тесты не дописаны: {why}").format(file=where, why=yaml_reason(e, tests_old)))
    indent = "  "
    if tests_old:
        m = re.findall(r"^( *)- name:", tests_old, flags=re.M)
        indent = m[-1] if m else indent
    base = _base_for(tests_dir, doc)
    block = tests_text(rule_id, indent)
    if base is not None and tests_old:
        block = block.replace(f"\n{indent}  kind: ", f"\n{indent}  base: {base}\n{indent}  kind: ")
    if tests_old is None or not isinstance(doc, dict) or "tests" not in doc:
        if tests_old and tests_old.strip():
            fail(_("{file}: нет списка tests:, тесты не дописаны; допишите их вручную").format(
                file=_shown(tests_file)))
        head = TESTS_HEAD.substitute(family=family, base=base or DEFAULT_BASE)
        tests_new, tests_line = head + block, head.count("\n") + 1
    else:
        head = tests_old if tests_old.endswith("\n") else tests_old + "\n"
        tests_new, tests_line = head + block, head.count("\n") + 1
    try:
        after = yaml.safe_load(tests_new)
        ours = [t.get("rule") for t in after["tests"][-3:]]
        ok = ours == [rule_id] * 3 and len(after["tests"]) == len((doc or {}).get("tests") or []) + 3
    except (yaml.YAMLError, TypeError, KeyError, AttributeError):
        ok = False
    if not ok:
        fail(_("{file}: список tests: не последний в файле, тесты не дописаны; допишите их вручную").format(
            file=_shown(tests_file)))
    return Plan(rule_file, rule_old, rule_new, tests_file, tests_old, tests_new, rule_line, tests_line)


def write(p: Plan) -> None:
    """Both files, each atomically; the folders of a new family are created."""
    from ..report.atomic import write_atomic

    for path, text in ((p.rule_file, p.rule_new), (p.tests_file, p.tests_new)):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except OSError as e:
            fail(_("{path}: не удаётся записать файл ({why})").format(path=_shown(path),
                                                                     why=e.strerror or type(e).__name__))


@click.group("new")
def new_group() -> None:
    """Scaffold a new part of a rule set: rule."""


@new_group.command("rule")
@click.argument("rule_id", metavar="NAME")
@click.option("--family", required=True,
              help="the rule's family: the file rules/pack/FAMILY.legal (tests: rules/tests/FAMILY.yaml)")
@click.option("--new-family", is_flag=True, help="create the family's files when it does not exist yet")
@click.option("--title", help="the rule's title in Russian (default: a placeholder to fill in)")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), help=RULES_HELP)
@click.option("--dry-run", is_flag=True, help="print what would be written, write nothing")
def rule_cmd(rule_id: str, family: str, new_family: bool, title: str | None, rules_dir: str | None,
             dry_run: bool) -> None:
    """Append a rule skeleton that compiles to rules/pack/FAMILY.legal and its three tests to rules/tests/FAMILY.yaml.

    The tests fail until filled in (their `todo` line says what to do); the rule fires on nothing until its
    placeholders are replaced.
    """
    from ..diagnostics import display_path
    from ..resources import RULES_DIR

    rdir = Path(rules_dir) if rules_dir else RULES_DIR
    p = plan(rdir, rule_id, family, new_family, title)
    rule_name, tests_name = display_path(p.rule_file), display_path(p.tests_file)
    if dry_run:
        for name, old, new in ((rule_name, p.rule_old, p.rule_new), (tests_name, p.tests_old, p.tests_new)):
            head = _("новый файл {file}") if old is None else _("дописать в {file}")
            click.echo(f"# === {head.format(file=name)} ===")
            click.echo(new[len(old):] if old is not None and new.startswith(old) else new, nl=False)
        return
    write(p)
    click.echo(_("legality: правило {id} добавлено в {rule_file}:{rule_line}, три теста-заготовки — в "
                 "{tests_file}:{tests_line}.").format(id=rule_id, rule_file=rule_name, rule_line=p.rule_line,
                                                      tests_file=tests_name, tests_line=p.tests_line), err=True)
    click.echo(_("Дальше: замените в правиле и тестах «ЗАПОЛНИТЕ», удалите строки todo, затем legality check и "
                 "legality test -k {id}.").format(id=rule_id), err=True)


COMMANDS = [new_group]
