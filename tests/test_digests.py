"""What fingerprints are made of, read cheaply: a library's version as importlib.metadata gives it, for every
distribution installed; a file read again when it changes; a folder's files in path order."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from briefgen import digests


def test_a_librarys_version_is_the_one_its_metadata_gives() -> None:
    installed = list(importlib.metadata.distributions())
    assert len(installed) > 10
    for distribution in installed:
        name = distribution.metadata["Name"]
        assert digests.version(name) == importlib.metadata.version(name), name


def test_a_library_not_installed_has_no_version() -> None:
    assert digests.version("no-such-library-for-briefgen") is None


def test_a_folders_files_are_listed_with_their_digests(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_bytes(b"two")
    (tmp_path / "one.txt").write_bytes(b"one")
    (tmp_path / "b" / "__pycache__").mkdir()
    (tmp_path / "b" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    listed = digests.folder_files(tmp_path)
    assert [path for path, _ in listed] == ["b/two.txt", "one.txt"]
    (tmp_path / "one.txt").write_bytes(b"changed")
    assert digests.folder_files(tmp_path) != listed
