"""Take briefs and build settings; give their previews, kept up to date: each brief's PDFs built by `watch` into a
scratch folder, then published there as pages (its HTML and PDF per language), or the error that stopped it.

A `Preview` runs the watch (its rebuild rule, the files it follows) with one change: after each brief's rebuild
it records what came of it. A good rebuild publishes the brief's pages (`briefgen publish`'s, made with the
same theme) into the brief's own site folder, replaced whole; a bad one keeps the pages of the last good
rebuild and records the error as the command line prints it. Each record bumps the brief's version, which the
server's event stream sends to the pages that show it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build import Written
from briefgen.errors import BriefgenError
from briefgen.settings import Settings
from briefgen.watch import Built, Failed, Rebuild, Watch

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Language:
    """One language of a brief's last good pages, by their names in its site folder."""

    code: str  # as the brief names it: en
    tag: str  # as the catalog tags its text: en-GB
    name: str  # the language's name in itself
    title: str
    html: str
    pdf: str


@dataclass
class Entry:
    """A brief as the preview shows it: its last good pages and the error of its last rebuild, if it failed."""

    slug: str  # its name in the preview's addresses
    file: Path
    languages: tuple[Language, ...] = ()
    error: str = ""
    version: int = 0
    built: bool = False  # rebuilt once at least, well or not


@dataclass
class _Listener:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str]


@dataclass
class Previews:
    """Every brief's entry, read by the server's threads while the watch updates it."""

    site: Path  # a folder per brief, by its slug
    entries: dict[Path, Entry] = field(default_factory=dict)  # by the brief file's resolved path
    ready: bool = False  # the first build is done
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listeners: list[_Listener] = field(default_factory=list)

    def entry(self, key: Path, file: Path) -> Entry:
        with self._lock:
            if key not in self.entries:
                taken = {e.slug for e in self.entries.values()}
                self.entries[key] = Entry(_slug(file, taken), file)
            return self.entries[key]

    def listed(self) -> list[Entry]:
        with self._lock:
            return sorted(self.entries.values(), key=lambda e: e.slug)

    def by_slug(self, slug: str) -> Entry | None:
        return next((e for e in self.listed() if e.slug == slug), None)

    def versions(self) -> str:
        """Each brief's version, as JSON: what a page compares with the version it was made at."""
        return json.dumps({e.slug: e.version for e in self.listed()}, sort_keys=True)

    def record(self, entry: Entry, languages: tuple[Language, ...] | None, error: str) -> None:
        """A rebuild's outcome: new pages (None: the last good ones stay) and its error ("": none)."""
        with self._lock:
            if languages is not None:
                entry.languages = languages
            entry.error = error
            entry.built = True
            entry.version += 1
        self.tell()

    def tell(self) -> None:
        """Send the versions to every open event stream."""
        versions = self.versions()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.loop.call_soon_threadsafe(listener.queue.put_nowait, versions)

    def listen(self) -> asyncio.Queue[str]:
        """A queue of versions for an event stream of the running event loop."""
        listener = _Listener(asyncio.get_running_loop(), asyncio.Queue())
        with self._lock:
            self._listeners.append(listener)
        return listener.queue

    def unlisten(self, queue: asyncio.Queue[str]) -> None:
        with self._lock:
            self._listeners[:] = [each for each in self._listeners if each.queue is not queue]


def _slug(file: Path, taken: set[str]) -> str:
    """A brief's name in addresses: its folder's name for a `brief.yaml`, else its file's stem; unique."""
    stem = file.parent.name if file.stem == "brief" else file.stem
    base = _UNSAFE.sub("-", stem.lower()).strip("-") or "brief"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class Preview(Watch):
    """The watch of `paths`, its PDFs built into `folder`/out, each brief's pages published into
    `folder`/site/<slug>."""

    def __init__(self, paths: list[Path], settings: Settings, folder: Path) -> None:
        super().__init__(paths, dataclasses.replace(settings, out=folder / "out", format="pdf"))
        self.theme = settings.theme
        self.previews = Previews(folder / "site")
        for key, brief in self.briefs.items():
            self.previews.entry(key, brief.file)

    def find(self) -> list[Path]:
        new = super().find()
        if hasattr(self, "previews"):
            for key in new:
                self.previews.entry(key, self.briefs[key].file)
        return new

    def build(self, rebuild: Rebuild, built: Built, failed: Failed) -> None:
        """The watch's rebuild, a brief at a time, each one's outcome recorded."""
        theme = rebuild.theme
        for key in rebuild.briefs:
            errors: list[BriefgenError] = []
            written: list[Written] = []

            def took(outputs: list[Written], written: list[Written] = written) -> None:
                written += outputs
                built(outputs)

            super().build(Rebuild((key,), rebuild.langs, theme), took, errors.append)
            theme = False  # loaded again once
            if key in self.briefs:
                self._record(key, errors, failed)
        self.previews.ready = True

    def _record(self, key: Path, errors: list[BriefgenError], failed: Failed) -> None:
        entry = self.previews.entry(key, self.briefs[key].file)
        if not errors:
            try:
                self.previews.record(entry, self._publish(entry), "")
                return
            except BriefgenError as exc:
                errors.append(exc)
        for error in errors:
            failed(error)
        self.previews.record(entry, None, "\n".join(error.format() for error in errors))

    def _publish(self, entry: Entry) -> tuple[Language, ...]:
        """The brief's pages from its PDFs, written whole into its site folder. Raises BriefgenError."""
        from briefgen.distribution.publish import publish

        site = publish(
            [entry.file], self.out, self.previews.site / entry.slug, self.theme, self.settings.langs
        )
        return tuple(
            Language(b.doc.lang, b.tag, b.language, b.title, b.html_name, b.pdf_name)
            for group in site.groups
            for b in group
        )


__all__ = ["Entry", "Language", "Preview", "Previews"]
