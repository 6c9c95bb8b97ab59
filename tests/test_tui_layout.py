"""The app at the three terminal sizes people use (80x24, 120x36, 200x50): no heading, tab,
key hint or answer cut in the middle of a word, and nothing shown for values that do not apply.

What is checked is what the terminal shows: the screen's composed lines (Textual's compositor,
as the driver would write them), on a real database filled by ``tui_data``."""

from __future__ import annotations

import re

import pytest
import tui_data
from test_tui import settle, sintel_downloads
from textual.widgets import Button, Input

from mydia_tui import events
from mydia_tui.models import Download, Episode, MediaItem
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.add_film import AddFilmScreen
from mydia_tui.tui.screens.confirm import ConfirmScreen
from mydia_tui.tui.widgets.downloads import HEADINGS, LIVE, layout
from mydia_tui.tui.widgets.footer import KeysFooter
from mydia_tui.views import STATE_GROUPS

SIZES = [(80, 24), (120, 36), (200, 50)]
LIBRARY_HEADINGS = {"Title", "Year", "Kind", "Status"}


def screen_lines(app) -> list[str]:
    """The text of each line of the screen as it is drawn."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def shown(app, widget) -> str:
    """The text the terminal shows where ``widget`` is."""
    region = widget.region
    lines = screen_lines(app)
    return "\n".join(
        lines[y][region.x : region.right] for y in range(region.y, region.bottom)
    ).rstrip()


def assert_hints_whole(app, footer: KeysFooter, at_least: int) -> None:
    """The footer shows at least ``at_least`` hints, each whole on the screen and left of the
    palette's key, which is at the right edge; the hints left out are the last ones."""
    line = shown(app, footer)
    drawn = footer.drawn
    hints, palette = footer.hints()
    assert palette is not None and drawn[-1][2] == palette
    *keys, (palette_start, palette_end, _) = drawn
    assert len(keys) >= at_least, line
    kept = [hint for _, _, hint in keys]
    assert kept == [h for h in hints if h in kept]  # in binding order
    left_out = [h for h in hints if h not in kept]
    if any(h.enabled for h in left_out):  # the disabled ones go first, then the last ones
        assert all(h.enabled for h in kept), line
        assert kept == [h for h in hints if h.enabled][: len(kept)], line
    assert line.rstrip().endswith(f"▏{palette.display} {palette.description}"), line
    assert palette_end <= footer.size.width
    for start, end, hint in keys:
        assert end <= palette_start - 1, hint  # the palette's edge is left of its key
        assert line[start:end].strip() == f"{hint.display} {hint.description}", line


@pytest.fixture
def demo(db):
    return tui_data.populate()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_headings_tabs_and_key_hints_are_never_cut(demo, size):
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "a")  # the downloads, finished ones too: every state
        await settle(app, pilot, until=lambda: app.main.downloads.include_finished)
        await pilot.pause()
        main = app.main

        library = shown(app, main.query_one("#library-header")).split()
        assert library and set(library) <= LIBRARY_HEADINGS, library
        assert library[0] == "Title" and "Status" in library

        downloads = shown(app, main.query_one("#downloads-header")).split()
        assert downloads and set(downloads) <= set(HEADINGS.values()), downloads
        if size[0] >= 120:  # Seeds/Peers comes back later: the release's name first
            assert {"Target", "Size", "ETA"} <= set(downloads)
        if size[0] >= 200:
            assert downloads == list(HEADINGS.values())

        # the state tabs: whole "group count" pairs, the current one among them, and those out
        # of sight counted ("‹ 2 more", "3 more ›": text.filter_tabs)
        line = shown(app, main.query_one("#downloads-states"))
        tabs = re.sub(r"‹ [\d,]+ more|[\d,]+ more ›", " ", line).split()
        assert len(tabs) % 2 == 0 and len(tabs) >= 4, tabs
        for group, count in zip(tabs[::2], tabs[1::2], strict=True):
            assert group in STATE_GROUPS and re.fullmatch(r"[\d,]+", count), tabs

        # every key hint in the footer is whole, left of the palette's key
        footer = main.query_one(KeysFooter)
        assert_hints_whole(app, footer, at_least=3)

        status = shown(app, main.status)
        assert "…" not in status and "monitor" in status


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_finished_rows_show_no_rates_ratio_or_peers(demo, size):
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "a")
        await settle(app, pilot, until=lambda: app.main.downloads.include_finished)
        pane = app.main.downloads
        width = pane.list.scrollable_content_region.width
        finished = [i for i, h in enumerate(pane.view) if pane.lines[h].stats.state not in LIVE]
        live = [i for i, h in enumerate(pane.view) if pane.lines[h].stats.state in LIVE]
        assert finished and live
        for index in finished:
            row = pane.list.render_row(index, width).plain
            assert "/s" not in row and "-1.00" not in row, row
        if size[0] >= 200:  # room for every column: a live row still shows its rates
            assert any("/s" in pane.list.render_row(i, width).plain for i in live)
        assert "-1.00" not in "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_remove_question_shows_every_answer_whole(demo, size):
    app = MydiaApp(services=object())  # the action needs services; it is cancelled here
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        await pilot.press("3")
        live = next(
            i for i, h in enumerate(pane.view) if pane.lines[h].stats.state == "downloading"
        )
        pane.list.move_cursor(live)
        await pilot.press("R")
        await settle(app, pilot, until=lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        buttons = list(app.screen.query(Button))
        assert len(buttons) == 3
        for button in buttons:
            label = str(button.label)
            assert label in text, (label, text)
            assert button.region.x >= 0 and button.region.right <= size[0]
        await pilot.press("escape")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_empty_library_hint_is_shown_whole(db, size):
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        hint = app.main.library.list.empty_hint()
        assert hint
        text = " ".join(shown(app, app.main.library.list).split())
        assert " ".join(hint.split()) in text, text


@pytest.mark.parametrize("size", SIZES[:2], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", ["A", "L", "O", "H"])
async def test_every_screens_key_hints_are_whole(demo, size, key):
    """The activity, blocklist, settings and health screens have the same footer: a hint
    that does not fit is hidden, never cut (``M▏`` at 80 columns)."""
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        for _ in range(100):
            await pilot.pause()
            if app.screen is not app.main and app.screen.query(KeysFooter):
                break
        await pilot.pause(0.2)
        assert_hints_whole(app, app.screen.query_one(KeysFooter), at_least=1)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_library_border_says_whole_words(demo, size):
    """The library's title and subtitle keep whole parts (``· 0 e…`` at 80 columns in the
    upcoming view): what does not fit is left out."""
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        pane = app.main.library
        for _ in range(3):  # everything -> missing -> cutoff unmet -> upcoming
            await pilot.press("w")
            await settle(app, pilot)
        assert pane.wanted == "upcoming"
        await pilot.pause()
        lines = screen_lines(app)
        top, bottom = lines[pane.region.y], lines[pane.region.bottom - 1]
        assert str(pane.border_title) in top, top
        assert str(pane.border_subtitle) in bottom, bottom
        assert "…" not in top and "…" not in bottom


async def test_dimmed_hints_make_way_for_quit_and_keys_at_80_columns(db):
    """With an empty queue the download actions cannot run (drawn dim); at 80 columns they
    used to fill the footer and push ``q Quit`` and ``? Keys`` out (breaker 6)."""
    app = MydiaApp(services=object())  # pause, remove, retry import: nothing to act on
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.pause()
        footer = app.main.query_one(KeysFooter)
        hints, _palette = footer.hints()
        assert any(not h.enabled for h in hints)  # the download actions, dimmed
        line = shown(app, footer)
        assert "q Quit" in line and "? Keys" in line, line
        assert_hints_whole(app, footer, at_least=3)


def footer_hints(app) -> list[tuple[str, str]]:
    """(key as shown, description) of every hint the current screen's footer offers."""
    hints, _palette = app.screen.query_one(KeysFooter).hints()
    return [(h.display, h.description) for h in hints]


async def test_the_footer_while_typing_a_library_filter_shows_what_enter_and_escape_do(db):
    """Breaker 6 (12): after ``/`` the footer offered only ``/ Filter`` (``/`` then types a
    slash) and not the key that clears the filter."""
    from mydia_tui.library import add_movie

    add_movie("Sintel", 2010)
    add_movie("Big Buck Bunny", 2008)
    app = MydiaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        assert ("/", "Filter") in footer_hints(app)
        await pilot.press("slash")
        await settle(app, pilot)
        hints = footer_hints(app)
        assert ("esc", "Clear filter") in hints and ("⏎", "Keep filter") in hints, hints
        assert ("/", "Filter") not in hints
        await pilot.press(*"sin", "enter")  # kept: the list has the focus again
        await settle(app, pilot, lambda: lib.filter_text == "sin" and lib.list.has_focus)
        assert ("/", "Filter") in footer_hints(app)  # "/" filters again
        await pilot.press("escape")  # clears the kept filter too
        await settle(app, pilot, lambda: lib.filter_text == "" and len(lib.view) == 2)
        assert ("esc", "Clear filter") not in footer_hints(app)
        await pilot.press("slash", *"bun", "escape")  # typing, escape: cleared, back to the list
        await settle(app, pilot, lambda: lib.filter_text == "" and lib.list.has_focus)
        assert len(lib.view) == 2 and ("/", "Filter") in footer_hints(app)


async def test_the_footer_while_typing_an_activity_filter_says_escape_clears_not_closes(db):
    """Breaker 6 (12): in the activity screen after ``/`` the footer said ``esc Close`` but
    escape clears the filter and stays."""
    from mydia_tui.history import record
    from mydia_tui.tui.screens.activity import ActivityScreen

    record("error", "film number 1 failed")
    app = MydiaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot, lambda: isinstance(app.screen, ActivityScreen))
        screen = app.screen
        assert ("esc", "Close") in footer_hints(app)
        await pilot.press("slash", *"film")
        await settle(app, pilot, lambda: screen.text == "film")
        hints = footer_hints(app)
        assert ("esc", "Clear filter") in hints and ("⏎", "Keep filter") in hints, hints
        assert ("esc", "Close") not in hints and ("/", "Filter") not in hints
        await pilot.press("escape")
        await settle(app, pilot, lambda: screen.text == "")
        assert app.screen is screen  # cleared, not closed
        assert ("esc", "Close") in footer_hints(app)
        # a kept filter: escape clears it first, and the footer says so
        await pilot.press("slash", *"film", "enter")
        await settle(app, pilot, lambda: screen.text == "film" and screen.list.has_focus)
        hints = footer_hints(app)
        assert ("esc", "Clear filter") in hints and ("esc", "Close") not in hints, hints
        assert ("q", "Quit") in hints and ("?", "Keys") in hints, hints  # still room at 80
        await pilot.press("escape")
        await settle(app, pilot, lambda: screen.text == "")
        assert app.screen is screen and ("esc", "Close") in footer_hints(app)
        # and the footer on the screen says so (it kept "Clear filter": a new user's report)
        footer = screen.query_one(KeysFooter)
        await settle(
            app,
            pilot,
            lambda: ("esc", "Close") in [(h.display, h.description) for *_, h in footer.drawn],
        )
        await pilot.press("escape")
        await settle(app, pilot, lambda: app.screen is app.main)


def assert_fields_one_line(app) -> None:
    """Every text field of the open form is one line, its text shown on it."""
    fields = list(app.screen.query(Input))
    assert fields
    for field in fields:
        assert (field.region.height, field.content_region.height) == (1, 1), field.id
        assert shown(app, field).strip().startswith(field.value or field.placeholder), field.id


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("year", ["", "-"], ids=["empty-year", "sign-only"])
async def test_a_refused_film_keeps_every_field_on_its_line(demo, size, year):
    """Seen by a new user at 120x36: after a refused submit, the Year field was drawn as two
    border lines with no text (the year field's validator marks it invalid when left empty
    or holding a sign alone, and Textual's style for an invalid input gave it a border)."""
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"Matrix", "tab", *year, "tab", "enter")
        screen = app.screen
        assert isinstance(screen, AddFilmScreen)
        error = screen.query_one("#form-error")
        await settle(app, pilot, lambda: "needs its year" in str(error.render()))
        await pilot.pause()
        assert screen.query_one("#film-year").has_class("-invalid")
        assert_fields_one_line(app)
        assert "needs its year" in shown(app, error)


def bar_line(scan: bool, since: str) -> dict[int, str]:
    """What the status bar draws, by terminal width, for the state of
    :func:`test_the_status_bar_keeps_whole_phrases`: the least important parts shortened first
    (the monitor's countdown, then the indexers' unasked ones, Deluge's time, the scanned
    folder), every phrase whole."""
    if scan:
        return {
            80: "scanning 120/300 │ idle │ Deluge refused the login │ indexers 0 ok, 1 failing",
            120: "scanning movies ████······ 120/300 · U cancels │ idle │ Deluge refused the"
            " login │ indexers 0 ok, 1 failing",
            200: "scanning /media/a very long folder name/movies ████······ 120/300 · U cancels"
            f" │ idle · next cycle in 1h00m │ Deluge refused the login since {since} │ indexers"
            " 0 ok, 1 not asked yet, 1 failing",
        }
    full = (
        f"idle · next cycle in 1h00m │ Deluge refused the login since {since} │ indexers 0 ok,"
        " 1 not asked yet, 1 failing"
    )
    return {
        80: f"idle │ Deluge refused the login since {since} │ indexers 0 ok, 1 failing",
        120: full,
        200: full,
    }


@pytest.mark.parametrize("scan", [False, True], ids=["idle", "scanning"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_status_bar_keeps_whole_phrases(demo, size, scan):
    """A new user's report: at 80 columns the bar read ``… │ indexers 0 ok, 1`` (the parts
    joined in one line that the terminal cut). What is drawn is whole phrases: the least
    important parts are shortened or left out first."""
    import datetime as dt

    from mydia_tui import events

    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        bar = app.main.status
        bar.set_setup(deluge_configured=True, has_indexers=True)
        # the countdown reads "1h00m" for 30 s
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=60, seconds=45)
        bar.set_monitor(events.MonitorState("idle", next_cycle_at=soon))
        since = dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.UTC)
        bar.set_deluge(events.DelugeHealth(False, offline_since=since, login_refused=True))
        bar.set_indexers(events.IndexerHealthSummary(0, 1, ("jackett",), unasked=1))
        if scan:
            bar.set_scan(events.ScanProgress("/media/a very long folder name/movies", 120, 300))
        await pilot.pause()
        drawn = shown(app, bar).strip()
        assert drawn == bar_line(scan, since.astimezone().strftime("%H:%M"))[size[0]], drawn


async def test_a_long_title_in_the_status_bar_is_cut_with_an_ellipsis(demo):
    """What the monitor searches (an item's title, any length) is the one part that can be
    cut: by ``fit``, an ellipsis right after the last whole glyph, the other parts whole."""
    from mydia_tui import events

    app = MydiaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bar = app.main.status
        bar.set_setup(deluge_configured=True, has_indexers=True)
        title = 'searching "Battlestar Galactica 日本語 The Complete Original Series S01"'
        bar.set_monitor(events.MonitorState("searching", title))
        bar.set_deluge(events.DelugeHealth(True, version="2.2.0"))
        bar.set_indexers(events.IndexerHealthSummary(2, 0))
        await pilot.pause()
        drawn = shown(app, bar).strip()
        assert drawn == ('searching "Battlestar Galac… │ Deluge 2.2.0 connected │ indexers 2 ok'), (
            drawn
        )


DIALOGS = {
    # how it is opened from the main screen, the keys its footer shows
    "help": (("question_mark",), "esc Close"),
    "delete": (("slash", *"sintel", "enter", "d"), "esc Cancel"),
    "add film": (("a",), "esc Cancel  ⏎ Add"),
    "edit": (("slash", *"sintel", "enter", "e"), "esc Cancel  ⏎ Save"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("dialog", list(DIALOGS))
async def test_a_dialog_shows_its_own_keys_in_the_footer(demo, size, dialog):
    """A new user's report: with a dialog open, the footer beneath it still offered the main
    screen's keys (``/ Filter  s Sort  q Quit``), none of which work while it is open. What is
    drawn on the bottom line is the dialog's own keys."""
    keys, expected = DIALOGS[dialog]
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press(*keys)
        await settle(app, pilot, until=lambda: app.screen is not app.main)
        await pilot.pause()
        bottom = screen_lines(app)[-1]
        assert bottom.strip() == expected, bottom


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_status_bar_says_why_an_indexer_fails_where_there_is_room(demo, size):
    """A new user's report (s8, finding 6): even at 200 columns the bar read ``indexers 0
    ok, 1 failing`` and never why. Where there is room it says why, short."""
    from mydia_tui import events

    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        bar = app.main.status
        bar.set_setup(deluge_configured=True, has_indexers=True)
        bar.set_monitor(events.MonitorState("idle"))
        bar.set_deluge(events.DelugeHealth(True, version="2.2.0"))
        bar.set_indexers(
            events.IndexerHealthSummary(
                0, 1, ("demo-feed",), reasons=("demo-feed: connection refused",)
            )
        )
        await pilot.pause()
        drawn = shown(app, bar).strip()
        assert "indexers 0 ok, 1 failing" in drawn, drawn
        if size[0] >= 120:
            assert "1 failing (demo-feed: connection refused)" in drawn, drawn


def test_name_and_target_never_narrow_as_the_pane_widens():
    """Name and Target share the room the numeric columns leave (Target up to what a title
    with its year or episodes needs, the rest to Name); a column that comes back as the pane
    widens takes its room from what was spare, never from them (a new user's report: Name had
    35 cells at 80 columns and 17 at 120)."""
    before = layout(57)  # the rows of a 60-column terminal: its border and scrollbar
    for width in range(58, 248):
        cols = layout(width)
        assert sum(cols.values()) + sum(1 for w in cols.values() if w) - 1 <= width, cols
        for column in ("name", "target"):
            assert cols[column] >= before[column], (width, column, before, cols)
        assert all(w == 0 or w >= len(HEADINGS[k]) for k, w in cols.items()), cols
        before = cols
    assert layout(247)["target"] <= 40 and all(layout(197).values())


@pytest.mark.parametrize("size", [(120, 36), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_episodes_release_and_target_are_shown_whole(demo, size):
    release = "The.Expanse.S01E07.1080p.WEB-DL.x264-EXP"
    pioneer = MediaItem.get(MediaItem.title == "Pioneer One")
    MediaItem.update(title="The Expanse").where(MediaItem.id == pioneer.id).execute()
    Episode.update(number=7).where(
        (Episode.show == pioneer.id) & (Episode.season == 1) & (Episode.number == 4)
    ).execute()
    Download.update(title=release).where(Download.state == "seeding").execute()
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.pause()
        rows = shown(app, app.main.downloads.list)
        line = next(line for line in rows.splitlines() if "seeding" in line)
        assert release in line and "The Expanse S01E07" in line, line


async def test_the_columns_stay_put_when_the_scrollbar_comes(demo):
    """A new user's report: the headings moved by a cell when the list's scrollbar came or
    went. The columns are laid out for the rows' width beside a scrollbar, with it or not."""
    app = MydiaApp()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        header = app.main.query_one("#downloads-header")
        assert not pane.list.show_vertical_scrollbar
        before = shown(app, header)
        sintel_downloads(40)
        app.post_core_event(events.DownloadsChanged())
        await settle(app, pilot, lambda: pane.counts["all"] == 53)
        await pilot.pause(0.1)
        assert pane.list.show_vertical_scrollbar
        row = next(line for line in shown(app, pane.list).splitlines() if "GRP" in line)
        assert shown(app, header).index("Target") == row.index("Sintel (2010)"), row
        assert shown(app, header) == before
