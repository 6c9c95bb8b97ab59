"""Messages: core events carried into the app, and results that thread workers post back."""

from __future__ import annotations

from textual.message import Message

from .. import events
from ..views import (
    ChangeStamp,
    DownloadLine,
    ItemDetails,
    ItemDownload,
    LibraryEntry,
    QueueRead,
    UpcomingEpisode,
)

#: events where only the newest one matters: a newer one replaces a pending older one
_LATEST_WINS = (
    events.MonitorState,
    events.DelugeHealth,
    events.IndexerHealthSummary,
    events.DownloadsChanged,
    events.ScanProgress,
)


class CoreEvent(Message):
    """An event from the core (the monitor, a scan), posted from any thread."""

    def __init__(self, event: events.Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, CoreEvent)
            and type(message.event) is type(self.event)
            and isinstance(self.event, _LATEST_WINS)
        )


class LibraryLoaded(Message):
    """Library entries read by a worker: the whole library (``complete``) or a first page."""

    def __init__(self, entries: list[LibraryEntry], counts: dict[str, int], complete: bool):
        super().__init__()
        self.entries = entries
        self.counts = counts
        self.complete = complete


class LibraryPatched(Message):
    """Some items were re-read (``entries``); ``gone`` were deleted."""

    def __init__(self, entries: list[LibraryEntry], gone: tuple[int, ...]) -> None:
        super().__init__()
        self.entries = entries
        self.gone = gone


class CutoffUnmetRead(Message):
    """The items with a film or an episode whose file is below its profile's cutoff."""

    def __init__(self, item_ids: frozenset[int]) -> None:
        super().__init__()
        self.item_ids = item_ids


class ProgressRead(Message):
    """item id -> its leading active download (:func:`mydia_tui.views.leading_downloads`),
    read with the queue: the downloads pane posts it, the main screen hands it to the
    library (both panes drawn in one frame)."""

    def __init__(self, progress: dict[int, ItemDownload]) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressRead)


class DetailsLoaded(Message):
    def __init__(self, details: ItemDetails | None, item_id: int) -> None:
        super().__init__()
        self.details = details
        self.item_id = item_id


class DownloadsRead(Message):
    """The queue read (:func:`~mydia_tui.views.read_queue`: every row's state and progress,
    the whole stats of the rows asked for), with full lines for downloads the pane does not
    know yet, and the downloads' :func:`~mydia_tui.views.downloads_stamp` read before them
    (the change poll reads the queue again only when the database's differs)."""

    def __init__(
        self, queue: QueueRead, new_lines: dict[str, DownloadLine], stamp: tuple[int, str]
    ) -> None:
        super().__init__()
        self.queue = queue
        self.new_lines = new_lines
        self.stamp = stamp


class ServiceDone(Message):
    """What a service call did, in the user's words (posted by its worker)."""

    def __init__(self, text: str, severity: str = "information") -> None:
        super().__init__()
        self.text = text
        #: "information" (done) or "warning" (nothing done: refused, nothing found)
        self.severity = severity


class DeleteBlocked(Message):
    """Deleting an item was refused: its downloads (id, release title, state, info-hash) are
    in flight. The user may remove them from Deluge and delete it after all."""

    def __init__(
        self, item_id: int, with_files: bool, downloads: tuple[tuple[int, str, str, str], ...]
    ) -> None:
        super().__init__()
        self.item_id = item_id
        self.with_files = with_files
        self.downloads = downloads


class StampRead(Message):
    """The database's :class:`~mydia_tui.views.ChangeStamp`, read by the change poll, with
    the items named by the history rows written since the previous reading (None: too many to
    patch one by one)."""

    def __init__(self, stamp: ChangeStamp, items: tuple[int, ...] | None) -> None:
        super().__init__()
        self.stamp = stamp
        self.items = items


class EditRead(Message):
    """An item's editable settings, read for the edit form
    (:class:`mydia_tui.tui.screens.edit_item.EditStart`); None when they could not be read."""

    def __init__(self, start) -> None:
        super().__init__()
        self.start = start


class ScanEnded(Message):
    """The library pane's scan finished, failed or was cancelled."""


class UpcomingRead(Message):
    """The episodes airing in the next days, by air date."""

    def __init__(self, episodes: list[UpcomingEpisode]) -> None:
        super().__init__()
        self.episodes = episodes
