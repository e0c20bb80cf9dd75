"""Take WeasyPrint 70's structure tree and what each page painted; give the tree PDF/UA-1 asks for.

WeasyPrint tags every box it paints. briefgen's finisher then changes four things, on the PDF's objects:
- what repeats on every page (the margin boxes: running header and footer, classification banner, draft
  watermark), a decorative image (`alt=""`) and a leader (the dots of a table of contents) become artifacts:
  `/Artifact` marked content, out of the structure tree (WeasyPrint 70 tags margin boxes, and keeps only their
  elements out of the tree: a reader that follows the page's marked content still reads them);
- an item of a description list (`<div><dt>…</dt><dd>…</dd></div>` in a `<dl>`), which WeasyPrint tags
  L → Div → LI → LBody twice, becomes one LI: the term its Lbl, the description its LBody;
- a link's line holds one link annotation, the child of its Link element (WeasyPrint gives each box inside
  the `<a>` another one, on a Span or a nested Link), and the lines of one link are one Link element;
- an element whose text is all in another language than the document's gets its `/Lang`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import EngineError

ARTIFACT = "/Artifact"


@dataclass
class Page:
    """One page as WeasyPrint painted it: the marked-content id of each box it tagged, the boxes that are to be
    artifacts, and the boxes inside a description list's term."""

    marks: dict[Any, int] = field(default_factory=dict)
    artifacts: set[Any] = field(default_factory=set)
    terms: set[Any] = field(default_factory=set)


def sort_boxes(page_box: Any) -> Page:
    """The artifacts and the terms among the boxes of a laid-out page (`Page.marks` is filled as it is painted)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    page = Page()
    stack = [(page_box, False, False)]
    while stack:
        box, artifact, term = stack.pop()
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        element = getattr(box, "element", None)
        artifact = artifact or isinstance(box, boxes.MarginBox) or box.is_leader
        artifact = artifact or (
            isinstance(box, boxes.ReplacedBox) and element is not None and element.get("alt") == ""
        )
        term = term or (element is not None and box.element_tag == "dt")
        if artifact:
            page.artifacts.add(box)
        if term:
            page.terms.add(box)
        if isinstance(box, boxes.ParentBox):
            stack.extend((child, artifact, term) for child in box.all_children())
    return page


class Tree:
    """The structure tree of a PDF WeasyPrint is about to write, and its parent tree."""

    def __init__(self, pdf: Any, pages: list[Page]) -> None:
        if "StructTreeRoot" not in pdf.catalog or len(pages) != len(pdf.page_references):
            raise EngineError("weasyprint: the tagged PDF has no structure tree, or pages went unpainted")
        self.pdf = pdf
        self.pages = pages
        root = self.get(pdf.catalog["StructTreeRoot"])
        self.document = self.get(root["K"][0])
        self.nums = self.get(root["ParentTree"])["Nums"]
        self.page_numbers = {ref: number for number, ref in enumerate(pdf.page_references)}
        self.by_mcid = [{mcid: box for box, mcid in page.marks.items()} for page in pages]
        for number, page in enumerate(pages):
            if len(self.marked(number)) != len(page.marks):
                raise EngineError(f"weasyprint: page {number + 1}'s marked content and its tags disagree")

    def get(self, reference: Any) -> Any:
        return self.pdf.objects[int(reference.split()[0])]

    def marked(self, page: int) -> Any:
        """The page's array of the parent tree: its marked-content id → the element that holds it."""
        index = self.nums.index(page)  # pages come first, their keys 0 … n-1
        return self.nums[index + 1]

    def elements(self, element: Any) -> Iterator[Any]:
        """The structure elements under `element`, depth first, in reading order."""
        for kid in list(element["K"]):
            if isinstance(kid, bytes):
                found = self.get(kid)
                if found.get("Type") == "/StructElem":
                    yield found
                    yield from self.elements(found)

    def boxes(self, element: Any) -> Iterator[Any]:
        """The painted boxes under `element`."""
        number = self.page_numbers.get(element.get("Pg"))
        for kid in element["K"]:
            if isinstance(kid, int) and number is not None:
                yield self.box(number, kid)
            elif isinstance(kid, bytes) and self.get(kid).get("Type") == "/StructElem":
                yield from self.boxes(self.get(kid))

    def box(self, page: int, mcid: int) -> Any:
        return self.by_mcid[page].get(mcid)

    def detach(self, element: Any) -> None:
        """Take `element` out of its parent's kids and empty it; a parent left empty goes too."""
        parent = self.get(element["P"])
        if element.reference in parent.get("K", ()):
            parent["K"].remove(element.reference)
        element.clear()
        if parent is not self.document and parent.get("Type") == "/StructElem" and not parent["K"]:
            self.detach(parent)


def finish(document: Any, pdf: Any, pages: list[Page]) -> None:
    """Rework the structure tree WeasyPrint wrote into `pdf` (its objects, before they are written)."""
    tree = Tree(pdf, pages)
    _description_lists(tree)
    _links(tree)
    _languages(tree, (document.metadata.lang or "").casefold())
    _artifacts(tree)


def _description_lists(tree: Tree) -> None:
    """L → Div → (LI → LBody)… becomes L → LI → Lbl (the term), LBody (the description)."""
    for element in list(tree.elements(tree.document)):
        if element.get("S") != "/L":
            continue
        for reference in element["K"]:
            item = tree.get(reference) if isinstance(reference, bytes) else None
            if item is None or item.get("S") != "/Div":
                continue
            kids = []
            for wrapper_reference in item["K"]:
                wrapper = tree.get(wrapper_reference) if isinstance(wrapper_reference, bytes) else None
                if wrapper is None or wrapper.get("S") != "/LI":
                    kids.append(wrapper_reference)
                    continue
                for part_reference in wrapper["K"]:
                    part = tree.get(part_reference) if isinstance(part_reference, bytes) else None
                    if part is None or part.get("Type") != "/StructElem":
                        kids.append(part_reference)
                        continue
                    part["P"] = item.reference
                    if part.get("S") == "/LBody" and any(
                        box in tree.pages[tree.page_numbers[part["Pg"]]].terms for box in tree.boxes(part)
                    ):
                        part["S"] = "/Lbl"
                    kids.append(part_reference)
                wrapper.clear()
            item["S"] = "/LI"
            item["K"][:] = kids


def _annotations(tree: Tree, element: Any) -> list[tuple[Any, Any]]:
    """(OBJR, annotation) of each annotation `element` holds."""
    found = []
    for kid in element["K"]:
        if isinstance(kid, bytes):
            target = tree.get(kid)
            if target.get("Type") == "/OBJR":
                found.append((target, tree.get(target["Obj"])))
    return found


def _links(tree: Tree) -> None:
    """One link annotation on each line of a link, held by its Link element; a link's lines in one element.

    WeasyPrint gives every box inside an `<a>` (a span, the `::after` of a table of contents' entry) the link
    again, with its own annotation over the same line: inside a Link, that element is a Span of the Link's text,
    and its annotation goes."""
    for element in list(tree.elements(tree.document)):
        if not element:
            continue
        annotations = [(o, a) for o, a in _annotations(tree, element) if a.get("Subtype") == "/Link"]
        if not annotations:
            continue
        if _inside_link(tree, tree.get(element["P"])):
            for objr, annotation in annotations:
                _drop_annotation(tree, element, objr, annotation)
            if element.get("S") == "/Link":
                element["S"] = "/Span"
        else:
            element["S"] = "/Link"
    for element in list(tree.elements(tree.document)):
        if element:
            _join_lines(tree, element)


def _inside_link(tree: Tree, element: Any) -> bool:
    """Whether `element` is a Link or inside one."""
    while element.get("Type") == "/StructElem":
        if element.get("S") == "/Link":
            return True
        element = tree.get(element["P"])
    return False


def _drop_annotation(tree: Tree, element: Any, objr: Any, annotation: Any) -> None:
    """A second annotation over a line of a link, on an element inside the Link: the Link's stays."""
    element["K"].remove(objr.reference)
    page = tree.get(objr["Pg"])
    page["Annots"].remove(annotation.reference)
    index = tree.nums.index(annotation["StructParent"])
    del tree.nums[index : index + 2]
    objr.clear()
    annotation.clear()


def _target(annotation: Any) -> bytes | None:
    contents = annotation.get("Contents")
    return contents.data if contents is not None else None


def _join_lines(tree: Tree, parent: Any) -> None:
    """Link elements side by side with the same target are the lines of one link: one element holds them."""
    kids = parent["K"]
    index = 0
    while index + 1 < len(kids):
        first, second = (tree.get(k) if isinstance(k, bytes) else None for k in kids[index : index + 2])
        if not (first and second and first.get("S") == second.get("S") == "/Link"):
            index += 1
            continue
        targets = {_target(a) for _, a in _annotations(tree, first) + _annotations(tree, second)}
        if len(targets) != 1 or None in targets or first.get("Pg") != second.get("Pg"):
            index += 1
            continue
        marked = tree.marked(tree.page_numbers[first["Pg"]])
        for kid in second["K"]:
            if isinstance(kid, int):
                marked[kid] = first.reference
            else:
                target = tree.get(kid)
                if target.get("Type") == "/OBJR":
                    key = tree.get(target["Obj"])["StructParent"]
                    tree.nums[tree.nums.index(key) + 1] = first.reference
                else:
                    target["P"] = first.reference
            first["K"].append(kid)
        del kids[index + 1]
        second.clear()


def _languages(tree: Tree, main: str) -> None:
    """`/Lang` on every structure element whose text is all in another language than the document's."""
    import pydyf  # type: ignore[import-untyped]

    found: dict[int, tuple[Any, set[str]]] = {}  # element's number → it, the languages of its marked content
    for number, page in enumerate(tree.pages):
        marked = tree.marked(number)
        for box, mcid in page.marks.items():
            element = tree.get(marked[mcid])
            found.setdefault(element.number, (element, set()))[1].add(box.style["lang"] or main)
    for element, languages in found.values():
        if len(languages) == 1 and (lang := next(iter(languages))).casefold() != main and element:
            element["Lang"] = pydyf.String(lang)


def _artifacts(tree: Tree) -> None:
    """Each page's artifacts painted as `/Artifact` marked content, out of the structure tree; the other
    marked-content ids of the page numbered again from 0."""
    operators = _marked_content(tree.pdf)
    for number, page in enumerate(tree.pages):
        marked = tree.marked(number)
        dropped = {mcid for box, mcid in page.marks.items() if box in page.artifacts}
        kept = [mcid for mcid in range(len(marked)) if mcid not in dropped]
        renumbered = {old: new for new, old in enumerate(kept)}
        holders = {tree.get(marked[mcid]).number: tree.get(marked[mcid]) for mcid in range(len(marked))}
        seen: set[int] = set()
        for stream, items in operators.get(number, []):
            stream.stream[:] = _rewritten(items, dropped, renumbered, seen)
        if seen != set(range(len(marked))):
            raise EngineError(f"weasyprint: page {number + 1}'s marked content is not all in its streams")
        for element in holders.values():
            if element.get("Type") != "/StructElem":
                continue
            element["K"][:] = [
                renumbered[kid] if isinstance(kid, int) else kid
                for kid in element["K"]
                if not (isinstance(kid, int) and kid in dropped)
            ]
            if not element["K"]:
                tree.detach(element)
        marked[:] = [marked[mcid] for mcid in kept]
        page.marks = {box: renumbered[mcid] for box, mcid in page.marks.items() if mcid in renumbered}


def _marked_content(pdf: Any) -> dict[int, list[tuple[Any, list[Any]]]]:
    """The streams WeasyPrint painted each page with (its content, and the groups and patterns drawn in it)."""
    import pydyf

    def get(reference: Any) -> Any:
        return pdf.objects[int(reference.split()[0])]

    pages = {id(get(get(ref)["Contents"])._tags): n for n, ref in enumerate(pdf.page_references)}
    found: dict[int, list[tuple[Any, list[Any]]]] = {}
    for item in pdf.objects:
        tags = getattr(item, "_tags", None)
        if isinstance(item, pydyf.Stream) and tags is not None and id(tags) in pages:
            found.setdefault(pages[id(tags)], []).append((item, list(item.stream)))
    return found


def _rewritten(items: list[Any], dropped: set[int], renumbered: dict[int, int], seen: set[int]) -> list[Any]:
    """A stream's operators with `/Tag <</MCID n>> BDC` as `/Artifact BMC` for n in `dropped`, other ids
    renumbered; each id found is added to `seen`."""
    import pydyf

    out: list[Any] = []
    index = 0
    while index < len(items):
        item = items[index]
        if (
            isinstance(item, pydyf.Dictionary)
            and "MCID" in item
            and index + 1 < len(items)
            and items[index + 1] == b"BDC"
        ):
            mcid = item["MCID"]
            seen.add(mcid)
            if mcid in dropped:
                if not (out and isinstance(out[-1], str) and out[-1].startswith("/")):
                    raise EngineError("weasyprint: a marked-content id is written without its tag")
                out[-1] = ARTIFACT  # the tag's name, written just before
                out.append(b"BMC")
                index += 2
                continue
            item["MCID"] = renumbered[mcid]
        out.append(item)
        index += 1
    return out
