"""The downloads pane: the live queue, keyed by info-hash, updated in place.

The monitor keeps the ``download`` table current and says so with ``DownloadsChanged``; the
pane then reads the stats of the queue in a thread worker (one tuple query), and only rows
whose values changed are repainted. Rows are never cleared and refilled.
"""

from __future__ import annotations

import time
from collections.abc import Hashable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.worker import get_current_worker

from ... import views
from ...models import FINAL_STATES
from ...views import STATE_GROUPS, WHILE_COUNTED, DownloadLine, state_group_counts
from ..keys import with_keys
from ..messages import DownloadsRead, ProgressRead
from ..text import (
    bar,
    cells,
    clean,
    counted,
    filter_tabs,
    human_eta,
    human_rate,
    human_size,
    widen_columns,
)
from ..workers import ReportsWorkerErrors
from .rowview import ListHeading, RowView

STATE_STYLE = {
    "claimed": "dim",
    "sending": "dim",
    "queued": "blue",
    "checking": "yellow",
    "downloading": "cyan",
    "paused": "dim italic",
    "seeding": "green",
    "moving": "magenta",
    "completed": "bright_green",
    "importing": "magenta",
    "import_failed": "bold red",
    "stalled": "yellow",
    "offline": "yellow",
    "vanished": "yellow",
    "imported": "green",
    "failed": "red",
    "removed": "dim strike",
}
GROUPS = tuple(STATE_GROUPS)
#: the State column: as wide as the longest state shown ("import failed"), never cut
STATE_WIDTH = max(len(state.replace("_", " ")) for state in STATE_STYLE)
#: the downloads whose names are read before the first frame (more than a screenful)
FIRST_ROWS = 100
#: seconds between two reads of the queue for rows scrolled to (a burst of keys shares one)
STALE_READ_EVERY = 0.25


HEADINGS = {
    "name": "Name",
    "target": "Target",
    "state": "State",
    "progress": "Progress",
    "size": "Size",
    "down": "Down",
    "up": "Up",
    "eta": "ETA",
    "ratio": "Ratio",
    "sp": "Seeds/Peers",
}
RIGHT = {"size", "down", "up", "eta", "ratio", "sp"}
#: states in which the torrent moves data: only then do rates, ETA and seeds/peers mean
#: something (a finished, failed or removed row shows none: the last poll's values are stale)
LIVE = frozenset({"queued", "checking", "downloading", "seeding", "stalled", "moving"})


#: the columns every row shows (the State column never cut, the progress bar also takes the
#: cells a column about to come back has not enough of yet)
BASE = {"state": STATE_WIDTH, "progress": 16}
#: what a wider pane gives, in order: a column back (its width and a space), or cells to
#: Name or Target up to a width. Name and Target only ever grow as the pane widens: a
#: column comes back with the cells that were spare, never with theirs; the least useful
#: columns come back last. Target stops at what a title with its year or its episodes needs,
#: Name then takes the rest.
WIDENING: tuple[tuple[str, str, int], ...] = (
    ("grow", "name", 35),
    ("add", "down", 10),
    ("add", "target", 18),
    ("add", "size", 8),
    ("add", "eta", 6),
    ("grow", "name", 40),
    ("grow", "target", 24),
    ("add", "sp", len(HEADINGS["sp"])),
    ("grow", "name", 48),
    ("add", "up", 10),
    ("add", "ratio", 5),
    ("grow", "target", 34),
)
#: the order of the columns in a row
COLUMNS = ("name", "target", "state", "progress", "size", "down", "up", "eta", "ratio", "sp")


def layout(width: int) -> dict[str, int]:
    """Column widths for rows ``width`` cells wide (see :data:`WIDENING`, by
    :func:`~mydia_tui.tui.text.widen_columns`). Every column is at least as wide as its
    heading, so a heading is never cut; below the base columns and a Name of 16 cells, Name
    narrows down to its heading."""
    cols = dict.fromkeys(COLUMNS, 0)
    cols.update(BASE, name=16)
    return widen_columns(
        width,
        cols,
        WIDENING,
        narrows=("name", len(HEADINGS["name"])),
        rest="name",
        waiting="progress",
    )


#: states "blocklist and search again" applies to: Deluge reported an error, or no progress
FAILED_STATES = ("failed", "stalled")
#: those states in words ("failed or stalled"), for the help and for a refusal
FAILED_WORDS = " or ".join(FAILED_STATES)
#: actions that need the services (hidden without them)
SERVICE_ACTIONS = (
    "pause",
    "remove",
    "remove_data",
    "retry_import",
    "blocklist",
    "blocklist_search",
    "recheck",
    "queue_up",
    "queue_down",
    "queue_top",
    "queue_bottom",
)
#: the mark shown before a marked row's name
MARK = "● "


def _downloads(n: int) -> str:
    return counted(n, "download")


class DownloadsList(RowView):
    """The queue's rows. Bulk actions apply to the marked rows when there are marks (the
    pane's ``marks``), else to the highlighted row."""

    BINDINGS = [
        Binding("p", "pause", "Pause/resume", id="downloads.pause", tooltip="Pause or resume"),
        Binding(
            "r",
            "remove",
            "Remove",
            id="downloads.remove",
            tooltip="Remove the torrent, keep its data; asks: blocklist it too (the default) or not",
        ),
        Binding(
            "R",
            "remove_data",
            "Remove+data",
            id="downloads.remove_data",
            tooltip="Remove the torrent, delete its data; asks: blocklist it too (the default) or not",
        ),
        Binding(
            "I",
            "retry_import",
            "Retry import",
            id="downloads.retry_import",
            tooltip="Import again a download whose import gave up",
        ),
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            show=False,
            id="downloads.mark",
            tooltip="Mark or unmark the row (actions then apply to the marked rows)",
        ),
        Binding(
            "V",
            "mark_all",
            "Mark all",
            show=False,
            id="downloads.mark_all",
            tooltip="Mark every row shown (after the state filter)",
        ),
        Binding(
            "u",
            "clear_marks",
            "Clear marks",
            show=False,
            id="downloads.clear_marks",
            tooltip="Unmark every row",
        ),
        Binding(
            "b",
            "blocklist",
            "Blocklist",
            show=False,
            id="downloads.blocklist",
            tooltip="Remove and blocklist: never grabbed again, its target searched again (asks)",
        ),
        Binding(
            "B",
            "blocklist_search",
            "Blocklist+search",
            show=False,
            id="downloads.blocklist_search",
            tooltip=f"On a {FAILED_WORDS} download: blocklist it, remove it with its data and "
            "search again now (asks)",
        ),
        Binding(
            "c",
            "recheck",
            "Recheck",
            show=False,
            id="downloads.recheck",
            tooltip="Ask Deluge to check the data again",
        ),
        Binding(
            "left_square_bracket",
            "queue_up",
            "Queue up",
            show=False,
            id="downloads.queue_up",
            tooltip="One place up in Deluge's queue",
        ),
        Binding(
            "right_square_bracket",
            "queue_down",
            "Queue down",
            show=False,
            id="downloads.queue_down",
            tooltip="One place down in Deluge's queue",
        ),
        Binding(
            "left_curly_bracket",
            "queue_top",
            "Queue top",
            show=False,
            id="downloads.queue_top",
            tooltip="To the top of Deluge's queue",
        ),
        Binding(
            "right_curly_bracket",
            "queue_bottom",
            "Queue bottom",
            show=False,
            id="downloads.queue_bottom",
            tooltip="To the bottom of Deluge's queue",
        ),
    ]

    def __init__(self, pane: DownloadsPane, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pane = pane

    def row_count(self) -> int:
        return len(self.pane.view)

    def empty_hint(self) -> str:
        """Why the queue (or its filter) shows no row, and the keys that show more (a new
        user's report: the filter `importing` with no rows showed an empty pane)."""
        pane = self.pane
        if pane.group == "all":
            # the demo's films imported and seeding left an empty pane that said nothing
            if pane.include_finished:
                return "no downloads yet: the monitor grabs what is missing"
            return with_keys(
                self.app, "no active downloads: {downloads.finished} shows finished ones"
            )
        ways = "{downloads.filter} changes the filter"
        if not pane.include_finished:
            ways += ", {downloads.finished} shows finished ones too"
        return with_keys(self.app, f"no {pane.group} downloads: {ways}")

    def row_value(self, index: int) -> Hashable:
        key = self.pane.view[index]
        return (self.pane.lines[key], key in self.pane.marks)

    def render_row(self, index: int, width: int) -> Text:
        key = self.pane.view[index]
        line = self.pane.lines[key]
        fresh = self.pane.fresh
        if fresh is not None and key not in fresh:
            self.pane.stale_row_shown()
        s = line.stats
        cols = self.columns(width)
        state = Text(s.state.replace("_", " "), style=STATE_STYLE.get(s.state, ""))
        name = Text(
            clean(line.title),
            style=STATE_STYLE.get(s.state, "")
            if s.state in ("import_failed", "failed", "removed")
            else "",
        )
        if key in self.pane.marks:
            name = Text.assemble((MARK, "bold yellow"), name)
            name.stylize("bold")
        values = {
            "name": name,
            "target": Text(clean(line.target)),
            "state": state,
            "progress": bar(s.progress, cols["progress"]),
            "size": human_size(s.size),
            "down": "",
            "up": "",
            "eta": "",
            "ratio": "",
            "sp": "",
        }
        if s.state in LIVE:
            # Deluge reports -1 for a ratio it does not know, and no ETA while seeding
            values["down"] = "" if s.state == "seeding" else human_rate(s.download_rate)
            values["up"] = human_rate(s.upload_rate)
            values["eta"] = "" if s.state == "seeding" else human_eta(s.eta)
            values["ratio"] = f"{s.ratio:.2f}" if s.ratio >= 0 else ""
            values["sp"] = f"{s.seeds}/{s.peers}"
        parts = []
        for key, w in cols.items():
            value = values[key]
            if key in RIGHT and isinstance(value, str):
                value = value.rjust(w)
            parts.append((value, w))
        return cells(parts)

    def columns(self, width: int) -> dict[str, int]:
        """The column widths of rows (and their headings) ``width`` cells wide: laid out for
        the width the rows have beside a scrollbar, so that the columns stay put when the
        scrollbar comes or goes (the headings moved by a cell)."""
        outer = self.size.width - self.styles.scrollbar_size_vertical
        return layout(min(width, outer) if outer > 0 else width)

    # -- the rows an action applies to ---------------------------------------------------------

    def current_key(self) -> str | None:
        """The info-hash under the cursor, read from the view alone: the view is what is on
        screen, and it is replaced only by :meth:`DownloadsPane.rebuild`."""
        view = self.pane.view
        if view and 0 <= self.cursor < len(view):
            return view[self.cursor]
        return None

    def current(self) -> DownloadLine | None:
        """The line under the cursor, or None (no rows, or its download just left)."""
        key = self.current_key()
        return None if key is None else self.pane.lines.get(key)

    def selected(self) -> list[DownloadLine]:
        """What an action applies to: the marked rows in the view's order when there are
        marks, else the highlighted row (none when the queue is empty)."""
        pane = self.pane
        if pane.marks:
            return [pane.lines[h] for h in pane.view if h in pane.marks]
        line = self.current()
        return [] if line is None else [line]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_mark", "mark_all"):
            return True if self.pane.view else None
        if action == "clear_marks":
            return True if self.pane.marks else None
        if action not in SERVICE_ACTIONS:
            return True
        if self.app.services is None:
            return False
        if action == "retry_import":
            line = self.current()
            return True if line is not None and line.stats.state == "import_failed" else False
        lines = self.selected()
        if action == "blocklist_search":
            # only where it means something: a failed (or stalled) download
            return True if any(x.stats.state in FAILED_STATES for x in lines) else False
        return True if lines else None

    def why_not(self, action: str) -> str | None:
        """Why ``action``'s key does nothing on the highlighted row (its hint is hidden there),
        for the app to say when it is pressed (:meth:`MydiaApp.on_key`)."""
        line = self.current()
        if self.app.services is None or line is None:
            return None
        state = line.stats.state
        if action == "retry_import":
            return f"Retry import is for a download whose import gave up: this one is {state}"
        if action == "blocklist_search":
            return (
                f"Blocklist and search again is for a {FAILED_WORDS} download: this one is {state}"
            )
        return None

    # -- marks ---------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted row, then move to the next (marking a run of rows
        is ``space`` held down)."""
        key = self.current_key()
        if key is None:
            return
        self.pane.marks.symmetric_difference_update({key})
        self.refresh_row(self.cursor)
        self.pane.marks_changed()
        self.move_cursor(self.cursor + 1)

    def action_mark_all(self) -> None:
        self.pane.marks = set(self.pane.view)
        self.refresh()
        self.pane.marks_changed()

    def action_clear_marks(self) -> None:
        self.pane.marks = set()
        self.refresh()
        self.pane.marks_changed()

    # -- actions (need the services: hidden without them) -------------------------------------

    def _apply(
        self,
        what: str,
        verb: str,
        lines: list[DownloadLine],
        call,
        *,
        removes: bool = False,
        how: str = "",
    ) -> None:
        """Run ``call(services, info_hash)`` on each line in one worker (see
        :func:`mydia_tui.services.for_each`). An action that ``removes`` torrents clears the
        marks: a later ``R`` acts on the highlighted row, never again on rows marked long ago
        (pause, recheck and queue moves keep them, to be applied again)."""
        hashes = [x.info_hash for x in lines]
        if not hashes:
            return
        if removes and self.pane.marks:
            self.action_clear_marks()
        if len(hashes) == 1:
            self.app.call_service(what, lambda s: call(s, hashes[0]))
            return

        def each(s):
            from ...services import for_each

            return for_each(hashes, lambda h: call(s, h), verb, how)

        self.app.call_service(what, each)

    def action_retry_import(self) -> None:
        line = self.current()
        if line is not None and line.stats.state == "import_failed":
            self.app.call_service("retry import", lambda s: s.retry_import(line.info_hash))

    def action_pause(self) -> None:
        """Pause the rows, or resume them when every one is paused already."""
        lines = self.selected()
        if not lines:
            return
        if all(x.stats.state == "paused" for x in lines):
            self._apply("resume", "resumed", lines, lambda s, h: s.resume(h))
        else:
            running = [x for x in lines if x.stats.state != "paused"]
            self._apply("pause", "paused", running, lambda s, h: s.pause(h))

    def action_recheck(self) -> None:
        self._apply("recheck", "rechecking", self.selected(), lambda s, h: s.recheck(h))

    def _queue(self, move: str) -> None:
        lines = self.selected()
        # several to the top: the last first, so that they keep their order up there
        if move in ("top", "up"):
            lines = lines[::-1]
        self._apply(f"queue {move}", f"moved {move}", lines, lambda s, h: s.queue(h, move))

    def action_queue_up(self) -> None:
        self._queue("up")

    def action_queue_down(self) -> None:
        self._queue("down")

    def action_queue_top(self) -> None:
        self._queue("top")

    def action_queue_bottom(self) -> None:
        self._queue("bottom")

    def action_remove(self) -> None:
        self._ask_remove(delete_data=False)

    def action_remove_data(self) -> None:
        self._ask_remove(delete_data=True)

    def _ask_remove(self, *, delete_data: bool) -> None:
        """Ask once: remove and blocklist (the default), remove only, or cancel. The answer
        acts on the torrents that were selected when asked, wherever their rows are by then."""
        lines = self.selected()
        if not lines:
            return
        from ..screens.confirm import Choice, ConfirmScreen

        active = [x for x in lines if x.stats.state not in FINAL_STATES]
        if len(lines) == 1:
            line = lines[0]
            data = " and delete its downloaded data" if delete_data else " (its data is kept)"
            question = f"Remove {clean(line.title)} from Deluge{data}?"
            if not active:
                # it no longer holds its target: nothing will be searched again because of this
                question += f"\nIt is {line.stats.state}: the library is not changed."
            else:
                question += (
                    "\nBlocklisting it means no search grabs this release again; "
                    f"{clean(line.target)} is searched again for another release."
                )
        else:
            data = " and their data" if delete_data else " (their data is kept)"
            question = f"Remove {len(lines)} downloads{data}?\n" + _names(lines)
            if active:
                question += (
                    "\nBlocklisting them means no search grabs these releases again; "
                    "their targets are searched again for other releases."
                )
        if not active:
            choices = [
                Choice("o", "Remove (o)", False, "error" if delete_data else "primary"),
                Choice("escape", "Cancel (esc)", None),
            ]
        else:
            choices = [
                Choice("b", "Remove and blocklist (b)", True, "primary"),
                Choice("o", "Remove only (o)", False, "error" if delete_data else "default"),
                Choice("escape", "Cancel (esc)", None),
            ]

        def answered(blocklisted: bool | None) -> None:
            if blocklisted is not None:
                from ...services import removal_words

                self._apply(
                    "remove",
                    "removed",
                    lines,
                    lambda s, h: s.remove(h, delete_data=delete_data, blocklisted=blocklisted),
                    removes=True,
                    how=removal_words(
                        delete_data=delete_data, blocklisted=blocklisted, several=True
                    ),
                )

        self.app.push_screen(ConfirmScreen(question, choices), answered)

    def action_blocklist(self) -> None:
        """Remove and blocklist (the data is kept), asked once for all the rows."""
        lines = self.selected()
        if not lines:
            return
        from ..screens.confirm import ConfirmScreen

        what = clean(lines[0].title) if len(lines) == 1 else _downloads(len(lines))
        question = (
            f"Blocklist {what} and remove {'it' if len(lines) == 1 else 'them'} from Deluge "
            "(data kept)?\n"
            + ("" if len(lines) == 1 else _names(lines))
            + "\nNo search grabs a blocklisted release again; "
            + _searched_again(lines)
        )

        def answered(yes: bool | None) -> None:
            if yes:
                from ...services import removal_words

                self._apply(
                    "blocklist",
                    "removed",
                    lines,
                    lambda s, h: s.remove(h, blocklisted=True),
                    removes=True,
                    how=removal_words(delete_data=False, blocklisted=True, several=True),
                )

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_blocklist_search(self) -> None:
        """Blocklist and search again the failed (or stalled) rows, asked once."""
        lines = [x for x in self.selected() if x.stats.state in FAILED_STATES]
        if not lines:
            return
        from ..screens.confirm import ConfirmScreen

        what = clean(lines[0].title) if len(lines) == 1 else _downloads(len(lines))
        question = (
            f"Blocklist {what}, delete {'its' if len(lines) == 1 else 'their'} data and search "
            "again now?\n"
            + ("" if len(lines) == 1 else _names(lines))
            + "\nNo search grabs a blocklisted release again; another release is grabbed."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(
                    "blocklist and search",
                    "blocklisted and searched again",
                    lines,
                    lambda s, h: s.blocklist_and_search(h),
                    removes=True,
                )

        self.app.push_screen(ConfirmScreen(question), answered)


def _searched_again(lines: list[DownloadLine]) -> str:
    """What removing ``lines`` searches again: the targets of the active downloads; a finished
    one (imported, failed, removed) no longer holds its target, so nothing for it."""
    active = [x for x in lines if x.stats.state not in FINAL_STATES]
    if len(lines) == 1:
        line = lines[0]
        if active:
            return f"{clean(line.target)} is searched again for another release."
        return f"it is {line.stats.state}: its target is not searched again."
    if len(active) == len(lines):
        return "their targets are searched again for other releases."
    if not active:
        return "they are finished: no target is searched again."
    return (
        f"the targets of the {len(active)} still active are searched again; "
        "the finished ones' are not."
    )


def _names(lines: list[DownloadLine], most: int = 4) -> str:
    """The first few titles of a bulk action, one a line (plain text for a markup=False label)."""
    names = [f"  {clean(x.title)}" for x in lines[:most]]
    if len(lines) > most:
        names.append(f"  and {len(lines) - most} more")
    return "\n".join(names)


class DownloadsPane(ReportsWorkerErrors, Vertical):
    ALLOW_MAXIMIZE = True
    BINDINGS = [
        Binding(
            "f",
            "next_state",
            "State filter",
            id="downloads.filter",
            tooltip="Show all, downloading, seeding, paused, queued, failed or importing",
        ),
        Binding("F", "previous_state", "Previous filter", id="downloads.filter_back", show=False),
        Binding(
            "a",
            "finished",
            "Finished",
            id="downloads.finished",
            tooltip="Also show imported, failed and removed downloads",
        ),
    ]
    DEFAULT_CSS = """
    DownloadsPane {
        border: round $accent 60%;
        &:focus-within { border: round $accent; }
        #downloads-states { height: 1; }
        #downloads-header { height: 1; color: $text-muted; text-style: bold; }
        DownloadsList { height: 1fr; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        #: info-hash -> line; the order newest first; the view filtered by state group
        self.lines: dict[str, DownloadLine] = {}
        self.order: list[str] = []
        self.view: list[str] = []
        #: the marked info-hashes: always rows of the view (a row that leaves it is unmarked)
        self.marks: set[str] = set()
        self.group = "all"
        self.include_finished = False
        self.counts = state_group_counts(())
        #: the downloads' stamp (:func:`mydia_tui.views.downloads_stamp`) when last read
        self.read_stamp: tuple[int, str] | None = None
        #: the info-hashes whose whole stats the last read brought (None: every row's)
        self.fresh: set[str] | None = None
        self._stale_read = False
        #: what the keys that depend on the row (check_action) said at the last cursor move
        self._row_keys: tuple[bool | None, ...] = ()
        #: when the last read of the queue began (time.monotonic())
        self._read_at = 0.0
        self.border_title = "Downloads"

    def compose(self) -> ComposeResult:
        self.list = DownloadsList(self, id="downloads-list")
        yield ListHeading(self.list, self.tabs, id="downloads-states")
        yield ListHeading(self.list, self.heading, id="downloads-header")
        yield self.list

    def on_mount(self) -> None:
        self.update_bars()
        # the first read is made here (a few indexed reads), so the first paint shows the queue
        # without waiting for a worker thread: every download's state (the tabs' counts) and
        # the names of the newest (the first screenful); the others' names follow in a worker
        # once the first frame is drawn. Later reads run in workers
        self._read(self._read_queue(frozenset(), self.include_finished, newest=FIRST_ROWS))
        if len(self.lines) < self.counts["all"]:
            self.call_after_refresh(self.refresh_queue)

    # -- reading -------------------------------------------------------------------------------

    def refresh_queue(self) -> None:
        """Read the queue again (on DownloadsChanged); coalesced: one read at a time. Every
        row's state and progress are read, and the whole stats of the rows on screen (a row
        scrolled to later is read again when first drawn: :meth:`stale_row_shown`)."""
        self._stale_read = False
        self._read_at = time.monotonic()
        shown = frozenset(self.view[i] for i in self.list.visible_range())
        known = frozenset((h, line.id) for h, line in self.lines.items())
        self.read(known, self.include_finished, shown)

    def stale_row_shown(self) -> None:
        """A row whose rates, ETA, seeds or ratio are older than the last read is drawn (it
        was scrolled to, or a filter showed it): the queue is read again, once, and at most
        once in :data:`STALE_READ_EVERY` seconds (a key held down scrolls a row a key; a read
        for each cost more than the key)."""
        if self._stale_read:
            return
        self._stale_read = True
        wait = self._read_at + STALE_READ_EVERY - time.monotonic()
        if wait > 0:
            self.set_timer(wait, self._read_stale)
        else:
            self.call_later(self._read_stale)

    def _read_stale(self) -> None:
        if self._stale_read:  # else a read came first
            self.refresh_queue()

    # described: Textual would otherwise describe the worker by the repr of its arguments (the
    # 2,000 pairs of a large queue, once a poll)
    @work(
        thread=True,
        exclusive=True,
        group="downloads-read",
        exit_on_error=False,
        description="read the queue",
    )
    def read(
        self, known: frozenset[tuple[str, int]], include_finished: bool, shown: frozenset[str]
    ) -> None:
        message = self._read_queue(known, include_finished, shown=shown)
        if not get_current_worker().is_cancelled:  # a newer read replaced this one
            # the library's progress cells, read with the queue (the main screen hands them
            # on), posted first so that both panes change in the same frame
            self.post_message(ProgressRead(message.queue.progress))
            self.post_message(message)

    @staticmethod
    def _read_queue(
        known: frozenset[tuple[str, int]],
        include_finished: bool,
        *,
        newest: int | None = None,
        shown: frozenset[str] | None = None,
    ) -> DownloadsRead:
        """The queue (:func:`mydia_tui.views.read_queue`), and the lines of the downloads not
        in ``known`` ((info-hash, download id) pairs); with ``newest``, the lines of only that
        many of them, the newest (the next read brings the others); with ``shown`` (the rows
        on screen), the whole stats of those rows and of the new ones only."""
        stamp = views.downloads_stamp()  # before the stats: a write between reads again
        queue = views.read_queue(include_finished=include_finished, full=shown, known=known)
        stats = queue.stats
        new = [(h, i) for h, (i, _, _) in queue.states.items() if (h, i) not in known]
        if newest is not None:
            new = sorted(new, key=lambda pair: pair[1], reverse=True)[:newest]
            labels = views.download_labels([i for _, i in new]) if new else {}
        elif not known:  # the first read: the whole queue in two queries
            labels = views.download_labels(include_finished=include_finished)
        else:
            labels = views.download_labels([i for _, i in new]) if new else {}
        lines = {
            h: DownloadLine(h, i, *labels[i], stats[h][1])
            for h, i in new
            if i in labels and h in stats
        }
        return DownloadsRead(queue, lines, stamp)

    @on(RowView.Highlighted)
    def _row_highlighted(self, message: RowView.Highlighted) -> None:
        # the row's state decides which keys apply (I, B): the footer follows the cursor, and
        # a row whose state changed under it (rebuild posts the cursor again); it is drawn
        # again only when they changed (a footer made again for each key cost a third of it)
        keys = tuple(self.list.check_action(action, ()) for action in SERVICE_ACTIONS)
        if keys != self._row_keys:
            self._row_keys = keys
            self.app.refresh_bindings()

    @on(DownloadsRead)
    def _read(self, message: DownloadsRead) -> None:
        message.stop()
        self.read_stamp = message.stamp
        self._stale_read = False
        full = message.queue.stats
        states = message.queue.states
        lines = self.lines
        reorder = False
        changed: set[str] = set()
        for info_hash, (download_id, state, progress) in states.items():
            old = lines.get(info_hash)
            whole = full.get(info_hash)
            if old is None or old.id != download_id:
                new = message.new_lines.get(info_hash)
                if new is None or whole is None:
                    continue  # appeared after the read began: next time
                lines[info_hash] = new._replace(stats=whole[1])
                reorder = True
                continue
            if whole is not None:
                stats = whole[1]
            elif old.stats.state == state and old.stats.progress == progress:
                continue  # off screen and not moved: its other stats wait for a read
            else:
                stats = old.stats._replace(state=state, progress=progress)
            if old.stats != stats:
                lines[info_hash] = old._replace(stats=stats)
                changed.add(info_hash)
                if old.stats.state != stats.state:
                    reorder = True
        for info_hash in [h for h in lines if h not in states]:
            del lines[info_hash]
            reorder = True
        # the rows whose whole stats this read brought; the others are read when drawn
        self.fresh = set(full) if len(full) < len(states) else None
        if reorder:
            # every download read, those whose names are not read yet too
            self.counts = state_group_counts(state for _, state, _ in states.values())
            self.order = sorted(lines, key=lambda h: lines[h].id, reverse=True)
            self.rebuild()
        else:
            view = self.view
            for index in self.list.visible_range():
                if view[index] in changed:
                    self.list.refresh_row(index)

    def rebuild(self) -> None:
        """Make the view again from ``order`` and the state filter; the cursor stays on its
        download while it is shown, else on the row now at its place."""
        keep = self.list.current_key()
        members = STATE_GROUPS[self.group]
        if members:
            self.view = [h for h in self.order if self.lines[h].stats.state in members]
        else:
            self.view = list(self.order)
        if self.marks:
            self.marks.intersection_update(self.view)
        index = 0
        if keep is not None:
            try:
                index = self.view.index(keep)
            except ValueError:
                index = min(self.list.cursor, max(0, len(self.view) - 1))
        self.list.rows_changed(keep_cursor=index)
        self.update_bars()

    def tabs(self, width: int) -> Text:
        """The state filter's tabs with their counts, in ``width`` cells; "offline" (Deluge
        cannot be reached) and "vanished" only when they count some or are the filter."""
        return filter_tabs(self.shown_groups(), self.counts, self.group, width)

    def shown_groups(self) -> list[str]:
        """The state filter's groups in its order: "offline" (Deluge cannot be reached) and
        "vanished" only while they count some or are the filter (the tabs, and what f and F
        go to)."""
        return [g for g in GROUPS if g not in WHILE_COUNTED or self.counts[g] or g == self.group]

    def heading(self, width: int) -> Text:
        """The column headings for rows ``width`` cells wide."""
        return cells(
            [
                (HEADINGS[k].rjust(w) if k in RIGHT else HEADINGS[k], w)
                for k, w in self.list.columns(width).items()
            ]
        )

    def update_bars(self) -> None:
        for heading in self.list.headings:
            heading.refresh()
        shown = "with finished" if self.include_finished else "active"
        self.border_title = f"Downloads · {self.counts['all']:,} {shown}"
        marked = f" · {len(self.marks):,} marked" if self.marks else ""
        self.border_subtitle = f"filter {self.group}{marked}"

    def marks_changed(self) -> None:
        """The marks changed: the subtitle says how many, the footer what applies."""
        self.update_bars()
        self.app.refresh_bindings()

    # -- actions -------------------------------------------------------------------------------

    def action_next_state(self) -> None:
        self._step_group(1)

    def action_previous_state(self) -> None:
        self._step_group(-1)

    def _step_group(self, step: int) -> None:
        groups = self.shown_groups()
        self.group = groups[(groups.index(self.group) + step) % len(groups)]
        self.rebuild()

    def action_finished(self) -> None:
        self.include_finished = not self.include_finished
        self.refresh_queue()
