"""The Torznab client against servers as they are: compressed answers, short pages, missing
seeder counts, textual sizes, web pages instead of feeds, headers dripped one byte at a time,
429 with Retry-After and 5xx. A real HTTP server on loopback (``tests/torznab_server.py``)."""

from __future__ import annotations

import gzip
import logging
import threading
import time
import zlib

import pytest
from torznab_server import Reply, feed_xml, item_xml

from mydia_tui.config import IndexerConfig, QualityConfig
from mydia_tui.indexers.health import (
    IndexerBadResponse,
    IndexerRateLimited,
    IndexerSkipped,
    IndexerUnavailable,
    indexer_health,
)
from mydia_tui.indexers.release_search import search_target
from mydia_tui.indexers.torznab import TorznabClient, close_http_clients, http_client
from mydia_tui.releases.decide import Policy
from mydia_tui.releases.quality import resolve_profile
from mydia_tui.targets import Target

MATRIX = Target(kind="movie", item_id=1, title="The Matrix", year=1999)
TITLE = "The.Matrix.1999.1080p.BluRay.x264-GRP"


def cfg(fake, **kw) -> IndexerConfig:
    base = dict(name=fake.name, url=fake.url, api_key=fake.api_key, min_interval=0, timeout=5)
    base.update(kw)
    return IndexerConfig(**base)


def policy(**quality) -> Policy:
    return Policy.from_config(resolve_profile("Any"), QualityConfig(**quality))


def on_search(reply):
    """An ``answer`` that gives ``reply(params)`` to searches and the default to ``t=caps``."""
    return lambda p: reply(p) if p.get("t") != "caps" else None


# --- compression ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress)],
    ids=["gzip", "deflate"],
)
def test_a_compressed_answer_is_decoded(db, torznab, encoding, compress):
    body = compress(feed_xml([item_xml(TITLE, guid="z")]).encode())
    fake = torznab.add(
        "zipped",
        answer=on_search(lambda p: Reply(body=body, headers={"Content-Encoding": encoding})),
    )
    feed = TorznabClient(cfg(fake)).search_target(MATRIX)
    assert [r.title for r in feed.releases] == [TITLE]


def test_the_size_cap_holds_on_the_decoded_bytes_of_a_gzip_bomb(db, torznab):
    # 40 MB of spaces compress to about 40 kB: the cap is on what it becomes, not what was sent
    inflated = b'<?xml version="1.0" encoding="UTF-8"?><rss><channel>' + b" " * 40_000_000
    body = gzip.compress(inflated, compresslevel=9)
    assert len(body) < 100_000
    fake = torznab.add(
        "bomb", answer=on_search(lambda p: Reply(body=body, headers={"Content-Encoding": "gzip"}))
    )
    with pytest.raises(IndexerBadResponse, match="larger than the limit"):
        TorznabClient(cfg(fake), max_bytes=1024 * 1024).search_target(MATRIX)


# --- one long-lived client per indexer ------------------------------------------------------------


def test_one_http_client_per_indexer_reused_across_searches_and_closed_on_shutdown(db, torznab):
    fake = torznab.add("pooled", items=[item_xml(TITLE, guid="p")])
    first = http_client(cfg(fake))
    for _ in range(3):
        TorznabClient(cfg(fake)).search_target(MATRIX)
    assert http_client(cfg(fake)) is first  # the same pool, connections kept alive
    assert http_client(cfg(fake, name="other")) is not first
    close_http_clients()
    assert first.is_closed
    assert http_client(cfg(fake)) is not first  # a new one after shutdown
    close_http_clients()


# --- paging ---------------------------------------------------------------------------------------


def test_paging_goes_on_past_a_page_shorter_than_asked_until_an_empty_page(db, torznab):
    """The server serves 50 a page while the client asks 100 (its caps say 100)."""
    items = [item_xml(f"The.Matrix.1999.720p.BluRay.x264-G{i}", guid=f"g{i}") for i in range(120)]

    def fifty_a_page(params):
        offset = int(params.get("offset", 0))
        return Reply(body=feed_xml(items[offset : offset + 50]).encode())

    fake = torznab.add("short", answer=on_search(fifty_a_page))
    feed = TorznabClient(cfg(fake), max_pages=10).search_target(MATRIX)
    assert len(feed.releases) == 120
    assert [s["offset"] for s in fake.searches()] == ["0", "50", "100", "120"]


def test_paging_stops_at_the_total_the_indexer_reports(db, torznab):
    items = [item_xml(f"The.Matrix.1999.720p.BluRay.x264-G{i}", guid=f"g{i}") for i in range(70)]

    def with_total(params):
        offset = int(params.get("offset", 0))
        page = items[offset : offset + 50]
        return Reply(body=feed_xml(page, total=len(items), offset=offset).encode())

    fake = torznab.add("total", answer=on_search(with_total))
    feed = TorznabClient(cfg(fake), max_pages=10).search_target(MATRIX)
    assert len(feed.releases) == 70
    assert [s["offset"] for s in fake.searches()] == ["0", "50"]  # 70 of 70: no empty page asked


# --- items as servers write them ------------------------------------------------------------------


def test_a_missing_seeder_count_is_unknown_accepted_and_ranked_below_known_counts(db, torznab):
    fake = torznab.add(
        "noseed",
        items=[
            item_xml(TITLE, guid="unknown", seeders=None, size=4_000_000_000),
            item_xml("The.Matrix.1999.1080p.BluRay.x264-OTHER", guid="known", seeders=3),
        ],
    )
    outcome = search_target(MATRIX, [cfg(fake)], policy())  # default min_seeders = 1
    assert [d.release.guid for d in outcome.candidates] == ["known", "unknown"]
    assert outcome.candidates[1].release.seeders is None
    # a profile that requires seeders refuses what gives no count
    strict = search_target(MATRIX, [cfg(fake)], policy(require_seeders=True), require_seeders=True)
    assert [d.release.guid for d in strict.candidates] == ["known"]
    assert [d.reason_code for d in strict.rejected] == ["no_seeders"]


def test_a_textual_size_falls_back_to_the_size_attribute(db, torznab):
    fake = torznab.add(
        "textsize",
        items=[
            item_xml(TITLE, guid="a", size="1.4 GB", attrs={"size": "1503238553"}),
            item_xml("The.Matrix.1999.720p.BluRay.x264-GRP", guid="b", size="700 MiB"),
        ],
    )
    feed = TorznabClient(cfg(fake)).search_target(MATRIX)
    sizes = {r.guid: r.size for r in feed.releases}
    assert sizes == {"a": 1_503_238_553, "b": 700 * 1024 * 1024}
    assert feed.dropped == 0


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>",
        b"<html><body><form action=/login>Login</form></body></html>",
    ],
    ids=["cloudflare", "login"],
)
def test_a_web_page_with_status_200_is_reported_as_a_web_page(db, torznab, page):
    fake = torznab.add(
        "webpage",
        answer=on_search(lambda p: Reply(body=page, headers={"Content-Type": "text/html"})),
    )
    with pytest.raises(IndexerBadResponse) as err:
        TorznabClient(cfg(fake)).search_target(MATRIX)
    assert "the indexer answered a web page (login or protection page?)" in str(err.value)
    assert "entity" not in str(err.value)
    health = indexer_health("webpage")
    assert not health.ok and "web page" in health.last_error


# --- deadlines ------------------------------------------------------------------------------------


def test_headers_dripped_one_byte_at_a_time_are_cut_at_the_request_deadline(db, torznab):
    body = feed_xml([item_xml(TITLE)]).encode()
    fake = torznab.add("drip", answer=on_search(lambda p: Reply(body=body, drip=0.05)))
    started = time.monotonic()
    with pytest.raises(IndexerUnavailable, match="within 1 s"):
        TorznabClient(cfg(fake, timeout=1)).search_target(MATRIX)
    assert time.monotonic() - started < 2.5


def test_a_search_of_a_dripping_indexer_returns_when_asked_to_stop(db, torznab):
    body = feed_xml([item_xml(TITLE)]).encode()
    fake = torznab.add("dripstop", answer=on_search(lambda p: Reply(body=body, drip=0.2)))
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    outcome = search_target(MATRIX, [cfg(fake, timeout=60)], policy(), stop=stop)
    assert time.monotonic() - started < 1.5
    assert [r.error_code for r in outcome.indexers] == ["stopped"]


# --- failures back off the indexer, one warning per change -----------------------------------------


def test_429_with_retry_after_backs_off_the_indexer_with_one_warning(db, torznab, caplog):
    fake = torznab.add("busy", answer=on_search(lambda p: Reply(429, b"", {"Retry-After": "600"})))
    caplog.set_level(logging.INFO, logger="mydia_tui")
    with pytest.raises(IndexerRateLimited):
        TorznabClient(cfg(fake)).search_target(MATRIX)
    for _ in range(3):
        with pytest.raises(IndexerSkipped):
            TorznabClient(cfg(fake)).search_target(MATRIX)
    assert len(fake.searches()) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "busy" in warnings[0] and "429" in warnings[0] and "secretkey123" not in warnings[0]


def test_5xx_then_recovery_is_two_state_changes_logged_once_each(db, torznab, caplog):
    state = {"down": True}
    fake = torznab.add(
        "five",
        items=[item_xml(TITLE, guid="x")],
        answer=on_search(lambda p: Reply(502, b"bad gateway") if state["down"] else None),
    )
    caplog.set_level(logging.INFO, logger="mydia_tui")
    c = TorznabClient(cfg(fake))
    with pytest.raises(IndexerUnavailable, match="HTTP 502"):
        c.search_target(MATRIX)
    with pytest.raises(IndexerUnavailable):  # a second failure: no second warning
        c.search_target(MATRIX)
    state["down"] = False
    from mydia_tui.models import Indexer

    Indexer.update(next_retry_at=None).execute()
    c.search_target(MATRIX)
    c.search_target(MATRIX)
    changes = [
        r.getMessage()
        for r in caplog.records
        if r.name == "mydia_tui.indexers.health" and r.levelno >= logging.INFO
    ]
    assert len(changes) == 2, changes
    assert "HTTP 502" in changes[0] and "answers again" in changes[1]


# --- the request budget ---------------------------------------------------------------------------


def test_the_request_budget_per_hour_is_never_exceeded(db, torznab):
    fake = torznab.add("budget", items=[item_xml(TITLE, guid="b")])
    c = TorznabClient(cfg(fake, requests_per_hour=3))
    c.search_target(MATRIX)  # t=caps and one page: 2 requests
    c.search_target(MATRIX)  # caps cached: 1 request
    with pytest.raises(IndexerSkipped, match="budget of 3 requests per hour is spent"):
        c.search_target(MATRIX)
    assert len(fake.requests) == 3
    assert indexer_health("budget").ok  # a spent budget is not a failure of the indexer
