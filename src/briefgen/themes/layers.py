"""Resolve `--theme NAME|PATH` into layers (user folder → theme → parent …) and one validated manifest.

Like MkDocs' `custom_dir → theme → parent`: a template, catalog or asset is taken from the first layer that has
it; a manifest value from the nearest layer that sets it. Every problem is located in the file that caused it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefgen.brief.images import check_logo
from briefgen.brief.problems import problem_from
from briefgen.brief.read import Located, Path_, Unreadable, load_yaml
from briefgen.errors import BriefgenError, InputError, Problem, display_path
from briefgen.themes import fonts as fontfiles
from briefgen.themes.builtin import ALIASES, DEFAULT_THEME, MANIFEST, builtin_root, builtin_themes
from briefgen.themes.manifest import LAYOUT_CHOICES, LAYOUT_FORMS, Manifest

TOKEN_SECTIONS = (
    "colours",
    "text",
    "space",
    "rules",
    "layout",
)  # a child may only change what its parent has
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Layer:
    """One folder of a theme: its templates per engine, its catalogs, its assets, maybe a manifest."""

    name: str
    root: Path
    located: Located | None  # its theme.yaml, if it has one
    builtin: bool
    legacy: bool = False  # a `--templates DIR` folder

    def engine_dir(self, folder: str) -> Path:
        return self.root / folder

    def files(self, folder: str) -> list[str]:
        base = self.engine_dir(folder)
        return (
            sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
            if base.is_dir()
            else []
        )


@dataclass(frozen=True)
class Theme:
    """A resolved theme: its layers (nearest first), its merged manifest, its fonts and its logo."""

    name: str
    layers: tuple[Layer, ...]
    manifest: Manifest
    origin: dict[Path_, Layer]  # which layer set each manifest value
    faces: tuple[fontfiles.Face, ...]
    logo: Path | None
    catalog_dirs: tuple[Path, ...] = field(default=())
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # values derived once

    def template_dirs(self, folder: str) -> list[Path]:
        return [layer.engine_dir(folder) for layer in self.layers if layer.engine_dir(folder).is_dir()]

    def prefixed_dirs(self, folder: str) -> dict[str, list[Path]]:
        """`name:file.j2` in a template loads the file from layer `name` or its parents (for `{% extends %}`)."""
        out: dict[str, list[Path]] = {}
        for i, layer in enumerate(self.layers):
            if layer.located is not None:
                out.setdefault(
                    layer.name,
                    [d.engine_dir(folder) for d in self.layers[i:] if d.engine_dir(folder).is_dir()],
                )
        return out

    def asset_dirs(self) -> list[Path]:
        """Folders an engine may read: the layers and the font files' folders."""
        return [layer.root for layer in self.layers] + sorted({face.file.parent for face in self.faces})

    def families(self) -> dict[str, tuple[fontfiles.Face, ...]]:
        out: dict[str, list[fontfiles.Face]] = {}
        for face in self.faces:
            out.setdefault(face.family, []).append(face)
        return {name: tuple(faces) for name, faces in out.items()}


def _problem(layer: Layer, path: Path_, message: str, at_key: bool = False) -> Problem:
    if layer.located is None:
        return Problem(display_path(layer.root), 0, 0, message)
    return layer.located.problem(path, message, at_key=at_key)


def _find(spec: str, relative_to: Path | None) -> tuple[Path, bool]:
    """The folder of theme `spec`: a built-in name, or a folder (relative to the theme that names it)."""
    name = ALIASES.get(spec, spec)
    if name in builtin_themes():
        return builtin_root() / name, True
    folder = (relative_to / spec) if relative_to is not None and not Path(spec).is_absolute() else Path(spec)
    if folder.is_dir():
        if not (folder / MANIFEST).is_file():
            raise InputError(
                f"{display_path(folder)}: not a theme folder: it has no {MANIFEST} "
                f"(start one with: briefgen themes export {DEFAULT_THEME} DIR)"
            )
        return folder, folder.resolve().is_relative_to(builtin_root().resolve())
    raise InputError(
        f"unknown theme '{spec}' (built-in: {', '.join(builtin_themes())}; or a folder holding a {MANIFEST})"
    )


def _chain(spec: str) -> list[Layer]:
    """The manifest layers of `spec` and its parents, nearest first."""
    layers: list[Layer] = []
    seen: set[Path] = set()
    relative_to: Path | None = None
    current: str | None = spec
    while current is not None:
        try:
            folder, builtin = _find(current, relative_to)
        except InputError as exc:
            if not layers:
                raise
            close = difflib.get_close_matches(current, builtin_themes(), n=1, cutoff=0.6)
            message = exc.problems[0].message
            if close:
                message = f"unknown theme '{current}' (did you mean '{close[0]}'?)"
            raise InputError(_problem(layers[-1], ("extends",), message)) from None
        if folder.resolve() in seen:
            names = " → ".join(layer.name for layer in layers)
            raise InputError(
                _problem(
                    layers[-1], ("extends",), f"themes extend each other in a circle: {names} → {current}"
                )
            )
        seen.add(folder.resolve())
        located = load_yaml(folder / MANIFEST)
        if located.problems:
            raise InputError(located.problems)
        data = located.data if isinstance(located.data, dict) else {}
        name = str(data.get("name") or folder.name)
        layers.append(Layer(name, folder, located, builtin))
        current = data.get("extends") if isinstance(data.get("extends"), str) else None
        relative_to = folder
    return layers


def _merge(layers: list[Layer]) -> tuple[dict[str, Any], dict[Path_, Layer], list[Problem]]:
    """The manifests merged, root theme first; which layer set each value; children's unknown token names."""
    merged: dict[str, Any] = {}
    origin: dict[Path_, Layer] = {}
    problems: list[Problem] = []

    def merge(
        into: dict[str, Any], data: dict[str, Any], path: Path_, layer: Layer, parent_has: bool
    ) -> None:
        for key, value in data.items():
            here = (*path, key)
            if (
                parent_has
                and path
                and path[0] in TOKEN_SECTIONS
                and len(path) == 1
                and key not in into
                and not _used(layer, str(key))
            ):
                close = difflib.get_close_matches(str(key), [str(k) for k in into], n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(map(str, into))}"
                problems.append(_problem(layer, here, f"unknown {path[0]} token '{key}'{hint}", at_key=True))
                continue
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value, here, layer, parent_has)
            else:
                into[key] = value
                for sub in [p for p in origin if p[: len(here)] == here]:
                    del origin[sub]
                for sub in _leaves(value, here):
                    origin[sub] = layer

    for depth, layer in enumerate(reversed(layers)):
        assert layer.located is not None
        data = dict(layer.located.data) if isinstance(layer.located.data, dict) else {}
        data.pop("extends", None)
        merge(merged, data, (), layer, parent_has=depth > 0)
    return merged, origin, problems


def _used(layer: Layer, token: str) -> bool:
    """Whether a layer's own templates name a token: a child theme may add tokens its templates read."""
    return any(
        token in file.read_text(encoding="utf-8", errors="replace")
        for file in layer.root.rglob("*")
        if file.is_file() and file.name != MANIFEST and file.suffix in (".j2", ".css", ".typ", ".tex")
    )


def _leaves(value: Any, path: Path_) -> list[Path_]:
    """The paths of a value and of everything inside it."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _leaves(item, (*path, key))
    return out


def _owner(origin: dict[Path_, Layer], path: Path_, fallback: Layer) -> Layer:
    probe = tuple(path)
    while probe:
        if probe in origin:
            return origin[probe]
        probe = probe[:-1]
    return fallback


def _asset(
    layer: Layer, path: Path_, name: str, suffixes: tuple[str, ...], what: str
) -> tuple[Path | None, Problem | None]:
    """A file named in a manifest: inside its layer's folder (no escape), a regular file with a known suffix."""
    root = layer.root.resolve()
    file = (layer.root / name).resolve()
    if not file.is_relative_to(root):
        return None, _problem(
            layer, path, f"{what} '{name}' is outside the theme folder {display_path(layer.root)}"
        )
    if not file.is_file():
        return None, _problem(layer, path, f"{what} '{name}' not found in {display_path(layer.root)}")
    if file.suffix.lower() not in suffixes:
        return None, _problem(layer, path, f"{what} '{name}' must be one of: {', '.join(suffixes)}")
    return file, None


def _logo_image(layer: Layer, path: Path_, name: str, file: Path) -> list[Problem]:
    """The logo under a figure's rules: its format from its bytes, the size and pixel limits, decoded whole, and an
    SVG that refers to nothing outside itself (what an engine would drop or refuse)."""
    try:
        check_logo(file)
    except Unreadable as exc:
        if exc.line:  # inside an SVG: at its line
            return [Problem(display_path(file), exc.line, exc.column, f"logo: {exc.reason}")]
        return [_problem(layer, path, f"cannot show logo '{name}': {exc.reason}")]
    return []


def _fonts(
    manifest: Manifest, origin: dict[Path_, Layer], nearest: Layer
) -> tuple[tuple[fontfiles.Face, ...], list[Problem]]:
    faces: list[fontfiles.Face] = []
    problems: list[Problem] = []
    for family, source in manifest.fonts.items():
        layer = _owner(origin, ("fonts", family), nearest)
        files: dict[str, Path] = {}
        if source.package is not None:
            try:
                files = fontfiles.package_faces(family, source.package)
            except BriefgenError as exc:
                problems += [_problem(layer, ("fonts", family, "package"), p.message) for p in exc.problems]
                continue
            missing = [f for f in ("regular", "bold") if f not in files]
            if missing:
                problems.append(
                    _problem(
                        layer,
                        ("fonts", family, "package"),
                        f"font package '{source.package}' has no {' or '.join(missing)} face",
                    )
                )
                continue
        for face, name in (source.files or {}).items():
            file, problem = _asset(
                layer, ("fonts", family, "files", face), name, fontfiles.FONT_SUFFIXES, "font file"
            )
            if problem:
                problems.append(problem)
            elif file is not None:
                try:
                    declared = fontfiles.family_name(file)
                except fontfiles.NotAFont as exc:
                    where = ("fonts", family, "files", face)
                    problems.append(_problem(layer, where, f"'{name}' is {exc.problems[0].message}"))
                    continue
                if declared != family:
                    problems.append(
                        _problem(
                            layer,
                            ("fonts", family, "files", face),
                            f"'{name}' is a font of the family '{declared}', not '{family}'",
                        )
                    )
                files[face] = file
        if "regular" in files and "bold" in files:
            faces += fontfiles.faces_of(family, files)
    families = list(manifest.fonts)
    for role in ("text", "headings"):
        family = getattr(manifest.font, role)
        if family not in manifest.fonts:
            layer = _owner(origin, ("font", role), nearest)
            problems.append(
                _problem(
                    layer,
                    ("font", role),
                    f"no font family '{family}' in any layer's 'fonts' (families: {', '.join(families)})",
                )
            )
    return tuple(faces), problems


def _references(manifest: Manifest, origin: dict[Path_, Layer], nearest: Layer) -> list[Problem]:
    problems = []
    for name, style in manifest.text.items():
        if style.colour not in manifest.colours:
            layer = _owner(origin, ("text", name, "colour"), nearest)
            problems.append(
                _problem(
                    layer,
                    ("text", name, "colour"),
                    f"no colour '{style.colour}' (colours: {', '.join(manifest.colours)})",
                )
            )
    return problems


def _logo_said(merged: dict[str, Any], origin: dict[Path_, Layer], layers: list[Layer]) -> list[Problem]:
    """What the logo says, from the nearest layer that says it: its alt text, or decorative (a nearer layer's
    word replaces a parent's), never both in one layer, and never inherited from a parent that said it of
    another file. Drops the parent's word from `merged` when a nearer layer says the other."""
    page = merged.get("page")
    logo = page.get("logo") if isinstance(page, dict) else None
    if not isinstance(logo, dict):
        return []

    def depth(key: str) -> int:
        return layers.index(_owner(origin, ("page", "logo", key), layers[0]))

    said = {key: depth(key) for key in ("alt", "decorative") if key in logo}
    if len(said) == 2 and said["alt"] != said["decorative"]:
        farther = max(said, key=lambda key: said[key])
        del logo[farther], said[farther]
    elif len(said) == 2 and logo["decorative"] is True:
        where = ("page", "logo", "decorative")
        return [_problem(layers[said["alt"]], where, "a logo has alt text or is decorative, not both")]
    if "file" not in logo or not said or min(said.values()) <= depth("file"):
        return []
    key = min(said, key=lambda key: said[key])
    return [
        _problem(
            layers[depth("file")],
            ("page", "logo", "file"),
            f"this logo would take the '{key}' that theme '{layers[said[key]].name}' gives its own logo: "
            "give alt (or decorative: true) beside the file",
        )
    ]


def load_theme(spec: str = DEFAULT_THEME, templates: Path | None = None) -> Theme:
    """The theme `spec` (a built-in name or a folder), with `--templates DIR` as a first layer when given."""
    layers = _chain(spec)
    merged, origin, problems = _merge(layers)
    problems += _logo_said(merged, origin, layers)
    nearest = layers[0]
    try:
        manifest = Manifest.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            layer = _owner(origin, tuple(err["loc"]), nearest)
            assert layer.located is not None
            problems.append(problem_from(layer.located, err, root=Manifest))
        raise InputError(problems) from None
    faces, font_problems = _fonts(manifest, origin, nearest)
    problems += font_problems + _references(manifest, origin, nearest)
    for key, choices in LAYOUT_CHOICES.items():
        value = manifest.layout.get(key)
        if value is not None and value not in choices:
            layer = _owner(origin, ("layout", key), nearest)
            allowed = f"{', '.join(choices[:-1])} or {choices[-1]}"
            problems.append(_problem(layer, ("layout", key), f"'{key}' is {allowed}, not '{value}'"))
    for key, (form, test) in LAYOUT_FORMS.items():
        value = manifest.layout.get(key)
        if value is not None and not test(value):
            layer = _owner(origin, ("layout", key), nearest)
            problems.append(_problem(layer, ("layout", key), f"'{key}' is {form}, not '{value}'"))
    logo = None
    if manifest.page.logo is not None:
        where = ("page", "logo", "file")
        layer = _owner(origin, where, nearest)
        logo, problem = _asset(layer, where, manifest.page.logo.file, LOGO_SUFFIXES, "logo")
        if problem:
            problems.append(problem)
        elif logo is not None:
            problems += _logo_image(layer, where, manifest.page.logo.file, logo)
    if problems:
        raise InputError(problems)
    all_layers = layers
    if templates is not None:
        all_layers = [_legacy_layer(templates, layers), *layers]
    catalogs = tuple(c for c in (catalogs_of(layer) for layer in all_layers) if c.is_dir())
    return Theme(manifest.name, tuple(all_layers), manifest, origin, faces, logo, catalogs)


def catalogs_of(layer: Layer) -> Path:
    """A layer's catalogs folder: beside its engine folders, or `--templates DIR/catalogs`."""
    return layer.root.parent / "catalogs" if layer.legacy else layer.root / "catalogs"


def _legacy_layer(templates: Path, layers: list[Layer]) -> Layer:
    """`--templates DIR`: DIR/<theme>/<engine>/ and DIR/catalogs/ are searched first."""
    if not templates.is_dir():
        raise InputError(f"--templates: no such folder: {templates}")
    names = [layer.name for layer in layers] + [
        k for k, v in ALIASES.items() if v in [layer.name for layer in layers]
    ]
    for name in names:
        if (templates / name).is_dir():
            return Layer(f"--templates {display_path(templates)}", templates / name, None, False, legacy=True)
    return Layer(f"--templates {display_path(templates)}", templates / names[0], None, False, legacy=True)


__all__ = ["DEFAULT_THEME", "Layer", "Theme", "builtin_root", "builtin_themes", "catalogs_of", "load_theme"]
