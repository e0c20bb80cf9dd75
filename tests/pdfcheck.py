"""Read back what a reader of a PDF sees: its words, metadata, language, fonts and outline."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from pypdf import PdfReader


def text(pdf: Path, mode: str = "") -> str:
    """The text of the PDF as poppler's pdftotext extracts it; mode "raw" keeps content order, "layout" columns."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    args = [tool, "-enc", "UTF-8", *([f"-{mode}"] if mode else []), str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def words(pdf: Path) -> list[str]:
    """The words of the PDF, normalised for comparing engines: hyphenation joined, NFKC, no punctuation."""
    raw = text(pdf)
    raw = re.sub(r"(\w)[-\u00ad\u2010]\n(\w)", r"\1\2", raw)  # words hyphenated across lines
    raw = unicodedata.normalize("NFKC", raw).replace("’", "'")
    return re.findall(r"[\w€$%]+(?:['.,][\w]+)*", raw)


def reader(pdf: Path) -> PdfReader:
    """The PDF parsed once for as long as its file is unchanged: the checks of one PDF share its objects (pypdf
    parses an object stream whole each time a new reader asks for one of its objects). Read, never changed."""
    stat = Path(pdf).stat()
    return _parsed(str(Path(pdf).resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _parsed(path: str, _size: int, _mtime_ns: int) -> PdfReader:
    return PdfReader(io.BytesIO(Path(path).read_bytes()))


def metadata(pdf: Path) -> dict[str, str]:
    info = reader(pdf).metadata or {}
    return {k.lstrip("/"): str(v) for k, v in info.items()}


def lang(pdf: Path) -> str | None:
    root = reader(pdf).trailer["/Root"]
    value = root.get("/Lang")
    return str(value) if value is not None else None


def fonts(pdf: Path) -> dict[str, bool]:
    """Every font used by the pages: base name (subset prefix removed) → embedded."""
    found: dict[str, bool] = {}

    def visit(resources: object, seen: set[int]) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor_owner = descendants[0].get_object() if descendants else font
            descriptor = descriptor_owner.get("/FontDescriptor")
            embedded = bool(descriptor) and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            found[re.sub(r"^[A-Z]{6}\+", "", name)] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if id(xobject) not in seen and "/Resources" in xobject:
                seen.add(id(xobject))
                visit(xobject["/Resources"], seen)

    for page in reader(pdf).pages:
        visit(page.get("/Resources"), set())
    return found


def outline(pdf: Path) -> list[tuple[int, str]]:
    """The bookmarks as (level, title), level 1 at the top."""
    out: list[tuple[int, str]] = []

    def visit(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item, level + 1)
            else:
                out.append((level, str(item.title)))

    visit(reader(pdf).outline, 1)
    return out


def link_uris(pdf: Path) -> list[str]:
    uris = []
    for page in reader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def pages(pdf: Path) -> int:
    return len(reader(pdf).pages)


def body_words(pdf: Path, running: list[str], page_pattern: str) -> list[str]:
    """The words of the PDF without its running header and footer, lower-cased, for comparing engines.

    `running` are the strings repeated on every page (title, kicker, classification); `page_pattern` is the
    catalog's "Page {page} of {pages}" pattern.
    """
    page_re = re.compile(
        re.escape(page_pattern).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+"), re.IGNORECASE
    )
    running_keys = {_key(r) for r in running}
    lines = []
    for line in text(pdf, "raw").splitlines():
        stripped = page_re.sub("", line).strip()
        # Left out: the running lines, and lines of list bullets only (WeasyPrint draws them at the end of a page)
        # or of nothing (a page's end), which would part a word hyphenated across two pages.
        if _key(stripped) in running_keys or not stripped.strip("•"):
            continue
        lines.append(stripped)
    raw = re.sub(r"(\w)[-\u00ad\u2010]\n(\w)", r"\1\2", "\n".join(lines))
    raw = unicodedata.normalize("NFKC", raw).replace("’", "'").lower()
    return re.findall(r"[\w€$%]+(?:['.,][\w]+)*", raw)


def _key(line: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", line).casefold().split())


def word_diff(a: list[str], b: list[str]) -> list[str]:
    """Human-readable differences between two word sequences (empty when they are the same)."""
    import difflib

    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"{op}: {' '.join(a[i1:i2])!r} -> {' '.join(b[j1:j2])!r}")
    return out


def briefing_words(pdf: Path, brief: Path, lang: str) -> list[str]:
    """`body_words` of a briefing built from `brief` in `lang`, its running header and footer removed.

    The header's two halves share a baseline, so pdftotext's raw mode joins them into one line, which each
    engine draws at another point of the page: that joined line is removed too.
    """
    from briefgen.brief.validate import load_brief
    from briefgen.document.view import build_document
    from briefgen.language.catalog import load_catalog

    catalog = load_catalog(lang)
    doc = build_document(load_brief(brief), lang, catalog)
    header = f"{catalog('briefing')} {doc.classification}"
    running = [doc.title, catalog("briefing"), doc.classification, header]
    return body_words(pdf, running, catalog.strings["page_x_of_y"])


def page_text(
    pdf: Path, page: int, mode: str = "", box: tuple[float, float, float, float] | None = None
) -> str:
    """The text of page `page` (from 1); `box` = (x, y, width, height) in points from the top left crops it."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    crop = [arg for k, v in zip("xyWH", box, strict=True) for arg in (f"-{k}", str(round(v)))] if box else []
    args = [tool, "-enc", "UTF-8", "-f", str(page), "-l", str(page), *([f"-{mode}"] if mode else []), *crop]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def images(pdf: Path) -> list[dict[str, str]]:
    """The images the pages draw, as `pdfimages -list` lists them: page, type, width, height, … each."""
    tool = shutil.which("pdfimages")
    assert tool, "pdfimages is missing: install poppler-utils"
    lines = subprocess.run(
        [tool, "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    names = lines[0].split()
    return [dict(zip(names, line.split(), strict=False)) for line in lines[2:]]


def render(pdf: Path, page: int, dpi: int, folder: Path) -> Path:
    """Page `page` of the PDF as a PNG drawn by pdftoppm, in `folder`."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is missing: install poppler-utils"
    stem = folder / f"{pdf.stem}-{page}"
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run([tool, "-r", str(dpi), "-png", "-singlefile", *pages, str(pdf), str(stem)], check=True)
    return stem.parent / f"{stem.name}.png"


def outline_pages(pdf: Path) -> list[tuple[int, str, int]]:
    """The bookmarks as (level, title, page), level 1 at the top, pages counted from 1."""
    pdf_reader = reader(pdf)
    out: list[tuple[int, str, int]] = []

    def visit(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item, level + 1)
            else:
                out.append((level, str(item.title), pdf_reader.get_destination_page_number(item) + 1))

    visit(pdf_reader.outline, 1)
    return out


# -- standards: XMP identification, marked content, structure, attached files --------------------------------

XMP_IDS = {"http://www.aiim.org/pdfa/ns/id/": "pdfaid", "http://www.aiim.org/pdfua/ns/id/": "pdfuaid"}


def xmp_ids(pdf: Path) -> dict[str, str]:
    """The PDF/A and PDF/UA identification of the XMP metadata, written as attributes or as elements:
    {"pdfaid:part": "3", "pdfaid:conformance": "B", "pdfuaid:part": "1"}."""
    from xml.dom import Node

    xmp = reader(pdf).xmp_metadata
    found: dict[str, str] = {}
    if xmp is None:
        return found
    for description in xmp.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    ):
        for i in range(description.attributes.length):
            attribute = description.attributes.item(i)
            if attribute.namespaceURI in XMP_IDS:
                found[f"{XMP_IDS[attribute.namespaceURI]}:{attribute.localName}"] = attribute.value
        for child in description.childNodes:
            if child.nodeType == Node.ELEMENT_NODE and child.namespaceURI in XMP_IDS:
                value = "".join(t.data for t in child.childNodes if t.nodeType == Node.TEXT_NODE)
                found[f"{XMP_IDS[child.namespaceURI]}:{child.localName}"] = value.strip()
    return found


def _parent_tree(root: object) -> dict[int, list]:
    """StructParents key → the structure elements of that page's marked-content ids."""
    parents: dict[int, list] = {}

    def visit(node: object) -> None:
        node = node.get_object()
        nums = node.get("/Nums", [])
        for i in range(0, len(nums), 2):
            parents[int(nums[i])] = nums[i + 1].get_object()
        for kid in node.get("/Kids", []):
            visit(kid)

    tree = root.get("/StructTreeRoot")
    if tree is not None and "/ParentTree" in tree.get_object():
        visit(tree.get_object()["/ParentTree"])
    return parents


def _element_lang(element: object) -> str | None:
    while element is not None:
        element = element.get_object()
        if "/Lang" in element:
            return str(element["/Lang"])
        element = element.get("/P")
    return None


def marked_text(pdf: Path) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    """The text of the pages as runs of (language, text), and the text of each (page, marked-content id).

    A run's language is its marked content's `/Lang`, else its structure element's (or an ancestor's), else
    the document's `/Lang`."""
    from pypdf.generic import ContentStream, DictionaryObject

    pdf_reader = reader(pdf)
    root = pdf_reader.trailer["/Root"]
    main = str(root.get("/Lang", ""))
    parents = _parent_tree(root)
    runs: list[tuple[str, str]] = []
    by_mcid: dict[tuple[int, int], str] = {}
    for number, page in enumerate(pdf_reader.pages):
        elements = parents.get(page.get("/StructParents"), [])
        # pypdf's text visitor hands over the operands of BDC decoded as text: read them from the content stream
        operations = ContentStream(page.get_contents(), pdf_reader).operations
        properties = iter(
            [args[1] if op == b"BDC" else None for args, op in operations if op in (b"BDC", b"BMC")]
        )
        stack: list[tuple[int | None, str | None]] = []

        def before(
            op: bytes, args: list, cm: list, tm: list, elements=elements, properties=properties, stack=stack
        ):
            if op in (b"BDC", b"BMC"):
                props = next(properties)
                mcid, lang = None, None
                if isinstance(props, DictionaryObject):
                    mcid = int(props["/MCID"]) if "/MCID" in props else None
                    if "/Lang" in props:
                        lang = str(props["/Lang"])
                    elif mcid is not None and mcid < len(elements):
                        lang = _element_lang(elements[mcid])
                outer_mcid, outer_lang = stack[-1] if stack else (None, None)
                stack.append((outer_mcid if mcid is None else mcid, lang or outer_lang))
            elif op == b"EMC" and stack:
                stack.pop()

        def visit_text(text: str, cm: list, tm: list, font: object, size: float, number=number, stack=stack):
            mcid, lang = stack[-1] if stack else (None, None)
            runs.append((lang or main, text))
            if mcid is not None:
                by_mcid[(number, mcid)] = by_mcid.get((number, mcid), "") + text

        page.extract_text(visitor_operand_before=before, visitor_text=visit_text)
    return runs, by_mcid


def marked_content(pdf: Path) -> list[list[tuple[str, str, str]]]:
    """What each page paints, in order, as (kind, what, value): kind "artifact" (inside /Artifact marked
    content: page furniture a screen reader skips), "tagged" (inside marked content with an /MCID: a structure
    element's) or "untagged"; what "text" (value: a run of text) or "draw" (an image or a form XObject, and
    what the form draws; value: its name). A run of text is given only when pypdf's text visitor hands it over
    from one kind of marked content: a mixed run fails here."""
    from pypdf.generic import DictionaryObject

    pdf_reader = reader(pdf)
    pages: list[list[tuple[str, str, str]]] = []
    for page in pdf_reader.pages:
        properties = page.get("/Resources", {}).get("/Properties", {})
        stack: list[str] = []
        shown: set[str] = set()  # the kinds of the text operators since the last run handed over
        runs: list[tuple[str, str, str]] = []

        def before(
            op: bytes,
            args: list,
            cm: list,
            tm: list,
            stack=stack,
            shown=shown,
            runs=runs,
            properties=properties,
        ):
            outer = stack[-1] if stack else "untagged"
            if op in (b"BDC", b"BMC"):
                props = args[1] if op == b"BDC" and len(args) > 1 else None
                if props is not None and not isinstance(props, DictionaryObject):
                    props = properties.get(props)  # a name in the page's /Properties
                if str(args[0]) == "/Artifact" or outer == "artifact":
                    stack.append("artifact")
                elif isinstance(props, DictionaryObject) and "/MCID" in props:
                    stack.append("tagged")
                else:
                    stack.append(outer)
            elif op == b"EMC" and stack:
                stack.pop()
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                shown.add(outer)
            elif op == b"Do":
                runs.append((outer, "draw", str(args[0])))

        def visit_text(text: str, cm: list, tm: list, font: object, size: float, shown=shown, runs=runs):
            if text.strip():
                assert len(shown) == 1, f"a run of text from {sorted(shown)} marked content: {text!r}"
                runs.append((shown.pop(), "text", text))
            shown.clear()

        page.extract_text(visitor_operand_before=before, visitor_text=visit_text)
        pages.append(runs)
    return pages


def structure(
    pdf: Path, by_mcid: dict[tuple[int, int], str] | None = None
) -> list[tuple[str, int, dict[str, object], str]]:
    """The structure tree in reading order: (role, depth, its /Alt, /Lang and /T, its text). `by_mcid`: the
    second half of `marked_text(pdf)`, when the caller has it already."""
    pdf_reader = reader(pdf)
    root = pdf_reader.trailer["/Root"]
    if "/StructTreeRoot" not in root:
        return []
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(pdf_reader.pages)}
    if by_mcid is None:
        by_mcid = marked_text(pdf)[1]
    found: list[tuple[str, int, dict[str, object], str]] = []

    def text_of(element: object, page: int | None) -> str:
        kids = element.get("/K")
        if kids is None:
            return ""
        kids = kids.get_object()
        out = []
        for kid in kids if isinstance(kids, list) else [kids]:
            target = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(target, int):
                out.append(by_mcid.get((page, target), "") if page is not None else "")
            elif "/MCID" in target:
                where = target.get("/Pg")
                out.append(by_mcid.get((pages[where.idnum] if where else page, int(target["/MCID"])), ""))
            elif "/S" in target:
                where = target.get("/Pg")
                out.append(text_of(target, pages[where.idnum] if where else page))
        return "".join(out)

    def visit(node: object, depth: int, page: int | None) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        if "/S" in node:
            attrs = {k: node[k] for k in ("/Alt", "/Lang", "/T") if k in node}
            found.append((str(node["/S"]), depth, attrs, text_of(node, page)))
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get") and "/S" in kid.get_object():
                visit(kid, depth + 1, page)

    visit(root["/StructTreeRoot"], 0, None)
    return found


def attachments(pdf: Path) -> dict[str, dict[str, object]]:
    """The attached files by name: data, /AFRelationship, /Desc, MIME type, and whether the catalog's /AF
    names it (a PDF/A-3 associated file of the document)."""
    root = reader(pdf).trailer["/Root"]
    names = root.get("/Names", {}).get("/EmbeddedFiles")
    associated = {ref.idnum for ref in root.get("/AF", [])}
    found: dict[str, dict[str, object]] = {}
    if names is None:
        return found
    pairs = names.get_object()["/Names"]
    for i in range(0, len(pairs), 2):
        spec = pairs[i + 1].get_object()
        stream = spec["/EF"]["/F"].get_object()
        found[str(pairs[i])] = {
            "data": stream.get_data(),
            "relationship": str(spec.get("/AFRelationship", "")).lstrip("/"),
            "description": str(spec.get("/Desc", "")),
            "mime": str(stream.get("/Subtype", "")).lstrip("/").replace("#2f", "/").replace("#2F", "/"),
            "associated": pairs[i + 1].idnum in associated,
            "uf": str(spec.get("/UF", "")),
        }
    return found
