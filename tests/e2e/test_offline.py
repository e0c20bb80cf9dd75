"""Builds reach no network, in any engine: every connect() of the build and its children is traced by strace."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, engines, require_tool

pytestmark = pytest.mark.slow  # every build runs under strace, in a child process

# A network connection: connect() on an internet socket (AF_UNIX sockets, e.g. to a font cache, are local).
_CONNECT = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?\b")


def traced(args: list[str], log: Path) -> tuple[int, str]:
    """Run `args` under strace, following children; the exit code and the internet connect() calls."""
    command = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(log), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    attempts = [line for line in log.read_text(encoding="utf-8").splitlines() if _CONNECT.search(line)]
    return result.returncode, "\n".join(attempts)


def test_the_trace_sees_a_connection(tmp_path: Path) -> None:
    """The check can fail: a connection attempt, even a refused one, is seen."""
    require_tool("strace", "traces the system calls of a build")
    probe = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\n"
    _code, attempts = traced([sys.executable, "-c", probe], tmp_path / "trace")
    assert "127.0.0.1" in attempts


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_a_build_makes_no_network_connection(tmp_path: Path, engine: str) -> None:
    require_tool("strace", "traces the system calls of a build")
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "briefgen", "build", str(FIXTURES / "minimal.yaml"), "--engine", engine]
    code, attempts = traced([*args, "--lang", "en", "--out", str(out)], tmp_path / "trace")
    assert code == 0
    assert (out / "minimal-brief.en.pdf").is_file()
    assert attempts == "", f"the {engine} build tried to connect:\n{attempts}"
