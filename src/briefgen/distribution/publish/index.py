"""Take the site's briefings, grouped by brief; give its index page: a card per briefing and language.

Each card shows the first page's thumbnail, the language, the title, the date, the classification, the pages
and the size, in the briefing's language, with links to its page and its PDF. The index takes its colours and
its faces (embedded, subset to its characters) from the theme of the first briefing; its own heading is in
English.
"""

from __future__ import annotations

import base64

from markupsafe import Markup

from briefgen.distribution.publish.briefing import Briefing
from briefgen.distribution.publish.embed import characters, subset_font
from briefgen.distribution.publish.page import templates
from briefgen.distribution.publish.words import english
from briefgen.themes.tokens import BLOCKS, tokens


def index(groups: list[list[Briefing]]) -> bytes:
    """The index page of `groups` (each a brief's briefings, in its languages' order)."""
    theme = groups[0][0].theme
    every = [b for group in groups for b in group]
    briefs = len(groups)
    count = (
        f"{briefs} brief{'s' if briefs != 1 else ''}, {len(every)} briefing{'s' if len(every) != 1 else ''}"
    )
    langs = sorted({b.language for b in every})
    count += f" in {', '.join(langs)}"
    template = templates().get_template("index.html.j2")
    values = {
        "groups": groups,
        "w": english(),
        "count": count,
        "tokens_block": Markup(BLOCKS["css"](tokens(theme))),
    }
    chars = "".join(sorted(characters(template.render(**values, fonts_css=""))))
    faces = []
    for face in theme.faces:
        if face.italic:  # the index sets nothing in italics
            continue
        font = base64.b64encode(subset_font(face.file, chars)).decode("ascii")
        faces.append(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
            f"font-style: {'italic' if face.italic else 'normal'}; "
            f'src: url("data:font/woff;base64,{font}") format("woff"); }}'
        )
    return template.render(**values, fonts_css=Markup("\n".join(faces))).encode("utf-8")


__all__ = ["index"]
