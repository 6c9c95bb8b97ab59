"""Keys the footer names work where it names them; a key pressed where it does not apply says
why in one line (breaker s8 item 6). A real SQLite library; the footer is read as drawn."""

from __future__ import annotations

import pytest
import tui_data
from test_tui import settle
from test_tui_layout import screen_lines

from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.activity import ActivityScreen
from mydia_tui.tui.screens.blocklist import BlocklistScreen
from mydia_tui.tui.screens.health import HealthScreen
from mydia_tui.tui.widgets.footer import KeysFooter


@pytest.fixture
def demo(db):
    return tui_data.populate()


def footer(app) -> str:
    return screen_lines(app)[-1]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_activity_from_the_downloads_offers_no_item_filter_and_says_why(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "A")
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.item_id is None
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "This item" not in footer(app)
        await pilot.press("i")
        await pilot.pause()
        assert any("every item" in m.lower() and "library" in m for m in messages(app))
        screen.text = "no event says this"
        screen.reload()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        hint = screen.list.empty_hint()
        assert "nothing matches" in hint and "every item" not in hint


async def test_activity_from_a_library_item_offers_the_item_filter(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        assert isinstance(app.screen, ActivityScreen) and app.screen.item_id is not None
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "i This item" in footer(app) or "i Every item" in footer(app)


@pytest.mark.parametrize(
    ("key", "screen"), [("A", ActivityScreen), ("L", BlocklistScreen), ("H", HealthScreen)]
)
async def test_zoom_is_offered_only_where_a_pane_can_be_zoomed(demo, key, screen):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "z Zoom" in footer(app)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, screen)
        assert app.screen.query_one(KeysFooter)
        assert "Zoom" not in footer(app)


def _downloads_row(app, state: str) -> None:
    pane = app.main.downloads
    key = next(h for h in pane.view if pane.lines[h].stats.state == state)
    pane.list.move_cursor(pane.view.index(key))


async def test_b_and_i_on_a_running_download_are_not_offered_and_say_why(demo):
    app = MydiaApp(services=object())
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "a")
        await settle(app, pilot)
        _downloads_row(app, "import_failed")
        await pilot.pause()
        assert "I Retry import" in footer(app)
        _downloads_row(app, "downloading")
        await pilot.pause()
        assert "Retry import" not in footer(app)
        await pilot.press("B")
        await pilot.pause()
        assert any("failed or stalled" in m and "downloading" in m for m in messages(app))
        await pilot.press("I")
        await pilot.pause()
        assert any("import" in m and "downloading" in m for m in messages(app)[1:])
        assert not isinstance(app.screen, type(None)) and app.screen is app.main  # nothing asked


async def test_u_on_a_film_says_only_a_show_is_refreshed(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        film = next(i for i, e in enumerate(lib.view) if e.kind == "movie")
        lib.list.move_cursor(film)
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert any("show" in m and "film" in m for m in messages(app)), messages(app)
