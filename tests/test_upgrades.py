"""Quality upgrades (mydia_tui.upgrades): the one quality reader for files and releases, the
wanted list's "cutoff unmet", the guard's upgrade claim (strictly better, cutoff unmet, not
paused, at most N a day, PROPER once, atomic like a first grab), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from mydia_tui import upgrades
from mydia_tui.config import Config, LibraryConfig, ProfileConfig, QualityConfig
from mydia_tui.deluge import AddResult
from mydia_tui.guard import GrabRequest, Guard
from mydia_tui.library import (
    add_movie,
    add_show,
    episodes_target,
    manual_episodes,
    movie_target,
    sync_roots,
)
from mydia_tui.lifecycle import finish
from mydia_tui.models import Download, Episode, FileEpisode, MediaFile, MediaItem
from mydia_tui.monitor.wanted import cutoff_unmet, wanted_movies
from mydia_tui.refusals import Reason
from mydia_tui.releases.quality import FileQuality, better, quality_of_name, resolve_profile
from mydia_tui.scanning.service import scan_library

pytestmark = pytest.mark.both_databases

_hashes = (f"{i:040x}" for i in itertools.count(0xABC000))

QUALITY = QualityConfig()  # default profile HD-1080p: cutoff HDTV-1080p, upgrades allowed


def req(title: str, quality: str = "") -> GrabRequest:
    return GrabRequest(info_hash=next(_hashes), title=title, quality=quality)


class Lib:
    def __init__(self, tmp_path: Path) -> None:
        self.movies = tmp_path / "movies"
        self.shows = tmp_path / "tv"
        self.movies.mkdir()
        self.shows.mkdir()
        sync_roots((str(self.movies),), (str(self.shows),))
        self.config = Config(
            library=LibraryConfig(movies=(str(self.movies),), shows=(str(self.shows),))
        )

    def film_with_file(self, title: str, year: int, name: str) -> int:
        """A film and a file of it in the library, recorded by the real scan."""
        item = add_movie(title, year).id
        folder = self.movies / f"{title} ({year})"
        folder.mkdir()
        (folder / name).write_bytes(b"x" * 1000)
        scan_library(self.config)
        return item

    def grab(self, guard: Guard, item_id: int, title: str, quality: str = ""):
        r = req(title, quality)
        return guard.grab(movie_target(item_id), r, lambda: AddResult(r.info_hash))


@pytest.fixture
def lib(db, tmp_path) -> Lib:
    return Lib(tmp_path)


# -- one quality reader --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "quality"),
    [
        ("Sintel (2010) [HDTV-720p].mkv", "HDTV-720p"),
        ("Sintel (2010) [WEBDL-1080p Proper].mkv", "WEBDL-1080p"),
        ("Sintel.2010.1080p.BluRay.x264-GRP", "Bluray-1080p"),
        ("Sintel.2010.2160p.UHD.BluRay.REMUX.HEVC-GRP", "Remux-2160p"),
        ("Pal Joey (1957).mkv", "Unknown"),  # a title word is not a tag
        ("The Expanse - S01E02 - Title [SDTV].avi", "SDTV"),
    ],
)
def test_a_file_name_is_read_as_a_release_name(name, quality):
    assert quality_of_name(name) == quality


def test_better_is_a_higher_quality_or_a_first_proper():
    assert better(FileQuality("Bluray-1080p"), FileQuality("HDTV-720p"))
    assert not better(FileQuality("HDTV-720p"), FileQuality("HDTV-720p"))
    assert not better(FileQuality("HDTV-720p"), FileQuality("WEBDL-1080p"))
    assert better(FileQuality("WEBDL-1080p", 1), FileQuality("WEBDL-1080p", 0))
    assert not better(FileQuality("WEBDL-1080p", 1), FileQuality("WEBDL-1080p", 1))


# -- cutoff unmet ----------------------------------------------------------------------------


def test_cutoff_unmet_lists_files_below_the_cutoff_apart_from_the_missing(lib):
    low = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    lib.film_with_file("Big Buck Bunny", 2008, "Big Buck Bunny (2008) [Bluray-1080p].mkv")
    missing = add_movie("Elephants Dream", 2006).id
    # a file whose quality nothing tells is not taken for below the cutoff
    lib.film_with_file("Cosmos Laundromat", 2015, "cosmos.mkv")
    unmet = cutoff_unmet(QUALITY)
    assert [(u.item_id, u.quality, u.cutoff) for u in unmet] == [(low, "HDTV-720p", "HDTV-1080p")]
    assert [m.item_id for m in wanted_movies()] == [missing]
    # a profile that does not upgrade wants nothing more
    no_upgrades = QualityConfig(
        default_profile="Keep",
        profiles=(
            ProfileConfig(
                name="Keep",
                qualities=("HDTV-720p", "HDTV-1080p"),
                cutoff="HDTV-1080p",
                upgrades_allowed=False,
            ),
        ),
    )
    assert cutoff_unmet(no_upgrades) == []


def test_an_episode_below_the_cutoff_is_wanted_but_not_one_of_a_multi_episode_file(lib):
    show = add_show("The Expanse", manual_episodes({1: 3})).id
    season = lib.shows / "The Expanse" / "Season 01"
    season.mkdir(parents=True)
    (season / "The Expanse - S01E01 - A [HDTV-720p].mkv").write_bytes(b"x")
    (season / "The Expanse - S01E02E03 - B [HDTV-720p].mkv").write_bytes(b"y")
    scan_library(lib.config)
    e1 = Episode.get((Episode.show == show) & (Episode.number == 1)).id
    assert [(u.episode_id, u.quality) for u in cutoff_unmet(QUALITY)] == [(e1, "HDTV-720p")]


# -- the guard's upgrade claim -------------------------------------------------------------------


def test_an_upgrade_is_claimed_recording_the_file_it_replaces(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    (f,) = MediaFile.select()
    outcome = lib.grab(Guard(quality=QUALITY), item, "Sintel.2010.1080p.BluRay-GRP", "Bluray-1080p")
    assert outcome.accepted, outcome
    d = Download.get_by_id(outcome.download_id)
    assert (d.upgrade_file, d.upgrade_from) == (f.id, "HDTV-720p")


def test_a_guard_without_quality_settings_never_upgrades(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    outcome = lib.grab(Guard(), item, "Sintel.2010.1080p.BluRay-GRP", "Bluray-1080p")
    assert outcome.reason == Reason.ALREADY_ON_DISK


@pytest.mark.parametrize(
    ("on_disk", "release", "why"),
    [
        ("Sintel (2010) [HDTV-720p].mkv", "Sintel.2010.720p.HDTV-GRP", "not better than"),
        ("Sintel (2010) [HDTV-720p].mkv", "Sintel.2010.480p.WEB-DL-GRP", "not better than"),
        (
            "Sintel (2010) [HDTV-1080p].mkv",
            "Sintel.2010.1080p.BluRay-GRP",
            "at or above the cutoff",
        ),
        (
            "Sintel (2010) [WEBDL-720p Proper].mkv",
            "Sintel.2010.720p.WEB-DL.REPACK-GRP",
            "not better",
        ),
    ],
)
def test_the_guard_refuses_what_is_not_an_upgrade(lib, on_disk, release, why):
    item = lib.film_with_file("Sintel", 2010, on_disk)
    outcome = lib.grab(Guard(quality=QUALITY), item, release)
    assert outcome.reason == Reason.ALREADY_ON_DISK
    assert why in outcome.message and "not an upgrade" in outcome.message
    assert Download.select().count() == 0


def test_a_proper_of_the_same_quality_replaces_once(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [WEBDL-1080p].mkv")
    guard = Guard(quality=QUALITY)
    outcome = lib.grab(guard, item, "Sintel.2010.1080p.WEB-DL.PROPER-GRP")
    assert outcome.accepted, outcome
    assert Download.get_by_id(outcome.download_id).upgrade_from == "WEBDL-1080p"


def test_an_upgrade_in_flight_keeps_the_file_on_disk_for_every_other_grab(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    many = Guard(quality=QualityConfig(upgrades_per_day=10))
    assert lib.grab(many, item, "Sintel.2010.1080p.WEB-DL-GRP").accepted
    # a first grab (no upgrade asked) still sees the file
    assert lib.grab(Guard(), item, "Sintel.2010.1080p.BluRay-X").reason == Reason.ALREADY_ON_DISK
    # a second upgrade waits for the first
    assert lib.grab(many, item, "Sintel.2010.1080p.BluRay-X").reason == Reason.IN_FLIGHT


def test_at_most_n_upgrades_per_item_a_day(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    guard = Guard(quality=QualityConfig(upgrades_per_day=1))
    first = lib.grab(guard, item, "Sintel.2010.1080p.WEB-DL-GRP")
    assert first.accepted
    assert finish(first.download_id, "failed", error="gone")
    again = lib.grab(guard, item, "Sintel.2010.1080p.BluRay-X")
    assert again.reason == Reason.ALREADY_ON_DISK and "at most 1 a day" in again.message


def test_paused_upgrades_resume_when_the_user_acts_or_the_profile_changes(lib):
    item = lib.film_with_file("Sintel", 2010, "Sintel (2010) [HDTV-720p].mkv")
    upgrades.pause(item, resolve_profile(None, QUALITY))
    assert cutoff_unmet(QUALITY) == []
    paused = lib.grab(Guard(quality=QUALITY), item, "Sintel.2010.1080p.WEB-DL-GRP")
    assert "paused" in paused.message
    # another profile: the pause was for the old one
    other = QualityConfig(default_profile="HD - 720p/1080p")
    assert [u.item_id for u in cutoff_unmet(other)] == []  # HDTV-720p is that profile's cutoff
    wider = QualityConfig(
        default_profile="Wide",
        profiles=(ProfileConfig(name="Wide", qualities=("WEBDL-1080p",), cutoff="WEBDL-1080p"),),
    )
    assert [u.item_id for u in cutoff_unmet(wider)] == [item]
    # the user resumes
    assert upgrades.resume(item)
    assert MediaItem.get_by_id(item).upgrades_paused == ""
    assert lib.grab(Guard(quality=QUALITY), item, "Sintel.2010.1080p.WEB-DL-GRP").accepted


def test_an_episode_upgrade_never_replaces_a_multi_episode_file(lib):
    show = add_show("The Expanse", manual_episodes({1: 2})).id
    season = lib.shows / "The Expanse" / "Season 01"
    season.mkdir(parents=True)
    (season / "The Expanse - S01E01E02 - A [HDTV-720p].mkv").write_bytes(b"x")
    scan_library(lib.config)
    assert FileEpisode.select().count() == 2
    e1 = Episode.get((Episode.show == show) & (Episode.number == 1)).id
    r = req("The.Expanse.S01E01.1080p.WEB-DL-GRP")
    outcome = Guard(quality=QUALITY).grab(episodes_target([e1]), r, lambda: AddResult(r.info_hash))
    assert outcome.reason == Reason.ALREADY_ON_DISK and "other episodes" in outcome.message
    # both episodes together: the file's whole target, an upgrade
    e2 = Episode.get((Episode.show == show) & (Episode.number == 2)).id
    r = req("The.Expanse.S01E01E02.1080p.WEB-DL-GRP")
    both = Guard(quality=QUALITY).grab(episodes_target([e1, e2]), r, lambda: AddResult(r.info_hash))
    assert both.accepted, both


@pytest.mark.parametrize(
    ("name", "folders", "release", "quality", "source"),
    [
        # the file's own name wins over the release's title
        (
            "Big.Buck.Bunny.2008.720p.HDTV.x264.mkv",
            ("BBB.2008.1080p.BluRay",),
            "Bluray-1080p",
            "HDTV-720p",
            "name",
        ),
        # a resolution only: the release's quality when it is of that resolution
        ("[Group] Frieren - Final (1080p).mkv", (), "WEBDL-1080p", "WEBDL-1080p", "release"),
        ("[Group] Frieren - Final (720p).mkv", (), "WEBDL-1080p", "HDTV-720p", "name"),
        # nothing in the name: its folder, then the release
        ("bbb.mkv", ("BBB.2008.1080p.WEB-DL",), "Bluray-1080p", "WEBDL-1080p", "folder"),
        ("bbb.mkv", ("BBB",), "Bluray-1080p", "Bluray-1080p", "release"),
        ("bbb.mkv", (), "", "Unknown", "name"),
    ],
)
def test_a_files_quality_is_read_from_the_file(name, folders, release, quality, source):
    fq = upgrades.file_quality(name, folders=folders, release=release)
    assert (fq.quality, fq.source) == (quality, source)


# -- the command line --------------------------------------------------------------------------


def test_cli_lists_the_cutoff_unmet_and_an_items_upgrades(cli, tmp_path):
    movies = tmp_path / "media"
    folder = movies / "Sintel (2010)"
    folder.mkdir(parents=True)
    (folder / "Sintel (2010) [HDTV-720p].mkv").write_bytes(b"x" * 100)
    config = tmp_path / "config.toml"
    config.write_text(f'[library]\nmovies = ["{movies}"]\n')
    cli.config_path = config
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    assert cli("scan").code == 0

    (row,) = cli("list", "--cutoff-unmet", "--json").json()
    assert row == {
        "item_id": 1,
        "kind": "movie",
        "title": "Sintel",
        "year": 2010,
        "episode_id": None,
        "season": None,
        "episode": None,
        "quality": "HDTV-720p",
        "cutoff": "HDTV-1080p",
        "profile": "HD-1080p",
    }
    text = cli("list", "--cutoff-unmet").out
    assert "Sintel (2010)  HDTV-720p, below the cutoff HDTV-1080p of HD-1080p" in text
    # the missing film is wanted, the one on disk is not: two views
    assert [r["id"] for r in cli("list", "--wanted", "--json").json()] == [2]
    both = cli("list", "--wanted", "--cutoff-unmet")
    assert both.code == 2 and "not allowed with" in both.err

    assert cli("upgrades", "1", "--json").json() == {
        "item_id": 1,
        "paused": False,
        "resumed": False,
        "upgrades": [],
    }
    assert "no upgrade of Sintel yet" in cli("upgrades", "1").out
    missing = cli("upgrades", "99")
    assert missing.code != 0 and len(missing.err.strip().splitlines()) == 1
