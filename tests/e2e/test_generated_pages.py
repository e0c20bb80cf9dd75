"""Generated briefs (benchmarks/varied.py: random sections, lists, tables of 1 to 40 rows, figures, quotes,
timelines, notes, flags, long names, amounts and dates) built in each engine, French and English, in the
built-in themes `briefing` and `dossier` (the larger corpus also in the worked-example theme of docs/themes.md,
tests/fixtures/themes/acme), and their pages read by the page-layout checker (tests/pagelayout.py).

Each engine's corpus is built by one `briefgen build FOLDER --jobs 2` per theme. A brief is built in one
language (French for an even seed, English for an odd one) and one theme (in turn by pairs of seeds, and from
one engine to the next), so that each brief's text goes through every theme across the engines.

What the checker still finds is allowed by kind and engine (ALLOWED): a finding of another kind fails the test,
and so does an allowance the corpus no longer needs (then take it out). `make test` builds 30 briefs with each
engine; `make test-corpus` builds 200 (the `corpus` mark, deselected otherwise).
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from benchmarks import varied

from briefgen.brief import model
from briefgen.brief.inline import UNBROKEN_NAME, plain, unbroken
from briefgen.brief.validate import load_brief
from briefgen.document.context import Context
from briefgen.document.view import key_facts_view
from briefgen.language.catalog import load_catalog
from tests.conftest import _locked, build_once, require_tool, run_cli
from tests.pagelayout import Finding, check, layout_of

THEMES = ("briefing", "dossier")
# The larger corpus adds the worked-example theme of docs/themes.md (its own font and measure).
ACME = Path(__file__).resolve().parents[1] / "fixtures" / "themes" / "acme"
LARGER_THEMES = (*THEMES, str(ACME))
ENGINES = ("typst", "weasyprint", "latex")
# The kinds held here: the page's breaks, and names, amounts and dates kept whole (hyphenation is left to the
# tests of typography, which are being fixed apart).
KINDS = (
    "short-page",
    "widow",
    "stranded-heading",
    "table-split",
    "footnote-page",
    "underfull-page",
    "running-wrap",
    "name-break",
    "amount-break",
    "date-break",
)
# What is left, by engine and kind, each being fixed apart from this corpus:
ALLOWED: dict[str, set[str]] = {
    "typst": set(),  # none: every engine's pages are held to every kind
    "weasyprint": set(),
    "latex": set(),
}

SMALL, LARGE = 30, 200  # briefs an engine: `make test`, `make test-corpus`


def theme_of(seed: int, engine: str, themes: tuple[str, ...] = THEMES) -> str:
    return themes[(seed // 2 + ENGINES.index(engine)) % len(themes)]


def by_design(finding: Finding, boundaries: set[tuple[str, str]]) -> bool:
    """A name broken where briefgen lets it break (`boundaries`): allowed (docs/brief-format.md)."""
    if finding.kind != "name-break" or not finding.why.startswith("a line break inside the name"):
        return False
    left, right = finding.text.split(" ⏎ ")
    return (left.split()[-1].strip(PUNCTUATION), right.split()[0].strip(PUNCTUATION)) in boundaries


PUNCTUATION = '.,;:!?«»“”‘’"()'


def chunk_boundaries(brief: Path, lang: str) -> set[tuple[str, str]]:
    """The pairs of words a line may end and start with inside a name: between the chunks `unbroken` makes of
    a name longer than UNBROKEN_NAME, so that it cannot overflow a line; and between the chunks of a value in
    the key-facts panel (UNBROKEN), whose narrow cards hold no longer run."""
    loaded = load_brief(brief)
    kinds = model.Person | model.Organisation | model.Place | model.Event
    runs = [unbroken(f.name, UNBROKEN_NAME) for f in loaded.brief.facts.values() if isinstance(f, kinds)]
    runs += [plain(k.value) for k in key_facts_view(Context(loaded, lang, load_catalog(lang)))]
    pairs = set()
    for run in runs:
        chunks = [chunk.split("\u00a0") for chunk in run.split(" ")]
        pairs |= {(a[-1].strip(PUNCTUATION), b[0].strip(PUNCTUATION)) for a, b in itertools.pairwise(chunks)}
    return pairs


def _shared(factory: pytest.TempPathFactory) -> Path:
    """The run's folder, shared by the processes of `pytest -n` (as build_once's)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def corpus(factory: pytest.TempPathFactory, engine: str, count: int) -> list[tuple[Path, Path, str, str]]:
    """(pdf, brief, language, theme) of each of `count` generated briefs built with `engine`."""
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    made = []
    themes = THEMES if count <= SMALL else LARGER_THEMES
    for theme in themes:
        folder = _shared(factory) / "varied" / f"{engine}-{Path(theme).name}-{count}"
        folder.parent.mkdir(exist_ok=True)
        with _locked(folder.with_suffix(".lock")):
            if not (folder / ".done").exists():
                seeds = [s for s in range(count) if theme_of(s, engine, themes) == theme]
                for seed in seeds:
                    varied.brief(seed, folder, (varied.LANGS[seed % 2],))
                (folder / ".done").touch()
        out = build_once(
            factory, folder, "--engine", engine, "--theme", theme, "--jobs", "2", "--timeout", "600"
        )
        for brief in sorted(folder.glob("*/brief.yaml")):
            lang = varied.LANGS[int(brief.parent.name.removeprefix("varied-")) % 2]
            made.append((out / f"{brief.parent.name}.{lang}.pdf", brief, lang, theme))
    assert len(made) == count
    return made


def findings(pdf: Path, brief: Path, lang: str, theme: str, engine: str = "typst") -> list[Finding]:
    boundaries = chunk_boundaries(brief, lang)
    found = check(pdf, layout_of(brief, lang, theme))
    return [f for f in found if f.kind in KINDS and not by_design(f, boundaries)]


def assert_pages(
    engine: str, built: list[tuple[Path, Path, str, str]], allowed: dict[str, set[str]] = ALLOWED
) -> None:
    """No finding of a kind the engine's allowances lack; with 30 briefs or more, no allowance left unused."""
    unexpected, kinds = [], Counter[str]()
    for pdf, brief, lang, theme in built:
        for f in findings(pdf, brief, lang, theme, engine):
            kinds[f.kind] += 1
            if f.kind not in allowed[engine]:
                unexpected.append(f"{pdf.name} ({theme}) {f}")
    stale = [f"{kind}: none left, take it out of ALLOWED" for kind in sorted(allowed[engine] - set(kinds))]
    if len(built) < SMALL:  # too few to say one is unused
        stale = []
    assert unexpected + stale == [], "\n".join(unexpected + stale)


@pytest.mark.parametrize(
    "engine", [pytest.param(e, marks=pytest.mark.latex) if e == "latex" else e for e in ENGINES]
)
def test_generated_briefs_break_their_pages_only_as_allowed(
    tmp_path_factory: pytest.TempPathFactory, engine: str
) -> None:
    assert_pages(engine, corpus(tmp_path_factory, engine, SMALL))


# LaTeX's page breaks as generated briefs once showed them wrong: (seed, a text, a text printed on the same page).
KEPT_TOGETHER = [
    # a heading followed by a table went to the foot of a page, its table's caption to the next (the table's
    # room was asked for after the heading)
    pytest.param(16, "Contexte international", "Tableau 2", id="heading-and-table"),
    # the Sources' last part, what the sources do not say, was a page of two lines before the annex's break
    pytest.param(12, "Ce que la source ne dit pas", "Parution", id="sources-end-with-their-last-rows"),
    # a paragraph of three lines after a heading was kept with the list after it, and all went to the next page,
    # leaving the page before it a third empty
    pytest.param(18, "Gouvernance", "Krzysztof Van der Westhuizen et Françoise", id="paragraph-then-list"),
]


@pytest.mark.latex
@pytest.mark.parametrize(("seed", "text", "beside"), KEPT_TOGETHER)
def test_latex_keeps_on_one_page_what_a_typesetter_would(
    tmp_path_factory: pytest.TempPathFactory, seed: int, text: str, beside: str
) -> None:
    import pdfplumber

    pdf = next(p for p, brief, _, _ in corpus(tmp_path_factory, "latex", SMALL) if f"-{seed:04}." in p.name)
    with pdfplumber.open(pdf) as document:
        pages = ["".join((page.extract_text() or "").split()) for page in document.pages]
    holding = [{n for n, page in enumerate(pages, 1) if "".join(t.split()) in page} for t in (text, beside)]
    assert holding[0] and holding[1], (pdf.name, holding)
    assert holding[0] & holding[1], f"{pdf.name}: {text!r} on pages {holding[0]}, {beside!r} on {holding[1]}"


@pytest.mark.corpus
@pytest.mark.parametrize(
    "engine", [pytest.param(e, marks=pytest.mark.latex) if e == "latex" else e for e in ENGINES]
)
def test_a_larger_generated_corpus_breaks_its_pages_only_as_allowed(
    tmp_path_factory: pytest.TempPathFactory, engine: str
) -> None:
    assert_pages(engine, corpus(tmp_path_factory, engine, LARGE))


def test_the_generator_gives_the_same_brief_for_a_seed(tmp_path: Path) -> None:
    first = varied.brief(7, tmp_path / "a")
    again = varied.brief(7, tmp_path / "b")
    other = varied.brief(8, tmp_path / "c")
    files = sorted(p.name for p in first.parent.iterdir())
    assert files == sorted(p.name for p in again.parent.iterdir())
    assert all((first.parent / f).read_bytes() == (again.parent / f).read_bytes() for f in files)
    assert other.read_bytes() != first.read_bytes()


def test_generated_briefs_are_valid_in_every_language(tmp_path: Path) -> None:
    """`briefgen check --strict` accepts them (no error, no warning of language parity), bilingual or not."""
    made = varied.corpus(range(12), tmp_path / "bilingual", varied.LANGS)
    made += varied.corpus(range(12, 16), tmp_path / "one-language")
    code, stdout, stderr = run_cli("check", "--strict", tmp_path / "bilingual", tmp_path / "one-language")
    assert (code, stderr) == (0, ""), stderr
    assert "16 briefs checked: 0 error(s), 0 warning(s)" in stdout + stderr
    shapes = Counter(k for b in made for k in _block_kinds(b.read_text(encoding="utf-8")))
    assert set(shapes) == {"text", "items", "table", "figure", "quote", "timeline"}, shapes
    assert {p.suffix for b in made for p in b.parent.iterdir()} >= {".png", ".svg", ".txt", ".yaml"}


def _block_kinds(text: str) -> list[str]:
    return re.findall(r"^\s+- (text|items|table|figure|quote|timeline):", text, re.MULTILINE)
