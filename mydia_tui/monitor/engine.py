"""The monitor: the search monitor and the download monitor on their own intervals, with
reconciliation at start-up and after every reconnect. One object, run headless or in the TUI.

``run(stop)`` loops until ``stop`` is set; it never blocks longer than one RPC timeout or one
indexer timeout, so stopping is prompt. ``run_once()`` runs one cycle of each monitor (cron).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .. import history
from ..config import Config, redact_text, secrets_of
from ..db import checkpoint
from ..deluge import DelugeClient, DelugeError
from ..events import (
    CoreError,
    DelugeHealth,
    DownloadsChanged,
    EventSink,
    LibraryChanged,
    MonitorState,
    ignore,
)
from ..grabbing import candidate_grabber
from ..guard import Guard
from .backlog_search import CycleReport, Searcher, SearchMonitor, make_searcher
from .downloads import DownloadMonitor, PollReport
from .reconcile import ReconcileReport, reconcile

log = logging.getLogger(__name__)


def _utc_in(seconds: float):
    import datetime as dt

    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


class Monitor:
    def __init__(
        self,
        config: Config,
        *,
        client: DelugeClient | None = None,
        searcher: Searcher | None = None,
        on_event: EventSink = ignore,
        holder: str | None = None,
    ) -> None:
        self.config = config
        self.client = client or DelugeClient(config.deluge)
        self.guard = Guard(claimed_by=holder)
        self.on_event = on_event
        #: the configured indexers are searched (not a searcher given by the caller)
        self._searches_indexers = searcher is None
        if searcher is None:
            searcher = make_searcher(config)
        self.searcher = searcher
        self._secrets = secrets_of(config)
        # every grab goes through grabbing.grab_release
        grabber = candidate_grabber(self.client, guard=self.guard, secrets=self._secrets)
        self.search = SearchMonitor(
            config, searcher, grabber, holder=self.guard.claimed_by, on_event=on_event
        )
        self.downloads = DownloadMonitor(config, self.client, holder=self.guard.claimed_by)
        self._resume = threading.Event()
        self._resume.set()
        self._reconciled = False
        self.last_reconcile: ReconcileReport | None = None
        #: "what: why" for each phase that raised since :meth:`run_once` began (redacted)
        self.failures: list[str] = []

    # -- pausing -------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def pause(self) -> None:
        self._resume.clear()
        self.on_event(MonitorState("paused"))

    def resume(self) -> None:
        self._resume.set()
        self.on_event(MonitorState("idle"))

    # -- phases ----------------------------------------------------------------------------------

    def _probe(self) -> bool:
        """A cheap call to learn whether Deluge answers (when no poll call was made)."""
        try:
            self.client.version()
            return True
        except DelugeError:
            return False

    def _after_health(self, connected: bool) -> None:
        """Report Deluge's health; reconcile after start-up and after every reconnect."""
        h = self.client.health
        self.on_event(
            DelugeHealth(
                connected=connected,
                version=h.version,
                host=h.where,
                offline_since=None if connected else h.since,
                error="" if connected else h.last_error,
            )
        )
        if connected and not self._reconciled:
            try:
                self.last_reconcile = reconcile(self.config, self.client)
                self._reconciled = True
                if self.last_reconcile.adopted or self.last_reconcile.released:
                    self.on_event(DownloadsChanged())
            except DelugeError as exc:
                log.warning("reconciliation postponed: %s", exc)
        if not connected:
            self._reconciled = False  # reconcile again on the next connection

    def poll_phase(self) -> PollReport:
        self.on_event(MonitorState("polling"))
        report = self.downloads.poll()
        self._after_health(report.ok if report.called else self._probe())
        if (
            report.updated
            or report.unknown
            or report.failed
            or report.removed
            or report.adopted
            or report.released
            or report.recovered
        ):
            self.on_event(DownloadsChanged(tuple(report.updated)))
        if report.imported:
            self.on_event(LibraryChanged())
        checkpoint()  # off the grab path: commits then rarely pay for one
        return report

    def search_phase(self, stop: threading.Event | None = None) -> CycleReport | None:
        if self._searches_indexers and not self.config.enabled_indexers:
            log.info("no indexers configured: not searching")
            return None  # nothing can be found: no search may count as empty and cool down
        if not (self.client.is_connected or self._probe()):
            log.info("Deluge is offline: not searching this cycle")
            return None
        report = self.search.run_cycle(stop)
        if report.grabbed:
            self.on_event(DownloadsChanged())
        self.report_indexers()
        return report

    def report_indexers(self) -> None:
        from ..item_search import indexer_summary

        self.on_event(indexer_summary(self.config))

    def run_once(self) -> tuple[CycleReport | None, PollReport]:
        """One cycle of each monitor: poll (and import), search, poll again. Returns the
        search's report (None when it did not search) and both polls' reports added up
        (:meth:`PollReport.plus`); what failed on the way is in :attr:`failures`."""
        self.failures = []
        first = self._guarded("download monitor", self.poll_phase) or PollReport(ok=False)
        cycle = self._guarded("search monitor", self.search_phase)
        second = self._guarded("download monitor", self.poll_phase) or PollReport(ok=False)
        self.on_event(MonitorState("idle"))
        return cycle, first.plus(second)

    def set_sink(self, on_event: EventSink) -> None:
        """Where events go (the TUI passes its thread-safe poster when it starts the worker)."""
        self.on_event = on_event
        self.search.on_event = on_event

    def run(
        self,
        stop: threading.Event,
        on_event: EventSink | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if on_event is not None:
            self.set_sink(on_event)
        self._guarded("indexers", self.report_indexers)
        mc = self.config.monitor
        next_poll = next_search = clock()
        while not stop.is_set():
            if self.paused:
                self.on_event(MonitorState("paused"))
                while self.paused and not stop.is_set():
                    stop.wait(0.25)
                continue
            now = clock()
            if now >= next_poll:
                self._guarded("download monitor", self.poll_phase)
                next_poll = clock() + mc.poll_interval
            if now >= next_search and not stop.is_set():
                self._guarded("search monitor", lambda: self.search_phase(stop))
                next_search = clock() + mc.search_interval
            self.on_event(
                MonitorState("idle", next_cycle_at=_utc_in(max(0.0, next_search - clock())))
            )
            stop.wait(max(0.0, min(next_poll, next_search) - clock()))
        self.on_event(MonitorState("stopped"))

    def _guarded(self, what: str, fn):
        """Run one phase; an unexpected error is reported once and the loop goes on."""
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - the loop must survive anything
            message = redact_text(f"{what}: {exc or type(exc).__name__}", self._secrets)
            log.exception("%s failed", what)
            self.failures.append(message)
            try:
                history.record("error", message)
            except Exception:  # noqa: BLE001 - the database itself may be the problem
                pass
            self.on_event(CoreError(what, message))
            return None

    def close(self) -> None:
        self.client.close()
