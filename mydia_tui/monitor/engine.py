"""The monitor: the download monitor, the backlog search and the RSS sync on their own
intervals, with reconciliation at start-up and after every reconnect. One object, run headless
or in the TUI.

``run(stop)`` loops until ``stop`` is set; the indexers are asked in daemon threads whose wait
ends as soon as ``stop`` is set (whatever the indexers do), and no Deluge call waits longer
than its RPC timeout, so stopping is prompt. ``run_once()`` runs one cycle of each (cron).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .. import history
from ..config import Config, redact_text, secrets_of
from ..db import bound_target, checkpoint, explain_failure
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
from ..indexers.torznab import close_http_clients
from .backlog_search import CycleReport, Searcher, SearchMonitor, make_searcher
from .downloads import DownloadMonitor, PollReport
from .reconcile import ReconcileReport, reconcile
from .rss_sync import RssReport, RssSync

log = logging.getLogger(__name__)

R = TypeVar("R", CycleReport, RssReport)


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
        self.client = client or DelugeClient(config.deluge, configured=config.deluge_configured)
        self.guard = Guard(claimed_by=holder, quality=config.quality)
        self.on_event = on_event
        #: the configured indexers are searched (not a searcher given by the caller)
        self._searches_indexers = searcher is None
        #: the event that stops the running loop (``run``'s): ends the wait for the indexers
        self._stop: threading.Event | None = None
        if searcher is None:
            searcher = make_searcher(config, stop=lambda: self._stop)
        self.searcher = searcher
        self._secrets = secrets_of(config)
        #: phase -> the failure last reported for it, while it keeps failing alike
        self._failing: dict[str, str] = {}
        # every grab goes through grabbing.grab_release
        grabber = candidate_grabber(self.client, guard=self.guard, secrets=self._secrets)
        self.search = SearchMonitor(
            config, searcher, grabber, holder=self.guard.claimed_by, on_event=on_event
        )
        self.rss = RssSync(config, grabber, on_event=on_event)
        self.downloads = DownloadMonitor(config, self.client, holder=self.guard.claimed_by)
        self._resume = threading.Event()
        self._resume.set()
        self._reconciled = False
        self.last_reconcile: ReconcileReport | None = None
        self.last_rss: RssReport | None = None
        #: "what: why" for each phase that raised since :meth:`run_once` began (redacted)
        self.failures: list[str] = []

    # -- pausing -------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        """Paused: the backlog search and the RSS sync wait (nothing is grabbed); the download
        monitor's poll goes on (the queue follows Deluge, finished downloads are imported)."""
        return not self._resume.is_set()

    def pause(self) -> None:
        self._resume.clear()
        self.on_event(MonitorState("paused"))

    def resume(self) -> None:
        self._resume.set()
        self.on_event(MonitorState("idle"))

    # -- phases ----------------------------------------------------------------------------------

    def _probe(self) -> str:
        """A cheap call to learn whether Deluge answers (when no poll call was made): "" when
        it does, else why not."""
        try:
            self.client.version()
            return ""
        except DelugeError as exc:
            return str(exc) or "Deluge did not answer"

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
                login_refused=not connected and h.login_refused,
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
        if not self.paused:  # paused, the status bar keeps saying so
            self.on_event(MonitorState("polling"))
        report = self.downloads.poll()
        if not report.called:
            # nothing to poll: still say whether Deluge answers (monitor --once fails if not)
            error = self._probe()
            if error:
                report.ok, report.error = False, error
        self._after_health(report.ok)
        if (
            report.updated
            or report.unknown
            or report.missing
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
        """One backlog search cycle (:mod:`.backlog_search`), when it can find anything."""
        if self._searches_indexers and not self.config.enabled_indexers:
            # every indexer may be there, set enabled = false (breaker12: "none configured")
            what = "every indexer is disabled" if self.config.indexers else "no indexers configured"
            log.info("%s: not searching", what)
            return None  # nothing can be found: no search may count as empty and cool down
        return self._grabbing_phase("backlog search", lambda: self.search.run_cycle(stop))

    def rss_phase(self, stop: threading.Event | None = None) -> RssReport | None:
        """One RSS sync (:mod:`.rss_sync`), when indexers are configured and Deluge answers."""
        if not self.config.enabled_indexers:
            return None
        return self._grabbing_phase("RSS sync", lambda: self.rss.run(stop))

    def _grabbing_phase(self, what: str, run: Callable[[], R]) -> R | None:
        """Run a phase that may grab, when Deluge answers; report what changed."""
        if not self.client.is_connected and self._probe():
            log.info("Deluge is offline: no %s this time", what)
            return None
        report = run()
        if getattr(report, "grabbed", None):
            self.on_event(DownloadsChanged())
        self.report_indexers()
        return report

    def report_indexers(self) -> None:
        from ..item_search import indexer_summary

        self.on_event(indexer_summary(self.config))

    def run_once(self) -> tuple[CycleReport | None, PollReport]:
        """One cycle of each monitor: poll (and import), backlog search, RSS sync, poll again.
        Returns the search's report (None when it did not search) and both polls' reports added
        up (:meth:`PollReport.plus`); what failed on the way is in :attr:`failures`, the RSS
        sync's report in :attr:`last_rss`."""
        self.failures = []
        first = self._guarded("download monitor", self.poll_phase) or PollReport(ok=False)
        cycle = self._guarded("search monitor", self.search_phase)
        self.last_rss = self._guarded("RSS sync", self.rss_phase)
        second = self._guarded("download monitor", self.poll_phase) or PollReport(ok=False)
        self.on_event(MonitorState("idle"))
        return cycle, first.plus(second)

    def set_sink(self, on_event: EventSink) -> None:
        """Where events go (the TUI passes its thread-safe poster when it starts the worker)."""
        self.on_event = on_event
        self.search.on_event = on_event
        self.rss.on_event = on_event

    def run(
        self,
        stop: threading.Event,
        on_event: EventSink | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if on_event is not None:
            self.set_sink(on_event)
        self._stop = stop
        self._guarded("indexers", self.report_indexers)
        mc = self.config.monitor
        next_poll = next_search = next_rss = clock()
        if not mc.rss_interval:
            next_rss = math.inf  # RSS sync turned off
        said_paused = False
        while not stop.is_set():
            now = clock()
            if now >= next_poll:
                # paused or not: the queue follows Deluge and what finished is imported
                self._guarded("download monitor", self.poll_phase)
                next_poll = clock() + mc.poll_interval
            if self.paused:
                # no backlog search, no RSS sync: nothing is grabbed until resumed
                if not said_paused:
                    self.on_event(MonitorState("paused"))
                    said_paused = True
                stop.wait(min(0.25, max(0.0, next_poll - clock())))
                continue
            said_paused = False
            if now >= next_search and not stop.is_set():
                self._guarded("search monitor", lambda: self.search_phase(stop))
                next_search = clock() + mc.search_interval
            if now >= next_rss and not stop.is_set():
                self.last_rss = self._guarded("RSS sync", lambda: self.rss_phase(stop))
                next_rss = clock() + self._next_rss_in() if mc.rss_interval else math.inf
            self.on_event(
                MonitorState(
                    "idle", next_cycle_at=_utc_in(max(0.0, min(next_search, next_rss) - clock()))
                )
            )
            stop.wait(max(0.0, min(next_poll, next_search, next_rss) - clock()))
        self.on_event(MonitorState("stopped"))

    def _next_rss_in(self) -> float:
        """Seconds until the next RSS sync: when the feeds another process read are due, else
        ``rss_interval`` (the feeds were read now, or nothing was wanted)."""
        due = self._guarded("RSS sync", self.rss.due_in) if self.config.enabled_indexers else None
        return due if due else self.config.monitor.rss_interval

    def _guarded(self, what: str, fn):
        """Run one phase; an unexpected error is reported and the loop goes on. A database
        failure is said in people's words (:func:`~mydia_tui.db.explain_failure`: a full disk,
        not the "cannot rollback" raised while handling it). The same failure of the same
        phase again is counted in :attr:`failures` but reported once (logged, recorded, shown)
        until the phase succeeds: a full disk logged a traceback at every poll."""
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - the loop must survive anything
            explained = explain_failure(exc, bound_target())
            cause = explained if explained is not None else (exc or type(exc).__name__)
            message = redact_text(f"{what}: {cause}", self._secrets)
            self.failures.append(message)
            if self._failing.get(what) == message:
                log.debug("%s (again)", message)
                return None
            self._failing[what] = message
            log.error("%s", message, exc_info=True)
            try:
                history.record("error", message)
            except Exception:  # noqa: BLE001 - the database itself may be the problem
                pass
            self.on_event(CoreError(what, message))
            return None
        self._failing.pop(what, None)
        return result

    def close(self) -> None:
        """Close Deluge's connection and the indexers' HTTP clients."""
        self.client.close()
        close_http_clients()
