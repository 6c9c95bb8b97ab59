"""How often an indexer is asked, whoever asks: its ``requests_per_hour`` and the RSS sync's
``rss_interval`` are kept in the database, shared by every process on one library (cron's
``monitor --once`` runs, two monitors on one PostgreSQL library); its back-off is skipped by a
search the user asks for and cleared by any answer, a doctor check's too; ``monitor --once``
says so, and fails, when no indexer could be asked. A new user's report (breaker11b, items
3, 4 and 9). Real processes and threads, a real Torznab server on loopback, SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from torznab_server import Reply, item_xml

from mydia_tui.config import Config, IndexerConfig, MonitorConfig, write_config
from mydia_tui.indexers.health import indexer_health
from mydia_tui.models import Indexer, utcnow

MATRIX = "The.Matrix.1999.1080p.BluRay.x264-GRP"


def _indexer(fake, **kw) -> IndexerConfig:
    base = dict(name=fake.name, url=fake.url, api_key=fake.api_key, min_interval=0, timeout=5)
    base.update(kw)
    return IndexerConfig(**base)


def _rss_reads(fake) -> list[dict[str, str]]:
    """The requests of an RSS sync: a feed asked without a query."""
    return [
        r
        for r in fake.requests
        if r.get("t") in ("movie", "tvsearch")
        and not ({"q", "imdbid", "tmdbid", "tvdbid", "tvmazeid", "season"} & set(r))
    ]


def _back_off(name: str) -> None:
    """The indexer failed twice and is backing off for an hour."""
    Indexer.update(
        failure_count=2,
        failing_since=utcnow() - dt.timedelta(minutes=5),
        next_retry_at=utcnow() + dt.timedelta(hours=1),
        last_error="server error (HTTP 500)",
    ).where(Indexer.name == name).execute()


# --- item 1: one budget and one RSS clock per library ------------------------------------------


@pytest.mark.both_databases
def test_the_request_budget_holds_across_processes_on_one_library(db, cli, torznab, tmp_path):
    """Five ``search`` processes at once with ``requests_per_hour = 3``: the server sees at
    most 3 requests (each process counted its own 3 before)."""
    fake = torznab.add("budget", items=[item_xml(MATRIX, guid="m")])
    write_config(Config(indexers=(_indexer(fake, requests_per_hour=3),)), tmp_path / "config.toml")
    cli.config_path = tmp_path / "config.toml"
    assert cli("add", "movie", "The Matrix", "--year", "1999").code == 0
    assert cli("search", "1").code == 0  # t=caps (cached from now on) and one page: 2 requests
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda _: cli("search", "1"), range(5)))
    assert len(fake.requests) == 3, [r.get("t") for r in fake.requests]
    assert sorted(r.code for r in results) == [0, 1, 1, 1, 1], [r.out + r.err for r in results]
    spent = [r for r in results if "budget of 3 requests per hour is spent" in r.out]
    assert len(spent) == 4, [r.out for r in results]


@pytest.mark.both_databases
def test_the_minimum_gap_between_requests_holds_across_threads_with_their_own_clients(db, torznab):
    """Two clients of one indexer asking at once (as two processes would) keep its
    ``min_interval`` between their requests: the gap is the indexer's, not the client's."""
    from mydia_tui.indexers.torznab import TorznabClient
    from mydia_tui.targets import Target

    fake = torznab.add("gap", items=[item_xml(MATRIX, guid="g")])
    target = Target(kind="movie", item_id=1, title="The Matrix", year=1999)
    config = _indexer(fake, min_interval=0.4)
    TorznabClient(config).caps()  # cached: each search is then one request
    fake.requests.clear()
    barrier = threading.Barrier(3)

    def one() -> None:
        barrier.wait()
        TorznabClient(config).search_target(target)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    stamps = sorted(float(r["_at"]) for r in fake.requests)
    assert len(stamps) == 3
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert min(gaps) >= 0.35, gaps


@pytest.mark.both_databases
def test_two_monitors_read_the_feeds_once_per_rss_interval(db, torznab):
    """Two RSS syncs at once on one library (two monitors' own objects, in two threads): one
    reads the feed, the other finds it read less than ``rss_interval`` ago; a third sync
    later in the interval reads nothing either."""
    from mydia_tui.library import add_movie
    from mydia_tui.monitor.rss_sync import RssSync

    fake = torznab.add("feed", items=[item_xml(MATRIX, guid="f")])
    config = Config(indexers=(_indexer(fake),), monitor=MonitorConfig(rss_interval=900))
    add_movie("Sintel", 2010)  # wanted, and not in the feed: nothing is grabbed

    def never(_target, _candidate):
        raise AssertionError("nothing to grab")

    barrier = threading.Barrier(2)
    reports = []

    def sync() -> None:
        barrier.wait()
        reports.append(RssSync(config, never).run())

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(_rss_reads(fake)) == 1, fake.requests
    assert sorted(len(r.fetched) for r in reports) == [0, 1]
    RssSync(config, never).run()
    assert len(_rss_reads(fake)) == 1


def test_cron_monitor_once_runs_share_the_budget_and_the_rss_interval(
    cli, torznab, deluged, tmp_path
):
    """The report's own steps: ``monitor --once`` five times with ``requests_per_hour = 3``
    and ``rss_interval = 900``: 3 requests in all, and one RSS sync."""
    fake = torznab.add("budgete", items=[item_xml(MATRIX, guid="b")])
    write_config(
        Config(
            deluge=deluged.config(timeout=3.0),
            indexers=(_indexer(fake, requests_per_hour=3),),
        ),
        tmp_path / "config.toml",
    )
    cli.config_path = tmp_path / "config.toml"
    for title in ("Sintel", "Spring", "Coffee Run", "Agent 327", "Charge"):
        assert cli("add", "movie", title, "--year", "2010").code == 0
    for _ in range(5):
        cli("monitor", "--once")
    assert len(fake.requests) <= 3, [r.get("t") for r in fake.requests]
    assert len(_rss_reads(fake)) <= 1


# --- item 2: the user's search asks anyway; an answer clears the back-off ----------------------


@pytest.mark.both_databases
def test_the_search_command_asks_a_backing_off_indexer_and_its_answer_clears_the_back_off(
    db, cli, torznab, tmp_path
):
    fake = torznab.add("y", items=[item_xml(MATRIX, guid="y")])
    write_config(Config(indexers=(_indexer(fake),)), tmp_path / "config.toml")
    cli.config_path = tmp_path / "config.toml"
    assert cli("add", "movie", "The Matrix", "--year", "1999").code == 0
    Indexer.create(name="y", url=fake.url)
    _back_off("y")
    r = cli("search", "1")
    assert r.code == 0, r.out + r.err
    assert "backing_off" not in r.out and "1 result" in r.out, r.out
    assert fake.searches()
    health = indexer_health("y")
    assert health.ok and health.next_retry_at is None


@pytest.mark.both_databases
def test_the_tuis_searches_ask_a_backing_off_indexer_and_automatic_ones_do_not(db, torznab):
    """The interactive search (``i``) and "search now" are the user's: they ask; the backlog
    search and the RSS sync keep to the back-off and ask nothing."""
    from mydia_tui.library import add_movie
    from mydia_tui.monitor.backlog_search import SearchMonitor, make_searcher
    from mydia_tui.monitor.rss_sync import RssSync
    from mydia_tui.services import Services

    fake = torznab.add("y", items=[item_xml("Sintel.2010.1080p.BluRay.x264-GRP", guid="s")])
    config = Config(indexers=(_indexer(fake),))
    item = add_movie("Sintel", 2010)
    Indexer.create(name="y", url=fake.url)

    _back_off("y")
    report = SearchMonitor(config, make_searcher(config), lambda t, c: None).run_cycle()
    assert report.searched == [] and "backs off" in report.paused
    RssSync(config, lambda t, c: None).run()
    assert fake.requests == []

    services = Services(config)
    choices = services.releases(item.id)
    assert [c.title for c in choices] == ["Sintel.2010.1080p.BluRay.x264-GRP"]
    assert indexer_health("y").ok

    _back_off("y")
    searched = services.search_monitor.searcher(services.search_monitor.plan()[0].target)
    assert searched.candidates and not searched.errors
    assert indexer_health("y").ok


@pytest.mark.both_databases
def test_a_successful_doctor_check_clears_the_back_off(db, torznab):
    """doctor's and the settings' "test" (``probe_indexer``): an answer clears it."""
    from mydia_tui.item_search import check_indexers

    fake = torznab.add("y")
    config = Config(indexers=(_indexer(fake),))
    Indexer.create(name="y", url=fake.url)
    _back_off("y")
    assert check_indexers(config) == [(True, "y: answers (search, tv, movie)")]
    assert indexer_health("y").ok


def test_a_users_search_of_a_backing_off_indexer_that_fails_does_not_lengthen_its_back_off(
    db, torznab
):
    from mydia_tui.indexers.health import IndexerUnavailable
    from mydia_tui.indexers.torznab import TorznabClient
    from mydia_tui.targets import Target

    fake = torznab.add("y", answer=lambda p: Reply(500, b"down"))
    Indexer.create(name="y", url=fake.url)
    _back_off("y")
    before = indexer_health("y")
    target = Target(kind="movie", item_id=1, title="The Matrix", year=1999)
    with pytest.raises(IndexerUnavailable):
        TorznabClient(_indexer(fake)).search_target(target, manual=True)
    after = indexer_health("y")
    assert fake.requests
    assert (after.failure_count, after.next_retry_at) == (
        before.failure_count,
        before.next_retry_at,
    )


# --- item 3: monitor --once fails when no indexer could be asked -------------------------------


def test_monitor_once_exits_1_when_every_indexer_is_failing(cli, torznab, deluged, tmp_path):
    fake = torznab.add("e", answer=lambda p: Reply(500, b"down"))
    write_config(
        Config(deluge=deluged.config(timeout=3.0), indexers=(_indexer(fake),)),
        tmp_path / "config.toml",
    )
    cli.config_path = tmp_path / "config.toml"
    assert cli("add", "movie", "Spring", "--year", "2019").code == 0
    first = cli("monitor", "--once")
    assert first.code == 1, first.err
    second = cli("monitor", "--once")  # backing off now: nothing is asked at all
    assert second.code == 1, second.err
    lines = [line for line in second.err.splitlines() if "no indexer could be asked" in line]
    assert len(lines) == 1, second.err
    assert "e is failing (server error, HTTP 500); retried at" in lines[0], lines[0]


def test_monitor_once_exits_0_when_an_indexer_answers(cli, torznab, deluged, tmp_path):
    good = torznab.add("good")
    bad = torznab.add("bad", answer=lambda p: Reply(500, b"down"))
    write_config(
        Config(deluge=deluged.config(timeout=3.0), indexers=(_indexer(good), _indexer(bad))),
        tmp_path / "config.toml",
    )
    cli.config_path = tmp_path / "config.toml"
    r = cli("monitor", "--once")
    assert r.code == 0, r.err
    assert "no indexer could be asked" not in r.err


@pytest.mark.parametrize("pace", [{}, {"requests_per_hour": 10, "min_interval": 1}])
def test_a_retry_after_holds_every_client_of_the_indexer_even_a_users_search(db, torznab, pace):
    """A ``Retry-After`` longer than a request may wait is kept for every client (the
    database's): the user's search is refused at once, saying until when, and sends nothing."""
    from mydia_tui.indexers.health import IndexerSkipped
    from mydia_tui.indexers.pacing import hold
    from mydia_tui.indexers.torznab import TorznabClient
    from mydia_tui.targets import Target

    fake = torznab.add("busy")
    config = _indexer(fake, **pace)
    hold(config, 600)
    target = Target(kind="movie", item_id=1, title="The Matrix", year=1999)
    with pytest.raises(IndexerSkipped, match=r"it asked to wait until \d\d:\d\d:\d\d UTC"):
        TorznabClient(config).search_target(target, manual=True)
    assert fake.requests == []
