"""Mutated rule files through the compiler and the evaluator: the rule fuzzer of issue 11.

Why a module, not a test: the suite runs it at a size that fits CI (tests/test_fuzz_rules.py) and the
nightly machine at 20,000 files (bench/fuzz.py); both must exercise the same code.  It imports neither
pytest nor anything outside the standard library, orjson and `legality` itself.

Why these mutations: they are the red team's (report redteam-2026-12, appendix), which found 137
compiler crashes in 7,500 files (F04: CPython's static limits hit by nested generated code) and
literals that compile but break every report (F06).  Token edits (delete, duplicate, swap, replace a
name, number, operator or string), character flips (homoglyphs, zero-width and control characters),
line edits, splices from other rule files, hostile snippets, and "nest": a clause's condition wrapped in
N levels of ( ), not, and/or chains, quantifiers, if-then-else, +/- chains or unary minus.

What counts as a crash: any exception escaping the compiler, the rendering of its diagnostics, the
evaluation of a compiled rule set on fixture records or the serialisation of what it produced, and
any rendered text that could not be printed (not encodable as UTF-8).  Diagnostics are the expected
outcome for broken files; a rule fault (E501) on a record is an expected outcome too.

Every case is reproducible alone: case i of seed s is `mutated_case(s, i)`.
"""

from __future__ import annotations

import random
import re
import signal
import threading
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "rules" / "pack"
GOOD = ROOT / "tests" / "dsl" / "good"
DOCS = ROOT / "docs" / "dsl.md"
FIXTURES = ROOT / "fixtures" / "verdicts"

TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|\d{4}-\d{2}-\d{2}|\d+\.\d+|\d+|[A-Za-z_][A-Za-z0-9_]*(?:-[a-z0-9_]+)*'
                   r'|<=|>=|!=|[^\sA-Za-z0-9_]|\s+')
NAMES = [
    "__import__", "__class__", "__dict__", "__mro__", "__init__", "_x", "_private", "eval", "exec", "open",
    "getattr", "globals", "locals", "compile", "os", "sys", "self", "K", "G", "env", "rt", "o", "v", "t1", "M",
    "Miss", "None", "True", "\u043effence", "\uff4fffence", "off\u200bence", "x" * 300, "offence", "defendant",
    "verdict", "law", "sentence", "final", "offences", "procedure", "age", "max", "min", "count", "any", "all",
    "sum", "default", "fired", "years_between", "same_unit", "true", "false", "missing", "present", "years",
    "months", "days", "mrp", "hours", "not", "in", "is", "if", "then", "else", "of", "for", "record", "rule",
    "define", "import", "let", "when", "unless", "violation", "message", "title", "severity", "high", "cite",
]
NUMBERS = [
    "0", "1", "2", "-1", "1/0", "0/0", "9" * 4400, "9" * 5000, "9" * 15, "9" * 16, "18446744073709551616",
    "0." + "0" * 100 + "1", "1.5", "0.0", "99999999 years", "999999999999999 days", "2024-02-30",
    "0000-01-01", "9999-12-31", "1e5", "0x10", "1_000", "1.", ".5", "99999999 mrp", "5 hours",
]
OPERATORS = [
    "and", "or", "not", "+", "-", "*", "/", "of", "=", "!=", "<", "<=", ">", ">=", "in", "not in",
    "is missing", "is present", ".", ",", ":", "(", ")", "{", "}", "[", "]", "==", "**", "//", "%", "|", "&",
    "then", "else", "if",
]
STRINGS = [
    '"\\ud800"', '"bad \\udfff text"', '"\\ud83d\\ude00"', '"\\ude00\\ud83d"', '"{offence.__class__}"', '"{"',
    '"}"', '"{{}}"', '"{cap"', '"{1/0}"', '"{offence}"', '"\\u0000"', '"\\x41"', '"\\"', '"' + "я" * 2000 + '"',
    '"{' + "not " * 150 + 'true}"', '"\u202eRTL"', '"\x1b[31mred"', '"%s %d"', '""', '"{law}"',
    '"{defendant.birth_date}"', '"{offence.sentence.principal.term + 99999999 years}"',
]
CHARS = ["\u043e", "\uff4f", "\u200b", "\u202e", "\x00", "\x1b", "\t", "\r", "\\", '"', "'", "{", "}", "#",
         "\ufeff", "é", "я", "\U0001f600", "\u0301", "-", "_", "$", "`"]
SNIPPETS = [
    'import "../../../../etc/passwd"', 'import "common.legal"', 'import "/etc/passwd"', 'import "nope.legal"',
    "define y = x", "define _hidden = 1", "define offence = 1", "define loop_a = loop_b\ndefine loop_b = loop_a",
    "rule a-b { }", "rule a-b for offence {\n}", "let q = 1/0", "when offence.sentence.principal.term / 0 > 1 year",
    "when verdict.verdict_date + 99999999 years > verdict.verdict_date", "violation eval(1)",
    "violation offence.__class__.__mro__", "violation __import__(\"os\")", "overrides a-b, a-b",
    "facts nope, __class__", "in force from 2024-01-01 until 2023-01-01", "in force from 2024-02-30",
    "cite \"УК РК ст.999999999999 ч.1\"", "cite \"\"", "tags " + ", ".join(f"t{i}" for i in range(300)),
    "message \"{" + "(" * 300 + "1" + ")" * 300 + "}\"", "allowed max_prison: 1 year, max_prison: 2 years",
    "violation count(offences) > 0 and sum(x in offences: 1) > 0",
    "actual " + " * ".join(["999999999999999"] * 6),
    "actual max(x in offences: x.sentence.principal.term)",
    "define big = " + " * ".join(["999999999999999"] * 8),
    "violation {" + ", ".join(str(i) for i in range(2000)) + "} = {}",
]
NEST_SIZES = [2, 5, 10, 15, 20, 25, 50, 97, 98, 99, 100, 101, 150, 200, 500, 1000]
# nested quantifiers cost (number of offences) ** depth at run time, by the language's meaning: a
# compiled 98-deep `any` over two offences never ends.  Deep ones are for the compiler (over the
# nesting limit, a diagnostic); those that compile stay small enough to evaluate.
QUANT_NEST_SIZES = [2, 5, 10, 12, 101, 150, 500, 1000]
CLAUSE = re.compile(r"^(\s*)(violation|when|unless|actual|let\s+\w+\s*=|define\s+\w+(?:\s+\"[^\"\n]*\")?"
                    r"(?:\s+for\s+\w+)?\s*=)(\s*)(.*)$")
NEXT_CLAUSE = re.compile(r"^\s*(title|severity|cite|in\s+force|tags|let|when|unless|overrides|violation|actual|"
                         r"allowed|message|facts|define|rule|import)\b|^\s*}")


# ---- the pool of texts to mutate


def _doc_examples() -> list[str]:
    try:
        text = DOCS.read_text(encoding="utf-8")
    except OSError:
        return []
    return re.findall(r"```legal\n(.*?)```", text, flags=re.S)


def pool() -> dict[str, str]:
    """Rule texts to start from: the shipped pack (common.legal aside: it is always compiled with them),
    the good test files and the examples of docs/dsl.md."""
    out = {p.name: p.read_text(encoding="utf-8") for p in sorted(PACK.glob("*.legal")) if p.name != "common.legal"}
    out.update({f"good/{p.name}": p.read_text(encoding="utf-8") for p in sorted(GOOD.glob("*.legal"))})
    out.update({f"doc/{i}": t for i, t in enumerate(_doc_examples())})
    return out


# ---- mutations


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text) or [text]


def _significant(toks: list[str]) -> list[int]:
    return [i for i, t in enumerate(toks) if not t.isspace() and not t.startswith("#")] or [0]


def _clause_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, expression start) character offsets of every clause/define expression."""
    lines = text.splitlines(keepends=True)
    offs = [0]
    for ln in lines:
        offs.append(offs[-1] + len(ln))
    spans = []
    for i, ln in enumerate(lines):
        m = CLAUSE.match(ln.rstrip("\n"))
        if not m or not m.group(4).strip():
            continue
        j = i + 1
        while j < len(lines) and not NEXT_CLAUSE.match(lines[j]) and lines[j].strip():
            j += 1
        start = offs[i] + m.start(4)
        end = offs[j] - (1 if lines[j - 1].endswith("\n") else 0)
        spans.append((start, end, i))
    return spans


def nest(expr: str, kind: str, n: int) -> str:
    """`expr` (a condition) wrapped in n levels of one construct; still a condition."""
    e = expr.strip()
    if kind == "paren":
        return "(" * n + e + ")" * n
    if kind == "not":
        return "not " * (n - n % 2) + "(" + e + ")"
    if kind == "and":
        return "(" + e + ")" + " and true" * n
    if kind == "or":
        return "(" + e + ")" + " or false" * n
    if kind == "and-right":
        return "true and (" * n + e + ")" * n
    if kind == "alternate":
        return "(true and (false or " * n + e + "))" * n
    if kind == "any":
        return "".join(f"any q{i} in offences: " for i in range(n)) + "(" + e + ")"
    if kind == "all":
        return "".join(f"all q{i} in offences: " for i in range(n)) + "(" + e + ")"
    if kind == "if":
        return "if true then " * n + "(" + e + ")" + " else false" * n
    if kind == "if-cond":
        return "if " * n + "(" + e + ")" + " then true else false" * n
    if kind == "plus":
        return "(" + " + ".join(["1"] * (n + 1)) + " > 0) and (" + e + ")"
    if kind == "minus":
        return "(" + " - ".join(["1"] * (n + 1)) + " < 0) and (" + e + ")"
    if kind == "term":
        return "(offence.sentence.principal.term" + " + 1 month" * n + " > 0 months) or (" + e + ")"
    if kind == "neg":
        return "(" + "-" * n + "1 != 0) and (" + e + ")"
    if kind == "max":
        return "(" + "max(" * n + "1" + ", 2)" * n + " > 1) and (" + e + ")"
    if kind == "default":
        return "(" + "default(" * n + "defendant.pregnant" + ", false)" * n + ") or (" + e + ")"
    if kind == "missing":
        return "(" * n + "(" + e + ") is present" + ")" * n
    raise ValueError(kind)


NEST_KINDS = ["paren", "not", "and", "or", "and-right", "alternate", "any", "all", "if", "if-cond", "plus",
              "minus", "term", "neg", "max", "default", "missing"]


def _mutate_once(text: str, rng: random.Random, others: list[str]) -> tuple[str, str]:
    op = rng.choice(["delete", "duplicate", "swap", "name", "number", "operator", "string", "chars", "line-delete",
                     "line-duplicate", "splice", "snippet", "nest", "nest", "nest", "surrogate"])
    toks = _tokens(text)
    sig = _significant(toks)
    if op == "delete":
        del toks[rng.choice(sig)]
    elif op == "duplicate":
        i = rng.choice(sig)
        toks.insert(i, toks[i] + " ")
    elif op == "swap":
        i, j = rng.choice(sig), rng.choice(sig)
        toks[i], toks[j] = toks[j], toks[i]
    elif op == "name":
        cand = [i for i in sig if re.match(r"[A-Za-z_]", toks[i])] or sig
        toks[rng.choice(cand)] = rng.choice(NAMES)
    elif op == "number":
        cand = [i for i in sig if toks[i][:1].isdigit()] or sig
        toks[rng.choice(cand)] = rng.choice(NUMBERS)
    elif op == "operator":
        cand = [i for i in sig if not re.match(r'[A-Za-z0-9_"]', toks[i])] or sig
        toks[rng.choice(cand)] = rng.choice(OPERATORS)
    elif op == "string":
        cand = [i for i in sig if toks[i].startswith('"')] or sig
        toks[rng.choice(cand)] = rng.choice(STRINGS)
    elif op == "surrogate":
        cand = [i for i in sig if toks[i].startswith('"') and len(toks[i]) > 2] or sig
        i = rng.choice(cand)
        t = toks[i]
        cut = rng.randrange(1, max(2, len(t) - 1))
        toks[i] = t[:cut] + rng.choice(["\\ud800", "\\udfff", "\\udbff", "\\ud83d", "\\ude00"]) + t[cut:]
    elif op == "chars":
        s = list(text)
        for _ in range(rng.randint(1, 3)):
            if s:
                s[rng.randrange(len(s))] = rng.choice(CHARS)
        return "".join(s), op
    else:
        lines = text.splitlines(keepends=True) or [""]
        if op == "line-delete":
            del lines[rng.randrange(len(lines))]
        elif op == "line-duplicate":
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
        elif op == "splice":
            other = rng.choice(others).splitlines(keepends=True) or [""]
            a = rng.randrange(len(other))
            b = min(len(other), a + rng.randint(1, 12))
            i = rng.randrange(len(lines) + 1)
            lines[i:i] = other[a:b]
        elif op == "snippet":
            i = rng.randrange(len(lines) + 1)
            lines.insert(i, "  " + rng.choice(SNIPPETS) + "\n")
        elif op == "nest":
            spans = _clause_spans(text)
            if not spans:
                return text, op
            start, end, _ = rng.choice(spans)
            kind = rng.choice(NEST_KINDS)
            n = rng.choice(QUANT_NEST_SIZES if kind in ("any", "all") else NEST_SIZES)
            return text[:start] + nest(text[start:end], kind, n) + text[end:], f"nest-{kind}-{n}"
        return "".join(lines), op
    return "".join(toks), op


def mutate_rule_text(text: str, rng: random.Random, others: list[str] | None = None) -> str:
    """One to three mutations of a rule file's text (seeded by `rng`; always encodable as UTF-8)."""
    return mutate_with_ops(text, rng, others)[0]


def mutate_with_ops(text: str, rng: random.Random, others: list[str] | None = None) -> tuple[str, list[str]]:
    others = others or [text]
    ops = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        text, op = _mutate_once(text, rng, others)
        ops.append(op)
    return text, ops


def mutated_case(seed: int, i: int, texts: dict[str, str] | None = None) -> tuple[str, str, list[str]]:
    """(source file name, mutated text, mutations) of case i of a run with this seed."""
    texts = texts or pool()
    names = sorted(texts)
    rng = random.Random(f"rules:{seed}:{i}")
    name = rng.choice(names)
    text, ops = mutate_with_ops(texts[name], rng, [texts[k] for k in names])
    return name, text, ops


# ---- running


class _Timeout(BaseException):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _legality_frame(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "legality" in f.filename]
    if not frames:
        return "?"
    f = frames[-1]
    return f"{Path(f.filename).name}:{f.lineno} ({f.name})"


def _printable(text: str) -> None:
    text.encode("utf-8")  # what click.echo needs; raises on a lone surrogate


def _records(limit: int) -> list[Any]:
    import orjson

    from legality.model import validate_record

    out = []
    for path in sorted(FIXTURES.rglob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            if line.strip():
                v = validate_record(orjson.loads(line))
                if not isinstance(v, list):
                    out.append(v)
    # a spread over the fixture folders (lawful, planted, near misses), not only the first file
    step = max(1, len(out) // limit)
    return out[::step][:limit]


def _compiler(catalogue: Any, common: str):
    """`driver.compile(sources={"common.legal": common, "fuzz.legal": text})`, with common.legal parsed once.

    The same stages in the same order (legality.driver.STAGES after `parse`, `imports` included, so
    a file sees common.legal only if it imports it); only the parse of the unchanging common.legal is
    reused, which is most of the time of a case.
    """
    from legality.diagnostics import sort_diagnostics
    from legality.driver import STAGES, Unit
    from legality.syntax.parser import parse_text

    common_ast, common_diags = parse_text(common, "common.legal")
    assert common_ast is not None and not common_diags, "rules/pack/common.legal does not parse"

    def compile_text(text: str) -> Any:
        u = Unit(Path("."), catalogue, {"common.legal": common, "fuzz.legal": text}, in_memory=True)
        u.files.append(common_ast)
        f, diags = parse_text(text, "fuzz.legal")
        u.diags.extend(diags)
        if f is not None:
            u.files.append(f)
        for name, stage in STAGES:
            if name not in ("load", "parse"):
                stage(u)
        u.diags = sort_diagnostics(u.diags)
        return u

    return compile_text


def run_rule_fuzz(n: int, seed: int, *, records: int = 3, timeout_s: int = 10) -> dict[str, Any]:
    """Compile n mutated rule files (each with rules/pack/common.legal, as `legality check` would see a
    rule set) and run what compiles on a few fixture records.  Returns counts and crash examples."""
    from legality.law import Catalogue
    from legality.resources import LAW_DIR
    from legality.report.base import dumps

    cat = Catalogue.load(LAW_DIR)
    common = (PACK / "common.legal").read_text(encoding="utf-8")
    compile_text = _compiler(cat, common)
    texts = pool()
    verdicts = _records(12)
    stats: dict[str, Any] = {"files": 0, "diag": 0, "ok": 0, "crashes": 0, "timeouts": 0, "evaluations": 0,
                             "candidates": 0, "faults": 0, "examples": []}
    use_alarm = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
    try:
        for i in range(n):
            name, text, ops = mutated_case(seed, i, texts)
            stats["files"] += 1
            stage = "compile"
            if use_alarm:
                signal.alarm(timeout_s)
            try:
                u = compile_text(text)
                stage = "render"
                for d in u.diags:
                    _printable(d.render(u.sources))
                    dumps(d.to_json())
                if u.program is None or any(d.is_error for d in u.diags):
                    stats["diag"] += 1
                    continue
                stats["ok"] += 1
                stage = "evaluate"
                for k in range(records):
                    v = verdicts[(i + k) % len(verdicts)]
                    ev = u.program.evaluate(v, trace=(k == 0))
                    stats["evaluations"] += 1
                    stats["candidates"] += len(ev.candidates)
                    stats["faults"] += len(ev.faults)
                    for c in ev.candidates:
                        dumps(c.to_json())
                        _printable(c.message + c.title)
                    for f in ev.faults:
                        dumps(f.to_json())
                        _printable(f.render())
                    if ev.trace is not None:
                        dumps(ev.trace.to_json())
            except _Timeout:
                stats["timeouts"] += 1
                if len(stats["examples"]) < 20:
                    stats["examples"].append(f"seed {seed} case {i} ({name}, {'+'.join(ops)}): timeout in {stage}")
            except BaseException as e:  # noqa: BLE001 - anything escaping is what we count
                if isinstance(e, KeyboardInterrupt):
                    raise
                stats["crashes"] += 1
                if len(stats["examples"]) < 20:
                    try:
                        msg = (str(e).splitlines() or [""])[0][:160]
                    except Exception:  # noqa: BLE001 - an exception whose text cannot be made
                        msg = "?"
                    stats["examples"].append(f"seed {seed} case {i} ({name}, {'+'.join(ops)}): {stage}: "
                                             f"{type(e).__name__}: {msg} at {_legality_frame(e)}")
            finally:
                if use_alarm:
                    signal.alarm(0)
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, old)
    return stats
