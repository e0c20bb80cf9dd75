"""Take a laid-out WeasyPrint document; give it again with each figure that left the page before it part empty
scaled down to fit there, or moved after the block that follows it.

A figure never splits: when it does not fit at the foot of a page it goes to the next, with the heading it
follows (`break-after: avoid`), and may leave that page well short of full. A typesetter would let it float to
the next page and fill this one with the text after it; WeasyPrint has no page floats. `fit_figures` finds each
page ended early by a figure that opens the next (after its headings) and scales that figure's image to the room
left, by MIN_SCALE at most; a figure that would need more changes places with the block after it in its section
(a paragraph, a list, a table: the text fills the page, the figure follows it), as a float would. Then it lays
the document out again.

A short list is kept on one page (`layout.keep-list` items at most) and goes to the next page whole when it does
not fit at the foot of one: when that leaves the page before it less than MIN_FULL full, the list is let break
(class UNKEPT: it still leaves no item alone at a page's foot or head), and the document laid out again. So is a
key-facts panel of fewer than four rows (which keeps two rows on each side of a break, so moves whole): it then
breaks between any rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, ReplacedBox

PASSES = 3  # layouts after the first at most: each scales or moves a figure at least
# A page left less full than this by a figure that moved (the tests' page-layout rule says 70 %, counting a blank
# band of less than 2.5 lines as full).
MIN_FULL = 0.75
MIN_SCALE = 0.70  # the smallest a figure is scaled to, of the width the brief gives it
ROOM = 20.0  # CSS pixels kept free under the figure: rounding, a line's leading, a margin at a page's top dropped
BEFORE = 4  # lines of text at most before a figure at the top of a page: a short block kept with it
UNKEPT = "unkept"  # the class of a list let break across pages (style.css)
_WIDTH = re.compile(r"width:\s*([\d.]+)%")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def fit_figures(html: Any, render: Callable[[], Any]) -> Any:
    """`render()` (WeasyPrint's layout of `html`), again while a figure that opens a page can fit the page before
    it or move after the block that follows it."""
    document = render()
    for _ in range(PASSES):
        ended = [page for page in range(len(document.pages) - 1) if _free(document, page) is not None]
        fits = [fit for page in ended if (fit := _fit(document, page))]
        moved = False
        for page in ended:
            flow = _flow(document.pages[page + 1]._page_box)
            kept = _opening_list(flow)
            kept = kept if kept is not None else _opening_panel(flow)
            if kept is not None:
                kept.set("class", f"{kept.get('class') or ''} {UNKEPT}".strip())
                moved = True
        for figure, image, height, scale in fits:
            if scale >= MIN_SCALE:
                style = image.get("style") or ""
                width = _WIDTH.search(style)
                if width is not None:
                    style = _WIDTH.sub(f"width: {float(width.group(1)) * scale:.4g}%", style, count=1)
                    image.set("style", f"{style}; max-height: {height * scale:.1f}px")
                    moved = True
            elif _move_after_next(html.etree_element, figure):
                moved = True
        if not moved:
            break
        # WeasyPrint reads the tree through cssselect2's wrappers, which hold each element's children once read
        wrapper = type(html.wrapper_element)
        html.wrapper_element = wrapper.from_html_root(html.etree_element, content_language=None)
        document = render()
    return document


def _move_after_next(root: Any, figure: Any) -> bool:
    """Put `figure` after the element that follows it, if that is a block of its section (not a heading, not the
    end of the section): whether it moved."""
    parent = next((p for p in root.iter() if any(child is figure for child in p)), None)
    if parent is None:
        return False
    children = list(parent)
    at = next(i for i, child in enumerate(children) if child is figure)
    if at + 1 >= len(children) or _tag(children[at + 1]) in (*_HEADINGS, "section"):
        return False
    following = children[at + 1]
    figure.tail, following.tail = following.tail, figure.tail
    parent.remove(figure)
    parent.insert(at + 1, figure)
    return True


def _tag(element: Any) -> str:
    return str(element.tag).rpartition("}")[2]


def _fit(document: Any, number: int) -> tuple[Any, Any, float, float] | None:
    """The figure that opens page `number + 1`, its image, its height and the scale that would fit it on page
    `number`, when that page is less than MIN_FULL full."""
    free = _free(document, number)
    if free is None:
        return None
    page, following = document.pages[number]._page_box, document.pages[number + 1]._page_box
    notes = [box for box in page.children if isinstance(box, FootnoteAreaBox) and box.children]
    opening = _opening_figure(_flow(following))
    if opening is None:
        return None
    figure, margin = opening
    image = next((box for box in _walk(figure) if isinstance(box, ReplacedBox)), None)
    if image is None or image.element is None or figure.element is None:
        return None
    # the figure and its headings, their margin at the top of a page dropped, and the footnotes it calls
    need = _bottom(figure) - following.content_box_y() + margin + _notes_of(figure, following, bool(notes))
    height = image.margin_height()
    scale = (free - ROOM - (need - height)) / height if height > 0 else 0.0
    return figure.element, image.element, height, min(scale, 0.98)


def _free(document: Any, number: int) -> float | None:
    """The height left free at the foot of page `number` (above its footnotes), when the page is less than
    MIN_FULL full; else None."""
    page = document.pages[number]._page_box
    top, bottom = page.content_box_y(), page.content_box_y() + page.height
    notes = [box for box in page.children if isinstance(box, FootnoteAreaBox) and box.children]
    foot = min((box.position_y for box in notes), default=bottom)
    used = max((_bottom(box) for box in _leaves(_flow(page))), default=top)
    free = foot - used
    return free if free >= (1 - MIN_FULL) * (bottom - top) else None


def _opening_list(flow: Any) -> Any | None:
    """The element of the list kept whole (of a section's prose, not yet UNKEPT) that the page's flow opens with,
    after headings only; None if the page opens otherwise."""
    for box, parent in _walk_with_parent(flow, None):
        if box.element_tag == "ul" and box.element is not None:
            section = parent.element if parent is not None else None
            kinds = set((section.get("class") or "").split()) if section is not None else set()
            if section is None or _tag(section) != "section" or kinds & {"caveats", "key-facts"}:
                return None
            return None if UNKEPT in (box.element.get("class") or "").split() else box.element
        if isinstance(box, LineBox | ReplacedBox) and box.element_tag not in _HEADINGS:
            return None
    return None


def _opening_panel(flow: Any) -> Any | None:
    """The element of the key-facts panel of fewer than four rows, not yet UNKEPT, that the page's flow opens with;
    None if the page opens otherwise."""
    for box in _walk(flow):
        element = box.element
        if (
            box.element_tag == "section"
            and element is not None
            and "key-facts" in (element.get("class") or "")
        ):
            rows = sum(1 for child in element.iter() if _tag(child) == "ul")
            return element if rows < 4 and UNKEPT not in (element.get("class") or "").split() else None
        if isinstance(box, LineBox | ReplacedBox):
            return None
    return None


def _walk_with_parent(box: Any, parent: Any) -> Iterator[tuple[Any, Any]]:
    """Each box under `box` with the box of its parent element (the box of another element above it)."""
    yield box, parent
    if isinstance(box, LineBox):
        return
    for child in getattr(box, "children", ()) or ():
        yield from _walk_with_parent(child, box if child.element is not box.element else parent)


def _opening_figure(flow: Any) -> tuple[Any, float] | None:
    """The box of the figure the page's flow opens with, after headings and BEFORE lines of text at most (a
    short block kept with it), and the top margin the page's top dropped (what it takes on the page before);
    None if the page opens otherwise."""
    figure, margin, before = None, 0.0, 0
    for box in _walk(flow):
        if box.element_tag == "figure" and figure is None:
            figure = box
        if isinstance(box, LineBox | ReplacedBox):
            if figure is not None:
                return figure, margin
            before += box.element_tag not in _HEADINGS and "::" not in box.element_tag  # not a list's bullet
            if before > BEFORE or isinstance(box, ReplacedBox):
                return None
        elif figure is None and box.style["margin_top"].unit == "px":
            margin = max(margin, float(box.style["margin_top"].value))
    return None


def _notes_of(figure: Any, page: Any, area: bool) -> float:
    """The height the footnotes `figure` calls take at the foot of `page`, with the footnote area's rule and
    padding when the page before has no footnote (`area` false)."""
    called = {
        id(box.footnote.element) for box in _every(figure) if getattr(box, "footnote", None) is not None
    }
    height = 0.0
    for box in page.children:
        if isinstance(box, FootnoteAreaBox) and box.children:
            notes = [note.margin_height() for note in box.children if id(note.element) in called]
            height += sum(notes)
            if notes and not area:
                height += box.margin_height() - sum(note.margin_height() for note in box.children)
    return height


def _flow(page: Any) -> Any:
    """The page's flow: its first child (the root element's box), not its margin boxes or footnote area."""
    return page.children[0]


def _bottom(box: Any) -> float:
    return float(box.position_y + box.margin_height())


def _leaves(box: Any) -> Iterator[Any]:
    """The lines and images of a page's flow."""
    return (b for b in _walk(box) if isinstance(b, LineBox | ReplacedBox))


def _every(box: Any) -> Iterator[Any]:
    """Every box under `box`, inside lines too."""
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _every(child)


def _walk(box: Any) -> Iterator[Any]:
    yield box
    if isinstance(box, LineBox):
        return
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)
