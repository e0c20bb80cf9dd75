"""Translate pydantic's validation errors into located problems a brief's author can act on."""

from __future__ import annotations

import difflib
import re
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, RootModel

from briefgen.brief.model import CELL_TAGS, Brief
from briefgen.brief.read import Located, Path_, shown
from briefgen.brief.text import EXCERPT_TAGS, Cited
from briefgen.errors import Problem

CUSTOM = {
    "translated",
    "lang_missing",
    "unknown_fact",
    "fact_style",
    "fact_ref",
    "excerpt",
    "block_kind",
    "lang_twice",
    "link_scheme",
    "markup",
    "source_ref",
    "cell_number",
    "figure_format",
    "flag_quote",
    "sources",
    "figure_file",
}
# Keys one field is often written as, for a "did you mean" that spelling alone would not find.
SYNONYMS = {
    "value": ("amount", "percent", "date", "name"),
    "amount": ("value",),
    "number": ("value", "amount"),
    "count": ("value",),
    "text": ("quote", "items"),
    "excerpt": ("quote", "basis"),
    "excerpts": ("basis",),
    "source": ("sources",),
    "publication": ("outlet",),
    "published": ("date",),
    "description": ("note", "role", "label"),
    "title": ("label", "caption"),
    "caption": ("title",),
    "image": ("file",),
    "path": ("file",),
    "src": ("file",),
}
_DATE_ERRORS = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _options(annotation: Any) -> list[Any]:
    annotation = _strip(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [_strip(a) for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _resolve(loc: tuple[Any, ...], top: type[BaseModel] = Brief) -> tuple[Path_, type[BaseModel] | None]:
    """Map a pydantic error location to the data path, and the model that holds the last key."""
    path: list[Any] = []
    current: Any = top
    owner: type[BaseModel] | None = top
    items = list(loc)
    while items:
        step = items.pop(0)
        options = _options(current)
        if step in EXCERPT_TAGS and Cited in options:  # the tag of an excerpt's kind: no key of the brief
            current = Cited if step == "cited" else str
            continue
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


def problem_from(located: Located, err: Any, root: type[BaseModel] = Brief) -> Problem:
    """One pydantic error of a model validated from `located` data, as a problem at its line and column."""
    loc = tuple(err["loc"])
    path, owner = _resolve(loc, root)
    kind = err["type"]
    name = shown(str(path[-1])) if path else "brief"
    if "[key]" in path:
        index = path.index("[key]")
        key = shown(str(path[index - 1]))
        return located.problem(
            path[:index], f"'{key}' is not a language code (like fr or en-GB)", at_key=True
        )
    if kind == "lang_undeclared":
        return located.problem((*path, err["ctx"]["lang"]), err["msg"], at_key=True)
    if kind == "group":
        return located.problem((*path, err["ctx"]["fact"], "members"), err["msg"])
    if kind == "table_row":
        return located.problem((*path, "rows", err["ctx"]["row"]), err["msg"])
    if kind in CUSTOM:
        lang = err.get("ctx", {}).get("lang")
        return located.problem((*path, lang) if lang else path, err["msg"])
    if kind == "extra_forbidden":
        message = f"unknown key '{name}'"
        if owner is not None:
            close = difflib.get_close_matches(name, list(owner.model_fields), n=1, cutoff=0.6)
            close = close or [k for k in SYNONYMS.get(name, ()) if k in owner.model_fields][:1]
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
        if path and path[-1] in CELL_TAGS:  # the cell's form, not a key the writer wrote
            return located.problem(path[:-1], "a table cell must not be empty (write a text, or — for none)")
        return located.problem(path, f"'{name}' must not be empty")
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        hint = {
            r"^[a-z0-9]+(-[a-z0-9]+)*$": "kebab-case, like 'kyutai-launch'",
            r"^[a-z][a-z0-9_]*$": "snake_case, like 'budget_total'",
            r"^[A-Z]{3}$": "an ISO 4217 code, like 'EUR'",
        }.get(pattern, f"matching {pattern}")
        return located.problem(path, f"'{name}': '{shown(str(err['input']))}' is not {hint}")
    if kind == "string_too_long":
        limit = err["ctx"]["max_length"]
        return located.problem(path, f"'{name}' is {len(err['input'])} characters long (at most {limit})")
    if kind == "too_long":
        limit, count = err["ctx"]["max_length"], err["ctx"].get("actual_length") or len(err["input"])
        return located.problem(path, f"'{name}' holds {count} items (at most {limit})")
    if kind in _DATE_ERRORS and isinstance(err.get("input"), str):
        reason = err["msg"].split(", ", 1)[-1]
        hint = (
            ""
            if re.fullmatch(r"\d{4}-\d\d-\d\d", err["input"].strip())
            else "; write YYYY-MM-DD, like 2026-11-27"
        )
        return located.problem(
            path, f"'{name}': '{shown(err['input'])}' is not a valid date ({reason}){hint}"
        )
    if kind == "string_type" and isinstance(err.get("input"), int | float | Decimal):
        return located.problem(path, f"'{name}' must be a string (quote it: \"{err['input']}\")")
    if kind == "bool_type":
        given = err.get("input")
        wrong = (
            "empty" if given is None else f"'{shown(given)}'" if isinstance(given, str) else shown(str(given))
        )
        return located.problem(path, f"'{name}' must be true or false, not {wrong}")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        wrong = shown(str(ctx.get("tag", "")))
        known = [k.strip().strip("'") for k in str(ctx.get("expected_tags", "")).split(",") if k.strip()]
        close = difflib.get_close_matches(wrong, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(known)}"
        return located.problem((*path, "type"), f"unknown fact type '{wrong}' ({hint})")
    if kind == "union_tag_not_found":
        return located.problem(path, "a fact needs a 'type' (money, count, date, place, …)")
    return located.problem(path, f"'{name}': {err['msg'][0].lower()}{err['msg'][1:]}")


__all__ = ["problem_from"]
