"""Render a Document through a theme's Jinja2 templates into the source an engine typesets."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from briefgen.backends import get_backend
from briefgen.backends.markup import Syntax
from briefgen.document.view import Document
from briefgen.errors import InputError, Problem, display_path
from briefgen.language.catalog import Catalog


def builtin_templates() -> Path:
    """The built-in themes: inside the installed package, or the repository's templates/ folder."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


def builtin_themes() -> list[str]:
    """The names of the built-in themes."""
    return sorted(p.name for p in builtin_templates().iterdir() if p.is_dir())


def _unknown_theme(theme: str) -> InputError:
    return InputError(f"unknown theme '{theme}' (available: {', '.join(builtin_themes())})")


def theme_dirs(theme: str, engine: str, templates: Path | None) -> list[Path]:
    """Template folders for a theme and engine, the user's first. Raises InputError for an unknown theme."""
    roots = [templates, builtin_templates()] if templates else [builtin_templates()]
    dirs = [root / theme / get_backend(engine).folder for root in roots]
    existing = [d for d in dirs if d.is_dir()]
    if not (builtin_templates() / theme).is_dir() and not existing:
        raise _unknown_theme(theme)
    if not existing:
        raise InputError(f"theme '{theme}' has no templates for the {engine} engine")
    return existing


def export_theme(theme: str, directory: Path, engine: str | None = None) -> list[Path]:
    """Copy a built-in theme (or one engine of it) to `directory`/`theme`. Never overwrites a file."""
    source = builtin_templates() / theme
    if not source.is_dir():
        raise _unknown_theme(theme)
    folders = (
        [source / get_backend(engine).folder] if engine else sorted(p for p in source.iterdir() if p.is_dir())
    )
    files = [f for folder in folders for f in sorted(folder.rglob("*")) if f.is_file()]
    targets = [directory / theme / f.relative_to(source) for f in files]
    existing = [t for t in targets if t.exists()]
    if existing:
        raise InputError(
            [Problem(display_path(t), 0, 0, "already exists; not overwritten") for t in existing]
        )
    for file, target in zip(files, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.read_bytes())
    return targets


class _Finalize:
    """Escape every value a template prints, unless it is already markup of the engine."""

    def __init__(self, text: Any) -> None:
        self.text = text

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Markup):
            return value
        return Markup(self.text(str(value)))


def syntax(engine: str) -> Syntax:
    """The template syntax and escaping of an engine's markup."""
    return get_backend(engine).syntax


@cache
def environment(engine: str, dirs: tuple[Path, ...]) -> jinja2.Environment:
    syntax_ = syntax(engine)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=get_backend(engine).autoescape,
        finalize=_Finalize(syntax_.text) if syntax_.text else None,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
        **syntax_.delimiters,
    )
    env.filters["inline"] = lambda nodes: Markup(syntax_.inline(nodes))
    env.filters["text"] = lambda value: Markup(syntax_.text(str(value))) if syntax_.text else value
    env.filters.update(syntax_.filters)
    return env


def render(engine: str, dirs: list[Path], doc: Document, catalog: Catalog, **extra: Any) -> str:
    """The engine source of `doc`. Template errors become InputError at `template:line`."""
    env = environment(engine, tuple(dirs))
    try:
        template = env.get_template(syntax(engine).entry)
        return template.render(doc=doc, t=catalog, **extra)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(exc.filename or exc.name or "template")
        raise InputError(
            Problem(where, exc.lineno or 0, 1, f"template syntax error: {exc.message}")
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"template not found: {exc.name} (looked in {', '.join(map(str, dirs))})") from None
    except jinja2.UndefinedError as exc:
        line, name = _template_line(exc)
        raise InputError(Problem(name, line, 1, f"template error: {exc.message}")) from None


def _template_line(exc: BaseException) -> tuple[int, str]:
    """The template file and line where a rendering error happened, from the traceback."""
    tb = exc.__traceback__
    found = (0, "template")
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (tb.tb_lineno, display_path(filename))
        tb = tb.tb_next
    return found
