"""Turn located YAML data into a typed Brief, collecting every problem with its line and column."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.errors import InputError, Problem
from briefgen.load import Located, Path_, load_yaml
from briefgen.model import Block, Brief, Localised, LocalisedList

FACT_REF = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?::\s*([a-z]+)\s*)?\}\}")
FACT_STYLES = {"", "compact", "long", "short"}
BRIEF_NAMES = ("brief.yaml", "brief.yml")


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
        else:
            found.append(path)
    return found


def load_brief(file: Path) -> LoadedBrief:
    """Load and validate one brief. Raises InputError listing every problem found."""
    located = load_yaml(file)
    problems = list(located.problems)
    if not isinstance(located.data, dict):
        problems.append(located.problem((), "a brief is a mapping of keys (id, version, …)"))
        raise InputError(problems)
    try:
        brief = Brief.model_validate(located.data)
    except ValidationError as exc:
        problems += [_problem_from(located, err) for err in exc.errors()]
        raise InputError(problems) from None
    source_text = None
    if brief.source.file:
        source_file = file.parent / brief.source.file
        try:
            source_text = source_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(
                located.problem(("source", "file"), f"cannot read source file '{brief.source.file}'")
            )
    problems += _check_semantics(brief, located, source_text)
    if problems:
        raise InputError(problems)
    return LoadedBrief(brief, file, located, source_text)


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


# -- checks that need the whole brief --------------------------------------------------------------


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


def _check_semantics(brief: Brief, located: Located, source_text: str | None) -> list[Problem]:
    problems: list[Problem] = []
    declared = brief.languages
    seen: set[str] = set()
    for i, lang in enumerate(declared):
        if lang in seen:
            problems.append(located.problem(("languages", i), f"language '{lang}' is listed twice"))
        seen.add(lang)
    normalised_source = _squash(source_text) if source_text is not None else None
    for path, node in walk(brief):
        if isinstance(node, Localised | LocalisedList):
            for lang in declared:
                if lang not in node.root:
                    problems.append(
                        located.problem(path, f"missing '{lang}' text (languages: {', '.join(declared)})")
                    )
            for lang in node.root:
                if lang not in declared:
                    problems.append(
                        located.problem(
                            (*path, lang), f"language '{lang}' is not declared in 'languages'", at_key=True
                        )
                    )
            if isinstance(node, Localised):
                for lang, text in node.root.items():
                    problems += _check_refs(brief, located, (*path, lang), text)
        elif isinstance(node, Block) and (node.text is None) == (node.items is None):
            problems.append(
                located.problem(path, "a block holds either 'text' or 'items', not both or neither")
            )
        is_excerpt = isinstance(node, str) and _is_excerpt(path)
        if is_excerpt and normalised_source is not None and _squash(node) not in normalised_source:
            problems.append(located.problem(path, "excerpt not found word for word in the source file"))
    for i, fact_id in enumerate(brief.key_facts):
        if fact_id not in brief.facts:
            problems.append(located.problem(("key_facts", i), _unknown_fact(brief, fact_id)))
    return problems


def _is_excerpt(path: Path_) -> bool:
    return bool(path) and (path[-1] in ("basis", "quote") or (len(path) > 1 and path[-2] == "basis"))


def _squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _unknown_fact(brief: Brief, fact_id: str) -> str:
    message = f"unknown fact '{fact_id}'"
    close = difflib.get_close_matches(fact_id, list(brief.facts), n=1, cutoff=0.6)
    return message + (f" (did you mean '{close[0]}'?)" if close else "")


def _check_refs(brief: Brief, located: Located, path: Path_, text: str) -> list[Problem]:
    problems = []
    for match in FACT_REF.finditer(text):
        fact_id, style = match.group(1), match.group(2) or ""
        if fact_id not in brief.facts:
            problems.append(located.problem(path, _unknown_fact(brief, fact_id)))
        elif style not in FACT_STYLES:
            styles = ", ".join(sorted(s for s in FACT_STYLES if s))
            problems.append(located.problem(path, f"unknown style ':{style}' for '{fact_id}' ({styles})"))
    if "{{" in FACT_REF.sub("", text):
        problems.append(located.problem(path, "'{{' opens no fact reference (write {{fact_id}})"))
    return problems


__all__ = ["LoadedBrief", "find_briefs", "load_brief", "load_yaml", "walk"]
