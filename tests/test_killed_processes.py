"""States that a killed process leaves behind settle again (issue 12, "States that never
settle").

Each test SIGKILLs a real process (tests/kill_worker.py) at the moment named, on the same
database file, and then a monitor of this process must settle what the dead one left: a search
lease is taken over.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from deluge_fixtures import wait_for

from mydia_tui.config import Config
from mydia_tui.guard import Outcome
from mydia_tui.library import add_movie
from mydia_tui.models import SearchState
from mydia_tui.monitor.search import SearchMonitor, SearchResult
from mydia_tui.processes import process_alive, this_process

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "kill_worker.py"
MOVIE = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"


class Worker:
    """tests/kill_worker.py in a process of its own, driven line by line."""

    def __init__(self, *args: object) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )

    @property
    def holder(self) -> str:
        return f"{socket.gethostname()}:{self.proc.pid}"

    def expect(self, line: str) -> None:
        got = self.proc.stdout.readline().strip()
        if got != line:
            self.proc.kill()
            raise AssertionError(f"worker said {got!r}, not {line!r}: {self.proc.stderr.read()}")

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(10) == -signal.SIGKILL

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()


@pytest.fixture
def workers():
    started: list[Worker] = []

    def start(*args: object) -> Worker:
        w = Worker(*args)
        started.append(w)
        return w

    yield start
    for w in started:
        w.close()


@pytest.mark.both_databases
def test_search_lease_of_a_killed_monitor_is_taken_over_at_once(db, db_path, workers):
    """A process is SIGKILLed while it searches the indexers for a film (its lease on the film
    is held for ten minutes): another monitor searches the film at once."""
    movie = add_movie("Big Buck Bunny", 2008)
    worker = workers("search", db_path, movie.id)
    worker.expect("ready")
    worker.go()
    worker.expect("searching")
    state = SearchState.get(SearchState.key == f"m:{movie.id}")
    assert state.lease_holder == worker.holder
    worker.kill()

    searched: list[str] = []

    def searcher(target):
        searched.append(target.label())
        return SearchResult(())

    def grabber(target, candidate) -> Outcome:
        raise AssertionError("nothing to grab")

    report = SearchMonitor(Config(), searcher, grabber).run_cycle()
    assert report.searched == ["Big Buck Bunny (2008)"] == searched
    assert SearchState.get(SearchState.key == f"m:{movie.id}").lease_holder == ""


@pytest.mark.both_databases
def test_search_lease_of_a_live_process_is_respected(db):
    """A lease held by a live process of this host (here: this test's parent) is not taken
    over before it expires."""
    movie = add_movie("Big Buck Bunny", 2008)
    SearchState.create(
        key=f"m:{movie.id}",
        item=movie.id,
        lease_holder=f"{socket.gethostname()}:{os.getppid()}",
        lease_until=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=5),
    )
    report = SearchMonitor(Config(), lambda t: SearchResult(()), lambda t, c: None).run_cycle()
    assert report.searched == []


def test_process_alive_knows_this_hosts_processes_only():
    host = socket.gethostname()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    wait_for(lambda: _state(child.pid) == "Z", 10, what="the child to end")
    assert process_alive(f"{host}:{child.pid}") is False  # ended, not reaped yet: a zombie
    child.wait()
    assert process_alive(f"{host}:{child.pid}") is False
    assert process_alive(this_process()) is True
    assert process_alive(f"{host}:{os.getppid()}") is True
    assert process_alive(f"another-{host}:{os.getpid()}") is None
    assert process_alive("") is None and process_alive("racer-1") is None


def _state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rfind(")") + 2]
