"""`briefgen serve` in a child process, its pages in Debian's chromium: an edit on disk shows in the page without
a reload by hand, a bad edit's located error shows above the last good version, the fix removes it; only the
previews are served; a port in use, or a missing extra, is one line and exit 2."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import chromium, visit
from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal.yaml"
HEADLINE = "headline: {fr: Un titre de test, en: A test headline}"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFGEN_FORCE_TERMINAL", "NO_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _ours_or_the_browsers(url: str) -> Callable[[str], bool]:
    """The server's addresses, and the browser's own (its PDF viewer is a chrome-extension: page with chrome:
    resources): never the network."""
    return lambda asked: asked.startswith((url, "chrome://", "chrome-extension://", "data:", "blob:"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`briefgen serve` in a child process, its stderr read as it comes."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "serve", *args],
            cwd=cwd,
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.err: list[str] = []
        assert self.process.stderr is not None
        self.reader = threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True)
        self.reader.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.err.append(line.rstrip("\n"))

    def wait_for(self, done: Callable[[], object], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert self.process.poll() is None, f"serve ended ({self.process.returncode}): {self.err}"
            assert time.monotonic() < deadline, f"no {what} within {seconds} s; stderr: {self.err}"
            time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(timeout=10)
            if self.process.stderr is not None:
                self.process.stderr.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, Path]]:
    """A preview of a copy of the minimal brief, built by Typst: the server, its address, the brief's file."""
    folder = tmp_path_factory.mktemp("serve")
    (folder / "briefs").mkdir()
    brief = folder / "briefs" / "minimal.yaml"
    shutil.copy(MINIMAL, brief)
    port = free_port()
    server = Server(folder, "briefs", "--engine", "typst", "--port", str(port))
    url = f"http://127.0.0.1:{port}/"
    try:
        server.wait_for(lambda: any(line.startswith("serving 1 brief at ") for line in server.err), "start")
        assert f"serving 1 brief at {url}; Ctrl-C stops" in server.err
        yield server, url, brief
    finally:
        code = server.stop()
        assert code == 128 + signal.SIGTERM, server.err
        assert "Traceback" not in "\n".join(server.err)
        assert not (folder / "out").exists(), "a preview builds in a scratch folder, not in out/"


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "served.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.slow  # a server in a child process, and a browser
def test_an_edit_shows_in_the_page_a_bad_one_shows_its_error_and_the_fix_removes_it(
    served: tuple[Server, str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    server, url, brief = served
    good = brief.read_text(encoding="utf-8")
    assert HEADLINE in good
    with chromium() as browser, visit(browser, f"{url}brief/minimal/", _ours_or_the_browsers(url)) as seen:
        page = seen.page
        html = page.frame_locator('iframe[name="html-en"]')
        banner = page.get_by_role("alert")
        expect(html.locator("h1")).to_have_text("A test headline")
        page.evaluate("window.notReloadedByHand = true")

        brief.write_text(good.replace("A test headline", "A headline saved on disk"), encoding="utf-8")
        expect(html.locator("h1")).to_have_text("A headline saved on disk", timeout=30_000)
        pdf = page.request.get(f"{url}site/minimal/pdf/minimal-brief.en.pdf")
        assert "A headline saved on disk" in _pdf_text(pdf.body(), tmp_path)

        bad = good.replace("languages: [fr, en]", "languages: [fr, en", 1)
        brief.write_text(bad, encoding="utf-8")
        located = re.compile(r"briefs/minimal\.yaml:\d+:\d+: YAML syntax error.*")
        expect(banner).to_contain_text(located, timeout=30_000)
        printed = [line for line in server.err if located.fullmatch(line)]
        assert printed, server.err
        assert printed[-1] in banner.locator("pre").inner_text().splitlines(), "the CLI's own line"
        expect(html.locator("h1")).to_have_text("A headline saved on disk")  # the last good version stays
        expect(page.frame_locator('iframe[name="pdf-en"]').locator("body")).to_be_attached()

        brief.write_text(good.replace("A test headline", "A fixed headline"), encoding="utf-8")
        expect(html.locator("h1")).to_have_text("A fixed headline", timeout=30_000)
        expect(banner).to_have_count(0)
        # the page was reloaded by the server's event, not by hand: the flag set before is gone
        assert page.evaluate("window.notReloadedByHand") is None
    # cut short by a reload: the event stream, and the PDF viewer's own files
    cut = (f"{url}events", "chrome://", "chrome-extension://")
    assert [failed for failed in seen.failed if not failed.startswith(cut)] == [], "every request answered"
    assert seen.errors == []
    assert all(map(_ours_or_the_browsers(url), seen.requests)), seen.requests


@pytest.mark.slow  # a server in a child process
@pytest.mark.parametrize(
    "path",
    [
        "/site/../../../../etc/passwd",
        "/site/minimal/../../out/minimal-brief.en.pdf",
        "/site/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/site//etc/passwd",
        "/site/minimal/..%2f..%2f..%2fetc/passwd",
        "/etc/passwd",
        "/../../../etc/passwd",
        "/brief/../../etc/passwd",
    ],
)
def test_only_the_previews_are_served(served: tuple[Server, str, Path], path: str) -> None:
    _server, url, brief = served
    port = int(url.rsplit(":", 1)[1].strip("/"))
    for asked in (path, path.replace("/etc/passwd", str(brief))):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.putrequest("GET", asked, skip_accept_encoding=True)  # sent as written, not normalised
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 404, (asked, response.status)
        assert b"root:" not in body and b"minimal-brief" not in body


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", "serve", str(MINIMAL), "--port", str(port)],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr == f"briefgen: port {port} on 127.0.0.1 is in use: choose another with --port\n"
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_a_missing_extra_is_named(tmp_path: Path) -> None:
    blocked = "import sys; sys.modules['uvicorn'] = None; from briefgen.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", blocked, "serve", str(MINIMAL)],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "briefgen: briefgen serve needs the 'serve' extra (uvicorn is not installed): "
        "pip install 'briefgen[serve]'\n"
    )
