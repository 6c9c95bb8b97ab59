"""Which parts of a library root may hold a video of one item that the last scan did not see.

The guard's "already on disk" rule asks this before every grab. A scan maps a file to an item
by its folder's name first (``Sintel (2010)/`` holds Sintel's files, whatever they are called),
then by the file's own name (:class:`mydia_tui.scanning.match.LibraryIndex`). So a video the
scan would map to an item can only be in a folder directly under the root (a "top") whose name
names that item, in a top whose name names no item of the library (``Downloads/``,
``Big.Buck.Bunny.2008.1080p.BluRay-GRP/`` before the film was added), or loose in the root.

:func:`candidate_tops` gives those tops that changed since the last scan (a folder unchanged
since the scan holds nothing the scan did not record: :mod:`.folders`). What it reads about
the root is kept per process (:class:`_RootTops`) while the root's folder records, the root
folder itself and the library's items stay the same, so a grab costs one ``stat`` of the root,
two small queries and one ``stat`` per folder of the item's own tops: not one per folder of
the library.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from ..db import run_sql
from ..identity.titles import title_key, without_article
from ..identity.video import SYSTEM_DIRS
from . import names
from .folders import all_unchanged, generation_key
from .match import LibraryIndex

#: (path, mtime_ns, listed_ns, loose) of one recorded folder
State = tuple[str, int, int, int]


@dataclass
class _RootTops:
    """What a root's folder records say, indexed for one item's question."""

    version: tuple
    #: top -> the records of every folder under it
    states: dict[str, list[State]]
    #: probe words -> tops whose name gives that title (see :func:`_probes`)
    by_probe: dict[str, list[str]] = field(default_factory=dict)
    #: tops whose name names no item of the library (or cannot be read)
    orphans: list[str] = field(default_factory=list)
    #: the root's own records were trusted and unchanged when this was built
    root_states: list[State] = field(default_factory=list)


_CACHE: dict[int, _RootTops] = {}
_LOCK = threading.Lock()


def _probes(title: str) -> set[str]:
    words = title_key(title).words
    return {w for w in (words, without_article(words)) if w}


def _version(root_id: int, root: str) -> tuple:
    """Changes when a scan rewrites the root's records, when the root's folder changes (an
    entry added, removed or renamed), or when an item is added. (An item removed or renamed in
    place is not seen until the next scan or the next item added: a folder still named for it
    is taken for its; the asking item's own folder and the tops named for it are always
    looked at.)"""
    records = run_sql("SELECT value FROM meta WHERE key = ?", (generation_key(root_id),)).fetchone()
    items = run_sql("SELECT max(id) FROM media_item").fetchone()
    try:
        root_mtime = os.stat(root).st_mtime_ns
    except OSError:
        root_mtime = -1
    return (records[0] if records else None, tuple(items), root_mtime)


def _build(root_id: int, root: str, kind: str, version: tuple) -> _RootTops:
    rows = run_sql(
        "SELECT top, path, mtime_ns, listed_ns, loose FROM folder_state WHERE root_id = ?",
        (root_id,),
    ).fetchall()
    prefix = root if root.endswith("/") else root + "/"
    states: dict[str, list[State]] = {}
    for top, path, mtime_ns, listed_ns, loose in rows:
        states.setdefault(top, []).append((prefix + path, mtime_ns, listed_ns, loose))
    root_states = [s for s in states.pop("", ()) if s[0] == prefix]
    built = _RootTops(version, states, root_states=root_states)
    index = LibraryIndex()
    index.load_items()
    item_kind = "movie" if kind == "movies" else "show"
    for top in states:
        info = names.parse_folder(top)
        for probe in _probes(info.title) if info.title else ():
            built.by_probe.setdefault(probe, []).append(top)
        found = index.by_ids(item_kind, info.ids) if info.ids else None
        if found is None and info.title:
            found, _ = index.by_title(item_kind, info.title, info.year, info.ids)
        if found is None:
            built.orphans.append(top)
    return built


def _root_tops(root_id: int, root: str, kind: str) -> _RootTops:
    version = _version(root_id, root)
    with _LOCK:
        cached = _CACHE.get(root_id)
    if cached is not None and cached.version == version:
        return cached
    built = _build(root_id, root, kind, version)
    with _LOCK:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[root_id] = built
    return built


def candidate_tops(
    root_id: int, root: str, kind: str, title: str, folder: str | None = None
) -> list[str]:
    """The entries directly under ``root`` (a library root of ``kind``, "movies" or "shows")
    that may hold a video of the item titled ``title`` (whose own folder is ``folder``) which
    the last scan did not record: the item's own folder, tops whose name gives the item's
    title, and tops whose name names no item, each only when it changed since the scan (or
    was never scanned); and the root's loose files when the root changed. Hidden entries and
    system folders are left out; an unreadable root gives nothing."""
    tops = _root_tops(root_id, root, kind)
    wanted = {t for probe in _probes(title) for t in tops.by_probe.get(probe, ())}
    wanted.update(tops.orphans)
    if folder:
        wanted.add(folder.strip("/").partition("/")[0])
    out = [t for t in wanted if t not in tops.states or not all_unchanged(tops.states[t])]
    if tops.root_states and all_unchanged(tops.root_states):
        return out  # the same entries as the scan saw: no new top, no new loose file
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name.lower() in SYSTEM_DIRS or name in out:
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir or name not in tops.states:
                    out.append(name)  # a loose file, or a folder the scan never saw
    except OSError:
        return out
    return out
