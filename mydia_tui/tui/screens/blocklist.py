"""The blocklist screen: the releases no search grabs again, and why; remove one (its release
may be grabbed again) or clear them all, each asked first.

The same core functions as ``mydia-tui blocklist``, ``blocklist remove`` and ``blocklist
clear``: :func:`mydia_tui.guard.blocklist_entries`, :func:`~mydia_tui.guard.unblock` and
:func:`~mydia_tui.guard.clear_blocklist`, run in thread workers.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from ...guard import BlocklistEntry
from ..keys import with_keys
from ..text import cells, clean, counted, human_size, local_minute
from ..widgets.footer import KeysFooter
from ..widgets.rowview import ListHeading, RowView
from ..workers import ReportsWorkerErrors


def shown_name(entry: BlocklistEntry) -> str:
    """What the list calls a blocklisted release: its name, else its info-hash, else its
    indexer and guid (untrusted text made printable)."""
    return clean(entry.title or entry.info_hash or f"{entry.indexer} {entry.guid}")


#: the release name's column at least, when the list is wide enough for the reason to grow
TITLE_LEAST = 24


def layout(width: int, longest: int | None = None) -> dict[str, int]:
    """Column widths for the list's width: the release's name takes what is left, or, given
    ``longest`` (the longest name's cells), as much as it needs (at least
    :data:`TITLE_LEAST`), and the reason takes the rest."""
    cols = {"added": 16, "hash": 8, "size": 8, "reason": 26, "item": 22}
    for drop in ("size", "item", "hash"):
        if width - sum(cols.values()) - len(cols) >= 24:
            break
        cols[drop] = 0
    used = sum(cols.values()) + sum(1 for v in cols.values() if v)
    title = max(10, width - used)
    if longest is not None and title > max(longest, TITLE_LEAST):
        # the room the names do not need goes to the reason (a reason such as "cannot be
        # imported: it holds archives ..." was cut at 26 cells even at 200 columns)
        cols["reason"] += title - max(longest, TITLE_LEAST)
        title = max(longest, TITLE_LEAST)
    return {"title": title, **cols}


HEADINGS = {
    "title": "Release",
    "added": "Added",
    "hash": "Hash",
    "size": "Size",
    "reason": "Reason",
    "item": "Item",
}


class BlocklistRead(Message):
    """Every blocklist entry, newest first (read by a worker)."""

    def __init__(self, entries: list[BlocklistEntry]) -> None:
        super().__init__()
        self.entries = entries


class BlocklistList(RowView):
    def __init__(self, owner: BlocklistScreen, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    def row_count(self) -> int:
        return len(self.owner.entries)

    def row_value(self, index: int) -> Hashable:
        return self.owner.entries[index]

    def render_row(self, index: int, width: int) -> Text:
        e = self.owner.entries[index]
        values: dict[str, Text | str] = {
            "title": Text(shown_name(e)),
            "added": local_minute(e.added_at),
            "hash": (e.info_hash or "-")[:8],
            "size": human_size(e.size or 0).rjust(8),
            "reason": Text(clean(e.reason), style="yellow"),
            "item": Text(clean(e.item_title)),
        }
        return cells([(values[k], w) for k, w in layout(width, self.owner.longest).items()])

    def empty_hint(self) -> str:
        if not self.owner.loaded:
            return "reading the blocklist…"
        return "the blocklist is empty: releases removed and blocklisted are listed here"


class BlocklistScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="blocklist.close", tooltip="Back to the library"),
        Binding(
            "delete,d",
            "remove",
            "Remove",
            id="blocklist.remove",
            tooltip="Take the release off the blocklist: it may be grabbed again (asks)",
        ),
        Binding(
            "C",
            "clear",
            "Clear all",
            id="blocklist.clear",
            tooltip="Empty the blocklist: every release may be grabbed again (asks)",
        ),
    ]
    DEFAULT_CSS = """
    BlocklistScreen > #blocklist {
        border: round $warning; height: 1fr;
        #blocklist-header { height: 1; color: $text-muted; text-style: bold; }
        BlocklistList { height: 1fr; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[BlocklistEntry] = []
        self.loaded = False
        #: the longest release name's cells (the layout's name column)
        self.longest: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="blocklist"):
            self.list = BlocklistList(self, id="blocklist-list")
            yield ListHeading(self.list, self.heading, id="blocklist-header")
            yield self.list
        yield KeysFooter()

    def on_mount(self) -> None:
        self.list.focus()
        self.update_bars()
        self.reload()

    # -- reading and writing (thread workers) --------------------------------------------------

    def history_changed(self) -> None:
        """The core may have blocklisted a release (the app says so): read again."""
        self.reload()

    @work(thread=True, exclusive=True, group="blocklist-read", exit_on_error=False)
    def reload(self) -> None:
        self._reread()

    def _reread(self) -> None:
        """Read every entry and hand them to the screen (in a worker's thread)."""
        from ...guard import blocklist_entries

        entries = blocklist_entries()
        if not get_current_worker().is_cancelled:
            self.post_message(BlocklistRead(entries))

    @on(BlocklistRead)
    def _read(self, message: BlocklistRead) -> None:
        message.stop()
        keep = self.current()
        self.entries = message.entries
        self.longest = max((cell_len(shown_name(e)) for e in self.entries), default=0)
        self.loaded = True
        index = self.list.cursor
        if keep is not None:
            ids = [e.id for e in self.entries]
            if keep.id in ids:
                index = ids.index(keep.id)
        self.list.rows_changed(keep_cursor=index)
        self.update_bars()
        self.app.refresh_bindings()

    @work(thread=True, group="blocklist-write", exit_on_error=False)
    def _unblock(self, entry_id: int, what: str) -> None:
        from ...guard import unblock

        if unblock(entry_id):  # notify only posts a message: safe from a thread
            self.app.notify(f"{what} is off the blocklist: it may be grabbed again", markup=False)
        self._reread()

    @work(thread=True, group="blocklist-write", exit_on_error=False)
    def _clear(self) -> None:
        from ...guard import clear_blocklist

        cleared = clear_blocklist()
        self.app.notify(f"Removed {counted(cleared, 'release')} from the blocklist", markup=False)
        self._reread()

    # -- bars and actions ----------------------------------------------------------------------

    def current(self) -> BlocklistEntry | None:
        if self.entries and 0 <= self.list.cursor < len(self.entries):
            return self.entries[self.list.cursor]
        return None

    def heading(self, width: int) -> Text:
        """The column headings for rows ``width`` cells wide."""
        return cells(
            [
                (HEADINGS[k].rjust(w) if k == "size" else HEADINGS[k], w)
                for k, w in layout(width, self.longest).items()
            ]
        )

    def update_bars(self) -> None:
        for heading in self.list.headings:
            heading.refresh()
        box = self.query_one("#blocklist")
        count = len(self.entries)
        box.border_title = f"Blocklist · {counted(count, 'release')}"
        # the keys offered only while there is something to remove
        box.border_subtitle = (
            with_keys(self.app, "{blocklist.remove} remove · {blocklist.clear} clear all")
            if self.entries
            else ""
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("remove", "clear"):
            return bool(self.entries)  # hidden from the footer while the list is empty
        return True

    def why_not(self, action: str) -> str | None:
        """Why ``action``'s key does nothing here, for the app to say when it is pressed
        (:meth:`MydiaApp.on_key`)."""
        if action in ("remove", "clear") and self.loaded and not self.entries:
            return f"The blocklist is empty: nothing to {action}"
        return None

    def action_remove(self) -> None:
        entry = self.current()
        if entry is None:
            return
        from .confirm import ConfirmScreen

        what = clean(entry.title or entry.info_hash or f"{entry.indexer} {entry.guid}")

        def answered(yes: bool | None) -> None:
            if yes:
                self._unblock(entry.id, what)

        self.app.push_screen(
            ConfirmScreen(
                f"Take {what} off the blocklist?\nSearches may grab this release again.",
            ),
            answered,
        )

    def action_clear(self) -> None:
        if not self.entries:
            return
        from .confirm import ConfirmScreen

        n = len(self.entries)

        def answered(yes: bool | None) -> None:
            if yes:
                self._clear()

        self.app.push_screen(
            ConfirmScreen(
                f"Clear the blocklist ({counted(n, 'release')})?\n"
                "Searches may grab every one of them again."
            ),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss()
