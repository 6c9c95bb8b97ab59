"""``grab``, ``downloads``, ``retry-import``, ``history``; ``pause``, ``resume``, ``recheck``,
``queue``, ``remove`` (a download's torrent in Deluge); ``blocklist`` and its edits."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Config, secrets_of
from ..deluge import MAX_TORRENT_BYTES, PreparedTorrent, prepare
from ..errors import EXIT_OK, EXIT_REFUSED, MydiaError, UsageError
from ..files import read_capped
from ..library import episodes_target, movie_target, season_target
from ..targets import Target
from .main import Context, say
from .output import (
    action_json,
    blocklist_json,
    clear_json,
    download_json,
    emit_json,
    grab_json,
    history_json,
    retry_json,
    unblock_json,
)


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
            data = read_capped(path, MAX_TORRENT_BYTES, "torrent file")
        except FileNotFoundError:
            raise UsageError(f"cannot read {path}: no such file") from None
        return prepare(data)
    return prepare(args.url, timeout=config.deluge.timeout * 3, secrets=secrets_of(config))


def cmd_grab(ctx: Context) -> int:
    from ..deluge import DelugeClient
    from ..grabbing import grab_release, grab_request
    from ..guard import Guard
    from ..releases.release import Release as IndexerRelease

    ctx.db()
    args = ctx.args
    target = _target_from_args(args)
    prepared = _prepare_from_args(args, ctx.config)
    secrets = secrets_of(ctx.config)
    offered = IndexerRelease(title=args.title or "", indexer="")
    release = grab_request(prepared, offered, secrets=secrets)  # what the output names
    client = DelugeClient(ctx.config.deluge, configured=ctx.config.deluge_configured)
    try:
        outcome = grab_release(
            client,
            target,
            offered,
            torrent=prepared,
            guard=Guard(quality=ctx.config.quality),
            secrets=secrets,
        )
    finally:
        client.close()
    if ctx.json:
        emit_json(grab_json(outcome, target, release))
    if outcome.accepted:
        if not ctx.json:
            if outcome.pending:
                say(
                    f"sent {release.title} for {target.label()}, but Deluge did not confirm: "
                    f"{outcome.message} (download {outcome.download_id} is kept until the monitor "
                    "finds the torrent or gives up)"
                )
            else:
                say(f"{outcome.message} for {target.label()} (download {outcome.download_id})")
        return EXIT_OK
    if outcome.reason == "client_error":
        raise MydiaError(f"Deluge did not take {release.title}: {outcome.message}")
    if not ctx.json:
        say(f"mydia-tui: refused ({outcome.reason}): {outcome.message}", file=sys.stderr)
    return EXIT_REFUSED


def cmd_downloads(ctx: Context) -> int:
    from ..downloads import list_downloads

    ctx.db()
    rows = list_downloads(include_finished=ctx.args.all)
    if ctx.json:
        emit_json([download_json(d) for d in rows])
        return EXIT_OK
    if not rows:
        say("no downloads" if ctx.args.all else "no active downloads (--all shows history)")
        return EXIT_OK
    for d in rows:
        line = f"{d.id:>6}  {d.shown_state:<13} {d.progress * 100:5.1f}%  {d.target}  {d.title}"
        if d.error_message:
            line += f"  ({d.error_message})"
        say(line)
    return EXIT_OK


def cmd_retry_import(ctx: Context) -> int:
    from ..downloads import get_download
    from ..monitor.importer import retry_import

    ctx.db()
    row = get_download(ctx.args.download_id)
    if row is None:
        raise MydiaError(f"no download with id {ctx.args.download_id}")
    if not retry_import(row.id):
        raise MydiaError(
            f"download {row.id} ({row.title}) is {row.state}, not waiting for an import retry"
        )
    if ctx.json:
        emit_json(retry_json(row.id))
    else:
        say(f"download {row.id} ({row.title}) will be imported again at the monitor's next poll")
    return EXIT_OK


def cmd_history(ctx: Context) -> int:
    from ..history import list_history
    from ..library import get_item

    ctx.db()
    if ctx.args.item_id is not None:
        get_item(ctx.args.item_id)  # an unknown item is an error, not an empty history
    try:
        events = list_history(item_id=ctx.args.item_id, kind=ctx.args.kind, limit=ctx.args.limit)
    except ValueError as exc:  # an unknown kind: the message lists them
        raise UsageError(str(exc)) from None
    if ctx.json:
        emit_json([history_json(e) for e in events])
        return EXIT_OK
    from ..history import event_name
    from ..models import to_local

    if not events:
        say(
            f"no {ctx.args.kind} events in the history" if ctx.args.kind else "the history is empty"
        )
    for e in events:
        reason = f" [{e.reason}]" if e.reason else ""
        at = to_local(e.at).strftime("%Y-%m-%d %H:%M:%S %z")
        say(f"{at}  {event_name(e.event):<13}{reason}  {e.message}")
    return EXIT_OK


# -- acting on a download's torrent in Deluge -------------------------------------------------


def _download_or_fail(download_id: int):
    from ..downloads import get_download

    row = get_download(download_id)
    if row is None:
        raise MydiaError(f"no download with id {download_id} (see mydia-tui downloads --all)")
    return row


def _act(ctx: Context, action: str, call: str = "", **extra: object) -> int:
    """Run one :class:`~mydia_tui.services.Services` action (the method ``call``, by default
    ``action``) on the torrent of download ``ctx.args.download_id`` and print what it did
    (``--json``: :func:`action_json`). Only the download that holds the torrent now acts on
    it (:func:`~mydia_tui.lifecycle.torrent_holder`): an older download of the same torrent
    says whose it is and touches nothing."""
    from ..services import Services

    ctx.db()
    row = _download_or_fail(ctx.args.download_id)
    services = Services(ctx.config)
    arguments = {k: v for k, v in extra.items() if k != "searched_again"}
    if call == "blocklist_and_search":
        arguments.pop("blocklisted", None)
    try:
        done = getattr(services, call or action)(row.info_hash, download_id=row.id, **arguments)
    finally:
        services.client.close()
    if ctx.json:
        after = _download_or_fail(row.id)
        emit_json(action_json(after, action, done.message, **extra))
    else:
        say(done.message)
    return EXIT_OK


def cmd_pause(ctx: Context) -> int:
    return _act(ctx, "pause")


def cmd_resume(ctx: Context) -> int:
    return _act(ctx, "resume")


def cmd_recheck(ctx: Context) -> int:
    return _act(ctx, "recheck")


def cmd_queue(ctx: Context) -> int:
    return _act(ctx, "queue", move=ctx.args.move)


def cmd_remove(ctx: Context) -> int:
    if ctx.args.search_again:
        return _act(
            ctx,
            "remove",
            call="blocklist_and_search",
            delete_data=ctx.args.with_data,
            blocklisted=True,
            searched_again=True,
        )
    return _act(ctx, "remove", delete_data=ctx.args.with_data, blocklisted=ctx.args.blocklist)


# -- the blocklist ----------------------------------------------------------------------------


def cmd_blocklist(ctx: Context) -> int:
    from ..guard import blocklist_entries

    ctx.db()
    entries = blocklist_entries()
    if ctx.json:
        emit_json([blocklist_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        say("the blocklist is empty")
    for e in entries:
        what = e.title or e.info_hash or f"{e.indexer} {e.guid}"
        say(f"{e.id:>6}  {e.info_hash or '-':<40}  {what}  ({e.reason})")
    return EXIT_OK


def cmd_blocklist_add(ctx: Context) -> int:
    from ..guard import blocklist_info_hash
    from ..torrent import BadTorrent

    ctx.db()
    try:
        entry = blocklist_info_hash(ctx.args.info_hash, ctx.args.reason)
    except BadTorrent as exc:
        raise UsageError(str(exc)) from None
    if ctx.json:
        emit_json(blocklist_json(entry))
    else:
        say(f"blocklisted {entry.info_hash} (entry {entry.id}): it is never grabbed again")
    return EXIT_OK


def cmd_blocklist_remove(ctx: Context) -> int:
    from ..guard import unblock

    ctx.db()
    if not unblock(ctx.args.entry_id):
        raise MydiaError(
            f"no blocklist entry with id {ctx.args.entry_id} (see mydia-tui blocklist)"
        )
    if ctx.json:
        emit_json(unblock_json(ctx.args.entry_id))
    else:
        say(f"blocklist entry {ctx.args.entry_id} removed: its release may be grabbed again")
    return EXIT_OK


def cmd_blocklist_clear(ctx: Context) -> int:
    from ..guard import clear_blocklist

    ctx.db()
    cleared = clear_blocklist(ctx.args.older_than)
    if ctx.json:
        emit_json(clear_json(cleared, ctx.args.older_than))
    else:
        older = f" added more than {ctx.args.older_than:g} days ago" if ctx.args.older_than else ""
        say(f"removed {cleared} blocklist entr{'y' if cleared == 1 else 'ies'}{older}")
    return EXIT_OK
