"""LibreOffice, headless, as a reader of the .docx files briefgen writes: every file converted to PDF in one call
(a call starts LibreOffice, which takes seconds), with the theme's font files known to its fontconfig, as they are
to Word where the fonts are installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from briefgen.themes.layers import load_theme


def fonts_conf(folder: Path, theme: str = "briefing") -> Path:
    """A fontconfig file: the system's fonts and the folders of the theme's font files."""
    dirs = "".join(f"<dir>{d}</dir>" for d in sorted({f.file.parent for f in load_theme(theme).faces}))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{dirs}'
        f"<cachedir>{folder / 'fontconfig'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


def to_pdf(files: list[Path], out: Path, timeout: float = 600) -> dict[str, Path]:
    """Each of `files` converted to a PDF in `out` by one LibreOffice run: {file name: PDF}."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-writer-nogui"
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf(out)), "HOME": str(out)}
    profile = (out / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    done = subprocess.run(
        [*command, str(out), *map(str, files)], env=env, capture_output=True, text=True, timeout=timeout
    )
    pdfs = {f.name: out / f"{f.stem}.pdf" for f in files}
    missing = [name for name, pdf in pdfs.items() if not pdf.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {done.stdout}{done.stderr}"
    return pdfs
