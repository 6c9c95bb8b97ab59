"""The dedup guard: the one gate in front of every grab.

Every path that starts a download (the monitor in the TUI, the TUI's manual grab, ``mydia-tui
grab``, the headless monitor) calls :meth:`Guard.grab`. Nothing else creates a ``Download`` row
or calls a client's add.

A grab names a :class:`~mydia_tui.targets.Target` and a release (its normalised info-hash and
what the indexer said). Small named rules run in a fixed order and the first refusal wins:

1. ``invalid_target``   no target, or one that covers nothing
2. ``already_on_disk``  a file exists for any part of the target (really on disk, including a
                        video file in the item's folder that the library has not scanned yet)
3. ``in_flight``        an active download holds any unit of the target (either direction:
                        an episode inside a pack, a pack over an episode, overlapping multis)
4. ``same_torrent``     the info-hash belongs to an active or imported download
5. ``blocklisted``      the info-hash, indexer + guid, or indexer + title + size is blocked

Atomicity: the database rules and the claim run in ONE write transaction (SQLite ``BEGIN
IMMEDIATE``; on PostgreSQL the target's item row is locked ``FOR UPDATE``), and the claim
inserts one ``download_unit`` row per covered unit whose ``active_unit`` column is UNIQUE: two
threads or processes racing for one target cannot both commit. The claim is committed before the
client is called; the add's outcome is recorded afterwards. A process that dies in between leaves
a ``sending`` claim with its info-hash, which reconciliation adopts or releases.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from peewee import IntegrityError, PostgresqlDatabase

from . import history
from .db import insert_row, write_transaction
from .errors import EXIT_REFUSED, MydiaError
from .models import (
    ACTIVE_STATES,
    Blocklist,
    Download,
    DownloadUnit,
    MediaFile,
    MediaItem,
    database,
    utcnow,
)
from .targets import Target
from .torrent import BadTorrent, normalize_info_hash

log = logging.getLogger(__name__)

VIDEO_EXTENSIONS = frozenset(
    {
        ".mkv",
        ".mp4",
        ".avi",
        ".m4v",
        ".ts",
        ".m2ts",
        ".wmv",
        ".mov",
        ".webm",
        ".mpg",
        ".mpeg",
        ".divx",
        ".ogm",
    }
)
_SAMPLE = re.compile(r"(?i)(^|[\W_])sample([\W_]|$)")
_EPISODE_TAG = re.compile(r"(?i)s(\d{1,3})((?:[ ._-]?e\d{1,4})+)")
_EPISODE_X = re.compile(r"(?i)(?<![\dx])(\d{1,2})x(\d{2,3})(?!\d)")

#: reason codes
INVALID_TARGET = "invalid_target"
ALREADY_ON_DISK = "already_on_disk"
IN_FLIGHT = "in_flight"
SAME_TORRENT = "same_torrent"
BLOCKLISTED = "blocklisted"
CLIENT_ERROR = "client_error"


@dataclass(frozen=True)
class Release:
    """What the guard needs to know of a release. The info-hash is computed before the grab."""

    info_hash: str
    title: str
    indexer: str = ""
    guid: str = ""
    size: int = 0
    quality: str = ""
    #: magnet | torrent | url
    source: str = "magnet"
    #: the magnet or the URL, secrets stripped
    source_uri: str = ""


@dataclass(frozen=True)
class Refusal:
    reason: str
    message: str
    #: the download in the way, when there is one
    download_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str = ""
    message: str = ""
    download_id: int | None = None
    #: the torrent was already in the client's session and was adopted, not added
    adopted: bool = False
    #: the client call's result could not be known (timeout, lost connection): the claim
    #: stays "sending" for reconciliation to settle
    pending: bool = False

    @property
    def refused(self) -> bool:
        return not self.accepted


@dataclass(frozen=True)
class AddResult:
    """What a client's add answered."""

    info_hash: str
    already_present: bool = False


class GuardRefused(MydiaError):
    exit_code = EXIT_REFUSED

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(f"refused ({outcome.reason}): {outcome.message}")
        self.outcome = outcome


class AmbiguousClientError(MydiaError):
    """The client call may or may not have happened (timeout, connection lost mid-call)."""


# ---------------------------------------------------------------------------------------------
# The rules


@dataclass
class Check:
    target: Target | None
    release: Release
    now: dt.datetime = field(default_factory=utcnow)


# The rules' queries and the claim's inserts are plain SQL, written once and cached: building the
# same statements through Peewee's query builder on every grab cost about ten times as much as
# running them (see bench/guard.py). Placeholders are written "?" and turned into the database's
# own ("%s" on PostgreSQL).


@lru_cache(maxsize=256)
def _sql_for(text: str, param: str) -> str:
    return text if param == "?" else text.replace("?", param)


def _run(text: str, params: Sequence[Any] = ()):
    db = database.obj
    return db.execute_sql(_sql_for(text, db.param), params)


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


class _FileRow(NamedTuple):
    id: int
    path: str
    missing_since: Any
    movie_id: int | None
    episode_id: int | None
    root_path: str


class _DownloadRow(NamedTuple):
    id: int
    title: str
    state: str


_FILE_COLUMNS = "f.id, f.path, f.missing_since, f.movie_id, f.episode_id, r.path"
_FILES_OF_MOVIE = (
    f"SELECT {_FILE_COLUMNS} FROM media_file f JOIN library_root r ON r.id = f.root_id "
    "WHERE f.movie_id = ?"
)
_FILES_OF_EPISODES = (
    f"SELECT DISTINCT {_FILE_COLUMNS} FROM media_file f "
    "JOIN library_root r ON r.id = f.root_id JOIN file_episode fe ON fe.file_id = f.id "
    "WHERE fe.episode_id IN ({})"
)
_PRESENT_FILE_OF_MOVIE = (
    "SELECT f.path, r.path FROM media_file f JOIN library_root r ON r.id = f.root_id "
    "WHERE f.movie_id = ? AND f.missing_since IS NULL LIMIT 1"
)
_PRESENT_FILE_OF_EPISODES = (
    "SELECT f.path, r.path FROM media_file f JOIN file_episode fe ON fe.file_id = f.id "
    "JOIN library_root r ON r.id = f.root_id "
    "WHERE fe.episode_id IN ({}) AND f.missing_since IS NULL LIMIT 1"
)
_ROOT_PATH = "SELECT path FROM library_root WHERE id = ?"
_HOLDER_OF_UNITS = (
    "SELECT d.id, d.title, d.state FROM download d "
    "JOIN download_unit u ON u.download_id = d.id WHERE u.active_unit IN ({}) LIMIT 1"
)
_HOLDER_STATES = (*ACTIVE_STATES, "imported")
_DOWNLOAD_OF_HASH = (
    "SELECT id, title, state FROM download WHERE info_hash = ? "
    f"AND state IN ({_placeholders(len(_HOLDER_STATES))}) LIMIT 1"
)


def _units_held_against(target: Target) -> list[str]:
    """Units whose being held blocks ``target``: its own, plus the season units of the seasons
    its episodes belong to (a pack grabbed before an episode existed still covers it)."""
    units = list(target.units())
    if target.kind == "episodes":
        units.extend({f"s:{target.item_id}:{e.season}" for e in target.episodes})
    return units


def _describe_download(d: _DownloadRow) -> str:
    return f'download {d.id} "{d.title}" ({d.state})'


def rule_valid_target(check: Check) -> Refusal | None:
    target = check.target
    if target is None:
        return Refusal(INVALID_TARGET, "a grab must name a film, episodes or a season pack")
    if not target.units():
        return Refusal(INVALID_TARGET, f"{target.label()} covers no film or episode")
    try:
        normalize_info_hash(check.release.info_hash)
    except BadTorrent:
        return Refusal(INVALID_TARGET, f"the release has no valid info-hash: {check.release.title}")
    return None


def rule_already_on_disk(check: Check) -> Refusal | None:
    """A file exists for any part of the target. Database rows whose file is gone do not count
    (they are flagged ``missing_since`` for the library to correct); a video file in the item's
    folder that was never scanned does."""
    target = check.target
    assert target is not None
    if target.kind == "movie":
        cursor = _run(_FILES_OF_MOVIE, (target.item_id,))
    else:
        ids = target.episode_ids
        cursor = _run(_FILES_OF_EPISODES.format(_placeholders(len(ids))), ids)
    for f in [_FileRow(*row) for row in cursor.fetchall()]:
        path = Path(f.root_path) / f.path
        if path.exists():
            return Refusal(ALREADY_ON_DISK, f"already have a file: {path}")
        _flag_missing(f, path)
    unscanned = _unscanned_video(target)
    if unscanned is not None:
        return Refusal(ALREADY_ON_DISK, f"already have a file (not scanned yet): {unscanned}")
    return None


def _flag_missing(f: _FileRow, path: Path) -> None:
    if f.missing_since is None:
        MediaFile.update(missing_since=utcnow()).where(MediaFile.id == f.id).execute()
        history.record(
            "file_missing",
            f"file recorded in the library is gone: {path}",
            item=f.movie_id,
            episode=f.episode_id,
        )


def item_folder(target: Target) -> Path | None:
    if target.root_id is None or not target.folder:
        return None
    row = _run(_ROOT_PATH, (target.root_id,)).fetchone()
    return Path(row[0]) / target.folder if row else None


def is_video(name: str) -> bool:
    dot = name.rfind(".")
    if dot <= 0 or name[dot:].lower() not in VIDEO_EXTENSIONS:
        return False
    return "sample" not in name.lower() or not _SAMPLE.search(name)


def episode_numbers_in_name(name: str) -> set[tuple[int, int]]:
    """(season, episode) pairs a file name claims: S01E02, S01E01E02, S01E01-E02, 1x02."""
    found: set[tuple[int, int]] = set()
    for m in _EPISODE_TAG.finditer(name):
        season = int(m.group(1))
        numbers = [int(n) for n in re.findall(r"\d+", m.group(2))]
        if len(numbers) == 2 and "-" in m.group(2) and numbers[1] > numbers[0]:
            numbers = list(range(numbers[0], numbers[1] + 1))
        found.update((season, n) for n in numbers)
    if not found:
        for m in _EPISODE_X.finditer(name):
            found.add((int(m.group(1)), int(m.group(2))))
    return found


def _walk_videos(
    folder: Path, max_depth: int = 3, folders: list[tuple[str, int]] | None = None
) -> Iterable[os.DirEntry]:
    """Video files under ``folder`` (plain ``os.scandir`` entries: building a ``Path`` for
    every file and folder of a large show cost more than the walk itself). When ``folders`` is
    given, every folder walked is appended to it with its modification time."""
    stack: list[tuple[str, int]] = [(str(folder), 0)]
    while stack:
        current, depth = stack.pop()
        try:
            if folders is not None:
                folders.append((current, os.stat(current).st_mtime_ns))
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if depth < max_depth:
                                stack.append((entry.path, depth + 1))
                        elif entry.is_file() and is_video(entry.name):
                            yield entry
                    except OSError:
                        continue
        except OSError:
            continue


@dataclass(frozen=True)
class _FolderListing:
    """The video files under a show folder, with the (season, episode) pairs each names, and
    the modification time of every folder walked: a file added, removed or renamed anywhere
    in the walk changes one of them."""

    folders: tuple[tuple[str, int], ...]
    #: (path, lower-cased name)
    videos: tuple[tuple[str, str], ...]
    #: name -> the (season, episode) pairs it names, filled as names are asked about
    parsed: dict[str, frozenset[tuple[int, int]]] = field(default_factory=dict, compare=False)

    def numbers(self, path: str) -> frozenset[tuple[int, int]]:
        found = self.parsed.get(path)
        if found is None:
            found = self.parsed[path] = frozenset(episode_numbers_in_name(os.path.basename(path)))
        return found


_LISTINGS: dict[str, _FolderListing] = {}
_LISTINGS_LOCK = threading.Lock()
#: a folder changed less than this long ago may change again within the same clock tick
#: (coarse file-system timestamps): its listing is not reused ("racily clean", as git says)
_RACY_NS = 2_000_000_000


def _listing_is_current(listing: _FolderListing, now_ns: int) -> bool:
    for path, mtime_ns in listing.folders:
        try:
            current = os.stat(path).st_mtime_ns
        except OSError:
            return False
        if current != mtime_ns or now_ns - mtime_ns < _RACY_NS:
            return False
    return True


def _show_listing(folder: Path, max_depth: int = 3) -> _FolderListing:
    """The show folder's video files, read again only when a folder in it changed."""
    key = str(folder)
    now_ns = time.time_ns()
    with _LISTINGS_LOCK:
        cached = _LISTINGS.get(key)
    if cached is not None and _listing_is_current(cached, now_ns):
        return cached
    folders: list[tuple[str, int]] = []
    videos = [(e.path, e.name.lower()) for e in _walk_videos(folder, max_depth, folders)]
    listing = _FolderListing(tuple(folders), tuple(videos))
    with _LISTINGS_LOCK:
        if len(_LISTINGS) > 4096:
            _LISTINGS.clear()
        _LISTINGS[key] = listing
    return listing


def _unscanned_video(target: Target) -> Path | None:
    folder = item_folder(target)
    if folder is None or not folder.is_dir():
        return None
    if target.kind == "movie":
        for entry in _walk_videos(folder):
            return Path(entry.path)
        return None
    wanted = {(e.season, e.number) for e in target.episodes}
    # a cheap substring test first: only names that can name one of these seasons are parsed
    markers = tuple({m for s, _ in wanted for m in (f"s{s}", f"s{s:02d}", f"{s}x")})
    listing = _show_listing(folder)
    for path, low in listing.videos:
        if any(m in low for m in markers) and listing.numbers(path) & wanted:
            return Path(path)
    return None


def rule_not_in_flight(check: Check) -> Refusal | None:
    target = check.target
    assert target is not None
    units = _units_held_against(target)
    found = _run(_HOLDER_OF_UNITS.format(_placeholders(len(units))), units).fetchone()
    if found is not None:
        row = _DownloadRow(*found)
        return Refusal(
            IN_FLIGHT,
            f"{target.label()} is already being fetched by {_describe_download(row)}",
            row.id,
        )
    return None


def rule_not_same_torrent(check: Check) -> Refusal | None:
    info_hash = normalize_info_hash(check.release.info_hash)
    found = _run(_DOWNLOAD_OF_HASH, (info_hash, *_HOLDER_STATES)).fetchone()
    if found is not None:
        row = _DownloadRow(*found)
        return Refusal(
            SAME_TORRENT, f"this torrent ({info_hash}) is {_describe_download(row)}", row.id
        )
    return None


def rule_not_blocklisted(check: Check) -> Refusal | None:
    r = check.release
    info_hash = normalize_info_hash(r.info_hash)
    match, params = ["info_hash = ?"], [info_hash]
    if r.indexer and r.guid:
        match.append("(indexer = ? AND guid = ?)")
        params += [r.indexer, r.guid]
    if r.indexer and r.title and r.size:
        match.append("(indexer = ? AND title = ? AND size = ?)")
        params += [r.indexer, r.title, Blocklist.size.db_value(r.size)]
    found = _run(
        f"SELECT title, reason FROM blocklist WHERE ({' OR '.join(match)}) "
        "AND (expires_at IS NULL OR expires_at > ?) LIMIT 1",
        (*params, Blocklist.expires_at.db_value(check.now)),
    ).fetchone()
    if found is not None:
        title, reason = found
        why = f": {reason}" if reason else ""
        return Refusal(BLOCKLISTED, f"release is blocklisted{why} ({title or info_hash})")
    return None


def _rule_files_in_db(check: Check) -> Refusal | None:
    """Inside the transaction: a file row recorded meanwhile (an import that just committed)."""
    target = check.target
    assert target is not None
    if target.kind == "movie":
        row = _run(_PRESENT_FILE_OF_MOVIE, (target.item_id,)).fetchone()
    else:
        ids = target.episode_ids
        row = _run(_PRESENT_FILE_OF_EPISODES.format(_placeholders(len(ids))), ids).fetchone()
    if row is None:
        return None
    path = Path(row[1]) / row[0]
    if not path.exists():
        return None
    return Refusal(ALREADY_ON_DISK, f"already have a file: {path}")


Rule = Callable[[Check], "Refusal | None"]

#: rules that read the file system (run before the write lock is taken, so that slow disks never
#: hold it)
PRE_RULES: tuple[Rule, ...] = (rule_valid_target, rule_already_on_disk)
#: rules that decide on claims (run inside the write transaction, right before the claim)
CLAIM_RULES = (_rule_files_in_db, rule_not_in_flight, rule_not_same_torrent, rule_not_blocklisted)
#: every rule, in the order they run
RULES: tuple[Rule, ...] = (*PRE_RULES, *CLAIM_RULES)


# ---------------------------------------------------------------------------------------------
# The guard


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Guard:
    """Decides and claims. Thread-safe: each thread uses its own database connection."""

    def __init__(self, *, claimed_by: str | None = None) -> None:
        self.claimed_by = claimed_by or this_process()

    # -- deciding and claiming --------------------------------------------------------------

    def check(self, target: Target | None, release: Release) -> Refusal | None:
        """Run every rule without claiming (for previews such as interactive search)."""
        c = Check(target, release)
        for rule in (*PRE_RULES, *CLAIM_RULES):
            refusal = rule(c)
            if refusal:
                return refusal
        return None

    def claim(self, target: Target | None, release: Release) -> Outcome:
        """Decide and, if accepted, commit a claim (state ``claimed``). Refusals are recorded in
        the history."""
        c = Check(target, release)
        for rule in PRE_RULES:
            refusal = rule(c)
            if refusal:
                return self.record_refusal(target, release, refusal)
        assert target is not None
        info_hash = normalize_info_hash(release.info_hash)
        try:
            with write_transaction():
                if isinstance(database.obj, PostgresqlDatabase):
                    # serialise grabs for one film or show (SQLite's BEGIN IMMEDIATE already
                    # serialises every writer)
                    MediaItem.select(MediaItem.id).where(
                        MediaItem.id == target.item_id
                    ).for_update().execute()
                for rule in CLAIM_RULES:
                    refusal = rule(c)
                    if refusal:
                        raise _Refused(refusal)
                download_id = self._insert_claim(target, release, info_hash)
        except _Refused as r:
            return self.record_refusal(target, release, r.refusal)
        except IntegrityError:
            # the database's own constraint caught a race the rules could not see
            # (PostgreSQL, or a writer that bypassed BEGIN IMMEDIATE)
            refusal = rule_not_in_flight(c) or Refusal(
                IN_FLIGHT, f"{target.label()} was claimed by another grab at the same moment"
            )
            return self.record_refusal(target, release, refusal)
        return Outcome(True, message=f"claimed {target.label()}", download_id=download_id)

    def _insert_claim(self, target: Target, release: Release, info_hash: str) -> int:
        now = utcnow()
        download_id = insert_row(
            Download,
            kind=target.kind,
            item=target.item_id,
            season=target.season if target.kind == "season" else None,
            info_hash=info_hash,
            title=release.title,
            indexer=release.indexer,
            guid=release.guid,
            source=release.source,
            source_uri=release.source_uri,
            size=max(0, int(release.size or 0)),
            quality=release.quality,
            state="claimed",
            claimed_by=self.claimed_by,
            claimed_at=now,
            updated_at=now,
        )
        if target.episode_ids:
            ids = target.episode_ids
            _run(
                "INSERT INTO download_episode (download_id, episode_id) VALUES "
                + ", ".join(["(?, ?)"] * len(ids)),
                [v for e in ids for v in (download_id, e)],
            )
        units = target.units()
        _run(
            "INSERT INTO download_unit (download_id, unit, active_unit) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(units)),
            [v for u in units for v in (download_id, u, u)],
        )
        return download_id

    def record_refusal(self, target: Target | None, release: Release, refusal: Refusal) -> Outcome:
        """Record a refusal in the history and return it as an outcome."""
        label = target.label() if target else "(no target)"
        history.record(
            "refused",
            f"refused {release.title} for {label}: {refusal.message}",
            item=target.item_id if target else None,
            season=target.season if target else None,
            episode=target.episode_ids[0]
            if target and len(target.episode_ids) == 1 and target.kind == "episodes"
            else None,
            download=refusal.download_id,
            reason=refusal.reason,
            data={
                "release": release.title,
                "info_hash": release.info_hash,
                "indexer": release.indexer,
            },
        )
        return Outcome(
            False, reason=refusal.reason, message=refusal.message, download_id=refusal.download_id
        )

    # -- grabbing end to end --------------------------------------------------------------

    def grab(
        self,
        target: Target | None,
        release: Release,
        send: Callable[[], AddResult],
    ) -> Outcome:
        """Claim, then call ``send`` (the client's add) and record what it answered.

        ``send`` raising :class:`AmbiguousClientError` leaves the claim ``sending`` (the torrent
        may be in the client: reconciliation adopts it by info-hash or releases it later); any
        other exception ends the claim as ``failed`` with the reason, keeping the row.
        """
        outcome = self.claim(target, release)
        if not outcome.accepted:
            return outcome
        assert target is not None and outcome.download_id is not None
        download_id = outcome.download_id
        mark_sending(download_id)
        try:
            result = send()
        except AmbiguousClientError as exc:
            message = str(exc)
            Download.update(error_message=message, updated_at=utcnow()).where(
                Download.id == download_id
            ).execute()
            history.record(
                "error",
                f"sent {release.title} for {target.label()} but the client did not confirm: {message}",
                item=target.item_id,
                download=download_id,
            )
            return Outcome(True, message=message, download_id=download_id, pending=True)
        except Exception as exc:
            message = str(exc) or type(exc).__name__
            finish(download_id, "failed", error=message)
            history.record(
                "failed",
                f"could not add {release.title} for {target.label()}: {message}",
                item=target.item_id,
                download=download_id,
                reason=CLIENT_ERROR,
            )
            return Outcome(False, reason=CLIENT_ERROR, message=message, download_id=download_id)
        return self.record_added(target, release, download_id, result)

    def record_added(
        self, target: Target, release: Release, download_id: int, result: AddResult
    ) -> Outcome:
        """The client has the torrent: record it (adopted when it was already there)."""
        now = utcnow()
        changed = (
            Download.update(
                state="queued",
                added_at=now,
                updated_at=now,
                error_message=None,
                last_progress_at=now,
            )
            .where((Download.id == download_id) & (Download.state.in_(("claimed", "sending"))))
            .execute()
        )
        event = "adopted" if result.already_present else "grabbed"
        verb = "adopted (already in the client)" if result.already_present else "grabbed"
        if changed:  # else another monitor's reconciliation recorded it first
            history.record(
                event,
                f"{verb} {release.title} for {target.label()}",
                item=target.item_id,
                season=target.season if target.kind == "season" else None,
                download=download_id,
                data={
                    "release": release.title,
                    "indexer": release.indexer,
                    "info_hash": result.info_hash,
                },
            )
        return Outcome(
            True,
            message=f"{verb} {release.title}",
            download_id=download_id,
            adopted=result.already_present,
        )


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


# ---------------------------------------------------------------------------------------------
# State changes that free or keep a target. Every change of a download's state that ends it
# goes through finish(), which releases its units in the same transaction.


def mark_sending(download_id: int) -> None:
    now = utcnow()
    Download.update(state="sending", sent_at=now, updated_at=now).where(
        (Download.id == download_id) & (Download.state == "claimed")
    ).execute()


_FINAL_TIMESTAMP = {"imported": "imported_at", "failed": "failed_at", "removed": "removed_at"}


def finish(download_id: int, state: str, *, error: str | None = None) -> bool:
    """End a download (imported, failed or removed): its units are released in the same
    transaction, so its target can be grabbed again. Returns False if it had already ended."""
    if state not in _FINAL_TIMESTAMP:
        raise ValueError(f"not a final state: {state}")
    now = utcnow()
    values = {"state": state, _FINAL_TIMESTAMP[state]: now, "updated_at": now}
    if error is not None:
        values["error_message"] = error
    with write_transaction():
        changed = (
            Download.update(**values)
            .where((Download.id == download_id) & Download.state.in_(ACTIVE_STATES))
            .execute()
        )
        if changed:
            DownloadUnit.update(active_unit=None).where(
                DownloadUnit.download == download_id
            ).execute()
    return bool(changed)


def blocklist(
    *,
    info_hash: str | None,
    title: str = "",
    indexer: str = "",
    guid: str = "",
    size: int | None = None,
    reason: str = "",
    item_id: int | None = None,
    expires_at: dt.datetime | None = None,
) -> int:
    return Blocklist.insert(
        info_hash=normalize_info_hash(info_hash) if info_hash else None,
        title=title,
        indexer=indexer,
        guid=guid,
        size=size,
        reason=reason,
        item=item_id,
        expires_at=expires_at,
    ).execute()
