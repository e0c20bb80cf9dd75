"""Walk the trees of a PDF that may be hostile (its page tree, name trees, outline, structure tree) within
limits: each object read once, no deeper than MAX_DEPTH levels, no more than MAX_NODES nodes a tree; what a walk
leaves out is said, never passed over in silence.

A PDF is a graph, not a tree: a node its parent names twice, or a child naming its ancestor, turns a naive
recursive walk into an exponential or endless one (a 4 KB file whose name tree names each node's child twice
takes 2^depth steps). These walks read an indirect object once however often it is named, and stop at the limits.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_DEPTH = 200  # levels of one tree: each dictionary and each array counts one
MAX_NODES = 200_000  # nodes of one tree (a name tree's entries count one each)
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")  # what a page takes from its page tree


class Stop(Exception):
    """A walk reached a limit: its tree is read up to there."""


class Walk:
    """One walk of one tree. `enter` gives each node to read once; the problems found go to `cut` (shared
    with the other walks of the same PDF): a node named again (`twice` is False: a tree names each once), a
    tree past MAX_DEPTH or MAX_NODES (then `enter` raises Stop, which `run` catches)."""

    def __init__(self, name: str, cut: list[str], twice: bool = False) -> None:
        self.name = name
        self.cut = cut
        self.twice = (
            twice  # whether naming a node again is normal (resources shared by pages): no problem then
        )
        self.seen: set[tuple[int, int]] = set()
        self.nodes = 0
        self._said: set[str] = set()

    def enter(self, node: Any, depth: int) -> Any:
        """The object `node` is (an indirect reference resolved), or None when it was read before."""
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in self.seen:
                if not self.twice:
                    self._say(
                        "twice",
                        f"{self.name} names object {node.idnum} {node.generation} R more than once (a shared or "
                        "cyclic node): read once",
                    )
                return None
            self.seen.add(key)
            node = node.get_object()
        if depth > MAX_DEPTH:
            self._say("deep", f"{self.name} is deeper than {MAX_DEPTH} levels: read down to there")
            raise Stop
        self.count()
        return node

    def count(self) -> None:
        """Count a node that is not entered (an entry of a name tree's /Names)."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._say("large", f"{self.name} has more than {MAX_NODES} nodes: read up to there")
            raise Stop

    def _say(self, kind: str, message: str) -> None:
        if kind not in self._said:
            self._said.add(kind)
            self.cut.append(message)


def pages(reader: PdfReader, root: DictionaryObject, cut: list[str]) -> list[PageObject]:
    """The pages of the page tree in order, each with what it inherits from the nodes above it."""
    walk = Walk("the page tree", cut)
    found: list[PageObject] = []

    def visit(ref: Any, inherited: dict[str, Any], depth: int) -> None:
        node = walk.enter(ref, depth)
        if not isinstance(node, DictionaryObject):
            return
        kids = node.get("/Kids")
        if node.get("/Type") == "/Pages" or (kids is not None and node.get("/Type") != "/Page"):
            passed = {**inherited, **{key: node.raw_get(key) for key in _INHERITED if key in node}}
            raw = node.raw_get("/Kids") if "/Kids" in node else None
            kids = walk.enter(raw, depth + 1) if isinstance(raw, IndirectObject) else raw
            for kid in kids if isinstance(kids, ArrayObject) else ():
                visit(kid, passed, depth + 1)
            return
        page = PageObject(reader, ref if isinstance(ref, IndirectObject) else None)
        if not isinstance(ref, IndirectObject):
            page.update(node)
        for key, value in inherited.items():
            if key not in page:
                page[NameObject(key)] = value
        found.append(page)

    run(visit, root.raw_get("/Pages") if "/Pages" in root else None, {}, 0)
    return found


def name_tree(tree: Any, name: str, cut: list[str]) -> list[tuple[Any, Any]]:
    """The (key, value) entries of a name tree, in order; keys and values as they are in the file."""
    walk = Walk(name, cut)
    found: list[tuple[Any, Any]] = []

    def visit(ref: Any, depth: int) -> None:
        node = walk.enter(ref, depth)
        if not isinstance(node, DictionaryObject):
            return
        names = walk.enter(node.raw_get("/Names"), depth + 1) if "/Names" in node else None
        if isinstance(names, ArrayObject):
            for index in range(0, len(names) - 1, 2):
                walk.count()
                found.append((names[index], names[index + 1]))
        kids = walk.enter(node.raw_get("/Kids"), depth + 1) if "/Kids" in node else None
        for kid in kids if isinstance(kids, ArrayObject) else ():
            visit(kid, depth + 1)

    run(visit, tree, 0)
    return found


def outline(root: DictionaryObject, cut: list[str]) -> list[tuple[int, Any]]:
    """Each outline item (level from 1, its dictionary), in order."""
    walk = Walk("the outline", cut)
    found: list[tuple[int, Any]] = []

    def visit(ref: Any, level: int) -> None:
        while ref is not None:
            item = walk.enter(ref, level)
            if not isinstance(item, DictionaryObject):
                return
            found.append((level, item))
            if "/First" in item:
                visit(item.raw_get("/First"), level + 1)
            ref = item.raw_get("/Next") if "/Next" in item else None

    top = root.get("/Outlines")
    top = top.get_object() if top is not None else None
    if isinstance(top, DictionaryObject) and "/First" in top:
        run(visit, top.raw_get("/First"), 1)
    return found


def run(visit: Any, *args: Any) -> None:
    """Call a walk's first `visit`; a limit reached stops it, keeping what it read."""
    with suppress(Stop):
        visit(*args)


__all__ = ["MAX_DEPTH", "MAX_NODES", "Stop", "Walk", "name_tree", "outline", "pages", "run"]
