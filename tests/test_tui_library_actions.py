"""Pilot tests of the library's actions on a real SQLite database: adding a film or a show,
deleting, editing, scanning, refreshing, and the upcoming view."""

from __future__ import annotations

import datetime as dt
import re
import socket
import sqlite3

import pytest
import tui_data
from test_tui import burst, settle
from textual import events as textual_events
from tvmaze_server import running_tvmaze, standard_shows

from mydia_tui import events
from mydia_tui.config import Config, LibraryConfig, MetadataConfig
from mydia_tui.models import Download, Episode, History, LibraryRoot, MediaFile, MediaItem
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.add_film import AddFilmScreen
from mydia_tui.tui.screens.add_show import AddShowScreen
from mydia_tui.tui.screens.confirm import ConfirmScreen
from mydia_tui.tui.screens.edit_item import EditItemScreen


@pytest.fixture
def demo(db):
    return tui_data.populate()


def current(app):
    lib = app.main.library
    return lib.view[lib.list.cursor]


async def test_add_a_film_through_keys_and_see_its_row_highlighted(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AddFilmScreen)
        await pilot.press(*"Route 66", "tab", *"2011", "tab", *"1234567", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, AddFilmScreen))
        await settle(app, pilot, lambda: current(app).title == "Route 66")
        item = MediaItem.get(MediaItem.title == "Route 66")
        assert (item.year, item.imdb_id, item.kind) == (2011, "tt1234567", "movie")
        assert current(app).id == item.id


async def test_adding_a_film_the_library_has_shows_the_cores_message(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"Sintel", "tab", *"2010", "enter")
        screen = app.screen
        assert isinstance(screen, AddFilmScreen)
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "already has" in str(error.render()))
        assert str(error.render()).startswith("the library already has the film Sintel (2010)")
        assert MediaItem.select().where(MediaItem.title == "Sintel").count() == 1
        # a bad IMDb id and a missing year are the core's words too
        await pilot.press("tab", *"nope", "enter")
        await settle(app, pilot, lambda: "not an IMDb id" in str(error.render()))
        await pilot.press("escape")
        assert not isinstance(app.screen, AddFilmScreen)


async def test_keys_typed_at_once_after_tab_go_to_the_field_tab_moved_to(demo):
    """Seen by a new user: the title, tab and at once 1999 put digits in the title. A terminal
    hands a fast burst over in one read; Textual sends each key to the widget focused when
    the app reads it, and tab (the screen's binding) ran only once the key had bubbled up
    from the title field, after the digits had been sent to that field."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"Matrix")
        screen = app.screen
        assert isinstance(screen, AddFilmScreen)
        burst(app, "tab", *"1999", "tab", *"tt0133093")
        await settle(app, pilot)
        assert screen.value("film-title") == "Matrix"
        assert screen.value("film-year") == "1999"
        assert screen.value("film-imdb") == "tt0133093"
        # back, likewise (a field selects its text when focused: the key replaces it)
        burst(app, "shift+tab", "shift+tab", "X")
        await settle(app, pilot)
        assert [screen.value(f"film-{name}") for name in ("title", "year", "imdb")] == [
            "X",
            "1999",
            "tt0133093",
        ]


async def test_two_films_typed_in_one_burst_are_both_added(demo):
    """A new user's report: a film added, and the next one typed at once (a, its title, tab,
    its year, enter) was lost: its keys reached the main screen while the first was being
    added, and ran its commands (F searched, i opened the releases, w changed the view)."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        before = MediaItem.select().count()
        burst(app, "a", *"Film Five", "tab", *"2007", "enter")
        burst(app, "a", *"Film Six", "tab", *"2008", "enter")
        await settle(app, pilot, lambda: MediaItem.select().count() == before + 2)
        await settle(app, pilot, lambda: not isinstance(app.screen, AddFilmScreen))
        assert {
            (m.title, m.year) for m in MediaItem.select().where(MediaItem.title.startswith("Film "))
        } == {
            ("Film Five", 2007),
            ("Film Six", 2008),
        }
        assert app.screen is app.main


async def test_keys_typed_at_once_after_a_key_that_opens_a_form_or_the_filter_go_there(demo):
    """a and at once the title: the title went to the library list (lost, its letters being
    the list's keys); / and at once a title opened the add-show form (n). The keys behind a
    key that opens a screen or a box go to it, once it is open."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        burst(app, "a", *"Matrix", "tab", *"1999")
        await settle(app, pilot, lambda: isinstance(app.screen, AddFilmScreen))
        screen = app.screen
        assert (screen.value("film-title"), screen.value("film-year")) == ("Matrix", "1999")
        burst(app, "escape", "slash", *"sintel", "enter")
        await settle(app, pilot, lambda: app.main.library.filter_text == "sintel")
        assert app.screen is app.main
        assert [e.title for e in app.main.library.view] == ["Sintel"]


async def test_editing_keys_typed_at_once_apply_in_the_order_typed(demo):
    """A field's own keys (backspace, home, end) run when the field takes them, in order with
    the characters around them: they used to reach the app after the characters behind them
    had been inserted."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        screen = app.screen
        burst(app, *"Matrx", "backspace", *"ix", "home", "T", "end", "!", "backspace")
        await settle(app, pilot)
        assert screen.value("film-title") == "TMatrix"


async def test_enter_typed_at_once_submits_every_key_typed_before_it(demo):
    """enter submits at once (a priority key, so that it submits from any field): what was
    typed just before it, still on its way to the fields, is part of the submission."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        burst(app, *"Matrix", "tab", *"1999", "tab", *"133093", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, AddFilmScreen))
        item = MediaItem.get(MediaItem.title == "Matrix")
        assert (item.year, item.imdb_id) == (1999, "tt0133093")


async def _select(app, pilot, title: str) -> None:
    await pilot.press("slash", *title, "enter")
    await settle(app, pilot, lambda: current(app).title == title)


async def _edit(app, pilot, title: str) -> EditItemScreen:
    await _select(app, pilot, title)
    await pilot.press("e")
    await settle(app, pilot, lambda: isinstance(app.screen, EditItemScreen))
    return app.screen


@pytest.mark.parametrize("with_files", [False, True], ids=["library-only", "with-files"])
async def test_delete_a_film_with_or_without_its_files(db, tmp_path, with_files):
    movies = tmp_path / "movies"
    folder = movies / "Sintel (2010)"
    folder.mkdir(parents=True)
    video = folder / "Sintel (2010).mkv"
    video.write_bytes(b"x" * 100)
    from mydia_tui.history import record
    from mydia_tui.library import add_movie

    info = add_movie("Sintel", 2010)
    add_movie("Big Buck Bunny", 2008)
    root = LibraryRoot.create(path=str(movies), kind="movies")
    MediaFile.create(movie=info.id, root=root, path="Sintel (2010)/Sintel (2010).mkv")
    record("grabbed", "grabbed Sintel.2010.1080p", item=info.id)
    app = MydiaApp(Config(library=LibraryConfig(movies=(str(movies),))))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _select(app, pilot, "Sintel")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("D" if with_files else "r")
        await settle(
            app,
            pilot,
            lambda: [e.title for e in app.main.library.entries.values()] == ["Big Buck Bunny"],
        )
    assert MediaItem.get_or_none(MediaItem.id == info.id) is None
    assert video.exists() is not with_files
    events = [h.event for h in History.select().where(History.item.is_null()).order_by(History.id)]
    assert events == ["added", "grabbed", "removed"]


async def test_delete_is_refused_while_a_download_is_in_flight_and_escape_does_nothing(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _select(app, pilot, "Tears of Steel")  # downloading
        await pilot.press("d", "escape")
        await pilot.press("delete", "D")
        await settle(app, pilot, lambda: len(app._notifications) == 1)
        note = list(app._notifications)[0]
        assert "has 1 download in flight" in note.message and note.severity == "warning"
    assert MediaItem.get_or_none(MediaItem.title == "Tears of Steel") is not None
    assert Download.select().where(Download.state == "downloading").count() == 1


@pytest.fixture
def tvmaze():
    with running_tvmaze() as fake:
        standard_shows(fake)
        yield fake


async def test_add_a_show_from_tvmaze_choosing_the_second_match(demo, tvmaze):
    app = MydiaApp(Config(metadata=MetadataConfig(tvmaze_url=tvmaze.url, timeout=5.0)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, AddShowScreen)
        await pilot.press(*"the office", "enter")
        await settle(app, pilot, lambda: screen.matches.has_focus)
        rows = [screen.matches.render_row(i, 80).plain for i in range(2)]
        assert "The Office" in rows[0] and "2005" in rows[0] and "NBC / US" in rows[0]
        assert "BBC Two / US" in rows[1] and rows[1].rstrip().endswith("530")
        await pilot.press("j", "enter")
        await settle(app, pilot, lambda: current(app).title == "The Office")
        item = MediaItem.get(MediaItem.tvmaze_id == 530)
        assert (item.title, item.year, item.kind) == ("The Office", 2001, "show")
        assert [e.title for e in item.episodes] == ["Downsize"]
        assert current(app).id == item.id


async def test_a_match_chosen_and_added_with_keys_typed_at_once(demo, tvmaze):
    """j and enter in one burst add the match j moved to, not the one highlighted before."""
    app = MydiaApp(Config(metadata=MetadataConfig(tvmaze_url=tvmaze.url, timeout=5.0)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"the office", "enter")
        screen = app.screen
        await settle(app, pilot, lambda: screen.matches.has_focus)
        burst(app, "j", "enter")
        await settle(app, pilot, lambda: current(app).title == "The Office")
        assert MediaItem.get(MediaItem.title == "The Office").tvmaze_id == 530


async def test_add_a_show_by_hand_when_tvmaze_is_down(demo):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    app = MydiaApp(
        Config(metadata=MetadataConfig(tvmaze_url=f"http://127.0.0.1:{port}", timeout=2.0))
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"Night Gallery", "enter")
        screen = app.screen
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "by hand" in str(error.render()))
        assert "\n" not in str(error.render()).strip()
        # the form's own way round TVmaze, not the command line's flag
        assert "--seasons" not in str(error.render())
        assert str(error.render()).startswith(f"cannot reach TVmaze at http://127.0.0.1:{port}")
        assert str(error.render()).endswith(
            "check the network · fill in the seasons (e.g. 1:10,2:8) to add it by hand"
        )
        # a bad spec is the core's message; a good one adds the show
        await pilot.press("tab", "tab", *"1:x", "enter")
        await settle(app, pilot, lambda: "bad season spec" in str(error.render()))
        await pilot.press("backspace", *"3,2:2", "enter")
        await settle(app, pilot, lambda: current(app).title == "Night Gallery")
        item = MediaItem.get(MediaItem.title == "Night Gallery")
        assert sorted((e.season, e.number) for e in item.episodes) == [
            (1, 1),
            (1, 2),
            (1, 3),
            (2, 1),
            (2, 2),
        ]


async def test_edit_monitored_profile_and_folder(demo):
    from mydia_tui.profiles import item_profile_name, profile_names

    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _edit(app, pilot, "Sintel")
        screen = app.screen
        assert screen.query_one("#edit-folder").value == "Sintel (2010)"
        # a folder leading out of the library folder is refused, in the core's words
        await pilot.press("space", "tab", "right", "tab", "ctrl+u", *"../elsewhere", "enter")
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "not a folder name" in str(error.render()))
        await pilot.press("ctrl+u", *"/srv/other/Sintel", "enter")
        await settle(app, pilot, lambda: "is not inside a library folder" in str(error.render()))
        await pilot.press("ctrl+u", *"/media/movies/Films/Sintel", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
        item = MediaItem.get(MediaItem.title == "Sintel")
        assert item.monitored is False
        assert item.folder == "Films/Sintel"
        assert item_profile_name(item.id) == profile_names()[0]
        # the details pane shows the change
        details = app.main.details
        await settle(
            app, pilot, lambda: details.details is not None and not details.details.monitored
        )
        # back to the default profile, monitored again
        await pilot.press("1", "e")
        await settle(app, pilot, lambda: isinstance(app.screen, EditItemScreen))
        await pilot.press("space", "tab", "left", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
        item = MediaItem.get(MediaItem.title == "Sintel")
        assert item.monitored is True and item_profile_name(item.id) is None


async def test_edit_saves_the_keys_typed_at_once_before_enter(demo):
    """space (monitored) and a folder typed, then enter, in one burst: all of it is saved."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _edit(app, pilot, "Sintel")
        burst(app, "space", "tab", "tab", *"Films", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
        item = MediaItem.get(MediaItem.title == "Sintel")
        assert (item.monitored, item.folder) == (False, "Films")


async def test_edit_names_the_folder_a_relative_folder_goes_inside(db, tmp_path):
    """Seen by a new user: after the films folder was changed in the settings, the edit form's
    label named the film's old folder ("Folder (inside /old)") while a relative folder went
    into the new one, whose name the error gave. The label, the field's placeholder and the
    errors name the new one; the field shows where the film is now, whole."""
    from mydia_tui.library import add_movie, sync_roots

    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
    sync_roots((str(old),), ())
    add_movie("Sintel", 2010)
    sync_roots((str(new),), ())  # the films folder changed (as the entry point records it)
    app = MydiaApp(Config(library=LibraryConfig(movies=(str(new),))))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = await _edit(app, pilot, "Sintel")
        label = str(screen.query_one("#edit-folder-label").render())
        field = screen.query_one("#edit-folder")
        assert str(new) in label and str(old) not in label
        assert str(new) in field.placeholder and str(old) not in field.placeholder
        assert field.value == f"{old}/Sintel (2010)"
        field.focus()
        await pilot.press("ctrl+u", *"../Sintel", "enter")
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "not a folder name" in str(error.render()))
        assert f"inside {new}" in str(error.render())
        await pilot.press("ctrl+u", *"Sintel (2010)", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
    item = MediaItem.get(MediaItem.title == "Sintel")
    assert (item.root.path, item.folder) == (str(new), "Sintel (2010)")


async def test_a_new_folder_says_the_files_stay_where_they_are(db, tmp_path):
    """A new user's report (s11): the folder of a film with a file changed, the app said
    ``Saved``; the file stayed in ``Big Buck Bunny (2008)/`` and nothing said so. What the
    change does is said: the files are not moved, the next import goes into the new folder."""
    from mydia_tui.library import add_movie, sync_roots

    movies = tmp_path / "movies"
    (movies / "Sintel (2010)").mkdir(parents=True)
    video = movies / "Sintel (2010)" / "Sintel (2010).mkv"
    video.write_bytes(b"x" * 100)
    sync_roots((str(movies),), ())
    info = add_movie("Sintel", 2010)
    MediaFile.create(movie=info.id, root=LibraryRoot.get(), path="Sintel (2010)/Sintel (2010).mkv")
    add_movie("Big Buck Bunny", 2008)  # no file: a new folder is just saved
    app = MydiaApp(Config(library=LibraryConfig(movies=(str(movies),))))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await _edit(app, pilot, "Sintel")
        await pilot.press("tab", "tab", "ctrl+u", *"Films/Sintel", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
        (note,) = [n.message for n in app._notifications]
        # (the toast shortens a path too long for its width in its middle)
        assert re.fullmatch(
            r"Saved: the next import goes into /\S+/movies/Films/Sintel; its 1 file stays in "
            r"/\S+/movies/Sintel \(2010\) \(files are not moved\)",
            note,
        ), note
        app.clear_notifications()
        await _edit(app, pilot, "Big Buck Bunny")
        await pilot.press("tab", "tab", "ctrl+u", *"BBB", "enter")
        await settle(app, pilot, lambda: not isinstance(app.screen, EditItemScreen))
        assert [n.message for n in app._notifications] == ["Saved"]
    assert video.exists() and MediaItem.get_by_id(info.id).folder == "Films/Sintel"


async def test_a_year_and_a_season_past_their_limits_are_refused_naming_the_limit(demo):
    """A new user's report (s11): a year typed ``99999`` was cut to ``9999`` by the field
    without a word (then "not a plausible year: 9999"); seasons ``1:99999`` said "bad season
    spec ...: use SEASON:EPISODES" although the syntax was right. What was typed is kept and
    the refusal names the limit."""
    from mydia_tui.identity.titles import PLAUSIBLE_YEARS
    from mydia_tui.library import MAX_EPISODES, MAX_SEASON

    app = MydiaApp(Config(metadata=MetadataConfig(tvmaze_url="http://127.0.0.1:9", timeout=1.0)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AddFilmScreen)
        await pilot.press(*"Film", "tab", *"99999", "enter")
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "year" in str(error.render()))
        assert screen.value("film-year") == "99999"
        assert str(error.render()) == (
            "not a plausible year: 99999 (must be between "
            f"{PLAUSIBLE_YEARS[0]} and {PLAUSIBLE_YEARS[-1]})"
        )
        await pilot.press("escape")
        await settle(app, pilot, lambda: not isinstance(app.screen, AddFilmScreen))
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, AddShowScreen)
        await pilot.press(*"Night Gallery", "tab", "tab", *"1:99999", "enter")
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "season" in str(error.render()))
        assert str(error.render()) == (
            f"season 1 has 99999 episodes: at most {MAX_EPISODES:,} a season"
        )
        await pilot.press("ctrl+u", *"1000:2", "enter")
        await settle(app, pilot, lambda: "1000" in str(error.render()))
        assert str(error.render()) == f"season 1000: the seasons go up to {MAX_SEASON}"


def _library_world(tmp_path):
    movies = tmp_path / "movies"
    (movies / "Sintel (2010)").mkdir(parents=True)
    from mydia_tui.library import add_movie

    info = add_movie("Sintel", 2010)
    return movies, info, Config(library=LibraryConfig(movies=(str(movies),)))


async def test_scan_now_finds_a_file_and_shows_its_progress(db, tmp_path):
    movies, info, config = _library_world(tmp_path)
    video = movies / "Sintel (2010)" / "Sintel (2010) Bluray-1080p.mkv"
    video.write_bytes(b"x" * 4096)
    seen: list[events.ScanProgress] = []

    app = MydiaApp(config)
    post = app.post_core_event

    def noting(event) -> None:
        """The scan's progress as the core hands it to the app (the messages themselves
        coalesce: only the newest progress is drawn)."""
        if isinstance(event, events.ScanProgress):
            seen.append(event)
        post(event)

    app.post_core_event = noting  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("U")
        await settle(app, pilot, lambda: not app.main.library.scanning and app._notifications)
        note = list(app._notifications)[-1]
        assert note.message.startswith("Scan: 1 file, 1 added")
        assert app.main.status.scan is None  # the bar is gone once done
        await settle(
            app, pilot, lambda: "on disk" in app.main.library.list.render_row(0, 100).plain
        )
        # a scan under way is drawn as a bar, first in the status bar (the folder's name: its
        # whole temporary path does not fit in 120 columns beside the other parts)
        app.post_core_event(events.ScanProgress(str(movies), 1, 4))
        await settle(app, pilot, lambda: app.main.status.scan is not None)
        shown = str(app.main.status.render())
        assert shown.startswith("scanning movies ██········ 1/4 · U cancels │ "), shown
    file = MediaFile.get(MediaFile.movie == info.id)
    assert file.path == "Sintel (2010)/Sintel (2010) Bluray-1080p.mkv"
    # the status bar was told when the root's scan began and when it ended
    assert [(e.root, e.files_seen, e.done) for e in seen if e.root][:2] == [
        (str(movies), 0, False),
        (str(movies), 1, True),
    ]


def test_the_status_bar_draws_the_scan_as_a_bar():
    from mydia_tui.tui.widgets.statusbar import scan_text

    text = scan_text(events.ScanProgress("/media/movies", 150, 300)).plain
    assert text == "scanning /media/movies █████····· 150/300 · U cancels"
    assert (
        scan_text(events.ScanProgress("/m", 7), "ctrl+u").plain
        == "scanning /m 7 files · ctrl+u cancels"
    )


async def test_a_cancelled_scan_stops_and_removes_nothing(db, db_path, tmp_path):
    movies, info, config = _library_world(tmp_path)
    (movies / "Sintel (2010)" / "Sintel (2010).mkv").write_bytes(b"x")
    app = MydiaApp(config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        # another process holds the write lock: the scan waits on its first write, and the
        # cancel comes while it waits
        other = sqlite3.connect(str(db_path), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("U")
            assert app.main.library.scanning
            await pilot.press("U")
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(app, pilot, lambda: not app.main.library.scanning)
        messages = [n.message for n in app._notifications]
        assert "Scan cancelled: nothing was removed" in messages
    assert not MediaFile.select().exists()


async def test_refresh_a_show_adds_the_episode_tvmaze_now_lists(demo, tvmaze):
    from tvmaze_server import episode_json

    from mydia_tui.metadata import add_show_from_tvmaze

    config = Config(metadata=MetadataConfig(tvmaze_url=tvmaze.url, timeout=5.0))
    info = add_show_from_tvmaze(config, "The Expanse")
    tvmaze.episodes[1825].append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-08"))
    app = MydiaApp(config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _select(app, pilot, "The Expanse")
        await pilot.press("u")
        await settle(app, pilot, lambda: app._notifications)
        assert list(app._notifications)[-1].message == "The Expanse: 1 new, 0 updated, 4 unchanged"
        details = app.main.details
        await settle(
            app,
            pilot,
            lambda: (
                details.details is not None
                and any(
                    e.title == "Doors & Corners"
                    for s in details.details.seasons
                    for e in s.episodes
                )
            ),
        )
    assert Episode.get((Episode.show == info.id) & (Episode.season == 2) & (Episode.number == 2))


TODAY = dt.date(2030, 5, 10)


def _calendar_shows() -> None:
    from mydia_tui.library import NewEpisode, add_show

    day = dt.timedelta(days=1)
    add_show(
        "Pioneer One",
        [
            NewEpisode(1, 1, "Earthfall", TODAY - 2 * day),
            NewEpisode(1, 2, "The Man from Mars", TODAY + 3 * day),
            NewEpisode(1, 3, "Alone in the Night", TODAY + 20 * day),
        ],
        tvmaze_id=1,
    )
    add_show("Sherlock Holmes", [NewEpisode(2, 5, "The Case of the Baker", TODAY)], tvmaze_id=2)


def test_upcoming_episodes_are_the_next_14_days_by_air_date(db):
    from mydia_tui.views import upcoming_episodes

    _calendar_shows()
    rows = upcoming_episodes(today=TODAY)
    assert [(r.air_date, r.title, r.season, r.number, r.episode_title) for r in rows] == [
        ("2030-05-10", "Sherlock Holmes", 2, 5, "The Case of the Baker"),
        ("2030-05-13", "Pioneer One", 1, 2, "The Man from Mars"),
    ]
    assert upcoming_episodes(today=TODAY, days=21)[-1].episode_title == "Alone in the Night"


async def test_the_upcoming_view_lists_what_airs_in_3_days_not_in_20(db):
    _calendar_shows()
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        lib.today = TODAY
        await pilot.press("w", "w", "w")
        await settle(app, pilot, lambda: lib.wanted == "upcoming" and len(lib.view) == 2)
        rows = [lib.list.render_row(i, 100).plain for i in range(len(lib.view))]
        assert rows[0].startswith("2030-05-10 Sherlock Holmes")
        assert "2030-05-13 Pioneer One" in rows[1] and "S01E02 The Man from Mars" in rows[1]
        assert not any("Alone in the Night" in r for r in rows)
        assert "upcoming 14 days" in str(lib.border_subtitle)
        # the details follow the show of the highlighted episode; w goes back to everything
        details = app.main.details
        await settle(
            app,
            pilot,
            lambda: details.details is not None and details.details.title == "Sherlock Holmes",
        )
        await pilot.press("w")
        assert lib.wanted == "all" and len(lib.view) == 2


def _footer_actions(app) -> dict[str, bool]:
    """The main screen's footer: {action: enabled} of the hints it offers."""
    from mydia_tui.tui.widgets.footer import KeysFooter

    footer = app.main.query_one(KeysFooter)
    active = app.screen.active_bindings
    return {active[h.key].binding.action: h.enabled for h in footer.hints()[0] if h.key in active}


async def test_the_upcoming_view_says_it_is_in_air_date_order_and_s_is_not_offered(db):
    """Breaker 6 (7): the calendar claimed ``sort title ↑`` and ``s`` changed the claim, not
    the rows. It is in air-date order: the subtitle says so; ``s``/``S`` are not offered."""
    from mydia_tui.library import add_movie

    _calendar_shows()
    add_movie("Sintel", 2010)
    app = MydiaApp()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        lib.today = TODAY
        assert _footer_actions(app).get("sort") is True  # offered in the other views
        await pilot.press("w", "w", "w")
        await settle(app, pilot, lambda: lib.wanted == "upcoming" and len(lib.view) == 2)
        subtitle = str(lib.border_subtitle)
        assert "by air date" in subtitle and "sort" not in subtitle, subtitle
        assert "sort" not in _footer_actions(app)
        before = [(e.air_date, e.title) for e in lib.view]
        await pilot.press("s", "S")
        await settle(app, pilot)
        assert (lib.sort_by, lib.reverse) == ("title", False)
        assert [(e.air_date, e.title) for e in lib.view] == before
        assert str(lib.border_subtitle) == subtitle
        await pilot.press("w")  # back to everything: the sort is offered and shown again
        await settle(app, pilot)
        assert "sort title ↑" in str(lib.border_subtitle)
        assert _footer_actions(app).get("sort") is True


async def test_the_upcoming_view_with_films_only_says_so_and_the_details_empty(db):
    """Breaker 6 (7): with ``t`` = films the calendar is empty because of that filter, not
    because nothing airs; the details pane no longer keeps the last item's title."""
    from mydia_tui.library import add_movie

    _calendar_shows()
    add_movie("Sintel", 2010)
    app = MydiaApp()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        lib, details = app.main.library, app.main.details
        lib.today = TODAY
        await pilot.press("w", "w", "w")
        await settle(app, pilot, lambda: lib.wanted == "upcoming" and len(lib.view) == 2)
        await settle(app, pilot, lambda: str(details.border_title).startswith("Details · "))
        await pilot.press("t")  # films
        await settle(app, pilot, lambda: lib.kind == "movie" and not lib.view)
        hint = lib.list.empty_hint()
        assert "films" in hint and "t shows films, shows or both" in hint, hint
        assert "no episode airs" not in hint
        assert lib.list.render_line(1).text.strip().startswith(hint[:30])
        assert str(details.border_title) == "Details"
        assert details.lines == []


async def test_the_empty_views_hints_have_one_form_and_the_details_no_stale_title(db):
    """Breaker 6 (7, 8): the cutoff-unmet and upcoming views' empty hints are worded the
    same way (why, then the key that helps), and the details' title goes back to ``Details``."""
    from mydia_tui.library import add_movie

    add_movie("Sintel", 2010)
    app = MydiaApp()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        lib, details = app.main.library, app.main.details
        lib.today = TODAY
        await settle(app, pilot, lambda: str(details.border_title) == "Details · Sintel")
        await pilot.press("w", "w")
        await settle(app, pilot, lambda: lib.wanted == "cutoff" and not lib.view)
        # w turns to the calendar from here, and the hint says so (it said "everything")
        assert lib.list.empty_hint() == "nothing is cutoff unmet: w shows the next 14 days"
        assert str(details.border_title) == "Details"
        await pilot.press("w")
        await settle(app, pilot, lambda: lib.wanted == "upcoming")
        assert lib.list.empty_hint() == ("no episode airs in the next 14 days: w shows everything")
        await pilot.press("w")
        await settle(app, pilot, lambda: lib.wanted == "all" and lib.view)
        await settle(app, pilot, lambda: str(details.border_title) == "Details · Sintel")


async def test_the_new_keys_are_in_the_help_and_palette_and_remappable(demo):
    import io

    from rich.console import Console
    from textual.widgets import Static

    from mydia_tui.config import TuiConfig
    from mydia_tui.tui.commands import ActionsProvider
    from mydia_tui.tui.screens.help import HelpScreen

    keys = {"library.add_film": "plus", "library.delete": "x", "add_film.cancel": "ctrl+g"}
    app = MydiaApp(Config(tui=TuiConfig(keys=keys)))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        names = {name: help for name, help, _ in ActionsProvider(app.screen)._commands()}
        for name in (
            "Library: Add film",
            "Library: Add show",
            "Library: Delete",
            "Library: Edit",
            "Library: Scan",
            "Library: Refresh show",
            "Library: Wanted",
        ):
            assert name in names
        assert names["Library: Add film"].endswith("(plus)")
        assert not any(n.startswith("Add a film:") for n in names)  # a form's keys: help only
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one(Static).content)
        shown = console.export_text()
        for text in ("Add a film", "Add a show", "Edit an item", "The next quality profile"):
            assert text in shown
        await pilot.press("escape")
        # remapped: + adds a film, ctrl+g closes its form, x deletes
        await pilot.press("plus")
        assert isinstance(app.screen, AddFilmScreen)
        await pilot.press("ctrl+g")
        assert not isinstance(app.screen, AddFilmScreen)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        # the palette runs an action of the library pane
        run = {n: cb for n, _, cb in ActionsProvider(app.screen)._commands()}
        await run["Library: Add show"]()
        await pilot.pause()
        assert isinstance(app.screen, AddShowScreen)


class SearchRecorder:
    """The app's services as far as this test needs them: what was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def search(self, item_id: int, season=None, episode=None):
        from mydia_tui.services import Done

        self.calls.append(("search", item_id, season, episode))
        return Done("nothing acceptable found", "warning")


async def test_a_film_added_in_the_app_is_searched_at_once(demo):
    services = SearchRecorder()
    app = MydiaApp(services=services)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"Route 66", "tab", *"2011", "enter")
        await settle(app, pilot, lambda: bool(services.calls))
        item = MediaItem.get(MediaItem.title == "Route 66")
        assert services.calls == [("search", item.id, None, None)]


def test_the_scan_summary_writes_every_number_in_one_style():
    """A new user's report: "Scan: 30,002 files, 0 added, 0 updated, 0 removed, 30000
    unmatched": every number with its thousands separated, as everywhere in the app."""
    from mydia_tui.scanning.service import RootSummary, ScanReport, UnmatchedFile
    from mydia_tui.tui.widgets.library import scan_summary

    report = ScanReport(
        roots=(
            RootSummary("/tv", "shows", "ok", files_seen=30_002, added=1_200, updated=3_456),
            RootSummary("/films", "movies", "ok", files_seen=1, removed=1_001),
        ),
        unmatched=tuple(UnmatchedFile("/tv", f"x{n}.mkv", "no show") for n in range(30_000)),
    )
    assert scan_summary(report) == (
        "scan: 30,003 files, 1,200 added, 3,456 updated, 1,001 removed, 30,000 unmatched"
    )


async def test_keys_typed_at_once_after_the_filters_enter_go_to_the_list(demo):
    """A new user's report (s8, 3): ``/sintel``, enter and at once ``j`` put ``j`` in the
    filter (``/sintelj``), ``3`` likewise: enter submits what was typed before it, and the
    keys behind it belong to the list it hands the focus back to."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        burst(app, "slash", *"si", "enter", "j")
        await settle(app, pilot)
        assert lib.filter_text == "si"
        assert [e.title for e in lib.view][:2] == ["Sintel", "Sita Sings the Blues"]
        assert app.focused is lib.list and current(app).title == "Sita Sings the Blues"
        burst(app, "escape", "slash", *"sintel", "enter", "3")
        await settle(app, pilot)
        assert lib.filter_text == "sintel"
        assert app.focused is app.main.downloads.list


async def test_escape_read_with_the_key_typed_after_it_as_alt_is_both_keys(demo):
    """A new user's report (s8, 11): escape and, within the terminal's escape delay, a key
    came as one ``alt+`` key (a terminal's Alt sends escape before the key), and the escape
    was lost: typing the filter, escape then ``j`` put ``j`` in the filter. An ``alt+`` key
    nothing is bound to is escape, then the key (as in readline and vim)."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        everything = [e.title for e in lib.view]
        burst(app, "slash", *"sintel")
        app.post_message(textual_events.Key("alt+j", "j"))
        await settle(app, pilot)
        assert lib.filter_text == ""
        assert app.focused is lib.list
        assert current(app).title == everything[everything.index("Sintel") + 1]
        # alt and a capital: escape, then the capital (G: the last row)
        burst(app, "slash", *"si")
        app.post_message(textual_events.Key("alt+shift+g", "G"))
        await settle(app, pilot)
        assert lib.filter_text == "" and current(app).title == everything[-1]


async def test_pasted_lines_fill_the_field_and_the_next_ones(demo):
    """A new user's report (s8, 11): pasting ``Elephants Dream`` and ``2006`` on two lines into
    the title kept the title and dropped the year, silently. Each line fills the next field,
    nothing is submitted; a line a field refuses is said, never dropped silently."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AddFilmScreen)
        app.post_message(textual_events.Paste("Elephants Dream\n2006\n"))
        await settle(app, pilot)
        assert app.screen is screen
        assert (screen.value("film-title"), screen.value("film-year")) == (
            "Elephants Dream",
            "2006",
        )
        assert app.focused is screen.query_one("#film-year")
        # more lines than fields: the last field takes the rest, joined; a refused line is said
        await pilot.press("escape", "a")
        screen = app.screen
        app.post_message(textual_events.Paste("Big Buck Bunny\nsoon\ntt1254207\nextra"))
        await settle(app, pilot)
        assert screen.value("film-title") == "Big Buck Bunny"
        assert screen.value("film-year") == ""
        assert screen.value("film-imdb") == "tt1254207 extra"
        notes = [n.message for n in app._notifications]
        assert any("soon" in note and "Year" in note for note in notes), notes
        assert MediaItem.select().where(MediaItem.title == "Big Buck Bunny").count() == 1


async def test_edit_form_left_and_right_change_the_profile_from_where_it_opens(demo):
    """A new user's report (s8, 8): the edit form opens on Monitored and its hint says
    ``←/→: profile``, but ←/→ did nothing there. They change the profile from anywhere in
    the form, but in the folder field, where they move the cursor."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = await _edit(app, pilot, "Sintel")
        choice = screen.query_one("#edit-profile")
        assert app.focused is screen.query_one("#edit-monitored")
        first = choice.value
        await pilot.press("right")
        assert choice.value != first
        await pilot.press("left")
        assert choice.value == first
        folder = screen.query_one("#edit-folder")
        folder.focus()
        await pilot.pause()
        await pilot.press("end", "left")
        assert choice.value == first and folder.cursor_position == len(folder.value) - 1


async def test_keys_typed_at_once_after_e_go_to_the_edit_form(demo):
    """A new user's report (s8, 8): ``e``, space and enter typed fast did nothing: the form
    is opened once its item is read (a thread), and the keys behind ``e`` went to the main
    screen meanwhile. They wait for the form, as the keys behind ``a`` do."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _select(app, pilot, "Sintel")
        assert MediaItem.get(MediaItem.title == "Sintel").monitored is True
        burst(app, "e", "space", "enter")
        await settle(app, pilot, lambda: not MediaItem.get(MediaItem.title == "Sintel").monitored)
        await settle(app, pilot, lambda: app.screen is app.main)


async def test_keys_that_need_an_item_say_so_on_the_empty_library_and_are_not_offered(db):
    """A new user's report (s8, 7): on the empty library enter, m, d, e, i, F and u did
    nothing and said nothing, and the footer offered ``⏎ Details``. The footer offers only
    what works; each of those keys says in one line why it does nothing."""
    from test_tui import FakeServices

    from mydia_tui.tui.widgets.footer import KeysFooter

    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = app.main.query_one(KeysFooter)
        hints, _ = footer.hints()
        assert "Details" not in [h.description for h in hints]
        for key in ("enter", "m", "d", "e", "i", "F", "u"):
            before = len(app._notifications)
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is app.main, key
            notes = list(app._notifications)[before:]
            assert len(notes) == 1, (key, [n.message for n in notes])
            assert "the library is empty" in notes[0].message, (key, notes[0].message)
        assert services.calls == []
        # one film: enter is offered again
        await pilot.press("a", *"Sintel", "tab", *"2010", "enter")
        await settle(app, pilot, lambda: len(app.main.library.view) == 1)
        await settle(app, pilot)
        hints, _ = footer.hints()
        assert "Details" in [h.description for h in hints]


async def test_no_indexers_after_adding_a_film_points_to_the_settings_key(db):
    """A new user's report (s8, 7): after adding a film with no indexers the TUI said "add
    [[indexers]] to config.toml", sending its user to the file; it names the settings' key
    (the command line keeps naming the file)."""
    from mydia_tui.tui.launch import tui_app

    with tui_app(Config(), None) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
            await pilot.press("a", *"Big Buck Bunny", "tab", *"2008", "enter")

            def said() -> list[str]:
                return [n.message for n in app._notifications if "indexers" in n.message]

            await settle(app, pilot, lambda: said())
            (note,) = said()
            assert "config.toml" not in note
            assert note == "No indexers configured: O opens the settings to add one"
