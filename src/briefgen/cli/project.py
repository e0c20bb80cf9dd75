"""The commands that set a project up: `new` (a brief's scaffold), `themes` (and its older spelling
`templates`), `schema` and `doctor`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.cli.common import config_option, debug_option, quiet, reports_errors, setup_logging, verbosity
from briefgen.cli.options import SettingsCommand, Use, split_langs


@click.group()
def themes() -> None:
    """List the built-in themes, show one resolved, or export one to customise it."""


@themes.command("list")
@debug_option
@reports_errors
def themes_list(debug: bool) -> None:
    """The built-in themes, what each extends, and the engines each supports."""
    from briefgen.theme_catalogue import listing

    for line in listing():
        click.echo(line)


@themes.command(
    "show", cls=SettingsCommand, settings=(Use("templates", help="Older form of a theme override."),)
)
@click.argument("theme")
@debug_option
@reports_errors
def themes_show(theme: str, debug: bool, templates: Path | None) -> None:
    """THEME resolved: its layers, fonts, logo, every token and the layer each template comes from."""
    from briefgen.theme_catalogue import show

    for line in show(theme, templates, warn=lambda line: click.echo(line, err=True)):
        click.echo(line)


@themes.command(
    "export",
    cls=SettingsCommand,
    settings=(Use("engine", help="Copy only this engine's templates.", default=None),),
)
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--extend", is_flag=True, help="Write a theme that extends THEME: a manifest to edit, no template."
)
@debug_option
@reports_errors
def themes_export(theme: str, directory: Path, extend: bool, debug: bool, engine: str | None) -> None:
    """Write THEME into DIRECTORY as a theme folder, to edit and build with --theme DIRECTORY."""
    from briefgen.theme_catalogue import export

    for path in export(theme, directory, engine, extend):
        click.echo(str(path))


@click.group()
def templates() -> None:
    """Older spelling of `briefgen themes` (templates list, templates export for --templates DIR)."""


@templates.command("list")
@debug_option
@reports_errors
def templates_list(debug: bool) -> None:
    """The built-in themes (as `briefgen themes list`)."""
    from briefgen.theme_catalogue import listing

    for line in listing():
        click.echo(line)


@templates.command(
    "export",
    cls=SettingsCommand,
    settings=(Use("engine", help="Export only this engine's templates.", default=None),),
)
@click.argument("theme")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@debug_option
@reports_errors
def templates_export(theme: str, directory: Path, debug: bool, engine: str | None) -> None:
    """Copy a built-in THEME's templates into DIRECTORY/THEME/<engine>/, for --templates DIRECTORY."""
    from briefgen.theme_catalogue import export_legacy

    for path in export_legacy(theme, directory, engine):
        click.echo(str(path))


@click.command()
def doctor() -> None:
    """Say which engines and tools are installed, and how to install the missing ones."""
    from briefgen.doctor import report

    lines, complete = report(missing_only=quiet())  # -q: only what is missing
    for line in lines:
        click.echo(line)
    sys.exit(0 if complete else 1)


@click.command()
@click.argument("name")
@click.option(
    "--lang",
    "langs",
    callback=split_langs,
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
@config_option
@debug_option
@reports_errors
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
    setup_logging(verbosity())
    request = Request(name, langs or DEFAULT_LANGS, source, source_lang, folder)
    written = new_brief(request)
    if quiet():
        return
    for path in written:
        click.echo(str(path))
    brief = written[0]
    if source is not None:  # its kind is for the writer to say: an article's text is not for every reader
        line = next(
            i for i, text in enumerate(brief.read_text(encoding="utf-8").splitlines(), 1) if "kind:" in text
        )
        click.echo(
            f"note: {brief}:{line}: the source's kind is 'other' until you say what it is (press-article, "
            "press-release, report, …); its text goes into the PDFs only with `redistribute: true`",
            err=True,
        )
    click.echo(f"next: edit {brief}, then run `briefgen build {shlex.quote(str(brief.parent))}`")


@click.command()
@click.argument("which", type=click.Choice(["brief", "theme"]), default="brief", metavar="[WHICH]")
def schema(which: str) -> None:
    """Print the JSON Schema of brief.yaml or theme.yaml, for editors.

    WHICH is `brief` (the default) or `theme`.
    """
    from briefgen.schema import schema_text

    click.echo(schema_text(which), nl=False)


__all__ = ["doctor", "new", "schema", "templates", "themes"]
