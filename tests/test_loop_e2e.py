"""The automatic loop end to end: real daemons on loopback, a local Torznab server, real files.

Each test is one scenario of the loop issue; the monitor runs its real cycles (``run_once``)
against a real seeder and client deluged, a real Torznab HTTP server and a real SQLite file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from deluge_fixtures import wait_for
from monitor_helpers import make_payload, monitor_config, nudge_into_error, seed
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig, write_config
from mydia_tui.deluge import DelugeClient
from mydia_tui.history import list_history
from mydia_tui.indexers.release_search import search_with_config
from mydia_tui.library import add_movie, add_show, manual_episodes, movie_target
from mydia_tui.models import Blocklist, Download, MediaFile
from mydia_tui.monitor.engine import Monitor
from mydia_tui.torrent import make_magnet
from mydia_tui.views import list_items

pytestmark = pytest.mark.deluge

BEST = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
LESSER = "Big.Buck.Bunny.2008.1080p.WEB-DL.x264-OTHER"
SEQUEL = "Big.Buck.Bunny.2.2015.1080p.BluRay.x264-GRP"


class Loop:
    def __init__(self, tmp_path, swarm, torznab, **monitor):
        self.tmp_path = tmp_path
        self.swarm = swarm
        self.indexer = torznab.add("fake")
        cfg = monitor_config(tmp_path, swarm.client.config(timeout=3.0), **monitor)
        self.config = cfg.__class__(
            **{
                **cfg.__dict__,
                "indexers": (
                    IndexerConfig(
                        name="fake",
                        url=self.indexer.url,
                        api_key=self.indexer.api_key,
                        min_interval=0.0,
                        timeout=5.0,
                    ),
                ),
            }
        )
        self.client = DelugeClient(self.config.deluge, backoff_base=0.1, backoff_max=0.5)
        self.monitor = Monitor(self.config, client=self.client)
        self.monitor.downloads.missing_grace = 0.0
        self.seeded: set[str] = set()

    def offer(
        self,
        name: str,
        files: dict[str, int | bytes] | None = None,
        *,
        seeders: int = 20,
        seeded: bool = False,
        by_link: bool = True,
        size: int | None = None,
    ):
        payload = make_payload(self.tmp_path, name, files or {f"{name}.mkv": 600_000})
        if seeded:
            seed(self.swarm, payload)
            self.seeded.add(payload.info_hash)
        key = payload.info_hash
        self.indexer.downloads[key] = Reply(
            body=payload.torrent, headers={"Content-Type": "application/x-bittorrent"}
        )
        link = f"{self.indexer.url}/dl/{key}" if by_link else None
        magnet = None if by_link else make_magnet(payload.info_hash, name)
        self.indexer.items.append(
            item_xml(
                name,
                guid=f"guid-{key}",
                size=size or 1_500_000_000,
                seeders=seeders,
                link=link,
                magnet=magnet,
                infohash=payload.info_hash,
            )
        )
        return payload

    def dial(self):
        for info_hash in self.client.session():
            if info_hash in self.seeded:
                self.swarm.connect(info_hash)

    def cycle(self):
        result = self.monitor.run_once()
        self.dial()
        return result

    def until(self, predicate, what, timeout=60):
        def check():
            self.monitor.poll_phase()
            return predicate()

        return wait_for(check, timeout, interval=0.25, what=what)

    def torrents(self) -> set[str]:
        return set(self.client.session())


@pytest.fixture
def loop(db, tmp_path, swarm, torznab):
    lp = Loop(tmp_path, swarm, torznab)
    yield lp
    lp.client.close()


def grabs() -> list:
    return [e for e in list_history() if e.event in ("grabbed", "adopted")]


def test_1_original_report_one_grab_import_and_never_again(loop):
    movie = add_movie("Big Buck Bunny", 2008)
    best = loop.offer(BEST, seeded=True, seeders=50)
    loop.offer(LESSER, seeders=5, by_link=False)
    loop.offer(SEQUEL, seeders=500, by_link=False)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    assert loop.torrents() == {best.info_hash}
    (d,) = Download.select()
    assert d.info_hash == best.info_hash and d.title == BEST
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "import")
    (f,) = MediaFile.select()
    assert (loop.tmp_path / "library" / "movies" / f.path).is_file()

    for _ in range(3):
        cycle, _ = loop.cycle()
        assert cycle.grabbed == [] and cycle.searched == []
    assert len(grabs()) == 1 and Download.select().count() == 1
    assert loop.torrents() == {best.info_hash}
    # why nothing more: the film is on disk at its profile's cutoff (a search offers no
    # upgrade of it), and asking the guard directly says so, in the history
    (row,) = list_items()
    assert row.status == "on_disk"
    target = movie_target(movie.id)
    searched = loop.monitor.searcher(target)
    assert searched.candidates == () and searched.rejected["cutoff_met"] >= 1
    best_again = search_with_config(loop.config, target).candidates[0]
    assert best_again.release.title == BEST
    outcome = loop.monitor.search.grabber(target, best_again)
    assert outcome.reason == "already_on_disk"
    assert list_history()[0].reason == "already_on_disk"


def test_2_unscanned_file_in_the_library_folder_stops_the_first_grab(loop):
    add_movie("Big Buck Bunny", 2008)
    folder = loop.tmp_path / "library" / "movies" / "Big Buck Bunny (2008)"
    folder.mkdir(parents=True)
    (folder / "bbb.2008.1080p.mkv").write_bytes(b"already here")
    loop.offer(BEST, seeders=50, by_link=False)
    cycle, _ = loop.cycle()
    assert cycle.searched == ["Big Buck Bunny (2008)"] and cycle.grabbed == []
    assert Download.select().count() == 0 and loop.torrents() == set()
    refusal = [e for e in list_history() if e.event == "refused"][0]
    assert refusal.reason == "already_on_disk" and "not scanned yet" in refusal.message


def test_3_season_pack_only_then_all_four_episodes_imported(loop):
    show = add_show("The Expanse", manual_episodes({1: 4}))
    pack = "The.Expanse.S01.1080p.WEB-DL.x264-GRP"
    loop.offer(
        pack,
        {f"The.Expanse.S01E0{n}.1080p.WEB-DL.x264-GRP.mkv": 300_000 for n in range(1, 5)},
        seeded=True,
        seeders=30,
    )
    for n in range(1, 5):
        loop.offer(f"The.Expanse.S01E0{n}.1080p.WEB-DL.x264-GRP", seeders=80, by_link=False)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["The Expanse S01"]
    (d,) = Download.select()
    assert d.kind == "season" and d.title == pack
    for _ in range(2):  # while the pack is in flight, no episode is grabbed
        cycle, _ = loop.cycle()
        assert cycle.grabbed == []
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "pack import")
    assert sorted(f.path for f in MediaFile.select()) == [
        f"The Expanse/Season 01/The Expanse - S01E0{n} WEBDL-1080p.mkv" for n in range(1, 5)
    ]
    assert Download.select().count() == 1
    (row,) = list_items()
    assert row.status == "complete" and row.episodes_on_disk == 4
    assert show.id == row.id


def test_4_deluge_restart_mid_download_fails_nothing(loop):
    add_movie("Big Buck Bunny", 2008)
    best = loop.offer(BEST, seeded=True, seeders=50)
    loop.monitor.run_once()  # grabbed, but the peers are not dialled yet: it waits at 0 %
    (d,) = Download.select()
    loop.swarm.client.stop()
    for _ in range(5):
        cycle, poll = loop.monitor.run_once()
        assert cycle is None  # no search while Deluge is offline
        assert not poll.ok
    d = Download.get_by_id(d.id)
    assert d.state == "unknown" and d.failed_at is None and d.removed_at is None
    loop.swarm.client.restart(expect_torrents=1)
    loop.dial()
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "import after restart")
    assert Download.select().count() == 1 and len(grabs()) == 1
    assert loop.torrents() == {best.info_hash}


def test_6_failed_release_is_blocklisted_and_the_next_cycle_grabs_another(loop):
    add_movie("Big Buck Bunny", 2008)
    best = loop.offer(BEST, seeded=True, seeders=50)
    lesser = loop.offer(LESSER, seeded=True, seeders=5)
    # a file where the best release's folder must go makes Deluge fail it ("Not a directory")
    location = loop.swarm.client.download_location / "movies"
    location.mkdir(parents=True, exist_ok=True)
    (location / BEST).write_text("in the way")
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    first = Download.get(Download.info_hash == best.info_hash)

    def failed():
        nudge_into_error(loop.client, best.info_hash)
        return Download.get_by_id(first.id).state == "failed"

    loop.until(failed, "failure", timeout=90)
    assert "Deluge:" in Download.get_by_id(first.id).error_message
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    second = Download.get(Download.info_hash == lesser.info_hash)
    assert second.title == LESSER
    loop.until(
        lambda: Download.get_by_id(second.id).state == "imported", "import of the other release"
    )
    # the failed release is on the blocklist, and the next cycle passed it over without
    # trying it (no refusal recorded for it at every search)
    assert Blocklist.get(Blocklist.info_hash == best.info_hash).title == BEST
    assert not [e for e in list_history() if e.reason == "blocklisted"]


def test_a_rar_only_release_fails_is_blocklisted_and_another_is_grabbed(loop):
    """A release that holds only .rar parts can never be imported (mydia-tui does not extract):
    it ends failed with the reason, is blocklisted, and the next cycle grabs another release."""
    add_movie("Big Buck Bunny", 2008)
    rar = loop.offer(
        BEST,
        {f"{BEST.lower()}.rar": 400_000, f"{BEST.lower()}.r00": 400_000, f"{BEST}.nfo": 100},
        seeded=True,
        seeders=50,
    )
    lesser = loop.offer(LESSER, seeded=True, seeders=5)
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    first = Download.get(Download.info_hash == rar.info_hash)
    loop.until(lambda: Download.get_by_id(first.id).state == "failed", "failure")
    failed = Download.get_by_id(first.id)
    assert failed.import_attempts == 0  # failed at once, not after retries
    assert failed.error_message == (
        "cannot be imported: it holds archives (.r00, .rar) and no video: "
        "mydia-tui does not extract archives"
    )
    assert Blocklist.get(Blocklist.info_hash == rar.info_hash).reason == failed.error_message
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    second = Download.get(Download.info_hash == lesser.info_hash)
    loop.until(lambda: Download.get_by_id(second.id).state == "imported", "the other release")
    assert Download.select().count() == 2


def test_7_two_headless_monitors_at_once_grab_once(loop, tmp_path, db_path):
    add_movie("Big Buck Bunny", 2008)
    best = loop.offer(BEST, seeders=50, by_link=False)
    loop.offer(LESSER, seeders=40, by_link=False)
    config_path = write_config(loop.config, tmp_path / "config.toml")
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    cmd = [
        sys.executable,
        "-m",
        "mydia_tui",
        "--config",
        str(config_path),
        "--db",
        str(db_path),
        "monitor",
        "--once",
    ]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    errors = [line for _, err in results for line in err.splitlines() if " ERROR " in line]
    assert [p.returncode for p in procs] == [0, 0], errors or results
    assert Download.select().count() == 1
    assert loop.torrents() == {best.info_hash}
    assert len(grabs()) == 1
    log_text = "".join(err for _, err in results)
    # the log names what was grabbed, once (a new user's report: only "searching" was logged)
    assert log_text.count(f"grabbed {BEST} for Big Buck Bunny (2008)") == 1, log_text
    assert loop.indexer.api_key not in log_text and loop.config.deluge.password not in log_text


def test_monitor_loop_stops_promptly(loop):
    import threading

    add_movie("Big Buck Bunny", 2008)
    stop = threading.Event()
    events = []
    loop.monitor.on_event = events.append
    worker = threading.Thread(target=loop.monitor.run, args=(stop,))
    worker.start()
    wait_for(
        lambda: any(getattr(e, "phase", "") == "idle" for e in events), 30, what="a first cycle"
    )
    started = time.monotonic()
    stop.set()
    worker.join(timeout=15)
    assert not worker.is_alive() and time.monotonic() - started < 10
    assert type(events[-1]).__name__ == "MonitorState" and events[-1].phase == "stopped"


def test_a_paused_monitor_still_follows_deluge_but_grabs_nothing(loop):
    """``M`` pauses the searches and grabs (backlog search, RSS sync), not the queue: a torrent
    paused in Deluge by someone else shows paused while the monitor is paused, and shows
    running again when resumed there; a film added meanwhile is not searched for. A breaker's
    report (item 4): the queue froze while the status bar said "connected"."""
    import threading

    add_movie("Big Buck Bunny", 2008)
    best = loop.offer(BEST, seeders=50)  # nobody seeds it: it stays at 0 %
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    (d,) = Download.select()
    # seen at work first: a torrent paused before that, in the first minute of a connection,
    # is taken for Deluge's own pause after a restart and resumed (monitor/downloads.py)
    loop.until(lambda: Download.get_by_id(d.id).client_state == "Downloading", "downloading")

    stop = threading.Event()
    loop.monitor.pause()
    runner = threading.Thread(target=loop.monitor.run, args=(stop,), daemon=True)
    runner.start()
    try:
        sintel = add_movie("Sintel", 2010)
        loop.offer("Sintel.2010.1080p.BluRay.x264-GRP", seeders=50)

        def in_deluge(method: str) -> None:
            rpc = loop.swarm.client.rpc()
            try:
                rpc.call(method, best.info_hash)
            finally:
                rpc.disconnect()

        def state() -> str:
            return Download.get_by_id(d.id).state

        in_deluge("core.pause_torrent")
        wait_for(lambda: state() == "paused", 10, interval=0.1, what="paused in the queue")
        in_deluge("core.resume_torrent")
        wait_for(lambda: state() != "paused", 10, interval=0.1, what="running again")
        assert not Download.select().where(Download.item == sintel.id).exists()
    finally:
        stop.set()
        runner.join(10)
