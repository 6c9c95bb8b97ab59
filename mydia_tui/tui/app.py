"""The mydia-tui application: global bindings, the main screen, one worker error handler.

How the rest of the program talks to it:

- ``MydiaApp(config, config_path, monitor_factory=..., services=...)``.
- ``monitor_factory()`` returns an object with ``run(stop_event, on_event)`` (blocking until
  ``stop_event`` is set), ``pause()`` and ``resume()``. The app calls the factory and runs
  the monitor in a thread worker started once the first screen is drawn, gives it :meth:`MydiaApp.post_core_event` as ``on_event`` and sets
  ``stop_event`` when the app exits. Without a factory the status bar says "monitor off".
- ``services`` (optional) is a :class:`mydia_tui.services.AppServices`: pause, resume,
  remove, retry_import, search, releases and grab, each answering a ``Done`` in the user's
  words; :meth:`MydiaApp.call_service` runs one in a thread worker (an exception is shown and
  kept in the history), then the downloads are read again. Without services their actions
  are hidden (``check_action``).
- ``rewire(config)`` (optional) builds the monitor factory and the services again for a new
  configuration, returning ``(monitor_factory, services)``; it runs in a thread.
  :meth:`MydiaApp.apply_config` (the settings screen saved a file) stops the monitor, calls it
  and starts the new monitor: a new configuration applies without a restart.
- :meth:`MydiaApp.post_core_event` takes any :mod:`mydia_tui.events` event from any thread.
- An uncaught error ends the app (Textual's rule) with ``return_code`` 1 and the error in
  :attr:`MydiaApp.crash`; whoever ran the app reports it (the command line: one line, and the
  traceback in a log file). Textual's own report, a traceback with local variables (secrets
  among them), is not printed.
"""

from __future__ import annotations

import asyncio
import io
import signal
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.console import Console
from textual import work
from textual.app import App, ScreenStackError
from textual.binding import Binding
from textual.events import Key
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from .. import events, paths, startup
from ..config import Config, redact_text, secrets_of, update_config_value
from ..errors import MydiaError
from ..history import record
from .commands import ActionsProvider
from .keyorder import KeysInTurn
from .messages import CoreEvent, ServiceDone, StampRead
from .screens.help import HelpScreen
from .screens.main import PANES_GONE, MainScreen
from .text import fit_message

if TYPE_CHECKING:  # the services bring Deluge's client: not loaded before the first paint
    from textual.driver import Driver

    from ..services import AppServices
    from ..views import ChangeStamp


class Monitor(Protocol):
    def run(self, stop_event: threading.Event, on_event: events.EventSink) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...


#: what each group of workers does, for the user when one fails
WORK = {
    "monitor": "the background monitor",
    "monitor-control": "pausing or resuming the monitor",
    "config-write": "saving the configuration",
    "library-load": "reading the library",
    "library-patch": "reading changed items",
    "library-progress": "reading download progress",
    "details": "reading the item's details",
    "details-write": "changing what is monitored",
    "library-write": "changing the library",
    "library-edit": "reading the item's settings",
    "library-scan": "scanning the library",
    "library-refresh": "refreshing the show",
    "library-upcoming": "reading the upcoming episodes",
    "form": "the form's action",
    "downloads-read": "reading the downloads",
    "changes-read": "looking for changes made by other programs",
    "settings-save": "saving the settings",
    "settings-test": "testing the settings",
    "health-read": "checking the health",
}

#: how often the app looks for changes made by another process (the command line, a headless
#: monitor on the same library), in seconds
CHANGE_POLL_SECONDS = 2.0
#: the most lines a toast holds (a longer message is cut with an ellipsis)
TOAST_LINES = 6


class MydiaApp(KeysInTurn[None]):
    TITLE = "mydia-tui"
    #: what stays on screen beside a maximised pane (z): the key hints
    ALLOW_IN_MAXIMIZED_VIEW = "KeysFooter"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit mydia-tui"),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show every key"),
        Binding(
            "z",
            "toggle_maximize",
            "Zoom",
            id="app.maximize",
            tooltip="Maximise the focused pane, or restore it",
        ),
        Binding(
            "M",
            "toggle_monitor",
            "Monitor",
            id="app.monitor",
            tooltip="Pause or resume searching and grabbing (the queue still follows Deluge)",
        ),
        Binding(
            "O",
            "settings",
            "Settings",
            show=False,
            id="app.settings",
            tooltip="Open the settings: Deluge, indexers, folders, intervals, quality",
        ),
        Binding(
            "H",
            "health",
            "Health",
            show=False,
            id="app.health",
            tooltip="Open the health checks (what mydia-tui doctor finds)",
        ),
        Binding(
            "A",
            "activity",
            "Activity",
            show=False,
            id="app.activity",
            tooltip="The history: grabs, imports, refusals and why, failures, removals",
        ),
        Binding(
            "L",
            "blocklist",
            "Blocklist",
            show=False,
            id="app.blocklist",
            tooltip="The blocklist: releases never grabbed again; remove one or clear it",
        ),
        Binding(
            "1",
            "focus_pane('#library-list')",
            "Library",
            show=False,
            id="app.library",
            tooltip="Go to the library",
        ),
        Binding(
            "2",
            "focus_pane('#details')",
            "Details",
            show=False,
            id="app.details",
            tooltip="Go to the details",
        ),
        Binding(
            "3",
            "focus_pane('#downloads-list')",
            "Downloads",
            show=False,
            id="app.downloads",
            tooltip="Go to the downloads",
        ),
    ]

    def __init__(
        self,
        config: Config | None = None,
        config_path: str | None = None,
        *,
        monitor_factory: Callable[[], Monitor] | None = None,
        services: AppServices | None = None,
        rewire: Callable[[Config], tuple[Callable[[], Monitor] | None, AppServices | None]]
        | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self.config_path = config_path
        self.monitor_factory = monitor_factory
        self.services = services
        self.rewire = rewire
        self.monitor: Monitor | None = None
        self.monitor_paused = False
        self._monitor_stop = threading.Event()
        self._monitor_worker: Worker | None = None
        #: the database's change stamp at the last look (see on_stamp_read)
        self._stamp: ChangeStamp | None = None
        #: what the SQLite files said at the last look (written by the change poll's worker)
        self._signature: tuple[int, ...] | None = None
        from .keys import usable_keymap

        #: binding id -> keys, from [tui.keys] (what is no key left out: said at start)
        self.keymap, self._no_keys = usable_keymap(dict(self.config.tui.keys))
        self._saved_theme = self.config.tui.theme
        self.main = MainScreen()
        # Textual prints its crash report here at exit: keep it off the terminal (see `crash`)
        self.error_console = Console(file=io.StringIO(), markup=False, highlight=False)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS the one that ends the app
        when its terminal goes away (:mod:`mydia_tui.tui.terminal`)."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver" and driver.__module__ == "textual.drivers.linux_driver":
            from .terminal import HangUpDriver

            return HangUpDriver
        return driver

    @property
    def crash(self) -> BaseException | None:
        """The uncaught error that ended the app, or None."""
        return self._exception

    # -- start and stop ------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.keymap or self._no_keys:
            self.set_keymap(self.keymap)
            # the check reads every screen's bindings (their modules): after the first frame
            self.call_after_refresh(self._check_keymap)
        if self.config.tui.theme in self.available_themes:
            self.theme = self.config.tui.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # pushed once the app has started: Textual starts an app inside an update batch that
        # draws nothing, and a screen laid out in it is drawn afterwards only where it
        # changes (the first frame would lack the borders and the status bar). Pushed after
        # it, the main screen's first layout is its first frame, whole
        self.call_later(self.push_screen, self.main)
        self._handle_stop_signals(True)

    def main_screen_ready(self) -> None:
        """Called by the main screen once mounted: the status bar can show what comes."""
        self.main.status.set_setup(
            deluge_configured=self.config.deluge_configured,
            has_indexers=bool(self.config.enabled_indexers),
        )
        self.main.status.set_monitor(None, enabled=self.monitor_factory is not None)
        self.call_after_refresh(self._first_frame_drawn)
        self.set_interval(CHANGE_POLL_SECONDS, self._look_for_changes)

    def _first_frame_drawn(self) -> None:
        startup.started()  # the garbage collector runs again (held off by the entry point)
        self.start_monitor()

    def on_unmount(self) -> None:
        self._monitor_stop.set()
        self._handle_stop_signals(False)

    def _handle_stop_signals(self, on: bool) -> None:
        """SIGTERM and SIGHUP (the terminal closed) end the app as ``q`` does: the monitor
        stops, the terminal is restored, and whoever ran the app cleans up after it (the demo
        stops its daemons and removes its folder) instead of dying half-way."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                if on:
                    loop.add_signal_handler(sig, self.exit)
                else:
                    loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread (an app run by a test), or a platform without them

    # -- the monitor ---------------------------------------------------------------------------

    def start_monitor(self, paused: bool = False) -> bool:
        """Start the monitor worker (once), ``paused`` (made, then paused before it runs);
        False without a monitor factory."""
        if self.monitor_factory is None:
            return False
        if self._monitor_worker is not None and self._monitor_worker.is_running:
            return True
        self._monitor_stop = threading.Event()
        self.monitor = None
        self.monitor_paused = paused
        self._monitor_worker = self._run_monitor(self.monitor_factory, self._monitor_stop)
        return True

    @work(thread=True, group="monitor", name="monitor", exit_on_error=False)
    def _run_monitor(self, factory: Callable[[], Monitor], stop: threading.Event) -> None:
        # made here, not on the app's thread: the monitor's modules load while the first
        # screen is already drawn and keys are answered
        monitor = factory()
        self.monitor = monitor
        if self.monitor_paused:  # paused while it was being made
            monitor.pause()
        monitor.run(stop, self.post_core_event)

    def stop_monitor(self) -> None:
        """Ask the monitor to stop; it returns from run() at its next check."""
        self._monitor_stop.set()

    def pause_monitor(self) -> None:
        if self._monitor_worker is not None and not self.monitor_paused:
            self.monitor_paused = True
            if self.monitor is not None:  # else it is paused as soon as it is made
                self._call_monitor("pause")
            self.main.status.set_monitor(events.MonitorState(phase="paused"))

    def resume_monitor(self) -> None:
        if self._monitor_worker is not None and self.monitor_paused:
            self.monitor_paused = False
            if self.monitor is not None:
                self._call_monitor("resume")
            self.main.status.set_monitor(events.MonitorState(phase="idle"))

    @work(thread=True, group="monitor-control", exit_on_error=False)
    def _call_monitor(self, method: str) -> None:
        getattr(self.monitor, method)()

    def action_toggle_monitor(self) -> None:
        if self.monitor_paused:
            self.resume_monitor()
        else:
            self.pause_monitor()

    # -- a new configuration -------------------------------------------------------------------

    def settings_file(self) -> Path:
        """The file settings are saved to: ``--config``, else the file the configuration was
        read from, else the default place (``$MYDIA_TUI_CONFIG`` or the user's config folder)."""
        from ..paths import settings_file

        return settings_file(self.config_path, self.config.source)

    async def apply_config(self, config: Config, previous: Config | None = None) -> None:
        """Make ``config`` (just saved) the app's configuration without a restart: the monitor
        is stopped (waiting for it to return), the monitor factory and services are rebuilt
        through ``rewire`` (a thread), the library folders are made the library's roots, the
        quality profiles are written to the library when they changed from ``previous`` (the
        configuration before; default: the app's), the status bar's setup line is updated and
        forgets what the old setup reported, and the monitor starts again on the new
        configuration, paused if the user had paused it."""
        from ..library import sync_roots
        from ..profiles import sync_profiles

        previous = previous or self.config
        self.config = config
        # a monitor the user paused (`M`) stays paused on the new configuration (a new user's
        # report: saving the settings started it again, and it grabbed)
        paused = self.monitor_paused and self._monitor_worker is not None
        worker = self._monitor_worker
        self.stop_monitor()
        if worker is not None and not worker.is_finished:
            try:
                await worker.wait()
            except Exception:  # noqa: BLE001 - its failure was reported by worker_changed
                pass
        self._monitor_worker = None
        self.monitor = None
        library = config.library
        await asyncio.to_thread(sync_roots, library.movies, library.shows)
        if config.quality != previous.quality:
            await asyncio.to_thread(sync_profiles, config.quality)
        if self.rewire is not None:
            factory, services = await asyncio.to_thread(self.rewire, config)
            self.monitor_factory, self.services = factory, services
        if self.main.is_mounted:
            self.main.status.set_setup(
                deluge_configured=config.deluge_configured,
                has_indexers=bool(config.enabled_indexers),
            )
            self.main.status.set_monitor(None, enabled=self.monitor_factory is not None)
        if self.start_monitor(paused=paused) and paused and self.main.is_mounted:
            self.main.status.set_monitor(events.MonitorState(phase="paused"))

    # -- events from the core ------------------------------------------------------------------

    def post_core_event(self, event: events.Event) -> None:
        """Hand a core event to the UI; safe from any thread (it only posts a message)."""
        self.post_message(CoreEvent(event))

    def on_core_event(self, message: CoreEvent) -> None:
        self._apply_core_event(message.event)

    def _apply_core_event(self, event: events.Event) -> None:
        """Show a core event (the monitor's, or one made of another process's changes)."""
        try:
            self._show_core_event(event)
        except PANES_GONE:
            pass  # the app is closing while the core reports

    def _show_core_event(self, event: events.Event) -> None:
        if isinstance(event, (events.DownloadsChanged, events.LibraryChanged, events.CoreError)):
            # the core may have written history or the blocklist: a screen showing them reads
            # again (the activity and blocklist screens)
            changed = getattr(self.screen, "history_changed", None)
            if changed is not None:
                changed()
        main = self.main
        if not main.is_mounted:
            return
        if isinstance(event, events.MonitorState):
            if event.phase == "paused":
                self.monitor_paused = True
            main.status.set_monitor(event)
        elif isinstance(event, events.DelugeHealth):
            main.status.set_deluge(event)
        elif isinstance(event, events.IndexerHealthSummary):
            main.status.set_indexers(event)
        elif isinstance(event, events.ScanProgress):
            main.status.set_scan(event)
        elif isinstance(event, events.DownloadsChanged):
            main.downloads.refresh_queue()  # the library's progress is read with it
            details = main.details.details
            # a poll names the torrents it updated: the details need reading again only when
            # they show a download (its progress moved); a change without names (a grab, a
            # removal) may give the item shown a download it did not have
            if details is not None and (details.downloads or not event.info_hashes):
                main.details.reload()
        elif isinstance(event, events.LibraryChanged):
            main.library.library_changed(event.item_ids)
            item_id = main.details.item_id
            if item_id is not None and (not event.item_ids or item_id in event.item_ids):
                main.details.reload()
        elif isinstance(event, events.CoreError):
            # the core has already written it to the history: show it, once
            message = redact_text(event.message, secrets_of(self.config))
            self.notify(message, title="Error", severity="error", markup=False)

    # -- changes made by other processes ------------------------------------------------------

    def _look_for_changes(self) -> None:
        try:
            if not self.main.is_mounted or not self.main.library.complete:
                return
        except PANES_GONE:
            return  # the app is closing: its timer fired after the panes were removed
        self._read_stamp(self._stamp)

    @work(thread=True, exclusive=True, group="changes-read", exit_on_error=False)
    def _read_stamp(self, before: ChangeStamp | None) -> None:
        from ..views import change_stamp, items_in_history_since, write_signature

        # on SQLite, nothing committed since the last look costs two stat() calls, not the
        # stamp's aggregates (tens of milliseconds at 50,000 items)
        signature = write_signature()
        if before is not None and signature is not None and signature == self._signature:
            return
        self._signature = signature
        stamp = change_stamp()
        items: tuple[int, ...] | None = ()
        if before is not None and stamp.history != before.history:
            items = items_in_history_since(before.history)
        self.post_message(StampRead(stamp, items))

    def on_stamp_read(self, message: StampRead) -> None:
        """What another process changed reaches the panes as the monitor's own events do:
        items added, deleted or (un)monitored read the library again; files and history
        name their items, which are read again alone; downloads read the queue again."""
        try:
            self._show_stamp(message)
        except PANES_GONE:
            pass  # read in its thread while the app closed (seen in CI on 272ba9c)

    def _show_stamp(self, message: StampRead) -> None:
        before, stamp = self._stamp, message.stamp
        self._stamp = stamp
        if before is None:
            # the first reading, taken by the library's first load just before it read the
            # whole library: the queue, read at mount, is read again after it
            self.main.downloads.refresh_queue()
            return
        if before == stamp:
            return
        whole = (
            stamp.items != before.items
            or stamp.episodes != before.episodes
            or message.items is None
            or (stamp.files != before.files and not message.items)
        )
        if whole:
            self._apply_core_event(events.LibraryChanged())
        elif message.items:
            self._apply_core_event(events.LibraryChanged(message.items))
        # the queue is read again when what it read is not the database's now: the monitor of
        # this app has had it read after its poll already (reading it twice a poll cost more
        # than the rest of the poll's drawing)
        if stamp.downloads != self.main.downloads.read_stamp or stamp.history != before.history:
            self._apply_core_event(events.DownloadsChanged())

    # -- services (the lead wires Deluge and the indexers) -------------------------------------

    def call_service(self, what: str, call: Callable[[AppServices], object]) -> None:
        """Run ``call(services)`` in a thread worker (``what`` names the action for the user,
        e.g. "pause"); what it did is shown in the user's words (a refusal or "nothing found"
        as a warning, not an error), then the queue is read again."""
        services = self.services
        if services is None:
            self.notify(f"{what} is not available here", severity="warning", markup=False)
            return
        self.run_worker(
            partial(self._service, services, call),
            name=what,
            group="services",
            thread=True,
            exit_on_error=False,
        )

    def _service(self, services: AppServices, call: Callable[[AppServices], object]) -> None:
        try:
            done = call(services)
        finally:
            self.report_indexers()
        self.post_core_event(events.DownloadsChanged())
        message = getattr(done, "message", None)
        if message:
            self.post_message(ServiceDone(message, getattr(done, "severity", "information")))

    def report_indexers(self) -> None:
        """Show the indexers' health as recorded now (from a thread worker): a search the user
        made (``F``, ``i``) records it, as the monitor's do (a new user's report: the status bar
        kept "indexers 1 ok" after a search whose indexer failed). The same summary as the
        monitor's (:func:`~mydia_tui.item_search.indexer_summary`)."""
        from ..item_search import indexer_summary

        self.post_core_event(indexer_summary(self.config))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notify; a plain message (``markup=False``: every message naming outside
        text) made for the toast's width first (:func:`~mydia_tui.tui.text.fit_message`): a
        release name, an info-hash or a path too wide for a line is shortened in its middle
        rather than split, and the toast is at most six lines."""
        if not markup:
            # Textual's toast: 60 cells, at most half the screen; less its edge and padding
            room = min(60, self.size.width // 2) - 4
            message = fit_message(message, room, lines=TOAST_LINES)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Textual's screenshot (the palette's Screenshot), saved by default in a folder that
        exists (:func:`mydia_tui.paths.screenshot_dir`): Textual's ~/Downloads may not, and
        then it said only "Failed to save screenshot". The toast names the file."""
        if path is None:
            folder = paths.screenshot_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self.notify(
                    f"Cannot save a screenshot in {folder}: {exc.strerror or exc}",
                    title="Screenshot",
                    severity="error",
                    markup=False,
                )
                return None
            path = str(folder)
        return super().deliver_screenshot(filename, path, time_format)

    def on_service_done(self, message: ServiceDone) -> None:
        text = redact_text(message.text, secrets_of(self.config))
        text = text[:1].upper() + text[1:]
        self.notify(text, severity=message.severity, markup=False, timeout=8)
        try:
            if self.main.is_mounted and self.main.details.details is not None:
                self.main.details.reload()  # the action's history belongs to the item shown
        except PANES_GONE:
            pass  # the action ended while the app closed

    # -- errors --------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_changed(event.worker, event.state)

    def worker_changed(self, worker: Worker, state: WorkerState) -> None:
        """Every worker error reaches the user once, as a notification, and the history: the
        app's own workers, and those of its panes and screens (Textual's ``StateChanged`` does
        not bubble: :class:`~mydia_tui.tui.workers.ReportsWorkerErrors` hands them here)."""
        if state == WorkerState.ERROR and worker.error is not None:
            if worker.group == "error-record":
                message = redact_text(str(worker.error), secrets_of(self.config))
                self.notify(message, title="Error", severity="error", markup=False)
                return
            if worker.group == "services":
                # a failure the core explains itself (Deluge unreachable, ...): its words only
                error = worker.error
                action = (worker.name or "the action").replace("_", " ")
                self.report_error(
                    str(error) if isinstance(error, MydiaError) else f"{action} failed: {error}"
                )
            else:
                what = WORK.get(worker.group, worker.name or worker.group)
                self.report_error(f"{what} failed: {worker.error}")
        if worker is self._monitor_worker and state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            if self.main.is_mounted:
                self.main.status.set_monitor(events.MonitorState(phase="stopped"))

    def report_error(self, text: str) -> None:
        message = redact_text(text, secrets_of(self.config))
        self.notify(message, title="Error", severity="error", markup=False)
        self._record_error(message)

    @work(thread=True, group="error-record", exit_on_error=False)
    def _record_error(self, message: str) -> None:
        record("error", message)

    # -- keys, panes, theme --------------------------------------------------------------------

    def _check_keymap(self) -> None:
        """Say which ids of [tui.keys] name no binding (a typo there is otherwise ignored):
        the help screen shows each binding's id."""
        from .keys import catalog, keys_for, shown_key

        entries = catalog(self)
        known = {entry.binding.id for entry in entries if entry.binding.id}
        unknown = sorted(set(self.keymap) - known)
        if unknown:
            self.notify(
                f"[tui.keys] names no key binding {', '.join(unknown)}: "
                f"press {shown_key(self, 'app.help')} for the ids",
                severity="warning",
                markup=False,
                timeout=12,
            )
        if self._no_keys:
            self.notify(
                f"[tui.keys] names what is no key, left out: {', '.join(self._no_keys)} "
                "(keys are named as slash, ctrl+f, f2, question_mark)",
                severity="warning",
                markup=False,
                timeout=12,
            )
        # a key remapped onto one of the app's own keys takes it wherever the remapped
        # binding applies (a new user's report: "list.down" = "down,j,q" silently ended q's
        # quitting, and the help still listed q Quit)
        # who has each key now, the app's bindings and the panes' apart (one pass)
        app_keys: dict[str, str] = {}
        pane_keys: dict[str, list[str]] = {}
        for entry in entries:
            b = entry.binding
            if not b.id:
                continue
            for key in (k.strip() for k in keys_for(b, self.keymap).split(",")):
                if b.id.startswith("app."):
                    app_keys[key] = b.id
                else:
                    pane_keys.setdefault(key, []).append(b.id)
        taken = sorted(
            f"{key} ({app_keys[key]})"
            for binding_id, keys in self.keymap.items()
            if not binding_id.startswith("app.")
            for key in (k.strip() for k in keys.split(","))
            if key in app_keys
        )
        if taken:
            self.notify(
                f"[tui.keys] gives the app's keys to other bindings, where those apply: "
                f"{', '.join(taken)}",
                severity="warning",
                markup=False,
                timeout=12,
            )
        # the other way: an app binding remapped onto a key a pane's binding has, which the
        # pane keeps where it applies (breaker12: "app.help" = "/" still filtered the library)
        for binding_id, keys in sorted(self.keymap.items()):
            if not binding_id.startswith("app."):
                continue
            kept = [
                f"{key} ({', '.join(sorted(set(pane_keys[key])))})"
                for key in (k.strip() for k in keys.split(","))
                if key in pane_keys
            ]
            if kept:
                self.notify(
                    f"[tui.keys] gives {binding_id} keys other bindings keep where they apply: "
                    f"{', '.join(kept)}",
                    severity="warning",
                    markup=False,
                    timeout=12,
                )

    def action_help_quit(self) -> None:
        """ctrl+c (which copies in a field) says which key quits: the one the footer shows,
        after [tui.keys] remaps (Textual's own message named ctrl+q, the footer ``q``)."""
        from .keys import shown_key

        if any(b.binding.id == "app.quit" for b in self.active_bindings.values()):
            key = shown_key(self, "app.quit")
            self.notify(f"press {key} to quit", title="Do you want to quit?", markup=False)
        else:
            super().action_help_quit()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.open_screen(SettingsScreen())

    def action_health(self) -> None:
        from .screens.health import HealthScreen

        if not isinstance(self.screen, HealthScreen):
            self.open_screen(HealthScreen())

    def action_activity(self) -> None:
        """Open the activity screen, for the item highlighted in the library or shown in the
        details when one of them has the focus (``i`` there shows every item)."""
        from .screens.activity import ActivityScreen

        if isinstance(self.screen, ActivityScreen):
            return
        self.open_screen(ActivityScreen(self._item_in_focus()))

    def action_blocklist(self) -> None:
        from .screens.blocklist import BlocklistScreen

        if not isinstance(self.screen, BlocklistScreen):
            self.open_screen(BlocklistScreen())

    def open_screen(self, screen: Screen) -> None:
        """Show ``screen`` over the main screen, in place of another full screen opened
        this way; nothing while a question or a dialog is open (it is answered first)."""
        if isinstance(self.screen, ModalScreen):
            return
        while len(self.screen_stack) > 2 and self.screen is not self.main:
            self.pop_screen()
        self.push_screen(screen)

    def _item_in_focus(self) -> int | None:
        """The library's highlighted item, or the details' item, when it has the focus."""
        if self.screen is not self.main or not self.main.is_mounted:
            return None
        focused = self.focused
        if focused is None:
            return None
        nodes = (focused, *focused.ancestors)
        if self.main.library in nodes:
            return self.main.library.current_id()
        if self.main.details in nodes:
            return self.main.details.item_id
        return None

    def action_toggle_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif screen.focused is not None:
            # the pane holding the focus (its header and filter bar with it)
            for node in (screen.focused, *screen.focused.ancestors):
                if getattr(node, "ALLOW_MAXIMIZE", None) is True:
                    screen.maximize(node, container=False)
                    break

    def action_focus_pane(self, selector: str) -> None:
        self.screen.query_one(selector).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_monitor":
            return self.monitor_factory is not None
        if action == "toggle_maximize":
            return self._can_maximize()
        return True

    def _can_maximize(self) -> bool:
        """Whether ``z`` does something on this screen: restore a zoomed pane, or zoom the
        pane holding the focus (the main screen's; the full-screen lists have none)."""
        try:
            screen = self.screen
        except ScreenStackError:
            return False
        if screen.maximized is not None:
            return True
        focused = screen.focused
        return focused is not None and any(
            getattr(node, "ALLOW_MAXIMIZE", None) is True for node in (focused, *focused.ancestors)
        )

    def on_key(self, event: Key) -> None:
        """A key bound to an action that does not apply here (``check_action`` hid it or shows
        it dim, so Textual runs nothing) says why in one line, when the node it is bound on can
        tell (its ``why_not(action)``), rather than doing nothing. Runs before Textual looks
        for the binding to run (``App._on_key``); says nothing when one will run."""
        why = ""
        for namespace, bindings in self.screen._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue
                if self._check_action_state(binding.action, namespace):
                    return  # it runs
                explain = getattr(namespace, "why_not", None)
                if not why and explain is not None:
                    why = explain(binding.action) or ""
        if why:
            self.notify(why, severity="warning", markup=False)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, group="config-write", exit_on_error=False)
    def _save_theme(self, name: str) -> None:
        update_config_value(self.settings_file(), "tui", "theme", name)
