"""RSS sync: each indexer's recent feed matched against everything wanted, on a real database
and a real Torznab server on loopback; end to end on a real deluged; and the headless monitor
stopped by SIGTERM while an indexer drips its answer (a real subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from deluge_fixtures import wait_for
from monitor_helpers import Grabs
from torznab_server import Reply, feed_xml, item_xml

from mydia_tui.config import Config, IndexerConfig, MonitorConfig, write_config
from mydia_tui.history import list_history
from mydia_tui.library import add_movie, add_show, manual_episodes
from mydia_tui.models import Download, Episode, Indexer, MediaItem
from mydia_tui.monitor.rss_sync import RssSync, WantedIndex
from mydia_tui.parsed_names import parse_name
from mydia_tui.releases.release import Release


def config_for(fake, **monitor) -> Config:
    return Config(
        indexers=(
            IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
        ),
        monitor=MonitorConfig(**monitor),
    )


def release(title: str, **kw) -> Release:
    return Release(title=title, indexer="fake", **kw)


@pytest.mark.both_databases
def test_the_wanted_index_matches_by_title_year_ids_and_episode_numbers(db):
    bunny = add_movie("Big Buck Bunny", 2008)
    add_movie("Dune", 1984)
    dune = add_movie("Dune", 2021, imdb_id="tt1160419")
    show = add_show("The Expanse", manual_episodes({1: 3, 2: 10}), tvdb_id=280619)
    # season 2: one episode wanted of ten (the others have files: not monitored here)
    Episode.update(monitored=False).where(
        (Episode.show == show.id) & (Episode.season == 2) & (Episode.number != 4)
    ).execute()
    index = WantedIndex.build(season_pack_share=0.7)

    def match(title, **kw):
        found = index.match(release(title, **kw), parse_name(title))
        return (found.kind, found.item_id, found.key) if found else None

    assert match("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP") == (
        "movie",
        bunny.id,
        f"m:{bunny.id}",
    )
    assert match("Big.Buck.Bunny.2.2015.1080p.BluRay.x264-GRP") is None
    assert match("Dune.2021.2160p.WEB-DL-GRP")[1] == dune.id
    assert match("Some.Other.Name.1080p.WEB-DL-GRP", imdb_id="tt1160419")[1] == dune.id
    assert match("The.Expanse.S01.1080p.WEB-DL.x264-GRP") == ("season", show.id, f"s:{show.id}:1")
    episode_4 = Episode.get(show=show.id, season=2, number=4).id
    assert match("The.Expanse.S02E04.1080p.WEB-DL.x264-GRP") == (
        "episodes",
        show.id,
        f"e:{episode_4}",
    )
    assert match("The.Expanse.S02E05.1080p.WEB-DL.x264-GRP") is None  # not wanted
    assert match("The.Expanse.S02.1080p.WEB-DL.x264-GRP") is None  # 1 of 10: no pack
    assert match("Expanse.Renamed.S02E04.720p.HDTV-GRP", tvdb_id=280619)[2] == f"e:{episode_4}"
    # before any name is parsed: could it name something wanted? (most of a feed cannot)
    may = index.may_name_something
    assert may(release("[GRP] The Expanse - S02E04 [1080p]"))
    assert may(release("Some.Other.Name.1080p.WEB-DL-GRP", imdb_id="tt1160419"))
    assert not may(release("Unrelated.Documentary.Part.3.2019.1080p.WEB-DL-NOPE"))
    assert not may(release("Big.Buck.1080p.WEB-DL-NOPE"))


def test_the_wanted_index_is_built_in_a_constant_number_of_queries(db):
    from peewee import Database

    for n in range(40):
        add_movie(f"Film {n}", 1950 + n)
    for n in range(5):
        add_show(f"Show {n}", manual_episodes({1: 8}))
    counted = []
    original = Database.execute_sql

    def counting(self, sql, params=None, *args, **kw):
        counted.append(sql)
        return original(self, sql, params, *args, **kw)

    Database.execute_sql = counting
    try:
        small = len(WantedIndex.build())
        first = len(counted)
        for n in range(40, 200):
            add_movie(f"Film {n}", 1870 + n)
        counted.clear()
        large = len(WantedIndex.build())
        second = len(counted)
    finally:
        Database.execute_sql = original
    assert (small, large) == (80, 240)
    assert first == second <= 5


@pytest.mark.both_databases
def test_a_sync_grabs_what_is_wanted_in_the_feed_and_nothing_else(db, torznab):
    add_movie("Big Buck Bunny", 2008)
    add_show("The Expanse", manual_episodes({1: 3}))
    fake = torznab.add(
        "fake",
        items=[
            item_xml("The.Expanse.S01E02.1080p.WEB-DL.x264-GRP", guid="e2"),
            item_xml("The.Expanse.S01.1080p.WEB-DL.x264-GRP", guid="pack"),
            item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP", guid="bbb"),
            item_xml("Big.Buck.Bunny.2008.720p.BluRay.x264-GRP", guid="bbb720", seeders=900),
            item_xml("Other.Show.S01E01.1080p.WEB-DL.x264-GRP", guid="other"),
            item_xml("Big.Buck.Bunny.2008.CAM.x264-GRP", guid="cam"),
        ],
    )
    grabs = Grabs()
    report = RssSync(config_for(fake), grabs).run()
    # the pack covers the episode (packs first); the best film release; the rest not wanted
    assert grabs.taken == [
        ("The Expanse S01", "The.Expanse.S01.1080p.WEB-DL.x264-GRP"),
        ("Big Buck Bunny (2008)", "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"),
    ]
    assert report.grabbed == ["The Expanse S01", "Big Buck Bunny (2008)"]
    assert report.fetched == {"fake": 6} and report.matched == 5
    # what was asked: the recent feeds, without a query
    asked = {(s["t"], "q" in s) for s in fake.searches()}
    assert asked == {("movie", False), ("tvsearch", False)}


def test_nothing_wanted_asks_no_indexer(db, torznab):
    fake = torznab.add("fake", items=[item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP")])
    report = RssSync(config_for(fake), Grabs()).run()
    assert report.fetched == {} and fake.requests == []


@pytest.mark.both_databases
def test_the_next_sync_pages_until_a_release_older_than_the_last_one_seen(db, torznab):
    add_movie("Big Buck Bunny", 2008)

    def dated(n: int) -> str:  # n minutes after 10:00, newest first in the feed
        return item_xml(
            f"Filler.Film.{1900 + n}.1080p.BluRay.x264-GRP",
            guid=f"f{n}",
            pub_date=f"Tue, 04 Nov 2025 {10 + n // 60:02d}:{n % 60:02d}:00 +0000",
        )

    items = [dated(n) for n in range(60, 0, -1)]  # 60 releases, newest first

    def page(params):
        if params.get("t") == "caps":
            return None
        offset, limit = int(params.get("offset", 0)), 25
        return Reply(body=feed_xml(items[offset : offset + limit]).encode())

    fake = torznab.add("fake", answer=page)
    sync = RssSync(config_for(fake), Grabs())
    sync.run()
    # first sync: every page (the third, 10 releases, is the last)
    assert [s["offset"] for s in fake.searches()] == ["0", "25", "50"]
    # 40 new releases arrive on top: the next sync reads until it meets the newest it saw
    items[0:0] = [dated(n) for n in range(100, 60, -1)]
    fake.requests.clear()
    Indexer.update(rss_read_at=None).execute()  # rss_interval later
    report = sync.run()
    assert [s["offset"] for s in fake.searches()] == ["0", "25"]
    assert report.fetched == {"fake": 50}


def test_a_failing_feed_is_reported_and_backs_off_the_indexer(db, torznab):
    add_movie("Big Buck Bunny", 2008)
    fake = torznab.add(
        "fake",
        answer=lambda p: Reply(429, b"", {"Retry-After": "300"}) if p.get("t") != "caps" else None,
    )
    sync = RssSync(config_for(fake), Grabs())
    report = sync.run()
    assert len(report.failed) == 1 and "429" in report.failed[0]
    report = sync.run()  # backing off: not asked, not a new failure
    assert report.failed == [] and len(fake.searches()) == 1


# --- end to end ----------------------------------------------------------------------------------


@pytest.mark.deluge
def test_an_episode_in_the_feed_is_grabbed_once_within_one_sync(db, tmp_path, swarm, torznab):
    from test_loop_e2e import Loop

    loop = Loop(tmp_path, swarm, torznab)
    try:
        show = add_show("The Expanse", manual_episodes({1: 4}))
        Episode.update(monitored=False).where(Episode.number != 2).execute()
        payload = loop.offer("The.Expanse.S01E02.1080p.WEB-DL.x264-GRP", seeders=30)
        loop.offer("The.Expanse.S01E03.1080p.WEB-DL.x264-GRP", seeders=30)  # not wanted
        report = loop.monitor.rss_phase()
        assert report.grabbed == ["The Expanse S01E02"]
        assert loop.torrents() == {payload.info_hash}
        (download,) = Download.select()
        assert download.item_id == show.id and download.title.startswith("The.Expanse.S01E02")
        for _ in range(2):  # later syncs see it again: in flight, never grabbed twice
            assert loop.monitor.rss_phase().grabbed == []
        assert Download.select().count() == 1 and loop.torrents() == {payload.info_hash}
        assert [e.event for e in list_history() if e.event == "grabbed"] == ["grabbed"]
    finally:
        loop.client.close()


@pytest.mark.deluge
@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 0), (signal.SIGHUP, 129)])
def test_sigterm_during_a_slow_indexer_stops_the_monitor_within_a_second(
    db, db_path, tmp_path, deluged, torznab, stop, code
):
    """SIGTERM, and SIGHUP (its terminal closed: a new user's report, it died without its
    clean stop), stop the monitor at once and cleanly; SIGHUP's status is 129, as a shell
    reports a hang-up and as the TUI exits."""
    add_movie("Big Buck Bunny", 2008)
    body = feed_xml([item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP")]).encode()
    fake = torznab.add("slow", answer=lambda p: Reply(body=body, drip=1.0))
    config = Config(
        deluge=deluged.config(timeout=3.0),
        indexers=(
            IndexerConfig(
                name="slow", url=fake.url, api_key=fake.api_key, timeout=120, min_interval=0
            ),
        ),
    )
    path = write_config(config, tmp_path / "config.toml")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mydia_tui", "--config", str(path), "--db", str(db_path), "monitor"],
        env=dict(os.environ, PYTHONPATH=os.getcwd()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(fake.requests) >= 1, 30, what="the monitor asking the indexer")
        time.sleep(0.3)  # inside the request: the server is dripping its answer
        assert proc.poll() is None
        started = time.monotonic()
        proc.send_signal(stop)
        proc.wait(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    _out, err = proc.communicate()
    assert proc.returncode == code, err
    assert elapsed < 1.0, (elapsed, err)
    assert f"{stop.name}: stopping" in err and "monitor stopped" in err, err
    assert fake.api_key not in err
    assert MediaItem.select().count() == 1


@pytest.mark.parametrize("rss_interval", [0.0, 1.0])
def test_an_rss_interval_of_0_turns_rss_sync_off(db, deluged, torznab, rss_interval):
    """``rss_interval = 0`` turns RSS sync off, as Sonarr's and Radarr's 0 does (it was
    refused): the monitor, running, asks for recent feeds (a request without a query) only
    when it is on; its backlog search asks either way."""
    import threading

    from mydia_tui.monitor.engine import Monitor

    add_movie("Big Buck Bunny", 2008)
    fake = torznab.add("fake")
    config = Config(
        deluge=deluged.config(timeout=3.0),
        indexers=config_for(fake).indexers,
        monitor=MonitorConfig(rss_interval=rss_interval, allow_short_intervals=True),
    )
    monitor = Monitor(config)
    stop = threading.Event()
    runner = threading.Thread(target=monitor.run, args=(stop,))
    runner.start()

    def asked(feed: bool) -> list[dict]:
        return [r for r in fake.searches() if ("q" not in r and "imdbid" not in r) == feed]

    try:
        wait_for(lambda: asked(feed=False), 20, what="the backlog search")
        if rss_interval:
            wait_for(lambda: asked(feed=True), 20, what="an RSS sync")
        else:
            time.sleep(2.5)  # two RSS intervals had it been 1 s
            assert asked(feed=True) == []
    finally:
        stop.set()
        runner.join(20)
        monitor.close()
    assert not runner.is_alive()


def test_the_wanted_index_finds_titles_that_end_in_a_year_and_namesakes_apart(db):
    """Found by a new user: the RSS sync never grabbed "Space: 1999" (its release names read
    as the show "Space" of 1999), and matched The.Office.US to "The Office" (2001) when "The
    Office (US)" was wanted too."""
    space = add_show("Space: 1999", manual_episodes({1: 3}), year=1975)
    uk = add_show("The Office", manual_episodes({1: 6}), year=2001)
    us = add_show("The Office (US)", manual_episodes({1: 6}), year=2005)
    index = WantedIndex.build()

    def match(title):
        found = index.match(release(title), parse_name(title))
        return found.item_id if found else None

    assert match("Space.1999.S01E01.1080p.BluRay.x264-GRP") == space.id
    assert match("The.Office.US.S01E04.1080p.WEB-DL.x264-GRP") == us.id
    assert match("The.Office.S01E04.1080p.WEB-DL.x264-GRP") == uk.id
