"""The monitor inside the TUI: a thread worker on real daemons and a real Torznab server; the
app shows what it reports and quits without waiting on the network."""

from __future__ import annotations

import time

import pytest
from monitor_helpers import make_payload, monitor_config
from pilot_waits import wait_until
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig
from mydia_tui.deluge import DelugeClient
from mydia_tui.library import add_movie
from mydia_tui.models import Download
from mydia_tui.monitor.engine import Monitor
from mydia_tui.services import Services
from mydia_tui.tui.app import MydiaApp

pytestmark = pytest.mark.deluge

BEST = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"


async def test_monitor_worker_grabs_and_the_status_bar_shows_deluge(db, tmp_path, deluged, torznab):
    fake = torznab.add("fake")
    payload = make_payload(tmp_path, BEST, {f"{BEST}.mkv": 100_000})
    fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
    fake.items.append(
        item_xml(
            BEST, link=f"{fake.url}/dl/{payload.info_hash}", infohash=payload.info_hash, seeders=30
        )
    )
    base = monitor_config(tmp_path, deluged.config(timeout=3.0), search_interval=600.0)
    config = base.__class__(
        **{
            **base.__dict__,
            "indexers": (
                IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
            ),
        }
    )
    add_movie("Big Buck Bunny", 2008)
    client = DelugeClient(config.deluge)
    app = MydiaApp(
        config=config,
        monitor_factory=lambda: Monitor(config, client=client),
        services=Services(config, client),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: Download.select().count() == 1)
        status = app.screen.query_one("#status")
        await wait_until(pilot, lambda: "connected" in status.deluge_text().plain)
        await wait_until(pilot, lambda: status.indexers_text().plain == "indexers 1 ok")
        started = time.monotonic()
    # leaving run_test stopped the app: the monitor worker stopped with it, promptly
    assert time.monotonic() - started < 10
    (d,) = Download.select()
    assert d.title == BEST
    client.close()
