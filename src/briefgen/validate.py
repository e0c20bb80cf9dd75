"""Turn located YAML data into a typed Brief, collecting every problem with its line and column."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.errors import InputError, Problem
from briefgen.load import Located, Path_, load_yaml
from briefgen.model import Brief, squash

BRIEF_NAMES = ("brief.yaml", "brief.yml")
CUSTOM = {
    "translated",
    "lang_missing",
    "unknown_fact",
    "fact_style",
    "fact_ref",
    "excerpt",
    "block_kind",
    "lang_twice",
}


@dataclass(frozen=True)
class LoadedBrief:
    """A valid brief, where it came from, and the text of its source when the brief ships one."""

    brief: Brief
    file: Path
    located: Located
    source_text: str | None


def find_briefs(paths: list[Path]) -> list[Path]:
    """Brief files named by `paths`: files as given; folders searched for `*.yaml` and `*/brief.yaml`."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            if any((path / name).is_file() for name in BRIEF_NAMES):
                found += [path / n for n in BRIEF_NAMES if (path / n).is_file()]
                continue
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix in (".yaml", ".yml"):
                    found.append(child)
                elif child.is_dir():
                    found += [child / n for n in BRIEF_NAMES if (child / n).is_file()]
        elif path.exists():
            found.append(path)
    return found


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
        problems += [_problem_from(located, err) for err in exc.errors()]
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


# -- pydantic errors -------------------------------------------------------------------------------


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _options(annotation: Any) -> list[Any]:
    annotation = _strip(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [_strip(a) for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _resolve(loc: tuple[Any, ...]) -> tuple[Path_, type[BaseModel] | None]:
    """Map a pydantic error location to the data path, and the model that holds the last key."""
    path: list[Any] = []
    current: Any = Brief
    owner: type[BaseModel] | None = Brief
    items = list(loc)
    while items:
        step = items.pop(0)
        options = _options(current)
        models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
        tagged = {
            typing.get_args(_strip(m.model_fields["type"].annotation))[0]: m
            for m in models
            if "type" in m.model_fields
        }
        if len(models) > 1 and step in tagged:
            current = tagged[step]
            continue
        model = next((m for m in models if not issubclass(m, RootModel)), None)
        root = next((m for m in models if issubclass(m, RootModel)), None)
        if root is not None and model is None:
            current = root.model_fields["root"].annotation
            items.insert(0, step)
            continue
        path.append(step)
        owner = model
        if model is not None and isinstance(step, str) and step in model.model_fields:
            current = model.model_fields[step].annotation
            continue
        container = next((o for o in options if typing.get_origin(o) in (list, dict)), None)
        if container is not None:
            current = typing.get_args(container)[-1]
            owner = None
            continue
        current = None
    return tuple(path), owner


def _problem_from(located: Located, err: dict[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    path, owner = _resolve(loc)
    kind = err["type"]
    name = str(path[-1]) if path else "brief"
    if "[key]" in path:
        index = path.index("[key]")
        key = path[index - 1]
        return located.problem(
            path[:index], f"'{key}' is not a language code (like fr or en-GB)", at_key=True
        )
    if kind == "lang_undeclared":
        return located.problem((*path, err["ctx"]["lang"]), err["msg"], at_key=True)
    if kind in CUSTOM:
        lang = err.get("ctx", {}).get("lang")
        return located.problem((*path, lang) if lang else path, err["msg"])
    if kind == "extra_forbidden":
        message = f"unknown key '{name}'"
        if owner is not None:
            close = difflib.get_close_matches(name, list(owner.model_fields), n=1, cutoff=0.6)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            else:
                message += f"; expected one of: {', '.join(owner.model_fields)}"
        return located.problem(path, message, at_key=True)
    if kind == "missing":
        parent = path[:-1]
        where = f" in '{parent[-1]}'" if parent else ""
        return located.problem(parent, f"missing required key '{name}'{where}")
    if kind in ("string_too_short", "too_short") or (
        err.get("input") is None and kind in ("string_type", "dict_type", "list_type", "model_type")
    ):
        return located.problem(path, f"'{name}' must not be empty")
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        hint = {
            r"^[a-z0-9]+(-[a-z0-9]+)*$": "kebab-case, like 'kyutai-launch'",
            r"^[a-z][a-z0-9_]*$": "snake_case, like 'budget_total'",
            r"^[A-Z]{3}$": "an ISO 4217 code, like 'EUR'",
        }.get(pattern, f"matching {pattern}")
        return located.problem(path, f"'{name}': {err['input']!r} is not {hint}")
    if kind == "string_type" and isinstance(err.get("input"), int | float):
        return located.problem(path, f"'{name}' must be a string (quote it: \"{err['input']}\")")
    if kind == "union_tag_invalid":
        return located.problem((*path, "type"), f"unknown fact type: {err['msg'].split(':')[-1].strip()}")
    if kind == "union_tag_not_found":
        return located.problem(path, "a fact needs a 'type' (money, count, date, place, …)")
    return located.problem(path, f"'{name}': {err['msg'][0].lower()}{err['msg'][1:]}")


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


__all__ = ["LoadedBrief", "find_briefs", "load_brief", "walk"]
