"""Grabbing a release: the one path of every grab.

:func:`grab_release` is what every grab calls: the search monitor (its grabber,
:func:`candidate_grabber`, in the background and for the user's "search now"), the TUI's
interactive grab (:meth:`mydia_tui.services.Services.grab`) and ``mydia-tui grab``. It

1. refuses at once, before anything is fetched, when the release's info-hash is known and the
   dedup guard already says no;
2. reads the release's torrent (its magnet, or the .torrent behind its link), so that its
   info-hash is known before anything is claimed; a release whose torrent cannot be read is
   blocklisted and refused (``bad_release``);
3. hands it to the guard (:meth:`mydia_tui.guard.Guard.grab`): the claim, then the client's
   add (:func:`send_to_deluge`), then its answer recorded (:mod:`mydia_tui.lifecycle`).

This is the only code that calls the client's add, and it does so only from inside the guard.
Why a grab was refused is a :class:`~mydia_tui.refusals.Reason`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

from .config import redact_text
from .deluge import (
    AddResult,
    DelugeClient,
    DelugeTimeout,
    DelugeUnreachable,
    PreparedTorrent,
    TorrentFetchError,
    prepare_magnet,
    prepare_url,
)
from .guard import AmbiguousClientError, GrabRequest, Guard, Outcome, blocklist
from .refusals import Reason, Refusal
from .targets import Target
from .torrent import BadTorrent

log = logging.getLogger(__name__)


class ReleaseLike(Protocol):
    """What the grab path reads of an indexer's release (read-only):
    :class:`mydia_tui.releases.release.Release` is one."""

    @property
    def title(self) -> str: ...
    @property
    def indexer(self) -> str: ...
    @property
    def guid(self) -> str: ...
    @property
    def size(self) -> int | None: ...
    @property
    def info_hash(self) -> str | None: ...
    @property
    def magnet(self) -> str | None: ...
    @property
    def download_url(self) -> str | None: ...


class CandidateLike(Protocol):
    """A ranked, accepted search result: a release and its quality (read-only):
    :class:`mydia_tui.releases.decide.Decision` is one."""

    @property
    def release(self) -> ReleaseLike: ...
    @property
    def quality(self) -> Any: ...


#: a grabber: (target, candidate) -> what came of grabbing it (see :func:`candidate_grabber`)
Grabber = Callable[[Target, CandidateLike], Outcome]


def grab_release(
    client: DelugeClient,
    target: Target | None,
    release: ReleaseLike,
    *,
    quality: str = "",
    torrent: PreparedTorrent | None = None,
    guard: Guard | None = None,
    secrets: Sequence[str] = (),
    fetch_timeout: float | None = None,
) -> Outcome:
    """Grab ``release`` for ``target`` through the dedup guard and hand it to Deluge: the one
    path of every grab (see the module's description).

    ``release`` is what the indexer offered (for ``mydia-tui grab``, a
    :class:`~mydia_tui.releases.release.Release` with the user's title, or none); ``quality``
    is the quality the release rules read in it. ``torrent`` is its torrent when already read
    (the command line's magnet, file or URL): else it is read here, from the release's magnet or
    download link (``fetch_timeout`` seconds, by default three times Deluge's RPC timeout and at
    least 10). ``guard`` names the claims' holder (a new :class:`~mydia_tui.guard.Guard` of
    this process by default); ``secrets`` are stripped from what is recorded.

    Never raises for a refusal: the outcome says what happened (a refusal is also in the
    history); raises only what the database raises."""
    guard = guard or Guard()
    if torrent is None:
        if release.info_hash:
            # refuse before fetching anything when the hash already says no
            early = GrabRequest(
                info_hash=release.info_hash,
                title=release.title,
                indexer=release.indexer,
                guid=release.guid or "",
                size=release.size or 0,
                quality=quality,
            )
            refusal = guard.check(target, early)
            if refusal is not None:
                return guard.record_refusal(target, early, refusal)
        timeout = fetch_timeout if fetch_timeout is not None else max(10.0, client.timeout * 3)
        try:
            torrent = read_torrent(release, timeout=timeout, secrets=secrets)
        except (BadTorrent, TorrentFetchError) as exc:
            return _refuse_bad_release(guard, target, release, redact_text(str(exc), secrets))
    request = grab_request(torrent, release, quality=quality, secrets=secrets)
    prepared = torrent

    def send() -> AddResult:
        # the guard refuses a grab without a target (invalid_target) before it sends anything
        assert target is not None
        return send_to_deluge(client, prepared, target)

    return guard.grab(target, request, send)


def candidate_grabber(
    client: DelugeClient, *, guard: Guard | None = None, secrets: Sequence[str] = ()
) -> Grabber:
    """The search monitor's grabber: each candidate it tries goes through
    :func:`grab_release`, with the quality the release rules read in it."""

    def grab_candidate(target: Target, candidate: CandidateLike) -> Outcome:
        quality = str(getattr(candidate, "quality", "") or "")
        return grab_release(
            client, target, candidate.release, quality=quality, guard=guard, secrets=secrets
        )

    return grab_candidate


def read_torrent(
    release: ReleaseLike, *, timeout: float, secrets: Sequence[str] = ()
) -> PreparedTorrent:
    """The release's torrent, from its magnet or its download link. Raises
    :class:`~mydia_tui.torrent.BadTorrent` or :class:`~mydia_tui.deluge.TorrentFetchError`."""
    if release.magnet:
        return prepare_magnet(release.magnet, source="magnet")
    if release.download_url:
        return prepare_url(release.download_url, timeout=timeout, secrets=list(secrets))
    raise BadTorrent("the release has neither a magnet nor a download link")


def _refuse_bad_release(
    guard: Guard, target: Target | None, release: ReleaseLike, message: str
) -> Outcome:
    """A release whose torrent cannot be read: blocklisted (no search offers it again) and
    refused, so that the next release is tried."""
    blocklist(
        info_hash=release.info_hash,
        title=release.title,
        indexer=release.indexer,
        guid=release.guid or "",
        size=release.size,
        reason=f"bad release: {message}",
        item_id=target.item_id if target is not None else None,
    )
    placeholder = GrabRequest(
        info_hash=release.info_hash or "0" * 40,
        title=release.title,
        indexer=release.indexer,
        guid=release.guid or "",
    )
    return guard.record_refusal(target, placeholder, Refusal(Reason.BAD_RELEASE, message))


def grab_request(
    torrent: PreparedTorrent,
    release: ReleaseLike,
    *,
    quality: str = "",
    secrets: Sequence[str] = (),
) -> GrabRequest:
    """What the guard is asked to claim: ``release`` with its torrent read (the title defaults
    to the torrent's name, the size to its size); the magnet or URL is kept without
    ``secrets``."""
    source = (
        "magnet"
        if torrent.is_magnet
        else ("url" if torrent.source.startswith("http") else "torrent")
    )
    uri = torrent.magnet if torrent.is_magnet else torrent.source
    return GrabRequest(
        info_hash=torrent.info_hash,
        title=release.title or torrent.name or torrent.info_hash,
        indexer=release.indexer,
        guid=release.guid or "",
        size=release.size or torrent.total_size or 0,
        quality=quality,
        source=source,
        source_uri=redact_text(uri or "", list(secrets)),
    )


def client_kind(target: Target) -> Literal["movies", "shows"]:
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
