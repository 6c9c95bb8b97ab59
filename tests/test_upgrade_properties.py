"""Property test of upgrades: random lives of one film on disk, checked after every step.

A stateful machine grabs releases of random qualities for a film whose file starts below the
cutoff (through guards that admit upgrades), fails them, and imports them with the real
importer: a real video file of a random quality (its name says it) in a download folder, placed
into the real library folder, the replaced file moved to the real recycle folder, sometimes with
a recycle folder that cannot be made (the import fails). The Deluge daemon's file listing is the
one stand-in (:class:`FolderListing`: it lists the download folder as Deluge would); the guard,
the lifecycle, the importer, the files and the SQLite database are real. After every step:

* never two active claims on the film (read from the downloads' states and
  ``download_unit.active_unit``);
* never a lost file: the film has exactly one recorded file, it is on disk, it is the only video
  in the film's folder, and every file it replaced is in the recycle folder;
* the recorded file's quality never went down.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mydia_tui import upgrades
from mydia_tui.config import Config, LibraryConfig, QualityConfig
from mydia_tui.db import open_database
from mydia_tui.deluge import AddResult, TorrentFiles
from mydia_tui.guard import GrabRequest, Guard
from mydia_tui.library import add_movie, movie_target, sync_roots
from mydia_tui.lifecycle import finish
from mydia_tui.models import ACTIVE_STATES, Download, DownloadUnit, MediaFile
from mydia_tui.monitor.importer import Importer
from mydia_tui.releases.quality import quality_rank

#: (release name tag, quality it reads as)
TAGS = {
    "720p.HDTV": "HDTV-720p",
    "720p.WEB-DL": "WEBDL-720p",
    "720p.BluRay": "Bluray-720p",
    "1080p.HDTV": "HDTV-1080p",
    "1080p.WEB-DL": "WEBDL-1080p",
    "1080p.BluRay": "Bluray-1080p",
    "720p.HDTV.PROPER": "HDTV-720p",
}


class FolderListing:
    """Deluge's file listing of a finished torrent, for the importer: the files of the
    download's folder (the one stand-in of this test; the real daemon is driven in
    tests/test_upgrade_e2e.py)."""

    def __init__(self) -> None:
        self.folders: dict[str, Path] = {}

    def files(self, info_hash: str) -> TorrentFiles:
        folder = self.folders[info_hash]
        files = tuple(
            (str(p.relative_to(folder.parent)), p.stat().st_size) for p in folder.rglob("*.mkv")
        )
        return TorrentFiles(info_hash, folder.name, str(folder.parent), files)


class UpgradeMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="mydia-upgrade-prop-"))
        self.db = open_database(str(self.tmp / "library.sqlite3"))
        movies = self.tmp / "movies"
        movies.mkdir()
        sync_roots((str(movies),), ())
        self.config = Config(library=LibraryConfig(movies=(str(movies),)))
        self.movies = movies
        self.film = add_movie("Sintel", 2010).id
        self.folder = movies / "Sintel (2010)"
        self.folder.mkdir()
        (self.folder / "Sintel (2010) [HDTV-720p].mkv").write_bytes(b"first")
        from mydia_tui.scanning.service import scan_library

        scan_library(self.config)
        self.listing = FolderListing()
        self.n = 0
        self.replaced = 0
        self.best_rank = quality_rank("HDTV-720p")
        self.guards = [
            Guard(claimed_by=f"m{i}:1", quality=QualityConfig(upgrades_per_day=100))
            for i in range(2)
        ]

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def active(self) -> list[Download]:
        return list(Download.select().where(Download.state.in_(ACTIVE_STATES)))

    @rule(
        tag=st.sampled_from(sorted(TAGS)),
        inside=st.sampled_from(sorted(TAGS)),
        who=st.integers(0, 1),
    )
    def grab(self, tag: str, inside: str, who: int) -> None:
        """A release titled ``tag``, whose file inside is ``inside``."""
        self.n += 1
        title = f"Sintel.2010.{tag}-G{self.n}"
        info_hash = hashlib.sha1(title.encode()).hexdigest()
        folder = self.tmp / "downloads" / title
        folder.mkdir(parents=True)
        (folder / f"Sintel.2010.{inside}-G{self.n}.mkv").write_bytes(title.encode() * (self.n + 1))
        self.listing.folders[info_hash] = folder
        before = self.active()
        req = GrabRequest(info_hash=info_hash, title=title, quality=TAGS[tag])
        outcome = self.guards[who].grab(movie_target(self.film), req, lambda: AddResult(info_hash))
        if before:
            assert outcome.refused
        if outcome.accepted:
            d = Download.get_by_id(outcome.download_id)
            assert d.upgrade_from and quality_rank(TAGS[tag]) >= quality_rank(d.upgrade_from)

    @precondition(lambda self: bool(self.active()))
    @rule()
    def fail(self) -> None:
        (d,) = self.active()
        assert finish(d.id, "failed", error="failed in the client")

    @precondition(lambda self: bool(self.active()))
    @rule(recycle_fails=st.booleans())
    def complete_and_import(self, recycle_fails: bool) -> None:
        (d,) = self.active()
        Download.update(state="completed").where(Download.id == d.id).execute()
        config = self.config
        if recycle_fails:
            blocker = self.tmp / "blocker"
            blocker.write_text("not a folder")
            config = dataclasses.replace(
                config,
                library=dataclasses.replace(config.library, recycle=str(blocker / "recycle")),
            )
        before = MediaFile.get(MediaFile.movie == self.film)
        result = Importer(config, self.listing, holder="importer:1").import_download(d.id)  # type: ignore[arg-type]
        after = MediaFile.get(MediaFile.movie == self.film)
        event(f"import: {'upgraded' if result.ok else result.message.split(':')[0]}")
        if result.ok:
            assert not recycle_fails
            self.replaced += 1
            assert quality_rank(after.quality) > quality_rank(before.quality) or (
                after.quality == before.quality
            )
        else:
            assert (after.id, after.path, after.quality) == (before.id, before.path, before.quality)
        # a failed import is done again later; here it is given up so that the film is free
        if Download.get_by_id(d.id).state in ACTIVE_STATES:
            assert finish(d.id, "failed", error="given up")

    @invariant()
    def one_claim_at_most(self) -> None:
        if not hasattr(self, "db"):
            return
        assert len(self.active()) <= 1
        held = [
            u
            for (u,) in DownloadUnit.select(DownloadUnit.active_unit)
            .where(DownloadUnit.active_unit.is_null(False))
            .tuples()
        ]
        assert held == ([f"m:{self.film}"] if self.active() else [])

    @invariant()
    def no_file_lost(self) -> None:
        if not hasattr(self, "db"):
            return
        (f,) = MediaFile.select().where(MediaFile.movie == self.film)
        assert (self.movies / f.path).is_file()
        assert [p.name for p in self.folder.iterdir()] == [Path(f.path).name]
        recycled = list((self.movies / upgrades.RECYCLE_DIR).rglob("*.mkv"))
        assert len(recycled) == self.replaced
        rank = quality_rank(f.quality)
        assert rank >= self.best_rank
        self.best_rank = rank


UpgradeMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestUpgradeLife = UpgradeMachine.TestCase
