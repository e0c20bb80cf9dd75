"""Take briefs and the PDFs `build` wrote for them; give a static site: an index and a page per briefing.

`publish(paths, out, site)` checks the PDFs of every language of each brief as `bundle` does (built.py), then
writes, all or nothing (folder.py), into `site`:

- `index.html`: a card per briefing and language, grouped by brief, newest first (index.py);
- `<id>.<lang>.html`: the briefing, from the brief through the WeasyPrint templates of the theme given, else of
  the built-in theme its PDF was built with (never a theme folder the untrusted manifest names: site.py),
  self-contained: fonts, images and styles as data: URIs, readable on a phone (page.py, embed.py);
- `pdf/<id>.<lang>.pdf`, the PDFs as built, and `thumbs/<id>.<lang>.png`, their first pages (thumbs.py).

Every link is relative: the site works from a file:// address and from any static server. The same PDFs and
briefs give the same bytes. What the site shows of each briefing is a `Briefing` (briefing.py).
"""

from __future__ import annotations

from pathlib import Path

from briefgen.distribution.publish.briefing import Briefing, Site


def publish(
    paths: list[Path], out: Path, site: Path, theme: str | None = None, langs: tuple[str, ...] | None = None
) -> Site:
    """Write the site of the briefs of `paths` from their PDFs in `out` to the folder `site`, each page made
    with `theme` (a built-in's name or a theme folder), else with the built-in theme its PDF was built with, else
    the default theme. Raises InputError (nothing written) for a brief that does not load, a language without
    its PDF, a PDF that is not the manifest's or is older than its brief, a theme that does not load, or a
    `site` that is not a folder publish may replace. `langs`: only these languages (the project file's or
    `--lang`), else every language each brief declares."""
    from briefgen.distribution.publish import (
        site as making,  # the engines and the renderer: loaded when a site is made
    )

    return making.make(paths, out, site, theme, langs)


__all__ = ["Briefing", "Site", "publish"]
