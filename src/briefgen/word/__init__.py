"""Take a Document and its theme; give the briefing as a Word document (.docx), whatever the engine.

The pipeline: the Document as a Pandoc AST (pandoc_ast), the theme's reference document (reference), Pandoc's
docx writer (the `pandoc` program of the pypandoc-binary wheel, run with `--sandbox`: it reads the AST on its
standard input and the reference document, and no other file), then the package settled on the brief's date
(package). Pandoc and python-docx are imported only here, when a .docx is asked for.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from briefgen.backends import TIMEOUT, scratch
from briefgen.document.view import Document
from briefgen.errors import EngineError, EngineTimeout
from briefgen.language.catalog import Catalog
from briefgen.themes.layers import Theme
from briefgen.word.package import settled
from briefgen.word.pandoc_ast import ast_of
from briefgen.word.reference import reference_docx

SUFFIX = ".docx"


@cache
def pandoc() -> str:
    """The pandoc program of the pypandoc-binary wheel."""
    try:
        import pypandoc
    except ImportError as exc:  # a dependency: only a broken install lacks it
        raise EngineError(
            f"docx: pypandoc-binary is not installed ({exc}): pip install pypandoc-binary"
        ) from None
    return str(pypandoc.get_pandoc_path())


def _run(args: list[str], stdin: bytes, timeout: float) -> bytes:
    """Pandoc's standard output for `args`; EngineError when it fails, EngineTimeout past `timeout`."""
    with tempfile.TemporaryDirectory(dir=scratch.folder()) as here:
        try:
            done = subprocess.run(
                [pandoc(), *args],
                input=stdin,
                capture_output=True,
                cwd=here,
                env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "HOME": here, "TMPDIR": here},
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineTimeout(timeout, "pandoc") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EngineError(f"pandoc failed (exit {done.returncode}): {said[-1] if said else 'no message'}")
    return done.stdout


@cache
def _default_reference() -> bytes:
    return _run(["--print-default-data-file", "reference.docx"], b"", TIMEOUT)


@cache
def _reference(manifest_json: str) -> bytes:
    from briefgen.themes.manifest import Manifest

    return reference_docx(Manifest.model_validate_json(manifest_json), _default_reference())


def write_docx(doc: Document, catalog: Catalog, theme: Theme, timeout: float = TIMEOUT) -> bytes:
    """The .docx of `doc` in the styles of `theme`: the same bytes for the same brief, theme and Pandoc."""
    banner = doc.banner(str(theme.manifest.layout.get("banner", "auto")))
    tree = json.dumps(ast_of(doc, catalog, banner), ensure_ascii=False).encode("utf-8")
    reference = _reference(theme.manifest.model_dump_json(by_alias=True))
    with tempfile.TemporaryDirectory(dir=scratch.folder()) as here:
        ref = Path(here) / "reference.docx"
        ref.write_bytes(reference)
        args = ["--sandbox", "--from", "json", "--to", "docx", "--reference-doc", str(ref), "--output", "-"]
        data = _run(args, tree, timeout)
    return settled(data, doc)


__all__ = ["SUFFIX", "write_docx"]
