"""Import: file a completed download's video files into the library.

* A film gets its main video file (the largest that is not a sample); a pack or multi-episode
  release gets one file per covered episode, by the season and episode numbers in the file name;
  covered episodes without a file are reported.
* Layout: ``Title (Year)/Title (Year) [quality].ext`` and
  ``Show/Season 01/Show - S01E02 - Episode title [quality].ext``.
* Hardlink when on the same file system, else copy to a temporary name and rename. The copy
  Deluge seeds is never moved or altered.
* A path that would leave the download folder or the library root (``..``, absolute paths,
  links) is refused. Nothing is overwritten: a file of the same size is reused, otherwise both
  are kept.
* A failed import is retried with back-off, then marked ``import_failed`` (the user can retry);
  until then the download keeps its target.
* An import records who runs it (``import_by``, "host:pid") and since when. One whose importer
  is gone is given back to be imported again (:func:`recover_import`, on every poll and by
  ``retry-import``): at once when its process, on this host, has ended; after
  :data:`STUCK_IMPORT_AFTER` seconds when its process is another host's (which cannot be
  checked from here) or still runs (it is taken for stuck). An importer that was taken over
  records nothing when it finishes late: the import that took over owns the download. Placing a
  file twice is harmless (a complete file of the same size is reused, a copy is renamed into
  place only once complete), so the worst a late importer leaves is nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import logging
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import history, upgrades
from ..config import Config
from ..db import write_transaction
from ..deluge import DelugeClient, DelugeTorrentNotFound, TorrentFiles
from ..guard import blocklist_download
from ..identity.episodes import (
    EpisodeNumbers,
    episode_in_season_folder,
    episodes_named,
    read_episodes,
)
from ..identity.video import (
    SUBTITLE_EXTENSIONS,
    in_extras_folder,
    is_archive,
    is_video,
    video_extension,
)
from ..library import episode_refs, first_root, movie_folder, safe_name
from ..lifecycle import (
    fail_import,
    give_back_import,
    give_up_import,
    mark_imported,
    note_import_waiting,
    reject_upgrade,
    retry_failed_import,
    retry_import_later,
    start_import,
)
from ..models import (
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    LibraryRoot,
    MediaFile,
    MediaItem,
    utcnow,
)
from ..naming import render
from ..processes import process_alive, this_process
from ..profiles import item_profile
from ..refusals import Reason
from ..releases.parse import read_tags
from ..releases.quality import FileQuality, better
from ..scanning.folders import root_present
from ..targets import EpisodeRef
from ..units import counted

log = logging.getLogger(__name__)

IMPORT_BACKOFF_BASE = 30.0
#: seconds after which an import whose importer may still run (another host's, or a live
#: process of this one) is taken for stuck and done again: generous, since a season pack copied
#: across file systems to a slow disk takes long; the Deluge calls of an import time out sooner
STUCK_IMPORT_AFTER = 6 * 3600.0


class ImportError_(Exception):
    """An import that cannot be done now (retried), with a message for a person."""


class Unimportable(ImportError_):
    """A payload that no retry can import (archives only, no video, only samples or extras):
    the download ends failed, its release blocklisted, its target wanted again."""


class _TakenOver(Exception):
    """This import was given to another importer meanwhile (see :func:`recover_import`)."""


@dataclass
class ImportResult:
    ok: bool
    message: str
    files: list[str] = field(default_factory=list)
    missing_episodes: list[str] = field(default_factory=list)


def safe_relative(relative: str) -> PurePosixPath:
    """A torrent's file path, refused if it is absolute or climbs out with ``..``."""
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or not path.parts or any(p in ("..", "") for p in path.parts):
        raise ImportError_(f"refusing a file path that leaves the download folder: {relative!r}")
    return path


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve(strict=False).relative_to(parent.resolve(strict=False))
    except ValueError:
        return False
    return True


def source_file(save_path: str, relative: str) -> Path:
    rel = safe_relative(relative)
    base = Path(save_path)
    path = base.joinpath(*rel.parts)
    # no link anywhere between the download folder and the file
    current = base
    for part in rel.parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                raise ImportError_(f"refusing a link in the download: {current}")
        except FileNotFoundError:
            raise ImportError_(f"the downloaded file is missing: {path}") from None
    if not _inside(path, base):
        raise ImportError_(f"refusing a file outside the download folder: {path}")
    return path


def recorded_files(d: Download) -> TorrentFiles | None:
    """The files recorded for ``d`` by the poll (``download.content``), under the save path the
    poll last saw (``d.save_path``, this machine's), or None when none were recorded."""
    files = TorrentFiles.from_json(d.info_hash, d.content or "")
    if files is None or not files.files:
        return None
    if d.save_path:
        files = dataclasses.replace(files, save_path=d.save_path)
    return files


def left_behind(d: Download) -> TorrentFiles | None:
    """The recorded files of ``d`` when every one is on disk where Deluge put them, whole (the
    size Deluge reported), else None (nothing recorded, or the data was removed or never
    finished)."""
    files = recorded_files(d)
    if files is None:
        return None
    for relative, size in files.files:
        try:
            if source_file(files.save_path, relative).stat().st_size != size:
                return None
        except (ImportError_, OSError):
            return None
    return files


def _name(relative: str) -> str:
    return PurePosixPath(relative.replace("\\", "/")).name


def main_video(relative: str) -> bool:
    """A file of a download (its path inside the save path) that may be the film's or an
    episode's video: a video (:func:`~mydia_tui.identity.video.is_video`: not a sample, trailer
    or other extra by its name) outside extras folders (``Sample/``, ``Featurettes/``, ...)."""
    return is_video(_name(relative)) and not in_extras_folder(relative)


def unimportable_reason(files: TorrentFiles) -> str:
    """Why a download without a main video (:func:`main_video`) can never be imported, for a
    person: archives only (extraction is not supported), only samples or extras, no video."""
    names = [_name(relative) for relative, _size in files.files]
    archives = sorted({n.rpartition(".")[2].lower() for n in names if is_archive(n)})
    if archives:
        shown = ", ".join(f".{a}" for a in archives[:4]) + (", ..." if len(archives) > 4 else "")
        return f"it holds archives ({shown}) and no video: mydia-tui does not extract archives"
    if any(video_extension(n) for n in names):
        return "its only videos are samples or extras"
    return "it holds no video file"


def side_files(files: TorrentFiles, video: str) -> list[tuple[str, str]]:
    """The subtitles that go with the video ``video`` (a path inside the download): files of
    :data:`~mydia_tui.identity.video.SUBTITLE_EXTENSIONS` in its folder whose name is the
    video's base name, then optional tags, then the extension (``Movie.srt``, ``Movie.en.srt``,
    ``Movie.forced.en.srt``; case-insensitive). Returns (path inside the download, the tags and
    extension as written: ``.forced.en.srt``), in the download's order."""
    video_path = PurePosixPath(video.replace("\\", "/"))
    stem = video_path.name.rpartition(".")[0].lower()
    out = []
    for relative, _size in files.files:
        path = PurePosixPath(relative.replace("\\", "/"))
        ext = path.suffix.lower().lstrip(".")
        if path.parent != video_path.parent or ext not in SUBTITLE_EXTENSIONS:
            continue
        name = path.name
        if name.lower().startswith(stem + "."):
            out.append((relative, name[len(stem) :]))
    return out


def place_side_files(files: TorrentFiles, video: str, placed: Path, root: Path) -> list[Path]:
    """Place the subtitles of ``video`` (:func:`side_files`) beside its placed copy ``placed``,
    named after it with their tags kept (``Film (2008) [Bluray-1080p].en.srt``), the way the
    video is placed (:func:`place`). Returns where they ended up."""
    out = []
    for relative, tail in side_files(files, video):
        src = source_file(files.save_path, relative)
        tags, _dot, ext = tail.rpartition(".")
        name = safe_name(placed.stem + tags, "." + ext.lower())
        out.append(place(src, placed.with_name(name), root))
    return out


#: why a hardlink cannot be made where a copy can (another file system, not allowed, too many)
_NO_HARDLINK = (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES)


def place(source: Path, destination: Path, root: Path) -> Path:
    """Hardlink (or copy then rename) ``source`` to ``destination`` without overwriting.

    Returns where the file ended up: ``destination``, an existing file of the same size there,
    or a free name next to it (``name (2).ext``)."""
    if not _inside(destination, root):
        raise ImportError_(f"refusing to write outside the library root {root}: {destination}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    size = source.stat().st_size
    target = destination
    n = 1
    while True:
        while os.path.lexists(target):
            if not target.is_symlink() and target.is_file() and target.stat().st_size == size:
                return target  # the same file is already there
            n += 1
            target = destination.with_name(f"{destination.stem} ({n}){destination.suffix}")
        try:
            os.link(source, target)
            return target
        except FileExistsError:
            continue  # placed meanwhile (by an importer that was taken over): look again
        except OSError as exc:
            if exc.errno not in _NO_HARDLINK:
                raise
        break
    tmp = target.with_name(f".{target.name}.mydia-partial")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def _quality_full(fq: FileQuality) -> str:
    """The naming pattern's ``{Quality Full}``: ``WEBDL-1080p``, ``WEBDL-1080p Proper`` (as
    Sonarr writes it; read back by the one quality reader), "" when unknown."""
    if fq.quality == "Unknown":
        return ""
    return f"{fq.quality}{' Proper' if fq.proper else ''}"


def _file_quality(src: Path, relative: str, release_quality: str) -> FileQuality:
    """A downloaded file (``src``, ``relative`` in its torrent) read for its quality from the
    file itself (:func:`upgrades.file_quality`: its name, its container, its folders', else the
    release's)."""
    path = PurePosixPath(relative.replace("\\", "/"))
    return upgrades.file_quality(
        src, folders=tuple(reversed(path.parts[:-1])), release=release_quality
    )


def unmounted(root: LibraryRoot) -> str:
    """Why nothing may be imported into the library folder ``root`` now ("" when it may): it
    is missing or empty while the library records files in it, so its disk is not mounted, and
    a file placed in the bare mount point would be hidden by the remount (a library file lost).
    A folder that records nothing yet (a new library) is imported into as it is: an empty new
    library and an empty mount point cannot be told apart."""
    if root_present(root.path):
        return ""
    if MediaFile.select().where(MediaFile.root == root.id).exists():
        return (
            f"waiting for library folder {root.path}: it is missing or empty but the library "
            "records files in it: is its disk mounted?"
        )
    return ""


class Importer:
    def __init__(self, config: Config, client: DelugeClient, *, holder: str | None = None) -> None:
        """``holder``: how this importer is recorded in ``import_by`` ("host:pid" of this
        process by default; another name cannot be checked for liveness, see
        :func:`recover_import`)."""
        self.config = config
        self.client = client
        self.holder = holder or this_process()

    def import_download(self, download_id: int) -> ImportResult:
        """Import one download waiting for it ("completed" or "import_failed"): it is
        "importing" (recorded as this importer's) while its files are read from Deluge and
        placed, then "imported"; a failure is recorded for a retry (see :meth:`_failed`). Never
        raises for a failed import; the result says what happened."""
        d = Download.get_by_id(download_id)
        waiting = self._waiting(d)
        if waiting:  # not an attempt: the next poll tries again, no back-off
            note_import_waiting(download_id, waiting)
            return ImportResult(False, waiting)
        if not start_import(download_id, self.holder, utcnow()):
            return ImportResult(
                False, f"download {download_id} is not waiting for import ({d.state})"
            )
        try:
            result = self._import(d, self._files(d))
        except _TakenOver:
            return self._taken_over(d)
        except Unimportable as exc:
            return self._unimportable(d, str(exc))
        except Exception as exc:  # any failure: retry later, never lose the download
            return self._failed(d, str(exc) or type(exc).__name__)
        return result

    def _waiting(self, d: Download) -> str:
        """Why ``d``'s import must wait without an attempt ("" when it need not): the library
        folder it goes to is not mounted (:func:`unmounted`)."""
        item = MediaItem.get_or_none(MediaItem.id == d.item_id)
        if item is None:
            return ""
        root = LibraryRoot.get_or_none(LibraryRoot.id == item.root_id) if item.root_id else None
        root = root or first_root("movies" if item.kind == "movie" else "shows")
        return unmounted(root) if root is not None else ""

    def _files(self, d: Download) -> TorrentFiles:
        """The download's files from Deluge, or, when Deluge no longer has the torrent (removed
        at its stop ratio or by the user), as the poll recorded them (:func:`recorded_files`)."""
        try:
            return self.client.files(d.info_hash)
        except DelugeTorrentNotFound:
            files = recorded_files(d)
            if files is None:
                raise
            return files

    def _unimportable(self, d: Download, reason: str) -> ImportResult:
        """The payload can never be imported: failed, blocklisted, the target wanted again."""
        if not fail_import(d.id, self.holder, f"cannot be imported: {reason}"):
            return self._taken_over(d)
        blocklist_download(d, f"cannot be imported: {reason}")
        history.record(
            "failed",
            f"{d.title} cannot be imported: {reason}; blocklisted, the target is wanted again",
            item=d.item_id,
            download=d.id,
            reason=Reason.BAD_RELEASE,
        )
        log.warning("%s cannot be imported: %s", d.title, reason)
        return ImportResult(False, reason)

    def _taken_over(self, d: Download) -> ImportResult:
        message = f"the import of {d.title} was taken over by another importer: nothing recorded"
        log.warning("%s", message)
        return ImportResult(False, message)

    # -- mapping and placing -------------------------------------------------------------------

    def _import(self, d: Download, files: TorrentFiles) -> ImportResult:
        if not os.path.isdir(files.save_path):
            reported = files.remote_save_path or files.save_path
            raise ImportError_(self.config.deluge.not_found_here(reported))
        item = MediaItem.get_by_id(d.item_id)
        kind = "movies" if item.kind == "movie" else "shows"
        root = self._root(item, kind)
        why = unmounted(root)  # unmounted since _waiting looked: an attempt, retried
        if why:
            raise ImportError_(why)
        # a folder the config names that was never made (a new library): placing makes it,
        # and the history says so (a typo in the config is seen there, not guessed at)
        made_root = not os.path.isdir(root.path)
        videos = [(relative, size) for relative, size in files.files if main_video(relative)]
        if not videos:
            raise Unimportable(unimportable_reason(files))
        placed: list[tuple[Path, list[int], FileQuality]] = []
        sides: list[Path] = []
        missing: list[str] = []
        if item.kind == "movie":
            relative, _size = max(videos, key=lambda v: v[1])
            src = source_file(files.save_path, relative)
            fq = _file_quality(src, relative, d.quality)
            folder = item.folder or movie_folder(item.title, item.year)
            values = {
                "Movie Title": item.title,
                "Release Year": item.year,
                "Quality Full": _quality_full(fq),
            }
            name = safe_name(render(self.config.naming.movie_file, values), src.suffix.lower())
            dest = place(src, Path(root.path) / folder / name, Path(root.path))
            placed.append((dest, [], fq))
            sides += place_side_files(files, relative, dest, Path(root.path))
        else:
            covered = self._covered_episodes(d)
            by_id = {e.id: e for e in covered}
            refs = episode_refs(item.id, covered)
            done: set[int] = set()
            for relative, _size in sorted(videos):
                eps = [by_id[r.id] for r in self._episodes_of(relative, refs) if r.id not in done]
                if not eps and d.kind != "season" and len(videos) == 1:
                    # one video without numbers ("[Group] Title - Final.mkv"): the grab's own
                    # episodes, as the release it came from was accepted for them
                    eps = [e for e in covered if e.id not in done]
                if not eps:
                    continue
                src = source_file(files.save_path, relative)
                fq = _file_quality(src, relative, d.quality)
                dest = self._episode_path(item, eps, fq, src.suffix.lower(), Path(root.path))
                final = place(src, dest, Path(root.path))
                placed.append((final, [e.id for e in eps], fq))
                sides += place_side_files(files, relative, final, Path(root.path))
                done.update(e.id for e in eps)
            missing = [f"S{e.season:02d}E{e.number:02d}" for e in covered if e.id not in done]
            if not placed:
                raise ImportError_(f"no file in {d.title} matches the episodes it was grabbed for")
        replaced = MediaFile.get_or_none(MediaFile.id == d.upgrade_file) if d.upgrade_file else None
        if replaced is not None and len(placed) == 1:
            return self._import_upgrade(d, item, root, placed, replaced)
        self._record(d, item, root, placed)
        message = f"imported {d.title}: {counted(len(placed), 'file')}"
        if sides:
            message += f" and {counted(len(sides), 'subtitle')}"
        if missing:
            message += f"; no file for {', '.join(missing)} (wanted again)"
        if made_root:
            message += f"; made the library folder {root.path}"
        history.record(
            "imported",
            message,
            item=item.id,
            download=d.id,
            data={
                "files": [str(p) for p, _, _ in placed],
                "missing": missing,
                "side_files": [str(p) for p in sides],
            },
        )
        return ImportResult(True, message, [str(p) for p, _, _ in placed], missing)

    # -- upgrades ------------------------------------------------------------------------------

    def _import_upgrade(
        self,
        d: Download,
        item: MediaItem,
        root: LibraryRoot,
        placed: list[tuple[Path, list[int], FileQuality]],
        replaced: MediaFile,
    ) -> ImportResult:
        """An upgrade's file is placed: keep it only when it is better than the file it
        replaces, read from the files themselves (the loop guard, :mod:`mydia_tui.upgrades`).
        Better: the old file goes to the recycle folder and its record is replaced by the new
        one's in one transaction; any failure puts the old file back and removes the new one
        (the import is retried). Not better: the new file is removed, the old one stays, the
        release is blocklisted (``upgrade_not_better``) and the item's upgrades pause."""
        new_path, _eps, new = placed[0]
        old_root = Path(LibraryRoot.get_by_id(replaced.root_id).path)
        old_path = old_root / replaced.path
        old = FileQuality(replaced.quality or "Unknown", read_tags(old_path.name).proper)
        if not better(new, old):
            return self._reject_upgrade(d, item, new_path, old_path, new, old)
        recycled = (
            upgrades.recycle_folder(old_root, self.config.library.recycle)
            / utcnow().strftime("%Y%m%dT%H%M%S")
            / replaced.path
        )
        moved = False
        try:
            recycled.parent.mkdir(parents=True, exist_ok=True)
            if old_path.exists() and old_path != new_path:
                shutil.move(old_path, recycled)
                moved = True
            self._record(d, item, root, placed, replaced=replaced.id)
        except BaseException:
            if moved:
                shutil.move(recycled, old_path)
            if new_path != old_path:
                new_path.unlink(missing_ok=True)
            raise
        message = f"upgraded {item.title}: {old.quality} -> {new.quality} ({d.title})"
        history.record(
            "imported",
            message,
            item=item.id,
            download=d.id,
            reason="upgraded",
            data={
                "from": old.quality,
                "to": new.quality,
                "release": d.title,
                "files": [str(new_path)],
                "recycled": str(recycled) if moved else "",
            },
        )
        return ImportResult(True, message, [str(new_path)])

    def _reject_upgrade(
        self,
        d: Download,
        item: MediaItem,
        new_path: Path,
        old_path: Path,
        new: FileQuality,
        old: FileQuality,
    ) -> ImportResult:
        why = (
            f"the upgrade's file is {new.quality} (read from its {new.source}), "
            f"not better than {old.quality}"
        )
        if new_path != old_path:
            new_path.unlink(missing_ok=True)
        if not reject_upgrade(d.id, self.holder, f"upgrade not better: {why}"):
            raise _TakenOver
        blocklist_download(d, f"{Reason.UPGRADE_NOT_BETTER}: {why}")
        upgrades.pause(item.id, item_profile(item.id, self.config.quality))
        message = (
            f"upgrade of {item.title} refused after import: {why}; {d.title} is blocklisted and "
            f"upgrades of {item.title} are paused (resume them with: mydia-tui upgrades {item.id} --resume)"
        )
        history.record(
            "failed",
            message,
            item=item.id,
            download=d.id,
            reason=Reason.UPGRADE_NOT_BETTER,
            data={"from": old.quality, "to": new.quality, "release": d.title},
        )
        log.warning("%s", message)
        return ImportResult(False, message)

    def _root(self, item: MediaItem, kind: str) -> LibraryRoot:
        if item.root_id is not None:
            root = LibraryRoot.get_or_none(LibraryRoot.id == item.root_id)
            if root is not None:
                return root
        root = first_root(kind)
        if root is None:
            key = "movies" if kind == "movies" else "shows"
            raise ImportError_(
                f"no library folder for {kind}: add one to [library] {key} in config.toml"
            )
        folder = item.folder or (
            movie_folder(item.title, item.year) if item.kind == "movie" else safe_name(item.title)
        )
        MediaItem.update(root=root, folder=folder).where(MediaItem.id == item.id).execute()
        item.root_id, item.folder = root.id, folder
        return root

    @staticmethod
    def _episodes_of(relative: str, refs: tuple[EpisodeRef, ...]) -> list[EpisodeRef]:
        """Which of ``refs`` a file of the download covers, read by the one episode parser from
        its name, else from its folders' names ("Season 02/05 - Title.mkv")."""
        path = PurePosixPath(relative.replace("\\", "/"))
        numbers = read_episodes(path.name)
        if numbers and not numbers.pack:  # a file is never a whole season
            return episodes_named(numbers, refs)
        folder_season = None
        for part in reversed(path.parts[:-1]):
            numbers = read_episodes(part)
            if numbers.pairs() or numbers.absolute:
                return episodes_named(numbers, refs)
            if numbers.pack == "season" and folder_season is None:
                folder_season = numbers.season
        if folder_season is not None:
            stem = path.name.rpartition(".")[0] or path.name
            numbers = EpisodeNumbers(absolute=episode_in_season_folder(stem))
            return episodes_named(numbers, refs, folder_season=folder_season)
        return []

    def _covered_episodes(self, d: Download) -> list[Episode]:
        eps = list(
            Episode.select()
            .join(DownloadUnit, on=(DownloadUnit.episode == Episode.id))
            .where(DownloadUnit.download == d.id)
        )
        if d.kind == "season":
            known = {e.id for e in eps}
            eps += [
                e
                for e in Episode.select().where(
                    (Episode.show == d.item_id) & (Episode.season == d.season)
                )
                if e.id not in known
            ]
        return sorted(eps, key=lambda e: (e.season, e.number))

    def _episode_path(
        self, item: MediaItem, eps: list[Episode], quality: FileQuality, ext: str, root: Path
    ) -> Path:
        show = item.folder or safe_name(item.title)
        values = {
            "Series Title": item.title,
            "season": eps[0].season,
            "episode": tuple(e.number for e in eps),
            "Episode Title": eps[0].title,
            "Quality Full": _quality_full(quality),
        }
        name = safe_name(render(self.config.naming.episode_file, values), ext)
        return root / show / f"Season {eps[0].season:02d}" / name

    def _record(
        self,
        d: Download,
        item: MediaItem,
        root: LibraryRoot,
        placed: list[tuple[Path, list[int], FileQuality]],
        *,
        replaced: int | None = None,
    ) -> None:
        """Record the placed files (and remove the record of the file an upgrade ``replaced``)
        in one transaction with the download's end."""
        now = utcnow()
        with write_transaction():
            # importing -> imported, and the target's units released, in the transaction that
            # records the files; only while the import is still this importer's (else nothing
            # is recorded: the one that took over records)
            if not mark_imported(d.id, self.holder):
                raise _TakenOver
            if replaced is not None:
                FileEpisode.delete().where(FileEpisode.file == replaced).execute()
                MediaFile.delete().where(MediaFile.id == replaced).execute()
            for path, episode_ids, fq in placed:
                relative = str(path.relative_to(root.path))
                st = path.stat()
                existing = MediaFile.get_or_none(
                    (MediaFile.root == root.id) & (MediaFile.path == relative)
                )
                if existing is None:
                    owner = (
                        {"movie": item.id} if item.kind == "movie" else {"episode": episode_ids[0]}
                    )
                    file_id = MediaFile.insert(
                        root=root.id,
                        path=relative,
                        size=st.st_size,
                        mtime=st.st_mtime,
                        quality=fq.quality if fq.quality != "Unknown" else "",
                        added_at=now,
                        **owner,
                    ).execute()
                else:
                    file_id = existing.id
                    MediaFile.update(missing_since=None, size=st.st_size, mtime=st.st_mtime).where(
                        MediaFile.id == file_id
                    ).execute()
                for eid in episode_ids:
                    FileEpisode.insert(file=file_id, episode=eid).on_conflict_ignore().execute()

    def _failed(self, d: Download, message: str) -> ImportResult:
        attempts = (d.import_attempts or 0) + 1
        limit = self.config.monitor.import_retries
        now = utcnow()
        if attempts > limit:
            if not give_up_import(d.id, self.holder, attempts, f"import failed: {message}"):
                return self._taken_over(d)
            history.record(
                "import_failed",
                f"import of {d.title} failed {attempts} times: {message} (retry it from the downloads list)",
                item=d.item_id,
                download=d.id,
            )
        else:
            delay = IMPORT_BACKOFF_BASE * 2 ** (attempts - 1)
            error = f"import failed (attempt {attempts}, retrying): {message}"
            at = now + dt.timedelta(seconds=delay)
            if not retry_import_later(d.id, self.holder, attempts, error, at):
                return self._taken_over(d)
        log.warning("import of %s failed (attempt %d): %s", d.title, attempts, message)
        return ImportResult(False, message)


def import_abandoned(d: Download, now: dt.datetime) -> bool:
    """Whether the import of ``d`` (a download in state "importing") has no importer any more:

    * none is recorded (``import_by`` empty: left by a version before schema 4): abandoned;
    * its process is of this host and has ended (:func:`~mydia_tui.processes.process_alive`):
      abandoned at once;
    * its process is another host's, or still runs: abandoned only once it started more than
      :data:`STUCK_IMPORT_AFTER` seconds before ``now`` (naive UTC), taken for stuck.
    """
    if not d.import_by:
        return True
    if process_alive(d.import_by) is False:
        return True
    started = d.import_started_at
    return started is None or (now - started).total_seconds() > STUCK_IMPORT_AFTER


def recover_import(d: Download, now: dt.datetime | None = None) -> bool:
    """Give an import whose importer is gone (:func:`import_abandoned`) back to be imported
    again: "importing" becomes "completed", due at once, its attempts not counted (the import
    did not fail; its process ended). Returns False, changing nothing, when ``d`` is not an
    abandoned import, or when another process recovered or took it meanwhile (compare-and-set
    on the recorded importer). Records the interruption in the history."""
    now = now or utcnow()
    if d.state != "importing" or not import_abandoned(d, now):
        return False
    who = d.import_by or "an earlier version"
    if d.import_by and process_alive(d.import_by) is False:
        why = f"its process ({who}) has ended"
    elif d.import_by:
        why = f"{who} has not finished it in {STUCK_IMPORT_AFTER / 3600:g} h"
    else:
        why = f"it was started by {who}"
    changed = give_back_import(
        d.id, d.import_by, f"import interrupted ({why}): importing again", now
    )
    if changed:
        history.record(
            "error",
            f"the import of {d.title} was interrupted ({why}): importing it again",
            item=d.item_id,
            download=d.id,
        )
        log.warning("import of %s interrupted (%s): importing it again", d.title, why)
    return changed


def retry_import(download_id: int) -> bool:
    """Let the user retry a download whose import gave up ("import_failed"), or whose import
    was left "importing" by an importer that is gone (see :func:`recover_import`). Returns
    False when the download is neither (unknown, waiting already, or being imported)."""
    d = Download.get_or_none(Download.id == download_id)
    if d is None:
        return False
    if d.state == "importing":
        return recover_import(d)
    return retry_failed_import(download_id)
