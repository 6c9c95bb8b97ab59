"""What is wanted: computed by a few set-based queries, never one query per item. Rows are read
straight from the cursor (no per-row model conversion): the wanted list may hold tens of
thousands of episodes, and the RSS sync reads it every cycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from ..config import ProfileConfig, QualityConfig
from ..library import aired_condition, counted_episodes
from ..models import (
    ACTIVE_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    MediaFile,
    MediaItem,
    QualityProfile,
    database,
)
from ..profiles import profile_from_row
from ..releases.quality import cutoff_unmet as quality_cutoff_unmet
from ..releases.quality import resolve_profile
from ..upgrades import is_paused


def plain_rows(query) -> list[tuple]:
    """Every row of ``query`` as plain tuples, without Peewee's per-row conversion (only for
    columns whose database value is already the Python value: integers and text)."""
    return database.execute(query).fetchall()


def _movies_with_file():
    return MediaFile.select(MediaFile.movie).where(
        MediaFile.movie.is_null(False) & MediaFile.missing_since.is_null()
    )


def _episodes_with_file():
    return (
        FileEpisode.select(FileEpisode.episode)
        .join(MediaFile)
        .where(MediaFile.missing_since.is_null())
    )


def _items_in_flight():
    return Download.select(Download.item).where(
        (Download.kind == "movie") & Download.state.in_(ACTIVE_STATES)
    )


def _seasons_in_flight() -> set[str]:
    return {
        u
        for (u,) in DownloadUnit.select(DownloadUnit.active_unit)
        .where(DownloadUnit.active_unit.startswith("s:"))
        .tuples()
    }


@dataclass(frozen=True)
class WantedMovie:
    item_id: int
    title: str
    year: int | None


def wanted_movies() -> list[WantedMovie]:
    """Monitored films with no file and nothing in flight, oldest added first."""
    rows = plain_rows(
        MediaItem.select(MediaItem.id, MediaItem.title, MediaItem.year)
        .where(
            (MediaItem.kind == "movie")
            & MediaItem.monitored
            & MediaItem.id.not_in(_movies_with_file())
            & MediaItem.id.not_in(_items_in_flight())
        )
        .order_by(MediaItem.added_at, MediaItem.id)
    )
    return [WantedMovie(*r) for r in rows]


@dataclass(frozen=True)
class WantedSeason:
    show_id: int
    title: str
    season: int
    #: wanted episodes of the season (aired, monitored, no file, not in flight)
    episode_ids: tuple[int, ...]
    episode_numbers: tuple[int, ...]
    #: aired episodes of the season, wanted or not
    aired: int

    @property
    def share_wanted(self) -> float:
        return len(self.episode_ids) / self.aired if self.aired else 0.0


def wanted_seasons(
    *, include_specials: bool = False, today: dt.date | None = None
) -> list[WantedSeason]:
    """Per show and season, the wanted episodes and the number of aired ones (three queries:
    the aired counts, grouped in the database; the wanted episodes; the seasons in flight)."""
    aired = aired_condition(today)
    shown = (
        Episode.select()
        .join(MediaItem, JOIN.INNER, on=(Episode.show == MediaItem.id))
        .where(
            aired
            & MediaItem.monitored
            & (MediaItem.kind == "show")
            & counted_episodes(include_specials)
        )
    )
    aired_counts: dict[tuple[int, int], int] = {}
    titles: dict[int, str] = {}
    for show_id, season, count, title in plain_rows(
        shown.select(Episode.show, Episode.season, fn.COUNT(Episode.id), MediaItem.title).group_by(
            Episode.show, Episode.season, MediaItem.title
        )
    ):
        aired_counts[(show_id, season)] = count
        titles[show_id] = title
    wanted = (
        shown.select(Episode.id, Episode.show, Episode.season, Episode.number)
        .where(
            Episode.monitored
            & Episode.id.not_in(_episodes_with_file())
            & Episode.id.not_in(DownloadUnit.held_episodes())
        )
        .order_by(Episode.show, Episode.season, Episode.number)
    )
    seasons_busy = _seasons_in_flight()
    grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for eid, show_id, season, number in plain_rows(wanted):
        if f"s:{show_id}:{season}" in seasons_busy:
            continue  # a pack grabbed before this episode was known covers it
        grouped.setdefault((show_id, season), []).append((eid, number))
    return [
        WantedSeason(
            show_id=show_id,
            title=titles[show_id],
            season=season,
            episode_ids=tuple(e for e, _ in eps),
            episode_numbers=tuple(n for _, n in eps),
            aired=aired_counts[(show_id, season)],
        )
        for (show_id, season), eps in grouped.items()
    ]


# ---------------------------------------------------------------------------------------------
# Cutoff unmet: wanted again, for an upgrade


@dataclass(frozen=True)
class CutoffUnmet:
    """A monitored film or episode whose one file is below its profile's cutoff, when the
    profile allows upgrades and the item's upgrades are not paused (:mod:`mydia_tui.upgrades`)."""

    item_id: int
    title: str
    year: int | None
    #: the episode (None for a film), its season and number
    episode_id: int | None
    season: int | None
    number: int | None
    #: the file's quality ("Unknown" when none is known)
    quality: str
    profile: str
    cutoff: str

    @property
    def key(self) -> str:
        """The search key of its target (``m:ID`` or ``e:ID``)."""
        return f"m:{self.item_id}" if self.episode_id is None else f"e:{self.episode_id}"


def cutoff_unmet(
    quality: QualityConfig | None = None, *, include_specials: bool = False
) -> list[CutoffUnmet]:
    """Every monitored film and episode whose one file (on disk as far as the library knows)
    is below the cutoff of its quality profile (its own, else ``quality``'s default), when the
    profile allows upgrades, upgrades of the item are not paused and nothing is in flight for
    it; films first, then episodes by show, season and number. Two queries and one per
    profile row."""
    default = resolve_profile(None, quality)
    profiles: dict[int | None, ProfileConfig] = {None: default}
    for row in QualityProfile.select():
        profiles[row.id] = profile_from_row(row)
    found: list[CutoffUnmet] = []
    films = plain_rows(
        MediaItem.select(
            MediaItem.id,
            MediaItem.title,
            MediaItem.year,
            MediaItem.quality_profile,
            MediaItem.upgrades_paused,
            MediaFile.quality,
            MediaFile.id,
        )
        .join(MediaFile, on=(MediaFile.movie == MediaItem.id))
        .where(
            (MediaItem.kind == "movie")
            & MediaItem.monitored
            & MediaFile.missing_since.is_null()
            & MediaItem.id.not_in(_items_in_flight())
        )
        .order_by(MediaItem.sort_title, MediaItem.id)
    )
    files_of: dict[int, int] = {}
    for row in films:
        files_of[row[0]] = files_of.get(row[0], 0) + 1
    for item_id, title, year, profile_id, paused, have, _file in films:
        profile = profiles.get(profile_id, default)
        if files_of[item_id] == 1 and _upgradable(profile, have, paused):
            found.append(
                CutoffUnmet(
                    item_id,
                    title,
                    year,
                    None,
                    None,
                    None,
                    have or "Unknown",
                    profile.name,
                    profile.cutoff,
                )
            )
    covers = (
        FileEpisode.select(FileEpisode.file, fn.COUNT(FileEpisode.episode).alias("n"))
        .group_by(FileEpisode.file)
        .alias("covers")
    )
    episodes = (
        Episode.select(
            Episode.id,
            MediaItem.id,
            MediaItem.title,
            MediaItem.year,
            MediaItem.quality_profile,
            MediaItem.upgrades_paused,
            Episode.season,
            Episode.number,
            MediaFile.quality,
            covers.c.n,
        )
        .join(MediaItem, on=(Episode.show == MediaItem.id))
        .switch(Episode)
        .join(FileEpisode, on=(FileEpisode.episode == Episode.id))
        .join(MediaFile, on=(FileEpisode.file == MediaFile.id))
        .join(covers, on=(covers.c.file_id == MediaFile.id))
        .where(
            MediaItem.monitored
            & Episode.monitored
            & MediaFile.missing_since.is_null()
            & Episode.id.not_in(DownloadUnit.held_episodes())
            & counted_episodes(include_specials)
        )
        .order_by(MediaItem.sort_title, Episode.season, Episode.number)
    )
    rows = plain_rows(episodes)
    files_per_episode: dict[int, int] = {}
    for row in rows:
        files_per_episode[row[0]] = files_per_episode.get(row[0], 0) + 1
    seasons_busy = _seasons_in_flight()
    for eid, show_id, title, year, profile_id, paused, season, number, have, n in rows:
        profile = profiles.get(profile_id, default)
        if (
            files_per_episode[eid] == 1
            and n == 1  # a multi-episode file is upgraded by no single episode
            and f"s:{show_id}:{season}" not in seasons_busy
            and _upgradable(profile, have, paused)
        ):
            found.append(
                CutoffUnmet(
                    show_id,
                    title,
                    year,
                    eid,
                    season,
                    number,
                    have or "Unknown",
                    profile.name,
                    profile.cutoff,
                )
            )
    return found


def _upgradable(profile: ProfileConfig, have: str, paused: str) -> bool:
    return quality_cutoff_unmet(profile, have or "Unknown") and not is_paused(paused, profile)
