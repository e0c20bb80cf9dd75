"""`briefgen publish DIR`: the static site of the built PDFs, checked in a real headless browser (Debian's chromium
through Playwright) from a file:// address and from a static server, and its refusals from the command line."""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser import PHONE, chromium, served, visit
from tests.conftest import FIXTURES, ROOT, require_tool, run_cli

BRIEFS = ("kyutai-launch", "ai-alliance-launch")
CATALOGS = ROOT / "src" / "briefgen" / "language" / "catalogs"
MINIMAL = FIXTURES / "minimal.yaml"


@dataclass(frozen=True)
class Published:
    root: Path
    out: Path
    site: Path
    stdout: str
    stderr: str


def _plain(text: str) -> str:
    """Text with its spaces (no-break ones included) as single spaces, for comparing words."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _same(shown: str | None, written: str) -> bool:
    """Whether `shown` is the brief's `written` text, each {{fact}} of it standing for the fact's value."""
    parts = [re.escape(_plain(part)) for part in re.split(r"\{\{[^}]*\}\}", written)]
    return re.fullmatch(r"\s?\S.*?\s?".join(parts), _plain(shown or "")) is not None


def _brief(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "briefs" / name / "brief.yaml").read_text(encoding="utf-8"))


def _catalog(lang: str) -> dict[str, Any]:
    return yaml.safe_load((CATALOGS / f"{lang}.yaml").read_text(encoding="utf-8"))


def _expected() -> dict[str, tuple[str, str, str]]:
    """`<id>.<lang>` → (language tag, headline, the first section's title), read from the briefs and catalogs."""
    found = {}
    for name in BRIEFS:
        brief = _brief(name)
        for lang in brief["languages"]:
            title = brief["sections"][0]["title"][lang]
            found[f"{brief['id']}.{lang}"] = (_catalog(lang)["tag"], brief["headline"][lang], title)
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The two example briefs built by Typst (the pages come from the theme's WeasyPrint templates whatever
    engine made the PDFs), Kyutai's in the dossier theme (a cover, a logo), published once for the module."""
    root = tmp_path_factory.mktemp("publish")
    for name in BRIEFS:
        shutil.copytree(ROOT / "briefs" / name, root / "briefs" / name)
    out = root / "out"
    builds = [
        ("build", root / "briefs" / "kyutai-launch", "--engine", "typst", "--theme", "dossier", "--out", out),
        ("build", root / "briefs" / "ai-alliance-launch", "--engine", "typst", "--out", out),
    ]
    for args in builds:
        code, _stdout, stderr = run_cli(*args)
        assert code == 0, stderr
    code, stdout, stderr = run_cli("publish", root / "site", root / "briefs", "--out", out)
    assert code == 0, stderr
    return Published(root, out, root / "site", stdout, stderr)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_tool("chromium", "the published site is checked in a headless browser")
    with chromium() as opened:
        yield opened


def test_the_site_holds_every_briefing_pdf_thumbnail_and_page(published: Published) -> None:
    names = sorted(_expected())
    site = published.site
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert written == sorted(
        [".briefgen-publish", "index.html"]
        + [f"{n}.html" for n in names]
        + [f"pdf/{n}.pdf" for n in names]
        + [f"thumbs/{n}.png" for n in names]
    )
    for name in names:
        assert (site / "pdf" / f"{name}.pdf").read_bytes() == (published.out / f"{name}.pdf").read_bytes()
        png = (site / "thumbs" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and int.from_bytes(png[16:20], "big") == 400
        assert re.search(rf"^\S*site/{re.escape(name)}\.html  \d+ pages  \d+ KiB$", published.stdout, re.M)
    assert "4 briefings published in" in published.stderr
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "file:" not in text, f"{page.name} names a local file"
        resources = re.findall(r"""(?:\ssrc=|url\()\s*["']?([^"')\s]+)""", text)
        external = [r for r in resources if not r.startswith(("data:", "thumbs/"))]
        assert not external, f"{page.name} asks for {external}"


def test_the_same_inputs_give_the_same_bytes_and_a_site_is_replaced_whole(
    published: Published, tmp_path: Path
) -> None:
    def digests(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    again = tmp_path / "again"
    shutil.copytree(published.site, again)
    (again / "notes.txt").write_text("added by hand", encoding="utf-8")
    code, _stdout, stderr = run_cli("publish", again, published.root / "briefs", "--out", published.out)
    assert code == 0, stderr
    assert digests(again) == digests(published.site), "the same bytes, and the file added by hand is gone"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder is left"


@pytest.mark.parametrize("server", ["file", "http"])
def test_the_index_and_every_page_in_a_browser(published: Published, browser: Any, server: str) -> None:
    expected = _expected()
    address = served(published.site) if server == "http" else _file_base(published.site)
    with address as base, visit(browser, base + "index.html", lambda url: url.startswith(base)) as seen:
        page = seen.page
        assert page.evaluate("document.documentElement.lang") == "en"
        cards = page.locator("article.card")
        assert cards.count() == len(expected)
        assert page.locator("section.brief").count() == len(BRIEFS)
        links: dict[str, str] = {}
        for index in range(cards.count()):
            card = cards.nth(index)
            href = card.locator("h2 a").get_attribute("href") or ""
            name = href.removesuffix(".html")
            tag, headline, _section = expected[name]
            assert card.get_attribute("lang") == tag
            assert _same(card.locator("h2").text_content(), headline)
            thumb = card.locator("img")
            assert thumb.get_attribute("src") == f"thumbs/{name}.png"
            assert thumb.evaluate("img => img.complete && img.naturalWidth") == 400
            assert card.locator("a.read").get_attribute("href") == href
            pdf = card.locator("a.pdf").get_attribute("href")
            assert pdf == f"pdf/{name}.pdf"
            if server == "http":
                response = page.request.get(base + pdf)
                assert response.status == 200 and response.body().startswith(b"%PDF-")
            else:
                assert (published.site / pdf).read_bytes().startswith(b"%PDF-")
            assert re.fullmatch(
                r"\d+ pages · \d+ (kB|ko)", _plain(card.locator("p.meta").nth(1).inner_text())
            )
            links[name] = href
        assert sorted(links) == sorted(expected)
        for name, href in links.items():
            asked = len(seen.requests)
            page.locator(f'article.card h2 a[href="{href}"]').click()
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            tag, headline, section = expected[name]
            assert page.url == base + href
            assert page.evaluate("document.documentElement.lang") == tag
            assert _same(page.locator("h1").text_content(), headline)
            headings = [_plain(h) for h in page.locator("main h2").all_text_contents()]
            assert _plain(section) in headings
            assert _catalog(tag[:2])["strings"]["sources"] in headings
            assert page.locator("nav.briefgen-bar a.briefgen-pdf").get_attribute("href") == f"pdf/{name}.pdf"
            assert seen.requests[asked:] == [base + href], "the page asks for nothing but itself"
            page.locator("nav.briefgen-bar a.briefgen-home").click()
            page.wait_for_load_state("load")
        assert seen.failed == [] and seen.errors == []
        assert all(url.startswith(base) for url in seen.requests)


@contextlib.contextmanager
def _file_base(site: Path) -> Iterator[str]:
    """The site's file:// address, as `served` gives its http:// one."""
    yield site.as_uri() + "/"


@pytest.mark.parametrize(
    ("name", "other", "image"),
    [
        ("kyutai-launch.en", "kyutai-launch.fr", "img.cover-logo"),
        ("ai-alliance-launch.en", "ai-alliance-launch.fr", "figure.figure img"),
    ],
)
def test_a_page_sent_alone_reads_on_a_phone(
    published: Published, browser: Any, tmp_path: Path, name: str, other: str, image: str
) -> None:
    """A page copied alone, as by e-mail: its fonts, images and styles come with it, and it fits a phone."""
    alone = tmp_path / f"{name}.html"
    shutil.copy(published.site / alone.name, alone)
    url = alone.as_uri()
    with visit(browser, url, lambda asked: asked == url, **PHONE) as seen:
        page = seen.page
        assert seen.requests == [url] and seen.failed == [] and seen.errors == []
        faces = page.evaluate(
            "Promise.all([...document.fonts].map(f => f.load().then(() => [f.family, f.weight, f.style, f.status])))"
        )
        assert len(faces) == 5 and all(status == "loaded" for *_face, status in faces), faces
        images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
        assert images and all(images)
        assert page.locator(image).evaluate("i => i.complete && i.naturalWidth > 0")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"the page is wider than the phone: {width}"
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
        assert size * page.evaluate("parseFloat(getComputedStyle(document.body).zoom)") >= 15
        assert page.locator("nav.briefgen-bar a[hreflang]").get_attribute("href") == f"{other}.html"
        assert seen.requests == [url] and seen.failed == [], "loading every face asked for nothing"


def test_missing_pdfs_name_the_build_and_nothing_is_written(workdir: Path) -> None:
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 2
    assert "minimal.yaml: no PDF of 'minimal-brief' in out/: run `briefgen build minimal.yaml`" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["minimal.yaml"]

    assert run_cli("build", "minimal.yaml", "--lang", "fr")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 2
    assert "no PDF of 'minimal-brief' in en in out/: run `briefgen build minimal.yaml --lang en`" in stderr
    assert not (workdir / "site").exists()


def test_publish_takes_the_languages_of_the_project_file_and_of_lang(workdir: Path) -> None:
    """A project that builds English only publishes English only (it asked for the French PDF before)."""
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    (workdir / "briefgen.toml").write_text('languages = ["en"]\nengine = "typst"\n', encoding="utf-8")
    assert run_cli("build", "minimal.yaml")[0] == 0
    code, stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    assert stdout.splitlines()[0].startswith("site/minimal-brief.en.html")
    assert sorted(p.name for p in (workdir / "site" / "pdf").iterdir()) == ["minimal-brief.en.pdf"]
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--lang", "fr")  # the flag wins
    assert code == 2
    assert "no PDF of 'minimal-brief' in out/: run `briefgen build minimal.yaml --lang fr`" in stderr


def test_a_pdf_older_than_its_brief_is_refused(workdir: Path) -> None:
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    assert run_cli("build", "minimal.yaml", "--out", "built")[0] == 0
    with (workdir / "minimal.yaml").open("a", encoding="utf-8") as brief:
        brief.write("# edited after the build\n")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--out", "built")
    assert code == 2
    assert "built from an older minimal.yaml: run `briefgen build minimal.yaml --out built`" in stderr
    assert not (workdir / "site").exists()


def test_a_folder_that_is_not_a_site_is_never_replaced(workdir: Path) -> None:
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    assert run_cli("build", "minimal.yaml")[0] == 0
    (workdir / "site").mkdir()
    (workdir / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 2
    assert "site: holds files and is not a site briefgen publish wrote" in stderr
    assert [p.name for p in (workdir / "site").iterdir()] == ["notes.txt"]

    (workdir / "file").write_text("a file", encoding="utf-8")
    code, _stdout, stderr = run_cli("publish", "file", "minimal.yaml")
    assert code == 2 and "file: is a file, not a folder" in stderr

    (workdir / "empty").mkdir()
    code, _stdout, stderr = run_cli("publish", "empty", "minimal.yaml")
    assert code == 0, stderr
    assert (workdir / "empty" / "index.html").is_file() and (
        workdir / "empty" / ".briefgen-publish"
    ).is_file()


def test_the_briefs_words_are_text_in_the_index(workdir: Path) -> None:
    brief = MINIMAL.read_text(encoding="utf-8").replace(
        "headline: {fr: Un titre de test, en: A test headline}",
        "headline: {fr: 'Un titre <script>alert(1)</script> & co', en: 'A <img src=x onerror=alert(1)> & co'}",
    )
    assert "<script>" in brief
    (workdir / "minimal.yaml").write_text(brief, encoding="utf-8")
    assert run_cli("build", "minimal.yaml")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    index = (workdir / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "<img src=x" not in index
    assert "Un titre &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in index


def test_a_headline_that_reads_like_css_is_text_not_a_request(workdir: Path) -> None:
    """The running header quotes the headline in a CSS string (`content: "…"`): a `url(…)` or `@import` in it
    is text, which tinycss2 reads as such, not a file the theme asks for."""
    headline = "en: 'The url(chart.png) and @import \"x.css\"; affair'"
    brief = MINIMAL.read_text(encoding="utf-8").replace("en: A test headline", headline)
    (workdir / "minimal.yaml").write_text(brief, encoding="utf-8")
    assert run_cli("build", "minimal.yaml", "--engine", "typst")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    page = (workdir / "site" / "minimal-brief.en.html").read_text(encoding="utf-8")
    assert "The url(chart.png) and @import “x.css”; affair" in html.unescape(page)  # quotes curled


def _theme_and_brief(workdir: Path, name: str, css: str, blocks: str = "") -> None:
    """A theme `name` extending briefing, its WeasyPrint entry template adding `css` and `blocks`, and the
    minimal brief, in `workdir`."""
    theme = workdir / name
    (theme / "html").mkdir(parents=True)
    (theme / "theme.yaml").write_text(f"name: {name}\nextends: briefing\n", encoding="utf-8")
    entry = f'{{% extends "briefing:brief.html.j2" %}}\n{{% block stylesheet %}}{{{{ super() }}}}\n{css}{{% endblock %}}\n'
    (theme / "html" / "brief.html.j2").write_text(entry + blocks, encoding="utf-8")
    shutil.copy(MINIMAL, workdir / "minimal.yaml")


def test_what_a_theme_runs_in_the_page_margins_stays_off_the_screen(workdir: Path, browser: Any) -> None:
    """An element a theme moves into the running header (`position: running()`) is in the PDF's header and
    hidden on the screen; printing the page uses the theme's own style sheet."""
    _theme_and_brief(
        workdir,
        "runner",
        ".running-title { position: running(title); }\n@page { @top-center { content: element(title); } }\n",
        '{% block cover %}<p class="running-title">Running head</p>{% endblock %}\n',
    )
    assert run_cli("build", "minimal.yaml", "--theme", "runner", "--lang", "en")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", "runner")
    assert code == 2 and "run `briefgen build minimal.yaml --lang fr`" in stderr
    assert run_cli("build", "minimal.yaml", "--theme", "runner")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", "runner")
    assert code == 0 and "warning" not in stderr, stderr
    url = (workdir / "site" / "minimal-brief.en.html").as_uri()
    with visit(browser, url, lambda asked: asked == url) as seen:
        running = seen.page.locator("p.running-title")
        assert running.count() == 1 and not running.is_visible()
        assert seen.page.locator("h1").is_visible()
        seen.page.emulate_media(media="print")
        assert seen.page.locator("nav.briefgen-bar").is_hidden()


def test_a_theme_that_asks_for_the_web_is_refused(workdir: Path) -> None:
    _theme_and_brief(
        workdir, "webby", "@media screen { body { background: url(https://example.org/paper.png); } }\n"
    )
    assert run_cli("build", "minimal.yaml", "--theme", "webby")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", "webby")
    assert code == 2
    for lang in ("en", "fr"):
        assert (
            f"webby/html: minimal-brief.{lang}.html: the theme asks for https://example.org/paper.png: a published "
            "page embeds files and fetches nothing"
        ) in stderr
    assert not (workdir / "site").exists()
    assert not [p for p in workdir.iterdir() if p.name.startswith(".")]


def test_two_briefs_of_one_id_are_refused(workdir: Path) -> None:
    """Their PDFs and pages would have the same names."""
    (workdir / "briefs").mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(MINIMAL, workdir / "briefs" / name)
    code, _stdout, stderr = run_cli("publish", "site")
    assert code == 2
    assert "briefs/b.yaml:1:5: id 'minimal-brief' is also used by briefs/a.yaml" in stderr
    assert not (workdir / "site").exists()


def test_a_draft_says_so_on_its_card_and_its_page(workdir: Path) -> None:
    brief = MINIMAL.read_text(encoding="utf-8")
    assert "\nstatus:" not in brief
    (workdir / "minimal.yaml").write_text(
        brief.replace("\nclassification:", "\nstatus: draft\nclassification:")
    )
    assert run_cli("build", "minimal.yaml")[0] == 0
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    index = (workdir / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="draft">') == 2
    assert '<span class="draft">Brouillon</span>' in index and '<span class="draft">Draft</span>' in index
    page = (workdir / "site" / "minimal-brief.fr.html").read_text(encoding="utf-8")
    assert '<strong class="briefgen-draft" lang="fr">Brouillon</strong>' in page
    (workdir / "minimal.yaml").write_text(brief)  # final again: no mark
    assert run_cli("build", "minimal.yaml")[0] == 0
    assert run_cli("publish", "site", "minimal.yaml")[0] == 0
    assert "draft" not in (workdir / "site" / "index.html").read_text(encoding="utf-8").replace(".draft", "")
