"""States that a killed process leaves behind settle again (issue 12, "States that never
settle").

Each test SIGKILLs a real process (tests/kill_worker.py) at the moment named, on the same
database file, and then a monitor of this process (running since before the kill, or started
after it) must settle what the dead one left: an import is done again, a claim whose add never
reached Deluge is released, a search lease is taken over.
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
from monitor_helpers import make_payload, monitor_config, seed

from mydia_tui.config import Config
from mydia_tui.deluge import DelugeClient, prepare_torrent
from mydia_tui.grabbing import grab_release
from mydia_tui.guard import GrabRequest, Guard, Outcome
from mydia_tui.history import list_history
from mydia_tui.library import add_movie, movie_target
from mydia_tui.models import Download, MediaFile, SearchState, utcnow
from mydia_tui.monitor.backlog_search import SearchMonitor, SearchResult
from mydia_tui.monitor.downloads import DownloadMonitor
from mydia_tui.monitor.engine import Monitor
from mydia_tui.monitor.importer import (
    STUCK_IMPORT_AFTER,
    ImportResult,
    import_abandoned,
    recover_import,
    retry_import,
)
from mydia_tui.monitor.reconcile import claim_expired, settle_claim
from mydia_tui.monitor.wanted import wanted_movies
from mydia_tui.processes import process_alive, this_process
from mydia_tui.releases.release import Release

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


class _NoImport:
    """An importer that leaves completed downloads waiting (the worker imports them)."""

    def import_download(self, download_id: int) -> ImportResult:
        return ImportResult(False, "not here")


def _completed_download(cfg, client, swarm, tmp_path) -> tuple[int, int]:
    """A film grabbed and fully downloaded over a real transfer, recorded ``completed`` by a
    real poll, not imported yet: (film id, download id)."""
    payload = make_payload(tmp_path, MOVIE, {f"{MOVIE}.mkv": 400_000})
    seed(swarm, payload)
    movie = add_movie("Big Buck Bunny", 2008)
    outcome = grab_release(
        client,
        movie_target(movie.id),
        Release(title=MOVIE, indexer="test"),
        quality="Bluray-1080p",
        torrent=prepare_torrent(payload.torrent),
    )
    assert outcome.accepted, outcome.message
    swarm.connect(payload.info_hash)
    waiting = DownloadMonitor(cfg, client, _NoImport(), missing_grace=0.0)

    def completed() -> bool:
        waiting.poll()
        return Download.get_by_id(outcome.download_id).state == "completed"

    wait_for(completed, 40, interval=0.2, what="the download to complete")
    return movie.id, outcome.download_id


@pytest.mark.deluge
@pytest.mark.parametrize("then", ["poll", "retry-import"])
def test_import_killed_while_waiting_on_deluge_is_done_again(
    then, db, db_path, tmp_path, swarm, workers, cli
):
    """A process is SIGKILLed inside the importer, while ``client.files(...)`` waits on a
    frozen deluged: the download is left ``importing``. A monitor that was running before the
    kill imports it at its next poll; ``retry-import`` accepts it too."""
    cfg = monitor_config(tmp_path, swarm.client.config(timeout=3.0))
    client = DelugeClient(cfg.deluge, backoff_base=0.1, backoff_max=0.5)
    movie_id, download_id = _completed_download(cfg, client, swarm, tmp_path)
    monitor = DownloadMonitor(cfg, client, missing_grace=0.0)  # running before the kill
    d = cfg.deluge
    worker = workers("import", db_path, download_id, d.host, d.port, d.username, d.password)
    worker.expect("ready")
    swarm.client.freeze()
    try:
        worker.go()
        worker.expect("in files")
        assert Download.get_by_id(download_id).state == "importing"
        worker.kill()
    finally:
        swarm.client.thaw()
    assert Download.get_by_id(download_id).state == "importing"

    if then == "retry-import":
        result = cli("retry-import", str(download_id))
        assert result.code == 0, result.err
        assert Download.get_by_id(download_id).state == "completed"

    def imported() -> bool:
        monitor.poll()
        return Download.get_by_id(download_id).state == "imported"

    wait_for(imported, 30, interval=0.2, what="the interrupted import to be done again")
    (f,) = MediaFile.select().where(MediaFile.movie == movie_id)
    assert (tmp_path / "library" / "movies" / f.path).is_file()
    assert wanted_movies() == []
    events = [e.event for e in list_history(item_id=movie_id)]
    assert events.count("imported") == 1
    client.close()


@pytest.mark.deluge
def test_stuck_import_is_taken_over_and_the_late_importer_records_nothing(
    db, db_path, tmp_path, swarm, workers
):
    """A live process waits inside the importer (deluged frozen) beyond STUCK_IMPORT_AFTER:
    the import is given back, and when the stuck process wakes up and places the file it records
    nothing; the monitor's import then records the film once, reusing the file placed."""
    cfg = monitor_config(tmp_path, swarm.client.config(timeout=3.0))
    client = DelugeClient(cfg.deluge, backoff_base=0.1, backoff_max=0.5)
    movie_id, download_id = _completed_download(cfg, client, swarm, tmp_path)
    d = cfg.deluge
    worker = workers("import", db_path, download_id, d.host, d.port, d.username, d.password)
    worker.expect("ready")
    swarm.client.freeze()
    try:
        worker.go()
        worker.expect("in files")
        row = Download.get_by_id(download_id)
        assert row.import_by == worker.holder
        assert not recover_import(row)  # alive, and not stuck yet
        later = utcnow() + dt.timedelta(seconds=STUCK_IMPORT_AFTER + 1)
        assert recover_import(Download.get_by_id(download_id), later)
    finally:
        swarm.client.thaw()
    line = worker.proc.stdout.readline()
    assert line.startswith("returned ") and "taken over by another importer" in line, line
    assert Download.get_by_id(download_id).state == "completed"
    assert MediaFile.select().count() == 0
    monitor = DownloadMonitor(cfg, client, missing_grace=0.0)
    monitor.poll()
    assert Download.get_by_id(download_id).state == "imported"
    (f,) = MediaFile.select()
    assert (tmp_path / "library" / "movies" / f.path).is_file()
    assert [e.event for e in list_history(item_id=movie_id)].count("imported") == 1
    client.close()


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
        outcome = grab_release(
            client,
            movie_target(movie.id),
            Release(title=MOVIE, indexer=""),
            torrent=prepare_torrent(payload.torrent),
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
    outcome = Guard().claim(movie_target(movie.id), GrabRequest(info_hash, "a release"))
    return Download.get_by_id(outcome.download_id)


@pytest.mark.parametrize("importer", ["other-host:1", "this process", "racer-1"])
def test_import_of_a_holder_not_known_dead_waits_until_it_is_stuck(db, importer):
    holder = this_process() if importer == "this process" else importer
    d = _claim()
    started = utcnow()
    Download.update(state="importing", import_by=holder, import_started_at=started).execute()
    d = Download.get_by_id(d.id)
    assert not import_abandoned(d, started + dt.timedelta(seconds=STUCK_IMPORT_AFTER))
    assert not recover_import(d, started + dt.timedelta(seconds=STUCK_IMPORT_AFTER))
    assert not retry_import(d.id)
    later = started + dt.timedelta(seconds=STUCK_IMPORT_AFTER + 1)
    assert recover_import(d, later)
    d = Download.get_by_id(d.id)
    assert d.state == "completed" and d.next_import_at is None and d.import_attempts == 0
    assert "importing again" in d.error_message
    assert not recover_import(d, later)  # once


def test_import_left_by_a_version_that_recorded_no_importer_is_done_again(db):
    d = _claim()
    Download.update(state="importing").execute()
    assert retry_import(d.id)
    assert Download.get_by_id(d.id).state == "completed"


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
