"""The Torznab client against a real HTTP server on loopback."""

from __future__ import annotations

import datetime as _dt
import time

import pytest
from torznab_server import BOMB, Reply, caps_xml, error_xml, feed_xml, huge_body, item_xml

from mydia_tui.cli.output import search_json
from mydia_tui.cli.search import format_outcome
from mydia_tui.config import IndexerConfig, QualityConfig
from mydia_tui.errors import ConfigError
from mydia_tui.indexers.health import (
    BackoffPolicy,
    IndexerAuthError,
    IndexerBadResponse,
    IndexerError,
    IndexerRateLimited,
    IndexerSkipped,
    IndexerUnavailable,
    all_indexer_health,
    indexer_health,
)
from mydia_tui.indexers.release_search import search_target
from mydia_tui.indexers.torznab import TorznabClient
from mydia_tui.models import Indexer, utcnow
from mydia_tui.releases.decide import Policy
from mydia_tui.releases.quality import resolve_profile
from mydia_tui.targets import EpisodeRef, Target

HASH = "0123456789abcdef0123456789abcdef01234567"
MATRIX = Target(
    kind="movie", item_id=1, title="The Matrix", year=1999, imdb_id="tt0133093", tmdb_id=603
)
EXPANSE = Target(
    kind="episodes",
    item_id=2,
    title="The Expanse",
    season=2,
    tvdb_id=280619,
    episodes=(EpisodeRef(10, 2, 3),),
)
EXPANSE_S2 = Target(
    kind="season",
    item_id=2,
    title="The Expanse",
    season=2,
    episodes=tuple(EpisodeRef(20 + n, 2, n) for n in range(1, 14)),
)


def cfg(fake, **kw) -> IndexerConfig:
    base = dict(name=fake.name, url=fake.url, api_key=fake.api_key, min_interval=0, timeout=5)
    base.update(kw)
    return IndexerConfig(**base)


def client(fake, **kw) -> TorznabClient:
    extra = {
        k: kw.pop(k) for k in list(kw) if k in ("max_bytes", "max_pages", "backoff", "page_size")
    }
    return TorznabClient(cfg(fake, **kw), **extra)


def policy() -> Policy:
    return Policy.from_config(resolve_profile("Any"), QualityConfig())


# --- caps and query choice ---------------------------------------------------------------------


def test_caps_are_read_once_and_cached_in_the_indexer_table(db, torznab):
    fake = torznab.add("jackett")
    c = client(fake)
    caps = c.caps()
    assert caps.movie_search and caps.tv_search
    assert {"imdbid", "tmdbid"} <= caps.movie_params
    assert (2040, "Movies/HD") in caps.categories
    c.caps()
    assert [r["t"] for r in fake.requests] == ["caps"]
    row = Indexer.get(Indexer.name == "jackett")
    assert row.caps.startswith("<caps>") and row.caps_fetched_at is not None
    # stale after the TTL: asked again
    Indexer.update(caps_fetched_at=utcnow() - _dt.timedelta(days=8)).execute()
    c.caps()
    assert [r["t"] for r in fake.requests] == ["caps", "caps"]


def test_movie_search_uses_ids_without_tt_when_caps_list_them(db, torznab):
    fake = torznab.add(
        "ids",
        items=[
            item_xml("The.Matrix.1999.1080p.BluRay.x264-GRP", magnet=f"magnet:?xt=urn:btih:{HASH}")
        ],
    )
    feed = client(fake).search_target(MATRIX)
    [search] = fake.searches()
    assert search["t"] == "movie" and search["imdbid"] == "0133093" and search["tmdbid"] == "603"
    assert "q" not in search and search["cat"] == "2000"
    assert feed.releases[0].info_hash == HASH


def test_query_falls_back_to_text_without_id_support(db, torznab):
    fake = torznab.add("textonly", caps=caps_xml(movie=False, tv=False))
    client(fake).search_target(MATRIX)
    client(fake).search_target(EXPANSE)
    first, second = fake.searches()
    assert first["t"] == "search" and first["q"] == "The Matrix 1999"
    assert second["t"] == "search" and second["q"] == "The Expanse S02E03"


def test_tv_search_with_ids_season_and_episode(db, torznab):
    fake = torznab.add("tv")
    client(fake).search_target(EXPANSE)
    client(fake).search_target(EXPANSE_S2)
    ep, pack = fake.searches()
    assert (
        ep["t"] == "tvsearch"
        and ep["tvdbid"] == "280619"
        and ep["season"] == "2"
        and ep["ep"] == "3"
    )
    assert pack["t"] == "tvsearch" and pack["season"] == "2" and "ep" not in pack
    assert pack["q"] == "The Expanse" and ep["cat"] == "5000"


def test_paging_stops_at_short_page_and_at_the_page_bound(db, torznab):
    items = [item_xml(f"The.Matrix.1999.720p.BluRay.x264-G{i}", guid=f"g{i}") for i in range(25)]
    fake = torznab.add("pages", items=items)
    feed = client(fake, page_size=10, max_pages=10).search_target(MATRIX)
    assert len(feed.releases) == 25
    assert [s["offset"] for s in fake.searches()] == ["0", "10", "20"]
    fake.requests.clear()
    feed = client(fake, page_size=10, max_pages=2).search_target(MATRIX)
    assert len(feed.releases) == 20 and len(fake.searches()) == 2


# --- errors, rate limits, back-off ---------------------------------------------------------------


def test_bad_api_key_is_an_auth_error_without_the_key(db, torznab):
    fake = torznab.add("auth")
    c = client(fake, api_key="wrong-key-9876")
    with pytest.raises(IndexerAuthError) as err:
        c.search_target(MATRIX)
    assert "API key" in str(err.value) and "wrong-key-9876" not in str(err.value)
    health = indexer_health("auth")
    assert not health.ok and health.failure_count == 1 and "wrong-key-9876" not in health.last_error


@pytest.mark.parametrize(
    ("code", "description", "kind"),
    [
        (100, "Incorrect user credentials", "auth"),
        (101, "Account suspended", "auth"),
        (500, "Request limit reached", "rate_limited"),
        (201, "Incorrect parameter", "request_refused"),
        (900, "Unknown error", "request_refused"),
    ],
)
def test_torznab_error_codes(db, torznab, code, description, kind):
    fake = torznab.add("err", answer=lambda p: Reply(body=error_xml(code, description).encode()))
    with pytest.raises(IndexerError) as err:
        client(fake).search_target(MATRIX)
    assert err.value.code == kind
    assert description in str(err.value)


def test_429_retry_after_is_honoured_and_skips_until_then(db, torznab):
    fake = torznab.add("limited", answer=lambda p: Reply(429, b"slow down", {"Retry-After": "120"}))
    with pytest.raises(IndexerRateLimited) as err:
        client(fake).search_target(MATRIX)
    assert err.value.retry_after == 120
    health = indexer_health("limited")
    assert health.next_retry_at is not None
    assert 100 < (health.next_retry_at - utcnow()).total_seconds() <= 121
    with pytest.raises(IndexerSkipped):
        client(fake).search_target(MATRIX)
    assert len(fake.requests) == 1  # skipped: not asked again


def test_retry_after_delays_the_next_request_in_this_process(db, torznab):
    calls = []

    def answer(params):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(429, b"", {"Retry-After": "1"})
        return None

    fake = torznab.add("hold", answer=answer)
    c = client(fake, backoff=BackoffPolicy(free_failures=5))
    with pytest.raises(IndexerRateLimited):
        c.search_target(MATRIX)
    Indexer.update(next_retry_at=None).execute()  # let the search through; the throttle must hold
    c.search_target(MATRIX)
    assert calls[1] - calls[0] >= 0.9


def test_exponential_backoff_after_repeated_failures_and_recovery(db, torznab):
    state = {"fail": True}
    fake = torznab.add("flaky", answer=lambda p: Reply(503, b"down") if state["fail"] else None)
    policy_ = BackoffPolicy(base=60, free_failures=1)
    c = client(fake, backoff=policy_)
    with pytest.raises(IndexerUnavailable):
        c.search_target(MATRIX)
    assert indexer_health("flaky").next_retry_at is None  # first failure: still asked
    with pytest.raises(IndexerUnavailable, match="HTTP 503"):
        c.search_target(MATRIX)
    h = indexer_health("flaky")
    assert h.failure_count == 2 and 50 < (h.next_retry_at - utcnow()).total_seconds() <= 61
    with pytest.raises(IndexerSkipped):
        c.search_target(MATRIX)
    assert policy_.delay(3) == 120 and policy_.delay(20) == 24 * 3600
    # the retry time passes, the indexer works again: health is cleared
    Indexer.update(next_retry_at=utcnow() - _dt.timedelta(seconds=1)).execute()
    state["fail"] = False
    c.search_target(MATRIX)
    h = indexer_health("flaky")
    assert h.ok and h.failure_count == 0 and h.failing_since is None
    assert [x.name for x in all_indexer_health()] == ["flaky"]


def test_an_indexers_configured_backoff_is_its_first_skip(db, torznab):
    """``backoff`` in an ``[[indexers]]`` table is the first skip after the second failure in
    a row (the default 60 s is longer than a loopback test world's whole day)."""
    fake = torznab.add("brief", answer=lambda p: Reply(503, b"down"))
    c = TorznabClient(cfg(fake, backoff=5.0))
    for _ in range(2):
        with pytest.raises(IndexerUnavailable):
            c.search_target(MATRIX)
    h = indexer_health("brief")
    assert h.failure_count == 2 and 3 < (h.next_retry_at - utcnow()).total_seconds() <= 5.5


def test_an_indexer_backoff_under_a_second_is_refused():
    with pytest.raises(ConfigError, match="backoff"):
        IndexerConfig(name="x", url="http://127.0.0.1:1/api", backoff=0.5).validate("indexers[0]")


def test_min_interval_spaces_requests_to_one_indexer(db, torznab):
    fake = torznab.add("gap")
    c = client(fake, min_interval=0.3)
    c.search_target(MATRIX)  # caps + one page
    stamps = [float(r["_at"]) for r in fake.requests]
    assert len(stamps) == 2 and stamps[1] - stamps[0] >= 0.28


# --- hostile answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(body=BOMB), "entity"),
        (Reply(body=huge_body()), "larger than the limit"),
        (Reply(body=feed_xml([item_xml("Caf\u00e9")]).encode("latin-1")), "not valid UTF-8"),
        (Reply(body=b"<html><body>Cloudflare</body></html>"), "answered a web page"),
        (Reply(body=b"<rss><channel><item><title>broken"), "not well-formed"),
        (Reply(body=b""), "empty body"),
    ],
    ids=["entity-bomb", "50MB", "invalid-utf8", "html", "truncated", "empty"],
)
def test_hostile_answers_give_a_clear_error_for_that_indexer(db, torznab, reply, expected):
    fake = torznab.add("hostile", answer=lambda p: reply if p.get("t") != "caps" else None)
    with pytest.raises(IndexerBadResponse) as err:
        client(fake, max_bytes=2 * 1024 * 1024).search_target(MATRIX)
    assert expected in str(err.value)
    assert "secretkey123" not in str(err.value)


def test_huge_body_with_declared_length_is_refused_before_reading(db, torznab):
    body = b" " * (3 * 1024 * 1024)
    fake = torznab.add("big", answer=lambda p: Reply(body=body) if p.get("t") != "caps" else None)
    with pytest.raises(IndexerBadResponse, match="larger than the limit"):
        client(fake, max_bytes=1024 * 1024).search_target(MATRIX)


def test_control_characters_and_markup_in_titles(db, torznab):
    items = [
        item_xml("The.Matrix.1999\x1b[31m.1080p.BluRay.x264-GRP", raw_title=True, guid="a"),
        item_xml("[bold red]The.Matrix.1999.720p[/] <b>x</b>", guid="b"),
        item_xml("The.Matrix.1999.2160p\u009b2J.WEB-DL-GRP", guid="c"),
    ]
    fake = torznab.add("ctrl", items=items)
    feed = client(fake).search_target(MATRIX)
    titles = [r.title for r in feed.releases]
    assert titles[0] == "The.Matrix.1999[31m.1080p.BluRay.x264-GRP"
    assert titles[1] == "[bold red]The.Matrix.1999.720p[/] <b>x</b>"  # kept as given
    assert titles[2] == "The.Matrix.1999.2160p2J.WEB-DL-GRP"
    assert not any(ch < " " or "\x7f" <= ch <= "\x9f" for t in titles for ch in t)


def test_absurd_values_drop_the_item_not_the_search(db, torznab):
    items = [
        item_xml("The.Matrix.1999.1080p.BluRay.x264-A", size=-5, guid="neg"),
        item_xml("The.Matrix.1999.1080p.BluRay.x264-B", size=10**20, guid="huge"),
        item_xml("The.Matrix.1999.1080p.BluRay.x264-C", seeders="lots", guid="nan"),
        item_xml("The.Matrix.1999.1080p.BluRay.x264-D", pub_date="yesterday-ish", guid="date"),
        item_xml("", guid="notitle"),
        item_xml("The.Matrix.1999.1080p.BluRay.x264-E", guid="fine", infohash="not-a-hash"),
    ]
    fake = torznab.add("absurd", items=items)
    feed = client(fake).search_target(MATRIX)
    assert [r.guid for r in feed.releases] == ["date", "fine"]
    assert feed.dropped == 4
    assert feed.releases[0].published is None and feed.releases[1].info_hash is None


def test_feed_fields_become_a_release(db, torznab):
    items = [
        item_xml(
            "The.Matrix.1999.1080p.BluRay.x264-GRP",
            guid="x1",
            size=8_000_000_000,
            seeders=42,
            peers=50,
            infohash=HASH.upper(),
            link="http://x/dl/1",
            attrs={"imdb": "0133093", "tmdbid": "603", "downloadvolumefactor": "0"},
        )
    ]
    fake = torznab.add("fields", items=items)
    [r] = client(fake).search_target(MATRIX).releases
    assert (r.size, r.seeders, r.peers, r.info_hash) == (8_000_000_000, 42, 50, HASH)
    assert (r.imdb_id, r.tmdb_id, r.download_factor) == ("tt0133093", 603, 0.0)
    assert r.published == _dt.datetime(2025, 11, 4, 10, tzinfo=_dt.UTC)
    assert r.categories == (2040,) and r.download_url == "http://x/dl/1"


# --- links, redirects to magnets, .torrent -------------------------------------------------------


def test_resolve_follows_a_redirect_to_a_magnet_and_reads_a_torrent(db, torznab, tmp_path):
    import torf

    fake = torznab.add("links")
    magnet = f"magnet:?xt=urn:btih:{HASH}&dn=x"
    fake.downloads["m"] = Reply(302, b"", {"Location": magnet})
    fake.downloads["r"] = Reply(301, b"", {"Location": "/links/dl/m"})
    content = tmp_path / "file.bin"
    content.write_bytes(b"x" * 40000)
    t = torf.Torrent(path=content, trackers=["http://tracker.example/announce"])
    t.generate()
    fake.downloads["t"] = Reply(body=t.dump(), headers={"Content-Type": "application/x-bittorrent"})
    from mydia_tui.releases.release import Release

    c = client(fake)
    via_redirects = c.resolve(Release("x", "links", download_url=f"{fake.url}/dl/r"))
    assert via_redirects.info_hash == HASH and via_redirects.magnet == magnet
    torrent = c.resolve(Release("x", "links", download_url=f"{fake.url}/dl/t"))
    assert torrent.info_hash == t.infohash and torrent.torrent


# --- the search service ---------------------------------------------------------------------------


def test_search_target_ranks_and_explains(db, torznab):
    fake = torznab.add(
        "svc",
        items=[
            item_xml("The.Matrix.1999.720p.BluRay.x264-GRP", guid="1", seeders=100),
            item_xml("The.Matrix.1999.1080p.BluRay.x264-GRP", guid="2", seeders=5, infohash=HASH),
            item_xml("The.Matrix.Reloaded.2003.1080p.BluRay.x264-GRP", guid="3"),
            item_xml("The.Matrix.1999.1080p.WEB-DL.x264-GRP", guid="4", seeders=0),
        ],
    )
    other = torznab.add(
        "svc2",
        items=[
            item_xml("The Matrix 1999 1080p BluRay x264-OTHER", guid="5", seeders=5, infohash=HASH)
        ],
    )
    outcome = search_target(MATRIX, [cfg(fake), cfg(other, priority=30)], policy())
    assert [d.release.guid for d in outcome.candidates] == ["2", "1"]
    reasons = {d.release.guid: d.reason_code for d in outcome.rejected}
    assert reasons == {"3": "wrong_title", "4": "no_seeders", "5": "duplicate"}
    assert all(r.ok for r in outcome.indexers)
    text = "\n".join(format_outcome(outcome))
    assert "Bluray-1080p" in text and "wrong_title" in text
    data = search_json(outcome)
    assert data["candidates"][0]["quality"] == "Bluray-1080p"
    assert "secretkey123" not in str(data) + text


def test_a_slow_or_broken_indexer_does_not_hold_up_the_others(db, torznab):
    fast = torznab.add("fast", items=[item_xml("The.Matrix.1999.1080p.BluRay.x264-GRP", guid="f")])
    torznab.add("slow", answer=lambda p: Reply(delay=10, body=b"late"))
    broken = torznab.add("broken", answer=lambda p: Reply(body=BOMB))
    slow = torznab.indexers["slow"]
    started = time.monotonic()
    outcome = search_target(MATRIX, [cfg(fast), cfg(slow, timeout=0.5), cfg(broken)], policy())
    elapsed = time.monotonic() - started
    assert elapsed < 5
    by_name = {r.name: r for r in outcome.indexers}
    assert by_name["fast"].ok and by_name["fast"].results == 1
    assert by_name["slow"].error_code == "unavailable" and "0.5 s" in by_name["slow"].message
    assert by_name["broken"].error_code == "bad_response"
    assert [d.release.guid for d in outcome.candidates] == ["f"]


def test_indexer_without_caps_falls_back_to_text_search(db, torznab):
    fake = torznab.add(
        "nocaps",
        answer=lambda p: (
            Reply(body=error_xml(202, "No such function").encode())
            if p.get("t") == "caps"
            else None
        ),
    )
    client(fake).search_target(MATRIX)
    [search] = fake.searches()
    assert search["t"] == "search" and search["q"] == "The Matrix 1999"
    with pytest.raises(IndexerError, match="No such function"):  # doctor asks strictly
        client(fake).caps(refresh=True)


def test_503_with_retry_after_sets_the_next_retry(db, torznab):
    fake = torznab.add("maint", answer=lambda p: Reply(503, b"maintenance", {"Retry-After": "300"}))
    with pytest.raises(IndexerUnavailable, match="HTTP 503"):
        client(fake).search_target(MATRIX)
    h = indexer_health("maint")
    assert 290 < (h.next_retry_at - utcnow()).total_seconds() <= 301


def test_search_with_config_and_health_of(db, torznab):
    from mydia_tui.config import Config
    from mydia_tui.indexers.health import health_of
    from mydia_tui.indexers.release_search import search_with_config

    fake = torznab.add("cfg", items=[item_xml("The.Matrix.1999.1080p.BluRay.x264-GRP", guid="z")])
    broken = torznab.add("down", answer=lambda p: Reply(500, b"oops"))
    config = Config(indexers=(cfg(fake), cfg(broken)))
    outcome = search_with_config(config, MATRIX)  # default profile HD-1080p
    assert [d.quality for d in outcome.candidates] == ["Bluray-1080p"]
    assert [(h.name, h.ok) for h in health_of(config.indexers)] == [("cfg", True), ("down", False)]
    assert "HTTP 500" in health_of(config.indexers)[1].describe()


def test_recent_releases_query(db, torznab):
    fake = torznab.add("rss", items=[item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP")])
    feed = client(fake, max_pages=1).recent("movie")
    client(fake, max_pages=1).recent("show")
    movie, show = fake.searches()
    assert (movie["t"], movie["cat"], "q" in movie) == ("movie", "2000", False)
    assert (show["t"], show["cat"]) == ("tvsearch", "5000")
    assert len(feed.releases) == 1


def test_a_trickling_answer_is_cut_at_the_indexer_timeout(db, torznab):
    def trickle():
        yield b'<?xml version="1.0" encoding="UTF-8"?><rss><channel>'
        for _ in range(50):
            time.sleep(0.1)
            yield b" "

    fake = torznab.add(
        "trickle", answer=lambda p: Reply(body=trickle()) if p.get("t") != "caps" else None
    )
    started = time.monotonic()
    with pytest.raises(IndexerUnavailable, match="no complete answer within 0.5 s"):
        client(fake, timeout=0.5).search_target(MATRIX)
    assert time.monotonic() - started < 2


def test_resolve_release_through_the_config(db, torznab):
    from mydia_tui.config import Config
    from mydia_tui.indexers.release_search import resolve_release
    from mydia_tui.releases.release import Release

    fake = torznab.add("res")
    fake.downloads["m"] = Reply(302, b"", {"Location": f"magnet:?xt=urn:btih:{HASH}"})
    config = Config(indexers=(cfg(fake),))
    got = resolve_release(config, Release("x", "res", download_url=f"{fake.url}/dl/m"))
    assert got.info_hash == HASH
    with pytest.raises(IndexerError, match="not in the configuration"):
        resolve_release(config, Release("x", "gone", download_url="http://127.0.0.1:9/x"))


def test_connection_refused_is_unavailable_and_never_shows_the_key(db, caplog):
    import logging
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = TorznabClient(
        IndexerConfig(
            name="gone",
            url=f"http://127.0.0.1:{port}",
            api_key="topsecret42",
            min_interval=0,
            timeout=2,
        )
    )
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(IndexerUnavailable, match="cannot connect") as err,
    ):
        c.search_target(MATRIX)
    assert "topsecret42" not in str(err.value) + caplog.text + indexer_health("gone").last_error


def test_http_library_logs_do_not_show_the_key(db, torznab, caplog):
    import logging

    fake = torznab.add("logs")
    with caplog.at_level(logging.DEBUG):
        client(fake).search_target(MATRIX)
    assert "HTTP Request" in caplog.text and "apikey=********" in caplog.text
    assert "secretkey123" not in caplog.text
