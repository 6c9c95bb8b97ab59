"""RSS sync: every enabled indexer's recent releases, matched against everything wanted.

How Sonarr and Radarr find new releases: instead of searching item by item (the backlog
search, :mod:`.backlog_search`), each indexer's recent feed (``t=movie`` / ``t=tvsearch``
without a query, :meth:`~mydia_tui.indexers.torznab.TorznabClient.recent`) is read every
``rss_interval`` and each release in it is looked up in an index of everything wanted
(:class:`WantedIndex`: dictionaries keyed by title keys, external ids, and show, season and
episode numbers; built with a constant number of queries). Only the releases that name
something wanted go further: the same release rules as a search
(:func:`mydia_tui.item_search.judge_for`, the item's profile) and the one grab path (the
grabber: :func:`mydia_tui.grabbing.grab_release`, the dedup guard) with the same "try the next
one" rule as the backlog search (:func:`.backlog_search.grab_best`).

Each indexer's feeds are read at most once per ``rss_interval`` by any process on the library
(:func:`mydia_tui.indexers.pacing.claim_feeds`: two monitors, or cron's ``monitor --once``
runs, share it), page after page until a release published at or before the newest one of the
previous sync is seen (the first sync reads up to :data:`RSS_MAX_PAGES` pages). Both times are
kept in the database (:mod:`mydia_tui.indexers.pacing`).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..config import Config, IndexerConfig
from ..events import EventSink, MonitorState, ignore
from ..grabbing import Grabber
from ..identity.titles import title_key, without_article
from ..indexers.health import IndexerError, IndexerSkipped
from ..indexers.pacing import claim_feeds, feeds_due_in, newest_seen, saw_newest
from ..indexers.release_search import ask_each, request_bound
from ..indexers.torznab import Feed, TorznabClient
from ..item_search import judge_for
from ..library import episodes_target, movie_target, season_target
from ..models import MediaItem
from ..parsed_names import parse_names
from ..releases.parse import ParsedRelease
from ..releases.release import Release
from ..targets import InvalidTarget, Target
from ..units import counted
from .backlog_search import grab_best
from .wanted import plain_rows, wanted_movies, wanted_seasons

log = logging.getLogger(__name__)

#: pages of one indexer's feed read at most in one sync (1,000 releases at 100 a page)
RSS_MAX_PAGES = 10


@functools.lru_cache(maxsize=1 << 17)
def _title_keys(title: str) -> frozenset[str]:
    """The words an item may be found under in a release name, as
    :func:`mydia_tui.identity.titles.match_title` compares titles (its words, without a
    leading article): a candidate, which the release rules then judge. Kept between syncs (the
    wanted list changes little from one to the next)."""
    words = title_key(title).words
    return frozenset(k for k in (words, without_article(words)) if k)


def _name_keys(title: str, alt_title: str | None = None) -> set[str]:
    """The keys a release's parsed title is looked up under (see :func:`_title_keys`)."""
    keys = set(_title_keys(title))
    if alt_title:
        keys |= _title_keys(f"{title} {alt_title}")
    return keys


def _imdb(value: str | None) -> int | None:
    digits = re.sub(r"\D", "", value or "")
    return int(digits) if digits else None


@dataclass(frozen=True)
class Match:
    """What a release names among the wanted: ``kind`` "movie", "episodes" or "season";
    ``key`` is the unit it is grouped under (``m:ID``, ``e:ID,ID``, ``s:SHOW:SEASON``)."""

    kind: str
    item_id: int
    key: str
    season: int | None = None
    episode_ids: tuple[int, ...] = ()


@dataclass
class WantedIndex:
    """Everything wanted, keyed for set lookups (no query per release).

    Films by title key (``title_keys``, and "key year") and by IMDb / TMDb id; shows by title
    key and by TVDB / TVmaze / IMDb id; wanted episodes by (show, season, number); wanted
    seasons by (show, season), with whether a pack is wanted (``season_pack_share``)."""

    movies_by_key: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    movies_by_id: dict[tuple[str, int], int] = field(default_factory=dict)
    #: title key -> (show, its title's country qualifier): namesakes share a key
    shows_by_key: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    shows_by_id: dict[tuple[str, int], int] = field(default_factory=dict)
    episodes: dict[tuple[int, int, int], int] = field(default_factory=dict)
    #: (show, season) -> whether a season pack is wanted for it
    seasons: dict[tuple[int, int], bool] = field(default_factory=dict)
    _all_keys: frozenset[str] | None = field(default=None, repr=False)
    _longest: int = field(default=0, repr=False)

    def may_name_something(self, release: Release) -> bool:
        """Whether ``release`` could name something wanted, before its name is parsed (the
        parse is the costly part of a sync): an id the index knows, or a run of words of its
        name that is a wanted title key (set lookups)."""
        ids = (
            ("imdb", _imdb(release.imdb_id)),
            ("tmdb", release.tmdb_id),
            ("tvdb", release.tvdb_id),
            ("tvmaze", release.tvmaze_id),
        )
        if any(
            value and ((name, value) in self.movies_by_id or (name, value) in self.shows_by_id)
            for name, value in ids
        ):
            return True
        keys = self._keys()
        words = title_key(release.title).words.split()
        longest = self._longest
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + longest) + 1):
                if " ".join(words[start:end]) in keys:
                    return True
        return False

    def _keys(self) -> frozenset[str]:
        if self._all_keys is None:
            self._all_keys = frozenset(self.movies_by_key) | frozenset(self.shows_by_key)
            self._longest = max((len(k.split()) for k in self._all_keys), default=0)
        return self._all_keys

    @property
    def wants_movies(self) -> bool:
        return bool(self.movies_by_id or self.movies_by_key)

    @property
    def wants_episodes(self) -> bool:
        return bool(self.episodes)

    def __len__(self) -> int:
        return len({i for v in self.movies_by_key.values() for i, _ in v}) + len(self.episodes)

    @classmethod
    def build(
        cls, *, include_specials: bool = False, season_pack_share: float = 0.7
    ) -> WantedIndex:
        """Read what is wanted (:mod:`.wanted`) and the ids of its items: four queries."""
        index = cls()
        movies = wanted_movies()
        seasons = wanted_seasons(include_specials=include_specials)
        wanted_ids = {m.item_id for m in movies} | {s.show_id for s in seasons}
        items = {
            row[0]: row
            for row in plain_rows(
                MediaItem.select(
                    MediaItem.id,
                    MediaItem.year,
                    MediaItem.imdb_id,
                    MediaItem.tmdb_id,
                    MediaItem.tvdb_id,
                    MediaItem.tvmaze_id,
                ).where(MediaItem.monitored)
            )
            if row[0] in wanted_ids
        }
        by_key = index.movies_by_key
        for movie in movies:
            entry = (movie.item_id, movie.year)
            for key in _title_keys(movie.title):
                by_key.setdefault(key, []).append(entry)
                if movie.year:
                    by_key.setdefault(f"{key} {movie.year}", []).append(entry)
            _id, _year, imdb, tmdb, _tvdb, _tvmaze = items[movie.item_id]
            if imdb:
                index.movies_by_id[("imdb", _imdb(imdb) or 0)] = movie.item_id
            if tmdb:
                index.movies_by_id[("tmdb", tmdb)] = movie.item_id
        shows_done: set[int] = set()
        for season in seasons:
            show, number = season.show_id, season.season
            index.episodes.update(
                {
                    (show, number, n): e
                    for n, e in zip(season.episode_numbers, season.episode_ids, strict=True)
                }
            )
            index.seasons[(show, season.season)] = (
                len(season.episode_ids) > 1 and season.share_wanted >= season_pack_share
            )
            if show in shows_done:
                continue
            shows_done.add(show)
            _id, year, imdb, _tmdb, tvdb, tvmaze = items[show]
            country = title_key(season.title).country
            for key in _title_keys(season.title):
                index.shows_by_key.setdefault(key, []).append((show, country))
                if year:
                    index.shows_by_key.setdefault(f"{key} {year}", []).append((show, country))
            for name, value in (("imdb", _imdb(imdb)), ("tvdb", tvdb), ("tvmaze", tvmaze)):
                if value:
                    index.shows_by_id[(name, value)] = show
        return index

    def match(self, release: Release, parsed: ParsedRelease) -> Match | None:
        """What ``release`` names among the wanted, or None (set lookups only). The release
        rules judge it afterwards: a match is a candidate, not a decision."""
        keys = _name_keys(parsed.title, parsed.alt_title)
        if parsed.year:  # "Space.1999.S01E01": the year may be the title's ("Space: 1999")
            keys |= _title_keys(f"{parsed.title} {parsed.year}")
        if parsed.kind == "movie":
            return self._movie(release, parsed, keys)
        return self._episodes(release, parsed, keys)

    def _movie(self, release: Release, parsed: ParsedRelease, keys: set[str]) -> Match | None:
        by_id = [
            self.movies_by_id.get((name, value))
            for name, value in (("imdb", _imdb(release.imdb_id)), ("tmdb", release.tmdb_id))
            if value
        ]
        found = next((i for i in by_id if i is not None), None)
        if found is None:
            for key in keys:
                for item_id, year in self.movies_by_key.get(key, ()):
                    if not (parsed.year and year) or parsed.year == year:
                        found = item_id
                        break
                if found is not None:
                    break
        return Match("movie", found, f"m:{found}") if found is not None else None

    def _episodes(self, release: Release, parsed: ParsedRelease, keys: set[str]) -> Match | None:
        show = next(
            (
                self.shows_by_id[(name, value)]
                for name, value in (
                    ("tvdb", release.tvdb_id),
                    ("tvmaze", release.tvmaze_id),
                    ("imdb", _imdb(release.imdb_id)),
                )
                if value and (name, value) in self.shows_by_id
            ),
            None,
        )
        if show is None:
            named = [entry for k in keys for entry in self.shows_by_key.get(k, ())]
            # namesakes ("The Office", "The Office (US)"): the one the name's country names
            country = title_key(parsed.title).country
            show = next((i for i, c in named if c == country), named[0][0] if named else None)
        if show is None or len(parsed.seasons) > 1 or not parsed.seasons:
            # absolute numbers (anime) and air dates (dailies) name no season here: the
            # backlog search, which reads the show's order and air dates, finds those
            return None
        season = parsed.seasons[0]
        if parsed.is_season_pack:
            if self.seasons.get((show, season)):
                return Match("season", show, f"s:{show}:{season}", season)
            return None
        ids = [self.episodes.get((show, season, n)) for n in parsed.episodes]
        if not ids or None in ids:
            return None  # an episode in it is not wanted (on disk, in flight, not monitored)
        episode_ids = tuple(sorted(i for i in ids if i is not None))
        return Match(
            "episodes",
            show,
            "e:" + ",".join(str(i) for i in episode_ids),
            season,
            episode_ids,
        )


@dataclass
class RssReport:
    """What one RSS sync did."""

    #: indexer name -> releases read from its feed
    fetched: dict[str, int] = field(default_factory=dict)
    #: releases that named something wanted
    matched: int = 0
    #: labels of what was grabbed, and the release grabbed for each
    grabbed: list[str] = field(default_factory=list)
    grabbed_titles: dict[str, str] = field(default_factory=dict)
    #: "label: why" for matches the guard refused
    refused: list[str] = field(default_factory=list)
    #: "indexer NAME: why" for feeds that could not be read
    failed: list[str] = field(default_factory=list)
    #: wanted items in the index
    wanted: int = 0
    #: seconds spent building the index of wanted items, and the whole sync
    planning_seconds: float = 0.0
    seconds: float = 0.0


class RssSync:
    """Reads the indexers' feeds and grabs what is wanted in them (see the module)."""

    def __init__(
        self,
        config: Config,
        grabber: Grabber,
        *,
        on_event: EventSink = ignore,
        max_pages: int = RSS_MAX_PAGES,
    ) -> None:
        self.config = config
        self.grabber = grabber
        self.on_event = on_event
        self.max_pages = max_pages

    def due_in(self) -> float:
        """Seconds until an enabled indexer's feeds are due (0: now), whoever read them last."""
        return feeds_due_in(list(self.config.enabled_indexers), self.config.monitor.rss_interval)

    def run(self, stop: threading.Event | None = None) -> RssReport:
        """One sync of every enabled indexer whose feeds no process read in the last
        ``rss_interval``; never raises for an indexer's failure."""
        started = time.monotonic()
        report = RssReport()
        mc = self.config.monitor
        index = WantedIndex.build(
            include_specials=mc.include_specials, season_pack_share=mc.season_pack_share
        )
        report.planning_seconds = time.monotonic() - started
        report.wanted = len(index)
        kinds = [
            k for k, on in (("movie", index.wants_movies), ("show", index.wants_episodes)) if on
        ]
        indexers = self.config.enabled_indexers
        if kinds and indexers:
            indexers = tuple(claim_feeds(list(indexers), self.config.monitor.rss_interval))
            if not indexers:
                log.debug("RSS sync: every feed was read less than rss_interval ago")
        if not kinds or not indexers:
            report.seconds = time.monotonic() - started
            return report
        self.on_event(
            MonitorState("searching", f"RSS sync: reading {counted(len(indexers), 'indexer')}")
        )
        releases = self._fetch(indexers, kinds, report, stop)
        if stop is not None and stop.is_set():
            report.seconds = time.monotonic() - started
            return report
        self._grab(index, releases, report, stop)
        report.seconds = time.monotonic() - started
        log.info(
            "RSS sync: %s from %s, %d name something wanted, %d grabbed%s",
            counted(sum(report.fetched.values()), "release"),
            counted(len(report.fetched), "indexer"),
            report.matched,
            len(report.grabbed),
            f"; {counted(len(report.failed), 'feed')} failed" if report.failed else "",
        )
        return report

    # -- reading the feeds -------------------------------------------------------------------

    def _fetch(
        self,
        indexers: Iterable[IndexerConfig],
        kinds: list[str],
        report: RssReport,
        stop: threading.Event | None,
    ) -> list[Release]:
        def read(cfg: IndexerConfig) -> list[tuple[str, Feed | IndexerError]]:
            client = TorznabClient(cfg, max_pages=self.max_pages)
            out: list[tuple[str, Feed | IndexerError]] = []
            for kind in kinds:
                try:
                    out.append((kind, client.recent(kind, since=newest_seen(cfg.name, kind))))
                except IndexerError as exc:
                    out.append((kind, exc))
                    break  # this indexer failed (its health says why): not asked again now
            return out

        configs = list(indexers)
        answers = ask_each(
            {cfg.name: functools.partial(read, cfg) for cfg in configs},
            bound=max(request_bound(cfg, self.max_pages * len(kinds)) for cfg in configs),
            stop=stop,
        )
        releases: list[Release] = []
        seen: set[tuple[str, str]] = set()
        for cfg in configs:
            answer = answers[cfg.name]
            if answer is None:
                report.failed.append(f"indexer {cfg.name}: no complete answer in time")
                continue
            for kind, feed in answer:
                if isinstance(feed, IndexerSkipped):
                    log.debug("RSS sync: %s", feed)
                    continue
                if isinstance(feed, IndexerError):
                    report.failed.append(str(feed))
                    continue
                # an indexer that ignores the categories gives the same releases to both feeds
                fresh = [r for r in feed.releases if (r.indexer, r.guid or r.title) not in seen]
                seen.update((r.indexer, r.guid or r.title) for r in fresh)
                report.fetched[cfg.name] = report.fetched.get(cfg.name, 0) + len(fresh)
                releases.extend(fresh)
                newest = max((r.published for r in feed.releases if r.published), default=None)
                if newest is not None:
                    saw_newest(cfg.name, kind, newest)
        return releases

    # -- matching and grabbing ---------------------------------------------------------------

    def _grab(
        self,
        index: WantedIndex,
        releases: list[Release],
        report: RssReport,
        stop: threading.Event | None,
    ) -> None:
        # only names that could name something wanted are parsed (most of a feed does not)
        releases = [r for r in releases if index.may_name_something(r)]
        parsed = parse_names(r.title for r in releases)
        groups: dict[str, tuple[Match, list[Release]]] = {}
        for release in releases:
            match = index.match(release, parsed[release.title])
            if match is None:
                continue
            report.matched += 1
            groups.setdefault(match.key, (match, []))[1].append(release)
        # packs before episodes: a wanted season is taken whole when a pack is acceptable
        order = {"season": 0, "episodes": 1, "movie": 2}
        taken: set[str] = set()
        for match, found in sorted(groups.values(), key=lambda g: order[g[0].kind]):
            if stop is not None and stop.is_set():
                return
            try:
                target = _target(match)
            except InvalidTarget:
                continue  # gone from the library since the index was built
            if set(target.units()) & taken:
                continue
            candidates, _rejected = judge_for(self.config, target, found)
            if not candidates:
                continue
            label = target.label()
            self.on_event(MonitorState("searching", f'RSS sync: grabbing "{label}"'))
            outcome, candidate = grab_best(self.grabber, target, candidates)
            if outcome is None:
                continue
            if outcome.accepted and candidate is not None:
                taken.update(target.units())
                report.grabbed.append(label)
                report.grabbed_titles[label] = candidate.release.title
            else:
                report.refused.append(f"{label}: {outcome.message}")


def _target(match: Match) -> Target:
    if match.kind == "movie":
        return movie_target(match.item_id)
    if match.kind == "season":
        assert match.season is not None
        return season_target(match.item_id, match.season)
    return episodes_target(match.episode_ids)
