"""Time each pipeline stage and each engine on the Kyutai brief, in one process, and print ratios.

    .venv/bin/python scripts/bench.py [--runs 5]

Timings on shared machines are noisy: read the ratios (engines against WeasyPrint, briefgen's own stages
against the engine's compile), not the absolute figures. The first build of each engine (imports, font
caches) is a warm-up and is not counted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from briefgen.backends import Job, get_backend
from briefgen.build import Options, plan
from briefgen.document.view import build_document
from briefgen.output import write_atomic
from briefgen.render import render
from briefgen.themes.layers import load_theme

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"


def stages(engine: str, out: Path) -> dict[str, float]:
    """One build of every language, each stage timed (seconds, summed over the languages)."""
    times = dict.fromkeys(("load+validate", "localise+typeset", "render", "engine", "write"), 0.0)
    start = time.perf_counter()
    tasks = plan([BRIEF], Options(engine=engine))
    times["load+validate"] += time.perf_counter() - start
    theme = load_theme("briefing")
    dirs = theme.template_dirs(get_backend(engine).folder)
    eng = get_backend(engine)
    for task in tasks:
        t0 = time.perf_counter()
        doc = build_document(task.loaded, task.lang, task.catalog)
        t1 = time.perf_counter()
        source = render(eng, theme, doc, task.catalog)
        t2 = time.perf_counter()
        typeset = eng.compile(
            Job(
                source=source,
                doc=doc,
                template_dirs=dirs,
                font_dir=theme.faces[0].file.parent,
                fonts=theme.faces,
                asset_dirs=theme.asset_dirs(),
                logo=theme.logo,
            )
        )
        t3 = time.perf_counter()
        write_atomic(out / f"{doc.id}.{task.lang}.pdf", typeset.pdf)
        t4 = time.perf_counter()
        times["localise+typeset"] += t1 - t0
        times["render"] += t2 - t1
        times["engine"] += t3 - t2
        times["write"] += t4 - t3
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="weasyprint,typst,latex")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e != "latex" or shutil.which("lualatex")]
    medians: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            stages(engine, Path(tmp))  # warm-up: imports, font caches
            runs = [stages(engine, Path(tmp)) for _ in range(args.runs)]
            medians[engine] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    base = sum(medians["weasyprint"].values())
    print(f"Kyutai brief, fr + en, median of {args.runs} runs after a warm-up (seconds)\n")
    names = list(next(iter(medians.values())))
    print("| engine | " + " | ".join(names) + " | total | × WeasyPrint | briefgen's share |")
    print("|---" * (len(names) + 4) + "|")
    for engine, m in medians.items():
        total = sum(m.values())
        own = total - m["engine"]
        cells = " | ".join(f"{m[n]:.3f}" for n in names)
        print(f"| {engine} | {cells} | {total:.3f} | {total / base:.2f} | {own / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
