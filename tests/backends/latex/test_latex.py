"""The LaTeX engine: the same briefing as WeasyPrint's, typeset by LuaLaTeX in a sandbox, with located errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefgen.backends import About, Job, latex, workers
from briefgen.backends.latex.markup import babel_language, latex_text, latex_url
from briefgen.backends.latex.markup import latex as latex_markup
from briefgen.brief.inline import Node, keep, plain
from briefgen.brief.validate import load_brief
from briefgen.document.view import Document, build_document
from briefgen.errors import BriefgenError, EngineTimeout
from briefgen.language.catalog import load_catalog
from briefgen.themes import fonts
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, ROOT, require_tool, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
SPECIALS = FIXTURES / "latex_specials.yaml"
LANGS = ["fr", "en"]
OTHER = {"fr": "en", "en": "fr"}


@pytest.fixture
def lualatex() -> None:
    require_tool("lualatex", "the LaTeX engine; .ci/run installs TeX Live")
    require_tool("pdftotext", "reading PDFs back; apt-get install poppler-utils")


def document(brief: Path, lang: str) -> Document:
    return build_document(load_brief(brief), lang, load_catalog(lang))


def flat(text: str) -> str:
    """Text with runs of white space (line breaks, no-break spaces) as one space, for finding phrases."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# -- the Kyutai brief, next to WeasyPrint ----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_kyutai_has_the_words_of_weasyprint(lualatex: None, kyutai_pdfs, lang: str) -> None:
    typeset = pdfcheck.briefing_words(kyutai_pdfs("latex")[lang], KYUTAI, lang)
    reference = pdfcheck.briefing_words(kyutai_pdfs("weasyprint")[lang], KYUTAI, lang)
    assert len(typeset) > 300, "the whole briefing is there"
    assert pdfcheck.word_diff(reference, typeset) == []


@pytest.mark.parametrize("lang", LANGS)
def test_kyutai_metadata_language_fonts_and_outline(lualatex: None, kyutai_pdfs, lang: str) -> None:
    pdf, reference = kyutai_pdfs("latex")[lang], kyutai_pdfs("weasyprint")[lang]
    doc = document(KYUTAI, lang)
    meta = pdfcheck.metadata(pdf)
    author = f"{doc.author} ({doc.organisation})" if doc.organisation else doc.author
    assert meta["Title"] == doc.title
    assert meta["Author"] == author
    assert meta["Keywords"] == ", ".join(doc.keywords)
    assert meta["Creator"] == "briefgen"
    assert meta["CreationDate"].startswith(f"D:{doc.date:%Y%m%d}")
    assert pdfcheck.lang(pdf) == doc.tag == pdfcheck.lang(reference)
    fonts = pdfcheck.fonts(pdf)
    assert fonts and all(fonts.values()), f"fonts not embedded: {fonts}"
    assert all(name.startswith("Lato-") for name in fonts), f"a font other than Lato: {sorted(fonts)}"
    assert pdfcheck.outline(pdf) == pdfcheck.outline(reference)
    who = next(
        page for _level, title, page in pdfcheck.outline_pages(pdf) if title == load_catalog(lang)("who")
    )
    assert who - 1 <= doc.page_budget  # the back matter, on pages of its own, is not counted


@pytest.mark.parametrize("lang", LANGS)
def test_kyutai_holds_no_fixed_string_of_the_other_language(lualatex: None, kyutai_pdfs, lang: str) -> None:
    text = flat(pdfcheck.text(kyutai_pdfs("latex")[lang]))
    own = set(load_catalog(lang).strings.values())
    # Strings of two words or more cannot appear by chance in the other language's prose.
    foreign = [
        s for s in load_catalog(OTHER[lang]).strings.values() if s not in own and " " in s and "{" not in s
    ]
    assert foreign
    assert [s for s in foreign if flat(s) in text] == []


# -- brief text is data, never code ----------------------------------------------------------------------

PROBES = [
    r"\input{/etc/passwd}",
    r"\write18{touch pwned}",
    r"\immediate\write18{touch pwned}",
    r"\directlua{os.execute(",
    r"\catcode",
    "^^5cinput ^^5c^^5c",
    r"\ { } $ & # ^ _ ~ %",
    "< > | [ ]",
    "a -- b --- c",
    "``",
    "$ & # % _ ^ ~ { } [ ]",
]


class InProcess:
    """A pool of workers that runs each call in this process, so that a test sees what the engine does."""

    def warm(self, function: Callable[..., object], *args: object, count: int = 1) -> None:
        """Nothing to start ahead: each call runs in this process."""

    def run(self, calls: list[workers.Call], jobs: int = 1) -> Iterator[tuple[int, object, float]]:
        for index, call in enumerate(calls):
            try:
                yield index, call.function(*call.args), 0.0
            except BriefgenError as exc:
                yield index, exc, 0.0


@pytest.fixture
def build_dirs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What the build folder holds after each lualatex run (it is deleted afterwards); LaTeX runs in this
    process."""
    monkeypatch.setattr(workers, "pool", InProcess)
    seen: list[list[str]] = []
    run = latex._run

    def listing_run(command: list[str], build: Path, env: dict[str, str], timeout: float) -> str | None:
        try:
            return run(command, build, env, timeout)
        finally:
            seen.append(sorted(p.name for p in build.rglob("*")))

    monkeypatch.setattr(latex, "_run", listing_run)
    return seen


def first_line_of_passwd() -> str:
    return Path("/etc/passwd").read_text().splitlines()[0]


def test_tex_specials_and_commands_in_the_brief_are_printed_as_text(
    lualatex: None, workdir: Path, build_dirs: list[list[str]]
) -> None:
    code, _out, err = run_cli("build", SPECIALS, "--engine", "latex", "--out", workdir / "out")
    assert code == 0, err
    for lang in LANGS:
        pdf = workdir / "out" / f"latex-specials.{lang}.pdf"
        text = flat(pdfcheck.text(pdf, "raw"))
        assert [p for p in PROBES if p not in text] == []
        doc = document(SPECIALS, lang)
        section = doc.sections[0]
        author = next(field.value for field in doc.meta if field.label == load_catalog(lang)("author"))
        shown = [doc.title, plain(author), plain(doc.summary), plain(section.blocks[0].content)]
        shown += [plain(item) for item in section.blocks[1].content]
        shown += [plain(doc.key_facts[0].label), plain(doc.flags[0].quote), plain(doc.flags[0].note)]
        shown += [plain(section.blocks[2].content)]
        assert [s for s in shown if flat(s) not in text] == []
        link = next(node for node in section.blocks[2].content if node.kind == "link")
        assert pdfcheck.link_uris(pdf) == [link.href]
        meta = pdfcheck.metadata(pdf)
        assert (meta["Title"], meta["Author"]) == (doc.title, doc.author)
        assert all(name.startswith("Lato-") for name in pdfcheck.fonts(pdf)), "a special drew on another font"
        assert first_line_of_passwd() not in text
        assert first_line_of_passwd().encode() not in pdf.read_bytes()
    assert not any("pwned" in name for names in build_dirs for name in names)
    assert not list(workdir.rglob("*pwned*"))


def override(root: Path, body: str) -> Path:
    """A --templates folder whose default LaTeX entry template is `body`."""
    folder = root / "templates" / "default" / "latex"
    folder.mkdir(parents=True)
    (folder / "brief.tex.j2").write_text(body, encoding="utf-8")
    return root / "templates"


def small_document(body: str) -> str:
    return f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"


def test_a_template_cannot_input_a_file_outside_its_folder(lualatex: None, workdir: Path) -> None:
    templates = override(workdir, small_document(r"\input{/etc/passwd}"))
    args = ("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--templates", templates, "--out", "out")
    code, _out, err = run_cli(*args)
    assert code == 2  # the template is invalid input, as it would be in any engine
    assert "may not read /etc/passwd" in err
    assert not (workdir / "out").exists()


def test_a_template_cannot_openin_a_file_outside_its_folder(lualatex: None, workdir: Path) -> None:
    read = r"\newread\r \openin\r=/etc/passwd \ifeof\r NOTREAD\else\read\r to\x READ:\x\fi"
    templates = override(workdir, small_document(read))
    args = ("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--templates", templates, "--out", "out")
    code, _out, err = run_cli(*args)
    assert code == 0, err
    text = pdfcheck.text(workdir / "out" / "minimal-brief.fr.pdf")
    assert "NOTREAD" in text
    assert first_line_of_passwd() not in text


def test_a_template_cannot_run_a_program(lualatex: None, workdir: Path, build_dirs: list[list[str]]) -> None:
    body = r"\immediate\write18{touch pwned}\write18{touch pwned}\directlua{os.execute('touch pwned')}done"
    templates = override(workdir, small_document(body))
    args = ("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--templates", templates, "--out", "out")
    code, _out, err = run_cli(*args)
    assert code == 0, err
    assert build_dirs and not any("pwned" in name for names in build_dirs for name in names)
    assert not list(workdir.rglob("*pwned*"))


def test_escaping_leaves_no_tex_special_character_unescaped() -> None:
    escaped = latex_text("\\ { } $ & # ^ _ ~ % < > | [ ]\n\x07\u00a0\u202f")
    # U+00A0 is a tie (a space, as other engines' read back), U+202F: the font's narrow no-break space,
    # or a space of its width where the font has none
    assert escaped.endswith("\\BriefTie{}\\BriefNarrowSpace{}")
    assert re.sub(r"\\[A-Za-z]+\{\}|\\[{}$&#_%]|\{[\[\]]\}", "", escaped) == " " * 15
    assert latex_url("https://e.org/a b\\c{d}^|e_f%20#g~$&") == (
        r"https://e.org/a\%20b\%5Cc\%7Bd\%7D\%5E\%7Ce\_f\%20\#g\~\string$\&"
    )
    assert [babel_language(t) for t in ("fr", "en-GB", "en", "de", "pt-BR", "nb", "nn", "ja")] == [
        "french",
        "british",
        "english",
        "ngerman",  # babel's `german` is the spelling before 1996
        "brazilian",
        "norsk",
        "nynorsk",
        "",  # no babel language: set as the document's language, with a warning
    ]


def test_a_kept_name_is_boxed_word_by_word_and_tied_where_its_spaces_are_no_break() -> None:
    """Each word in an \\mbox (never hyphenated, nor broken at its own hyphens); the words tied (\\BriefTie, a ~),
    so that the space between them stretches with the line's others, and a space where the text may break."""
    tie = r"\BriefTie{}"
    name = keep("Jean-Pierre Durand-Lefèvre", name=True)
    assert latex_markup((Node("text", "par "), name, Node("text", " ;"))) == (
        rf"par \mbox{{Jean-Pierre}}{tie}\mbox{{Durand-Lefèvre}} ;"
    )
    # a long value: chunks of up to 20 characters tied, a space between them (inline.unbroken)
    long = keep("Iliad, CMA CGM and Schmidt Futures and the Eric and Wendy Schmidt Foundation")
    words = latex_markup((long,)).replace(tie, "~")
    assert words == (
        r"\mbox{Iliad,} \mbox{CMA}~\mbox{CGM}~\mbox{and}~\mbox{Schmidt} \mbox{Futures}~\mbox{and}~\mbox{the}~"
        r"\mbox{Eric} \mbox{and}~\mbox{Wendy}~\mbox{Schmidt} \mbox{Foundation}"
    )


# -- errors ----------------------------------------------------------------------------------------------


def test_a_tex_error_is_reported_at_its_template_line(lualatex: None, workdir: Path) -> None:
    out = workdir / "out"
    code, _out, err = run_cli("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--out", out)
    assert code == 0, err
    good = (out / "minimal-brief.fr.pdf").read_bytes()

    entry = (ROOT / "templates" / "briefing" / "latex" / "brief.tex.j2").read_text(encoding="utf-8")
    lines = entry.splitlines()
    at = lines.index(r"\begin{document}") + 1
    lines.insert(at, r"Hello \undefinedmacro")
    templates = override(workdir, "\n".join(lines) + "\n")
    args = ("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--templates", templates, "--out", out)
    code, _out, err = run_cli(*args)
    assert code == 2  # a broken template exits 2 in every engine (Jinja, Typst and TeX errors alike)
    where = "templates/default/latex/brief.tex.j2"
    assert err.strip() == f"{where}:{at + 1}:7: lualatex: Undefined control sequence \\undefinedmacro"
    assert (out / "minimal-brief.fr.pdf").read_bytes() == good
    assert sorted(p.name for p in out.glob("*.pdf")) == ["minimal-brief.fr.pdf"]


def test_a_run_that_does_not_end_is_stopped(lualatex: None) -> None:
    job = Job(
        source=small_document(r"\loop\iftrue\repeat"),
        doc=About.of(document(MINIMAL, "fr")),
        template_dirs=[],
        font_dir=fonts.font_dir(),
        timeout=2,
    )
    with pytest.raises(EngineTimeout, match=r"latex timed out after 2 s"):
        latex.ENGINE.compile(job)


def test_a_character_the_font_lacks_stops_the_build(lualatex: None, workdir: Path) -> None:
    """The check before the engine (tests/e2e/test_faults.py) finds it; a template's own character, LuaTeX."""
    templates = override(workdir, small_document("漢"))
    args = ("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--templates", templates, "--out", "out")
    code, _out, err = run_cli(*args)
    assert code == 1
    assert "no glyph for 漢 (U+6F22)" in err
    assert not (workdir / "out").exists()


def test_french_punctuation_gets_exactly_the_brief_s_own_space(lualatex: None, workdir: Path) -> None:
    brief = workdir / "brief.yaml"
    summary = "Le budget : oui ; non ! vraiment ? « cité » 1 200"
    source = MINIMAL.read_text(encoding="utf-8")
    brief.write_text(
        source.replace("Le budget atteint {{budget}} pour {{staff}} salariés.", summary), "utf-8"
    )
    code, _out, err = run_cli("build", brief, "--lang", "fr", "--engine", "latex", "--out", "out")
    assert code == 0, err
    text = pdfcheck.text(workdir / "out" / "minimal-brief.fr.pdf", "raw")
    line = next(line for line in text.splitlines() if line.startswith("Le budget"))
    # One space character before : ; ! ? and inside « », as the brief's typography gives: babel adds none.
    assert re.sub(r"\s", "_", line) == "Le_budget_:_oui_;_non_!_vraiment_?_«_cité_»_1_200"


# -- the LaTeX source ------------------------------------------------------------------------------------


def test_the_written_tex_compiles_on_its_own(lualatex: None, workdir: Path) -> None:
    code, _out, err = run_cli("build", MINIMAL, "--engine", "latex", "--format", "tex", "--out", "out")
    assert code == 0, err
    assert sorted(p.name for p in (workdir / "out").iterdir()) == [
        "minimal-brief.en.tex",
        "minimal-brief.fr.tex",
    ]
    folder = workdir / "alone"
    folder.mkdir()
    shutil.copy(workdir / "out" / "minimal-brief.en.tex", folder / "brief.tex")
    command = ["lualatex", "-interaction=nonstopmode", "-halt-on-error", "brief.tex"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "A test headline" in pdfcheck.text(folder / "brief.pdf")


# -- when TeX Live is missing ----------------------------------------------------------------------------


def test_without_lualatex_the_build_and_doctor_name_the_packages(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(workdir))
    code, _out, err = run_cli("build", MINIMAL, "--lang", "fr", "--engine", "latex", "--out", "out")
    assert code == 1
    assert f"apt-get install {' '.join(latex.TEXLIVE_PACKAGES)}" in err
    assert not (workdir / "out").exists()
    code, out, _err = run_cli("doctor")
    assert code == 1
    line = next(line for line in out.splitlines() if " latex " in line)
    assert line.startswith("missing") and latex.INSTALL_HINT in line


def test_doctor_reports_every_engine(lualatex: None) -> None:
    code, out, _err = run_cli("doctor")
    names = [line.split()[1] for line in out.splitlines()]
    assert names == ["weasyprint", "typst", "latex", "fonts", "languages", "pdftotext"]
    assert code == 0, out


def test_ci_installs_the_texlive_packages_the_engine_names() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    listed = re.search(r"^texlive_packages=\((.*)\)$", script, re.MULTILINE)
    assert listed, ".ci/run names no texlive_packages"
    assert tuple(listed.group(1).split()) == latex.TEXLIVE_PACKAGES
