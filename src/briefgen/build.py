"""Run the pipeline for each brief and language: load → validate → localise → render → typeset → write."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.backends import Job, get_backend
from briefgen.brief.discover import find_briefs
from briefgen.brief.validate import LoadedBrief, load_brief
from briefgen.document.view import build_document
from briefgen.errors import BriefgenError, InputError, Problem, display_path
from briefgen.language.catalog import Catalog, load_catalog
from briefgen.output import write_atomic
from briefgen.render import render
from briefgen.themes.layers import DEFAULT_THEME, Theme, check_layers, load_theme

log = logging.getLogger(__name__)

FORMATS = ("pdf", "source")


@dataclass(frozen=True)
class Options:
    engine: str = "weasyprint"
    langs: tuple[str, ...] | None = None
    out: Path = Path("out")
    theme: str = DEFAULT_THEME  # a built-in theme's name, or a theme folder
    templates: Path | None = None
    format: str = "pdf"  # "pdf", or "source" for the engine's own source (.html, .typ, .tex)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    loaded: LoadedBrief
    lang: str
    catalog: Catalog


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int
    seconds: float
    task: Task


def theme_of(options: Options) -> Theme:
    """The theme the options name, checked for the chosen engine. Raises InputError with every problem."""
    backend = get_backend(options.engine)
    theme = load_theme(options.theme, options.templates)
    problems = check_layers(theme, backend.folder, backend.name, backend.suffix)
    if problems:
        raise InputError(problems)
    return theme


def plan(paths: list[Path], options: Options) -> list[Task]:
    """Every (brief, language) to build. Validates all input first; raises InputError with every problem."""
    theme = theme_of(options)
    files = find_briefs(paths)
    problems: list[Problem] = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(display_path(path), 0, 0, "no such file or folder"))
    if not files and not problems:
        problems.append(
            Problem(", ".join(map(display_path, paths)), 0, 0, "no brief found (*.yaml or */brief.yaml)")
        )
    tasks: list[Task] = []
    seen_ids: dict[str, Path] = {}
    for file in files:
        try:
            loaded = load_brief(file)
        except BriefgenError as exc:
            problems += exc.problems
            continue
        brief = loaded.brief
        if brief.id in seen_ids:
            problems.append(
                loaded.located.problem(
                    ("id",), f"id '{brief.id}' is also used by {display_path(seen_ids[brief.id])}"
                )
            )
        seen_ids[brief.id] = file
        langs = list(options.langs) if options.langs else brief.languages
        for lang in langs:
            if lang not in brief.languages:
                problems.append(
                    loaded.located.problem(
                        ("languages",), f"--lang {lang}: the brief declares {', '.join(brief.languages)}"
                    )
                )
                continue
            try:
                tasks.append(Task(loaded, lang, load_catalog(lang, theme.catalog_dirs)))
            except BriefgenError as exc:
                problems += [
                    p if p.line else loaded.located.problem(("languages",), p.message) for p in exc.problems
                ]
    if problems:
        raise InputError(problems)
    for rules in sorted({t.catalog.lang for t in tasks if t.catalog.typography == "none"}):
        log.warning(
            "language '%s': its catalog names no typography rules; its texts are printed as typed", rules
        )
    return tasks


def output_path(task: Task, options: Options, suffix: str = ".pdf") -> Path:
    return options.out / f"{task.loaded.brief.id}.{task.lang}{suffix}"


def run(task: Task, options: Options) -> Written:
    """Build one language of one brief and write it. Raises BriefgenError; never leaves a partial file."""
    started = time.perf_counter()
    engine = get_backend(options.engine)
    theme = _theme(options)
    doc = build_document(task.loaded, task.lang, task.catalog)
    source = render(engine, theme, doc, task.catalog)
    if options.format == "source":
        path = output_path(task, options, engine.suffix)
        data = source.encode("utf-8")
        pages = 0
    else:
        job = Job(
            source=source,
            doc=doc,
            template_dirs=theme.template_dirs(engine.folder),
            font_dir=theme.faces[0].file.parent,
            fonts=theme.faces,
            asset_dirs=theme.asset_dirs(),
            logo=theme.logo,
            extra=options.extra,
        )
        typeset = engine.compile(job)
        path, data, pages = output_path(task, options), typeset.pdf, typeset.pages
        front = sum(bool(theme.manifest.layout.get(key)) for key in ("cover", "toc"))  # pages the theme adds
        if pages - front > doc.page_budget:
            log.warning(
                "%s: %d pages%s, over the brief's page budget of %d",
                display_path(path),
                pages - front,
                f" after the theme's {front} front page{'s' if front > 1 else ''}" if front else "",
                doc.page_budget,
            )
    write_atomic(path, data)
    return Written(path, pages, len(data), time.perf_counter() - started, task)


_THEMES: dict[tuple[str, Path | None, str], Theme] = {}


def _theme(options: Options) -> Theme:
    """The options' theme, loaded once per process (plan() has checked it)."""
    key = (options.theme, options.templates, options.engine)
    if key not in _THEMES:
        _THEMES[key] = theme_of(options)
    return _THEMES[key]


def build(paths: list[Path], options: Options, jobs: int = 1) -> Iterator[Written]:
    """Plan everything (raising on any invalid input before writing), then build the tasks, `jobs` at a time."""
    tasks = plan(paths, options)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield run(task, options)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        futures = [pool.submit(run, task, options) for task in tasks]
        for future in as_completed(futures):
            yield future.result()


__all__ = ["Options", "Written", "build", "plan", "run"]
