"""Check a theme's own layers for one engine: an override must override something the theme has."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from briefgen.errors import Problem, display_path
from briefgen.themes.builtin import MANIFEST
from briefgen.themes.layers import Layer, Theme


def check_layers(
    theme: Theme, folder: str, engine: str, suffix: str, folders: Sequence[str] = ()
) -> list[Problem]:
    """Problems of the user's layers for one engine: a layer that overrides nothing, a file no parent has.

    `folders` are every engine's template folders: a layer with templates in another one only builds with its
    parent's for this engine (a warning), one with none changes nothing (an error).
    A file of a user layer that no lower layer has is accepted when another file of the same layer names it
    (a template of the user's own, included by an override).
    """
    problems: list[Problem] = []
    for i, layer in enumerate(theme.layers):
        if layer.builtin:
            continue
        below = {name for lower in theme.layers[i + 1 :] for name in lower.files(folder)}
        mine = layer.files(folder)
        if i == len(theme.layers) - 1:
            if not mine:  # a theme of its own, with no parent: it needs every template
                problems.append(
                    Problem(
                        display_path(layer.root),
                        0,
                        0,
                        f"theme '{layer.name}' has no templates for {engine} in {display_path(layer.engine_dir(folder))}/ and extends no theme",
                    )
                )
            continue
        for name in mine:
            if name not in below:
                own_refs = sum(
                    Path(name).name
                    in (layer.engine_dir(folder) / other).read_text(encoding="utf-8", errors="replace")
                    for other in mine
                    if other != name
                )
                if not own_refs:
                    # a file of the same name in another folder first: blocks/table.html.j2 for table.html.j2
                    close = [b for b in sorted(below) if Path(b).name == Path(name).name][:1]
                    close = close or difflib.get_close_matches(name, sorted(below), n=1, cutoff=0.6)
                    hint = (
                        f"did you mean '{close[0]}'?"
                        if close
                        else f"the theme has: {', '.join(sorted(below))}"
                    )
                    path = display_path(layer.engine_dir(folder) / name)
                    problems.append(
                        Problem(
                            path,
                            0,
                            0,
                            f"the theme has no template '{name}' for {engine} to override ({hint})",
                        )
                    )
        if layer.legacy:
            has_catalogs = (layer.root.parent / "catalogs").is_dir()
            if not mine and not has_catalogs:
                expected = display_path(layer.engine_dir(folder))
                found = sorted(
                    p.relative_to(layer.root.parent).as_posix()
                    for p in layer.root.parent.glob("*/*")
                    if p.is_dir()
                )
                problems.append(
                    Problem(
                        display_path(layer.root.parent),
                        0,
                        0,
                        f"--templates overrides nothing for {engine}: expected templates in {expected}/ "
                        f"(like {expected}/brief{suffix}.j2) or catalogs in {display_path(layer.root.parent / 'catalogs')}/"
                        + (f"; found {', '.join(found)}" if found else ""),
                    )
                )
        elif not mine and not _sets_tokens(layer) and not (layer.root / "catalogs").is_dir():
            others = [f for f in folders if f != folder and layer.files(f)]
            parent = theme.layers[i + 1].name
            if others:  # a theme for other engines: this one builds with the parent's templates, said aloud
                problems.append(
                    Problem(
                        display_path(layer.root / MANIFEST),
                        0,
                        0,
                        f"theme '{layer.name}' has templates for {', '.join(o + '/' for o in others)} only: "
                        f"{engine} builds with those of '{parent}'",
                        warning=True,
                    )
                )
                continue
            problems.append(
                Problem(
                    display_path(layer.root / MANIFEST),
                    0,
                    0,
                    f"theme '{layer.name}' changes nothing: no token in {MANIFEST}, no catalog and no template "
                    f"in {', '.join(display_path(layer.engine_dir(f)) + '/' for f in folders)}",
                )
            )
    return problems


def _sets_tokens(layer: Layer) -> bool:
    data = layer.located.data if layer.located is not None and isinstance(layer.located.data, dict) else {}
    return any(key not in ("name", "description", "extends") for key in data)


__all__ = ["check_layers"]
