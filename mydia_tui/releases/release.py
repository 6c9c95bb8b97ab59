"""One release as an indexer offered it: an immutable value, whatever indexer it came from.

Titles are kept as the indexer gave them, minus control characters (C0/C1, DEL) and bidi
overrides, which could rewrite a terminal or a line's direction. Nothing else is escaped here:
widgets show titles as plain text.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..untrusted import without_controls

#: ``text`` without control characters and bidi overrides (tabs and newlines become spaces)
clean_text = without_controls


@dataclass(frozen=True)
class Release:
    title: str
    indexer: str
    guid: str = ""
    #: bytes; None when the indexer did not say
    size: int | None = None
    seeders: int | None = None
    #: peers including seeders
    peers: int | None = None
    #: aware UTC datetime; None when missing or unreadable
    published: _dt.datetime | None = None
    #: 40 lowercase hex; None until known (from the attribute, the magnet or the .torrent)
    info_hash: str | None = None
    magnet: str | None = None
    download_url: str | None = None
    categories: tuple[int, ...] = ()
    #: "tt" + digits
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    tvmaze_id: int | None = None
    #: the indexer's priority (lower first), for ties
    indexer_priority: int = 25
    #: 0 = freeleech, 1 = normal
    download_factor: float | None = None

    def age_hours(self, now: _dt.datetime | None = None) -> float | None:
        if self.published is None:
            return None
        now = now or _dt.datetime.now(_dt.UTC)
        return max(0.0, (now - self.published).total_seconds() / 3600)
