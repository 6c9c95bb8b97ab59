"""Deleting a film or a show: ``library.delete_item`` and ``mydia-tui delete``, on a real
SQLite file and real files in a library folder."""

from __future__ import annotations

import os

import pytest

from mydia_tui import library
from mydia_tui.errors import NotFound
from mydia_tui.history import list_history, record
from mydia_tui.library import HasActiveDownloads, NewEpisode, add_movie, add_show, delete_item
from mydia_tui.models import (
    Download,
    Episode,
    FileEpisode,
    History,
    LibraryRoot,
    MediaFile,
    MediaItem,
)

pytestmark = pytest.mark.both_databases


def _film_with_file(root, title="Sintel", year=2010):
    info = add_movie(title, year)
    folder = root / info.folder
    folder.mkdir(parents=True)
    video = folder / f"{info.folder}.mkv"
    video.write_bytes(b"v" * 100)
    root_row = LibraryRoot.get_or_create(path=str(root), kind="movies")[0]
    MediaFile.create(movie=info.id, root=root_row, path=f"{info.folder}/{video.name}", size=100)
    return info, video


def test_delete_without_files_keeps_them_and_the_history(db, tmp_path):
    root = tmp_path / "movies"
    info, video = _film_with_file(root)
    record("grabbed", "grabbed Sintel.2010.1080p", item=info.id)
    done = delete_item(info.id, delete_files=False)
    assert MediaItem.get_or_none(MediaItem.id == info.id) is None
    assert not MediaFile.select().exists()
    assert video.exists()
    assert done.files_kept == (str(video),) and done.files_deleted == ()
    assert done.history_kept == 2  # "added" and "grabbed"
    rows = [h for h in list_history(limit=10)]
    assert [h.event for h in rows] == ["removed", "grabbed", "added"]
    assert all(h.item_title == "Sintel" and h.item_id is None for h in rows)
    assert all(h.data["item_id"] == info.id for h in rows)
    assert "its files kept" in rows[0].message


def test_delete_with_files_removes_them_and_their_empty_folder(db, tmp_path):
    root = tmp_path / "movies"
    info, video = _film_with_file(root)
    other, other_video = _film_with_file(root, "Big Buck Bunny", 2008)
    done = delete_item(info.id, delete_files=True)
    assert done.files_deleted == (str(video),) and done.files_failed == ()
    assert not video.exists() and not video.parent.exists()
    assert root.is_dir() and other_video.exists()  # the root and other items stay
    assert History.select().where(History.event == "removed").count() == 1


def test_delete_of_a_show_deletes_its_episode_files(db, tmp_path):
    root = tmp_path / "tv"
    info = add_show("Pioneer One", [NewEpisode(1, 1), NewEpisode(1, 2)])
    root_row = LibraryRoot.create(path=str(root), kind="shows")
    season = root / "Pioneer One" / "Season 01"
    season.mkdir(parents=True)
    keep = season / "notes.txt"  # not recorded by the library: never deleted
    keep.write_text("mine")
    for e in Episode.select().where(Episode.show == info.id):
        path = season / f"Pioneer One S01E0{e.number}.mkv"
        path.write_bytes(b"e")
        f = MediaFile.create(episode=e.id, root=root_row, path=str(path.relative_to(root)))
        FileEpisode.create(file=f, episode=e.id)
    done = delete_item(info.id, delete_files=True)
    assert len(done.files_deleted) == 2
    assert sorted(os.listdir(season)) == ["notes.txt"]
    assert not Episode.select().exists()


def test_a_file_reached_through_a_symlinked_folder_out_of_the_root_is_left(db, tmp_path):
    root = tmp_path / "movies"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    precious = outside / "precious.mkv"
    precious.write_bytes(b"p")
    info = add_movie("Sintel", 2010)
    root.mkdir()
    (root / info.folder).symlink_to(outside, target_is_directory=True)
    root_row = LibraryRoot.create(path=str(root), kind="movies")
    MediaFile.create(movie=info.id, root=root_row, path=f"{info.folder}/precious.mkv")
    MediaFile.create(movie=info.id, root=root_row, path="../elsewhere/precious2.mkv")
    done = delete_item(info.id, delete_files=True)
    assert precious.exists()
    assert done.files_deleted == ()
    assert {why for _, why in done.files_failed} == {"outside the library folder: left alone"}


def test_a_download_in_flight_refuses_the_delete(db, tmp_path):
    info = add_movie("Sintel", 2010)
    Download.create(
        kind="movie", item=info.id, info_hash="a" * 40, title="Sintel.2010", state="downloading"
    )
    with pytest.raises(
        HasActiveDownloads, match="1 download in flight: 1 \\(downloading\\).*remove it first"
    ):
        delete_item(info.id, delete_files=True)
    assert MediaItem.get_or_none(MediaItem.id == info.id) is not None
    # a finished download does not stand in the way
    Download.update(state="failed").execute()
    delete_item(info.id)
    assert not Download.select().exists()


def test_an_unknown_item_is_not_found(db):
    with pytest.raises(NotFound):
        library.delete_item(999)


def test_cli_delete_with_and_without_files(cli, tmp_path):
    movies = tmp_path / "movies"
    folder = movies / "Sintel (2010)"
    folder.mkdir(parents=True)
    video = folder / "Sintel (2010).mkv"
    video.write_bytes(b"x" * 2048)
    config = tmp_path / "config.toml"
    config.write_text(f'[library]\nmovies = ["{movies}"]\n')
    cli.config_path = config
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    assert cli("scan").code == 0
    r = cli("delete", "2")
    assert r.code == 0, r.err
    assert "deleted film Big Buck Bunny (2008) (id 2); its history is kept" in r.out
    r = cli("delete", "1", "--files", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["title"] == "Sintel" and doc["files_deleted"] == [str(video)]
    assert doc["history_kept"] >= 2
    assert not video.exists()
    assert cli("list", "--json").json() == []
    history = cli("history", "--json").json()
    assert {"Sintel", "Big Buck Bunny"} <= {h["data"].get("item_title") for h in history}
    r = cli("delete", "1")
    assert r.code == 1 and "no film or show with id 1" in r.err
