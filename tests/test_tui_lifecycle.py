"""The app through a download's whole life, as a user runs it: a real client and seeder
deluged, the loopback Torznab server, the monitor in the app's worker, a real SQLite file.

The cursor stays on the downloading row from grab to import (the row then leaves under it),
then a second download is removed with its row highlighted (remove and blocklist, the
default): the app stays up, the rows leave as they should, and nothing is grabbed again.
"""

from __future__ import annotations

import pytest
from monitor_helpers import make_payload, monitor_config, seed
from pilot_waits import wait_until
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig
from mydia_tui.deluge import DelugeClient
from mydia_tui.library import add_movie
from mydia_tui.models import Blocklist, Download, History, MediaFile
from mydia_tui.monitor.engine import Monitor
from mydia_tui.services import Services
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.confirm import ConfirmScreen

pytestmark = pytest.mark.deluge

FILM = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
OTHER = "Sintel.2010.1080p.BluRay.x264-GRP"


@pytest.fixture
def world(db, tmp_path, swarm, torznab):
    fake = torznab.add("fake")
    base = monitor_config(
        tmp_path, swarm.client.config(timeout=3.0), poll_interval=0.3, search_interval=2.0
    )
    config = base.__class__(
        **{
            **base.__dict__,
            "indexers": (
                IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
            ),
        }
    )

    def offer(name: str, *, seeded: bool, size: int):
        payload = make_payload(tmp_path, name, {f"{name}.mkv": size})
        if seeded:
            seed(swarm, payload)
        fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
        fake.items.append(
            item_xml(name, link=f"{fake.url}/dl/{payload.info_hash}", infohash=payload.info_hash)
        )
        return payload

    client = DelugeClient(config.deluge)
    yield config, client, swarm, offer
    client.close()


async def test_the_app_follows_a_download_from_grab_to_import_then_a_removal(world):
    config, client, swarm, offer = world
    film = add_movie("Big Buck Bunny", 2008)
    other = add_movie("Sintel", 2010)
    payload = offer(FILM, seeded=True, size=4_000_000)
    unseeded = offer(OTHER, seeded=False, size=200_000)  # no peer: it stays downloading
    app = MydiaApp(
        config=config,
        monitor_factory=lambda: Monitor(config, client=client),
        services=Services(config, client),
    )
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.main.downloads
        await wait_until(
            pilot,
            lambda: payload.info_hash in pane.lines and unseeded.info_hash in pane.lines,
            "both grabs shown in the queue",
        )
        await pilot.press("3")
        pane.list.move_cursor(pane.view.index(payload.info_hash))
        await pilot.pause()

        dialed = set()

        def dial_and_check() -> None:
            # the cursor stays on the film's row for as long as the row is there
            if payload.info_hash in pane.view:
                assert pane.list.current_key() == payload.info_hash
            assert app.is_running, app.crash
            if payload.info_hash not in dialed and payload.info_hash in client.session():
                swarm.connect(payload.info_hash)  # no tracker, no DHT: point it at the seeder
                dialed.add(payload.info_hash)

        await wait_until(
            pilot,
            lambda: payload.info_hash not in pane.lines,
            "the imported download leaving the queue under the cursor",
            each=dial_and_check,
        )
        assert Download.get(Download.info_hash == payload.info_hash).state == "imported"
        assert MediaFile.select().where(MediaFile.movie == film.id).exists()
        assert app.is_running and app.crash is None
        # the cursor moved to the row that is left: the other download
        assert pane.view == [unseeded.info_hash]
        assert pane.list.current_key() == unseeded.info_hash

        # remove the highlighted download: asked once, remove and blocklist is the default
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: unseeded.info_hash not in pane.lines, "the removed row leaving"
        )
        assert Download.get(Download.info_hash == unseeded.info_hash).state == "removed"
        assert Blocklist.get(Blocklist.info_hash == unseeded.info_hash).item_id == other.id
        assert unseeded.info_hash not in client.session()
        assert pane.view == [] and pane.list.current() is None
        assert any("blocklisted" in n.message for n in app._notifications)

        # the next search cycle finds the same release again and passes it over, blocklisted:
        # never re-grabbed, never even tried
        await wait_until(
            pilot,
            lambda: (
                History.select()
                .where(
                    (History.event == "search_empty")
                    & (History.item == other.id)
                    & History.message.contains("refused: blocklisted 1")
                )
                .exists()
            ),
            "the monitor passing over the blocklisted release",
        )
        assert not History.select().where(History.reason == "blocklisted").exists()
        assert Download.select().where(Download.item == other.id).count() == 1
        assert app.is_running and app.crash is None
    assert app.return_code in (0, None)
