"""Block kinds as data: every kind has its view and, in every built-in theme and engine, its template by name;
a kind the view does not know is refused, never taken for another."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from briefgen.brief import model
from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.document.blocks import content_of
from briefgen.document.context import Context
from briefgen.document.view import key_facts_view, other_facts_view
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import builtin_themes, load_theme
from tests.conftest import FIXTURES, ROOT

BRIEF = FIXTURES / "elements" / "brief.yaml"


@pytest.mark.parametrize("theme", builtin_themes())
@pytest.mark.parametrize("engine", sorted(BACKENDS))
def test_every_kind_has_its_template_in_every_engine(theme: str, engine: str) -> None:
    """What `block.<ext>.j2` includes for each kind, `blocks/<kind>.<ext>.j2`, is found through the theme's layers."""
    backend = BACKENDS[engine]
    dirs = load_theme(theme).template_dirs(backend.folder)
    missing = [
        kind
        for kind in model.BLOCK_KINDS
        if not any((d / "blocks" / f"{kind}{backend.suffix}.j2").is_file() for d in dirs)
    ]
    assert missing == []


def test_the_fixture_uses_every_kind() -> None:
    brief = load_brief(BRIEF).brief
    used = {b.kind for s in brief.sections for part in (s, *s.subsections) for b in part.blocks}
    assert used == set(model.BLOCK_KINDS)


class _Poll(model.Block):
    """A block of a kind no view knows (as a kind added to the model and forgotten in the view would be)."""

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "poll"


def test_a_kind_the_view_does_not_know_is_refused_not_taken_for_another(tmp_path: Path) -> None:
    loaded = load_brief(BRIEF)
    ctx = Context(loaded, "en", load_catalog("en"))
    block = _Poll.model_construct(quote="We are building the safest warehouse robots on the market,")
    with pytest.raises(AssertionError, match="poll"):
        content_of(ctx, block)


def test_an_excerpt_in_quotation_marks_nests_its_quotes_and_keeps_names_whole() -> None:
    """A note's excerpt is printed inside the document's marks: its own quotes go one level deeper, a known name
    in it is a `keep` node (never hyphenated, never broken), as is the name of its source."""
    loaded = load_brief(ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml")
    ctx = Context(loaded, "en", load_catalog("en"))
    excerpt = ctx.excerpt("“IBM and Meta are proud to co-launch the AI Alliance,” the release said")
    assert (
        plain(excerpt.text) == "‘IBM and Meta are proud to co-launch the AI\u00a0Alliance,’ the release said"
    )
    assert [plain(n.children) for n in excerpt.text if n.kind == "keep"] == [
        "IBM",
        "Meta",
        "AI\u00a0Alliance",
    ]
    assert excerpt.source == "The\u00a0AI\u00a0Alliance"
    block = ctx.excerpt(
        "“IBM and Meta are proud to co-launch the AI Alliance,” the release said", quoted=False
    )
    assert plain(block.text).startswith("“IBM and Meta are proud")


@pytest.mark.parametrize(
    ("lang", "text", "quoted"),
    [
        (
            "en",
            "It said “{{ai_alliance}} will grow” and *“more”*.",
            ["“AI\u00a0Alliance will grow”", "“more”"],
        ),
        ("fr", "Elle dit « voir https://example.org/a » et « plus tard ».", ["«\u00a0plus tard\u00a0»"]),
        ("en", "An opening mark “with no closing one.", []),
    ],
)
def test_a_quotation_in_prose_is_a_keep_node_its_spaces_left_free(lang: str, text: str, quoted: list) -> None:
    """Between the language's marks, marks included, never hyphenated (a `keep` node, whose spaces are not made
    no-break: it breaks between its words); a name in it keeps its own node; one holding an address is left."""
    loaded = load_brief(ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml")
    nodes = Context(loaded, lang, load_catalog(lang)).prose(text)

    def keeps(items: tuple) -> list:
        return [n for n in items if n.kind == "keep"] + [
            k for n in items if n.kind == "em" for k in keeps(n.children)
        ]

    assert [plain(n.children) for n in keeps(nodes) if not n.name] == quoted


def test_a_group_of_names_breaks_between_names_never_inside_one() -> None:
    loaded = load_brief(ROOT / "briefs" / "kyutai-launch" / "brief.yaml")
    ctx = Context(loaded, "en", load_catalog("en"))
    assert plain(ctx.prose("{{founders}}")) == "Iliad, CMA\u00a0CGM\u00a0and Schmidt\u00a0Futures"


def test_a_name_written_without_its_acronym_is_kept_whole_in_an_excerpt() -> None:
    ctx = Context(load_brief(ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml"), "en", load_catalog("en"))
    excerpt = ctx.excerpt("the National Science Foundation and others")
    assert [plain(n.children) for n in excerpt.text if n.kind == "keep"] == [
        "National\u00a0Science\u00a0Foundation"
    ]


def test_a_group_in_the_annex_keeps_each_name_whole(tmp_path: Path) -> None:
    """The annex's line is the text's width: a group's names are chunked as names (UNBROKEN_NAME), not as a
    value, whose chunks may end inside a name ("Iliad et Anne-Sophie ⏎ Papadopoulos"). The key-facts panel's
    narrow cards keep chunking the whole value (UNBROKEN): a name's chunk would be wider than a card."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "key_facts: [budget, staff, opening]",
        "  iliad: {type: organisation, name: Iliad}\n"
        "  anne: {type: person, name: Anne-Sophie Papadopoulos}\n"
        "  signed: {type: group, members: [iliad, anne], label: {fr: Signataires, en: Signatories}}\n"
        "key_facts: [budget]",
    )
    (tmp_path / "brief.yaml").write_text(text, encoding="utf-8")
    ctx = Context(load_brief(tmp_path / "brief.yaml"), "fr", load_catalog("fr"))
    (annex,) = [plain(e.description or ()) for e in other_facts_view(ctx) if plain(e.term) == "Signataires"]
    assert annex == "Iliad\u00a0et Anne-Sophie\u00a0Papadopoulos"
    text = text.replace("key_facts: [budget]", "key_facts: [budget, signed]")
    (tmp_path / "brief.yaml").write_text(text, encoding="utf-8")
    ctx = Context(load_brief(tmp_path / "brief.yaml"), "fr", load_catalog("fr"))
    (panel,) = [plain(k.value) for k in key_facts_view(ctx) if k.id == "signed"]
    assert panel == "Iliad\u00a0et\u00a0Anne-Sophie Papadopoulos"
