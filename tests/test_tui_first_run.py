"""A user's first run, only through keys: from an empty library (a new SQLite file) and an
empty configuration file (a comment, and the one line a test against a loopback indexer
needs: ``allow_short_intervals``, which no screen offers), the settings screen configures the
real client deluged and an indexer (the loopback Torznab server offering a release a real seeder deluged
seeds), sets the library's films folder and short monitor intervals, then ``a`` adds a film;
the app's own monitor (built as ``mydia-tui`` builds it, :func:`mydia_tui.tui.launch.tui_app`)
finds the release, grabs it through the guard, Deluge downloads it and it is imported.

What the test does besides keys is set-up of the world around the app (the seeder seeding the
release, the Torznab server offering it) and one thing a swarm does for itself: there is no
tracker and no DHT on loopback, so once the client daemon holds the torrent the test tells it
where the seeder is (``Swarm.connect``), as a tracker would.
"""

from __future__ import annotations

import stat

import pytest
from deluge_fixtures import session_of
from monitor_helpers import make_payload, seed
from pilot_waits import wait_until
from torznab_server import Reply, item_xml

from mydia_tui.config import load_config
from mydia_tui.models import Download, History, MediaFile, MediaItem
from mydia_tui.tui.launch import tui_app
from mydia_tui.tui.screens.add_film import AddFilmScreen
from mydia_tui.tui.screens.settings import SettingsScreen

pytestmark = pytest.mark.deluge

RELEASE = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
EMPTY_CONFIG = (
    "# mydia-tui settings: written by the app's settings screen\n"
    "[monitor]\nallow_short_intervals = true  # the indexer is on loopback: a test in a hurry\n"
)


def focused_id(pilot) -> str | None:
    focused = pilot.app.screen.focused
    return None if focused is None else focused.id


async def tab_to(pilot, widget_id: str, most: int = 40) -> None:
    """Press tab until the field ``widget_id`` holds the focus (as a user moves through the
    form; whatever focus order the screen has)."""
    for _ in range(most):
        if focused_id(pilot) == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id} (at #{focused_id(pilot)})")


async def replace_text(pilot, widget_id: str, text: str) -> None:
    """Tab to the input ``widget_id``, clear it and type ``text``."""
    await tab_to(pilot, widget_id)
    await pilot.press("home", "ctrl+k", *text)
    assert pilot.app.screen.query_one(f"#{widget_id}").value == text


def status_line(screen: SettingsScreen) -> str:
    """The settings' status line ("" while the form is drawn again after a save)."""
    found = screen.query("#settings-status")
    return str(found.first().render()) if found else ""


async def save(pilot, screen: SettingsScreen, saved) -> None:
    """ctrl+s, then wait until the app runs on what was saved (``saved(config)``)."""
    await pilot.press("ctrl+s")
    await wait_until(
        pilot,
        lambda: saved(pilot.app.config) and "Saved to" in status_line(screen),
        f"the settings saved ({status_line(screen)!r})",
        timeout=30.0,
    )


def film_row(app) -> str:
    """The library pane's first row, as drawn."""
    lib = app.main.library
    if not lib.view:
        return ""
    return lib.list.render_row(0, 100).plain


async def test_from_an_empty_config_and_library_to_an_imported_film_only_through_keys(
    db, db_path, tmp_path, swarm, torznab
):
    # -- the world around the app: a seeded release, offered by a loopback Torznab indexer --
    payload = make_payload(tmp_path, RELEASE, {f"{RELEASE}.mkv": 3_000_000})
    seed(swarm, payload)
    indexer = torznab.add("loopback")
    indexer.downloads[payload.info_hash] = Reply(
        body=payload.torrent, headers={"Content-Type": "application/x-bittorrent"}
    )
    indexer.items.append(
        item_xml(
            RELEASE,
            link=f"{indexer.url}/dl/{payload.info_hash}",
            infohash=payload.info_hash,
            seeders=40,
        )
    )
    movies = tmp_path / "media" / "Films"
    movies.mkdir(parents=True)  # the user's (empty) films folder
    daemon = swarm.client.config()

    # -- the user's empty configuration file and empty library ---------------------------------
    config_file = tmp_path / "config.toml"
    config_file.write_text(EMPTY_CONFIG)
    config = load_config(config_file)
    assert not config.deluge_configured and config.indexers == () and config.library.movies == ()
    assert MediaItem.select().count() == 0

    dialed: set[str] = set()

    def dial() -> None:
        # no tracker, no DHT on loopback: point the client daemon at the seeder (what a
        # tracker would do), once it holds the torrent the app's monitor sent it
        if payload.info_hash not in dialed and payload.info_hash in session_of(swarm.client):
            swarm.connect(payload.info_hash)
            dialed.add(payload.info_hash)

    with tui_app(config, str(config_file)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: app.main.is_mounted, "the main screen")

            # (1) settings, Deluge: host, port, username, password; saved
            await pilot.press("O")
            await wait_until(
                pilot, lambda: isinstance(app.screen, SettingsScreen), "the settings screen"
            )
            screen = app.screen
            assert focused_id(pilot) == "deluge-host"
            await replace_text(pilot, "deluge-host", daemon.host)
            await replace_text(pilot, "deluge-port", str(daemon.port))
            await replace_text(pilot, "deluge-username", daemon.username)
            await replace_text(pilot, "deluge-password", daemon.password)
            await save(pilot, screen, lambda c: c.deluge.port == daemon.port)
            assert app.config.deluge_configured

            # (2) an indexer: ctrl+n adds one and puts the focus in its name; saved
            await pilot.press("ctrl+n")
            await wait_until(
                pilot, lambda: focused_id(pilot) == "indexers-0-name", "the new indexer's name"
            )
            await pilot.press(*"Loopback")
            await replace_text(pilot, "indexers-0-url", indexer.url)
            await replace_text(pilot, "indexers-0-api_key", indexer.api_key)
            await save(pilot, screen, lambda c: len(c.indexers) == 1)
            assert app.config.indexers[0].url == indexer.url

            # (3) the library's films folder and short monitor intervals (a user in a hurry);
            # the films folder is a text area: one folder per line
            await tab_to(pilot, "library-movies")
            await pilot.press(*str(movies))
            await replace_text(pilot, "monitor-search_interval", "2")
            await replace_text(pilot, "monitor-rss_interval", "2")
            await replace_text(pilot, "monitor-poll_interval", "0.5")
            await save(
                pilot,
                screen,
                lambda c: c.library.movies == (str(movies),) and c.monitor.poll_interval == 0.5,
            )

            # (4) close the settings
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.main, "back on the main screen")
            assert MediaItem.select().count() == 0 and film_row(app) == ""

            # (5) add the film: title and year
            await pilot.press("a")
            await wait_until(
                pilot, lambda: isinstance(app.screen, AddFilmScreen), "the add-film form"
            )
            await pilot.press(*"Big Buck Bunny", "tab", *"2008", "enter")
            await wait_until(pilot, lambda: app.screen is app.main, "the form closed")
            await wait_until(
                pilot, lambda: "Big Buck Bunny" in film_row(app), "the film's row", timeout=30.0
            )
            (item,) = MediaItem.select()
            assert (item.title, item.year, item.kind) == ("Big Buck Bunny", 2008, "movie")

            # (6) the app's monitor finds it, grabs it, Deluge downloads it, it is imported
            await wait_until(
                pilot,
                lambda: "on disk" in film_row(app),
                "the film's row showing it on disk",
                timeout=180.0,
                each=dial,
            )
            assert app.is_running and app.crash is None
            # the status bar says what the keys set up: Deluge reached, the indexer healthy
            status = app.main.status
            await wait_until(
                pilot, lambda: "connected" in status.deluge_text().plain, "Deluge connected"
            )
            await wait_until(
                pilot, lambda: status.indexers_text().plain == "indexers 1 ok", "indexer ok"
            )
            (download,) = Download.select()
            assert download.info_hash == payload.info_hash and download.title == RELEASE
            assert download.state == "imported"
            (file,) = MediaFile.select().where(MediaFile.movie == item.id)
            assert (movies / file.path).is_file()
            assert (movies / file.path).stat().st_size == 3_000_000
            events = {h.event for h in History.select().where(History.item == item.id)}
            assert {"grabbed", "imported"} <= events, events
    assert app.crash is None

    # the file on disk holds what the keys set, mode 0600
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    text = config_file.read_text()
    assert text.startswith(EMPTY_CONFIG)  # the user's comment kept
    assert "[deluge]" in text and "[[indexers]]" in text and "[library]" in text
    saved = load_config(config_file)
    assert (saved.deluge.host, saved.deluge.port) == (daemon.host, daemon.port)
    assert (saved.deluge.username, saved.deluge.password) == (daemon.username, daemon.password)
    assert [(i.name, i.url, i.api_key) for i in saved.indexers] == [
        ("Loopback", indexer.url, indexer.api_key)
    ]
    assert saved.library.movies == (str(movies),)
    assert (saved.monitor.search_interval, saved.monitor.poll_interval) == (2.0, 0.5)
