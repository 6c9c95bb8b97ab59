"""The activity screen: the history (grabs, imports, refusals with their reason, failures,
removals, upgrades, errors), newest first, filtered by kind, by item and by text.

A virtual list over SQL: a worker reads the ids of the events the filters leave (one query
of integers, :func:`mydia_tui.history.history_ids`) and the counts by kind; rows are read a
page at a time when they are first drawn (:func:`mydia_tui.history.history_by_ids`, a few
rows by primary key). 50,000 events open as fast as 50 (``bench/activity.py``).
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import get_current_worker

from ... import history
from ...history import KINDS, HistoryEntry, event_name
from ..keys import with_keys
from ..text import cells, clean, counted, filter_tabs, fit_parts, local_minute
from ..widgets.filter import FilterInput
from ..widgets.footer import KeysFooter
from ..widgets.rowview import ListHeading, RowView
from ..workers import ReportsWorkerErrors

#: the kind filter's cycle ("all" first)
CYCLE = ("all", *KINDS)
#: rows read at once when first drawn
PAGE = 100

EVENT_STYLE = {
    "grabbed": "cyan",
    "adopted": "cyan",
    "imported": "green",
    "refused": "yellow",
    "failed": "red",
    "import_failed": "bold red",
    "removed": "dim",
    "error": "bold red",
    "search_empty": "dim",
}


def layout(width: int) -> dict[str, int]:
    """Column widths for the list's width (the message takes what is left)."""
    cols = {"at": 16, "event": 13, "reason": 18, "item": 24}
    for drop in ("reason", "item"):
        if width - sum(cols.values()) - len(cols) >= 30:
            break
        cols[drop] = 0
    used = sum(cols.values()) + sum(1 for v in cols.values() if v)
    return {**cols, "message": max(10, width - used)}


HEADINGS = {"at": "When", "event": "Event", "reason": "Reason", "item": "Item", "message": "What"}


class ActivityRead(Message):
    """What a worker read for the filters: the ids newest first, counts by kind, the first
    page of rows, and the item's title (for the item filter)."""

    def __init__(
        self,
        generation: int,
        keep_place: bool,
        ids: list[int],
        counts: dict[str, int] | None,
        first: list[HistoryEntry],
        item_title: str,
        complete: bool = False,
    ) -> None:
        super().__init__()
        #: the reload it answers (an answer to an older one is dropped)
        self.generation = generation
        self.keep_place = keep_place
        self.ids = ids
        #: None with the first page (the counts come with every id)
        self.counts = counts
        self.first = first
        self.item_title = item_title
        self.complete = complete


class ActivityList(RowView):
    """The events: only the visible rows are read and drawn."""

    BINDINGS = [
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            id="activity.clear_filter",
            tooltip="Clear the text filter (shown while one is kept; else escape closes)",
        ),
    ]

    def __init__(self, owner: ActivityScreen, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    def row_count(self) -> int:
        return len(self.owner.ids)

    def row_value(self, index: int) -> Hashable:
        return self.owner.ids[index]

    def render_row(self, index: int, width: int) -> Text:
        e = self.owner.entry(index)
        cols = layout(width)
        if e is None:
            return Text("(this event was deleted)", style="dim")
        style = EVENT_STYLE.get(e.event, "")
        if e.reason == "upgraded":
            style = "bold green"
        values: dict[str, Text | str] = {
            "at": local_minute(e.at),
            "event": Text(event_name(e.event), style=style),
            "reason": Text(clean(e.reason.replace("_", " ")), style="dim"),
            "item": Text(clean(e.item_title)),
            "message": Text(clean(e.message)),
        }
        return cells([(values[k], w) for k, w in cols.items()])

    def empty_hint(self) -> str:
        return self.owner.empty_hint()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.owner.text)  # else escape is the screen's: close
        return True

    def action_clear_filter(self) -> None:
        self.owner.clear_filter()


class ActivityScreen(ReportsWorkerErrors, Screen[None]):
    """``item_id``: start filtered to that item (the one highlighted in the library when the
    screen was opened from there); ``i`` drops or brings back that filter."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="activity.close", tooltip="Back to the library"),
        Binding(
            "f",
            "next_kind",
            "Kind",
            id="activity.kind",
            tooltip="Show all, grabbed, imported, upgraded, refused, failed, removed, errors…",
        ),
        Binding("F", "previous_kind", "Previous kind", id="activity.kind_back", show=False),
        Binding(
            "i",
            "toggle_item",
            "This item",
            id="activity.item",
            tooltip="Only the item highlighted in the library, or every item",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="activity.filter",
            tooltip="Filter by text in the message or the item's title",
        ),
    ]
    DEFAULT_CSS = """
    ActivityScreen > #activity {
        border: round $primary; height: 1fr;
        #activity-kinds { height: 1; }
        #activity-header { height: 1; color: $text-muted; text-style: bold; }
        #activity-filter { display: none; height: 1; border: none; padding: 0 1; }
        #activity-filter.-visible { display: block; }
        ActivityList { height: 1fr; }
    }
    """

    def __init__(self, item_id: int | None = None) -> None:
        super().__init__()
        #: the item the screen was opened for (None: opened for everything)
        self.item_id = item_id
        self.only_item = item_id is not None
        self.item_title = ""
        self.kind = "all"
        self.text = ""
        self.ids: list[int] = []
        self.counts: dict[str, int] = dict.fromkeys(CYCLE, 0)
        self.loaded = False
        self._pages: dict[int, list[HistoryEntry | None]] = {}
        #: the number of the newest reload, and of the one whose first page alone is shown
        self._generation = 0
        self._partial = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="activity"):
            self.list = ActivityList(self, id="activity-list")
            yield ListHeading(self.list, self.tabs, id="activity-kinds")
            yield ListHeading(self.list, self.heading, id="activity-header")
            yield self.list
            yield FilterInput(
                placeholder="filter (enter: keep, escape: clear)", id="activity-filter"
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.list.focus()
        self.update_bars()
        self.reload()

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_bars)

    # -- reading -------------------------------------------------------------------------------

    def reload(self, *, keep_place: bool = False) -> None:
        """Read the ids and counts again for the filters (in a worker; the newest wins). A
        changed filter starts at the top; ``keep_place`` (new events while the screen is
        open) keeps the cursor on its event."""
        self._generation += 1
        item = self.item_id if self.only_item else None
        kind = None if self.kind == "all" else self.kind
        self.read(self._generation, keep_place, item, kind, self.text)

    def history_changed(self) -> None:
        """The core wrote to the history (the app says so): show what is new."""
        self.reload(keep_place=True)

    @work(thread=True, exclusive=True, group="activity-read", exit_on_error=False)
    def read(
        self, generation: int, keep_place: bool, item_id: int | None, kind: str | None, text: str
    ) -> None:
        """The first screenful at once (one indexed page), then every id and the counts."""
        worker = get_current_worker()
        title = ""
        if self.item_id is not None:
            from ...models import MediaItem

            row = MediaItem.get_or_none(MediaItem.id == self.item_id)
            title = row.title if row is not None else f"item {self.item_id}"
        first = history.list_history(item_id=item_id, kind=kind, text=text, limit=PAGE)
        if worker.is_cancelled:
            return
        if len(first) == PAGE and not keep_place:  # show these while the rest is read
            self.post_message(
                ActivityRead(generation, keep_place, [e.id for e in first], None, first, title)
            )
        ids = history.history_ids(item_id=item_id, kind=kind, text=text)
        counts = history.history_counts(item_id=item_id, text=text)
        if not worker.is_cancelled:
            self.post_message(
                ActivityRead(generation, keep_place, ids, counts, first, title, complete=True)
            )

    @on(ActivityRead)
    def _read(self, message: ActivityRead) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # read for filters since changed
        # the cursor stays on its event when only the rest of the same list arrives, or when
        # new events came while the screen is open; a new filter starts at the top
        keep = message.keep_place or self._partial == message.generation
        current = self.ids[self.list.cursor] if keep and self.ids else None
        self.ids = message.ids
        if message.counts is not None:
            self.counts = message.counts
        self.item_title = message.item_title
        self._pages = {0: list(message.first)} if message.first else {}
        self._partial = 0 if message.complete else message.generation
        #: every id read (the first page alone is shown while the rest is read)
        self.loaded = message.complete
        index = 0
        if current is not None:
            try:
                index = self.ids.index(current)
            except ValueError:
                index = min(self.list.cursor, max(0, len(self.ids) - 1))
        self.list.rows_changed(keep_cursor=index)
        self.update_bars()

    def entry(self, index: int) -> HistoryEntry | None:
        """Row ``index``'s event, read with its page the first time it is drawn."""
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            if len(self._pages) > 64:  # a long scroll: keep the memory bounded
                self._pages.clear()
            ids = self.ids[page * PAGE : (page + 1) * PAGE]
            found = {e.id: e for e in history.history_by_ids(ids)}
            rows = [found.get(i) for i in ids]
            self._pages[page] = rows
        offset = index - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def empty_hint(self) -> str:
        if not self.loaded and not self.ids:
            return "reading the history…"
        if self.kind != "all" or self.text or self.only_item:
            every_item = " {activity.item} every item," if self.item_id is not None else ""
            return with_keys(
                self.app,
                "nothing matches: {activity.kind} changes the kind,"
                + every_item
                + " {activity.filter} the text",
            )
        return "nothing has happened yet: grabs, imports and refusals will be listed here"

    # -- bars ----------------------------------------------------------------------------------

    def tabs(self, width: int) -> Text:
        """The kinds' tabs with their counts (the empty ones left out), in ``width`` cells."""
        return filter_tabs(CYCLE, self.counts, self.kind, width, hide_empty=True)

    def heading(self, width: int) -> Text:
        """The column headings for rows ``width`` cells wide."""
        return cells([(HEADINGS[k], w) for k, w in layout(width).items()])

    def update_bars(self) -> None:
        for heading in self.list.headings:
            heading.refresh()
        box = self.query_one("#activity")
        count = len(self.ids)
        parts = ["Activity", counted(count, "event")]
        if self.only_item:
            parts.append(clean(self.item_title or "…"))
        box.border_title = Text(fit_parts(parts, max(0, box.size.width - 6)))
        box.border_subtitle = Text(
            f"kind {self.kind}" + (f" · /{clean(self.text)}" if self.text else "")
        )

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_item":
            return self.item_id is not None
        if action == "filter":
            # while the filter is typed "/" types a slash: its box offers its own keys
            return not isinstance(self.focused, FilterInput)
        return True

    def why_not(self, action: str) -> str | None:
        """Why ``action``'s key does nothing here, for the app to say when it is pressed
        (:meth:`MydiaApp.on_key`)."""
        if action == "toggle_item" and self.item_id is None:
            return with_keys(
                self.app,
                "Every item's events are shown here: press {app.activity} on an item in the "
                "library to see only its events",
            )
        return None

    def action_next_kind(self) -> None:
        self.kind = CYCLE[(CYCLE.index(self.kind) + 1) % len(CYCLE)]
        self.update_bars()
        self.reload()

    def action_previous_kind(self) -> None:
        self.kind = CYCLE[(CYCLE.index(self.kind) - 1) % len(CYCLE)]
        self.update_bars()
        self.reload()

    def action_toggle_item(self) -> None:
        if self.item_id is not None:
            self.only_item = not self.only_item
            self.update_bars()
            self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#activity-filter", Input)
        box.add_class("-visible")
        box.focus()

    @on(Input.Changed, "#activity-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.text = event.value
        self.update_bars()
        self.reload()
        self.refresh_bindings()  # escape clears a kept filter, or closes once there is none

    @on(Input.Submitted, "#activity-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#activity-filter", Input)
        if not box.value:
            box.remove_class("-visible")
        self.list.focus()

    @on(FilterInput.Cleared, "#activity-filter")
    def _filter_cleared(self, event: FilterInput.Cleared) -> None:
        event.stop()
        self.clear_filter()

    def clear_filter(self) -> None:
        """Escape while the filter is typed (its box's binding) or kept (the list's): no
        text filter, the list focused."""
        box = self.query_one("#activity-filter", Input)
        box.value = ""
        box.remove_class("-visible")
        self.list.focus()

    def action_close(self) -> None:
        self.dismiss()
