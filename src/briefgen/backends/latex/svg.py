"""Take an SVG (a theme's logo, a brief's figure) and the job it belongs to; give it as a one-page PDF for LaTeX.

WeasyPrint draws it as the WeasyPrint engine draws a page: with the theme's font files only (a fontconfig that
knows no system font: backends.weasyprint.fonts.font_config) and the same confined URL fetcher (the theme's folders, the
font folders and the brief's figures; nothing else is read). A font family the SVG names that the theme lacks,
or text set in no font of the theme, is an error at the SVG's line, as is a file it refers to outside those
folders. The result is cached by everything that makes its bytes: the SVG, the font files, the versions of
briefgen and of the libraries that draw and write it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import tempfile
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlparse

import briefgen
from briefgen.backends import Job, scratch
from briefgen.errors import EngineError, InputError, Problem, display_path

if TYPE_CHECKING:
    from briefgen.themes.fonts import Face

log = logging.getLogger(__name__)

CACHE_FORMAT = 2  # of the cache's entries and keys: 1 was keyed on the SVG's bytes alone, in briefgen/logos
# The CSS generic families: a fallback after a font of the theme, never a font of their own.
GENERIC = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji", "fangsong"}
    | {"ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"}
)
TEXT_TAGS = frozenset({"text", "tspan", "textPath", "tref", "a"})
# CSS pixels per unit: the size of an SVG's width and height attributes.
_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(px|pt|pc|in|cm|mm)?\s*$")


@dataclass(frozen=True)
class Converter:
    """What every SVG of one job is drawn with: the theme's faces and the folders and files it may read."""

    faces: tuple[Face, ...]
    roots: tuple[Path, ...]
    _digests: dict[Path, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, job: Job) -> Converter:
        """The WeasyPrint engine's confinement for this job: its templates, the theme's folders (logos, font
        files) and the brief's figures."""
        return cls(job.fonts, (*job.template_dirs, *job.asset_dirs, *(f.path for f in job.doc.figures)))

    def pdf(self, svg: Path, what: str) -> bytes:
        """The SVG as a PDF page of its own size. `what` names it in messages: the logo, a figure. Raises
        InputError (the SVG's own problems, located in it) or EngineError."""
        data = svg.read_bytes()
        width, height = svg_size(svg, parse(svg, data, what)[0], what)
        self._check_fonts(svg, data, what)
        html = self._html(svg, width, height)
        cached = cache_folder() / f"{self._key(data, html)}.pdf"
        if cached.is_file():
            return cached.read_bytes()
        pdf, others = self._render(svg, data, html, what)
        if others:  # its bytes hang on files the key does not hold: drawn again each time
            log.debug("%s: not cached, it reads %s", display_path(svg), ", ".join(others))
            return pdf
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".part", delete=False) as part:
                part.write(pdf)
            os.replace(part.name, cached)
        except OSError as exc:  # the cache only saves time: the PDF is the same without it
            log.warning(
                "%s not cached in %s (each build draws it again): %s", what, display_path(cached.parent), exc
            )
        return pdf

    # -- fonts -----------------------------------------------------------------------------------------------

    def _check_fonts(self, svg: Path, data: bytes, what: str) -> None:
        """Raise InputError for each family the SVG's text names that the theme lacks, and each text set in no
        font of the theme (the SVG's default is sans-serif), at the line of the text's element."""
        families = sorted({face.family for face in self.faces})
        known = {name.casefold() for name in families}
        from weasyprint.urls import FatalURLFetchingError

        problems: dict[str, Problem] = {}
        root, where = parse(svg, data, what)  # a tree of its own: WeasyPrint's cascade changes it
        fetcher = self._fetcher()
        try:
            texts = list(_texts(root, svg, fetcher))  # its CSS may @import a file
        except (Exception, FatalURLFetchingError) as exc:  # WeasyPrint raises many kinds, as it would drawing
            _raise_refused(svg, data, fetcher, what)
            raise EngineError(
                f"{display_path(svg)}: weasyprint cannot read the {what}: {type(exc).__name__}: {exc}"
            ) from exc
        _raise_refused(svg, data, fetcher, what)
        for element, names, text in texts:
            line, column = where.get(id(element), (1, 1))
            place = display_path(svg)
            unknown = [name for name in names if name.casefold() not in known | GENERIC]
            for name in unknown:
                if name not in problems:
                    problems[name] = Problem(
                        place,
                        line,
                        column,
                        f'{what}: font-family "{name}" is not a font of the theme (families: '
                        f"{', '.join(families)}); an SVG's text is drawn with the theme's fonts only",
                    )
            if not unknown and not any(name.casefold() in known for name in names):  # a generic, or none
                shown = ", ".join(names) if names else "none, so sans-serif"
                problems.setdefault(
                    f"{line}:{column}",
                    Problem(
                        place,
                        line,
                        column,
                        f'{what}: the text "{_snippet(text)}" is set in no font of the theme (font-family: '
                        f"{shown}); name one of {', '.join(families)}",
                    ),
                )
        if problems:
            raise InputError(sorted(problems.values(), key=lambda p: (p.line, p.column, p.message)))

    def _html(self, svg: Path, width: float, height: float) -> str:
        """The page WeasyPrint draws: an @font-face for each face of the theme, the SVG as its only image."""
        faces = "".join(
            f'@font-face {{ font-family: "{face.family}"; src: url("{face.file.resolve().as_uri()}"); '
            f"font-weight: {face.weight}; font-style: {'italic' if face.italic else 'normal'} }}\n"
            for face in self.faces
        )
        return (
            f"<style>\n{faces}@page {{ size: {width:.3f}px {height:.3f}px; margin: 0 }} html, body {{ margin: 0 }}"
            f" img {{ display: block; width: {width:.3f}px; height: {height:.3f}px }}</style>"
            f'<img src="{svg.resolve().as_uri()}" alt="">'
        )

    # -- the cache -------------------------------------------------------------------------------------------

    def _key(self, data: bytes, html: str) -> str:
        """The cache key: all that makes the PDF's bytes but the files the SVG itself may read (those are
        never cached). The HTML names the SVG's place (its relative references), size and font files."""
        parts = {
            "format": CACHE_FORMAT,
            "briefgen": briefgen.__version__,
            "libraries": libraries(),
            "html": html,
            "svg": hashlib.sha256(data).hexdigest(),
            "fonts": [self._digest(face.file) for face in self.faces],
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()

    def _digest(self, file: Path) -> str:
        if file not in self._digests:
            self._digests[file] = hashlib.sha256(file.read_bytes()).hexdigest()
        return self._digests[file]

    # -- drawing ---------------------------------------------------------------------------------------------

    def _fetcher(self) -> Any:
        from briefgen.backends.weasyprint import _confined_fetcher

        return watched(_confined_fetcher(list(self.roots)))

    def _render(self, svg: Path, data: bytes, html: str, what: str) -> tuple[bytes, list[str]]:
        """The PDF, and the files other than the SVG and the theme's fonts that it read. Raises InputError for
        a file it was refused, EngineError when WeasyPrint could not draw it."""
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError

        from briefgen.backends.weasyprint import fonts, subset

        subset.use()  # the fonts subset as in the WeasyPrint engine (the same bytes for the same fonts)
        fetcher = self._fetcher()
        errors = _Errors()
        weasyprint_log = logging.getLogger("weasyprint")
        weasyprint_log.addHandler(errors)
        base = svg.parent.resolve().as_uri() + "/"
        try:
            with tempfile.TemporaryDirectory(prefix="svg-", dir=scratch.folder()) as folder:
                page = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
                document = page.render(font_config=fonts.font_config(Path(folder)))
                pdf = bytes(document.write_pdf())
        except FatalURLFetchingError as exc:  # the SVG itself, not found or not a file
            _raise_refused(svg, data, fetcher, what)
            raise EngineError(f"{display_path(svg)}: weasyprint: {exc.__cause__ or exc}") from exc
        finally:
            weasyprint_log.removeHandler(errors)
        _raise_refused(svg, data, fetcher, what)
        if errors.messages:
            raise EngineError(
                f"{display_path(svg)}: weasyprint could not draw the {what}: {'; '.join(errors.messages)}"
            )
        if len(document.pages) != 1:
            raise EngineError(
                f"{display_path(svg)}: the {what} did not fit on one PDF page ({len(document.pages)})"
            )
        own = {svg.resolve(), *(face.file.resolve() for face in self.faces)}
        others = [url for url in fetcher.read if _path(url) not in own]
        return pdf, others


def watched(inner: Any) -> Any:
    """A URL fetcher that asks `inner` (the confined fetcher) and notes what it served (`read`: file URLs) and
    what it refused (`refused`): WeasyPrint draws an SVG whose image it was refused without it, and logs it."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class Watching(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)
            self.read: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> object:
            try:
                response = inner.fetch(url, headers)
            except FatalURLFetchingError:
                self.refused.append(url)
                raise
            if urlparse(url).scheme == "file":
                self.read.append(url)
            return response

    return Watching()


class _Errors(logging.Handler):
    """WeasyPrint's error records while it draws an SVG (a part it could not draw is logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _path(url: str) -> Path:
    return Path(unquote(urlparse(url).path)).resolve()


def _raise_refused(svg: Path, data: bytes, fetcher: Any, what: str) -> None:
    """Raise InputError for every file the fetcher refused the SVG, if any."""
    if fetcher.refused:
        raise InputError([_refused(svg, data, url, what) for url in dict.fromkeys(fetcher.refused)])


def _refused(svg: Path, data: bytes, url: str, what: str) -> Problem:
    """The problem of a file the SVG refers to outside the folders it may read, at the element that names it."""
    root, where = parse(svg, data, what)
    element = _naming(root, svg.resolve().as_uri(), url)
    line, column = where.get(id(element), (1, 1))
    return Problem(
        display_path(svg),
        line,
        column,
        f"{what}: the SVG refers to {url}, outside the theme's folders and the brief's figures: not read "
        "(an SVG draws only what it holds, or files of its theme)",
    )


def _naming(root: ET.Element, base: str, url: str) -> ET.Element:
    """The first element whose href, src, style or CSS (a <style>) names `url`, relative to `base`; else root."""
    wanted = url.split("#")[0]
    for element in root.iter():
        values = [v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] in ("href", "src", "style")]
        if element.tag.rsplit("}", 1)[-1] == "style":
            values.append(element.text or "")
        for value in values:
            named = [
                value,
                *re.findall(r"url\(\s*['\"]?([^'\")]+)", value),
                *re.findall(r"@import\s+['\"]([^'\"]+)", value),
            ]
            if any(urljoin(base, n.strip()).split("#")[0] == wanted for n in named if n.strip()):
                return element
    return root


# -- reading the SVG ---------------------------------------------------------------------------------------


def parse(svg: Path, data: bytes, what: str) -> tuple[ET.Element, dict[int, tuple[int, int]]]:
    """The SVG's root element, and the line and column of each of its elements (by id). Raises InputError."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            Problem(display_path(svg), line, column + 1, f"{what}: not valid SVG ({exc})")
        ) from None
    if not root.tag.endswith("svg"):
        raise InputError(Problem(display_path(svg), 1, 1, f"{what}: the file's root element is not <svg>"))
    positions: list[tuple[int, int]] = []
    parser = xml.parsers.expat.ParserCreate()

    def start(_name: str, _attributes: object) -> None:
        positions.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))

    parser.StartElementHandler = start
    parser.Parse(data, True)
    return root, {id(element): at for element, at in zip(root.iter(), positions, strict=True)}


def _texts(root: ET.Element, svg: Path, fetcher: Any) -> Iterator[tuple[ET.Element, list[str], str]]:
    """Each run of text of the SVG `root` as WeasyPrint draws it: its element (of `root`, or the nearest that
    is, for a run WeasyPrint makes), the families of its font-family after the SVG's cascade (CSS, style
    attributes, inheritance), its text. WeasyPrint's cascade changes the tree."""
    from weasyprint.svg import SVG

    positions = {id(e) for e in root.iter()}
    drawing = SVG(root, svg.resolve().as_uri(), None, fetcher)

    def walk(node: Any, anchor: ET.Element) -> Iterator[tuple[ET.Element, list[str], str]]:
        element = node._etree_node if id(node._etree_node) in positions else anchor
        if node.tag in TEXT_TAGS and (node.text or "").strip():
            value = node.get("font-family")
            names = [n.strip().strip("\"'").strip() for n in (value or "").split(",")] if value else []
            yield element, [n for n in names if n], node.text
        for child in node:
            yield from walk(child, element)

    yield from walk(drawing.tree, root)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def svg_size(svg: Path, root: ET.Element, what: str = "logo") -> tuple[float, float]:
    """The width and height of an SVG in CSS pixels: its width and height, else its viewBox. Raises InputError."""
    width, height = _px(root.get("width")), _px(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            ratio = float(box[2]) / float(box[3])
            vw, vh = float(box[2]), float(box[3])
        except (ValueError, ZeroDivisionError):
            ratio, vw, vh = 0, 0, 0
        if width is None and height is not None and ratio:
            width = height * ratio
        elif height is None and width is not None and ratio:
            height = width / ratio
        elif ratio:
            width, height = vw, vh
    if not width or not height:
        raise InputError(
            Problem(
                display_path(svg),
                1,
                1,
                f"{what}: the SVG needs a width and a height, or a viewBox, to be sized",
            )
        )
    return width, height


def _px(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _PX[match.group(2) or ""] if match else None


def libraries() -> dict[str, str]:
    """The versions of what draws the SVG and writes its PDF: WeasyPrint, pydyf, fontTools, Pango and HarfBuzz
    (which shape the text), the font subsetter."""
    from weasyprint.text.ffi import pango

    from briefgen.backends.weasyprint import subset

    found = {name: importlib.metadata.version(name) for name in ("weasyprint", "pydyf", "fonttools")}
    found["pango"] = str(pango.pango_version())
    found["harfbuzz"] = _harfbuzz()
    found["subset"] = subset.available().detail
    return found


def _harfbuzz() -> str:
    """The system HarfBuzz's version, as Pango shapes with it; empty when it cannot be told."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("harfbuzz")
    if name is None:
        return ""
    try:
        function = ctypes.CDLL(name).hb_version_string
    except (OSError, AttributeError):
        return ""
    function.restype = ctypes.c_char_p
    return bytes(function() or b"").decode("ascii", "replace")


def cache_folder() -> Path:
    from briefgen import digests

    return digests.cache_folder("svg")


__all__ = ["CACHE_FORMAT", "Converter", "cache_folder", "libraries", "parse", "svg_size"]
