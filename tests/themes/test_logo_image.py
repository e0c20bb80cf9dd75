"""A theme's logo under a brief figure's rules: its format read from its bytes, the size and pixel limits, a damaged
image refused, an SVG that refers to nothing outside itself. Each mistake is one located line, exit 2, nothing
written, whether met by `build`, `check --theme` or `themes show`."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
ALT = "{fr: Le logo, en: The logo}"


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def bomb() -> bytes:
    """A PNG whose header says 20 000 × 20 000 pixels (400 million): its few bytes would decode to 1.2 GB."""
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\0\0\0\0IEND\xaeB`\x82"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="JPEG")
    return buffer.getvalue()


SVG_OUT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">\n'
    '  <rect width="10" height="10"/>\n'
    '  <image href="{href}" width="60" height="20"/>\n'
    "</svg>\n"
)

# name of the logo file, its bytes, what the error line says (at the manifest's logo line, or at the SVG's line)
CASES = {
    "external-image": (
        "logo.svg",
        SVG_OUT.format(href="https://example.org/logo.png").encode(),
        ("logo.svg:3:3: logo: the SVG refers to 'https://example.org/logo.png'",),
    ),
    "outside-folder": (
        "logo.svg",
        SVG_OUT.format(href="../secret.png").encode(),
        ("logo.svg:3:3: logo: the SVG refers to '../secret.png'",),
    ),
    "style-import": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="6" height="2">'
        b"<style>@import url(/etc/x.css);</style></svg>",
        ("logo.svg:1:62: logo: the SVG's style refers to another file",),
    ),
    "truncated-png": ("logo.png", png(300, 100)[:-60], ("a damaged PNG file",)),
    "400-megapixels": ("logo.png", bomb(), ("20000 × 20000 pixels (at most 50 million)",)),
    "jpeg-named-png": ("logo.png", jpeg(), ("a JPEG file named as PNG", "rename it logo.jpg")),
    "text-named-png": ("logo.png", b"not an image at all\n", ("not a PNG, JPEG or SVG image",)),
    "gif": ("logo.png", b"GIF89a" + b"\0" * 20, ("its first bytes say a GIF file",)),
    "too-large": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="6" height="2"><!--'
        + b"x" * 10_000_001
        + b"--></svg>",
        ("10 MB",),
    ),
}


def theme(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data)
    (folder / "theme.yaml").write_text(
        f"name: mine\nextends: briefing\npage:\n  logo: {{file: {name}, alt: {ALT}}}\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("case", CASES)
def test_a_bad_logo_is_one_located_error_in_build_check_and_themes_show(tmp_path: Path, case: str) -> None:
    name, data, said = CASES[case]
    mine = theme(tmp_path / "mine", name, data)
    at_line = said[0].startswith(name)
    where = f"{mine}/{said[0]}" if at_line else f"{mine / 'theme.yaml'}:4:16: cannot show logo '{name}': "
    for args in (
        ("build", MINIMAL, "--theme", mine, "--engine", "typst", "--out", tmp_path / "out"),
        ("check", MINIMAL, "--theme", mine),
        ("themes", "show", mine),
    ):
        code, stdout, stderr = run_cli(*args)
        assert code == 2, (args[0], stdout, stderr)
        located = [line for line in stderr.splitlines() if line.startswith(str(tmp_path))]
        assert len(located) == 1 and located[0].startswith(where), (args[0], stderr)
        assert all(words in located[0] for words in said), (args[0], stderr)
        assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_good_logo_of_each_format_builds(tmp_path: Path) -> None:
    """The checks refuse what they should and no more: a PNG, a JPEG (.jpg and .jpeg) and a self-contained SVG,
    with a fragment reference and an embedded image, build in Typst, its text on the page."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" '
        b'height="20"><defs><rect id="r" width="10" height="10"/></defs><use xlink:href="#r"/>'
        b'<image href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD'
        b'hgGAWjR9awAAAABJRU5ErkJggg==" width="5" height="5"/></svg>'
    )
    for name, data in (
        ("logo.png", png(300, 100)),
        ("logo.jpg", jpeg()),
        ("logo.jpeg", jpeg()),
        ("logo.svg", svg),
    ):
        mine = theme(tmp_path / name.replace(".", "-"), name, data)
        out = tmp_path / "out" / name
        code, _stdout, stderr = run_cli("build", MINIMAL, "--theme", mine, "--engine", "typst", "--out", out)
        assert code == 0, (name, stderr)
        assert sorted(p.name for p in out.glob("*.pdf")) == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]
        code, stdout, stderr = run_cli("themes", "show", mine)
        logo = [line for line in stdout.splitlines() if line.startswith("logo: ")]
        assert code == 0 and len(logo) == 1 and f"{name}  (alt text in fr, en)" in logo[0], (stdout, stderr)


def test_a_bad_logo_leaves_a_good_pdf_in_out_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", MINIMAL, "--engine", "typst", "--lang", "en", "--out", out)
    assert code == 0, stderr
    pdf = out / "minimal-brief.en.pdf"
    before = pdf.read_bytes()
    mine = theme(tmp_path / "mine", "logo.svg", SVG_OUT.format(href="https://example.org/x.png").encode())
    code, _stdout, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--lang", "en", "--out", out, "--theme", mine
    )
    assert code == 2 and "logo.svg:3:3: logo: the SVG refers to" in stderr
    assert pdf.read_bytes() == before
