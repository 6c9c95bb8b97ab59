"""How often an indexer is asked, kept in the database: one pace per indexer for every process
on the library (the TUI, a headless monitor, cron's ``monitor --once`` runs, several monitors
on one PostgreSQL library), never one per process.

- **The gap** (``min_interval``) and a server's ``Retry-After``: ``indexer.next_request_at``,
  the earliest start of its next request. :func:`reserve` takes the next slot and moves it on;
  :func:`settle` starts the gap again from a request's end; :func:`hold` keeps it for a
  ``Retry-After``.
- **The budget** (``requests_per_hour``): one ``indexer_request`` row per request of the last
  hour, counted from its start and, once it ended, from its end (the server saw it somewhere
  in between: it never sees more than the budget in an hour). :func:`reserve` refuses a
  request the budget has no room for, and counts nothing.
- **The RSS sync's interval** (``rss_interval``): ``indexer.rss_read_at``, when any process
  last read the indexer's feeds (:func:`claim_feeds`: a compare-and-set, so two monitors
  never both read them), and ``indexer.rss_newest``, the newest release seen in each feed
  (:func:`newest_seen`, :func:`saw_newest`), where the next sync stops paging.

A decision and its write are one write transaction (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL
the indexer's row is locked ``FOR UPDATE``): two processes asking at once cannot both take
the last request of the hour or the same slot. The back-off after failures is
:mod:`.health`'s (``indexer.next_retry_at``).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from ..config import IndexerConfig
from ..db import is_sqlite, write_transaction
from ..models import Indexer, IndexerRequest, utcnow
from .health import ensure_indexer

#: the window of ``requests_per_hour``
BUDGET_WINDOW = _dt.timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """A request :func:`reserve` allowed: it may start at ``start_at`` (naive UTC)."""

    indexer_id: int
    start_at: _dt.datetime
    #: its ``indexer_request`` row (None: the indexer has no budget, nothing is counted)
    request_id: int | None


@dataclass(frozen=True)
class NotNow:
    """Why :func:`reserve` allowed no request: the budget is spent, or the server asked to
    wait longer than the caller waits; ``free_at`` (naive UTC): when one may start."""

    why: str
    free_at: _dt.datetime


def _indexer_id(cfg: IndexerConfig) -> int:
    row_id = Indexer.select(Indexer.id).where(Indexer.name == cfg.name).scalar()
    return row_id if row_id is not None else ensure_indexer(cfg).id


def _lock(indexer_id: int) -> None:
    """Lock the indexer's row until the transaction ends (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises every writer)."""
    if not is_sqlite():
        Indexer.select(Indexer.id).where(Indexer.id == indexer_id).for_update().execute()


def _counted(indexer_id: int, now: _dt.datetime):
    """The requests of the budget's window (a query)."""
    return IndexerRequest.select(IndexerRequest.sent_at).where(
        (IndexerRequest.indexer == indexer_id) & (IndexerRequest.sent_at > now - BUDGET_WINDOW)
    )


def _free_at(indexer_id: int, budget: int, now: _dt.datetime) -> _dt.datetime:
    """When one more request fits in ``budget`` (``now`` when one fits now)."""
    stamps = sorted(r.sent_at for r in _counted(indexer_id, now))
    if not budget or len(stamps) < budget:
        return now
    return max(now, stamps[len(stamps) - budget] + BUDGET_WINDOW)


def _start(held: _dt.datetime | None, now: _dt.datetime, max_wait: float) -> _dt.datetime | NotNow:
    """When the next request may start, the indexer being held until ``held``; NotNow when
    that is more than ``max_wait`` seconds away (a ``Retry-After``)."""
    start = max(now, held) if held is not None else now
    if (start - now).total_seconds() > max_wait:
        return NotNow(f"it asked to wait until {start:%H:%M:%S} UTC", start)
    return start


def reserve(cfg: IndexerConfig, *, max_wait: float) -> Slot | NotNow:
    """Take the next request of the indexer ``cfg`` names, for whichever process asks: counted
    against its ``requests_per_hour``, at its ``min_interval`` after the one before (the
    caller waits until :attr:`Slot.start_at`). :class:`NotNow`, and nothing counted, when the
    last hour holds ``requests_per_hour`` requests already or the slot is more than
    ``max_wait`` seconds away (a ``Retry-After``)."""
    indexer_id = _indexer_id(cfg)
    budget = cfg.requests_per_hour
    if not budget and not cfg.min_interval:
        # nothing to count or space out: only a Retry-After may hold it (read, nothing written)
        now = utcnow()
        held = Indexer.select(Indexer.next_request_at).where(Indexer.id == indexer_id).scalar()
        start = _start(held, now, max_wait)
        return start if isinstance(start, NotNow) else Slot(indexer_id, start, None)
    with write_transaction():
        _lock(indexer_id)
        now = utcnow()
        if budget:
            IndexerRequest.delete().where(
                (IndexerRequest.indexer == indexer_id)
                & (IndexerRequest.sent_at <= now - BUDGET_WINDOW)
            ).execute()
            if _counted(indexer_id, now).count() >= budget:
                free_at = _free_at(indexer_id, budget, now)
                minutes = (free_at - now).total_seconds() / 60
                return NotNow(
                    f"its budget of {budget} requests per hour is spent; the next in {minutes:.0f} min",
                    free_at,
                )
        start = _start(Indexer.get_by_id(indexer_id).next_request_at, now, max_wait)
        if isinstance(start, NotNow):
            return start
        Indexer.update(next_request_at=start + _dt.timedelta(seconds=cfg.min_interval)).where(
            Indexer.id == indexer_id
        ).execute()
        request_id = (
            IndexerRequest.insert(indexer=indexer_id, sent_at=start).execute() if budget else None
        )
    return Slot(indexer_id, start, request_id)


def settle(slot: Slot, cfg: IndexerConfig) -> None:
    """The request of ``slot`` ended: it counts from now on, and the next request starts
    ``min_interval`` from now at the earliest."""
    if slot.request_id is None and not cfg.min_interval:
        return  # nothing counted, no gap to keep
    now = utcnow()
    with write_transaction():
        if slot.request_id is not None:
            IndexerRequest.update(sent_at=now).where(
                (IndexerRequest.id == slot.request_id) & (IndexerRequest.sent_at < now)
            ).execute()
        _hold_id(slot.indexer_id, now + _dt.timedelta(seconds=cfg.min_interval))


def hold(cfg: IndexerConfig, seconds: float) -> None:
    """No request to this indexer for ``seconds`` (its server's ``Retry-After``)."""
    _hold_id(_indexer_id(cfg), utcnow() + _dt.timedelta(seconds=seconds))


def _hold_id(indexer_id: int, until: _dt.datetime) -> None:
    Indexer.update(next_request_at=until).where(
        (Indexer.id == indexer_id)
        & (Indexer.next_request_at.is_null() | (Indexer.next_request_at < until))
    ).execute()


def budget_left(cfg: IndexerConfig) -> int | None:
    """Requests the indexer may still make in the coming hour's window (None: no budget)."""
    if not cfg.requests_per_hour:
        return None
    row_id = Indexer.select(Indexer.id).where(Indexer.name == cfg.name).scalar()
    if row_id is None:
        return cfg.requests_per_hour
    return max(0, cfg.requests_per_hour - _counted(row_id, utcnow()).count())


# ---------------------------------------------------------------------------------------------
# The RSS sync's interval


def claim_feeds(configs: list[IndexerConfig], interval: float) -> list[IndexerConfig]:
    """The indexers of ``configs`` whose feeds no process read in the last ``interval``
    seconds, marked read now: the caller reads them (a compare-and-set per indexer: of two
    monitors asking at once, one gets each)."""
    now = utcnow()
    due = now - _dt.timedelta(seconds=interval)
    claimed = []
    for cfg in configs:
        ensure_indexer(cfg)
        taken = (
            Indexer.update(rss_read_at=now)
            .where(
                (Indexer.name == cfg.name)
                & (Indexer.rss_read_at.is_null() | (Indexer.rss_read_at <= due))
            )
            .execute()
        )
        if taken:
            claimed.append(cfg)
    return claimed


def feeds_due_in(configs: list[IndexerConfig], interval: float) -> float:
    """Seconds until the feeds of one of ``configs`` are due again (0: one is due now)."""
    now = utcnow()
    names = [c.name for c in configs]
    read = dict(
        Indexer.select(Indexer.name, Indexer.rss_read_at).where(Indexer.name.in_(names)).tuples()
    )
    waits = [
        0.0
        if read.get(n) is None
        else (read[n] + _dt.timedelta(seconds=interval) - now).total_seconds()
        for n in names
    ]
    return max(0.0, min(waits, default=0.0))


def newest_seen(name: str, kind: str) -> _dt.datetime | None:
    """The newest publication time (UTC) an RSS sync saw in this indexer's ``kind`` feed."""
    raw = Indexer.select(Indexer.rss_newest).where(Indexer.name == name).scalar()
    value = _newest(raw).get(kind)
    return _dt.datetime.fromisoformat(value) if value else None


def saw_newest(name: str, kind: str, newest: _dt.datetime) -> None:
    """An RSS sync saw ``newest`` (UTC) in this indexer's ``kind`` feed (kept when newer)."""
    seen = newest_seen(name, kind)
    if seen is not None and seen >= newest:
        return
    raw = Indexer.select(Indexer.rss_newest).where(Indexer.name == name).scalar()
    times = {**_newest(raw), kind: newest.isoformat()}
    Indexer.update(rss_newest=json.dumps(times, sort_keys=True)).where(
        Indexer.name == name
    ).execute()


def _newest(raw: str | None) -> dict[str, str]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
