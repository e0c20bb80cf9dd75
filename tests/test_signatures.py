"""A file's digest taken from its stat signature (briefgen.signatures): trusted only while the file keeps the
signature it was signed with, and only signed once settled; a change that keeps the size and the modification
time is still seen (the change time moves); folders are listed as os.walk lists them."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from briefgen import digests, signatures


def _settled_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process "starts" now, after the files written so far have settled."""
    time.sleep(2 * signatures.SETTLE_NS / 1e9)
    monkeypatch.setattr(signatures, "STARTED", time.time_ns())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_signed_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record's digest stands for the file while its signature is the same: the shortcut is in effect."""
    file = tmp_path / "a.txt"
    file.write_bytes(b"one")
    _settled_now(monkeypatch)
    signed = signatures.sign([file], digests.file_digest)
    assert signed[str(file)][5] == _sha(b"one")
    signed[str(file)][5] = "a digest only the record holds"
    assert signatures.Signed(signed).digest(file) == "a digest only the record holds"


def test_a_file_rewritten_with_its_size_and_time_kept_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another byte, the same size, the modification time set back (as `touch -d`, `rsync -t` do): the change
    time moved, the signature differs, the file is read."""
    file = tmp_path / "a.txt"
    file.write_bytes(b"one")
    _settled_now(monkeypatch)
    signed = signatures.sign([file], digests.file_digest)
    before = os.stat(file)
    file.write_bytes(b"two")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(file).st_mtime_ns == before.st_mtime_ns and os.stat(file).st_size == before.st_size
    assert signatures.Signed(signed).digest(file) == _sha(b"two")


def test_a_file_replaced_by_another_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file, other = tmp_path / "a.txt", tmp_path / "b.txt"
    file.write_bytes(b"one")
    other.write_bytes(b"two")
    _settled_now(monkeypatch)
    signed = signatures.sign([file], digests.file_digest)
    os.replace(other, file)
    assert signatures.Signed(signed).digest(file) == _sha(b"two")


def test_a_file_changed_as_the_process_started_is_not_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed less than SETTLE_NS before the process read it: a write in the same clock tick could keep its
    signature, so it is never signed."""
    monkeypatch.setattr(signatures, "STARTED", time.time_ns())
    file = tmp_path / "a.txt"
    file.write_bytes(b"one")
    assert signatures.sign([file], digests.file_digest) == {}


def test_a_file_system_of_whole_seconds_needs_the_coarse_margin() -> None:
    second = 1_000_000_000
    assert not signatures.settled(10 * second, 11 * second)  # a whole second: within COARSE_NS
    assert signatures.settled(10 * second, 10 * second + signatures.COARSE_NS + 1)
    assert signatures.settled(10 * second + 1, 11 * second)  # nanoseconds kept: SETTLE_NS is enough


@pytest.mark.parametrize("entry", [None, [], [1, 2, 3], ["x"] * 6, {"sha256": "x"}, [0, 0, 0, 0, 0, 7]])
def test_a_malformed_entry_is_no_entry(tmp_path: Path, entry: object) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"one")
    assert signatures.Signed({str(file): entry}).digest(file) == _sha(b"one")


def test_no_regular_file_has_no_digest(tmp_path: Path) -> None:
    assert signatures.Signed().digest(tmp_path / "missing") is None
    assert signatures.Signed().digest(tmp_path) is None


def _os_walk(root: Path, skip: list[Path]) -> list[tuple[str, str]]:
    """What the fingerprints listed before (os.walk and pathlib), to hold `walk` to it."""
    skipped = {p.resolve() for p in skip}
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and (here / d).resolve() not in skipped)
        found += [
            ((here / n).relative_to(root).as_posix(), str(here / n)) for n in files if (here / n).is_file()
        ]
    return sorted(found)


def test_a_folder_is_walked_as_os_walk_walks_it(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "out").mkdir()
    (root / "a.txt").write_text("a")
    (root / "sub" / "b.txt").write_text("b")
    (root / "sub" / "deeper" / "c.txt").write_text("c")
    (root / "__pycache__" / "x.pyc").write_text("x")
    (root / "out" / "o.pdf").write_text("o")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.txt").write_text("e")
    (root / "linked").symlink_to(tmp_path / "elsewhere")  # a link to a folder: not followed
    (root / "file-link.txt").symlink_to(root / "a.txt")  # a link to a file: listed
    (root / "broken").symlink_to(tmp_path / "missing")  # a broken link: not a file
    (root / "out-link").symlink_to(root / "out")
    for skip in ([], [root / "out"], [tmp_path / "root" / "sub"]):
        assert signatures.walk(root, skip) == _os_walk(root, skip)
    assert [name for name, _ in signatures.walk(root, [root / "out"])] == [
        "a.txt",
        "file-link.txt",
        "sub/b.txt",
        "sub/deeper/c.txt",
    ]


def test_a_signed_folder_sees_a_file_changed_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """briefgen.recall's folder digest, each file by its signature: one byte changed, size and time kept."""
    from briefgen import recall

    (tmp_path / "theme").mkdir()
    file = tmp_path / "theme" / "page.typ"
    file.write_bytes(b"#set page(a4)")
    _settled_now(monkeypatch)
    signed = signatures.Signed(signatures.sign([file], digests.file_digest))
    before = recall.folder_digest(str(tmp_path / "theme"), [], signed)
    assert before == recall.folder_digest(str(tmp_path / "theme"), [], signatures.Signed())
    info = os.stat(file)
    file.write_bytes(b"#set page(a5)")
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert recall.folder_digest(str(tmp_path / "theme"), [], signed) != before
