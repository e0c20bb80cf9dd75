"""The exception root: every error knows its exit code and how to present itself as `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_ENGINE = 1
EXIT_INPUT = 2
EXIT_SIGNAL = 128  # plus the signal's number: 130 for SIGINT, 143 for SIGTERM, as a shell reports it


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Line and column are 1-based; 0 means unknown."""

    path: str
    line: int
    column: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        message = f"warning: {self.message}" if self.warning else self.message
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {message}"
        return f"{self.path}: {message}"


def display_path(path: str | Path) -> str:
    """A path as the user should read it: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    # ValueError: outside the working folder; OSError, RuntimeError (before 3.13): a symbolic link loop
    except (ValueError, OSError, RuntimeError):
        return str(p)


class BriefgenError(Exception):
    """Root of briefgen's errors. Carries one or more located problems and an exit code."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem] | Problem | str, *, ordered: bool = False) -> None:
        """`ordered`: the problems are in their order of cause (an engine's root cause first), not sorted."""
        if isinstance(problems, str):
            problems = [Problem("briefgen", 0, 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems) if ordered else sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def format(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with the problems, in their order: engine workers send their errors to the main process."""
        return _rebuild, (type(self), self.problems)


def _rebuild(cls: type[BriefgenError], problems: list[Problem]) -> BriefgenError:
    return cls(problems, ordered=True)


class InputError(BriefgenError):
    """The brief, a template choice or a command-line value is invalid: nothing is written."""

    exit_code = EXIT_INPUT


class EngineError(BriefgenError):
    """An engine failed while typesetting a valid brief."""

    exit_code = EXIT_ENGINE


class EngineTimeout(EngineError):
    """An engine ran past its time limit and was stopped."""

    def __init__(self, seconds: float, engine: str = "") -> None:
        self.seconds = seconds
        self.engine = engine
        super().__init__(f"{engine or 'the engine'} timed out after {seconds:g} s")

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), (self.seconds, self.engine)


class Interrupted(KeyboardInterrupt):
    """A signal (SIGINT, SIGTERM) stopped briefgen: it unwinds like Ctrl-C, removing its temporary files."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name

    @property
    def exit_code(self) -> int:
        return EXIT_SIGNAL + self.signum
