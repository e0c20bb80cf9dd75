"""What the commands share: errors printed as `path:line:col: message` with their exit code, signals, logging on
stderr, the options every command has (-q and -v are added to each in one place, `with_verbosity`), and the settings settled from the command line and the project file."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen.errors import EXIT_SIGNAL, BriefgenError, Interrupted
from briefgen.progress import plural

if TYPE_CHECKING:
    from briefgen.config import Config
    from briefgen.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class _Handler(logging.Handler):
    """Records on stderr as `level: message` (the stage lines of -v as they are), above the progress display
    when one is drawn; counts the warnings, for the summary line."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        from briefgen import progress

        if record.levelno == logging.WARNING:
            self.warnings += 1
        message = record.getMessage()
        line = message if record.levelno == logging.INFO else f"{record.levelname.lower()}: {message}"
        if not progress.echo(line):
            click.echo(line, err=True)


def setup_logging(verbosity: int) -> _Handler:
    """-q (-1): errors only; 0: warnings; -v: each stage with its time; -vv: debug detail."""
    logger = logging.getLogger("briefgen")
    handler = _Handler()
    logger.handlers[:] = [handler]
    levels = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}
    logger.setLevel(levels.get(verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR))
    logger.propagate = False
    return handler


def reports_errors(func: F) -> F:
    """Turn briefgen errors into `path:line:col: message` lines and the error's exit code; SIGINT and SIGTERM
    into one line and 128 + the signal's number, after the temporary files are removed."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            with _signals_unwind():
                return func(*args, **kwargs)
        except BriefgenError as exc:
            if debug:
                traceback.print_exc()
            click.echo(exc.format(), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            if debug:
                traceback.print_exc()
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            _stop_workers()
            click.echo(f"briefgen: stopped by {signal.Signals(signum).name}", err=True)
            sys.exit(EXIT_SIGNAL + signum)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """While a command runs, SIGTERM (a CI's cancel, `timeout`) unwinds like Ctrl-C: `with` blocks remove
    their temporary folders, engine workers are stopped. A second signal is ignored while that happens."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)
        raise Interrupted(signum, signal.Signals(signum).name)

    previous = {each: signal.signal(each, stop) for each in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _stop_workers() -> None:
    """Stop the engine workers and remove this process's temporary folder now, not at exit."""
    from briefgen.backends import scratch, workers

    workers.shutdown()
    scratch.remove()


# -- options every command has -------------------------------------------------------------------------------


def config_option(func: F) -> F:
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The project's settings file (default: briefgen.toml, or pyproject.toml's [tool.briefgen], in this "
        "folder or a parent, up to the repository's root); command-line options win over it.",
    )(func)


def debug_option(func: F) -> F:
    return click.option("--debug", is_flag=True, help="Show Python tracebacks.")(func)


_VERBOSITY = (
    "briefgen.verbosity"  # the counts of -q and -v, in the context's meta (shared by group and command)
)


def _count(ctx: click.Context, param: click.Parameter, value: int) -> int:
    counts = ctx.meta.setdefault(_VERBOSITY, {"quiet": 0, "verbose": 0})
    counts[str(param.name)] += value or 0
    return value


def with_verbosity(command: click.Command) -> None:
    """-q and -v on `command`, and on every command of it when it is a group (`briefgen -q build` and `briefgen
    build -q` alike), before its --debug. Commands read them with `quiet()` and `verbosity()`."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_verbosity(sub)
    if any("--quiet" in param.opts for param in command.params):
        return
    options = [
        click.Option(
            ["-q", "--quiet"],
            count=True,
            expose_value=False,
            callback=_count,
            help="Print only errors: no progress, no line per file, no summary, no warning.",
        ),
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_count,
            help="Print each stage (load, validate, localise, render, engine, write) with its time; -vv adds "
            "debug detail (the template files, the engine's command).",
        ),
    ]
    at = next((i for i, param in enumerate(command.params) if "--debug" in param.opts), len(command.params))
    command.params[at:at] = options


def quiet() -> bool:
    """-q was given, to the command or to `briefgen` before it."""
    return bool(click.get_current_context().meta.get(_VERBOSITY, {}).get("quiet"))


def verbosity() -> int:
    """-1 under -q; else the number of -v (0 without)."""
    counts = click.get_current_context().meta.get(_VERBOSITY, {})
    return -1 if counts.get("quiet") else int(counts.get("verbose", 0))


# -- the settings --------------------------------------------------------------------------------------------


def settled(
    config: Path | None, flags: dict[str, Any], also: tuple[str, ...] = ()
) -> tuple[Config, dict[str, Any]]:
    """The project's file, and each setting of `flags` (by its name in the settings model) and of `also`
    (settings the command has no option for): given on the command line, else set in the file, else its
    default. `--format` picks the engine that writes it when the engine is not given as high up."""
    from click.core import ParameterSource

    from briefgen.config import load, settle

    ctx = click.get_current_context()
    model = settings_model(ctx)
    project = load(config, model=model)
    from briefgen.settings import fields

    declared = fields(model)
    defaults = {name: declared[name].default for name in also}
    given = {
        name
        for name in flags
        if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)
    }
    return project, settle(project, {**defaults, **flags}, given)


def settings_model(ctx: click.Context) -> type[Settings]:
    """The settings model of the running command: briefgen.settings.Settings, unless the command names
    another."""
    from briefgen.cli.options import SettingsCommand
    from briefgen.settings import Settings

    return ctx.command.settings_model() if isinstance(ctx.command, SettingsCommand) else Settings


def as_settings(values: dict[str, Any]) -> Settings:
    """The settled values as the model's settings (each value checked already, by its option or by the
    project file's validation); the settings not among them, their defaults."""
    return settings_model(click.get_current_context())(**values)


def targets(paths: tuple[Path, ...], project: Config) -> list[Path]:
    """The paths given, else the file's `briefs`, else briefs/."""
    from briefgen.brief.discover import DEFAULT_FOLDER

    return list(paths) or [project.get("briefs") or DEFAULT_FOLDER]


# -- what the commands print ---------------------------------------------------------------------------------


def human(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


__all__ = [
    "as_settings",
    "config_option",
    "debug_option",
    "human",
    "plural",
    "quiet",
    "reports_errors",
    "settings_model",
    "settled",
    "setup_logging",
    "targets",
    "verbosity",
    "with_verbosity",
]
