"""What briefgen reads of a theme's fonts (briefgen.themes.fonts.facts), as fontTools reads it, kept between runs
by the font's bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from briefgen.themes import fonts
from briefgen.themes.fonts import Facts
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


def _facts(file: Path) -> Facts:
    """The facts of the file as it is now (not those of this process's first reading)."""
    return fonts.facts.__wrapped__(file)  # type: ignore[no-any-return]


def test_the_facts_are_fonttools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from the font and from the cache alike: hhea's ascent and descent, head's units, hmtx's advances."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular = _fonts(tmp_path)[0]
    with TTFont(regular) as font:
        cmap, widths = font.getBestCmap(), font["hmtx"].metrics
        expected = (font["head"].unitsPerEm, font["hhea"].ascent, font["hhea"].descent)
        advances = {code: widths[glyph][0] for code, glyph in cmap.items()}
    for read in (_facts(regular), _facts(regular)):  # read, then kept
        assert (read.units, read.ascent, read.descent) == expected
        assert read.advances == advances and read.mapped == set(cmap)


def test_the_kept_code_points_are_the_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular, other = _fonts(tmp_path)
    first = _facts(regular).mapped
    assert first == _read(regular) and ord("é") in first
    assert len(list((tmp_path / "cache" / "briefgen" / "fonts").glob("*.json"))) == 1
    assert _facts(regular) == fonts.facts.__wrapped__(regular)  # read from the cache
    shutil.copy(other, regular)  # the same name, other bytes: read from the font again
    assert _facts(regular).mapped == _read(other)
    assert len(list((tmp_path / "cache" / "briefgen" / "fonts").glob("*.json"))) == 2


@pytest.mark.parametrize("kept", ["", "{", '{"font": "x", "ranges": []}', '{"ranges": [["a", 1]]}', "[1, 2]"])
def test_a_kept_file_that_is_not_one_written_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular = _fonts(tmp_path)[0]
    expected = _facts(regular).mapped
    (file,) = (tmp_path / "cache" / "briefgen" / "fonts").glob("*.json")
    file.write_text(kept, encoding="utf-8")
    assert _facts(regular).mapped == expected
    assert json.loads(file.read_text(encoding="utf-8"))["mapped"]  # written again


def test_a_cache_that_cannot_be_written_costs_only_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    regular = _fonts(tmp_path)[0]
    assert _facts(regular).mapped == _read(regular)


def test_the_characters_no_face_has_are_each_said_once_in_the_order_they_come() -> None:
    """backends.glyphs.missing: in the document's text, then the catalog's; never a space or a format mark; each
    character checked against the faces by fontTools' cmap."""
    from types import SimpleNamespace

    from briefgen.backends import glyphs

    faces = load_theme("briefing").faces
    catalog = SimpleNamespace(strings={"notes": "Notes ☃"}, quotes=("«", "»"))
    text = "Kyutai 漢 a\u200b b 😀 漢 c\u00a0d ☃"
    found = glyphs.missing(text, catalog, faces)  # type: ignore[arg-type]
    assert found == ["漢", "😀", "☃"]
    cmaps = [TTFont(face.file).getBestCmap() for face in faces]
    assert all(not any(ord(char) in cmap for cmap in cmaps) for char in found)
