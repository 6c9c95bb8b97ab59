"""A database made by the first schema upgrades itself on open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mydia_tui.db import open_database
from mydia_tui.migrations import LATEST, schema_version
from mydia_tui.models import Download, DownloadUnit, Episode, MediaFile, MediaItem

V1_DUMP = Path(__file__).parent / "data" / "schema_v1.sql"


def _make_v1(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(V1_DUMP.read_text())
    con.close()


def _schema(path: Path) -> dict[str, set]:
    con = sqlite3.connect(path)
    out = {}
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        cols = {(r[1], r[2].upper(), r[3]) for r in con.execute(f'PRAGMA table_info("{table}")')}
        idx = set()
        for r in con.execute(f'PRAGMA index_list("{table}")'):
            names = tuple(c[2] for c in con.execute(f'PRAGMA index_info("{r[1]}")'))
            idx.add((names, r[2]))
        out[table] = (cols, idx)
    out["triggers"] = {
        row for row in con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type='trigger'")
    }
    con.close()
    return out


def test_first_schema_database_upgrades_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    _make_v1(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    con.close()

    db = open_database(str(path))
    assert schema_version(db) == LATEST
    # the data survived
    assert MediaItem.select().count() == 3
    assert Episode.select().count() == 4
    assert MediaFile.select().count() == 2
    assert Download.select().count() == 3
    # the claim table was filled from the downloads that were active in schema 1
    active = {u.active_unit for u in DownloadUnit.select() if u.active_unit}
    sintel = MediaItem.get(MediaItem.title == "Sintel")
    show = MediaItem.get(MediaItem.title == "The Expanse")
    episodes = {f"e:{e.id}" for e in Episode.select()}
    assert active == {f"m:{sintel.id}", f"s:{show.id}:1"} | episodes
    # the imported download holds nothing
    bbb = MediaItem.get(MediaItem.title == "Big Buck Bunny")
    imported = DownloadUnit.select().join(Download).where(Download.item == bbb).get()
    assert imported.active_unit is None
    # schema 3: each "e:" unit names its episode (download_episode's rows moved there)
    named = {(u.unit, u.episode_id) for u in DownloadUnit.select() if u.unit.startswith("e:")}
    assert named == {(f"e:{e.id}", e.id) for e in Episode.select()}
    assert all(u.episode_id is None for u in DownloadUnit.select() if not u.unit.startswith("e:"))
    assert "download_episode" not in db.get_tables()
    assert "folder_state" in db.get_tables()
    db.close()


def test_upgraded_schema_equals_a_fresh_one(tmp_path):
    old = tmp_path / "old.sqlite3"
    _make_v1(old)
    open_database(str(old)).close()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(str(fresh)).close()
    assert _schema(old) == _schema(fresh)


def test_reopening_is_idempotent(tmp_path):
    path = tmp_path / "db.sqlite3"
    open_database(str(path)).close()
    db = open_database(str(path))
    assert schema_version(db) == LATEST
    db.close()


def test_a_newer_schema_is_refused(tmp_path):
    from mydia_tui.errors import DatabaseError

    path = tmp_path / "db.sqlite3"
    open_database(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer mydia-tui"):
        open_database(str(path))


def test_schema_4_records_importers_and_an_import_left_before_it_is_done_again(tmp_path):
    """Schema 4 adds who imports a download (``import_by``) and since when. A download an older
    version left "importing" has no importer recorded: it is imported again."""
    from mydia_tui.monitor.importer import recover_import

    path = tmp_path / "old.sqlite3"
    _make_v1(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE download SET state = 'importing' WHERE title LIKE 'Sintel%'")
    con.commit()
    con.close()

    db = open_database(str(path))
    assert schema_version(db) == LATEST
    assert {(d.import_by, d.import_started_at) for d in Download.select()} == {("", None)}
    stuck = Download.get(Download.state == "importing")
    assert recover_import(stuck)
    assert Download.get_by_id(stuck.id).state == "completed"
    db.close()


@pytest.mark.both_databases
def test_schema_3_upgrades_to_4(db_path):
    """The step itself, on SQLite and PostgreSQL: a schema 3 database (the current one without
    the two columns) gets them, and the models read and write them."""
    db = open_database(str(db_path))
    for column in ("import_by", "import_started_at", "content"):  # content: schema 6's
        db.execute_sql(f"ALTER TABLE download DROP COLUMN {column}")
    db.execute_sql(f"UPDATE meta SET value = '3' WHERE key = {db.param}", ("schema_version",))
    db.close()

    db = open_database(str(db_path))
    assert schema_version(db) == LATEST
    columns = {c.name: c for c in db.get_columns("download")}
    assert not columns["import_by"].null and columns["import_started_at"].null
    db.close()


@pytest.mark.both_databases
def test_schema_5_recomputes_title_keys_with_the_one_title_comparison(db_path):
    """Schema 5: title keys as :mod:`mydia_tui.identity.titles` writes them (articles kept, so
    "The Equalizer" and "Equalizer" are two shows); the parse cache of older parsers emptied;
    a key that would collide with another item's keeps its old value."""
    from mydia_tui import library
    from mydia_tui.models import MediaItem, ParsedName

    db = open_database(str(db_path))
    the = library.add_show("The Equalizer", [], year=1985)
    magnum = library.add_show("Magnum P.I.", [], year=2018)
    clash = library.add_show("Magnum PI", [], year=2017)  # same key now: another year to add it
    for item, old, year in (
        (the, "equalizer", 1985),
        (magnum, "magnum p i", 2018),
        (clash, "magnum pi", 2018),
    ):
        MediaItem.update(title_key=old, year=year).where(MediaItem.id == item.id).execute()
    ParsedName.insert(name="x", version=1, data="{}").execute()
    db.execute_sql("ALTER TABLE download DROP COLUMN content")  # schema 6's
    db.execute_sql(f"UPDATE meta SET value = '4' WHERE key = {db.param}", ("schema_version",))
    db.close()

    db = open_database(str(db_path))
    assert schema_version(db) == LATEST
    keys = {i.id: i.title_key for i in MediaItem.select()}
    assert keys[the.id] == "the equalizer"
    # "Magnum P.I." would take "magnum pi", which "Magnum PI" of the same year holds: it keeps
    # its old key, and both items stay
    assert (keys[magnum.id], keys[clash.id]) == ("magnum p i", "magnum pi")
    assert ParsedName.select().count() == 0
    db.close()


@pytest.mark.both_databases
def test_schema_5_upgrades_to_6_with_the_files_of_each_download(db_path):
    """Schema 6 adds ``download.content`` (the files Deluge reported, for a torrent that vanishes
    from it): a schema 5 database gets the column, empty for the downloads it already had."""
    db = open_database(str(db_path))
    db.execute_sql("ALTER TABLE download DROP COLUMN content")
    db.execute_sql("ALTER TABLE download DROP COLUMN upgrade_from")
    db.execute_sql("ALTER TABLE download DROP COLUMN upgrade_file")
    db.execute_sql("ALTER TABLE media_item DROP COLUMN upgrades_paused")
    db.execute_sql(f"UPDATE meta SET value = '5' WHERE key = {db.param}", ("schema_version",))
    db.close()

    db = open_database(str(db_path))
    assert schema_version(db) == LATEST
    columns = {c.name: c for c in db.get_columns("download")}
    assert not columns["content"].null
    db.close()


@pytest.mark.both_databases
def test_schema_7_adds_the_upgrade_columns(db_path):
    """Schema 7: a schema 6 database (the current one without the upgrade columns) gets
    ``download.upgrade_from``/``upgrade_file`` and ``media_item.upgrades_paused``; its
    downloads read as first grabs and its items as not paused."""
    db = open_database(str(db_path))
    item = MediaItem.create(kind="movie", title="Sintel", sort_title="sintel", title_key="sintel")
    Download.create(kind="movie", item=item, info_hash="a" * 40, title="Sintel.2010.720p")
    db.execute_sql("ALTER TABLE download DROP COLUMN upgrade_from")
    db.execute_sql("ALTER TABLE download DROP COLUMN upgrade_file")
    db.execute_sql("ALTER TABLE media_item DROP COLUMN upgrades_paused")
    db.execute_sql(f"UPDATE meta SET value = '6' WHERE key = {db.param}", ("schema_version",))
    db.close()

    db = open_database(str(db_path))
    assert schema_version(db) == LATEST
    d = Download.get()
    assert (d.upgrade_from, d.upgrade_file) == ("", None)
    assert MediaItem.get().upgrades_paused == ""
    db.close()


@pytest.mark.both_databases
def test_schema_9_counts_the_changes_an_open_app_must_see_whoever_writes(db_path):
    """Schemas 8 and 9: the database counts items, episodes and files added, deleted or
    changed, by triggers, so a write made with plain SQL (any process, any code path) moves
    the open app's change stamp, and only the stamp of the table written. Schema 8 counted
    no title or air date change (a refresh's, a new user's report)."""
    from mydia_tui.views import change_stamp

    db = open_database(str(db_path))
    p = db.param

    def moved() -> tuple[str, ...]:
        nonlocal before
        after = change_stamp()
        out = tuple(
            f for f in ("items", "episodes", "files") if getattr(after, f) != getattr(before, f)
        )
        before = after
        return out

    before = change_stamp()
    db.execute_sql(
        "INSERT INTO media_item (kind, title, sort_title, title_key, monitored, monitor_new, "
        "status, overview, added_at, upgrades_paused) "
        f"VALUES ('show', 'Dark', 'dark', 'dark', {p}, {p}, '', '', {p}, '')",
        (True, True, "2026-12-01 10:00:00"),
    )
    assert moved() == ("items",)
    (show_id,) = db.execute_sql("SELECT id FROM media_item").fetchone()
    db.execute_sql(f"UPDATE media_item SET overview = 'a town' WHERE id = {p}", (show_id,))
    assert moved() == ("items",)
    db.execute_sql(f"UPDATE media_item SET monitored = {p} WHERE id = {p}", (False, show_id))
    assert moved() == ("items",)
    db.execute_sql(
        "INSERT INTO episode (show_id, season, number, title, monitored) "
        f"VALUES ({p}, 1, 1, 'Secrets', {p})",
        (show_id, True),
    )
    assert moved() == ("episodes",)
    db.execute_sql(f"UPDATE episode SET title = 'Lies' WHERE show_id = {p}", (show_id,))
    assert moved() == ("episodes",)
    db.execute_sql("UPDATE download SET progress = 0.5")  # not a table the library counts
    assert moved() == ()
    db.execute_sql(f"UPDATE episode SET monitored = {p} WHERE show_id = {p}", (False, show_id))
    assert moved() == ("episodes",)
    db.execute_sql(f"DELETE FROM media_item WHERE id = {p}", (show_id,))  # its episodes too
    assert moved() == ("items", "episodes")
    db.close()


def test_a_schema_8_database_counts_every_update_once_upgraded(tmp_path):
    """Schema 9 replaces schema 8's triggers (an open app missed a refresh's new titles and a
    scan's changed file): a schema 8 file, upgraded on open, counts a title change."""
    from mydia_tui.views import change_stamp

    path = tmp_path / "eight.sqlite3"
    db = open_database(str(path))
    db.execute_sql("DROP TRIGGER episode_counted_update")
    db.execute_sql(
        "CREATE TRIGGER episode_counted_update AFTER UPDATE OF monitored ON episode BEGIN "
        "UPDATE change_count SET n = n + 1 WHERE name = 'episode'; END"
    )
    db.execute_sql("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    db.close()
    db = open_database(str(path))
    assert schema_version(db) == LATEST
    show = MediaItem.create(kind="show", title="Dark", sort_title="dark", title_key="dark")
    Episode.create(show=show, season=1, number=1, title="Secrets")
    before = change_stamp()
    Episode.update(title="Lies").execute()
    assert change_stamp().episodes == before.episodes + 1
    db.close()


@pytest.mark.both_databases
def test_schema_10_keeps_how_often_each_indexer_is_asked_for_every_process(db_path):
    """Schema 10: a schema 9 database (the current one without them) gets the indexers' pace
    (``next_request_at``, ``rss_read_at``, ``rss_newest``) and the ``indexer_request`` table;
    its indexers keep their rows, with nothing counted yet."""
    from mydia_tui.models import Indexer, IndexerRequest, utcnow

    db = open_database(str(db_path))
    Indexer.create(name="jackett", url="http://127.0.0.1:9117/api")
    db.execute_sql("DROP TABLE indexer_request")
    for column in ("next_request_at", "rss_read_at", "rss_newest"):
        db.execute_sql(f"ALTER TABLE indexer DROP COLUMN {column}")
    db.execute_sql(f"UPDATE meta SET value = '9' WHERE key = {db.param}", ("schema_version",))
    db.close()

    db = open_database(str(db_path))
    assert schema_version(db) == LATEST
    row = Indexer.get(Indexer.name == "jackett")
    assert (row.next_request_at, row.rss_read_at, row.rss_newest) == (None, None, "{}")
    IndexerRequest.create(indexer=row, sent_at=utcnow())
    assert IndexerRequest.select().count() == 1
    db.close()
