"""Take an HTML page whose style sheet and images name files; give it self-contained: every resource a data: URI.

A resource is a `src` of an element or a CSS `url()`, given as a `file:` URL or relative to the theme's folder
(as WeasyPrint reads them). Fonts are subset by HarfBuzz to the characters the page holds (with their other
case, as `text-transform` may ask for it) and written as WOFF; images are embedded as they are. A resource
outside the allowed files, or on the web, is an InputError: a published page makes no request but for data:
URIs. Links (`<a href>`) stay links; only a `file:` link, which would break on any other machine, is refused.
"""

from __future__ import annotations

import base64
import html
import io
import mimetypes
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from briefgen.errors import InputError

FONT_SUFFIXES = (".ttf", ".otf")
# Characters a browser may draw that the page's text need not hold: hyphens where it breaks words, markers.
EXTRA_CHARACTERS = "-\u2010\u00ad•◦▪0123456789.…"
_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_ATTRIBUTE = re.compile(r"""(\s(?:src|style)\s*=\s*)("[^"]*"|'[^']*')""", re.I)


def characters(text: str) -> set[str]:
    """The characters of `text` (an HTML page: its entities read), each with its other case, and the ones a
    browser may draw on its own."""
    chars = set(html.unescape(text)) | set(EXTRA_CHARACTERS)
    for char in list(chars):
        chars.update(char.upper(), char.lower())
    return chars


def self_contained(page: str, resolve: Callable[[str], Path], chars: Iterable[str]) -> str:
    """`page` with every resource a data: URI. `resolve(url)` is the allowed file a URL names (InputError when
    none). Raises InputError when a resource remains that is not a data: URI."""
    wanted = "".join(sorted(set(chars)))
    cache: dict[Path, str] = {}

    def data_uri(url: str) -> str:
        if url.startswith("data:"):
            return url
        path = resolve(url)
        if path not in cache:
            cache[path] = _data_uri(path, wanted)
        return cache[path]

    def css(text: str) -> str:
        return _css_urls(text, data_uri)

    def attribute(match: re.Match[str]) -> str:
        name, quoted = match.group(1), match.group(2)
        value = html.unescape(quoted[1:-1])
        new = css(value) if name.strip().lower().startswith("style") else data_uri(value)
        return f'{name}"{html.escape(new, quote=True)}"'

    def tag(match: re.Match[str]) -> str:
        return _ATTRIBUTE.sub(attribute, match.group(0))

    parts = []
    at = 0
    for block in _STYLE_BLOCK.finditer(page):
        parts.append(_TAG.sub(tag, page[at : block.start()]))
        parts.append(block.group(1) + css(block.group(2)) + block.group(3))
        at = block.end()
    parts.append(_TAG.sub(tag, page[at:]))
    page = "".join(parts)
    problems = requests(page)
    if problems:
        raise InputError(f"the published page still asks for {', '.join(sorted(problems))}")
    return page


def file_resolver(roots: list[Path], base: Path) -> Callable[[str], Path]:
    """`resolve(url)`: the file a `file:` URL or a URL relative to `base` names, when it is one of `roots` or
    inside one; InputError otherwise (a web address, a file elsewhere, a file that is not there)."""
    allowed = [r.resolve() for r in roots]

    def resolve(url: str) -> Path:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
        elif not parsed.scheme and not parsed.netloc and parsed.path:
            path = (base / unquote(parsed.path)).resolve()
        else:
            raise InputError(f"the theme asks for {url}: a published page embeds files and fetches nothing")
        if not any(path == root or path.is_relative_to(root) for root in allowed) or not path.is_file():
            raise InputError(
                f"the theme asks for {url}, which is not a file of the theme, its fonts or the brief"
            )
        return path

    return resolve


def _css_urls(css: str, replace: Callable[[str], str] | None = None, found: set[str] | None = None) -> str:
    """`css` with each URL it asks for (`url(…)`, `url("…")`, `@import "…"`) replaced by `replace(url)`, and
    added to `found`. Read with tinycss2, CSS's own tokenizer: a `url(` inside a string or a comment (a headline
    quoted in `content: "…"`) is text, not a request."""
    import tinycss2
    from tinycss2.serializer import serialize_string_value

    def visit(nodes: list[Any]) -> list[Any]:
        out: list[Any] = []
        importing = False
        for node in nodes:
            url = None
            if node.type == "url":
                url = node.value
            elif node.type == "function" and node.lower_name == "url":
                args = [a for a in node.arguments if a.type not in ("whitespace", "comment")]
                url = args[0].value if len(args) == 1 and args[0].type == "string" else ""
            elif importing and node.type == "string":
                url = node.value
            if node.type == "at-keyword":
                importing = node.lower_value == "import"
            elif node.type not in ("whitespace", "comment"):
                importing = False
            if url is not None:
                if found is not None and not url.startswith("data:"):
                    found.add(url)
                if replace is not None:
                    new = replace(url)
                    node = URLToken(
                        node.source_line, node.source_column, new, f'url("{serialize_string_value(new)}")'
                    )
            elif hasattr(node, "content") and node.content is not None:
                node.content = visit(node.content)
            elif node.type == "function":
                node.arguments = visit(node.arguments)
            out.append(node)
        return out

    from tinycss2.ast import URLToken

    return str(tinycss2.serialize(visit(tinycss2.parse_component_value_list(css))))


def _data_uri(path: Path, chars: str) -> str:
    suffix = path.suffix.lower()
    if suffix in FONT_SUFFIXES:
        return "data:font/woff;base64," + base64.b64encode(subset_font(path, chars)).decode("ascii")
    mime = _MIME.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def subset_font(path: Path, chars: str) -> bytes:
    """The font of `path` with the glyphs of `chars` only (its layout features kept, its hinting dropped), as
    WOFF. The same font and characters give the same bytes."""
    import uharfbuzz as hb  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont

    face = hb.Face(hb.Blob.from_file_path(str(path)))
    wanted = hb.SubsetInput()
    for char in chars:
        wanted.unicode_set.add(ord(char))
    wanted.flags |= hb.SubsetFlags.NO_HINTING
    subset = hb.subset(face, wanted)
    if subset is None:
        raise InputError(f"{path}: HarfBuzz cannot subset this font")
    font = TTFont(io.BytesIO(subset.blob.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.flavor = "woff"  # zlib: WOFF2's Brotli makes a tenth fewer bytes in twenty times the time
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


class _Requests(HTMLParser):
    """Every URL a browser would fetch to show the page, and every `file:` link."""

    RESOURCE = frozenset({"src", "srcset", "poster", "data", "background", "imagesrcset"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            value = (value or "").strip()
            if name in self.RESOURCE and value and not value.startswith("data:"):
                self.found.add(value)
            elif name == "style":
                self.found |= _css_requests(value)
            elif name == "href" and (tag == "link" or value.lower().startswith("file:")):
                self.found.add(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found |= _css_requests(data)


def _css_requests(css: str) -> set[str]:
    found: set[str] = set()
    _css_urls(css, found=found)
    return found


def requests(page: str) -> set[str]:
    """The URLs showing `page` would fetch (every one but data: URIs), and its `file:` links."""
    parser = _Requests()
    parser.feed(page)
    parser.close()
    return parser.found


__all__ = ["characters", "file_resolver", "requests", "self_contained", "subset_font"]
