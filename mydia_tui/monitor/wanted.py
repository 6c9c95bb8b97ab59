"""What is wanted: computed by a few set-based queries, never one query per item. Rows are read
straight from the cursor (no per-row model conversion): the wanted list may hold tens of
thousands of episodes, and the RSS sync reads it every cycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from ..library import aired_condition
from ..models import (
    ACTIVE_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    MediaFile,
    MediaItem,
    database,
)


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
        .where(aired & MediaItem.monitored & (MediaItem.kind == "show"))
    )
    if not include_specials:
        shown = shown.where(Episode.season > 0)
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
