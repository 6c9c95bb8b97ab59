"""Manual search: the releases the indexers offer for an item, a season or an episode; enter
grabs one (through the same guard as everything else: a refusal comes back as an error)."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

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
from ..text import cells, clean, counted, human_size
from ..widgets.rowview import RowView
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


class ReleaseList(RowView):
    BINDINGS = [
        Binding("enter", "choose", "Grab", id="releases.grab", tooltip="Grab this release"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.releases: list[Any] = []

    def row_count(self) -> int:
        return len(self.releases)

    def row_value(self, index: int) -> Hashable:
        return (index, id(self.releases[index]))

    def render_row(self, index: int, width: int) -> Text:
        r = self.releases[index]
        rejection = clean(_field(r, "rejection", "reason", "rejected_reason"))
        title = Text(clean(_field(r, "title", "name")), style="dim" if rejection else "")
        quality = clean(_field(r, "quality"))
        upgrade_from = clean(_field(r, "upgrade_from"))
        # an upgrade candidate shows the file on disk's quality and its own: from -> to
        shown, wide = (f"{upgrade_from} -> {quality}", 27) if upgrade_from else (quality, 12)
        # why a release is refused gets a column of its own (the rule's words, without the
        # code before them), so a long title does not push it off the row
        why_w = min(48, max(16, width // 3)) if any(self._refused()) else 0
        why = _REASON_CODE.sub("", rejection)
        parts = [
            (title, max(10, width - 38 - wide - why_w - (2 if why_w else 0))),
            (Text(clean(_field(r, "indexer"))), 10),
            (Text(shown), wide),
            (human_size(int(_field(r, "size", default=0) or 0)).rjust(9), 9),
            (str(_field(r, "seeders", "seeds", default=0)).rjust(5), 5),
        ]
        line = cells(parts)
        if why_w:
            line.append("  ")
            line.append_text(cells([(Text(why, style="red"), why_w)]))
        return line

    def _refused(self):
        return (bool(_field(r, "rejection", "reason", "rejected_reason")) for r in self.releases)


class ReleasesScreen(Dialog[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="releases.close")]
    DEFAULT_CSS = """
    ReleasesScreen { align: center middle; }
    ReleasesScreen > Vertical {
        width: 95%; height: 80%; border: round $primary; background: $surface;
    }
    ReleasesScreen #releases-state { height: 1; padding: 0 1; color: $text-muted; }
    ReleasesScreen ReleaseList { height: 1fr; }
    """

    def __init__(
        self, item_id: int, label: str, season: int | None = None, episode: int | None = None
    ) -> None:
        super().__init__()
        self.item_id = item_id
        self.label = label
        self.season = season
        self.episode = episode

    def compose_dialog(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(f"Releases · {clean(self.label)}")
            yield Static("searching the indexers…", id="releases-state")
            yield ReleaseList(id="releases")

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
        if not get_current_worker().is_cancelled:
            self.post_message(ReleasesRead(releases, error))

    @on(ReleasesRead)
    def _read(self, message: ReleasesRead) -> None:
        view = self.query_one(ReleaseList)
        view.releases = message.releases
        view.rows_changed(keep_cursor=0)
        count = len(message.releases)
        state = self.query_one("#releases-state", Static)
        if message.error:
            secrets = secrets_of(self.app.config)
            state.update(Text(f"the search failed: {clean(redact_text(message.error, secrets))}"))
            return
        if not count:
            state.update(
                with_keys(self.app, "the indexers offered no release · {releases.close} closes")
            )
            return
        state.update(
            with_keys(
                self.app,
                f"{counted(count, 'release')} · {{releases.grab}} grabs · {{releases.close}} closes",
            )
        )

    @on(RowView.Chosen)
    def _chosen(self, message: RowView.Chosen) -> None:
        view = self.query_one(ReleaseList)
        release = view.releases[message.index]
        self.app.call_service("grab", lambda s: s.grab(release))
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
