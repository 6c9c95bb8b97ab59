"""Items added, changed or removed by another process appear in the open app without a restart.

The app runs on a real SQLite file; the other process is the real command line
(``python -m mydia_tui``) on the same file, as a user with the app open in one terminal and a
shell in another would run it."""

from __future__ import annotations

from pathlib import Path

from test_tui import settle

from mydia_tui.config import Config, LibraryConfig, write_config
from mydia_tui.tui.app import MydiaApp


async def wait_for(app, pilot, condition, rounds: int = 400) -> None:
    """Let the app run (its change poll included) until ``condition()`` holds."""
    for _ in range(rounds):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError(f"the app never showed the change (stamp {app._stamp})")


def entry(app, title: str):
    return next((e for e in app.main.library.entries.values() if e.title == title), None)


async def test_what_the_command_line_changes_appears_in_the_open_app(db, cli, tmp_path):
    movies = tmp_path / "movies"
    movies.mkdir()
    config = Config(library=LibraryConfig(movies=(str(movies),)))
    cli.config_path = write_config(config, tmp_path / "config.toml")
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0

    app = MydiaApp(config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert [e.title for e in app.main.library.view] == ["Big Buck Bunny"]

        # added by another process
        assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
        await wait_for(app, pilot, lambda: entry(app, "Sintel") is not None)
        assert "Sintel" in [e.title for e in app.main.library.view]

        # its monitoring turned off there
        sintel = entry(app, "Sintel")
        assert sintel.monitored
        assert cli("monitored", str(sintel.id), "off").code == 0
        await wait_for(app, pilot, lambda: not entry(app, "Sintel").monitored)

        # a file found there by a scan: the film is on disk here
        folder = Path(movies, "Sintel (2010)")
        folder.mkdir()
        (folder / "Sintel (2010) WEBDL-1080p.mkv").write_bytes(b"\0" * 4096)
        result = cli("scan")
        assert result.code == 0, result.err
        await wait_for(app, pilot, lambda: entry(app, "Sintel").status == "on_disk")

        # and the row's details follow when it is the one shown
        app.main.library.list.move_cursor([e.title for e in app.main.library.view].index("Sintel"))
        await wait_for(
            app,
            pilot,
            lambda: (
                app.main.details.details is not None and app.main.details.details.title == "Sintel"
            ),
        )
        assert app.main.details.details.files


async def test_a_file_changed_by_a_scan_and_a_new_episode_title_reach_the_open_details(
    db, cli, tmp_path
):
    """A new user's report: a scan that found a film's file grown (2 MiB to 5 MiB) and a
    refresh that changed an episode's title, run in another shell, never reached the details
    open in the app (adds, deletions and toggles did): every update counts now (schema 9)."""
    import sqlite3

    movies = tmp_path / "movies"
    folder = movies / "Sintel (2010)"
    folder.mkdir(parents=True)
    film = folder / "Sintel (2010) WEBDL-1080p.mkv"
    film.write_bytes(b"\0" * 2 * 1024 * 1024)
    config = Config(library=LibraryConfig(movies=(str(movies),)))
    cli.config_path = write_config(config, tmp_path / "config.toml")
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    assert cli("add", "show", "The Expanse", "--seasons", "1:2").code == 0
    assert cli("scan").code == 0

    app = MydiaApp(config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        details = app.main.details
        titles = [e.title for e in app.main.library.view]
        app.main.library.list.move_cursor(titles.index("Sintel"))
        await wait_for(app, pilot, lambda: details.details and details.details.title == "Sintel")
        assert [f.size for f in details.details.files] == [2 * 1024 * 1024]

        film.write_bytes(b"\0" * 5 * 1024 * 1024)
        result = cli("scan")
        assert result.code == 0 and "1 updated" in result.out, result.out
        await wait_for(app, pilot, lambda: [f.size for f in details.details.files] == [5 << 20])

        app.main.library.list.move_cursor(titles.index("The Expanse"))
        await wait_for(
            app, pilot, lambda: details.details and details.details.title == "The Expanse"
        )
        # a refresh's new title, written by another process (as `refresh` does from TVmaze)
        other = sqlite3.connect(cli.db_path)
        with other:
            other.execute("UPDATE episode SET title = 'Dulcinea' WHERE season = 1 AND number = 1")
        other.close()

        def first_title() -> str:
            return details.details.seasons[0].episodes[0].title

        await wait_for(app, pilot, lambda: first_title() == "Dulcinea")
