"""The command line: parse arguments, run the pipeline, print one line per output or one line per problem."""

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
from typing import Any, TypeVar

import click

from briefgen import __version__
from briefgen.backends import ENGINES, TIMEOUT
from briefgen.errors import EXIT_INPUT, EXIT_SIGNAL, BriefgenError, Interrupted

F = TypeVar("F", bound=Callable[..., Any])


class _Handler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging(verbosity: int) -> None:
    logger = logging.getLogger("briefgen")
    logger.handlers[:] = [_Handler()]
    logger.setLevel({-1: logging.ERROR, 0: logging.WARNING}.get(verbosity, logging.INFO))
    logger.propagate = False


def _reports_errors(func: F) -> F:
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


def _split_langs(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    langs = tuple(v.strip() for v in value.split(",") if v.strip())
    if not langs:
        raise click.BadParameter("give language codes, e.g. fr,en")
    return langs


def _human(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="briefgen", message="%(prog)s %(version)s")
def main() -> None:
    """Turn structured notes about an announcement into polished PDF briefings."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--lang",
    "langs",
    callback=_split_langs,
    help="Languages to build, e.g. fr,en (default: all the brief declares).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="weasyprint",
    show_default=True,
    help="The typesetting engine (briefgen doctor says which are installed).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder of the PDFs (written atomically).",
)
@click.option(
    "--theme",
    default="briefing",
    show_default=True,
    help="A built-in theme (briefgen themes list) or a theme folder holding a theme.yaml.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="Older form of a theme override: DIR/<theme>/<engine>/ and DIR/catalogs/ are searched first.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "typ", "tex"]),
    default="pdf",
    show_default=True,
    help="pdf, or the engine's source (html for weasyprint, typ for typst, tex for latex).",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Builds run in parallel."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop an engine that takes longer than this to typeset one document (exit 1).",
)
@click.option("-q", "--quiet", count=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def build(
    paths: tuple[Path, ...],
    langs: tuple[str, ...] | None,
    engine: str,
    out: Path,
    theme: str,
    templates: Path | None,
    fmt: str,
    jobs: int,
    timeout: float,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Build PDF briefings from briefs (files or folders; default: briefs/).

    Every output is made before the first is written: when one build fails, nothing is written.
    """
    from briefgen.backends import get_backend
    from briefgen.build import Options
    from briefgen.build import build as run_build

    _setup_logging(-1 if quiet else verbose)
    if fmt != "pdf":
        suffix = get_backend(engine).format
        if fmt != suffix:
            raise click.UsageError(
                f"--format {fmt} needs the engine that reads it (--engine {engine} writes {suffix})"
            )
    options = Options(
        engine=engine,
        langs=langs,
        out=out,
        theme=theme,
        templates=templates,
        format="pdf" if fmt == "pdf" else "source",
        timeout=timeout,
    )
    for written in run_build(list(paths) or [Path("briefs")], options, jobs=jobs):
        if not quiet:
            pages = f"{written.pages} page{'s' if written.pages != 1 else ''}  " if written.pages else ""
            click.echo(f"{written.path}  {pages}{_human(written.size)}  {written.seconds:.2f} s")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--theme", default="briefing", show_default=True, help="The theme whose catalogs are used.")
@click.option("--templates", type=click.Path(path_type=Path), help="Older form of a theme override.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def check(paths: tuple[Path, ...], strict: bool, theme: str, templates: Path | None, debug: bool) -> None:
    """Validate briefs, compare their languages and look for characters the theme's fonts lack; write nothing."""
    from briefgen.brief.parity import compare
    from briefgen.build import Options, font_problems, plan, theme_of

    options = Options(theme=theme, templates=templates)
    tasks = plan(list(paths) or [Path("briefs")], options)
    catalogs = theme_of(options).catalog_dirs
    briefs = {task.loaded.file: task.loaded for task in tasks}
    findings = [p for loaded in briefs.values() for p in compare(loaded, catalogs)]
    findings += list(dict.fromkeys(p for task in tasks for p in font_problems(task, options)))
    for finding in findings:
        click.echo(str(finding), err=True)
    errors = [p for p in findings if strict or not p.warning]
    warnings = len(findings) - len(errors)
    summary = f"{len(briefs)} brief{'s' if len(briefs) != 1 else ''} checked: {len(errors)} error(s), {warnings} warning(s)"
    click.echo(summary, err=bool(errors))
    if errors:
        sys.exit(EXIT_INPUT)


@main.group()
def themes() -> None:
    """List the built-in themes, show one resolved, or export one to customise it."""


@themes.command("list")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_list(debug: bool) -> None:
    """The built-in themes, what each extends, and the engines each supports."""
    from briefgen.themes.catalogue import listing

    for line in listing():
        click.echo(line)


@themes.command("show")
@click.argument("theme")
@click.option("--templates", type=click.Path(path_type=Path), help="Older form of a theme override.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_show(theme: str, templates: Path | None, debug: bool) -> None:
    """THEME resolved: its layers, fonts, logo, every token and the layer each template comes from."""
    from briefgen.themes.catalogue import show

    for line in show(theme, templates):
        click.echo(line)


@themes.command("export")
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(ENGINES), help="Copy only this engine's templates.")
@click.option(
    "--extend", is_flag=True, help="Write a theme that extends THEME: a manifest to edit, no template."
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_export(theme: str, directory: Path, engine: str | None, extend: bool, debug: bool) -> None:
    """Write THEME into DIRECTORY as a theme folder, to edit and build with --theme DIRECTORY."""
    from briefgen.themes.catalogue import export

    for path in export(theme, directory, engine, extend):
        click.echo(str(path))


@main.group()
def templates() -> None:
    """Older spelling of `briefgen themes` (templates list, templates export for --templates DIR)."""


@templates.command("list")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def templates_list(debug: bool) -> None:
    """The built-in themes (as `briefgen themes list`)."""
    from briefgen.themes.catalogue import listing

    for line in listing():
        click.echo(line)


@templates.command("export")
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(ENGINES), help="Export only this engine's templates.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def templates_export(theme: str, directory: Path, engine: str | None, debug: bool) -> None:
    """Copy a built-in THEME's templates into DIRECTORY/THEME/<engine>/, for --templates DIRECTORY."""
    from briefgen.themes.catalogue import export_legacy

    for path in export_legacy(theme, directory, engine):
        click.echo(str(path))


@main.command()
def doctor() -> None:
    """Say which engines and tools are installed, and how to install the missing ones."""
    from briefgen.doctor import report

    lines, complete = report()
    for line in lines:
        click.echo(line)
    sys.exit(0 if complete else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
