"""Check a theme's CSS for WeasyPrint before it runs: WeasyPrint drops what it cannot parse without a word.

Every `.css` and `.css.j2` file of the theme's `html/` folders is read with its Jinja tags blanked out (so that
lines and columns stay those of the file), then checked: braces balanced (an unclosed `{` swallows the rules
after it, a stray `}` the rule after it), tinycss2's parse errors, and each `var(--name)` of any template
against the tokens (`themes/tokens.py`, written by `css_block`) and the custom properties the theme's CSS
declares, with a "did you mean".
"""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import tinycss2

from briefgen.errors import Problem, display_path
from briefgen.themes.layers import Theme
from briefgen.themes.tokens import tokens

FOLDER = "html"
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_SKIP = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL)
_VAR = re.compile(r"var\(\s*--([A-Za-z0-9_-]+)")


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with every match of `pattern` replaced by spaces (newlines kept): positions do not move."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _braces(path: str, css: str) -> list[Problem]:
    bare = _blank(css, _SKIP)
    problems: list[Problem] = []
    opened: list[int] = []
    for at, char in enumerate(bare):
        if char == "{":
            opened.append(at)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                line, column = _position(css, at)
                problems.append(
                    Problem(
                        path,
                        line,
                        column,
                        "CSS: a '}' that closes nothing (WeasyPrint drops the rule after it)",
                    )
                )
    for at in opened[:1]:
        line, column = _position(css, at)
        problems.append(
            Problem(
                path, line, column, "CSS: this '{' is never closed (WeasyPrint drops every rule after it)"
            )
        )
    return problems


def _walk(nodes: list[Any], out: list[Any]) -> None:
    """Every node of a parsed stylesheet, the contents of rules and blocks included."""
    for node in nodes:
        out.append(node)
        content = getattr(node, "content", None)
        if node.type in ("qualified-rule", "at-rule") and content is not None:
            _walk(tinycss2.parse_blocks_contents(content), out)
            _walk(list(node.prelude), out)
        elif node.type == "declaration":
            _walk(list(node.value), out)
        elif content is not None and node.type != "comment":
            sub = getattr(node, "arguments", None)
            _walk(list(sub if sub is not None else content), out)


def _parsed(css: str) -> list[Any]:
    out: list[Any] = []
    _walk(tinycss2.parse_stylesheet(css), out)
    return out


def _built(original: str, starts: list[int], name: str, line: int, column: int) -> bool:
    """A name a template writes with Jinja (`var(--text-{{ name }}-size)`): not checked."""
    end = starts[line - 1] + column - 1 + len(name)
    return original[end : end + 2] in ("{{", "{%")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# elements whose end tag HTML lets a template leave out
_OPTIONAL = {"p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead", "tbody", "tfoot"}
_OPTIONAL |= {"colgroup", "caption", "html", "head", "body", "rt", "rp"}


class _Elements(HTMLParser):
    """The elements of one HTML template (Jinja tags blanked): those never closed, or closed by another's end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, tuple[int, int]]] = []
        self.found: list[tuple[int, int, str]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in _VOID:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                for name, (line, column) in self.open[i + 1 :]:
                    if name not in _OPTIONAL:
                        self.found.append(
                            (line, column + 1, f"<{name}> is never closed (</{tag}> closes it)")
                        )
                del self.open[i:]
                return
        line, column = self.getpos()
        self.found.append((line, column + 1, f"</{tag}> closes no element of this template"))


def check_html(file: Path) -> list[Problem]:
    """Warnings for the elements of an HTML template left open (an `<aside>` never closed wraps the rest of the
    page), with its Jinja tags blanked: both branches of an `{% if %}` are read, so a warning, not an error."""
    parser = _Elements()
    parser.feed(_blank(file.read_text(encoding="utf-8", errors="replace"), _JINJA))
    parser.close()
    found = parser.found + [
        (line, column + 1, f"<{name}> is never closed in this template")
        for name, (line, column) in parser.open
        if name not in _OPTIONAL
    ]
    return [
        Problem(display_path(file), line, column, f"HTML: {message}", warning=True)
        for line, column, message in found
    ]


def check_css(theme: Theme) -> list[Problem]:
    """The problems of the theme's CSS for WeasyPrint, each at its file:line:col."""
    files: dict[str, Path] = {}
    for layer in reversed(theme.layers):  # the nearest layer's file of a name is the one used
        for name in layer.files(FOLDER):
            files[name] = layer.engine_dir(FOLDER) / name
    problems: list[Problem] = []
    known = {f"--{name}" for name in tokens(theme)}
    used: list[tuple[str, str, int, int]] = []  # (name, file, line, column)
    for name, file in sorted(files.items()):
        if not name.endswith((".css", ".css.j2", ".html.j2")):
            continue
        original = file.read_text(encoding="utf-8", errors="replace")
        text = _blank(original, _JINJA)
        path = display_path(file)
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        if name.endswith(".html.j2"):  # var() in style attributes and <style> of the HTML
            if not any(layer.builtin and file.is_relative_to(layer.root) for layer in theme.layers):
                problems += check_html(file)
            for match in _VAR.finditer(text):
                where = _position(text, match.start(1) - 2)
                if not _built(original, starts, f"--{match.group(1)}", *where):
                    used.append((f"--{match.group(1)}", path, *where))
            continue
        problems += _braces(path, text)
        for node in _parsed(text):
            if node.type == "error":
                message = (
                    "CSS: a declaration that does not parse before here (a ':' or ';' missing?): "
                    "WeasyPrint drops it"
                    if node.message.startswith(("Stop token", "Expected ':'"))
                    else f"CSS: {node.message}"
                )
                problems.append(Problem(path, node.source_line, node.source_column, message))
            elif node.type == "declaration" and node.name.startswith("--"):
                known.add(node.name)
            elif node.type == "function" and node.lower_name == "var":
                first = next((t for t in node.arguments if t.type not in ("whitespace", "comment")), None)
                if (
                    first is not None
                    and first.type == "ident"
                    and first.value.startswith("--")
                    and not _built(original, starts, first.value, first.source_line, first.source_column)
                ):
                    used.append((first.value, path, first.source_line, first.source_column))
    for name, path, line, column in used:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.7)
            hint = f"did you mean '{close[0]}'?" if close else "`briefgen themes show` lists the tokens"
            problems.append(Problem(path, line, column, f"CSS: no token '{name}' ({hint})"))
    return problems


__all__ = ["check_css"]
