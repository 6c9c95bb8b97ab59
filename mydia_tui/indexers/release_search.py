"""The search service: ask every indexer at once, judge every release, rank the candidates.

:func:`search_target` is what the CLI (``mydia-tui search``), the TUI's interactive search and
the monitor call. Indexers run in threads (:func:`ask_each`); one that is slow or broken costs
the others nothing beyond its own deadline, and a ``stop`` event ends the wait at once (the
threads are daemons: a process that stops never waits for them). Parsing and judging happen
afterwards in the calling thread.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..config import Config, IndexerConfig, redact_text
from ..parsed_names import parse_names
from ..refusals import Reason
from ..releases.decide import Decision, Policy, decide
from ..releases.quality import resolve_profile
from ..releases.rank import rank
from ..releases.release import Release
from ..targets import Target
from .health import IndexerError, failing_line, failure_line
from .torznab import Feed, ResolvedDownload, TorznabClient


@dataclass(frozen=True)
class IndexerReport:
    name: str
    ok: bool
    results: int = 0
    dropped: int = 0
    #: IndexerError.code ("auth", "rate_limited", "unavailable", "bad_response",
    #: "request_refused", "backing_off", "timeout", "error"); empty when ok
    error_code: str = ""
    message: str = ""
    seconds: float = 0.0
    #: a failure in one line for people, naming the indexer once
    #: (:func:`~mydia_tui.indexers.health.failing_line`); empty when ok
    line: str = ""


@dataclass(frozen=True)
class SearchOutcome:
    target: Target
    #: accepted releases, best first
    candidates: tuple[Decision, ...]
    #: refused releases with their reasons, in the order the indexers gave them
    rejected: tuple[Decision, ...]
    indexers: tuple[IndexerReport, ...]
    #: the quality of the file on disk, when the target has one: every candidate is then an
    #: upgrade from it (to the candidate's ``quality``)
    upgrade_from: str | None = None

    @property
    def best(self) -> Decision | None:
        return self.candidates[0] if self.candidates else None

    @property
    def errors(self) -> tuple[IndexerReport, ...]:
        return tuple(r for r in self.indexers if not r.ok)


def judge(
    releases: Iterable[Release], target: Target, policy: Policy, *, require_seeders: bool = False
) -> tuple[list[Decision], list[Decision]]:
    """Parse (batched, cached), decide and rank: (candidates best first, rejected). A torrent
    offered twice (same info-hash) is kept once, at its best-ranked place. A release whose
    indexer gives no seeder count is "unknown": judged without the ``min_seeders`` rule
    (ranked below every known count) unless ``require_seeders``."""
    releases = list(releases)
    parsed = parse_names(r.title for r in releases)
    unknown_ok = dataclasses.replace(policy, min_seeders=0)
    decisions = [
        decide(
            r,
            parsed[r.title],
            target,
            unknown_ok if r.seeders is None and not require_seeders else policy,
        )
        for r in releases
    ]
    ranked = rank(decisions)
    candidates: list[Decision] = []
    rejected = [d for d in decisions if not d.accepted]
    seen: dict[str, Decision] = {}
    for d in ranked:
        key = d.release.info_hash
        if key and key in seen:
            first = seen[key]
            rejected.append(
                Decision(
                    d.release,
                    d.parsed,
                    False,
                    Reason.DUPLICATE,
                    f"the same torrent as {first.release.title!r} from {first.release.indexer}",
                    d.quality,
                )
            )
            continue
        if key:
            seen[key] = d
        candidates.append(d)
    return candidates, rejected


T = TypeVar("T")


def ask_each(
    calls: dict[str, Callable[[], T]], *, bound: float, stop: threading.Event | None = None
) -> dict[str, T | None]:
    """Run each call in its own daemon thread and wait for all of them, at most ``bound``
    seconds, and no longer once ``stop`` is set: name -> its result, None for a call that
    did not finish (it goes on alone; it is bounded by its own deadlines). A call must not
    raise (catch inside)."""
    results: dict[str, T | None] = dict.fromkeys(calls)
    done = {name: threading.Event() for name in calls}

    def run(name: str, call: Callable[[], T]) -> None:
        try:
            results[name] = call()
        finally:
            done[name].set()

    for name, call in calls.items():
        threading.Thread(target=run, args=(name, call), name=f"torznab-{name}", daemon=True).start()
    ends = time.monotonic() + bound
    for event in done.values():
        while not event.is_set() and not (stop is not None and stop.is_set()):
            left = ends - time.monotonic()
            if left <= 0:
                break
            event.wait(min(0.05, left))
    return {name: results[name] if done[name].is_set() else None for name in calls}


def request_bound(cfg: IndexerConfig, pages: int) -> float:
    """The longest one indexer may take for ``pages`` pages and its caps (seconds)."""
    return (cfg.timeout + cfg.min_interval) * (pages + 1) + 1


def search_target(
    target: Target,
    indexers: Sequence[IndexerConfig],
    policy: Policy,
    *,
    client_factory: Callable[[IndexerConfig], TorznabClient] = TorznabClient,
    require_seeders: bool = False,
    stop: threading.Event | None = None,
    manual: bool = False,
) -> SearchOutcome:
    """Search every enabled indexer for ``target`` and judge the results. An indexer still
    asking when ``stop`` is set, or past its bound, is reported with ``error_code``
    "stopped" or "timeout". ``manual``: the user asked (an indexer that backs off is asked
    anyway: :meth:`TorznabClient.search_target`); else such an indexer is skipped."""
    enabled = [i for i in indexers if i.enabled]
    reports: list[IndexerReport] = []
    releases: list[Release] = []
    if enabled:
        clients = {cfg.name: client_factory(cfg) for cfg in enabled}
        bound = max(request_bound(cfg, clients[cfg.name].max_pages) for cfg in enabled)
        answers = ask_each(
            {name: functools.partial(_one, c, target, manual) for name, c in clients.items()},
            bound=bound,
            stop=stop,
        )
        for cfg in sorted(enabled, key=lambda c: (c.priority, c.name)):
            answer = answers[cfg.name]
            if answer is None:
                stopped = stop is not None and stop.is_set()
                why = "stopped" if stopped else f"did not finish within {bound:g} s"
                reports.append(
                    IndexerReport(
                        cfg.name,
                        False,
                        error_code="stopped" if stopped else "timeout",
                        message=f"indexer {cfg.name}: {why}",
                        line=f"{cfg.name} was stopped" if stopped else failing_line(cfg.name, why),
                    )
                )
                continue
            report, feed = answer
            reports.append(report)
            if feed is not None:
                releases.extend(feed.releases)
    candidates, rejected = judge(releases, target, policy, require_seeders=require_seeders)
    return SearchOutcome(
        target,
        tuple(candidates),
        tuple(rejected),
        tuple(reports),
        upgrade_from=policy.existing_quality or None,
    )


def policy_for(
    config: Config,
    profile: str | None = None,
    *,
    existing_quality: str | None = None,
    existing_proper: int = 0,
) -> Policy:
    """What a search with ``config`` accepts: the profile named ``profile`` (None: the
    config's default profile) and the config's quality settings; with the quality (and
    PROPER / REPACK count) of the file on disk, only upgrades of it."""
    chosen = resolve_profile(profile, config.quality)
    return Policy.from_config(
        chosen,
        config.quality,
        existing_quality=existing_quality,
        existing_proper=existing_proper,
    )


def search_with_config(
    config: Config,
    target: Target,
    *,
    profile: str | None = None,
    existing_quality: str | None = None,
    existing_proper: int = 0,
    stop: threading.Event | None = None,
    manual: bool = False,
) -> SearchOutcome:
    """:func:`search_target` with the indexers and quality settings of ``config`` (what the
    ``search`` command and the monitor call). ``profile``: a profile name (None: the
    config's default profile); ``manual``: the user asked for it."""
    policy = policy_for(
        config, profile, existing_quality=existing_quality, existing_proper=existing_proper
    )
    return search_target(
        target,
        config.indexers,
        policy,
        require_seeders=config.quality.require_seeders,
        stop=stop,
        manual=manual,
    )


def resolve_release(config: Config, release: Release) -> ResolvedDownload:
    """The info-hash and the magnet or .torrent bytes of ``release``, asking the indexer it
    came from when it gave neither a hash nor a magnet (its link may redirect to a magnet)."""
    if release.info_hash and release.magnet:
        return ResolvedDownload(release.info_hash, magnet=release.magnet)
    for cfg in config.indexers:
        if cfg.name == release.indexer:
            return TorznabClient(cfg).resolve(release)
    raise IndexerError(release.indexer, "is not in the configuration any more")


def _one(
    client: TorznabClient, target: Target, manual: bool = False
) -> tuple[IndexerReport, Feed | None]:
    started = time.monotonic()
    try:
        feed = client.search_target(target, manual=manual)
    except IndexerError as exc:
        return IndexerReport(
            client.name,
            False,
            error_code=exc.code,
            message=str(exc),
            seconds=time.monotonic() - started,
            line=failure_line(exc),
        ), None
    except Exception as exc:  # a bug must not take the other indexers down
        message = redact_text(
            f"indexer {client.name}: unexpected {type(exc).__name__}: {exc}",
            [client.config.api_key],
        )
        return IndexerReport(
            client.name,
            False,
            error_code="error",
            message=message,
            seconds=time.monotonic() - started,
            line=failing_line(client.name, f"unexpected {type(exc).__name__}"),
        ), None
    return IndexerReport(
        client.name,
        True,
        results=len(feed.releases),
        dropped=feed.dropped,
        message="; ".join(feed.drop_reasons),
        seconds=time.monotonic() - started,
    ), feed


# ---------------------------------------------------------------------------------------------
# Output for ``mydia-tui search``
