"""What a grab or a search is for: a film, one or more episodes, or a season pack.

A :class:`Target` is a frozen value (:mod:`mydia_tui.library` builds it from the database:
``movie_target``, ``episodes_target``, ``season_target``, ``episode_by_number``). It carries
what the guard needs (the units it would hold) and what release matching needs (title, year,
ids, numbers); this module never touches the database, so the release rules can use it.
Units are strings: ``m:ID`` for a film, ``e:ID`` for an episode, ``s:SHOW:SEASON`` for a season.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .errors import MydiaError


class InvalidTarget(MydiaError):
    """A grab or search that names no valid target."""

    exit_code = 2


class TargetNotFound(InvalidTarget):
    """A target whose id names nothing in the library: a failure (exit 1), as every command's
    "no film or show with id" is, not a usage error."""

    exit_code = 1


@dataclass(frozen=True)
class EpisodeRef:
    """One episode of a target: its id, season and number, and what else names may call it
    by (its absolute number in the show's order, its air date)."""

    id: int
    season: int
    number: int
    title: str = ""
    absolute: int | None = None
    air_date: _dt.date | None = None


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
    #: country qualifiers of other library items of the same title ("us" when "The Office
    #: (US)" is in the library beside this "The Office"): a name with one of them is theirs
    namesake_countries: tuple[str, ...] = ()

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
