"""Events the core reports while it works (the monitors, scans, grabs).

They are plain frozen dataclasses so that the headless monitor can log them and the TUI can
turn them into Textual messages. A component takes an ``on_event`` callable and calls it from
whatever thread it runs in; the receiver must be thread-safe (the TUI posts a message).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MonitorState:
    #: idle | searching | polling | importing | paused | stopped
    phase: str
    #: what it is doing now, e.g. 'searching "The Expanse S02"'
    current: str = ""
    next_cycle_at: dt.datetime | None = None


@dataclass(frozen=True)
class DelugeHealth:
    """Deluge's health as the monitor reports it (from its client's
    :class:`~mydia_tui.deluge.ConnectionHealth`), for the status bar and the log."""

    connected: bool
    version: str = ""
    host: str = ""
    offline_since: dt.datetime | None = None
    error: str = ""
    #: the daemon answered but refused the login (user or password)
    login_refused: bool = False


@dataclass(frozen=True)
class IndexerHealthSummary:
    """The enabled indexers: ``ok`` (they answered), ``failing``, and ``unasked`` (nothing
    recorded yet: never answered, never failed; e.g. just added)."""

    ok: int
    failing: int
    names_failing: tuple[str, ...] = ()
    unasked: int = 0
    #: why each failing one fails, short ("demo-feed: connection refused"), in their order
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DownloadsChanged:
    """Download rows changed in the database (by a poll, a grab or an import)."""

    info_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LibraryChanged:
    """Items, episodes or files changed (an import, a scan, an add)."""

    item_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScanProgress:
    root: str
    files_seen: int
    files_total: int | None = None
    done: bool = False


@dataclass(frozen=True)
class CoreError:
    """Something failed in a background component; shown once to the user and kept in history."""

    source: str
    message: str
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


Event = (
    MonitorState
    | DelugeHealth
    | IndexerHealthSummary
    | DownloadsChanged
    | LibraryChanged
    | ScanProgress
    | CoreError
)
EventSink = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An ``on_event`` that drops everything."""
