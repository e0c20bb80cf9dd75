"""Check the image file of a figure or a theme's logo before any engine reads it: its format, its size, and (for
SVG) that it refers to nothing outside itself."""

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


_OTHER_SIGNATURES = {"GIF": (b"GIF8",), "WebP": (b"RIFF",), "PDF": (b"%PDF",), "TIFF": (b"II*\0", b"MM\0*")}
_NAMES = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}
_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "svg": ".svg"}


def sniff(data: bytes) -> str:
    """The format the bytes say: png, jpeg or svg, or the name of another format (GIF, PDF …), or "" when none."""
    for fmt, signature in _SIGNATURES.items():
        if data.startswith(signature):
            return fmt
    for name, signatures in _OTHER_SIGNATURES.items():
        if data.startswith(signatures) and (name != "WebP" or data[8:12] == b"WEBP"):
            return name
    return "svg" if re.search(rb"<svg[\s>]", data[:4096]) else ""


def check_logo(path: Path) -> None:
    """Raise Unreadable unless `path` is an image a page may show, of the format its bytes say, which its name's
    suffix names too (Typst and LaTeX go by the suffix): the same limits as a brief's figures."""
    data = read_bytes(path, limits.MAX_FIGURE_BYTES)
    fmt, named = (
        sniff(data),
        {".jpeg": "jpeg", ".jpg": "jpeg"}.get(path.suffix.lower(), path.suffix.lower()[1:]),
    )
    if fmt not in _NAMES:
        said = f"a {fmt} file" if fmt else "no image format briefgen knows"
        raise Unreadable(f"not a PNG, JPEG or SVG image (its first bytes say {said})")
    if fmt != named:
        raise Unreadable(
            f"a {_NAMES[fmt]} file named as {_NAMES.get(named, named)} (its first bytes say so); "
            f"rename it {path.stem}{_SUFFIXES[fmt]}"
        )
    _check(data, fmt, "logo")


def check_image(path: Path, fmt: str) -> None:
    """Raise Unreadable unless `path` is an image of format `fmt` (png, jpeg, svg) that a brief may show."""
    _check(read_bytes(path, limits.MAX_FIGURE_BYTES), fmt)


def _check(data: bytes, fmt: str, what: str = "figure") -> None:
    if fmt == "svg":
        _check_svg(data, what)
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


def _check_svg(data: bytes, what: str) -> None:
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
    at = _positions(text)
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise Unreadable("the file's root element is not <svg>")
    if not root.get("viewBox") and not (root.get("width") and root.get("height")):
        raise Unreadable("the SVG needs a viewBox, or a width and a height, to be sized")
    for index, element in enumerate(root.iter()):
        where = at[index] if index < len(at) else (0, 0)
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject"):
            raise Unreadable(f"an SVG with <{tag}> is refused (a {what} is a picture, nothing more)", *where)
        for name in ("href", _XLINK, "src"):
            target = (element.get(name) or "").strip()
            if target and not target.startswith(("#", "data:image/")):
                raise Unreadable(
                    f"the SVG refers to '{target[:80]}': a {what} holds everything it shows "
                    "(embed the image, or refer to an element of the same file with #id)",
                    *where,
                )
        styles = [*element.attrib.values(), *([element.text or ""] if tag == "style" else [])]
        if any(_STYLE_URL.search(style) for style in styles):
            raise Unreadable(
                f"the SVG's style refers to another file (url(…) or @import): a {what} holds everything it shows",
                *where,
            )


def _positions(text: str) -> list[tuple[int, int]]:
    """The line and column (1-based) of each element's start tag, in document order (as ElementTree iterates)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    out: list[tuple[int, int]] = []
    parser.StartElementHandler = lambda _name, _attrs: out.append(
        (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
    )
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return []
    return out


__all__ = ["MAX_PIXELS", "check_image", "check_logo", "sniff"]
