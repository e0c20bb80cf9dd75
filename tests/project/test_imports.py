"""The import graph of src/briefgen, read with `ast`: no circle, and no import back up the pipeline.

Every `import` and `from … import` counts, at module level or inside a function, except those under
`if TYPE_CHECKING:` (never run). The pipeline runs brief/ → language/ → themes/ → document/ → backends/: a module
may import from its own stage or an earlier one, never a later one. Modules at the package's root are not in a
stage. `python tests/project/test_imports.py` prints the circles and the upward imports it finds.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "briefgen"
STAGES = ("brief", "language", "themes", "document", "backends")
# The circles the package is known to hold: none. A new one fails test_no_import_circle.
KNOWN_CIRCLES: list[list[str]] = []


def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements under `node`, at any depth, skipping the body of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _import_nodes(child)


def _imported(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The package's modules that `module` imports, each with the line of the import."""
    is_package = path.name == "__init__.py"
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from a import b` imports the module a.b when there is one, else a name of a
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            while target and target not in known and "." in target:
                target = target.rsplit(".", 1)[0]  # `import a.b.c` of a name: the module that holds it
            if target in known and target != module:
                yield target, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """For each module, the modules it imports, each with the line of its first import there."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for target, line in _imported(module, path, known):
            edges.setdefault(target, line)
    return graph


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each holds at least one import circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def stage(module: str) -> int | None:
    """The module's place in the pipeline, or None for a module at the package's root."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def upward(graph: dict[str, dict[str, int]]) -> list[str]:
    """Every import of a later stage by an earlier one, as `module:line -> imported`."""
    found = []
    for module, edges in sorted(graph.items()):
        for target, line in sorted(edges.items()):
            here, there = stage(module), stage(target)
            if here is not None and there is not None and there > here:
                found.append(f"{module}:{line} -> {target}")
    return found


def test_the_reader_finds_the_package_imports() -> None:
    """The graph holds imports the package is known to make (so an empty graph cannot pass the tests below)."""
    graph = import_graph()
    assert len(graph) > 50
    assert "briefgen.errors" in graph["briefgen.brief.read"]
    assert "briefgen.brief.model" in graph["briefgen.brief.validate"]


def test_reader_sees_imports_in_functions_but_not_under_type_checking(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from briefgen.backends import markup\n"
        "def f():\n    from briefgen.document import view\n"
        "from . import text\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    known = {"briefgen.backends.markup", "briefgen.document.view", "briefgen.brief.text", "briefgen.brief.x"}
    found = dict(_imported("briefgen.brief.x", path, known))
    assert found == {"briefgen.document.view": 5, "briefgen.brief.text": 6}


def test_circles_and_upward_imports_are_found_in_a_made_graph() -> None:
    graph = {
        "briefgen.brief.a": {"briefgen.document.b": 3},
        "briefgen.document.b": {"briefgen.brief.a": 7},
        "briefgen.errors": {},
    }
    assert circles(graph) == [["briefgen.brief.a", "briefgen.document.b"]]
    assert upward(graph) == ["briefgen.brief.a:3 -> briefgen.document.b"]


def test_no_import_circle() -> None:
    assert circles(import_graph()) == KNOWN_CIRCLES


def test_no_import_up_the_pipeline() -> None:
    assert upward(import_graph()) == []


if __name__ == "__main__":
    graph = import_graph()
    found_circles, found_upward = circles(graph), upward(graph)
    for group in found_circles:
        print("circle:", " ".join(group))
    for line in found_upward:
        print("upward:", line)
    print(f"{len(found_circles)} circles, {len(found_upward)} upward imports")
    sys.exit(1 if found_circles != KNOWN_CIRCLES or found_upward else 0)
