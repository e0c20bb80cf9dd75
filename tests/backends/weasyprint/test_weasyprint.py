"""The Kyutai briefing through WeasyPrint: what a reader sees in each language, and the PDF's metadata."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from briefgen import backends, build
from briefgen.brief.inline import parse, plain
from briefgen.brief.validate import load_brief
from briefgen.distribution import pdfinfo
from briefgen.language.catalog import load_catalog, typography_for
from briefgen.language.facts import format_fact
from briefgen.language.typography import typeset
from briefgen.settings import Settings
from tests import pdfcheck
from tests.conftest import KYUTAI

LANGS = ("fr", "en")
OTHER = {"fr": "en", "en": "fr"}


def flat(text: str) -> str:
    """Text with no-break spaces as spaces and runs of white space as one, for comparing with pdftotext."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(re.sub(r"(\w)[-\u2010\u00ad]\n(\w)", r"\1\2", text).split())


@pytest.fixture(scope="module")
def brief():
    return load_brief(KYUTAI).brief


@pytest.fixture(scope="module")
def pdfs(kyutai_pdfs):
    return kyutai_pdfs("weasyprint")


def without_quotes(text: str, brief) -> str:
    """The text without the source excerpts quoted in the caveats (they stay in the source's language)."""
    for flag in brief.flags:
        text = text.replace(
            flat(typeset(parse(flag.quote), typography_for(brief.source.language))[0].text), ""
        )
    return text


def heading(text: str, lang: str) -> str:
    return plain(typeset(parse(text), typography_for(lang)))


@pytest.mark.parametrize("lang", LANGS)
def test_headings_and_fixed_strings_are_in_the_document_language(pdfs, brief, lang: str) -> None:
    text = flat(pdfcheck.text(pdfs[lang])).casefold()
    catalog, other = load_catalog(lang), load_catalog(OTHER[lang])
    # the endnotes, last, quote the source in its own language
    prose = without_quotes(text[: text.rindex(flat(catalog("notes")).casefold())], brief)
    for key in ("key_facts", "summary", "sources", "source_caveats", "not_stated", "briefing", "who"):
        assert flat(catalog(key)).casefold() in text, key
        if catalog(key) != other(key):
            assert flat(other(key)).casefold() not in prose, f"{key} of the other language"
    for section in brief.sections:
        assert flat(heading(section.title[lang], lang)).casefold() in text
        assert flat(heading(section.title[OTHER[lang]], OTHER[lang])).casefold() not in prose
        for sub in section.subsections:
            assert flat(heading(sub.title[lang], lang)).casefold() in text
    pages = pdfcheck.pages(pdfs[lang])
    assert catalog("page_x_of_y", page=1, pages=pages).casefold() in text
    assert catalog("page_x_of_y", page=pages, pages=pages).casefold() in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_paragraph_is_on_the_page(pdfs, brief, lang: str) -> None:
    text = body_text(pdfs[lang], brief, lang)
    catalog = load_catalog(lang)

    def resolve(fact_id: str, style: str) -> str:
        return format_fact(brief.facts[fact_id], catalog, style, brief.facts)

    for section in brief.sections:
        for block in [*section.blocks, *(b for sub in section.subsections for b in sub.blocks)]:
            for item in [block.text] if block.text else block.items:
                words = flat(plain(typeset(parse(item[lang], resolve), typography_for(lang))))
                assert words in text, words[:80]


def body_text(pdf, brief, lang: str) -> str:
    """The text of the pages without their running header and footer (a paragraph may run across pages)."""
    catalog = load_catalog(lang)
    title = flat(plain(typeset(parse(brief.headline[lang]), typography_for(lang))))
    kicker, classification = (
        flat(catalog("briefing")),
        flat(catalog("classification." + brief.classification)),
    )
    pages = pdfcheck.pages(pdf)
    running = {title, kicker, classification, f"{kicker} {classification}"}
    running |= {flat(catalog("page_x_of_y", page=n, pages=pages)) for n in range(1, pages + 1)}
    running = {line.casefold() for line in running}
    lines = [flat(line) for line in pdfcheck.text(pdf).splitlines()]
    return flat("\n".join(line for line in lines if line and line.casefold() not in running))


@pytest.mark.parametrize("lang", LANGS)
def test_key_facts_are_formatted_for_the_locale(pdfs, brief, lang: str) -> None:
    text = flat(pdfcheck.text(pdfs[lang]))
    catalog = load_catalog(lang)
    for fact_id in brief.key_facts:
        assert flat(format_fact(brief.facts[fact_id], catalog)) in text
    money = next(f for f in brief.facts.values() if f.type == "money")
    own, other = flat(format_fact(money, catalog)), flat(format_fact(money, load_catalog(OTHER[lang])))
    assert own in text and other not in without_quotes(text, brief)


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_language_and_creation_date(pdfs, brief, lang: str) -> None:
    pdf = pdfs[lang]
    meta = pdfcheck.metadata(pdf)
    assert flat(meta["Title"]) == flat(heading(brief.headline[lang], lang))
    assert brief.author in meta["Author"]
    assert meta["Keywords"] == ", ".join(brief.keywords[lang])
    assert flat(meta["Subject"]).startswith(
        flat(plain(typeset(parse(brief.summary[lang].split("{{")[0]), typography_for(lang))))
    )
    assert meta["CreationDate"].startswith("D:" + brief.date.strftime("%Y%m%d"))
    assert pdfcheck.lang(pdf) == load_catalog(lang).tag


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_lato_faces_only(pdfs, lang: str) -> None:
    fonts = pdfcheck.fonts(pdfs[lang])
    assert fonts, "the PDF uses fonts"
    assert all(fonts.values()), f"not embedded: {[f for f, e in fonts.items() if not e]}"
    assert all(name.startswith("Lato") for name in fonts), f"a glyph fell back to another font: {fonts}"
    assert {"Lato", "Lato-Bold", "Lato-Italic"} <= set(fonts), "real bold and italic faces"


@pytest.mark.parametrize("lang", LANGS)
def test_outline_follows_the_headings(pdfs, brief, lang: str) -> None:
    catalog = load_catalog(lang)
    expected = [(1, catalog("summary")), (1, catalog("key_facts"))]
    for section in brief.sections:
        expected.append((1, heading(section.title[lang], lang)))
        expected += [(2, heading(sub.title[lang], lang)) for sub in section.subsections]
    expected += [(1, catalog("source_caveats")), (1, catalog("sources")), (2, catalog("not_stated"))]
    expected += [(1, catalog("who")), (1, catalog("other_facts")), (1, catalog("notes"))]  # the back matter
    assert [(level, flat(title)) for level, title in pdfcheck.outline(pdfs[lang])] == [
        (level, flat(title)) for level, title in expected
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_page_count_is_within_the_budget(pdfs, brief, lang: str) -> None:
    """The budget counts the pages before the back matter, which starts a page of its own."""
    back = next(
        page
        for _level, title, page in pdfcheck.outline_pages(pdfs[lang])
        if title == load_catalog(lang)("who")
    )
    assert 1 <= back - 1 <= brief.page_budget


@pytest.mark.parametrize("lang", LANGS)
def test_flags_are_shown_as_caveats_not_facts(pdfs, brief, lang: str) -> None:
    text = flat(pdfcheck.text(pdfs[lang]))
    caveats = text.casefold().index(flat(load_catalog(lang)("source_caveats")).casefold())
    off_topic = next(f for f in brief.flags if f.kind == "off-topic")
    quote = flat(off_topic.quote)
    assert text.count(quote) == 1, "the off-topic clause appears once, quoted in the caveats"
    assert text.index(quote) > caveats


def test_links_are_clickable(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES, run_cli

    code, _, stderr = run_cli("build", FIXTURES / "minimal.yaml", "--lang", "en", "--out", tmp_path)
    assert code == 0, stderr
    assert pdfcheck.link_uris(tmp_path / "minimal-brief.en.pdf") == ["https://example.org/a_b"]


def test_html_and_template_syntax_in_a_brief_are_printed_as_text(tmp_path: Path) -> None:
    """Brief text is escaped for HTML and never evaluated as a template: what is typed is what is printed."""
    from tests.conftest import FIXTURES, run_cli

    probes = [
        "<b>not bold</b>",
        '<img src="file:///etc/passwd">',
        "a & b",
        "{% if true %}x{% endif %}",
        "{# c #}",
        "${x}",
    ]
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    summary = " | ".join(probes).replace('"', '\\"')
    text = text.replace(
        'summary: {fr: "Le budget atteint {{budget}} pour {{staff}} salariés.", en: "The budget reaches {{budget}} for {{staff}} staff."}',
        f'summary: {{fr: "{summary}", en: "{summary}"}}',
    )
    assert summary in text
    brief = tmp_path / "html.yaml"
    brief.write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", brief, "--lang", "en", "--out", tmp_path)
    assert code == 0, stderr
    shown = "".join(pdfcheck.text(tmp_path / "minimal-brief.en.pdf").split())  # lines may break anywhere
    for probe in probes:
        assert "".join(plain(typeset(parse(probe), typography_for("en"))).split()) in shown, probe
    assert Path("/etc/passwd").read_text().splitlines()[0] not in shown


def test_the_back_matters_page_is_the_outlines_without_reading_the_pdf_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the annex and notes start (the page budget's end) is taken from WeasyPrint's bookmarks, the outline
    it writes, not read back from the PDF by pypdf: it is the page pypdf finds in the PDF's outline."""
    setup = build.resolve(Settings(engine="weasyprint", langs=("fr",)))
    job = build.prepare(build.plan([KYUTAI], setup).tasks[0], setup).job
    assert job is not None
    monkeypatch.setattr(pdfinfo, "first_page_of", lambda *_: pytest.fail("the PDF was read for the page"))
    made = backends.compile_here("weasyprint", job)
    monkeypatch.undo()
    assert made.back is not None and 1 < made.back < made.pages
    assert made.back == pdfinfo.first_page_of(made.pdf, job.back_matter)
