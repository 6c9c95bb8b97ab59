"""Grabbing a release: prepare it (know its info-hash), pass the guard, hand it to Deluge.

This is the only code that calls the client's add, and it does so only from inside
:meth:`Guard.grab`. The TUI's manual grab, ``mydia-tui grab`` and the monitors all come here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import Config, redact_text, secrets_of
from .deluge import (
    DelugeClient,
    DelugeTimeout,
    DelugeUnreachable,
    PreparedTorrent,
    prepare,
)
from .errors import EXIT_OK, EXIT_REFUSED, MydiaError, UsageError
from .guard import AmbiguousClientError, Guard, Outcome, Release
from .targets import Target, episodes_target, movie_target, season_target

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


def _target_from_args(args) -> Target:
    if args.movie is not None:
        return movie_target(args.movie)
    if args.episode:
        return episodes_target(args.episode)
    spec = args.season or ""
    show, sep, season = spec.partition(":")
    if not sep or not show.isdigit() or not season.isdigit():
        raise UsageError(f"--season takes SHOW_ID:SEASON, e.g. 12:2 (not {spec!r})")
    return season_target(int(show), int(season))


def _prepare_from_args(args, config: Config) -> PreparedTorrent:
    if args.magnet:
        return prepare(args.magnet)
    if args.torrent:
        path = Path(args.torrent)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
        return prepare(data)
    return prepare(args.url, timeout=config.deluge.timeout * 3, secrets=secrets_of(config))


def outcome_json(outcome: Outcome, target: Target | None, release: Release | None) -> dict:
    return {
        "accepted": outcome.accepted,
        "reason": outcome.reason or None,
        "message": outcome.message,
        "download_id": outcome.download_id,
        "adopted": outcome.adopted,
        "pending": outcome.pending,
        "target": target.label() if target else None,
        "info_hash": release.info_hash if release else None,
        "title": release.title if release else None,
    }


def cmd_grab(ctx) -> int:
    from .cli import emit_json

    ctx.db()
    args = ctx.args
    target = _target_from_args(args)
    prepared = _prepare_from_args(args, ctx.config)
    secrets = secrets_of(ctx.config)
    info = ReleaseInfo(title=args.title or "")
    release = guard_release(prepared, info, secrets)
    client = DelugeClient(ctx.config.deluge)
    try:
        outcome = Guard().grab(target, release, lambda: send_to_deluge(client, prepared, target))
    finally:
        client.close()
    if ctx.json:
        emit_json(outcome_json(outcome, target, release))
    if outcome.accepted:
        if not ctx.json:
            if outcome.pending:
                print(
                    f"sent {release.title} for {target.label()}, but Deluge did not confirm: "
                    f"{outcome.message} (download {outcome.download_id} is kept until the monitor "
                    "finds the torrent or gives up)"
                )
            else:
                print(f"{outcome.message} for {target.label()} (download {outcome.download_id})")
        return EXIT_OK
    if outcome.reason == "client_error":
        raise MydiaError(f"Deluge did not take {release.title}: {outcome.message}")
    if not ctx.json:
        import sys

        print(f"mydia-tui: refused ({outcome.reason}): {outcome.message}", file=sys.stderr)
    return EXIT_REFUSED


__all__ = ["ReleaseInfo", "cmd_grab", "grab", "guard_release", "send_to_deluge"]
