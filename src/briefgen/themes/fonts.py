"""Give every engine the same font files, taken from a pip font package (no system font is ever used)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefgen.errors import EngineError

FAMILY = "Lato"
PACKAGE = "fontpkg_lato"


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # 400 regular, 700 bold, 900 black
    italic: bool
    file: Path


_FILES = {
    (400, False): "Lato-Regular.ttf",
    (400, True): "Lato-Italic.ttf",
    (700, False): "Lato-Bold.ttf",
    (700, True): "Lato-BoldItalic.ttf",
    (900, False): "Lato-Black.ttf",
}


@cache
def font_dir() -> Path:
    """The folder of the font package's files. Raises EngineError naming the package when missing."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        dist = PACKAGE.replace("_", "-")
        raise EngineError(f"font package '{dist}' is not installed (pip install {dist})")
    return Path(next(iter(spec.submodule_search_locations))) / "files"


def faces() -> tuple[Face, ...]:
    """The faces a theme may use: regular, italic, bold, bold italic, black."""
    return tuple(Face(FAMILY, w, i, font_dir() / name) for (w, i), name in _FILES.items())
