"""Hardening of outputs and of the command line's top level (issue 11; red-team findings F07–F10,
F13–F17, F23, F25, F30, F33): exit codes of crashes, output paths that must not be replaced or
overwritten, full disks, stale temporary files, and record text that must stay text in every
human output."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import docx
import orjson
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from legality import cli
from legality.cli import main
from legality.resources import RULES_DIR
from support.synth import FIXTURES_DIR
from legality.report import atomic
from legality.report.text import plain_text, safe_text, spreadsheet_safe

LEGALITY = str(Path(sys.executable).with_name("legality"))
RULES = os.environ.get("LEGALITY_TEST_RULES", str(RULES_DIR))
PLANTED_ONE = FIXTURES_DIR / "verdicts" / "planted" / "f01.jsonl"
LAWFUL = FIXTURES_DIR / "verdicts" / "lawful"
ROOT = os.geteuid() == 0


def run(*args: str, input: bytes | None = None):
    if args[0] in ("scan", "explain", "protest") and "--rules" not in args:
        args = (*args, "--rules", RULES)
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def sub(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    if args[0] in ("scan", "explain", "protest") and "--rules" not in args:
        args = (*args, "--rules", RULES)
    kw.setdefault("capture_output", "stdout" not in kw)
    return subprocess.run([LEGALITY, *args], env={**os.environ, **(env or {})}, timeout=120, **kw)


def planted_record() -> dict:
    return orjson.loads(PLANTED_ONE.read_bytes().splitlines()[0])


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---- F10: exit codes of the top level ----------------------------------------------------------


def _boom(*a, **k):
    raise RuntimeError("secret value from a record")


def test_an_internal_error_exits_3_with_one_line_and_a_private_crash_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LEGALITY_DEBUG", raising=False)
    monkeypatch.setattr("legality.commands.schema.export_schema", _boom)
    r = run("schema")
    assert r.exit_code == 3
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    assert re.fullmatch(r"legality: внутренняя ошибка \(RuntimeError в commands/schema\.py:\d+\); подробности в "
                        r"(\S+); сообщите разработчикам\n", r.stderr)
    assert "secret value" not in r.stderr  # the exception's text may quote a record: only in the file
    crash = Path(r.stderr.split("подробности в ")[1].split(";")[0])
    assert crash.parent == tmp_path / "state" / "legality" / "crash"
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    assert stat.S_IMODE(crash.parent.stat().st_mode) == 0o700
    assert "Traceback" in crash.read_text() and "RuntimeError" in crash.read_text()


def test_legality_debug_prints_the_traceback_instead(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("LEGALITY_DEBUG", "1")
    monkeypatch.setattr("legality.commands.schema.export_schema", _boom)
    r = run("schema")
    assert r.exit_code == 3
    assert "Traceback" in r.stderr and "внутренняя ошибка (RuntimeError" in r.stderr
    assert not (tmp_path / "state").exists()


def test_a_crash_file_that_cannot_be_written_is_said_in_the_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.delenv("LEGALITY_DEBUG", raising=False)
    monkeypatch.setattr("legality.commands.schema.export_schema", _boom)
    r = run("schema")
    assert r.exit_code == 3
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    assert "подробности записать не удалось" in r.stderr


def test_an_os_error_exits_2_with_one_russian_line(monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/out/x.json")

    monkeypatch.setattr("legality.commands.schema.export_schema", full)
    r = run("schema")
    assert r.exit_code == 2
    assert r.stderr == "legality: /srv/out/x.json: ошибка ввода-вывода: на диске нет места\n"


def test_interrupt_exits_130_and_click_usage_errors_stay_2(monkeypatch):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    assert run("scan").exit_code == 2                       # missing PATH: click's usage error
    assert run("no-such-command").exit_code == 2
    assert run("--version").exit_code == 0
    monkeypatch.setattr("legality.commands.schema.export_schema", interrupted)
    assert run("schema").exit_code == 130


CRASHING_MAIN = """
import sys
import legality.commands.schema as schema
def boom(*a, **k):
    raise {exc}
schema.export_schema = boom
from legality.cli import main
sys.argv = ["legality", "schema"]
main()
"""


def test_exit_codes_of_the_real_entry_point(tmp_path):
    scripts = Path(cli.__file__).resolve().parents[2] / "pyproject.toml"
    assert 'legality = "legality.cli:main"' in scripts.read_text()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    env.pop("LEGALITY_DEBUG", None)
    for exc, code, text in (("ValueError('x')", 3, "внутренняя ошибка (ValueError"),
                            ("PermissionError(13, 'Permission denied', '/x')", 2, "/x: ошибка ввода-вывода: нет прав")):
        p = subprocess.run([sys.executable, "-c", CRASHING_MAIN.format(exc=exc)], capture_output=True, env=env,
                           timeout=60)
        assert p.returncode == code, p.stderr
        assert text in p.stderr.decode() and b"Traceback" not in p.stderr
        assert len(p.stderr.splitlines()) == 1


# ---- F33: a reader that goes away -------------------------------------------------------------


def closed_pipe() -> int:
    r, w = os.pipe()
    os.close(r)  # every write to w is EPIPE: deterministic `| head -1`
    return w


def test_broken_pipe_exits_0_quietly_for_scan_and_review_list(tmp_path):
    db = tmp_path / "s.db"
    assert sub("scan", str(PLANTED_ONE), "--db", str(db), "-f", "jsonl", "-o", str(tmp_path / "r.jsonl")).returncode == 0
    for args in (("review", "list", "--db", str(db), "--format", "jsonl"),
                 ("scan", str(PLANTED_ONE), "-f", "jsonl"),
                 ("schema",)):
        w = closed_pipe()
        try:
            p = sub(*args, stdout=w, stderr=subprocess.PIPE)
        finally:
            os.close(w)
        assert p.returncode == 0, (args, p.stderr)
        assert b"Traceback" not in p.stderr and b"Exception ignored" not in p.stderr


def test_broken_pipe_under_clirunner_exits_0(monkeypatch):
    def gone(*a, **k):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("legality.commands.schema.export_schema", gone)
    r = run("schema")
    assert r.exit_code == 0 and r.stderr == ""


# ---- F07: an output that is an input, two outputs that are one file ------------------------------


def test_an_output_that_is_an_input_is_refused_before_reading(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(PLANTED_ONE.read_bytes())
    before = src.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(src)
    hard = tmp_path / "hard.jsonl"
    os.link(src, hard)
    for args in (("-o", str(src)), ("--summary", str(src)), ("-o", str(link)), ("-o", str(hard)),
                 ("-o", str(tmp_path / "." / "in.jsonl"))):
        r = run("scan", str(src), "-f", "jsonl", *args)
        assert r.exit_code == 2, args
        assert "это входной файл" in r.stderr and r.stdout_bytes == b""
        assert src.read_bytes() == before
    # a folder given as input: a file inside it is an input too
    r = run("scan", str(tmp_path), "-f", "jsonl", "-o", str(src))
    assert r.exit_code == 2 and src.read_bytes() == before
    # stdin redirected from the file
    with open(src, "rb") as fh:
        p = sub("scan", "-", "-f", "jsonl", "-o", str(src), stdin=fh)
    assert p.returncode == 2 and "стандартный ввод".encode() in p.stderr
    assert src.read_bytes() == before


def test_report_and_summary_on_one_file_are_refused(tmp_path):
    out = tmp_path / "r.json"
    r = run("scan", str(PLANTED_ONE), "-o", str(out), "--summary", str(tmp_path / "." / "r.json"))
    assert r.exit_code == 2 and "один и тот же файл" in r.stderr
    assert not out.exists()


def test_review_export_over_its_own_store_is_refused(tmp_path):
    db = tmp_path / "s.db"
    assert run("scan", str(PLANTED_ONE), "--db", str(db), "-o", str(tmp_path / "r.jsonl")).exit_code == 0
    before = db.read_bytes()
    r = run("review", "export", "--db", str(db), "-o", str(db))
    assert r.exit_code == 2 and "хранилище" in r.stderr
    assert db.read_bytes() == before


def test_protest_output_that_is_an_input_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(PLANTED_ONE.read_bytes())
    before = src.read_bytes()
    r = run("protest", str(src), "--case", planted_record()["case_id"], "-o", str(src))
    assert r.exit_code == 2 and "это входной файл" in r.stderr
    assert src.read_bytes() == before


# ---- F08: devices, FIFOs, symlinks, /dev/fd/N are never replaced by a regular file ------------------


@pytest.mark.skipif(not ROOT, reason="mknod needs root")
def test_a_device_node_is_written_through_not_replaced(tmp_path):
    null = tmp_path / "nulldev"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    r = run("scan", str(PLANTED_ONE), "-o", str(null), "--summary", str(null))
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)
    p = protest_to(null)
    assert p.exit_code == 0 and stat.S_ISCHR(null.lstat().st_mode)
    assert temps(tmp_path) == []


def protest_to(path: Path):
    return run("protest", str(PLANTED_ONE), "--case", planted_record()["case_id"], "-o", str(path))


def test_a_fifo_is_written_through(tmp_path):
    fifo = tmp_path / "f.jsonl"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = run("scan", str(PLANTED_ONE), "-o", str(fifo))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and orjson.loads(got[0].splitlines()[0])["case_id"] == planted_record()["case_id"]
    assert temps(tmp_path) == []


def test_a_symlink_stays_a_link_and_its_target_gets_the_report(tmp_path):
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    for cmd in (("scan", str(PLANTED_ONE), "-o", str(link)), ("schema", "-o", str(link))):
        r = run(*cmd)
        assert r.exit_code == 0, r.stderr
        assert link.is_symlink() and os.readlink(link) == str(target)
        assert target.read_text() != "old\n"
    assert temps(tmp_path) == [] and temps(tmp_path / "reports") == []


def test_process_substitution_dev_fd_path_works(tmp_path):
    r, w = os.pipe()
    chunks: list[bytes] = []

    def drain():
        with os.fdopen(r, "rb") as fh:
            chunks.append(fh.read())

    t = threading.Thread(target=drain)
    t.start()
    try:
        p = sub("scan", str(PLANTED_ONE), "-f", "jsonl", "-o", f"/dev/fd/{w}", pass_fds=(w,))
    finally:
        os.close(w)
    t.join(timeout=60)
    assert p.returncode == 0, p.stderr
    assert b"Traceback" not in p.stderr
    assert chunks and b'"format":"legality.report/1"' in chunks[0].replace(b" ", b"")


# ---- F09 / F25 / F30: a full disk -------------------------------------------------------------


def small_files(limit: int):
    """A child process that cannot write a file past `limit` bytes: EFBIG, like a full disk."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_stdout_on_a_full_device_is_one_line_exit_2():
    for args in (("scan", str(PLANTED_ONE), "-f", "jsonl"), ("schema",), ("validate", str(FIXTURES_DIR / "invalid")),
                 ("explain", str(PLANTED_ONE), "--case", planted_record()["case_id"]),
                 ("protest", str(PLANTED_ONE), "--case", planted_record()["case_id"])):
        with open("/dev/full", "wb") as full:
            p = sub(*args, stdout=full, stderr=subprocess.PIPE)
        err = p.stderr.decode()
        assert p.returncode == 2, (args, err)
        assert "Traceback" not in err and "Exception ignored" not in err
        assert "нет места" in err, err


def test_a_report_that_does_not_fit_keeps_the_previous_one_and_no_temp(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text("previous complete report\n")
    p = sub("scan", str(PLANTED_ONE), "-f", "jsonl", "-o", str(out), preexec_fn=small_files(1000))
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "Traceback" not in err and "не удаётся записать отчёт в" in err and "сохранена" in err
    assert out.read_text() == "previous complete report\n"
    assert temps(tmp_path) == []


def test_a_summary_that_does_not_fit_after_the_report_says_so(tmp_path):
    out, summary = tmp_path / "r.jsonl", tmp_path / "s.json"
    # a file of lawful records that are all checked fully: the report is empty and fits, the summary does not
    # (the lawful folder also holds a record the catalogue cannot check, reported `partial`)
    p = sub("scan", str(LAWFUL / "almaty.jsonl"), "-f", "jsonl", "-o", str(out), "--summary", str(summary),
            preexec_fn=small_files(100))
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "отчёт записан в" in err and "сводку" in err and "Traceback" not in err
    assert out.exists() and not summary.exists() and temps(tmp_path) == []


def test_schema_output_is_atomic(tmp_path):
    out = tmp_path / "schema.json"
    out.write_text('{"old": true}\n')
    p = sub("schema", "-o", str(out), preexec_fn=small_files(1000))
    assert p.returncode == 2 and b"Traceback" not in p.stderr
    assert out.read_text() == '{"old": true}\n'
    assert temps(tmp_path) == []


def test_protest_docx_on_a_full_disk_is_one_line_without_zip_noise(tmp_path):
    out = tmp_path / "p.docx"
    out.write_bytes(b"old")
    p = sub("protest", str(PLANTED_ONE), "--case", planted_record()["case_id"], "-o", str(out),
            preexec_fn=small_files(2000))
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert len(err.splitlines()) == 1 and "Exception ignored" not in err and "Traceback" not in err
    assert out.read_bytes() == b"old" and temps(tmp_path) == []


# ---- F23: temp files of killed runs -------------------------------------------------------------


def test_stale_temp_files_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "r.jsonl"
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    dead = tmp_path / f".r.jsonl.{pid_max + 1}.abcd1234.tmp"          # its process is gone
    live_proc = subprocess.Popen(["sleep", "60"])
    try:
        live = tmp_path / f".r.jsonl.{live_proc.pid}.efgh5678.tmp"   # another run, still writing
        old_legacy = tmp_path / ".r.jsonl.k2j3h4g5.tmp"                # old naming, hours old
        new_legacy = tmp_path / ".r.jsonl.q9w8e7r6.tmp"                # old naming, just written
        other = tmp_path / f".other.jsonl.{pid_max + 1}.abcd1234.tmp"  # another output's
        for f in (dead, live, old_legacy, new_legacy, other):
            f.write_text("partial")
        os.utime(old_legacy, (1, 1))
        r = run("scan", str(PLANTED_ONE), "-o", str(out))
        assert r.exit_code == 0, r.stderr
        assert not dead.exists() and not old_legacy.exists()
        assert live.exists() and new_legacy.exists() and other.exists()
    finally:
        live_proc.kill()
        live_proc.wait()


def test_the_temp_name_carries_the_writers_pid(tmp_path):
    out = tmp_path / "r.jsonl"
    with atomic.atomic_binary(out) as fh:
        fh.write(b"x")
        (name,) = temps(tmp_path)
    assert re.fullmatch(rf"\.r\.jsonl\.{os.getpid()}\.\w+\.tmp", name)
    assert out.read_bytes() == b"x" and temps(tmp_path) == []


# ---- F13: no terminal escape from a record or a file name --------------------------------------

PAYLOADS = ["\u001b[2J\u001b[H\u001b[31mPWNED\u001b[0m", "\u001b]0;owned title\u0007",
            "\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\", "\u202eevil\u202c\u2066x\u2069\u009b31m"]
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


def injected(tmp_path: Path, name: str = "inj.jsonl") -> tuple[Path, list[str]]:
    records, ids = [], []
    for i, p in enumerate(PAYLOADS):
        r = planted_record()
        r["case_id"] = f"INJ-{i}{p}"
        r["court"]["name"] = f"Суд{p}"
        r["court"]["code"] = f"C{p}"
        r["offences"][0]["id"] = f"1{p}"
        records.append(r)
        ids.append(r["case_id"])
    bad = planted_record()
    bad["case_id"] = f"BAD{PAYLOADS[0]}"
    bad["verdict_date"] = "not a date"
    records.append(bad)
    return write_jsonl(tmp_path / name, records), ids


def clean_text(text: str) -> bool:
    return not any(ch in text for ch in FORBIDDEN)


def table_columns(text: str, n: int) -> list[str]:
    """The cells of each column of the rich tables with `n` columns in `text`, the lines of a folded cell
    joined (a long file name is folded at the column's width, wherever the temporary folder ends)."""
    cols = [""] * n
    for row in text.splitlines():
        parts = row.split("│")
        if len(parts) == n + 2:
            for i, cell in enumerate(parts[1:-1]):
                cols[i] += cell.strip()
    return cols


def test_no_escape_sequence_reaches_any_human_output(tmp_path):
    src, ids = injected(tmp_path, "\u001b[31mred\u001b[0m.jsonl")
    table = tmp_path / "r.txt"
    r = run("scan", str(src), "-f", "table", "-o", str(table))
    assert r.exit_code == 0, r.stderr
    text = table.read_text()
    assert clean_text(text) and clean_text(r.stderr)
    assert "\\x1b[2J" in text                                         # shown, not obeyed
    # the invalid record and the file name are printed only in the list of bad records: escaped there too
    r = run("scan", str(src), "-f", "table", "--show-invalid", "-o", str(table))
    assert r.exit_code == 0, r.stderr
    text = table.read_text()
    assert clean_text(text) and clean_text(r.stderr)
    case, where, _what = table_columns(text, 3)
    assert "BAD\\x1b[2J" in case and "red\\x1b[0m.jsonl:5" in where      # shown, not obeyed
    r = run("validate", str(src))
    assert r.exit_code == 1 and clean_text(r.stdout) and clean_text(r.stderr) and "\\x1b" in r.stdout
    for case in ids:
        r = run("explain", str(src), "--case", case)
        assert r.exit_code == 0, r.stderr
        assert clean_text(r.stdout) and clean_text(r.stderr)
        r = run("protest", str(src), "--case", case)
        assert r.exit_code == 0 and clean_text(r.stdout) and clean_text(r.stderr)
    html = tmp_path / "r.html"
    assert run("scan", str(src), "-f", "html", "-o", str(html)).exit_code == 0
    assert clean_text(html.read_text())
    db = tmp_path / "s.db"
    assert run("scan", str(src), "--db", str(db), "-o", str(tmp_path / "r.jsonl")).exit_code == 0
    r = run("review", "list", "--db", str(db), "--format", "table")
    assert r.exit_code == 0 and clean_text(r.stdout) and "INJ-0" in r.stdout
    for cmd in ("scan", "validate"):                                   # a hostile name on stderr
        r = run(cmd, str(tmp_path / "\u001b]0;title\u0007missing.jsonl"))
        assert r.exit_code == 2 and clean_text(r.stderr) and "missing.jsonl" in r.stderr


def test_safe_text_escapes_controls_and_bidi_and_keeps_layout_when_asked():
    assert safe_text("a\x1b[31mb\x07\x9b\u202ec\u2069") == "a\\x1b[31mb\\x07\\x9b\\u202ec\\u2069"
    assert safe_text("a\nb\tc") == "a\\x0ab\\x09c"
    assert safe_text("a\nb\tc\x1b", multiline=True) == "a\nb\tc\\x1b"
    assert safe_text("Ауэзовский районный суд") == "Ауэзовский районный суд"


# ---- F14 / F15: the draft protest --------------------------------------------------------------

MD_PAYLOAD = ("**bold** [link](http://evil.example) …\n\n# Injected heading\n\n1. list\n> quote\n---\n"
              "~~strike~~ $x$ http://evil.example ![img](x.png) <b>html</b> &amp; a@b.example\n===")


def test_xml_incompatible_characters_do_not_crash_the_docx(tmp_path):
    rec = planted_record()
    rec["case_id"] = "CTRL-0"
    rec["court"]["name"] = "Суд\u0001X\u001b\u000bY\u0000Z\ufffe"
    src = write_jsonl(tmp_path / "ctrl.jsonl", [rec])
    out = tmp_path / "p.docx"
    r = run("protest", str(src), "--case", "CTRL-0", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "СудX YZ" in text          # a vertical tab is a line break in Word: a space here
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]", text)


def test_record_text_stays_plain_text_in_the_markdown_draft(tmp_path):
    clean = planted_record()
    rec = planted_record()
    rec["court"]["name"] = MD_PAYLOAD
    src = write_jsonl(tmp_path / "md.jsonl", [rec])
    ref = write_jsonl(tmp_path / "ref.jsonl", [clean])
    md = run("protest", str(src), "--case", rec["case_id"]).stdout
    md_ref = run("protest", str(ref), "--case", clean["case_id"]).stdout
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def shape(text: str) -> list[str]:
        return [t.type for t in parser.parse(text)]

    # the same document structure as with an ordinary court name: no heading, list, quote,
    # rule, paragraph or table the record brought
    assert shape(md) == shape(md_ref)
    inline = [c for t in parser.parse(md) if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("link_open", "image", "s_open", "html_inline", "strong_open")
                and "evil" in str(c.attrs) + c.content] and "http://evil" not in md
    assert not any(c.type in ("link_open", "image", "html_inline", "s_open") for c in inline)
    rendered = parser.render(md)
    assert "<h1>Injected" not in rendered and "<a " not in rendered and "<b>" not in rendered
    assert "**bold**" in rendered and "# Injected heading" in rendered   # the text itself, as text


def test_record_text_never_adds_paragraphs_or_breaks_in_the_docx(tmp_path):
    rec, clean = planted_record(), planted_record()
    rec["court"]["name"] = MD_PAYLOAD
    paths = []
    for name, r in (("md", rec), ("ref", clean)):
        src = write_jsonl(tmp_path / f"{name}.jsonl", [r])
        out = tmp_path / f"{name}.docx"
        assert run("protest", str(src), "--case", r["case_id"], "-o", str(out)).exit_code == 0
        paths.append(out)
    doc, ref = (docx.Document(str(p)) for p in paths)
    assert len(doc.paragraphs) == len(ref.paragraphs)
    assert "<w:br" not in doc.element.xml and "\n" not in "".join(p.text for p in doc.paragraphs)


def test_plain_text_drops_what_a_word_processor_rejects():
    assert plain_text("a\nb\r\nc\x00d\x1b\ufffee\u202e") == "a b  cde"


# ---- F16: the HTML report's CSP ----------------------------------------------------------------


def test_html_csp_allows_only_the_pages_own_script_and_style_by_hash(tmp_path):
    src, _ = injected(tmp_path)
    out = tmp_path / "r.html"
    assert run("scan", str(src), "-f", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    policy = dict((d.split(" ", 1) + [""])[:2] for d in (x.strip() for x in csp.split(";")) if d)
    assert "unsafe-inline" not in csp
    (script,) = re.findall(r"<script>(.*?)</script>", html, re.S)
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)

    def digest(s: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert policy["script-src"] == digest(script)
    assert policy["style-src"] == digest(style)
    assert policy["default-src"] == "'none'"
    assert clean_text(html)


# ---- F17: CSV formulas ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" =1+1", "\n=1+1", "＝1+1", "＋1", "－1+1", "＠SUM(A1)", "\u0000=1", "=1", "+1+1",
                                   "-1+1", "@SUM(A1)", "\t=1", "\r=1", "  \n @x"])
def test_csv_neutralises_every_formula_start(value):
    assert spreadsheet_safe(value).startswith("'")


@pytest.mark.parametrize("value", ["-1", "+7", "-1,5", "3.25", "1e5", "-10%", "2024-0153-17", "ALM-AUEZ-01", "текст"])
def test_csv_leaves_plain_values_alone(value):
    assert spreadsheet_safe(value) == value


def test_csv_report_cells_from_records(tmp_path):
    records = []
    for i, p in enumerate([" =1+1", "\n=1+1", "＝1+1", "\u0000=1"]):
        r = planted_record()
        r["case_id"] = f"{p}{i}"
        records.append(r)
    src = write_jsonl(tmp_path / "csv.jsonl", records)
    for delim in (",", ";", "tab"):
        r = run("scan", str(src), "-f", "csv", "--csv-delimiter", delim)
        assert r.exit_code == 0
        import csv
        import io
        rows = list(csv.reader(io.StringIO(r.stdout_bytes.decode("utf-8-sig")),
                               delimiter={"tab": "\t"}.get(delim, delim)))
        cases = [row[0] for row in rows[1:]]
        assert cases and all(c.startswith("'") for c in cases), cases
        assert not any("\x00" in c for c in cases)
