"""Matching a file's path to a film or to episodes already in the library.

Order: an id written in a folder or file name (``{imdb-tt1254207}``, ``{tvdb-12345}``,
``{tmdb-...}``, ``[imdbid-tt...]``), then title and year: the title must be the same title
(:func:`mydia_tui.identity.titles.match_title`, the comparison the release rules use, so
"Aliens" is not "Alien"), the year equal (preferred) or one off. Episodes by season and number,
by air date, or by absolute number in the show's own order (anime). A file that matches nothing, or more than one thing, is not attached:
it is returned with the reason.

The library is read once per scan (lazily: an unchanged re-scan never reads it).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass

from ..identity.episodes import episode_in_season_folder, read_episodes
from ..identity.titles import match_title, title_key, without_article
from ..identity.video import bonus_words
from ..library import namesakes
from ..models import Episode, MediaItem
from . import names

_TRAILING_YEAR_WORD = re.compile(r"^(.+) (?:19|20)\d\d$")


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

    def __init__(self, item_id: int | None = None) -> None:
        #: only this film or show is loaded (the guard asks about one item): names are
        #: matched to it or to nothing
        self.only_item = item_id
        self._items_loaded = False
        self._episodes_loaded = False
        self.by_key: dict[tuple[str, str], list[tuple[int, int | None]]] = defaultdict(list)
        self.by_id: dict[tuple[str, str, str | int], int] = {}
        self.item_ids: dict[int, dict[str, str | int | None]] = {}
        self.titles: dict[int, str] = {}
        #: item id -> its title as stored (what names are compared with)
        self.raw_titles: dict[int, str] = {}
        self.episodes: dict[tuple[int, int, int], int] = {}
        #: (show id, absolute number) -> episode id
        self.by_absolute: dict[tuple[int, int], int] = {}
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
        )
        if self.only_item is not None:
            # the item, and its namesakes: so that a name of another year or country is theirs
            # ("Heist (2001)" beside "Heist (2002)"; "The Office" beside "The Office (US)")
            rows = rows.where(MediaItem.id.in_([self.only_item, *namesakes(self.only_item)]))
        for item_id, kind, title, _key, year, imdb, tmdb, tvdb, tvmaze in rows.tuples():
            self.titles[item_id] = f"{title} ({year})" if year else title
            self.raw_titles[item_id] = title
            words = title_key(title).words
            for probe in {words, without_article(words)}:
                self.by_key[(kind, probe)].append((item_id, year))
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
        )
        if self.only_item is not None:
            rows = rows.where(Episode.show == self.only_item)
        order: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for episode_id, show_id, season, number, air_date in rows.tuples():
            self.episodes[(show_id, season, number)] = episode_id
            if air_date is not None:
                self.by_date[(show_id, air_date)].append(episode_id)
            if season > 0:
                order[show_id].append((season, number, episode_id))
        # absolute numbers: the show's own order, as library.absolute_numbers gives them
        for show_id, eps in order.items():
            for n, (_, _, episode_id) in enumerate(sorted(eps), start=1):
                self.by_absolute[(show_id, n)] = episode_id
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
        probes = {key.words, without_article(key.words)}
        bare = _TRAILING_YEAR_WORD.match(key.words)
        if bare:  # "Doctor Who 2005": the year written into the title
            probes.update({bare.group(1), without_article(bare.group(1))})
        if year is not None:
            probes.add(title_key(f"{title} {year}").words)
        candidates = []
        year_in_title = False
        for probe in probes:
            for item_id, item_year in self.by_key.get((kind, probe), ()):
                found = match_title(title, year, self.raw_titles[item_id], item_year)
                if found is not None:
                    candidates.append((item_id, item_year))
                    year_in_title = year_in_title or found.year_in_title
        if year_in_title:
            year = None  # "Space 1999": the year was the title's
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
        if len({c[0] for c in candidates}) > 1:
            # the same qualifier first: "The Office (US)" is not "The Office" of 2001
            country = key.country
            same = [c for c in candidates if title_key(self.raw_titles[c[0]]).country == country]
            if same:
                candidates = same
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
        folder_season = next(
            (s.season for s in map(names.parse_folder, dirs[1:]) if s.season is not None),
            None,
        )
        if info is None or (info.season is None and not info.episodes and info.air_date is None):
            absolute = info.absolute if info is not None else ()
            episodes = episode_in_season_folder(stem) if folder_season is not None else ()
            if (
                absolute
                and folder_season is not None
                and stem.startswith("[")
                and any((show_id, n) in self._absolute_index(show_id) for n in absolute)
            ):
                pass  # "[Group] Title - 66" in "Season 2/": anime count in the show's order
            elif absolute and folder_season is not None:
                # a number without a season inside a season folder is that season's
                info = names.NameInfo(
                    title=info.title if info else "", season=folder_season, episodes=absolute
                )
            elif absolute:
                pass  # mapped through the show's own order below
            elif episodes:
                info = names.NameInfo(season=folder_season, episodes=episodes)
            elif info is None or info.air_date is None:
                slow_parses += 1
                slow = names.fallback_parse(file_name)
                if slow is not None and slow.episodes:
                    season = slow.season if slow.season is not None else folder_season
                    info = names.NameInfo(title=slow.title, season=season, episodes=slow.episodes)
                elif slow is not None and slow.absolute:
                    info = names.NameInfo(title=slow.title, absolute=slow.absolute)
                else:
                    info = self._from_release_folder(dirs)
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
        if info.absolute and info.season is None:
            found_abs = [
                self.by_absolute[(show_id, n)]
                for n in info.absolute
                if (show_id, n) in self.by_absolute
            ]
            if found_abs:
                return Match(show_id=show_id, episode_ids=tuple(found_abs), slow_parses=slow_parses)
            shown = ", ".join(str(n) for n in info.absolute)
            return Match(
                show_id=show_id,
                reason=f"no episode of {self.titles[show_id]} has the absolute number {shown}",
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

    def _absolute_index(self, show_id: int | None) -> dict[tuple[int, int], int]:
        if show_id is None:
            return {}
        self.load_episodes()
        return self.by_absolute

    @staticmethod
    def _from_release_folder(dirs: list[str]) -> names.NameInfo | None:
        """A file whose name says nothing ("c48db7d2...mkv", "160725_02.mkv") inside the folder
        of the release it came in ("Zoo.S02E05.1080p.WEB-DL-GRP"): the folder's numbers, as the
        importer reads them (:func:`mydia_tui.identity.episodes.read_episodes`)."""
        for folder in reversed(dirs):
            numbers = read_episodes(folder)
            if numbers.pairs():
                info = names.parse_folder(folder)
                return names.NameInfo(
                    title=info.title,
                    year=info.year,
                    season=numbers.season,
                    episodes=numbers.episodes,
                )
        return None

    def _bonus(self, item_id: int, file_name: str) -> str:
        """Why a file mapped to ``item_id`` is bonus material rather than the item ("" when it
        is not): "Title 2018 Digital Extras", "Moon (2009)-x02-Making Of"."""
        words = bonus_words(file_name, self.raw_titles.get(item_id, ""))
        return f"bonus material ({words!r}), not the video itself" if words else ""

    def match(self, kind: str, rel: str) -> Match:
        """Match the file at ``rel`` (relative to a root of ``kind``, "movies" or "shows"); a
        file whose name marks it as bonus material is never the item's video."""
        parts = rel.split("/")
        found = self.match_movie(parts) if kind == "movies" else self.match_episode(parts)
        if found.ok and found.item_id is not None:
            bonus = self._bonus(found.item_id, parts[-1])
            if bonus:
                return Match(reason=bonus, slow_parses=found.slow_parses)
        return found
