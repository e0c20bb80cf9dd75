"""The first build on a machine where only pip ran: fast, and what is slow says so.

Without the system's libharfbuzz-subset, WeasyPrint would subset fonts with fontTools, seconds a document;
briefgen gives the work to the HarfBuzz of the uharfbuzz wheel. The libraries are hidden from one child
process at a time by a `sitecustomize` module on its PYTHONPATH, as on a bare machine.

    .venv/bin/python -m tests.e2e.test_first_run [--runs 3]     the benchmark of `make bench`
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, ROOT, require_tool, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
SECONDS = re.compile(r"^(?P<pdf>\S+\.pdf)\s.*\s(?P<seconds>[\d.]+) s$", re.MULTILINE)
# cffi loads WeasyPrint's libraries: refusing libharfbuzz-subset is a machine without libharfbuzz-subset0.
HIDE_SYSTEM = """
import cffi

_dlopen = cffi.FFI.dlopen


def _dlopen_hidden(self, name, *args, **kwargs):
    if name is not None and "harfbuzz-subset" in str(name):
        raise OSError(f"cannot load library {name!r}: hidden")
    return _dlopen(self, name, *args, **kwargs)


cffi.FFI.dlopen = _dlopen_hidden
"""
HIDE_WHEEL = '\nimport sys\n\nsys.modules["uharfbuzz"] = None  # import uharfbuzz raises ImportError\n'
HIDDEN = {"none": "", "system": HIDE_SYSTEM, "both": HIDE_SYSTEM + HIDE_WHEEL}


def briefgen(
    *args: str | Path, hide: str = "none", env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run `briefgen ARGS` in a child process, the libraries `hide` names hidden: exit code, stdout, stderr."""
    environ = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="hide-") as shim:
        if HIDDEN[hide]:
            (Path(shim) / "sitecustomize.py").write_text(HIDDEN[hide], encoding="utf-8")
            environ["PYTHONPATH"] = os.pathsep.join(p for p in (shim, environ.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "briefgen", *(str(a) for a in args)]
        result = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=600)
    return result.returncode, result.stdout, result.stderr


def build(brief: Path, out: Path, hide: str = "none", *args: str) -> tuple[dict[str, float], str]:
    """Build `brief` into `out`: the seconds of each PDF as `build` prints them, and what it printed on stderr."""
    code, stdout, stderr = briefgen("build", brief, "--out", out, *args, hide=hide)
    assert code == 0, stderr
    return {Path(m["pdf"]).name: float(m["seconds"]) for m in SECONDS.finditer(stdout)}, stderr


def subset_fonts(pdf: Path) -> dict[str, tuple[bool, bool]]:
    """The fonts `pdffonts` lists: name without the subset prefix → (embedded, subset)."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in lines.splitlines()[2:]:
        name, *_, emb, sub, _uni, _obj, _gen = line.split()
        found[re.sub(r"^[A-Z]{6}\+", "", name)] = (
            emb == "yes",
            sub == "yes" and bool(re.match(r"[A-Z]{6}\+", name)),
        )
    return found


# -- WeasyPrint without libharfbuzz-subset ----------------------------------------------------------------


@pytest.mark.slow
def test_without_libharfbuzz_subset_the_pdf_is_the_same(tmp_path: Path) -> None:
    require_tool("pdffonts", "the tests read PDFs with poppler")
    normal, normal_err = build(KYUTAI, tmp_path / "normal", "none", "--force")
    bare, bare_err = build(KYUTAI, tmp_path / "bare", "system", "--force")
    assert sorted(bare) == sorted(normal) == ["kyutai-launch.en.pdf", "kyutai-launch.fr.pdf"]
    assert "subset" not in normal_err + bare_err, "no word about subsetting when HarfBuzz does it"
    for name in normal:
        before, after = tmp_path / "normal" / name, tmp_path / "bare" / name
        assert pdfcheck.text(after) == pdfcheck.text(before)
        fonts = subset_fonts(after)
        assert fonts == subset_fonts(before)
        assert fonts and all(embedded and subset for embedded, subset in fonts.values()), fonts
        for page in range(1, pdfcheck.pages(before) + 1):  # same glyphs at the same places
            drawn = [pdfcheck.render(pdf, page, 40, pdf.parent).read_bytes() for pdf in (before, after)]
            assert drawn[0] == drawn[1], f"{name}, page {page}"
        if shutil.which("qpdf"):
            check = subprocess.run(["qpdf", "--check", str(after)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_with_neither_harfbuzz_one_line_says_what_to_install(tmp_path: Path) -> None:
    _seconds, stderr = build(MINIMAL, tmp_path, "both", "--lang", "fr,en")
    lines = [line for line in stderr.splitlines() if "subset" in line]
    assert len(lines) == 1, stderr
    assert "fontTools" in lines[0] and "pip install uharfbuzz" in lines[0]
    assert "apt-get install libharfbuzz-subset0" in lines[0]


def test_the_fonts_uharfbuzz_subsets_keep_their_glyphs_at_their_ids() -> None:
    from fontTools.ttLib import TTFont

    from briefgen.backends.weasyprint.subset import subset_font
    from briefgen.themes.layers import load_theme

    face = next(f for f in load_theme("briefing").faces if f.weight == 400 and not f.italic)
    data = face.file.read_bytes()
    with TTFont(face.file) as font:
        order, cmap, glyf = font.getGlyphOrder(), font.getBestCmap(), font["glyf"]
        wanted = sorted(font.getGlyphID(cmap[ord(c)]) for c in "Kyutai fi")
        full = {gid: glyf[order[gid]].getCoordinates(glyf)[0] for gid in wanted}
        # A letter drawn in the font, between the glyphs kept, and kept by none of them.
        unused = next(
            gid
            for gid in (font.getGlyphID(cmap[ord(c)]) for c in "BCDEFGHJLMNOPQRSTUVWXZ")
            if gid < max(wanted) and glyf[order[gid]].numberOfContours > 0
        )
    small = subset_font(data, 0, wanted, hinting=False, notdef_outline=False)
    assert len(small) < len(data) / 10
    with TTFont(io.BytesIO(small)) as font:
        assert len(font.getGlyphOrder()) == max(wanted) + 1, "no glyph after the last one used"
        assert "GPOS" not in font and "GSUB" not in font, "the PDF positions every glyph itself"
        glyf = font["glyf"]
        order = font.getGlyphOrder()
        for gid, coordinates in full.items():
            assert glyf[order[gid]].getCoordinates(glyf)[0] == coordinates, gid
        assert glyf[order[unused]].numberOfContours == 0, "unused glyphs are emptied"


# -- doctor ----------------------------------------------------------------------------------------------


def weasyprint_line(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.split()[1:2] == ["weasyprint"]]
    return line


def test_doctor_names_the_subsetter() -> None:
    _code, stdout, _stderr = run_cli("doctor")
    line = weasyprint_line(stdout)
    assert line.startswith("ok ") and "fonts subset by HarfBuzz" in line, line


@pytest.mark.slow
def test_doctor_names_uharfbuzz_without_the_system_library_and_what_to_install_without_either() -> None:
    lines = {}
    for hide in ("system", "both"):
        _code, stdout, _stderr = briefgen("doctor", hide=hide)
        lines[hide] = weasyprint_line(stdout)
    assert lines["system"].startswith("ok ") and "fonts subset by HarfBuzz" in lines["system"], lines
    assert "(uharfbuzz " in lines["system"], lines
    assert lines["both"].startswith("slow ") and "fonts subset by fontTools" in lines["both"], lines
    assert lines["both"].endswith(": pip install uharfbuzz, or apt-get install libharfbuzz-subset0"), lines


# -- LaTeX's font cache ----------------------------------------------------------------------------------

CACHE_LINE = "making LuaTeX's font cache"


def test_the_tex_font_cache_is_announced_only_when_it_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.backends import latex

    class Said(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # whatever level an earlier command of this process (briefgen -q) left on the package's logger
    package = logging.getLogger("briefgen")
    monkeypatch.setattr(package, "level", package.level)  # put back after the test
    package.setLevel(logging.WARNING)  # and the loggers' cached levels cleared
    said: list[str] = []
    live, handler = logging.getLogger("briefgen.live"), Said()
    live.addHandler(handler)
    try:
        with latex._cache_lock():
            pass
        assert len(said) == 1 and CACHE_LINE in said[0] and str(tmp_path / "briefgen") in said[0], said
        names = latex.cache_dir() / "luatex-cache" / "generic" / "names"
        names.mkdir(parents=True)
        (names / "luaotfload-names.luc.gz").write_bytes(b"")  # what luaotfload writes when it is done
        with latex._cache_lock():
            pass
        assert len(said) == 1, said
    finally:
        live.removeHandler(handler)


@pytest.mark.slow
def test_the_first_latex_build_says_it_makes_the_font_cache_and_the_next_reuses_it(
    lualatex: None, tmp_path: Path
) -> None:
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ("build", MINIMAL, "--lang", "en", "--engine", "latex", "--out", tmp_path / "out")
    code, _stdout, first = briefgen(*args, env=cache)
    assert code == 0, first
    assert [line for line in first.splitlines() if CACHE_LINE in line] == [
        f"warning: latex: {CACHE_LINE} in {tmp_path / 'cache' / 'briefgen' / 'texmf-var'}, once (up to a minute)"
    ]
    code, _stdout, second = briefgen(*args, env=cache)
    assert code == 0, second
    assert CACHE_LINE not in second


# -- the benchmark of `make bench` -----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description="WeasyPrint's first build with and without libharfbuzz-subset"
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    hides = {"none": "with libharfbuzz-subset", "system": "only pip (uharfbuzz)", "both": "fontTools"}
    totals: dict[str, list[float]] = {hide: [] for hide in hides}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for hide in hides:
                seconds, _stderr = build(KYUTAI, Path(tmp) / f"{hide}-{run}", hide)
                totals[hide].append(sum(seconds.values()))
    medians = {hide: statistics.median(times) for hide, times in totals.items()}
    figures = ", ".join(f"{hides[h]} {m:.2f} (× {m / medians['none']:.2f})" for h, m in medians.items())
    print(f"WeasyPrint, Kyutai fr + en, seconds, median of {args.runs} first builds: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
