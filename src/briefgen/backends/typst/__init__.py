"""Typeset rendered Typst markup into PDF bytes with the `typst` wheel, offline and confined to a build folder."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from briefgen.backends import Attachment, Job, Typeset, scratch, sourcemap
from briefgen.backends.typst.hyphens import plain_hyphens
from briefgen.backends.typst.markup import logo_name, typst_string
from briefgen.errors import EngineError, InputError, Problem, display_path

log = logging.getLogger(__name__)

MAIN = "main.typ"  # the generated source, in the build folder, which is the compile root
# The folder of the build folder holding the files the PDF carries (figures are figure-N.*, the logo logo.*).
ATTACHED = "attached"
RELATIONSHIPS = ("source", "data", "alternative", "supplement", "unspecified")  # pdf.attach's, PDF/A-3's
# Where Typst looks for packages and would store downloads: a path inside this module's file, which no folder can
# ever be, so no package is found and none can be stored. Package imports are refused before (_check_offline).
NO_PACKAGES = Path(__file__) / "packages"
# A string naming a package, "@preview/name:1.0.0": Typst would download it.
_PACKAGE = re.compile(r'"@[^"\s]*')
_OFFLINE = (
    "typst: {}: a string starting with @ names a Typst package, which Typst would download; "
    "briefgen builds offline: put what the template needs in the template itself"
)
# The inputs a compile may give the briefing theme's templates (templates/briefing/typst/style.typ):
# - NOTES_AT_CALL, the footnotes whose call a template keeps on its note's page ("8,15"; para);
# - FIT_FIGURES, the figures it sizes down to keep them under their heading ("3:85,5:70"; data-figure), 0 for a
#   figure whose heading starts the next page with it;
# - SPLIT_PANEL, "1" for a key-facts panel that breaks between any rows (facts).
NOTES_AT_CALL = "briefgen-notes-at-call"
FIT_FIGURES = "briefgen-fit-figures"
SPLIT_PANEL = "briefgen-split-panel"
# How full the page before the key-facts panel must be when the panel, of fewer than four rows, moves whole to the
# next page (the page-layout rule: 70 %); less, and the panel breaks between its rows (SPLIT_PANEL "1").
PANEL_FILL = 0.7
# The sizes a figure left away from its heading is tried at, in turn (percent of its own), then 0.
FIGURE_SIZES = (85, 70, 0)
# How many compiles a document may take: the first, then one per round of notes the previous compile set on the
# page after their call's, or of figures it left on the page after their heading's.
MAX_COMPILES = 5
# Each footnote of the document just compiled: its number, the page of its call and the page its note starts on.
_FOOTNOTES = (
    "query(footnote.entry).map(e => "
    "(counter(footnote).at(e.note.location()).first(), e.note.location().page(), e.location().page()))"
)
# Where the summary before the key-facts panel ends (its page, and how far down its body) and the panel's page.
_PANEL = (
    "(query(<brief-summary-end>).map(m => (m.location().page(), "
    "(m.location().position().y - m.value.top) / m.value.body)), "
    "query(<brief-panel>).map(m => m.location().page()))"
)
# Each heading the PDF's outline has (Typst bookmarks a heading that is outlined, unless it says otherwise): its
# body, and its page.
_BOOKMARKED = (
    "query(heading).filter(h => h.bookmarked == true or (h.bookmarked == auto and h.outlined))"
    ".map(h => (h.body, h.location().page()))"
)
# Each figure set right under a heading, in the flow: its number, the page of the heading and its own page.
_FIGURES = (
    "query(<brief-figure>).filter(m => m.value.first).map(m => "
    "(m.value.number, query(selector(heading).before(m.location())).last().location().page(), m.location().page()))"
)


class TypstCompiler:
    """One `typst.Compiler` for a font folder, reused for every document the process builds.

    Fonts come only from `font_dirs`: no system font, no font bundled with Typst. Packages come from nowhere:
    neither the user's Typst packages nor their download cache are read.
    """

    def __init__(self, font_dirs: tuple[Path, ...]) -> None:
        import typst

        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=list(font_dirs)
        )
        self.compiler = typst.Compiler(
            font_paths=fonts,
            ignore_system_fonts=True,
            package_path=NO_PACKAGES,
            package_cache_path=NO_PACKAGES,
        )
        self.compiles = 0

    def compile(
        self,
        main: Path,
        date: dt.date,
        standards: list[str],
        tags: bool,
        inputs: dict[str, str] | None = None,
    ) -> tuple[bytes, list[Any]]:
        """The PDF of `main` and Typst's warnings. Only files beside `main` can be read; `inputs` are the
        document's `sys.inputs` (none unless given: Typst would keep the previous compile's)."""
        self.compiles += 1
        pdf, warnings = self.compiler.compile_with_warnings(
            input=main,
            root=main.parent,
            format="pdf",
            sys_inputs=inputs or {},
            timestamp=dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC),
            pdf_standards=standards,  # type: ignore[arg-type]  # names decided by the standards plan
            pdf_tags=tags,
        )
        if not isinstance(pdf, bytes):  # one PDF, not pages of an image format
            raise EngineError("typst: the compiler returned no PDF")
        return pdf, list(warnings)

    def footnotes(self, main: Path) -> list[tuple[int, int, int]]:
        """The footnotes of the document `main` just compiled: (number, page of the call, page of the note).
        Typst answers from the layout it has just made, without a second one."""
        answer = json.loads(self.compiler.eval(_FOOTNOTES, format="json", root=main.parent))
        return [(int(n), int(call), int(note)) for n, call, note in answer]

    def panel_moved(self, main: Path) -> bool:
        """Whether the key-facts panel of the document `main` just compiled starts a page after the one the summary
        before it ends on, leaving that page less than PANEL_FILL full (False in a theme whose summary and panel
        do not say)."""
        before, panel = json.loads(self.compiler.eval(_PANEL, format="json", root=main.parent))
        if len(before) != 1 or len(panel) != 1:
            return False
        (page, fill), start = before[0], panel[0]
        return bool(start > page and fill < PANEL_FILL)

    def first_page_of(self, main: Path, titles: Sequence[str], pdf: bytes) -> int | None:
        """The page of the first bookmarked heading of the document `main` just compiled (into `pdf`) whose text
        is one of `titles` (case aside), or None: the page distribution.pdfinfo.first_page_of finds in the PDF's
        outline. Typst's layout is asked, without reading the PDF, unless a heading's text is more than words:
        then the PDF's outline is read."""
        wanted = {title.casefold() for title in titles}
        pages = []
        for body, page in json.loads(self.compiler.eval(_BOOKMARKED, format="json", root=main.parent)):
            text = _plain(body)
            if text is None:
                from briefgen.distribution.pdfinfo import first_page_of

                return first_page_of(pdf, titles)
            if " ".join(text.split()).casefold() in wanted:
                pages.append(int(page))
        return min(pages, default=None)

    def figures(self, main: Path) -> list[tuple[int, int, int]]:
        """The figures right under a heading in the document `main` just compiled: (number, page of the heading,
        page of the figure). None in a theme whose figures do not say so."""
        answer = json.loads(self.compiler.eval(_FIGURES, format="json", root=main.parent))
        return [(int(n), int(heading), int(page)) for n, heading, page in answer]


def _plain(content: Any) -> str | None:
    """The text of a heading's body as Typst's JSON gives it, when it is only text, spaces and sequences of them;
    else None."""
    if not isinstance(content, dict):
        return None
    match content.get("func"):
        case "text" if isinstance(content.get("text"), str):
            return str(content["text"])
        case "space":
            return " "
        case "sequence" if isinstance(content.get("children"), list):
            parts = [_plain(child) for child in content["children"]]
            return None if None in parts else "".join(p or "" for p in parts)
    return None


@cache
def compiler(font_dirs: tuple[Path, ...]) -> TypstCompiler:
    """The process's compiler for these font folders, created on first use."""
    return TypstCompiler(font_dirs)


class TypstEngine:
    def settle(self, job: Job) -> str:
        """The source of `job` as the build compiles it last (`--format typ`): the footnotes whose calls the
        compiles keep with them (NOTES_AT_CALL) and the figures' sizes (FIT_FIGURES) written in as the inputs'
        defaults, so that the source compiled on its own lays out its pages as the PDF. Found by the compiles of a
        build, in a build folder holding the logo and the figures; a source Typst cannot compile here is written as
        rendered, with a warning."""
        import typst

        with tempfile.TemporaryDirectory(prefix="typst-", dir=scratch.folder()) as build:
            main = _build_folder(job, Path(build), job.source)
            try:
                font_dirs = tuple(sorted({f.file.parent for f in job.fonts})) or (job.font_dir,)
                _, _, inputs = typeset(compiler(font_dirs), main, job)
            except typst.TypstError as exc:
                log.warning(
                    "typst: %s.%s: the source is written as rendered: Typst could not compile it to find the "
                    "footnotes kept with their calls (%s)",
                    job.doc.id,
                    job.doc.lang,
                    diagnostics(exc.diagnostic or str(exc))[0].message,
                )
                return job.source
        return with_inputs(job.source, inputs)

    def warm(self) -> None:
        """Import Typst and what counts its pages (pypdf), ahead of the first compile."""
        import pypdf  # noqa: F401
        import typst  # noqa: F401

    def compile(self, job: Job) -> Typeset:
        import typst

        _check_offline(job)
        with tempfile.TemporaryDirectory(prefix="typst-", dir=scratch.folder()) as build:
            main = _build_folder(job, Path(build), job.source + attach(job.attachments, Path(build)))
            try:
                font_dirs = tuple(sorted({f.file.parent for f in job.fonts})) or (job.font_dir,)
                typst_ = compiler(font_dirs)
                pdf, warnings, _ = typeset(typst_, main, job)
                back = typst_.first_page_of(main, job.back_matter, pdf) if job.back_matter else None
            except typst.TypstError as exc:
                found = diagnostics(exc.diagnostic or str(exc))
                errors = [d for d in found if d.severity == "error"] or [Diagnostic("error", str(exc))]
                warned = [d for d in found if d.severity == "warning"]
                fonts = [d for d in warned if _unknown_font(d)]
                _warn([d for d in warned if d not in fonts], job)
                problems = [_problem(d, job) for d in errors] + [_font_problem(d, job) for d in fonts]
                _fail(problems, exc, fonts=bool(fonts))
        found = [d for w in warnings for d in diagnostics(w.diagnostic or str(w))]
        fonts = [d for d in found if _unknown_font(d)]
        _warn([d for d in found if d not in fonts], job)
        if fonts:
            _fail([_font_problem(d, job) for d in fonts], fonts=True)
        pdf = identified(plain_hyphens(pdf), job.identifier)  # hyphens that read as `-` in every reader
        pdf = unsuspected(pdf)
        return Typeset(pdf, page_count(pdf), back=back)


ENGINE = TypstEngine()


def _build_folder(job: Job, build: Path, source: str) -> Path:
    """Write `source` as the build folder's MAIN, with the logo and the figures beside it; MAIN's path."""
    main = build / MAIN
    main.write_text(source, encoding="utf-8")
    if job.logo is not None:
        shutil.copyfile(job.logo, build / logo_name(job.logo))
    for figure in job.doc.figures:  # the brief's images, under the names the source gives them
        shutil.copyfile(figure.path, build / figure.name)
    return main


# What each input is for, in the warning given when a source does not read it as the briefing theme's style.typ
# does (`sys.inputs.at(NAME, default: "")`).
_INPUT_PURPOSE = {
    NOTES_AT_CALL: "notes {} may print on the page after their calls",
    FIT_FIGURES: "figures {} may leave their heading at a page's foot",
    SPLIT_PANEL: "the key-facts panel may move whole to the next page ({})",
}


def with_inputs(source: str, inputs: dict[str, str]) -> str:
    """`source` with each of `inputs` (NOTES_AT_CALL "8,15", FIT_FIGURES "3:85") as the default of the input it
    reads, so that, compiled alone, it lays out its pages as the build's last compile. An input the source reads
    otherwise (a theme's own style) is left as it is, with a warning."""
    for name, value in inputs.items():
        default = f'sys.inputs.at("{name}", default: "")'
        if default not in source:
            log.warning(
                "typst: the source does not read %s as the briefing theme does: %s when it is compiled on its own",
                name,
                _INPUT_PURPOSE[name].format(value),
            )
            continue
        source = source.replace(default, f'sys.inputs.at("{name}", default: {typst_string(value)})')
    return source


def typeset(typst: TypstCompiler, main: Path, job: Job) -> tuple[bytes, list[Any], dict[str, str]]:
    """The PDF of `main`, its warnings and the inputs of its last compile: every footnote on the page of its call,
    and no heading left alone at a page's foot by the figure under it, where a template can see to it.

    Typst sets a note that does not fit under its call's line on the next page, and leaves the line behind when
    it is inside a block; it moves a figure whose caption's note does not fit under it to the next page, leaving
    its heading behind (a sticky heading does not follow a block moved for its note). After a compile, Typst is
    asked where each note and its call, and each figure under a heading and that heading, landed (no new
    layout). When a note is on a later page than its call, the document is compiled again with the numbers of
    those notes in `sys.inputs` (NOTES_AT_CALL), for the template to keep each call with its note; when a figure
    is on a later page than its heading, with the figure's next size in FIGURE_SIZES (FIT_FIGURES). Only the
    documents that need it take another compile. What is still apart after MAX_COMPILES is said in a warning.
    """
    inputs: dict[str, str] = {}
    moved: set[int] = set()
    sizes: dict[int, int] = {}
    split = False
    for attempt in range(1, MAX_COMPILES + 1):
        pdf, warnings = typst.compile(
            main,
            date=job.doc.date,
            standards=list(job.plan.standards),  # Typst's names are briefgen's
            tags=True,
            inputs=inputs,
        )
        away = [(n, call, note) for n, call, note in typst.footnotes(main) if note > call]
        parted = [(n, heading, page) for n, heading, page in typst.figures(main) if page > heading]
        notes = {n for n, _, _ in away} - moved
        figures = {n for n, _, _ in parted if sizes.get(n) != FIGURE_SIZES[-1]}
        panel = not split and typst.panel_moved(main)
        if not (notes or figures or panel) or attempt == MAX_COMPILES:
            break
        moved |= notes
        split = split or panel
        for n in figures:
            sizes[n] = FIGURE_SIZES[FIGURE_SIZES.index(sizes[n]) + 1] if n in sizes else FIGURE_SIZES[0]
        log.info(
            "typst: %s.%s: compiled again to keep %s",
            job.doc.id,
            job.doc.lang,
            "; ".join(
                [f"note {n} (page {note}) with its call" for n, _, note in away if n in notes]
                + [
                    f"figure {n} (page {page}) with its heading, "
                    + (f"at {sizes[n]} %" if sizes[n] else "the heading moved to its page")
                    for n, _, page in parted
                    if n in figures
                ]
                + (
                    ["the key facts' first rows on the page before (the panel broken between rows)"]
                    if panel
                    else []
                )
            ),
        )
        inputs = {
            name: value
            for name, value in (
                (NOTES_AT_CALL, ",".join(str(n) for n in sorted(moved))),
                (FIT_FIGURES, ",".join(f"{n}:{size}" for n, size in sorted(sizes.items()))),
                (SPLIT_PANEL, "1" if split else ""),
            )
            if value
        }
    for n, call, note in away:
        log.warning(
            "typst: %s.%s: note %d prints on page %d, its call on page %d: the template does not keep this call "
            "with its note (a footnote called in a block that runs onto the next page)",
            job.doc.id,
            job.doc.lang,
            n,
            note,
            call,
        )
    for n, heading, page in parted:
        log.warning(
            "typst: %s.%s: figure %d prints on page %d, its heading alone at the foot of page %d",
            job.doc.id,
            job.doc.lang,
            n,
            page,
            heading,
        )
    return pdf, warnings, inputs


def _check_offline(job: Job) -> None:
    """Refuse package imports before Typst sees them. Brief text never matches: it is escaped."""
    problems = [
        _locate(job, number, match.start() + 1, _OFFLINE.format(match.group()))
        for number, line in enumerate(job.source.splitlines(), 1)
        for match in _PACKAGE.finditer(line)
    ]
    if problems:
        _fail(problems)


def attach(attachments: tuple[Attachment, ...], build: Path) -> str:
    """Write each file under `ATTACHED/` in the build folder; give the Typst that attaches it under its name.

    Appended by the engine to every generated source, so that every theme's PDFs carry them; in the order of
    their names (a PDF name tree's order)."""
    lines = []
    for a in sorted(attachments, key=lambda a: a.name):
        parts = a.name.split("/")
        if a.name.startswith("/") or "\\" in a.name or any(p in ("", ".", "..") for p in parts):
            raise EngineError(f"typst: an attached file's name must be a relative path with /: {a.name!r}")
        relationship = a.relationship.lower()
        if relationship not in RELATIONSHIPS:
            raise EngineError(
                f"typst: attached file {a.name}: no relationship '{a.relationship}' "
                f"(PDF/A-3 has {', '.join(r.capitalize() for r in RELATIONSHIPS)})"
            )
        file = build.joinpath(ATTACHED, *parts)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(a.data)
        lines.append(
            f"#pdf.attach({typst_string(a.name)}, read({typst_string(f'/{ATTACHED}/{a.name}')}, encoding: none), "
            f"relationship: {typst_string(relationship)}, mime-type: {typst_string(a.mime)}, "
            f"description: {typst_string(a.description)})"
        )
    return "".join(f"\n{line}" for line in lines) + ("\n" if lines else "")


# -- Typst's diagnostics, placed in the templates ------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str
    line: int = 0
    column: int = 0
    hints: tuple[str, ...] = ()


_HEAD = re.compile(r"(error|warning): (.*)")
_WHERE = re.compile(r"┌─ .*?:(\d+):(\d+)\s*$")
_HINT = "= hint: "


def diagnostics(text: str) -> list[Diagnostic]:
    """Typst's rendered diagnostics (`error: …`, `┌─ file:line:col`, `= hint: …`), one record each."""
    found: list[Diagnostic] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if head := _HEAD.match(line):
            found.append(Diagnostic(head.group(1), head.group(2)))
        elif not found:
            continue
        elif (where := _WHERE.search(line)) and not found[-1].line:
            d = found[-1]  # typst-py, like typst-cli, writes 0-based columns: briefgen's are 1-based
            found[-1] = Diagnostic(
                d.severity, d.message, int(where.group(1)), int(where.group(2)) + 1, d.hints
            )
        elif line.startswith(_HINT):
            d = found[-1]
            found[-1] = Diagnostic(d.severity, d.message, d.line, d.column, (*d.hints, line[len(_HINT) :]))
    return found or [Diagnostic("error", text.strip() or "typst failed")]


def _fail(problems: list[Problem], cause: BaseException | None = None, fonts: bool = False) -> NoReturn:
    """Raise the problems: InputError (exit 2) when one is placed in a template, which is then invalid input,
    or names a font the theme does not have; else EngineError (exit 1): a problem left in the generated
    source, or with no place at all."""
    ordered = sourcemap.problems_in_order(problems)
    error = InputError if fonts or ordered[0].path != MAIN else EngineError
    raise error(ordered, ordered=True) from cause


_UNKNOWN_FONT = re.compile(r"unknown font family: (.*)")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unknown_font(d: Diagnostic) -> bool:
    return _UNKNOWN_FONT.fullmatch(d.message) is not None


def _font_problem(d: Diagnostic, job: Job) -> Problem:
    """A font family that no face of the theme provides: Typst would set its text in no font at all."""
    match = _UNKNOWN_FONT.fullmatch(d.message)
    name = match.group(1) if match else d.message
    lines = job.source.splitlines()
    if 0 < d.line <= len(lines):  # Typst lower-cases the name: take it as the template writes it
        written = [m.group(1) for m in _STRING.finditer(lines[d.line - 1], max(d.column - 1, 0))]
        name = next((w for w in written if w.casefold() == name.casefold()), name)
    families = sorted({face.family for face in job.fonts})
    available = ", ".join(families) if families else "none"
    return _locate(
        job,
        d.line,
        d.column,
        f"typst: unknown font family '{name}': no font of the theme provides it (families: {available})",
    )


def _problem(d: Diagnostic, job: Job) -> Problem:
    hints = list(d.hints)
    if d.message.startswith("file not found"):
        hints.append(
            "a template reads no file: the compile root holds only the generated source, the logo, the figures "
            "and the attached files"
        )
    return _locate(job, d.line, d.column, f"typst: {d.message}" + "".join(f" (hint: {h})" for h in hints))


def _warn(found: list[Diagnostic], job: Job) -> None:
    for d in found:
        log.warning("%s", _problem(d, job))


def _locate(job: Job, line: int, column: int, message: str) -> Problem:
    """A problem at the template line that wrote line `line` of the source, else in the generated source."""
    lines = job.source.splitlines()
    if not 0 < line <= len(lines):
        return Problem(MAIN, line, column, message)
    found = sourcemap.locate(lines[line - 1], job.template_dirs, sourcemap.JINJA, column=column)
    if found is None:
        return Problem(MAIN, line, column, f"{message}; in the generated source: {lines[line - 1].strip()!r}")
    return Problem(display_path(found.path), found.line, found.column, message)


# -- the PDF ---------------------------------------------------------------------------------------------


# Typst writes the file identifier from the document's title and author (and its content) as two base64 strings,
# in the trailer and in the XMP metadata; it takes no identifier of its own.
_ID = re.compile(rb"/ID\s*\[\(([A-Za-z0-9+/=]{24})\)\s*\(([A-Za-z0-9+/=]{24})\)\]")


def identified(pdf: bytes, identifier: str) -> bytes:
    """The PDF with `identifier` (32 hex digits) as its file identifier in place of Typst's, which two briefs of
    the same words share. Each string keeps its length, so the cross-reference offsets stay right."""
    if not identifier:
        return pdf
    found = _ID.search(pdf)
    if found is None:  # a Typst that writes its identifier otherwise: say so, never quietly keep Typst's
        log.warning(
            "typst: no file identifier found to replace; this PDF keeps Typst's, which depends on its words"
        )
        return pdf
    first = bytes.fromhex(identifier)
    second = hashlib.sha256(first + found.group(2)).digest()[:16]
    for old, new in ((found.group(1), first), (found.group(2), second)):
        pdf = pdf.replace(old, base64.b64encode(new))
    return pdf


# The catalog's MarkInfo as Typst writes it. `/Suspects false` is the default PDF/UA asks for, but poppler 22
# reports it as a "Syntax Error" on every pdfinfo and pdftotext a user runs.
_SUSPECTS = re.compile(rb"(/MarkInfo<</Marked true)(/Suspects false)(>>)")


def unsuspected(pdf: bytes) -> bytes:
    """The PDF without MarkInfo's `/Suspects false` (absent means false), blanked with spaces to keep the
    cross-reference offsets right."""
    return _SUSPECTS.sub(lambda m: m[1] + b" " * len(m[2]) + m[3], pdf, count=1)


def page_count(pdf: bytes) -> int:
    """The page count of a PDF written by Typst, from its page tree as pypdf walks it (a `/Count` that the brief's
    text, attached to the PDF, might hold is never read)."""
    from briefgen.distribution import pdfinfo

    try:
        return pdfinfo.page_count(pdf)
    except pdfinfo.Unreadable as exc:
        raise EngineError(f"typst: the PDF has no page tree that briefgen can read ({exc})") from None
