"""Fingerprint everything that shapes one output, and tell whether the output in `out/` is still that output.

A fingerprint is one sha256 over what a PDF is made from: the brief's files (its bytes, its sources', its
figures'), every file of the theme's layers (manifest, templates, CSS, catalogs, logo, fonts kept in a layer) and
its font files, every catalog file, the engine and its version, the build's options (every field of `Settings`
but those in EXCLUDED, so that a setting added to the model counts unless it is declared not to), the Python
libraries briefgen runs with, and briefgen itself (its version and the bytes of its own files). `build` stores
it in the output's manifest entry; an output whose stored fingerprint matches, and whose file in `out/` is the
file the entry describes (its sha256), is up to date and is not built again.

`out/` is untrusted input: a record that is missing, malformed or does not match, a file that is a link, a
folder or another file, only ever means "build it again".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import briefgen
from briefgen import digests
from briefgen.digests import file_digest, folder_files
from briefgen.distribution import confined, manifest
from briefgen.language.catalog import BUILTIN_CATALOGS

if TYPE_CHECKING:
    from briefgen.brief.validate import LoadedBrief
    from briefgen.build import Setup

# The settings that cannot change an output's bytes, each with why; every other field of Settings is part of
# the fingerprint (tests/test_fingerprint.py proves each one changes it).
EXCLUDED: dict[str, str] = {
    "briefs": "which briefs are built: each output's own brief files are fingerprinted",
    "langs": "which languages are built: each output's own language is fingerprinted",
    "out": "where the outputs go, not what they hold",
    "jobs": "how many engines run at once",
    "timeout": "how long an engine may take: a build that ends in time writes the same bytes",
    "force": "whether an output that is up to date is built again",
    "mail": "how `briefgen mail` sends the PDFs, not what they hold",
}


def options(setup: Setup) -> dict[str, Any]:
    """The build's options that shape its outputs: every setting but EXCLUDED, as JSON values."""
    from briefgen.settings import dumped, fields

    settings = setup.settings
    return dumped(settings, [name for name in fields(type(settings)) if name not in EXCLUDED])


def basis(setup: Setup) -> dict[str, Any]:
    """What every output of a build shares: briefgen, the engine, the options, the theme's files, the
    catalogs. Files are named by their place in the theme, not on the disk, so that a project moved or copied
    whole keeps its outputs up to date; they are read once per process while their stamps stay the same."""
    theme = setup.theme
    out = [setup.settings.out]
    faces = sorted((face.family, face.weight, face.italic, file_digest(face.file)) for face in theme.faces)
    catalogs = [folder_files(d) for d in (*theme.catalog_dirs, BUILTIN_CATALOGS) if d.is_dir()]
    return {
        "briefgen": briefgen.__version__,
        "package": digests.package(),
        "engine": setup.backend.name,
        "engine_version": digests.engine_version(setup.backend),
        "options": options(setup),
        "theme": manifest.theme_name(str(setup.settings.theme)),
        "layers": [[layer.name, layer.builtin, folder_files(layer.root, out)] for layer in theme.layers],
        "fonts": faces,
        "catalogs": catalogs,
    }


def of_output(shared: str, loaded: LoadedBrief, lang: str, suffix: str) -> str:
    """The fingerprint of one output: the build's basis (`shared`, its sha256), the brief's files, the
    language and the file's kind."""
    record = {"basis": shared, "inputs": manifest.inputs_of(loaded), "language": lang, "suffix": suffix}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def shared(setup: Setup) -> str:
    """The sha256 of the build's basis."""
    return hashlib.sha256(json.dumps(basis(setup), sort_keys=True).encode()).hexdigest()


def stale(out: Path, name: str, entry: manifest.Entry | None, fingerprint: str) -> str | None:
    """Why the output `name` of `out` must be built, or None when it is up to date: its manifest entry holds
    this fingerprint and the file is a regular file whose bytes are the ones the entry describes."""
    if entry is None:
        return "the manifest does not describe it"
    if entry.fingerprint != fingerprint:
        return "its inputs changed" if entry.fingerprint else "the manifest holds no fingerprint of it"
    try:
        data = confined.read(out, name, entry.bytes)
    except (OSError, briefgen.BriefgenError):  # missing, a link, a folder, larger than said…
        return "its file is missing or not the one built"
    if len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
        return "its file changed since it was built"
    return None


__all__ = ["EXCLUDED", "basis", "file_digest", "of_output", "options", "shared", "stale"]
