"""The library pane: films and shows with their status, sorted, filtered live, virtual."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Hashable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input
from textual.worker import get_current_worker

from ... import events, library, views
from ...errors import MydiaError
from ...library import ItemInfo
from ...views import ItemDownload, LibraryEntry, UpcomingEpisode
from ..keys import with_keys
from ..messages import (
    CutoffUnmetRead,
    DeleteBlocked,
    EditRead,
    LibraryLoaded,
    LibraryPatched,
    ScanEnded,
    ServiceDone,
    StampRead,
    UpcomingRead,
)
from ..text import cells, clean, counted, fit_parts
from ..workers import ReportsWorkerErrors
from .filter import FilterInput
from .rowview import ListHeading, RowView

if TYPE_CHECKING:  # the scanner loads with the first scan, not with the app
    from ...scanning.service import ScanReport

STATUS_STYLE = {
    "on_disk": "green",
    "complete": "green",
    "missing": "red",
    "partial": "yellow",
    "downloading": "cyan",
    "unmonitored": "dim",
    "upcoming": "magenta",
}
SORTS = ("title", "year", "added", "status")
KINDS = ("all", "movie", "show")
KIND_LABEL = {"all": "everything", "movie": "films", "show": "shows"}
#: the wanted filter's steps (``w``): everything, the missing, the cutoff unmet, and the
#: episodes airing soon (a calendar list, one row per episode)
WANTED = ("all", "missing", "cutoff", "upcoming")
WANTED_LABEL = {
    "all": "",
    "missing": "missing",
    "cutoff": "cutoff unmet",
    "upcoming": f"upcoming {views.UPCOMING_DAYS} days",
}
#: a view as the empty hint names it, for "w shows ..."
WANTED_NEXT = {
    "all": "everything",
    "missing": "the missing",
    "cutoff": "the cutoff unmet",
    "upcoming": f"the next {views.UPCOMING_DAYS} days",
}
#: rows read before the whole library, so the first screen comes at once
FIRST_PAGE = 200
#: the list's actions on the highlighted item, and what each does ("Nothing to edit")
ITEM_ACTIONS = {
    "choose": "open",
    "search": "search",
    "releases": "list releases for",
    "toggle_monitored": "monitor",
    "delete": "delete",
    "edit": "edit",
    "refresh_show": "refresh",
}


def include_specials(app: object) -> bool:
    """Whether a show's specials count in its numbers (``[monitor] include_specials``: the
    monitor searches them; :func:`mydia_tui.library.first_counted_season`)."""
    config = getattr(app, "config", None)
    return bool(config and config.monitor.include_specials)


def status_text(entry: LibraryEntry, download: ItemDownload | None, width: int = 0) -> Text:
    """The status cell: the status, then what it needs (the quality on disk, the progress,
    a show's episodes on disk of those aired); the quality is left out rather than cut when
    the cell is narrower than ``width`` cells (0: no limit). An item with a download in
    flight says that download's state as the queue shows it (``paused 0%``, ``offline 40%``:
    :func:`mydia_tui.views.shown_state`), not "downloading" whatever it is."""
    label = entry.status.replace("_", " ")
    if entry.status == "downloading":
        if download is None:  # the entry was read before the progress
            download = ItemDownload(entry.download_state or "downloading", entry.progress or 0.0)
        label = f"{download.state.replace('_', ' ')} {download.progress * 100:.0f}%"
    if entry.kind == "show":
        label += f" {entry.on_disk}/{entry.aired}"
    if entry.status == "on_disk" and entry.quality:
        with_quality = f"{label} {clean(entry.quality)}"
        if not width or len(with_quality) <= width:
            label = with_quality
    return Text(label, style=STATUS_STYLE.get(entry.status, ""))


def upcoming_layout(width: int) -> tuple[int, int, int, int]:
    """Column widths of the upcoming view: air date, show, episode (SxxEyy), title."""
    show = max(8, min(30, (width - 20) // 2))
    return 10, show, 6, max(0, width - 10 - show - 6 - 3)


def layout(width: int) -> tuple[int, int, int, int]:
    """Column widths: title, year, kind, status."""
    # room for "on disk Bluray-1080p" whenever the title keeps 20 cells or more
    status = 22 if width >= 52 else 16
    kind = 4 if width >= 50 else 0
    year = 4
    title = max(8, width - status - kind - year - (3 if kind else 2))
    return title, year, kind, status


class LibraryList(RowView):
    """The rows; the pane owns the data and the order."""

    BINDINGS = [
        Binding("enter", "choose", "Details", id="library.details", tooltip="Open the details"),
        Binding(
            "ctrl+s,F",
            "search",
            "Search now",
            id="library.search",
            show=False,
            tooltip="Search now: a film, or everything wanted in a show",
        ),
        Binding(
            "i",
            "releases",
            "Releases",
            id="library.releases",
            show=False,
            tooltip="List a film's releases and grab one",
        ),
        Binding(
            "m",
            "toggle_monitored",
            "Monitored",
            id="library.monitored",
            show=False,
            tooltip="Monitor the item, or stop",
        ),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="library.delete",
            show=False,
            tooltip="Delete the item from the library, with or without its files (asks first)",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="library.edit",
            show=False,
            tooltip="Edit the item: monitored, quality profile, folder",
        ),
        Binding(
            "u",
            "refresh_show",
            "Refresh show",
            id="library.refresh",
            show=False,
            tooltip="Read the show again from TVmaze: new episodes, titles and air dates",
        ),
    ]

    def __init__(self, pane: LibraryPane, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pane = pane

    def row_count(self) -> int:
        return len(self.pane.view)

    # -- the item under the cursor: the same actions as in its details ---------------------

    def current_entry(self) -> LibraryEntry | UpcomingEpisode | None:
        view = self.pane.view
        return view[self.cursor] if view and 0 <= self.cursor < len(view) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The item's keys work on a highlighted row only: with none (the empty library, a
        filter matching nothing) they are not offered, and say why when pressed."""
        entry = self.current_entry()
        if action in ITEM_ACTIONS and entry is None:
            return False
        if action in ("search", "releases"):
            return self.app.services is not None
        if action == "refresh_show":
            return entry is not None and entry.kind == "show"
        return True

    def why_not(self, action: str) -> str | None:
        """Why ``action``'s key does nothing on the highlighted row, for the app to say when it
        is pressed (:meth:`MydiaApp.on_key`)."""
        entry = self.current_entry()
        if entry is None and action in ITEM_ACTIONS:
            pane = self.pane
            if pane.complete and not pane.entries:
                why = with_keys(
                    self.app,
                    "the library is empty: {library.add_film} adds a film, {library.add_show} a "
                    "show",
                )
            else:  # a view or filter that shows nothing: the list's own hint
                why = self.empty_hint() or "no row is shown"
            return f"Nothing to {ITEM_ACTIONS[action]}; {why}"
        if action == "refresh_show" and entry is not None and entry.kind != "show":
            return "Refresh reads a show's episodes again from TVmaze: a film has none to read"
        return None

    def action_search(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.screen.details.search_now(entry.id, None, None)

    def action_releases(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            details = self.screen.details
            details.open_releases(entry.id, entry.title, entry.kind, None, None)

    def action_toggle_monitored(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.screen.details.set_monitored(entry.id, not entry.monitored, None, None)

    def action_delete(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.pane.ask_delete(entry)

    def action_refresh_show(self) -> None:
        entry = self.current_entry()
        if entry is not None and entry.kind == "show":
            self.pane.refresh_show(entry.id)

    def action_edit(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.pane.open_edit(entry.id)

    def empty_hint(self) -> str:
        """Why the view is empty, then the keys that help, in one form for every view:
        ``"nothing is cutoff unmet: w shows everything"`` (breaker 6: the views worded it
        two ways, and the calendar blamed the air dates when the films filter hid it)."""
        pane = self.pane
        upcoming = pane.wanted == "upcoming"
        if not upcoming and not pane.entries:
            if not pane.complete:
                return ""
            # what is not set up yet, only (a new user's report: the hint offered to set up a
            # Deluge that was connected and indexers that were configured)
            config = getattr(self.app, "config", None)
            missing = [
                what
                for what, done in (
                    ("Deluge", config is not None and config.deluge_configured),
                    ("the indexers", config is not None and bool(config.enabled_indexers)),
                )
                if not done
            ]
            setup = (
                f", {{app.settings}} sets up {' and '.join(missing)}; or try mydia-tui demo"
                if missing
                else ""
            )
            return with_keys(
                self.app,
                "the library is empty: {library.add_film} adds a film, {library.add_show} a show"
                + setup,
            )
        if upcoming and not pane.complete:
            return ""
        among = {"movie": " among the films", "show": " among the shows"}.get(pane.kind, "")
        matching = " matching the filter" if pane.filter_text else ""
        if upcoming and pane.kind == "movie":
            why = "the upcoming view lists episodes and only films are shown"
        elif upcoming:
            why = f"no episode{matching} airs in the next {views.UPCOMING_DAYS} days"
        elif pane.wanted != "all":
            why = f"nothing{among}{matching} is {WANTED_LABEL[pane.wanted]}"
        else:
            why = f"nothing{among} matches the filter" if pane.filter_text else "nothing matches"
        ways = []
        if pane.kind != "all":
            ways.append("{library.kind} shows films, shows or both")
        if pane.filter_text:
            ways.append("escape clears the filter")
        if pane.wanted != "all":
            # the view w turns to (it cycles: from cutoff unmet it is the calendar, not
            # everything, as the hint said: a new user's report)
            after = WANTED[(WANTED.index(pane.wanted) + 1) % len(WANTED)]
            ways.append("{library.wanted} shows " + WANTED_NEXT[after])
        fallback = ["{library.kind} shows films, shows or both"]
        return f"{why}: " + with_keys(self.app, ", ".join(ways or fallback))

    def row_value(self, index: int) -> Hashable:
        entry = self.pane.view[index]
        return (entry, self.pane.progress.get(entry.id))

    def render_row(self, index: int, width: int) -> Text:
        entry = self.pane.view[index]
        if isinstance(entry, UpcomingEpisode):
            date_w, show_w, code_w, title_w = upcoming_layout(width)
            style = "" if entry.monitored and entry.episode_monitored else "dim"
            return cells(
                [
                    (Text(entry.air_date, style="magenta"), date_w),
                    (Text(clean(entry.title), style=style), show_w),
                    (Text(f"S{entry.season:02d}E{entry.number:02d}", style=style), code_w),
                    (Text(clean(entry.episode_title), style=style), title_w),
                ]
            )
        title_w, year_w, kind_w, status_w = layout(width)
        return cells(
            [
                (Text(clean(entry.title)), title_w),
                (str(entry.year or "").rjust(4), year_w),
                ("film" if entry.kind == "movie" else "show", kind_w),
                (status_text(entry, self.pane.progress.get(entry.id), status_w), status_w),
            ]
        )


class LibraryPane(ReportsWorkerErrors, Vertical):
    """Holds every entry once; the list shows a filtered, sorted view of them."""

    ALLOW_MAXIMIZE = True
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="library.filter", tooltip="Filter by title"),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            id="library.clear_filter",
            # not in the footer: at 80 columns it would push out q Quit and ? Keys; the
            # subtitle shows the filter, and an empty list's hint names escape
            show=False,
            tooltip="Clear the title filter",
        ),
        Binding("s", "sort", "Sort", id="library.sort", tooltip="Sort by title/year/added/status"),
        Binding("S", "reverse", "Reverse", id="library.reverse", show=False),
        Binding("t", "kind", "Films/shows", id="library.kind", tooltip="Films, shows or both"),
        Binding(
            "w",
            "wanted",
            "Wanted",
            id="library.wanted",
            show=False,
            tooltip="Everything, the missing, the cutoff unmet (wanted for an upgrade), or the "
            "episodes airing in the next 14 days",
        ),
        Binding(
            "a", "add_film", "Add film", id="library.add_film", show=False, tooltip="Add a film"
        ),
        Binding(
            "n",
            "add_show",
            "Add show",
            id="library.add_show",
            show=False,
            tooltip="Add a show: TVmaze lookup with a choice of matches, or by hand with seasons",
        ),
        Binding(
            "U",
            "scan",
            "Scan",
            id="library.scan",
            show=False,
            tooltip="Scan the library folders now for files; U again cancels the scan",
        ),
    ]

    DEFAULT_CSS = """
    LibraryPane {
        border: round $primary 60%;
        border-title-color: $text;
        &:focus-within { border: round $primary; }
        #library-header { height: 1; color: $text-muted; text-style: bold; }
        #library-filter { display: none; height: 1; border: none; padding: 0 1; }
        #library-filter.-visible { display: block; }
        LibraryList { height: 1fr; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: dict[int, LibraryEntry] = {}
        self.sorted: list[LibraryEntry] = []
        self.view: list[LibraryEntry] = []
        #: item id -> its leading active download (state as shown, progress)
        self.progress: dict[int, ItemDownload] = {}
        self.counts = {"movie": 0, "show": 0}
        self.complete = False
        self.sort_by = "title"
        self.reverse = False
        self.kind = "all"
        #: all | missing | cutoff (a file below its profile's cutoff: wanted for an upgrade)
        self.wanted = "all"
        #: the items with a film or an episode whose cutoff is unmet (read when shown)
        self.cutoff_ids: frozenset[int] = frozenset()
        self.filter_text = ""
        self._first_shown = threading.Event()
        #: whether the change poll's first reading was taken (by the first load)
        self._stamp_read = False
        #: (filter, kind, wanted) that self.view was made for
        self._shown_for: tuple[str, str, str] | None = None
        self._sorted_search: list[str] | None = None
        #: an item just added: the cursor goes to it once it is read
        self._select: int | None = None
        #: whether the view had rows when last shown (the item's keys are offered)
        self._had_rows = False
        #: the upcoming view's episodes (read when shown) and the date it counts from (None:
        #: the local date; tests and screenshots fix it)
        self.upcoming: list[UpcomingEpisode] = []
        self.today: dt.date | None = None
        #: set to cancel the running scan (None: no scan runs)
        self._scan_cancel: threading.Event | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sort", "reverse") and self.wanted == "upcoming":
            return False  # a calendar: always by air date (not offered, not run)
        if action == "filter":
            # while the filter is typed "/" types a slash: its box offers its own keys
            return not isinstance(self.screen.focused, FilterInput)
        if action == "clear_filter":
            return bool(self.filter_text)
        return True

    def compose(self) -> ComposeResult:
        self.list = LibraryList(self, id="library-list")
        yield ListHeading(self.list, self.heading, id="library-header")
        yield self.list
        yield FilterInput(
            placeholder="filter titles (enter: keep, escape: clear)", id="library-filter"
        )

    def on_unmount(self) -> None:
        if self._scan_cancel is not None:
            self._scan_cancel.set()  # quitting never waits for a whole scan

    def on_mount(self) -> None:
        self.update_titles()
        # the first screenful is read here (two indexed reads of a few milliseconds), so the
        # first paint does not wait for a worker thread; the whole library follows in one. A
        # first page shorter than a page is the whole library: the first frame says so (no
        # "loading…", the empty library's hint)
        first = views.first_entries(FIRST_PAGE, include_specials=include_specials(self.app))
        self._loaded(LibraryLoaded(first, views.library_counts(), len(first) < FIRST_PAGE))
        self.call_after_refresh(self._first_shown.set)
        self.load(first_page=False)

    # -- loading (thread workers) --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library-load", exit_on_error=False)
    def load(self, first_page: bool = True) -> None:
        """A first screenful at once (unless already shown), then the whole library."""
        worker = get_current_worker()
        counts = views.library_counts()
        if not first_page:
            self._first_shown.wait(1.0)
        elif not self.complete:
            self._first_shown.clear()
            first = views.first_entries(FIRST_PAGE, include_specials=include_specials(self.app))
            self.post_message(LibraryLoaded(first, counts, False))
            # let the first screen paint before this thread takes the GIL for a while
            self._first_shown.wait(1.0)
        if worker.is_cancelled:
            return
        if not self._stamp_read:
            # what the database holds before the whole library is read: the app's change
            # poll compares its later readings with this one (changes by other processes)
            self._stamp_read = True
            self.post_message(StampRead(views.change_stamp(), ()))
        entries = views.library_entries(include_specials=include_specials(self.app))
        if not worker.is_cancelled:  # a newer load replaced this one
            self.post_message(LibraryLoaded(entries, counts, True))

    @work(thread=True, group="library-patch", exit_on_error=False, description="read items")
    def patch(self, item_ids: tuple[int, ...]) -> None:
        entries = views.library_entries(item_ids, include_specials=include_specials(self.app))
        found = {e.id for e in entries}
        self.post_message(LibraryPatched(entries, tuple(i for i in item_ids if i not in found)))

    @work(thread=True, exclusive=True, group="library-cutoff", exit_on_error=False)
    def read_cutoff_unmet(self) -> None:
        """The items whose file (a film's, or an episode's) is below its profile's cutoff."""
        from ...monitor.wanted import cutoff_unmet

        config = getattr(self.app, "config", None)
        unmet = cutoff_unmet(
            config.quality if config else None, include_specials=include_specials(self.app)
        )
        ids = frozenset(u.item_id for u in unmet)
        if not get_current_worker().is_cancelled:
            self.post_message(CutoffUnmetRead(ids))

    @work(thread=True, exclusive=True, group="library-upcoming", exit_on_error=False)
    def read_upcoming(self) -> None:
        """The episodes airing in the next days (:func:`mydia_tui.views.upcoming_episodes`)."""
        episodes = views.upcoming_episodes(today=self.today)
        if not get_current_worker().is_cancelled:
            self.post_message(UpcomingRead(episodes))

    def library_changed(self, item_ids: tuple[int, ...]) -> None:
        if item_ids:
            self.patch(item_ids)
        else:
            self.load()
        if self.wanted == "cutoff":
            self.read_cutoff_unmet()
        elif self.wanted == "upcoming":
            self.read_upcoming()

    # -- applying results (app thread) ---------------------------------------------------------

    @on(LibraryLoaded)
    def _loaded(self, message: LibraryLoaded) -> None:
        message.stop()
        if self.complete and not message.complete:
            return
        self.entries = {e.id: e for e in message.entries}
        self.progress = {
            e.id: ItemDownload(e.download_state, e.progress)
            for e in message.entries
            if e.progress is not None
        }
        self.counts = message.counts
        self.complete = message.complete
        self.rebuild(resort=True)
        if message.complete:
            # 50,000 long-lived tuples: keep them out of the cyclic GC's full passes, which
            # would otherwise stall key presses now and then
            gc.freeze()
        else:
            self.call_after_refresh(self._first_shown.set)

    @on(LibraryPatched)
    def _patched(self, message: LibraryPatched) -> None:
        message.stop()
        for item_id in message.gone:
            self.entries.pop(item_id, None)
            self.progress.pop(item_id, None)
        for e in message.entries:
            self.entries[e.id] = e
            if e.progress is None:
                self.progress.pop(e.id, None)
            else:
                self.progress[e.id] = ItemDownload(e.download_state, e.progress)
        counts = {"movie": 0, "show": 0}
        for e in self.entries.values():
            counts[e.kind] += 1
        if self.complete:
            self.counts = counts
        self.rebuild(resort=True)
        if self._select is not None and self._select in self.entries:
            self.highlight(self._select)
            self._select = None

    def highlight(self, item_id: int) -> None:
        """Put the cursor on an item, clearing the filters that hide it."""
        if not any(e.id == item_id for e in self.view):
            self.filter_text = ""
            self.query_one("#library-filter", Input).value = ""
            self.kind, self.wanted = "all", "all"
            self.refresh_bindings()
            self.rebuild()
        for index, e in enumerate(self.view):
            if e.id == item_id:
                self.list.move_cursor(index)
                break

    @on(CutoffUnmetRead)
    def _cutoff_read(self, message: CutoffUnmetRead) -> None:
        message.stop()
        self.cutoff_ids = message.item_ids
        if self.wanted == "cutoff":
            self.rebuild()

    @on(UpcomingRead)
    def _upcoming_read(self, message: UpcomingRead) -> None:
        message.stop()
        self.upcoming = message.episodes
        if self.wanted == "upcoming":
            self.rebuild()

    def show_progress(self, new: dict[int, ItemDownload]) -> None:
        """Show each item's leading active download (item id -> download, read with the queue
        by the downloads pane: :func:`mydia_tui.views.read_queue`)."""
        started_or_ended = tuple(
            item_id
            for item_id in set(new).symmetric_difference(self.progress)
            if item_id in self.entries
        )
        old, self.progress = self.progress, new
        if started_or_ended:
            self.patch(started_or_ended)  # the status itself changes: read those items again
        # only the rows whose download moved are drawn again (a poll moves a few of the
        # rows shown; drawing them all each poll was most of the library's cost)
        view = self.view
        for index in self.list.visible_range():
            item_id = view[index].id
            if old.get(item_id) != new.get(item_id):
                self.list.refresh_row(index)

    # -- the view ------------------------------------------------------------------------------

    def current_id(self) -> int | None:
        if self.view and 0 <= self.list.cursor < len(self.view):
            return self.view[self.list.cursor].id
        return None

    def rebuild(self, *, resort: bool = False) -> None:
        keep = self.current_id()
        if resort:
            self.sorted = views.sort_entries(self.entries.values(), self.sort_by, self.reverse)
        needle = self.filter_text.casefold()
        kind = self.kind
        wanted = self.wanted
        if wanted == "upcoming":
            # a calendar: by air date whatever the sort; the filter and "films" apply
            self.view = [
                u for u in self.upcoming if kind != "movie" and (not needle or needle in u.search)
            ]
            self._shown_for = (needle, kind, wanted)
            self._show_view(keep)
            return
        # typing one more letter narrows what is shown: search only that
        narrowing = (
            not resort
            and wanted == "all"
            and self._shown_for is not None
            and self._shown_for[1:] == (kind, wanted)
            and needle.startswith(self._shown_for[0])
        )
        if resort or self._sorted_search is None:
            # the search keys side by side: a plain list of strings filters faster than
            # reading the field of 50,000 named tuples
            self._sorted_search = [e.search for e in self.sorted]
        if narrowing:
            source, keys = self.view, [e.search for e in self.view]
        else:
            source, keys = self.sorted, self._sorted_search
        if not needle and kind == "all":
            self.view = self.sorted
        elif not needle:
            self.view = [e for e in source if e.kind == kind]
        elif kind == "all":
            self.view = [e for e, key in zip(source, keys, strict=True) if needle in key]
        else:
            self.view = [
                e for e, key in zip(source, keys, strict=True) if needle in key and e.kind == kind
            ]
        if wanted == "missing":
            self.view = [e for e in self.view if e.wanted > 0]
        elif wanted == "cutoff":
            self.view = [e for e in self.view if e.id in self.cutoff_ids]
        self._shown_for = (needle, kind, wanted)
        self._show_view(keep)

    def _show_view(self, keep: int | None) -> None:
        index = 0
        if keep is not None:
            for i, e in enumerate(self.view):
                if e.id == keep:
                    index = i
                    break
        if bool(self.view) != self._had_rows:
            self._had_rows = bool(self.view)
            self.list.refresh_bindings()  # the item's keys come or go (check_action)
        self.list.rows_changed(keep_cursor=index)
        self.update_titles()

    def update_titles(self) -> None:
        films, shows = self.counts["movie"], self.counts["show"]
        title = [
            "Library",
            counted(films, "film"),
            counted(shows, "show"),
        ]
        if self.wanted == "upcoming":
            count = len(self.view)
            title.append(counted(count, "episode"))
        elif self.entries and len(self.view) != len(self.entries):
            title.append(f"showing {len(self.view):,}")
        if not self.complete:
            title.append("loading…")
        room = max(0, self.size.width - 6)  # the border's corners and padding
        self.border_title = fit_parts(title, room)
        arrow = "↓" if self.reverse else "↑"
        # what is shown comes first (a view, a filter), then how it is sorted: what does not
        # fit at 80 columns is the least useful
        sub = []
        if self.wanted != "all":
            sub.append(WANTED_LABEL[self.wanted])
        if self.filter_text:
            sub.append(f"/{clean(self.filter_text)}")
        order = "by air date" if self.wanted == "upcoming" else f"sort {self.sort_by} {arrow}"
        sub += [KIND_LABEL[self.kind], order]
        # the filter is typed text: never markup
        self.border_subtitle = Text(fit_parts(sub, room))
        self.update_header()

    def update_header(self) -> None:
        self.query_one("#library-header", ListHeading).refresh()

    def heading(self, width: int) -> Text:
        """The column headings for rows ``width`` cells wide (the view's columns)."""
        if self.wanted == "upcoming":
            date_w, show_w, code_w, title_w = upcoming_layout(width)
            return cells(
                [("Air date", date_w), ("Show", show_w), ("Ep.", code_w), ("Title", title_w)]
            )
        title_w, year_w, kind_w, status_w = layout(width)
        return cells([("Title", title_w), ("Year", year_w), ("Kind", kind_w), ("Status", status_w)])

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_titles)

    # -- actions -------------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#library-filter", Input)
        box.add_class("-visible")
        box.focus()

    def action_sort(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self.rebuild(resort=True)

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.rebuild(resort=True)

    def action_wanted(self) -> None:
        self.wanted = WANTED[(WANTED.index(self.wanted) + 1) % len(WANTED)]
        self.refresh_bindings()  # s and S are not offered in the calendar
        if self.wanted == "cutoff":
            self.read_cutoff_unmet()
        elif self.wanted == "upcoming":
            self.upcoming = []
            self.read_upcoming()
        self.rebuild()

    def action_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.rebuild()

    def action_add_film(self) -> None:
        from ..screens.add_film import AddFilmScreen

        self.app.push_screen(AddFilmScreen(), self.item_added)

    def action_add_show(self) -> None:
        from ..screens.add_show import AddShowScreen

        self.app.push_screen(AddShowScreen(), self.item_added)

    def item_added(self, info: ItemInfo | None) -> None:
        """A film or show was added (by a form here): read it and put the cursor on it."""
        if info is None:
            return
        self._select = info.id
        self.app.post_core_event(events.LibraryChanged(item_ids=(info.id,)))
        if info.monitored and self.app.services is not None:
            # as Sonarr's and Radarr's "start search for missing": what was just added is
            # searched now (through the guard, like every grab), not at the next backlog
            # search, which may be many minutes away
            self.app.notify(f"Added {info.title}; searching for it now", markup=False)
            self.screen.details.search_now(info.id, None, None)
        else:
            self.app.notify(f"Added {info.title}", markup=False)

    def ask_delete(self, entry: LibraryEntry) -> None:
        """Ask, then delete ``entry``: from the library only, or with its files."""
        from ..screens.confirm import Choice, ConfirmScreen

        kind = "film" if entry.kind == "movie" else "show"
        year = f" ({entry.year})" if entry.year else ""
        question = (
            f"Delete the {kind} {clean(entry.title)}{year}? r removes it from the library and "
            "leaves its files on disk; D also deletes the files the library records for it. "
            "Its history is kept."
        )
        choices = [
            Choice("n", "Cancel (n)", None, "primary"),
            Choice("r", "Remove (r)", False, "warning"),
            Choice("D", "Delete files too (D)", True, "error"),
        ]

        def answered(with_files: bool | None) -> None:
            if with_files is not None:
                self.delete_item(entry.id, with_files)

        self.app.push_screen(ConfirmScreen(question, choices), answered)

    def open_edit(self, item_id: int) -> None:
        """Read the item's settings (a thread), then open the edit form on them. The keys typed
        behind ``e`` wait for the form, as those behind ``a`` (whose form opens at once) do:
        ``e``, space and enter typed fast went to the main screen while the item was read."""
        self.app.hold_keys(self)  # type: ignore[attr-defined]
        self._read_edit(item_id)

    @work(thread=True, exclusive=True, group="library-edit", exit_on_error=False)
    def _read_edit(self, item_id: int) -> None:
        from ..screens.edit_item import read_start

        config = getattr(self.app, "config", None)
        try:
            start = read_start(item_id, config.quality if config else None)
        except BaseException:
            self.post_message(EditRead(None))  # no form: the keys go on (the error is shown)
            raise
        self.post_message(EditRead(start))

    @on(EditRead)
    def _edit_read(self, message: EditRead) -> None:
        from ..screens.edit_item import EditItemScreen, Saved

        message.stop()
        release = self.app.release_keys  # type: ignore[attr-defined]
        if message.start is None:
            release(self)
            return

        def saved(done: Saved | None) -> None:
            if done is not None:
                self.app.notify(done.words(), markup=False)
                self.app.post_core_event(events.LibraryChanged(item_ids=(done.item_id,)))

        screen = EditItemScreen(message.start)
        self.app.push_screen(screen, saved)
        # the keys go on once the form has taken its focus (its queue: after its mount)
        if not screen.call_later(release, self):
            release(self)

    def action_scan(self) -> None:
        """Scan the library folders now, or cancel the scan that runs."""
        if self._scan_cancel is not None:
            self._scan_cancel.set()
            self.app.notify("Cancelling the scan…", markup=False)
            return
        self._scan_cancel = threading.Event()
        self.scan(self._scan_cancel)

    @property
    def scanning(self) -> bool:
        return self._scan_cancel is not None

    @work(thread=True, exclusive=True, group="library-scan", exit_on_error=False)
    def scan(self, cancel: threading.Event) -> None:
        """``mydia-tui scan``'s scan; its progress goes to the status bar."""
        from ...scanning.service import scan_library

        app = self.app
        config = app.config
        try:
            if not config.library.movies and not config.library.shows:
                self.post_message(
                    ServiceDone(
                        "no library folders configured: set [library] movies and shows", "warning"
                    )
                )
                return
            report = scan_library(config, on_event=app.post_core_event, should_stop=cancel.is_set)
        finally:
            self.post_message(ScanEnded())
        if cancel.is_set():
            self.post_message(ServiceDone("scan cancelled: nothing was removed", "warning"))
            return
        self.post_message(
            ServiceDone(scan_summary(report), "information" if report.clean else "warning")
        )

    @on(ScanEnded)
    def _scan_ended(self, message: ScanEnded) -> None:
        message.stop()
        self._scan_cancel = None
        self.app.post_core_event(events.ScanProgress("", 0, done=True))

    @work(thread=True, group="library-refresh", exit_on_error=False)
    def refresh_show(self, item_id: int) -> None:
        """``mydia-tui refresh ITEM``: the show read again from TVmaze."""
        from ...metadata import refresh_show

        try:
            r = refresh_show(self.app.config, item_id)
        except MydiaError as exc:
            self.post_message(ServiceDone(str(exc), "warning"))
            return
        text = f"{r.title}: {r.added} new, {r.updated} updated, {r.unchanged} unchanged"
        if r.not_on_tvmaze:
            text += f", {r.not_on_tvmaze} no longer on TVmaze (kept)"
        self.post_message(ServiceDone(text))
        self.app.post_core_event(events.LibraryChanged(item_ids=(item_id,)))

    @work(thread=True, group="library-write", exit_on_error=False)
    def delete_item(
        self, item_id: int, with_files: bool, remove_first: tuple[str, ...] = ()
    ) -> None:
        """Delete the item; ``remove_first``: info-hashes of its downloads in flight to remove
        from Deluge (with their data: an unfinished download is of no use) before, as the
        user asked after a refusal (:class:`DeleteBlocked`)."""
        services = self.app.services
        try:
            for info_hash in remove_first:
                assert services is not None
                services.remove(info_hash, delete_data=True)
            done = library.delete_item(item_id, delete_files=with_files)
        except library.HasActiveDownloads as exc:
            if services is None or remove_first:  # offline, or a new grab came in between
                self.post_message(ServiceDone(str(exc), "warning"))
            else:
                self.post_message(DeleteBlocked(item_id, with_files, exc.downloads))
            return
        except MydiaError as exc:
            self.post_message(ServiceDone(str(exc), "warning"))
            return
        kind = "film" if done.kind == "movie" else "show"
        text = f"deleted the {kind} {done.title}"
        if with_files:
            text += f" and {counted(len(done.files_deleted), 'file')}"
        for path, why in done.files_failed:
            text += f"; {path}: {why}"
        self.post_message(ServiceDone(text, "warning" if done.files_failed else "information"))
        self.app.post_core_event(events.LibraryChanged(item_ids=(item_id,)))

    @on(DeleteBlocked)
    def _delete_blocked(self, message: DeleteBlocked) -> None:
        """Ask whether to remove the item's downloads in flight from Deluge, then delete it."""
        from ..screens.confirm import ConfirmScreen

        message.stop()
        listed = "; ".join(f"{clean(title)} ({state})" for _, title, state, _ in message.downloads)
        count = counted(len(message.downloads), "download")
        question = (
            f"{count} of this item {'is' if len(message.downloads) == 1 else 'are'} in flight: "
            f"{listed}. Remove {'it' if len(message.downloads) == 1 else 'them'} from Deluge "
            "with the data downloaded so far, then delete the item?"
        )
        hashes = tuple(info_hash for *_, info_hash in message.downloads)

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_item(message.item_id, message.with_files, hashes)

        self.app.push_screen(ConfirmScreen(question), answered)

    @on(Input.Changed, "#library-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#library-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#library-filter", Input)
        if not box.value:
            box.remove_class("-visible")
        self.list.focus()

    @on(FilterInput.Cleared, "#library-filter")
    def _filter_cleared(self, event: FilterInput.Cleared) -> None:
        event.stop()
        self.action_clear_filter()

    def action_clear_filter(self) -> None:
        """Escape (typing the filter, or with one kept): no filter, the list focused."""
        box = self.query_one("#library-filter", Input)
        box.value = ""
        box.remove_class("-visible")
        self.list.focus()


def scan_summary(report: ScanReport) -> str:
    """A finished scan in one line, every number with its thousands separated as everywhere
    in the app ("scan: 30,002 files, 0 added, 0 updated, 0 removed, 30,000 unmatched"), then
    its first problem."""
    text = (
        f"scan: {counted(report.files_seen, 'file')}, {report.added:,} added, "
        f"{report.updated:,} updated, {report.removed:,} removed"
    )
    if report.unmatched:
        text += f", {len(report.unmatched):,} unmatched"
    problems = [*report.errors, *report.warnings]
    if problems:
        text += f"; {problems[0].message}"
    return text
