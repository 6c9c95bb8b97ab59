"""History events: every grab, refusal (with its reason), import, failure and removal."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from peewee import JOIN, Case, Expression, fn

from .db import insert_row
from .models import HISTORY_EVENTS, History, MediaItem


def record(
    event: str,
    message: str,
    *,
    item: int | None = None,
    episode: int | None = None,
    season: int | None = None,
    download: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Write one history event; returns its id."""
    return insert_row(
        History,
        event=event,
        message=message,
        item=item,
        episode=episode,
        season=season,
        download=download,
        reason=reason,
        data=json.dumps(data, default=str) if data else "",
    )


def record_many(events: list[dict[str, Any]]) -> None:
    """Write many events at once (a scan's hundreds of found files); each dict takes
    :func:`record`'s arguments. Call it inside a transaction."""
    from .db import bulk_insert
    from .models import utcnow

    now = utcnow()
    fields = [
        History.at,
        History.event,
        History.message,
        History.item,
        History.episode,
        History.season,
        History.download,
        History.reason,
        History.data,
    ]
    rows = [
        (
            now,
            e["event"],
            e["message"],
            e.get("item"),
            e.get("episode"),
            e.get("season"),
            e.get("download"),
            e.get("reason", ""),
            json.dumps(e["data"], default=str) if e.get("data") else "",
        )
        for e in events
    ]
    bulk_insert(History, fields, rows)


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: str
    event: str
    reason: str
    message: str
    item_id: int | None
    item_title: str
    episode_id: int | None
    season: int | None
    download_id: int | None
    data: dict[str, Any]


def event_name(event: str) -> str:
    """An event as a person reads it (``search_empty``: "search empty"): every face that
    shows a history row names its event so."""
    return event.replace("_", " ")


#: the kinds of history a person filters by: name -> the events it covers (``upgraded`` is
#: an ``imported`` event whose reason is "upgraded"); every event is in one kind but upgraded
KINDS: dict[str, tuple[str, ...]] = {
    "grabbed": ("grabbed", "adopted"),
    "imported": ("imported",),
    "upgraded": ("imported",),
    "refused": ("refused",),
    "failed": ("failed", "import_failed"),
    "removed": ("removed",),
    "error": ("error",),
    "searched": ("searched", "search_empty"),
    "library": ("added", "file_added", "file_deleted", "file_missing"),
}


def _named_event(name: str) -> tuple[str, ...]:
    """The event ``name`` names as the history shows it (``added``, ``search empty``,
    ``file_added``), as a filter of one event; () when it names none. The history prints
    events, so a person filters by what it printed (breaker12: ``--kind added`` was refused)."""

    code = name.strip().replace(" ", "_")
    return (code,) if code in HISTORY_EVENTS else ()


def _where(
    item_id: int | None = None, kind: str | None = None, text: str = ""
) -> Expression | None:
    """The condition for :func:`list_history`'s filters (None: every event)."""
    parts: list[Expression] = []
    if item_id is not None:
        parts.append(History.item == item_id)
    if kind is not None:
        events = KINDS.get(kind) or _named_event(kind)
        if not events:
            raise ValueError(
                f"unknown history kind {kind!r} (one of {', '.join(KINDS)}, or an event as "
                "the history names it)"
            )
        parts.append(History.event.in_(events))
        if kind == "upgraded":
            parts.append(History.reason == "upgraded")
    if text:
        parts.append(History.message.contains(text) | MediaItem.title.contains(text))
    return reduce(operator.and_, parts) if parts else None


def _newest_first(query):
    return query.join(
        MediaItem, join_type=JOIN.LEFT_OUTER, on=(History.item == MediaItem.id)
    ).order_by(History.at.desc(), History.id.desc())


def list_history(
    *,
    item_id: int | None = None,
    kind: str | None = None,
    text: str = "",
    offset: int = 0,
    limit: int = 50,
) -> list[HistoryEntry]:
    """History events newest first: of one item, of one kind (a key of :data:`KINDS`), whose
    message or item title contains ``text`` (case-insensitive), a page of ``limit`` from
    ``offset``. Raises ValueError for an unknown kind."""
    query = _newest_first(History.select(History, MediaItem.id, MediaItem.title))
    where = _where(item_id, kind, text)
    if where is not None:
        query = query.where(where)
    return _entries(query.offset(max(0, offset)).limit(max(1, limit)))


def history_ids(
    *, item_id: int | None = None, kind: str | None = None, text: str = ""
) -> list[int]:
    """The ids of every event :func:`list_history` would list with the same filters, newest
    first (one query of integers: 50,000 in tens of milliseconds), for a virtual list that
    reads its rows a page at a time with :func:`history_by_ids`."""
    query = History.select(History.id).order_by(History.at.desc(), History.id.desc())
    if text:  # the item's title is searched too
        query = query.join(MediaItem, join_type=JOIN.LEFT_OUTER, on=(History.item == MediaItem.id))
    where = _where(item_id, kind, text)
    if where is not None:
        query = query.where(where)
    # the driver's rows, not peewee's per-row wrapping: a fifth of the time at 50,000
    return [row[0] for row in History._meta.database.execute(query).fetchall()]


def history_by_ids(ids: list[int]) -> list[HistoryEntry]:
    """The events with these ids, in the order given (ids that are gone are left out)."""
    if not ids:
        return []
    query = _newest_first(History.select(History, MediaItem.id, MediaItem.title)).where(
        History.id.in_(ids)
    )
    by_id = {e.id: e for e in _entries(query)}
    return [by_id[i] for i in ids if i in by_id]


def history_counts(*, item_id: int | None = None, text: str = "") -> dict[str, int]:
    """How many events of each kind of :data:`KINDS` (and "all") the filters leave."""
    upgraded = Case(None, [(History.reason == "upgraded", 1)], 0)
    query = History.select(History.event, upgraded, fn.COUNT(History.id)).group_by(
        History.event, upgraded
    )
    if text:
        query = query.join(MediaItem, join_type=JOIN.LEFT_OUTER, on=(History.item == MediaItem.id))
    where = _where(item_id, None, text)
    if where is not None:
        query = query.where(where)
    counts = dict.fromkeys(("all", *KINDS), 0)
    for event, is_upgrade, count in query.tuples():
        counts["all"] += count
        for kind, events in KINDS.items():
            if event in events and (kind != "upgraded" or is_upgrade):
                counts[kind] += count
    return counts


def _entries(query) -> list[HistoryEntry]:
    out = []
    for h in query:
        data = json.loads(h.data) if h.data else {}
        # an item deleted from the library leaves its id and title in its events' data
        title = h.item.title if h.item_id is not None else str(data.get("item_title", ""))
        out.append(
            HistoryEntry(
                id=h.id,
                at=h.at.isoformat(timespec="seconds"),
                event=h.event,
                reason=h.reason,
                message=h.message,
                item_id=h.item_id,
                item_title=title,
                episode_id=h.episode_id,
                season=h.season,
                download_id=h.download_id,
                data=data,
            )
        )
    return out
