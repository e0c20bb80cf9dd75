"""Time each pipeline stage and each engine on the Kyutai brief, in one process, and print ratios.

    .venv/bin/python scripts/bench.py [--runs 5] [--engines weasyprint,typst,latex] [--standards]

`--standards` times instead what each PDF standard costs each engine: the engine's compile with no standard
(WeasyPrint also untagged, which briefgen no longer writes, for the cost of tagging), `ua-1`, `a-3b` and
`ua-1,a-3b`, each with the brief's files attached as every build attaches them, as ratios to no standard.

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

from briefgen.backends import Engine, Job, get_backend
from briefgen.build import plan, resolve
from briefgen.document.view import build_document
from briefgen.output import write_atomic
from briefgen.render import render
from briefgen.settings import Settings
from briefgen.themes.layers import load_theme

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"


def jobs(engine: str, standards: tuple[str, ...]) -> list[Job]:
    """The jobs of every language of the brief, as `build` makes them, with these standards."""
    from briefgen.build import prepare

    setup = resolve(Settings(engine=engine, standards=standards))
    return [job for task in plan([BRIEF], setup).tasks if (job := prepare(task, setup).job) is not None]


def standards_table(engines: list[str], runs: int) -> None:
    """Each engine's compile time (both languages) for each standard, as a ratio to no standard."""
    from briefgen.backends.weasyprint import standards as weasyprint_standards

    cases: list[tuple[str, tuple[str, ...]]] = [
        ("none", ()),
        ("ua-1", ("ua-1",)),
        ("a-3b", ("a-3b",)),
        ("ua-1,a-3b", ("ua-1", "a-3b")),
    ]
    print(f"Kyutai brief, fr + en, engine only, median of {runs} interleaved runs after a warm-up\n")
    print("| engine | standard | seconds | × none |\n|---|---|---|---|")
    for engine in engines:
        backend = get_backend(engine)
        rows = [(name, jobs(engine, chosen)) for name, chosen in cases if backend.writes(chosen)]
        untagged = engine == "weasyprint"
        times: dict[str, list[float]] = {name: [] for name, _ in rows}
        if untagged:
            times["untagged"] = []
        plain = weasyprint_standards.plan

        def untagged_plan(_job: Job) -> weasyprint_standards.Plan:
            return weasyprint_standards.Plan(None, tags=False, ua_beside_archival=False)

        def compile_all(made: list[Job], engine: Engine = backend.engine) -> float:
            started = time.perf_counter()
            for job in made:
                engine.compile(job)
            return time.perf_counter() - started

        for round_ in range(runs + 1):  # the first round warms up
            for name, made in rows:
                took = compile_all(made)
                if round_:
                    times[name].append(took)
            if untagged:
                weasyprint_standards.plan = untagged_plan
                try:
                    took = compile_all(rows[0][1])
                finally:
                    weasyprint_standards.plan = plain
                if round_:
                    times["untagged"].append(took)
        base = statistics.median(times["none"])
        for name, found in times.items():
            median = statistics.median(found)
            print(f"| {engine} | {name} | {median:.3f} | {median / base:.2f} |")


def stages(engine: str, out: Path) -> dict[str, float]:
    """One build of every language, each stage timed (seconds, summed over the languages)."""
    times = dict.fromkeys(("load+validate", "localise+typeset", "render", "engine", "write"), 0.0)
    start = time.perf_counter()
    tasks = plan([BRIEF], resolve(Settings(engine=engine))).tasks
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
    parser.add_argument("--standards", action="store_true", help="time each PDF standard instead")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e != "latex" or shutil.which("lualatex")]
    if args.standards:
        standards_table(engines, args.runs)
        return 0
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
