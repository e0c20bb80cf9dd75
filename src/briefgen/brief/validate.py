"""Turn located YAML data into a typed Brief, collecting every problem with its line and column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.brief.model import Brief, squash
from briefgen.brief.problems import problem_from
from briefgen.brief.read import Located, Path_, load_yaml
from briefgen.errors import InputError, Problem


@dataclass(frozen=True)
class LoadedBrief:
    """A valid brief, where it came from, and the text of its source when the brief ships one."""

    brief: Brief
    file: Path
    located: Located
    source_text: str | None


def load_brief(file: Path) -> LoadedBrief:
    """Load and validate one brief. Raises InputError listing every problem found."""
    located = load_yaml(file)
    problems = list(located.problems)
    data = located.data
    if not isinstance(data, dict):
        problems.append(located.problem((), "a brief is a mapping of keys (id, version, …)"))
        raise InputError(problems)
    source_text, source_problem = _read_source(file, located)
    if source_problem:
        problems.append(source_problem)
    try:
        brief = Brief.model_validate(data, context=_context(data, source_text))
    except ValidationError as exc:
        problems += [problem_from(located, err) for err in exc.errors()]
    if problems:
        raise InputError(problems)
    return LoadedBrief(brief, file, located, source_text)


def _read_source(file: Path, located: Located) -> tuple[str | None, Problem | None]:
    """The source text the brief names in `source.file`, if it names one."""
    source = located.data.get("source")
    name = source.get("file") if isinstance(source, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None, None
    try:
        return (file.parent / name).read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        return None, located.problem(("source", "file"), f"cannot read source file '{name}': {reason}")


def _context(data: dict[str, Any], source_text: str | None) -> dict[str, Any]:
    """What validators of each part need to know about the whole brief."""
    languages = data.get("languages")
    facts = data.get("facts")
    return {
        "languages": [x for x in languages if isinstance(x, str)] if isinstance(languages, list) else None,
        "facts": [k for k in facts if isinstance(k, str)] if isinstance(facts, dict) else None,
        "source_text": squash(source_text) if source_text is not None else None,
    }


# -- walking a valid brief -------------------------------------------------------------------------


def walk(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every value of a validated model with its data path (the path in the YAML file)."""
    yield path, node
    if isinstance(node, RootModel):
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if value is not None:
                yield from walk(value, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from walk(item, (*path, key))


__all__ = ["LoadedBrief", "load_brief", "walk"]
