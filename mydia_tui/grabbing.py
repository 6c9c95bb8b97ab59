"""Grabbing a release: prepare it (know its info-hash), pass the guard, hand it to Deluge.

This is the only code that calls the client's add, and it does so only from inside
:meth:`Guard.grab`. The TUI's manual grab, ``mydia-tui grab`` and the monitors all come here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .config import redact_text
from .deluge import (
    DelugeClient,
    DelugeTimeout,
    DelugeUnreachable,
    PreparedTorrent,
)
from .guard import AmbiguousClientError, Guard, Outcome, Release
from .targets import Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReleaseInfo:
    """What an indexer said of a release (all optional for a manual grab)."""

    title: str = ""
    indexer: str = ""
    guid: str = ""
    size: int = 0
    quality: str = ""


def guard_release(prepared: PreparedTorrent, info: ReleaseInfo, secrets: list[str]) -> Release:
    source = (
        "magnet"
        if prepared.is_magnet
        else ("url" if prepared.source.startswith("http") else "torrent")
    )
    uri = prepared.magnet if prepared.is_magnet else prepared.source
    return Release(
        info_hash=prepared.info_hash,
        title=info.title or prepared.name or prepared.info_hash,
        indexer=info.indexer,
        guid=info.guid,
        size=info.size or prepared.total_size or 0,
        quality=info.quality,
        source=source,
        source_uri=redact_text(uri or "", secrets),
    )


def client_kind(target: Target) -> str:
    return "movies" if target.kind == "movie" else "shows"


def send_to_deluge(client: DelugeClient, prepared: PreparedTorrent, target: Target):
    """The add, classified for the guard: a failure before anything reached the daemon is a
    plain error (the claim ends as failed); a timeout or a lost connection during the add is
    ambiguous (the claim stays "sending" until reconciliation finds the torrent or not)."""
    client.version()  # raises a definite error when the daemon cannot be reached at all
    try:
        return client.add(prepared, client_kind(target))
    except (DelugeTimeout, DelugeUnreachable) as exc:
        raise AmbiguousClientError(str(exc)) from None


def grab(
    guard: Guard,
    client: DelugeClient,
    target: Target | None,
    prepared: PreparedTorrent,
    info: ReleaseInfo,
    secrets: list[str] | None = None,
) -> Outcome:
    release = guard_release(prepared, info, secrets or [])
    return guard.grab(target, release, lambda: send_to_deluge(client, prepared, target))


# ---------------------------------------------------------------------------------------------
# mydia-tui grab


__all__ = ["ReleaseInfo", "grab", "guard_release", "send_to_deluge"]
