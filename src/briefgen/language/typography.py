"""Apply each language's typographic conventions to the text of an inline tree, before any engine sees it.

French (Imprimerie nationale, house choice): a no-break space before `:` and inside « », a narrow no-break
space before `; ! ?` and `%`, straight double quotes made « » (“ ” inside quotes, whether those were typed « »
or straight), the apostrophe ’ between letters (a straight single quote elsewhere stays as typed), the ellipsis
…, numbers kept with their unit, currency or scale word, a day kept with its month, and `M.`/`Mme`/`Dr` kept
with the name that follows.
English: no space before `; : ! ?`, curly quotes “ ” and ‘ ’, the apostrophe ’, en dashes in number ranges, a
day kept with its month.
German (Duden): no space before `; : ! ?`, quotes „ “ and ‚ ‘, the apostrophe ’, en dashes in number ranges, a
day kept with its month.
A catalog names its rule set (`typography: fr`); a language whose catalog names none is left as typed.
Every rule is idempotent, and URLs, e-mail addresses, code and link targets are never touched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from briefgen.brief.inline import ADDRESS, Inline, Node

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACES = " \u00a0\u202f\u2009"
# Noncharacters, which validation refuses in every text, so that no text can hold them:
_B = "\ufdd2"  # stands for a boundary between inline nodes while a whole tree is processed as one string
_KEPT = "\ufdd3"  # brackets the index of a URL or address set aside while the rules run

# Every pattern that runs over a run of like characters starts only at the run's start: linear time, whatever the text.
_PROTECTED = re.compile(ADDRESS.format(stop=_B))
_UNITS = (
    r"€|\$|£|M€|k€|Md€|millions?|milliards?|milliers?|mille|km|kg|cm|mm|m²|m|g|t|h|min|s|Go|To|Mo|Ko|"
    r"GW|MW|kW|W|GWh|MWh|kWh|ans?|jours?|mois|heures?|euros?|dollars?|chercheurs?|personnes?|salariés?"
)


# The months, written out and abbreviated as CLDR formats dates, for keeping a day with its month.
_MONTHS = {
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"janv\.|févr\.|avr\.|juil\.|sept\.|oct\.|nov\.|déc\.",
    "en": "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec",
    "de": r"Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    r"Jan\.|Feb\.|Apr\.|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.",
}


def _day_with_month(text: str, months: str, day: str = r"\d{1,2}") -> str:
    """A no-break space between a day and its month, either way round: `14 juin`, `June 14`, `14. Juni`."""
    text = re.sub(rf"(?<![\d.,])({day}) (?=(?:{months})(?![\w]))", "\\1" + NBSP, text)
    return re.sub(rf"(?<![\w])({months}) (?=\d{{1,2}}(?![\d.,]\d|\d))", "\\1" + NBSP, text)


def _quotes(text: str, outer: tuple[str, str], inner: tuple[str, str], pad: str) -> str:
    """Straight double quotes to curly ones: opening after a space, a bracket or the start, closing elsewhere.

    Quotes nest: a quote inside a quote takes the inner marks, whether the outer one was typed straight or with
    the language's own marks (« … "…" … » gives « … “…” … »). A typed closing mark that is also an apostrophe
    (’) closes a quote only where no letter follows it.
    """
    out: list[str] = []
    closers: list[str] = []  # the closing mark each open quote waits for, innermost last
    waiting = Counter[str]()  # how many of each are in closers (linear time, whatever the text)

    def close(mark: str) -> None:  # the innermost quote this mark closes, and any left open inside it
        while closers:
            waiting[closers[-1]] -= 1
            if closers.pop() == mark:
                return

    opening_marks = {outer[0]: outer[1], inner[0]: inner[1]}
    for i, char in enumerate(text):
        if char in opening_marks:
            closers.append(opening_marks[char])
            waiting[closers[-1]] += 1
        elif waiting[char] > 0 and (char != "’" or not text[i + 1 : i + 2].isalnum()):
            close(char)
        if char != '"':
            out.append(char)
            continue
        before = text[i - 1] if i else " "
        opening = before in SPACES + "([{\u2014\u2013-/" + "\n" or (
            before == _B and (i < 2 or text[i - 2] in SPACES)
        )
        pair = outer if len(closers) % 2 == 0 else inner
        if opening:
            out.append(pair[0] + (pad if pair is outer else ""))
            closers.append(pair[1])
            waiting[pair[1]] += 1
        else:
            if closers:
                close(closers[-1])
            pair = outer if len(closers) % 2 == 0 else inner
            out.append((pad if pair is outer else "") + pair[1])
    return "".join(out)


def french(text: str) -> str:
    text = text.replace("''", '"')  # two straight single quotes are a double quote
    text = re.sub(r"(?<=[\w" + _B + r"])'(?=[\w" + _B + r"])", "’", text)
    text = text.replace("...", "…")
    text = _quotes(text, ("«", "»"), ("“", "”"), NBSP)
    text = re.sub(r"«[" + SPACES + r"]*", "«" + NBSP, text)
    text = re.sub(r"(?<![" + SPACES + r"])[" + SPACES + r"]*»", NBSP + "»", text)
    text = re.sub(
        r"(?<=[^\s" + SPACES + r"])(?:[" + SPACES + r"]+|(?<![;!?]))([;!?]+)(?=[\s" + _B + r"»)\]]|$)",
        NNBSP + r"\1",
        text,
    )
    text = re.sub(r"(?<=[^\s" + SPACES + r"])[" + SPACES + r"]*:(?=[\s" + _B + r"]|$)", NBSP + ":", text)
    text = re.sub(r"(?<=\d)[ \u2009](?=\d{3}(?!\d))", NNBSP, text)
    text = re.sub(r"(?<=\d)[ \u2009\u202f](?=(?:" + _UNITS + r")(?![\w]))", NBSP, text)
    text = re.sub(r"(?<=\d)[" + SPACES + r"]?(?=[%‰](?!\w))", NNBSP, text)
    text = _day_with_month(text, _MONTHS["fr"], r"\d{1,2}|1er")
    text = re.sub(r"\b(M\.|Mme|Mmes|Mlle|MM\.|Dr|Pr|Me) (?=[A-ZÀ-Ý])", r"\1" + NBSP, text)
    return text


def english(text: str) -> str:
    text = text.replace("''", '"')  # two straight single quotes are a double quote
    text = re.sub(r"(?<=[\w" + _B + r"])'(?=[\w" + _B + r"])", "’", text)
    text = re.sub(r"(?<![\w" + _B + r"])'(?=\d\ds\b)", "’", text)  # the ’90s
    text = text.replace("...", "…")
    text = _quotes(text, ("“", "”"), ("‘", "’"), "")
    text = re.sub(r"(?<![\w" + _B + r"])'", "‘", text)
    text = text.replace("'", "’")
    text = re.sub(r"(?<![" + SPACES + r"])[" + SPACES + r"]+(?=[;:!?]+(?:[\s" + _B + r"]|$))", "", text)
    text = re.sub(r"(?<![\d.,-])(\d+)-(\d+)(?![\d-])", "\\1\u2013\\2", text)
    return _day_with_month(text, _MONTHS["en"])


def german(text: str) -> str:
    text = text.replace("''", '"')  # two straight single quotes are a double quote
    text = re.sub(r"(?<=[\w" + _B + r"])'(?=[\w" + _B + r"])", "’", text)
    text = text.replace("...", "…")
    text = _quotes(text, ("„", "“"), ("‚", "‘"), "")
    text = re.sub(r"(?<![" + SPACES + r"])[" + SPACES + r"]+(?=[;:!?]+(?:[\s" + _B + r"]|$))", "", text)
    text = re.sub(r"(?<![\d.,-])(\d+)-(\d+)(?![\d-])", "\\1\u2013\\2", text)
    return _day_with_month(text, _MONTHS["de"], r"\d{1,2}\.")


RULES: dict[str, Callable[[str], str]] = {"fr": french, "en": english, "de": german}


def typeset_text(text: str, rules: str) -> str:
    """`text` with the rule set `rules` (fr, en, de; a language tag names its primary subtag's), URLs kept."""
    rule = RULES.get(rules.split("-")[0])
    if rule is None:
        return text
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"{_KEPT}{len(kept) - 1}{_KEPT}"

    done = rule(_PROTECTED.sub(keep, text))
    return re.sub(f"{_KEPT}(\\d+){_KEPT}", lambda m: kept[int(m.group(1))], done)


def typeset(nodes: Inline, rules: str) -> Inline:
    """The tree with its text typeset as one string, so that quotes and spaces see across emphasis and links."""
    texts: list[str] = []

    def collect(items: Inline) -> None:
        for node in items:
            if node.kind == "text":
                texts.append(node.text)
            elif node.kind != "code":
                collect(node.children)

    collect(nodes)
    if not texts:
        return nodes
    done = iter(typeset_text(_B.join(texts), rules).split(_B))

    def rebuild(items: Inline) -> Inline:
        out = []
        for node in items:
            if node.kind == "text":
                out.append(Node("text", next(done)))
            elif node.kind == "code":
                out.append(node)
            else:
                out.append(Node(node.kind, node.text, rebuild(node.children), node.href))
        return tuple(out)

    return rebuild(nodes)
