"""The core services behind the TUI's actions, against a real deluged and Torznab server."""

from __future__ import annotations

import pytest
from deluge_fixtures import wait_for
from monitor_helpers import make_payload, monitor_config
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig
from mydia_tui.deluge import DelugeClient
from mydia_tui.errors import MydiaError
from mydia_tui.library import add_movie
from mydia_tui.models import Download
from mydia_tui.monitor.wanted import wanted_movies
from mydia_tui.services import Services

pytestmark = pytest.mark.deluge

BEST = "Sintel.2010.1080p.BluRay.x264-GRP"


@pytest.fixture
def services(db, tmp_path, deluged, torznab):
    fake = torznab.add("fake")
    base = monitor_config(tmp_path, deluged.config(timeout=3.0))
    config = base.__class__(
        **{
            **base.__dict__,
            "indexers": (
                IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
            ),
        }
    )
    client = DelugeClient(config.deluge)
    svc = Services(config, client)
    svc.fake = fake
    svc.payload = make_payload(tmp_path, BEST, {f"{BEST}.mkv": 100_000})
    yield svc
    client.close()


def offer(svc):
    p = svc.payload
    svc.fake.downloads[p.info_hash] = Reply(body=p.torrent)
    svc.fake.items.append(
        item_xml(BEST, link=f"{svc.fake.url}/dl/{p.info_hash}", infohash=p.info_hash, seeders=30)
    )


def test_search_grabs_the_best_release_through_the_guard(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    assert "grabbed" in services.search(movie.id)
    assert set(services.client.session()) == {services.payload.info_hash}
    with pytest.raises(MydiaError, match="already being fetched"):
        services.search(movie.id)
    assert Download.select().count() == 1


def test_search_with_nothing_acceptable_says_so(services):
    movie = add_movie("Sintel", 2010)
    with pytest.raises(MydiaError, match="nothing acceptable found for Sintel"):
        services.search(movie.id)


def test_pause_resume_and_remove(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    services.pause(h)
    assert services.client.status(h).client_state == "Paused"
    services.resume(h)
    wait_for(lambda: services.client.status(h).client_state != "Paused", 10, what="resume")
    services.remove(h, delete_data=True)
    assert services.client.session() == {}
    (d,) = Download.select()
    assert d.state == "removed" and d.removed_at is not None
    assert [m.item_id for m in wanted_movies()] == [movie.id]


def test_interactive_releases_then_grab_one(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.fake.items.append(item_xml("Sintel.2.2015.1080p.BluRay.x264-GRP", seeders=99))
    choices = services.releases(movie.id)
    assert [c.title for c in choices] == [BEST, "Sintel.2.2015.1080p.BluRay.x264-GRP"]
    assert choices[0].rejection == "" and choices[1].rejection.startswith("wrong_")
    assert "grabbed" in services.grab(choices[0])
    with pytest.raises(MydiaError, match="in_flight"):
        services.grab(choices[0])
