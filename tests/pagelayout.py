"""Read a built PDF's pages as a typesetter would and list its bad breaks: page, text and why, one finding each.

The pages are read with pdfplumber (every word's position and size); what the page should hold (headings,
names, tables, notes, excerpts, the margins of the running header and footer) comes from a `Layout`, made from
the brief, its language and its theme by `layout_of`, or written by hand for a test. The rules are those of a
page a typesetter would sign: no page of a few lines, no heading left at a page foot, no table split leaving
fewer than three rows on a side, footnotes on the page of their call, no page left well short of full without a
forced break, running lines on one line, no line break inside a name, an amount or a date, no hyphenation inside
a name or a quoted excerpt, and hyphenation that extracts as `-`.

A thing the `Layout` names but the pages do not show where expected (a heading, a table's rows, a footnote) is
itself a finding (`unlocated`): the checker says what it could not check rather than passing it silently.
"""

from __future__ import annotations

import itertools
import re
import shutil
import statistics
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests import pdfpages

# The kinds of finding, in the order of the rules.
KINDS = (
    "short-page",  # a page whose body holds fewer than 5 lines
    "stranded-heading",  # a heading, flag label or table caption with fewer than 2 lines after it on its page
    "table-split",  # a table split leaving fewer than 3 body rows on a side
    "footnote-page",  # a footnote not on the page of its call
    "underfull-page",  # a page other than the last less than 70 % full without a forced break
    "running-wrap",  # a line of the running header or footer that wraps
    "name-break",  # a line break inside a person's or organisation's name
    "amount-break",  # a line break between a number and its unit or currency
    "date-break",  # a line break inside a date
    "name-hyphen",  # a name hyphenated across lines
    "excerpt-hyphen",  # a word of a quoted excerpt hyphenated across lines
    "hyphen-char",  # hyphenation (or a glyph) that extracts as anything but `-`
    "widow",  # a paragraph's last line alone at the head of a page, or its first alone at the foot of one
    "unlocated",  # something the layout names that the checker could not find on the pages
)

MIN_LINES = 5  # lines of body a page holds at least
LINE = 14.0  # points: the height a figure counts as a line of body text, for MIN_LINES
MIN_AFTER_HEADING = 2  # lines of what follows a heading on its page
MIN_TABLE_ROWS = 3  # body rows of a split table on each side
MIN_FILL = 0.70  # how full a page other than the last is
BLANK = 36.0  # points: a blank band taller than this (about 2.5 lines) counts as empty in a page's fill
HYPHENS = "-\u00ad\u2010\u2011"  # what ends a hyphenated line, as engines extract it


@dataclass(frozen=True)
class Finding:
    kind: str
    page: int  # from 1
    text: str  # the text concerned, as extracted
    why: str  # one line

    def __str__(self) -> str:
        return f"p{self.page} {self.kind}: {self.text!r} — {self.why}"


@dataclass(frozen=True)
class Table:
    """A table of the brief: its label as printed ("Table 1"), then the text of each body row's first cell."""

    label: str
    rows: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    """A note the page should print as a footnote: its number and the start of its text."""

    number: int
    text: str


@dataclass(frozen=True)
class Layout:
    """What the pages of one PDF should show, from the brief, its language and the theme."""

    lang: str = "en"
    margin_top: float = 72.0  # points: the body lies between the margins; the running lines outside them
    margin_bottom: float = 72.0
    names: tuple[str, ...] = ()  # people and organisations
    headings: tuple[str, ...] = ()  # section and subsection titles, the fixed headings of the theme
    labels: tuple[str, ...] = ()  # the caveats' labels ("Ambiguous")
    tables: tuple[Table, ...] = ()
    footnotes: tuple[Note, ...] = ()  # the notes printed as footnotes (none when they are endnotes)
    excerpts: tuple[str, ...] = ()  # verbatim passages of the sources the PDF quotes
    forced: tuple[str, ...] = ()  # headings a forced page break puts at the top of a page
    forced_pages: int = 0  # pages at the start ended by a forced break (a cover, a table of contents)


# -- Reading the pages ------------------------------------------------------------------------------------------


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    sup: bool = False  # a raised, smaller word: a note's call


@dataclass
class Line:
    """Words on one baseline with no column gap between them: a line of a paragraph, of a cell, of a card."""

    page: int
    row: int  # the index of its row on the page (lines side by side share a row)
    words: list[Word]
    zone: str = "body"  # header, body, footnotes, footer

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words if not w.sup) if self.main else self.words[0].size

    @property
    def main(self) -> list[Word]:
        return [w for w in self.words if not w.sup]

    @property
    def text(self) -> str:
        out = ""
        for i, w in enumerate(self.words):
            gap = w.x0 - self.words[i - 1].x1 if i else 0.0
            out += (" " if i and gap > 0.1 * w.size and not w.sup else "") + w.text
        return out


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    boxes: list[tuple[float, float]] = field(default_factory=list)  # (top, bottom) of images and drawings
    chars: list[str] = field(default_factory=list)  # every character's text, for the extraction rule

    def zone(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.zone == name]

    def rows(self, zone: str = "body") -> list[list[Line]]:
        by_row: dict[int, list[Line]] = {}
        for line in self.zone(zone):
            by_row.setdefault(line.row, []).append(line)
        return [by_row[k] for k in sorted(by_row)]


def read(pdf: Path, layout: Layout) -> list[Page]:
    """The pages of `pdf` as pdfplumber reads them (tests/pdfpages.py: faster, and once per file), in lines and
    zones by `layout`'s margins."""
    pages = []
    for raw in pdfpages.read(pdf):
        words = [
            Word(text, x0, x1, top, bottom, size)
            for text, x0, x1, top, bottom, size, upright in raw.words
            if upright and text.strip()
        ]
        lines = _lines(raw.number, words)
        body_top, body_bottom = layout.margin_top, raw.height - layout.margin_bottom
        for line in lines:
            middle = (line.top + line.bottom) / 2
            line.zone = "header" if middle < body_top else "footer" if middle > body_bottom else "body"
        boxes = [
            (top, bottom)
            for x0, x1, top, bottom in raw.graphics
            if bottom > body_top
            and top < body_bottom
            and (x1 - x0) * (bottom - top) < 0.8 * raw.width * raw.height
        ]
        pages.append(Page(raw.number, raw.width, raw.height, lines, boxes, list(raw.chars)))
    return pages


def _lines(number: int, words: list[Word]) -> list[Line]:
    """Rows of words sharing a baseline (a note's raised call joins its row), cut at column gaps into lines."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.bottom):
        if rows:
            row = rows[-1]
            size = max(max(x.size for x in row), w.size)
            if w.bottom - max(x.bottom for x in row) <= 0.5 * size:
                row.append(w)
                continue
        rows.append([w])
    lines: list[Line] = []
    for index, row in enumerate(rows):
        row.sort(key=lambda w: w.x0)
        big = max(w.size for w in row)
        base = max(w.bottom for w in row if w.size == big)
        for w in row:
            w.sup = w.size < 0.85 * big and w.bottom < base - 0.12 * big and w.text[:1].isdigit()
        em = statistics.median(w.size for w in row)
        gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(row)]
        typical = statistics.median(gaps) if len(gaps) >= 3 else None
        start = 0
        for i, gap in enumerate(gaps, 1):
            column = gap > 1.5 * em or (typical is not None and gap > 0.8 * em and gap > 2 * typical)
            if column:
                lines.append(Line(number, index, row[start:i]))
                start = i
        lines.append(Line(number, index, row[start:]))
    return lines


# -- Normalising text -------------------------------------------------------------------------------------------


def key(text: str) -> str:
    """Letters and digits only, case folded: how a heading is recognised whatever its case and spacing."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def norm(text: str) -> str:
    """Words only, case folded, apostrophes straight, hyphens kept: how passages are compared."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    text = re.sub(r"[’‘ʼ]", "'", text)
    text = re.sub(r"[^\w'\- ]+", " ", text)
    return " ".join(text.split())


ELISION = re.compile(r"^(?:[dljmnstc]|qu)['’]", re.IGNORECASE)


def token(word: str) -> str:
    """A word as names, amounts and dates are compared: punctuation and a French elision off its ends."""
    word = unicodedata.normalize("NFKC", word).replace("\u00ad", "")
    word = ELISION.sub("", word)
    word = re.sub(r"['’]s$", "", word)
    return word.strip(".,;:!?()[]{}«»“”‘’\"'…")


# -- The rules ---------------------------------------------------------------------------------------------------


def check(pdf: Path, layout: Layout) -> list[Finding]:
    """Every finding of `pdf`, by page then by kind."""
    pages = read(pdf, layout)
    _mark_footnotes(pages, layout)
    found: list[Finding] = []
    forced = _forced(pages, layout)
    headings = _headings(pages, layout)
    found += _short_pages(pages, forced, layout)
    found += _stranded(pages, layout, headings, forced)
    found += _tables(pages, layout)
    found += _footnotes(pages, layout)
    found += _underfull(pages, layout, forced)
    found += _running(pages)
    found += _breaks(pages, layout)
    found += _hyphen_chars(pdf, pages)
    found += _widows(pages, forced | set(range(1, layout.forced_pages + 1)), headings)
    return sorted(found, key=lambda f: (f.page, KINDS.index(f.kind), f.text))


def _mark_footnotes(pages: list[Page], layout: Layout) -> None:
    """The lines of each page from its first footnote down are in the footnotes' zone."""
    for page in pages:
        top = min((line.top for line in page.zone("body") if _footnote_number(line, layout)), default=None)
        if top is None:
            continue
        for line in page.zone("body"):
            if line.top >= top - 0.5:
                line.zone = "footnotes"


def _footnote_number(line: Line, layout: Layout) -> int | None:
    """The number of the footnote `line` opens: its number then the start of the note's text."""
    match = re.match(r"\s*(\d+)\s*[.)]?\s*(.*)", line.text)
    if not match:
        return None
    start = key(match.group(2))
    for note in layout.footnotes:
        text = key(note.text)
        n = min(len(start), len(text), 24)
        if note.number == int(match.group(1)) and n >= 4 and start[:n] == text[:n]:
            return note.number
    return None


def _forced(pages: list[Page], layout: Layout) -> set[int]:
    """The pages ended by a forced break: the first `forced_pages`, and each before a page a forced heading opens."""
    forced = set(range(1, layout.forced_pages + 1))
    starts = {key(h) for h in layout.forced}
    for page in pages[1:]:
        body = page.zone("body")
        if body and starts:
            first = min(body, key=lambda line: (line.top, line.x0))
            text = key(" ".join(line.text for line in body if line.row == first.row))
            if any(text.startswith(s) for s in starts if s):
                forced.add(page.number - 1)
    return forced


def _short_pages(pages: list[Page], forced: set[int], layout: Layout) -> Iterator[Finding]:
    """Pages of fewer than MIN_LINES body lines. A cover or contents page is one by design; a page that ends the
    text or a part of it (before a forced break) says whether its lines would have fitted on the page before."""
    last = len(pages)
    for page in pages:
        rows = page.rows("body") + page.rows("footnotes")
        if len(rows) >= MIN_LINES or page.number <= layout.forced_pages or last == 1:
            continue
        if _figures_height(page) >= (MIN_LINES - len(rows)) * LINE:
            continue  # a figure fills the page with its lines
        text = " / ".join(" ".join(line.text for line in row) for row in rows)
        ends = page.number == last or page.number in forced
        if not ends or page.number - 1 in forced or page.number == 1:
            why = f"{len(rows)} lines on the page"
        else:
            before = pages[page.number - 2]
            free = _free_at_foot(before, layout)
            need = max(row[0].bottom for row in rows) - min(row[0].top for row in rows)
            where = "the text" if page.number == last else "its part (a forced break follows)"
            why = f"{len(rows)} lines end {where}; " + (
                f"they would fit in the {free:.0f} pt left at the foot of page {before.number}"
                if free >= need
                else f"page {before.number} is full ({free:.0f} pt free, {need:.0f} pt needed)"
            )
        yield Finding("short-page", page.number, text, why)


def _figures_height(page: Page) -> float:
    """How tall the page's figures are, together: its images and drawings with no line of text beside or over
    them (a panel's or a caveat's drawing has its text), their overlaps counted once."""
    spans = sorted(
        (top, bottom)
        for top, bottom in page.boxes
        if not any(line.bottom > top and line.top < bottom for line in page.lines if line.zone == "body")
    )
    height, end = 0.0, float("-inf")
    for top, bottom in spans:
        if bottom > end:
            height += bottom - max(top, end)
            end = bottom
    return height


def _free_at_foot(page: Page, layout: Layout) -> float:
    """The height left blank between the last line of the text (or a drawing) and the footnotes or margin."""
    bottom = page.height - layout.margin_bottom
    content = [line.bottom for line in page.zone("body")] + [b for _, b in page.boxes]
    used = max(content, default=layout.margin_top)
    notes = [line.top for line in page.zone("footnotes")]
    return max(0.0, (min(notes) if notes else bottom) - used)


@dataclass
class _Located:
    """A heading, label or caption found on a page: its lines."""

    text: str
    kind: str
    lines: list[Line]


def _headings(pages: list[Page], layout: Layout) -> list[_Located]:
    """Where each heading, caveat label and table caption is: a line (or a few) whose text is exactly it."""
    wanted = [(h, "heading") for h in layout.headings] + [(lab, "label") for lab in layout.labels]
    wanted += [(t.label, "caption") for t in layout.tables]
    body = [line for page in pages for line in sorted(page.zone("body"), key=lambda x: (x.top, x.x0))]
    found: list[_Located] = []
    for text, kind in wanted:
        target = key(text)
        if not target:
            continue
        for i, line in enumerate(body):
            if kind == "caption":
                if key(line.text).startswith(target) and not key(line.text)[len(target) :][:1].isdigit():
                    found.append(_Located(text, kind, _caption_lines(body, i)))
                continue
            if kind == "label" and key(line.text).startswith(target):
                found.append(_Located(text, kind, [line]))  # a label may share its line with the quote
                continue
            joined, taken = "", []
            for nxt in body[i : i + 4]:
                if nxt.page != line.page or not target.startswith(key(joined + nxt.text)):
                    break
                joined += nxt.text
                taken.append(nxt)
                if key(joined) == target:
                    found.append(_Located(text, kind, taken))
                    break
    return found


def _caption_lines(body: list[Line], i: int) -> list[Line]:
    """A caption's lines: the line that opens with its label, and those its text wraps to (the line before
    each runs to the measure; at the same size, just below, overlapping it)."""
    lines = [body[i]]
    measure = max(line.x1 for line in body if line.page == body[i].page)
    for nxt in body[i + 1 : i + 4]:
        last = lines[-1]
        if last.x1 < measure - 3 * last.size:
            break
        if (
            nxt.page != last.page
            or abs(nxt.size - last.size) > 0.2
            or nxt.top - last.bottom > 0.6 * last.size
        ):
            break
        if nxt.x0 > last.x1 or nxt.x1 < last.x0:
            break
        lines.append(nxt)
    return lines


def _stranded(
    pages: list[Page], layout: Layout, located: list[_Located], forced: set[int]
) -> Iterator[Finding]:
    """Headings, labels and captions with fewer than MIN_AFTER_HEADING lines after them on their page. A drawing
    below one (a figure, _drawn_after) counts as that many lines; and one line is enough when it ends what the
    heading opens: the next page starts with another heading, label or caption, or a forced break (or the end)
    follows."""
    # The lines that are a heading, label or caption and nothing else: a caveat's label sharing its line with the
    # quote it flags is a line of what follows the heading above it.
    heading_lines = {
        id(line)
        for loc in located
        for line in loc.lines
        if not (loc.kind == "label" and key(line.text) != key(loc.text))
    }
    opens = {page.number for page in pages if _opens_with(page, heading_lines)}
    for loc in located:
        last = loc.lines[-1]
        page = pages[last.page - 1]
        shared = 1 if loc.kind == "label" and key(last.text) != key(loc.text) else 0
        after = {
            line.row
            for line in page.zone("body")
            if line.top > last.bottom - 0.5 and id(line) not in heading_lines
        }
        drawn = len(after) + shared < MIN_AFTER_HEADING and _drawn_after(page, layout, last)
        follows = len(after) + shared + (MIN_AFTER_HEADING if drawn else 0)
        whole = page.number == len(pages) or page.number in forced or page.number + 1 in opens
        if follows < MIN_AFTER_HEADING and not (whole and follows >= 1):
            what = {"heading": "heading", "label": "caveat label", "caption": "table caption"}[loc.kind]
            yield Finding(
                "stranded-heading",
                last.page,
                " ".join(line.text for line in loc.lines),
                f"a {what} with {follows} line{'s' if follows != 1 else ''} of what follows on its page",
            )
    wanted = {key(h) for h in (*layout.headings, *layout.labels)} | {key(t.label) for t in layout.tables}
    seen = {key(loc.text) for loc in located}
    for missing in sorted(wanted - seen):
        text = next(
            h
            for h in (*layout.headings, *layout.labels, *(t.label for t in layout.tables))
            if key(h) == missing
        )
        yield Finding(
            "unlocated", 1, text, "a heading, label or caption the layout names is on no line of its own"
        )


def _drawn_after(page: Page, layout: Layout, heading: Line) -> bool:
    """Whether an image or a drawing at least MIN_AFTER_HEADING lines tall (a figure) starts below `heading` on
    its page: what follows the heading, though it holds no text. A rule under the heading is a hairline."""
    bottom = page.height - layout.margin_bottom
    tall = MIN_AFTER_HEADING * 1.2 * heading.size
    return any(top > heading.bottom - 0.5 and min(end, bottom) - top >= tall for top, end in page.boxes)


def _opens_with(page: Page, heading_lines: set[int]) -> bool:
    """Whether the first line of the page's body is a heading's, a label's or a caption's."""
    body = page.zone("body")
    return bool(body) and id(min(body, key=lambda line: (line.top, line.x0))) in heading_lines


def _tables(pages: list[Page], layout: Layout) -> Iterator[Finding]:
    body = [line for page in pages for line in sorted(page.zone("body"), key=lambda x: (x.top, x.x0))]
    for table in layout.tables:
        target = key(table.label)
        start = next(
            (
                i
                for i, line in enumerate(body)
                if key(line.text).startswith(target) and not key(line.text)[len(target) :][:1].isdigit()
            ),
            None,
        )
        if start is None:
            continue  # reported as unlocated by the headings' rule
        at, row_pages = start + 1, []
        for cell in table.rows:
            prefix = key(cell)[:10]
            hit = next((j for j in range(at, len(body)) if key(body[j].text).startswith(prefix)), None)
            if not prefix or hit is None:
                row_pages = []
                break
            row_pages.append(body[hit].page)
            at = hit + 1
        if not row_pages:
            yield Finding(
                "unlocated", body[start].page, table.label, "the rows of this table were not all found"
            )
            continue
        counts: dict[int, int] = {}
        for p in row_pages:
            counts[p] = counts.get(p, 0) + 1
        if len(counts) < 2:
            continue
        first, last = min(counts), max(counts)
        for page_number, side in ((first, "before"), (last, "after")):
            if counts[page_number] < MIN_TABLE_ROWS:
                yield Finding(
                    "table-split",
                    page_number,
                    table.label,
                    f"{counts[page_number]} body row{'s' if counts[page_number] != 1 else ''} of "
                    f"{len(table.rows)} on page {page_number}, {side} the break",
                )


def _footnotes(pages: list[Page], layout: Layout) -> Iterator[Finding]:
    if not layout.footnotes:
        return
    placed: dict[int, int] = {}
    for page in pages:
        for line in page.zone("footnotes"):
            number = _footnote_number(line, layout)
            if number is not None and number not in placed:
                placed[number] = page.number
    calls: dict[int, int] = {}
    for page in pages:
        for line in sorted(page.zone("body"), key=lambda x: (x.top, x.x0)):
            for w in line.words:
                if w.sup and w.text.isdigit() and int(w.text) not in calls:
                    calls[int(w.text)] = page.number
    for note in layout.footnotes:
        call, foot = calls.get(note.number), placed.get(note.number)
        if call is None or foot is None:
            missing = "call" if call is None else "footnote"
            yield Finding(
                "unlocated",
                call or foot or 1,
                str(note.number),
                f"the {missing} of note {note.number} was not found",
            )
        elif call != foot:
            yield Finding(
                "footnote-page",
                foot,
                f"{note.number}. {note.text[:60]}",
                f"footnote {note.number} is on page {foot}, its call on page {call}",
            )


def _underfull(pages: list[Page], layout: Layout, forced: set[int]) -> Iterator[Finding]:
    """Pages other than the last less than MIN_FILL full, unless a forced break ends them or the next page opens
    with a drawing (a figure, under its heading at most) taller than the blank left at their foot: a block that
    cannot split and could not have fitted."""
    for page in pages[:-1]:
        if page.number in forced or _opens_with_tall_drawing(
            pages[page.number], _free_at_foot(page, layout), layout
        ):
            continue
        top, bottom = layout.margin_top, page.height - layout.margin_bottom
        spans = sorted(
            [(line.top, line.bottom) for line in page.lines if line.zone in ("body", "footnotes")]
            + page.boxes
        )
        covered, end = 0.0, top
        for a, b in spans:
            a, b = max(a, top), min(b, bottom)
            if b <= end:
                continue
            if a - end <= BLANK:
                covered += b - end
            else:
                covered += b - a
            end = b
        fill = covered / (bottom - top) if bottom > top else 1.0
        if fill < MIN_FILL:
            last = max(page.zone("body"), key=lambda line: line.bottom, default=None)
            yield Finding(
                "underfull-page",
                page.number,
                last.text if last else "",
                f"the page is {fill:.0%} full and no forced break ends it",
            )


def _widows(pages: list[Page], forced: set[int], located: list[_Located]) -> Iterator[Finding]:
    """A paragraph that runs from a page to the next and leaves a single line on one side: its last line alone at
    the head of the next page (a widow), or its first alone at the foot of the page (an orphan).

    The paragraph runs on when the page's last body line is full (reaches the text's right edge, the furthest any
    line of the document reaches, as a justified line does)
    and the next page's first body line continues it (its size, overlapping it). A line starts a paragraph when
    the line above it on its page is more than a line's pitch away (the paragraph's spacing), and ends one when
    the line below it is, or it is short of the measure and nothing follows. A page a forced break ends, and the
    lines of headings, labels and captions, are left out."""
    titles = {id(line) for loc in located for line in loc.lines}
    measure = max(
        (line.x1 for page in pages for line in _text_lines(page)), default=0.0
    )  # the text's right edge
    for page, nxt in itertools.pairwise(pages):
        if page.number in forced:
            continue
        lines, following = _text_lines(page), _text_lines(nxt)
        if not lines or not following:
            continue
        last = max(lines, key=lambda line: (line.bottom, line.x1))
        first = min(following, key=lambda line: (line.top, line.x0))
        if id(last) in titles or id(first) in titles:
            continue
        size = last.size
        if abs(first.size - size) > 0.15 * size or min(last.x1, first.x1) <= max(last.x0, first.x0):
            continue
        if last.x1 < measure - 0.5 * size:
            continue  # the page's last line is short of the measure: its paragraph ends there
        above = _neighbour(lines, last, up=True)
        below = _neighbour(following, first, up=False)
        ends = below is None or below.top - first.top > _pitch(following, size) + 0.25 * size
        if ends and first.x1 < measure - 0.5 * size:
            yield Finding(
                "widow", nxt.number, first.text, "a paragraph's last line alone at the head of the page"
            )
        if above is not None and last.top - above.top > _pitch(lines, size) + 0.25 * size:
            yield Finding(
                "widow", page.number, last.text, "a paragraph's first line alone at the foot of the page"
            )


def _text_lines(page: Page) -> list[Line]:
    return [line for line in page.zone("body") if line.main]


def _neighbour(lines: list[Line], line: Line, up: bool) -> Line | None:
    """The line just above (or below) `line` in its column, at its size."""
    near = [
        other
        for other in lines
        if (other.top < line.top - 0.5 * line.size if up else other.top > line.top + 0.5 * line.size)
        and abs(other.size - line.size) <= 0.15 * line.size
        and min(other.x1, line.x1) > max(other.x0, line.x0)
    ]
    if not near:
        return None
    return max(near, key=lambda o: o.top) if up else min(near, key=lambda o: o.top)


def _pitch(lines: list[Line], size: float) -> float:
    """The distance from a line's top to the next's inside a paragraph of lines of `size`: the page's most common."""
    tops = sorted({round(line.top, 1) for line in lines if abs(line.size - size) <= 0.15 * size})
    steps = [round(b - a, 1) for a, b in itertools.pairwise(tops) if b - a > 0.5 * size]
    return Counter(steps).most_common(1)[0][0] if steps else 1.5 * size


def _opens_with_tall_drawing(page: Page, room: float, layout: Layout) -> bool:
    """Whether `page` opens with a drawing at least two lines tall, below no more than a heading's lines (three),
    that with what is above it is taller than `room`."""
    top = layout.margin_top
    for box_top, box_bottom in sorted(page.boxes):
        above = {line.row for line in page.zone("body") if line.bottom <= box_top + 0.5}
        if len(above) > 3:
            return False
        size = min((line.size for line in page.zone("body")), default=10.0)
        if box_bottom - box_top >= 2 * size:
            return box_bottom - top > room
    return False


def _running(pages: list[Page]) -> Iterator[Finding]:
    for page in pages:
        for zone in ("header", "footer"):
            lines = sorted(page.zone(zone), key=lambda line: line.top)
            pairs = [(a, b) for i, a in enumerate(lines) for b in lines[i + 1 :]]
            for a, b in pairs:
                stacked = b.top > a.top + 0.5 * a.size and b.bottom - a.bottom <= 1.6 * a.size
                if stacked and min(a.x1, b.x1) > max(a.x0, b.x0):
                    yield Finding(
                        "running-wrap",
                        page.number,
                        f"{a.text} ⏎ {b.text}",
                        f"the running {zone} wraps to two lines",
                    )


def _pairs(pages: list[Page]) -> Iterator[tuple[Line, Line]]:
    """Each line and the line that continues it: the next line below, at its size, overlapping it, on its page or
    (for the last line of the text) at the top of the next page."""
    for page in pages:
        for zone in ("body", "footnotes", "header", "footer"):
            lines = [line for line in page.zone(zone) if line.main]
            for a in lines:
                below = [
                    b
                    for b in lines
                    if b.top > a.top + 0.5 * a.size
                    and b.bottom - a.bottom <= 1.9 * a.size
                    and abs(b.size - a.size) <= 0.15 * a.size
                    and min(a.x1, b.x1) > max(a.x0, b.x0)
                ]
                if below:
                    yield a, min(below, key=lambda b: (b.top, b.x0))
    for page, nxt in itertools.pairwise(pages):
        starts = [line for line in nxt.zone("body") if line.main]
        if not starts:
            continue
        b = min(starts, key=lambda line: (line.top, line.x0))
        ends = [
            a
            for a in page.zone("body")
            if a.main and abs(a.size - b.size) <= 0.15 * b.size and min(a.x1, b.x1) > max(a.x0, b.x0)
        ]
        if ends:
            yield max(ends, key=lambda a: (a.bottom, a.x1)), b


def _breaks(pages: list[Page], layout: Layout) -> Iterator[Finding]:
    names = [[token(w) for w in name.split()] for name in _names(layout.names)]
    excerpts = [norm(e) for e in layout.excerpts]
    months = _months(layout.lang)
    for a, b in _pairs(pages):
        left = [w.text for w in a.main]
        right = [w.text for w in b.main]
        if not left or not right:
            continue
        shown = f"{' '.join(left[-3:])} ⏎ {' '.join(right[:3])}"
        hyphenated = (
            len(left[-1]) > 1
            and left[-1][-1] in HYPHENS
            and left[-1][-2].isalpha()
            and right[0][:1].isalpha()
        )
        if hyphenated:
            stem, rest = left[-1][:-1], right[0]
            joined = [token(w) for w in [*left[:-1], stem + rest, *right[1:]]]
            kept = [token(w) for w in [*left[:-1], stem + "-" + rest, *right[1:]]]
            at = len(left) - 1
            if any(_has_name(kept, name, at) for name in names):
                yield Finding("name-break", a.page, shown, "a line break inside a name, at its hyphen")
            elif any(_has_name(joined, name, at) for name in names):
                yield Finding("name-hyphen", a.page, shown, "a name hyphenated across lines")
            elif _in_excerpt(left, right, excerpts):
                yield Finding(
                    "excerpt-hyphen", a.page, shown, "a word of a quoted excerpt hyphenated across lines"
                )
            continue
        lt = [token(w) for w in left]
        rt = [token(w) for w in right]
        for name in names:
            n = len(name)
            if any(
                [x.casefold() for x in lt[-j:]] == [x.casefold() for x in name[:j]]
                and [x.casefold() for x in rt[: n - j]] == [x.casefold() for x in name[j:]]
                for j in range(1, n)
            ):
                yield Finding("name-break", a.page, shown, f"a line break inside the name {' '.join(name)}")
                break
        why = (
            "" if re.search(r"[.;!?]$", left[-1]) else _amount(lt, rt)
        )  # a sentence ends: no amount spans it
        if why:
            yield Finding("amount-break", a.page, shown, why)
        why = _date(lt, rt, months)
        if why:
            yield Finding("date-break", a.page, shown, why)


def _names(names: Iterable[str]) -> list[str]:
    """The names to keep whole: each name, and apart what it holds in brackets ("National Science Foundation
    (NSF)" is two names: a break before the bracket is not inside a name)."""
    out = []
    for name in names:
        outside = re.sub(r"\s*\([^)]*\)", "", name).strip()
        out += [outside, *re.findall(r"\(([^)]*)\)", name)]
    return [n for n in dict.fromkeys(out) if n]


def _has_name(words: list[str], name: list[str], at: int) -> bool:
    """Whether `name` is in `words` as whole words, one of them the word at index `at`."""
    folded, target = [w.casefold() for w in words], [w.casefold() for w in name]
    n = len(target)
    return any(folded[i : i + n] == target for i in range(max(0, at - n + 1), at + 1))


QUOTE_MARKS = "“”«»‘’‚„‹›\"'"


def _in_excerpt(left: list[str], right: list[str], excerpts: list[str]) -> bool:
    """Whether the hyphenated word, joined, is a word of a quoted excerpt where the two lines print it: the words
    around it on both lines agree with the excerpt's until the lines end or the excerpt does, at a quotation
    mark, over 4 words at least. Prose that shares a few words with an excerpt ("un laboratoire de recherche"
    then "en" where the excerpt goes on with "pionnier"), or all of a short one with no quotation marks ("claims
    over 50 founding members and collaborators and lists"), is not the excerpt."""
    printed = [*left[:-1], left[-1][:-1] + right[0], *right[1:]]
    words: list[str] = []
    owner: list[int] = []  # the printed word each of `words` is from
    for i, word in enumerate(printed):
        for w in norm(word).split():
            words.append(w)
            owner.append(i)
    hyphenated = [k for k, i in enumerate(owner) if i == len(left) - 1]
    if not hyphenated:
        return False
    at, n = hyphenated[0], len(hyphenated)

    def opens(k: int) -> bool:  # the printed words before words[k] end, or words[k]'s opens, a quotation
        before = printed[owner[k] - 1].rstrip() if owner[k] else ""
        return printed[owner[k]][:1] in QUOTE_MARKS or (before[-1:] in QUOTE_MARKS and before[-1:] != "")

    def closes(k: int) -> bool:  # words[k]'s printed word, or the next, closes a quotation
        word = printed[owner[k]].rstrip(".,;:!?…0123456789")
        after = printed[owner[k] + 1] if owner[k] + 1 < len(printed) else ""
        return word[-1:] in QUOTE_MARKS or after[:1] in QUOTE_MARKS

    for excerpt in excerpts:
        quoted = excerpt.split()
        for j in range(len(quoted) - n + 1):
            if quoted[j : j + n] != words[at : at + n]:
                continue
            back = 0  # words before the hyphenated one that agree
            while back < min(at, j) and words[at - 1 - back] == quoted[j - 1 - back]:
                back += 1
            room = min(len(words) - at - n, len(quoted) - j - n)
            ahead = 0  # words after it that agree
            while ahead < room and words[at + n + ahead] == quoted[j + n + ahead]:
                ahead += 1
            first, last = at - back, at + n + ahead - 1
            starts = first == 0 or (back == j and opens(first))
            ends = last == len(words) - 1 or (ahead == len(quoted) - j - n and closes(last))
            if starts and ends and back + n + ahead >= 4:
                return True
    return False


SCALES = {
    "thousand", "million", "millions", "billion", "billions", "trillion", "bn", "mn",
    "mille", "millier", "milliers", "milliard", "milliards",
    "tausend", "millionen", "milliarde", "milliarden", "mio", "mrd",
    "mil", "millón", "millones",
}  # fmt: skip
CURRENCIES = {
    "€", "$", "£", "¥", "eur", "usd", "gbp", "chf", "jpy", "cny", "euro", "euros", "dollar", "dollars",
    "pound", "pounds", "sterling", "yen", "franc", "francs", "us-dollar", "dólares", "dólar",
}  # fmt: skip
UNITS = {
    "%", "‰", "percent", "per", "pour", "prozent", "km", "m", "cm", "mm", "kg", "g", "t", "gw", "mw", "kw",
    "twh", "gwh", "mwh", "kwh", "gb", "tb", "pb", "go", "to", "ghz", "ha", "°c", "h", "min",
}  # fmt: skip
NUMBER = re.compile(r"^[€$£¥]?\d[\d.,\u00a0\u202f]*$")


def _amount(left: list[str], right: list[str]) -> str:
    a, b = left[-1], right[0]
    bl = b.casefold()
    if NUMBER.match(a) and (bl in SCALES or bl in CURRENCIES or bl in UNITS):
        return "a line break between a number and its unit or currency"
    if a.casefold() in SCALES and (
        bl in CURRENCIES or (bl == "de" and len(right) > 1 and right[1].casefold() in CURRENCIES)
    ):
        return "a line break inside an amount"
    if a.casefold() in CURRENCIES and NUMBER.match(b):
        return "a line break between a currency and its number"
    if re.fullmatch(r"\d{1,3}", a) and re.fullmatch(r"\d{3}(?:[.,]\d+)?", b):
        return "a line break inside a number"
    return ""


DAY = re.compile(r"^(?:[12]?\d|3[01])(?:\.|er|st|nd|rd|th)?$")
YEAR = re.compile(r"^(?:1[5-9]|2[0-9])\d\d$")


@cache
def _months(lang: str) -> frozenset[str]:
    from babel import Locale

    found: set[str] = set()
    for code in {lang, "en", "fr", "de", "es"}:
        try:
            locale = Locale.parse(code)
        except Exception:  # an unknown language: its months are not checked
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                found.update(m.rstrip(".") for m in locale.months[context][width].values())
    return frozenset(m for m in found if len(m) > 2)


def _is_month(word: str, months: frozenset[str]) -> bool:
    word = word.rstrip(".")
    return word in months or (word[:1].isupper() and word.lower() in months)


def _date(left: list[str], right: list[str], months: frozenset[str]) -> str:
    a, b = left[-1], right[0]
    if DAY.match(a) and _is_month(b, months):
        return "a line break between a day and its month"
    if _is_month(a, months) and (YEAR.match(b) or DAY.match(b)):
        return "a line break between a month and its year or day"
    if len(left) > 1 and DAY.match(a) and _is_month(left[-2], months) and YEAR.match(b):
        return "a line break between a date's day and its year"
    return ""


def _hyphen_chars(pdf: Path, pages: list[Page]) -> Iterator[Finding]:
    """Each word holding a hyphen that extracts as U+00AD or U+2010, or a glyph that extracts as nothing.

    Extractors differ (pdfminer reads a Typst hyphen as '-' where poppler, like a PDF viewer's copy, gives
    U+00AD): both are asked, and a word either finds odd is a finding."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    done = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True)
    texts = done.stdout.split("\f")
    for page in pages:
        words = texts[page.number - 1].split() if page.number <= len(texts) else []
        words += [w.text for line in page.lines for w in line.words]
        seen: Counter[str] = Counter()
        for word in words:
            odd = [c for c in ("\u00ad", "\u2010") if c in word]
            if odd and not seen[word]:
                seen[word] += 1
                names = " and ".join(f"U+{ord(c):04X}" for c in odd)
                yield Finding("hyphen-char", page.number, word, f"a hyphen extracts as {names}, not '-'")
            if "(cid:" in word or "\ufffd" in word:
                yield Finding("hyphen-char", page.number, word, "a glyph extracts as no character")


# -- The layout of a brief ---------------------------------------------------------------------------------------


def points(length: str) -> float:
    """A theme's length ("24mm", "1in", "12pt") in points."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(mm|cm|in|pt)\s*", length)
    if not match:
        raise ValueError(f"not a length: {length!r}")
    return float(match.group(1)) * {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}[match.group(2)]


def layout_of(brief: Path, lang: str, theme: str = "briefing") -> Layout:
    """The layout a PDF of `brief` in `lang` with `theme` should show, from what briefgen knows of all three."""
    from briefgen.brief import model
    from briefgen.brief.inline import plain
    from briefgen.brief.validate import load_brief
    from briefgen.document.blocks import TableView
    from briefgen.document.context import ExcerptView
    from briefgen.document.view import all_blocks, build_document
    from briefgen.language.catalog import load_catalog
    from briefgen.themes.layers import load_theme

    resolved = load_theme(theme)
    catalog = load_catalog(lang, resolved.catalog_dirs)
    loaded = load_brief(brief)
    doc = build_document(loaded, lang, catalog)
    layout = resolved.manifest.layout
    endnotes = layout.get("notes", "endnotes") != "footnotes"

    def titles(sections: Iterable) -> Iterator[str]:
        for s in sections:
            yield plain(s.title)
            yield from titles(s.subsections)

    fixed = ["summary", "key_facts"]
    fixed += ["source_caveats"] if doc.flags else []
    fixed += ["sources"]
    fixed += ["who"] if doc.who else []
    fixed += ["other_facts"] if doc.other_facts else []
    fixed += ["notes"] if doc.notes and endnotes else []
    back = next((catalog(k) for k in ("who", "other_facts") if k in fixed), None)
    if back is None and doc.notes and endnotes:
        back = catalog("notes")
    cover, toc = bool(layout.get("cover", False)), bool(layout.get("toc", False))
    tables = [
        Table(b.content.label, tuple(plain(row[0]) for row in b.content.rows))
        for b in all_blocks(doc.sections)
        if isinstance(b.content, TableView)
    ]
    excerpts = [plain(e.text) for note in doc.notes for e in note.excerpts]
    excerpts += [
        plain(b.content.text) for b in all_blocks(doc.sections) if isinstance(b.content, ExcerptView)
    ]
    excerpts += [plain(f.quote) for f in doc.flags if f.quote]
    names = [f.name for f in loaded.brief.facts.values() if isinstance(f, model.Person | model.Organisation)]
    notes = (
        ()
        if endnotes
        else tuple(
            Note(n.number, f"{n.excerpts[0].source} {plain(n.excerpts[0].text)}".strip()) for n in doc.notes
        )
    )
    margin = resolved.manifest.page.margin
    return Layout(
        lang=lang,
        margin_top=points(margin.top),
        margin_bottom=points(margin.bottom),
        names=tuple(names),
        headings=(
            *titles(doc.sections),
            *(catalog(k) for k in fixed),
            *([catalog("contents")] if toc else []),
        ),
        labels=tuple(dict.fromkeys(plain(f.label) for f in doc.flags)),
        tables=tuple(tables),
        footnotes=notes,
        excerpts=tuple(excerpts),
        forced=(back,) if back else (),
        forced_pages=int(cover) + int(toc),
    )


__all__ = ["KINDS", "Finding", "Layout", "Note", "Table", "check", "layout_of", "points"]
