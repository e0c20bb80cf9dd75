"""Render a Document through a theme's Jinja2 templates, for one backend, into the source its engine typesets.

Templates receive `doc` (the localised document), `t` (the language's catalog), `theme` (the manifest),
`logo` (its file) and `logo_alt` (its alt text in the document's language, "" when decorative), `tokens` (the
design tokens), `tokens_block` (the same, written in the engine's language: CSS custom
properties, a Typst dictionary or LaTeX macros), `running` (the header and footer) and `fonts` (the faces).

Templates run in Jinja's immutable sandbox: they read these values and call their public methods, but reach
no attribute starting with `_` (so no way from an object to Python's modules) and change no list or dict. A
theme someone sent can make an ugly or misleading PDF, not run code: what the sandbox refuses is an InputError
at the template's line.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefgen.backends import Backend
from briefgen.brief.inline import loosen
from briefgen.document.view import Document
from briefgen.errors import InputError, Problem, display_path
from briefgen.language.catalog import Catalog
from briefgen.language.facts import format_day
from briefgen.themes import fonts
from briefgen.themes.layers import Theme
from briefgen.themes.logo import alt_text
from briefgen.themes.manifest import FIELD, Running, ems, points
from briefgen.themes.tokens import tokens

log = logging.getLogger(__name__)


class _Finalize:
    """Escape every value a template prints, unless it is already markup of the engine."""

    def __init__(self, text: Any) -> None:
        self.text = text

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Markup):
            return value
        return Markup(self.text(str(value)))


class _Compiled(FileSystemBytecodeCache):
    """Templates compiled once, kept for the next run in `$XDG_CACHE_HOME/briefgen/jinja` (`~/.cache`): Jinja
    reuses one only while its template's text is the same. A folder per engine, briefgen and Jinja version, so
    that no template is ever run as another Jinja environment compiled it. A folder that cannot be written to
    only costs the compile."""

    @classmethod
    def for_backend(cls, backend: Backend) -> _Compiled | None:
        from briefgen import __version__
        from briefgen.digests import cache_folder

        base = cache_folder("jinja")
        setup = repr(
            (__version__, jinja2.__version__, backend.name, backend.autoescape, backend.syntax.delimiters)
        )
        folder = base / f"{backend.name}-{hashlib.sha256(setup.encode()).hexdigest()[:16]}"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            log.debug("compiled templates are not kept: %s", exc)
            return None
        return cls(str(folder))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError) as exc:  # unreadable, or cut short: compiled again
            log.debug("compiled template %s: %s", bucket.key, exc)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template %s not kept: %s", bucket.key, exc)


def own_templates(folder: Path, keep_trailing_newline: bool = True) -> ImmutableSandboxedEnvironment:
    """The templates briefgen ships for a page of its own (the site, the preview, the e-mail) in `folder`: HTML
    escaped, text as written, an undefined name an error; in Jinja's sandbox, as every template."""
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )


@cache
def environment(
    backend: Backend, dirs: tuple[Path, ...], prefixed: tuple[tuple[str, tuple[Path, ...]], ...]
) -> jinja2.Environment:
    """Jinja for one backend and one theme: its layers in order, and `name:file` for a named layer's own file."""
    syntax = backend.syntax
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in dirs]),
            jinja2.PrefixLoader(
                {name: jinja2.FileSystemLoader([str(d) for d in folders]) for name, folders in prefixed},
                delimiter=":",
            ),
        ]
    )
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=backend.autoescape,
        finalize=_Finalize(syntax.text) if syntax.text else None,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
        cache_size=-1,  # a theme's templates, each kept (Jinja's LRU moves a name in a deque at every look-up)
        bytecode_cache=_Compiled.for_backend(backend),
        **syntax.delimiters,
    )
    env.filters["inline"] = lambda nodes: Markup(syntax.inline(nodes))
    env.filters["text"] = lambda value: Markup(syntax.text(str(value))) if syntax.text else value
    env.filters["loose"] = loosen
    env.filters.update(syntax.filters)
    return env


def running(theme: Theme, doc: Document, catalog: Catalog) -> dict[str, dict[str, Any]]:
    """The header and footer: for each side, parts ('text', words) and ('page' | 'pages' | 'section', '').

    `section` is the title of the section the page is in, which only the engine knows.
    """
    values = {
        "briefing": catalog("briefing"),
        "title": doc.title,
        "classification": doc.classification,
        "date": format_day(doc.date, catalog),
        "version": doc.version,
        "author": ", ".join(x for x in (doc.author, doc.organisation) if x),
    }

    def parts(pattern: str | None) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pattern = (pattern or "").replace("{page_x_of_y}", catalog.strings["page_x_of_y"])
        at = 0
        for match in FIELD.finditer(pattern):
            if match.start() > at:
                out.append(("text", pattern[at : match.start()]))
            name = match.group(1)
            out.append((name, "") if name in ("page", "pages", "section") else ("text", values[name]))
            at = match.end()
        if at < len(pattern):
            out.append(("text", pattern[at:]))
        merged: list[tuple[str, str]] = []
        for kind, text in out:
            if merged and kind == "text" and merged[-1][0] == "text":
                merged[-1] = ("text", merged[-1][1] + text)
            else:
                merged.append((kind, text))
        return merged

    design = tokens(theme)
    text_width = points(str(design["page-width"])) - points(str(design["margin-left"]))
    text_width -= points(str(design["margin-right"]))
    room = float(text_width) * float(str(design["layout-footer-title-width-ratio"]))

    def one_line(items: list[tuple[str, str]], step: str) -> list[tuple[str, str]]:
        """A left side of text alone on one line of its room (a long title cut after a word, with '…')."""
        if not items or any(kind != "text" for kind, _ in items):
            return items
        family, weight = design[f"text-{step}-family"], design[f"text-{step}-weight"]
        italic, caps = design[f"text-{step}-italic"], design[f"text-{step}-caps"]
        face = min(
            (f for f in theme.faces if f.family == family and f.italic == italic),
            key=lambda f: abs(f.weight - int(weight)),
            default=None,
        )
        if face is None:
            return items
        size, tracking = (
            float(points(str(design[f"text-{step}-size"]))),
            float(ems(str(design[f"text-{step}-tracking"]))),
        )

        def measure(text: str) -> float:
            return fonts.text_width(text.upper() if caps else text, face.file, size, tracking)

        return [("text", fonts.fit_line("".join(text for _, text in items), room, measure))]

    def side(r: Running, step: str) -> dict[str, Any]:
        return {"left": one_line(parts(r.left), step), "right": parts(r.right), "first_page": r.first_page}

    return {
        "header": side(theme.manifest.page.header, "running-strong"),
        "footer": side(theme.manifest.page.footer, "running"),
    }


def render(backend: Backend, theme: Theme, doc: Document, catalog: Catalog, **extra: Any) -> str:
    """The engine source of `doc`. Template errors become InputError at `template:line`."""
    dirs = theme.template_dirs(backend.folder)
    prefixed = tuple((name, tuple(folders)) for name, folders in theme.prefixed_dirs(backend.folder).items())
    env = environment(backend, tuple(dirs), prefixed)
    values = tokens(theme)
    context = {
        "doc": doc,
        "t": catalog,
        "theme": theme.manifest,
        "logo": theme.logo,
        "logo_alt": alt_text(theme, catalog),
        "tokens": values,
        "tokens_block": Markup(backend.syntax.tokens(values)),
        "running": running(theme, doc, catalog),
        "fonts": theme.faces,
        **extra,
    }
    try:
        template = env.get_template(backend.syntax.entry)
        doc.restart_notes()  # numbered as this template writes their marks: the order of its page
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(exc.filename or exc.name or "template")
        raise InputError(
            Problem(where, exc.lineno or 0, 1, f"template syntax error: {exc.message}")
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(
            f"template not found: {exc.name} (looked in {', '.join(map(display_path, dirs))})"
        ) from None
    except (jinja2.UndefinedError, SecurityError) as exc:
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


__all__ = ["environment", "render", "running"]
