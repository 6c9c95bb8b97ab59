"""The dedup guard: the twelve original cases, then every guard-related way media managers
have grabbed twice (../shared/reference/dedup-failures.md), each its own named test."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import os
import time
from pathlib import Path

import pytest

from mydia_tui import guard as g
from mydia_tui.deluge import AddResult
from mydia_tui.guard import AmbiguousClientError, GrabRequest, Guard
from mydia_tui.history import list_history
from mydia_tui.library import (
    add_movie,
    add_show,
    episodes_target,
    manual_episodes,
    movie_target,
    season_target,
    sync_roots,
)
from mydia_tui.lifecycle import finish
from mydia_tui.models import (
    Blocklist,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    LibraryRoot,
    MediaFile,
    utcnow,
)
from mydia_tui.refusals import Reason

pytestmark = pytest.mark.both_databases

_hashes = (f"{i:040x}" for i in itertools.count(1))


def release(title: str = "Some.Release.1080p.WEB-DL-GRP", **kw) -> GrabRequest:
    kw.setdefault("info_hash", next(_hashes))
    return GrabRequest(title=title, **kw)


def ok(info_hash: str = "") -> callable:
    return lambda: AddResult(info_hash or "0" * 40)


class Library:
    """A small real library: roots on disk, a film or two and a show of five seasons."""

    def __init__(self, tmp_path: Path) -> None:
        self.movies_root = tmp_path / "movies"
        self.shows_root = tmp_path / "tv"
        self.movies_root.mkdir()
        self.shows_root.mkdir()
        sync_roots((str(self.movies_root),), (str(self.shows_root),))
        self.bbb = add_movie("Big Buck Bunny", 2008).id
        self.sintel = add_movie("Sintel", 2010).id
        self.show = add_show("The Expanse", manual_episodes({1: 4, 2: 3, 3: 3, 4: 2, 5: 2})).id
        self.guard = Guard()

    def ep(self, season: int, number: int) -> int:
        return Episode.get(
            (Episode.show == self.show) & (Episode.season == season) & (Episode.number == number)
        ).id

    def grab_episodes(self, *pairs: tuple[int, int], rel: GrabRequest | None = None):
        rel = rel or release()
        target = episodes_target([self.ep(s, n) for s, n in pairs])
        return self.guard.grab(target, rel, ok(rel.info_hash))

    def grab_season(self, season: int, rel: GrabRequest | None = None):
        rel = rel or release()
        return self.guard.grab(season_target(self.show, season), rel, ok(rel.info_hash))

    def grab_movie(self, movie_id: int | None = None, rel: GrabRequest | None = None):
        rel = rel or release()
        return self.guard.grab(movie_target(movie_id or self.bbb), rel, ok(rel.info_hash))

    def movie_file(
        self,
        movie_id: int | None = None,
        name: str = "Big Buck Bunny (2008) [Bluray-1080p].mkv",
        on_disk: bool = True,
    ):
        movie_id = movie_id or self.bbb
        root = LibraryRoot.get(LibraryRoot.kind == "movies")
        rel = f"Big Buck Bunny (2008)/{name}"
        if on_disk:
            path = self.movies_root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"video")
        return MediaFile.create(movie=movie_id, root=root, path=rel, size=5)

    def episode_file(self, *pairs: tuple[int, int], on_disk: bool = True):
        root = LibraryRoot.get(LibraryRoot.kind == "shows")
        tag = "".join(f"E{n:02d}" for _, n in pairs)
        rel = f"The Expanse/Season {pairs[0][0]:02d}/The Expanse - S{pairs[0][0]:02d}{tag}.mkv"
        if on_disk:
            path = self.shows_root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"video")
        f = MediaFile.create(episode=self.ep(*pairs[0]), root=root, path=rel, size=5)
        for s, n in pairs:
            FileEpisode.create(file=f, episode=self.ep(s, n))
        return f


@pytest.fixture
def lib(db, tmp_path) -> Library:
    return Library(tmp_path)


def refused(outcome, reason: str) -> bool:
    return outcome.accepted is False and outcome.reason == reason


# ---------------------------------------------------------------------------------------------
# The twelve original cases (mydia task-82)


def test_case_01_active_episode_download_blocks_same_episode(lib):
    assert lib.grab_episodes((1, 1)).accepted
    assert refused(lib.grab_episodes((1, 1)), Reason.IN_FLIGHT)


def test_case_02_completed_and_imported_episode_download_allows_retry(lib):
    first = lib.grab_episodes((1, 1))
    finish(first.download_id, "imported")
    assert lib.grab_episodes((1, 1)).accepted  # no file on disk: allowed by this rule alone


def test_case_03_failed_episode_download_allows_retry(lib):
    first = lib.grab_episodes((1, 1))
    finish(first.download_id, "failed", error="tracker error")
    assert lib.grab_episodes((1, 1)).accepted


def test_case_04_active_movie_download_blocks_movie(lib):
    assert lib.grab_movie().accepted
    assert refused(lib.grab_movie(), Reason.IN_FLIGHT)


def test_case_05_active_season_pack_blocks_same_pack(lib):
    assert lib.grab_season(1).accepted
    assert refused(lib.grab_season(1), Reason.IN_FLIGHT)


def test_case_06_active_season_1_pack_allows_season_2_pack(lib):
    assert lib.grab_season(1).accepted
    assert lib.grab_season(2).accepted


def test_case_07_completed_movie_download_allows_movie_by_this_rule(lib):
    first = lib.grab_movie()
    finish(first.download_id, "imported")
    assert lib.grab_movie().accepted


def test_case_08_episode_file_blocks_episode(lib):
    lib.episode_file((1, 1))
    assert refused(lib.grab_episodes((1, 1)), Reason.ALREADY_ON_DISK)


def test_case_09_movie_file_blocks_movie(lib):
    lib.movie_file()
    outcome = lib.grab_movie()
    assert refused(outcome, Reason.ALREADY_ON_DISK)
    assert "Big Buck Bunny (2008) [Bluray-1080p].mkv" in outcome.message


def test_case_10_season_pack_refused_when_its_episodes_have_files(lib):
    lib.episode_file((2, 1))
    lib.episode_file((2, 2))
    assert refused(lib.grab_season(2), Reason.ALREADY_ON_DISK)


def test_case_11_season_pack_with_no_files_allowed(lib):
    assert lib.grab_season(3).accepted


def test_case_12_file_in_another_season_does_not_block_pack(lib):
    lib.episode_file((4, 1))
    assert lib.grab_season(5).accepted


# ---------------------------------------------------------------------------------------------
# The original report, and what the first fix still got wrong


def test_original_report_unscanned_movie_file_blocks_grab(lib):
    """Big Buck Bunny already had a file; the library had not scanned it; no grab."""
    folder = lib.movies_root / "Big Buck Bunny (2008)"
    folder.mkdir()
    (folder / "big.buck.bunny.2008.1080p.mkv").write_bytes(b"x")
    outcome = lib.grab_movie()
    assert refused(outcome, Reason.ALREADY_ON_DISK)
    assert "not scanned yet" in outcome.message
    assert Download.select().count() == 0


def test_sample_or_non_video_in_movie_folder_does_not_count(lib):
    folder = lib.movies_root / "Big Buck Bunny (2008)"
    folder.mkdir()
    (folder / "big.buck.bunny.sample.mkv").write_bytes(b"x")
    (folder / "cover.jpg").write_bytes(b"x")
    assert lib.grab_movie().accepted


def test_unscanned_episode_file_blocks_only_that_episode(lib):
    folder = lib.shows_root / "The Expanse" / "Season 01"
    folder.mkdir(parents=True)
    (folder / "the.expanse.s01e02.720p.mkv").write_bytes(b"x")
    assert refused(lib.grab_episodes((1, 2)), Reason.ALREADY_ON_DISK)
    assert refused(lib.grab_season(1), Reason.ALREADY_ON_DISK)
    assert lib.grab_episodes((1, 3)).accepted


def test_file_row_whose_file_is_gone_does_not_count_and_is_flagged(lib):
    (lib.movies_root / "Sintel (2010)").mkdir()  # the library folder is there (mounted)
    f = lib.movie_file(on_disk=False)
    assert lib.grab_movie().accepted
    assert MediaFile.get_by_id(f.id).missing_since is not None
    assert any(e.event == "file_missing" for e in list_history())


def test_episode_inside_active_season_pack_is_in_flight(lib):
    pack = lib.grab_season(1)
    outcome = lib.grab_episodes((1, 3))
    assert refused(outcome, Reason.IN_FLIGHT)
    assert outcome.download_id == pack.download_id


def test_pack_over_active_episode_is_in_flight(lib):
    lib.grab_episodes((1, 3))
    assert refused(lib.grab_season(1), Reason.IN_FLIGHT)


def test_overlapping_multi_episode_releases_are_in_flight(lib):
    assert lib.grab_episodes((1, 1), (1, 2)).accepted
    assert refused(lib.grab_episodes((1, 2), (1, 3)), Reason.IN_FLIGHT)
    assert lib.grab_episodes((1, 3), (1, 4)).accepted


def test_episode_added_after_pack_grab_is_still_covered_by_the_pack(lib):
    lib.grab_season(1)
    late = Episode.create(show=lib.show, season=1, number=5)
    assert refused(lib.guard.grab(episodes_target([late.id]), release(), ok()), Reason.IN_FLIGHT)


@pytest.mark.parametrize(
    "state", ["completed", "importing", "import_failed", "seeding", "unknown", "paused"]
)
def test_completed_but_not_imported_still_holds_its_target(lib, state):
    first = lib.grab_movie()
    Download.update(state=state).where(Download.id == first.download_id).execute()
    assert refused(lib.grab_movie(), Reason.IN_FLIGHT)


def test_grab_without_target_is_invalid_and_blocks_nothing(lib):
    lib.grab_movie()  # an active download exists
    outcome = lib.guard.grab(None, release(), ok())
    assert refused(outcome, Reason.INVALID_TARGET)
    # and it is not "a duplicate of everything": other targets still grab
    assert lib.grab_movie(lib.sintel).accepted


def test_client_failure_keeps_the_claim_as_failed_history(lib):
    def fail():
        raise RuntimeError("Deluge at 127.0.0.1:58846 refused the torrent")

    rel = release()
    outcome = lib.guard.grab(movie_target(lib.bbb), rel, fail)
    assert refused(outcome, Reason.CLIENT_ERROR)
    row = Download.get_by_id(outcome.download_id)
    assert row.state == "failed" and "refused the torrent" in row.error_message
    assert row.failed_at is not None
    # the retry keeps the old row
    assert lib.grab_movie().accepted
    assert Download.select().count() == 2


# ---------------------------------------------------------------------------------------------
# From Sonarr, Radarr, Medusa, SickChill, FlexGet


def test_sonarr_5862_torrent_already_in_session_is_adopted_not_failed(lib):
    rel = release()
    outcome = lib.guard.grab(
        movie_target(lib.bbb), rel, lambda: AddResult(rel.info_hash, already_present=True)
    )
    assert outcome.accepted and outcome.adopted
    assert Download.select().count() == 1
    assert Download.get_by_id(outcome.download_id).state == "queued"
    assert list_history()[0].event == "adopted"
    # and no other release is grabbed for it
    assert refused(lib.grab_movie(), Reason.IN_FLIGHT)


def test_radarr_6790_add_timed_out_but_succeeded_holds_target(lib):
    def timed_out():
        raise AmbiguousClientError("Deluge at 127.0.0.1:58846 did not answer within 5 s")

    rel = release()
    outcome = lib.guard.grab(movie_target(lib.bbb), rel, timed_out)
    assert outcome.accepted and outcome.pending
    row = Download.get_by_id(outcome.download_id)
    assert row.state == "sending" and row.info_hash == rel.info_hash
    assert refused(lib.grab_movie(), Reason.IN_FLIGHT)
    # the same release sent again is refused too
    assert refused(lib.guard.grab(movie_target(lib.bbb), rel, ok()), Reason.IN_FLIGHT)


def test_sonarr_8770_same_hash_after_import_is_refused(lib):
    rel = release()
    first = lib.guard.grab(movie_target(lib.bbb), rel, ok())
    finish(first.download_id, "imported")
    # the file was deleted after import: the film is wanted again, but not this torrent
    outcome = lib.guard.grab(movie_target(lib.bbb), rel, ok())
    assert refused(outcome, Reason.SAME_TORRENT)
    assert lib.grab_movie().accepted


def test_flexget_identity_is_the_info_hash_not_the_url(lib):
    raw = bytes(range(20))
    hex_upper = raw.hex().upper()
    b32 = base64.b32encode(raw).decode()
    first = lib.guard.grab(
        movie_target(lib.bbb), release(info_hash=hex_upper, guid="https://idx/1?x=1"), ok()
    )
    assert first.accepted
    assert Download.get_by_id(first.download_id).info_hash == raw.hex()
    # the same torrent under another URL and spelled in base32, for another film
    outcome = lib.guard.grab(
        movie_target(lib.sintel), release(info_hash=b32, guid="https://idx/1?x=2"), ok()
    )
    assert refused(outcome, Reason.SAME_TORRENT)


def test_medusa_3549_multi_episode_release_refused_when_an_episode_is_on_disk(lib):
    lib.episode_file((1, 1))
    assert refused(lib.grab_episodes((1, 1), (1, 2)), Reason.ALREADY_ON_DISK)


def test_multi_episode_file_blocks_each_episode_it_covers(lib):
    lib.episode_file((1, 1), (1, 2))
    assert refused(lib.grab_episodes((1, 2)), Reason.ALREADY_ON_DISK)


def test_sickchill_6656_singles_then_pack_in_one_run(lib):
    assert lib.grab_episodes((2, 1)).accepted
    assert refused(lib.grab_season(2), Reason.IN_FLIGHT)


def test_retry_after_removal_and_after_file_deleted(lib):
    first = lib.grab_movie()
    finish(first.download_id, "removed")
    second = lib.grab_movie()
    assert second.accepted
    finish(second.download_id, "imported")
    f = lib.movie_file()
    assert refused(lib.grab_movie(), Reason.ALREADY_ON_DISK)
    (lib.movies_root / f.path).unlink()
    assert lib.grab_movie().accepted


# ---------------------------------------------------------------------------------------------
# Blocklist


def test_blocklisted_by_hash_guid_or_title_and_size(lib):
    h = next(_hashes)
    g.blocklist(info_hash=h, title="Bad.Release", reason="failed in Deluge")
    assert refused(lib.grab_movie(rel=release(info_hash=h)), Reason.BLOCKLISTED)
    g.blocklist(info_hash=None, indexer="idx", guid="guid-1", title="Other")
    assert refused(lib.grab_movie(rel=release(indexer="idx", guid="guid-1")), Reason.BLOCKLISTED)
    g.blocklist(info_hash=None, indexer="idx", title="Same.Name", size=123)
    assert refused(
        lib.grab_movie(rel=release("Same.Name", indexer="idx", size=123)), Reason.BLOCKLISTED
    )
    assert lib.grab_movie(rel=release("Same.Name", indexer="idx", size=124)).accepted


def test_a_release_blocklisted_twice_has_one_entry_and_one_removal_frees_it(lib):
    """A new user's report: a download that failed its import (blocklisted then) and was then
    removed with "blocklist and search again" had two entries; taking one off the blocklist
    left the other refusing the release, while the screen said it could be grabbed again."""
    h = next(_hashes)
    first = g.blocklist(info_hash=h, title="Bad.Release", reason="cannot be imported")
    again = g.blocklist(info_hash=h, title="Bad.Release", reason="removed by the user")
    assert again == first and [e.id for e in g.blocklist_entries()] == [first]
    by_guid = g.blocklist(info_hash=None, indexer="idx", guid="guid-1", title="Other")
    assert g.blocklist(info_hash=None, indexer="idx", guid="guid-1", title="Other") == by_guid
    assert len(g.blocklist_entries()) == 2
    assert g.unblock(first)
    assert lib.grab_movie(rel=release(info_hash=h)).accepted


def test_unblocking_frees_a_release_listed_twice_before(lib):
    """Libraries that already hold two entries for one release (before they were merged):
    removing either one frees the release, as the screen promises."""
    h = next(_hashes)
    ids = [
        Blocklist.insert(info_hash=h, title="Bad.Release", reason=why).execute()
        for why in ("cannot be imported", "removed by the user")
    ]
    assert g.unblock(ids[1])
    assert g.blocklist_entries() == []
    assert lib.grab_movie(rel=release(info_hash=h)).accepted


def test_expired_blocklist_entry_no_longer_blocks(lib):
    h = next(_hashes)
    g.blocklist(info_hash=h, expires_at=utcnow() - dt.timedelta(minutes=1))
    assert lib.grab_movie(rel=release(info_hash=h)).accepted


# ---------------------------------------------------------------------------------------------
# Order, records and state


def test_first_refusal_wins_in_fixed_order(lib):
    lib.movie_file()
    h = next(_hashes)
    g.blocklist(info_hash=h)
    assert refused(lib.grab_movie(rel=release(info_hash=h)), Reason.ALREADY_ON_DISK)
    assert [r.__name__ for r in g.RULES] == [
        "rule_valid_target",
        "rule_already_on_disk",
        "_rule_files_in_db",
        "rule_not_in_flight",
        "rule_not_same_torrent",
        "rule_not_blocklisted",
    ]


def test_every_refusal_is_in_the_history_with_its_reason(lib):
    lib.grab_movie()
    lib.grab_movie()
    lib.guard.grab(None, release(), ok())
    reasons = [e.reason for e in list_history() if e.event == "refused"]
    assert sorted(reasons) == ["in_flight", "invalid_target"]
    (in_flight,) = [e for e in list_history() if e.reason == "in_flight"]
    assert in_flight.item_id == lib.bbb and "already being fetched" in in_flight.message


def test_claim_is_committed_before_the_client_is_called(lib, db_path):
    from mydia_tui.db import make_database

    seen = {}

    def send():
        other = make_database(str(db_path))  # another connection sees the committed claim
        other.connect()
        seen["state"] = other.execute_sql("SELECT state FROM download").fetchone()[0]
        seen["units"] = other.execute_sql(
            "SELECT count(*) FROM download_unit WHERE active_unit IS NOT NULL"
        ).fetchone()[0]
        other.close()
        return AddResult("0" * 40)

    assert lib.guard.grab(movie_target(lib.bbb), release(), send).accepted
    assert seen == {"state": "sending", "units": 1}


def test_finish_releases_units_and_keeps_the_row(lib):
    outcome = lib.grab_season(1)
    assert DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).count() == 5
    assert finish(outcome.download_id, "failed", error="x")
    assert DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).count() == 0
    assert not finish(outcome.download_id, "removed")  # already ended
    row = Download.get_by_id(outcome.download_id)
    assert row.state == "failed" and row.failed_at is not None


def test_check_previews_without_claiming(lib):
    assert lib.guard.check(movie_target(lib.bbb), release()) is None
    assert Download.select().count() == 0
    lib.grab_movie()
    assert lib.guard.check(movie_target(lib.bbb), release()).reason == Reason.IN_FLIGHT


def test_show_folder_listing_is_reused_only_while_no_folder_changed(lib):
    """The guard remembers a show folder's video files; a file added later is still seen."""
    season = lib.shows_root / "The Expanse" / "Season 01"
    season.mkdir(parents=True)
    (season / "the.expanse.s01e01.mkv").write_bytes(b"x")
    old = 1_600_000_000
    for folder in (season, season.parent):
        os.utime(folder, (old, old))
    assert refused(lib.grab_episodes((1, 1)), Reason.ALREADY_ON_DISK)
    listing = g._LISTINGS[str(season.parent)]
    assert refused(lib.grab_episodes((1, 1)), Reason.ALREADY_ON_DISK)
    assert g._LISTINGS[str(season.parent)] is listing  # reused: nothing changed
    (season / "the.expanse.s01e02.mkv").write_bytes(b"x")  # the season folder's mtime moves
    assert refused(lib.grab_episodes((1, 2)), Reason.ALREADY_ON_DISK)
    assert lib.grab_episodes((1, 3)).accepted


# ---------------------------------------------------------------------------------------------
# Folders unchanged since the scan are not listed again (mydia_tui.scanning.folders)

OLD_NS = 1_600_000_000 * 10**9  # 2020: the folders of a library that has been there a while


def _scan(lib) -> None:
    from mydia_tui.config import Config, LibraryConfig
    from mydia_tui.scanning import scan_library

    config = Config(
        library=LibraryConfig(movies=(str(lib.movies_root),), shows=(str(lib.shows_root),))
    )
    report = scan_library(config)
    assert not report.errors


def _age(*tops: Path) -> None:
    """Date every folder under ``tops`` (and themselves) back to 2020."""
    for top in tops:
        for folder, _, _ in os.walk(top):
            os.utime(folder, ns=(OLD_NS, OLD_NS))


def _show_with_season_one(lib) -> Path:
    season = lib.shows_root / "The Expanse" / "Season 01"
    season.mkdir(parents=True)
    (season / "The Expanse - S01E01.mkv").write_bytes(b"x")
    return season


@pytest.fixture
def listings(monkeypatch):
    """Every folder os.scandir lists, in order."""
    seen: list[str] = []
    real = os.scandir

    def counting(path="."):
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    g._LISTINGS.clear()
    return seen


def test_scanned_folders_unchanged_since_are_trusted_without_listing_them(lib, listings):
    season = _show_with_season_one(lib)
    _age(lib.shows_root)
    _scan(lib)
    listings.clear()
    assert lib.grab_episodes((1, 2)).accepted
    assert refused(
        lib.grab_episodes((1, 1)), Reason.ALREADY_ON_DISK
    )  # the scanned file, by its row
    assert listings == []  # one stat per folder, no listing
    # a file the scan has not seen changes its folder's time: the folders are listed again
    (season / "the.expanse.s01e03.720p.mkv").write_bytes(b"x")
    outcome = lib.grab_episodes((1, 3))
    assert refused(outcome, Reason.ALREADY_ON_DISK)
    assert "not scanned yet" in outcome.message
    assert str(season) in listings


def test_file_added_within_the_scans_clock_tick_is_still_found(lib):
    """A folder changed just before the scan listed it may change again with the same time
    (coarse file-system clocks): its record is not trusted."""
    season = _show_with_season_one(lib)
    _scan(lib)  # the folders were changed a moment ago
    before = os.stat(season).st_mtime_ns
    (season / "the.expanse.s01e02.mkv").write_bytes(b"x")
    os.utime(season, ns=(before, before))  # the new file left the folder's time as it was
    assert refused(lib.grab_episodes((1, 2)), Reason.ALREADY_ON_DISK)


def test_video_the_scan_could_not_match_keeps_its_folder_listed(lib, listings):
    """S01E09 is not in the library when scanned (unmatched); the show is refreshed and E09
    appears: its file is found although no folder changed since the scan."""
    season = _show_with_season_one(lib)
    (season / "The Expanse - S01E09.mkv").write_bytes(b"x")
    _age(lib.shows_root)
    _scan(lib)
    Episode.create(show=lib.show, season=1, number=9)
    outcome = lib.grab_episodes((1, 9))
    assert refused(outcome, Reason.ALREADY_ON_DISK)
    assert "S01E09" in outcome.message


def test_new_subfolder_after_the_scan_is_listed(lib):
    _show_with_season_one(lib)
    _age(lib.shows_root)
    _scan(lib)
    extra = lib.shows_root / "The Expanse" / "The.Expanse.S02E01.1080p-GRP"
    extra.mkdir()
    (extra / "the.expanse.s02e01.1080p.mkv").write_bytes(b"x")
    os.utime(extra, ns=(OLD_NS, OLD_NS))  # even an old-looking folder: its parent changed
    assert refused(lib.grab_episodes((2, 1)), Reason.ALREADY_ON_DISK)


def test_trailers_and_extras_in_the_film_folder_do_not_count(lib):
    """What the scan would never record as the film does not block grabbing it."""
    folder = lib.movies_root / "Big Buck Bunny (2008)"
    (folder / "Extras").mkdir(parents=True)
    (folder / "Big Buck Bunny (2008)-trailer.mkv").write_bytes(b"x")
    (folder / "Extras" / "Big Buck Bunny - making of.mkv").write_bytes(b"x")
    (folder / ".hidden.mkv").write_bytes(b"x")
    assert lib.grab_movie().accepted


def test_record_scan_marks_what_it_could_not_read_and_keeps_records_under_it(lib):
    from mydia_tui.models import FolderState
    from mydia_tui.scanning import folders

    root = LibraryRoot.get(LibraryRoot.kind == "shows").id
    old = OLD_NS
    listed = [
        folders.Listed("", old, old + 10**10),
        folders.Listed("A", old, old + 10**10),
        folders.Listed("A/Season 01", old, old + 10**10),
        folders.Listed("B", old, old + 10**10),
    ]
    folders.record_scan(root, listed)
    assert FolderState.select().where(FolderState.root == root).count() == 4
    # A/Season 01 cannot be read this time; B is gone; A has an unmatched video
    folders.record_scan(root, listed[:2], unmatched=["A/odd.mkv"], unreadable=["A/Season 01/"])
    rows = {s.path: (s.top, s.loose) for s in FolderState.select().where(FolderState.root == root)}
    assert rows == {"": ("", 0), "A": ("A", 2), "A/Season 01": ("A", 0)}


def test_show_listing_is_not_reused_when_walked_within_a_clock_tick_of_a_change(tmp_path):
    folder = tmp_path / "Show"
    folder.mkdir()
    os.utime(folder, ns=(OLD_NS, OLD_NS))
    racy = g._FolderListing(((str(folder), OLD_NS),), (), listed_ns=OLD_NS + 10**9)
    settled = g._FolderListing(((str(folder), OLD_NS),), (), listed_ns=OLD_NS + 3 * 10**9)
    assert not racy.is_current()
    assert settled.is_current()


def test_rescans_keep_the_folder_records_current(lib, monkeypatch):
    """An unchanged re-scan writes nothing, yet a record removed behind its back comes back, and
    a record too fresh to trust becomes trusted once a later scan sees the folder settled."""
    from mydia_tui.models import FolderState
    from mydia_tui.scanning import folders

    monkeypatch.setattr(folders, "RACY_NS", 300_000_000)  # 0.3 s instead of 2 s
    season = _show_with_season_one(lib)
    root = LibraryRoot.get(LibraryRoot.kind == "shows").id
    _scan(lib)  # the folders changed a moment ago: recorded, not trusted
    assert folders.unchanged_since_scan(root, "The Expanse") == (str(lib.shows_root), False)
    time.sleep(0.4)
    _scan(lib)  # nothing changed, but now the records can be trusted
    assert folders.unchanged_since_scan(root, "The Expanse") == (str(lib.shows_root), True)
    records = list(FolderState.select().order_by(FolderState.path).tuples())
    _scan(lib)
    assert list(FolderState.select().order_by(FolderState.path).tuples()) == records  # untouched

    def seen() -> set:
        return set(FolderState.select(FolderState.path, FolderState.mtime_ns).tuples())

    before = seen()
    FolderState.delete().where(FolderState.path == "The Expanse/Season 01").execute()
    _scan(lib)  # the listing is the same as last time, but a record is missing: written again
    assert seen() == before
    assert season.is_dir()


# ---------------------------------------------------------------------------------------------
# Every layout the scan maps, the guard sees (mydia-tui issue 14); a scan maps every layout the
# guard refuses for


@pytest.mark.parametrize(
    "layout",
    [
        "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mkv",  # a loose file in the root
        "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP/Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mkv",
        "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP/bbb-1080p.mkv",  # scene folder, short file
        "Big Buck Bunny/Big Buck Bunny (2008).mkv",  # a folder without the year
        "Big Buck Bunny (2008)/Big Buck Bunny (2008).iso",  # an extension only the scan knew
        "Big Buck Bunny (2008)/BBB (2008).vob",
    ],
)
def test_a_film_on_disk_in_any_layout_the_scan_maps_is_not_grabbed_again(lib, layout):
    path = lib.movies_root / layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    outcome = lib.grab_movie()
    assert refused(outcome, Reason.ALREADY_ON_DISK), outcome.message
    assert str(path) in outcome.message
    # and the scan maps it to the film: what the guard saw, the library now records
    _scan(lib)
    (f,) = MediaFile.select()
    assert f.movie_id == lib.bbb and f.path == layout


@pytest.mark.parametrize(
    "layout",
    [
        "Sintel (2010)/Sintel (2010).mkv",  # another film
        "Big Buck Bunny (2008)/Big Buck Bunny (2008)-trailer.mkv",  # an extra
        "Big Buck Bunny (2008)/Big.Buck.Bunny.2008.Featurette.1080p.mkv",  # bonus material
        "Big.Buck.Bunny.2.2015.1080p.BluRay.x264-GRP.mkv",  # the sequel
        "Big.Buck.Bunny.1999.1080p.mkv",  # another year: another film of that title
    ],
)
def test_what_the_scan_would_not_map_to_the_film_does_not_block_it(lib, layout):
    path = lib.movies_root / layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    assert lib.grab_movie().accepted


def test_a_multi_episode_file_blocks_each_episode_it_holds(lib):
    """With ``The Expanse - S01E01-02 - Title.mkv`` on disk (not scanned), S01E01 was refused
    but S01E02 grabbed: the guard read the range as one episode."""
    folder = lib.shows_root / "The Expanse" / "Season 01"
    folder.mkdir(parents=True)
    (folder / "The Expanse - S01E01-02 - Dulcinea.mkv").write_bytes(b"x")
    (folder / "The.Expanse.1x03x04.720p.mkv").write_bytes(b"x")
    for n in (1, 2, 3, 4):
        assert refused(lib.grab_episodes((1, n)), Reason.ALREADY_ON_DISK), n
    assert refused(lib.grab_season(1), Reason.ALREADY_ON_DISK)
    assert lib.grab_episodes((2, 1)).accepted


@pytest.mark.parametrize(
    "layout",
    [
        "The.Expanse.S02E01.1080p.WEB-DL.x264-GRP.mkv",  # loose in the root
        "The.Expanse.S02.1080p.WEB-DL.x264-GRP/The.Expanse.S02E01.1080p.WEB-DL.x264-GRP.mkv",
        "The Expanse (2015)/Season 2/The Expanse (2015) - 2x01 - Cascade.mkv",
        "The Expanse/Season 02/01 - Cascade.mkv",  # the season folder gives the season
        "The Expanse/Season 02/The Expanse - Season 2 Episode 1.mkv",
    ],
)
def test_an_episode_on_disk_in_any_layout_the_scan_maps_is_not_grabbed_again(lib, layout):
    path = lib.shows_root / layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    outcome = lib.grab_episodes((2, 1))
    assert refused(outcome, Reason.ALREADY_ON_DISK), outcome.message
    assert lib.grab_episodes((2, 2)).accepted
    _scan(lib)
    (f,) = MediaFile.select()
    assert f.episode_id == lib.ep(2, 1) and f.path == layout


@pytest.mark.parametrize(
    "layout",
    ["Room 237 (2012)/Room 237 (2012) 1080p.mkv", "Room.237.2012.720p.BluRay.x264-GRP.mkv"],
)
def test_a_film_whose_title_holds_three_digits_is_seen_and_mapped(lib, layout):
    """ "Room 237" is not season 2 episode 37: a bare number is an episode only when no year
    follows it (the scene's ``Show.416.hdtv``)."""
    room = add_movie("Room 237", 2012).id
    path = lib.movies_root / layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    assert refused(lib.grab_movie(room), Reason.ALREADY_ON_DISK)
    _scan(lib)
    (f,) = MediaFile.select()
    assert f.movie_id == room


# ---------------------------------------------------------------------------------------------
# Found by trying the guard as a new user (issue 14's review)


@pytest.mark.parametrize(
    ("title", "year", "layout"),
    [
        ("千と千尋の神隠し", 2001, "千と千尋の神隠し (2001)/千と千尋の神隠し.mkv"),
        ("Брат", 1997, "Брат (1997)/Брат.1997.mkv"),
        ("Kill Bill: Volume 1", 2003, "Kill.Bill.Vol.1.2003.1080p.BluRay.x264-GRP.mkv"),
        ("Blade Runner 2049", 2017, "Blade.Runner.2049.mkv"),
    ],
)
def test_titles_in_any_script_and_written_either_way_are_seen(lib, title, year, layout):
    item = add_movie(title, year).id
    path = lib.movies_root / layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    assert refused(lib.grab_movie(item), Reason.ALREADY_ON_DISK)
    _scan(lib)
    (f,) = MediaFile.select()
    assert f.movie_id == item


def test_a_namesake_of_another_year_or_country_is_not_taken_for_the_item(lib):
    heist_2001 = add_movie("Heist", 2001).id
    heist_2002 = add_movie("Heist", 2002).id
    (lib.movies_root / "Heist.2001.1080p.mkv").write_bytes(b"video")
    assert refused(lib.grab_movie(heist_2001), Reason.ALREADY_ON_DISK)
    assert lib.grab_movie(heist_2002).accepted  # one year off, but Heist (2001) exists

    uk = add_show("The Office", manual_episodes({1: 6}), year=2001).id
    us = add_show("The Office (US)", manual_episodes({1: 6}), year=2005).id
    season = lib.shows_root / "The Office (US)" / "Season 01"
    season.mkdir(parents=True)
    (season / "The.Office.US.S01E01.mkv").write_bytes(b"video")

    def grab(show, n):
        ep = Episode.get((Episode.show == show) & (Episode.season == 1) & (Episode.number == n))
        rel = release()
        return lib.guard.grab(episodes_target([ep.id]), rel, ok(rel.info_hash))

    assert refused(grab(us, 1), Reason.ALREADY_ON_DISK)
    assert grab(uk, 1).accepted
    _scan(lib)
    (f,) = MediaFile.select().where(MediaFile.episode.is_null(False))
    assert Episode.get_by_id(f.episode_id).show_id == us


def test_a_library_folder_that_is_not_mounted_proves_nothing_gone(lib):
    lib.movie_file()
    for entry in sorted(lib.movies_root.rglob("*"), reverse=True):
        entry.unlink() if entry.is_file() else entry.rmdir()  # the disk is not mounted
    outcome = lib.grab_movie()
    assert refused(outcome, Reason.ALREADY_ON_DISK)
    assert "is the disk mounted?" in outcome.message
    assert MediaFile.get().missing_since is None


def test_anime_numbered_absolutely_in_a_season_folder_count_in_the_shows_order(lib):
    show = add_show("One Piece", manual_episodes({1: 61, 2: 16})).id
    season = lib.shows_root / "One Piece" / "Season 2"
    season.mkdir(parents=True)
    (season / "[Group] One Piece - 66 [1080p].mkv").write_bytes(b"video")

    def grab(s, n):
        ep = Episode.get((Episode.show == show) & (Episode.season == s) & (Episode.number == n))
        rel = release()
        return lib.guard.grab(episodes_target([ep.id]), rel, ok(rel.info_hash))

    assert refused(grab(2, 5), Reason.ALREADY_ON_DISK)  # episode 66 is S02E05
    assert grab(2, 16).accepted


def test_promos_and_commentaries_are_not_the_film(lib):
    folder = lib.movies_root / "Big Buck Bunny (2008)"
    folder.mkdir()
    (folder / "Big.Buck.Bunny.2008.Promo.mkv").write_bytes(b"video")
    (folder / "Big.Buck.Bunny.2008.Commentary.mkv").write_bytes(b"video")
    assert lib.grab_movie().accepted
