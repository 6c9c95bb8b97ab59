"""Quality upgrades: when a file on disk may be replaced by a better release, and the loop guard.

The terms (Sonarr's and Radarr's):

* a **quality profile** lists the qualities it accepts and its **cutoff**: the quality at which
  a file is good enough. A file below the cutoff is **cutoff unmet**: wanted again, for an
  **upgrade**, when the profile allows upgrades (``upgrades_allowed``);
* an upgrade is admitted only for a release **strictly better** than the file on disk
  (:func:`~mydia_tui.releases.quality.better`, with
  :func:`~mydia_tui.releases.quality.cutoff_unmet` the release rules' own): a higher quality, or a PROPER / REPACK of the same quality over a file that
  is not one (once: a PROPER file is never replaced by another PROPER of its quality);
* the **loop guard**: after an upgrade is imported, the new file's quality is read from the file
  itself (:func:`file_quality`), never from the indexer's title. When it is not better than the
  file it was to replace, the release is blocklisted (``upgrade_not_better``), the old file stays,
  and the item's upgrades pause (:func:`pause`) until the user resumes them (:func:`resume`) or
  the item's profile changes (its fingerprint, :func:`fingerprint`, is what was paused). At most
  ``[quality] upgrades_per_day`` upgrades are claimed per item in any 24 hours.

The dedup guard (:mod:`mydia_tui.guard`) decides with :func:`upgrade_refusal` inside its claim
transaction; the wanted list (:mod:`mydia_tui.monitor.wanted`) with ``cutoff_unmet``; the
importer (:mod:`mydia_tui.monitor.importer`) with :func:`better` and :func:`file_quality`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .config import ProfileConfig
from .containers import video_resolution
from .models import Download, FileEpisode, History, MediaFile, MediaItem, utcnow
from .releases.parse import ParsedRelease, read_tags
from .releases.quality import (
    FileQuality,
    better,
    cutoff_unmet,
    quality_of,
    quality_of_name,
    quality_rank,
)
from .targets import Target
from .units import counted

#: the recycle folder's default name, inside the library folder (hidden: the scan skips it)
RECYCLE_DIR = ".mydia-recycle"


def fingerprint(profile: ProfileConfig) -> str:
    """A short digest of what decides upgrades in ``profile`` (name, qualities, cutoff,
    upgrades_allowed): a paused item resumes when it changes."""
    data = [profile.name, list(profile.qualities), profile.cutoff, profile.upgrades_allowed]
    return hashlib.sha1(json.dumps(data).encode()).hexdigest()[:16]


def is_paused(paused: str, profile: ProfileConfig) -> bool:
    """Whether an item whose ``upgrades_paused`` is ``paused`` has its upgrades paused under
    ``profile`` (they were paused under this very profile: a changed profile resumes them)."""
    return bool(paused) and paused == fingerprint(profile)


def upgrade_refusal(
    profile: ProfileConfig,
    old: FileQuality,
    new: FileQuality,
    *,
    paused: str,
    claimed_today: int,
    per_day: int,
) -> str | None:
    """Why a release of ``new`` quality may not replace a file of ``old`` quality under
    ``profile`` (a message a person reads), or None when the upgrade is admitted. ``paused``
    is the item's ``upgrades_paused``; ``claimed_today`` the upgrades claimed for the item in
    the last 24 hours, at most ``per_day``."""
    if not profile.upgrades_allowed:
        return f"profile {profile.name!r} does not upgrade"
    if is_paused(paused, profile):
        return "upgrades of this item are paused after an upgrade that was not better"
    proper_only = quality_rank(new.quality) == quality_rank(old.quality)
    if not proper_only and not cutoff_unmet(profile, old.quality):
        if quality_rank(old.quality) == 0:
            return f"its quality is unknown (nothing says it is below the cutoff {profile.cutoff})"
        return f"{old.quality} is at or above the cutoff {profile.cutoff}"
    if not better(new, old):
        return f"{new.quality} is not better than {old.quality}"
    if claimed_today >= per_day:
        return f"already {counted(claimed_today, 'upgrade')} of this item today (at most {per_day} a day)"
    return None


def upgrades_claimed_since(item_id: int, since: dt.datetime) -> int:
    """How many upgrades of the item were claimed since ``since`` (naive UTC)."""
    return (
        Download.select()
        .where(
            (Download.item == item_id)
            & (Download.upgrade_from != "")
            & (Download.claimed_at > since)
        )
        .count()
    )


def claimed_today(item_id: int, now: dt.datetime | None = None) -> int:
    return upgrades_claimed_since(item_id, (now or utcnow()) - dt.timedelta(days=1))


def pause(item_id: int, profile: ProfileConfig) -> None:
    """Pause the item's upgrades under ``profile`` (until :func:`resume` or a profile change)."""
    MediaItem.update(upgrades_paused=fingerprint(profile)).where(MediaItem.id == item_id).execute()


def resume(item_id: int) -> bool:
    """Resume the item's upgrades; False when they were not paused."""
    return bool(
        MediaItem.update(upgrades_paused="")
        .where((MediaItem.id == item_id) & (MediaItem.upgrades_paused != ""))
        .execute()
    )


def file_quality(
    path: Path | str, *, folders: tuple[str, ...] = (), release: str = ""
) -> FileQuality:
    """The quality of a video file, read from the file itself: its name (as a release's name
    is read, :func:`~mydia_tui.releases.quality.quality_of_name`), except that a name giving a
    resolution only takes ``release`` (the quality the release was taken for, e.g.
    "WEBDL-1080p") when that is of the same resolution; else its container's resolution
    (:func:`container_quality`, when ``path`` is a file there); else its folders' names
    (``folders``, nearest first); else ``release``; else "Unknown". The PROPER / REPACK count
    is its name's."""
    name = os.path.basename(str(path))
    tags = read_tags(name)
    quality = quality_of_name(name)
    if release and tags.resolution and not (tags.source or tags.remux):
        # the name gives a resolution only: the release's quality, when it is of that
        # resolution, says more of the same file ("(1080p)" in a WEBDL-1080p release)
        if read_tags(release).resolution == tags.resolution:
            return FileQuality(release, tags.proper, "release")
    if quality != "Unknown":
        return FileQuality(quality, tags.proper, "name")
    quality = container_quality(path)
    if quality != "Unknown":
        # a resolution only, as above: the release's quality when it is of that resolution
        if release and quality_rank(release) and _same_resolution(release, quality):
            return FileQuality(release, tags.proper, "release")
        return FileQuality(quality, tags.proper, "container")
    quality = quality_of_name(*folders) if folders else "Unknown"
    if quality != "Unknown":
        return FileQuality(quality, tags.proper, "folder")
    if release:
        return FileQuality(release, tags.proper, "release")
    return FileQuality("Unknown", tags.proper, "name")


def _same_resolution(a: str, b: str) -> bool:
    return read_tags(a).resolution == read_tags(b).resolution


def container_quality(path: Path | str) -> str:
    """The quality a video file's container shows: its resolution (read from its headers,
    :func:`mydia_tui.containers.video_resolution`) as a quality without a source ("HDTV-1080p",
    "SDTV" below 720p, as a name giving only a resolution reads); "Unknown" when the file is
    not there or its headers show no picture size."""
    if not os.path.isfile(path):
        return "Unknown"
    resolution = video_resolution(path)
    if resolution is None:
        return "Unknown"
    return quality_of(ParsedRelease(name="", title="", resolution=resolution))


def recycle_folder(root: Path, configured: str = "") -> Path:
    """Where replaced files go: ``configured`` (``[library] recycle``) when set, else
    ``.mydia-recycle`` inside the library folder ``root`` (same file system: a rename)."""
    return Path(configured).expanduser() if configured else root / RECYCLE_DIR


@dataclass(frozen=True)
class UpgradeStep:
    """One upgrade of an item, as the history has it."""

    at: dt.datetime
    from_quality: str
    to_quality: str
    #: "upgraded", or "upgrade_not_better" (the upgrade was refused after import)
    outcome: str
    release: str


def chain(item_id: int) -> list[UpgradeStep]:
    """Every upgrade of the item, oldest first, with its from/to qualities."""
    rows = (
        History.select()
        .where((History.item == item_id) & History.reason.in_(("upgraded", "upgrade_not_better")))
        .order_by(History.at, History.id)
    )
    steps = []
    for h in rows:
        data = json.loads(h.data or "{}")
        steps.append(
            UpgradeStep(
                h.at, data.get("from", ""), data.get("to", ""), h.reason, data.get("release", "")
            )
        )
    return steps


def file_on_disk(target: Target) -> FileQuality | None:
    """The quality of the one recorded file that covers exactly ``target`` (a film, or
    episodes), read from its record and its name's PROPER / REPACK; None when the target has
    no file, several, or a file that covers other episodes too (no upgrade applies)."""
    if target.kind == "season":
        return None
    if target.kind == "movie":
        rows = list(
            MediaFile.select(MediaFile.id, MediaFile.quality, MediaFile.path)
            .where((MediaFile.movie == target.item_id) & MediaFile.missing_since.is_null())
            .tuples()
        )
    else:
        rows = list(
            MediaFile.select(MediaFile.id, MediaFile.quality, MediaFile.path)
            .join(FileEpisode, on=(FileEpisode.file == MediaFile.id))
            .where(
                FileEpisode.episode.in_(list(target.episode_ids))
                & MediaFile.missing_since.is_null()
            )
            .distinct()
            .tuples()
        )
        if len(rows) == 1:
            covered = FileEpisode.select().where(FileEpisode.file == rows[0][0]).count()
            if covered != len(target.episode_ids):
                return None
    if len(rows) != 1:
        return None
    _, quality, path = rows[0]
    return FileQuality(quality or "Unknown", read_tags(os.path.basename(path)).proper)
