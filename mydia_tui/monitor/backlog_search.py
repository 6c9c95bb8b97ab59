"""The backlog search: find what is wanted, search the indexers item by item, grab the best
release through the guard. (New releases are found by the RSS sync, :mod:`.rss_sync`.)

One cycle:

* wanted films, and per show and season the wanted episodes (set-based queries: a constant
  number whatever the size of the wanted list; each item's target is read only when its turn
  comes), oldest-searched first (never searched first of all);
* paced by what the indexers allow: the cycle ends when every enabled indexer is backing off
  (after failures, or a ``Retry-After``) or has spent its ``requests_per_hour``, at
  ``search_cycle_deadline``, or after ``searches_per_cycle`` searches when that is set;
* a season whose wanted share of aired episodes reaches ``season_pack_share`` is searched as a
  pack first; when no pack is grabbed its episodes are searched one by one;
* candidates come ranked best first; each is grabbed through
  :func:`mydia_tui.grabbing.grab_release` (the grabber) until one is accepted, or a refusal
  says no release will do (:attr:`mydia_tui.refusals.Reason.try_next`); a release whose
  coverage overlaps one already taken in this cycle is skipped;
* an empty search puts the item on a cool-down that doubles each time (kept in the database, so
  it survives restarts); two monitors never search the same item at once (a lease per item);
* every decision is in the history: grabbed, refused and why (by the guard), nothing found.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from functools import cached_property

from .. import history
from ..config import Config, redact_text, secrets_of
from ..events import EventSink, MonitorState, ignore
from ..grabbing import CandidateLike, Grabber
from ..guard import Guard, Outcome
from ..library import episodes_target, movie_target, season_target
from ..models import SearchState, utcnow
from ..processes import process_alive
from ..targets import InvalidTarget, Target
from ..units import counted
from .wanted import WantedSeason, cutoff_unmet, wanted_movies, wanted_seasons

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchResult:
    """What one search of one target found."""

    candidates: Sequence[CandidateLike]
    #: releases refused by matching/ranking: reason code -> count
    rejected: dict[str, int] = field(default_factory=dict)
    #: indexer name -> its failure in one line, naming it ("demo-feed is failing (...)")
    errors: dict[str, str] = field(default_factory=dict)


#: Searcher: Target -> SearchResult (the indexers' search, ranked)
Searcher = Callable[[Target], SearchResult]


class Task:
    """One search to make: its key (``m:ID``, ``e:ID``, ``s:SHOW:SEASON``), the item it is
    for, and its target, read from the library only when the task is run (planning a cycle
    reads no target)."""

    def __init__(
        self,
        key: str,
        item_id: int,
        make_target: Callable[[], Target],
        season: WantedSeason | None = None,
    ) -> None:
        self.key = key
        self.item_id = item_id
        self._make_target = make_target
        #: for a pack: the season it stands for (its episodes are searched when it finds nothing)
        self.season = season

    @property
    def is_movie(self) -> bool:
        return self.key.startswith("m:")

    @cached_property
    def target(self) -> Target:
        return self._make_target()


@dataclass
class CycleReport:
    """What one cycle (or one "search now") did; each entry names a target (``label()``)."""

    searched: list[str] = field(default_factory=list)
    grabbed: list[str] = field(default_factory=list)
    #: label -> the title of the release grabbed for it
    grabbed_titles: dict[str, str] = field(default_factory=dict)
    #: targets for which no release was acceptable
    empty: list[str] = field(default_factory=list)
    skipped_overlap: list[str] = field(default_factory=list)
    #: "label: why" for targets whose acceptable releases the guard refused (on disk, in flight)
    refused: list[str] = field(default_factory=list)
    #: "the search for LABEL failed: why" for searches that failed (every indexer failing, ...)
    failed: list[str] = field(default_factory=list)
    #: targets another monitor was searching at that moment (its lease)
    busy: list[str] = field(default_factory=list)
    #: why the cycle ended before everything wanted was searched (indexers backing off or
    #: out of budget); empty otherwise
    paused: str = ""


class SearchMonitor:
    def __init__(
        self,
        config: Config,
        searcher: Searcher,
        grabber: Grabber,
        *,
        holder: str | None = None,
        on_event: EventSink = ignore,
        lease_seconds: float = 600.0,
        pacing: Callable[[], str] | None = None,
    ) -> None:
        self.config = config
        #: why the backlog search must pause now ("" when it may go on); by default, when no
        #: enabled indexer may be asked (:func:`mydia_tui.item_search.indexers_paused`)
        self.pacing = pacing if pacing is not None else _indexers_paused(config)
        self.mc = config.monitor
        self.searcher = searcher
        self.grabber = grabber
        self.holder = holder or Guard().claimed_by
        self.on_event = on_event
        self.lease_seconds = lease_seconds
        self._secrets = secrets_of(config)

    # -- planning ----------------------------------------------------------------------------

    def plan(self) -> list[Task]:
        """Everything wanted, as tasks, oldest-searched first (never searched first, then by
        the time of the last search; ties keep the library's order): the missing films and
        episodes, then the films and episodes whose file's cutoff is unmet (an upgrade). A
        constant number of queries: the wanted films, the wanted seasons, the cutoff unmet, the
        search times."""
        tasks: list[Task] = []
        for movie in wanted_movies():
            tasks.append(_movie_task(movie.item_id))
        for season in wanted_seasons(include_specials=self.mc.include_specials):
            tasks.extend(self._season_tasks(season))
        # cutoff unmet: a file below its profile's cutoff, searched for an upgrade
        for unmet in cutoff_unmet(self.config.quality, include_specials=self.mc.include_specials):
            if unmet.episode_id is None:
                tasks.append(_movie_task(unmet.item_id))
            else:
                tasks.append(
                    Task(
                        unmet.key,
                        unmet.item_id,
                        functools.partial(episodes_target, [unmet.episode_id]),
                    )
                )
        searched = {
            key: at
            for key, at in SearchState.select(SearchState.key, SearchState.last_search_at)
            .where(SearchState.last_search_at.is_null(False))
            .tuples()
        }
        never = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(tasks, key=lambda t: _aware(searched.get(t.key)) or never)

    def _season_tasks(self, season: WantedSeason, *, pack_first: bool = False) -> list[Task]:
        """A wanted season as a pack (its episodes follow when no pack is grabbed) when more
        than one episode is wanted and ``season_pack_share`` of it is, or ``pack_first`` (the
        user chose the season); else its wanted episodes one by one."""
        if len(season.episode_ids) > 1 and (
            pack_first or season.share_wanted >= self.mc.season_pack_share
        ):
            key = f"s:{season.show_id}:{season.season}"
            show, number = season.show_id, season.season
            return [Task(key, show, lambda: season_target(show, number), season)]
        return self._episode_tasks(season)

    @staticmethod
    def _episode_tasks(season: WantedSeason) -> list[Task]:
        return [
            Task(f"e:{eid}", season.show_id, functools.partial(episodes_target, [eid]))
            for eid in season.episode_ids
        ]

    # -- one cycle ---------------------------------------------------------------------------

    def run_cycle(self, stop: threading.Event | None = None) -> CycleReport:
        """One backlog cycle over everything wanted, oldest-searched first, skipping targets in
        their cool-down, within ``searches_per_show``, the indexers' budgets and back-off,
        ``search_cycle_deadline`` and ``searches_per_cycle`` (when set)."""
        report = CycleReport()
        self._run(list(self.plan()), report, stop, cooling=self._cooling(utcnow()), limited=True)
        self.on_event(MonitorState("idle"))
        return report

    def search_now(
        self,
        item_id: int,
        season: int | None = None,
        episode: int | None = None,
        stop: threading.Event | None = None,
    ) -> CycleReport:
        """The user's "search now" for a film, a show, a season or an episode: the same
        search, grab and fallback as a cycle, without its limits or cool-downs.

        * a film or an episode: that target (the guard says why when it is not wanted);
        * a season: its pack first when more than one episode is wanted, then the wanted
          episodes one by one; a season with nothing wanted is tried as a pack, so that the
          guard says why (on disk, in flight);
        * a show without a season: what is wanted in it, planned as a cycle plans it.

        An empty report (nothing searched) means nothing is wanted in the show. Raises
        :class:`~mydia_tui.errors.NotFound` for an unknown item, season or episode.
        """
        from ..library import episode_by_number, get_item

        item = get_item(item_id)
        tasks: list[Task]
        if item.kind == "movie":
            tasks = [_movie_task(item_id)]
        elif episode is not None:
            target = episode_by_number(item_id, season or 0, episode)
            tasks = [Task(f"e:{target.episode_ids[0]}", item_id, lambda: target)]
        else:
            seasons = [
                s
                for s in wanted_seasons(include_specials=season == 0 or self.mc.include_specials)
                if s.show_id == item_id and (season is None or s.season == season)
            ]
            tasks = [
                task
                for wanted in seasons
                for task in self._season_tasks(wanted, pack_first=season is not None)
            ]
            if not tasks and season is not None:
                pack = season_target(item_id, season)
                tasks = [Task(f"s:{item_id}:{season}", item_id, lambda: pack)]
        report = CycleReport()
        self._run(tasks, report, stop, cooling=frozenset(), limited=False)
        return report

    def _run(
        self,
        queue: list[Task],
        report: CycleReport,
        stop: threading.Event | None,
        *,
        cooling: Set[str],
        limited: bool,
    ) -> None:
        """Search and grab the tasks in order; a pack that grabs nothing is followed by its
        season's episodes; a target overlapping one grabbed here is skipped."""
        stop = stop or threading.Event()
        taken: set[str] = set()
        per_show: dict[int, int] = {}
        ends = time.monotonic() + self.mc.search_cycle_deadline
        cap = self.mc.searches_per_cycle
        while queue and not stop.is_set():
            if limited and cap and len(report.searched) >= cap:
                break
            if limited and time.monotonic() >= ends:
                log.info(
                    "backlog search: the cycle's deadline (%g s) has passed; %d searched",
                    self.mc.search_cycle_deadline,
                    len(report.searched),
                )
                break
            if limited and self.pacing is not None:
                why = self.pacing()
                if why:
                    log.info("backlog search paused: %s; %d searched", why, len(report.searched))
                    report.paused = why
                    break
            task = queue.pop(0)
            if task.key in cooling:
                continue
            if limited and not task.is_movie:
                if per_show.get(task.item_id, 0) >= self.mc.searches_per_show:
                    continue
            try:
                target = task.target
            except InvalidTarget:
                continue  # removed from the library since the plan was made
            if set(target.units()) & taken:
                report.skipped_overlap.append(target.label())
                continue
            if limited and not task.is_movie:
                per_show[task.item_id] = per_show.get(task.item_id, 0) + 1
            if not self._lease(task.key, target.item_id):
                report.busy.append(target.label())
                continue
            try:
                outcome = self._search_one(task, report, stop)
            finally:
                self._release_lease(task.key)
            if outcome is not None and outcome.accepted:
                taken.update(target.units())
            elif task.season is not None:
                # no acceptable pack: the season's episodes, one by one, next in line
                queue[0:0] = self._episode_tasks(task.season)

    def _search_one(self, task: Task, report: CycleReport, stop: threading.Event) -> Outcome | None:
        target = task.target
        label = target.label()
        report.searched.append(label)
        self.on_event(MonitorState("searching", f'searching "{label}"'))
        try:
            result = self.searcher(target)
        except Exception as exc:  # one broken search never stops the cycle
            self._failed(target, str(exc) or type(exc).__name__, report)
            return None
        if stop.is_set():
            return None  # stopped while the indexers were asked: nothing is known
        if result.errors and not result.candidates and not result.rejected:
            # every indexer that was asked failed: that says nothing about the target, so no
            # "nothing found" and no cool-down for it (the indexers back off on their own)
            self._failed(target, "; ".join(result.errors.values()), report)
            return None
        outcome, candidate = grab_best(self.grabber, target, result.candidates)
        if outcome is not None and outcome.accepted and candidate is not None:
            report.grabbed.append(label)
            report.grabbed_titles[label] = candidate.release.title
            self._searched(task.key, target.item_id, found=True)
            return outcome
        summary = _summary(result)
        if outcome is not None:
            report.refused.append(f"{label}: {outcome.message}")
        if not result.candidates:
            report.empty.append(label)
            history.record(
                "search_empty",
                f"nothing acceptable found for {label}{summary}",
                item=target.item_id,
                season=target.season if target.kind == "season" else None,
                episode=target.episode_ids[0] if target.kind == "episodes" else None,
                data={"rejected": result.rejected, "errors": result.errors},
            )
        self._searched(task.key, target.item_id, found=False)
        return outcome

    def _failed(self, target: Target, why: str, report: CycleReport) -> None:
        """A search that could not be made: logged, kept in the item's history, reported;
        never counted as "nothing found" (no cool-down)."""
        label = target.label()
        message = redact_text(why, self._secrets)
        # the indexers log their own change of state (one warning when one starts failing)
        log.info("search for %s failed: %s", label, message)
        history.record("error", f"search for {label} failed: {message}", item=target.item_id)
        report.failed.append(f"the search for {label} failed: {message}")

    # -- cool-down and leases ----------------------------------------------------------------

    def _cooling(self, now: dt.datetime) -> set[str]:
        return {
            key
            for (key,) in SearchState.select(SearchState.key)
            .where(SearchState.next_search_at > now)
            .tuples()
        }

    def _searched(self, key: str, item_id: int, *, found: bool) -> None:
        now = utcnow()
        state = SearchState.get_or_none(SearchState.key == key)
        empty = 0 if found else (state.empty_count + 1 if state else 1)
        delay = (
            0.0 if found else min(self.mc.cooldown_max, self.mc.cooldown_base * 2 ** (empty - 1))
        )
        next_at = now + dt.timedelta(seconds=delay) if delay else None
        SearchState.insert(
            key=key, item=item_id, last_search_at=now, empty_count=empty, next_search_at=next_at
        ).on_conflict(
            conflict_target=[SearchState.key],
            update={
                SearchState.last_search_at: now,
                SearchState.empty_count: empty,
                SearchState.next_search_at: next_at,
            },
        ).execute()

    def _lease(self, key: str, item_id: int) -> bool:
        """Take the search lease of ``key`` for ``lease_seconds``; False when another monitor
        holds it. A lease is free when it has expired, or at once when its holder is a process
        of this host that has ended (:func:`~mydia_tui.processes.process_alive`); a holder of
        another host is waited for until its lease expires."""
        now = utcnow()
        until = now + dt.timedelta(seconds=self.lease_seconds)
        SearchState.insert(key=key, item=item_id).on_conflict_ignore().execute()
        free = (
            SearchState.lease_until.is_null()
            | (SearchState.lease_until < now)
            | (SearchState.lease_holder == self.holder)
        )
        if self._take_lease(key, until, free):
            return True
        holder = SearchState.select(SearchState.lease_holder).where(SearchState.key == key).scalar()
        if not holder or process_alive(holder) is not False:
            return False
        # its holder died: taken over, unless another monitor took it first
        return self._take_lease(key, until, SearchState.lease_holder == holder)

    def _take_lease(self, key: str, until: dt.datetime, free) -> bool:
        taken = (
            SearchState.update(lease_holder=self.holder, lease_until=until)
            .where((SearchState.key == key) & free)
            .execute()
        )
        return bool(taken)

    def _release_lease(self, key: str) -> None:
        SearchState.update(lease_holder="", lease_until=None).where(
            (SearchState.key == key) & (SearchState.lease_holder == self.holder)
        ).execute()


def grab_best(
    grabber: Grabber, target: Target, candidates: Sequence[CandidateLike]
) -> tuple[Outcome | None, CandidateLike | None]:
    """Grab the candidates best first until one is accepted, or a refusal says no release
    will do (:attr:`mydia_tui.refusals.Reason.try_next` false: on disk, in flight): (the last
    outcome, the candidate it was for); (None, None) when there was no candidate."""
    outcome: Outcome | None = None
    last: CandidateLike | None = None
    for candidate in candidates:
        outcome, last = grabber(target, candidate), candidate
        if outcome.accepted or not outcome.try_next:
            break
    return outcome, last


def _movie_task(item_id: int) -> Task:
    return Task(f"m:{item_id}", item_id, lambda: movie_target(item_id))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives naive ones back)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _indexers_paused(config: Config) -> Callable[[], str]:
    def paused() -> str:
        from ..item_search import indexers_paused

        return indexers_paused(config)

    return paused


def _summary(result: SearchResult) -> str:
    """`` (2 releases refused: wrong_title 2); demo-feed is failing (connection refused)``:
    the indexers' failures after the brackets, since each line has its own."""
    text = ""
    if result.rejected:
        total = sum(result.rejected.values())
        reasons = ", ".join(
            f"{k} {v}" for k, v in sorted(result.rejected.items(), key=lambda kv: -kv[1])
        )
        text = f" ({counted(total, 'release')} refused: {reasons})"
    if result.errors:
        text += "; " + "; ".join(result.errors.values())
    return text


def make_searcher(
    config: Config,
    stop: Callable[[], threading.Event | None] = lambda: None,
    *,
    manual: bool = False,
) -> Searcher:
    """The monitor's searcher: ranked candidates, refusal counts and indexer errors.
    ``stop()`` gives the event that ends the wait for the indexers at once (the monitor's);
    ``manual``: its searches are the user's ("search now": an indexer that backs off is asked
    anyway, :func:`mydia_tui.item_search.search`)."""

    def searcher(target: Target) -> SearchResult:
        from ..item_search import search

        outcome = search(config, target, stop=stop(), manual=manual)
        return SearchResult(
            candidates=outcome.candidates,
            rejected=dict(Counter(d.reason_code for d in outcome.rejected)),
            errors={r.name: r.line or r.message for r in outcome.errors},
        )

    return searcher
