"""Take briefs and an output folder; give the PDFs `build` wrote there for them, checked against the manifest.

What `bundle` and `publish` hand out: a brief with no PDF in the folder (or, where every language is asked for,
one of its languages without a PDF), a PDF that is not the file the manifest describes, one built from an
older brief, or one whose page tree pypdf cannot read or does not hold the manifest's pages is an InputError
naming the `briefgen build` command that makes it right. The folder is untrusted: each PDF is read as a regular
file of it, never through a link, and never more bytes than the manifest gives it.
"""

from __future__ import annotations

import hashlib
import logging
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.brief.discover import brief_files
from briefgen.brief.read import load_yaml
from briefgen.brief.validate import LoadedBrief, id_used_twice, load_brief
from briefgen.distribution import confined, manifest, pdfinfo
from briefgen.errors import BriefgenError, InputError, Problem, display_path

if TYPE_CHECKING:
    from briefgen.language.catalog import Catalog
    from briefgen.themes.layers import Theme

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    """One PDF of an output folder, as its manifest describes it."""

    loaded: LoadedBrief
    name: str  # the file's name in the output folder: <brief-id>.<lang>.pdf
    data: bytes
    entry: manifest.Entry

    @property
    def lang(self) -> str:
        return self.entry.language


def load_briefs(paths: list[Path]) -> list[LoadedBrief]:
    """Every brief of `paths`, loaded and validated; InputError with every problem."""
    files, problems = brief_files(paths)
    briefs: list[LoadedBrief] = []
    seen: dict[str, Path] = {}
    for file in files:
        try:
            loaded = load_brief(file, load_yaml(file))
        except BriefgenError as exc:
            problems += exc.problems
            continue
        if twice := id_used_twice(loaded, seen):  # their PDFs would have the same names
            problems.append(twice)
        briefs.append(loaded)
    if problems:
        raise InputError(problems)
    return briefs


def built(
    paths: list[Path], out: Path, every_language: bool = False, langs: tuple[str, ...] | None = None
) -> list[list[Built]]:
    """The PDFs of `out` of each brief of `paths` (in the order of the briefs; each brief's by name), checked.
    With `every_language`, each language the brief declares must have its PDF. `langs`: only the PDFs of these
    languages (those of the project file or `--lang`), each needed when the brief declares it. InputError with
    every problem, before anything is written."""
    briefs = load_briefs(paths)
    files = manifest.read(out)
    problems: list[Problem] = []
    found: list[list[Built]] = []
    for loaded in briefs:
        try:
            found.append(_of_brief(loaded, out, files, every_language, langs))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return found


def build_command(loaded: LoadedBrief, out: Path, langs: list[str] | None = None) -> str:
    """The `briefgen build` command that writes the brief's PDFs (in `langs` only, when given) into `out`."""
    target = loaded.file.parent if loaded.file.name == "brief.yaml" else loaded.file
    command = f"briefgen build {shlex.quote(display_path(target))}"
    if langs:
        command += f" --lang {','.join(langs)}"
    if display_path(out).rstrip("/") != "out":
        command += f" --out {shlex.quote(display_path(out))}"
    return command


def _of_brief(
    loaded: LoadedBrief,
    out: Path,
    files: dict[str, manifest.Entry],
    every_language: bool,
    langs: tuple[str, ...] | None = None,
) -> list[Built]:
    """The brief's PDFs in `out` that the manifest describes, checked against it and against the brief."""
    brief = loaded.brief
    where = display_path(loaded.file)
    wanted = [lang for lang in brief.languages if langs is None or lang in langs]
    if not wanted:
        asked = ", ".join(langs or ())
        declared = ", ".join(brief.languages)
        raise InputError(
            Problem(where, 0, 0, f"declares none of the languages asked ({asked}; it has {declared})")
        )
    command = build_command(loaded, out, wanted if langs is not None else None)
    names = sorted(
        n
        for n, e in files.items()
        if e.brief == brief.id and (langs is None or e.language in wanted) and confined.present(out, n)
    )
    if not names:
        raise InputError(
            Problem(where, 0, 0, f"no PDF of '{brief.id}' in {display_path(out)}/: run `{command}`")
        )
    problems: list[Problem] = []
    if every_language:
        missing = [lang for lang in wanted if f"{brief.id}.{lang}.pdf" not in names]
        if missing:
            problems.append(
                Problem(
                    where,
                    0,
                    0,
                    f"no PDF of '{brief.id}' in {', '.join(missing)} in {display_path(out)}/: "
                    f"run `{build_command(loaded, out, missing)}`",
                )
            )
    inputs = manifest.inputs_of(loaded)
    found: list[Built] = []
    for name in names:
        try:
            found.append(_checked(loaded, out, name, files[name], inputs, command))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return found


def _checked(
    loaded: LoadedBrief, out: Path, name: str, entry: manifest.Entry, inputs: str, command: str
) -> Built:
    """The PDF `name` of `out`, when it is the file its entry describes, built from the brief as it is now,
    and its page tree holds the entry's pages. Raises InputError with the one problem found."""
    where = f"{display_path(out).rstrip('/')}/{name}"
    run = f": run `{command}`"
    try:
        data = confined.read(out, name, entry.bytes, run)
    except (FileNotFoundError, confined.Oversized):
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != entry.sha256:
        raise InputError(Problem(where, 0, 0, f"not the file the manifest describes{run}"))
    if entry.inputs != inputs:
        raise InputError(Problem(where, 0, 0, f"built from an older {display_path(loaded.file)}{run}"))
    try:
        pages = pdfinfo.page_count(data)
    except pdfinfo.Unreadable as exc:
        raise InputError(Problem(where, 0, 0, f"not a PDF briefgen can read ({exc}){run}")) from None
    if pages != entry.pages:
        message = f"the manifest says {entry.pages} pages, its page tree has {pages}{run}"
        raise InputError(Problem(where, 0, 0, message))
    return Built(loaded, name, data, entry)


def by_language(pdfs: list[Built]) -> list[Built]:
    """A brief's PDFs in the order of its languages (one of a language the brief no longer declares, last)."""
    order = pdfs[0].loaded.brief.languages
    return sorted(pdfs, key=lambda p: order.index(p.lang) if p.lang in order else len(order))


def theme_for(pdf: Built, out: Path, given: str | None, option: bool = True) -> str:
    """The theme a page or message of `pdf` is made with: `given`, else the built-in theme the PDF was built with,
    else the default theme. Warns when it is not the theme the manifest says the PDF was built with (with a
    hint at --theme when the command has the `option`)."""
    from briefgen.themes.builtin import ALIASES, DEFAULT_THEME, builtin_themes

    recorded = pdf.entry.theme
    if given is not None:
        chosen = given
    elif recorded in builtin_themes() or recorded in ALIASES:
        chosen = recorded
    else:
        chosen = DEFAULT_THEME
    if manifest.theme_name(chosen) != recorded and ALIASES.get(recorded) != chosen:
        hint = " (give the theme to use with --theme)" if given is None and option else ""
        log.warning(
            "%s/%s: built with the theme '%s'; its page is made with the theme '%s'%s",
            display_path(out).rstrip("/"),
            pdf.name,
            recorded,
            manifest.theme_name(chosen),
            hint,
        )
    return chosen


def themed(
    pdf: Built, out: Path, name: str, themes: dict[str, Theme], load: Callable[[str], Theme]
) -> tuple[Theme, Catalog]:
    """The theme `name` (loaded by `load` once per name, kept in `themes`) and the catalog of `pdf`'s language;
    InputError located at the PDF when either does not load."""
    from briefgen.language.catalog import load_catalog

    try:
        if name not in themes:
            themes[name] = load(name)
        return themes[name], load_catalog(pdf.lang, themes[name].catalog_dirs)
    except BriefgenError as exc:
        where = display_path(out / pdf.name)
        raise InputError(
            [Problem(where, 0, 0, f"its theme '{name}': {p.message}") for p in exc.problems]
        ) from exc


__all__ = ["Built", "build_command", "built", "by_language", "load_briefs", "theme_for", "themed"]
