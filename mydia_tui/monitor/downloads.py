"""The download monitor: one status call per poll, states recorded for the TUI, completed
downloads imported, errors failed and blocklisted, absences counted carefully.

Claims whose add was never recorded are in the same status call, and are adopted or released
by the rule of :func:`~mydia_tui.monitor.reconcile.settle_claim`; imports whose importer is gone
are done again (:func:`~mydia_tui.monitor.importer.recover_import`). Both need no other call to
Deluge than the poll's own. The poll decides when a download moves; the moves, each with the
states it may come from, are :mod:`mydia_tui.lifecycle`'s.

Nothing is failed, removed or re-grabbed because Deluge cannot be reached: downloads are then
"unknown" and keep their targets. A torrent counts as removed only when it is absent from a
session that WAS listed successfully, several polls in a row, and, unless this connection
listed it before, for a grace period (a daemon that restarted lists its torrents late; the
same daemon process that listed a torrent and no longer does has lost it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from .. import history
from ..config import Config
from ..db import write_transaction
from ..deluge import DelugeClient, DelugeError, TorrentStatus
from ..guard import blocklist_download
from ..lifecycle import (
    CLAIM_STATES,
    complete_vanished,
    fail_in_client,
    follow_client,
    mark_unknown,
    remove_vanished,
)
from ..models import ACTIVE_STATES, Download, utcnow
from ..refusals import Reason
from .importer import Importer, left_behind, recover_import
from .reconcile import settle_claim

log = logging.getLogger(__name__)

#: seconds a torrent must stay absent (besides the poll count) before it counts as removed,
#: when this connection never listed it: a daemon still loading its session after a restart
#: answers before it lists its torrents
MISSING_GRACE = 30.0
#: seconds after a new connection to Deluge during which a torrent found paused, that this
#: monitor last saw running, is resumed (Deluge brings torrents back paused after a crash,
#: some seconds after it answers again)
RESUME_AFTER_CONNECT = 60.0
#: Deluge's states of a torrent that runs (one that was seen in these did not ask to be paused)
_RUNNING = ("Downloading", "Queued", "Checking", "Allocating", "Seeding", "Moving")
#: the states of a torrent at work, past any start-up step of the daemon's
_SETTLED_RUNNING = ("Downloading", "Seeding")


@dataclass
class PollReport:
    #: a status call was made (there was something to poll)
    called: bool = False
    ok: bool = True
    error: str = ""
    updated: list[str] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    #: downloads the session no longer lists, still counted before they end (shown "vanished")
    missing: list[int] = field(default_factory=list)
    adopted: list[int] = field(default_factory=list)
    #: claims whose add never reached Deluge, released (their targets are wanted again)
    released: list[int] = field(default_factory=list)
    #: imports whose importer was gone, given back to be imported again
    recovered: list[int] = field(default_factory=list)

    def plus(self, other: PollReport) -> PollReport:
        """The two polls added up: every list joined, ``ok`` only when both were, the first
        error kept."""
        lists = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), list)
        }
        return PollReport(
            called=self.called or other.called,
            ok=self.ok and other.ok,
            error=self.error or other.error,
            **lists,
        )


class DownloadMonitor:
    def __init__(
        self,
        config: Config,
        client: DelugeClient,
        importer: Importer | None = None,
        *,
        missing_grace: float = MISSING_GRACE,
        holder: str | None = None,
    ) -> None:
        """``holder`` names this process in the imports it starts ("host:pid", the default)."""
        self.config = config
        self.client = client
        self.importer = importer or Importer(config, client, holder=holder)
        self.missing_grace = missing_grace
        self._first_missing: dict[int, float] = {}
        #: the client's connection count at the last poll, and when a new one was first seen
        self._connections = 0
        self._connected_at = 0.0
        #: downloads resumed since the last new connection (resumed once per connection)
        self._resumed: set[int] = set()
        #: downloads this connection has seen at work (downloading or seeding): Deluge's own
        #: pause after a restart shows before a new connection sees the torrent at work
        self._seen_on_connection: set[int] = set()
        #: downloads this connection has listed: one it no longer lists is gone from the same
        #: daemon process (no grace for a session still loading)
        self._listed_on_connection: set[int] = set()
        self._to_resume: list[Download] = []

    def tracked(self) -> list[Download]:
        return list(Download.select().where(Download.state.in_(ACTIVE_STATES)))

    def poll(self) -> PollReport:
        """One status call for every active download (claims included), its answer recorded in
        one transaction, then the imports that are due. Deluge unreachable: the downloads become
        "unknown" and nothing else changes."""
        report = PollReport()
        downloads = self.tracked()
        if not downloads:
            return report
        hashes = sorted({d.info_hash for d in downloads})
        report.called = True
        try:
            statuses = self.client.statuses(hashes)  # ONE call for all of them
        except DelugeError as exc:
            report.ok = False
            report.error = str(exc)
            self._mark_unknown(downloads, report)
            return report
        now = utcnow()
        if self.client.connections != self._connections:
            self._connections = self.client.connections
            self._connected_at = time.monotonic()
            self._resumed.clear()
            self._seen_on_connection.clear()
            self._listed_on_connection.clear()
        self._to_resume = []
        # one commit for the whole poll, not one per download (2,000 torrents: 2,000 commits)
        with write_transaction():
            for d in downloads:
                status = statuses.get(d.info_hash)
                if status is None:
                    self._absent(d, now, report)
                    continue
                self._first_missing.pop(d.id, None)
                self._listed_on_connection.add(d.id)
                self._seen(d, status, now, report)
        self._resume_paused_by_deluge()  # RPCs: outside the write lock
        self._record_content(downloads, statuses)
        for d in downloads:
            if d.state == "importing" and recover_import(d, now):
                report.recovered.append(d.id)
        self._import_due(report)  # file I/O: outside the write lock
        return report

    # -- a torrent the session lists ---------------------------------------------------------

    def _seen(self, d: Download, st: TorrentStatus, now: dt.datetime, report: PollReport) -> None:
        if d.state in CLAIM_STATES:
            # the add reached Deluge though its answer was never recorded
            if settle_claim(d, in_session=True, config=self.config, now=now) != "adopted":
                return  # its claimer records it (or another process settled it)
            report.adopted.append(d.id)
        if st.state == "error":
            message = st.message or "Deluge reported an error"
            if fail_in_client(d.id, message):
                blocklist_download(d, f"failed in Deluge: {message}")
                history.record(
                    "failed",
                    f"{d.title} failed in Deluge: {message}; blocklisted, the target is wanted again",
                    item=d.item_id,
                    download=d.id,
                    reason=Reason.CLIENT_ERROR,
                )
                report.failed.append(d.id)
            return
        if self._paused_by_deluge(d, st):
            self._to_resume.append(d)
        if st.client_state in _SETTLED_RUNNING:
            # seen at work on this connection: a pause from now on is someone's, not the
            # restart's (a daemon that is still loading its torrents lists them "Queued" or
            # "Checking" before it applies the pause it restores)
            self._seen_on_connection.add(d.id)
        values = {
            "client_state": st.client_state,
            "progress": st.progress,
            "download_rate": st.download_rate,
            "upload_rate": st.upload_rate,
            "eta": st.eta or None,
            "ratio": st.ratio,
            "seeds": st.seeds,
            "peers": st.peers,
            "total_done": st.total_done,
            "save_path": st.save_path,
            "missing_polls": 0,
            "updated_at": now,
        }
        if st.total_size and not d.size:
            values["size"] = st.total_size
        if st.total_done > (d.total_done or 0) or d.last_progress_at is None:
            values["last_progress_at"] = now
        moved = follow_client(d, st, values, now, stalled_after=self.config.monitor.stalled_after)
        if moved == "completed":
            report.completed.append(d.id)
        if moved != "same":
            report.updated.append(d.info_hash)

    def _paused_by_deluge(self, d: Download, st: TorrentStatus) -> bool:
        """Whether Deluge paused ``d``'s torrent on its own: found paused below 100 % before a
        new connection has seen it at work (downloading or seeding), within :data:`RESUME_AFTER_CONNECT` seconds of
        connecting (the daemon restarted: after a crash it brings recent torrents back paused),
        while this process last recorded it running (or never saw it, when torrents are not
        added paused). A torrent this connection already saw at work was paused by someone, not
        by a restart: the app's ``p`` (recorded "Paused" by :func:`mydia_tui.lifecycle.paused_by_user`,
        though a poll that read the row just before still holds "Downloading") or Deluge's own
        window. Only a pause in Deluge's window between its restart and this connection's first
        sight of the torrent is resumed too (that cannot be told apart)."""
        if st.client_state != "Paused" or st.progress >= 1.0 or d.id in self._resumed:
            return False
        if d.id in self._seen_on_connection:
            return False
        if time.monotonic() - self._connected_at > RESUME_AFTER_CONNECT:
            return False
        recorded = d.client_state or ""
        if recorded == "":
            return not self.config.deluge.add_paused
        return recorded in _RUNNING

    def _resume_paused_by_deluge(self) -> None:
        for d in self._to_resume:
            self._resumed.add(d.id)
            try:
                self.client.resume([d.info_hash])
            except DelugeError as exc:
                log.info("could not resume %s: %s", d.title, exc)
                continue
            log.warning(
                "%s came back paused after Deluge restarted (it was %s): resumed",
                d.title,
                d.client_state or "just added",
            )
        self._to_resume = []

    # -- a torrent the session does not list ---------------------------------------------------

    def _absent(self, d: Download, now: dt.datetime, report: PollReport) -> None:
        if d.state in CLAIM_STATES:
            # its add never reached Deluge: released once it no longer can
            if settle_claim(d, in_session=False, config=self.config, now=now) == "released":
                report.released.append(d.id)
            return
        first = self._first_missing.setdefault(d.id, time.monotonic())
        polls = (d.missing_polls or 0) + 1
        # counted in the row: the faces show it "vanished" meanwhile (views.shown_state)
        Download.update(missing_polls=polls, updated_at=now).where(Download.id == d.id).execute()
        grace = 0.0 if d.id in self._listed_on_connection else self.missing_grace
        if polls < self.config.monitor.missing_polls or time.monotonic() - first < grace:
            report.missing.append(d.id)
            return
        if d.state == "importing":
            return
        left = left_behind(d)
        if left is not None:
            # removed at its stop ratio or by the user, its files still where Deluge put them:
            # imported from there (the importer reads the recorded files), never grabbed again
            if complete_vanished(d.id, now):
                log.info(
                    "%s is no longer in Deluge, but its files are in %s: importing them",
                    d.title,
                    left.save_path,
                )
                report.completed.append(d.id)
            return
        if remove_vanished(d.id):
            reason = "removed: the torrent is no longer in Deluge and its files are gone"
            blocklist_download(d, reason)
            history.record(
                "removed",
                f"{d.title} is no longer in Deluge ({polls} polls) and its files are gone: "
                "removed and blocklisted (never grabbed again automatically); the target is "
                "wanted again",
                item=d.item_id,
                download=d.id,
            )
            report.removed.append(d.id)
        self._first_missing.pop(d.id, None)

    # -- what a torrent holds, recorded while Deluge still knows it ----------------------------

    def _record_content(
        self, downloads: list[Download], statuses: dict[str, TorrentStatus]
    ) -> None:
        """Record the files of each download first seen with its metadata (one ``files`` call
        per download, once: never in every poll), so that it can be imported if the torrent
        vanishes from Deluge. A save path that changed (``move_completed``) is read from the
        poll's ``save_path`` column, not from here."""
        for d in downloads:
            st = statuses.get(d.info_hash)
            if st is None or d.content or not st.total_size:
                continue
            try:
                files = self.client.files(d.info_hash)
            except DelugeError as exc:
                log.info("files of %s not read yet: %s", d.title, exc)
                continue
            Download.update(content=files.to_json()).where(Download.id == d.id).execute()

    def _mark_unknown(self, downloads: list[Download], report: PollReport) -> None:
        report.unknown.extend(mark_unknown(downloads, utcnow()))
        # absences are only counted against a session that was listed
        self._first_missing.clear()

    # -- imports ------------------------------------------------------------------------------

    def _import_due(self, report: PollReport) -> None:
        now = utcnow()
        due = list(
            Download.select(Download.id).where(
                (Download.state == "completed")
                & (Download.next_import_at.is_null() | (Download.next_import_at <= now))
            )
        )
        for d in due:
            result = self.importer.import_download(d.id)
            if result.ok:
                report.imported.append(d.id)
