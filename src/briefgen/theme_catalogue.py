"""What `briefgen themes` shows and writes: the built-in themes, a theme's resolved tokens and files, a copy to edit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from briefgen.backends import BACKENDS
from briefgen.errors import InputError, Problem, display_path
from briefgen.language.catalog import BUILTIN_CATALOGS
from briefgen.theme_check import check_all
from briefgen.themes.builtin import ALIASES, MANIFEST, builtin_root, builtin_themes
from briefgen.themes.layers import Theme, load_theme
from briefgen.themes.tokens import tokens


def listing() -> list[str]:
    """One line per built-in theme: name, parent, engines, description."""
    lines = []
    for name in builtin_themes():
        theme = load_theme(name)
        engines = [b.name for b in BACKENDS.values() if theme.template_dirs(b.folder)]
        parent = f" (extends {theme.layers[1].name})" if len(theme.layers) > 1 else ""
        lines.append(f"{name}{parent}  [{', '.join(engines)}]  {theme.manifest.description}")
    return lines


def _section(token: str) -> tuple[str, ...]:
    """The manifest path that sets a token, to say which layer it comes from."""
    head, _, rest = token.partition("-")
    if head == "colour":
        return ("colours", rest)
    if head == "text":
        return ("text",)
    if head in ("space", "layout"):
        return (head, rest)
    if head == "rule":
        return ("rules", rest)
    if head == "margin":
        return ("page", "margin", rest)
    if head in ("header", "footer"):
        return ("page", head, rest)
    if head == "logo":
        return ("page", "logo-height")
    if head == "page":
        return ("page", "size")
    return ("font", rest)


def _said(theme: Theme) -> str:
    """What the logo says to a screen reader: its alt text's languages, a catalog string, or nothing."""
    logo = theme.manifest.page.logo
    if theme.logo is None or logo is None:
        return ""
    if logo.decorative:
        return "  (decorative: an artifact)"
    if isinstance(logo.alt, dict):
        return f"  (alt text in {', '.join(logo.alt)})"
    if logo.alt is not None:
        return f"  (alt text: the catalog string '{logo.alt}')"
    return "  (no alt text: drawn as an artifact)"


def show(spec: str, templates: Path | None = None, warn: Callable[[str], None] = print) -> list[str]:
    """The resolved theme: layers, fonts, logo, every token (derived ones marked) and each template's layer."""
    theme = load_theme(spec, templates)
    problems = check_all(theme)
    if any(not p.warning for p in problems):
        raise InputError(problems)
    for problem in problems:
        warn(str(problem))
    lines = [f"theme {theme.name}: {theme.manifest.description}", "layers (nearest first):"]
    lines += [f"  {layer.name}  {display_path(layer.root)}" for layer in theme.layers]
    lines.append("fonts:")
    for family, faces in theme.families().items():
        files = ", ".join(f"{f.weight}{' italic' if f.italic else ''}: {f.file.name}" for f in faces)
        lines.append(f"  {family}  ({files})  in {display_path(faces[0].file.parent)}")
    lines.append(f"logo: {display_path(theme.logo) if theme.logo else 'none'}{_said(theme)}")
    lines.append("tokens (CSS var(--name), Typst theme.group.name, LaTeX \\BriefToken{name}; * derived):")
    derived = (
        "-line",
        "-tracking-tex",
        "-top-edge",
        "-bottom-edge",
        "-strut-height",
        "-strut-depth",
        "-ratio",
        "-family",
    )
    for name, value in tokens(theme).items():
        layer = _layer_of(theme, _section(name), name)
        mark = "*" if name.endswith(derived) else " "
        lines.append(f"  {mark} {name:<34} {value!s:<12} {layer}")
    for backend in BACKENDS.values():
        lines.append(f"templates for {backend.name} ({backend.folder}/):")
        seen: dict[str, str] = {}
        for each in theme.layers:
            for file in each.files(backend.folder):
                seen.setdefault(file, each.name)
        lines += [f"  {file:<28} {name}" for file, name in sorted(seen.items())]
    lines.append("catalogs: " + ", ".join(display_path(d) for d in [*theme.catalog_dirs, BUILTIN_CATALOGS]))
    return lines


def _layer_of(theme: Theme, path: tuple[str, ...], token: str) -> str:
    if path == ("text",):
        style = next(
            (s for s in sorted(theme.manifest.text, key=len, reverse=True) if token.startswith(f"text-{s}-")),
            "",
        )
        prop = token[len(f"text-{style}-") :]
        path = (
            ("text", style, prop)
            if prop in ("size", "leading", "weight", "tracking", "italic", "caps", "colour")
            else ("text", style)
        )
    probe = path
    while probe:
        if probe in theme.origin:
            return theme.origin[probe].name
        probe = probe[:-1]
    return theme.layers[-1].name


def _slug(folder: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else "custom"


def _builtin(spec: str) -> str:
    """The built-in theme `spec` names (an old name included). Raises InputError listing the others."""
    name = ALIASES.get(spec, spec)
    if name not in builtin_themes():
        raise InputError(f"unknown theme '{spec}' (built-in: {', '.join(builtin_themes())})")
    return name


def _write_new(files: dict[Path, bytes]) -> list[Path]:
    """Write `files`, unless one of them exists: then nothing is written, and every one that exists is named."""
    existing = [p for p in files if p.exists() or p.is_symlink()]
    if existing:
        raise InputError(
            [Problem(display_path(p), 0, 0, "already exists; not overwritten") for p in existing]
        )
    blocked = {_not_a_folder(p.parent) for p in files} - {None}
    if blocked:
        raise InputError(
            [
                Problem(display_path(p), 0, 0, "is a file, not a folder: choose another DIRECTORY")
                for p in blocked
                if p
            ]
        )
    written: list[Path] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        for path in written:  # all or nothing: what this export wrote goes
            path.unlink(missing_ok=True)
        where = display_path(exc.filename) if exc.filename else "DIRECTORY"
        raise InputError(Problem(where, 0, 0, f"cannot write it: {exc.strerror or exc}")) from None
    return list(files)


def _not_a_folder(folder: Path) -> Path | None:
    """The nearest existing path at or above `folder` when it is not a folder (a file in the way), else None."""
    for above in (folder, *folder.parents):
        if above.exists():
            return None if above.is_dir() else above
    return None


def export(spec: str, directory: Path, engine: str | None = None, extend: bool = False) -> list[Path]:
    """Write theme `spec` to `directory` as a theme folder to edit and use with `--theme DIR`.

    By default a copy of the theme's own folder: its manifest (renamed, still extending the theme's parent if
    it has one), its templates, its assets, and the catalogs. With `extend`, a theme that `extends` it: a
    manifest with every value to change commented out, and no template. Never overwrites a file.
    """
    name = _builtin(spec)
    files: dict[Path, bytes] = {}
    new_name = _slug(directory)
    source = builtin_root() / name
    manifest = (source / MANIFEST).read_text(encoding="utf-8")
    manifest = re.sub(r"^# yaml-language-server.*\n", "", manifest, count=1, flags=re.M)
    if extend:
        body = "\n".join(
            f"# {line}" if line.strip() else line
            for line in manifest.splitlines()
            if not line.startswith(("name:", "extends:"))
        )
        header = f"name: {new_name}\nextends: {name}\n# Uncomment and change what you need; everything else comes from '{name}'.\n"
        files[directory / MANIFEST] = (header + body + "\n").encode("utf-8")
    else:
        files[directory / MANIFEST] = re.sub(
            r"^name: .*$", f"name: {new_name}", manifest, count=1, flags=re.M
        ).encode("utf-8")
        folders = {BACKENDS[engine].folder} if engine else {b.folder for b in BACKENDS.values()}
        for file in sorted(source.rglob("*")):
            relative = file.relative_to(source)
            if not file.is_file() or file.name == MANIFEST:
                continue
            if (
                relative.parts[0] in {b.folder for b in BACKENDS.values()}
                and relative.parts[0] not in folders
            ):
                continue
            files[directory / relative] = file.read_bytes()
        for catalog in sorted(BUILTIN_CATALOGS.glob("*.yaml")):
            files[directory / "catalogs" / catalog.name] = catalog.read_bytes()
    return _write_new(files)


def export_legacy(spec: str, directory: Path, engine: str | None = None) -> list[Path]:
    """`briefgen templates export`: DIRECTORY/<theme>/<engine>/…, for `--templates DIRECTORY`."""
    name = _builtin(spec)
    theme = load_theme(name)
    folders = [BACKENDS[engine].folder] if engine else [b.folder for b in BACKENDS.values()]
    files: dict[Path, bytes] = {}
    for layer in reversed(theme.layers):
        for folder in folders:
            for file in layer.files(folder):
                files[directory / spec / folder / file] = (layer.engine_dir(folder) / file).read_bytes()
    return _write_new(files)


__all__ = ["export", "export_legacy", "listing", "show"]
