"""The `briefgen` program: answer a `build` whose outputs are all up to date before the command line is imported,
else run the command line (briefgen.cli).

Reading the command line with click and its options costs more than checking a folder's record
(briefgen.uptodate). A `build` written only with the common options (the paths, `--lang`, `--engine`, `--out`,
`--theme`, `--format pdf`, `--pdf-standard`, `--attach`, `--strict`, `--jobs`, `--timeout`, `--config`, `-q`) is
read here into the settings click would give, through the same project file (briefgen.config) and the same
model (briefgen.settings), and answered from the record when it shows every output up to date, with the lines
`build` prints for them. Anything else — another command, another option or form, a value click would refuse
or that needs a look (a file where a folder is asked), an output not up to date, a warning to give, -v — is
left to the command line, which gives the same answer the same way.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

# The options read here, by what they take: a value (the setting it sets) or none.
VALUED = {
    "--lang": "langs",
    "--engine": "engine",
    "--out": "out",
    "--theme": "theme",
    "--format": "format",
    "--pdf-standard": "standards",
    "--attach": "attach",
    "--jobs": "jobs",
    "-j": "jobs",
    "--timeout": "timeout",
    "--config": "config",
}
FLAGS = {"--strict": "strict"}
QUIET = ("-q", "--quiet")


class Unusual(Exception):
    """The command line asks for what only click reads: it decides."""


def main() -> None:
    """The console script: `build`, up to date, answered here; any other call, by the command line."""
    started = time.perf_counter()
    if not answered(sys.argv[1:], started):
        from briefgen.cli import main as command_line

        command_line()


def answered(argv: list[str], started: float) -> bool:
    """Whether `argv` was a build whose outputs are up to date, now said as `build` says it."""
    import signal

    from briefgen.errors import EXIT_SIGNAL, Interrupted

    def stop(signum: int, _frame: object) -> None:  # as briefgen.cli.common._signals_unwind
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)
        raise Interrupted(signum, signal.Signals(signum).name)

    previous = {each: signal.signal(each, stop) for each in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _answered(argv, started)
    except KeyboardInterrupt as exc:  # as briefgen.cli.common.reports_errors
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        print(f"briefgen: stopped by {signal.Signals(signum).name}", file=sys.stderr, flush=True)
        sys.exit(EXIT_SIGNAL + signum)
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _answered(argv: list[str], started: float) -> bool:
    try:
        paths, given, config, quiet = read(argv)
    except Unusual:
        return False
    from briefgen.progress import summary

    known = _known(paths, given, config)
    if known is None or (known[1] != [] and not quiet):
        return False  # warnings to give again (or not recorded): the command line gives them
    outputs, _warnings, out = known
    if not quiet:
        for path in outputs:
            print(f"{path}  up to date", flush=True)
        seconds = time.perf_counter() - started
        print(summary(0, "pdf", out, seconds, 0, len(outputs)), file=sys.stderr, flush=True)
    return True


def read(argv: list[str]) -> tuple[list[Path], dict[str, Any], Path | None, bool]:
    """The paths, the settings given (by their names in the model, as click converts them), `--config` and
    whether -q was given, of `briefgen [-q] build …`. Raises Unusual for anything else."""
    at = 0
    quiet = False
    while at < len(argv) and argv[at] in QUIET:
        quiet, at = True, at + 1
    if at >= len(argv) or argv[at] != "build":
        raise Unusual
    paths: list[Path] = []
    given: dict[str, Any] = {}
    words = argv[at + 1 :]
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in QUIET:
            quiet = True
        elif word in FLAGS:
            given[FLAGS[word]] = True
        elif word.startswith("-"):
            name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
            if name not in VALUED or (not equals and index >= len(words)):
                raise Unusual
            if not equals:
                value, index = words[index], index + 1
            given[VALUED[name]] = _value(VALUED[name], value)
        else:
            paths.append(_readable(word, folder=None))
    config = given.pop("config", None)
    return paths, given, config, quiet


def _value(name: str, text: str) -> Any:
    """`text` as click's option for the setting `name` makes it, when that needs no look beyond the text and
    the registries; else Unusual."""
    from briefgen.backends import BACKENDS

    if not text or text.startswith("-"):
        raise Unusual
    if name == "langs":  # briefgen.cli.options.split_langs
        langs = tuple(v.strip() for v in text.split(",") if v.strip())
        if not langs:
            raise Unusual
        return langs
    if name == "engine" and text in BACKENDS:
        return text
    if name == "format" and text == "pdf":
        return text
    if name == "theme":
        return text
    if name == "standards":  # briefgen.cli.options.split_standards
        from briefgen.distribution import standards

        try:
            return standards.parse(text)
        except ValueError:
            raise Unusual from None
    if name == "attach":
        from briefgen.distribution import standards

        if text in standards.ATTACH:
            return text
    if name == "jobs" and text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    if name == "timeout":
        from briefgen.settings import Bad, Seconds

        try:
            return Seconds().check(float(text), Path())
        except (ValueError, Bad):
            raise Unusual from None
    if name == "out":
        return _readable(text, folder=True)
    if name == "config":
        return _readable(text, folder=False)
    raise Unusual


def _readable(text: str, folder: bool | None) -> Path:
    """A path as click.Path(path_type=Path) gives it, when click would take it: missing, or readable and a
    folder (`folder=True`), a file (False) or either (None)."""
    if not text:
        raise Unusual
    if not os.path.lexists(text):
        return Path(text)
    if not os.path.exists(text) or not os.access(text, os.R_OK):  # a broken link, an unreadable file
        raise Unusual
    if folder is not None and folder != os.path.isdir(text):
        raise Unusual
    return Path(text)


def _known(
    paths: list[Path], given: dict[str, Any], config: Path | None
) -> tuple[list[Path], list[str] | None, Path] | None:
    """The outputs of the build when its record shows each up to date, the warnings it gave and its folder;
    None when the build itself must decide, or the project file has something to say."""
    from briefgen import uptodate
    from briefgen.brief.discover import DEFAULT_FOLDER
    from briefgen.config import load, settle
    from briefgen.errors import BriefgenError
    from briefgen.settings import Settings, fields, option

    logger = logging.getLogger("briefgen")
    listener = _Heard()
    kept = logger.handlers[:], logger.propagate
    logger.handlers[:], logger.propagate = [listener], False
    try:
        project = load(config, model=Settings)
        if listener.heard:  # the project file's warning: the command line gives it
            return None
        declared = fields(Settings)
        flags = {name: field.default for name, field in declared.items() if option(field) is not None}
        settings = Settings(**settle(project, {**flags, **given}, set(given)))
        briefs = paths or [project.get("briefs") or DEFAULT_FOLDER]
        if settings.format != "pdf" or settings.force:
            return None
        found = uptodate.known(briefs, settings)
    except (BriefgenError, OSError):  # the command line says it as it says it
        return None
    finally:
        logger.handlers[:], logger.propagate = kept
    if found is None:
        return None
    return found.outputs, found.warnings, settings.out


class _Heard(logging.Handler):
    """The records logged while the settings are read: any one, and the command line says it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.heard: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.heard.append(record)


__all__ = ["answered", "main", "read"]
