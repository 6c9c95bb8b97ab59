"""The library scan, on real files in tmp_path, with a real SQLite file and a real PostgreSQL
database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mydia_tui import library, views
from mydia_tui.config import Config, LibraryConfig
from mydia_tui.events import LibraryChanged, ScanProgress
from mydia_tui.models import FileEpisode, History, MediaFile
from mydia_tui.scanning import names, scan_library
from mydia_tui.scanning.names import parse_file

#: a re-scan must see unchanged files as unchanged on PostgreSQL too (times stored exactly)
pytestmark = pytest.mark.both_databases


def _touch(root: Path, rel: str, size: int = 1000) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


@pytest.fixture
def roots(tmp_path):
    movies, shows = tmp_path / "movies", tmp_path / "tv"
    movies.mkdir()
    shows.mkdir()
    return movies, shows


def _config(movies: Path | None, shows: Path | None, threshold: float = 0.2) -> Config:
    return Config(
        library=LibraryConfig(
            movies=(str(movies),) if movies else (),
            shows=(str(shows),) if shows else (),
            vanish_threshold=threshold,
        )
    )


def _wanted_titles() -> set[str]:
    return {r.title for r in views.list_items(wanted_only=True)}


def _expanse(seasons: str = "1:5,2:3"):
    return library.add_show(
        "The Expanse", library.manual_episodes(library.parse_seasons(seasons)), year=2015
    )


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "season", "episodes"),
    [
        ("The Expanse - S01E02 - The Big Empty [WEBDL-1080p]", 1, (2,)),
        ("The.Expanse.S01E01E02.1080p", 1, (1, 2)),
        ("The Expanse - S01E01-E03", 1, (1, 2, 3)),
        ("The Expanse - S01E01-03", 1, (1, 2, 3)),
        ("the.expanse.1x02.hdtv", 1, (2,)),
        ("The Expanse 2x01-02", 2, (1, 2)),
        ("The Expanse S01E02-1080p", 1, (2,)),
        ("The Expanse - Season 1 Episode 4", 1, (4,)),
        ("The Expanse s1 ep4", 1, (4,)),
    ],
)
def test_episode_names(stem, season, episodes):
    info = parse_file(stem)
    assert info is not None and info.title.lower().endswith("expanse")
    assert (info.season, info.episodes) == (season, episodes)


@pytest.mark.parametrize(
    ("name", "quality"),
    [
        ("Sintel (2010) [Bluray-1080p]", "Bluray-1080p"),
        ("Sintel.2010.2160p.UHD.BluRay.REMUX.HEVC-GRP", "Remux-2160p"),
        ("Sintel.2010.1080p.WEB-DL.x264", "WEBDL-1080p"),
        ("Sintel.2010.720p.WEBRip", "WEBRip-720p"),
        ("Sintel (2010)", ""),
    ],
)
def test_quality_from_names(name, quality):
    assert names.quality_from_names(name) == quality


# --- matching -------------------------------------------------------------------------------


def test_film_matched_by_id_in_folder_even_under_another_title(db, roots):
    movies, _ = roots
    bbb = library.add_movie("Big Buck Bunny", 2008, imdb_id="tt1254207")
    _touch(movies, "BBB {imdb-tt1254207}/bbb.mkv")
    _touch(movies, "Whatever [imdbid-tt1254207]/movie.mp4")
    report = scan_library(_config(movies, None))
    assert report.added == 2 and not report.unmatched
    assert {f.movie_id for f in MediaFile.select()} == {bbb.id}


def test_film_matched_by_title_and_year_with_quality(db, roots):
    movies, _ = roots
    bbb = library.add_movie("Big Buck Bunny", 2008)
    sintel = library.add_movie("Sintel", 2010)
    _touch(movies, "Big Buck Bunny (2008)/Big Buck Bunny (2008) [Bluray-1080p].mkv")
    _touch(movies, "Sintel.2011.720p.WEB-DL.x264-GRP.mkv")  # one year off, loose in the root
    report = scan_library(_config(movies, None))
    assert report.added == 2, report.unmatched
    files = {f.movie_id: f for f in MediaFile.select()}
    assert files[bbb.id].quality == "Bluray-1080p"
    assert files[sintel.id].quality == "WEBDL-720p"
    assert _wanted_titles() == set()


def test_look_alikes_are_not_attached(db, roots):
    movies, _ = roots
    library.add_movie("Alien", 1979)
    library.add_movie("The Matrix", 1999)
    _touch(movies, "Aliens (1986)/Aliens (1986).mkv")
    _touch(movies, "The Matrix Reloaded (2003)/The Matrix Reloaded (2003).mkv")
    _touch(movies, "Alien (1992)/Alien 3.mkv")  # same title, years apart: not ours
    report = scan_library(_config(movies, None))
    assert report.added == 0
    reasons = {u.path.split("/")[0]: u.reason for u in report.unmatched}
    assert "no film titled 'Aliens (1986)'" in reasons["Aliens (1986)"]
    assert "1979" in reasons["Alien (1992)"]
    assert len(reasons) == 3
    assert _wanted_titles() == {"Alien", "The Matrix"}
    assert MediaFile.select().count() == 0


def test_id_in_the_name_that_contradicts_the_item_is_not_attached(db, roots):
    movies, _ = roots
    library.add_movie("Dune", 2021, imdb_id="tt1160419")
    _touch(movies, "Dune (2021) {imdb-tt0087182}/Dune.mkv")  # another film's id
    report = scan_library(_config(movies, None))
    assert report.added == 0 and len(report.unmatched) == 1


def test_shows_single_and_multi_episode_files(db, roots):
    _, shows = roots
    show = _expanse()
    _touch(shows, "The Expanse (2015)/Season 01/The Expanse - S01E01 - Dulcinea [HDTV-720p].mkv")
    _touch(shows, "The Expanse (2015)/Season 01/The Expanse - S01E02E03 - Two.mkv")
    _touch(shows, "The Expanse (2015)/Season 01/The Expanse - 1x04.mkv")
    _touch(shows, "The Expanse (2015)/Season 2/05 - Fifth.mkv")  # no such episode
    _touch(shows, "The Expanse (2015)/Season 2/E02 - Second.mkv")  # number from the folder
    _touch(shows, "The.Expanse.S02E03.1080p.WEB-DL.mkv")  # loose in the root
    report = scan_library(_config(None, shows))
    assert report.added == 5, report.unmatched
    (unmatched,) = report.unmatched
    assert "no episode S02E05 of The Expanse (2015)" in unmatched.reason
    multi = MediaFile.get(MediaFile.path.endswith("S01E02E03 - Two.mkv"))
    linked = sorted(
        (fe.episode.season, fe.episode.number)
        for fe in FileEpisode.select().where(FileEpisode.file == multi.id)
    )
    assert linked == [(1, 2), (1, 3)]
    assert multi.episode.number == 2  # the first episode owns the file
    (row,) = views.list_items()
    assert (row.episodes_on_disk, row.wanted) == (6, 2)
    assert row.id == show.id


def test_show_matched_by_tvdb_id_in_folder(db, roots):
    _, shows = roots
    show = library.add_show("Doctor Who", library.manual_episodes({1: 2}), year=2005, tvdb_id=78804)
    _touch(shows, "Dr Who {tvdb-78804}/Season 1/x - S01E01.mkv")
    report = scan_library(_config(None, shows))
    assert report.added == 1
    assert MediaFile.get().episode.show_id == show.id


def test_unmatched_files_are_listed_never_attached_nor_created(db, roots):
    movies, shows = roots
    _touch(movies, "Unknown Film (1999)/Unknown Film (1999).mkv")
    _touch(shows, "Unknown Show/Season 01/Unknown Show - S01E01.mkv")
    report = scan_library(_config(movies, shows))
    assert {u.path for u in report.unmatched} == {
        "Unknown Film (1999)/Unknown Film (1999).mkv",
        "Unknown Show/Season 01/Unknown Show - S01E01.mkv",
    }
    assert views.list_items() == [] and MediaFile.select().count() == 0


def test_samples_extras_and_partial_downloads_are_skipped(db, roots):
    movies, _ = roots
    library.add_movie("Sintel", 2010)
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv")
    _touch(movies, "Sintel (2010)/sample.mkv")
    _touch(movies, "Sintel (2010)/Sintel-trailer.mp4")
    _touch(movies, "Sintel (2010)/Extras/Making of.mkv")
    _touch(movies, "Sintel (2010)/Sintel.2010.1080p.mkv.part")
    _touch(movies, "Sintel (2010)/Sintel.2010.1080p.mkv.!qB")
    report = scan_library(_config(movies, None))
    assert report.added == 1 and not report.unmatched


# --- incremental ----------------------------------------------------------------------------


def test_unchanged_files_are_not_parsed_again(db, roots, monkeypatch):
    movies, shows = roots
    library.add_movie("Sintel", 2010)
    _expanse()
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv")
    _touch(shows, "The Expanse/Season 01/The Expanse - S01E01.mkv")
    config = _config(movies, shows)
    first = scan_library(config)
    assert (first.added, first.parsed) == (2, 2)

    calls = []
    for fn in ("parse_file", "parse_folder", "fallback_parse"):
        original = getattr(names, fn)
        monkeypatch.setattr(names, fn, lambda *a, _o=original, _n=fn: calls.append(_n) or _o(*a))
    again = scan_library(config)
    assert (again.unchanged, again.added, again.updated, again.parsed) == (2, 0, 0, 0)
    assert calls == []
    assert MediaFile.select().count() == 2

    # a changed file (new size) is read again, and only that one
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv", size=5000)
    third = scan_library(config)
    assert (third.unchanged, third.updated, third.parsed) == (1, 1, 1)
    assert MediaFile.get(MediaFile.path.startswith("Sintel")).size == 5000


def test_changed_multi_episode_file_keeps_every_link(db, roots):
    _, shows = roots
    _expanse()
    rel = "The Expanse/Season 01/The Expanse - S01E01E02.mkv"
    _touch(shows, rel)
    config = _config(None, shows)
    assert scan_library(config).added == 1
    _touch(shows, rel, size=99)  # replaced by a new copy
    report = scan_library(config)
    assert (report.updated, report.added, report.removed) == (1, 0, 0)
    (f,) = MediaFile.select()
    assert f.size == 99
    numbers = sorted(fe.episode.number for fe in FileEpisode.select())
    assert numbers == [1, 2]


# --- vanished files and the safety brakes -----------------------------------------------------


def _six_films(movies: Path) -> list[Path]:
    paths = []
    for i in range(6):
        library.add_movie(f"Film {i}", 2000 + i)
        paths.append(_touch(movies, f"Film {i} ({2000 + i})/Film {i} ({2000 + i}).mkv"))
    return paths


def test_a_vanished_file_is_forgotten_and_its_film_wanted_again(db, roots):
    movies, _ = roots
    paths = _six_films(movies)
    config = _config(movies, None)
    assert scan_library(config).added == 6
    assert _wanted_titles() == set()
    paths[0].unlink()
    events = []
    report = scan_library(config, on_event=events.append)
    assert report.removed == 1 and report.clean
    assert _wanted_titles() == {"Film 0"}
    (deleted,) = History.select().where(History.event == "file_deleted")
    assert "Film 0 (2000)/Film 0 (2000).mkv" in deleted.message
    assert any(isinstance(e, LibraryChanged) for e in events)
    assert any(isinstance(e, ScanProgress) and e.done for e in events)


def test_missing_root_removes_nothing_and_warns(db, roots, tmp_path):
    movies, _ = roots
    _six_films(movies)
    assert scan_library(_config(movies, None)).added == 6
    movies.rename(tmp_path / "unmounted")
    report = scan_library(_config(movies, None))
    assert report.removed == 0 and MediaFile.select().count() == 6
    assert [w.code for w in report.warnings] == ["root_missing"]
    assert report.roots[0].status == "missing" and not report.clean
    assert _wanted_titles() == set()


def test_empty_root_removes_nothing_and_warns(db, roots):
    movies, _ = roots
    paths = _six_films(movies)
    assert scan_library(_config(movies, None)).added == 6
    for p in paths:
        p.unlink()
        p.parent.rmdir()
    report = scan_library(_config(movies, None))
    assert report.removed == 0 and report.held_back == 6
    assert [w.code for w in report.warnings] == ["root_empty"]
    assert MediaFile.select().count() == 6 and _wanted_titles() == set()
    # the user says they are really gone
    forced = scan_library(_config(movies, None), allow_mass_removal=True)
    assert forced.removed == 6 and len(_wanted_titles()) == 6


def test_too_many_vanished_at_once_removes_nothing(db, roots):
    movies, _ = roots
    paths = _six_films(movies)
    assert scan_library(_config(movies, None)).added == 6
    for p in paths[:2]:  # 2 of 6: 33 % > 20 %
        p.unlink()
    report = scan_library(_config(movies, None))
    assert report.removed == 0 and report.held_back == 2
    assert [w.code for w in report.warnings] == ["too_many_vanished"]
    assert "2 of 6" in report.warnings[0].message
    assert MediaFile.select().count() == 6
    # a higher threshold lets it through
    assert scan_library(_config(movies, None, threshold=0.5)).removed == 2


# --- awkward file systems ---------------------------------------------------------------------


def test_non_utf8_names_are_reported_and_stored_displayable(db, roots):
    movies, _ = roots
    sintel = library.add_movie("Sintel", 2010)
    folder = movies / "Sintel (2010)"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"Sintel (2010) caf\xe9.mkv")
    with open(raw, "wb") as fh:
        fh.truncate(10)
    report = scan_library(_config(movies, None))
    assert report.added == 1
    (warning,) = [w for w in report.warnings if w.code == "non_utf8_name"]
    stored = MediaFile.get()
    assert stored.movie_id == sintel.id and stored.path.endswith("caf\\xe9.mkv")
    # the displayable form is stable: the next scan sees the same file unchanged
    again = scan_library(_config(movies, None))
    assert (again.unchanged, again.added, again.removed) == (1, 0, 0)


def test_symlink_loop_is_reported_not_followed_forever(db, roots):
    movies, _ = roots
    library.add_movie("Sintel", 2010)
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv")
    os.symlink("..", movies / "Sintel (2010)" / "loop")
    os.symlink("a", movies / "b")
    os.symlink("b", movies / "a")  # a <-> b: a loop of links
    report = scan_library(_config(movies, None))
    assert report.added == 1
    codes = {w.code for w in report.warnings} | {e.code for e in report.errors}
    assert "symlink_loop" in codes and "broken_link" in codes


def test_dangling_link_is_an_error_not_a_crash(db, roots):
    movies, _ = roots
    library.add_movie("Sintel", 2010)
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv")
    os.symlink("/nonexistent/film.mkv", movies / "Sintel (2010)" / "gone.mkv")
    report = scan_library(_config(movies, None))
    assert report.added == 1
    assert [e.code for e in report.errors] == ["broken_link"]


def test_unreadable_folder_keeps_its_records(db, roots):
    """We run as root, so chmod cannot make a folder unreadable: the scan's ``scandir`` is
    replaced by one that raises PermissionError for that folder, exactly as os.scandir does
    for a user without read permission."""
    movies, _ = roots
    paths = _six_films(movies)
    config = _config(movies, None, threshold=1.0)
    assert scan_library(config).added == 6
    blocked = str(paths[0].parent)

    def scandir(path):
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return os.scandir(path)

    report = scan_library(config, scandir=scandir)
    assert [e.code for e in report.errors] == ["unreadable"]
    assert "Permission denied" in report.errors[0].message
    assert report.removed == 0 and MediaFile.select().count() == 6
    assert _wanted_titles() == set()


def test_unreadable_root_removes_nothing(db, roots):
    movies, _ = roots
    _six_films(movies)
    config = _config(movies, None)
    scan_library(config)

    def scandir(path):
        raise PermissionError(13, "Permission denied", os.fspath(path))

    report = scan_library(config, scandir=scandir)
    assert report.roots[0].status == "unreadable" and report.removed == 0
    assert MediaFile.select().count() == 6


def test_file_vanishing_during_the_scan_is_reported(db, roots):
    movies, _ = roots
    library.add_movie("Sintel", 2010)
    _touch(movies, "Sintel (2010)/Sintel (2010).mkv")
    doomed = _touch(movies, "Sintel (2010)/other.mkv")
    target = str(doomed.parent)

    def scandir(path):
        entries = list(os.scandir(path))
        if os.fspath(path) == target:
            doomed.unlink()  # gone between the listing and the stat

        class _It:
            def __iter__(self):
                return iter(entries)

            def __enter__(self):
                return self

            def __exit__(self, *a):
                return False

            def close(self):
                pass

        return _It()

    report = scan_library(_config(movies, None), scandir=scandir)
    assert report.added == 1
    assert "vanished_during_scan" in {w.code for w in report.warnings}


def test_cancelled_scan_removes_nothing(db, roots):
    movies, _ = roots
    paths = _six_films(movies)
    config = _config(movies, None, threshold=1.0)
    scan_library(config)
    paths[0].unlink()
    report = scan_library(config, should_stop=lambda: True)
    assert report.removed == 0 and MediaFile.select().count() == 6


# --- the command line -----------------------------------------------------------------------


def _cli_config(tmp_path: Path, movies: Path, shows: Path) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[library]\nmovies = ["{movies}"]\nshows = ["{shows}"]\n')
    return cfg


def test_cli_scan_json_summary(cli, roots, tmp_path):
    movies, shows = roots
    cli.config_path = _cli_config(tmp_path, movies, shows)
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    assert cli("add", "show", "The Expanse", "--seasons", "1:3").code == 0
    _touch(movies, "Sintel (2010)/Sintel (2010) [WEBDL-1080p].mkv")
    _touch(movies, "Aliens (1986)/Aliens (1986).mkv")
    _touch(shows, "The Expanse/Season 01/The Expanse - S01E01E02.mkv")
    r = cli("scan", "--json")
    assert r.code == 0, r.err
    assert r.err == ""  # progress goes to a terminal only
    data = r.json()
    assert (data["files_seen"], data["added"], data["unchanged"], data["removed"]) == (3, 2, 0, 0)
    assert [u["path"] for u in data["unmatched"]] == ["Aliens (1986)/Aliens (1986).mkv"]
    assert [root["kind"] for root in data["roots"]] == ["movies", "shows"]
    assert data["warnings"] == [] and data["errors"] == []
    items = {i["title"]: i for i in cli("list", "--json").json()}
    assert items["Sintel"]["status"] == "on_disk" and items["Sintel"]["quality"] == "WEBDL-1080p"
    assert items["The Expanse"]["episodes"]["on_disk"] == 2
    again = cli("scan", "--json").json()
    assert (again["unchanged"], again["added"], again["parsed"]) == (2, 0, 1)  # Aliens again


def test_cli_scan_missing_root_warns_and_exits_1(cli, roots, tmp_path):
    movies, shows = roots
    cli.config_path = _cli_config(tmp_path, movies, shows / "not-mounted")
    r = cli("scan")
    assert r.code == 1
    assert "is missing" in r.err and "nothing was scanned or removed" in r.err
    assert "Traceback" not in r.err


def test_cli_scan_without_roots_says_what_to_do(cli):
    r = cli("scan")
    assert r.code == 1 and "no library folders configured" in r.err


def test_odd_names_go_to_the_release_parser(db, roots):
    movies, shows = roots
    library.add_movie("Sintel", 2010)
    _expanse()
    _touch(movies, "Sintel [2010] x264.mkv")  # no "(year)" and no folder: the slow path
    _touch(shows, "The Expanse/The Expanse 104.mkv")
    _touch(shows, "The Expanse/The Expanse - Ep. 5 (Season 1).mkv")
    _touch(shows, "The Expanse/The Expanse - Season 2 Episode 1.mkv")  # the fast path
    report = scan_library(_config(movies, shows))
    assert report.added == 4, report.unmatched
    assert report.parsed == 4


def test_progress_events_while_walking(db, roots, monkeypatch):
    from mydia_tui.scanning import service

    movies, _ = roots
    monkeypatch.setattr(service, "PROGRESS_EVERY", 2)
    for i in range(5):
        library.add_movie(f"Film {i}", 2000 + i)
        _touch(movies, f"Film {i} ({2000 + i})/Film {i} ({2000 + i}).mkv")
    events = []
    scan_library(_config(movies, None), on_event=events.append)
    progress = [e for e in events if isinstance(e, ScanProgress)]
    # one event when the root's scan begins (0 files), then every PROGRESS_EVERY, then done
    assert [e.files_seen for e in progress] == [0, 2, 4, 5]
    assert progress[-1].done and progress[-1].root == str(movies)
    # a re-scan knows how many files to expect
    events.clear()
    scan_library(_config(movies, None), on_event=events.append)
    assert events[0].files_total == 5


def test_bulk_insert_binds_every_row(db):
    from mydia_tui.db import bulk_insert
    from mydia_tui.models import LibraryRoot

    root = LibraryRoot.create(path="/x", kind="movies")
    movie = library.add_movie("Sintel", 2010)
    rows = [(movie.id, root.id, f"f{i}.mkv", i, 1.5) for i in range(2500)]
    fields = [MediaFile.movie, MediaFile.root, MediaFile.path, MediaFile.size, MediaFile.mtime]
    bulk_insert(MediaFile, fields, rows)
    bulk_insert(MediaFile, fields, rows[:10], ignore_conflicts=True)
    assert MediaFile.select().count() == 2500
    assert MediaFile.get(MediaFile.path == "f7.mkv").size == 7


def test_cli_scan_text_lists_unmatched(cli, roots, tmp_path):
    movies, shows = roots
    cli.config_path = _cli_config(tmp_path, movies, shows)
    _touch(movies, "Aliens (1986)/Aliens (1986).mkv")
    r = cli("scan")
    assert r.code == 0, r.err
    assert "1 file matches nothing in the library" in r.out
    assert "Aliens (1986)/Aliens (1986).mkv: no film titled 'Aliens (1986)'" in r.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder whatever its mode")
def test_unreadable_folder_by_mode_keeps_its_records(db, roots):
    movies, _ = roots
    paths = _six_films(movies)
    config = _config(movies, None, threshold=1.0)
    assert scan_library(config).added == 6
    folder = paths[0].parent
    folder.chmod(0)
    try:
        report = scan_library(config)
    finally:
        folder.chmod(0o755)
    assert [e.code for e in report.errors] == ["unreadable"]
    assert report.removed == 0 and MediaFile.select().count() == 6


# --- property: what the fast parser writes, it reads back --------------------------------------

_words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8), min_size=1, max_size=4
)


@given(
    words=_words,
    season=st.integers(0, 60),
    first=st.integers(1, 300),
    extra=st.integers(0, 2),
    style=st.sampled_from(["plain", "scene", "range", "x"]),
)
def test_episode_names_round_trip(words, season, first, extra, style):
    title = " ".join(w.capitalize() for w in words)
    numbers = tuple(range(first, first + extra + 1))
    if style == "plain":
        tag = f"S{season:02d}" + "".join(f"E{n:02d}" for n in numbers)
        stem = f"{title} - {tag} - Some Title [WEBDL-1080p]"
    elif style == "scene":
        tag = f"S{season:02d}" + "".join(f"E{n:02d}" for n in numbers)
        stem = f"{title.replace(' ', '.')}.{tag}.1080p.WEB-DL.x264-GRP"
    elif style == "range":
        tag = f"S{season:02d}E{numbers[0]:02d}" + (f"-E{numbers[-1]:02d}" if extra else "")
        stem = f"{title} - {tag}"
    else:
        if season > 99 or any(n > 999 for n in numbers):
            return
        tag = f"{season}x{numbers[0]:02d}" + "".join(f"x{n:02d}" for n in numbers[1:])
        stem = f"{title} {tag}"
    info = parse_file(stem)
    assert info is not None, stem
    assert (info.season, info.episodes) == (season, numbers), stem
    assert library.title_key(info.title) == library.title_key(title), stem
