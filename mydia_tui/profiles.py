"""The ``quality_profile`` table: the profiles films and shows point at, kept in step with the
built-in and configured ones (:mod:`mydia_tui.releases.quality` defines them; it never touches
the database)."""

from __future__ import annotations

import json
import os
from typing import Any

from .config import Config, KeyPath, ProfileConfig, QualityConfig, save_config
from .db import write_transaction
from .errors import NotFound, UsageError
from .models import MediaItem, QualityProfile
from .releases.quality import BUILTIN_PROFILES, all_profiles, check_quality, resolve_profile
from .targets import Target, target_label
from .units import counted


def profile_name(target: Target) -> str | None:
    """The item's quality profile, or None for the configured default."""
    row = (
        QualityProfile.select(QualityProfile.name)
        .join(MediaItem, on=(MediaItem.quality_profile == QualityProfile.id))
        .where(MediaItem.id == target.item_id)
        .first()
    )
    return row.name if row else None


def item_profile(item_id: int, quality: QualityConfig | None = None) -> ProfileConfig:
    """The item's quality profile: its ``quality_profile`` row, else the configured default
    (``[quality] default_profile``). Raises ConfigError for an unknown default."""
    row = (
        QualityProfile.select()
        .join(MediaItem, on=(MediaItem.quality_profile == QualityProfile.id))
        .where(MediaItem.id == item_id)
        .first()
    )
    return profile_from_row(row) if row is not None else resolve_profile(None, quality)


def profile_from_row(row) -> ProfileConfig:
    """A :class:`ProfileConfig` from a ``quality_profile`` row."""
    return ProfileConfig(
        name=row.name,
        qualities=tuple(json.loads(row.qualities or "[]")),
        cutoff=row.cutoff or "",
        upgrades_allowed=bool(row.upgrades_allowed),
        min_size_mb=float(row.min_size_mb or 0),
        max_size_mb=float(row.max_size_mb or 0),
        blocked_words=tuple(json.loads(row.blocked_words or "[]")),
        preferred_words=tuple(json.loads(row.preferred_words or "[]")),
    )


def sync_profiles(quality: QualityConfig | None = None) -> dict[str, int]:
    """Write the built-in and configured profiles into the ``quality_profile`` table (insert
    or update by name; rows of profiles no longer defined are kept, since items may point at
    them). Returns name -> row id."""
    ids: dict[str, int] = {}
    with write_transaction():
        for p in all_profiles(quality).values():
            fields = {
                "qualities": json.dumps(list(p.qualities)),
                "cutoff": p.cutoff,
                "upgrades_allowed": p.upgrades_allowed,
                "min_size_mb": p.min_size_mb,
                "max_size_mb": p.max_size_mb,
                "blocked_words": json.dumps(list(p.blocked_words)),
                "preferred_words": json.dumps(list(p.preferred_words)),
            }
            row = QualityProfile.get_or_none(QualityProfile.name == p.name)
            if row is None:
                row = QualityProfile.create(name=p.name, **fields)
            else:
                QualityProfile.update(**fields).where(QualityProfile.id == row.id).execute()
            ids[p.name] = row.id
    return ids


def profile_names(quality: QualityConfig | None = None) -> list[str]:
    """The names of every profile an item may take (built-in and configured), sorted."""
    return sorted(all_profiles(quality))


def item_profile_name(item_id: int) -> str | None:
    """The name of the profile the item points at, or None (the configured default)."""
    row = (
        QualityProfile.select(QualityProfile.name)
        .join(MediaItem, on=(MediaItem.quality_profile == QualityProfile.id))
        .where(MediaItem.id == item_id)
        .first()
    )
    return row.name if row else None


def set_item_profile(item_id: int, name: str | None, quality: QualityConfig | None = None) -> bool:
    """Give the item the profile called ``name`` (None: the configured default, whatever it
    becomes); returns whether it changed. Raises :class:`UsageError` for a name that is not a
    built-in or configured profile and :class:`NotFound` for an unknown item. The profiles
    are written to the ``quality_profile`` table first (:func:`sync_profiles`)."""
    if name is not None and name not in all_profiles(quality):
        known = ", ".join(profile_names(quality))
        raise UsageError(f"no quality profile named {name!r}: known are {known}")
    row_id = sync_profiles(quality)[name] if name is not None else None
    with write_transaction():
        item = MediaItem.get_or_none(MediaItem.id == item_id)
        if item is None:
            raise NotFound(f"no film or show with id {item_id}")
        if item.quality_profile_id == row_id:
            return False
        MediaItem.update(quality_profile=row_id).where(MediaItem.id == item_id).execute()
    return True


def items_using(name: str) -> list[tuple[str, str]]:
    """The items that point at the profile ``name``: each one's kind (``"movie"``,
    ``"show"``) and how a person names it ("Sintel (2010)")."""
    rows = (
        MediaItem.select(MediaItem.kind, MediaItem.title, MediaItem.year)
        .join(QualityProfile, on=(MediaItem.quality_profile == QualityProfile.id))
        .where(QualityProfile.name == name)
        .order_by(MediaItem.id)
        .tuples()
    )
    return [(kind, target_label(kind, title, year)) for kind, title, year in rows]


def item_counts(quality: QualityConfig) -> dict[str, int]:
    """Profile name -> how many items search with it: those pointing at it, and, for the
    default profile, those without a profile of their own. One grouped query."""
    from peewee import JOIN, fn

    counts: dict[str, int] = {}
    rows = (
        MediaItem.select(QualityProfile.name, fn.COUNT(MediaItem.id))
        .join(QualityProfile, JOIN.LEFT_OUTER, on=(MediaItem.quality_profile == QualityProfile.id))
        .group_by(QualityProfile.name)
        .tuples()
    )
    for name, n in rows:
        key = quality.default_profile if name is None else name
        counts[key] = counts.get(key, 0) + n
    return counts


def removal_refusal(name: str, quality: QualityConfig) -> str | None:
    """Why the profile ``name`` may not be removed, in one line, or None when it may. The
    rule of Sonarr and Radarr: no profile in use is deleted; the default profile (what new
    items get, and what items without their own profile search with) is always in use. One
    item using it is named; more are counted."""
    if name == quality.default_profile:
        return f"{name!r} is the default profile: choose another default first"
    used = items_using(name)
    if len(used) == 1:
        return f"{name!r} is the profile of {used[0][1]}: give it another profile first"
    if used:
        kinds = [kind for kind, _label in used]
        counts = [
            counted(kinds.count(kind), word)
            for kind, word in (("movie", "film"), ("show", "show"))
            if kind in kinds
        ]
        return f"{name!r} is the profile of {' and '.join(counts)}: give them another profile first"
    if name not in all_profiles(quality):
        return f"no quality profile named {name!r}"
    return None


def removal_changes(name: str, quality: QualityConfig) -> dict[KeyPath, Any]:
    """The changes (:func:`~mydia_tui.config.save_config`'s) that remove the profile
    ``name``: its ``[[quality.profiles]]`` entries, and a built-in one's name added to
    ``removed_profiles``."""
    changes: dict[KeyPath, Any] = {}
    entries = [p.name for p in quality.profiles]
    if entries and set(entries) == {name}:
        changes[("quality", "profiles")] = None  # no ``profiles = []`` left behind
    for index in reversed(range(len(entries))):  # from the last: indexes stay true
        if entries[index] == name and not changes:
            changes[("quality", "profiles", index)] = None
    if name in {p.name for p in BUILTIN_PROFILES}:
        changes[("quality", "removed_profiles")] = [*quality.removed_profiles, name]
    return changes


def remove_profile(path: str | os.PathLike[str], name: str, quality: QualityConfig) -> Config:
    """Remove the profile ``name`` from the configuration file at ``path`` (its comments and
    layout kept, as :func:`~mydia_tui.config.save_config` writes) and return the new
    configuration; refused with :class:`UsageError` (:func:`removal_refusal`'s words) when it
    is in use, and nothing is written. Reads the database: call it off the UI thread."""
    refusal = removal_refusal(name, quality)
    if refusal is not None:
        raise UsageError(refusal)
    return save_config(path, removal_changes(name, quality), check_quality)
