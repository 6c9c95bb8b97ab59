"""``add movie``, ``add show``, ``delete``, ``list``, ``monitored``, ``refresh``."""

from __future__ import annotations

import sys
from typing import Any

from ..errors import EXIT_FAILURE, EXIT_OK, MydiaError
from ..units import counted
from .main import Context, say
from .output import (
    candidate_json,
    cutoff_unmet_json,
    deleted_json,
    emit_json,
    item_json,
    item_row_json,
    monitored_json,
    refresh_json,
    upgrades_json,
)


def cmd_add_movie(ctx: Context) -> int:
    from ..library import add_movie

    ctx.db()
    info = add_movie(
        ctx.args.title,
        ctx.args.year,
        imdb_id=ctx.args.imdb,
        tmdb_id=ctx.args.tmdb,
        monitored=not ctx.args.unmonitored,
    )
    if ctx.json:
        emit_json(item_json(info))
    else:
        say(f"added film {info.title} ({info.year}) as id {info.id}" + _monitored_note(info))
    return EXIT_OK


def cmd_add_show(ctx: Context) -> int:
    from ..library import add_show, manual_episodes, parse_seasons

    ctx.db()
    args = ctx.args
    if args.seasons:
        episodes = manual_episodes(parse_seasons(args.seasons))
        info = add_show(args.title, episodes, year=args.year, monitored=not args.unmonitored)
    else:
        from ..metadata import AmbiguousShow, add_show_from_tvmaze

        try:
            info = add_show_from_tvmaze(
                ctx.config,
                args.title,
                tvmaze_id=args.tvmaze,
                year=args.year,
                monitored=not args.unmonitored,
            )
        except AmbiguousShow as exc:
            # the choices go to stdout (a table, or JSON), the one-line error to stderr
            if ctx.json:
                emit_json({"candidates": [candidate_json(c) for c in exc.candidates]})
            else:
                say(f"several TVmaze shows match {args.title!r}; add one with --tvmaze ID:")
                for c in exc.candidates:
                    say(f"{c.tvmaze_id:>8}  {c.label()}")
            raise
    if ctx.json:
        emit_json(item_json(info))
    else:
        year = f" ({info.year})" if info.year else ""
        say(
            f"added show {info.title}{year} as id {info.id} with {info.episodes_said()}"
            + _monitored_note(info)
        )
    return EXIT_OK


def cmd_delete(ctx: Context) -> int:
    """``mydia-tui delete ITEM_ID [--files]``: exit 1 when a file could not be deleted."""
    from ..library import delete_item

    ctx.db()
    done = delete_item(ctx.args.item_id, delete_files=ctx.args.files)
    if ctx.json:
        emit_json(deleted_json(done))
    else:
        kind = "film" if done.kind == "movie" else "show"
        year = f" ({done.year})" if done.year else ""
        say(f"deleted {kind} {done.title}{year} (id {done.id}); its history is kept")
        for path in done.files_deleted:
            say(f"  deleted {path}")
        if done.files_kept:
            say(f"  {counted(len(done.files_kept), 'file')} left on disk (--files deletes them)")
        for path, why in done.files_failed:
            say(f"mydia-tui: {path}: {why}", file=sys.stderr)
    return EXIT_FAILURE if done.files_failed else EXIT_OK


def _monitored_note(info) -> str:
    return "" if info.monitored else " (unmonitored)"


_STATUS_TEXT = {
    "on_disk": "on disk",
    "missing": "missing",
    "downloading": "downloading",
    "unmonitored": "unmonitored",
    "partial": "partly on disk",
    "complete": "complete",
    "upcoming": "upcoming",
}


def cmd_list(ctx: Context) -> int:
    from ..views import list_items

    ctx.db()
    kind = {"movies": "movie", "shows": "show", None: None}[ctx.args.kind]
    if ctx.args.cutoff_unmet:
        return _list_cutoff_unmet(ctx, kind)
    rows = list_items(
        kind=kind,
        wanted_only=ctx.args.wanted,
        include_specials=ctx.config.monitor.include_specials,
    )
    if ctx.json:
        emit_json([item_row_json(r) for r in rows])
        return EXIT_OK
    if not rows:
        say("nothing wanted" if ctx.args.wanted else "the library is empty")
        return EXIT_OK
    for r in rows:
        year = f" ({r.year})" if r.year else ""
        status = _STATUS_TEXT.get(r.status, r.status)
        if r.status == "on_disk" and r.quality:
            status += f" [{r.quality}]"
        if r.progress is not None and r.status == "downloading":
            # the state of the download, as the TUI says it (paused, offline, ...)
            status = f"{(r.download_state or status).replace('_', ' ')} {r.progress * 100:.0f}%"
        if r.kind == "show":
            status += f", {r.episodes_on_disk}/{r.aired} aired episodes on disk"
        kind = "film" if r.kind == "movie" else "show"
        say(f"{r.id:>6}  {kind:<4}  {r.title}{year}  {status}")
    return EXIT_OK


def _list_cutoff_unmet(ctx: Context, kind: str | None) -> int:
    from ..monitor.wanted import cutoff_unmet

    rows = [
        u
        for u in cutoff_unmet(
            ctx.config.quality, include_specials=ctx.config.monitor.include_specials
        )
        if kind is None or (kind == "movie") == (u.episode_id is None)
    ]
    if ctx.json:
        emit_json([cutoff_unmet_json(u) for u in rows])
        return EXIT_OK
    if not rows:
        say("no file below its profile's cutoff")
        return EXIT_OK
    for u in rows:
        year = f" ({u.year})" if u.year else ""
        what = "film" if u.episode_id is None else "show"
        episode = "" if u.episode_id is None else f" S{u.season:02d}E{u.number:02d}"
        say(
            f"{u.item_id:>6}  {what:<4}  {u.title}{year}{episode}  {u.quality}, "
            f"below the cutoff {u.cutoff} of {u.profile}"
        )
    return EXIT_OK


def cmd_upgrades(ctx: Context) -> int:
    from .. import upgrades
    from ..library import get_item
    from ..models import MediaItem, to_local
    from ..profiles import item_profile

    ctx.db()
    item = get_item(ctx.args.item_id)  # an unknown item is an error
    resumed = upgrades.resume(item.id) if ctx.args.resume else False
    paused = upgrades.is_paused(
        MediaItem.get_by_id(item.id).upgrades_paused, item_profile(item.id, ctx.config.quality)
    )
    steps = upgrades.chain(item.id)
    if ctx.json:
        emit_json(upgrades_json(item.id, paused, resumed, steps))
        return EXIT_OK
    for step in steps:
        at = to_local(step.at).strftime("%Y-%m-%d %H:%M:%S %z")
        outcome = "upgraded" if step.outcome == "upgraded" else "refused: not better"
        say(f"{at}  {step.from_quality} -> {step.to_quality}  {outcome}  {step.release}")
    if not steps:
        say(f"no upgrade of {item.title} yet")
    if resumed:
        say(f"upgrades of {item.title} resumed")
    elif paused:
        say(
            f"upgrades of {item.title} are paused after an upgrade that was not better: "
            f"resume them with: mydia-tui upgrades {item.id} --resume"
        )
    return EXIT_OK


def cmd_monitored(ctx: Context) -> int:
    from ..library import set_monitored

    ctx.db()
    value = ctx.args.state == "on"
    changed = set_monitored(
        ctx.args.item_id, value, season=ctx.args.season, episode=ctx.args.episode
    )
    if ctx.json:
        emit_json(monitored_json(ctx.args.item_id, value, changed))
    else:
        say(f"{'monitored' if value else 'unmonitored'}: {counted(changed, 'row')} changed")
    return EXIT_OK


def cmd_refresh(ctx: Context) -> int:
    """``mydia-tui refresh [ITEM_ID]``: one show, or every show that came from TVmaze."""
    from ..metadata import (
        MetadataError,
        RefreshResult,
        TVmazeClient,
        refresh_show,
        shows_to_refresh,
    )

    ctx.db()
    ids = [ctx.args.item_id] if ctx.args.item_id is not None else shows_to_refresh()
    results: list[RefreshResult] = []
    failures: list[dict[str, Any]] = []
    client = TVmazeClient(ctx.config.metadata)
    try:
        for item_id in ids:
            try:
                result = refresh_show(ctx.config, item_id, client=client)
            except MetadataError:
                raise  # the network is down: the other shows would fail the same way
            except MydiaError as exc:
                if ctx.args.item_id is not None:
                    raise
                failures.append({"id": item_id, "error": str(exc)})
                continue
            results.append(result)
    finally:
        client.close()
    if ctx.json:
        emit_json({"refreshed": [refresh_json(r) for r in results], "failed": failures})
    else:
        if not ids:
            say("no shows from TVmaze to refresh")
        for r in results:
            line = f"{r.title}: {r.added} new, {r.updated} updated, {r.unchanged} unchanged"
            if r.not_on_tvmaze:
                line += f", {r.not_on_tvmaze} no longer on TVmaze (kept)"
            say(line)
            for c in r.conflicts:
                say(f"  {c}")
        for f in failures:
            say(f"mydia-tui: show {f['id']}: {f['error']}", file=sys.stderr)
    return EXIT_FAILURE if failures else EXIT_OK
