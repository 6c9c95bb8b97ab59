"""Deterministic ranking of accepted releases.

Best first, by: quality (its rank in :data:`~mydia_tui.releases.quality.QUALITIES`), then
PROPER/REPACK count, then how many preferred words the name holds, then seeders in log2
buckets (so 40 and 50 seeders tie and size decides), then size (bigger wins inside one quality:
more bitrate), then age (newer wins). Ties left after that go to the indexer priority, the
indexer name and the guid, so equal inputs always give the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from .decide import Decision


def _order_key(d: Decision) -> tuple:
    r = d.release
    neg = tuple(-x for x in d.score)
    return (*neg, r.indexer_priority, r.indexer, r.guid, r.title)


def rank(decisions: Iterable[Decision]) -> list[Decision]:
    """Accepted decisions best first (refused ones are dropped)."""
    return sorted((d for d in decisions if d.accepted), key=_order_key)
