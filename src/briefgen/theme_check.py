"""Check a theme's Jinja templates for one engine before any engine runs: each parses, and each block an
overriding template defines is a block of the template it extends (a misspelt block replaces nothing).

The same checks run for a build, `check --theme` and `themes show`: once per theme (as resolved, the object
`load_theme` gives) and engine in a process, so that `check`, which resolves the build's engine and then checks
every engine's templates, checks none twice; `forget` drops them (`watch`, when a theme changes).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import jinja2
from jinja2 import nodes

from briefgen.backends import Backend
from briefgen.errors import Problem, display_path
from briefgen.themes.css import FOLDER, check_css
from briefgen.themes.layers import Theme


def _environment(backend: Backend, theme: Theme) -> jinja2.Environment:
    from briefgen.render import environment

    dirs = tuple(theme.template_dirs(backend.folder))
    prefixed = tuple((name, tuple(folders)) for name, folders in theme.prefixed_dirs(backend.folder).items())
    return environment(backend, dirs, prefixed)


def _column(file: Path, line: int, needle: str) -> int:
    try:
        text = file.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 1
    at = text.find(needle)
    return at + 1 if at >= 0 else 1


def _top_blocks(tree: nodes.Template) -> list[nodes.Block]:
    """The blocks of a template that are not inside another block: what a child template overrides."""
    out: list[nodes.Block] = []

    def walk(node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Block):
                out.append(child)
            else:
                walk(child)

    walk(tree)
    return out


def _parent(tree: nodes.Template) -> str | None:
    """The template a template extends, when it names it by a constant string."""
    for node in tree.find_all(nodes.Extends):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            return node.template.value
    return None


# The problems of the last themes checked in this process, by engine; each theme kept so that its id is not
# reused while it is there.
KEPT = 8
_CHECKED: dict[int, tuple[Theme, dict[str, list[Problem]]]] = {}


def check_templates(theme: Theme, backend: Backend) -> list[Problem]:
    """Every `.j2` template of the theme for `backend`, parsed: a syntax error at its line; a block an extending
    template defines that the template it extends (or that one's parents) lacks, with a "did you mean"."""
    if id(theme) not in _CHECKED and len(_CHECKED) >= KEPT:
        del _CHECKED[next(iter(_CHECKED))]  # the theme checked first
    _theme, done = _CHECKED.setdefault(id(theme), (theme, {}))
    if backend.name not in done:
        done[backend.name] = _check(theme, backend)
    return list(done[backend.name])


def forget() -> None:
    """Check every theme again when it is next asked for."""
    _CHECKED.clear()


def _check(theme: Theme, backend: Backend) -> list[Problem]:
    env = _environment(backend, theme)
    problems: list[Problem] = []
    parsed: dict[str, tuple[nodes.Template | None, str]] = {}

    def parse(name: str) -> tuple[nodes.Template | None, str]:
        if name not in parsed:
            try:
                source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                parsed[name] = (None, name)
                return parsed[name]
            filename = filename or name
            try:
                parsed[name] = (env.parse(source, name, filename), filename)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(
                    Problem(
                        display_path(filename), exc.lineno or 0, 1, f"template syntax error: {exc.message}"
                    )
                )
                parsed[name] = (None, filename)
        return parsed[name]

    def blocks_of(name: str, seen: tuple[str, ...] = ()) -> set[str] | None:
        """Every block of template `name` and of the templates it extends; None when one does not load."""
        tree, _ = parse(name)
        if tree is None or name in seen:
            return None
        names = {block.name for block in tree.find_all(nodes.Block)}
        parent = _parent(tree)
        if parent is not None:
            above = blocks_of(parent, (*seen, name))
            if above is None:
                return None
            names |= above
        return names

    for layer in theme.layers:
        folder = layer.engine_dir(backend.folder)
        for relative in layer.files(backend.folder):
            if not relative.endswith(".j2"):
                continue
            file = folder / relative
            try:
                source = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(display_path(file), 0, 0, f"cannot read the template: {exc}"))
                continue
            try:
                tree = env.parse(source, relative, str(file))
            except jinja2.TemplateSyntaxError as exc:
                message = f"template syntax error: {exc.message}"
                problems.append(Problem(display_path(file), exc.lineno or 0, 1, message))
                continue
            parent = _parent(tree)
            if parent is None:
                continue
            known = blocks_of(parent)
            if known is None:
                continue  # a parent that does not load or parse is reported where it is
            for block in _top_blocks(tree):
                if block.name in known:
                    continue
                close = difflib.get_close_matches(block.name, sorted(known), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"its blocks: {', '.join(sorted(known))}"
                problems.append(
                    Problem(
                        display_path(file),
                        block.lineno,
                        _column(file, block.lineno, block.name),
                        f"block '{block.name}' overrides nothing: '{parent}' has no such block ({hint})",
                    )
                )
    if backend.folder == FOLDER and not problems:
        problems += check_css(theme)
    return list(dict.fromkeys(problems))


def check_all(theme: Theme) -> list[Problem]:
    """`check_templates` for every engine the theme has templates for (`check --theme`, `themes show`)."""
    from briefgen.backends import BACKENDS

    folders = {b.folder: b for b in BACKENDS.values() if theme.template_dirs(b.folder)}
    return [p for backend in folders.values() for p in check_templates(theme, backend)]


__all__ = ["check_all", "check_templates", "forget"]
