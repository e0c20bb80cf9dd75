"""Each typographic rule, in both languages, in both directions, and idempotent."""

from __future__ import annotations

import pytest

from briefgen.brief.inline import Node, parse
from briefgen.language.catalog import typography_for
from briefgen.language.typography import typeset, typeset_text

NB, NN = "\u00a0", "\u202f"
FR, EN = typography_for("fr"), typography_for("en")

FRENCH = [
    ("Il dit : oui", f"Il dit{NB}: oui"),
    ("Il dit: oui", f"Il dit{NB}: oui"),
    ("oui ; non", f"oui{NN}; non"),
    ("vraiment ?", f"vraiment{NN}?"),
    ("vraiment?!", f"vraiment{NN}?!"),
    ("hélas !", f"hélas{NN}!"),
    ('un "mot" ici', f"un «{NB}mot{NB}» ici"),
    ("un « mot » ici", f"un «{NB}mot{NB}» ici"),
    ("un «mot» ici", f"un «{NB}mot{NB}» ici"),
    ('"il dit "oui" hier"', f"«{NB}il dit “oui” hier{NB}»"),
    ("l'équipe", "l’équipe"),
    ("et puis...", "et puis…"),
    ("100 millions", f"100{NB}millions"),
    ("6 chercheurs", f"6{NB}chercheurs"),
    ("25 %", f"25{NN}%"),
    ("1 200 salariés", f"1{NN}200{NB}salariés"),
    ("M. Niel", f"M.{NB}Niel"),
    ("Mme Durand", f"Mme{NB}Durand"),
    ("à 10:30", "à 10:30"),
    ("voir https://ex.org/a:b?c=1 ; ok", f"voir https://ex.org/a:b?c=1{NN}; ok"),
    ("écrire à a@b.fr : merci", f"écrire à a@b.fr{NB}: merci"),
]

ENGLISH = [
    ("He said : yes", "He said: yes"),
    (f"yes{NB}; no", "yes; no"),
    ("really ?", "really?"),
    ('a "word" here', "a “word” here"),
    ("'single' quotes", "‘single’ quotes"),
    ("it's", "it’s"),
    ("the '90s", "the ’90s"),
    ("2020-2023", "2020\u20132023"),
    ("pages 10-12", "pages 10\u201312"),
    ("on 2023-11-17", "on 2023-11-17"),
    ("COVID-19", "COVID-19"),
    ("wait...", "wait…"),
    ("say ''yes'' now", "say “yes” now"),
    ("see https://ex.org/?a=1 : done", "see https://ex.org/?a=1: done"),
]


@pytest.mark.parametrize(("raw", "expected"), FRENCH)
def test_french_rules(raw: str, expected: str) -> None:
    assert typeset_text(raw, FR) == expected
    assert typeset_text(expected, FR) == expected, "idempotent"


@pytest.mark.parametrize(("raw", "expected"), ENGLISH)
def test_english_rules(raw: str, expected: str) -> None:
    assert typeset_text(raw, EN) == expected
    assert typeset_text(expected, EN) == expected, "idempotent"


@pytest.mark.parametrize(("raw", "expected"), FRENCH)
def test_english_undoes_french_spacing(raw: str, expected: str) -> None:
    """French text pasted into English loses its spaces before punctuation (the other direction)."""
    english = typeset_text(expected, EN)
    for mark in ";:!?":
        assert f"{NB}{mark}" not in english and f"{NN}{mark}" not in english and f" {mark} " not in english


def test_rules_see_across_emphasis_and_never_touch_links_or_code() -> None:
    nodes = typeset(parse('Il dit *"bonjour"* : voir [le site](https://ex.org/a:b) et `a : b`'), FR)
    assert nodes[0] == Node("text", "Il dit ")
    assert nodes[1].kind == "em" and nodes[1].children == (Node("text", f"«{NB}bonjour{NB}»"),)
    assert nodes[2] == Node("text", f"{NB}: voir ")
    assert nodes[3].kind == "link" and nodes[3].href == "https://ex.org/a:b"
    assert nodes[5] == Node("code", "a : b")
    assert typeset(nodes, FR) == nodes, "idempotent on trees"


def test_unknown_language_is_left_alone() -> None:
    assert typeset_text('a "b" : c', typography_for("nl")) == 'a "b" : c'
    assert typeset_text('a "b" : c', typography_for("none")) == 'a "b" : c'


def test_german_quotes_and_spacing() -> None:
    assert (
        typeset_text('Er sagte "Hallo" : 1990-1995 ...', typography_for("de"))
        == "Er sagte „Hallo“: 1990\u20131995 …"
    )


def test_the_fonts_cover_every_character_the_pass_emits() -> None:
    from fontTools.ttLib import TTFont

    from briefgen.themes import fonts

    emitted = "\u00a0\u202f«»“”‘’–—…€"
    for face in fonts.faces():
        cmap = TTFont(face.file).getBestCmap()
        missing = [f"U+{ord(c):04X}" for c in emitted if ord(c) not in cmap]
        assert not missing, f"{face.file.name} lacks {missing}"
