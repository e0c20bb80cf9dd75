"""Check a PDF's facts (identification, tags, fonts, attachments, as `briefgen.distribution.pdffacts` reads them) against
PDF/UA-1, PDF/A-2b and PDF/A-3b, offline.

This checks what briefgen's engines could get wrong; it is not an ISO validator (veraPDF and others are): its pass
means these checks found nothing, not that the file conforms. It checks:

- XMP identification: `pdfaid:part` and `pdfaid:conformance`, `pdfuaid:part`, and `dc:title` is there;
- output intents: a `/GTS_PDFA1` intent whose `/DestOutputProfile` is an ICC profile (its `acsp` signature);
- fonts: every font of the pages and of the form XObjects they draw is embedded (Type 3 fonts count as embedded);
- the catalog's `/MarkInfo /Marked`, `/Lang` (a well-formed tag), `/ViewerPreferences /DisplayDocTitle`, the
  trailer's `/ID`, encryption;
- the structure tree: present; every type standard (PDF 1.7 or 2.0) or role-mapped to one; every outline
  entry, in order, is a heading (`H`, `H1`…`H6`) of its words at its level (levels compared up to a constant
  shift: `H2` may be the outline's first level; headings outside the outline, a title or a contents page's,
  are allowed); every `Figure` has a non-empty `/Alt` or `/ActualText`; every
  `Table` has a `TH`; no text is shown outside marked content (tagged or artifact) in the pages' own content;
- attached files: name, size, MIME type, `/AFRelationship`, listed in the catalog's `/AF`; none under PDF/A-2b;
- with every standard, and without one: the file was read in full, its trees within briefgen's limits (no node
  named twice, none deeper than `pdfwalk.MAX_DEPTH` levels or larger than `pdfwalk.MAX_NODES` nodes) and its
  attached files and content within their sizes: what a limit left out is unchecked, so this check fails.

It lists, without judging, the passages marked with a language of their own (`/Lang` of a structure element or
of marked content) and their text: it cannot know what text is in another language and is not marked so.

It does not validate the rest of ISO 19005 and ISO 14289: colour spaces of the content, transparency, fonts'
glyph widths, CIDSet and ToUnicode maps, the XMP schemas beyond the fields above and the XMP agreeing with the
Info dictionary, the content of form XObjects and annotations, fonts only annotations use, the parent tree,
link and annotation tags, the file's syntax (the tests run `qpdf --check` for that). Nor whether the reading
order, the alt text or the headings' wording make sense. A pass means "none of these checks found a problem".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefgen.distribution.pdffacts import Attachment, Facts, Heading, NotAPdf, read, words
from briefgen.distribution.pdfwalk import MAX_DEPTH, MAX_NODES


@dataclass(frozen=True)
class Finding:
    check: str
    passed: bool
    reason: str
    standards: tuple[str, ...] = ()  # those that ask for the check (`baseline` without a standard)


# The checks: each takes the facts and gives a Finding; STANDARDS says which each standard runs.


def _identification(standard: str) -> Callable[[Facts], Finding]:
    def check(facts: Facts) -> Finding:
        if standard.startswith("ua-"):
            wanted, found = standard[3:], facts.pdfua
            ok, said = found == wanted, f"pdfuaid:part {found}" if found else "no pdfuaid:part"
        else:
            wanted_pair = (standard[2], standard[3:].upper())
            ok = facts.pdfa == wanted_pair
            said = (
                f"pdfaid:part {facts.pdfa[0]}, conformance {facts.pdfa[1] or '(none)'}"
                if facts.pdfa
                else "no pdfaid:part"
            )
        where = "its XMP has" if facts.xmp else "it has no XMP metadata, so"
        return Finding(f"claims {standard}", ok, f"{where} {said}")

    return check


def _output_intent(facts: Facts) -> Finding:
    icc = [subtype for subtype, profile in facts.output_intents if profile]
    if "GTS_PDFA1" in icc:
        return Finding("output intent", True, "a GTS_PDFA1 output intent with an ICC profile")
    said = ", ".join(f"{s} ({'ICC' if p else 'no ICC profile'})" for s, p in facts.output_intents) or "none"
    return Finding("output intent", False, f"no GTS_PDFA1 output intent with an ICC profile (found: {said})")


def _fonts_embedded(facts: Facts) -> Finding:
    missing = sorted(name for name, embedded in facts.fonts.items() if not embedded)
    if missing:
        return Finding("fonts embedded", False, f"not embedded: {', '.join(missing)}")
    if not facts.fonts:
        return Finding("fonts embedded", True, "no font")
    return Finding("fonts embedded", True, f"all {len(facts.fonts)} fonts embedded")


def _simple(name: str, test: Callable[[Facts], bool], yes: str, no: str) -> Callable[[Facts], Finding]:
    return lambda facts: Finding(name, test(facts), yes if test(facts) else no)


def _lang(facts: Facts) -> Finding:
    if facts.lang and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", facts.lang):
        return Finding("language", True, f"/Lang {facts.lang}")
    return Finding(
        "language", False, f"/Lang is {facts.lang!r}, not a language tag" if facts.lang else "no /Lang"
    )


def _title(facts: Facts) -> Finding:
    if facts.title and facts.display_doc_title:
        return Finding("title", True, f"dc:title '{facts.title}', shown by viewers (DisplayDocTitle)")
    missing = [] if facts.title else ["no dc:title in the XMP"]
    missing += [] if facts.display_doc_title else ["/ViewerPreferences /DisplayDocTitle is not true"]
    return Finding("title", False, "; ".join(missing))


def _role_map(facts: Facts) -> Finding:
    if not facts.tagged:
        return Finding("structure types", False, "no structure tree")
    unmapped = sorted(kind for kind, standard in facts.types.items() if standard is None)
    if unmapped:
        return Finding("structure types", False, f"not standard nor role-mapped: {', '.join(unmapped)}")
    return Finding("structure types", True, f"{len(facts.types)} types, each standard or role-mapped")


def _headings(facts: Facts) -> Finding:
    """Every outline entry, in order, is a heading of its words, at its level (up to one constant shift: `H2`
    may be the outline's first level). Headings the outline leaves out (the document's title, a contents
    page's heading) are allowed, and counted."""
    name = "headings follow the outline"
    if not facts.tagged:
        return Finding(name, False, "no structure tree")
    if not facts.outline:
        return Finding(name, True, f"{len(facts.headings)} headings, no outline")
    remaining = iter(enumerate(facts.headings, start=1))
    shift: int | None = None
    for level, text in facts.outline:
        found = next(((i, h) for i, h in remaining if _same_words(h.text, text)), None)
        if found is None:
            return Finding(
                name, False, f"the outline's {text!r} (level {level}) is no heading after the one before"
            )
        index, heading = found
        if heading.level is not None:
            shift = heading.level - level if shift is None else shift
            if heading.level - level != shift:
                return Finding(
                    name,
                    False,
                    f"heading {index} {heading.text!r} is H{heading.level}; the outline has it at level {level}",
                )
    extra = len(facts.headings) - len(facts.outline)
    outside = f"; {extra} heading{'s' if extra > 1 else ''} outside it (a title, contents)" if extra else ""
    return Finding(name, True, f"{len(facts.outline)} outline entries, each a heading in order{outside}")


def _same_words(heading: str, entry: str) -> bool:
    """The same words, case aside; a word broken at its hyphen across two lines (`non- profit`) is one."""
    joined = re.sub(r"(?<=\w)- (?=\w)", "-", words(heading).replace("\u00ad", ""))
    return joined.casefold() == words(entry).casefold()


def _figures(facts: Facts) -> Finding:
    bare = sum(1 for alt in facts.figures if not alt)
    if not facts.tagged:
        return Finding("figures have alt text", False, "no structure tree")
    if bare:
        return Finding("figures have alt text", False, f"{bare} of {len(facts.figures)} Figures have no /Alt")
    if not facts.figures:
        return Finding("figures have alt text", True, "no Figure")
    return Finding(
        "figures have alt text", True, f"{len(facts.figures)} Figures, each with /Alt or /ActualText"
    )


def _tables(facts: Facts) -> Finding:
    bare = facts.tables.count(False)
    if not facts.tagged:
        return Finding("tables have headers", False, "no structure tree")
    if bare:
        return Finding("tables have headers", False, f"{bare} of {len(facts.tables)} Tables have no TH")
    if not facts.tables:
        return Finding("tables have headers", True, "no Table")
    return Finding("tables have headers", True, f"{len(facts.tables)} Tables, each with a TH")


def _content_marked(facts: Facts) -> Finding:
    if not facts.content:
        return Finding("content tagged", False, "the pages' content was not read")
    if facts.unmarked_text:
        reason = (
            f"{facts.unmarked_text} text operators outside any marked content (neither tagged nor artifact)"
        )
        return Finding("content tagged", False, reason)
    return Finding("content tagged", True, "all text inside marked content")


def _attachments_described(facts: Facts) -> Finding:
    bad = []
    for each in facts.attachments:
        missing = [
            problem
            for problem, lacking in (
                ("no /AFRelationship", not each.relationship),
                ("no MIME type", not each.mime),
                ("not in the catalog's /AF", not each.in_catalog_af),
            )
            if lacking
        ]
        if missing:
            bad.append(f"{each.name}: {', '.join(missing)}")
    if bad:
        return Finding("attachments described", False, "; ".join(bad))
    if not facts.attachments:
        return Finding("attachments described", True, "no attached file")
    count = len(facts.attachments)
    return Finding(
        "attachments described", True, f"{count} files, each with a relationship and a type, in /AF"
    )


def _no_attachments(facts: Facts) -> Finding:
    names = ", ".join(a.name for a in facts.attachments)
    return Finding("no attachments", not names, f"attached: {names}" if names else "no attached file")


def _read_in_full(facts: Facts) -> Finding:
    if facts.cut:
        return Finding("read in full", False, "; ".join(facts.cut))
    return Finding(
        "read in full",
        True,
        f"every tree within {MAX_DEPTH} levels and {MAX_NODES} nodes, no node named twice",
    )


_MARKED = _simple("marked", lambda f: f.marked, "/MarkInfo /Marked true", "/MarkInfo /Marked is not true")
_TAGGED = _simple("structure tree", lambda f: f.tagged, "a structure tree", "no /StructTreeRoot")
_FILE_ID = _simple("file identifier", lambda f: f.file_id, "the trailer has an /ID", "the trailer has no /ID")
_XMP = _simple("XMP metadata", lambda f: f.xmp, "XMP metadata in the catalog", "no readable XMP metadata")
_ARCHIVAL = [_XMP, _output_intent, _fonts_embedded, _FILE_ID, _read_in_full]

# What each standard runs (the standards of briefgen.distribution.standards); `check` with no standard runs BASELINE.
CHECKS: dict[str, list[Callable[[Facts], Finding]]] = {
    "ua-1": [
        _identification("ua-1"),
        _MARKED,
        _TAGGED,
        _role_map,
        _content_marked,
        _lang,
        _title,
        _headings,
        _figures,
        _tables,
        _fonts_embedded,
        _read_in_full,
    ],
    "a-2b": [_identification("a-2b"), *_ARCHIVAL, _no_attachments],
    "a-3b": [_identification("a-3b"), *_ARCHIVAL, _attachments_described],
}
BASELINE: list[Callable[[Facts], Finding]] = [_fonts_embedded, _lang, _read_in_full]


def check(pdf: str | Path | bytes | Facts, standards: Sequence[str] = ()) -> list[Finding]:
    """Run the checks the standards require (`["ua-1", "a-3b"]`), each once, in order; with none, the checks
    of any briefing (fonts embedded, a language). An encrypted PDF fails one check and no other is run.
    Raises KeyError for an unknown standard and NotAPdf for what is not a PDF."""
    facts = pdf if isinstance(pdf, Facts) else read(pdf, content="ua-1" in standards)
    names = tuple(standards) or ("baseline",)
    if facts.encrypted:
        return [Finding("not encrypted", False, "the PDF is encrypted: nothing else can be read", names)]
    groups = {name: CHECKS[name] if standards else BASELINE for name in names}
    asking: dict[Callable[[Facts], Finding], list[str]] = {}
    for name, group in groups.items():
        for each in group:
            asking.setdefault(each, []).append(name)
    return [replace(each(facts), standards=tuple(by)) for each, by in asking.items()]


__all__ = ["CHECKS", "Attachment", "Facts", "Finding", "Heading", "NotAPdf", "check", "read"]
