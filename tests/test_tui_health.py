"""The health screen shows exactly doctor's findings (the same checks, one place) for a real
setup (a real deluged, a loopback Torznab server, real folders) and a broken one (Deluge down),
coloured by level; ``r`` runs them again."""

from __future__ import annotations

import io
from pathlib import Path

from pilot_waits import wait_until
from rich.console import Console

from mydia_tui.config import Config, IndexerConfig, LibraryConfig, write_config
from mydia_tui.doctor import OpenLibrary, run_checks
from mydia_tui.tui.launch import tui_app
from mydia_tui.tui.screens.health import HealthScreen, level
from mydia_tui.units import counted


def real_setup(tmp_path, deluged, torznab) -> Config:
    fake = torznab.add("loop")
    movies = tmp_path / "media" / "movies"
    movies.mkdir(parents=True)
    deluge = deluged.config()
    Path(deluge.movies_location).mkdir(parents=True, exist_ok=True)
    config = Config(
        deluge=deluge,
        library=LibraryConfig(movies=(str(movies),)),
        indexers=(IndexerConfig("loop", fake.url, api_key=fake.api_key, min_interval=0.0),),
    )
    path = write_config(config, tmp_path / "config.toml")
    from mydia_tui.config import load_config

    return load_config(path)


def as_text(static) -> str:
    """What a Static holding a Rich table shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def shown(screen: HealthScreen) -> str:
    return as_text(screen.query_one("#health-findings"))


async def open_health(pilot) -> HealthScreen:
    app = pilot.app
    await wait_until(pilot, lambda: app.main.is_mounted)
    await pilot.press("H")
    await wait_until(pilot, lambda: isinstance(app.screen, HealthScreen))
    screen = app.screen
    await wait_until(pilot, lambda: screen.findings is not None, what="the findings")
    return screen


async def test_health_shows_doctors_findings_for_a_real_setup(db, tmp_path, deluged, torznab):
    config = real_setup(tmp_path, deluged, torznab)
    expected = run_checks(OpenLibrary(config))
    with tui_app(config, str(config.source)) as app:
        async with app.run_test(size=(160, 40)) as pilot:
            screen = await open_health(pilot)
            assert [(f.area, f.ok, f.message, f.warning) for f in screen.findings] == [
                (f.area, f.ok, f.message, f.warning) for f in expected
            ]
            text = shown(screen)
            assert "[ok  ] deluge" in text and "Deluge 2." in text
            assert "loop: answers (search, tv, movie)" in text
            # the download folder and the library share tmp_path's file system
            assert "are on one file system: imports are hardlinks" in text
            assert deluged.password not in text and "secretkey123" not in text
            state = str(screen.query_one("#health-state").render())
            assert "0 failing" in state
            # breaker 6 (8): "2 warning(s)": the count in proper English
            warnings = sum(1 for f in screen.findings if level(f) == "warn")
            assert counted(warnings, "warning") in state and "(s)" not in state, state


async def test_health_with_deluge_down_says_so_and_r_runs_again(db, tmp_path, deluged, torznab):
    config = real_setup(tmp_path, deluged, torznab)
    with tui_app(config, str(config.source)) as app:
        async with app.run_test(size=(160, 40)) as pilot:
            screen = await open_health(pilot)
            assert "[FAIL] deluge" not in shown(screen)
            deluged.stop()
            screen.findings = None
            await pilot.press("r")
            await wait_until(pilot, lambda: screen.findings is not None, what="the new findings")
            text = shown(screen)
            assert "[FAIL] deluge" in text
            assert "refused the connection: is deluged running?" in text
            assert "1 failing" in str(screen.query_one("#health-state").render())
            failed = [f for f in screen.findings if f.area == "deluge" and not f.ok]
            assert failed and failed[0].message == next(
                f.message for f in run_checks(OpenLibrary(config)) if f.area == "deluge"
            )


async def test_health_and_settings_are_in_the_help_screen(db):
    from mydia_tui.tui.screens.help import HelpScreen

    with tui_app(Config(), None) as app:
        async with app.run_test(size=(120, 60)) as pilot:
            await wait_until(pilot, lambda: app.main.is_mounted)
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            text = as_text(app.screen.query_one("Static"))
            for words in ("Open the settings", "Open the health checks", "Run every check again"):
                assert words in text, words
            for section in ("Settings", "Health"):
                assert section in text
