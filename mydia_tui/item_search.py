"""Searching for a library item, as the command line, the TUI, the doctor and the monitor use
it: the indexers' search service (``mydia_tui.indexers.release_search``) bound to the configuration
and the library (the item's quality profile, its target)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable

from .config import Config, IndexerConfig, redact_text, secrets_of
from .errors import UsageError
from .events import IndexerHealthSummary
from .guard import blocklist_refusals
from .indexers.health import IndexerError, health_of, indexer_health, record_success
from .indexers.pacing import budget_left
from .indexers.release_search import SearchOutcome, judge, policy_for, search_with_config
from .indexers.torznab import TorznabClient
from .library import episode_by_number, get_item, movie_target, season_target
from .profiles import profile_name
from .releases.decide import Decision
from .releases.release import Release
from .targets import Target
from .upgrades import file_on_disk


def search(
    config: Config, target: Target, *, stop: threading.Event | None = None, manual: bool = False
) -> SearchOutcome:
    """Search every enabled indexer for ``target`` with its item's quality profile; ``stop``
    ends the wait for the indexers at once (see :func:`search_with_config`). When the target
    has a file on disk, only upgrades of it are candidates (the release rules'
    ``rule_upgrade``, with the file's quality). ``manual``: a search the user asked for (the
    ``search`` command, the TUI's interactive search and "search now"): an indexer that backs
    off is asked anyway; the backlog search and the RSS sync keep to its back-off."""
    outcome = search_with_config(
        config,
        target,
        profile=profile_name(target),
        stop=stop,
        manual=manual,
        **_existing(target),
    )
    candidates, refused = _without_blocklisted(outcome.candidates)
    return dataclasses.replace(
        outcome, candidates=tuple(candidates), rejected=(*refused, *outcome.rejected)
    )


def judge_for(
    config: Config, target: Target, releases: Iterable[Release]
) -> tuple[list[Decision], list[Decision]]:
    """Judge ``releases`` (from a feed) for ``target`` as a search for it would: its item's
    quality profile, the config's quality settings; (candidates best first, rejected)."""
    policy = policy_for(config, profile_name(target), **_existing(target))
    candidates, rejected = judge(
        releases, target, policy, require_seeders=config.quality.require_seeders
    )
    candidates, refused = _without_blocklisted(candidates)
    return candidates, [*refused, *rejected]


def _without_blocklisted(
    candidates: Iterable[Decision],
) -> tuple[list[Decision], list[Decision]]:
    """(the candidates the blocklist does not refuse, in their order; those it refuses, as
    refused decisions saying so): a search neither offers nor tries a blocklisted release
    (:func:`mydia_tui.guard.blocklist_refusals`; the guard refuses it anyway at the grab)."""
    candidates = list(candidates)
    kept: list[Decision] = []
    refused: list[Decision] = []
    refusals = blocklist_refusals(d.release for d in candidates)
    for decision, refusal in zip(candidates, refusals, strict=True):
        if refusal is None:
            kept.append(decision)
        else:
            refused.append(
                dataclasses.replace(
                    decision,
                    accepted=False,
                    reason_code=refusal.reason,
                    message=refusal.message,
                    score=(),
                )
            )
    return kept, refused


def _existing(target: Target) -> dict:
    """The file on disk of ``target`` for the release rules (``existing_quality`` and
    ``existing_proper``), empty when it has none (:func:`mydia_tui.upgrades.file_on_disk`)."""
    have = file_on_disk(target)
    if have is None:
        return {}
    return {"existing_quality": have.quality, "existing_proper": have.proper}


def indexer_summary(config: Config) -> IndexerHealthSummary:
    """The enabled indexers' recorded health (:func:`health_of`): failing ones, with why in
    a few words (:attr:`~mydia_tui.indexers.health.IndexerHealth.reason`); ones that
    answered (their caps are cached: an indexer whose server changed has none until it
    answers again); the rest have not been asked yet, and are not counted as ok."""
    health = health_of(list(config.enabled_indexers))
    failing = tuple(h.name for h in health if not h.ok)
    unasked = sum(1 for h in health if h.ok and h.caps_fetched_at is None)
    return IndexerHealthSummary(
        ok=len(health) - len(failing) - unasked,
        failing=len(failing),
        names_failing=failing,
        unasked=unasked,
        reasons=tuple(f"{h.name}: {h.reason}" for h in health if not h.ok and h.reason),
    )


def indexers_paused(config: Config) -> str:
    """Why no enabled indexer may be asked now ("" when one may, or none is configured): each
    is backing off after failures (or a ``Retry-After``) or has spent its
    ``requests_per_hour`` (counted for every process on the library). The backlog search
    pauses on it; the RSS sync skips such indexers on its own (their clients refuse)."""
    reasons = []
    for cfg in config.enabled_indexers:
        health = indexer_health(cfg.name)
        if health.backing_off():
            reasons.append(f"{cfg.name} backs off until {health.next_retry_at:%H:%M:%S} UTC")
        elif budget_left(cfg) == 0:
            reasons.append(f"{cfg.name} spent its {cfg.requests_per_hour} requests this hour")
        else:
            return ""
    return "; ".join(reasons)


def indexers_failing(config: Config) -> str:
    """Why no enabled indexer could be asked ("" when one answers or has not failed yet, or
    none is configured): each is failing (its last request failed) or backing off, in one
    line (:meth:`~mydia_tui.indexers.health.IndexerHealth.line`: "e is failing (server error,
    HTTP 500); retried at 19:33 UTC"). ``monitor --once`` fails on it, so cron notices."""
    health = health_of(list(config.enabled_indexers))
    if not health or any(h.ok for h in health):
        return ""
    return "; ".join(h.line() for h in health)


def check_indexers(config: Config) -> list[tuple[bool, str]]:
    """For doctor and the health screen: read each enabled indexer's capabilities now
    (:func:`probe_indexer`); (ok, one line) per configured indexer, secrets redacted."""
    out = []
    secrets = secrets_of(config)
    for cfg in config.indexers:
        if not cfg.enabled:
            out.append((True, f"{cfg.name}: disabled"))
            continue
        try:
            out.append((True, probe_indexer(cfg)))
        except IndexerError as exc:
            out.append((False, redact_text(str(exc), secrets)))
    return out


def probe_indexer(cfg: IndexerConfig) -> str:
    """Ask the indexer ``cfg`` describes for its capabilities now (``t=caps``, one request,
    bounded by its ``timeout`` in seconds) and say what it answers: "name: answers (search,
    tv, movie)". The answer is kept as its cached caps, and clears the indexer's failures and
    back-off (:func:`~mydia_tui.indexers.health.record_success`). Raises
    :class:`~mydia_tui.indexers.health.IndexerError` saying why it did not answer (refused,
    timed out, bad API key, not a Torznab document); the API key is never in the message.
    The settings screen's "test" and doctor's indexer findings."""
    caps = TorznabClient(cfg).caps(refresh=True)
    record_success(cfg.name)
    modes = [
        m
        for m, ok in (("search", caps.search), ("tv", caps.tv_search), ("movie", caps.movie_search))
        if ok
    ]
    return f"{cfg.name}: answers ({', '.join(modes) or 'no search modes'})"


def target_for(item_id: int, season: int | None, episode: int | None) -> Target:
    item = get_item(item_id)
    if item.kind == "movie":
        if season is not None or episode is not None:
            raise UsageError(f"{item.title} is a film: --season and --episode are for shows")
        return movie_target(item_id)
    if season is None:
        raise UsageError(
            f"{item.title} is a show: give --season N (and --episode N for one episode)"
        )
    if episode is not None:
        return episode_by_number(item_id, season, episode)
    return season_target(item_id, season)
