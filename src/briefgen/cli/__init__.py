"""The command line: parse arguments, run the pipeline, print one line per output or one line per problem.

One module per group of commands: `pipeline` (build, watch, serve, check), `distribution` (bundle, publish, mail, inspect),
`project` (new, themes, templates, schema, doctor); `options` makes the options of the settings model, `common`
holds what every command shares. Each command imports its heavy code when it runs: `briefgen --help` imports no
engine and no model.
"""

from __future__ import annotations

from pathlib import Path

import click

from briefgen import __version__
from briefgen.cli import distribution, pipeline, project
from briefgen.cli.common import with_verbosity


def docs_folder() -> Path:
    """The reference documents: inside the installed package, or the repository's docs/ folder."""
    packaged = Path(__file__).resolve().parents[1] / "docs"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "docs"


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"Documentation: the brief format in {docs_folder() / 'brief-format.md'}, themes in "
    f"{docs_folder() / 'themes.md'}; `briefgen COMMAND --help` for a command's options.",
)
@click.version_option(__version__, "--version", prog_name="briefgen", message="%(prog)s %(version)s")
def main() -> None:
    """Turn structured notes about an announcement into polished PDF briefings."""


# `briefgen --help` lists them alphabetically, whatever the order here.
for command in (
    pipeline.build,
    distribution.bundle,
    pipeline.check,
    project.doctor,
    distribution.inspect,
    distribution.mail,
    project.new,
    distribution.publish,
    project.schema,
    pipeline.serve,
    project.templates,
    project.themes,
    pipeline.watch,
):
    main.add_command(command)
with_verbosity(main)  # -q and -v on `briefgen` and on every command


__all__ = ["main"]
