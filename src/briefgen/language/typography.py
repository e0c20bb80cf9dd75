"""Apply a language's typographic rules, as its catalog names them, to the text of an inline tree.

The rules are a small set of named functions; a catalog's `typography:` list chooses which apply, in order, and
their settings (a space's kind, the marks it goes before, a day's suffix…). The quotation marks, the units kept
with their number and the titles kept with a name are the catalog's, and the months are its CLDR locale's. A
catalog that names no rule leaves its texts as typed. Every rule is idempotent, and URLs, e-mail addresses,
code and link targets are never touched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, partial

from briefgen.brief.inline import ADDRESS, Inline, Node

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACES = " \u00a0\u202f\u2009"
# The spaces a rule may write, by the name a catalog gives them ("none": no space at all).
SPACE_NAMES = {"none": "", "no-break": NBSP, "narrow": NNBSP}
# Noncharacters, which validation refuses in every text, so that no text can hold them:
_B = "\ufdd2"  # stands for a boundary between inline nodes while a whole tree is processed as one string
_KEPT = "\ufdd3"  # brackets the index of a URL or address set aside while the rules run

# Every pattern that runs over a run of like characters starts only at the run's start: linear time, whatever the text.
_PROTECTED = re.compile(ADDRESS.format(stop=_B))


@dataclass(frozen=True)
class Words:
    """What the rules read of a language beyond their settings: its marks, months, units and titles."""

    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")  # outer open, close; inner open, close
    months: tuple[str, ...] = ()  # written out and abbreviated, as its locale formats dates
    units: tuple[str, ...] = ()  # words and symbols kept with the number before them
    titles: tuple[str, ...] = ()  # kept with the name after them: M., Mme, Dr


@cache  # a language's words, for every text of every document
def _alternatives(words: tuple[str, ...]) -> str:
    """A regular expression matching any of `words` as written, the longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _mark(text: str) -> str:
    """A quotation mark without the spaces the catalog writes with it: `«\u00a0` → `«`."""
    return text.strip(SPACES)


# -- the rules: each takes a text (and its settings, and the language's words) and gives it typeset ----------


def apostrophe(text: str, words: Words, decades: bool = False) -> str:
    """A straight quote between letters made the apostrophe ’ (`decades`: also before them, the ’90s)."""
    text = re.sub(r"(?<=[\w" + _B + r"])'(?=[\w" + _B + r"])", "’", text)
    if decades:
        text = re.sub(r"(?<![\w" + _B + r"])'(?=\d\ds\b)", "’", text)
    return text


def ellipsis(text: str, words: Words) -> str:
    """Three full stops made the ellipsis …"""
    return text.replace("...", "…")


def quotes(text: str, words: Words, respace: bool = False) -> str:
    """Straight double quotes (and two straight single ones) made the language's marks, nested ones its inner
    marks (`respace`: the spaces typed inside the outer marks made the catalog's)."""
    text = _quote_marks(text.replace("''", '"'), words.quotes)
    if respace:
        open_, close = words.quotes[0], words.quotes[1]
        text = re.sub(re.escape(_mark(open_)) + "[" + SPACES + "]*", open_, text)
        text = re.sub("(?<![" + SPACES + "])[" + SPACES + "]*" + re.escape(_mark(close)), close, text)
    return text


def single_quotes(text: str, words: Words) -> str:
    """Straight single quotes left after the apostrophes made the inner marks: 'word' → ‘word’."""
    text = re.sub(r"(?<![\w" + _B + r"])'", _mark(words.quotes[2]), text)
    return text.replace("'", _mark(words.quotes[3]))


def space_before(text: str, words: Words, marks: str = ";:!?", space: str = "none") -> str:
    """The space before `marks` made `space` (a name of SPACE_NAMES; "none" takes typed spaces away)."""
    chars = re.escape(marks)
    if space == "none":
        return re.sub(
            r"(?<![" + SPACES + r"])[" + SPACES + r"]+(?=[" + chars + r"]+(?:[\s" + _B + r"]|$))", "", text
        )
    after = r"[\s" + _B + re.escape(_mark(words.quotes[1])) + r")\]]|$"
    return re.sub(
        r"(?<=[^\s"
        + SPACES
        + r"])(?:["
        + SPACES
        + r"]+|(?<!["
        + chars
        + r"]))(["
        + chars
        + r"]+)(?="
        + after
        + ")",
        SPACE_NAMES[space] + r"\1",
        text,
    )


def digit_groups(text: str, words: Words, space: str = "narrow") -> str:
    """The space between groups of three digits made `space`: 1 250 000."""
    return re.sub(r"(?<=\d)[ \u2009](?=\d{3}(?!\d))", SPACE_NAMES[space], text)


def units(text: str, words: Words, space: str = "no-break", linking: str = "") -> str:
    """A number kept with the unit, currency or scale word after it (the catalog's `units`), and a scale word
    with the unit after it, directly or through one of the `linking` words: 105 million euros, 100 millions
    d’euros (`linking`: "de d’")."""
    if not words.units:
        return text
    unit = "(?:" + _alternatives(words.units) + r")(?![\w])"
    text = re.sub(r"(?<=\d)[ \u2009\u202f](?=" + unit + ")", SPACE_NAMES[space], text)
    links = "|".join(re.escape(w) + ("" if w.endswith(("’", "'")) else " ") for w in linking.split())
    link = f"(?:{links})?" if links else ""
    return re.sub(
        rf"(\d[{SPACES}]{unit}) ({link})(?={unit})",
        lambda m: m.group(1) + NBSP + m.group(2).replace(" ", NBSP),
        text,
    )


def percent(text: str, words: Words, space: str = "narrow") -> str:
    """The space between a number and % or ‰ made `space` (none typed: one added)."""
    return re.sub(r"(?<=\d)[" + SPACES + r"]?(?=[%‰](?!\w))", SPACE_NAMES[space], text)


def ranges(text: str, words: Words) -> str:
    """A hyphen between two numbers made an en dash: 1990–1995."""
    return re.sub(r"(?<![\d.,-])(\d+)-(\d+)(?![\d-])", "\\1\u2013\\2", text)


def day_month(text: str, words: Words, suffix: str = "", first: str = "", between: str = "") -> str:
    """A day kept with its month, either way round: `14 juin`, `June 14`, `14. Juni` (`suffix`: "."), `1er mai`
    (`first`: how the first of the month may be written), `14 de junio` (`between`: "de"); a month with its
    year (`June 2023`), and `June 14, 2023` whole."""
    months = _alternatives(words.months)
    if not months:
        return text
    day = r"\d{1,2}" + re.escape(suffix) + (f"|{re.escape(first)}" if first else "")
    if between:
        joined = f" {re.escape(between)} "
        text = re.sub(
            rf"(?<![\d.,])({day}){joined}(?=(?:{months})(?![\w]))", f"\\1{NBSP}{between}{NBSP}", text
        )
    else:
        text = re.sub(rf"(?<![\d.,])({day}) (?=(?:{months})(?![\w]))", "\\1" + NBSP, text)
    text = re.sub(rf"(?<![\w])({months}) (?=\d{{1,2}}(?![\d.,]\d|\d))", "\\1" + NBSP, text)
    # the month kept with its year (June 2023, 14 juin 2023), and a day written before the year (June 14, 2023)
    text = re.sub(rf"(?<![\w])({months}) (?=\d{{4}}(?![\d.,]\d|\d))", "\\1" + NBSP, text)
    return re.sub(
        rf"(?<![\w])({months}){NBSP}(\d{{1,2}}), (?=\d{{4}}(?![\d.,]\d|\d))", f"\\1{NBSP}\\2,{NBSP}", text
    )


def titles(text: str, words: Words) -> str:
    """A title kept with the name after it: `M. Dupont`, `Dr Martin` (the catalog's `titles`)."""
    if not words.titles:
        return text
    return re.sub(r"\b(" + _alternatives(words.titles) + r") (?=[A-ZÀ-Ý])", r"\1" + NBSP, text)


# Each rule's settings and their defaults (a setting's type is its default's); a catalog names rules from here.
RULES: dict[str, tuple[Callable[..., str], Mapping[str, object]]] = {
    "apostrophe": (apostrophe, {"decades": False}),
    "ellipsis": (ellipsis, {}),
    "quotes": (quotes, {"respace": False}),
    "single_quotes": (single_quotes, {}),
    "space_before": (space_before, {"marks": ";:!?", "space": "none"}),
    "digit_groups": (digit_groups, {"space": "narrow"}),
    "units": (units, {"space": "no-break", "linking": ""}),
    "percent": (percent, {"space": "narrow"}),
    "ranges": (ranges, {}),
    "day_month": (day_month, {"suffix": "", "first": "", "between": ""}),
    "titles": (titles, {}),
}


def _quote_marks(text: str, marks: tuple[str, str, str, str]) -> str:
    """Straight double quotes to the language's: opening after a space, a bracket or the start, closing elsewhere.

    Quotes nest: a quote inside a quote takes the inner marks, whether the outer one was typed straight or with
    the language's own marks (« … "…" … » gives « … “…” … »). A typed closing mark that is also an apostrophe
    (’) closes a quote only where no letter follows it.
    """
    bare = tuple(_mark(m) for m in marks)
    if '"' not in text and bare[0] not in text and bare[2] not in text:
        return text  # no quote opens: nothing to change (most texts)
    outer, inner = (0, 1), (2, 3)
    out: list[str] = []
    closers: list[str] = []  # the closing mark each open quote waits for, innermost last
    waiting = Counter[str]()  # how many of each are in closers (linear time, whatever the text)

    def close(mark: str) -> None:  # the innermost quote this mark closes, and any left open inside it
        while closers:
            waiting[closers[-1]] -= 1
            if closers.pop() == mark:
                return

    opening_marks = {bare[0]: bare[1], bare[2]: bare[3]}
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
            out.append(marks[pair[0]])
            closers.append(bare[pair[1]])
            waiting[bare[pair[1]]] += 1
        else:
            if closers:
                close(closers[-1])
            pair = outer if len(closers) % 2 == 0 else inner
            out.append(marks[pair[1]])
    return "".join(out)


def nested(text: str, marks: tuple[str, str, str, str]) -> str:
    """`text`, typeset, as it reads inside a quotation in `marks`: its own quotes one level deeper, the outer marks
    made inner and the inner ones outer (“We are ‘proud’”, quoted: ‘We are “proud”’). A closing mark that is also
    an apostrophe (’) closes a quote only where no letter follows it; unmatched marks stay as they are."""
    bare = tuple(_mark(m) for m in marks)
    swap = {bare[0]: (marks[2], bare[1], marks[3]), bare[2]: (marks[0], bare[3], marks[1])}
    out: list[str] = []
    open_: list[tuple[str, str]] = []  # each open quote's closing mark and what it becomes, innermost last
    i = 0
    while i < len(text):
        char = text[i]
        if open_ and char == open_[-1][0] and (char != "’" or not text[i + 1 : i + 2].isalnum()):
            while (
                out and out[-1] in SPACES[1:]
            ):  # the no-break spaces the mark was written with: the new mark's
                out.pop()
            out.append(open_.pop()[1])
            i += 1
            continue
        if char in swap:
            new_open, close, new_close = swap[char]
            open_.append((close, new_close))
            out.append(new_open)
            i += 1
            while i < len(text) and text[i] in SPACES[1:]:
                i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Typography:
    """A language's rules, in the order they run, each with its settings; no rule: texts stay as typed."""

    rules: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    words: Words = Words()

    def __call__(self, text: str) -> str:
        for name, settings in self.rules:
            text = partial(RULES[name][0], words=self.words, **dict(settings))(text)
        return text


NONE = Typography()


def typeset_text(text: str, rules: Typography) -> str:
    """`text` with a language's rules (its catalog's `typography`), URLs and e-mail addresses kept as typed."""
    if not rules.rules:
        return text
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"{_KEPT}{len(kept) - 1}{_KEPT}"

    done = rules(_PROTECTED.sub(keep, text))
    return re.sub(f"{_KEPT}(\\d+){_KEPT}", lambda m: kept[int(m.group(1))], done)


def typeset(nodes: Inline, rules: Typography) -> Inline:
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
                out.append(replace(node, children=rebuild(node.children)))
        return tuple(out)

    return rebuild(nodes)


__all__ = ["NONE", "RULES", "SPACE_NAMES", "Typography", "Words", "nested", "typeset", "typeset_text"]
