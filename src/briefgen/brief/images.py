"""Check the image file of a figure before any engine reads it: its format, its size, and (for SVG) that it
refers to nothing outside itself."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from briefgen.brief import limits
from briefgen.brief.read import Unreadable, read_bytes

MAX_PIXELS = 50_000_000  # width × height of a PNG or JPEG: a larger one is a decompression bomb
_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
_XLINK = "{http://www.w3.org/1999/xlink}href"
_STYLE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)


def check_image(path: Path, fmt: str) -> None:
    """Raise Unreadable unless `path` is an image of format `fmt` (png, jpeg, svg) that a brief may show."""
    data = read_bytes(path, limits.MAX_FIGURE_BYTES)
    if fmt == "svg":
        _check_svg(data)
        return
    if not data.startswith(_SIGNATURES[fmt]):
        raise Unreadable(f"not a {fmt.upper()} file (its first bytes say otherwise)")
    size = _png_size(data) if fmt == "png" else _jpeg_size(data)
    if size is None:
        raise Unreadable(f"a damaged {fmt.upper()} file (no image size in it)")
    width, height = size
    if width * height > MAX_PIXELS:
        raise Unreadable(f"{width} × {height} pixels (at most {MAX_PIXELS // 1_000_000} million)")
    _decode(data, fmt)


def _decode(data: bytes, fmt: str) -> None:
    """Decode the whole image with Pillow, as WeasyPrint will: a damaged file is refused here, not dropped there."""
    import io
    import warnings

    from PIL import Image, ImageFile

    # WeasyPrint, once imported, tells Pillow to accept truncated images: not while a figure is judged.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt.upper()]) as image:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        reason = str(exc).split(" <_io.", 1)[0] or type(exc).__name__
        raise Unreadable(f"a damaged {fmt.upper()} file: its image cannot be decoded ({reason})") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in the first start-of-frame segment."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return (width, height) if width and height else None
        at += 2 + length
    return None


def _check_svg(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"an SVG file is UTF-8 text; byte {exc.start} is not") from None
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise Unreadable("an SVG file with a DOCTYPE or entities is refused (remove them)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise Unreadable(f"not valid SVG ({exc.msg})", line, column + 1) from None
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise Unreadable("the file's root element is not <svg>")
    if not root.get("viewBox") and not (root.get("width") and root.get("height")):
        raise Unreadable("the SVG needs a viewBox, or a width and a height, to be sized")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject"):
            raise Unreadable(f"an SVG with <{tag}> is refused (a figure is a picture, nothing more)")
        for name in ("href", _XLINK, "src"):
            target = (element.get(name) or "").strip()
            if target and not target.startswith(("#", "data:image/")):
                raise Unreadable(
                    f"the SVG refers to '{target[:80]}': a figure holds everything it shows "
                    "(embed the image, or refer to an element of the same file with #id)"
                )
        styles = [*element.attrib.values(), *([element.text or ""] if tag == "style" else [])]
        if any(_STYLE_URL.search(style) for style in styles):
            raise Unreadable(
                "the SVG's style refers to another file (url(…) or @import): a figure holds everything it shows"
            )


__all__ = ["MAX_PIXELS", "check_image"]
