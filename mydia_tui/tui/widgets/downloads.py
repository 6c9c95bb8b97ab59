"""The downloads pane: the live queue, keyed by info-hash, updated in place.

The monitor keeps the ``download`` table current and says so with ``DownloadsChanged``; the
pane then reads the stats of the queue in a thread worker (one tuple query), and only rows
whose values changed are repainted. Rows are never cleared and refilled.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from ... import views
from ...models import FINAL_STATES
from ...views import STATE_GROUPS, DownloadLine, state_group_counts
from ..messages import DownloadsRead
from ..text import bar, cells, clean, human_eta, human_rate, human_size
from ..workers import ReportsWorkerErrors
from .rowview import RowView

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
    "unknown": "red",
    "imported": "green",
    "failed": "red",
    "removed": "dim strike",
}
GROUPS = tuple(STATE_GROUPS)


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


def layout(width: int) -> dict[str, int]:
    """Column widths for the pane's width (name takes what is left). Every column is at least
    as wide as its heading, so a heading is never cut; the least useful columns go first."""
    cols = {
        "target": 18,
        "state": 11,
        "progress": 16,
        "size": 8,
        "down": 10,
        "up": 10,
        "eta": 6,
        "ratio": 5,
        "sp": len(HEADINGS["sp"]),
    }
    drop = ["ratio", "up", "sp", "eta", "size", "target", "down"]
    while width - sum(cols.values()) - len(cols) < 16 and drop:
        cols[drop.pop(0)] = 0
    used = sum(cols.values()) + sum(1 for v in cols.values() if v)
    cols = {"name": max(len(HEADINGS["name"]), width - used), **cols}
    return cols


def state_tabs(counts: dict[str, int], current: str, width: int) -> Text:
    """The state filter's tabs with their counts in ``width`` cells, never a label cut: roomy
    when they fit, tight when not, then without the empty groups (the current one stays)."""
    groups = list(GROUPS)
    for pad, sep in ((" ", " "), ("", "  ")):
        labels = [f"{pad}{g} {counts[g]:,}{pad}" for g in groups]
        if sum(map(len, labels)) + len(sep) * (len(labels) - 1) <= width:
            break
    else:
        groups = [g for g in groups if counts[g] or g in ("all", current)]
        labels = [f"{g} {counts[g]:,}" for g in groups]
    tabs = Text(no_wrap=True, end="")
    for group, label in zip(groups, labels, strict=True):
        gap = sep if len(tabs) else ""
        if len(tabs) + len(gap) + len(label) > width:
            break
        tabs.append(gap)
        tabs.append(label, style="reverse bold" if group == current else "")
    return tabs


class DownloadsList(RowView):
    BINDINGS = [
        Binding("p", "pause", "Pause/resume", id="downloads.pause", tooltip="Pause or resume"),
        Binding(
            "r",
            "remove",
            "Remove",
            id="downloads.remove",
            tooltip="Remove the torrent, keep its data (asks first)",
        ),
        Binding(
            "R",
            "remove_data",
            "Remove+data",
            id="downloads.remove_data",
            tooltip="Remove the torrent, delete its data (asks first)",
        ),
        Binding(
            "I",
            "retry_import",
            "Retry import",
            id="downloads.retry_import",
            tooltip="Import again a download whose import gave up",
        ),
    ]

    def __init__(self, pane: DownloadsPane, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pane = pane

    def row_count(self) -> int:
        return len(self.pane.view)

    def row_value(self, index: int) -> Hashable:
        return self.pane.lines[self.pane.view[index]]

    def render_row(self, index: int, width: int) -> Text:
        line = self.pane.lines[self.pane.view[index]]
        s = line.stats
        cols = layout(width)
        state = Text(s.state.replace("_", " "), style=STATE_STYLE.get(s.state, ""))
        name = Text(
            clean(line.title),
            style=STATE_STYLE.get(s.state, "")
            if s.state in ("import_failed", "failed", "removed", "unknown")
            else "",
        )
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

    # -- actions need a service (the lead wires Deluge): hidden without one ---------------------

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ("pause", "remove", "remove_data", "retry_import"):
            return True
        if self.app.services is None:
            return False
        line = self.current()
        if action == "retry_import":
            return True if line is not None and line.stats.state == "import_failed" else None
        return True if line is not None else None

    def action_retry_import(self) -> None:
        line = self.current()
        if line is not None and line.stats.state == "import_failed":
            self.app.call_service("retry import", lambda s: s.retry_import(line.info_hash))

    def action_pause(self) -> None:
        line = self.current()
        if line is None:
            return
        if line.stats.state == "paused":
            self.app.call_service("resume", lambda s: s.resume(line.info_hash))
        else:
            self.app.call_service("pause", lambda s: s.pause(line.info_hash))

    def action_remove(self) -> None:
        self._ask_remove(delete_data=False)

    def action_remove_data(self) -> None:
        self._ask_remove(delete_data=True)

    def _ask_remove(self, *, delete_data: bool) -> None:
        """Ask once: remove and blocklist (the default), remove only, or cancel. The answer
        acts on the torrent that was highlighted when asked, wherever its row is by then."""
        line = self.current()
        if line is None:
            return
        from ..screens.confirm import Choice, ConfirmScreen

        data = " and delete its downloaded data" if delete_data else " (its data is kept)"
        question = f"Remove {clean(line.title)} from Deluge{data}?"
        if line.stats.state in FINAL_STATES:
            # it no longer holds its target: nothing will be searched again because of this
            question += f"\nIt is {line.stats.state}: the library is not changed."
            choices = [
                Choice("o", "Remove (o)", False, "error" if delete_data else "primary"),
                Choice("escape", "Cancel (esc)", None),
            ]
        else:
            question += (
                "\nBlocklisting it means no search grabs this release again; "
                f"{clean(line.target)} is searched again for another release."
            )
            choices = [
                Choice("b", "Remove and blocklist (b)", True, "primary"),
                Choice("o", "Remove only (o)", False, "error" if delete_data else "default"),
                Choice("escape", "Cancel (esc)", None),
            ]

        def answered(blocklisted: bool | None) -> None:
            if blocklisted is not None:
                self.app.call_service(
                    "remove",
                    lambda s: s.remove(
                        line.info_hash, delete_data=delete_data, blocklisted=blocklisted
                    ),
                )

        self.app.push_screen(ConfirmScreen(question, choices), answered)


class DownloadsPane(ReportsWorkerErrors, Vertical):
    ALLOW_MAXIMIZE = True
    BINDINGS = [
        Binding(
            "f",
            "next_state",
            "State filter",
            id="downloads.filter",
            tooltip="Show all, downloading, seeding, paused, queued, error or importing",
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
        self.group = "all"
        self.include_finished = False
        self.counts = state_group_counts(())
        self.border_title = "Downloads"

    def compose(self) -> ComposeResult:
        yield Static(id="downloads-states")
        yield Static(id="downloads-header")
        self.list = DownloadsList(self, id="downloads-list")
        yield self.list

    def on_mount(self) -> None:
        self.update_bars()
        # the first read is made here (a few indexed reads), so the first paint shows the queue
        # without waiting for a worker thread; later reads run in workers
        self._read(self._read_queue(frozenset(), self.include_finished))

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_bars)

    # -- reading -------------------------------------------------------------------------------

    def refresh_queue(self) -> None:
        """Read the queue again (on DownloadsChanged); coalesced: one read at a time."""
        self.read(frozenset((h, line.id) for h, line in self.lines.items()), self.include_finished)

    @work(thread=True, exclusive=True, group="downloads-read", exit_on_error=False)
    def read(self, known: frozenset[tuple[str, int]], include_finished: bool) -> None:
        message = self._read_queue(known, include_finished)
        if not get_current_worker().is_cancelled:  # a newer read replaced this one
            self.post_message(message)

    @staticmethod
    def _read_queue(known: frozenset[tuple[str, int]], include_finished: bool) -> DownloadsRead:
        stats = views.download_stats(include_finished=include_finished)
        new = [(h, i) for h, (i, _) in stats.items() if (h, i) not in known]
        if not known:  # the first read: the whole queue in two queries
            labels = views.download_labels(include_finished=include_finished)
        else:
            labels = views.download_labels([i for _, i in new]) if new else {}
        lines = {h: DownloadLine(h, i, *labels[i], stats[h][1]) for h, i in new if i in labels}
        return DownloadsRead(stats, lines)

    @on(DownloadsRead)
    def _read(self, message: DownloadsRead) -> None:
        message.stop()
        lines = self.lines
        reorder = False
        changed: set[str] = set()
        for info_hash, (download_id, stats) in message.stats.items():
            old = lines.get(info_hash)
            if old is None or old.id != download_id:
                new = message.new_lines.get(info_hash)
                if new is None:
                    continue  # appeared after the read began: next time
                lines[info_hash] = new._replace(stats=stats)
                reorder = True
            elif old.stats != stats:
                lines[info_hash] = old._replace(stats=stats)
                changed.add(info_hash)
                if old.stats.state != stats.state:
                    reorder = True
        for info_hash in [h for h in lines if h not in message.stats]:
            del lines[info_hash]
            reorder = True
        if reorder:
            self.counts = state_group_counts(line.stats.state for line in lines.values())
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
        index = 0
        if keep is not None:
            try:
                index = self.view.index(keep)
            except ValueError:
                index = min(self.list.cursor, max(0, len(self.view) - 1))
        self.list.rows_changed(keep_cursor=index)
        self.update_bars()

    def update_bars(self) -> None:
        width = self.list.scrollable_content_region.width or max(0, self.size.width - 3)
        self.query_one("#downloads-states", Static).update(
            state_tabs(self.counts, self.group, width)
        )
        cols = layout(width)
        self.query_one("#downloads-header", Static).update(
            cells(
                [(HEADINGS[k].rjust(w) if k in RIGHT else HEADINGS[k], w) for k, w in cols.items()]
            )
        )
        shown = "with finished" if self.include_finished else "active"
        self.border_title = f"Downloads · {self.counts['all']:,} {shown}"
        self.border_subtitle = f"filter {self.group}"

    # -- actions -------------------------------------------------------------------------------

    def action_next_state(self) -> None:
        self.group = GROUPS[(GROUPS.index(self.group) + 1) % len(GROUPS)]
        self.rebuild()

    def action_previous_state(self) -> None:
        self.group = GROUPS[(GROUPS.index(self.group) - 1) % len(GROUPS)]
        self.rebuild()

    def action_finished(self) -> None:
        self.include_finished = not self.include_finished
        self.refresh_queue()
