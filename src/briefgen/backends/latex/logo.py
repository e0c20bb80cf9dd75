"""The theme's logo and the brief's figures in a LaTeX build folder: a PNG or JPEG copied, an SVG drawn into a
one-page PDF (see svg.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.backends.latex.markup import logo_file
from briefgen.backends.latex.svg import Converter

if TYPE_CHECKING:
    from briefgen.backends import Figure


def place_logo(logo: Path, build: Path, svgs: Converter) -> Path:
    """Put the logo in the build folder under the name the templates give it (see markup.logo_file)."""
    target = build / logo_file(logo)
    if logo.suffix.lower() == ".svg":
        target.write_bytes(svgs.pdf(logo, "logo"))
    else:
        shutil.copyfile(logo, target)
    return target


def figure_file(figure: Figure) -> str:
    """The name the engine gives a figure in the build folder, as the templates write it: an SVG becomes a PDF."""
    return f"figure-{figure.number}.pdf" if figure.format == "svg" else figure.name


def place_figure(figure: Figure, build: Path, svgs: Converter) -> Path:
    """Put a figure of the brief in the build folder under the name figure_file gives it."""
    target = build / figure_file(figure)
    if figure.format == "svg":
        target.write_bytes(svgs.pdf(figure.path, "figure"))
    else:
        shutil.copyfile(figure.path, target)
    return target


__all__ = ["figure_file", "place_figure", "place_logo"]
