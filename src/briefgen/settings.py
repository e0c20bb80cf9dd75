"""Declare each build setting once: its type, its choices (read from the registries), its default, its help, its
key in the project file and its command-line option; give the settings a build runs with.

`Settings` is the one declaration. Its other faces are made from it: the project file's checks (`briefgen.config`
checks a file's table with `validate` and places each problem at its line), the options of `build`, `watch`,
`check` and the commands that share a setting (`briefgen.cli.options`), and the build itself (`briefgen.build`
reads a `Settings`). Each field is declared by `setting(default, kind, option, key=, help=)`: its `Kind` (how a
value is checked, which the command line turns into a click type), its `Option` (the option's names; none: the
project file only), its key in the project file (its name unless given) and the help of its option. It is a plain
dataclass: reading it (`briefgen build --help`, a build that is up to date) imports no validation library, and
what it is made of (the kinds, the options) are plain classes, cheaper to make than dataclasses.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.backends import BACKENDS, DEFAULT, DOCUMENT_FORMATS, TIMEOUT, formats
from briefgen.distribution import standards
from briefgen.errors import display_path
from briefgen.themes.builtin import ALIASES, DEFAULT_THEME, MANIFEST, builtin_themes

if TYPE_CHECKING:
    from briefgen.distribution.mail.options import MailOptions


def _cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says it), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


CORES = _cores()  # the default of --jobs


class MustBe(Exception):
    """A value of the wrong type; its message says what it must be: `an integer`."""


class Bad(Exception):
    """A value of the right type that is not allowed; its message says why."""


class BadKeys(Bad):
    """A table with keys that are not allowed: each key's message, the project file says each at its key."""

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in keys.items()))
        self.keys = keys


def kind_of(value: Any) -> str:
    """What a TOML value is, as a message says it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


# -- the kinds of value --------------------------------------------------------------------------------------


class Kind:
    """How a setting's value is checked, from the project file or from Python: `check` returns the value
    (a path made relative to `base`, the project file's folder) or raises MustBe or Bad. `validate` runs it for
    each key of the project file; the command line makes an option of each kind (briefgen.cli.options)."""

    def check(self, value: Any, base: Path) -> Any:
        raise NotImplementedError


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise MustBe("a string")
    if not value.strip():
        raise Bad("must not be empty")
    return value


def _path(value: Any, base: Path) -> Path:
    """A path as written (`~` expanded), relative to `base` unless absolute."""
    path = Path(os.path.expanduser(value if isinstance(value, Path) else _string(value)))
    return path if path.is_absolute() else base / path


class Choice(Kind):
    """One of the names a registry holds when the value is checked (an engine added to the registry is one)."""

    def __init__(self, what: str, read: Callable[[], Iterable[str]]) -> None:
        self.what = what  # how a message names one: "engine"
        self.read = read

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.read())

    def check(self, value: Any, _base: Path) -> str:
        text = _string(value)
        choices = self.choices
        if text not in choices:
            import difflib

            close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise Bad(f"unknown {self.what} '{text}' ({hint}one of: {', '.join(choices)})")
        return text


class ThemeName(Kind):
    """A built-in theme's name as is; else a theme folder, relative to `base`."""

    def check(self, value: Any, base: Path) -> str:
        text = str(value) if isinstance(value, Path) else _string(value)
        if text in builtin_themes() or text in ALIASES:
            return text
        folder = _path(text, base)
        if not folder.is_dir():
            raise Bad(
                f"no theme '{text}': not a built-in theme ({', '.join(builtin_themes())}) nor a folder "
                f"{display_path(folder)} holding a {MANIFEST}"
            )
        return str(folder)


class Languages(Kind):
    """Language codes: an array in the file, `fr,en` on the command line."""

    def check(self, value: Any, _base: Path) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            raise MustBe('an array of language codes, e.g. ["fr", "en"]')
        odd = next((v for v in value if not isinstance(v, str)), None)
        if odd is not None:
            raise Bad(f'each language is a string, e.g. "fr", not {kind_of(odd)}')
        langs = tuple(v.strip() for v in value)
        if not langs or not all(langs):
            raise Bad('must name languages, e.g. ["fr", "en"]')
        return langs


class Folder(Kind):
    """A folder, made if needed: not a file."""

    def check(self, value: Any, base: Path) -> Path:
        path = _path(value, base)
        if path.exists() and not path.is_dir():
            raise Bad(f"{display_path(path)} is a file, not a folder")
        return path


class Existing(Kind):
    """A file or folder that exists."""

    def check(self, value: Any, base: Path) -> Path:
        path = _path(value, base)
        if not path.exists():
            raise Bad(f"no such file or folder: {display_path(path)}")
        return path


class AnyPath(Kind):
    """A path, or none."""

    def check(self, value: Any, base: Path) -> Path | None:
        return None if value is None else _path(value, base)


class Count(Kind):
    """An integer of at least `least`."""

    def __init__(self, least: int) -> None:
        self.least = least

    def check(self, value: Any, _base: Path) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise MustBe("an integer")
        if value < self.least:
            raise Bad(f"must be at least {self.least}, not {value}")
        return value


MAX_SECONDS = 86_400.0  # a day: longer is no timeout, and past what the clocks of the workers can wait


class Seconds(Kind):
    """A number of seconds above 0, at most MAX_SECONDS."""

    def check(self, value: Any, _base: Path) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MustBe("a number of seconds")
        if not 0 < value <= MAX_SECONDS:  # also false for nan
            raise Bad(
                f"must be a number of seconds above 0 and at most {MAX_SECONDS:.0f} (a day), not {value}"
            )
        return float(value)


class Standards(Kind):
    """PDF standards of briefgen.distribution.standards: `"ua-1,a-3b"` or `["ua-1", "a-3b"]`, in its order."""

    def check(self, value: Any, _base: Path) -> tuple[str, ...]:
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            text = ",".join(value)
        elif isinstance(value, str):
            text = value
        else:
            raise MustBe('a string or an array of standards, e.g. "ua-1,a-3b" or ["ua-1", "a-3b"]')
        try:
            return standards.parse(text)
        except ValueError as exc:
            raise Bad(str(exc)) from None


class Switch(Kind):
    """True or false: a flag on the command line."""

    def check(self, value: Any, _base: Path) -> bool:
        if not isinstance(value, bool):
            raise MustBe("true or false")
        return value


class MailTable(Kind):
    """The mail table: `[tool.briefgen.mail]` (briefgen.distribution.mail.options checks its keys)."""

    def check(self, value: Any, _base: Path) -> MailOptions | None:
        from briefgen.distribution.mail.options import TableProblems, check_table

        try:
            return None if value is None else check_table(value)
        except TypeError as exc:
            raise MustBe(str(exc)) from None
        except TableProblems as exc:
            raise BadKeys(exc.keys) from None


class Option:
    """A setting's command-line option: its names (`--jobs`, `-j`) and the word its help shows for the value.
    `file=False`: the command line's only, not a key of the project file."""

    def __init__(self, *names: str, metavar: str | None = None, file: bool = True) -> None:
        self.names = names
        self.metavar = metavar
        self.file = file


def _engines() -> Iterable[str]:
    return BACKENDS


def _or(words: Iterable[str]) -> str:
    """The words as a sentence lists them: html, typ or tex."""
    *rest, last = words
    return f"{', '.join(rest)} or {last}" if rest else last


def help_words() -> dict[str, str]:
    """What a field's help may name, read from the registry: `{sources}` (html, typ or tex), `{writers}`
    (html (weasyprint), typ (typst), tex (latex)) and `{documents}` (docx)."""
    return {
        "sources": _or(b.format for b in BACKENDS.values()),
        "writers": ", ".join(f"{b.format} ({b.name})" for b in BACKENDS.values()),
        "documents": _or(DOCUMENT_FORMATS),
    }


# -- the settings --------------------------------------------------------------------------------------------


class Setting:
    """One setting as declared: its name and default, how its values are checked, its command-line option (none:
    the project file only), its key in the project file and its help."""

    def __init__(
        self, name: str, default: Any, kind: Kind, option: Option | None, key: str, description: str
    ) -> None:
        self.name = name
        self.default = default
        self.kind = kind
        self.option = option
        self.key = key
        self.description = description


def setting(
    default: Any, kind: Kind, option: Option | None = None, *, key: str | None = None, help: str
) -> Any:
    """A field of a settings model: its default, and what `fields` reads of it."""
    return dataclasses.field(
        default=default, metadata={"kind": kind, "option": option, "key": key, "help": help}
    )


@dataclass(frozen=True)
class Settings:
    """What a build is asked for, each setting declared once. Values come from the command line (checked by
    its options), the project file (checked by `validate`) or these defaults; `briefgen.config.settle` decides
    which wins. A model with more settings is a subclass."""

    briefs: Path | None = setting(
        None,
        Existing(),
        help="The briefs built when no PATH is given: a brief file or a folder of briefs.",
    )
    langs: tuple[str, ...] | None = setting(
        None,
        Languages(),
        Option("--lang"),
        key="languages",
        help="Languages to build, e.g. fr,en (default: all the brief declares).",
    )
    engine: str = setting(
        DEFAULT,
        Choice("engine", _engines),
        Option("--engine"),
        help="The typesetting engine (briefgen doctor says which are installed); with --format {sources}, the "
        "engine that writes it.",
    )
    out: Path = setting(
        Path("out"),
        Folder(),
        Option("--out"),
        help="The folder the PDFs are written to, made if needed; each file is replaced atomically.",
    )
    theme: str = setting(
        DEFAULT_THEME,
        ThemeName(),
        Option("--theme"),
        help="A built-in theme (briefgen themes list) or a theme folder holding a theme.yaml.",
    )
    templates: Path | None = setting(
        None,
        AnyPath(),
        Option("--templates", file=False),
        help="Older form of a theme override: DIR/<theme>/<engine>/ and DIR/catalogs/ are searched first.",
    )
    format: str = setting(
        "pdf",
        Choice("format", formats),
        Option("--format"),
        help="pdf, or the engine's source: {writers}; picks that engine when --engine is not given. Or "
        "{documents}: a Word document made from the brief, whatever the engine.",
    )
    standards: tuple[str, ...] = setting(
        (),
        Standards(),
        Option("--pdf-standard", metavar="STANDARDS"),
        key="pdf-standard",
        help="The PDF standards to meet, comma-separated: ua-1 (tagged, accessible), a-2b or a-3b (archival; "
        "a-3b carries the brief inside as associated files), e.g. ua-1,a-3b.",
    )
    attach: str = setting(
        "all",
        Choice("attach", lambda: standards.ATTACH),
        Option("--attach"),
        help="What each PDF carries: every file that may be passed on — the brief, its figures, the texts of "
        "the sources that allow it (redistribute: true; a press release by default) — and the build record, "
        "which names each input by its sha256, withheld or not (all); the build record alone (record); nothing "
        "(none).",
    )
    strict: bool = setting(
        False,
        Switch(),
        Option("--strict"),
        help="A briefing over its brief's page budget is an error (exit 2, nothing written), not a warning.",
    )
    force: bool = setting(
        False,
        Switch(),
        Option("--force", file=False),
        help="Build every output again, even those up to date (whose inputs, theme, engine, options and "
        "briefgen are those they were built from).",
    )
    jobs: int = setting(
        CORES,
        Count(1),
        Option("--jobs", "-j"),
        help="Documents (a brief in one language) typeset in parallel, each in an engine worker started once; "
        "default: the cores this process may use.",
    )
    timeout: float = setting(
        TIMEOUT,
        Seconds(),
        Option("--timeout", metavar="SECONDS"),
        help="Stop an engine that takes longer than this to typeset one document (exit 1); above 0, at most "
        "86400 (a day).",
    )
    mail: MailOptions | None = setting(
        None,
        MailTable(),
        help="`briefgen mail`'s SMTP server (host, port, security: starttls, tls or none), its user, the "
        "sender (from) and the Message-IDs' domain; never a password.",
    )


def fields(model: type[Settings] = Settings) -> dict[str, Setting]:
    """The settings `model` declares, by name, in its order."""
    return {
        each.name: Setting(
            each.name,
            each.default,
            each.metadata["kind"],
            each.metadata["option"],
            each.metadata["key"] or each.name,
            each.metadata["help"],
        )
        for each in dataclasses.fields(model)
    }


def kind(field: Setting) -> Kind:
    """How the field's values are checked."""
    return field.kind


def option(field: Setting) -> Option | None:
    """The field's command-line option, if it has one."""
    return field.option


def help_of(field: Setting) -> str:
    """The field's help, with what it names of the registry filled in."""
    return (field.description or "").format(**help_words())


def file_keys(model: type[Settings] = Settings) -> dict[str, str]:
    """The name of each setting the project file may give, by its key there, in the model's order."""
    keys: dict[str, str] = {}
    for name, field in fields(model).items():
        flag = option(field)
        if flag is None or flag.file:
            keys[field.key] = name
    return keys


def validate(
    model: type[Settings], data: Mapping[str, Any], base: Path
) -> tuple[dict[str, Any], dict[str, tuple[str, dict[str, str]]]]:
    """The values of `data` (a project file's table, by its keys), each checked by its setting's kind, by the
    settings' names; and the message of each key whose value is refused, with the message of each of its own
    keys when it is a table. Unknown keys are left out (the caller says them); paths are made relative to
    `base`."""
    by_key = {field.key: field for field in fields(model).values()}
    values: dict[str, Any] = {}
    errors: dict[str, tuple[str, dict[str, str]]] = {}
    for key, value in data.items():
        field = by_key.get(key)
        if field is None:
            continue
        try:
            values[field.name] = field.kind.check(value, base)
        except BadKeys as exc:
            errors[key] = (str(exc), dict(exc.keys))
        except MustBe as exc:
            errors[key] = (f"must be {exc}, not {kind_of(value)}", {})
        except Bad as exc:
            errors[key] = (str(exc), {})
    return values, errors


def _json(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json(each) for each in value]
    if isinstance(value, dict):
        return {str(key): _json(each) for key, each in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json(dataclasses.asdict(value))
    return value


def dumped(settings: Settings, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The settings' values (those of `names`, else all) as JSON values: paths as text, tuples as lists."""
    kept = list(fields(type(settings))) if names is None else list(names)
    return {name: _json(getattr(settings, name)) for name in kept}


__all__ = [
    "AnyPath",
    "Bad",
    "BadKeys",
    "Choice",
    "Count",
    "Existing",
    "Folder",
    "Kind",
    "Languages",
    "MailTable",
    "MustBe",
    "Option",
    "Seconds",
    "Setting",
    "Settings",
    "Standards",
    "Switch",
    "ThemeName",
    "dumped",
    "fields",
    "file_keys",
    "help_of",
    "kind",
    "option",
    "setting",
    "validate",
]
