"""The commands that hand out what was built: `bundle` (zips), `publish` (a static site) and `inspect` (what a
PDF was made from, and its checks)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.cli.common import (
    config_option,
    debug_option,
    human,
    plural,
    reports_errors,
    settled,
    setup_logging,
)
from briefgen.cli.options import SettingsCommand, Use


@click.command(
    cls=SettingsCommand,
    settings=(
        Use(
            "out",
            help="The folder holding the PDFs and their manifest.json; the zips go to its bundles/ folder.",
        ),
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--one", is_flag=True, help="One briefings.zip for every brief, not one zip per brief.")
@config_option
@debug_option
@reports_errors
def bundle(paths: tuple[Path, ...], one: bool, config: Path | None, debug: bool, out: Path) -> None:
    """Zip the PDFs of each brief already built in OUT, with their manifest and SHA256SUMS, into
    OUT/bundles/<brief-id>.zip (or OUT/bundles/briefings.zip with --one); the same PDFs give the same bytes.
    """
    from briefgen.cli.common import targets
    from briefgen.distribution.bundle import bundle as make_bundles

    project, values = settled(config, {"out": out})
    for path in make_bundles(targets(paths, project), values["out"], one):
        click.echo(str(path))


@click.command()
@click.argument("pdf", type=click.Path(readable=False, path_type=Path), metavar="FILE.pdf")
@click.option(
    "--extract",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the attached brief, sources, figures and build record under DIR at their paths, and print the "
    "command that builds it again as it was built, and each withheld source text to put back first; a file "
    "already there stops it (exit 2, nothing written).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of lines: every file and every check."
)
@debug_option
@reports_errors
def inspect(pdf: Path, folder: Path | None, as_json: bool, debug: bool) -> None:
    """Say what a PDF was made from: briefgen, engine and theme, the brief and each attached file (checked
    against the build record's sha256), and the offline checks of its standards (not an ISO validator).

    Exit 0 when every check passes and every attached file is the build record's (a source text the record
    says was withheld is listed, not missing); 1 when a check fails or a file differs, is missing or is not in
    the record; 2 when the file cannot be read as a PDF (not a regular
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
            data["put_back"] = inspection.put_back(found, folder)
        click.echo(inspection.dumps(data))
    else:
        click.echo(inspection.describe(found))
        if folder is not None:
            click.echo("\n".join(inspection.after_extract(found, folder, written)))
    if not found.ok:
        sys.exit(1)


@click.command(
    cls=SettingsCommand,
    settings=(
        Use("out", help="The folder holding the PDFs and their manifest.json."),
        Use("langs", help="Languages to publish, e.g. fr,en (default: all each brief declares)."),
        Use(
            "theme",
            default=None,
            help="The theme whose WeasyPrint templates make the pages: a built-in name or a theme folder "
            "(default: the project file's theme, else the built-in theme each PDF was built with, else "
            "briefing). A theme folder named in OUT's manifest is never used.",
        ),
    ),
)
@click.argument("directory", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
@debug_option
@reports_errors
def publish(
    directory: Path,
    paths: tuple[Path, ...],
    config: Path | None,
    debug: bool,
    out: Path,
    langs: tuple[str, ...] | None,
    theme: str | None,
) -> None:
    """Write a static site of the briefs' PDFs already built in OUT to DIR: an index.html with a card per
    briefing and language, and each briefing as one self-contained HTML page (fonts and images embedded).

    DIR is replaced whole; it must be new, empty, or a site briefgen publish wrote. Every language of each brief
    needs its PDF, current with the brief (exit 2, nothing written, otherwise). A PDF built with another theme
    than its page's is said in a warning.
    """
    import time

    from briefgen.cli.common import targets
    from briefgen.distribution.publish import publish as make_site
    from briefgen.errors import display_path

    started = time.perf_counter()
    setup_logging(0)
    project, values = settled(config, {"out": out, "langs": langs, "theme": theme})
    site = make_site(targets(paths, project), values["out"], directory, values["theme"], values["langs"])
    where = display_path(directory).rstrip("/")
    for briefing in (b for group in site.groups for b in group):
        size = human(site.files[briefing.html_name])
        click.echo(f"{where}/{briefing.html_name}  {plural(briefing.pages, 'page')}  {size}")
    click.echo(f"{where}/index.html  {human(site.files['index.html'])}")
    count = sum(len(group) for group in site.groups)
    seconds = time.perf_counter() - started
    total = human(sum(site.files.values()))
    click.echo(f"{plural(count, 'briefing')} published in {where}/ ({total}) in {seconds:.1f} s", err=True)


__all__ = ["bundle", "inspect", "publish"]
