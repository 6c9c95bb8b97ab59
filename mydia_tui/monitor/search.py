"""The search monitor: find what is wanted, search the indexers, grab the best release through
the guard.

One cycle:

* wanted films, and per show and season the wanted episodes (set-based queries);
* a season whose wanted share of aired episodes reaches ``season_pack_share`` is searched as a
  pack first; when no pack is grabbed its episodes are searched one by one;
* candidates come ranked best first; the first the guard accepts is grabbed; a release whose
  coverage overlaps one already taken in this cycle is skipped;
* an empty search puts the item on a cool-down that doubles each time (kept in the database, so
  it survives restarts); two monitors never search the same item at once (a lease per item);
* every decision is in the history: grabbed, refused and why (by the guard), nothing found.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .. import history
from ..config import Config, redact_text, secrets_of
from ..events import EventSink, MonitorState, ignore
from ..guard import Guard, Outcome
from ..models import SearchState, utcnow
from ..targets import Target, episodes_target, movie_target, season_target
from .wanted import WantedSeason, wanted_movies, wanted_seasons

log = logging.getLogger(__name__)

#: refusals after which another release of the same target is worth trying
TRY_NEXT = frozenset({"same_torrent", "blocklisted", "client_error", "bad_release"})


class ReleaseLike(Protocol):
    title: str
    indexer: str
    guid: str
    size: int | None
    info_hash: str | None
    magnet: str | None
    download_url: str | None


class CandidateLike(Protocol):
    """A ranked, accepted search result: a release and its quality."""

    release: ReleaseLike
    quality: Any


@dataclass(frozen=True)
class SearchResult:
    """What one search of one target found."""

    candidates: Sequence[CandidateLike]
    #: releases refused by matching/ranking: reason code -> count
    rejected: dict[str, int] = field(default_factory=dict)
    #: indexer name -> error message
    errors: dict[str, str] = field(default_factory=dict)


#: Searcher: Target -> SearchResult (the indexers' search, ranked)
Searcher = Callable[[Target], SearchResult]
#: Grabber: (Target, candidate) -> Outcome (prepare the release, guard, add to Deluge)
Grabber = Callable[[Target, CandidateLike], Outcome]


@dataclass(frozen=True)
class Task:
    key: str
    target: Target
    #: for a pack: the season it stands for (its episodes are searched when it finds nothing)
    season: WantedSeason | None = None


@dataclass
class CycleReport:
    searched: list[str] = field(default_factory=list)
    grabbed: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    skipped_overlap: list[str] = field(default_factory=list)


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
    ) -> None:
        self.config = config
        self.mc = config.monitor
        self.searcher = searcher
        self.grabber = grabber
        self.holder = holder or Guard().claimed_by
        self.on_event = on_event
        self.lease_seconds = lease_seconds
        self._secrets = secrets_of(config)

    # -- planning ----------------------------------------------------------------------------

    def plan(self) -> list[Task]:
        tasks: list[Task] = []
        for movie in wanted_movies():
            tasks.append(Task(f"m:{movie.item_id}", movie_target(movie.item_id)))
        for season in wanted_seasons(include_specials=self.mc.include_specials):
            if len(season.episode_ids) > 1 and season.share_wanted >= self.mc.season_pack_share:
                tasks.append(
                    Task(
                        f"s:{season.show_id}:{season.season}",
                        season_target(season.show_id, season.season),
                        season,
                    )
                )
            else:
                tasks.extend(self._episode_tasks(season))
        return tasks

    @staticmethod
    def _episode_tasks(season: WantedSeason) -> list[Task]:
        return [Task(f"e:{eid}", episodes_target([eid])) for eid in season.episode_ids]

    # -- one cycle ---------------------------------------------------------------------------

    def run_cycle(self, stop: threading.Event | None = None) -> CycleReport:
        stop = stop or threading.Event()
        report = CycleReport()
        taken: set[str] = set()
        per_show: dict[int, int] = {}
        queue = list(self.plan())
        now = utcnow()
        cooling = self._cooling(now)
        while queue and not stop.is_set():
            if len(report.searched) >= self.mc.searches_per_cycle:
                break
            task = queue.pop(0)
            if task.key in cooling:
                continue
            target = task.target
            if set(target.units()) & taken:
                report.skipped_overlap.append(target.label())
                continue
            if target.kind != "movie":
                if per_show.get(target.item_id, 0) >= self.mc.searches_per_show:
                    continue
                per_show[target.item_id] = per_show.get(target.item_id, 0) + 1
            if not self._lease(task.key, target.item_id):
                continue
            try:
                outcome = self._search_one(task, report)
            finally:
                self._release_lease(task.key)
            if outcome is not None and outcome.accepted:
                taken.update(target.units())
            elif task.season is not None:
                # no acceptable pack: the season's episodes, one by one, next in line
                queue[0:0] = self._episode_tasks(task.season)
        self.on_event(MonitorState("idle"))
        return report

    def _search_one(self, task: Task, report: CycleReport) -> Outcome | None:
        target = task.target
        label = target.label()
        report.searched.append(label)
        self.on_event(MonitorState("searching", f'searching "{label}"'))
        try:
            result = self.searcher(target)
        except Exception as exc:  # one broken search never stops the cycle
            message = redact_text(str(exc) or type(exc).__name__, self._secrets)
            log.warning("search for %s failed: %s", label, message)
            history.record("error", f"search for {label} failed: {message}", item=target.item_id)
            return None
        outcome = None
        for candidate in result.candidates:
            outcome = self.grabber(target, candidate)
            if outcome.accepted:
                break
            if outcome.reason not in TRY_NEXT:
                break  # the target itself is not wanted any more (on disk, in flight)
        if outcome is not None and outcome.accepted:
            report.grabbed.append(label)
            self._searched(task.key, target.item_id, found=True)
            return outcome
        summary = _summary(result)
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
        """Take the item's search lease; False when another monitor holds it."""
        now = utcnow()
        until = now + dt.timedelta(seconds=self.lease_seconds)
        SearchState.insert(key=key, item=item_id).on_conflict_ignore().execute()
        taken = (
            SearchState.update(lease_holder=self.holder, lease_until=until)
            .where(
                (SearchState.key == key)
                & (
                    SearchState.lease_until.is_null()
                    | (SearchState.lease_until < now)
                    | (SearchState.lease_holder == self.holder)
                )
            )
            .execute()
        )
        return bool(taken)

    def _release_lease(self, key: str) -> None:
        SearchState.update(lease_holder="", lease_until=None).where(
            (SearchState.key == key) & (SearchState.lease_holder == self.holder)
        ).execute()


def _summary(result: SearchResult) -> str:
    parts = []
    if result.rejected:
        total = sum(result.rejected.values())
        reasons = ", ".join(
            f"{k} {v}" for k, v in sorted(result.rejected.items(), key=lambda kv: -kv[1])
        )
        parts.append(f"{total} release(s) refused: {reasons}")
    if result.errors:
        parts.append("indexer errors: " + "; ".join(f"{k}: {v}" for k, v in result.errors.items()))
    return f" ({'; '.join(parts)})" if parts else ""

