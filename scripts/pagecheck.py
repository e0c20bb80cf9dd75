"""Build the example briefs in every engine, language and theme, and print what the page-layout checker finds.

    .venv/bin/python scripts/pagecheck.py                     # every engine, briefing, dossier and acme
    .venv/bin/python scripts/pagecheck.py --engine typst --theme briefing --keep /tmp/pages
    .venv/bin/python scripts/pagecheck.py --reuse /tmp/pages  # check PDFs built before, without building

The PDFs are built by `briefgen build` (into a temporary folder unless --keep) as a user builds them; the
checker is tests/pagelayout.py. The table counts findings per kind and engine; the list gives each one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pagelayout import KINDS, Finding, check, layout_of  # noqa: E402

ENGINES = ("weasyprint", "typst", "latex")
# The built-in themes and the worked example of docs/themes.md.
THEMES = {"briefing": "briefing", "dossier": "dossier", "acme": str(ROOT / "tests/fixtures/themes/acme")}
BRIEFS = sorted((ROOT / "briefs").glob("*/brief.yaml"))


def build(engine: str, theme: str, out: Path, timeout: int) -> None:
    briefgen = Path(sys.executable).with_name("briefgen")
    args = [str(briefgen), "build", *(str(b.parent) for b in BRIEFS), "--engine", engine]
    args += ["--theme", THEMES[theme], "--out", str(out), "--timeout", str(timeout), "-q"]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        print(f"{engine} {theme}: briefgen build exited {done.returncode}\n{done.stderr}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", action="append", choices=ENGINES)
    parser.add_argument("--theme", action="append", choices=list(THEMES))
    parser.add_argument("--keep", type=Path, help="build into this folder and keep the PDFs")
    parser.add_argument("--reuse", type=Path, help="check the PDFs of an earlier --keep, without building")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a LaTeX build may take")
    args = parser.parse_args()
    engines, themes = args.engine or list(ENGINES), args.theme or list(THEMES)
    with tempfile.TemporaryDirectory(prefix="pagecheck-") as scratch:
        root = args.reuse or args.keep or Path(scratch)
        results: list[tuple[str, str, Path, list[Finding]]] = []
        for engine in engines:
            for theme in themes:
                out = root / f"{engine}-{theme}"
                if not args.reuse:
                    build(engine, theme, out, args.timeout)
                for brief in BRIEFS:
                    for pdf in sorted(out.glob(f"{brief.parent.name}.*.pdf")):
                        lang = pdf.suffixes[-2].lstrip(".")
                        findings = check(pdf, layout_of(brief, lang, THEMES[theme]))
                        results.append((engine, theme, pdf, findings))
        report(results, engines)
    return 0


def report(results: list[tuple[str, str, Path, list[Finding]]], engines: list[str]) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    pdfs: Counter[tuple[str, str]] = Counter()
    built = Counter(engine for engine, *_ in results)
    for engine, _, _, findings in results:
        for kind in {f.kind for f in findings}:
            pdfs[kind, engine] += 1
        for f in findings:
            counts[f.kind, engine] += 1
    print("| finding | " + " | ".join(f"{e} ({built[e]} PDFs)" for e in engines) + " |")
    print("|---|" + "---|" * len(engines))
    for kind in KINDS:
        cells = [f"{counts[kind, e]} in {pdfs[kind, e]} PDFs" if counts[kind, e] else "0" for e in engines]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print()
    for engine, theme, pdf, findings in results:
        print(f"## {engine} {theme} {pdf.name}: {len(findings)} finding{'s' if len(findings) != 1 else ''}")
        for f in findings:
            print(f"  {f}")


if __name__ == "__main__":
    raise SystemExit(main())
