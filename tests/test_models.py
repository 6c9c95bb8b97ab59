"""The data model's own constraints, enforced by the database (not by Python)."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from mydia_tui.models import (
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    LibraryRoot,
    MediaFile,
    MediaItem,
    database,
)


def _show(title="The Expanse"):
    return MediaItem.create(
        kind="show", title=title, sort_title=title.lower(), title_key=title.lower()
    )


def _movie(title="Big Buck Bunny", year=2008):
    return MediaItem.create(
        kind="movie", title=title, sort_title=title.lower(), title_key=title.lower(), year=year
    )


def test_sqlite_is_configured_for_concurrency(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 10_000


def test_the_write_ahead_log_shrinks_back_after_a_checkpoint(db, db_path):
    """The WAL file keeps the size of its busiest moment unless SQLite is told to shrink it
    (``journal_size_limit``), and the first connection of the next launch reads all of it
    before the first query: a 92 MB WAL (a long-running monitor's) cost the TUI's launch about
    60 ms on a 50,000-item library. After a burst of writes and a checkpoint, the next write
    starts the log again at no more than the limit."""
    from mydia_tui.db import JOURNAL_SIZE_LIMIT, checkpoint

    wal = db_path.with_name(db_path.name + "-wal")
    with db.atomic():
        for n in range(3_000):
            _movie(title=f"Film {n} " + "x" * 2_000, year=1900 + n % 100)
    assert wal.stat().st_size > JOURNAL_SIZE_LIMIT  # the premise: a log past the limit
    checkpoint()
    _movie(title="One more")  # the write after a full checkpoint restarts the log
    assert wal.stat().st_size <= JOURNAL_SIZE_LIMIT


def test_episode_is_unique_per_show_season_number(db):
    show = _show()
    Episode.create(show=show, season=1, number=1)
    with pytest.raises(IntegrityError), database.atomic():
        Episode.create(show=show, season=1, number=1)
    Episode.create(show=show, season=2, number=1)
    Episode.create(show=_show("Other"), season=1, number=1)
    assert Episode.select().count() == 3


def test_media_file_has_exactly_one_owner(db):
    root = LibraryRoot.create(path="/lib", kind="movies")
    movie = _movie()
    episode = Episode.create(show=_show(), season=1, number=1)
    with pytest.raises(IntegrityError), database.atomic():
        MediaFile.create(root=root, path="orphan.mkv")
    with pytest.raises(IntegrityError), database.atomic():
        MediaFile.create(root=root, path="both.mkv", movie=movie, episode=episode)
    MediaFile.create(root=root, path="movie.mkv", movie=movie)
    MediaFile.create(root=root, path="episode.mkv", episode=episode)
    assert MediaFile.select().count() == 2


def test_media_file_path_is_unique_per_root(db):
    root = LibraryRoot.create(path="/lib", kind="movies")
    movie = _movie()
    MediaFile.create(root=root, path="a.mkv", movie=movie)
    with pytest.raises(IntegrityError), database.atomic():
        MediaFile.create(root=root, path="a.mkv", movie=movie)


def test_multi_episode_file_links_every_episode(db):
    root = LibraryRoot.create(path="/tv", kind="shows")
    show = _show()
    e1 = Episode.create(show=show, season=1, number=1)
    e2 = Episode.create(show=show, season=1, number=2)
    f = MediaFile.create(root=root, path="S01E01E02.mkv", episode=e1)
    FileEpisode.create(file=f, episode=e1)
    FileEpisode.create(file=f, episode=e2)
    with pytest.raises(IntegrityError), database.atomic():
        FileEpisode.create(file=f, episode=e2)
    covered = {fe.episode_id for fe in FileEpisode.select().where(FileEpisode.file == f)}
    assert covered == {e1.id, e2.id}


def test_external_ids_are_unique_where_set(db):
    MediaItem.create(kind="movie", title="A", sort_title="a", title_key="a", imdb_id="tt0000001")
    MediaItem.create(kind="movie", title="B", sort_title="b", title_key="b")
    MediaItem.create(
        kind="movie", title="C", sort_title="c", title_key="c"
    )  # NULL ids never collide
    with pytest.raises(IntegrityError), database.atomic():
        MediaItem.create(
            kind="movie", title="D", sort_title="d", title_key="d", imdb_id="tt0000001"
        )


def test_same_title_and_year_is_one_item(db):
    _movie()
    with pytest.raises(IntegrityError), database.atomic():
        _movie()
    _movie(year=2009)


def test_kinds_and_states_are_checked(db):
    with pytest.raises(IntegrityError), database.atomic():
        MediaItem.create(kind="song", title="x", sort_title="x", title_key="x")
    movie = _movie()
    with pytest.raises(IntegrityError), database.atomic():
        Download.create(kind="movie", item=movie, info_hash="a" * 40, title="t", state="exploded")
    with pytest.raises(IntegrityError), database.atomic():
        Download.create(kind="movie", item=movie, info_hash="short", title="t")


def test_an_active_unit_can_be_held_once(db):
    movie = _movie()
    d1 = Download.create(kind="movie", item=movie, info_hash="a" * 40, title="one")
    d2 = Download.create(kind="movie", item=movie, info_hash="b" * 40, title="two")
    DownloadUnit.create(download=d1, unit=f"m:{movie.id}", active_unit=f"m:{movie.id}")
    with pytest.raises(IntegrityError), database.atomic():
        DownloadUnit.create(download=d2, unit=f"m:{movie.id}", active_unit=f"m:{movie.id}")
    # released units (NULL) never collide
    DownloadUnit.update(active_unit=None).execute()
    DownloadUnit.create(download=d2, unit=f"m:{movie.id}", active_unit=f"m:{movie.id}")
    DownloadUnit.create(download=d1, unit=f"m:{movie.id}", active_unit=None)


def test_episodes_go_with_their_show(db):
    show = _show()
    Episode.create(show=show, season=1, number=1, air_date=dt.date(2015, 12, 14))
    show.delete_instance()
    assert Episode.select().count() == 0
