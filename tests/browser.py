"""Open pages in Debian's chromium, headless, through Playwright, recording every request the page makes.

Used by tests/distribution/test_publish.py and by scripts/pictures.py (the README's picture of a published site). Only
Debian's `chromium` is driven; Playwright's own browsers are never downloaded. A request to anywhere but the
addresses a visit allows is stopped before it leaves, and counted as failed.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "chromium"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass
class Visit:
    """A page open in the browser, with what it asked for."""

    page: Any  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)  # every URL requested, in order
    failed: list[str] = field(default_factory=list)  # refused, unanswered, or answered with an error status
    errors: list[str] = field(default_factory=list)  # the page's console errors and uncaught exceptions


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium (Debian's), as a Playwright Browser."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which(CHROMIUM)
    if executable is None:
        raise RuntimeError("chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def visit(browser: Any, url: str, allowed: Callable[[str], bool], **context: Any) -> Iterator[Visit]:
    """Open `url` in a new context (Playwright's options in `context`, e.g. PHONE); requests for which
    `allowed(url)` is false are aborted."""
    browser_context = browser.new_context(**context)
    page = browser_context.new_page()
    seen = Visit(page)

    def route(request_route: Any) -> None:
        if allowed(request_route.request.url):
            request_route.continue_()
        else:
            request_route.abort("blockedbyclient")

    browser_context.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("requestfailed", lambda request: seen.failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and seen.failed.append(response.url))
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        yield seen
    finally:
        browser_context.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on localhost by Python's http.server, in a thread: its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
