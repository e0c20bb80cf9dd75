"""Pack the PDFs an output folder holds into zip files to hand out: per brief, or one for all.

Each zip holds the brief's PDFs, `manifest.json` (the output folder's, restricted to them) and `SHA256SUMS`
(sha256sum's format). The same PDFs give the same zip bytes: names sorted, every entry dated the brief's date
(1980-01-01 when earlier), mode 0644, deflated at level 9.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from briefgen.distribution import manifest
from briefgen.distribution.built import built
from briefgen.output import write_all

FOLDER = "bundles"
ONE = "briefings.zip"
EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can hold


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    date: dt.date


def bundle(paths: list[Path], out: Path, one: bool = False) -> list[Path]:
    """Write the bundles of the briefs of `paths` from the PDFs in `out`; the zips written. Raises InputError
    (nothing written) when a brief does not load, has no PDF in `out`, or its PDFs are not the manifest's."""
    found = built(paths, out)
    files = {b.name: b.entry for pdfs in found for b in pdfs}
    members = {
        pdfs[0].loaded.brief.id: [Member(b.name, b.data, max(b.loaded.brief.date, EPOCH)) for b in pdfs]
        for pdfs in found
    }
    zips: list[tuple[Path, bytes]]
    if one:
        every = sorted((m for ms in members.values() for m in ms), key=lambda m: m.name)
        zips = [(out / FOLDER / ONE, _zip(every, files))]
    else:
        zips = [(out / FOLDER / f"{key}.zip", _zip(ms, files)) for key, ms in sorted(members.items())]
    write_all(zips)
    return [path for path, _ in zips]


def _zip(members: list[Member], files: dict[str, manifest.Entry]) -> bytes:
    """The zip of `members`, with their manifest and SHA256SUMS, byte for byte the same for the same PDFs."""
    date = max(m.date for m in members)
    described = manifest.restricted(files, [m.name for m in members])
    sums = "".join(f"{hashlib.sha256(m.data).hexdigest()}  {m.name}\n" for m in members)
    every = [*members, Member(manifest.NAME, described, date), Member("SHA256SUMS", sums.encode(), date)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in sorted(every, key=lambda m: m.name):
            info = zipfile.ZipInfo(
                member.name, (member.date.year, member.date.month, member.date.day, 0, 0, 0)
            )
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.data, compresslevel=9)
    return buffer.getvalue()


__all__ = ["FOLDER", "ONE", "bundle"]
