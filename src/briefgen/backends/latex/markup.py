"""LaTeX: every TeX special character replaced by its text command; inline trees become \\emph, \\textbf, \\href."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2
from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from briefgen.backends.markup import BREAK, Syntax, breakable
from briefgen.brief.inline import Inline, addresses, map_text, plain
from briefgen.language.catalog import Catalog, catalog_for
from briefgen.themes.fonts import Face
from briefgen.themes.tokens import latex_block

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "%": r"\%",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",  # never the optional argument of a command before it (\item, \\)
    "]": "{]}",
    "\n": " ",
    "\r": " ",
    "\t": " ",
    "\u2028": " ",
    "\u2029": " ",
    "\u00ad": r"\-",  # a soft hyphen is a hyphenation point, not a glyph
    # A no-break space is a tie (~): a space that stretches as the others do and reads back from the PDF as a
    # space (as the other engines' do), where the font's U+00A0 glyph would be fixed and read back as U+00A0;
    # in PDF strings (metadata, bookmarks), U+00A0 itself.
    "\u00a0": r"\BriefTie{}",
    # A narrow no-break space: the font's own when it has one, else a space of that width (as the other
    # engines draw a space the font lacks), never a missing character.
    "\u202f": r"\BriefNarrowSpace{}",
    BREAK: r"\penalty100\relax{}",  # a break opportunity, inside long words (markup.breakable): no glyph
}
# Control characters are invalid in TeX input (catcode 15) or active (^^L): they are dropped.
_CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_LATEX.update(dict.fromkeys(_CONTROL, ""))
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))

# An address in prose is never hyphenated: LuaTeX keeps the hyphenation minimums in force where each character
# was read, so these hold for the address alone (a word shorter than them is never hyphenated).
_ADDRESS = r"{\lefthyphenmin=62 \righthyphenmin=62 %s}"

# In \href's URL, hyperref turns these escapes back into the characters; `$` needs \string.
_URL_TEX = {"%": r"\%", "#": r"\#", "&": r"\&", "_": r"\_", "~": r"\~", "$": r"\string$"}
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"

# Babel's option names for language tags (each a babel .ldf file, as babel's manual lists them), with the
# Debian package holding it where it is not one of TEXLIVE_PACKAGES. A tag not here has no babel language
# (Japanese, Chinese, Korean…): text in it is set as the document's language, and the build warns.
_BABEL = {
    "en": "english",
    "en-GB": "british",
    "en-US": "american",
    "en-CA": "canadian",
    "en-AU": "australian",
    "en-NZ": "newzealand",
    "fr": "french",
    "de": "ngerman",
    "de-AT": "naustrian",
    "de-CH": "nswissgerman",
    "nb": "norsk",
    "no": "norsk",
    "nn": "nynorsk",
    "da": "danish",
    "sv": "swedish",
    "fi": "finnish",
    "is": "icelandic",
    "nl": "dutch",
    "et": "estonian",
    "hu": "magyar",
    "ro": "romanian",
    "tr": "turkish",
    "sl": "slovene",
    "hr": "croatian",
    "ga": "irish",
    "cy": "welsh",
    "es": "spanish",
    "ca": "catalan",
    "gl": "galician",
    "it": "italian",
    "pt": "portuguese",
    "pt-BR": "brazilian",
    "pl": "polish",
    "cs": "czech",
    "sk": "slovak",
    "ru": "russian",
    "uk": "ukrainian",
    "bg": "bulgarian",
    "el": "greek",
}
_PACKAGES = {
    "english": "texlive-lang-english",
    "french": "texlive-lang-french",
    "german": "texlive-lang-german",
    "european": "texlive-lang-european",
    "spanish": "texlive-lang-spanish",
    "italian": "texlive-lang-italian",
    "portuguese": "texlive-lang-portuguese",
    "polish": "texlive-lang-polish",
    "czechslovak": "texlive-lang-czechslovak",
    "cyrillic": "texlive-lang-cyrillic",
    "greek": "texlive-lang-greek",
}
_PACKAGE_OF = {
    **dict.fromkeys(("english", "british", "american", "canadian", "australian", "newzealand"), "english"),
    "french": "french",
    **dict.fromkeys(("ngerman", "naustrian", "nswissgerman"), "german"),
    **dict.fromkeys(
        (
            "norsk",
            "nynorsk",
            "danish",
            "swedish",
            "finnish",
            "icelandic",
            "dutch",
            "estonian",
            "magyar",
            "romanian",
            "turkish",
            "slovene",
            "croatian",
            "irish",
            "welsh",
        ),
        "european",
    ),
    **dict.fromkeys(("spanish", "catalan", "galician"), "spanish"),
    "italian": "italian",
    **dict.fromkeys(("portuguese", "brazilian"), "portuguese"),
    "polish": "polish",
    **dict.fromkeys(("czech", "slovak"), "czechslovak"),
    **dict.fromkeys(("russian", "ukrainian", "bulgarian"), "cyrillic"),
    "greek": "greek",
}


def latex_text(text: str) -> str:
    """LaTeX that typesets `text` literally: every special character replaced by its text command.

    A no-break space (U+00A0) is a tie (\\BriefTie); a narrow one (U+202F), the font's (\\BriefNarrowSpace).
    """
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], text)


def latex_url(url: str) -> str:
    """A URL for \\href's first argument: unsafe characters percent-encoded, the rest escaped for TeX."""
    encoded = quote(url, safe=_URL_SAFE)
    return "".join(_URL_TEX.get(c, c) for c in encoded)


def latex(nodes: Inline) -> str:
    """LaTeX for an inline tree: prose, where a word longer than markup.LONG_WORD may break between any two
    characters (at a penalty twice a hyphen's, so only where it must). Plain strings (latex_text), which also
    go to PDF strings (metadata, bookmarks), get none: hyperref takes seconds over each thousand of them.
    Web and e-mail addresses are never hyphenated, and a `keep` node's words are never broken."""
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(
                "".join(
                    _ADDRESS % latex_text(breakable(run)) if address else latex_text(breakable(run))
                    for run, address in addresses(n.text)
                )
            )
        elif n.kind == "code":
            out.append(rf"\texttt{{{latex_text(breakable(n.text))}}}")
        elif n.kind == "break":
            out.append(r"\newline{}")
        elif n.kind == "em":
            out.append(rf"\emph{{{latex(n.children)}}}")
        elif n.kind == "strong":
            out.append(rf"\textbf{{{latex(n.children)}}}")
        elif n.kind == "keep":
            out.append(_kept(n.children))
        elif n.kind == "link":
            out.append(rf"\href{{{latex_url(n.href)}}}{{{latex(n.children)}}}")
        else:
            raise ValueError(f"no LaTeX for inline node {n.kind!r}")
    return "".join(out)


# Between the words of a `keep` node: a space, or a tie (a no-break space, see _LATEX).
_BETWEEN_WORDS = re.compile("( |" + re.escape(_LATEX["\u00a0"]) + ")")


def _kept(nodes: Inline) -> str:
    """A `keep` node's words, each in an \\mbox: never hyphenated, a compound never broken at its hyphens. The
    spaces between them stay glue, so that they stretch as the line's others do: a space may break, a tie (its
    no-break spaces) may not. A long word, with its break opportunities (markup.breakable), is left free."""
    parts = _BETWEEN_WORDS.split(latex(nodes))
    return "".join(
        part if not part or _BETWEEN_WORDS.fullmatch(part) or _LATEX[BREAK] in part else rf"\mbox{{{part}}}"
        for part in parts
    )


def caps(value: Inline | str) -> Inline | str:
    """The text in capitals (CSS text-transform: uppercase), for a string or an inline tree."""
    return value.upper() if isinstance(value, str) else map_text(value, str.upper)


def plain_text(value: Inline | str) -> str:
    """The words of an inline tree without markup, e.g. for PDF bookmarks (escaped when printed)."""
    return value if isinstance(value, str) else plain(value)


def babel_language(tag: str) -> str:
    """Babel's name for a BCP 47 language tag (fr → french, en-GB → british, de → ngerman, nb → norsk); ""
    for a language babel has no .ldf for (ja, zh, ko…)."""
    return _BABEL.get(tag) or _BABEL.get(tag.split("-")[0], "")


def babel_languages(tags: Iterable[str]) -> list[str]:
    """Babel's names for several tags, each once, in order; tags babel does not know are left out."""
    return [name for name in dict.fromkeys(babel_language(t) for t in tags) if name]


def babel_package(name: str) -> str:
    """The Debian package holding babel's language `name` (its .ldf and hyphenation patterns), "" if unknown."""
    return _PACKAGES.get(_PACKAGE_OF.get(name, ""), "")


def babel_installed(name: str) -> bool:
    """Whether TeX finds babel's file of the language (`name.ldf`); True when kpsewhich is not installed
    (writing --format tex needs no TeX, and a build without it says what to install)."""
    return name in installed_babel((name,))


@cache
def installed_babel(names: tuple[str, ...]) -> frozenset[str]:
    """Those of babel's languages `names` whose .ldf TeX finds (one kpsewhich run); all without kpsewhich."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return frozenset(names)
    files = [f"{name}.ldf" for name in names]
    result = subprocess.run([kpsewhich, *files], capture_output=True, text=True, timeout=60, check=False)
    found = {Path(line).name for line in result.stdout.splitlines()}
    return frozenset(name for name in names if f"{name}.ldf" in found)


def hyphenation() -> tuple[list[str], dict[str, str]]:
    """The language tags LaTeX hyphenates here (babel's file found), and the others → what to install."""
    names = tuple(dict.fromkeys(_BABEL.values()))
    installed = installed_babel(names)
    found = [tag for tag, name in _BABEL.items() if name in installed]
    missing = {tag: babel_package(name) for tag, name in _BABEL.items() if name not in installed}
    return found, missing


def _language_name(tag: str) -> str:
    try:
        return Locale.parse(tag.replace("-", "_")).english_name or tag
    except (UnknownLocaleError, ValueError):
        return tag


def language_warning(tag: str, catalog: Catalog) -> str:
    """Why LaTeX cannot hyphenate text in `tag` (a quote of the source) in this document; "" when it can."""
    if catalog.babel and tag.split("-")[0] == catalog.tag.split("-")[0]:
        return ""
    name = _babel_of(tag, catalog)
    what = f"'{tag}' ({_language_name(tag)})"
    if not name:
        return (
            f"LaTeX has no babel language for {what}: its quotes are set with the hyphenation of "
            f"'{catalog.tag}', the document's language"
        )
    if not babel_installed(name):
        own = catalog_for(tag, catalog.dirs)
        package = own.tex_package if own is not None and own.babel == name else babel_package(name)
        how = f" (apt-get install {package})" if package else ""
        return (
            f"TeX Live lacks babel's '{name}' for {what}{how}: its quotes are set with the hyphenation "
            f"of '{catalog.tag}', the document's language"
        )
    return ""


def tex_path(path: str | Path) -> str:
    """A file path written so TeX reads it as characters, whatever it holds (spaces, %, #, ~, …)."""
    return "".join(c if c.isalnum() or c in "/.-+,:=@" else rf"\csstring\{c}" for c in str(path))


def pdf_id(name: str) -> Markup:
    """A PDF file identifier made from `name`, so the same brief gives the same bytes wherever it is built."""
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return Markup(f"<{digest}> <{digest}>")


def cased(value: Inline | str, plain_only: bool = False) -> Markup:
    r"""`\BriefCased{text}{TEXT}`: the text as written and in capitals; the style in force picks one. It is
    typeset (headings, the running header and footer), never a PDF string: a word longer than LONG_WORD may
    break, as in prose."""
    write = (lambda v: latex_text(breakable(plain_text(v)))) if plain_only else _latex_any
    return Markup(rf"\BriefCased{{{write(value)}}}{{{write(caps(value))}}}")


def _latex_any(value: Inline | str) -> str:
    return latex_text(breakable(value)) if isinstance(value, str) else latex(value)


def _babel_of(tag: str, catalog: Catalog) -> str:
    """Babel's name for a tag other than the document's language: babel's list's, else its own catalog's."""
    known = babel_language(tag)
    if known:
        return known
    own = catalog_for(tag, catalog.dirs)
    return own.babel if own is not None else ""


def babel_for(tag: str, catalog: Catalog) -> str:
    """Babel's name for a language tag: the catalog's own name for its language, else the tag's catalog's or
    babel's; the document's language when babel has none for the tag or TeX Live lacks it (language_warning)."""
    if catalog.babel and tag.split("-")[0] == catalog.tag.split("-")[0]:
        return catalog.babel
    name = _babel_of(tag, catalog)
    if name and babel_installed(name):
        return name
    return catalog.babel or babel_language(catalog.tag)


def babel_setup(tags: Iterable[str], catalog: Catalog) -> Markup:
    """The LaTeX the catalogs of languages `tags` ask for once babel has loaded them (their `tex.setup`), each
    once; nothing for a language set in another's babel (see babel_for)."""
    setups = []
    for tag in tags:
        found = catalog if tag == catalog.lang else catalog_for(tag, catalog.dirs)
        if found is not None and found.tex_setup and found.babel == babel_for(tag, catalog):
            setups.append(found.tex_setup)
    return Markup("\n".join(dict.fromkeys(setups)))


def font_family(fonts: Iterable[Face], family: str) -> tuple[Face, ...]:
    """The faces of one family. A family no face provides is a template error naming the ones there are."""
    fonts = tuple(fonts)
    faces = tuple(face for face in fonts if face.family == family)
    if not faces:
        known = ", ".join(dict.fromkeys(face.family for face in fonts)) or "none"
        raise jinja2.UndefinedError(f"no font family '{family}' (families: {known})")
    return faces


def _folder(faces: Iterable[Face]) -> Path:
    return Path(os.path.commonpath([face.file.parent for face in faces]))


def font_folder(faces: Iterable[Face]) -> Markup:
    """The folder holding a family's files, for fontspec's Path= (ending in /): a copy in LuaTeX's cache folder
    named after their content, whose font tables LuaTeX keeps whatever install the files came from
    (fontstore.py)."""
    from briefgen.backends.latex.fontstore import cache_dir, stable_folder

    faces = tuple(faces)
    return Markup(tex_path(stable_folder(_folder(faces), [face.file for face in faces], cache_dir())) + "/")


def font_file(faces: Iterable[Face], weight: int, italic: bool = False) -> Markup:
    """The file of the face with this weight and style, relative to the family's folder (next to Path=)."""
    faces = tuple(faces)
    for face in faces:
        if face.weight == weight and face.italic == italic:
            return Markup(tex_path(face.file.relative_to(_folder(faces)).as_posix()))
    raise jinja2.UndefinedError(f"no font face of weight {weight}{' italic' if italic else ''}")


def underline(faces: Iterable[Face]) -> Markup:
    """lua-ul's `top` and `bottom` of an underline where the regular face puts it (its post table), in ems."""
    regular = next(face for face in faces if face.weight == 400 and not face.italic)
    top, bottom = _underline(regular.file)
    return Markup(f"top={top}em, bottom={bottom}em")


@cache
def _underline(file: Path) -> tuple[str, str]:
    from fontTools.ttLib import TTFont

    with TTFont(file, lazy=True) as font:
        units = font["head"].unitsPerEm
        position, thickness = font["post"].underlinePosition, font["post"].underlineThickness
    return _em((position + thickness / 2) / units), _em((position - thickness / 2) / units)


def _em(value: float) -> str:
    return format(round(value, 3), "g")


def logo_file(logo: Path) -> str:
    """The name the engine gives the theme's logo in the build folder: an SVG becomes a PDF."""
    suffix = logo.suffix.lower()
    return "logo.pdf" if suffix == ".svg" else f"logo{'.jpg' if suffix == '.jpeg' else suffix}"


SYNTAX = Syntax(
    entry="brief.tex.j2",
    inline=latex,
    text=latex_text,
    tokens=latex_block,
    delimiters={
        "block_start_string": "<%",
        "block_end_string": "%>",
        "variable_start_string": "<<",
        "variable_end_string": ">>",
        "comment_start_string": "<#",
        "comment_end_string": "#>",
        "line_statement_prefix": "%%",
        "line_comment_prefix": "%#",
    },
    filters={
        "caps": caps,
        "plain": plain_text,
        "babel": babel_language,
        "babel_all": babel_languages,
        "tex_path": lambda path: Markup(tex_path(path)),
        "font_family": font_family,
        "font_folder": font_folder,
        "font_file": font_file,
        "underline": underline,
        "cased": cased,
        "babel_for": babel_for,
        "babel_setup": babel_setup,
        "logo_file": logo_file,
        "pdf_id": pdf_id,
    },
    language=language_warning,
)
