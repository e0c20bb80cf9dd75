"""The code points a theme's fonts map (briefgen.backends.glyphs), as fontTools reads them, kept between runs by
the font's bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from briefgen.backends import glyphs
from briefgen.themes.layers import load_theme


def _fonts(tmp_path: Path) -> list[Path]:
    """Two of the briefing theme's fonts, copied so that one can be changed."""
    faces = sorted({face.file for face in load_theme("briefing").faces})[:2]
    copies = []
    for face in faces:
        shutil.copy(face, tmp_path / face.name)
        copies.append(tmp_path / face.name)
    return copies


def _read(file: Path) -> set[int]:
    with TTFont(file) as font:
        return set(font.getBestCmap())


def test_the_kept_code_points_are_the_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular, other = _fonts(tmp_path)
    first = glyphs._mapped(regular)
    assert first == _read(regular) and ord("é") in first
    assert len(list((tmp_path / "cache" / "briefgen" / "cmaps").glob("*.json"))) == 1
    assert glyphs._mapped(regular) == first  # read from the cache
    shutil.copy(other, regular)  # the same name, other bytes: read from the font again
    assert glyphs._mapped(regular) == _read(other)
    assert len(list((tmp_path / "cache" / "briefgen" / "cmaps").glob("*.json"))) == 2


@pytest.mark.parametrize("kept", ["", "{", '{"font": "x", "ranges": []}', '{"ranges": [["a", 1]]}', "[1, 2]"])
def test_a_kept_file_that_is_not_one_written_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular = _fonts(tmp_path)[0]
    expected = glyphs._mapped(regular)
    (file,) = (tmp_path / "cache" / "briefgen" / "cmaps").glob("*.json")
    file.write_text(kept, encoding="utf-8")
    assert glyphs._mapped(regular) == expected
    assert json.loads(file.read_text(encoding="utf-8"))["ranges"]  # written again


def test_a_cache_that_cannot_be_written_costs_only_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    regular = _fonts(tmp_path)[0]
    assert glyphs._mapped(regular) == _read(regular)
