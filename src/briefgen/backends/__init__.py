"""The backend registry: every engine as one object (name, template folder, markup, compile, requirements).

A backend's module is imported only when the backend is used, and its library (weasyprint, typst, a TeX run)
only when it compiles. Adding an engine is its package (`ENGINE`, `.markup`'s `SYNTAX` with its token writer,
optionally `doctor`), its templates in each theme, and one entry in BACKENDS: the CLI's `--engine` and
`--format` choices, the project file's checks, `doctor`, rendering and the default engine all read the registry
when they run.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen.distribution.standards import NONE
from briefgen.distribution.standards import Plan as StandardsPlan
from briefgen.errors import EngineError, InputError

TIMEOUT = 120.0  # seconds an engine may take to typeset one document (`build --timeout`)

if TYPE_CHECKING:
    from briefgen.backends.markup import Syntax
    from briefgen.backends.workers import Call
    from briefgen.document.view import Document
    from briefgen.themes.fonts import Face


@dataclass(frozen=True)
class Figure:
    """A figure of the brief, as an engine places it beside its source."""

    number: int
    path: Path  # the image file in the brief's folder
    name: str  # its name beside the engine's source: figure-1.png
    format: str  # png, jpeg, svg


@dataclass(frozen=True)
class About:
    """What an engine reads of the document it typesets, besides its source: plain values, so that a worker
    reads a job without importing the brief's schema (it is started before the briefs are read)."""

    id: str  # the brief's id
    lang: str  # its language's code: fr
    tag: str  # its BCP 47 tag: fr-FR
    date: dt.date  # the announcement's date, the PDF's creation date
    figures: tuple[Figure, ...] = ()

    @classmethod
    def of(cls, doc: Document) -> About:
        figures = tuple(Figure(f.number, f.path, f.name, f.format) for f in doc.figures)
        return cls(doc.id, doc.lang, doc.tag, doc.date, figures)


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF (an embedded file, a PDF/A-3 associated file of the document)."""

    name: str  # its name in the PDF: a path relative to the brief's folder, "/" between folders
    data: bytes
    mime: str  # "application/yaml", "text/plain", "application/json", "image/png"…
    description: str
    relationship: str = "Source"  # PDF/A-3's AFRelationship: Source, Data, Supplement, Alternative


@dataclass(frozen=True)
class Job:
    """What an engine needs to typeset one document: its source, where it may read, and build options."""

    source: str
    doc: About
    template_dirs: list[Path]  # the theme's layers for this engine, the user's first
    font_dir: Path  # kept for engines that take one folder; `fonts` names every file
    fonts: tuple[Face, ...] = ()
    asset_dirs: list[Path] = field(default_factory=list)  # theme layers' folders: logos, font files
    logo: Path | None = None  # the theme's logo, for engines that copy it beside the source
    extra: dict[str, object] = field(default_factory=dict)
    timeout: float = TIMEOUT  # seconds: then the engine is stopped (EngineTimeout)
    # The PDF file identifier: 32 hex digits from the brief's inputs ("": the engine's own).
    identifier: str = ""
    # The PDF standards to meet and the files the PDF carries, decided once for the build (briefgen.distribution.standards).
    plan: StandardsPlan = NONE
    # Files to carry inside the PDF: the brief, its sources and figures, and the build's JSON (provenance).
    attachments: tuple[Attachment, ...] = ()
    # The headings that open the back matter (as the catalog says them): the page of the first is found where
    # the PDF is made (Typeset.back), so that the process asking for it need not read PDFs.
    back_matter: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.attachments and not self.plan.attaches:
            raise ValueError(f"the standards plan ({self.plan.key}) attaches no file, and the job has some")


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int
    back: int | None = None  # the page (from 1) of the first heading of Job.back_matter, if found


class Engine(Protocol):
    """An engine's ENGINE. It may also have `warm()`: import its library ahead of the first compile."""

    def compile(self, job: Job) -> Typeset: ...


@dataclass(frozen=True)
class Backend:
    """One engine: what the CLI calls it, where its templates are, how values are escaped, how it compiles."""

    name: str  # `--engine NAME`
    folder: str  # the theme's sub-folder holding this engine's templates
    suffix: str  # the source `--format` writes: ".html", ".typ", ".tex"
    # Holds ENGINE (compile), optionally `doctor(backend) -> briefgen.doctor.Check` (what `briefgen doctor` says
    # of it, else whether its library imports or its program is on PATH) and, in `.markup`, SYNTAX (escaping,
    # entry template, token writer).
    module: str
    autoescape: bool  # Jinja's HTML autoescape (else the markup's `text` escapes every value)
    summary: str
    library: str = ""  # the Python library it imports (= its pip name), for `doctor`
    program: str = ""  # the program it runs, for `doctor`
    install: str = ""  # how to install what is not pip's
    # The PDF standards it does not write (of briefgen.distribution.standards.STANDARDS), each with the reason, said when one
    # is asked for. It writes every other one, alone or beside another.
    refuses: tuple[tuple[str, str], ...] = ()
    pdf: bool = True  # it typesets PDFs (else it writes only its source, with `--format`, and has no ENGINE)

    @cached_property
    def syntax(self) -> Syntax:
        syntax: Syntax = importlib.import_module(f"{self.module}.markup").SYNTAX
        return syntax

    @property
    def engine(self) -> Engine:
        engine: Engine = importlib.import_module(self.module).ENGINE
        return engine

    def refusal(self, standard: str) -> str | None:
        """Why this engine does not write `standard` ("ua-1"), or None when it does."""
        return dict(self.refuses).get(standard)

    def writes(self, standards: Iterable[str]) -> bool:
        """Whether this engine writes every one of `standards` (together)."""
        return all(self.refusal(name) is None for name in standards)

    @staticmethod
    def writing(standards: Iterable[str]) -> list[str]:
        """The names of the registry's engines that write every one of `standards`."""
        wanted = tuple(standards)
        return [b.name for b in BACKENDS.values() if b.writes(wanted)]

    @property
    def format(self) -> str:
        """The `--format` value of this engine's source: html, typ, tex."""
        return self.suffix.lstrip(".")

    @property
    def outputs(self) -> tuple[str, ...]:
        """The `--format` values this engine writes: a PDF (if it typesets one), and its own source."""
        return ("pdf", self.format) if self.pdf else (self.format,)

    def compile(self, job: Job) -> Typeset:
        """Typeset `job` in an engine worker, stopped after `job.timeout` seconds (EngineTimeout)."""
        from briefgen.backends.workers import pool

        result: Typeset = pool().call(self.call(job))
        return result

    def call(self, job: Job) -> Call:
        """The worker call that typesets `job`: for a batch of builds run side by side (workers.Pool.run)."""
        from briefgen.backends.workers import Call

        return Call(compile_here, (self.name, job), job.timeout, self.name)


def warm_up(name: str, *modules: str) -> None:
    """Import what typesetting with the engine `name` needs: the engine's module and library (a job is plain
    values: see About), then `modules` (by name: what rendering needs, for a worker that will render documents
    too: briefgen.preload). A worker runs it as soon as it starts, while its parent reads and renders the
    briefs."""
    engine = BACKENDS[name].engine
    warm = getattr(engine, "warm", None)
    if warm is not None:
        warm()
    for module in modules:
        importlib.import_module(module)


def start_workers(name: str, documents: int, jobs: int) -> int:
    """Start the engine `name`'s workers for `documents` documents typeset `jobs` at a time, each warming up
    (warm_up); with more documents than workers, each will render some of them too (build.make), so it imports
    what rendering needs as well (briefgen.preload). Gives the number of workers."""
    from briefgen.backends import workers
    from briefgen.preload import RENDERING

    count = max(min(jobs, documents), 1)
    workers.pool().warm(warm_up, name, *(RENDERING if documents > count else ()), count=count)
    return count


def compile_here(name: str, job: Job) -> Typeset:
    """Typeset `job` with the engine `name` in this process (in a worker: see Backend.compile). Raises
    EngineError for a standard the engine refuses, whoever made the plan."""
    backend = BACKENDS[name]
    for standard in job.plan.standards:
        if (reason := backend.refusal(standard)) is not None:
            raise EngineError(f"{name}: cannot write {standard}: {reason}")
    return backend.engine.compile(job)


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(
            "weasyprint",
            "html",
            ".html",
            "briefgen.backends.weasyprint",
            True,
            "HTML and CSS",
            library="weasyprint",
            install="apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        ),
        Backend(
            "typst", "typst", ".typ", "briefgen.backends.typst", False, "Typst, in-process", library="typst"
        ),
        Backend(
            "latex",
            "latex",
            ".tex",
            "briefgen.backends.latex",
            False,
            "LuaLaTeX from TeX Live",
            program="lualatex",
            refuses=(
                (
                    "ua-1",
                    "TeX Live 2022's tagging marks only links, and latex-lab's phase-II stops at "
                    "\\begin{document} with the theme's packages: no heading, list, table or figure would be "
                    "tagged; PDF/UA-1 from LaTeX needs TeX Live 2024 or later",
                ),
            ),
        ),
    )
}
ENGINES = BACKENDS.keys()  # a live view: an engine added to BACKENDS is one
DEFAULT = "weasyprint"  # the engine of `build` when neither the command line nor the project file names one
# The `--format` values written from the document itself, not by an engine: any engine's build writes them.
DOCUMENT_FORMATS = ("docx",)


def formats() -> tuple[str, ...]:
    """The `--format` values of `build`: pdf, then each engine's source, then those written from the document
    whatever the engine (docx)."""
    kinds = [kind for backend in BACKENDS.values() for kind in backend.outputs]
    return tuple(dict.fromkeys([*kinds, *DOCUMENT_FORMATS]))


def engine_free(fmt: str | None) -> bool:
    """Whether `--format fmt` leaves the engine as it is: none asked (None), pdf, or a document format."""
    return fmt is None or fmt == "pdf" or fmt in DOCUMENT_FORMATS


def get_backend(name: str) -> Backend:
    """The backend called `name`. Raises InputError listing the others."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise InputError(f"unknown engine '{name}' (available: {', '.join(BACKENDS)})") from None


__all__ = [
    "BACKENDS",
    "DEFAULT",
    "DOCUMENT_FORMATS",
    "ENGINES",
    "TIMEOUT",
    "Attachment",
    "Backend",
    "Engine",
    "Job",
    "Typeset",
    "compile_here",
    "engine_free",
    "formats",
    "get_backend",
    "warm_up",
]
