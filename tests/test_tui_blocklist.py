"""The blocklist screen on a real SQLite database: listed newest first, one entry removed,
then all cleared, each asked first (the database is checked)."""

from __future__ import annotations

import pytest
import tui_data

from mydia_tui.models import Blocklist
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.blocklist import BlocklistScreen
from mydia_tui.tui.screens.confirm import ConfirmScreen


@pytest.fixture
def demo(db):
    ids = tui_data.populate()
    return ids, tui_data.add_blocklist(ids)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_blocklist(pilot) -> BlocklistScreen:
    """``L`` from the main screen, once the app has settled; the screen, read."""
    await settle(pilot)
    await pilot.press("L")
    screen = pilot.app.screen
    assert isinstance(screen, BlocklistScreen)
    await settle(pilot)
    return screen


async def test_blocklist_screen_removes_one_entry_then_clears_all(demo):
    ids, entries = demo
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_blocklist(pilot)
        assert [e.id for e in screen.entries] == entries[::-1]  # newest first
        row = screen.list.render_row(0, 120).plain
        assert "[red]Sintel[/red].2010.720p.WEB-DL" in row and "Sintel" in row
        assert screen.entries[1].item_title == "His Girl Friday"

        # remove the highlighted one (the second row): asked, escape keeps it
        await pilot.press("j", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.screen is screen and Blocklist.select().count() == 3
        await pilot.press("d")
        assert "His.Girl.Friday" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert sorted(b.id for b in Blocklist.select()) == sorted([entries[0], entries[2]])
        assert [e.id for e in screen.entries] == [entries[2], entries[0]]

        # clear all: asked once, naming how many
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith("Clear the blocklist (2 releases)?")
        await pilot.press("y")
        await settle(pilot)
        assert not Blocklist.select().exists()
        assert screen.entries == []
        messages = [n.message for n in app._notifications]
        assert "Removed 2 releases from the blocklist" in messages, messages
        assert screen.check_action("clear", ()) is False
        await pilot.press("escape")
        assert app.screen is app.main


async def test_activity_and_blocklist_screens_replace_each_other(demo):
    from mydia_tui.tui.screens.activity import ActivityScreen

    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, BlocklistScreen)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        assert len(app.screen_stack) == 3  # the default screen, the main one, this one
        await pilot.press("escape")
        assert app.screen is app.main


async def test_a_blocklist_of_one_release_says_release(demo):
    """Breaker 5: the title said "Blocklist · 1 releases"."""
    _ids, entries = demo
    Blocklist.delete().where(Blocklist.id != entries[0]).execute()
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_blocklist(pilot)
        assert str(screen.query_one("#blocklist").border_title) == "Blocklist · 1 release"


async def test_a_long_reason_takes_the_room_a_wide_terminal_has(demo):
    """A new user's report: "cannot be imported: it holds archives ..." was cut at 26 cells
    even at 200 columns, with 110 blank cells beside the release's name."""
    from mydia_tui.guard import blocklist

    reason = (
        "cannot be imported: it holds archives (.r00, .rar) and no video: "
        "mydia-tui does not extract archives"
    )
    blocklist(info_hash="ab" * 20, title="Rar.Film.2015.1080p.BluRay.x264-RAR", reason=reason)
    app = MydiaApp()
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_blocklist(pilot)
        row = screen.list.render_row(0, 196).plain
        # the names need 48 cells here (the longest); the reason has the rest, 88 cells
        assert reason[:87] in row and "Rar.Film.2015.1080p.BluRay.x264-RAR" in row, row
        others = [screen.list.render_row(i, 196).plain for i in range(1, len(screen.entries))]
        assert any("Deluge: tracker: torrent not registered" in r for r in others), others
        # at 120 columns the name keeps the room there is; the reason is cut with an ellipsis
        narrow = screen.list.render_row(0, 116).plain
        assert "cannot be imported: it ho…" in narrow, narrow


async def test_an_empty_blocklist_offers_no_remove_and_says_why_its_keys_do_nothing(db):
    """A new user's report (s11): on the empty blocklist ``d`` and ``C`` did nothing and said
    nothing, while the footer and the border offered them."""
    from mydia_tui.tui.widgets.footer import KeysFooter

    tui_data.populate()
    app = MydiaApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_blocklist(pilot)
        assert screen.loaded and not screen.entries
        footer = screen.query_one(KeysFooter)
        drawn = [s.text for s in screen._compositor.render_strips()]
        text = drawn[footer.region.y]
        assert "Remove" not in text and "Clear" not in text, text
        subtitle = str(screen.query_one("#blocklist").border_subtitle or "")
        assert "remove" not in subtitle and "clear" not in subtitle, subtitle
        for key in ("d", "C"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
            assert [n.message for n in app._notifications] == [
                "The blocklist is empty: nothing to remove"
                if key == "d"
                else "The blocklist is empty: nothing to clear"
            ]
