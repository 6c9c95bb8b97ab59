"""Claims whose add was never recorded, settled against Deluge's session: one rule
(:func:`settle_claim`), applied at start-up and after every reconnect (:func:`reconcile`, which
lists the whole session) and on every poll of the download monitor (which lists the statuses of
its downloads, claims included: no extra call).

* a claim whose torrent IS in the session: adopted, unless its claimer may still record the
  add itself (:func:`may_still_be_sending`);
* a claim ("claimed" or "sending") with no torrent in the session: released as failed (the row
  stays, with the reason) once its add can no longer arrive (:func:`claim_expired`): at once
  when its claiming process is known dead (this host, the process gone), else after
  ``[monitor] sending_timeout`` seconds;
* torrents carrying our label but unknown to us: listed as untracked (never touched).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Literal

from .. import history
from ..config import Config
from ..deluge import DelugeClient
from ..lifecycle import CLAIM_STATES, adopt_claim, release_claim
from ..models import Download, utcnow
from ..processes import process_alive
from ..refusals import Reason
from ..units import counted

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


def claim_expired(d: Download, config: Config, now: dt.datetime) -> bool:
    """A claim whose add can no longer reach Deluge: its claiming process is known dead (see
    :func:`~mydia_tui.processes.process_alive`), or it was sent (else claimed) more than
    ``[monitor] sending_timeout`` seconds before ``now`` (naive UTC). A claim of a live process,
    or of another host's, within that time is never expired."""
    if process_alive(d.claimed_by) is False:
        return True
    started = d.sent_at or d.claimed_at
    return started is not None and (now - started).total_seconds() > config.monitor.sending_timeout


def settle_claim(
    d: Download, *, in_session: bool, config: Config, now: dt.datetime
) -> Literal["adopted", "released"] | None:
    """Settle one claim (``d`` in state "claimed" or "sending") against Deluge's session as just
    listed: ``in_session`` says whether the session has its info-hash.

    Returns "adopted" (now "queued"), "released" (now "failed", its target wanted again), or
    None when it is left as it is (its claimer may still record it, or another process settled
    it first). Moves the download (:func:`~mydia_tui.lifecycle.adopt_claim`,
    :func:`~mydia_tui.lifecycle.release_claim`) and writes its history entry; raises only
    database errors."""
    if in_session:
        if may_still_be_sending(d, config, now):
            return None  # its own process records it
        if not adopt_claim(d, now):
            return None
        history.record(
            "adopted",
            f"Deluge has {d.title} though its add was never recorded: adopted",
            item=d.item_id,
            download=d.id,
        )
        return "adopted"
    if not claim_expired(d, config, now):
        return None
    if not release_claim(d.id):
        return None
    if process_alive(d.claimed_by) is False:
        why = f"its process ({d.claimed_by}) has ended"
    else:
        why = f"not within {config.monitor.sending_timeout:g} s"
    history.record(
        "failed",
        f"{d.title} never reached Deluge ({why}): the claim is released, the target is wanted again",
        item=d.item_id,
        download=d.id,
        reason=Reason.CLIENT_ERROR,
    )
    return "released"


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
    for d in list(Download.select().where(Download.state.in_(CLAIM_STATES))):
        action = settle_claim(d, in_session=d.info_hash in session, config=config, now=now)
        if action == "adopted":
            report.adopted.append(d.id)
        elif action == "released":
            report.released.append(d.id)
    report.untracked = untracked(config, session)
    if report.untracked:
        log.info(
            "%s with the label %r unknown to mydia-tui",
            counted(len(report.untracked), "torrent"),
            config.deluge.label,
        )
    return report
