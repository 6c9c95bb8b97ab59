"""Matching a file's path to a film or to episodes already in the library.

Order: an id written in a folder or file name (``{imdb-tt1254207}``, ``{tvdb-12345}``,
``{tmdb-...}``, ``[imdbid-tt...]``), then title and year: the title must be the same title
(:func:`mydia_tui.library.title_key` equality, so "Aliens" is not "Alien"), the year equal
(preferred) or one off. A file that matches nothing, or more than one thing, is not attached:
it is returned with the reason.

The library is read once per scan (lazily: an unchanged re-scan never reads it).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass

from ..library import title_key
from ..models import Episode, MediaItem
from . import names

_TRAILING_YEAR = re.compile(r"^(.*\S)\s*\((\d{4})\)$")


@dataclass(frozen=True)
class Match:
    movie_id: int | None = None
    show_id: int | None = None
    #: every episode the file covers, in order (the first one owns the file)
    episode_ids: tuple[int, ...] = ()
    #: why it did not match (empty when it did)
    reason: str = ""
    #: how many names had to go to the slow parser
    slow_parses: int = 0

    @property
    def ok(self) -> bool:
        return self.movie_id is not None or bool(self.episode_ids)

    @property
    def item_id(self) -> int | None:
        return self.movie_id if self.movie_id is not None else self.show_id


class LibraryIndex:
    """Films, shows and episodes, indexed for matching."""

    def __init__(self) -> None:
        self._items_loaded = False
        self._episodes_loaded = False
        self.by_key: dict[tuple[str, str], list[tuple[int, int | None]]] = defaultdict(list)
        self.by_id: dict[tuple[str, str, str | int], int] = {}
        self.item_ids: dict[int, dict[str, str | int | None]] = {}
        self.titles: dict[int, str] = {}
        self.episodes: dict[tuple[int, int, int], int] = {}
        self.by_date: dict[tuple[int, _dt.date], list[int]] = defaultdict(list)

    def load_items(self) -> None:
        if self._items_loaded:
            return
        rows = MediaItem.select(
            MediaItem.id,
            MediaItem.kind,
            MediaItem.title,
            MediaItem.title_key,
            MediaItem.year,
            MediaItem.imdb_id,
            MediaItem.tmdb_id,
            MediaItem.tvdb_id,
            MediaItem.tvmaze_id,
        ).tuples()
        for item_id, kind, title, key, year, imdb, tmdb, tvdb, tvmaze in rows:
            self.titles[item_id] = f"{title} ({year})" if year else title
            self.by_key[(kind, key)].append((item_id, year))
            # "Doctor Who (2005)" is also "Doctor Who" of 2005
            m = _TRAILING_YEAR.match(title)
            if m:
                self.by_key[(kind, title_key(m.group(1)))].append((item_id, int(m.group(2))))
            ids = {"imdb": imdb, "tmdb": tmdb, "tvdb": tvdb, "tvmaze": tvmaze}
            self.item_ids[item_id] = ids
            for id_kind, value in ids.items():
                if value is not None:
                    self.by_id[(kind, id_kind, value)] = item_id
        self._items_loaded = True

    def load_episodes(self) -> None:
        if self._episodes_loaded:
            return
        rows = Episode.select(
            Episode.id, Episode.show, Episode.season, Episode.number, Episode.air_date
        ).tuples()
        for episode_id, show_id, season, number, air_date in rows:
            self.episodes[(show_id, season, number)] = episode_id
            if air_date is not None:
                self.by_date[(show_id, air_date)].append(episode_id)
        self._episodes_loaded = True

    # -- items ---------------------------------------------------------------------------------

    def by_ids(self, kind: str, ids: tuple[tuple[str, str | int], ...]) -> int | None:
        for id_kind, value in ids:
            found = self.by_id.get((kind, id_kind, value))
            if found is not None:
                return found
        return None

    def by_title(
        self, kind: str, title: str, year: int | None, ids: tuple = ()
    ) -> tuple[int | None, str]:
        """The one item of ``kind`` with this title (and year); (None, reason) otherwise."""
        key = title_key(title)
        if not key:
            return None, "no title in the name"
        candidates = list(self.by_key.get((kind, key), ()))
        if year is not None:
            candidates += [c for c in self.by_key.get((kind, f"{key} {year}"), ())]
        # an item whose own id contradicts an id written in the name is another film or show
        if ids:
            written = dict(ids)
            candidates = [
                c
                for c in candidates
                if not any(
                    self.item_ids[c[0]].get(k) is not None and self.item_ids[c[0]].get(k) != v
                    for k, v in written.items()
                )
            ]
        candidates = list(dict.fromkeys(candidates))
        what = "film" if kind == "movie" else "show"
        shown = f"{title} ({year})" if year else title
        if not candidates:
            return None, f"no {what} titled {shown!r} in the library"
        if year is not None:
            for window in (0, 1):
                near = {c[0] for c in candidates if c[1] is not None and abs(c[1] - year) <= window}
                if len(near) == 1:
                    return near.pop(), ""
                if len(near) > 1:
                    return None, f"{len(near)} {what}s in the library match {shown!r}"
            unknown = {c[0] for c in candidates if c[1] is None}
            if len(unknown) == 1 and len({c[0] for c in candidates}) == 1:
                return unknown.pop(), ""
            years = sorted({c[1] for c in candidates if c[1] is not None})
            return None, f"the library's {what} {title!r} is of {years}, not {year}"
        ids_found = {c[0] for c in candidates}
        if len(ids_found) == 1:
            return ids_found.pop(), ""
        return None, f"{len(ids_found)} {what}s titled {title!r}: the name needs a year"

    # -- films ---------------------------------------------------------------------------------

    def match_movie(self, parts: list[str]) -> Match:
        self.load_items()
        dirs, file_name = parts[:-1], parts[-1]
        stem = file_name.rpartition(".")[0] or file_name
        infos = [names.parse_folder(d) for d in reversed(dirs)]
        for info in infos:
            found = self.by_ids("movie", info.ids)
            if found is not None:
                return Match(movie_id=found)
        file_ids = names.name_ids(stem)
        found = self.by_ids("movie", file_ids)
        if found is not None:
            return Match(movie_id=found)
        reasons = []
        # the film's own folder, then the file name, then any folder above
        order: list[tuple[str, names.NameInfo | None]] = []
        if infos:
            order.append(("folder", infos[0]))
        order.append(("file", names.parse_file(stem)))
        order.extend(("folder", i) for i in infos[1:])
        for _, named in order:
            if named is None or not named.title or named.season is not None or named.episodes:
                continue
            movie_id, reason = self.by_title("movie", named.title, named.year, named.ids)
            if movie_id is not None:
                return Match(movie_id=movie_id)
            reasons.append(reason)
        if reasons:  # the names were read; the library just has no such film
            return Match(reason=reasons[0])
        slow = names.fallback_parse(file_name)
        if slow is not None and slow.title and not slow.episodes:
            movie_id, reason = self.by_title("movie", slow.title, slow.year)
            if movie_id is not None:
                return Match(movie_id=movie_id, slow_parses=1)
            reasons.append(reason)
        return Match(
            reason=reasons[0] if reasons else "no title and year in the name", slow_parses=1
        )

    # -- episodes ------------------------------------------------------------------------------

    def match_episode(self, parts: list[str]) -> Match:
        self.load_items()
        dirs, file_name = parts[:-1], parts[-1]
        stem = file_name.rpartition(".")[0] or file_name
        slow_parses = 0
        show_id: int | None = None
        reason = ""
        if dirs:
            show_info = names.parse_folder(dirs[0])
            show_id = self.by_ids("show", show_info.ids)
            if show_id is None and show_info.title:
                show_id, reason = self.by_title(
                    "show", show_info.title, show_info.year, show_info.ids
                )
        info = names.parse_file(stem)
        if info is None or (info.season is None and not info.episodes and info.air_date is None):
            folder_season = next(
                (s.season for s in map(names.parse_folder, dirs[1:]) if s.season is not None),
                None,
            )
            episodes = names.episode_in_season_folder(stem) if folder_season is not None else ()
            if episodes:
                info = names.NameInfo(season=folder_season, episodes=episodes)
            elif info is None or info.air_date is None:
                slow_parses += 1
                slow = names.fallback_parse(file_name)
                if slow is not None and slow.episodes:
                    season = slow.season if slow.season is not None else folder_season
                    info = names.NameInfo(title=slow.title, season=season, episodes=slow.episodes)
                else:
                    info = None
        if show_id is None and info is not None and info.title:
            show_id, file_reason = self.by_title("show", info.title, info.year, info.ids)
            reason = reason or file_reason
        if show_id is None:
            return Match(reason=reason or "no show folder or show title", slow_parses=slow_parses)
        if info is None:
            return Match(
                show_id=show_id,
                reason="no season and episode number (S01E02, 1x02) in the name",
                slow_parses=slow_parses,
            )
        self.load_episodes()
        if info.air_date is not None and not info.episodes:
            found = self.by_date.get((show_id, info.air_date), [])
            if len(found) == 1:
                return Match(show_id=show_id, episode_ids=tuple(found), slow_parses=slow_parses)
            return Match(
                show_id=show_id,
                reason=f"no single episode of {self.titles[show_id]} aired on {info.air_date}",
                slow_parses=slow_parses,
            )
        if info.season is None:
            return Match(
                show_id=show_id, reason="no season number in the name", slow_parses=slow_parses
            )
        found_ids = []
        for number in info.episodes:
            episode_id = self.episodes.get((show_id, info.season, number))
            if episode_id is not None:
                found_ids.append(episode_id)
        if not found_ids:
            tag = "".join(f"E{n:02d}" for n in info.episodes)
            return Match(
                show_id=show_id,
                reason=f"no episode S{info.season:02d}{tag} of {self.titles[show_id]} in the library",
                slow_parses=slow_parses,
            )
        return Match(show_id=show_id, episode_ids=tuple(found_ids), slow_parses=slow_parses)

    def match(self, kind: str, rel: str) -> Match:
        parts = rel.split("/")
        return self.match_movie(parts) if kind == "movies" else self.match_episode(parts)
