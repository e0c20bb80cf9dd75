"""The commands that hand out what was built: `bundle` (zips), `publish` (a static site), `mail` (e-mail, sent
to a list) and `inspect` (what a PDF was made from, and its checks)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.cli.common import (
    config_option,
    debug_option,
    human,
    plural,
    quiet,
    reports_errors,
    settled,
    setup_logging,
    verbosity,
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

    setup_logging(verbosity())
    project, values = settled(config, {"out": out})
    for path in make_bundles(targets(paths, project), values["out"], one):
        if not quiet():
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

    setup_logging(verbosity())
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
    elif not quiet():  # -q: the exit code alone says whether the checks pass
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
    setup_logging(verbosity())
    project, values = settled(config, {"out": out, "langs": langs, "theme": theme})
    site = make_site(targets(paths, project), values["out"], directory, values["theme"], values["langs"])
    if quiet():
        return
    where = display_path(directory).rstrip("/")
    for briefing in (b for group in site.groups for b in group):
        size = human(site.files[briefing.html_name])
        click.echo(f"{where}/{briefing.html_name}  {plural(briefing.pages, 'page')}  {size}")
    click.echo(f"{where}/index.html  {human(site.files['index.html'])}")
    count = sum(len(group) for group in site.groups)
    seconds = time.perf_counter() - started
    total = human(sum(site.files.values()))
    click.echo(f"{plural(count, 'briefing')} published in {where}/ ({total}) in {seconds:.1f} s", err=True)


@click.command(
    cls=SettingsCommand,
    settings=(
        Use("out", help="The folder holding the PDFs and their manifest.json; the messages go to its mail/."),
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "readers",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="LIST",
    help="The distribution list (YAML: recipients with name, address and language; groups; a fallback "
    "language): each reader gets each brief in their language.",
)
@click.option(
    "--send",
    is_flag=True,
    help="Deliver through the SMTP server of the project file's [tool.briefgen.mail] (password from "
    "BRIEFGEN_SMTP_PASSWORD or the keyring); without it, a dry run.",
)
@config_option
@debug_option
@reports_errors
def mail(
    paths: tuple[Path, ...], readers: Path | None, send: bool, config: Path | None, debug: bool, out: Path
) -> None:
    """Write the e-mail of each brief and language built in OUT to OUT/mail/<brief-id>.<lang>.eml: an HTML body
    for mail clients, a text alternative, the PDF attached; say who on the --to list gets which. A dry run
    unless --send, which sends each reader their copy and records it in OUT/mail/sent.json: a copy sent before
    is not sent again.

    Exit 2 (nothing written, nothing sent) when a brief's PDF is missing or older than its brief, or the list or
    the mail settings are wrong; 1 when the server refused or did not answer for a reader (the others are
    still sent).
    """
    from briefgen.cli.common import targets
    from briefgen.distribution.mail import message as messages
    from briefgen.distribution.mail import recipients, smtp
    from briefgen.distribution.mail.options import MailOptions, password
    from briefgen.distribution.manifest import locked
    from briefgen.errors import InputError, display_path
    from briefgen.output import write_all

    setup_logging(verbosity())
    project, values = settled(config, {"out": out}, also=("mail",))
    options: MailOptions = values["mail"] or MailOptions()
    where = display_path(project.file) if project.file is not None else "briefgen.toml"
    secret = None
    if send:
        if readers is None:
            raise InputError("--send needs a distribution list: --to LIST")
        missing = [key for key, value in (("host", options.host), ("from", options.sender)) if not value]
        if missing:
            raise InputError(
                f"{where}: --send needs {' and '.join(missing)} in the mail settings "
                "([tool.briefgen.mail] in pyproject.toml, [mail] in briefgen.toml)"
            )
        secret = password(options, where)
    from briefgen.distribution.mail import record

    listed = recipients.read(readers) if readers is not None else None
    if send:
        record.read(values["out"])  # a record that cannot be read stops the run before anything is written
    groups = messages.compose(targets(paths, project), values["out"], options)
    folder = values["out"] / "mail"
    write_all([(folder / c.name, c.as_bytes()) for group in groups for c in group])
    deliveries = smtp.assign(groups, listed) if listed is not None else []
    shown = display_path(folder).rstrip("/")
    for group in groups if not quiet() else ():
        for composed in group:
            click.echo(f"{shown}/{composed.name}  {composed.subject}")
            for d in (d for d in deliveries if d.composed is composed):
                note = f"  ({d.reader.language}: not in this brief)" if d.fallback else ""
                click.echo(f"  {d.reader.shown}{note}")
    count = sum(len(group) for group in groups)
    if not send:
        if quiet():
            return
        who = f" for {plural(len(listed.recipients), 'reader')}" if listed is not None else ""
        click.echo(
            f"{plural(count, 'message')} written in {shown}/{who}; a dry run: nothing sent (--send sends them)",
            err=True,
        )
        return

    def said(outcome: smtp.Outcome) -> None:
        d = outcome.delivery
        what = f"{d.composed.brief_id}.{d.composed.lang} to {d.reader.shown}"
        if outcome.status == "failed":
            click.echo(f"failed        {what}: {outcome.reason}")
        elif not quiet():
            click.echo(f"{outcome.status:<13} {what}  {outcome.message_id}")

    with locked(values["out"]):
        outcomes = smtp.deliver(deliveries, options, secret, record.read(values["out"]), said)
    tally = {
        status: sum(o.status == status for o in outcomes) for status in ("sent", "already sent", "failed")
    }
    if not quiet():
        click.echo(", ".join(f"{n} {status}" for status, n in tally.items()), err=True)
    if tally["failed"]:
        sys.exit(1)


__all__ = ["bundle", "inspect", "mail", "publish"]
