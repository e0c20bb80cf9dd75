"""Turn located YAML data into a typed Brief, collecting every problem with its line and column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.brief import limits, model
from briefgen.brief.images import check_image
from briefgen.brief.model import FACT_REF, Brief, Localised, squash
from briefgen.brief.problems import problem_from
from briefgen.brief.read import Located, Path_, Unreadable, decode, load_yaml, read_bytes, shown
from briefgen.errors import InputError, Problem, display_path


@dataclass(frozen=True)
class LoadedBrief:
    """A valid brief, where it came from, and the texts of the sources it ships (by source id)."""

    brief: Brief
    file: Path
    located: Located
    source_texts: dict[str, str]

    @property
    def source_text(self) -> str | None:
        """The text of the first source, when the brief ships it."""
        return self.source_texts.get(self.brief.cited[0].id)

    def figure_path(self, name: str) -> Path:
        """Where the figure file `name` (checked when the brief was loaded) is."""
        return _confined(self.file.parent, name)


def load_brief(file: Path, located: Located | None = None) -> LoadedBrief:
    """Load and validate one brief (`located`: its YAML, read already). Raises InputError listing every problem
    found."""
    located = load_yaml(file) if located is None else located
    problems = list(located.problems)
    data = located.data
    if not isinstance(data, dict):
        problems.append(located.problem((), "a brief is a mapping of keys (id, version, …)"))
        raise InputError(problems)
    source_texts: dict[str, str] = {}
    problems += _twice_named(data, located)
    for source_id, where, name in _source_files(data):
        if source_id in source_texts:
            continue  # a second source of the same id: reported above
        try:
            text = decode(read_bytes(_confined(file.parent, name), limits.MAX_SOURCE_BYTES))
        except Unreadable as exc:
            at = f" (line {exc.line}, column {exc.column})" if exc.line else ""
            problems.append(
                located.problem(where, f"cannot read source file '{shown(name)}': {exc.reason}{at}")
            )
        else:
            source_texts[source_id] = text
    try:
        brief = Brief.model_validate(data, context=_context(data, source_texts))
    except ValidationError as exc:
        problems += [problem_from(located, err) for err in exc.errors()]
    else:
        problems += _filled_lengths(brief, located)
        problems += _figure_files(brief, file, located)
    if problems:
        raise InputError(problems)
    return LoadedBrief(brief, file, located, source_texts)


def _source_files(data: dict[str, Any]) -> Iterator[tuple[str, Path_, str]]:
    """Each source's id, the data path of its `file`, and the file it names (if any): in the brief's folder."""
    single, listed = data.get("source"), data.get("sources")
    entries: list[tuple[Any, Path_, dict[str, Any]]] = []
    if isinstance(single, dict):
        entries.append(("source", ("source",), single))
    if isinstance(listed, list):
        entries += [(s.get("id"), ("sources", i), s) for i, s in enumerate(listed) if isinstance(s, dict)]
    for source_id, path, entry in entries:
        name = entry.get("file")
        if isinstance(source_id, str) and isinstance(name, str) and name.strip():
            yield source_id, (*path, "file"), name.strip()


def _twice_named(data: dict[str, Any], located: Located) -> list[Problem]:
    """A problem at each source whose id an earlier source has: excerpts name sources by their ids."""
    listed = data.get("sources")
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        source_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(source_id, str):
            if source_id in seen:
                message = f"the source id '{shown(source_id)}' is used twice"
                problems.append(located.problem(("sources", index, "id"), message))
            seen.add(source_id)
    return problems


def _figure_files(brief: Brief, file: Path, located: Located) -> list[Problem]:
    """Every figure's file: an image in the brief's folder, of the format its name says, and safe to show."""
    problems = []
    for path, node in walk(brief):
        if isinstance(node, model.Figure):
            try:
                check_image(
                    _confined(file.parent, node.file),
                    model.FIGURE_FORMATS[PurePath(node.file).suffix.lower()],
                )
            except Unreadable as exc:
                at = f" (line {exc.line}, column {exc.column})" if exc.line else ""
                message = f"cannot show figure '{shown(node.file)}': {exc.reason}{at}"
                problems.append(located.problem((*path, "file"), message))
    return problems


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


MAX_VALUE_LENGTH = 160  # characters of a fact's value as the longest format prints it


def _fact_size(fact_id: str, facts: dict[str, model.Fact], sizes: dict[str, int]) -> int:
    """An upper estimate of the length of a fact's value as prose shows it (groups are bounded and acyclic)."""
    if fact_id not in sizes:
        fact = facts[fact_id]
        if isinstance(fact, model.Group):
            sizes[fact_id] = sum(_fact_size(m, facts, sizes) + 5 for m in fact.members)
        else:
            # a value as long as a range of amounts with CLDR's currency names can print
            sizes[fact_id] = len(getattr(fact, "name", "")) or MAX_VALUE_LENGTH
    return sizes[fact_id]


def _context(data: dict[str, Any], source_texts: dict[str, str]) -> dict[str, Any]:
    """What validators of each part need to know about the whole brief."""
    languages = data.get("languages")
    facts = data.get("facts")
    listed = data.get("sources")
    ids = list(
        dict.fromkeys(s.get("id") for s in listed if isinstance(s, dict) and isinstance(s.get("id"), str))
        if isinstance(listed, list)
        else ["source"]
    )
    declared = [x for x in languages if isinstance(x, str)] if isinstance(languages, list) else None
    original = data.get("original")
    return {
        "languages": declared,
        # The language the prose is written in first: a translation's fingerprint is never recorded on it.
        "original": original if isinstance(original, str) else (declared[0] if declared else None),
        "facts": [k for k in facts if isinstance(k, str)] if isinstance(facts, dict) else None,
        "source_texts": {k: squash(v) for k, v in source_texts.items()},
        "source_ids": ids,
        "first_source": ids[0] if ids else None,
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


def id_used_twice(loaded: LoadedBrief, seen: dict[str, Path]) -> Problem | None:
    """The problem of a brief whose id a brief loaded before has (`seen`: id → file, updated), placed at `id`."""
    first = seen.setdefault(loaded.brief.id, loaded.file)
    if first == loaded.file:
        return None
    return loaded.located.problem(("id",), f"id '{loaded.brief.id}' is also used by {display_path(first)}")


__all__ = ["LoadedBrief", "id_used_twice", "load_brief", "walk"]
