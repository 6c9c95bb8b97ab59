"""The library scan: walk each configured folder, record new and changed video files against
the films and episodes they belong to, and forget files that are gone, unless that looks like
an accident.

Incremental: the recorded files of a root are read in one query *before* the walk; a file
whose path, size and modification time are unchanged is not parsed again. Writes go in
batches, each batch one transaction.

Safety brakes (an unmounted disk must not set off mass re-downloads): nothing is removed from
a root that is missing or unreadable, that turned up no files at all, or of whose recorded
files more than ``[library] vanish_threshold`` vanished at once. A warning says so, and
``allow_mass_removal`` (``scan --allow-mass-removal``) lifts the last two brakes. Records under a
folder that could not be read are never removed, and a record is only removed when its file
really is not there any more.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import JOIN

from ..config import Config
from ..db import bulk_insert, write_transaction
from ..events import EventSink, LibraryChanged, ScanProgress, ignore
from ..history import record, record_many
from ..models import Episode, FileEpisode, LibraryRoot, MediaFile, database, utcnow
from ..upgrades import container_quality
from . import folders, names
from .match import LibraryIndex, Match
from .walk import Walk

#: rows per INSERT statement, and files per write transaction
INSERT_CHUNK = 500
WRITE_BATCH = 5000
#: a progress event every this many files
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ScanIssue:
    root: str
    #: relative to the root ("" for the root itself)
    path: str
    #: root_missing | root_unreadable | root_empty | too_many_vanished | unreadable |
    #: broken_link | symlink_loop | non_utf8_name | vanished_during_scan | cancelled
    code: str
    message: str


@dataclass(frozen=True)
class UnmatchedFile:
    root: str
    path: str
    reason: str


@dataclass(frozen=True)
class RootSummary:
    path: str
    kind: str
    #: ok | missing | unreadable | held_back (removals withheld) | cancelled
    status: str
    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    #: vanished files whose records were kept because a safety brake held
    held_back: int = 0
    unmatched: int = 0
    skipped: int = 0
    parsed: int = 0


@dataclass(frozen=True)
class ScanReport:
    roots: tuple[RootSummary, ...] = ()
    unmatched: tuple[UnmatchedFile, ...] = ()
    warnings: tuple[ScanIssue, ...] = ()
    errors: tuple[ScanIssue, ...] = ()
    duration: float = 0.0
    changed_item_ids: tuple[int, ...] = field(default=(), compare=False)

    def _sum(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.roots)

    @property
    def files_seen(self) -> int:
        return self._sum("files_seen")

    @property
    def added(self) -> int:
        return self._sum("added")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def removed(self) -> int:
        return self._sum("removed")

    @property
    def held_back(self) -> int:
        return self._sum("held_back")

    @property
    def parsed(self) -> int:
        return self._sum("parsed")

    @property
    def clean(self) -> bool:
        """Every root scanned completely, nothing withheld, nothing unreadable."""
        return not self.errors and all(r.status == "ok" for r in self.roots)


def scan_library(
    config: Config,
    *,
    on_event: EventSink = ignore,
    allow_mass_removal: bool = False,
    should_stop: Callable[[], bool] | None = None,
    kinds: tuple[str, ...] = ("movies", "shows"),
    scandir: Callable[[str], object] = os.scandir,
) -> ScanReport:
    """Scan every configured library folder (see the module's doc). The database must be open.
    ``on_event`` gets :class:`ScanProgress` while walking and one :class:`LibraryChanged` at the
    end (``files_total`` is the number of files recorded for the root, or None when none is:
    a guess at how many there are). ``should_stop`` is polled before each folder and every 256
    files, to cancel (a cancelled root removes nothing and reports status "cancelled")."""
    started = time.monotonic()
    index = LibraryIndex()
    summaries: list[RootSummary] = []
    unmatched: list[UnmatchedFile] = []
    warnings: list[ScanIssue] = []
    errors: list[ScanIssue] = []
    changed: set[int] = set()
    threshold = config.library.vanish_threshold
    for kind in kinds:
        for path in getattr(config.library, kind):
            if should_stop is not None and should_stop():
                break
            root = _root_row(path, kind)
            scan = _RootScan(
                root, kind, index, threshold, allow_mass_removal, on_event, should_stop, scandir
            )
            summaries.append(scan.run())
            unmatched.extend(scan.unmatched)
            warnings.extend(scan.warnings)
            errors.extend(scan.errors)
            changed |= scan.changed_items
    report = ScanReport(
        roots=tuple(summaries),
        unmatched=tuple(unmatched),
        warnings=tuple(warnings),
        errors=tuple(errors),
        duration=time.monotonic() - started,
        changed_item_ids=tuple(sorted(changed)),
    )
    if changed:
        on_event(LibraryChanged(item_ids=report.changed_item_ids))
    return report


def _root_row(path: str, kind: str) -> LibraryRoot:
    LibraryRoot.insert(path=path, kind=kind).on_conflict_ignore().execute()
    return LibraryRoot.get(LibraryRoot.path == path)


class _RootScan:
    def __init__(
        self,
        root: LibraryRoot,
        kind: str,
        index: LibraryIndex,
        threshold: float,
        allow_mass_removal: bool,
        on_event: EventSink,
        should_stop: Callable[[], bool] | None,
        scandir: Callable[[str], object],
    ) -> None:
        self.root = root
        self.kind = kind
        self.index = index
        self.threshold = threshold
        self.allow_mass_removal = allow_mass_removal
        self.on_event = on_event
        self.should_stop = should_stop
        self.scandir = scandir
        self.unmatched: list[UnmatchedFile] = []
        self.warnings: list[ScanIssue] = []
        self.errors: list[ScanIssue] = []
        self.changed_items: set[int] = set()

    def _warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(ScanIssue(self.root.path, path, code, message))

    def _error(self, path: str, code: str, message: str) -> None:
        self.errors.append(ScanIssue(self.root.path, path, code, message))

    def run(self) -> RootSummary:
        path = self.root.path
        if not os.path.isdir(path):
            what = "is not a folder" if os.path.exists(path) else "is missing"
            self._warn(
                "",
                "root_missing",
                f"library folder {path} {what} (not mounted?): nothing was scanned or removed",
            )
            return RootSummary(path, self.kind, "missing")
        try:
            probe = self.scandir(path)
            probe.close()  # type: ignore[attr-defined]
        except OSError as exc:
            self._error(
                "",
                "root_unreadable",
                f"cannot read library folder {path}: {exc.strerror or exc}; nothing was removed",
            )
            return RootSummary(path, self.kind, "unreadable")

        # what is recorded, read BEFORE walking: a file imported while we walk is not ours
        # (raw rows: converting 50,000 rows through the model costs more than the walk)
        query = MediaFile.select(
            MediaFile.path,
            MediaFile.id,
            MediaFile.size,
            MediaFile.mtime,
            MediaFile.missing_since.is_null(False),
        ).where(MediaFile.root == self.root.id)
        known: dict[str, tuple[int, int, float, bool]] = {
            row[0]: row[1:] for row in database.execute(query).fetchall()
        }
        walk = Walk(path, scandir=self.scandir, should_stop=self.should_stop)
        known_count = len(known)
        new: list[tuple[str, int, float]] = []
        changed: list[tuple[int, str, int, float]] = []
        unchanged = files_seen = 0
        total = known_count or None
        self.on_event(ScanProgress(path, 0, total))  # the scan of this root has begun
        pop = known.pop
        for rel, size, mtime, video in walk.files():
            entry = pop(rel, None)  # what stays in ``known`` was not seen
            if entry is None:
                if video:
                    files_seen += 1
                    new.append((rel, size, mtime))
                else:
                    continue
            else:
                files_seen += 1
                if entry[1] == size and entry[2] == mtime and not entry[3]:
                    unchanged += 1
                else:
                    changed.append((entry[0], rel, size, mtime))
            if files_seen % PROGRESS_EVERY == 0:
                self.on_event(ScanProgress(path, files_seen, total))
        for issue in walk.issues:
            (self._error if issue.error else self._warn)(issue.path, issue.code, issue.message)

        added, updated, parsed = self._write_new_and_changed(new, changed)

        # what vanished
        status = "ok"
        removed = held_back = 0
        protected = tuple(walk.failed_dirs)
        vanished = [
            (rel, entry[0])
            for rel, entry in known.items()
            if not (protected and rel.startswith(protected))
            and not os.path.lexists(os.path.join(path, rel))
        ]
        if not walk.stopped:
            folders.record_scan(
                self.root.id,
                walk.listed,
                unmatched=[u.path for u in self.unmatched],
                unreadable=walk.failed_dirs,
            )
        if walk.stopped:
            status = "cancelled"
            self._warn("", "cancelled", "the scan was cancelled: nothing was removed")
            held_back = len(vanished)
        elif vanished:
            share = len(vanished) / known_count
            if files_seen == 0 and not self.allow_mass_removal:
                status, held_back = "held_back", len(vanished)
                self._warn(
                    "",
                    "root_empty",
                    f"library folder {path} has no video files but {known_count} are recorded "
                    "(an empty mount?): nothing was removed; if they are really gone, run "
                    "'mydia-tui scan --allow-mass-removal'",
                )
            elif share > self.threshold and not self.allow_mass_removal:
                status, held_back = "held_back", len(vanished)
                self._warn(
                    "",
                    "too_many_vanished",
                    f"{len(vanished)} of {known_count} recorded files ({share:.0%}) vanished from "
                    f"{path} at once, more than vanish_threshold ({self.threshold:.0%}): nothing "
                    "was removed; if they are really gone, run "
                    "'mydia-tui scan --allow-mass-removal'",
                )
            else:
                removed = self._remove([file_id for _, file_id in vanished])
        self.on_event(ScanProgress(path, files_seen, files_seen, done=True))
        return RootSummary(
            path=path,
            kind=self.kind,
            status=status,
            files_seen=files_seen,
            added=added,
            updated=updated,
            unchanged=unchanged,
            removed=removed,
            held_back=held_back,
            unmatched=len(self.unmatched),
            skipped=walk.skipped,
            parsed=parsed,
        )

    # -- writing ---------------------------------------------------------------------------------

    def _write_new_and_changed(
        self, new: list[tuple[str, int, float]], changed: list[tuple[int, str, int, float]]
    ) -> tuple[int, int, int]:
        added = updated = parsed = 0
        for start in range(0, len(new), WRITE_BATCH):
            batch = new[start : start + WRITE_BATCH]
            matches = []
            for rel, size, mtime in batch:
                match = self.index.match(self.kind, rel)
                parsed += 1
                if match.ok:
                    matches.append((rel, size, mtime, match))
                else:
                    self.unmatched.append(UnmatchedFile(self.root.path, rel, match.reason))
            added += self._insert(matches)
        for start in range(0, len(changed), WRITE_BATCH):
            changes = changed[start : start + WRITE_BATCH]
            with database.atomic():
                for file_id, rel, size, mtime in changes:
                    match = self.index.match(self.kind, rel)
                    parsed += 1
                    values: dict = {
                        "size": size,
                        "mtime": mtime,
                        "missing_since": None,
                        "quality": self._quality(rel),
                    }
                    if match.ok:
                        self._set_owner(file_id, match, values)
                    MediaFile.update(**values).where(MediaFile.id == file_id).execute()
                    updated += 1
        return added, updated, parsed

    def _quality(self, rel: str) -> str:
        """The file's quality: from its name or its folder's, else from its container's
        resolution (:func:`mydia_tui.upgrades.container_quality`); "" when neither tells."""
        parts = rel.rsplit("/", 2)
        quality = names.quality_from_names(*reversed(parts[-2:]))
        if quality:
            return quality
        quality = container_quality(os.path.join(self.root.path, rel))
        return "" if quality == "Unknown" else quality

    def _insert(self, matches: list[tuple[str, int, float, Match]]) -> int:
        if not matches:
            return 0
        now = utcnow()
        fields = [
            MediaFile.movie,
            MediaFile.episode,
            MediaFile.root,
            MediaFile.path,
            MediaFile.size,
            MediaFile.mtime,
            MediaFile.quality,
            MediaFile.added_at,
        ]
        rows = [
            (
                m.movie_id,
                m.episode_ids[0] if m.movie_id is None else None,
                self.root.id,
                rel,
                size,
                mtime,
                self._quality(rel),
                now,
            )
            for rel, size, mtime, m in matches
        ]
        by_path = {rel: m for rel, _, _, m in matches}
        with database.atomic():
            bulk_insert(MediaFile, fields, rows, ignore_conflicts=True)
            # the new rows' ids, to link episodes and write history
            ids: dict[str, int] = {}
            paths = list(by_path)
            for start in range(0, len(paths), INSERT_CHUNK):
                chunk = paths[start : start + INSERT_CHUNK]
                query = MediaFile.select(MediaFile.id, MediaFile.path).where(
                    (MediaFile.root == self.root.id) & MediaFile.path.in_(chunk)
                )
                for file_id, rel in database.execute(query).fetchall():
                    ids[rel] = file_id
            links = [
                (ids[rel], episode_id)
                for rel, m in by_path.items()
                if rel in ids
                for episode_id in m.episode_ids
            ]
            bulk_insert(
                FileEpisode, [FileEpisode.file, FileEpisode.episode], links, ignore_conflicts=True
            )
            self._history_added(by_path, ids)
        return len(ids)

    def _history_added(self, by_path: dict[str, Match], ids: dict[str, int]) -> None:
        events = []
        per_show: dict[int, list[str]] = defaultdict(list)
        for rel, m in by_path.items():
            if rel not in ids:
                continue
            if m.movie_id is not None:
                events.append(
                    {
                        "event": "file_added",
                        "message": f"scan found {rel}",
                        "item": m.movie_id,
                        "data": {"root": self.root.path, "path": rel},
                    }
                )
                self.changed_items.add(m.movie_id)
            elif m.show_id is not None:
                per_show[m.show_id].append(rel)
        for show_id, paths in per_show.items():
            shown = paths[0] if len(paths) == 1 else f"{len(paths)} files"
            events.append(
                {
                    "event": "file_added",
                    "message": f"scan found {shown}",
                    "item": show_id,
                    "data": {"root": self.root.path, "files": len(paths), "paths": paths[:20]},
                }
            )
            self.changed_items.add(show_id)
        record_many(events)

    def _set_owner(self, file_id: int, match: Match, values: dict) -> None:
        if match.movie_id is not None:
            values.update(movie=match.movie_id, episode=None)
        else:
            values.update(movie=None, episode=match.episode_ids[0])
        FileEpisode.delete().where(
            (FileEpisode.file == file_id) & FileEpisode.episode.not_in(list(match.episode_ids))
        ).execute()
        if match.episode_ids:
            FileEpisode.insert_many(
                [{"file": file_id, "episode": e} for e in match.episode_ids]
            ).on_conflict_ignore().execute()
        if match.item_id is not None:
            self.changed_items.add(match.item_id)

    def _remove(self, file_ids: list[int]) -> int:
        removed = 0
        for start in range(0, len(file_ids), WRITE_BATCH):
            chunk = file_ids[start : start + WRITE_BATCH]
            with write_transaction():  # reads, then writes: the write lock first (see below)
                rows = list(
                    MediaFile.select(
                        MediaFile.id,
                        MediaFile.path,
                        MediaFile.movie,
                        MediaFile.episode,
                        Episode.show,
                    )
                    .join(Episode, JOIN.LEFT_OUTER, on=(MediaFile.episode == Episode.id))
                    .where(MediaFile.id.in_(chunk))
                    .tuples()
                )
                links: dict[int, list[int]] = defaultdict(list)
                for file_id, episode_id in (
                    FileEpisode.select(FileEpisode.file, FileEpisode.episode)
                    .where(FileEpisode.file.in_(chunk))
                    .tuples()
                ):
                    links[file_id].append(episode_id)
                for file_id, rel, movie_id, episode_id, show_id in rows:
                    item_id = movie_id if movie_id is not None else show_id
                    record(
                        "file_deleted",
                        f"{rel} is gone from {self.root.path}",
                        item=item_id,
                        episode=episode_id,
                        data={
                            "root": self.root.path,
                            "path": rel,
                            "episodes": links.get(file_id, []),
                        },
                    )
                    if item_id is not None:
                        self.changed_items.add(item_id)
                removed += MediaFile.delete().where(MediaFile.id.in_(chunk)).execute()
        return removed


def link_new_episodes(show_id: int) -> int:
    """Link the files of a show to episodes that were not in the library when the files were
    recorded: a refresh that adds S02E02 makes the recorded ``S02E01E02`` file cover it, so
    that it is not wanted (and downloaded) again. Returns the number of links added."""
    from ..models import LibraryRoot

    index = LibraryIndex()
    query = (
        MediaFile.select(MediaFile.id, MediaFile.path)
        .join(Episode, on=(MediaFile.episode == Episode.id))
        .switch(MediaFile)
        .join(LibraryRoot)
        .where((Episode.show == show_id) & (LibraryRoot.kind == "shows"))
    )
    links: list[tuple[int, int]] = []
    for file_id, rel in database.execute(query).fetchall():
        match = index.match("shows", rel)
        if match.ok and match.show_id == show_id:
            links.extend((file_id, episode_id) for episode_id in match.episode_ids)
    if not links:
        return 0
    # the write lock first: a read then a write in a deferred transaction fails at once on
    # SQLite when another process wrote in between ("database is locked", no busy wait)
    with write_transaction():
        before = FileEpisode.select().where(FileEpisode.file.in_([f for f, _ in links])).count()
        bulk_insert(
            FileEpisode, [FileEpisode.file, FileEpisode.episode], links, ignore_conflicts=True
        )
        after = FileEpisode.select().where(FileEpisode.file.in_([f for f, _ in links])).count()
    return after - before
