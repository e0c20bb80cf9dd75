"""Take WeasyPrint's fonts and the glyphs a PDF uses; give each font subset by HarfBuzz, in milliseconds.

WeasyPrint subsets fonts with the system's libharfbuzz-subset when it finds it, and otherwise with fontTools,
which takes seconds a document on Lato (it reads the whole GSUB and GPOS tables of each face before dropping
them). Where only pip ran, `use()` plugs the HarfBuzz that the uharfbuzz wheel bundles into WeasyPrint's font
subsetting, its one narrowest point (`weasyprint.pdf.fonts.Font.subset`), with the flags and the two passes of
WeasyPrint's own HarfBuzz subsetting, so the PDFs come out the same (byte for byte with Lato). When neither is
there, one warning says what to install.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

SYSTEM = "libharfbuzz-subset"
WHEEL = "uharfbuzz"
FONTTOOLS = "fontTools"
INSTALL = "pip install uharfbuzz, or apt-get install libharfbuzz-subset0"
# The tables WeasyPrint's HarfBuzz subsetting drops: a PDF positions every glyph itself.
DROPPED = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
PARAMETERS = ["self", "to_unicode", "hinting"]  # of the Font.subset this module replaces


class _Once(logging.Filter):
    """Lets each message through once per process: one line for a build, whatever the number of documents."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


log.addFilter(_Once())  # also in the parent process, which logs again what the engine's workers logged


@dataclass(frozen=True)
class Subsetter:
    """The library that subsets WeasyPrint's fonts in this process, and whether it does so in milliseconds."""

    name: str  # SYSTEM, WHEEL or FONTTOOLS
    detail: str
    fast: bool


def available() -> Subsetter:
    """The subsetter WeasyPrint uses here once `use()` ran: the system's HarfBuzz, uharfbuzz's, or fontTools."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):  # WeasyPrint's own condition
        return Subsetter(SYSTEM, "HarfBuzz (the system's libharfbuzz-subset)", True)
    try:
        import uharfbuzz  # type: ignore[import-untyped]
    except ImportError as exc:
        why = f"no libharfbuzz-subset; uharfbuzz: {exc}"
        return Subsetter(FONTTOOLS, f"fontTools, seconds a document ({why}): {INSTALL}", False)
    problem = _unpluggable()
    if problem:
        return Subsetter(
            FONTTOOLS,
            f"fontTools, seconds a document ({problem}): apt-get install libharfbuzz-subset0",
            False,
        )
    version = importlib.metadata.version("uharfbuzz")
    return Subsetter(
        WHEEL,
        f"HarfBuzz {uharfbuzz.version_string()} (uharfbuzz {version}: the system has no libharfbuzz-subset)",
        True,
    )


_chosen: Subsetter | None = None


def use() -> Subsetter:
    """Make this process's WeasyPrint subset fonts with HarfBuzz; warn once when only fontTools is left."""
    global _chosen
    if _chosen is None:
        chosen = available()
        if chosen.name == WHEEL:
            from weasyprint.pdf.fonts import Font

            Font.subset = _subset
        elif chosen.name == FONTTOOLS:
            log.warning("weasyprint: fonts are subset by %s", chosen.detail)
        _chosen = chosen
    return _chosen


def _unpluggable() -> str:
    """Why uharfbuzz cannot replace this WeasyPrint's subsetting (a method of another shape); empty if it can."""
    from weasyprint.pdf.fonts import Font

    subset = getattr(Font, "subset", None)
    if subset is _subset:  # plugged already
        return ""
    if subset is None or list(inspect.signature(subset).parameters) != PARAMETERS:
        version = importlib.metadata.version("weasyprint")
        return f"no libharfbuzz-subset; WeasyPrint {version} has no Font.subset(to_unicode, hinting) for uharfbuzz"
    return ""


def _subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint's `Font.subset`, done by uharfbuzz: keep the glyphs of `to_unicode` (glyph id → text)."""
    if not to_unicode:
        return
    try:
        font.file_content = subset_font(
            font.file_content, font.index, to_unicode, hinting=hinting, notdef_outline=bool(font.missing)
        )
    except RuntimeError as exc:  # uharfbuzz's word for a subset that failed: the font is embedded whole
        log.warning(
            'weasyprint: cannot subset the font "%s" with HarfBuzz (%s): it is embedded whole',
            font.family,
            exc,
        )


def subset_font(
    data: bytes, index: int, glyphs: Iterable[int], *, hinting: bool, notdef_outline: bool
) -> bytes:
    """The font `data` (face `index`) keeping only `glyphs`, each at its glyph id, as WeasyPrint's HarfBuzz does.

    First pass: the used glyphs at their ids (the others emptied), layout tables dropped. Second pass: glyphs
    0 to the last used one, so the empty ones after it go.
    """
    import uharfbuzz as hb

    wanted = sorted(glyphs)
    flags = hb.SubsetFlags
    extra = flags.NOTDEF_OUTLINE if notdef_outline else flags.DEFAULT
    keep = flags.PASSTHROUGH_UNRECOGNIZED | flags.DESUBROUTINIZE | extra
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(wanted)
    subset_input.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in DROPPED)
    subset_input.flags = keep | flags.RETAIN_GIDS
    face = hb.subset(hb.Face(hb.Blob(data), index), subset_input)
    subset_input.glyph_set.add_range(0, wanted[-1])
    subset_input.flags = keep if hinting else keep | flags.NO_HINTING
    data = hb.subset(face, subset_input).blob.data
    return bytes(data)


__all__ = ["FONTTOOLS", "INSTALL", "SYSTEM", "WHEEL", "Subsetter", "available", "subset_font", "use"]
