"""The status bar: the monitor, Deluge and the indexers, as the core last reported them."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from rich.text import Text
from textual.timer import Timer
from textual.widget import Widget

from ... import events
from ..keys import shown_key
from ..text import clean, fit, fit_forms, local_hhmm, mmss

#: a busy monitor's "what it does now" (an item's title) shortened to this many cells
CURRENT = 28
#: a scanned folder's name shortened to this many cells
FOLDER = 20


def distinct(forms: list[Text]) -> list[Text]:
    """``forms`` without repeats (by their text), longest first as given."""
    seen: set[str] = set()
    return [f for f in forms if not (f.plain in seen or seen.add(f.plain))]


class StatusBar(Widget):
    """One line: a scan under way, the monitor, Deluge, the indexers, drawn for the width the
    bar has (:func:`~mydia_tui.tui.text.fit_forms`): each part has shorter forms, whole
    phrases, and when the line does not fit the least important (the monitor, then the
    indexers, then Deluge; the scan last) is shortened, then left out, rather than the terminal
    cutting the line mid-word (``indexers 0 ok, 1``)."""

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

    def monitor_forms(self) -> list[Text]:
        """What the monitor does, longest form first."""
        m = self.monitor
        if not self.monitor_enabled:
            return [Text("monitor off", style="dim")]
        if m is None:
            return [Text("monitor starting", style="dim")]
        if m.phase == "paused":
            return [Text("monitor paused", style="yellow")]
        if m.phase == "stopped":
            return [Text("monitor stopped", style="dim")]
        if m.phase == "idle":
            if m.next_cycle_at is not None and self._searching_possible():
                now = dt.datetime.now(dt.UTC)
                at = m.next_cycle_at
                if at.tzinfo is None:
                    at = at.replace(tzinfo=dt.UTC)
                countdown = mmss((at - now).total_seconds())
                return [Text(f"idle · next cycle in {countdown}"), Text("idle")]
            return [Text("idle")]
        label = Text(clean(m.current) if m.current else m.phase, style="cyan")
        return distinct([label, fit(label, CURRENT, pad=False), Text(m.phase, style="cyan")])

    def monitor_text(self) -> Text:
        return self.monitor_forms()[0]

    def deluge_forms(self) -> list[Text]:
        """Deluge's health, longest form first."""
        d = self.deluge
        if not self.deluge_configured and not (d and d.connected):
            return [Text("Deluge not configured", style="yellow")]
        if d is None:
            return [self._not_reported("Deluge")]
        if d.connected:
            version = f" {clean(d.version)}" if d.version else ""
            forms = [f"Deluge{version} connected", "Deluge connected"]
            return distinct([Text(form, style="green") for form in forms])
        since = f" since {local_hhmm(d.offline_since)}" if d.offline_since else ""
        what = "Deluge refused the login" if d.login_refused else "Deluge offline"
        return distinct([Text(what + since, style="bold red"), Text(what, style="bold red")])

    def deluge_text(self) -> Text:
        return self.deluge_forms()[0]

    def indexers_forms(self) -> list[Text]:
        """The indexers' health, longest form first: why the failing ones fail (``indexers 0
        ok, 1 failing (demo-feed: connection refused)``), then without the unasked ones, then
        without why."""
        i = self.indexers
        if not self._any_indexer():
            forms = ["no indexers: nothing will be searched", "no indexers"]
            return [Text(form, style="yellow") for form in forms]
        if i is None:
            return [self._not_reported("indexers")]
        forms = []
        why = f" ({'; '.join(i.reasons)})" if i.reasons else ""
        for unasked, reasons in ((i.unasked, why), (0, why), (i.unasked, ""), (0, "")):
            text = Text(f"indexers {i.ok} ok", style="green" if i.ok else "dim")
            if unasked:
                text.append(f", {unasked} not asked yet", style="yellow")
            if i.failing:
                text.append(f", {i.failing} failing", style="bold red")
                text.append(clean(reasons), style="red")
            forms.append(text)
        return distinct(forms)

    def indexers_text(self) -> Text:
        return self.indexers_forms()[0]

    def redraw(self) -> None:
        self.refresh()

    def render(self) -> Text:
        parts = [self.monitor_forms(), self.deluge_forms(), self.indexers_forms()]
        importance = [1, 2, 0]  # Deluge, the indexers, the monitor
        if self.scan is not None:
            # first, and the most important: it is what is happening now
            key = shown_key(self.app, "library.scan")
            parts.insert(0, scan_forms(self.scan, key))
            importance = [0, *(i + 1 for i in importance)]
        sep = Text(" │ ", style="dim")
        return fit_forms(parts, self.content_size.width, sep, importance)


#: cells of the scan's progress bar
BAR = 10


def scan_forms(scan: events.ScanProgress, cancel_key: str = "U") -> list[Text]:
    """``scanning /media/movies ████▌····· 120/300 · U cancels`` (a bar when the number of
    files is known, the count alone when not, and the key that cancels), then shorter: the
    folder's name (cut by :func:`fit` past ``FOLDER`` cells), no folder, no bar, no key."""
    root = clean(scan.root)
    name = PurePath(root).name or root
    folders = [root, name, fit(name, FOLDER, pad=False).plain, ""]
    forms = [scan_text(scan, cancel_key, folder) for folder in folders]
    forms.append(scan_text(scan, cancel_key, "", bar=False))
    forms.append(scan_text(scan, "", "", bar=False))
    return distinct(forms)


def scan_text(
    scan: events.ScanProgress, cancel_key: str = "U", folder: str | None = None, bar: bool = True
) -> Text:
    """One form of :func:`scan_forms`: the folder scanned (None: its whole path; "": none),
    the bar, the key that cancels ("": none)."""
    if folder is None:
        folder = clean(scan.root)
    text = Text("scanning", style="cyan")
    if folder:
        text.append(" " + folder)
    if scan.files_total:
        if bar:
            share = min(1.0, scan.files_seen / scan.files_total)
            full = int(share * BAR)
            text.append(" ")
            text.append("█" * full, style="cyan")
            text.append("·" * (BAR - full), style="dim")
        text.append(f" {scan.files_seen}/{scan.files_total}")
    else:
        text.append(f" {scan.files_seen} files")
    if cancel_key:
        text.append(f" · {cancel_key} cancels", style="dim")
    return text
