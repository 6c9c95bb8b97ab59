"""Reconciliation with Deluge, at start-up and on every reconnect.

* a claim whose add never recorded its result, and whose torrent IS in the session: adopted;
* a claim stuck in "claimed" or "sending" with no torrent after ``sending_timeout``: released as
  failed (the row stays, with the reason);
* torrents carrying our label but unknown to us: listed as untracked (never touched).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from .. import history
from ..config import Config
from ..deluge import DelugeClient
from ..guard import finish
from ..models import Download, utcnow
from ..processes import process_alive

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Untracked:
    info_hash: str
    name: str
    state: str


@dataclass
class ReconcileReport:
    adopted: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    untracked: list[Untracked] = field(default_factory=list)


def adoption_grace(config: Config) -> dt.timedelta:
    """How long a live claimer gets to record its own add before others adopt the torrent."""
    return dt.timedelta(seconds=max(60.0, 4 * config.deluge.timeout))


def may_still_be_sending(d: Download, config: Config, now: dt.datetime) -> bool:
    """A claim whose claimer may still record the add's answer itself: its process is alive
    (or on another host) and it started less than :func:`adoption_grace` ago. A claim of a
    dead process is never waited for."""
    started = d.sent_at or d.claimed_at
    if started is not None and now - started > adoption_grace(config):
        return False
    return process_alive(d.claimed_by) is not False


def untracked(config: Config, session: dict) -> list[Untracked]:
    """Torrents in ``session`` that carry our label but that no download of ours names."""
    label = config.deluge.label.strip().lower()
    if not label:
        return []
    known = {h for (h,) in Download.select(Download.info_hash).tuples()}
    return [
        Untracked(info_hash, st.name, st.state)
        for info_hash, st in session.items()
        if st.label == label and info_hash not in known
    ]


def reconcile(
    config: Config, client: DelugeClient, *, now: dt.datetime | None = None
) -> ReconcileReport:
    """Settle claims against the session. Raises DelugeError when the session cannot be listed
    (then nothing is changed)."""
    report = ReconcileReport()
    session = client.session()  # one call; raises when Deluge is unreachable
    now = now or utcnow()
    timeout = dt.timedelta(seconds=config.monitor.sending_timeout)
    pending = Download.select().where(Download.state.in_(("claimed", "sending")))
    for d in pending:
        if d.info_hash in session:
            if may_still_be_sending(d, config, now):
                continue  # its own process records it
            changed = (
                Download.update(
                    state="queued", added_at=d.added_at or now, updated_at=now, error_message=None
                )
                .where((Download.id == d.id) & Download.state.in_(("claimed", "sending")))
                .execute()
            )
            if changed:
                history.record(
                    "adopted",
                    f"Deluge has {d.title} though its add was never recorded: adopted",
                    item=d.item_id,
                    download=d.id,
                )
                report.adopted.append(d.id)
            continue
        started = d.sent_at or d.claimed_at
        if started is not None and now - started > timeout:
            if finish(d.id, "failed", error="the add never reached Deluge"):
                history.record(
                    "failed",
                    f"{d.title} never reached Deluge within {config.monitor.sending_timeout:g} s: "
                    "the claim is released",
                    item=d.item_id,
                    download=d.id,
                    reason="client_error",
                )
                report.released.append(d.id)
    report.untracked = untracked(config, session)
    if report.untracked:
        log.info(
            "%d torrent(s) carry the label %r but are unknown to mydia-tui",
            len(report.untracked),
            config.deluge.label,
        )
    return report
