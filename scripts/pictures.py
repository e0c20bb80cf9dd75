"""Render page 1 of each language of the Kyutai briefing, in each built-in theme, to PNG for the README.

.venv/bin/python scripts/pictures.py [ENGINE]      (needs poppler's pdftoppm)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"
IMAGES = ROOT / "docs" / "images"


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
        return 1
    engine = sys.argv[1] if len(sys.argv) > 1 else "weasyprint"
    IMAGES.mkdir(parents=True, exist_ok=True)
    for theme in ("briefing", "dossier"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            command = ["build", str(BRIEF), "--engine", engine, "--theme", theme, "--out", str(out), "-q"]
            subprocess.run([sys.executable, "-m", "briefgen", *command], check=True)
            for pdf in sorted(out.glob("*.pdf")):
                target = IMAGES / f"{pdf.stem}.{theme}.page1"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "70",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(target),
                    ],
                    check=True,
                )
                print(f"{target.relative_to(ROOT)}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
