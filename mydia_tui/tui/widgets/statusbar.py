"""The status bar: the monitor, Deluge and the indexers, as the core last reported them."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from ... import events
from ..keys import shown_key
from ..text import clean, local_hhmm, mmss


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.monitor: events.MonitorState | None = None
        self.monitor_enabled = False
        self.deluge: events.DelugeHealth | None = None
        self.indexers: events.IndexerHealthSummary | None = None
        self.scan: events.ScanProgress | None = None
        #: what the configuration sets up: without Deluge or indexers nothing can be fetched,
        #: and the bar says so instead of "offline" and a countdown to a search that cannot run
        self.deluge_configured = True
        self.has_indexers = True
        self._ticker: Timer | None = None

    def on_mount(self) -> None:
        self.redraw()

    def set_setup(self, *, deluge_configured: bool, has_indexers: bool) -> None:
        """What the configuration sets up (at start, and when the settings screen saved a new
        one): what the core reported about the previous setup is forgotten until it reports
        on this one."""
        self.deluge = None
        self.indexers = None
        self.deluge_configured = deluge_configured
        self.has_indexers = has_indexers
        self._tick_when_counting()
        self.redraw()

    def set_monitor(self, state: events.MonitorState | None, enabled: bool = True) -> None:
        self.monitor = state
        self.monitor_enabled = enabled
        self._tick_when_counting()
        self.redraw()

    def set_deluge(self, health: events.DelugeHealth) -> None:
        self.deluge = health
        self.redraw()

    def set_indexers(self, summary: events.IndexerHealthSummary) -> None:
        self.indexers = summary
        self.redraw()

    def set_scan(self, progress: events.ScanProgress) -> None:
        self.scan = None if progress.done else progress
        self.redraw()

    def _any_indexer(self) -> bool:
        """The core's last summary when there is one, else the configuration."""
        i = self.indexers
        return bool(i.ok or i.failing or i.unasked) if i is not None else self.has_indexers

    def _searching_possible(self) -> bool:
        return self._any_indexer() and (
            self.deluge_configured or bool(self.deluge and self.deluge.connected)
        )

    def _counting(self) -> bool:
        m = self.monitor
        return bool(
            m and m.phase == "idle" and m.next_cycle_at is not None and self._searching_possible()
        )

    def _tick_when_counting(self) -> None:
        """A 1 s timer only while a countdown is shown: nothing runs when nothing changes."""
        if self._counting():
            if self._ticker is None:
                self._ticker = self.set_interval(1.0, self.redraw)
        elif self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _not_reported(self, name: str) -> Text:
        """``name`` before the core's first report on it: the monitor checks it (its first
        poll, ~0.15 s after the start), or no monitor runs and nothing will (not ``?``)."""
        m = self.monitor
        if self.monitor_enabled and (m is None or m.phase not in ("paused", "stopped")):
            return Text(f"{name}: checking…", style="dim")
        return Text(f"{name}: not checked", style="dim")

    def monitor_text(self) -> Text:
        m = self.monitor
        if not self.monitor_enabled:
            return Text("monitor off", style="dim")
        if m is None:
            return Text("monitor starting", style="dim")
        if m.phase == "paused":
            return Text("monitor paused", style="yellow")
        if m.phase == "stopped":
            return Text("monitor stopped", style="dim")
        if m.phase == "idle":
            if m.next_cycle_at is not None and self._searching_possible():
                now = dt.datetime.now(dt.UTC)
                at = m.next_cycle_at
                if at.tzinfo is None:
                    at = at.replace(tzinfo=dt.UTC)
                return Text(f"idle · next cycle in {mmss((at - now).total_seconds())}")
            return Text("idle")
        label = m.phase
        if m.current:
            label = clean(m.current)
        return Text(label, style="cyan")

    def deluge_text(self) -> Text:
        d = self.deluge
        if not self.deluge_configured and not (d and d.connected):
            return Text("Deluge not configured", style="yellow")
        if d is None:
            return self._not_reported("Deluge")
        if d.connected:
            version = f" {clean(d.version)}" if d.version else ""
            return Text(f"Deluge{version} connected", style="green")
        since = f" since {local_hhmm(d.offline_since)}" if d.offline_since else ""
        if d.login_refused:
            return Text(f"Deluge refused the login{since}", style="bold red")
        return Text(f"Deluge offline{since}", style="bold red")

    def indexers_text(self) -> Text:
        i = self.indexers
        if not self._any_indexer():
            return Text("no indexers: nothing will be searched", style="yellow")
        if i is None:
            return self._not_reported("indexers")
        text = Text(f"indexers {i.ok} ok", style="green" if i.ok else "dim")
        if i.unasked:
            text.append(f", {i.unasked} not asked yet", style="yellow")
        if i.failing:
            text.append(f", {i.failing} failing", style="bold red")
        return text

    def redraw(self) -> None:
        sep = Text(" │ ", style="dim")
        parts = [self.monitor_text(), self.deluge_text(), self.indexers_text()]
        if self.scan is not None:
            # first: it is what is happening now, and a narrow bar must not cut it off
            key = shown_key(self.app, "library.scan")
            parts.insert(0, scan_text(self.scan, key))
        self.update(sep.join(parts))


#: cells of the scan's progress bar
BAR = 10


def scan_text(scan: events.ScanProgress, cancel_key: str = "U") -> Text:
    """``scanning /media/movies ████▌····· 120/300`` (a bar when the number of files is
    known, the count alone when not), and the key that cancels."""
    text = Text("scanning ", style="cyan")
    text.append(clean(scan.root))
    if scan.files_total:
        share = min(1.0, scan.files_seen / scan.files_total)
        full = int(share * BAR)
        text.append(" ")
        text.append("█" * full, style="cyan")
        text.append("·" * (BAR - full), style="dim")
        text.append(f" {scan.files_seen}/{scan.files_total}")
    else:
        text.append(f" {scan.files_seen} files")
    text.append(f" · {cancel_key} cancels", style="dim")
    return text
