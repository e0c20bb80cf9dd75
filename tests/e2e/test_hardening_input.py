"""Hostile and careless input: each bad brief is one located exit-2 error from build and check, fast, nothing written."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, run_cli

GOOD = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
END = "<end of file>"  # `at` for a position counted from the end of the file
BAD = "@@BAD@@"  # stands in the text for bytes that no text can hold, put in by `encode`
LINKS = "only https, http and mailto links are allowed"
SAME = ("id: minimal-brief", "id: minimal-brief")  # `old` and `new` for a case that changes only the bytes
SOURCE = "  language: en\n"  # the last line of the fixture's `source:`, where a case adds keys


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


@dataclass(frozen=True)
class Case:
    """The minimal brief with `old` made `new`: one error, `message`, at the first `at` (plus `offset` characters)."""

    id: str
    old: str
    new: str
    at: str
    message: str
    offset: int = 0
    encode: Callable[[str], bytes] = utf8
    setup: Callable[[Path], None] | None = None
    also: tuple[tuple[str, str], ...] = ()  # more changes, (old, new), made after the first


def source(name: str) -> tuple[str, str]:
    """`old` and `new` that make the brief name `name` as its source file."""
    return SOURCE, f"{SOURCE}  file: {name}\n"


def fact(line: str) -> tuple[str, str]:
    """`old` and `new` that add a fact (a line under `facts:`)."""
    return "key_facts: [budget", f"  {line}\nkey_facts: [budget"


def en_headline(text: str) -> tuple[str, str]:
    return "en: A test headline}", f"en: {text}}}"


def fifo(name: str) -> Callable[[Path], None]:
    return lambda folder: os.mkfifo(folder / name)


def symlink(name: str, target: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).symlink_to(target)


def write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data)


def group(name: str, members: list[str]) -> str:
    return f"{name}: {{type: group, members: [{', '.join(members)}], label: {{fr: G, en: G}}}}"


def section(n: int) -> str:
    return f"  - title: {{fr: T{n}, en: T{n}}}\n    blocks: [{{text: {{fr: t, en: t}}}}]\n"


CASES = [
    # Characters that YAML refuses, or that no text may hold.
    Case(
        "nul",
        "Un titre de test",
        "Un titre\x00 de test",
        "\x00",
        "the control character U+0000 is not allowed here (delete it)",
    ),
    Case(
        "bel",
        "author: Test Author",
        "author: Test\x07Author",
        "\x07",
        "the control character U+0007 is not allowed here (delete it)",
    ),
    Case(
        "esc",
        "Point un",
        "Point\x1bun",
        "\x1b",
        "the control character U+001B is not allowed here (delete it)",
    ),
    Case(
        "del",
        "Point deux",
        "Point\x7fdeux",
        "\x7f",
        "the control character U+007F is not allowed here (delete it)",
    ),
    Case(
        "c1-nel",
        "Salariés",
        "Sala\x85riés",
        "\x85",
        "the control character U+0085 is not allowed here (delete it)",
    ),
    Case(
        "c1-csi",
        "Détail",
        "Dé\x9btail",
        "\x9b",
        "the control character U+009B is not allowed here (delete it)",
    ),
    Case(
        "noncharacter",
        "A test headline",
        "A test\ufffe headline",
        "\ufffe",
        "the character U+FFFE is not allowed here (delete it)",
    ),
    Case(
        "escaped-bel",
        *en_headline('"A \\a test"'),
        '"A \\a',
        "'en': the character U+0007 is not allowed in a text (remove it)",
    ),
    Case(
        "escaped-nul",
        "author: Test Author",
        'author: "Ann\\0"',
        '"Ann',
        "'author': the character U+0000 is not allowed in a text (remove it)",
    ),
    Case(
        "escaped-surrogate",
        *en_headline('"A \\ud800 test"'),
        '"A \\ud',
        "'en': the character U+D800 is not allowed in a text (remove it)",
    ),
    Case(
        "escaped-noncharacter",
        *en_headline('"A \\uFDD0 test"'),
        '"A \\uF',
        "'en': the character U+FDD0 is not allowed in a text (remove it)",
    ),
    # Encodings: the position of the first bad byte.
    Case(
        "latin-1",
        *SAME,
        "Équipe",
        "not UTF-8 text: invalid byte 0xC9 (invalid continuation byte); save the file as UTF-8",
        encode=lambda text: text.encode("latin-1"),
    ),
    Case(
        "utf-8-surrogate",
        *en_headline(f"A {BAD} test"),
        BAD,
        "not UTF-8 text: invalid byte 0xED (invalid continuation byte); save the file as UTF-8",
        encode=lambda text: utf8(text).replace(utf8(BAD), b"\xed\xa0\x80"),
    ),
    Case(
        "utf-8-truncated",
        *SAME,
        END,
        "not UTF-8 text: invalid bytes 0xE2 0x82 (unexpected end of data); save the file as UTF-8",
        encode=lambda text: utf8(text) + b"\xe2\x82",
    ),
    Case(
        "utf-16-surrogate",
        *en_headline(f"A {BAD} test"),
        BAD,
        "not UTF-16 text: invalid bytes 0x00 0xD8 (illegal UTF-16 surrogate); save the file as UTF-8",
        encode=lambda text: (
            b"\xff\xfe" + text.encode("utf-16-le").replace(BAD.encode("utf-16-le"), b"\x00\xd8")
        ),
    ),
    Case(
        "utf-16-truncated",
        *SAME,
        END,
        "not UTF-16 text: invalid byte 0x0A (truncated data); save the file as UTF-8",
        offset=-1,
        encode=lambda text: b"\xff\xfe" + text.encode("utf-16-le")[:-1],
    ),
    # Impossible dates, unquoted.
    Case(
        "date-february-30",
        "date: 2024-03-05",
        "date: 2026-02-30",
        "2026",
        "'date': '2026-02-30' is not a valid date (day value is outside expected range)",
    ),
    Case(
        "date-month-13",
        "value: 2024-06-01",
        "value: 2024-13-01",
        "2024-13",
        "'value': '2024-13-01' is not a valid date (month value is outside expected range of 1-12)",
    ),
    Case(
        "date-year-0",
        "value: 2024-06-01",
        "value: 0000-06-01",
        "0000-06",
        "'value': '0000-06-01' is not a valid date (year 0 is out of range)",
    ),
    Case(
        "date-published",
        SOURCE,
        "  language: en\n  published: 2023-11-31\n",
        "2023",
        "'published': '2023-11-31' is not a valid date (day value is outside expected range)",
    ),
    # Numbers past the limits.
    Case(
        "count-5000-digits",
        "value: 1200",
        "value: " + "9" * 5000,
        "9999",
        "'value': too large (at most 10^15)",
    ),
    Case(
        "amount-400-digits",
        "amount: 2500000",
        "amount: 1" + "0" * 400,
        "1000",
        "'amount': too large (at most 10^15)",
    ),
    Case("amount-1e400", "amount: 2500000", "amount: 1e400", "1e400", "'amount': too large (at most 10^15)"),
    Case(
        "amount-past-limit",
        "amount: 2500000",
        "amount: 1000000000000001",
        "1000",
        "'amount': too large (at most 10^15)",
    ),
    Case(
        "amount-infinite",
        "amount: 2500000",
        "amount: 1.0e+400",  # read exactly: a number too large, not an infinity
        "1.0e",
        "'amount': too large (at most 10^15)",
    ),
    Case(
        "amount-nan", "amount: 2500000", "amount: .nan", ".nan", "'amount': input should be a finite number"
    ),
    Case(
        "number-decimals",
        "type: count, value: 1200",
        "type: number, value: 0.123456789012",
        "0.12",
        "'value': more than 10 decimal places",
    ),
    # YAML that no brief needs: deep nesting, aliases, merge keys, tags, complex keys.
    Case(
        "deep-lists",
        "author: Test Author",
        "author: " + "[" * 1000 + "]" * 1000,
        "[[",
        "lists and mappings nested more than 20 levels deep",
        offset=19,
    ),
    Case(
        "deep-mappings",
        "author: Test Author",
        "author: " + "{a: " * 1000 + "1" + "}" * 1000,
        "{a: ",
        "lists and mappings nested more than 20 levels deep",
        offset=19 * 4,
    ),
    Case(
        "deep-block",
        "author: Test Author\n",
        "author:\n" + "".join("  " * i + "a:\n" for i in range(1, 30)) + "  " * 30 + "x\n",
        "\n" + " " * 40 + "a:",
        "lists and mappings nested more than 20 levels deep",
        offset=41,
    ),
    Case(
        "alias",
        "author: Test Author",
        "author: &name Test Author\norganisation: *name",
        "*name",
        "YAML aliases (*name) are not allowed: write the value out",
    ),
    Case(
        "alias-bomb",
        "author: Test Author",
        "author: Test Author\nlol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "\n".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "*a",
        "YAML aliases (*name) are not allowed: write the value out",
    ),
    Case(
        "merge-key",
        "  kind: report\n",
        "  <<: {kind: report}\n",
        "<<",
        "YAML merge keys (<<) are not allowed: write the keys out",
    ),
    Case(
        "tag-python",
        "author: Test Author",
        "author: !!python/object/apply:os.system [ls]",
        "!!",
        "the YAML tag '!!python/object/apply:os.system' is not allowed: remove it",
    ),
    Case(
        "tag-map", "source:\n", "source: !!map\n", "!!map", "the YAML tag '!!map' is not allowed: remove it"
    ),
    Case(
        "tag-seq",
        "languages: [fr, en]",
        "languages: !!seq [fr, en]",
        "!!seq",
        "the YAML tag '!!seq' is not allowed: remove it",
    ),
    Case(
        "tag-local",
        "author: Test Author",
        "author: !foo Test Author",
        "!foo",
        "the YAML tag '!foo' is not allowed: remove it",
    ),
    Case(
        "tag-str",
        "author: Test Author",
        "author: !!str Test Author",
        "!!str",
        "the YAML tag '!!str' is not allowed: remove it",
    ),
    Case(
        "tag-binary",
        "author: Test Author",
        "author: !!binary aGVsbG8=",
        "!!b",
        "the YAML tag '!!binary' is not allowed: remove it",
    ),
    Case(
        "tag-non-specific",
        "author: Test Author",
        "author: ! Test Author",
        "! Test",
        "the YAML tag '!' is not allowed: remove it",
    ),
    Case(
        "complex-key",
        "author: Test Author",
        "? [a, b]\n: c\nauthor: Test Author",
        "[a, b]",
        "a key is a word, not a list or a mapping",
    ),
    # Languages that CLDR does not know, or that the brief does not declare.
    Case(
        "language-xx",
        "  language: en",
        "  language: xx",
        "xx",
        "'language': 'xx' is not a language CLDR knows (a code like fr, en, de-CH or pt-BR)",
    ),
    Case(
        "language-en-XX",
        "  language: en",
        "  language: en-XX",
        "en-XX",
        "'language': 'en-XX' is not a language CLDR knows (a code like fr, en, de-CH or pt-BR)",
    ),
    Case(
        "text-key-not-a-language",
        "en: Detail}",
        "en: Detail, x-y: z}",
        "x-y",
        "'x-y' is not a language code (like fr or en-GB)",
    ),
    Case(
        "original-undeclared",
        "languages: [fr, en]",
        "languages: [fr, en]\noriginal: de",
        "de",
        "'original': 'de' is not one of the brief's languages (fr, en)",
    ),
    Case(
        "translated-undeclared",
        "en: A test headline}",
        "en: A test headline, translated: {de: 1a2b3c4d}}",
        "{fr: Un titre",
        "'translated' names 'de', which is not declared in 'languages'",
    ),
    Case(
        "id-too-long",
        "id: minimal-brief",
        "id: " + "-".join(["word"] * 60),
        "word-",
        "'id' is 299 characters long (at most 100)",
    ),
    Case(
        "translated-on-the-original",
        "en: A test headline}",
        "en: A test headline, translated: {fr: 1a2b3c4d}}",
        "{fr: Un titre",
        "'translated' names 'fr', the original language: record the fingerprint on the translation made from "
        "it, like translated: {en: …}",
    ),
    Case(
        "translated-on-the-declared-original",
        "en: A test headline}",
        "en: A test headline, translated: {en: 1a2b3c4d}}\noriginal: en",
        "{fr: Un titre",
        "'translated' names 'en', the original language: record the fingerprint on the translation made from "
        "it, like translated: {fr: …}",
    ),
    Case(
        "template-syntax",
        *en_headline('"A {{ 7*7 }} headline"'),
        '"A {{',
        "'{{' opens no fact reference (write {{fact_id}})",
    ),
    # Groups that contain themselves, nest too deep, or name too many facts.
    Case(
        "group-self", *fact(group("grp", ["grp", "staff"])), "[grp", "group 'grp' contains itself: grp → grp"
    ),
    Case(
        "group-cycle",
        "key_facts: [budget",
        "  " + group("g1", ["g2", "staff"]) + "\n  " + group("g2", ["g1", "budget"]) + "\nkey_facts: [budget",
        "[g2",
        "group 'g1' contains itself: g1 → g2 → g1",
    ),
    Case(
        "group-deep",
        "key_facts: [budget",
        "".join(f"  {group(f'g{i}', [f'g{i + 1}', 'staff'])}\n" for i in range(1, 4))
        + "  "
        + group("g4", ["budget", "staff"])
        + "\nkey_facts: [budget",
        "[g2",
        "groups nested more than 3 deep: g1 → g2 → g3 → g4",
    ),
    Case(
        "group-many-facts",
        "key_facts: [budget",
        "  "
        + group("g1", ["g2", "g3"])
        + "\n  "
        + group("g2", ["staff"] * 11)
        + "\n  "
        + group("g3", ["budget"] * 11)
        + "\nkey_facts: [budget",
        "[g2",
        "group 'g1' names 22 facts with the groups in it (at most 20)",
    ),
    Case(
        "group-members", *fact(group("g", ["staff"] * 21)), "[staff", "'members' holds 21 items (at most 20)"
    ),
    # The source file: inside the brief's folder, a regular file, within its size limit.
    Case(
        "source-absolute",
        *source("/etc/passwd"),
        "/etc",
        "cannot read source file '/etc/passwd': an absolute path; name a file in the brief's folder",
    ),
    Case(
        "source-parent",
        *source("../secret.txt"),
        "../",
        "cannot read source file '../secret.txt': '..' leaves the brief's folder; name a file in it",
    ),
    Case(
        "source-symlink-out",
        *source("source.txt"),
        "source.txt",
        "cannot read source file 'source.txt': a symbolic link out of the brief's folder; copy the file into it",
        setup=symlink("source.txt", "/etc/passwd"),
    ),
    Case(
        "source-dev-zero",
        *source("zero.txt"),
        "zero.txt",
        "cannot read source file 'zero.txt': a symbolic link out of the brief's folder; copy the file into it",
        setup=symlink("zero.txt", "/dev/zero"),
    ),
    Case(
        "source-fifo",
        *source("pipe.txt"),
        "pipe.txt",
        "cannot read source file 'pipe.txt': not a regular file (a device, a pipe or a socket)",
        setup=fifo("pipe.txt"),
    ),
    Case(
        "source-folder",
        *source("notes"),
        "notes",
        "cannot read source file 'notes': a folder, not a file",
        setup=lambda folder: (folder / "notes").mkdir(),
    ),
    Case(
        "source-too-large",
        *source("big.txt"),
        "big.txt",
        "cannot read source file 'big.txt': too large: 2000001 bytes (the limit is 2 MB)",
        setup=write("big.txt", b"a" * 2_000_001),
    ),
    Case(
        "source-not-utf8",
        *source("latin.txt"),
        "latin.txt",
        "cannot read source file 'latin.txt': not UTF-8 text: invalid byte 0xE9 (invalid continuation byte); save the file as UTF-8 (line 2, column 3)",
        setup=write("latin.txt", "Un\nL'été\n".encode("latin-1")),
    ),
    Case(
        "source-missing",
        *source("nowhere.txt"),
        "nowhere.txt",
        "cannot read source file 'nowhere.txt': no such file",
    ),
    # Links: https, http and mailto only, as a source URL and in prose.
    Case(
        "url-javascript",
        SOURCE,
        "  language: en\n  url: javascript:alert(1)\n",
        "javascript",
        f"the link 'javascript:alert(1)' is refused: {LINKS}",
    ),
    Case(
        "url-file",
        SOURCE,
        "  language: en\n  url: file:///etc/passwd\n",
        "file:",
        f"the link 'file:///etc/passwd' is refused: {LINKS}",
    ),
    Case(
        "url-line-separator",
        SOURCE,
        '  language: en\n  url: "javascript:\\u2028alert(1)"\n',
        '"javascript',
        f"the link 'javascript:\\u2028alert(1)' is refused: {LINKS}",
    ),
    Case(
        "url-data",
        SOURCE,
        "  language: en\n  url: data:text/html,<script>alert(1)</script>\n",
        "data:",
        f"the link 'data:text/html,<script>alert(1)</script>' is refused: {LINKS}",
    ),
    Case(
        "link-javascript",
        "(https://example.org/a_b) cliquable",
        "(javascript:alert(1)) cliquable",
        '"Un [',
        f"the link 'javascript:alert(1)' is refused: {LINKS}",
    ),
    Case(
        "link-javascript-upper",
        "[link](https://example.org/a_b)",
        "[link](JavaScript:alert(1))",
        '"A clickable',
        f"the link 'JavaScript:alert(1)' is refused: {LINKS}",
    ),
    Case(
        "link-file",
        "[link](https://example.org/a_b)",
        "[link](file:///etc/passwd)",
        '"A clickable',
        f"the link 'file:///etc/passwd' is refused: {LINKS}",
    ),
    Case(
        "link-data",
        "[link](https://example.org/a_b)",
        "[link](data:text/html;base64,PHNjcmlwdD4=)",
        '"A clickable',
        f"the link 'data:text/html;base64,PHNjcmlwdD4=' is refused: {LINKS}",
    ),
    Case(
        "link-relative",
        "[link](https://example.org/a_b)",
        "[link](../secret.html)",
        '"A clickable',
        f"the link '../secret.html' is refused: {LINKS}",
    ),
    # Sizes past the limits.
    Case(
        "text-too-long", *en_headline("A" * 20_001), "AAAA", "'en' is 20001 characters long (at most 20000)"
    ),
    Case(
        "markup",
        *en_headline('"' + "[a" * 501 + '"'),
        '"[a[a',
        "the text holds 501 of the characters [ ] ( ) * ` (at most 500 in one text)",
    ),
    Case(
        "items",
        "          - {fr: Point un, en: Point one}\n",
        "          - {fr: Point un, en: Point one}\n" * 100,
        "- {fr: Point un",
        "'items' holds 101 items (at most 100)",
    ),
    Case(
        "facts",
        "facts:\n",
        "facts:\n" + "".join(f"  f{i}: {{type: place, name: P}}\n" for i in range(198)),
        "f0:",
        "'facts' holds 201 items (at most 200)",
    ),
    Case(
        "sections",
        "sections:\n",
        "sections:\n" + "".join(section(n) for n in range(50)),
        "- title: {fr: T0",
        "'sections' holds 51 items (at most 50)",
    ),
    Case(
        "flags",
        "key_facts: [budget, staff, opening]\n",
        "key_facts: [budget, staff, opening]\nflags:\n"
        + "  - {kind: doubtful, quote: q, note: {fr: n, en: n}}\n" * 101,
        "- {kind",
        "'flags' holds 101 items (at most 100)",
    ),
    Case(
        "filled-text",
        *fact("p: {type: person, name: " + "N" * 1000 + "}\n  " + group("g", ["p"] * 20)),
        '"The budget',
        "'en' is longer than 20000 characters with its facts filled in",
        also=(("for {{staff}} staff.", "for {{staff}} staff {{g}}."),),
    ),
]


def located(text: str, at: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of the first `at` in `text`, moved by `offset` characters."""
    index = (len(text) if at == END else text.index(at)) + offset
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


def assert_refused(brief: str | Path, expected: list[str], out: Path) -> None:
    """`build` and `check` both exit 2 with exactly `expected` on stderr, no traceback, nothing written."""
    for args in (("build", brief, "--out", out), ("check", brief)):
        code, stdout, stderr = run_cli(*args)
        assert "Traceback" not in stderr
        lines = stderr.splitlines()
        if args[0] == "check":  # check ends with its summary line
            assert re.fullmatch(r"\d+ briefs? checked: \d+ error\(s\), \d+ warning\(s\)", lines.pop()), stderr
        assert (code, stdout, lines) == (2, "", expected), args[0]
        assert not Path(out).exists(), "nothing is written for invalid input"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_located_error(case: Case, workdir: Path) -> None:
    text = GOOD
    for old, new in ((case.old, case.new), *case.also):
        assert old in text, old
        text = text.replace(old, new, 1)
    (workdir / "brief.yaml").write_bytes(case.encode(text))
    if case.setup:
        case.setup(workdir)
    line, column = located(text, case.at, case.offset)
    assert_refused("brief.yaml", [f"brief.yaml:{line}:{column}: {case.message}"], workdir / "out")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


# -- whole files that cannot be read as briefs ------------------------------------------------------


def test_a_pipe_is_refused_without_waiting(workdir: Path) -> None:
    os.mkfifo(workdir / "pipe.yaml")
    assert_refused(
        "pipe.yaml", ["pipe.yaml: not a regular file (a device, a pipe or a socket)"], workdir / "out"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/dev/zero", "not a regular file (a device, a pipe or a socket)"),
        ("/proc/self/mem", "cannot read it: Input/output error"),
    ],
)
def test_devices_and_proc_files_are_refused(path: str, message: str, workdir: Path) -> None:
    assert Path(path).exists(), f"{path} is on every Linux machine briefgen is tested on"
    assert_refused(path, [f"{path}: {message}"], workdir / "out")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(workdir: Path) -> None:
    text = GOOD.replace("A test headline", "A " + "word " * 1_000_000)
    (workdir / "big.yaml").write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8"))
    assert_refused("big.yaml", [f"big.yaml: too large: {size} bytes (the limit is 1 MB)"], workdir / "out")


def test_an_unreadable_brief_is_refused(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = workdir / "secret.yaml"
    brief.write_text(GOOD, encoding="utf-8")
    brief.chmod(0)
    if os.geteuid() == 0:  # root reads every file: refuse this one as the system would refuse anyone else
        real_open = os.open

        def refusing_open(path: str | Path, flags: int, *args: int) -> int:
            if Path(path).name == "secret.yaml":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", refusing_open)
    assert_refused("secret.yaml", ["secret.yaml: cannot read it: Permission denied"], workdir / "out")


def test_a_folder_with_one_bad_brief_writes_nothing(workdir: Path) -> None:
    folder = workdir / "briefs"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(GOOD, encoding="utf-8")
    bad = GOOD.replace("id: minimal-brief", "id: bad-brief").replace("amount: 2500000", "amount: 1e400")
    (folder / "b-bad.yaml").write_text(bad, encoding="utf-8")
    line, column = located(bad, "1e400", 0)
    assert_refused(
        folder, [f"briefs/b-bad.yaml:{line}:{column}: 'amount': too large (at most 10^15)"], workdir / "out"
    )


# -- what still passes -------------------------------------------------------------------------------


def test_utf16_with_a_byte_order_mark_is_read(workdir: Path) -> None:
    (workdir / "brief.yaml").write_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le"))
    code, _, stderr = run_cli("check", "brief.yaml")
    assert code == 0, stderr


def test_a_source_file_inside_the_folder_is_read_through_a_link_that_stays_inside(workdir: Path) -> None:
    (workdir / "texts").mkdir()
    (workdir / "texts" / "source.txt").write_text("Le laboratoire compte six chercheurs.\n", encoding="utf-8")
    (workdir / "source.txt").symlink_to("texts/source.txt")
    text = GOOD.replace("  language: en\n", "  language: en\n  file: source.txt\n")
    text = text.replace("      - items:", '        basis: ["compte six chercheurs"]\n      - items:')
    (workdir / "brief.yaml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("check", "brief.yaml")
    assert code == 0, stderr


def test_the_limits_themselves_pass(workdir: Path) -> None:
    """A number of 10^15, 10 decimal places, 20,000 characters, 100 items, a language with a region: all valid."""
    text = GOOD.replace("amount: 2500000", "amount: 1000000000000000").replace(
        "  language: en", "  language: fr-CA"
    )
    text = text.replace("type: count, value: 1200", "type: number, value: 0.1234567891")
    text = text.replace("en: A test headline}", f"en: {'A' * 20_000}}}")
    text = text.replace(
        "          - {fr: Point un, en: Point one}\n", "          - {fr: Point un, en: Point one}\n" * 99
    )
    (workdir / "brief.yaml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("check", "brief.yaml")
    assert code == 0, stderr


def test_the_total_length_of_a_language_is_bounded(workdir: Path) -> None:
    """Fact references multiply text: the texts of one language, facts filled in, total at most 1,000,000."""
    people = "".join(f"  p{i}: {{type: person, name: {'N' * 950}}}\n" for i in range(20))
    facts = people + "  " + group("g", [f"p{i}" for i in range(20)]) + "\n"
    item = "          - {fr: Point un, en: '{{g}}'}\n"
    text = GOOD.replace("key_facts: [budget", facts + "key_facts: [budget")
    text = text.replace("          - {fr: Point un, en: Point one}\n", item * 60)
    (workdir / "brief.yaml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("check", "brief.yaml")
    lines = stderr.splitlines()
    assert code == 2 and len(lines) == 2 and lines[1] == "1 brief checked: 1 error(s), 0 warning(s)", stderr
    where, message = lines[0].split(": ", 1)
    assert (
        message
        == "the texts in 'en' pass 1000000 characters here, with their facts filled in (the limit for a brief)"
    )
    line = int(where.split(":")[1])
    assert text.splitlines()[line - 1] == item.rstrip("\n")


LIMIT = 20_000  # characters of one text


def _share(n: int, part: int) -> int:
    return n * part // LIMIT


# Valid texts that are slow to parse or typeset, n characters long, with at most n/40 characters of markup: at
# n = LIMIT, each is the longest text a brief may hold.
PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: "[" * _share(n, 500) + "a" * (n - _share(n, 500)),
    "links-unclosed": lambda n: "[](" * _share(n, 166) + "a" * (n - 3 * _share(n, 166)),
    "link-labels": lambda n: "a b [a" * _share(n, 500) + "c" * (n - 6 * _share(n, 500)),
    "emphasis": lambda n: "*a " * _share(n, 500) + "b" * (n - 3 * _share(n, 500)),
    "word": lambda n: "a" * n,
    "snake-word": lambda n: "a_" * _share(n, 250) + "b" * (n - 2 * _share(n, 250)),
    "backticks": lambda n: "`a" * _share(n, 500) + "b" * (n - 2 * _share(n, 500)),
    "dots": lambda n: "." * n,
    "spaces": lambda n: "a" + " " * (n - 2) + "x",
    "spaces-then-guillemet": lambda n: "a" + " " * (n - 2) + "»",
    "spaces-then-mark": lambda n: "a" + " " * (n - 3) + "!x",
    "marks": lambda n: "a" + "!" * (n - 2) + "x",
    "address-like": lambda n: "a@" * (n // 2),
    "angle-link": lambda n: "[a](<" + "a" * (n - 5),
    "digits": lambda n: "1-" * (n // 2),
    "quotes": lambda n: "\"'" * (n // 2),
}


def _cpu_seconds(text: str) -> float:
    """The CPU time of this process to parse `text` and typeset it in three languages: the least of 5 runs."""
    import time

    from briefgen.brief.inline import links, parse
    from briefgen.language.catalog import typography_for
    from briefgen.language.typography import typeset

    least = float("inf")
    for _ in range(5):
        started = time.process_time()
        links(text)
        nodes = parse(text)
        for rules in ("fr", "en", "de"):
            typeset(nodes, typography_for(rules))
        least = min(least, time.process_time() - started)
    return least


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_texts_at_the_limits_are_parsed_and_typeset_in_linear_time(name: str) -> None:
    """No pattern of a valid text makes the inline parser or the typography rules backtrack: a text ten times
    longer costs about ten times the CPU (a quadratic cost would be a hundred times), whatever the machine's load.
    A ratio measured in one process, never an absolute time."""
    longest = PATHOLOGICAL[name](LIMIT)
    assert len(longest) == LIMIT and sum(map(longest.count, "[]()*_`")) <= LIMIT // 40, name
    _cpu_seconds(PATHOLOGICAL[name](LIMIT // 10))  # a warm-up: the patterns compile, the caches fill
    gc.disable()
    try:
        ratio = _cpu_seconds(longest) / _cpu_seconds(PATHOLOGICAL[name](LIMIT // 10))
    finally:
        gc.enable()
    assert ratio < 20, f"{name}: ten times the text costs {ratio:.0f} times the CPU"


# -- bombs: refused fast, in bounded memory -----------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import json, resource, sys, time, tracemalloc
    from click.testing import CliRunner
    import briefgen.language.parity, briefgen.build
    from briefgen.cli import main

    def check(path):
        return CliRunner().invoke(main, ["check", path])

    def cpu(path):  # the CPU time of this process, whatever the machine's load
        started = time.process_time()
        result = check(path)
        return time.process_time() - started, result

    check(sys.argv[2])  # a warm-up: what the first check imports and caches
    good = min(cpu(sys.argv[2])[0] for _ in range(3))
    seconds, result = cpu(sys.argv[1])
    tracemalloc.start()  # a second run, traced: tracing slows Python down too much to time it
    check(sys.argv[1])
    peak = tracemalloc.get_traced_memory()[1]
    try:  # the peak of this process's own memory (getrusage would count the parent's, from before exec)
        status = open("/proc/self/status").read()
        rss = int(status.split("VmHWM:")[1].split()[0]) * 1024
    except (OSError, IndexError):
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"code": result.exit_code, "ratio": seconds / good, "peak": peak, "rss": rss, "err": result.stderr}))
    """
)


def billion_laughs(levels: int) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, current in zip("abcdefghijklmn", "bcdefghijklmno", strict=False):
        if len(lines) == levels:
            break
        lines.append(f"{current}: &{current} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


BOMBS = {
    "alias-bomb-10-levels": (billion_laughs(10), "2:8: YAML aliases (*name) are not allowed"),
    "nested-lists-100k": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "1:23: lists and mappings nested"),
    "nested-mappings-50k": (
        "a: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        "1:80: lists and mappings nested",
    ),
    "summary-5mb": (GOOD.replace("A test headline", "A " + "word " * 1_000_000), "too large"),
    "count-5000-digits": (GOOD.replace("value: 1200", "value: " + "9" * 5000), "'value': too large"),
    "group-expansion": (
        GOOD.replace(
            "key_facts: [budget",
            "  p: {type: person, name: "
            + "N" * 5000
            + "}\n  "
            + group("g", ["p"] * 20)
            + "\nkey_facts: [budget",
        ).replace("for {{staff}} staff.", "for {{staff}} staff." + " {{g}}" * 2000),
        "with its facts filled in",
    ),
}


@pytest.mark.slow  # runs briefgen in child processes with memory limits
@pytest.mark.parametrize("name", BOMBS)
def test_bombs_fail_fast_in_bounded_memory(name: str, tmp_path: Path) -> None:
    text, expected = BOMBS[name]
    assert len(text) < 6_000_000
    brief, good = tmp_path / "bomb.yaml", tmp_path / "good.yaml"
    brief.write_text(text, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(brief), str(good)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(probe.stdout)
    assert result["code"] == 2 and "Traceback" not in result["err"], result["err"]
    assert expected in result["err"]
    assert result["ratio"] < 10, result  # CPU time against checking a good brief (the worst bomb: about 3.5)
    assert result["peak"] < 20 * 2**20, result  # Python's own allocations while checking, in bytes
    assert result["rss"] < 200 * 2**20, result  # the whole process, interpreter and libraries included


# -- injection: what a brief says is printed, in every slot and in the engines that read markup -------------

PAYLOADS = {
    "headline": "<script>alert(1)</script> and <img src=x onerror=alert(2)>",
    "summary": '#import "@preview/cetz:0.2.0": * then #read("/etc/passwd")',
    "audience": "\\input{/etc/passwd} \\write18{id} \\catcode`\\@=11",
    "title": "{% include 'secret' %} {# note #} ${7*7} #{ 1 + 1 }",
    "text": "]]> <!-- --> </body> <style>body{display:none}</style>",
    "item": "%PDF-1.7 endobj \\u{41} @preview/x <lbl> $x^2$",
}


def injected() -> str:
    """The minimal brief with a payload in each kind of slot a template fills, in both languages."""
    text = GOOD
    slots = {
        "headline": "headline: {fr: Un titre de test, en: A test headline}",
        "summary": 'summary: {fr: "Le budget atteint {{budget}} pour {{staff}} salariés.", en: "The budget reaches {{budget}} for {{staff}} staff."}',
        "audience": "audience: {fr: Équipe test, en: Test team}",
        "title": "title: {fr: Première partie, en: First part}",
        "text": 'text: {fr: "Ouverture le {{opening}}, avec *emphase* et **gras**.", en: "Opening on {{opening}}, with *emphasis* and **bold**."}',
        "item": "- {fr: Point un, en: Point one}",
    }
    for slot, old in slots.items():
        payload = PAYLOADS[slot].replace("\\", "\\\\").replace('"', '\\"')
        key = old.split(":")[0] if slot != "item" else "- "
        new = (
            f'{key}: {{fr: "{payload}", en: "{payload}"}}'
            if slot != "item"
            else f'- {{fr: "{payload}", en: "{payload}"}}'
        )
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_injection_payloads_come_back_as_text(engine: str, workdir: Path) -> None:
    from briefgen.brief.inline import parse, plain
    from briefgen.language.catalog import typography_for
    from briefgen.language.typography import typeset
    from tests import pdfcheck

    (workdir / "brief.yaml").write_text(injected(), encoding="utf-8")
    code, _, stderr = run_cli("build", "brief.yaml", "--engine", engine, "--lang", "en", "--out", "out")
    assert code == 0, stderr
    shown = pdfcheck.text(workdir / "out" / "minimal-brief.en.pdf")
    shown = "".join(shown.replace("\u200b", "").replace("\u00ad", "").split()).casefold()  # breaks, capitals
    for slot, payload in PAYLOADS.items():
        expected = "".join(plain(typeset(parse(payload), typography_for("en"))).split()).casefold()
        assert expected in shown, (slot, expected)
    assert Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0] not in shown


# -- properties: any text in any text field is built or refused with located errors --------------------------

SPECIALS = (
    "[]()*_`{}\\:#<>!&%$@\"' \n\t\x00\x07\x1b\x7f\x85\x9b\u00a0\u200b\u202e\u2028\ufdd0\ufeff\ufffe\ud800é€𝔸"
)
TEXTS = st.one_of(st.text(max_size=80), st.text(st.sampled_from(SPECIALS), max_size=40))
# Where a drawn text goes: (the text the fixture has there, the same with {} where the drawn text goes).
FIELDS = {
    "headline": ("en: A test headline}", "en: {}}}"),
    "summary": ('en: "The budget reaches {{budget}} for {{staff}} staff."', "en: {}"),
    "author": ("author: Test Author", "author: {}"),
    "label": ("en: Total budget}", "en: {}}}"),
    "item": ("en: Point one}", "en: {}}}"),
    "title": ("en: First part}", "en: {}}}"),
    "link": ("en: A clickable [link](https://example.org/a_b).", "en: {}"),
    "source-title": ("  language: en\n", "  language: en\n  title: {}\n"),
    "source-url": ("  language: en\n", "  language: en\n  url: {}\n"),
}


def as_yaml(text: str, raw: bool) -> str:
    """`text` as one double-quoted YAML scalar: escaped as YAML escapes it, or with its printable characters raw."""
    return (
        yaml.safe_dump(text, default_style='"', allow_unicode=raw, width=10**9)
        .strip()
        .removesuffix("...")
        .strip()
    )


EXAMPLES = int(os.environ.get("BRIEFGEN_EXAMPLES", "100"))  # more for a longer search: BRIEFGEN_EXAMPLES=5000


@pytest.mark.slow  # a property search over many texts
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(FIELDS)), text=TEXTS, raw=st.booleans(), quoted=st.booleans())
def test_any_text_is_checked_or_refused_with_located_errors(
    field: str, text: str, raw: bool, quoted: bool, workdir: Path
) -> None:
    from briefgen.brief.validate import load_brief
    from briefgen.document.view import build_document
    from briefgen.language.catalog import load_catalog

    old, new = FIELDS[field]
    value = as_yaml(text, raw) if quoted else text  # unquoted: the text as typed, whatever YAML makes of it
    (workdir / "brief.yaml").write_bytes(
        GOOD.replace(old, new.format(value), 1).encode("utf-8", "surrogatepass")
    )
    code, _, stderr = run_cli("check", "brief.yaml")
    assert "Traceback" not in stderr
    if code == 0:
        loaded = load_brief(workdir / "brief.yaml")
        for lang in loaded.brief.languages:
            build_document(loaded, lang, load_catalog(lang))
        return
    assert code == 2, stderr
    problems = [line for line in stderr.splitlines() if not line.endswith("warning(s)")]
    assert problems, stderr
    for line in problems:
        assert re.match(r"brief\.yaml:\d+:\d+: \S", line) or line.startswith("brief.yaml: "), line


@pytest.mark.slow  # a property search over many builds
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_any_text_is_built_or_refused_with_located_errors(
    engine: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same property through the engines, with fewer examples: a PDF, or located input errors (exit 2)."""

    @settings(max_examples=max(EXAMPLES // 15, 5), deadline=None)
    @given(field=st.sampled_from(sorted(FIELDS)), text=TEXTS, raw=st.booleans())
    def built_or_refused(field: str, text: str, raw: bool) -> None:
        folder = tmp_path_factory.mktemp(engine)
        old, new = FIELDS[field]
        brief = folder / "brief.yaml"
        brief.write_bytes(
            GOOD.replace(old, new.format(as_yaml(text, raw)), 1).encode("utf-8", "surrogatepass")
        )
        code, _, stderr = run_cli("build", brief, "--engine", engine, "--lang", "en", "--out", folder / "out")
        assert "Traceback" not in stderr
        assert code in (0, 2), stderr
        if code == 2:
            assert not (folder / "out").exists()
            for line in stderr.splitlines():
                assert line.startswith(f"{brief}:") and re.match(
                    r"\d+:\d+: \S", line[len(str(brief)) + 1 :]
                ), line

    built_or_refused()
