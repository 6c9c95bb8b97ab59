"""Pilot tests of the TUI on a real SQLite database: navigation, filtering, sorting, panes,
the status bar, the monitor and service hooks, live downloads and untrusted text."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import dataclass

import pytest
import tui_data
from textual import events as textual_events
from textual.css.query import NoMatches
from textual.widgets import Input
from textual.worker import WorkerCancelled

from mydia_tui import events
from mydia_tui.config import Config, DelugeConfig, IndexerConfig, TuiConfig, load_config
from mydia_tui.errors import MydiaError
from mydia_tui.models import ACTIVE_STATES, Download, Episode, History, MediaItem
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.commands import ActionsProvider
from mydia_tui.tui.keys import shown_key
from mydia_tui.tui.screens.confirm import ConfirmScreen
from mydia_tui.tui.screens.help import HelpScreen
from mydia_tui.tui.screens.releases import ReleaseList, ReleasesScreen


async def settle(app, pilot, until=lambda: True, rounds: int = 200) -> None:
    """Let workers and messages run until ``until()`` holds and nothing is pending."""
    for _ in range(rounds):
        # every worker but the monitor's, which runs until the app exits
        others = [w for w in app.workers if w.group != "monitor"]
        if others:  # (an empty list would mean "all")
            try:
                await app.workers.wait_for_complete(others)
            except WorkerCancelled:  # an exclusive worker replaced by a newer one
                pass
        await pilot.pause()
        try:
            ready = app.main.is_mounted and app.main.library.complete
        except NoMatches:  # the main screen is mounted, its panes not yet (a loaded machine)
            continue
        if (
            ready
            and not app._keys_waiting  # every key sent is handled (a loaded machine is slow)
            and not [w for w in app.workers if w.group != "monitor" and w.is_running]
            and until()
        ):
            return
    raise AssertionError("the app did not settle")


def burst(app, *keys: str) -> None:
    """Send ``keys`` as a terminal hands over what was typed fast: every key queued for the app
    at once, as the driver does with one read of the terminal (``pilot.press`` waits for the
    app to be idle after each key, so it never sees what arrives behind a key). Keys are
    Textual's names ("tab", "enter", "space") or single characters."""
    for key in keys:
        char = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(textual_events.Key(key, char))


def titles(app) -> list[str]:
    return [e.title for e in app.main.library.view]


def library_text(app, index: int) -> str:
    return app.main.library.list.render_row(index, 100).plain


@pytest.fixture
def demo(db):
    return tui_data.populate()


async def test_library_lists_everything_with_status(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.main.library
        assert len(pane.view) == 22
        assert "17 films" in pane.border_title and "5 shows" in pane.border_title
        rows = {e.title: library_text(app, i) for i, e in enumerate(pane.view)}
        assert "on disk Bluray-2160p" in rows["Sintel"]
        assert "downloading 62%" in rows["Tears of Steel"]
        assert "unmonitored" in rows["Flash Gordon"]
        assert "complete 8/8" in rows["Sherlock Holmes"]
        assert "upcoming" in rows["The Far Future"]
        assert (
            "missing" in rows["Night of the Living Dead"]
            or "on disk" in rows["Night of the Living Dead"]
        )


async def test_untrusted_titles_are_shown_literally(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        rows = [library_text(app, i) for i in range(len(app.main.library.view))]
        assert any(r.startswith("[bold red]x[/]") for r in rows)
        assert any(r.startswith("␛[31mred") for r in rows)
        assert not any("\x1b" in r for r in rows)
        downloads = app.main.downloads
        names = [downloads.list.render_row(i, 200).plain for i in range(len(downloads.view))]
        assert any("[bold red]x[/].2001.720p.WEB-DL" in n for n in names)
        assert any("␛[31mred.2002.1080p" in n for n in names)
        assert not any("\x1b" in n for n in names)
        # the details pane's title too (border titles take markup: ours never do)
        await pilot.press("j")
        await settle(
            app,
            pilot,
            lambda: (
                app.main.details.details is not None
                and app.main.details.details.title == "[bold red]x[/]"
            ),
        )
        assert app.main.details.border_title == "Details · \\[bold red]x\\[/]"
        # and what reaches the terminal holds no escape from the data either
        svg = app.export_screenshot()
        assert "[bold red]x[/]" in svg.replace("&#160;", " ")


async def test_a_line_break_in_untrusted_text_stays_on_its_row(demo):
    """A release title or a history message holding a line break (a magnet's ``dn=``, a file
    name) is one row, the break shown as the command line shows it (breaker11b)."""
    from mydia_tui.history import record
    from mydia_tui.untrusted import for_terminal

    title = "Line.One\nFORGED.Row\u2028Another\x85Last"
    Download.update(title=title).where(Download.state == "paused").execute()
    record("failed", f"could not add {title}", item=demo["Sintel"])
    app = MydiaApp()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(app, pilot)
        downloads = app.main.downloads
        rows = [downloads.list.render_row(i, 200).plain for i in range(len(downloads.view))]
        shown = for_terminal(title)
        assert shown == "Line.One␊FORGED.Row␤Another␤Last"
        assert any(shown in row for row in rows), rows
        assert all(len(row.splitlines()) == 1 for row in rows), rows
        await pilot.press("3", "A")  # from the downloads: the whole history
        screen = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        history = [screen.list.render_row(i, 200).plain for i in range(len(screen.ids))]
        assert any(shown in row for row in history), history
        assert all(len(row.splitlines()) == 1 for row in history), history


async def test_navigation_moves_the_cursor_and_details_follow(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        details = app.main.details
        assert app.focused is lib.list
        await pilot.press("j", "j", "down")
        assert lib.list.cursor == 3
        await pilot.press("k", "up")
        assert lib.list.cursor == 1
        await pilot.press("G")
        assert lib.list.cursor == len(lib.view) - 1
        await pilot.press("g")
        assert lib.list.cursor == 0
        await pilot.press("end")
        await settle(app, pilot, lambda: details.details is not None)
        assert details.details.id == lib.view[-1].id
        await pilot.press("home")
        await settle(app, pilot, lambda: details.details.id == lib.view[0].id)


async def test_filter_narrows_live_and_escape_clears(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#library-filter", Input)
        assert box.has_focus
        await pilot.press(*"steel")
        assert titles(app) == ["Tears of Steel"]
        assert "showing 1" in app.main.library.border_title
        await pilot.press("enter")
        assert app.focused is app.main.library.list
        assert titles(app) == ["Tears of Steel"]
        await pilot.press("escape")
        assert len(titles(app)) == 22
        # the filter ignores case; a filter that matches nothing leaves an empty list
        await pilot.press("slash", *"ONE")
        assert set(titles(app)) == {"One Step Beyond", "Pioneer One"}
        await pilot.press(*"zzz")
        assert titles(app) == []
        await pilot.press("escape")
        assert len(titles(app)) == 22
        # typed text is never markup, in the list or in the pane's subtitle
        await pilot.press("slash", *"x[/]")
        assert titles(app) == ["[bold red]x[/]"]
        assert app.main.library.border_subtitle.startswith("/x\\[/]")


async def test_sort_and_kind_toggle(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        await pilot.press("s")  # year
        years = [e.year for e in lib.view]
        assert years == sorted(years) and lib.sort_by == "year"
        await pilot.press("S")  # reversed
        assert [e.year for e in lib.view] == sorted(years, reverse=True)
        await pilot.press("S", "s")  # added
        assert [e.added_at for e in lib.view] == sorted(e.added_at for e in lib.view)
        await pilot.press("s")  # status: downloading first, unmonitored last
        assert lib.view[0].status == "downloading" and lib.view[-1].status == "unmonitored"
        await pilot.press("s")  # back to title
        assert lib.sort_by == "title" and lib.view[0].title.startswith("␛") is False
        await pilot.press("t")
        assert {e.kind for e in lib.view} == {"movie"} and len(lib.view) == 17
        await pilot.press("t")
        assert {e.kind for e in lib.view} == {"show"} and len(lib.view) == 5
        await pilot.press("t")
        assert len(lib.view) == 22


async def test_tab_and_number_keys_switch_panes_and_zoom(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        main = app.main
        assert app.focused is main.library.list
        await pilot.press("tab")
        assert app.focused is main.details
        await pilot.press("tab")
        assert app.focused is main.downloads.list
        await pilot.press("1")
        assert app.focused is main.library.list
        await pilot.press("3")
        assert app.focused is main.downloads.list
        await pilot.press("z")
        assert app.screen.maximized is main.downloads
        await pilot.press("z")
        assert app.screen.maximized is None
        await pilot.press("1", "enter")
        assert app.focused is main.details


async def test_status_bar_before_the_core_reports_says_checking_not_a_question_mark(demo):
    """Breaker 6 (9): until the monitor's first report the bar read ``Deluge ?``. With a
    monitor it says what is going on (``checking…``); with the monitor off nothing will
    check, and it says that."""
    configured = Config(
        deluge=DelugeConfig(host="deluge.lan"),
        indexers=(IndexerConfig(name="jackett", url="http://127.0.0.1:9117/api"),),
    )
    app = MydiaApp(config=configured)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        status = app.main.status
        text = str(status.render())
        assert "monitor off │ Deluge: not checked │ indexers: not checked" in text, text
        assert "?" not in text
        status.set_monitor(None, enabled=True)  # the app's state as a monitor starts
        text = str(status.render())
        assert "monitor starting │ Deluge: checking… │ indexers: checking…" in text, text
        app.post_core_event(events.DelugeHealth(True, version="2.2.0", host="127.0.0.1"))
        await settle(app, pilot, lambda: status.deluge is not None)
        assert "Deluge 2.2.0 connected │ indexers: checking…" in str(status.render())


async def test_status_bar_shows_core_events(demo):
    configured = Config(
        deluge=DelugeConfig(host="deluge.lan"),
        indexers=(IndexerConfig(name="jackett", url="http://127.0.0.1:9117/api"),),
    )
    app = MydiaApp(config=configured)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        status = app.main.status
        assert "monitor off" in str(status.render())
        app.post_core_event(events.MonitorState("searching", 'searching "The Expanse S02"'))
        app.post_core_event(events.DelugeHealth(True, version="2.2.0", host="127.0.0.1"))
        app.post_core_event(events.IndexerHealthSummary(ok=2, failing=1, names_failing=("x",)))
        await settle(app, pilot, lambda: status.indexers is not None)
        text = str(status.render())
        assert 'searching "The Expanse S02"' in text
        assert "Deluge 2.2.0 connected" in text
        assert "indexers 2 ok, 1 failing" in text
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        app.post_core_event(events.MonitorState("idle", next_cycle_at=soon))
        since = dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.UTC)
        app.post_core_event(events.DelugeHealth(False, offline_since=since))
        await settle(app, pilot, lambda: not status.deluge.connected)
        text = str(status.render())
        assert re.search(r"idle · next cycle in 0[45]:\d\d", text), text
        assert "Deluge offline since " + since.astimezone().strftime("%H:%M") in text
        assert status._ticker is not None  # counting down
        app.post_core_event(events.MonitorState("paused"))
        await settle(app, pilot, lambda: status.monitor.phase == "paused")
        assert "monitor paused" in str(status.render())
        assert status._ticker is None  # nothing ticks when nothing changes
        app.post_core_event(events.IndexerHealthSummary(ok=0, failing=0))
        await settle(app, pilot, lambda: status.indexers.ok == 0)
        assert "no indexers: nothing will be searched" in str(status.render())


async def test_a_fresh_install_says_what_is_not_set_up(db):
    """No config file: the bar says Deluge is not configured and nothing will be searched,
    instead of "offline since" and a countdown to a search that cannot run."""
    app = MydiaApp(config=Config(), monitor_factory=FakeMonitor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: app.main.status.monitor is not None)
        status = app.main.status
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        app.post_core_event(events.MonitorState("idle", next_cycle_at=soon))
        app.post_core_event(events.DelugeHealth(False, offline_since=dt.datetime.now(dt.UTC)))
        await settle(app, pilot, lambda: status.deluge is not None)
        text = str(status.render())
        assert "Deluge not configured" in text and "offline" not in text, text
        assert "no indexers: nothing will be searched" in text, text
        assert "next cycle" not in text and status._ticker is None, text


class FakeMonitor:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.stopped = threading.Event()

    def run(self, stop_event: threading.Event, on_event) -> None:
        if "pause" not in self.calls:  # as the real one: a monitor paused before it runs waits
            on_event(events.MonitorState("searching", 'searching "Pioneer One S01"'))
        stop_event.wait(30)
        self.stopped.set()

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")


async def test_monitor_runs_in_a_worker_pauses_and_stops_with_the_app(demo):
    monitor = FakeMonitor()
    app = MydiaApp(monitor_factory=lambda: monitor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: app.main.status.monitor is not None)
        assert 'searching "Pioneer One S01"' in str(app.main.status.render())
        await pilot.press("M")
        await settle(app, pilot, lambda: monitor.calls == ["pause"])
        assert "monitor paused" in str(app.main.status.render())
        await pilot.press("M")
        await settle(app, pilot, lambda: monitor.calls == ["pause", "resume"])
    assert monitor.stopped.wait(10)


async def test_a_monitor_paused_stays_paused_when_the_settings_are_applied(demo):
    """A new user's report: saving the settings (or removing a quality profile) started the
    monitor again after `M` had paused it, and it then grabbed a release."""
    made: list[FakeMonitor] = []

    def factory() -> FakeMonitor:
        made.append(FakeMonitor())
        return made[-1]

    app = MydiaApp(monitor_factory=factory)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: app.main.status.monitor is not None)
        await pilot.press("M")
        await settle(app, pilot, lambda: made[0].calls == ["pause"])
        await app.apply_config(app.config)
        await settle(app, pilot, lambda: len(made) == 2 and made[1].calls == ["pause"])
        assert made[0].stopped.is_set()
        assert app.monitor_paused
        assert "monitor paused" in str(app.main.status.render())
        await pilot.press("M")  # and `M` resumes the new one
        await settle(app, pilot, lambda: made[1].calls == ["pause", "resume"])


async def test_without_a_monitor_its_key_is_hidden(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.check_action("toggle_monitor", ()) is False
        keys = [a.binding.key for a in app.active_bindings.values() if a.enabled]
        assert "q" in keys and "M" not in keys


class FakeServices:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def pause(self, info_hash: str) -> None:
        self.calls.append(("pause", info_hash))

    def resume(self, info_hash: str) -> None:
        self.calls.append(("resume", info_hash))

    def remove(self, info_hash: str, delete_data: bool = False, blocklisted: bool = False) -> None:
        self.calls.append(("remove", info_hash, delete_data, blocklisted))

    def search(self, item_id: int, season=None, episode=None) -> None:
        self.calls.append(("search", item_id, season, episode))

    def releases(self, item_id: int, season=None, episode=None) -> list:
        self.calls.append(("releases", item_id, season, episode))
        return [
            Release(
                "Pioneer.One.S01E05.720p.WEB-DL.x264-VODO",
                "jackett",
                "WEBDL-720p",
                400_000_000,
                40,
                "",
            ),
            Release(
                "[red]Pioneer.One.S01E05[/red].1080p",
                "prowlarr",
                "WEBDL-1080p",
                900_000_000,
                3,
                "already have a file: Pioneer One S01E05.mkv",
            ),
        ]

    def grab(self, release) -> None:
        self.calls.append(("grab", release.title))


@dataclass(frozen=True)
class Release:
    title: str
    indexer: str
    quality: str
    size: int
    seeders: int
    rejection: str


async def test_download_actions_call_services_in_workers(demo):
    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        await pilot.press("3")
        first = pane.lines[pane.view[0]]
        await pilot.press("p")
        await settle(app, pilot, lambda: services.calls)
        assert services.calls == [("pause", first.info_hash)]
        paused = next(i for i, h in enumerate(pane.view) if pane.lines[h].stats.state == "paused")
        pane.list.move_cursor(paused)
        await pilot.press("p")
        await settle(app, pilot, lambda: len(services.calls) == 2)
        assert services.calls[-1] == ("resume", pane.view[paused])
        # r asks once: remove and blocklist is the default (enter), remove only is "o"
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(app, pilot, lambda: len(services.calls) == 3)
        assert services.calls[-1] == ("remove", pane.view[paused], False, True)
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ConfirmScreen)
        assert len(services.calls) == 3
        await pilot.press("R")
        await pilot.press("o")
        await settle(app, pilot, lambda: len(services.calls) == 4)
        assert services.calls[-1] == ("remove", pane.view[paused], True, False)
        # search from the details pane
        await pilot.press("1", "enter")
        await pilot.press("F")
        await settle(app, pilot, lambda: len(services.calls) == 5)
        assert services.calls[-1][0] == "search"


async def test_manual_search_lists_releases_and_grabs_one(demo):
    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        details = app.main.details
        await pilot.press("slash", *"pioneer", "enter", "enter")
        await settle(
            app,
            pilot,
            lambda: details.details is not None and details.details.title == "Pioneer One",
        )
        index = next(
            i
            for i, line in enumerate(details.lines)
            if line.kind == "episode" and line.episode == 5
        )
        details.move_cursor(index)
        await pilot.press("i")
        assert isinstance(app.screen, ReleasesScreen)
        view = app.screen.query_one(ReleaseList)
        await settle(app, pilot, lambda: view.row_count() == 2)
        assert services.calls[-1] == ("releases", details.details.id, 1, 5)
        refused = view.render_row(1, 140).plain
        assert "[red]Pioneer.One.S01E05[/red]" in refused and "already have a file" in refused
        await pilot.press("enter")
        await settle(app, pilot, lambda: services.calls[-1][0] == "grab")
        assert services.calls[-1] == ("grab", "Pioneer.One.S01E05.720p.WEB-DL.x264-VODO")
        assert not isinstance(app.screen, ReleasesScreen)


async def test_download_actions_hidden_without_services(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        lst = app.main.downloads.list
        for action in ("pause", "remove", "remove_data"):
            assert lst.check_action(action, ()) is False
        await pilot.press("p", "r", "R")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_state_filter_counts_and_every_state(demo):
    app = MydiaApp()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        assert pane.counts["all"] == 13  # the live queue: active states only
        await pilot.press("3", "a")
        await settle(app, pilot, lambda: pane.counts["all"] == 16)
        states = {pane.lines[h].stats.state for h in pane.view}
        assert len(states) == 16
        expected = {
            "downloading": 3,
            "seeding": 1,
            "paused": 1,
            "queued": 3,
            "failed": 2,  # import failed, failed: Deluge offline is not an error
            "importing": 3,
            "offline": 1,  # Deluge cannot be reached: its own tab, named as its rows
        }
        for group, count in expected.items():
            assert pane.counts[group] == count, group
        await pilot.press("f")
        assert pane.group == "downloading"
        assert {pane.lines[h].stats.state for h in pane.view} == {
            "downloading",
            "checking",
            "stalled",
        }
        await pilot.press("F", "F")  # past "all"; "vanished" counts none: not a stop
        assert pane.group == "offline"
        assert {pane.lines[h].stats.state for h in pane.view} == {"offline"}
        await pilot.press("F")
        assert pane.group == "importing"


async def whole_queue(app, pilot):
    """The downloads pane showing the demo's whole queue, finished downloads too (16)."""
    await settle(app, pilot)
    pane = app.main.downloads
    await pilot.press("3", "a")
    await settle(app, pilot, lambda: pane.counts["all"] == 16)
    return pane


async def test_the_state_filter_skips_offline_and_vanished_while_they_count_none(demo):
    """A new user's report: after the demo's imports, f went to "offline 0" and "vanished 0",
    tabs shown only while they count some. f and F go to them only while they count some."""
    from mydia_tui.views import STATE_GROUPS, WHILE_COUNTED

    Download.update(state="downloading").where(Download.state == "unknown").execute()
    app = MydiaApp()
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await whole_queue(app, pilot)
        assert all(pane.counts[g] == 0 for g in WHILE_COUNTED), pane.counts

        async def cycle(key: str) -> list[str]:
            """The filters ``key`` goes to from "all" until it is back at "all"."""
            seen = []
            await pilot.press(key)
            while pane.group != "all":
                seen.append(pane.group)
                await pilot.press(key)
            return seen

        others = [g for g in STATE_GROUPS if g != "all" and g not in WHILE_COUNTED]
        for key in ("f", "F"):
            assert sorted(await cycle(key)) == sorted(others), key
        # one that counts some is in the cycle again
        Download.update(state="unknown").where(Download.state == "paused").execute()
        app.post_core_event(events.DownloadsChanged())
        await settle(app, pilot, lambda: pane.counts["offline"] == 1)
        seen = await cycle("f")
        assert "offline" in seen and "vanished" not in seen, seen


async def test_the_state_filter_names_a_state_as_its_rows_do_and_an_empty_one_says_so(demo):
    """A new user's report: the filter tab "error" listed rows whose state said "failed", and
    a filter with no rows showed an empty pane. The tab is named as its rows' state is shown
    (views.shown_state), and an empty filter says why and which keys show more."""
    from mydia_tui.views import STATE_GROUPS, shown_state

    for group, members in STATE_GROUPS.items():
        if group != "all":
            assert group == shown_state(members[0]), group
    app = MydiaApp()
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await whole_queue(app, pilot)
        while pane.group != "failed":
            await pilot.press("f")
        tabs = pane.tabs(150).plain
        assert "failed 2" in tabs and "error" not in tabs, tabs
        rows = [pane.list.render_row(i, 150).plain for i in range(len(pane.view))]
        assert len(rows) == 2 and all("failed" in row for row in rows), rows
        # a filter with no rows: one line says why, and the keys that show more
        Download.update(state="downloading").where(Download.state == "paused").execute()
        app.post_core_event(events.DownloadsChanged())
        while pane.group != "paused":
            await pilot.press("f")
        await settle(app, pilot, lambda: pane.counts["paused"] == 0 and not pane.view)
        assert pane.list.empty_hint() == "no paused downloads: f changes the filter"
        await pilot.press("a")  # only the active ones: finished ones are another way to more
        await settle(app, pilot, lambda: not pane.include_finished)
        assert pane.list.empty_hint() == (
            "no paused downloads: f changes the filter, a shows finished ones too"
        )
        await settle(app, pilot)
        shown = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "no paused downloads" in shown
        # nothing active at all: the pane says so, and how to see the finished ones
        Download.update(state="imported").where(Download.state.in_(ACTIVE_STATES)).execute()
        app.post_core_event(events.DownloadsChanged())
        while pane.group != "all":
            await pilot.press("f")
        await settle(app, pilot, lambda: pane.counts["all"] == 0 and not pane.view)
        assert pane.list.empty_hint() == "no active downloads: a shows finished ones"
        await pilot.press("a")
        await settle(app, pilot, lambda: pane.include_finished and pane.view)
        assert pane.list.empty_hint() == "no downloads yet: the monitor grabs what is missing"


async def test_downloads_update_in_place(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        order = list(pane.view)
        target = Download.get(Download.state == "downloading")
        before = pane.lines[target.info_hash]
        Download.update(progress=0.95, download_rate=5_000_000).where(
            Download.id == target.id
        ).execute()
        app.post_core_event(events.DownloadsChanged((target.info_hash,)))
        await settle(app, pilot, lambda: pane.lines[target.info_hash].stats.progress == 0.95)
        assert pane.view == order  # same rows, same order: updated, not refilled
        others = [h for h in order if h != target.info_hash]
        assert all(pane.lines[h] is not None for h in others)
        assert pane.lines[target.info_hash].id == before.id
        row = pane.list.render_row(pane.view.index(target.info_hash), 160).plain
        assert "95%" in row and "4.8 MiB/s" in row
        # the library shows the new percentage too
        lib = app.main.library
        await settle(app, pilot, lambda: lib.progress.get(target.item_id) == ("downloading", 0.95))
        index = next(i for i, e in enumerate(lib.view) if e.id == target.item_id)
        assert "downloading 95%" in library_text(app, index)
        # a download that ends leaves the queue
        Download.update(state="imported").where(Download.id == target.id).execute()
        app.post_core_event(events.DownloadsChanged())
        await settle(app, pilot, lambda: target.info_hash not in pane.lines)
        assert len(pane.view) == len(order) - 1


def sintel_downloads(count: int) -> None:
    """``count`` more downloads of Sintel, downloading at 1 MB/s, info-hashes 0, 1, ..."""
    item = MediaItem.get(MediaItem.title == "Sintel")
    for n in range(count):
        Download.create(
            kind="movie",
            item=item,
            info_hash=f"{n:040x}",
            title=f"Sintel.2010.1080p.WEB-DL.x264-GRP{n}",
            indexer="jackett",
            size=1_000_000_000,
            quality="WEBDL-1080p",
            state="downloading",
            client_state="Downloading",
            progress=0.5,
            download_rate=1_000_000,
        )


async def test_a_download_scrolled_to_shows_its_stats_as_the_database_holds_them(demo):
    """A poll reads the whole stats of the rows on screen only (and every row's state and
    progress): a row scrolled to afterwards is read again when it is first drawn, so it shows
    the rate the database holds, not the one of a read made before it was on screen."""
    sintel_downloads(30)
    app = MydiaApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        # the lowest downloading row (the queue is shown newest first), off screen
        oldest = next(h for h in reversed(pane.view) if pane.lines[h].stats.state == "downloading")
        assert pane.view.index(oldest) not in pane.list.visible_range()
        # a poll moves every torrent; the bottom row only by its rate
        Download.update(progress=0.6).where(
            (Download.state == "downloading") & (Download.info_hash != oldest)
        ).execute()
        Download.update(download_rate=7_000_000).where(Download.info_hash == oldest).execute()
        app.post_core_event(events.DownloadsChanged())
        await settle(app, pilot)
        pane.list.focus()
        await pilot.press("G")
        await settle(app, pilot, lambda: pane.lines[oldest].stats.download_rate == 7_000_000)
        index = pane.view.index(oldest)
        assert index in pane.list.visible_range()
        assert "6.7 MiB/s" in pane.list.render_row(index, 160).plain


async def test_moving_through_the_queue_reads_it_a_few_times_not_once_a_row(demo, monkeypatch):
    """A new user's report: a key moving the cursor cost 24 ms in the downloads pane, 9 in the
    library. Each row scrolled to read the whole queue again (2,000 states in a worker thread,
    then every row compared): rows scrolled to in a burst share a read, one at most every
    :data:`STALE_READ_EVERY` seconds, and the last of them still shows what the database holds."""
    from mydia_tui import views
    from mydia_tui.tui.widgets.downloads import STALE_READ_EVERY

    sintel_downloads(120)
    reads = []
    read_queue = views.read_queue
    monkeypatch.setattr(views, "read_queue", lambda **kw: reads.append(1) or read_queue(**kw))
    app = MydiaApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        pane.list.focus()
        await settle(app, pilot)
        oldest = f"{0:040x}"  # the first made: the lowest of them, off screen
        assert pane.view.index(oldest) not in pane.list.visible_range()
        Download.update(download_rate=7_000_000).where(Download.info_hash == oldest).execute()
        reads.clear()
        start = time.monotonic()
        await pilot.press(*["j"] * pane.view.index(oldest))
        took = time.monotonic() - start
        await settle(app, pilot, lambda: pane.lines[oldest].stats.download_rate == 7_000_000)
        assert pane.list.current_key() == oldest
        assert len(reads) <= 2 + took / STALE_READ_EVERY, (len(reads), took)
        assert "6.7 MiB/s" in pane.list.render_row(pane.list.cursor, 160).plain


async def test_the_change_poll_firing_while_the_app_closes_is_not_an_error(demo):
    """Seen at the end of ``bench/tui.py``: the change poll's timer fired after the main
    screen's panes were removed, and its ``NoMatches`` ended the app with a traceback."""
    app = MydiaApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await app.main.library.remove()  # as closing the app removes it
        app._look_for_changes()
        await pilot.pause()
        assert app.return_code in (None, 0)


async def test_what_arrives_from_threads_while_the_app_closes_is_not_an_error(demo):
    """Seen in CI on 272ba9c (``test_tui_first_run``): the change poll's reading, taken in its
    thread, arrived after the main screen's panes were removed, and comparing it with the
    downloads pane's raised ``NoMatches``, ending the app with a traceback. A queue's
    progress and an action's end can arrive as late."""
    from mydia_tui.tui.messages import ProgressRead, ServiceDone, StampRead
    from mydia_tui.views import change_stamp

    app = MydiaApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        stamp = change_stamp()
        assert app._stamp is not None  # taken by the library's first load
        for pane in (app.main.downloads, app.main.library, app.main.details):
            await pane.remove()  # as closing the app removes them
        moved = stamp._replace(
            downloads=(stamp.downloads[0] + 1, "later"), history=stamp.history + 1
        )
        app.post_message(StampRead(moved, ()))
        app.main.post_message(ProgressRead({}))
        app.post_message(ServiceDone("paused"))
        await pilot.pause()
        assert app.return_code in (None, 0)
        assert app._exception is None


async def test_ctrl_c_names_the_quit_key_the_footer_shows(demo, tmp_path):
    """A new user's reflex, ctrl+c, does not quit (it copies in a field): the message names
    the key that does as the footer shows it, remapped too (it named ctrl+q; the footer q)."""
    app = MydiaApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["press q to quit"]
        assert app.is_running
    app = MydiaApp(Config(tui=TuiConfig(keys={"app.quit": "x"})))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["press x to quit"]


async def test_deluge_unreachable_says_to_check_the_settings_in_the_app(demo, tmp_path):
    """A new user's report: inside the app, Deluge's errors sent the user to config.toml;
    they name the settings screen and its key (the command line keeps the file's words)."""
    import socket

    from mydia_tui.tui.launch import tui_app

    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config(deluge=DelugeConfig(host="127.0.0.1", port=port, timeout=2.0))
    with tui_app(config, None) as app:
        async with app.run_test(size=(140, 36)) as pilot:
            await settle(app, pilot)
            app.main.downloads.list.focus()
            await pilot.press("p")  # pause the download under the cursor

            def said() -> list[str]:
                return [n.message for n in app._notifications if "refused" in n.message]

            await settle(app, pilot, lambda: said())
            (message,) = said()
            assert message.startswith(
                f"Deluge at 127.0.0.1:{port} refused the connection: is deluged running? "
                "check Deluge's host/port in the settings (O)"
            ), message
            assert "config.toml" not in message


async def test_toggle_monitored_from_details(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        details = app.main.details
        await pilot.press("slash", *"pioneer", "enter", "enter")
        await settle(
            app,
            pilot,
            lambda: details.details is not None and details.details.title == "Pioneer One",
        )
        assert app.focused is details
        # the item
        await pilot.press("m")
        await settle(app, pilot, lambda: not details.details.monitored)
        assert not MediaItem.get(MediaItem.title == "Pioneer One").monitored
        await settle(app, pilot, lambda: lib.view[0].status == "downloading")
        await pilot.press("m")
        await settle(app, pilot, lambda: details.details.monitored)
        # an episode: move to S01E06
        index = next(
            i
            for i, line in enumerate(details.lines)
            if line.kind == "episode" and line.episode == 6
        )
        details.move_cursor(index)
        await pilot.press("m")
        await settle(app, pilot, lambda: not details.lines[index].monitored)
        show = MediaItem.get(MediaItem.title == "Pioneer One")
        assert not Episode.get((Episode.show == show.id) & (Episode.number == 6)).monitored
        assert details.cursor == index  # the cursor stays where it was
        # a season
        season_row = next(i for i, line in enumerate(details.lines) if line.kind == "season")
        details.move_cursor(season_row)
        await pilot.press("m")  # some monitored -> all off
        await settle(app, pilot, lambda: not details.lines[season_row].monitored)
        assert Episode.select().where((Episode.show == show.id) & Episode.monitored).count() == 0


async def test_library_changed_rereads_items(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        item = MediaItem.get(MediaItem.title == "Charade")
        MediaItem.update(title="Charade (restored)").where(MediaItem.id == item.id).execute()
        app.post_core_event(events.LibraryChanged((item.id,)))
        await settle(app, pilot, lambda: "Charade (restored)" in titles(app))
        MediaItem.delete().where(MediaItem.id == item.id).execute()
        app.post_core_event(events.LibraryChanged((item.id,)))
        await settle(app, pilot, lambda: len(lib.view) == 21)
        assert "16 films" in lib.border_title


async def test_worker_errors_are_notified_once_and_recorded(demo):
    class Broken:
        def pause(self, info_hash):
            raise RuntimeError("Deluge said [bold]no[/] to pause")

    app = MydiaApp(services=Broken())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "p")
        await settle(app, pilot, lambda: len(app._notifications) > 0)
        notes = list(app._notifications)
        assert len(notes) == 1
        assert "Deluge said [bold]no[/] to pause" in notes[0].message
        assert notes[0].markup is False
        await settle(app, pilot, lambda: History.select().where(History.event == "error").count())
        entry = History.get(History.event == "error")
        assert "Deluge said [bold]no[/] to pause" in entry.message
        app.post_core_event(events.CoreError("monitor", "indexer \x1b[31mjackett\x1b[0m timed out"))
        await settle(app, pilot, lambda: len(app._notifications) == 2)
        # the core records its own errors: the app shows them without a second history row
        assert History.select().where(History.event == "error").count() == 1


async def test_the_help_screen_scrolls_with_the_lists_keys(demo):
    """``j``/``k``/``g``/``G`` scroll the keys as they move in a list (the help lists them
    as the lists' keys; only the arrows scrolled it)."""
    from textual.containers import VerticalScroll

    app = MydiaApp(Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert scroll.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_help_screen_and_palette_list_the_actions(demo):
    app = MydiaApp(Config(tui=TuiConfig(keys={"library.filter": "ctrl+f"})))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        provider = ActionsProvider(app.screen)
        names = [name for name, _, _ in provider._commands()]
        for expected in (
            "Library: Filter",
            "Library: Sort",
            "Downloads: Pause/resume",
            "Downloads: Remove+data",
            "Details: Monitored",
            "Everywhere: Quit",
            "Downloads: State filter",
        ):
            assert expected in names
        # remapped: ctrl+f filters, and the help says so
        await pilot.press("ctrl+f")
        assert app.screen.query_one("#library-filter", Input).has_focus
        help_text = [h for n, h, _ in provider._commands() if n == "Library: Filter"][0]
        assert "ctrl+f" in help_text


async def test_palette_command_runs_its_action(demo):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = ActionsProvider(app.screen)
        run = dict((n, cb) for n, _, cb in provider._commands())
        await run["Library: Sort"]()
        assert app.main.library.sort_by == "year"
        await run["Downloads: State filter"]()
        assert app.main.downloads.group == "downloading"
        await pilot.pause()
        assert app.focused is app.main.downloads.list


async def test_theme_is_remembered_in_the_config_file(demo, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[tui]\ntheme = "textual-dark"\n', encoding="utf-8")
    app = MydiaApp(load_config(path), str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.theme = "nord"
        await settle(app, pilot, lambda: load_config(path).tui.theme == "nord")
    again = MydiaApp(load_config(path), str(path))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        assert again.theme == "nord"


async def test_empty_library_and_empty_filter_say_what_to_do(db):
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: app.main.library.complete)
        view = app.main.library.list
        assert "the library is empty: a adds a film, n a show" in view.render_line(1).text
        assert view.empty_hint() == (
            "the library is empty: a adds a film, n a show, O sets up Deluge and the indexers; "
            "or try mydia-tui demo"
        )
    # what is set up already is not offered (a new user's report: the hint offered to set up
    # a Deluge that was connected and indexers that were configured)
    ready = Config(
        deluge=DelugeConfig(password="pw"),
        indexers=(IndexerConfig(name="one", url="http://127.0.0.1:9/api", api_key="k"),),
    )
    for config, hint in (
        (ready, "the library is empty: a adds a film, n a show"),
        (
            Config(deluge=DelugeConfig(password="pw")),
            "the library is empty: a adds a film, n a show, O sets up the indexers; "
            "or try mydia-tui demo",
        ),
    ):
        ready_app = MydiaApp(config)
        async with ready_app.run_test(size=(120, 40)) as pilot:
            await settle(ready_app, pilot)
            assert ready_app.main.library.list.empty_hint() == hint
    from mydia_tui.library import add_movie

    add_movie("Sintel", 2010)
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: app.main.library.complete)
        await pilot.press("slash", "z", "z", "z")
        await settle(app, pilot, lambda: not app.main.library.view)
        assert "nothing matches" in app.main.library.list.render_line(1).text


async def test_core_events_while_the_panes_are_gone_are_dropped(db):
    """The monitor can report while the app closes (its panes already removed): no crash."""
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await app.main.status.remove()
        app.post_core_event(events.DelugeHealth(True, version="2.2.0"))
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_the_highlighted_download_can_leave_the_queue(demo):
    """Regression: the row under the cursor leaving the queue (imported, removed) made
    rebuild() read the old view and crash the app with KeyError."""
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.main.downloads
        await pilot.press("3")
        for last in (False, True):  # the first row, then the last
            index = len(pane.view) - 1 if last else 0
            pane.list.move_cursor(index)
            gone = pane.view[index]
            count = len(pane.view)
            Download.update(state="imported").where(Download.info_hash == gone).execute()
            app.post_core_event(events.DownloadsChanged())
            await settle(app, pilot, lambda gone=gone: gone not in pane.lines)
            assert app.is_running and app.crash is None
            assert len(pane.view) == count - 1 and gone not in pane.view
            # the cursor is on a row that is there, and the keys still act on it
            assert pane.list.current() is not None
            assert pane.list.current_key() == pane.view[pane.list.cursor]
            await pilot.press("j", "k")


class OutcomeServices(FakeServices):
    """Services that answer as the real ones do: a Done in the user's words."""

    def search(self, item_id: int, season=None, episode=None):
        from mydia_tui.services import Done

        self.calls.append(("search", item_id, season, episode))
        if season is None:
            return Done("grabbed Pioneer.One.S01E03.1080p.WEB-DL for Pioneer One S01E03")
        return Done("Pioneer One S01: already have a file: Season 01/x.mkv", "warning")

    def releases(self, item_id: int, season=None, episode=None) -> list:
        raise MydiaError("indexer fake answered HTTP 503")


async def open_pioneer(app, pilot):
    details = app.main.details
    await pilot.press("slash", *"pioneer", "enter", "enter")
    await settle(
        app, pilot, lambda: details.details is not None and details.details.title == "Pioneer One"
    )
    return details


async def test_outcomes_are_told_in_plain_words_not_as_errors(demo):
    services = OutcomeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        details = await open_pioneer(app, pilot)
        await pilot.press("F")  # on the show's title row: everything wanted in the show
        await settle(app, pilot, lambda: len(app._notifications) == 1)
        (note,) = list(app._notifications)
        assert services.calls[-1] == ("search", details.details.id, None, None)
        assert note.severity == "information" and note.title == ""
        assert note.message.startswith("Grabbed Pioneer.One.S01E03")
        season = next(i for i, line in enumerate(details.lines) if line.kind == "season")
        details.move_cursor(season)
        await pilot.press("F")
        await settle(app, pilot, lambda: len(app._notifications) == 2)
        refused = list(app._notifications)[-1]
        assert refused.severity == "warning" and "already have a file" in refused.message
        assert "_service" not in refused.message and refused.title != "Error"
        # an outcome is not an error: nothing is written to the global error history
        assert not History.select().where(History.event == "error").exists()


async def test_releases_on_a_show_row_say_what_to_select_and_a_failed_search_says_why(demo):
    services = OutcomeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        details = await open_pioneer(app, pilot)
        await pilot.press("i")  # the show's title row: no season chosen
        assert not isinstance(app.screen, ReleasesScreen)
        (note,) = list(app._notifications)
        assert note.severity == "warning" and "season or an episode" in note.message
        season = next(i for i, line in enumerate(details.lines) if line.kind == "season")
        details.move_cursor(season)
        await pilot.press("i")
        assert isinstance(app.screen, ReleasesScreen)
        state = app.screen.query_one("#releases-state")
        await settle(app, pilot, lambda: "failed" in str(state.render()))
        assert "the search failed: indexer fake answered HTTP 503" in str(state.render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ReleasesScreen)


async def test_the_details_cursor_stays_on_its_episode_when_rows_above_change(demo):
    """A download of the show starting or ending adds or drops a line above the episodes:
    the cursor stays on the episode it was on, so ``m`` never toggles another one."""
    app = MydiaApp()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        details = await open_pioneer(app, pilot)
        index = next(
            i
            for i, line in enumerate(details.lines)
            if line.kind == "episode" and line.episode == 5
        )
        details.move_cursor(index)
        shown = [line for line in details.lines if line.text[0].startswith("⇣")]
        ended = Download.update(state="imported").where(
            (Download.item == details.details.id) & (Download.state == "seeding")
        )
        assert shown and ended.execute()
        app.post_core_event(events.LibraryChanged((details.details.id,)))
        await settle(
            app,
            pilot,
            lambda: len([ln for ln in details.lines if ln.text[0].startswith("⇣")]) < len(shown),
        )
        line = details.lines[details.cursor]
        assert (line.kind, line.season, line.episode) == ("episode", 1, 5)
        await pilot.press("m")
        await settle(app, pilot, lambda: not details.lines[details.cursor].monitored)
        assert not Episode.get(
            (Episode.show == details.details.id) & (Episode.number == 5)
        ).monitored


async def test_a_panes_failed_worker_is_told_not_swallowed(demo, monkeypatch):
    """Textual does not bubble a worker's failure to the app: a pane's failed write (here the
    details' monitored toggle, as when the database is locked) must still reach the user."""
    from mydia_tui import library

    def locked(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(library, "set_monitored", locked)
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_pioneer(app, pilot)
        await pilot.press("2", "m")
        await settle(app, pilot, lambda: len(app._notifications) > 0)
        (note,) = list(app._notifications)
        assert note.severity == "error"
        assert note.message == "changing what is monitored failed: database is locked"


async def test_search_releases_and_monitored_work_from_the_library_too(demo):
    """F, i and m act on the highlighted item from the library pane, as in its details."""
    services = OutcomeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        await pilot.press("slash", *"pioneer", "enter")
        await settle(app, pilot, lambda: titles(app) == ["Pioneer One"])
        show = lib.view[0]
        await pilot.press("F")
        await settle(app, pilot, lambda: services.calls)
        assert services.calls[-1] == ("search", show.id, None, None)
        await pilot.press("i")  # a whole show: says what to select
        assert not isinstance(app.screen, ReleasesScreen)
        assert "season or an episode" in list(app._notifications)[-1].message
        await pilot.press("m")
        await settle(app, pilot, lambda: MediaItem.get_by_id(show.id).monitored != show.monitored)
        await pilot.press("escape", "slash", *"sintel", "enter")
        await settle(app, pilot, lambda: titles(app) == ["Sintel"])
        await pilot.press("i")  # a film: its releases
        assert isinstance(app.screen, ReleasesScreen)


async def test_removing_a_finished_download_offers_no_blocklist(demo):
    """An imported download holds nothing: removing its torrent changes no search, so the
    question offers to remove it or not, and says the library is not changed."""
    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await whole_queue(app, pilot)
        imported = next(
            i for i, h in enumerate(pane.view) if pane.lines[h].stats.state == "imported"
        )
        pane.list.move_cursor(imported)
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        assert [c.key for c in app.screen.choices] == ["o", "escape"]
        assert "the library is not changed" in app.screen.question
        await pilot.press("o")
        await settle(app, pilot, lambda: services.calls)
        assert services.calls[-1] == ("remove", pane.view[imported], False, False)


async def test_blocklisting_an_imported_download_does_not_claim_a_search(demo):
    """An imported download holds nothing: blocklisting it searches nothing again, and the
    question says so; an active one's question says its target is searched again."""
    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40)) as pilot:
        pane = await whole_queue(app, pilot)
        states = [pane.lines[h].stats.state for h in pane.view]
        imported = states.index("imported")
        pane.list.move_cursor(imported)
        await pilot.press("b")
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "searched again" not in question.replace("not searched again", "")
        assert "again; it is imported: its target is not searched again." in question
        await pilot.press("escape")
        await settle(app, pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        active = states.index("downloading")
        pane.list.move_cursor(active)
        await pilot.press("b")
        assert isinstance(app.screen, ConfirmScreen)
        target = pane.lines[pane.view[active]].target
        assert f"{target} is searched again for another release." in app.screen.question


async def test_wanted_filter_shows_the_missing_then_the_cutoff_unmet(demo, tmp_path):
    from mydia_tui.library import add_movie
    from mydia_tui.models import LibraryRoot, MediaFile
    from mydia_tui.monitor.wanted import cutoff_unmet

    root, _ = LibraryRoot.get_or_create(path=str(tmp_path), defaults={"kind": "movies"})
    low = add_movie("Upgrade Me", 1999).id
    MediaFile.create(movie=low, root=root.id, path="cl.720p.HDTV.mkv", quality="HDTV-720p")
    unmet = {u.item_id for u in cutoff_unmet(Config().quality)}
    assert low in unmet
    app = MydiaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lib = app.main.library
        everything = len(lib.view)
        await pilot.press("w")
        assert lib.view and {e.id for e in lib.view} == {
            e.id for e in lib.entries.values() if e.wanted > 0
        }
        assert low not in {e.id for e in lib.view}
        assert str(lib.border_subtitle).startswith("missing · ")
        await pilot.press("w")
        await settle(app, pilot, until=lambda: bool(lib.cutoff_ids))
        assert {e.id for e in lib.view} == unmet
        assert "cutoff unmet" in str(lib.border_subtitle)
        await pilot.press("w")  # upcoming (tests/test_tui_library_actions.py), then everything
        assert lib.wanted == "upcoming"
        await pilot.press("w")
        assert len(lib.view) == everything


def test_an_upgrade_candidate_row_shows_from_and_to_quality():
    from mydia_tui.services import ReleaseChoice

    screen_list = ReleaseList()
    screen_list.releases = [
        ReleaseChoice(
            1,
            None,
            None,
            "Sintel.2010.1080p.BluRay-GRP",
            "fake",
            "Bluray-1080p",
            1 << 30,
            20,
            "",
            None,
            upgrade_from="HDTV-720p",
        ),
        ReleaseChoice(
            1,
            None,
            None,
            "Sintel.2010.1080p.WEB-DL-GRP",
            "fake",
            "WEBDL-1080p",
            1 << 30,
            20,
            "",
            None,
        ),
    ]
    upgrade = screen_list.render_row(0, 120).plain
    plain = screen_list.render_row(1, 120).plain
    assert "HDTV-720p -> Bluray-1080p" in upgrade
    assert "->" not in plain and "WEBDL-1080p" in plain


async def test_a_key_remap_naming_no_binding_is_said_and_the_help_shows_the_ids(demo):
    app = MydiaApp(Config(tui=TuiConfig(keys={"library.filtre": "ctrl+f", "list.down": "j"})))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("[tui.keys] names no key binding library.filtre" in m for m in messages)
        assert not any("list.down" in m for m in messages)
        await pilot.press("question_mark")
        shown = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "library.filter" in shown  # the id to remap it by


async def test_a_remap_taking_one_of_the_apps_keys_is_said(demo):
    """A new user's report: ``"list.down" = "down,j,q"`` silently ended ``q``'s quitting in
    the lists (the help still listed q Quit). The app says which of its keys a remap takes;
    a remap onto a free key says nothing."""
    app = MydiaApp(Config(tui=TuiConfig(keys={"list.down": "down,j,q", "list.up": "up,k,u"})))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications if "[tui.keys]" in n.message]
        assert messages == [
            "[tui.keys] gives the app's keys to other bindings, where those apply: q (app.quit)"
        ]


async def test_a_remap_giving_an_app_binding_a_key_a_pane_uses_is_said(demo):
    """breaker12: ``"app.help" = "/"`` was taken without a word, and ``/`` still filtered the
    library (the pane's binding comes first), so help opened only from the downloads pane.
    The app says which bindings keep such a key where they apply."""
    app = MydiaApp(Config(tui=TuiConfig(keys={"app.help": "/"})))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications if "[tui.keys]" in n.message]
        assert messages == [
            "[tui.keys] gives app.help keys other bindings keep where they apply: "
            "slash (activity.filter, library.filter)"
        ], messages


async def test_a_remap_to_what_is_no_key_is_said_and_the_binding_keeps_its_keys(demo):
    """A new user's report (breaker11a, item 8): ``"library.filter" = "[bold]"`` was taken
    without a word: the footer showed ``[bold] Filter`` and ``/`` no longer filtered. What is
    no key name is left out of the remap and said at start; a remap's valid keys stay (a
    single character, such as ``/``, is taken as Textual names it)."""
    keys = {"library.filter": "[bold]", "list.down": "down,j,bogus key", "list.up": "up,k,;"}
    app = MydiaApp(Config(tui=TuiConfig(keys=keys)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications if "[tui.keys]" in n.message]
        assert len(messages) == 1, messages
        assert "library.filter = '[bold]'" in messages[0]
        assert "list.down = 'bogus key'" in messages[0]
        assert "list.up" not in messages[0]
        assert shown_key(app, "library.filter") == "/"
        # every key the app binds itself is a key name the check takes
        from mydia_tui.tui.keys import catalog, usable_keymap

        own = {f"{n}": entry.binding.key for n, entry in enumerate(catalog(app))}
        assert usable_keymap(own) == (own, [])
        await pilot.press("slash")
        box = app.screen.query_one("#library-filter", Input)
        await settle(app, pilot, lambda: box.has_focus)


@pytest.mark.parametrize("include_specials", [False, True], ids=["specials-off", "specials-on"])
async def test_a_shows_numbers_follow_the_specials_rule_in_the_library_and_details(
    db, include_specials
):
    """A new user's report: the library said "10/12 episodes" with the specials counted while
    its wanted count left them out. The library's row and the details pane show the numbers
    of :func:`mydia_tui.library.first_counted_season`: specials only when searched."""
    from test_views import show_with_specials

    from mydia_tui.config import MonitorConfig

    show_with_specials()
    app = MydiaApp(config=Config(monitor=MonitorConfig(include_specials=include_specials)))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        details = app.main.details
        await settle(app, pilot, lambda: details.details is not None)
        assert library_text(app, 0).split()[-2:] == (
            ["partial", "10/12"] if include_specials else ["partial", "9/10"]
        )
        seasons = [
            details.render_row(i, 120).plain.strip()
            for i, line in enumerate(details.lines)
            if line.kind == "season"
        ]
        specials = "Specials  1/2 on disk"
        if not include_specials:
            specials += " · not counted, not searched"
        assert [s.lstrip("●○ ") for s in seasons] == [specials, "Season 1  9/10 on disk"]


async def test_the_help_says_what_r_r_and_b_do_as_the_app_does(demo):
    """A new user's report (s11): the help said ``B  On a failed download: ...`` while the app
    says B is for "a failed or stalled download"; and ``r  Remove the torrent, keep its data
    (asks first)`` while its dialog's default is "Remove and blocklist". The help is made
    from the bindings' descriptions: they say what the keys do."""
    from mydia_tui.tui.keys import catalog

    services = FakeServices()
    app = MydiaApp(services=services)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        pane = await whole_queue(app, pilot)
        helps = {e.binding.id: e.binding.tooltip for e in catalog(app)}
        states = [pane.lines[h].stats.state for h in pane.view]
        pane.list.move_cursor(states.index("downloading"))
        app.clear_notifications()
        await pilot.press("B")
        (note,) = list(app._notifications)
        assert "for a failed or stalled download" in note.message, note.message
        assert "failed or stalled download" in helps["downloads.blocklist_search"]
        for key, action in (("r", "downloads.remove"), ("R", "downloads.remove_data")):
            await pilot.press(key)
            assert isinstance(app.screen, ConfirmScreen)
            default = app.screen.choices[0]
            assert default.label == "Remove and blocklist (b)"
            assert "blocklist it too (the default) or not" in helps[action], helps[action]
            await pilot.press("escape")
            await settle(app, pilot, lambda: not isinstance(app.screen, ConfirmScreen))


async def test_a_screenshot_is_saved_in_a_folder_that_exists_and_says_where(
    demo, tmp_path, monkeypatch
):
    """A new user's report (s11): the palette's Screenshot said ``Failed to save screenshot``
    and no more: Textual saves to ~/Downloads, which did not exist. Without a Downloads folder
    it is saved in the app's data folder (``screenshots``, made), and the toast says where."""
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    app = MydiaApp()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        app.clear_notifications()
        app.deliver_screenshot()  # what the palette's Screenshot runs
        await settle(app, pilot, lambda: bool(app._notifications))
        await pilot.pause()
        (note,) = list(app._notifications)
        saved = list((data / "mydia-tui" / "screenshots").glob("*.svg"))
        assert len(saved) == 1, (note.message, saved)
        assert note.severity == "information" and str(saved[0]) in note.message, note.message
