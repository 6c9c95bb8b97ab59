"""The activity screen on a real SQLite database: the history newest first, by kind, by item
and by text, read a page at a time."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import tui_data

from mydia_tui.history import record
from mydia_tui.models import History
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.activity import ActivityScreen


@pytest.fixture
def demo(db):
    ids = tui_data.populate()
    # a few more events, each at its own minute after the fixed ones
    at = tui_data.T0 + dt.timedelta(days=3)
    for n, (event, reason, item, message) in enumerate(
        [
            ("failed", "", "Sintel", "Sintel.2010.1080p.BluRay.x264-BLENDER failed: Deluge: error"),
            ("refused", "blocklisted", "Sintel", "refused Sintel.2010.720p: blocklisted"),
            ("imported", "upgraded", "Sintel", "imported Sintel.2010.2160p (upgraded from 1080p)"),
            ("removed", "", "Charade", "Charade.1963.1080p removed by the user"),
            ("error", "", None, "Deluge at 127.0.0.1:58846 refused the login"),
        ]
    ):
        hid = record(event, message, item=ids[item] if item else None, reason=reason)
        History.update(at=at + dt.timedelta(minutes=n)).where(History.id == hid).execute()
    return ids


async def settle(pilot, screen: ActivityScreen) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.loaded


def shown(screen: ActivityScreen) -> list:
    return [screen.entry(i) for i in range(len(screen.ids))]


async def test_activity_lists_kinds_newest_first_and_filters_by_kind_and_item(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("3", "A")  # from the downloads: every item
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.item_id is None
        await settle(pilot, screen)
        entries = shown(screen)
        assert len(entries) == History.select().count()
        assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
        assert [e.event for e in entries[:5]] == [
            "error",
            "removed",
            "imported",
            "refused",
            "failed",
        ]
        assert screen.counts["upgraded"] == 1 and screen.counts["failed"] == 1
        # the row shows the message literally (a release title is untrusted text)
        assert "refused the login" in screen.list.render_row(0, 120).plain

        # f cycles the kinds: grabbed, imported, upgraded, refused, ...
        await pilot.press("f")
        await settle(pilot, screen)
        assert screen.kind == "grabbed"
        assert {e.event for e in shown(screen)} <= {"grabbed", "adopted"} and screen.ids
        await pilot.press("f", "f")
        await settle(pilot, screen)
        assert screen.kind == "upgraded"
        assert [e.message for e in shown(screen)] == [
            "imported Sintel.2010.2160p (upgraded from 1080p)"
        ]
        await pilot.press("f")
        await settle(pilot, screen)
        assert screen.kind == "refused"
        assert [e.reason for e in shown(screen)] == ["blocklisted", "already_on_disk"]
        bar = str(screen.query_one("#activity-kinds").render())
        assert "refused 2" in bar and "grabbed 1" in bar

        # / filters by text in the message or the item's title
        await pilot.press("F", "F", "F", "F")  # back to all
        await settle(pilot, screen)
        assert screen.kind == "all"
        await pilot.press("slash", *"charade", "enter")
        await settle(pilot, screen)
        assert shown(screen) and all(e.item_title == "Charade" for e in shown(screen))
        await pilot.press("escape")  # clears the text first
        await settle(pilot, screen)
        assert screen.text == "" and len(screen.ids) == History.select().count()
        await pilot.press("escape")  # then closes
        assert app.screen is app.main


async def test_activity_opened_from_the_library_shows_that_item_and_i_shows_all(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"sintel", "enter")
        await pilot.pause()
        assert app.main.library.current_id() == demo["Sintel"]
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.item_id == demo["Sintel"]
        await settle(pilot, screen)
        entries = shown(screen)
        assert entries and {e.item_id for e in entries} == {demo["Sintel"]}
        assert [e.event for e in entries[:3]] == ["imported", "refused", "failed"]
        assert "Sintel" in str(screen.query_one("#activity").border_title)
        await pilot.press("i")
        await settle(pilot, screen)
        assert len(screen.ids) == History.select().count()
        await pilot.press("i")
        await settle(pilot, screen)
        assert {e.item_id for e in shown(screen)} == {demo["Sintel"]}


async def test_an_event_is_named_alike_in_the_details_and_the_activity(demo):
    """A new user's report: the details pane's history showed the code ``search_empty`` where
    the activity screen wrote ``search empty``: both name an event by one function."""
    hid = record("search_empty", "nothing acceptable found for Sintel (2010)", item=demo["Sintel"])
    at = tui_data.T0 + dt.timedelta(days=30)
    History.update(at=at).where(History.id == hid).execute()
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"sintel", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        details = app.main.details
        assert details.details is not None and details.details.id == demo["Sintel"]
        rows = [details.render_row(i, 120).plain for i in range(len(details.lines))]
        [row] = [r for r in rows if "nothing acceptable found" in r]
        assert "search empty nothing acceptable" in row and "search_empty" not in row
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        await settle(pilot, screen)
        assert shown(screen)[0].event == "search_empty"
        row = screen.list.render_row(0, 120).plain
        assert "search empty" in row and "search_empty" not in row


async def test_i_opened_from_the_downloads_says_how_to_see_one_items_events(demo):
    """A new user's report: `i` on the Activity opened from the downloads said "... on an
    item in the library to see that item's", which read as cut. It says it whole."""
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("3", "A")
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.item_id is None
        await settle(pilot, screen)
        await pilot.press("i")
        await pilot.pause()
        (note,) = [n for n in app._notifications if "Every item" in n.message]
        assert note.message == (
            "Every item's events are shown here: press A on an item in the library to see "
            "only its events"
        )


async def test_the_palette_runs_activity_keys_only_while_the_screen_is_open(demo):
    from mydia_tui.tui.commands import ActionsProvider

    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        on_main = [name for name, *_ in ActionsProvider(app.screen)._commands()]
        assert "Everywhere: Activity" in on_main
        assert not [n for n in on_main if n.startswith("Activity:")]
        await pilot.press("A")
        screen = app.screen
        await settle(pilot, screen)
        on_activity = {name: run for name, _, run in ActionsProvider(screen)._commands()}
        assert "Activity: Kind" in on_activity
        assert not [n for n in on_activity if n.startswith("Downloads:")]
        await on_activity["Activity: Kind"]()
        await settle(pilot, screen)
        assert screen.kind == "grabbed"


async def test_new_keys_are_remappable_and_listed_in_the_help(demo):
    from mydia_tui.config import Config, TuiConfig
    from mydia_tui.tui.screens.help import HelpScreen

    keys = {"app.activity": "ctrl+y", "activity.kind": "n", "downloads.mark": "x"}
    app = MydiaApp(Config(tui=TuiConfig(keys=keys)))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.main.downloads
        await pilot.press("3", "x")
        assert pane.marks == {pane.view[0]}
        await pilot.press("ctrl+y")
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        await settle(pilot, screen)
        await pilot.press("n")
        await settle(pilot, screen)
        assert screen.kind == "grabbed"
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("Static").content)
        text = console.export_text()
        for words in ("ctrl+y", "Mark or unmark the row", "Empty the blocklist", "{"):
            assert words in text, words


async def test_new_events_appear_while_open_and_the_cursor_stays_on_its_event(demo):
    from mydia_tui import events

    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("3", "A")
        screen = app.screen
        await settle(pilot, screen)
        await pilot.press("j", "j")
        on = screen.ids[2]
        hid = record("grabbed", "grabbed Cosmos.Laundromat.2015.2160p.WEB-DL from jackett")
        app.post_core_event(events.DownloadsChanged())  # what the monitor says after a grab
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.ids[0] == hid and screen.counts["grabbed"] == 2
        assert screen.ids[screen.list.cursor] == on


async def test_a_long_history_is_read_a_page_at_a_time(demo):
    from mydia_tui.history import record_many

    with History._meta.database.atomic():
        record_many([{"event": "searched", "message": f"searched film {n}"} for n in range(450)])
    total = History.select().count()
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("3", "A")
        screen = app.screen
        await settle(pilot, screen)
        assert len(screen.ids) == total and screen.counts["searched"] == 450
        assert set(screen._pages) == {0}  # only the first page read so far
        await pilot.press("G")
        await pilot.pause()
        last_page = (total - 1) // 100
        assert last_page in screen._pages and len(screen._pages) <= 3
        oldest = History.select().order_by(History.at, History.id).first()
        assert screen.entry(total - 1).id == oldest.id


@pytest.fixture
def every_kind(db):
    # as in the report: more kinds than 80 columns hold, counts of two digits
    for event, reason, n in (
        ("grabbed", "", 11),
        ("imported", "", 1),
        ("imported", "upgraded", 2),
        ("refused", "blocklisted", 7),
        ("failed", "", 1),
        ("removed", "", 3),
        ("error", "", 3),
        ("searched", "", 13),
        ("added", "", 11),
    ):
        for _ in range(n):
            record(event, f"an event {event}", reason=reason)


async def test_the_kind_bar_at_80_columns_shows_the_current_kind_and_counts_the_hidden(every_kind):
    from mydia_tui.history import KINDS

    app = MydiaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3", "A")
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        await settle(pilot, screen)
        for kind in ("all", *KINDS):
            assert screen.kind == kind
            lines = [s.text for s in app.screen._compositor.render_strips()]
            bar = next(line for line in lines if "all " in line)
            assert f"{kind} {screen.counts[kind]}" in bar, (kind, bar)
            shown = [k for k in KINDS if f"{k} {screen.counts[k]}" in bar]
            hidden = len(KINDS) - len(shown)
            # the kinds left out are said, counted, at the end they are hidden at
            said = [int(n) for n in re.findall(r"‹ (\d+) more|(\d+) more ›", bar) for n in n if n]
            assert sum(said) == hidden, bar
            await pilot.press("f")
            await settle(pilot, screen)
