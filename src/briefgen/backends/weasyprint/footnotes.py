"""Take a laid-out WeasyPrint document; give it again with each footnote on the page of its call.

When a paragraph's line at a page foot cannot move to the next page without breaking the paragraph's `orphans`,
WeasyPrint makes room for it by moving the page's last footnotes to the next page, away from their calls
(its `footnote-policy` applies only to the line that holds the call). A typesetter would move that paragraph
instead: `keep_notes_with_calls` finds the paragraph split at the foot of each such page, raises its `orphans`
above the lines it left there (so the whole paragraph goes to the next page, and no footnote has to make room for
it), and lays the document out again, until every footnote is on its call's page or no such paragraph is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

PASSES = 3  # layouts after the first at most: each moves at least one paragraph


def keep_notes_with_calls(html: Any, render: Callable[[], Any]) -> Any:
    """`render()` (WeasyPrint's layout of `html`), again while a footnote is on a page after its call's."""
    document = render()
    for _ in range(PASSES):
        moved = [_split_at_foot(document, page) for page in _pages_of_moved_notes(document)]
        held = [(element, lines) for element, lines in moved if element is not None]
        if not held:
            break
        for element, lines in held:
            style = element.get("style")
            element.set("style", f"{style}; orphans: {lines + 1}" if style else f"orphans: {lines + 1}")
        document = render()
    return document


def _pages_of_moved_notes(document: Any) -> list[int]:
    """The pages (from 0) holding the call of a footnote that is printed on a later page."""
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for area in page._page_box.children:
            if isinstance(area, FootnoteAreaBox):
                for box in area.children:
                    note_page.setdefault(id(box.element), number)
            else:
                for box in _walk(area):
                    if getattr(box, "footnote", None) is not None:
                        call_page.setdefault(id(box.footnote.element), number)
    return sorted({page for note, page in call_page.items() if note_page.get(note, page) > page})


def _split_at_foot(document: Any, page: int) -> tuple[Any, int]:
    """The element of the paragraph that ends `page` and goes on to the next page, and its lines on `page`; no
    element when the page does not end inside a paragraph."""
    if page + 1 >= len(document.pages):
        return None, 0
    lines = [box for box in _walk(document.pages[page]._page_box.children[0]) if _is_line(box)]
    if not lines:
        return None, 0
    element = lines[-1].element
    following = document.pages[page + 1]._page_box.children[0]
    if element is None or not any(_is_line(box) and box.element is element for box in _walk(following)):
        return None, 0
    return element, sum(1 for box in lines if box.element is element)


def _is_line(box: Any) -> bool:
    return isinstance(box, LineBox)


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)
