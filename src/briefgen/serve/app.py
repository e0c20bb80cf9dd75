"""Take the previews; give the web application that shows them (Starlette): an index of the briefs, a page per
brief with its HTML and PDF side by side per language and the error of its last rebuild, the files of its
last good pages, and an event stream that tells the pages when to reload.

Every page is made here, its style and script inline: a page asks for nothing but this server's addresses.
Only the previews' site folder is served, by Starlette's StaticFiles, which answers 404 for a path outside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from briefgen.errors import display_path
from briefgen.serve.preview import Previews

NO_STORE = {"Cache-Control": "no-store"}  # a preview is never to be shown from a cache


@cache
def templates() -> jinja2.Environment:
    """The preview's own templates: HTML escaped; in Jinja's sandbox, as every template."""
    from briefgen.render import own_templates

    return own_templates(Path(__file__).with_name("templates"), keep_trailing_newline=False)


def application(previews: Previews) -> Starlette:
    """The preview's web application."""

    def show(name: str, **values: object) -> HTMLResponse:
        page = (
            templates()
            .get_template(name)
            .render(versions=previews.versions(), ready=previews.ready, **values)
        )
        return HTMLResponse(page, headers=NO_STORE)

    async def index(_request: Request) -> Response:
        entries = previews.listed()
        places = {entry.slug: display_path(entry.file) for entry in entries}
        return show("index.html.j2", entries=entries, places=places, slug="")

    async def brief(request: Request) -> Response:
        entry = previews.by_slug(request.path_params["slug"])
        if entry is None:
            return HTMLResponse("Not Found", status_code=404)
        return show("brief.html.j2", entry=entry, place=display_path(entry.file), slug=entry.slug)

    async def events(_request: Request) -> Response:
        """Server-sent events: each brief's version now, then again after each rebuild."""
        queue = previews.listen()

        async def stream() -> AsyncIterator[str]:
            try:
                yield f"retry: 1000\ndata: {previews.versions()}\n\n"
                while True:
                    yield f"data: {await queue.get()}\n\n"
            finally:
                previews.unlisten(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    previews.site.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[
            Route("/", index),
            Route("/events", events),
            Route("/brief/{slug}/", brief),
            Mount("/site", StaticFiles(directory=previews.site), name="site"),
        ]
    )


__all__ = ["application"]
