"""Marks and bulk actions in the downloads pane, and "blocklist and search again", on real
daemons: a client (and seeder) deluged, the loopback Torznab server, a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from deluge_fixtures import wait_for
from monitor_helpers import make_payload, monitor_config, seed
from pilot_waits import wait_until
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig
from mydia_tui.deluge import DelugeClient
from mydia_tui.library import add_movie
from mydia_tui.lifecycle import fail_in_client
from mydia_tui.models import Blocklist, Download, History
from mydia_tui.monitor.engine import Monitor
from mydia_tui.services import Services
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.confirm import ConfirmScreen

pytestmark = pytest.mark.deluge

FILMS = [
    ("Big Buck Bunny", 2008),
    ("Sintel", 2010),
    ("Tears of Steel", 2012),
    ("Elephants Dream", 2006),
]


def release_name(title: str, year: int, group: str = "GRP") -> str:
    return f"{title.replace(' ', '.')}.{year}.1080p.BluRay.x264-{group}"


@pytest.fixture
def world(db, tmp_path, swarm, torznab):
    """A config on the swarm's client daemon with one Torznab indexer; ``offer`` puts a
    release on it (seeded by the swarm's seeder when ``seeded``)."""
    fake = torznab.add("fake")
    base = monitor_config(
        tmp_path, swarm.client.config(timeout=3.0), poll_interval=0.3, search_interval=600.0
    )
    config = base.__class__(
        **{
            **base.__dict__,
            "indexers": (
                IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
            ),
        }
    )

    def offer(name: str, *, seeded: bool = False, seeders: int = 30, size: int = 200_000):
        payload = make_payload(tmp_path, name, {f"{name}.mkv": size})
        if seeded:
            seed(swarm, payload)
        fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
        fake.items.append(
            item_xml(
                name,
                link=f"{fake.url}/dl/{payload.info_hash}",
                infohash=payload.info_hash,
                seeders=seeders,
            )
        )
        return payload

    client = DelugeClient(config.deluge)
    services = Services(config, client)
    services.swarm = swarm
    yield config, client, services, offer
    client.close()


def grab_four(services, offer, *, seeded: bool = False) -> list[str]:
    """Four films, each with its release grabbed into Deluge; their info-hashes."""
    hashes = []
    for title, year in FILMS:
        movie = add_movie(title, year)
        payload = offer(release_name(title, year), seeded=seeded)
        done = services.search(movie.id)
        assert done.severity == "information", done.message
        hashes.append(payload.info_hash)
    return hashes


async def test_marking_three_of_four_and_pausing_pauses_exactly_those(world):
    config, client, services, offer = world
    hashes = grab_four(services, offer)
    app = MydiaApp(
        config=config,
        monitor_factory=lambda: Monitor(config, client=client),
        services=services,
    )
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.main.downloads
        await wait_until(pilot, lambda: set(pane.view) == set(hashes), "the four torrents")
        await pilot.press("3", "space", "space", "space")
        marked = set(pane.view[:3])
        assert pane.marks == marked
        assert "3 marked" in str(pane.border_subtitle)
        (unmarked,) = set(hashes) - marked
        await pilot.press("p")
        wait_for(
            lambda: all(client.status(h).client_state == "Paused" for h in marked),
            20,
            what="the marked torrents paused",
        )
        assert client.status(unmarked).client_state != "Paused"

        # the poll reports them paused: the rows change in place, the marks stay
        await wait_until(
            pilot,
            lambda: all(pane.lines[h].stats.state == "paused" for h in marked),
            "the poll showing the marked torrents paused",
        )
        assert pane.marks == marked
        # p again on marks that are all paused: resumes exactly those
        await pilot.press("p")
        wait_for(
            lambda: all(client.status(h).client_state != "Paused" for h in marked),
            20,
            what="the marked torrents resumed",
        )

        # a marked torrent removed behind the app's back: its row and its mark go
        gone = pane.view[0]
        assert gone in pane.marks
        client.remove(gone)
        await wait_until(pilot, lambda: gone not in pane.lines, "the vanished row leaving")
        assert pane.marks == marked - {gone}
        await pilot.press("u")
        assert pane.marks == set() and "marked" not in str(pane.border_subtitle)
        assert app.is_running and app.crash is None


async def test_removing_two_marked_with_their_data_asks_once_and_removes_both(world):
    config, client, services, offer = world
    hashes = grab_four(services, offer, seeded=True)
    for h in hashes:  # no tracker, no DHT: point the client at the seeder; data then lands
        wait_for(lambda h=h: client.status(h) is not None, 20, what="the torrent in Deluge")
        services.swarm.connect(h)
    app = MydiaApp(config=config, services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.main.downloads
        await wait_until(pilot, lambda: set(pane.view) == set(hashes), "the four torrents")
        data = {}
        for h in hashes:
            status = client.status(h)
            data[h] = Path(status.save_path) / status.name
        await pilot.press("3", "j", "space", "space")
        chosen = pane.view[1:3]
        assert pane.marks == set(chosen)
        for h in chosen:
            wait_for(lambda h=h: data[h].exists(), 30, what="the torrent's data on disk")
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith("Remove 2 downloads and their data?")
        await pilot.press("o")  # remove only (the other answer also blocklists)
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "answered")
        assert not isinstance(app.screen, ConfirmScreen)  # one question for both
        # the marks go with the answer, before the rows do: a later R acts on the highlighted
        # row, never again on these
        assert pane.marks == set()
        await wait_until(
            pilot, lambda: not (set(chosen) & set(pane.lines)), "both removed rows leaving"
        )
        assert set(client.session()) == set(hashes) - set(chosen)
        for h in chosen:
            assert Download.get(Download.info_hash == h).state == "removed"
            wait_for(lambda h=h: not data[h].exists(), 20, what="the data deleted")
        for h in set(hashes) - set(chosen):
            assert Download.get(Download.info_hash == h).state != "removed"
        assert not Blocklist.select().exists()
        assert pane.marks == set()


async def test_blocklist_and_search_again_on_a_failed_download(world):
    config, client, services, offer = world
    movie = add_movie("Sintel", 2010)
    first = offer(release_name("Sintel", 2010), seeders=50)
    second = offer(release_name("Sintel", 2010, "OTHER"), seeders=5)
    assert services.search(movie.id).severity == "information"
    (failed,) = Download.select()
    assert failed.info_hash == first.info_hash
    # what the poll does when Deluge reports the torrent in error
    assert fail_in_client(failed.id, "tracker: torrent not registered")
    app = MydiaApp(config=config, services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.main.downloads
        await pilot.press("3")
        assert not pane.list.check_action("blocklist_search", ())  # nothing failed shown yet
        await pilot.press("a")  # finished downloads too
        await wait_until(pilot, lambda: first.info_hash in pane.view, "the failed row")
        pane.list.move_cursor(pane.view.index(first.info_hash))
        await pilot.pause()
        assert pane.list.check_action("blocklist_search", ()) is True
        await pilot.press("B")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: Download.select().where(Download.info_hash == second.info_hash).exists(),
            "another release grabbed",
        )
        assert Blocklist.get(Blocklist.info_hash == first.info_hash).item_id == movie.id
        assert set(client.session()) == {second.info_hash}
        await wait_until(pilot, lambda: second.info_hash in pane.lines, "the new row shown")
        assert any("grabbed" in n.message for n in app._notifications)

        # the failed row stays: B again (a new user's report) says it was already removed, in
        # one line, and neither records a second removal nor searches again
        events = History.select().count()
        pane.list.move_cursor(pane.view.index(first.info_hash))
        await pilot.pause()
        await pilot.press("B")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: any("already removed" in n.message for n in app._notifications),
            "the second answer",
        )
        (again,) = [n for n in app._notifications if "already removed" in n.message]
        assert again.severity == "warning" and "\n" not in again.message, again.message
        assert History.select().count() == events
        assert Download.select().count() == 2


def queue_positions(services, hashes: list[str]) -> dict[str, int]:
    """Deluge's queue position of each torrent (raw RPC: the adapter does not read it)."""
    rpc = services.swarm.client.rpc()
    try:
        return {h: rpc.call("core.get_torrent_status", h, ["queue"])["queue"] for h in hashes}
    finally:
        rpc.disconnect()


async def test_queue_moves_and_recheck_apply_to_the_marked_rows(world):
    config, client, services, offer = world
    hashes = grab_four(services, offer)
    app = MydiaApp(config=config, services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.main.downloads
        await wait_until(pilot, lambda: set(pane.view) == set(hashes), "the four torrents")
        wait_for(
            lambda: all(q >= 0 for q in queue_positions(services, hashes).values()),
            20,
            what="the four torrents in Deluge's queue",
        )
        before = queue_positions(services, hashes)
        last_two = sorted(hashes, key=before.__getitem__)[2:]  # the bottom of Deluge's queue
        await pilot.press("3")
        for h in last_two:  # marked in the view's order (newest first), wherever they are
            pane.list.move_cursor(pane.view.index(h))
            await pilot.press("space")
        assert pane.marks == set(last_two)
        marked_in_view = [h for h in pane.view if h in pane.marks]
        await pilot.press("left_curly_bracket")  # to the top of the queue
        wait_for(
            lambda: (
                sorted(queue_positions(services, hashes).values())[:2] == [0, 1]
                and {h for h, q in queue_positions(services, hashes).items() if q < 2}
                == set(last_two)
            ),
            20,
            what="the two marked torrents at the top of Deluge's queue",
        )
        after = queue_positions(services, hashes)
        # they keep the order they are shown in
        assert [after[h] for h in marked_in_view] == [0, 1]
        await pilot.press("right_curly_bracket")  # and to the bottom
        wait_for(
            lambda: (
                {h for h, q in queue_positions(services, hashes).items() if q >= 2} == set(last_two)
            ),
            20,
            what="the two marked torrents at the bottom of Deluge's queue",
        )
        await pilot.press("c")
        await wait_until(
            pilot,
            lambda: any(n.message == "Rechecking 2 downloads" for n in app._notifications),
            "the recheck of the two marked torrents said",
        )


async def test_deleting_a_film_whose_download_is_in_flight_offers_to_remove_the_download(world):
    """Deleting a film while its torrent downloads was refused with "remove them first": the
    user had to find the torrent in the queue. Now the app asks once more, names the download,
    and on yes removes the torrent from Deluge with its data, then deletes the film (its
    history kept). Escape at that question changes nothing."""
    from mydia_tui.models import History, MediaItem

    config, client, services, offer = world
    movie = add_movie("Sintel", 2010)
    payload = offer(release_name("Sintel", 2010))  # nobody seeds it: it stays in flight
    assert services.search(movie.id).severity == "information"
    app = MydiaApp(config=config, services=services)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.main.library.current_id() == movie.id, "the film")
        app.main.library.list.focus()
        for answer in ("escape", "y"):
            await pilot.press("delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
            await pilot.press("r")  # from the library only (its files kept)
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, ConfirmScreen) and "in flight" in app.screen.question
                ),
                "the question about the download",
            )
            assert "Sintel.2010.1080p.BluRay.x264-GRP" in app.screen.question
            await pilot.press(answer)
            if answer == "escape":
                await pilot.pause(0.3)
                assert client.status(payload.info_hash) is not None
                assert MediaItem.get_or_none(MediaItem.id == movie.id) is not None
        wait_for(lambda: client.status(payload.info_hash) is None, 20, what="the torrent gone")
        await wait_until(
            pilot, lambda: MediaItem.get_or_none(MediaItem.id == movie.id) is None, "the delete"
        )
        assert app.is_running and app.crash is None
    # the film's finished downloads go with it; its history stays, the torrent's removal last
    # but one and the film's deletion last
    events = [(h.event, h.message) for h in History.select().order_by(History.id)]
    assert [e for e, _ in events].count("grabbed") == 1, events
    assert [e for e, _ in events][-2:] == ["removed", "removed"], events
    assert events[-1][1].startswith("deleted film Sintel (2010)"), events
