"""A download's life: every change of ``Download.state`` is made here, with its rule.

Sonarr's tracked-download service in small: the guard, the grab path, the download monitor's
poll, the claim settling, the importer and the user's actions decide *when* a download moves
on; this module makes the move. Each function is one transition: a compare-and-set in SQL
(``UPDATE ... WHERE state IN (the states it may come from)``, and the owner where one is
recorded), so that two processes deciding at once cannot both move a download, and a process
that decided on an old read moves nothing. Each returns whether it moved the download; the
caller then records why in the history (:mod:`mydia_tui.history`).

Every transition, the states it may come from, and who decides it:

===================  ===========================  =============  =================================
transition           from                         to             decided by
===================  ===========================  =============  =================================
(the claim)          (a new download)             claimed        ``Guard.claim``: rules passed
mark_sending         claimed                      sending        ``Guard.grab``: add called
mark_added           claimed, sending             queued         ``Guard.grab``: client has it
note_unconfirmed     sending (stays)              sending        ``Guard.grab``: no answer
fail_send            claimed, sending             failed         ``Guard.grab``: add failed
adopt_claim          claimed, sending             queued         ``settle_claim``: in Deluge
release_claim        claimed, sending             failed         ``settle_claim``: never got there
follow_client        the client's states          its state      the poll
mark_unknown         the client's, not completed  unknown        the poll: Deluge unreachable
fail_in_client       any past its claim           failed         the poll: error in Deluge
complete_vanished    the client's, not completed  completed      the poll: gone, files left behind
remove_vanished      the client's, import_failed  removed        the poll: gone from Deluge
remove_by_user       any but importing            removed        ``Services.remove``
start_import         completed, import_failed     importing      the importer
mark_imported        importing (its own)          imported       the importer: files recorded
retry_import_later   importing (its own)          completed      the importer: failed, again later
give_up_import       importing (its own)          import_failed  the importer: failed too often
fail_import          importing (its own)          failed         the importer: nothing importable
give_back_import     importing (importer gone)    completed      ``recover_import``
retry_failed_import  import_failed                completed      ``retry_import``: the user
===================  ===========================  =============  =================================

The states themselves are :data:`mydia_tui.models.ACTIVE_STATES` (a download holds its target)
and :data:`~mydia_tui.models.FINAL_STATES` (it has ended: its units are released in the same
transaction, see :func:`finish`, and the target may be grabbed again). Here they are grouped by
who drives them: :data:`CLAIM_STATES` (the grab), :data:`CLIENT_STATES` (the client, through
the poll) and :data:`IMPORT_STATES` (the importer, and the user who retries).

What happens when the process making a move dies:

* the claim itself is the guard's: :meth:`mydia_tui.guard.Guard.claim` inserts the download,
  state "claimed", with its units, in the transaction of its rules (its atomic check-and-insert):
  it is committed whole or not at all;
* a grab that dies after its claim leaves "claimed" or "sending" (the add may or may not have
  reached the client): the download monitor's poll settles it against the client's session
  (:func:`mydia_tui.monitor.reconcile.settle_claim`): :func:`adopt_claim` when the torrent is
  there, :func:`release_claim` once the add can no longer arrive (at once when the claiming
  process is known dead, else after ``[monitor] sending_timeout``);
* a poll that dies moves nothing it had not committed (one transaction per poll): the next poll
  reads the client again; so does a user's removal, one statement;
* an importer that dies leaves "importing" with its name (``import_by``): the poll gives it back
  (:func:`give_back_import`, through :func:`mydia_tui.monitor.importer.recover_import`) at once
  when its process on this host has ended, else after ``STUCK_IMPORT_AFTER``; the files it
  placed are reused by the next import, which records them (:func:`mark_imported` runs in the
  transaction that records the files, so an import is recorded whole or not at all);
* every other move is one statement: it happens or it does not.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .db import write_transaction
from .models import ACTIVE_STATES, CLIENT_STATES, FINAL_STATES, Download, DownloadUnit, utcnow

if TYPE_CHECKING:
    from .deluge import TorrentStatus

#: a claim whose add has not been recorded: the grab drives it (or, when the grab died, the
#: poll settles it)
CLAIM_STATES = ("claimed", "sending")
#: the importer drives these (and the user, who retries an import that gave up); the poll
#: leaves their state alone
IMPORT_STATES = ("importing", "import_failed")
assert sorted((*CLAIM_STATES, *CLIENT_STATES, *IMPORT_STATES)) == sorted(ACTIVE_STATES)

#: what an unreachable client makes "unknown": not a finished download waiting for its import
_UNKNOWABLE = tuple(s for s in CLIENT_STATES if s != "completed")
#: what may end as removed or failed by the client: anything past its claim; removal waits for
#: a running import (removing its files then would lose it)
_PAST_CLAIM = (*CLIENT_STATES, *IMPORT_STATES)
_REMOVABLE = (*CLIENT_STATES, "import_failed")

_FINAL_TIMESTAMP = {"imported": "imported_at", "failed": "failed_at", "removed": "removed_at"}
assert set(_FINAL_TIMESTAMP) == set(FINAL_STATES)


# ---------------------------------------------------------------------------------------------
# The grab (after the guard's claim)


def mark_sending(download_id: int) -> bool:
    """claimed -> sending: the client's add is about to be called (``sent_at`` is when)."""
    now = utcnow()
    changed = (
        Download.update(state="sending", sent_at=now, updated_at=now)
        .where((Download.id == download_id) & (Download.state == "claimed"))
        .execute()
    )
    return bool(changed)


def mark_added(download_id: int) -> bool:
    """claimed or sending -> queued: the client answered that it has the torrent (added, or
    already there). False when the poll settled the claim first (it adopted the torrent)."""
    now = utcnow()
    changed = (
        Download.update(
            state="queued", added_at=now, updated_at=now, error_message=None, last_progress_at=now
        )
        .where((Download.id == download_id) & Download.state.in_(CLAIM_STATES))
        .execute()
    )
    return bool(changed)


def note_unconfirmed(download_id: int, message: str) -> None:
    """The add's answer was lost (a timeout, a dropped connection): the claim stays "sending"
    with the error, for the poll to settle against the client's session."""
    Download.update(error_message=message, updated_at=utcnow()).where(
        Download.id == download_id
    ).execute()


def fail_send(download_id: int, message: str) -> bool:
    """claimed or sending -> failed: the client's add failed for certain (nothing reached it)."""
    return finish(download_id, "failed", error=message, from_states=CLAIM_STATES)


def adopt_claim(d: Download, now: dt.datetime) -> bool:
    """claimed or sending -> queued, for a claim whose add reached the client though its
    answer was never recorded (the torrent is in the session; see
    :func:`mydia_tui.monitor.reconcile.settle_claim` for when). ``d.state`` follows."""
    changed = (
        Download.update(
            state="queued", added_at=d.added_at or now, updated_at=now, error_message=None
        )
        .where((Download.id == d.id) & Download.state.in_(CLAIM_STATES))
        .execute()
    )
    if changed:
        d.state = "queued"
    return bool(changed)


def release_claim(download_id: int, error: str = "the add never reached Deluge") -> bool:
    """claimed or sending -> failed, for a claim whose add never reached the client and no
    longer can (see :func:`mydia_tui.monitor.reconcile.settle_claim`): its target is wanted
    again. False when its add was recorded meanwhile."""
    return finish(download_id, "failed", error=error, from_states=CLAIM_STATES)


# ---------------------------------------------------------------------------------------------
# The client's states (the download monitor's poll)


def follow_client(
    d: Download,
    st: TorrentStatus,
    values: dict[str, Any],
    now: dt.datetime,
    *,
    stalled_after: float,
) -> str:
    """Record the client's status of ``d``: ``values`` (progress, rates, ... as the poll read
    them, with ``updated_at``) and, when ``d``'s state is the client's to drive
    (:data:`CLIENT_STATES`), the state its status means: "completed" once all wanted data is
    there, "stalled" when downloading without progress for ``stalled_after`` seconds, else the
    client's own. A state is written only from the one the poll read (another process may have
    moved it since: then nothing is written and the next poll reads it again). Nothing is
    written when nothing but ``updated_at`` would change (a stalled or seeding torrent polled
    every few seconds kept every open app reading the queue again: a new user's report).
    Returns "completed" when ``d`` became completed, "changed" when its row was written,
    "same" when nothing moved."""
    where = Download.state.in_(ACTIVE_STATES)
    completed = False
    if d.state in CLIENT_STATES:
        if st.is_complete:
            state = "completed"
        else:
            state = st.state
            last = now if "last_progress_at" in values else (d.last_progress_at or now)
            if state == "downloading" and (now - last).total_seconds() > stalled_after:
                state = "stalled"
        if state != d.state:
            values = {**values, "state": state}
            if state == "completed":
                values["completed_at"] = d.completed_at or now
                completed = True
            where = Download.state == d.state
    if all(getattr(d, key) == value for key, value in values.items() if key != "updated_at"):
        return "same"
    changed = Download.update(**values).where((Download.id == d.id) & where).execute()
    return "completed" if completed and changed else "changed"


def mark_unknown(downloads: list[Download], now: dt.datetime) -> list[int]:
    """The client cannot be reached: its downloads become "unknown" (they keep their targets;
    nothing is failed or removed for it). A claim, a finished download waiting for its import
    and an import keep their state; one already "unknown" is not written again (each poll
    while Deluge is down rewrote every row). Returns the ids marked."""
    ids = [
        d.id
        for d in downloads
        if d.state in _UNKNOWABLE and (d.state != "unknown" or d.download_rate or d.upload_rate)
    ]
    if ids:
        Download.update(state="unknown", updated_at=now, download_rate=0, upload_rate=0).where(
            Download.id.in_(ids) & Download.state.in_(_UNKNOWABLE)
        ).execute()
    return ids


def fail_in_client(download_id: int, message: str) -> bool:
    """-> failed: the client reports the torrent in error (from any state past its claim; an
    import then running finds the download no longer its own and records nothing)."""
    return finish(download_id, "failed", error=f"Deluge: {message}", from_states=_PAST_CLAIM)


def complete_vanished(download_id: int, now: dt.datetime) -> bool:
    """-> completed: the torrent has been absent from the client's session for long enough
    (removed at its stop ratio, or by the user, before a poll saw it finish) and every file
    recorded for it is where the client put it, whole: it is imported from there. From the
    client's states but "completed" (which already waits for its import)."""
    changed = (
        Download.update(
            state="completed", completed_at=now, updated_at=now, progress=1.0, next_import_at=None
        )
        .where(
            (Download.id == download_id)
            & Download.state.in_(tuple(s for s in CLIENT_STATES if s != "completed"))
        )
        .execute()
    )
    return bool(changed)


def remove_vanished(download_id: int) -> bool:
    """-> removed: the torrent has been absent from the client's session for long enough (the
    poll decides). Never a running import, never a claim (claims are settled)."""
    return finish(
        download_id, "removed", error="the torrent is no longer in Deluge", from_states=_REMOVABLE
    )


def remove_by_user(download_id: int) -> bool:
    """-> removed: the user removed the torrent (from any active state but a running import)."""
    return finish(
        download_id,
        "removed",
        error="removed by the user",
        from_states=(*CLAIM_STATES, *_REMOVABLE),
    )


def torrent_removed_by_user(download_id: int) -> bool:
    """The user removed the torrent of a download that had already ended (failed, imported):
    its state stays, ``removed_at`` records the removal. Compare-and-set: False when the
    download is still active or its removal was already recorded (a second "blocklist and
    search again" on a failed row, a new user's report: it must change nothing)."""
    now = utcnow()
    changed = (
        Download.update(removed_at=now, updated_at=now)
        .where(
            (Download.id == download_id)
            & Download.state.in_(FINAL_STATES)
            & Download.removed_at.is_null()
        )
        .execute()
    )
    return bool(changed)


def paused_by_user(info_hash: str) -> None:
    """The user paused the torrent through mydia-tui (the app's ``p``, Deluge answered): its
    active download records Deluge's state as "Paused" now, before the next poll. The monitor
    resumes a torrent it finds paused just after Deluge restarted when it last recorded it
    running (:meth:`mydia_tui.monitor.downloads.DownloadMonitor._paused_by_deluge`); without
    this record a pause made in the first minute after the monitor connected was undone."""
    Download.update(client_state="Paused").where(
        (Download.info_hash == info_hash) & Download.state.in_(ACTIVE_STATES)
    ).execute()


# ---------------------------------------------------------------------------------------------
# Who holds a torrent


def torrent_holder(info_hash: str) -> Download | None:
    """The download that holds the torrent ``info_hash`` now: the one an action on the torrent
    in Deluge (pause, resume, recheck, a queue move, remove) is for. That is its active
    download (the guard's ``same_torrent`` rule lets at most one hold a torrent, and none while
    another holds it or has imported it), else its newest one (imported and seeding, or ended
    with its removal on record). None when no download has it.

    An older download of the same torrent (failed or removed before the torrent was grabbed
    again) holds nothing: its torrent in Deluge is the holder's, and acting on it would act on
    the holder's download (a new user's report: ``remove 1 --with-data`` on a failed download
    deleted the data of the active download 3 and ended it as removed)."""
    newest_first = Download.select().where(Download.info_hash == info_hash)
    newest_first = newest_first.order_by(Download.id.desc())
    active = newest_first.where(Download.state.in_(ACTIVE_STATES)).first()
    return active or newest_first.first()


# ---------------------------------------------------------------------------------------------
# The import


def note_import_waiting(download_id: int, message: str) -> None:
    """A completed download whose import must wait (its library folder is not mounted): it
    stays "completed" with the reason, no attempt counted; the next poll tries again."""
    Download.update(error_message=message, updated_at=utcnow()).where(
        (Download.id == download_id) & (Download.state == "completed")
    ).execute()


def start_import(download_id: int, holder: str, now: dt.datetime) -> bool:
    """completed or import_failed -> importing, recorded as ``holder``'s ("host:pid") since
    ``now``. False when the download is not waiting for an import (another importer took it)."""
    changed = (
        Download.update(state="importing", updated_at=now, import_by=holder, import_started_at=now)
        .where((Download.id == download_id) & Download.state.in_(("completed", "import_failed")))
        .execute()
    )
    return bool(changed)


def _importing_by(download_id: int, holder: str):
    return (
        (Download.id == download_id)
        & (Download.state == "importing")
        & (Download.import_by == holder)
    )


def mark_imported(download_id: int, holder: str) -> bool:
    """importing -> imported, for the importer ``holder`` that still owns the import: its
    units are released (the target is on disk). Call it inside the transaction that records
    the files, so that both happen or neither. False when the import was given to another
    importer meanwhile (see :func:`give_back_import`): then record nothing."""
    return _end(
        download_id,
        "imported",
        _importing_by(download_id, holder),
        {"error_message": None, "next_import_at": None},
    )


def reject_upgrade(download_id: int, holder: str, error: str) -> bool:
    """importing -> failed: ``holder``'s import of an upgrade found the new file not better
    than the one it was to replace (:mod:`mydia_tui.upgrades`); the old file stays, the units
    are released. False when the import was given to another importer meanwhile."""
    return _end(download_id, "failed", _importing_by(download_id, holder), {"error_message": error})


def give_up_import(download_id: int, holder: str, attempts: int, error: str) -> bool:
    """importing -> import_failed: ``holder``'s import failed once too often; the download
    keeps its target until the user retries (:func:`retry_failed_import`) or removes it."""
    changed = (
        Download.update(
            state="import_failed",
            import_attempts=attempts,
            error_message=error,
            updated_at=utcnow(),
        )
        .where(_importing_by(download_id, holder))
        .execute()
    )
    return bool(changed)


def fail_import(download_id: int, holder: str, error: str) -> bool:
    """importing -> failed: ``holder``'s import found nothing it could ever import (archives
    only, no video, only samples): retrying cannot help. The units are released (the target is
    wanted again); the caller blocklists the release. False when the import was taken over."""
    return _end(download_id, "failed", _importing_by(download_id, holder), {"error_message": error})


def retry_import_later(
    download_id: int, holder: str, attempts: int, error: str, at: dt.datetime
) -> bool:
    """importing -> completed, due ``at``: ``holder``'s import failed and will be tried again."""
    changed = (
        Download.update(
            state="completed",
            import_attempts=attempts,
            error_message=error,
            next_import_at=at,
            updated_at=utcnow(),
        )
        .where(_importing_by(download_id, holder))
        .execute()
    )
    return bool(changed)


def give_back_import(download_id: int, import_by: str, error: str, now: dt.datetime) -> bool:
    """importing -> completed, due at once, attempts not counted: the import whose importer
    (``import_by``, as read) is gone is done again (see
    :func:`mydia_tui.monitor.importer.recover_import` for when). False when another process
    gave it back, or took it, meanwhile."""
    changed = (
        Download.update(state="completed", next_import_at=None, error_message=error, updated_at=now)
        .where(
            (Download.id == download_id)
            & (Download.state == "importing")
            & (Download.import_by == import_by)
        )
        .execute()
    )
    return bool(changed)


def retry_failed_import(download_id: int) -> bool:
    """import_failed -> completed, due at once, attempts reset: the user retries the import."""
    changed = (
        Download.update(state="completed", import_attempts=0, next_import_at=None)
        .where((Download.id == download_id) & (Download.state == "import_failed"))
        .execute()
    )
    return bool(changed)


# ---------------------------------------------------------------------------------------------
# The end


def finish(
    download_id: int,
    state: str,
    *,
    error: str | None = None,
    from_states: tuple[str, ...] = ACTIVE_STATES,
) -> bool:
    """End a download (imported, failed or removed): its units are released in the same
    transaction, so its target can be grabbed again. Only a download in one of ``from_states``
    (by default any active state) is ended: returns False when it was not in one (it had
    already ended, or moved on meanwhile). The named ends above say which states each may
    come from."""
    if state not in _FINAL_TIMESTAMP:
        raise ValueError(f"not a final state: {state}")
    values = {} if error is None else {"error_message": error}
    return _end(
        download_id,
        state,
        (Download.id == download_id) & Download.state.in_(from_states),
        values,
    )


def _end(download_id: int, state: str, where: Any, values: dict[str, Any]) -> bool:
    now = utcnow()
    values = {**values, "state": state, _FINAL_TIMESTAMP[state]: now, "updated_at": now}
    with write_transaction():
        changed = Download.update(**values).where(where).execute()
        if changed:
            DownloadUnit.update(active_unit=None).where(
                DownloadUnit.download == download_id
            ).execute()
    return bool(changed)
