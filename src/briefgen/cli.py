"""The command line: parse arguments, run the pipeline, print one line per output or one line per problem."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from briefgen import __version__
from briefgen.backends import BACKENDS, DEFAULT, TIMEOUT, formats
from briefgen.errors import EXIT_INPUT, EXIT_SIGNAL, BriefgenError, Interrupted

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


def _setup_logging(verbosity: int) -> _Handler:
    """-q (-1): errors only; 0: warnings; -v: each stage with its time; -vv: debug detail."""
    logger = logging.getLogger("briefgen")
    handler = _Handler()
    logger.handlers[:] = [handler]
    levels = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}
    logger.setLevel(levels.get(verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR))
    logger.propagate = False
    return handler


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


def _split_standards(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    from briefgen.distribution.standards import parse

    try:
        return parse(value or "")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Registered(click.Choice[str]):
    """A choice among what the engine registry holds when the command runs, not when the command was
    declared: an engine added to briefgen.backends.BACKENDS is a choice of `--engine` and its source of
    `--format` at once."""

    def __init__(self, read: Callable[[], Iterable[str]]) -> None:
        self._read = read
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._read())

    @choices.setter
    def choices(self, _value: Sequence[str]) -> None:
        """click.Choice keeps the list it is given; this one reads the registry instead."""


def _engines() -> _Registered:
    return _Registered(lambda: BACKENDS)


def _or(words: Iterable[str]) -> str:
    """The words as a sentence lists them: html, typ or tex."""
    *rest, last = words
    return f"{', '.join(rest)} or {last}" if rest else last


def _human(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="briefgen", message="%(prog)s %(version)s")
def main() -> None:
    """Turn structured notes about an announcement into polished PDF briefings."""


def _config_option(func: F) -> F:
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The project's settings file (default: briefgen.toml, or pyproject.toml's [tool.briefgen], in this "
        "folder or a parent, up to the repository's root); command-line options win over it.",
    )(func)


def _build_options(func: F) -> F:
    """The options of `build`, which `watch` takes too."""
    options = [
        click.option(
            "--lang",
            "langs",
            callback=_split_langs,
            help="Languages to build, e.g. fr,en (default: all the brief declares).",
        ),
        click.option(
            "--engine",
            type=_engines(),
            default=DEFAULT,
            show_default=True,
            help="The typesetting engine (briefgen doctor says which are installed); with --format "
            f"{_or(b.format for b in BACKENDS.values())}, the engine that writes it.",
        ),
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("out"),
            show_default=True,
            help="The folder the PDFs are written to, made if needed; each file is replaced atomically.",
        ),
        click.option(
            "--theme",
            default="briefing",
            show_default=True,
            help="A built-in theme (briefgen themes list) or a theme folder holding a theme.yaml.",
        ),
        click.option(
            "--templates",
            type=click.Path(path_type=Path),
            help="Older form of a theme override: DIR/<theme>/<engine>/ and DIR/catalogs/ are searched first.",
        ),
        click.option(
            "--format",
            "fmt",
            type=_Registered(formats),
            default="pdf",
            show_default=True,
            help="pdf, or the engine's source: "
            + ", ".join(f"{b.format} ({b.name})" for b in BACKENDS.values())
            + "; picks that engine when --engine is not given.",
        ),
        click.option(
            "--pdf-standard",
            "standards",
            callback=_split_standards,
            metavar="STANDARDS",
            help="The PDF standards to meet, comma-separated: ua-1 (tagged, accessible), a-2b or a-3b "
            "(archival; a-3b carries the brief inside as associated files), e.g. ua-1,a-3b.",
        ),
        click.option(
            "--attach",
            type=click.Choice(["all", "record", "none"]),
            default="all",
            show_default=True,
            help="What each PDF carries: the brief, its sources' files, its figures and the build record (all); "
            "the build record alone, which names each input by its sha256 (record); nothing (none).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="A briefing over its brief's page budget is an error (exit 2, nothing written), not a warning.",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Builds run in parallel.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="Stop an engine that takes longer than this to typeset one document (exit 1).",
        ),
        _config_option,
        click.option("-q", "--quiet", count=True, help="Print only errors."),
        click.option(
            "-v",
            "--verbose",
            count=True,
            help="Print each stage (load, validate, localise, render, engine, write) with its time; -vv adds "
            "debug detail (the template files, the engine's command).",
        ),
        click.option("--debug", is_flag=True, help="Show Python tracebacks."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


# The parameters the project's file may set, by their key there.
_FILE_KEYS = {"langs": "languages", "fmt": "format", "standards": "pdf-standard"}


def _settings(config: Path | None, **flags: Any) -> tuple[Any, dict[str, Any]]:
    """The project's file, and each parameter's value: given on the command line, else set in the file, else
    its default. `--format` picks the engine that writes it when the engine is not given as high up."""
    from click.core import ParameterSource

    from briefgen.config import load, settle

    ctx = click.get_current_context()
    project = load(config)
    keys = {_FILE_KEYS.get(name, name): name for name in flags}
    given = {
        key
        for key, name in keys.items()
        if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)
    }
    values = settle(project, {key: flags[name] for key, name in keys.items()}, given)
    return project, {name: values[key] for key, name in keys.items()}


def _targets(paths: tuple[Path, ...], project: Any) -> list[Path]:
    """The paths given, else the file's `briefs`, else briefs/."""
    from briefgen.brief.discover import DEFAULT_FOLDER

    return list(paths) or [project.get("briefs") or DEFAULT_FOLDER]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _written_line(written: Any) -> str:
    pages = f"{_plural(written.pages, 'page')}  " if written.pages else ""
    return f"{written.path}  {pages}{_human(written.size)}  {written.seconds:.2f} s"


def _summary(count: int, fmt: str, out: Path, seconds: float, warnings: int) -> str:
    """`2 PDFs written in out/ in 1.3 s` (`, 1 warning`)."""
    from briefgen.errors import display_path

    noun = "PDF" if fmt == "pdf" else f".{fmt} file"
    took = f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"
    line = f"{_plural(count, noun)} written in {display_path(out).rstrip('/')}/ in {took}"
    return line + (f", {_plural(warnings, 'warning')}" if warnings else "")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_build_options
@_reports_errors
def build(
    paths: tuple[Path, ...],
    templates: Path | None,
    config: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
    **flags: Any,
) -> None:
    """Build PDF briefings from briefs (files or folders; default: briefs/, or the project file's `briefs`).

    Every output is made before the first is written: when one build fails, nothing is written. Options not
    given are read from briefgen.toml (or pyproject.toml's [tool.briefgen]) when the project has one.
    """
    import time

    from briefgen import progress
    from briefgen.build import build as run_build

    started = time.perf_counter()
    handler = _setup_logging(-1 if quiet else verbose)
    # flags: every option of _build_options but templates, config and verbosity, by its parameter name
    project, given = _settings(config, **flags)
    options = _options(given, templates)
    written = 0
    for each in run_build(
        _targets(paths, project), options, jobs=given["jobs"], progress=progress.live(quiet > 0)
    ):
        written += 1
        if not quiet:
            click.echo(_written_line(each))
    if not quiet:
        seconds = time.perf_counter() - started
        click.echo(_summary(written, given["fmt"], given["out"], seconds, handler.warnings), err=True)


def _options(given: dict[str, Any], templates: Path | None) -> Any:
    """The build's options from the settled values of `build` and `watch`."""
    from briefgen.build import Options

    return Options(
        engine=given["engine"],
        langs=given["langs"],
        out=given["out"],
        theme=given["theme"],
        templates=templates,
        format="pdf" if given["fmt"] == "pdf" else "source",
        timeout=given["timeout"],
        standards=given["standards"],
        attach=given["attach"],
        strict=given["strict"],
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@click.option(
    "--theme",
    default="briefing",
    show_default=True,
    help="The theme whose catalogs and fonts the briefs are checked against: a built-in name or a folder.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="Older form of a theme override: DIR/<theme>/<engine>/ and DIR/catalogs/ are searched first.",
)
@_config_option
@click.option("-q", "--quiet", count=True, help="Print only errors: no warning, no summary.")
@click.option("-v", "--verbose", count=True, help="Print each stage (load, validate) with its time.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def check(
    paths: tuple[Path, ...],
    strict: bool,
    theme: str,
    templates: Path | None,
    config: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Validate briefs, compare their languages and look for characters the theme's fonts lack; write nothing.

    Ends with a summary line, `1 brief checked: 0 error(s), 2 warning(s)`, and exit 2 when there are errors.
    """
    from briefgen.brief.discover import find_briefs
    from briefgen.build import Options, font_problems, plan, theme_of
    from briefgen.errors import InputError, Problem
    from briefgen.language.parity import compare

    _setup_logging(-1 if quiet else verbose)
    project, given = _settings(config, theme=theme, engine=DEFAULT)
    targets = _targets(paths, project)
    options = Options(engine=given["engine"], theme=given["theme"], templates=templates)
    findings: list[Problem]
    try:
        tasks = plan(targets, options)
        catalogs = theme_of(options).catalog_dirs
        briefs = {task.loaded.file: task.loaded for task in tasks}
        findings = [p for loaded in briefs.values() for p in compare(loaded, catalogs)]
        findings += list(dict.fromkeys(p for task in tasks for p in font_problems(task, options)))
        count = len(briefs)
    except InputError as exc:  # a brief that does not load or validate: its problems, then the summary
        findings = exc.problems
        count = len(find_briefs(targets))
    errors = [p for p in findings if strict or not p.warning]
    for finding in findings:
        if not quiet or finding in errors:
            click.echo(str(finding), err=True)
    warnings = len(findings) - len(errors)
    if not quiet:
        summary = f"{_plural(count, 'brief')} checked: {len(errors)} error(s), {warnings} warning(s)"
        click.echo(summary, err=bool(errors))
    if errors:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_build_options
@_reports_errors
def watch(
    paths: tuple[Path, ...],
    templates: Path | None,
    config: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
    **flags: Any,
) -> None:
    """Build, then rebuild as files change: a brief, its sources and figures (that brief), a catalog (the
    briefs in its language), a theme's manifest, templates, fonts or logo (every brief).

    Takes the options of `build`. Prints a line per file written and the problems of a bad edit, and goes on
    watching; Ctrl-C stops it.
    """
    from briefgen import progress
    from briefgen.errors import display_path
    from briefgen.watch import Watch

    _setup_logging(-1 if quiet else verbose)
    # flags: every option of _build_options but templates, config and verbosity, by its parameter name
    project, given = _settings(config, **flags)
    watcher = Watch(
        _targets(paths, project), _options(given, templates), given["jobs"], progress.live(quiet > 0)
    )

    def built(written: list[Any]) -> None:
        if not quiet:
            for each in written:
                click.echo(_written_line(each))

    def failed(error: BriefgenError) -> None:
        if debug:
            traceback.print_exception(error)
        click.echo(error.format(), err=True)

    def ready(roots: list[Path]) -> None:
        if not quiet:
            folders = ", ".join(display_path(root) or "." for root in roots)
            click.echo(
                f"watching {_plural(len(watcher.briefs), 'brief')} ({folders}); Ctrl-C stops", err=True
            )

    watcher.run(built, failed, ready)


@main.group()
def themes() -> None:
    """List the built-in themes, show one resolved, or export one to customise it."""


@themes.command("list")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_list(debug: bool) -> None:
    """The built-in themes, what each extends, and the engines each supports."""
    from briefgen.theme_catalogue import listing

    for line in listing():
        click.echo(line)


@themes.command("show")
@click.argument("theme")
@click.option("--templates", type=click.Path(path_type=Path), help="Older form of a theme override.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_show(theme: str, templates: Path | None, debug: bool) -> None:
    """THEME resolved: its layers, fonts, logo, every token and the layer each template comes from."""
    from briefgen.theme_catalogue import show

    for line in show(theme, templates):
        click.echo(line)


@themes.command("export")
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=_engines(), help="Copy only this engine's templates.")
@click.option(
    "--extend", is_flag=True, help="Write a theme that extends THEME: a manifest to edit, no template."
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def themes_export(theme: str, directory: Path, engine: str | None, extend: bool, debug: bool) -> None:
    """Write THEME into DIRECTORY as a theme folder, to edit and build with --theme DIRECTORY."""
    from briefgen.theme_catalogue import export

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
    from briefgen.theme_catalogue import listing

    for line in listing():
        click.echo(line)


@templates.command("export")
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=_engines(), help="Export only this engine's templates.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def templates_export(theme: str, directory: Path, engine: str | None, debug: bool) -> None:
    """Copy a built-in THEME's templates into DIRECTORY/THEME/<engine>/, for --templates DIRECTORY."""
    from briefgen.theme_catalogue import export_legacy

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


@main.command()
@click.argument("name")
@click.option(
    "--lang",
    "langs",
    callback=_split_langs,
    metavar="LANGS",
    help="The brief's languages, e.g. en,fr (default: en); each needs a built-in catalog (en, fr, de).",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    help="A text file to copy in as the source (source.<lang>.txt), for excerpts to be checked against.",
)
@click.option("--source-lang", metavar="LANG", help="The source's language (default: the first of --lang).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where the brief's folder goes (default: the project file's `briefs` folder, else briefs/ when it "
    "exists, else the current folder).",
)
@_config_option
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def new(
    name: str,
    langs: tuple[str, ...] | None,
    source: Path | None,
    source_lang: str | None,
    folder: Path | None,
    config: Path | None,
    debug: bool,
) -> None:
    """Start a brief that builds as is: DIR/NAME/brief.yaml.

    Every text of it says what to write, in each language. NAME is the brief's id, in kebab-case. An existing
    folder is never overwritten.
    """
    import shlex

    from briefgen.scaffold import DEFAULT_LANGS, Request, new_brief

    if folder is None:  # the project file's briefs folder, when it names one
        from briefgen.config import load

        briefs = load(config).get("briefs")
        folder = briefs if briefs is not None and briefs.is_dir() else None
    request = Request(name, langs or DEFAULT_LANGS, source, source_lang, folder)
    written = new_brief(request)
    for path in written:
        click.echo(str(path))
    brief = written[0]
    click.echo(f"next: edit {brief}, then run `briefgen build {shlex.quote(str(brief.parent))}`")


@main.command()
@click.argument("which", type=click.Choice(["brief", "theme"]), default="brief", metavar="[WHICH]")
def schema(which: str) -> None:
    """Print the JSON Schema of brief.yaml or theme.yaml, for editors.

    WHICH is `brief` (the default) or `theme`.
    """
    from briefgen.schema import schema_text

    click.echo(schema_text(which), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="The folder holding the PDFs and their manifest.json; the zips go to its bundles/ folder.",
)
@click.option("--one", is_flag=True, help="One briefings.zip for every brief, not one zip per brief.")
@_config_option
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def bundle(paths: tuple[Path, ...], out: Path, one: bool, config: Path | None, debug: bool) -> None:
    """Zip the PDFs of each brief already built in OUT, with their manifest and SHA256SUMS, into
    OUT/bundles/<brief-id>.zip (or OUT/bundles/briefings.zip with --one); the same PDFs give the same bytes.
    """
    from briefgen.distribution.bundle import bundle as make_bundles

    project, given = _settings(config, out=out)
    for path in make_bundles(_targets(paths, project), given["out"], one):
        click.echo(str(path))


@main.command()
@click.argument("pdf", type=click.Path(readable=False, path_type=Path), metavar="FILE.pdf")
@click.option(
    "--extract",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the attached brief, sources, figures and build record under DIR at their paths, and print the "
    "command that builds it again as it was built; a file already there stops it (exit 2, nothing written).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of lines: every file and every check."
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def inspect(pdf: Path, folder: Path | None, as_json: bool, debug: bool) -> None:
    """Say what a PDF was made from: briefgen, engine and theme, the brief and each attached file (checked
    against the build record's sha256), and the offline checks of its standards (not an ISO validator).

    Exit 0 when every check passes and every attached file is the build record's; 1 when a check fails or a
    file differs, is missing or is not in the record; 2 when the file cannot be read as a PDF (not a regular
    file, over 200 MB, not a PDF).
    """
    from briefgen.distribution import inspect as inspection

    found = inspection.inspect(pdf)
    written = inspection.extract(found, folder) if folder is not None else []
    command, why_not = inspection.rebuild(found, folder) if folder is not None else (None, "")
    if as_json:
        data = inspection.as_json(found)
        if folder is not None:
            data["extracted"] = [str(path) for path in written]
            data["rebuild"] = command
            data["no_rebuild"] = why_not or None
        click.echo(inspection.dumps(data))
    else:
        click.echo(inspection.describe(found))
        for path in written:
            click.echo(f"extracted {inspection.printable(path)}")
        if folder is not None:
            click.echo(
                f"next: `{command}` builds it again"
                if command
                else f"next: no command to build it again: {why_not}"
            )
    if not found.ok:
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="The folder holding the PDFs and their manifest.json.",
)
@click.option(
    "--theme",
    help="The theme whose WeasyPrint templates make the pages: a built-in name or a theme folder (default: the "
    "project file's theme, else the built-in theme each PDF was built with, else briefing). A theme folder "
    "named in OUT's manifest is never used.",
)
@_config_option
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@_reports_errors
def publish(
    directory: Path, paths: tuple[Path, ...], out: Path, theme: str | None, config: Path | None, debug: bool
) -> None:
    """Write a static site of the briefs' PDFs already built in OUT to DIR: an index.html with a card per
    briefing and language, and each briefing as one self-contained HTML page (fonts and images embedded).

    DIR is replaced whole; it must be new, empty, or a site briefgen publish wrote. Every language of each brief
    needs its PDF, current with the brief (exit 2, nothing written, otherwise). A PDF built with another theme
    than its page's is said in a warning.
    """
    import time

    from briefgen.distribution.publish import publish as make_site
    from briefgen.errors import display_path

    started = time.perf_counter()
    _setup_logging(0)
    project, given = _settings(config, out=out, theme=theme)
    site = make_site(_targets(paths, project), given["out"], directory, given["theme"])
    where = display_path(directory).rstrip("/")
    for briefing in (b for group in site.groups for b in group):
        size = _human(site.files[briefing.html_name])
        click.echo(f"{where}/{briefing.html_name}  {_plural(briefing.pages, 'page')}  {size}")
    click.echo(f"{where}/index.html  {_human(site.files['index.html'])}")
    count = sum(len(group) for group in site.groups)
    seconds = time.perf_counter() - started
    total = _human(sum(site.files.values()))
    click.echo(f"{_plural(count, 'briefing')} published in {where}/ ({total}) in {seconds:.1f} s", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
