"""What the command line prints for ``--json``: the stable contract the README documents.

Every ``--json`` object is built here and nowhere else, from the core's plain rows and
outcomes; fields are only ever added. :func:`emit_json` writes one document to stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ..config import Config, redact_text, redacted


def emit_json(data: Any) -> None:
    """Write ``data`` to stdout as indented JSON (datetimes and paths as text)."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


# -- the library ------------------------------------------------------------------------------


def item_json(info) -> dict:
    """``add movie --json`` / ``add show --json``: the item as added."""
    return {
        "id": info.id,
        "kind": info.kind,
        "title": info.title,
        "year": info.year,
        "monitored": info.monitored,
        "imdb_id": info.imdb_id,
        "tmdb_id": info.tmdb_id,
        "tvmaze_id": info.tvmaze_id,
        "folder": info.folder,
        "episodes": info.episodes if info.kind == "show" else None,
        "specials": info.specials if info.kind == "show" else None,
    }


def deleted_json(d) -> dict:
    """``delete ITEM --json``: the item deleted, and what became of its files (absolute
    paths; ``files_failed`` with why each one stayed)."""
    return {
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "year": d.year,
        "deleted": True,
        "files_deleted": list(d.files_deleted),
        "files_kept": list(d.files_kept),
        "files_failed": [{"path": p, "error": why} for p, why in d.files_failed],
        "history_kept": d.history_kept,
    }


def cutoff_unmet_json(u) -> dict:
    """``list --cutoff-unmet --json``: a film or episode whose file is below its cutoff."""
    return {
        "item_id": u.item_id,
        "kind": "movie" if u.episode_id is None else "episode",
        "title": u.title,
        "year": u.year,
        "episode_id": u.episode_id,
        "season": u.season,
        "episode": u.number,
        "quality": u.quality,
        "cutoff": u.cutoff,
        "profile": u.profile,
    }


def upgrades_json(item_id: int, paused: bool, resumed: bool, steps) -> dict:
    """``upgrades ITEM --json``: the item's upgrades, oldest first, and whether they pause."""
    return {
        "item_id": item_id,
        "paused": paused,
        "resumed": resumed,
        "upgrades": [
            {
                "at": s.at,
                "from": s.from_quality,
                "to": s.to_quality,
                "outcome": s.outcome,
                "release": s.release,
            }
            for s in steps
        ],
    }


def item_row_json(row) -> dict:
    """``list --json``: one item with its status."""
    data = {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "year": row.year,
        "monitored": row.monitored,
        "status": row.status,
        "wanted": row.is_wanted,
        "quality": row.quality or None,
        "progress": row.progress,
        "imdb_id": row.imdb_id,
        "tvmaze_id": row.tvmaze_id,
        "added_at": row.added_at,
    }
    if row.kind == "show":
        data["episodes"] = {
            "total": row.episodes,
            "aired": row.aired,
            "on_disk": row.episodes_on_disk,
            "wanted": row.wanted,
        }
    return data


def candidate_json(c) -> dict[str, Any]:
    return {
        "tvmaze_id": c.tvmaze_id,
        "name": c.name,
        "premiered_year": c.premiered_year,
        "network": c.network or None,
        "status": c.status or None,
    }


def refresh_json(r) -> dict[str, Any]:
    return {
        "id": r.item_id,
        "title": r.title,
        "added": r.added,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "not_on_tvmaze": r.not_on_tvmaze,
        "conflicts": list(r.conflicts),
    }


def monitored_json(item_id: int, monitored: bool, changed: int) -> dict[str, Any]:
    return {"id": item_id, "monitored": monitored, "changed": changed}


# -- downloads and history --------------------------------------------------------------------


def download_json(d) -> dict[str, Any]:
    """``downloads --json``: one download; ``state`` is its state, ``shown_state`` the word
    the text prints (:func:`mydia_tui.views.shown_state`: ``offline`` for ``unknown``,
    ``vanished``)."""
    return {
        "id": d.id,
        "info_hash": d.info_hash,
        "kind": d.kind,
        "item_id": d.item_id,
        "target": d.target,
        "title": d.title,
        "indexer": d.indexer or None,
        "state": d.state,
        "progress": round(d.progress, 4),
        "size": d.size,
        "download_rate": d.download_rate,
        "upload_rate": d.upload_rate,
        "eta": d.eta,
        "ratio": round(d.ratio, 3),
        "seeds": d.seeds,
        "peers": d.peers,
        "quality": d.quality or None,
        "error": d.error_message,
        "claimed_at": d.claimed_at,
        "added_at": d.added_at,
        "completed_at": d.completed_at,
        "imported_at": d.imported_at,
        "failed_at": d.failed_at,
        "removed_at": d.removed_at,
        # added after "state" (kept: the state itself): the word the text and the TUI show
        "shown_state": d.shown_state,
    }


def retry_json(download_id: int) -> dict[str, Any]:
    return {"id": download_id, "state": "completed", "retry": True}


def action_json(d, action: str, message: str, **extra: Any) -> dict[str, Any]:
    """``pause``, ``resume``, ``recheck``, ``queue``, ``remove`` ``--json``: the download after
    the action (id, info-hash, title, our state), what was done and the options given."""
    data: dict[str, Any] = {
        "id": d.id,
        "info_hash": d.info_hash,
        "title": d.title,
        "action": action,
        "state": d.state,
        "message": message,
    }
    if action == "queue":
        data["move"] = extra["move"]
    if action == "remove":
        data["with_data"] = bool(extra["delete_data"])
        data["blocklisted"] = bool(extra["blocklisted"])
        data["searched_again"] = bool(extra.get("searched_again", False))
    return data


def blocklist_json(e) -> dict[str, Any]:
    """``blocklist --json`` (one per entry) and ``blocklist add --json``."""
    return {
        "id": e.id,
        "info_hash": e.info_hash,
        "title": e.title or None,
        "indexer": e.indexer or None,
        "guid": e.guid or None,
        "size": e.size,
        "reason": e.reason,
        "item_id": e.item_id,
        "added_at": e.added_at,
        "expires_at": e.expires_at,
    }


def unblock_json(entry_id: int) -> dict[str, Any]:
    """``blocklist remove --json``."""
    return {"id": entry_id, "removed": True}


def clear_json(cleared: int, older_than_days: float | None) -> dict[str, Any]:
    """``blocklist clear --json``: how many entries were removed, and the age limit given."""
    return {"cleared": cleared, "older_than_days": older_than_days}


def history_json(e) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at,
        "event": e.event,
        "reason": e.reason or None,
        "message": e.message,
        "item_id": e.item_id,
        "episode_id": e.episode_id,
        "season": e.season,
        "download_id": e.download_id,
        "data": e.data,
    }


def grab_json(outcome, target, release) -> dict:
    """``grab --json``: the guard's outcome, the target's label and the release."""
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


# -- search -----------------------------------------------------------------------------------


def release_json(r) -> dict:
    """A release as an indexer offered it (its download URL may carry a key: left out)."""
    return {
        "title": r.title,
        "indexer": r.indexer,
        "guid": redact_text(r.guid),
        "size": r.size,
        "seeders": r.seeders,
        "peers": r.peers,
        "published": r.published.isoformat() if r.published else None,
        "info_hash": r.info_hash,
        "categories": list(r.categories),
        "imdb_id": r.imdb_id,
        "tmdb_id": r.tmdb_id,
        "tvdb_id": r.tvdb_id,
        "tvmaze_id": r.tvmaze_id,
    }


def decision_json(d) -> dict:
    """A release with the release rules' verdict on it."""
    return {
        **release_json(d.release),
        "accepted": d.accepted,
        "reason": d.reason_code,
        "message": d.message,
        "quality": d.quality,
        "parsed_title": d.parsed.title,
        "year": d.parsed.year,
        "seasons": list(d.parsed.seasons),
        "episodes": list(d.parsed.episodes),
        "season_pack": d.parsed.is_season_pack,
    }


def search_json(outcome) -> dict:
    """JSON-ready: candidates (best first), rejected with reasons, indexer reports."""
    have = outcome.upgrade_from
    return {
        "target": outcome.target.label(),
        "candidates": [
            {**decision_json(d), "upgrade": {"from": have, "to": d.quality} if have else None}
            for d in outcome.candidates
        ],
        "rejected": [decision_json(d) for d in outcome.rejected],
        "indexers": [
            {
                "name": r.name,
                "ok": r.ok,
                "results": r.results,
                "dropped": r.dropped,
                "error": r.error_code,
                "message": r.message,
                "seconds": round(r.seconds, 3),
            }
            for r in outcome.indexers
        ],
        "upgrade_from": outcome.upgrade_from,
    }


# -- scan -------------------------------------------------------------------------------------


def _issue_json(i) -> dict[str, Any]:
    return {"root": i.root, "path": i.path, "code": i.code, "message": i.message}


def scan_json(report) -> dict[str, Any]:
    """The stable ``scan --json`` summary (README: JSON output)."""
    return {
        "roots": [
            {
                "path": r.path,
                "kind": r.kind,
                "status": r.status,
                "files_seen": r.files_seen,
                "added": r.added,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "removed": r.removed,
                "held_back": r.held_back,
                "unmatched": r.unmatched,
                "skipped": r.skipped,
            }
            for r in report.roots
        ],
        "files_seen": report.files_seen,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "held_back": report.held_back,
        "parsed": report.parsed,
        "unmatched": [
            {"root": u.root, "path": u.path, "reason": u.reason} for u in report.unmatched
        ],
        "warnings": [_issue_json(w) for w in report.warnings],
        "errors": [_issue_json(e) for e in report.errors],
        "duration": round(report.duration, 3),
    }


# -- doctor and config ------------------------------------------------------------------------


def doctor_json(findings: list, ok: bool) -> dict[str, Any]:
    return {
        "ok": ok,
        "findings": [
            {"area": f.area, "ok": f.ok, "warning": f.warning, "message": f.message}
            for f in findings
        ],
    }


def profile_json(profile, default: bool, items: int) -> dict[str, Any]:
    """``profiles --json``: one quality profile, whether it is the default, and how many
    items search with it (:func:`mydia_tui.profiles.item_counts`) (sizes in MiB, as in config.toml; ``cutoff`` null: none, no upgrades)."""
    return {
        "name": profile.name,
        "default": default,
        "qualities": list(profile.qualities),
        "cutoff": profile.cutoff or None,
        "upgrades_allowed": profile.upgrades_allowed,
        "min_size_mb": profile.min_size_mb,
        "max_size_mb": profile.max_size_mb,
        "blocked_words": list(profile.blocked_words),
        "preferred_words": list(profile.preferred_words),
        "items": items,
    }


def config_json(config: Config, source: str) -> dict[str, Any]:
    """``config show --json``: where it was read from, and every setting, secrets redacted."""
    return {"source": source, "config": redacted(config)}
