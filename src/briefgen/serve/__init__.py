"""Take briefs and build settings; give a live preview on a local address: each brief's HTML page and PDF side
by side per language, rebuilt as `watch` rebuilds them, each page reloading itself when its brief's rebuild
lands, the error of a bad edit shown on the page above the last good version.

`listen` takes the address first (a port in use is an InputError, before any build); `serve` builds into a
scratch folder, removed when it stops (preview.py: never the project's out/, whose PDFs and manifest stay as
`build` left them), and serves it with uvicorn in a thread (app.py) while the watch runs in this one, until a
signal stops it. The server's libraries are the `serve` extra, imported only here.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from briefgen.errors import InputError
from briefgen.settings import Settings
from briefgen.watch import Built, Failed

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
PORT = 8000
EXTRA = "serve"


def require() -> None:
    """InputError naming the extra to install when the server's libraries are missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise InputError(
            f"briefgen serve needs the '{EXTRA}' extra ({exc.name} is not installed): "
            f"pip install 'briefgen[{EXTRA}]'"
        ) from None


def loopback(host: str) -> bool:
    """Whether `host` is reached only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port`. Raises InputError for a port in use or an address not this machine's."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise InputError(f"--host {host}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port left in TIME_WAIT, not one in use
    try:
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is in use: choose another with --port") from None
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def address(sock: socket.socket) -> str:
    """The page's address for a listening socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    paths: list[Path],
    settings: Settings,
    sock: socket.socket,
    built: Built,
    failed: Failed,
    ready: Callable[[int], None],
) -> None:
    """Build the briefs of `paths`, serve their previews on `sock`, rebuild on change until a signal (raises
    KeyboardInterrupt, Interrupted). `ready` is told the number of briefs once the watch has begun."""
    import uvicorn

    from briefgen.serve.app import application
    from briefgen.serve.preview import Preview

    with tempfile.TemporaryDirectory(prefix="briefgen-serve-") as folder, contextlib.closing(sock):
        preview = Preview(paths, settings, Path(folder))
        config = uvicorn.Config(
            application(preview.previews),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,  # the pages' event streams stay open: they are closed after 1 s
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="serve")
        thread.start()
        try:
            preview.run(built, failed, lambda _roots: ready(len(preview.briefs)))
        finally:
            server.should_exit = True
            thread.join(timeout=5)


__all__ = ["HOST", "PORT", "address", "listen", "loopback", "require", "serve"]
