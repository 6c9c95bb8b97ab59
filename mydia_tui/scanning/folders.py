"""What the last scan saw of each folder, so that a folder need not be listed again to know
that it holds no video the library has not scanned.

A scan records, for every folder it listed completely, the folder's modification time, the
moment it listed it, and how many things in it the library does not account for ("loose":
video files it could not match to a film or an episode, subfolders or files it could not
read). Adding, removing or renaming an entry changes its folder's modification time, so a
folder whose time is still the recorded one, and that had nothing loose, holds no video the
library does not know. The guard's "already on disk" rule relies on that: for a film or a
show whose folders are all unchanged since the scan it makes one ``stat`` per folder instead
of listing them; any doubt (no record, a changed or unreadable folder, something loose) and it
lists the folders as it always did.

"Racily clean" records (git's term) are not trusted: a folder changed less than
:data:`RACY_NS` before the scan listed it may have changed again within the same tick of the
file system's clock, which would leave its time unchanged.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ..db import run_sql
from ..models import FolderState, Meta, database


def root_present(root: str) -> bool:
    """Whether the library folder ``root`` exists and holds something. An unmounted disk's
    mount point is an empty folder (or none at all): the guard then still counts the files the
    library records there, and the importer writes nothing into it (a remount would hide it)."""
    try:
        with os.scandir(root) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def missing_folders(roots: Iterable[str]) -> list[str]:
    """The folders of ``roots`` that are not folders on this machine (never made, or on a
    disk not mounted), in their order: what a library folder in the configuration is
    checked with before it is trusted to exist (the settings screen's save, doctor)."""
    return [root for root in roots if not os.path.isdir(root)]


#: a record is trusted only if the folder was last changed at least this long before it was
#: listed (coarse file-system clocks; and network file systems whose clock is a little off)
RACY_NS = 2_000_000_000
#: rows per statement when recording
_CHUNK = 400


class Listed(NamedTuple):
    """One folder a walk listed completely."""

    #: relative to the root, without a trailing slash ("" for the root)
    path: str
    #: its modification time, read before listing it (-1 when it could not be read)
    mtime_ns: int
    #: wall-clock time just before listing it
    listed_ns: int


def top_of(rel: str) -> str:
    """The first component of a relative path: the film's or show's folder under the root."""
    return rel.partition("/")[0]


def parent_of(rel: str) -> str:
    return rel.rstrip("/").rpartition("/")[0]


def trusted(mtime_ns: int, listed_ns: int, loose: int) -> bool:
    return mtime_ns >= 0 and not loose and listed_ns - mtime_ns >= RACY_NS


def record_scan(
    root_id: int,
    listed: Iterable[Listed],
    *,
    unmatched: Iterable[str] = (),
    unreadable: Iterable[str] = (),
) -> int:
    """Record what one complete walk of a root saw (not a cancelled one): the folders it listed,
    with the relative paths of the video files it could not match and of what it could not read
    (folders or files: each makes its parent folder loose). Records of folders not listed this
    time are dropped, except under what could not be read. Writes only what changed; returns
    the number of records written or dropped."""
    listed = list(listed)
    loose: Counter[str] = Counter(parent_of(rel) for rel in unmatched)
    protected: list[str] = []
    for rel in unreadable:
        clean = rel.rstrip("/")
        if clean:
            loose[parent_of(clean)] += 1
            protected.append(clean + "/")
    # a walk that saw exactly what the last one saw, when that one left every record settled,
    # has nothing to write: a digest of the listing, kept with the records, says so without
    # reading them back (a large library's re-scan would otherwise spend a tenth of its time here)
    key = f"folder_states:{root_id}"
    seal = _seal(listed, loose)
    kept = run_sql("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if kept is not None and kept[0] == seal:
        count = run_sql(
            "SELECT count(*) FROM folder_state WHERE root_id = ?", (root_id,)
        ).fetchone()[0]
        if count == len(listed):  # and nobody removed records meanwhile
            return 0
    # path -> (mtime_ns, listed_ns, loose): what each record says
    recorded = {
        row[0]: row[1:]
        for row in run_sql(
            "SELECT path, mtime_ns, listed_ns, loose FROM folder_state WHERE root_id = ?",
            (root_id,),
        ).fetchall()
    }
    take = recorded.pop  # what is left in ``recorded`` was not listed this time
    changed = []
    for path, mtime_ns, listed_ns in listed:
        n = loose.get(path, 0) if loose else 0
        old = take(path, None)
        if (
            old is not None
            and old[0] == mtime_ns
            and old[2] == n
            and (trusted(*old) or not trusted(mtime_ns, listed_ns, n))
        ):
            continue  # the record still says the same (and is no less trusted)
        changed.append((root_id, top_of(path), path, mtime_ns, listed_ns, n))
    gone = [
        path for path in recorded if not (protected and (path + "/").startswith(tuple(protected)))
    ]
    # settled: no record that a later walk of the same folders could still make trusted
    settled = all(
        mtime_ns < 0 or listed_ns - mtime_ns >= RACY_NS for _, mtime_ns, listed_ns in listed
    )
    with database.atomic():
        # a new generation of the root's records: what readers keep of them is stale
        Meta.put(generation_key(root_id), str(time.time_ns()))
        if settled:
            Meta.put(key, seal)
        elif kept is not None:
            Meta.delete().where(Meta.key == key).execute()
        for start in range(0, len(changed), _CHUNK):
            rows = changed[start : start + _CHUNK]
            FolderState.insert_many(
                rows,
                fields=[
                    FolderState.root,
                    FolderState.top,
                    FolderState.path,
                    FolderState.mtime_ns,
                    FolderState.listed_ns,
                    FolderState.loose,
                ],
            ).on_conflict(
                conflict_target=[FolderState.root, FolderState.top, FolderState.path],
                preserve=[FolderState.mtime_ns, FolderState.listed_ns, FolderState.loose],
            ).execute()
        for start in range(0, len(gone), _CHUNK):
            FolderState.delete().where(
                (FolderState.root == root_id) & FolderState.path.in_(gone[start : start + _CHUNK])
            ).execute()
    return len(changed) + len(gone)


def generation_key(root_id: int) -> str:
    """The ``meta`` key whose value changes whenever a scan rewrites a root's records."""
    return f"folder_states_gen:{root_id}"


def _seal(listed: Sequence[tuple[str, int, int]], loose: Counter[str]) -> str:
    """A digest of what a walk saw that decides the records: each folder, its time, its loose
    count; and how many folders."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\n".join([f"{p}\t{m}" for p, m, _ in listed]).encode("utf-8", "replace"))
    digest.update(repr(sorted(loose.items())).encode("utf-8", "replace"))
    return f"{digest.hexdigest()}:{len(listed)}"


#: the root's path, and the records of every folder of one film's or show's folder
_STATES_UNDER = (
    "SELECT r.path, s.path, s.mtime_ns, s.listed_ns, s.loose FROM library_root r "
    "LEFT JOIN folder_state s ON s.root_id = r.id AND s.top = ? WHERE r.id = ?"
)


def unchanged_since_scan(root_id: int, folder: str) -> tuple[str | None, bool]:
    """``(root path, unchanged)``: the root's path (None if there is no such root) and whether
    ``folder`` (relative to it) and every folder under it are exactly as the last scan listed
    them, with nothing loose. One query and one ``stat`` per folder."""
    folder = folder.strip("/")
    rows = run_sql(_STATES_UNDER, (top_of(folder), root_id)).fetchall()
    if not rows:
        return None, False
    root = rows[0][0]
    if not any(path == folder for _, path, *_ in rows):
        return root, False  # never scanned
    prefix, under = (root if root.endswith("/") else root + "/"), folder + "/"
    return root, all_unchanged(
        (prefix + path, mtime_ns, listed_ns, loose)
        for _, path, mtime_ns, listed_ns, loose in rows
        if path == folder or path.startswith(under)
    )


def all_unchanged(states: Iterable[tuple[str, int, int, int]]) -> bool:
    """Every folder of ``(path, mtime_ns, listed_ns, loose)`` was trusted when listed and still
    has that modification time (one ``stat`` each)."""
    for path, mtime_ns, listed_ns, loose in states:
        if not trusted(mtime_ns, listed_ns, loose):
            return False
        try:
            if os.stat(path).st_mtime_ns != mtime_ns:
                return False
        except OSError:
            return False
    return True
