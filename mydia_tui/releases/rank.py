"""Deterministic ranking of accepted releases.

Best first, by: quality (its rank in :data:`~mydia_tui.releases.quality.QUALITIES`), then
PROPER/REPACK count, then how many preferred words the name holds, then seeders in log2
buckets (so 40 and 50 seeders tie and size decides), then size (bigger wins inside one quality:
more bitrate), then age (newer wins). Ties left after that go to the indexer priority, the
indexer name and the guid, so equal inputs always give the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..config import ProfileConfig
from .decide import Decision, Policy, seeder_bucket
from .parse import ParsedRelease
from .quality import quality_rank
from .release import Release


def preferred_count(title: str, profile: ProfileConfig) -> int:
    words = " " + " ".join(w for w in re.split(r"[^0-9a-z]+", title.lower()) if w) + " "
    return sum(
        1 for w in profile.preferred_words if w.strip() and f" {w.lower().strip()} " in words
    )


def score(release: Release, parsed: ParsedRelease, quality: str, policy: Policy) -> tuple:
    """The ranking key of an accepted release: higher is better."""
    published = release.published.timestamp() if release.published else 0.0
    return (
        quality_rank(quality),
        parsed.proper,
        preferred_count(release.title, policy.profile),
        seeder_bucket(release.seeders),
        release.size or 0,
        published,
    )


def _order_key(d: Decision) -> tuple:
    r = d.release
    neg = tuple(-x for x in d.score)
    return (*neg, r.indexer_priority, r.indexer, r.guid, r.title)


def rank(decisions: Iterable[Decision]) -> list[Decision]:
    """Accepted decisions best first (refused ones are dropped)."""
    return sorted((d for d in decisions if d.accepted), key=_order_key)
