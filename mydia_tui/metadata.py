"""Show metadata from TVmaze: finding a show, adding it with its real episode list, refreshing.

TVmaze's public API needs no key. We use three calls, as documented at https://www.tvmaze.com/api:
``GET /search/shows?q=`` (a list of ``{"score", "show"}``), ``GET /shows/{id}`` and
``GET /shows/{id}/episodes`` (``season``, ``number``, ``name``, ``airdate``). The base URL comes
from ``[metadata] tvmaze_url`` so that tests (and mirrors) can point it elsewhere.

Specials (episodes without a number) are not added: the library numbers episodes by
season and number, and TVmaze gives specials neither.

Everything returns frozen dataclasses; the TUI shows :func:`search_shows`' candidates and calls
:func:`add_show_from_tvmaze` with the chosen id.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import __version__
from .config import Config, MetadataConfig
from .db import write_transaction
from .errors import MydiaError, NotFound, UsageError
from .history import record
from .library import ItemInfo, NewEpisode, add_show, get_item, title_key
from .models import Episode, MediaItem
from .units import counted

#: answers of 429 (TVmaze's rate limit) are retried this many times
RATE_LIMIT_RETRIES = 2


#: the command line's way round TVmaze when it cannot be asked (the TUI's form has its own)
BY_HAND = "add the episodes by hand with --seasons 1:10,2:8"


class MetadataError(MydiaError):
    """TVmaze could not be asked (network down, timeout, server error, odd answer).

    ``reason`` is what went wrong and what to check; the message adds the command line's
    way round it (:data:`BY_HAND`) when ``by_hand``. A face with its own way (the TUI's
    seasons field) shows ``reason`` with that."""

    def __init__(self, reason: str, *, by_hand: bool = False) -> None:
        super().__init__(f"{reason}, or {BY_HAND}" if by_hand else reason)
        self.reason = reason


class AmbiguousShow(UsageError):
    """Several TVmaze shows match a title closely; the user must choose one by id."""

    def __init__(self, title: str, candidates: list[ShowCandidate]) -> None:
        self.title = title
        self.candidates = candidates
        super().__init__(
            f"{len(candidates)} TVmaze shows match {title!r}: "
            "pick one with --tvmaze ID (candidates listed on stdout)"
        )


@dataclass(frozen=True)
class ShowCandidate:
    """One show TVmaze offers for a title."""

    tvmaze_id: int
    name: str
    premiered_year: int | None = None
    network: str = ""
    status: str = ""
    #: TVmaze's relevance score for the search (0 when looked up by id)
    score: float = 0.0
    imdb_id: str | None = None
    tvdb_id: int | None = None
    #: the network's (or web channel's) country code, e.g. "US", as TVmaze gives it
    country: str = ""

    def label(self) -> str:
        """``"The Office (2005, NBC)"``: how a person tells candidates apart."""
        extra = ", ".join(p for p in (str(self.premiered_year or ""), self.network) if p)
        return f"{self.name} ({extra})" if extra else self.name


@dataclass(frozen=True)
class ShowDetails:
    show: ShowCandidate
    overview: str = ""
    episodes: tuple[NewEpisode, ...] = ()


@dataclass(frozen=True)
class RefreshResult:
    item_id: int
    title: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    #: episodes in the library that TVmaze no longer lists (kept)
    not_on_tvmaze: int = 0
    #: renumbered on TVmaze but the new number is taken in the library (left as they were)
    conflicts: tuple[str, ...] = ()
    added_episode_ids: tuple[int, ...] = field(default=(), compare=False)
    #: links from recorded multi-episode files to newly added episodes
    linked_files: int = 0


# ---------------------------------------------------------------------------------------------
# The HTTP client


class TVmazeClient:
    """A small synchronous TVmaze client with timeouts and one-line errors."""

    def __init__(self, config: MetadataConfig, transport: httpx.BaseTransport | None = None):
        self.base_url = config.tvmaze_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(config.timeout),
            headers={"User-Agent": f"mydia-tui/{__version__}", "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> TVmazeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = self._client.get(path, params=params)
            except httpx.TimeoutException:
                raise MetadataError(
                    f"TVmaze at {self.base_url} did not answer in time: try again later",
                    by_hand=True,
                ) from None
            except httpx.HTTPError as exc:
                reason = str(exc) or type(exc).__name__
                raise MetadataError(
                    f"cannot reach TVmaze at {self.base_url} ({reason}): check the network",
                    by_hand=True,
                ) from None
            if response.status_code == 429 and attempt < RATE_LIMIT_RETRIES:
                try:
                    wait = float(response.headers.get("Retry-After", "2"))
                except ValueError:
                    wait = 2.0
                time.sleep(min(max(wait, 0.1), 5.0))
                continue
            break
        if response.status_code == 404:
            raise NotFound(f"TVmaze has nothing at {path}")
        if response.status_code >= 400:
            raise MetadataError(
                f"TVmaze at {self.base_url} answered {response.status_code} for {path}: "
                "try again later",
                by_hand=True,
            )
        try:
            return response.json()
        except ValueError:
            raise MetadataError(
                f"TVmaze at {self.base_url} sent something that is not JSON for {path}"
            ) from None

    def search(self, query: str) -> list[ShowCandidate]:
        data = self._get("/search/shows", {"q": query})
        if not isinstance(data, list):
            raise MetadataError("TVmaze's search answer is not a list")
        out = []
        for hit in data:
            if isinstance(hit, dict) and isinstance(hit.get("show"), dict):
                candidate = _candidate(hit["show"], float(hit.get("score") or 0))
                if candidate:
                    out.append(candidate)
        return out

    def show(self, tvmaze_id: int) -> tuple[ShowCandidate, str]:
        try:
            data = self._get(f"/shows/{int(tvmaze_id)}")
        except NotFound:
            raise NotFound(f"TVmaze has no show with id {tvmaze_id}") from None
        candidate = _candidate(data) if isinstance(data, dict) else None
        if candidate is None:
            raise MetadataError(f"TVmaze's answer for show {tvmaze_id} has no id or name")
        return candidate, _plain_text(data.get("summary"))

    def episodes(self, tvmaze_id: int) -> list[NewEpisode]:
        try:
            data = self._get(f"/shows/{int(tvmaze_id)}/episodes")
        except NotFound:
            raise NotFound(f"TVmaze has no show with id {tvmaze_id}") from None
        if not isinstance(data, list):
            raise MetadataError("TVmaze's episode list is not a list")
        seen: set[tuple[int, int]] = set()
        out = []
        for ep in data:
            if not isinstance(ep, dict):
                continue
            season, number = ep.get("season"), ep.get("number")
            if not isinstance(season, int) or not isinstance(number, int):
                continue  # a special: no number
            if season < 0 or number < 0 or (season, number) in seen:
                continue
            seen.add((season, number))
            out.append(
                NewEpisode(
                    season=season,
                    number=number,
                    title=str(ep.get("name") or ""),
                    air_date=_date(ep.get("airdate")),
                    tvmaze_id=ep.get("id") if isinstance(ep.get("id"), int) else None,
                )
            )
        return out

    def details(self, tvmaze_id: int) -> ShowDetails:
        candidate, overview = self.show(tvmaze_id)
        return ShowDetails(candidate, overview, tuple(self.episodes(tvmaze_id)))


def _date(value: Any) -> _dt.date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _plain_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", value)).strip()


def _candidate(show: dict, score: float = 0.0) -> ShowCandidate | None:
    tvmaze_id, name = show.get("id"), show.get("name")
    if not isinstance(tvmaze_id, int) or not isinstance(name, str) or not name.strip():
        return None
    premiered = _date(show.get("premiered"))
    network = country = ""
    for key in ("network", "webChannel"):
        if isinstance(show.get(key), dict) and show[key].get("name"):
            network = str(show[key]["name"])
            where = show[key].get("country")
            if isinstance(where, dict) and isinstance(where.get("code"), str):
                country = where["code"]
            break
    externals = show.get("externals")
    if not isinstance(externals, dict):
        externals = {}
    imdb = externals.get("imdb")
    tvdb = externals.get("thetvdb")
    return ShowCandidate(
        tvmaze_id=tvmaze_id,
        name=name.strip(),
        premiered_year=premiered.year if premiered else None,
        network=network,
        status=str(show.get("status") or ""),
        score=score,
        imdb_id=imdb if isinstance(imdb, str) and re.fullmatch(r"tt\d{5,10}", imdb) else None,
        tvdb_id=tvdb if isinstance(tvdb, int) else None,
        country=country,
    )


# ---------------------------------------------------------------------------------------------
# Choosing


def search_shows(config: Config, query: str) -> list[ShowCandidate]:
    """TVmaze's candidates for ``query``, best first (for the TUI's choice list)."""
    if not query.strip():
        raise UsageError("a show search needs a title")
    with TVmazeClient(config.metadata) as client:
        return client.search(query.strip())


def close_matches(
    candidates: list[ShowCandidate], title: str, year: int | None = None
) -> list[ShowCandidate]:
    """The candidates whose title is the same title as ``title`` (see :func:`title_key`),
    and of ``year`` when one is given (a premiere within one year counts)."""
    key = title_key(title)
    same = [c for c in candidates if title_key(c.name) == key]
    if year is not None:
        exact = [c for c in same if c.premiered_year == year]
        same = exact or [
            c for c in same if c.premiered_year is not None and abs(c.premiered_year - year) <= 1
        ]
    return same


def best_match(
    candidates: list[ShowCandidate], title: str, year: int | None = None
) -> ShowCandidate | None:
    """The one candidate to take for ``title``, or None when the choice is the user's:
    several shows of the same title, or no exact title among several results."""
    same = close_matches(candidates, title, year)
    if len(same) == 1:
        return same[0]
    if not same and len(candidates) == 1 and year is None:
        return candidates[0]
    return None


def choices_for(
    candidates: list[ShowCandidate], title: str, year: int | None = None
) -> list[ShowCandidate]:
    """What to show the user when :func:`best_match` gives no answer."""
    return close_matches(candidates, title, year) or candidates[:10]


# ---------------------------------------------------------------------------------------------
# Adding and refreshing


def add_show_from_tvmaze(
    config: Config,
    title: str,
    *,
    tvmaze_id: int | None = None,
    year: int | None = None,
    monitored: bool = True,
    client: TVmazeClient | None = None,
) -> ItemInfo:
    """Add a show with TVmaze's episode list: the show with id ``tvmaze_id``, or the one best
    match for ``title``. Raises :class:`AmbiguousShow` (with the candidates) when several
    shows match, :class:`NotFound` when none does, :class:`MetadataError` when TVmaze cannot
    be asked."""
    own = client is None
    client = client or TVmazeClient(config.metadata)
    try:
        if tvmaze_id is None:
            if not title.strip():
                raise UsageError("a show needs a title")
            candidates = client.search(title.strip())
            if not candidates:
                raise NotFound(
                    f"TVmaze knows no show called {title!r}: check the spelling, or add it by "
                    "hand with --seasons 1:10,2:8"
                )
            chosen = best_match(candidates, title, year)
            if chosen is None:
                raise AmbiguousShow(title, choices_for(candidates, title, year))
            tvmaze_id = chosen.tvmaze_id
        details = client.details(tvmaze_id)
    finally:
        if own:
            client.close()
    show = details.show
    return add_show(
        show.name,
        list(details.episodes),
        year=show.premiered_year,
        tvmaze_id=show.tvmaze_id,
        tvdb_id=show.tvdb_id,
        imdb_id=show.imdb_id,
        monitored=monitored,
        status=show.status,
        overview=details.overview,
    )


def refresh_show(
    config: Config, item_id: int, *, client: TVmazeClient | None = None
) -> RefreshResult:
    """Read a show again from TVmaze: add new episodes (monitored as the show's
    ``monitor_new`` says), update episode titles and air dates, the show's status and
    overview. Nothing the user set changes: monitored flags, the show's title and folder.
    Raises :class:`MetadataError` (its reason only) when TVmaze cannot be asked."""
    item = get_item(item_id)
    if item.kind != "show":
        raise UsageError(f"{item.title} is a film: only shows are refreshed from TVmaze")
    if item.tvmaze_id is None:
        raise UsageError(f"{item.title} was added by hand (no TVmaze id): nothing to refresh from")
    own = client is None
    client = client or TVmazeClient(config.metadata)
    try:
        details = client.details(item.tvmaze_id)
    except MetadataError as exc:
        # without the way round it for adding a show (--seasons): a show already in the
        # library keeps its episodes, and neither ``refresh`` nor the TUI has that option
        raise MetadataError(exc.reason) from exc
    finally:
        if own:
            client.close()
    return _apply_refresh(item, details)


def _apply_refresh(item: MediaItem, details: ShowDetails) -> RefreshResult:
    added: list[int] = []
    updated = unchanged = 0
    conflicts: list[str] = []
    with write_transaction():
        rows = list(Episode.select().where(Episode.show == item.id))
        by_tvmaze = {e.tvmaze_id: e for e in rows if e.tvmaze_id is not None}
        by_number = {(e.season, e.number): e for e in rows}
        matched: set[int] = set()
        new_rows = []
        for ep in details.episodes:
            row = by_tvmaze.get(ep.tvmaze_id) if ep.tvmaze_id is not None else None
            if row is None:
                row = by_number.get((ep.season, ep.number))
                if row is not None and row.id in matched:
                    row = None
            if row is None:
                new_rows.append(ep)
                continue
            matched.add(row.id)
            changes: dict[str, Any] = {}
            if (row.season, row.number) != (ep.season, ep.number):
                taken = by_number.get((ep.season, ep.number))
                if taken is not None and taken.id != row.id:
                    conflicts.append(
                        f"S{row.season:02d}E{row.number:02d} is S{ep.season:02d}E{ep.number:02d} "
                        "on TVmaze, but that number is taken in the library"
                    )
                else:
                    by_number.pop((row.season, row.number), None)
                    by_number[(ep.season, ep.number)] = row
                    changes.update(season=ep.season, number=ep.number)
            if ep.title and row.title != ep.title:
                changes["title"] = ep.title
            if row.air_date != ep.air_date and ep.air_date is not None:
                changes["air_date"] = ep.air_date
            if row.tvmaze_id != ep.tvmaze_id and ep.tvmaze_id is not None:
                changes["tvmaze_id"] = ep.tvmaze_id
            if changes:
                Episode.update(**changes).where(Episode.id == row.id).execute()
                updated += 1
            else:
                unchanged += 1
        for ep in new_rows:
            if (ep.season, ep.number) in by_number:
                conflicts.append(f"S{ep.season:02d}E{ep.number:02d} exists twice")
                continue
            episode_id = Episode.insert(
                show=item.id,
                season=ep.season,
                number=ep.number,
                title=ep.title,
                air_date=ep.air_date,
                tvmaze_id=ep.tvmaze_id,
                monitored=item.monitor_new,
            ).execute()
            by_number[(ep.season, ep.number)] = Episode(id=episode_id)
            added.append(episode_id)
        show = details.show
        item_changes: dict[str, Any] = {}
        if show.status and show.status != item.status:
            item_changes["status"] = show.status
        if details.overview and details.overview != item.overview:
            item_changes["overview"] = details.overview
        if item.year is None and show.premiered_year:
            item_changes["year"] = show.premiered_year
        if item_changes:
            MediaItem.update(**item_changes).where(MediaItem.id == item.id).execute()
        if added:
            record(
                "added",
                f"refresh added {counted(len(added), 'episode')} to {item.title}",
                item=item.id,
                data={"episodes": len(added), "monitored": item.monitor_new},
            )
    not_on_tvmaze = len([r for r in rows if r.id not in matched])
    linked = 0
    if added:
        # a recorded S02E01E02 file now covers the new S02E02 too: never wanted again
        from .scanning.service import link_new_episodes

        linked = link_new_episodes(item.id)
    return RefreshResult(
        item_id=item.id,
        title=item.title,
        added=len(added),
        updated=updated,
        unchanged=unchanged,
        not_on_tvmaze=not_on_tvmaze,
        conflicts=tuple(conflicts),
        added_episode_ids=tuple(added),
        linked_files=linked,
    )


def shows_to_refresh() -> list[int]:
    """Ids of the shows that came from TVmaze, in title order."""
    return [
        i
        for (i,) in MediaItem.select(MediaItem.id)
        .where((MediaItem.kind == "show") & MediaItem.tvmaze_id.is_null(False))
        .order_by(MediaItem.sort_title, MediaItem.id)
        .tuples()
    ]


# ---------------------------------------------------------------------------------------------
# The command line


__all__ = [
    "AmbiguousShow",
    "MetadataError",
    "RefreshResult",
    "ShowCandidate",
    "ShowDetails",
    "TVmazeClient",
    "add_show_from_tvmaze",
    "best_match",
    "choices_for",
    "close_matches",
    "refresh_show",
    "search_shows",
    "shows_to_refresh",
]
