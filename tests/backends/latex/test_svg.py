"""An SVG in a LaTeX build (a theme's logo, a brief's figure): drawn with the theme's fonts only, reading no file
outside the theme's folders and the brief's figures, and the same PDF whatever briefgen's cache holds."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter

from briefgen.backends import latex
from tests.conftest import KYUTAI, ROOT, require_tool, run_cli

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch"
FIGURE = ALLIANCE / "figure.svg"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="60">\n{body}\n</svg>\n'


def pdffonts(pdf: Path) -> list[str]:
    """The fonts poppler finds in the PDF, by name, without the subset's tag."""
    require_tool("pdffonts", "reading PDFs back; apt-get install poppler-utils")
    rows = subprocess.run(["pdffonts", pdf], check=True, capture_output=True, text=True).stdout.splitlines()[
        2:
    ]
    return [re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows]


@pytest.fixture(scope="module")
def alliance(lualatex: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The AI Alliance brief in English, built by LaTeX in two processes whose XDG_CACHE_HOME differ: one with
    no SVG drawn yet, one holding a wrong PDF under the name the figure had in an older cache (its SVG's hash).
    Both share LuaTeX's font database, which takes a minute to make: {"empty": pdf, "poisoned": pdf}."""
    fonts = latex.cache_dir()  # LuaTeX's own cache, under this process's XDG_CACHE_HOME
    fonts.mkdir(parents=True, exist_ok=True)
    built: dict[str, bytes] = {}
    for name in ("empty", "poisoned"):
        base = tmp_path_factory.mktemp(f"cache-{name}")
        (base / "briefgen").mkdir()
        (base / "briefgen" / "texmf-var").symlink_to(fonts)
        if name == "poisoned":
            old = base / "briefgen" / "logos" / f"{hashlib.sha256(FIGURE.read_bytes()).hexdigest()}.pdf"
            old.parent.mkdir()
            wrong = PdfWriter()
            wrong.add_blank_page(360, 195)  # the figure's size (480 × 260 px), drawn blank
            with old.open("wb") as file:
                wrong.write(file)
        out = tmp_path_factory.mktemp(f"alliance-{name}")
        command = [sys.executable, "-m", "briefgen", "build", ALLIANCE, "--engine", "latex", "--lang", "en"]
        env = {**os.environ, "XDG_CACHE_HOME": str(base)}
        result = subprocess.run([*command, "--out", out, "-q"], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        built[name] = (out / "ai-alliance-launch.en.pdf").read_bytes()
    return built


def test_a_figure_s_text_is_set_in_the_theme_s_font_only(alliance: dict[str, bytes], tmp_path: Path) -> None:
    pdf = tmp_path / "alliance.pdf"
    pdf.write_bytes(alliance["empty"])
    names = pdffonts(pdf)
    assert "Lato" in names, f"the figure's text, in the family its SVG names: {names}"
    assert all(name.startswith("Lato") for name in names), names


def test_the_pdf_is_the_same_whatever_the_svg_cache_holds(alliance: dict[str, bytes]) -> None:
    assert alliance["empty"] == alliance["poisoned"]


def theme_with_logo(folder: Path, svg: str) -> Path:
    """A theme extending briefing whose logo is `svg`, in `folder`/theme."""
    theme = folder / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("name: logo-test\nextends: briefing\npage: {logo: logo.svg}\n")
    (theme / "logo.svg").write_text(svg)
    return theme


@pytest.mark.parametrize("reference", ["absolute", "relative"])
def test_an_svg_that_refers_to_a_file_outside_is_refused_at_its_line(workdir: Path, reference: str) -> None:
    canary = workdir / "canary.png"
    canary.write_bytes(b"\x89PNG\r\n\x1a\ncanary bytes, never to be read")
    href = canary.as_uri() if reference == "absolute" else "../canary.png"
    body = f'  <rect width="60" height="60" fill="#1d3b4f"/>\n  <image href="{href}" width="60" height="60"/>'
    theme = theme_with_logo(workdir, SVG.format(body=body))
    code, _out, err = run_cli(
        "build", KYUTAI, "--engine", "latex", "--theme", theme, "--out", workdir / "out"
    )
    assert code == 2, err
    assert (
        f"theme/logo.svg:3:3: logo: the SVG refers to '{href[:80]}': a logo holds everything it shows" in err
    )
    assert "Traceback" not in err
    assert not list((workdir / "out").glob("*.pdf"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<text y="40" font-family="DejaVu Sans">Acme</text>',
            'font-family "DejaVu Sans" is not a font of the theme',
        ),
        ('<text y="40">Acme</text>', 'the text "Acme" is set in no font of the theme (font-family: none'),
        (
            '<g font-family="serif"><text y="40">Acme</text></g>',
            'the text "Acme" is set in no font of the theme (font-family: serif)',
        ),
    ],
)
def test_svg_text_in_a_font_the_theme_lacks_is_refused_at_its_line(
    workdir: Path, text: str, message: str
) -> None:
    theme = theme_with_logo(workdir, SVG.format(body=f'  <rect width="60" height="60"/>\n  {text}'))
    code, _out, err = run_cli(
        "build", KYUTAI, "--engine", "latex", "--theme", theme, "--out", workdir / "out"
    )
    assert code == 2, err
    assert re.search(rf"^theme/logo\.svg:3:\d+: logo: {re.escape(message)}", err, re.MULTILINE), err
    assert not list((workdir / "out").glob("*.pdf"))
