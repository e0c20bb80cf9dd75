"""Find the files of a theme's font families (a pip font package, or files in a theme folder) and their metrics.

No engine ever reads a system font: each is given these files and nothing else.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefgen.errors import EngineError

FAMILY = "Lato"  # the family of the built-in themes
PACKAGE = "fontpkg_lato"
FONT_SUFFIXES = (".ttf", ".otf")
# Face name → (weight, italic); black is optional: a family without it sets weight 900 in its bold face.
FACE_STYLE = {
    "regular": (400, False),
    "italic": (400, True),
    "bold": (700, False),
    "bold-italic": (700, True),
    "black": (900, False),
}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # 400 regular, 700 bold, 900 black
    italic: bool
    file: Path


@dataclass(frozen=True)
class Metrics:
    """Vertical metrics of a face, in ems: what a line box is built from in every engine."""

    ascent: float
    descent: float  # positive, below the baseline


def package_dir(distribution: str) -> Path:
    """The folder of an installed pip font package. Raises EngineError saying how to install it."""
    module = distribution.replace("-", "_")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EngineError(f"font package '{distribution}' is not installed (pip install {distribution})")
    return Path(next(iter(spec.submodule_search_locations)))


def package_faces(family: str, distribution: str) -> dict[str, Path]:
    """The static faces of a fontpkg font package, by face name, from its metadata.json."""
    folder = package_dir(distribution)
    meta_file = folder / "metadata.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineError(f"font package '{distribution}' has no readable metadata.json ({exc})") from None
    found: dict[str, Path] = {}
    variable = False
    for entry in meta.get("files", []):
        if entry.get("variable"):
            variable = True
            continue
        style = (int(entry.get("weight", 0)), entry.get("style") == "italic")
        for face, wanted in FACE_STYLE.items():
            if style == wanted:
                found[face] = folder / entry["path"]
    if variable and not ("regular" in found and "bold" in found):
        raise EngineError(
            f"font package '{distribution}' holds variable fonts only, and briefgen sets static faces: "
            f"{VARIABLE_HINT}"
        )
    return found


def faces_of(family: str, files: dict[str, Path]) -> tuple[Face, ...]:
    """Faces for every weight and style a theme uses: a missing black is served by the bold face, a missing
    italic by the upright one of the same weight (so every engine picks the same file)."""
    chosen = dict(files)
    chosen.setdefault("italic", chosen["regular"])
    chosen.setdefault("bold-italic", chosen["bold"])
    chosen.setdefault("black", chosen["bold"])
    return tuple(Face(family, *FACE_STYLE[face], chosen[face]) for face in FACE_STYLE)


@cache
def metrics(file: Path) -> Metrics:
    """Ascent and descent of a font file (its hhea table), in ems."""
    read = facts(file)
    return Metrics(read.ascent / read.units, -read.descent / read.units)


def _advances(file: Path) -> tuple[dict[int, int], float]:
    """Each character's advance width in font units, and the face's units per em."""
    read = facts(file)
    return read.advances, float(read.units)


@dataclass(frozen=True)
class Facts:
    """What briefgen reads of a font file, in font units: its units per em, its ascent and descent (hhea), the
    code points its best cmap maps, and the advance width of each of them that has one (hmtx)."""

    units: int
    ascent: int
    descent: int
    mapped: frozenset[int]
    advances: dict[int, int]


FACTS = 1  # the format of the files kept in the cache: another one is read again from the font


@cache
def facts(file: Path) -> Facts:
    """The font file's facts, kept for the next run in `$XDG_CACHE_HOME/briefgen/fonts` (`~/.cache`) under the
    sha256 of its bytes and fontTools' version: reading them imports fontTools and its glyph list and parses
    the cmap, in every run that renders or checks a document. A kept file that does not read as one this
    function wrote is read again from the font; a folder that cannot be written to only costs the reading."""
    import hashlib
    import os

    from briefgen import digests

    font = digests.file_digest(file)
    key = hashlib.sha256(f"{FACTS} {font} {digests.version('fonttools')}".encode()).hexdigest()
    folder = digests.cache_folder("fonts")
    kept = folder / f"{key}.json"
    try:
        return _kept(json.loads(kept.read_text(encoding="utf-8")), font)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    from fontTools.ttLib import TTFont

    with TTFont(file, lazy=True) as opened:
        widths = opened["hmtx"].metrics
        cmap = opened.getBestCmap() or {}
        hhea = opened["hhea"]
        read = Facts(
            int(opened["head"].unitsPerEm),
            int(hhea.ascent),
            int(hhea.descent),
            frozenset(cmap),
            {c: int(widths[g][0]) for c, g in cmap.items() if g in widths},
        )
    ranges: list[list[int]] = []
    for point in sorted(read.mapped):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    written = {
        "font": font,
        "units": read.units,
        "ascent": read.ascent,
        "descent": read.descent,
        "mapped": ranges,
        "advances": sorted(read.advances.items()),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        part = folder / f"{key}.{os.getpid()}.part"
        part.write_text(json.dumps(written), encoding="utf-8")
        os.replace(part, kept)
    except OSError as exc:  # the facts are read again next run; -vv says why
        import logging

        logging.getLogger(__name__).debug("font facts of %s not kept in %s: %s", file.name, folder, exc)
    return read


def _kept(data: dict[str, object], font: str) -> Facts:
    """The facts of a kept file for the font whose sha256 is `font`; ValueError when it is not one `facts`
    wrote."""
    numbers = [data["units"], data["ascent"], data["descent"]]
    ranges, advances = data["mapped"], data["advances"]
    if data["font"] != font or not isinstance(ranges, list) or not isinstance(advances, list):
        raise ValueError("not a kept font")
    pairs = [*ranges, *advances]
    if not all(isinstance(n, int) for n in numbers) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, int) for n in pair) for pair in pairs
    ):
        raise ValueError("not a kept font")
    units, ascent, descent = (int(n) for n in numbers)  # type: ignore[call-overload]
    mapped = frozenset(point for first, last in ranges for point in range(first, last + 1))
    return Facts(units, ascent, descent, mapped, {code: width for code, width in advances})


def text_width(text: str, file: Path, size: float, tracking: float = 0.0) -> float:
    """The width in points of `text` set on one line in the face of `file` at `size` points, with `tracking` ems
    between letters: the sum of the glyphs' advances (no kerning: engines set it a little narrower)."""
    advances, units = _advances(file)
    missing = advances.get(ord("M"), units)
    shown = [c for c in text if unicodedata.category(c) != "Cf"]  # a soft hyphen or a joiner takes no room
    return sum((advances.get(ord(c), missing) / units + tracking) * size for c in shown)


def fit_line(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text`, or as many of its first words as fit `width` with an ellipsis after them (punctuation that would
    end them dropped), as `measure` gives the width of a text."""
    words = text.split(" ")
    if measure(text) <= width or len(words) == 1:
        return text
    for n in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:n]).rstrip(" ,;:.–—") + "…"
        if measure(cut) <= width:
            return cut
    return words[0] + "…"


VARIABLE_HINT = "give static font files (one per face) with `files:`, or a font package with static faces"


class NotAFont(EngineError):
    """A font file briefgen cannot set text with: not a TrueType or OpenType font, or a variable one."""


@cache
def family_name(file: Path) -> str:
    """The family name a font file declares (name ID 16, else 1), which engines match `font-family` against.

    Raises NotAFont for a file that is not a font, or is a variable font: an engine would set every weight in
    its default instance (a bold in the regular weight), so such a file is refused here."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with file.open("rb") as handle, TTFont(handle, lazy=True) as font:  # closed also when it is no font
            if "fvar" in font:
                raise NotAFont(f"a variable font; {VARIABLE_HINT}")
            name = font["name"]
            return str(name.getDebugName(16) or name.getDebugName(1) or file.stem)
    except (TTLibError, KeyError, ValueError, OSError, AssertionError, struct.error) as exc:
        reason = str(exc) or type(exc).__name__
        detail = "" if reason.startswith("Not a TrueType") else f" ({reason})"
        raise NotAFont(f"not a TrueType or OpenType font file{detail}") from None


__all__ = [
    "FACE_STYLE",
    "FAMILY",
    "VARIABLE_HINT",
    "Face",
    "Metrics",
    "NotAFont",
    "faces",
    "faces_of",
    "family_name",
    "font_dir",
    "metrics",
    "package_faces",
]


@cache
def font_dir() -> Path:
    """The folder of the built-in themes' font package (Lato)."""
    return package_dir(PACKAGE.replace("_", "-")) / "files"


def faces() -> tuple[Face, ...]:
    """The built-in themes' faces: regular, italic, bold, bold italic, black."""
    return faces_of(FAMILY, package_faces(FAMILY, PACKAGE.replace("_", "-")))
