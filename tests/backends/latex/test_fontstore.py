"""The theme's fonts as LuaLaTeX reads them: one folder per content, whatever install they came from, so that
luaotfload's cache (keyed on each file's name, size and modification time) is not made again by each install."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from briefgen.backends.latex.markup import font_file, font_folder
from briefgen.themes.fonts import faces


def _install(into: Path, when: int) -> tuple:
    """The built-in faces copied into `into`, their files dated `when` (as two virtualenvs date theirs)."""
    into.mkdir(parents=True)
    copied = []
    for face in faces():
        shutil.copyfile(face.file, into / face.file.name)
        os.utime(into / face.file.name, (when, when))
        copied.append(replace(face, file=into / face.file.name))
    return tuple(copied)


def test_two_installs_of_the_same_fonts_give_lualatex_one_folder_of_one_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = _install(tmp_path / "venv-a", 1_700_000_000)
    second = _install(tmp_path / "venv-b", 1_750_000_000)
    assert font_folder(first) == font_folder(second)  # fontspec's Path= in the LaTeX source
    (folder,) = (tmp_path / "cache" / "briefgen" / "texmf-var" / "fonts").iterdir()
    assert font_folder(first).endswith(f"/{folder.name}/")
    for face in first:
        copy = folder / str(font_file(first, face.weight, face.italic))
        assert copy.read_bytes() == face.file.read_bytes()
        assert copy.stat().st_mtime not in (1_700_000_000, 1_750_000_000)
    assert len({(folder / f.file.name).stat().st_mtime for f in first}) == 1


def test_other_font_files_get_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = _install(tmp_path / "venv-a", 1_700_000_000)
    other = _install(tmp_path / "theme", 1_700_000_000)
    regular = next(f for f in other if f.weight == 400 and not f.italic)
    regular.file.write_bytes(regular.file.read_bytes() + b"\0")  # another version of the font
    assert font_folder(first) != font_folder(other)
    folders = list((tmp_path / "cache" / "briefgen" / "texmf-var" / "fonts").iterdir())
    assert len(folders) == 2
    copies = {(folder / regular.file.name).read_bytes() for folder in folders}
    assert regular.file.read_bytes() in copies
