"""Snapshots of the screens that matter (pytest-textual-snapshot; Textual is pinned).

Update the baselines with ``pytest tests/test_tui_snapshots.py --snapshot-update`` after a
deliberate change, and look at ``snapshot_report.html`` when one fails.
"""

from __future__ import annotations

import pytest
import tui_data

from mydia_tui.tui.app import MydiaApp


@pytest.fixture
def demo(db):
    return tui_data.populate()


async def settled(pilot) -> None:
    app = pilot.app
    for _ in range(200):
        others = [w for w in app.workers if w.group != "monitor"]
        if others:
            await app.workers.wait_for_complete(others)
        await pilot.pause()
        if (
            app.main.is_mounted
            and app.main.library.complete
            and app.main.details.details is not None
            and not [w for w in app.workers if w.group != "monitor" and w.is_running]
            and not app.main.details._timer_pending()
        ):
            return
    raise AssertionError("the app did not settle")


def keys_then_settle(*keys: str):
    async def run_before(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(key)
            await settled(pilot)

    return run_before


def test_main_screen(demo, snap_compare):
    assert snap_compare(MydiaApp(), terminal_size=(140, 42), run_before=keys_then_settle())


def test_main_screen_80x24(demo, snap_compare):
    assert snap_compare(MydiaApp(), terminal_size=(80, 24), run_before=keys_then_settle())


def test_show_details(demo, snap_compare):
    # filter to the show, open its details, move onto an episode
    keys = ("slash", *"pioneer", "enter", "enter", "j", "j", "j")
    assert snap_compare(MydiaApp(), terminal_size=(140, 42), run_before=keys_then_settle(*keys))


def test_downloads_every_state(demo, snap_compare):
    # the downloads pane maximised, finished downloads included: all sixteen states
    keys = ("3", "a", "z")
    assert snap_compare(MydiaApp(), terminal_size=(160, 24), run_before=keys_then_settle(*keys))


def test_help_screen(demo, snap_compare):
    assert snap_compare(
        MydiaApp(), terminal_size=(100, 50), run_before=keys_then_settle("question_mark")
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_add_film_form(demo, snap_compare, size):
    keys = ("a", *"Route 66", "tab", *"2011")
    assert snap_compare(MydiaApp(), terminal_size=size, run_before=keys_then_settle(*keys))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_delete_confirmation(demo, snap_compare, size):
    keys = ("slash", *"sintel", "enter", "d")
    assert snap_compare(MydiaApp(), terminal_size=size, run_before=keys_then_settle(*keys))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_add_show_choice_list(demo, snap_compare, size):
    from tvmaze_server import running_tvmaze, standard_shows

    from mydia_tui.config import Config, MetadataConfig

    with running_tvmaze() as tvmaze:
        standard_shows(tvmaze)
        app = MydiaApp(Config(metadata=MetadataConfig(tvmaze_url=tvmaze.url, timeout=5.0)))
        keys = ("n", *"the office", "enter")
        assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*keys))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_upcoming_view(demo, snap_compare, size):
    import datetime as dt

    async def run_before(pilot) -> None:
        await settled(pilot)
        # "today" fixed: The Far Future airs on 2099-01-08, then every 7 days
        pilot.app.main.library.today = dt.date(2099, 1, 5)
        for key in ("w", "w", "w"):
            await pilot.press(key)
            await settled(pilot)

    assert snap_compare(MydiaApp(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_edit_item_form(demo, snap_compare, size):
    keys = ("slash", *"sintel", "enter", "e")
    assert snap_compare(MydiaApp(), terminal_size=size, run_before=keys_then_settle(*keys))
