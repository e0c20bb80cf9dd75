"""Design values live once, in the theme's manifest: no template of any engine writes one again."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from briefgen.brief.read import load_yaml
from briefgen.themes.layers import builtin_root, builtin_themes, load_theme
from briefgen.themes.manifest import EM, LENGTH, PERCENT
from briefgen.themes.tokens import BLOCKS, tokens

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DECIMAL = re.compile(r"^\d+\.\d+$")


def design_literals() -> dict[str, str]:
    """Every length, colour, em, percentage and decimal written in a built-in manifest → where it is."""
    found: dict[str, str] = {}

    def visit(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, f"{where}[{i}]")
        elif isinstance(value, float | Decimal) or (
            isinstance(value, str) and any(p.match(value) for p in (LENGTH, EM, PERCENT, COLOUR, DECIMAL))
        ):
            found.setdefault(str(value), where)

    for name in builtin_themes():
        visit(load_yaml(builtin_root() / name / "theme.yaml").data, name)
    return found


def literal_pattern(literal: str) -> re.Pattern[str]:
    if COLOUR.match(literal):  # #b5452a, or B5452A as LaTeX's HTML colour model writes it
        return re.compile(rf"#?{re.escape(literal[1:])}(?![0-9a-fA-F])", re.IGNORECASE)
    return re.compile(rf"(?<![\w.#-]){re.escape(literal)}(?![\w%])")


@pytest.mark.parametrize("folder", [b.folder for b in BACKENDS.values()])
def test_no_template_repeats_a_design_value(folder: str) -> None:
    literals = design_literals()
    assert (
        "#b5452a" in literals and "2.2mm" in literals and "1.45" in literals
    )  # the check reads the manifests
    repeated = []
    for theme in builtin_themes():
        for file in sorted((builtin_root() / theme / folder).rglob("*")):
            if not file.is_file() or file.suffix in (".svg", ".png"):
                continue
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                for literal, where in literals.items():
                    if literal_pattern(literal).search(line):
                        rel = file.relative_to(builtin_root())
                        repeated.append(f"{rel}:{number}: {literal} (the manifest's {where})")
    assert not repeated, "design values written outside theme.yaml:\n" + "\n".join(repeated)


def test_derived_values_are_computed_from_the_manifest_and_the_font() -> None:
    values = tokens(load_theme("briefing"))
    assert values["text-body-line"] == "14.5pt"  # 10pt × 1.45
    assert values["text-heading-tracking-tex"] == 60  # 0.06em in \textls units
    # Lato's ascent (0.987 em) and descent (0.213 em), read from the font file, give the CSS line box.
    assert values["text-body-strut-height"] == "11.12pt" and values["text-body-strut-depth"] == "3.38pt"
    assert values["text-body-top-edge"] == "1.112em" and values["text-body-bottom-edge"] == "-0.338em"


@pytest.mark.parametrize("block", list(BLOCKS))
def test_each_engine_block_carries_every_token(block: str) -> None:
    values = tokens(load_theme("briefing"))
    text = str(BLOCKS[block](values))
    assert "b5452a" in text.lower()
    expected = {
        "css": "--space-paragraph: 2.2mm;",
        "typst": "paragraph: 2.2mm",
        "latex": r"\BriefSetToken{space-paragraph}{2.2mm}",
    }
    assert expected[block] in text


def test_a_changed_token_reaches_every_block(tmp_path: Path) -> None:
    theme = tmp_path / "mine"
    theme.mkdir()
    (theme / "theme.yaml").write_text(
        "name: mine\nextends: briefing\ncolours: {accent: '#123456'}\n", encoding="utf-8"
    )
    values = tokens(load_theme(str(theme)))
    for block in BLOCKS.values():
        text = str(block(values)).lower()
        assert "123456" in text and "b5452a" not in text
