"""The dedup guard: the one gate in front of every grab.

Every path that starts a download (the monitor in the TUI, the TUI's manual grab, ``mydia-tui
grab``, the headless monitor) goes through :func:`mydia_tui.grabbing.grab_release`, which ends
in :meth:`Guard.grab`. Nothing else creates a ``Download`` row or calls a client's add.

A grab names a :class:`~mydia_tui.targets.Target` and a :class:`GrabRequest` (the release, its
normalised info-hash known, and what the indexer said). Small named rules run in a fixed order
and the first refusal wins (its :class:`~mydia_tui.refusals.Reason`):

1. ``invalid_target``   no target, or one that covers nothing
2. ``already_on_disk``  a file exists for any part of the target: a video in the item's folder
                        that the library has not scanned yet (read before the write lock; folders
                        unchanged since the last scan are not listed again, see
                        :mod:`mydia_tui.scanning.folders`), or a recorded file really on disk
                        (read inside the claim's transaction)
3. ``in_flight``        an active download holds any unit of the target (either direction:
                        an episode inside a pack, a pack over an episode, overlapping multis)
4. ``same_torrent``     the info-hash belongs to an active or imported download
5. ``blocklisted``      the info-hash, indexer + guid, or indexer + title + size is blocked

Upgrades: a guard given the quality settings (``Guard(quality=...)``) admits a release for a
target whose one recorded file is on disk when it is an upgrade under the item's profile
(:func:`mydia_tui.upgrades.upgrade_refusal`: strictly better, cutoff unmet, upgrades not paused,
under the daily limit); the claim is the same claim, recording the file it replaces
(``upgrade_file``, ``upgrade_from``). Meanwhile the file still counts as on disk for every
other grab, and the claim holds the target's units like any other.

Atomicity: the database rules and the claim run in ONE write transaction (SQLite ``BEGIN
IMMEDIATE``; on PostgreSQL the target's item row is locked ``FOR UPDATE``); the rules read what
they decide on with one statement (:meth:`Check.facts`), and the claim
inserts one ``download_unit`` row per covered unit whose ``active_unit`` column is UNIQUE: two
threads or processes racing for one target cannot both commit. The claim is committed before the
client is called; the add's outcome is recorded afterwards. A process that dies in between leaves
a ``sending`` claim with its info-hash, which the download monitor adopts or releases (see
:func:`mydia_tui.monitor.reconcile.settle_claim`; claims record their process in ``claimed_by``).

The claim is the first state of a download's life; every later change of its state is
:mod:`mydia_tui.lifecycle`'s.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from peewee import JOIN, IntegrityError, PostgresqlDatabase

from . import history, upgrades
from .config import ProfileConfig, QualityConfig
from .db import insert_row, run_sql, write_transaction
from .deluge import AddResult
from .errors import EXIT_REFUSED, MydiaError
from .identity.video import EXTRAS_DIRS, SYSTEM_DIRS, is_video
from .lifecycle import fail_send, mark_added, mark_sending, note_unconfirmed
from .models import (
    ACTIVE_STATES,
    Blocklist,
    Download,
    MediaFile,
    MediaItem,
    database,
    utcnow,
)
from .processes import this_process
from .profiles import item_profile
from .refusals import Reason, Refusal
from .releases.parse import read_tags
from .releases.quality import quality_of_name
from .releases.release import Release
from .scanning.folders import all_unchanged, root_present
from .scanning.layout import candidate_tops
from .scanning.match import LibraryIndex
from .targets import Target
from .torrent import BadTorrent, normalize_info_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GrabRequest:
    """What a grab asks the guard to claim: a release whose torrent has been read (so its
    info-hash is known), as its download will record it. Built by
    :func:`mydia_tui.grabbing.grab_request` from what an indexer offered
    (:class:`mydia_tui.releases.release.Release`, whose torrent is not read yet)."""

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
class Outcome:
    """What came of a grab: accepted (claimed, and sent unless refused later), or refused with
    a :class:`~mydia_tui.refusals.Reason` and a message a person can read."""

    accepted: bool
    reason: Reason | str = ""
    message: str = ""
    download_id: int | None = None
    #: the torrent was already in the client's session and was adopted, not added
    adopted: bool = False
    #: the client call's result could not be known (timeout, lost connection): the claim
    #: stays "sending" for reconciliation to settle
    pending: bool = False
    #: what the client could not do of an accepted grab (a label Deluge refused); the
    #: message ends with it too
    warning: str = ""

    @property
    def refused(self) -> bool:
        return not self.accepted

    @property
    def try_next(self) -> bool:
        """Refused for a reason about this release only (:attr:`Reason.try_next`): another
        release of the same target may still be grabbed."""
        return isinstance(self.reason, Reason) and self.reason.try_next


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
    """One decision in progress: the target, the release, and what the rules have read."""

    target: Target | None
    release: GrabRequest
    now: dt.datetime = field(default_factory=utcnow)
    #: the configuration's quality settings, when the guard may admit upgrades (the item's
    #: profile is read from them only when a file is on disk, see :meth:`profile`)
    quality: QualityConfig | None = None
    #: an admitted upgrade: (the file it replaces, that file's quality)
    upgrade: tuple[int, str] | None = None
    #: what the claim rules decide on, read in one round trip (see :meth:`facts`)
    _facts: dict[str, list[tuple[Any, ...]]] | None = field(default=None, repr=False)

    @cached_property
    def info_hash(self) -> str:
        """The release's info-hash, normalised (raises BadTorrent; rule_valid_target runs
        first and refuses such a release)."""
        return normalize_info_hash(self.release.info_hash)

    def facts(self) -> dict[str, list[tuple[Any, ...]]]:
        """What the claim rules need from the database, read by one statement the first time a
        rule asks (inside the claim's write transaction): the files recorded for the target
        ("file", every one), an active download holding one of its units ("held"), an active or
        imported download of the same info-hash ("hash") and a blocklist entry ("block"), each
        a list of ``(id, a, b, c)``. One statement instead of one per rule: each round trip
        costs about as much as the lookup itself."""
        if self._facts is None:
            self._facts = _read_claim_facts(self)
        return self._facts

    def forget_facts(self) -> None:
        self._facts = None

    @cached_property
    def profile(self) -> ProfileConfig | None:
        """The item's quality profile when the guard admits upgrades, else None."""
        if self.quality is None or self.target is None:
            return None
        return item_profile(self.target.item_id, self.quality)


# The rules' queries and the claim's inserts are plain SQL, written once and cached: building the
# same statements through Peewee's query builder on every grab cost about ten times as much as
# running them (see bench/guard.py). Placeholders are written "?"; run_sql turns them into the
# database's own ("%s" on PostgreSQL).


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


class _DownloadRow(NamedTuple):
    id: int
    title: str
    state: str


_HOLDER_STATES = (*ACTIVE_STATES, "imported")


@lru_cache(maxsize=256)
def _claim_facts_sql(movie: bool, episodes: int, units: int, by_guid: bool, by_title: bool) -> str:
    """The claim rules' one statement: a UNION of four indexed lookups, rows of (fact, id, a,
    b, c): every file recorded for the target (id, path, root, flagged missing), and at most one
    holder, one download of the same torrent (id, title, state) and one blocklist entry (title,
    reason). Typed alike in every branch, as PostgreSQL wants."""
    file = (
        "SELECT 'file' AS fact, f.id AS id, f.path AS a, r.path AS b, "
        "CASE WHEN f.missing_since IS NULL THEN 0 ELSE 1 END AS c FROM media_file f "
        "JOIN library_root r ON r.id = f.root_id "
    )
    if movie:
        file += "WHERE f.movie_id = ?"
    else:
        file += (
            "JOIN file_episode fe ON fe.file_id = f.id "
            f"WHERE fe.episode_id IN ({_placeholders(episodes)})"
        )
    held = (
        "SELECT 'held' AS fact, d.id AS id, d.title AS a, d.state AS b, "
        "CAST(NULL AS INTEGER) AS c FROM download d "
        "JOIN download_unit u ON u.download_id = d.id "
        f"WHERE u.active_unit IN ({_placeholders(units)}) LIMIT 1"
    )
    same = (
        "SELECT 'hash' AS fact, id, title AS a, state AS b, CAST(NULL AS INTEGER) AS c "
        "FROM download WHERE info_hash = ? "
        f"AND state IN ({_placeholders(len(_HOLDER_STATES))}) LIMIT 1"
    )
    block = (
        "SELECT 'block' AS fact, CAST(NULL AS INTEGER) AS id, title AS a, reason AS b, "
        "CAST(NULL AS INTEGER) AS c "
        f"FROM blocklist WHERE {_blocklist_where((True, by_guid, by_title))} "
        "AND (expires_at IS NULL OR expires_at > ?) LIMIT 1"
    )
    return " UNION ALL ".join(
        f"SELECT * FROM ({q}) AS {name}"
        for name, q in (
            ("file_fact", file),
            ("held_fact", held),
            ("hash_fact", same),
            ("block_fact", block),
        )
    )


def _read_claim_facts(check: Check) -> dict[str, list[tuple[Any, ...]]]:
    target, r = check.target, check.release
    assert target is not None
    units = _units_held_against(target)
    (_, by_guid, by_title), block = _blocklist_key(
        check.info_hash, r.indexer, r.guid, r.title, r.size
    )
    params: list[Any] = [target.item_id] if target.kind == "movie" else list(target.episode_ids)
    params += units
    params += (check.info_hash, *_HOLDER_STATES, *block)
    params.append(Blocklist.expires_at.db_value(check.now))
    sql = _claim_facts_sql(
        target.kind == "movie", len(target.episode_ids), len(units), by_guid, by_title
    )
    facts: dict[str, list[tuple[Any, ...]]] = {}
    for row in run_sql(sql, params).fetchall():
        facts.setdefault(row[0], []).append(row[1:])
    return facts


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
        return Refusal(Reason.INVALID_TARGET, "a grab must name a film, episodes or a season pack")
    if not target.units():
        return Refusal(Reason.INVALID_TARGET, f"{target.label()} covers no film or episode")
    try:
        check.info_hash  # noqa: B018 (normalises, raising BadTorrent)
    except BadTorrent:
        return Refusal(
            Reason.INVALID_TARGET, f"the release has no valid info-hash: {check.release.title}"
        )
    return None


def rule_already_on_disk(check: Check) -> Refusal | None:
    """A video the library scan would map to any part of the target and has not recorded
    (:func:`_unscanned_video`: every layout the scan maps). Runs before the write lock is taken and reads only the file
    system: the files the library has recorded are checked inside the claim's transaction
    (:func:`_rule_files_in_db`), where an import committing meanwhile cannot slip past."""
    target = check.target
    assert target is not None
    found = _unscanned_video(target)
    if found is None:
        return None
    _root, path = found
    return Refusal(Reason.ALREADY_ON_DISK, f"already have a file (not scanned yet): {path}")


def _flag_missing(file_id: int, path: Path) -> None:
    """A recorded file that is gone: flagged ``missing_since`` for the library to correct."""
    f = MediaFile.get_or_none(MediaFile.id == file_id)
    if f is None or f.missing_since is not None:
        return
    MediaFile.update(missing_since=utcnow()).where(MediaFile.id == file_id).execute()
    history.record(
        "file_missing",
        f"file recorded in the library is gone: {path}",
        item=f.movie_id,
        episode=f.episode_id,
    )


def _walk_videos(
    folder: Path, max_depth: int = 3, folders: list[tuple[str, int]] | None = None
) -> Iterable[os.DirEntry]:
    """The videos under ``folder`` that the library scan would record, skipping what it skips
    (hidden entries, system and extras folders). Plain ``os.scandir`` entries: building a
    ``Path`` for every file and folder of a large show cost more than the walk itself. When
    ``folders`` is given, every folder walked is appended to it with its modification time,
    read before it is listed."""
    stack: list[tuple[str, int]] = [(str(folder), 0)]
    while stack:
        current, depth = stack.pop()
        try:
            if folders is not None:
                folders.append((current, os.stat(current).st_mtime_ns))
            with os.scandir(current) as entries:
                for entry in entries:
                    name = entry.name
                    if name[0] == ".":
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            lower = name.lower()
                            if depth < max_depth and not (
                                lower in SYSTEM_DIRS or lower in EXTRAS_DIRS
                            ):
                                stack.append((entry.path, depth + 1))
                        elif entry.is_file() and is_video(name):
                            yield entry
                    except OSError:
                        continue
        except OSError:
            continue


@dataclass(frozen=True)
class _FolderListing:
    """The videos under a film's or show's folder, the modification time of every folder walked (a file added, removed or renamed anywhere in the
    walk changes one of them) and when the walk began."""

    folders: tuple[tuple[str, int], ...]
    #: (path, lower-cased name)
    videos: tuple[tuple[str, str], ...]
    listed_ns: int

    def is_current(self) -> bool:
        """Every folder walked is unchanged, and none had changed within RACY_NS before the
        walk (it might have changed again within the same tick of the file system's clock)."""
        return all_unchanged((path, mtime_ns, self.listed_ns, 0) for path, mtime_ns in self.folders)


#: listings of show folders this process walked, reused while no folder in them changes
_LISTINGS: dict[str, _FolderListing] = {}
_LISTINGS_LOCK = threading.Lock()


def _show_listing(folder: Path, max_depth: int = 3) -> _FolderListing:
    """The show folder's video files, read again only when a folder in it changed."""
    key = str(folder)
    with _LISTINGS_LOCK:
        cached = _LISTINGS.get(key)
    if cached is not None and cached.is_current():
        return cached
    listed_ns = time.time_ns()
    folders: list[tuple[str, int]] = []
    videos = [(e.path, e.name.lower()) for e in _walk_videos(folder, max_depth, folders)]
    listing = _FolderListing(tuple(folders), tuple(videos), listed_ns)
    with _LISTINGS_LOCK:
        if len(_LISTINGS) > 4096:
            _LISTINGS.clear()
        _LISTINGS[key] = listing
    return listing


def _item_roots(target: Target) -> list[tuple[int, str]]:
    """The library folders where files of the target's item may be: its own root, or every
    root of its kind while it has none."""
    if target.root_id is not None:
        rows = run_sql("SELECT id, path FROM library_root WHERE id = ?", (target.root_id,))
    else:
        kind = "movies" if target.is_movie else "shows"
        rows = run_sql("SELECT id, path FROM library_root WHERE kind = ?", (kind,))
    return [(root_id, path) for root_id, path in rows.fetchall()]


def _unscanned_video(target: Target) -> tuple[str, Path] | None:
    """A video the library scan would map to the target (to the film, or to one of its
    episodes) and has not recorded yet: looked for in every part of the item's library folder
    that may hold one and changed since the last scan
    (:func:`mydia_tui.scanning.layout.candidate_tops`), and
    matched with the scan's own matcher (:class:`mydia_tui.scanning.match.LibraryIndex`), so
    that the guard sees every layout the scan maps: the item's ``Title (Year)/`` folder, a loose
    ``Title.Year.1080p.mkv`` in the root, a scene-named folder, a folder without the year, a
    multi-episode or absolute-numbered file. Folders unchanged since the scan are not listed:
    the scan recorded every video in them (those are the DB rule's)."""
    kind = "movies" if target.is_movie else "shows"
    wanted = set(target.episode_ids)
    index = LibraryIndex(target.item_id)
    for root_id, root in _item_roots(target):
        for top in candidate_tops(root_id, root, kind, target.title, target.folder):
            path = os.path.join(root, top)
            if os.path.isdir(path):
                videos = [video for video, _ in _show_listing(Path(path)).videos]
            elif is_video(top):
                videos = [path]
            else:
                continue
            for video in videos:
                rel = os.path.relpath(video, root)
                found = index.match(kind, rel)
                if not (
                    (target.is_movie and found.movie_id == target.item_id)
                    or wanted.intersection(found.episode_ids)
                ):
                    continue
                recorded = run_sql(
                    "SELECT 1 FROM media_file WHERE root_id = ? AND path = ?", (root_id, rel)
                ).fetchone()
                if not recorded:  # a recorded file is the DB rule's (_rule_files_in_db)
                    return root, Path(video)
    return None


def rule_not_in_flight(check: Check) -> Refusal | None:
    found = check.facts().get("held")
    if not found:
        return None
    assert check.target is not None
    row = _DownloadRow(*found[0][:3])
    return Refusal(
        Reason.IN_FLIGHT,
        f"{check.target.label()} is already being fetched by {_describe_download(row)}",
        row.id,
    )


def rule_not_same_torrent(check: Check) -> Refusal | None:
    found = check.facts().get("hash")
    if not found:
        return None
    row = _DownloadRow(*found[0][:3])
    return Refusal(
        Reason.SAME_TORRENT,
        f"this torrent ({check.info_hash}) is {_describe_download(row)}",
        row.id,
    )


def rule_not_blocklisted(check: Check) -> Refusal | None:
    found = check.facts().get("block")
    if not found:
        return None
    _, title, reason, _ = found[0]
    return _blocklisted(title or check.info_hash, reason)


def _blocklisted(title: str, reason: str) -> Refusal:
    why = f": {reason}" if reason else ""
    return Refusal(Reason.BLOCKLISTED, f"release is blocklisted{why} ({title})")


def _rule_files_in_db(check: Check) -> Refusal | None:
    """A file the library has recorded for any part of the target, really on disk (read inside
    the claim's transaction, so that an import that commits meanwhile is seen), unless the
    release is an admitted upgrade of it (:func:`_upgrade_refusal`). Rows whose file is gone do
    not count; they are flagged ``missing_since`` for the library to correct. A library folder
    that is missing or empty (a disk not mounted) proves nothing gone: its files still count,
    as the scan holds back in that case too."""
    gone = []
    rows = check.facts().get("file", ())
    for file_id, rel, root, missing in rows:
        path = Path(root) / rel
        if path.exists():
            why = _upgrade_refusal(check, file_id, len(rows))
            if why is None:
                return None
            return Refusal(Reason.ALREADY_ON_DISK, f"already have a file: {path}{why}")
        if not root_present(root):
            return Refusal(
                Reason.ALREADY_ON_DISK,
                f"the library records a file ({path}), but its library folder {root} is "
                "missing or empty: is the disk mounted? If the files are really gone, run "
                "'mydia-tui scan --allow-mass-removal'",
            )
        if not missing:
            gone.append((file_id, path))
    for file_id, path in gone:
        _flag_missing(file_id, path)
    return None


def _upgrade_refusal(check: Check, file_id: int, rows: int) -> str | None:
    """Why the release may not replace the file ``file_id`` (": not an upgrade: ..."), or ""
    when it may (:func:`mydia_tui.upgrades.upgrade_refusal`; recorded in ``check.upgrade``). Only
    a guard given the quality settings upgrades, only a film or episodes (not a season pack)
    whose one file covers the whole target (``rows``: the target's recorded file rows)."""
    target = check.target
    assert target is not None
    if check.profile is None or target.kind == "season":
        return ""  # refused as on disk: no upgrade asked
    wanted_rows = 1 if target.kind == "movie" else len(target.episode_ids)
    if rows != wanted_rows or len({f[0] for f in check.facts().get("file", ())}) != 1:
        return ": not an upgrade: the target's files are not one file"
    found = run_sql(
        "SELECT f.quality, f.path, i.upgrades_paused, "
        "(SELECT COUNT(*) FROM file_episode fe WHERE fe.file_id = f.id) "
        "FROM media_file f, media_item i WHERE f.id = ? AND i.id = ?",
        (file_id, target.item_id),
    ).fetchone()
    if found is None:
        return ": not an upgrade: the file's record is gone"
    have_quality, rel, paused, covers = found
    if target.kind != "movie" and covers != len(target.episode_ids):
        # replacing it would take away the file of an episode the release does not cover
        return ": not an upgrade: the file covers other episodes too"
    old = upgrades.FileQuality(have_quality or "Unknown", read_tags(os.path.basename(rel)).proper)
    title = check.release.title
    new = upgrades.FileQuality(
        check.release.quality or quality_of_name(title), read_tags(title).proper
    )
    why = upgrades.upgrade_refusal(
        check.profile,
        old,
        new,
        paused=paused or "",
        claimed_today=upgrades.claimed_today(target.item_id, check.now),
        per_day=check.quality.upgrades_per_day if check.quality else 1,
    )
    if why is not None:
        return f" ({old.quality}); not an upgrade: {why}"
    check.upgrade = (file_id, old.quality)
    return None


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


class Guard:
    """Decides and claims. Thread-safe: each thread uses its own database connection."""

    def __init__(
        self, *, claimed_by: str | None = None, quality: QualityConfig | None = None
    ) -> None:
        """``claimed_by``: the claims' holder ("host:pid" of this process by default);
        ``quality``: the configuration's quality settings, given to admit upgrades of files on
        disk (their profiles, ``upgrades_per_day``); without them a file on disk refuses every
        grab of its target."""
        self.claimed_by = claimed_by or this_process()
        self.quality = quality

    def _check(self, target: Target | None, release: GrabRequest) -> Check:
        return Check(target, release, quality=self.quality)

    def check(self, target: Target | None, release: GrabRequest) -> Refusal | None:
        """Run every rule without claiming (for previews such as interactive search)."""
        c = self._check(target, release)
        for rule in (*PRE_RULES, *CLAIM_RULES):
            refusal = rule(c)
            if refusal:
                return refusal
        return None

    def claim(self, target: Target | None, release: GrabRequest) -> Outcome:
        """Decide and, if accepted, commit a claim (state ``claimed``). Refusals are recorded in
        the history. An admitted upgrade (:mod:`mydia_tui.upgrades`) is claimed the same way,
        recording the file it replaces."""
        c = self._check(target, release)
        for rule in PRE_RULES:
            refusal = rule(c)
            if refusal:
                return self.record_refusal(target, release, refusal)
        assert target is not None
        info_hash = c.info_hash
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
                        # recorded in the same transaction: one commit, as for a claim
                        return self.record_refusal(target, release, refusal)
                download_id = self._insert_claim(target, release, info_hash, c.upgrade)
        except IntegrityError:
            # the database's own constraint caught a race the rules could not see
            # (PostgreSQL, or a writer that bypassed BEGIN IMMEDIATE): read again who holds it
            c.forget_facts()
            refusal = rule_not_in_flight(c) or Refusal(
                Reason.IN_FLIGHT, f"{target.label()} was claimed by another grab at the same moment"
            )
            return self.record_refusal(target, release, refusal)
        if c.upgrade is not None:
            message = f"claimed {target.label()}: an upgrade of {c.upgrade[1]} to {release.quality}"
        else:
            message = f"claimed {target.label()}"
        return Outcome(True, message=message, download_id=download_id)

    def _insert_claim(
        self,
        target: Target,
        release: GrabRequest,
        info_hash: str,
        upgrade: tuple[int, str] | None = None,
    ) -> int:
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
            upgrade_file=upgrade[0] if upgrade else None,
            upgrade_from=upgrade[1] if upgrade else "",
        )
        # one row per unit; an episode's also names the episode (the download's record of the
        # episodes it covers)
        units = target.units()
        run_sql(
            "INSERT INTO download_unit (download_id, unit, active_unit, episode_id) VALUES "
            + ", ".join(["(?, ?, ?, ?)"] * len(units)),
            [
                v
                for u in units
                for v in (download_id, u, u, int(u[2:]) if u.startswith("e:") else None)
            ],
        )
        return download_id

    def record_refusal(
        self, target: Target | None, release: GrabRequest, refusal: Refusal
    ) -> Outcome:
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
        release: GrabRequest,
        send: Callable[[], AddResult],
    ) -> Outcome:
        """Claim, then call ``send`` (the client's add) and record what it answered: the
        guard's half of :func:`mydia_tui.grabbing.grab_release`, which every grab goes through
        (call that; tests drive this one with a ``send`` of their own).

        ``send`` raising :class:`AmbiguousClientError` leaves the claim ``sending`` (the torrent
        may be in the client: reconciliation adopts it by info-hash or releases it later); any
        other exception ends the claim as ``failed`` with the reason, keeping the row. The
        states are moved by :mod:`mydia_tui.lifecycle`.
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
            note_unconfirmed(download_id, message)
            history.record(
                "error",
                f"sent {release.title} for {target.label()} but the client did not confirm: {message}",
                item=target.item_id,
                download=download_id,
            )
            return Outcome(True, message=message, download_id=download_id, pending=True)
        except Exception as exc:
            message = str(exc) or type(exc).__name__
            fail_send(download_id, message)
            history.record(
                "failed",
                f"could not add {release.title} for {target.label()}: {message}",
                item=target.item_id,
                download=download_id,
                reason=Reason.CLIENT_ERROR,
            )
            return Outcome(
                False, reason=Reason.CLIENT_ERROR, message=message, download_id=download_id
            )
        return self.record_added(target, release, download_id, result)

    def record_added(
        self, target: Target, release: GrabRequest, download_id: int, result: AddResult
    ) -> Outcome:
        """The client has the torrent: record it (adopted when it was already there), with
        what the client could not do (its ``warning``: a label Deluge refused), which the grab
        said nothing of before (a new user's report)."""
        changed = mark_added(download_id)
        event = "adopted" if result.already_present else "grabbed"
        verb = "adopted (already in the client)" if result.already_present else "grabbed"
        but = f"; {result.warning}" if result.warning else ""
        if changed:  # else another monitor's reconciliation recorded it first
            # the headless monitor's log names each grab (it only said what it searched for)
            log.info("%s %s for %s", verb, release.title, target.label())
            history.record(
                event,
                f"{verb} {release.title} for {target.label()}{but}",
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
            message=f"{verb} {release.title}{but}",
            warning=result.warning,
            download_id=download_id,
            adopted=result.already_present,
        )


# ---------------------------------------------------------------------------------------------
# The blocklist: releases never to grab again (the rule above reads it)


#: which of the three keys of a release a blocklist lookup compares: (info-hash, indexer and
#: guid, indexer and title and size)
BlocklistKeys = tuple[bool, bool, bool]


def _blocklist_key(
    info_hash: str | None, indexer: str, guid: str, title: str, size: int | None
) -> tuple[BlocklistKeys, list[Any]]:
    """Which keys a release has, and their values in the order :func:`_blocklist_where` asks
    for them. An entry refuses a release with the same info-hash; or, as Sonarr matches a
    release whose torrent it has not fetched, the same indexer and guid, or the same indexer,
    title and size in bytes."""
    keys = (bool(info_hash), bool(indexer and guid), bool(indexer and title and size))
    values: list[Any] = [normalize_info_hash(info_hash)] if info_hash else []
    if keys[1]:
        values += (indexer, guid)
    if keys[2]:
        values += (indexer, title, Blocklist.size.db_value(size))
    return keys, values


@lru_cache(maxsize=8)
def _blocklist_where(keys: BlocklistKeys) -> str:
    """The SQL condition of :func:`_blocklist_key`'s rule: the one test of "this entry refuses
    this release", for the guard's claim, a search's candidates, the merging of a second entry
    for one release and the removal of an entry ("FALSE" for a release with no key)."""
    match = [
        text
        for text, used in zip(
            (
                "info_hash = ?",
                "(indexer = ? AND guid = ?)",
                "(indexer = ? AND title = ? AND size = ?)",
            ),
            keys,
            strict=True,
        )
        if used
    ]
    return f"({' OR '.join(match)})" if match else "(1 = 0)"


def _entries_refusing(
    info_hash: str | None,
    indexer: str,
    guid: str,
    title: str,
    size: int | None,
    now: dt.datetime | None,
) -> list[tuple[int, str, str, str | None]]:
    """The blocklist entries that refuse this release (id, title, reason, info-hash), oldest
    first; only those not expired at ``now`` (naive UTC), or every one when ``now`` is None."""
    keys, values = _blocklist_key(info_hash, indexer, guid, title, size)
    if not any(keys):
        return []
    sql = f"SELECT id, title, reason, info_hash FROM blocklist WHERE {_blocklist_where(keys)}"
    if now is not None:
        sql += " AND (expires_at IS NULL OR expires_at > ?)"
        values.append(Blocklist.expires_at.db_value(now))
    return [tuple(row) for row in run_sql(sql + " ORDER BY id", values).fetchall()]


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
    """Put a release on the blocklist (``size`` in bytes, ``expires_at`` naive UTC or None for
    ever); returns its entry's id. A release an entry already refuses is not listed twice
    (a failed import blocklists it, then "blocklist and search again" did it again, and
    removing one of the two entries left the release refused): that entry's id is returned,
    with the info-hash filled in when it had none."""
    normal = normalize_info_hash(info_hash) if info_hash else None
    with write_transaction():
        existing = _entries_refusing(normal, indexer, guid, title, size, utcnow())
        if existing:
            entry_id, _title, _reason, known_hash = existing[0]
            if normal and not known_hash:
                Blocklist.update(info_hash=normal).where(Blocklist.id == entry_id).execute()
            return int(entry_id)
        return Blocklist.insert(
            info_hash=normal,
            title=title,
            indexer=indexer,
            guid=guid,
            size=size,
            reason=reason,
            item=item_id,
            expires_at=expires_at,
        ).execute()


def blocklist_refusals(releases: Iterable[Release]) -> list[Refusal | None]:
    """For each release (from a feed, its torrent perhaps not fetched yet), the refusal of the
    blocklist entry that refuses it, worded as the guard's, or None. For a search to list
    these as refused rather than offer them (a new user's report: a release just blocklisted
    was offered first, tried again by "blocklist and search again", and refused once more at
    every search). One query per release, none when the blocklist is empty."""
    releases = list(releases)
    if not releases or not Blocklist.select().exists():
        return [None] * len(releases)
    now = utcnow()
    out: list[Refusal | None] = []
    for r in releases:
        found = _entries_refusing(r.info_hash, r.indexer, r.guid, r.title, r.size, now)
        out.append(_blocklisted(found[0][1] or r.title, found[0][2]) if found else None)
    return out


def blocklist_download(d: Download, reason: str) -> int:
    """Blocklist the release of download ``d`` (its info-hash, title, indexer, guid, size and
    item), saying ``reason``: the guard refuses it from then on (``blocklisted``), so it is
    never grabbed again automatically. Returns the blocklist entry's id."""
    return blocklist(
        info_hash=d.info_hash,
        title=d.title,
        indexer=d.indexer,
        guid=d.guid,
        size=d.size or None,
        reason=reason,
        item_id=d.item_id,
    )


def download_blocklisted(d: Download) -> bool:
    """Whether an entry of the blocklist (not expired) refuses the release of download ``d``."""
    return bool(
        _entries_refusing(d.info_hash, d.indexer, d.guid, d.title, d.size or None, utcnow())
    )


# ---------------------------------------------------------------------------------------------
# The blocklist as the user sees and edits it (``mydia-tui blocklist``)


@dataclass(frozen=True)
class BlocklistEntry:
    """One blocklist row, for the faces: the release it refuses and why."""

    id: int
    #: 40 lowercase hex, or None for an entry keyed by indexer and guid or title only
    info_hash: str | None
    title: str
    indexer: str
    guid: str
    #: bytes, or None when unknown
    size: int | None
    reason: str
    item_id: int | None
    #: naive UTC
    added_at: dt.datetime
    expires_at: dt.datetime | None
    #: the item's title ("" for an entry without an item)
    item_title: str = ""


def blocklist_entries() -> list[BlocklistEntry]:
    """Every blocklist entry, newest first, with its item's title ("" when it has none)."""
    rows = (
        Blocklist.select(Blocklist, MediaItem.id, MediaItem.title)
        .join(MediaItem, JOIN.LEFT_OUTER, on=(Blocklist.item == MediaItem.id))
        .order_by(Blocklist.added_at.desc(), Blocklist.id.desc())
    )
    return [
        BlocklistEntry(
            r.id,
            r.info_hash,
            r.title,
            r.indexer,
            r.guid,
            r.size,
            r.reason,
            r.item_id,
            r.added_at,
            r.expires_at,
            r.item.title if r.item_id is not None else "",
        )
        for r in rows
    ]


def blocklist_info_hash(info_hash: str, reason: str = "added by the user") -> BlocklistEntry:
    """Put one info-hash (40 hex or 32 base32 characters) on the blocklist: the guard refuses
    it from then on. Raises :class:`~mydia_tui.torrent.BadTorrent` (a usage error) when it is
    not an info-hash. An info-hash already listed is not listed twice: its entry is returned."""
    normal = normalize_info_hash(info_hash)
    known = (
        Download.select(Download.title, Download.item)
        .where(Download.info_hash == normal)
        .order_by(Download.id.desc())
        .first()
    )
    # blocklist() returns the entry that already refuses this info-hash, when there is one
    entry_id = blocklist(
        info_hash=normal,
        title=known.title if known else "",
        reason=reason,
        item_id=known.item_id if known else None,
    )
    return next(e for e in blocklist_entries() if e.id == entry_id)


def unblock(entry_id: int) -> bool:
    """Remove blocklist entry ``entry_id``, and any other entry refusing the same release (a
    library may hold two from before they were merged): its release may be grabbed again.
    False when there is no such entry."""
    with write_transaction():
        entry = Blocklist.get_or_none(Blocklist.id == entry_id)
        if entry is None:
            return False
        same = _entries_refusing(
            entry.info_hash, entry.indexer, entry.guid, entry.title, entry.size, None
        )
        ids = {entry_id, *(row[0] for row in same)}
        return bool(Blocklist.delete().where(Blocklist.id.in_(ids)).execute())


def clear_blocklist(older_than_days: float | None = None, now: dt.datetime | None = None) -> int:
    """Remove every blocklist entry, or only those added more than ``older_than_days`` days
    before ``now`` (naive UTC, default now). Returns how many were removed."""
    query = Blocklist.delete()
    if older_than_days is not None:
        cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
        query = query.where(Blocklist.added_at < cutoff)
    return int(query.execute())
