"""Walking one library folder: ``os.scandir`` with one ``stat`` per file, never fatal.

Unreadable folders, broken links, symlink loops, non-UTF-8 names and files that vanish while
we look are reported as :class:`WalkIssue` and walking goes on. Folders that could not be read
are remembered (:attr:`Walk.failed_dirs`): the files recorded under them were not looked at,
so they must not be taken for vanished.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..identity.video import EXTRAS_DIRS, SYSTEM_DIRS, VIDEO_EXTENSIONS, is_extra_stem
from .folders import Listed


@dataclass(frozen=True)
class WalkIssue:
    #: unreadable | broken_link | symlink_loop | non_utf8_name | vanished_during_scan
    code: str
    #: the path relative to the root (displayable form)
    path: str
    message: str
    #: errors could not be read; the others are warnings
    error: bool = False


def display_name(name: str) -> tuple[str, bool]:
    """A name as it can be stored and shown; True when it was not valid UTF-8 (its bad bytes
    appear as ``\\xNN``)."""
    if name.isascii():
        return name, False
    try:
        name.encode("utf-8")
        return name, False
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace"), True


@dataclass
class Walk:
    """One walk of one root. Iterate :meth:`files` for ``(relative_path, size, mtime,
    is_video)``; non-video files are listed too (so that a recorded file of an odd kind is not
    taken for vanished), but only videos are ever added."""

    root: str
    scandir: Callable[[str], object] = os.scandir
    should_stop: Callable[[], bool] | None = None
    issues: list[WalkIssue] = field(default_factory=list)
    #: relative folder prefixes ("Show/Season 01/") whose content could not be listed
    failed_dirs: list[str] = field(default_factory=list)
    #: every folder listed completely, with its modification time (see :mod:`.folders`)
    listed: list[Listed] = field(default_factory=list)
    skipped: int = 0
    stopped: bool = False

    def _issue(self, code: str, path: str, message: str, error: bool = False) -> None:
        self.issues.append(WalkIssue(code, path, message, error))

    def files(self) -> Iterator[tuple[str, int, float, bool]]:
        try:
            root_stat = os.stat(self.root)
        except OSError as exc:  # gone since the caller looked
            self._unreadable("", exc)
            return
        root_dev = root_stat.st_dev
        visited = {(root_dev, root_stat.st_ino)}
        # (relative prefix with trailing "/", real path, depth, modification time or -1)
        stack: list[tuple[str, str, int, int]] = [("", self.root, 0, root_stat.st_mtime_ns)]
        # symlinked folders: after the real ones
        deferred: list[tuple[str, str, int, int]] = []
        listed = self.listed
        count = 0
        should_stop = self.should_stop
        scandir = self.scandir
        while stack or deferred:
            if not stack:
                rel, path, depth, mtime_ns = deferred.pop()
                try:
                    st = os.stat(path)
                except OSError as exc:
                    self._issue("broken_link", rel, f"cannot follow link: {exc.strerror or exc}")
                    continue
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    self._issue(
                        "symlink_loop",
                        rel,
                        "link to a folder already scanned (a loop or a second path): skipped",
                    )
                    self.failed_dirs.append(rel)  # not looked at: keep what is recorded there
                    continue
                visited.add(key)
                mtime_ns = st.st_mtime_ns
            else:
                rel, path, depth, mtime_ns = stack.pop()
            if should_stop is not None and should_stop():  # between folders: a cancel is quick
                self.stopped = True
                return
            listed_ns = time.time_ns()
            try:
                it = scandir(path)
            except OSError as exc:
                self._unreadable(rel, exc)
                continue
            try:
                with it:  # type: ignore[attr-defined]
                    for entry in it:  # type: ignore[attr-defined]
                        name = entry.name
                        if name[0] == ".":
                            continue
                        if name.isascii():
                            shown, bad = name, False
                        else:
                            shown, bad = display_name(name)
                        if bad:
                            self._issue(
                                "non_utf8_name",
                                rel + shown,
                                "the name is not valid UTF-8: stored as shown; renaming it "
                                "to UTF-8 is safer",
                            )
                        try:
                            is_dir = entry.is_dir()
                        except OSError:
                            is_dir = False
                        if is_dir:
                            lower = name.lower()
                            if lower in SYSTEM_DIRS or (depth >= 1 and lower in EXTRAS_DIRS):
                                self.skipped += 1
                                continue
                            if entry.is_symlink():
                                deferred.append((rel + shown + "/", entry.path, depth + 1, -1))
                                continue
                            try:  # read before it is listed (lstat, once per folder)
                                child_mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                            except OSError:
                                child_mtime = -1
                            # a real folder cannot close a loop (no hard links to folders):
                            # its inode number, free from scandir, is recorded only so that
                            # a link back to it is recognised
                            visited.add((root_dev, entry.inode()))
                            stack.append((rel + shown + "/", entry.path, depth + 1, child_mtime))
                            continue
                        try:
                            is_file = entry.is_file()
                        except OSError:
                            is_file = False
                        if not is_file:
                            if entry.is_symlink():
                                self._issue(
                                    "broken_link",
                                    rel + shown,
                                    "link to nothing (or to a loop of links): skipped",
                                    error=True,
                                )
                            continue
                        stem, dot, ext = name.rpartition(".")
                        video = ext.lower() in VIDEO_EXTENSIONS and bool(dot and stem)
                        if video and is_extra_stem(stem):
                            self.skipped += 1
                            video = False
                        try:
                            st = entry.stat()
                        except FileNotFoundError:
                            self._issue(
                                "vanished_during_scan",
                                rel + shown,
                                "the file vanished while scanned",
                            )
                            continue
                        except OSError as exc:
                            self._issue(
                                "unreadable",
                                rel + shown,
                                f"cannot read the file's size and date: {exc.strerror or exc}",
                                error=True,
                            )
                            self.failed_dirs.append(rel + shown)
                            continue
                        if should_stop is not None:
                            count += 1
                            if count % 256 == 0 and should_stop():
                                self.stopped = True
                                return
                        yield rel + shown, st.st_size, st.st_mtime, video
                listed.append(Listed(rel[:-1], mtime_ns, listed_ns))
            except OSError as exc:  # reading the folder's entries failed half-way
                self._unreadable(rel, exc)

    def _unreadable(self, rel: str, exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError) and rel:
            self._issue("vanished_during_scan", rel, "the folder vanished while scanned")
        else:
            self._issue(
                "unreadable",
                rel or ".",
                f"cannot read the folder: {exc.strerror or exc}",
                error=True,
            )
        self.failed_dirs.append(rel)
