"""The `legality` command line: one click group; each command lives in `legality/commands/<name>.py`.

Why a table of command modules (`COMMAND_MODULES`) instead of importing them all: start-up.  A
command module pulls in what it needs (the reports, the store, the compiler), and `legality scan` of
one record should not pay for `protest`'s docx or `review`'s store; so a command's module is imported
only when the command runs.  Every module still exports `COMMANDS` (a list of click commands);
`--help` (and a name missing from the table) imports them all, so a new command works and is listed
even before it is added to the table — `tests/test_pack_cache.py` checks that the table is complete.

Exit codes (see README): 0 ok, 1 findings/failures, 2 usage error, unreadable input, rule files that
do not compile, or an OS error such as a full disk, 3 internal error (a bug: never 0 or 1, which a
nightly job reads as a finished run).

Why the handler sits in `Group.invoke`: `[project.scripts]` and click's `CliRunner` both call
`main.main(...)`, which wraps `invoke`; catching there, before click's own handler, is what lets a
broken pipe exit 0 (click would exit 1) and every other escape get the exit codes above in both.
"""

from __future__ import annotations

import datetime
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__, commands

EXIT_OS, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 3, 130
PACKAGE_DIR = Path(__file__).resolve().parent


# command name -> its module in legality.commands (imported when the command runs)
COMMAND_MODULES: dict[str, str] = {
    "cache": "cache", "check": "check", "explain": "explain", "fmt": "fmt", "graph": "check", "law": "law",
    "protest": "protest", "review": "review", "rules": "rules", "runs": "runs", "scan": "scan", "schema": "schema",
    "stats": "runs", "test": "ruletest", "validate": "validate",
}


def _module_commands(module: str) -> list[click.Command]:
    return list(getattr(importlib.import_module(f"{commands.__name__}.{module}"), "COMMANDS", []))


def discover() -> dict[str, click.Command]:
    """Every command of every module in legality.commands (what `--help` lists)."""
    import pkgutil

    found: dict[str, click.Command] = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            for cmd in _module_commands(info.name):
                found[cmd.name or ""] = cmd
    return found


class LegalityGroup(click.Group):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = COMMAND_MODULES.get(cmd_name)
            for cmd in _module_commands(module) if module is not None else []:
                self.commands.setdefault(cmd.name or "", cmd)
            if cmd_name not in self.commands:
                self.list_commands(ctx)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name, cmd in discover().items():
            self.commands.setdefault(name, cmd)
        return sorted(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # the reader of stdout went away (`| head -1`): what it wanted it got
            _silence_stdout()
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("legality: прервано пользователем", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            stdout_broken = _silence_stdout_if_broken()
            click.echo(f"legality: {os_error_line(exc, stdout_broken)}", err=True)
            sys.exit(EXIT_OS)
        except Exception as exc:
            _silence_stdout_if_broken()
            click.echo(crash_line(exc), err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=LegalityGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="legality")
def main() -> None:
    """legality — finds legality errors in criminal verdicts (УК РК) for prosecutors' protests.

    Exit codes: 0 ok; 1 findings or failures (see each command); 2 usage error, unreadable input,
    rules that do not compile, or a system error such as a full disk; 3 internal error (a bug:
    the message names the file with the details to send to the developers).
    """


def os_error_line(exc: OSError, stdout_broken: bool = False) -> str:
    from .report.atomic import os_error_ru
    from .report.text import safe_text

    if exc.filename:
        return f"{safe_text(exc.filename)}: ошибка ввода-вывода: {os_error_ru(exc)}"
    if stdout_broken:
        return f"не удаётся записать в стандартный вывод: {os_error_ru(exc)}"
    return f"ошибка ввода-вывода: {os_error_ru(exc)}"


def crash_line(exc: BaseException) -> str:
    """One line naming what broke; the traceback goes to a private file (or stderr when debugging)."""
    name = type(exc).__name__
    where = _where(exc)
    if os.environ.get("LEGALITY_DEBUG") == "1":
        traceback.print_exception(exc, file=sys.stderr)
        return f"legality: внутренняя ошибка ({name} в {where}); сообщите разработчикам"
    try:
        path = write_crash_report(exc)
    except OSError as err:
        from .report.atomic import os_error_ru

        return (f"legality: внутренняя ошибка ({name} в {where}); подробности записать не удалось "
                f"({os_error_ru(err)}); повторите с LEGALITY_DEBUG=1 и сообщите разработчикам")
    return f"legality: внутренняя ошибка ({name} в {where}); подробности в {path}; сообщите разработчикам"


def _where(exc: BaseException) -> str:
    """`report/base.py:77`: the innermost frame in legality's own code (else the innermost one)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PACKAGE_DIR)]
    if not (ours or frames):
        return "неизвестном месте"
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    shown = path.resolve().relative_to(PACKAGE_DIR).as_posix() if ours else path.name
    return f"{shown}:{frame.lineno}"


def crash_dir() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "legality" / "crash"


def write_crash_report(exc: BaseException) -> Path:
    """The traceback in a file only this user can read (it may quote a value from a record)."""
    folder = crash_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(f"legality {__version__}, python {sys.version.split()[0]}\n")
        fh.write(f"command: legality {' '.join(sys.argv[1:])}\n\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null, so the interpreter's final flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real descriptor (CliRunner): nothing will be flushed to a closed pipe


def _silence_stdout_if_broken() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
        return True
    return False


if __name__ == "__main__":  # pragma: no cover
    main()
