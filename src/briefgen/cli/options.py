"""Make the command line's options from the settings model: each setting's option, its type and choices, default
and help, read from `briefgen.settings.Settings` the first time a command parses or shows its help.

A command that takes settings is a `SettingsCommand`: `settings=EVERY` for every setting with an option (`build`,
`watch`: a setting added to the model is an option of both), or the `Use`s it takes, with the help or default
that differ for it. The model is imported only then, so that `briefgen --help` reads no settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

if TYPE_CHECKING:
    from briefgen.settings import Kind, Setting, Settings

    # click's types are generic for the type checker from click 8.5 (ParamType) and 8.2 (Choice); at run time
    # the plain classes, so that click's lowest allowed version (pyproject.toml) runs too.
    _SecondsBase = click.ParamType[float, Any]
    _ChoiceBase = click.Choice[str]
else:
    _SecondsBase = click.ParamType
    _ChoiceBase = click.Choice

EVERY: Literal["every"] = "every"  # every setting of the model that has an option
_MODEL = object()  # a Use's default: the model's


@dataclass(frozen=True)
class Use:
    """A setting a command takes as an option: `help` and `default` where the command's differ from the
    model's."""

    name: str
    help: str | None = None
    default: Any = _MODEL


class SettingsCommand(click.Command):
    """A command whose options include settings of the model, made when first needed and placed after its
    arguments (or after the option named `after`)."""

    def __init__(
        self,
        *args: Any,
        settings: Sequence[Use] | Literal["every"] = (),
        model: type[Settings] | None = None,
        after: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.model = model
        self.after = after
        self._made = False

    def settings_model(self) -> type[Settings]:
        from briefgen.settings import Settings

        return self.model or Settings

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not self._made:
            self._made = True
            made = options(self.settings, self.settings_model())
            anchors = [
                i
                for i, p in enumerate(self.params)
                if isinstance(p, click.Argument) or (self.after is not None and p.name == self.after)
            ]
            at = anchors[-1] + 1 if anchors else 0
            self.params[at:at] = made
        return super().get_params(ctx)


def options(uses: Sequence[Use] | Literal["every"], model: type[Settings]) -> list[click.Option]:
    """The click options of `uses` (EVERY: each setting of `model` that has an option, in its order)."""
    from briefgen.settings import fields, option

    declared = fields(model)
    if uses == EVERY:
        uses = [Use(name) for name, field in declared.items() if option(field) is not None]
    return [_option(use, declared[use.name]) for use in uses]


def _option(use: Use, field: Setting) -> click.Option:
    from briefgen.settings import help_of, kind, option

    flag = option(field)
    if flag is None:
        raise ValueError(f"the setting '{use.name}' has no command-line option")
    face = _face(kind(field))
    default = field.default if use.default is _MODEL else use.default
    if "callback" in face:  # the callback makes the value from the text given, or from none
        default = None
    return click.Option(
        [*flag.names, use.name],
        default=default,
        show_default=default is not None and not face.get("is_flag"),
        metavar=flag.metavar,
        help=use.help or help_of(field),
        **face,
    )


def _face(kind: Kind) -> dict[str, Any]:
    """What click needs to read a setting of this kind from the command line."""
    from briefgen.settings import (
        AnyPath,
        Choice,
        Count,
        Existing,
        Folder,
        Languages,
        Seconds,
        Standards,
        Switch,
    )

    match kind:
        case Choice():
            return {"type": Registered(kind.read)}
        case Count():
            return {"type": click.IntRange(min=kind.least)}
        case Seconds():
            return {"type": SecondsType(kind)}
        case Folder():
            return {"type": click.Path(file_okay=False, path_type=Path)}
        case AnyPath() | Existing():
            return {"type": click.Path(path_type=Path)}
        case Languages():
            return {"callback": split_langs}
        case Standards():
            return {"callback": split_standards}
        case Switch():
            return {"is_flag": True}
    return {}  # text, checked where it is used (a theme's name or folder)


class SecondsType(_SecondsBase):
    """A number of seconds as the settings model checks it: `inf`, `nan` and a year are refused, not a traceback."""

    name = "seconds"

    def __init__(self, kind: Any) -> None:
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from briefgen.settings import Bad

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        try:
            seconds: float = self.kind.check(number, Path())
        except Bad as exc:
            self.fail(str(exc), param, ctx)
        return seconds


class Registered(_ChoiceBase):
    """A choice among what a registry holds when the command runs, not when the command was declared: an
    engine added to briefgen.backends.BACKENDS is a choice of `--engine` and its source of `--format` at once."""

    def __init__(self, read: Callable[[], Iterable[str]]) -> None:
        self._read = read
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._read())

    @choices.setter
    def choices(self, _value: Sequence[str]) -> None:
        """click.Choice keeps the list it is given; this one reads the registry instead."""


def split_langs(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    langs = tuple(v.strip() for v in value.split(",") if v.strip())
    if not langs:
        raise click.BadParameter("give language codes, e.g. fr,en")
    return langs


def split_standards(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    from briefgen.distribution.standards import parse

    try:
        return parse(value or "")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


__all__ = ["EVERY", "Registered", "SettingsCommand", "Use", "options", "split_langs", "split_standards"]
