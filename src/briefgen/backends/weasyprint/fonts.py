"""Take a theme's faces and the rendered HTML; give a fontconfig with no system font and the check of families.

WeasyPrint hands a `font-family` no `@font-face` provides to fontconfig, which silently picks a system font
(DejaVu). Here that is an error naming the family and the theme's families, and the build's fontconfig knows
no system font at all, so no glyph can come from one.
"""

from __future__ import annotations

import html
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import tinycss2

from briefgen.errors import InputError, Problem, display_path
from briefgen.themes.fonts import Face

# A fontconfig configuration with no font folder: the only fonts are those WeasyPrint adds from @font-face.
EMPTY_CONFIG = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig></fontconfig>\n'
KEYWORDS = {"inherit", "initial", "unset", "revert", "revert-layer"}
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ENVIRON = threading.Lock()  # FONTCONFIG_FILE is read when a configuration is created


def font_config(folder: Path) -> Any:
    """A WeasyPrint FontConfiguration whose fontconfig reads `folder/fonts.conf`, which names no font folder.

    The font files WeasyPrint copies for @font-face go to `folder/faces`, not to a folder of its own in the
    system's temporary folder, which it removes only when the configuration is collected.
    """
    from weasyprint.text.fonts import FontConfiguration

    conf = folder / "fonts.conf"
    conf.write_text(EMPTY_CONFIG, encoding="utf-8")
    with _ENVIRON:
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            config = FontConfiguration()
        finally:
            if before is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = before
    faces = folder / "faces"
    faces.mkdir()
    config._folder = faces  # WeasyPrint's own folder (weasyprint.text.fonts), made on first use when None
    return config


# -- families named in the rendered CSS ------------------------------------------------------------------


def style_sheets(source: str) -> tuple[list[str], list[str]]:
    """The CSS of an HTML page: its <style> elements, and its style="" attributes."""
    attributes = [html.unescape(a or b) for a, b in STYLE_ATTRIBUTE.findall(source)]
    return STYLE.findall(source), attributes


def _declarations(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every declaration of a parsed style sheet or block, inside rules and at-rules (@font-face excepted)."""
    for node in nodes:
        if node.type == "declaration":
            yield node
        elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
            if node.type == "at-rule" and node.lower_at_keyword == "font-face":
                continue
            if node.type == "at-rule" and node.lower_at_keyword in ("media", "supports", "layer"):
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            else:
                inner = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
            yield from _declarations(inner)


def _resolve(tokens: list[Any], custom: dict[str, list[Any]], depth: int = 0) -> list[Any]:
    """A value with its var() references replaced by the custom properties' values (or their fallbacks)."""
    out: list[Any] = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var" and depth < 20:
            args = [a for a in token.arguments if a.type not in ("whitespace", "comment")]
            name = args[0].value if args and args[0].type == "ident" else ""
            if name in custom:
                out += _resolve(custom[name], custom, depth + 1)
            else:
                comma = next((i for i, a in enumerate(token.arguments) if a == ","), None)
                if comma is not None:
                    out += _resolve(token.arguments[comma + 1 :], custom, depth + 1)
        else:
            out.append(token)
    return out


def _families(tokens: list[Any]) -> list[str]:
    """The family names of a font-family value: quoted strings, or identifiers joined by spaces."""
    names: list[str] = []
    current: list[str] = []
    for token in [*tokens, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            name = " ".join(current).strip()
            if name and name.lower() not in KEYWORDS:
                names.append(name)
            current = []
        elif token.type in ("string", "ident"):
            current.append(token.value)
    return names


def named_families(sheets: Sequence[str], attributes: Sequence[str] = ()) -> dict[str, str]:
    """Every family a `font-family` declaration of the style sheets or style attributes names (var() resolved)
    → where: `named in the CSS`."""
    options = {"skip_comments": True, "skip_whitespace": True}
    declarations = [
        *(d for css in sheets for d in _declarations(tinycss2.parse_stylesheet(css, **options))),
        *(d for css in attributes for d in _declarations(tinycss2.parse_blocks_contents(css, **options))),
    ]
    custom = {d.name: d.value for d in declarations if d.name.startswith("--")}
    found: dict[str, str] = {}
    for declaration in declarations:
        if declaration.lower_name == "font-family":
            for family in _families(_resolve(declaration.value, custom)):
                found.setdefault(family, "named in the CSS")
    return found


# -- families the laid-out text uses ---------------------------------------------------------------------


def used_families(document: Any) -> dict[str, str]:
    """The family of every run of text WeasyPrint laid out (margin boxes included) → where: `on the text of <tt>`."""
    found: dict[str, str] = {}
    for box in _text_boxes(document):
        for family in box.style["font_family"]:
            if family.lower() not in KEYWORDS:
                found.setdefault(family, f"set on the text of <{box.element_tag}>")
    return found


def missing_glyphs(document: Any, faces: tuple[Face, ...]) -> dict[str, str]:
    """Characters of the laid-out text that the theme's face chosen for them cannot draw → where they are.

    Fontconfig would draw them with another face, so the PDF would hold a font the theme did not choose.
    """
    found: dict[str, str] = {}
    for box in _text_boxes(document):
        face = _face(faces, box.style["font_family"], box.style["font_weight"], box.style["font_style"])
        if face is None:
            continue  # a family of no face: check() reports it
        cmap = _cmap(face.file)
        for char in box.text:
            if (
                ord(char) not in cmap
                and not char.isspace()
                and unicodedata.category(char) not in ("Cc", "Cf")
            ):
                name = unicodedata.name(char, "")
                found.setdefault(
                    f"{char} (U+{ord(char):04X}{' ' + name if name else ''})",
                    f"in the text of <{box.element_tag}>, set in {face.file.name}",
                )
    return found


def _text_boxes(document: Any) -> Iterator[Any]:
    """Every run of text WeasyPrint laid out, margin boxes included."""
    from weasyprint.formatting_structure.boxes import TextBox

    def walk(box: Any) -> Iterator[Any]:
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    for page in document.pages:
        for box in walk(page._page_box):  # WeasyPrint has no public API for laid-out boxes
            if isinstance(box, TextBox) and box.text.strip():
                yield box


def _face(faces: tuple[Face, ...], families: Sequence[str], weight: Any, style: str) -> Face | None:
    """The face fontconfig picks for a run: the first family the theme has, the nearest weight, the style."""
    wanted = {f.casefold() for f in families}
    family = next((f.family for f in faces if f.family.casefold() in wanted), None)
    candidates = [f for f in faces if f.family == family and f.italic == (style != "normal")]
    weight = weight if isinstance(weight, int) else 700 if weight == "bold" else 400
    return min(candidates, key=lambda f: abs(f.weight - weight), default=None)


@cache
def _cmap(file: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(file, lazy=True) as font:
        return frozenset(font.getBestCmap())


# -- the check -------------------------------------------------------------------------------------------


def check(families: dict[str, str], faces: tuple[Face, ...], template_dirs: list[Path]) -> None:
    """Raise InputError for each family (→ where it was found) no face provides, located in a template."""
    available = sorted({face.family for face in faces})
    known = {name.casefold() for name in available}
    problems = []
    for family, how in families.items():
        if family.casefold() in known:
            continue
        path, line, column = _where(family, template_dirs)
        problems.append(
            Problem(
                path,
                line,
                column,
                f'font-family "{family}" {how} is not a font of the theme (families: {", ".join(available)}); '
                "add it to the theme's fonts in theme.yaml or use var(--font-text)",
            )
        )
    if problems:
        raise InputError(problems)


def _where(family: str, template_dirs: list[Path]) -> tuple[str, int, int]:
    """The first template line that names `family`, nearest layer first; else the nearest layer's folder."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(family)}(?![\w-])", re.IGNORECASE)
    for folder in template_dirs:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
            for number, text in enumerate(lines, 1):
                if "font" in text.lower() and (match := pattern.search(text)):
                    return display_path(file), number, match.start() + 1
    return (display_path(template_dirs[0]) if template_dirs else "weasyprint"), 0, 0


def check_glyphs(missing: dict[str, str], template_dirs: list[Path]) -> None:
    """Raise InputError naming each character the theme's fonts cannot draw, at the nearest theme's manifest."""
    if not missing:
        return
    manifest = next(
        (d.parent / "theme.yaml" for d in template_dirs if (d.parent / "theme.yaml").is_file()), None
    )
    where = display_path(manifest) if manifest else "weasyprint"
    raise InputError(
        [
            Problem(where, 0, 0, f"the theme's font has no glyph for {char} {how}: add a font that has it")
            for char, how in missing.items()
        ]
    )


__all__ = [
    "check",
    "check_glyphs",
    "font_config",
    "missing_glyphs",
    "named_families",
    "style_sheets",
    "used_families",
]
