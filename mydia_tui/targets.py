"""What a grab or a search is for: a film, one or more episodes, or a season pack.

A :class:`Target` is a frozen value built from the database. It carries what the guard needs
(the units it would hold) and what release matching needs (title, year, ids, numbers).
Units are strings: ``m:ID`` for a film, ``e:ID`` for an episode, ``s:SHOW:SEASON`` for a season.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .errors import MydiaError
from .models import Episode, MediaItem


class InvalidTarget(MydiaError):
    """A grab or search that names no valid target."""

    exit_code = 2


@dataclass(frozen=True)
class EpisodeRef:
    id: int
    season: int
    number: int
    title: str = ""


@dataclass(frozen=True)
class Target:
    kind: str  # "movie" | "episodes" | "season"
    item_id: int
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    tvmaze_id: int | None = None
    #: season packs: the season; episode grabs: the season of the (first) episode
    season: int | None = None
    #: episode grabs: the episodes asked for; season packs: the season's known episodes
    episodes: tuple[EpisodeRef, ...] = ()
    folder: str | None = None
    root_id: int | None = None

    @property
    def is_movie(self) -> bool:
        return self.kind == "movie"

    @property
    def is_season(self) -> bool:
        return self.kind == "season"

    # computed once per target (a frozen value): the guard asks for them several times a grab
    @cached_property
    def episode_ids(self) -> tuple[int, ...]:
        return tuple(e.id for e in self.episodes)

    @property
    def episode_numbers(self) -> tuple[int, ...]:
        return tuple(e.number for e in self.episodes)

    def units(self) -> tuple[str, ...]:
        """Every unit this target covers; two targets overlap when they share one."""
        return self._units

    @cached_property
    def _units(self) -> tuple[str, ...]:
        if self.kind == "movie":
            return (f"m:{self.item_id}",)
        units = [f"e:{e.id}" for e in self.episodes]
        if self.kind == "season":
            units.insert(0, f"s:{self.item_id}:{self.season}")
        return tuple(units)

    def label(self) -> str:
        """How a person names it: "Big Buck Bunny (2008)", "The Expanse S02E03E04", "The Expanse S02"."""
        return target_label(
            self.kind,
            self.title,
            self.year,
            self.season,
            [(e.season, e.number) for e in self.episodes],
        )


def target_label(
    kind: str,
    title: str,
    year: int | None = None,
    season: int | None = None,
    episodes: Iterable[tuple[int, int]] = (),
) -> str:
    """How a person names what a grab or a download is for (a film, a season pack, episodes
    given as (season, number)): the one spelling the guard, the CLI and the TUI share."""
    if kind == "movie":
        return f"{title} ({year})" if year else title
    if kind == "season":
        return f"{title} S{season:02d}"
    eps = sorted(episodes)
    if not eps:
        return title
    return f"{title} S{eps[0][0]:02d}" + "".join(f"E{n:02d}" for _, n in eps)


def _item(item_id: int) -> MediaItem:
    item = MediaItem.get_or_none(MediaItem.id == item_id)
    if item is None:
        raise InvalidTarget(f"no film or show with id {item_id}")
    return item


def _base(item: MediaItem) -> dict:
    return {
        "item_id": item.id,
        "title": item.title,
        "year": item.year,
        "imdb_id": item.imdb_id,
        "tmdb_id": item.tmdb_id,
        "tvdb_id": item.tvdb_id,
        "tvmaze_id": item.tvmaze_id,
        "folder": item.folder,
        "root_id": item.root_id,
    }


def movie_target(item_id: int) -> Target:
    item = _item(item_id)
    if item.kind != "movie":
        raise InvalidTarget(f"item {item_id} ({item.title}) is a show, not a film")
    return Target(kind="movie", **_base(item))


def episodes_target(episode_ids: list[int] | tuple[int, ...]) -> Target:
    ids = sorted(set(episode_ids))
    if not ids:
        raise InvalidTarget("an episode grab needs at least one episode")
    episodes = list(
        Episode.select().where(Episode.id.in_(ids)).order_by(Episode.season, Episode.number)
    )
    found = {e.id for e in episodes}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidTarget(f"no episode with id {missing[0]}")
    shows = {e.show_id for e in episodes}
    if len(shows) > 1:
        raise InvalidTarget("the episodes of one grab must belong to one show")
    item = _item(shows.pop())
    refs = tuple(EpisodeRef(e.id, e.season, e.number, e.title) for e in episodes)
    return Target(kind="episodes", season=refs[0].season, episodes=refs, **_base(item))


def season_target(show_id: int, season: int) -> Target:
    item = _item(show_id)
    if item.kind != "show":
        raise InvalidTarget(f"item {show_id} ({item.title}) is a film, not a show")
    if season is None or season < 0:
        raise InvalidTarget("a season pack needs a season number")
    episodes = list(
        Episode.select()
        .where((Episode.show == show_id) & (Episode.season == season))
        .order_by(Episode.number)
    )
    if not episodes:
        raise InvalidTarget(f"{item.title} has no season {season} in the library")
    refs = tuple(EpisodeRef(e.id, e.season, e.number, e.title) for e in episodes)
    return Target(kind="season", season=season, episodes=refs, **_base(item))


def episode_by_number(show_id: int, season: int, number: int) -> Target:
    ep = Episode.get_or_none(
        (Episode.show == show_id) & (Episode.season == season) & (Episode.number == number)
    )
    if ep is None:
        raise InvalidTarget(f"show {show_id} has no episode S{season:02d}E{number:02d}")
    return episodes_target([ep.id])
