"""Run engine calls in child processes that live as long as briefgen: a time limit kills one, N run at once.

Typst (Rust) and WeasyPrint (Python, then Pango) cannot be stopped from inside; a child process can. A worker is
forked once and reused, so it keeps its engine imported and Typst's compiler with its fonts loaded: a call costs
the pickling of a job and of a PDF. Each worker is the leader of its own process group (killing it kills the
programs it runs, such as lualatex), dies with its parent (Linux), and builds in its own temporary folder, which
the parent removes when it kills it. What a worker logs reaches the parent with the call's result, except the
records of the `briefgen.live` logger, which a forked worker prints as they happen, with the parent's handler.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from briefgen.backends import scratch
from briefgen.errors import BriefgenError, EngineError, EngineTimeout

log = logging.getLogger(__name__)
LIVE = "briefgen.live"  # a worker's records that cannot wait for the end of the call (what makes it slow)


@dataclass(frozen=True)
class Call:
    """A function of a module (so that it pickles by name), its arguments, its time limit and who runs it."""

    function: Callable[..., Any]
    args: tuple[Any, ...]
    timeout: float
    engine: str


class Worker:
    """One child process serving calls over a pipe: forked, or (when this process has threads, which a fork
    would lose while they hold locks, as Typst's once it compiled here) a fresh interpreter running `serve`."""

    def __init__(self, number: int, siblings: tuple[tuple[Connection, str], ...] = ()) -> None:
        """Start worker `number`. `siblings` (a fork only): the ends and folders of the workers it is to fork
        once its first call (its warm-up) is done (see Pool.warm)."""
        self.folder = scratch.folder() / f"worker-{number}"
        self.folder.mkdir(exist_ok=True)
        self.conn, child = multiprocessing.Pipe()
        self.warming = 0  # replies to warm-up calls still to come, before the next call's
        self.warmed_with: set[tuple[Callable[..., Any], tuple[Any, ...]]] = set()  # its warm-up calls
        self.process: multiprocessing.process.BaseProcess | subprocess.Popen[bytes] | _Sibling
        with _signals_held():
            if _single_threaded():
                context = multiprocessing.get_context("fork")
                self.process = context.Process(
                    target=serve,
                    args=(child, str(self.folder), siblings),
                    name=f"briefgen-worker-{number}",
                    daemon=True,
                )
                self.process.start()
            else:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", __name__, str(child.fileno()), str(self.folder)],
                    pass_fds=[child.fileno()],
                    stdin=subprocess.DEVNULL,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
                )
        child.close()

    @classmethod
    def unborn(cls, conn: Connection, folder: Path, warmed_with: set[Any]) -> Worker:
        """A worker another worker is to fork (Pool.warm) with the other end of `conn`: it says its pid first."""
        worker = cls.__new__(cls)
        worker.folder, worker.conn, worker.process = folder, conn, _Sibling()
        worker.warming = 1  # its "born" message
        worker.warmed_with = set(warmed_with)  # forked once its elder ran them
        return worker

    @property
    def born(self) -> bool:
        """Whether it runs: always, but for a sibling whose pid has not come yet."""
        return not isinstance(self.process, _Sibling) or self.process.pid is not None

    @property
    def alive(self) -> bool:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll() is None
        return self.process.is_alive()

    def exit_code(self) -> int | None:
        """How the worker ended (negative: the signal that killed it), waiting a second for it; None when not
        known (a sibling's is its elder's to know)."""
        if isinstance(self.process, _Sibling):
            return None
        if isinstance(self.process, subprocess.Popen):
            with contextlib.suppress(subprocess.TimeoutExpired):
                return self.process.wait(1)
            return None
        self.process.join(1)
        return self.process.exitcode

    def send(self, call: Call) -> None:
        """Start the call in the parent's working folder and environment (as if it ran in the parent)."""
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = ""
        self.conn.send((call.function, call.args, cwd, dict(os.environ)))

    def warm(self, function: Callable[..., Any], *args: Any) -> None:
        """Have the worker run `function(*args)` before its next call (imports, fonts), unless it was asked to
        already: its reply is dropped."""
        if (function, args) in self.warmed_with:
            return
        self.send(Call(function, args, 0, ""))
        self.warmed_with.add((function, args))
        self.warming += 1

    def warmed(self) -> bool:
        """Read one reply to a warm-up call, if one is due (False: none is, or the worker died)."""
        if not self.warming:
            return False
        try:
            kind, value, _, _ = self.conn.recv()
        except (EOFError, OSError):
            return False
        self.warming -= 1
        if kind == "born" and isinstance(self.process, _Sibling):
            self.process.pid = value
        elif kind != "value":
            log.debug("a worker's warm-up failed (its call will say why): %s", value)
        return True

    def receive(self, call: Call) -> Any:
        """The call's value, or its error (raised): the worker's log records are logged here first."""
        kind, value, records, where = self.conn.recv()
        for name, level, message in records:
            logger = logging.getLogger(name)
            if logger.isEnabledFor(level):
                logger.log(level, "%s", message)
        if kind == "value":
            return value
        if kind == "error":
            raise value
        error = EngineError(f"{call.engine} failed: {value}")
        error.add_note(where)
        raise error

    def kill(self) -> None:
        """Stop the worker and every program it runs, and remove its temporary folder."""
        if isinstance(self.process, _Sibling):
            if self.process.pid is None and self.warming and self.conn.poll(0):
                self.warmed()  # born since: its pid
            self.process.kill()
            self.conn.close()  # one not born yet reads the end of its calls when it is, and ends
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        kills: tuple[Callable[[], None], ...] = (
            lambda: os.killpg(self.process.pid or 0, signal.SIGKILL),
            self.process.kill,
        )
        for kill in kills:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill()
        if isinstance(self.process, subprocess.Popen):
            self.process.wait()
        else:
            self.process.join()
        self.conn.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class _Sibling:
    """A worker forked by another (Pool.warm), so not a child of this process: known by the pid it sends."""

    def __init__(self) -> None:
        self.pid: int | None = None

    def is_alive(self) -> bool:
        if self.pid is None:
            return True  # not born yet; its pipe ends if it never will be
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")

    def kill(self) -> None:
        """Kill its process group (it leads one: serve), and wait up to a second for it to be gone."""
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        deadline = time.monotonic() + 1
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)


class Pool:
    """The process's workers, started when first needed and kept for the next call."""

    def __init__(self) -> None:
        self.idle: list[Worker] = []
        self.started = 0

    def _take(self) -> Worker | None:
        """An idle worker that runs (the last one kept first), else a new one; None while only workers still to
        be born are idle (Pool.warm): the call waits for one."""
        for worker in reversed(self.idle):
            if not worker.born:
                continue
            self.idle.remove(worker)
            if worker.alive:
                return worker
            worker.kill()
        if self.idle:
            return None
        self.started += 1
        return Worker(self.started)

    def start(self, count: int) -> None:
        """Have `count` workers ready now: before this process starts a thread (a progress display), while a
        worker can still be forked rather than started as a fresh interpreter."""
        for dead in [worker for worker in self.idle if not worker.alive]:
            self.idle.remove(dead)
            dead.kill()
        while len(self.idle) < count:
            self.started += 1
            self.idle.append(Worker(self.started))

    def warm(self, function: Callable[..., Any], *args: Any, count: int = 1) -> None:
        """Have `count` workers run `function(*args)` (import its engine, say) while this process goes on: the
        next calls find them ready. When none is running yet, one is forked from this process and, once it has
        run `function`, it forks the others, which find it done: what it imported is imported once."""
        if count > 1 and not self.idle and _single_threaded():
            numbers = range(self.started + 1, self.started + count + 1)
            self.started += count
            folders = [scratch.folder() / f"worker-{n}" for n in numbers[1:]]
            pipes = [multiprocessing.Pipe() for _ in folders]
            elder = Worker(
                numbers[0], tuple((child, str(f)) for (_, child), f in zip(pipes, folders, strict=True))
            )
            elder.warm(function, *args)
            for (conn, child), folder in zip(pipes, folders, strict=True):
                child.close()
                folder.mkdir(exist_ok=True)
                self.idle.append(Worker.unborn(conn, folder, elder.warmed_with))
            self.idle.append(elder)
            return
        self.start(count)
        for worker in self.idle[:count]:
            worker.warm(function, *args)

    def run(self, calls: Iterable[Call], jobs: int = 1) -> Generator[tuple[int, Any, float], None, None]:
        """(index, value or error, seconds) of each call as it ends, `jobs` at a time. `calls` is read as workers
        are free: an iterator may make each call when it is due (and what it raises ends the run). A call past
        its time limit gives EngineTimeout; a worker that died, EngineError. Closing the generator kills the
        workers still busy."""
        pending = enumerate(calls)
        more = True
        due: tuple[int, Call] | None = None  # a call made, waiting for a worker to be born
        waited = 0.0  # since when
        busy: dict[Connection, tuple[Worker, int, Call, float]] = {}  # → worker, index, call, start
        try:
            while more or busy or due:
                while (more or due) and len(busy) < max(jobs, 1):
                    if due is None:
                        try:
                            due, waited = next(pending), time.monotonic()
                        except StopIteration:
                            more = False
                            break
                    worker = self._take()
                    if worker is None:
                        break  # wait for a worker to be born
                    (index, call), due = due, None
                    worker.send(call)
                    busy[worker.conn] = (worker, index, call, time.monotonic())
                unborn = {w.conn: w for w in self.idle if not w.born} if due else {}
                deadlines = [start + call.timeout for _, _, call, start in busy.values()]
                if due is not None:
                    deadlines.append(waited + due[1].timeout)
                if not deadlines:
                    break
                ready = wait([*busy, *unborn], timeout=max(min(deadlines) - time.monotonic(), 0))
                for conn in ready:
                    if conn in unborn:
                        if not unborn[conn].warmed():  # it never will be born: another is started
                            log.debug(
                                "the first worker forked no other (it has threads): briefgen starts one"
                            )
                            self.idle.remove(unborn[conn])
                            unborn[conn].kill()
                        continue
                    if busy[conn][0].warmed():  # type: ignore[index]
                        continue  # its warm-up done; the call's reply is still to come
                    worker, index, call, start = busy.pop(conn)  # type: ignore[call-overload]
                    outcome = self._outcome(worker, call)
                    yield index, outcome, time.monotonic() - start
                now = time.monotonic()
                if due is not None and now >= waited + due[1].timeout:
                    # Never born in time: others are started.
                    for late in [w for w in self.idle if not w.born]:
                        log.debug("a worker was not born in time from the first one: another is started")
                        self.idle.remove(late)
                        late.kill()
                for conn, (worker, index, call, start) in list(busy.items()):
                    if now >= start + call.timeout:
                        del busy[conn]
                        worker.kill()
                        yield index, EngineTimeout(call.timeout, call.engine), now - start
        finally:
            for worker, _, _, _ in busy.values():
                worker.kill()

    def _outcome(self, worker: Worker, call: Call) -> Any:
        """The value or error a worker sends back; it goes back to the idle ones unless it died."""
        try:
            value = worker.receive(call)
        except BriefgenError as exc:
            value = exc
        except (EOFError, OSError):
            code = worker.exit_code()
            worker.kill()
            how = "" if code is None else f" (signal {-code})" if code < 0 else f" (exit code {code})"
            return EngineError(f"{call.engine}: the engine's process died{how}")
        except BaseException:  # interrupted while reading: the pipe is in no known state
            worker.kill()
            raise
        self.idle.append(worker)
        return value

    def call(self, call: Call) -> Any:
        """Run one call in a worker and return its value; raise its error."""
        for _, outcome, _ in self.run([call]):
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        raise AssertionError("unreachable")

    def shutdown(self) -> None:
        while self.idle:
            self.idle.pop().kill()


_POOLS: dict[int, Pool] = {}  # by process: a forked child never uses its parent's workers


def pool() -> Pool:
    """The process's pool of workers, stopped at exit (before its temporary folder is removed)."""
    pid = os.getpid()
    if pid not in _POOLS:
        scratch.folder()  # made first: its removal at exit (atexit runs last in, first out) follows shutdown
        _POOLS[pid] = Pool()
        atexit.register(_POOLS[pid].shutdown)
    return _POOLS[pid]


def shutdown() -> None:
    """Stop this process's workers now (they start again when needed)."""
    running = _POOLS.pop(os.getpid(), None)
    if running is not None:
        running.shutdown()


def _single_threaded() -> bool:
    tasks = Path("/proc/self/task")
    return sys.platform == "linux" and tasks.is_dir() and len(os.listdir(tasks)) == 1


# -- in the worker ---------------------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextlib.contextmanager
def _signals_held() -> Generator[None]:
    """SIGINT and SIGTERM held back while a worker starts, and delivered after. Arriving during a fork, the
    exception the parent's handler raises would be in one of the fork's own callbacks (logging's lock), where
    Python prints it and goes on: the build would neither stop nor hear a second signal. The worker, which
    inherits the mask (across exec too), lets them through again once its handlers are set."""
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def serve(
    conn: Connection, folder: str, siblings: tuple[tuple[Connection, str], ...] = (), elder: int = 0
) -> None:
    """A worker's loop: run each call received, send back its value or its error and the log records. Once
    its first call is done, it forks a worker for each of `siblings` (an end and a folder: Pool.warm). A
    sibling serves with `elder`, the pid of the worker that forked it."""
    _die_with_parent(elder)
    os.setpgid(0, 0)  # its own group: the terminal's Ctrl-C goes to the parent, which stops the workers
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # held while it started
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # not a stream the parent has replaced since
    scratch.adopt(Path(folder))
    records = _Records()
    logger = logging.getLogger("briefgen")
    live = logging.getLogger(LIVE)
    forked = logger.handlers and not any(isinstance(h, _Records) for h in logger.handlers)  # not a sibling
    # Forked from briefgen: the parent's handlers, at its level, print LIVE records at once.
    if forked and not live.handlers:
        live.handlers[:] = logger.handlers
        live.setLevel(logger.getEffectiveLevel())
        live.propagate = False
    logger.handlers[:] = [records]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    while True:
        try:
            function, args, cwd, environ = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        _take_place(cwd, environ, folder)
        records.records = []
        try:
            reply: tuple[str, Any, list[tuple[str, int, str]], str] = (
                "value",
                function(*args),
                records.records,
                "",
            )
        except BriefgenError as exc:
            reply = ("error", exc, records.records, "")
        except BaseException as exc:  # an engine's bug: its message and where, for --debug
            reply = ("crash", f"{type(exc).__name__}: {exc}", records.records, traceback.format_exc())
        try:
            conn.send(reply)
        except Exception as exc:  # a value or error that does not pickle
            conn.send(("crash", f"cannot send the result: {exc}", records.records, traceback.format_exc()))
        if siblings:
            _fork_siblings(conn, siblings)
            siblings = ()


def _fork_siblings(conn: Connection, siblings: tuple[tuple[Connection, str], ...]) -> None:
    """Fork a worker for each of `siblings` (an end of its pipe to the parent, and its folder), each sending its
    pid first: it has what this one imported. When this process cannot fork safely (it has threads), it closes
    their ends instead, and the parent starts others."""
    if not _single_threaded():
        for end, _ in siblings:
            end.close()
        return
    elder, born = os.getpid(), []
    for number, (end, folder) in enumerate(siblings):
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                conn.close()
                for other, (them, _) in enumerate(siblings):
                    if other != number:
                        them.close()
                end.send(("born", os.getpid(), [], ""))
                serve(end, folder, elder=elder)
            finally:
                os._exit(0)
        born.append(pid)
        end.close()

    def reap(*_: object) -> None:  # only its siblings: a program this worker runs is waited for by its caller
        for pid in list(born):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    born.remove(pid)

    signal.signal(signal.SIGCHLD, reap)


def _take_place(cwd: str, environ: dict[str, str], folder: str) -> None:
    """The parent's working folder and environment, but this worker's temporary folder."""
    if cwd:
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    environ = {**environ, "TMPDIR": folder}
    if environ != os.environ:
        os.environ.clear()
        os.environ.update(environ)


def main(argv: list[str]) -> None:
    """A worker started as `python -m briefgen.backends.workers FD FOLDER`: serve on the inherited socket."""
    serve(Connection(int(argv[1])), argv[2])


def _die_with_parent(elder: int = 0) -> None:
    """Ask Linux to kill this process when its parent (briefgen, or for a sibling the `elder` worker, which dies
    with briefgen) dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        log.debug("prctl is not available: a worker outlives a killed parent until its call ends")
    parent = elder or getattr(multiprocessing.parent_process(), "pid", None)
    if parent is not None and os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


__all__ = ["LIVE", "Call", "Pool", "Worker", "pool", "serve", "shutdown"]


if __name__ == "__main__":
    main(sys.argv)
