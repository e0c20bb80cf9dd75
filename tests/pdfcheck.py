"""Read back what a reader of a PDF sees: its words, metadata, language, fonts and outline."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
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
    return PdfReader(str(pdf))


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
