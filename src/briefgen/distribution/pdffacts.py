"""Read what a PDF says of itself, offline, with pypdf: its XMP identification, output intents, fonts, catalog
entries, structure tree, outline, marked passages and attached files, as `Facts` for `briefgen.distribution.conformance`.

Reading the pages' content (which text is marked, and with what language) is the slow part: `read(content=False)`
leaves it out. The file may be hostile: its trees are walked within limits (`briefgen.distribution.pdfwalk`), the attached
files and the pages' content read up to a total size, and what was left out is listed in `Facts.cut`.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
    decode_pdfdocencoding,
)

from briefgen.distribution import pdfwalk

# Structure types of PDF 1.7 (ISO 32000-1, 14.8.4) and those PDF 2.0 adds; others need a /RoleMap entry.
_TYPES = """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6
L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP
Warichu WT WP Figure Formula Form DocumentFragment Aside Title FENote Sub Em Strong Artifact"""
STANDARD_TYPES = frozenset(_TYPES.split())
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}
MAX_ATTACHED = 200_000_000  # bytes of attached files read, all together
MAX_CONTENT = 50_000_000  # bytes of the pages' content streams read, all together
MAX_DRAWN = 5_000  # form XObjects drawn by the pages' content, all together (each drawing read again)
MAX_INTENTS = 16  # output intents read (each with its ICC profile)
MAX_TEXT = 10_000  # characters kept of one heading's or passage's text


# What pypdf raises, or lets through, on a damaged or hostile file.
_BROKEN = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    ArithmeticError,
    NotImplementedError,
)


class NotAPdf(ValueError):
    """The bytes are not a PDF pypdf can read."""


@dataclass(frozen=True)
class Heading:
    level: int | None  # None for `H`, whose level is its nesting
    text: str


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int
    mime: str | None
    relationship: str | None
    in_catalog_af: bool
    data: bytes = field(repr=False)


@dataclass
class Facts:
    """What a PDF says about itself, as read; `check` judges it."""

    pdfa: tuple[str, str] | None = None  # (part, conformance), e.g. ("3", "B")
    pdfua: str | None = None  # the part, e.g. "1"
    xmp: bool = False
    title: str | None = None  # dc:title
    output_intents: list[tuple[str, bool]] = field(default_factory=list)  # (subtype, ICC profile present)
    fonts: dict[str, bool] = field(default_factory=dict)  # base name → embedded
    marked: bool = False
    lang: str | None = None
    display_doc_title: bool = False
    file_id: bool = False
    encrypted: bool = False
    tagged: bool = False  # has a structure tree
    types: dict[str, str | None] = field(
        default_factory=dict
    )  # each type used → the standard type it maps to
    headings: list[Heading] = field(default_factory=list)
    outline: list[tuple[int, str]] = field(default_factory=list)
    figures: list[str | None] = field(default_factory=list)  # each Figure's /Alt or /ActualText
    tables: list[bool] = field(default_factory=list)  # each Table: has a TH
    passages: list[tuple[str, str]] = field(default_factory=list)  # (language, text)
    unmarked_text: int = 0  # text-showing operators outside any marked content
    content: bool = False  # the pages' content was read (MCID texts, marked passages, unmarked text)
    attachments: list[Attachment] = field(default_factory=list)
    cut: list[str] = field(
        default_factory=list
    )  # what was not read: a tree past its limits, a node named twice

    @property
    def claimed(self) -> list[str]:
        """The standards the XMP claims, as briefgen names them: `ua-1`, `a-3b`."""
        names = [f"ua-{self.pdfua}"] if self.pdfua else []
        return names + ([f"a-{self.pdfa[0]}{self.pdfa[1].lower()}"] if self.pdfa else [])


def _true(value: object) -> bool:
    """Whether a PDF boolean is true: pypdf's BooleanObject(False) is truthy in Python, its value is not."""
    return getattr(value, "value", value) is True


def read(pdf: str | Path | bytes, content: bool = True) -> Facts:
    """The conformance facts of a PDF file or its bytes. Raises NotAPdf when pypdf cannot read it.

    `content=False` does not parse the pages' content (the slow part: about a quarter of a second a page):
    headings then have only their `/T` or `/ActualText` as text, passages only those of structure elements,
    and text outside marked content is not counted (`Facts.content` says which was done)."""
    try:
        with _quiet():
            reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf), strict=False)
            root: Any = reader.trailer["/Root"].get_object()
            facts = Facts(encrypted=reader.is_encrypted)
            if facts.encrypted:
                return facts
            if not isinstance(root, DictionaryObject):
                raise NotAPdf("its /Root is not a dictionary")
            pages = pdfwalk.pages(reader, root, facts.cut)
            _read_catalog(reader, root, pages, facts)
            facts.content = content
            _read_structure(root, pages, facts)
    except _BROKEN as exc:
        raise NotAPdf(str(exc) or type(exc).__name__) from exc
    return facts


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf's warnings and log lines about a damaged file, unheard: they quote the file's bytes as they are
    (terminal escapes among them), and what they say is judged by the checks."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _read_catalog(reader: PdfReader, root: DictionaryObject, pages: list[PageObject], facts: Facts) -> None:
    metadata = root.get("/Metadata")
    if metadata is not None:
        _read_xmp(metadata.get_object().get_data(), facts)
    intents = root.get("/OutputIntents")
    intents = intents.get_object() if intents is not None else None
    intents = intents if isinstance(intents, ArrayObject) else []
    if len(intents) > MAX_INTENTS:
        facts.cut.append(f"it has more than {MAX_INTENTS} output intents: the first {MAX_INTENTS} read")
    for intent in intents[:MAX_INTENTS]:
        intent = intent.get_object()
        profile = intent.get("/DestOutputProfile")
        icc = profile is not None and profile.get_object().get_data()[36:40] == b"acsp"
        facts.output_intents.append((str(intent.get("/S", "")).lstrip("/"), bool(icc)))
    facts.fonts = _fonts(pages, facts.cut)
    facts.marked = _true((root.get("/MarkInfo") or {}).get("/Marked"))
    facts.lang = _string(root["/Lang"]) if "/Lang" in root else None
    facts.display_doc_title = _true((root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle"))
    facts.file_id = "/ID" in reader.trailer
    facts.attachments = _attachments(root, facts.cut)
    facts.outline = [
        (level, words(_string(item.get("/Title", "")))) for level, item in pdfwalk.outline(root, facts.cut)
    ]


def _read_xmp(data: bytes, facts: Facts) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # XMP has neither; refuse entity expansion
        return
    try:
        tree = ET.fromstring(data.strip(b"\x00 \r\n\t"))
    except ET.ParseError:
        return
    facts.xmp = True

    def value(prefix: str, name: str) -> str | None:
        qualified = f"{{{_NS[prefix]}}}{name}"
        for description in tree.iter(f"{{{_NS['rdf']}}}Description"):
            if qualified in description.attrib:
                return description.attrib[qualified].strip()
            element = description.find(f"{prefix}:{name}", _NS)
            if element is not None:
                text = "".join(element.itertext()).strip()  # dc:title holds an rdf:Alt of rdf:li
                return text or None
        return None

    part, conformance = value("pdfaid", "part"), value("pdfaid", "conformance")
    facts.pdfa = (part, (conformance or "").upper()) if part else None
    facts.pdfua = value("pdfuaid", "part")
    facts.title = value("dc", "title")


def _fonts(pages: list[PageObject], cut: list[str]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    walk = pdfwalk.Walk("the form XObjects", cut, twice=True)  # pages share resources and XObjects

    def visit(resources: Any, depth: int) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor: Any = (owner.get("/FontDescriptor") or DictionaryObject()).get_object()
            embedded = font.get("/Subtype") == "/Type3" or any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            name = re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "/(unnamed)")).lstrip("/"))
            found[name] = found.get(name, True) and embedded
        for ref in (resources.get("/XObject") or {}).values():
            xobject = walk.enter(ref, depth + 1)
            if isinstance(xobject, DictionaryObject) and "/Resources" in xobject:
                visit(xobject["/Resources"], depth + 1)

    for page in pages:
        pdfwalk.run(visit, page.get("/Resources"), 0)
    return found


def _attachments(root: DictionaryObject, cut: list[str]) -> list[Attachment]:
    tree = (root.get("/Names") or {}).get("/EmbeddedFiles")
    if tree is None:
        return []
    in_af = {ref.idnum for ref in root.get("/AF") or [] if isinstance(ref, IndirectObject)}
    found = []
    total = 0
    for key, ref in pdfwalk.name_tree(tree, "the name tree of attached files", cut):
        spec = ref.get_object()
        stream = spec["/EF"].get_object()["/F"].get_object()
        data = stream.get_data()
        total += len(data)
        if total > MAX_ATTACHED:
            cut.append(f"the attached files hold more than {MAX_ATTACHED // 1_000_000} MB: read up to there")
            break
        subtype = stream.get("/Subtype")
        relationship = spec.get("/AFRelationship")
        found.append(
            Attachment(
                name=_string(spec.get("/UF") or spec.get("/F") or key),
                size=len(data),
                mime=str(subtype).lstrip("/") if subtype is not None else None,
                relationship=str(relationship).lstrip("/") if relationship is not None else None,
                in_catalog_af=isinstance(ref, IndirectObject) and ref.idnum in in_af,
                data=data,
            )
        )
    return found


def _read_structure(root: DictionaryObject, pages: list[PageObject], facts: Facts) -> None:
    texts = _read_content(pages, facts) if facts.content else {}  # (page object number, MCID) → text
    tree = root.get("/StructTreeRoot")
    tree = tree.get_object() if tree is not None else None
    if not isinstance(tree, DictionaryObject):
        return
    facts.tagged = True
    role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}
    walk = pdfwalk.Walk("the structure tree", facts.cut)
    parts: list[str] = []  # the text of the marked content, in the tree's order: an element's is a slice
    headers = [0]  # the TH elements read so far

    def standard(kind: str) -> str | None:
        for _ in range(10):  # a role map with a cycle maps to nothing
            if kind.lstrip("/") in STANDARD_TYPES:
                return kind.lstrip("/")
            if kind not in role_map:
                return None
            kind = role_map[kind]
        return None

    def visit(ref: Any, page: int | None, depth: int, lang: str | None) -> None:
        node = walk.enter(ref, depth)
        if isinstance(node, int):  # an MCID
            parts.append(texts.get((page, int(node)), "") if page is not None else "")
        elif isinstance(node, ArrayObject):
            for kid in node:
                visit(kid, page, depth + 1, lang)
        elif isinstance(node, DictionaryObject):
            page = _page_of(node, page)
            if node.get("/Type") == "/MCR" and "/MCID" in node:
                parts.append(texts.get((page, _int(node["/MCID"])), "") if page is not None else "")
            elif "/S" in node:
                element(node, page, depth, lang)

    def element(node: DictionaryObject, page: int | None, depth: int, lang: str | None) -> None:
        kind = standard(str(node["/S"]))
        facts.types[str(node["/S"]).lstrip("/")] = kind
        start, headers_before = len(parts), headers[0]
        heading = passage = table = (
            None  # where each goes in its list, filled once the element's text is read
        )
        if kind and re.fullmatch(r"H[1-6]?", kind):
            heading = len(facts.headings)
            facts.headings.append(Heading(None, ""))
        elif kind == "Figure":
            alt = node.get("/Alt") or node.get("/ActualText")
            facts.figures.append(_string(alt).strip() or None if alt is not None else None)
        elif kind == "Table":
            table = len(facts.tables)
            facts.tables.append(False)
        elif kind == "TH":
            headers[0] += 1
        if "/Lang" in node and _string(node["/Lang"]) != lang:  # a passage in another language than around it
            lang = _string(node["/Lang"])
            passage = len(facts.passages)
            facts.passages.append((lang, ""))
        try:
            if "/K" in node:
                visit(node.raw_get("/K"), page, depth + 1, lang)
        finally:  # also when a limit stops the walk: what was read of the element is its text
            if "/ActualText" in node:
                del parts[start:]
                parts.append(_string(node["/ActualText"]))
            said = words(_joined(parts, start)) if heading is not None or passage is not None else ""
            if heading is not None and kind is not None:
                level = int(kind[1:]) if len(kind) > 1 else None
                facts.headings[heading] = Heading(level, said or words(_string(node.get("/T", ""))))
            if passage is not None and lang is not None:
                facts.passages[passage] = (lang, said)
            if table is not None:
                facts.tables[table] = headers[0] > headers_before

    if "/K" in tree:
        pdfwalk.run(visit, tree.raw_get("/K"), None, 0, facts.lang)


def _joined(parts: list[str], start: int) -> str:
    """The text of parts[start:], its first MAX_TEXT characters."""
    kept: list[str] = []
    size = 0
    for part in parts[start:]:
        kept.append(part[: MAX_TEXT - size])
        size += len(kept[-1])
        if size >= MAX_TEXT:
            break
    return "".join(kept)


def _page_of(node: DictionaryObject, page: int | None) -> int | None:
    """The page (its object number) an element's marked content is on: its /Pg, else its parent's."""
    ref = node.raw_get("/Pg") if "/Pg" in node else None
    return ref.idnum if isinstance(ref, IndirectObject) else page


def _content_size(page: PageObject) -> int:
    """The bytes of a page's own content streams, decoded."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = contents if isinstance(contents, ArrayObject) else [contents] if contents is not None else []
    return sum(len(s.get_object().get_data()) for s in streams if hasattr(s.get_object(), "get_data"))


def _read_content(pages: list[PageObject], facts: Facts) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence with an MCID, by (page object number, MCID), within MAX_CONTENT
    bytes of content and MAX_DRAWN form XObjects drawn."""
    texts: dict[tuple[int, int], str] = {}
    size, drawn = 0, [0]
    for page in pages:
        size += _content_size(page)
        if size > MAX_CONTENT:
            facts.cut.append(
                f"the pages' content is larger than {MAX_CONTENT // 1_000_000} MB: read up to there"
            )
            break
        number = page.indirect_reference.idnum if page.indirect_reference else None
        for mcid, text in _marked_content(page, facts, drawn).items():
            if number is not None:
                texts[number, mcid] = text
        if drawn[0] > MAX_DRAWN:
            facts.cut.append(f"the pages draw form XObjects more than {MAX_DRAWN} times: read up to there")
            break
    return texts


def _marked_content(page: Any, facts: Facts, drawn: list[int]) -> dict[int, str]:
    """The text of each marked-content sequence with an MCID on a page; counts the text shown outside any
    sequence and records the sequences that carry their own /Lang."""
    resources: Any = (page.get("/Resources") or DictionaryObject()).get_object()
    properties: Any = (resources.get("/Properties") or DictionaryObject()).get_object()
    stack: list[tuple[DictionaryObject | None, list[str], str | None]] = []  # properties, texts, language
    texts: dict[int, str] = {}

    def before(operator: bytes, operands: list[Any], _cm: Any, _tm: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            props = operands[1] if operator == b"BDC" and len(operands) > 1 else None
            if isinstance(props, NameObject):
                props = properties.get(props)
                props = props.get_object() if props is not None else None
            props = props if isinstance(props, DictionaryObject) else None
            around = stack[-1][2] if stack else facts.lang
            stack.append((props, [], _string(props["/Lang"]) if props and "/Lang" in props else around))
        elif operator == b"EMC" and stack:
            props, parts, lang = stack.pop()
            text = "".join(parts)
            if props is not None and "/MCID" in props:
                mcid = _int(props["/MCID"])
                texts[mcid] = texts.get(mcid, "") + text
            around = stack[-1][2] if stack else facts.lang
            if lang != around:  # a passage in another language than around it
                facts.passages.append((lang or "", words(text)))
            if stack:
                stack[-1][1].append(text)
        elif operator in _SHOW_TEXT and not stack:
            facts.unmarked_text += 1
        elif operator == b"Do":  # pypdf reads a form XObject's content each time it is drawn
            drawn[0] += 1
            if drawn[0] > MAX_DRAWN:
                raise pdfwalk.Stop

    def on_text(text: str, *_args: Any) -> None:
        if stack:
            stack[-1][1].append(text)

    with suppress(pdfwalk.Stop):  # pypdf may catch it inside a form XObject: `drawn` says it was raised
        page.extract_text(visitor_operand_before=before, visitor_text=on_text)
    return texts


def _string(value: Any) -> str:
    """A PDF text string: UTF-16 or UTF-8 with their byte order mark, else PDFDocEncoding."""
    if isinstance(value, ByteStringObject | TextStringObject):
        raw = value.get_original_bytes() if isinstance(value, TextStringObject) else bytes(value)
        if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
            return raw.decode("utf-16", errors="replace")
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8", errors="replace")
        return decode_pdfdocencoding(raw)
    return str(value)


def _int(value: Any) -> int:
    return int(value)


def words(text: str) -> str:
    return " ".join(text.split())


__all__ = ["STANDARD_TYPES", "Attachment", "Facts", "Heading", "NotAPdf", "read", "words"]
