"""Run the pipeline for each brief and language: load → validate → localise → render → typeset → write.

`resolve` turns the settings' names into objects once (the engine's Backend, the Theme checked for it, the PDF
standards plan); `plan` validates every brief against that setup. A batch is all or nothing: every output is made
in memory (the engines in worker processes, with a time limit; past the first documents, each rendered by the
worker that typesets it) before the first is written, so a failed build in a folder of briefs, or in one
language, writes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from briefgen.backends import (
    BACKENDS,
    DOCUMENT_FORMATS,
    About,
    Backend,
    Job,
    Typeset,
    compile_here,
    get_backend,
    start_workers,
    workers,
)
from briefgen.brief.discover import brief_files
from briefgen.brief.read import load_yaml
from briefgen.brief.validate import LoadedBrief, id_used_twice, load_brief
from briefgen.distribution import manifest, standards
from briefgen.distribution.standards import Plan as StandardsPlan
from briefgen.errors import BriefgenError, EngineError, EngineTimeout, InputError, Problem, display_path
from briefgen.language.catalog import Catalog, load_catalog
from briefgen.language.facts import fact_problems
from briefgen.output import Batch
from briefgen.progress import Progress
from briefgen.settings import Settings
from briefgen.theme_check import check_templates
from briefgen.themes import logo
from briefgen.themes.layers import Theme, load_theme
from briefgen.themes.overrides import check_layers

if TYPE_CHECKING:  # what making an output needs is imported when one is made, not for one up to date
    from briefgen.document.view import Document
    from briefgen.uptodate import Recorder

log = logging.getLogger(__name__)

# The pipeline's steps, as -v names them.
STAGES = ("load", "validate", "localise", "render", "engine", "write")


@dataclass(frozen=True)
class Setup:
    """The settings with their names resolved, once: the engine's Backend, the Theme checked for it, and the
    PDF standards plan every task carries."""

    settings: Settings
    backend: Backend
    theme: Theme
    standards: StandardsPlan = standards.NONE

    @property
    def source(self) -> bool:
        """Whether the build writes the engine's source (--format html, typ, tex) or a document made without an
        engine (--format docx) rather than PDFs."""
        return self.settings.format != "pdf"

    @property
    def document_format(self) -> bool:
        """Whether the build writes a format made from the document whatever the engine (--format docx)."""
        return self.settings.format in DOCUMENT_FORMATS


@dataclass(frozen=True)
class Task:
    loaded: LoadedBrief
    lang: str
    catalog: Catalog
    # The PDF standards the output meets and the files it carries, decided once for the run by plan().
    standards: StandardsPlan = standards.NONE


@dataclass(frozen=True)
class Build:
    """What one run builds: its setup and every (brief, language), validated."""

    setup: Setup
    tasks: list[Task]


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int
    seconds: float
    task: Task
    stages: dict[str, float] = field(default_factory=dict)  # seconds of each of STAGES for this document
    up_to_date: bool = (
        False  # kept as it was: its fingerprint matches (briefgen.fingerprint), nothing written
    )


def checked_theme(
    spec: str, backend: Backend, templates: Path | None = None, warnings: list[Problem] | None = None
) -> Theme:
    """The theme `spec` names (a built-in name or a folder), checked for `backend`. Raises InputError with every
    problem; its warnings go to `warnings` when given, else to the log."""
    theme = load_theme(spec, templates)
    folders = tuple(dict.fromkeys(b.folder for b in BACKENDS.values()))
    problems = check_layers(theme, backend.folder, backend.name, backend.suffix, folders)
    problems = [p for p in problems if not p.warning] or [*problems, *check_templates(theme, backend)]
    if warnings is not None:
        warnings += [p for p in problems if p.warning]
    for warning in [p for p in problems if p.warning and warnings is None]:
        log.warning(
            "%s", replace(warning, warning=False) if warning.line else f"{warning.path}: {warning.message}"
        )
    problems = [p for p in problems if not p.warning]
    if problems:
        raise InputError(problems)
    return theme


def resolve(settings: Settings, warnings: list[Problem] | None = None) -> Setup:
    """The settings' engine, theme and standards as objects. Raises InputError: an unknown engine, a standard it
    does not write, a theme that does not load or lacks the engine's templates."""
    backend = get_backend(settings.engine)
    wanted = standards.NONE
    if settings.format == "pdf":
        wanted = standards.plan(settings.standards, backend, settings.attach)
    theme = checked_theme(settings.theme, backend, settings.templates, warnings)
    if wanted.accessible and (bare := logo.undescribed(theme)):
        log.warning("%s", bare)
    return Setup(settings, backend, theme, wanted)


def plan(paths: list[Path], setup: Setup) -> Build:
    """Every (brief, language) to build. Validates all input first; raises InputError with every problem."""
    theme, wanted, langs_asked = setup.theme, setup.standards, setup.settings.langs
    files, problems = brief_files(paths)
    tasks: list[Task] = []
    seen_ids: dict[str, Path] = {}
    for file in files:
        started = time.perf_counter()
        try:
            located = load_yaml(file)
            read = time.perf_counter()
            loaded = load_brief(file, located)
        except BriefgenError as exc:
            problems += exc.problems
            continue
        brief = loaded.brief
        if twice := id_used_twice(loaded, seen_ids):
            problems.append(twice)
        langs = list(langs_asked) if langs_asked else brief.languages
        for lang in langs:
            if lang not in brief.languages:
                problems.append(
                    loaded.located.problem(
                        ("languages",), f"--lang {lang}: the brief declares {', '.join(brief.languages)}"
                    )
                )
                continue
            try:
                catalog = load_catalog(lang, theme.catalog_dirs)
                problems += fact_problems(brief.facts, catalog, loaded.located)
                problems += [p for p in logo.alt_problems(theme, catalog) if p not in problems]
                tasks.append(Task(loaded, lang, catalog, wanted))
            except BriefgenError as exc:
                problems += [
                    p if p.line else loaded.located.problem(("languages",), p.message) for p in exc.problems
                ]
        stage(brief.id, "load", read - started)
        stage(brief.id, "validate", time.perf_counter() - read)
    if problems:
        raise InputError(problems)
    for rules in sorted({t.catalog.lang for t in tasks if not t.catalog.typography.rules}):
        log.warning(
            "language '%s': its catalog names no typography rules; its texts are printed as typed", rules
        )
    return Build(setup, tasks)


def output_path(task: Task, setup: Setup, suffix: str = ".pdf") -> Path:
    return setup.settings.out / f"{name_of(task)}{suffix}"


def name_of(task: Task) -> str:
    """The document's name in lines that speak of it: `brief-id.lang`."""
    return f"{task.loaded.brief.id}.{task.lang}"


def stage(name: str, step: str, seconds: float, into: dict[str, float] | None = None) -> None:
    """One of STAGES done for `name` (a brief's id, or a document's `id.lang`): logged for -v, kept in `into`."""
    if into is not None:
        into[step] = into.get(step, 0.0) + seconds
    log.info("%s  %-8s  %.3f s", name, step, seconds)


@contextlib.contextmanager
def timed(step: str, name: str, into: dict[str, float] | None = None) -> Iterator[None]:
    """Run one of STAGES for `name`, timed (see `stage`); nothing is logged when it raises."""
    started = time.perf_counter()
    yield
    stage(name, step, time.perf_counter() - started, into)


@dataclass(frozen=True)
class Output:
    """One output made in memory, or the job its engine is to typeset."""

    task: Task
    path: Path
    data: bytes = b""
    pages: int = 0
    seconds: float = 0.0
    job: Job | None = None
    stages: dict[str, float] = field(default_factory=dict)
    inputs: str = ""  # the sha256 of the brief's files (manifest.inputs_of)
    back: int | None = None  # the page the back matter starts on (Typeset.back)
    fingerprint: str | None = None  # the sha256 of everything that shapes it (briefgen.fingerprint)


def run(task: Task, setup: Setup) -> Written:
    """Build one language of one brief and write it. Raises BriefgenError; never leaves a partial file."""
    return make_and_write(Build(setup, [task]))[0]


def build(
    paths: list[Path], setup: Setup, progress: Progress | None = None, recorder: Recorder | None = None
) -> Iterator[Written]:
    """Plan everything (raising on any invalid input before writing), make every output in memory, the engines
    `settings.jobs` at a time, then write them all: when any build fails, nothing is written. `progress` is
    told how the engines go; `recorder` (given the same `paths`) makes the folder's record of what the build
    read (briefgen.uptodate)."""
    yield from make_and_write(plan(paths, setup), progress, recorder)


def make_and_write(
    planned: Build, progress: Progress | None = None, recorder: Recorder | None = None
) -> list[Written]:
    """Make every task's output, then write them all, or none. For PDFs, the folder's manifest is written in the
    same all-or-nothing batch, read, merged and written under the folder's lock, so that builds into one folder
    at the same time keep each other's entries. A PDF that is up to date (briefgen.fingerprint) is not made
    again unless `--force`: when every one is, no engine starts and nothing is written but the folder's record
    of what the build read, when `recorder` is given and it changed (briefgen.uptodate)."""
    setup = planned.setup
    pdf, out = not setup.source, setup.settings.out
    kept: dict[int, Written] = {}
    prints: list[str | None] = [None] * len(planned.tasks)
    recorder = recorder if pdf and planned.tasks else None
    if pdf and planned.tasks:
        described = manifest.read(out)  # a manifest that is not briefgen's is said before any engine runs
        if recorder is not None:  # before the fingerprints: a file changed in between is found changed
            recorder.reads(planned)
        prints, kept = _up_to_date(planned, described)
    todo = [i for i in range(len(planned.tasks)) if i not in kept]
    outputs = make(Build(setup, [planned.tasks[i] for i in todo]), progress)
    outputs = [replace(o, fingerprint=prints[i]) for i, o in zip(todo, outputs, strict=True)]
    started = time.perf_counter()
    with Batch() as batch:
        for o in outputs:
            batch.stage(o.path, o.data)
        if pdf and planned.tasks:
            with manifest.locked(out):
                described = manifest.read(out)
                files = _manifest(outputs, setup, described)
                left = None
                if outputs or files != described:  # all up to date: written only to drop files gone
                    left = manifest.dumps(files)
                    batch.stage(out / manifest.NAME, left)
                if recorder is not None:
                    _record(recorder, planned, prints, files, left, batch)
                batch.commit()
        else:
            batch.commit()
    if outputs:
        what = name_of(outputs[0].task) if len(outputs) == 1 else f"{len(outputs)} files"
        stage(what, "write", time.perf_counter() - started)
    made = iter(Written(o.path, o.pages, len(o.data), o.seconds, o.task, o.stages) for o in outputs)
    return [kept[i] if i in kept else next(made) for i in range(len(planned.tasks))]


def _record(
    recorder: Recorder,
    planned: Build,
    prints: list[str | None],
    files: dict[str, manifest.Entry],
    left: bytes | None,
    batch: Batch,
) -> None:
    """Stage the folder's record of this build (briefgen.uptodate), when each of its outputs is in the manifest
    it leaves under the fingerprint this build computed (another build into the folder at the same time may have
    replaced one)."""
    from briefgen import uptodate
    from briefgen.distribution import confined

    out = planned.setup.settings.out
    names = [output_path(task, planned.setup).name for task in planned.tasks]
    entries = [files.get(name) for name in names]
    if any(e is None or e.fingerprint != p for e, p in zip(entries, prints, strict=True)):
        return
    try:
        left = left if left is not None else confined.read(out, manifest.NAME, manifest.MOST)
    except (OSError, BriefgenError):
        return
    outputs = [(name, e.bytes, e.sha256) for name, e in zip(names, entries, strict=True) if e is not None]
    place = out / uptodate.NAME
    if (place.exists() or place.is_symlink()) and not confined.is_regular(out, uptodate.NAME):
        where = f"{display_path(out).rstrip('/')}/{uptodate.NAME}"  # the place, not where a link leads
        log.warning("%s: not a file briefgen wrote: no record of this build is kept", where)
        return
    before = uptodate.read(out)
    record = recorder.record(before, left, outputs)
    if record is not None and record != before:
        batch.stage(out / uptodate.NAME, record)


def _up_to_date(
    planned: Build, described: dict[str, manifest.Entry]
) -> tuple[list[str | None], dict[int, Written]]:
    """Each task's fingerprint, and the tasks whose PDF in the output folder is up to date (by index), as
    Written: their manifest entry's. With `--force`, none is."""
    from briefgen import fingerprint

    setup = planned.setup
    shared = fingerprint.shared(setup)
    prints: list[str | None] = []
    kept: dict[int, Written] = {}
    for index, task in enumerate(planned.tasks):
        print_ = fingerprint.of_output(shared, task.loaded, task.lang, ".pdf")
        prints.append(print_)
        path = output_path(task, setup)
        entry = described.get(path.name)
        why = "--force" if setup.settings.force else fingerprint.stale(path.parent, path.name, entry, print_)
        if why is not None or entry is None:
            log.debug("%s: built: %s", display_path(path), why)
            continue
        kept[index] = Written(path, entry.pages, entry.bytes, 0.0, task, up_to_date=True)
    return prints, kept


def _manifest(
    outputs: list[Output], setup: Setup, described: dict[str, manifest.Entry]
) -> dict[str, manifest.Entry]:
    """The output folder's manifest once `outputs` are written, `described` being what it said before."""
    theme = str(setup.settings.theme)
    new = {
        o.path.name: manifest.entry(
            o.task.loaded,
            o.task.lang,
            setup.backend,
            theme,
            o.data,
            o.pages,
            o.inputs,
            o.task.standards.standards,
            o.task.standards.attach,
            o.fingerprint,
        )
        for o in outputs
    }
    return manifest.updated(setup.settings.out, described, new)


def make(planned: Build, progress: Progress | None = None) -> list[Output]:
    """Every task's output, in memory. Input problems of every task are raised together (those of the tasks
    rendered here before any engine runs, those a worker finds with every other's); else the first engine
    failure is raised, the other builds stopped."""
    setup, tasks = planned.setup, planned.tasks
    backend = setup.backend
    if not setup.source and "pdf" not in backend.outputs:
        raise InputError(f"the {backend.name} engine writes no PDF: build with --format {backend.format}")
    if tasks and log.isEnabledFor(logging.DEBUG):
        _log_templates(setup)
    for note in dict.fromkeys(note for task in tasks for note in task.standards.notes):
        log.warning("%s", note)
    warned: set[Problem] = set()
    if setup.source or not tasks:
        return prepare_all(tasks, setup, warned)
    # The first documents, one for each worker the engine will run at once, are rendered here while those
    # workers import the engine, each sent to its worker as soon as it is rendered; every other one is rendered
    # by the worker that typesets it, so that --jobs N renders N documents at once as well.
    count = start_workers(backend.name, len(tasks), setup.settings.jobs)
    return typeset(tasks[:count], setup, progress, tasks[count:], warned)


def prepare_all(tasks: list[Task], setup: Setup, warned: set[Problem]) -> list[Output]:
    """Render every task here. Raises InputError with the problems of every one."""
    prepared: list[Output] = []
    problems: list[Problem] = []
    for task in tasks:
        try:
            prepared.append(prepare(task, setup, warned))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(list(dict.fromkeys(problems)))  # one for every language that has it
    return prepared


def _log_templates(setup: Setup) -> None:
    """For -vv: the file each template name is read from (the nearest layer that has it)."""
    folder = setup.backend.folder
    chosen: dict[str, Path] = {}
    for layer in setup.theme.layers:
        for name in layer.files(folder):
            chosen.setdefault(name, layer.engine_dir(folder) / name)
    for name, file in sorted(chosen.items()):
        log.debug("template %s: %s", name, display_path(file))


def prepare(
    task: Task, setup: Setup, warned: set[Problem] | None = None, heard: list[Problem] | None = None
) -> Output:
    """Render one task: its source, or (for a PDF) the job its engine typesets. Raises InputError.
    `warned`: the warnings given already (by the other tasks of a batch), not given again; `heard`, when given,
    gets the warnings instead of the log (a worker's, given by its parent: see make_here)."""
    from briefgen.distribution import provenance
    from briefgen.document.view import build_document
    from briefgen.render import render

    started = time.perf_counter()
    engine, theme, settings = setup.backend, setup.theme, setup.settings
    stages: dict[str, float] = {}
    with timed("localise", name_of(task), stages):
        doc = build_document(task.loaded, task.lang, task.catalog)
        if not setup.source and (problems := font_problems(task, setup, doc)):
            raise InputError(problems)
        for warning in _language_warnings(engine, task, doc):
            if heard is not None:
                heard.append(warning)
            else:
                warn(warning, set() if warned is None else warned)
    if setup.document_format:
        return _document_output(task, setup, doc, started, stages)
    inputs = manifest.inputs_of(task.loaded)
    identifier = manifest.identifier(inputs, task.lang)
    with timed("render", name_of(task), stages):
        source = render(engine, theme, doc, task.catalog, identifier=identifier)
    seconds = time.perf_counter() - started
    job = Job(
        source=source,
        doc=About.of(doc),
        template_dirs=theme.template_dirs(engine.folder),
        font_dir=theme.faces[0].file.parent if theme.faces else Path(),
        fonts=theme.faces,
        asset_dirs=theme.asset_dirs(),
        logo=theme.logo,
        timeout=settings.timeout,
        identifier=identifier,
        plan=task.standards,
        back_matter=tuple(task.catalog(key) for key in BACK_MATTER),
    )
    if setup.source:
        # An engine whose build compiles a document more than once with what the first compile found (Typst's
        # footnotes kept with their calls) writes that into the source, which then lays out its pages as the PDF.
        settle = getattr(engine.engine, "settle", None) if engine.pdf else None
        if settle is not None:
            with timed("engine", name_of(task), stages):
                source = settle(job)
        path = output_path(task, setup, engine.suffix)
        return Output(task, path, source.encode("utf-8"), 0, time.perf_counter() - started, stages=stages)
    job = replace(
        job,
        attachments=provenance.attachments(
            task.loaded, task.lang, engine, str(settings.theme), task.standards, inputs
        ),
    )
    return Output(task, output_path(task, setup), seconds=seconds, job=job, stages=stages, inputs=inputs)


def _document_output(
    task: Task, setup: Setup, doc: Document, started: float, stages: dict[str, float]
) -> Output:
    """The task's document in a format made without an engine: a Word document (--format docx)."""
    from briefgen import word

    with timed("render", name_of(task), stages):
        data = word.write_docx(doc, task.catalog, setup.theme, setup.settings.timeout)
    seconds = time.perf_counter() - started
    return Output(task, output_path(task, setup, word.SUFFIX), data, 0, seconds, stages=stages)


def font_problems(task: Task, setup: Setup, doc: Document | None = None) -> list[Problem]:
    """The characters of the task's document that no font of the theme has, each placed in the brief."""
    from briefgen.backends import glyphs
    from briefgen.document.view import build_document

    doc = doc or build_document(task.loaded, task.lang, task.catalog)
    return glyphs.problems(doc, task.catalog, setup.theme.faces, task.loaded.located, task.lang)


def typeset(
    here: list[Task],
    setup: Setup,
    progress: Progress | None = None,
    rest: list[Task] | None = None,
    warned: set[Problem] | None = None,
) -> list[Output]:
    """The outputs of `here`, tasks each rendered in this process and sent to an engine worker as soon as it is
    (`jobs` at a time), then those of `rest`, tasks each rendered and typeset by a worker (make_here). An input
    problem of a task is raised with those of every one not yet made, as when all are rendered first; else the
    first failure is raised. `progress` is told when the engines start, as each document is typeset, and when
    they are done; `warned`: the warnings given already."""
    from briefgen.backends.workers import Call

    rest, warned = rest or [], set() if warned is None else warned
    tasks = here + rest
    engine, settings = setup.backend, setup.settings
    progress = progress or Progress()
    sent: list[Output] = []  # the outputs of `here` rendered so far, each with its job
    made: dict[int, Output] = {}
    over_budget: list[Problem] = []

    def calls() -> Iterator[Call]:
        for index, task in enumerate(here):
            try:
                output = prepare(task, setup, warned)
            except InputError as exc:
                _unmade(exc, tasks[index + 1 :], setup, warned)
            if output.job is None:
                raise AssertionError(f"{name_of(task)}: no job to typeset")
            sent.append(output)
            yield engine.call(output.job)
        for task in rest:
            yield Call(make_here, (engine.name, settings, setup.theme, task), settings.timeout, engine.name)

    pool = workers.pool()
    if progress.threaded:  # its thread would make each new worker a fresh interpreter rather than a fork
        pool.start(min(settings.jobs, len(tasks)))
    for task, how in [(t, "typeset") for t in here] + [(t, "rendered and typeset") for t in rest]:
        log.debug(
            "%s: %s by %s (%s) in a worker process, stopped after %g s",
            name_of(task),
            how,
            engine.name,
            engine.summary,
            settings.timeout,
        )
    progress.typesetting(len(tasks), engine.name)
    refused: Unrendered | None = None
    try:
        with contextlib.closing(pool.run(calls(), settings.jobs)) as results:
            for index, result, took in results:
                task = tasks[index]
                if isinstance(result, Unrendered):  # said with the problems of every other task
                    refused = result
                    break
                if isinstance(result, BaseException):
                    raise _placed(result, task) from None
                if isinstance(result, Made):
                    for warning in result.warnings:
                        warn(warning, warned)
                    output = Output(
                        task, output_path(task, setup), stages=result.stages, inputs=result.inputs
                    )
                    pdf = result.typeset
                else:
                    output, pdf = sent[index], result
                    output = replace(output, stages=dict(output.stages))
                    stage(name_of(task), "engine", took, output.stages)
                progress.typeset(name_of(task))
                made[index] = replace(
                    output,
                    data=pdf.pdf,
                    pages=pdf.pages,
                    back=pdf.back,
                    seconds=output.seconds + took,
                    job=None,
                )
                if over := _page_budget(made[index], setup):
                    over_budget.append(over)
    finally:
        progress.done()
    # Every problem of the tasks not made, in their order, as when all are rendered first.
    if refused is not None:
        prepare_all([t for i, t in enumerate(tasks) if i not in made and i >= len(here)], setup, warned)
        raise refused
    if over_budget:  # --strict: every briefing over its budget, then nothing is written
        raise InputError(over_budget)
    return [made[i] for i in range(len(tasks))]


def _unmade(error: InputError, others: list[Task], setup: Setup, warned: set[Problem]) -> NoReturn:
    """Raise `error`'s problems (a task's) with those of `others`, the tasks after it, rendered here to find
    them."""
    try:
        prepare_all(others, setup, warned)
    except InputError as more:
        raise InputError(list(dict.fromkeys([*error.problems, *more.problems]))) from None
    raise error


class Unrendered(InputError):
    """A worker's input problems in rendering a task (make_here), before its engine ran."""


@dataclass(frozen=True)
class Made:
    """What a worker sends back for a task it rendered and typeset (make_here)."""

    typeset: Typeset
    stages: dict[str, float]
    inputs: str
    warnings: list[Problem]


def make_here(name: str, settings: Settings, theme: Theme, task: Task) -> Made:
    """Render and typeset `task` with the engine `name` in this process: a worker's call, for a document of a
    batch its parent does not render. Raises Unrendered with what prepare raises; its warnings are sent back,
    for the parent to give once for all the batch's documents."""
    setup = Setup(settings, get_backend(name), theme, task.standards)
    heard: list[Problem] = []
    try:
        output = prepare(task, setup, heard=heard)
    except InputError as exc:
        raise Unrendered(exc.problems) from None
    if output.job is None:
        raise AssertionError(f"{name_of(task)}: no job to typeset")
    stages = dict(output.stages)
    with timed("engine", name_of(task), stages):
        typeset = compile_here(name, output.job)
    return Made(typeset, stages, output.inputs, heard)


BACK_MATTER = ("who", "other_facts", "notes")  # the catalog's names of the back matter's headings


def _placed(error: BaseException, task: Task) -> BaseException:
    """A timeout named with the brief, its language and the engine."""
    if not isinstance(error, EngineTimeout):
        return error
    return EngineError(
        Problem(
            display_path(task.loaded.file),
            0,
            0,
            f"{error.engine or 'the engine'} took more than {error.seconds:g} s to typeset the '{task.lang}' "
            "briefing and was stopped (give it more time with --timeout SECONDS)",
        )
    )


def _page_budget(output: Output, setup: Setup) -> Problem | None:
    """Warn when the briefing runs over the brief's page budget, or (--strict) the problem to raise. The budget
    counts the pages from the title to the end of Sources: not the front pages a theme adds (cover, contents),
    nor the back matter (the annex and the endnotes), which starts a page of its own with its first heading."""
    doc_budget = output.task.loaded.brief.page_budget
    layout = setup.theme.manifest.layout
    front = sum(bool(layout.get(key)) for key in ("cover", "toc"))  # pages the theme adds
    back = output.back  # found by the engine's worker, which reads the PDF it made
    pages = (back - 1 if back is not None else output.pages) - front
    if pages <= doc_budget:
        return None
    where = [f"after the theme's {front} front page{'s' if front > 1 else ''}"] if front else []
    where += ["before the annex and notes"] if back is not None else []
    detail = f" ({', '.join(where)})" if where else ""
    message = f"{pages} pages{detail}, over the brief's page budget of {doc_budget}"
    if setup.settings.strict:
        problem = f"{display_path(output.path)}: {message} (--strict makes it an error)"
        return output.task.loaded.located.problem(("page_budget",), problem)
    log.warning("%s: %s", display_path(output.path), message)
    return None


def warn(warning: Problem, warned: set[Problem]) -> None:
    """Give `warning` unless it is in `warned` (given already for another language of the brief)."""
    if warning not in warned:
        warned.add(warning)
        log.warning("%s", warning)


def _language_warnings(engine: Backend, task: Task, doc: Document) -> list[Problem]:
    """The warnings, at the brief's source.language, that the engine cannot hyphenate the language of the
    passages it quotes (caveats, notes, quotes; LaTeX without babel for it)."""
    from briefgen.document.context import ExcerptView
    from briefgen.document.view import all_blocks

    check = engine.syntax.language
    if check is None:
        return []
    warnings: list[Problem] = []
    quoted = [flag.quote_lang for flag in doc.flags] + [e.lang for note in doc.notes for e in note.excerpts]
    quoted += [b.content.lang for b in all_blocks(doc.sections) if isinstance(b.content, ExcerptView)]
    for tag in dict.fromkeys(quoted):
        message = check(tag, task.catalog)
        brief = task.loaded.brief
        index = next((i for i, s in enumerate(brief.cited) if s.language == tag), 0)
        where = ("source", "language") if brief.source is not None else ("sources", index, "language")
        if message:
            warnings.append(task.loaded.located.problem(where, message))
    return warnings


def forget() -> None:
    """Forget what is loaded once per process (templates, catalogs, the engines' workers and their fonts):
    `watch` calls it when a theme or a catalog changed, and resolves its settings again."""
    from briefgen import render as rendering
    from briefgen import theme_check
    from briefgen.language import catalog

    rendering.environment.cache_clear()
    catalog._load_catalog.cache_clear()
    theme_check.forget()
    workers.shutdown()


__all__ = [
    "STAGES",
    "Build",
    "Setup",
    "Written",
    "build",
    "checked_theme",
    "font_problems",
    "forget",
    "plan",
    "resolve",
    "run",
    "stage",
    "timed",
]
