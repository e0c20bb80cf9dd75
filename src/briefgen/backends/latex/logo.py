"""The theme's logo and the brief's figures in a LaTeX build folder: a PNG or JPEG copied, an SVG converted once
into a one-page PDF."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.backends.latex.markup import logo_file
from briefgen.errors import EngineError, InputError, Problem, display_path

if TYPE_CHECKING:
    from briefgen.document.view import FigureView

log = logging.getLogger(__name__)

# CSS pixels per unit: the size of an SVG's width and height attributes.
_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(px|pt|pc|in|cm|mm)?\s*$")


def place_logo(logo: Path, build: Path) -> Path:
    """Put the logo in the build folder under the name the templates give it (see markup.logo_file)."""
    target = build / logo_file(logo)
    if logo.suffix.lower() == ".svg":
        target.write_bytes(svg_pdf(logo))
    else:
        shutil.copyfile(logo, target)
    return target


def figure_file(figure: FigureView) -> str:
    """The name the engine gives a figure in the build folder, as the templates write it: an SVG becomes a PDF."""
    return f"figure-{figure.number}.pdf" if figure.format == "svg" else figure.name


def place_figure(figure: FigureView, build: Path) -> Path:
    """Put a figure of the brief in the build folder under the name figure_file gives it."""
    target = build / figure_file(figure)
    if figure.format == "svg":
        target.write_bytes(svg_pdf(figure.path, "figure"))
    else:
        shutil.copyfile(figure.path, target)
    return target


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefgen" / "logos"


def svg_pdf(svg: Path, what: str = "logo") -> bytes:
    """The SVG as a PDF page of its own size, made by WeasyPrint; cached by the SVG's content. `what` names the
    image in messages: the logo, a figure."""
    data = svg.read_bytes()
    width, height = svg_size(svg, data, what)
    cached = cache_folder() / f"{hashlib.sha256(data).hexdigest()}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    pdf = _render(svg, width, height, what)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".part", delete=False) as part:
            part.write(pdf)
        os.replace(part.name, cached)
    except OSError as exc:  # the cache only saves time: the PDF is the same without it
        log.debug("%s cache not written: %s", what, exc)
    return pdf


def svg_size(svg: Path, data: bytes, what: str = "logo") -> tuple[float, float]:
    """The width and height of an SVG in CSS pixels: its width and height, else its viewBox. Raises InputError."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            Problem(display_path(svg), line, column + 1, f"{what}: not valid SVG ({exc})")
        ) from None
    if not root.tag.endswith("svg"):
        raise InputError(Problem(display_path(svg), 1, 1, f"{what}: the file's root element is not <svg>"))
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


def _render(svg: Path, width: float, height: float, what: str) -> bytes:
    import weasyprint

    html = (
        f"<style>@page {{ size: {width:.3f}px {height:.3f}px; margin: 0 }} html, body {{ margin: 0 }}"
        f" img {{ display: block; width: {width:.3f}px; height: {height:.3f}px }}</style>"
        f'<img src="{svg.resolve().as_uri()}" alt="">'
    )
    document = weasyprint.HTML(string=html, base_url=str(svg.parent)).render()
    if len(document.pages) != 1:
        raise EngineError(
            f"{display_path(svg)}: the {what} did not fit on one PDF page ({len(document.pages)})"
        )
    return bytes(document.write_pdf())


__all__ = ["cache_folder", "figure_file", "place_figure", "place_logo", "svg_pdf", "svg_size"]
