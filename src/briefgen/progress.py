"""Show a build as it goes: a live line while engines typeset on a terminal, plain lines everywhere else.

The pipeline (`build.typeset`) tells a `Progress` when the engines start, as each document is typeset, and
when they are done; the base class shows nothing. `live()` gives the terminal's display, drawn with `rich`
on stderr, erased when done: only where stderr is a terminal that moves its cursor (not `TERM=dumb`), without
colour when `NO_COLOR` is set. `BRIEFGEN_FORCE_TERMINAL=1` takes any stderr for a terminal (for tests).
Log lines printed while the display is live go above it (`echo`).
"""

from __future__ import annotations

import os
import sys

# typing is not imported: a build that is up to date prints its summary (briefgen.recall)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any

FORCE_TERMINAL = "BRIEFGEN_FORCE_TERMINAL"


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether `stream` (stderr) is a terminal that can redraw a line: not `TERM=dumb`."""
    if os.environ.get("TERM", "") == "dumb":
        return False
    if os.environ.get(FORCE_TERMINAL, "") not in ("", "0"):
        return True
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colour() -> bool:
    """Whether colour is wanted: not when `NO_COLOR` is set to anything (no-color.org)."""
    return not os.environ.get("NO_COLOR")


class Progress:
    """What the pipeline tells as it goes. This one shows nothing: stderr is not a terminal, or -q."""

    threaded = False  # whether it draws from a thread of its own (workers are then started before it)

    def typesetting(self, total: int, engine: str) -> None:
        """`total` documents go to the engine `engine`."""

    def typeset(self, name: str) -> None:
        """The document `name` (`brief-id.lang`) is typeset."""

    def done(self) -> None:
        """The engines are done (or stopped): the display, if any, is erased."""


_live: Live | None = None  # the display being drawn, if any: log lines go above it


class Live(Progress):
    """A spinner, a bar, the count of documents typeset and the time, redrawn on stderr, erased when done."""

    threaded = True

    def __init__(self, stream: IO[str] | None = None) -> None:
        from rich.console import Console

        plain = not colour()
        self.console = Console(
            file=stream if stream is not None else sys.stderr,
            force_terminal=True,
            no_color=plain,
            color_system=None if plain else "auto",
            highlight=False,
            soft_wrap=True,
        )
        self.bar: Any = None
        self.task: Any = None

    def typesetting(self, total: int, engine: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        global _live
        self.done()
        self.bar = Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.bar.add_task(f"typesetting with {engine}", total=total)
        self.bar.start()
        _live = self

    def typeset(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1)

    def done(self) -> None:
        global _live
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        if _live is self:
            _live = None

    def print(self, line: str) -> None:
        self.console.print(line, markup=False, emoji=False, highlight=False)


def live(quiet: bool = False) -> Progress:
    """The display for this run: live on a terminal, else (or with -q) none."""
    return Live() if not quiet and is_terminal() else Progress()


def echo(line: str) -> bool:
    """Print a line above the live display, if one is drawn; False when none is (print it as usual)."""
    if _live is None or _live.bar is None:
        return False
    _live.print(line)
    return True


__all__ = [
    "FORCE_TERMINAL",
    "Live",
    "Progress",
    "colour",
    "echo",
    "is_terminal",
    "live",
    "plural",
    "said",
    "summary",
]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def summary(count: int, fmt: str, out: Path, seconds: float, warnings: int, kept: int = 0) -> str:
    """`2 PDFs written in out/ in 1.3 s` (`, 1 warning`); `1 PDF written, 1 up to date in out/ in 1.3 s`."""
    from briefgen.errors import display_path

    return said(count, fmt, display_path(out), seconds, warnings, kept)


def said(count: int, fmt: str, shown: str, seconds: float, warnings: int, kept: int = 0) -> str:
    """`summary`, the output folder `shown` as display_path shows it."""
    noun = "PDF" if fmt == "pdf" else f".{fmt} file"
    took = f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"
    fresh = f", {kept} up to date" if kept else ""
    line = f"{plural(count, noun)} written{fresh} in {shown.rstrip('/')}/ in {took}"
    return line + (f", {plural(warnings, 'warning')}" if warnings else "")
