"""Typeset rendered HTML into PDF bytes with WeasyPrint, reading only the theme's layers and its font files."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from briefgen.backends import Backend, Job, Typeset, scratch
from briefgen.backends.weasyprint import fonts, standards, subset
from briefgen.errors import BriefgenError, EngineError

if TYPE_CHECKING:
    from briefgen.doctor import Check


def _confined_fetcher(roots: list[Path]) -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = [r.resolve() for r in roots]

    class Confined(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
        """Serves files under the allowed folders and data: URLs; anything else stops the build."""

        def fetch(self, url: str, headers: object = None) -> object:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed) and path.is_file():
                    return super().fetch(url, headers)
            raise FatalURLFetchingError(f"the template asks for {url}, outside the theme and font folders")

    return Confined(allowed_protocols=("file", "data"), fail_on_errors=True)


class WeasyPrintEngine:
    def warm(self) -> None:
        """Import WeasyPrint, its PDF writer and its text layer, ahead of the first compile."""
        import weasyprint
        import weasyprint.text.fonts  # noqa: F401

    def compile(self, job: Job) -> Typeset:
        """The PDF of `job`. A font family the theme does not provide is an InputError, before and after layout."""
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError

        from briefgen.backends.weasyprint import figures, footnotes

        plan = standards.plan(job)  # an EngineError for standards this engine cannot meet together
        subset.use()  # HarfBuzz subsets the fonts, the system's or uharfbuzz's; else one warning says why not
        fonts.check(fonts.named_families(*fonts.style_sheets(job.source)), job.fonts, job.template_dirs)
        fetcher = _confined_fetcher([*job.template_dirs, *job.asset_dirs, *(f.path for f in job.doc.figures)])
        base = job.template_dirs[-1].resolve().as_uri() + "/"
        try:
            with tempfile.TemporaryDirectory(prefix="weasyprint-", dir=scratch.folder()) as folder:
                font_config = fonts.font_config(Path(folder))
                html = weasyprint.HTML(string=job.source, base_url=base, url_fetcher=fetcher)
                document = figures.fit_figures(
                    html,
                    lambda: footnotes.keep_notes_with_calls(
                        html, lambda: html.render(font_config=font_config)
                    ),
                )
                fonts.check(fonts.used_families(document), job.fonts, job.template_dirs)
                fonts.check_glyphs(fonts.missing_glyphs(document, job.fonts), job.template_dirs)
                marks = standards.prepare(document, plan)
                with warnings.catch_warnings():
                    # WeasyPrint 70 reads the sRGB profile of a PDF/A output intent from a file it leaves to be
                    # closed when collected, which Python reports as a ResourceWarning: the profile is read whole.
                    warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
                    pdf = document.write_pdf(
                        pdf_identifier=(job.identifier or job.doc.id).encode(),
                        pdf_variant=plan.variant,
                        pdf_tags=plan.tags,
                        attachments=standards.attachments(job),
                        finisher=marks.finish,
                    )
            back = first_page_of(document, job.back_matter) if job.back_matter else None
            return Typeset(pdf, len(document.pages), back=back)
        except BriefgenError:
            raise
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise EngineError(f"weasyprint: {cause}") from exc
        except Exception as exc:  # WeasyPrint raises many kinds; all mean the engine failed.
            raise EngineError(f"weasyprint failed: {type(exc).__name__}: {exc}") from exc


ENGINE = WeasyPrintEngine()


def first_page_of(document: Any, titles: Sequence[str]) -> int | None:
    """The page (from 1) of the first bookmark of the laid-out `document` whose label is one of `titles` (case
    aside): the outline WeasyPrint writes, as distribution.pdfinfo.first_page_of reads it back from the PDF (a
    quarter of a second for Kyutai's, whose objects are compressed), or None."""
    wanted = {title.casefold() for title in titles}
    pages: list[int] = []

    def visit(subtrees: list[Any]) -> None:
        for label, (page, _x, _y), children, _state in subtrees:
            if " ".join(str(label).split()).casefold() in wanted:
                pages.append(page + 1)
            visit(children)

    visit(document.make_bookmark_tree())
    return min(pages, default=None)


def doctor(backend: Backend) -> Check:
    """What `briefgen doctor` says of WeasyPrint: its library (it must import), and what subsets the fonts it
    embeds: HarfBuzz in milliseconds, fontTools in seconds a document (slow, with what to install)."""
    from briefgen.doctor import needs

    found = needs(backend)
    if not found.ok:
        return found
    subsetter = subset.available()
    return replace(
        found, detail=f"{found.detail}, fonts subset by {subsetter.detail}", slow=not subsetter.fast
    )
