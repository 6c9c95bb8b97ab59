"""Manual search: the releases the indexers offer for an item, a season or an episode; enter
grabs one (through the same guard as everything else: a refusal comes back as a warning). A
release the search refused is marked in its row and is not grabbed: enter says why."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from ...config import redact_text, secrets_of
from ..keys import with_keys
from ..text import cells, clean, counted, fit, fit_parts, human_size, shorten, widen_columns
from ..widgets.rowview import ListHeading, RowView
from .dialog import Dialog


class ReleasesRead(Message):
    """The search's answer: the releases, or why there are none (``error``)."""

    def __init__(self, releases: list[Any], error: str = "") -> None:
        super().__init__()
        self.releases = releases
        self.error = error


def _field(release: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        value = getattr(release, name, None)
        if value is None and isinstance(release, dict):
            value = release.get(name)
        if value not in (None, ""):
            return value
    return default


#: the reason's code before its words ("not_allowed: quality ..."): the words are shown
_REASON_CODE = re.compile(r"^[a-z_]+: ")

HEADINGS = {
    "title": "Release",
    "indexer": "Indexer",
    "quality": "Quality",
    "size": "Size",
    "seeds": "Seeds",
    "why": "Why not",
}
#: the fixed columns' widths (the quality column is as wide as its longest value)
_FIXED = {"indexer": 10, "size": 9, "seeds": 5}
#: the release's name in the narrowest row that still shows every column
_TITLE_MIN = 16
#: the narrowest reason column worth drawing; until the row has room for it, a refused row
#: shows only its mark (``MARK``) and its reason is under the list when it is highlighted
_WHY_MIN = 16


def _widening(title: int, why: int) -> list[tuple[str, str, int]]:
    """What a wider row gives (:func:`~mydia_tui.tui.text.widen_columns`), for names up to
    ``title`` cells and reasons up to ``why`` (0: none refused): a name most releases have
    (48 cells) first, then the reason, then both in turn, each to its longest value."""
    steps = [("grow", "title", min(title, 48))]
    if why:
        steps += [
            ("add", "why", min(why, _WHY_MIN + 1)),
            ("grow", "why", min(why, 61)),
            ("grow", "title", min(title, 70)),
            ("grow", "why", why),
        ]
    return [*steps, ("grow", "title", title)]


#: a refused release's mark, before its name (Sonarr's rejection icon)
MARK = "✗"


def reason_of(release: Any) -> str:
    """Why a release does not fit the item, in words ("" when it does); the release's own
    name left out when the reason repeats it (the blocklist's "release is blocklisted: removed
    by the user (NAME)"): its row names it."""
    why = _REASON_CODE.sub("", clean(_field(release, "rejection", "reason", "rejected_reason")))
    title = clean(_field(release, "title", "name"))
    return why.replace(f" ({title})", "") if title else why


def quality_of(release: Any) -> str:
    """The release's quality; for a candidate (not refused) that would replace the file on
    disk, the file's quality and its own: ``HDTV-720p -> Bluray-1080p``. A refused release
    (another episode, not better) replaces nothing, so it shows its own quality only."""
    quality = clean(_field(release, "quality"))
    upgrade_from = clean(_field(release, "upgrade_from"))
    if upgrade_from and not reason_of(release):
        return f"{upgrade_from} -> {quality}"
    return quality


class ReleaseList(RowView):
    BINDINGS = [
        Binding("enter", "choose", "Grab", id="releases.grab", tooltip="Grab this release"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.releases: list[Any] = []
        self._layout: tuple[tuple[int, int], dict[str, int]] | None = None

    def row_count(self) -> int:
        return len(self.releases)

    def row_value(self, index: int) -> Hashable:
        return (index, id(self.releases[index]))

    def layout(self, width: int) -> dict[str, int]:
        """Column widths for rows ``width`` cells wide, shared as the downloads' columns are
        (:func:`~mydia_tui.tui.text.widen_columns`, :func:`_widening`): the indexer, size
        and seeds fixed, the quality as wide as its longest value; the release's name and,
        when a release is refused, the reason (after a one-cell mark before the name) share
        the rest, neither narrowing as the row widens; the last column takes what is left.
        Until the reason has 16 cells it is shown under the list for the highlighted row
        only."""
        key = (width, id(self.releases))
        if self._layout is not None and self._layout[0] == key:
            return self._layout[1]
        quality = max([len(HEADINGS["quality"])] + [cell_len(quality_of(r)) for r in self.releases])
        title = max(
            [len(HEADINGS["title"])]
            + [cell_len(clean(_field(r, "title", "name"))) for r in self.releases]
        )
        # the reason's column begins with a space: two cells part it from the seeds
        why = max([0] + [1 + cell_len(reason_of(r)) for r in self.releases if reason_of(r)])
        narrowest = {
            "mark": 1 if why else 0,
            "title": _TITLE_MIN,
            "indexer": _FIXED["indexer"],
            "quality": quality,
            "size": _FIXED["size"],
            "seeds": _FIXED["seeds"],
            "why": 0,
        }
        cols = widen_columns(
            width,
            narrowest,
            _widening(title, why),
            narrows=("title", len(HEADINGS["title"])),
            rest="why" if why else "title",  # the reason's column ends the row
        )
        self._layout = (key, cols)
        return cols

    def heading(self, width: int) -> Text:
        """The column headings for rows ``width`` cells wide."""
        cols = self.layout(width)
        names = {
            k: HEADINGS.get(k, "").rjust(w) if k in ("size", "seeds") else HEADINGS.get(k, "")
            for k, w in cols.items()
        }
        names["why"] = " " + HEADINGS["why"]
        return self._line(cols, names)

    def _line(self, cols: dict[str, int], values: dict[str, Text | str]) -> Text:
        return cells([(values[k], w) for k, w in cols.items()])

    def render_row(self, index: int, width: int) -> Text:
        r = self.releases[index]
        why = reason_of(r)
        cols = self.layout(width)
        # a name too long is cut in its middle: releases differ at their end as often as not
        name = shorten(clean(_field(r, "title", "name")), cols["title"])
        values: dict[str, Text | str] = {
            "mark": Text(MARK if why else "", style="bold red"),
            "title": Text(name, style="dim" if why else ""),
            "indexer": Text(clean(_field(r, "indexer"))),
            "quality": Text(quality_of(r)),
            "size": human_size(int(_field(r, "size", default=0) or 0)).rjust(9),
            "seeds": str(_field(r, "seeders", "seeds", default=0)).rjust(5),
            "why": Text.assemble(" ", (why, "red")),
        }
        return self._line(cols, values)

    def grabbable(self, index: int | None = None) -> bool:
        """Whether the release at ``index`` (the highlighted one by default) may be grabbed:
        one the search did not refuse (the guard decides at the grab)."""
        index = self.cursor if index is None else index
        return 0 <= index < len(self.releases) and not reason_of(self.releases[index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":  # no "⏎ Grab" over a refused release or an empty list
            return self.grabbable()
        return True

    def why_not(self, action: str) -> str | None:
        """Why enter grabs nothing on the highlighted row, in one line, for the app to say
        (:meth:`MydiaApp.on_key`); the dialog stays open."""
        if action == "choose" and 0 <= self.cursor < len(self.releases):
            return refused_words(self.releases[self.cursor])
        return None

    def about(self, width: int) -> Text:
        """The line under the list for the highlighted release, in ``width`` cells: why it is
        refused, and its name when its row cuts it and the line has room for it whole."""
        if not 0 <= self.cursor < len(self.releases) or width <= 0:
            return Text()
        r = self.releases[self.cursor]
        name = clean(_field(r, "title", "name"))
        why = reason_of(r)
        parts = [f"{MARK} refused: {why}"] if why else []
        if cell_len(name) > self.layout(width)["title"]:
            parts.append(name)
        shown = fit_parts(parts, width)
        line = Text(no_wrap=True, end="")
        if why:
            line.append(parts[0], style="red")
        if name in shown:
            if why:
                line.append(" · ", style="dim")
            line.append(name)
        return fit(line, width, pad=False)


def refused_words(release: Any) -> str:
    """Enter on a refused release, in one line (its row is the highlighted one):
    ``Not grabbed: release is blocklisted: removed by the user``."""
    return f"Not grabbed: {reason_of(release)}"


class ReleasesScreen(Dialog[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="releases.close")]
    DEFAULT_CSS = """
    ReleasesScreen { align: center middle; }
    ReleasesScreen > Vertical {
        width: 95%; height: 80%; border: round $primary; background: $surface;
    }
    ReleasesScreen #releases-state { height: auto; color: $text-muted; }
    ReleasesScreen #releases-header { height: 1; color: $text-muted; text-style: bold; }
    ReleasesScreen ReleaseList { height: 1fr; }
    ReleasesScreen #releases-about { height: 1; }
    """

    def __init__(
        self, item_id: int, label: str, season: int | None = None, episode: int | None = None
    ) -> None:
        super().__init__()
        self.item_id = item_id
        self.label = label
        self.season = season
        self.episode = episode
        #: the line over the list: what the search found, or why it failed
        self.state = Text("searching the indexers…")

    def compose_dialog(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(f"Releases · {clean(self.label)}")
            view = ReleaseList(id="releases")
            # what the search found, or why it failed: wrapped, never cut (an error's end
            # says when the indexer is tried again)
            yield Static(self.state, id="releases-state", markup=False)
            # each line made for the list's width: a text too long ends with an ellipsis
            yield ListHeading(view, view.heading, id="releases-header")
            yield view
            yield ListHeading(view, view.about, id="releases-about")

    def on_mount(self) -> None:
        self.query_one(ReleaseList).focus()
        self.search()

    @work(thread=True, exclusive=True, group="releases", exit_on_error=False)
    def search(self) -> None:
        try:
            releases = list(
                self.app.services.releases(self.item_id, season=self.season, episode=self.episode)
            )
            error = ""
        except Exception as exc:  # noqa: BLE001 - shown in the screen, which must not spin on
            releases, error = [], str(exc) or type(exc).__name__
        finally:
            # the indexers' health this search recorded, in the status bar too
            self.app.report_indexers()
        if not get_current_worker().is_cancelled:
            self.post_message(ReleasesRead(releases, error))

    @on(ReleasesRead)
    def _read(self, message: ReleasesRead) -> None:
        view = self.query_one(ReleaseList)
        view.releases = message.releases
        view.rows_changed(keep_cursor=0)
        self.state = self._state(message)
        self.query_one("#releases-state", Static).update(self.state)
        self.refresh_bindings()

    def _state(self, message: ReleasesRead) -> Text:
        """What the search found (and whether enter grabs one), or why it failed."""
        if message.error:
            secrets = secrets_of(self.app.config)
            return Text(f"the search failed: {clean(redact_text(message.error, secrets))}")
        count = len(message.releases)
        if not count:
            return Text(
                with_keys(self.app, "the indexers offered no release · {releases.close} closes")
            )
        if not any(not reason_of(r) for r in message.releases):
            what = "each refused" if count > 1 else "refused"
            return Text(
                with_keys(
                    self.app, f"{counted(count, 'release')}, {what} · {{releases.close}} closes"
                )
            )
        return Text(
            with_keys(
                self.app,
                f"{counted(count, 'release')} · {{releases.grab}} grabs · {{releases.close}} closes",
            )
        )

    @on(RowView.Highlighted)
    def _highlighted(self, message: RowView.Highlighted) -> None:
        self.query_one("#releases-about", ListHeading).refresh()
        self.refresh_bindings()  # "⏎ Grab" only over a release that may be grabbed

    @on(RowView.Chosen)
    def _chosen(self, message: RowView.Chosen) -> None:
        view = self.query_one(ReleaseList)
        release = view.releases[message.index]
        if not view.grabbable(message.index):
            # refused by the search: not a new attempt (nothing tried, nothing recorded)
            self.app.notify(refused_words(release), severity="warning", markup=False)
            return
        self.app.call_service("grab", lambda s: s.grab(release))
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
