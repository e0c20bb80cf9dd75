"""Render pages of the example briefings to PNG for the README: page 1 of each language of the Kyutai briefing
in each built-in theme, page 1 of each language of the AI Alliance briefing, and the page of its first table;
page 1 of the Kyutai briefing's Word document (`--format docx`) as LibreOffice prints it (-r 60); then the site `briefgen publish` makes of them: its index (docs/publish.png) and a page on a phone
(docs/publish-phone.png), in Debian's chromium through Playwright, as tests/distribution/test_publish.py opens them;
and `briefgen serve`'s preview of the Kyutai brief after a bad edit (docs/serve.png).

.venv/bin/python scripts/pictures.py [ENGINE]      (needs poppler's pdftoppm and pdftotext, chromium and LibreOffice)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KYUTAI = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"
ALLIANCE = ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml"
IMAGES = ROOT / "docs" / "images"
DOCS = ROOT / "docs"


def build(brief: Path, engine: str, theme: str, out: Path) -> list[Path]:
    command = ["build", str(brief), "--engine", engine, "--theme", theme, "--out", str(out), "-q"]
    subprocess.run([sys.executable, "-m", "briefgen", *command], check=True)
    return sorted(out.glob("*.pdf"))


def picture(pdf: Path, page: int, target: Path) -> None:
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(["pdftoppm", "-png", "-r", "70", *pages, "-singlefile", str(pdf), str(target)], check=True)
    print(f"{target.relative_to(ROOT)}.png")


def page_of(pdf: Path, words: str) -> int:
    """The first page whose text holds `words`."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), 1):
        if words in " ".join(page.split()):
            return number
    raise SystemExit(f"{pdf.name}: no page holds {words!r}")


def docx_picture() -> None:
    """Page 1 of the French Kyutai briefing as a Word document, as LibreOffice prints it (tests/office.py)."""
    sys.path.insert(0, str(ROOT))
    from tests.office import to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        briefgen = [sys.executable, "-m", "briefgen"]
        command = ["build", str(KYUTAI), "--format", "docx", "--lang", "fr", "--out", str(out), "-q"]
        subprocess.run([*briefgen, *command], check=True)
        pdf = to_pdf([out / "kyutai-launch.fr.docx"], out / "pdf")["kyutai-launch.fr.docx"]
        target = IMAGES / "kyutai-launch.fr.docx.page1"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)]
        )
        print(f"{target.relative_to(ROOT)}.png")


def site_pictures(engine: str) -> None:
    """Publish both briefs and take the pictures of the site: the index on a desktop, a page on a phone."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import PHONE, chromium, visit

    with tempfile.TemporaryDirectory() as tmp:
        out, site = Path(tmp) / "out", Path(tmp) / "site"
        for brief in (KYUTAI, ALLIANCE):
            build(brief, engine, "briefing", out)
        briefgen = [sys.executable, "-m", "briefgen"]
        subprocess.run(
            [*briefgen, "publish", str(site), str(KYUTAI), str(ALLIANCE), "--out", str(out)], check=True
        )
        base = site.as_uri() + "/"
        with chromium() as browser:
            desktop = {"viewport": {"width": 1100, "height": 640}, "device_scale_factor": 1}
            with visit(browser, base + "index.html", lambda url: url.startswith(base), **desktop) as seen:
                seen.page.screenshot(path=DOCS / "publish.png", full_page=True)
            phone = base + "kyutai-launch.en.html"
            with visit(
                browser, phone, lambda url: url == phone, **{**PHONE, "device_scale_factor": 1}
            ) as seen:
                seen.page.screenshot(path=DOCS / "publish-phone.png")
    print("docs/publish.png\ndocs/publish-phone.png")


def serve_picture(engine: str) -> None:
    """`briefgen serve` on a copy of the Kyutai brief: its page once a bad edit shows its error above the last good
    version, in a window narrow enough to stack each language's HTML above its PDF (a headless chromium draws no
    PDF viewer in a screenshot: the picture shows the HTML)."""
    import socket
    import time

    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium, visit

    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        folder = Path(tmp) / "kyutai-launch"
        shutil.copytree(KYUTAI.parent, folder)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        command = [
            sys.executable,
            "-m",
            "briefgen",
            "serve",
            "kyutai-launch",
            "--engine",
            engine,
            "--port",
            str(port),
        ]
        server = subprocess.Popen(
            command, cwd=tmp, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        try:
            assert server.stderr is not None
            for line in server.stderr:
                if line.startswith("serving"):
                    break
            base = f"http://127.0.0.1:{port}/"
            with chromium() as browser:
                desktop = {"viewport": {"width": 880, "height": 760}, "device_scale_factor": 1}
                with visit(
                    browser,
                    base + "brief/kyutai-launch/",
                    lambda url: not url.startswith("http") or url.startswith(base),
                    **desktop,
                ) as seen:
                    brief = folder / "brief.yaml"
                    good = brief.read_text(encoding="utf-8")
                    brief.write_text(
                        good.replace("languages: [fr, en]", "languages: [fr, en", 1), encoding="utf-8"
                    )
                    seen.page.get_by_role("alert").wait_for(timeout=30_000)
                    time.sleep(1)  # the page's fonts
                    seen.page.screenshot(path=DOCS / "serve.png")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("docs/serve.png")


def main() -> int:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        print("pdftoppm and pdftotext are missing: apt-get install poppler-utils", file=sys.stderr)
        return 1
    if shutil.which("soffice") is None:
        print("LibreOffice is missing: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 1
    if shutil.which("chromium") is None:
        print("chromium is missing: apt-get install chromium", file=sys.stderr)
        return 1
    engine = sys.argv[1] if len(sys.argv) > 1 else "weasyprint"
    IMAGES.mkdir(parents=True, exist_ok=True)
    for theme in ("briefing", "dossier"):
        with tempfile.TemporaryDirectory() as tmp:
            for pdf in build(KYUTAI, engine, theme, Path(tmp)):
                picture(pdf, 1, IMAGES / f"{pdf.stem}.{theme}.page1")
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in build(ALLIANCE, engine, "briefing", Path(tmp)):
            picture(pdf, 1, IMAGES / f"{pdf.stem}.briefing.page1")
            if pdf.stem.endswith(".en"):
                picture(pdf, page_of(pdf, "Table 1"), IMAGES / f"{pdf.stem}.briefing.table")
    docx_picture()
    site_pictures(engine)
    serve_picture(engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
