"""The commands that run the pipeline: `build`, `watch` (build, then rebuild on change), `serve` (watch, with a
preview in the browser) and `check` (validate only); their options are the settings model's."""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from briefgen.cli.common import (
    as_settings,
    config_option,
    debug_option,
    human,
    plural,
    reports_errors,
    settled,
    setup_logging,
    targets,
    verbosity,
)
from briefgen.cli.options import EVERY, SettingsCommand, Use
from briefgen.errors import EXIT_INPUT, BriefgenError
from briefgen.progress import summary as _summary

F = TypeVar("F", bound=Callable[..., Any])


def _options(func: F) -> F:
    """--config and --debug (-q and -v come before --debug, as on every command: common.with_verbosity)."""
    return config_option(debug_option(func))


def _written_line(written: Any) -> str:
    if written.up_to_date:
        return f"{written.path}  up to date"
    pages = f"{plural(written.pages, 'page')}  " if written.pages else ""
    return f"{written.path}  {pages}{human(written.size)}  {written.seconds:.2f} s"


# The languages a brief is counted for before it is read, to start the workers its documents will need: the
# example briefs', as `briefgen new` writes them. A brief of one language leaves a worker idle, and one of more
# has the others started once it is read (build.make).
LANGUAGES_GUESSED = 2


def _warm_engine(settings: Any, briefs: list[Path]) -> None:
    """For PDFs into a folder that has none of briefgen's yet (or with --force), start the engine workers now,
    before the briefs are read (one for each document it will typeset at once, as far as the brief files found
    and --lang tell): each imports its engine while this process reads, validates and renders the briefs.
    Elsewhere `make` starts them once it knows that something is not up to date."""
    from briefgen.backends import BACKENDS, start_workers
    from briefgen.brief.discover import find_briefs
    from briefgen.uptodate import MANIFEST as NAME

    backend = BACKENDS.get(settings.engine)
    fresh = settings.force or not (Path(settings.out) / NAME).exists()
    if settings.format == "pdf" and backend is not None and backend.pdf and fresh:
        documents = len(find_briefs(briefs)) * (len(settings.langs) if settings.langs else LANGUAGES_GUESSED)
        start_workers(backend.name, documents, settings.jobs)


@dataclass(frozen=True)
class _Kept:
    """An output found up to date by the folder's record, as `_written_line` prints it."""

    path: Path
    up_to_date: bool = True


def _known(briefs: list[Path], settings: Any, quiet: bool) -> list[_Kept]:
    """The outputs of a PDF build when the folder's record shows every one up to date (briefgen.uptodate),
    its warnings given again; none when the full build must decide (and under -v, which shows its stages)."""
    import logging

    from briefgen import uptodate

    if settings.format != "pdf" or settings.force or verbosity() > 0:
        return []
    found = uptodate.known(briefs, settings)
    if found is None or (found.warnings is None and not quiet):
        return []
    for warning in found.warnings or []:
        logging.getLogger("briefgen.build").warning("%s", warning)
    return [_Kept(path) for path in found.outputs]


def _full_build(briefs: list[Path], settings: Any, quiet: bool) -> Iterator[Any]:
    """Resolve the settings, plan and build, recording what a PDF build read for the next one."""
    # First: the workers import their engine while this process imports its own.
    _warm_engine(settings, briefs)

    from briefgen import progress, uptodate
    from briefgen.build import build as run_build
    from briefgen.build import resolve

    if settings.format != "pdf":
        yield from run_build(briefs, resolve(settings), progress=progress.live(quiet))
        return
    with contextlib.closing(uptodate.Recorder(briefs, settings, heard=not quiet).listen()) as recorder:
        setup = resolve(settings)
        yield from run_build(briefs, setup, progress=progress.live(quiet), recorder=recorder)


@click.command(cls=SettingsCommand, settings=EVERY)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_options
@reports_errors
def build(paths: tuple[Path, ...], config: Path | None, debug: bool, **flags: Any) -> None:
    """Build PDF briefings from briefs (files or folders; default: briefs/, or the project file's `briefs`).

    Every output is made before the first is written: when one build fails, nothing is written. Options not
    given are read from briefgen.toml (or pyproject.toml's [tool.briefgen]) when the project has one.
    """
    import time

    started = time.perf_counter()
    handler = setup_logging(verbosity())
    quiet = verbosity() < 0
    # flags: every setting that has an option, by its name in the settings model
    project, values = settled(config, flags)
    settings = as_settings(values)
    briefs = targets(paths, project)
    written = kept = 0
    for each in _known(briefs, settings, quiet) or _full_build(briefs, settings, quiet):
        kept += each.up_to_date
        written += not each.up_to_date
        if not quiet:
            click.echo(_written_line(each))
    if not quiet:
        seconds = time.perf_counter() - started
        summary = _summary(written, settings.format, settings.out, seconds, handler.warnings, kept)
        click.echo(summary, err=True)


@click.command(cls=SettingsCommand, settings=EVERY)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_options
@reports_errors
def watch(paths: tuple[Path, ...], config: Path | None, debug: bool, **flags: Any) -> None:
    """Build, then rebuild as files change: a brief, its sources and figures (that brief), a catalog (the
    briefs in its language), a theme's manifest, templates, fonts or logo (every brief).

    Takes the options of `build`. Prints a line per file written and the problems of a bad edit, and goes on
    watching; Ctrl-C stops it.
    """
    import time

    from briefgen import progress
    from briefgen.errors import display_path
    from briefgen.watch import Watch

    setup_logging(verbosity())
    quiet = verbosity() < 0
    # flags: every setting that has an option, by its name in the settings model
    project, values = settled(config, flags)
    watcher = Watch(targets(paths, project), as_settings(values), progress.live(quiet))

    rounds = {"first": True}  # the first build is "built", the next ones "rebuilt"

    def stamp(what: str, ok: bool = True) -> None:
        """`[21:14:03] rebuilt kyutai-launch (2 files)`: a line when each build ends, saying what it did."""
        if not quiet:
            done = ("" if ok else "not ") + ("built" if rounds["first"] else "rebuilt")
            click.echo(f"[{time.strftime('%H:%M:%S')}] {done} {what}", err=True)

    def built(written: list[Any]) -> None:
        if not quiet:
            for each in written:
                click.echo(_written_line(each))
        ids = sorted({each.task.loaded.brief.id for each in written})
        stamp(f"{', '.join(ids)} ({plural(len(written), 'file')})")

    def failed(error: BriefgenError) -> None:
        if debug:
            traceback.print_exception(error)
        click.echo(error.format(), err=True)
        stamp(f"({plural(len(error.problems), 'problem')})", ok=False)

    def ready(roots: list[Path]) -> None:
        rounds["first"] = False
        if not quiet:
            folders = ", ".join(display_path(root) or "." for root in roots)
            click.echo(f"watching {plural(len(watcher.briefs), 'brief')} ({folders}); Ctrl-C stops", err=True)

    watcher.run(built, failed, ready)


@click.command(
    cls=SettingsCommand,
    after="host",
    settings=(Use("langs"), Use("engine"), Use("theme"), Use("templates"), Use("jobs"), Use("timeout")),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port to serve on."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to serve on; any but a loopback one lets other machines read the briefs.",
)
@_options
@reports_errors
def serve(
    paths: tuple[Path, ...], port: int, host: str, config: Path | None, debug: bool, **flags: Any
) -> None:
    """Preview briefs in a browser: each brief's HTML page and PDF side by side per language, rebuilt as
    `watch` rebuilds them and reloaded in the page; a bad edit's problems are shown on the page above the last
    good version.

    Builds into a scratch folder removed when it stops (out/ is left as it is). Prints the address, a line per
    file written and the problems of a bad edit; Ctrl-C stops it.
    """
    from briefgen import serve as serving

    setup_logging(verbosity())
    quiet = verbosity() < 0
    serving.require()
    # flags: the settings a preview takes, by their names in the settings model
    project, values = settled(config, flags)
    if not serving.loopback(host):
        click.echo(f"warning: serving on {host}: other machines that reach it can read the briefs", err=True)
    sock = serving.listen(host, port)

    def built(written: list[Any]) -> None:
        if not quiet:
            for each in written:
                click.echo(_written_line(each))

    def failed(error: BriefgenError) -> None:
        if debug:
            traceback.print_exception(error)
        click.echo(error.format(), err=True)

    def ready(count: int) -> None:
        if not quiet:
            click.echo(f"serving {plural(count, 'brief')} at {serving.address(sock)}; Ctrl-C stops", err=True)

    serving.serve(targets(paths, project), as_settings(values), sock, built, failed, ready)


@click.command(
    cls=SettingsCommand,
    after="strict",
    settings=(
        Use(
            "theme",
            help="The theme whose catalogs and fonts the briefs are checked against: a built-in name or a "
            "folder.",
        ),
        Use("templates"),
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@_options
@reports_errors
def check(
    paths: tuple[Path, ...],
    strict: bool,
    config: Path | None,
    debug: bool,
    **flags: Any,
) -> None:
    """Validate briefs, compare their languages and look for characters the theme's fonts lack; write nothing.

    Ends with a summary line, `1 brief checked: 0 error(s), 2 warning(s)`, and exit 2 when there are errors.
    """
    from briefgen.brief.discover import find_briefs
    from briefgen.build import font_problems, plan, resolve
    from briefgen.errors import InputError, Problem
    from briefgen.language.parity import compare
    from briefgen.theme_check import check_all

    setup_logging(verbosity())
    quiet = verbosity() < 0
    # flags: the theme and templates; the engine, the project file's or the default
    project, values = settled(config, flags, also=("engine",))
    paths_ = targets(paths, project)
    findings: list[Problem]
    try:
        said: list[Problem] = []
        setup = resolve(as_settings(values), warnings=said)
        theme_problems = check_all(setup.theme)  # every engine's templates, not only the chosen one's
        if any(not p.warning for p in theme_problems):
            raise InputError(theme_problems)
        planned = plan(paths_, setup)
        findings = list(dict.fromkeys([*said, *theme_problems]))
        catalogs = planned.setup.theme.catalog_dirs
        briefs = {task.loaded.file: task.loaded for task in planned.tasks}
        findings += [p for loaded in briefs.values() for p in compare(loaded, catalogs)]
        findings += list(
            dict.fromkeys(p for task in planned.tasks for p in font_problems(task, planned.setup))
        )
        count = len(briefs)
    except InputError as exc:  # a brief that does not load or validate: its problems, then the summary
        findings = exc.problems
        count = len(find_briefs(paths_))
    errors = [p for p in findings if strict or not p.warning]
    for finding in findings:
        if not quiet or finding in errors:
            click.echo(str(finding), err=True)
    warnings = len(findings) - len(errors)
    if not quiet:
        summary = f"{plural(count, 'brief')} checked: {len(errors)} error(s), {warnings} warning(s)"
        click.echo(summary, err=bool(errors))
    if errors:
        sys.exit(EXIT_INPUT)


__all__ = ["build", "check", "serve", "watch"]
