"""The core services behind the TUI's actions, against a real deluged and Torznab server."""

from __future__ import annotations

import datetime as dt

import pytest
from deluge_fixtures import wait_for
from monitor_helpers import make_payload, monitor_config
from torznab_server import Reply, item_xml

from mydia_tui.config import IndexerConfig
from mydia_tui.deluge import DelugeClient
from mydia_tui.errors import MydiaError
from mydia_tui.library import NewEpisode, add_movie, add_show, set_monitored
from mydia_tui.models import Blocklist, Download, History
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


def failed_grab(svc) -> tuple[str, Download]:
    """Sintel's one release grabbed, then failed as the poll fails it when Deluge reports the
    torrent in error: its info-hash and its download."""
    from mydia_tui.lifecycle import fail_in_client

    movie = add_movie("Sintel", 2010)
    offer(svc)
    assert svc.search(movie.id).severity == "information"
    (d,) = Download.select()
    assert fail_in_client(d.id, "tracker: torrent not registered")
    return svc.payload.info_hash, d


def test_search_grabs_the_best_release_through_the_guard(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    done = services.search(movie.id)
    assert done.severity == "information"
    assert done.message == f"grabbed {BEST} for Sintel (2010)"
    assert set(services.client.session()) == {services.payload.info_hash}
    # a refusal by the guard is information for the user, not an error
    again = services.search(movie.id)
    assert again.severity == "warning" and "already being fetched" in again.message
    assert Download.select().count() == 1
    refused = History.get(History.event == "refused")
    assert refused.item_id == movie.id  # the outcome belongs to the item's history


def test_search_with_nothing_acceptable_says_so(services):
    movie = add_movie("Sintel", 2010)
    done = services.search(movie.id)
    assert done.severity == "warning"
    assert done.message.startswith("nothing acceptable found for Sintel (2010)")
    assert History.get(History.event == "search_empty").item_id == movie.id
    assert not History.select().where(History.event == "error").exists()


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
    assert services.grab(choices[0]).message == f"grabbed {BEST} for Sintel (2010)"
    again = services.grab(choices[0])
    assert again.severity == "warning" and "already being fetched" in again.message


def test_remove_and_blocklist_never_grabs_that_release_again(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    done = services.remove(h, blocklisted=True)
    assert "blocklisted" in done.message and "another release" in done.message
    assert services.client.session() == {}
    (d,) = Download.select()
    assert d.state == "removed"
    assert Blocklist.get(Blocklist.info_hash == h).item_id == movie.id
    assert [m.item_id for m in wanted_movies()] == [movie.id]  # wanted again
    # the next search finds the same release and refuses it: nothing is grabbed
    again = services.search(movie.id)
    assert again.severity == "warning" and "nothing acceptable found" in again.message
    assert services.client.session() == {} and Download.select().count() == 1


def test_remove_only_lets_the_release_be_grabbed_again(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    assert "(keeping its data, not blocklisted)" in services.remove(h).message
    assert not Blocklist.select().exists()
    assert services.search(movie.id).severity == "information"
    assert set(services.client.session()) == {h}


def test_removing_a_torrent_already_gone_from_deluge_still_ends_its_download(services):
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    services.client.remove(h)  # gone behind our back
    done = services.remove(h, blocklisted=True)
    assert "no longer in Deluge" in done.message
    assert Download.get().state == "removed"


def test_search_on_a_show_searches_what_is_wanted_pack_first_then_episodes(services, tmp_path):
    """F on a show row: its wanted season is tried as a pack, and with no pack on offer its
    wanted episodes one by one, as the monitor does (the pack is never the only try)."""
    show = add_show(
        "Pioneer One", [NewEpisode(1, n, air_date=dt.date(2010, 6, n)) for n in (1, 2, 3)]
    )
    name = "Pioneer.One.S01E02.1080p.WEB-DL.x264-VODO"
    payload = make_payload(tmp_path, name, {f"{name}.mkv": 100_000})
    fake = services.fake
    fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
    fake.items.append(
        item_xml(
            name,
            link=f"{fake.url}/dl/{payload.info_hash}",
            infohash=payload.info_hash,
            category=5040,
        )
    )
    done = services.search(show.id)
    assert done.message == f"grabbed {name} for Pioneer One S01E02", done.message
    (d,) = Download.select()
    assert d.kind == "episodes" and set(services.client.session()) == {payload.info_hash}
    # the season row: the same, and the episode already in flight is not searched again
    season = services.search(show.id, season=1)
    assert season.severity == "warning" and "grabbed" not in season.message
    assert Download.select().count() == 1


def test_search_on_a_show_with_nothing_wanted_says_so(services):
    show = add_show("Pioneer One", [NewEpisode(1, 1, air_date=dt.date(2010, 6, 1))])
    set_monitored(show.id, False, season=1)
    done = services.search(show.id)
    assert done.severity == "warning"
    assert done.message.startswith("nothing is wanted in Pioneer One"), done.message


def test_a_search_no_indexer_answered_is_a_failure_not_nothing_found(services):
    """An indexer that answers 503 says nothing about the film: the user is told the search
    failed, and the film gets no "nothing found" cool-down (it did: an hour, then doubling)."""
    from torznab_server import Reply

    from mydia_tui.models import SearchState

    movie = add_movie("Sintel", 2010)
    services.fake.answer = lambda params: Reply(status=503, body=b"maintenance")
    done = services.search(movie.id)
    assert done.severity == "warning"
    # a new user's report (s8, finding 5): the indexer was named three times, in brackets
    # inside brackets; now once, in one line
    failing = "fake is failing (server error, HTTP 503)"
    assert done.message == f"the search for Sintel (2010) failed: {failing}", done.message
    assert not History.select().where(History.event == "search_empty").exists()
    assert not SearchState.select().where(SearchState.next_search_at.is_null(False)).exists()
    error = History.get(History.event == "error")
    assert error.item_id == movie.id
    assert error.message == f"search for Sintel (2010) failed: {failing}", error.message
    # the second failure in a row: it backs off, and says until when
    with pytest.raises(MydiaError) as raised:
        services.releases(movie.id)
    assert str(raised.value).startswith(f"{failing}; retried at "), raised.value
    assert str(raised.value).endswith(" UTC") and "((" not in str(raised.value).replace(" ", "")
    again = services.search(movie.id)  # skipped while it backs off: why it failed last
    assert again.message.startswith(f"the search for Sintel (2010) failed: {failing}; retried")


def test_without_indexers_a_search_says_so(db, tmp_path, deluged):
    config = monitor_config(tmp_path, deluged.config(timeout=3.0))
    client = DelugeClient(config.deluge)
    try:
        svc = Services(config, client)
        movie = add_movie("Sintel", 2010)
        done = svc.search(movie.id)
        assert done.severity == "warning" and done.message.startswith("no indexers configured")
        with pytest.raises(MydiaError, match="no indexers configured"):
            svc.releases(movie.id)
    finally:
        client.close()


def test_blocklist_and_search_again_grabs_another_release(services, tmp_path):
    """A failed download: its release is blocklisted, its torrent removed with its data, and
    the film searched again at once: the next best release is grabbed through the guard."""
    from mydia_tui.lifecycle import fail_in_client

    movie = add_movie("Sintel", 2010)
    offer(services)
    other = "Sintel.2010.1080p.WEB-DL.x264-OTHER"
    payload = make_payload(tmp_path, other, {f"{other}.mkv": 100_000})
    services.fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
    services.fake.items.append(
        item_xml(
            other, link=f"{services.fake.url}/dl/{payload.info_hash}", infohash=payload.info_hash
        )
    )
    services.search(movie.id)
    first = services.payload.info_hash
    (d,) = Download.select()
    assert d.info_hash == first
    assert fail_in_client(d.id, "tracker: torrent not registered")
    done = services.blocklist_and_search(first)
    assert done.severity == "information"
    assert done.message.startswith(f"removed {BEST} (with its data, blocklisted)")
    assert done.message.endswith(f"grabbed {other} for Sintel (2010)")
    assert Blocklist.get(Blocklist.info_hash == first).item_id == movie.id
    assert set(services.client.session()) == {payload.info_hash}
    assert Download.get(Download.info_hash == payload.info_hash).item_id == movie.id


def test_blocklist_and_search_again_with_no_other_release_says_nothing_acceptable(services):
    """A new user's report: with the failed release the only one offered, "blocklist and
    search again" tried the release it had just blocklisted ("release is blocklisted"),
    recorded a refusal for it, and recorded no removal."""
    first, d = failed_grab(services)
    done = services.blocklist_and_search(first)
    assert done.severity == "warning"
    assert done.message.startswith(f"removed {BEST} (with its data, blocklisted)"), done.message
    assert "nothing acceptable found for Sintel (2010)" in done.message, done.message
    assert "release is blocklisted" not in done.message
    assert not History.select().where(History.reason == "blocklisted").exists()
    removed = History.get(History.event == "removed")
    assert removed.download_id == d.id and "blocklisted" in removed.message
    assert services.client.session() == {}


def test_blocklist_and_search_again_twice_says_already_removed_and_changes_nothing(services):
    """A new user's report: "blocklist and search again" on a failed download could be done
    twice (its row stays failed): a second "removed" event and a second search. The second
    says the torrent was already removed, in one line, and records, searches and asks
    Deluge nothing; so does a plain removal after it."""
    first, d = failed_grab(services)
    assert services.blocklist_and_search(first).message.startswith(f"removed {BEST}")
    events = History.select().count()
    again = services.blocklist_and_search(first)
    assert (again.message, again.severity) == (
        f"{BEST} was already removed and blocklisted: nothing done",
        "warning",
    )
    plain = services.remove(first, delete_data=True)
    assert (plain.message, plain.severity) == (
        f"{BEST} was already removed: nothing done",
        "warning",
    )
    assert History.select().count() == events  # no second removal, no second search
    assert History.select().where(History.event == "removed").count() == 1
    assert History.select().where(History.event == "search_empty").count() == 1
    assert Blocklist.select().count() == 1
    assert Download.get_by_id(d.id).state == "failed"


def test_a_failed_download_removed_without_the_blocklist_can_still_be_blocklisted(services):
    """Removed once without the blocklist, a failed download's release may still be
    blocklisted and searched again: that is not a repeat."""
    first, d = failed_grab(services)
    assert services.remove(first).message == f"removed {BEST} (keeping its data, not blocklisted)"
    done = services.blocklist_and_search(first)
    assert done.message.startswith(
        f"removed {BEST} (with its data, blocklisted) (it was no longer in Deluge)"
    ), done.message
    assert "nothing acceptable found for Sintel (2010)" in done.message
    assert Blocklist.select().count() == 1
    assert History.select().where(History.event == "removed").count() == 2


def test_a_blocklisted_release_is_listed_as_refused_and_not_tried(services):
    """Interactive search lists a blocklisted release among the refused ones, saying why; a
    search does not try it (no refusal recorded for it at every search)."""
    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    services.remove(h, blocklisted=True)
    (choice,) = services.releases(movie.id)
    assert choice.title == BEST
    assert choice.rejection.startswith("blocklisted: release is blocklisted: removed by the user")
    refusals_before = History.select().where(History.event == "refused").count()
    done = services.search(movie.id)
    assert done.severity == "warning" and "nothing acceptable found" in done.message
    assert History.select().where(History.event == "refused").count() == refusals_before


def test_for_each_says_how_many_and_fails_when_every_one_failed(services):
    from mydia_tui.models import Download as D
    from mydia_tui.services import for_each

    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    done = for_each([h, h], services.pause, "paused")
    assert (done.message, done.severity) == ("paused 2 downloads", "information")
    # a download being imported cannot be removed: that one fails, the others are done
    D.update(state="importing").where(D.info_hash == h).execute()
    with pytest.raises(MydiaError, match="being imported"):
        for_each([h, h], lambda x: services.remove(x), "removed")
    assert set(services.client.session()) == {h}


def test_a_bulk_removal_says_what_became_of_the_data_and_the_blocklist(services):
    from mydia_tui.services import for_each, removal_words

    movie = add_movie("Sintel", 2010)
    offer(services)
    services.search(movie.id)
    h = services.payload.info_hash
    done = for_each(
        [h, h],
        lambda x: services.remove(x, delete_data=True, blocklisted=True),
        "removed",
        how=removal_words(delete_data=True, blocklisted=True, several=True),
    )
    # the same torrent twice: the second removal did nothing, and is not counted (a new
    # user's report: "Removed 2 downloads ...; ... was already removed: nothing done")
    assert done.message == (
        "removed 1 download (with the data, blocklisted); "
        f"{BEST} was already removed and blocklisted: nothing done"
    ), done.message
    assert done.severity == "warning"
    assert removal_words(delete_data=False, blocklisted=False, several=True) == (
        "keeping the data, not blocklisted"
    )
    assert removal_words(delete_data=False, blocklisted=True) == "keeping its data, blocklisted"
