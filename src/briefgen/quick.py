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

Before even that, the same words asked again in the same folder are answered by briefgen.recall from the run
they left in the record, without reading the settings: the program imports only the standard library's lightest
modules and briefgen's light ones (no logging, pathlib, typing, dataclasses) until it knows it must do more.
"""

from __future__ import annotations

import os
import sys
import time

from briefgen import recall

TYPE_CHECKING = False  # typing is not imported on the way to an up-to-date answer
if TYPE_CHECKING:
    import logging
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


def program() -> None:
    """The console script (and `python -m briefgen`): `main`, then the process ends as soon as what it wrote is
    flushed and its exit handlers have run (its workers stopped, its temporary folder removed), without the
    interpreter's finalization, which frees every object one by one: 0.08 s after a build, a tenth of a Typst
    build. Not while a thread of its own still runs (Python waits for it): then the interpreter ends as usual."""
    import atexit

    try:
        main()
        code: str | int | None = 0
    except SystemExit as exc:
        code = exc.code
    threading = sys.modules.get("threading")  # not imported: no thread was started
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # as Python says a text given to sys.exit
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit code for it
            code = code or 120
    os._exit(code)


def main() -> None:
    """`briefgen`: `build`, up to date, answered here; any other call, by the command line."""
    started = time.perf_counter()
    argv = sys.argv[1:]
    said, asked = recalled(argv, started)
    if said or answered(argv, started):
        return
    from briefgen.cli import main as command_line

    recall.asking = asked  # the build the command line runs records its words with its run
    try:
        command_line()
    finally:
        recall.asking = None


def recalled(argv: list[str], started: float) -> tuple[bool, recall.Asked | None]:
    """Whether `argv` was a build asked in these words before whose outputs are all up to date (briefgen.recall),
    now said as `build` says it; and what a build was asked (None: not a build quick reads)."""
    try:
        paths, options, quiet = words(argv)
    except Unusual:
        return False, None
    out = options.get("out")
    places = [*paths, out if out is not None else "out"]
    asked = recall.Asked(argv, options.get("config"), places, options.get("theme"))
    if (out is None and asked.found) or asked.warns:  # the project file may name the folder, or warns
        return False, asked
    out = out if out is not None else "out"
    with _interruptible():
        found = recall.known(asked, out)
        if found is None or (found[1] != [] and not quiet):
            return False, asked
        if not quiet:
            from briefgen.progress import said

            for name in found[0]:
                print(f"{recall.pure(os.path.join(out, name))}  up to date", flush=True)
            seconds = time.perf_counter() - started
            print(said(0, "pdf", recall.display(out), seconds, 0, len(found[0])), file=sys.stderr, flush=True)
    return True, asked


_SIGNALS = {2: "SIGINT", 15: "SIGTERM"}  # signal.SIGINT, signal.SIGTERM


class _interruptible:
    """SIGINT and SIGTERM stop the answer as they stop the command line: `briefgen: stopped by SIGTERM`, exit
    128 + the signal's number (briefgen.cli.common). Through `_signal`, the module `signal` is made of, which
    Python has loaded already: `signal` itself imports enum."""

    def __enter__(self) -> None:
        import _signal  # type: ignore[import-not-found]  # typeshed has no stub: `signal` is its face

        def stop(signum: int, _frame: object) -> None:
            for each in _SIGNALS:
                _signal.signal(each, _signal.SIG_IGN)
            print(f"briefgen: stopped by {_SIGNALS[signum]}", file=sys.stderr, flush=True)
            sys.exit(128 + signum)  # briefgen.errors.EXIT_SIGNAL + signum

        self.signals = _signal
        self.previous = {each: _signal.signal(each, stop) for each in _SIGNALS}

    def __exit__(self, *_exc: object) -> None:
        for each, handler in self.previous.items():
            self.signals.signal(each, handler)


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
    texts, options, quiet = words(argv)
    paths = [_readable(text, folder=None) for text in texts]
    given = {name: _value(name, text) for name, text in options.items()}
    config = given.pop("config", None)
    return paths, given, config, quiet


def words(argv: list[str]) -> tuple[list[str], dict[str, str], bool]:
    """The paths, the text of each option given (by the name of its setting; the last one given) and whether
    -q was given, of `briefgen [-q] build …`, as written; raises Unusual for anything else, and for a path,
    `--out` or `--config` that click would refuse."""
    at = 0
    quiet = False
    while at < len(argv) and argv[at] in QUIET:
        quiet, at = True, at + 1
    if at >= len(argv) or argv[at] != "build":
        raise Unusual
    paths: list[str] = []
    given: dict[str, str] = {}
    said = argv[at + 1 :]
    index = 0
    while index < len(said):
        word = said[index]
        index += 1
        if word in QUIET:
            quiet = True
        elif word in FLAGS:
            given[FLAGS[word]] = ""
        elif word.startswith("-"):
            name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
            if name not in VALUED or (not equals and index >= len(said)):
                raise Unusual
            if not equals:
                value, index = said[index], index + 1
            if not value or value.startswith("-"):
                raise Unusual
            if VALUED[name] in ("out", "config"):
                _takes(value, folder=VALUED[name] == "out")
            given[VALUED[name]] = value
        else:
            _takes(word, folder=None)
            paths.append(word)
    return paths, given, quiet


def _value(name: str, text: str) -> Any:
    """`text` as click's option for the setting `name` makes it, when that needs no look beyond the text and
    the registries; else Unusual."""
    from pathlib import Path

    from briefgen.backends import BACKENDS

    if name in FLAGS.values():
        return True
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
    """A path as click.Path(path_type=Path) gives it, when click would take it (`_takes`)."""
    from pathlib import Path

    _takes(text, folder)
    return Path(text)


def _takes(text: str, folder: bool | None) -> None:
    """Whether click.Path takes `text`: missing, or readable and a folder (`folder=True`), a file (False) or
    either (None); else Unusual."""
    if not text:
        raise Unusual
    if not os.path.lexists(text):
        return
    if not os.path.exists(text) or not os.access(text, os.R_OK):  # a broken link, an unreadable file
        raise Unusual
    if folder is not None and folder != os.path.isdir(text):
        raise Unusual


def _known(
    paths: list[Path], given: dict[str, Any], config: Path | None
) -> tuple[list[Path], list[str] | None, Path] | None:
    """The outputs of the build when its record shows each up to date, the warnings it gave and its folder;
    None when the build itself must decide, or the project file has something to say."""
    import logging

    from briefgen import uptodate
    from briefgen.brief.discover import DEFAULT_FOLDER
    from briefgen.config import load, settle
    from briefgen.errors import BriefgenError
    from briefgen.settings import Settings, fields, option

    logger = logging.getLogger("briefgen")
    listener = _heard()
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


def _heard() -> Any:
    """A handler of the records logged while the settings are read: any one, and the command line says it."""
    import logging

    class Heard(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.heard: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.heard.append(record)

    return Heard()


__all__ = ["answered", "main", "program", "read", "recalled", "words"]
