"""Read what a PDF says of itself, offline, with pypdf: its XMP identification, output intents, fonts, catalog
entries, structure tree, outline, marked passages and attached files, as `Facts` for `briefgen.conformance`.

Reading the pages' content (which text is marked, and with what language) is the slow part: `read(content=False)`
leaves it out.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
    decode_pdfdocencoding,
)

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


# What pypdf raises, or lets through, on a damaged or hostile file (a cycle in the structure tree among them).
_BROKEN = (
    PdfReadError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
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

    @property
    def claimed(self) -> list[str]:
        """The standards the XMP claims, as briefgen names them: `ua-1`, `a-3b`."""
        names = [f"ua-{self.pdfua}"] if self.pdfua else []
        return names + ([f"a-{self.pdfa[0]}{self.pdfa[1].lower()}"] if self.pdfa else [])


def read(pdf: str | Path | bytes, content: bool = True) -> Facts:
    """The conformance facts of a PDF file or its bytes. Raises NotAPdf when pypdf cannot read it.

    `content=False` does not parse the pages' content (the slow part: about a quarter of a second a page):
    headings then have only their `/T` or `/ActualText` as text, passages only those of structure elements,
    and text outside marked content is not counted (`Facts.content` says which was done)."""
    try:
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf), strict=False)
        root: Any = reader.trailer["/Root"].get_object()
        facts = Facts(encrypted=reader.is_encrypted)
        if facts.encrypted:
            return facts
        _read_catalog(reader, root, facts)
        facts.content = content
        _read_structure(reader, root, facts)
    except _BROKEN as exc:
        raise NotAPdf(str(exc) or type(exc).__name__) from exc
    return facts


def _read_catalog(reader: PdfReader, root: DictionaryObject, facts: Facts) -> None:
    metadata = root.get("/Metadata")
    if metadata is not None:
        _read_xmp(metadata.get_object().get_data(), facts)
    for intent in root.get("/OutputIntents") or []:
        intent = intent.get_object()
        profile = intent.get("/DestOutputProfile")
        icc = profile is not None and profile.get_object().get_data()[36:40] == b"acsp"
        facts.output_intents.append((str(intent.get("/S", "")).lstrip("/"), bool(icc)))
    facts.fonts = _fonts(reader)
    facts.marked = bool((root.get("/MarkInfo") or {}).get("/Marked", False))
    facts.lang = _string(root["/Lang"]) if "/Lang" in root else None
    facts.display_doc_title = bool((root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle", False))
    facts.file_id = "/ID" in reader.trailer
    facts.attachments = _attachments(root)
    facts.outline = _outline(reader)


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


def _fonts(reader: PdfReader) -> dict[str, bool]:
    found: dict[str, bool] = {}
    seen: set[int] = set()

    def visit(resources: Any) -> None:
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
            xobject = ref.get_object()
            key = ref.idnum if isinstance(ref, IndirectObject) else id(xobject)
            if key not in seen and "/Resources" in xobject:
                seen.add(key)
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def _name_tree(node: Any) -> Iterator[tuple[str, Any]]:
    node = node.get_object()
    names = node.get("/Names") or []
    for i in range(0, len(names) - 1, 2):
        yield _string(names[i]), names[i + 1]
    for kid in node.get("/Kids") or []:
        yield from _name_tree(kid)


def _attachments(root: DictionaryObject) -> list[Attachment]:
    tree = (root.get("/Names") or {}).get("/EmbeddedFiles")
    if tree is None:
        return []
    in_af = {ref.idnum for ref in root.get("/AF") or [] if isinstance(ref, IndirectObject)}
    found = []
    for key, ref in _name_tree(tree):
        spec = ref.get_object()
        stream = spec["/EF"].get_object()["/F"].get_object()
        data = stream.get_data()
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


def _outline(reader: PdfReader) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item, level + 1)
            else:
                found.append((level, words(str(item.title))))

    visit(reader.outline, 1)
    return found


def _read_structure(reader: PdfReader, root: DictionaryObject, facts: Facts) -> None:
    pages = {page.indirect_reference.idnum: page for page in reader.pages if page.indirect_reference}
    texts: dict[tuple[int, int], str] = {}  # (page object number, MCID) → text
    for number, page in pages.items() if facts.content else ():
        for mcid, text in _marked_content(page, facts).items():
            texts[number, mcid] = text
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    facts.tagged = True
    role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}

    def standard(kind: str) -> str | None:
        for _ in range(10):  # a role map with a cycle maps to nothing
            if kind.lstrip("/") in STANDARD_TYPES:
                return kind.lstrip("/")
            if kind not in role_map:
                return None
            kind = role_map[kind]
        return None

    def text_of(node: Any, page: int | None) -> str:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, int):
            return texts.get((page, node), "") if page is not None else ""
        if isinstance(node, ArrayObject):
            return "".join(text_of(kid, page) for kid in node)
        if not isinstance(node, DictionaryObject):
            return ""
        page = _page_of(node, page)
        if "/ActualText" in node:
            return _string(node["/ActualText"])
        if node.get("/Type") == "/MCR":
            return texts.get((page, _int(node["/MCID"])), "") if page is not None else ""
        return text_of(node.get("/K"), page) if "/K" in node else ""

    def visit(node: Any, page: int | None, depth: int, lang: str | None) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for kid in node:
                visit(kid, page, depth, lang)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node or depth > 200:
            return
        page = _page_of(node, page)
        kind = standard(str(node["/S"]))
        facts.types[str(node["/S"]).lstrip("/")] = kind
        if kind and re.fullmatch(r"H[1-6]?", kind):
            said = words(text_of(node, page)) or words(_string(node.get("/T", "")))
            facts.headings.append(Heading(int(kind[1:]) if len(kind) > 1 else None, said))
        elif kind == "Figure":
            alt = node.get("/Alt") or node.get("/ActualText")
            facts.figures.append(_string(alt).strip() or None if alt is not None else None)
        elif kind == "Table":
            facts.tables.append(_has_type(node, "TH", standard))
        if "/Lang" in node and _string(node["/Lang"]) != lang:  # a passage in another language than around it
            lang = _string(node["/Lang"])
            facts.passages.append((lang, words(text_of(node, page))))
        if "/K" in node:
            visit(node["/K"], page, depth + 1, lang)

    if "/K" in tree:
        visit(tree["/K"], None, 0, facts.lang)


def _page_of(node: DictionaryObject, page: int | None) -> int | None:
    """The page (its object number) an element's marked content is on: its /Pg, else its parent's."""
    ref = node.raw_get("/Pg") if "/Pg" in node else None
    return ref.idnum if isinstance(ref, IndirectObject) else page


def _has_type(node: DictionaryObject, wanted: str, standard: Callable[[str], str | None]) -> bool:
    kids = node.get("/K")
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if (
            isinstance(kid, DictionaryObject)
            and "/S" in kid
            and (standard(str(kid["/S"])) == wanted or _has_type(kid, wanted, standard))
        ):
            return True
    return False


def _marked_content(page: Any, facts: Facts) -> dict[int, str]:
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

    def on_text(text: str, *_args: Any) -> None:
        if stack:
            stack[-1][1].append(text)

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
