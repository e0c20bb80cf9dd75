"""Take a theme's manifest and Pandoc's reference document; give the reference document of that theme.

Pandoc's docx writer takes the styles of its Word document from a reference document. This one is Pandoc's own
with the theme's tokens written into the styles by python-docx: the fonts of the text and of the headings, the
sizes, weights, capitals and colours of the type scale (headline, headings, body, captions, quotes, notes,
links). The theme's fonts are named, not embedded: Word and LibreOffice use them when they are installed.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from briefgen.themes.manifest import Manifest, TextStyle, points
from briefgen.word import pandoc_ast as ast

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle

# Each Word paragraph style: the step of the theme's type scale it takes (the first the theme has), and the
# spacing tokens above and below it (absent from the theme: none).
PARAGRAPH_STYLES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("Normal", ("body",), "", "paragraph"),
    ("Body Text", ("body",), "", "paragraph"),
    ("First Paragraph", ("body",), "", "paragraph"),
    ("Compact", ("body",), "", "item"),
    (ast.TITLE, ("headline",), "", "headline-after"),
    (ast.KICKER, ("kicker",), "", "kicker-after"),
    (ast.BANNER, ("banner",), "", "paragraph"),
    (ast.SUMMARY_LABEL, ("label",), "summary-pad-top", ""),
    (ast.SUMMARY, ("lead", "body"), "", "summary-after"),
    ("Heading 1", ("heading",), "section", "heading-after"),
    ("Heading 2", ("subheading",), "subsection", "subheading-after"),
    ("Heading 3", ("minor-heading", "subheading"), "subsection", "subheading-after"),
    ("Caption", ("caption",), "caption-gap", "table-after"),
    ("Table Caption", ("caption",), "table-after", "caption-gap"),
    ("Image Caption", ("caption",), "caption-gap", "table-after"),
    ("Block Text", ("quote",), "", "quote-after"),
    (ast.QUOTE_SOURCE, ("quote-source", "caption"), "", "quote-after"),
    (ast.CAVEAT, ("body",), "", "caveat-note"),
    ("Footnote Text", ("note",), "", "note-gap"),
    ("Definition Term", ("entry-term",), "entry-gap", ""),
    ("Definition", ("body",), "", ""),
)
CHARACTER_STYLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Footnote Reference", ("note-mark",)),
    ("Hyperlink", ()),  # the primary colour, underlined
)
NEW_PARAGRAPH_STYLES = (ast.KICKER, ast.BANNER, ast.SUMMARY_LABEL, ast.SUMMARY, ast.QUOTE_SOURCE, ast.CAVEAT)


def _hex(value: str) -> str:
    """A theme colour (#rrggbb, #rgb) as Word writes it: RRGGBB."""
    value = value.lstrip("#")
    return (value if len(value) == 6 else "".join(c * 2 for c in value[:3])).upper()


def _font_names(style: BaseStyle, family: str) -> None:
    """The style's font, for every script, in place of the document theme's fonts (which would win)."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), family)


def _shading(style: BaseStyle, fill: str) -> None:
    """A paragraph style's background colour."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:shd")):
        ppr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _spacing(style: BaseStyle, manifest: Manifest, before: str, after: str) -> None:
    """A paragraph style's space above and below, from the theme's spacing tokens; left-aligned."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    fmt = style.paragraph_format  # type: ignore[attr-defined]
    fmt.space_before = Pt(float(points(manifest.space[before]))) if before in manifest.space else Pt(0)
    fmt.space_after = Pt(float(points(manifest.space[after]))) if after in manifest.space else Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _page(document: DocxDocument, manifest: Manifest) -> None:
    """The page's size and margins, the theme's; notes numbered from 1 to the last."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    page = manifest.page
    for section in document.sections:
        # Notes numbered on through the document: Pandoc's `numRestart eachSect` reads as "each chapter" (each
        # top heading) in LibreOffice.
        for restart in section._sectPr.findall(qn("w:footnotePr")):
            section._sectPr.remove(restart)
        section.page_width, section.page_height = (
            Pt(float(points(page.width))),
            Pt(float(points(page.height))),
        )
        section.top_margin = Pt(float(points(page.margin.top)))
        section.bottom_margin = Pt(float(points(page.margin.bottom)))
        section.left_margin = Pt(float(points(page.margin.left)))
        section.right_margin = Pt(float(points(page.margin.right)))


def _apply(style: BaseStyle, text: TextStyle, manifest: Manifest, paragraph: bool) -> None:
    from docx.shared import Pt, RGBColor

    font = style.font  # type: ignore[attr-defined]
    _font_names(style, getattr(manifest.font, text.font))
    font.size = Pt(round(float(points(text.size)) * 2) / 2)  # Word sets sizes in half points
    font.bold = text.weight >= 700
    font.italic = text.italic
    font.all_caps = text.caps
    font.color.rgb = RGBColor.from_string(_hex(manifest.colours[text.colour]))
    if paragraph:
        style.paragraph_format.line_spacing = text.leading  # type: ignore[attr-defined]


def reference_docx(manifest: Manifest, template: bytes) -> bytes:
    """Pandoc's reference document `template` with the styles of the theme `manifest`."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    document = Document(io.BytesIO(template))
    styles = document.styles
    names = {s.name for s in styles}
    for name in NEW_PARAGRAPH_STYLES:
        if name not in names:
            new = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            new.base_style = styles["Normal"]
            new.quick_style = True
    by_name = {s.name: s for s in styles}
    for name, steps, before, after in PARAGRAPH_STYLES:
        step = next((manifest.text[s] for s in steps if s in manifest.text), None)
        if step is not None and name in by_name:
            _apply(by_name[name], step, manifest, paragraph=True)
            _spacing(by_name[name], manifest, before, after)
    for name, steps in CHARACTER_STYLES:
        step = next((manifest.text[s] for s in steps if s in manifest.text), None)
        if name not in by_name:
            continue
        if step is not None:
            _apply(by_name[name], step, manifest, paragraph=False)
        else:
            by_name[name].font.color.rgb = RGBColor.from_string(_hex(manifest.colours["primary"]))
            by_name[name].font.underline = True
    for name, colour in ((ast.BANNER, "banner"), (ast.SUMMARY, "panel"), (ast.SUMMARY_LABEL, "panel")):
        if colour in manifest.colours:
            _shading(by_name[name], _hex(manifest.colours[colour]))
    _page(document, manifest)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


__all__ = ["reference_docx"]
