"""The search monitor's planning and limits, on a real SQLite file and a real Torznab server."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from monitor_helpers import Grabs
from torznab_server import Reply, item_xml

from mydia_tui.config import Config, IndexerConfig, MonitorConfig
from mydia_tui.history import list_history
from mydia_tui.library import add_movie, add_show, manual_episodes
from mydia_tui.models import Episode, FileEpisode, LibraryRoot, MediaFile, SearchState, utcnow
from mydia_tui.monitor.backlog_search import SearchMonitor, make_searcher

pytestmark = pytest.mark.both_databases


@pytest.fixture
def fake(torznab):
    return torznab.add("fake")


def config_for(fake, **monitor) -> Config:
    return Config(
        indexers=(
            IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
        ),
        monitor=MonitorConfig(**monitor),
    )


def test_empty_search_cools_down_doubling_and_survives_a_restart(db, fake):
    movie = add_movie("Big Buck Bunny", 2008)
    cfg = config_for(fake, cooldown_base=3600.0)
    first = SearchMonitor(cfg, make_searcher(cfg), Grabs())
    report = first.run_cycle()
    assert report.empty == ["Big Buck Bunny (2008)"]
    state = SearchState.get(SearchState.key == f"m:{movie.id}")
    assert state.empty_count == 1
    assert dt.timedelta(minutes=59) < state.next_search_at - utcnow() <= dt.timedelta(hours=1)
    # a new monitor (a restart) honours the cool-down
    again = SearchMonitor(cfg, make_searcher(cfg), Grabs())
    assert again.run_cycle().searched == []
    assert len(fake.searches()) == 1
    # once it is over, the next empty search waits twice as long
    SearchState.update(next_search_at=utcnow() - dt.timedelta(seconds=1)).execute()
    again.run_cycle()
    state = SearchState.get(SearchState.key == f"m:{movie.id}")
    assert state.empty_count == 2
    assert state.next_search_at - utcnow() > dt.timedelta(hours=1, minutes=59)
    assert [e.event for e in list_history(item_id=movie.id)][:2] == ["search_empty", "search_empty"]


def test_an_item_leased_by_another_monitor_is_not_searched(db, fake):
    movie = add_movie("Big Buck Bunny", 2008)
    cfg = config_for(fake)
    SearchState.create(
        key=f"m:{movie.id}",
        item=movie.id,
        lease_holder="other-host:1",
        lease_until=utcnow() + dt.timedelta(minutes=5),
    )
    assert SearchMonitor(cfg, make_searcher(cfg), Grabs(), holder="me:2").run_cycle().searched == []
    # an expired lease is taken over
    SearchState.update(lease_until=utcnow() - dt.timedelta(seconds=1)).execute()
    assert SearchMonitor(cfg, make_searcher(cfg), Grabs(), holder="me:2").run_cycle().searched == [
        "Big Buck Bunny (2008)"
    ]
    assert SearchState.get(SearchState.key == f"m:{movie.id}").lease_holder == ""  # released


def test_season_pack_first_when_enough_of_the_season_is_wanted(db, fake):
    show = add_show("The Expanse", manual_episodes({1: 4, 2: 4}))
    root = LibraryRoot.create(path="/nowhere", kind="shows")
    # season 2: three of four episodes have files (25 % wanted): episodes, not a pack
    for n in (1, 2, 3):
        ep = Episode.get((Episode.show == show.id) & (Episode.season == 2) & (Episode.number == n))
        f = MediaFile.create(episode=ep, root=root, path=f"s2e{n}.mkv")
        FileEpisode.create(file=f, episode=ep)
    fake.items += [
        item_xml("The.Expanse.S01.1080p.WEB-DL.x264-GRP"),
        item_xml("The.Expanse.S02E04.1080p.WEB-DL.x264-GRP"),
    ]
    cfg = config_for(fake)
    grabs = Grabs()
    report = SearchMonitor(cfg, make_searcher(cfg), grabs).run_cycle()
    assert report.searched == ["The Expanse S01", "The Expanse S02E04"]
    assert grabs.taken == [
        ("The Expanse S01", "The.Expanse.S01.1080p.WEB-DL.x264-GRP"),
        ("The Expanse S02E04", "The.Expanse.S02E04.1080p.WEB-DL.x264-GRP"),
    ]


def test_no_pack_found_means_the_episodes_one_by_one_in_the_same_cycle(db, fake):
    add_show("The Expanse", manual_episodes({1: 3}))
    fake.items += [item_xml(f"The.Expanse.S01E0{n}.1080p.WEB-DL.x264-GRP") for n in (1, 2, 3)]
    cfg = config_for(fake)
    grabs = Grabs()
    report = SearchMonitor(cfg, make_searcher(cfg), grabs).run_cycle()
    assert report.searched == [
        "The Expanse S01",
        "The Expanse S01E01",
        "The Expanse S01E02",
        "The Expanse S01E03",
    ]
    assert [title for _, title in grabs.taken] == [
        f"The.Expanse.S01E0{n}.1080p.WEB-DL.x264-GRP" for n in (1, 2, 3)
    ]


def test_searches_per_cycle_and_per_show_are_limits(db, fake):
    for year in range(2001, 2006):
        add_movie(f"Film {year}", year)
    add_show("The Expanse", manual_episodes({1: 10}))
    cfg = config_for(fake, searches_per_cycle=3, season_pack_share=1.0)
    assert len(SearchMonitor(cfg, make_searcher(cfg), Grabs()).run_cycle().searched) == 3
    SearchState.delete().execute()
    Episode.update(monitored=False).where(Episode.number > 4).execute()
    cfg = config_for(fake, searches_per_cycle=50, searches_per_show=2)
    searched = SearchMonitor(cfg, make_searcher(cfg), Grabs()).run_cycle().searched
    assert len([s for s in searched if s.startswith("The Expanse")]) == 2


def test_a_release_overlapping_one_taken_this_cycle_is_skipped(db, fake):
    """Two wanted seasons, one two-season release: taken for the first, skipped for the second."""
    show = add_show("The Expanse", manual_episodes({1: 2}))
    fake.items.append(item_xml("The.Expanse.S01.1080p.WEB-DL.x264-GRP"))
    cfg = config_for(fake)
    grabs = Grabs()
    monitor = SearchMonitor(cfg, make_searcher(cfg), grabs)
    tasks = monitor.plan()
    assert [t.key for t in tasks] == [f"s:{show.id}:1"]
    # the same target planned twice in one cycle (as two monitors' plans would overlap)
    monitor.plan = lambda: tasks + tasks
    report = monitor.run_cycle()
    assert report.skipped_overlap == ["The Expanse S01"]
    assert len(grabs.taken) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(429, b"slow down", {"Retry-After": "600"}),
        Reply(503, b"down"),
        Reply(200, b"<html><body>Login</body></html>", {"Content-Type": "text/html"}),
        Reply(200, b"<rss><channel><item><title>broken"),
    ],
    ids=["429", "503", "html", "bad-xml"],
)
def test_an_indexer_failure_backs_off_the_indexer_never_the_item(db, torznab, reply, caplog):
    fake = torznab.add("fake", answer=lambda p: reply if p.get("t") != "caps" else None)
    for year in range(2001, 2005):
        add_movie(f"Film {year}", year)
    cfg = config_for(fake)
    caplog.set_level(logging.INFO, logger="mydia_tui")
    report = SearchMonitor(cfg, make_searcher(cfg), Grabs()).run_cycle()
    assert report.empty == []
    assert report.failed and all("fake" in f for f in report.failed)
    # once the only indexer backs off, the cycle ends: the others are not "failed" one by one
    assert 1 <= len(report.searched) <= 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "indexer fake" in warnings[0], warnings
    # no item entered the cool-down of an empty search
    assert SearchState.select().where(SearchState.next_search_at.is_null(False)).count() == 0
    assert not [e for e in list_history() if e.event == "search_empty"]
    # the indexer is marked unhealthy, with its reason
    from mydia_tui.indexers.health import indexer_health

    assert not indexer_health("fake").ok


def test_the_backlog_cycle_pauses_when_the_indexers_budget_is_spent(db, fake):
    for year in range(2001, 2011):
        add_movie(f"Film {year}", year)
    cfg = Config(
        indexers=(
            IndexerConfig(
                name="fake",
                url=fake.url,
                api_key=fake.api_key,
                min_interval=0.0,
                requests_per_hour=4,
            ),
        ),
    )
    report = SearchMonitor(cfg, make_searcher(cfg), Grabs()).run_cycle()
    # t=caps, then one request per film: three films, then the cycle pauses
    assert len(report.searched) == 3 and len(fake.requests) == 4
    assert "fake spent its 4 requests this hour" in report.paused
    assert report.failed == [] and len(report.empty) == 3


def test_the_backlog_searches_the_oldest_searched_first(db, fake):
    films = [add_movie(f"Film {year}", year) for year in range(2001, 2005)]
    now = utcnow()
    for n, film in enumerate(films[:3]):  # searched 3, 2, 1 hours ago; the fourth never
        SearchState.create(
            key=f"m:{film.id}", item=film.id, last_search_at=now - dt.timedelta(hours=3 - n)
        )
    cfg = config_for(fake)
    keys = [t.key for t in SearchMonitor(cfg, make_searcher(cfg), Grabs()).plan()]
    assert keys == [f"m:{films[i].id}" for i in (3, 0, 1, 2)]


def test_planning_a_cycle_takes_the_same_queries_for_10_or_200_wanted_films(db, fake):
    from peewee import Database

    cfg = config_for(fake)
    monitor = SearchMonitor(cfg, make_searcher(cfg), Grabs())
    counts = []
    original = Database.execute_sql
    for films in (10, 200):
        while len(monitor.plan()) < films:
            add_movie(f"Film {len(monitor.plan())}", 1900 + len(monitor.plan()) % 100)
        statements = []

        def counting(self, sql, params=None, *a, _seen=statements, **kw):
            _seen.append(sql)
            return original(self, sql, params, *a, **kw)

        Database.execute_sql = counting
        try:
            assert len(monitor.plan()) == films
        finally:
            Database.execute_sql = original
        counts.append(len(statements))
    # the wanted films, the wanted seasons (three), the cutoff unmet (the profiles, the films,
    # the episodes, the seasons in flight), the search times: whatever the number of films
    assert counts[0] == counts[1] <= 9
