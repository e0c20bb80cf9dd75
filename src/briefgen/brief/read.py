"""Read a brief's YAML into plain data, keeping the line and column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import InputError, Problem, display_path

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data from a YAML file, with the position of each value and each mapping key."""

    file: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: Path_, message: str, *, at_key: bool = False, warning: bool = False) -> Problem:
        """A problem located at `path`, or at the nearest ancestor whose position is known."""
        table = self.keys if at_key else self.values
        probe = tuple(path)
        while probe and probe not in table and probe not in self.values:
            probe = probe[:-1]
        line, col = table.get(probe) or self.values.get(probe, (1, 1))
        return Problem(display_path(self.file), line, col, message, warning)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, located: Located) -> None:
        self.loader = loader
        self.located = located
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.located.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    key = str(key)
                if key in out:
                    first = self.located.keys[(*path, key)]
                    line, col = _mark(key_node)
                    self.problems.append(
                        Problem(
                            display_path(self.located.file),
                            line,
                            col,
                            f"duplicate key '{key}' (first defined at line {first[0]})",
                        )
                    )
                    continue
                self.located.keys[(*path, key)] = _mark(key_node)
                out[key] = self.walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


def load_yaml(file: Path, text: str | None = None) -> Located:
    """Parse `file` (or `text`) into located data; duplicate keys are kept as problems, not raised."""
    name = display_path(file)
    if text is None:
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(Problem(name, 0, 0, "no such file")) from None
        except UnicodeDecodeError as exc:
            raise InputError(Problem(name, 0, 0, f"not UTF-8 text ({exc.reason})")) from None
    located = Located(file=file, data=None)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(Problem(name, 1, 1, "the file is empty"))
        walker = _Walker(loader, located)
        located.data = walker.walk(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}: {message}" if exc.problem else exc.context
        raise InputError(Problem(name, line, col, f"YAML syntax error: {message}")) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(name, 0, 0, f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    located.problems.extend(walker.problems)
    return located
