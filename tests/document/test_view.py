"""Block kinds as data: every kind has its view and, in every built-in theme and engine, its template by name;
a kind the view does not know is refused, never taken for another."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from briefgen.brief import model
from briefgen.brief.validate import load_brief
from briefgen.document.blocks import content_of
from briefgen.document.context import Context
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import builtin_themes, load_theme
from tests.conftest import FIXTURES

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
