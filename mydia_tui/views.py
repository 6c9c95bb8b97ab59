"""Read-side views for screens that show a lot at once (the TUI's library and downloads panes).

:func:`list_items` builds one dataclass per item and is right for the command line;
a pane that shows 50,000 items and refreshes while downloads move needs less: compact
named tuples built from a handful of set-based queries, and small queries that re-read only
what changed (a few items, the progress of active downloads). Everything here returns plain
tuples and dataclasses, never Peewee rows, and imports nothing from Textual.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from peewee import JOIN, Case, PostgresqlDatabase, SqliteDatabase, fn

from .history import HistoryEntry, list_history
from .library import aired_condition, counted_episodes, first_counted_season, get_item
from .migrations import COUNTED_CHANGES
from .models import (
    ACTIVE_STATES,
    CLIENT_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    History,
    MediaFile,
    MediaItem,
    database,
)
from .targets import target_label

# ---------------------------------------------------------------------------------------------
# Library


def _case(condition):
    """1 where ``condition`` holds, else 0 (for set-based counts)."""
    return Case(None, [(condition, 1)], 0)


class LibraryEntry(NamedTuple):
    """One film or show as the library pane shows it (the same status as ``list_items``)."""

    id: int
    kind: str
    title: str
    #: lower-cased title for live filtering
    search: str
    sort_title: str
    year: int | None
    added_at: str
    monitored: bool
    #: on_disk | missing | downloading | unmonitored | partial | complete | upcoming
    status: str
    quality: str
    #: best progress of the item's active downloads (0..1), None when nothing is active
    progress: float | None
    episodes: int
    aired: int
    on_disk: int
    wanted: int
    #: the state of its leading active download as shown (:func:`shown_state`), "" when none
    download_state: str = ""


#: status order for "sort by status": what needs attention first
STATUS_RANK = {
    "downloading": 0,
    "missing": 1,
    "partial": 2,
    "upcoming": 3,
    "on_disk": 4,
    "complete": 4,
    "unmonitored": 5,
}


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def shown_state(state: str, missing_polls: int = 0) -> str:
    """The one name a person reads for a download's state: the downloads list and its state
    filter's counts, the library's status, the details pane (its download lines and episode
    rows) and the command line's lists all ask here. It is the state itself, but "offline"
    while Deluge cannot be reached (state "unknown": nothing is known to be wrong with the
    download) and "vanished" while a torrent Deluge no longer lists is counted before it ends
    (removed, or imported from the files it left: the download monitor's ``missing_polls``
    and grace)."""
    if state == "unknown":
        return "offline"
    if missing_polls and state in CLIENT_STATES and state != "completed":
        return "vanished"
    return state


class ItemDownload(NamedTuple):
    """An item's leading active download, as the library shows it (``paused 40%``)."""

    #: as shown (:func:`shown_state`)
    state: str
    progress: float


def active_downloads_by_item(where=None) -> dict[int, ItemDownload]:
    """item id -> its leading active download (:func:`leading_downloads`); one small query
    (``where`` narrows the items)."""
    query = (
        Download.select(Download.item, Download.state, Download.missing_polls, Download.progress)
        .where(Download.state.in_(ACTIVE_STATES))
        .order_by(Download.id)
    )
    if where is not None:
        query = query.where(Download.item.in_(MediaItem.select(MediaItem.id).where(where)))
    return leading_downloads(
        (item_id, ItemDownload(shown_state(state, missing or 0), progress or 0.0))
        for item_id, state, missing, progress in _raw(query)
    )


def leading_downloads(rows: Iterable[tuple[int, ItemDownload]]) -> dict[int, ItemDownload]:
    """item id -> its leading download among ``rows`` ((item id, download) in download id
    order, the active ones): the furthest on, a downloading one first at equal progress, the
    oldest at a tie. What the library's status cell shows (``downloading 45%``)."""
    out: dict[int, ItemDownload] = {}
    for item_id, shown in rows:
        old = out.get(item_id)
        if old is None or _leads(shown) > _leads(old):
            out[item_id] = shown
    return out


def _leads(d: ItemDownload) -> tuple[float, bool]:
    return (d.progress, d.state == "downloading")


def library_entries(
    item_ids: Sequence[int] | None = None,
    *,
    today: _dt.date | None = None,
    include_specials: bool = False,
) -> list[LibraryEntry]:
    """Every item (or the given ones) with its status, unordered.

    Statuses follow :func:`list_items` exactly; the queries are set-based and build
    tuples only, so 50,000 items take a fraction of a second. A show's numbers count the
    episodes :func:`~mydia_tui.library.counted_episodes` counts (the specials only with
    ``include_specials``, ``[monitor] include_specials``: what the monitor searches).
    """
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return []
        out: list[LibraryEntry] = []
        for chunk in _chunks(ids):
            out.extend(_entries(MediaItem.id.in_(list(chunk)), today, include_specials))
        return out
    return _entries(None, today, include_specials)


def _entries(where, today: _dt.date | None, include_specials: bool) -> list[LibraryEntry]:
    items = MediaItem.select(
        MediaItem.id,
        MediaItem.kind,
        MediaItem.title,
        MediaItem.sort_title,
        MediaItem.year,
        MediaItem.added_at,
        MediaItem.monitored,
    )
    files = MediaFile.select(MediaFile.movie, MediaFile.quality).where(
        MediaFile.movie.is_null(False) & MediaFile.missing_since.is_null()
    )
    episodes = (
        Episode.select(Episode.show)
        .join(MediaItem, on=(Episode.show == MediaItem.id))
        .where(counted_episodes(include_specials))
    )
    if where is not None:
        items = items.where(where)
        files = files.where(MediaFile.movie.in_(MediaItem.select(MediaItem.id).where(where)))
        episodes = episodes.where(where)

    movie_quality: dict[int, str] = {}
    for movie_id, quality in _raw(files.order_by(MediaFile.id)):
        movie_quality[movie_id] = quality
    downloading = active_downloads_by_item(where)

    has_file = (
        FileEpisode.select(FileEpisode.episode)
        .join(MediaFile)
        .where(MediaFile.missing_since.is_null())
    )
    in_flight = DownloadUnit.held_episodes()
    aired = aired_condition(today)
    counts: dict[int, tuple[int, int, int, int]] = {}
    count_query = episodes.select(
        Episode.show,
        fn.COUNT(Episode.id),
        fn.SUM(_case(aired)),
        fn.SUM(_case(Episode.id.in_(has_file))),
        fn.SUM(
            _case(
                aired
                & Episode.monitored
                & MediaItem.monitored
                & Episode.id.not_in(has_file)
                & Episode.id.not_in(in_flight)
            )
        ),
    ).group_by(Episode.show)
    for show_id, total, aired_n, on_disk, wanted in _raw(count_query):
        counts[show_id] = (total or 0, aired_n or 0, on_disk or 0, wanted or 0)

    out: list[LibraryEntry] = []
    append = out.append
    for item_id, kind, title, sort_title, year, added_at, monitored in _raw(items):
        leading = downloading.get(item_id)
        progress = None if leading is None else leading.progress
        monitored = bool(monitored)
        if kind == "movie":
            quality = movie_quality.get(item_id)
            if quality is not None:
                status = "on_disk"
            elif progress is not None:
                status = "downloading"
            elif not monitored:
                status = "unmonitored"
            else:
                status = "missing"
            total = aired_n = on_disk = 0
            wanted = int(status == "missing")
        else:
            quality = None
            total, aired_n, on_disk, wanted = counts.get(item_id, (0, 0, 0, 0))
            if not monitored:
                wanted = 0
            if progress is not None:
                status = "downloading"
            elif not monitored:
                status = "unmonitored"
            elif wanted:
                status = "missing" if on_disk == 0 else "partial"
            elif aired_n == 0:
                status = "upcoming"
            else:
                status = "complete"
        append(
            LibraryEntry(
                item_id,
                kind,
                title,
                title.casefold(),
                sort_title,
                year,
                added_at if isinstance(added_at, str) else _iso(added_at),
                monitored,
                status,
                quality or "",
                progress,
                total,
                aired_n,
                on_disk,
                wanted,
                "" if leading is None else leading.state,
            )
        )
    return out


#: how far ahead the upcoming view looks, in days (today included)
UPCOMING_DAYS = 14


class UpcomingEpisode(NamedTuple):
    """One episode of the upcoming calendar. ``id``, ``kind``, ``title``, ``year`` and
    ``monitored`` are its show's (so the library pane's item actions act on the show)."""

    id: int
    kind: str
    title: str
    #: lower-cased show title for live filtering
    search: str
    year: int | None
    monitored: bool
    #: the air date, ISO (YYYY-MM-DD), as TVmaze gives it
    air_date: str
    season: int
    number: int
    episode_title: str
    episode_id: int
    episode_monitored: bool


def upcoming_episodes(
    *, today: _dt.date | None = None, days: int = UPCOMING_DAYS
) -> list[UpcomingEpisode]:
    """The episodes whose air date falls in the ``days`` days from ``today`` (default: the
    local date) on, ``today`` included, of every show, monitored or not; sorted by air date,
    then show and episode. One query. Air dates are TVmaze's (the network's local date)."""
    today = today or _dt.date.today()
    end = today + _dt.timedelta(days=days)
    query = (
        Episode.select(
            MediaItem.id,
            MediaItem.title,
            MediaItem.year,
            MediaItem.monitored,
            Episode.air_date,
            Episode.season,
            Episode.number,
            Episode.title,
            Episode.id,
            Episode.monitored,
        )
        .join(MediaItem, on=(Episode.show == MediaItem.id))
        .where((Episode.air_date >= today) & (Episode.air_date < end))
        .order_by(
            Episode.air_date, MediaItem.sort_title, MediaItem.id, Episode.season, Episode.number
        )
    )
    return [
        UpcomingEpisode(
            id=show_id,
            kind="show",
            title=title,
            search=title.casefold(),
            year=year,
            monitored=bool(show_monitored),
            air_date=str(air)[:10],
            season=season,
            number=number,
            episode_title=episode_title or "",
            episode_id=episode_id,
            episode_monitored=bool(monitored),
        )
        for (
            show_id,
            title,
            year,
            show_monitored,
            air,
            season,
            number,
            episode_title,
            episode_id,
            monitored,
        ) in _raw(query)
    ]


def _raw(query) -> list[tuple]:
    """The query's rows as the driver returns them: no per-value conversion (at 50,000 rows
    Peewee's conversions cost more than the query)."""
    return database.execute(query).fetchall()


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:19].replace(" ", "T")
    return value.isoformat(timespec="seconds")


def library_counts() -> dict[str, int]:
    """kind -> number of items (one query)."""
    counts = {"movie": 0, "show": 0}
    for kind, n in _raw(
        MediaItem.select(MediaItem.kind, fn.COUNT(MediaItem.id)).group_by(MediaItem.kind)
    ):
        counts[kind] = n
    return counts


def first_entries(
    limit: int, *, today: _dt.date | None = None, include_specials: bool = False
) -> list[LibraryEntry]:
    """The first ``limit`` items in title order, for a quick first screen before the whole
    library is read; ``include_specials`` as for :func:`library_entries`."""
    page = (
        MediaItem.select(MediaItem.id)
        .order_by(MediaItem.sort_title, MediaItem.year, MediaItem.id)
        .limit(limit)
    )
    # the page as a subquery, not a list of ids: one statement per part, no `limit` parameters
    return sort_entries(_entries(MediaItem.id.in_(page), today, include_specials), "title")


def sort_entries(entries: Iterable[LibraryEntry], by: str, reverse: bool = False) -> list:
    """Entries ordered by ``title`` | ``year`` | ``added`` | ``status`` (ties by title)."""
    if by == "year":

        def key(e: LibraryEntry):
            return (e.year or 0, e.sort_title, e.id)
    elif by == "added":

        def key(e: LibraryEntry):
            return (e.added_at, e.id)
    elif by == "status":

        def key(e: LibraryEntry):
            return (STATUS_RANK.get(e.status, 9), e.sort_title, e.year or 0, e.id)
    else:

        def key(e: LibraryEntry):
            return (e.sort_title, e.year or 0, e.id)

    return sorted(entries, key=key, reverse=reverse)


# ---------------------------------------------------------------------------------------------
# Details of one item


@dataclass(frozen=True)
class FileInfo:
    path: str
    size: int
    quality: str
    missing: bool


@dataclass(frozen=True)
class EpisodeInfo:
    id: int
    season: int
    number: int
    title: str
    air_date: str
    monitored: bool
    #: on_disk | missing | unmonitored | upcoming, or the state of the download that holds it
    #: as shown (:func:`shown_state`: downloading, paused, queued, offline, ...)
    status: str
    file: str
    quality: str


@dataclass(frozen=True)
class SeasonInfo:
    number: int
    episodes: tuple[EpisodeInfo, ...]
    #: its episodes count in the show's numbers and are searched
    #: (:func:`~mydia_tui.library.first_counted_season`: the specials only when searched)
    counted: bool = True

    @property
    def monitored(self) -> bool:
        return any(e.monitored for e in self.episodes)

    @property
    def on_disk(self) -> int:
        return sum(1 for e in self.episodes if e.status == "on_disk")


@dataclass(frozen=True)
class ItemDetails:
    id: int
    kind: str
    title: str
    year: int | None
    monitored: bool
    status: str
    overview: str
    folder: str
    files: tuple[FileInfo, ...]
    seasons: tuple[SeasonInfo, ...]
    downloads: tuple[tuple[str, str, float], ...]
    history: tuple[HistoryEntry, ...]
    #: downloading: the state of its leading download as shown (:func:`shown_state`)
    download_state: str = ""


def item_details(
    item_id: int,
    *,
    today: _dt.date | None = None,
    history_limit: int = 20,
    include_specials: bool = False,
) -> ItemDetails:
    """What the details pane shows for one film or show (a few queries); ``include_specials``
    as for :func:`library_entries`."""
    item = get_item(item_id)
    entry = library_entries([item_id], today=today, include_specials=include_specials)[0]
    today = today or _dt.date.today()
    files: list[FileInfo] = []
    seasons: list[SeasonInfo] = []
    if item.kind == "movie":
        for f in MediaFile.select().where(MediaFile.movie == item.id).order_by(MediaFile.id):
            files.append(FileInfo(f.path, f.size or 0, f.quality, f.missing_since is not None))
    else:
        file_of: dict[int, tuple[str, str]] = {}
        for episode_id, path, quality in (
            FileEpisode.select(FileEpisode.episode, MediaFile.path, MediaFile.quality)
            .join(MediaFile)
            .join_from(FileEpisode, Episode)
            .where((Episode.show == item.id) & MediaFile.missing_since.is_null())
            .tuples()
        ):
            file_of[episode_id] = (path, quality)
        flying = {
            episode_id: shown_state(state, missing or 0)
            for episode_id, state, missing in DownloadUnit.select(
                DownloadUnit.episode, Download.state, Download.missing_polls
            )
            .join(Episode, on=(DownloadUnit.episode == Episode.id))
            .join_from(DownloadUnit, Download, on=(DownloadUnit.download == Download.id))
            .where((Episode.show == item.id) & DownloadUnit.active_unit.is_null(False))
            .tuples()
        }
        by_season: dict[int, list[EpisodeInfo]] = {}
        for e in (
            Episode.select().where(Episode.show == item.id).order_by(Episode.season, Episode.number)
        ):
            path, quality = file_of.get(e.id, ("", ""))
            if e.air_date is not None:
                aired = e.air_date <= today
            else:
                aired = item.tvmaze_id is None
            if path:
                status = "on_disk"
            elif e.id in flying:
                status = flying[e.id]
            elif not (e.monitored and item.monitored):
                status = "unmonitored"
            elif not aired:
                status = "upcoming"
            else:
                status = "missing"
            by_season.setdefault(e.season, []).append(
                EpisodeInfo(
                    id=e.id,
                    season=e.season,
                    number=e.number,
                    title=e.title,
                    air_date=e.air_date.isoformat() if e.air_date else "",
                    monitored=e.monitored,
                    status=status,
                    file=path,
                    quality=quality,
                )
            )
            if path:
                files.append(FileInfo(path, 0, quality, False))
        first = first_counted_season(include_specials)
        seasons = [SeasonInfo(n, tuple(eps), n >= first) for n, eps in sorted(by_season.items())]
    downloads = tuple(
        (title, shown_state(state, missing or 0), progress or 0.0)
        for title, state, missing, progress in Download.select(
            Download.title, Download.state, Download.missing_polls, Download.progress
        )
        .where((Download.item == item.id) & Download.state.in_(ACTIVE_STATES))
        .order_by(Download.id.desc())
        .tuples()
    )
    return ItemDetails(
        id=item.id,
        kind=item.kind,
        title=item.title,
        year=item.year,
        monitored=item.monitored,
        status=entry.status,
        overview=item.overview or "",
        folder=item.folder or "",
        files=tuple(files) if item.kind == "movie" else (),
        seasons=tuple(seasons),
        downloads=downloads,
        history=tuple(list_history(item_id=item.id, limit=history_limit)),
        download_state=entry.download_state,
    )


# ---------------------------------------------------------------------------------------------
# Downloads


class DownloadStats(NamedTuple):
    """The columns of a download that change while it runs."""

    #: as shown (:func:`shown_state`)
    state: str
    progress: float
    size: int
    total_done: int
    download_rate: int
    upload_rate: int
    eta: int | None
    ratio: float
    seeds: int
    peers: int
    error: str


class DownloadLine(NamedTuple):
    """A download as the downloads pane shows it, keyed by info-hash."""

    info_hash: str
    id: int
    title: str
    target: str
    stats: DownloadStats


FINISHED_VISIBLE = ("imported", "failed", "removed")


def _state_filter(include_finished: bool):
    if include_finished:
        return True
    return Download.state.in_(ACTIVE_STATES)


class QueueRead(NamedTuple):
    """The queue read once (:func:`read_queue`)."""

    #: info-hash -> (download id, stats): every row's, or only the rows asked for in full
    stats: dict[str, tuple[int, DownloadStats]]
    #: info-hash -> (download id, state as shown, progress 0..1): every row's
    states: dict[str, tuple[int, str, float]]
    #: item id -> its leading active download (:func:`leading_downloads`): the library's
    #: status cells, from the same rows
    progress: dict[int, ItemDownload]


_STATS_COLUMNS = (
    Download.state,
    Download.progress,
    Download.size,
    Download.total_done,
    Download.download_rate,
    Download.upload_rate,
    Download.eta,
    Download.ratio,
    Download.seeds,
    Download.peers,
    Download.error_message,
    Download.missing_polls,
)


def _stats(
    state, progress, size, done, down, up, eta, ratio, seeds, peers, error, missing
) -> DownloadStats:
    return DownloadStats(
        shown_state(state, missing or 0),
        progress or 0.0,
        size or 0,
        done or 0,
        down or 0,
        up or 0,
        eta,
        ratio or 0.0,
        seeds or 0,
        peers or 0,
        error or "",
    )


def read_queue(
    *,
    include_finished: bool = False,
    full: Collection[str] | None = None,
    known: Container[tuple[str, int]] = (),
) -> QueueRead:
    """The queue's stats and each item's leading active download, read once for both panes.

    Without ``full``, every row's stats, from one tuple query. With ``full`` (info-hashes: the
    rows on screen), every row's state and progress (the filter's counts, the order, the
    library's progress) and the whole stats of only those rows and of the rows not in
    ``known`` ((info-hash, download id) pairs already held): a poll that moved 2,000 torrents
    costs the reading of 2,000 short rows and of a screenful of whole ones. The newest row
    wins when a hash was downloaded more than once."""
    which = _state_filter(include_finished)
    stats: dict[str, tuple[int, DownloadStats]] = {}
    states: dict[str, tuple[int, str, float]] = {}
    active: list[tuple[int, ItemDownload]] = []
    active_states = frozenset(ACTIVE_STATES)
    if full is None:
        query = Download.select(
            Download.info_hash, Download.id, Download.item, *_STATS_COLUMNS
        ).where(which)
        for info_hash, download_id, item_id, *row in _raw(query.order_by(Download.id)):
            s = _stats(*row)
            stats[info_hash] = (download_id, s)
            states[info_hash] = (download_id, s.state, s.progress)
            if row[0] in active_states:
                active.append((item_id, ItemDownload(s.state, s.progress)))
        return QueueRead(stats, states, leading_downloads(active))
    query = Download.select(
        Download.info_hash,
        Download.id,
        Download.item,
        Download.state,
        Download.missing_polls,
        Download.progress,
    ).where(which)
    with database.atomic():  # one snapshot: the short rows and the whole ones agree
        for info_hash, download_id, item_id, state, missing, progress in _raw(
            query.order_by(Download.id)
        ):
            shown, progress = shown_state(state, missing or 0), progress or 0.0
            states[info_hash] = (download_id, shown, progress)
            if state in active_states:
                active.append((item_id, ItemDownload(shown, progress)))
        wanted = [
            download_id
            for info_hash, (download_id, _, _) in states.items()
            if info_hash in full or (info_hash, download_id) not in known
        ]
        for chunk in _chunks(wanted):
            rows = Download.select(Download.info_hash, Download.id, *_STATS_COLUMNS).where(
                Download.id.in_(list(chunk))
            )
            for info_hash, download_id, *row in _raw(rows):
                stats[info_hash] = (download_id, _stats(*row))
    return QueueRead(stats, states, leading_downloads(active))


def download_stats(*, include_finished: bool = False) -> dict[str, tuple[int, DownloadStats]]:
    """info-hash -> (download id, stats) for the queue (:func:`read_queue`)."""
    return read_queue(include_finished=include_finished).stats


def download_labels(
    download_ids: Sequence[int] | None = None, *, include_finished: bool = False
) -> dict[int, tuple[str, str]]:
    """download id -> (release title, target label) for the given downloads, or for the whole
    queue when ``download_ids`` is None; the labels are the same as
    :func:`downloads.list_downloads` gives, from two raw queries (per 500 ids)."""
    out: dict[int, tuple[str, str]] = {}
    if download_ids is None:
        batches: list = [None]
    else:
        batches = [list(chunk) for chunk in _chunks(list(download_ids))]
    for chunk in batches:
        if chunk is None:
            which = _state_filter(include_finished)
            episodes_of = DownloadUnit.download.in_(Download.select(Download.id).where(which))
        else:
            which = Download.id.in_(chunk)
            episodes_of = DownloadUnit.download.in_(chunk)
        rows = _raw(
            Download.select(
                Download.id,
                Download.title,
                Download.kind,
                Download.season,
                MediaItem.title,
                MediaItem.year,
            )
            .join(MediaItem, join_type=JOIN.INNER, on=(Download.item == MediaItem.id))
            .where(which)
        )
        numbers: dict[int, list[tuple[int, int]]] = {}
        if any(kind == "episodes" for _, _, kind, _, _, _ in rows):
            for download_id, season, number in _raw(
                DownloadUnit.select(DownloadUnit.download, Episode.season, Episode.number)
                .join(Episode, on=(DownloadUnit.episode == Episode.id))
                .where(episodes_of)
            ):
                numbers.setdefault(download_id, []).append((season, number))
        for download_id, release, kind, season, title, year in rows:
            target = target_label(kind, title, year, season, numbers.get(download_id, ()))
            out[download_id] = (release, target)
    return out


def download_lines(*, include_finished: bool = False) -> list[DownloadLine]:
    """The whole queue, newest first."""
    stats = download_stats(include_finished=include_finished)
    labels = download_labels(include_finished=include_finished)
    lines = [
        DownloadLine(info_hash, download_id, *labels[download_id], s)
        for info_hash, (download_id, s) in stats.items()
        if download_id in labels
    ]
    lines.sort(key=lambda line: line.id, reverse=True)
    return lines


#: the downloads pane's state filter: name -> the states it shows (as :func:`shown_state` names
#: them)
#: The downloads' state filter: each group, but "all" and "unknown", is named as its leading
#: state is shown (:func:`shown_state`), so a tab and the rows under it say one name (a new
#: user's report: the tab "error" listed rows saying "failed").
STATE_GROUPS: dict[str, tuple[str, ...]] = {
    "all": (),
    **{
        shown_state(members[0]): members
        for members in (
            ("downloading", "checking", "stalled"),
            ("seeding",),
            ("paused",),
            ("queued", "claimed", "sending"),
            ("failed", "import_failed"),
            ("importing", "moving", "completed"),
        )
    },
    #: Deluge cannot be reached; it no longer lists the torrent (not yet removed): not errors,
    #: each its own group named as its rows are (a tab "unknown" over rows saying "offline"
    #: confused a new user)
    "offline": ("offline",),
    "vanished": ("vanished",),
}
#: the groups whose tabs show only while they count something (or are the filter)
WHILE_COUNTED = ("offline", "vanished")


def state_group_counts(states: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATE_GROUPS, 0)
    group_of = {s: g for g, members in STATE_GROUPS.items() for s in members}
    for state in states:
        counts["all"] += 1
        group = group_of.get(state)
        if group:
            counts[group] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# The command line's list


@dataclass(frozen=True)
class ItemRow:
    id: int
    kind: str
    title: str
    year: int | None
    monitored: bool
    #: on_disk | missing | downloading | unmonitored | partial | complete | upcoming
    status: str
    quality: str = ""
    #: downloading: best progress of the item's active downloads (0..1)
    progress: float | None = None
    #: downloading: the state of its leading download as shown (:func:`shown_state`)
    download_state: str = ""
    episodes: int = 0
    aired: int = 0
    episodes_on_disk: int = 0
    wanted: int = 0
    added_at: str = ""
    imdb_id: str | None = None
    tvmaze_id: int | None = None

    @property
    def is_wanted(self) -> bool:
        return self.wanted > 0


def list_items(
    *,
    kind: str | None = None,
    wanted_only: bool = False,
    today: _dt.date | None = None,
    include_specials: bool = False,
) -> list[ItemRow]:
    """Every film and show with its status, in sort-title order, for the command line. The
    status is computed once, set-based, by :func:`library_entries` (what the TUI shows too),
    ``include_specials`` as there."""
    entries = library_entries(today=today, include_specials=include_specials)
    ids: dict[int, tuple[str | None, int | None]] = {
        item_id: (imdb, tvmaze)
        for item_id, imdb, tvmaze in MediaItem.select(
            MediaItem.id, MediaItem.imdb_id, MediaItem.tvmaze_id
        ).tuples()
    }
    out: list[ItemRow] = []
    for e in sorted(entries, key=lambda e: (e.sort_title, e.year or 0, e.id)):
        if kind and e.kind != kind:
            continue
        if wanted_only and e.wanted <= 0:
            continue
        imdb, tvmaze = ids.get(e.id, (None, None))
        out.append(
            ItemRow(
                id=e.id,
                kind=e.kind,
                title=e.title,
                year=e.year,
                monitored=e.monitored,
                status=e.status,
                quality=e.quality,
                progress=e.progress,
                download_state=e.download_state,
                episodes=e.episodes,
                aired=e.aired,
                episodes_on_disk=e.on_disk,
                wanted=e.wanted,
                added_at=e.added_at,
                imdb_id=imdb,
                tvmaze_id=tvmaze,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Changes made by other processes


class ChangeStamp(NamedTuple):
    """A fingerprint of what the panes show, cheap to read (counters and indexed maxima):
    when two readings differ, something changed, whoever changed it (this process, the command
    line, a headless monitor on the same library)."""

    #: the items' change count: an add, a delete, any change (a toggle, a folder, a profile)
    #: (:data:`~mydia_tui.migrations.COUNTED_CHANGES`)
    items: int
    #: the episodes' change count: a refresh (new episodes, titles, air dates), a toggle
    episodes: int
    #: the files' change count: an import, a scan (a file found, changed or missing), a deletion
    files: int
    #: the newest history row's id: every grab, import, refusal and add writes one
    history: int
    #: the downloads: how many, the newest change (a grab, a poll, a removal)
    downloads: tuple[int, str]


def change_stamp() -> ChangeStamp:
    """Read the :class:`ChangeStamp` in one snapshot (SQLite or PostgreSQL): the change counts
    the database keeps itself (:func:`mydia_tui.migrations.count_changes`: a few rows, where
    counting 200,000 episodes took 40 ms), the newest history id and the downloads' count."""
    tables = tuple(COUNTED_CHANGES)
    if isinstance(database.obj, PostgresqlDatabase):
        counted = ", ".join(
            f"(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {t}_changes)"
            for t in tables
        )
    else:
        counted = ", ".join(f"(SELECT n FROM change_count WHERE name = '{t}')" for t in tables)
    with database.atomic():  # one snapshot
        counts = database.execute_sql(f"SELECT {counted}").fetchone()
        (history,) = _raw(History.select(fn.COALESCE(fn.MAX(History.id), 0)))[0]
        downloads = downloads_stamp()
    items, episodes, files = (int(n or 0) for n in counts)
    return ChangeStamp(
        items=items, episodes=episodes, files=files, history=int(history), downloads=downloads
    )


def downloads_stamp() -> tuple[int, str]:
    """The downloads' part of the :class:`ChangeStamp`: how many rows, and the newest
    ``updated_at`` as the database holds it (to the microsecond: two writes in one second
    differ; "" without downloads). Every grab, poll that moved a torrent, state change and
    removal sets ``updated_at``."""
    count, newest = _raw(Download.select(fn.COUNT(Download.id), fn.MAX(Download.updated_at)))[0]
    return int(count), "" if newest is None else str(newest)


def write_signature() -> tuple[int, ...] | None:
    """What the SQLite files say of the last write (the modification time in nanoseconds and
    size in bytes of the database and of its write-ahead log): while it is the same, nothing
    was committed and :func:`change_stamp` need not be read. None on PostgreSQL (no file)."""
    path = getattr(database.obj, "database", None) if database.obj is not None else None
    if not isinstance(database.obj, SqliteDatabase) or not path or path == ":memory:":
        return None
    out: list[int] = []
    for name in (path, f"{path}-wal"):
        try:
            st = os.stat(name)
        except OSError:
            out += [0, 0]
        else:
            out += [st.st_mtime_ns, st.st_size]
    return tuple(out)


def items_in_history_since(history_id: int, limit: int = 500) -> tuple[int, ...] | None:
    """The items named by history rows newer than ``history_id``; None when more than
    ``limit`` rows are new (reading the whole library again is then cheaper)."""
    rows = _raw(
        History.select(History.item)
        .where(History.id > history_id)
        .order_by(History.id)
        .limit(limit + 1)
    )
    if len(rows) > limit:
        return None
    return tuple(sorted({item for (item,) in rows if item is not None}))
