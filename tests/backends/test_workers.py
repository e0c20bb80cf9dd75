"""Workers started together (workers.Pool.warm with count > 1): the first is forked from briefgen's process and,
once it has run the warm-up (imported its engine), forks the others, which so have what it imported without
importing it again. Each pool here runs in a process of its own: a fork needs a process without threads, and a
test runner's has some."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A pool warmed with `warm` (each run logs its pid, imports `decimal`, which the parent never imports, and may
# leave a thread running), then `calls` calls of `who` run at once; what each saw is printed as JSON. Then, when
# asked, the pool is shut down and the pids still running printed.
POOL = """
import json, os, sys, threading, time
from briefgen.backends import workers

log, threads, calls, then = sys.argv[1], sys.argv[2] == "threads", int(sys.argv[3]), sys.argv[4]

def warm(module, threads):
    with open(log, "a") as handle:
        handle.write(f"{os.getpid()}\\n")
    __import__(module)
    if threads:
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()

def who(module, pause):
    time.sleep(pause)
    return os.getpid(), os.getppid(), module in sys.modules

pool = workers.pool()
pool.warm(warm, "decimal", threads, count=3)
asked = [workers.Call(who, ("decimal", 0.5), 30, "test") for _ in range(calls)]
got = {index: value for index, value, _ in pool.run(asked, jobs=3)}
print(json.dumps({"parent": os.getpid(), "got": [got[i] for i in range(calls)]}), flush=True)
if then == "shutdown":
    workers.shutdown()
    print(json.dumps({"left": [pid for pid, _, _ in got.values() if running(pid)]}), flush=True)
elif then == "wait":
    time.sleep(60)
"""

RUNNING = """
def running(pid):
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
"""


def pool(tmp_path: Path, threads: bool, calls: int, then: str = "") -> subprocess.Popen[str]:
    log, how = str(tmp_path / "warmed.log"), "threads" if threads else "none"
    return subprocess.Popen(
        [sys.executable, "-c", RUNNING + POOL, log, how, str(calls), then],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_the_first_worker_forks_the_others_once_warm_and_the_warm_up_runs_once(tmp_path: Path) -> None:
    process = pool(tmp_path, threads=False, calls=3, then="shutdown")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    ran, ended = (json.loads(line) for line in stdout.splitlines())
    parent, got = ran["parent"], ran["got"]
    warmed = (tmp_path / "warmed.log").read_text().split()
    assert len(warmed) == 1, "the warm-up ran once, in the first worker"
    (elder,) = [pid for pid, ppid, _ in got if ppid == parent]
    assert int(warmed[0]) == elder
    assert {ppid for pid, ppid, _ in got if pid != elder} == {elder}, "the others are the first one's"
    assert len({pid for pid, _, _ in got}) == 3, "three calls, three workers at once"
    assert all(imported for _, _, imported in got), "each has what the warm-up imported"
    assert ended == {"left": []}, "shut down, none is left running"


def test_a_first_worker_that_cannot_fork_leaves_the_others_to_briefgen(tmp_path: Path) -> None:
    """A worker with a thread (which a fork would lose holding its locks) forks no other: briefgen's process
    starts them instead, and every call is made."""
    process = pool(tmp_path, threads=True, calls=3, then="shutdown")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    ran, ended = (json.loads(line) for line in stdout.splitlines())
    assert len(ran["got"]) == 3
    assert {ppid for _, ppid, _ in ran["got"]} == {ran["parent"]}
    assert ended == {"left": []}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_every_worker_dies_with_briefgen(tmp_path: Path, sig: signal.Signals) -> None:
    """Killed, even by SIGKILL, briefgen's process takes every worker with it: the first one dies with it, the
    others with the first one (prctl PR_SET_PDEATHSIG)."""
    process = pool(tmp_path, threads=False, calls=3, then="wait")
    assert process.stdout is not None
    ran = json.loads(process.stdout.readline())
    pids = {pid for pid, _, _ in ran["got"]}
    assert len(pids) == 3 and all(running(pid) for pid in pids)
    process.send_signal(sig)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if running(pid)]
    process.stdout.close()
    assert process.stderr is not None
    process.stderr.close()


# Three workers started together, then calls at once: `who` twice, and `stuck` (past its time limit) or `die`
# (the process ends) in whichever worker takes the third. What each call gave is printed, then the pids left.
FAILING = """
import json, os, sys, time
from briefgen.backends import workers

def warm():
    pass

def who():
    time.sleep(0.5)
    return os.getpid()

def stuck():
    print(os.getpid(), os.getppid(), flush=True)
    time.sleep(60)

def die():
    os._exit(3)

pool = workers.pool()
pool.warm(warm, count=3)
third = {"stuck": workers.Call(stuck, (), 2, "test"), "die": workers.Call(die, (), 30, "test")}[sys.argv[1]]
asked = [workers.Call(who, (), 30, "test"), workers.Call(who, (), 30, "test"), third]
said = {index: repr(value) for index, value, _ in pool.run(asked, jobs=3)}
print(os.getpid(), flush=True)
print(json.dumps(said), flush=True)
"""


@pytest.mark.parametrize("how", ["stuck", "die"])
def test_a_worker_past_its_time_or_dead_is_said_and_the_others_go_on(how: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FAILING, how],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *printed, parent, said = done.stdout.splitlines()
    third = json.loads(said)["2"]
    if how == "stuck":
        assert "EngineTimeout" in third
        (stuck, elder) = map(int, printed[0].split())
        assert elder != int(parent), "the third call ran in a worker the first one forked"
        assert not running(stuck), "stopped at its time limit"
    else:
        assert "the engine's process died" in third
    assert all(value.isdigit() for index, value in json.loads(said).items() if index != "2")
