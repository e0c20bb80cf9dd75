"""Time briefgen as a user runs it (whole processes) against the engines alone, and print each goal, met or not.

    .venv/bin/python benchmarks/run.py [--runs 5] [--rows ROW,...] [--engines typst,weasyprint] [--quick]

Each row runs its commands in turn, interleaved, `--runs` times after one warm-up round, and takes the medians:
on a shared machine a ratio measured in the same run means more than a time. Every briefgen build writes into a
fresh folder, so that nothing is ever up to date. Peak memory is the largest resident set of a command's process
and of the workers it waited for (`wait4`). `--quick` is a smoke run: one round, no warm-up, small sizes; its
figures mean nothing.

Rows: weasyprint, typst (Kyutai fr against the engine alone on briefgen's `--format` output), uptodate (Kyutai fr
+ en built again into a folder where both are up to date, against a cold build of Kyutai fr), languages (fr + en
in one process against two), jobs (20 briefs × 2 languages, --jobs 2 against --jobs 1, after what two cores give
a CPU-bound loop in the same run), help (`briefgen --help` against `import weasyprint`), pages (a brief of 10,
50 and 200 pages: time and peak memory), batch (100 briefs --jobs 2: cost per brief and peak memory against 10
briefs), check (`check` on 100 briefs against 10).
"""

from __future__ import annotations

import argparse
import operator
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import generate

ROOT = Path(__file__).resolve().parents[1]
KYUTAI = ROOT / "briefs" / "kyutai-launch"
PYTHON = sys.executable
BRIEFGEN = str(Path(PYTHON).parent / "briefgen")
ROWS = ("weasyprint", "typst", "uptodate", "languages", "jobs", "help", "pages", "batch", "check")


@dataclass(frozen=True)
class Goal:
    """`ratio <= 1.1` (at most) or `ratio >= 1.8` (at least)."""

    at_most: bool
    value: float

    def met(self, ratio: float) -> bool:
        return (operator.le if self.at_most else operator.ge)(ratio, self.value)

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.value:g}"


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    against: str
    ratio: float
    goal: Goal | None

    def cells(self) -> list[str]:
        met = "—" if self.goal is None else ("yes" if self.goal.met(self.ratio) else "**no**")
        return [self.what, self.measured, self.against, f"{self.ratio:.2f}", str(self.goal or "—"), met]


@dataclass
class Sample:
    seconds: list[float]
    peak_kb: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def memory(self) -> float:
        return statistics.median(self.peak_kb) / 1024  # MiB


Command = list[str]
# A case: the commands it runs, in a fresh folder it is given (its output folder, or a scratch one).
Case = Callable[[Path], list[Command]]


def run_once(commands: list[Command], folder: Path) -> tuple[float, int]:
    """Seconds of the commands, one after the other, and the largest peak memory (KiB) of any of them."""
    seconds, peak = 0.0, 0
    for command in commands:
        with tempfile.TemporaryFile() as errors:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, cwd=folder)
            _, status, usage = os.wait4(process.pid, 0)
            seconds += time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                errors.seek(0)
                said = errors.read().decode(errors="replace")[-2000:]
                raise SystemExit(f"{' '.join(command)}: exit {process.returncode}\n{said}")
        peak = max(peak, usage.ru_maxrss)
    return seconds, peak


def measure(cases: dict[str, Case], runs: int, warm_up: bool) -> dict[str, Sample]:
    """Each case `runs` times, interleaved, after a warm-up round (not counted) when asked."""
    samples = {name: Sample([], []) for name in cases}
    for round_ in range(runs + warm_up):
        for name, case in cases.items():
            folder = Path(tempfile.mkdtemp(prefix="bench-"))
            try:
                seconds, peak = run_once(case(folder), folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            if round_ >= warm_up:
                samples[name].seconds.append(seconds)
                samples[name].peak_kb.append(peak)
    return samples


def build(*args: str | Path) -> Case:
    """`briefgen build ARGS --out FOLDER`."""
    return lambda folder: [[BRIEFGEN, "build", *map(str, args), "--out", str(folder / "out"), "-q"]]


def alone(engine: str, source: Path) -> Case:
    """The engine on its own on briefgen's `--format` output `source`: `weasyprint --pdf-tags`, or
    `typst.compile` with the briefing theme's fonts."""
    if engine == "weasyprint":
        weasyprint = str(Path(PYTHON).parent / "weasyprint")
        return lambda folder: [[weasyprint, "--pdf-tags", str(source), str(folder / "out.pdf")]]
    from briefgen.themes.layers import load_theme

    fonts = sorted({str(face.file.parent) for face in load_theme("briefing").faces})
    code = f"import typst; typst.compile({str(source)!r}, output='out.pdf', font_paths={fonts!r})"
    return lambda folder: [[PYTHON, "-c", code]]


def _loops(count: int, at_once: bool) -> Case:
    """Two Python processes each counting to `count`, at once or one after the other."""
    loop = f"x = 0\nfor i in range({count}): x += i"
    wait = "for p in ps: p.wait()"
    code = (
        f"import subprocess, sys\nps = [subprocess.Popen([sys.executable, '-c', {loop!r}]) for _ in range(2)]\n{wait}"
        if at_once
        else f"import subprocess, sys\nfor _ in range(2): subprocess.run([sys.executable, '-c', {loop!r}], check=True)"
    )
    return lambda folder: [[PYTHON, "-c", code]]


def seconds(sample: Sample) -> str:
    return f"{sample.median:.2f} s"


class Bench:
    def __init__(self, runs: int, quick: bool, engines: list[str], work: Path) -> None:
        self.runs, self.quick, self.engines, self.work = runs, quick, engines, work
        self.warm_up = not quick

    def measure(self, cases: dict[str, Case]) -> dict[str, Sample]:
        return measure(cases, self.runs, self.warm_up)

    def source(self, fmt: str) -> Path:
        """briefgen's own `--format` output for Kyutai in French (made once, not timed)."""
        out = self.work / f"source-{fmt}"
        if not out.exists():
            run_once(
                [[BRIEFGEN, "build", str(KYUTAI), "--lang", "fr", "--format", fmt, "--out", str(out)]], ROOT
            )
        return out / f"kyutai-launch.fr.{fmt}"

    def briefs(self, count: int) -> Path:
        """A folder of `count` generated briefs (the first `count` of the seeded series)."""
        folder = self.work / f"briefs-{count}"
        if not folder.exists():
            generate.many(count, folder)
        return folder

    # -- the rows ------------------------------------------------------------------------------------------

    def weasyprint(self) -> Iterator[Row]:
        got = self.measure(
            {
                "briefgen": build(KYUTAI, "--lang", "fr", "--engine", "weasyprint"),
                "engine": alone("weasyprint", self.source("html")),
            }
        )
        yield Row(
            "Kyutai fr, WeasyPrint",
            seconds(got["briefgen"]),
            f"`weasyprint --pdf-tags` on the `--format html` file: {seconds(got['engine'])}",
            got["briefgen"].median / got["engine"].median,
            Goal(True, 1.10),
        )

    def typst(self) -> Iterator[Row]:
        got = self.measure(
            {
                "briefgen": build(KYUTAI, "--lang", "fr", "--engine", "typst"),
                "engine": alone("typst", self.source("typ")),
            }
        )
        yield Row(
            "Kyutai fr, Typst",
            seconds(got["briefgen"]),
            f"`typst.compile` on the `--format typ` file: {seconds(got['engine'])}",
            got["briefgen"].median / got["engine"].median,
            Goal(True, 1.5),
        )

    def uptodate(self) -> Iterator[Row]:
        for engine in self.engines:
            built = self.work / f"uptodate-{engine}"  # built once, not timed: then always up to date
            if not built.exists():
                run_once([[BRIEFGEN, "build", str(KYUTAI), "--engine", engine, "--out", str(built)]], ROOT)
            got = self.measure(
                {
                    "again": lambda folder, engine=engine, built=built: [
                        [BRIEFGEN, "build", str(KYUTAI), "--engine", engine, "--out", str(built), "-q"]
                    ],
                    "cold": build(KYUTAI, "--lang", "fr", "--engine", engine),
                }
            )
            yield Row(
                f"Kyutai fr + en built again, out/ up to date, {engine}",
                seconds(got["again"]),
                f"a cold build of Kyutai fr: {seconds(got['cold'])}",
                got["again"].median / got["cold"].median,
                Goal(True, 0.05),
            )

    def languages(self) -> Iterator[Row]:
        for engine in self.engines:
            got = self.measure(
                {
                    "one": build(KYUTAI, "--engine", engine),
                    "two": lambda folder, engine=engine: [
                        build(KYUTAI, "--engine", engine, "--lang", lang)(folder)[0] for lang in ("fr", "en")
                    ],
                }
            )
            yield Row(
                f"fr + en, one process vs two, {engine}",
                seconds(got["one"]),
                f"two processes: {seconds(got['two'])}",
                got["one"].median / got["two"].median,
                Goal(True, 0.55),
            )

    def jobs(self) -> Iterator[Row]:
        count = 2 if self.quick else 20
        folder = self.briefs(count)
        # What two cores give this run: a CPU-bound Python loop twice at once against twice in turn, the most any
        # `--jobs 2` speed-up could be on this machine at the time (shared machines give less than 2).
        loops = 2 * 10**6 if self.quick else 3 * 10**7
        got = self.measure({"at once": _loops(loops, True), "in turn": _loops(loops, False)})
        yield Row(
            "the machine: a CPU-bound loop twice at once (speed-up)",
            seconds(got["at once"]),
            f"twice in turn: {seconds(got['in turn'])}",
            got["in turn"].median / got["at once"].median,
            None,
        )
        for engine in self.engines:
            got = self.measure(
                {
                    "2": build(folder, "--engine", engine, "--jobs", "2"),
                    "1": build(folder, "--engine", engine, "--jobs", "1"),
                }
            )
            yield Row(
                f"{count} briefs × 2 languages, {engine}, `--jobs 2` (speed-up)",
                seconds(got["2"]),
                f"`--jobs 1`: {seconds(got['1'])}",
                got["1"].median / got["2"].median,
                Goal(False, 1.8 if engine == "typst" else 1.9),
            )

    def help(self) -> Iterator[Row]:
        got = self.measure(
            {
                "help": lambda folder: [[BRIEFGEN, "--help"]],
                "import": lambda folder: [[PYTHON, "-c", "import weasyprint"]],
            }
        )
        yield Row(
            "`briefgen --help`",
            seconds(got["help"]),
            f'`python -c "import weasyprint"`: {seconds(got["import"])}',
            got["help"].median / got["import"].median,
            Goal(True, 0.15),
        )
        got = self.measure(
            {
                "help": lambda folder: [[BRIEFGEN, "build", "--help"]],
                "import": lambda folder: [[PYTHON, "-c", "import weasyprint"]],
            }
        )
        yield Row(
            "`briefgen build --help`",
            seconds(got["help"]),
            f'`python -c "import weasyprint"`: {seconds(got["import"])}',
            got["help"].median / got["import"].median,
            None,
        )

    def pages(self) -> Iterator[Row]:
        sizes = {10: 4} if self.quick else generate.REPEATS
        briefs = {size: generate.pages(repeat, self.work / f"pages-{size}") for size, repeat in sizes.items()}
        ends = sorted({min(sizes), max(sizes)})
        for engine in self.engines:
            got = self.measure({str(size): build(briefs[size], "--engine", engine) for size in sizes})
            # The engine on its own on briefgen's source of the smallest and the largest brief: how its own
            # memory grows with the pages, which bounds briefgen's.
            formats = {"typst": "typ", "weasyprint": "html"}
            engine_alone = (
                self.measure(
                    {str(size): alone(engine, self.source_of(briefs[size], formats[engine])) for size in ends}
                )
                if engine in formats
                else {}
            )
            pages = {size: self.page_count(briefs[size], engine) for size in sizes}
            base = got[str(min(sizes))]
            for size in [size for size in sizes if size != min(sizes)] or list(sizes):
                sample = got[str(size)]
                scale = pages[size] / pages[min(sizes)]
                yield Row(
                    f"{pages[size]} pages vs {pages[min(sizes)]}, {engine}: time (goal: {scale:.1f} pages × 1.1)",
                    seconds(sample),
                    f"{pages[min(sizes)]} pages: {seconds(base)}",
                    sample.median / base.median,
                    Goal(True, round(1.1 * scale, 1)),
                )
                yield Row(
                    f"{pages[size]} pages vs {pages[min(sizes)]}, {engine}: peak memory",
                    f"{sample.memory:.0f} MiB",
                    f"{pages[min(sizes)]} pages: {base.memory:.0f} MiB",
                    sample.memory / base.memory,
                    Goal(True, 3.0),
                )
            if engine_alone:
                large, small = engine_alone[str(max(sizes))], engine_alone[str(min(sizes))]
                yield Row(
                    f"{pages[max(sizes)]} pages vs {pages[min(sizes)]}, {engine} alone on briefgen's source: "
                    "peak memory",
                    f"{large.memory:.0f} MiB",
                    f"{pages[min(sizes)]} pages: {small.memory:.0f} MiB",
                    large.memory / small.memory,
                    None,
                )

    def source_of(self, brief: Path, fmt: str) -> Path:
        """briefgen's `--format` output for a brief in its first language (made once, not timed)."""
        out = self.work / f"source-{fmt}-{brief.parent.name}"
        if not out.exists():
            run_once([[BRIEFGEN, "build", str(brief), "--format", fmt, "--out", str(out), "-q"]], ROOT)
        return sorted(out.glob(f"*.{fmt}"))[0]

    def page_count(self, brief: Path, engine: str) -> int:
        """The pages of the brief's PDF with this engine (built once more, not timed)."""
        from pypdf import PdfReader

        out = self.work / f"count-{engine}-{brief.parent.name}"
        run_once([[BRIEFGEN, "build", str(brief), "--engine", engine, "--out", str(out), "-q"]], ROOT)
        return len(PdfReader(next(out.glob("*.pdf"))).pages)

    def batch(self) -> Iterator[Row]:
        small, large = (2, 4) if self.quick else (10, 100)
        got = self.measure(
            {
                "large": build(self.briefs(large), "--engine", "typst", "--jobs", "2"),
                "small": build(self.briefs(small), "--engine", "typst", "--jobs", "2"),
            }
        )
        yield Row(
            f"{large} briefs × 2 languages, typst, `--jobs 2`: cost per brief",
            f"{got['large'].median / large:.3f} s",
            f"{small} briefs: {got['small'].median / small:.3f} s",
            (got["large"].median / large) / (got["small"].median / small),
            Goal(True, 1.1),
        )
        # No goal: the largest of the processes, a worker at these sizes. A batch is all or nothing, so briefgen's
        # own process keeps every brief it read and every PDF made until it writes them all, and passes its
        # workers from a few hundred briefs.
        yield Row(
            f"{large} briefs × 2 languages, typst, `--jobs 2`: peak memory",
            f"{got['large'].memory:.0f} MiB",
            f"{small} briefs: {got['small'].memory:.0f} MiB",
            got["large"].memory / got["small"].memory,
            None,
        )

    def check(self) -> Iterator[Row]:
        small, large = (2, 4) if self.quick else (10, 100)
        got = self.measure(
            {
                "large": lambda folder: [[BRIEFGEN, "check", str(self.briefs(large)), "-q"]],
                "small": lambda folder: [[BRIEFGEN, "check", str(self.briefs(small)), "-q"]],
            }
        )
        yield Row(
            f"`check` on {large} briefs: cost per brief",
            f"{got['large'].median:.2f} s ({got['large'].median / large:.3f} s a brief)",
            f"{small} briefs: {got['small'].median:.2f} s ({got['small'].median / small:.3f} s a brief)",
            (got["large"].median / large) / (got["small"].median / small),
            Goal(True, 1.1),
        )


def compiled() -> None:
    """Byte-compile briefgen's modules, as installing it does: with PYTHONDONTWRITEBYTECODE set (CI images set it)
    an editable install would compile every module from source in every process, which no user's install does,
    while the engines' libraries, installed by pip, are compiled already."""
    import compileall

    import briefgen

    compileall.compile_dir(Path(briefgen.__file__).parent, quiet=1)


def table(rows: list[Row]) -> str:
    head = ["what", "briefgen", "compared with (same run)", "ratio", "goal", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(row.cells()) + " |" for row in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="rounds measured, after a warm-up (default 5)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"rows to run, of {','.join(ROWS)}")
    parser.add_argument("--engines", default="typst,weasyprint", help="engines of the rows run per engine")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one round, small sizes")
    args = parser.parse_args(argv)
    rows = args.rows.split(",")
    if unknown := set(rows) - set(ROWS):
        parser.error(f"unknown rows: {', '.join(sorted(unknown))} (rows: {', '.join(ROWS)})")
    runs = 1 if args.quick else args.runs
    started = time.perf_counter()
    compiled()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as work:
        bench = Bench(runs, args.quick, args.engines.split(","), Path(work))
        found: list[Row] = []
        for name in rows:
            for row in getattr(bench, name)():
                found.append(row)
                print(f"  {name}: {row.what}: {row.ratio:.2f}", file=sys.stderr, flush=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"briefgen, whole processes, median of {runs} interleaved run{'s' * (runs > 1)}"
        f"{' after a warm-up' if not args.quick else ' (--quick: figures mean nothing)'}; "
        f"{platform.python_implementation()} {platform.python_version()}, {cores} cores, "
        f"load average {load:.1f} at the end, {time.perf_counter() - started:.0f} s in all\n"
    )
    print(table(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
