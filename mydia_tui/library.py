"""The library: adding films and shows, and reading what is there, missing or downloading.

Reads return frozen dataclasses (never Peewee rows) and are set-based: a handful of queries
for the whole list, never one query per item.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass

from peewee import IntegrityError

from .db import write_transaction
from .errors import AlreadyExists, MydiaError, NotFound, UsageError
from .history import record
from .identity import titles as _titles
from .identity.titles import PLAUSIBLE_YEARS, key_words
from .models import (
    ACTIVE_STATES,
    Download,
    Episode,
    History,
    LibraryRoot,
    MediaFile,
    MediaItem,
    Meta,
    database,
)
from .targets import EpisodeRef, InvalidTarget, Target, TargetNotFound
from .units import counted
from .untrusted import UNSAFE, for_terminal

_ARTICLES = ("the ", "a ", "an ")


def title_key(title: str) -> str:
    """What ``media_item.title_key`` stores for "already in the library" checks: the title's
    words as :mod:`mydia_tui.identity.titles` compares them, qualifiers included ("The Office
    (US)" -> "the office us")."""
    return key_words(title)


def sort_title(title: str) -> str:
    """The title as it sorts: lower case, without a leading article."""
    text = title.strip().lower()
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            return text[len(article) :]
    return text


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


#: the most bytes (UTF-8) one file or folder name may have on every common file system
MAX_NAME_BYTES = 255
#: names Windows (and so SMB shares) reserve, with or without an extension
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)


def _cut_bytes(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[:most].decode("utf-8", "ignore")


def safe_name(name: str, extension: str = "") -> str:
    """A folder or file name component that every common file system and an SMB share take:
    no ``<>:"/\\|?*`` nor control characters; no trailing dots or spaces; not a name Windows
    reserves (``CON``, ``NUL``, ``COM1``, ... with any extension: ``NUL.en`` becomes ``NUL_.en``); at most
    :data:`MAX_NAME_BYTES` bytes (UTF-8) with ``extension`` (e.g. ".mkv", kept whole: the name
    before it is shortened). Never empty ("_")."""
    ext = _UNSAFE.sub("", extension)
    room = MAX_NAME_BYTES - len(ext.encode("utf-8"))
    cleaned = _UNSAFE.sub("", name).strip().rstrip(". ")
    cleaned = _cut_bytes(cleaned, room).rstrip(". ") or "_"
    first, dot, rest = cleaned.partition(".")
    if first.strip().lower() in _RESERVED:  # "NUL.en" stays reserved: mark the first part
        cleaned = _cut_bytes(f"{first.strip()}_{dot}{rest}", room)
    return cleaned + ext


#: the longest title of a film or show, in UTF-8 bytes: its folder ("Title (2008)") must fit the
#: 255 bytes a file name may have on every common file system
MAX_TITLE_BYTES = 200


def checked_title(title: str, kind: str) -> str:
    """``title`` stripped, or :class:`UsageError` when it is empty, longer than
    :data:`MAX_TITLE_BYTES` bytes (UTF-8), or holds control characters or bidi overrides
    (``kind`` is "film" or "show", for the message)."""
    title = title.strip()
    if not title:
        raise UsageError(f"a {kind} needs a title")
    size = len(title.encode("utf-8", "surrogatepass"))
    if size > MAX_TITLE_BYTES:
        raise UsageError(
            f"a {kind} title may be at most {MAX_TITLE_BYTES} bytes (this one has {size})"
        )
    if UNSAFE.search(title):
        raise UsageError(f"a {kind} title must not hold control characters: {for_terminal(title)}")
    return title


def movie_folder(title: str, year: int | None) -> str:
    return safe_name(f"{title} ({year})" if year else title)


# ---------------------------------------------------------------------------------------------
# Adding


@dataclass(frozen=True)
class ItemInfo:
    id: int
    kind: str
    title: str
    year: int | None
    monitored: bool
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    tvmaze_id: int | None = None
    folder: str | None = None
    #: a show's episodes, its specials (season 0) included
    episodes: int = 0
    #: of them, the specials (season 0): not counted as missing unless
    #: ``[monitor] include_specials``
    specials: int = 0

    def episodes_said(self) -> str:
        """A show's episodes as people count them: ``"10 episodes and 2 specials"`` (the list
        counts the specials apart, as Sonarr does; ``add show`` said 12 episodes)."""
        regular = counted(self.episodes - self.specials, "episode")
        return f"{regular} and {counted(self.specials, 'special')}" if self.specials else regular


def _info(item: MediaItem, episodes: int = 0, specials: int = 0) -> ItemInfo:
    return ItemInfo(
        id=item.id,
        kind=item.kind,
        title=item.title,
        year=item.year,
        monitored=item.monitored,
        imdb_id=item.imdb_id,
        tmdb_id=item.tmdb_id,
        tvdb_id=item.tvdb_id,
        tvmaze_id=item.tvmaze_id,
        folder=item.folder,
        episodes=episodes,
        specials=specials,
    )


def normalize_imdb(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    text = value.strip().lower()
    if text.isdigit():
        text = f"tt{int(text):07d}"
    if not re.fullmatch(r"tt\d{5,10}", text):
        raise UsageError(f"not an IMDb id: {value!r} (expected tt1234567)")
    return text


#: the ``meta`` key under which :func:`sync_roots` records the library folders the config
#: names, in its order (JSON ``{"movies": [...], "shows": [...]}``)
CONFIGURED_ROOTS_KEY = "library_roots"


def configured_roots(kind: str) -> list[LibraryRoot]:
    """The library folders of ``kind`` ("movies" or "shows") that the config names, in its
    order: the ones new items, imports and a folder typed by hand may go to. The database
    also keeps folders the config no longer names (files refer to them) but those are never
    chosen again. A database no entry point has opened yet (:func:`sync_roots` never ran: a
    test, a script binding the models itself) counts all of its folders, oldest first."""
    row = Meta.get_or_none(Meta.key == CONFIGURED_ROOTS_KEY)
    rows = list(LibraryRoot.select().where(LibraryRoot.kind == kind).order_by(LibraryRoot.id))
    if row is None:
        return rows
    by_path = {r.path: r for r in rows}
    named = json.loads(row.value).get(kind, [])
    return [by_path[path] for path in named if path in by_path]


def first_root(kind: str) -> LibraryRoot | None:
    """The library folder new items of ``kind`` go to: the first one the config names
    (:func:`configured_roots`); None when it names none."""
    roots = configured_roots(kind)
    return roots[0] if roots else None


def open_library(config, target: str | None = None):
    """Open the database named by ``target`` (``--db``), ``$MYDIA_TUI_DB`` or the config, and
    make its library roots the ones the config names. What every entry point calls."""
    from .db import open_database

    db = open_database(target, configured=config.database)
    sync_roots(config.library.movies, config.library.shows)
    return db


def sync_roots(movies: tuple[str, ...], shows: tuple[str, ...]) -> None:
    """Make the library_root table hold the roots the config names, and record which they
    are, in the config's order (:func:`configured_roots`). A root the config no longer names
    stays in the table (files refer to it) but is no longer chosen."""
    named = {"movies": list(movies), "shows": list(shows)}
    with write_transaction():
        for kind, paths in named.items():
            for path in paths:
                LibraryRoot.insert(path=path, kind=kind).on_conflict_ignore().execute()
        Meta.put(CONFIGURED_ROOTS_KEY, json.dumps(named))


def _find_existing(kind: str, title: str, year: int | None, ids: dict) -> MediaItem | None:
    query = MediaItem.select().where(
        (MediaItem.kind == kind) & (MediaItem.title_key == title_key(title))
    )
    query = query.where(MediaItem.year.is_null() if year is None else MediaItem.year == year)
    found = query.first()
    if found:
        return found
    for column, value in ids.items():
        if value is not None:
            found = MediaItem.get_or_none(getattr(MediaItem, column) == value)
            if found:
                return found
    return None


def _describe(item: MediaItem) -> str:
    kind = "film" if item.kind == "movie" else "show"
    year = f" ({item.year})" if item.year else ""
    return f"{kind} {item.title}{year} (id {item.id})"


#: the highest season number and the most episodes of a season added by hand
MAX_SEASON = 999
MAX_EPISODES = 9999


def check_year(year: int | None) -> None:
    """:class:`UsageError` for a year outside
    :data:`~mydia_tui.identity.titles.PLAUSIBLE_YEARS` (the one range: the command line's
    ``--year`` and the add forms too), naming it."""
    if year is not None and year not in PLAUSIBLE_YEARS:
        first, last = PLAUSIBLE_YEARS[0], PLAUSIBLE_YEARS[-1]
        raise UsageError(f"not a plausible year: {year} (must be between {first} and {last})")


def add_movie(
    title: str,
    year: int | None,
    *,
    imdb_id: str | None = None,
    tmdb_id: int | None = None,
    monitored: bool = True,
) -> ItemInfo:
    title = checked_title(title, "film")
    check_year(year)
    imdb_id = normalize_imdb(imdb_id)
    with write_transaction():
        item = _create_item(
            "movie",
            title,
            year,
            ids={"imdb_id": imdb_id, "tmdb_id": tmdb_id},
            monitored=monitored,
            folder=movie_folder(title, year),
        )
        record("added", f"added film {item.title}", item=item.id)
    return _info(item)


def _create_item(kind: str, title: str, year: int | None, *, ids: dict, **fields) -> MediaItem:
    """Create a film or show unless the library already has it (same kind, title and year, or
    one of the same external ids): then :class:`AlreadyExists` names the one it has. Runs
    inside the caller's transaction; the database's unique indexes back the check up."""
    existing = _find_existing(kind, title, year, ids)
    if existing:
        raise AlreadyExists(f"the library already has the {_describe(existing)}")
    try:
        with database.atomic():
            return MediaItem.create(
                kind=kind,
                title=title,
                sort_title=sort_title(title),
                title_key=title_key(title),
                year=year,
                root=first_root("movies" if kind == "movie" else "shows"),
                **ids,
                **fields,
            )
    except IntegrityError:
        existing = _find_existing(kind, title, year, ids)
        what = (
            _describe(existing) if existing else f"{'film' if kind == 'movie' else 'show'} {title}"
        )
        raise AlreadyExists(f"the library already has the {what}") from None


def parse_seasons(spec: str) -> dict[int, int]:
    """``"1:10,2:8"`` -> {1: 10, 2: 8}: season number -> number of episodes."""
    seasons: dict[int, int] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\d+):(\d+)", part)
        if not match:
            raise UsageError(f"bad season spec {part!r}: use SEASON:EPISODES, e.g. 1:10,2:8")
        season, count = int(match.group(1)), int(match.group(2))
        if season > MAX_SEASON:
            raise UsageError(f"season {season}: the seasons go up to {MAX_SEASON}")
        if count < 1:
            raise UsageError(f"season {season} needs at least one episode")
        if count > MAX_EPISODES:
            raise UsageError(
                f"season {season} has {count} episodes: at most {MAX_EPISODES:,} a season"
            )
        if season in seasons:
            raise UsageError(f"season {season} is given twice")
        seasons[season] = count
    if not seasons:
        raise UsageError("no seasons given: use e.g. --seasons 1:10,2:8")
    return seasons


@dataclass(frozen=True)
class NewEpisode:
    season: int
    number: int
    title: str = ""
    air_date: _dt.date | None = None
    tvmaze_id: int | None = None


def add_show(
    title: str,
    episodes: list[NewEpisode],
    *,
    year: int | None = None,
    tvmaze_id: int | None = None,
    tvdb_id: int | None = None,
    imdb_id: str | None = None,
    monitored: bool = True,
    status: str = "",
    overview: str = "",
) -> ItemInfo:
    title = checked_title(title, "show")
    imdb_id = normalize_imdb(imdb_id)
    with write_transaction():
        item = _create_item(
            "show",
            title,
            year,
            ids={"tvmaze_id": tvmaze_id, "tvdb_id": tvdb_id, "imdb_id": imdb_id},
            monitored=monitored,
            folder=safe_name(title),
            status=status,
            overview=overview,
        )
        rows = [
            {
                "show": item.id,
                "season": e.season,
                "number": e.number,
                "title": e.title,
                "air_date": e.air_date,
                "tvmaze_id": e.tvmaze_id,
                "monitored": monitored,
            }
            for e in episodes
        ]
        for start in range(0, len(rows), 200):
            Episode.insert_many(rows[start : start + 200]).execute()
        info = _info(item, len(rows), sum(1 for e in episodes if e.season == 0))
        record("added", f"added show {item.title} ({info.episodes_said()})", item=item.id)
    return info


def manual_episodes(seasons: dict[int, int]) -> list[NewEpisode]:
    return [
        NewEpisode(season=s, number=n)
        for s, count in sorted(seasons.items())
        for n in range(1, count + 1)
    ]


def get_item(item_id: int) -> MediaItem:
    item = MediaItem.get_or_none(MediaItem.id == item_id)
    if item is None:
        raise NotFound(f"no film or show with id {item_id}")
    return item


def set_monitored(
    item_id: int, monitored: bool, *, season: int | None = None, episode: int | None = None
) -> int:
    """Set the monitored flag of an item, one season of a show, or one episode; returns the
    number of rows changed. Raises :class:`UsageError` for an episode without its season (it
    changed that episode of every season) and :class:`NotFound` for a season or an episode the
    show does not have."""
    item = get_item(item_id)
    if episode is not None and season is None:
        raise UsageError(f"an episode needs its season: --season N --episode {episode}")
    with write_transaction():
        if season is None and episode is None:
            return MediaItem.update(monitored=monitored).where(MediaItem.id == item.id).execute()
        if item.kind != "show":
            raise UsageError(f"{item.title} is a film: it has no seasons or episodes")
        where = (Episode.show == item.id) & (Episode.season == season)
        if episode is not None:
            where &= Episode.number == episode
        if not Episode.select().where(where).exists():
            what = f"season {season}" if episode is None else f"S{season:02d}E{episode:02d}"
            raise NotFound(f"{item.title} has no {what} in the library")
        return Episode.update(monitored=monitored).where(where).execute()


# ---------------------------------------------------------------------------------------------
# Editing


@dataclass(frozen=True)
class ItemSettings:
    """What the user may edit of an item: monitored, the folder (relative to ``root``, the
    library folder it lives in; "" when the library has none for its kind), and ``base``: the
    library folder a folder typed relative goes inside (:func:`folder_base`; "" when the
    config names none for its kind)."""

    id: int
    kind: str
    title: str
    monitored: bool
    folder: str
    root: str
    base: str

    @property
    def typed_folder(self) -> str:
        """The item's folder as the edit form shows it: relative when it lives in ``base``,
        else its full path (it lives in a library folder a relative one no longer names)."""
        if not self.folder or not self.root or self.root == self.base:
            return self.folder
        return f"{self.root.rstrip('/')}/{self.folder}"


def item_settings(item_id: int) -> ItemSettings:
    """The item's editable settings; :class:`NotFound` for an unknown id."""
    item = get_item(item_id)
    root = LibraryRoot.get_or_none(LibraryRoot.id == item.root_id) if item.root_id else None
    base = folder_base(item)
    return ItemSettings(
        id=item.id,
        kind=item.kind,
        title=item.title,
        monitored=bool(item.monitored),
        folder=item.folder or "",
        root=root.path if root is not None else "",
        base=base.path if base is not None else "",
    )


def _folder_roots(item: MediaItem) -> list[LibraryRoot]:
    """The library folders ``item``'s folder may be in: the config's for its kind, the
    item's own first (:func:`configured_roots`)."""
    roots = configured_roots("movies" if item.kind == "movie" else "shows")
    roots.sort(key=lambda r: r.id != item.root_id)
    return roots


def folder_base(item: MediaItem) -> LibraryRoot | None:
    """The library folder a folder typed relative for ``item`` goes inside
    (:func:`set_folder`): the item's own while the config names it, else the first one the
    config names for its kind; None when it names none. What the edit form names."""
    roots = _folder_roots(item)
    return roots[0] if roots else None


def set_folder(item_id: int, folder: str) -> str:
    """Make ``folder`` the item's folder: a path relative to :func:`folder_base` (the item's
    library folder while the config names it, else the first one it names for the item's
    kind), or an absolute path inside one of the library folders the config names. It must stay inside that
    library folder once symlinks are resolved (:func:`mydia_tui.paths.inside_root`), and each
    part must be a name every file system takes (:func:`safe_name` leaves it unchanged).
    Files are not moved: the scanner and the guard look for the item's files there from now
    on. Returns the folder as stored (relative); raises :class:`UsageError`."""
    import os

    from .paths import inside_root

    item = get_item(item_id)
    text = folder.strip().rstrip("/")
    kind = "movies" if item.kind == "movie" else "shows"
    base = folder_base(item)
    if base is None:
        raise UsageError(f"no library folder for {kind}: set [library] {kind} in the config")
    if not text:
        raise UsageError(f"a folder is needed, e.g. Big Buck Bunny (2008) inside {base.path}")
    chosen, relative = base, text
    if os.path.isabs(text):
        roots = _folder_roots(item)
        for r in roots:
            top = r.path.rstrip("/")
            if text.startswith(top + "/"):
                chosen, relative = r, text[len(top) + 1 :]
                break
        else:
            listed = ", ".join(r.path for r in roots)
            raise UsageError(f"{text} is not inside a library folder for {kind} ({listed})")
    parts = relative.split("/")
    for part in parts:
        if part in ("", ".", "..") or safe_name(part) != part:
            raise UsageError(
                f"not a folder name every file system takes: {for_terminal(part) or '(empty)'}"
                f" (a folder inside {chosen.path})"
            )
    if inside_root(chosen.path, relative) is None:
        raise UsageError(f"{relative} leads out of the library folder {chosen.path}")
    with write_transaction():
        MediaItem.update(folder=relative, root=chosen.id).where(MediaItem.id == item.id).execute()
    return relative


@dataclass(frozen=True)
class FilesElsewhere:
    """An item's folder (its full path) and the files the library records for the item
    outside it (full paths, folder by folder): what :func:`set_folder` leaves where it is."""

    folder: str
    files: tuple[str, ...]

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders holding :attr:`files`, in order, each once."""
        return tuple(dict.fromkeys(path.rpartition("/")[0] for path in self.files))


def files_elsewhere(item_id: int) -> FilesElsewhere:
    """Where ``item_id``'s folder is, and which of its recorded files lie outside it: after
    :func:`set_folder` those stay where they are (still the item's files, deleted with it),
    while the next import goes into the new folder."""
    item = get_item(item_id)
    root = LibraryRoot.get_or_none(LibraryRoot.id == item.root_id) if item.root_id else None
    folder = f"{root.path.rstrip('/')}/{item.folder}" if root and item.folder else ""
    paths = [f"{top.rstrip('/')}/{path}" for top, path in _recorded_files(item)]
    outside = tuple(p for p in paths if not folder or not p.startswith(folder + "/"))
    return FilesElsewhere(folder, outside)


# ---------------------------------------------------------------------------------------------
# Deleting


class HasActiveDownloads(MydiaError):
    """The item has downloads in flight: deleting it would leave Deluge downloading for nothing
    and its claims without a target. ``downloads`` holds (download id, release title, state,
    info-hash) of each."""

    def __init__(self, message: str, downloads: tuple[tuple[int, str, str, str], ...]) -> None:
        super().__init__(message)
        self.downloads = downloads


@dataclass(frozen=True)
class DeletedItem:
    """What :func:`delete_item` did. Paths are absolute, as the library records them (root and
    path). ``files_failed`` holds (path, why) for files that could not be deleted (gone,
    outside the library folder, a folder, refused by the system)."""

    id: int
    kind: str
    title: str
    year: int | None
    files_deleted: tuple[str, ...] = ()
    files_kept: tuple[str, ...] = ()
    files_failed: tuple[tuple[str, str], ...] = ()
    history_kept: int = 0


def _recorded_files(item: MediaItem) -> list[tuple[str, str]]:
    """(root path, relative path) of every file the library records for ``item``."""
    if item.kind == "movie":
        where = MediaFile.movie == item.id
    else:
        where = MediaFile.episode.in_(Episode.select(Episode.id).where(Episode.show == item.id))
    rows = (
        MediaFile.select(LibraryRoot.path, MediaFile.path)
        .join(LibraryRoot, on=(MediaFile.root == LibraryRoot.id))
        .where(where)
        .order_by(MediaFile.path)
        .tuples()
    )
    return [(root, path) for root, path in rows]


def _delete_file(root: str, relative: str) -> str | None:
    """Unlink one recorded file (a symlink itself, never what it points to), then the folders
    it leaves empty up to the root; None when done, else why not."""
    import os
    from pathlib import Path

    from .paths import inside_root

    target = inside_root(root, relative)
    if target is None:
        return "outside the library folder: left alone"
    try:
        if target.is_dir() and not target.is_symlink():
            return "a folder, not a file: left alone"
        target.unlink()
    except FileNotFoundError:
        return "already gone"
    except OSError as exc:
        return exc.strerror or str(exc)
    base = Path(os.path.realpath(root))
    folder = target.parent
    while folder != base and base in folder.parents:
        try:
            folder.rmdir()  # only an empty folder: anything else in it stays
        except OSError:
            break
        folder = folder.parent
    return None


def delete_item(item_id: int, delete_files: bool = False) -> DeletedItem:
    """Delete a film or a show (its episodes, file records, searches and finished downloads)
    from the library; with ``delete_files``, also the files the library records for it, each
    only when it lies inside its library folder (:func:`mydia_tui.paths.inside_root`: no
    symlinked folder is followed out of it), and the folders they leave empty.

    The item's history is kept: its rows lose their link to the item and keep its id and title
    in their data (``item_id``, ``item_title``, read back by :func:`history.list_history`), and
    one ``removed`` event says what was deleted.

    Raises :class:`NotFound` for an unknown id and :class:`HasActiveDownloads` when a download
    of the item is in flight (any state of ``models.ACTIVE_STATES``, a claim included): as
    Sonarr does, the user removes those first (``mydia-tui remove DOWNLOAD_ID``), so no claim,
    torrent or import is left without its item. The check and the delete run in one write
    transaction (:func:`db.write_transaction`, and the item's row locked on PostgreSQL as the
    guard locks it to claim): a claim cannot slip in between."""
    import json

    from .db import is_sqlite

    with write_transaction():
        item = get_item(item_id)
        if not is_sqlite():
            # the guard locks the item's row to claim (PostgreSQL): a claim waits, then finds
            # no item; SQLite's BEGIN IMMEDIATE already serialises every writer
            MediaItem.select(MediaItem.id).where(MediaItem.id == item.id).for_update().execute()
        active = tuple(
            (d.id, d.title, d.state, d.info_hash)
            for d in Download.select(
                Download.id, Download.title, Download.state, Download.info_hash
            )
            .where((Download.item == item.id) & Download.state.in_(ACTIVE_STATES))
            .order_by(Download.id)
        )
        if active:
            listed = ", ".join(f"{i} ({state})" for i, _, state, _ in active)
            raise HasActiveDownloads(
                f"{_describe(item)} has {counted(len(active), 'download')} in flight: {listed}; "
                f"remove {'it' if len(active) == 1 else 'them'} first (mydia-tui remove "
                "DOWNLOAD_ID, or r in the downloads pane)",
                active,
            )
        files = _recorded_files(item)
        kept = 0
        stamp = {"item_id": item.id, "item_title": item.title}
        for row in History.select(History.id, History.data).where(History.item == item.id):
            data = json.loads(row.data) if row.data else {}
            data.update(stamp)
            History.update(item=None, episode=None, data=json.dumps(data, default=str)).where(
                History.id == row.id
            ).execute()
            kept += 1
        MediaItem.delete().where(MediaItem.id == item.id).execute()
        what = "with its files" if delete_files and files else "its files kept"
        if not files:
            what = "it had no file"
        record("removed", f"deleted {_describe(item)} from the library, {what}", data=stamp)
    deleted: list[str] = []
    failed: list[tuple[str, str]] = []
    if delete_files:
        for root, relative in files:
            full = f"{root.rstrip('/')}/{relative}"
            why = _delete_file(root, relative)
            if why is None:
                deleted.append(full)
            else:
                failed.append((full, why))
    kept_files = () if delete_files else tuple(f"{r.rstrip('/')}/{p}" for r, p in files)
    return DeletedItem(
        id=item.id,
        kind=item.kind,
        title=item.title,
        year=item.year,
        files_deleted=tuple(deleted),
        files_kept=kept_files,
        files_failed=tuple(failed),
        history_kept=kept,
    )


# ---------------------------------------------------------------------------------------------
# Reading: status for lists


def aired_condition(today: _dt.date | None = None):
    """Episodes that have aired: a past air date, or no air date on a hand-made show (one with
    no TVmaze id; a TVmaze episode without a date is still to be announced)."""
    today = today or _dt.date.today()
    return (Episode.air_date <= today) | (
        Episode.air_date.is_null() & MediaItem.tvmaze_id.is_null()
    )


def first_counted_season(include_specials: bool) -> int:
    """The one rule of which episodes count in a show's numbers (its episodes, those aired,
    on disk and wanted) and are searched: the specials (season 0) only when the monitor
    searches them (``[monitor] include_specials``), every other season always. A special the
    monitor never searches is neither wanted nor part of the total it would be missing from."""
    return 0 if include_specials else 1


def counted_episodes(include_specials: bool):
    """:func:`first_counted_season` as a condition on ``Episode`` (for set-based counts)."""
    return Episode.season >= first_counted_season(include_specials)


# ---------------------------------------------------------------------------------------------
# Targets: what a grab or a search is for, read from the library


def _target_item(item_id: int) -> MediaItem:
    item = MediaItem.get_or_none(MediaItem.id == item_id)
    if item is None:
        raise TargetNotFound(f"no film or show with id {item_id}")
    return item


def _namesake_rows(item: MediaItem) -> list[tuple[int, str]]:
    """(id, title) of the other films or shows (same kind) whose title has the same words as
    ``item``'s, qualifiers aside: "The Office" and "The Office (US)", "Heist" of 2001 and of
    2002. One query."""
    base = _titles.title_key(item.title).words
    if not base:
        return []
    rows = MediaItem.select(MediaItem.id, MediaItem.title).where(
        (MediaItem.kind == item.kind)
        & (MediaItem.id != item.id)
        & ((MediaItem.title_key == base) | MediaItem.title_key.startswith(base + " "))
    )
    return [(i, t) for i, t in rows.tuples() if _titles.title_key(t).words == base]


def namesakes(item_id: int) -> list[int]:
    """The ids of an item's namesakes (:func:`_namesake_rows`); [] for an unknown id."""
    item = MediaItem.get_or_none(MediaItem.id == item_id)
    return [i for i, _ in _namesake_rows(item)] if item is not None else []


def _namesake_countries(item: MediaItem) -> tuple[str, ...]:
    countries = {_titles.title_key(t).country for _, t in _namesake_rows(item)}
    return tuple(sorted(c for c in countries if c))


def _target_base(item: MediaItem) -> dict:
    return {
        "namesake_countries": _namesake_countries(item),
        "item_id": item.id,
        "title": item.title,
        "year": item.year,
        "imdb_id": item.imdb_id,
        "tmdb_id": item.tmdb_id,
        "tvdb_id": item.tvdb_id,
        "tvmaze_id": item.tvmaze_id,
        "folder": item.folder,
        "root_id": item.root_id,
    }


def absolute_numbers(show_id: int) -> dict[int, int]:
    """Episode id -> absolute number: the episode's place in the show's own order (seasons 1
    and up by season and number, as TVmaze lists them; specials have none). How anime releases
    number episodes (``[Group] One Piece - 1004``)."""
    ids = (
        Episode.select(Episode.id)
        .where((Episode.show == show_id) & (Episode.season > 0))
        .order_by(Episode.season, Episode.number)
        .tuples()
    )
    return {episode_id: n for n, (episode_id,) in enumerate(ids, start=1)}


def episode_refs(show_id: int, episodes: list[Episode]) -> tuple[EpisodeRef, ...]:
    """``episodes`` of one show as :class:`EpisodeRef` values, with absolute numbers and air
    dates (what names are matched against)."""
    absolute = absolute_numbers(show_id)
    return tuple(
        EpisodeRef(e.id, e.season, e.number, e.title, absolute.get(e.id), e.air_date)
        for e in episodes
    )


def movie_target(item_id: int) -> Target:
    item = _target_item(item_id)
    if item.kind != "movie":
        raise InvalidTarget(f"item {item_id} ({item.title}) is a show, not a film")
    return Target(kind="movie", **_target_base(item))


def episodes_target(episode_ids: list[int] | tuple[int, ...]) -> Target:
    ids = sorted(set(episode_ids))
    if not ids:
        raise InvalidTarget("an episode grab needs at least one episode")
    episodes = list(
        Episode.select().where(Episode.id.in_(ids)).order_by(Episode.season, Episode.number)
    )
    found = {e.id for e in episodes}
    missing = [i for i in ids if i not in found]
    if missing:
        raise TargetNotFound(f"no episode with id {missing[0]}")
    shows = {e.show_id for e in episodes}
    if len(shows) > 1:
        raise InvalidTarget("the episodes of one grab must belong to one show")
    item = _target_item(shows.pop())
    refs = episode_refs(item.id, episodes)
    return Target(kind="episodes", season=refs[0].season, episodes=refs, **_target_base(item))


def season_target(show_id: int, season: int) -> Target:
    item = _target_item(show_id)
    if item.kind != "show":
        raise InvalidTarget(f"item {show_id} ({item.title}) is a film, not a show")
    if season is None or season < 0:
        raise InvalidTarget("a season pack needs a season number")
    episodes = list(
        Episode.select()
        .where((Episode.show == show_id) & (Episode.season == season))
        .order_by(Episode.number)
    )
    if not episodes:
        raise InvalidTarget(f"{item.title} has no season {season} in the library")
    refs = episode_refs(item.id, episodes)
    return Target(kind="season", season=season, episodes=refs, **_target_base(item))


def episode_by_number(show_id: int, season: int, number: int) -> Target:
    ep = Episode.get_or_none(
        (Episode.show == show_id) & (Episode.season == season) & (Episode.number == number)
    )
    if ep is None:
        raise InvalidTarget(f"show {show_id} has no episode S{season:02d}E{number:02d}")
    return episodes_target([ep.id])


__all__ = [
    "absolute_numbers",
    "episode_refs",
    "episode_by_number",
    "episodes_target",
    "movie_target",
    "season_target",
    "ItemInfo",
    "NewEpisode",
    "add_movie",
    "add_show",
    "delete_item",
    "DeletedItem",
    "HasActiveDownloads",
    "manual_episodes",
    "parse_seasons",
    "set_monitored",
    "sort_title",
    "title_key",
]
