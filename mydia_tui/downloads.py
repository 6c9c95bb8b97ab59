"""Downloads as the TUI and the command line see them: frozen rows read from the database
that the download monitor keeps current."""

from __future__ import annotations

from dataclasses import dataclass

from .models import ACTIVE_STATES, Download, MediaItem
from .views import download_labels, shown_state


@dataclass(frozen=True)
class DownloadRow:
    id: int
    info_hash: str
    kind: str
    item_id: int
    #: how a person names what it is for: "Big Buck Bunny (2008)", "The Expanse S01E02", "... S01"
    target: str
    title: str
    indexer: str
    state: str
    #: the state as a person reads it (:func:`mydia_tui.views.shown_state`: offline, vanished)
    shown_state: str
    client_state: str
    progress: float
    size: int
    total_done: int
    download_rate: int
    upload_rate: int
    eta: int | None
    ratio: float
    seeds: int
    peers: int
    quality: str
    error_message: str | None
    claimed_at: str
    added_at: str | None
    completed_at: str | None
    imported_at: str | None
    failed_at: str | None
    removed_at: str | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _targets(downloads: list[Download]) -> dict[int, str]:
    """Target labels for many downloads, as the downloads pane shows them."""
    labels = download_labels([d.id for d in downloads])
    return {download_id: target for download_id, (_, target) in labels.items()}


def to_row(d: Download, target: str) -> DownloadRow:
    return DownloadRow(
        id=d.id,
        info_hash=d.info_hash,
        kind=d.kind,
        item_id=d.item_id,
        target=target,
        title=d.title,
        indexer=d.indexer,
        state=d.state,
        shown_state=shown_state(d.state, d.missing_polls or 0),
        client_state=d.client_state,
        progress=d.progress or 0.0,
        size=d.size or 0,
        total_done=d.total_done or 0,
        download_rate=d.download_rate or 0,
        upload_rate=d.upload_rate or 0,
        eta=d.eta,
        ratio=d.ratio or 0.0,
        seeds=d.seeds or 0,
        peers=d.peers or 0,
        quality=d.quality,
        error_message=d.error_message,
        claimed_at=_iso(d.claimed_at) or "",
        added_at=_iso(d.added_at),
        completed_at=_iso(d.completed_at),
        imported_at=_iso(d.imported_at),
        failed_at=_iso(d.failed_at),
        removed_at=_iso(d.removed_at),
    )


def list_downloads(
    *, include_finished: bool = False, limit: int | None = None
) -> list[DownloadRow]:
    query = (
        Download.select(Download, MediaItem)
        .join(MediaItem)
        .order_by(Download.claimed_at.desc(), Download.id.desc())
    )
    if not include_finished:
        query = query.where(Download.state.in_(ACTIVE_STATES))
    if limit:
        query = query.limit(limit)
    downloads = list(query)
    labels = _targets(downloads)
    return [to_row(d, labels[d.id]) for d in downloads]


def get_download(download_id: int) -> DownloadRow | None:
    rows = list(
        Download.select(Download, MediaItem).join(MediaItem).where(Download.id == download_id)
    )
    if not rows:
        return None
    return to_row(rows[0], _targets(rows)[rows[0].id])
