"""Each typographic rule, in both languages, in both directions, and idempotent."""

from __future__ import annotations

import pytest

from briefgen.brief.inline import UNBROKEN, UNBROKEN_NAME, Node, keep, parse, plain, unbroken
from briefgen.document.context import capitalised
from briefgen.language.catalog import typography_for
from briefgen.language.typography import nested, typeset, typeset_text

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
    ("100 millions d’euros", f"100{NB}millions{NB}d’euros"),
    ("100 millions de dollars", f"100{NB}millions de dollars"),
    ("le 14 juin 2024", f"le 14{NB}juin{NB}2024"),
    ("en mai 2023", f"en mai{NB}2023"),
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
    ("€105 million", f"€105{NB}million"),
    ("105 million euros", f"105{NB}million{NB}euros"),
    ("on 14 June 2024", f"on 14{NB}June{NB}2024"),
    ("on June 14, 2024", f"on June{NB}14,{NB}2024"),
    ("in May 2023", f"in May{NB}2023"),
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


def test_german_keeps_amounts_and_dates_whole() -> None:
    de = typography_for("de")
    assert typeset_text("105 Millionen Euro im Juni 2023", de) == f"105{NB}Millionen{NB}Euro im Juni{NB}2023"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "“We are proud,” he said.", "‘We are proud,’ he said."),
        ("en", "It’s ‘ours’ and “theirs”", "It’s “ours” and ‘theirs’"),
        ("en", "the members’ “plans”", "the members’ ‘plans’"),
        ("fr", f"«{NB}Nous sommes “fiers”{NB}», dit-il.", f"“Nous sommes «{NB}fiers{NB}»”, dit-il."),
        ("de", "„Wir sind ‚stolz‘“, sagte er.", "‚Wir sind „stolz“‘, sagte er."),
        ("en", "an unmatched ” stays", "an unmatched ” stays"),
    ],
)
def test_a_quote_inside_a_quote_takes_the_other_marks(lang: str, text: str, expected: str) -> None:
    """An excerpt printed inside the document's quotation marks has its own quotes one level deeper."""
    marks = typography_for(lang).words.quotes
    assert nested(text, marks) == expected
    assert nested(expected, marks) == text, "two levels deeper is where it started"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Eric Schmidt", UNBROKEN_NAME, f"Eric{NB}Schmidt"),
        ("Sethuraman Panchanathan", UNBROKEN_NAME, f"Sethuraman{NB}Panchanathan"),
        ("National Science Foundation (NSF)", UNBROKEN_NAME, f"National{NB}Science{NB}Foundation (NSF)"),
        ("14 June 2023", UNBROKEN, f"14{NB}June{NB}2023"),
        ("€500 million – €1.5 billion", UNBROKEN, f"€500{NB}million – €1.5{NB}billion"),
        ("IBM, Meta and AMD", UNBROKEN, f"IBM, Meta{NB}and{NB}AMD"),
        # too long for one run: chunks from the left, a break only between them
        (
            "42,5 millions de dollars des États-Unis",
            UNBROKEN,
            f"42,5{NB}millions{NB}de dollars{NB}des États-Unis",
        ),
        # a sign joins the chunk before it, past the limit: no break between an amount and its currency
        (f"391{NN}133{NN}000{NN}000{NN}000 €", UNBROKEN, f"391{NN}133{NN}000{NN}000{NN}000{NB}€"),
        (f"de 391{NN}133{NN}000{NN}000{NN}000 €", UNBROKEN, f"de 391{NN}133{NN}000{NN}000{NN}000{NB}€"),
    ],
)
def test_a_kept_run_is_never_broken_between_its_words_unless_long(
    text: str, limit: int, expected: str
) -> None:
    assert unbroken(text, limit) == expected
    name = limit == UNBROKEN_NAME
    assert keep(text, name=name) == Node("keep", children=(Node("text", expected),), name=name)


def test_a_fact_that_opens_a_sentence_opens_with_a_capital() -> None:
    def value(fact_id: str, style: str) -> str:
        return "around May 2023"

    shown = capitalised(parse("{{d}} (estimated): the launch. {{d}} again, then {{d}}.", value))
    texts = [n.children[0].text for n in shown if n.kind == "keep"]
    assert texts == [f"Around{NB}May{NB}2023", f"Around{NB}May{NB}2023", f"around{NB}May{NB}2023"]
    assert plain(capitalised(parse("Typed text: around May 2023.", value))) == "Typed text: around May 2023."


def test_a_name_that_opens_a_sentence_is_written_as_its_owner_writes_it() -> None:
    shown = capitalised(
        parse("{{e}} opens. {{e}} closes.", lambda fact_id, style: keep("ai-PULSE", name=True))
    )
    assert plain(shown) == "ai-PULSE opens. ai-PULSE closes."
