"""History events: every grab, refusal (with its reason), import, failure and removal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from .db import insert_row
from .models import History, MediaItem


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


def list_history(*, item_id: int | None = None, limit: int = 50) -> list[HistoryEntry]:
    query = (
        History.select(History, MediaItem.id, MediaItem.title)
        .join(MediaItem, join_type=JOIN.LEFT_OUTER, on=(History.item == MediaItem.id))
        .order_by(History.at.desc(), History.id.desc())
        .limit(max(1, limit))
    )
    if item_id is not None:
        query = query.where(History.item == item_id)
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
