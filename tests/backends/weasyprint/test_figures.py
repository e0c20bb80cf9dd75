"""A figure that leaves the page before it part empty is scaled to fit there, or set after the block that follows
it (backends/weasyprint/figures.py), on small WeasyPrint pages read back with pdfplumber."""

from __future__ import annotations

import base64
import io

import pytest

# A 300 × 400 pt page with 50 pt margins: 300 pt of text, 25 lines of 12 pt.
PAGE = """<style>@page { size: 300pt 400pt; margin: 50pt }
body { margin: 0; font: 10pt/12pt serif } p { margin: 0 } h2 { margin: 12pt 0 0; font-size: 10pt; break-after: avoid }
figure { margin: 0; break-inside: avoid } img { display: block }</style>"""


def image() -> str:
    """A PNG twice as tall as it is wide (at the text's full width, 200 pt, 400 pt tall), as a data: URL."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 20), "gray").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def lines(count: int, word: str) -> str:
    return "<p>" + "<br>".join(f"{word} line {i}" for i in range(1, count + 1)) + "</p>"


def pages(body: str, fit: bool) -> list[tuple[int, str]]:
    """(images, text) of each page of `body` laid out by WeasyPrint, with or without fit_figures."""
    import pdfplumber
    import weasyprint

    from briefgen.backends.weasyprint.figures import fit_figures

    html = weasyprint.HTML(string=PAGE + body)
    document = fit_figures(html, html.render) if fit else html.render()
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        return [(len(page.images), page.extract_text()) for page in pdf.pages]


@pytest.mark.parametrize("fit", [False, True])
def test_a_figure_a_little_too_tall_for_the_page_before_is_scaled_to_fit_there(fit: bool) -> None:
    # 12 lines (144 pt), a heading (24 pt), a figure 150 pt tall: 18 pt too many for the page's 300 pt
    body = lines(12, "Text") + f'<h2>Chart</h2><figure><img src="{image()}" style="width: 37.5%"></figure>'
    body += lines(5, "After")
    laid = pages(body, fit)
    assert [images for images, _ in laid] == ([1, 0] if fit else [0, 1])
    assert ("Chart" in laid[0][1]) is fit


def test_a_figure_far_too_tall_for_the_page_before_goes_after_the_next_block() -> None:
    # 12 lines, a heading, a figure 250 pt tall (it would have to be scaled to half), then 20 lines of text
    body = lines(12, "Text") + f'<h2>Chart</h2><figure><img src="{image()}" style="width: 62.5%"></figure>'
    body += lines(20, "After")
    before, after = pages(body, False), pages(body, True)
    assert [images for images, _ in before] == [0, 1, 0]
    # the heading and the text after the figure fill the first page; the figure follows them
    assert after[0][0] == 0 and "Chart" in after[0][1] and "After line 8" in after[0][1]
    assert sum(images for images, _ in after) == 1
