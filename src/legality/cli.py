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

Language (docs/i18n.md): `--lang kk|ru` is read from argv in `LegalityGroup.main` before any
command module is imported (then `LEGALITY_LANG`, then the locale), and accepted by the group and by
every command.  The help texts stay English in the code; they are message ids that `localize` passes
through the catalogue when the tree is shown, and click's own words ("Usage:", "Error: Missing option")
go through the same catalogue because `_use_our_catalogue` points click's module-level `_` at ours.

Why the handler sits in `Group.invoke`: `[project.scripts]` and click's `CliRunner` both call
`main.main(...)`, which wraps `invoke`; catching there, before click's own handler, is what lets a
broken pipe exit 0 (click would exit 1) and every other escape get the exit codes above in both.
"""

from __future__ import annotations

import datetime
import gettext
import importlib
import inspect
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__, commands, i18n
from .i18n import _

EXIT_OS, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 3, 130
PACKAGE_DIR = Path(__file__).resolve().parent


# command name -> its module in legality.commands (imported when the command runs)
COMMAND_MODULES: dict[str, str] = {
    "cache": "cache", "check": "check", "compare": "compare", "explain": "explain", "fmt": "fmt", "graph": "check", "law": "law", "lsp": "lsp", "new": "new",
    "protest": "protest", "review": "review", "rules": "rules", "runs": "runs", "scan": "scan", "schema": "schema",
    "serve": "serve", "stats": "runs", "test": "ruletest", "users": "users",
    "validate": "validate",
}


# click's modules that translate their words with `gettext.gettext` / `gettext.ngettext`
_CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                  "click.types", "click.termui", "click.utils", "click.shell_completion", "click._termui_impl")


def _use_our_catalogue() -> None:
    """Point click's module-level `_`/`ngettext` at `legality.i18n`, so its words follow `--lang`.

    Why not `gettext.textdomain`: that would re-route every gettext user in the process and depend
    on LANGUAGE; replacing the names click looks up at call time touches click alone, and a test
    (tests/test_i18n.py) fails if a click release moves them."""
    for name in _CLICK_MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module a click release dropped
            continue
        if getattr(mod, "_", None) in (gettext.gettext, i18n._):
            mod._ = i18n._  # type: ignore[attr-defined]
        if getattr(mod, "ngettext", None) in (gettext.ngettext, i18n.ngettext):
            mod.ngettext = i18n.ngettext  # type: ignore[attr-defined]


_use_our_catalogue()

LANG_HELP = ("Language of the output and of this help: kk (Kazakh) or ru (Russian); en (English) gives the "
             "rule authors' diagnostics and this help in English, the rest stays Russian. "
             "Default: LEGALITY_LANG, else the system locale (kk or ru).")
# click's words it translates through a variable (a group's usage metavars, the «required» mark of an
# option), so not seen by the extractor: listed for tools/i18n.py
EXTRA_MSGIDS = ("COMMAND [ARGS]...", "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]...", "required")
_EN = "_legality_en"  # attribute holding a command's or option's English texts (the message ids)


def _lang_chosen(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value and value != i18n.language():  # normally already chosen from argv by `LegalityGroup.main`
        i18n.set_language(value)
        localize(ctx.find_root().command)


def lang_option() -> click.Option:
    return click.Option(["--lang"], type=click.Choice(i18n.LANGS, case_sensitive=False), expose_value=False,
                        is_eager=True, callback=_lang_chosen, help=LANG_HELP)


def help_msgid(text: str | None) -> str | None:
    """The message id of a help text as click shows it (cleaned indentation, cut at `\\f`)."""
    if not text:
        return None
    return inspect.cleandoc(text).partition("\f")[0].strip() or None


def _tr(text: str | None) -> str | None:
    msgid = help_msgid(text)
    return text if msgid is None else _(msgid)


def localize(cmd: click.Command) -> click.Command:
    """Show `cmd` (and its subcommands) in the current language; idempotent, keeps the English ids.

    Also gives every command the `--lang` option, so `legality scan … --lang kk` works as well as
    `legality --lang kk scan …`."""
    en = cmd.__dict__.setdefault(_EN, {"help": cmd.help, "short_help": cmd.short_help, "epilog": cmd.epilog,
                                       "options_metavar": cmd.options_metavar})
    cmd.help, cmd.short_help, cmd.epilog = _tr(en["help"]), _tr(en["short_help"]), _tr(en["epilog"])
    if en["options_metavar"] == "[OPTIONS]":
        cmd.options_metavar = _("[OPTIONS]")
    if isinstance(cmd, click.Group):
        en.setdefault("subcommand_metavar", cmd.subcommand_metavar)
        if en["subcommand_metavar"] in EXTRA_MSGIDS:
            cmd.subcommand_metavar = _(en["subcommand_metavar"])
    if not any(p.name == "lang" for p in cmd.params):
        cmd.params.append(lang_option())
    cmd._help_option = None  # re-made, in the current language, when next asked for
    for param in cmd.params:
        if isinstance(param, click.Option):
            pen = param.__dict__.setdefault(_EN, {"help": param.help, "show_default": param.show_default})
            param.help = _tr(pen["help"])
            if isinstance(pen["show_default"], str):
                param.show_default = _tr(pen["show_default"])
            if isinstance(param.type, click.Path):
                _localize_path(param)
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            localize(sub)
    return cmd


def _localize_path(param: click.Option) -> None:
    """A path option keeps its English metavar (FILE, DIRECTORY, PATH: the help texts name it so, like an
    option name) while click's messages about it ("Файл 'x' не существует") use the current language."""
    kind = param.type
    assert isinstance(kind, click.Path)
    english = "file" if kind.file_okay and not kind.dir_okay else "directory" if kind.dir_okay and not kind.file_okay \
        else "path"
    kind.name = _(english)
    if param.metavar is None:
        param.metavar = english.upper()


def help_texts(cmd: click.Command) -> list[str]:
    """Every English help message id of `cmd` and its subcommands (for the catalogue, tools/i18n.py)."""
    localize(cmd)
    out: list[str] = []
    en = cmd.__dict__[_EN]
    for key in ("help", "short_help", "epilog"):
        msgid = help_msgid(en[key])
        if msgid:
            out.append(msgid)
    for param in cmd.params:
        if isinstance(param, click.Option) and _EN in param.__dict__:
            pen = param.__dict__[_EN]
            for value in (pen["help"], pen["show_default"] if isinstance(pen["show_default"], str) else None):
                msgid = help_msgid(value)
                if msgid:
                    out.append(msgid)
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            out.extend(help_texts(sub))
    return out


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
    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Choose the language first (`--lang` anywhere in argv, else LEGALITY_LANG, else the locale).

        The previous language is restored on the way out, so a test calling `main` twice in one
        process gets each run in its own language."""
        argv = sys.argv[1:] if args is None else list(args)
        before = i18n.language()
        i18n.set_language(i18n.language_in_argv(argv) or i18n.default_language())
        localize(self)
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        finally:
            i18n.set_language(before)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = COMMAND_MODULES.get(cmd_name)
            for cmd in _module_commands(module) if module is not None else []:
                self.commands.setdefault(cmd.name or "", localize(cmd))
            if cmd_name not in self.commands:
                self.list_commands(ctx)
        found = self.commands.get(cmd_name)
        return localize(found) if found is not None else None

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name, cmd in discover().items():
            self.commands.setdefault(name, localize(cmd))
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
            click.echo("legality: " + _("прервано пользователем"), err=True)
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
@click.version_option(__version__, prog_name="legality", message="%(prog)s %(version)s",
                      help="Show the version and exit.")
@click.option("--lang", type=click.Choice(i18n.LANGS, case_sensitive=False), expose_value=False, is_eager=True,
              callback=_lang_chosen, help=LANG_HELP)
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
        return _("{file}: ошибка ввода-вывода: {error}").format(file=safe_text(exc.filename), error=os_error_ru(exc))
    if stdout_broken:
        return _("не удаётся записать в стандартный вывод: {error}").format(error=os_error_ru(exc))
    return _("ошибка ввода-вывода: {error}").format(error=os_error_ru(exc))


def crash_line(exc: BaseException) -> str:
    """One line naming what broke; the traceback goes to a private file (or stderr when debugging)."""
    name = type(exc).__name__
    where = _where(exc)
    if os.environ.get("LEGALITY_DEBUG") == "1":
        traceback.print_exception(exc, file=sys.stderr)
        return "legality: " + _("внутренняя ошибка ({name} в {where}); сообщите разработчикам").format(
            name=name, where=where)
    try:
        path = write_crash_report(exc)
    except OSError as err:
        from .report.atomic import os_error_ru

        return "legality: " + _("внутренняя ошибка ({name} в {where}); подробности записать не удалось "
                                "({error}); повторите с LEGALITY_DEBUG=1 и сообщите разработчикам").format(
            name=name, where=where, error=os_error_ru(err))
    return "legality: " + _("внутренняя ошибка ({name} в {where}); подробности в {path}; сообщите разработчикам"
                            ).format(name=name, where=where, path=path)


def _where(exc: BaseException) -> str:
    """`report/base.py:77`: the innermost frame in legality's own code (else the innermost one)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PACKAGE_DIR)]
    if not (ours or frames):
        return _("неизвестном месте")
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
