"""The details pane: a film's files and history; a show's seasons and episodes.

``m`` toggles monitored on the row under the cursor: the item (header, files, history rows),
a season (its row) or an episode. The write runs in a thread worker.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.timer import Timer
from textual.worker import get_current_worker

from ... import library, views
from ...errors import NotFound
from ...history import event_name
from ...views import ItemDetails
from ..messages import DetailsLoaded
from ..text import cells, clean, fit, human_size, local_minute
from ..workers import ReportsWorkerErrors
from .library import STATUS_STYLE, include_specials
from .rowview import RowView

#: seconds the cursor must rest on an item before its details are read
SETTLE = 0.06


@dataclass(frozen=True)
class Line:
    """One row of the pane: what it shows and what ``m`` acts on."""

    kind: str  # title | info | section | file | season | episode | history | blank
    text: tuple
    season: int | None = None
    episode: int | None = None
    monitored: bool | None = None

    @property
    def key(self) -> tuple:
        """What the row stands for, the same across reloads (its text may change)."""
        if self.kind in ("title", "season", "episode"):
            return (self.kind, self.season, self.episode)
        return (self.kind, self.text)


def _mark(monitored: bool | None) -> Text:
    if monitored is None:
        return Text("  ")
    return Text("● ", style="green") if monitored else Text("○ ", style="dim")


def build_lines(d: ItemDetails) -> list[Line]:
    lines: list[Line] = []
    year = f" ({d.year})" if d.year else ""
    kind = "film" if d.kind == "movie" else "show"
    lines.append(Line("title", (clean(d.title) + year,), monitored=d.monitored))
    # a download in flight: its state as the queue says it (paused, offline, ...)
    shown = d.download_state if d.status == "downloading" and d.download_state else d.status
    info = f"{kind} · {shown.replace('_', ' ')}"
    if d.status != "unmonitored":
        info += f" · {'monitored' if d.monitored else 'unmonitored'}"
    lines.append(Line("info", (info, d.status)))
    if d.overview:
        lines.append(Line("info", (clean(d.overview), "")))
    for title, state, progress in d.downloads:
        lines.append(
            Line(
                "info",
                (
                    f"⇣ {clean(title)} · {state.replace('_', ' ')} {progress * 100:.0f}%",
                    "downloading",
                ),
            )
        )
    if d.kind == "movie":
        lines.append(Line("section", ("Files",)))
        if not d.files:
            lines.append(Line("info", ("no file", "")))
        for f in d.files:
            lines.append(Line("file", (clean(f.path), clean(f.quality), f.size, f.missing)))
    else:
        for season in d.seasons:
            name = "Specials" if season.number == 0 else f"Season {season.number}"
            lines.append(
                Line(
                    "season",
                    (name, season.on_disk, len(season.episodes), season.counted),
                    season=season.number,
                    monitored=season.monitored,
                )
            )
            for e in season.episodes:
                lines.append(
                    Line(
                        "episode",
                        (
                            f"S{e.season:02d}E{e.number:02d}",
                            clean(e.title),
                            e.air_date,
                            e.status,
                            clean(e.file),
                            clean(e.quality),
                        ),
                        season=e.season,
                        episode=e.number,
                        monitored=e.monitored,
                    )
                )
    lines.append(Line("section", ("History",)))
    if not d.history:
        lines.append(Line("info", ("nothing yet", "")))
    for h in d.history:
        # most messages start with their event ("imported Big.Buck.Bunny..."): say it once
        event = event_name(h.event)
        if h.message.lower().startswith(event):
            event = ""
        lines.append(Line("history", (local_minute(h.at), event, clean(h.message))))
    return lines


class DetailsPane(ReportsWorkerErrors, RowView):
    ALLOW_MAXIMIZE = True
    BINDINGS = [
        Binding(
            "m",
            "toggle_monitored",
            "Monitored",
            id="details.monitored",
            tooltip="Toggle monitored on the item, season or episode under the cursor",
        ),
        Binding(
            "ctrl+s,F",
            "search",
            "Search now",
            id="details.search",
            tooltip="Search the indexers for this item, season or episode",
        ),
        Binding(
            "i",
            "releases",
            "Releases",
            id="details.releases",
            tooltip="List the releases for this item, season or episode and grab one",
        ),
    ]

    DEFAULT_CSS = """
    DetailsPane {
        border: round $secondary 60%;
        &:focus { border: round $secondary; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.item_id: int | None = None
        self.details: ItemDetails | None = None
        self.lines: list[Line] = []
        self._timer: Timer | None = None
        self._fired = True
        #: whether an item was ever shown (the first is read at once, for the first frame)
        self._ever_shown = False
        self.border_title = "Details"

    def row_count(self) -> int:
        return len(self.lines)

    def _show_title(self) -> None:
        """``Details · <title>`` on the border, cut to fit here (:func:`..text.fit`): Textual
        cuts a border title to the width less 6 cells (corners and blanks) and, on a wide
        glyph, leaves a blank before its ellipsis (``日本語タイトル  …``)."""
        if self.details is None:
            self.border_title = "Details"
            return
        # outside text: a Text, so that a title such as "[b]x[/b]" is not read as markup
        title = Text(f"Details · {clean(self.details.title)}")
        room = self.outer_size.width - 6
        self.border_title = fit(title, room, pad=False) if room > 0 else title

    def on_resize(self) -> None:
        super().on_resize()
        self._show_title()

    def row_value(self, index: int) -> Hashable:
        return self.lines[index]

    def render_row(self, index: int, width: int) -> Text:
        line = self.lines[index]
        t = line.text
        if line.kind == "title":
            return Text.assemble(_mark(line.monitored), Text(t[0], style="bold"))
        if line.kind == "info":
            return Text("  " + t[0], style=STATUS_STYLE.get(t[1], "") if len(t) > 1 else "")
        if line.kind == "section":
            return Text(t[0], style="bold underline")
        if line.kind == "file":
            path, quality, size, missing = t
            state = Text(" missing", style="red") if missing else Text("")
            return Text.assemble(
                "  ",
                cells([(Text(path), max(4, width - 24)), (quality, 12), (human_size(size), 8)]),
                state,
            )
        if line.kind == "season":
            name, on_disk, total, counted = t
            # specials the monitor does not search are left out of the show's numbers
            aside = Text("" if counted else " · not counted, not searched", style="dim")
            return Text.assemble(
                _mark(line.monitored),
                Text(name, style="bold"),
                f"  {on_disk}/{total} on disk",
                aside,
            )
        if line.kind == "episode":
            code, title, air, status, path, quality = t
            status_label = Text(status.replace("_", " "), style=STATUS_STYLE.get(status, ""))
            rest = max(0, width - 34)  # indent 2, code 8, air date 10, status 11, gaps
            with_file = width >= 60
            title_w = min(rest, 20 if width < 90 else 30) if with_file else rest
            parts = [
                (Text.assemble(_mark(line.monitored), code), 8),
                (Text(title), title_w),
                (air or "-", 10),
                (status_label, 11),
            ]
            if with_file:
                name = path.rsplit("/", 1)[-1]
                parts.append(
                    (
                        Text(f"{name} {quality}".strip(), style="dim"),
                        width - 35 - title_w,
                    )
                )
            return Text.assemble("  ", cells(parts))
        if line.kind == "history":
            at, event, message = t
            parts = ["  ", Text(at, style="dim"), " "]
            if event:
                parts += [Text(event, style="bold"), " "]
            return Text.assemble(*parts, Text(message))
        return Text("")

    # -- loading -------------------------------------------------------------------------------

    def show_item(self, item_id: int | None) -> None:
        """Follow the library's cursor; the read waits until the cursor rests. The first item
        shown (the library's first row, as the app starts) is read at once, a few
        milliseconds, so that the first frame shows its details rather than an empty pane
        filled a tenth of a second later."""
        if item_id == self.item_id and self.details is not None:
            return
        first = not self._ever_shown
        self.item_id = item_id
        if self._timer is not None:
            self._timer.stop()
        if item_id is None:
            self._fired = True
            self.details = None
            self.lines = []
            self.border_title = "Details"  # not the last item's title over an empty body
            self.rows_changed()
            return
        self._ever_shown = True
        if first:
            self._fired = True
            self._loaded(DetailsLoaded(self._read(item_id), item_id))
            return
        self._fired = False
        self._timer = self.set_timer(SETTLE, self.reload)

    def _timer_pending(self) -> bool:
        """A read is scheduled but not started (for tests that wait for a quiet app)."""
        return not self._fired

    def reload(self) -> None:
        self._fired = True
        if self.item_id is not None:
            self.load(self.item_id)

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def load(self, item_id: int) -> None:
        details = self._read(item_id)
        if not get_current_worker().is_cancelled:  # a newer read replaced this one
            self.post_message(DetailsLoaded(details, item_id))

    def _read(self, item_id: int) -> ItemDetails | None:
        """The item's details; None when it is gone (removed by another process)."""
        try:
            return views.item_details(item_id, include_specials=include_specials(self.app))
        except NotFound:
            return None

    @on(DetailsLoaded)
    def _loaded(self, message: DetailsLoaded) -> None:
        message.stop()
        if message.item_id != self.item_id:
            return
        same_item = self.details is not None and self.details.id == message.item_id
        old = self.lines[self.cursor].key if self.cursor < len(self.lines) else None
        self.details = message.details
        self.lines = build_lines(message.details) if message.details else []
        self._show_title()
        index = 0
        if same_item:
            # the cursor stays on the row it was on (an episode, a season), wherever it moved
            # when rows above it came or went; else on the row now at its place
            index = next((i for i, line in enumerate(self.lines) if line.key == old), self.cursor)
        self.rows_changed(keep_cursor=index)
        if not same_item:
            self.scroll_to(y=0, animate=False, immediate=True)

    # -- actions -------------------------------------------------------------------------------

    def _target(self) -> tuple[int | None, int | None, bool]:
        """(season, episode, monitored now) for the cursor's row."""
        assert self.details is not None
        line = self.lines[self.cursor] if self.lines else None
        if line is not None and line.kind == "season":
            return line.season, None, bool(line.monitored)
        if line is not None and line.kind == "episode":
            return line.season, line.episode, bool(line.monitored)
        return None, None, self.details.monitored

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_monitored":
            return self.details is not None
        if action in ("search", "releases"):
            if self.app.services is None:
                return False
            return self.details is not None
        return True

    def action_toggle_monitored(self) -> None:
        if self.details is None:
            return
        season, episode, monitored = self._target()
        self.set_monitored(self.details.id, not monitored, season, episode)

    @work(thread=True, group="details-write", exit_on_error=False)
    def set_monitored(
        self, item_id: int, monitored: bool, season: int | None, episode: int | None
    ) -> None:
        library.set_monitored(item_id, monitored, season=season, episode=episode)
        self.app.post_core_event(library_changed(item_id))

    def action_search(self) -> None:
        if self.details is None:
            return
        season, episode, _ = self._target()
        self.search_now(self.details.id, season, episode)

    def search_now(self, item_id: int, season: int | None, episode: int | None) -> None:
        """Search now for an item, a season or an episode (the details' and the library's F)."""
        self.app.call_service("search", lambda s: s.search(item_id, season=season, episode=episode))

    def action_releases(self) -> None:
        if self.details is None:
            return
        season, episode, _ = self._target()
        self.open_releases(self.details.id, self.details.title, self.details.kind, season, episode)

    def open_releases(
        self, item_id: int, title: str, kind: str, season: int | None, episode: int | None
    ) -> None:
        """List the releases for a film, a season or an episode (the details' and the
        library's i); on a whole show, say what to select instead."""
        from ..screens.releases import ReleasesScreen

        if kind == "show" and season is None:
            self.app.notify(
                "Releases are listed for one season or one episode: move the cursor to a "
                "season or an episode row first (F searches everything wanted in the show)",
                severity="warning",
                markup=False,
            )
            return
        label = title
        if episode is not None:
            label += f" S{season:02d}E{episode:02d}"
        elif season is not None:
            label += f" S{season:02d}"
        self.app.push_screen(ReleasesScreen(item_id, label, season, episode))


def library_changed(item_id: int):
    from ...events import LibraryChanged

    return LibraryChanged(item_ids=(item_id,))
