"""Turn located YAML data into a typed Brief, collecting every problem with its line and column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.brief import limits, model
from briefgen.brief.model import FACT_REF, Brief, Localised, squash
from briefgen.brief.problems import problem_from
from briefgen.brief.read import Located, Path_, Unreadable, decode, load_yaml, read_bytes, shown
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
    else:
        problems += _filled_lengths(brief, located)
    if problems:
        raise InputError(problems)
    return LoadedBrief(brief, file, located, source_text)


def _read_source(file: Path, located: Located) -> tuple[str | None, Problem | None]:
    """The source text the brief names in `source.file`, if it names one: a file in the brief's folder."""
    source = located.data.get("source")
    name = source.get("file") if isinstance(source, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None, None
    name = name.strip()
    try:
        return decode(read_bytes(_confined(file.parent, name), limits.MAX_SOURCE_BYTES)), None
    except Unreadable as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.line else ""
        message = f"cannot read source file '{shown(name)}': {exc.reason}{where}"
        return None, located.problem(("source", "file"), message)


def _confined(folder: Path, name: str) -> Path:
    """The file `name` inside `folder`, symbolic links followed. Raises Unreadable for a path that leaves it."""
    relative = PurePath(name)
    if relative.is_absolute() or relative.drive or relative.anchor:
        raise Unreadable("an absolute path; name a file in the brief's folder")
    if ".." in relative.parts:
        raise Unreadable("'..' leaves the brief's folder; name a file in it")
    root = folder.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise Unreadable("a loop of symbolic links") from None
    if not target.is_relative_to(root):
        raise Unreadable("a symbolic link out of the brief's folder; copy the file into it")
    return target


def _filled_lengths(brief: Brief, located: Located) -> list[Problem]:
    """Texts within the limits once their facts are filled in: one text, and all the texts of a language."""
    sizes: dict[str, int] = {}
    for fact_id in brief.facts:
        _fact_size(fact_id, brief.facts, sizes)
    totals: Counter[str] = Counter()
    problems: list[Problem] = []
    for path, node in walk(brief):
        if not isinstance(node, Localised):
            continue
        for lang, text in node.root.items():
            size = len(text) + sum(sizes.get(m.group(1), 0) - len(m.group()) for m in FACT_REF.finditer(text))
            if size > limits.MAX_TEXT:
                message = f"'{lang}' is longer than {limits.MAX_TEXT} characters with its facts filled in"
                problems.append(located.problem((*path, lang), message))
            totals[lang] += size
            if totals[lang] > limits.MAX_FILLED >= totals[lang] - size:
                problems.append(
                    located.problem(
                        (*path, lang),
                        f"the texts in '{lang}' pass {limits.MAX_FILLED} characters here, with their facts "
                        "filled in (the limit for a brief)",
                    )
                )
    return problems


def _fact_size(fact_id: str, facts: dict[str, model.Fact], sizes: dict[str, int]) -> int:
    """An upper estimate of the length of a fact's value as prose shows it (groups are bounded and acyclic)."""
    if fact_id not in sizes:
        fact = facts[fact_id]
        if isinstance(fact, model.Group):
            sizes[fact_id] = sum(_fact_size(m, facts, sizes) + 5 for m in fact.members)
        else:
            sizes[fact_id] = len(getattr(fact, "name", "")) or 40
    return sizes[fact_id]


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
