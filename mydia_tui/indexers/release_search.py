"""The search service: ask every indexer at once, judge every release, rank the candidates.

:func:`search_target` is what the CLI (``mydia-tui search``), the TUI's interactive search and
the monitor call. Indexers run in threads; one that is slow or broken costs the others nothing
beyond its own timeout. Parsing and judging happen afterwards in the calling thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass

from ..config import Config, IndexerConfig, redact_text
from ..parsed_names import parse_names
from ..refusals import Reason
from ..releases.decide import Decision, Policy, decide
from ..releases.quality import resolve_profile
from ..releases.rank import rank
from ..releases.release import Release
from ..targets import Target
from .health import IndexerError
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


@dataclass(frozen=True)
class SearchOutcome:
    target: Target
    #: accepted releases, best first
    candidates: tuple[Decision, ...]
    #: refused releases with their reasons, in the order the indexers gave them
    rejected: tuple[Decision, ...]
    indexers: tuple[IndexerReport, ...]

    @property
    def best(self) -> Decision | None:
        return self.candidates[0] if self.candidates else None

    @property
    def errors(self) -> tuple[IndexerReport, ...]:
        return tuple(r for r in self.indexers if not r.ok)


def judge(
    releases: Iterable[Release], target: Target, policy: Policy
) -> tuple[list[Decision], list[Decision]]:
    """Parse (batched, cached), decide and rank: (candidates best first, rejected). A torrent
    offered twice (same info-hash) is kept once, at its best-ranked place."""
    releases = list(releases)
    parsed = parse_names(r.title for r in releases)
    decisions = [decide(r, parsed[r.title], target, policy) for r in releases]
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


def search_target(
    target: Target,
    indexers: Sequence[IndexerConfig],
    policy: Policy,
    *,
    client_factory: Callable[[IndexerConfig], TorznabClient] = TorznabClient,
    max_workers: int = 8,
) -> SearchOutcome:
    """Search every enabled indexer for ``target`` and judge the results."""
    enabled = [i for i in indexers if i.enabled]
    reports: list[IndexerReport] = []
    releases: list[Release] = []
    if enabled:
        pool = ThreadPoolExecutor(
            max_workers=min(max_workers, len(enabled)), thread_name_prefix="torznab"
        )
        clients = {cfg.name: client_factory(cfg) for cfg in enabled}
        futures = {pool.submit(_one, clients[cfg.name], target): cfg for cfg in enabled}
        # each indexer is bounded by its own timeout per request; wait for the slowest bound
        bound = max(
            (cfg.timeout + cfg.min_interval) * (clients[cfg.name].max_pages + 1) + 1
            for cfg in enabled
        )
        done, pending = wait_futures(futures, timeout=bound)
        pool.shutdown(wait=False, cancel_futures=True)
        for future, cfg in sorted(futures.items(), key=lambda kv: (kv[1].priority, kv[1].name)):
            if future in pending:
                reports.append(
                    IndexerReport(
                        cfg.name,
                        False,
                        error_code="timeout",
                        message=f"indexer {cfg.name}: did not finish within {bound:g} s",
                    )
                )
                continue
            report, feed = future.result()
            reports.append(report)
            if feed is not None:
                releases.extend(feed.releases)
    candidates, rejected = judge(releases, target, policy)
    return SearchOutcome(target, tuple(candidates), tuple(rejected), tuple(reports))


def search_with_config(
    config: Config,
    target: Target,
    *,
    profile: str | None = None,
    existing_quality: str | None = None,
) -> SearchOutcome:
    """:func:`search_target` with the indexers and quality settings of ``config`` (what the
    ``search`` command and the monitor call). ``profile``: a profile name (None: the
    config's default profile)."""
    chosen = resolve_profile(profile, config.quality)
    policy = Policy.from_config(chosen, config.quality, existing_quality=existing_quality)
    return search_target(target, config.indexers, policy)


def resolve_release(config: Config, release: Release) -> ResolvedDownload:
    """The info-hash and the magnet or .torrent bytes of ``release``, asking the indexer it
    came from when it gave neither a hash nor a magnet (its link may redirect to a magnet)."""
    if release.info_hash and release.magnet:
        return ResolvedDownload(release.info_hash, magnet=release.magnet)
    for cfg in config.indexers:
        if cfg.name == release.indexer:
            return TorznabClient(cfg).resolve(release)
    raise IndexerError(release.indexer, "is not in the configuration any more")


def _one(client: TorznabClient, target: Target) -> tuple[IndexerReport, Feed | None]:
    started = time.monotonic()
    try:
        feed = client.search_target(target)
    except IndexerError as exc:
        return IndexerReport(
            client.name,
            False,
            error_code=exc.code,
            message=str(exc),
            seconds=time.monotonic() - started,
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
