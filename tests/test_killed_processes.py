"""States that a killed process leaves behind settle again (issue 12, "States that never
settle").

Each test SIGKILLs a real process (tests/kill_worker.py) at the moment named, on the same
database file, and then a monitor of this process (running since before the kill, or started
after it) must settle what the dead one left: a claim whose add never reached Deluge is
released, a search lease is taken over.
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
from monitor_helpers import make_payload, monitor_config

from mydia_tui.config import Config
from mydia_tui.deluge import DelugeClient, prepare_torrent
from mydia_tui.grabbing import ReleaseInfo, grab
from mydia_tui.guard import Guard, Outcome
from mydia_tui.guard import Release as GuardRelease
from mydia_tui.library import add_movie
from mydia_tui.models import Download, SearchState, utcnow
from mydia_tui.monitor.engine import Monitor
from mydia_tui.monitor.reconcile import claim_expired, settle_claim
from mydia_tui.monitor.search import SearchMonitor, SearchResult
from mydia_tui.monitor.wanted import wanted_movies
from mydia_tui.processes import process_alive, this_process
from mydia_tui.targets import movie_target

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


@pytest.mark.deluge
@pytest.mark.parametrize("monitor_started", ["before the kill", "after the kill"])
def test_claim_of_a_sender_killed_before_the_add_is_released(
    monitor_started, db, db_path, tmp_path, deluged, workers
):
    """A process claims a film and is SIGKILLed inside the client's add, before anything
    reached Deluge: the claim is left ``sending``, well within ``sending_timeout``. A monitor
    (running since before the kill, or restarted right after it) releases it at its next poll,
    since its claimer is known dead, and the film is wanted again."""
    cfg = monitor_config(tmp_path, deluged.config(timeout=3.0), sending_timeout=3600.0)
    client = DelugeClient(cfg.deluge, backoff_base=0.1, backoff_max=0.5)
    movie = add_movie("Big Buck Bunny", 2008)

    def start_monitor() -> Monitor:
        m = Monitor(cfg, client=client, searcher=lambda target: SearchResult(()))
        m.poll_phase()  # start-up: Deluge answers, reconciliation runs
        assert m.last_reconcile is not None
        return m

    monitor = start_monitor() if monitor_started == "before the kill" else None
    worker = workers("send", db_path, movie.id, "c" * 40)
    worker.expect("ready")
    worker.go()
    worker.expect("sending")
    (claim,) = Download.select()
    assert claim.state == "sending" and claim.claimed_by == worker.holder
    assert wanted_movies() == []
    worker.kill()
    monitor = monitor or start_monitor()

    monitor.poll_phase()
    d = Download.get_by_id(claim.id)
    assert d.state == "failed", d.state
    assert [m.item_id for m in wanted_movies()] == [movie.id]
    assert client.session() == {}
    client.close()


@pytest.mark.deluge
def test_claim_whose_add_died_with_deluge_is_released_by_the_running_monitor(db, tmp_path, deluged):
    """Deluge hangs inside the add (the grab's call times out: the claim stays ``sending``),
    then is SIGKILLed and started again: the add never happened. The running monitor keeps
    the claim while it is within ``sending_timeout`` (its claimer, this process, is alive), and
    releases it at a poll once the timeout has passed, with no restart and no reconnect."""
    cfg = monitor_config(tmp_path, deluged.config(timeout=1.0), sending_timeout=60.0)
    client = DelugeClient(cfg.deluge, backoff_base=0.1, backoff_max=0.2)
    monitor = Monitor(cfg, client=client, searcher=lambda target: SearchResult(()))
    monitor.poll_phase()
    movie = add_movie("Big Buck Bunny", 2008)
    payload = make_payload(tmp_path, MOVIE, {f"{MOVIE}.mkv": 100_000})
    real_add = client.add

    def add_to_a_hung_daemon(*args, **kwargs):
        deluged.freeze()  # the add is sent, and never answered
        return real_add(*args, **kwargs)

    client.add = add_to_a_hung_daemon
    try:
        outcome = grab(
            Guard(),
            client,
            movie_target(movie.id),
            prepare_torrent(payload.torrent),
            ReleaseInfo(title=MOVIE),
        )
    finally:
        del client.add
        deluged.kill()  # the add dies with the daemon
    assert outcome.pending and outcome.accepted
    deluged.start()

    def reconnected() -> bool:
        monitor.poll_phase()
        return monitor.client.is_connected and monitor._reconciled

    wait_for(reconnected, 30, interval=0.2, what="the monitor to see Deluge again")
    monitor.poll_phase()
    assert Download.get_by_id(outcome.download_id).state == "sending"  # within the timeout
    assert wanted_movies() == []
    # time passes beyond sending_timeout (the claim's clock is moved back, not the test's)
    past = dt.timedelta(seconds=cfg.monitor.sending_timeout + 1)
    d = Download.get_by_id(outcome.download_id)
    Download.update(claimed_at=d.claimed_at - past, sent_at=d.sent_at - past).where(
        Download.id == d.id
    ).execute()
    monitor.poll_phase()
    assert monitor._reconciled  # no reconnect: the poll itself released it
    d = Download.get_by_id(outcome.download_id)
    assert d.state == "failed" and "never reached Deluge" in d.error_message
    assert [m.item_id for m in wanted_movies()] == [movie.id]
    client.close()


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


# ---------------------------------------------------------------------------------------------
# Holders that cannot be known dead: their time limits


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


def _claim(info_hash: str = "d" * 40) -> Download:
    """A film's claim by this process, as the guard records it."""
    movie = add_movie("Big Buck Bunny", 2008)
    outcome = Guard().claim(movie_target(movie.id), GuardRelease(info_hash, "a release"))
    return Download.get_by_id(outcome.download_id)


@pytest.mark.parametrize("claimer", ["other-host:1", "this process"])
def test_claim_of_a_holder_not_known_dead_waits_for_the_sending_timeout(db, claimer):
    cfg = Config()
    d = _claim()
    holder = this_process() if claimer == "this process" else claimer
    Download.update(state="sending", sent_at=utcnow(), claimed_by=holder).execute()
    d = Download.get_by_id(d.id)
    timeout = dt.timedelta(seconds=cfg.monitor.sending_timeout)
    assert not claim_expired(d, cfg, d.sent_at + timeout)
    assert settle_claim(d, in_session=False, config=cfg, now=d.sent_at + timeout) is None
    later = d.sent_at + timeout + dt.timedelta(seconds=1)
    assert settle_claim(d, in_session=False, config=cfg, now=later) == "released"
    assert Download.get_by_id(d.id).state == "failed"


def test_a_claim_recorded_meanwhile_is_not_released(db):
    """The release is a compare-and-set on the claim states: a claim whose add was recorded
    after it was read is left alone."""
    cfg = Config()
    d = _claim()
    Download.update(state="queued").execute()  # recorded after ``d`` was read as "claimed"
    later = utcnow() + dt.timedelta(seconds=cfg.monitor.sending_timeout + 1)
    assert settle_claim(d, in_session=False, config=cfg, now=later) is None
    assert Download.get_by_id(d.id).state == "queued"
