"""Rebuild briefs as their files change: a brief, its sources and figures, its theme, a catalog.

`Watch.run` builds every brief once, then waits for changes (watchfiles: the system's file events, debounced)
and rebuilds what they affect: a brief's own files rebuild that brief; a catalog, the briefs in its language;
any other file of a theme's layers, every brief. Each brief builds on its own, so one that fails (reported, at
its place) leaves the others built, and the watch goes on until a signal stops it. The watch holds its settings
resolved (engine, theme) from one rebuild to the next, and resolves them again when a theme or catalog changed.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.brief import model
from briefgen.brief.discover import find_briefs
from briefgen.brief.read import Unreadable
from briefgen.brief.validate import LoadedBrief, walk
from briefgen.build import Build, Setup, Written, forget, make_and_write, plan, resolve
from briefgen.errors import BriefgenError, Interrupted, display_path
from briefgen.language.catalog import BUILTIN_CATALOGS
from briefgen.progress import Progress
from briefgen.settings import Settings

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400  # the longest a burst of changes is gathered before a rebuild
STEP_MS = 50  # a burst ends after this long without a change
READY_MS = 300  # how often the watcher wakes without a change (the first time: it is running)


@dataclass
class Brief:
    """A brief file being watched: the files it reads (itself, its sources, its figures), its languages."""

    file: Path
    files: set[Path] = field(default_factory=set)  # resolved; empty while the brief does not load
    langs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rebuild:
    """What a set of changes asks for: briefs to rebuild, in these languages only (None: all of theirs)."""

    briefs: tuple[Path, ...]
    langs: frozenset[str] | None = None
    theme: bool = False  # a theme or catalog changed: what was loaded once is loaded again


Built = Callable[[list[Written]], None]
Failed = Callable[[BriefgenError], None]


class Watch:
    """The briefs of `paths`, built with `settings` and rebuilt as their files change."""

    def __init__(self, paths: list[Path], settings: Settings, progress: Progress | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.progress = progress
        self.out = settings.out.resolve()
        self.briefs: dict[Path, Brief] = {}  # by the brief file's resolved path
        self._setup: Setup | None = None  # the settings resolved, kept until a theme or catalog changes
        self._folders: tuple[list[Path], list[Path]] | None = None  # the theme's, found again when it changes
        self.find()

    def setup(self) -> Setup:
        """The settings resolved: once, then again after a theme or catalog changed. Raises InputError."""
        if self._setup is None:
            self._setup = resolve(self.settings)
        return self._setup

    def find(self) -> list[Path]:
        """Look for the briefs of `paths` again; the new ones."""
        found = {file.resolve(): file for file in find_briefs(self.paths)}
        for gone in set(self.briefs) - set(found):
            del self.briefs[gone]
        new = [key for key in found if key not in self.briefs]
        for key in new:
            self.briefs[key] = Brief(found[key])
        return new

    # -- what to watch, and what a change affects --------------------------------------------------------

    def theme_folders(self) -> tuple[list[Path], list[Path]]:
        """The folders of the theme's layers, and the catalog folders (the theme's and the built-in ones)."""
        if self._folders is None:
            try:
                theme = self.setup().theme
            except BriefgenError:  # until it is fixed: the theme's own folder, if it names one
                folder = Path(self.settings.theme)
                return [folder.resolve()] if folder.is_dir() else [], [BUILTIN_CATALOGS.resolve()]
            layers = [layer.root.resolve() for layer in theme.layers]
            catalogs = [d.resolve() for d in (*theme.catalog_dirs, BUILTIN_CATALOGS)]
            self._folders = layers, catalogs
        return self._folders

    def roots(self) -> list[Path]:
        """The folders to watch: the paths given (a file's folder), each brief's folder, the theme, the catalogs."""
        layers, catalogs = self.theme_folders()
        folders = [p if p.is_dir() else p.parent for p in self.paths]
        folders += [brief.file.parent for brief in self.briefs.values()]
        folders = [f.resolve() for f in folders] + layers + catalogs
        unique = sorted({f for f in folders if f.is_dir()})
        return [f for f in unique if not any(f != o and f.is_relative_to(o) for o in unique)]

    def affected(self, changed: set[Path]) -> Rebuild:
        """The briefs and languages that the changed files (resolved paths) ask to rebuild."""
        layers, catalogs = self.theme_folders()
        langs: set[str] = set()
        everything = False
        briefs: dict[Path, None] = {}
        looked_again = False
        for path in sorted(changed):
            if path.is_relative_to(self.out):
                continue
            if path.parent in catalogs and path.suffix in (".yaml", ".yml"):
                langs.add(path.stem)
            elif any(path.is_relative_to(layer) for layer in layers):
                everything = True
            elif owners := [key for key, b in self.briefs.items() if path == key or path in b.files]:
                briefs.update(dict.fromkeys(owners))
            elif path.suffix in (".yaml", ".yml") and not looked_again:
                looked_again = True
                briefs.update(dict.fromkeys(self.find()))
            else:  # a file beside a brief that does not load: maybe the source or figure it lacks
                briefs.update(
                    (key, None)
                    for key, b in self.briefs.items()
                    if not b.files and path.is_relative_to(b.file.parent.resolve())
                )
        if everything:
            return Rebuild(tuple(self.briefs), theme=True)
        if langs:  # a catalog: the briefs in its language (all of a brief that changed too)
            speaking = [
                key
                for key, b in self.briefs.items()
                if key not in briefs and (not b.langs or langs & set(b.langs))
            ]
            if not briefs:
                return Rebuild(tuple(speaking), frozenset(langs), theme=True)
            return Rebuild((*briefs, *speaking), theme=True)
        return Rebuild(tuple(briefs))

    # -- building ----------------------------------------------------------------------------------------

    def build(self, rebuild: Rebuild, built: Built, failed: Failed) -> None:
        """Rebuild each brief of `rebuild` on its own: one that fails is reported and leaves the others built."""
        if rebuild.theme:
            forget()
            self._setup = None
            self._folders = None
        for key in rebuild.briefs:
            brief = self.briefs.get(key)
            if brief is None:
                continue
            try:
                setup = self.setup()
                tasks = plan([brief.file], setup).tasks
                if tasks:
                    self._learn(brief, tasks[0].loaded, tuple(t.lang for t in tasks))
                if rebuild.langs is not None:
                    tasks = [t for t in tasks if t.lang in rebuild.langs]
                if tasks:
                    built(make_and_write(Build(setup, tasks), self.progress))
            except BriefgenError as exc:
                brief.files = set()  # until it builds again, any file beside it may be what it lacks
                failed(exc)

    def _learn(self, brief: Brief, loaded: LoadedBrief, langs: tuple[str, ...]) -> None:
        """The files a brief reads: itself, its sources' files, its figures."""
        files = {loaded.file.resolve()}
        for source in loaded.brief.cited:
            if source.file:
                files.add((loaded.file.parent / source.file).resolve())
        for _path, node in walk(loaded.brief):
            if isinstance(node, model.Figure):
                with contextlib.suppress(Unreadable):  # checked when loaded: cannot happen
                    files.add(loaded.figure_path(node.file).resolve())
        brief.files = files
        brief.langs = langs

    def run(self, built: Built, failed: Failed, ready: Callable[[list[Path]], None] | None = None) -> None:
        """Watch, build everything, then rebuild on each change until a signal (KeyboardInterrupt, Interrupted).
        The watcher runs before the first build, so that a file saved while it runs is rebuilt after it; `ready`
        is called once the first build is done."""
        import watchfiles

        if not self.briefs:
            plan(self.paths, self.setup())  # says why there is nothing to watch (InputError)
        roots = self.roots()
        first = True
        with _noting_signals() as noted:
            try:
                for changes in watchfiles.watch(
                    *roots,
                    debounce=DEBOUNCE_MS,
                    step=STEP_MS,
                    rust_timeout=READY_MS,
                    yield_on_timeout=True,  # an empty set: the watcher is running
                    raise_interrupt=True,
                ):
                    if first:  # the watcher runs (its first wake): changes from now on are gathered
                        first = False
                        self.build(Rebuild(tuple(self.briefs)), built, failed)  # what changed so far included
                        if ready is not None:
                            ready(roots)
                        continue
                    if not changes:
                        continue
                    changed = {Path(path).resolve() for _change, path in changes}
                    log.debug("changed: %s", ", ".join(sorted(display_path(p) for p in changed)))
                    self.build(self.affected(changed), built, failed)
            except KeyboardInterrupt as exc:
                if isinstance(exc, Interrupted) or not noted:
                    raise
                raise Interrupted(noted[0], signal.Signals(noted[0]).name) from None


@contextlib.contextmanager
def _noting_signals() -> Iterator[list[int]]:
    """Note which signal arrives: watchfiles turns any into a bare KeyboardInterrupt, and SIGTERM should still
    end the watch as SIGTERM does (exit 143)."""
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    previous: dict[signal.Signals, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if callable(handler):

            def note(number: int, frame: Any, handler: Callable[..., object] = handler) -> None:
                noted.append(number)
                handler(number, frame)

            previous[signum] = signal.signal(signum, note)
    try:
        yield noted
    finally:
        for each, before in previous.items():
            if signal.getsignal(each) is not signal.SIG_IGN:  # ignored: a signal came, and is being handled
                signal.signal(each, before)


__all__ = ["Rebuild", "Watch"]
